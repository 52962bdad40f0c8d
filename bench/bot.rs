//! The bot end to end under load: signed, encrypted (safe mode) WeChat messages from many
//! distinct bound graduates, posted at a fixed concurrency to the real server
//! (`/webhooks/wechat`: verify, decrypt, de-duplicate, conversation over the survey session,
//! answer saved, encrypted passive reply) over a real database. Each graduate binds with their
//! code, accepts the notice and answers the whole `graduation` questionnaire (employed branch,
//! 20 messages). Reports messages/s and reply latency p50/p99 — overall, and for each user's
//! first two messages (code, consent) apart from the answers after them; every reply is
//! checked.
//!
//! cargo bench --bench bot -- [--users N] [--concurrency C] [--db sqlite|postgres]
//! (PostgreSQL: TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/test, in a
//! schema of its own that is dropped afterwards.)
use std::sync::Arc;
use std::time::Instant;

use gradtrace::bot::BotConfig;
use gradtrace::bot::adapters::wechat::{self, AesKey};
use gradtrace::clock::SystemClock;
use gradtrace::store::entities::{graduate, invitation};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

#[path = "support/alloc.rs"]
mod alloc;
#[path = "support/timing.rs"]
mod timing;
use timing::percentile;

const TOKEN: &str = "bench-token";
const AES_KEY: &str = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR";
const APP_ID: &str = "wx49f0ab532d5d035a";
const SECRET: &str = "bench-secret-bench-secret-bench-secret-01";

/// What each graduate sends, in order: code (filled in), consent, then the answers.
const SCRIPT: &[&str] = &[
    "",
    "1",
    "1",
    "2025-06",
    "深圳某科技有限公司",
    "2",
    "1",
    "3",
    "深圳",
    "skip",
    "1",
    "8000",
    "4",
    "5",
    "3",
    "2",
    "1",
    "1,3",
    "4",
    "skip",
];

/// The messages of each user before the answers: the code, and the consent.
const FIRST: usize = 2;

struct Options {
    users: usize,
    concurrency: usize,
    postgres: bool,
}

fn options() -> Options {
    let mut o = Options {
        users: 1000,
        concurrency: 64,
        postgres: false,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let v = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--users" => o.users = v.parse().unwrap_or(o.users),
            "--concurrency" => o.concurrency = v.parse().unwrap_or(o.concurrency),
            "--db" => o.postgres = v == "postgres",
            _ => {
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    o.users = o.users.clamp(1, 50_000);
    o.concurrency = o.concurrency.clamp(1, 1024);
    o
}

fn field<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let start = xml.find(&format!("<{name}>"))? + name.len() + 2;
    let end = xml[start..].find(&format!("</{name}>"))? + start;
    Some(
        xml[start..end]
            .trim_start_matches("<![CDATA[")
            .trim_end_matches("]]>"),
    )
}

/// The decrypted reply's text, if the reply is a correctly signed passive reply to `user`.
fn reply_text(body: &str, user: &str, key: &AesKey) -> Option<String> {
    let (enc, sig, ts, nonce) = (
        field(body, "Encrypt")?,
        field(body, "MsgSignature")?,
        field(body, "TimeStamp")?,
        field(body, "Nonce")?,
    );
    if wechat::signature(&[TOKEN, ts, nonce, enc]) != sig {
        return None;
    }
    let xml = String::from_utf8(key.decrypt(enc, APP_ID).ok()?.msg).ok()?;
    (field(&xml, "ToUserName") == Some(user))
        .then(|| field(&xml, "Content").unwrap_or("").to_string())
}

fn main() {
    let opts = options();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(run(opts));
}

async fn run(opts: Options) {
    let dir = tempfile::tempdir().expect("temp dir");
    let pg_url = std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
    let schema = format!("bench_bot_{}", std::process::id());
    let url = if opts.postgres {
        let admin = gradtrace::store::connect(&pg_url).await.expect("postgres");
        admin
            .execute_unprepared(&format!("CREATE SCHEMA {schema}"))
            .await
            .expect("schema");
        format!("{pg_url}?options[search_path]={schema}")
    } else {
        format!("sqlite://{}", dir.path().join("bench.db").display())
    };
    let config = {
        let mut c = gradtrace::config::Config::local(&url, SECRET);
        c.base_url = Some("https://survey.example.edu".into());
        c.bot = BotConfig {
            wechat_token: Some(TOKEN.into()),
            wechat_app_id: Some(APP_ID.into()),
            wechat_aes_key: Some(AES_KEY.into()),
            ..BotConfig::default()
        };
        c
    };
    let services = gradtrace::app::services(config, Arc::new(SystemClock))
        .await
        .expect("services");
    let db = services.db.clone();
    let catalog_survey = services
        .catalog
        .survey("graduation")
        .expect("graduation survey")
        .clone();

    // Graduates of 2025 and an open graduation wave inviting them.
    let seed = Instant::now();
    let now = chrono::Utc::now();
    for chunk in (1..=opts.users).collect::<Vec<_>>().chunks(500) {
        let rows = chunk.iter().map(|i| graduate::ActiveModel {
            student_id: Set(format!("2025{i:06}")),
            name: Set(format!("同学{i}")),
            degree_level: Set("bachelor".into()),
            department: Set("计算机学院".into()),
            major: Set("软件工程".into()),
            class_name: Set("软工2501".into()),
            graduation_date: Set(chrono::NaiveDate::from_ymd_opt(2025, 6, 30).expect("date")),
            graduation_year: Set(2025),
            email: Set(None),
            phone: Set(None),
            gender: Set(None),
            wechat_openid: Set(None),
            lang: Set(None),
            attributes: Set(serde_json::json!({})),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
        graduate::Entity::insert_many(rows)
            .exec_without_returning(&db)
            .await
            .expect("graduates");
    }
    let w = gradtrace::wave::create(
        &db,
        gradtrace::wave::NewWave {
            survey: &catalog_survey,
            cohort_year: 2025,
            opens_at: now - chrono::Duration::days(1),
            closes_at: Some(now + chrono::Duration::days(30)),
            plan: Default::default(),
        },
        now,
    )
    .await
    .expect("wave");
    gradtrace::wave::invite::invite(&db, w.id, now)
        .await
        .expect("invite");
    let codes: Vec<String> = invitation::Entity::find()
        .filter(invitation::Column::WaveId.eq(w.id))
        .all(&db)
        .await
        .expect("invitations")
        .into_iter()
        .map(|i| i.code)
        .collect();
    eprintln!(
        "seeded {} invitations in {:.1?}",
        codes.len(),
        seed.elapsed()
    );

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let state = gradtrace::web::AppState::new(services);
    tokio::spawn(gradtrace::app::serve_on(listener, state));
    let endpoint = format!("http://{addr}/webhooks/wechat");

    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(opts.concurrency)
        .build()
        .expect("client");
    let key = Arc::new(AesKey::from_encoding_key(AES_KEY).expect("key"));
    let codes = Arc::new(codes);
    let next_user = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..opts.concurrency {
        let (client, key, codes, next_user, endpoint) = (
            client.clone(),
            key.clone(),
            codes.clone(),
            next_user.clone(),
            endpoint.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = 0usize;
            let mut finished = 0usize;
            loop {
                let u = next_user.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(code) = codes.get(u) else { break };
                let user = format!("oBENCH{u:07}");
                let mut last = String::new();
                for (step, text) in SCRIPT.iter().enumerate() {
                    let text = if step == 0 { code.as_str() } else { text };
                    let ts = chrono::Utc::now().timestamp().to_string();
                    let nonce = format!("{u}n{step}");
                    let msg_id = (u as u64) * 100 + step as u64 + 1;
                    let xml = format!(
                        "<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName><CreateTime>{ts}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{text}]]></Content><MsgId>{msg_id}</MsgId></xml>"
                    );
                    let enc = key.encrypt(xml.as_bytes(), APP_ID, rand::random());
                    let sig = wechat::signature(&[TOKEN, &ts, &nonce]);
                    let msig = wechat::signature(&[TOKEN, &ts, &nonce, &enc]);
                    let body = format!("<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><Encrypt><![CDATA[{enc}]]></Encrypt></xml>");
                    let url = format!("{endpoint}?signature={sig}&timestamp={ts}&nonce={nonce}&openid={user}&encrypt_type=aes&msg_signature={msig}");
                    let t0 = Instant::now();
                    let resp = client.post(&url).body(body).send().await;
                    let ok = match resp {
                        Ok(r) if r.status().is_success() => match r.text().await {
                            Ok(b) => reply_text(&b, &user, &key).map(|t| last = t).is_some(),
                            Err(_) => false,
                        },
                        _ => false,
                    };
                    latencies.push((step >= FIRST, t0.elapsed()));
                    if !ok {
                        failures += 1;
                    }
                }
                if last.contains("问卷已全部完成") {
                    finished += 1;
                }
            }
            (latencies, failures, finished)
        }));
    }
    let mut latencies: Vec<(bool, std::time::Duration)> = Vec::new();
    let (mut failures, mut finished) = (0, 0);
    for w in workers {
        let (l, f, d) = w.await.expect("worker");
        latencies.extend(l);
        failures += f;
        finished += d;
    }
    let wall = started.elapsed();
    let mut answers: Vec<_> = latencies.iter().filter(|l| l.0).map(|l| l.1).collect();
    let mut first: Vec<_> = latencies.iter().filter(|l| !l.0).map(|l| l.1).collect();
    let mut latencies: Vec<_> = latencies.into_iter().map(|l| l.1).collect();
    for l in [&mut latencies, &mut answers, &mut first] {
        l.sort();
    }
    let n = latencies.len();
    println!(
        "bot webhook ({}, safe mode): {} users × {} messages = {n} messages at concurrency {} in {:.2?}: {:.0} msg/s, reply p50 {:.1?}, p99 {:.1?}, max {:.1?}; {} failed replies, {} questionnaires completed",
        if opts.postgres {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        codes.len(),
        SCRIPT.len(),
        opts.concurrency,
        wall,
        n as f64 / wall.as_secs_f64(),
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or_default(),
        failures,
        finished,
    );
    println!(
        "  the first {FIRST} messages of each user (code, consent): p50 {:.1?}, p99 {:.1?}; the answers after them: p50 {:.1?}, p99 {:.1?}",
        percentile(&first, 0.50),
        percentile(&first, 0.99),
        percentile(&answers, 0.50),
        percentile(&answers, 0.99),
    );
    if opts.postgres
        && let Ok(admin) = gradtrace::store::connect(&pg_url).await
    {
        let _ = admin
            .execute_unprepared(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
            .await;
    }
}
