//! `gradtrace wave …` and `gradtrace export …`.
use clap::Subcommand;
use gradtrace::config::Config;

use super::{load_catalog, open_db, write_file};

#[derive(Subcommand)]
pub enum WaveCommand {
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
    /// Create the cohort's year1/year3/year5 waves relative to its graduation date (once; a
    /// second run creates nothing). The worker invites each cohort when its wave opens.
    PlanStages(super::remind::PlanStagesArgs),
}

#[derive(Subcommand)]
pub enum ExportCommand {
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

pub async fn run_wave(config: &Config, command: WaveCommand) -> anyhow::Result<()> {
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
            if config.base_url.is_none() {
                eprintln!(
                    "warning: GRADTRACE_BASE_URL is not set; the links point to {}",
                    config.base_url()
                );
            }
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
        WaveCommand::PlanStages(args) => super::remind::plan_stages(config, args).await?,
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

pub async fn run_export(config: &Config, command: ExportCommand) -> anyhow::Result<()> {
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
