//! Demo seeding benchmark: seeds the `gradtrace demo` school into a fresh SQLite file and a fresh
//! PostgreSQL schema (the clock fixed at 2025-09-01, so every run makes the same school), then
//! seeds again (the refresh every later `gradtrace demo` does), and prints seconds and counts.
//!
//! Run: `cargo bench --bench demo --profile dev -- [SURVEYS_DIR]` (default `surveys`;
//! `TEST_POSTGRES_URL` names the PostgreSQL server, default
//! `postgres://postgres@127.0.0.1:5432/test`).
use std::error::Error;
use std::path::PathBuf;
use std::time::Instant;

use chrono::{TimeZone, Utc};
use gradtrace::clock::ManualClock;
use gradtrace::survey::Catalog;
use sea_orm::{ConnectionTrait, DatabaseConnection};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

async fn bench(db: &DatabaseConnection, name: &str, catalog: &Catalog) -> Result<()> {
    let clock = ManualClock::at(
        Utc.with_ymd_and_hms(2025, 9, 1, 2, 0, 0)
            .single()
            .ok_or("bad date")?,
    );
    gradtrace::store::migrate(db).await?;
    let started = Instant::now();
    let seeded = gradtrace::demo::seed(db, catalog, &clock).await?;
    let fresh = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let again = gradtrace::demo::seed(db, catalog, &clock).await?;
    let refresh = started.elapsed().as_secs_f64();
    println!(
        "{name:<9} fresh {fresh:6.2} s ({} graduates, {} responses, {} answers: {:.2} ms a response) \
         | refresh {refresh:5.2} s ({} new responses)",
        seeded.graduates.values().sum::<usize>(),
        seeded.responses_created,
        seeded.answers_saved,
        fresh * 1000.0 / seeded.responses_created.max(1) as f64,
        again.responses_created,
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    let surveys = std::env::args()
        .nth(1)
        .filter(|a| !a.starts_with('-'))
        .map_or_else(|| PathBuf::from("surveys"), PathBuf::from);
    let catalog = Catalog::load(&surveys)?;
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        println!("load average at start: {}", load.trim());
    }

    let dir = tempfile::tempdir()?;
    let sqlite_url = format!("sqlite://{}", dir.path().join("demo.db").display());
    let db = gradtrace::store::connect(&sqlite_url).await?;
    bench(&db, "sqlite", &catalog).await?;
    db.close().await?;

    let pg_url = std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
    let admin = match gradtrace::store::connect(&pg_url).await {
        Ok(db) => db,
        Err(e) => {
            println!("postgres  skipped: {e}");
            return Ok(());
        }
    };
    let schema = format!("bench_{}", uuid::Uuid::new_v4().simple());
    admin
        .execute_unprepared(&format!("CREATE SCHEMA {schema}"))
        .await?;
    let outcome = async {
        let db = gradtrace::store::connect_in_schema(&pg_url, Some(&schema)).await?;
        let result = bench(&db, "postgres", &catalog).await;
        db.close().await?;
        result
    }
    .await;
    admin
        .execute_unprepared(&format!("DROP SCHEMA {schema} CASCADE"))
        .await?;
    outcome
}
