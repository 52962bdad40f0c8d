//! A respondent answering one invitation through any front door (web form or bot). It loads what
//! the engine needs — the definition at the response's version, the roster context, the same
//! person's earlier stages — and applies consent, whole pages (web) and single answers (bot) to
//! the one stored response, so the channels can never disagree or overwrite each other.
use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, EntityTrait};

use crate::error::{Error, Result};
use crate::store::commit::Write;
use crate::store::entities::{employer, graduate, invitation, response, wave};
use crate::store::facts::Owner;
use crate::store::responses::{self, Channel, Invitee, Status};
use crate::survey::{
    Answer, Answers, Catalog, Context, Engine, Invalid, PageErrors, Stage, Survey,
};

/// One invitation's response, ready for the engine.
#[derive(Debug, Clone)]
pub struct Session {
    pub invitation: invitation::Model,
    pub wave: wave::Model,
    pub response: response::Model,
    pub survey: Arc<Survey>,
    pub context: Context,
    pub answers: Answers,
}

/// What a submitted page or answer came to.
#[derive(Debug)]
pub enum Outcome<E> {
    /// Saved (or already saved: a resent page changes nothing).
    Saved,
    /// Refused by the engine; nothing was saved.
    Invalid(E),
}

impl Session {
    /// Opens (or re-opens) the response of an invitee through `channel`.
    pub async fn open<C: ConnectionTrait>(
        db: &C,
        catalog: &Catalog,
        invitee: Invitee,
        channel: Channel,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<Session> {
        Self::open_or_plan(db, catalog, invitee, channel, now, today, None).await
    }

    /// `open`, or — with `planned` — planned rather than made (`store::commit`): opening's
    /// write, if any, is added to `planned`, and a response opened here has id 0 until it is
    /// committed.
    pub async fn open_or_plan<C: ConnectionTrait>(
        db: &C,
        catalog: &Catalog,
        invitee: Invitee,
        channel: Channel,
        now: DateTime<Utc>,
        today: NaiveDate,
        planned: Option<&mut Vec<Write>>,
    ) -> Result<Session> {
        let Invitee {
            invitation,
            wave,
            response,
            graduate,
            others,
        } = invitee;
        let (id, version) = (invitation.id, wave.survey_version);
        let response = match (response, planned) {
            (Some(r), _) if has_channel(&r, channel) => r,
            (existing, Some(writes)) => {
                let backend = db.get_database_backend();
                let (opened, write) =
                    responses::plan_open(backend, id, version, existing, channel, now)?;
                writes.extend(write);
                opened
            }
            (existing, None) => {
                responses::open_known(db, id, version, existing, channel, now).await?
            }
        };
        let survey = survey_at(db, catalog, &wave.survey_id, response.survey_version).await?;
        let known = Known {
            graduate: graduate.as_ref(),
            others: others.as_deref(),
        };
        let context = context_with(db, &invitation, known, &survey, today).await?;
        let answers = answers_of(&response)?;
        Ok(Session {
            invitation,
            wave,
            response,
            survey,
            context,
            answers,
        })
    }

    pub fn engine<'a>(&'a self, catalog: &'a Catalog) -> Engine<'a> {
        Engine::new(catalog, &self.survey)
    }

    pub fn status(&self) -> Status {
        responses::status_of(&self.response).unwrap_or(Status::Opened)
    }

    /// Whether answers can still be given or changed: the wave has opened and not closed.
    pub fn wave_is_open(&self, now: DateTime<Utc>) -> bool {
        self.wave.opens_at <= now && self.wave.closes_at.is_none_or(|c| now < c)
    }

    /// The privacy notice version the respondent must accept.
    pub fn notice_version(&self) -> i32 {
        i32::try_from(self.survey.privacy_notice.version).unwrap_or(i32::MAX)
    }

    /// Records acceptance or refusal of the privacy notice.
    pub async fn consent<C: crate::store::Atomic>(
        &mut self,
        db: &C,
        accepted: bool,
        channel: Channel,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let version = self.notice_version();
        self.response =
            responses::record_consent(db, self.response.id, version, accepted, channel, now)
                .await?;
        Ok(())
    }

    /// `consent` planned rather than made (`store::commit`): the writes are added to `writes`.
    pub fn plan_consent(
        &mut self,
        backend: sea_orm::DbBackend,
        accepted: bool,
        channel: Channel,
        now: DateTime<Utc>,
        writes: &mut Vec<Write>,
    ) -> Result<()> {
        self.require_stored()?;
        let version = self.notice_version();
        let (after, planned) =
            responses::plan_consent(backend, &self.response, version, accepted, channel, now)?;
        writes.extend(planned);
        self.response = after;
        Ok(())
    }

    /// A planned write needs the response's id: not one opened in the same plan.
    fn require_stored(&self) -> Result<()> {
        if self.response.id == 0 {
            return Err(Error::Conflict(
                "the response is not stored yet; it must be before it can change".into(),
            ));
        }
        Ok(())
    }

    /// The web form's step: one whole page. `revision` is the one the page was rendered from;
    /// a page sent twice (double tap, resent POST) finds its answers already saved and is a
    /// success, never a second write.
    pub async fn submit_page<C: crate::store::Atomic>(
        &mut self,
        db: &C,
        catalog: &Catalog,
        page_id: &str,
        page_answers: Answers,
        revision: i32,
        channel: Channel,
        now: DateTime<Utc>,
    ) -> Result<Outcome<PageErrors>> {
        self.require_consent()?;
        let engine = Engine::new(catalog, &self.survey);
        let merged = match engine.submit_page(&self.context, &self.answers, page_id, page_answers) {
            Ok(m) => m,
            Err(errors) => return Ok(Outcome::Invalid(errors)),
        };
        self.save(db, catalog, merged, revision, channel, now)
            .await?;
        Ok(Outcome::Saved)
    }

    /// The bot's step: one answer to one question.
    pub async fn answer<C: crate::store::Atomic>(
        &mut self,
        db: &C,
        catalog: &Catalog,
        question_id: &str,
        answer: Answer,
        channel: Channel,
        now: DateTime<Utc>,
    ) -> Result<Outcome<Vec<Invalid>>> {
        let merged = match self.merge_answer(catalog, question_id, answer)? {
            Ok(m) => m,
            Err(errors) => return Ok(Outcome::Invalid(errors)),
        };
        let revision = self.response.revision;
        self.save(db, catalog, merged, revision, channel, now)
            .await?;
        Ok(Outcome::Saved)
    }

    /// `answer` planned rather than made (`store::commit`): the session moves on as if saved,
    /// and the writes that save it are added to `writes`; they fail with a conflict when
    /// applied if the response changed since it was read.
    pub fn plan_answer(
        &mut self,
        backend: sea_orm::DbBackend,
        catalog: &Catalog,
        question_id: &str,
        answer: Answer,
        channel: Channel,
        now: DateTime<Utc>,
        writes: &mut Vec<Write>,
    ) -> Result<Outcome<Vec<Invalid>>> {
        self.require_stored()?;
        let merged = match self.merge_answer(catalog, question_id, answer)? {
            Ok(m) => m,
            Err(errors) => return Ok(Outcome::Invalid(errors)),
        };
        let status = self.status_of(catalog, &merged);
        let extractor = self.extractor();
        let owner = self.owner(extractor.as_ref());
        let (after, planned) = responses::plan_answers(
            backend,
            &self.response,
            &merged,
            status,
            channel,
            now,
            owner.as_ref(),
        )?;
        writes.extend(planned);
        self.response = after;
        self.answers = merged;
        Ok(Outcome::Saved)
    }

    /// The answers with `answer` given, or why the engine refuses it.
    fn merge_answer(
        &self,
        catalog: &Catalog,
        question_id: &str,
        answer: Answer,
    ) -> Result<Result<Answers, Vec<Invalid>>> {
        self.require_consent()?;
        let engine = Engine::new(catalog, &self.survey);
        Ok(engine.answer_question(&self.context, &self.answers, question_id, answer))
    }

    /// Where the response stands with `answers` saved.
    fn status_of(&self, catalog: &Catalog, answers: &Answers) -> Status {
        if Engine::new(catalog, &self.survey).is_complete(&self.context, answers) {
            Status::Complete
        } else {
            Status::Partial
        }
    }

    /// Only graduates' answers have indicator facts; the extractor is built once per
    /// definition and looked up only when something is saved.
    fn extractor(&self) -> Option<(i32, Arc<crate::indicators::Extractor>)> {
        self.invitation
            .graduate_id
            .map(|gid| (gid, crate::store::facts::extractor_of(&self.survey)))
    }

    fn owner<'e>(
        &self,
        extractor: Option<&'e (i32, Arc<crate::indicators::Extractor>)>,
    ) -> Option<Owner<'e>> {
        extractor.map(|(graduate_id, extractor)| Owner {
            wave_id: self.wave.id,
            graduate_id: *graduate_id,
            extractor,
        })
    }

    /// Keeps what is valid of a page without insisting on the rest (going back must not lose
    /// what was typed, nor be blocked by a half-filled page).
    pub async fn keep_valid<C: crate::store::Atomic>(
        &mut self,
        db: &C,
        catalog: &Catalog,
        page_answers: Answers,
        revision: i32,
        channel: Channel,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if !self.status().accepts_answers() {
            return Ok(());
        }
        let engine = Engine::new(catalog, &self.survey);
        let mut merged = self.answers.clone();
        for (qid, answer) in page_answers {
            if answer.is_skipped() {
                continue;
            }
            if let Ok(m) = engine.answer_question(&self.context, &merged, &qid, answer) {
                merged = m;
            }
        }
        if merged != self.answers {
            self.save(db, catalog, merged, revision, channel, now)
                .await?;
        }
        Ok(())
    }

    fn require_consent(&self) -> Result<()> {
        match self.status() {
            s if s.accepts_answers() => Ok(()),
            Status::OptedOut => Err(Error::Invalid(
                "this survey was declined (opted out)".into(),
            )),
            _ => Err(Error::Invalid(
                "the privacy notice must be accepted before answers are saved".into(),
            )),
        }
    }

    async fn save<C: crate::store::Atomic>(
        &mut self,
        db: &C,
        catalog: &Catalog,
        merged: Answers,
        revision: i32,
        channel: Channel,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let status = self.status_of(catalog, &merged);
        let extractor = self.extractor();
        let owner = self.owner(extractor.as_ref());
        match responses::save_answers_known(
            db,
            &self.response,
            revision,
            &merged,
            status,
            channel,
            now,
            owner.as_ref(),
        )
        .await
        {
            Ok(saved) => {
                self.response = saved;
                self.answers = merged;
                Ok(())
            }
            Err(Error::Conflict(msg)) => {
                // Someone saved since this page was shown. If it was this very page (sent
                // twice), what is stored already holds these answers: nothing to do.
                self.reload(db).await?;
                let engine = Engine::new(catalog, &self.survey);
                let stored = engine.effective_answers(&self.context, &self.answers);
                let wanted = engine.effective_answers(&self.context, &merged);
                if stored == wanted {
                    Ok(())
                } else {
                    Err(Error::Conflict(msg))
                }
            }
            Err(e) => Err(e),
        }
    }

    /// Re-reads the stored response (after another channel may have changed it).
    pub async fn reload<C: ConnectionTrait>(&mut self, db: &C) -> Result<()> {
        self.response = response::Entity::find_by_id(self.response.id)
            .one(db)
            .await?
            .ok_or_else(|| Error::NotFound(format!("response {}", self.response.id)))?;
        self.answers = answers_of(&self.response)?;
        Ok(())
    }
}

/// Whether the response is open through `channel` already.
fn has_channel(r: &response::Model, channel: Channel) -> bool {
    r.channels.split(',').any(|c| c == channel.as_str())
}

/// The stored answers of a response.
pub fn answers_of(r: &response::Model) -> Result<Answers> {
    serde_json::from_value(r.answers.clone())
        .map_err(|e| Error::Invalid(format!("response {} holds unreadable answers: {e}", r.id)))
}

/// The definition of `survey_id` at `version`: the loaded one when it is that version, else the
/// snapshot stored when the wave was created.
pub async fn survey_at<C: ConnectionTrait>(
    db: &C,
    catalog: &Catalog,
    survey_id: &str,
    version: i32,
) -> Result<Arc<Survey>> {
    if let Some(s) = catalog.survey_shared(survey_id)
        && i64::from(s.version) == i64::from(version)
    {
        return Ok(s);
    }
    let stored = crate::store::survey_versions::find(db, survey_id, version)
        .await?
        .ok_or_else(|| Error::NotFound(format!("survey {survey_id} version {version}")))?;
    serde_json::from_value(stored.definition)
        .map(Arc::new)
        .map_err(|e| {
            Error::Invalid(format!(
                "stored survey {survey_id} v{version} is unreadable: {e}"
            ))
        })
}

/// What the engine knows of the person: roster fields and the answers to earlier stages.
pub async fn context_for<C: ConnectionTrait>(
    db: &C,
    invitation: &invitation::Model,
    survey: &Survey,
    today: NaiveDate,
) -> Result<Context> {
    context_with(db, invitation, Known::default(), survey, today).await
}

/// What a caller has already read of the person (`responses::invitee` reads it all at once).
#[derive(Default, Clone, Copy)]
pub struct Known<'a> {
    pub graduate: Option<&'a graduate::Model>,
    /// The graduate's responses to other waves, with their waves.
    pub others: Option<&'a [(wave::Model, response::Model)]>,
}

/// `context_for` with what the caller has already read.
pub async fn context_with<C: ConnectionTrait>(
    db: &C,
    invitation: &invitation::Model,
    known: Known<'_>,
    survey: &Survey,
    today: NaiveDate,
) -> Result<Context> {
    let mut ctx = Context::new(today);
    if let Some(gid) = invitation.graduate_id {
        let read;
        let g = match known.graduate {
            Some(g) if g.id == gid => g,
            _ => {
                read = graduate::Entity::find_by_id(gid)
                    .one(db)
                    .await?
                    .ok_or_else(|| Error::NotFound(format!("graduate {gid}")))?;
                &read
            }
        };
        ctx.roster = graduate_roster(g);
        ctx.previous = match known.others {
            Some(others) => earlier_stages(others.iter().map(|(w, r)| (w, r)), survey.stage)?,
            None => {
                let read = responses::other_responses(db, gid, invitation.id, survey.stage).await?;
                earlier_stages(read.iter().map(|(w, r)| (w, r)), survey.stage)?
            }
        };
    } else if let Some(eid) = invitation.employer_id {
        let e = employer::Entity::find_by_id(eid)
            .one(db)
            .await?
            .ok_or_else(|| Error::NotFound(format!("employer {eid}")))?;
        ctx.roster = BTreeMap::from([
            ("employer_name".to_string(), e.name),
            ("employer_type".to_string(), e.employer_type),
            ("industry".to_string(), e.industry),
            ("province".to_string(), e.province),
            ("city".to_string(), e.city),
        ]);
    }
    Ok(ctx)
}

/// Roster fields a survey may pipe or test (`roster.<field>`).
pub fn graduate_roster(g: &graduate::Model) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("name".to_string(), g.name.clone()),
        ("major".to_string(), g.major.clone()),
        ("department".to_string(), g.department.clone()),
        ("degree_level".to_string(), g.degree_level.clone()),
        ("class".to_string(), g.class_name.clone()),
        ("graduation_year".to_string(), g.graduation_year.to_string()),
        (
            "graduation_date".to_string(),
            g.graduation_date.format("%Y-%m-%d").to_string(),
        ),
    ])
}

/// The answers at stages before `stage` (partial or complete responses), the latest wave of
/// each stage, from the graduate's other responses.
fn earlier_stages<'a>(
    others: impl Iterator<Item = (&'a wave::Model, &'a response::Model)>,
    stage: Stage,
) -> Result<BTreeMap<Stage, Answers>> {
    let mut out: BTreeMap<Stage, (i32, Answers)> = BTreeMap::new();
    for (w, resp) in others {
        if !matches!(resp.status.as_str(), "partial" | "complete") {
            continue;
        }
        let Ok(s) = w.stage.parse::<Stage>() else {
            continue;
        };
        if s >= stage {
            continue;
        }
        match out.get(&s) {
            Some((wid, _)) if *wid > w.id => {}
            _ => {
                out.insert(s, (w.id, answers_of(resp)?));
            }
        }
    }
    Ok(out.into_iter().map(|(s, (_, a))| (s, a)).collect())
}
