//! The browser's client of the REST API (`/api/v1`), used by the flows list and the editor.
//!
//! Same-origin requests: in the local auth mode they need no credentials; the ScaiKey session
//! (a later issue) will ride on the same calls.

use flow_model::FlowGraph;
use gloo_net::http::{Request, Response};
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

/// Encodes a query parameter value.
fn encode(value: &str) -> String {
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
    let url = format!("{BASE}/flows?limit=500&search={}", encode(search.trim()));
    read(Request::get(&url).send().await.map_err(unreachable)?).await
}

/// `GET /flows/{id}`.
pub async fn get_flow(id: &str) -> Result<FlowDetail, ApiError> {
    read(Request::get(&format!("{BASE}/flows/{}", encode(id))).send().await.map_err(unreachable)?)
        .await
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
    let body = SaveBody::of(flow);
    let request = Request::post(&format!("{BASE}/flows"))
        .json(&body)
        .map_err(|e| ApiError::Unreachable(e.to_string()))?;
    read(request.send().await.map_err(unreachable)?).await
}

/// `PUT /flows/{id}` with `If-Match: "<base_version>"`: a new version, or
/// [`ApiError::Conflict`] when the flow moved on.
pub async fn update_flow(
    id: &str,
    base_version: &str,
    flow: &FlowGraph,
) -> Result<FlowDetail, ApiError> {
    let body = SaveBody::of(flow);
    let request = Request::put(&format!("{BASE}/flows/{}", encode(id)))
        .header("If-Match", &format!("\"{base_version}\""))
        .json(&body)
        .map_err(|e| ApiError::Unreachable(e.to_string()))?;
    read(request.send().await.map_err(unreachable)?).await
}

/// `GET /me`: who is signed in, and their tenant.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Me {
    pub tenant_id: String,
    pub tenant_slug: String,
}

pub async fn me() -> Result<Me, ApiError> {
    no_server()?;
    read(Request::get(&format!("{BASE}/me")).send().await.map_err(unreachable)?).await
}

/// `GET /tenants/me/scaigrid_credentials`: what ScaiGrid credential the tenant's calls use.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Credentials {
    pub configured: bool,
    #[serde(default)]
    pub base_url: Option<String>,
    #[serde(default)]
    pub masked_key: Option<String>,
}

pub async fn scaigrid_credentials() -> Result<Credentials, ApiError> {
    no_server()?;
    let url = format!("{BASE}/tenants/me/scaigrid_credentials");
    read(Request::get(&url).send().await.map_err(unreachable)?).await
}

/// `POST /tenants/me/scaigrid_credentials` (tenant and super admins).
pub async fn set_scaigrid_credentials(
    api_key: &str,
    base_url: Option<&str>,
) -> Result<(), ApiError> {
    no_server()?;
    let url = format!("{BASE}/tenants/me/scaigrid_credentials");
    let body = serde_json::json!({"api_key": api_key, "base_url": base_url});
    let request =
        Request::post(&url).json(&body).map_err(|e| ApiError::Unreachable(e.to_string()))?;
    let response = request.send().await.map_err(unreachable)?;
    if response.status() == 204 {
        return Ok(());
    }
    read::<serde_json::Value>(response).await.map(drop)
}

/// Why the ScaiGrid lookups cannot be used here.
pub const NOT_CONFIGURED: &str = "ScaiGrid is not configured on this server (SCAIGRID_API_KEY is not set and the tenant has no credentials)";

/// `GET /tenants/me/scaigrid_credentials`: fails with [`NOT_CONFIGURED`] when this server
/// cannot call ScaiGrid for the tenant, so lookups are not tried in vain.
pub async fn require_scaigrid() -> Result<(), ApiError> {
    no_server()?;
    let url = format!("{BASE}/tenants/me/scaigrid_credentials");
    let credentials: Credentials =
        read(Request::get(&url).send().await.map_err(unreachable)?).await?;
    if credentials.configured {
        Ok(())
    } else {
        Err(ApiError::Failed {
            status: 412,
            error: "missing_credentials".into(),
            message: NOT_CONFIGURED.into(),
        })
    }
}

/// The `{"data": [...]}` envelope of the ScaiGrid lookups.
#[derive(Debug, Clone, Deserialize)]
struct Data<T> {
    data: Vec<T>,
}

/// `GET {path}` of a ScaiGrid lookup proxy: the items of its `{"data": [...]}` answer, or why
/// there are none (ScaiGrid not configured, the lookup failed).
async fn lookup<T: for<'de> Deserialize<'de>>(path: &str) -> Result<Vec<T>, ApiError> {
    require_scaigrid().await?;
    let url = format!("{BASE}{path}");
    read::<Data<T>>(Request::get(&url).send().await.map_err(unreachable)?).await.map(|d| d.data)
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
