//! The deprecated `POST /dev/deploy` (spec §12.4): compiles a FlowGraph sent in the body and
//! deploys it to ScaiGrid without saving a flow. Guarded by the shared bearer
//! `SCAIFLOW_API_TOKEN`, not by ScaiKey; off (503) when that is not set. It uses the ScaiGrid
//! credential of the local tenant: the key set in Settings, else `SCAIGRID_API_KEY`. Nothing is
//! recorded: the deployment belongs to no flow. Each call creates a new Core.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use flow_model::FlowGraph;
use scaigrid_client::Client;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::api::error::{ApiError, ApiJson, ErrorBody};
use crate::api::principal::bearer_token;
use crate::caller::Principal;
use crate::flows::deploy::{deploy_failure, plan};
use crate::problem::Problem;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DevDeployRequest {
    /// The FlowGraph document.
    #[schema(value_type = Object)]
    pub content: Value,
    /// Overrides `config.publish_as_model`.
    #[serde(default)]
    pub publish_as_model: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DevDeployResponse {
    pub core_id: String,
    pub published_slug: Option<String>,
}

/// Deprecated: compile and deploy a flow document without saving it (shared-token auth).
#[utoipa::path(post, path = "/dev/deploy", tag = "flows", operation_id = "dev_deploy", request_body = DevDeployRequest,
    responses((status = 200, body = DevDeployResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 412, body = ErrorBody), (status = 422, body = ErrorBody), (status = 502, body = ErrorBody),
        (status = 503, body = ErrorBody, description = "SCAIFLOW_API_TOKEN is not set")))]
pub async fn deploy(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<DevDeployRequest>,
) -> Result<Json<DevDeployResponse>, ApiError> {
    let Some(expected) = &state.config.api_token else {
        return Err(ApiError::Unavailable {
            message: "the legacy deploy is off: SCAIFLOW_API_TOKEN is not set",
            fix: "Deploy a saved flow with POST /api/v1/flows/{id}/deploy, or set SCAIFLOW_API_TOKEN on the server.",
        });
    };
    let given = bearer_token(&headers).unwrap_or_default();
    if !same(given.as_bytes(), expected.0.as_bytes()) {
        return Err(ApiError::Unauthorized {
            message: "the legacy deploy needs Authorization: Bearer <SCAIFLOW_API_TOKEN>".into(),
        });
    }
    let flow: FlowGraph = serde_path_to_error::deserialize(request.content).map_err(|e| {
        ApiError::invalid(format!("not a FlowGraph document: {}", e.inner()), content_pointer(&e))
    })?;
    let plan = plan(flow, request.publish_as_model, None).await?;
    let tenant = Principal::local().tenant_id;
    let credential =
        state.grid.tenant_key(&tenant).await?.ok_or_else(|| Problem::Precondition {
            code: "missing_scaigrid_credentials",
            message: format!("no ScaiGrid credentials for tenant '{tenant}'"),
            fix: "Set SCAIGRID_API_KEY on the server, or the local tenant's key in Settings.",
        })?;
    let grid =
        Client::new(&credential.base_url, &credential.api_key).map_err(ApiError::internal)?;
    let outcome = grid.deploy(&plan, |_| {}).await.map_err(deploy_failure)?;
    tracing::warn!(core_id = %outcome.core.id, "deployed through the deprecated /dev/deploy");
    Ok(Json(DevDeployResponse { core_id: outcome.core.id, published_slug: outcome.published_slug }))
}

fn content_pointer(error: &serde_path_to_error::Error<serde_json::Error>) -> String {
    let inner = crate::api::error::pointer(error.path());
    format!("/content{}", if inner == "/." { "" } else { &inner })
}

/// Compares tokens without stopping at the first difference.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_compare_whole() {
        assert!(super::same(b"secret", b"secret"));
        assert!(!super::same(b"secret", b"secreT"));
        assert!(!super::same(b"secret", b"secret2"));
        assert!(!super::same(b"", b"x"));
    }
}
