//! Response rates of a wave, within the viewer's scope: counts by status drillable school →
//! department → major → class (graduate waves) or by employer type (employer waves), and the
//! cumulative completion rate by day since the wave opened, with the same stage a year earlier.
//! Figures are read from rollups the database keeps in the same transaction as every change
//! (`rate_rollup`: one row per class; `rate_daily`: one series per scope; migration 300000), so
//! a request reads a few thousand rows at most whatever the wave's size. Scope filtering
//! stays in the query (`Viewer::restrict_rollup`, `Viewer::restrict_daily`).
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
    fn add(&mut self, o: &Counts) {
        self.invited += o.invited;
        self.opened += o.opened;
        self.consented += o.consented;
        self.partial += o.partial;
        self.complete += o.complete;
        self.declined += o.declined;
        self.opted_out += o.opted_out;
        self.unreachable += o.unreachable;
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
    /// Reminders sent that day (the first invitation message is not counted).
    pub reminders: i64,
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
    counts: Counts,
}

/// How far down the department → major → class tree to count, and which branch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Drill {
    /// The whole tree down to classes (the API).
    pub full: bool,
    pub department: Option<String>,
    pub major: Option<String>,
}

impl Drill {
    pub fn full() -> Drill {
        Drill {
            full: true,
            ..Drill::default()
        }
    }

    /// The rows a page drilled to `department` (and `major`) shows: departments at the top,
    /// that department's majors, or that major's classes.
    pub fn to(department: Option<&str>, major: Option<&str>) -> Drill {
        Drill {
            full: false,
            department: department.map(str::to_string),
            major: department.and(major).map(str::to_string),
        }
    }

    fn depth(&self) -> usize {
        match (self.full, &self.department, &self.major) {
            (true, _, _) | (_, Some(_), Some(_)) => 3,
            (_, Some(_), None) => 2,
            _ => 1,
        }
    }
}

/// The wave's counts in scope, read from the `rate_rollup` table the database keeps up to date
/// (one row per class): grouped `depth` levels deep (0: one total row; 1: departments or
/// employer types; 2: majors; 3: classes), within the drilled branch.
async fn group_rows<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    w: &wave::Model,
    depth: usize,
    drill: &Drill,
) -> Result<Vec<GroupRow>> {
    let mut sql = Sql::new(db.get_database_backend());
    let keys: Vec<&str> = ["k1", "k2", "k3"].into_iter().take(depth).collect();
    sql.push("SELECT ");
    for (i, k) in ["k1", "k2", "k3"].into_iter().enumerate() {
        if i < depth {
            sql.push(&format!("{k} AS {k}, "));
        } else {
            sql.push(&format!("'' AS {k}, "));
        }
    }
    for (i, c) in COUNT_COLUMNS.into_iter().enumerate() {
        let sep = if i == 0 { "" } else { ", " };
        sql.push(&format!("{sep}CAST(SUM({c}) AS BIGINT) AS {c}"));
    }
    sql.push(" FROM rate_rollup WHERE wave_id = ").param(w.id);
    match crate::wave::audience(w) {
        Audience::Graduate => {
            viewer.restrict_rollup(&mut sql);
            if !drill.full && depth > 1 {
                if let Some(d) = &drill.department {
                    sql.push(" AND k1 = ").param(d.clone());
                }
                if let Some(m) = drill.major.as_ref().filter(|_| depth > 2) {
                    sql.push(" AND k2 = ").param(m.clone());
                }
            }
        }
        Audience::Employer => viewer.require_employers()?,
    }
    if !keys.is_empty() {
        sql.push(" GROUP BY ").push(&keys.join(", "));
    }
    sql.push(" HAVING SUM(invited) <> 0");
    let rows = db.query_all_raw(sql.statement()).await?;
    // By position: thousands of rows on a whole school's API call.
    rows.iter()
        .map(|r| {
            let n = |i: usize| r.try_get_by_index::<i64>(3 + i);
            Ok(GroupRow {
                keys: [
                    r.try_get_by_index::<String>(0)?,
                    r.try_get_by_index::<String>(1)?,
                    r.try_get_by_index::<String>(2)?,
                ],
                counts: Counts {
                    invited: n(0)?,
                    opened: n(1)?,
                    consented: n(2)?,
                    partial: n(3)?,
                    complete: n(4)?,
                    declined: n(5)?,
                    opted_out: n(6)?,
                    unreachable: n(7)?,
                    rate: 0.0,
                },
            })
        })
        .collect::<Result<Vec<_>, sea_orm::DbErr>>()
        .map_err(Error::from)
}

/// The totals of a wave in scope: one row.
async fn scope_totals<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    w: &wave::Model,
) -> Result<Counts> {
    let mut t = Counts::default();
    for r in group_rows(db, viewer, w, 0, &Drill::default()).await? {
        t.add(&r.counts);
    }
    Ok(t.finish())
}

const COUNT_COLUMNS: [&str; 8] = [
    "invited",
    "opened",
    "consented",
    "partial",
    "complete",
    "declined",
    "opted_out",
    "unreachable",
];

/// Completions and reminder sends per day since opening, in scope, from `rate_daily` (one
/// series per scope: a few dozen rows).
async fn daily<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    w: &wave::Model,
    invited: i64,
    until: DateTime<Utc>,
) -> Result<Vec<DayPoint>> {
    let mut sql = Sql::new(db.get_database_backend());
    sql.push(
        "SELECT day, CAST(SUM(complete) AS BIGINT) AS n, CAST(SUM(reminded) AS BIGINT) AS m \
         FROM rate_daily WHERE wave_id = ",
    )
    .param(w.id);
    match crate::wave::audience(w) {
        Audience::Graduate => viewer.restrict_daily(&mut sql),
        Audience::Employer => {
            viewer.require_employers()?;
            sql.push(" AND level = 'all'");
        }
    }
    sql.push(" GROUP BY day ORDER BY day");
    let rows = db.query_all_raw(sql.statement()).await?;
    let mut per_day: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
    for r in rows {
        let day: i64 = r.try_get::<i64>("", "day")?;
        let n: i64 = r.try_get::<i64>("", "n")?;
        let m: i64 = r.try_get::<i64>("", "m")?;
        let e = per_day.entry(day.max(0)).or_default();
        e.0 += n;
        e.1 += m;
    }
    let last_day = ((until - w.opens_at).num_days()).max(0);
    let last_day = last_day.max(
        per_day
            .iter()
            .filter(|(_, (n, _))| *n != 0)
            .map(|(d, _)| *d)
            .next_back()
            .unwrap_or(0),
    );
    let mut out = Vec::with_capacity(last_day as usize + 1);
    let mut total = 0;
    for day in 0..=last_day {
        let (n, m) = per_day.get(&day).copied().unwrap_or((0, 0));
        total += n;
        out.push(DayPoint {
            day,
            complete: total,
            cumulative_rate: if invited > 0 {
                total as f64 / invited as f64
            } else {
                0.0
            },
            reminders: m,
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
        totals.add(&r.counts);
        let d = depts.entry(r.keys[0].clone()).or_default();
        d.0.add(&r.counts);
        let m = d.1.entry(r.keys[1].clone()).or_default();
        m.0.add(&r.counts);
        m.1.entry(r.keys[2].clone()).or_default().add(&r.counts);
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

/// The rates of a wave within the viewer's scope, the whole tree (the API).
pub async fn wave_rates<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    wave_id: i32,
    now: DateTime<Utc>,
) -> Result<WaveRates> {
    wave_rates_at(db, viewer, wave_id, now, &Drill::full()).await
}

/// The rates of a wave within the viewer's scope, with the tree counted as deep as `drill`
/// asks (a page shows one level: a school of 5,000 classes reads 20 department rows).
pub async fn wave_rates_at<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    wave_id: i32,
    now: DateTime<Utc>,
    drill: &Drill,
) -> Result<WaveRates> {
    let w = visible_wave(db, viewer, wave_id).await?;
    let totals = scope_totals(db, viewer, &w).await?;
    let (departments, employer_types) = match crate::wave::audience(&w) {
        Audience::Graduate => {
            let rows = group_rows(db, viewer, &w, drill.depth(), drill).await?;
            (tree(&rows).1, Vec::new())
        }
        Audience::Employer => {
            let rows = group_rows(db, viewer, &w, 1, drill).await?;
            let groups = rows
                .into_iter()
                .map(|r| GroupRates {
                    group: r.keys[0].clone(),
                    counts: r.counts.finish(),
                })
                .collect();
            (Vec::new(), groups)
        }
    };
    let daily_points = daily(db, viewer, &w, totals.invited, when_to_stop(&w, now)).await?;
    let last_year = match previous_wave(db, &w).await? {
        Some(prev) => {
            let totals = scope_totals(db, viewer, &prev).await?;
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

/// A wave's counts per class and completions per day counted from the raw rows — the
/// reference the rollups must always agree with (tests compare them; the benchmark times it).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Recount {
    pub classes: BTreeMap<(String, String, String), Counts>,
    pub completions_by_day: BTreeMap<i64, i64>,
}

/// Counts the whole wave from its invitations and responses (no scope: for checks only).
pub async fn recount<C: ConnectionTrait>(db: &C, wave_id: i32) -> Result<Recount> {
    let mut sql = Sql::new(db.get_database_backend());
    sql.push(
        "SELECT COALESCE(g.department, e.employer_type) AS k1, \
         COALESCE(g.major, e.industry) AS k2, COALESCE(g.class_name, e.province) AS k3, \
         r.status AS status, r.opened_at AS opened_at, r.consented_at AS consented_at, \
         r.completed_at AS completed_at, i.contact_state AS contact_state, w.opens_at AS opens_at \
         FROM invitation i JOIN wave w ON w.id = i.wave_id \
         LEFT JOIN graduate g ON g.id = i.graduate_id LEFT JOIN employer e ON e.id = i.employer_id \
         LEFT JOIN response r ON r.invitation_id = i.id WHERE i.wave_id = ",
    )
    .param(wave_id);
    let mut out = Recount::default();
    for r in db.query_all_raw(sql.statement()).await? {
        let key = (
            r.try_get::<String>("", "k1")?,
            r.try_get::<String>("", "k2")?,
            r.try_get::<String>("", "k3")?,
        );
        let status: Option<String> = r.try_get("", "status")?;
        let opened: Option<DateTime<Utc>> = r.try_get("", "opened_at")?;
        let consented: Option<DateTime<Utc>> = r.try_get("", "consented_at")?;
        let completed: Option<DateTime<Utc>> = r.try_get("", "completed_at")?;
        let contact: Option<String> = r.try_get("", "contact_state")?;
        let opens: DateTime<Utc> = r.try_get("", "opens_at")?;
        let c = out.classes.entry(key).or_default();
        c.invited += 1;
        c.opened += i64::from(opened.is_some());
        c.consented += i64::from(consented.is_some());
        match status.as_deref() {
            Some("partial") => c.partial += 1,
            Some("complete") => c.complete += 1,
            Some("declined") => c.declined += 1,
            Some("opted_out") => c.opted_out += 1,
            _ => {}
        }
        if status.as_deref() != Some("complete")
            && matches!(contact.as_deref(), Some("unreachable" | "wrong_number"))
        {
            c.unreachable += 1;
        }
        if let (Some("complete"), Some(at)) = (status.as_deref(), completed) {
            let day = ((at - opens).num_seconds().div_euclid(86_400)).max(0);
            *out.completions_by_day.entry(day).or_default() += 1;
        }
    }
    for c in out.classes.values_mut() {
        *c = c.finish();
    }
    Ok(out)
}
