//! Stages that schedule themselves (like RapidPro campaigns): a cohort's year1, year3 and year5
//! waves created once, relative to its graduation date, so each cohort is contacted at one,
//! three and five years without anyone remembering. Running it again creates nothing twice.
//! The worker invites each wave's cohort when it opens and sends from there.
use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};

use crate::error::{Error, Result};
use crate::store::entities::{graduate, wave};
use crate::survey::{Catalog, Stage};
use crate::wave::plan::ReminderPlan;

/// The default campaign: year1 one year after graduation, year3 after three, year5 after five.
pub const DEFAULT_STAGES: &str = "year1=1y,year3=3y,year5=5y";
/// How long a planned wave stays open by default.
pub const DEFAULT_WINDOW_DAYS: i64 = 60;
/// Local time a planned wave opens (the invitation goes out then).
const OPENING_HOUR: u32 = 9;

/// Parses `year1=1y,year3=3y,year5=5y`: a graduate stage and whole years after graduation.
pub fn parse_stages(s: &str) -> Result<Vec<(Stage, u32)>> {
    let mut out = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let bad = || {
            Error::Invalid(format!(
                "stage '{part}' should look like year1=1y (a graduate stage and years after graduation)"
            ))
        };
        let (stage, years) = part.split_once('=').ok_or_else(bad)?;
        let stage: Stage = stage.trim().parse().map_err(|_| bad())?;
        if matches!(stage, Stage::Employer) {
            return Err(Error::Invalid(
                "employer surveys are not relative to a cohort's graduation".into(),
            ));
        }
        let years: u32 = years
            .trim()
            .strip_suffix('y')
            .ok_or_else(bad)?
            .parse()
            .map_err(|_| bad())?;
        if years > 30 || out.iter().any(|(s, _)| *s == stage) {
            return Err(bad());
        }
        out.push((stage, years));
    }
    if out.is_empty() {
        return Err(Error::Invalid(
            "name at least one stage, e.g. year1=1y".into(),
        ));
    }
    Ok(out)
}

/// One stage's wave, as planned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageWave {
    pub stage: Stage,
    pub wave_id: i32,
    pub opens_at: DateTime<Utc>,
    /// False when the wave already existed.
    pub created: bool,
}

/// The cohort's graduation date: the most common one on the roster (ties: the earliest).
pub async fn cohort_graduation_date(db: &DatabaseConnection, cohort: i32) -> Result<NaiveDate> {
    let dates: Vec<NaiveDate> = graduate::Entity::find()
        .select_only()
        .column(graduate::Column::GraduationDate)
        .filter(graduate::Column::GraduationYear.eq(cohort))
        .into_tuple()
        .all(db)
        .await?;
    let mut counts: HashMap<NaiveDate, usize> = HashMap::new();
    for d in dates {
        *counts.entry(d).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(d, _)| d)
        .ok_or_else(|| {
            Error::NotFound(format!(
                "no graduate of cohort {cohort} on the roster: import the roster first"
            ))
        })
}

/// When a stage `years` after `graduated` opens: that day at 09:00 in the plan's time zone
/// (29 February falls back to 28 February in other years).
pub fn opening(graduated: NaiveDate, years: u32, plan: &ReminderPlan) -> Result<DateTime<Utc>> {
    let year = graduated.year() + i32::try_from(years).unwrap_or(0);
    let day = NaiveDate::from_ymd_opt(year, graduated.month(), graduated.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, graduated.month(), 28))
        .ok_or_else(|| Error::Invalid(format!("no such date in {year}")))?;
    let local = day.and_time(NaiveTime::from_hms_opt(OPENING_HOUR, 0, 0).unwrap_or_default());
    plan.time_zone
        .from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| Error::Invalid(format!("{local} does not exist in {}", plan.time_zone)))
}

/// Creates the stage waves of a cohort that do not exist yet (one wave per stage and cohort),
/// each open for `window_days`, with `plan` for its reminders.
pub async fn plan_stages(
    db: &DatabaseConnection,
    catalog: &Catalog,
    cohort: i32,
    stages: &[(Stage, u32)],
    window_days: i64,
    plan: &ReminderPlan,
    now: DateTime<Utc>,
) -> Result<Vec<StageWave>> {
    if window_days <= 0 {
        return Err(Error::Invalid(
            "a wave must stay open at least one day".into(),
        ));
    }
    let graduated = cohort_graduation_date(db, cohort).await?;
    let mut out = Vec::new();
    for (stage, years) in stages {
        let existing = wave::Entity::find()
            .filter(wave::Column::Stage.eq(stage.as_str()))
            .filter(wave::Column::CohortYear.eq(cohort))
            .one(db)
            .await?;
        if let Some(w) = existing {
            out.push(StageWave {
                stage: *stage,
                wave_id: w.id,
                opens_at: w.opens_at,
                created: false,
            });
            continue;
        }
        let survey = catalog.survey_for_stage(*stage).ok_or_else(|| {
            Error::NotFound(format!("no survey of stage {stage} among the definitions"))
        })?;
        let opens_at = opening(graduated, *years, plan)?;
        let closes_at = opens_at + Duration::days(window_days);
        let created = create_wave(db, survey, cohort, opens_at, closes_at, plan, now).await?;
        out.push(StageWave {
            stage: *stage,
            wave_id: created.id,
            opens_at,
            created: true,
        });
    }
    Ok(out)
}

/// `wave::create` for one stage.
async fn create_wave(
    db: &DatabaseConnection,
    survey: &crate::survey::Survey,
    cohort: i32,
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
    plan: &ReminderPlan,
    now: DateTime<Utc>,
) -> Result<wave::Model> {
    crate::wave::create(
        db,
        crate::wave::NewWave {
            survey,
            cohort_year: cohort,
            opens_at,
            closes_at: Some(closes_at),
            plan: plan.clone(),
        },
        now,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_parse_and_refuse_nonsense() {
        assert_eq!(
            parse_stages(DEFAULT_STAGES).unwrap(),
            vec![(Stage::Year1, 1), (Stage::Year3, 3), (Stage::Year5, 5)]
        );
        assert!(parse_stages("employer=1y").is_err());
        assert!(parse_stages("year1=1").is_err());
        assert!(parse_stages("year1=1y,year1=2y").is_err());
        assert!(parse_stages("").is_err());
    }

    #[test]
    fn opening_is_nine_in_the_morning_years_later() {
        let plan = ReminderPlan::default();
        let at = opening(NaiveDate::from_ymd_opt(2024, 6, 30).unwrap(), 3, &plan).unwrap();
        assert_eq!(at, Utc.with_ymd_and_hms(2027, 6, 30, 1, 0, 0).unwrap());
        let leap = opening(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap(), 1, &plan).unwrap();
        assert_eq!(leap, Utc.with_ymd_and_hms(2025, 2, 28, 1, 0, 0).unwrap());
    }
}
