//! Field descriptions of node configurations, for property forms.
//!
//! Nothing here is written per kind: each field is described once, on the config struct itself.
//! Its doc comment becomes the help text, its type the widget and the checks on input, and an
//! `x-widget` / `x-label` schema extension says where the type alone is not enough (a model
//! role is a string, but it is picked from the registry). The forms read those descriptions from
//! the published JSON Schema (`schema/v2.json`), generated from the structs and committed (a test
//! keeps it current) rather than generated again in every browser.

use std::sync::OnceLock;

use serde_json::Value;

use crate::config::{BREAKPOINT, NodeConfig};
use crate::described::{config_schema, definition, resolved};
use crate::kind::NodeKind;

/// How a field is edited.
#[derive(Debug, Clone, PartialEq)]
pub enum Widget {
    /// One line of text.
    Text,
    /// Several lines of text (goals, templates, prompts).
    Multiline,
    /// An expression or `{{…}}` template evaluated at run time.
    Expression,
    /// A whole number within bounds.
    Integer { min: Option<i64>, max: Option<i64> },
    /// On or off.
    Toggle,
    /// One of a closed set of values.
    Choice(Vec<String>),
    /// A text with suggested values (free text allowed).
    Suggest(Vec<String>),
    /// A list of strings, one per line (options, argv).
    Lines,
    /// Name → value pairs (arguments, headers, bindings, payloads).
    Pairs,
    /// Any JSON value.
    Json,
    /// A role of the flow's model registry.
    ModelRole,
    /// A queue slug of the flow's ScaiQueue topology.
    Queue,
    /// A ScaiQueue scope; the topology's when empty.
    Scope,
    /// Output field name → ScaiCore type.
    OutputSchema,
    /// The review form of a `hitl_review` node.
    FormBuilder,
    /// A `core://{tenant}/{slug}` address of another Core.
    SubflowTarget,
    /// A plugin alias, with the known plugins suggested.
    Plugin,
    /// A method of the chosen plugin, with its known methods suggested.
    PluginMethod,
}

/// One field of a node configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The key in `config`.
    pub key: String,
    pub label: String,
    /// What the field means (the config struct's doc comment).
    pub help: String,
    pub widget: Widget,
    /// Whether the field may be left out (an empty input removes it).
    pub optional: bool,
    /// The value a new node starts with (an empty input of a required field restores it).
    pub default: Option<Value>,
    /// The JSON type a [`Widget::Json`] value must have (`array`, `object`), if any.
    pub json_type: Option<String>,
}

/// The fields of a `kind` node's configuration, in the config struct's order. Every kind but
/// the entries also gets a `breakpoint` toggle (a development stop before the node).
pub fn fields(kind: NodeKind) -> &'static [Field] {
    static ALL: OnceLock<Vec<Vec<Field>>> = OnceLock::new();
    let all = ALL.get_or_init(|| NodeKind::ALL.iter().map(|&k| describe(k)).collect());
    // ALL lists every kind in declaration order.
    &all[kind as usize]
}

fn describe(kind: NodeKind) -> Vec<Field> {
    let resolve = |value: &Value| resolved(value);
    let object = config_schema(kind);
    let defaults = NodeConfig::default_for(kind).to_map();
    let mut fields: Vec<Field> = object
        .get("properties")
        .and_then(Value::as_object)
        .map(|properties| {
            properties
                .iter()
                .map(|(key, property)| {
                    let mut field = field(key, property, &resolve);
                    field.default = defaults.get(key).cloned();
                    field
                })
                .collect()
        })
        .unwrap_or_default();
    if !kind.is_entry() && !fields.iter().any(|f| f.key == BREAKPOINT) {
        fields.push(Field {
            key: BREAKPOINT.into(),
            label: "Breakpoint".into(),
            help: "Development breakpoint: the run pauses before this node until it is resumed."
                .into(),
            widget: Widget::Toggle,
            optional: true,
            default: None,
            json_type: None,
        });
    }
    fields
}

fn field(key: &str, property: &Value, resolve: &dyn Fn(&Value) -> Value) -> Field {
    let text = |name: &str| property.get(name).and_then(Value::as_str).map(str::to_owned);
    let help = text("description").unwrap_or_default();
    let label = text("x-label").unwrap_or_else(|| label_of(key));
    // `Option<T>` is `T` or null: either as a type list or as `anyOf [T, null]`.
    let mut optional = false;
    let mut shape = property.clone();
    if let Some(options) = property.get("anyOf").and_then(Value::as_array) {
        let non_null: Vec<&Value> = options.iter().filter(|o| !is_null(o)).collect();
        optional = non_null.len() < options.len();
        if let [only] = non_null.as_slice() {
            shape = (*only).clone();
        }
    }
    if let Some(types) = property.get("type").and_then(Value::as_array) {
        optional = types.iter().any(|t| t == "null");
    }
    let shape = resolve(&shape);
    let json_type = shape.get("type").and_then(Value::as_str).map(str::to_owned);
    // A schema without a type or `$ref` accepts any JSON value, null included.
    if json_type.is_none() && shape.get("$ref").is_none() && shape.get("anyOf").is_none() {
        optional = optional || choices(&shape).is_none();
    }
    let widget = match text("x-widget").as_deref() {
        Some(hint) => hinted(hint, &shape),
        None => from_type(&shape),
    };
    Field { key: key.to_owned(), label, help, widget, optional, default: None, json_type }
}

fn is_null(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
}

/// The widget an `x-widget` hint names.
fn hinted(hint: &str, shape: &Value) -> Widget {
    match hint {
        "multiline" => Widget::Multiline,
        "expression" => Widget::Expression,
        "lines" => Widget::Lines,
        "json" => Widget::Json,
        "model-role" => Widget::ModelRole,
        "queue" => Widget::Queue,
        "scope" => Widget::Scope,
        "output-schema" => Widget::OutputSchema,
        "form-builder" => Widget::FormBuilder,
        "subflow-target" => Widget::SubflowTarget,
        "plugin" => Widget::Plugin,
        "plugin-method" => Widget::PluginMethod,
        _ => match hint.strip_prefix("suggest:") {
            Some(values) => Widget::Suggest(values.split(',').map(str::to_owned).collect()),
            None => from_type(shape),
        },
    }
}

/// The widget a schema type calls for.
fn from_type(shape: &Value) -> Widget {
    if let Some(values) = choices(shape) {
        return Widget::Choice(values);
    }
    let types: Vec<&str> = match shape.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let bound = |name: &str| shape.get(name).and_then(Value::as_f64).map(|v| v as i64);
    // The largest value the field's integer type holds (`u32` fields refuse a bigger one in the
    // form, rather than storing a number the config then fails to read).
    let type_max = match shape.get("format").and_then(Value::as_str) {
        Some("uint8") => Some(i64::from(u8::MAX)),
        Some("uint16") => Some(i64::from(u16::MAX)),
        Some("uint32") => Some(i64::from(u32::MAX)),
        Some("int32") => Some(i64::from(i32::MAX)),
        _ => None,
    };
    if types.contains(&"boolean") {
        Widget::Toggle
    } else if types.contains(&"integer") {
        Widget::Integer { min: bound("minimum"), max: bound("maximum").or(type_max) }
    } else if types.contains(&"string") {
        Widget::Text
    } else if types.contains(&"array") {
        let of_strings = shape.pointer("/items/type").and_then(Value::as_str) == Some("string");
        if of_strings { Widget::Lines } else { Widget::Json }
    } else if types.contains(&"object") {
        Widget::Pairs
    } else {
        Widget::Json
    }
}

/// The values of an enum schema (`enum`, or `oneOf` of `const`s when the variants have docs).
fn choices(shape: &Value) -> Option<Vec<String>> {
    if let Some(values) = shape.get("enum").and_then(Value::as_array) {
        return Some(values.iter().filter_map(Value::as_str).map(str::to_owned).collect());
    }
    let variants = shape.get("oneOf").and_then(Value::as_array)?;
    let mut values = Vec::new();
    for variant in variants {
        if let Some(value) = variant.get("const").and_then(Value::as_str) {
            values.push(value.to_owned());
        } else if let Some(list) = variant.get("enum").and_then(Value::as_array) {
            values.extend(list.iter().filter_map(Value::as_str).map(str::to_owned));
        } else {
            return None;
        }
    }
    Some(values)
}

/// The wire names of an enum's variants (lifecycles, network profiles, consumer modes, ...),
/// read from its schema so forms list exactly what the parser accepts.
pub fn variants<T: schemars::JsonSchema>() -> Vec<String> {
    choices(definition(&T::schema_name())).unwrap_or_default()
}

/// `max_iterations` → `Max iterations`.
fn label_of(key: &str) -> String {
    let words = key.replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Why a form input does not fit its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InputError(pub String);

impl Field {
    /// The value `input` (what the user typed) stores in the config; `None` removes the key.
    /// Text widgets take the text as it is; the others check it against the field's type.
    pub fn parse(&self, input: &str) -> Result<Option<Value>, InputError> {
        let blank = input.trim().is_empty();
        match &self.widget {
            Widget::Integer { min, max } => {
                if blank {
                    return if self.optional {
                        Ok(None)
                    } else {
                        Err(InputError(format!("{} is required", self.label)))
                    };
                }
                let number: i64 = input
                    .trim()
                    .parse()
                    .map_err(|_| InputError(format!("{} must be a whole number", self.label)))?;
                let low = min.is_none_or(|m| number >= m);
                let high = max.is_none_or(|m| number <= m);
                if !(low && high) {
                    let range = match (min, max) {
                        (Some(a), Some(b)) => format!("from {a} to {b}"),
                        (Some(a), None) => format!("at least {a}"),
                        (None, Some(b)) => format!("at most {b}"),
                        (None, None) => String::new(),
                    };
                    return Err(InputError(format!("{} must be {range}", self.label)));
                }
                Ok(Some(Value::from(number)))
            }
            Widget::Toggle => {
                let on = matches!(input, "true" | "on");
                // An optional toggle that is off is left out rather than stored as `false`.
                Ok((on || !self.optional).then_some(Value::Bool(on)))
            }
            Widget::Choice(values) => {
                if blank && self.optional {
                    return Ok(None);
                }
                if values.iter().any(|v| v == input) {
                    Ok(Some(Value::String(input.to_owned())))
                } else {
                    Err(InputError(format!("{} must be one of {}", self.label, values.join(", "))))
                }
            }
            Widget::Lines => {
                let lines: Vec<Value> = input
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(|l| Value::String(l.to_owned()))
                    .collect();
                if lines.is_empty() && (self.optional || self.default.is_none()) {
                    return Ok(self.default.clone().filter(|_| !self.optional));
                }
                Ok(Some(Value::Array(lines)))
            }
            Widget::Json | Widget::Pairs | Widget::OutputSchema | Widget::FormBuilder => {
                if blank {
                    return Ok(if self.optional { None } else { self.default.clone() });
                }
                let wanted = match self.widget {
                    Widget::Json => self.json_type.as_deref(),
                    _ => Some("object"),
                };
                let value = match serde_json::from_str::<Value>(input) {
                    Ok(value) => value,
                    // Free text where any value goes (a body template) is kept as a string.
                    Err(_) if wanted.is_none() && !input.trim_start().starts_with(['{', '[']) => {
                        Value::String(input.to_owned())
                    }
                    Err(e) => {
                        return Err(InputError(format!("{} is not valid JSON: {e}", self.label)));
                    }
                };
                match wanted {
                    Some("object") if !value.is_object() => {
                        Err(InputError(format!("{} must be a JSON object", self.label)))
                    }
                    Some("array") if !value.is_array() => {
                        Err(InputError(format!("{} must be a JSON array", self.label)))
                    }
                    _ => Ok(Some(value)),
                }
            }
            _ => {
                if blank && self.optional {
                    Ok(None)
                } else {
                    Ok(Some(Value::String(input.to_owned())))
                }
            }
        }
    }

    /// The text a widget shows for `value` (the inverse of [`Field::parse`]).
    pub fn show(&self, value: Option<&Value>) -> String {
        let Some(value) = value else { return String::new() };
        match (&self.widget, value) {
            (_, Value::Null) => String::new(),
            (_, Value::String(s)) => s.clone(),
            (Widget::Lines, Value::Array(items)) if items.iter().all(Value::is_string) => {
                items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("\n")
            }
            (Widget::Toggle, Value::Bool(b)) => b.to_string(),
            (_, Value::Number(n)) => n.to_string(),
            (_, other) => serde_json::to_string_pretty(other).unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_config_field_of_every_kind_is_described() {
        for kind in NodeKind::ALL {
            let described = fields(kind);
            for key in NodeConfig::known_fields(kind) {
                // `model` is the legacy spelling of `llm_role`, not a field of its own.
                if key == "model" {
                    continue;
                }
                let Some(field) = described.iter().find(|f| &f.key == key) else {
                    if kind.is_entry() && key == BREAKPOINT {
                        continue;
                    }
                    panic!("{kind:?}.{key} has no field description");
                };
                assert!(
                    field.help.trim().len() >= 8,
                    "{kind:?}.{key} needs help text, has {:?}",
                    field.help
                );
                assert!(!field.label.is_empty(), "{kind:?}.{key} has no label");
            }
        }
    }

    #[test]
    fn widgets_follow_types_and_hints() {
        let widget = |kind, key: &str| {
            fields(kind).iter().find(|f| f.key == key).map(|f| f.widget.clone()).unwrap()
        };
        assert_eq!(widget(NodeKind::LlmGuarded, "llm_role"), Widget::ModelRole);
        assert_eq!(widget(NodeKind::LlmGuarded, "guard"), Widget::Expression);
        assert_eq!(widget(NodeKind::LlmFlexible, "output_schema"), Widget::OutputSchema);
        assert_eq!(widget(NodeKind::LlmFlexible, "identity_ref"), Widget::Toggle);
        assert_eq!(widget(NodeKind::HitlReview, "queue"), Widget::Queue);
        assert_eq!(widget(NodeKind::HitlReview, "sections"), Widget::FormBuilder);
        assert_eq!(
            widget(NodeKind::HitlReview, "priority"),
            Widget::Choice(vec!["low".into(), "normal".into(), "high".into(), "critical".into()])
        );
        assert_eq!(
            widget(NodeKind::LogicLoop, "style"),
            Widget::Choice(vec!["foreach".into(), "while".into()])
        );
        assert!(matches!(
            widget(NodeKind::LogicLoop, "max_iterations"),
            Widget::Integer { min: Some(1), .. }
        ));
        assert_eq!(widget(NodeKind::ComputeExec, "command"), Widget::Lines);
        assert_eq!(widget(NodeKind::ToolPlugin, "args"), Widget::Pairs);
        assert_eq!(widget(NodeKind::SubflowCall, "target"), Widget::SubflowTarget);
        assert_eq!(widget(NodeKind::Checkpoint, "breakpoint"), Widget::Toggle);
        assert_eq!(widget(NodeKind::ToolHttp, "breakpoint"), Widget::Toggle);
        assert!(!fields(NodeKind::EntryApi).iter().any(|f| f.key == BREAKPOINT));
        let optional =
            |kind, key: &str| fields(kind).iter().find(|f| f.key == key).unwrap().optional;
        assert!(optional(NodeKind::LogicLoop, "max_iterations"));
        assert!(!optional(NodeKind::ToolHttp, "timeout_s"));
    }

    #[test]
    fn enum_variants_are_read_from_their_schema() {
        use crate::flow_config::{ConsumerMode, QueuePurpose};
        assert_eq!(variants::<ConsumerMode>(), ["fifo", "priority", "deadline", "broadcast"]);
        assert_eq!(variants::<QueuePurpose>().last().map(String::as_str), Some("custom"));
        assert!(variants::<QueuePurpose>().iter().any(|p| p == "dead-letter"));
    }

    #[test]
    fn inputs_are_checked_against_the_field_type() {
        let field = |kind, key: &str| fields(kind).iter().find(|f| f.key == key).unwrap().clone();
        let max = field(NodeKind::LogicLoop, "max_iterations");
        assert_eq!(max.parse("1000"), Ok(Some(json!(1000))));
        assert!(
            max.parse("4294967296").unwrap_err().0.contains("from 1 to 4294967295"),
            "too big for u32"
        );
        assert_eq!(max.parse(" "), Ok(None));
        assert!(max.parse("lots").unwrap_err().0.contains("whole number"));
        assert!(max.parse("0").unwrap_err().0.contains("from 1 to"));

        let style = field(NodeKind::LogicLoop, "style");
        assert_eq!(style.parse("while"), Ok(Some(json!("while"))));
        assert!(style.parse("sometimes").unwrap_err().0.contains("foreach, while"));

        let command = field(NodeKind::ComputeExec, "command");
        assert_eq!(command.parse("python\n run.py \n\n"), Ok(Some(json!(["python", "run.py"]))));
        assert_eq!(command.show(Some(&json!(["a", "b"]))), "a\nb");

        let args = field(NodeKind::ToolPlugin, "args");
        assert!(args.parse("[1]").unwrap_err().0.contains("JSON object"));
        assert!(args.parse("{").unwrap_err().0.contains("not valid JSON"));
        assert_eq!(args.parse(""), Ok(Some(json!({}))));

        let guard = field(NodeKind::LlmGuarded, "guard");
        assert_eq!(guard.parse(""), Ok(None));
        assert_eq!(guard.parse("x > 1"), Ok(Some(json!("x > 1"))));
        let timeout = field(NodeKind::ToolHttp, "timeout_s");
        assert!(timeout.parse("").unwrap_err().0.contains("required"));
    }
}
