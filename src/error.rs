//! The one error type of the library, mapped once to HTTP responses (in `web`) and CLI messages.
use thiserror::Error;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, Error)]
pub enum Error {
    #[error("configuration: {0}")]
    Config(String),
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("invalid input: {0}")]
    Invalid(String),
    #[error("forbidden")]
    Forbidden,
    #[error("unauthorized")]
    Unauthorized,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    #[error("import: {0}")]
    Import(#[from] crate::roster::FileProblem),
    #[error("bot: {0}")]
    Bot(#[from] crate::bot::BotError),
    #[error("{0}")]
    Other(String),
    /// A code or token lookup refused because its key failed too often (see `wave::limit`).
    #[error("too many attempts; try again in {} minute(s)", .retry_after.as_secs().div_ceil(60).max(1))]
    TooManyAttempts { retry_after: std::time::Duration },
    /// An invitation link or code past its validity (wave close + 30 days, or one year).
    #[error("this invitation has expired")]
    LinkExpired,
    #[error("redis: {0}")]
    Redis(#[from] redis::RedisError),
    /// The survey definitions could not be loaded (one `FILE:LINE: message` per line).
    #[error("survey definitions:\n{0}")]
    Survey(#[from] crate::survey::LoadError),
    /// The translations could not be loaded.
    #[error("translations:\n{0}")]
    Locale(String),
    /// An e-mail could not be sent (SMTP refused or unreachable).
    #[error("mail: {0}")]
    Mail(String),
    /// A background task of a request (e.g. one of the concurrent reads) panicked or was
    /// cancelled.
    #[error("task: {0}")]
    Task(#[from] tokio::task::JoinError),
}
