//! Typed client of the ScaiGrid endpoints ScaiFlow calls.
//!
//! Every call sends `Authorization: Bearer <credential>` (a user's ScaiKey access token or an
//! `sgk_…` API key), gives up after [`TIMEOUT`], and reads ScaiGrid's envelopes: `{"data": …}`
//! on success, `{"error": {"code", "message", "details"}}` on failure (a typed [`Error::Api`]).
//! `429` and `503` answers are retried after their `retry_after` (or `Retry-After`), at most
//! [`RETRIES`] times and never waiting longer than [`MAX_WAIT`] at once. Request ids are logged.
//!
//! Covered: ScaiCore Cores (create and update from a YAML manifest, get, publish and the `sync`
//! of an existing publication), invocations, runtime events and checkpoints; the lookups
//! (models, ScaiQueue scopes and queues, ScaiBunker bunkers); creating scopes and queues,
//! including the find-or-create that provisioning before a deploy uses.

pub mod deploy;
mod scaicore;

pub use scaicore::{Core, Invocation};

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use wire::path::encode as segment;

/// Every call gives up after this long.
pub const TIMEOUT: Duration = Duration::from_secs(20);
/// Rate-limited or unavailable answers are retried this many times.
pub const RETRIES: u32 = 3;
/// The longest single wait before a retry, whatever ScaiGrid asks.
pub const MAX_WAIT: Duration = Duration::from_secs(10);
/// List endpoints are followed through this many pages at most.
const MAX_PAGES: usize = 100;

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// ScaiGrid answered with its error envelope (or a bare status).
    #[error("ScaiGrid answered {} {}: {}", .0.status, .0.code, .0.message)]
    Api(Box<ApiFailure>),
    /// ScaiGrid could not be reached, or did not answer in time.
    #[error("ScaiGrid could not be reached: {0}")]
    Transport(String),
    /// ScaiGrid answered something this client cannot read.
    #[error("ScaiGrid's answer could not be read: {0}")]
    Decode(String),
}

/// ScaiGrid's error envelope: `error.code` is what callers branch on.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiFailure {
    pub status: u16,
    pub code: String,
    pub message: String,
    pub details: Option<Value>,
    pub request_id: Option<String>,
    /// The request that failed, `POST /v1/modules/scaiqueue/scopes`.
    pub endpoint: String,
}

impl Error {
    /// The HTTP status of an API error.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(failure) => Some(failure.status),
            _ => None,
        }
    }

    /// ScaiGrid's error code of an API error.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Api(failure) => Some(&failure.code),
            _ => None,
        }
    }
}

pub use wire::lookups::{Model, Queue, Scope};

/// What a new queue is created with, in ScaiQueue's terms (see [`NewQueue::delivery`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct NewQueue {
    pub slug: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `fifo`, `priority` or `deadline`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ordering: Option<String>,
    /// `competing` or `broadcast`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumer_mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_retries: Option<u32>,
}

impl NewQueue {
    /// ScaiQueue's `(ordering, consumer_mode)` for ScaiFlow's consumer mode: `broadcast` is a
    /// FIFO queue every consumer reads; the others are orderings of competing consumers.
    pub fn delivery(flow_mode: &str) -> (&'static str, &'static str) {
        match flow_mode {
            "priority" => ("priority", "competing"),
            "deadline" => ("deadline", "competing"),
            "broadcast" => ("fifo", "broadcast"),
            _ => ("fifo", "competing"),
        }
    }
}

/// ScaiFlow's consumer mode from ScaiQueue's two fields.
fn fold_delivery(mut queue: Queue) -> Queue {
    let broadcast = queue.consumer_mode.as_deref() == Some("broadcast");
    if !broadcast && let Some(ordering) = queue.ordering.clone() {
        queue.consumer_mode = Some(ordering);
    }
    queue
}

/// A client for one ScaiGrid with one credential.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: String,
    credential: String,
}

impl Client {
    /// `base_url` like `https://scaigrid.scailabs.ai` (a trailing `/` is ignored).
    pub fn new(base_url: &str, credential: &str) -> Result<Client, Error> {
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| Error::Transport(e.to_string()))?;
        Ok(Client {
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            credential: credential.to_owned(),
        })
    }

    /// `GET /v1/models`: the catalogue, from ScaiGrid's own envelope (`data` a list or
    /// `data.items`) or an OpenAI-style list (`{"object": "list", "data": [{"id": …}]}`).
    pub async fn models(&self) -> Result<Vec<Model>, Error> {
        let items = self.list("/v1/models").await?;
        items.into_iter().map(model).collect()
    }

    /// `GET /v1/modules/scaiqueue/scopes`.
    pub async fn scopes(&self) -> Result<Vec<Scope>, Error> {
        decode_all(self.list("/v1/modules/scaiqueue/scopes").await?)
    }

    /// `POST /v1/modules/scaiqueue/scopes` (409 `SLUG_CONFLICT` when the slug is taken).
    pub async fn create_scope(&self, slug: &str, display_name: &str) -> Result<Scope, Error> {
        let body = serde_json::json!({"slug": slug, "display_name": display_name});
        self.call(Method::POST, "/v1/modules/scaiqueue/scopes", &[], Some(&body)).await
    }

    /// `GET /v1/modules/scaiqueue/scopes/{scope_id}/queues`.
    pub async fn queues(&self, scope_id: &str) -> Result<Vec<Queue>, Error> {
        let path = format!("/v1/modules/scaiqueue/scopes/{}/queues", segment(scope_id));
        let queues: Vec<Queue> = decode_all(self.list(&path).await?)?;
        Ok(queues.into_iter().map(fold_delivery).collect())
    }

    /// `POST /v1/modules/scaiqueue/scopes/{scope_id}/queues` (409 when the slug is taken).
    pub async fn create_queue(&self, scope_id: &str, queue: &NewQueue) -> Result<Queue, Error> {
        let path = format!("/v1/modules/scaiqueue/scopes/{}/queues", segment(scope_id));
        let body = serde_json::to_value(queue).map_err(|e| Error::Decode(e.to_string()))?;
        let created: Queue = self.call(Method::POST, &path, &[], Some(&body)).await?;
        Ok(fold_delivery(created))
    }

    /// The scope with `slug`, created when missing: list, create, and on a 409 (someone created
    /// it meanwhile) list again.
    pub async fn ensure_scope(&self, slug: &str, display_name: &str) -> Result<Scope, Error> {
        if let Some(found) = self.scopes().await?.into_iter().find(|s| s.slug == slug) {
            return Ok(found);
        }
        match self.create_scope(slug, display_name).await {
            Err(error) if error.status() == Some(409) => {
                let found = self.scopes().await?.into_iter().find(|s| s.slug == slug);
                found.ok_or(error)
            }
            created => created,
        }
    }

    /// The queue `queue.slug` of the scope, created when missing (list, create, re-list on 409).
    pub async fn ensure_queue(&self, scope_id: &str, queue: &NewQueue) -> Result<Queue, Error> {
        let find = |queues: Vec<Queue>| queues.into_iter().find(|q| q.slug == queue.slug);
        if let Some(found) = find(self.queues(scope_id).await?) {
            return Ok(found);
        }
        match self.create_queue(scope_id, queue).await {
            Err(error) if error.status() == Some(409) => {
                find(self.queues(scope_id).await?).ok_or(error)
            }
            created => created,
        }
    }

    /// `GET /v1/modules/scaibunker/bunkers`, as ScaiGrid describes them.
    pub async fn bunkers(&self) -> Result<Vec<Value>, Error> {
        self.list("/v1/modules/scaibunker/bunkers").await
    }

    /// Every item of a list endpoint, following `next_cursor` through the pages.
    async fn list(&self, path: &str) -> Result<Vec<Value>, Error> {
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut query = vec![("limit", "100".to_owned())];
            if let Some(cursor) = &cursor {
                query.push(("cursor", cursor.clone()));
            }
            let page: Value = self.call_body(Method::GET, path, &query, None).await?;
            let (page_items, next) = page_of(page)?;
            items.extend(page_items);
            match next {
                Some(next) if Some(&next) != cursor.as_ref() => cursor = Some(next),
                _ => return Ok(items),
            }
        }
        Ok(items)
    }

    /// One call with its retries; the `data` of the answer.
    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<T, Error> {
        let text = self.send(method, path, query, body.map(Body::Json)).await?;
        data(&text)
    }

    /// One call with its retries; the whole answer.
    async fn call_body(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<Value, Error> {
        let text = self.send(method, path, query, body.map(Body::Json)).await?;
        if text.trim().is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_str(&text).map_err(|e| Error::Decode(e.to_string()))
    }

    /// Sends one request, retrying rate-limited and unavailable answers; the success's body.
    async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<Body<'_>>,
    ) -> Result<String, Error> {
        let url = format!("{}{path}", self.base_url);
        let mut attempt = 0;
        loop {
            let mut request =
                self.http.request(method.clone(), &url).bearer_auth(&self.credential).query(query);
            match body {
                Some(Body::Json(value)) => request = request.json(value),
                Some(Body::Yaml(text)) => {
                    request = request
                        .header(reqwest::header::CONTENT_TYPE, "application/yaml")
                        .body(text.to_owned());
                }
                None => {}
            }
            let response =
                request.send().await.map_err(|e| Error::Transport(transport(&e, &url)))?;
            let status = response.status();
            let request_id = response
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let header_wait = response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok());
            let text = response.text().await.map_err(|e| Error::Transport(e.to_string()))?;
            tracing::debug!(%method, url, status = status.as_u16(), request_id, "ScaiGrid call");
            if status.is_success() {
                return Ok(text);
            }
            let error = api_error(status, &text, request_id, format!("{method} {path}"));
            let retryable =
                matches!(status, StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE);
            if !retryable || attempt >= RETRIES {
                tracing::warn!(%method, url, error = %error, "ScaiGrid call failed");
                return Err(error);
            }
            attempt += 1;
            let asked = retry_after(&text).or(header_wait).unwrap_or(1);
            let wait = Duration::from_secs(asked).min(MAX_WAIT);
            tracing::info!(%method, url, attempt, wait_s = wait.as_secs(), "ScaiGrid asked to retry");
            tokio::time::sleep(wait).await;
        }
    }
}

/// What a request carries.
#[derive(Clone, Copy)]
enum Body<'a> {
    Json(&'a Value),
    /// A ScaiCore YAML manifest, sent as `application/yaml`.
    Yaml(&'a str),
}

fn transport(error: &reqwest::Error, url: &str) -> String {
    if error.is_timeout() {
        return format!("{url} did not answer within {} s", TIMEOUT.as_secs());
    }
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The `data` of a success envelope (or the whole body when it has none, as OpenAI-style
/// lists and plain answers do).
fn data<T: DeserializeOwned>(text: &str) -> Result<T, Error> {
    let body: Value = if text.trim().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(text).map_err(|e| Error::Decode(e.to_string()))?
    };
    let value = match body {
        Value::Object(mut map) if map.contains_key("data") && !is_openai_list(&map) => {
            map.remove("data").unwrap_or(Value::Null)
        }
        other => other,
    };
    serde_json::from_value(value).map_err(|e| Error::Decode(e.to_string()))
}

fn is_openai_list(map: &serde_json::Map<String, Value>) -> bool {
    map.get("object").and_then(Value::as_str) == Some("list")
}

/// The items of one page and the cursor of the next, from a whole answer: `{"data": [...]}`
/// (the cursor beside it), `{"data": {"items": [...], "next_cursor"}}`, an OpenAI-style
/// `{"object": "list", "data": [...]}`, or a bare list.
fn page_of(page: Value) -> Result<(Vec<Value>, Option<String>), Error> {
    let cursor = |map: &serde_json::Map<String, Value>| {
        map.get("next_cursor").and_then(Value::as_str).map(str::to_owned)
    };
    match page {
        Value::Array(items) => Ok((items, None)),
        Value::Null => Ok((Vec::new(), None)),
        Value::Object(mut map) => {
            let outer = cursor(&map);
            match map.remove("data").or_else(|| map.remove("items")) {
                Some(Value::Array(items)) => Ok((items, outer)),
                Some(Value::Object(mut inner)) => {
                    let next = cursor(&inner).or(outer);
                    match inner.remove("items") {
                        Some(Value::Array(items)) => Ok((items, next)),
                        _ => Err(Error::Decode("a list was expected".into())),
                    }
                }
                _ => Err(Error::Decode("a list was expected".into())),
            }
        }
        _ => Err(Error::Decode("a list was expected".into())),
    }
}

fn decode_all<T: DeserializeOwned>(items: Vec<Value>) -> Result<Vec<T>, Error> {
    items
        .into_iter()
        .map(|item| serde_json::from_value(item).map_err(|e| Error::Decode(e.to_string())))
        .collect()
}

/// A model from either envelope (`slug`, or OpenAI's `id`; `name` for the display name).
fn model(mut item: Value) -> Result<Model, Error> {
    if let Value::Object(map) = &mut item {
        if !map.contains_key("slug")
            && let Some(id) = map.get("id").cloned()
        {
            map.insert("slug".into(), id);
        }
        if !map.contains_key("display_name")
            && let Some(name) = map.get("name").cloned()
        {
            map.insert("display_name".into(), name);
        }
    }
    serde_json::from_value(item).map_err(|e| Error::Decode(format!("a model: {e}")))
}

#[derive(Deserialize)]
struct ErrorEnvelope {
    error: ErrorBody,
    #[serde(default)]
    meta: Option<Meta>,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    details: Option<Value>,
    #[serde(default)]
    retry_after: Option<u64>,
}

#[derive(Deserialize)]
struct Meta {
    #[serde(default)]
    request_id: Option<String>,
}

fn api_error(status: StatusCode, text: &str, header_id: Option<String>, endpoint: String) -> Error {
    match serde_json::from_str::<ErrorEnvelope>(text) {
        Ok(envelope) => Error::Api(Box::new(ApiFailure {
            status: status.as_u16(),
            code: envelope.error.code.unwrap_or_else(|| "HTTP_ERROR".into()),
            message: envelope.error.message.unwrap_or_default(),
            details: envelope.error.details,
            request_id: envelope.meta.and_then(|m| m.request_id).or(header_id),
            endpoint,
        })),
        Err(_) => Error::Api(Box::new(ApiFailure {
            status: status.as_u16(),
            code: "HTTP_ERROR".into(),
            message: text.chars().take(200).collect(),
            details: None,
            request_id: header_id,
            endpoint,
        })),
    }
}

fn retry_after(text: &str) -> Option<u64> {
    serde_json::from_str::<ErrorEnvelope>(text).ok()?.error.retry_after
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_come_in_three_shapes() {
        let (items, next) = page_of(json!({"data": [{"slug": "a"}]})).unwrap();
        assert_eq!((items.len(), next), (1, None));
        let nested =
            json!({"data": {"items": [{"slug": "a"}, {"slug": "b"}], "next_cursor": "c2"}});
        let (items, next) = page_of(nested).unwrap();
        assert_eq!((items.len(), next.as_deref()), (2, Some("c2")));
        let beside = json!({"data": [{"slug": "a"}], "has_more": true, "next_cursor": "c3"});
        assert_eq!(page_of(beside).unwrap().1.as_deref(), Some("c3"));
        let openai =
            json!({"object": "list", "data": [{"id": "openai/gpt-4o", "object": "model"}]});
        let (items, _) = page_of(openai).unwrap();
        assert_eq!(model(items[0].clone()).unwrap().slug, "openai/gpt-4o");
        assert!(page_of(json!("nope")).is_err());
    }

    #[test]
    fn errors_keep_scaigrid_s_code_and_request_id() {
        let text = r#"{"status": "error", "error": {"code": "SLUG_CONFLICT", "message": "slug exists"},
                       "meta": {"request_id": "req_1"}}"#;
        let error = api_error(StatusCode::CONFLICT, text, None, "POST /x".into());
        assert_eq!(
            error,
            Error::Api(Box::new(ApiFailure {
                status: 409,
                code: "SLUG_CONFLICT".into(),
                message: "slug exists".into(),
                details: None,
                request_id: Some("req_1".into()),
                endpoint: "POST /x".into(),
            }))
        );
        let bare =
            api_error(StatusCode::BAD_GATEWAY, "<html>bad gateway</html>", None, "GET /x".into());
        assert_eq!(bare.status(), Some(502));
        let limited =
            r#"{"error": {"code": "RATE_LIMITED", "message": "slow down", "retry_after": 2}}"#;
        assert_eq!(retry_after(limited), Some(2));
    }

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(segment("sc_1/../x"), "sc_1%2F..%2Fx");
    }
}
