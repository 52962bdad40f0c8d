//! Test support for the front doors: the real app over a test database, seeded with graduates,
//! a wave and its invitations, driven through its router by a cookie-keeping client.
use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{DateTime, TimeZone, Utc};
use gradtrace::clock::ManualClock;
use gradtrace::config::Config;
use gradtrace::store::entities::{graduate, invitation, wave};
use gradtrace::wave::NewWave;
use http_body_util::BodyExt;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use tower::ServiceExt;

use crate::common::TestDb;

pub const SECRET: &str = "test-secret-test-secret-test-secret-0123";

pub fn config(db_url: &str) -> Config {
    Config::local(db_url, SECRET)
}

/// A running app (in-process) over the test database, at a fixed time.
pub struct TestApp {
    pub state: gradtrace::web::AppState,
    pub router: Router,
    pub clock: ManualClock,
}

/// When the tests happen: a year after the 2024 cohort graduated.
pub fn test_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 9, 1, 2, 0, 0)
        .single()
        .expect("valid time")
}

impl TestApp {
    pub async fn new(t: &TestDb) -> TestApp {
        let clock = ManualClock::at(test_now());
        // On PostgreSQL the services migrate the test's own schema, never the shared database's
        // public one (which other branches' migrations may have touched).
        let url = t.full_url();
        let mut services = gradtrace::app::services(config(&url), Arc::new(clock.clone()))
            .await
            .expect("services");
        // The test's own connection (PostgreSQL tests live in their own schema).
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

    pub fn client(&self) -> Client {
        Client {
            router: self.router.clone(),
            cookies: BTreeMap::new(),
            accept_language: "zh-CN".into(),
            accept_encoding: None,
        }
    }

    /// Adds graduates of `year` (student ids `Y0001`…).
    pub async fn graduates(&self, year: i32, n: usize) -> Vec<graduate::Model> {
        let mut out = Vec::new();
        for i in 1..=n {
            let now = test_now();
            let g = graduate::ActiveModel {
                student_id: Set(format!("{year}{i:04}")),
                name: Set(format!("测试同学{i}")),
                degree_level: Set("bachelor".into()),
                department: Set("计算机学院".into()),
                major: Set("软件工程".into()),
                class_name: Set(format!("软工{}01", year % 100)),
                graduation_date: Set(chrono::NaiveDate::from_ymd_opt(year, 6, 30).expect("date")),
                graduation_year: Set(year),
                email: Set(Some(format!("s{i}@example.edu"))),
                phone: Set(None),
                gender: Set(None),
                wechat_openid: Set(None),
                lang: Set(None),
                attributes: Set(serde_json::json!({})),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&self.state.db)
            .await
            .expect("insert graduate");
            out.push(g);
        }
        out
    }

    /// Creates an open wave of `survey_id` for the cohort and invites it; returns the wave.
    pub async fn wave(&self, survey_id: &str, cohort: i32) -> wave::Model {
        let survey = self.state.catalog.survey(survey_id).expect("survey exists");
        let now = test_now();
        let w = gradtrace::wave::create(
            &self.state.db,
            NewWave {
                survey,
                cohort_year: cohort,
                opens_at: now - chrono::Duration::days(1),
                closes_at: Some(now + chrono::Duration::days(30)),
                plan: Default::default(),
            },
            now,
        )
        .await
        .expect("create wave");
        gradtrace::wave::invite::invite(&self.state.db, w.id, now)
            .await
            .expect("invite");
        w
    }

    /// The personal link path of a graduate in a wave.
    pub async fn link(&self, w: &wave::Model, graduate_id: i32) -> String {
        let inv = invitation::Entity::find()
            .filter(invitation::Column::WaveId.eq(w.id))
            .filter(invitation::Column::GraduateId.eq(graduate_id))
            .one(&self.state.db)
            .await
            .expect("query")
            .expect("invited");
        let token = gradtrace::wave::token::issue(&self.state.keys, w, &inv).expect("token");
        format!("/s/{token}")
    }
}

/// What came back.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: String,
    pub headers: axum::http::HeaderMap,
    /// Bytes of the body as sent (compressed when `Client::accept_encoding` asked for it).
    pub transferred: usize,
}

impl Page {
    /// The value of a hidden or text input by name.
    pub fn input(&self, name: &str) -> Option<String> {
        let needle = format!("name=\"{name}\" value=\"");
        let start = self.body.find(&needle)? + needle.len();
        let end = self.body[start..].find('"')?;
        Some(html_unescape(&self.body[start..start + end]))
    }

    /// Ids of the questions shown (`id="q-<id>"`).
    pub fn question_ids(&self) -> Vec<String> {
        self.body
            .match_indices("id=\"q-")
            .filter_map(|(i, m)| {
                let rest = &self.body[i + m.len()..];
                rest.find('"').map(|e| rest[..e].to_string())
            })
            .collect()
    }

    pub fn contains(&self, s: &str) -> bool {
        self.body.contains(s)
    }
}

fn html_unescape(s: &str) -> String {
    s.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .replace("&#38;", "&")
}

/// A browser stand-in: keeps cookies, sends forms.
pub struct Client {
    router: Router,
    cookies: BTreeMap<String, String>,
    pub accept_language: String,
    /// Sent as `Accept-Encoding` when set (the body then stays compressed).
    pub accept_encoding: Option<String>,
}

impl Client {
    pub async fn get(&mut self, path: &str) -> Page {
        let req = Request::get(path).header(header::ACCEPT_LANGUAGE, self.accept_language.clone());
        self.send(req, Body::empty()).await
    }

    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT_LANGUAGE, self.accept_language.clone());
        self.send(req, Body::from(body)).await
    }

    /// GETs, following redirects.
    pub async fn open(&mut self, path: &str) -> (String, Page) {
        let mut path = path.to_string();
        for _ in 0..10 {
            let page = self.get(&path).await;
            match page.location.clone() {
                Some(next) if page.status.is_redirection() => path = next,
                _ => return (path, page),
            }
        }
        panic!("too many redirects from {path}");
    }

    async fn send(&mut self, mut req: axum::http::request::Builder, body: Body) -> Page {
        if let Some(enc) = &self.accept_encoding {
            req = req.header(header::ACCEPT_ENCODING, enc.clone());
        }
        if !self.cookies.is_empty() {
            let cookie = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            req = req.header(header::COOKIE, cookie);
        }
        let resp = self
            .router
            .clone()
            .oneshot(req.body(body).expect("request"))
            .await
            .expect("response");
        for v in resp.headers().get_all(header::SET_COOKIE) {
            if let Some((kv, _)) = v
                .to_str()
                .unwrap_or("")
                .split_once(';')
                .or(Some((v.to_str().unwrap_or(""), "")))
                && let Some((k, v)) = kv.split_once('=')
            {
                self.cookies
                    .insert(k.trim().to_string(), v.trim().to_string());
            }
        }
        let status = resp.status();
        let headers = resp.headers().clone();
        let location = headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let bytes = resp.into_body().collect().await.expect("body").to_bytes();
        Page {
            status,
            location,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            headers,
            transferred: bytes.len(),
        }
    }
}
