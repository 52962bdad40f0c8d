//! The facts as the computation reads them: per stage, one fixed-size record per roster position
//! (`Row`, no heap data), with every option string and every list of reasons interned once, when
//! the facts are added, to a small integer id (`Names`). One pass over these records per stage
//! computes every indicator of every group (`compute`).
use std::collections::HashMap;

use super::facts::{Destination, Facts};
use crate::survey::{CityTier, YearMonth, Zone};

/// No option string (an absent `Option<String>`).
pub const NO_ID: u32 = u32::MAX;
/// No destination (the graduate did not answer, or has no facts at this stage).
pub const NO_DESTINATION: u8 = Destination::ALL.len() as u8;
/// No zone / city tier.
pub const NO_CLASS: u8 = 4;

pub const ZONES: [Zone; 4] = [Zone::East, Zone::Central, Zone::West, Zone::Other];
pub const TIERS: [CityTier; 4] = [
    CityTier::First,
    CityTier::NewFirst,
    CityTier::Other,
    CityTier::County,
];

/// Interned option strings and reason lists of one cohort.
#[derive(Debug, Clone, Default)]
pub struct Names {
    ids: HashMap<String, u32>,
    names: Vec<String>,
    list_ids: HashMap<Vec<u32>, u32>,
    lists: Vec<Vec<u32>>,
}

impl Names {
    /// The id of `s`, interning it on first sight.
    pub fn id(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(s.to_string());
        self.ids.insert(s.to_string(), id);
        id
    }

    /// The id of `s`, or `NO_ID`.
    pub fn opt(&mut self, s: Option<&str>) -> u32 {
        s.map_or(NO_ID, |s| self.id(s))
    }

    /// The id of the list `items` (kept in order, duplicates included).
    pub fn list<'a>(&mut self, items: impl IntoIterator<Item = &'a str>) -> u32 {
        let key: Vec<u32> = items.into_iter().map(|s| self.id(s)).collect();
        if let Some(&id) = self.list_ids.get(&key) {
            return id;
        }
        let id = self.lists.len() as u32;
        self.lists.push(key.clone());
        self.list_ids.insert(key, id);
        id
    }

    pub fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", String::as_str)
    }

    /// Every interned string, by id.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    pub fn items(&self, list: u32) -> &[u32] {
        self.lists.get(list as usize).map_or(&[], Vec::as_slice)
    }

    /// For each id of `other`'s strings and lists, the id of the same string or list here
    /// (interning what is new).
    fn translate(&mut self, other: &Names) -> (Vec<u32>, Vec<u32>) {
        let strings = other.names.iter().map(|s| self.id(s)).collect();
        let lists = other
            .lists
            .iter()
            .map(|l| self.list(l.iter().map(|i| other.name(*i))))
            .collect();
        (strings, lists)
    }
}

/// Rows of one stage built apart from the cohort (e.g. read concurrently), with their own
/// names; `Cohort::merge` takes them in.
#[derive(Debug, Default)]
pub struct Part {
    pub names: Names,
    pub rows: Vec<(i32, Row)>,
}

impl Part {
    pub fn push(&mut self, graduate_id: i32, facts: &Facts) {
        let row = Row::of(facts, &mut self.names);
        self.rows.push((graduate_id, row));
    }

    /// The rows with their ids translated into `names`.
    pub fn into_rows(self, names: &mut Names) -> impl Iterator<Item = (i32, Row)> {
        let (strings, lists) = names.translate(&self.names);
        let s = move |id: u32| strings.get(id as usize).copied().unwrap_or(NO_ID);
        let l = move |id: u32| lists.get(id as usize).copied().unwrap_or(NO_ID);
        self.rows.into_iter().map(move |(g, mut r)| {
            for id in [
                &mut r.employer_type,
                &mut r.industry,
                &mut r.province,
                &mut r.management_role,
                &mut r.further_degree,
                &mut r.startup_funding,
            ] {
                *id = s(*id);
            }
            r.leave_reasons = l(r.leave_reasons);
            r.slow_causes = l(r.slow_causes);
            (g, r)
        })
    }
}

/// Bits of `Row::has` for the optional numbers.
pub mod has {
    pub const START: u16 = 1 << 0;
    pub const SALARY: u16 = 1 << 1;
    pub const MAJOR_MATCH: u16 = 1 << 2;
    pub const INTEREST_MATCH: u16 = 1 << 3;
    pub const JOB_SATISFACTION: u16 = 1 << 4;
    pub const JOB_CHANGES: u16 = 1 << 5;
    pub const YEARS_TO_PROMOTION: u16 = 1 << 6;
    pub const CERTIFICATES: u16 = 1 << 7;
    pub const PATENTS: u16 = 1 << 8;
    pub const IMPROVEMENT_PROPOSALS: u16 = 1 << 9;
}

/// One graduate's facts at one stage, fixed-size: numbers with a presence bit in `has`, option
/// strings and reason lists as `Names` ids, yes/no answers as 0 / 1 / 2 (none).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    pub salary: f64,
    pub major_match: f64,
    pub interest_match: f64,
    pub job_satisfaction: f64,
    pub job_changes: f64,
    pub years_to_promotion: f64,
    pub certificates: f64,
    pub patents: f64,
    pub improvement_proposals: f64,
    pub start: YearMonth,
    pub employer_type: u32,
    pub industry: u32,
    pub province: u32,
    pub management_role: u32,
    pub further_degree: u32,
    pub startup_funding: u32,
    pub leave_reasons: u32,
    pub slow_causes: u32,
    pub has: u16,
    pub destination: u8,
    pub zone: u8,
    pub tier: u8,
    pub industry_changed: u8,
    pub promoted: u8,
    pub training: u8,
    pub startup_active: u8,
}

const NO_BOOL: u8 = 2;

fn from_bool(b: Option<bool>) -> u8 {
    b.map_or(NO_BOOL, u8::from)
}

fn index_of<T: PartialEq>(all: &[T], v: Option<T>) -> u8 {
    v.and_then(|v| all.iter().position(|x| *x == v))
        .map_or(NO_CLASS, |i| i as u8)
}

impl Row {
    /// No facts at all: not a respondent, nothing counted.
    pub const ABSENT: Row = Row {
        salary: 0.0,
        major_match: 0.0,
        interest_match: 0.0,
        job_satisfaction: 0.0,
        job_changes: 0.0,
        years_to_promotion: 0.0,
        certificates: 0.0,
        patents: 0.0,
        improvement_proposals: 0.0,
        start: YearMonth { year: 0, month: 0 },
        employer_type: NO_ID,
        industry: NO_ID,
        province: NO_ID,
        management_role: NO_ID,
        further_degree: NO_ID,
        startup_funding: NO_ID,
        leave_reasons: NO_ID,
        slow_causes: NO_ID,
        has: 0,
        destination: NO_DESTINATION,
        zone: NO_CLASS,
        tier: NO_CLASS,
        industry_changed: NO_BOOL,
        promoted: NO_BOOL,
        training: NO_BOOL,
        startup_active: NO_BOOL,
    };

    /// `f` as a row, its strings interned in `names`.
    pub fn of(f: &Facts, names: &mut Names) -> Row {
        let mut has = 0;
        let mut num = |v: Option<f64>, bit: u16| match v {
            Some(v) => {
                has |= bit;
                v
            }
            None => 0.0,
        };
        let salary = num(f.salary, has::SALARY);
        let major_match = num(f.major_match, has::MAJOR_MATCH);
        let interest_match = num(f.interest_match, has::INTEREST_MATCH);
        let job_satisfaction = num(f.job_satisfaction, has::JOB_SATISFACTION);
        let job_changes = num(f.job_changes, has::JOB_CHANGES);
        let years_to_promotion = num(f.years_to_promotion, has::YEARS_TO_PROMOTION);
        let certificates = num(f.certificates, has::CERTIFICATES);
        let patents = num(f.patents, has::PATENTS);
        let improvement_proposals = num(f.improvement_proposals, has::IMPROVEMENT_PROPOSALS);
        if f.start.is_some() {
            has |= has::START;
        }
        Row {
            salary,
            major_match,
            interest_match,
            job_satisfaction,
            job_changes,
            years_to_promotion,
            certificates,
            patents,
            improvement_proposals,
            start: f.start.unwrap_or(Row::ABSENT.start),
            employer_type: names.opt(f.employer_type.as_deref()),
            industry: names.opt(f.industry.as_deref()),
            province: names.opt(f.province.as_deref()),
            management_role: names.opt(f.management_role.as_deref()),
            further_degree: names.opt(f.further_degree.as_deref()),
            startup_funding: names.opt(f.startup_funding.as_deref()),
            leave_reasons: names.list(f.leave_reasons.iter().map(String::as_str)),
            slow_causes: names.list(f.slow_causes.iter().map(String::as_str)),
            has,
            destination: f.destination.map_or(NO_DESTINATION, |d| d as u8),
            zone: index_of(&ZONES, f.zone),
            tier: index_of(&TIERS, f.tier),
            industry_changed: from_bool(f.industry_changed),
            promoted: from_bool(f.promoted),
            training: from_bool(f.training),
            startup_active: from_bool(f.startup_active),
        }
    }

    /// The number `value` if its `bit` is set.
    #[inline]
    pub fn get(&self, bit: u16, value: f64) -> Option<f64> {
        (self.has & bit != 0).then_some(value)
    }

    #[inline]
    pub fn start(&self) -> Option<YearMonth> {
        (self.has & has::START != 0).then_some(self.start)
    }

    #[inline]
    pub fn destination(&self) -> Option<Destination> {
        Destination::ALL.get(self.destination as usize).copied()
    }

    #[inline]
    pub fn yes_no(v: u8) -> Option<bool> {
        (v != NO_BOOL).then_some(v == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_keep_every_fact() {
        let mut names = Names::default();
        let f = Facts {
            destination: Some(Destination::SelfEmployed),
            start: Some(YearMonth {
                year: 2025,
                month: 7,
            }),
            employer_type: Some("private".into()),
            zone: Some(Zone::West),
            tier: Some(CityTier::County),
            province: Some("51".into()),
            salary: Some(0.0),
            major_match: Some(75.0),
            leave_reasons: vec!["salary".into(), "family".into(), "salary".into()],
            promoted: Some(false),
            startup_active: Some(true),
            patents: Some(2.0),
            ..Facts::default()
        };
        let r = Row::of(&f, &mut names);
        assert_eq!(r.destination(), Some(Destination::SelfEmployed));
        assert_eq!(r.start(), f.start);
        assert_eq!(names.name(r.employer_type), "private");
        assert_eq!(names.name(r.province), "51");
        assert_eq!(r.industry, NO_ID);
        assert_eq!(ZONES[r.zone as usize], Zone::West);
        assert_eq!(TIERS[r.tier as usize], CityTier::County);
        assert_eq!(r.get(has::SALARY, r.salary), Some(0.0));
        assert_eq!(r.get(has::INTEREST_MATCH, r.interest_match), None);
        assert_eq!(r.get(has::PATENTS, r.patents), Some(2.0));
        let reasons: Vec<&str> = names
            .items(r.leave_reasons)
            .iter()
            .map(|i| names.name(*i))
            .collect();
        assert_eq!(reasons, ["salary", "family", "salary"]);
        assert!(names.items(r.slow_causes).is_empty());
        assert_eq!(Row::yes_no(r.promoted), Some(false));
        assert_eq!(Row::yes_no(r.startup_active), Some(true));
        assert_eq!(Row::yes_no(r.training), None);
        // The same strings and lists get the same ids.
        let again = Row::of(&f, &mut names);
        assert_eq!(again, r);
        assert_eq!(Row::of(&Facts::default(), &mut names).destination(), None);
    }

    #[test]
    fn parts_translate_into_the_cohort_names() {
        let mut names = Names::default();
        names.id("other");
        let f = Facts {
            industry: Some("i".into()),
            slow_causes: vec!["family".into()],
            ..Facts::default()
        };
        let mut part = Part::default();
        part.push(7, &f);
        part.push(8, &Facts::default());
        let rows: Vec<(i32, Row)> = part.into_rows(&mut names).collect();
        assert_eq!(rows[0].0, 7);
        assert_eq!(rows[0].1, Row::of(&f, &mut names));
        assert_eq!(names.name(rows[0].1.industry), "i");
        assert_eq!(rows[1].1.industry, NO_ID);
        assert_eq!(rows[1].1, Row::of(&Facts::default(), &mut names));
    }
}
