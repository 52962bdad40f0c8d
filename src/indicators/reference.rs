//! The former implementation of `compute` (some twenty passes per group and stage over wide
//! `Facts` records), kept only as the oracle the one-pass computation must equal exactly.
use std::collections::{BTreeMap, HashMap};

use super::compute::{
    By, GOOD_RATING, GroupKey, GroupReport, Growth, Person, Salary, StageReport, graduate_stages,
    group_key, salary, tier_str, zone_str,
};
use super::facts::{Destination, Facts};
use super::figure::{Breakdown, Figure, Policy};
use super::price::PriceIndex;
use crate::survey::{Stage, YearMonth};

/// A roster and its facts, as the former `Cohort` held them.
pub struct Reference {
    pub year: i32,
    pub roster: Vec<Person>,
    pub facts: HashMap<Stage, Vec<Option<Facts>>>,
    pub position: HashMap<i32, u32>,
}

impl Reference {
    pub fn new(year: i32, roster: Vec<Person>) -> Reference {
        let position = super::compute::positions(&roster);
        Reference {
            year,
            roster,
            facts: HashMap::new(),
            position,
        }
    }

    pub fn add(&mut self, graduate_id: i32, stage: Stage, facts: Facts) -> bool {
        let Some(&pos) = self.position.get(&graduate_id) else {
            return false;
        };
        let len = self.roster.len();
        let v = self.facts.entry(stage).or_insert_with(|| vec![None; len]);
        v[pos as usize] = Some(facts);
        true
    }

    fn get(&self, stage: Stage, pos: u32) -> Option<&Facts> {
        self.facts.get(&stage)?.get(pos as usize)?.as_ref()
    }
}

fn tally<'a>(items: impl Iterator<Item = &'a str>) -> (BTreeMap<String, u64>, u64) {
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    let mut n = 0;
    for i in items {
        *counts.entry(i).or_insert(0) += 1;
        n += 1;
    }
    (
        counts
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        n,
    )
}

/// Shares of named reasons among `people` (each may name several).
fn mentions<'a>(policy: &Policy, people: impl Iterator<Item = &'a [String]>) -> Breakdown {
    let mut counts = BTreeMap::new();
    let mut n = 0;
    for reasons in people {
        n += 1;
        for r in reasons {
            *counts.entry(r.clone()).or_insert(0) += 1;
        }
    }
    policy.breakdown(&counts, n, false)
}

fn share_where<T>(
    policy: &Policy,
    values: impl Iterator<Item = T>,
    good: impl Fn(&T) -> bool,
) -> Figure {
    let (mut num, mut den) = (0, 0);
    for v in values {
        den += 1;
        if good(&v) {
            num += 1;
        }
    }
    policy.rate(num, den)
}

fn placed_by(f: &Facts, cutoff: YearMonth) -> bool {
    // No start month (historical imports): counted as placed at both dates.
    f.destination.is_some_and(Destination::placed) && f.start.is_none_or(|s| s <= cutoff)
}

struct Ctx<'a> {
    cohort: &'a Reference,
    policy: &'a Policy,
    prices: &'a PriceIndex,
}

impl Ctx<'_> {
    fn salary(&self, rows: &[&Facts]) -> Salary {
        let pay: Vec<(f64, f64)> = rows
            .iter()
            .filter(|f| f.destination.is_some_and(Destination::working))
            .filter_map(|f| {
                let s = f.salary?;
                Some((s, self.prices.deflate(s, f.province.as_deref())))
            })
            .collect();
        let (raw, deflated) = pay.into_iter().unzip();
        salary(self.policy, raw, deflated)
    }

    fn growth(&self, stage: Stage, people: &[u32]) -> Growth {
        let mut raw = Vec::new();
        let mut defl = Vec::new();
        for &pos in people {
            let (Some(a), Some(b)) = (
                self.cohort.get(Stage::Graduation, pos),
                self.cohort.get(stage, pos),
            ) else {
                continue;
            };
            let working = |f: &Facts| f.destination.is_some_and(Destination::working);
            let (Some(sa), Some(sb)) = (a.salary, b.salary) else {
                continue;
            };
            if !working(a) || !working(b) {
                continue;
            }
            raw.push(sb / sa - 1.0);
            let da = self.prices.deflate(sa, a.province.as_deref());
            let db = self.prices.deflate(sb, b.province.as_deref());
            defl.push(db / da - 1.0);
        }
        super::compute::growth(&self.policy, raw, defl)
    }

    fn stage(&self, stage: Stage, people: &[u32]) -> StageReport {
        let p = self.policy;
        let rows: Vec<&Facts> = people
            .iter()
            .filter_map(|&pos| self.cohort.get(stage, pos))
            .filter(|f| f.destination.is_some())
            .collect();
        let respondents = rows.len() as u64;
        let roster = people.len() as u64;
        let working: Vec<&Facts> = rows
            .iter()
            .copied()
            .filter(|f| f.destination.is_some_and(Destination::working))
            .collect();
        let at_graduation = stage == Stage::Graduation;
        let year = self.cohort.year;
        let cut = |month| YearMonth { year, month };
        let placed_at = |m| rows.iter().filter(|f| placed_by(f, cut(m))).count() as u64;
        let (aug, dec) = (placed_at(8), placed_at(12));
        let count_dest =
            |d: Destination| rows.iter().filter(|f| f.destination == Some(d)).count() as u64;
        let slow = count_dest(Destination::SlowEmployment);
        let unemployed = count_dest(Destination::Unemployed);
        let not_placed = rows
            .iter()
            .filter(|f| f.destination.is_some_and(|d| !d.placed()));
        let (dest_counts, dest_n) = tally(
            rows.iter()
                .filter_map(|f| f.destination.map(Destination::as_str)),
        );
        let structure = |pick: &dyn Fn(&Facts) -> Option<&str>| {
            let (c, n) = tally(working.iter().filter_map(|f| pick(f)));
            p.breakdown(&c, n, true)
        };
        let rating_share = |pick: &dyn Fn(&Facts) -> Option<f64>| {
            share_where(p, working.iter().filter_map(|f| pick(f)), |r| {
                *r >= GOOD_RATING
            })
        };
        let rating_mean = |pick: &dyn Fn(&Facts) -> Option<f64>| {
            p.mean(&working.iter().filter_map(|f| pick(f)).collect::<Vec<_>>())
        };
        let changers: Vec<&Facts> = working
            .iter()
            .copied()
            .filter(|f| f.job_changes.is_some_and(|c| c >= 1.0))
            .collect();
        let industry_changers = working.iter().filter(|f| f.industry_changed == Some(true));
        let self_employed_at_graduation: Vec<u32> = people
            .iter()
            .copied()
            .filter(|&pos| {
                self.cohort
                    .get(Stage::Graduation, pos)
                    .is_some_and(|f| f.destination == Some(Destination::SelfEmployed))
            })
            .collect();
        let survival = share_where(
            p,
            self_employed_at_graduation
                .iter()
                .filter_map(|&pos| self.cohort.get(stage, pos)?.startup_active),
            |a| *a,
        );
        let count_of = |pick: &dyn Fn(&Facts) -> Option<f64>| -> Vec<f64> {
            rows.iter().filter_map(|f| pick(f)).collect()
        };
        let patents = count_of(&|f| f.patents);
        let proposals = count_of(&|f| f.improvement_proposals);
        let promoted: Vec<&Facts> = rows
            .iter()
            .copied()
            .filter(|f| f.promoted.is_some())
            .collect();
        StageReport {
            stage,
            coverage: p.coverage(respondents, roster),
            employment_rate_aug31: at_graduation.then(|| p.rate(aug, respondents)),
            employment_rate_dec31: at_graduation.then(|| p.rate(dec, respondents)),
            employment_rate_aug31_roster: at_graduation.then(|| p.rate(aug, roster)),
            employment_rate_dec31_roster: at_graduation.then(|| p.rate(dec, roster)),
            placed_rate: share_where(p, rows.iter(), |f| {
                f.destination.is_some_and(Destination::placed)
            }),
            slow_employment: p.count(slow, respondents),
            slow_employment_share: p.rate(slow, respondents),
            unemployed: p.count(unemployed, respondents),
            unemployed_share: p.rate(unemployed, respondents),
            not_placed_causes: mentions(p, not_placed.map(|f| f.slow_causes.as_slice())),
            destination: p.breakdown(&dest_counts, dest_n, true),
            employer_type: structure(&|f| f.employer_type.as_deref()),
            industry: structure(&|f| f.industry.as_deref()),
            zone: structure(&|f| f.zone.map(zone_str)),
            city_tier: structure(&|f| f.tier.map(tier_str)),
            salary: self.salary(&rows),
            salary_growth: (!at_graduation).then(|| self.growth(stage, people)),
            major_match: rating_share(&|f| f.major_match),
            major_match_mean: rating_mean(&|f| f.major_match),
            interest_match: rating_share(&|f| f.interest_match),
            interest_match_mean: rating_mean(&|f| f.interest_match),
            job_satisfaction: rating_share(&|f| f.job_satisfaction),
            turnover: share_where(p, working.iter().filter_map(|f| f.job_changes), |c| {
                *c >= 1.0
            }),
            leave_reasons: mentions(p, changers.iter().map(|f| f.leave_reasons.as_slice())),
            industry_change: share_where(
                p,
                working.iter().filter_map(|f| f.industry_changed),
                |c| *c,
            ),
            industry_change_reasons: mentions(
                p,
                industry_changers.map(|f| f.leave_reasons.as_slice()),
            ),
            promotion: share_where(p, promoted.iter().filter_map(|f| f.promoted), |x| *x),
            years_to_first_promotion: p.mean(
                &promoted
                    .iter()
                    .filter(|f| f.promoted == Some(true))
                    .filter_map(|f| f.years_to_promotion)
                    .collect::<Vec<_>>(),
            ),
            management_role: {
                let (c, n) = tally(rows.iter().filter_map(|f| f.management_role.as_deref()));
                p.breakdown(&c, n, true)
            },
            further_degree: {
                let (c, n) = tally(rows.iter().filter_map(|f| f.further_degree.as_deref()));
                p.breakdown(&c, n, true)
            },
            certificates: share_where(p, rows.iter().filter_map(|f| f.certificates), |c| *c >= 1.0),
            training: share_where(p, rows.iter().filter_map(|f| f.training), |t| *t),
            startup_survival: survival,
            startup_funding: {
                let (c, n) = tally(
                    rows.iter()
                        .filter(|f| f.destination == Some(Destination::SelfEmployed))
                        .filter_map(|f| f.startup_funding.as_deref()),
                );
                p.breakdown(&c, n, true)
            },
            patents: share_where(p, patents.iter(), |c| **c >= 1.0),
            patents_mean: p.mean(&patents),
            improvement_proposals: share_where(p, proposals.iter(), |c| **c >= 1.0),
            improvement_proposals_mean: p.mean(&proposals),
        }
    }
}

/// The indicators of `cohort` grouped `by`, as the former implementation computed them.
pub fn compute(
    cohort: &Reference,
    by: By,
    stages: &[Stage],
    policy: &Policy,
    prices: &PriceIndex,
) -> Vec<GroupReport> {
    // Group on integer ids of borrowed keys; a `GroupKey` is made once per group, not per person.
    let mut ids: HashMap<(&str, &str, &str), u32> = HashMap::new();
    let mut members: Vec<(usize, Vec<u32>)> = Vec::new();
    for (i, person) in cohort.roster.iter().enumerate() {
        let key = group_key(by, person);
        let next = members.len() as u32;
        let id = *ids.entry(key).or_insert(next);
        if id == next {
            members.push((i, Vec::new()));
        }
        members[id as usize].1.push(i as u32);
    }
    let groups: BTreeMap<GroupKey, Vec<u32>> = members
        .into_iter()
        .map(|(first, people)| (GroupKey::of(by, &cohort.roster[first]), people))
        .collect();
    let stages = graduate_stages(stages);
    let ctx = Ctx {
        cohort,
        policy,
        prices,
    };
    groups
        .into_iter()
        .map(|(group, people)| GroupReport {
            cohort: cohort.year,
            group,
            stages: stages.iter().map(|&s| ctx.stage(s, &people)).collect(),
        })
        .collect()
}
