//! What ScaiGrid and ScaiQueue offer a flow, as the lookup proxies pass it on
//! (`/scaigrid/models`, `/scaiqueue/scopes`, `/scaiqueue/scopes/{id}/queues`).

use serde::{Deserialize, Serialize};

/// The `{"data": [...]}` envelope of a lookup. (Derived outside `schema!`: the derive of a
/// generic type cannot be written through a macro.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Data<T> {
    pub data: Vec<T>,
}

crate::schema! {
    /// A model of the tenant's catalogue.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct Model {
        pub slug: String,
        #[serde(default)]
        pub display_name: Option<String>,
        #[serde(default)]
        pub modality: Option<String>,
        #[serde(default)]
        pub context_window: Option<u64>,
        #[serde(default)]
        pub max_output_tokens: Option<u64>,
    }

    /// A ScaiQueue scope.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct Scope {
        pub id: String,
        pub slug: String,
        #[serde(default)]
        pub display_name: Option<String>,
        #[serde(default)]
        pub description: Option<String>,
    }

    /// A queue of a scope. ScaiQueue describes delivery with `ordering` (`fifo`, `priority`,
    /// `deadline`) and `consumer_mode` (`competing`, `broadcast`); the ScaiGrid client folds
    /// them into ScaiFlow's one `consumer_mode` (`fifo`, `priority`, `deadline`, `broadcast`),
    /// which is all ScaiFlow's answer carries.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct Queue {
        pub id: String,
        #[serde(default)]
        pub scope_id: Option<String>,
        pub slug: String,
        #[serde(default)]
        pub display_name: Option<String>,
        #[serde(default, skip_serializing)]
        pub ordering: Option<String>,
        #[serde(default)]
        pub consumer_mode: Option<String>,
        #[serde(default)]
        pub max_retries: Option<u32>,
    }
}
