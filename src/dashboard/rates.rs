//! Response rates of a wave, within the viewer's scope: counts by status drillable school →
//! department → major → class (graduate waves) or by employer type (employer waves), and the
//! cumulative completion rate by day since the wave opened, with the same stage a year earlier.
//! One grouped query per figure; the counting happens in the database.
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};
use serde::Serialize;
use utoipa::ToSchema;

use super::scope::{Sql, Viewer};
use crate::error::{Error, Result};
use crate::store::entities::wave;
use crate::survey::Audience;

/// How many invitees stand where. `opened` counts everyone who opened the link (whatever came
/// next), `consented` everyone who accepted the notice; `unreachable` counts non-completers a
/// liaison marked unreachable or as a wrong number.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, ToSchema)]
pub struct Counts {
    pub invited: i64,
    pub opened: i64,
    pub consented: i64,
    pub partial: i64,
    pub complete: i64,
    pub declined: i64,
    pub opted_out: i64,
    pub unreachable: i64,
    /// complete / invited, 0 when nobody was invited.
    pub rate: f64,
}

impl Counts {
    fn add(&mut self, g: &GroupRow) {
        let n = g.n;
        self.invited += n;
        if g.opened {
            self.opened += n;
        }
        if g.consented {
            self.consented += n;
        }
        match g.status.as_deref() {
            Some("partial") => self.partial += n,
            Some("complete") => self.complete += n,
            Some("declined") => self.declined += n,
            Some("opted_out") => self.opted_out += n,
            _ => {}
        }
        if g.status.as_deref() != Some("complete")
            && matches!(
                g.contact_state.as_deref(),
                Some("unreachable" | "wrong_number")
            )
        {
            self.unreachable += n;
        }
    }

    fn finish(mut self) -> Counts {
        self.rate = if self.invited > 0 {
            self.complete as f64 / self.invited as f64
        } else {
            0.0
        };
        self
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClassRates {
    pub class_name: String,
    pub counts: Counts,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MajorRates {
    pub major: String,
    pub counts: Counts,
    pub classes: Vec<ClassRates>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DepartmentRates {
    pub department: String,
    pub counts: Counts,
    pub majors: Vec<MajorRates>,
}

/// Employer waves: counts per employer type.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GroupRates {
    pub group: String,
    pub counts: Counts,
}

/// Completions up to and including `day` days after the wave opened.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub struct DayPoint {
    pub day: i64,
    pub complete: i64,
    pub cumulative_rate: f64,
}

/// The same stage of the previous cohort, for comparison.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LastYear {
    pub wave_id: i32,
    pub cohort_year: i32,
    pub totals: Counts,
    pub daily: Vec<DayPoint>,
}

/// A wave as listed on the dashboard.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WaveSummary {
    pub id: i32,
    pub survey_id: String,
    pub stage: String,
    pub cohort_year: i32,
    pub audience: String,
    pub opens_at: DateTime<Utc>,
    pub closes_at: Option<DateTime<Utc>>,
}

impl WaveSummary {
    fn of(w: &wave::Model) -> WaveSummary {
        WaveSummary {
            id: w.id,
            survey_id: w.survey_id.clone(),
            stage: w.stage.clone(),
            cohort_year: w.cohort_year,
            audience: crate::wave::audience_str(crate::wave::audience(w)).to_string(),
            opens_at: w.opens_at,
            closes_at: w.closes_at,
        }
    }
}

/// A wave's response rates as the viewer may see them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WaveRates {
    pub wave: WaveSummary,
    /// The viewer's scope (`admin`, `department:计算机学院`, …).
    pub scope: String,
    pub totals: Counts,
    /// Graduate waves: department → major → class.
    pub departments: Vec<DepartmentRates>,
    /// Employer waves (employment office only): per employer type.
    pub employer_types: Vec<GroupRates>,
    /// Day 0 is the opening day; up to today or the closing day.
    pub daily: Vec<DayPoint>,
    pub last_year: Option<LastYear>,
    /// Days after opening when reminders are planned (the wave's reminder plan).
    pub reminder_days: Vec<i64>,
}

/// The waves a viewer may open: every graduate wave (waves hold no personal data; the figures
/// inside are scoped), and employer waves for the employment office.
pub async fn waves<C: ConnectionTrait>(db: &C, viewer: &Viewer) -> Result<Vec<WaveSummary>> {
    let all = wave::Entity::find()
        .order_by_desc(wave::Column::OpensAt)
        .order_by_desc(wave::Column::Id)
        .all(db)
        .await?;
    Ok(all
        .iter()
        .filter(|w| crate::wave::audience(w) == Audience::Graduate || viewer.sees_employers())
        .map(WaveSummary::of)
        .collect())
}

/// The wave, if the viewer may see it (employer waves: the employment office only). Unknown
/// and forbidden ids look alike: `Forbidden`.
pub async fn visible_wave<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    wave_id: i32,
) -> Result<wave::Model> {
    let w = wave::Entity::find_by_id(wave_id)
        .one(db)
        .await?
        .ok_or(Error::Forbidden)?;
    if crate::wave::audience(&w) == Audience::Employer && !viewer.sees_employers() {
        return Err(Error::Forbidden);
    }
    Ok(w)
}

struct GroupRow {
    keys: [String; 3],
    status: Option<String>,
    opened: bool,
    consented: bool,
    contact_state: Option<String>,
    n: i64,
}

/// One grouped pass over the wave's invitations in scope.
async fn group_rows<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    w: &wave::Model,
) -> Result<Vec<GroupRow>> {
    let mut sql = Sql::new(db.get_database_backend());
    let (keys, from) = match crate::wave::audience(w) {
        Audience::Graduate => (
            "g.department AS k1, g.major AS k2, g.class_name AS k3",
            " FROM invitation i JOIN graduate g ON g.id = i.graduate_id",
        ),
        Audience::Employer => (
            "e.employer_type AS k1, e.industry AS k2, e.province AS k3",
            " FROM invitation i JOIN employer e ON e.id = i.employer_id",
        ),
    };
    sql.push("SELECT ")
        .push(keys)
        .push(
            ", r.status AS status, \
             CASE WHEN r.opened_at IS NULL THEN 0 ELSE 1 END AS opened, \
             CASE WHEN r.consented_at IS NULL THEN 0 ELSE 1 END AS consented, \
             i.contact_state AS contact_state, COUNT(*) AS n",
        )
        .push(from)
        .push(" LEFT JOIN response r ON r.invitation_id = i.id WHERE i.wave_id = ")
        .param(w.id);
    match crate::wave::audience(w) {
        Audience::Graduate => viewer.restrict(&mut sql),
        Audience::Employer => viewer.require_employers()?,
    }
    sql.push(" GROUP BY k1, k2, k3, r.status, opened, consented, i.contact_state");
    let rows = db.query_all_raw(sql.statement()).await?;
    rows.iter()
        .map(|r| {
            Ok(GroupRow {
                keys: [
                    r.try_get::<String>("", "k1")?,
                    r.try_get::<String>("", "k2")?,
                    r.try_get::<String>("", "k3")?,
                ],
                status: r.try_get::<Option<String>>("", "status")?,
                opened: r.try_get::<i32>("", "opened")? != 0,
                consented: r.try_get::<i32>("", "consented")? != 0,
                contact_state: r.try_get::<Option<String>>("", "contact_state")?,
                n: r.try_get::<i64>("", "n")?,
            })
        })
        .collect::<Result<Vec<_>, sea_orm::DbErr>>()
        .map_err(Error::from)
}

/// Completions per day since opening, in scope.
async fn daily<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    w: &wave::Model,
    invited: i64,
    until: DateTime<Utc>,
) -> Result<Vec<DayPoint>> {
    let backend = db.get_database_backend();
    let mut sql = Sql::new(backend);
    match backend {
        sea_orm::DbBackend::Postgres => sql
            .push("SELECT CAST(FLOOR(EXTRACT(EPOCH FROM (r.completed_at - ")
            .param(w.opens_at)
            .push(")) / 86400) AS BIGINT) AS d"),
        _ => sql
            .push("SELECT CAST(julianday(r.completed_at) - julianday(")
            .param(w.opens_at)
            .push(") AS INTEGER) AS d"),
    };
    sql.push(", COUNT(*) AS n");
    match crate::wave::audience(w) {
        Audience::Graduate => {
            sql.push(" FROM invitation i JOIN graduate g ON g.id = i.graduate_id")
        }
        Audience::Employer => {
            sql.push(" FROM invitation i JOIN employer e ON e.id = i.employer_id")
        }
    };
    sql.push(
        " JOIN response r ON r.invitation_id = i.id \
         WHERE r.status = 'complete' AND r.completed_at IS NOT NULL AND i.wave_id = ",
    )
    .param(w.id);
    match crate::wave::audience(w) {
        Audience::Graduate => viewer.restrict(&mut sql),
        Audience::Employer => viewer.require_employers()?,
    }
    sql.push(" GROUP BY d ORDER BY d");
    let rows = db.query_all_raw(sql.statement()).await?;
    let mut per_day: BTreeMap<i64, i64> = BTreeMap::new();
    for r in rows {
        let day: i64 = r.try_get::<i64>("", "d")?;
        let n: i64 = r.try_get::<i64>("", "n")?;
        // Completions before the opening (imported or back-dated) count on day 0.
        *per_day.entry(day.max(0)).or_default() += n;
    }
    let last_day = ((until - w.opens_at).num_days()).max(0);
    let last_day = last_day.max(per_day.keys().next_back().copied().unwrap_or(0));
    let mut out = Vec::with_capacity(last_day as usize + 1);
    let mut total = 0;
    for day in 0..=last_day {
        total += per_day.get(&day).copied().unwrap_or(0);
        out.push(DayPoint {
            day,
            complete: total,
            cumulative_rate: if invited > 0 {
                total as f64 / invited as f64
            } else {
                0.0
            },
        });
    }
    Ok(out)
}

fn tree(rows: &[GroupRow]) -> (Counts, Vec<DepartmentRates>) {
    type Classes = BTreeMap<String, Counts>;
    let mut depts: BTreeMap<String, (Counts, BTreeMap<String, (Counts, Classes)>)> =
        BTreeMap::new();
    let mut totals = Counts::default();
    for r in rows {
        totals.add(r);
        let d = depts.entry(r.keys[0].clone()).or_default();
        d.0.add(r);
        let m = d.1.entry(r.keys[1].clone()).or_default();
        m.0.add(r);
        m.1.entry(r.keys[2].clone()).or_default().add(r);
    }
    let departments = depts
        .into_iter()
        .map(|(department, (counts, majors))| DepartmentRates {
            department,
            counts: counts.finish(),
            majors: majors
                .into_iter()
                .map(|(major, (counts, classes))| MajorRates {
                    major,
                    counts: counts.finish(),
                    classes: classes
                        .into_iter()
                        .map(|(class_name, c)| ClassRates {
                            class_name,
                            counts: c.finish(),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    (totals.finish(), departments)
}

fn when_to_stop(w: &wave::Model, now: DateTime<Utc>) -> DateTime<Utc> {
    match w.closes_at {
        Some(c) if c < now => c,
        _ => now,
    }
}

/// The rates of a wave within the viewer's scope.
pub async fn wave_rates<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    wave_id: i32,
    now: DateTime<Utc>,
) -> Result<WaveRates> {
    let w = visible_wave(db, viewer, wave_id).await?;
    let rows = group_rows(db, viewer, &w).await?;
    let (totals, departments, employer_types) = match crate::wave::audience(&w) {
        Audience::Graduate => {
            let (totals, departments) = tree(&rows);
            (totals, departments, Vec::new())
        }
        Audience::Employer => {
            let mut groups: BTreeMap<String, Counts> = BTreeMap::new();
            let mut totals = Counts::default();
            for r in &rows {
                totals.add(r);
                groups.entry(r.keys[0].clone()).or_default().add(r);
            }
            let groups = groups
                .into_iter()
                .map(|(group, c)| GroupRates {
                    group,
                    counts: c.finish(),
                })
                .collect();
            (totals.finish(), Vec::new(), groups)
        }
    };
    let daily_points = daily(db, viewer, &w, totals.invited, when_to_stop(&w, now)).await?;
    let last_year = match previous_wave(db, &w).await? {
        Some(prev) => {
            let rows = group_rows(db, viewer, &prev).await?;
            let mut totals = Counts::default();
            for r in &rows {
                totals.add(r);
            }
            let totals = totals.finish();
            // Compared over the same number of days as this year has run.
            let span = when_to_stop(&w, now) - w.opens_at;
            let until = when_to_stop(&prev, prev.opens_at + span);
            let daily = daily(db, viewer, &prev, totals.invited, until).await?;
            Some(LastYear {
                wave_id: prev.id,
                cohort_year: prev.cohort_year,
                totals,
                daily,
            })
        }
        None => None,
    };
    let reminder_days = crate::wave::plan::ReminderPlan::from_json(&w.reminder_plan)
        .map(|p| p.offsets.iter().map(|o| o.duration().num_days()).collect())
        .unwrap_or_default();
    Ok(WaveRates {
        wave: WaveSummary::of(&w),
        scope: viewer.scope_label(),
        totals,
        departments,
        employer_types,
        daily: daily_points,
        last_year,
        reminder_days,
    })
}

/// The latest wave of the same stage for the previous cohort (previous survey year for
/// employer waves).
async fn previous_wave<C: ConnectionTrait>(db: &C, w: &wave::Model) -> Result<Option<wave::Model>> {
    use sea_orm::{ColumnTrait, QueryFilter};
    Ok(wave::Entity::find()
        .filter(wave::Column::Stage.eq(w.stage.clone()))
        .filter(wave::Column::CohortYear.eq(w.cohort_year - 1))
        .order_by_desc(wave::Column::OpensAt)
        .one(db)
        .await?)
}
