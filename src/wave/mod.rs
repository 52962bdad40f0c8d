//! Waves: one round of one survey for one cohort stage, with its dates, reminder plan and
//! invitations (signed link tokens and short codes for the bot), and the responses export.
pub mod code;
pub mod export;
pub mod import;
pub mod invite;
pub mod limit;
pub mod links;
pub mod plan;
pub mod token;

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, EntityTrait, FromQueryResult, QueryOrder, Set, Statement,
    TransactionTrait,
};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::store::entities::{invitation, wave};
use crate::store::survey_versions;
use crate::survey::{Audience, Stage, Survey};
use plan::ReminderPlan;

/// How long links and codes keep working after a wave closes (late answers, corrections).
pub const GRACE_AFTER_CLOSE: Duration = Duration::days(30);
/// How long links and codes of a wave without a closing date work after it opens.
pub const OPEN_ENDED_VALIDITY: Duration = Duration::days(365);

/// The audience of a wave: employer waves are exactly those of the `employer` stage (`create`
/// refuses a survey whose audience says otherwise).
pub fn audience(w: &wave::Model) -> Audience {
    if w.stage == Stage::Employer.as_str() {
        Audience::Employer
    } else {
        Audience::Graduate
    }
}

/// `graduate` or `employer`, as in survey definitions and token claims.
pub fn audience_str(a: Audience) -> &'static str {
    match a {
        Audience::Graduate => "graduate",
        Audience::Employer => "employer",
    }
}

/// Whether `inv` invites someone of audience `a`.
pub fn invites(a: Audience, inv: &invitation::Model) -> bool {
    match a {
        Audience::Graduate => inv.graduate_id.is_some() && inv.employer_id.is_none(),
        Audience::Employer => inv.employer_id.is_some() && inv.graduate_id.is_none(),
    }
}

/// The roster key naming a person in links and exports.
pub fn key_column(a: Audience) -> &'static str {
    match a {
        Audience::Graduate => "student_id",
        Audience::Employer => "uscc",
    }
}

/// Until when a wave's links and codes work: its close + 30 days, or one year after opening.
pub fn access_until(w: &wave::Model) -> DateTime<Utc> {
    match w.closes_at {
        Some(closes) => closes + GRACE_AFTER_CLOSE,
        None => w.opens_at + OPEN_ENDED_VALIDITY,
    }
}

/// What `wave create` asks for.
#[derive(Clone, Debug)]
pub struct NewWave<'a> {
    pub survey: &'a Survey,
    pub cohort_year: i32,
    pub opens_at: DateTime<Utc>,
    pub closes_at: Option<DateTime<Utc>>,
    pub plan: ReminderPlan,
}

/// Creates a wave and registers its survey version (refusing an edited definition whose
/// version was not bumped). Both happen or neither.
pub async fn create(
    db: &DatabaseConnection,
    new: NewWave<'_>,
    now: DateTime<Utc>,
) -> Result<wave::Model> {
    let survey = new.survey;
    let employer_stage = survey.stage == Stage::Employer;
    if employer_stage != (survey.audience == Audience::Employer) {
        return Err(Error::Invalid(format!(
            "survey {} is for the {} stage but its audience is {}; employer surveys (and only \
             they) address employers",
            survey.id,
            survey.stage,
            audience_str(survey.audience)
        )));
    }
    if !(1950..=2200).contains(&new.cohort_year) {
        return Err(Error::Invalid(format!(
            "cohort year {} is not a plausible graduation year",
            new.cohort_year
        )));
    }
    if let Some(closes) = new.closes_at
        && closes <= new.opens_at
    {
        return Err(Error::Invalid(
            "a wave must close after it opens".to_string(),
        ));
    }
    let txn = db.begin().await?;
    let result = async {
        let snapshot = survey_versions::register(&txn, survey, now).await?;
        Ok(wave::Entity::insert(wave::ActiveModel {
            survey_id: Set(survey.id.clone()),
            survey_version: Set(snapshot.version),
            stage: Set(survey.stage.as_str().to_string()),
            cohort_year: Set(new.cohort_year),
            opens_at: Set(new.opens_at),
            closes_at: Set(new.closes_at),
            reminder_plan: Set(new.plan.to_json()),
            created_at: Set(now),
            ..Default::default()
        })
        .exec_with_returning(&txn)
        .await?)
    }
    .await;
    crate::store::finish(txn, result).await
}

/// The wave `id`, or a clear "no such wave".
pub async fn find<C: ConnectionTrait>(db: &C, id: i32) -> Result<wave::Model> {
    wave::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| Error::NotFound(format!("wave {id}")))
}

/// A wave with how far it has got.
#[derive(Clone, Debug, Serialize)]
pub struct WaveSummary {
    pub wave: wave::Model,
    pub invited: u64,
    /// Responses by status (`opened`, `consented`, `declined`, `partial`, `complete`,
    /// `opted_out`); invitations without a response are `invited - sum`.
    pub by_status: BTreeMap<String, u64>,
}

impl WaveSummary {
    pub fn count(&self, status: &str) -> u64 {
        self.by_status.get(status).copied().unwrap_or(0)
    }
}

#[derive(FromQueryResult)]
struct WaveCount {
    wave_id: i32,
    n: i64,
}

#[derive(FromQueryResult)]
struct WaveStatusCount {
    wave_id: i32,
    status: String,
    n: i64,
}

/// Every wave, newest first, with its invitation and response counts.
pub async fn list<C: ConnectionTrait>(db: &C) -> Result<Vec<WaveSummary>> {
    let backend = db.get_database_backend();
    let waves = wave::Entity::find()
        .order_by_desc(wave::Column::Id)
        .all(db)
        .await?;
    let invited = WaveCount::find_by_statement(Statement::from_string(
        backend,
        "SELECT wave_id, COUNT(*) AS n FROM invitation GROUP BY wave_id",
    ))
    .all(db)
    .await?;
    let statuses = WaveStatusCount::find_by_statement(Statement::from_string(
        backend,
        "SELECT i.wave_id AS wave_id, r.status AS status, COUNT(*) AS n \
         FROM response r JOIN invitation i ON i.id = r.invitation_id \
         GROUP BY i.wave_id, r.status",
    ))
    .all(db)
    .await?;
    Ok(waves
        .into_iter()
        .map(|w| {
            let id = w.id;
            WaveSummary {
                invited: invited
                    .iter()
                    .find(|c| c.wave_id == id)
                    .map_or(0, |c| c.n.max(0) as u64),
                by_status: statuses
                    .iter()
                    .filter(|c| c.wave_id == id)
                    .map(|c| (c.status.clone(), c.n.max(0) as u64))
                    .collect(),
                wave: w,
            }
        })
        .collect())
}

/// The first moment of `day` in time zone `tz` (what `--opens DATE` means).
pub fn start_of_day(day: chrono::NaiveDate, tz: chrono_tz::Tz) -> Result<DateTime<Utc>> {
    use chrono::TimeZone;
    tz.from_local_datetime(&day.and_time(chrono::NaiveTime::MIN))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| Error::Invalid(format!("{day} has no midnight in {tz}")))
}

/// The end of `day` in `tz`, i.e. the start of the next day (what `--closes DATE` means: the
/// wave is open through the whole closing day).
pub fn end_of_day(day: chrono::NaiveDate, tz: chrono_tz::Tz) -> Result<DateTime<Utc>> {
    let next = day
        .succ_opt()
        .ok_or_else(|| Error::Invalid(format!("{day} is too far in the future")))?;
    start_of_day(next, tz)
}
