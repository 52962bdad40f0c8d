//! Whole-table reads for the indicators: a query's rows handed one by one to a closure that
//! reads them by column position (`ByPosition`), on whichever driver reads fastest.
//!
//! * A SQLite file is read on a read-only connection of the scan's own (rusqlite), on a blocking
//!   thread: sqlx runs SQLite on a worker thread and hands every row through a channel with a
//!   copy of every value, which cost about 17 µs a row; stepping the statement in place costs
//!   well under one. Several scans run at once beside the pool's writer (WAL).
//! * PostgreSQL rows come straight from sqlx's pool (sea-orm's `QueryResult` formats the column
//!   index into a string for every value it reads).
//! * Anything else (a SQLite database in memory) goes through sea-orm.
use std::path::PathBuf;
use std::time::Duration;

use futures::TryStreamExt;
use rusqlite::OpenFlags;
use sea_orm::sea_query::{SelectStatement, Value};
use sea_orm::sqlx::{self, Row as _};
use sea_orm::{DatabaseConnection, DbBackend, DbErr, QueryResult, StreamTrait};

use crate::error::{Error, Result};

/// A row read by column position.
pub trait ByPosition {
    fn small(&self, i: usize) -> Result<Option<i16>, DbErr>;
    fn int(&self, i: usize) -> Result<Option<i32>, DbErr>;
    fn real(&self, i: usize) -> Result<Option<f64>, DbErr>;
    fn text(&self, i: usize) -> Result<Option<String>, DbErr>;
    fn flag(&self, i: usize) -> Result<Option<bool>, DbErr>;
}

/// `ByPosition` for a driver's row type whose getter is `$get` with error mapping `$err`.
macro_rules! by_position {
    ($row:ty, |$r:ident, $i:ident| $get:expr) => {
        impl ByPosition for $row {
            fn small(&self, $i: usize) -> Result<Option<i16>, DbErr> {
                let $r = self;
                $get
            }
            fn int(&self, $i: usize) -> Result<Option<i32>, DbErr> {
                let $r = self;
                $get
            }
            fn real(&self, $i: usize) -> Result<Option<f64>, DbErr> {
                let $r = self;
                $get
            }
            fn text(&self, $i: usize) -> Result<Option<String>, DbErr> {
                let $r = self;
                $get
            }
            fn flag(&self, $i: usize) -> Result<Option<bool>, DbErr> {
                let $r = self;
                $get
            }
        }
    };
}

by_position!(QueryResult, |r, i| r.try_get_by_index(i));
by_position!(rusqlite::Row<'_>, |r, i| r.get(i).map_err(sqlite_err));
by_position!(sqlx::postgres::PgRow, |r, i| r
    .try_get(i)
    .map_err(|e| DbErr::Custom(format!("postgres scan: {e}"))));

fn sqlite_err(e: rusqlite::Error) -> DbErr {
    DbErr::Custom(format!("sqlite scan: {e}"))
}

/// The database file behind `db` when it is SQLite on disk (not in memory, not PostgreSQL).
pub fn sqlite_file(db: &DatabaseConnection) -> Option<PathBuf> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return None;
    }
    let options = db.get_sqlite_connection_pool().connect_options();
    let path = options.get_filename();
    path.is_file().then(|| path.to_path_buf())
}

/// Whether scans of `db` can run at once (a SQLite database in memory has only its pool's one
/// connection).
pub fn concurrent(db: &DatabaseConnection) -> bool {
    db.get_database_backend() == DbBackend::Postgres || sqlite_file(db).is_some()
}

fn unsupported(v: &Value) -> Error {
    Error::Other(format!("scan: unsupported parameter {v:?}"))
}

fn sqlite_value(v: Value) -> Result<rusqlite::types::Value> {
    use rusqlite::types::Value as Sql;
    Ok(match v {
        Value::Bool(b) => b.map_or(Sql::Null, |b| Sql::Integer(b.into())),
        Value::SmallInt(i) => i.map_or(Sql::Null, |i| Sql::Integer(i.into())),
        Value::Int(i) => i.map_or(Sql::Null, |i| Sql::Integer(i.into())),
        Value::BigInt(i) => i.map_or(Sql::Null, Sql::Integer),
        Value::Double(f) => f.map_or(Sql::Null, Sql::Real),
        Value::String(s) => s.map_or(Sql::Null, Sql::Text),
        other => return Err(unsupported(&other)),
    })
}

type PgQuery<'q> = sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>;

fn bind_pg(q: PgQuery<'_>, v: Value) -> Result<PgQuery<'_>> {
    Ok(match v {
        Value::Bool(b) => q.bind(b),
        Value::SmallInt(i) => q.bind(i),
        Value::Int(i) => q.bind(i),
        Value::BigInt(i) => q.bind(i),
        Value::Double(f) => q.bind(f),
        Value::String(s) => q.bind(s),
        other => return Err(unsupported(&other)),
    })
}

/// Runs `query`, calling `each` with every row in turn; returns `state` as `each` left it.
pub async fn scan<S, F>(
    db: &DatabaseConnection,
    query: &SelectStatement,
    state: S,
    each: F,
) -> Result<S>
where
    S: Send + 'static,
    F: FnMut(&mut S, &dyn ByPosition) -> Result<()> + Send + 'static,
{
    if let Some(path) = sqlite_file(db) {
        return scan_sqlite(path, DbBackend::Sqlite.build(query), state, each).await;
    }
    let mut state = state;
    let mut each = each;
    if db.get_database_backend() == DbBackend::Postgres {
        let stmt = DbBackend::Postgres.build(query);
        // Built by sea-query with every value bound as a parameter.
        let mut q = sqlx::query(sqlx::AssertSqlSafe(stmt.sql));
        for v in stmt.values.map(|v| v.0).unwrap_or_default() {
            q = bind_pg(q, v)?;
        }
        let mut rows = q.fetch(db.get_postgres_connection_pool());
        while let Some(row) = rows
            .try_next()
            .await
            .map_err(|e| DbErr::Custom(format!("postgres scan: {e}")))?
        {
            each(&mut state, &row)?;
        }
        return Ok(state);
    }
    let mut rows = db.stream(query).await?;
    while let Some(row) = rows.try_next().await? {
        each(&mut state, &row)?;
    }
    Ok(state)
}

async fn scan_sqlite<S, F>(
    path: PathBuf,
    stmt: sea_orm::Statement,
    mut state: S,
    mut each: F,
) -> Result<S>
where
    S: Send + 'static,
    F: FnMut(&mut S, &dyn ByPosition) -> Result<()> + Send + 'static,
{
    let run = move || -> Result<S> {
        let err = |e| Error::Db(sqlite_err(e));
        let conn = rusqlite::Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(err)?;
        conn.busy_timeout(Duration::from_secs(10)).map_err(err)?;
        let params = stmt
            .values
            .map(|v| v.0)
            .unwrap_or_default()
            .into_iter()
            .map(sqlite_value)
            .collect::<Result<Vec<_>>>()?;
        let mut prepared = conn.prepare(&stmt.sql).map_err(err)?;
        let mut rows = prepared
            .query(rusqlite::params_from_iter(params))
            .map_err(err)?;
        while let Some(row) = rows.next().map_err(err)? {
            each(&mut state, row)?;
        }
        Ok(state)
    };
    tokio::task::spawn_blocking(run).await?
}
