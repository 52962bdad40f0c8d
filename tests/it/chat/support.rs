//! A test app with the bot configured, a local platform API that records what it receives, and
//! the scripted `graduation` questionnaire (employed branch).
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request};
use gradtrace::bot::BotConfig;
use gradtrace::bot::adapters::parse_query;
use gradtrace::clock::ManualClock;
use gradtrace::store::entities::{chat_state, invitation, response, wave};
use gradtrace::survey::Answer;
use http_body_util::BodyExt;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::app::{TestApp, config, test_now};
use crate::common::TestDb;

pub const WX_TOKEN: &str = "123456";
pub const WX_AES_KEY: &str = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR";
pub const WX_APP_ID: &str = "wx49f0ab532d5d035a";
pub const TG_BOT_TOKEN: &str = "123:ABC";
pub const TG_SECRET: &str = "tg-secret-0123456789";
pub const WA_SECRET: &str = "app_secret_123";
pub const WA_VERIFY: &str = "verify-me";
pub const WA_PHONE_ID: &str = "PHONE_NUMBER_ID";

/// One request a stand-in platform API received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub authorization: Option<String>,
    pub body: Value,
}

impl Recorded {
    /// A query parameter.
    pub fn q(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

type Responder = dyn Fn(&Recorded) -> (u16, Value) + Send + Sync;

/// A local server standing in for a platform's API: records every request and answers it with
/// `respond`'s status and JSON.
pub struct MockPlatform {
    pub base: String,
    log: Arc<Mutex<Vec<Recorded>>>,
}

impl MockPlatform {
    pub async fn start(
        respond: impl Fn(&Recorded) -> (u16, Value) + Send + Sync + 'static,
    ) -> MockPlatform {
        let log: Arc<Mutex<Vec<Recorded>>> = Arc::default();
        let respond: Arc<Responder> = Arc::new(respond);
        let state = (log.clone(), respond);
        let app = axum::Router::new().fallback(
            move |method: Method,
                  uri: axum::http::Uri,
                  headers: HeaderMap,
                  body: axum::body::Bytes| {
                let (log, respond) = state.clone();
                async move {
                    let rec = Recorded {
                        method: method.to_string(),
                        path: uri.path().to_string(),
                        query: uri.query().map(parse_query).unwrap_or_default(),
                        authorization: headers
                            .get("authorization")
                            .and_then(|v| v.to_str().ok())
                            .map(str::to_string),
                        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
                    };
                    let (status, answer) = respond(&rec);
                    log.lock().expect("log").push(rec);
                    (
                        axum::http::StatusCode::from_u16(status).expect("status"),
                        axum::Json(answer),
                    )
                }
            },
        );
        MockPlatform {
            base: crate::serve::serve_router(app).await,
            log,
        }
    }

    /// The WeChat, Telegram and WhatsApp Cloud APIs as the conversations use them, answering
    /// every call with success.
    pub async fn every_platform() -> MockPlatform {
        let sent = AtomicUsize::new(0);
        MockPlatform::start(move |r| {
            let answer = match r.path.as_str() {
                "/cgi-bin/token" => json!({"access_token": "AT1", "expires_in": 7200}),
                "/cgi-bin/message/custom/send" => json!({"errcode": 0, "errmsg": "ok"}),
                p if p.ends_with("/sendMessage") => {
                    let n = sent.fetch_add(1, Ordering::SeqCst) + 1;
                    json!({"ok": true, "result": {"message_id": n}})
                }
                p if p.starts_with("/bot") => json!({"ok": true, "result": true}),
                p if p.ends_with("/messages") => {
                    let n = sent.fetch_add(1, Ordering::SeqCst) + 1;
                    json!({
                        "messaging_product": "whatsapp",
                        "messages": [{"id": format!("wamid.OUT{n}")}],
                    })
                }
                _ => json!({"error": "unknown"}),
            };
            (200, answer)
        })
        .await
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.log.lock().expect("log").clone()
    }

    /// The requests whose path ends with `suffix`.
    pub fn to(&self, suffix: &str) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.path.ends_with(suffix))
            .collect()
    }
}

/// The bot settings of the tests: all three platforms, their APIs at `base`.
pub fn bot_config(base: &str) -> BotConfig {
    BotConfig {
        wechat_token: Some(WX_TOKEN.into()),
        wechat_app_id: Some(WX_APP_ID.into()),
        wechat_app_secret: Some("wx-secret".into()),
        wechat_aes_key: Some(WX_AES_KEY.into()),
        wechat_api_base: base.into(),
        telegram_bot_token: Some(TG_BOT_TOKEN.into()),
        telegram_secret_token: Some(TG_SECRET.into()),
        telegram_api_base: base.into(),
        whatsapp_token: Some("wa-token".into()),
        whatsapp_app_secret: Some(WA_SECRET.into()),
        whatsapp_verify_token: Some(WA_VERIFY.into()),
        whatsapp_phone_number_id: Some(WA_PHONE_ID.into()),
        whatsapp_api_base: base.into(),
        ..BotConfig::default()
    }
}

/// The real app with the bot configured, over the test database, and the platform API.
pub struct ChatApp {
    pub app: TestApp,
    pub api: MockPlatform,
}

impl ChatApp {
    pub async fn new(t: &TestDb) -> ChatApp {
        Self::at(t, test_now()).await
    }

    pub async fn at(t: &TestDb, now: chrono::DateTime<chrono::Utc>) -> ChatApp {
        let api = MockPlatform::every_platform().await;
        let clock = ManualClock::at(now);
        let url = t.full_url();
        let mut cfg = config(&url);
        cfg.bot = bot_config(&api.base);
        cfg.base_url = Some("https://survey.example.edu".into());
        let mut services = gradtrace::app::services(cfg, Arc::new(clock.clone()))
            .await
            .expect("services");
        services.db = t.db.clone();
        let state = gradtrace::web::AppState::new(services);
        let router = gradtrace::web::router(state.clone());
        ChatApp {
            app: TestApp {
                state,
                router,
                clock,
            },
            api,
        }
    }

    /// Sends a raw request through the router: (status, body).
    pub async fn call(
        &self,
        method: Method,
        uri: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> (u16, Vec<u8>) {
        let mut req = Request::builder().method(method).uri(uri);
        for (k, v) in headers {
            req = req.header(*k, v);
        }
        let resp = self
            .app
            .router
            .clone()
            .oneshot(req.body(Body::from(body)).expect("request"))
            .await
            .expect("response");
        let status = resp.status().as_u16();
        let bytes = resp
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec();
        (status, bytes)
    }

    pub fn now_ts(&self) -> i64 {
        use gradtrace::clock::Clock;
        self.app.clock.now().timestamp()
    }

    /// A graduate of 2025 in an open `graduation` wave: (invitation, its wave).
    pub async fn invited(&self, n: usize) -> (Vec<invitation::Model>, wave::Model) {
        let grads = self.app.graduates(2025, n).await;
        let w = self.app.wave("graduation", 2025).await;
        let mut invs = Vec::new();
        for g in &grads {
            invs.push(
                invitation::Entity::find()
                    .filter(invitation::Column::WaveId.eq(w.id))
                    .filter(invitation::Column::GraduateId.eq(g.id))
                    .one(&self.app.state.db)
                    .await
                    .expect("query")
                    .expect("invited"),
            );
        }
        (invs, w)
    }

    pub async fn response(&self, invitation_id: i32) -> Option<response::Model> {
        response::Entity::find()
            .filter(response::Column::InvitationId.eq(invitation_id))
            .one(&self.app.state.db)
            .await
            .expect("query")
    }

    pub async fn answers(&self, invitation_id: i32) -> BTreeMap<String, Answer> {
        let r = self.response(invitation_id).await.expect("a response");
        gradtrace::respond::answers_of(&r).expect("answers").0
    }

    pub async fn state(&self, platform: &str, user: &str) -> Option<chat_state::Model> {
        chat_state::Entity::find()
            .filter(chat_state::Column::Platform.eq(platform))
            .filter(chat_state::Column::UserId.eq(user))
            .one(&self.app.state.db)
            .await
            .expect("query")
    }
}

/// What a graduate of the employed branch replies, question by question: the forgiving forms
/// people type (option text, "8k", "2025年6月", "1,3", a province then its city, "跳过").
pub fn graduation_reply(question: &str, step: &str) -> &'static str {
    if step == "city" {
        return "深圳";
    }
    match question {
        "destination_type" => "单位就业（签订就业协议或劳动合同、应征入伍、参加基层项目等）",
        "destination_date" => "2025年6月",
        "employer_name" => "深圳市某科技有限公司",
        "employer_type" => "2",
        "grassroots_programme" => "1",
        "industry" => "3",
        "work_region" => "广东",
        "job_title" => "跳过",
        "agreement_signed" => "是",
        "monthly_salary" => "8k",
        "major_match" => "4",
        "job_satisfaction" => "5",
        "job_search_months" => "3",
        "job_offers" => "2",
        "job_channel" => "1",
        "job_search_difficulties" => "1,3",
        "career_services_rating" => "4",
        "suggestions" => "skip",
        other => panic!("unexpected question {other}"),
    }
}

/// The answers the script above must leave stored.
pub fn assert_graduation_stored(a: &BTreeMap<String, Answer>) {
    let keys: Vec<&String> = a.keys().collect();
    for q in [
        "destination_type",
        "destination_date",
        "employer_name",
        "grassroots_programme",
        "work_region",
        "job_title",
        "agreement_signed",
        "monthly_salary",
        "major_match",
        "job_satisfaction",
        "job_search_months",
        "job_search_difficulties",
        "career_services_rating",
        "suggestions",
    ] {
        assert!(a.contains_key(q), "{q} missing from {keys:?}");
    }
    assert_eq!(a["destination_type"], Answer::choice("employed"));
    assert!(
        matches!(a["destination_date"], Answer::YearMonth(m) if m.year == 2025 && m.month == 6)
    );
    assert_eq!(a["employer_name"], Answer::text("深圳市某科技有限公司"));
    assert_eq!(a["grassroots_programme"], Answer::choice("none"));
    assert_eq!(
        a["work_region"],
        Answer::Region {
            province: "44".into(),
            city: Some("4403".into()),
            county: false
        }
    );
    assert_eq!(a["job_title"], Answer::Skipped);
    assert_eq!(a["agreement_signed"], Answer::choice("yes"));
    assert_eq!(a["monthly_salary"], Answer::Number(8000.0));
    assert_eq!(a["major_match"], Answer::Rating(4));
    assert_eq!(a["job_satisfaction"], Answer::Rating(5));
    assert_eq!(a["job_search_months"], Answer::Number(3.0));
    assert_eq!(
        a["job_search_difficulties"],
        Answer::choices(&["lack_experience", "competition"])
    );
    assert_eq!(a["career_services_rating"], Answer::Rating(4));
    assert_eq!(a["suggestions"], Answer::Skipped);
    assert_eq!(a.len(), 18, "{:?}", a.keys().collect::<Vec<_>>());
}
