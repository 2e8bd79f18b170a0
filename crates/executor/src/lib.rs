//! A ScaiCore executor: runs one flow of a Core's YAML manifest in-process, with no
//! model, plugin or network behind it, and reports ScaiCore's runtime events.
//!
//! It is a small machine over an explicit stack of frames (a list of steps and the index of the
//! next one, plus loop or parallel state) and a scope of bindings, so a run that stops at a
//! checkpoint is kept as it is and resumed right after the checkpoint, never re-run from the top.
//!
//! What it does for each step keyword (ScaiFlow's compiler emits them, see
//! `crates/compiler/src/back/yaml.rs`):
//! - `llm_turn`: the scripted answer `_sim.answers.<node_id>` from the invocation input, else a
//!   stub per field of `output` (see [`stub`]); `guarded: true` checks `guard` before and
//!   `validate` after (with `result` bound to the value).
//! - `template`: the rendered text; `assign`: each value evaluated (a string as an expression,
//!   or as a template when it does not parse), the value is the object of assignments;
//!   `plugin_call` / `core_call`: a scripted answer or a stub describing the call.
//! - `checkpoint`: suspends; the resolution becomes the step's value.
//! - `branch`: the first case whose `when` holds runs, else `else`. With `style: match` and a
//!   `subject`, a `when` that is not a boolean expression is compared with the subject's value
//!   (a bare word such as `refund` as the string `"refund"`).
//! - `foreach` (over `items`, bound as `as`, at most `max_iterations`), `while` (at most
//!   `max_iterations`, 100 by default), `parallel` (branches one after another), `continue`
//!   (ends the iteration), `return` (ends the flow; a non-null value is the output).
//!
//! Time comes from the caller (a [`Clock`]), so the executor runs wherever its caller does: the
//! stand-in passes the wall clock and a test a fixed one for repeatable durations; it builds for
//! wasm32, where the caller's clock is the browser's.
//!
//! A step's value is bound under its `result` and, when its `meta.node_outputs` has exactly one
//! labelled port, under that label. A name not bound is looked up as a field of the most recent
//! object result that has it (so `confidence` finds `node_respond.confidence`), else it is null.

mod control;
pub mod expr;
mod leaf;
mod stub;

use std::sync::Arc;

use serde_json::{Map, Value, json};

use expr::{Lookup, render, truthy};

pub use wire::runtime::{
    BLOCK_ENTERED, BLOCK_EXITED, BLOCK_FAILED, INVOCATION_COMPLETED, INVOCATION_FAILED,
    INVOCATION_STARTED,
};

/// The keywords a step may have; exactly one says what the step is.
pub const STEP_KEYWORDS: &[&str] = &[
    "llm_turn",
    "template",
    "plugin_call",
    "assign",
    "core_call",
    "checkpoint",
    "branch",
    "foreach",
    "while",
    "parallel",
    "return",
    "continue",
];

/// A `result_binding_value` larger than this (as JSON) is left out of `block.exited`.
const MAX_BINDING_VALUE: usize = 4 * 1024;
const DEFAULT_WHILE_MAX: u64 = 100;

/// Milliseconds since the Unix epoch, as the caller keeps them.
pub type Clock = fn() -> u64;

/// One runtime event: its type and payload (which starts with `execution_id`).
#[derive(Debug, Clone)]
pub struct Emitted {
    pub kind: &'static str,
    pub payload: Value,
}

/// How a run ended.
#[derive(Debug)]
pub enum Outcome {
    /// The output object.
    Completed(Value),
    Failed(Failure),
    /// Stopped at a checkpoint; resume with [`Execution::resume`].
    Suspended(Pending),
}

#[derive(Debug, Clone)]
pub struct Failure {
    pub message: String,
    pub node_id: Option<String>,
}

/// The checkpoint a run stopped at, for the checkpoint record.
#[derive(Debug, Clone)]
pub struct Pending {
    pub flow_name: String,
    /// The index, in the flow's `steps`, of the top-level step the checkpoint is in.
    pub block_index: usize,
    pub node_id: Option<String>,
    pub checkpoint_type: String,
    pub prompt: Option<String>,
    /// The answers a resolution must be one of; `None` accepts any.
    pub options: Option<Vec<Value>>,
    pub assignee_raw: Option<String>,
    pub context: Value,
}

/// One invocation of a flow: created, started, and possibly suspended and resumed.
pub struct Execution {
    pub id: String,
    pub flow_name: String,
    input: Value,
    answers: Map<String, Value>,
    /// Why the run cannot start (no manifest, no flow); reported as a failed invocation.
    broken: Option<String>,
    frames: Vec<Frame>,
    scope: Scope,
    /// The value of the last block that produced one.
    last: Value,
    /// How many blocks produced a value (tells a parallel branch that ran nothing).
    produced: u64,
    clock: Clock,
    started_ms: u64,
    waiting: Option<Waiting>,
}

#[derive(Debug, Clone)]
struct Block {
    node_id: Option<String>,
    kind: &'static str,
}

struct Waiting {
    block: Block,
    result: Option<String>,
    label: Option<String>,
    /// A debug breakpoint's resolution is not data: it does not become the last value.
    produces: bool,
}

struct Frame {
    steps: Arc<Vec<Value>>,
    next: usize,
    kind: FrameKind,
}

enum FrameKind {
    Flow,
    Branch(Block),
    Foreach {
        block: Block,
        items: Vec<Value>,
        index: usize,
        var: String,
    },
    While {
        block: Block,
        condition: Value,
        iteration: u64,
        max: u64,
    },
    Parallel {
        block: Block,
        branches: Vec<Arc<Vec<Value>>>,
        branch: usize,
        /// The value of each finished branch (null for one that produced nothing).
        results: Vec<Value>,
        /// [`Execution::produced`] when the current branch started.
        mark: u64,
    },
}

impl FrameKind {
    fn block(&self) -> Option<&Block> {
        match self {
            FrameKind::Flow => None,
            FrameKind::Branch(block)
            | FrameKind::Foreach { block, .. }
            | FrameKind::While { block, .. }
            | FrameKind::Parallel { block, .. } => Some(block),
        }
    }
}

/// What a step asks the machine to do next.
enum Flow {
    Next,
    Suspend(Pending),
    Continue,
    Return(Option<Value>),
}

/// A failure inside the run: the block that failed, if it is not on the frame stack.
struct Fault {
    leaf: Option<Block>,
    message: String,
}

impl Fault {
    fn leaf(block: &Block, message: impl Into<String>) -> Fault {
        Fault { leaf: Some(block.clone()), message: message.into() }
    }
}

/// The bindings of a run, and the order results arrived in (for the field fallback).
#[derive(Default)]
struct Scope {
    bindings: Map<String, Value>,
    results: Vec<String>,
}

impl Scope {
    fn bind_result(&mut self, name: &str, value: Value) {
        self.bindings.insert(name.to_owned(), value);
        self.results.retain(|r| r != name);
        self.results.push(name.to_owned());
    }
}

impl Lookup for Scope {
    fn lookup(&self, name: &str) -> Option<&Value> {
        if let Some(value) = self.bindings.get(name) {
            return Some(value);
        }
        self.results
            .iter()
            .rev()
            .filter_map(|r| self.bindings.get(r))
            .find_map(|value| value.as_object().and_then(|o| o.get(name)))
    }
}

impl Execution {
    /// Prepares a run of the flow named `flow` (or the first) of `manifest` (the whole document,
    /// with `core`). Fails only when `flow` names no flow of a runnable manifest; a missing
    /// manifest is reported by [`Execution::start`] as a failed invocation. `clock` times the run
    /// (`duration_ms` of `invocation.completed`).
    pub fn new(
        manifest: Option<&Value>,
        flow: Option<&str>,
        input: Value,
        id: String,
        clock: Clock,
    ) -> Result<Execution, String> {
        let flows = manifest.and_then(|m| m["core"]["flows"].as_array());
        let (chosen, broken) = match (flows, flow) {
            (None, _) => (None, Some("no runnable manifest".to_owned())),
            (Some(flows), Some(name)) => match flows.iter().find(|f| f["name"] == name) {
                Some(found) => (Some(found), None),
                None => {
                    let names: Vec<&str> =
                        flows.iter().filter_map(|f| f["name"].as_str()).collect();
                    return Err(format!(
                        "no flow named '{name}'; the Core's flows: {}",
                        names.join(", ")
                    ));
                }
            },
            (Some(flows), None) => match flows.first() {
                Some(first) => (Some(first), None),
                None => (None, Some("the manifest has no flows".to_owned())),
            },
        };

        let mut scope = Scope::default();
        if let Value::Object(fields) = &input {
            for (key, value) in fields.iter().filter(|(k, _)| *k != "_sim") {
                scope.bindings.insert(key.clone(), value.clone());
            }
        }
        let mut frames = Vec::new();
        let mut flow_name = String::new();
        if let Some(chosen) = chosen {
            flow_name = chosen["name"].as_str().unwrap_or_default().to_owned();
            let triggers = std::iter::once(&chosen["trigger"])
                .chain(chosen["triggers"].as_array().into_iter().flatten());
            for name in triggers.filter_map(|t| t["name"].as_str()) {
                scope.bindings.insert(name.to_owned(), input.clone());
            }
            let steps = chosen["steps"].as_array().cloned().unwrap_or_default();
            frames.push(Frame { steps: Arc::new(steps), next: 0, kind: FrameKind::Flow });
        }
        scope.bindings.insert("input".to_owned(), input.clone());
        let answers = input["_sim"]["answers"].as_object().cloned().unwrap_or_default();
        Ok(Execution {
            id,
            flow_name,
            input,
            answers,
            broken,
            frames,
            scope,
            last: Value::Null,
            produced: 0,
            clock,
            started_ms: clock(),
            waiting: None,
        })
    }

    /// Emits `invocation.started` and runs until the flow completes, fails or suspends.
    pub fn start(&mut self, out: &mut Vec<Emitted>) -> Outcome {
        out.push(
            self.event(INVOCATION_STARTED, json!({"input": self.input, "node_id": Value::Null})),
        );
        if let Some(message) = self.broken.take() {
            return self.fail(Fault { leaf: None, message }, out);
        }
        self.run(out)
    }

    /// Continues a suspended run right after its checkpoint, `resolution` being the
    /// checkpoint's value.
    pub fn resume(&mut self, resolution: Value, out: &mut Vec<Emitted>) -> Outcome {
        let Some(waiting) = self.waiting.take() else {
            let message = "the execution is not waiting at a checkpoint".to_owned();
            return self.fail(Fault { leaf: None, message }, out);
        };
        let Waiting { block, result, label, produces } = waiting;
        self.finish(&block, result.as_deref(), label.as_deref(), resolution, produces, out);
        self.run(out)
    }

    fn run(&mut self, out: &mut Vec<Emitted>) -> Outcome {
        loop {
            let Some(frame) = self.frames.last_mut() else {
                return self.complete(None, out);
            };
            if frame.next >= frame.steps.len() {
                if let Err(fault) = self.end_of_body(out) {
                    return self.fail(fault, out);
                }
                continue;
            }
            let steps = Arc::clone(&frame.steps);
            let index = frame.next;
            frame.next += 1;
            match self.step(&steps[index], out) {
                Ok(Flow::Next) => {}
                Ok(Flow::Suspend(pending)) => return Outcome::Suspended(pending),
                Ok(Flow::Continue) => {
                    if !self.continue_loop(out) {
                        self.unwind(out);
                        return self.complete(None, out);
                    }
                }
                Ok(Flow::Return(value)) => {
                    self.unwind(out);
                    return self.complete(value, out);
                }
                Err(fault) => return self.fail(fault, out),
            }
        }
    }

    fn step(&mut self, step: &Value, out: &mut Vec<Emitted>) -> Result<Flow, Fault> {
        let Some((keyword, fields)) = keyword(step) else {
            return Ok(Flow::Next);
        };
        match keyword {
            "continue" => return Ok(Flow::Continue),
            "return" => return Ok(Flow::Return(self.return_value(&fields["return"]))),
            _ => {}
        }
        let block = Block { node_id: node_id(fields), kind: block_kind(fields, keyword) };
        out.push(
            self.event(BLOCK_ENTERED, json!({"node_id": block.node_id, "block_kind": block.kind})),
        );
        match keyword {
            "branch" => self.enter_branch(&fields["branch"], block, out),
            "foreach" => self.enter_foreach(&fields["foreach"], block, out),
            "while" => self.enter_while(&fields["while"], block, out),
            "parallel" => self.enter_parallel(&fields["parallel"], block, out),
            "checkpoint" => Ok(Flow::Suspend(self.suspend(fields, block))),
            _ => {
                let value = self.value(keyword, fields, &block)?;
                self.finish(&block, result_name(fields), label(fields), value, true, out);
                Ok(Flow::Next)
            }
        }
    }

    /// Binds a finished block's value and reports `block.exited`.
    fn finish(
        &mut self,
        block: &Block,
        result: Option<&str>,
        label: Option<&str>,
        value: Value,
        produces: bool,
        out: &mut Vec<Emitted>,
    ) {
        if let Some(name) = result {
            self.scope.bind_result(name, value.clone());
        }
        if let Some(label) = label.filter(|l| Some(*l) != result) {
            self.scope.bindings.insert(label.to_owned(), value.clone());
        }
        out.push(self.exited(block, result, &value));
        if produces {
            self.last = value;
            self.produced += 1;
        }
    }

    fn exited(&self, block: &Block, binding: Option<&str>, value: &Value) -> Emitted {
        let mut payload = json!({
            "node_id": block.node_id,
            "block_kind": block.kind,
            "result_binding": binding,
        });
        let size = serde_json::to_string(value).map_or(usize::MAX, |text| text.len());
        if size <= MAX_BINDING_VALUE {
            payload["result_binding_value"] = value.clone();
        } else {
            payload["result_binding_truncated"] = Value::Bool(true);
        }
        self.event(BLOCK_EXITED, payload)
    }

    /// Reports the failed block and every block around it, then the failed invocation.
    fn fail(&mut self, fault: Fault, out: &mut Vec<Emitted>) -> Outcome {
        let Fault { leaf, message } = fault;
        let mut node_id = leaf.as_ref().and_then(|b| b.node_id.clone());
        let frames = std::mem::take(&mut self.frames);
        let blocks = leaf.iter().chain(frames.iter().rev().filter_map(|f| f.kind.block()));
        for block in blocks {
            if node_id.is_none() {
                node_id.clone_from(&block.node_id);
            }
            out.push(self.event(
                BLOCK_FAILED,
                json!({"node_id": block.node_id, "block_kind": block.kind,
                       "error": {"message": message}}),
            ));
        }
        let mut error = json!({"message": message});
        if let Some(node_id) = &node_id {
            error["node_id"] = json!(node_id);
        }
        out.push(self.event(INVOCATION_FAILED, json!({"error": error})));
        Outcome::Failed(Failure { message, node_id })
    }

    /// Reports `invocation.completed` with `value` (or the last block's value) as the output,
    /// wrapped as `{"response": value}` when it is not an object.
    fn complete(&mut self, value: Option<Value>, out: &mut Vec<Emitted>) -> Outcome {
        self.frames.clear();
        let output = value.unwrap_or_else(|| self.last.clone());
        let output = if output.is_object() { output } else { json!({"response": output}) };
        let duration_ms = (self.clock)().saturating_sub(self.started_ms);
        out.push(
            self.event(INVOCATION_COMPLETED, json!({"output": output, "duration_ms": duration_ms})),
        );
        Outcome::Completed(output)
    }

    /// An event whose payload is `execution_id` followed by `fields`.
    fn event(&self, kind: &'static str, fields: Value) -> Emitted {
        let mut payload = Map::from_iter([("execution_id".to_owned(), json!(self.id))]);
        if let Value::Object(fields) = fields {
            payload.extend(fields);
        }
        Emitted { kind, payload: Value::Object(payload) }
    }

    /// Whether a condition holds: a string is an expression, anything else its truth.
    fn holds(&self, condition: &Value) -> Result<bool, expr::SyntaxError> {
        match condition {
            Value::String(text) => Ok(truthy(&expr::eval_str(text, &self.scope)?)),
            other => Ok(truthy(other)),
        }
    }

    fn render_value(&self, value: &Value) -> String {
        match value {
            Value::String(text) => render(text, &self.scope),
            other => expr::display(other),
        }
    }

    /// `value` with every string in it rendered as a template.
    fn render_deep(&self, value: Value) -> Value {
        match value {
            Value::String(text) => Value::String(render(&text, &self.scope)),
            Value::Array(items) => {
                Value::Array(items.into_iter().map(|i| self.render_deep(i)).collect())
            }
            Value::Object(map) => {
                Value::Object(map.into_iter().map(|(k, v)| (k, self.render_deep(v))).collect())
            }
            other => other,
        }
    }

    /// `return`'s value: nothing for null, an expression (or a template) for a string.
    fn return_value(&self, value: &Value) -> Option<Value> {
        match value {
            Value::Null => None,
            Value::String(text) => Some(match expr::parse(text) {
                Ok(expression) => expression.eval(&self.scope),
                Err(_) => Value::String(render(text, &self.scope)),
            }),
            other => Some(other.clone()),
        }
    }
}

/// The step's keyword and its fields.
fn keyword(step: &Value) -> Option<(&'static str, &Map<String, Value>)> {
    let fields = step.as_object()?;
    STEP_KEYWORDS.iter().find(|k| fields.contains_key(**k)).map(|k| (*k, fields))
}

/// `meta.node_id`, or the node a debug breakpoint stops before.
fn node_id(fields: &Map<String, Value>) -> Option<String> {
    fields
        .get("meta")
        .and_then(|m| m.get("node_id"))
        .or_else(|| fields.get("checkpoint").and_then(|c| c.get("node")))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// The IR block kind a step runs as (platform contract §3.5).
fn block_kind(fields: &Map<String, Value>, keyword: &str) -> &'static str {
    match keyword {
        "llm_turn" if fields.get("guarded") == Some(&Value::Bool(true)) => "guarded",
        "llm_turn" => "flexible",
        "checkpoint" => "checkpoint",
        "branch" => "match",
        "foreach" => "foreach",
        "while" => "while",
        "parallel" => "parallel",
        "core_call" => "core_call",
        _ => "rigid",
    }
}

fn result_name(fields: &Map<String, Value>) -> Option<&str> {
    fields.get("result").and_then(Value::as_str)
}

/// The label of the step's only labelled output port.
fn label(fields: &Map<String, Value>) -> Option<&str> {
    let ports = fields.get("meta")?.get("node_outputs")?.as_array()?;
    let mut labels = ports.iter().filter_map(|p| p.get("label").and_then(Value::as_str));
    match (labels.next(), labels.next()) {
        (Some(label), None) if !label.is_empty() => Some(label),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
