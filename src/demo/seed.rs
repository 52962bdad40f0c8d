//! Filling the demo database through the real code: rosters through the roster import, staff
//! passwords through `roster::staff`, waves through `wave::create` and `wave::invite`, and
//! responses through `respond::Session` — open, privacy notice, then one answer at a time, each
//! judged by the survey engine and saved by the response store, as the chat-bot would. Past
//! waves come first, so later stages can suggest and pipe earlier answers. Every choice comes
//! from an RNG seeded by who and what it is for, and people who already have a response are left
//! alone, so running it again adds nothing.
use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use rand::Rng;
use rand::rngs::StdRng;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use serde_json::json;

use super::answers::Respondent;
use super::people::{self, EmployerRow, GraduateRow, rng_for};
use crate::clock::{Clock, SCHOOL_TZ};
use crate::error::{Error, Result};
use crate::respond::{Outcome, Session};
use crate::roster::{self, RosterKind, read};
use crate::store::entities::{graduate, invitation, response, staff, wave};
use crate::store::responses::{self, Channel, Invitee};
use crate::survey::{Answers, Audience, Catalog, Stage};
use crate::wave::NewWave;

/// The password of every demo staff account.
pub const PASSWORD: &str = "demo-password";
/// Who the demo's writes are recorded as in the audit log.
const ACTOR: &str = "demo";

/// The demo's dates, from the clock: the newest cohort is the one whose June has passed.
#[derive(Debug, Clone, Copy)]
pub struct Timeline {
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
    /// Graduated this year (after June) or last year: surveyed at the graduation stage.
    pub newest_cohort: i32,
}

impl Timeline {
    pub fn from_clock(clock: &dyn Clock) -> Timeline {
        let now = clock.now();
        let today = clock.today();
        let newest_cohort = if today.month() >= 7 {
            today.year()
        } else {
            today.year() - 1
        };
        Timeline {
            now,
            today,
            newest_cohort,
        }
    }

    /// The cohort a stage surveys now: graduation the newest, year1 the one before, and so on.
    pub fn cohort(&self, stage: Stage) -> i32 {
        match stage {
            Stage::Graduation => self.newest_cohort,
            Stage::Year1 => self.newest_cohort - 1,
            Stage::Year3 => self.newest_cohort - 3,
            Stage::Year5 => self.newest_cohort - 5,
            // Employer waves are named by the survey year.
            Stage::Employer => self.today.year(),
        }
    }

    /// The graduate cohorts on the roster, newest first.
    pub fn cohorts(&self) -> [i32; 4] {
        [
            self.cohort(Stage::Graduation),
            self.cohort(Stage::Year1),
            self.cohort(Stage::Year3),
            self.cohort(Stage::Year5),
        ]
    }
}

/// Years after graduation at which a stage is surveyed.
fn years_after(stage: Stage) -> i32 {
    match stage {
        Stage::Graduation | Stage::Employer => 0,
        Stage::Year1 => 1,
        Stage::Year3 => 3,
        Stage::Year5 => 5,
    }
}

/// One wave the demo keeps: its stage, cohort and dates.
#[derive(Debug, Clone)]
struct WaveSpec {
    stage: Stage,
    cohort: i32,
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
    /// A closed wave of an earlier year, there for its answers.
    past: bool,
}

/// The waves, oldest first: earlier stages of today's year3 and year5 cohorts and the
/// graduation wave of today's year1 cohort (closed), then one open wave per stage.
fn wave_specs(t: &Timeline) -> Vec<WaveSpec> {
    let local = |y: i32, m: u32, d: u32, h: u32, min: u32| {
        SCHOOL_TZ
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(t.now)
    };
    let mut specs = Vec::new();
    for (stage_now, earlier) in [
        (
            Stage::Year5,
            &[Stage::Graduation, Stage::Year1, Stage::Year3][..],
        ),
        (Stage::Year3, &[Stage::Graduation, Stage::Year1][..]),
        (Stage::Year1, &[Stage::Graduation][..]),
    ] {
        let cohort = t.cohort(stage_now);
        for stage in earlier {
            let year = cohort + years_after(*stage);
            specs.push(WaveSpec {
                stage: *stage,
                cohort,
                opens_at: local(year, 9, 1, 9, 0),
                closes_at: local(year, 12, 31, 23, 59),
                past: true,
            });
        }
    }
    specs.sort_by_key(|s| s.opens_at);
    // Open two weeks ago at nine in the morning, close in two months at midnight.
    let on = |day: NaiveDate, h: u32, min: u32| local(day.year(), day.month(), day.day(), h, min);
    let opens_at = on(t.today - Duration::days(14), 9, 0).min(t.now);
    let closes_at = on(t.today + Duration::days(60), 23, 59);
    for stage in Stage::ALL {
        specs.push(WaveSpec {
            stage,
            cohort: t.cohort(stage),
            opens_at,
            closes_at,
            past: false,
        });
    }
    specs
}

/// What happens to one invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    /// Never opened the link.
    Untouched,
    /// Opened it and left at the privacy notice.
    Opened,
    /// Refused the privacy notice.
    Declined,
    /// Asked not to take part (half of them told a liaison on the phone without opening it).
    OptedOut { opened_first: bool },
    /// Answered, to the end or stopping after `stop_after` answers.
    Answered { stop_after: Option<usize> },
}

/// Response rates fall with the years since graduation.
fn response_rate(stage: Stage) -> f64 {
    match stage {
        Stage::Graduation => 0.72,
        Stage::Year1 => 0.6,
        Stage::Year3 => 0.5,
        Stage::Year5 => 0.42,
        Stage::Employer => 0.55,
    }
}

fn draw_fate(stage: Stage, rng: &mut StdRng) -> Fate {
    let rate = response_rate(stage);
    let x: f64 = rng.random();
    if x < rate {
        // About one in six stops part-way.
        let stop_after = rng.random_bool(0.15).then(|| rng.random_range(1..=5));
        Fate::Answered { stop_after }
    } else if x < rate + 0.04 {
        Fate::Opened
    } else if x < rate + 0.06 {
        Fate::Declined
    } else if x < rate + 0.08 {
        Fate::OptedOut {
            opened_first: rng.random_bool(0.5),
        }
    } else {
        Fate::Untouched
    }
}

/// The invitations printed for people to try, by what they show.
#[derive(Debug, Clone)]
pub struct Showcase {
    /// A graduate who has not opened the graduation survey.
    pub untouched: Option<(wave::Model, invitation::Model)>,
    /// A graduate half-way through year 1 (the employer from graduation is suggested).
    pub partial: Option<(wave::Model, invitation::Model)>,
    /// A graduate who completed year 3 (the year-1 employer is asked about by name).
    pub complete: Option<(wave::Model, invitation::Model)>,
    /// An employer who has not opened the satisfaction survey.
    pub employer: Option<(wave::Model, invitation::Model)>,
}

/// What seeding did and where things are.
#[derive(Debug, Clone)]
pub struct Seeded {
    pub timeline: Timeline,
    /// Graduates on the roster by cohort (as generated).
    pub graduates: BTreeMap<i32, usize>,
    pub employers: usize,
    /// Usernames of the demo staff, admin first.
    pub staff: Vec<people::StaffRow>,
    /// The open waves, one per stage in stage order.
    pub open_waves: Vec<wave::Model>,
    /// The closed waves of earlier years.
    pub past_waves: Vec<wave::Model>,
    /// Responses made by this run (0 when refreshing a complete demo).
    pub responses_created: usize,
    pub answers_saved: usize,
    /// Questions for which no answer the engine accepts could be made up, by survey and question
    /// (the response stays partial there). Empty for the shipped questionnaires.
    pub unanswerable: BTreeMap<(String, String), usize>,
    pub showcase: Showcase,
}

/// Fills `db` (migrated) with the demo: idempotent, deterministic for a given date.
pub async fn seed(db: &DatabaseConnection, catalog: &Catalog, clock: &dyn Clock) -> Result<Seeded> {
    let t = Timeline::from_clock(clock);
    let mut graduates_by_cohort = BTreeMap::new();
    let mut all_graduates: Vec<GraduateRow> = Vec::new();
    for cohort in t.cohorts() {
        let rows = people::graduates(cohort);
        graduates_by_cohort.insert(cohort, rows.len());
        all_graduates.extend(rows);
    }
    let employers = people::employers();
    let staff = people::staff(t.newest_cohort);
    import(
        db,
        RosterKind::Graduates,
        &people::graduates_csv(&all_graduates),
        t.now,
    )
    .await?;
    import(
        db,
        RosterKind::Employers,
        &people::employers_csv(&employers),
        t.now,
    )
    .await?;
    import(db, RosterKind::Staff, &people::staff_csv(&staff), t.now).await?;
    let started = std::time::Instant::now();
    set_passwords(db, &staff, t.now).await?;
    tracing::debug!(
        ms = started.elapsed().as_millis() as u64,
        "demo staff passwords set"
    );

    let showcase_ids = showcase_people(&t, &all_graduates);
    let mut run = Run {
        db,
        catalog,
        employers: &employers,
        showcase_ids: &showcase_ids,
        responses_created: 0,
        answers_saved: 0,
        unanswerable: BTreeMap::new(),
    };
    let mut open_waves = Vec::new();
    let mut past_waves = Vec::new();
    for spec in wave_specs(&t) {
        let Some(w) = ensure_wave(db, catalog, &spec, &t).await? else {
            continue;
        };
        let started = std::time::Instant::now();
        let before = run.answers_saved;
        run.fill(&w, &spec, &t).await?;
        tracing::debug!(
            wave = w.id,
            stage = %spec.stage,
            answers = run.answers_saved - before,
            ms = started.elapsed().as_millis() as u64,
            "demo wave filled"
        );
        if spec.past {
            past_waves.push(w);
        } else {
            open_waves.push(w);
        }
    }
    let showcase = find_showcase(db, &open_waves, &showcase_ids, &employers, &t).await?;
    crate::store::roster::record_audit(
        db,
        ACTOR,
        "demo.seed",
        json!({
            "waves": open_waves.len() + past_waves.len(),
            "responses_created": run.responses_created,
            "answers_saved": run.answers_saved,
        }),
        t.now,
    )
    .await?;
    tracing::info!(
        responses = run.responses_created,
        answers = run.answers_saved,
        "demo database seeded"
    );
    Ok(Seeded {
        timeline: t,
        graduates: graduates_by_cohort,
        employers: employers.len(),
        staff,
        open_waves,
        past_waves,
        responses_created: run.responses_created,
        answers_saved: run.answers_saved,
        unanswerable: run.unanswerable,
        showcase,
    })
}

/// Reads a generated roster file with the real reader and imports it; a rejected row means the
/// generator is wrong, so it is an error.
async fn import(
    db: &DatabaseConnection,
    kind: RosterKind,
    csv: &[u8],
    now: DateTime<Utc>,
) -> Result<()> {
    let table = read::read_bytes(csv, Some("csv"))?;
    let report = roster::import_table(db, kind, &table, ACTOR, now).await?;
    if let Some(first) = report.rejected.first() {
        return Err(Error::Other(format!(
            "the demo's {kind:?} roster has {} rejected row(s), first at line {}: {}",
            report.rejected.len(),
            first.line,
            first.problem
        )));
    }
    Ok(())
}

/// Gives every demo staff member without a password the demo password. Accounts that already
/// have one keep it (someone may have changed theirs on purpose). The password is public, so one
/// argon2 hash serves every account: hashing it per account cost a second on every fresh start.
async fn set_passwords(
    db: &DatabaseConnection,
    rows: &[people::StaffRow],
    now: DateTime<Utc>,
) -> Result<()> {
    let usernames: Vec<&str> = rows.iter().map(|s| s.username.as_str()).collect();
    let with_password: HashSet<String> = staff::Entity::find()
        .filter(staff::Column::Username.is_in(usernames))
        .filter(staff::Column::PasswordHash.is_not_null())
        .select_only()
        .column(staff::Column::Username)
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut hash = None;
    for row in rows.iter().filter(|s| !with_password.contains(&s.username)) {
        let scope = (!row.scope.is_empty()).then_some(row.scope.as_str());
        let email = format!("{}@example.edu.cn", row.username);
        let new = roster::staff::NewStaff::parse(
            &row.username,
            row.role,
            scope,
            Some(row.name.clone()),
            Some(&email),
        )?;
        let hash: &String = match &mut hash {
            Some(h) => h,
            None => hash.insert(roster::staff::hash_password(PASSWORD)?),
        };
        let stored_scope = new.scope.stored();
        let (id, created) = crate::store::roster::set_staff_password(
            db,
            crate::store::roster::StaffAccount {
                username: new.username.as_str(),
                name: new.name.as_deref(),
                role: new.scope.role().as_str(),
                scope: stored_scope.as_deref(),
                email: new.email.as_ref().map(|e| e.as_str()),
                password_hash: hash,
            },
            now,
        )
        .await?;
        crate::store::roster::record_audit(
            db,
            ACTOR,
            "staff.add",
            json!({ "staff_id": id, "role": new.scope.role().as_str(), "created": created }),
            now,
        )
        .await?;
    }
    Ok(())
}

/// Student ids of the graduates whose links are printed: the first computer-science bachelor of
/// the cohorts surveyed at graduation, year 1 and year 3.
fn showcase_people(t: &Timeline, rows: &[GraduateRow]) -> HashMap<i32, String> {
    [Stage::Graduation, Stage::Year1, Stage::Year3]
        .into_iter()
        .filter_map(|stage| {
            let cohort = t.cohort(stage);
            rows.iter()
                .filter(|g| {
                    g.graduation_date.year() == cohort
                        && g.major == "计算机科学与技术"
                        && g.degree == people::Degree::Bachelor
                })
                .map(|g| g.student_id.clone())
                .min()
                .map(|id| (cohort, id))
        })
        .collect()
}

/// The wave of a spec: found (and, when open, kept open), or created; `None` when the
/// catalog has no survey for the stage.
async fn ensure_wave(
    db: &DatabaseConnection,
    catalog: &Catalog,
    spec: &WaveSpec,
    t: &Timeline,
) -> Result<Option<wave::Model>> {
    let Some(survey) = catalog.survey_for_stage(spec.stage) else {
        tracing::warn!(stage = %spec.stage, "no survey for this stage; the demo skips its wave");
        return Ok(None);
    };
    let existing = wave::Entity::find()
        .filter(wave::Column::SurveyId.eq(survey.id.as_str()))
        .filter(wave::Column::Stage.eq(spec.stage.as_str()))
        .filter(wave::Column::CohortYear.eq(spec.cohort))
        .order_by_desc(wave::Column::Id)
        .one(db)
        .await?;
    // Past waves were created, and their cohort invited, when they opened.
    let when = if spec.past { spec.opens_at } else { t.now };
    let w = match existing {
        Some(w) if !spec.past && w.closes_at.is_some_and(|c| c < t.now + Duration::days(14)) => {
            // A refresh weeks later: keep the open waves open so the printed links work.
            let mut m = w.into_active_model();
            m.closes_at = Set(Some(spec.closes_at));
            sea_orm::ActiveModelTrait::update(m, db).await?
        }
        Some(w) => w,
        None => {
            crate::wave::create(
                db,
                NewWave {
                    survey,
                    cohort_year: spec.cohort,
                    opens_at: spec.opens_at,
                    closes_at: Some(spec.closes_at),
                    plan: Default::default(),
                },
                when,
            )
            .await?
        }
    };
    crate::wave::invite::invite(db, w.id, when).await?;
    Ok(Some(w))
}

/// One seeding run's shared state and tallies.
struct Run<'a> {
    db: &'a DatabaseConnection,
    catalog: &'a Catalog,
    employers: &'a [EmployerRow],
    /// Showcase student id by cohort.
    showcase_ids: &'a HashMap<i32, String>,
    responses_created: usize,
    answers_saved: usize,
    unanswerable: BTreeMap<(String, String), usize>,
}

impl Run<'_> {
    /// Gives every invitation of a wave without a response its fate, in one transaction.
    async fn fill(&mut self, w: &wave::Model, spec: &WaveSpec, t: &Timeline) -> Result<()> {
        let invitations = invitation::Entity::find()
            .filter(invitation::Column::WaveId.eq(w.id))
            .order_by_asc(invitation::Column::Id)
            .all(self.db)
            .await?;
        let mut answered: HashSet<i32> = HashSet::new();
        for chunk in invitations.chunks(500) {
            let ids: Vec<i32> = chunk.iter().map(|i| i.id).collect();
            let found: Vec<i32> = response::Entity::find()
                .filter(response::Column::InvitationId.is_in(ids))
                .select_only()
                .column(response::Column::InvitationId)
                .into_tuple()
                .all(self.db)
                .await?;
            answered.extend(found);
        }
        let audience = crate::wave::audience(w);
        let keys = crate::wave::invite::person_keys(self.db, audience, &invitations).await?;
        let on_wechat: HashSet<i32> = match audience {
            Audience::Graduate => graduate::Entity::find()
                .filter(graduate::Column::GraduationYear.eq(w.cohort_year))
                .filter(graduate::Column::WechatOpenid.is_not_null())
                .select_only()
                .column(graduate::Column::Id)
                .into_tuple::<i32>()
                .all(self.db)
                .await?
                .into_iter()
                .collect(),
            Audience::Employer => HashSet::new(),
        };
        let showcase = match audience {
            Audience::Graduate => self.showcase_ids.get(&w.cohort_year).map(String::as_str),
            Audience::Employer => self.employers.first().map(|e| e.uscc.as_str()),
        };
        // Answers are given between the opening and now (or the close, for past waves).
        let until = spec.closes_at.min(t.now) - Duration::hours(2);
        let window = (until - spec.opens_at).num_seconds().max(60);

        let txn = self.db.begin().await?;
        for inv in invitations
            .into_iter()
            .filter(|i| !answered.contains(&i.id))
        {
            let key = keys.get(&inv.id).cloned().unwrap_or_default();
            let mut rng = rng_for(&format!("{}:{}:{key}", w.survey_id, w.cohort_year));
            let showcased = showcase == Some(key.as_str());
            let (fate, force_destination) = match (showcased, spec.stage, spec.past) {
                (true, Stage::Graduation | Stage::Employer, false) => (Fate::Untouched, None),
                (true, Stage::Year1, false) => (
                    Fate::Answered {
                        stop_after: Some(2),
                    },
                    Some("employed"),
                ),
                (true, _, _) => (Fate::Answered { stop_after: None }, Some("employed")),
                (false, stage, _) => (draw_fate(stage, &mut rng), None),
            };
            if fate == Fate::Untouched {
                continue;
            }
            let at = spec.opens_at + Duration::seconds(rng.random_range(0..window));
            let channel = match inv.graduate_id {
                Some(g) if !showcased && on_wechat.contains(&g) && rng.random_bool(0.35) => {
                    Channel::Wechat
                }
                _ => Channel::Web,
            };
            self.act(&txn, w, inv, fate, force_destination, channel, at, rng)
                .await?;
        }
        txn.commit().await?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn act(
        &mut self,
        txn: &sea_orm::DatabaseTransaction,
        w: &wave::Model,
        inv: invitation::Model,
        fate: Fate,
        force_destination: Option<&'static str>,
        channel: Channel,
        at: DateTime<Utc>,
        rng: StdRng,
    ) -> Result<()> {
        let today = at.with_timezone(&SCHOOL_TZ).date_naive();
        self.responses_created += 1;
        let invitation_id = inv.id;
        match fate {
            Fate::Untouched => {}
            Fate::OptedOut { opened_first } => {
                if opened_first {
                    responses::open(txn, invitation_id, channel, at).await?;
                }
                let by = if opened_first {
                    channel
                } else {
                    Channel::Staff
                };
                responses::opt_out(txn, invitation_id, by, at + Duration::minutes(3)).await?;
            }
            Fate::Opened | Fate::Declined | Fate::Answered { .. } => {
                let invitee = Invitee {
                    invitation: inv,
                    wave: w.clone(),
                    response: None,
                    graduate: None,
                    others: None,
                };
                let mut session =
                    Session::open(txn, self.catalog, invitee, channel, at, today).await?;
                match fate {
                    Fate::Declined => {
                        session
                            .consent(txn, false, channel, at + Duration::seconds(40))
                            .await?
                    }
                    Fate::Answered { stop_after } => {
                        session
                            .consent(txn, true, channel, at + Duration::seconds(40))
                            .await?;
                        let stage = session.survey.stage;
                        let mut respondent =
                            Respondent::new(rng, stage, self.employers, force_destination);
                        let mut progress = Progress {
                            given: 0,
                            stop_after,
                            at: at + Duration::seconds(60),
                        };
                        // The web form sends whole pages; the chat-bot one answer at a time.
                        if channel == Channel::Web {
                            self.answer_by_page(txn, &mut session, &mut respondent, &mut progress)
                                .await?;
                        }
                        self.answer_one_by_one(
                            txn,
                            &mut session,
                            &mut respondent,
                            &mut progress,
                            channel,
                        )
                        .await?;
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }

    /// The web form's way: the page the engine is at, every question shown on it answered
    /// (questions the page's own answers reveal included), submitted together. Stops at the
    /// first page the engine refuses, leaving the rest to `answer_one_by_one`.
    async fn answer_by_page(
        &mut self,
        txn: &sea_orm::DatabaseTransaction,
        session: &mut Session,
        respondent: &mut Respondent<'_>,
        progress: &mut Progress,
    ) -> Result<()> {
        let catalog = self.catalog;
        while !progress.done() {
            let (page_id, page_answers) = {
                let engine = session.engine(catalog);
                let (ctx, answers) = (&session.context, &session.answers);
                let Some(index) = engine.current_page(ctx, answers) else {
                    break;
                };
                let Some(page) = engine.visible_pages(ctx, answers).get(index).copied() else {
                    break;
                };
                let mut merged = answers.clone();
                let mut page_answers = Answers::new();
                for q in &page.questions {
                    if !engine.is_visible(q, ctx, &merged) {
                        continue;
                    }
                    let a = respondent.answer(&engine, q, ctx, &merged);
                    merged.insert(q.id.clone(), a.clone());
                    page_answers.insert(q.id.clone(), a);
                }
                (page.id.clone(), page_answers)
            };
            let n = page_answers.len();
            let revision = session.response.revision;
            let outcome = session
                .submit_page(
                    txn,
                    catalog,
                    &page_id,
                    page_answers,
                    revision,
                    Channel::Web,
                    progress.at,
                )
                .await?;
            match outcome {
                Outcome::Saved => {
                    progress.given += n;
                    self.answers_saved += n;
                    for _ in 0..n {
                        progress.at += Duration::seconds(respondent.think_seconds());
                    }
                }
                Outcome::Invalid(_) => break,
            }
        }
        Ok(())
    }

    /// The chat-bot's way: the question the engine asks next, one at a time, until the survey
    /// is complete (or enough answers were given). An answer the engine refuses is made again,
    /// then made up from the question's bounds alone; if even that fails the respondent stops.
    async fn answer_one_by_one(
        &mut self,
        txn: &sea_orm::DatabaseTransaction,
        session: &mut Session,
        respondent: &mut Respondent<'_>,
        progress: &mut Progress,
        channel: Channel,
    ) -> Result<()> {
        let catalog = self.catalog;
        while !progress.done() {
            let question = {
                let engine = session.engine(catalog);
                match engine.next_unanswered(&session.context, &session.answers) {
                    Some(q) => q.clone(),
                    None => break,
                }
            };
            let mut saved = false;
            for attempt in 0..4 {
                let answer = {
                    let engine = session.engine(catalog);
                    if attempt < 2 {
                        respondent.answer(&engine, &question, &session.context, &session.answers)
                    } else {
                        respondent.any_valid(&engine, &question, &session.context)
                    }
                };
                match session
                    .answer(txn, catalog, &question.id, answer, channel, progress.at)
                    .await?
                {
                    Outcome::Saved => {
                        saved = true;
                        break;
                    }
                    Outcome::Invalid(_) => {}
                }
            }
            if !saved {
                *self
                    .unanswerable
                    .entry((session.survey.id.clone(), question.id.clone()))
                    .or_insert(0) += 1;
                break;
            }
            progress.given += 1;
            self.answers_saved += 1;
            progress.at += Duration::seconds(respondent.think_seconds());
        }
        Ok(())
    }
}

/// How far one respondent has got.
struct Progress {
    given: usize,
    /// Stop (partial) once this many answers are given; a page is never cut in two.
    stop_after: Option<usize>,
    /// The time of the next step.
    at: DateTime<Utc>,
}

impl Progress {
    fn done(&self) -> bool {
        self.stop_after.is_some_and(|n| self.given >= n)
    }
}

/// The invitations whose links are printed.
async fn find_showcase(
    db: &DatabaseConnection,
    open_waves: &[wave::Model],
    showcase_ids: &HashMap<i32, String>,
    employers: &[EmployerRow],
    t: &Timeline,
) -> Result<Showcase> {
    let wave_of = |stage: Stage| open_waves.iter().find(|w| w.stage == stage.as_str());
    let graduate_invitation = |stage: Stage| async move {
        let Some(w) = wave_of(stage) else {
            return Ok::<_, Error>(None);
        };
        let Some(student_id) = showcase_ids.get(&t.cohort(stage)) else {
            return Ok(None);
        };
        let Some(g) = graduate::Entity::find()
            .filter(graduate::Column::StudentId.eq(student_id.as_str()))
            .one(db)
            .await?
        else {
            return Ok(None);
        };
        let inv = invitation::Entity::find()
            .filter(invitation::Column::WaveId.eq(w.id))
            .filter(invitation::Column::GraduateId.eq(g.id))
            .one(db)
            .await?;
        Ok(inv.map(|i| (w.clone(), i)))
    };
    let employer = match (wave_of(Stage::Employer), employers.first()) {
        (Some(w), Some(first)) => {
            let e = crate::store::entities::employer::Entity::find()
                .filter(crate::store::entities::employer::Column::Uscc.eq(first.uscc.as_str()))
                .one(db)
                .await?;
            match e {
                Some(e) => invitation::Entity::find()
                    .filter(invitation::Column::WaveId.eq(w.id))
                    .filter(invitation::Column::EmployerId.eq(e.id))
                    .one(db)
                    .await?
                    .map(|i| (w.clone(), i)),
                None => None,
            }
        }
        _ => None,
    };
    Ok(Showcase {
        untouched: graduate_invitation(Stage::Graduation).await?,
        partial: graduate_invitation(Stage::Year1).await?,
        complete: graduate_invitation(Stage::Year3).await?,
        employer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 2, 0, 0).single().unwrap()
    }

    #[test]
    fn the_newest_cohort_is_the_one_whose_june_has_passed() {
        let clock = crate::clock::ManualClock::at(at(2025, 9, 1));
        let t = Timeline::from_clock(&clock);
        assert_eq!(t.cohorts(), [2025, 2024, 2022, 2020]);
        assert_eq!(t.cohort(Stage::Employer), 2025);
        let clock = crate::clock::ManualClock::at(at(2026, 3, 1));
        assert_eq!(Timeline::from_clock(&clock).newest_cohort, 2025);
    }

    #[test]
    fn past_waves_come_first_and_are_all_closed() {
        let clock = crate::clock::ManualClock::at(at(2025, 9, 1));
        let t = Timeline::from_clock(&clock);
        let specs = wave_specs(&t);
        assert_eq!(specs.iter().filter(|s| !s.past).count(), 5);
        let past: Vec<&WaveSpec> = specs.iter().filter(|s| s.past).collect();
        assert_eq!(past.len(), 6);
        assert!(past.iter().all(|s| s.closes_at < t.now));
        assert!(specs.windows(2).all(|w| w[0].past >= w[1].past));
        // year1 answers of the 2022 cohort were given in 2023.
        assert!(
            past.iter()
                .any(|s| s.stage == Stage::Year1 && s.cohort == 2022 && s.opens_at.year() == 2023)
        );
    }

    #[test]
    fn fates_follow_the_response_rate() {
        let mut rng = rng_for("fates");
        let fates: Vec<Fate> = (0..5000)
            .map(|_| draw_fate(Stage::Year1, &mut rng))
            .collect();
        let share = |f: &dyn Fn(&Fate) -> bool| {
            fates.iter().filter(|x| f(x)).count() as f64 / fates.len() as f64
        };
        let answered = share(&|f| matches!(f, Fate::Answered { .. }));
        assert!((0.57..0.63).contains(&answered), "{answered}");
        let partial = share(&|f| {
            matches!(
                f,
                Fate::Answered {
                    stop_after: Some(_)
                }
            )
        });
        assert!((0.07..0.11).contains(&partial), "{partial}");
        assert!(share(&|f| *f == Fate::Declined) > 0.01);
        assert!(share(&|f| matches!(f, Fate::OptedOut { .. })) > 0.01);
    }
}
