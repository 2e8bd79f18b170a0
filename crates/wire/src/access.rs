//! Who may do what: a flow's access levels and ScaiFlow's administrator roles.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

crate::schema! {
    /// What a principal may do with one flow; each level includes the ones below it
    /// (`view` < `edit` < `deploy` < `admin`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Access {
        View,
        Edit,
        Deploy,
        Admin,
    }

    /// ScaiFlow-local administrator roles.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum AdminRole {
        TenantAdmin,
        SuperAdmin,
    }
}

impl Access {
    /// Every level, lowest first.
    pub const ALL: [Access; 4] = [Access::View, Access::Edit, Access::Deploy, Access::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Access::View => "view",
            Access::Edit => "edit",
            Access::Deploy => "deploy",
            Access::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Access> {
        Access::ALL.into_iter().find(|a| a.as_str() == text)
    }

    /// Changing the flow: saving, renaming, importing.
    pub fn may_edit(self) -> bool {
        self >= Access::Edit
    }

    /// Deploying it and running it.
    pub fn may_deploy(self) -> bool {
        self >= Access::Deploy
    }

    /// Sharing it, deleting it.
    pub fn may_administer(self) -> bool {
        self == Access::Admin
    }
}

impl fmt::Display for Access {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Access {
    type Err = String;

    fn from_str(text: &str) -> Result<Access, String> {
        Access::parse(text).ok_or_else(|| {
            format!("unknown access level '{text}': use view, edit, deploy or admin")
        })
    }
}

impl AdminRole {
    pub fn as_str(self) -> &'static str {
        match self {
            AdminRole::TenantAdmin => "tenant_admin",
            AdminRole::SuperAdmin => "super_admin",
        }
    }

    pub fn parse(text: &str) -> Option<AdminRole> {
        [AdminRole::TenantAdmin, AdminRole::SuperAdmin].into_iter().find(|r| r.as_str() == text)
    }
}

impl fmt::Display for AdminRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
