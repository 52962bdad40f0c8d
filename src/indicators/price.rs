//! The regional price index: price level of each province relative to the national level
//! (= 100), read from a CSV file (`province,name,index`). The repository ships
//! `data/price-index.csv`; `--price-index FILE` replaces it.
use std::collections::HashMap;
use std::path::Path;

use crate::error::{Error, Result};

/// The table shipped in the repository.
pub const SHIPPED: &str = include_str!("../../data/price-index.csv");

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PriceIndex {
    by_province: HashMap<String, f64>,
}

impl PriceIndex {
    /// Parses the CSV text; a bad line is reported with its line number.
    pub fn parse(text: &str) -> Result<PriceIndex> {
        let mut by_province = HashMap::new();
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        for (i, record) in reader.records().enumerate() {
            let line = i + 2;
            let record =
                record.map_err(|e| Error::Invalid(format!("price index line {line}: {e}")))?;
            let province = record.get(0).unwrap_or_default().to_string();
            let index = record
                .get(2)
                .and_then(|s| s.parse::<f64>().ok())
                .filter(|v| v.is_finite() && *v > 0.0)
                .ok_or_else(|| {
                    Error::Invalid(format!(
                        "price index line {line}: the index must be a positive number"
                    ))
                })?;
            if province.is_empty() {
                return Err(Error::Invalid(format!(
                    "price index line {line}: the province code is missing"
                )));
            }
            by_province.insert(province, index);
        }
        Ok(PriceIndex { by_province })
    }

    pub fn shipped() -> Result<PriceIndex> {
        PriceIndex::parse(SHIPPED)
    }

    /// The shipped table, or `path` when given.
    pub fn load(path: Option<&Path>) -> Result<PriceIndex> {
        match path {
            None => PriceIndex::shipped(),
            Some(p) => PriceIndex::parse(&std::fs::read_to_string(p).map_err(|e| {
                Error::Invalid(format!("cannot read price index {}: {e}", p.display()))
            })?),
        }
    }

    /// Index of `province` (100 when unknown or not given).
    pub fn index(&self, province: Option<&str>) -> f64 {
        province
            .and_then(|p| self.by_province.get(p))
            .copied()
            .unwrap_or(100.0)
    }

    /// `salary` in national price terms.
    pub fn deflate(&self, salary: f64, province: Option<&str>) -> f64 {
        salary * 100.0 / self.index(province)
    }
}
