//! Generated flows, for property tests and benchmarks: a tree of steps ([`Spec`]) rendered into a
//! valid FlowGraph whose graph shape nests the way the tree does (decisions that merge or end,
//! loops with bodies, parallel branches that join).

#![allow(dead_code)]

use flow_model::{Edge, EdgeKind, Endpoint, FlowGraph, Node, NodeKind, Position};
use serde_json::{Map, Value, json};

/// One step of a generated flow.
#[derive(Debug, Clone)]
pub enum Spec {
    /// A plain node of the kind with this index in [`STEP_KINDS`].
    Step(usize),
    /// A decision; with `merge` its branches meet at a node after it, else each ends on its own
    /// (such a decision is the last step of its sequence).
    Decision {
        branches: Vec<Vec<Spec>>,
        merge: bool,
    },
    Loop {
        body: Vec<Spec>,
        foreach: bool,
    },
    /// Branches that run together and join at a node after them.
    Parallel {
        branches: Vec<Vec<Spec>>,
    },
}

/// Kinds used for plain steps, each with a valid config.
pub const STEP_KINDS: [NodeKind; 12] = [
    NodeKind::LlmRigid,
    NodeKind::LlmFlexible,
    NodeKind::LlmGuarded,
    NodeKind::ToolPlugin,
    NodeKind::ToolHttp,
    NodeKind::DataVariableSet,
    NodeKind::Checkpoint,
    NodeKind::HitlDecision,
    NodeKind::HitlReview,
    NodeKind::QueuePublish,
    NodeKind::ComputeExec,
    NodeKind::SubflowCall,
];

fn config(kind: NodeKind, n: usize) -> Map<String, Value> {
    let value = match kind {
        NodeKind::LlmRigid => json!({"template": format!("Step {n}: {{{{input.text}}}}")}),
        NodeKind::LlmFlexible => {
            json!({"goal": format!("Handle step {n}."), "output_schema": {"answer": "string"}})
        }
        NodeKind::LlmGuarded => {
            json!({"goal": format!("Check step {n}."), "guard": "input.ok", "validate": "result.ok"})
        }
        NodeKind::ToolPlugin => {
            json!({"plugin": "scaidrive", "method": "search", "args": {"path": "/kb/", "query": format!("q{n}")}})
        }
        NodeKind::ToolHttp => {
            json!({"method": "POST", "url": format!("https://api.example/{n}"), "body": {"n": n}})
        }
        NodeKind::DataVariableSet => json!({"assignments": {format!("v{n}"): format!("{n} + 1")}}),
        NodeKind::Checkpoint => {
            json!({"prompt": format!("Continue after {n}?"), "options": ["yes", "no"], "timeout": "1h"})
        }
        NodeKind::HitlDecision => json!({"timeout": "2h"}),
        NodeKind::HitlReview => {
            json!({"queue": "review", "sections": {"decision": [{"id": "approve", "label": "Approve"}]}})
        }
        NodeKind::QueuePublish => {
            json!({"queue": "events", "message_type": "step-done", "payload": {"step": n}})
        }
        NodeKind::ComputeExec => json!({"command": ["echo", format!("{n}")], "timeout_s": 5}),
        NodeKind::SubflowCall => {
            json!({"target": "core://acme/helper", "input_bindings": {"n": n}})
        }
        _ => json!({}),
    };
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// Renders `specs` (after an API entry) into a flow.
pub fn render(specs: &[Spec]) -> FlowGraph {
    let mut r = Renderer::default();
    let entry = r.node(NodeKind::EntryApi, Map::new());
    let start = vec![Exit { node: entry, port: "out_request".into(), condition: None }];
    r.seq(specs, start);
    let mut flow = FlowGraph::from_json(
        r#"{"id": "flow_generated", "name": "Generated Flow", "version": "1.0.0", "scaicore_target": "0.2",
            "config": {"core_identity": {"name": "Generated", "models": [{"role": "primary", "ref": "scaigrid", "model": "openai/gpt-4o"}]},
                       "scaiqueue": {"scope": "gen", "queues": [{"slug": "review"}, {"slug": "events"}]}}}"#,
    )
    .expect("the generated header parses");
    flow.nodes = r.nodes;
    flow.edges = r.edges;
    flow
}

#[derive(Clone)]
struct Exit {
    node: usize,
    port: String,
    condition: Option<String>,
}

#[derive(Default)]
struct Renderer {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
}

impl Renderer {
    fn node(&mut self, kind: NodeKind, config: Map<String, Value>) -> usize {
        let n = self.nodes.len();
        let position =
            Position { x: 80.0 + 260.0 * (n % 40) as f64, y: 80.0 + 160.0 * (n / 40) as f64 };
        let mut node = Node::new(kind, format!("n{n}"), position);
        node.label = format!("{} {n}", kind.display_name());
        if !config.is_empty() {
            node.config = config;
        }
        self.nodes.push(node);
        n
    }

    fn connect(&mut self, from: Exit, to: usize) {
        let kind =
            if from.condition.is_some() { EdgeKind::Conditional } else { EdgeKind::Sequential };
        let id = format!("e{}", self.edges.len());
        self.edges.push(Edge {
            id,
            kind,
            source: Endpoint {
                node: format!("n{}", from.node),
                port: from.port,
                extra: Map::new(),
            },
            target: Endpoint { node: format!("n{to}"), port: "in".into(), extra: Map::new() },
            condition: from.condition,
            extra: Map::new(),
        });
    }

    fn enter(&mut self, incoming: Vec<Exit>, node: usize) {
        for exit in incoming {
            self.connect(exit, node);
        }
    }

    fn out(node: usize) -> Vec<Exit> {
        vec![Exit { node, port: "out".into(), condition: None }]
    }

    /// Renders a sequence; returns where control leaves it.
    fn seq(&mut self, specs: &[Spec], mut incoming: Vec<Exit>) -> Vec<Exit> {
        for spec in specs {
            incoming = self.spec(spec, incoming);
        }
        incoming
    }

    fn spec(&mut self, spec: &Spec, incoming: Vec<Exit>) -> Vec<Exit> {
        match spec {
            Spec::Step(k) => {
                let kind = STEP_KINDS[k % STEP_KINDS.len()];
                let n = self.node(kind, config(kind, self.nodes.len()));
                self.enter(incoming, n);
                Self::out(n)
            }
            Spec::Decision { branches, merge } => {
                let d = self.node(NodeKind::LogicDecision, Map::new());
                self.enter(incoming, d);
                let count = branches.len();
                let mut exits = Vec::new();
                for (i, branch) in branches.iter().enumerate() {
                    let condition =
                        if i + 1 == count { "true".to_owned() } else { format!("x == {i}") };
                    let start =
                        vec![Exit { node: d, port: "out".into(), condition: Some(condition) }];
                    exits.extend(self.seq(branch, start));
                }
                if *merge {
                    let m =
                        self.node(NodeKind::LlmRigid, config(NodeKind::LlmRigid, self.nodes.len()));
                    self.enter(exits, m);
                    Self::out(m)
                } else {
                    Vec::new()
                }
            }
            Spec::Loop { body, foreach } => {
                let config = if *foreach {
                    json!({"style": "foreach", "items": "input.items", "item_var": "item", "max_iterations": 50})
                } else {
                    json!({"style": "while", "condition": "more", "max_iterations": 1000})
                };
                let Value::Object(config) = config else { unreachable!() };
                let l = self.node(NodeKind::LogicLoop, config);
                self.enter(incoming, l);
                self.seq(body, vec![Exit { node: l, port: "out_body".into(), condition: None }]);
                Self::out(l)
            }
            Spec::Parallel { branches } => {
                let p = self.node(NodeKind::LogicParallel, Map::new());
                self.enter(incoming, p);
                let mut exits = Vec::new();
                for branch in branches {
                    exits.extend(self.seq(branch, Self::out(p)));
                }
                let j = self.node(NodeKind::LlmRigid, config(NodeKind::LlmRigid, self.nodes.len()));
                self.enter(exits, j);
                Self::out(j)
            }
        }
    }
}

/// A deterministic flow of about `size` nodes with the mix of a real one: mostly chains, a
/// three-way decision every ~12 nodes, a loop every ~30, a parallel block every ~45.
pub fn sized(size: usize, seed: u64) -> FlowGraph {
    let mut rng = seed.max(1);
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let mut specs = Vec::new();
    let mut count = 1;
    while count < size {
        let roll = next() % 90;
        // Each block adds its nodes: a decision, four steps and the merge; a loop and two steps;
        // a parallel node, three steps and the join.
        let spec = if roll < 6 {
            count += 6;
            Spec::Decision {
                branches: vec![
                    vec![Spec::Step(next() as usize)],
                    vec![Spec::Step(next() as usize), Spec::Step(next() as usize)],
                    vec![Spec::Step(next() as usize)],
                ],
                merge: true,
            }
        } else if roll < 9 {
            count += 3;
            Spec::Loop {
                body: vec![Spec::Step(next() as usize), Spec::Step(next() as usize)],
                foreach: next() % 2 == 0,
            }
        } else if roll < 11 {
            count += 5;
            Spec::Parallel {
                branches: vec![
                    vec![Spec::Step(next() as usize)],
                    vec![Spec::Step(next() as usize), Spec::Step(next() as usize)],
                ],
            }
        } else {
            count += 1;
            Spec::Step(next() as usize)
        };
        specs.push(spec);
    }
    render(&specs)
}
