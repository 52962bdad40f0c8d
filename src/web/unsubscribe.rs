//! The one-click unsubscribe link of reminder e-mails: `GET /u/{token}` asks to confirm (link
//! scanners that open every URL must not unsubscribe anyone), `POST /u/{token}` — the form's
//! button, or a mail client's RFC 8058 one-click POST — opts the invitee out.
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum_extra::extract::cookie::CookieJar;
use sea_orm::EntityTrait;

use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::remind::unsubscribe::UnsubscribeKey;
use crate::store::entities::invitation;
use crate::store::responses::{self, Channel, Status};

use super::AppState;
use super::error::{Action, MessagePage, contact_line, error_page, render};
use super::form::LangQuery;
use super::form::view::Layout;

pub fn routes() -> Router<AppState> {
    Router::new().route("/u/{token}", get(confirm).post(unsubscribe))
}

/// The invitation a token opens, with its survey's title.
async fn invitation_of(state: &AppState, token: &str) -> Result<(invitation::Model, String)> {
    let secret = state
        .config
        .secret
        .as_deref()
        .ok_or_else(|| Error::Config("GRADTRACE_SECRET is not set".into()))?;
    let id = UnsubscribeKey::from_secret(secret).verify(token)?;
    let inv = invitation::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(Error::Unauthorized)?;
    let w = crate::wave::find(&state.db, inv.wave_id).await?;
    Ok((inv, w.survey_id))
}

fn page(
    state: &AppState,
    lang: Lang,
    survey_id: &str,
    title: &str,
    body: &str,
    action: Option<Action>,
) -> Response {
    let i18n = &state.i18n;
    let survey = i18n.format(lang, &format!("{survey_id}-title"), None);
    let heading = i18n.format(lang, title, None);
    render(
        StatusCode::OK,
        &MessagePage {
            layout: Layout::new(i18n, lang, heading.clone(), "", false),
            icon: None,
            heading,
            paragraphs: vec![i18n.format_with(lang, body, &[("survey".into(), survey)])],
            contact: Some(contact_line(state, lang)),
            actions: action.into_iter().collect(),
        },
    )
}

async fn confirm(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(query): Query<LangQuery>,
    jar: CookieJar,
    headers: HeaderMap,
) -> Response {
    let (lang, jar) = super::lang::resolve(
        &state.i18n,
        &headers,
        query.lang.as_deref(),
        jar,
        state.secure_cookies(),
    );
    let resp = match invitation_of(&state, &token).await {
        Ok((_, survey_id)) => page(
            &state,
            lang,
            &survey_id,
            "unsub-confirm-title",
            "unsub-confirm-body",
            Some(Action {
                href: format!("{}{token}", crate::remind::unsubscribe::PATH),
                label: state.i18n.format(lang, "unsub-confirm-button", None),
                secondary: false,
                // The token itself authorises the opt-out; the form carries no CSRF token.
                form: Some(String::new()),
                fields: vec![("List-Unsubscribe".into(), "One-Click".into())],
            }),
        ),
        Err(e) => error_page(&state, lang, &e),
    };
    (jar, resp).into_response()
}

async fn unsubscribe(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(query): Query<LangQuery>,
    jar: CookieJar,
    headers: HeaderMap,
) -> Response {
    let (lang, jar) = super::lang::resolve(
        &state.i18n,
        &headers,
        query.lang.as_deref(),
        jar,
        state.secure_cookies(),
    );
    let result = async {
        let (inv, survey_id) = invitation_of(&state, &token).await?;
        let now = state.clock.now();
        let current = responses::find(&state.db, inv.id).await?;
        // A completed response gets no more messages anyway; opting it out would only drop
        // its answers from the figures.
        let complete = current
            .as_ref()
            .is_some_and(|r| responses::status_of(r).ok() == Some(Status::Complete));
        if !complete {
            responses::opt_out(&state.db, inv.id, Channel::Web, now).await?;
            tracing::info!(invitation = inv.id, "unsubscribed from reminders");
        }
        Ok::<_, Error>(survey_id)
    }
    .await;
    let resp = match result {
        Ok(survey_id) => page(
            &state,
            lang,
            &survey_id,
            "unsub-done-title",
            "unsub-done-body",
            None,
        ),
        Err(e) => error_page(&state, lang, &e),
    };
    (jar, resp).into_response()
}
