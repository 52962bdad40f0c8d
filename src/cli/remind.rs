//! `gradtrace worker`, `gradtrace reminders rebuild|dead`, `gradtrace wave plan-stages`.
use std::sync::Arc;

use clap::Subcommand;
use gradtrace::clock::{Clock, SystemClock};
use gradtrace::config::Config;

use super::{load_catalog, open_db};

#[derive(Subcommand)]
pub enum RemindersCommand {
    /// Put every pending send of the database back into Redis (after a flush or a restart
    /// without persistence; workers also do it by themselves).
    Rebuild,
    /// Sends that failed on every attempt, newest first.
    Dead {
        #[arg(long)]
        wave: Option<i32>,
    },
}

/// The options of `gradtrace wave plan-stages`.
#[derive(clap::Args)]
pub struct PlanStagesArgs {
    /// Graduation year of the cohort.
    #[arg(long)]
    cohort: i32,
    /// Stages and years after graduation.
    #[arg(long, default_value = gradtrace::remind::stages::DEFAULT_STAGES)]
    stages: String,
    /// Days each wave stays open.
    #[arg(long, default_value_t = gradtrace::remind::stages::DEFAULT_WINDOW_DAYS)]
    window_days: i64,
    /// Reminder offsets after opening, e.g. `3d,7d,14d` (units s, m, h, d).
    #[arg(long)]
    reminders: Option<String>,
    /// At most this many reminders per person (default: one per offset).
    #[arg(long)]
    max_reminders: Option<u32>,
    /// No reminders in this local span, e.g. `21:00-08:00`, or `none`.
    #[arg(long)]
    quiet_hours: Option<String>,
    /// Time zone of dates and quiet hours (default Asia/Shanghai).
    #[arg(long)]
    time_zone: Option<String>,
    /// Reminder channels in the order tried (default `bot,sms,email`).
    #[arg(long)]
    channels: Option<String>,
}

/// `gradtrace worker`: sends until Ctrl-C, finishing the batch in hand.
pub async fn run_worker(config: Config) -> anyhow::Result<()> {
    use gradtrace::remind::{Scheduler, Worker, sender::bot};
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let db = open_db(&config).await?;
    let scheduler = Scheduler::connect(
        config.redis_url.as_deref(),
        &config.remind,
        db,
        clock.clone(),
    )
    .await?;
    let bots = bot::BotSender::from_config(&config.bot, clock)?;
    let worker = Worker::from_config(&config, scheduler, bots)?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("stopping the reminder worker after the batch in hand");
        let _ = stop.send(true);
    });
    tracing::info!("reminder worker started");
    worker.run(stopped).await?;
    Ok(())
}

/// `gradtrace serve`: the server, plus the embedded scheduler when there is no Redis.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    if config.redis_url.is_none() {
        let worker_config = config.clone();
        tokio::spawn(async move {
            if let Err(e) = run_worker(worker_config).await {
                tracing::error!(error = %e, "embedded reminder worker stopped");
            }
        });
    }
    gradtrace::app::serve(config).await?;
    Ok(())
}

pub async fn run_reminders(config: &Config, command: RemindersCommand) -> anyhow::Result<()> {
    use gradtrace::remind::Scheduler;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let db = open_db(config).await?;
    match command {
        RemindersCommand::Rebuild => {
            if config.redis_url.is_none() {
                anyhow::bail!(
                    "REDIS_URL is not set: the embedded scheduler reads the database directly, \
                     there is nothing to rebuild"
                );
            }
            let scheduler =
                Scheduler::connect(config.redis_url.as_deref(), &config.remind, db, clock).await?;
            let n = scheduler.rebuild().await?;
            println!("{n} pending sends put back into Redis");
        }
        RemindersCommand::Dead { wave } => {
            let dead = gradtrace::remind::dead_letters(&db, wave).await?;
            println!("reminder  invitation  wave  kind        channel  attempts  last error");
            for d in &dead {
                println!(
                    "{:>8}  {:>10}  {:>4}  {:<10}  {:<7}  {:>8}  {}",
                    d.reminder_id,
                    d.invitation_id,
                    d.wave_id,
                    d.kind,
                    d.channel.as_deref().unwrap_or("—"),
                    d.attempts,
                    d.last_error.as_deref().unwrap_or("")
                );
            }
            eprintln!("{} dead letter(s)", dead.len());
        }
    }
    Ok(())
}

/// `gradtrace wave plan-stages`: the cohort's later waves, relative to its graduation date.
pub async fn plan_stages(config: &Config, args: PlanStagesArgs) -> anyhow::Result<()> {
    use gradtrace::remind::stages;
    use gradtrace::wave::plan::{PlanOptions, ReminderPlan};
    let parsed = stages::parse_stages(&args.stages)?;
    let plan = ReminderPlan::from_options(&PlanOptions {
        offsets: args.reminders,
        max_reminders: args.max_reminders,
        quiet_hours: args.quiet_hours,
        time_zone: args.time_zone,
        channels: args.channels,
    })?;
    let catalog = load_catalog(config)?;
    let db = open_db(config).await?;
    let planned = stages::plan_stages(
        &db,
        &catalog,
        args.cohort,
        &parsed,
        args.window_days,
        &plan,
        chrono::Utc::now(),
    )
    .await?;
    for s in planned {
        println!(
            "{:<6} wave {:>4} opens {}  {}",
            s.stage.as_str(),
            s.wave_id,
            s.opens_at
                .with_timezone(&plan.time_zone)
                .format("%Y-%m-%d %H:%M"),
            if s.created {
                "created"
            } else {
                "already planned"
            }
        );
    }
    Ok(())
}
