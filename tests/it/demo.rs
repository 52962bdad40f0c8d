//! `gradtrace demo`: the seeded school is complete, realistic and valid by the engine's own rules,
//! a second run adds nothing, the printed links open the form, and the command works from a
//! fresh folder.
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use axum::http::StatusCode;
use gradtrace::demo::{self, SecretSource, Seeded};
use gradtrace::respond;
use gradtrace::store::entities::{
    consent_event, employer, graduate, invitation, response, staff, wave,
};
use gradtrace::store::responses::Status;
use gradtrace::survey::{Answer, Engine, Zone};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};

use std::sync::Arc;

use gradtrace::clock::{Clock, ManualClock};
use gradtrace::i18n::Localizer;
use gradtrace::survey::Catalog;
use gradtrace::wave::limit::MemoryLimiter;
use gradtrace::wave::token::TokenKeys;
use gradtrace::web::Services;

use crate::app::TestApp;
use crate::common::TestDb;

async fn seed(app: &TestApp) -> Seeded {
    demo::seed(&app.state.db, &app.state.catalog, app.state.clock.as_ref())
        .await
        .expect("demo seeds")
}

/// Everything a re-run could duplicate, counted.
async fn counts(db: &DatabaseConnection) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    out.insert(
        "graduates".into(),
        graduate::Entity::find().count(db).await.unwrap(),
    );
    out.insert(
        "employers".into(),
        employer::Entity::find().count(db).await.unwrap(),
    );
    out.insert(
        "staff".into(),
        staff::Entity::find().count(db).await.unwrap(),
    );
    out.insert(
        "waves".into(),
        wave::Entity::find().count(db).await.unwrap(),
    );
    out.insert(
        "invitations".into(),
        invitation::Entity::find().count(db).await.unwrap(),
    );
    out.insert(
        "consents".into(),
        consent_event::Entity::find().count(db).await.unwrap(),
    );
    for status in Status::ALL {
        let n = response::Entity::find()
            .filter(response::Column::Status.eq(status.as_str()))
            .count(db)
            .await
            .unwrap();
        out.insert(format!("responses.{status}"), n);
    }
    out
}

/// Responses of one wave by status (`none` = invited, never opened).
async fn statuses(db: &DatabaseConnection, w: &wave::Model) -> BTreeMap<String, u64> {
    let summary = gradtrace::wave::list(db)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.wave.id == w.id)
        .unwrap();
    let mut out = summary.by_status.clone();
    out.insert(
        "none".into(),
        summary.invited - summary.by_status.values().sum::<u64>(),
    );
    out.insert("invited".into(), summary.invited);
    out
}

#[tokio::test]
async fn seeding_twice_builds_one_school_with_every_stage_and_status() {
    let t = TestDb::sqlite().await;
    let app = TestApp::new(&t).await;
    let first = seed(&app).await;
    let after_first = counts(&t.db).await;
    let again = seed(&app).await;
    assert_eq!(
        counts(&t.db).await,
        after_first,
        "a second run changed the counts"
    );
    assert_eq!(again.responses_created, 0);
    assert!(
        first.responses_created > 1500,
        "{}",
        first.responses_created
    );
    assert!(first.unanswerable.is_empty(), "{:?}", first.unanswerable);

    // The test clock stands at 2025-09-01: the 2025 cohort is at graduation, 2024 at year 1…
    assert_eq!(
        first.graduates.keys().rev().copied().collect::<Vec<_>>(),
        [2025, 2024, 2022, 2020]
    );
    assert_eq!(
        after_first["graduates"],
        first.graduates.values().sum::<usize>() as u64
    );
    for n in first.graduates.values() {
        assert!((280..=340).contains(n), "cohort of {n}");
    }
    assert_eq!(after_first["employers"], 40);
    assert_eq!(after_first["staff"], first.staff.len() as u64);
    assert_eq!(after_first["waves"], 11);
    assert_eq!(first.open_waves.len(), 5);
    assert_eq!(first.past_waves.len(), 6);
    assert!(
        first
            .past_waves
            .iter()
            .all(|w| w.closes_at < Some(crate::app::test_now()))
    );

    let cohort_of = |stage: &str| match stage {
        "graduation" => 2025,
        "year1" => 2024,
        "year3" => 2022,
        "year5" => 2020,
        _ => 2025,
    };
    for w in &first.open_waves {
        assert_eq!(w.cohort_year, cohort_of(&w.stage), "{}", w.stage);
        let s = statuses(&t.db, w).await;
        let invited = s["invited"];
        let expected = if w.stage == "employer" {
            40
        } else {
            first.graduates[&w.cohort_year] as u64
        };
        assert_eq!(
            invited, expected,
            "{}: everyone of the cohort is invited",
            w.stage
        );
        let share = |k: &str| s.get(k).copied().unwrap_or(0) as f64 / invited as f64;
        let answered = share("complete") + share("partial");
        let (lo, hi) = match w.stage.as_str() {
            "graduation" => (0.6, 0.85),
            "year5" => (0.3, 0.55),
            _ => (0.35, 0.75),
        };
        assert!(
            (lo..hi).contains(&answered),
            "{}: {answered} answered",
            w.stage
        );
        assert!(share("none") > 0.1, "{}: nobody left to chase", w.stage);
        if w.stage != "employer" {
            assert!(share("partial") > 0.03, "{}: no partial responses", w.stage);
        }
    }
    assert!(after_first["responses.declined"] > 10);
    assert!(after_first["responses.opted_out"] > 10);
    assert!(after_first["responses.opened"] > 10);
    // Every answered response went through the privacy notice.
    let answered = after_first["responses.complete"] + after_first["responses.partial"];
    assert!(after_first["consents"] >= answered + after_first["responses.declined"]);
}

#[tokio::test]
async fn every_stored_answer_is_valid_and_complete_responses_are_complete() {
    let t = TestDb::sqlite().await;
    let app = TestApp::new(&t).await;
    seed(&app).await;
    let catalog = &app.state.catalog;
    let today = app.state.clock.today();
    let rows = response::Entity::find()
        .find_also_related(invitation::Entity)
        .all(&t.db)
        .await
        .unwrap();
    let waves: BTreeMap<i32, wave::Model> = wave::Entity::find()
        .all(&t.db)
        .await
        .unwrap()
        .into_iter()
        .map(|w| (w.id, w))
        .collect();
    let mut checked = BTreeMap::<String, usize>::new();
    // Salaries at graduation by degree level, and where people work.
    let mut salaries: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let (mut east, mut regions) = (0, 0);
    let mut ratings = Vec::new();
    for (r, inv) in rows {
        let inv = inv.expect("a response belongs to an invitation");
        let w = &waves[&inv.wave_id];
        let survey = respond::survey_at(&t.db, catalog, &w.survey_id, r.survey_version)
            .await
            .unwrap();
        let ctx = respond::context_for(&t.db, &inv, &survey, today)
            .await
            .unwrap();
        let answers = respond::answers_of(&r).unwrap();
        let engine = Engine::new(catalog, &survey);
        let effective = engine.effective_answers(&ctx, &answers);
        assert_eq!(
            effective, answers,
            "response {}: answers to hidden questions",
            r.id
        );
        for (qid, a) in answers.iter() {
            let q = survey
                .question(qid)
                .expect("answers name questions of the survey");
            if let Err(e) = engine.validate(q, a, &ctx, &effective) {
                panic!(
                    "response {} ({}): {qid} = {a:?} refused: {e:?}",
                    r.id, w.survey_id
                );
            }
            if let Some(zone) = catalog.region_class(a).map(|(z, _)| z) {
                regions += 1;
                east += usize::from(zone == Zone::East);
            }
            if let (Answer::Rating(n), "job_satisfaction") = (a, qid.as_str()) {
                ratings.push(f64::from(*n));
            }
        }
        let status: Status = r.status.parse().unwrap();
        match status {
            Status::Complete => assert!(engine.is_complete(&ctx, &answers), "response {}", r.id),
            Status::Partial => {
                assert!(!answers.is_empty(), "response {}", r.id);
                assert!(!engine.is_complete(&ctx, &answers), "response {}", r.id);
            }
            _ => assert!(
                answers.is_empty(),
                "response {} is {status} with answers",
                r.id
            ),
        }
        if status == Status::Complete
            && w.stage == "graduation"
            && let Some(n) = answers.get("monthly_salary").and_then(Answer::as_number)
        {
            let degree = ctx.roster["degree_level"].clone();
            salaries.entry(degree).or_default().push(n);
        }
        *checked.entry(status.to_string()).or_default() += 1;
    }
    assert!(checked["complete"] > 1000, "{checked:?}");
    assert!(checked["partial"] > 100, "{checked:?}");

    let median = |degree: &str| {
        let mut v = salaries[degree].clone();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (a, b, m) = (median("associate"), median("bachelor"), median("master"));
    assert!(
        a < b && b < m,
        "medians associate {a}, bachelor {b}, master {m}"
    );
    assert!((5000.0..12000.0).contains(&b), "bachelor median {b}");
    assert!(
        east * 10 > regions * 6,
        "{east} of {regions} work in the east"
    );
    let mean = ratings.iter().sum::<f64>() / ratings.len() as f64;
    assert!((3.4..4.4).contains(&mean), "mean job satisfaction {mean}");
}

#[tokio::test]
async fn the_printed_links_open_the_form_as_the_guide_says() {
    let t = TestDb::sqlite().await;
    let app = TestApp::new(&t).await;
    let seeded = seed(&app).await;
    let guide = demo::Guide::new(&app.state, &seeded, SecretSource::Environment, true, 1.0)
        .await
        .unwrap();
    let statuses: Vec<Option<Status>> = guide.graduate_links.iter().map(|l| l.status).collect();
    assert_eq!(
        statuses,
        [None, Some(Status::Partial), Some(Status::Complete)]
    );
    let stages: Vec<&str> = guide
        .graduate_links
        .iter()
        .map(|l| l.stage.as_str())
        .collect();
    assert_eq!(stages, ["graduation", "year1", "year3"]);
    let path = |url: &str| {
        url.strip_prefix(&guide.base_url)
            .expect("links start with the base URL")
            .to_string()
    };

    // Not started: the privacy notice comes first.
    let mut client = app.client();
    let (_, page) = client.open(&path(&guide.graduate_links[0].url)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.contains("name=\"consent\""), "{}", page.body);

    // Half done: back on the job page, the employer given at graduation suggested.
    let partial = &seeded.showcase.partial.as_ref().unwrap().1;
    let graduation_answers = response::Entity::find()
        .find_also_related(invitation::Entity)
        .all(&t.db)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|(r, i)| i.map(|i| (r, i)))
        .find(|(_, i)| i.graduate_id == partial.graduate_id && i.wave_id != partial.wave_id)
        .map(|(r, _)| respond::answers_of(&r).unwrap())
        .expect("the year-1 showcase answered at graduation");
    let Some(Answer::Text(employer_then)) = graduation_answers.get("employer_name") else {
        panic!("no employer at graduation: {graduation_answers:?}");
    };
    let mut client = app.client();
    let (at, page) = client.open(&path(&guide.graduate_links[1].url)).await;
    assert!(at.ends_with("/p/job"), "{at}");
    assert_eq!(
        page.input("employer_name").as_deref(),
        Some(employer_then.as_str())
    );

    // Complete: the thank-you page.
    let mut client = app.client();
    let (at, page) = client.open(&path(&guide.graduate_links[2].url)).await;
    assert!(at.ends_with("/done"), "{at}");
    assert_eq!(page.status, StatusCode::OK);

    // The employer has not started either.
    let employer = guide.employer_link.as_ref().expect("an employer link");
    assert_eq!(employer.status, None);
    let mut client = app.client();
    let (_, page) = client.open(&path(&employer.url)).await;
    assert!(page.contains("name=\"consent\""));

    // The accounts printed exist with the printed password.
    let text = guide.to_string();
    assert!(text.contains(&format!("{}/staff/login", guide.base_url)));
    assert!(text.contains("demo-password"));
    for account in &guide.accounts {
        assert!(text.contains(&account.username));
        let s = staff::Entity::find()
            .filter(staff::Column::Username.eq(account.username.as_str()))
            .one(&t.db)
            .await
            .unwrap()
            .expect("printed account exists");
        assert_eq!(s.role, account.role);
        let hash = s.password_hash.expect("a password is set");
        assert!(gradtrace::roster::verify_password(demo::PASSWORD, &hash));
    }
    // …and sign in to the dashboard with it.
    for account in &guide.accounts {
        let mut client = app.client();
        let csrf = client
            .get("/staff/login")
            .await
            .input("_csrf")
            .expect("csrf");
        let resp = client
            .post(
                "/staff/login",
                &[
                    ("_csrf", csrf.as_str()),
                    ("username", account.username.as_str()),
                    ("password", demo::PASSWORD),
                ],
            )
            .await;
        assert_eq!(
            resp.status,
            StatusCode::SEE_OTHER,
            "{}: {}",
            account.username,
            resp.body
        );
        assert_eq!(
            resp.location.as_deref(),
            Some("/staff"),
            "{}",
            account.username
        );
        let home = client.get("/staff").await;
        assert_eq!(home.status, StatusCode::OK, "{}", account.username);
    }
    let roles: Vec<&str> = guide.accounts.iter().map(|a| a.role).collect();
    for role in ["admin", "department", "class", "alumni"] {
        assert!(roles.contains(&role), "no {role} account printed");
    }
    let without_password = staff::Entity::find()
        .filter(staff::Column::PasswordHash.is_null())
        .select_only()
        .column(staff::Column::Username)
        .into_tuple::<String>()
        .all(&t.db)
        .await
        .unwrap();
    assert!(without_password.is_empty(), "{without_password:?}");
}

fn gradtrace(dir: &std::path::Path) -> Command {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gradtrace"));
    cmd.current_dir(dir)
        .env("GRADTRACE_SURVEYS", format!("{root}/surveys"))
        .env("GRADTRACE_LOCALES", format!("{root}/locales"))
        .env_remove("DATABASE_URL")
        .env_remove("GRADTRACE_SECRET")
        .env_remove("GRADTRACE_BASE_URL")
        .env_remove("REDIS_URL");
    cmd
}

#[test]
fn demo_no_serve_fresh_rebuilds_the_named_database_and_prints_the_links() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    // Not a database at all: only --fresh gets past it.
    std::fs::write(&db, "not a database").unwrap();
    let url = format!("sqlite://{}", db.display());
    let out = gradtrace(dir.path())
        .args(["demo", "--no-serve", "--fresh", "--database-url", &url])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert_eq!(
        stdout.matches("http://127.0.0.1:8080/s/").count(),
        4,
        "{stdout}"
    );
    assert!(
        stdout.contains("http://127.0.0.1:8080/staff/login"),
        "{stdout}"
    );
    assert!(stdout.contains("以毕业生身份试用") && stdout.contains("Try it as a graduate"));
    assert!(stdout.contains("--no-serve"));
    // The secret sits beside the database, private; the default database was not made.
    let secret = dir.path().join(demo::SECRET_FILE);
    assert!(stdout.contains(&secret.display().to_string()), "{stdout}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&secret).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert!(!dir.path().join("gradtrace-demo.db").exists());
    assert!(std::fs::metadata(&db).unwrap().len() > 100_000);
    // Personal data stays out of the logs.
    assert!(
        !stderr.contains("@example.edu.cn") && !stderr.contains("1380000"),
        "{stderr}"
    );
}

#[test]
fn demo_in_an_empty_folder_serves_its_own_database_on_the_chosen_port() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = gradtrace(dir.path())
        .args(["demo", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        let done = line.contains("Ctrl-C");
        lines.push(line);
        if done {
            break;
        }
    }
    let text = lines.join("\n");
    let link = text
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:") && w.contains("/s/"))
        .map(str::to_string);
    // Fetch the first link from the running server before stopping it.
    let fetched = link.as_ref().map(|link| {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let resp = reqwest::Client::new()
                .get(link)
                .header("accept-language", "en")
                .send()
                .await
                .unwrap();
            (resp.status().as_u16(), resp.text().await.unwrap())
        })
    });
    child.kill().unwrap();
    child.wait().unwrap();
    let link = link.unwrap_or_else(|| panic!("no link printed:\n{text}"));
    assert!(!link.starts_with("http://127.0.0.1:0/"), "{link}");
    let (status, body) = fetched.unwrap();
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("name=\"consent\""), "{body}");
    assert!(dir.path().join("gradtrace-demo.db").exists());
    assert!(dir.path().join(demo::SECRET_FILE).exists());
}

/// The app's services over a test database, built by hand: `app::services` would migrate the
/// URL's default PostgreSQL schema, which other branches' migrations may have moved on.
fn services_over(t: &TestDb, clock: ManualClock) -> Services {
    let config = crate::app::config(&t.url);
    let secret = config.secret.clone().unwrap();
    let catalog = Catalog::load(&config.surveys_dir).unwrap();
    Services {
        bot: Arc::new(gradtrace::bot::service::BotService::new(
            Vec::new(),
            &catalog,
        )),
        db: t.db.clone(),
        reader: None,
        committer: None,
        catalog,
        i18n: Localizer::load(&config.locales_dir).unwrap(),
        keys: TokenKeys::from_secret(&secret).unwrap(),
        csrf_key: secret.into_bytes(),
        limiter: Arc::new(MemoryLimiter::new(5, std::time::Duration::from_secs(60)).unwrap()),
        scheduler: gradtrace::remind::Scheduler::embedded(
            t.db.clone(),
            Arc::new(clock.clone()),
            gradtrace::remind::queue::Settings::from_config(&config.remind),
        ),
        clock: Arc::new(clock),
        config,
    }
}

#[tokio::test]
async fn the_demo_seeds_postgresql_too() {
    let t = TestDb::postgres().await;
    let clock = ManualClock::at(crate::app::test_now());
    let services = services_over(&t, clock.clone());
    let seeded = demo::seed(&t.db, &services.catalog, &clock).await.unwrap();
    let after = counts(&t.db).await;
    assert!(seeded.unanswerable.is_empty(), "{:?}", seeded.unanswerable);
    assert_eq!(after["waves"], 11);
    assert!(after["responses.complete"] > 1000, "{after:?}");
    assert!(after["responses.partial"] > 100, "{after:?}");
    let again = demo::seed(&t.db, &services.catalog, &clock).await.unwrap();
    assert_eq!(again.responses_created, 0);
    assert_eq!(counts(&t.db).await, after);

    // Each printed link's token opens the invitation it was printed for.
    let guide = demo::Guide::new(&services, &seeded, SecretSource::Environment, false, 1.0)
        .await
        .unwrap();
    let showcased = [
        &seeded.showcase.untouched,
        &seeded.showcase.partial,
        &seeded.showcase.complete,
    ];
    assert_eq!(guide.graduate_links.len(), 3);
    for (link, pair) in guide.graduate_links.iter().zip(showcased) {
        let token = link.url.rsplit('/').next().unwrap();
        let (inv, _) = gradtrace::wave::token::resolve(&t.db, &services.keys, token, clock.now())
            .await
            .unwrap();
        assert_eq!(Some(inv.id), pair.as_ref().map(|(_, i)| i.id));
    }
}
