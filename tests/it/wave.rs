//! Waves, invitations (tokens and codes), the attempt limiter, the response store, the survey
//! version guard and the responses export, on SQLite and PostgreSQL.
use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use gradtrace::Error;
use gradtrace::store::entities::{
    audit_event, consent_event, employer, graduate, invitation, response, survey_version, wave,
};
use gradtrace::store::responses::{self, Channel, Status};
use gradtrace::survey::{Answer, Answers, Catalog, Survey};
use gradtrace::wave::code::{self, Code};
use gradtrace::wave::export::{self, Format};
use gradtrace::wave::invite;
use gradtrace::wave::limit::{AttemptLimiter, MemoryLimiter, RedisLimiter};
use gradtrace::wave::plan::ReminderPlan;
use gradtrace::wave::token::{self, Claims, TokenKeys};
use gradtrace::wave::{self as waves, NewWave};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    Set,
};

const SECRET: &str = "wave-tests-secret-0123456789abcdefghij";
const BASE: &str = "https://survey.example.edu";

fn keys() -> TokenKeys {
    TokenKeys::from_secret(SECRET).unwrap()
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wave")
}

fn catalog() -> Catalog {
    Catalog::load(&fixtures()).unwrap_or_else(|e| panic!("fixture surveys: {e}"))
}

fn survey(id: &str) -> Survey {
    catalog().survey(id).expect("fixture survey").clone()
}

/// 1 July 2025, 10:00 in Shanghai: the moment most stories happen at.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 7, 1, 2, 0, 0).unwrap()
}

fn graduate_row(student_id: &str, year: i32) -> graduate::ActiveModel {
    let t = now();
    graduate::ActiveModel {
        student_id: Set(student_id.to_string()),
        name: Set(format!("学生{student_id}")),
        degree_level: Set("bachelor".into()),
        department: Set("计算机学院".into()),
        major: Set("软件工程".into()),
        class_name: Set("软工2101".into()),
        graduation_date: Set(NaiveDate::from_ymd_opt(year, 6, 30).unwrap()),
        graduation_year: Set(year),
        attributes: Set(serde_json::json!({})),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
}

/// Graduates `{year}{00001…}` of one cohort, inserted in batches.
async fn add_graduates(db: &DatabaseConnection, year: i32, from: usize, count: usize) {
    let rows: Vec<_> = (from..from + count)
        .map(|i| graduate_row(&format!("{year}{i:05}"), year))
        .collect();
    for chunk in rows.chunks(500) {
        graduate::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await
            .expect("insert graduates");
    }
}

async fn add_employer(db: &DatabaseConnection, uscc: &str) -> employer::Model {
    let t = now();
    employer::ActiveModel {
        uscc: Set(uscc.to_string()),
        name: Set("深圳某科技有限公司".into()),
        employer_type: Set("private".into()),
        industry: Set("i".into()),
        province: Set("44".into()),
        city: Set("4403".into()),
        attributes: Set(serde_json::json!({})),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert employer")
}

/// A wave of a fixture survey, open 20 June – 31 August 2025 (Shanghai).
async fn new_wave(db: &DatabaseConnection, survey_id: &str, cohort: i32) -> wave::Model {
    let s = survey(survey_id);
    let tz = chrono_tz::Asia::Shanghai;
    waves::create(
        db,
        NewWave {
            survey: &s,
            cohort_year: cohort,
            opens_at: waves::start_of_day(NaiveDate::from_ymd_opt(2025, 6, 20).unwrap(), tz)
                .unwrap(),
            closes_at: Some(
                waves::end_of_day(NaiveDate::from_ymd_opt(2025, 8, 31).unwrap(), tz).unwrap(),
            ),
            plan: ReminderPlan::default(),
        },
        now(),
    )
    .await
    .expect("create wave")
}

async fn invitations(db: &DatabaseConnection, wave_id: i32) -> Vec<invitation::Model> {
    invitation::Entity::find()
        .filter(invitation::Column::WaveId.eq(wave_id))
        .all(db)
        .await
        .unwrap()
}

async fn invitation_of(
    db: &DatabaseConnection,
    wave_id: i32,
    student_id: &str,
) -> invitation::Model {
    let g = graduate::Entity::find()
        .filter(graduate::Column::StudentId.eq(student_id))
        .one(db)
        .await
        .unwrap()
        .expect("graduate");
    invitation::Entity::find()
        .filter(invitation::Column::WaveId.eq(wave_id))
        .filter(invitation::Column::GraduateId.eq(g.id))
        .one(db)
        .await
        .unwrap()
        .expect("invitation")
}

/// A wave of 2025 graduates `202500001..=n`, everyone invited.
async fn invited_cohort(db: &DatabaseConnection, n: usize) -> wave::Model {
    add_graduates(db, 2025, 1, n).await;
    let w = new_wave(db, "wgrad", 2025).await;
    invite::invite(db, w.id, now()).await.expect("invite");
    w
}

fn limiter() -> MemoryLimiter {
    MemoryLimiter::new(10, StdDuration::from_secs(900)).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Tokens

storage_test! {
    async fn a_link_token_opens_only_its_own_invitation(t) {
        let db = &t.db;
        let w = invited_cohort(db, 2).await;
        let other_wave = new_wave(db, "wgrad", 2025).await;
        let inv = invitation_of(db, w.id, "202500001").await;
        let keys = keys();

        // Valid: resolves to the invitation, and the same invitation always gets the same token.
        let tok = token::issue(&keys, &w, &inv).unwrap();
        assert_eq!(tok, token::issue(&keys, &w, &inv).unwrap());
        let (found, found_wave) = token::resolve(db, &keys, &tok, now()).await.unwrap();
        assert_eq!((found.id, found_wave.id), (inv.id, w.id));

        // Forged: signed with another key, or the payload edited after signing.
        let forger = TokenKeys::from_secret("someone-else-entirely-0123456789abcdef").unwrap();
        let forged = token::issue(&forger, &w, &inv).unwrap();
        assert!(matches!(token::resolve(db, &keys, &forged, now()).await, Err(Error::Unauthorized)));
        let other_inv = invitation_of(db, w.id, "202500002").await;
        let theirs = token::issue(&keys, &w, &other_inv).unwrap();
        let spliced = {
            let mine: Vec<&str> = tok.split('.').collect();
            let their: Vec<&str> = theirs.split('.').collect();
            format!("{}.{}.{}", mine[0], their[1], mine[2])
        };
        assert!(matches!(token::resolve(db, &keys, &spliced, now()).await, Err(Error::Unauthorized)));

        // Expired: past the wave's close + 30 days.
        let late = waves::access_until(&w) + Duration::seconds(1);
        assert!(matches!(token::resolve(db, &keys, &tok, late).await, Err(Error::LinkExpired)));
        let just_in_time = waves::access_until(&w) - Duration::seconds(1);
        assert!(token::resolve(db, &keys, &tok, just_in_time).await.is_ok());

        // Moved: a correctly signed token naming another wave for this wave's invitation.
        let moved = token::sign(&keys, &Claims {
            w: other_wave.id,
            i: inv.id,
            aud: "graduate".into(),
            exp: waves::access_until(&other_wave).timestamp(),
        }).unwrap();
        assert!(matches!(token::resolve(db, &keys, &moved, now()).await, Err(Error::Unauthorized)));

        // The wrong audience for the invitation.
        let as_employer = token::sign(&keys, &Claims {
            w: w.id,
            i: inv.id,
            aud: "employer".into(),
            exp: waves::access_until(&w).timestamp(),
        }).unwrap();
        assert!(matches!(token::resolve(db, &keys, &as_employer, now()).await, Err(Error::Unauthorized)));

        // Garbage.
        for junk in ["", "abc", "a.b.c", "eyJhbGciOiJub25lIn0.eyJ3IjoxfQ.", &tok[..tok.len() - 3]] {
            assert!(
                matches!(token::resolve(db, &keys, junk, now()).await, Err(Error::Unauthorized)),
                "{junk:?} must be refused"
            );
        }
    }
}

#[test]
fn a_short_secret_is_refused() {
    let err = TokenKeys::from_secret("too-short").unwrap_err().to_string();
    assert!(err.contains("at least 32"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Codes

storage_test! {
    async fn ten_thousand_invitations_get_ten_thousand_distinct_readable_codes(t) {
        let db = &t.db;
        let w = invited_cohort(db, 10_000).await;
        let codes: Vec<String> = invitations(db, w.id).await.into_iter().map(|i| i.code).collect();
        assert_eq!(codes.len(), 10_000);
        let distinct: HashSet<&String> = codes.iter().collect();
        assert_eq!(distinct.len(), 10_000, "codes must be unique");
        for c in &codes {
            assert_eq!(c.len(), code::LEN, "{c}");
            assert!(c.bytes().all(|b| code::ALPHABET.contains(&b)), "{c}");
            assert_eq!(Code::parse(c).unwrap().as_str(), c);
        }
    }
}

storage_test! {
    async fn a_typed_code_is_found_in_any_case_with_or_without_the_dash(t) {
        let db = &t.db;
        let w = invited_cohort(db, 1).await;
        let inv = invitation_of(db, w.id, "202500001").await;
        let shown = Code::parse(&inv.code).unwrap().to_string();
        let lim = limiter();
        for typed in [shown.clone(), shown.to_lowercase(), shown.replace('-', " "), inv.code.clone()] {
            let found = responses::find_by_code(db, &lim, "wx:user1", &typed, now()).await.unwrap();
            assert_eq!(found.invitation.id, inv.id, "{typed}");
            assert_eq!(found.wave.id, w.id);
            assert!(found.response.is_none());
        }
        // After the wave's access deadline the code no longer works.
        let late = waves::access_until(&w) + Duration::days(1);
        assert!(matches!(
            responses::find_by_code(db, &lim, "wx:user1", &shown, late).await,
            Err(Error::LinkExpired)
        ));
    }
}

storage_test! {
    async fn guessing_codes_locks_the_guesser_out_but_not_others(t) {
        let db = &t.db;
        let w = invited_cohort(db, 1).await;
        let real = invitation_of(db, w.id, "202500001").await.code;
        let lim = limiter();
        let mut wrong = 0;
        while wrong < 10 {
            let guess = Code::random();
            if guess.as_str() == real {
                continue;
            }
            let r = responses::find_by_code(db, &lim, "wx:guesser", guess.as_str(), now()).await;
            assert!(matches!(r, Err(Error::NotFound(_))), "{r:?}");
            wrong += 1;
        }
        // Even the right code is refused now: the lock is on the guesser, not on the code.
        let r = responses::find_by_code(db, &lim, "wx:guesser", &real, now()).await;
        match r {
            Err(Error::TooManyAttempts { retry_after }) => {
                assert!(retry_after > StdDuration::ZERO && retry_after <= StdDuration::from_secs(900));
            }
            other => panic!("expected a lock, got {other:?}"),
        }
        // Someone else is not affected.
        assert!(responses::find_by_code(db, &lim, "wx:owner", &real, now()).await.is_ok());
        // Malformed codes count as failures too.
        let r = responses::find_by_code(db, &lim, "wx:typo", "ABCD-EF0H", now()).await;
        assert!(matches!(r, Err(Error::Invalid(_))));
    }
}

// ---------------------------------------------------------------------------------------------
// Limiter

#[tokio::test]
async fn memory_limiter_locks_after_ten_failures_and_lets_one_more_try_per_refill() {
    let clock = governor::clock::FakeRelativeClock::default();
    let lim = MemoryLimiter::with_clock(10, StdDuration::from_secs(900), clock.clone()).unwrap();
    for i in 0..10 {
        lim.check("ip:1")
            .await
            .unwrap_or_else(|e| panic!("try {i}: {e}"));
        lim.record_failure("ip:1").await.unwrap();
    }
    let Err(Error::TooManyAttempts { retry_after }) = lim.check("ip:1").await else {
        panic!("ten failures must lock the key");
    };
    // 10 per 15 minutes refill one every 90 s.
    assert!(retry_after <= StdDuration::from_secs(90), "{retry_after:?}");
    assert!(lim.check("ip:2").await.is_ok(), "keys are independent");
    clock.advance(StdDuration::from_secs(89));
    assert!(lim.check("ip:1").await.is_err());
    clock.advance(StdDuration::from_secs(1));
    assert!(
        lim.check("ip:1").await.is_ok(),
        "one try is back after 90 s"
    );
    lim.record_failure("ip:1").await.unwrap();
    assert!(
        lim.check("ip:1").await.is_err(),
        "and a failure spends it again"
    );
    // A whole quiet window later, the full allowance is back.
    clock.advance(StdDuration::from_secs(900));
    for _ in 0..10 {
        lim.check("ip:1").await.unwrap();
        lim.record_failure("ip:1").await.unwrap();
    }
    assert!(lim.check("ip:1").await.is_err());
}

async fn redis_limiter(max: u32, window: StdDuration) -> (RedisLimiter, String) {
    let url = std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let prefix = format!("gradtrace-test-{}", uuid::Uuid::new_v4().simple());
    let lim = RedisLimiter::connect(&url, &prefix, max, window)
        .await
        .expect("redis");
    (lim, prefix)
}

#[tokio::test]
async fn redis_limiter_locks_after_the_limit_and_resets_after_the_window() {
    let (lim, prefix) = redis_limiter(3, StdDuration::from_millis(700)).await;
    for _ in 0..3 {
        lim.check("bot:42").await.unwrap();
        lim.record_failure("bot:42").await.unwrap();
    }
    let Err(Error::TooManyAttempts { retry_after }) = lim.check("bot:42").await else {
        panic!("three failures must lock the key");
    };
    assert!(retry_after <= StdDuration::from_millis(700));
    assert!(lim.check("bot:43").await.is_ok());
    // The key is a digest under the prefix: no messenger id in Redis.
    let k = lim.redis_key("bot:42");
    assert!(
        k.starts_with(&format!("{prefix}:limit:")) && !k.contains("bot:42"),
        "{k}"
    );
    tokio::time::sleep(StdDuration::from_millis(800)).await;
    assert!(lim.check("bot:42").await.is_ok(), "the window has passed");
}

#[tokio::test]
async fn two_instances_share_the_redis_count() {
    let (a, prefix) = redis_limiter(4, StdDuration::from_secs(30)).await;
    let url = std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let b = RedisLimiter::connect(&url, &prefix, 4, StdDuration::from_secs(30))
        .await
        .unwrap();
    a.record_failure("ip:9").await.unwrap();
    b.record_failure("ip:9").await.unwrap();
    a.record_failure("ip:9").await.unwrap();
    assert!(b.check("ip:9").await.is_ok());
    b.record_failure("ip:9").await.unwrap();
    assert!(matches!(
        a.check("ip:9").await,
        Err(Error::TooManyAttempts { .. })
    ));
}

// ---------------------------------------------------------------------------------------------
// Waves and invitations

storage_test! {
    async fn inviting_covers_the_cohort_once_and_rerunning_adds_only_newcomers(t) {
        let db = &t.db;
        add_graduates(db, 2025, 1, 3).await;
        add_graduates(db, 2024, 1, 2).await;
        let w = new_wave(db, "wgrad", 2025).await;
        assert_eq!(w.stage, "graduation");
        let first = invite::invite(db, w.id, now()).await.unwrap();
        assert_eq!((first.created, first.already), (3, 0));
        let again = invite::invite(db, w.id, now()).await.unwrap();
        assert_eq!((again.created, again.already), (0, 3));
        add_graduates(db, 2025, 4, 1).await;
        let later = invite::invite(db, w.id, now()).await.unwrap();
        assert_eq!((later.created, later.already), (1, 3));
        let invs = invitations(db, w.id).await;
        assert_eq!(invs.len(), 4);
        let people: HashSet<Option<i32>> = invs.iter().map(|i| i.graduate_id).collect();
        assert_eq!(people.len(), 4, "one invitation per person");
        // Nobody of the 2024 cohort.
        for inv in &invs {
            let g = graduate::Entity::find_by_id(inv.graduate_id.unwrap()).one(db).await.unwrap().unwrap();
            assert_eq!(g.graduation_year, 2025);
        }
        assert!(matches!(invite::invite(db, 9999, now()).await, Err(Error::NotFound(_))));
    }
}

storage_test! {
    async fn an_employer_wave_invites_every_employer_keyed_by_uscc(t) {
        let db = &t.db;
        add_graduates(db, 2025, 1, 2).await;
        add_employer(db, "91440300MA5EXAMPL1").await;
        add_employer(db, "91440300MA5EXAMPL2").await;
        let w = new_wave(db, "wemployer", 2025).await;
        assert_eq!(w.stage, "employer");
        let r = invite::invite(db, w.id, now()).await.unwrap();
        assert_eq!(r.created, 2);
        let invs = invitations(db, w.id).await;
        assert!(invs.iter().all(|i| i.employer_id.is_some() && i.graduate_id.is_none()));
        let links = invite::links(db, &keys(), BASE, w.id).await.unwrap();
        let mut csv = Vec::new();
        invite::write_links_csv(&mut csv, waves::audience(&w), &links).unwrap();
        let csv = String::from_utf8(csv).unwrap();
        assert!(csv.starts_with("uscc,link,code\n91440300MA5EXAMPL1,"), "{csv}");
        // An employer's token opens the employer's invitation.
        let tok = links[0].link.rsplit('/').next().unwrap();
        let (inv, _) = token::resolve(db, &keys(), tok, now()).await.unwrap();
        assert_eq!(inv.id, links[0].invitation_id);
    }
}

storage_test! {
    async fn links_csv_gives_each_graduate_a_working_link_and_code(t) {
        let db = &t.db;
        let w = invited_cohort(db, 3).await;
        let rows = invite::links(db, &keys(), "https://survey.example.edu/", w.id).await.unwrap();
        let mut buf = Vec::new();
        invite::write_links_csv(&mut buf, waves::audience(&w), &rows).unwrap();
        let text = String::from_utf8(buf).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(reader.headers().unwrap(), vec!["student_id", "link", "code"]);
        let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        assert_eq!(records.len(), 3);
        assert_eq!(&records[0][0], "202500001");
        for rec in &records {
            let link = &rec[1];
            let token = link.strip_prefix("https://survey.example.edu/s/").expect(link);
            let (inv, _) = token::resolve(db, &keys(), token, now()).await.unwrap();
            assert_eq!(inv.id, invitation_of(db, w.id, &rec[0]).await.id);
            assert_eq!(&rec[2][4..5], "-", "codes print as ABCD-EFGH");
            assert_eq!(Code::parse(&rec[2]).unwrap().as_str(), inv.code);
        }
    }
}

storage_test! {
    async fn wave_list_counts_invitations_and_responses_by_status(t) {
        let db = &t.db;
        let w = invited_cohort(db, 3).await;
        let other = new_wave(db, "wgrad", 2024).await;
        let a = invitation_of(db, w.id, "202500001").await;
        let b = invitation_of(db, w.id, "202500002").await;
        responses::open(db, a.id, Channel::Web, now()).await.unwrap();
        responses::opt_out(db, b.id, Channel::Wechat, now()).await.unwrap();
        let list = waves::list(db).await.unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].wave.id, other.id, "newest first");
        assert_eq!(list[0].invited, 0);
        let s = &list[1];
        assert_eq!((s.invited, s.count("opened"), s.count("opted_out"), s.count("complete")), (3, 1, 1, 0));
    }
}

storage_test! {
    async fn a_wave_must_close_after_it_opens_and_match_its_audience(t) {
        let db = &t.db;
        let s = survey("wgrad");
        let r = waves::create(db, NewWave {
            survey: &s,
            cohort_year: 2025,
            opens_at: now(),
            closes_at: Some(now() - Duration::days(1)),
            plan: ReminderPlan::default(),
        }, now()).await;
        assert!(matches!(r, Err(Error::Invalid(m)) if m.contains("close after it opens")));
        let mut odd = survey("wemployer");
        odd.audience = gradtrace::survey::Audience::Graduate;
        let r = waves::create(db, NewWave {
            survey: &odd,
            cohort_year: 2025,
            opens_at: now(),
            closes_at: None,
            plan: ReminderPlan::default(),
        }, now()).await;
        assert!(matches!(r, Err(Error::Invalid(_))));
        assert_eq!(wave::Entity::find().count(db).await.unwrap(), 0, "nothing created");
        // A wave without a close date: links work for a year after opening.
        let open_ended = waves::create(db, NewWave {
            survey: &s,
            cohort_year: 2025,
            opens_at: now(),
            closes_at: None,
            plan: ReminderPlan::default(),
        }, now()).await.unwrap();
        assert_eq!(waves::access_until(&open_ended), now() + Duration::days(365));
        let stored = ReminderPlan::from_json(&open_ended.reminder_plan).unwrap();
        assert_eq!(stored, ReminderPlan::default());
    }
}

// ---------------------------------------------------------------------------------------------
// Survey version guard

storage_test! {
    async fn a_changed_survey_without_a_version_bump_is_refused(t) {
        let db = &t.db;
        new_wave(db, "wgrad", 2025).await;
        new_wave(db, "wgrad", 2024).await;
        assert_eq!(survey_version::Entity::find().count(db).await.unwrap(), 1, "one snapshot per version");

        let mut edited = survey("wgrad");
        edited.pages[0].questions[0].required = false;
        let r = waves::create(db, NewWave {
            survey: &edited,
            cohort_year: 2023,
            opens_at: now(),
            closes_at: None,
            plan: ReminderPlan::default(),
        }, now()).await;
        match r {
            Err(Error::Conflict(m)) => assert!(
                m.contains("survey wgrad changed but its version was not bumped"),
                "{m}"
            ),
            other => panic!("expected the version guard, got {other:?}"),
        }
        assert_eq!(wave::Entity::find().count(db).await.unwrap(), 2, "no wave for the edited survey");

        edited.version = 2;
        let w = waves::create(db, NewWave {
            survey: &edited,
            cohort_year: 2023,
            opens_at: now(),
            closes_at: None,
            plan: ReminderPlan::default(),
        }, now()).await.unwrap();
        assert_eq!(w.survey_version, 2);
        assert_eq!(survey_version::Entity::find().count(db).await.unwrap(), 2);
        // The stored snapshot reads back as the definition it was.
        let back = gradtrace::store::survey_versions::load(db, "wgrad", 2).await.unwrap();
        assert_eq!(back, edited);
    }
}

// ---------------------------------------------------------------------------------------------
// Response store

fn page_one() -> Answers {
    Answers::new()
        .with("destination_type", Answer::choice("employed"))
        .with("employer_type", Answer::choice("private"))
}

storage_test! {
    async fn opening_twice_from_two_channels_keeps_one_response(t) {
        let db = &t.db;
        let w = invited_cohort(db, 1).await;
        let inv = invitation_of(db, w.id, "202500001").await;
        let first = responses::open(db, inv.id, Channel::Web, now()).await.unwrap();
        assert_eq!(first.status, "opened");
        assert_eq!(first.channels, "web");
        assert_eq!(first.opened_at, Some(now()));
        assert_eq!(first.survey_version, w.survey_version);
        let later = now() + Duration::hours(1);
        let second = responses::open(db, inv.id, Channel::Wechat, later).await.unwrap();
        assert_eq!(second.id, first.id);
        assert_eq!(second.channels, "web,wechat");
        assert_eq!(second.opened_at, Some(now()), "first opening is kept");
        assert_eq!(second.revision, first.revision, "opening changes no answer");
        let third = responses::open(db, inv.id, Channel::Web, later).await.unwrap();
        assert_eq!(third.channels, "web,wechat");
        assert_eq!(response::Entity::find().count(db).await.unwrap(), 1);
        assert!(matches!(responses::open(db, 424242, Channel::Web, now()).await, Err(Error::NotFound(_))));
    }
}

storage_test! {
    async fn consent_is_recorded_with_its_notice_version_and_channel(t) {
        let db = &t.db;
        let w = invited_cohort(db, 1).await;
        let inv = invitation_of(db, w.id, "202500001").await;
        let r = responses::open(db, inv.id, Channel::Wechat, now()).await.unwrap();
        // Before consent nothing may be saved.
        let early = responses::save_answers(db, r.id, r.revision, &page_one(), Status::Partial, Channel::Wechat, now()).await;
        assert!(matches!(early, Err(Error::Invalid(m)) if m.contains("privacy notice")));
        let at = now() + Duration::minutes(1);
        let r = responses::record_consent(db, r.id, 2, true, Channel::Wechat, at).await.unwrap();
        assert_eq!(r.status, "consented");
        assert_eq!(r.consent_notice_version, Some(2));
        assert_eq!(r.consent_channel.as_deref(), Some("wechat"));
        assert_eq!(r.consented_at, Some(at));
        let events = consent_event::Entity::find().all(db).await.unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!((events[0].response_id, events[0].notice_version, events[0].accepted), (r.id, 2, true));
        assert_eq!(events[0].channel, "wechat");
        assert_eq!(events[0].at, at);
    }
}

storage_test! {
    async fn declining_the_notice_blocks_saving_and_is_recorded(t) {
        let db = &t.db;
        let w = invited_cohort(db, 1).await;
        let inv = invitation_of(db, w.id, "202500001").await;
        let r = responses::open(db, inv.id, Channel::Web, now()).await.unwrap();
        let r = responses::record_consent(db, r.id, 2, false, Channel::Web, now()).await.unwrap();
        assert_eq!(r.status, "declined");
        assert_eq!(r.consent_notice_version, None);
        let save = responses::save_answers(db, r.id, r.revision, &page_one(), Status::Partial, Channel::Web, now()).await;
        assert!(save.is_err());
        let stored = response::Entity::find_by_id(r.id).one(db).await.unwrap().unwrap();
        assert_eq!(stored.answers, serde_json::json!({}));
        // Changing one's mind later: accepted, and answers may be saved.
        let r = responses::record_consent(db, r.id, 2, true, Channel::Web, now()).await.unwrap();
        assert_eq!(r.status, "consented");
        assert_eq!(consent_event::Entity::find().count(db).await.unwrap(), 2);
    }
}

storage_test! {
    async fn a_double_submitted_page_writes_once_and_the_stale_copy_changes_nothing(t) {
        let db = &t.db;
        let w = invited_cohort(db, 1).await;
        let inv = invitation_of(db, w.id, "202500001").await;
        let r = responses::open(db, inv.id, Channel::Web, now()).await.unwrap();
        let r = responses::record_consent(db, r.id, 2, true, Channel::Web, now()).await.unwrap();
        let loaded_revision = r.revision;

        let saved = responses::save_answers(db, r.id, loaded_revision, &page_one(), Status::Partial, Channel::Web, now()).await.unwrap();
        assert_eq!(saved.revision, loaded_revision + 1);
        assert_eq!(saved.status, "partial");
        assert_eq!(saved.answers["destination_type"], serde_json::json!({"choice": "employed"}));

        // The same page sent again (double tap, or a phone with the old page) with other answers.
        let other = Answers::new().with("destination_type", Answer::choice("unemployed"));
        let again = responses::save_answers(db, r.id, loaded_revision, &other, Status::Partial, Channel::Wechat, now()).await;
        assert!(matches!(again, Err(Error::Conflict(_))), "{again:?}");
        let stored = response::Entity::find_by_id(r.id).one(db).await.unwrap().unwrap();
        assert_eq!(stored, saved, "nothing changed");

        // Continuing from the current revision works, and completion is dated once.
        let done_at = now() + Duration::minutes(5);
        let all = page_one().with("satisfaction", Answer::Rating(4));
        let done = responses::save_answers(db, r.id, saved.revision, &all, Status::Complete, Channel::Wechat, done_at).await.unwrap();
        assert_eq!(done.status, "complete");
        assert_eq!(done.completed_at, Some(done_at));
        assert_eq!(done.channels, "web,wechat");
        let edit = responses::save_answers(db, r.id, done.revision, &all, Status::Complete, Channel::Web, done_at + Duration::days(1)).await.unwrap();
        assert_eq!(edit.completed_at, Some(done_at), "first completion is kept");
        assert!(matches!(
            responses::save_answers(db, r.id, edit.revision, &all, Status::Opened, Channel::Web, now()).await,
            Err(Error::Invalid(_))
        ));
    }
}

storage_test! {
    async fn completing_and_opting_out(t) {
        let db = &t.db;
        let w = invited_cohort(db, 2).await;
        let a = invitation_of(db, w.id, "202500001").await;
        let r = responses::open(db, a.id, Channel::Telegram, now()).await.unwrap();
        let r = responses::record_consent(db, r.id, 2, true, Channel::Telegram, now()).await.unwrap();
        let r = responses::save_answers(db, r.id, r.revision, &page_one(), Status::Partial, Channel::Telegram, now()).await.unwrap();
        assert!(matches!(responses::complete(db, r.id, r.revision - 1, Channel::Telegram, now()).await, Err(Error::Conflict(_))));
        let done = responses::complete(db, r.id, r.revision, Channel::Telegram, now()).await.unwrap();
        assert_eq!(done.status, "complete");
        assert_eq!(done.answers, r.answers);
        assert!(done.completed_at.is_some());

        // Opting out after answering: recorded, answers kept, no more saving.
        let out = responses::opt_out(db, a.id, Channel::Web, now()).await.unwrap();
        assert_eq!(out.status, "opted_out");
        assert_eq!(out.opted_out_at, Some(now()));
        assert_eq!(out.answers, r.answers);
        assert!(matches!(
            responses::save_answers(db, out.id, out.revision, &page_one(), Status::Partial, Channel::Web, now()).await,
            Err(Error::Invalid(m)) if m.contains("opted out")
        ));

        // Opting out without ever opening (a reply to a reminder SMS, a liaison's call).
        let b = invitation_of(db, w.id, "202500002").await;
        let out = responses::opt_out(db, b.id, Channel::Staff, now()).await.unwrap();
        assert_eq!(out.status, "opted_out");
        assert_eq!(out.opened_at, None);
        assert_eq!(out.channels, "staff");
        assert_eq!(responses::opt_out(db, b.id, Channel::Staff, now()).await.unwrap().id, out.id);
    }
}

storage_test! {
    async fn a_graduate_found_by_token_sees_their_response_so_far(t) {
        let db = &t.db;
        let w = invited_cohort(db, 1).await;
        let inv = invitation_of(db, w.id, "202500001").await;
        let tok = token::issue(&keys(), &w, &inv).unwrap();
        let lim = limiter();
        let fresh = responses::find_by_token(db, &keys(), &lim, "ip:1", &tok, now()).await.unwrap();
        assert!(fresh.response.is_none());
        let r = responses::open(db, inv.id, Channel::Web, now()).await.unwrap();
        let back = responses::find_by_token(db, &keys(), &lim, "ip:1", &tok, now()).await.unwrap();
        assert_eq!(back.response.map(|x| x.id), Some(r.id));
        // Forged tokens count against the client.
        for _ in 0..10 {
            let r = responses::find_by_token(db, &keys(), &lim, "ip:2", "x.y.z", now()).await;
            assert!(matches!(r, Err(Error::Unauthorized)));
        }
        assert!(matches!(
            responses::find_by_token(db, &keys(), &lim, "ip:2", &tok, now()).await,
            Err(Error::TooManyAttempts { .. })
        ));
    }
}

// ---------------------------------------------------------------------------------------------
// Export

/// A wave of four graduates: 1 complete, 2 partial with an answer hidden by a later change,
/// 3 never opened, 4 opted out after answering.
async fn exportable_wave(db: &DatabaseConnection) -> wave::Model {
    let w = invited_cohort(db, 4).await;
    // Graduate 1 is a master's student: the doctoral-plan question (masters and doctors only)
    // was shown to them, not to graduate 2.
    let mut g: graduate::ActiveModel = graduate::Entity::find()
        .filter(graduate::Column::StudentId.eq("202500001"))
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .into();
    g.degree_level = Set("master".into());
    g.update(db).await.unwrap();
    let answered = |id: &'static str, answers: Answers, status: Status| {
        let db = db.clone();
        let wid = w.id;
        async move {
            let inv = invitation_of(&db, wid, id).await;
            let r = responses::open(&db, inv.id, Channel::Web, now())
                .await
                .unwrap();
            let r = responses::record_consent(&db, r.id, 2, true, Channel::Web, now())
                .await
                .unwrap();
            responses::save_answers(
                &db,
                r.id,
                r.revision,
                &answers,
                status,
                Channel::Wechat,
                now() + Duration::minutes(10),
            )
            .await
            .unwrap()
        }
    };
    answered(
        "202500001",
        Answers::new()
            .with("destination_type", Answer::choice("employed"))
            .with(
                "employer_type",
                Answer::Choice {
                    choice: "other".into(),
                    other: Some("民办非企业, 基金会".into()),
                },
            )
            .with(
                "region",
                Answer::Region {
                    province: "44".into(),
                    city: Some("4403".into()),
                    county: false,
                },
            )
            .with("monthly_salary", Answer::Number(8500.0))
            .with("start_month", Answer::YearMonth("2025-07".parse().unwrap()))
            .with(
                "channels",
                Answer::Choices {
                    choices: vec!["campus_fair".into(), "other".into()],
                    other: Some("校友推荐".into()),
                },
            )
            .with("satisfaction", Answer::Rating(4))
            .with(
                "comments",
                Answer::text("=HYPERLINK(\"http://evil\")\n第二行"),
            )
            .with("doctoral_plan", Answer::choice("yes")),
        Status::Complete,
    )
    .await;
    answered(
        "202500002",
        Answers::new()
            // Was "employed" with a salary, then changed to further study: the salary is stale.
            .with("destination_type", Answer::choice("further_study"))
            .with("monthly_salary", Answer::Number(6000.0))
            .with("start_month", Answer::Skipped)
            .with("doctoral_plan", Answer::choice("yes")),
        Status::Partial,
    )
    .await;
    let opted = answered(
        "202500004",
        Answers::new().with("destination_type", Answer::choice("unemployed")),
        Status::Partial,
    )
    .await;
    responses::opt_out(db, opted.invitation_id, Channel::Web, now())
        .await
        .unwrap();
    w
}

const HEADER: [&str; 19] = [
    "student_id",
    "_status",
    "_channels",
    "_opened_at",
    "_consented_at",
    "_completed_at",
    "_updated_at",
    "destination_type",
    "employer_type",
    "employer_type_other",
    "region",
    "region_county",
    "monthly_salary",
    "start_month",
    "channels",
    "channels_other",
    "satisfaction",
    "comments",
    "doctoral_plan",
];

storage_test! {
    async fn responses_export_as_csv_one_row_per_invitation(t) {
        let db = &t.db;
        let w = exportable_wave(db).await;
        let mut out = Vec::new();
        let report = export::export_responses(db, &catalog(), w.id, Format::Csv, &mut out, "cli", now()).await.unwrap();
        assert_eq!(report.rows, 4);
        let text = String::from_utf8(out).unwrap();
        let body = text.strip_prefix('\u{feff}').expect("a BOM so that Excel reads UTF-8");
        let mut reader = csv::Reader::from_reader(body.as_bytes());
        assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), HEADER);
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len(), 4);

        let one = &rows[0];
        assert_eq!(&one[0], "202500001");
        assert_eq!(&one[1], "complete");
        assert_eq!(&one[2], "web,wechat");
        assert_eq!(&one[3], "2025-07-01T10:00:00+08:00", "timestamps in the wave's time zone");
        assert_eq!(&one[5], "2025-07-01T10:10:00+08:00");
        assert_eq!(&one[7], "employed");
        assert_eq!(&one[8], "other");
        assert_eq!(&one[9], "民办非企业, 基金会");
        assert_eq!(&one[10], "44/4403");
        assert_eq!(&one[11], "0");
        assert_eq!(&one[12], "8500");
        assert_eq!(&one[13], "2025-07");
        assert_eq!(&one[14], "campus_fair;other");
        assert_eq!(&one[15], "校友推荐");
        assert_eq!(&one[16], "4");
        assert_eq!(&one[17], "'=HYPERLINK(\"http://evil\")\n第二行", "formulas are defused");
        assert_eq!(&one[18], "yes", "shown to a master's graduate (roster condition)");

        let two = &rows[1];
        assert_eq!((&two[1], &two[7]), ("partial", "further_study"));
        assert_eq!(&two[12], "", "a hidden question's stale answer is not exported");
        assert_eq!(&two[13], "", "a skipped question is empty");
        assert_eq!(&two[18], "", "not shown to a bachelor, so not exported");
        assert_eq!(&two[5], "");

        let three = &rows[2];
        assert_eq!((&three[0], &three[1]), ("202500003", "invited"));
        assert!(three.iter().skip(2).all(|c| c.is_empty()));

        let four = &rows[3];
        assert_eq!(&four[1], "opted_out");
        assert_eq!(&four[7], "", "answers of someone who opted out are not handed on");

        // Audited, with ids and counts only.
        let audits = audit_event::Entity::find().all(db).await.unwrap();
        assert_eq!(audits.len(), 1);
        assert_eq!(audits[0].actor, "cli");
        assert_eq!(audits[0].action, "export_responses");
        assert_eq!(audits[0].detail, serde_json::json!({"wave": w.id, "format": "csv", "rows": 4}));
    }
}

storage_test! {
    async fn responses_export_as_xlsx_reads_back_with_numbers_as_numbers(t) {
        use calamine::{Data, Reader, Xlsx};
        let db = &t.db;
        let w = exportable_wave(db).await;
        let mut out = Vec::new();
        export::export_responses(db, &catalog(), w.id, Format::Xlsx, &mut out, "cli", now()).await.unwrap();
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(out)).unwrap();
        let sheet = book.worksheet_range(&format!("wave {}", w.id)).unwrap();
        let rows: Vec<&[Data]> = sheet.rows().collect();
        assert_eq!(rows.len(), 5);
        let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
        assert_eq!(header, HEADER);
        let one = rows[1];
        assert_eq!(one[0], Data::String("202500001".into()));
        assert_eq!(one[1], Data::String("complete".into()));
        assert_eq!(one[9], Data::String("民办非企业, 基金会".into()));
        assert_eq!(one[10], Data::String("44/4403".into()));
        assert_eq!(one[12], Data::Float(8500.0));
        assert_eq!(one[16], Data::Float(4.0));
        assert_eq!(one[17], Data::String("=HYPERLINK(\"http://evil\")\n第二行".into()), "stored as text, not a formula");
        assert_eq!(rows[2][12], Data::Empty);
        assert_eq!(rows[3][1], Data::String("invited".into()));
        let audit = audit_event::Entity::find().one(db).await.unwrap().unwrap();
        assert_eq!(audit.detail["format"], "xlsx");
    }
}

storage_test! {
    async fn an_employer_wave_exports_by_uscc(t) {
        let db = &t.db;
        add_employer(db, "91440300MA5EXAMPL1").await;
        let w = new_wave(db, "wemployer", 2025).await;
        invite::invite(db, w.id, now()).await.unwrap();
        let inv = invitations(db, w.id).await.remove(0);
        let r = responses::open(db, inv.id, Channel::Web, now()).await.unwrap();
        let r = responses::record_consent(db, r.id, 1, true, Channel::Web, now()).await.unwrap();
        let answers = Answers::new().with("overall", Answer::Rating(87)).with("rehire", Answer::choice("yes"));
        responses::save_answers(db, r.id, r.revision, &answers, Status::Complete, Channel::Web, now()).await.unwrap();
        let (table, _) = export::responses_table(db, &catalog(), w.id, now()).await.unwrap();
        assert_eq!(table.header[0], "uscc");
        assert_eq!(&table.header[7..], ["overall", "rehire"]);
        assert_eq!(table.rows[0][0], export::Cell::Text("91440300MA5EXAMPL1".into()));
        assert_eq!(table.rows[0][7], export::Cell::Number(87.0));
        assert_eq!(table.rows[0][8], export::Cell::Text("yes".into()));
    }
}

// ---------------------------------------------------------------------------------------------
// The command line, end to end on a SQLite file

#[test]
fn the_cli_creates_invites_links_lists_and_exports_a_wave() {
    use std::process::Command;
    let dir = tempfile::tempdir().unwrap();
    let db_url = format!("sqlite://{}", dir.path().join("cli.db").display());
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_gradtrace"))
            .args(args)
            .env("DATABASE_URL", &db_url)
            .env("GRADTRACE_SURVEYS", fixtures())
            .env("GRADTRACE_SECRET", SECRET)
            .env("GRADTRACE_BASE_URL", BASE)
            .output()
            .expect("run gradtrace");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, _, err) = run(&["migrate"]);
    assert!(ok, "{err}");
    // Graduates arrive by roster import (another module); here they are inserted directly.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let db = gradtrace::store::connect(&db_url).await.unwrap();
        add_graduates(&db, 2025, 1, 3).await;
    });

    let (ok, out, err) = run(&[
        "wave",
        "create",
        "--survey",
        "wgrad",
        "--cohort",
        "2025",
        "--opens",
        "2025-06-20",
        "--closes",
        "2025-08-31",
        "--reminders",
        "2d,5d",
        "--quiet-hours",
        "none",
    ]);
    assert!(ok, "{err}");
    let id = out.trim().to_string();
    assert!(id.parse::<i32>().is_ok(), "prints the wave id: {out}");

    let (ok, out, err) = run(&["wave", "invite", &id]);
    assert!(ok, "{err}");
    assert!(
        out.contains("3 invitations created, 0 already invited"),
        "{out}"
    );
    let (_, out, _) = run(&["wave", "invite", &id]);
    assert!(
        out.contains("0 invitations created, 3 already invited"),
        "{out}"
    );

    let links = dir.path().join("links.csv");
    let (ok, _, err) = run(&["wave", "links", &id, "--out", links.to_str().unwrap()]);
    assert!(ok, "{err}");
    let text = std::fs::read_to_string(&links).unwrap();
    assert!(
        text.starts_with("student_id,link,code\n202500001,https://survey.example.edu/s/"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 4);

    let (ok, out, err) = run(&["wave", "list"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("wgrad v1") && out.contains("graduation"),
        "{out}"
    );

    let (ok, out, err) = run(&["export", "responses", &id]);
    assert!(ok, "{err}");
    assert!(out.contains("202500002,invited"), "{out}");
    let xlsx = dir.path().join("out.xlsx");
    let (ok, _, err) = run(&["export", "responses", &id, "--out", xlsx.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(
        std::fs::read(&xlsx).unwrap().starts_with(b"PK"),
        "an XLSX (zip) file"
    );

    // Mistakes get a clear message and change nothing.
    let (ok, _, err) = run(&["wave", "create", "--survey", "nope", "--cohort", "2025"]);
    assert!(!ok && err.contains("no survey 'nope'"), "{err}");
    let (ok, _, err) = run(&[
        "wave",
        "create",
        "--survey",
        "wgrad",
        "--cohort",
        "2025",
        "--reminders",
        "3w",
    ]);
    assert!(!ok && err.contains("3w"), "{err}");
    let (ok, _, err) = run(&["export", "responses", &id, "--format", "xlsx"]);
    assert!(!ok && err.contains("--out"), "{err}");
    let (_, out, _) = run(&["wave", "list"]);
    assert_eq!(out.lines().count(), 2, "still one wave: {out}");
}

#[tokio::test]
async fn the_deployment_limiter_is_shared_through_redis_when_redis_is_configured() {
    let url = std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let prefix = format!("gradtrace-test-{}", uuid::Uuid::new_v4().simple());
    let a = gradtrace::wave::limit::for_deployment(Some(&url), &prefix)
        .await
        .unwrap();
    let b = gradtrace::wave::limit::for_deployment(Some(&url), &prefix)
        .await
        .unwrap();
    for _ in 0..10 {
        a.record_failure("ip:7").await.unwrap();
    }
    assert!(
        matches!(b.check("ip:7").await, Err(Error::TooManyAttempts { .. })),
        "b sees a's count"
    );
    // Without Redis each instance counts for itself.
    let c = gradtrace::wave::limit::for_deployment(None, &prefix)
        .await
        .unwrap();
    let d = gradtrace::wave::limit::for_deployment(None, &prefix)
        .await
        .unwrap();
    for _ in 0..10 {
        c.record_failure("ip:7").await.unwrap();
    }
    assert!(c.check("ip:7").await.is_err());
    assert!(d.check("ip:7").await.is_ok());
}

storage_test! {
    async fn a_question_id_clashing_with_an_export_column_is_reported_not_exported(t) {
        let db = &t.db;
        let mut s = survey("wgrad");
        let mut clash = s.question("comments").unwrap().clone();
        clash.id = "employer_type_other".into();
        s.pages[1].questions.push(clash);
        s.version = 9;
        let w = waves::create(db, NewWave {
            survey: &s,
            cohort_year: 2025,
            opens_at: now(),
            closes_at: None,
            plan: ReminderPlan::default(),
        }, now()).await.unwrap();
        let mut out = Vec::new();
        let r = export::export_responses(db, &catalog(), w.id, Format::Csv, &mut out, "cli", now()).await;
        assert!(matches!(r, Err(Error::Invalid(m)) if m.contains("'employer_type_other' twice")));
        assert!(out.is_empty());
        assert_eq!(audit_event::Entity::find().count(db).await.unwrap(), 0, "nothing exported, nothing audited");
    }
}

storage_test! {
    async fn a_year1_export_reads_the_graduation_answers_its_conditions_depend_on(t) {
        let db = &t.db;
        add_graduates(db, 2024, 1, 2).await;
        let t0 = new_wave(db, "wgrad", 2024).await;
        invite::invite(db, t0.id, now()).await.unwrap();
        let t1 = new_wave(db, "wyear1", 2024).await;
        invite::invite(db, t1.id, now()).await.unwrap();
        let answer = |wave_id: i32, student: &'static str, answers: Answers| {
            let db = db.clone();
            async move {
                let inv = invitation_of(&db, wave_id, student).await;
                let r = responses::open(&db, inv.id, Channel::Web, now()).await.unwrap();
                let r = responses::record_consent(&db, r.id, 2, true, Channel::Web, now()).await.unwrap();
                responses::save_answers(&db, r.id, r.revision, &answers, Status::Complete, Channel::Web, now()).await.unwrap();
            }
        };
        answer(t0.id, "202400001", Answers::new().with("destination_type", Answer::choice("employed"))).await;
        answer(t0.id, "202400002", Answers::new().with("destination_type", Answer::choice("further_study"))).await;
        let year1 = Answers::new()
            .with("same_employer", Answer::choice("yes"))
            .with("satisfaction", Answer::Rating(5));
        answer(t1.id, "202400001", year1.clone()).await;
        answer(t1.id, "202400002", year1).await;
        let (table, _) = export::responses_table(db, &catalog(), t1.id, now()).await.unwrap();
        assert_eq!(&table.header[7..], ["same_employer", "satisfaction"]);
        assert_eq!(table.rows[0][7], export::Cell::Text("yes".into()), "employed at graduation: shown");
        assert_eq!(table.rows[1][7], export::Cell::Empty, "in further study at graduation: not shown");
        assert_eq!(table.rows[1][8], export::Cell::Number(5.0));
    }
}

storage_test! {
    async fn a_session_reads_everything_in_one_go_and_saves_with_what_it_read(t) {
        use gradtrace::respond::{Outcome, Session};
        use gradtrace::store::entities::response_fact;
        let db = &t.db;
        let catalog = catalog();
        let grad_wave = invited_cohort(db, 1).await;
        let year1 = new_wave(db, "wyear1", 2025).await;
        invite::invite(db, year1.id, now()).await.expect("invite year1");
        let grad_inv = invitation_of(db, grad_wave.id, "202500001").await;
        let y1_inv = invitation_of(db, year1.id, "202500001").await;
        // The graduation-stage answers exist (partial counts as an earlier stage).
        let r = responses::open(db, grad_inv.id, Channel::Web, now()).await.unwrap();
        let r = responses::record_consent(db, r.id, 2, true, Channel::Web, now()).await.unwrap();
        responses::save_answers(db, r.id, r.revision, &page_one(), Status::Partial, Channel::Web, now()).await.unwrap();

        // One read brings the invitation, its wave, the graduate and their other responses.
        let found = responses::invitee(db, y1_inv.id).await.unwrap().expect("invitee");
        assert_eq!((found.invitation.id, found.wave.id), (y1_inv.id, year1.id));
        assert!(found.response.is_none());
        assert_eq!(found.graduate.as_ref().map(|g| g.student_id.as_str()), Some("202500001"));
        let others = found.others.clone().expect("others read");
        assert_eq!(others.len(), 1);
        assert_eq!((others[0].0.id, others[0].1.status.as_str()), (grad_wave.id, "partial"));
        assert!(responses::invitee(db, 999_999).await.unwrap().is_none());

        let today = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap();
        let mut s = Session::open(db, &catalog, found, Channel::Web, now(), today).await.unwrap();
        assert_eq!(
            s.context.previous.get(&gradtrace::survey::Stage::Graduation).and_then(|a| a.get("destination_type")),
            Some(&Answer::choice("employed")),
            "the earlier stage came with the one read"
        );
        s.consent(db, true, Channel::Web, now()).await.unwrap();

        // Meanwhile the same person opens the survey in the bot: channels change, revision not.
        let in_bot = responses::open(db, y1_inv.id, Channel::Wechat, now()).await.unwrap();
        assert_eq!((in_bot.channels.as_str(), in_bot.revision), ("web,wechat", s.response.revision));

        // The web session still saves (its copy of the row is older, but no answer changed).
        let out = s
            .answer(db, &catalog, "same_employer", Answer::choice("yes"), Channel::Web, now())
            .await
            .unwrap();
        assert!(matches!(out, Outcome::Saved));
        let stored = response::Entity::find_by_id(s.response.id).one(db).await.unwrap().unwrap();
        assert_eq!(stored.channels, "web,wechat", "the bot's channel is kept");
        assert_eq!(stored.answers["same_employer"], serde_json::json!({"choice": "yes"}));
        assert_eq!(stored, s.response);
        // Its indicator facts were written with it, for this wave and graduate.
        let fact = response_fact::Entity::find_by_id(stored.id).one(db).await.unwrap().expect("fact row");
        assert_eq!((fact.wave_id, fact.graduate_id), (year1.id, y1_inv.graduate_id.unwrap()));

        // A copy of the row from before that save is stale: refused, nothing changed.
        let stale = responses::save_answers_known(
            db, &in_bot, in_bot.revision, &Answers::new().with("satisfaction", Answer::Rating(1)),
            Status::Partial, Channel::Wechat, now(), None,
        )
        .await;
        assert!(matches!(stale, Err(Error::Conflict(_))), "{stale:?}");
        let after = response::Entity::find_by_id(stored.id).one(db).await.unwrap().unwrap();
        assert_eq!(after, stored);
    }
}
