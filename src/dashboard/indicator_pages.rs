//! `/staff/indicators`: the employment-quality indicators of one cohort and stage for the
//! signed-in staff member's scope (the same narrowing as `/api/indicators`, deny by default),
//! every figure with its group's response rate and low-coverage flag beside it, breakdowns as
//! server-rendered bars, and the major warning list with its evidence.
//!
//! Figures are read from the serialised reports (`indicators::table::figures`), so a
//! suppressed figure reaches this page with no number at all.
use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum_extra::extract::cookie::CookieJar;
use sea_orm::{EntityTrait, QueryOrder, QuerySelect};
use serde_json::Value;

use super::indicators::{IndicatorQuery, for_viewer};
use super::pages::{Params, param, scope_text, signed_in};
use super::view::{StaffLayout, Tr, percent};
use crate::error::Error;
use crate::indicators::{EmployerReport, GroupReport, StageReport, Warning};
use crate::roster::staff::Scope;
use crate::store::entities::graduate;
use crate::survey::Stage;
use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/staff/indicators", get(indicators_page))
}

/// How a figure's value reads.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Kind {
    Share,
    Count,
    Money,
    Growth,
    Score,
    Mean,
    Years,
}

/// Plain figures in reading order, by section. Anything not listed still shows, under "other".
const SECTIONS: [(&str, &[&str]); 5] = [
    (
        "employment",
        &[
            "employment_rate_aug31",
            "employment_rate_dec31",
            "employment_rate_aug31_roster",
            "employment_rate_dec31_roster",
            "placed_rate",
            "slow_employment",
            "slow_employment_share",
            "unemployed",
            "unemployed_share",
        ],
    ),
    (
        "salary",
        &[
            "salary.median",
            "salary.p25",
            "salary.p75",
            "salary.mean",
            "salary.deflated_median",
            "salary.deflated_mean",
            "salary_growth.median",
            "salary_growth.mean",
            "salary_growth.deflated_median",
        ],
    ),
    (
        "match",
        &[
            "major_match",
            "major_match_mean",
            "interest_match",
            "interest_match_mean",
            "job_satisfaction",
        ],
    ),
    (
        "career",
        &[
            "turnover",
            "industry_change",
            "promotion",
            "years_to_first_promotion",
            "certificates",
            "training",
        ],
    ),
    (
        "innovation",
        &[
            "startup_survival",
            "patents",
            "patents_mean",
            "improvement_proposals",
            "improvement_proposals_mean",
        ],
    ),
];

/// Breakdowns in reading order, with the choice list their categories are labelled from.
const STRUCTURES: [(&str, &str); 11] = [
    ("destination", "destination_type"),
    ("employer_type", "employer_type"),
    ("industry", "industry"),
    ("zone", ""),
    ("city_tier", ""),
    ("not_placed_causes", "slow_cause"),
    ("leave_reasons", "leave_reason"),
    ("industry_change_reasons", "leave_reason"),
    ("management_role", "management_role"),
    ("further_degree", "further_degree"),
    ("startup_funding", "startup_funding"),
];

fn kind(path: &str) -> Kind {
    match path {
        "slow_employment" | "unemployed" => Kind::Count,
        "major_match_mean" | "interest_match_mean" => Kind::Score,
        "patents_mean" | "improvement_proposals_mean" => Kind::Mean,
        "years_to_first_promotion" => Kind::Years,
        p if p.starts_with("salary_growth.") => Kind::Growth,
        p if p.starts_with("salary.") => Kind::Money,
        _ => Kind::Share,
    }
}

/// One figure as shown: the value (or the suppression notice), its base, and the coverage of
/// the group it belongs to.
struct FigRow {
    label: String,
    value: String,
    base: String,
    suppressed: bool,
    coverage: String,
    low: bool,
    /// Width of a bar (0–100), for shares in breakdowns.
    bar: Option<u32>,
}

struct Section {
    title: String,
    note: Option<String>,
    rows: Vec<FigRow>,
}

struct CoverageView {
    text: String,
    rate: String,
    low: bool,
}

struct GroupView {
    label: String,
    /// Drill-down to this group's majors.
    href: Option<String>,
    coverage: CoverageView,
    sections: Vec<Section>,
    structures: Vec<Section>,
}

struct EvidenceRow {
    cohort: i32,
    score: String,
    rank: String,
    components: Vec<String>,
}

struct WarningView {
    label: String,
    rows: Vec<EvidenceRow>,
}

struct EmployerView {
    coverage: CoverageView,
    rows: Vec<FigRow>,
    /// Dimension, then (mean, satisfied share) per level.
    satisfaction: Vec<(String, Vec<(String, String)>)>,
    levels: Vec<String>,
}

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "staff/indicators.html")]
struct IndicatorsPage<'a> {
    layout: StaffLayout,
    tr: Tr<'a>,
    scope: String,
    cohorts: Vec<Choice>,
    stages: Vec<Choice>,
    groupings: Vec<Choice>,
    department: Option<String>,
    major: Option<String>,
    legend: String,
    groups: Vec<GroupView>,
    employer: Option<EmployerView>,
    warnings: Vec<WarningView>,
    warning_rule: String,
    /// When the scores behind the warnings were computed.
    warnings_as_of: Option<String>,
}

/// Formats figure JSON (`{value, numerator, denominator, n, suppressed}`) for the page.
struct Fmt<'a> {
    tr: Tr<'a>,
    min_cell: u64,
}

impl Fmt<'_> {
    fn value(&self, k: Kind, v: f64) -> String {
        match k {
            Kind::Share => percent(v),
            Kind::Count => format!("{v:.0}"),
            Kind::Money => self.tr.with("ind-yuan", "amount", grouped(v)),
            Kind::Growth => format!("{:+.1}%", v * 100.0),
            Kind::Score => format!("{v:.1} / 100"),
            Kind::Mean => format!("{v:.2}"),
            Kind::Years => self.tr.with("ind-years", "years", format!("{v:.1}")),
        }
    }

    fn row(&self, label: String, k: Kind, f: &Value, cov: &CoverageView) -> FigRow {
        let suppressed = f.get("suppressed").and_then(Value::as_bool) != Some(false);
        let num = |name: &str| f.get(name).and_then(Value::as_f64);
        let (value, base) = if suppressed {
            (
                self.tr.t("ind-suppressed"),
                self.tr.with("ind-fewer-than", "min", self.min_cell),
            )
        } else {
            let value = num("value").map_or_else(|| "—".to_string(), |v| self.value(k, v));
            let base = match (num("numerator"), num("denominator"), num("n")) {
                (Some(a), Some(b), _) if k == Kind::Share => format!("{a:.0} / {b:.0}"),
                (_, _, Some(n)) => format!("n = {n:.0}"),
                _ => String::new(),
            };
            (value, base)
        };
        FigRow {
            label,
            value,
            base,
            suppressed,
            coverage: cov.rate.clone(),
            low: cov.low,
            bar: None,
        }
    }
}

/// 12345.6 → "12,346".
fn grouped(v: f64) -> String {
    let s = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 { format!("-{out}") } else { out }
}

/// A choice label without its explanation in brackets ("单位就业（签订…）" → "单位就业").
fn short(label: String) -> String {
    match label.find(['（', '(']) {
        Some(i) if i > 0 => label[..i].trim_end().to_string(),
        _ => label,
    }
}

/// `key` translated, or `fallback` when there is no such message.
fn label_or(tr: Tr<'_>, key: &str, fallback: &str) -> String {
    if tr.i18n.has(tr.lang, key) {
        tr.t(key)
    } else {
        fallback.to_string()
    }
}

fn coverage_view(tr: Tr<'_>, c: &crate::indicators::Coverage) -> CoverageView {
    let rate = c.response_rate.map_or_else(|| "—".to_string(), percent);
    CoverageView {
        text: tr.args(
            "ind-coverage",
            &[
                ("respondents", c.respondents.to_string()),
                ("roster", c.roster.to_string()),
                ("rate", rate.clone()),
            ],
        ),
        rate,
        low: c.low_coverage,
    }
}

fn stage_sections(
    fmt: &Fmt<'_>,
    s: &StageReport,
    cov: &CoverageView,
) -> (Vec<Section>, Vec<Section>) {
    let tr = fmt.tr;
    let json = serde_json::to_value(s).unwrap_or(Value::Null);
    let mut figs = Vec::new();
    crate::indicators::table::figures("", &json, &mut figs);
    let mut plain: BTreeMap<String, &Value> = BTreeMap::new();
    let mut parts: BTreeMap<String, (Option<&Value>, Vec<(String, &Value)>)> = BTreeMap::new();
    for (path, cat, f) in figs {
        match cat {
            None => {
                plain.insert(path, f);
            }
            Some(c) if c == "total" => parts.entry(path).or_default().0 = Some(f),
            Some(c) => parts.entry(path).or_default().1.push((c, f)),
        }
    }
    let mut sections = Vec::new();
    for (name, paths) in SECTIONS {
        let rows: Vec<FigRow> = paths
            .iter()
            .filter_map(|p| {
                let f = plain.remove(*p)?;
                Some(fmt.row(
                    tr.t(&format!("ind-{}", p.replace('.', "-"))),
                    kind(p),
                    f,
                    cov,
                ))
            })
            .collect();
        if !rows.is_empty() {
            sections.push(Section {
                title: tr.t(&format!("ind-section-{name}")),
                note: None,
                rows,
            });
        }
    }
    if !plain.is_empty() {
        let rows = plain
            .iter()
            .map(|(p, f)| {
                let key = format!("ind-{}", p.replace('.', "-"));
                fmt.row(label_or(tr, &key, p), kind(p), f, cov)
            })
            .collect();
        sections.push(Section {
            title: tr.t("ind-section-other"),
            note: None,
            rows,
        });
    }
    let mut structures = Vec::new();
    let order = STRUCTURES.iter().map(|(p, l)| (p.to_string(), *l)).chain(
        parts
            .keys()
            .filter(|k| !STRUCTURES.iter().any(|(p, _)| p == k))
            .map(|k| (k.clone(), ""))
            .collect::<Vec<_>>(),
    );
    for (path, list) in order {
        let Some((total, mut shares)) = parts.remove(&path) else {
            continue;
        };
        let exclusive = json
            .get(&path)
            .and_then(|b| b.get("exclusive"))
            .and_then(Value::as_bool)
            .unwrap_or(true);
        let title = label_or(tr, &format!("ind-{path}"), &path);
        let mut rows = Vec::new();
        match total {
            Some(t) if t.get("suppressed").and_then(Value::as_bool) == Some(false) => {
                shares.sort_by(|a, b| {
                    let v = |f: &Value| f.get("value").and_then(Value::as_f64).unwrap_or(0.0);
                    v(b.1).total_cmp(&v(a.1)).then_with(|| a.0.cmp(&b.0))
                });
                for (cat, f) in shares {
                    let label = if list.is_empty() {
                        label_or(tr, &format!("ind-{path}-{cat}"), &cat)
                    } else {
                        short(label_or(tr, &format!("choice-{list}-{cat}"), &cat))
                    };
                    let mut row = fmt.row(label, Kind::Share, f, cov);
                    row.bar = f
                        .get("value")
                        .and_then(Value::as_f64)
                        .map(|v| (v * 100.0).round().clamp(0.0, 100.0) as u32);
                    rows.push(row);
                }
            }
            Some(t) => rows.push(fmt.row(tr.t("ind-all-categories"), Kind::Count, t, cov)),
            None => {}
        }
        let n = total
            .and_then(|t| t.get("n"))
            .and_then(Value::as_f64)
            .map(|n| format!("{n:.0}"));
        let note = match (exclusive, n) {
            (_, None) => None,
            (true, Some(n)) => Some(tr.with("ind-structure-of", "n", n)),
            (false, Some(n)) => Some(tr.with("ind-mentions-of", "n", n)),
        };
        structures.push(Section { title, note, rows });
    }
    (sections, structures)
}

fn group_view(fmt: &Fmt<'_>, g: &GroupReport, q: &IndicatorQuery) -> Option<GroupView> {
    let tr = fmt.tr;
    let s = g.stages.first()?;
    let cov = coverage_view(tr, &s.coverage);
    let (sections, structures) = stage_sections(fmt, s, &cov);
    let label = match (&g.group.department, &g.group.major, &g.group.degree_level) {
        (None, None, None) => match (&q.department, &q.major) {
            (None, None) => tr.t("ind-whole-school"),
            (d, m) => [d.as_deref(), m.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" / "),
        },
        (None, None, Some(level)) => label_or(tr, &format!("ind-degree-{level}"), level),
        _ => g.group.label(),
    };
    let href = match (&g.group.department, &g.group.major) {
        (Some(d), None) => Some(format!(
            "/staff/indicators?cohort={}&stage={}&by=major&department={}",
            g.cohort,
            s.stage.as_str(),
            enc(d)
        )),
        _ => None,
    };
    Some(GroupView {
        label,
        href,
        coverage: cov,
        sections,
        structures,
    })
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn warning_view(w: &Warning) -> WarningView {
    let opt = |v: Option<f64>| v.map_or_else(|| "—".to_string(), percent);
    WarningView {
        label: w.major.label(),
        rows: w
            .evidence
            .iter()
            .map(|e| EvidenceRow {
                cohort: e.cohort,
                score: format!("{:.3}", e.score),
                rank: format!("{} / {}", e.rank, e.of),
                components: vec![
                    opt(e.components.employment),
                    opt(e.components.salary),
                    opt(e.components.major_match),
                    opt(e.components.satisfaction),
                ],
            })
            .collect(),
    }
}

fn employer_view(fmt: &Fmt<'_>, e: &EmployerReport) -> EmployerView {
    let tr = fmt.tr;
    let coverage = coverage_view(tr, &e.coverage);
    let json = serde_json::to_value(e).unwrap_or(Value::Null);
    let rows = vec![
        fmt.row(tr.t("ind-rehire"), Kind::Share, &json["rehire"], &coverage),
        fmt.row(
            tr.t("ind-match-gap"),
            Kind::Growth,
            &json["match_gap"],
            &coverage,
        ),
    ];
    let levels = ["all", "junior", "middle", "senior"];
    let cell = |f: &Value, k: Kind| {
        if f.get("suppressed").and_then(Value::as_bool) != Some(false) {
            tr.t("ind-suppressed")
        } else {
            f.get("value")
                .and_then(Value::as_f64)
                .map_or_else(|| "—".to_string(), |v| fmt.value(k, v))
        }
    };
    let satisfaction = e
        .satisfaction
        .keys()
        .map(|dim| {
            let by_level = &json["satisfaction"][dim];
            (
                label_or(tr, &format!("ind-dim-{dim}"), dim),
                levels
                    .iter()
                    .map(|l| {
                        (
                            cell(&by_level[*l]["mean"], Kind::Score),
                            cell(&by_level[*l]["satisfied"], Kind::Share),
                        )
                    })
                    .collect(),
            )
        })
        .collect();
    EmployerView {
        coverage,
        rows,
        satisfaction,
        levels: levels
            .iter()
            .map(|l| label_or(tr, &format!("choice-job_level-{l}"), &tr.t("ind-level-all")))
            .collect(),
    }
}

/// Graduation years on the roster, newest first.
async fn cohort_years(state: &AppState) -> Result<Vec<i32>, Error> {
    Ok(graduate::Entity::find()
        .select_only()
        .column(graduate::Column::GraduationYear)
        .distinct()
        .order_by_desc(graduate::Column::GraduationYear)
        .into_tuple::<i32>()
        .all(&state.db)
        .await?)
}

async fn indicators_page(
    State(state): State<AppState>,
    Query(q): Params,
    headers: HeaderMap,
    jar: CookieJar,
) -> Response {
    let (ctx, viewer) = match signed_in(&state, &headers, jar, param(&q, "lang")).await {
        Ok(found) => found,
        Err(resp) => return resp,
    };
    let tr = ctx.tr();
    let mut years = match cohort_years(&state).await {
        Ok(y) => y,
        Err(e) => return ctx.error(Some(&viewer), e),
    };
    if let Scope::Alumni {
        cohort: Some(c), ..
    } = &viewer.scope
    {
        years.retain(|y| y == c);
    }
    let cohort = match param(&q, "cohort") {
        Some(c) => match c.parse::<i32>() {
            Ok(c) => c,
            Err(_) => {
                let e = Error::Invalid(tr.with("ind-bad-cohort", "value", c));
                return ctx.error(Some(&viewer), e);
            }
        },
        None => years.first().copied().unwrap_or(2024),
    };
    let stage = param(&q, "stage").unwrap_or("graduation").to_string();
    let by = param(&q, "by").unwrap_or("school").to_string();
    let want = IndicatorQuery {
        cohort,
        stage: Some(stage.clone()),
        by: Some(by.clone()),
        department: param(&q, "department").map(str::to_string),
        major: param(&q, "major").map(str::to_string),
    };
    let out = match for_viewer(&state, &viewer, &want).await {
        Ok(o) => o,
        Err(e) => return ctx.error(Some(&viewer), e),
    };
    let fmt = Fmt {
        tr,
        min_cell: out.policy.min_cell,
    };
    if !years.contains(&cohort) {
        years.insert(0, cohort);
    }
    let choices = |values: &[&str], prefix: &str, current: &str| -> Vec<Choice> {
        values
            .iter()
            .map(|v| Choice {
                value: v.to_string(),
                label: tr.t(&format!("{prefix}{v}")),
                selected: *v == current,
            })
            .collect()
    };
    let stages: Vec<&str> = crate::indicators::compute::GRADUATE_STAGES
        .iter()
        .map(|s| Stage::as_str(*s))
        .collect();
    let path = format!(
        "/staff/indicators?cohort={cohort}&stage={}&by={}{}{}",
        enc(&stage),
        enc(&by),
        want.department
            .as_deref()
            .map(|d| format!("&department={}", enc(d)))
            .unwrap_or_default(),
        want.major
            .as_deref()
            .map(|m| format!("&major={}", enc(m)))
            .unwrap_or_default(),
    );
    let rule = state.config.indicators.rule();
    let page = IndicatorsPage {
        layout: ctx.layout(tr.t("ind-title"), &path, Some(&viewer)),
        tr,
        scope: scope_text(tr, &viewer),
        cohorts: years
            .iter()
            .map(|y| Choice {
                value: y.to_string(),
                label: y.to_string(),
                selected: *y == cohort,
            })
            .collect(),
        stages: choices(&stages, "ind-stage-", &stage),
        groupings: choices(
            &["school", "department", "major", "degree_level"],
            "ind-by-",
            &by,
        ),
        department: want.department.clone(),
        major: want.major.clone(),
        legend: tr.with("ind-legend", "min", out.policy.min_cell),
        groups: out
            .groups
            .iter()
            .filter_map(|g| group_view(&fmt, g, &want))
            .collect(),
        employer: out.employer.as_ref().map(|e| employer_view(&fmt, e)),
        warnings: out.warnings.iter().map(warning_view).collect(),
        warning_rule: tr.args(
            "ind-warning-rule",
            &[
                ("share", format!("{:.0}", rule.bottom_share * 100.0)),
                ("cohorts", rule.cohorts.to_string()),
            ],
        ),
        warnings_as_of: out
            .warnings_as_of
            .map(|t| tr.with("ind-warning-as-of", "time", tr.when(t))),
    };
    ctx.page(StatusCode::OK, &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_grouped_by_thousands() {
        assert_eq!(grouped(0.0), "0");
        assert_eq!(grouped(999.4), "999");
        assert_eq!(grouped(12345.6), "12,346");
        assert_eq!(grouped(1234567.0), "1,234,567");
        assert_eq!(grouped(-1500.0), "-1,500");
    }

    #[test]
    fn choice_labels_lose_their_explanation_in_breakdowns() {
        assert_eq!(short("单位就业（签订就业协议等）".into()), "单位就业");
        assert_eq!(short("Employed (contract)".into()), "Employed");
        assert_eq!(short("东部".into()), "东部");
        assert_eq!(short("(odd)".into()), "(odd)");
    }

    #[test]
    fn every_listed_figure_has_a_kind_that_reads_right() {
        assert_eq!(kind("salary.median"), Kind::Money);
        assert_eq!(kind("salary_growth.median"), Kind::Growth);
        assert_eq!(kind("unemployed"), Kind::Count);
        assert_eq!(kind("unemployed_share"), Kind::Share);
        assert_eq!(kind("major_match_mean"), Kind::Score);
    }
}
