//! The closed set of 24 node kinds and the 9 categories that colour them on the canvas.

use serde::{Deserialize, Serialize};

/// What a node does. Closed: a document naming any other kind is rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    EntryApi,
    EntryWebhook,
    EntrySchedule,
    LlmRigid,
    LlmGuarded,
    LlmFlexible,
    LogicDecision,
    LogicLoop,
    LogicParallel,
    ToolPlugin,
    ToolHttp,
    DataVariableSet,
    Checkpoint,
    QueuePublish,
    QueueConsume,
    HitlReview,
    HitlDecision,
    QueueEscalation,
    ComputeProvision,
    ComputeExec,
    ComputeFileUpload,
    ComputeFileDownload,
    ComputeDestroy,
    SubflowCall,
}

/// The nine node categories; each has one canvas colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Entry,
    Llm,
    Logic,
    Tool,
    Data,
    Checkpoint,
    QueueHitl,
    Compute,
    Subflow,
}

impl NodeKind {
    /// Every kind, in catalogue order (the order of the palette).
    pub const ALL: [NodeKind; 24] = [
        Self::EntryApi,
        Self::EntryWebhook,
        Self::EntrySchedule,
        Self::LlmRigid,
        Self::LlmGuarded,
        Self::LlmFlexible,
        Self::LogicDecision,
        Self::LogicLoop,
        Self::LogicParallel,
        Self::ToolPlugin,
        Self::ToolHttp,
        Self::DataVariableSet,
        Self::Checkpoint,
        Self::QueuePublish,
        Self::QueueConsume,
        Self::HitlReview,
        Self::HitlDecision,
        Self::QueueEscalation,
        Self::ComputeProvision,
        Self::ComputeExec,
        Self::ComputeFileUpload,
        Self::ComputeFileDownload,
        Self::ComputeDestroy,
        Self::SubflowCall,
    ];

    /// The wire name (`entry_api`, `llm_flexible`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EntryApi => "entry_api",
            Self::EntryWebhook => "entry_webhook",
            Self::EntrySchedule => "entry_schedule",
            Self::LlmRigid => "llm_rigid",
            Self::LlmGuarded => "llm_guarded",
            Self::LlmFlexible => "llm_flexible",
            Self::LogicDecision => "logic_decision",
            Self::LogicLoop => "logic_loop",
            Self::LogicParallel => "logic_parallel",
            Self::ToolPlugin => "tool_plugin",
            Self::ToolHttp => "tool_http",
            Self::DataVariableSet => "data_variable_set",
            Self::Checkpoint => "checkpoint",
            Self::QueuePublish => "queue_publish",
            Self::QueueConsume => "queue_consume",
            Self::HitlReview => "hitl_review",
            Self::HitlDecision => "hitl_decision",
            Self::QueueEscalation => "queue_escalation",
            Self::ComputeProvision => "compute_provision",
            Self::ComputeExec => "compute_exec",
            Self::ComputeFileUpload => "compute_file_upload",
            Self::ComputeFileDownload => "compute_file_download",
            Self::ComputeDestroy => "compute_destroy",
            Self::SubflowCall => "subflow_call",
        }
    }

    /// The kind with this wire name.
    pub fn from_wire(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    pub fn category(self) -> Category {
        match self {
            Self::EntryApi | Self::EntryWebhook | Self::EntrySchedule => Category::Entry,
            Self::LlmRigid | Self::LlmGuarded | Self::LlmFlexible => Category::Llm,
            Self::LogicDecision | Self::LogicLoop | Self::LogicParallel => Category::Logic,
            Self::ToolPlugin | Self::ToolHttp => Category::Tool,
            Self::DataVariableSet => Category::Data,
            Self::Checkpoint => Category::Checkpoint,
            Self::QueuePublish
            | Self::QueueConsume
            | Self::HitlReview
            | Self::HitlDecision
            | Self::QueueEscalation => Category::QueueHitl,
            Self::ComputeProvision
            | Self::ComputeExec
            | Self::ComputeFileUpload
            | Self::ComputeFileDownload
            | Self::ComputeDestroy => Category::Compute,
            Self::SubflowCall => Category::Subflow,
        }
    }

    /// The name the palette and node cards show.
    pub fn display_name(self) -> &'static str {
        match self {
            Self::EntryApi => "API Entry",
            Self::EntryWebhook => "Webhook Entry",
            Self::EntrySchedule => "Schedule Entry",
            Self::LlmRigid => "Rigid Template",
            Self::LlmGuarded => "Guarded Prompt",
            Self::LlmFlexible => "Flexible Prompt",
            Self::LogicDecision => "Decision",
            Self::LogicLoop => "Loop",
            Self::LogicParallel => "Parallel",
            Self::ToolPlugin => "Plugin Call",
            Self::ToolHttp => "HTTP Request",
            Self::DataVariableSet => "Set Variables",
            Self::Checkpoint => "Checkpoint",
            Self::QueuePublish => "Queue Publish",
            Self::QueueConsume => "Queue Consume",
            Self::HitlReview => "HITL Review",
            Self::HitlDecision => "HITL Decision",
            Self::QueueEscalation => "Queue Escalation",
            Self::ComputeProvision => "Provision Sandbox",
            Self::ComputeExec => "Execute Command",
            Self::ComputeFileUpload => "Upload File",
            Self::ComputeFileDownload => "Download File",
            Self::ComputeDestroy => "Destroy Sandbox",
            Self::SubflowCall => "Sub-flow Call",
        }
    }

    /// Entry kinds become triggers, never steps.
    pub fn is_entry(self) -> bool {
        self.category() == Category::Entry
    }
}

impl Category {
    pub const ALL: [Category; 9] = [
        Self::Entry,
        Self::Llm,
        Self::Logic,
        Self::Tool,
        Self::Data,
        Self::Checkpoint,
        Self::QueueHitl,
        Self::Compute,
        Self::Subflow,
    ];

    /// The snake_case name (`entry`, `queue_hitl`, ...), as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Entry => "entry",
            Self::Llm => "llm",
            Self::Logic => "logic",
            Self::Tool => "tool",
            Self::Data => "data",
            Self::Checkpoint => "checkpoint",
            Self::QueueHitl => "queue_hitl",
            Self::Compute => "compute",
            Self::Subflow => "subflow",
        }
    }

    pub fn display_name(self) -> &'static str {
        match self {
            Self::Entry => "Entry",
            Self::Llm => "LLM",
            Self::Logic => "Logic",
            Self::Tool => "Tool",
            Self::Data => "Data",
            Self::Checkpoint => "Checkpoint",
            Self::QueueHitl => "Queue / HITL",
            Self::Compute => "Compute",
            Self::Subflow => "Sub-flow",
        }
    }

    /// The colour name the documentation gives the category.
    pub fn colour_name(self) -> &'static str {
        match self {
            Self::Entry => "green",
            Self::Llm => "blue",
            Self::Logic => "orange",
            Self::Tool => "purple",
            Self::Data => "teal",
            Self::Checkpoint => "yellow",
            Self::QueueHitl => "amber",
            Self::Compute => "indigo",
            Self::Subflow => "grey",
        }
    }

    /// The canvas colour as a CSS hex value; chosen so the nine stay apart on white and dark.
    pub fn colour(self) -> &'static str {
        match self {
            Self::Entry => "#16a34a",
            Self::Llm => "#2563eb",
            Self::Logic => "#ea580c",
            Self::Tool => "#9333ea",
            Self::Data => "#0d9488",
            Self::Checkpoint => "#eab308",
            Self::QueueHitl => "#b45309",
            Self::Compute => "#4f46e5",
            Self::Subflow => "#6b7280",
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn wire_names_round_trip_through_serde() {
        for (i, kind) in NodeKind::ALL.into_iter().enumerate() {
            assert_eq!(kind as usize, i, "ALL is in declaration order");
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert_eq!(serde_json::from_str::<NodeKind>(&json).unwrap(), kind);
            assert_eq!(NodeKind::from_wire(kind.as_str()), Some(kind));
        }
        assert_eq!(NodeKind::from_wire("entry_chat"), None);
    }

    #[test]
    fn every_category_is_used_and_coloured_distinctly() {
        let used: HashSet<Category> = NodeKind::ALL.iter().map(|k| k.category()).collect();
        assert_eq!(used.len(), Category::ALL.len());
        let colours: HashSet<&str> = Category::ALL.iter().map(|c| c.colour()).collect();
        assert_eq!(colours.len(), Category::ALL.len());
        for category in Category::ALL {
            let wire = serde_json::to_string(&category).unwrap();
            assert_eq!(wire, format!("\"{}\"", category.as_str()));
        }
    }

    #[test]
    fn documented_category_membership() {
        use NodeKind as K;
        let members = |c: Category| -> Vec<NodeKind> {
            NodeKind::ALL.into_iter().filter(|k| k.category() == c).collect()
        };
        assert_eq!(members(Category::Entry), [K::EntryApi, K::EntryWebhook, K::EntrySchedule]);
        assert_eq!(members(Category::Tool), [K::ToolPlugin, K::ToolHttp]);
        assert_eq!(members(Category::QueueHitl).len(), 5);
        assert_eq!(members(Category::Compute).len(), 5);
        assert_eq!(members(Category::Subflow), [K::SubflowCall]);
    }
}
