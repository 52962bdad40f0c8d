//! The major warning: a composite employment-quality score per major and cohort, and the flag
//! for majors in the bottom share (5%) of their cohort for three consecutive cohorts.
//!
//! Score (0–1) = weighted mean of the available components of the graduation-stage report:
//! year-end employment rate (over respondents), major-match share, job-satisfaction share, and
//! the major's salary standing (percentile rank of its median salary among the cohort's scored
//! majors, 0 = lowest, 1 = highest). A suppressed component is left out and the weights of the
//! others renormalised; a major whose employment rate is suppressed is not scored at all.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::compute::{GroupKey, GroupReport};
use crate::survey::Stage;

/// Component weights (configurable; they need not sum to 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Weights {
    pub employment: f64,
    pub salary: f64,
    pub major_match: f64,
    pub satisfaction: f64,
}

impl Default for Weights {
    fn default() -> Weights {
        Weights {
            employment: 0.4,
            salary: 0.2,
            major_match: 0.2,
            satisfaction: 0.2,
        }
    }
}

/// Warning rule settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    pub weights: Weights,
    /// The bottom share of scored majors (0.05).
    pub bottom_share: f64,
    /// Consecutive cohorts in the bottom share that raise the warning (3).
    pub cohorts: usize,
}

impl Default for Rule {
    fn default() -> Rule {
        Rule {
            weights: Weights::default(),
            bottom_share: 0.05,
            cohorts: 3,
        }
    }
}

/// Components of a score (each 0–1, `None` when suppressed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Components {
    pub employment: Option<f64>,
    pub salary: Option<f64>,
    pub major_match: Option<f64>,
    pub satisfaction: Option<f64>,
}

/// One major's score in one cohort.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MajorScore {
    pub cohort: i32,
    pub major: GroupKey,
    pub score: f64,
    pub components: Components,
    /// 1 = lowest score of the cohort.
    pub rank: usize,
    pub of: usize,
    pub bottom: bool,
}

/// A flagged major with the evidence: its score in each of the consecutive cohorts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Warning {
    pub major: GroupKey,
    pub evidence: Vec<MajorScore>,
}

/// Percentile rank of each value among `values` (ties share the mean rank; one value → 0.5).
fn percentile_ranks(values: &[f64]) -> Vec<f64> {
    let m = values.len();
    values
        .iter()
        .map(|v| {
            if m < 2 {
                return 0.5;
            }
            let less = values.iter().filter(|x| *x < v).count() as f64;
            let equal = values.iter().filter(|x| *x == v).count() as f64;
            (less + 0.5 * (equal - 1.0)) / (m - 1) as f64
        })
        .collect()
}

/// Scores of the majors of one cohort from its by-major reports (graduation stage).
pub fn scores(reports: &[GroupReport], rule: &Rule) -> Vec<MajorScore> {
    let w = rule.weights;
    let graduation: Vec<(&GroupReport, &super::compute::StageReport)> = reports
        .iter()
        .filter_map(|r| Some((r, r.stages.iter().find(|s| s.stage == Stage::Graduation)?)))
        .filter(|(_, s)| {
            s.employment_rate_dec31
                .as_ref()
                .is_some_and(|f| f.value().is_some())
        })
        .collect();
    let medians: Vec<(usize, f64)> = graduation
        .iter()
        .enumerate()
        .filter_map(|(i, (_, s))| Some((i, s.salary.median.value()?)))
        .collect();
    let ranks = percentile_ranks(&medians.iter().map(|m| m.1).collect::<Vec<_>>());
    let salary_of: BTreeMap<usize, f64> = medians.iter().map(|m| m.0).zip(ranks).collect();
    let mut out: Vec<MajorScore> = graduation
        .iter()
        .enumerate()
        .map(|(i, (r, s))| {
            let c = Components {
                employment: s.employment_rate_dec31.as_ref().and_then(|f| f.value()),
                salary: salary_of.get(&i).copied(),
                major_match: s.major_match.value(),
                satisfaction: s.job_satisfaction.value(),
            };
            let parts = [
                (c.employment, w.employment),
                (c.salary, w.salary),
                (c.major_match, w.major_match),
                (c.satisfaction, w.satisfaction),
            ];
            let (sum, weight) = parts
                .iter()
                .filter_map(|(v, w)| Some((v.as_ref()? * w, *w)))
                .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
            MajorScore {
                cohort: r.cohort,
                major: r.group.clone(),
                score: if weight > 0.0 { sum / weight } else { 0.0 },
                components: c,
                rank: 0,
                of: 0,
                bottom: false,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        a.score
            .total_cmp(&b.score)
            .then_with(|| a.major.cmp(&b.major))
    });
    let n = out.len();
    let k = (rule.bottom_share * n as f64).ceil() as usize;
    let cutoff = (k > 0).then(|| out[k.min(n) - 1].score);
    for (i, s) in out.iter_mut().enumerate() {
        s.rank = i + 1;
        s.of = n;
        s.bottom = cutoff.is_some_and(|c| s.score <= c);
    }
    out
}

/// Majors in the bottom share in each of the last `rule.cohorts` cohorts up to and including
/// `latest` (scores by cohort).
pub fn warnings(scores: &BTreeMap<i32, Vec<MajorScore>>, latest: i32, rule: &Rule) -> Vec<Warning> {
    let years: Vec<i32> = (0..rule.cohorts as i32).map(|i| latest - i).rev().collect();
    let Some(first) = scores.get(&years[0]) else {
        return vec![];
    };
    first
        .iter()
        .filter(|s| s.bottom)
        .filter_map(|s| {
            let evidence: Vec<MajorScore> = years
                .iter()
                .map(|y| {
                    scores
                        .get(y)?
                        .iter()
                        .find(|x| x.major == s.major && x.bottom)
                        .cloned()
                })
                .collect::<Option<_>>()?;
            Some(Warning {
                major: s.major.clone(),
                evidence,
            })
        })
        .collect()
}
