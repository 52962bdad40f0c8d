//! Timing of a wave's life on a large cohort: inviting it (codes), re-inviting (idempotent),
//! writing its links (token signing), the response store's per-save cost, the lookups by token
//! and by code, and the responses export (CSV and XLSX). Run with
//! `cargo bench --bench wave --profile dev -- [COHORT] [DATABASE_URL]`
//! (defaults: 100000 graduates on a fresh SQLite file; a `postgres://` URL gets a fresh schema).
use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeZone, Utc};
use gradtrace::store::entities::{graduate, invitation, response};
use gradtrace::store::responses::{self, Channel, Status};
use gradtrace::survey::{Answer, Answers, Catalog};
use gradtrace::wave::export::{self, Format};
use gradtrace::wave::limit::MemoryLimiter;
use gradtrace::wave::plan::ReminderPlan;
use gradtrace::wave::token::{self, TokenKeys};
use gradtrace::wave::{self as waves, NewWave, invite};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};

/// Responses saved one by one through the store (the web form's and bot's path).
const SAVES: usize = 1000;
/// Lookups timed per kind.
const LOOKUPS: usize = 1000;

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn per_op(d: Duration, n: usize) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6 / n as f64)
}

#[path = "support/db.rs"]
mod db;
use db::open_db;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let cohort: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let (db, _dir, _) = open_db(args.get(1).map(String::as_str)).await;
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wave");
    let catalog = Catalog::load(&fixtures).expect("fixture surveys");
    let survey = catalog.survey("wgrad").expect("wgrad").clone();
    let keys = TokenKeys::from_secret("bench-secret-0123456789abcdefghijklmnop").expect("keys");
    let now = Utc.with_ymd_and_hms(2025, 7, 1, 2, 0, 0).unwrap();
    println!("cohort: {cohort} graduates");

    // Setup (not a figure): the roster, inserted directly.
    let t = Instant::now();
    let rows: Vec<graduate::ActiveModel> = (0..cohort)
        .map(|i| graduate::ActiveModel {
            student_id: Set(format!("2025{i:06}")),
            name: Set(format!("学生{i}")),
            degree_level: Set("bachelor".into()),
            department: Set(format!("学院{}", i % 20)),
            major: Set(format!("专业{}", i % 80)),
            class_name: Set(format!("班{}", i % 1000)),
            graduation_date: Set(NaiveDate::from_ymd_opt(2025, 6, 30).unwrap()),
            graduation_year: Set(2025),
            attributes: Set(serde_json::json!({})),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(1000) {
        graduate::Entity::insert_many(chunk.to_vec())
            .exec(&db)
            .await
            .expect("graduates");
    }
    println!("setup: roster inserted in {}", ms(t.elapsed()));

    let w = waves::create(
        &db,
        NewWave {
            survey: &survey,
            cohort_year: 2025,
            opens_at: now,
            closes_at: Some(now + chrono::Duration::days(60)),
            plan: ReminderPlan::default(),
        },
        now,
    )
    .await
    .expect("wave");

    let t = Instant::now();
    let r = invite::invite(&db, w.id, now).await.expect("invite");
    println!("wave invite ({} new): {}", r.created, ms(t.elapsed()));
    let t = Instant::now();
    let r = invite::invite(&db, w.id, now).await.expect("re-invite");
    println!(
        "wave invite again ({} new, {} already): {}",
        r.created,
        r.already,
        ms(t.elapsed())
    );

    let t = Instant::now();
    let links = invite::links(&db, &keys, "https://survey.example.edu", w.id)
        .await
        .expect("links");
    let mut csv = Vec::new();
    invite::write_links_csv(&mut csv, waves::audience(&w), &links).expect("csv");
    println!(
        "wave links ({} rows, {} KiB CSV, mean link {} chars): {}",
        links.len(),
        csv.len() / 1024,
        links.iter().map(|l| l.link.len()).sum::<usize>() / links.len().max(1),
        ms(t.elapsed())
    );

    let invs: Vec<invitation::Model> = invitation::Entity::find()
        .filter(invitation::Column::WaveId.eq(w.id))
        .all(&db)
        .await
        .expect("invitations");
    let answers = Answers::new()
        .with("destination_type", Answer::choice("employed"))
        .with("employer_type", Answer::choice("private"))
        .with(
            "region",
            Answer::Region {
                province: "44".into(),
                city: Some("4403".into()),
                county: false,
            },
        )
        .with("monthly_salary", Answer::Number(8500.0))
        .with("satisfaction", Answer::Rating(4))
        .with("comments", Answer::text("实习单位留用，专业对口。"));

    // The front doors' path: open, consent, save two pages, one response at a time.
    let saves = SAVES.min(invs.len());
    let t = Instant::now();
    for inv in &invs[..saves] {
        let r = responses::open(&db, inv.id, Channel::Web, now)
            .await
            .expect("open");
        let r = responses::record_consent(&db, r.id, 2, true, Channel::Web, now)
            .await
            .expect("consent");
        let r = responses::save_answers(
            &db,
            r.id,
            r.revision,
            &answers,
            Status::Partial,
            Channel::Web,
            now,
        )
        .await
        .expect("save");
        responses::save_answers(
            &db,
            r.id,
            r.revision,
            &answers,
            Status::Complete,
            Channel::Web,
            now,
        )
        .await
        .expect("complete");
    }
    println!(
        "response store: open + consent + 2 saves, {saves} responses: {} per response",
        per_op(t.elapsed(), saves)
    );

    // Setup (not a figure): half the cohort answered, for a realistic export.
    let json = serde_json::to_value(&answers).expect("json");
    let rest: Vec<response::ActiveModel> = invs[saves..invs.len() / 2]
        .iter()
        .map(|inv| response::ActiveModel {
            invitation_id: Set(inv.id),
            survey_version: Set(w.survey_version),
            status: Set("complete".into()),
            answers: Set(json.clone()),
            channels: Set("wechat".into()),
            revision: Set(3),
            opened_at: Set(Some(now)),
            consented_at: Set(Some(now)),
            consent_notice_version: Set(Some(2)),
            consent_channel: Set(Some("wechat".into())),
            completed_at: Set(Some(now)),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in rest.chunks(1000) {
        response::Entity::insert_many(chunk.to_vec())
            .exec(&db)
            .await
            .expect("responses");
    }

    let limiter = MemoryLimiter::new(u32::MAX, Duration::from_secs(900)).expect("limiter");
    let step = (invs.len() / LOOKUPS).max(1);
    let sample: Vec<&invitation::Model> = invs.iter().step_by(step).take(LOOKUPS).collect();
    let tokens: Vec<String> = sample
        .iter()
        .map(|inv| token::issue(&keys, &w, inv).expect("token"))
        .collect();
    let t = Instant::now();
    for tok in &tokens {
        responses::find_by_token(&db, &keys, &limiter, "ip", tok, now)
            .await
            .expect("by token");
    }
    println!(
        "find_by_token (verify + invitation + wave + response): {}",
        per_op(t.elapsed(), tokens.len())
    );
    let t = Instant::now();
    for inv in &sample {
        responses::find_by_code(&db, &limiter, "bot", &inv.code.to_lowercase(), now)
            .await
            .expect("by code");
    }
    println!(
        "find_by_code (normalise + invitation + wave + response): {}",
        per_op(t.elapsed(), sample.len())
    );

    for format in [Format::Csv, Format::Xlsx] {
        let t = Instant::now();
        let mut out = Vec::new();
        let report = export::export_responses(&db, &catalog, w.id, format, &mut out, "bench", now)
            .await
            .expect("export");
        println!(
            "export responses {} ({} rows, {} KiB): {}",
            format.as_str(),
            report.rows,
            out.len() / 1024,
            ms(t.elapsed())
        );
    }
}
