//! Structuring: turns the (acyclic) graph into flow bodies of nested steps.
//!
//! Each group of entry points that start at the same nodes becomes one flow. From there a
//! path is followed node by node; where it splits (a decision, conditional edges, a parallel
//! node) each branch is structured up to the *merge*, the first node (in topological order)
//! that two branches both reach, and the path continues from the merge. A branch that stops
//! before the merge while others go on ends with an explicit `End`, so it cannot fall through
//! into steps it would never have reached in the graph. A node that would be placed twice means
//! the paths do not nest; that is reported, never silently duplicated.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use flow_model::{EdgeKind, NodeKind};
use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::ir::{Branch, Case, EndKind, FlowBody, Graph, Link, Program, Step};
use crate::names::slug;

/// Builds the program and reports what cannot be structured. The graph must be acyclic.
pub fn structure(graph: &Graph<'_>) -> (Program, Vec<Diagnostic>) {
    let mut s = Structurer::new(graph);
    let mut groups: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();
    for entry in graph.entries() {
        s.placed[entry] = true;
        let mut starts: Vec<usize> = graph.control_out(entry).map(|l| l.target).collect();
        starts.sort_unstable();
        match groups.iter_mut().find(|(_, s)| *s == starts) {
            Some((entries, _)) => entries.push(entry),
            None => groups.push((vec![entry], starts)),
        }
    }

    let mut flows = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for (entries, _) in groups {
        let base = if flows.is_empty() {
            slug(&graph.flow.name)
        } else {
            slug(&graph.node(entries[0]).label)
        };
        let name = unique(base, &names);
        names.push(name.clone());
        let mut steps = Vec::new();
        if let Some(next) = s.follow(entries[0], None, Context::Top, &mut steps) {
            steps.extend(s.region(next, None, Context::Top));
        }
        flows.push(FlowBody { name, entries, steps });
    }

    let mut detached = Vec::new();
    let has_entry = graph.entries().next().is_some();
    for &n in &graph.nodes {
        if !s.placed[n] {
            detached.push(n);
            if !has_entry {
                // "flow has no entry-point node" already says it all.
                continue;
            }
            let node = graph.node(n);
            s.diagnostics.push(
                Diagnostic::warning(
                    format!(
                        "node '{}' is not reachable from an entry point and will not run",
                        node.id
                    ),
                    format!("nodes[{n}]"),
                )
                .on_node(&node.id),
            );
        }
    }
    (Program { flows, detached }, s.diagnostics)
}

/// What a path that stops early inside a block must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    /// Directly in a flow body (or a branch of one): the invocation ends.
    Top,
    /// In a loop body: the iteration ends.
    LoopBody,
    /// In a parallel branch: there is no construct to end just the branch.
    ParallelBranch,
}

struct Structurer<'g, 'a> {
    graph: &'g Graph<'a>,
    topo: Vec<usize>,
    placed: Vec<bool>,
    /// Scratch space of `merge`: the search that last visited a node, and the branch it came by.
    visit: Vec<(u32, u32)>,
    multi: Vec<u32>,
    search: u32,
    diagnostics: Vec<Diagnostic>,
}

impl<'g, 'a> Structurer<'g, 'a> {
    fn new(graph: &'g Graph<'a>) -> Self {
        let count = graph.flow.nodes.len();
        Structurer {
            graph,
            topo: topological_order(graph),
            placed: vec![false; count],
            visit: vec![(0, 0); count],
            multi: vec![0; count],
            search: 0,
            diagnostics: Vec::new(),
        }
    }

    /// The steps from `start` until `until` (exclusive) or the end of the path.
    fn region(&mut self, start: usize, until: Option<usize>, ctx: Context) -> Vec<Step> {
        let mut steps = Vec::new();
        let mut current = Some(start);
        while let Some(n) = current {
            if Some(n) == until {
                return steps;
            }
            if !self.place(n) {
                return steps;
            }
            current = self.node(n, until, ctx, &mut steps);
        }
        if until.is_some()
            && !steps.last().is_some_and(Step::terminates)
            && let Some(end) = self.end(ctx, start)
        {
            steps.push(end);
        }
        steps
    }

    /// Marks `n` placed; a second placement is reported and refused.
    fn place(&mut self, n: usize) -> bool {
        if self.placed[n] {
            let node = self.graph.node(n);
            self.diagnostics.push(
                Diagnostic::error(
                    format!(
                        "node '{}' is reached along paths that do not meet at one node first; \
                         join the branches before it, or give each branch its own copy",
                        node.id
                    ),
                    format!("nodes[{n}]"),
                )
                .on_node(&node.id),
            );
            return false;
        }
        self.placed[n] = true;
        true
    }

    /// Appends node `n`'s steps; returns where the path continues.
    fn node(
        &mut self,
        n: usize,
        until: Option<usize>,
        ctx: Context,
        steps: &mut Vec<Step>,
    ) -> Option<usize> {
        let graph = self.graph;
        let node = graph.node(n);
        if node.config.get("breakpoint").and_then(Value::as_bool) == Some(true) {
            steps.push(Step::Breakpoint(n));
        }
        match node.kind {
            NodeKind::LogicLoop => {
                let (body_edges, rest): (Vec<Link>, Vec<Link>) = graph
                    .control_out(n)
                    .partition(|l| graph.edge(*l).source.port == NodeKind::LOOP_BODY_PORT);
                if body_edges.len() > 1 {
                    self.error(
                        n,
                        format!(
                            "loop '{}' has {} edges from out_body; start the body at one node",
                            node.id,
                            body_edges.len()
                        ),
                    );
                }
                let body = match body_edges.first() {
                    Some(l) => self.region(l.target, None, Context::LoopBody),
                    None => {
                        self.warning(n, format!("loop '{}' has an empty body", node.id));
                        Vec::new()
                    }
                };
                steps.push(Step::Loop { node: n, body });
                self.branch_or_continue(n, rest, until, ctx, steps)
            }
            NodeKind::LogicParallel => {
                let starts: Vec<Link> = graph.control_out(n).collect();
                if starts.len() < 2 {
                    self.warning(
                        n,
                        format!(
                            "parallel '{}' has {} branch(es); connect two or more",
                            node.id,
                            starts.len()
                        ),
                    );
                }
                let targets: Vec<usize> = starts.iter().map(|l| l.target).collect();
                let merge = self.merge(&targets, until);
                let branches = targets
                    .iter()
                    .map(|&t| self.region(t, merge, Context::ParallelBranch))
                    .collect();
                steps.push(Step::Parallel { node: n, branches });
                merge
            }
            kind => {
                if !kind.is_entry() && kind != NodeKind::LogicDecision {
                    steps.push(Step::Node(n));
                }
                let edges: Vec<Link> = graph.control_out(n).collect();
                self.branch_or_continue(n, edges, until, ctx, steps)
            }
        }
    }

    /// Continues along `edges` out of `n`: one sequential edge is a plain continuation;
    /// conditional edges (or a decision node) make a branch.
    fn follow(
        &mut self,
        n: usize,
        until: Option<usize>,
        ctx: Context,
        steps: &mut Vec<Step>,
    ) -> Option<usize> {
        let edges: Vec<Link> = self.graph.control_out(n).collect();
        self.branch_or_continue(n, edges, until, ctx, steps)
    }

    fn branch_or_continue(
        &mut self,
        n: usize,
        edges: Vec<Link>,
        until: Option<usize>,
        ctx: Context,
        steps: &mut Vec<Step>,
    ) -> Option<usize> {
        let graph = self.graph;
        let node = graph.node(n);
        let (conditional, sequential): (Vec<Link>, Vec<Link>) =
            edges.into_iter().partition(|l| graph.edge(*l).kind == EdgeKind::Conditional);
        let is_decision = node.kind == NodeKind::LogicDecision;
        if conditional.is_empty() && !is_decision {
            if sequential.len() > 1 {
                self.error(
                    n,
                    format!(
                        "node '{}' has {} outgoing sequential edges; use logic_parallel to run branches \
                         together or logic_decision to choose one",
                        node.id,
                        sequential.len()
                    ),
                );
                // Structure the extra paths anyway, so their nodes are not also reported as
                // unreachable; their steps are dropped since the flow does not compile.
                for extra in &sequential[1..] {
                    self.region(extra.target, until, ctx);
                }
            }
            return sequential.first().map(|l| l.target);
        }
        if sequential.len() > 1 {
            self.error(
                n,
                format!(
                    "node '{}' has {} sequential (fallthrough) edges; a branch can have only one",
                    node.id,
                    sequential.len()
                ),
            );
        }
        if is_decision && conditional.is_empty() && sequential.is_empty() {
            self.warning(n, format!("decision '{}' has no outgoing edges", node.id));
        }
        let mut targets: Vec<usize> = conditional.iter().map(|l| l.target).collect();
        targets.extend(sequential.first().map(|l| l.target));
        let merge = self.merge(&targets, until);
        let cases = conditional
            .iter()
            .map(|&l| Case {
                edge: l.edge,
                condition: graph.edge(l).condition.clone().unwrap_or_default(),
                steps: self.region(l.target, merge, ctx),
            })
            .collect();
        let always_matches = conditional.last().is_some_and(|l| {
            graph.edge(*l).condition.as_deref().is_some_and(|c| c.trim() == "true")
        });
        let default = match sequential.first() {
            Some(l) => Some(self.region(l.target, merge, ctx)),
            // Nothing matched: this path ends; it must not fall through to the merge.
            None if merge.is_some() && !always_matches => self.end(ctx, n).map(|end| vec![end]),
            None => None,
        };
        steps.push(Step::Branch(Branch { node: n, cases, default }));
        merge
    }

    /// The first node, in topological order, that two of the branches starting at `starts`
    /// reach; else `until` if one of them reaches it; else none (every branch ends).
    fn merge(&mut self, starts: &[usize], until: Option<usize>) -> Option<usize> {
        let graph = self.graph;
        self.search += 1;
        let search = self.search;
        let mut heap = BinaryHeap::new();
        for (branch, &s) in starts.iter().enumerate() {
            self.reach(&mut heap, s, branch as u32);
        }
        let mut reached_until = false;
        while let Some(Reverse((_, n))) = heap.pop() {
            if self.multi[n] == search {
                return Some(n);
            }
            if Some(n) == until {
                reached_until = true;
                continue;
            }
            let branch = self.visit[n].1;
            for l in graph.control_out(n) {
                self.reach(&mut heap, l.target, branch);
            }
        }
        if reached_until { until } else { None }
    }

    /// Notes that `branch` reaches `n` in the current search: queued the first time, marked as
    /// a meeting point when another branch already got there.
    fn reach(&mut self, heap: &mut BinaryHeap<Reverse<(usize, usize)>>, n: usize, branch: u32) {
        if self.visit[n].0 == self.search {
            if self.visit[n].1 != branch {
                self.multi[n] = self.search;
            }
        } else {
            self.visit[n] = (self.search, branch);
            heap.push(Reverse((self.topo[n], n)));
        }
    }

    /// The step that ends a path early in `ctx`; `None` (with an error on `at`) where no
    /// construct can express it.
    fn end(&mut self, ctx: Context, at: usize) -> Option<Step> {
        match ctx {
            Context::Top => Some(Step::End(EndKind::Return)),
            Context::LoopBody => Some(Step::End(EndKind::Continue)),
            Context::ParallelBranch => {
                let id = &self.graph.node(at).id;
                self.error(
                    at,
                    format!(
                        "a path from node '{id}' ends inside a parallel branch while the branch goes \
                         on elsewhere; end every path of the branch at the same node"
                    ),
                );
                None
            }
        }
    }

    fn error(&mut self, n: usize, message: String) {
        let id = &self.graph.node(n).id;
        self.diagnostics.push(Diagnostic::error(message, format!("nodes[{n}]")).on_node(id));
    }

    fn warning(&mut self, n: usize, message: String) {
        let id = &self.graph.node(n).id;
        self.diagnostics.push(Diagnostic::warning(message, format!("nodes[{n}]")).on_node(id));
    }
}

/// Position of each node in a topological order of the control edges (Kahn's algorithm,
/// ties by document order). Nodes on a cycle get positions after all others.
fn topological_order(graph: &Graph<'_>) -> Vec<usize> {
    let count = graph.flow.nodes.len();
    let mut indegree = vec![0usize; count];
    for &n in &graph.nodes {
        for l in graph.control_out(n) {
            indegree[l.target] += 1;
        }
    }
    let mut ready: BinaryHeap<Reverse<usize>> =
        graph.nodes.iter().copied().filter(|&n| indegree[n] == 0).map(Reverse).collect();
    let mut position = vec![usize::MAX; count];
    let mut next = 0;
    while let Some(Reverse(n)) = ready.pop() {
        position[n] = next;
        next += 1;
        for l in graph.control_out(n) {
            indegree[l.target] -= 1;
            if indegree[l.target] == 0 {
                ready.push(Reverse(l.target));
            }
        }
    }
    position
}

fn unique(base: String, taken: &[String]) -> String {
    if !taken.contains(&base) {
        return base;
    }
    (2..).map(|i| format!("{base}-{i}")).find(|c| !taken.contains(c)).unwrap_or(base)
}
