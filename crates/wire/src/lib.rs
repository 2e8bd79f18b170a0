//! The wire contract: every request and response body of `/api/v1` that the editor, the CLI or
//! the server reads or writes, the access levels and deploy stages they name, and ScaiCore's
//! runtime events and checkpoints as ScaiGrid reports them.
//!
//! Written once, used everywhere: the server serialises these types (and derives its OpenAPI
//! document from them with the `openapi` feature), the editor and the CLI deserialise them,
//! the ScaiGrid client and the stand-in speak the runtime types. A field renamed here is
//! renamed for every side at once.
//!
//! Pure (serde only, no IO) and built for wasm32. Shapes follow `docs/api.md`; absent optional
//! values are `null`, as the server has always written them.

pub mod access;
pub mod account;
pub mod admin;
pub mod deploy;
pub mod error;
pub mod flows;
pub mod lookups;
pub mod path;
pub mod runtime;
pub mod sharing;

pub use access::{Access, AdminRole};
pub use deploy::{DeployAction, DeployStage, DeployStatus};
pub use error::{ErrorBody, ErrorDetail};

/// Derives `utoipa::ToSchema` when the `openapi` feature is on.
macro_rules! schema {
    ($($item:item)*) => {
        $(
            #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
            $item
        )*
    };
}
pub(crate) use schema;
