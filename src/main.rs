//! The `gradtrace` command line: parse arguments, build the config, call the library.
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};
use gradtrace::config::Config;
use gradtrace::roster::{self, RosterKind};

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
        Command::Serve => gradtrace::app::serve(config).await?,
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
    let lang = roster::lang_from_env();
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
}
