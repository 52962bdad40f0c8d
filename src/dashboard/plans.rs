//! One person, one plan (一人一策): assistance files for graduates whose answers show slow
//! employment, unemployment or low-quality employment (rules configurable), with causes,
//! planned actions, owner, follow-up dates and status, and the list of follow-ups due. Files are
//! visible to the graduate's liaisons (scoped in SQL); the causes and matched rules come from
//! answers, so only the employment office and department officers see them.
use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryResult, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::rates::visible_wave;
use super::scope::{Sql, Viewer};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::respond::{answers_of, context_for, survey_at};
use crate::store::entities::{assistance_plan, invitation, plan_follow_up, response, staff};
use crate::store::roster::record_audit;
use crate::survey::Audience;
use crate::survey::{Answer, Answers, Catalog, Engine, Survey, Tag};

/// Which answers open an assistance file.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRules {
    /// Destination types that need help (default: slow employment, unemployed).
    pub destinations: Vec<String>,
    /// Job satisfaction at or below this (1–5) is low-quality employment (default 2).
    pub max_job_satisfaction: u32,
    /// A monthly salary below this, in CNY, is low-quality employment (default 3000).
    pub min_salary: Option<f64>,
}

impl Default for PlanRules {
    fn default() -> PlanRules {
        PlanRules {
            destinations: vec!["slow_employment".into(), "unemployed".into()],
            max_job_satisfaction: 2,
            min_salary: Some(3000.0),
        }
    }
}

impl PlanRules {
    /// The rules set in the config (`GRADTRACE_PLAN_*`).
    pub fn from_config(config: &Config) -> PlanRules {
        PlanRules {
            destinations: config
                .plan_destinations
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            max_job_satisfaction: config.plan_max_satisfaction,
            min_salary: (config.plan_min_salary > 0.0).then_some(config.plan_min_salary),
        }
    }

    /// The rules an answer set matches (`destination:unemployed`, `job_satisfaction`,
    /// `salary`), read through the indicator tags, never question ids.
    pub fn reasons(&self, survey: &Survey, answers: &Answers) -> Vec<String> {
        let answer = |tag: Tag| {
            survey
                .question_by_tag(tag, None)
                .and_then(|q| answers.0.get(&q.id))
        };
        let mut out = Vec::new();
        if let Some(Answer::Choice { choice, .. }) = answer(Tag::DestinationType)
            && self.destinations.iter().any(|d| d == choice)
        {
            out.push(format!("destination:{choice}"));
        }
        if let Some(Answer::Rating(n)) = answer(Tag::JobSatisfaction)
            && *n <= self.max_job_satisfaction
        {
            out.push("job_satisfaction".into());
        }
        if let (Some(min), Some(Answer::Number(x))) = (self.min_salary, answer(Tag::MonthlySalary))
            && *x < min
        {
            out.push("salary".into());
        }
        out
    }
}

/// The slow-employment causes a graduate gave (options of `slow_cause`).
fn causes(survey: &Survey, answers: &Answers) -> Vec<String> {
    let mut out = BTreeSet::new();
    for q in survey.questions_by_tag(Tag::SlowEmploymentCauses) {
        if let Some(Answer::Choices { choices, .. }) = answers.0.get(&q.id) {
            out.extend(choices.iter().cloned());
        }
    }
    out.into_iter().collect()
}

/// Where a plan stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    Open,
    InProgress,
    Closed,
}

impl PlanStatus {
    pub const ALL: [PlanStatus; 3] = [PlanStatus::Open, PlanStatus::InProgress, PlanStatus::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            PlanStatus::Open => "open",
            PlanStatus::InProgress => "in_progress",
            PlanStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<PlanStatus> {
        PlanStatus::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// What `open_plans` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Opened {
    /// Complete responses in scope that were read.
    pub checked: usize,
    /// New files opened.
    pub opened: usize,
    /// Matching graduates who already had a file for this wave.
    pub existing: usize,
}

/// Opens an assistance file for every complete response of a graduate wave, in the viewer's
/// scope, whose answers match the rules. Needs a viewer who may read answers; re-running
/// opens only the new ones. Answers hidden by their conditions are not read.
pub async fn open_plans(
    db: &DatabaseConnection,
    catalog: &Catalog,
    viewer: &Viewer,
    wave_id: i32,
    rules: &PlanRules,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<Opened> {
    viewer.require_answers()?;
    let w = visible_wave(db, viewer, wave_id).await?;
    if crate::wave::audience(&w) != Audience::Graduate {
        return Err(Error::Invalid(
            "assistance files are for graduate waves".into(),
        ));
    }
    let mut sql = Sql::new(db.get_database_backend());
    sql.push(
        "SELECT i.id AS invitation_id FROM invitation i \
         JOIN graduate g ON g.id = i.graduate_id \
         JOIN response r ON r.invitation_id = i.id \
         WHERE r.status = 'complete' AND i.wave_id = ",
    )
    .param(w.id);
    viewer.restrict(&mut sql);
    let ids: Vec<i32> = db
        .query_all_raw(sql.statement())
        .await?
        .iter()
        .map(|r| r.try_get::<i32>("", "invitation_id"))
        .collect::<Result<_, _>>()?;
    let existing: HashSet<i32> = assistance_plan::Entity::find()
        .filter(assistance_plan::Column::WaveId.eq(w.id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.graduate_id)
        .collect();
    let mut surveys: HashMap<i32, std::sync::Arc<Survey>> = HashMap::new();
    let mut report = Opened {
        checked: 0,
        opened: 0,
        existing: 0,
    };
    for chunk in ids.chunks(500) {
        let invitations = invitation::Entity::find()
            .filter(invitation::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        let responses: HashMap<i32, response::Model> = response::Entity::find()
            .filter(response::Column::InvitationId.is_in(chunk.iter().copied()))
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.invitation_id, r))
            .collect();
        for inv in invitations {
            let (Some(graduate_id), Some(r)) = (inv.graduate_id, responses.get(&inv.id)) else {
                continue;
            };
            report.checked += 1;
            if !surveys.contains_key(&r.survey_version) {
                let s = survey_at(db, catalog, &w.survey_id, r.survey_version).await?;
                surveys.insert(r.survey_version, s);
            }
            let Some(survey) = surveys.get(&r.survey_version) else {
                continue;
            };
            let ctx = context_for(db, &inv, survey, today).await?;
            let answers = Engine::new(catalog, survey).effective_answers(&ctx, &answers_of(r)?);
            let reasons = rules.reasons(survey, &answers);
            if reasons.is_empty() {
                continue;
            }
            if existing.contains(&graduate_id) {
                report.existing += 1;
                continue;
            }
            assistance_plan::ActiveModel {
                graduate_id: Set(graduate_id),
                wave_id: Set(w.id),
                reasons: Set(json!(reasons)),
                causes: Set(json!(causes(survey, &answers))),
                actions: Set(String::new()),
                owner_staff_id: Set(None),
                next_follow_up: Set(None),
                status: Set(PlanStatus::Open.as_str().to_string()),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?;
            report.opened += 1;
        }
    }
    record_audit(
        db,
        &viewer.username,
        "plans.open",
        json!({"wave_id": w.id, "scope": viewer.scope_label(), "checked": report.checked, "opened": report.opened}),
        now,
    )
    .await?;
    Ok(report)
}

/// A plan in a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanRow {
    pub id: i32,
    pub wave_id: i32,
    pub name: String,
    pub student_id: String,
    pub class_name: String,
    pub status: PlanStatus,
    pub owner: Option<String>,
    pub next_follow_up: Option<NaiveDate>,
    /// The follow-up date has come and the plan is not closed.
    pub due: bool,
}

fn plan_row(r: &QueryResult, today: NaiveDate) -> Result<PlanRow> {
    let status = r.try_get::<String>("", "status")?;
    let status = PlanStatus::parse(&status)
        .ok_or_else(|| Error::Invalid(format!("unknown plan status '{status}'")))?;
    let next: Option<NaiveDate> = r.try_get("", "next_follow_up")?;
    Ok(PlanRow {
        id: r.try_get("", "id")?,
        wave_id: r.try_get("", "wave_id")?,
        name: r.try_get("", "name")?,
        student_id: r.try_get("", "student_id")?,
        class_name: r.try_get("", "class_name")?,
        status,
        owner: r.try_get("", "owner")?,
        next_follow_up: next,
        due: status != PlanStatus::Closed && next.is_some_and(|d| d <= today),
    })
}

fn plan_select(sql: &mut Sql) {
    sql.push(
        "SELECT p.id AS id, p.wave_id AS wave_id, g.name AS name, g.student_id AS student_id, \
         g.class_name AS class_name, p.status AS status, s.username AS owner, \
         p.next_follow_up AS next_follow_up \
         FROM assistance_plan p JOIN graduate g ON g.id = p.graduate_id \
         LEFT JOIN staff s ON s.id = p.owner_staff_id WHERE 1 = 1",
    );
}

/// The plans in the viewer's scope; `due_only` keeps those whose follow-up has come.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    due_only: bool,
    today: NaiveDate,
) -> Result<Vec<PlanRow>> {
    let mut sql = Sql::new(db.get_database_backend());
    plan_select(&mut sql);
    viewer.restrict(&mut sql);
    if due_only {
        sql.push(" AND p.status <> 'closed' AND p.next_follow_up <= ")
            .param(today);
    }
    sql.push(" ORDER BY CASE WHEN p.next_follow_up IS NULL THEN 1 ELSE 0 END, p.next_follow_up, g.class_name, g.name, p.id");
    db.query_all_raw(sql.statement())
        .await?
        .iter()
        .map(|r| plan_row(r, today))
        .collect()
}

/// A plan with its history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanCard {
    pub row: PlanRow,
    pub actions: String,
    /// Matched rules; empty unless the viewer may read answers.
    pub reasons: Vec<String>,
    /// Stated causes; empty unless the viewer may read answers.
    pub causes: Vec<String>,
    /// Whether reasons and causes were withheld from this viewer.
    pub answers_withheld: bool,
    pub follow_ups: Vec<FollowUp>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FollowUp {
    pub by: String,
    pub note: String,
    pub at: DateTime<Utc>,
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// One plan, if its graduate is in the viewer's scope (else `Forbidden`, as for unknown ids).
pub async fn card<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    plan_id: i32,
    today: NaiveDate,
) -> Result<PlanCard> {
    let mut sql = Sql::new(db.get_database_backend());
    plan_select(&mut sql);
    sql.push(" AND p.id = ").param(plan_id);
    viewer.restrict(&mut sql);
    let row = db
        .query_one_raw(sql.statement())
        .await?
        .ok_or(Error::Forbidden)?;
    let row = plan_row(&row, today)?;
    let plan = assistance_plan::Entity::find_by_id(plan_id)
        .one(db)
        .await?
        .ok_or(Error::Forbidden)?;
    let mut fsql = Sql::new(db.get_database_backend());
    fsql.push(
        "SELECT s.username AS by_user, f.note AS note, f.at AS at FROM plan_follow_up f \
         JOIN staff s ON s.id = f.staff_id WHERE f.plan_id = ",
    )
    .param(plan_id)
    .push(" ORDER BY f.at DESC, f.id DESC");
    let follow_ups = db
        .query_all_raw(fsql.statement())
        .await?
        .iter()
        .map(|r| {
            Ok(FollowUp {
                by: r.try_get("", "by_user")?,
                note: r.try_get("", "note")?,
                at: r.try_get("", "at")?,
            })
        })
        .collect::<Result<Vec<_>, sea_orm::DbErr>>()?;
    let sees = viewer.sees_answers();
    Ok(PlanCard {
        row,
        actions: plan.actions,
        reasons: if sees { strings(&plan.reasons) } else { vec![] },
        causes: if sees { strings(&plan.causes) } else { vec![] },
        answers_withheld: !sees,
        follow_ups,
    })
}

/// A change to a plan from its form.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct PlanUpdate {
    pub actions: String,
    /// A staff username, or empty for none.
    pub owner: String,
    pub status: PlanStatus,
    pub next_follow_up: Option<NaiveDate>,
    /// A follow-up done now (recorded when not empty).
    pub follow_up_note: String,
}

/// Longest text of actions or a follow-up note, in characters.
pub const MAX_PLAN_TEXT: usize = 4000;

/// Updates a plan in the viewer's scope. A bad owner or an over-long text is refused with the
/// reason, and nothing changes.
pub async fn update(
    db: &DatabaseConnection,
    viewer: &Viewer,
    plan_id: i32,
    change: &PlanUpdate,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<()> {
    // The scope check first: unknown or foreign plans are refused before anything is read.
    card(db, viewer, plan_id, today).await?;
    for text in [&change.actions, &change.follow_up_note] {
        if text.chars().count() > MAX_PLAN_TEXT {
            return Err(Error::Invalid(format!(
                "a text may have at most {MAX_PLAN_TEXT} characters"
            )));
        }
    }
    let owner = match change.owner.trim() {
        "" => None,
        name => Some(
            staff::Entity::find()
                .filter(staff::Column::Username.eq(name.to_ascii_lowercase()))
                .one(db)
                .await?
                .ok_or_else(|| Error::Invalid(format!("no staff member is called '{name}'")))?
                .id,
        ),
    };
    use sea_orm::TransactionTrait;
    let txn = db.begin().await?;
    assistance_plan::ActiveModel {
        id: Set(plan_id),
        actions: Set(change.actions.trim().to_string()),
        owner_staff_id: Set(owner),
        status: Set(change.status.as_str().to_string()),
        next_follow_up: Set(change.next_follow_up),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    let note = change.follow_up_note.trim();
    if !note.is_empty() {
        plan_follow_up::ActiveModel {
            plan_id: Set(plan_id),
            staff_id: Set(viewer.staff_id),
            note: Set(note.to_string()),
            at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    record_audit(
        &txn,
        &viewer.username,
        "plans.update",
        json!({"plan_id": plan_id, "status": change.status.as_str(), "follow_up": !note.is_empty()}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
