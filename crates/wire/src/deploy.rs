//! Deployments of a flow version to ScaiGrid (`/flows/{id}/deploy`, `/flows/{id}/deployments`).

use serde::{Deserialize, Serialize};

crate::schema! {
    /// The step a deploy is in, or the one it failed in, in the order they run.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum DeployStage {
        /// Compiling the stored version into the manifest.
        Compiling,
        /// Choosing the ScaiGrid credential.
        Credentials,
        /// Finding or creating the ScaiQueue scope and queues.
        Provisioning,
        /// Creating the Core, or updating the one of the last deployment.
        Creating,
        /// Publishing the Core as a chat model, or syncing its publication.
        Publishing,
    }

    /// How a deployment stands.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum DeployStatus {
        Running,
        Succeeded,
        /// Failed, or `interrupted` (error code) when the server stopped during it.
        Failed,
    }

    /// What a deploy did to the Core.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum DeployAction {
        /// A new Core.
        Created,
        /// The Core of the previous successful deployment.
        Updated,
    }

    /// One deployment of a flow version.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct Deployment {
        pub id: String,
        pub flow_id: String,
        pub version: String,
        pub status: DeployStatus,
        pub core_id: Option<String>,
        pub published_slug: Option<String>,
        /// The error code of a failed deployment (`scaicore_create_failed`, `interrupted`, ...).
        pub error: Option<String>,
        pub message: Option<String>,
        pub deployed_by: String,
        pub created_at: String,
        /// The stage a running deployment is in, or the one a failed deployment failed in.
        pub stage: Option<DeployStage>,
        pub finished_at: Option<String>,
    }

    /// A flow's deployments, newest first.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct DeploymentList {
        pub items: Vec<Deployment>,
        pub total: u64,
    }

    /// `POST /flows/{id}/deploy`; every field optional (an empty body is allowed).
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct DeployRequest {
        /// Overrides `config.publish_as_model`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub publish_as_model: Option<bool>,
        /// Overrides `config.model_visibility_group_ids`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub model_visibility_group_ids: Option<Vec<String>>,
        /// The stored version to deploy; default the current one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub version: Option<String>,
    }

    /// What a deploy that went through answers.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct Deployed {
        pub core_id: String,
        /// `scaicore/{tenant}/{slug}` when the Core was published by this deploy.
        pub published_slug: Option<String>,
        pub deployment_id: String,
        /// The flow version deployed.
        pub version: String,
        pub action: DeployAction,
    }
}

impl DeployStage {
    /// Every stage, in the order a deploy goes through them.
    pub const ALL: [DeployStage; 5] = [
        DeployStage::Compiling,
        DeployStage::Credentials,
        DeployStage::Provisioning,
        DeployStage::Creating,
        DeployStage::Publishing,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeployStage::Compiling => "compiling",
            DeployStage::Credentials => "credentials",
            DeployStage::Provisioning => "provisioning",
            DeployStage::Creating => "creating",
            DeployStage::Publishing => "publishing",
        }
    }

    pub fn parse(text: &str) -> Option<DeployStage> {
        DeployStage::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The stage a deploy error code comes from (`compile_error` is compiling, ...).
    pub fn of_error(code: &str) -> Option<DeployStage> {
        match code {
            "compile_error" => Some(DeployStage::Compiling),
            "missing_scaigrid_credentials" => Some(DeployStage::Credentials),
            "scaiqueue_auth" | "scaiqueue_provision_failed" => Some(DeployStage::Provisioning),
            "scaicore_create_failed" => Some(DeployStage::Creating),
            "scaicore_publish_failed" => Some(DeployStage::Publishing),
            _ => None,
        }
    }
}

impl DeployStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeployStatus::Running => "running",
            DeployStatus::Succeeded => "succeeded",
            DeployStatus::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<DeployStatus> {
        [DeployStatus::Running, DeployStatus::Succeeded, DeployStatus::Failed]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

impl DeployAction {
    pub fn as_str(self) -> &'static str {
        match self {
            DeployAction::Created => "created",
            DeployAction::Updated => "updated",
        }
    }
}
