//! The response store shared by the web form and the chat-bot: one response per invitation,
//! opened on first contact, consent recorded, answers saved after every page or message with
//! an optimistic revision check (a resent page never writes twice), completion and opt-out,
//! and the lookups of an invitee by link token or by code (rate-limited).
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryTrait, Set,
    TransactionTrait, TryIntoModel,
};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::store::commit::Write;
use crate::store::entities::{consent_event, graduate, invitation, response, wave};
use crate::survey::{Answers, Stage};
use crate::wave::code::Code;
use crate::wave::limit::{self, AttemptLimiter};
use crate::wave::token::{self, TokenKeys};

/// Where a response stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The link or code was used; the privacy notice is not answered yet.
    Opened,
    /// The privacy notice was accepted; no answer saved yet.
    Consented,
    /// The privacy notice was refused: nothing may be saved.
    Declined,
    /// Some answers saved.
    Partial,
    Complete,
    /// The person asked not to take part (no more reminders).
    OptedOut,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Opened,
        Status::Consented,
        Status::Declined,
        Status::Partial,
        Status::Complete,
        Status::OptedOut,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Opened => "opened",
            Status::Consented => "consented",
            Status::Declined => "declined",
            Status::Partial => "partial",
            Status::Complete => "complete",
            Status::OptedOut => "opted_out",
        }
    }

    /// The statuses whose saved answers count (exports, indicators): some answers saved, and
    /// neither declined since nor opted out.
    pub const ANSWERED: [Status; 2] = [Status::Partial, Status::Complete];

    pub fn counts(self) -> bool {
        Status::ANSWERED.contains(&self)
    }

    /// Whether answers may be saved: only after the notice was accepted, and not after opting out.
    pub fn accepts_answers(self) -> bool {
        matches!(self, Status::Consented | Status::Partial | Status::Complete)
    }
}

impl FromStr for Status {
    type Err = Error;
    fn from_str(s: &str) -> Result<Status> {
        Status::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| Error::Invalid(format!("unknown response status '{s}'")))
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The front door a response was touched through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Web,
    Wechat,
    Telegram,
    Whatsapp,
    /// A liaison or administrator acting for the person (e.g. recording an opt-out by phone).
    Staff,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::Web,
        Channel::Wechat,
        Channel::Telegram,
        Channel::Whatsapp,
        Channel::Staff,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Wechat => "wechat",
            Channel::Telegram => "telegram",
            Channel::Whatsapp => "whatsapp",
            Channel::Staff => "staff",
        }
    }
}

impl FromStr for Channel {
    type Err = Error;
    fn from_str(s: &str) -> Result<Channel> {
        Channel::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| Error::Invalid(format!("unknown channel '{s}'")))
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The status of a stored response (an unknown stored value is reported, not guessed).
pub fn status_of(r: &response::Model) -> Result<Status> {
    r.status.parse()
}

/// `channels` with `channel` added at the end if not there yet.
fn with_channel(channels: &str, channel: Channel) -> String {
    if channels.split(',').any(|c| c == channel.as_str()) {
        channels.to_string()
    } else if channels.is_empty() {
        channel.as_str().to_string()
    } else {
        format!("{channels},{}", channel.as_str())
    }
}

/// The response of `invitation_id`, if it has one.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    invitation_id: i32,
) -> Result<Option<response::Model>> {
    Ok(response::Entity::find()
        .filter(response::Column::InvitationId.eq(invitation_id))
        .one(db)
        .await?)
}

async fn get<C: ConnectionTrait>(db: &C, response_id: i32) -> Result<response::Model> {
    response::Entity::find_by_id(response_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::NotFound(format!("response {response_id}")))
}

async fn invitation_and_wave<C: ConnectionTrait>(
    db: &C,
    invitation_id: i32,
) -> Result<(invitation::Model, wave::Model)> {
    let inv = invitation::Entity::find_by_id(invitation_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::NotFound(format!("invitation {invitation_id}")))?;
    let w = crate::wave::find(db, inv.wave_id).await?;
    Ok((inv, w))
}

fn new_response(
    invitation_id: i32,
    survey_version: i32,
    status: Status,
    channel: Channel,
    now: DateTime<Utc>,
) -> response::ActiveModel {
    response::ActiveModel {
        invitation_id: Set(invitation_id),
        survey_version: Set(survey_version),
        status: Set(status.as_str().to_string()),
        answers: Set(serde_json::json!({})),
        channels: Set(channel.as_str().to_string()),
        revision: Set(0),
        lang: Set(None),
        opened_at: Set(None),
        consented_at: Set(None),
        consent_notice_version: Set(None),
        consent_channel: Set(None),
        completed_at: Set(None),
        opted_out_at: Set(None),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// The response of an invitation, created (status `opened`) on first contact. Opening it again,
/// from any channel, returns the same response and only adds the channel to its list.
pub async fn open<C: ConnectionTrait>(
    db: &C,
    invitation_id: i32,
    channel: Channel,
    now: DateTime<Utc>,
) -> Result<response::Model> {
    if let Some(existing) = find(db, invitation_id).await? {
        return add_channel(db, existing, channel, now).await;
    }
    let (_, w) = invitation_and_wave(db, invitation_id).await?;
    open_known(db, invitation_id, w.survey_version, None, channel, now).await
}

/// `open` for a caller that has just read the invitation's wave and response (`existing`).
pub async fn open_known<C: ConnectionTrait>(
    db: &C,
    invitation_id: i32,
    survey_version: i32,
    existing: Option<response::Model>,
    channel: Channel,
    now: DateTime<Utc>,
) -> Result<response::Model> {
    if let Some(existing) = existing {
        return add_channel(db, existing, channel, now).await;
    }
    let mut model = new_response(invitation_id, survey_version, Status::Opened, channel, now);
    model.opened_at = Set(Some(now));
    match response::Entity::insert(model)
        .exec_with_returning(db)
        .await
    {
        Ok(created) => Ok(created),
        // Opened at the same moment from two phones: the other insert won; use its row.
        Err(e) => match find(db, invitation_id).await? {
            Some(existing) => add_channel(db, existing, channel, now).await,
            None => Err(e.into()),
        },
    }
}

/// `open_known` planned rather than made (`store::commit`): the response as it will be (a new
/// one has id 0 until it is committed) and the write, if opening writes. A response opened
/// meanwhile by someone else fails the write with a conflict.
pub fn plan_open(
    backend: sea_orm::DbBackend,
    invitation_id: i32,
    survey_version: i32,
    existing: Option<response::Model>,
    channel: Channel,
    now: DateTime<Utc>,
) -> Result<(response::Model, Option<Write>)> {
    if let Some(existing) = existing {
        return Ok(match channel_update(&existing, channel, now) {
            Some((update, after)) => {
                let write = Write::new(backend, &update.into_query()).expecting(1);
                (after, Some(write))
            }
            None => (existing, None),
        });
    }
    let mut row = new_response(invitation_id, survey_version, Status::Opened, channel, now);
    row.opened_at = Set(Some(now));
    let after = response::ActiveModel {
        id: Set(0),
        ..row.clone()
    }
    .try_into_model()?;
    let insert = response::Entity::insert(row).on_conflict(
        OnConflict::column(response::Column::InvitationId)
            .do_nothing()
            .to_owned(),
    );
    Ok((
        after,
        Some(Write::new(backend, &insert.into_query()).expecting(1)),
    ))
}

/// Adds a channel to the list without bumping the revision: opening changes no answer, so a
/// page already loaded on another phone stays valid.
async fn add_channel<C: ConnectionTrait>(
    db: &C,
    existing: response::Model,
    channel: Channel,
    now: DateTime<Utc>,
) -> Result<response::Model> {
    let Some((update, _)) = channel_update(&existing, channel, now) else {
        return Ok(existing);
    };
    let id = existing.id;
    let updated = update.exec_with_returning(db).await?;
    match updated.into_iter().next() {
        Some(r) => Ok(r),
        // Another channel was added meanwhile: what is stored is the answer.
        None => get(db, id).await,
    }
}

/// The update of `add_channel`, guarded by the channels it read, and the row as it will be;
/// None when the response is open through `channel` already.
fn channel_update(
    existing: &response::Model,
    channel: Channel,
    now: DateTime<Utc>,
) -> Option<(sea_orm::UpdateMany<response::Entity>, response::Model)> {
    let channels = with_channel(&existing.channels, channel);
    if channels == existing.channels && existing.opened_at.is_some() {
        return None;
    }
    let after = response::Model {
        channels,
        opened_at: existing.opened_at.or(Some(now)),
        ..existing.clone()
    };
    let update = response::Entity::update_many()
        .col_expr(
            response::Column::Channels,
            Expr::value(after.channels.clone()),
        )
        .col_expr(response::Column::OpenedAt, Expr::value(after.opened_at))
        .filter(response::Column::Id.eq(existing.id))
        .filter(response::Column::Channels.eq(existing.channels.clone()));
    Some((update, after))
}

/// Records an answer to the privacy notice (a `consent_event` row, kept forever) and moves the
/// response to `consented` or `declined`. A complete response stays complete when declined:
/// withdrawing after completing is an opt-out.
pub async fn record_consent<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    response_id: i32,
    notice_version: i32,
    accepted: bool,
    channel: Channel,
    now: DateTime<Utc>,
) -> Result<response::Model> {
    let txn = db.begin().await?;
    let result = async {
        let current = get(&txn, response_id).await?;
        let change = Consent::of(&current, notice_version, accepted, channel, now)?;
        change.event.insert(&txn).await?;
        // Guarded like a save, so an answer saved meanwhile is never overwritten by a status.
        let updated = change
            .update
            .exec_with_returning(&txn)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| stale(current.revision))?;
        if !change.next.counts() {
            crate::store::facts::forget(&txn, response_id).await?;
        }
        Ok(updated)
    }
    .await;
    crate::store::finish(txn, result).await
}

/// `record_consent` planned rather than made (`store::commit`), on the response as last read:
/// the response as it will be, and the writes (a response changed meanwhile fails them with a
/// conflict).
pub fn plan_consent(
    backend: sea_orm::DbBackend,
    current: &response::Model,
    notice_version: i32,
    accepted: bool,
    channel: Channel,
    now: DateTime<Utc>,
) -> Result<(response::Model, Vec<Write>)> {
    let change = Consent::of(current, notice_version, accepted, channel, now)?;
    let mut writes = vec![
        Write::new(
            backend,
            &consent_event::Entity::insert(change.event).into_query(),
        ),
        Write::new(backend, &change.update.into_query()).expecting(1),
    ];
    if !change.next.counts() {
        writes.push(crate::store::facts::plan_forget(backend, current.id));
    }
    Ok((change.after, writes))
}

/// What answering the privacy notice changes of a response.
struct Consent {
    event: consent_event::ActiveModel,
    /// Guarded by the revision read.
    update: sea_orm::UpdateMany<response::Entity>,
    next: Status,
    after: response::Model,
}

impl Consent {
    fn of(
        current: &response::Model,
        notice_version: i32,
        accepted: bool,
        channel: Channel,
        now: DateTime<Utc>,
    ) -> Result<Consent> {
        let status = status_of(current)?;
        let event = consent_event::ActiveModel {
            response_id: Set(current.id),
            notice_version: Set(notice_version),
            accepted: Set(accepted),
            channel: Set(channel.as_str().to_string()),
            at: Set(now),
            ..Default::default()
        };
        let next = match (accepted, status) {
            (true, Status::Opened | Status::Declined | Status::OptedOut) => Status::Consented,
            (false, Status::Complete) => Status::Complete,
            (false, _) => Status::Declined,
            (true, s) => s,
        };
        let mut after = response::Model {
            status: next.as_str().to_string(),
            channels: with_channel(&current.channels, channel),
            revision: current.revision + 1,
            updated_at: now,
            ..current.clone()
        };
        let mut update = response::Entity::update_many()
            .col_expr(response::Column::Status, Expr::value(next.as_str()))
            .col_expr(
                response::Column::Channels,
                Expr::value(after.channels.clone()),
            )
            .col_expr(response::Column::Revision, Expr::value(after.revision))
            .col_expr(response::Column::UpdatedAt, Expr::value(now));
        if accepted {
            after.consented_at = Some(now);
            after.consent_notice_version = Some(notice_version);
            after.consent_channel = Some(channel.as_str().to_string());
            update = update
                .col_expr(response::Column::ConsentedAt, Expr::value(Some(now)))
                .col_expr(
                    response::Column::ConsentNoticeVersion,
                    Expr::value(Some(notice_version)),
                )
                .col_expr(
                    response::Column::ConsentChannel,
                    Expr::value(Some(channel.as_str())),
                );
        }
        let update = update
            .filter(response::Column::Id.eq(current.id))
            .filter(response::Column::Revision.eq(current.revision));
        Ok(Consent {
            event,
            update,
            next,
            after,
        })
    }
}

/// Saves the whole answer set of a response, if nobody saved since `expected_revision` was
/// read: `UPDATE … WHERE id = ? AND revision = ?`. A stale revision (a page submitted twice,
/// or answered meanwhile on another phone) is `Error::Conflict` and changes nothing.
pub async fn save_answers<C: ConnectionTrait + TransactionTrait, A: Serialize + ?Sized>(
    db: &C,
    response_id: i32,
    expected_revision: i32,
    answers: &A,
    status: Status,
    channel: Channel,
    now: DateTime<Utc>,
) -> Result<response::Model> {
    let answers = answers_value(answers, status)?;
    // The answers and their indicator facts (`store::facts`) are written together.
    let txn = db.begin().await?;
    let result = async {
        let current = get(&txn, response_id).await?;
        let saved = write_answers(
            &txn,
            &current,
            expected_revision,
            &answers,
            status,
            channel,
            now,
        )
        .await?;
        crate::store::facts::record(&txn, &saved, &answers).await?;
        Ok(saved)
    }
    .await;
    crate::store::finish(txn, result).await
}

/// `save_answers` for a caller that holds the response as it last read it (`current`) and
/// knows whose it is (`owner`, for the facts; `None` for an employer): one guarded
/// `UPDATE … RETURNING` and the fact row, with no reads, unless something changed meanwhile.
pub async fn save_answers_known<C: crate::store::Atomic>(
    db: &C,
    current: &response::Model,
    expected_revision: i32,
    answers: &Answers,
    status: Status,
    channel: Channel,
    now: DateTime<Utc>,
    owner: Option<&crate::store::facts::Owner<'_>>,
) -> Result<response::Model> {
    let value = answers_value(answers, status)?;
    let save = Known {
        current,
        expected_revision,
        answers,
        value: &value,
        status,
        channel,
        now,
        owner,
    };
    if db.in_transaction() {
        return save.on(db).await;
    }
    let txn = db.begin().await?;
    let result = save.on(&txn).await;
    crate::store::finish(txn, result).await
}

/// One `save_answers_known`, run on a transaction.
struct Known<'a> {
    current: &'a response::Model,
    expected_revision: i32,
    answers: &'a Answers,
    value: &'a serde_json::Value,
    status: Status,
    channel: Channel,
    now: DateTime<Utc>,
    owner: Option<&'a crate::store::facts::Owner<'a>>,
}

impl Known<'_> {
    async fn on<C: ConnectionTrait>(&self, txn: &C) -> Result<response::Model> {
        let write = |row| {
            write_answers(
                txn,
                row,
                self.expected_revision,
                self.value,
                self.status,
                self.channel,
                self.now,
            )
        };
        let saved = match write(self.current).await {
            // Touched meanwhile (another channel opened it, or a save): decide on what is
            // stored now.
            Err(Error::Conflict(_)) if self.current.revision == self.expected_revision => {
                let stored = get(txn, self.current.id).await?;
                write(&stored).await?
            }
            other => other?,
        };
        if let Some(owner) = self.owner {
            crate::store::facts::record_known(txn, owner, saved.id, self.answers).await?;
        }
        Ok(saved)
    }
}

fn answers_value<A: Serialize + ?Sized>(answers: &A, status: Status) -> Result<serde_json::Value> {
    if !matches!(status, Status::Partial | Status::Complete) {
        return Err(Error::Invalid(format!(
            "answers are saved as partial or complete, not {status}"
        )));
    }
    let answers = serde_json::to_value(answers)
        .map_err(|e| Error::Invalid(format!("answers cannot be stored: {e}")))?;
    if !answers.is_object() {
        return Err(Error::Invalid(
            "answers must be an object keyed by question id".into(),
        ));
    }
    Ok(answers)
}

/// The guarded write: `UPDATE … RETURNING` only where the row is still as `current` says
/// (revision — every status change and every save bumps it — and channels, which opening
/// from another channel changes without a bump). Nothing matched: `current` is checked
/// to say why — stale revision, or answers refused — else the row moved on since `current`
/// was read, which is a conflict too.
async fn write_answers<C: ConnectionTrait>(
    db: &C,
    current: &response::Model,
    expected_revision: i32,
    answers: &serde_json::Value,
    status: Status,
    channel: Channel,
    now: DateTime<Utc>,
) -> Result<response::Model> {
    let (update, _) = answers_update(current, expected_revision, answers, status, channel, now)?;
    let saved = update.exec_with_returning(db).await?;
    saved
        .into_iter()
        .next()
        .ok_or_else(|| stale(expected_revision))
}

/// The guarded `UPDATE` of `write_answers`, and the row as it will be once it is made.
fn answers_update(
    current: &response::Model,
    expected_revision: i32,
    answers: &serde_json::Value,
    status: Status,
    channel: Channel,
    now: DateTime<Utc>,
) -> Result<(sea_orm::UpdateMany<response::Entity>, response::Model)> {
    check_revision(current, expected_revision)?;
    let current_status = status_of(current)?;
    if !current_status.accepts_answers() {
        return Err(refusal(current_status));
    }
    let completed_at = match status {
        Status::Complete => current.completed_at.or(Some(now)),
        _ => current.completed_at,
    };
    let accepting: Vec<&str> = Status::ALL
        .into_iter()
        .filter(|s| s.accepts_answers())
        .map(Status::as_str)
        .collect();
    let after = response::Model {
        answers: answers.clone(),
        status: status.as_str().to_string(),
        channels: with_channel(&current.channels, channel),
        revision: expected_revision + 1,
        completed_at,
        updated_at: now,
        ..current.clone()
    };
    let update = response::Entity::update_many()
        .col_expr(
            response::Column::Answers,
            Expr::value(after.answers.clone()),
        )
        .col_expr(response::Column::Status, Expr::value(status.as_str()))
        .col_expr(
            response::Column::Channels,
            Expr::value(after.channels.clone()),
        )
        .col_expr(response::Column::Revision, Expr::value(after.revision))
        .col_expr(response::Column::CompletedAt, Expr::value(completed_at))
        .col_expr(response::Column::UpdatedAt, Expr::value(now))
        .filter(response::Column::Id.eq(current.id))
        .filter(response::Column::Revision.eq(expected_revision))
        .filter(response::Column::Channels.eq(current.channels.clone()))
        .filter(response::Column::Status.is_in(accepting));
    Ok((update, after))
}

/// `save_answers_known` planned rather than made (`store::commit`): the writes — the guarded
/// update, which must touch the one row, and the fact row — and the response as it will be
/// once they are committed. A conflict shows when they are applied.
pub fn plan_answers(
    backend: sea_orm::DbBackend,
    current: &response::Model,
    answers: &Answers,
    status: Status,
    channel: Channel,
    now: DateTime<Utc>,
    owner: Option<&crate::store::facts::Owner<'_>>,
) -> Result<(response::Model, Vec<Write>)> {
    let value = answers_value(answers, status)?;
    let (update, after) = answers_update(current, current.revision, &value, status, channel, now)?;
    let mut writes = vec![Write::new(backend, &update.into_query()).expecting(1)];
    if let Some(owner) = owner {
        writes.push(crate::store::facts::plan_known(
            backend, owner, current.id, answers,
        ));
    }
    Ok((after, writes))
}

/// Marks a response complete without changing its answers (the engine has checked them).
pub async fn complete<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    response_id: i32,
    expected_revision: i32,
    channel: Channel,
    now: DateTime<Utc>,
) -> Result<response::Model> {
    let current = get(db, response_id).await?;
    check_revision(&current, expected_revision)?;
    let answers = current.answers.clone();
    save_answers(
        db,
        response_id,
        expected_revision,
        &answers,
        Status::Complete,
        channel,
        now,
    )
    .await
}

/// Records that the person does not want to take part, whether or not they ever opened the
/// survey. Always honoured (no revision check); saved answers are kept but no longer exported
/// nor counted in the indicators (their fact row goes).
pub async fn opt_out<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    invitation_id: i32,
    channel: Channel,
    now: DateTime<Utc>,
) -> Result<response::Model> {
    let current = match find(db, invitation_id).await? {
        Some(r) => r,
        None => {
            let (_, w) = invitation_and_wave(db, invitation_id).await?;
            let mut model = new_response(
                invitation_id,
                w.survey_version,
                Status::OptedOut,
                channel,
                now,
            );
            model.opted_out_at = Set(Some(now));
            match response::Entity::insert(model)
                .exec_with_returning(db)
                .await
            {
                Ok(created) => return Ok(created),
                Err(e) => find(db, invitation_id).await?.ok_or(Error::Db(e))?,
            }
        }
    };
    // The status and the facts' going (they no longer count) together.
    let txn = db.begin().await?;
    let result = async {
        response::Entity::update_many()
            .col_expr(
                response::Column::Status,
                Expr::value(Status::OptedOut.as_str()),
            )
            .col_expr(
                response::Column::Channels,
                Expr::value(with_channel(&current.channels, channel)),
            )
            .col_expr(
                response::Column::Revision,
                Expr::col(response::Column::Revision).add(1),
            )
            .col_expr(response::Column::OptedOutAt, Expr::value(Some(now)))
            .col_expr(response::Column::UpdatedAt, Expr::value(now))
            .filter(response::Column::Id.eq(current.id))
            .exec(&txn)
            .await?;
        crate::store::facts::forget(&txn, current.id).await?;
        get(&txn, current.id).await
    }
    .await;
    crate::store::finish(txn, result).await
}

fn check_revision(current: &response::Model, expected: i32) -> Result<()> {
    if current.revision != expected {
        return Err(stale(expected));
    }
    Ok(())
}

fn stale(expected: i32) -> Error {
    Error::Conflict(format!(
        "these answers were changed elsewhere after this page was loaded (revision {expected} is \
         out of date); reload to see them"
    ))
}

fn refusal(status: Status) -> Error {
    match status {
        Status::OptedOut => Error::Invalid("this survey was declined (opted out)".into()),
        _ => Error::Invalid("the privacy notice must be accepted before answers are saved".into()),
    }
}

/// Someone holding an invitation: what they were invited to, their response so far, and (for a
/// graduate) their roster row and their other answered invitations.
#[derive(Clone, Debug)]
pub struct Invitee {
    pub invitation: invitation::Model,
    pub wave: wave::Model,
    pub response: Option<response::Model>,
    pub graduate: Option<graduate::Model>,
    /// The same graduate's answered responses to other waves, with their waves
    /// (`other_responses`), when read with the invitation (`None`: not read; ask the database).
    pub others: Option<Vec<(wave::Model, response::Model)>>,
}

/// The invitee of `invitation_id` — invitation, wave, response and graduate in one query by
/// primary keys, then the graduate's other responses (a second query, only past the first
/// stage): every form page and bot message starts here. (One query with
/// `id = ? OR graduate_id = (…)` was tried: fine on SQLite, but PostgreSQL planned it worse than
/// the two simple ones.)
pub async fn invitee<C: ConnectionTrait>(db: &C, invitation_id: i32) -> Result<Option<Invitee>> {
    invitee_of(db, invitation::Entity::find_by_id(invitation_id)).await
}

/// `invitee` of the invitation `invitation` finds (by id, or by code).
async fn invitee_of<C: ConnectionTrait>(
    db: &C,
    invitation: sea_orm::Select<invitation::Entity>,
) -> Result<Option<Invitee>> {
    let row = invitation
        .find_also_related(wave::Entity)
        .find_also_related(response::Entity)
        .find_also(invitation::Entity, graduate::Entity)
        .one(db)
        .await?;
    let Some((invitation, Some(wave), response, graduate)) = row else {
        return Ok(None);
    };
    let others = match (invitation.graduate_id, wave.stage.parse::<Stage>()) {
        (Some(gid), Ok(stage)) => other_responses(db, gid, invitation.id, stage).await?,
        // An employer has no other stages.
        _ => Vec::new(),
    };
    Ok(Some(Invitee {
        invitation,
        wave,
        response,
        graduate,
        others: Some(others),
    }))
}

/// The graduate's answered (partial or complete) responses to waves other than
/// `except_invitation`'s, with their waves — where earlier stages' answers come from. None are
/// needed at the first stage.
pub async fn other_responses<C: ConnectionTrait>(
    db: &C,
    graduate_id: i32,
    except_invitation: i32,
    stage: Stage,
) -> Result<Vec<(wave::Model, response::Model)>> {
    if stage == Stage::Graduation {
        return Ok(Vec::new());
    }
    let rows = invitation::Entity::find()
        .filter(invitation::Column::GraduateId.eq(graduate_id))
        .filter(invitation::Column::Id.ne(except_invitation))
        .find_also_related(response::Entity)
        .find_also_related(wave::Entity)
        .filter(response::Column::Status.is_in(Status::ANSWERED.map(Status::as_str)))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(_, r, w)| Some((w?, r?)))
        .collect())
}

/// The invitee of a personal link's token. Forged or garbled tokens count as failures of
/// `limiter_key` (the client's address) in `limiter`.
pub async fn find_by_token<C: ConnectionTrait>(
    db: &C,
    keys: &TokenKeys,
    limiter: &dyn AttemptLimiter,
    limiter_key: &str,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Invitee> {
    limit::guarded(limiter, limiter_key, || by_token(db, keys, token, now)).await
}

/// The invitee a token opens, checked against the stored invitation and wave (no limiter:
/// `find_by_token` is the front door; this is what it and `token::resolve` share).
pub async fn by_token<C: ConnectionTrait>(
    db: &C,
    keys: &TokenKeys,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Invitee> {
    let claims = token::verify(keys, token, now)?;
    let found = invitee(db, claims.i).await?.ok_or(Error::Unauthorized)?;
    token::admits(&claims, &found.invitation, &found.wave, now)?;
    Ok(found)
}

/// The invitee of a code typed into the bot (any case, with or without the dash). Unknown or
/// malformed codes count as failures of `limiter_key` (the messenger user) in `limiter`, which
/// is what makes guessing codes hopeless.
pub async fn find_by_code<C: ConnectionTrait>(
    db: &C,
    limiter: &dyn AttemptLimiter,
    limiter_key: &str,
    typed: &str,
    now: DateTime<Utc>,
) -> Result<Invitee> {
    limit::guarded(limiter, limiter_key, || async {
        let code = Code::parse(typed)?;
        let by_code = invitation::Entity::find().filter(invitation::Column::Code.eq(code.as_str()));
        let found = invitee_of(db, by_code)
            .await?
            .ok_or_else(|| Error::NotFound("no invitation has this code".into()))?;
        if crate::wave::access_until(&found.wave) <= now {
            return Err(Error::LinkExpired);
        }
        Ok(found)
    })
    .await
}
