//! Group commit: writes planned elsewhere (the bot's turn computes them without touching the
//! database), applied many to one transaction by a writer of their own.
//!
//! An event of the bot used to hold the database's writer for its whole transaction — begin,
//! four writes, commit, each a round trip after which the event's task waited its turn among
//! all the others — and on SQLite there is one writer. Here a thread of its own takes whatever
//! jobs are waiting, applies them in one transaction with no one else's work in between, and
//! commits them together; each job's caller hears back once its writes are committed (or why
//! they were not). Every write may say how many rows it must touch: a guard that found the row
//! changed (touched 0 rows) fails its job with `Error::Conflict`, and the job's caller does the
//! work again the slow way, from what is stored now.
//!
//! A batch is all or nothing: when one of its jobs fails, the batch is rolled back and each of
//! its jobs is applied again alone, so only the failing job fails.
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, Statement, StatementBuilder, TransactionTrait,
};
use tokio::sync::{mpsc, oneshot};

use crate::error::{Error, Result};

/// The most jobs applied in one transaction.
const BATCH: usize = 256;

/// One statement of a job, and the number of rows it must touch, if it matters.
#[derive(Debug, Clone)]
pub struct Write {
    pub statement: Statement,
    pub expect: Option<u64>,
}

impl Write {
    pub fn new<S: StatementBuilder>(backend: DbBackend, statement: &S) -> Write {
        Write {
            statement: backend.build(statement),
            expect: None,
        }
    }

    /// The statement must touch exactly `rows` rows, else its job fails with a conflict.
    pub fn expecting(mut self, rows: u64) -> Write {
        self.expect = Some(rows);
        self
    }
}

struct Job {
    writes: Vec<Write>,
    done: oneshot::Sender<Result<()>>,
}

/// The writer: a thread with a runtime of its own, so that it is woken the moment a statement
/// returns, not when the server's busy workers get round to it. On SQLite it writes through the
/// pool's one connection (SQLite has one writer); on PostgreSQL through a connection of its own
/// opened on its own runtime (a connection answers through the runtime that opened it: one of
/// the server's would wake the writer only when the server's busy workers get round to it).
/// One writer, not several: the fewer the writers, the more jobs each transaction commits.
pub struct Committer {
    jobs: mpsc::UnboundedSender<Job>,
}

impl Committer {
    /// Starts the writer: on `db` itself for SQLite, else on a connection of its own to `url`.
    /// It stops when the committer is dropped.
    pub async fn start(db: DatabaseConnection, url: &str) -> Result<Committer> {
        let (jobs, queue) = mpsc::unbounded_channel();
        let (ready, started) = oneshot::channel();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let url = url.to_string();
        std::thread::Builder::new()
            .name("gradtrace-commit".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let own = match db.get_database_backend() {
                        DbBackend::Sqlite => Ok(db),
                        _ => crate::store::connect_single(&url).await,
                    };
                    match own {
                        Ok(db) => {
                            let _ = ready.send(Ok(()));
                            run(db, queue).await;
                        }
                        Err(e) => {
                            let _ = ready.send(Err(e));
                        }
                    }
                })
            })?;
        started.await.map_err(|_| stopped())??;
        Ok(Committer { jobs })
    }

    /// Applies `writes` in one transaction with whatever else is waiting; Ok once committed.
    pub async fn commit(&self, writes: Vec<Write>) -> Result<()> {
        let (done, result) = oneshot::channel();
        self.jobs
            .send(Job { writes, done })
            .map_err(|_| stopped())?;
        result.await.map_err(|_| stopped())?
    }
}

fn stopped() -> Error {
    Error::Other("the database writer has stopped".into())
}

async fn run(db: DatabaseConnection, mut queue: mpsc::UnboundedReceiver<Job>) {
    let mut jobs = Vec::with_capacity(BATCH);
    while queue.recv_many(&mut jobs, BATCH).await > 0 {
        // A job whose caller is gone (its request was dropped) is not applied: nobody heard
        // of it, and the platform sends the message again.
        jobs.retain(|j| !j.done.is_closed());
        if jobs.is_empty() {
            continue;
        }
        let all = jobs.iter().map(|j| j.writes.as_slice());
        match apply(&db, all).await {
            Ok(()) => {
                for job in jobs.drain(..) {
                    let _ = job.done.send(Ok(()));
                }
            }
            Err(e) if jobs.len() == 1 => {
                if let Some(job) = jobs.pop() {
                    let _ = job.done.send(Err(e));
                }
            }
            Err(_) => {
                for job in jobs.drain(..) {
                    let result = apply(&db, std::iter::once(job.writes.as_slice())).await;
                    let _ = job.done.send(result);
                }
            }
        }
    }
}

/// Applies the jobs' writes in one transaction.
async fn apply<'a>(db: &DatabaseConnection, jobs: impl Iterator<Item = &'a [Write]>) -> Result<()> {
    match db.get_database_backend() {
        DbBackend::Sqlite => sqlite::apply(db, jobs).await,
        _ => apply_each(db, jobs).await,
    }
}

/// One statement at a time through sea-orm (PostgreSQL).
async fn apply_each<'a>(
    db: &DatabaseConnection,
    jobs: impl Iterator<Item = &'a [Write]>,
) -> Result<()> {
    let txn = db.begin().await?;
    let result = async {
        for writes in jobs {
            for w in writes {
                let done = txn.execute_raw(w.statement.clone()).await?;
                check(w, done.rows_affected())?;
            }
        }
        Ok(())
    }
    .await;
    crate::store::finish(txn, result).await
}

fn check(w: &Write, rows: u64) -> Result<()> {
    match w.expect {
        Some(expected) if expected != rows => Err(Error::Conflict(format!(
            "a planned write touched {rows} rows, not {expected}: the row changed meanwhile"
        ))),
        _ => Ok(()),
    }
}

/// SQLite: the whole batch in one go on the pool's own connection. sqlx runs a SQLite
/// connection on a thread of its own and every statement is a round trip to it; here the
/// writer borrows the connection's handle (`lock_handle`, sqlx's door for other libraries) and
/// runs the batch on it directly through rusqlite, built on the same libsqlite3-sys.
mod sqlite {
    use rusqlite::types::Value as Sql;
    use sea_orm::{DatabaseConnection, Value};

    use super::{Write, check};
    use crate::error::{Error, Result};

    pub(super) async fn apply<'a>(
        db: &DatabaseConnection,
        jobs: impl Iterator<Item = &'a [Write]>,
    ) -> Result<()> {
        let mut conn = db
            .get_sqlite_connection_pool()
            .acquire()
            .await
            .map_err(|e| Error::Other(format!("database: {e}")))?;
        let mut locked = conn
            .lock_handle()
            .await
            .map_err(|e| Error::Other(format!("database: {e}")))?;
        let handle = locked.as_raw_handle().as_ptr();
        // SAFETY: `locked` keeps sqlx's worker off the connection until it is dropped, and the
        // rusqlite wrapper — which does not close a handle it was given — is dropped first, at
        // the end of this block, with the statements it prepared. Both crates are built on the
        // one libsqlite3-sys, so the handle's type is the same.
        let result = unsafe { rusqlite::Connection::from_handle(handle) }
            .map_err(sql_error)
            .and_then(|c| run(&c, jobs));
        drop(locked);
        result
    }

    fn run<'a>(c: &rusqlite::Connection, jobs: impl Iterator<Item = &'a [Write]>) -> Result<()> {
        // IMMEDIATE: the write lock at once, as every statement here writes.
        c.execute_batch("BEGIN IMMEDIATE").map_err(sql_error)?;
        let result = jobs.flatten().try_for_each(|w| {
            let mut statement = c.prepare_cached(&w.statement.sql).map_err(sql_error)?;
            let values = w
                .statement
                .values
                .iter()
                .flat_map(|v| v.0.iter())
                .map(value)
                .collect::<Result<Vec<_>>>()?;
            let rows = statement
                .execute(rusqlite::params_from_iter(values))
                .map_err(sql_error)?;
            check(w, rows as u64)
        });
        match result {
            Ok(()) => c.execute_batch("COMMIT").map_err(sql_error),
            Err(e) => {
                // Whatever went wrong, the connection goes back to the pool with no
                // transaction open.
                let _ = c.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    fn sql_error(e: rusqlite::Error) -> Error {
        Error::Other(format!("database: {e}"))
    }

    /// A value as sqlx would bind it to SQLite (`sea-query-sqlx`, sqlx's `Encode`s): the same
    /// column must read the same whichever way it was written (times as RFC 3339 text, JSON as
    /// text, UUIDs as 16 bytes, booleans as 0 and 1).
    pub(super) fn value(v: &Value) -> Result<Sql> {
        use chrono::SecondsFormat::AutoSi;
        fn or_null<T>(v: &Option<T>, f: impl FnOnce(&T) -> Sql) -> Sql {
            v.as_ref().map_or(Sql::Null, f)
        }
        Ok(match v {
            Value::Bool(b) => or_null(b, |b| Sql::Integer(i64::from(*b))),
            Value::TinyInt(i) => or_null(i, |i| Sql::Integer(i64::from(*i))),
            Value::SmallInt(i) => or_null(i, |i| Sql::Integer(i64::from(*i))),
            Value::Int(i) => or_null(i, |i| Sql::Integer(i64::from(*i))),
            Value::BigInt(i) => or_null(i, |i| Sql::Integer(*i)),
            Value::TinyUnsigned(i) => or_null(i, |i| Sql::Integer(i64::from(*i))),
            Value::SmallUnsigned(i) => or_null(i, |i| Sql::Integer(i64::from(*i))),
            Value::Unsigned(i) => or_null(i, |i| Sql::Integer(i64::from(*i))),
            Value::BigUnsigned(Some(i)) => Sql::Integer(
                i64::try_from(*i).map_err(|_| Error::Invalid(format!("{i} is too large")))?,
            ),
            Value::BigUnsigned(None) => Sql::Null,
            Value::Float(f) => or_null(f, |f| Sql::Real(f64::from(*f))),
            Value::Double(f) => or_null(f, |f| Sql::Real(*f)),
            Value::String(s) => or_null(s, |s| Sql::Text(s.clone())),
            Value::Char(c) => or_null(c, |c| Sql::Text(c.to_string())),
            Value::Bytes(b) => or_null(b, |b| Sql::Blob(b.clone())),
            Value::Json(j) => or_null(j, |j| Sql::Text(j.to_string())),
            Value::ChronoDate(d) => or_null(d, |d| Sql::Text(d.format("%F").to_string())),
            Value::ChronoTime(t) => or_null(t, |t| Sql::Text(t.format("%T%.f").to_string())),
            Value::ChronoDateTime(t) => or_null(t, |t| Sql::Text(t.format("%F %T%.f").to_string())),
            Value::ChronoDateTimeUtc(t) => {
                or_null(t, |t| Sql::Text(t.to_rfc3339_opts(AutoSi, false)))
            }
            Value::ChronoDateTimeLocal(t) => {
                or_null(t, |t| Sql::Text(t.to_rfc3339_opts(AutoSi, false)))
            }
            Value::ChronoDateTimeWithTimeZone(t) => {
                or_null(t, |t| Sql::Text(t.to_rfc3339_opts(AutoSi, false)))
            }
            Value::Uuid(u) => or_null(u, |u| Sql::Blob(u.as_bytes().to_vec())),
            other => {
                return Err(Error::Invalid(format!(
                    "a planned write cannot carry {other:?}"
                )));
            }
        })
    }
}
