//! Shared by the benches that take an optional database URL: a fresh PostgreSQL schema of its
//! own, or a fresh SQLite file in a temporary folder, migrated.
use sea_orm::{ConnectionTrait, DatabaseConnection};

/// Returns the connection, the SQLite file's folder (kept while it lives) and the URL a server
/// should be configured with.
pub async fn open_db(url: Option<&str>) -> (DatabaseConnection, Option<tempfile::TempDir>, String) {
    match url {
        Some(url) if url.starts_with("postgres") => {
            // BENCH_SCHEMA names a schema an earlier run left behind, to run again on its data.
            if let Ok(schema) = std::env::var("BENCH_SCHEMA") {
                let db = gradtrace::store::connect_in_schema(url, Some(&schema))
                    .await
                    .expect("postgres schema");
                gradtrace::store::migrate(&db).await.expect("migrate");
                println!("database: PostgreSQL, existing schema {schema}");
                return (db, None, url.to_string());
            }
            let schema = format!("bench_{}", uuid::Uuid::new_v4().simple());
            let admin = gradtrace::store::connect(url).await.expect("postgres");
            admin
                .execute_unprepared(&format!("CREATE SCHEMA {schema}"))
                .await
                .expect("schema");
            let db = gradtrace::store::connect_in_schema(url, Some(&schema))
                .await
                .expect("postgres schema");
            gradtrace::store::migrate(&db).await.expect("migrate");
            println!("database: PostgreSQL, schema {schema} (drop it afterwards)");
            (db, None, url.to_string())
        }
        _ => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}", dir.path().join("bench.db").display());
            let db = gradtrace::store::connect(&url).await.expect("sqlite");
            gradtrace::store::migrate(&db).await.expect("migrate");
            println!("database: SQLite file (WAL)");
            (db, Some(dir), url)
        }
    }
}
