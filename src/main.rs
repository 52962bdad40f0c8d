//! The `gradtrace` command line: parse arguments, build the config, call the library.
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};
use gradtrace::config::Config;
use gradtrace::roster::{self, Lang, RosterKind};

#[derive(Parser)]
#[command(
    name = "gradtrace",
    version,
    about = "Graduate employment-quality tracking"
)]
struct Cli {
    #[command(flatten)]
    config: Config,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (form, webhooks, dashboards); applies pending migrations first.
    Serve,
    /// Apply pending database migrations.
    Migrate,
    /// Survey definitions: check them, print their JSON Schema.
    Surveys {
        #[command(subcommand)]
        command: SurveysCommand,
    },
    /// Import a roster (CSV in UTF-8 or GBK, or XLSX). Prints each rejected row and a summary;
    /// exits 1 if any row was rejected, 2 if the file was refused as a whole.
    Import {
        #[command(subcommand)]
        roster: ImportRoster,
    },
    /// Manage staff accounts.
    Staff {
        #[command(subcommand)]
        command: StaffCommand,
    },
    /// Send invitations and reminders until Ctrl-C (any number of workers with Redis; one
    /// without: the embedded scheduler).
    Worker,
    /// The reminder schedule: rebuild Redis from the database, list dead letters.
    Reminders {
        #[command(subcommand)]
        command: RemindersCommand,
    },
    /// Survey rounds planned for a cohort.
    Wave {
        #[command(subcommand)]
        command: WaveStagesCommand,
    },
}

#[derive(Subcommand)]
enum RemindersCommand {
    /// Put every pending send of the database back into Redis (after a flush or a restart
    /// without persistence; workers also do it by themselves).
    Rebuild,
    /// Sends that failed on every attempt, newest first.
    Dead {
        #[arg(long)]
        wave: Option<i32>,
    },
}

#[derive(Subcommand)]
enum WaveStagesCommand {
    /// Create the cohort's year1/year3/year5 waves relative to its graduation date (once; a
    /// second run creates nothing). The worker invites each cohort when its wave opens.
    PlanStages {
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
    },
}

#[derive(Subcommand)]
enum SurveysCommand {
    /// Check every definition and its translations (locales from --locales-dir); prints one
    /// `FILE:LINE: message` per problem and exits non-zero when there is any.
    Check {
        /// Folder of definitions (default: --surveys-dir, i.e. `surveys`).
        dir: Option<std::path::PathBuf>,
    },
    /// Print the JSON Schema of a survey definition file (committed as docs/survey.schema.json).
    Schema,
}

#[derive(Subcommand)]
enum ImportRoster {
    /// Columns: student_id,name,degree_level,department,major,class,graduation_date,email,phone
    /// [,gender,wechat_openid]; other columns are kept as attributes.
    Graduates { file: PathBuf },
    /// Columns: uscc,name,employer_type,industry,province,city,contact_name,email,phone.
    Employers { file: PathBuf },
    /// Columns: username,name,role,scope,email,phone (role: admin|department|class|alumni).
    Staff { file: PathBuf },
}

#[derive(Subcommand)]
enum StaffCommand {
    /// Add a staff member, or update one's access and password.
    Add {
        username: String,
        /// admin | department | class | alumni
        #[arg(long)]
        role: String,
        /// The department, class, or alumni cohort/major (e.g. 2020/软件工程); none for admin.
        #[arg(long)]
        scope: Option<String>,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        email: Option<String>,
        /// Read the password (at least 10 characters) from standard input.
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // Logs go to stderr; RUST_LOG tunes them. No personal data is ever logged.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "gradtrace=info,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let config = cli.config;
    match cli.command {
        Command::Serve => {
            // Without Redis the embedded scheduler runs beside the server (one instance only).
            if config.redis_url.is_none() {
                let worker_config = config.clone();
                tokio::spawn(async move {
                    if let Err(e) = run_worker(worker_config).await {
                        tracing::error!(error = %e, "embedded reminder worker stopped");
                    }
                });
            }
            gradtrace::app::serve(config).await?
        }
        Command::Worker => run_worker(config).await?,
        Command::Reminders { command } => run_reminders(&config, command).await?,
        Command::Wave {
            command:
                WaveStagesCommand::PlanStages {
                    cohort,
                    stages,
                    window_days,
                    reminders,
                    max_reminders,
                    quiet_hours,
                    time_zone,
                    channels,
                },
        } => {
            use gradtrace::remind::stages;
            use gradtrace::wave::plan::{PlanOptions, ReminderPlan};
            let stages = stages::parse_stages(&stages)?;
            let plan = ReminderPlan::from_options(&PlanOptions {
                offsets: reminders,
                max_reminders,
                quiet_hours,
                time_zone,
                channels,
            })?;
            let catalog = gradtrace::survey::Catalog::load(&config.surveys_dir)?;
            let db = gradtrace::store::connect(&config.database_url).await?;
            gradtrace::store::migrate(&db).await?;
            let planned = stages::plan_stages(
                &db,
                &catalog,
                cohort,
                &stages,
                window_days,
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
        }
        Command::Migrate => {
            let db = gradtrace::store::connect(&config.database_url).await?;
            gradtrace::store::migrate(&db).await?;
            println!("database is up to date");
        }
        Command::Surveys {
            command: SurveysCommand::Check { dir },
        } => {
            let dir = dir.unwrap_or(config.surveys_dir.clone());
            let report = gradtrace::survey::check::check_dir(&dir, &config.locales_dir);
            for problem in &report.problems {
                println!("{problem}");
            }
            if !report.is_ok() {
                eprintln!("{} problem(s) found", report.problems.len());
                std::process::exit(1);
            }
            println!("ok: {}", report.summary());
        }
        Command::Surveys {
            command: SurveysCommand::Schema,
        } => {
            println!("{}", gradtrace::survey::check::schema_json());
        }
        Command::Import { roster } => {
            let (kind, file) = match roster {
                ImportRoster::Graduates { file } => (RosterKind::Graduates, file),
                ImportRoster::Employers { file } => (RosterKind::Employers, file),
                ImportRoster::Staff { file } => (RosterKind::Staff, file),
            };
            import_roster(&config, kind, &file).await?;
        }
        Command::Staff {
            command:
                StaffCommand::Add {
                    username,
                    role,
                    scope,
                    name,
                    email,
                    password_stdin: _,
                },
        } => {
            let new = roster::staff::NewStaff::parse(
                &username,
                &role,
                scope.as_deref(),
                name,
                email.as_deref(),
            )?;
            let password = read_password_from_stdin()?;
            let db = gradtrace::store::connect(&config.database_url).await?;
            gradtrace::store::migrate(&db).await?;
            let added =
                roster::staff::add_staff(&db, &new, &password, "cli", chrono::Utc::now()).await?;
            let verb = if added.created {
                "added"
            } else {
                "updated (password replaced, sessions ended)"
            };
            println!("staff {} {verb}", new.username);
        }
    }
    Ok(())
}

/// `gradtrace import …`: bad rows and the summary in the user's language; exit 1 when rows were
/// rejected, 2 when the file was refused before anything was written.
async fn import_roster(config: &Config, kind: RosterKind, file: &Path) -> anyhow::Result<()> {
    let lang = Lang::from_env();
    let refuse = |problem: &roster::FileProblem| -> ! {
        eprintln!("{}: {}", file.display(), problem.message(lang));
        std::process::exit(2);
    };
    // An unreadable file is refused before the database is even opened.
    let table = roster::read::read_file(file).unwrap_or_else(|p| refuse(&p));
    let db = gradtrace::store::connect(&config.database_url).await?;
    gradtrace::store::migrate(&db).await?;
    let result = roster::import_table(&db, kind, &table, "cli", chrono::Utc::now()).await;
    db.close().await?;
    match result {
        Err(gradtrace::Error::Import(problem)) => refuse(&problem),
        Err(e) => Err(e.into()),
        Ok(report) => {
            for line in report.rejected_lines(lang) {
                eprintln!("{line}");
            }
            println!("{}", report.summary(lang));
            if !report.rejected.is_empty() {
                std::process::exit(1);
            }
            Ok(())
        }
    }
}

/// `gradtrace worker`: sends until Ctrl-C, finishing the batch in hand.
async fn run_worker(config: Config) -> anyhow::Result<()> {
    use gradtrace::remind::{Scheduler, Worker, sender::bot};
    let clock: std::sync::Arc<dyn gradtrace::clock::Clock> =
        std::sync::Arc::new(gradtrace::clock::SystemClock);
    let db = gradtrace::store::connect(&config.database_url).await?;
    gradtrace::store::migrate(&db).await?;
    let scheduler = Scheduler::connect(
        config.redis_url.as_deref(),
        &config.remind,
        db,
        clock.clone(),
    )
    .await?;
    let bots = bot::BotSender::from_config(&bot::config_from_env(), clock)?;
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

async fn run_reminders(config: &Config, command: RemindersCommand) -> anyhow::Result<()> {
    use gradtrace::remind::Scheduler;
    let clock: std::sync::Arc<dyn gradtrace::clock::Clock> =
        std::sync::Arc::new(gradtrace::clock::SystemClock);
    let db = gradtrace::store::connect(&config.database_url).await?;
    gradtrace::store::migrate(&db).await?;
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

/// The password piped to standard input, without its final line break.
fn read_password_from_stdin() -> anyhow::Result<String> {
    let mut password = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut password)?;
    let trimmed = password
        .strip_suffix('\n')
        .map(|p| p.strip_suffix('\r').unwrap_or(p))
        .unwrap_or(&password);
    Ok(trimmed.to_string())
}
