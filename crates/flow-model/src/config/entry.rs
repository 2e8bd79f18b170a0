//! Entry kinds: how a flow is started. They become triggers, never steps.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `entry_api`: invoked through ScaiGrid's `POST .../cores/{id}/invoke` with `{"input": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct EntryApi {
    /// HTTP method callers use.
    #[schemars(extend("x-widget" = "suggest:POST,GET,PUT,PATCH,DELETE"))]
    pub method: String,
    /// Path under the Core's invoke URL.
    pub path: String,
}

impl Default for EntryApi {
    fn default() -> Self {
        Self { method: "POST".into(), path: "/".into() }
    }
}

/// `entry_webhook`: the same wire shape as `entry_api`, for external callers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct EntryWebhook {
    /// HTTP method the external caller uses.
    #[schemars(extend("x-widget" = "suggest:POST,GET,PUT,PATCH,DELETE"))]
    pub method: String,
    /// Path under the Core's invoke URL.
    pub path: String,
    /// Signature-verification metadata (reserved; passed through as JSON).
    pub auth: Option<Value>,
}

impl Default for EntryWebhook {
    fn default() -> Self {
        Self { method: "POST".into(), path: "/".into(), auth: None }
    }
}

/// `entry_schedule`: a standard five-field cron expression evaluated in `timezone`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct EntrySchedule {
    /// Standard five-field cron expression (minute hour day month weekday).
    pub cron: String,
    /// IANA time zone name; UTC is recommended.
    pub timezone: String,
}

impl Default for EntrySchedule {
    fn default() -> Self {
        Self { cron: "0 * * * *".into(), timezone: "UTC".into() }
    }
}
