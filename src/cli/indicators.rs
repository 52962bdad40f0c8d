//! `gradtrace indicators`: the indicators of a cohort (with coverage and suppression) as JSON,
//! CSV or XLSX, for scripts and for checking.
use clap::{Args, ValueEnum};
use gradtrace::config::Config;
use gradtrace::indicators::By;
use gradtrace::store::indicators::{Selection, build};
use gradtrace::survey::Stage;

use super::{load_catalog, open_db, write_file};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum OutFormat {
    Json,
    Csv,
    Xlsx,
}

#[derive(Args)]
pub struct IndicatorsArgs {
    /// Graduation year of the cohort.
    #[arg(long, required_unless_present = "rebuild_facts")]
    cohort: Option<i32>,
    /// Recompute the compact fact table from every stored answer (after an upgrade, or when
    /// responses were written other than through the form, bot or import) and exit.
    #[arg(long)]
    rebuild_facts: bool,
    /// One stage (graduation, year1, year3, year5); default all four.
    #[arg(long)]
    stage: Option<Stage>,
    /// Grouping.
    #[arg(long, value_enum, default_value = "school")]
    by: By,
    /// Only this department.
    #[arg(long)]
    department: Option<String>,
    /// Only this major.
    #[arg(long)]
    major: Option<String>,
    #[arg(long, value_enum, default_value = "json")]
    format: OutFormat,
    /// Output file (default: standard output; required for xlsx).
    #[arg(long)]
    out: Option<std::path::PathBuf>,
}

pub async fn run(config: &Config, args: IndicatorsArgs) -> anyhow::Result<()> {
    let catalog = load_catalog(config)?;
    let db = open_db(config).await?;
    let Some(cohort) = args.cohort.filter(|_| !args.rebuild_facts) else {
        let started = std::time::Instant::now();
        let n = gradtrace::store::facts::rebuild(&db).await?;
        eprintln!(
            "fact table rebuilt: {n} responses in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        return Ok(());
    };
    if args.stage == Some(Stage::Employer) {
        anyhow::bail!(
            "the employer evaluation is part of every school-wide report; choose a graduate stage"
        );
    }
    let sel = Selection {
        cohort,
        stages: args.stage.into_iter().collect(),
        department: args.department,
        major: args.major,
    };
    let output = build(&db, catalog.regions(), &config.indicators, &sel, args.by).await?;
    let bytes = match args.format {
        OutFormat::Json => {
            let mut b = serde_json::to_vec_pretty(&output)?;
            b.push(b'\n');
            b
        }
        OutFormat::Csv => {
            let mut b = Vec::new();
            gradtrace::wave::export::write_csv(
                &mut b,
                &gradtrace::indicators::table::table(&output.groups),
            )?;
            b
        }
        OutFormat::Xlsx => {
            if args.out.is_none() {
                anyhow::bail!("--format xlsx needs --out FILE");
            }
            gradtrace::wave::export::xlsx_bytes(
                &gradtrace::indicators::table::table(&output.groups),
                &format!("indicators {cohort}"),
            )?
        }
    };
    match args.out {
        Some(path) => write_file(&path, &bytes)?,
        None => std::io::Write::write_all(&mut std::io::stdout(), &bytes)?,
    }
    Ok(())
}
