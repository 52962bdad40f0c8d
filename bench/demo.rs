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

/// CPU seconds this process has used (user + system), from `/proc/self/stat` (Linux; clock
/// ticks of 1/100 s); 0 elsewhere. On a shared machine this, not wall time, says how long the
/// work takes when a core is free.
fn process_cpu() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which may hold spaces) start at the state, field 3.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

async fn bench(db: &DatabaseConnection, name: &str, catalog: &Catalog) -> Result<()> {
    let clock = ManualClock::at(
        Utc.with_ymd_and_hms(2025, 9, 1, 2, 0, 0)
            .single()
            .ok_or("bad date")?,
    );
    gradtrace::store::migrate(db).await?;
    let (started, cpu) = (Instant::now(), process_cpu());
    let seeded = gradtrace::demo::seed(db, catalog, &clock).await?;
    let (fresh, fresh_cpu) = (started.elapsed().as_secs_f64(), process_cpu() - cpu);
    let (started, cpu) = (Instant::now(), process_cpu());
    let again = gradtrace::demo::seed(db, catalog, &clock).await?;
    let (refresh, refresh_cpu) = (started.elapsed().as_secs_f64(), process_cpu() - cpu);
    println!(
        "{name:<9} fresh {fresh:6.2} s wall, {fresh_cpu:5.2} s CPU ({} graduates, {} responses, \
         {} answers) | refresh {refresh:5.2} s wall, {refresh_cpu:4.2} s CPU ({} new responses)",
        seeded.graduates.values().sum::<usize>(),
        seeded.responses_created,
        seeded.answers_saved,
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
