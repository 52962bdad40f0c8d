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
    }
    Ok(())
}
