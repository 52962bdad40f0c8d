//! Invitations and reminders against the real Redis (a private key prefix per test), a real SMTP
//! server on loopback and local HTTP doubles of the SMS gateway and the WeChat API, with time
//! moved by the test's clock. Runs on SQLite and PostgreSQL.
mod sink;

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Timelike, Utc};
use gradtrace::i18n::Localizer;
use gradtrace::remind::queue::Settings;
use gradtrace::remind::sender::Senders;
use gradtrace::remind::sender::bot::{BotSender, RosterOnly};
use gradtrace::remind::sender::email::EmailSender;
use gradtrace::remind::sender::sms::SmsSender;
use gradtrace::remind::unsubscribe::UnsubscribeKey;
use gradtrace::remind::{Scheduler, Worker};
use gradtrace::store::entities::{delivery, graduate, invitation, reminder, response, wave};
use gradtrace::store::responses::{self, Channel, Status};
use gradtrace::wave::NewWave;
use gradtrace::wave::plan::{PlanOptions, ReminderChannel, ReminderPlan};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};

use crate::app::{SECRET, TestApp, test_now};
use sink::{HttpApi, Mode, SmtpSink};

const BASE_URL: &str = "http://survey.test";

fn redis_url() -> String {
    std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_string())
}

/// A Redis key prefix of the test's own; its keys are deleted when dropped.
struct RedisPrefix {
    prefix: String,
    conn: redis::aio::ConnectionManager,
}

impl RedisPrefix {
    async fn new() -> RedisPrefix {
        let client = redis::Client::open(redis_url()).expect("redis url");
        RedisPrefix {
            prefix: format!("gt-test-{}", uuid::Uuid::new_v4().simple()),
            conn: client
                .get_connection_manager()
                .await
                .expect("redis at 127.0.0.1:6379"),
        }
    }

    /// Deletes every key of this prefix: what a FLUSHALL or a restart without persistence does
    /// to this deployment (without touching other tests' keys).
    async fn flush(&self) {
        let mut conn = self.conn.clone();
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg(format!("{}:*", self.prefix))
            .query_async(&mut conn)
            .await
            .expect("keys");
        if !keys.is_empty() {
            let _: i64 = redis::cmd("DEL")
                .arg(&keys)
                .query_async(&mut conn)
                .await
                .expect("del");
        }
    }

    fn scheduler(&self, app: &TestApp, settings: Settings) -> Scheduler {
        Scheduler::redis(
            self.conn.clone(),
            &self.prefix,
            app.state.db.clone(),
            Arc::new(app.clock.clone()),
            settings,
        )
    }
}

impl Drop for RedisPrefix {
    fn drop(&mut self) {
        let prefix = self.prefix.clone();
        let _ = std::thread::spawn(move || {
            let client = redis::Client::open(redis_url()).ok()?;
            let mut conn = client.get_connection().ok()?;
            let keys: Vec<String> = redis::cmd("KEYS")
                .arg(format!("{prefix}:*"))
                .query(&mut conn)
                .ok()?;
            if !keys.is_empty() {
                let _: i64 = redis::cmd("DEL").arg(&keys).query(&mut conn).ok()?;
            }
            Some(())
        })
        .join();
    }
}

fn settings() -> Settings {
    Settings {
        lease: Duration::seconds(300),
        max_attempts: 3,
        retry_base: Duration::seconds(60),
        ..Settings::default()
    }
}

fn localizer() -> Arc<Localizer> {
    Arc::new(Localizer::load(std::path::Path::new("locales")).expect("locales"))
}

async fn email(sink: &SmtpSink) -> EmailSender {
    EmailSender::new(&sink.url(), "gradtrace <noreply@survey.test>", 4).expect("email sender")
}

fn worker(app: &TestApp, scheduler: Scheduler, senders: Senders) -> Worker {
    Worker::new(
        scheduler,
        localizer(),
        app.state.keys.clone(),
        UnsubscribeKey::from_secret(SECRET),
        BASE_URL,
        Arc::new(senders),
        10,
        8,
    )
}

/// A wave of `survey` for the 2024 cohort with the given plan, invited.
async fn open_wave(
    app: &TestApp,
    opts: PlanOptions,
    opens_at: DateTime<Utc>,
    closes_at: Option<DateTime<Utc>>,
) -> wave::Model {
    let survey = app.state.catalog.survey("year1").expect("year1 survey");
    let w = gradtrace::wave::create(
        &app.state.db,
        NewWave {
            survey,
            cohort_year: 2024,
            opens_at,
            closes_at,
            plan: ReminderPlan::from_options(&opts).expect("plan"),
        },
        test_now(),
    )
    .await
    .expect("create wave");
    gradtrace::wave::invite::invite(&app.state.db, w.id, test_now())
        .await
        .expect("invite");
    w
}

async fn set_contact(
    app: &TestApp,
    g: &graduate::Model,
    email: Option<&str>,
    phone: Option<&str>,
    openid: Option<&str>,
    lang: Option<&str>,
) {
    let mut m = g.clone().into_active_model();
    m.email = Set(email.map(str::to_string));
    m.phone = Set(phone.map(str::to_string));
    m.wechat_openid = Set(openid.map(str::to_string));
    m.lang = Set(lang.map(str::to_string));
    m.update(&app.state.db).await.expect("update graduate");
}

async fn invitation_of(app: &TestApp, w: &wave::Model, g: &graduate::Model) -> invitation::Model {
    invitation::Entity::find()
        .filter(invitation::Column::WaveId.eq(w.id))
        .filter(invitation::Column::GraduateId.eq(g.id))
        .one(&app.state.db)
        .await
        .expect("query")
        .expect("invited")
}

/// The graduate answers everything (through the response store, as the form would).
async fn complete(app: &TestApp, inv: &invitation::Model) {
    let db = &app.state.db;
    let now = app.clock_now();
    let r = responses::open(db, inv.id, Channel::Web, now)
        .await
        .expect("open");
    let r = responses::record_consent(db, r.id, 1, true, Channel::Web, now)
        .await
        .expect("consent");
    responses::save_answers(
        db,
        r.id,
        r.revision,
        &serde_json::json!({"destination_type": {"choice": "employed"}}),
        Status::Complete,
        Channel::Web,
        now,
    )
    .await
    .expect("complete");
}

trait ClockNow {
    fn clock_now(&self) -> DateTime<Utc>;
}

impl ClockNow for TestApp {
    fn clock_now(&self) -> DateTime<Utc> {
        use gradtrace::clock::Clock;
        self.clock.now()
    }
}

fn shanghai(day: u32, h: u32, m: u32) -> DateTime<Utc> {
    chrono_tz::Asia::Shanghai
        .with_ymd_and_hms(2025, 9, day, h, m, 0)
        .single()
        .expect("time")
        .with_timezone(&Utc)
}

fn quiet(at: DateTime<Utc>) -> bool {
    let h = at.with_timezone(&chrono_tz::Asia::Shanghai).hour();
    !(8..21).contains(&h)
}

/// The path (with query) of a URL under `BASE_URL`.
fn path_of(url: &str) -> String {
    url.strip_prefix(BASE_URL)
        .expect("our base url")
        .to_string()
}

/// The first URL under `BASE_URL` starting with `prefix` in a text.
fn find_url(text: &str, prefix: &str) -> String {
    let start = text
        .find(&format!("{BASE_URL}{prefix}"))
        .unwrap_or_else(|| panic!("no {prefix} link in {text}"));
    text[start..]
        .split(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '>')
        .next()
        .expect("url")
        .to_string()
}

storage_test!(
    async fn non_responders_get_each_reminder_in_their_language_on_their_channel(t) {
        let app = TestApp::new(&t).await;
        let redis = RedisPrefix::new().await;
        app.clock.set(shanghai(1, 10, 0));
        let people = app.graduates(2024, 5).await;
        // 1: e-mail, English. 2: phone → SMS. 3: WeChat-bound → bot. 4: e-mail, Chinese.
        // 5: no address at all.
        set_contact(&app, &people[0], Some("s1@example.edu"), None, None, Some("en")).await;
        set_contact(&app, &people[1], Some("s2@example.edu"), Some("13800000002"), None, None)
            .await;
        set_contact(&app, &people[2], Some("s3@example.edu"), Some("13800000003"), Some("oUSER3"), None)
            .await;
        set_contact(&app, &people[3], Some("s4@example.edu"), None, None, None).await;
        set_contact(&app, &people[4], None, None, None, None).await;

        // Opens at 10:00; reminders after 11 h (21:00: quiet, so 08:00 next day) and 1 day.
        let w = open_wave(
            &app,
            PlanOptions {
                offsets: Some("11h,1d".into()),
                ..Default::default()
            },
            shanghai(1, 10, 0),
            Some(shanghai(20, 0, 0)),
        )
        .await;
        let smtp = SmtpSink::start(Mode::Accept).await;
        let api = HttpApi::start().await;
        let sms = SmsSender::from_config(&gradtrace::remind::config::RemindConfig {
            sms_api_base: Some(format!("{}/sms/send", api.base)),
            sms_template_id: "SMS_1234".into(),
            sms_sign_name: "某某大学".into(),
            ..Default::default()
        })
        .expect("sms config")
        .expect("sms sender");
        let bot_cfg = gradtrace::bot::BotConfig {
            wechat_token: Some("wxtoken".into()),
            wechat_app_id: Some("wx49f0ab532d5d035a".into()),
            wechat_app_secret: Some("APP-SECRET".into()),
            wechat_api_base: api.base.clone(),
            ..Default::default()
        };
        let wechat = gradtrace::bot::adapters::WeChat::new(
            &bot_cfg,
            Arc::new(app.clock.clone()),
            reqwest::Client::new(),
        )
        .expect("wechat");
        let senders = Senders {
            email: Some(email(&smtp).await),
            sms: Some(sms),
            bot: Some(BotSender::new(vec![Arc::new(wechat)], Arc::new(RosterOnly))),
        };
        let worker = worker(&app, redis.scheduler(&app, settings()), senders);

        let planned = worker.maintain().await.expect("maintain");
        assert_eq!(planned.planned, 5, "one invitation send per invitee");
        worker.drain().await.expect("drain");

        // The invitation: each on their first reachable channel, in their language.
        let en = smtp.to("s1@example.edu");
        assert_eq!(en.len(), 1);
        assert_eq!(
            en[0].header("Subject").as_deref(),
            Some("Invitation: One year on: career survey")
        );
        let text = en[0].part("text/plain").expect("plain part");
        assert!(text.starts_with("Dear 测试同学1,"), "{text}");
        let link = find_url(&text, "/s/");
        assert!(en[0].part("text/html").expect("html part").contains(&link));
        let zh = smtp.to("s4@example.edu");
        assert_eq!(zh.len(), 1);
        assert_eq!(
            zh[0].header("Subject").as_deref(),
            Some("邀请：毕业一年职业发展跟踪调查")
        );
        assert!(zh[0].part("text/plain").expect("plain").contains("测试同学4，您好！"));
        assert!(smtp.to("s2@example.edu").is_empty() && smtp.to("s3@example.edu").is_empty());
        let texts = api.requests("/sms/send");
        assert_eq!(texts.len(), 1);
        assert_eq!(texts[0].body["phone"], "13800000002");
        assert_eq!(texts[0].body["template_id"], "SMS_1234");
        assert_eq!(texts[0].body["sign_name"], "某某大学");
        let inv2 = invitation_of(&app, &w, &people[1]).await;
        let code = gradtrace::wave::code::Code::parse(&inv2.code).expect("code").to_string();
        assert_eq!(texts[0].body["variables"]["code"], code);
        assert!(
            texts[0].body["variables"]["link"]
                .as_str()
                .expect("link")
                .starts_with(&format!("{BASE_URL}/s/"))
        );
        let chats = api.requests("/cgi-bin/message/custom/send");
        assert_eq!(chats.len(), 1);
        assert_eq!(chats[0].body["touser"], "oUSER3");
        assert!(chats[0].query.contains("access_token=AT"));
        assert!(
            chats[0].body["text"]["content"]
                .as_str()
                .expect("text")
                .contains(&format!("{BASE_URL}/s/"))
        );
        // The one without any address is logged as unreachable.
        let inv5 = invitation_of(&app, &w, &people[4]).await;
        let log5 = gradtrace::remind::deliveries_of(&app.state.db, inv5.id)
            .await
            .expect("log");
        assert_eq!(log5.len(), 1);
        assert_eq!(log5[0].outcome, "unreachable");

        // The personal link in the e-mail opens the survey.
        let mut client = app.client();
        let (_, page) = client.open(&path_of(&link)).await;
        assert!(page.contains("name=\"consent\""), "privacy notice first");

        // 1 answers; 4 unsubscribes through the e-mail's one-click link.
        complete(&app, &invitation_of(&app, &w, &people[0]).await).await;
        let unsubscribe = find_url(&zh[0].part("text/plain").expect("plain"), "/u/");
        assert_eq!(
            zh[0].header("List-Unsubscribe"),
            Some(format!("<{unsubscribe}>"))
        );
        let done = client
            .post(&path_of(&unsubscribe), &[("List-Unsubscribe", "One-Click")])
            .await;
        assert_eq!(done.status, axum::http::StatusCode::OK);
        assert!(done.contains("已退订"), "{}", done.body);

        // Nothing before the quiet hours end.
        app.clock.set(shanghai(1, 20, 59));
        worker.drain().await.expect("drain");
        app.clock.set(shanghai(2, 7, 59));
        worker.drain().await.expect("drain");
        assert_eq!(smtp.mails().len(), 2);
        assert_eq!(api.requests("/sms/send").len(), 1);

        // 08:00: reminder 1 to those who neither answered nor opted out (2 by SMS, 3 by bot).
        app.clock.set(shanghai(2, 8, 0));
        worker.drain().await.expect("drain");
        assert_eq!(smtp.mails().len(), 2, "no e-mail: 1 answered, 4 opted out");
        assert_eq!(api.requests("/sms/send").len(), 2);
        assert_eq!(api.requests("/cgi-bin/message/custom/send").len(), 2);
        // 3 answers now; reminder 2 (day 2, 10:00) only goes to 2.
        complete(&app, &invitation_of(&app, &w, &people[2]).await).await;
        app.clock.set(shanghai(2, 10, 0));
        worker.drain().await.expect("drain");
        assert_eq!(api.requests("/sms/send").len(), 3);
        assert_eq!(api.requests("/cgi-bin/message/custom/send").len(), 2);
        // The plan has two reminders: nothing more, ever.
        app.clock.set(shanghai(10, 12, 0));
        worker.maintain().await.expect("maintain");
        worker.drain().await.expect("drain");
        assert_eq!(api.requests("/sms/send").len(), 3);
        assert_eq!(smtp.mails().len(), 2);

        // The delivery log: every send outside quiet hours, on the person's channel.
        let log2 = gradtrace::remind::deliveries_of(&app.state.db, inv2.id)
            .await
            .expect("log");
        let kinds: Vec<&str> = log2.iter().map(|d| d.kind.as_str()).collect();
        assert_eq!(kinds, vec!["invitation", "reminder", "reminder"]);
        assert!(log2.iter().all(|d| d.channel == "sms" && d.outcome == "sent"));
        assert!(log2.iter().all(|d| !quiet(d.at)), "{log2:?}");
        assert!(log2[0].provider_reply.as_deref().unwrap_or("").starts_with("200"));
        let all = delivery::Entity::find().all(&app.state.db).await.expect("log");
        assert!(all.iter().all(|d| !quiet(d.at)));
        let skipped = reminder::Entity::find()
            .filter(reminder::Column::State.eq("skipped"))
            .all(&app.state.db)
            .await
            .expect("rows");
        let reasons: Vec<&str> = skipped.iter().filter_map(|r| r.last_error.as_deref()).collect();
        assert!(reasons.contains(&"answered") && reasons.contains(&"opted out"), "{reasons:?}");
        let r4 = responses::find(&app.state.db, invitation_of(&app, &w, &people[3]).await.id)
            .await
            .expect("query")
            .expect("response");
        assert_eq!(r4.status, "opted_out");
    }
);

storage_test!(
    async fn unsubscribe_link_asks_first_and_keeps_a_completed_response(t) {
        let app = TestApp::new(&t).await;
        let people = app.graduates(2024, 2).await;
        let w = open_wave(&app, PlanOptions::default(), test_now(), None).await;
        let key = UnsubscribeKey::from_secret(SECRET);
        let inv = invitation_of(&app, &w, &people[0]).await;
        let path = format!("/u/{}", key.token(inv.id));
        let mut client = app.client();
        client.accept_language = "en".into();

        // Opening the link (a link scanner does) only asks.
        let page = client.get(&path).await;
        assert_eq!(page.status, axum::http::StatusCode::OK);
        assert!(page.contains("Stop the reminders?"), "{}", page.body);
        assert!(page.contains("One year on: career survey"));
        assert!(page.contains(&format!("action=\"{path}\"")));
        assert!(responses::find(&app.state.db, inv.id).await.expect("query").is_none());

        // The button (or a mail client's one-click POST) opts out.
        let done = client.post(&path, &[("List-Unsubscribe", "One-Click")]).await;
        assert!(done.contains("You are unsubscribed"), "{}", done.body);
        let r = responses::find(&app.state.db, inv.id).await.expect("query").expect("row");
        assert_eq!(r.status, "opted_out");

        // A forged or moved token is refused.
        let (_, mac) = key.token(inv.id).split_once('.').map(|(a, b)| (a.to_string(), b.to_string())).expect("token");
        let other = invitation_of(&app, &w, &people[1]).await;
        let moved = client.post(&format!("/u/{}.{mac}", other.id), &[]).await;
        assert_eq!(moved.status, axum::http::StatusCode::NOT_FOUND);
        assert!(responses::find(&app.state.db, other.id).await.expect("query").is_none());

        // Unsubscribing after answering stops nothing that matters: the answers stay complete.
        complete(&app, &other).await;
        let done = client.post(&format!("/u/{}", key.token(other.id)), &[]).await;
        assert_eq!(done.status, axum::http::StatusCode::OK);
        let r = responses::find(&app.state.db, other.id).await.expect("query").expect("row");
        assert_eq!(r.status, "complete");
    }
);

storage_test!(
    async fn killed_worker_loses_nothing_and_two_workers_never_send_twice(t) {
        let app = TestApp::new(&t).await;
        let redis = RedisPrefix::new().await;
        app.graduates(2024, 30).await;
        open_wave(
            &app,
            PlanOptions {
                max_reminders: Some(0),
                quiet_hours: Some("none".into()),
                ..Default::default()
            },
            test_now(),
            None,
        )
        .await;
        let hung = SmtpSink::start(Mode::Stall).await;
        let good = SmtpSink::start(Mode::Accept).await;

        // Worker A claims a batch of 10 and hangs in the SMTP conversation; then it is killed.
        let a = Arc::new(worker(
            &app,
            redis.scheduler(&app, settings()),
            Senders {
                email: Some(email(&hung).await),
                ..Default::default()
            },
        ));
        a.maintain().await.expect("maintain");
        let scheduler = redis.scheduler(&app, settings());
        let running = {
            let a = a.clone();
            tokio::spawn(async move { a.run_once().await })
        };
        let mut held = 0;
        for _ in 0..100 {
            held = scheduler.stats().await.expect("stats").processing;
            let sending = reminder::Entity::find()
                .filter(reminder::Column::State.eq("sending"))
                .count(&app.state.db)
                .await
                .expect("count");
            if held == 10 && sending == 10 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(held, 10, "worker A holds its batch");
        running.abort();
        assert!(running.await.is_err(), "worker A was killed mid-batch");

        // Two workers run side by side on the rest.
        let b = worker(
            &app,
            redis.scheduler(&app, settings()),
            Senders {
                email: Some(email(&good).await),
                ..Default::default()
            },
        );
        let c = worker(
            &app,
            redis.scheduler(&app, settings()),
            Senders {
                email: Some(email(&good).await),
                ..Default::default()
            },
        );
        let (nb, nc) = tokio::join!(b.drain(), c.drain());
        assert_eq!(nb.expect("b") + nc.expect("c"), 20);
        assert_eq!(good.mails().len(), 20);

        // When A's lease runs out, its ten come back and are sent — once.
        app.clock.advance(Duration::seconds(301));
        let (nb, nc) = tokio::join!(b.drain(), c.drain());
        assert_eq!(nb.expect("b") + nc.expect("c"), 10);
        let mails = good.mails();
        assert_eq!(mails.len(), 30);
        let mut to: Vec<String> = mails.iter().flat_map(|m| m.to.clone()).collect();
        to.sort();
        to.dedup();
        assert_eq!(to.len(), 30, "each graduate got exactly one invitation");
        assert!(hung.mails().is_empty());
        let sent = reminder::Entity::find()
            .filter(reminder::Column::State.eq("sent"))
            .count(&app.state.db)
            .await
            .expect("count");
        assert_eq!(sent, 30);
        let stats = scheduler.stats().await.expect("stats");
        assert_eq!((stats.due, stats.processing), (0, 0));
    }
);

storage_test!(
    async fn redis_flushed_is_rebuilt_from_the_database_and_sending_resumes(t) {
        let app = TestApp::new(&t).await;
        let redis = RedisPrefix::new().await;
        app.graduates(2024, 5).await;
        open_wave(
            &app,
            PlanOptions {
                offsets: Some("1h".into()),
                quiet_hours: Some("none".into()),
                ..Default::default()
            },
            test_now(),
            None,
        )
        .await;
        let smtp = SmtpSink::start(Mode::Accept).await;
        let w = worker(
            &app,
            redis.scheduler(&app, settings()),
            Senders {
                email: Some(email(&smtp).await),
                ..Default::default()
            },
        );
        w.maintain().await.expect("maintain");
        assert_eq!(w.drain().await.expect("drain"), 5);
        let stats = w.scheduler.stats().await.expect("stats");
        assert_eq!(stats.due, 5, "the five reminders wait in Redis");

        // Redis loses everything (flush, or a restart without persistence).
        redis.flush().await;
        assert_eq!(w.scheduler.stats().await.expect("stats").due, 0);
        app.clock.advance(Duration::hours(1));
        assert_eq!(w.drain().await.expect("drain"), 5, "rebuilt and sent");
        assert_eq!(smtp.mails().len(), 10);
        let mut subjects: Vec<String> =
            smtp.mails().iter().filter_map(|m| m.header("Subject")).collect();
        subjects.sort();
        assert_eq!(subjects.iter().filter(|s| s.starts_with("提醒")).count(), 5);

        // A rebuild while nothing is lost changes nothing: no second send.
        assert_eq!(w.scheduler.rebuild().await.expect("rebuild"), 0);
        app.clock.advance(Duration::days(30));
        assert_eq!(w.drain().await.expect("drain"), 0);
        assert_eq!(smtp.mails().len(), 10);
    }
);

storage_test!(
    async fn smtp_down_retries_then_dead_letter_and_remind_now_delivers(t) {
        let app = TestApp::new(&t).await;
        let redis = RedisPrefix::new().await;
        let people = app.graduates(2024, 2).await;
        let w = open_wave(
            &app,
            PlanOptions {
                max_reminders: Some(0),
                quiet_hours: Some("none".into()),
                ..Default::default()
            },
            test_now(),
            None,
        )
        .await;
        let smtp = SmtpSink::start(Mode::Down).await;
        let scheduler = redis.scheduler(&app, settings());
        let worker = worker(
            &app,
            scheduler.clone(),
            Senders {
                email: Some(email(&smtp).await),
                ..Default::default()
            },
        );
        worker.maintain().await.expect("maintain");
        worker.drain().await.expect("attempt 1");
        // Not due again before the backoff: 60 s, then 120 s.
        assert_eq!(worker.drain().await.expect("nothing due"), 0);
        app.clock.advance(Duration::seconds(60));
        assert_eq!(worker.drain().await.expect("attempt 2"), 2);
        app.clock.advance(Duration::seconds(119));
        assert_eq!(worker.drain().await.expect("not yet"), 0);
        app.clock.advance(Duration::seconds(1));
        assert_eq!(worker.drain().await.expect("attempt 3"), 2);

        let dead = gradtrace::remind::dead_letters(&app.state.db, Some(w.id))
            .await
            .expect("dead letters");
        assert_eq!(dead.len(), 2);
        assert!(dead.iter().all(|d| d.attempts == 3 && d.channel.as_deref() == Some("email")));
        assert!(dead[0].last_error.as_deref().unwrap_or("").contains("421"), "{dead:?}");
        assert_eq!(scheduler.dead_list(10).await.expect("redis dead").len(), 2);
        assert_eq!(scheduler.stats().await.expect("stats").due, 0);
        let inv = invitation_of(&app, &w, &people[0]).await;
        let log = gradtrace::remind::deliveries_of(&app.state.db, inv.id)
            .await
            .expect("log");
        let outcomes: Vec<&str> = log.iter().map(|d| d.outcome.as_str()).collect();
        assert_eq!(outcomes, vec!["retry", "retry", "dead"]);
        assert!(smtp.mails().is_empty());

        // The server is back; a liaison reminds the first graduate now.
        smtp.set_mode(Mode::Accept);
        let row = gradtrace::remind::remind_now(&app.state.db, &scheduler, inv.id, "liaison1")
            .await
            .expect("remind now");
        assert_eq!(row.kind, "manual");
        assert_eq!(worker.drain().await.expect("drain"), 1);
        assert_eq!(smtp.to("s1@example.edu").len(), 1);
        // Once per cool-down.
        let again = gradtrace::remind::remind_now(&app.state.db, &scheduler, inv.id, "liaison1")
            .await
            .expect_err("cool-down");
        assert!(matches!(again, gradtrace::Error::Conflict(_)), "{again}");
        app.clock.advance(Duration::hours(25));
        gradtrace::remind::remind_now(&app.state.db, &scheduler, inv.id, "liaison1")
            .await
            .expect("after the cool-down");
        // Not after the person answered.
        complete(&app, &inv).await;
        assert_eq!(worker.drain().await.expect("drain"), 1);
        assert_eq!(smtp.to("s1@example.edu").len(), 1, "answered: the reminder is skipped");
        let refused = gradtrace::remind::remind_now(&app.state.db, &scheduler, inv.id, "liaison1")
            .await
            .expect_err("answered");
        assert!(matches!(refused, gradtrace::Error::Invalid(_)));
        let audits = gradtrace::store::entities::audit_event::Entity::find()
            .filter(gradtrace::store::entities::audit_event::Column::Action.eq("remind_now"))
            .count(&app.state.db)
            .await
            .expect("audit");
        assert_eq!(audits, 2);
    }
);

storage_test!(
    async fn embedded_scheduler_sends_from_the_database_and_stops_when_the_wave_closes(t) {
        let app = TestApp::new(&t).await;
        app.graduates(2024, 3).await;
        let closes = test_now() + Duration::days(2);
        open_wave(
            &app,
            PlanOptions {
                offsets: Some("1d,3d".into()),
                quiet_hours: Some("none".into()),
                channels: Some("email".into()),
                ..Default::default()
            },
            test_now(),
            Some(closes),
        )
        .await;
        let smtp = SmtpSink::start(Mode::Accept).await;
        let scheduler =
            Scheduler::embedded(app.state.db.clone(), Arc::new(app.clock.clone()), settings());
        assert!(!scheduler.is_redis());
        let w = worker(
            &app,
            scheduler,
            Senders {
                email: Some(email(&smtp).await),
                ..Default::default()
            },
        );
        w.maintain().await.expect("maintain");
        assert_eq!(w.drain().await.expect("drain"), 3);
        assert_eq!(smtp.mails().len(), 3);
        app.clock.advance(Duration::days(1));
        assert_eq!(w.drain().await.expect("drain"), 3);
        assert_eq!(smtp.mails().len(), 6);
        // Reminder 2 (day 3) falls after the closing: never planned. The wave closes.
        app.clock.advance(Duration::days(5));
        w.maintain().await.expect("maintain");
        assert_eq!(w.drain().await.expect("drain"), 0);
        assert_eq!(smtp.mails().len(), 6);
        let open = reminder::Entity::find()
            .filter(reminder::Column::State.is_in(["pending", "sending"]))
            .count(&app.state.db)
            .await
            .expect("count");
        assert_eq!(open, 0);
    }
);

storage_test!(
    async fn manual_reminder_is_cancelled_when_the_wave_closes_first(t) {
        let app = TestApp::new(&t).await;
        let redis = RedisPrefix::new().await;
        let people = app.graduates(2024, 1).await;
        let w = open_wave(
            &app,
            PlanOptions {
                max_reminders: Some(0),
                // Quiet all day but one minute: the manual reminder waits for tomorrow.
                quiet_hours: Some("10:00-09:59".into()),
                ..Default::default()
            },
            test_now() - Duration::days(3),
            Some(test_now() + Duration::hours(2)),
        )
        .await;
        let scheduler = redis.scheduler(&app, settings());
        let smtp = SmtpSink::start(Mode::Accept).await;
        let worker = worker(
            &app,
            scheduler.clone(),
            Senders {
                email: Some(email(&smtp).await),
                ..Default::default()
            },
        );
        let inv = invitation_of(&app, &w, &people[0]).await;
        let row = gradtrace::remind::remind_now(&app.state.db, &scheduler, inv.id, "liaison")
            .await
            .expect("remind now");
        assert!(row.due_at > w.closes_at.expect("closes"));
        app.clock.advance(Duration::days(1));
        worker.drain().await.expect("drain");
        assert!(smtp.mails().is_empty());
        let row = reminder::Entity::find_by_id(row.id)
            .one(&app.state.db)
            .await
            .expect("query")
            .expect("row");
        assert_eq!(row.state, "cancelled");
        assert_eq!(row.last_error.as_deref(), Some("wave closed"));
        let closed = gradtrace::remind::remind_now(&app.state.db, &scheduler, inv.id, "liaison")
            .await
            .expect_err("closed");
        assert!(matches!(closed, gradtrace::Error::Invalid(_)));
    }
);

storage_test!(
    async fn stages_plan_themselves_once_per_cohort(t) {
        let app = TestApp::new(&t).await;
        app.graduates(2024, 3).await;
        let stages = gradtrace::remind::stages::parse_stages("year1=1y,year3=3y,year5=5y")
            .expect("stages");
        let plan = ReminderPlan::default();
        let first = gradtrace::remind::stages::plan_stages(
            &app.state.db,
            &app.state.catalog,
            2024,
            &stages,
            60,
            &plan,
            test_now(),
        )
        .await
        .expect("plan");
        assert_eq!(first.len(), 3);
        assert!(first.iter().all(|s| s.created));
        // Graduated 2024-06-30: year3 opens 2027-06-30 09:00 Shanghai.
        assert_eq!(
            first[1].opens_at,
            Utc.with_ymd_and_hms(2027, 6, 30, 1, 0, 0).single().expect("time")
        );
        let again = gradtrace::remind::stages::plan_stages(
            &app.state.db,
            &app.state.catalog,
            2024,
            &stages,
            60,
            &plan,
            test_now(),
        )
        .await
        .expect("plan again");
        assert!(again.iter().all(|s| !s.created));
        assert_eq!(
            again.iter().map(|s| s.wave_id).collect::<Vec<_>>(),
            first.iter().map(|s| s.wave_id).collect::<Vec<_>>()
        );
        let waves = wave::Entity::find().count(&app.state.db).await.expect("count");
        assert_eq!(waves, 3);
        let missing = gradtrace::remind::stages::plan_stages(
            &app.state.db,
            &app.state.catalog,
            2019,
            &stages,
            60,
            &plan,
            test_now(),
        )
        .await
        .expect_err("no roster");
        assert!(missing.to_string().contains("2019"));

        // When year1 opens, the worker invites the cohort and sends the invitations.
        let redis = RedisPrefix::new().await;
        let smtp = SmtpSink::start(Mode::Accept).await;
        let worker = worker(
            &app,
            redis.scheduler(&app, settings()),
            Senders {
                email: Some(email(&smtp).await),
                ..Default::default()
            },
        );
        app.clock.set(first[0].opens_at);
        let m = worker.maintain().await.expect("maintain");
        assert_eq!((m.invited, m.planned), (3, 3));
        assert_eq!(worker.drain().await.expect("drain"), 3);
        assert_eq!(smtp.mails().len(), 3);
        let responses = response::Entity::find().count(&app.state.db).await.expect("count");
        assert_eq!(responses, 0);
    }
);

#[tokio::test]
async fn token_bucket_holds_a_channel_to_its_rate() {
    let t = crate::common::TestDb::sqlite().await;
    let app = TestApp::new(&t).await;
    let redis = RedisPrefix::new().await;
    let mut s = settings();
    s.rates.insert(ReminderChannel::Sms, 3);
    let scheduler = redis.scheduler(&app, s.clone());
    let (granted, wait) = scheduler
        .take_permits(ReminderChannel::Sms, 10)
        .await
        .expect("permits");
    assert_eq!(granted, 3, "a second's worth");
    assert!(wait > std::time::Duration::ZERO && wait <= std::time::Duration::from_millis(334));
    let (again, _) = scheduler
        .take_permits(ReminderChannel::Sms, 1)
        .await
        .expect("permits");
    assert_eq!(again, 0, "the bucket is shared: empty until it refills");
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let (later, _) = scheduler
        .take_permits(ReminderChannel::Sms, 5)
        .await
        .expect("permits");
    assert_eq!(later, 1, "one more after a third of a second");
    // Another channel has its own bucket.
    let (email, _) = scheduler
        .take_permits(ReminderChannel::Email, 5)
        .await
        .expect("permits");
    assert_eq!(email, 5);
}

storage_test!(
    async fn deleting_a_graduate_takes_their_planned_sends_with_them(t) {
        // PostgreSQL keeps this cascade with a trigger instead of a foreign key (migration
        // m20261127_210000): the key cost more than half of planning a large wave.
        let app = TestApp::new(&t).await;
        let people = app.graduates(2024, 2).await;
        let w = open_wave(&app, PlanOptions::default(), test_now(), None).await;
        let planned = gradtrace::remind::plan::plan_wave(&app.state.db, &w, test_now())
            .await
            .expect("plan");
        assert_eq!(planned.created, 2);
        let gone = invitation_of(&app, &w, &people[0]).await;
        let kept = invitation_of(&app, &w, &people[1]).await;
        graduate::Entity::delete_by_id(people[0].id)
            .exec(&app.state.db)
            .await
            .expect("delete graduate");
        let count = |id: i32| {
            reminder::Entity::find()
                .filter(reminder::Column::InvitationId.eq(id))
                .count(&app.state.db)
        };
        assert_eq!(count(gone.id).await.expect("count"), 0);
        assert_eq!(count(kept.id).await.expect("count"), 1);
        // Planning again recreates nothing for the deleted one and nothing twice for the other.
        let again = gradtrace::remind::plan::plan_wave(&app.state.db, &w, test_now())
            .await
            .expect("plan again");
        assert_eq!(again.created, 0);
    }
);
