//! The body of `POST /cores` and `PUT /cores/{id}`: a YAML manifest or ScaiGrid's JSON, and
//! the stand-in's verifier, which rejects a manifest the executor could not walk.
//!
//! The verifier checks the shape only (a `core` with a `name` and a `flows` list, every flow
//! with `steps`, every step with a known keyword and the fields that keyword needs), never
//! expressions: ScaiCore's expression language is richer than the stand-in's.

use axum::http::{HeaderMap, header};
use serde_json::{Map, Value};

use crate::envelope::{self, ApiError, FieldError};
use executor::STEP_KEYWORDS;

const YAML_TYPES: &[&str] = &["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"];
pub(crate) const RUNTIME_MODES: &[&str] = &["event_driven", "interactive", "api", "model"];
const CONCURRENCY_MODES: &[&str] = &["stateless", "entity", "singleton"];

/// What a create or replace body says; fields it does not give are `None`.
#[derive(Debug, Default)]
pub(crate) struct Source {
    pub name: Option<String>,
    pub runtime_mode: Option<String>,
    pub concurrency_mode: Option<String>,
    pub metadata: Option<Map<String, Value>>,
    /// `Some(Some(doc))`: a verified manifest; `Some(None)`: a source that is not a manifest;
    /// `None`: no source in the body.
    pub manifest: Option<Option<Value>>,
}

impl Source {
    /// The names of the manifest's flows (empty without a manifest).
    pub fn flows(&self) -> Vec<String> {
        match &self.manifest {
            Some(Some(doc)) => flow_names(doc),
            _ => Vec::new(),
        }
    }
}

/// Reads a body as YAML (by its content type) or as JSON, verifying any manifest in it.
pub(crate) fn read(headers: &HeaderMap, body: &[u8]) -> Result<Source, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    if content_type.as_deref().is_some_and(|t| YAML_TYPES.contains(&t)) {
        let doc = parse_yaml(body)?;
        verify(&doc)?;
        let name = doc["core"]["name"].as_str().map(str::to_owned);
        return Ok(Source { name, manifest: Some(Some(doc)), ..Source::default() });
    }

    let body = envelope::object_body(body)?;
    let mut details = Vec::new();
    let mut source = Source {
        name: string(&body, "name", &mut details),
        runtime_mode: choice(&body, "runtime_mode", RUNTIME_MODES, &mut details),
        concurrency_mode: choice(&body, "concurrency_mode", CONCURRENCY_MODES, &mut details),
        ..Source::default()
    };
    match body.get("metadata") {
        None | Some(Value::Null) => {}
        Some(Value::Object(metadata)) => source.metadata = Some(metadata.clone()),
        Some(_) => details.push(field("metadata", "must be an object")),
    }
    if !details.is_empty() {
        return Err(ApiError::validation(details));
    }
    source.manifest = match body.get("source") {
        None | Some(Value::Null) => None,
        Some(Value::Object(doc)) if doc.contains_key("core") => {
            let doc = Value::Object(doc.clone());
            verify(&doc)?;
            Some(Some(doc))
        }
        // A manifest sent as text inside the JSON.
        Some(Value::String(text)) => match serde_yaml::from_str::<Value>(text) {
            Ok(doc) if doc.get("core").is_some() => {
                verify(&doc)?;
                Some(Some(doc))
            }
            _ => Some(None),
        },
        Some(_) => Some(None),
    };
    if source.name.is_none()
        && let Some(Some(doc)) = &source.manifest
    {
        source.name = doc["core"]["name"].as_str().map(str::to_owned);
    }
    Ok(source)
}

/// The names of `core.flows` (`flow-N` for a flow without one).
pub(crate) fn flow_names(doc: &Value) -> Vec<String> {
    let flows = doc["core"]["flows"].as_array().into_iter().flatten().enumerate();
    flows
        .map(|(i, f)| f["name"].as_str().map_or_else(|| format!("flow-{}", i + 1), str::to_owned))
        .collect()
}

fn parse_yaml(body: &[u8]) -> Result<Value, ApiError> {
    let text = std::str::from_utf8(body)
        .map_err(|_| verifier(vec![field("body", "the manifest is not UTF-8 text")]))?;
    serde_yaml::from_str::<Value>(text)
        .map_err(|e| verifier(vec![field("body", format!("the manifest is not valid YAML: {e}"))]))
}

/// Checks that the executor can walk `doc`; every problem is one detail.
pub(crate) fn verify(doc: &Value) -> Result<(), ApiError> {
    let mut problems = Vec::new();
    let Some(core) = doc.get("core").filter(|c| c.is_object()) else {
        return Err(verifier(vec![field("core", "the manifest has no 'core' mapping")]));
    };
    if core["name"].as_str().is_none_or(|n| n.trim().is_empty()) {
        problems.push(field("core.name", "the manifest has no core.name"));
    }
    match core.get("flows") {
        Some(Value::Array(flows)) => {
            for (i, flow) in flows.iter().enumerate() {
                let path = format!("core.flows[{i}]");
                match flow.get("steps") {
                    Some(Value::Array(steps)) => {
                        steps_of(steps, &format!("{path}.steps"), &mut problems);
                    }
                    _ => {
                        let name = flow["name"].as_str().unwrap_or("(unnamed)");
                        let message = format!("flow '{name}' has no steps list");
                        problems.push(field(&format!("{path}.steps"), message));
                    }
                }
            }
        }
        _ => problems.push(field("core.flows", "the manifest has no core.flows list")),
    }
    if problems.is_empty() { Ok(()) } else { Err(verifier(problems)) }
}

fn steps_of(steps: &[Value], path: &str, problems: &mut Vec<FieldError>) {
    for (i, step) in steps.iter().enumerate() {
        step_of(step, &format!("{path}[{i}]"), problems);
    }
}

/// A nested `steps` list at `key` of `fields`, required or not.
fn nested(fields: &Value, key: &str, required: bool, path: &str, problems: &mut Vec<FieldError>) {
    match fields.get(key) {
        Some(Value::Array(steps)) => steps_of(steps, &format!("{path}.{key}"), problems),
        None if !required => {}
        _ => problems.push(field(&format!("{path}.{key}"), "must be a list of steps")),
    }
}

fn step_of(step: &Value, path: &str, problems: &mut Vec<FieldError>) {
    let Some(fields) = step.as_object() else {
        problems.push(field(path, "a step must be a mapping"));
        return;
    };
    let found: Vec<&str> =
        fields.keys().map(String::as_str).filter(|k| STEP_KEYWORDS.contains(k)).collect();
    let keyword = match found.as_slice() {
        [keyword] => *keyword,
        [] => {
            let message = match fields.keys().next() {
                Some(first) => format!("unknown step keyword '{first}'"),
                None => "empty step".to_owned(),
            };
            problems.push(field(path, message));
            return;
        }
        several => {
            problems
                .push(field(path, format!("a step has one keyword, not {}", several.join(", "))));
            return;
        }
    };
    let body = &fields[keyword];
    let at = format!("{path}.{keyword}");
    let mut need = |ok: bool, message: &str| {
        if !ok {
            problems.push(field(&at, message));
        }
    };
    match keyword {
        "llm_turn" => {
            need(body.is_string(), "must be the goal text");
            if let Some(output) = fields.get("output") {
                need(output.is_object() || output.is_string(), "output must be a mapping");
            }
        }
        "template" => need(body.is_string(), "must be the template text"),
        "plugin_call" => need(
            body["alias"].is_string() && body["method"].is_string(),
            "needs an alias and a method",
        ),
        "assign" => need(body.is_object(), "must be a mapping of names to values"),
        "core_call" => need(body.is_object(), "must be a mapping with a target"),
        "checkpoint" => need(body.is_object(), "must be a mapping with a type"),
        "branch" => match body.get("cases") {
            Some(Value::Array(cases)) => {
                for (i, case) in cases.iter().enumerate() {
                    let case_path = format!("{at}.cases[{i}]");
                    if case.get("when").is_none() {
                        problems.push(field(&case_path, "a case needs 'when'"));
                    }
                    nested(case, "steps", true, &case_path, problems);
                }
                nested(body, "else", false, &at, problems);
            }
            _ => problems.push(field(&at, "needs a list of cases")),
        },
        "foreach" => {
            need(body.get("items").is_some(), "needs items");
            nested(body, "steps", true, &at, problems);
        }
        "while" => {
            need(body.get("condition").is_some(), "needs a condition");
            nested(body, "steps", true, &at, problems);
        }
        "parallel" => match body.get("branches") {
            Some(Value::Array(branches)) => {
                for (i, branch) in branches.iter().enumerate() {
                    match branch {
                        Value::Array(steps) => {
                            steps_of(steps, &format!("{at}.branches[{i}]"), problems);
                        }
                        _ => problems.push(field(
                            &format!("{at}.branches[{i}]"),
                            "a branch must be a list of steps",
                        )),
                    }
                }
            }
            _ => problems.push(field(&at, "needs a list of branches")),
        },
        _ => {}
    }
}

/// `422 VALIDATION_ERROR` whose message starts `verifier error: ` and names the first problem.
pub(crate) fn verifier(details: Vec<FieldError>) -> ApiError {
    let first = details.first().map_or_else(
        || "the manifest is not valid".to_owned(),
        |d| format!("{} at {}", d.message, d.field),
    );
    let more = match details.len() {
        0 | 1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    };
    ApiError::invalid(format!("verifier error: {first}{more}"), details)
}

fn field(name: &str, message: impl Into<String>) -> FieldError {
    FieldError { field: name.to_owned(), message: message.into() }
}

fn string(body: &Map<String, Value>, key: &str, details: &mut Vec<FieldError>) -> Option<String> {
    match body.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
        Some(_) => {
            details.push(field(key, "must be a non-empty string"));
            None
        }
    }
}

fn choice(
    body: &Map<String, Value>,
    key: &str,
    choices: &[&str],
    details: &mut Vec<FieldError>,
) -> Option<String> {
    let value = string(body, key, details)?;
    if choices.contains(&value.as_str()) {
        Some(value)
    } else {
        details.push(field(key, format!("must be one of {}", choices.join(", "))));
        None
    }
}
