//! Start-up storage: migrations create the schema and are safe to run again.

use scaiflow_server::storage::db::Database;

use crate::TestApp;

#[tokio::test]
async fn migrations_create_the_flows_table_and_rerun_cleanly() {
    let app = TestApp::local().await;
    let Database::Sqlite(pool) = &app.state.db else { panic!("tests use SQLite") };
    let columns: Vec<String> =
        sqlx::query_scalar("SELECT name FROM pragma_table_info('flows') ORDER BY cid")
            .fetch_all(pool)
            .await
            .unwrap();
    assert_eq!(
        columns,
        [
            "id",
            "tenant_id",
            "owner_id",
            "name",
            "description",
            "current_version",
            "created_at",
            "updated_at",
            "deleted_at"
        ]
    );
    app.state.db.migrate().await.expect("second run is a no-op");
}

#[tokio::test]
async fn a_database_in_a_missing_directory_is_a_clear_startup_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = crate::config_in(&dir);
    config.database = scaiflow_server::config::DatabaseUrl::parse(&format!(
        "sqlite://{}/missing/dir/x.db",
        dir.path().display()
    ))
    .unwrap();
    let err = scaiflow_server::state::AppState::open(config).await.err().unwrap().to_string();
    assert!(err.starts_with("cannot open database sqlite://"), "{err}");
}
