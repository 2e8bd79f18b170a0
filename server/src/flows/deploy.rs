//! Deploying a stored flow version to ScaiGrid (spec §12): compile the YAML manifest, pick the
//! caller's ScaiGrid credential, provision ScaiQueue, create (or update) the Core, publish it
//! when asked, and record the deployment with its stages, outcome and error.
//!
//! The manifest is compiled before anything is provisioned, so a flow that does not compile
//! touches nothing on ScaiGrid. Deploys of one flow take turns; a redeploy updates the Core of
//! the flow's newest successful deployment (same id, same published slug) when it still
//! exists, and creates one otherwise.

use flow_model::FlowGraph;
use scaigrid_client::deploy::{Failure, Plan, Stage};
use serde_json::{Map, Value, json};
pub use wire::deploy::{DeployRequest, Deployed as DeployResponse};
use wire::{DeployAction, DeployStage, DeployStatus};

use super::{Flows, content, repo};
use crate::caller::{Access, Principal};
use crate::clock::now_millis;
use crate::grid::Purpose;
use crate::problem::Problem;

/// A deployment left `running` this long is taken to have been interrupted (the server
/// stopped during it): longer than the slowest deploy the client's retries and timeouts allow.
pub const STALE_AFTER_MS: i64 = 15 * 60 * 1000;

impl Flows {
    /// Deploys version `request.version` (default current) of flow `id`; needs `deploy` access.
    /// The deploy runs on its own task, so it finishes (and its record with it) even when the
    /// caller goes away meanwhile.
    pub async fn deploy(
        &self,
        principal: &Principal,
        id: &str,
        request: DeployRequest,
    ) -> Result<DeployResponse, Problem> {
        let flows = self.clone();
        let (principal, id) = (principal.clone(), id.to_owned());
        let task =
            tokio::spawn(async move { flows.deploy_to_the_end(&principal, &id, request).await });
        task.await.map_err(Problem::internal)?
    }

    async fn deploy_to_the_end(
        &self,
        principal: &Principal,
        id: &str,
        request: DeployRequest,
    ) -> Result<DeployResponse, Problem> {
        let (row, _) = self.authorized(principal, id, Access::Deploy).await?;
        let _turn = self.save_locks.lock(&format!("deploy:{}", row.id)).await;
        let version = request.version.clone().unwrap_or_else(|| row.current_version.clone());
        let db = &self.db;
        let stored = repo::version(db, &row.id, &version)
            .await
            .map_err(Problem::internal)?
            .ok_or_else(|| Problem::not_found(format!("version '{version}' of flow '{id}'")))?;
        let bytes = content::read(self.objects.as_ref(), &self.content, &stored.object_key)
            .await
            .map_err(Problem::internal)?;
        let mut record = repo::DeploymentRow {
            id: format!("dep_{}", uuid::Uuid::new_v4().simple()),
            flow_id: row.id.clone(),
            version: version.clone(),
            status: DeployStatus::Running.as_str().into(),
            core_id: None,
            published_slug: None,
            error_code: None,
            error_message: None,
            deployed_by: principal.user_id.clone(),
            created_at: now_millis(),
            stage: Some(DeployStage::Compiling.as_str().into()),
            finished_at: None,
        };
        repo::insert_deployment(db, &record, &row.tenant_id).await.map_err(Problem::internal)?;

        let result = self.run(principal, &row.id, &bytes, &request, &record.id).await;
        record.finished_at = Some(now_millis());
        match &result {
            Ok(outcome) => {
                record.status = DeployStatus::Succeeded.as_str().into();
                record.stage = None;
                record.core_id = Some(outcome.core_id.clone());
                record.published_slug = outcome.published_slug.clone();
            }
            Err((stage, core_id, error)) => {
                record.status = DeployStatus::Failed.as_str().into();
                record.stage = Some(stage.as_str().to_owned());
                record.core_id = core_id.clone();
                record.error_code = Some(error.code().to_owned());
                record.error_message = Some(error.public_message());
            }
        }
        repo::finish_deployment(db, &record).await.map_err(Problem::internal)?;
        let outcome = result.map_err(|(_, _, error)| error)?;
        tracing::info!(flow_id = %row.id, version, core_id = %outcome.core_id, action = outcome.action.as_str(),
            "flow deployed");
        Ok(DeployResponse {
            core_id: outcome.core_id,
            published_slug: outcome.published_slug,
            deployment_id: record.id,
            version,
            action: outcome.action,
        })
    }

    /// The deploy itself; a failure says the stage it happened in and the Core if one exists.
    async fn run(
        &self,
        principal: &Principal,
        flow_id: &str,
        bytes: &[u8],
        request: &DeployRequest,
        deployment_id: &str,
    ) -> Result<Deployed, (DeployStage, Option<String>, Problem)> {
        let flow = FlowGraph::from_json(&String::from_utf8_lossy(bytes)).map_err(|e| {
            (DeployStage::Compiling, None, Problem::internal(format!("stored flow: {e}")))
        })?;
        let mut plan =
            plan(flow, request.publish_as_model, request.model_visibility_group_ids.clone())
                .await
                .map_err(|e| (DeployStage::Compiling, None, e))?;
        let grid = self
            .grid
            .client(principal, Purpose::Deploy)
            .await
            .map_err(|e| (DeployStage::Credentials, None, e))?;
        plan.existing_core = repo::deployed_core(&self.db, flow_id)
            .await
            .map_err(|e| (DeployStage::Creating, None, Problem::internal(e)))?;

        // Stages are written in order by one task while the deploy goes on.
        let (stages, mut heard) = tokio::sync::mpsc::unbounded_channel::<Stage>();
        let db = self.db.clone();
        let id = deployment_id.to_owned();
        let writer = tokio::spawn(async move {
            while let Some(stage) = heard.recv().await {
                if let Err(error) =
                    repo::set_deployment_stage(&db, &id, DeployStage::from(stage).as_str()).await
                {
                    tracing::warn!(error = %error, "deployment stage not recorded");
                }
            }
        });
        let result = grid
            .deploy(&plan, |stage| {
                let _ = stages.send(stage);
            })
            .await;
        drop(stages);
        let _ = writer.await;
        match result {
            Ok(outcome) => Ok(Deployed {
                core_id: outcome.core.id,
                published_slug: outcome.published_slug,
                action: if outcome.created { DeployAction::Created } else { DeployAction::Updated },
            }),
            Err(failure) => {
                let core_id = failure.core_id.clone();
                Err((failure.stage.into(), core_id, deploy_failure(failure)))
            }
        }
    }
}

struct Deployed {
    core_id: String,
    published_slug: Option<String>,
    action: DeployAction,
}

/// The deploy plan of `flow`: its compiled manifest, the ScaiQueue topology to provision and
/// whether to publish (the overrides win over the flow's config). `400 compile_error` with the
/// diagnostics when it does not compile.
pub async fn plan(
    flow: FlowGraph,
    publish_as_model: Option<bool>,
    group_ids: Option<Vec<String>>,
) -> Result<Plan, Problem> {
    // Compiling is CPU work; keep it off the threads that serve other requests.
    let (flow, compiled) = tokio::task::spawn_blocking(move || {
        let compiled = compiler::compile_flow(&flow, compiler::Format::Yaml);
        (flow, compiled)
    })
    .await
    .map_err(Problem::internal)?;
    let output = compiled.map_err(|error| {
        // The diagnostics' own shape, the one the validate endpoint and the canvas use.
        let diagnostics: Vec<Value> = error
            .diagnostics()
            .iter()
            .filter(|d| d.is_error())
            .filter_map(|d| serde_json::to_value(d).ok())
            .collect();
        Problem::Unfit {
            code: "compile_error",
            message: error.to_string(),
            fix: Some("Fix the errors the editor's Diagnostics list (Preview › Diagnostics), save, and deploy again."),
            extra: Box::new(Map::from_iter([(
                "diagnostics".to_owned(),
                Value::Array(diagnostics),
            )])),
        }
    })?;
    let manifest_yaml = output.text().unwrap_or_default().to_owned();
    Ok(Plan::for_flow(&flow, manifest_yaml, publish_as_model, group_ids))
}

/// A failed deploy as the documented errors (spec §12.3).
pub fn deploy_failure(failure: Failure) -> Problem {
    let upstream_status = failure.error.status();
    let upstream_message = match &failure.error {
        scaigrid_client::Error::Api(api) if !api.message.is_empty() => api.message.clone(),
        other => other.to_string(),
    };
    tracing::warn!(stage = DeployStage::from(failure.stage).as_str(), error = %failure.error, "deploy failed");
    let mut extra = Map::new();
    let bad_gateway = |code, message, fix, extra| Problem::Upstream {
        code,
        message,
        fix,
        extra: Box::new(extra),
    };
    match failure.stage {
        Stage::Provisioning => {
            extra.insert("scope".into(), json!(failure.scope));
            extra.insert("queue".into(), json!(failure.queue));
            if matches!(upstream_status, Some(401 | 403)) {
                // A refused list needs the view permission; a refused create, manage.
                let listing = matches!(&failure.error,
                    scaigrid_client::Error::Api(api) if api.endpoint.starts_with("GET "));
                let (message, fix) = match (upstream_status, listing) {
                    (Some(401), _) => (
                        format!("authentication failed: {upstream_message}"),
                        "Check the ScaiGrid credential: sign in again, or set a valid tenant API key.",
                    ),
                    (_, true) => (
                        "permission_denied: need scaiqueue:view".to_owned(),
                        "Caller needs scaiqueue:view to find existing scopes/queues, and scaiqueue:manage to provision missing ones.",
                    ),
                    _ => (
                        "permission_denied: need scaiqueue:manage".to_owned(),
                        "Caller needs scaiqueue:manage to provision missing scopes/queues.",
                    ),
                };
                extra.insert("upstream_message".into(), json!(upstream_message));
                return bad_gateway("scaiqueue_auth", message, Some(fix), extra);
            }
            extra.insert("status".into(), json!(upstream_status));
            bad_gateway("scaiqueue_provision_failed", upstream_message, None, extra)
        }
        Stage::Creating => {
            extra.insert("status".into(), json!(upstream_status));
            extra.insert("upstream_code".into(), json!(failure.error.code()));
            bad_gateway("scaicore_create_failed", upstream_message, None, extra)
        }
        Stage::Publishing => {
            extra.insert("status".into(), json!(upstream_status));
            extra.insert("upstream_code".into(), json!(failure.error.code()));
            extra.insert("core_id".into(), json!(failure.core_id));
            let fix = "The Core was deployed but not published; deploy again to retry publishing.";
            bad_gateway("scaicore_publish_failed", upstream_message, Some(fix), extra)
        }
    }
}
