//! `gradtrace import responses WAVE FILE`: answers collected outside the form, checked by the
//! survey engine row by row. Same reporting and exit codes as the roster import: each rejected
//! row on stderr (`line N: reason`, in the user's language), a summary on stdout; exit 1 when
//! rows were rejected, 2 when the file was refused before anything was written.
use std::path::Path;

use gradtrace::config::Config;
use gradtrace::i18n::Localizer;
use gradtrace::roster;

pub async fn import_responses(config: &Config, wave: i32, file: &Path) -> anyhow::Result<()> {
    let lang = roster::lang_from_env();
    let refuse = |problem: &roster::FileProblem| -> ! {
        eprintln!("{}: {}", file.display(), problem.message(lang));
        std::process::exit(2);
    };
    let table = roster::read::read_file(file).unwrap_or_else(|p| refuse(&p));
    let i18n = Localizer::load(&config.locales_dir)?;
    let catalog = super::load_catalog(config)?;
    let db = super::open_db(config).await?;
    let now = chrono::Utc::now();
    let today = now.with_timezone(&gradtrace::clock::SCHOOL_TZ).date_naive();
    let result =
        gradtrace::wave::import::import_table(&db, &catalog, wave, &table, now, today).await;
    db.close().await?;
    match result {
        Err(gradtrace::Error::Import(problem)) => refuse(&problem),
        Err(e) => Err(e.into()),
        Ok(report) => {
            for line in report.rejected_lines(&i18n, lang) {
                eprintln!("{line}");
            }
            println!("{}", report.summary(&i18n, lang));
            if !report.rejected.is_empty() {
                std::process::exit(1);
            }
            Ok(())
        }
    }
}
