//! Flows and their versions (`/flows`, `/flows/{id}`, `/flows/{id}/versions`).

use flow_model::FlowGraph;
use serde::{Deserialize, Serialize};

use crate::Access;

crate::schema! {
    /// A flow in listings.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct FlowSummary {
        pub id: String,
        pub name: String,
        pub description: String,
        pub owner_id: String,
        pub tenant_id: String,
        /// The current version (semver).
        pub version: String,
        /// RFC 3339.
        pub created_at: String,
        pub updated_at: String,
        /// Set for flows in the trash.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub deleted_at: Option<String>,
        /// What the caller may do with the flow.
        pub access: Access,
    }

    /// A flow with the document of its current version.
    #[derive(Debug, Clone, Serialize, Deserialize)]
    pub struct FlowDetail {
        #[serde(flatten)]
        pub summary: FlowSummary,
        /// The FlowGraph document of the current version.
        #[cfg_attr(feature = "openapi", schema(value_type = Object))]
        pub content: FlowGraph,
    }

    /// A page of flows.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct FlowPage {
        pub items: Vec<FlowSummary>,
        /// How many flows match in all.
        pub total: u64,
        /// Pass as `cursor` for the next page; absent on the last one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub next_cursor: Option<String>,
    }

    /// One saved version.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct VersionInfo {
        pub version: String,
        pub created_at: String,
        /// Who saved it.
        pub author_id: String,
        /// Bytes of the stored document.
        pub size: u64,
        /// SHA-256 of the stored document, hex.
        pub sha256: String,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct VersionList {
        pub items: Vec<VersionInfo>,
        pub total: u64,
    }

    /// A version with its document.
    #[derive(Debug, Clone, Serialize, Deserialize)]
    pub struct VersionDetail {
        #[serde(flatten)]
        pub info: VersionInfo,
        #[cfg_attr(feature = "openapi", schema(value_type = Object))]
        pub content: FlowGraph,
    }

    /// `POST /flows`.
    #[derive(Debug, Clone, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct CreateFlow {
        pub name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub description: Option<String>,
        /// The FlowGraph document.
        #[cfg_attr(feature = "openapi", schema(value_type = Object))]
        pub content: FlowGraph,
    }

    /// `PUT /flows/{id}`: any subset of the fields.
    #[derive(Debug, Clone, Default, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct UpdateFlow {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub description: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
        pub content: Option<FlowGraph>,
    }
}

impl CreateFlow {
    /// A save of `flow` under its own name, with its own description (`metadata.description`)
    /// so the flows list shows it.
    pub fn of(flow: FlowGraph) -> CreateFlow {
        let description = flow.metadata.as_ref().and_then(|m| m.description.clone());
        CreateFlow {
            name: flow.name.clone(),
            description: Some(description.unwrap_or_default()),
            content: flow,
        }
    }
}

impl UpdateFlow {
    /// A new version with the document `flow`, its name and its description.
    pub fn of(flow: FlowGraph) -> UpdateFlow {
        let CreateFlow { name, description, content } = CreateFlow::of(flow);
        UpdateFlow { name: Some(name), description, content: Some(content) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_carry_the_flow_s_description() {
        let flow = FlowGraph::from_json(flow_model::EXAMPLES[0].json).unwrap();
        let description = flow.metadata.as_ref().and_then(|m| m.description.clone()).unwrap();
        let body = serde_json::to_value(CreateFlow::of(flow.clone())).unwrap();
        assert_eq!(body["name"], flow.name.as_str());
        assert_eq!(body["description"], description.as_str());
        let update = serde_json::to_value(UpdateFlow::of(flow.clone())).unwrap();
        assert_eq!(update["description"], description.as_str());
        let bare = FlowGraph::from_json(r#"{"id": "f", "name": "N", "version": "1.0.0"}"#).unwrap();
        assert_eq!(serde_json::to_value(CreateFlow::of(bare)).unwrap()["description"], "");
    }
}
