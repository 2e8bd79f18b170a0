//! Checkpoints, human-in-the-loop and queue kinds.

use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `checkpoint`: pauses the invocation until something resolves it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Checkpoint {
    /// What kind of answer resumes the run: `approval`, `choice`, `freeform`, ...
    #[serde(rename = "type")]
    #[schemars(extend("x-widget" = "suggest:approval,choice,freeform", "x-label" = "Checkpoint type"))]
    pub checkpoint_type: String,
    /// The question shown to whoever resolves the checkpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-widget" = "multiline"))]
    pub prompt: Option<String>,
    /// The answers to choose from, one per line.
    pub options: Vec<String>,
    /// How long to wait, as a duration such as `1h` or `30m`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    /// The resolution used when the timeout passes (e.g. `reject`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_timeout: Option<String>,
    /// `user:alice@acme`, `group:approvers`, `role:tenant_admin`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// Development breakpoint: a `debug_breakpoint` checkpoint is inserted before the node.
    #[schemars(extend("x-label" = "Breakpoint"))]
    pub breakpoint: bool,
}

impl Default for Checkpoint {
    fn default() -> Self {
        Self {
            checkpoint_type: "approval".into(),
            prompt: None,
            options: Vec::new(),
            timeout: None,
            on_timeout: None,
            assignee: None,
            breakpoint: false,
        }
    }
}

/// `hitl_decision`: a lightweight approval checkpoint answered through some other channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct HitlDecision {
    /// What kind of answer resumes the run: `approval`, `choice`, `freeform`, ...
    #[serde(rename = "type")]
    #[schemars(extend("x-widget" = "suggest:approval,choice,freeform", "x-label" = "Decision type"))]
    pub checkpoint_type: String,
    /// The question shown to whoever decides.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-widget" = "multiline"))]
    pub prompt: Option<String>,
    /// The answers to choose from, one per line.
    pub options: Vec<String>,
    /// How long to wait, as a duration such as `1h` or `30m`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    /// The resolution used when the timeout passes (e.g. `reject`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_timeout: Option<String>,
}

impl Default for HitlDecision {
    fn default() -> Self {
        Self {
            checkpoint_type: "approval".into(),
            prompt: None,
            options: vec!["approve".into(), "reject".into()],
            timeout: None,
            on_timeout: None,
        }
    }
}

/// `hitl_review`: one checkpoint whose review request the runtime publishes to a ScaiQueue queue
/// and whose resolution it waits for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct HitlReview {
    /// ScaiQueue scope of the queue; the flow topology's scope when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-widget" = "scope"))]
    pub scope: Option<String>,
    /// Queue slug the review request goes to.
    #[schemars(extend("x-widget" = "queue"))]
    pub queue: String,
    /// The review form (`hitl_spec.sections`): read-only context, fields the reviewer fills in
    /// and the decision buttons, in the order the reviewer sees them; Approve and Reject when
    /// left out.
    #[schemars(extend("x-widget" = "form-builder", "x-label" = "Review form"))]
    pub sections: ReviewSections,
    /// The request shown to the reviewer.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-widget" = "multiline"))]
    pub prompt: Option<String>,
    /// Who reviews: `user:alice@acme`, `group:approvers`, `role:tenant_admin`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// Ordering hint for the review queue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// How long to wait, as a duration such as `1h` or `2d`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    /// The resolution used when the timeout passes (e.g. `reject`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_timeout: Option<String>,
}

impl Default for HitlReview {
    /// A review the reviewer approves or rejects.
    fn default() -> Self {
        Self {
            scope: None,
            queue: String::new(),
            sections: ReviewSections(vec![ReviewSection::Decision(DecisionSection {
                options: vec![
                    DecisionOption::new("approve", "Approve"),
                    DecisionOption::new("reject", "Reject"),
                ],
                ..DecisionSection::default()
            })]),
            prompt: None,
            assignee: None,
            priority: None,
            timeout: None,
            on_timeout: None,
        }
    }
}

/// The review form, as ScaiQueue's `hitl_spec.sections` describes it: typed sections in the
/// order the reviewer sees them.
///
/// Flows saved before this form was adopted wrote a grouped object
/// (`{context: [...], input: [...], decision: [...]}`); it is still read, as the sections it
/// stands for (see [`ReviewSections::from_grouped`]), and always written as the list.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct ReviewSections(pub Vec<ReviewSection>);

/// One section of the review form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ReviewSection {
    /// Read-only text for the reviewer.
    Context(ContextSection),
    /// A field the reviewer fills in.
    Input(InputSection),
    /// The buttons the reviewer decides with.
    Decision(DecisionSection),
}

/// `{type: context, title, content}`: read-only text for the reviewer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct ContextSection {
    /// The heading shown above the text (e.g. `Claim`).
    pub title: String,
    /// The text, with `{{param}}` templates filled from the run (e.g. `{{classification}}`).
    pub content: String,
    /// Fields a newer ScaiQueue may define, kept as they are.
    #[serde(flatten)]
    #[schemars(skip)]
    pub extra: Map<String, Value>,
}

/// `{type: input, field, kind, required}`: a field the reviewer fills in; its value comes back
/// with the resolution under `field`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct InputSection {
    /// The name the value comes back under (e.g. `note`).
    pub field: String,
    /// What is typed: one of [`INPUT_KINDS`] (`text` when unset).
    pub kind: String,
    /// The label shown beside the field; the field name when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Whether the reviewer must fill it in before deciding.
    pub required: bool,
    /// The choices of a `select` input.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// Fields a newer ScaiQueue may define, kept as they are.
    #[serde(flatten)]
    #[schemars(skip)]
    pub extra: Map<String, Value>,
}

impl Default for InputSection {
    fn default() -> Self {
        Self {
            field: String::new(),
            kind: "text".into(),
            label: None,
            required: false,
            options: Vec::new(),
            extra: Map::new(),
        }
    }
}

/// The kinds of input the review form renders.
pub const INPUT_KINDS: &[&str] = &["text", "textarea", "number", "boolean", "date", "select"];

/// `{type: decision, field, options}`: the buttons the reviewer decides with. The id of the one
/// chosen is the checkpoint's resolution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct DecisionSection {
    /// The name the chosen option comes back under (`decision` when unset).
    pub field: String,
    /// The buttons, in order.
    pub options: Vec<DecisionOption>,
    /// Fields a newer ScaiQueue may define, kept as they are.
    #[serde(flatten)]
    #[schemars(skip)]
    pub extra: Map<String, Value>,
}

impl Default for DecisionSection {
    fn default() -> Self {
        Self { field: "decision".into(), options: Vec::new(), extra: Map::new() }
    }
}

/// One decision button: `{id, label}`, or just the id as a string.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct DecisionOption {
    /// The resolution value (e.g. `approve`); downstream `@match` arms use it.
    pub id: String,
    /// The button's text; the id when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl DecisionOption {
    pub fn new(id: &str, label: &str) -> Self {
        Self { id: id.to_owned(), label: Some(label.to_owned()) }
    }
}

impl<'de> Deserialize<'de> for DecisionOption {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Full {
            #[serde(default)]
            id: String,
            #[serde(default)]
            label: Option<String>,
        }
        struct Visit;
        impl<'de> Visitor<'de> for Visit {
            type Value = DecisionOption;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an option id, or an object with `id` and `label`")
            }
            fn visit_str<E: de::Error>(self, id: &str) -> Result<DecisionOption, E> {
                Ok(DecisionOption { id: id.to_owned(), label: None })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DecisionOption, A::Error> {
                let full = Full::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(DecisionOption { id: full.id, label: full.label })
            }
        }
        deserializer.deserialize_any(Visit)
    }
}

impl ReviewSections {
    /// The decision option ids, in order (the checkpoint's possible resolutions).
    pub fn option_ids(&self) -> Vec<String> {
        self.decisions().flat_map(|d| d.options.iter().map(|o| o.id.clone())).collect()
    }

    /// The decision sections.
    pub fn decisions(&self) -> impl Iterator<Item = &DecisionSection> {
        self.0.iter().filter_map(|s| match s {
            ReviewSection::Decision(d) => Some(d),
            _ => None,
        })
    }

    /// The sections the grouped form of earlier flows stands for: each context item a context
    /// section showing its field, each input an input section, the decisions one decision
    /// section (in that order: the reviewer reads, fills in, then decides).
    pub fn from_grouped(grouped: &Map<String, Value>) -> ReviewSections {
        let items = |key: &str| -> Vec<Map<String, Value>> {
            grouped
                .get(key)
                .and_then(Value::as_array)
                .map(|list| list.iter().filter_map(|i| i.as_object().cloned()).collect())
                .unwrap_or_default()
        };
        let text = |item: &Map<String, Value>, key: &str| {
            item.get(key).and_then(Value::as_str).map(str::to_owned).filter(|s| !s.is_empty())
        };
        let mut sections = Vec::new();
        for item in items("context") {
            let field = text(&item, "field").unwrap_or_default();
            sections.push(ReviewSection::Context(ContextSection {
                title: text(&item, "label").unwrap_or_else(|| field.clone()),
                content: if field.is_empty() { String::new() } else { format!("{{{{{field}}}}}") },
                extra: Map::new(),
            }));
        }
        for item in items("input") {
            sections.push(ReviewSection::Input(InputSection {
                field: text(&item, "id").or_else(|| text(&item, "field")).unwrap_or_default(),
                kind: text(&item, "type")
                    .or_else(|| text(&item, "kind"))
                    .unwrap_or_else(|| "text".into()),
                label: text(&item, "label"),
                required: item.get("required").and_then(Value::as_bool).unwrap_or(false),
                options: Vec::new(),
                extra: Map::new(),
            }));
        }
        let decisions = items("decision");
        if !decisions.is_empty() {
            let options = decisions
                .iter()
                .map(|d| DecisionOption {
                    id: text(d, "id").unwrap_or_default(),
                    label: text(d, "label"),
                })
                .collect();
            sections.push(ReviewSection::Decision(DecisionSection {
                options,
                ..DecisionSection::default()
            }));
        }
        ReviewSections(sections)
    }
}

impl<'de> Deserialize<'de> for ReviewSections {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> Visitor<'de> for Visit {
            type Value = ReviewSections;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of review form sections (context, input, decision)")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ReviewSections, A::Error> {
                let mut sections = Vec::new();
                while let Some(section) = seq.next_element::<ReviewSection>()? {
                    sections.push(section);
                }
                Ok(ReviewSections(sections))
            }
            // The grouped form of flows saved before the documented list.
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ReviewSections, A::Error> {
                let grouped =
                    Map::<String, Value>::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(ReviewSections::from_grouped(&grouped))
            }
            fn visit_unit<E: de::Error>(self) -> Result<ReviewSections, E> {
                Ok(ReviewSections::default())
            }
        }
        deserializer.deserialize_any(Visit)
    }
}

impl JsonSchema for ReviewSections {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ReviewSections".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let section = generator.subschema_for::<ReviewSection>();
        schemars::json_schema!({
            "description": "ScaiQueue's hitl_spec.sections: context, input and decision sections in the order the reviewer sees them. The grouped object of earlier flows ({context, input, decision}) is still read.",
            "anyOf": [
                { "type": "array", "items": section },
                { "type": "object", "deprecated": true }
            ]
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    Normal,
    High,
    Critical,
}

/// `queue_publish`: publishes a message to a ScaiQueue queue.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct QueuePublish {
    /// ScaiQueue scope of the queue; the flow topology's scope when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-widget" = "scope"))]
    pub scope: Option<String>,
    /// Slug of the queue the message goes to.
    #[schemars(extend("x-widget" = "queue"))]
    pub queue: String,
    /// Message type consumers filter on (e.g. `decision-made`).
    pub message_type: String,
    /// Field name → value or `{{...}}` template.
    pub payload: Map<String, Value>,
}

/// `queue_consume`: takes the next message from a queue.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct QueueConsume {
    /// ScaiQueue scope of the queue; the flow topology's scope when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-widget" = "scope"))]
    pub scope: Option<String>,
    /// Slug of the queue to take a message from.
    #[schemars(extend("x-widget" = "queue"))]
    pub queue: String,
    /// Stable name of this consumer (e.g. `approver-bot`).
    #[schemars(extend("x-label" = "Consumer id"))]
    pub consumer_id: String,
    /// Variable the message is bound to; the node id when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_binding: Option<String>,
}

/// `queue_escalation`: escalates the current work item to another queue.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct QueueEscalation {
    /// ScaiQueue scope of the queue; the flow topology's scope when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-widget" = "scope"))]
    pub scope: Option<String>,
    /// Slug of the queue the work item is escalated to.
    #[schemars(extend("x-widget" = "queue"))]
    pub escalation_queue: String,
    /// Why it is escalated (e.g. `timeout-exceeded`).
    pub reason: String,
}
