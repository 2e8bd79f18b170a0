//! The browser's client of the REST API (`/api/v1`), used by the flows list and the editor.
//!
//! Same-origin requests: in the local auth mode they need no credentials; signed in with ScaiKey
//! each carries the tab's access token, and a 401 refreshes the tokens once and tries again.

use flow_model::FlowGraph;
use gloo_net::http::{Method, RequestBuilder, Response};
use serde::de::DeserializeOwned;
pub use wire::account::{Credentials, Me};
pub use wire::admin::{AdminFlow, AdminUser, SyncStats};
pub use wire::deploy::{Deployed, Deployment};
pub use wire::flows::{FlowDetail, FlowPage, FlowSummary};
pub use wire::lookups::{Model, Queue, Scope};
pub use wire::sharing::{FlowAcl, FoundPrincipal};
pub use wire::{Access, AdminRole, DeployStage, DeployStatus};

use wire::account::CredentialsRequest;
use wire::admin::{AdminFlows, AdminUsers, RoleRequest};
use wire::deploy::{DeployRequest, DeploymentList};
use wire::flows::{CreateFlow, UpdateFlow, VersionDetail};
use wire::lookups::Data;
use wire::path::encode;
use wire::sharing::{ChangeAcl, GrantAcl, PrincipalKind, PrincipalList};

pub use crate::net::ApiError;
use crate::net::{BASE, JsonBody, json_body, no_server, read, unreachable};

/// Sends a request with the tab's access token; on 401 refreshes the tokens once and resends.
async fn send(
    method: Method,
    url: &str,
    body: Option<&JsonBody>,
    headers: &[(&str, &str)],
) -> Result<Response, ApiError> {
    let attempt = |token: Option<String>| {
        let method = method.clone();
        async move {
            let mut builder = RequestBuilder::new(url).method(method);
            for (name, value) in headers {
                builder = builder.header(name, value);
            }
            if let Some(token) = token {
                builder = builder.header("Authorization", &format!("Bearer {token}"));
            }
            let request = match body {
                Some(JsonBody(text)) => {
                    builder.header("Content-Type", "application/json").body(text.as_str())
                }
                None => builder.build(),
            };
            request.map_err(unreachable)?.send().await.map_err(unreachable)
        }
    };
    let sent_with = crate::auth::bearer();
    let response = attempt(sent_with.clone()).await?;
    if response.status() != 401 || sent_with.is_none() {
        return Ok(response);
    }
    // Refreshed meanwhile (by another call): just send again.
    if crate::auth::bearer() != sent_with || crate::auth::refresh().await {
        return attempt(crate::auth::bearer()).await;
    }
    Ok(response)
}

async fn get<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    read(send(Method::GET, url, None, &[]).await?).await
}

/// `GET /flows?search=`: the first page (up to 500) of flows whose name contains `search`.
pub async fn list_flows(search: &str) -> Result<FlowPage, ApiError> {
    get(&format!("{BASE}/flows?limit=500&search={}", encode(search.trim()))).await
}

/// `GET /flows/{id}`.
pub async fn get_flow(id: &str) -> Result<FlowDetail, ApiError> {
    get(&format!("{BASE}/flows/{}", encode(id))).await
}

/// `POST /flows`: saves `flow` as a new flow; the server assigns its id.
pub async fn create_flow(flow: &FlowGraph) -> Result<FlowDetail, ApiError> {
    let body = json_body(&CreateFlow::of(flow.clone()))?;
    read(send(Method::POST, &format!("{BASE}/flows"), Some(&body), &[]).await?).await
}

/// `PUT /flows/{id}` with `If-Match: "<base_version>"`: a new version, or
/// [`ApiError::Conflict`] when the flow moved on.
pub async fn update_flow(
    id: &str,
    base_version: &str,
    flow: &FlowGraph,
) -> Result<FlowDetail, ApiError> {
    let body = json_body(&UpdateFlow::of(flow.clone()))?;
    let url = format!("{BASE}/flows/{}", encode(id));
    let if_match = format!("\"{base_version}\"");
    read(send(Method::PUT, &url, Some(&body), &[("If-Match", &if_match)]).await?).await
}

/// `GET /flows/{id}/versions/{version}`: the document of one saved version.
pub async fn flow_version(id: &str, version: &str) -> Result<FlowGraph, ApiError> {
    let url = format!("{BASE}/flows/{}/versions/{}", encode(id), encode(version));
    get::<VersionDetail>(&url).await.map(|v| v.content)
}

/// `DELETE /flows/{id}`: moves the flow to the trash.
pub async fn delete_flow(id: &str) -> Result<(), ApiError> {
    no_server()?;
    act(Method::DELETE, &format!("{BASE}/flows/{}", encode(id)), None).await
}

/// `POST /flows/{id}/restore`: brings a flow back from the trash.
pub async fn restore_flow(id: &str) -> Result<FlowDetail, ApiError> {
    no_server()?;
    read(send(Method::POST, &format!("{BASE}/flows/{}/restore", encode(id)), None, &[]).await?)
        .await
}

/// Renames a saved flow: its document's name changes too, as a new version (so the editor and
/// the list agree), only if nobody saved it meanwhile.
pub async fn rename_flow(id: &str, name: &str) -> Result<FlowDetail, ApiError> {
    let mut detail = get_flow(id).await?;
    detail.content.name = name.trim().to_owned();
    update_flow(id, &detail.summary.version, &detail.content).await
}

/// Saves a copy of a saved flow as a new flow named `name`; the copy is the caller's.
pub async fn duplicate_flow(id: &str, name: &str) -> Result<FlowDetail, ApiError> {
    let mut detail = get_flow(id).await?;
    detail.content.name = name.trim().to_owned();
    create_flow(&detail.content).await
}

/// `GET /me`: who is signed in, and their tenant.
pub async fn me() -> Result<Me, ApiError> {
    no_server()?;
    get(&format!("{BASE}/me")).await
}

/// `GET /tenants/me/scaigrid_credentials`: what ScaiGrid credential the tenant's calls use.
pub async fn scaigrid_credentials() -> Result<Credentials, ApiError> {
    no_server()?;
    get(&format!("{BASE}/tenants/me/scaigrid_credentials")).await
}

/// `POST /tenants/me/scaigrid_credentials` (tenant and super admins).
pub async fn set_scaigrid_credentials(
    api_key: &str,
    base_url: Option<&str>,
) -> Result<(), ApiError> {
    no_server()?;
    let url = format!("{BASE}/tenants/me/scaigrid_credentials");
    let body =
        CredentialsRequest { api_key: api_key.to_owned(), base_url: base_url.map(str::to_owned) };
    act(Method::POST, &url, Some(&json_body(&body)?)).await
}

/// Why the ScaiGrid lookups cannot be used here.
pub const NOT_CONFIGURED: &str = "ScaiGrid is not configured on this server (SCAIGRID_API_KEY is not set and the tenant has no credentials)";

/// `GET {path}` of a ScaiGrid lookup proxy: the items of its `{"data": [...]}` answer, or why
/// there are none (ScaiGrid not configured, the lookup failed).
async fn lookup<T: DeserializeOwned>(path: &str) -> Result<Vec<T>, ApiError> {
    no_server()?;
    // Not tried in vain (nor logged by the browser as a failed request) when nothing is set up.
    if !scaigrid_credentials().await?.configured {
        return Err(ApiError::Failed {
            status: 412,
            error: "missing_credentials".into(),
            message: NOT_CONFIGURED.into(),
        });
    }
    match get::<Data<T>>(&format!("{BASE}{path}")).await {
        Ok(d) => Ok(d.data),
        Err(ApiError::Failed { status: 412, error, .. }) => {
            Err(ApiError::Failed { status: 412, error, message: NOT_CONFIGURED.into() })
        }
        Err(other) => Err(other),
    }
}

/// `GET /scaigrid/models`: the Model Picker's catalogue.
pub async fn grid_models() -> Result<Vec<Model>, ApiError> {
    lookup("/scaigrid/models").await
}

/// `GET /scaiqueue/scopes`.
pub async fn queue_scopes() -> Result<Vec<Scope>, ApiError> {
    lookup("/scaiqueue/scopes").await
}

/// `GET /scaiqueue/scopes/{id}/queues`: the queues of a scope, as topology entries.
pub async fn scope_queues(scope_id: &str) -> Result<Vec<Queue>, ApiError> {
    lookup(&format!("/scaiqueue/scopes/{}/queues", encode(scope_id))).await
}

/// `GET /tenants/me/principals?search=`: the tenant's users and groups matching `search`.
pub async fn principals(search: &str) -> Result<Vec<FoundPrincipal>, ApiError> {
    no_server()?;
    let url = format!("{BASE}/tenants/me/principals?limit=10&search={}", encode(search.trim()));
    get::<PrincipalList>(&url).await.map(|list| list.items)
}

/// Sends a request whose success has no body to read (204) or one the caller ignores.
async fn act(method: Method, url: &str, body: Option<&JsonBody>) -> Result<(), ApiError> {
    let response = send(method, url, body, &[]).await?;
    if response.status() == 204 {
        return Ok(());
    }
    read::<serde_json::Value>(response).await.map(drop)
}

fn acls_url(flow_id: &str) -> String {
    format!("{BASE}/flows/{}/acls", encode(flow_id))
}

/// `GET /flows/{id}/acls`.
pub async fn grants(flow_id: &str) -> Result<Vec<FlowAcl>, ApiError> {
    no_server()?;
    get(&acls_url(flow_id)).await
}

/// `POST /flows/{id}/acls`.
pub async fn grant(
    flow_id: &str,
    kind: PrincipalKind,
    principal_id: &str,
    level: Access,
) -> Result<(), ApiError> {
    no_server()?;
    let body = json_body(&GrantAcl::new(kind, principal_id, level))?;
    act(Method::POST, &acls_url(flow_id), Some(&body)).await
}

/// `PATCH /flows/{id}/acls/{acl_id}`.
pub async fn change_grant(flow_id: &str, acl_id: &str, level: Access) -> Result<(), ApiError> {
    no_server()?;
    let url = format!("{}/{}", acls_url(flow_id), encode(acl_id));
    let body = json_body(&ChangeAcl { level: level.as_str().to_owned() })?;
    act(Method::PATCH, &url, Some(&body)).await
}

/// `DELETE /flows/{id}/acls/{acl_id}`.
pub async fn revoke_grant(flow_id: &str, acl_id: &str) -> Result<(), ApiError> {
    no_server()?;
    act(Method::DELETE, &format!("{}/{}", acls_url(flow_id), encode(acl_id)), None).await
}

/// Every user (super admins) or the caller's tenant's (`tenant = true`).
pub async fn mirror_users(tenant: bool) -> Result<Vec<AdminUser>, ApiError> {
    no_server()?;
    let path = if tenant { "/admin/tenant/users" } else { "/admin/users" };
    get::<AdminUsers>(&format!("{BASE}{path}")).await.map(|u| u.users)
}

/// `POST` (a role) or `DELETE` (`None`) `/admin/users/{id}/role`.
pub async fn set_admin_role(user_id: &str, role: Option<AdminRole>) -> Result<(), ApiError> {
    no_server()?;
    let url = format!("{BASE}/admin/users/{}/role", encode(user_id));
    match role {
        Some(role) => {
            let body = json_body(&RoleRequest { role: role.as_str().to_owned() })?;
            act(Method::POST, &url, Some(&body)).await
        }
        None => act(Method::DELETE, &url, None).await,
    }
}

/// Every flow of the caller's tenant, whoever owns it, the trash included.
pub async fn tenant_flows() -> Result<Vec<AdminFlow>, ApiError> {
    no_server()?;
    get::<AdminFlows>(&format!("{BASE}/admin/tenant/flows")).await.map(|f| f.items)
}

/// `POST /admin/sync`: what the sync did.
pub async fn sync_now() -> Result<SyncStats, ApiError> {
    no_server()?;
    read(send(Method::POST, &format!("{BASE}/admin/sync"), None, &[]).await?).await
}

/// `GET /flows/{id}/deployments`, newest first.
pub async fn deployments(flow_id: &str) -> Result<Vec<Deployment>, ApiError> {
    no_server()?;
    let url = format!("{BASE}/flows/{}/deployments", encode(flow_id));
    get::<DeploymentList>(&url).await.map(|list| list.items)
}

/// `POST /flows/{id}/deploy`: deploys the saved version `version`.
pub async fn deploy(
    flow_id: &str,
    version: &str,
    publish_as_model: bool,
    group_ids: &[String],
) -> Result<Deployed, ApiError> {
    no_server()?;
    let url = format!("{BASE}/flows/{}/deploy", encode(flow_id));
    let body = json_body(&DeployRequest {
        version: Some(version.to_owned()),
        publish_as_model: Some(publish_as_model),
        model_visibility_group_ids: Some(group_ids.to_vec()),
    })?;
    read(send(Method::POST, &url, Some(&body), &[]).await?).await
}
