//! The messaging front door: platform adapters (WeChat Official Account, Telegram, WhatsApp
//! Cloud) behind one `Channel` trait, outbound rendering, the forgiving reply parser and the chat
//! commands. The conversation over the survey engine sits on top of these pure pieces.
pub mod adapters;
pub mod commands;
pub mod config;
pub mod conversation;
pub mod outbound;
pub mod parse;
pub mod region;
pub mod render;
pub mod service;
pub mod store;

pub use crate::clock::Clock;
pub use adapters::{
    Channel, HttpReply, Inbound, InboundKind, InboundRequest, Platform, ReplyContext, SendReceipt,
};
pub use config::BotConfig;
pub use outbound::{Choice, OutboundMessage};

/// Everything that can go wrong between a platform and the bot. Messages never carry secrets
/// (tokens, access tokens, signatures) nor personal data (message text, names, phone numbers):
/// they are written to logs as they are.
#[derive(Debug, thiserror::Error)]
pub enum BotError {
    /// The request's signature, secret header or verify token does not match.
    #[error("bad signature")]
    BadSignature,
    /// The request's timestamp is outside the accepted window (replayed or clock skew).
    #[error("stale request: timestamp {age_secs} s away from now")]
    Stale { age_secs: i64 },
    /// Safe mode is configured but the request came in plaintext.
    #[error("encrypted message required")]
    EncryptionRequired,
    /// The body or query is not what the platform sends.
    #[error("malformed request: {0}")]
    Malformed(String),
    /// The encrypted payload could not be decrypted with any configured key.
    #[error("cannot decrypt: {0}")]
    Decrypt(&'static str),
    /// The decrypted payload is addressed to another application (AppID mismatch).
    #[error("message for another app id")]
    WrongApp,
    /// The body is larger than any message the platform sends.
    #[error("request body too large ({0} bytes)")]
    TooLarge(usize),
    /// The HTTP method is not used by this webhook.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// A setting needed for this operation is missing.
    #[error("bot not configured: {0} is not set")]
    NotConfigured(&'static str),
    /// The platform could not be reached (network, timeout, 5xx); worth retrying later.
    #[error("platform unreachable: {0}")]
    Unreachable(String),
    /// The platform asks us to slow down.
    #[error("throttled by the platform (retry after {retry_after:?} s)")]
    Throttled { retry_after: Option<u64> },
    /// The user blocked the bot, unfollowed the account or cannot be reached any more.
    #[error("contact stopped: {0}")]
    ContactStopped(String),
    /// Free-form messages are not allowed now (WeChat 48 h quota, WhatsApp 24 h window).
    #[error("messaging window closed ({0})")]
    WindowClosed(String),
    /// The platform refused the call with its own error code.
    #[error("platform error {code}: {message}")]
    Platform { code: i64, message: String },
    /// The platform answered something we cannot read.
    #[error("unexpected platform response: {0}")]
    UnexpectedResponse(String),
}

impl BotError {
    /// The HTTP status a webhook answers with when this error stops an inbound request.
    pub fn status(&self) -> u16 {
        match self {
            BotError::BadSignature | BotError::WrongApp => 403,
            BotError::Stale { .. } | BotError::EncryptionRequired => 403,
            BotError::Malformed(_) | BotError::Decrypt(_) => 400,
            BotError::TooLarge(_) => 413,
            BotError::MethodNotAllowed => 405,
            BotError::NotConfigured(_) => 503,
            BotError::Unreachable(_)
            | BotError::Throttled { .. }
            | BotError::ContactStopped(_)
            | BotError::WindowClosed(_)
            | BotError::Platform { .. }
            | BotError::UnexpectedResponse(_) => 502,
        }
    }

    /// Whether sending again later may succeed (network trouble or throttling).
    pub fn is_retryable(&self) -> bool {
        matches!(self, BotError::Unreachable(_) | BotError::Throttled { .. })
    }

    /// A reqwest error without its URL, which may hold an access token or the bot token.
    pub(crate) fn from_http(e: reqwest::Error) -> BotError {
        let e = e.without_url();
        let what = if e.is_timeout() {
            "timeout".to_string()
        } else if e.is_connect() {
            "connection failed".to_string()
        } else {
            e.to_string()
        };
        BotError::Unreachable(what)
    }
}

/// Now, in Unix seconds, as the platforms count time.
pub(crate) fn unix_now(clock: &dyn Clock) -> i64 {
    clock.now().timestamp()
}
