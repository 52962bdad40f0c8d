//! Employment-quality indicators (issue #8): pure computation, no I/O.
//!
//! Answers → `facts::Facts` (through the indicator tags, never question ids) → per-group,
//! per-stage `compute::StageReport`s whose every number is a `figure::Figure` made by the one
//! suppression `figure::Policy` → the major warning (`warning`). Formulas: docs/indicators.md.
pub mod columns;
pub mod compute;
pub mod config;
pub mod employer;
pub mod facts;
pub mod figure;
pub mod price;
pub mod stats;
pub mod table;
pub mod warning;

pub use compute::{By, Cohort, GroupKey, GroupReport, Person, StageReport, compute};
pub use employer::{EmployerReport, employer_report};
pub use facts::{Destination, Dimension, EmployerFacts, Extractor, Facts};
pub use figure::{Breakdown, Coverage, Figure, Policy};
pub use price::PriceIndex;
pub use warning::{MajorScore, Rule, Warning, Weights};

#[cfg(test)]
mod reference;
#[cfg(test)]
mod tests;
