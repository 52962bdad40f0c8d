//! Reports as one flat table (one row per figure, with the group's coverage on every row) for
//! CSV and XLSX. Built from the serialised reports, so a suppressed figure has no numbers here
//! either.
use serde_json::Value;

use super::compute::GroupReport;
use crate::wave::export::{Cell, Table};

pub const HEADER: [&str; 16] = [
    "cohort",
    "department",
    "major",
    "degree_level",
    "stage",
    "indicator",
    "category",
    "value",
    "numerator",
    "denominator",
    "n",
    "suppressed",
    "respondents",
    "roster",
    "response_rate",
    "low_coverage",
];

fn num(v: Option<&Value>) -> Cell {
    v.and_then(Value::as_f64).map_or(Cell::Empty, Cell::Number)
}

fn text(s: Option<&str>) -> Cell {
    s.map_or(Cell::Empty, |s| Cell::Text(s.to_string()))
}

/// Collects `(indicator, category, figure)` from a serialised stage report.
pub fn figures<'a>(path: &str, v: &'a Value, out: &mut Vec<(String, Option<String>, &'a Value)>) {
    let Value::Object(map) = v else {
        return;
    };
    if map.contains_key("suppressed") {
        out.push((path.to_string(), None, v));
        return;
    }
    if let (Some(total), Some(Value::Object(shares))) = (map.get("total"), map.get("shares")) {
        out.push((path.to_string(), Some("total".into()), total));
        for (k, f) in shares {
            out.push((path.to_string(), Some(k.clone()), f));
        }
        return;
    }
    for (k, x) in map {
        if k == "coverage" || k == "stage" {
            continue;
        }
        let p = if path.is_empty() {
            k.clone()
        } else {
            format!("{path}.{k}")
        };
        figures(&p, x, out);
    }
}

pub fn table(reports: &[GroupReport]) -> Table {
    let mut rows = Vec::new();
    for g in reports {
        for s in &g.stages {
            let json = serde_json::to_value(s).unwrap_or(Value::Null);
            let mut figs = Vec::new();
            figures("", &json, &mut figs);
            for (indicator, category, f) in figs {
                let c = &s.coverage;
                rows.push(vec![
                    Cell::Number(f64::from(g.cohort)),
                    text(g.group.department.as_deref()),
                    text(g.group.major.as_deref()),
                    text(g.group.degree_level.as_deref()),
                    Cell::Text(s.stage.as_str().to_string()),
                    Cell::Text(indicator),
                    text(category.as_deref()),
                    num(f.get("value")),
                    num(f.get("numerator")),
                    num(f.get("denominator")),
                    num(f.get("n")),
                    Cell::Text(
                        if f.get("suppressed").and_then(Value::as_bool) == Some(true) {
                            "suppressed".into()
                        } else {
                            String::new()
                        },
                    ),
                    Cell::Number(c.respondents as f64),
                    Cell::Number(c.roster as f64),
                    c.response_rate.map_or(Cell::Empty, Cell::Number),
                    Cell::Text(if c.low_coverage { "low" } else { "" }.into()),
                ]);
            }
        }
    }
    Table {
        header: HEADER.iter().map(|h| h.to_string()).collect(),
        rows,
    }
}
