//! Employer evaluation: satisfaction per dimension and job level on the common 0–100 scale,
//! the share satisfied, rehire willingness, and the gap between the graduates' self-rated major
//! match and the employer-rated job fit. Employers are not tied to a major, so these figures
//! are school-wide, per employer survey year.
use std::collections::BTreeMap;

use serde::Serialize;

use super::compute::GOOD_RATING;
use super::facts::{Dimension, EmployerFacts};
use super::figure::{Coverage, Figure, Policy};
use crate::survey::Qualifier;

/// Mean rating (0–100) and share rating ≥ 75 (4 of 5) of one dimension at one level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rated {
    pub mean: Figure,
    pub satisfied: Figure,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EmployerReport {
    pub year: i32,
    pub coverage: Coverage,
    /// By dimension, then by job level (`all` = every level's ratings pooled).
    pub satisfaction: BTreeMap<String, BTreeMap<String, Rated>>,
    /// Employers willing to hire our graduates again within three years, over those answering.
    pub rehire: Figure,
    /// Graduates' major-match share minus the employer-rated job-fit share (`all` levels).
    pub match_gap: Figure,
}

fn rated(policy: &Policy, values: &[f64]) -> Rated {
    let good = values.iter().filter(|v| **v >= GOOD_RATING).count() as u64;
    Rated {
        mean: policy.mean(values),
        satisfied: policy.rate(good, values.len() as u64),
    }
}

/// The employer report of survey year `year`: `invited` employers, `responses` the facts of
/// those who answered; `major_match` the school-wide graduate major-match share to compare with.
pub fn employer_report(
    year: i32,
    invited: u64,
    responses: &[EmployerFacts],
    major_match: &Figure,
    policy: &Policy,
) -> EmployerReport {
    let respondents = responses
        .iter()
        .filter(|r| !r.ratings.is_empty() || r.rehire.is_some());
    let respondents = respondents.count() as u64;
    let mut satisfaction = BTreeMap::new();
    for d in Dimension::ALL {
        let mut levels = BTreeMap::new();
        let all: Vec<f64> = responses
            .iter()
            .flat_map(|r| {
                r.ratings
                    .iter()
                    .filter(|((dd, _), _)| *dd == d)
                    .map(|(_, v)| *v)
            })
            .collect();
        levels.insert("all".to_string(), rated(policy, &all));
        for q in [Qualifier::Junior, Qualifier::Middle, Qualifier::Senior] {
            let v: Vec<f64> = responses
                .iter()
                .filter_map(|r| r.ratings.get(&(d, Some(q))).copied())
                .collect();
            levels.insert(q.as_str().to_string(), rated(policy, &v));
        }
        satisfaction.insert(d.as_str().to_string(), levels);
    }
    let answered: Vec<&str> = responses
        .iter()
        .filter_map(|r| r.rehire.as_deref())
        .collect();
    let yes = answered.iter().filter(|a| **a == "yes").count() as u64;
    let fit = &satisfaction[Dimension::JobFit.as_str()]["all"].satisfied;
    let match_gap = match (major_match.value(), fit.value()) {
        (Some(m), Some(f)) => {
            let n = major_match.n().unwrap_or(0).min(fit.n().unwrap_or(0));
            policy.stat(Some(m - f), n)
        }
        _ => policy.stat(None, 0),
    };
    EmployerReport {
        year,
        coverage: policy.coverage(respondents, invited),
        satisfaction,
        rehire: policy.rate(yes, answered.len() as u64),
        match_gap,
    }
}
