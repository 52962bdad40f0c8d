//! The sender loop: claim due sends from the scheduler, check each is still wanted (not
//! answered, not opted out or declined, wave still open — checked now, not when planned), pick
//! the first channel of the wave's order that reaches the person, take a rate-limit permit,
//! fence the send in the database (only one claim can move a row to `sending`), send, and record
//! every attempt. Then plan the person's next reminder. The database is written before Redis
//! is told, so a worker killed at any point loses nothing: its claims come back when their lease
//! runs out and the database says what was already done.
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::StreamExt;
use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set, TransactionTrait,
};

use super::message::{self, Recipient};
use super::plan::{self, Due};
use super::queue::Claim;
use super::sender::{SendError, Senders};
use super::unsubscribe::{self, UnsubscribeKey};
use super::{Kind, Scheduler, State};
use crate::bot::Platform;
use crate::error::{Error, Result};
use crate::i18n::{Lang, Localizer};
use crate::store::entities::{delivery, employer, graduate, invitation, reminder, response, wave};
use crate::store::responses::Status;
use crate::wave::code::Code;
use crate::wave::plan::{ReminderChannel, ReminderPlan};
use crate::wave::token::TokenKeys;

/// How often a running worker invites newly opened waves, plans, cancels closed waves and
/// re-offers pending sends to Redis.
const MAINTENANCE_EVERY: Duration = Duration::from_secs(60);
/// How long an idle worker waits before looking for due sends again.
const IDLE_POLL: Duration = Duration::from_millis(500);

/// Everything a worker needs besides the scheduler.
pub struct Worker {
    pub scheduler: Scheduler,
    i18n: Arc<Localizer>,
    keys: TokenKeys,
    unsubscribe: UnsubscribeKey,
    base_url: String,
    senders: Arc<Senders>,
    batch: usize,
    concurrency: usize,
}

/// What one maintenance pass did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Maintenance {
    pub invited: usize,
    pub planned: usize,
    pub cancelled: u64,
}

/// A claimed send that is still wanted, with what it takes to send it.
struct Ready {
    claim: Claim,
    row: reminder::Model,
    recipient: Recipient,
    channels: Vec<ReminderChannel>,
}

/// How one send ended.
enum Outcome {
    Sent(ReminderChannel),
    /// Failed, worth retrying (the channel tried first).
    Retry(ReminderChannel, String),
    /// Failed for good on every channel that reaches the person.
    Failed(ReminderChannel, String),
}

impl Worker {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        scheduler: Scheduler,
        i18n: Arc<Localizer>,
        keys: TokenKeys,
        unsubscribe: UnsubscribeKey,
        base_url: &str,
        senders: Arc<Senders>,
        batch: usize,
        concurrency: usize,
    ) -> Worker {
        Worker {
            scheduler,
            i18n,
            keys,
            unsubscribe,
            base_url: base_url.trim_end_matches('/').to_string(),
            senders,
            batch: batch.max(1),
            concurrency: concurrency.max(1),
        }
    }

    /// The worker of this deployment: senders from `SMTP_URL`, `SMS_API_BASE` and the bot
    /// settings; texts from the locales folder.
    pub fn from_config(
        config: &crate::config::Config,
        scheduler: Scheduler,
        bot: Option<super::sender::bot::BotSender>,
    ) -> Result<Worker> {
        let secret = config.secret.as_deref().ok_or_else(|| {
            Error::Config(
                "GRADTRACE_SECRET is not set: links and unsubscribe links are signed with it"
                    .into(),
            )
        })?;
        let keys = TokenKeys::from_secret(secret)?;
        let i18n = Arc::new(Localizer::load(&config.locales_dir)?);
        let email = match &config.smtp_url {
            Some(url) => Some(super::sender::email::EmailSender::new(
                url,
                &config.mail_from,
                config.remind.smtp_pool_size,
            )?),
            None => None,
        };
        let sms = super::sender::sms::SmsSender::from_config(&config.remind)?;
        if email.is_none() && sms.is_none() && bot.is_none() {
            tracing::warn!("no SMTP_URL, SMS_API_BASE or bot settings: no reminder can be sent");
        }
        Ok(Worker::new(
            scheduler,
            i18n,
            keys,
            UnsubscribeKey::from_secret(secret),
            &config.base_url(),
            Arc::new(Senders { email, sms, bot }),
            config.remind.remind_batch as usize,
            config.remind.remind_concurrency as usize,
        ))
    }

    fn db(&self) -> &DatabaseConnection {
        &self.scheduler.db
    }

    /// Invites everyone of each opened, still open wave (newcomers on the roster too), plans
    /// their invitation sends, cancels the sends of closed waves, and offers the pending sends
    /// of the next hour to Redis again (in case an earlier acknowledgement never reached it).
    pub async fn maintain(&self) -> Result<Maintenance> {
        let db = self.db();
        let now = self.scheduler.clock.now();
        let mut report = Maintenance {
            cancelled: plan::cancel_closed(db, now).await?,
            ..Default::default()
        };
        let waves = wave::Entity::find()
            .filter(
                Condition::any()
                    .add(wave::Column::ClosesAt.is_null())
                    .add(wave::Column::ClosesAt.gt(now)),
            )
            .all(db)
            .await?;
        for w in &waves {
            if w.opens_at <= now {
                report.invited += crate::wave::invite::invite(db, w.id, now).await?.created;
            }
            let planned = plan::plan_wave(db, w, now).await?;
            report.planned += planned.created;
            self.scheduler.schedule(&planned.due).await?;
        }
        self.sweep(now + chrono::Duration::hours(1)).await?;
        Ok(report)
    }

    /// Offers every pending send due before `until` to the scheduler again.
    async fn sweep(&self, until: DateTime<Utc>) -> Result<()> {
        if !self.scheduler.is_redis() {
            return Ok(());
        }
        let due: Vec<Due> = reminder::Entity::find()
            .select_only()
            .column(reminder::Column::Id)
            .column(reminder::Column::DueAt)
            .filter(reminder::Column::State.eq(State::Pending.as_str()))
            .filter(reminder::Column::DueAt.lte(until))
            .into_tuple()
            .all(self.db())
            .await?;
        self.scheduler.schedule(&due).await
    }

    /// Claims one batch of due sends and handles it; returns how many were claimed.
    pub async fn run_once(&self) -> Result<usize> {
        self.scheduler.ensure_built().await?;
        let claims = self.scheduler.claim(self.batch).await?;
        let n = claims.len();
        if n > 0 {
            self.process(claims).await?;
        }
        Ok(n)
    }

    /// Runs batches until nothing is due.
    pub async fn drain(&self) -> Result<usize> {
        let mut total = 0;
        loop {
            let n = self.run_once().await?;
            if n == 0 {
                return Ok(total);
            }
            total += n;
        }
    }

    /// The worker loop, until `stop` turns true: the batch in hand is finished first.
    pub async fn run(&self, mut stop: tokio::sync::watch::Receiver<bool>) -> Result<()> {
        let mut last_maintenance: Option<std::time::Instant> = None;
        while !*stop.borrow() {
            if last_maintenance.is_none_or(|t| t.elapsed() >= MAINTENANCE_EVERY) {
                last_maintenance = Some(std::time::Instant::now());
                // One worker of many maintains per period; the others only send.
                let mine = self
                    .scheduler
                    .try_lock("maintenance", MAINTENANCE_EVERY - Duration::from_secs(5))
                    .await;
                match mine {
                    Ok(true) => {
                        if let Err(e) = self.maintain().await {
                            tracing::error!(error = %e, "reminder maintenance failed");
                        }
                    }
                    Ok(false) => {}
                    Err(e) => tracing::error!(error = %e, "reminder maintenance lock failed"),
                }
            }
            let claimed = match self.run_once().await {
                Ok(n) => n,
                Err(e) => {
                    tracing::error!(error = %e, "reminder batch failed; its sends come back after their lease");
                    0
                }
            };
            if claimed == 0 {
                tokio::select! {
                    _ = tokio::time::sleep(IDLE_POLL) => {}
                    _ = stop.changed() => {}
                }
            }
        }
        tracing::info!("reminder worker stopped");
        Ok(())
    }

    /// Rows that may be taken by this claim: pending, or sending under a lease that ran out.
    fn fence(now: DateTime<Utc>) -> Condition {
        Condition::any()
            .add(reminder::Column::State.eq(State::Pending.as_str()))
            .add(
                Condition::all()
                    .add(reminder::Column::State.eq(State::Sending.as_str()))
                    .add(reminder::Column::LeaseUntil.lt(now)),
            )
    }

    async fn process(&self, claims: Vec<Claim>) -> Result<()> {
        let db = self.db();
        let now = self.scheduler.clock.now();
        let ids: Vec<i32> = claims.iter().map(|c| c.reminder_id).collect();
        let rows: HashMap<i32, reminder::Model> = reminder::Entity::find()
            .filter(reminder::Column::Id.is_in(ids.clone()))
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();

        // Done, gone, or held by another live claim?
        let mut done: Vec<Claim> = Vec::new();
        let mut open: Vec<(Claim, reminder::Model)> = Vec::new();
        for c in claims {
            match rows.get(&c.reminder_id) {
                None => done.push(c),
                Some(r) => match r.state.parse::<State>() {
                    Ok(State::Pending) => open.push((c, r.clone())),
                    Ok(State::Sending) => match r.lease_until {
                        Some(until) if until >= now => {
                            self.scheduler.reschedule(&c, until).await?;
                        }
                        _ => open.push((c, r.clone())),
                    },
                    _ => done.push(c),
                },
            }
        }
        self.scheduler.ack(&done).await?;
        if open.is_empty() {
            return Ok(());
        }

        let ctx = Context::load(self, &open).await?;
        let mut stops: HashMap<(State, &'static str), Vec<Claim>> = HashMap::new();
        let mut unreachable: Vec<(Claim, reminder::Model)> = Vec::new();
        let mut ready: Vec<Ready> = Vec::new();
        for (claim, row) in open {
            match ctx.decide(self, &row, now) {
                Decision::Stop(state, why) => stops.entry((state, why)).or_default().push(claim),
                Decision::Unreachable => unreachable.push((claim, row)),
                Decision::Send(recipient, channels) => ready.push(Ready {
                    claim,
                    row,
                    recipient,
                    channels,
                }),
            }
        }
        for ((state, why), claims) in stops {
            let ids: Vec<i32> = claims.iter().map(|c| c.reminder_id).collect();
            reminder::Entity::update_many()
                .col_expr(reminder::Column::State, Expr::value(state.as_str()))
                .col_expr(reminder::Column::LastError, Expr::value(why))
                .col_expr(reminder::Column::UpdatedAt, Expr::value(now))
                .filter(reminder::Column::Id.is_in(ids))
                .filter(Self::fence(now))
                .exec(db)
                .await?;
            self.scheduler.ack(&claims).await?;
        }
        if !unreachable.is_empty() {
            self.record_unreachable(&ctx, unreachable, now).await?;
        }

        // Rate limits: what the bucket does not grant now waits for it.
        let mut by_channel: HashMap<ReminderChannel, Vec<Ready>> = HashMap::new();
        for r in ready {
            by_channel.entry(r.channels[0]).or_default().push(r);
        }
        let mut granted: Vec<Ready> = Vec::new();
        for (channel, mut items) in by_channel {
            let (n, wait) = self.scheduler.take_permits(channel, items.len()).await?;
            let rest = items.split_off(n.min(items.len()));
            granted.extend(items);
            let at = now + chrono::Duration::from_std(wait).unwrap_or_default();
            for r in rest {
                self.scheduler.reschedule(&r.claim, at).await?;
                if !self.scheduler.is_redis() {
                    set_due(db, r.row.id, at, now).await?;
                }
            }
        }
        if granted.is_empty() {
            return Ok(());
        }

        // The fence: only rows this claim moves to `sending` are sent by it.
        let token = granted[0].claim.token.clone();
        let lease_until = now + self.scheduler.settings.lease;
        let granted_ids: Vec<i32> = granted.iter().map(|r| r.row.id).collect();
        reminder::Entity::update_many()
            .col_expr(
                reminder::Column::State,
                Expr::value(State::Sending.as_str()),
            )
            .col_expr(reminder::Column::ClaimToken, Expr::value(token.clone()))
            .col_expr(reminder::Column::LeaseUntil, Expr::value(lease_until))
            .col_expr(
                reminder::Column::Attempts,
                Expr::col(reminder::Column::Attempts).add(1),
            )
            .col_expr(reminder::Column::UpdatedAt, Expr::value(now))
            .filter(reminder::Column::Id.is_in(granted_ids.clone()))
            .filter(Self::fence(now))
            .exec(db)
            .await?;
        let fenced: HashMap<i32, i32> = reminder::Entity::find()
            .select_only()
            .column(reminder::Column::Id)
            .column(reminder::Column::Attempts)
            .filter(reminder::Column::Id.is_in(granted_ids))
            .filter(reminder::Column::ClaimToken.eq(token.clone()))
            .filter(reminder::Column::State.eq(State::Sending.as_str()))
            .into_tuple::<(i32, i32)>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        let (mine, lost): (Vec<Ready>, Vec<Ready>) = granted
            .into_iter()
            .partition(|r| fenced.contains_key(&r.row.id));
        // Someone else holds or finished these; the database says which on the next claim.
        for r in lost {
            self.scheduler.reschedule(&r.claim, lease_until).await?;
        }

        let results: Vec<(Ready, i32, Outcome, Vec<delivery::ActiveModel>)> =
            futures::stream::iter(mine.into_iter().map(|r| {
                let attempt = fenced.get(&r.row.id).copied().unwrap_or(1);
                async move {
                    let (outcome, log) = self.send_one(&r, attempt).await;
                    (r, attempt, outcome, log)
                }
            }))
            .buffer_unordered(self.concurrency)
            .collect()
            .await;
        self.record(&ctx, results).await
    }

    /// Tries the person's channels in order until one accepts; a retryable failure stops there.
    async fn send_one(&self, r: &Ready, attempt: i32) -> (Outcome, Vec<delivery::ActiveModel>) {
        let kind = r.row.kind.parse::<Kind>().unwrap_or(Kind::Reminder);
        let mut log = Vec::new();
        let content = match message::render(&self.i18n, kind, &r.recipient) {
            Ok(c) => c,
            Err(e) => {
                let why = format!("cannot render the message: {e}");
                return (Outcome::Retry(r.channels[0], why), log);
            }
        };
        let mut last_failure = None;
        for channel in &r.channels {
            let result = self
                .senders
                .send(*channel, kind, r.row.id, &content, &r.recipient)
                .await;
            let at = self.scheduler.clock.now();
            let entry = |outcome: &str, reply: String| delivery::ActiveModel {
                reminder_id: Set(r.row.id),
                invitation_id: Set(r.row.invitation_id),
                attempt: Set(attempt),
                channel: Set(Senders::log_name(*channel, &r.recipient)),
                outcome: Set(outcome.to_string()),
                provider_reply: Set(Some(super::shorten(&reply, 500))),
                at: Set(at),
                ..Default::default()
            };
            match result {
                Ok(reply) => {
                    log.push(entry("sent", reply));
                    return (Outcome::Sent(*channel), log);
                }
                Err(SendError::Retry(why)) => {
                    // The outcome (`retry` or `dead`) is known once the attempt count is checked.
                    log.push(entry("retry", why.clone()));
                    return (Outcome::Retry(*channel, why), log);
                }
                Err(e @ (SendError::Permanent(_) | SendError::Stopped(_))) => {
                    log.push(entry("failed", e.text().to_string()));
                    last_failure = Some((*channel, e.text().to_string()));
                }
            }
        }
        let (channel, why) =
            last_failure.unwrap_or((r.channels[0], "no channel accepted the message".into()));
        (Outcome::Failed(channel, why), log)
    }

    /// Stores the outcomes and the delivery log in one transaction, plans each person's next
    /// reminder, then tells the scheduler.
    async fn record(
        &self,
        ctx: &Context,
        results: Vec<(Ready, i32, Outcome, Vec<delivery::ActiveModel>)>,
    ) -> Result<()> {
        let db = self.db();
        let now = self.scheduler.clock.now();
        let max = i32::try_from(self.scheduler.settings.max_attempts).unwrap_or(i32::MAX);
        let mut acks: Vec<Claim> = Vec::new();
        let mut retries: Vec<(Claim, DateTime<Utc>)> = Vec::new();
        let mut buried: Vec<(Claim, serde_json::Value)> = Vec::new();
        let mut chain: Vec<&reminder::Model> = Vec::new();
        let mut logs: Vec<delivery::ActiveModel> = Vec::new();
        let mut sent: HashMap<ReminderChannel, Vec<i32>> = HashMap::new();
        // One claim batch shares one token.
        let token = results
            .first()
            .map(|(r, ..)| r.claim.token.clone())
            .unwrap_or_default();
        let txn = db.begin().await?;
        let result: Result<Vec<reminder::Model>> = async {
            for (r, attempt, outcome, log) in &results {
                let mut log = log.clone();
                let id = r.row.id;
                let guard = || {
                    reminder::Entity::update_many()
                        .filter(reminder::Column::Id.eq(id))
                        .filter(reminder::Column::ClaimToken.eq(r.claim.token.clone()))
                        .col_expr(
                            reminder::Column::ClaimToken,
                            Expr::value(Option::<String>::None),
                        )
                        .col_expr(
                            reminder::Column::LeaseUntil,
                            Expr::value(Option::<DateTime<Utc>>::None),
                        )
                        .col_expr(reminder::Column::UpdatedAt, Expr::value(now))
                };
                match outcome {
                    Outcome::Sent(channel) => {
                        // Written below, one statement per channel for the whole batch.
                        sent.entry(*channel).or_default().push(id);
                        acks.push(r.claim.clone());
                        chain.push(&r.row);
                    }
                    Outcome::Retry(channel, why) if *attempt < max => {
                        let wait = self
                            .scheduler
                            .settings
                            .backoff(u32::try_from(*attempt).unwrap_or(1));
                        let at = ctx.plan_of(&r.row).out_of_quiet_hours(now + wait);
                        guard()
                            .col_expr(
                                reminder::Column::State,
                                Expr::value(State::Pending.as_str()),
                            )
                            .col_expr(reminder::Column::Channel, Expr::value(channel.as_str()))
                            .col_expr(reminder::Column::DueAt, Expr::value(at))
                            .col_expr(
                                reminder::Column::LastError,
                                Expr::value(Some(super::shorten(why, 500))),
                            )
                            .exec(&txn)
                            .await?;
                        retries.push((r.claim.clone(), at));
                    }
                    Outcome::Retry(channel, why) => {
                        guard()
                            .col_expr(reminder::Column::State, Expr::value(State::Dead.as_str()))
                            .col_expr(reminder::Column::Channel, Expr::value(channel.as_str()))
                            .col_expr(
                                reminder::Column::LastError,
                                Expr::value(Some(super::shorten(why, 500))),
                            )
                            .exec(&txn)
                            .await?;
                        if let Some(last) = log.last_mut() {
                            last.outcome = Set("dead".into());
                        }
                        buried.push((
                            r.claim.clone(),
                            serde_json::json!({
                                "reminder_id": id,
                                "invitation_id": r.row.invitation_id,
                                "wave_id": r.row.wave_id,
                                "channel": channel.as_str(),
                                "attempts": attempt,
                                "at": now.to_rfc3339(),
                            }),
                        ));
                        chain.push(&r.row);
                    }
                    Outcome::Failed(channel, why) => {
                        guard()
                            .col_expr(reminder::Column::State, Expr::value(State::Failed.as_str()))
                            .col_expr(reminder::Column::Channel, Expr::value(channel.as_str()))
                            .col_expr(
                                reminder::Column::LastError,
                                Expr::value(Some(super::shorten(why, 500))),
                            )
                            .exec(&txn)
                            .await?;
                        acks.push(r.claim.clone());
                        chain.push(&r.row);
                    }
                }
                logs.extend(log);
            }
            for (channel, ids) in &sent {
                for chunk in ids.chunks(500) {
                    reminder::Entity::update_many()
                        .filter(reminder::Column::Id.is_in(chunk.to_vec()))
                        .filter(reminder::Column::ClaimToken.eq(token.clone()))
                        .col_expr(reminder::Column::State, Expr::value(State::Sent.as_str()))
                        .col_expr(reminder::Column::Channel, Expr::value(channel.as_str()))
                        .col_expr(reminder::Column::SentAt, Expr::value(Some(now)))
                        .col_expr(
                            reminder::Column::LastError,
                            Expr::value(Option::<String>::None),
                        )
                        .col_expr(
                            reminder::Column::ClaimToken,
                            Expr::value(Option::<String>::None),
                        )
                        .col_expr(
                            reminder::Column::LeaseUntil,
                            Expr::value(Option::<DateTime<Utc>>::None),
                        )
                        .col_expr(reminder::Column::UpdatedAt, Expr::value(now))
                        .exec(&txn)
                        .await?;
                }
            }
            for chunk in logs.chunks(500) {
                delivery::Entity::insert_many(chunk.to_vec())
                    .exec(&txn)
                    .await?;
            }
            insert_next(&txn, ctx, &chain, now).await
        }
        .await;
        let next = match result {
            Ok(next) => {
                txn.commit().await?;
                next
            }
            Err(e) => {
                let _ = txn.rollback().await;
                return Err(e);
            }
        };
        self.scheduler.ack(&acks).await?;
        for (claim, at) in &retries {
            self.scheduler.reschedule(claim, *at).await?;
        }
        for (claim, entry) in &buried {
            tracing::warn!(
                reminder = claim.reminder_id,
                "reminder failed on every attempt: moved to the dead-letter list"
            );
            self.scheduler.bury(claim, entry).await?;
        }
        let due: Vec<Due> = next.iter().map(|r| (r.id, r.due_at)).collect();
        self.scheduler.schedule(&due).await?;
        tracing::debug!(
            sent = acks.len(),
            retries = retries.len(),
            dead = buried.len(),
            "reminder batch recorded"
        );
        Ok(())
    }

    async fn record_unreachable(
        &self,
        ctx: &Context,
        items: Vec<(Claim, reminder::Model)>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let db = self.db();
        let txn = db.begin().await?;
        let result: Result<Vec<reminder::Model>> = async {
            let ids: Vec<i32> = items.iter().map(|(_, r)| r.id).collect();
            reminder::Entity::update_many()
                .col_expr(reminder::Column::State, Expr::value(State::Failed.as_str()))
                .col_expr(
                    reminder::Column::LastError,
                    Expr::value("no channel reaches this person"),
                )
                .col_expr(
                    reminder::Column::Attempts,
                    Expr::col(reminder::Column::Attempts).add(1),
                )
                .col_expr(reminder::Column::UpdatedAt, Expr::value(now))
                .filter(reminder::Column::Id.is_in(ids))
                .filter(Self::fence(now))
                .exec(&txn)
                .await?;
            let log: Vec<delivery::ActiveModel> = items
                .iter()
                .map(|(_, r)| delivery::ActiveModel {
                    reminder_id: Set(r.id),
                    invitation_id: Set(r.invitation_id),
                    attempt: Set(r.attempts + 1),
                    channel: Set("none".into()),
                    outcome: Set("unreachable".into()),
                    provider_reply: Set(None),
                    at: Set(now),
                    ..Default::default()
                })
                .collect();
            delivery::Entity::insert_many(log).exec(&txn).await?;
            let rows: Vec<&reminder::Model> = items.iter().map(|(_, r)| r).collect();
            insert_next(&txn, ctx, &rows, now).await
        }
        .await;
        let next = match result {
            Ok(next) => {
                txn.commit().await?;
                next
            }
            Err(e) => {
                let _ = txn.rollback().await;
                return Err(e);
            }
        };
        let claims: Vec<Claim> = items.into_iter().map(|(c, _)| c).collect();
        self.scheduler.ack(&claims).await?;
        let due: Vec<Due> = next.iter().map(|r| (r.id, r.due_at)).collect();
        self.scheduler.schedule(&due).await
    }
}

/// Plans the reminder after each of `rows` (none after a manual one: it does not move the
/// plan) and returns the new rows.
async fn insert_next<C: sea_orm::ConnectionTrait>(
    db: &C,
    ctx: &Context,
    rows: &[&reminder::Model],
    now: DateTime<Utc>,
) -> Result<Vec<reminder::Model>> {
    let mut new = Vec::new();
    for row in rows {
        let kind = row.kind.parse::<Kind>().unwrap_or(Kind::Manual);
        if kind == Kind::Manual {
            continue;
        }
        let (Some(inv), Some(w)) = (
            ctx.invitations.get(&row.invitation_id),
            ctx.waves.get(&row.wave_id),
        ) else {
            continue;
        };
        let plan = ctx.plan_of(row);
        let base = plan::base(w, inv.created_at);
        let after = if kind == Kind::Invitation { 0 } else { row.seq };
        if let Some((seq, due)) = plan::next_reminder(plan, w, base, after, now) {
            new.push(plan::new_row(
                row.invitation_id,
                row.wave_id,
                Kind::Reminder,
                seq,
                due,
                None,
                now,
            ));
        }
    }
    let mut out = Vec::with_capacity(new.len());
    for chunk in new.chunks(500) {
        out.extend(
            reminder::Entity::insert_many(chunk.to_vec())
                .exec_with_returning(db)
                .await?,
        );
    }
    Ok(out)
}

async fn set_due(
    db: &DatabaseConnection,
    id: i32,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<()> {
    reminder::Entity::update_many()
        .col_expr(reminder::Column::DueAt, Expr::value(at))
        .col_expr(reminder::Column::UpdatedAt, Expr::value(now))
        .filter(reminder::Column::Id.eq(id))
        .filter(reminder::Column::State.eq(State::Pending.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

enum Decision {
    Stop(State, &'static str),
    Unreachable,
    Send(Recipient, Vec<ReminderChannel>),
}

/// The invitations, waves, responses and people of a batch, loaded together.
struct Context {
    invitations: HashMap<i32, invitation::Model>,
    waves: HashMap<i32, wave::Model>,
    plans: HashMap<i32, ReminderPlan>,
    responses: HashMap<i32, response::Model>,
    graduates: HashMap<i32, graduate::Model>,
    employers: HashMap<i32, employer::Model>,
    bound: HashMap<i32, (Platform, String)>,
}

impl Context {
    async fn load(worker: &Worker, open: &[(Claim, reminder::Model)]) -> Result<Context> {
        let db = worker.db();
        let inv_ids: Vec<i32> = open.iter().map(|(_, r)| r.invitation_id).collect();
        let invitations: HashMap<i32, invitation::Model> = invitation::Entity::find()
            .filter(invitation::Column::Id.is_in(inv_ids.clone()))
            .all(db)
            .await?
            .into_iter()
            .map(|i| (i.id, i))
            .collect();
        let wave_ids: HashSet<i32> = invitations.values().map(|i| i.wave_id).collect();
        let waves: HashMap<i32, wave::Model> = wave::Entity::find()
            .filter(wave::Column::Id.is_in(wave_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|w| (w.id, w))
            .collect();
        let mut plans = HashMap::new();
        for w in waves.values() {
            plans.insert(w.id, ReminderPlan::from_json(&w.reminder_plan)?);
        }
        let responses: HashMap<i32, response::Model> = response::Entity::find()
            .filter(response::Column::InvitationId.is_in(inv_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.invitation_id, r))
            .collect();
        let grad_ids: Vec<i32> = invitations.values().filter_map(|i| i.graduate_id).collect();
        let emp_ids: Vec<i32> = invitations.values().filter_map(|i| i.employer_id).collect();
        let graduates: HashMap<i32, graduate::Model> = graduate::Entity::find()
            .filter(graduate::Column::Id.is_in(grad_ids.clone()))
            .all(db)
            .await?
            .into_iter()
            .map(|g| (g.id, g))
            .collect();
        let employers: HashMap<i32, employer::Model> = employer::Entity::find()
            .filter(employer::Column::Id.is_in(emp_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
        let bound = match &worker.senders.bot {
            Some(bot) => bot.bindings.bound(db, &grad_ids).await?,
            None => HashMap::new(),
        };
        Ok(Context {
            invitations,
            waves,
            plans,
            responses,
            graduates,
            employers,
            bound,
        })
    }

    fn plan_of(&self, row: &reminder::Model) -> &ReminderPlan {
        static DEFAULT: std::sync::OnceLock<ReminderPlan> = std::sync::OnceLock::new();
        self.plans
            .get(&row.wave_id)
            .unwrap_or_else(|| DEFAULT.get_or_init(ReminderPlan::default))
    }

    /// Whether the send is still wanted, and how the person is reached — checked now.
    fn decide(&self, worker: &Worker, row: &reminder::Model, now: DateTime<Utc>) -> Decision {
        let (Some(inv), Some(w)) = (
            self.invitations.get(&row.invitation_id),
            self.waves.get(&row.wave_id),
        ) else {
            return Decision::Stop(State::Cancelled, "invitation or wave deleted");
        };
        if w.closes_at.is_some_and(|c| c <= now) {
            return Decision::Stop(State::Cancelled, "wave closed");
        }
        let response = self.responses.get(&inv.id);
        if let Some(r) = response {
            match r.status.parse::<Status>() {
                Ok(Status::Complete) => return Decision::Stop(State::Skipped, "answered"),
                Ok(Status::OptedOut) => return Decision::Stop(State::Skipped, "opted out"),
                Ok(Status::Declined) => {
                    return Decision::Stop(State::Skipped, "declined the privacy notice");
                }
                _ => {}
            }
        }
        let Some(recipient) = self.recipient(worker, inv, w, response) else {
            return Decision::Unreachable;
        };
        let channels = worker
            .senders
            .reachable(&self.plan_of(row).channels, &recipient);
        if channels.is_empty() {
            return Decision::Unreachable;
        }
        Decision::Send(recipient, channels)
    }

    fn recipient(
        &self,
        worker: &Worker,
        inv: &invitation::Model,
        w: &wave::Model,
        response: Option<&response::Model>,
    ) -> Option<Recipient> {
        let response_lang = response.and_then(|r| r.lang.as_deref());
        let (name, email, phone, chat, lang) =
            if let Some(g) = inv.graduate_id.and_then(|id| self.graduates.get(&id)) {
                let chat = self
                    .bound
                    .get(&g.id)
                    .cloned()
                    .or_else(|| g.wechat_openid.clone().map(|o| (Platform::WeChat, o)));
                (
                    g.name.clone(),
                    g.email.clone(),
                    g.phone.clone(),
                    chat,
                    g.lang.as_deref().or(response_lang),
                )
            } else if let Some(e) = inv.employer_id.and_then(|id| self.employers.get(&id)) {
                (
                    e.contact_name.clone().unwrap_or_else(|| e.name.clone()),
                    e.email.clone(),
                    e.phone.clone(),
                    None,
                    e.lang.as_deref().or(response_lang),
                )
            } else {
                return None;
            };
        let lang = lang
            .and_then(|l| l.parse::<Lang>().ok())
            .unwrap_or(Lang::FALLBACK);
        let token = crate::wave::token::issue(&worker.keys, w, inv).ok()?;
        let code = Code::parse(&inv.code)
            .map(|c| c.to_string())
            .unwrap_or_default();
        let plan = self.plans.get(&w.id)?;
        let deadline = w.closes_at.map(|c| {
            (c - chrono::Duration::seconds(1))
                .with_timezone(&plan.time_zone)
                .format("%Y-%m-%d")
                .to_string()
        });
        Some(Recipient {
            invitation_id: inv.id,
            name,
            email: email.filter(|e| !e.trim().is_empty()),
            phone: phone.filter(|p| !p.trim().is_empty()),
            chat,
            lang,
            code,
            link: crate::wave::links::survey_link(&worker.base_url, &token),
            unsubscribe: unsubscribe::link(&worker.base_url, &worker.unsubscribe, inv.id),
            survey_id: w.survey_id.clone(),
            deadline,
        })
    }
}
