//! Storage underneath: migrations create the schema and are safe to run again, and a deadlock
//! the database breaks is told apart from other failures.

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

/// On MariaDB, two transactions that each lock a row the other then asks for end in a deadlock:
/// one is rolled back with the error `retrying_deadlocks` runs again, the other goes through.
#[tokio::test]
async fn a_real_deadlock_is_recognised_as_one() {
    let app = TestApp::new().await;
    let Database::MySql(pool) = &app.state.db else {
        return; // SQLite takes one writer at a time: its writes never deadlock
    };
    sqlx::query("CREATE TABLE deadlock_rows (id INT PRIMARY KEY, n INT NOT NULL)")
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO deadlock_rows VALUES (1, 0), (2, 0)").execute(pool).await.unwrap();
    let bump = "UPDATE deadlock_rows SET n = n + 1 WHERE id = ?";
    let (mut first, mut second) = (pool.begin().await.unwrap(), pool.begin().await.unwrap());
    sqlx::query(bump).bind(1).execute(&mut *first).await.unwrap();
    sqlx::query(bump).bind(2).execute(&mut *second).await.unwrap();
    // Each now asks for the row the other holds.
    let (a, b) = tokio::join!(
        sqlx::query(bump).bind(2).execute(&mut *first),
        sqlx::query(bump).bind(1).execute(&mut *second),
    );
    let outcomes = [a.map(|_| ()), b.map(|_| ())];
    let victims: Vec<&sqlx::Error> = outcomes.iter().filter_map(|o| o.as_ref().err()).collect();
    assert_eq!(victims.len(), 1, "{outcomes:?}");
    assert!(scaiflow_server::storage::db::is_deadlock(victims[0]), "{:?}", victims[0]);
}
