//! Signing in with ScaiKey from the browser: the authorization-code flow with PKCE, the code
//! exchanged through the server (which holds the client secret), tokens kept in this tab's
//! `sessionStorage`, refreshed shortly before they expire, and the account shown in the toolbar.
//!
//! In the `local` auth mode none of this is used: the server treats every request as its one
//! local user.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};

use wire::path::encode;

use wire::account::{AuthConfig, ExchangeRequest, RefreshRequest, Tokens};

use crate::net::{self, ApiError};

/// This tab's tokens.
const SESSION_KEY: &str = "scaiflow_session";
/// The PKCE verifier, `state` and where to return, between leaving for ScaiKey and coming back.
const PKCE_KEY: &str = "scaiflow_pkce";
/// The callback route ScaiKey redirects to.
pub const CALLBACK_PATH: &str = "/auth/callback";
/// Refresh this long before the access token expires.
const REFRESH_MARGIN_MS: f64 = 60_000.0;
/// The message the PKCE failure shows.
pub const STATE_MISMATCH: &str = "PKCE state mismatch — login flow is invalid or expired";

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Session {
    access_token: String,
    refresh_token: Option<String>,
    id_token: Option<String>,
    /// When the access token expires (milliseconds since the epoch).
    expires_at: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Pending {
    verifier: String,
    state: String,
    redirect_uri: String,
    return_to: String,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

fn load<T: for<'de> Deserialize<'de>>(key: &str) -> Option<T> {
    serde_json::from_str(&storage()?.get_item(key).ok()??).ok()
}

fn save<T: Serialize>(key: &str, value: &T) {
    if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(value)) {
        let _ = storage.set_item(key, &text);
    }
}

fn remove(key: &str) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(key);
    }
}

fn now_ms() -> f64 {
    web_sys::js_sys::Date::now()
}

/// The access token to send, if this tab has signed in.
pub fn bearer() -> Option<String> {
    load::<Session>(SESSION_KEY).map(|s| s.access_token)
}

fn store(tokens: Tokens) {
    let previous = load::<Session>(SESSION_KEY);
    let expires_in = tokens.expires_in.unwrap_or(3600) as f64;
    save(
        SESSION_KEY,
        &Session {
            access_token: tokens.access_token,
            // A refresh answer without a new refresh token keeps the old one.
            refresh_token: tokens
                .refresh_token
                .or_else(|| previous.as_ref().and_then(|p| p.refresh_token.clone())),
            id_token: tokens.id_token.or_else(|| previous.and_then(|p| p.id_token)),
            expires_at: now_ms() + expires_in * 1000.0,
        },
    );
    schedule_refresh();
}

/// `n` random bytes from the browser's CSPRNG, base64url without padding.
fn random(n: usize) -> Result<String, String> {
    let mut bytes = vec![0u8; n];
    let crypto =
        web_sys::window().ok_or("no browser window")?.crypto().map_err(|e| format!("{e:?}"))?;
    crypto.get_random_values_with_u8_array(&mut bytes).map_err(|e| format!("{e:?}"))?;
    Ok(base64url(&bytes))
}

fn base64url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The S256 code challenge of a verifier.
pub fn challenge(verifier: &str) -> String {
    use sha2::Digest;
    base64url(&sha2::Sha256::digest(verifier.as_bytes()))
}

/// Leaves for ScaiKey's sign-in page; comes back to [`CALLBACK_PATH`], then to `return_to`.
pub fn sign_in(config: &AuthConfig, return_to: &str) -> Result<(), String> {
    let authorize = config.authorization_endpoint.clone().ok_or_else(|| {
        config.error.clone().unwrap_or_else(|| "ScaiKey's sign-in page is unknown".into())
    })?;
    let (Some(client_id), Some(redirect_uri)) = (&config.client_id, &config.redirect_uri) else {
        return Err("the server's sign-in settings are incomplete".into());
    };
    let pending = Pending {
        verifier: random(32)?,
        state: random(16)?,
        redirect_uri: redirect_uri.clone(),
        return_to: return_to.to_owned(),
    };
    let nonce = random(16)?;
    let scopes = config.scopes.clone().unwrap_or_else(|| "openid".into());
    let separator = if authorize.contains('?') { '&' } else { '?' };
    let url = format!(
        "{authorize}{separator}response_type=code&client_id={}&redirect_uri={}&scope={}&state={}\
         &nonce={}&code_challenge={}&code_challenge_method=S256",
        encode(client_id),
        encode(redirect_uri),
        encode(&scopes),
        encode(&pending.state),
        encode(&nonce),
        encode(&challenge(&pending.verifier)),
    );
    save(PKCE_KEY, &pending);
    let window = web_sys::window().ok_or("no browser window")?;
    window.location().assign(&url).map_err(|e| format!("{e:?}"))
}

/// `GET /auth/config`: how this server signs people in.
pub async fn config() -> Result<AuthConfig, ApiError> {
    net::get_anonymous("/auth/config").await
}

/// `POST /auth/exchange`: the authorization code and PKCE verifier for tokens.
async fn exchange(code: &str, verifier: &str, redirect_uri: &str) -> Result<Tokens, ApiError> {
    let body = ExchangeRequest {
        code: code.to_owned(),
        code_verifier: verifier.to_owned(),
        redirect_uri: redirect_uri.to_owned(),
    };
    net::post_anonymous("/auth/exchange", &body).await
}

/// Finishes a sign-in on the callback page: checks `state`, trades the code (once: it is
/// removed from the address bar and the verifier from storage first) and keeps the tokens.
/// Returns where to go next.
pub async fn complete(query: &str) -> Result<String, String> {
    let params = web_sys::UrlSearchParams::new_with_str(query).map_err(|e| format!("{e:?}"))?;
    crate::browser::replace_path(CALLBACK_PATH);
    let pending = load::<Pending>(PKCE_KEY);
    remove(PKCE_KEY);
    if let Some(error) = params.get("error") {
        let description = params.get("error_description").unwrap_or_default();
        return Err(format!("ScaiKey refused the sign-in: {error} {description}")
            .trim()
            .to_owned());
    }
    let (Some(code), Some(state)) = (params.get("code"), params.get("state")) else {
        return Err("This page is where ScaiKey sends you back after signing in; it was opened without a sign-in to finish.".into());
    };
    let Some(pending) = pending.filter(|p| p.state == state) else {
        return Err(STATE_MISMATCH.into());
    };
    let tokens = exchange(&code, &pending.verifier, &pending.redirect_uri)
        .await
        .map_err(|e| e.to_string())?;
    store(tokens);
    Ok(pending.return_to)
}

/// Trades the refresh token for new tokens; false (and signed out) when that fails. Calls made
/// while a refresh is under way wait for it: the provider rotates refresh tokens and treats a
/// second use of one as theft, revoking the whole sign-in.
pub async fn refresh() -> bool {
    use futures::FutureExt;
    let running = REFRESHING.with(|r| r.borrow().clone());
    let shared = running.unwrap_or_else(|| {
        let shared = refresh_once().boxed_local().shared();
        REFRESHING.with(|r| *r.borrow_mut() = Some(shared.clone()));
        shared
    });
    let refreshed = shared.await;
    REFRESHING.with(|r| r.borrow_mut().take());
    refreshed
}

type Refreshing = futures::future::Shared<futures::future::LocalBoxFuture<'static, bool>>;

thread_local! {
    static REFRESHING: std::cell::RefCell<Option<Refreshing>> = const { std::cell::RefCell::new(None) };
}

async fn refresh_once() -> bool {
    let Some(token) = load::<Session>(SESSION_KEY).and_then(|s| s.refresh_token) else {
        return false;
    };
    match net::post_anonymous::<Tokens>("/auth/refresh", &RefreshRequest { refresh_token: token })
        .await
    {
        Ok(tokens) => {
            store(tokens);
            true
        }
        Err(error) => {
            leptos::logging::warn!("token refresh failed: {error}");
            remove(SESSION_KEY);
            false
        }
    }
}

thread_local! {
    static REFRESH_GENERATION: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Refreshes the tokens [`REFRESH_MARGIN_MS`] before they expire (only the latest schedule
/// runs).
pub fn schedule_refresh() {
    let Some(session) = load::<Session>(SESSION_KEY) else { return };
    if session.refresh_token.is_none() {
        return;
    }
    let generation = REFRESH_GENERATION.with(|g| {
        g.set(g.get() + 1);
        g.get()
    });
    let delay = (session.expires_at - REFRESH_MARGIN_MS - now_ms()).max(0.0);
    set_timeout(
        move || {
            if REFRESH_GENERATION.with(|g| g.get()) == generation {
                spawn_local(async move {
                    refresh().await;
                });
            }
        },
        std::time::Duration::from_millis(delay as u64),
    );
}

/// Forgets this tab's tokens and ends the ScaiKey session when the provider allows it.
pub fn sign_out(config: &AuthConfig) {
    let id_token = load::<Session>(SESSION_KEY).and_then(|s| s.id_token);
    remove(SESSION_KEY);
    REFRESH_GENERATION.with(|g| g.set(g.get() + 1));
    let Some(window) = web_sys::window() else { return };
    let origin = window.location().origin().unwrap_or_default();
    let target = match (&config.end_session_endpoint, &config.client_id) {
        (Some(end), Some(client_id)) => {
            let separator = if end.contains('?') { '&' } else { '?' };
            let mut url = format!(
                "{end}{separator}client_id={}&post_logout_redirect_uri={}",
                encode(client_id),
                encode(&format!("{origin}/"))
            );
            if let Some(hint) = id_token {
                url.push_str(&format!("&id_token_hint={}", encode(&hint)));
            }
            url
        }
        _ => "/".to_owned(),
    };
    let _ = window.location().assign(&target);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_challenge_is_the_rfc_7636_s256_of_the_verifier() {
        // RFC 7636, appendix B.
        assert_eq!(
            challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
