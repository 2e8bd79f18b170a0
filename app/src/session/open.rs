//! Opening an editing session: what the editor was asked for (a new flow, a saved one, a
//! draft, an example) and the flow it starts with, a draft first so a reload never loses work.

use flow_model::{CoreIdentity, FlowGraph, ModelEntry, SCHEMA_URL, example};

use crate::api::{self, ApiError};
use crate::browser;
use crate::drafts;

/// What the editor was asked to open.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    New,
    Saved(String),
    Draft(String),
    Example(String),
}

/// What the editor opens with.
#[derive(Debug, Clone)]
pub struct Opened {
    pub flow: FlowGraph,
    /// The saved version this flow is based on (`None`: never saved).
    pub base: Option<String>,
    /// When the flow came from a draft: the draft's time.
    pub restored_from: Option<String>,
    /// The caller may only view it (a saved flow shared with `view` access).
    pub read_only: bool,
    /// What the caller may do with a flow read from the server (`None`: not read from it).
    pub access: Option<api::Access>,
}

/// A new, empty flow with a fresh id and the registry's pinned `primary` model filled in.
pub fn untitled() -> FlowGraph {
    let mut flow =
        FlowGraph::from_json(r#"{"id": "flow_new", "name": "Untitled Flow", "version": "0.1.0"}"#)
            .expect("a minimal flow parses");
    flow.schema = Some(SCHEMA_URL.to_owned());
    flow.scaicore_target = Some("0.2".to_owned());
    flow.id = crate::canvas::fresh_ids().next("flow", |_| false);
    let mut config = flow.config.take().unwrap_or_default();
    config.core_identity = Some(CoreIdentity {
        name: Some(flow.name.clone()),
        models: vec![ModelEntry::starter()],
        extra: Default::default(),
    });
    flow.config = Some(config);
    flow
}

/// Downloads `flow` as `<its name>.flow.json`; the file's name, or why it failed.
pub fn export_flow(flow: &FlowGraph) -> Result<String, String> {
    let name = format!("{}.flow.json", browser::file_stem(&flow.name));
    browser::download(&name, "application/json", &flow.to_json_pretty()).map(|()| name)
}

/// Finds the flow to open: a draft first (a reload must never lose work), then the server or
/// the bundled example.
pub async fn open(source: Source) -> Result<Opened, String> {
    let from_draft = |d: drafts::Draft| Opened {
        flow: d.flow,
        base: d.base_version,
        restored_from: Some(d.saved_at),
        read_only: false,
        access: None,
    };
    match source {
        Source::New => Ok(Opened {
            flow: untitled(),
            base: None,
            restored_from: None,
            read_only: false,
            access: None,
        }),
        Source::Draft(id) => drafts::load(&id).map(from_draft).ok_or_else(|| {
            "There is no draft of this flow in this browser (it was saved or discarded).".to_owned()
        }),
        Source::Saved(id) => {
            if let Some(draft) = drafts::load(&id) {
                return Ok(from_draft(draft));
            }
            let detail = api::get_flow(&id).await.map_err(|e| match e {
                ApiError::Failed { status: 404, .. } => format!("There is no flow '{id}'."),
                other => other.to_string(),
            })?;
            Ok(Opened {
                read_only: !detail.summary.access.may_edit(),
                access: Some(detail.summary.access),
                flow: detail.content,
                base: Some(detail.summary.version),
                restored_from: None,
            })
        }
        Source::Example(key) => {
            let example = example(&key).ok_or_else(|| format!("There is no example '{key}'."))?;
            let mut flow = FlowGraph::from_json(example.json).map_err(|e| e.to_string())?;
            flow.id = crate::canvas::fresh_ids().next("flow", |_| false);
            Ok(Opened { flow, base: None, restored_from: None, read_only: false, access: None })
        }
    }
}

/// The address of a flow: saved ones by id, unsaved ones by their draft.
pub fn path_of(flow_id: &str, base: Option<&str>) -> String {
    match base {
        Some(_) => format!("/flows/{flow_id}"),
        None => format!("/drafts/{flow_id}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_flows_are_untitled_with_fresh_ids() {
        let (a, b) = (untitled(), untitled());
        assert_eq!(a.name, "Untitled Flow");
        assert!(a.id.starts_with("flow_"));
        assert_ne!(a.id, b.id);
        assert!(a.nodes.is_empty());
        // The pinned primary model is filled in, so a first LLM node compiles.
        let models = &a.config.as_ref().unwrap().core_identity.as_ref().unwrap().models;
        assert_eq!(
            (models[0].role.as_str(), models[0].model.as_str()),
            ("primary", "openai/gpt-4o-mini")
        );
        let mut with_prompt = a.clone();
        let mut node =
            flow_model::Node::new(flow_model::NodeKind::LlmFlexible, "n1", Default::default());
        node.config.insert("goal".into(), "Greet".into());
        with_prompt.nodes.push(node);
        let roles: Vec<String> = compiler::analyze(&with_prompt)
            .into_iter()
            .filter(|d| d.path.ends_with("llm_role"))
            .map(|d| d.message)
            .collect();
        assert!(roles.is_empty(), "{roles:?}");
    }

    #[test]
    fn saved_and_unsaved_flows_have_their_own_addresses() {
        assert_eq!(path_of("flow_x", Some("1.0.0")), "/flows/flow_x");
        assert_eq!(path_of("flow_x", None), "/drafts/flow_x");
    }
}
