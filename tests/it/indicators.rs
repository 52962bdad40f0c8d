//! Indicators read from the database (both back-ends): facts by tag, the latest answers
//! (corrections after the wave closed included), one-major selection, employers; and the CLI
//! table.
use chrono::{Duration, NaiveDate};
use gradtrace::indicators::{By, Policy, PriceIndex, compute, employer_report};
use gradtrace::store::entities::{employer, graduate, invitation, wave};
use gradtrace::store::indicators::{Selection, cohort, employers};
use gradtrace::store::responses::{self, Channel, Status};
use gradtrace::survey::{Catalog, Stage};
use gradtrace::wave::NewWave;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};

use crate::app::test_now;

pub(crate) fn catalog() -> Catalog {
    Catalog::load(std::path::Path::new("surveys")).expect("surveys")
}

pub(crate) async fn add_graduate(
    db: &DatabaseConnection,
    n: i32,
    year: i32,
    dept: &str,
    major: &str,
) -> i32 {
    let now = test_now();
    graduate::ActiveModel {
        student_id: Set(format!("{year}{n:04}")),
        name: Set(format!("同学{n:02}")),
        degree_level: Set("bachelor".into()),
        department: Set(dept.into()),
        major: Set(major.into()),
        class_name: Set("c1".into()),
        graduation_date: Set(NaiveDate::from_ymd_opt(year, 6, 30).expect("date")),
        graduation_year: Set(year),
        email: Set(None),
        phone: Set(None),
        gender: Set(None),
        wechat_openid: Set(None),
        lang: Set(None),
        attributes: Set(json!({})),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("graduate")
    .id
}

pub(crate) async fn new_wave(
    db: &DatabaseConnection,
    catalog: &Catalog,
    survey: &str,
    year: i32,
) -> wave::Model {
    let now = test_now();
    let w = gradtrace::wave::create(
        db,
        NewWave {
            survey: catalog.survey(survey).expect("survey"),
            cohort_year: year,
            opens_at: now - Duration::days(10),
            closes_at: Some(now - Duration::days(1)),
            plan: Default::default(),
        },
        now - Duration::days(11),
    )
    .await
    .expect("wave");
    gradtrace::wave::invite::invite(db, w.id, now - Duration::days(10))
        .await
        .expect("invite");
    w
}

/// Answers `answers` for the invitation of `who` (graduate or employer id) in `w`.
pub(crate) async fn respond(
    db: &DatabaseConnection,
    w: &wave::Model,
    who: i32,
    answers: Value,
    status: Status,
) -> i32 {
    let col = if w.stage == "employer" {
        invitation::Column::EmployerId
    } else {
        invitation::Column::GraduateId
    };
    let inv = invitation::Entity::find()
        .filter(invitation::Column::WaveId.eq(w.id))
        .filter(col.eq(who))
        .one(db)
        .await
        .expect("query")
        .expect("invited");
    let at = test_now() - Duration::days(5);
    let opened = responses::open(db, inv.id, Channel::Web, at)
        .await
        .expect("open");
    let r = responses::record_consent(db, opened.id, 1, true, Channel::Web, at)
        .await
        .expect("consent");
    responses::save_answers(db, r.id, r.revision, &answers, status, Channel::Web, at)
        .await
        .expect("answers");
    r.id
}

pub(crate) fn employed(month: &str, salary: f64, province: &str, city: &str) -> Value {
    json!({
        "destination_type": {"choice": "employed"},
        "destination_date": {"year_month": month},
        "employer_type": {"choice": "private"},
        "industry": {"choice": "i"},
        "work_region": {"province": province, "city": city, "county": false},
        "monthly_salary": {"number": salary},
        "major_match": {"rating": 5},
    })
}

storage_test! {
    async fn facts_are_read_by_tag_with_the_latest_answers(t) {
        let db = &t.db;
        let catalog = catalog();
        let mut ids = Vec::new();
        for n in 0..5 {
            ids.push(add_graduate(db, n, 2025, "计算机学院", "软件工程").await);
        }
        ids.push(add_graduate(db, 5, 2025, "经济学院", "金融学").await);
        add_graduate(db, 6, 2024, "计算机学院", "软件工程").await;
        let w = new_wave(db, &catalog, "graduation", 2025).await;
        respond(db, &w, ids[0], employed("2025-06", 8000.0, "11", "1101"), Status::Complete).await;
        respond(db, &w, ids[1], employed("2025-08", 6000.0, "44", "4403"), Status::Complete).await;
        respond(db, &w, ids[2], employed("2025-10", 7000.0, "42", "4201"), Status::Partial).await;
        // Answered "unemployed" in the wave, corrected after it closed: employed from November.
        let late = respond(
            db,
            &w,
            ids[3],
            json!({"destination_type": {"choice": "unemployed"}}),
            Status::Complete,
        )
        .await;
        let r = responses::find(db, {
            let m = gradtrace::store::entities::response::Entity::find_by_id(late)
                .one(db).await.expect("q").expect("response");
            m.invitation_id
        }).await.expect("q").expect("response");
        responses::save_answers(
            db,
            r.id,
            r.revision,
            &employed("2025-11", 5000.0, "11", "1101"),
            Status::Complete,
            Channel::Staff,
            test_now() + Duration::days(3),
        )
        .await
        .expect("correction");
        // ids[4] only opened the link: not a respondent. ids[5] (another major) unemployed.
        let inv4 = invitation::Entity::find()
            .filter(invitation::Column::GraduateId.eq(ids[4]))
            .one(db).await.expect("q").expect("inv");
        responses::open(db, inv4.id, Channel::Web, test_now()).await.expect("open");
        respond(db, &w, ids[5], json!({"destination_type": {"choice": "unemployed"}}), Status::Complete).await;

        let sel = Selection { cohort: 2025, ..Selection::default() };
        let c = cohort(db, catalog.regions(), &sel).await.expect("load");
        assert_eq!(c.roster.len(), 6);
        let open = Policy { min_cell: 1, low_coverage: 0.5 };
        let prices = PriceIndex::shipped().expect("prices");
        let school = compute(&c, By::School, &[Stage::Graduation], &open, &prices);
        let s = &school[0].stages[0];
        assert_eq!((s.coverage.respondents, s.coverage.roster), (5, 6));
        // By 31 Aug: ids 0 and 1; by 31 Dec also 2 (Oct) and 3 (Nov, corrected).
        assert_eq!(s.employment_rate_aug31.as_ref().and_then(|f| f.value()), Some(2.0 / 5.0));
        assert_eq!(s.employment_rate_dec31.as_ref().and_then(|f| f.value()), Some(4.0 / 5.0));
        assert_eq!(s.employment_rate_dec31_roster.as_ref().and_then(|f| f.value()), Some(4.0 / 6.0));
        assert_eq!(s.salary.median.value(), Some(6500.0));
        assert_eq!(s.zone.shares["east"].value(), Some(3.0 / 4.0));
        assert_eq!(s.city_tier.shares["first"].value(), Some(3.0 / 4.0));
        assert_eq!(s.major_match.value(), Some(1.0));

        // One major: its roster and responses only.
        let one = Selection {
            cohort: 2025,
            major: Some("软件工程".into()),
            ..Selection::default()
        };
        let c = cohort(db, catalog.regions(), &one).await.expect("load");
        let r = compute(&c, By::Major, &[], &open, &prices);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].stages.len(), 4);
        assert_eq!((r[0].stages[0].coverage.respondents, r[0].stages[0].coverage.roster), (4, 5));
        assert_eq!(r[0].stages[1].coverage.respondents, 0);
        // Default policy: the five respondents make rates, the four of one major do not.
        let strict = Policy::default();
        assert!(!compute(&cohort(db, catalog.regions(), &sel).await.expect("load"), By::School, &[Stage::Graduation], &strict, &prices)[0].stages[0].placed_rate.suppressed());
        assert!(compute(&c, By::Major, &[Stage::Graduation], &strict, &prices)[0].stages[0].placed_rate.suppressed());
    }
}

storage_test! {
    async fn employer_facts_are_read(t) {
        let db = &t.db;
        let catalog = catalog();
        let now = test_now();
        let mut ids = Vec::new();
        for i in 0..2 {
            ids.push(
                employer::ActiveModel {
                    uscc: Set(format!("91110000MA0000000{i}")),
                    name: Set(format!("用人单位{i}")),
                    employer_type: Set("private".into()),
                    industry: Set("i".into()),
                    province: Set("11".into()),
                    city: Set("1101".into()),
                    contact_name: Set(None),
                    email: Set(None),
                    phone: Set(None),
                    lang: Set(None),
                    attributes: Set(json!({})),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(db)
                .await
                .expect("employer")
                .id,
            );
        }
        let w = new_wave(db, &catalog, "employer", 2025).await;
        respond(
            db,
            &w,
            ids[0],
            json!({
                "job_levels": {"choices": ["junior"]},
                "junior_ethics": {"rating": 4},
                "junior_job_fit": {"rating": 5},
                "rehire_willingness": {"choice": "yes"},
            }),
            Status::Complete,
        )
        .await;
        let (invited, facts) = employers(db, 2025).await.expect("load");
        assert_eq!((invited, facts.len()), (2, 1));
        let open = Policy { min_cell: 1, low_coverage: 0.5 };
        let r = employer_report(2025, invited, &facts, &open.rate(1, 2), &open);
        assert_eq!(r.satisfaction["ethics"]["junior"].mean.value(), Some(75.0));
        assert_eq!(r.satisfaction["job_fit"]["all"].satisfied.value(), Some(1.0));
        assert_eq!(r.rehire.value(), Some(1.0));
        assert_eq!(r.match_gap.value(), Some(-0.5));
        assert_eq!(r.coverage.response_rate, Some(0.5));
    }
}

storage_test! {
    async fn fact_rows_follow_every_save_and_rebuild_the_same(t) {
        use gradtrace::store::entities::response_fact;
        let db = &t.db;
        let catalog = catalog();
        let g = add_graduate(db, 1, 2025, "计算机学院", "软件工程").await;
        let g2 = add_graduate(db, 2, 2025, "计算机学院", "软件工程").await;
        let w = new_wave(db, &catalog, "graduation", 2025).await;
        let id = respond(db, &w, g, employed("2025-06", 8000.0, "44", "4403"), Status::Complete).await;
        respond(db, &w, g2, json!({"destination_type": {"choice": "unemployed"},
            "slow_employment_causes": {"choices": ["family", "job_search_skills"]}}), Status::Partial).await;
        let row = response_fact::Entity::find_by_id(id).one(db).await.expect("q").expect("fact row written with the answers");
        assert_eq!((row.graduate_id, row.wave_id), (g, w.id));
        assert_eq!(row.destination, Some(0), "employed is the first destination");
        assert_eq!(row.start_month, Some(2025 * 12 + 5));
        assert_eq!((row.province.as_deref(), row.city.as_deref(), row.county), (Some("44"), Some("4403"), Some(false)));
        assert_eq!(row.salary, Some(8000.0));
        assert_eq!(row.major_match, Some(100.0));

        // A correction rewrites the row in the same save.
        let r = gradtrace::store::entities::response::Entity::find_by_id(id).one(db).await.expect("q").expect("r");
        responses::save_answers(db, id, r.revision, &json!({"destination_type": {"choice": "further_study"}}),
            Status::Complete, Channel::Staff, test_now()).await.expect("save");
        let row = response_fact::Entity::find_by_id(id).one(db).await.expect("q").expect("row");
        assert_eq!(row.destination, Some(3));
        assert_eq!((row.salary, row.province), (None, None));
        let rows = response_fact::Entity::find().all(db).await.expect("rows");
        assert_eq!(rows.len(), 2, "one row per response, never a second");
        assert_eq!(rows.iter().find(|r| r.graduate_id == g2).and_then(|r| r.slow_causes.clone()).as_deref(), Some("family,job_search_skills"));

        // An employer's answers have no fact row.
        let e = employer::ActiveModel {
            uscc: Set("91110000MA00000001".into()), name: Set("单位".into()), employer_type: Set("private".into()),
            industry: Set("i".into()), province: Set("11".into()), city: Set("1101".into()),
            attributes: Set(json!({})), created_at: Set(test_now()), updated_at: Set(test_now()),
            ..Default::default()
        }.insert(db).await.expect("employer");
        let ew = new_wave(db, &catalog, "employer", 2025).await;
        respond(db, &ew, e.id, json!({"rehire_willingness": {"choice": "yes"}}), Status::Partial).await;
        assert_eq!(response_fact::Entity::find().all(db).await.expect("rows").len(), 2);

        // Rebuilt from the stored answers: the same rows.
        response_fact::Entity::delete_many().exec(db).await.expect("wipe");
        let n = gradtrace::store::facts::rebuild(db).await.expect("rebuild");
        assert_eq!(n, 2);
        let mut again = response_fact::Entity::find().all(db).await.expect("rows");
        let mut before = rows;
        again.sort_by_key(|r| r.response_id);
        before.sort_by_key(|r| r.response_id);
        assert_eq!(again, before);
    }
}

storage_test! {
    async fn major_pages_use_the_stored_scores_of_every_major(t) {
        use gradtrace::store::entities::major_score;
        use gradtrace::store::indicators::build;
        let db = &t.db;
        let catalog = catalog();
        let mut config = crate::app::config(&t.url);
        // Three cohorts, three majors of five graduates; 电气 has nobody employed in any cohort.
        let majors = ["计算机", "数学", "电气"];
        let mut last_electrical = Vec::new();
        for year in 2023..=2025 {
            let mut ids = Vec::new();
            for (m, major) in majors.iter().enumerate() {
                for k in 0..5 {
                    let n = (year - 2023) * 100 + m as i32 * 10 + k;
                    ids.push((m, add_graduate(db, n, year, "信息学院", major).await));
                }
            }
            let w = new_wave(db, &catalog, "graduation", year).await;
            last_electrical.clear();
            for (m, g) in ids {
                let answers = if m == 2 {
                    json!({"destination_type": {"choice": "unemployed"}})
                } else {
                    employed(&format!("{year}-07"), 6000.0 + m as f64 * 1000.0, "44", "4403")
                };
                let r = respond(db, &w, g, answers, Status::Complete).await;
                if m == 2 && year == 2025 {
                    last_electrical.push((w.clone(), g, r));
                }
            }
        }
        let whole = Selection { cohort: 2025, ..Selection::default() };
        let major = Selection { cohort: 2025, department: Some("信息学院".into()), major: Some("电气".into()), ..Selection::default() };
        let regions = catalog.regions();
        // On SQLite the facts are read by the bulk scans beside the pool.
        assert_eq!(gradtrace::store::scan::sqlite_file(db).is_some(), t.schema.is_none());

        // The school-wide figures compute and keep the scores of all three cohorts.
        let school = build(db, regions, &config.indicators, &whole, By::Major).await.expect("school");
        let flagged: Vec<_> = school.warnings.iter().filter_map(|w| w.major.major.clone()).collect();
        assert_eq!(flagged, ["电气"]);
        assert_eq!(school.warnings[0].evidence.len(), 3);
        assert!(school.warnings_as_of.is_some());
        let kept = major_score::Entity::find().all(db).await.expect("kept");
        assert_eq!(kept.iter().map(|k| k.cohort).collect::<std::collections::BTreeSet<_>>(), [2023, 2024, 2025].into());

        // 电气's 2025 graduates all find work after that.
        for (w, g, r) in &last_electrical {
            let stored = gradtrace::store::entities::response::Entity::find_by_id(*r).one(db).await.expect("q").expect("r");
            responses::save_answers(db, *r, stored.revision, &employed("2025-08", 9000.0, "44", "4403"),
                Status::Complete, Channel::Staff, test_now()).await.expect("correct");
            assert!(*g > 0 && w.cohort_year == 2025);
        }

        // The major's own figures are read now; its warning comes from the kept scores while
        // they are recent, and says when they were computed.
        let page = build(db, regions, &config.indicators, &major, By::Major).await.expect("major");
        let employed_now = page.groups[0].stages.iter().find(|s| s.stage == Stage::Graduation).expect("stage")
            .employment_rate_dec31.as_ref().and_then(|f| f.value());
        assert_eq!(employed_now, Some(1.0), "the page's own figures are current");
        assert_eq!(page.warnings.len(), 1, "the kept scores still flag it");
        assert_eq!(page.warnings_as_of, school.warnings_as_of);

        // Past their age the kept scores still answer at once, and are recomputed in the
        // background; the next page has the warning gone.
        config.indicators.warning_max_age_minutes = 0;
        let page = build(db, regions, &config.indicators, &major, By::Major).await.expect("major");
        assert_eq!(page.warnings.len(), 1);
        assert_eq!(page.warnings_as_of, school.warnings_as_of);
        let mut refreshed = false;
        for _ in 0..200 {
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
            let kept = major_score::Entity::find().all(db).await.expect("kept");
            if kept.len() == 3 && kept.iter().all(|k| Some(k.computed_at) > school.warnings_as_of) {
                refreshed = true;
                break;
            }
        }
        assert!(refreshed, "the stale scores were recomputed in the background");
        config.indicators.warning_max_age_minutes = 600;
        let page = build(db, regions, &config.indicators, &major, By::Major).await.expect("major");
        assert!(page.warnings.is_empty(), "{:?}", page.warnings);
        assert!(page.warnings_as_of > school.warnings_as_of);

        // A change of the rule is never served from scores computed under another.
        config.indicators.warning_bottom_share = 0.5;
        let page = build(db, regions, &config.indicators, &major, By::Major).await.expect("major");
        let stored = major_score::Entity::find_by_id(2025).one(db).await.expect("q").expect("2025");
        assert!(stored.settings.contains("0.5"), "{}", stored.settings);
        assert!(page.warnings.is_empty());

        // The school-wide figures always recompute their own cohort.
        config.indicators.warning_bottom_share = 0.05;
        let school = build(db, regions, &config.indicators, &whole, By::Major).await.expect("school");
        assert!(school.warnings.is_empty());

        // An age beyond any duration means "keep for ever", not a crash.
        config.indicators.warning_max_age_minutes = u64::MAX;
        let page = build(db, regions, &config.indicators, &major, By::Major).await.expect("major");
        assert_eq!(page.warnings_as_of, school.warnings_as_of);
    }
}

storage_test! {
    async fn answers_stop_counting_when_declined_or_opted_out(t) {
        use gradtrace::store::entities::{response, response_fact};
        let db = &t.db;
        let catalog = catalog();
        let ids = [
            add_graduate(db, 1, 2025, "计算机学院", "软件工程").await,
            add_graduate(db, 2, 2025, "计算机学院", "软件工程").await,
            add_graduate(db, 3, 2025, "计算机学院", "软件工程").await,
        ];
        let w = new_wave(db, &catalog, "graduation", 2025).await;
        let mut rs = Vec::new();
        for g in ids {
            rs.push(respond(db, &w, g, employed("2025-07", 8000.0, "44", "4403"), Status::Partial).await);
        }
        let open = Policy { min_cell: 1, low_coverage: 0.5 };
        let prices = PriceIndex::shipped().expect("prices");
        let sel = Selection { cohort: 2025, ..Selection::default() };
        let respondents = || async {
            let c = cohort(db, catalog.regions(), &sel).await.expect("load");
            compute(&c, By::School, &[Stage::Graduation], &open, &prices)[0].stages[0].coverage.respondents
        };
        assert_eq!(respondents().await, 3);

        // The first opts out, the second withdraws consent: their answers stay stored, but
        // neither counts any more, and their fact rows are gone.
        let inv0 = response::Entity::find_by_id(rs[0]).one(db).await.expect("q").expect("r").invitation_id;
        responses::opt_out(db, inv0, Channel::Web, test_now()).await.expect("opt out");
        let r1 = response::Entity::find_by_id(rs[1]).one(db).await.expect("q").expect("r");
        responses::record_consent(db, r1.id, 1, false, Channel::Web, test_now()).await.expect("decline");
        assert_eq!(respondents().await, 1);
        let kept: Vec<i32> = response_fact::Entity::find().all(db).await.expect("rows").iter().map(|f| f.response_id).collect();
        assert_eq!(kept, [rs[2]]);
        let r1 = response::Entity::find_by_id(rs[1]).one(db).await.expect("q").expect("r");
        assert_eq!(r1.answers["monthly_salary"]["number"], json!(8000.0));

        // Consenting again and saving makes the second count again.
        let r1 = responses::record_consent(db, r1.id, 1, true, Channel::Web, test_now()).await.expect("consent");
        responses::save_answers(db, r1.id, r1.revision, &employed("2025-07", 8500.0, "44", "4403"),
            Status::Complete, Channel::Web, test_now()).await.expect("save");
        assert_eq!(respondents().await, 2);

        // A rebuild drops a fact row that should not be there (written some other way).
        let ex = gradtrace::indicators::Extractor::new(catalog.survey("graduation").expect("survey"));
        let answers: gradtrace::survey::Answers = serde_json::from_value(employed("2025-07", 1.0, "44", "4403")).expect("answers");
        response_fact::Entity::insert(gradtrace::store::facts::row(rs[0], w.id, ids[0], &ex, &answers))
            .exec(db).await.expect("stray row");
        assert_eq!(respondents().await, 3);
        assert_eq!(gradtrace::store::facts::rebuild(db).await.expect("rebuild"), 2);
        assert_eq!(respondents().await, 2);
    }
}

/// The same answers read by each of the three scan paths (rusqlite on a SQLite file, sqlx on
/// PostgreSQL, sea-orm on a SQLite database in memory) give the same figures.
#[tokio::test]
async fn every_scan_path_reads_the_same_facts() {
    async fn seed_and_read(db: &DatabaseConnection) -> String {
        let catalog = catalog();
        let mut ids = Vec::new();
        for n in 0..8 {
            let major = if n % 2 == 0 {
                "软件工程"
            } else {
                "金融学"
            };
            ids.push(add_graduate(db, n, 2025, "学院", major).await);
        }
        let w = new_wave(db, &catalog, "graduation", 2025).await;
        for (k, g) in ids.iter().enumerate().skip(1) {
            let answers = match k % 3 {
                0 => {
                    json!({"destination_type": {"choice": "unemployed"}, "slow_causes": {"choices": ["family", "job_search_skills"]}})
                }
                1 => employed("2025-07", 5000.0 + k as f64 * 750.0, "44", "4403"),
                _ => employed("2025-11", 9000.0, "51", "5101"),
            };
            respond(db, &w, *g, answers, Status::Complete).await;
        }
        let sel = Selection {
            cohort: 2025,
            ..Selection::default()
        };
        let c = cohort(db, catalog.regions(), &sel).await.expect("load");
        let open = Policy {
            min_cell: 1,
            low_coverage: 0.5,
        };
        let r = compute(
            &c,
            By::Major,
            &[],
            &open,
            &PriceIndex::shipped().expect("prices"),
        );
        serde_json::to_string(&r).expect("json")
    }
    let file = crate::common::TestDb::sqlite().await;
    let pg = crate::common::TestDb::postgres().await;
    let memory = gradtrace::store::connect("sqlite::memory:")
        .await
        .expect("memory");
    gradtrace::store::migrate(&memory).await.expect("migrate");
    assert!(gradtrace::store::scan::sqlite_file(&file.db).is_some());
    assert!(gradtrace::store::scan::sqlite_file(&memory).is_none());
    let from_file = seed_and_read(&file.db).await;
    assert!(from_file.contains("salary"), "{from_file}");
    assert_eq!(seed_and_read(&pg.db).await, from_file);
    assert_eq!(seed_and_read(&memory).await, from_file);
}
