//! ScaiCore at run time, as ScaiGrid reports it and ScaiFlow passes it on: invocations, the six
//! runtime events, pages of events, checkpoints and their resolution.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub const INVOCATION_STARTED: &str = "scaicore.runtime.invocation.started";
pub const INVOCATION_COMPLETED: &str = "scaicore.runtime.invocation.completed";
pub const INVOCATION_FAILED: &str = "scaicore.runtime.invocation.failed";
pub const BLOCK_ENTERED: &str = "scaicore.runtime.block.entered";
pub const BLOCK_EXITED: &str = "scaicore.runtime.block.exited";
pub const BLOCK_FAILED: &str = "scaicore.runtime.block.failed";

/// The kind of a runtime event: one of ScaiCore's six built-in kinds, or a program's own
/// (`@emit`), kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EventKind {
    InvocationStarted,
    InvocationCompleted,
    InvocationFailed,
    BlockEntered,
    BlockExited,
    BlockFailed,
    Other(String),
}

impl EventKind {
    /// The six built-in kinds, in the order a block-by-block run reports them.
    pub const BUILT_IN: [EventKind; 6] = [
        EventKind::InvocationStarted,
        EventKind::BlockEntered,
        EventKind::BlockExited,
        EventKind::BlockFailed,
        EventKind::InvocationCompleted,
        EventKind::InvocationFailed,
    ];

    pub fn as_str(&self) -> &str {
        match self {
            EventKind::InvocationStarted => INVOCATION_STARTED,
            EventKind::InvocationCompleted => INVOCATION_COMPLETED,
            EventKind::InvocationFailed => INVOCATION_FAILED,
            EventKind::BlockEntered => BLOCK_ENTERED,
            EventKind::BlockExited => BLOCK_EXITED,
            EventKind::BlockFailed => BLOCK_FAILED,
            EventKind::Other(name) => name,
        }
    }

    pub fn parse(text: &str) -> EventKind {
        EventKind::BUILT_IN
            .into_iter()
            .find(|k| k.as_str() == text)
            .unwrap_or_else(|| EventKind::Other(text.to_owned()))
    }

    /// An invocation's last event: completed or failed.
    pub fn ends_invocation(&self) -> bool {
        matches!(self, EventKind::InvocationCompleted | EventKind::InvocationFailed)
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for EventKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for EventKind {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Ok(EventKind::parse(&text))
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for EventKind {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some(
                "`scaicore.runtime.invocation.started|completed|failed`, \
                 `scaicore.runtime.block.entered|exited|failed`, or a program's own event",
            ))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for EventKind {}

crate::schema! {
    /// One runtime event.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct RuntimeEvent {
        #[serde(rename = "type")]
        pub kind: EventKind,
        pub core_id: String,
        /// RFC 3339.
        pub timestamp: String,
        /// Starts with `execution_id`; the rest depends on the kind (`input`, `output` and
        /// `duration_ms`, `error`, `block_kind` and `node_id`, `result_binding` and
        /// `result_binding_value`).
        #[cfg_attr(feature = "openapi", schema(value_type = Object))]
        pub payload: Map<String, Value>,
        /// Fields newer runtimes add, kept so they reach the canvas.
        #[serde(flatten)]
        #[cfg_attr(feature = "openapi", schema(value_type = Object))]
        pub extra: Map<String, Value>,
    }

    /// A page of events (`GET /scaicore/events`), oldest first.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct EventPage {
        pub events: Vec<RuntimeEvent>,
        /// Pass as `cursor` for the events after this page; ScaiGrid may omit it at the end.
        #[serde(default)]
        pub next_cursor: Option<String>,
    }

    /// `GET /scaicore/events`: ScaiGrid's page inside `{"data": …}`.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct EventsAnswer {
        pub data: EventPage,
    }

    /// Where a checkpoint stands.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum CheckpointStatus {
        Pending,
        Resolved,
        Failed,
        Expired,
        Cancelled,
    }

    /// `POST /scaicore/checkpoints/{id}/resolve`.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct ResolveRequest {
        /// The answer: for a review, the id of the decision button (`approve`, `reject`).
        #[cfg_attr(feature = "openapi", schema(value_type = Object))]
        pub resolution: Value,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub comment: Option<String>,
    }

    /// `POST /scaicore/cores/{core_id}/invoke`.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct InvokeRequest {
        /// The trigger's input (for an API entry, the request payload).
        #[serde(default = "empty_object")]
        #[cfg_attr(feature = "openapi", schema(value_type = Object))]
        pub input: Value,
        /// Which flow of the Core; default its first.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub flow: Option<String>,
    }
}

fn empty_object() -> Value {
    Value::Object(Map::new())
}

impl RuntimeEvent {
    pub fn execution_id(&self) -> Option<&str> {
        self.payload.get("execution_id").and_then(Value::as_str)
    }

    /// The canvas node the event is about: the payload's `node_id`, or the
    /// `source_location.node_id` newer runtimes add.
    pub fn node_id(&self) -> Option<&str> {
        self.payload
            .get("node_id")
            .and_then(Value::as_str)
            .or_else(|| self.payload.get("source_location")?.get("node_id").and_then(Value::as_str))
    }

    /// The IR kind of the block (`flexible`, `checkpoint`, ...) for block events.
    pub fn block_kind(&self) -> Option<&str> {
        self.payload.get("block_kind").and_then(Value::as_str)
    }
}

impl CheckpointStatus {
    pub const ALL: [CheckpointStatus; 5] = [
        CheckpointStatus::Pending,
        CheckpointStatus::Resolved,
        CheckpointStatus::Failed,
        CheckpointStatus::Expired,
        CheckpointStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CheckpointStatus::Pending => "pending",
            CheckpointStatus::Resolved => "resolved",
            CheckpointStatus::Failed => "failed",
            CheckpointStatus::Expired => "expired",
            CheckpointStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<CheckpointStatus> {
        CheckpointStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }
}
