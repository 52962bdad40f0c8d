//! The compact fact table (`response_fact`): one row per graduate response whose answers count
//! (status partial or complete), holding the typed facts the indicators need, so computing
//! them never parses answer JSON nor looks at the response. Written by
//! `responses::save_answers` in the same transaction as the answers, dropped in the same
//! transaction as a decline or an opt-out (`forget`); `rebuild` recomputes the whole table
//! (after an upgrade, or responses written some other way).
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, Weak};

use sea_orm::sea_query::{OnConflict, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, Iterable, JoinType,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, RelationTrait, Set,
};

use crate::error::{Error, Result};
use crate::indicators::{Destination, Extractor, Facts};
use crate::store::commit::Write;
use crate::store::entities::{invitation, response, response_fact, survey_version, wave};
use crate::store::responses::Status;
use crate::store::scan::ByPosition;
use crate::survey::{Answer, Answers, CityTier, Regions, Survey, YearMonth, Zone};

/// Responses read per page by `rebuild`, and fact rows per insert statement (28 columns).
const REBUILD_PAGE: u64 = 5000;
const UPSERT_ROWS: usize = 250;

/// Extractors by survey-version content hash (a stored version never changes).
static EXTRACTORS: LazyLock<Mutex<HashMap<String, Arc<Extractor>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

async fn extractor<C: ConnectionTrait>(
    db: &C,
    survey_id: &str,
    version: i32,
) -> Result<Option<Arc<Extractor>>> {
    let Some(hash) = survey_version::Entity::find()
        .filter(survey_version::Column::SurveyId.eq(survey_id))
        .filter(survey_version::Column::Version.eq(version))
        .select_only()
        .column(survey_version::Column::ContentHash)
        .into_tuple::<String>()
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let key = format!("{survey_id}/{version}/{hash}");
    if let Some(e) = EXTRACTORS.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return Ok(Some(e));
    }
    let survey: Survey = crate::store::survey_versions::load(db, survey_id, version).await?;
    let e = Arc::new(Extractor::new(&survey));
    if let Ok(mut m) = EXTRACTORS.lock() {
        m.insert(key, e.clone());
    }
    Ok(Some(e))
}

fn joined(v: &[String]) -> Option<String> {
    (!v.is_empty()).then(|| v.join(","))
}

/// The fact row of a response's answers.
pub fn row(
    response_id: i32,
    wave_id: i32,
    graduate_id: i32,
    ex: &Extractor,
    answers: &Answers,
) -> response_fact::ActiveModel {
    let f = ex.facts(answers, &Regions::default());
    let (city, county) = match ex.region(answers) {
        Some(Answer::Region { city, county, .. }) => (city.clone(), Some(*county)),
        _ => (None, None),
    };
    response_fact::ActiveModel {
        response_id: Set(response_id),
        wave_id: Set(wave_id),
        graduate_id: Set(graduate_id),
        destination: Set(f.destination.map(|d| d as i16)),
        start_month: Set(f.start.map(|s| s.year * 12 + s.month as i32 - 1)),
        employer_type: Set(f.employer_type),
        industry: Set(f.industry),
        province: Set(f.province),
        city: Set(city),
        county: Set(county),
        salary: Set(f.salary),
        major_match: Set(f.major_match),
        interest_match: Set(f.interest_match),
        job_satisfaction: Set(f.job_satisfaction),
        job_changes: Set(f.job_changes),
        leave_reasons: Set(joined(&f.leave_reasons)),
        industry_changed: Set(f.industry_changed),
        promoted: Set(f.promoted),
        years_to_promotion: Set(f.years_to_promotion),
        management_role: Set(f.management_role),
        further_degree: Set(f.further_degree),
        certificates: Set(f.certificates),
        training: Set(f.training),
        startup_active: Set(f.startup_active),
        startup_funding: Set(f.startup_funding),
        patents: Set(f.patents),
        improvement_proposals: Set(f.improvement_proposals),
        slow_causes: Set(joined(&f.slow_causes)),
    }
}

fn split(s: Option<String>) -> Vec<String> {
    s.map(|s| s.split(',').map(str::to_string).collect())
        .unwrap_or_default()
}

/// The columns `FactRow` reads, in order.
pub const READ_COLUMNS: [response_fact::Column; 26] = {
    use response_fact::Column as C;
    [
        C::GraduateId,
        C::Destination,
        C::StartMonth,
        C::EmployerType,
        C::Industry,
        C::Province,
        C::City,
        C::County,
        C::Salary,
        C::MajorMatch,
        C::InterestMatch,
        C::JobSatisfaction,
        C::JobChanges,
        C::LeaveReasons,
        C::IndustryChanged,
        C::Promoted,
        C::YearsToPromotion,
        C::ManagementRole,
        C::FurtherDegree,
        C::Certificates,
        C::Training,
        C::StartupActive,
        C::StartupFunding,
        C::Patents,
        C::ImprovementProposals,
        C::SlowCauses,
    ]
};

/// One stored fact row as read (by column position, no name lookups): the graduate, their
/// facts without zone and tier, and the raw region to classify.
pub struct FactRow {
    pub graduate_id: i32,
    pub facts: Facts,
    pub city: Option<String>,
    pub county: Option<bool>,
}

impl FactRow {
    /// The row of `READ_COLUMNS`, read by position.
    pub fn read(r: &(impl ByPosition + ?Sized)) -> Result<FactRow, DbErr> {
        let destination = r.small(1)?;
        let start = r.int(2)?;
        Ok(FactRow {
            graduate_id: r
                .int(0)?
                .ok_or_else(|| DbErr::Custom("fact row without a graduate".into()))?,
            city: r.text(6)?,
            county: r.flag(7)?,
            facts: Facts {
                destination: destination
                    .and_then(|d| Destination::ALL.get(usize::try_from(d).ok()?).copied()),
                start: start
                    .and_then(|s| YearMonth::new(s.div_euclid(12), s.rem_euclid(12) as u32 + 1)),
                employer_type: r.text(3)?,
                industry: r.text(4)?,
                zone: None,
                tier: None,
                province: r.text(5)?,
                salary: r.real(8)?,
                major_match: r.real(9)?,
                interest_match: r.real(10)?,
                job_satisfaction: r.real(11)?,
                job_changes: r.real(12)?,
                leave_reasons: split(r.text(13)?),
                industry_changed: r.flag(14)?,
                promoted: r.flag(15)?,
                years_to_promotion: r.real(16)?,
                management_role: r.text(17)?,
                further_degree: r.text(18)?,
                certificates: r.real(19)?,
                training: r.flag(20)?,
                startup_active: r.flag(21)?,
                startup_funding: r.text(22)?,
                patents: r.real(23)?,
                improvement_proposals: r.real(24)?,
                slow_causes: split(r.text(25)?),
            },
        })
    }
}

/// Zone and city tier of stored regions, each distinct region classified once.
#[derive(Default)]
pub struct RegionClasses {
    seen: HashMap<(String, Option<String>, bool), Option<(Zone, CityTier)>>,
}

impl RegionClasses {
    /// `row`'s facts with zone and city tier filled in from `regions`.
    pub fn facts(&mut self, row: FactRow, regions: &Regions) -> Facts {
        let mut f = row.facts;
        if let Some(p) = &f.province {
            let key = (p.clone(), row.city, row.county.unwrap_or(false));
            let class = match self.seen.get(&key) {
                Some(c) => *c,
                None => {
                    let c = regions.class(&Answer::Region {
                        province: key.0.clone(),
                        city: key.1.clone(),
                        county: key.2,
                    });
                    self.seen.insert(key, c);
                    c
                }
            };
            f.zone = class.map(|c| c.0);
            f.tier = class.map(|c| c.1);
        }
        f
    }
}

async fn upsert<C: ConnectionTrait>(db: &C, rows: Vec<response_fact::ActiveModel>) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    upsert_many(rows).exec_without_returning(db).await?;
    Ok(())
}

/// Inserts the rows, or replaces the facts of the responses that have them.
fn upsert_many(
    rows: Vec<response_fact::ActiveModel>,
) -> sea_orm::InsertMany<response_fact::ActiveModel> {
    let update: Vec<response_fact::Column> = response_fact::Column::iter()
        .filter(|c| !matches!(c, response_fact::Column::ResponseId))
        .collect();
    response_fact::Entity::insert_many(rows).on_conflict(
        OnConflict::column(response_fact::Column::ResponseId)
            .update_columns(update)
            .to_owned(),
    )
}

/// Drops the facts of a response whose answers no longer count (declined, opted out); a later
/// save writes them again.
pub async fn forget<C: ConnectionTrait>(db: &C, response_id: i32) -> Result<()> {
    response_fact::Entity::delete_by_id(response_id)
        .exec(db)
        .await?;
    Ok(())
}

/// `forget` planned rather than made (`store::commit`).
pub fn plan_forget(backend: sea_orm::DbBackend, response_id: i32) -> Write {
    Write::new(
        backend,
        &response_fact::Entity::delete_by_id(response_id).into_query(),
    )
}

/// Records the facts of response `r` with `answers` (called by `save_answers`, in its
/// transaction), looking up whose response it is. Employer responses have no fact row.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    r: &response::Model,
    answers: &serde_json::Value,
) -> Result<()> {
    let inv = invitation::Entity::find_by_id(r.invitation_id)
        .select_only()
        .column(invitation::Column::GraduateId)
        .column(invitation::Column::WaveId)
        .into_tuple::<(Option<i32>, i32)>()
        .one(db)
        .await?;
    let Some((Some(graduate_id), wave_id)) = inv else {
        return Ok(());
    };
    let Some(survey_id) = wave::Entity::find_by_id(wave_id)
        .select_only()
        .column(wave::Column::SurveyId)
        .into_tuple::<String>()
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let Some(ex) = extractor(db, &survey_id, r.survey_version).await? else {
        tracing::warn!(
            response_id = r.id,
            "survey version not stored; no facts recorded"
        );
        return Ok(());
    };
    let answers: Answers = serde_json::from_value(answers.clone())
        .map_err(|e| Error::Invalid(format!("answers cannot be read back: {e}")))?;
    record_known(
        db,
        &Owner {
            wave_id,
            graduate_id,
            extractor: &ex,
        },
        r.id,
        &answers,
    )
    .await
}

/// Whose response is being saved, when the caller already knows (a respondent's session has
/// the invitation and the definition in hand): the facts are then written without lookups.
pub struct Owner<'a> {
    pub wave_id: i32,
    pub graduate_id: i32,
    pub extractor: &'a Extractor,
}

/// Records the facts of response `response_id` of `owner`.
pub async fn record_known<C: ConnectionTrait>(
    db: &C,
    owner: &Owner<'_>,
    response_id: i32,
    answers: &Answers,
) -> Result<()> {
    upsert(db, vec![known_row(owner, response_id, answers)]).await
}

/// `record_known` planned rather than made (`store::commit`).
pub fn plan_known(
    backend: sea_orm::DbBackend,
    owner: &Owner<'_>,
    response_id: i32,
    answers: &Answers,
) -> Write {
    let insert = upsert_many(vec![known_row(owner, response_id, answers)]);
    Write::new(backend, &insert.into_query())
}

fn known_row(owner: &Owner<'_>, response_id: i32, answers: &Answers) -> response_fact::ActiveModel {
    row(
        response_id,
        owner.wave_id,
        owner.graduate_id,
        owner.extractor,
        answers,
    )
}

/// The extractor of a definition held in memory (the catalog's surveys are shared by every
/// session, so each is built once; a snapshot's lives as long as someone holds the snapshot).
pub fn extractor_of(survey: &Arc<Survey>) -> Arc<Extractor> {
    static HELD: LazyLock<Mutex<Vec<(Weak<Survey>, Arc<Extractor>)>>> =
        LazyLock::new(|| Mutex::new(Vec::new()));
    let mut held = HELD.lock().unwrap_or_else(|p| p.into_inner());
    held.retain(|(w, _)| w.strong_count() > 0);
    if let Some((_, e)) = held
        .iter()
        .find(|(w, _)| std::ptr::eq(w.as_ptr(), Arc::as_ptr(survey)))
    {
        return e.clone();
    }
    let e = Arc::new(Extractor::new(survey));
    held.push((Arc::downgrade(survey), e.clone()));
    e
}

/// Recomputes the fact rows of every graduate response whose answers count (and drops any of a
/// response whose answers do not); returns how many were written.
pub async fn rebuild(db: &DatabaseConnection) -> Result<u64> {
    response_fact::Entity::delete_many()
        .filter(
            response_fact::Column::ResponseId.in_subquery(
                Query::select()
                    .column(response::Column::Id)
                    .from(response::Entity)
                    .and_where(
                        response::Column::Status.is_not_in(Status::ANSWERED.map(Status::as_str)),
                    )
                    .to_owned(),
            ),
        )
        .exec(db)
        .await?;
    let waves = wave::Entity::find().all(db).await?;
    let mut written = 0;
    for w in waves {
        let mut batch = Vec::new();
        let mut versions: HashMap<i32, Option<Arc<Extractor>>> = HashMap::new();
        let mut after = 0;
        loop {
            // Pages by id: a million answer documents are never held at once, and no stream
            // holds a connection while the batch is written.
            let rows: Vec<(i32, i32, serde_json::Value, Option<i32>)> = response::Entity::find()
                .select_only()
                .columns([
                    response::Column::Id,
                    response::Column::SurveyVersion,
                    response::Column::Answers,
                ])
                .column(invitation::Column::GraduateId)
                .join(JoinType::InnerJoin, response::Relation::Invitation.def())
                .filter(invitation::Column::WaveId.eq(w.id))
                .filter(invitation::Column::GraduateId.is_not_null())
                .filter(response::Column::Status.is_in(Status::ANSWERED.map(Status::as_str)))
                .filter(response::Column::Id.gt(after))
                .order_by_asc(response::Column::Id)
                .limit(REBUILD_PAGE)
                .into_tuple()
                .all(db)
                .await?;
            let Some(last) = rows.last() else {
                break;
            };
            after = last.0;
            for (id, version, json, graduate_id) in rows {
                let Some(graduate_id) = graduate_id else {
                    continue;
                };
                if !versions.contains_key(&version) {
                    let e = extractor(db, &w.survey_id, version).await?;
                    versions.insert(version, e);
                }
                let Some(Some(ex)) = versions.get(&version) else {
                    continue;
                };
                let Ok(answers) = serde_json::from_value::<Answers>(json) else {
                    tracing::warn!(response_id = id, "stored answers unreadable; no facts");
                    continue;
                };
                batch.push(row(id, w.id, graduate_id, ex, &answers));
                if batch.len() >= UPSERT_ROWS {
                    written += batch.len() as u64;
                    upsert(db, std::mem::take(&mut batch)).await?;
                }
            }
        }
        written += batch.len() as u64;
        upsert(db, batch).await?;
    }
    Ok(written)
}
