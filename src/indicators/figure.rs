//! Figures and the one place where small cells are suppressed and coverage is judged.
//!
//! A `Figure` can only be made by a `Policy`, which suppresses it when it is computed from fewer
//! than `min_cell` people: the value, numerator and denominator are then dropped, not hidden, so
//! no page, API answer or export built from a `Figure` can show them.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Suppression and coverage settings (from `Config`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Policy {
    /// Figures computed from fewer people than this are suppressed.
    pub min_cell: u64,
    /// Response rates below this are flagged as low coverage.
    pub low_coverage: f64,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            min_cell: 5,
            low_coverage: 0.5,
        }
    }
}

/// One figure: a rate (numerator over denominator), a count, or a statistic over `n` people.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    numerator: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    denominator: Option<u64>,
    /// People the figure is computed from (absent when suppressed).
    #[serde(skip_serializing_if = "Option::is_none")]
    n: Option<u64>,
    suppressed: bool,
}

impl Figure {
    /// The value, or `None` when suppressed or undefined (e.g. a mean over nobody).
    pub fn value(&self) -> Option<f64> {
        self.value
    }
    pub fn numerator(&self) -> Option<f64> {
        self.numerator
    }
    pub fn denominator(&self) -> Option<u64> {
        self.denominator
    }
    pub fn n(&self) -> Option<u64> {
        self.n
    }
    pub fn suppressed(&self) -> bool {
        self.suppressed
    }
}

/// Response coverage of a group at a stage: shown beside every figure of that stage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    pub respondents: u64,
    pub roster: u64,
    /// Respondents over roster (`None` for an empty roster).
    pub response_rate: Option<f64>,
    pub low_coverage: bool,
}

/// Shares of categories. `exclusive` (one category per person): the shares sum to 1. Otherwise
/// (pick-all-that-apply reasons) each share is the part of the `n` people who named it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Breakdown {
    pub exclusive: bool,
    pub total: Figure,
    /// Empty when suppressed.
    pub shares: BTreeMap<String, Figure>,
}

impl Breakdown {
    pub fn suppressed(&self) -> bool {
        self.total.suppressed
    }
}

impl Policy {
    fn hidden(&self) -> Figure {
        Figure {
            value: None,
            numerator: None,
            denominator: None,
            n: None,
            suppressed: true,
        }
    }

    /// `numerator / denominator` over `denominator` people.
    pub fn rate(&self, numerator: u64, denominator: u64) -> Figure {
        self.ratio(numerator as f64, denominator)
    }

    /// A ratio whose numerator need not be a count (e.g. a sum).
    pub fn ratio(&self, numerator: f64, denominator: u64) -> Figure {
        if denominator < self.min_cell {
            return self.hidden();
        }
        Figure {
            value: (denominator > 0).then(|| numerator / denominator as f64),
            numerator: Some(numerator),
            denominator: Some(denominator),
            n: Some(denominator),
            suppressed: false,
        }
    }

    /// A count of people out of a base of `base` people.
    pub fn count(&self, count: u64, base: u64) -> Figure {
        if base < self.min_cell {
            return self.hidden();
        }
        Figure {
            value: Some(count as f64),
            numerator: None,
            denominator: None,
            n: Some(base),
            suppressed: false,
        }
    }

    /// A statistic computed from `n` people (`None` value: undefined).
    pub fn stat(&self, value: Option<f64>, n: u64) -> Figure {
        if n < self.min_cell {
            return self.hidden();
        }
        Figure {
            value,
            numerator: None,
            denominator: None,
            n: Some(n),
            suppressed: false,
        }
    }

    /// The mean of `values`.
    pub fn mean(&self, values: &[f64]) -> Figure {
        self.stat(super::stats::mean(values), values.len() as u64)
    }

    /// Category shares from per-category counts; `n` is the number of people (for exclusive
    /// breakdowns, the sum of the counts).
    pub fn breakdown(&self, counts: &BTreeMap<String, u64>, n: u64, exclusive: bool) -> Breakdown {
        let total = self.count(n, n);
        let shares = if total.suppressed {
            BTreeMap::new()
        } else {
            counts
                .iter()
                .map(|(k, c)| (k.clone(), self.rate(*c, n)))
                .collect()
        };
        Breakdown {
            exclusive,
            total,
            shares,
        }
    }

    pub fn coverage(&self, respondents: u64, roster: u64) -> Coverage {
        let response_rate = (roster > 0).then(|| respondents as f64 / roster as f64);
        Coverage {
            respondents,
            roster,
            response_rate,
            low_coverage: response_rate.is_none_or(|r| r < self.low_coverage),
        }
    }
}
