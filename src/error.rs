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
    #[error("bot: {0}")]
    Bot(#[from] crate::bot::BotError),
    #[error("{0}")]
    Other(String),
}
