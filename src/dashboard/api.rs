//! The JSON API behind the same staff accounts, for scripts: `POST /api/login` gives a bearer
//! token; every other call sends `Authorization: Bearer TOKEN` and sees exactly what the
//! dashboard shows that account. Described by the OpenAPI document at `/api/openapi.json`.
use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};

use super::auth::{self, SignInError, StaffKeys, TokenKind};
use super::chase::{self, ChaseFilter, ChasePage, ChaseStatus, ContactKind, Reach, Sort};
use super::outreach::{self, DeadLetterRow, Outreach, Queued};
use super::plans::{self, PlanCard, PlanRow};
use super::rates::{self, WaveRates, WaveSummary};
use super::scope::Viewer;
use crate::error::Error;
use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/login", post(login))
        .route("/api/waves", get(waves))
        .route("/api/waves/{id}/rates", get(wave_rates))
        .route("/api/waves/{id}/chase", get(chase_list))
        .route("/api/plans", get(plan_list))
        .route("/api/plans/{id}", get(plan))
        .route("/api/waves/{id}/chase.csv", get(chase_csv))
        .route("/api/waves/{id}/dead-letters", get(dead_letters))
        .route("/api/invitations/{id}", get(invitee))
        .route("/api/invitations/{id}/reminders", get(reminders))
        .route("/api/invitations/{id}/remind", post(remind_now))
        .route("/api/invitations/{id}/contact", post(record_contact))
        .route("/api/invitations/{id}/link", get(personal_link))
        .route("/api/openapi.json", get(openapi))
}

/// Credentials of a staff account.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// A bearer token for the other calls.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    pub token: String,
    /// When the token stops working (8 hours after sign-in).
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// What went wrong, in words for the script's author.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiError {
    pub error: String,
}

fn fail(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(ApiError {
            error: message.to_string(),
        }),
    )
        .into_response()
}

/// The API's mapping of errors: statuses and short reasons, no page.
fn error_response(err: Error) -> Response {
    match err {
        Error::Unauthorized => fail(
            StatusCode::UNAUTHORIZED,
            "sign in: POST /api/login, then send Authorization: Bearer TOKEN",
        ),
        Error::Forbidden => fail(StatusCode::FORBIDDEN, "outside your scope"),
        Error::NotFound(what) => fail(StatusCode::NOT_FOUND, &format!("not found: {what}")),
        Error::Invalid(reason) => fail(StatusCode::BAD_REQUEST, &reason),
        Error::Conflict(reason) => fail(StatusCode::CONFLICT, &reason),
        other => {
            tracing::error!(error = %other, "api request failed");
            fail(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
        }
    }
}

fn keys(state: &AppState) -> Result<StaffKeys, Error> {
    StaffKeys::from_config(&state.config)
}

/// The viewer of the request's bearer token.
async fn viewer(state: &AppState, headers: &HeaderMap) -> Result<Viewer, Response> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| error_response(Error::Unauthorized))?;
    let keys = keys(state).map_err(error_response)?;
    auth::viewer_for(&state.db, &keys, token, TokenKind::Api, state.clock.now())
        .await
        .map(|(v, _, _)| v)
        .map_err(error_response)
}

macro_rules! viewer {
    ($state:expr, $headers:expr) => {
        match viewer(&$state, &$headers).await {
            Ok(v) => v,
            Err(resp) => return resp,
        }
    };
}

fn json<T: Serialize>(result: Result<T, Error>) -> Response {
    match result {
        Ok(v) => Json(v).into_response(),
        Err(e) => error_response(e),
    }
}

/// Signs in; five wrong passwords in a row lock the account for 15 minutes.
#[utoipa::path(
    post,
    path = "/api/login",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = LoginResponse),
        (status = 401, description = "Wrong username or password", body = ApiError),
        (status = 429, description = "Locked after repeated failures", body = ApiError),
    ),
    tag = "auth"
)]
async fn login(State(state): State<AppState>, body: Bytes) -> Response {
    let Ok(req) = serde_json::from_slice::<LoginRequest>(&body) else {
        return fail(
            StatusCode::BAD_REQUEST,
            "send {\"username\": …, \"password\": …} as JSON",
        );
    };
    let now = state.clock.now();
    match auth::sign_in(&state.db, &req.username, &req.password, now).await {
        Ok(Ok(staff)) => {
            match keys(&state).and_then(|k| auth::issue(&k, &staff, TokenKind::Api, now)) {
                Ok(token) => Json(LoginResponse {
                    token,
                    expires_at: now + auth::SESSION_TTL,
                })
                .into_response(),
                Err(e) => error_response(e),
            }
        }
        Ok(Err(SignInError::WrongCredentials)) => {
            fail(StatusCode::UNAUTHORIZED, "wrong username or password")
        }
        Ok(Err(SignInError::Locked(until))) => {
            let mut resp = fail(
                StatusCode::TOO_MANY_REQUESTS,
                "locked after repeated failures; try again later",
            );
            if let Ok(v) = (until - now).num_seconds().max(1).to_string().parse() {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
            resp
        }
        Err(e) => error_response(e),
    }
}

/// The waves this account may open.
#[utoipa::path(get, path = "/api/waves", responses((status = 200, body = [WaveSummary]), (status = 401, body = ApiError)), security(("bearer" = [])), tag = "rates")]
async fn waves(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let v = viewer!(state, headers);
    json(rates::waves(&state.db, &v).await)
}

/// A wave's response rates in this account's scope, department → major → class (employer
/// waves: per employer type, employment office only), with the cumulative rate by day.
#[utoipa::path(
    get,
    path = "/api/waves/{id}/rates",
    params(("id" = i32, Path, description = "Wave id")),
    responses(
        (status = 200, body = WaveRates),
        (status = 401, body = ApiError),
        (status = 403, description = "Unknown wave, or outside the account's scope", body = ApiError),
    ),
    security(("bearer" = [])),
    tag = "rates"
)]
async fn wave_rates(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    headers: HeaderMap,
) -> Response {
    let v = viewer!(state, headers);
    json(rates::wave_rates(&state.db, &v, id, state.clock.now()).await)
}

/// The chase list's filters, offset and limit from the query string.
#[allow(clippy::result_large_err)]
fn chase_query(q: &BTreeMap<String, String>) -> Result<(ChaseFilter, u64, u64), Response> {
    let bad = |what: &str| error_response(Error::Invalid(format!("unknown {what}")));
    let get = |k: &str| q.get(k).map(|s| s.trim()).filter(|s| !s.is_empty());
    let status = match get("status").map(ChaseStatus::parse) {
        Some(None) => return Err(bad("status")),
        s => s.flatten(),
    };
    let reach = match get("reach").map(Reach::parse) {
        Some(None) => return Err(bad("reach")),
        r => r.flatten(),
    };
    let sort = match get("sort").map(Sort::parse) {
        Some(None) => return Err(bad("sort")),
        s => s.flatten().unwrap_or_default(),
    };
    let number = |k: &str, default: u64| get(k).map(|n| n.parse::<u64>()).unwrap_or(Ok(default));
    let (Ok(offset), Ok(limit)) = (number("offset", 0), number("limit", 100)) else {
        return Err(bad("offset or limit"));
    };
    let filter = ChaseFilter {
        status,
        class_name: get("class").map(str::to_string),
        reach,
        include_unreachable: get("include_unreachable") == Some("true"),
        sort,
    };
    Ok((filter, offset, limit))
}

/// Filters of the chase list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChaseQuery {
    /// not_opened | opened | consented | declined | partial
    pub status: Option<String>,
    /// Only this class (graduates) or employer type (employers).
    pub class: Option<String>,
    /// email | phone | wechat: only people reachable that way.
    pub reach: Option<String>,
    /// Also list people marked unreachable or with a wrong number.
    pub include_unreachable: Option<bool>,
    /// class | name | last_activity
    pub sort: Option<String>,
    pub offset: Option<u64>,
    /// At most 500.
    pub limit: Option<u64>,
}

/// The non-responders of a wave in this account's scope (no answers).
#[utoipa::path(
    get,
    path = "/api/waves/{id}/chase",
    params(("id" = i32, Path, description = "Wave id"), ChaseQuery),
    responses((status = 200, body = ChasePage), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError)),
    security(("bearer" = [])),
    tag = "chase"
)]
async fn chase_list(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let v = viewer!(state, headers);
    let (filter, offset, limit) = match chase_query(&q) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    json(chase::chase_list(&state.db, &v, id, &filter, offset, limit).await)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlansQuery {
    /// Only plans whose follow-up date has come.
    pub due: Option<bool>,
}

/// Assistance plans (一人一策) of graduates in this account's scope.
#[utoipa::path(get, path = "/api/plans", params(PlansQuery), responses((status = 200, body = [PlanRow]), (status = 401, body = ApiError)), security(("bearer" = [])), tag = "plans")]
async fn plan_list(
    State(state): State<AppState>,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let v = viewer!(state, headers);
    let due = q.get("due").is_some_and(|d| d == "true" || d == "1");
    json(plans::list(&state.db, &v, due, state.clock.today()).await)
}

/// One assistance plan; reasons and causes only for the employment office and departments.
#[utoipa::path(
    get,
    path = "/api/plans/{id}",
    params(("id" = i32, Path, description = "Plan id")),
    responses((status = 200, body = PlanCard), (status = 401, body = ApiError), (status = 403, body = ApiError)),
    security(("bearer" = [])),
    tag = "plans"
)]
async fn plan(State(state): State<AppState>, Path(id): Path<i32>, headers: HeaderMap) -> Response {
    let v = viewer!(state, headers);
    json(plans::card(&state.db, &v, id, state.clock.today()).await)
}

/// The whole chase list as CSV (UTF-8 with BOM), with contact details, in this account's
/// scope; audited like the dashboard's export.
#[utoipa::path(
    get,
    path = "/api/waves/{id}/chase.csv",
    params(("id" = i32, Path, description = "Wave id"), ChaseQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError)),
    security(("bearer" = [])),
    tag = "chase"
)]
async fn chase_csv(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let v = viewer!(state, headers);
    let (filter, _, _) = match chase_query(&q) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    match chase::export_csv(&state.db, &v, id, &filter, state.clock.now()).await {
        Ok(bytes) => ([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], bytes).into_response(),
        Err(e) => error_response(e),
    }
}

/// Reminders of a wave that failed on every attempt, for people in this account's scope.
#[utoipa::path(
    get,
    path = "/api/waves/{id}/dead-letters",
    params(("id" = i32, Path, description = "Wave id")),
    responses((status = 200, body = [DeadLetterRow]), (status = 401, body = ApiError), (status = 403, body = ApiError)),
    security(("bearer" = [])),
    tag = "chase"
)]
async fn dead_letters(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    headers: HeaderMap,
) -> Response {
    let v = viewer!(state, headers);
    json(outreach::dead_letters(&state.db, &v, id).await)
}

/// One contact note on an invitee's card.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoteOut {
    /// `phoned`, `unreachable`, `wrong_number`, `details_updated`, `reminded`.
    pub kind: String,
    pub note: Option<String>,
    pub by: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// An invitee as a liaison sees them (never their answers).
#[derive(Debug, Serialize, ToSchema)]
pub struct InviteeCard {
    pub invitation_id: i32,
    pub wave_id: i32,
    pub name: String,
    /// Student id or USCC.
    pub key: String,
    /// Class, major, department (graduates) or type, industry (employers).
    pub details: Vec<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub has_wechat: bool,
    pub status: ChaseStatus,
    /// `complete` or `opted_out` when there is nothing to chase.
    pub done: Option<String>,
    pub contact_state: Option<String>,
    pub notes: Vec<NoteOut>,
}

/// An invitee in this account's scope; unknown ids and ids outside the scope both give 403.
#[utoipa::path(
    get,
    path = "/api/invitations/{id}",
    params(("id" = i32, Path, description = "Invitation id")),
    responses((status = 200, body = InviteeCard), (status = 401, body = ApiError), (status = 403, body = ApiError)),
    security(("bearer" = [])),
    tag = "chase"
)]
async fn invitee(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    headers: HeaderMap,
) -> Response {
    let v = viewer!(state, headers);
    json(chase::invitee(&state.db, &v, id).await.map(|c| {
        InviteeCard {
            invitation_id: c.invitation.id,
            wave_id: c.wave.id,
            name: c.name,
            key: c.key,
            details: c.details,
            email: c.email,
            phone: c.phone,
            has_wechat: c.has_wechat,
            status: c.status,
            done: c.done,
            contact_state: c.invitation.contact_state,
            notes: c
                .notes
                .into_iter()
                .map(|n| NoteOut {
                    kind: n.kind,
                    note: n.note,
                    by: n.by,
                    at: n.at,
                })
                .collect(),
        }
    }))
}

/// The invitee's reminders and every delivery attempt with its outcome.
#[utoipa::path(
    get,
    path = "/api/invitations/{id}/reminders",
    params(("id" = i32, Path, description = "Invitation id")),
    responses((status = 200, body = Outreach), (status = 401, body = ApiError), (status = 403, body = ApiError)),
    security(("bearer" = [])),
    tag = "chase"
)]
async fn reminders(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    headers: HeaderMap,
) -> Response {
    let v = viewer!(state, headers);
    json(outreach::outreach(&state.db, &v, id, state.scheduler.settings.cooldown).await)
}

/// Remind now: one more reminder through the scheduler (202). Refused with 409 within the
/// cool-down after the person's last reminder, 400 once they answered or opted out or the
/// wave closed.
#[utoipa::path(
    post,
    path = "/api/invitations/{id}/remind",
    params(("id" = i32, Path, description = "Invitation id")),
    responses(
        (status = 202, description = "Queued", body = Queued),
        (status = 400, description = "Answered, opted out or wave closed", body = ApiError),
        (status = 401, body = ApiError),
        (status = 403, body = ApiError),
        (status = 409, description = "Reminded within the cool-down", body = ApiError),
    ),
    security(("bearer" = [])),
    tag = "chase"
)]
async fn remind_now(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    headers: HeaderMap,
) -> Response {
    let v = viewer!(state, headers);
    match outreach::remind_now(&state.db, &state.scheduler, &v, id).await {
        Ok(q) => (StatusCode::ACCEPTED, Json(q)).into_response(),
        Err(e) => error_response(e),
    }
}

/// What a liaison records after trying to reach someone.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ContactRequest {
    pub kind: ContactKind,
    #[serde(default)]
    pub note: String,
}

/// Records a contact (phoned, unreachable, wrong number) with an optional note (204).
#[utoipa::path(
    post,
    path = "/api/invitations/{id}/contact",
    params(("id" = i32, Path, description = "Invitation id")),
    request_body = ContactRequest,
    responses((status = 204, description = "Recorded"), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError)),
    security(("bearer" = [])),
    tag = "chase"
)]
async fn record_contact(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let v = viewer!(state, headers);
    let Ok(req) = serde_json::from_slice::<ContactRequest>(&body) else {
        return fail(
            StatusCode::BAD_REQUEST,
            "send {\"kind\": \"phoned\" | \"unreachable\" | \"wrong_number\", \"note\": …} as JSON",
        );
    };
    match chase::record_contact(&state.db, &v, id, req.kind, &req.note, state.clock.now()).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => error_response(e),
    }
}

/// The invitee's personal survey link and its QR code.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonalLink {
    pub link: String,
    /// The QR code of the link as an SVG document.
    pub qr_svg: String,
}

/// The personal link and its QR code (showing it is audited: the link opens their answers).
#[utoipa::path(
    get,
    path = "/api/invitations/{id}/link",
    params(("id" = i32, Path, description = "Invitation id")),
    responses((status = 200, body = PersonalLink), (status = 401, body = ApiError), (status = 403, body = ApiError)),
    security(("bearer" = [])),
    tag = "chase"
)]
async fn personal_link(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    headers: HeaderMap,
) -> Response {
    let v = viewer!(state, headers);
    json(
        chase::personal_link(
            &state.db,
            &state.keys,
            &state.config.base_url(),
            &v,
            id,
            state.clock.now(),
        )
        .await
        .map(|(link, qr_svg)| PersonalLink { link, qr_svg }),
    )
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The OpenAPI document of the dashboard API.
#[derive(OpenApi)]
#[openapi(
    info(title = "gradtrace dashboard API", description = "Response rates, chase lists and assistance plans, scoped to the signed-in staff account."),
    paths(
        login, waves, wave_rates, chase_list, chase_csv, dead_letters, invitee, reminders,
        remind_now, record_contact, personal_link, plan_list, plan
    ),
    modifiers(&BearerAuth),
    tags((name = "auth"), (name = "rates"), (name = "chase"), (name = "plans"))
)]
pub struct ApiDoc;

/// Every route of the API (`routes`), for the test that the OpenAPI document covers them all.
pub const ROUTES: [(&str, &str); 13] = [
    ("post", "/api/login"),
    ("get", "/api/waves"),
    ("get", "/api/waves/{id}/rates"),
    ("get", "/api/waves/{id}/chase"),
    ("get", "/api/waves/{id}/chase.csv"),
    ("get", "/api/waves/{id}/dead-letters"),
    ("get", "/api/invitations/{id}"),
    ("get", "/api/invitations/{id}/reminders"),
    ("post", "/api/invitations/{id}/remind"),
    ("post", "/api/invitations/{id}/contact"),
    ("get", "/api/invitations/{id}/link"),
    ("get", "/api/plans"),
    ("get", "/api/plans/{id}"),
];

async fn openapi() -> Response {
    Json(ApiDoc::openapi()).into_response()
}
