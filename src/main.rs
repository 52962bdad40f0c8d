//! The `gradtrace` command line: parse arguments, build the config, call the library.
use clap::{Parser, Subcommand};
use gradtrace::config::Config;

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
    /// Apply pending database migrations.
    Migrate,
    /// Survey definitions: check them, print their JSON Schema.
    Surveys {
        #[command(subcommand)]
        command: SurveysCommand,
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

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let config = cli.config;
    match cli.command {
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
    }
    Ok(())
}
