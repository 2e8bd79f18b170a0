//! Typed node configuration: one struct per node kind, with the documented fields and defaults.
//!
//! On the wire a node's `config` is a free JSON object (kept as-is, so unknown fields survive);
//! [`NodeConfig::parse`] gives the typed view analysis and code generation work from.

mod compute;
mod entry;
mod hitl;
mod llm;
mod logic;
mod subflow;
mod tool;

use serde_json::{Map, Value};

pub use compute::{
    ComputeDestroy, ComputeExec, ComputeFileDownload, ComputeFileUpload, ComputeProvision,
};
pub use entry::{EntryApi, EntrySchedule, EntryWebhook};
pub use hitl::{
    Checkpoint, ContextSection, DecisionOption, DecisionSection, HitlDecision, HitlReview,
    INPUT_KINDS, InputSection, Priority, QueueConsume, QueueEscalation, QueuePublish,
    ReviewSection, ReviewSections,
};
pub use llm::{LlmFlexible, LlmGuarded, LlmRigid};
pub use logic::{DecisionStyle, LogicDecision, LogicLoop, LogicParallel, LoopStyle};
pub use subflow::SubflowCall;
pub use tool::{DataVariableSet, HttpMethod, ToolHttp, ToolPlugin};

use crate::kind::NodeKind;

/// The config key that puts a development breakpoint before any node.
pub const BREAKPOINT: &str = "breakpoint";

/// A config object that does not fit its kind, located by its path inside `config`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ConfigError {
    /// The field of the config the error is about (`max_iterations`, `form`); `.` for the
    /// whole object.
    pub path: String,
    pub message: String,
}

macro_rules! node_configs {
    ($($kind:ident => $ty:ty),* $(,)?) => {
        /// The typed configuration of a node, by kind.
        #[derive(Debug, Clone, PartialEq)]
        pub enum NodeConfig {
            $($kind($ty),)*
        }

        impl NodeConfig {
            /// Reads `config` as the configuration of a `kind` node. Missing fields take their
            /// defaults; a field of the wrong type is an error naming its path.
            pub fn parse(kind: NodeKind, config: &Map<String, Value>) -> Result<NodeConfig, ConfigError> {
                match kind {
                    $(NodeKind::$kind => typed::<$ty>(config).map(NodeConfig::$kind),)*
                }
            }

            /// The configuration a new node of `kind` starts with.
            pub fn default_for(kind: NodeKind) -> NodeConfig {
                match kind {
                    $(NodeKind::$kind => NodeConfig::$kind(<$ty>::default()),)*
                }
            }

            pub fn kind(&self) -> NodeKind {
                match self {
                    $(NodeConfig::$kind(_) => NodeKind::$kind,)*
                }
            }

            /// The configuration as the JSON object stored in a document.
            pub fn to_map(&self) -> Map<String, Value> {
                let value = match self {
                    $(NodeConfig::$kind(c) => serde_json::to_value(c),)*
                };
                match value {
                    Ok(Value::Object(map)) => map,
                    // Config structs always serialise to objects.
                    _ => Map::new(),
                }
            }

            /// The JSON Schema of a `kind` node's configuration.
            pub fn schema(kind: NodeKind, generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
                match kind {
                    $(NodeKind::$kind => generator.subschema_for::<$ty>(),)*
                }
            }
        }
    };
}

node_configs! {
    EntryApi => EntryApi,
    EntryWebhook => EntryWebhook,
    EntrySchedule => EntrySchedule,
    LlmRigid => LlmRigid,
    LlmGuarded => LlmGuarded,
    LlmFlexible => LlmFlexible,
    LogicDecision => LogicDecision,
    LogicLoop => LogicLoop,
    LogicParallel => LogicParallel,
    ToolPlugin => ToolPlugin,
    ToolHttp => ToolHttp,
    DataVariableSet => DataVariableSet,
    Checkpoint => Checkpoint,
    QueuePublish => QueuePublish,
    QueueConsume => QueueConsume,
    HitlReview => HitlReview,
    HitlDecision => HitlDecision,
    QueueEscalation => QueueEscalation,
    ComputeProvision => ComputeProvision,
    ComputeExec => ComputeExec,
    ComputeFileUpload => ComputeFileUpload,
    ComputeFileDownload => ComputeFileDownload,
    ComputeDestroy => ComputeDestroy,
    SubflowCall => SubflowCall,
}

impl NodeConfig {
    /// The config keys a `kind` node understands, legacy spellings included. Others are kept
    /// but reported, since they are usually typos.
    pub fn known_fields(kind: NodeKind) -> &'static [String] {
        static KNOWN: std::sync::OnceLock<Vec<Vec<String>>> = std::sync::OnceLock::new();
        let all = KNOWN.get_or_init(|| NodeKind::ALL.iter().map(|&k| Self::fields_of(k)).collect());
        // ALL lists every kind in declaration order.
        &all[kind as usize]
    }

    fn fields_of(kind: NodeKind) -> Vec<String> {
        let mut fields: Vec<String> = crate::described::config_schema(kind)
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default();
        if matches!(kind, NodeKind::LlmGuarded | NodeKind::LlmFlexible) {
            fields.push("model".into());
        }
        // Any node may carry a development breakpoint.
        if !fields.iter().any(|f| f == BREAKPOINT) {
            fields.push(BREAKPOINT.into());
        }
        fields
    }
}

fn typed<T: serde::de::DeserializeOwned>(config: &Map<String, Value>) -> Result<T, ConfigError> {
    let error = match T::deserialize(entries(config, None)) {
        Ok(typed) => return Ok(typed),
        Err(error) => error.to_string(),
    };
    // Every field has a default, so a map of one field reads on its own: the field the error
    // is about is the first whose map alone fails the same way (`.` when none does: the error
    // is about the whole object). Locating it by reading again with the same deserializer,
    // rather than with a path-tracking one, keeps a second copy of every config type's
    // deserializer out of the browser bundle.
    let path = config
        .keys()
        .find(|key| {
            T::deserialize(entries(config, Some(key))).is_err_and(|e| e.to_string() == error)
        })
        .map_or_else(|| ".".to_owned(), String::clone);
    Err(ConfigError { path, message: error })
}

/// `config` (or only its field `only`) as a deserializer, reading from references: no copy of
/// the config is made.
fn entries<'a>(
    config: &'a Map<String, Value>,
    only: Option<&'a str>,
) -> serde::de::value::MapDeserializer<
    'a,
    impl Iterator<Item = (&'a str, &'a Value)>,
    serde_json::Error,
> {
    let fields = config.iter().filter(move |(key, _)| only.is_none_or(|o| o == key.as_str()));
    serde::de::value::MapDeserializer::new(fields.map(|(key, value)| (key.as_str(), value)))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn map(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(m) => m,
            _ => panic!("not an object"),
        }
    }

    #[test]
    fn every_kind_has_a_default_that_parses_back() {
        for kind in NodeKind::ALL {
            let default = NodeConfig::default_for(kind);
            assert_eq!(default.kind(), kind);
            let parsed = NodeConfig::parse(kind, &default.to_map()).unwrap();
            assert_eq!(parsed, default, "{kind:?}");
        }
    }

    #[test]
    fn documented_defaults() {
        let entry = NodeConfig::default_for(NodeKind::EntryApi).to_map();
        assert_eq!(Value::Object(entry), json!({"method": "POST", "path": "/"}));
        let schedule = NodeConfig::default_for(NodeKind::EntrySchedule).to_map();
        assert_eq!(Value::Object(schedule), json!({"cron": "0 * * * *", "timezone": "UTC"}));
        let NodeConfig::SubflowCall(sub) = NodeConfig::default_for(NodeKind::SubflowCall) else {
            unreachable!()
        };
        assert_eq!((sub.timeout.as_str(), sub.is_async), ("30s", false));
    }

    #[test]
    fn legacy_model_is_read_as_llm_role() {
        let config = map(json!({"goal": "g", "model": "fast"}));
        let NodeConfig::LlmFlexible(c) = NodeConfig::parse(NodeKind::LlmFlexible, &config).unwrap()
        else {
            unreachable!()
        };
        assert_eq!(c.llm_role.as_deref(), Some("fast"));
    }

    #[test]
    fn type_errors_name_the_field_path() {
        let config = map(json!({"style": "while", "max_iterations": "lots"}));
        let err = NodeConfig::parse(NodeKind::LogicLoop, &config).unwrap_err();
        assert_eq!(err.path, "max_iterations");
        assert!(err.message.contains("invalid type"), "{err}");

        let config = map(json!({"style": "sometimes"}));
        let err = NodeConfig::parse(NodeKind::LogicLoop, &config).unwrap_err();
        assert_eq!(err.path, "style");
        assert!(err.message.contains("unknown variant `sometimes`"), "{err}");
    }

    #[test]
    fn an_error_inside_a_field_names_that_field() {
        // A well-typed field first, then the one at fault, nested two levels down.
        let config = map(json!({"queue": "reviews", "sections": [{"type": "slider"}]}));
        let err = NodeConfig::parse(NodeKind::HitlReview, &config).unwrap_err();
        assert_eq!(err.path, "sections");
        assert!(err.message.contains("slider"), "{err}");

        let config = map(json!({"max_iterations": 3, "style": "while", "condition": 7}));
        let err = NodeConfig::parse(NodeKind::LogicLoop, &config).unwrap_err();
        assert_eq!(err.path, "condition");
    }

    #[test]
    fn unknown_fields_are_kept_in_the_wire_map_and_listed_as_unknown() {
        let fields = NodeConfig::known_fields(NodeKind::ToolPlugin);
        for f in ["plugin", "method", "args", "result_binding"] {
            assert!(fields.iter().any(|k| k == f), "{f} in {fields:?}");
        }
        assert!(NodeConfig::known_fields(NodeKind::LlmGuarded).iter().any(|k| k == "model"));
        assert!(!fields.iter().any(|k| k == "plugn"));
    }
}
