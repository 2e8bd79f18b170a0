//! The failures a test can inject into the stand-in's answers.

use axum::http::StatusCode;

use crate::envelope::ApiError;

/// A failure [`crate::SimControl::fail_next`] can inject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// `429 RATE_LIMITED` with `error.retry_after` and a `Retry-After` header, in seconds.
    RateLimited { retry_after_s: u64 },
    /// `503 MODEL_UNAVAILABLE`.
    ModelUnavailable,
    /// `422 VALIDATION_ERROR` with a message starting `verifier error: `, as ScaiGrid answers a
    /// Core whose source its verifier rejects (for `POST /v1/modules/scaicore/cores`).
    VerifierError,
}

impl Fault {
    pub(crate) fn error(self) -> ApiError {
        match self {
            Fault::RateLimited { retry_after_s } => ApiError {
                retry_after: Some(retry_after_s),
                ..ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "RATE_LIMITED",
                    format!("rate limit exceeded (injected); retry after {retry_after_s} s"),
                )
            },
            Fault::ModelUnavailable => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "MODEL_UNAVAILABLE",
                "all backends unhealthy (injected); retry later",
            ),
            Fault::VerifierError => ApiError::invalid(
                "verifier error: E400 non-deterministic operation in a rigid block \
                 (injected by the stand-in)",
                vec![crate::envelope::FieldError {
                    field: "source".to_owned(),
                    message: "E400 non-deterministic operation in a rigid block".to_owned(),
                }],
            ),
        }
    }
}
