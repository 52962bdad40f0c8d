//! Test support: a fresh database per test on each back-end, and helpers shared by the modules.
use sea_orm::{ConnectionTrait, DatabaseConnection};

/// Where the PostgreSQL tests connect (trust auth on this machine).
pub fn postgres_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

/// A migrated database of its own: a SQLite file in a temp folder, or a PostgreSQL schema.
pub struct TestDb {
    pub db: DatabaseConnection,
    pub url: String,
    pub schema: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let db = gradtrace::store::connect(&url).await.expect("open sqlite");
        gradtrace::store::migrate(&db)
            .await
            .expect("migrate sqlite");
        TestDb {
            db,
            url,
            schema: None,
            _dir: Some(dir),
        }
    }

    pub async fn postgres() -> TestDb {
        let url = postgres_url();
        let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
        let admin = gradtrace::store::connect(&url)
            .await
            .expect("open postgres");
        admin
            .execute_unprepared(&format!("CREATE SCHEMA {schema}"))
            .await
            .expect("create schema");
        admin.close().await.ok();
        let db = gradtrace::store::connect_in_schema(&url, Some(&schema))
            .await
            .expect("open postgres schema");
        gradtrace::store::migrate(&db)
            .await
            .expect("migrate postgres");
        TestDb {
            db,
            url,
            schema: Some(schema),
            _dir: None,
        }
    }
}

impl TestDb {
    /// The URL that reaches this test's data (its schema, on PostgreSQL).
    pub fn full_url(&self) -> String {
        match &self.schema {
            Some(schema) => format!("{}?options[search_path]={schema}", self.url),
            None => self.url.clone(),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(schema) = self.schema.take() {
            let url = self.url.clone();
            // Best effort: drop the test's schema on a thread of its own (Drop cannot await).
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                rt.block_on(async {
                    let db = gradtrace::store::connect(&url).await.ok()?;
                    db.execute_unprepared(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                        .await
                        .ok()
                })
            })
            .join();
        }
    }
}

/// Declares each test twice, once per back-end: `mod NAME { sqlite(), postgres() }`.
/// The body sees `$db: &DatabaseConnection` and `$t: &TestDb`.
#[macro_export]
macro_rules! storage_test {
    ($(#[$m:meta])* async fn $name:ident($t:ident) $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test]
            async fn sqlite() {
                let $t = $crate::common::TestDb::sqlite().await;
                $body
            }
            #[tokio::test]
            async fn postgres() {
                let $t = $crate::common::TestDb::postgres().await;
                $body
            }
        }
    };
}
