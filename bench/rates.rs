//! The response-rate page and its API on a large wave: 200,000 invitations, 60% responses, a
//! previous cohort's wave of the same stage (the "last year" line), reminder sends. Timed
//! through the real router (page with a session cookie, API with a bearer token) for each
//! role, and the domain function alone; p50 / p99 / max over repeated requests, every request
//! reading the database (there is no cache). Also, for reference, the cost of counting from
//! the raw rows (what the rollups replace). Run with
//! `cargo bench --bench rates --profile dev -- [INVITATIONS] [DATABASE_URL] [REQUESTS]`
//! (defaults: 200000 on a fresh SQLite file, 100 requests; a `postgres://` URL gets a fresh
//! schema). Targets: p50 < 300 ms, p99 < 1 s.
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, header};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use gradtrace::clock::ManualClock;
use gradtrace::dashboard::auth::{self, StaffKeys, TokenKind};
use gradtrace::dashboard::{Viewer, rates};
use gradtrace::roster::staff::{NewStaff, add_staff};
use gradtrace::store::entities::{graduate, invitation, reminder, response, staff};
use gradtrace::survey::Catalog;
use gradtrace::wave::plan::ReminderPlan;
use gradtrace::wave::{self as waves, NewWave, invite};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};
use tower::ServiceExt;

#[path = "support/alloc.rs"]
mod alloc;
#[path = "support/db.rs"]
mod db;
use db::open_db;

const SECRET: &str = "bench-secret-0123456789abcdefghijklmnop";

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// A cohort's roster: 20 departments, 100 majors, a class per 40 graduates.
async fn roster(db: &DatabaseConnection, year: i32, n: usize, now: DateTime<Utc>) {
    let classes = (n / 40).max(1);
    let rows: Vec<graduate::ActiveModel> = (0..n)
        .map(|i| graduate::ActiveModel {
            student_id: Set(format!("{year}{i:07}")),
            name: Set(format!("学生{i}")),
            degree_level: Set("bachelor".into()),
            department: Set(format!("学院{}", i % 20)),
            major: Set(format!("专业{}", i % 100)),
            class_name: Set(format!("{year}班{}", i % classes)),
            graduation_date: Set(NaiveDate::from_ymd_opt(year, 6, 30).expect("date")),
            graduation_year: Set(year),
            email: Set((i % 3 != 0).then(|| format!("s{i}@example.edu"))),
            attributes: Set(serde_json::json!({})),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(1000) {
        graduate::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await
            .expect("graduates");
    }
}

/// A year-1 wave of the cohort opened `days` ago, invited, with 60% responses spread over
/// the days since (50% complete, 5% partial, 5% declined) and two reminder rounds sent to
/// the others.
async fn wave(
    db: &DatabaseConnection,
    catalog: &Catalog,
    year: i32,
    opens: DateTime<Utc>,
    days: i64,
) -> i32 {
    let survey = catalog.survey("year1").expect("year1 survey");
    let w = waves::create(
        db,
        NewWave {
            survey,
            cohort_year: year,
            opens_at: opens,
            closes_at: Some(opens + chrono::Duration::days(60)),
            plan: ReminderPlan::default(),
        },
        opens,
    )
    .await
    .expect("wave");
    let t = Instant::now();
    let r = invite::invite(db, w.id, opens).await.expect("invite");
    println!(
        "setup: cohort {year} invited ({} invitations, rollup triggers included): {}",
        r.created,
        ms(t.elapsed())
    );
    let invs: Vec<i32> = invitation::Entity::find()
        .filter(invitation::Column::WaveId.eq(w.id))
        .order_by_asc(invitation::Column::Id)
        .all(db)
        .await
        .expect("invitations")
        .into_iter()
        .map(|i| i.id)
        .collect();
    let t = Instant::now();
    let mut rows = Vec::new();
    let mut reminders = Vec::new();
    for (n, id) in invs.iter().enumerate() {
        // Spread over classes and days independently of the roster's order.
        let k = ((n as u64).wrapping_mul(2_654_435_761) >> 7) % 20;
        let at = opens + chrono::Duration::hours(((n * 7) % (days as usize * 24)) as i64);
        let status = match k {
            0..=9 => "complete",
            10 => "partial",
            11 => "declined",
            _ => {
                for (seq, day) in [(1, 3), (2, 7)] {
                    let sent = opens + chrono::Duration::days(day);
                    reminders.push(reminder::ActiveModel {
                        invitation_id: Set(*id),
                        wave_id: Set(w.id),
                        kind: Set("reminder".into()),
                        seq: Set(seq),
                        planned_at: Set(sent),
                        due_at: Set(sent),
                        state: Set("sent".into()),
                        attempts: Set(1),
                        channel: Set(Some("email".into())),
                        sent_at: Set(Some(sent)),
                        created_at: Set(opens),
                        updated_at: Set(sent),
                        ..Default::default()
                    });
                }
                continue;
            }
        };
        rows.push(response::ActiveModel {
            invitation_id: Set(*id),
            survey_version: Set(w.survey_version),
            status: Set(status.into()),
            answers: Set(serde_json::json!({})),
            channels: Set("web".into()),
            revision: Set(1),
            opened_at: Set(Some(at)),
            consented_at: Set((status != "declined").then_some(at)),
            consent_notice_version: Set(Some(1)),
            consent_channel: Set(Some("web".into())),
            completed_at: Set((status == "complete").then_some(at)),
            updated_at: Set(at),
            ..Default::default()
        });
    }
    for chunk in rows.chunks(1000) {
        response::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await
            .expect("responses");
    }
    for chunk in reminders.chunks(1000) {
        reminder::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await
            .expect("reminders");
    }
    println!(
        "setup: {} responses and {} reminder sends inserted (rollup triggers included): {}",
        rows.len(),
        reminders.len(),
        ms(t.elapsed())
    );
    w.id
}

struct Stats {
    p50: Duration,
    p99: Duration,
    max: Duration,
}

fn stats(mut d: Vec<Duration>) -> Stats {
    d.sort();
    let at = |q: f64| d[((d.len() as f64 * q).ceil() as usize).clamp(1, d.len()) - 1];
    Stats {
        p50: at(0.50),
        p99: at(0.99),
        max: d[d.len() - 1],
    }
}

fn report(what: &str, s: &Stats) {
    let ok = s.p50 < Duration::from_millis(300) && s.p99 < Duration::from_secs(1);
    println!(
        "{what:<44} p50 {:>9}  p99 {:>9}  max {:>9}  {}",
        ms(s.p50),
        ms(s.p99),
        ms(s.max),
        if ok { "ok" } else { "MISSES TARGET" }
    );
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let n: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(200_000);
    let requests: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(100);
    let (db, _dir, url) = open_db(args.get(1).map(String::as_str)).await;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut config = gradtrace::config::Config::local(&url, SECRET);
    config.surveys_dir = root.join("surveys");
    config.locales_dir = root.join("locales");
    let catalog = Catalog::load(&config.surveys_dir).expect("surveys");
    let now = Utc
        .with_ymd_and_hms(2025, 9, 1, 2, 0, 0)
        .single()
        .expect("time");
    println!("wave: {n} invitations, 60% responses; last year's wave of the same size");

    let t = Instant::now();
    roster(&db, 2023, n, now).await;
    roster(&db, 2024, n, now).await;
    println!("setup: two rosters of {n} inserted: {}", ms(t.elapsed()));
    let opens_last = Utc
        .with_ymd_and_hms(2024, 7, 1, 2, 0, 0)
        .single()
        .expect("time");
    wave(&db, &catalog, 2023, opens_last, 40).await;
    let opens = now - chrono::Duration::days(20);
    let wave_id = wave(&db, &catalog, 2024, opens, 20).await;

    let accounts = [
        ("admin", "admin", None),
        ("dept", "department", Some("学院3".to_string())),
        ("class", "class", Some(format!("2024班{}", 42))),
        ("alumni", "alumni", Some("2024/专业7".to_string())),
    ];
    for (u, role, scope) in &accounts {
        let new = NewStaff::parse(u, role, scope.as_deref(), None, None).expect("staff");
        add_staff(&db, &new, "bench-password-1", "bench", now)
            .await
            .expect("add staff");
    }

    let clock = ManualClock::at(now);
    let secret = SECRET.to_string();
    let services = gradtrace::web::Services {
        db: db.clone(),
        reader: None,
        committer: None,
        catalog: catalog.clone(),
        i18n: gradtrace::i18n::Localizer::load(&config.locales_dir).expect("locales"),
        keys: gradtrace::wave::token::TokenKeys::from_secret(&secret).expect("keys"),
        csrf_key: secret.clone().into_bytes(),
        limiter: Arc::new(
            gradtrace::wave::limit::MemoryLimiter::new(5, Duration::from_secs(60))
                .expect("limiter"),
        ),
        scheduler: gradtrace::remind::Scheduler::embedded(
            db.clone(),
            Arc::new(clock.clone()),
            gradtrace::remind::queue::Settings::from_config(&config.remind),
        ),
        bot: Arc::new(
            gradtrace::bot::service::BotService::from_config(
                &config.bot,
                &catalog,
                Arc::new(clock.clone()),
            )
            .expect("bot"),
        ),
        clock: Arc::new(clock),
        config,
    };
    let state = gradtrace::web::AppState::new(services);
    let router = gradtrace::web::router(state.clone());
    let keys = StaffKeys::from_secret(SECRET);

    // Reference: counting from the raw rows, as the rollups' predecessor did.
    let t = Instant::now();
    let raw = rates::recount(&db, wave_id).await.expect("recount");
    println!(
        "reference: raw recount of the wave (all rows, no rollup): {} ({} classes)",
        ms(t.elapsed()),
        raw.classes.len()
    );

    for (u, _, _) in &accounts {
        let s = staff::Entity::find()
            .filter(staff::Column::Username.eq(*u))
            .one(&db)
            .await
            .expect("query")
            .expect("staff");
        let viewer = Viewer::from_staff(&s).expect("viewer");
        let session = auth::issue(&keys, &s, TokenKind::Session, now).expect("session");
        let api = auth::issue(&keys, &s, TokenKind::Api, now).expect("api token");
        let first = rates::wave_rates(&db, &viewer, wave_id, now)
            .await
            .expect("rates");
        println!(
            "{u}: {} invited in scope, rate {:.1}%, {} days, last year {}",
            first.totals.invited,
            first.totals.rate * 100.0,
            first.daily.len(),
            first.last_year.as_ref().map_or(0, |l| l.totals.invited)
        );
        let mut domain = Vec::new();
        let mut page = Vec::new();
        let mut json = Vec::new();
        for _ in 0..requests {
            let t = Instant::now();
            rates::wave_rates(&db, &viewer, wave_id, now)
                .await
                .expect("rates");
            domain.push(t.elapsed());

            let req = Request::get(format!("/staff/waves/{wave_id}"))
                .header(header::COOKIE, format!("gt_staff={session}"))
                .body(Body::empty())
                .expect("request");
            let t = Instant::now();
            let resp = router.clone().oneshot(req).await.expect("page");
            let status = resp.status();
            let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
                .await
                .expect("body");
            page.push(t.elapsed());
            assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));

            let req = Request::get(format!("/api/waves/{wave_id}/rates"))
                .header(header::AUTHORIZATION, format!("Bearer {api}"))
                .body(Body::empty())
                .expect("request");
            let t = Instant::now();
            let resp = router.clone().oneshot(req).await.expect("api");
            let status = resp.status();
            let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
                .await
                .expect("body");
            json.push(t.elapsed());
            assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        }
        report(&format!("{u}: wave_rates (domain)"), &stats(domain));
        report(
            &format!("{u}: GET /staff/waves/{{id}} (page)"),
            &stats(page),
        );
        report(&format!("{u}: GET /api/waves/{{id}}/rates"), &stats(json));
    }
}
