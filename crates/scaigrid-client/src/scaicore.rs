//! The ScaiCore module (`/v1/modules/scaicore`): Cores, their publication as chat models,
//! invocations, runtime events and checkpoints.
//!
//! A Core is created from ScaiFlow's YAML manifest, sent as the request body with
//! `Content-Type: application/yaml` (ScaiCore's loader reads the manifest; ScaiGrid's JSON body
//! with an IR `source` is the other form, which ScaiFlow does not use). Events, checkpoints and
//! invocation answers are passed on as ScaiGrid wrote them (`Value`), so fields a newer runtime
//! adds reach the canvas unchanged.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use wire::runtime::EventPage;

use crate::{Body, Client, Error, data, segment};

const CORES: &str = "/v1/modules/scaicore/cores";

/// A Core as ScaiGrid describes it (the fields ScaiFlow reads; the rest is kept in `extra`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Core {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub runtime_mode: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub metadata: Value,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, Value>,
}

impl Core {
    /// The chat-model slug the Core is published as (`scaicore/{tenant}/{slug}`), if it is.
    pub fn published_slug(&self) -> Option<&str> {
        let published = self.metadata.get("published").and_then(Value::as_bool).unwrap_or(true);
        self.metadata.get("published_slug").and_then(Value::as_str).filter(|_| published)
    }
}

/// What an invocation answered: `status` is `completed`, `failed` or `suspended` (waiting at a
/// checkpoint); the rest passes through.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Invocation {
    #[serde(default)]
    pub execution_id: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, Value>,
}

impl Client {
    /// `POST /v1/modules/scaicore/cores` with the YAML manifest (201 with the Core).
    pub async fn create_core(&self, manifest_yaml: &str) -> Result<Core, Error> {
        let text = self.send(Method::POST, CORES, &[], Some(Body::Yaml(manifest_yaml))).await?;
        data(&text)
    }

    /// `PUT /v1/modules/scaicore/cores/{core_id}`: the Core runs `manifest_yaml` from now on
    /// (same id and slug).
    pub async fn update_core(&self, core_id: &str, manifest_yaml: &str) -> Result<Core, Error> {
        let path = format!("{CORES}/{}", segment(core_id));
        let text = self.send(Method::PUT, &path, &[], Some(Body::Yaml(manifest_yaml))).await?;
        data(&text)
    }

    /// `GET /v1/modules/scaicore/cores/{core_id}`; `Ok(None)` when ScaiGrid answers 404.
    pub async fn core(&self, core_id: &str) -> Result<Option<Core>, Error> {
        let path = format!("{CORES}/{}", segment(core_id));
        match self.call(Method::GET, &path, &[], None).await {
            Err(error) if error.status() == Some(404) => Ok(None),
            found => found.map(Some),
        }
    }

    /// `POST /v1/modules/scaicore/cores/{core_id}/publish` with `group_ids`.
    pub async fn publish(&self, core_id: &str, group_ids: &[String]) -> Result<Core, Error> {
        let path = format!("{CORES}/{}/publish", segment(core_id));
        self.call(Method::POST, &path, &[], Some(&json!({"group_ids": group_ids}))).await
    }

    /// `POST /v1/modules/scaicore/cores/{core_id}/sync`: updates an existing publication.
    pub async fn sync_publication(
        &self,
        core_id: &str,
        group_ids: &[String],
    ) -> Result<Core, Error> {
        let path = format!("{CORES}/{}/sync", segment(core_id));
        self.call(Method::POST, &path, &[], Some(&json!({"group_ids": group_ids}))).await
    }

    /// Publishes the Core, or, when ScaiGrid says it already is ("Core is already published as
    /// a model", a `VALIDATION_ERROR`), syncs the existing publication: a redeploy with
    /// publishing on is idempotent.
    pub async fn publish_or_sync(
        &self,
        core_id: &str,
        group_ids: &[String],
    ) -> Result<Core, Error> {
        match self.publish(core_id, group_ids).await {
            Err(error) if already_published(&error) => {
                tracing::info!(core_id, "Core already published; syncing the publication");
                self.sync_publication(core_id, group_ids).await
            }
            published => published,
        }
    }

    /// `POST /v1/modules/scaicore/cores/{core_id}/invoke` with `{"input": …}`.
    pub async fn invoke(&self, core_id: &str, body: &Value) -> Result<Value, Error> {
        let path = format!("{CORES}/{}/invoke", segment(core_id));
        self.call(Method::POST, &path, &[], Some(body)).await
    }

    /// `GET /v1/modules/scaicore/events`: one page of runtime events, oldest first.
    pub async fn events(
        &self,
        core_id: Option<&str>,
        limit: u32,
        cursor: Option<&str>,
    ) -> Result<EventPage, Error> {
        let mut query = vec![("limit", limit.to_string())];
        if let Some(core_id) = core_id {
            query.push(("core_id", core_id.to_owned()));
        }
        if let Some(cursor) = cursor {
            query.push(("cursor", cursor.to_owned()));
        }
        let page = self.call(Method::GET, "/v1/modules/scaicore/events", &query, None).await?;
        serde_json::from_value(page)
            .map_err(|e| Error::Decode(format!("GET /v1/modules/scaicore/events: {e}")))
    }

    /// `GET /v1/modules/scaicore/checkpoints`, as ScaiGrid wrote the page.
    pub async fn checkpoints(
        &self,
        core_id: Option<&str>,
        status: &str,
        limit: u32,
    ) -> Result<Value, Error> {
        let mut query = vec![("status", status.to_owned()), ("limit", limit.to_string())];
        if let Some(core_id) = core_id {
            query.push(("core_id", core_id.to_owned()));
        }
        let page = self.call_body(Method::GET, "/v1/modules/scaicore/checkpoints", &query, None);
        page.await
    }

    /// `POST /v1/modules/scaicore/checkpoints/{checkpoint_id}/resolve` with `body`
    /// (`{"resolution": …, "comment"?}`); the checkpoint and the resumed execution.
    pub async fn resolve_checkpoint(
        &self,
        checkpoint_id: &str,
        body: &Value,
    ) -> Result<Value, Error> {
        let path = format!("/v1/modules/scaicore/checkpoints/{}/resolve", segment(checkpoint_id));
        self.call(Method::POST, &path, &[], Some(body)).await
    }
}

/// ScaiGrid's refusal to publish a Core twice (documented as a 400 `VALIDATION_ERROR`; a 422
/// of the same code is taken the same way).
fn already_published(error: &Error) -> bool {
    match error {
        Error::Api(failure) => {
            matches!(failure.status, 400 | 409 | 422)
                && failure.message.to_ascii_lowercase().contains("already published")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ApiFailure;

    #[test]
    fn a_second_publish_is_recognised() {
        let failure = |status, message: &str| {
            Error::Api(Box::new(ApiFailure {
                status,
                code: "VALIDATION_ERROR".into(),
                message: message.into(),
                details: None,
                request_id: None,
                endpoint: "POST /v1/modules/scaicore/cores/c/publish".into(),
            }))
        };
        assert!(already_published(&failure(400, "Core is already published as a model")));
        assert!(!already_published(&failure(400, "group_ids must be a list")));
        assert!(!already_published(&failure(500, "already published")));
    }

    #[test]
    fn the_published_slug_needs_the_publication() {
        let core: Core = serde_json::from_value(json!({
            "id": "core_1", "metadata": {"published": true, "published_slug": "scaicore/acme/a"},
            "tenant_id": "t"
        }))
        .unwrap();
        assert_eq!(core.published_slug(), Some("scaicore/acme/a"));
        assert_eq!(core.extra["tenant_id"], "t");
        let unpublished: Core = serde_json::from_value(json!({
            "id": "core_1", "metadata": {"published": false, "published_slug": "scaicore/acme/a"}
        }))
        .unwrap();
        assert_eq!(unpublished.published_slug(), None);
    }
}
