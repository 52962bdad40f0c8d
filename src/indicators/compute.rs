//! Every graduate indicator of one group of graduates at one stage, from their facts.
use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::columns::{NO_CLASS, NO_ID, Names, Part, Row, TIERS, ZONES, has};
use super::facts::{Destination, Facts};
use super::figure::{Breakdown, Coverage, Figure, Policy};
use super::price::PriceIndex;
use super::stats;
use crate::survey::{CityTier, Stage, YearMonth, Zone};

/// A rating at or above this (on the 0–100 scale; 4 of 5) counts as "matched" / "satisfied".
pub const GOOD_RATING: f64 = 75.0;

/// One graduate on the roster, with the attributes results are grouped by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub graduate_id: i32,
    pub degree_level: String,
    pub department: String,
    pub major: String,
}

/// A cohort's roster and the facts of its responses at the graduate stages.
#[derive(Debug, Clone, Default)]
pub struct Cohort {
    pub year: i32,
    pub roster: Vec<Person>,
    /// Facts by stage, one record per position in `roster` (`Row::ABSENT`: none).
    facts: HashMap<Stage, Vec<Row>>,
    position: HashMap<i32, u32>,
    names: Names,
}

/// Each graduate's position in `roster`.
pub(crate) fn positions(roster: &[Person]) -> HashMap<i32, u32> {
    roster
        .iter()
        .enumerate()
        .map(|(i, p)| (p.graduate_id, i as u32))
        .collect()
}

impl Cohort {
    pub fn new(year: i32, roster: Vec<Person>) -> Cohort {
        let position = positions(&roster);
        Cohort {
            year,
            roster,
            facts: HashMap::new(),
            position,
            names: Names::default(),
        }
    }

    /// Records `facts` of `graduate_id` at `stage` (replacing earlier ones); `false` if the
    /// graduate is not on this cohort's roster (the facts are then ignored).
    pub fn add(&mut self, graduate_id: i32, stage: Stage, facts: Facts) -> bool {
        self.add_with(graduate_id, stage, |names| Row::of(&facts, names))
    }

    /// Records the row `make` builds (interning its strings in the cohort's names) for
    /// `graduate_id` at `stage`; `false` (and `make` not called) if not on the roster.
    pub fn add_with(
        &mut self,
        graduate_id: i32,
        stage: Stage,
        make: impl FnOnce(&mut Names) -> Row,
    ) -> bool {
        let Some(&pos) = self.position.get(&graduate_id) else {
            return false;
        };
        let len = self.roster.len();
        let row = make(&mut self.names);
        let v = self
            .facts
            .entry(stage)
            .or_insert_with(|| vec![Row::ABSENT; len]);
        v[pos as usize] = row;
        true
    }

    /// Records the rows of `part` at `stage`, in order (a later row of the same graduate
    /// replaces an earlier one); returns how many were on the roster.
    pub fn merge(&mut self, stage: Stage, part: Part) -> usize {
        let mut names = std::mem::take(&mut self.names);
        let mut added = 0;
        for (graduate_id, row) in part.into_rows(&mut names) {
            added += usize::from(self.add_with(graduate_id, stage, |_| row));
        }
        self.names = names;
        added
    }

    fn rows(&self, stage: Stage) -> &[Row] {
        self.facts.get(&stage).map_or(&[], Vec::as_slice)
    }
}

/// How results are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum By {
    School,
    Department,
    Major,
    #[value(name = "degree_level")]
    DegreeLevel,
}

/// The group a report is about; fields not grouped by are absent.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
pub struct GroupKey {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub major: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub degree_level: Option<String>,
}

impl GroupKey {
    pub fn of(by: By, p: &Person) -> GroupKey {
        match by {
            By::School => GroupKey::default(),
            By::Department => GroupKey {
                department: Some(p.department.clone()),
                ..GroupKey::default()
            },
            By::Major => GroupKey {
                department: Some(p.department.clone()),
                major: Some(p.major.clone()),
                ..GroupKey::default()
            },
            By::DegreeLevel => GroupKey {
                degree_level: Some(p.degree_level.clone()),
                ..GroupKey::default()
            },
        }
    }

    /// Human label: `school`, the department, `department / major` or the degree level.
    pub fn label(&self) -> String {
        match (&self.department, &self.major, &self.degree_level) {
            (Some(d), Some(m), _) => format!("{d} / {m}"),
            (Some(d), None, _) => d.clone(),
            (None, _, Some(l)) => l.clone(),
            _ => "school".to_string(),
        }
    }
}

/// Salary figures of the working respondents who gave a salary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Salary {
    pub median: Figure,
    pub mean: Figure,
    pub p25: Figure,
    pub p75: Figure,
    /// In national price terms (salary × 100 / regional price index).
    pub deflated_median: Figure,
    pub deflated_mean: Figure,
}

/// Salary growth of the same people from the graduation stage to this one (ratio − 1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Growth {
    pub median: Figure,
    pub mean: Figure,
    /// Growth of the deflated salaries (both ends in national price terms).
    pub deflated_median: Figure,
}

/// Every graduate indicator of one group at one stage. Shares are between 0 and 1.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageReport {
    pub stage: Stage,
    pub coverage: Coverage,
    /// Placed by 31 August / 31 December of the graduation year, over respondents
    /// (graduation stage only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employment_rate_aug31: Option<Figure>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employment_rate_dec31: Option<Figure>,
    /// The same over the whole roster, unknown counted as not placed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employment_rate_aug31_roster: Option<Figure>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employment_rate_dec31_roster: Option<Figure>,
    /// Placed at the time of the survey, over respondents.
    pub placed_rate: Figure,
    pub slow_employment: Figure,
    pub slow_employment_share: Figure,
    pub unemployed: Figure,
    pub unemployed_share: Figure,
    /// Causes named by the slow-employed and unemployed.
    pub not_placed_causes: Breakdown,
    pub destination: Breakdown,
    pub employer_type: Breakdown,
    pub industry: Breakdown,
    pub zone: Breakdown,
    pub city_tier: Breakdown,
    pub salary: Salary,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub salary_growth: Option<Growth>,
    pub major_match: Figure,
    pub major_match_mean: Figure,
    pub interest_match: Figure,
    pub interest_match_mean: Figure,
    pub job_satisfaction: Figure,
    /// Changed employer at least once (`job_changes` ≥ 1).
    pub turnover: Figure,
    pub leave_reasons: Breakdown,
    pub industry_change: Figure,
    pub industry_change_reasons: Breakdown,
    pub promotion: Figure,
    pub years_to_first_promotion: Figure,
    pub management_role: Breakdown,
    pub further_degree: Breakdown,
    pub certificates: Figure,
    pub training: Figure,
    /// Of those self-employed at graduation who answered, still running the start-up.
    pub startup_survival: Figure,
    pub startup_funding: Breakdown,
    pub patents: Figure,
    pub patents_mean: Figure,
    pub improvement_proposals: Figure,
    pub improvement_proposals_mean: Figure,
}

/// Every stage of one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupReport {
    pub cohort: i32,
    pub group: GroupKey,
    pub stages: Vec<StageReport>,
}

/// The graduate stages, in order.
pub const GRADUATE_STAGES: [Stage; 4] =
    [Stage::Graduation, Stage::Year1, Stage::Year3, Stage::Year5];

pub(super) fn zone_str(z: Zone) -> &'static str {
    match z {
        Zone::East => "east",
        Zone::Central => "central",
        Zone::West => "west",
        Zone::Other => "other",
    }
}

pub(super) fn tier_str(t: CityTier) -> &'static str {
    match t {
        CityTier::First => "first",
        CityTier::NewFirst => "new_first",
        CityTier::Other => "other",
        CityTier::County => "county",
    }
}

/// What `Iterator::sum` starts from, so running sums equal the sums of collected values.
fn zero() -> f64 {
    std::iter::empty::<f64>().sum()
}

/// People counted in one category each (by id).
#[derive(Default)]
struct Tally {
    n: u64,
    counts: Vec<u64>,
}

impl Tally {
    #[inline]
    fn add(&mut self, id: u32) {
        let i = id as usize;
        if i >= self.counts.len() {
            self.counts.resize(i + 1, 0);
        }
        self.counts[i] += 1;
        self.n += 1;
    }

    /// Adds `id` unless it is `none`.
    #[inline]
    fn add_some(&mut self, id: u32, none: u32) {
        if id != none {
            self.add(id);
        }
    }

    /// Exclusive shares, categories named by `name`.
    fn breakdown<'a>(&self, p: &Policy, name: impl Fn(u32) -> &'a str) -> Breakdown {
        let counts: BTreeMap<String, u64> = self
            .counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(i, c)| (name(i as u32).to_string(), *c))
            .collect();
        p.breakdown(&counts, self.n, true)
    }
}

/// Reasons named by people (each may name several): reason lists counted by list id.
#[derive(Default)]
struct Mentions(Tally);

impl Mentions {
    #[inline]
    fn add(&mut self, list: u32) {
        self.0.add(list);
    }

    fn breakdown(&self, p: &Policy, names: &Names) -> Breakdown {
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for (list, c) in self.0.counts.iter().enumerate().filter(|(_, c)| **c > 0) {
            for &r in names.items(list as u32) {
                *counts.entry(names.name(r).to_string()).or_insert(0) += c;
            }
        }
        p.breakdown(&counts, self.0.n, false)
    }
}

/// A share: people for whom something holds, over people it was asked of.
#[derive(Default)]
struct Share {
    num: u64,
    den: u64,
}

impl Share {
    #[inline]
    fn add(&mut self, good: bool) {
        self.den += 1;
        self.num += u64::from(good);
    }

    fn figure(&self, p: &Policy) -> Figure {
        p.rate(self.num, self.den)
    }
}

/// A running mean (summed in the order the values come, as `stats::mean` sums them).
struct Mean {
    sum: f64,
    n: u64,
}

impl Default for Mean {
    fn default() -> Mean {
        Mean { sum: zero(), n: 0 }
    }
}

impl Mean {
    #[inline]
    fn add(&mut self, v: f64) {
        self.sum += v;
        self.n += 1;
    }

    fn figure(&self, p: &Policy) -> Figure {
        p.stat((self.n > 0).then(|| self.sum / self.n as f64), self.n)
    }
}

/// A rating: the share at or above `GOOD_RATING` and the mean.
#[derive(Default)]
struct Rating {
    good: Share,
    mean: Mean,
}

impl Rating {
    #[inline]
    fn add(&mut self, r: Option<f64>) {
        if let Some(r) = r {
            self.good.add(r >= GOOD_RATING);
            self.mean.add(r);
        }
    }
}

/// A count per person: the share with at least one, and the mean.
type Counted = Rating;

impl Counted {
    #[inline]
    fn add_count(&mut self, v: Option<f64>) {
        if let Some(v) = v {
            self.good.add(v >= 1.0);
            self.mean.add(v);
        }
    }
}

/// Everything counted of one group at one stage, in one pass over its people.
#[derive(Default)]
struct Acc {
    roster: u64,
    respondents: u64,
    placed_aug: u64,
    placed_dec: u64,
    destination: Tally,
    not_placed_causes: Mentions,
    employer_type: Tally,
    industry: Tally,
    zone: Tally,
    tier: Tally,
    salary: Vec<f64>,
    salary_deflated: Vec<f64>,
    growth: Vec<f64>,
    growth_deflated: Vec<f64>,
    major_match: Rating,
    interest_match: Rating,
    job_satisfaction: Share,
    turnover: Share,
    leave_reasons: Mentions,
    industry_change: Share,
    industry_change_reasons: Mentions,
    promotion: Share,
    years_to_promotion: Mean,
    management_role: Tally,
    further_degree: Tally,
    certificates: Share,
    training: Share,
    startup_survival: Share,
    startup_funding: Tally,
    patents: Counted,
    improvement_proposals: Counted,
}

/// What every group's pass over one stage shares.
struct Pass<'a> {
    names: &'a Names,
    /// The price index of each interned string taken as a province code.
    index: &'a [f64],
    aug31: YearMonth,
    dec31: YearMonth,
    at_graduation: bool,
}

impl Pass<'_> {
    #[inline]
    fn deflate(&self, salary: f64, province: u32) -> f64 {
        salary * 100.0 / self.index.get(province as usize).copied().unwrap_or(100.0)
    }
}

fn working(r: &Row) -> bool {
    r.destination().is_some_and(Destination::working)
}

fn placed_by(r: &Row, d: Destination, cutoff: YearMonth) -> bool {
    // No start month (historical imports): counted as placed at both dates.
    d.placed() && r.start().is_none_or(|s| s <= cutoff)
}

impl Acc {
    /// One person of the group: `row` at this stage, `grad` at graduation.
    #[inline]
    fn add(&mut self, pass: &Pass, row: &Row, grad: &Row) {
        self.roster += 1;
        if grad.destination() == Some(Destination::SelfEmployed)
            && let Some(active) = Row::yes_no(row.startup_active)
        {
            self.startup_survival.add(active);
        }
        if !pass.at_graduation
            && let (Some(sa), Some(sb)) = (
                grad.get(has::SALARY, grad.salary),
                row.get(has::SALARY, row.salary),
            )
            && working(grad)
            && working(row)
        {
            self.growth.push(sb / sa - 1.0);
            let da = pass.deflate(sa, grad.province);
            let db = pass.deflate(sb, row.province);
            self.growth_deflated.push(db / da - 1.0);
        }
        let Some(d) = row.destination() else {
            return;
        };
        self.respondents += 1;
        self.destination.add(d as u32);
        self.placed_aug += u64::from(placed_by(row, d, pass.aug31));
        self.placed_dec += u64::from(placed_by(row, d, pass.dec31));
        if !d.placed() {
            self.not_placed_causes.add(row.slow_causes);
        }
        if d.working() {
            self.employer_type.add_some(row.employer_type, NO_ID);
            self.industry.add_some(row.industry, NO_ID);
            self.zone.add_some(u32::from(row.zone), u32::from(NO_CLASS));
            self.tier.add_some(u32::from(row.tier), u32::from(NO_CLASS));
            if let Some(s) = row.get(has::SALARY, row.salary) {
                self.salary.push(s);
                self.salary_deflated.push(pass.deflate(s, row.province));
            }
            self.major_match
                .add(row.get(has::MAJOR_MATCH, row.major_match));
            self.interest_match
                .add(row.get(has::INTEREST_MATCH, row.interest_match));
            if let Some(r) = row.get(has::JOB_SATISFACTION, row.job_satisfaction) {
                self.job_satisfaction.add(r >= GOOD_RATING);
            }
            if let Some(c) = row.get(has::JOB_CHANGES, row.job_changes) {
                self.turnover.add(c >= 1.0);
                if c >= 1.0 {
                    self.leave_reasons.add(row.leave_reasons);
                }
            }
            if let Some(changed) = Row::yes_no(row.industry_changed) {
                self.industry_change.add(changed);
                if changed {
                    self.industry_change_reasons.add(row.leave_reasons);
                }
            }
        }
        if let Some(promoted) = Row::yes_no(row.promoted) {
            self.promotion.add(promoted);
            if let (true, Some(y)) = (
                promoted,
                row.get(has::YEARS_TO_PROMOTION, row.years_to_promotion),
            ) {
                self.years_to_promotion.add(y);
            }
        }
        self.management_role.add_some(row.management_role, NO_ID);
        self.further_degree.add_some(row.further_degree, NO_ID);
        if let Some(c) = row.get(has::CERTIFICATES, row.certificates) {
            self.certificates.add(c >= 1.0);
        }
        if let Some(t) = Row::yes_no(row.training) {
            self.training.add(t);
        }
        if d == Destination::SelfEmployed {
            self.startup_funding.add_some(row.startup_funding, NO_ID);
        }
        self.patents.add_count(row.get(has::PATENTS, row.patents));
        self.improvement_proposals
            .add_count(row.get(has::IMPROVEMENT_PROPOSALS, row.improvement_proposals));
    }

    fn report(self, stage: Stage, pass: &Pass, p: &Policy) -> StageReport {
        let (respondents, roster) = (self.respondents, self.roster);
        let at_graduation = pass.at_graduation;
        let (aug, dec) = (self.placed_aug, self.placed_dec);
        let count = |d: Destination| {
            self.destination
                .counts
                .get(d as usize)
                .copied()
                .unwrap_or(0)
        };
        let slow = count(Destination::SlowEmployment);
        let unemployed = count(Destination::Unemployed);
        let names = pass.names;
        let name = |id: u32| names.name(id);
        let growth = (!at_graduation).then(|| growth(p, self.growth, self.growth_deflated));
        StageReport {
            stage,
            coverage: p.coverage(respondents, roster),
            employment_rate_aug31: at_graduation.then(|| p.rate(aug, respondents)),
            employment_rate_dec31: at_graduation.then(|| p.rate(dec, respondents)),
            employment_rate_aug31_roster: at_graduation.then(|| p.rate(aug, roster)),
            employment_rate_dec31_roster: at_graduation.then(|| p.rate(dec, roster)),
            placed_rate: p.rate(respondents - slow - unemployed, respondents),
            slow_employment: p.count(slow, respondents),
            slow_employment_share: p.rate(slow, respondents),
            unemployed: p.count(unemployed, respondents),
            unemployed_share: p.rate(unemployed, respondents),
            not_placed_causes: self.not_placed_causes.breakdown(p, names),
            destination: self
                .destination
                .breakdown(p, |d| Destination::ALL[d as usize].as_str()),
            employer_type: self.employer_type.breakdown(p, name),
            industry: self.industry.breakdown(p, name),
            zone: self.zone.breakdown(p, |z| zone_str(ZONES[z as usize])),
            city_tier: self.tier.breakdown(p, |t| tier_str(TIERS[t as usize])),
            salary: salary(p, self.salary, self.salary_deflated),
            salary_growth: growth,
            major_match: self.major_match.good.figure(p),
            major_match_mean: self.major_match.mean.figure(p),
            interest_match: self.interest_match.good.figure(p),
            interest_match_mean: self.interest_match.mean.figure(p),
            job_satisfaction: self.job_satisfaction.figure(p),
            turnover: self.turnover.figure(p),
            leave_reasons: self.leave_reasons.breakdown(p, names),
            industry_change: self.industry_change.figure(p),
            industry_change_reasons: self.industry_change_reasons.breakdown(p, names),
            promotion: self.promotion.figure(p),
            years_to_first_promotion: self.years_to_promotion.figure(p),
            management_role: self.management_role.breakdown(p, name),
            further_degree: self.further_degree.breakdown(p, name),
            certificates: self.certificates.figure(p),
            training: self.training.figure(p),
            startup_survival: self.startup_survival.figure(p),
            startup_funding: self.startup_funding.breakdown(p, name),
            patents: self.patents.good.figure(p),
            patents_mean: self.patents.mean.figure(p),
            improvement_proposals: self.improvement_proposals.good.figure(p),
            improvement_proposals_mean: self.improvement_proposals.mean.figure(p),
        }
    }
}

/// Salary figures from the salaries (and deflated salaries) of the working respondents.
pub(super) fn salary(p: &Policy, raw: Vec<f64>, deflated: Vec<f64>) -> Salary {
    let n = raw.len() as u64;
    let raw = stats::sorted(raw);
    let defl = stats::sorted(deflated);
    Salary {
        median: p.stat(stats::quantile_sorted(&raw, 0.5), n),
        mean: p.mean(&raw),
        p25: p.stat(stats::quantile_sorted(&raw, 0.25), n),
        p75: p.stat(stats::quantile_sorted(&raw, 0.75), n),
        deflated_median: p.stat(stats::quantile_sorted(&defl, 0.5), n),
        deflated_mean: p.mean(&defl),
    }
}

/// Growth figures from the growth ratios of the people working at both ends.
pub(crate) fn growth(p: &Policy, raw: Vec<f64>, deflated: Vec<f64>) -> Growth {
    let n = raw.len() as u64;
    let mean = p.mean(&raw);
    let raw = stats::sorted(raw);
    let defl = stats::sorted(deflated);
    Growth {
        median: p.stat(stats::quantile_sorted(&raw, 0.5), n),
        mean,
        deflated_median: p.stat(stats::quantile_sorted(&defl, 0.5), n),
    }
}

/// The (department, major, degree level) a person is grouped under `by`; the parts not grouped
/// by are empty.
pub(super) fn group_key(by: By, person: &Person) -> (&str, &str, &str) {
    match by {
        By::School => ("", "", ""),
        By::Department => (person.department.as_str(), "", ""),
        By::Major => (person.department.as_str(), person.major.as_str(), ""),
        By::DegreeLevel => ("", "", person.degree_level.as_str()),
    }
}

/// The stages asked for, or every graduate stage when none (employer stages are not graduate
/// indicators).
pub(super) fn graduate_stages(stages: &[Stage]) -> Vec<Stage> {
    if stages.is_empty() {
        GRADUATE_STAGES.to_vec()
    } else {
        stages
            .iter()
            .copied()
            .filter(|s| *s != Stage::Employer)
            .collect()
    }
}

/// The group of every roster position (ids in `GroupKey` order), and the keys.
fn groups(cohort: &Cohort, by: By) -> (Vec<u32>, Vec<GroupKey>) {
    // Group on integer ids of borrowed keys; a `GroupKey` is made once per group, not per person.
    let mut ids: HashMap<(&str, &str, &str), u32> = HashMap::new();
    let mut first: Vec<usize> = Vec::new();
    let mut group_of: Vec<u32> = Vec::with_capacity(cohort.roster.len());
    for (i, person) in cohort.roster.iter().enumerate() {
        let key = group_key(by, person);
        let next = first.len() as u32;
        let id = *ids.entry(key).or_insert(next);
        if id == next {
            first.push(i);
        }
        group_of.push(id);
    }
    let keys: Vec<GroupKey> = first
        .iter()
        .map(|&i| GroupKey::of(by, &cohort.roster[i]))
        .collect();
    let mut order: Vec<u32> = (0..keys.len() as u32).collect();
    order.sort_by(|a, b| keys[*a as usize].cmp(&keys[*b as usize]));
    let mut rank = vec![0u32; keys.len()];
    for (r, &g) in order.iter().enumerate() {
        rank[g as usize] = r as u32;
    }
    for g in &mut group_of {
        *g = rank[*g as usize];
    }
    let mut keys: Vec<Option<GroupKey>> = keys.into_iter().map(Some).collect();
    let sorted = order
        .iter()
        .filter_map(|&g| keys[g as usize].take())
        .collect();
    (group_of, sorted)
}

/// The indicators of `cohort` grouped `by`, at `stages` (all graduate stages when empty).
pub fn compute(
    cohort: &Cohort,
    by: By,
    stages: &[Stage],
    policy: &Policy,
    prices: &PriceIndex,
) -> Vec<GroupReport> {
    let (group_of, keys) = groups(cohort, by);
    let stages = graduate_stages(stages);
    let index: Vec<f64> = cohort
        .names
        .names()
        .iter()
        .map(|s| prices.index(Some(s)))
        .collect();
    let year = cohort.year;
    let mut reports: Vec<GroupReport> = keys
        .into_iter()
        .map(|group| GroupReport {
            cohort: year,
            group,
            stages: Vec::with_capacity(stages.len()),
        })
        .collect();
    for &stage in &stages {
        let pass = Pass {
            names: &cohort.names,
            index: &index,
            aug31: YearMonth { year, month: 8 },
            dec31: YearMonth { year, month: 12 },
            at_graduation: stage == Stage::Graduation,
        };
        let rows = cohort.rows(stage);
        let grad = cohort.rows(Stage::Graduation);
        let mut accs: Vec<Acc> = (0..reports.len()).map(|_| Acc::default()).collect();
        // One pass over the roster in order: every group sees its people in roster order (so
        // sums are added in the same order as before), the records are read sequentially.
        for (pos, &g) in group_of.iter().enumerate() {
            let row = rows.get(pos).unwrap_or(&Row::ABSENT);
            let at_grad = grad.get(pos).unwrap_or(&Row::ABSENT);
            accs[g as usize].add(&pass, row, at_grad);
        }
        for (report, acc) in reports.iter_mut().zip(accs) {
            report.stages.push(acc.report(stage, &pass, policy));
        }
    }
    reports
}
