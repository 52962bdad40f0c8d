//! Timing of the indicators: the pure computation on GRADUATES graduates with facts at four
//! stages (in memory), then reading + computing from a database seeded with that many
//! graduates and a response per graduate at each of the four stages. Run with
//! `cargo bench --bench indicators -- [GRADUATES] [DATABASE_URL] [DB_GRADUATES] [rebuild]`
//! (defaults: 1000000 in memory; 100000 on a fresh SQLite file; a `postgres://` URL gets a
//! fresh schema). The database is seeded with the fact rows the save path writes; `rebuild`
//! also times the one-off fact rebuild from the stored answers.
use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeZone, Utc};
use gradtrace::indicators::{
    By, Cohort, Destination, Extractor, Facts, Person, Policy, PriceIndex, compute,
};
use gradtrace::store::entities::{graduate, invitation, response};
use gradtrace::store::indicators::{Selection, build, cohort};
use gradtrace::survey::{Answers, Catalog, CityTier, Stage, YearMonth, Zone};
use gradtrace::wave::{self as waves, NewWave};
use sea_orm::{
    ActiveModelTrait, DatabaseConnection, EntityTrait, PaginatorTrait, Set, TransactionTrait,
};

#[path = "support/alloc.rs"]
mod alloc;

const STAGES: [(Stage, &str); 4] = [
    (Stage::Graduation, "graduation"),
    (Stage::Year1, "year1"),
    (Stage::Year3, "year3"),
    (Stage::Year5, "year5"),
];

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn person(i: usize) -> Person {
    Person {
        graduate_id: i as i32 + 1,
        degree_level: ["bachelor", "master", "doctor"][i % 3].into(),
        department: format!("学院{}", i % 20),
        major: format!("专业{}", i % 200),
    }
}

fn facts(i: usize, stage: usize) -> Facts {
    let d = Destination::ALL[(i * 7 + stage) % 7];
    Facts {
        destination: Some(d),
        start: Some(YearMonth {
            year: 2025,
            month: 5 + (i % 8) as u32,
        }),
        employer_type: Some(["private", "state_owned", "foreign"][i % 3].into()),
        industry: Some(["i", "j", "c"][i % 3].into()),
        zone: Some([Zone::East, Zone::Central, Zone::West][i % 3]),
        tier: Some([CityTier::First, CityTier::Other][i % 2]),
        province: Some(["11", "44", "51"][i % 3].into()),
        salary: Some(4000.0 + (i % 97) as f64 * 100.0 + stage as f64 * 1000.0),
        major_match: Some([25.0, 50.0, 75.0, 100.0][i % 4]),
        job_satisfaction: Some([50.0, 75.0, 100.0][i % 3]),
        job_changes: Some((i % 3) as f64),
        promoted: (stage >= 2).then_some(i.is_multiple_of(2)),
        ..Facts::default()
    }
}

#[path = "support/db.rs"]
mod db;
use db::open_db;

/// Inserts `rows` in statements of `per` rows, twenty statements per transaction.
async fn bulk<A>(db: &DatabaseConnection, rows: impl Iterator<Item = A>, per: usize)
where
    A: ActiveModelTrait + Send,
{
    let mut rows = rows.peekable();
    while rows.peek().is_some() {
        let txn = db.begin().await.expect("begin");
        for _ in 0..20 {
            let chunk: Vec<A> = rows.by_ref().take(per).collect();
            if chunk.is_empty() {
                break;
            }
            A::Entity::insert_many(chunk)
                .exec_without_returning(&txn)
                .await
                .expect("insert");
        }
        txn.commit().await.expect("commit");
    }
}

fn answers(i: usize, stage: usize) -> serde_json::Value {
    let d = Destination::ALL[(i * 7 + stage) % 7];
    let mut a = serde_json::json!({"destination_type": {"choice": d.as_str()}});
    if d.placed() {
        let q = if stage == 0 {
            "destination_date"
        } else {
            "status_date"
        };
        a[q] = serde_json::json!({"year_month": format!("2025-{:02}", 5 + i % 8)});
    }
    if d.working() {
        a["industry"] = serde_json::json!({"choice": "i"});
        a["work_region"] = serde_json::json!({"province": "44", "city": "4403", "county": false});
        a["monthly_salary"] = serde_json::json!({"number": 4000 + (i % 97) * 100});
        a["major_match"] = serde_json::json!({"rating": 1 + i % 5});
        a["job_satisfaction"] = serde_json::json!({"rating": 1 + i % 5});
    }
    a
}

/// Seeds `db_n` graduates of 2025, and at each of the four stages a wave, an invitation and a
/// complete response per graduate with the fact rows the save path writes.
async fn seed(db: &DatabaseConnection, catalog: &Catalog, db_n: usize, now: chrono::DateTime<Utc>) {
    let graduate_id = |i: usize| i as i32 + 1;
    bulk(
        db,
        (0..db_n).map(|i| {
            let p = person(i);
            graduate::ActiveModel {
                id: Set(graduate_id(i)),
                student_id: Set(format!("2025{i:07}")),
                name: Set(format!("学生{i}")),
                degree_level: Set(p.degree_level),
                department: Set(p.department),
                major: Set(p.major),
                class_name: Set(format!("班{}", i % 1000)),
                graduation_date: Set(NaiveDate::from_ymd_opt(2025, 6, 30).unwrap()),
                graduation_year: Set(2025),
                attributes: Set(serde_json::json!({})),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
        }),
        1000,
    )
    .await;
    for (s, (_, survey)) in STAGES.iter().enumerate() {
        let survey = catalog.survey(survey).expect("survey");
        let w = waves::create(
            db,
            NewWave {
                survey,
                cohort_year: 2025,
                opens_at: now,
                closes_at: None,
                plan: Default::default(),
            },
            now,
        )
        .await
        .expect("wave");
        // Invitation and response ids: one block of `db_n` per stage.
        let id = |i: usize| (s * db_n + i) as i32 + 1;
        bulk(
            db,
            (0..db_n).map(|i| invitation::ActiveModel {
                id: Set(id(i)),
                wave_id: Set(w.id),
                graduate_id: Set(Some(graduate_id(i))),
                employer_id: Set(None),
                code: Set(format!("B{s}{i:08}")),
                contact_state: Set(None),
                created_at: Set(now),
            }),
            2000,
        )
        .await;
        let version = w.survey_version;
        bulk(
            db,
            (0..db_n).map(|i| response::ActiveModel {
                id: Set(id(i)),
                invitation_id: Set(id(i)),
                survey_version: Set(version),
                status: Set("complete".into()),
                answers: Set(answers(i, s)),
                channels: Set("web".into()),
                revision: Set(1),
                updated_at: Set(now),
                ..Default::default()
            }),
            1000,
        )
        .await;
        // The fact rows the save path would have written with the answers.
        let ex = Extractor::new(survey);
        bulk(
            db,
            (0..db_n).map(|i| {
                let a: Answers = serde_json::from_value(answers(i, s)).expect("answers");
                gradtrace::store::facts::row(id(i), w.id, graduate_id(i), &ex, &a)
            }),
            1000,
        )
        .await;
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let n: usize = args
        .first()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let policy = Policy::default();
    let prices = PriceIndex::shipped().expect("prices");

    // 1. Pure computation, in memory.
    let t = Instant::now();
    let mut c = Cohort::new(2025, (0..n).map(person).collect());
    for (s, (stage, _)) in STAGES.iter().enumerate() {
        for i in 0..n {
            c.add(i as i32 + 1, *stage, facts(i, s));
        }
    }
    println!(
        "in memory: {n} graduates × 4 stages of facts built in {} (setup)",
        ms(t.elapsed())
    );
    for by in [By::School, By::Department, By::Major, By::DegreeLevel] {
        let t = Instant::now();
        let r = compute(&c, by, &[], &policy, &prices);
        println!(
            "compute all stages by {by:?}: {} groups in {}",
            r.len(),
            ms(t.elapsed())
        );
    }
    let mut one = Cohort::new(2025, (0..n).filter(|i| i % 200 == 7).map(person).collect());
    for (s, (stage, _)) in STAGES.iter().enumerate() {
        for i in (0..n).filter(|i| i % 200 == 7) {
            one.add(i as i32 + 1, *stage, facts(i, s));
        }
    }
    let t = Instant::now();
    compute(&one, By::Major, &[], &policy, &prices);
    println!(
        "compute one major ({} graduates): {}",
        one.roster.len(),
        ms(t.elapsed())
    );
    drop(c);

    // 2. From the database.
    let db_n: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let (db, _dir, _) = open_db(args.get(1).map(String::as_str)).await;
    let catalog = Catalog::load(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("surveys")
            .as_path(),
    )
    .expect("surveys");
    let now = Utc.with_ymd_and_hms(2025, 7, 1, 2, 0, 0).unwrap();
    let t = Instant::now();
    // Setup, not timed: multi-row inserts with explicit ids, many statements per transaction
    // (skipped on a schema an earlier run seeded, see bench/support/db.rs).
    let seeded = graduate::Entity::find().count(&db).await.expect("count") as usize;
    if seeded == 0 {
        seed(&db, &catalog, db_n, now).await;
        println!(
            "database: {db_n} graduates × 4 stages seeded with their fact rows in {} (setup)",
            ms(t.elapsed())
        );
    } else {
        println!("database: {seeded} graduates seeded by an earlier run");
    }
    if args.get(3).is_some_and(|a| a == "rebuild") {
        // The one-off rebuild from the answers (as after an upgrade); the form, bot and import
        // write facts as they save.
        let t = Instant::now();
        let n_facts = gradtrace::store::facts::rebuild(&db).await.expect("facts");
        println!(
            "database: fact table rebuilt from {n_facts} responses in {} (one-off)",
            ms(t.elapsed())
        );
    }
    let t = Instant::now();
    let sel = Selection {
        cohort: 2025,
        ..Selection::default()
    };
    let c = cohort(&db, catalog.regions(), &sel).await.expect("load");
    let loaded = t.elapsed();
    let t = Instant::now();
    compute(&c, By::School, &[], &policy, &prices);
    let school = t.elapsed();
    println!(
        "database: whole school read {} + computed school-wide {}: {}",
        ms(loaded),
        ms(school),
        ms(loaded + school)
    );
    let t = Instant::now();
    let r = compute(&c, By::Major, &[], &policy, &prices);
    println!(
        "database: the same read, computed by major ({} groups): {} + {}",
        r.len(),
        ms(loaded),
        ms(t.elapsed())
    );
    drop(c);

    // What the pages, the API and the command line run: `store::indicators::build`, with the
    // employer evaluation and the major warning (scores of every major of three cohorts).
    let config =
        gradtrace::config::Config::local("sqlite::memory:", "bench-secret-bench-secret-0123456789");
    let cfg = &config.indicators;
    let t = Instant::now();
    let out = build(&db, catalog.regions(), cfg, &sel, By::School)
        .await
        .expect("build");
    println!(
        "database: full school-wide recomputation (build, by school, all stages, major scores computed and kept, {} warnings): {}",
        out.warnings.len(),
        ms(t.elapsed())
    );
    let sel = Selection {
        cohort: 2025,
        department: Some("学院7".into()),
        major: Some("专业7".into()),
        ..Selection::default()
    };
    let mut times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let out = build(&db, catalog.regions(), cfg, &sel, By::Major)
            .await
            .expect("build");
        times.push(t.elapsed());
        assert_eq!(out.groups.len(), 1);
    }
    times.sort();
    let c = cohort(&db, catalog.regions(), &sel).await.expect("load");
    println!(
        "database: one major's page ({} graduates; build, all stages, kept scores): median {} of 5 (min {}, max {})",
        c.roster.len(),
        ms(times[2]),
        ms(times[0]),
        ms(times[4])
    );
}
