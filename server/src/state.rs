//! The state every handler shares: configuration, database pool, object store, Leptos options.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use object_store::ObjectStore;

use crate::admin::Admin;
use crate::caller::Principal;
use crate::config::{AuthMode, Config, SecretsConfig};
use crate::flows::Flows;
use crate::grid::Grid;
use crate::oidc::ScaiKey;
use crate::people::People;
use crate::secrets::{KeySource, LocalSecrets, ScaiVault, SecretKey, SecretStore};
use crate::storage::db::Database;
use crate::storage::objects;
use crate::storage::principals;
use crate::sync::MirrorSync;

/// Cheap to clone: everything inside is shared.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: Database,
    pub objects: Arc<dyn ObjectStore>,
    /// The flows service (over the database and the object store above).
    pub flows: Flows,
    /// Tenant secrets (ScaiGrid credentials).
    pub secrets: Arc<dyn SecretStore>,
    /// The ScaiGrid credential of each call.
    pub grid: Grid,
    /// The identity provider, in the `scaikey` auth mode.
    pub scaikey: Option<Arc<ScaiKey>>,
    /// The ScaiKey sync of the user mirror, one run at a time.
    pub mirror_sync: MirrorSync,
    /// The admin roles and the mirror as admins see it.
    pub admin: Admin,
    /// The caller and the tenant's people, from the mirror.
    pub people: People,
    pub leptos: LeptosOptions,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

/// Why the server could not start; each names what it was opening.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot open database {url}: {source}")]
    Database { url: String, source: sqlx::Error },
    #[error("cannot migrate database {url}: {source}")]
    Migrate { url: String, source: sqlx::migrate::MigrateError },
    #[error(transparent)]
    ObjectStore(#[from] objects::OpenError),
    #[error("cannot record the local user: {0}")]
    LocalUser(sqlx::Error),
    #[error("cannot open the secret key file {path}: {source}")]
    SecretKey { path: String, source: std::io::Error },
}

impl AppState {
    /// Connects to the database, brings its schema up to date and opens the object store.
    pub async fn open(config: Config) -> Result<AppState, StartupError> {
        let url = format!("{:?}", config.database);
        let db = Database::connect(&config.database)
            .await
            .map_err(|source| StartupError::Database { url: url.clone(), source })?;
        db.migrate().await.map_err(|source| StartupError::Migrate { url, source })?;
        let objects = objects::open(&config.object_store, &config.aws)?;
        if matches!(config.auth, AuthMode::Local | AuthMode::Disabled) {
            principals::ensure_principal(&db, &Principal::local(), crate::clock::now_millis())
                .await
                .map_err(StartupError::LocalUser)?;
        }
        let secrets = open_secrets(&config.secrets, &db)?;
        let leptos = leptos_options(&config);
        let scaikey = match &config.auth {
            AuthMode::ScaiKey(settings) => Some(Arc::new(ScaiKey::new(settings.clone()))),
            AuthMode::Local | AuthMode::Disabled => None,
        };
        let config = Arc::new(config);
        let grid = Grid::new(config.clone(), secrets.clone());
        let flows =
            Flows::new(db.clone(), objects.clone(), config.content_cache_bytes, grid.clone());
        let mirror_sync = MirrorSync::new(db.clone(), scaikey.clone(), config.clone());
        let admin = Admin::new(db.clone(), mirror_sync.clone());
        let people = People::new(db.clone());
        Ok(AppState {
            config,
            db,
            objects,
            flows,
            secrets,
            grid,
            scaikey,
            mirror_sync,
            admin,
            people,
            leptos,
        })
    }
}

/// The configured secret store.
fn open_secrets(
    config: &SecretsConfig,
    db: &Database,
) -> Result<Arc<dyn SecretStore>, StartupError> {
    Ok(match config {
        SecretsConfig::ScaiVault { url, token } => Arc::new(ScaiVault::new(url, token)),
        SecretsConfig::Local { key_hex, key_file } => {
            let source = match key_hex.as_deref().and_then(SecretKey::from_hex) {
                Some(key) => KeySource::Given(key),
                None => KeySource::File(key_file.clone()),
            };
            let store = LocalSecrets::open(db.clone(), source).map_err(|source| {
                StartupError::SecretKey { path: key_file.display().to_string(), source }
            })?;
            Arc::new(store)
        }
    })
}

/// Leptos' own options, derived from ours rather than read from its `LEPTOS_*` variables.
pub fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(app::OUTPUT_NAME)
        .site_root(config.site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(config.listen_addr())
        .build()
}
