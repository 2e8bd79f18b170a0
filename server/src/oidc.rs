//! ScaiKey sign-in: the provider's discovery document, the BFF code exchange and refresh (the
//! client secret never leaves the server), and verification of the bearer tokens every API
//! request carries.
//!
//! Access tokens are JWTs signed by a key of the provider's JWKS. A token is accepted only when
//! its algorithm is RS256 or ES256 (never `none` or an HMAC), its `kid` names a key of the JWKS
//! (refetched when an unknown `kid` appears, at most every [`JWKS_REFETCH`]), its issuer is the
//! discovery document's, its audience is `SCAIKEY_AUDIENCE` (else the client id), it has not
//! expired and is already valid (with [`LEEWAY`] for clock skew), and it names a subject and a
//! `tenant_id`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{AlgorithmParameters, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use openidconnect::core::{
    CoreAuthDisplay, CoreClaimName, CoreClaimType, CoreClient, CoreClientAuthMethod, CoreGrantType,
    CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJweKeyManagementAlgorithm,
    CoreResponseMode, CoreResponseType, CoreSubjectIdentifierType, CoreTokenResponse,
};
use openidconnect::{
    AdditionalProviderMetadata, AuthorizationCode, ClientId, ClientSecret, EndpointMaybeSet,
    EndpointNotSet, EndpointSet, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeVerifier,
    ProviderMetadata, RedirectUrl, RefreshToken, RequestTokenError, TokenResponse,
};
use serde::{Deserialize, Serialize};
use tokio::sync::{Mutex, RwLock};

use crate::config::ScaiKeySettings;

/// Clock skew tolerated on `exp` and `nbf`.
pub const LEEWAY: Duration = Duration::from_secs(30);
/// An unknown `kid` refetches the JWKS at most this often (a stream of forged `kid`s must not
/// turn into a stream of requests to the provider).
pub const JWKS_REFETCH: Duration = Duration::from_secs(10);
/// The discovery document is fetched again after this long (endpoints rarely move).
const DISCOVERY_TTL: Duration = Duration::from_secs(3600);
/// Every call to the provider gives up after this long.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

/// What a verified access token says.
#[derive(Debug, Clone, Deserialize)]
pub struct Claims {
    #[serde(default)]
    pub sub: String,
    #[serde(default)]
    pub tenant_id: Option<String>,
    /// Space-separated scopes (`scope`), or a list (`scp`, as some providers send).
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    scp: Option<Vec<String>>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

impl Claims {
    pub fn scopes(&self) -> Vec<String> {
        let mut scopes: Vec<String> = self
            .scope
            .as_deref()
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        scopes.extend(self.scp.iter().flatten().cloned());
        scopes
    }
}

/// Why a bearer token was refused (answered as `401 invalid token: …`).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("not a JWT")]
    Malformed,
    #[error("algorithm {0} is not accepted (RS256 or ES256 only)")]
    Algorithm(String),
    #[error("signing key {0:?} is not in the provider's JWKS")]
    UnknownKey(Option<String>),
    #[error("signature does not verify")]
    Signature,
    #[error("Issuer doesn't match")]
    Issuer,
    #[error("Audience doesn't match")]
    Audience,
    #[error("token has expired")]
    Expired,
    #[error("token is not valid yet")]
    NotYetValid,
    #[error("token has no tenant_id")]
    NoTenant,
    #[error("{0}")]
    Claims(String),
}

/// Why the provider could not be asked (answered 502, or 503 when ScaiKey is not configured).
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// The provider answered the token request with an OAuth error (400 with its words).
    #[error("{error}: {description}")]
    Rejected { error: String, description: String },
    /// The provider could not be reached or answered something unusable.
    #[error("{0}")]
    Unavailable(String),
}

pub use wire::account::Tokens;

/// Identity claims of the ID token returned by an exchange.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    pub subject: String,
    pub email: Option<String>,
    pub name: Option<String>,
}

/// The one field beyond the core metadata that the browser needs: where to sign out.
#[derive(Debug, Clone, Deserialize, Serialize)]
struct EndSession {
    #[serde(default)]
    end_session_endpoint: Option<String>,
}

impl AdditionalProviderMetadata for EndSession {}

type Metadata = ProviderMetadata<
    EndSession,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;

type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

struct Discovered {
    metadata: Metadata,
    at: Instant,
}

#[derive(Default)]
struct KeySet {
    keys: HashMap<String, (DecodingKey, Algorithm)>,
    /// Keys without a `kid` (usable only when the token names none either).
    anonymous: Vec<(DecodingKey, Algorithm)>,
    fetched: Option<Instant>,
}

/// The ScaiKey provider as this server uses it.
pub struct ScaiKey {
    settings: ScaiKeySettings,
    http: reqwest::Client,
    discovered: RwLock<Option<Arc<Discovered>>>,
    keys: RwLock<KeySet>,
    /// One JWKS fetch at a time.
    fetching: Mutex<()>,
}

impl ScaiKey {
    pub fn new(settings: ScaiKeySettings) -> ScaiKey {
        let http = reqwest::Client::builder()
            // Following redirects would let a provider response send us anywhere.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(PROVIDER_TIMEOUT)
            .build()
            .unwrap_or_default();
        ScaiKey {
            settings,
            http,
            discovered: RwLock::new(None),
            keys: RwLock::new(KeySet::default()),
            fetching: Mutex::new(()),
        }
    }

    pub fn settings(&self) -> &ScaiKeySettings {
        &self.settings
    }

    /// The discovery document, fetched on first use and again after [`DISCOVERY_TTL`].
    async fn metadata(&self) -> Result<Arc<Discovered>, ProviderError> {
        if let Some(found) = self.discovered.read().await.as_ref()
            && found.at.elapsed() < DISCOVERY_TTL
        {
            return Ok(found.clone());
        }
        let issuer = IssuerUrl::new(self.settings.base_url.trim_end_matches('/').to_owned())
            .map_err(|e| ProviderError::Unavailable(format!("SCAIKEY_BASE_URL: {e}")))?;
        let metadata = Metadata::discover_async(issuer, &self.http).await.map_err(|e| {
            ProviderError::Unavailable(format!("ScaiKey discovery failed: {}", error_chain(&e)))
        })?;
        let found = Arc::new(Discovered { metadata, at: Instant::now() });
        *self.discovered.write().await = Some(found.clone());
        Ok(found)
    }

    /// Where the browser sends people to sign in, and to sign out (when the provider says).
    pub async fn endpoints(&self) -> Result<(String, Option<String>), ProviderError> {
        let found = self.metadata().await?;
        let authorize = found.metadata.authorization_endpoint().as_str().to_owned();
        let end_session = found.metadata.additional_metadata().end_session_endpoint.clone();
        Ok((authorize, end_session))
    }

    fn client(&self, metadata: Metadata) -> Client {
        CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.settings.client_id.clone()),
            Some(ClientSecret::new(self.settings.client_secret.clone())),
        )
    }

    /// The BFF half of the authorization-code + PKCE flow: the browser's code and verifier, plus
    /// our client secret, for the provider's tokens.
    pub async fn exchange(
        &self,
        code: &str,
        verifier: &str,
        redirect_uri: &str,
    ) -> Result<(Tokens, Option<Identity>), ProviderError> {
        let found = self.metadata().await?;
        let redirect =
            RedirectUrl::new(redirect_uri.to_owned()).map_err(|e| ProviderError::Rejected {
                error: "invalid_request".into(),
                description: format!("redirect_uri: {e}"),
            })?;
        let client = self.client(found.metadata.clone()).set_redirect_uri(redirect);
        let request = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| ProviderError::Unavailable(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(verifier.to_owned()));
        let response = request.request_async(&self.http).await.map_err(token_failure)?;
        let identity = response.id_token().and_then(|token| {
            // The browser, not us, holds the nonce; the code was bound to its PKCE verifier.
            let verifier = client.id_token_verifier();
            let claims = token.claims(&verifier, |_: Option<&Nonce>| Ok(())).ok()?;
            Some(Identity {
                subject: claims.subject().to_string(),
                email: claims.email().map(|e| e.to_string()),
                name: claims.name().and_then(|n| n.get(None)).map(|n| n.to_string()),
            })
        });
        Ok((tokens(&response), identity))
    }

    /// A refresh token for new tokens (the provider rotates the refresh token).
    pub async fn refresh(&self, refresh_token: &str) -> Result<Tokens, ProviderError> {
        let found = self.metadata().await?;
        let client = self.client(found.metadata.clone());
        let token = RefreshToken::new(refresh_token.to_owned());
        let response = client
            .exchange_refresh_token(&token)
            .map_err(|e| ProviderError::Unavailable(e.to_string()))?
            .request_async(&self.http)
            .await
            .map_err(token_failure)?;
        Ok(tokens(&response))
    }

    /// Verifies an access token; the provider is asked only for its discovery document and,
    /// when a token names a key we do not have, its JWKS.
    pub async fn verify(&self, token: &str) -> Result<Result<Claims, TokenError>, ProviderError> {
        let Ok(header) = jsonwebtoken::decode_header(token) else {
            return Ok(Err(TokenError::Malformed));
        };
        if !matches!(header.alg, Algorithm::RS256 | Algorithm::ES256) {
            return Ok(Err(TokenError::Algorithm(format!("{:?}", header.alg))));
        }
        let found = self.metadata().await?;
        let Some(key) = self.key(&found, header.kid.as_deref(), header.alg).await? else {
            return Ok(Err(TokenError::UnknownKey(header.kid)));
        };
        let mut validation = Validation::new(header.alg);
        validation.leeway = LEEWAY.as_secs();
        validation.validate_nbf = true;
        validation.set_issuer(&[found.metadata.issuer().as_str()]);
        validation.set_audience(&[self.settings.audience.as_str()]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        let claims = match jsonwebtoken::decode::<Claims>(token, &key, &validation) {
            Ok(data) => data.claims,
            Err(error) => return Ok(Err(refusal(error))),
        };
        if claims.sub.is_empty() {
            return Ok(Err(TokenError::Claims("token has no sub".into())));
        }
        if claims.tenant_id.as_deref().is_none_or(str::is_empty) {
            return Ok(Err(TokenError::NoTenant));
        }
        Ok(Ok(claims))
    }

    /// The verification key for `kid` (refetching the JWKS once when it is unknown).
    async fn key(
        &self,
        found: &Discovered,
        kid: Option<&str>,
        alg: Algorithm,
    ) -> Result<Option<DecodingKey>, ProviderError> {
        let pick = |set: &KeySet| -> Option<DecodingKey> {
            let (key, key_alg) = match kid {
                Some(kid) => set.keys.get(kid)?,
                None => match set.anonymous.as_slice() {
                    [only] => only,
                    _ => return None,
                },
            };
            // An RSA key verifies RS256 only, an EC P-256 key ES256 only.
            (*key_alg == alg).then(|| key.clone())
        };
        if let Some(key) = pick(&*self.keys.read().await) {
            return Ok(Some(key));
        }
        let _one_at_a_time = self.fetching.lock().await;
        {
            let set = self.keys.read().await;
            if let Some(key) = pick(&set) {
                return Ok(Some(key));
            }
            if set.fetched.is_some_and(|at| at.elapsed() < JWKS_REFETCH) {
                return Ok(None);
            }
        }
        let url = found.metadata.jwks_uri().as_str().to_owned();
        let fetched = self.fetch_keys(&url).await;
        let mut set = self.keys.write().await;
        match fetched {
            Ok(fresh) => *set = fresh,
            // Keep the keys we had; try again after the refetch interval.
            Err(error) => {
                set.fetched = Some(Instant::now());
                return Err(error);
            }
        }
        Ok(pick(&set))
    }

    async fn fetch_keys(&self, url: &str) -> Result<KeySet, ProviderError> {
        let unavailable = |e: reqwest::Error| {
            ProviderError::Unavailable(format!("ScaiKey JWKS {url}: {}", error_chain(&e)))
        };
        let response = self.http.get(url).send().await.map_err(unavailable)?;
        let response = response.error_for_status().map_err(unavailable)?;
        let jwks: JwkSet = response.json().await.map_err(unavailable)?;
        let mut set = KeySet { fetched: Some(Instant::now()), ..KeySet::default() };
        for jwk in &jwks.keys {
            let alg = match &jwk.algorithm {
                AlgorithmParameters::RSA(_) => Algorithm::RS256,
                AlgorithmParameters::EllipticCurve(ec)
                    if ec.curve == jsonwebtoken::jwk::EllipticCurve::P256 =>
                {
                    Algorithm::ES256
                }
                _ => continue,
            };
            if jwk
                .common
                .public_key_use
                .as_ref()
                .is_some_and(|u| !matches!(u, jsonwebtoken::jwk::PublicKeyUse::Signature))
            {
                continue;
            }
            let Ok(key) = DecodingKey::from_jwk(jwk) else { continue };
            match &jwk.common.key_id {
                Some(kid) => {
                    set.keys.insert(kid.clone(), (key, alg));
                }
                None => set.anonymous.push((key, alg)),
            }
        }
        tracing::info!(url, keys = set.keys.len() + set.anonymous.len(), "ScaiKey JWKS fetched");
        Ok(set)
    }

    /// An access token of the server itself (`client_credentials`, the client id and secret in
    /// HTTP Basic auth) carrying `scope`, for ScaiKey's admin API. Not cached: the sync asks
    /// for one per scope per run.
    pub async fn service_token(&self, scope: &str) -> Result<String, ProviderError> {
        let found = self.metadata().await?;
        let client = self.client(found.metadata.clone());
        let response = client
            .exchange_client_credentials()
            .map_err(|e| ProviderError::Unavailable(e.to_string()))?
            .add_scope(openidconnect::Scope::new(scope.to_owned()))
            .request_async(&self.http)
            .await
            .map_err(token_failure)?;
        Ok(response.access_token().secret().clone())
    }
}

fn tokens(response: &CoreTokenResponse) -> Tokens {
    Tokens {
        access_token: response.access_token().secret().clone(),
        refresh_token: response.refresh_token().map(|t| t.secret().clone()),
        id_token: response.id_token().map(|t| t.to_string()),
        token_type: "Bearer".into(),
        expires_in: response.expires_in().map(|d| d.as_secs()),
    }
}

/// A failed token request: the provider's OAuth error (400), or anything else (502).
fn token_failure<RE: std::error::Error + 'static>(
    error: RequestTokenError<
        RE,
        openidconnect::StandardErrorResponse<openidconnect::core::CoreErrorResponseType>,
    >,
) -> ProviderError {
    match error {
        RequestTokenError::ServerResponse(response) => {
            let error = response.error().to_string();
            // The provider's own failures are not the caller's fault.
            if matches!(error.as_str(), "server_error" | "temporarily_unavailable") {
                return ProviderError::Unavailable(format!("ScaiKey answered {error}"));
            }
            ProviderError::Rejected {
                description: response.error_description().cloned().unwrap_or_default(),
                error,
            }
        }
        RequestTokenError::Parse(_, body) => ProviderError::Unavailable(format!(
            "ScaiKey's token endpoint answered something unreadable: {}",
            String::from_utf8_lossy(&body).chars().take(200).collect::<String>()
        )),
        RequestTokenError::Request(e) => {
            ProviderError::Unavailable(format!("ScaiKey's token endpoint: {}", error_chain(&e)))
        }
        RequestTokenError::Other(message) => ProviderError::Unavailable(message),
    }
}

fn refusal(error: jsonwebtoken::errors::Error) -> TokenError {
    use jsonwebtoken::errors::ErrorKind;
    match error.kind() {
        ErrorKind::InvalidSignature => TokenError::Signature,
        ErrorKind::InvalidIssuer => TokenError::Issuer,
        ErrorKind::InvalidAudience => TokenError::Audience,
        ErrorKind::ExpiredSignature => TokenError::Expired,
        ErrorKind::ImmatureSignature => TokenError::NotYetValid,
        ErrorKind::InvalidAlgorithm => TokenError::Algorithm("of the wrong key type".into()),
        ErrorKind::MissingRequiredClaim(claim) => {
            TokenError::Claims(format!("token has no {claim}"))
        }
        ErrorKind::InvalidToken
        | ErrorKind::Base64(_)
        | ErrorKind::Json(_)
        | ErrorKind::Utf8(_) => TokenError::Malformed,
        _ => TokenError::Claims(error.to_string()),
    }
}

/// An error with its causes, for messages that must say why.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
