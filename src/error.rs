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
    #[error("{0}")]
    Other(String),
    /// The survey definitions could not be loaded (one `FILE:LINE: message` per line).
    #[error("survey definitions:\n{0}")]
    Survey(#[from] crate::survey::LoadError),
    /// The translations could not be loaded.
    #[error("translations:\n{0}")]
    Locale(String),
}
