//! The one mapping from the library's errors to what a person sees: a page in their language
//! saying what happened and whom to contact — never a stack trace or a bare 500.
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::error::Error;
use crate::i18n::Lang;

use super::AppState;
use super::form::view::Layout;

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub layout: Layout,
    pub icon: Option<&'static str>,
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub contact: Option<String>,
    pub actions: Vec<Action>,
}

/// A button under a message: a link, or a small form posting hidden fields.
pub struct Action {
    pub href: String,
    pub label: String,
    pub secondary: bool,
    /// The CSRF token when the action is a POST form.
    pub form: Option<String>,
    pub fields: Vec<(String, String)>,
}

/// Status and message keys (heading, explanation) for an error.
fn describe(err: &Error) -> (StatusCode, &'static str, &'static str) {
    match err {
        Error::Unauthorized | Error::NotFound(_) => (
            StatusCode::NOT_FOUND,
            "web-error-link-title",
            "web-error-link-body",
        ),
        Error::LinkExpired => (
            StatusCode::GONE,
            "web-error-expired-title",
            "web-error-expired-body",
        ),
        Error::TooManyAttempts { .. } => (
            StatusCode::TOO_MANY_REQUESTS,
            "web-error-attempts-title",
            "web-error-attempts-body",
        ),
        Error::Forbidden => (
            StatusCode::FORBIDDEN,
            "web-error-forbidden-title",
            "web-error-forbidden-body",
        ),
        Error::Invalid(_) => (
            StatusCode::BAD_REQUEST,
            "web-error-invalid-title",
            "web-error-invalid-body",
        ),
        Error::Conflict(_) => (
            StatusCode::CONFLICT,
            "web-error-conflict-title",
            "web-error-conflict-body",
        ),
        _ => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "web-error-server-title",
            "web-error-server-body",
        ),
    }
}

/// Renders any page, or a plain-text fallback if the template itself fails.
pub fn render<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// The error page for `err`, in `lang`.
pub fn error_page(state: &AppState, lang: Lang, err: &Error) -> Response {
    let (status, title, body) = describe(err);
    if status.is_server_error() {
        // The error text names ids and causes, never a person's data.
        tracing::error!(error = %err, "request failed");
    } else {
        tracing::info!(status = status.as_u16(), kind = title, "request refused");
    }
    let i18n = &state.i18n;
    let minutes = match err {
        Error::TooManyAttempts { retry_after } => retry_after.as_secs().div_ceil(60).max(1),
        _ => 0,
    };
    let mut resp = render(
        status,
        &MessagePage {
            layout: Layout::new(i18n, lang, i18n.format(lang, title, None), "", false),
            icon: None,
            heading: i18n.format(lang, title, None),
            paragraphs: vec![i18n.format_with(
                lang,
                body,
                &[("minutes".into(), minutes.to_string())],
            )],
            contact: Some(contact_line(state, lang)),
            actions: vec![],
        },
    );
    if let Error::TooManyAttempts { retry_after } = err
        && let Ok(v) = retry_after.as_secs().max(1).to_string().parse()
    {
        resp.headers_mut()
            .insert(axum::http::header::RETRY_AFTER, v);
    }
    resp
}

/// "Questions? Contact …" with the configured contact.
pub fn contact_line(state: &AppState, lang: Lang) -> String {
    state.i18n.format_with(
        lang,
        "web-contact",
        &[("contact".into(), state.config.contact.clone())],
    )
}
