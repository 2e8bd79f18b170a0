//! Sharing a flow: explicit grants (`/flows/{id}/acls`) and the principals they name
//! (`/tenants/me/principals`).

use serde::{Deserialize, Serialize};

use crate::Access;

crate::schema! {
    /// Whom a grant names.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum PrincipalKind {
        User,
        Group,
    }

    /// One explicit grant.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct FlowAcl {
        pub id: String,
        pub flow_id: String,
        pub principal_type: PrincipalKind,
        pub principal_id: String,
        pub level: Access,
        pub granted_by: String,
        pub granted_at: String,
        /// The user's display name or the group's name, as the mirror knows it (null when
        /// unknown).
        pub principal_name: Option<String>,
        /// The user's e-mail (null for groups).
        pub principal_email: Option<String>,
    }

    /// `POST /flows/{id}/acls`. Text fields, so a wrong value is answered with the documented
    /// 400 naming the field rather than a parse error.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct GrantAcl {
        /// `user` or `group`.
        pub principal_type: String,
        /// A user or group of the tenant, as the local mirror knows it.
        pub principal_id: String,
        /// `view`, `edit`, `deploy` or `admin`.
        pub level: String,
    }

    /// `PATCH /flows/{id}/acls/{acl_id}`.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct ChangeAcl {
        /// `view`, `edit`, `deploy` or `admin`.
        pub level: String,
    }

    /// A user or group of the caller's tenant.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct FoundPrincipal {
        #[serde(rename = "type")]
        pub kind: PrincipalKind,
        pub id: String,
        /// The user's display name, or the group's name; null when the mirror has none yet.
        pub name: Option<String>,
        pub email: Option<String>,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct PrincipalList {
        pub items: Vec<FoundPrincipal>,
    }
}

impl PrincipalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::User => "user",
            PrincipalKind::Group => "group",
        }
    }

    pub fn parse(text: &str) -> Option<PrincipalKind> {
        [PrincipalKind::User, PrincipalKind::Group].into_iter().find(|k| k.as_str() == text)
    }
}

impl GrantAcl {
    pub fn new(kind: PrincipalKind, principal_id: &str, level: Access) -> GrantAcl {
        GrantAcl {
            principal_type: kind.as_str().to_owned(),
            principal_id: principal_id.to_owned(),
            level: level.as_str().to_owned(),
        }
    }
}
