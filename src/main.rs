//! The `gradtrace` command line: parse arguments, build the config, call the library. The
//! subcommands' bodies live in `src/cli/` (one module per group).
mod cli;

/// mimalloc: under many concurrent requests glibc's malloc took a fifth of the CPU
/// (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
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
    /// Run the web server (form, webhooks, dashboards); applies pending migrations first.
    Serve,
    /// Apply pending database migrations.
    Migrate,
    /// Survey definitions: check them, print their JSON Schema.
    Surveys {
        #[command(subcommand)]
        command: cli::surveys::SurveysCommand,
    },
    /// Import a roster (CSV in UTF-8 or GBK, or XLSX). Prints each rejected row and a summary;
    /// exits 1 if any row was rejected, 2 if the file was refused as a whole.
    Import {
        #[command(subcommand)]
        roster: cli::roster::ImportRoster,
    },
    /// Manage staff accounts.
    Staff {
        #[command(subcommand)]
        command: cli::roster::StaffCommand,
    },
    /// Survey rounds: create a wave, invite its cohort, hand out links and codes.
    Wave {
        #[command(subcommand)]
        command: cli::wave::WaveCommand,
    },
    /// Send invitations and reminders until Ctrl-C (any number of workers with Redis; one
    /// without: the embedded scheduler).
    Worker,
    /// The reminder schedule: rebuild Redis from the database, list dead letters.
    Reminders {
        #[command(subcommand)]
        command: cli::remind::RemindersCommand,
    },
    /// Export data (responses of a wave as CSV or XLSX).
    Export {
        #[command(subcommand)]
        command: cli::wave::ExportCommand,
    },
    /// Try gradtrace: create or refresh a demo database (sqlite://gradtrace-demo.db unless
    /// --database-url/DATABASE_URL is given), start the server and print links to try as a
    /// graduate, an employer and a liaison.
    Demo {
        /// Delete the demo database (a SQLite file) and build it again from scratch.
        #[arg(long)]
        fresh: bool,
        /// Seed the database and print the links, but do not start the server.
        #[arg(long)]
        no_serve: bool,
    },
    /// Employment-quality indicators of a cohort (coverage beside every figure, small cells
    /// suppressed) as JSON, CSV or XLSX.
    Indicators(cli::indicators::IndicatorsArgs),
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let matches = Cli::command().get_matches();
    // `gradtrace demo` uses its own database unless one is named explicitly.
    let database_url_given = matches!(
        matches.value_source("database_url"),
        Some(ValueSource::CommandLine | ValueSource::EnvVariable)
    );
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
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
        Command::Serve => cli::remind::serve(config).await?,
        Command::Worker => cli::remind::run_worker(config).await?,
        Command::Reminders { command } => cli::remind::run_reminders(&config, command).await?,
        Command::Migrate => {
            cli::open_db(&config).await?;
            println!("database is up to date");
        }
        Command::Surveys { command } => cli::surveys::run(&config, command)?,
        Command::Import { roster } => cli::roster::run_import(&config, roster).await?,
        Command::Staff { command } => cli::roster::run_staff(&config, command).await?,
        Command::Wave { command } => cli::wave::run_wave(&config, command).await?,
        Command::Export { command } => cli::wave::run_export(&config, command).await?,
        Command::Indicators(args) => cli::indicators::run(&config, args).await?,
        Command::Demo { fresh, no_serve } => {
            let mut config = config;
            if !database_url_given {
                config.database_url = gradtrace::demo::DATABASE_URL.to_string();
            }
            let options = gradtrace::demo::Options {
                fresh,
                serve: !no_serve,
            };
            gradtrace::demo::run(config, options, &mut std::io::stdout()).await?;
        }
    }
    Ok(())
}
