//! The body of every error answer: `{"detail": {"error", "message", "fix"?, ...}}`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

crate::schema! {
    /// An error answer.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct ErrorBody {
        pub detail: ErrorDetail,
    }

    /// What went wrong, in words and as a stable code, with what to do about it.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct ErrorDetail {
        /// Stable code: `not_found`, `version_conflict`, `invalid_request`, `compile_error`, ...
        pub error: String,
        pub message: String,
        /// What to do about it, when there is something.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub fix: Option<String>,
        /// The fields particular to the code: `current_version` (409), `pointer`, `line` and
        /// `column` (422), `diagnostics` (`compile_error`), `status` and `scope` (upstream
        /// failures), ...
        #[serde(flatten)]
        #[cfg_attr(feature = "openapi", schema(value_type = Object))]
        pub extra: Map<String, Value>,
    }
}

impl ErrorDetail {
    /// The flow's current version, on a `version_conflict`.
    pub fn current_version(&self) -> Option<&str> {
        self.extra.get("current_version").and_then(Value::as_str)
    }

    /// The message followed by the fix, for a person to read.
    pub fn explained(&self) -> String {
        match &self.fix {
            Some(fix) => format!("{} {fix}", self.message),
            None => self.message.clone(),
        }
    }
}
