//! The messaging platforms' webhooks: `/webhooks/wechat`, `/webhooks/telegram`,
//! `/webhooks/whatsapp`. Thin: the raw request (the body is kept as bytes, signatures cover
//! them) goes to the bot service, whose answer is sent back as is.
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::AppState;
use crate::bot::adapters::MAX_BODY_BYTES;
use crate::bot::conversation::Deps;
use crate::bot::{InboundRequest, Platform};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/webhooks/wechat", get(wechat).post(wechat))
        .route("/webhooks/telegram", get(telegram).post(telegram))
        .route("/webhooks/whatsapp", get(whatsapp).post(whatsapp))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}

async fn wechat(s: State<AppState>, m: Method, u: Uri, h: HeaderMap, b: Bytes) -> Response {
    hook(s, Platform::WeChat, m, u, h, b).await
}

async fn telegram(s: State<AppState>, m: Method, u: Uri, h: HeaderMap, b: Bytes) -> Response {
    hook(s, Platform::Telegram, m, u, h, b).await
}

async fn whatsapp(s: State<AppState>, m: Method, u: Uri, h: HeaderMap, b: Bytes) -> Response {
    hook(s, Platform::WhatsApp, m, u, h, b).await
}

async fn hook(
    State(state): State<AppState>,
    platform: Platform,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let req = InboundRequest::new(method, uri.query(), headers, body);
    let base_url = state.config.base_url();
    let deps = Deps {
        db: &state.db,
        reader: state.reader.as_ref(),
        committer: state.committer.as_deref(),
        catalog: &state.catalog,
        i18n: &state.i18n,
        limiter: state.limiter.as_ref(),
        keys: &state.keys,
        regions: &state.bot.regions,
        base_url: &base_url,
        now: state.clock.now(),
        today: state.clock.today(),
    };
    state
        .bot
        .webhook(&deps, platform, req)
        .await
        .into_response()
}
