//! The leaf blocks of the executor: what an LLM turn, a template, an assignment, a plugin or
//! Core call produces, and what a checkpoint records before the run suspends.

use serde_json::{Map, Value, json};

use super::expr::{self, Lookup, render};
use super::{Block, Execution, Fault, Pending, Waiting, label, result_name, stub};

impl Execution {
    /// The value of a leaf block (not a checkpoint).
    pub(super) fn value(
        &mut self,
        keyword: &str,
        fields: &Map<String, Value>,
        block: &Block,
    ) -> Result<Value, Fault> {
        let scripted = block.node_id.as_deref().and_then(|id| self.answers.get(id)).cloned();
        match keyword {
            "llm_turn" => self.llm(fields, scripted, block),
            "template" => Ok(Value::String(self.render_value(&fields["template"]))),
            "plugin_call" => Ok(scripted.unwrap_or_else(|| {
                let call = &fields["plugin_call"];
                let args = self.render_deep(call.get("args").cloned().unwrap_or(json!({})));
                stub::plugin(&call["alias"], &call["method"], args)
            })),
            "core_call" => Ok(scripted.unwrap_or_else(|| {
                let call = fields["core_call"].as_object().cloned().unwrap_or_default();
                let input =
                    self.render_deep(call.get("input_bindings").cloned().unwrap_or_default());
                stub::core_call(&call, input)
            })),
            "assign" => {
                let Some(assignments) = fields["assign"].as_object() else {
                    return Err(Fault::leaf(block, "assign needs a mapping of names to values"));
                };
                let mut value = Map::new();
                for (name, source) in assignments {
                    let assigned = match source {
                        Value::String(text) => match expr::parse(text) {
                            Ok(expression) => expression.eval(&self.scope),
                            Err(_) => Value::String(render(text, &self.scope)),
                        },
                        other => other.clone(),
                    };
                    self.scope.bindings.insert(name.clone(), assigned.clone());
                    value.insert(name.clone(), assigned);
                }
                Ok(Value::Object(value))
            }
            other => Err(Fault::leaf(block, format!("the stand-in cannot run '{other}' here"))),
        }
    }

    fn llm(
        &mut self,
        fields: &Map<String, Value>,
        scripted: Option<Value>,
        block: &Block,
    ) -> Result<Value, Fault> {
        let guarded = fields.get("guarded") == Some(&Value::Bool(true));
        if guarded && let Some(guard) = fields.get("guard") {
            let holds = self.holds(guard).map_err(|e| Fault::leaf(block, format!("guard: {e}")))?;
            if !holds {
                return Err(Fault::leaf(block, format!("guard failed: {}", source(guard))));
            }
        }
        let value = scripted.unwrap_or_else(|| {
            let goal = self.render_value(&fields["llm_turn"]);
            stub::llm(&goal, fields.get("output"), &self.input)
        });
        if guarded && let Some(validate) = fields.get("validate") {
            let previous = self.scope.bindings.insert("result".to_owned(), value.clone());
            let holds = self.holds(validate);
            match previous {
                Some(previous) => self.scope.bindings.insert("result".to_owned(), previous),
                None => self.scope.bindings.remove("result"),
            };
            let holds = holds.map_err(|e| Fault::leaf(block, format!("validate: {e}")))?;
            if !holds {
                return Err(Fault::leaf(block, format!("validation failed: {}", source(validate))));
            }
        }
        Ok(value)
    }

    pub(super) fn suspend(&mut self, fields: &Map<String, Value>, block: Block) -> Pending {
        let checkpoint = fields["checkpoint"].as_object().cloned().unwrap_or_default();
        let checkpoint_type =
            checkpoint.get("type").and_then(Value::as_str).unwrap_or("approval").to_owned();
        let review = checkpoint_type == "hitl_review";
        let spec = checkpoint.get("hitl_spec").cloned().unwrap_or_default();
        // ScaiQueue's form: `sections` a list of typed sections.
        let sections: Vec<Value> = spec["sections"].as_array().cloned().unwrap_or_default();
        let of_type =
            |kind: &'static str| sections.iter().filter(move |s| s["type"].as_str() == Some(kind));
        let decisions: Vec<Value> = of_type("decision")
            .flat_map(|d| d["options"].as_array().cloned().unwrap_or_default())
            .filter_map(|o| match o {
                Value::String(_) => Some(o),
                other => other.get("id").cloned(),
            })
            .collect();
        let options = if review && !decisions.is_empty() {
            decisions
        } else {
            checkpoint.get("options").and_then(Value::as_array).cloned().unwrap_or_default()
        };

        let mut context = Map::new();
        if review {
            for key in ["scope", "queue", "hitl_spec"] {
                if let Some(value) = checkpoint.get(key) {
                    context.insert(key.to_owned(), value.clone());
                }
            }
            // What the reviewer reads: each context section with its templates filled, and
            // the values those templates name.
            let mut shown = Map::new();
            let mut rendered = Vec::new();
            for section in of_type("context") {
                let content = section["content"].as_str().unwrap_or_default();
                for name in template_names(content) {
                    let value = self.scope.lookup(&name).cloned().unwrap_or_default();
                    shown.insert(name, value);
                }
                rendered.push(json!({
                    "title": section["title"],
                    "content": render(content, &self.scope),
                }));
            }
            if !shown.is_empty() {
                context.insert("fields".to_owned(), Value::Object(shown));
            }
            if !rendered.is_empty() {
                context.insert("sections".to_owned(), Value::Array(rendered));
            }
        }
        for key in ["timeout", "on_timeout"] {
            if let Some(value) = checkpoint.get(key) {
                context.insert(key.to_owned(), value.clone());
            }
        }
        context.insert("value".to_owned(), self.last.clone());

        let debug = checkpoint_type == "debug_breakpoint";
        let pending = Pending {
            flow_name: self.flow_name.clone(),
            block_index: self.frames.first().map_or(0, |f| f.next.saturating_sub(1)),
            node_id: block.node_id.clone(),
            prompt: checkpoint.get("prompt").map(|p| self.render_value(p)),
            options: (!options.is_empty()).then_some(options),
            assignee_raw: checkpoint.get("assignee").and_then(Value::as_str).map(str::to_owned),
            context: Value::Object(context),
            checkpoint_type,
        };
        self.waiting = Some(Waiting {
            block,
            result: result_name(fields).map(str::to_owned),
            label: label(fields).map(str::to_owned),
            produces: !debug,
        });
        pending
    }
}

/// A condition as written, for messages.
fn source(condition: &Value) -> String {
    match condition {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The plain names a text's `{{…}}` templates read (`{{claim}}`, `{{ claim.amount }}` → `claim`).
fn template_names(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else { break };
        let inner = rest[start + 2..start + 2 + len].trim();
        let name: String =
            inner.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        if !name.is_empty() && !names.contains(&name) {
            names.push(name);
        }
        rest = &rest[start + 4 + len..];
    }
    names
}
