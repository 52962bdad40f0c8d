//! Reminder benchmark: (1) schedule the invitations of a wave of N invitees (default 1,000,000):
//! plan the sends in the database and put them into Redis; (2) deliver M e-mails (default
//! 20,000) to an SMTP server on loopback with W workers over the Redis scheduler.
//!
//! `cargo bench --bench remind --profile dev -- [--invitations N] [--emails M] [--workers W]
//! [--workers W] [--in-flight F] [--smtp-pool P] [--batch B] [--only schedule|deliver]`. PostgreSQL (TEST_POSTGRES_URL, default
//! postgres://postgres@127.0.0.1:5432/test) in a schema of its own, dropped at the end; Redis
//! (TEST_REDIS_URL, default redis://127.0.0.1:6379) under a prefix of its own, deleted at the end.
#[path = "../tests/it/serve.rs"]
mod serve;
#[path = "../tests/it/remind/sink.rs"]
#[allow(dead_code)]
mod sink;

use std::sync::Arc;
use std::time::Instant;

use chrono::{Duration, Utc};
use gradtrace::clock::{Clock, ManualClock};
use gradtrace::remind::queue::Settings;
use gradtrace::remind::sender::Senders;
use gradtrace::remind::sender::email::EmailSender;
use gradtrace::remind::unsubscribe::UnsubscribeKey;
use gradtrace::remind::{Scheduler, Worker};
use gradtrace::store::entities::wave;
use gradtrace::wave::plan::{PlanOptions, ReminderChannel, ReminderPlan};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, Set};

const SECRET: &str = "bench-secret-bench-secret-bench-secret-01";

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn flag(name: &str) -> bool {
    std::env::args().any(|a| a == name)
}

fn num(name: &str, default: usize) -> usize {
    arg(name).and_then(|v| v.parse().ok()).unwrap_or(default)
}

struct Bench {
    db: DatabaseConnection,
    admin_url: String,
    schema: String,
    redis: redis::aio::ConnectionManager,
    prefix: String,
}

impl Bench {
    async fn new() -> Bench {
        let url = std::env::var("TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
        let schema = format!("bench_{}", uuid::Uuid::new_v4().simple());
        let admin = gradtrace::store::connect(&url).await.expect("postgres");
        admin
            .execute_unprepared(&format!("CREATE SCHEMA {schema}"))
            .await
            .expect("schema");
        admin.close().await.ok();
        let db = gradtrace::store::connect_in_schema(&url, Some(&schema))
            .await
            .expect("postgres schema");
        gradtrace::store::migrate(&db).await.expect("migrate");
        let redis_url = std::env::var("TEST_REDIS_URL")
            .unwrap_or_else(|_| "redis://127.0.0.1:6379".to_string());
        let redis = redis::Client::open(redis_url)
            .expect("redis url")
            .get_connection_manager()
            .await
            .expect("redis");
        Bench {
            db,
            admin_url: url,
            schema,
            redis,
            prefix: format!("gt-bench-{}", uuid::Uuid::new_v4().simple()),
        }
    }

    /// A wave opening `opens` with `n` graduates invited (set up in SQL, not measured).
    async fn wave_with_invitees(
        &self,
        n: usize,
        plan: &ReminderPlan,
        opens: chrono::DateTime<Utc>,
    ) -> wave::Model {
        let w = wave::Entity::insert(wave::ActiveModel {
            survey_id: Set("year1".into()),
            survey_version: Set(1),
            stage: Set("year1".into()),
            cohort_year: Set(2024),
            opens_at: Set(opens),
            closes_at: Set(Some(opens + Duration::days(60))),
            reminder_plan: Set(plan.to_json()),
            created_at: Set(opens),
            ..Default::default()
        })
        .exec_with_returning(&self.db)
        .await
        .expect("wave");
        self.db
            .execute_unprepared(&format!(
                "INSERT INTO graduate (student_id, name, degree_level, department, major, \
                 class_name, graduation_date, graduation_year, email, attributes, created_at, \
                 updated_at) SELECT 'B' || g, '毕业生' || g, 'bachelor', '计算机学院', '软件工程', \
                 '软工2401', DATE '2024-06-30', 2024, 'b' || g || '@example.edu', '{{}}', now(), \
                 now() FROM generate_series(1, {n}) g"
            ))
            .await
            .expect("graduates");
        self.db
            .execute_unprepared(&format!(
                "INSERT INTO invitation (wave_id, graduate_id, code, created_at) \
                 SELECT {}, id, 'C' || lpad(id::text, 9, '0'), TIMESTAMPTZ '2000-01-01' FROM graduate",
                w.id
            ))
            .await
            .expect("invitations");
        self.db
            .execute_unprepared("ANALYZE graduate; ANALYZE invitation")
            .await
            .expect("analyze");
        w
    }

    fn scheduler(&self, clock: Arc<dyn Clock>, settings: Settings) -> Scheduler {
        Scheduler::redis(
            self.redis.clone(),
            &self.prefix,
            self.db.clone(),
            clock,
            settings,
        )
    }

    async fn clear_redis(&self) {
        let mut conn = self.redis.clone();
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg(format!("{}:*", self.prefix))
            .query_async(&mut conn)
            .await
            .unwrap_or_default();
        if !keys.is_empty() {
            let _: Result<i64, _> = redis::cmd("DEL").arg(&keys).query_async(&mut conn).await;
        }
    }

    async fn cleanup(self) {
        self.clear_redis().await;
        self.db.close().await.ok();
        if let Ok(admin) = gradtrace::store::connect(&self.admin_url).await {
            admin
                .execute_unprepared(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema))
                .await
                .ok();
        }
    }
}

async fn schedule(n: usize, compare: bool) {
    let bench = Bench::new().await;
    let opens = Utc::now() + Duration::days(1);
    let plan = ReminderPlan::default();
    let t = Instant::now();
    let w = bench.wave_with_invitees(n, &plan, opens).await;
    println!(
        "setup: {n} graduates and invitations in {:.1} s (not measured)",
        t.elapsed().as_secs_f64()
    );
    if compare {
        // The schema as it was before migration m20261127_210000: a foreign key from reminder
        // to invitation, checked by a per-row trigger on insert.
        bench
            .db
            .execute_unprepared(
                "ALTER TABLE reminder ADD CONSTRAINT bench_reminder_fk FOREIGN KEY (invitation_id) \
                 REFERENCES invitation (id) ON DELETE CASCADE",
            )
            .await
            .expect("add foreign key");
        schedule_once(&bench, &w, n, "with the foreign key (before)").await;
        bench
            .db
            .execute_unprepared(
                "ALTER TABLE reminder DROP CONSTRAINT bench_reminder_fk; TRUNCATE reminder CASCADE",
            )
            .await
            .expect("drop foreign key");
        bench.clear_redis().await;
    }
    schedule_once(&bench, &w, n, "delete trigger (now)").await;
    bench.cleanup().await;
}

async fn schedule_once(
    bench: &Bench,
    w: &gradtrace::store::entities::wave::Model,
    n: usize,
    label: &str,
) {
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::at(Utc::now()));
    let scheduler = bench.scheduler(clock.clone(), Settings::default());
    let start = Instant::now();
    let planned = gradtrace::remind::plan::plan_wave(&bench.db, w, clock.now())
        .await
        .expect("plan");
    let planned_at = start.elapsed();
    scheduler.schedule(&planned.due).await.expect("schedule");
    let total = start.elapsed();
    let stats = scheduler.stats().await.expect("stats");
    assert_eq!(planned.created, n);
    assert_eq!(stats.due as usize, n);
    println!(
        "schedule {n} invitations, {label}: {:.2} s total — database plan {:.2} s, Redis ZADD {:.2} s ({:.0} invitations/s); Redis holds {} due",
        total.as_secs_f64(),
        planned_at.as_secs_f64(),
        (total - planned_at).as_secs_f64(),
        n as f64 / total.as_secs_f64(),
        stats.due
    );
}

async fn deliver(n: usize, workers: usize, in_flight: usize, pool_size: u32, batch: usize) {
    let bench = Bench::new().await;
    let now = Utc::now();
    let plan = ReminderPlan::from_options(&PlanOptions {
        max_reminders: Some(0),
        quiet_hours: Some("none".into()),
        channels: Some("email".into()),
        ..Default::default()
    })
    .expect("plan");
    let w = bench.wave_with_invitees(n, &plan, now).await;
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::at(now));
    let mut settings = Settings::default();
    settings.rates.insert(ReminderChannel::Email, 1_000_000);
    let scheduler = bench.scheduler(clock.clone(), settings);
    let planned = gradtrace::remind::plan::plan_wave(&bench.db, &w, now)
        .await
        .expect("plan");
    scheduler.schedule(&planned.due).await.expect("schedule");
    let smtp = sink::SmtpSink::start(sink::Mode::Accept).await;
    let i18n = Arc::new(
        gradtrace::i18n::Localizer::load(std::path::Path::new("locales")).expect("locales"),
    );
    let keys = gradtrace::wave::token::TokenKeys::from_secret(SECRET).expect("keys");
    let mut pool = Vec::new();
    for _ in 0..workers {
        let email =
            EmailSender::new(&smtp.url(), "gradtrace <noreply@bench.test>", 8).expect("smtp");
        pool.push(Arc::new(Worker::new(
            scheduler.clone(),
            i18n.clone(),
            keys.clone(),
            UnsubscribeKey::from_secret(SECRET),
            "https://survey.example.edu",
            Arc::new(Senders {
                email: Some(email),
                ..Default::default()
            }),
            batch,
            in_flight,
        )));
    }
    let start = Instant::now();
    let handles: Vec<_> = pool
        .iter()
        .map(|w| {
            let w = w.clone();
            tokio::spawn(async move { w.drain().await })
        })
        .collect();
    let mut claimed = 0;
    for h in handles {
        claimed += h.await.expect("join").expect("drain");
    }
    let elapsed = start.elapsed();
    let mails = smtp.mails().len();
    assert_eq!(mails, n, "every e-mail arrived");
    assert_eq!(claimed, n);
    println!(
        "deliver {n} e-mails with {workers} workers (batch {batch}, {in_flight} in flight, {pool_size} SMTP connections each): {:.2} s, {:.0} mails/s",
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64()
    );
    bench.cleanup().await;
}

fn main() {
    let only = arg("--only");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        if only.as_deref() != Some("deliver") {
            schedule(num("--invitations", 1_000_000), flag("--compare")).await;
        }
        if only.as_deref() != Some("schedule") {
            deliver(
                num("--emails", 20_000),
                num("--workers", 2),
                num("--in-flight", 64),
                u32::try_from(num("--smtp-pool", 32)).unwrap_or(32),
                num("--batch", 200),
            )
            .await;
        }
    });
}
