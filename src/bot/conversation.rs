//! The conversation: one chat user answering their invitations one question at a time, over
//! the same `respond::Session` and survey engine as the web form (one response, any channel).
//! Each inbound event is de-duplicated by the platform's id, handled under a per-user lock
//! (two messages at once are handled in order), and answered with one message: notes (saved,
//! a validation message…) followed by what to answer now.
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};

use super::commands::{Command, parse_command};
use super::outbound::OutboundMessage;
use super::parse::{
    Expect, Interpretation, Reply, interpret, parse_payload, parse_reply, parse_yes_no,
};
use super::region::{RegionIndex, RegionReply};
use super::{Inbound, InboundKind, Platform, render, store};
use crate::error::{Error, Result};
use crate::i18n::{Lang, Localizer};
use crate::respond::{Outcome, Session};
use crate::store::Atomic;
use crate::store::commit::{Committer, Write};
use crate::store::entities::{chat_state, invitation};
use crate::store::responses::{self, Channel, Invitee, Status};
use crate::survey::{Answer, Catalog, Engine, Question};
use crate::wave::limit::AttemptLimiter;
use crate::wave::token::TokenKeys;

/// What a conversation needs of the service, borrowed for one event (`C`: the database
/// connection, or the event's transaction).
pub struct Deps<'a, C = DatabaseConnection> {
    pub db: &'a C,
    /// Where the event's first reads go, before its transaction, on SQLite
    /// (`store::readers`); without it they are made in the transaction.
    pub reader: Option<&'a DatabaseConnection>,
    /// Where the writes of an event worked out beforehand are applied, many events to a
    /// transaction (`store::commit`); without it every event has a transaction of its own.
    pub committer: Option<&'a Committer>,
    pub catalog: &'a Catalog,
    pub i18n: &'a Localizer,
    pub limiter: &'a dyn AttemptLimiter,
    pub keys: &'a TokenKeys,
    pub regions: &'a RegionIndex,
    pub base_url: &'a str,
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
}

impl<'a, C> Deps<'a, C> {
    /// The same, with the database reached through `db`.
    fn on<'b, D>(&self, db: &'b D) -> Deps<'b, D>
    where
        'a: 'b,
    {
        Deps {
            db,
            reader: self.reader,
            committer: self.committer,
            catalog: self.catalog,
            i18n: self.i18n,
            limiter: self.limiter,
            keys: self.keys,
            regions: self.regions,
            base_url: self.base_url,
            now: self.now,
            today: self.today,
        }
    }
}

/// Conversation steps (stored in `chat_state.step`).
const STEP_SURVEY: &str = "survey";
const STEP_CITY: &str = "city";
const STEP_CONFIRM_STOP: &str = "confirm_stop";

/// One async mutex per chat user: their events are handled one after the other.
#[derive(Default)]
pub struct UserLocks(std::sync::Mutex<HashMap<(Platform, String), Arc<tokio::sync::Mutex<()>>>>);

impl UserLocks {
    pub async fn lock(&self, platform: Platform, user: &str) -> tokio::sync::OwnedMutexGuard<()> {
        let m = {
            let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
            if map.len() > 10_000 {
                // Forget the locks nobody holds or waits for.
                map.retain(|_, m| Arc::strong_count(m) > 1);
            }
            map.entry((platform, user.to_string())).or_default().clone()
        };
        m.lock_owned().await
    }
}

/// What an event's first reads found (the user's state, and what they are answering), kept
/// after a planned event for the user's next one: that event checks it with one small read
/// (`store::stamp_now`: the state's and the response's revisions, the response's channels and
/// status, the wave's window) instead of reading it all again. What changed meanwhile (an
/// answer on the web, an opt-out by e-mail link, another server, a wave closed) is read
/// afresh; the rest (the roster row, the person's earlier stages) is at most `FRESH` old.
#[derive(Default)]
struct Recent(std::sync::Mutex<HashMap<(Platform, String), (Instant, FirstReads)>>);

type FirstReads = (chat_state::Model, Option<Invitee>);

impl Recent {
    const FRESH: Duration = Duration::from_secs(30);
    const MOST: usize = 4096;

    /// The user's reads, and when they were read from the database.
    fn take(&self, platform: Platform, user: &str) -> Option<(Instant, FirstReads)> {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let (at, read) = map.remove(&(platform, user.to_string()))?;
        (at.elapsed() < Self::FRESH).then_some((at, read))
    }

    fn keep(&self, platform: Platform, user: &str, at: Instant, read: FirstReads) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= Self::MOST {
            map.retain(|_, (at, _)| at.elapsed() < Self::FRESH);
            if map.len() >= Self::MOST {
                map.clear();
            }
        }
        map.insert((platform, user.to_string()), (at, read));
    }
}

/// The bot's conversations.
#[derive(Default)]
pub struct Conversations {
    locks: UserLocks,
    recent: Recent,
    handled: AtomicU64,
}

/// A handled event: what to answer, and — planned — its writes and what it leaves behind.
struct Handled {
    msg: Option<OutboundMessage>,
    writes: Vec<Write>,
    /// The user's state and the response as they will be once the writes are committed.
    after: Option<FirstReads>,
}

impl Conversations {
    /// Handles one event; the message to answer with, if any.
    pub async fn handle(&self, d: &Deps<'_>, inbound: &Inbound) -> Result<Option<OutboundMessage>> {
        if matches!(inbound.kind, InboundKind::Delivery { .. }) {
            return Ok(None);
        }
        let p = inbound.platform;
        let _guard = self.locks.lock(p, &inbound.user_id).await;
        // Most events — a code, the consent, an answer, a question asked again — are worked out
        // from what is stored without writing anything, and their writes (the de-duplication
        // row, the binding, the response opened, the consent, the answer, the user's state) go
        // to the committer, which applies them with other events' in one transaction. An event
        // that needs more (stop, follow, unfollow), a retry, or one whose rows changed
        // meanwhile is handled the slow way below.
        if let Some(committer) = d.committer {
            let reads = d.reader.unwrap_or(d.db);
            let recent = match self.recent.take(p, &inbound.user_id) {
                Some((at, read)) => {
                    let stamp = store::Stamp::of(&read.0, read.1.as_ref());
                    let now = store::stamp_now(reads, read.0.id).await?;
                    (now == Some(stamp)).then_some((at, read))
                }
                None => None,
            };
            let (read_at, read) = match recent {
                Some(recent) => recent,
                None => (
                    Instant::now(),
                    Self::first_reads(reads, inbound, d.now).await?,
                ),
            };
            match Self::handle_in(&d.on(reads), inbound, Some(read), Mode::Plan).await {
                Ok(h) => match committer.commit(h.writes).await {
                    Ok(()) => {
                        if let Some(after) = h.after {
                            self.recent.keep(p, &inbound.user_id, read_at, after);
                        }
                        self.handled(d).await;
                        return Ok(h.msg);
                    }
                    Err(Error::Conflict(_)) => {}
                    Err(e) => return Err(e),
                },
                Err(Error::Conflict(_)) => {}
                Err(e) => return Err(e),
            }
        }
        // Everything the event writes — its de-duplication row, the answer, the user's state —
        // is committed at once, or not at all (the platform's retry is then handled afresh).
        // On SQLite the user's state and what they are answering are read first, beside the
        // writer (a save still checks the response's revision, and the user's events are in
        // order); elsewhere inside the transaction.
        let read = match d.reader {
            Some(reader) => Some(Self::first_reads(reader, inbound, d.now).await?),
            None => None,
        };
        let txn = d.db.begin().await?;
        let result = Self::handle_in(&d.on(&txn), inbound, read, Mode::Direct).await;
        let result = crate::store::finish(txn, result).await;
        if result.is_ok() {
            self.handled(d).await;
        }
        result.map(|h| h.msg)
    }

    /// Counts a handled event; every thousandth prunes the de-duplication rows.
    async fn handled(&self, d: &Deps<'_>) {
        if self.handled.fetch_add(1, Ordering::Relaxed) % 1000 == 999
            && let Err(e) = store::prune_events(d.db, d.now).await
        {
            tracing::warn!(error = %e, "pruning handled chat events failed");
        }
    }

    /// The user's state, and the invitee of the invitation they are answering.
    async fn first_reads<C: ConnectionTrait>(
        db: &C,
        inbound: &Inbound,
        now: DateTime<Utc>,
    ) -> Result<(chat_state::Model, Option<Invitee>)> {
        let st = store::load_state(db, inbound.platform, &inbound.user_id, now).await?;
        let loaded = match st.invitation_id {
            Some(id) => responses::invitee(db, id).await?,
            None => None,
        };
        Ok((st, loaded))
    }

    /// Handles the event on `d.db` (`Mode::Direct`: the event's transaction), or works it out
    /// and returns its writes (`Mode::Plan`; `Error::Conflict` when it needs the transaction).
    async fn handle_in<C: Atomic>(
        d: &Deps<'_, C>,
        inbound: &Inbound,
        read: Option<(chat_state::Model, Option<Invitee>)>,
        mode: Mode,
    ) -> Result<Handled> {
        let p = inbound.platform;
        let backend = d.db.get_database_backend();
        let (mut st, loaded) = match read {
            Some(read) => read,
            None => Self::first_reads(d.db, inbound, d.now).await?,
        };
        // What the next event may start from, if this one is planned.
        let invitee = match mode {
            Mode::Plan => loaded.clone(),
            Mode::Direct => None,
        };
        let mut writes = Vec::new();
        match mode {
            // A retry fails the plan's insert of this row; the slow way answers it.
            Mode::Plan => writes.push(store::plan_sighting(backend, p, &inbound.event_key, d.now)),
            Mode::Direct => {
                if !store::first_sighting(d.db, p, &inbound.event_key, d.now).await? {
                    // A retry. WeChat retries when our passive reply did not arrive in time:
                    // answer again with where things stand. Elsewhere the message was sent
                    // already.
                    if p != Platform::WeChat {
                        return Ok(Handled {
                            msg: None,
                            writes,
                            after: None,
                        });
                    }
                    let mut turn = Turn::new(d, p, st, mode);
                    turn.loaded = loaded;
                    let msg = turn.prompt().await?;
                    return Ok(Handled {
                        msg: Some(turn.compose(msg)),
                        writes,
                        after: None,
                    });
                }
            }
        }
        if st.lang.is_none() {
            st.lang = inbound
                .language_hint
                .as_deref()
                .map(|h| {
                    if h.starts_with("zh") {
                        Lang::ZhCn
                    } else {
                        Lang::En
                    }
                })
                .map(|l| l.as_str().to_string());
        }
        st.last_message_at = Some(inbound.timestamp);
        let mut turn = Turn::new(d, p, st, mode);
        turn.loaded = loaded;
        let msg = turn.run(&inbound.kind).await?;
        let after = match turn.planned.take() {
            Some(planned) => {
                let (write, state) = store::plan_state(backend, &turn.st, d.now);
                writes.extend(planned);
                writes.push(write);
                // The invitee read, with the response as saved, while it is still the one
                // being answered.
                let invitee = invitee.map(|mut i| {
                    if let Some(saved) = turn
                        .saved
                        .take()
                        .filter(|r| r.invitation_id == i.invitation.id)
                    {
                        i.response = Some(saved);
                    }
                    i
                });
                // Kept only as stored: a state or a response inserted by these writes has
                // no id yet.
                let stored = state.id != 0
                    && invitee
                        .as_ref()
                        .and_then(|i| i.response.as_ref())
                        .is_none_or(|r| r.id != 0);
                match invitee {
                    _ if !stored => None,
                    Some(i) if Some(i.invitation.id) != state.invitation_id => None,
                    invitee => Some((state, invitee)),
                }
            }
            None => {
                store::save_state(d.db, &turn.st, d.now).await?;
                None
            }
        };
        Ok(Handled {
            msg: msg.map(|m| turn.compose(m)),
            writes,
            after,
        })
    }
}

/// How an event is handled: in its transaction, or worked out for the committer.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Direct,
    Plan,
}

/// What a planned turn answers when it comes to a write only the event's transaction can
/// make: the event is then handled the slow way.
fn needs_transaction() -> Error {
    Error::Conflict("this message needs a transaction of its own".into())
}

/// One event being handled: the user's state and the notes to say before the prompt.
struct Turn<'d, 'a, C> {
    d: &'d Deps<'a, C>,
    platform: Platform,
    st: chat_state::Model,
    notes: Vec<String>,
    /// The invitee read for this event, until a session takes it.
    loaded: Option<Invitee>,
    /// The writes of a planned turn (`Mode::Plan`); None: written as it goes.
    planned: Option<Vec<Write>>,
    /// The response as a planned save leaves it.
    saved: Option<crate::store::entities::response::Model>,
}

impl<'d, 'a, C: Atomic> Turn<'d, 'a, C> {
    fn new(d: &'d Deps<'a, C>, platform: Platform, st: chat_state::Model, mode: Mode) -> Self {
        Turn {
            d,
            platform,
            st,
            notes: Vec::new(),
            loaded: None,
            planned: (mode == Mode::Plan).then(Vec::new),
            saved: None,
        }
    }

    /// The connection to write through now: the event's transaction. A planned turn stops
    /// here (`needs_transaction`), before anything was written or counted.
    fn direct(&self) -> Result<&'a C> {
        match self.planned {
            Some(_) => Err(needs_transaction()),
            None => Ok(self.d.db),
        }
    }

    fn lang(&self) -> Lang {
        self.st
            .lang
            .as_deref()
            .and_then(|l| l.parse().ok())
            .unwrap_or(Lang::FALLBACK)
    }

    fn channel(&self) -> Channel {
        self.platform.into()
    }

    fn t(&self, key: &str) -> String {
        self.d.i18n.format(self.lang(), key, None)
    }

    fn t_with(&self, key: &str, args: &[(&str, String)]) -> String {
        let args: Vec<(String, String)> = args
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        self.d.i18n.format_with(self.lang(), key, &args)
    }

    fn note(&mut self, text: String) {
        self.notes.push(text);
    }

    /// The notes, then the message.
    fn compose(&mut self, mut msg: OutboundMessage) -> OutboundMessage {
        let mut parts: Vec<String> = std::mem::take(&mut self.notes);
        if !msg.text.trim().is_empty() {
            parts.push(std::mem::take(&mut msg.text));
        }
        msg.text = parts.join("\n\n");
        if msg.list_button.is_none() && !msg.choices.is_empty() {
            msg.list_button = Some(self.t("bot-list-button"));
        }
        msg.user_last_message_at = self.st.last_message_at;
        msg
    }

    async fn run(&mut self, kind: &InboundKind) -> Result<Option<OutboundMessage>> {
        let (text, payload) = match kind {
            InboundKind::Delivery { .. } => return Ok(None),
            InboundKind::Unsubscribe => {
                // Unfollowed: no more bot messages (reminders go by other channels).
                store::set_stopped(
                    self.direct()?,
                    self.platform,
                    &self.st.user_id,
                    None,
                    Some(self.d.now),
                )
                .await?;
                self.st.invitation_id = None;
                return Ok(None);
            }
            InboundKind::Subscribe { scene } | InboundKind::Start { payload: scene } => {
                let db = self.direct()?;
                store::set_stopped(db, self.platform, &self.st.user_id, None, None).await?;
                let code = scene
                    .as_deref()
                    .map(|s| s.strip_prefix("qrscene_").unwrap_or(s).trim())
                    .filter(|s| !s.is_empty());
                return match code {
                    Some(code) => self.bind_code(code, "link").await.map(Some),
                    None => self.prompt().await.map(Some),
                };
            }
            InboundKind::Text(t) | InboundKind::Menu(t) => (t.as_str(), None),
            InboundKind::Choice(p) => (p.as_str(), Some(p.as_str())),
            // Group chats, other bots, edits and membership changes are not conversations.
            InboundKind::Other(what) if IGNORED.contains(&what.as_str()) => return Ok(None),
            // A photo, a sticker, a voice message without text: say what to answer.
            InboundKind::Other(_) => return self.prompt().await.map(Some),
        };
        if !self.ensure_invitation().await? {
            return self.unbound(text).await.map(Some);
        }
        let mut s = self.session().await?;
        if !s.wave_is_open(self.d.now) {
            self.note(self.t("bot-wave-closed"));
            self.st.invitation_id = None;
            return self.prompt().await.map(Some);
        }
        let msg = match self.st.step.as_str() {
            STEP_CONFIRM_STOP => self.confirm_stop(&mut s, text, payload).await?,
            _ => match s.status() {
                Status::Opened | Status::Declined | Status::OptedOut => {
                    self.consent_reply(&mut s, text, payload).await?
                }
                Status::Complete if !self.st.review && self.st.question_id.is_none() => {
                    match parse_command(text).filter(|c| !c.weak) {
                        Some(c) => self.command(&mut s, None, c.command).await?,
                        None => self.prompt_for(&mut s).await?,
                    }
                }
                _ if self.st.step == STEP_CITY => self.city_reply(&mut s, text, payload).await?,
                _ => self.question_reply(&mut s, text, payload).await?,
            },
        };
        Ok(Some(msg))
    }

    /// Someone not bound yet: commands, a code, or the greeting.
    async fn unbound(&mut self, text: &str) -> Result<OutboundMessage> {
        match parse_command(text).filter(|c| !c.weak).map(|c| c.command) {
            Some(Command::Help) => self.note(self.t("bot-help")),
            Some(Command::Language(l)) => self.set_language(l),
            _ if looks_like_code(text) => return self.bind_code(text, "code").await,
            _ => {}
        }
        Ok(OutboundMessage::text(self.t("bot-greeting")))
    }

    /// The invitation to answer now: the current one while it can be answered, else the next
    /// bound one that can (a known WeChat OpenID binds its invitations on first contact).
    async fn ensure_invitation(&mut self) -> Result<bool> {
        if let Some(id) = self.st.invitation_id
            && (self.answerable(id).await? || self.finishing(id).await?)
        {
            return Ok(true);
        }
        let bindings = store::bindings(self.d.db, self.platform, &self.st.user_id).await?;
        let mut bound: Vec<i32> = bindings
            .iter()
            .filter(|(_, stopped)| !stopped)
            .map(|(id, _)| *id)
            .collect();
        // Never bound (stopped bindings count): a known WeChat OpenID binds its invitations.
        if bindings.is_empty() && self.platform == Platform::WeChat {
            for inv in store::roster_invitations(self.d.db, &self.st.user_id).await? {
                self.bind(&inv, "roster").await?;
                bound.push(inv.id);
            }
        }
        for id in bound {
            if Some(id) != self.st.invitation_id && self.answerable(id).await? {
                self.switch_to(id);
                return Ok(true);
            }
        }
        self.st.invitation_id = None;
        Ok(false)
    }

    fn switch_to(&mut self, invitation_id: i32) {
        self.st.invitation_id = Some(invitation_id);
        self.st.step = STEP_SURVEY.to_string();
        self.st.question_id = None;
        self.st.pending = None;
        self.st.review = false;
    }

    /// Whether an invitation can be answered now: its wave is open, and it is neither
    /// complete nor opted out. What was read is kept for the session that follows.
    async fn answerable(&mut self, invitation_id: i32) -> Result<bool> {
        let now = self.d.now;
        let Some(found) = self.invitee(invitation_id).await? else {
            return Ok(false);
        };
        let w = &found.wave;
        let open = w.opens_at <= now && w.closes_at.is_none_or(|c| now < c);
        if !open {
            return Ok(false);
        }
        Ok(match &found.response {
            None => true,
            Some(r) => !matches!(
                responses::status_of(r)?,
                Status::Complete | Status::OptedOut
            ),
        })
    }

    /// Complete (every required question answered) while optional questions are still being
    /// asked.
    async fn finishing(&mut self, invitation_id: i32) -> Result<bool> {
        if self.st.question_id.is_none() {
            return Ok(false);
        }
        Ok(match self.invitee(invitation_id).await? {
            Some(Invitee {
                response: Some(r), ..
            }) => responses::status_of(r)? == Status::Complete,
            _ => false,
        })
    }

    /// The invitee of `invitation_id` as read during this event (read once).
    async fn invitee(&mut self, invitation_id: i32) -> Result<Option<&Invitee>> {
        if self
            .loaded
            .as_ref()
            .is_none_or(|i| i.invitation.id != invitation_id)
        {
            self.loaded = responses::invitee(self.d.db, invitation_id).await?;
        }
        Ok(self.loaded.as_ref())
    }

    /// The session of the current invitation (through this platform's channel).
    async fn session(&mut self) -> Result<Session> {
        let id = self
            .st
            .invitation_id
            .ok_or_else(|| Error::NotFound("no invitation bound".into()))?;
        // What `answerable` read moments ago, else a fresh read (after a save: fresh).
        let invitee = match self.loaded.take() {
            Some(i) if i.invitation.id == id => i,
            _ => responses::invitee(self.d.db, id)
                .await?
                .ok_or_else(|| Error::NotFound(format!("invitation {id}")))?,
        };
        let (db, catalog, channel, now, today) = (
            self.d.db,
            self.d.catalog,
            self.channel(),
            self.d.now,
            self.d.today,
        );
        let planned = self.planned.as_mut();
        Session::open_or_plan(db, catalog, invitee, channel, now, today, planned).await
    }

    /// A code typed or carried by a deep link: bind it and start its survey.
    async fn bind_code(&mut self, code: &str, how: &str) -> Result<OutboundMessage> {
        let key = format!("chat:{}:{}", self.platform, self.st.user_id);
        let found =
            responses::find_by_code(self.d.db, self.d.limiter, &key, code, self.d.now).await;
        match found {
            Ok(invitee) => {
                let inv = invitee.invitation.clone();
                self.bind(&inv, how).await?;
                self.switch_to(inv.id);
                // The session starts from what the lookup read.
                self.loaded = Some(invitee);
                let mut s = self.session().await?;
                let engine = Engine::new(self.d.catalog, &s.survey);
                let args = engine.message_args(&s.context, &s.answers);
                let title =
                    self.d
                        .i18n
                        .format_piped(self.lang(), &engine.survey.title_key(), &args);
                let name = s.context.roster.get("name").cloned().unwrap_or_default();
                self.note(self.t_with("bot-bound", &[("name", name), ("survey", title)]));
                self.prompt_for(&mut s).await
            }
            Err(Error::NotFound(_) | Error::Invalid(_) | Error::Unauthorized) => {
                self.note(self.t("bot-code-wrong"));
                self.prompt().await
            }
            Err(Error::TooManyAttempts { retry_after }) => {
                let minutes = retry_after.as_secs().div_ceil(60).max(1);
                self.note(self.t_with("bot-code-locked", &[("minutes", minutes.to_string())]));
                self.prompt().await
            }
            Err(Error::LinkExpired) => {
                self.note(self.t("bot-code-expired"));
                self.prompt().await
            }
            Err(e) => Err(e),
        }
    }

    /// Binds the user to `inv` (`how`: by code, link or roster).
    async fn bind(&mut self, inv: &invitation::Model, how: &str) -> Result<()> {
        let (platform, user, now) = (self.platform, &self.st.user_id, self.d.now);
        match &mut self.planned {
            Some(writes) => {
                let backend = self.d.db.get_database_backend();
                writes.push(store::plan_bind(backend, platform, user, inv, how, now));
            }
            None => {
                store::bind(self.d.db, platform, user, inv, how, now).await?;
            }
        }
        Ok(())
    }

    /// What to answer now, without changing anything.
    async fn prompt(&mut self) -> Result<OutboundMessage> {
        if !self.ensure_invitation().await? {
            return Ok(OutboundMessage::text(self.t("bot-greeting")));
        }
        let mut s = self.session().await?;
        self.prompt_for(&mut s).await
    }

    async fn prompt_for(&mut self, s: &mut Session) -> Result<OutboundMessage> {
        let lang = self.lang();
        if self.st.step == STEP_CONFIRM_STOP {
            return Ok(render::stop_confirm(self.d.i18n, lang));
        }
        match s.status() {
            Status::Opened | Status::Declined | Status::OptedOut => {
                let link = self.web_link(s)?;
                return Ok(render::consent(self.d.i18n, lang, s, &link));
            }
            _ => {}
        }
        if self.st.step == STEP_CITY
            && let Some((province, _)) = self.st.pending.as_deref().and_then(split_pending)
        {
            return Ok(render::city_question(
                self.d.i18n,
                lang,
                self.d.catalog,
                province,
            ));
        }
        match self.current_question(s) {
            Some(q) => Ok(render::question(self.d.i18n, lang, self.d.catalog, s, &q)),
            None => self.finished().await,
        }
    }

    /// Thanks, then the next survey if there is one.
    async fn finished(&mut self) -> Result<OutboundMessage> {
        self.note(self.t("bot-thanks"));
        self.st.question_id = None;
        self.st.review = false;
        if self.ensure_invitation().await? {
            let mut s = self.session().await?;
            let engine = Engine::new(self.d.catalog, &s.survey);
            let args = engine.message_args(&s.context, &s.answers);
            let title = self
                .d
                .i18n
                .format_piped(self.lang(), &engine.survey.title_key(), &args);
            self.note(self.t_with("bot-next-survey", &[("survey", title)]));
            return Box::pin(self.prompt_for(&mut s)).await;
        }
        Ok(OutboundMessage::default())
    }

    /// The question to ask: the one last asked while it still applies (and is unanswered,
    /// or being reviewed), else the first unanswered one.
    fn current_question(&mut self, s: &Session) -> Option<Question> {
        let engine = Engine::new(self.d.catalog, &s.survey);
        if let Some(qid) = self.st.question_id.clone() {
            let visible = engine.visible_questions(&s.context, &s.answers);
            if let Some(q) = visible.iter().find(|q| q.id == qid)
                && (self.st.review || !s.answers.contains_key(&qid))
            {
                return Some((*q).clone());
            }
        }
        self.st.review = false;
        let q = engine.next_unanswered(&s.context, &s.answers).cloned();
        self.st.question_id = q.as_ref().map(|q| q.id.clone());
        q
    }

    fn web_link(&self, s: &Session) -> Result<String> {
        let token = crate::wave::token::issue(self.d.keys, &s.wave, &s.invitation)?;
        Ok(crate::wave::links::survey_link(self.d.base_url, &token))
    }

    fn set_language(&mut self, lang: Option<Lang>) {
        let lang = lang.unwrap_or_else(|| render::other_lang(self.lang()));
        self.st.lang = Some(lang.as_str().to_string());
        self.note(self.t("bot-language-set"));
    }

    async fn consent_reply(
        &mut self,
        s: &mut Session,
        text: &str,
        payload: Option<&str>,
    ) -> Result<OutboundMessage> {
        let accepted = match payload {
            Some(render::ACCEPT) => Some(true),
            Some(render::DECLINE) => Some(false),
            _ => None,
        }
        .or_else(|| yes_no(text));
        match accepted {
            Some(accepted) => {
                let (db, channel, now) = (self.d.db, self.channel(), self.d.now);
                match &mut self.planned {
                    Some(writes) => {
                        s.plan_consent(db.get_database_backend(), accepted, channel, now, writes)?;
                        self.saved = Some(s.response.clone());
                    }
                    None => s.consent(db, accepted, channel, now).await?,
                }
                if !accepted {
                    self.note(self.t("bot-consent-declined"));
                    return Ok(OutboundMessage::default());
                }
                self.st.question_id = None;
                self.st.review = false;
                self.prompt_for(s).await
            }
            None => match parse_command(text).filter(|c| !c.weak) {
                Some(c) => self.command(s, None, c.command).await,
                None => self.prompt_for(s).await,
            },
        }
    }

    async fn question_reply(
        &mut self,
        s: &mut Session,
        text: &str,
        payload: Option<&str>,
    ) -> Result<OutboundMessage> {
        let Some(q) = self.current_question(s) else {
            return self.finished().await;
        };
        let lang = self.lang();
        let options = render::labelled_options(self.d.i18n, lang, self.d.catalog, s, &q);
        let expect = Expect::for_question(&q, &options, self.d.regions);
        let interpretation = match payload {
            Some(p) => match parse_payload(p, expect) {
                Ok(r) => Interpretation::Answer(r),
                Err(_) => interpret(text, Some(expect)),
            },
            None => interpret(text, Some(expect)),
        };
        match interpretation {
            Interpretation::Command(c) => self.command(s, Some(&q), c).await,
            Interpretation::Answer(Reply::Region(RegionReply::Province { province, county })) => {
                self.st.step = STEP_CITY.to_string();
                self.st.pending = Some(format!("{province}|{}", u8::from(county)));
                self.st.question_id = Some(q.id.clone());
                self.prompt_for(s).await
            }
            Interpretation::Answer(reply) => match reply.into_answer() {
                Some(answer) => self.save(s, &q, answer).await,
                None => {
                    self.note(self.t("bot-invalid-no-match"));
                    self.prompt_for(s).await
                }
            },
            Interpretation::Invalid(reason) => {
                if looks_like_code(text) && !matches!(expect, Expect::Text) {
                    return self.bind_code(text, "code").await;
                }
                let msg = self
                    .d
                    .i18n
                    .format_with(lang, reason.message_id(), &reason.args());
                self.note(msg);
                self.prompt_for(s).await
            }
        }
    }

    async fn city_reply(
        &mut self,
        s: &mut Session,
        text: &str,
        payload: Option<&str>,
    ) -> Result<OutboundMessage> {
        let pending = self.st.pending.clone().unwrap_or_default();
        let Some((province, county)) = split_pending(&pending) else {
            self.st.step = STEP_SURVEY.to_string();
            return self.prompt_for(s).await;
        };
        let (province, county) = (province.to_string(), county);
        if payload.is_none()
            && let Some(c) = parse_command(text).filter(|c| !c.weak)
        {
            // Any command leaves the city step; back returns to the place question.
            self.st.step = STEP_SURVEY.to_string();
            self.st.pending = None;
            if c.command == Command::Back {
                return self.prompt_for(s).await;
            }
            let q = self.current_question(s);
            return self.command(s, q.as_ref(), c.command).await;
        }
        let options = render::cities(self.d.catalog, &province)
            .map(|(_, _, o)| o)
            .unwrap_or_default();
        let parsed = match payload {
            Some(p) => parse_payload(p, Expect::Single(&options)),
            None => parse_reply(text, Expect::Single(&options)),
        };
        match parsed {
            Ok(Reply::Choice { choice, .. }) => {
                self.st.step = STEP_SURVEY.to_string();
                self.st.pending = None;
                let Some(q) = self.current_question(s) else {
                    return self.finished().await;
                };
                let answer = Answer::Region {
                    province,
                    city: Some(choice),
                    county,
                };
                self.save(s, &q, answer).await
            }
            Ok(_) => self.prompt_for(s).await,
            Err(reason) => {
                let msg = self
                    .d
                    .i18n
                    .format_with(self.lang(), reason.message_id(), &reason.args());
                self.note(msg);
                self.prompt_for(s).await
            }
        }
    }

    /// Saves one answer through the session (retrying once over a save made meanwhile on the
    /// web), then moves on.
    async fn save(
        &mut self,
        s: &mut Session,
        q: &Question,
        answer: Answer,
    ) -> Result<OutboundMessage> {
        let (db, catalog, channel, now) = (self.d.db, self.d.catalog, self.channel(), self.d.now);
        let outcome = match &mut self.planned {
            Some(writes) => {
                let backend = db.get_database_backend();
                let outcome =
                    s.plan_answer(backend, catalog, &q.id, answer, channel, now, writes)?;
                if matches!(outcome, Outcome::Saved) {
                    self.saved = Some(s.response.clone());
                }
                outcome
            }
            None => match s
                .answer(db, catalog, &q.id, answer.clone(), channel, now)
                .await
            {
                Err(Error::Conflict(_)) => {
                    s.reload(db).await?;
                    s.answer(db, catalog, &q.id, answer, channel, now).await?
                }
                other => other?,
            },
        };
        match outcome {
            Outcome::Saved => self.advance(s, q).await,
            Outcome::Invalid(errors) => {
                if let Some(e) = errors.first() {
                    let msg = self.d.i18n.format_with(self.lang(), &e.message, &e.args);
                    self.note(msg);
                }
                self.st.question_id = Some(q.id.clone());
                self.prompt_for(s).await
            }
        }
    }

    /// After `q`: in review the next visible question, else the first unanswered.
    async fn advance(&mut self, s: &mut Session, q: &Question) -> Result<OutboundMessage> {
        if self.st.review {
            let engine = Engine::new(self.d.catalog, &s.survey);
            let visible = engine.visible_questions(&s.context, &s.answers);
            let next = visible
                .iter()
                .position(|v| v.id == q.id)
                .and_then(|i| visible.get(i + 1))
                .map(|v| v.id.clone());
            self.st.review = next.is_some();
            self.st.question_id = next;
        } else {
            self.st.question_id = None;
        }
        self.prompt_for(s).await
    }

    async fn command(
        &mut self,
        s: &mut Session,
        q: Option<&Question>,
        c: Command,
    ) -> Result<OutboundMessage> {
        match c {
            Command::Help => self.note(self.t("bot-help")),
            Command::Language(l) => self.set_language(l),
            Command::Web => {
                let link = self.web_link(s)?;
                self.note(self.t_with("bot-web-link", &[("link", link)]));
            }
            Command::Stop => {
                self.st.step = STEP_CONFIRM_STOP.to_string();
            }
            Command::Back => match q {
                Some(q) if s.status().accepts_answers() => {
                    let engine = Engine::new(self.d.catalog, &s.survey);
                    let visible = engine.visible_questions(&s.context, &s.answers);
                    match visible.iter().position(|v| v.id == q.id) {
                        Some(i) if i > 0 => {
                            self.st.question_id = Some(visible[i - 1].id.clone());
                            self.st.review = true;
                        }
                        _ => self.note(self.t("bot-back-first")),
                    }
                }
                _ => self.note(self.t("bot-back-first")),
            },
            Command::Skip => match q {
                Some(q) if self.st.review && s.answers.contains_key(&q.id) => {
                    return self.advance(s, q).await;
                }
                Some(q) if !q.required => return self.save(s, q, Answer::Skipped).await,
                Some(_) => self.note(self.t("bot-skip-required")),
                None => {}
            },
            Command::Restart => {
                if s.status().accepts_answers() {
                    let engine = Engine::new(self.d.catalog, &s.survey);
                    let first = engine
                        .visible_questions(&s.context, &s.answers)
                        .first()
                        .map(|q| q.id.clone());
                    self.st.review = first.is_some();
                    self.st.question_id = first;
                    self.note(self.t("bot-restart"));
                }
            }
        }
        self.prompt_for(s).await
    }

    async fn confirm_stop(
        &mut self,
        s: &mut Session,
        text: &str,
        payload: Option<&str>,
    ) -> Result<OutboundMessage> {
        let yes = match payload {
            Some(render::STOP_YES) => Some(true),
            Some(render::STOP_NO) => Some(false),
            _ => None,
        }
        .or_else(|| yes_no(text))
        .or_else(|| {
            parse_command(text)
                .filter(|c| c.command == Command::Stop)
                .map(|_| true)
        });
        match yes {
            Some(true) => {
                let inv = s.invitation.id;
                let db = self.direct()?;
                responses::opt_out(db, inv, self.channel(), self.d.now).await?;
                store::set_stopped(
                    db,
                    self.platform,
                    &self.st.user_id,
                    Some(inv),
                    Some(self.d.now),
                )
                .await?;
                self.note(self.t("bot-stopped"));
                self.st.step = STEP_SURVEY.to_string();
                self.st.invitation_id = None;
                self.st.question_id = None;
                self.st.review = false;
                if self.ensure_invitation().await? {
                    let mut next = self.session().await?;
                    return self.prompt_for(&mut next).await;
                }
                Ok(OutboundMessage::default())
            }
            Some(false) => {
                self.st.step = STEP_SURVEY.to_string();
                self.note(self.t("bot-stop-cancelled"));
                self.prompt_for(s).await
            }
            None => self.prompt_for(s).await,
        }
    }
}

/// `InboundKind::Other` events that get no answer (the adapters' names for them).
const IGNORED: &[&str] = &[
    "group chat",
    "bot",
    "edited_message",
    "my_chat_member",
    "update",
    "callback without data",
];

/// "1"/"2" for the first/second button of a yes/no question, or a typed yes or no.
fn yes_no(text: &str) -> Option<bool> {
    match crate::bot::parse::normalize(text).as_str() {
        "1" => Some(true),
        "2" => Some(false),
        _ => parse_yes_no(text).ok(),
    }
}

/// Whether a reply looks like an invitation code (8 letters and digits, dashes and spaces
/// aside); only then is it looked up (and counted against the guessing limit).
fn looks_like_code(text: &str) -> bool {
    let t: String = text
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\u{3000}'))
        .collect();
    t.chars().count() == crate::wave::code::LEN && t.chars().all(|c| c.is_ascii_alphanumeric())
}

/// The pending province of the city step: `code|county`.
fn split_pending(pending: &str) -> Option<(&str, bool)> {
    let (code, county) = pending.split_once('|')?;
    Some((code, county == "1"))
}
