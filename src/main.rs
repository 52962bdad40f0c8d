//! The `gradtrace` command line: parse arguments, build the config, call the library. The
//! subcommands' bodies live in `src/cli/` (one module per group).
mod cli;

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
    /// Export data (responses of a wave as CSV or XLSX).
    Export {
        #[command(subcommand)]
        command: cli::wave::ExportCommand,
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
            cli::open_db(&config).await?;
            println!("database is up to date");
        }
        Command::Surveys { command } => cli::surveys::run(&config, command)?,
        Command::Import { roster } => cli::roster::run_import(&config, roster).await?,
        Command::Staff { command } => cli::roster::run_staff(&config, command).await?,
        Command::Wave { command } => cli::wave::run_wave(&config, command).await?,
        Command::Export { command } => cli::wave::run_export(&config, command).await?,
    }
    Ok(())
}
