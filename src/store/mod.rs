//! Storage: the database connection, migrations, and the sea-orm entities. Knows no HTTP.
pub mod commit;
pub mod entities;
pub mod facts;
pub mod indicators;
pub mod responses;
pub mod roster;
pub mod scan;
pub mod survey_versions;

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction,
    TransactionTrait,
};

use crate::error::{Error, Result};

/// Opens the database named by `url` (`sqlite://FILE` creates the file when missing).
pub async fn connect(url: &str) -> Result<DatabaseConnection> {
    connect_in_schema(url, None).await
}

/// Opens the database with a PostgreSQL `search_path` (used to isolate tests in their own schema).
pub async fn connect_in_schema(url: &str, schema: Option<&str>) -> Result<DatabaseConnection> {
    connect_with(url, schema, None).await
}

/// Connections for reads beside `db`, opened on `url`, for a SQLite file: a pool of its own
/// (SQLite serves readers beside its one writer in WAL mode, so a read need not queue behind
/// the writer's single pooled connection). Eight: a read holds its connection until its task
/// is next polled, which under load is a while, and with two the bot's reads queued for them
/// (`docs/benchmarks.md`). None for anything else: PostgreSQL's pool has connections enough.
pub async fn readers(db: &DatabaseConnection, url: &str) -> Result<Option<DatabaseConnection>> {
    if scan::sqlite_file(db).is_none() {
        return Ok(None);
    }
    Ok(Some(connect_with(url, None, Some(8)).await?))
}

/// A pool of one connection to `url` (`store::commit`'s writers on PostgreSQL).
pub async fn connect_single(url: &str) -> Result<DatabaseConnection> {
    connect_with(url, None, Some(1)).await
}

async fn connect_with(
    url: &str,
    schema: Option<&str>,
    max_connections: Option<u32>,
) -> Result<DatabaseConnection> {
    let url = if url.starts_with("sqlite:") && !url.contains("mode=") && !url.contains(":memory:") {
        let sep = if url.contains('?') { '&' } else { '?' };
        format!("{url}{sep}mode=rwc")
    } else {
        url.to_string()
    };
    let mut opts = ConnectOptions::new(url);
    opts.sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(30));
    if let Some(schema) = schema {
        opts.set_schema_search_path(schema.to_string());
    }
    if let Some(n) = max_connections {
        opts.max_connections(n);
    }
    // SQLite settings are per connection: every pooled connection gets them, not only the first.
    // WAL lets readers go on while one writer writes; NORMAL sync is safe with WAL (no fsync on
    // every commit); foreign keys on; a writer waits for the lock rather than failing at once.
    opts.map_sqlx_sqlite_opts(|o| {
        o.pragma("journal_mode", "WAL")
            .pragma("synchronous", "NORMAL")
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
    });
    let db = Database::connect(opts)
        .await
        .map_err(|e| Error::Config(format!("cannot open database: {e}")))?;
    Ok(db)
}

/// A connection a few statements can be made atomic on: a transaction of their own on a pooled
/// connection, or the caller's own when it is one already. No savepoint then: two round trips
/// fewer (the bot saves every answer inside its event's transaction), and if the statements
/// fail, the caller's whole transaction fails with them.
pub trait Atomic: ConnectionTrait + TransactionTrait + Sync {
    fn in_transaction(&self) -> bool;
}

impl Atomic for DatabaseConnection {
    fn in_transaction(&self) -> bool {
        false
    }
}

impl Atomic for DatabaseTransaction {
    fn in_transaction(&self) -> bool {
        true
    }
}

/// Ends a transaction: commits when `result` is Ok, rolls back at once otherwise. A transaction
/// that is merely dropped keeps its locks until its pooled connection is next used, which can
/// stall DDL and other writers on PostgreSQL.
pub async fn finish<T, S: sea_orm::TransactionSession>(txn: S, result: Result<T>) -> Result<T> {
    match result {
        Ok(value) => {
            txn.commit().await?;
            Ok(value)
        }
        Err(e) => {
            // The original error matters more than a failed rollback (the server ends the
            // transaction anyway when the connection closes).
            let _ = txn.rollback().await;
            Err(e)
        }
    }
}

/// Applies pending migrations.
pub async fn migrate(db: &DatabaseConnection) -> Result<()> {
    Migrator::up(db, None).await?;
    Ok(())
}
