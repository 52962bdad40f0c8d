//! `gradtrace surveys check|schema`.
use clap::Subcommand;
use gradtrace::config::Config;

#[derive(Subcommand)]
pub enum SurveysCommand {
    /// Check every definition and its translations (locales from --locales-dir); prints one
    /// `FILE:LINE: message` per problem and exits non-zero when there is any.
    Check {
        /// Folder of definitions (default: --surveys-dir, i.e. `surveys`).
        dir: Option<std::path::PathBuf>,
    },
    /// Print the JSON Schema of a survey definition file (committed as docs/survey.schema.json).
    Schema,
}

pub fn run(config: &Config, command: SurveysCommand) -> anyhow::Result<()> {
    match command {
        SurveysCommand::Check { dir } => {
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
        SurveysCommand::Schema => println!("{}", gradtrace::survey::check::schema_json()),
    }
    Ok(())
}
