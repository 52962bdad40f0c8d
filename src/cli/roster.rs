//! `gradtrace import graduates|employers|staff` and `gradtrace staff add`.
use std::path::{Path, PathBuf};

use clap::Subcommand;
use gradtrace::config::Config;
use gradtrace::roster::{self, RosterKind};

use super::read_password_from_stdin;

#[derive(Subcommand)]
pub enum ImportRoster {
    /// Columns: student_id,name,degree_level,department,major,class,graduation_date,email,phone
    /// [,gender,wechat_openid]; other columns are kept as attributes.
    Graduates { file: PathBuf },
    /// Columns: uscc,name,employer_type,industry,province,city,contact_name,email,phone.
    Employers { file: PathBuf },
    /// Columns: username,name,role,scope,email,phone (role: admin|department|class|alumni).
    Staff { file: PathBuf },
    /// Answers of wave WAVE (its id): a student_id column and one column per question id;
    /// each row is checked by the survey engine and saved all or nothing.
    Responses { wave: i32, file: PathBuf },
}

#[derive(Subcommand)]
pub enum StaffCommand {
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

pub async fn run_import(config: &Config, roster: ImportRoster) -> anyhow::Result<()> {
    let (kind, file) = match roster {
        ImportRoster::Graduates { file } => (RosterKind::Graduates, file),
        ImportRoster::Employers { file } => (RosterKind::Employers, file),
        ImportRoster::Staff { file } => (RosterKind::Staff, file),
        ImportRoster::Responses { wave, file } => {
            return super::responses::import_responses(config, wave, &file).await;
        }
    };
    import_roster(config, kind, &file).await
}

pub async fn run_staff(config: &Config, command: StaffCommand) -> anyhow::Result<()> {
    let StaffCommand::Add {
        username,
        role,
        scope,
        name,
        email,
        password_stdin: _,
    } = command;
    {
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
    Ok(())
}

/// `gradtrace import …`: bad rows and the summary in the user's language; exit 1 when rows were
/// rejected, 2 when the file was refused before anything was written.
pub async fn import_roster(config: &Config, kind: RosterKind, file: &Path) -> anyhow::Result<()> {
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
