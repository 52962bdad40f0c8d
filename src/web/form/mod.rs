//! The respondent's form: `/s/{token}` opens the personal link; the privacy notice comes first;
//! then one page at a time, each saved when submitted; a thank-you page at the end. Thin
//! handlers over `respond::Session` and the survey engine.
pub mod input;
pub mod view;

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, Request, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use serde::Deserialize;

use crate::error::Error;
use crate::i18n::Lang;
use crate::respond::{Outcome, Session};
use crate::store::responses::{self, Channel, Status};
use crate::survey::{Answers, Engine, PageErrors};

use super::AppState;
use super::error::{Action, MessagePage, contact_line, error_page, render};
use super::security::{CSRF_COOKIE, csrf_ok, csrf_token, new_nonce};
use input::{Fields, InputErrors};
use view::{Layout, PageInput, PageView};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/s/{token}", get(entry))
        .route("/s/{token}/consent", axum::routing::post(consent))
        .route("/s/{token}/p/{page}", get(show_page).post(submit_page))
        .route("/s/{token}/done", get(done))
}

#[derive(Deserialize, Default)]
pub struct LangQuery {
    pub lang: Option<String>,
}

/// Who is asking, for the attempt limiter: the client's address.
fn client_key(headers: &HeaderMap, connect: Option<&ConnectInfo<std::net::SocketAddr>>) -> String {
    // Behind a proxy the first X-Forwarded-For hop is the client; direct, the socket peer.
    headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|s| format!("ip:{}", s.trim()))
        .or_else(|| connect.map(|c| format!("ip:{}", c.0.ip())))
        .unwrap_or_else(|| "ip:unknown".to_string())
}

/// The request's context: language (and cookies), and the respondent's session.
struct Visit {
    lang: Lang,
    jar: CookieJar,
    session: Session,
    /// The browser's CSRF nonce (set on this response when new).
    nonce: String,
}

impl Visit {
    async fn open(
        state: &AppState,
        token: &str,
        headers: &HeaderMap,
        query: &LangQuery,
        jar: CookieJar,
        client: String,
    ) -> Result<Visit, Response> {
        let (lang, mut jar) = super::lang::resolve(
            &state.i18n,
            headers,
            query.lang.as_deref(),
            jar,
            state.secure_cookies(),
        );
        let now = state.clock.now();
        let found = responses::find_by_token(
            &state.db,
            &state.keys,
            state.limiter.as_ref(),
            &client,
            token,
            now,
        )
        .await;
        let invitee = found.map_err(|e| error_page(state, lang, &e))?;
        let session = Session::open(
            &state.db,
            &state.catalog,
            invitee,
            Channel::Web,
            now,
            state.clock.today(),
        )
        .await
        .map_err(|e| error_page(state, lang, &e))?;
        let nonce = match jar.get(CSRF_COOKIE) {
            Some(c) if !c.value().is_empty() => c.value().to_string(),
            _ => {
                let n = new_nonce();
                let cookie = Cookie::build((CSRF_COOKIE, n.clone()))
                    .path("/s/")
                    .http_only(true)
                    .secure(state.secure_cookies())
                    .same_site(SameSite::Lax);
                jar = jar.add(cookie);
                n
            }
        };
        Ok(Visit {
            lang,
            jar,
            session,
            nonce,
        })
    }

    fn csrf(&self, state: &AppState) -> String {
        csrf_token(&state.csrf_key, &self.nonce, &self.subject())
    }

    fn subject(&self) -> String {
        format!("inv:{}", self.session.invitation.id)
    }

    fn check_csrf(&self, state: &AppState, fields: &Fields) -> Result<(), Response> {
        let sent = fields.one("_csrf").unwrap_or("");
        if csrf_ok(&state.csrf_key, &self.nonce, &self.subject(), sent) {
            Ok(())
        } else {
            Err(error_page(state, self.lang, &Error::Forbidden))
        }
    }

    fn with_cookies(self, resp: Response) -> Response {
        (self.jar, resp).into_response()
    }
}

fn link(token: &str, rest: &str) -> String {
    format!("/s/{token}{rest}")
}

fn see_other(to: String) -> Response {
    Redirect::to(&to).into_response()
}

/// The address of the client, when the server was started with connect info.
fn connect_info<B>(req: &Request<B>) -> Option<ConnectInfo<std::net::SocketAddr>> {
    req.extensions()
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .cloned()
}

/// Opening the personal link: notice, current page, or thank-you, as the response stands.
async fn entry(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(query): Query<LangQuery>,
    jar: CookieJar,
    req: Request<axum::body::Body>,
) -> Response {
    let headers = req.headers().clone();
    let client = client_key(&headers, connect_info(&req).as_ref());
    let visit = match Visit::open(&state, &token, &headers, &query, jar, client).await {
        Ok(v) => v,
        Err(resp) => return resp,
    };
    let now = state.clock.now();
    let resp = match visit.session.status() {
        Status::Complete => see_other(link(&token, "/done")),
        _ if !visit.session.wave_is_open(now) => closed_page(&state, &visit, now),
        Status::Opened | Status::Declined | Status::OptedOut => {
            privacy_page(&state, &visit, &token)
        }
        Status::Consented | Status::Partial => {
            let s = &visit.session;
            let engine = s.engine(&state.catalog);
            match current_page_id(&engine, s) {
                Some(page) => see_other(link(&token, &format!("/p/{page}"))),
                None => see_other(link(&token, "/done")),
            }
        }
    };
    visit.with_cookies(resp)
}

fn current_page_id(engine: &Engine<'_>, s: &Session) -> Option<String> {
    let pages = engine.visible_pages(&s.context, &s.answers);
    let idx = engine.current_page(&s.context, &s.answers)?;
    pages.get(idx).map(|p| p.id.clone())
}

#[derive(Template)]
#[template(path = "privacy.html")]
struct PrivacyPage {
    layout: Layout,
    survey_title: String,
    intro: String,
    notice_title: String,
    notice_summary: String,
    notice_more: String,
    notice_body: String,
    notice_version: String,
    action: String,
    csrf: String,
    accept_label: String,
    decline_label: String,
}

fn privacy_page(state: &AppState, visit: &Visit, token: &str) -> Response {
    let i18n = &state.i18n;
    let lang = visit.lang;
    let s = &visit.session;
    let engine = s.engine(&state.catalog);
    let args = engine.message_args(&s.context, &s.answers);
    let title = view::survey_title(i18n, lang, &engine, &args);
    let notice = &s.survey.privacy_notice.message;
    let mut intro = i18n.format_piped(lang, &engine.survey.intro_key(), &args);
    match s.status() {
        Status::Declined => intro = i18n.format(lang, "web-declined-before", None),
        Status::OptedOut => intro = i18n.format(lang, "web-opted-out-before", None),
        _ => {}
    }
    let page = PrivacyPage {
        layout: Layout::new(i18n, lang, title.clone(), &link(token, ""), false),
        survey_title: title,
        intro,
        notice_title: i18n
            .format_attribute(lang, notice, "title")
            .unwrap_or_else(|| i18n.format(lang, "web-privacy-title", None)),
        notice_summary: i18n
            .format_attribute(lang, notice, "summary")
            .unwrap_or_default(),
        notice_more: i18n.format(lang, "web-privacy-more", None),
        notice_body: i18n.format_piped(lang, notice, &args),
        notice_version: i18n.format_with(
            lang,
            "web-privacy-version",
            &[(
                "version".into(),
                s.survey.privacy_notice.version.to_string(),
            )],
        ),
        action: link(token, "/consent"),
        csrf: visit.csrf(state),
        accept_label: i18n.format(lang, "web-consent-accept", None),
        decline_label: i18n.format(lang, "web-consent-decline", None),
    };
    render(StatusCode::OK, &page)
}

fn closed_page(state: &AppState, visit: &Visit, now: chrono::DateTime<chrono::Utc>) -> Response {
    let i18n = &state.i18n;
    let lang = visit.lang;
    let not_yet = visit.session.wave.opens_at > now;
    let (title, body) = if not_yet {
        ("web-not-open-title", "web-not-open-body")
    } else {
        ("web-closed-title", "web-closed-body")
    };
    let opens = visit
        .session
        .wave
        .opens_at
        .with_timezone(&crate::clock::SCHOOL_TZ)
        .format("%Y-%m-%d")
        .to_string();
    render(
        StatusCode::OK,
        &MessagePage {
            layout: Layout::new(i18n, lang, i18n.format(lang, title, None), "", false),
            icon: None,
            heading: i18n.format(lang, title, None),
            paragraphs: vec![i18n.format_with(lang, body, &[("date".into(), opens)])],
            contact: Some(contact_line(state, lang)),
            actions: vec![],
        },
    )
}

/// Accepting or declining the privacy notice.
async fn consent(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(query): Query<LangQuery>,
    jar: CookieJar,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let client = client_key(&headers, None);
    let mut visit = match Visit::open(&state, &token, &headers, &query, jar, client).await {
        Ok(v) => v,
        Err(resp) => return resp,
    };
    let fields = Fields::parse(&body);
    if let Err(resp) = visit.check_csrf(&state, &fields) {
        return resp;
    }
    let now = state.clock.now();
    if !visit.session.wave_is_open(now) {
        let resp = closed_page(&state, &visit, now);
        return visit.with_cookies(resp);
    }
    let accepted = fields.one("consent") == Some("accept");
    if let Err(e) = visit
        .session
        .consent(&state.db, accepted, Channel::Web, now)
        .await
    {
        let resp = error_page(&state, visit.lang, &e);
        return visit.with_cookies(resp);
    }
    let resp = if accepted {
        see_other(link(&token, ""))
    } else {
        let i18n = &state.i18n;
        let lang = visit.lang;
        render(
            StatusCode::OK,
            &MessagePage {
                layout: Layout::new(
                    i18n,
                    lang,
                    i18n.format(lang, "web-declined-title", None),
                    &link(&token, ""),
                    false,
                ),
                icon: None,
                heading: i18n.format(lang, "web-declined-title", None),
                paragraphs: vec![i18n.format(lang, "web-declined-body", None)],
                contact: Some(contact_line(&state, lang)),
                actions: vec![Action {
                    href: link(&token, "/consent"),
                    label: i18n.format(lang, "web-declined-undo", None),
                    secondary: true,
                    form: Some(visit.csrf(&state)),
                    fields: vec![("consent".into(), "accept".into())],
                }],
            },
        )
    };
    visit.with_cookies(resp)
}

/// Where a respondent may be: answering needs consent; a page is shown if visible and not past
/// the first unfinished one (a complete response may revisit any page while the wave is open).
fn page_gate(
    state: &AppState,
    visit: &Visit,
    token: &str,
    page_id: &str,
) -> Result<usize, Response> {
    let s = &visit.session;
    let now = state.clock.now();
    if !s.status().accepts_answers() {
        return Err(see_other(link(token, "")));
    }
    if !s.wave_is_open(now) {
        return Err(closed_page(state, visit, now));
    }
    let engine = s.engine(&state.catalog);
    let pages = engine.visible_pages(&s.context, &s.answers);
    let Some(idx) = pages.iter().position(|p| p.id == page_id) else {
        return Err(see_other(link(token, "")));
    };
    let limit = engine
        .current_page(&s.context, &s.answers)
        .unwrap_or(pages.len());
    if idx > limit {
        return Err(see_other(link(token, "")));
    }
    Ok(idx)
}

async fn show_page(
    State(state): State<AppState>,
    Path((token, page_id)): Path<(String, String)>,
    Query(query): Query<LangQuery>,
    jar: CookieJar,
    headers: HeaderMap,
) -> Response {
    let client = client_key(&headers, None);
    let visit = match Visit::open(&state, &token, &headers, &query, jar, client).await {
        Ok(v) => v,
        Err(resp) => return resp,
    };
    let resp = match page_gate(&state, &visit, &token, &page_id) {
        Ok(idx) => page_response(
            &state,
            &visit,
            &token,
            idx,
            &visit.session.answers,
            None,
            None,
        ),
        Err(resp) => resp,
    };
    visit.with_cookies(resp)
}

fn page_response(
    state: &AppState,
    visit: &Visit,
    token: &str,
    idx: usize,
    answers: &Answers,
    errors: Option<&PageErrors>,
    input_errors: Option<&InputErrors>,
) -> Response {
    let i18n = &state.i18n;
    let lang = visit.lang;
    let s = &visit.session;
    let engine = s.engine(&state.catalog);
    // Page numbering follows the stored answers, so it does not jump while a page is re-shown.
    let pages = engine.visible_pages(&s.context, &s.answers);
    let Some(page) = pages.get(idx).copied() else {
        return see_other(link(token, ""));
    };
    let input = PageInput {
        i18n,
        lang,
        engine,
        ctx: &s.context,
        answers,
        page,
        page_number: idx + 1,
        page_count: pages.len(),
        errors,
        input_errors,
    };
    let (questions, summary, conditions_json) = view::questions(&input);
    let args = engine.message_args(&s.context, answers);
    let title = i18n.format_piped(lang, &engine.survey.page_key(page), &args);
    let path = link(token, &format!("/p/{}", page.id));
    let status = if summary.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = PageView {
        layout: Layout::new(
            i18n,
            lang,
            format!(
                "{title} · {}",
                view::survey_title(i18n, lang, &engine, &args)
            ),
            &path,
            true,
        ),
        page_title: title,
        progress_text: i18n.format_with(
            lang,
            "web-progress",
            &[
                ("page".into(), (idx + 1).to_string()),
                ("pages".into(), pages.len().to_string()),
            ],
        ),
        page_number: idx + 1,
        page_count: pages.len(),
        summary_title: i18n.format_with(
            lang,
            "web-errors-title",
            &[("count".into(), summary.len().to_string())],
        ),
        summary,
        action: path,
        csrf: visit.csrf(state),
        revision: s.response.revision,
        conditions_json,
        questions,
        has_back: idx > 0,
        back_label: i18n.format(lang, "web-back", None),
        next_label: i18n.format(
            lang,
            if idx + 1 == pages.len() {
                "web-finish"
            } else {
                "web-next"
            },
            None,
        ),
        saved_note: i18n.format(lang, "web-saved-note", None),
    };
    render(status, &view)
}

async fn submit_page(
    State(state): State<AppState>,
    Path((token, page_id)): Path<(String, String)>,
    Query(query): Query<LangQuery>,
    jar: CookieJar,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let client = client_key(&headers, None);
    let mut visit = match Visit::open(&state, &token, &headers, &query, jar, client).await {
        Ok(v) => v,
        Err(resp) => return resp,
    };
    let fields = Fields::parse(&body);
    if let Err(resp) = visit.check_csrf(&state, &fields) {
        return resp;
    }
    let resp = submit(&state, &mut visit, &token, &page_id, &fields).await;
    visit.with_cookies(resp)
}

async fn submit(
    state: &AppState,
    visit: &mut Visit,
    token: &str,
    page_id: &str,
    fields: &Fields,
) -> Response {
    let now = state.clock.now();
    let idx = match page_gate(state, visit, token, page_id) {
        Ok(i) => i,
        Err(resp) => return resp,
    };
    let Some(page) = visit.session.survey.page(page_id).cloned() else {
        return see_other(link(token, ""));
    };
    let revision: i32 = fields
        .one("_rev")
        .and_then(|r| r.parse().ok())
        .unwrap_or(-1);
    let (page_answers, input_errors) = input::read_page(&page, fields);

    if fields.one("_nav") == Some("back") {
        if let Err(e) = visit
            .session
            .keep_valid(
                &state.db,
                &state.catalog,
                page_answers,
                revision,
                Channel::Web,
                now,
            )
            .await
            && !matches!(e, Error::Conflict(_))
        {
            return error_page(state, visit.lang, &e);
        }
        let s = &visit.session;
        let pages = s
            .engine(&state.catalog)
            .visible_pages(&s.context, &s.answers);
        let back = pages
            .iter()
            .position(|p| p.id == page_id)
            .unwrap_or(idx)
            .saturating_sub(1);
        return match pages.get(back) {
            Some(p) => see_other(link(token, &format!("/p/{}", p.id))),
            None => see_other(link(token, "")),
        };
    }

    if !input_errors.is_empty() {
        let shown = merged_for_display(&visit.session.answers, &page_answers);
        return page_response(state, visit, token, idx, &shown, None, Some(&input_errors));
    }
    let outcome = visit
        .session
        .submit_page(
            &state.db,
            &state.catalog,
            page_id,
            page_answers.clone(),
            revision,
            Channel::Web,
            now,
        )
        .await;
    match outcome {
        Ok(Outcome::Saved) => {
            let s = &visit.session;
            let engine = s.engine(&state.catalog);
            let pages = engine.visible_pages(&s.context, &s.answers);
            let here = pages.iter().position(|p| p.id == page_id);
            let next = here.and_then(|i| pages.get(i + 1));
            match (s.status(), next) {
                (_, Some(p)) => see_other(link(token, &format!("/p/{}", p.id))),
                (Status::Complete, None) => see_other(link(token, "/done")),
                _ => see_other(link(token, "")),
            }
        }
        Ok(Outcome::Invalid(errors)) => {
            let shown = merged_for_display(&visit.session.answers, &page_answers);
            page_response(state, visit, token, idx, &shown, Some(&errors), None)
        }
        // Changed meanwhile on another device: show the page as it is stored now.
        Err(Error::Conflict(_)) => see_other(link(token, &format!("/p/{page_id}"))),
        Err(e) => error_page(state, visit.lang, &e),
    }
}

fn merged_for_display(stored: &Answers, page: &Answers) -> Answers {
    let mut shown = stored.clone();
    for (k, v) in page.iter() {
        shown.insert(k.clone(), v.clone());
    }
    shown
}

/// The thank-you page; while the wave is open, answers can be reviewed and corrected.
async fn done(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(query): Query<LangQuery>,
    jar: CookieJar,
    headers: HeaderMap,
) -> Response {
    let client = client_key(&headers, None);
    let visit = match Visit::open(&state, &token, &headers, &query, jar, client).await {
        Ok(v) => v,
        Err(resp) => return resp,
    };
    if visit.session.status() != Status::Complete {
        return visit.with_cookies(see_other(link(&token, "")));
    }
    let i18n = &state.i18n;
    let lang = visit.lang;
    let s = &visit.session;
    let engine = s.engine(&state.catalog);
    let mut actions = vec![];
    if s.wave_is_open(state.clock.now())
        && let Some(first) = engine.visible_pages(&s.context, &s.answers).first()
    {
        actions.push(Action {
            href: link(&token, &format!("/p/{}", first.id)),
            label: i18n.format(lang, "web-review", None),
            secondary: true,
            form: None,
            fields: vec![],
        });
    }
    let page = MessagePage {
        layout: Layout::new(
            i18n,
            lang,
            i18n.format(lang, "web-thanks-title", None),
            &link(&token, "/done"),
            false,
        ),
        icon: Some("✓"),
        heading: i18n.format(lang, "web-thanks-title", None),
        paragraphs: vec![i18n.format(lang, "web-thanks-body", None)],
        contact: Some(contact_line(&state, lang)),
        actions,
    };
    let resp = render(StatusCode::OK, &page);
    visit.with_cookies(resp)
}

impl IntoResponse for Visit {
    fn into_response(self) -> Response {
        self.jar.into_response()
    }
}
