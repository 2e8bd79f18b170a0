//! `/flows`: list, create, read, update, delete, restore, versions, deploy and deployments.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::api::ApiQuery;
use crate::api::error::{ApiError, ApiJson, ErrorBody, OptionalJson};
use crate::caller::Principal;
use crate::flows::acls::{ChangeAcl, FlowAcl, GrantAcl};
use crate::flows::deploy::{DeployRequest, DeployResponse};
use crate::flows::{
    CreateFlow, DeploymentList, FlowPage, ListQuery, StoredFlow, UpdateFlow, VersionList,
};
// The bodies the stored forms write, for the OpenAPI document.
use crate::state::AppState;
use wire::flows::{FlowDetail, VersionDetail};

/// A flow with its version as the `ETag`.
fn detail(status: StatusCode, flow: StoredFlow) -> Response {
    let etag = HeaderValue::from_str(&format!("\"{}\"", flow.summary.version)).ok();
    let location = (status == StatusCode::CREATED)
        .then(|| HeaderValue::from_str(&format!("/api/v1/flows/{}", flow.summary.id)).ok())
        .flatten();
    let body = flow.to_json();
    let mut response = (status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
    if let Some(etag) = etag {
        response.headers_mut().insert(header::ETAG, etag);
    }
    if let Some(location) = location {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// The version `If-Match` names (`"1.0.2"`, `W/"1.0.2"`, or `1.0.2`); `*` and absence mean any.
fn if_match(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get(header::IF_MATCH) else { return Ok(None) };
    let text = value
        .to_str()
        .map_err(|_| ApiError::invalid("If-Match is not readable text", "/headers/If-Match"))?
        .trim();
    if text == "*" {
        return Ok(None);
    }
    let first = text.split(',').next().unwrap_or_default().trim();
    let tag = first.strip_prefix("W/").unwrap_or(first).trim_matches('"');
    if tag.is_empty() {
        return Err(ApiError::invalid("If-Match names no version", "/headers/If-Match"));
    }
    Ok(Some(tag.to_owned()))
}

/// Flows the caller may see, by name.
#[utoipa::path(get, path = "/flows", tag = "flows", params(ListQuery),
    responses((status = 200, body = FlowPage), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<FlowPage>, ApiError> {
    Ok(Json(state.flows.list(&principal, query).await?))
}

/// Creates a flow; the caller becomes its owner.
#[utoipa::path(post, path = "/flows", tag = "flows", request_body = CreateFlow,
    responses((status = 201, body = FlowDetail, description = "Created; ETag is the version"),
              (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(request): ApiJson<CreateFlow>,
) -> Result<Response, ApiError> {
    let flow = state.flows.create(&principal, request).await?;
    Ok(detail(StatusCode::CREATED, flow))
}

/// A flow with its current content.
#[utoipa::path(get, path = "/flows/{id}", tag = "flows", params(("id" = String, Path)),
    responses((status = 200, body = FlowDetail, description = "ETag is the version"), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let flow = state.flows.get(&principal, &id).await?;
    Ok(detail(StatusCode::OK, flow))
}

/// Updates name, description and/or content; new content is saved as a new version.
/// With `If-Match`, only the named version is updated (409 `version_conflict` otherwise).
#[utoipa::path(put, path = "/flows/{id}", tag = "flows", request_body = UpdateFlow,
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, description = "The version the change is based on")),
    responses((status = 200, body = FlowDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody, description = "version_conflict, with current_version"),
              (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<UpdateFlow>,
) -> Result<Response, ApiError> {
    let expected = if_match(&headers)?;
    let flow = state.flows.update(&principal, &id, request, expected.as_deref()).await?;
    Ok(detail(StatusCode::OK, flow))
}

/// Moves a flow to the trash; its versions are kept and it can be restored.
#[utoipa::path(delete, path = "/flows/{id}", tag = "flows", params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.flows.delete(&principal, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Takes a flow out of the trash.
#[utoipa::path(post, path = "/flows/{id}/restore", tag = "flows", params(("id" = String, Path)),
    responses((status = 200, body = FlowDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn restore(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let flow = state.flows.restore(&principal, &id).await?;
    Ok(detail(StatusCode::OK, flow))
}

/// Every saved version, newest first.
#[utoipa::path(get, path = "/flows/{id}/versions", tag = "flows", params(("id" = String, Path)),
    responses((status = 200, body = VersionList), (status = 404, body = ErrorBody)))]
pub async fn versions(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Json<VersionList>, ApiError> {
    Ok(Json(state.flows.versions(&principal, &id).await?))
}

/// One version with its content.
#[utoipa::path(get, path = "/flows/{id}/versions/{version}", tag = "flows",
    params(("id" = String, Path), ("version" = String, Path)),
    responses((status = 200, body = VersionDetail), (status = 404, body = ErrorBody)))]
pub async fn version(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, version)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let found = state.flows.version(&principal, &id, &version).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], found.to_json()).into_response())
}

/// The flow's deployments to ScaiGrid, newest first.
#[utoipa::path(get, path = "/flows/{id}/deployments", tag = "flows", params(("id" = String, Path)),
    responses((status = 200, body = DeploymentList), (status = 404, body = ErrorBody)))]
pub async fn deployments(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Json<DeploymentList>, ApiError> {
    Ok(Json(state.flows.deployments(&principal, &id).await?))
}

/// Deploys a stored version to ScaiGrid: provisions the flow's ScaiQueue scope and queues,
/// creates (or, on a redeploy, updates) the Core and publishes it when asked. Needs `deploy`.
#[utoipa::path(post, path = "/flows/{id}/deploy", tag = "flows", params(("id" = String, Path)),
    request_body = DeployRequest,
    responses((status = 200, body = DeployResponse), (status = 400, body = ErrorBody, description = "compile_error, with the diagnostics"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 412, body = ErrorBody, description = "missing_scaigrid_credentials"),
        (status = 502, body = ErrorBody, description = "scaiqueue_auth, scaiqueue_provision_failed, scaicore_create_failed or scaicore_publish_failed")))]
pub async fn deploy(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    OptionalJson(request): OptionalJson<DeployRequest>,
) -> Result<Json<DeployResponse>, ApiError> {
    Ok(Json(state.flows.deploy(&principal, &id, request).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_accepts_the_usual_spellings() {
        let mut headers = HeaderMap::new();
        assert_eq!(if_match(&headers).unwrap(), None);
        for (value, expected) in [
            ("\"1.0.2\"", Some("1.0.2")),
            ("W/\"1.0.2\"", Some("1.0.2")),
            ("1.0.2", Some("1.0.2")),
            ("*", None),
        ] {
            headers.insert(header::IF_MATCH, HeaderValue::from_static(value));
            assert_eq!(if_match(&headers).unwrap().as_deref(), expected, "{value}");
        }
        headers.insert(header::IF_MATCH, HeaderValue::from_static("\"\""));
        assert!(if_match(&headers).is_err());
    }
}

/// The flow's explicit grants (owner, tenant admins and super admins hold `admin` implicitly
/// and are not listed).
#[utoipa::path(get, path = "/flows/{id}/acls", tag = "flows", params(("id" = String, Path)),
    responses((status = 200, body = Vec<FlowAcl>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn acls(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Json<Vec<FlowAcl>>, ApiError> {
    Ok(Json(state.flows.acls(&principal, &id).await?))
}

/// Grants a user or group of the tenant a level on the flow.
#[utoipa::path(post, path = "/flows/{id}/acls", tag = "flows", params(("id" = String, Path)),
    request_body = GrantAcl,
    responses((status = 201, body = FlowAcl), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn grant(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<GrantAcl>,
) -> Result<(StatusCode, Json<FlowAcl>), ApiError> {
    let acl = state.flows.grant(&principal, &id, request).await?;
    Ok((StatusCode::CREATED, Json(acl)))
}

/// Changes a grant's level.
#[utoipa::path(patch, path = "/flows/{id}/acls/{acl_id}", tag = "flows",
    params(("id" = String, Path), ("acl_id" = String, Path)), request_body = ChangeAcl,
    responses((status = 200, body = FlowAcl), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn change_acl(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, acl_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<ChangeAcl>,
) -> Result<Json<FlowAcl>, ApiError> {
    Ok(Json(state.flows.change_acl(&principal, &id, &acl_id, request).await?))
}

/// Revokes a grant.
#[utoipa::path(delete, path = "/flows/{id}/acls/{acl_id}", tag = "flows",
    params(("id" = String, Path), ("acl_id" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, acl_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    state.flows.revoke(&principal, &id, &acl_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
