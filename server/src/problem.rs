//! What a service refuses or fails with, in the domain's own terms: the thing that is missing,
//! the access a caller lacks, the version a save raced with, the value that does not fit, the
//! upstream that failed. Services (`flows`, `grid`, `webhooks`) return a [`Problem`]; the HTTP
//! layer (`api::error`) decides the status each one answers with. Nothing here knows HTTP.
//!
//! Each problem has the documented machine code (`not_found`, `compile_error`, ...), the message
//! a caller may read (an internal failure's cause is logged, never told) and, where there is
//! one, what to do about it; a failed deployment's record keeps the same code and message.

use serde_json::{Map, Value};

use crate::caller::Access;

/// Everything a service can answer besides success.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Problem {
    /// The flow (or version, or grant) does not exist for this caller, including flows of other
    /// tenants and flows the caller may not see.
    #[error("{what} not found")]
    NotFound { what: String },
    /// The caller may see the flow but not do this.
    #[error("this needs '{}' access to the flow", needed.as_str())]
    Forbidden { needed: Access },
    /// Only a tenant admin or a super admin may do this.
    #[error("only a tenant admin or a super admin may {what}")]
    AdminOnly { what: &'static str },
    /// A save named an older version than the flow's, or another save won the race.
    #[error("the flow is at version {current}, not {expected}")]
    VersionConflict { current: String, expected: String },
    /// A value the operation cannot take, located by JSON pointer (and by line and column in
    /// the text it came from, when it came from a text).
    #[error("{message}")]
    Invalid { message: String, pointer: Option<String>, line: Option<usize>, column: Option<usize> },
    /// A request that is well-formed but names something that cannot be (an unknown ACL
    /// level), with its JSON pointer.
    #[error("{message}")]
    BadRequest { message: String, pointer: String },
    /// The request conflicts with what exists (a principal that already has a grant).
    #[error("{message}")]
    Conflict { message: String, fix: &'static str },
    /// The flow cannot be done as it stands (a deploy of a flow that does not compile), with
    /// what to do and the details (`diagnostics`).
    #[error("{message}")]
    Unfit { code: &'static str, message: String, fix: Option<&'static str>, extra: Details },
    /// This server is not set up for it (a webhook without its secret): it fails closed.
    #[error("{message}")]
    NotConfigured { code: &'static str, message: String },
    /// Something must be set up first (ScaiGrid credentials), with what to do.
    #[error("{message}")]
    Precondition { code: &'static str, message: String, fix: &'static str },
    /// A service we depend on failed (ScaiGrid, ScaiQueue, the secret store, ScaiKey), with
    /// what it said.
    #[error("{message}")]
    Upstream { code: &'static str, message: String, fix: Option<&'static str>, extra: Details },
    /// ScaiGrid refused a request made on the caller's behalf as the caller's own mistake
    /// (`upstream_status` 400, 409 or 422), which the caller hears as such.
    #[error("{message}")]
    Refused { upstream_status: u16, code: &'static str, message: String, extra: Details },
    /// A failure of ours; logged with its cause, told without it (see [`Problem::Failed`] for
    /// one whose message names what failed).
    #[error("internal error: {0}")]
    Internal(String),
    /// A failure of ours that the caller hears about in `message` (what could not be done, never
    /// why), logged where it happens.
    #[error("{message}")]
    Failed { message: &'static str },
}

/// The extra fields of a problem's `detail` (boxed: most problems have none).
pub type Details = Box<Map<String, Value>>;

impl Problem {
    pub fn not_found(what: impl Into<String>) -> Self {
        Problem::NotFound { what: what.into() }
    }

    pub fn invalid(message: impl Into<String>, pointer: impl Into<String>) -> Self {
        Problem::Invalid {
            message: message.into(),
            pointer: Some(pointer.into()),
            line: None,
            column: None,
        }
    }

    pub fn internal(error: impl std::fmt::Display) -> Self {
        Problem::Internal(error.to_string())
    }

    /// A failed upstream call without a fix or details.
    pub fn upstream(code: &'static str, message: impl Into<String>) -> Self {
        Problem::Upstream { code, message: message.into(), fix: None, extra: Details::default() }
    }

    /// The documented machine code (`detail.error`).
    pub fn code(&self) -> &'static str {
        match self {
            Problem::NotFound { .. } => "not_found",
            Problem::Forbidden { .. } | Problem::AdminOnly { .. } => "forbidden",
            Problem::VersionConflict { .. } => "version_conflict",
            Problem::Invalid { .. } => "invalid_request",
            Problem::BadRequest { .. } => "bad_request",
            Problem::Conflict { .. } => "conflict",
            Problem::Unfit { code, .. }
            | Problem::NotConfigured { code, .. }
            | Problem::Precondition { code, .. }
            | Problem::Upstream { code, .. }
            | Problem::Refused { code, .. } => code,
            Problem::Internal(_) | Problem::Failed { .. } => "internal_error",
        }
    }

    /// What the caller is told (`detail.message`): an internal failure's cause stays in the log.
    pub fn public_message(&self) -> String {
        match self {
            Problem::Internal(_) => {
                "the server failed to handle this request; the error is logged".to_owned()
            }
            other => other.to_string(),
        }
    }

    /// What to do about it (`detail.fix`), where there is something to do.
    pub fn fix(&self) -> Option<&'static str> {
        match self {
            Problem::Forbidden { .. } => Some("Ask the flow's owner or an admin for access."),
            Problem::AdminOnly { .. } => Some("Ask an admin of your tenant."),
            Problem::VersionConflict { .. } => {
                Some("Reload the flow, reapply your change to the current version and save again.")
            }
            Problem::Conflict { fix, .. } | Problem::Precondition { fix, .. } => Some(fix),
            Problem::Unfit { fix, .. } | Problem::Upstream { fix, .. } => *fix,
            _ => None,
        }
    }

    /// The problem's own fields of `detail`, besides `error`, `message` and `fix`.
    pub fn details(&self) -> Map<String, Value> {
        let mut detail = Map::new();
        match self {
            Problem::VersionConflict { current, .. } => {
                detail.insert("current_version".into(), current.clone().into());
            }
            Problem::Invalid { pointer, line, column, .. } => {
                if let Some(pointer) = pointer {
                    detail.insert("pointer".into(), pointer.clone().into());
                }
                if let (Some(line), Some(column)) = (line, column) {
                    detail.insert("line".into(), (*line).into());
                    detail.insert("column".into(), (*column).into());
                }
            }
            Problem::BadRequest { pointer, .. } => {
                detail.insert("pointer".into(), pointer.clone().into());
            }
            Problem::Unfit { extra, .. }
            | Problem::Upstream { extra, .. }
            | Problem::Refused { extra, .. } => {
                detail.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            _ => {}
        }
        detail
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_problems_do_not_tell_their_cause() {
        let problem = Problem::internal("disk on fire at /var/secret");
        assert!(!problem.public_message().contains("secret"));
        assert_eq!(problem.code(), "internal_error");
    }

    #[test]
    fn a_problem_keeps_its_own_code_and_details() {
        let extra = Map::from_iter([("diagnostics".to_owned(), Value::Array(Vec::new()))]);
        let problem = Problem::Unfit {
            code: "compile_error",
            message: "2 errors".into(),
            fix: Some("Fix them."),
            extra: Box::new(extra),
        };
        assert_eq!((problem.code(), problem.fix()), ("compile_error", Some("Fix them.")));
        assert_eq!(problem.details()["diagnostics"], Value::Array(Vec::new()));
    }
}
