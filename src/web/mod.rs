//! The web front door over axum: the respondent's form (and the staff pages). Handlers are thin:
//! extract, call one domain function, render. Errors are mapped to pages once, in `error`.
pub mod assets;
pub mod error;
pub mod form;
pub mod lang;
pub mod security;
pub mod unsubscribe;
pub mod webhooks;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use sea_orm::DatabaseConnection;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;

use crate::clock::Clock;
use crate::config::Config;
use crate::i18n::Localizer;
use crate::survey::Catalog;
use crate::wave::limit::AttemptLimiter;
use crate::wave::token::TokenKeys;

/// Largest request body accepted (a page of answers is a few kilobytes).
pub const BODY_LIMIT: usize = 64 * 1024;

/// Everything a request may need, shared by all requests.
#[derive(Clone)]
pub struct AppState(Arc<Services>);

pub struct Services {
    pub db: DatabaseConnection,
    /// Connections for reads beside `db` on SQLite (`store::readers`).
    pub reader: Option<DatabaseConnection>,
    /// The writer that applies the bot's planned writes in batches (`store::commit`).
    pub committer: Option<Arc<crate::store::commit::Committer>>,
    pub catalog: Catalog,
    pub i18n: Localizer,
    pub config: Config,
    pub keys: TokenKeys,
    /// Key of the CSRF tokens (from `GRADTRACE_SECRET`).
    pub csrf_key: Vec<u8>,
    /// Guards token and code lookups against guessing.
    pub limiter: Arc<dyn AttemptLimiter>,
    pub clock: Arc<dyn Clock>,
    /// The reminder scheduler, for the dashboard's "remind now".
    pub scheduler: crate::remind::Scheduler,
    /// The messaging bot: platform adapters and conversations.
    pub bot: Arc<crate::bot::service::BotService>,
}

impl std::ops::Deref for AppState {
    type Target = Services;
    fn deref(&self) -> &Services {
        &self.0
    }
}

impl AppState {
    pub fn new(services: Services) -> AppState {
        AppState(Arc::new(services))
    }

    /// Whether cookies must be marked Secure (the public address is https).
    pub fn secure_cookies(&self) -> bool {
        self.config.base_url().starts_with("https://")
    }
}

/// The whole application: every route with its middleware.
pub fn router(state: AppState) -> Router {
    let mut app = Router::new()
        .merge(form::routes())
        .merge(crate::dashboard::routes())
        .merge(assets::routes())
        .merge(unsubscribe::routes())
        .merge(webhooks::routes())
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ));
    for layer in security::header_layers() {
        app = app.layer(layer);
    }
    app.with_state(state)
}
