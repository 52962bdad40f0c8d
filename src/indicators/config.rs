//! Settings of the indicators, as environment variables with matching flags; flattened into
//! the main `Config`.
use std::path::PathBuf;

use clap::Args;

use super::figure::Policy;
use super::warning::{Rule, Weights};

#[derive(Clone, Debug, Args)]
pub struct IndicatorConfig {
    /// Figures computed from fewer people than this are suppressed everywhere.
    #[arg(long, env = "GRADTRACE_MIN_CELL", default_value_t = 5, global = true)]
    pub min_cell: u64,

    /// Response rates below this share are flagged as low coverage.
    #[arg(
        long,
        env = "GRADTRACE_LOW_COVERAGE",
        default_value_t = 0.5,
        global = true
    )]
    pub low_coverage: f64,

    /// Regional price index CSV (`province,name,index`, national = 100) replacing the shipped
    /// data/price-index.csv.
    #[arg(long, env = "GRADTRACE_PRICE_INDEX", global = true)]
    pub price_index: Option<PathBuf>,

    /// Major warning: weights of year-end employment rate, salary standing, major match and
    /// job satisfaction in the composite score.
    #[arg(
        long,
        env = "GRADTRACE_WARNING_WEIGHTS",
        default_value = "0.4,0.2,0.2,0.2",
        value_parser = parse_weights,
        global = true
    )]
    pub warning_weights: Weights,

    /// Major warning: the bottom share of majors that counts (0.05 = 5%).
    #[arg(
        long,
        env = "GRADTRACE_WARNING_BOTTOM_SHARE",
        default_value_t = 0.05,
        global = true
    )]
    pub warning_bottom_share: f64,

    /// Major warning: consecutive cohorts in the bottom share that raise it.
    #[arg(
        long,
        env = "GRADTRACE_WARNING_COHORTS",
        default_value_t = 3,
        global = true
    )]
    pub warning_cohorts: usize,

    /// Major warning: minutes after which the kept scores of every major are recomputed (in
    /// the background; department and major pages use the kept ones meanwhile). The
    /// school-wide figures always recompute the cohort's own scores.
    #[arg(
        long,
        env = "GRADTRACE_WARNING_MAX_AGE_MINUTES",
        default_value_t = 60,
        global = true
    )]
    pub warning_max_age_minutes: u64,
}

fn parse_weights(s: &str) -> Result<Weights, String> {
    let v: Vec<f64> = s
        .split(',')
        .map(|x| x.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|e| format!("weights: {e}"))?;
    match v.as_slice() {
        [employment, salary, major_match, satisfaction]
            if v.iter().all(|w| w.is_finite() && *w >= 0.0) && v.iter().sum::<f64>() > 0.0 =>
        {
            Ok(Weights {
                employment: *employment,
                salary: *salary,
                major_match: *major_match,
                satisfaction: *satisfaction,
            })
        }
        _ => Err("expected four non-negative weights, not all zero: employment,salary,major_match,satisfaction".into()),
    }
}

impl IndicatorConfig {
    pub fn policy(&self) -> Policy {
        Policy {
            min_cell: self.min_cell,
            low_coverage: self.low_coverage,
        }
    }

    pub fn rule(&self) -> Rule {
        Rule {
            weights: self.warning_weights,
            bottom_share: self.warning_bottom_share,
            cohorts: self.warning_cohorts.max(1),
        }
    }
}
