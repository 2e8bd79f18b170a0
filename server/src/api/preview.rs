//! `/flows/compile` and `/flows/validate`: stateless, for live preview. Problems with the flow
//! are answers (HTTP 200 with diagnostics), not request errors.

use axum::Json;
use base64::Engine;
use compiler::{Diagnostic, Format, Severity};
use flow_model::FlowGraph;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::api::error::{ApiError, ApiJson, ErrorBody};
use crate::caller::Principal;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompileRequest {
    /// The FlowGraph document.
    #[schema(value_type = Object)]
    pub content: Value,
    /// `yaml` (default), `ir` or `scai`.
    #[serde(default = "default_format")]
    #[schema(value_type = String, example = "yaml")]
    pub format: Format,
}

fn default_format() -> Format {
    Format::Yaml
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CompileResponse {
    #[schema(value_type = String)]
    pub format: Format,
    /// The artifact: text for `yaml` and `scai`, base64 for `ir`; empty when it did not compile.
    pub body: String,
    /// Why it did not compile; empty when it did.
    pub errors: Vec<DiagnosticBody>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ValidateRequest {
    #[schema(value_type = Object)]
    pub content: Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ValidateResponse {
    /// No diagnostic is an error.
    pub valid: bool,
    pub diagnostics: Vec<DiagnosticBody>,
}

/// A diagnostic, as the canvas shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiagnosticBody {
    /// `error` or `warning`.
    pub severity: String,
    pub message: String,
    /// Where in the document (`edges[2]`, `nodes[0].config.llm_role`).
    pub path: String,
    pub node_id: Option<String>,
    pub edge_id: Option<String>,
}

impl From<Diagnostic> for DiagnosticBody {
    fn from(d: Diagnostic) -> Self {
        DiagnosticBody {
            severity: match d.severity {
                Severity::Error => "error".into(),
                Severity::Warning => "warning".into(),
            },
            message: d.message,
            path: d.path,
            node_id: d.node_id,
            edge_id: d.edge_id,
        }
    }
}

/// The document, or the diagnostic saying where it is not a FlowGraph.
fn document(content: Value) -> Result<FlowGraph, DiagnosticBody> {
    serde_path_to_error::deserialize(content).map_err(|e| {
        let path = e.path().to_string();
        DiagnosticBody {
            severity: "error".into(),
            message: format!("not a FlowGraph document: {}", e.inner()),
            path: if path == "." { String::new() } else { path },
            node_id: None,
            edge_id: None,
        }
    })
}

/// Compiles a flow without saving it.
#[utoipa::path(post, path = "/flows/compile", tag = "preview", request_body = CompileRequest,
    responses((status = 200, body = CompileResponse), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn compile(
    _principal: Principal,
    ApiJson(request): ApiJson<CompileRequest>,
) -> Result<Json<CompileResponse>, ApiError> {
    let format = request.format;
    let flow = match document(request.content) {
        Ok(flow) => flow,
        Err(problem) => {
            return Ok(Json(CompileResponse {
                format,
                body: String::new(),
                errors: vec![problem],
            }));
        }
    };
    // Compiling is CPU work; keep it off the threads that serve other requests.
    let result = tokio::task::spawn_blocking(move || compiler::compile_flow(&flow, format))
        .await
        .map_err(ApiError::internal)?;
    let response = match result {
        Ok(output) => {
            let body = match output.text() {
                Some(text) => text.to_owned(),
                None => base64::engine::general_purpose::STANDARD.encode(&output.bytes),
            };
            CompileResponse { format, body, errors: Vec::new() }
        }
        Err(e) => {
            let errors = e
                .diagnostics()
                .iter()
                .filter(|d| d.is_error())
                .cloned()
                .map(DiagnosticBody::from)
                .collect();
            CompileResponse { format, body: String::new(), errors }
        }
    };
    Ok(Json(response))
}

/// Checks a flow (schema and analysis) without compiling or saving it.
#[utoipa::path(post, path = "/flows/validate", tag = "preview", request_body = ValidateRequest,
    responses((status = 200, body = ValidateResponse), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn validate(
    _principal: Principal,
    ApiJson(request): ApiJson<ValidateRequest>,
) -> Result<Json<ValidateResponse>, ApiError> {
    let flow = match document(request.content) {
        Ok(flow) => flow,
        Err(problem) => {
            return Ok(Json(ValidateResponse { valid: false, diagnostics: vec![problem] }));
        }
    };
    let diagnostics = tokio::task::spawn_blocking(move || compiler::analyze(&flow))
        .await
        .map_err(ApiError::internal)?;
    let valid = !diagnostics.iter().any(Diagnostic::is_error);
    Ok(Json(ValidateResponse {
        valid,
        diagnostics: diagnostics.into_iter().map(DiagnosticBody::from).collect(),
    }))
}
