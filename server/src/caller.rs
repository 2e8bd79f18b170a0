//! Who is calling, and what they may do with a flow: the typed caller every service takes.
//!
//! In `local` and `disabled` auth modes the caller is the one local user (`usr_local` in tenant
//! `tnt_local`, a super admin); ScaiKey sign-in makes it the verified token's identity (the HTTP
//! layer's extractor, `auth`). Access to a flow is a level: `view` < `edit` < `deploy` <
//! `admin`.

/// The local user of `local` and `disabled` auth modes.
pub const LOCAL_USER: &str = "usr_local";
pub const LOCAL_TENANT: &str = "tnt_local";

/// The scope reads need.
pub const VIEW_SCOPE: &str = "scaicore:view";
/// The scope writes need (it includes reading).
pub const MANAGE_SCOPE: &str = "scaicore:manage";

/// The caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: String,
    pub tenant_id: String,
    pub admin_role: Option<AdminRole>,
    /// ScaiKey groups the user belongs to (for group ACLs).
    pub groups: Vec<String>,
    /// The token's scopes (`scaicore:view`, `scaicore:manage`, ...).
    pub scopes: Vec<String>,
    /// The ScaiKey access token the request was signed in with (ScaiGrid accepts it for the
    /// user); `None` for the local user.
    pub token: Option<Token>,
}

/// A caller's access token: passed on to ScaiGrid, never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    pub fn new(token: &str) -> Token {
        Token(token.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(…)")
    }
}

impl Principal {
    /// The local user: every flow of the local tenant is theirs to administer.
    pub fn local() -> Principal {
        Principal {
            user_id: LOCAL_USER.into(),
            tenant_id: LOCAL_TENANT.into(),
            admin_role: Some(AdminRole::SuperAdmin),
            groups: Vec::new(),
            scopes: vec![VIEW_SCOPE.into(), MANAGE_SCOPE.into()],
            token: None,
        }
    }

    /// The tenant's slug (`core://{tenant_slug}/...`): its id without the `tnt_` prefix.
    pub fn tenant_slug(&self) -> &str {
        self.tenant_id.strip_prefix("tnt_").unwrap_or(&self.tenant_id)
    }

    /// Super and tenant admins administer every flow of their tenant.
    pub fn is_tenant_admin(&self) -> bool {
        self.admin_role.is_some()
    }

    pub fn is_super_admin(&self) -> bool {
        self.admin_role == Some(AdminRole::SuperAdmin)
    }

    /// Whether resources of `tenant` are within reach: one's own tenant, or any for super
    /// admins.
    pub fn reaches(&self, tenant: &str) -> bool {
        tenant == self.tenant_id || self.is_super_admin()
    }

    /// The tenant a lookup by id is confined to (`None`: every tenant, for super admins).
    pub fn tenant_scope(&self) -> Option<&str> {
        (!self.is_super_admin()).then_some(self.tenant_id.as_str())
    }
}

pub use wire::{Access, AdminRole};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_ordered() {
        assert!(
            Access::View < Access::Edit
                && Access::Edit < Access::Deploy
                && Access::Deploy < Access::Admin
        );
        assert_eq!(Access::parse("deploy"), Some(Access::Deploy));
        assert_eq!(Access::parse("owner"), None);
    }

    #[test]
    fn a_caller_s_token_is_never_printed() {
        let principal =
            Principal { token: Some(Token::new("eyJ.secret.sig")), ..Principal::local() };
        let printed = format!("{principal:?}");
        assert!(!printed.contains("secret"), "{printed}");
        assert_eq!(principal.token.as_ref().map(Token::as_str), Some("eyJ.secret.sig"));
    }
}
