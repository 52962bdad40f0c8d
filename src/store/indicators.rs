//! Reading what the indicators need: a cohort's roster (optionally one department or major)
//! and the facts of its responses from the compact fact table (`store::facts`, read by column
//! position and streamed wave by wave, no answer JSON parsed); and an employer survey year's
//! facts from their answers. Answers count as they are stored now, including corrections saved
//! after the wave closed.
use std::collections::HashMap;
use std::sync::Arc;

use futures::TryStreamExt;
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbBackend, EntityTrait, JoinType, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, RelationTrait,
};

use chrono::{DateTime, Utc};
use sea_orm::Set;
use sea_orm::sea_query::OnConflict;

use crate::error::{Error, Result};
use crate::indicators::columns::Part;
use crate::indicators::{Cohort, EmployerFacts, Extractor, MajorScore, Person};
use crate::store::entities::{
    graduate, invitation, major_score, response, response_fact, survey_version, wave,
};
use crate::store::responses::Status;
use crate::store::{facts, scan, survey_versions};
use crate::survey::{Answers, Regions, Stage};

/// Which graduates of which cohort, at which stages (all graduate stages when empty).
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub cohort: i32,
    pub stages: Vec<Stage>,
    pub department: Option<String>,
    pub major: Option<String>,
}

fn graduates(sel: &Selection) -> sea_orm::Select<graduate::Entity> {
    let mut q = graduate::Entity::find().filter(graduate::Column::GraduationYear.eq(sel.cohort));
    if let Some(d) = &sel.department {
        q = q.filter(graduate::Column::Department.eq(d.as_str()));
    }
    if let Some(m) = &sel.major {
        q = q.filter(graduate::Column::Major.eq(m.as_str()));
    }
    q
}

/// Extractors of every stored version of `survey_id`, loaded before a stream starts (the
/// stream holds a connection; the snapshots are not read while it runs).
struct Extractors(HashMap<i32, Extractor>);

impl Extractors {
    async fn load(db: &DatabaseConnection, survey_id: &str) -> Result<Extractors> {
        let versions = survey_version::Entity::find()
            .filter(survey_version::Column::SurveyId.eq(survey_id))
            .select_only()
            .column(survey_version::Column::Version)
            .into_tuple::<i32>()
            .all(db)
            .await?;
        let mut by_version = HashMap::new();
        for v in versions {
            let survey = survey_versions::load(db, survey_id, v).await?;
            by_version.insert(v, Extractor::new(&survey));
        }
        Ok(Extractors(by_version))
    }

    fn get(&self, response_id: i32, version: i32) -> Option<&Extractor> {
        let e = self.0.get(&version);
        if e.is_none() {
            tracing::warn!(
                response_id,
                version,
                "survey version not stored; response left out of the indicators"
            );
        }
        e
    }
}

fn parse_answers(response_id: i32, json: serde_json::Value) -> Option<Answers> {
    match serde_json::from_value(json) {
        Ok(a) => Some(a),
        Err(e) => {
            tracing::warn!(response_id, error = %e, "stored answers unreadable; left out of the indicators");
            None
        }
    }
}

/// The fact rows of the selected graduates' answered responses in wave `wave_id`, `READ_COLUMNS`
/// in order.
fn wave_facts(sel: &Selection, wave_id: i32) -> SelectStatement {
    // A fact row exists exactly while its response's answers count (`store::facts`): the
    // response itself is not read.
    let mut q = response_fact::Entity::find().filter(response_fact::Column::WaveId.eq(wave_id));
    if sel.department.is_some() || sel.major.is_some() {
        let mut sub = Query::select();
        sub.column(graduate::Column::Id).from(graduate::Entity);
        sub.and_where(graduate::Column::GraduationYear.eq(sel.cohort));
        if let Some(d) = &sel.department {
            sub.and_where(graduate::Column::Department.eq(d.as_str()));
        }
        if let Some(m) = &sel.major {
            sub.and_where(graduate::Column::Major.eq(m.as_str()));
        }
        q = q.filter(response_fact::Column::GraduateId.in_subquery(sub.to_owned()));
    }
    q.select_only().columns(facts::READ_COLUMNS).into_query()
}

/// Compact rows of one wave as they are read: region classes looked up once per region.
#[derive(Default)]
struct WaveRows {
    classes: facts::RegionClasses,
    part: Part,
}

impl WaveRows {
    fn push(&mut self, row: facts::FactRow, regions: &Regions) {
        let graduate_id = row.graduate_id;
        let f = self.classes.facts(row, regions);
        self.part.push(graduate_id, &f);
    }
}

/// The facts of the selected graduates' answered responses in wave `wave_id`, from the compact
/// fact table (`store::facts`): no answer JSON is parsed here.
async fn read_wave(
    db: &DatabaseConnection,
    regions: Arc<Regions>,
    sel: &Selection,
    wave_id: i32,
) -> Result<Part> {
    let rows = scan::scan(
        db,
        &wave_facts(sel, wave_id),
        WaveRows::default(),
        move |rows, row| {
            rows.push(facts::FactRow::read(row)?, &regions);
            Ok(())
        },
    )
    .await?;
    Ok(rows.part)
}

/// The selected graduates.
async fn roster(db: &DatabaseConnection, sel: &Selection) -> Result<Vec<Person>> {
    let query = graduates(sel)
        .select_only()
        .columns([
            graduate::Column::Id,
            graduate::Column::DegreeLevel,
            graduate::Column::Department,
            graduate::Column::Major,
        ])
        .into_query();
    scan::scan(db, &query, Vec::new(), |people, row| {
        let text = |i| row.text(i).map(Option::unwrap_or_default);
        people.push(Person {
            graduate_id: row.int(0)?.unwrap_or_default(),
            degree_level: text(1)?,
            department: text(2)?,
            major: text(3)?,
        });
        Ok(())
    })
    .await
}

/// The selected graduates and the facts of their responses. The roster and every wave are read
/// at once, each on a connection and task of its own (on SQLite, read-only scans beside the
/// pool), rows made compact where they are read, then merged in wave order.
pub async fn cohort(db: &DatabaseConnection, regions: &Regions, sel: &Selection) -> Result<Cohort> {
    let stages: Vec<&str> = if sel.stages.is_empty() {
        crate::indicators::compute::GRADUATE_STAGES
            .iter()
            .map(|s| s.as_str())
            .collect()
    } else {
        sel.stages.iter().map(|s| s.as_str()).collect()
    };
    let waves = wave::Entity::find()
        .filter(wave::Column::CohortYear.eq(sel.cohort))
        .filter(wave::Column::Stage.is_in(stages))
        .order_by_asc(wave::Column::Id)
        .all(db)
        .await?;
    // A SQLite database in memory has only its pool's one connection: one read at a time.
    let concurrent =
        db.get_database_backend() == DbBackend::Postgres || scan::sqlite_file(db).is_some();
    let regions = Arc::new(regions.clone());
    let mut reads = Vec::new();
    let mut parts = Vec::new();
    for w in waves {
        let Ok(stage) = w.stage.parse::<Stage>() else {
            continue;
        };
        let (db, sel, regions) = (db.clone(), sel.clone(), regions.clone());
        let read = tokio::spawn(async move { read_wave(&db, regions, &sel, w.id).await });
        if concurrent {
            reads.push((stage, read));
        } else {
            parts.push((stage, read.await??));
        }
    }
    let mut cohort = Cohort::new(sel.cohort, roster(db, sel).await?);
    for (stage, part) in parts {
        cohort.merge(stage, part);
    }
    for (stage, read) in reads {
        cohort.merge(stage, read.await??);
    }
    Ok(cohort)
}

/// Employers invited in survey year `year`, and the facts of those who answered.
pub async fn employers(db: &DatabaseConnection, year: i32) -> Result<(u64, Vec<EmployerFacts>)> {
    let waves = wave::Entity::find()
        .filter(wave::Column::CohortYear.eq(year))
        .filter(wave::Column::Stage.eq(Stage::Employer.as_str()))
        .all(db)
        .await?;
    let mut invited = 0;
    let mut out = Vec::new();
    for w in waves {
        invited += invitation::Entity::find()
            .filter(invitation::Column::WaveId.eq(w.id))
            .filter(invitation::Column::EmployerId.is_not_null())
            .count(db)
            .await?;
        let extractors = Extractors::load(db, &w.survey_id).await?;
        let mut rows = response::Entity::find()
            .select_only()
            .columns([
                response::Column::Id,
                response::Column::SurveyVersion,
                response::Column::Answers,
            ])
            .join(JoinType::InnerJoin, response::Relation::Invitation.def())
            .filter(invitation::Column::WaveId.eq(w.id))
            .filter(invitation::Column::EmployerId.is_not_null())
            .filter(response::Column::Status.is_in(Status::ANSWERED.map(Status::as_str)))
            .into_tuple::<(i32, i32, serde_json::Value)>()
            .stream(db)
            .await?;
        while let Some((id, version, json)) = rows.try_next().await? {
            if let (Some(ex), Some(answers)) =
                (extractors.get(id, version), parse_answers(id, json))
            {
                out.push(ex.employer_facts(&answers));
            }
        }
    }
    Ok((invited, out))
}

/// Everything the CLI, the pages and the API show for one cohort.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Output {
    pub cohort: i32,
    pub by: crate::indicators::By,
    pub policy: crate::indicators::Policy,
    pub groups: Vec<crate::indicators::GroupReport>,
    /// School-wide employer evaluation of survey year `cohort` (absent for a department/major
    /// selection).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employer: Option<crate::indicators::EmployerReport>,
    /// Major warnings raised by this cohort and the ones before it.
    pub warnings: Vec<crate::indicators::Warning>,
    /// When the oldest of the major scores behind `warnings` was computed.
    pub warnings_as_of: Option<DateTime<Utc>>,
}

/// What the major warning's scores are computed with, besides the facts.
#[derive(Clone)]
struct Scoring {
    regions: Arc<Regions>,
    policy: crate::indicators::Policy,
    prices: Arc<crate::indicators::PriceIndex>,
    rule: crate::indicators::Rule,
}

/// Cohorts whose kept scores are being recomputed in the background, by database pool.
static REFRESHING: std::sync::LazyLock<std::sync::Mutex<std::collections::HashSet<(usize, i32)>>> =
    std::sync::LazyLock::new(Default::default);

/// Which database `db` is (its pool's identity, the same for every clone of the connection).
fn pool_id(db: &DatabaseConnection) -> usize {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            Arc::as_ptr(&db.get_postgres_connection_pool().connect_options()) as usize
        }
        _ => Arc::as_ptr(&db.get_sqlite_connection_pool().connect_options()) as usize,
    }
}

impl Scoring {
    /// Scores of every major of a read cohort (which holds its graduation stage).
    fn of(&self, c: &Cohort) -> Vec<MajorScore> {
        let reports = crate::indicators::compute(
            c,
            crate::indicators::By::Major,
            &[Stage::Graduation],
            &self.policy,
            &self.prices,
        );
        crate::indicators::warning::scores(&reports, &self.rule)
    }

    /// Scores of every major of `cohort`, read and computed now.
    async fn read(&self, db: &DatabaseConnection, cohort: i32) -> Result<Vec<MajorScore>> {
        let sel = Selection {
            cohort,
            stages: vec![Stage::Graduation],
            ..Selection::default()
        };
        Ok(self.of(&self::cohort(db, &self.regions, &sel).await?))
    }

    /// The settings kept scores are valid for.
    fn settings(&self) -> String {
        serde_json::json!({ "policy": self.policy, "rule": self.rule }).to_string()
    }

    /// Keeps `scores` as cohort `cohort`'s, computed at `at`.
    async fn keep(
        &self,
        db: &DatabaseConnection,
        cohort: i32,
        scores: &[MajorScore],
        at: DateTime<Utc>,
    ) -> Result<()> {
        let json =
            serde_json::to_value(scores).map_err(|e| Error::Other(format!("major scores: {e}")))?;
        major_score::Entity::insert(major_score::ActiveModel {
            cohort: Set(cohort),
            settings: Set(self.settings()),
            scores: Set(json),
            computed_at: Set(at),
        })
        .on_conflict(
            OnConflict::column(major_score::Column::Cohort)
                .update_columns([
                    major_score::Column::Settings,
                    major_score::Column::Scores,
                    major_score::Column::ComputedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
        Ok(())
    }

    /// Cohort `cohort`'s scores and when they were computed: the kept ones when they were
    /// computed with these settings (older than `max_age`, they are recomputed in the
    /// background meanwhile), else computed now and kept.
    async fn kept(
        &self,
        db: &DatabaseConnection,
        cohort: i32,
        max_age: chrono::TimeDelta,
    ) -> Result<(Vec<MajorScore>, DateTime<Utc>)> {
        let now = stamp();
        if let Some(stored) = major_score::Entity::find_by_id(cohort).one(db).await?
            && stored.settings == self.settings()
        {
            match serde_json::from_value(stored.scores) {
                Ok(scores) => {
                    if now - stored.computed_at >= max_age {
                        self.clone().refresh_later(db.clone(), cohort);
                    }
                    return Ok((scores, stored.computed_at));
                }
                Err(e) => {
                    tracing::warn!(cohort, error = %e, "kept major scores unreadable; recomputed")
                }
            }
        }
        let scores = self.read(db, cohort).await?;
        self.keep(db, cohort, &scores, now).await?;
        Ok((scores, now))
    }

    /// Recomputes and keeps cohort `cohort`'s scores in the background, unless that is under
    /// way already.
    fn refresh_later(self, db: DatabaseConnection, cohort: i32) {
        let key = (pool_id(&db), cohort);
        let mut refreshing = REFRESHING.lock().unwrap_or_else(|p| p.into_inner());
        if !refreshing.insert(key) {
            return;
        }
        drop(refreshing);
        tokio::spawn(async move {
            let result = async {
                let at = stamp();
                let scores = self.read(&db, cohort).await?;
                self.keep(&db, cohort, &scores, at).await
            }
            .await;
            REFRESHING
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&key);
            if let Err(e) = result {
                tracing::warn!(cohort, error = %e, "recomputing major scores failed");
            }
        });
    }
}

/// Now, to the microsecond both back-ends store.
fn stamp() -> DateTime<Utc> {
    use chrono::SubsecRound;
    Utc::now().trunc_subsecs(6)
}

/// The indicators of `sel` grouped `by`, with the employer report and major warnings.
pub async fn build(
    db: &DatabaseConnection,
    regions: &Regions,
    cfg: &crate::indicators::config::IndicatorConfig,
    sel: &Selection,
    by: crate::indicators::By,
) -> Result<Output> {
    use crate::indicators::{compute, employer_report, warning};
    let policy = cfg.policy();
    let rule = cfg.rule();
    let prices = crate::indicators::PriceIndex::load(cfg.price_index.as_deref())?;
    let c = cohort(db, regions, sel).await?;
    let groups = compute(&c, by, &sel.stages, &policy, &prices);
    let whole_school = sel.department.is_none() && sel.major.is_none();
    let employer = if whole_school {
        let (invited, facts) = employers(db, sel.cohort).await?;
        let school = compute(
            &c,
            crate::indicators::By::School,
            &[Stage::Graduation],
            &policy,
            &prices,
        );
        let mm = school
            .first()
            .and_then(|g| g.stages.first())
            .map(|s| s.major_match.clone())
            .unwrap_or_else(|| policy.stat(None, 0));
        (invited > 0 || !facts.is_empty())
            .then(|| employer_report(sel.cohort, invited, &facts, &mm, &policy))
    } else {
        None
    };
    // The school-wide figures recompute the cohort's own scores (from the facts just read when
    // they include the graduation stage) and keep them; a department's or a major's page, and
    // the earlier cohorts, use the kept scores (recomputed in the background once they are
    // older than the configured age).
    let max_age = i64::try_from(cfg.warning_max_age_minutes)
        .ok()
        .and_then(chrono::TimeDelta::try_minutes)
        .unwrap_or(chrono::TimeDelta::MAX);
    let scoring = Scoring {
        regions: Arc::new(regions.clone()),
        policy,
        prices: Arc::new(prices.clone()),
        rule,
    };
    let mut scores = std::collections::BTreeMap::new();
    let mut scores_as_of: Option<DateTime<Utc>> = None;
    for y in (0..rule.cohorts as i32).map(|i| sel.cohort - i) {
        let (s, at) = if whole_school && y == sel.cohort {
            let now = stamp();
            let s = if sel.stages.is_empty() || sel.stages.contains(&Stage::Graduation) {
                scoring.of(&c)
            } else {
                scoring.read(db, y).await?
            };
            scoring.keep(db, y, &s, now).await?;
            (s, now)
        } else {
            scoring.kept(db, y, max_age).await?
        };
        scores_as_of = Some(scores_as_of.map_or(at, |t| t.min(at)));
        scores.insert(y, s);
    }
    let mut warnings = warning::warnings(&scores, sel.cohort, &rule);
    warnings.retain(|w| {
        sel.department
            .as_ref()
            .is_none_or(|d| w.major.department.as_ref() == Some(d))
            && sel
                .major
                .as_ref()
                .is_none_or(|m| w.major.major.as_ref() == Some(m))
    });
    Ok(Output {
        cohort: sel.cohort,
        by,
        policy,
        groups,
        employer,
        warnings,
        warnings_as_of: scores_as_of,
    })
}
