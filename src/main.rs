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
    /// Survey rounds: create a wave, invite its cohort, hand out links and codes.
    Wave {
        #[command(subcommand)]
        command: WaveCommand,
    },
    /// Export data (responses of a wave as CSV or XLSX).
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
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
enum WaveCommand {
    /// Create a wave of a survey for a cohort; prints the wave id.
    Create {
        /// Survey id (a file `<id>.toml` in the surveys folder); the stage comes from it.
        #[arg(long)]
        survey: String,
        /// Graduation year of the cohort (for employer surveys: the survey year).
        #[arg(long)]
        cohort: i32,
        /// First day (YYYY-MM-DD, in the plan's time zone); default now.
        #[arg(long)]
        opens: Option<chrono::NaiveDate>,
        /// Last day (YYYY-MM-DD, open through that whole day); default none (links work a year).
        #[arg(long)]
        closes: Option<chrono::NaiveDate>,
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
    /// Invite everyone of the wave's cohort not invited yet; prints counts.
    Invite { wave: i32 },
    /// Write `student_id,link,code` (employers: `uscc,link,code`) CSV of a wave's invitations.
    Links {
        wave: i32,
        /// Output file (default: standard output).
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// List waves with their invitation and response counts.
    List,
}

#[derive(Subcommand)]
enum ExportCommand {
    /// One row per invitation: key, status, channels, timestamps, one column per question.
    Responses {
        wave: i32,
        /// csv or xlsx (default: from the --out extension, else csv).
        #[arg(long)]
        format: Option<String>,
        /// Output file (default: standard output, CSV only).
        #[arg(long)]
        out: Option<std::path::PathBuf>,
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
        Command::Serve => gradtrace::app::serve(config).await?,
        Command::Migrate => {
            let db = gradtrace::store::connect(&config.database_url).await?;
            gradtrace::store::migrate(&db).await?;
            println!("database is up to date");
        }
        Command::Wave { command } => run_wave(&config, command).await?,
        Command::Export { command } => run_export(&config, command).await?,
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

/// The password piped to standard input, without its final line break.
fn read_password_from_stdin() -> anyhow::Result<String> {
    let mut password = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut password)?;
    let trimmed = password
        .strip_suffix('\n')
        .map(|p| p.strip_suffix('\r').unwrap_or(p))
        .unwrap_or(&password);
    Ok(trimmed.to_string())
/// Opens the database and applies pending migrations (a no-op when up to date).
async fn open_db(config: &Config) -> anyhow::Result<sea_orm::DatabaseConnection> {
    let db = gradtrace::store::connect(&config.database_url).await?;
    gradtrace::store::migrate(&db).await?;
    Ok(db)
}

fn load_catalog(config: &Config) -> anyhow::Result<gradtrace::survey::Catalog> {
    gradtrace::survey::Catalog::load(&config.surveys_dir).map_err(|e| {
        anyhow::anyhow!(
            "cannot load the surveys in {}:\n{e}",
            config.surveys_dir.display()
        )
    })
}

/// Writes `bytes` to `path` through a temporary file, so a failed run leaves no half file.
fn write_file(path: &std::path::Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".part");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

async fn run_wave(config: &Config, command: WaveCommand) -> anyhow::Result<()> {
    use gradtrace::wave::{self, plan};
    let now = chrono::Utc::now();
    match command {
        WaveCommand::Create {
            survey,
            cohort,
            opens,
            closes,
            reminders,
            max_reminders,
            quiet_hours,
            time_zone,
            channels,
        } => {
            let catalog = load_catalog(config)?;
            let survey = catalog.survey(&survey).ok_or_else(|| {
                anyhow::anyhow!("no survey '{survey}' in {}", config.surveys_dir.display())
            })?;
            let plan = plan::ReminderPlan::from_options(&plan::PlanOptions {
                offsets: reminders,
                max_reminders,
                quiet_hours,
                time_zone,
                channels,
            })?;
            let opens_at = match opens {
                Some(day) => wave::start_of_day(day, plan.time_zone)?,
                None => now,
            };
            let closes_at = closes
                .map(|day| wave::end_of_day(day, plan.time_zone))
                .transpose()?;
            let db = open_db(config).await?;
            let created = wave::create(
                &db,
                wave::NewWave {
                    survey,
                    cohort_year: cohort,
                    opens_at,
                    closes_at,
                    plan,
                },
                now,
            )
            .await?;
            println!("{}", created.id);
        }
        WaveCommand::Invite { wave: id } => {
            let db = open_db(config).await?;
            let report = wave::invite::invite(&db, id, now).await?;
            println!(
                "wave {id}: {} invitations created, {} already invited",
                report.created, report.already
            );
        }
        WaveCommand::Links { wave: id, out } => {
            let secret = config.secret.as_deref().ok_or_else(|| {
                anyhow::anyhow!(
                    "GRADTRACE_SECRET (or --secret) is not set: links are signed with it"
                )
            })?;
            let keys = wave::token::TokenKeys::from_secret(secret)?;
            let db = open_db(config).await?;
            let w = wave::find(&db, id).await?;
            let rows = wave::invite::links(&db, &keys, &config.base_url(), id).await?;
            let mut buf = Vec::new();
            wave::invite::write_links_csv(&mut buf, wave::audience(&w), &rows)?;
            match out {
                Some(path) => {
                    write_file(&path, &buf)?;
                    eprintln!(
                        "wave {id}: {} links written to {}",
                        rows.len(),
                        path.display()
                    );
                }
                None => std::io::Write::write_all(&mut std::io::stdout().lock(), &buf)?,
            }
        }
        WaveCommand::List => {
            let db = open_db(config).await?;
            println!(
                "{:>4}  {:<12} {:<10} {:>6}  {:>7} {:>6} {:>9} {:>8} {:>8} {:>9}  opens → closes",
                "id",
                "survey",
                "stage",
                "cohort",
                "invited",
                "opened",
                "consented",
                "partial",
                "complete",
                "opted_out"
            );
            for s in wave::list(&db).await? {
                let w = &s.wave;
                println!(
                    "{:>4}  {:<12} {:<10} {:>6}  {:>7} {:>6} {:>9} {:>8} {:>8} {:>8} {:>9}  {} → {}",
                    w.id,
                    format!("{} v{}", w.survey_id, w.survey_version),
                    w.stage,
                    w.cohort_year,
                    s.invited,
                    s.count("opened"),
                    s.count("consented"),
                    s.count("declined"),
                    s.count("partial"),
                    s.count("complete"),
                    s.count("opted_out"),
                    w.opens_at.format("%Y-%m-%d"),
                    w.closes_at
                        .map_or("—".to_string(), |c| c.format("%Y-%m-%d").to_string()),
                );
            }
        }
    }
    Ok(())
}

async fn run_export(config: &Config, command: ExportCommand) -> anyhow::Result<()> {
    use gradtrace::wave::export::{self, Format};
    let ExportCommand::Responses { wave, format, out } = command;
    let format: Format = match (&format, &out) {
        (Some(f), _) => f.parse()?,
        (None, Some(path)) if path.extension().is_some_and(|e| e == "xlsx") => Format::Xlsx,
        (None, _) => Format::Csv,
    };
    if format == Format::Xlsx && out.is_none() {
        anyhow::bail!("an XLSX export needs --out FILE");
    }
    let catalog = load_catalog(config)?;
    let db = open_db(config).await?;
    let mut buf = Vec::new();
    let report = export::export_responses(
        &db,
        &catalog,
        wave,
        format,
        &mut buf,
        "cli",
        chrono::Utc::now(),
    )
    .await?;
    match out {
        Some(path) => {
            write_file(&path, &buf)?;
            eprintln!(
                "wave {wave}: {} rows written to {}",
                report.rows,
                path.display()
            );
        }
        None => std::io::Write::write_all(&mut std::io::stdout().lock(), &buf)?,
    }
    if report.unreadable_answers > 0 {
        eprintln!(
            "warning: {} stored answers could not be read and were left empty",
            report.unreadable_answers
        );
    }
    Ok(())
}
