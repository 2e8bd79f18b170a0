use super::*;

fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let vars = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    Config::from_vars(&vars)
}

fn error(pairs: &[(&str, &str)]) -> String {
    config(pairs).unwrap_err().to_string()
}

#[test]
fn defaults_are_the_documented_ones() {
    let c = config(&[]).unwrap();
    assert_eq!(c.listen_addr().to_string(), "127.0.0.1:8001");
    assert_eq!(c.database, DatabaseUrl::Sqlite("sqlite://./scaiflow.db".into()));
    assert_eq!(c.object_store, ObjectStoreUrl::File("./data".into()));
    assert_eq!(c.site_root, PathBuf::from("target/site"));
    assert_eq!(c.log_format, LogFormat::Text);
    assert_eq!(c.auth, AuthMode::Local);
    assert_eq!(c.max_body_bytes, 8 * 1024 * 1024);
    assert_eq!(c.content_cache_bytes, 64 * 1024 * 1024);
    assert_eq!(c.sync_interval_minutes, 60);
    assert_eq!(c.scaikey_application_id, "me");
}

#[test]
fn the_sync_interval_and_application_are_checked() {
    let c = config(&[
        ("SCAIFLOW_SYNC_INTERVAL_MINUTES", "0"),
        ("SCAIFLOW_SCAIKEY_APPLICATION_ID", "app_flows-1"),
    ])
    .unwrap();
    assert_eq!((c.sync_interval_minutes, c.scaikey_application_id.as_str()), (0, "app_flows-1"));
    assert_eq!(
        config(&[("SCAIFLOW_SYNC_INTERVAL_MINUTES", " 15 ")]).unwrap().sync_interval_minutes,
        15
    );
    for bad in ["-5", "hourly", "1.5", "525601"] {
        let message = error(&[("SCAIFLOW_SYNC_INTERVAL_MINUTES", bad)]);
        assert!(
            message.starts_with("SCAIFLOW_SYNC_INTERVAL_MINUTES=") && message.contains("minutes"),
            "{message}"
        );
    }
    let message = error(&[("SCAIFLOW_SCAIKEY_APPLICATION_ID", "../tenants")]);
    assert!(message.contains("SCAIFLOW_SCAIKEY_APPLICATION_ID"), "{message}");
}

#[test]
fn the_stand_in_runs_only_without_a_real_scaigrid_and_the_dev_token_is_never_printed() {
    assert!(!config(&[]).unwrap().scaigrid_sim);
    assert!(config(&[("SCAIFLOW_SCAIGRID_SIM", "true")]).unwrap().scaigrid_sim);
    let real = [("SCAIFLOW_SCAIGRID_SIM", "true"), ("SCAIGRID_BASE_URL", "https://grid.test")];
    assert!(!config(&real).unwrap().scaigrid_sim);
    assert!(error(&[("SCAIFLOW_SCAIGRID_SIM", "sure")]).contains("SCAIFLOW_SCAIGRID_SIM"));
    assert!(config(&[("SCAIFLOW_API_TOKEN", "  ")]).unwrap().api_token.is_none());
    let c = config(&[("SCAIFLOW_API_TOKEN", "tok-secret-1")]).unwrap();
    assert_eq!(c.api_token, Some(ApiToken("tok-secret-1".into())));
    assert!(!format!("{c:?}").contains("tok-secret-1"));
}

#[test]
fn the_scaigrid_key_is_optional_and_never_printed() {
    assert!(config(&[]).unwrap().scaigrid.is_none());
    let c = config(&[("SCAIGRID_API_KEY", "sgk_abcdefgh1234")]).unwrap();
    let grid = c.scaigrid.unwrap();
    assert_eq!(grid.base_url, DEFAULT_SCAIGRID_URL);
    assert_eq!(grid.masked_key(), "sgk_…1234");
    assert!(!format!("{grid:?}").contains("abcdefgh"));
    let c =
        config(&[("SCAIGRID_API_KEY", "k"), ("SCAIGRID_BASE_URL", "http://127.0.0.1:9/")]).unwrap();
    assert_eq!(c.scaigrid.unwrap().base_url, "http://127.0.0.1:9");
    assert!(error(&[("SCAIGRID_BASE_URL", "grid.local")]).contains("SCAIGRID_BASE_URL"));
}

#[test]
fn secrets_are_local_unless_scaivault_is_configured_whole() {
    let local = config(&[]).unwrap().secrets;
    assert_eq!(
        local,
        SecretsConfig::Local { key_hex: None, key_file: "./scaiflow-secret.key".into() }
    );
    let vault = config(&[
        ("SCAIFLOW_SCAIVAULT_URL", "https://vault.example"),
        ("SCAIFLOW_SCAIVAULT_TOKEN", "skt_secret"),
    ])
    .unwrap()
    .secrets;
    assert!(matches!(vault, SecretsConfig::ScaiVault { .. }));
    assert!(!format!("{vault:?}").contains("skt_secret"));
    assert!(
        error(&[("SCAIFLOW_SCAIVAULT_URL", "https://vault.example")])
            .contains("SCAIFLOW_SCAIVAULT_TOKEN is not set")
    );
    let bad = error(&[("SCAIFLOW_SECRET_KEY", "tooshort")]);
    assert!(bad.contains("SCAIFLOW_SECRET_KEY") && bad.contains("64 hex digits"));
    assert!(!bad.contains("tooshort"), "the key is not echoed");
}

#[test]
fn bad_values_name_the_variable() {
    assert!(error(&[("SCAIFLOW_API_PORT", "80a")]).starts_with("SCAIFLOW_API_PORT=\"80a\""));
    assert!(error(&[("SCAIFLOW_API_PORT", "70000")]).contains("0 to 65535"));
    assert!(error(&[("SCAIFLOW_API_HOST", "my host")]).contains("SCAIFLOW_API_HOST"));
    assert!(
        error(&[("SCAIFLOW_DB_URL", "postgres://x/y")]).contains("unsupported database 'postgres'")
    );
    assert!(error(&[("SCAIFLOW_DB_URL", "mysql://u:p@h:notaport/db")]).contains("SCAIFLOW_DB_URL"));
    assert!(error(&[("SCAIFLOW_DB_URL", "sqlite://")]).contains("names no file"));
    assert!(error(&[("SCAIFLOW_OBJECT_STORE", "./data")]).contains("file://DIRECTORY"));
    assert!(error(&[("SCAIFLOW_OBJECT_STORE", "s3://A_B")]).contains("not an S3 bucket"));
    assert!(error(&[("SCAIFLOW_LOG_FORMAT", "xml")]).contains("text or json"));
    assert!(error(&[("SCAIFLOW_AUTH_DISABLED", "maybe")]).contains("true or false"));
    assert!(error(&[("SCAIFLOW_DEPLOY_AUTH", "both")]).contains("user_jwt or api_key"));
    assert_eq!(
        config(&[("SCAIFLOW_DEPLOY_AUTH", "api_key")]).unwrap().deploy_auth,
        DeployAuth::ApiKey
    );
    assert_eq!(config(&[]).unwrap().deploy_auth, DeployAuth::Default);
    assert!(error(&[("SCAIFLOW_MAX_BODY_BYTES", "12")]).contains("at least 1024"));
    assert!(error(&[("SCAIFLOW_CONTENT_CACHE_MB", "lots")]).contains("megabytes"));
}

#[test]
fn database_urls_are_normalised() {
    let parse = |raw| DatabaseUrl::parse(raw).unwrap();
    assert_eq!(parse("sqlite+aiosqlite:///./x.db"), DatabaseUrl::Sqlite("sqlite://./x.db".into()));
    assert_eq!(
        parse("sqlite+aiosqlite:////var/x.db"),
        DatabaseUrl::Sqlite("sqlite:///var/x.db".into())
    );
    assert_eq!(parse("sqlite::memory:"), DatabaseUrl::Sqlite("sqlite::memory:".into()));
    assert_eq!(
        parse("mariadb://u:p@db/scaiflow"),
        DatabaseUrl::MySql("mysql://u:p@db/scaiflow".into())
    );
    assert_eq!(
        parse("mysql+aiomysql://u:p@db:3306/scaiflow"),
        DatabaseUrl::MySql("mysql://u:p@db:3306/scaiflow".into())
    );
}

#[test]
fn database_passwords_are_never_printed() {
    let url = DatabaseUrl::parse("mysql://scaiflow:s3cret@db:3306/scaiflow").unwrap();
    assert_eq!(format!("{url:?}"), "mysql://scaiflow:***@db:3306/scaiflow");
}

#[test]
fn object_store_urls() {
    assert_eq!(
        ObjectStoreUrl::parse("file:///var/lib/scaiflow").unwrap(),
        ObjectStoreUrl::File("/var/lib/scaiflow".into())
    );
    assert_eq!(
        ObjectStoreUrl::parse("s3://flows-bucket/prod/scaiflow/").unwrap(),
        ObjectStoreUrl::S3 { bucket: "flows-bucket".into(), prefix: Some("prod/scaiflow".into()) }
    );
    assert_eq!(
        ObjectStoreUrl::parse("s3://flows-bucket").unwrap(),
        ObjectStoreUrl::S3 { bucket: "flows-bucket".into(), prefix: None }
    );
}

#[test]
fn local_mode_is_refused_off_loopback() {
    assert!(
        error(&[("SCAIFLOW_API_HOST", "0.0.0.0")]).starts_with("refusing to listen on 0.0.0.0")
    );
    let c =
        config(&[("SCAIFLOW_API_HOST", "0.0.0.0"), ("SCAIFLOW_AUTH_DISABLED", "true")]).unwrap();
    assert_eq!(c.auth, AuthMode::Disabled);
    let c = config(&[("SCAIFLOW_API_HOST", "::1")]).unwrap();
    assert_eq!(c.auth, AuthMode::Local);
}

#[test]
fn scaikey_needs_all_three_settings() {
    let c = config(&[
        ("SCAIFLOW_API_HOST", "0.0.0.0"),
        ("SCAIKEY_BASE_URL", "https://scaikey.example/"),
        ("SCAIFLOW_SCAIKEY_CLIENT_ID", "client"),
        ("SCAIFLOW_SCAIKEY_CLIENT_SECRET", "secret"),
    ])
    .unwrap();
    let AuthMode::ScaiKey(settings) = c.auth else { panic!("expected ScaiKey mode") };
    assert_eq!(settings.base_url, "https://scaikey.example");
    assert_eq!(settings.audience, "client");

    let message = error(&[("SCAIKEY_BASE_URL", "https://scaikey.example")]);
    assert!(
        message.contains("SCAIFLOW_SCAIKEY_CLIENT_ID, SCAIFLOW_SCAIKEY_CLIENT_SECRET missing"),
        "{message}"
    );
}

#[test]
fn aws_settings_are_collected_for_s3() {
    let c =
        config(&[("AWS_REGION", "eu-west-1"), ("AWS_ALLOW_HTTP", "true"), ("OTHER", "x")]).unwrap();
    assert_eq!(
        c.aws,
        vec![
            ("aws_allow_http".to_string(), "true".to_string()),
            ("aws_region".to_string(), "eu-west-1".to_string())
        ]
    );
}

#[test]
fn env_files_are_read_with_quotes_and_comments() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("api.env");
    std::fs::write(&path, "# comment\nSCAIFLOW_API_PORT=9100\nSCAIFLOW_LOG=\"debug,sqlx=warn\"\n")
        .unwrap();
    let mut vars = HashMap::new();
    read_env_file(&path, &mut vars).unwrap();
    assert_eq!(vars["SCAIFLOW_API_PORT"], "9100");
    assert_eq!(vars["SCAIFLOW_LOG"], "debug,sqlx=warn");

    std::fs::write(&path, "NOT VALID LINE\n").unwrap();
    let err = read_env_file(&path, &mut vars).unwrap_err().to_string();
    assert!(err.starts_with("cannot read env file"), "{err}");
}
