//! The staff pages under `/staff`: sign-in, sign-out and password reset; waves and their
//! response rates; the chase list, its CSV export and the invitee's card with its actions;
//! assistance plans. Every page but sign-in and reset needs a session; forms carry a CSRF token.
use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

use super::auth::{self, SignInError, StaffKeys, TokenKind};
use super::chase::{self, ChaseFilter, ChaseStatus, Reach, Sort};
use super::plans::{self, PlanRules, PlanStatus, PlanUpdate};
use super::rates::{self, WaveRates};
use super::scope::Viewer;
use super::view::{Chart, RateRow, StaffLayout, Tr, percent};
use crate::error::Error;
use crate::i18n::Lang;
use crate::web::AppState;
use crate::web::error::render;
use crate::web::security::{csrf_ok, csrf_token, new_nonce};

/// The session cookie (a signed JWT).
pub const SESSION_COOKIE: &str = "gt_staff";
/// The browser's CSRF nonce on staff pages.
pub const NONCE_COOKIE: &str = "gt_staff_csrf";
/// Rows per page of the chase list.
pub const CHASE_PAGE: u64 = 100;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff", get(home))
        .route("/staff/login", get(login_page).post(login))
        .route("/staff/logout", post(logout))
        .route("/staff/reset", get(reset_request_page).post(reset_request))
        .route("/staff/reset/{token}", get(reset_page).post(reset))
        .route("/staff/waves/{id}", get(rates_page))
        .route("/staff/waves/{id}/chase", get(chase_page))
        .route("/staff/waves/{id}/chase.csv", get(chase_csv))
        .route("/staff/waves/{id}/plans", post(open_plans))
        .route("/staff/plans", get(plans_page))
        .route("/staff/plans/{id}", get(plan_page).post(update_plan))
}

pub(super) type Params = Query<BTreeMap<String, String>>;

pub(super) fn param<'a>(q: &'a BTreeMap<String, String>, name: &str) -> Option<&'a str> {
    q.get(name).map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// Form fields of a POST body.
pub(super) struct Form(BTreeMap<String, String>);

impl Form {
    pub(super) fn parse(body: &[u8]) -> Form {
        Form(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    pub(super) fn get(&self, name: &str) -> &str {
        self.0.get(name).map(String::as_str).unwrap_or("")
    }
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A request's language, cookies and CSRF nonce.
pub(super) struct Ctx<'a> {
    state: &'a AppState,
    lang: Lang,
    jar: CookieJar,
    nonce: String,
}

impl<'a> Ctx<'a> {
    fn new(
        state: &'a AppState,
        headers: &HeaderMap,
        jar: CookieJar,
        query_lang: Option<&str>,
    ) -> Ctx<'a> {
        let (lang, mut jar) = crate::web::lang::resolve(
            &state.i18n,
            headers,
            query_lang,
            jar,
            state.secure_cookies(),
        );
        let nonce = match jar.get(NONCE_COOKIE) {
            Some(c) if !c.value().is_empty() => c.value().to_string(),
            _ => {
                let n = new_nonce();
                jar = jar.add(
                    Cookie::build((NONCE_COOKIE, n.clone()))
                        .path("/staff")
                        .http_only(true)
                        .secure(state.secure_cookies())
                        .same_site(SameSite::Strict),
                );
                n
            }
        };
        Ctx {
            state,
            lang,
            jar,
            nonce,
        }
    }

    pub(super) fn tr(&self) -> Tr<'a> {
        Tr {
            i18n: &self.state.i18n,
            lang: self.lang,
        }
    }

    pub(super) fn csrf(&self, subject: &str) -> String {
        csrf_token(&self.state.csrf_key, &self.nonce, subject)
    }

    pub(super) fn csrf_ok(&self, subject: &str, form: &Form) -> bool {
        csrf_ok(
            &self.state.csrf_key,
            &self.nonce,
            subject,
            form.get("_csrf"),
        )
    }

    pub(super) fn respond(self, resp: Response) -> Response {
        (self.jar, resp).into_response()
    }

    pub(super) fn page<T: Template>(self, status: StatusCode, page: &T) -> Response {
        let resp = render(status, page);
        self.respond(resp)
    }

    pub(super) fn layout(&self, title: String, path: &str, user: Option<&Viewer>) -> StaffLayout {
        let csrf = user.map(|v| self.csrf(&subject(v))).unwrap_or_default();
        StaffLayout::new(self.tr(), title, path, user.map(|v| v.name.clone()), csrf)
    }

    fn message(
        self,
        status: StatusCode,
        user: Option<&Viewer>,
        heading: String,
        body: String,
        back: Option<(String, String)>,
    ) -> Response {
        let page = MessagePage {
            layout: self.layout(heading.clone(), "/staff", user),
            heading,
            body,
            back,
        };
        self.page(status, &page)
    }

    /// The one mapping of errors on staff pages (respondent wording would mislead staff);
    /// server errors go to the shared error page.
    pub(super) fn error(self, user: Option<&Viewer>, err: Error) -> Response {
        let tr = self.tr();
        let (status, title, body) = match &err {
            Error::Unauthorized => {
                return self.respond(Redirect::to("/staff/login").into_response());
            }
            Error::Forbidden => (
                StatusCode::FORBIDDEN,
                "staff-forbidden-title",
                tr.t("staff-forbidden-body"),
            ),
            Error::NotFound(_) => (
                StatusCode::NOT_FOUND,
                "staff-not-found-title",
                tr.t("staff-not-found-body"),
            ),
            Error::Invalid(reason) => (
                StatusCode::BAD_REQUEST,
                "staff-invalid-title",
                reason.clone(),
            ),
            Error::Conflict(reason) => {
                (StatusCode::CONFLICT, "staff-invalid-title", reason.clone())
            }
            _ => {
                let lang = self.lang;
                let resp = crate::web::error::error_page(self.state, lang, &err);
                return self.respond(resp);
            }
        };
        tracing::info!(
            status = status.as_u16(),
            kind = title,
            "staff request refused"
        );
        let back = Some(("/staff".to_string(), tr.t("staff-back-home")));
        self.message(status, user, tr.t(title), body, back)
    }
}

pub(super) fn subject(v: &Viewer) -> String {
    format!("staff:{}", v.staff_id)
}

fn session_cookie(state: &AppState, token: String) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token))
        .path("/staff")
        .http_only(true)
        .secure(state.secure_cookies())
        .same_site(SameSite::Strict)
        .max_age(time::Duration::seconds(auth::SESSION_TTL.num_seconds()))
        .build()
}

fn keys(state: &AppState) -> Result<StaffKeys, Error> {
    StaffKeys::from_config(&state.config)
}

/// A signed-in request: the context and the viewer. Without a valid session: to sign-in.
pub(super) async fn signed_in<'a>(
    state: &'a AppState,
    headers: &HeaderMap,
    jar: CookieJar,
    query_lang: Option<&str>,
) -> Result<(Ctx<'a>, Viewer), Response> {
    let mut ctx = Ctx::new(state, headers, jar, query_lang);
    let to_login = |ctx: Ctx<'a>| {
        let jar = ctx
            .jar
            .clone()
            .remove(Cookie::build(SESSION_COOKIE).path("/staff"));
        (jar, Redirect::to("/staff/login")).into_response()
    };
    let Some(token) = ctx.jar.get(SESSION_COOKIE).map(|c| c.value().to_string()) else {
        return Err(to_login(ctx));
    };
    let now = state.clock.now();
    let found = match keys(state) {
        Ok(k) => auth::viewer_for(&state.db, &k, &token, TokenKind::Session, now)
            .await
            .map(|found| (k, found)),
        Err(e) => Err(e),
    };
    match found {
        Ok((k, (viewer, staff, claims))) => {
            // Sliding expiry: a session in use is re-issued every few minutes.
            if now.timestamp() - claims.iat > auth::RENEW_AFTER.num_seconds()
                && let Ok(fresh) = auth::issue(&k, &staff, TokenKind::Session, now)
            {
                ctx.jar = ctx.jar.clone().add(session_cookie(state, fresh));
            }
            Ok((ctx, viewer))
        }
        Err(Error::Unauthorized) => Err(to_login(ctx)),
        Err(e) => Err(ctx.error(None, e)),
    }
}

macro_rules! require_staff {
    ($state:expr, $headers:expr, $jar:expr, $q:expr) => {
        match $crate::dashboard::pages::signed_in(
            &$state,
            &$headers,
            $jar,
            $crate::dashboard::pages::param(&$q, "lang"),
        )
        .await
        {
            Ok(found) => found,
            Err(resp) => return resp,
        }
    };
}
pub(super) use require_staff;

#[derive(Template)]
#[template(path = "staff/message.html")]
struct MessagePage {
    layout: StaffLayout,
    heading: String,
    body: String,
    back: Option<(String, String)>,
}

// ---- sign-in, sign-out, reset ----

#[derive(Template)]
#[template(path = "staff/login.html")]
struct LoginPage<'a> {
    layout: StaffLayout,
    tr: Tr<'a>,
    csrf: String,
    username: String,
    error: Option<String>,
}

const LOGIN_SUBJECT: &str = "staff-login";

async fn login_page(
    State(state): State<AppState>,
    Query(q): Params,
    headers: HeaderMap,
    jar: CookieJar,
) -> Response {
    let ctx = Ctx::new(&state, &headers, jar, param(&q, "lang"));
    let page = LoginPage {
        layout: ctx.layout(ctx.tr().t("staff-sign-in"), "/staff/login", None),
        tr: ctx.tr(),
        csrf: ctx.csrf(LOGIN_SUBJECT),
        username: String::new(),
        error: None,
    };
    ctx.page(StatusCode::OK, &page)
}

async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    body: Bytes,
) -> Response {
    let ctx = Ctx::new(&state, &headers, jar, None);
    let form = Form::parse(&body);
    let tr = ctx.tr();
    let refuse = |ctx: Ctx<'_>, status: StatusCode, error: String, username: &str| {
        let page = LoginPage {
            layout: ctx.layout(tr.t("staff-sign-in"), "/staff/login", None),
            tr,
            csrf: ctx.csrf(LOGIN_SUBJECT),
            username: username.to_string(),
            error: Some(error),
        };
        ctx.page(status, &page)
    };
    if !ctx.csrf_ok(LOGIN_SUBJECT, &form) {
        return refuse(
            ctx,
            StatusCode::FORBIDDEN,
            tr.t("staff-form-expired"),
            form.get("username"),
        );
    }
    let now = state.clock.now();
    let username = form.get("username");
    match auth::sign_in(&state.db, username, form.get("password"), now).await {
        Ok(Ok(staff)) => {
            let token =
                match keys(&state).and_then(|k| auth::issue(&k, &staff, TokenKind::Session, now)) {
                    Ok(t) => t,
                    Err(e) => return ctx.error(None, e),
                };
            let mut ctx = ctx;
            ctx.jar = ctx.jar.clone().add(session_cookie(&state, token));
            ctx.respond(Redirect::to("/staff").into_response())
        }
        Ok(Err(SignInError::WrongCredentials)) => refuse(
            ctx,
            StatusCode::UNAUTHORIZED,
            tr.t("staff-sign-in-wrong"),
            username,
        ),
        Ok(Err(SignInError::Locked(until))) => {
            let minutes = (until - now).num_minutes().max(1);
            refuse(
                ctx,
                StatusCode::TOO_MANY_REQUESTS,
                tr.with("staff-sign-in-locked", "minutes", minutes),
                username,
            )
        }
        Err(e) => ctx.error(None, e),
    }
}

async fn logout(
    State(state): State<AppState>,
    Query(q): Params,
    headers: HeaderMap,
    jar: CookieJar,
    body: Bytes,
) -> Response {
    let (ctx, viewer) = require_staff!(state, headers, jar, q);
    let form = Form::parse(&body);
    if !ctx.csrf_ok(&subject(&viewer), &form) {
        return ctx.error(Some(&viewer), Error::Forbidden);
    }
    if let Err(e) = auth::sign_out(&state.db, &viewer, state.clock.now()).await {
        return ctx.error(Some(&viewer), e);
    }
    let mut ctx = ctx;
    ctx.jar = ctx
        .jar
        .clone()
        .remove(Cookie::build(SESSION_COOKIE).path("/staff"));
    ctx.respond(Redirect::to("/staff/login").into_response())
}

#[derive(Template)]
#[template(path = "staff/reset.html")]
struct ResetPage<'a> {
    layout: StaffLayout,
    tr: Tr<'a>,
    csrf: String,
    action: String,
    /// Asking for a link (true) or choosing a new password (false).
    request: bool,
    error: Option<String>,
}

const RESET_SUBJECT: &str = "staff-reset";

async fn reset_request_page(
    State(state): State<AppState>,
    Query(q): Params,
    headers: HeaderMap,
    jar: CookieJar,
) -> Response {
    let ctx = Ctx::new(&state, &headers, jar, param(&q, "lang"));
    let page = ResetPage {
        layout: ctx.layout(ctx.tr().t("staff-reset-title"), "/staff/reset", None),
        tr: ctx.tr(),
        csrf: ctx.csrf(RESET_SUBJECT),
        action: "/staff/reset".into(),
        request: true,
        error: None,
    };
    ctx.page(StatusCode::OK, &page)
}

async fn reset_request(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    body: Bytes,
) -> Response {
    let ctx = Ctx::new(&state, &headers, jar, None);
    let form = Form::parse(&body);
    let tr = ctx.tr();
    if !ctx.csrf_ok(RESET_SUBJECT, &form) {
        return ctx.error(None, Error::Forbidden);
    }
    let now = state.clock.now();
    let prepared = match keys(&state) {
        Ok(k) => {
            auth::prepare_reset(
                &state.db,
                &k,
                &state.config.base_url(),
                form.get("who"),
                now,
            )
            .await
        }
        Err(e) => Err(e),
    };
    match prepared {
        Ok(Some(mail)) => {
            let body = tr.args(
                "staff-reset-mail-body",
                &[
                    ("link", mail.link.clone()),
                    ("username", mail.username.clone()),
                ],
            );
            if let Err(e) = auth::send_reset_mail(
                &state.config,
                &mail,
                &tr.t("staff-reset-mail-subject"),
                &body,
            )
            .await
            {
                // The address stays out of the log; the cause (SMTP down, …) goes in.
                tracing::error!(error = %e, "password reset mail not sent");
                return ctx.error(None, e);
            }
        }
        Ok(None) => {}
        Err(e) => return ctx.error(None, e),
    }
    let back = Some(("/staff/login".to_string(), tr.t("staff-sign-in")));
    ctx.message(
        StatusCode::OK,
        None,
        tr.t("staff-reset-sent-title"),
        tr.t("staff-reset-sent-body"),
        back,
    )
}

async fn reset_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(q): Params,
    headers: HeaderMap,
    jar: CookieJar,
) -> Response {
    let ctx = Ctx::new(&state, &headers, jar, param(&q, "lang"));
    let valid = match keys(&state) {
        Ok(k) => auth::reset_target(&state.db, &k, &token, state.clock.now()).await,
        Err(e) => Err(e),
    };
    match valid {
        Ok(_) => {
            let page = ResetPage {
                layout: ctx.layout(ctx.tr().t("staff-reset-title"), "/staff/reset", None),
                tr: ctx.tr(),
                csrf: ctx.csrf(RESET_SUBJECT),
                action: format!("/staff/reset/{token}"),
                request: false,
                error: None,
            };
            ctx.page(StatusCode::OK, &page)
        }
        Err(Error::Unauthorized) => reset_link_invalid(ctx),
        Err(e) => ctx.error(None, e),
    }
}

fn reset_link_invalid(ctx: Ctx<'_>) -> Response {
    let tr = ctx.tr();
    let back = Some(("/staff/reset".to_string(), tr.t("staff-reset-again")));
    ctx.message(
        StatusCode::NOT_FOUND,
        None,
        tr.t("staff-reset-invalid-title"),
        tr.t("staff-reset-invalid-body"),
        back,
    )
}

async fn reset(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    jar: CookieJar,
    body: Bytes,
) -> Response {
    let ctx = Ctx::new(&state, &headers, jar, None);
    let form = Form::parse(&body);
    let tr = ctx.tr();
    if !ctx.csrf_ok(RESET_SUBJECT, &form) {
        return ctx.error(None, Error::Forbidden);
    }
    let (password, again) = (form.get("password"), form.get("password_again"));
    let retry = |ctx: Ctx<'_>, error: String| {
        let page = ResetPage {
            layout: ctx.layout(tr.t("staff-reset-title"), "/staff/reset", None),
            tr,
            csrf: ctx.csrf(RESET_SUBJECT),
            action: format!("/staff/reset/{token}"),
            request: false,
            error: Some(error),
        };
        ctx.page(StatusCode::BAD_REQUEST, &page)
    };
    if password != again {
        return retry(ctx, tr.t("staff-reset-mismatch"));
    }
    let done = match keys(&state) {
        Ok(k) => auth::reset_password(&state.db, &k, &token, password, state.clock.now()).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => {
            let back = Some(("/staff/login".to_string(), tr.t("staff-sign-in")));
            ctx.message(
                StatusCode::OK,
                None,
                tr.t("staff-reset-done-title"),
                tr.t("staff-reset-done-body"),
                back,
            )
        }
        Err(Error::Unauthorized) => reset_link_invalid(ctx),
        Err(Error::Invalid(reason)) => retry(ctx, reason),
        Err(e) => ctx.error(None, e),
    }
}

// ---- waves and rates ----

struct WaveLink {
    href: String,
    title: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "staff/home.html")]
struct HomePage<'a> {
    layout: StaffLayout,
    tr: Tr<'a>,
    scope: String,
    waves: Vec<WaveLink>,
    due: usize,
}

fn survey_title(state: &AppState, lang: Lang, survey_id: &str) -> String {
    let key = format!("{survey_id}-title");
    if state.i18n.has(lang, &key) || state.i18n.has(Lang::FALLBACK, &key) {
        state.i18n.format(lang, &key, None)
    } else {
        survey_id.to_string()
    }
}

async fn home(
    State(state): State<AppState>,
    Query(q): Params,
    headers: HeaderMap,
    jar: CookieJar,
) -> Response {
    let (ctx, viewer) = require_staff!(state, headers, jar, q);
    let tr = ctx.tr();
    let waves = match rates::waves(&state.db, &viewer).await {
        Ok(w) => w,
        Err(e) => return ctx.error(Some(&viewer), e),
    };
    let due = match plans::list(&state.db, &viewer, true, state.clock.today()).await {
        Ok(p) => p.len(),
        Err(e) => return ctx.error(Some(&viewer), e),
    };
    let waves = waves
        .iter()
        .map(|w| WaveLink {
            href: format!("/staff/waves/{}", w.id),
            title: format!(
                "{} · {}",
                survey_title(&state, ctx.lang, &w.survey_id),
                w.cohort_year
            ),
            detail: tr.args(
                "staff-wave-dates",
                &[
                    ("opens", tr.when(w.opens_at)),
                    (
                        "closes",
                        w.closes_at
                            .map(|c| tr.when(c))
                            .unwrap_or_else(|| "—".into()),
                    ),
                ],
            ),
        })
        .collect();
    let page = HomePage {
        layout: ctx.layout(tr.t("staff-nav-waves"), "/staff", Some(&viewer)),
        tr,
        scope: scope_text(tr, &viewer),
        waves,
        due,
    };
    ctx.page(StatusCode::OK, &page)
}

fn scope_text(tr: Tr<'_>, viewer: &Viewer) -> String {
    let role = tr.t(&format!("staff-role-{}", viewer.role().as_str()));
    match viewer.scope.stored() {
        Some(s) => format!("{role}: {s}"),
        None => role,
    }
}

#[derive(Template)]
#[template(path = "staff/rates.html")]
struct RatesPage<'a> {
    layout: StaffLayout,
    tr: Tr<'a>,
    title: String,
    scope: String,
    crumbs: Vec<(String, String)>,
    level: String,
    totals: RateRow,
    rows: Vec<RateRow>,
    chart: Chart,
    last_year: Option<String>,
    chase_href: String,
    plans_csrf: Option<String>,
    plans_action: String,
}

async fn rates_page(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    Query(q): Params,
    headers: HeaderMap,
    jar: CookieJar,
) -> Response {
    let (ctx, viewer) = require_staff!(state, headers, jar, q);
    let department = param(&q, "department");
    let major = param(&q, "major");
    let drill = rates::Drill::to(department, major);
    let report = match rates::wave_rates_at(&state.db, &viewer, id, state.clock.now(), &drill).await
    {
        Ok(r) => r,
        Err(e) => return ctx.error(Some(&viewer), e),
    };
    let tr = ctx.tr();
    let base = format!("/staff/waves/{id}");
    let (crumbs, level, rows) = rate_rows(tr, &report, &base, department, major);
    let title = format!(
        "{} · {}",
        survey_title(&state, ctx.lang, &report.wave.survey_id),
        report.wave.cohort_year
    );
    let chart = Chart::new(
        &report.daily,
        report.last_year.as_ref().map(|l| l.daily.as_slice()),
        &report.reminder_days,
        tr.t("staff-chart-label"),
    );
    let last_year = report.last_year.as_ref().map(|l| {
        tr.args(
            "staff-last-year",
            &[
                ("cohort", l.cohort_year.to_string()),
                ("rate", percent(l.totals.rate)),
            ],
        )
    });
    let graduate = report.wave.audience == "graduate";
    let path = match (department, major) {
        (Some(d), Some(m)) => format!("{base}?department={}&major={}", enc(d), enc(m)),
        (Some(d), None) => format!("{base}?department={}", enc(d)),
        _ => base.clone(),
    };
    let page = RatesPage {
        layout: ctx.layout(title.clone(), &path, Some(&viewer)),
        tr,
        title,
        scope: scope_text(tr, &viewer),
        crumbs,
        level,
        totals: RateRow::new(tr.t("staff-total"), None, report.totals),
        rows,
        chart,
        last_year,
        chase_href: format!("{base}/chase"),
        plans_csrf: (graduate && viewer.sees_answers()).then(|| ctx.csrf(&subject(&viewer))),
        plans_action: format!("{base}/plans"),
    };
    ctx.page(StatusCode::OK, &page)
}

/// The rows of the level the page is drilled to, with breadcrumbs.
fn rate_rows(
    tr: Tr<'_>,
    report: &WaveRates,
    base: &str,
    department: Option<&str>,
    major: Option<&str>,
) -> (Vec<(String, String)>, String, Vec<RateRow>) {
    let mut crumbs = vec![(base.to_string(), tr.t("staff-level-school"))];
    if report.wave.audience == "employer" {
        let rows = report
            .employer_types
            .iter()
            .map(|g| {
                RateRow::new(
                    tr.t(&format!("choice-employer_type-{}", g.group)),
                    None,
                    g.counts,
                )
            })
            .collect();
        return (crumbs, tr.t("staff-level-employer-type"), rows);
    }
    let chase = |class: &str| format!("{base}/chase?class={}", enc(class));
    let Some(d) = department else {
        let rows = report
            .departments
            .iter()
            .map(|x| {
                RateRow::new(
                    x.department.clone(),
                    Some(format!("{base}?department={}", enc(&x.department))),
                    x.counts,
                )
            })
            .collect();
        return (crumbs, tr.t("staff-level-department"), rows);
    };
    let dept = report.departments.iter().find(|x| x.department == d);
    let dept_href = format!("{base}?department={}", enc(d));
    crumbs.push((dept_href.clone(), d.to_string()));
    let Some(m) = major else {
        let rows = dept
            .map(|x| {
                x.majors
                    .iter()
                    .map(|mj| {
                        RateRow::new(
                            mj.major.clone(),
                            Some(format!("{dept_href}&major={}", enc(&mj.major))),
                            mj.counts,
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        return (crumbs, tr.t("staff-level-major"), rows);
    };
    crumbs.push((format!("{dept_href}&major={}", enc(m)), m.to_string()));
    let rows = dept
        .and_then(|x| x.majors.iter().find(|mj| mj.major == m))
        .map(|mj| {
            mj.classes
                .iter()
                .map(|c| RateRow::new(c.class_name.clone(), Some(chase(&c.class_name)), c.counts))
                .collect()
        })
        .unwrap_or_default();
    (crumbs, tr.t("staff-level-class"), rows)
}

// ---- chase list ----

struct ChaseView {
    id: i32,
    /// The result of "remind now" on this row, just done.
    notice: Option<(bool, String)>,
    href: String,
    name: String,
    key: String,
    group: String,
    status: String,
    reach: String,
    state: String,
    last: String,
    notes: i64,
}

pub(super) struct Choice {
    pub(super) value: String,
    pub(super) label: String,
    pub(super) selected: bool,
}

#[derive(Template)]
#[template(path = "staff/chase.html")]
struct ChasePageView<'a> {
    layout: StaffLayout,
    tr: Tr<'a>,
    title: String,
    action: String,
    statuses: Vec<Choice>,
    reaches: Vec<Choice>,
    sorts: Vec<Choice>,
    class_name: String,
    include_unreachable: bool,
    rows: Vec<ChaseView>,
    summary: String,
    prev: Option<String>,
    next: Option<String>,
    csv_href: String,
    rates_href: String,
    employer: bool,
    csrf: String,
    /// This page, to come back to after a one-tap action.
    back: String,
    dead_href: String,
    /// Whether any filter is set (the filters open by themselves then).
    filtered: bool,
}

fn chase_filter(q: &BTreeMap<String, String>) -> Result<ChaseFilter, Error> {
    let bad = |what: &str| Error::Invalid(format!("unknown {what}"));
    Ok(ChaseFilter {
        status: param(q, "status")
            .map(|s| ChaseStatus::parse(s).ok_or_else(|| bad("status")))
            .transpose()?,
        class_name: param(q, "class").map(str::to_string),
        reach: param(q, "reach")
            .map(|s| Reach::parse(s).ok_or_else(|| bad("channel")))
            .transpose()?,
        include_unreachable: param(q, "unreachable").is_some(),
        sort: param(q, "sort")
            .map(|s| Sort::parse(s).ok_or_else(|| bad("order")))
            .transpose()?
            .unwrap_or_default(),
    })
}

fn filter_query(f: &ChaseFilter) -> String {
    let mut parts = Vec::new();
    if let Some(s) = f.status {
        parts.push(format!("status={}", s.as_str()));
    }
    if let Some(c) = &f.class_name {
        parts.push(format!("class={}", enc(c)));
    }
    if let Some(r) = f.reach {
        parts.push(format!(
            "reach={}",
            match r {
                Reach::Email => "email",
                Reach::Phone => "phone",
                Reach::Wechat => "wechat",
            }
        ));
    }
    if f.include_unreachable {
        parts.push("unreachable=1".into());
    }
    parts.push(format!(
        "sort={}",
        match f.sort {
            Sort::Class => "class",
            Sort::Name => "name",
            Sort::LastActivity => "last_activity",
        }
    ));
    parts.join("&")
}

async fn chase_page(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    Query(q): Params,
    headers: HeaderMap,
    jar: CookieJar,
) -> Response {
    let (ctx, viewer) = require_staff!(state, headers, jar, q);
    let tr = ctx.tr();
    let filter = match chase_filter(&q) {
        Ok(f) => f,
        Err(e) => return ctx.error(Some(&viewer), e),
    };
    let page_no: u64 = param(&q, "page").and_then(|p| p.parse().ok()).unwrap_or(0);
    let list = match chase::chase_list(
        &state.db,
        &viewer,
        id,
        &filter,
        page_no * CHASE_PAGE,
        CHASE_PAGE,
    )
    .await
    {
        Ok(l) => l,
        Err(e) => return ctx.error(Some(&viewer), e),
    };
    let wave = match rates::visible_wave(&state.db, &viewer, id).await {
        Ok(w) => w,
        Err(e) => return ctx.error(Some(&viewer), e),
    };
    let employer = wave.stage == "employer";
    let base = format!("/staff/waves/{id}/chase");
    let query = filter_query(&filter);
    let who: Option<i32> = param(&q, "who").and_then(|w| w.parse().ok());
    let hours = state.scheduler.settings.cooldown.num_hours();
    let rows = list
        .rows
        .iter()
        .map(|r| ChaseView {
            id: r.invitation_id,
            notice: param(&q, "remind")
                .filter(|_| who == Some(r.invitation_id))
                .map(|res| super::invitee::remind_notice(tr, res, hours)),
            href: format!("/staff/invitations/{}", r.invitation_id),
            name: r.name.clone(),
            key: r.key.clone(),
            group: if employer {
                tr.t(&format!("choice-employer_type-{}", r.group))
            } else {
                r.group.clone()
            },
            status: tr.t(&format!("staff-status-{}", r.status.as_str())),
            reach: r
                .reach
                .iter()
                .map(|x| {
                    tr.t(match x {
                        Reach::Email => "staff-reach-email",
                        Reach::Phone => "staff-reach-phone",
                        Reach::Wechat => "staff-reach-wechat",
                    })
                })
                .collect::<Vec<_>>()
                .join(" · "),
            state: r
                .contact_state
                .as_deref()
                .map(|s| tr.t(&format!("staff-contact-{s}")))
                .unwrap_or_default(),
            last: r
                .last_activity
                .map(|t| tr.when(t))
                .unwrap_or_else(|| "—".into()),
            notes: r.notes,
        })
        .collect();
    let shown_to = list.offset + list.rows.len() as u64;
    let page = ChasePageView {
        layout: ctx.layout(
            tr.t("staff-chase-title"),
            &format!("{base}?{query}"),
            Some(&viewer),
        ),
        tr,
        title: format!(
            "{} · {}",
            survey_title(&state, ctx.lang, &wave.survey_id),
            wave.cohort_year
        ),
        action: base.clone(),
        statuses: std::iter::once(Choice {
            value: String::new(),
            label: tr.t("staff-filter-any"),
            selected: filter.status.is_none(),
        })
        .chain(ChaseStatus::ALL.into_iter().map(|s| Choice {
            value: s.as_str().into(),
            label: tr.t(&format!("staff-status-{}", s.as_str())),
            selected: filter.status == Some(s),
        }))
        .collect(),
        reaches: [
            ("", "staff-filter-any"),
            ("email", "staff-reach-email"),
            ("phone", "staff-reach-phone"),
            ("wechat", "staff-reach-wechat"),
        ]
        .into_iter()
        .map(|(v, k)| Choice {
            value: v.into(),
            label: tr.t(k),
            selected: filter
                .reach
                .map(|r| format!("{r:?}").to_lowercase())
                .unwrap_or_default()
                == v,
        })
        .collect(),
        sorts: [
            ("class", "staff-sort-class", Sort::Class),
            ("name", "staff-sort-name", Sort::Name),
            ("last_activity", "staff-sort-last", Sort::LastActivity),
        ]
        .into_iter()
        .map(|(v, k, s)| Choice {
            value: v.into(),
            label: tr.t(k),
            selected: filter.sort == s,
        })
        .collect(),
        class_name: filter.class_name.clone().unwrap_or_default(),
        include_unreachable: filter.include_unreachable,
        rows,
        summary: tr.args(
            "staff-chase-summary",
            &[
                ("from", (list.offset + 1).min(shown_to).to_string()),
                ("to", shown_to.to_string()),
                ("total", list.total.to_string()),
            ],
        ),
        prev: (page_no > 0).then(|| format!("{base}?{query}&page={}", page_no - 1)),
        next: ((shown_to as i64) < list.total)
            .then(|| format!("{base}?{query}&page={}", page_no + 1)),
        csv_href: format!("{base}.csv?{query}"),
        rates_href: format!("/staff/waves/{id}"),
        employer,
        csrf: ctx.csrf(&subject(&viewer)),
        back: format!("{base}?{query}&page={page_no}"),
        dead_href: format!("/staff/waves/{id}/dead"),
        filtered: filter.status.is_some()
            || filter.class_name.is_some()
            || filter.reach.is_some()
            || filter.include_unreachable,
    };
    ctx.page(StatusCode::OK, &page)
}

async fn chase_csv(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    Query(q): Params,
    headers: HeaderMap,
    jar: CookieJar,
) -> Response {
    let (ctx, viewer) = require_staff!(state, headers, jar, q);
    let filter = match chase_filter(&q) {
        Ok(f) => f,
        Err(e) => return ctx.error(Some(&viewer), e),
    };
    match chase::export_csv(&state.db, &viewer, id, &filter, state.clock.now()).await {
        Ok(bytes) => {
            let name = format!("attachment; filename=\"chase-wave-{id}.csv\"");
            let resp = (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                    (header::CONTENT_DISPOSITION, name),
                    (header::CACHE_CONTROL, "no-store".to_string()),
                ],
                bytes,
            )
                .into_response();
            ctx.respond(resp)
        }
        Err(e) => ctx.error(Some(&viewer), e),
    }
}

pub(super) struct NoteView {
    pub(super) kind: String,
    pub(super) note: String,
    pub(super) by: String,
    pub(super) at: String,
}

// ---- assistance plans ----

async fn open_plans(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    Query(q): Params,
    headers: HeaderMap,
    jar: CookieJar,
    body: Bytes,
) -> Response {
    let (ctx, viewer) = require_staff!(state, headers, jar, q);
    let form = Form::parse(&body);
    if !ctx.csrf_ok(&subject(&viewer), &form) {
        return ctx.error(Some(&viewer), Error::Forbidden);
    }
    let rules = PlanRules::from_config(&state.config);
    match plans::open_plans(
        &state.db,
        &state.catalog,
        &viewer,
        id,
        &rules,
        state.clock.now(),
        state.clock.today(),
    )
    .await
    {
        Ok(done) => {
            let tr = ctx.tr();
            let body = tr.args(
                "staff-plans-opened-body",
                &[
                    ("checked", done.checked.to_string()),
                    ("opened", done.opened.to_string()),
                    ("existing", done.existing.to_string()),
                ],
            );
            let back = Some(("/staff/plans".to_string(), tr.t("staff-nav-plans")));
            ctx.message(
                StatusCode::OK,
                Some(&viewer),
                tr.t("staff-plans-opened-title"),
                body,
                back,
            )
        }
        Err(e) => ctx.error(Some(&viewer), e),
    }
}

struct PlanView {
    href: String,
    name: String,
    student_id: String,
    class_name: String,
    status: String,
    owner: String,
    next: String,
    due: bool,
}

#[derive(Template)]
#[template(path = "staff/plans.html")]
struct PlansPage<'a> {
    layout: StaffLayout,
    tr: Tr<'a>,
    rows: Vec<PlanView>,
    due_only: bool,
}

async fn plans_page(
    State(state): State<AppState>,
    Query(q): Params,
    headers: HeaderMap,
    jar: CookieJar,
) -> Response {
    let (ctx, viewer) = require_staff!(state, headers, jar, q);
    let tr = ctx.tr();
    let due_only = param(&q, "due").is_some();
    let rows = match plans::list(&state.db, &viewer, due_only, state.clock.today()).await {
        Ok(r) => r,
        Err(e) => return ctx.error(Some(&viewer), e),
    };
    let page = PlansPage {
        layout: ctx.layout(
            tr.t("staff-nav-plans"),
            if due_only {
                "/staff/plans?due=1"
            } else {
                "/staff/plans"
            },
            Some(&viewer),
        ),
        tr,
        rows: rows
            .iter()
            .map(|p| PlanView {
                href: format!("/staff/plans/{}", p.id),
                name: p.name.clone(),
                student_id: p.student_id.clone(),
                class_name: p.class_name.clone(),
                status: tr.t(&format!("staff-plan-{}", p.status.as_str())),
                owner: p.owner.clone().unwrap_or_default(),
                next: p.next_follow_up.map(|d| d.to_string()).unwrap_or_default(),
                due: p.due,
            })
            .collect(),
        due_only,
    };
    ctx.page(StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "staff/plan.html")]
struct PlanPage<'a> {
    layout: StaffLayout,
    tr: Tr<'a>,
    card: plans::PlanCard,
    reasons: Vec<String>,
    causes: Vec<String>,
    statuses: Vec<Choice>,
    follow_ups: Vec<NoteView>,
    csrf: String,
    action: String,
    next: String,
}

async fn plan_page(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    Query(q): Params,
    headers: HeaderMap,
    jar: CookieJar,
) -> Response {
    let (ctx, viewer) = require_staff!(state, headers, jar, q);
    let tr = ctx.tr();
    let card = match plans::card(&state.db, &viewer, id, state.clock.today()).await {
        Ok(c) => c,
        Err(e) => return ctx.error(Some(&viewer), e),
    };
    let reasons = card
        .reasons
        .iter()
        .map(|r| match r.strip_prefix("destination:") {
            Some(d) => tr.t(&format!("choice-destination_type-{d}")),
            None => tr.t(&format!("staff-plan-reason-{r}")),
        })
        .collect();
    let causes = card
        .causes
        .iter()
        .map(|c| tr.t(&format!("choice-slow_cause-{c}")))
        .collect();
    let page = PlanPage {
        layout: ctx.layout(
            card.row.name.clone(),
            &format!("/staff/plans/{id}"),
            Some(&viewer),
        ),
        tr,
        reasons,
        causes,
        statuses: PlanStatus::ALL
            .into_iter()
            .map(|s| Choice {
                value: s.as_str().into(),
                label: tr.t(&format!("staff-plan-{}", s.as_str())),
                selected: s == card.row.status,
            })
            .collect(),
        follow_ups: card
            .follow_ups
            .iter()
            .map(|f| NoteView {
                kind: String::new(),
                note: f.note.clone(),
                by: f.by.clone(),
                at: tr.when(f.at),
            })
            .collect(),
        csrf: ctx.csrf(&subject(&viewer)),
        action: format!("/staff/plans/{id}"),
        next: card
            .row
            .next_follow_up
            .map(|d| d.to_string())
            .unwrap_or_default(),
        card,
    };
    ctx.page(StatusCode::OK, &page)
}

async fn update_plan(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    Query(q): Params,
    headers: HeaderMap,
    jar: CookieJar,
    body: Bytes,
) -> Response {
    let (ctx, viewer) = require_staff!(state, headers, jar, q);
    let form = Form::parse(&body);
    if !ctx.csrf_ok(&subject(&viewer), &form) {
        return ctx.error(Some(&viewer), Error::Forbidden);
    }
    let change = match plan_update(&form) {
        Ok(c) => c,
        Err(e) => return ctx.error(Some(&viewer), e),
    };
    match plans::update(
        &state.db,
        &viewer,
        id,
        &change,
        state.clock.now(),
        state.clock.today(),
    )
    .await
    {
        Ok(()) => ctx.respond(Redirect::to(&format!("/staff/plans/{id}")).into_response()),
        Err(e) => ctx.error(Some(&viewer), e),
    }
}

fn plan_update(form: &Form) -> Result<PlanUpdate, Error> {
    let status = PlanStatus::parse(form.get("status"))
        .ok_or_else(|| Error::Invalid("unknown plan status".into()))?;
    let next_follow_up = match form.get("next_follow_up").trim() {
        "" => None,
        d => Some(
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
                Error::Invalid("the follow-up date must be written YYYY-MM-DD".into())
            })?,
        ),
    };
    Ok(PlanUpdate {
        actions: form.get("actions").to_string(),
        owner: form.get("owner").to_string(),
        status,
        next_follow_up,
        follow_up_note: form.get("follow_up_note").to_string(),
    })
}
