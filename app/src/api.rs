//! The browser's client of the REST API (`/api/v1`), used by the flows list and the editor.
//!
//! Same-origin requests: in the local auth mode they need no credentials; signed in with ScaiKey
//! each carries the tab's access token, and a 401 refreshes the tokens once and tries again.

use flow_model::FlowGraph;
use gloo_net::http::{Method, Request, RequestBuilder, Response};
use serde::{Deserialize, Serialize};

/// Where the API lives, relative to the page.
const BASE: &str = "/api/v1";

/// The server-less playground build has no API to ask.
const NO_SERVER: bool = cfg!(feature = "csr");

fn no_server() -> Result<(), ApiError> {
    if NO_SERVER {
        return Err(ApiError::Unreachable("this playground runs without a server".into()));
    }
    Ok(())
}

/// A flow in the list.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FlowSummary {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub version: String,
    pub updated_at: String,
    #[serde(default)]
    pub access: String,
}

/// A page of the list.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FlowPage {
    pub items: Vec<FlowSummary>,
    pub total: u64,
}

/// A flow with its current document.
#[derive(Debug, Clone, Deserialize)]
pub struct FlowDetail {
    pub id: String,
    pub version: String,
    pub content: FlowGraph,
    /// What the caller may do with it: `view`, `edit`, `deploy` or `admin`.
    #[serde(default)]
    pub access: String,
}

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// No answer at all (no server: the playground, or the network).
    #[error("The server could not be reached: {0}")]
    Unreachable(String),
    /// `If-Match` named an older version.
    #[error("This flow was saved elsewhere meanwhile (it is now at version {current}).")]
    Conflict { current: String },
    /// Any other documented error: the body's `message` (and `fix` when given).
    #[error("{message}")]
    Failed { status: u16, error: String, message: String },
}

#[derive(Deserialize)]
struct ErrorBody {
    detail: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    error: String,
    message: String,
    #[serde(default)]
    fix: Option<String>,
    #[serde(default)]
    current_version: Option<String>,
}

async fn read<T: for<'de> Deserialize<'de>>(response: Response) -> Result<T, ApiError> {
    let status = response.status();
    if (200..300).contains(&status) {
        return response.json::<T>().await.map_err(|e| ApiError::Failed {
            status,
            error: "bad_response".into(),
            message: format!("The server's answer could not be read: {e}"),
        });
    }
    let text = response.text().await.unwrap_or_default();
    Err(match serde_json::from_str::<ErrorBody>(&text) {
        Ok(body) if status == 409 => ApiError::Conflict {
            current: body.detail.current_version.unwrap_or_else(|| "?".into()),
        },
        Ok(body) => {
            let message = match body.detail.fix {
                Some(fix) => format!("{} {fix}", body.detail.message),
                None => body.detail.message,
            };
            ApiError::Failed { status, error: body.detail.error, message }
        }
        Err(_) => ApiError::Failed {
            status,
            error: "http_error".into(),
            message: format!("The server answered {status}."),
        },
    })
}

fn unreachable(e: gloo_net::Error) -> ApiError {
    ApiError::Unreachable(e.to_string())
}

/// Sends a request with the tab's access token; on 401 refreshes the tokens once and resends.
async fn send(
    method: Method,
    url: &str,
    body: Option<&serde_json::Value>,
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
                Some(json) => builder.json(json),
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

async fn get<T: for<'de> Deserialize<'de>>(url: &str) -> Result<T, ApiError> {
    read(send(Method::GET, url, None, &[]).await?).await
}

fn json_body(value: &impl Serialize) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(value).map_err(|e| ApiError::Unreachable(e.to_string()))
}

/// Encodes a query parameter value.
pub(crate) fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b))
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `GET /flows?search=`: the first page (up to 500) of flows whose name contains `search`.
pub async fn list_flows(search: &str) -> Result<FlowPage, ApiError> {
    get(&format!("{BASE}/flows?limit=500&search={}", encode(search.trim()))).await
}

/// `GET /flows/{id}`.
pub async fn get_flow(id: &str) -> Result<FlowDetail, ApiError> {
    get(&format!("{BASE}/flows/{}", encode(id))).await
}

#[derive(Serialize)]
struct SaveBody<'a> {
    name: &'a str,
    /// The flow's own description (`metadata.description`), so the flows list shows it.
    description: &'a str,
    content: &'a FlowGraph,
}

impl<'a> SaveBody<'a> {
    fn of(flow: &'a FlowGraph) -> Self {
        let description =
            flow.metadata.as_ref().and_then(|m| m.description.as_deref()).unwrap_or_default();
        SaveBody { name: &flow.name, description, content: flow }
    }
}

/// `POST /flows`: saves `flow` as a new flow; the server assigns its id.
pub async fn create_flow(flow: &FlowGraph) -> Result<FlowDetail, ApiError> {
    let body = json_body(&SaveBody::of(flow))?;
    read(send(Method::POST, &format!("{BASE}/flows"), Some(&body), &[]).await?).await
}

/// `PUT /flows/{id}` with `If-Match: "<base_version>"`: a new version, or
/// [`ApiError::Conflict`] when the flow moved on.
pub async fn update_flow(
    id: &str,
    base_version: &str,
    flow: &FlowGraph,
) -> Result<FlowDetail, ApiError> {
    let body = json_body(&SaveBody::of(flow))?;
    let url = format!("{BASE}/flows/{}", encode(id));
    let if_match = format!("\"{base_version}\"");
    read(send(Method::PUT, &url, Some(&body), &[("If-Match", &if_match)]).await?).await
}

#[derive(Debug, Clone, Deserialize)]
struct VersionContent {
    content: FlowGraph,
}

/// `GET /flows/{id}/versions/{version}`: the document of one saved version.
pub async fn flow_version(id: &str, version: &str) -> Result<FlowGraph, ApiError> {
    let url = format!("{BASE}/flows/{}/versions/{}", encode(id), encode(version));
    get::<VersionContent>(&url).await.map(|v| v.content)
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
    update_flow(id, &detail.version, &detail.content).await
}

/// Saves a copy of a saved flow as a new flow named `name`; the copy is the caller's.
pub async fn duplicate_flow(id: &str, name: &str) -> Result<FlowDetail, ApiError> {
    let mut detail = get_flow(id).await?;
    detail.content.name = name.trim().to_owned();
    create_flow(&detail.content).await
}

/// `GET /me`: who is signed in, and their tenant.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Me {
    pub sub: String,
    pub tenant_id: String,
    pub tenant_slug: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub admin_role: Option<String>,
    #[serde(default)]
    pub permissions: Vec<String>,
}

pub async fn me() -> Result<Me, ApiError> {
    no_server()?;
    get(&format!("{BASE}/me")).await
}

/// `GET /auth/config`: how this server signs people in.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AuthConfig {
    pub auth_mode: String,
    #[serde(default)]
    pub client_id: Option<String>,
    #[serde(default)]
    pub redirect_uri: Option<String>,
    #[serde(default)]
    pub authorization_endpoint: Option<String>,
    #[serde(default)]
    pub end_session_endpoint: Option<String>,
    #[serde(default)]
    pub scopes: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
}

pub async fn auth_config() -> Result<AuthConfig, ApiError> {
    no_server()?;
    read(Request::get(&format!("{BASE}/auth/config")).send().await.map_err(unreachable)?).await
}

/// The tokens of an exchange or a refresh.
#[derive(Debug, Clone, Deserialize)]
pub struct Tokens {
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    #[serde(default)]
    pub id_token: Option<String>,
    #[serde(default)]
    pub expires_in: Option<u64>,
}

/// `POST /auth/exchange`: the authorization code and PKCE verifier for tokens.
pub async fn exchange(code: &str, verifier: &str, redirect_uri: &str) -> Result<Tokens, ApiError> {
    no_server()?;
    let body =
        serde_json::json!({"code": code, "code_verifier": verifier, "redirect_uri": redirect_uri});
    let request =
        Request::post(&format!("{BASE}/auth/exchange")).json(&body).map_err(unreachable)?;
    read(request.send().await.map_err(unreachable)?).await
}

/// `POST /auth/refresh`.
pub async fn refresh(refresh_token: &str) -> Result<Tokens, ApiError> {
    no_server()?;
    let body = serde_json::json!({"refresh_token": refresh_token});
    let request =
        Request::post(&format!("{BASE}/auth/refresh")).json(&body).map_err(unreachable)?;
    read(request.send().await.map_err(unreachable)?).await
}

/// `GET /tenants/me/scaigrid_credentials`: what ScaiGrid credential the tenant's calls use.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Credentials {
    pub configured: bool,
    /// Calls carry the signed-in user's own ScaiKey token.
    #[serde(default)]
    pub user_token: bool,
    #[serde(default)]
    pub base_url: Option<String>,
    #[serde(default)]
    pub masked_key: Option<String>,
}

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
    let body = serde_json::json!({"api_key": api_key, "base_url": base_url});
    act(Method::POST, &url, Some(&body)).await
}

/// Why the ScaiGrid lookups cannot be used here.
pub const NOT_CONFIGURED: &str = "ScaiGrid is not configured on this server (SCAIGRID_API_KEY is not set and the tenant has no credentials)";

/// The `{"data": [...]}` envelope of the ScaiGrid lookups.
#[derive(Debug, Clone, Deserialize)]
struct Data<T> {
    data: Vec<T>,
}

/// `GET {path}` of a ScaiGrid lookup proxy: the items of its `{"data": [...]}` answer, or why
/// there are none (ScaiGrid not configured, the lookup failed).
async fn lookup<T: for<'de> Deserialize<'de>>(path: &str) -> Result<Vec<T>, ApiError> {
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

/// A model of the tenant's ScaiGrid catalogue.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GridModel {
    pub slug: String,
    #[serde(default)]
    pub display_name: Option<String>,
}

/// `GET /scaigrid/models`: the Model Picker's catalogue.
pub async fn grid_models() -> Result<Vec<GridModel>, ApiError> {
    lookup("/scaigrid/models").await
}

/// A ScaiQueue scope of the tenant.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct QueueScope {
    pub id: String,
    pub slug: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

/// `GET /scaiqueue/scopes`.
pub async fn queue_scopes() -> Result<Vec<QueueScope>, ApiError> {
    lookup("/scaiqueue/scopes").await
}

/// `GET /scaiqueue/scopes/{id}/queues`: the queues of a scope, as topology entries.
pub async fn scope_queues(scope_id: &str) -> Result<Vec<serde_json::Value>, ApiError> {
    lookup(&format!("/scaiqueue/scopes/{}/queues", encode(scope_id))).await
}

/// An explicit grant on a flow (`GET /flows/{id}/acls`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Grant {
    pub id: String,
    pub principal_type: String,
    pub principal_id: String,
    pub level: String,
    pub granted_by: String,
    pub granted_at: String,
    /// The user's or group's name, when the mirror knows it.
    #[serde(default)]
    pub principal_name: Option<String>,
    #[serde(default)]
    pub principal_email: Option<String>,
}

/// A user or group of the tenant (`GET /tenants/me/principals`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Principal {
    /// `user` or `group`.
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct PrincipalList {
    items: Vec<Principal>,
}

/// `GET /tenants/me/principals?search=`: the tenant's users and groups matching `search`.
pub async fn principals(search: &str) -> Result<Vec<Principal>, ApiError> {
    no_server()?;
    let url = format!("{BASE}/tenants/me/principals?limit=10&search={}", encode(search.trim()));
    get::<PrincipalList>(&url).await.map(|list| list.items)
}

/// Sends a request whose success has no body to read (204) or one the caller ignores.
async fn act(method: Method, url: &str, body: Option<&serde_json::Value>) -> Result<(), ApiError> {
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
pub async fn grants(flow_id: &str) -> Result<Vec<Grant>, ApiError> {
    no_server()?;
    get(&acls_url(flow_id)).await
}

/// `POST /flows/{id}/acls`.
pub async fn grant(
    flow_id: &str,
    principal_type: &str,
    principal_id: &str,
    level: &str,
) -> Result<(), ApiError> {
    no_server()?;
    let body = serde_json::json!({"principal_type": principal_type, "principal_id": principal_id, "level": level});
    act(Method::POST, &acls_url(flow_id), Some(&body)).await
}

/// `PATCH /flows/{id}/acls/{acl_id}`.
pub async fn change_grant(flow_id: &str, acl_id: &str, level: &str) -> Result<(), ApiError> {
    no_server()?;
    let url = format!("{}/{}", acls_url(flow_id), encode(acl_id));
    act(Method::PATCH, &url, Some(&serde_json::json!({"level": level}))).await
}

/// `DELETE /flows/{id}/acls/{acl_id}`.
pub async fn revoke_grant(flow_id: &str, acl_id: &str) -> Result<(), ApiError> {
    no_server()?;
    act(Method::DELETE, &format!("{}/{}", acls_url(flow_id), encode(acl_id)), None).await
}

/// A user of the mirror (`GET /admin/users`, `/admin/tenant/users`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MirrorUser {
    pub id: String,
    pub tenant_id: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub admin_role: Option<String>,
    #[serde(default)]
    pub admin_role_source: Option<String>,
    #[serde(default)]
    pub last_synced_at: Option<String>,
}

#[derive(Deserialize)]
struct Users {
    users: Vec<MirrorUser>,
}

/// Every user (super admins) or the caller's tenant's (`tenant = true`).
pub async fn mirror_users(tenant: bool) -> Result<Vec<MirrorUser>, ApiError> {
    no_server()?;
    let path = if tenant { "/admin/tenant/users" } else { "/admin/users" };
    get::<Users>(&format!("{BASE}{path}")).await.map(|u| u.users)
}

/// `POST` (a role) or `DELETE` (`None`) `/admin/users/{id}/role`.
pub async fn set_admin_role(user_id: &str, role: Option<&str>) -> Result<(), ApiError> {
    no_server()?;
    let url = format!("{BASE}/admin/users/{}/role", encode(user_id));
    match role {
        Some(role) => act(Method::POST, &url, Some(&serde_json::json!({"role": role}))).await,
        None => act(Method::DELETE, &url, None).await,
    }
}

/// A flow of the tenant in the admin overview (`GET /admin/tenant/flows`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct TenantFlow {
    pub id: String,
    pub name: String,
    pub owner_id: String,
    pub version: String,
    pub updated_at: String,
    #[serde(default)]
    pub deleted_at: Option<String>,
}

#[derive(Deserialize)]
struct TenantFlows {
    items: Vec<TenantFlow>,
}

/// Every flow of the caller's tenant, whoever owns it, the trash included.
pub async fn tenant_flows() -> Result<Vec<TenantFlow>, ApiError> {
    no_server()?;
    get::<TenantFlows>(&format!("{BASE}/admin/tenant/flows")).await.map(|f| f.items)
}

/// `POST /admin/sync`: the sync's statistics, as the server reports them.
pub async fn sync_now() -> Result<serde_json::Map<String, serde_json::Value>, ApiError> {
    no_server()?;
    read(send(Method::POST, &format!("{BASE}/admin/sync"), None, &[]).await?).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_carry_the_flow_s_description() {
        let flow = FlowGraph::from_json(flow_model::EXAMPLES[0].json).unwrap();
        let body = serde_json::to_value(SaveBody::of(&flow)).unwrap();
        assert_eq!(body["name"], flow.name.as_str());
        let description = flow.metadata.as_ref().and_then(|m| m.description.clone()).unwrap();
        assert_eq!(body["description"], description.as_str());
        let bare = FlowGraph::from_json(r#"{"id": "f", "name": "N", "version": "1.0.0"}"#).unwrap();
        assert_eq!(serde_json::to_value(SaveBody::of(&bare)).unwrap()["description"], "");
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(encode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
        assert_eq!(encode("flow_ab-1.x~"), "flow_ab-1.x~");
    }
}

/// One deployment of a flow to ScaiGrid (`GET /flows/{id}/deployments`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Deployment {
    pub id: String,
    pub version: String,
    /// `running`, `succeeded` or `failed`.
    pub status: String,
    #[serde(default)]
    pub core_id: Option<String>,
    #[serde(default)]
    pub published_slug: Option<String>,
    /// The error code of a failed deployment.
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    pub deployed_by: String,
    pub created_at: String,
    /// The stage a running deployment is in, or the one a failed deployment failed in.
    #[serde(default)]
    pub stage: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct DeploymentList {
    items: Vec<Deployment>,
}

/// `GET /flows/{id}/deployments`, newest first.
pub async fn deployments(flow_id: &str) -> Result<Vec<Deployment>, ApiError> {
    no_server()?;
    let url = format!("{BASE}/flows/{}/deployments", encode(flow_id));
    get::<DeploymentList>(&url).await.map(|list| list.items)
}

/// What `POST /flows/{id}/deploy` answers.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Deployed {
    pub core_id: String,
    #[serde(default)]
    pub published_slug: Option<String>,
    pub deployment_id: String,
    pub version: String,
    /// `created` or `updated`.
    pub action: String,
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
    let body = serde_json::json!({
        "version": version,
        "publish_as_model": publish_as_model,
        "model_visibility_group_ids": group_ids,
    });
    read(send(Method::POST, &url, Some(&body), &[]).await?).await
}
