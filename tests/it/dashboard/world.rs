//! A small school to test the dashboards on: two departments, several classes, two cohorts, a
//! year-1 wave with a few responses (and last year's), an employer wave, and one staff account
//! per role.
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{DateTime, Duration, Utc};
use gradtrace::clock::ManualClock;
use gradtrace::roster::staff::{NewStaff, add_staff};
use gradtrace::store::entities::{employer, graduate, invitation, wave};
use gradtrace::store::responses::{self, Channel, Status};
use gradtrace::wave::NewWave;
use http_body_util::BodyExt;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::app::{Client, TestApp, test_now};
use crate::common::TestDb;

pub const PASSWORD: &str = "correct horse battery staple";
pub const CS: &str = "计算机学院";
pub const ECON: &str = "经济学院";

/// The app, with `smtp` as its mail server when given.
pub async fn app_with_smtp(t: &TestDb, smtp: Option<String>) -> TestApp {
    let clock = ManualClock::at(test_now());
    // The app migrates the database it is given: on PostgreSQL, point it at the test's own
    // schema, not at the shared database's public schema.
    let url = match &t.schema {
        Some(schema) => format!("{}?options=-c%20search_path%3D{schema}", t.url),
        None => t.url.clone(),
    };
    let mut config = crate::app::config(&url);
    config.smtp_url = smtp;
    config.mail_from = "gradtrace <noreply@example.edu>".into();
    let mut services = gradtrace::app::services(config, Arc::new(clock.clone()))
        .await
        .expect("services");
    services.db = t.db.clone();
    services.scheduler.db = t.db.clone();
    let state = gradtrace::web::AppState::new(services);
    let router = gradtrace::web::router(state.clone());
    TestApp {
        state,
        router,
        clock,
    }
}

/// One staff account per role (username → what they look after).
pub const STAFF: [(&str, &str, Option<&str>); 5] = [
    ("admin1", "admin", None),
    ("dept1", "department", Some(CS)),
    ("econ1", "department", Some(ECON)),
    ("class1", "class", Some("软工2001")),
    ("alum1", "alumni", Some("2024/软件工程")),
];

/// Whether `username` may see graduate `g` — written independently of the code under test.
pub fn in_scope(username: &str, g: &graduate::Model) -> bool {
    match username {
        "admin1" => true,
        "dept1" => g.department == CS,
        "econ1" => g.department == ECON,
        "class1" => g.class_name == "软工2001",
        "alum1" => g.graduation_year == 2024 && g.major == "软件工程",
        other => panic!("unknown staff {other}"),
    }
}

pub struct World {
    pub app: TestApp,
    pub wave: wave::Model,
    pub last_year: wave::Model,
    pub employer_wave: wave::Model,
    /// The 2024 cohort (invited to `wave`).
    pub cohort: Vec<graduate::Model>,
    /// Student ids of the 2024 cohort who completed.
    pub complete: Vec<String>,
}

impl World {
    pub async fn new(t: &TestDb) -> World {
        World::with_app(app_with_smtp(t, None).await).await
    }

    pub async fn with_app(app: TestApp) -> World {
        let db = &app.state.db;
        let now = test_now();
        let classes = [
            (2024, CS, "软件工程", "软工2001", 3),
            (2024, CS, "软件工程", "软工2002", 2),
            (2024, CS, "网络工程", "网工2001", 2),
            (2024, ECON, "金融学", "金融2001", 2),
            (2023, CS, "软件工程", "软工1901", 2),
        ];
        let mut n = 0;
        let mut cohort = Vec::new();
        for (year, dept, major, class, count) in classes {
            for i in 1..=count {
                n += 1;
                let g = graduate::ActiveModel {
                    student_id: Set(format!("{year}{n:04}")),
                    name: Set(format!("同学{n:02}")),
                    degree_level: Set("bachelor".into()),
                    department: Set(dept.into()),
                    major: Set(major.into()),
                    class_name: Set(class.into()),
                    graduation_date: Set(
                        chrono::NaiveDate::from_ymd_opt(year, 6, 30).expect("date")
                    ),
                    graduation_year: Set(year),
                    email: Set((i % 2 == 1).then(|| format!("s{n}@example.edu"))),
                    phone: Set(Some(format!("1380000{n:04}"))),
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
                .expect("graduate");
                if year == 2024 {
                    cohort.push(g);
                }
            }
        }
        for (i, kind) in ["private", "state_owned"].into_iter().enumerate() {
            employer::ActiveModel {
                uscc: Set(format!("91110000MA0000000{i}")),
                name: Set(format!("用人单位{i}")),
                employer_type: Set(kind.into()),
                industry: Set("i".into()),
                province: Set("11".into()),
                city: Set("1101".into()),
                contact_name: Set(None),
                email: Set(Some(format!("hr{i}@example.com"))),
                phone: Set(None),
                lang: Set(None),
                attributes: Set(json!({})),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await
            .expect("employer");
        }
        let wave = app.wave("year1", 2024).await;
        let employer_wave = app.wave("employer", 2025).await;
        let last_year = wave_opened_at(&app, "year1", 2023, now - Duration::days(366)).await;

        // Responses: two complete and out of work (plan material), one complete and well
        // employed, one partial, one only opened.
        let unemployed = json!({
            "destination_type": {"choice": "unemployed"},
            "slow_employment_causes": {"choices": ["job_search_skills", "family"]},
        });
        let employed = json!({
            "destination_type": {"choice": "employed"},
            "monthly_salary": {"number": 12000},
            "job_satisfaction": {"rating": 4},
        });
        let by_name = |name: &str| {
            cohort
                .iter()
                .find(|g| g.name == name)
                .expect("graduate")
                .clone()
        };
        let plan = [
            ("同学01", Some((Status::Complete, unemployed.clone()))),
            (
                "同学02",
                Some((
                    Status::Partial,
                    json!({"destination_type": {"choice": "employed"}}),
                )),
            ),
            ("同学04", Some((Status::Complete, employed))),
            ("同学08", Some((Status::Complete, unemployed))),
            ("同学06", None),
        ];
        let mut complete = Vec::new();
        for (name, answers) in plan {
            let g = by_name(name);
            let inv = invitation_of(&app, &wave, g.id).await;
            let opened = responses::open(db, inv.id, Channel::Web, now - Duration::hours(20))
                .await
                .expect("open");
            if let Some((status, answers)) = answers {
                let r = responses::record_consent(
                    db,
                    opened.id,
                    1,
                    true,
                    Channel::Web,
                    now - Duration::hours(20),
                )
                .await
                .expect("consent");
                responses::save_answers(
                    db,
                    r.id,
                    r.revision,
                    &answers,
                    status,
                    Channel::Web,
                    now - Duration::hours(2),
                )
                .await
                .expect("answers");
                if status == Status::Complete {
                    complete.push(g.student_id.clone());
                }
            }
        }
        // Last year: one of the two 2023 graduates completed on day 3.
        let old = graduate::Entity::find()
            .filter(graduate::Column::GraduationYear.eq(2023))
            .all(db)
            .await
            .expect("2023 cohort");
        let inv = invitation_of(&app, &last_year, old[0].id).await;
        let at = last_year.opens_at + Duration::days(3);
        let r = responses::open(db, inv.id, Channel::Web, at)
            .await
            .expect("open");
        let r = responses::record_consent(db, r.id, 1, true, Channel::Web, at)
            .await
            .expect("consent");
        responses::save_answers(
            db,
            r.id,
            r.revision,
            &json!({"destination_type": {"choice": "employed"}}),
            Status::Complete,
            Channel::Web,
            at,
        )
        .await
        .expect("answers");

        for (username, role, scope) in STAFF {
            let new = NewStaff::parse(
                username,
                role,
                scope,
                Some(format!("{username} 老师")),
                Some(&format!("{username}@example.edu")),
            )
            .expect("staff");
            add_staff(db, &new, PASSWORD, "test", now)
                .await
                .expect("add staff");
        }
        World {
            app,
            wave,
            last_year,
            employer_wave,
            cohort,
            complete,
        }
    }

    /// The 2024 graduates `username` may see.
    pub fn visible(&self, username: &str) -> Vec<&graduate::Model> {
        self.cohort
            .iter()
            .filter(|g| in_scope(username, g))
            .collect()
    }

    /// Of those, the ones who have not completed.
    pub fn to_chase(&self, username: &str) -> Vec<&graduate::Model> {
        self.visible(username)
            .into_iter()
            .filter(|g| !self.complete.contains(&g.student_id))
            .collect()
    }

    pub async fn invitation(&self, graduate_id: i32) -> invitation::Model {
        invitation_of(&self.app, &self.wave, graduate_id).await
    }
}

/// A wave of `survey_id` for `cohort` that opened at `opens_at` (30 days long), invited.
pub async fn wave_opened_at(
    app: &TestApp,
    survey_id: &str,
    cohort: i32,
    opens_at: DateTime<Utc>,
) -> wave::Model {
    let survey = app.state.catalog.survey(survey_id).expect("survey");
    let w = gradtrace::wave::create(
        &app.state.db,
        NewWave {
            survey,
            cohort_year: cohort,
            opens_at,
            closes_at: Some(opens_at + Duration::days(30)),
            plan: Default::default(),
        },
        opens_at,
    )
    .await
    .expect("wave");
    gradtrace::wave::invite::invite(&app.state.db, w.id, opens_at)
        .await
        .expect("invite");
    w
}

pub async fn invitation_of(app: &TestApp, w: &wave::Model, graduate_id: i32) -> invitation::Model {
    invitation::Entity::find()
        .filter(invitation::Column::WaveId.eq(w.id))
        .filter(invitation::Column::GraduateId.eq(graduate_id))
        .one(&app.state.db)
        .await
        .expect("query")
        .expect("invited")
}

/// A browser signed in as `username`.
pub async fn sign_in(app: &TestApp, username: &str) -> Client {
    let mut client = app.client();
    let page = client.get("/staff/login").await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = page.input("_csrf").expect("csrf on the sign-in form");
    let resp = client
        .post(
            "/staff/login",
            &[
                ("_csrf", &csrf),
                ("username", username),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        resp.status,
        StatusCode::SEE_OTHER,
        "sign-in of {username}: {}",
        resp.body
    );
    assert_eq!(resp.location.as_deref(), Some("/staff"));
    client
}

/// A JSON API call.
pub async fn api(
    app: &TestApp,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let body = match body {
        Some(v) => {
            req = req.header(header::CONTENT_TYPE, "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    let resp = app
        .router
        .clone()
        .oneshot(req.body(body).expect("request"))
        .await
        .expect("response");
    let status = resp.status();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, value)
}

/// An API token for `username`.
pub async fn api_token(app: &TestApp, username: &str) -> String {
    let (status, body) = api(
        app,
        "POST",
        "/api/login",
        None,
        Some(json!({"username": username, "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "api login of {username}: {body}");
    body["token"].as_str().expect("token").to_string()
}
