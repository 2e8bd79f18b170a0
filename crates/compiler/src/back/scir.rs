//! The SCIR back end: an `IRModule` serialised as MessagePack after the magic bytes `SCIR`.
//!
//! Entry nodes become triggers, never blocks. Every other node becomes one block whose
//! `node_id` names it, so runtime events can be mapped back onto the canvas: LLM nodes become
//! `flexible` / `guarded` blocks, templates, assignments and plugin calls (tools, queues,
//! sandboxes) `rigid` blocks of statements, the three HITL kinds one `checkpoint` block each,
//! `subflow_call` a `core_call`, loops `foreach` / `while`, decisions `match`, parallel nodes
//! `parallel`. Maps are written with their field names, the way ScaiCore's serializer writes
//! its dataclasses.

mod verify;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::CompileError;
use crate::back::op::{self, Op, binding, identifier, output_type};
use crate::back::yaml::DEFAULT_RUNTIME;
use crate::ir::{Branch, EndKind, Graph, Program, Step};
use crate::valid::slug;

pub use verify::{VerifyError, verify};

/// The four bytes every bundle starts with.
pub const MAGIC: &[u8; 4] = b"SCIR";
/// The IR schema this back end writes.
pub const SCHEMA_VERSION: &str = "0.1";

/// A compiled Core.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IRModule {
    pub schema_version: String,
    pub name: String,
    pub version: String,
    pub runtime_version: String,
    /// Instance mode: `stateless`.
    pub instance: String,
    pub identity: IRIdentity,
    pub models: Vec<IRModel>,
    pub plugins: Vec<IRPlugin>,
    pub capabilities: Vec<Value>,
    pub scaiqueue: Option<Value>,
    pub triggers: Vec<IRTrigger>,
    pub flows: Vec<IRFlow>,
    /// Source linkage and deploy intents (`scaiflow`: source_id, source_version, ...).
    pub metadata: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IRIdentity {
    pub name: String,
    pub persona: String,
    pub provider: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IRModel {
    pub role: String,
    pub provider: String,
    pub model: String,
    pub temperature: Option<f64>,
    pub modalities: Vec<String>,
    pub system_context: Option<String>,
    pub fallback: Vec<IRModelRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IRModelRef {
    pub provider: String,
    pub model: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IRPlugin {
    pub alias: String,
    pub endpoint: String,
}

/// A top-level trigger: `kind` is `api`, `webhook` or `schedule`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IRTrigger {
    pub kind: String,
    pub name: String,
    pub target_flow: String,
    /// `method` and `path`, or `cron` and `timezone`.
    pub config: Map<String, Value>,
    pub node_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IRFlow {
    pub name: String,
    pub params: Vec<IRParam>,
    pub body: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IRParam {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
}

/// An execution block; `kind` is the discriminator the runtime dispatches on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    Rigid {
        statements: Vec<Statement>,
        result_binding: Option<String>,
        node_id: Option<String>,
    },
    Flexible {
        goal: String,
        output_type: String,
        llm_role: String,
        input_bindings: Value,
        context_bindings: Value,
        guidance: Option<String>,
        identity_ref: bool,
        constraints: Option<Value>,
        examples: Vec<Value>,
        on_failure: Option<Value>,
        budget: Option<Value>,
        result_binding: String,
        node_id: String,
    },
    Guarded {
        goal: String,
        output_type: String,
        llm_role: String,
        guard: Option<String>,
        validate: Option<String>,
        input_bindings: Value,
        context_bindings: Value,
        guidance: Option<String>,
        constraints: Option<Value>,
        on_validation_failure: Option<Value>,
        result_binding: String,
        node_id: String,
    },
    Checkpoint {
        checkpoint_type: String,
        prompt: Option<String>,
        options: Vec<String>,
        timeout: Option<String>,
        on_timeout: Option<String>,
        assignee: Option<String>,
        hitl_target: Option<HitlTarget>,
        result_binding: Option<String>,
        node_id: String,
    },
    CoreCall {
        target: String,
        flow_name: Option<String>,
        input_bindings: Value,
        instance_key: Option<Value>,
        version: Option<Value>,
        timeout: String,
        is_async: bool,
        result_binding: String,
        node_id: String,
    },
    /// A decision: the first case whose `when` holds (or equals `subject`) runs.
    Match {
        subject: Option<String>,
        cases: Vec<MatchCase>,
        default: Option<Vec<Block>>,
        node_id: String,
    },
    Foreach {
        item_var: String,
        items: String,
        max_iterations: Option<u32>,
        body: Vec<Block>,
        node_id: String,
    },
    While {
        condition: String,
        max_iterations: Option<u32>,
        body: Vec<Block>,
        node_id: String,
    },
    Parallel {
        branches: Vec<Vec<Block>>,
        max_concurrent: Option<u32>,
        fail_fast: bool,
        node_id: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchCase {
    pub when: String,
    pub body: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HitlTarget {
    pub scope: Option<String>,
    pub queue: String,
    pub hitl_spec: Value,
}

/// A statement of a rigid block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Statement {
    Expression {
        expression: String,
    },
    Assign {
        target: String,
        expression: Value,
    },
    PluginCall {
        alias: String,
        method: String,
        args: Map<String, Value>,
        result_binding: Option<String>,
    },
    Return {
        expression: Option<String>,
    },
    Continue,
}

/// A bundle that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("not a SCIR bundle: it does not start with the bytes 'SCIR'")]
    NotScir,
    #[error("malformed SCIR bundle: {0}")]
    Malformed(String),
}

/// The bundle bytes of `module`.
pub fn encode(module: &IRModule) -> Result<Vec<u8>, CompileError> {
    let mut bytes = MAGIC.to_vec();
    let body = rmp_serde::to_vec_named(module)
        .map_err(|e| CompileError::Encode { format: "ir", message: e.to_string() })?;
    bytes.extend(body);
    Ok(bytes)
}

/// Reads a bundle back.
pub fn decode(bytes: &[u8]) -> Result<IRModule, DecodeError> {
    let body = bytes.strip_prefix(MAGIC.as_slice()).ok_or(DecodeError::NotScir)?;
    rmp_serde::from_slice(body).map_err(|e| DecodeError::Malformed(e.to_string()))
}

/// The module of a validated program.
pub fn module(graph: &Graph<'_>, program: &Program) -> IRModule {
    let flow = graph.flow;
    let config = flow.config.clone().unwrap_or_default();
    let registry = config.core_identity.as_ref().map(|c| c.models.clone()).unwrap_or_default();
    let name = config
        .core_identity
        .as_ref()
        .and_then(|c| c.name.clone())
        .unwrap_or_else(|| flow.name.clone());
    let models = registry
        .iter()
        .map(|m| IRModel {
            role: m.role.clone(),
            provider: m.provider.clone(),
            model: m.model.clone(),
            temperature: m.temperature,
            modalities: m
                .modalities()
                .iter()
                .map(|x| text(&serde_json::to_value(x).unwrap_or(Value::Null)))
                .collect(),
            system_context: m.system_context.clone(),
            fallback: m
                .fallback
                .iter()
                .map(|f| IRModelRef { provider: f.provider.clone(), model: f.model.clone() })
                .collect(),
        })
        .collect();
    let default_role = registry.first().map_or_else(|| "primary".to_owned(), |m| m.role.clone());
    let builder = Builder { graph, default_role };

    let mut triggers = Vec::new();
    let mut flows = Vec::new();
    for body in &program.flows {
        let flow_name = identifier(&body.name);
        for &entry in &body.entries {
            triggers.push(builder.trigger(entry, &flow_name));
        }
        flows.push(IRFlow {
            name: flow_name,
            params: vec![IRParam { name: "input".into(), ty: "object".into() }],
            body: builder.blocks(&body.steps),
        });
    }

    let mut capabilities = config.capabilities.clone();
    if let Some(bunker) = op::bunker(graph) {
        let mut capability = Map::new();
        capability.insert("bunker".into(), serde_json::to_value(bunker).unwrap_or(Value::Null));
        capabilities.push(Value::Object(capability));
    }
    let runtime = flow.scaicore_target.clone().unwrap_or_else(|| DEFAULT_RUNTIME.to_owned());
    let mut linkage = Map::new();
    linkage.insert("source_id".into(), flow.id.clone().into());
    linkage.insert("source_version".into(), flow.version.clone().into());
    linkage.insert("scaicore_target".into(), runtime.clone().into());
    linkage.insert("publish_as_model".into(), config.publish_as_model.into());
    linkage.insert(
        "model_visibility_group_ids".into(),
        config.model_visibility_group_ids.clone().into(),
    );
    let mut metadata = Map::new();
    metadata.insert("scaiflow".into(), Value::Object(linkage));

    IRModule {
        schema_version: SCHEMA_VERSION.into(),
        name: slug(&flow.name),
        version: flow.version.clone(),
        runtime_version: runtime,
        instance: "stateless".into(),
        identity: IRIdentity { name: name.clone(), persona: name, provider: "scaikey".into() },
        models,
        plugins: op::plugins(graph)
            .into_iter()
            .map(|(alias, endpoint)| IRPlugin { alias, endpoint })
            .collect(),
        capabilities,
        scaiqueue: config
            .scaiqueue
            .as_ref()
            .map(|t| serde_json::to_value(t).unwrap_or(Value::Null)),
        triggers,
        flows,
        metadata,
    }
}

fn text(value: &Value) -> String {
    value.as_str().map_or_else(|| value.to_string(), str::to_owned)
}

struct Builder<'g, 'a> {
    graph: &'g Graph<'a>,
    default_role: String,
}

impl Builder<'_, '_> {
    fn trigger(&self, entry: usize, flow_name: &str) -> IRTrigger {
        let node = self.graph.node(entry);
        let (kind, config) = match self.graph.config(entry).cloned() {
            Some(flow_model::NodeConfig::EntryWebhook(c)) => {
                ("webhook", map([("method", c.method.into()), ("path", c.path.into())]))
            }
            Some(flow_model::NodeConfig::EntrySchedule(c)) => {
                ("schedule", map([("cron", c.cron.into()), ("timezone", c.timezone.into())]))
            }
            Some(flow_model::NodeConfig::EntryApi(c)) => {
                ("api", map([("method", c.method.into()), ("path", c.path.into())]))
            }
            _ => ("api", Map::new()),
        };
        IRTrigger {
            kind: kind.into(),
            name: binding(self.graph, entry),
            target_flow: flow_name.to_owned(),
            config,
            node_id: node.id.clone(),
        }
    }

    fn blocks(&self, steps: &[Step]) -> Vec<Block> {
        steps.iter().map(|s| self.block(s)).collect()
    }

    fn block(&self, step: &Step) -> Block {
        let graph = self.graph;
        let id = |n: usize| graph.node(n).id.clone();
        match step {
            Step::Node(n) => self.node(*n),
            Step::Breakpoint(n) => Block::Checkpoint {
                checkpoint_type: "debug_breakpoint".into(),
                prompt: Some(format!("Breakpoint before '{}'", graph.node(*n).label)),
                options: vec!["continue".into()],
                timeout: None,
                on_timeout: None,
                assignee: None,
                hitl_target: None,
                result_binding: None,
                node_id: id(*n),
            },
            Step::Branch(Branch { node, cases, default }) => {
                let subject = match graph.config(*node) {
                    Some(flow_model::NodeConfig::LogicDecision(c))
                        if c.style == flow_model::config::DecisionStyle::Match =>
                    {
                        c.subject.clone()
                    }
                    _ => None,
                };
                Block::Match {
                    subject,
                    cases: cases
                        .iter()
                        .map(|c| MatchCase {
                            when: c.condition.clone(),
                            body: self.blocks(&c.steps),
                        })
                        .collect(),
                    default: default.as_ref().map(|d| self.blocks(d)),
                    node_id: id(*node),
                }
            }
            Step::Loop { node, body } => {
                let config = op::loop_style(graph, *node).cloned().unwrap_or_default();
                let body = self.blocks(body);
                match config.style {
                    flow_model::config::LoopStyle::While => Block::While {
                        condition: config.condition.unwrap_or_default(),
                        max_iterations: config.max_iterations,
                        body,
                        node_id: id(*node),
                    },
                    flow_model::config::LoopStyle::Foreach => Block::Foreach {
                        item_var: config.item_var,
                        items: config.items.unwrap_or_default(),
                        max_iterations: config.max_iterations,
                        body,
                        node_id: id(*node),
                    },
                }
            }
            Step::Parallel { node, branches } => {
                let (max_concurrent, fail_fast) = match graph.config(*node) {
                    Some(flow_model::NodeConfig::LogicParallel(c)) => {
                        (c.max_concurrent, c.fail_fast)
                    }
                    _ => (None, true),
                };
                Block::Parallel {
                    branches: branches.iter().map(|b| self.blocks(b)).collect(),
                    max_concurrent,
                    fail_fast,
                    node_id: id(*node),
                }
            }
            Step::End(kind) => Block::Rigid {
                statements: vec![match kind {
                    EndKind::Return => Statement::Return { expression: None },
                    EndKind::Continue => Statement::Continue,
                }],
                result_binding: None,
                node_id: None,
            },
        }
    }

    fn node(&self, n: usize) -> Block {
        let graph = self.graph;
        let node_id = graph.node(n).id.clone();
        let result = binding(graph, n);
        let field = |config: &Map<String, Value>, key: &str| config.get(key).cloned();
        let empty_object = || Value::Object(Map::new());
        match op::op(graph, n) {
            Op::Llm(llm) => {
                let rest = llm.rest();
                let c = &rest;
                let role = llm.role.map_or_else(|| self.default_role.clone(), str::to_owned);
                let string = |key: &str| c.get(key).and_then(Value::as_str).map(str::to_owned);
                if llm.guarded {
                    Block::Guarded {
                        goal: llm.goal.to_owned(),
                        output_type: output_type(llm.output_schema),
                        llm_role: role,
                        guard: llm.guard.map(str::to_owned),
                        validate: llm.validate.map(str::to_owned),
                        input_bindings: field(c, "input_bindings").unwrap_or_else(empty_object),
                        context_bindings: field(c, "context_bindings").unwrap_or_else(empty_object),
                        guidance: string("guidance"),
                        constraints: field(c, "constraints"),
                        on_validation_failure: field(c, "on_validation_failure"),
                        result_binding: result,
                        node_id,
                    }
                } else {
                    Block::Flexible {
                        goal: llm.goal.to_owned(),
                        output_type: output_type(llm.output_schema),
                        llm_role: role,
                        input_bindings: field(c, "input_bindings").unwrap_or_else(empty_object),
                        context_bindings: field(c, "context_bindings").unwrap_or_else(empty_object),
                        guidance: string("guidance"),
                        identity_ref: c
                            .get("identity_ref")
                            .and_then(Value::as_bool)
                            .unwrap_or(false),
                        constraints: field(c, "constraints"),
                        examples: c
                            .get("examples")
                            .and_then(Value::as_array)
                            .cloned()
                            .unwrap_or_default(),
                        on_failure: field(c, "on_failure"),
                        budget: field(c, "budget"),
                        result_binding: result,
                        node_id,
                    }
                }
            }
            Op::Template { template } => Block::Rigid {
                statements: vec![Statement::Expression { expression: template.to_owned() }],
                result_binding: Some(result),
                node_id: Some(node_id),
            },
            Op::PluginCall { alias, method, args } => Block::Rigid {
                statements: vec![Statement::PluginCall {
                    alias: alias.into_owned(),
                    method: method.into_owned(),
                    args: args.into_owned(),
                    result_binding: Some(result.clone()),
                }],
                result_binding: Some(result),
                node_id: Some(node_id),
            },
            Op::Assign { assignments } => Block::Rigid {
                statements: assignments
                    .iter()
                    .map(|(target, expression)| Statement::Assign {
                        target: target.clone(),
                        expression: expression.clone(),
                    })
                    .collect(),
                result_binding: None,
                node_id: Some(node_id),
            },
            Op::Checkpoint(c) => Block::Checkpoint {
                checkpoint_type: c.checkpoint_type,
                prompt: c.prompt,
                options: c.options,
                timeout: c.timeout,
                on_timeout: c.on_timeout,
                assignee: c.assignee,
                hitl_target: c.hitl_target.map(|t| HitlTarget {
                    scope: t.scope,
                    queue: t.queue,
                    hitl_spec: t.hitl_spec,
                }),
                result_binding: Some(result),
                node_id,
            },
            Op::CoreCall(call) => Block::CoreCall {
                target: call.get("target").and_then(Value::as_str).unwrap_or_default().to_owned(),
                flow_name: call.get("flow_name").and_then(Value::as_str).map(str::to_owned),
                input_bindings: field(&call, "input_bindings").unwrap_or_else(empty_object),
                instance_key: field(&call, "instance_key").filter(|v| !v.is_null()),
                version: field(&call, "version").filter(|v| !v.is_null()),
                timeout: call.get("timeout").and_then(Value::as_str).unwrap_or("30s").to_owned(),
                is_async: call.get("is_async").and_then(Value::as_bool).unwrap_or(false),
                result_binding: result,
                node_id,
            },
        }
    }
}

fn map<const N: usize>(pairs: [(&str, Value); N]) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}
