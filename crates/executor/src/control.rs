//! The structural blocks of the executor: branches, loops and parallel blocks enter a frame
//! holding their steps and state; the end of a frame's steps decides what comes next.

use std::sync::Arc;

use serde_json::{Value, json};

use super::expr::{self, equal, truthy};
use super::{Block, DEFAULT_WHILE_MAX, Emitted, Execution, Fault, Flow, Frame, FrameKind};

impl Execution {
    pub(super) fn enter_branch(
        &mut self,
        branch: &Value,
        block: Block,
        out: &mut Vec<Emitted>,
    ) -> Result<Flow, Fault> {
        let subject = match (branch["style"].as_str(), branch.get("subject")) {
            (Some("match"), Some(Value::String(subject))) => Some(
                expr::eval_str(subject, &self.scope)
                    .map_err(|e| Fault::leaf(&block, format!("subject: {e}")))?,
            ),
            _ => None,
        };
        let mut chosen = None;
        for case in branch["cases"].as_array().into_iter().flatten() {
            if self
                .case_holds(&case["when"], subject.as_ref())
                .map_err(|e| Fault::leaf(&block, e))?
            {
                chosen = Some(&case["steps"]);
                break;
            }
        }
        match chosen.or_else(|| branch.get("else")) {
            Some(steps) => self.push(steps, FrameKind::Branch(block)),
            None => self.exit_block(&block, Value::Null, out),
        }
        Ok(Flow::Next)
    }

    /// Whether a case's `when` holds; with a match subject, a `when` that is not a boolean
    /// expression is compared with the subject (a bare word as a string).
    fn case_holds(&self, when: &Value, subject: Option<&Value>) -> Result<bool, String> {
        let Value::String(text) = when else {
            return Ok(match subject {
                Some(subject) if !when.is_boolean() => equal(subject, when),
                _ => truthy(when),
            });
        };
        let word = || Value::String(text.trim().to_owned());
        match (expr::parse(text), subject) {
            (Ok(expression), subject) => Ok(match (expression.eval(&self.scope), subject) {
                (Value::Bool(holds), _) => holds,
                (value, None) => truthy(&value),
                (Value::Null, Some(subject)) => equal(subject, &word()),
                (value, Some(subject)) => equal(subject, &value),
            }),
            (Err(_), Some(subject)) => Ok(equal(subject, &word())),
            (Err(e), None) => Err(format!("when: {e}")),
        }
    }

    pub(super) fn enter_foreach(
        &mut self,
        foreach: &Value,
        block: Block,
        out: &mut Vec<Emitted>,
    ) -> Result<Flow, Fault> {
        let items = match &foreach["items"] {
            Value::String(text) => expr::eval_str(text, &self.scope)
                .map_err(|e| Fault::leaf(&block, format!("items: {e}")))?,
            other => other.clone(),
        };
        let mut items = match items {
            Value::Array(items) => items,
            Value::Null => Vec::new(),
            Value::Object(map) => map.into_iter().map(|(_, v)| v).collect(),
            other => vec![other],
        };
        if let Some(max) = foreach["max_iterations"].as_u64() {
            items.truncate(usize::try_from(max).unwrap_or(usize::MAX));
        }
        let var = foreach["as"].as_str().unwrap_or("item").to_owned();
        match items.first() {
            None => self.exit_block(&block, Value::Null, out),
            Some(first) => {
                self.scope.bindings.insert(var.clone(), first.clone());
                self.push(&foreach["steps"], FrameKind::Foreach { block, items, index: 0, var });
            }
        }
        Ok(Flow::Next)
    }

    pub(super) fn enter_while(
        &mut self,
        while_: &Value,
        block: Block,
        out: &mut Vec<Emitted>,
    ) -> Result<Flow, Fault> {
        let condition = while_["condition"].clone();
        let max = while_["max_iterations"].as_u64().unwrap_or(DEFAULT_WHILE_MAX);
        let holds =
            self.holds(&condition).map_err(|e| Fault::leaf(&block, format!("condition: {e}")))?;
        if max == 0 || !holds {
            self.exit_block(&block, Value::Null, out);
        } else {
            let kind = FrameKind::While { block, condition, iteration: 1, max };
            self.push(&while_["steps"], kind);
        }
        Ok(Flow::Next)
    }

    pub(super) fn enter_parallel(
        &mut self,
        parallel: &Value,
        block: Block,
        out: &mut Vec<Emitted>,
    ) -> Result<Flow, Fault> {
        let branches: Vec<Arc<Vec<Value>>> = parallel["branches"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|b| Arc::new(b.as_array().cloned().unwrap_or_default()))
            .collect();
        match branches.first().cloned() {
            None => self.exit_block(&block, json!([]), out),
            Some(first) => {
                let kind = FrameKind::Parallel {
                    block,
                    branches,
                    branch: 0,
                    results: Vec::new(),
                    mark: self.produced,
                };
                self.frames.push(Frame { steps: first, next: 0, kind });
            }
        }
        Ok(Flow::Next)
    }

    /// The innermost frame ran its last step: the next iteration or branch, or leave it.
    pub(super) fn end_of_body(&mut self, out: &mut Vec<Emitted>) -> Result<(), Fault> {
        let produced = self.produced;
        let last = self.last.clone();
        let Some(frame) = self.frames.last_mut() else { return Ok(()) };
        let mut check = None;
        let done = match &mut frame.kind {
            FrameKind::Flow | FrameKind::Branch(_) => true,
            FrameKind::Foreach { items, index, var, .. } => match items.get(*index + 1) {
                Some(item) => {
                    *index += 1;
                    frame.next = 0;
                    self.scope.bindings.insert(var.clone(), item.clone());
                    false
                }
                None => true,
            },
            FrameKind::While { condition, iteration, max, .. } => {
                if *iteration >= *max {
                    true
                } else {
                    check = Some(condition.clone());
                    false
                }
            }
            FrameKind::Parallel { branches, branch, results, mark, .. } => {
                results.push(if *mark == produced { Value::Null } else { last });
                *mark = produced;
                match branches.get(*branch + 1) {
                    Some(steps) => {
                        *branch += 1;
                        frame.steps = Arc::clone(steps);
                        frame.next = 0;
                        false
                    }
                    None => true,
                }
            }
        };
        if let Some(condition) = check {
            // The frame stays on the stack, so a failure here reports the loop as failed.
            let holds = self
                .holds(&condition)
                .map_err(|e| Fault { leaf: None, message: format!("condition: {e}") })?;
            if !holds {
                if let Some(frame) = self.frames.pop() {
                    self.exit_frame(frame, out);
                }
            } else if let Some(frame) = self.frames.last_mut() {
                frame.next = 0;
                if let FrameKind::While { iteration, .. } = &mut frame.kind {
                    *iteration += 1;
                }
            }
            return Ok(());
        }
        if done && let Some(frame) = self.frames.pop() {
            self.exit_frame(frame, out);
        }
        Ok(())
    }

    /// `continue`: leaves the blocks inside the innermost loop and ends its iteration. False
    /// when no loop encloses the step (the flow then ends, as `return` would).
    pub(super) fn continue_loop(&mut self, out: &mut Vec<Emitted>) -> bool {
        while let Some(frame) = self.frames.last_mut() {
            match frame.kind {
                FrameKind::Foreach { .. } | FrameKind::While { .. } => {
                    frame.next = frame.steps.len();
                    return true;
                }
                FrameKind::Flow => return false,
                FrameKind::Branch(_) | FrameKind::Parallel { .. } => {
                    if let Some(frame) = self.frames.pop() {
                        self.exit_frame(frame, out);
                    }
                }
            }
        }
        false
    }

    /// Leaves every frame, innermost first (for `return`).
    pub(super) fn unwind(&mut self, out: &mut Vec<Emitted>) {
        while let Some(frame) = self.frames.pop() {
            self.exit_frame(frame, out);
        }
    }

    fn exit_frame(&mut self, frame: Frame, out: &mut Vec<Emitted>) {
        match frame.kind {
            FrameKind::Flow => {}
            FrameKind::Branch(block)
            | FrameKind::Foreach { block, .. }
            | FrameKind::While { block, .. } => {
                let last = self.last.clone();
                self.exit_block(&block, last, out);
            }
            FrameKind::Parallel { block, results, .. } => {
                self.exit_block(&block, Value::Array(results), out);
            }
        }
    }

    /// `block.exited` for a structural block, which binds nothing.
    fn exit_block(&self, block: &Block, value: Value, out: &mut Vec<Emitted>) {
        out.push(self.exited(block, None, &value));
    }

    fn push(&mut self, steps: &Value, kind: FrameKind) {
        let steps = Arc::new(steps.as_array().cloned().unwrap_or_default());
        self.frames.push(Frame { steps, next: 0, kind });
    }
}
