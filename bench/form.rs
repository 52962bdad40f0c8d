//! Load on the web form, end to end over HTTP: N distinct invitations of a `year1` wave, served
//! by the real server (`app::services` + `app::serve_on`, the code `gradtrace serve` runs) on
//! 127.0.0.1, driven by 64 concurrent respondents in the same process — open the link, read the
//! notice, consent, GET and POST every page of the employed branch, reach the thank-you page.
//! Reports completed responses/s and per-step latency p50/p99, then a plain GET of a form page
//! (requests/s), on SQLite and PostgreSQL. Run with
//! `cargo bench --bench form -- [--responses N] [--concurrency C] [--gets N] [--db sqlite|postgres|both] [--gzip]`.
//! `--gzip` makes the plain GETs ask for compression as phones do (the flow itself reads plain HTML).
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate, Utc};
use gradtrace::clock::SystemClock;
use gradtrace::config::Config;
use gradtrace::store::entities::{graduate, response};
use gradtrace::wave::{self as waves, NewWave, invite};
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, Set};

#[path = "support/alloc.rs"]
mod alloc;
#[path = "support/timing.rs"]
mod timing;
use timing::percentile;

const SECRET: &str = "bench-secret-bench-secret-0123456789abcdef";

struct Args {
    responses: usize,
    concurrency: usize,
    gets: usize,
    backends: Vec<&'static str>,
    gzip: bool,
}

fn args() -> Args {
    let raw: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let value = |name: &str| {
        raw.iter()
            .position(|a| a == name)
            .and_then(|i| raw.get(i + 1))
            .cloned()
    };
    let number =
        |name: &str, default: usize| value(name).and_then(|v| v.parse().ok()).unwrap_or(default);
    let backends = match value("--db").as_deref() {
        Some("sqlite") => vec!["sqlite"],
        Some("postgres") => vec!["postgres"],
        _ => vec!["sqlite", "postgres"],
    };
    Args {
        responses: number("--responses", 10_000),
        concurrency: number("--concurrency", 64),
        gets: number("--gets", 100_000),
        backends,
        gzip: raw.iter().any(|a| a == "--gzip"),
    }
}

/// A fresh database: a SQLite file in a temp folder or a PostgreSQL schema of its own.
struct Db {
    url: String,
    schema: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

async fn fresh_db(kind: &str) -> Db {
    if kind == "postgres" {
        let base = std::env::var("TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let schema = format!("bench_form_{}", uuid::Uuid::new_v4().simple());
        let admin = gradtrace::store::connect(&base).await.expect("postgres");
        admin
            .execute_unprepared(&format!("CREATE SCHEMA {schema}"))
            .await
            .expect("create schema");
        admin.close().await.ok();
        Db {
            url: format!("{base}?options[search_path]={schema}"),
            schema: Some(schema),
            _dir: None,
        }
    } else {
        let dir = tempfile::tempdir().expect("temp dir");
        Db {
            url: format!("sqlite://{}", dir.path().join("bench.db").display()),
            schema: None,
            _dir: Some(dir),
        }
    }
}

async fn drop_schema(db: &Db) {
    if let Some(schema) = &db.schema {
        let base = db.url.split('?').next().unwrap_or(&db.url);
        if let Ok(admin) = gradtrace::store::connect(base).await {
            let _ = admin
                .execute_unprepared(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                .await;
        }
    }
}

/// Starts the server as `gradtrace serve` does, seeds the wave; returns base URL and link paths.
async fn start(db: &Db, n: usize) -> (String, Vec<String>, gradtrace::web::AppState) {
    let cfg = Config::local(&db.url, SECRET);
    let mut services = gradtrace::app::services(cfg, Arc::new(SystemClock))
        .await
        .expect("services");
    if let Some(schema) = &db.schema {
        let base = db.url.split('?').next().unwrap_or(&db.url);
        services.db = gradtrace::store::connect_in_schema(base, Some(schema))
            .await
            .expect("schema connection");
    }
    let state = gradtrace::web::AppState::new(services);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(gradtrace::app::serve_on(listener, state.clone()));

    // Seed (not timed): a cohort that left a year ago, an open year-one wave, its invitations.
    let now = Utc::now();
    let cohort = now.year() - 1;
    let rows: Vec<graduate::ActiveModel> = (0..n)
        .map(|i| graduate::ActiveModel {
            student_id: Set(format!("{cohort}{i:07}")),
            name: Set(format!("学生{i}")),
            degree_level: Set("bachelor".into()),
            department: Set(format!("学院{}", i % 20)),
            major: Set(format!("专业{}", i % 80)),
            class_name: Set(format!("班{}", i % 1000)),
            graduation_date: Set(NaiveDate::from_ymd_opt(cohort, 6, 30).expect("date")),
            graduation_year: Set(cohort),
            attributes: Set(serde_json::json!({})),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(1000) {
        graduate::Entity::insert_many(chunk.to_vec())
            .exec(&state.db)
            .await
            .expect("graduates");
    }
    let survey = state.catalog.survey("year1").expect("year1 survey");
    let w = waves::create(
        &state.db,
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
    .expect("wave");
    invite::invite(&state.db, w.id, now).await.expect("invite");
    let base = format!("http://{addr}");
    let links = invite::links(&state.db, &state.keys, &base, w.id)
        .await
        .expect("links")
        .into_iter()
        .map(|l| l.link.trim_start_matches(&base).to_string())
        .collect();
    (base, links, state)
}

/// The employed branch's answers, by question id (as the HTTP tests give them).
fn plan(cohort: i32) -> BTreeMap<&'static str, Vec<(&'static str, String)>> {
    let s = |v: &str| v.to_string();
    BTreeMap::from([
        (
            "destination_type",
            vec![("destination_type", s("employed"))],
        ),
        (
            "status_date",
            vec![
                ("status_date__year", cohort.to_string()),
                ("status_date__month", s("7")),
            ],
        ),
        (
            "employer_name",
            vec![("employer_name", s("星河科技有限公司"))],
        ),
        ("employer_type", vec![("employer_type", s("private"))]),
        ("industry", vec![("industry", s("i"))]),
        (
            "work_region",
            vec![
                ("work_region__province", s("44")),
                ("work_region__city", s("4403")),
            ],
        ),
        ("monthly_salary", vec![("monthly_salary", s("12000"))]),
        ("major_match", vec![("major_match", s("4"))]),
        ("interest_match", vec![("interest_match", s("3"))]),
        ("skills_use", vec![("skills_use", s("4"))]),
        ("job_satisfaction", vec![("job_satisfaction", s("4"))]),
        (
            "skills_to_improve",
            vec![
                ("skills_to_improve", s("data_analysis")),
                ("skills_to_improve", s("communication")),
            ],
        ),
        ("job_changes", vec![("job_changes", s("0"))]),
    ])
}

/// The value of a hidden input by name.
fn input(body: &str, name: &str) -> Option<String> {
    let needle = format!("name=\"{name}\" value=\"");
    let start = body.find(&needle)? + needle.len();
    let end = body[start..].find('"')?;
    Some(body[start..start + end].to_string())
}

fn question_ids(body: &str) -> Vec<&str> {
    body.match_indices("id=\"q-")
        .filter_map(|(i, m)| {
            let rest = &body[i + m.len()..];
            rest.find('"').map(|e| &rest[..e])
        })
        .collect()
}

/// One respondent's browser: keeps the CSRF cookie, records each request's latency by step.
struct Visitor<'a> {
    http: &'a reqwest::Client,
    base: &'a str,
    cookie: Option<String>,
    timings: &'a mut Vec<(String, Duration)>,
}

struct Reply {
    status: u16,
    location: Option<String>,
    body: String,
}

impl Visitor<'_> {
    async fn send(&mut self, step: String, req: reqwest::RequestBuilder) -> Reply {
        let req = match &self.cookie {
            Some(c) => req.header("cookie", c.clone()),
            None => req,
        };
        let t = Instant::now();
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        let location = resp
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        for v in resp.headers().get_all("set-cookie") {
            if let Some(kv) = v.to_str().ok().and_then(|s| s.split(';').next())
                && kv.starts_with(gradtrace::web::security::CSRF_COOKIE)
            {
                self.cookie = Some(kv.to_string());
            }
        }
        let body = resp.text().await.expect("body");
        self.timings.push((step, t.elapsed()));
        Reply {
            status,
            location,
            body,
        }
    }

    async fn get(&mut self, step: String, path: &str) -> Reply {
        let req = self.http.get(format!("{}{path}", self.base));
        self.send(step, req).await
    }

    async fn post(&mut self, step: String, path: &str, fields: &[(&str, &str)]) -> Reply {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        self.send(step, req).await
    }

    /// Follows a redirect chain with GETs; returns the final path and page.
    async fn follow(&mut self, mut path: String) -> (String, Reply) {
        for _ in 0..5 {
            let step = step_name("GET", &path);
            let r = self.get(step, &path).await;
            match (&r.location, r.status) {
                (Some(next), 300..=399) => path = next.clone(),
                _ => return (path, r),
            }
        }
        panic!("redirect loop at {path}");
    }

    /// One whole response: link, notice, consent, every page, thank-you.
    async fn respond(&mut self, link: &str, plan: &BTreeMap<&str, Vec<(&str, String)>>) {
        let (path, notice) = self.follow(link.to_string()).await;
        assert_eq!(path, link, "the notice is at the link itself");
        let csrf = input(&notice.body, "_csrf").expect("csrf on notice");
        let r = self
            .post(
                "POST consent".into(),
                &format!("{link}/consent"),
                &[("_csrf", &csrf), ("consent", "accept")],
            )
            .await;
        assert_eq!(r.status, 303, "consent refused: {}", r.body);
        let (mut path, mut page) = self.follow(r.location.expect("redirect")).await;
        for _ in 0..12 {
            if path.ends_with("/done") {
                assert_eq!(page.status, 200);
                return;
            }
            assert_eq!(page.status, 200, "{path}: {}", page.body);
            let csrf = input(&page.body, "_csrf").expect("csrf");
            let rev = input(&page.body, "_rev").expect("rev");
            let mut fields: Vec<(&str, &str)> =
                vec![("_csrf", &csrf), ("_rev", &rev), ("_nav", "next")];
            for id in question_ids(&page.body) {
                if let Some(values) = plan.get(id) {
                    fields.extend(values.iter().map(|(k, v)| (*k, v.as_str())));
                }
            }
            let r = self.post(step_name("POST", &path), &path, &fields).await;
            assert_eq!(r.status, 303, "{path} refused: {}", r.body);
            (path, page) = self.follow(r.location.expect("redirect")).await;
        }
        panic!("never reached the thank-you page");
    }
}

/// `GET link`, `GET notice`, `GET page job`, `POST page job`, `GET done`…
fn step_name(method: &str, path: &str) -> String {
    let rest: Vec<&str> = path.split('/').skip(3).collect();
    match rest.as_slice() {
        [] => format!("{method} link"),
        ["p", page] => format!("{method} page {page}"),
        [what, ..] => format!("{method} {what}"),
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn http_client(concurrency: usize) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(concurrency)
        .http1_only()
        .build()
        .expect("http client")
}

async fn flow(base: &str, links: Vec<String>, concurrency: usize) -> Duration {
    let http = http_client(concurrency);
    let links = Arc::new(links);
    let next = Arc::new(AtomicUsize::new(0));
    let cohort = Utc::now().year() - 1;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (http, base, links, next) =
            (http.clone(), base.to_string(), links.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let plan = plan(cohort);
            let mut timings = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(link) = links.get(i) else { break };
                let mut v = Visitor {
                    http: &http,
                    base: &base,
                    cookie: None,
                    timings: &mut timings,
                };
                v.respond(link, &plan).await;
            }
            timings
        }));
    }
    let mut by_step: BTreeMap<String, Vec<Duration>> = BTreeMap::new();
    for t in tasks {
        for (step, d) in t.await.expect("respondent") {
            by_step.entry(step).or_default().push(d);
        }
    }
    let elapsed = started.elapsed();
    let n = links.len();
    let requests: usize = by_step.values().map(Vec::len).sum();
    println!(
        "  {n} responses completed in {:.2} s: {:.0} responses/s ({:.0} requests/s, {:.1} requests each)",
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64(),
        requests as f64 / elapsed.as_secs_f64(),
        requests as f64 / n as f64
    );
    println!(
        "  {:<26} {:>8} {:>10} {:>10}",
        "step", "count", "p50", "p99"
    );
    let mut all = Vec::new();
    for (step, mut d) in by_step {
        d.sort();
        println!(
            "  {:<26} {:>8} {:>10} {:>10}",
            step,
            d.len(),
            ms(percentile(&d, 0.5)),
            ms(percentile(&d, 0.99))
        );
        all.extend(d);
    }
    all.sort();
    println!(
        "  {:<26} {:>8} {:>10} {:>10}",
        "every request",
        all.len(),
        ms(percentile(&all, 0.5)),
        ms(percentile(&all, 0.99))
    );
    elapsed
}

/// Plain GETs of one respondent's current form page, `gets` of them at `concurrency`.
async fn plain_get(base: &str, link: &str, gets: usize, concurrency: usize, gzip: bool) {
    let http = http_client(concurrency);
    // Consent first, so that the link opens a question page.
    let mut timings = Vec::new();
    let mut v = Visitor {
        http: &http,
        base,
        cookie: None,
        timings: &mut timings,
    };
    let (_, notice) = v.follow(link.to_string()).await;
    let csrf = input(&notice.body, "_csrf").expect("csrf");
    v.post(
        "consent".into(),
        &format!("{link}/consent"),
        &[("_csrf", &csrf), ("consent", "accept")],
    )
    .await;
    let page = format!("{base}{link}/p/destination");
    let cookie = v.cookie.clone().unwrap_or_default();
    let probe = http
        .get(&page)
        .header("cookie", &cookie)
        .send()
        .await
        .expect("probe");
    assert_eq!(probe.status(), 200, "the page to GET");
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (http, page, cookie, next) = (http.clone(), page.clone(), cookie.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut bytes = 0usize;
            while next.fetch_add(1, Ordering::Relaxed) < gets {
                let t = Instant::now();
                let mut req = http.get(&page).header("cookie", &cookie);
                if gzip {
                    req = req.header("accept-encoding", "gzip, deflate, br");
                }
                let resp = req.send().await.expect("get");
                assert_eq!(resp.status(), 200);
                bytes += resp.bytes().await.expect("body").len();
                lat.push(t.elapsed());
            }
            (lat, bytes)
        }));
    }
    let mut all = Vec::new();
    let mut bytes = 0;
    for t in tasks {
        let (lat, b) = t.await.expect("getter");
        all.extend(lat);
        bytes += b;
    }
    let elapsed = started.elapsed();
    all.sort();
    println!(
        "  plain GET of a form page{}: {} requests in {:.2} s: {:.0} requests/s, p50 {}, p99 {}, {} bytes each",
        if gzip {
            " (Accept-Encoding: gzip, deflate, br)"
        } else {
            ""
        },
        all.len(),
        elapsed.as_secs_f64(),
        all.len() as f64 / elapsed.as_secs_f64(),
        ms(percentile(&all, 0.5)),
        ms(percentile(&all, 0.99)),
        bytes / all.len().max(1)
    );
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

#[tokio::main]
async fn main() {
    let a = args();
    for kind in &a.backends {
        println!(
            "{kind}: {} responses, concurrency {}, load average {}",
            a.responses,
            a.concurrency,
            load_average()
        );
        let db = fresh_db(kind).await;
        let (base, links, state) = start(&db, a.responses + 1).await;
        let (get_link, flow_links) = links.split_last().expect("links");
        flow(&base, flow_links.to_vec(), a.concurrency).await;
        let done = response::Entity::find()
            .count(&state.db)
            .await
            .expect("count");
        println!("  responses stored: {done}");
        plain_get(&base, get_link, a.gets, a.concurrency, a.gzip).await;
        println!("  load average after: {}", load_average());
        drop_schema(&db).await;
    }
}
