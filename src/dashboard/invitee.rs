//! The invitee's card (who, how to reach them, their personal link and its QR code, what was
//! tried: contact notes, reminders and delivery attempts) and its actions — remind now, record
//! a contact, update contact details — and a wave's dead-letter list. Thin handlers over
//! `chase` and `outreach`.
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::cookie::CookieJar;

use super::chase::{self, ContactKind};
use super::outreach::{self, DeadLetterRow};
use super::pages::{Choice, Form, NoteView, Params, param, require_staff, subject};
use super::rates;
use super::view::{StaffLayout, Tr};
use crate::error::Error;
use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/invitations/{id}", get(invitee_page))
        .route("/staff/invitations/{id}/contact", post(record_contact))
        .route("/staff/invitations/{id}/details", post(update_details))
        .route("/staff/invitations/{id}/remind", post(remind_now))
        .route("/staff/waves/{id}/dead", get(dead_letters_page))
}

#[derive(Template)]
#[template(path = "staff/invitee.html")]
struct InviteePage<'a> {
    layout: StaffLayout,
    tr: Tr<'a>,
    name: String,
    key: String,
    details: Vec<String>,
    email: String,
    phone: String,
    has_wechat: bool,
    status: String,
    done: Option<String>,
    state: String,
    notes: Vec<NoteView>,
    csrf: String,
    base: String,
    chase_href: String,
    link: Option<(String, String)>,
    kinds: Vec<Choice>,
    /// The result of the last "remind now", shown once.
    remind_notice: Option<(bool, String)>,
    reminders: Vec<ReminderView>,
    attempts: Vec<AttemptView>,
    cooldown: String,
}

struct ReminderView {
    kind: String,
    due: String,
    state: String,
    channel: String,
    attempts: i32,
}

struct AttemptView {
    at: String,
    channel: String,
    outcome: String,
    failed: bool,
    reply: String,
}

async fn invitee_page(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    Query(q): Params,
    headers: HeaderMap,
    jar: CookieJar,
) -> Response {
    let (ctx, viewer) = require_staff!(state, headers, jar, q);
    let tr = ctx.tr();
    let card = match chase::invitee(&state.db, &viewer, id).await {
        Ok(c) => c,
        Err(e) => return ctx.error(Some(&viewer), e),
    };
    let link = if param(&q, "show") == Some("link") {
        match chase::personal_link(
            &state.db,
            &state.keys,
            &state.config.base_url(),
            &viewer,
            id,
            state.clock.now(),
        )
        .await
        {
            Ok(l) => Some(l),
            Err(e) => return ctx.error(Some(&viewer), e),
        }
    } else {
        None
    };
    let cooldown = state.scheduler.settings.cooldown;
    let log = match outreach::outreach(&state.db, &viewer, id, cooldown).await {
        Ok(l) => l,
        Err(e) => return ctx.error(Some(&viewer), e),
    };
    let base = format!("/staff/invitations/{id}");
    let page = InviteePage {
        remind_notice: param(&q, "remind").map(|r| remind_notice(tr, r, cooldown.num_hours())),
        reminders: log
            .reminders
            .iter()
            .map(|r| ReminderView {
                kind: tr.t(&format!("staff-remind-kind-{}", r.kind)),
                due: tr.when(r.sent_at.unwrap_or(r.due_at)),
                state: tr.t(&format!("staff-remind-state-{}", r.state)),
                channel: r.channel.clone().unwrap_or_default(),
                attempts: r.attempts,
            })
            .collect(),
        attempts: log
            .attempts
            .iter()
            .map(|a| AttemptView {
                at: tr.when(a.at),
                channel: a.channel.clone(),
                outcome: tr.t(&format!("staff-outcome-{}", a.outcome)),
                failed: a.outcome != "sent",
                reply: a.provider_reply.clone().unwrap_or_default(),
            })
            .collect(),
        cooldown: tr.with("staff-remind-cooldown", "hours", cooldown.num_hours()),
        layout: ctx.layout(card.name.clone(), &base, Some(&viewer)),
        tr,
        name: card.name.clone(),
        key: card.key.clone(),
        details: card.details.clone(),
        email: card.email.clone().unwrap_or_default(),
        phone: card.phone.clone().unwrap_or_default(),
        has_wechat: card.has_wechat,
        status: tr.t(&format!(
            "staff-status-{}",
            card.done.as_deref().unwrap_or(card.status.as_str())
        )),
        done: card.done.clone(),
        state: card
            .invitation
            .contact_state
            .as_deref()
            .map(|s| tr.t(&format!("staff-contact-{s}")))
            .unwrap_or_default(),
        notes: card
            .notes
            .iter()
            .map(|n| NoteView {
                kind: tr.t(&format!("staff-contact-{}", n.kind)),
                note: n.note.clone().unwrap_or_default(),
                by: n.by.clone(),
                at: tr.when(n.at),
            })
            .collect(),
        csrf: ctx.csrf(&subject(&viewer)),
        chase_href: format!("/staff/waves/{}/chase", card.wave.id),
        base,
        link,
        kinds: [
            ContactKind::Phoned,
            ContactKind::Unreachable,
            ContactKind::WrongNumber,
        ]
        .into_iter()
        .map(|k| Choice {
            value: k.as_str().into(),
            label: tr.t(&format!("staff-contact-{}", k.as_str())),
            selected: k == ContactKind::Phoned,
        })
        .collect(),
    };
    ctx.page(StatusCode::OK, &page)
}

async fn record_contact(
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
    let Some(kind) = ContactKind::parse(form.get("kind")) else {
        return ctx.error(
            Some(&viewer),
            Error::Invalid("unknown kind of contact".into()),
        );
    };
    match chase::record_contact(
        &state.db,
        &viewer,
        id,
        kind,
        form.get("note"),
        state.clock.now(),
    )
    .await
    {
        Ok(()) => {
            ctx.respond(Redirect::to(&format!("/staff/invitations/{id}#notes")).into_response())
        }
        Err(e) => ctx.error(Some(&viewer), e),
    }
}

async fn update_details(
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
    match chase::update_contact(
        &state.db,
        &viewer,
        id,
        form.get("email"),
        form.get("phone"),
        state.clock.now(),
    )
    .await
    {
        Ok(()) => {
            ctx.respond(Redirect::to(&format!("/staff/invitations/{id}#notes")).into_response())
        }
        Err(e) => ctx.error(Some(&viewer), e),
    }
}

/// The words for a "remind now" result carried in the page's query (`queued`, `cooldown`,
/// `answered`, `closed`): (whether it worked, text).
pub(super) fn remind_notice(tr: Tr<'_>, result: &str, hours: i64) -> (bool, String) {
    match result {
        "queued" => (true, tr.t("staff-remind-queued")),
        "cooldown" => (false, tr.with("staff-remind-too-soon", "hours", hours)),
        "closed" => (false, tr.t("staff-remind-closed")),
        _ => (false, tr.t("staff-remind-refused")),
    }
}

/// Where to go back after a one-tap action: the chase list it came from, or the card.
fn back_to(form: &Form, id: i32) -> String {
    let back = form.get("back");
    if back.starts_with("/staff/waves/") && !back.contains("//") && !back.contains('\\') {
        back.to_string()
    } else {
        format!("/staff/invitations/{id}")
    }
}

fn with_query(path: &str, kv: &str) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}{kv}")
}

/// "Remind now" from the card or the chase list: queued through the scheduler, or refused
/// (cool-down, answered, wave closed); the result is shown where the liaison came from.
async fn remind_now(
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
    let result = match outreach::remind_now(&state.db, &state.scheduler, &viewer, id).await {
        Ok(_) => "queued",
        Err(Error::Conflict(_)) => "cooldown",
        Err(Error::Invalid(reason)) if reason.contains("closed") => "closed",
        Err(Error::Invalid(_)) => "refused",
        Err(e) => return ctx.error(Some(&viewer), e),
    };
    let back = back_to(&form, id);
    let to = with_query(&back, &format!("remind={result}&who={id}#i{id}"));
    ctx.respond(Redirect::to(&to).into_response())
}

struct DeadView {
    href: String,
    name: String,
    group: String,
    kind: String,
    channel: String,
    attempts: i32,
    error: String,
    at: String,
}

#[derive(Template)]
#[template(path = "staff/dead.html")]
struct DeadPage<'a> {
    layout: StaffLayout,
    tr: Tr<'a>,
    title: String,
    chase_href: String,
    rows: Vec<DeadView>,
}

fn dead_view(tr: Tr<'_>, d: &DeadLetterRow) -> DeadView {
    DeadView {
        href: format!("/staff/invitations/{}", d.invitation_id),
        name: d.name.clone(),
        group: d.group.clone(),
        kind: tr.t(&format!("staff-remind-kind-{}", d.kind)),
        channel: d.channel.clone().unwrap_or_default(),
        attempts: d.attempts,
        error: d.last_error.clone().unwrap_or_default(),
        at: tr.when(d.at),
    }
}

/// Sends that failed on every attempt, for people in the viewer's scope.
async fn dead_letters_page(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    Query(q): Params,
    headers: HeaderMap,
    jar: CookieJar,
) -> Response {
    let (ctx, viewer) = require_staff!(state, headers, jar, q);
    let tr = ctx.tr();
    let rows = match outreach::dead_letters(&state.db, &viewer, id).await {
        Ok(r) => r,
        Err(e) => return ctx.error(Some(&viewer), e),
    };
    let wave = match rates::visible_wave(&state.db, &viewer, id).await {
        Ok(w) => w,
        Err(e) => return ctx.error(Some(&viewer), e),
    };
    let title = tr.t("staff-dead-title");
    let page = DeadPage {
        layout: ctx.layout(
            title.clone(),
            &format!("/staff/waves/{id}/dead"),
            Some(&viewer),
        ),
        tr,
        title,
        chase_href: format!("/staff/waves/{}/chase", wave.id),
        rows: rows.iter().map(|d| dead_view(tr, d)).collect(),
    };
    ctx.page(StatusCode::OK, &page)
}
