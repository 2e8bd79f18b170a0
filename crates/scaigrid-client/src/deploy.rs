//! The deploy sequence, shared by the server's deploy endpoints and `scaiflow deploy`:
//! provision ScaiQueue (find-or-create the scope, then each declared queue) → create the Core
//! from the manifest, or update the Core a previous deploy made → publish it as a chat model
//! when asked (syncing an existing publication).
//!
//! Provisioning comes first so that a failure there leaves no Core behind (spec §9.3).

use flow_model::FlowGraph;

use crate::{Client, Core, Error, NewQueue};

/// What to deploy.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// The compiled YAML manifest.
    pub manifest_yaml: String,
    /// The ScaiQueue scope slug to provision, with its queues; `None` skips provisioning.
    pub scope: Option<String>,
    pub queues: Vec<NewQueue>,
    /// The Core an earlier deploy of the same flow created; updated in place when it still
    /// exists, so a redeploy keeps its id and published slug.
    pub existing_core: Option<String>,
    pub publish: bool,
    pub group_ids: Vec<String>,
}

impl Plan {
    /// The plan for `flow` compiled to `manifest_yaml`: its ScaiQueue topology (when it names a
    /// scope) and whether to publish, the overrides winning over the flow's config.
    pub fn for_flow(
        flow: &FlowGraph,
        manifest_yaml: String,
        publish_as_model: Option<bool>,
        group_ids: Option<Vec<String>>,
    ) -> Plan {
        let config = flow.config.clone().unwrap_or_default();
        let topology =
            config.scaiqueue.filter(|t| t.scope.as_deref().is_some_and(|s| !s.trim().is_empty()));
        let (scope, queues) = match topology {
            Some(topology) => {
                let queues = topology
                    .queues
                    .iter()
                    .map(|q| {
                        let mode = serde_json::to_value(q.consumer_mode).unwrap_or_default();
                        let (ordering, consumers) = NewQueue::delivery(mode.as_str().unwrap_or(""));
                        NewQueue {
                            slug: q.slug.clone(),
                            display_name: q.display_name.clone(),
                            description: q.description.clone(),
                            ordering: Some(ordering.to_owned()),
                            consumer_mode: Some(consumers.to_owned()),
                            max_retries: Some(q.max_retries),
                        }
                    })
                    .collect();
                (topology.scope, queues)
            }
            None => (None, Vec::new()),
        };
        Plan {
            manifest_yaml,
            scope,
            queues,
            existing_core: None,
            publish: publish_as_model.unwrap_or(config.publish_as_model),
            group_ids: group_ids.unwrap_or(config.model_visibility_group_ids),
        }
    }
}

/// The step a deploy is in (or failed in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Provisioning,
    Creating,
    Publishing,
}

impl Stage {
    /// The stage's name on the wire (`provisioning`, ...).
    pub fn as_str(self) -> &'static str {
        wire::DeployStage::from(self).as_str()
    }
}

impl From<Stage> for wire::DeployStage {
    fn from(stage: Stage) -> wire::DeployStage {
        match stage {
            Stage::Provisioning => wire::DeployStage::Provisioning,
            Stage::Creating => wire::DeployStage::Creating,
            Stage::Publishing => wire::DeployStage::Publishing,
        }
    }
}

/// A deploy that went through.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub core: Core,
    /// `false` when an existing Core was updated.
    pub created: bool,
    /// Set when the Core was published (or its publication synced) by this deploy.
    pub published_slug: Option<String>,
}

/// Where and why a deploy stopped.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{} failed: {error}", stage.as_str())]
pub struct Failure {
    pub stage: Stage,
    pub error: Error,
    /// The scope being provisioned when provisioning failed.
    pub scope: Option<String>,
    /// The queue being provisioned, if it was a queue.
    pub queue: Option<String>,
    /// The Core, when it exists (publishing failed after it was created or updated).
    pub core_id: Option<String>,
}

impl Client {
    /// Runs `plan`; `progress` hears each stage as it begins.
    pub async fn deploy(
        &self,
        plan: &Plan,
        mut progress: impl FnMut(Stage) + Send,
    ) -> Result<Outcome, Failure> {
        let failure =
            |stage, error| Failure { stage, error, scope: None, queue: None, core_id: None };
        if let Some(scope) = &plan.scope {
            progress(Stage::Provisioning);
            let provision_failure = |error, queue: Option<&str>| Failure {
                scope: Some(scope.clone()),
                queue: queue.map(str::to_owned),
                ..failure(Stage::Provisioning, error)
            };
            let found = self.ensure_scope(scope, scope).await;
            let found = found.map_err(|e| provision_failure(e, None))?;
            for queue in &plan.queues {
                self.ensure_queue(&found.id, queue)
                    .await
                    .map_err(|e| provision_failure(e, Some(&queue.slug)))?;
            }
        }
        progress(Stage::Creating);
        let existing = match &plan.existing_core {
            Some(id) => self.core(id).await.map_err(|e| failure(Stage::Creating, e))?,
            None => None,
        };
        let (core, created) = match existing {
            Some(core) => (self.update_core(&core.id, &plan.manifest_yaml).await, false),
            None => (self.create_core(&plan.manifest_yaml).await, true),
        };
        let core = core.map_err(|e| failure(Stage::Creating, e))?;
        if !plan.publish {
            return Ok(Outcome { core, created, published_slug: None });
        }
        progress(Stage::Publishing);
        let published = self.publish_or_sync(&core.id, &plan.group_ids).await.map_err(|error| {
            Failure { core_id: Some(core.id.clone()), ..failure(Stage::Publishing, error) }
        })?;
        let published_slug = published.published_slug().map(str::to_owned);
        Ok(Outcome { core: published, created, published_slug })
    }
}
