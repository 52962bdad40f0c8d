//! The form's only stylesheet and script, compiled into the binary and served with a content
//! version in their URL so phones cache them for good.
use std::sync::LazyLock;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

pub const CSS: &str = include_str!("../../static/app.css");
pub const JS: &str = include_str!("../../static/app.js");

/// A short hash of both files: changes whenever either does.
pub static VERSION: LazyLock<String> = LazyLock::new(|| {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest([CSS, JS].concat().as_bytes());
    digest.iter().take(5).map(|b| format!("{b:02x}")).collect()
});

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route(
            "/static/app.css",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                        (header::CACHE_CONTROL, IMMUTABLE),
                    ],
                    CSS,
                )
                    .into_response()
            }),
        )
        .route(
            "/static/app.js",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                        (header::CACHE_CONTROL, IMMUTABLE),
                    ],
                    JS,
                )
                    .into_response()
            }),
        )
}
