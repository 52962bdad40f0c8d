//! Hand-computed fixtures for every indicator, edge cases, and properties.
use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;
use crate::survey::{CityTier, Stage, YearMonth, Zone};

const EPS: f64 = 1e-9;

fn close(f: &Figure, want: f64) {
    let v = f.value().unwrap_or_else(|| panic!("no value in {f:?}"));
    assert!((v - want).abs() < EPS, "got {v}, want {want}");
}

fn share(b: &Breakdown, key: &str, want: f64) {
    close(&b.shares[key], want);
}

fn person(i: i32, major: &str) -> Person {
    Person {
        graduate_id: i,
        degree_level: "bachelor".into(),
        department: "Engineering".into(),
        major: major.into(),
    }
}

fn dest(d: Destination, start: Option<(i32, u32)>) -> Facts {
    Facts {
        destination: Some(d),
        start: start.map(|(year, month)| YearMonth { year, month }),
        ..Facts::default()
    }
}

fn job(start: u32, salary: Option<f64>, province: &str) -> Facts {
    Facts {
        salary,
        province: Some(province.into()),
        ..dest(Destination::Employed, Some((2025, start)))
    }
}

const OPEN: Policy = Policy {
    min_cell: 1,
    low_coverage: 0.5,
};
const STRICT: Policy = Policy {
    min_cell: 5,
    low_coverage: 0.5,
};

/// Ten graduates, eight respondents at graduation (see docs/indicators.md for the figures).
fn fixture() -> Cohort {
    let mut c = Cohort::new(2025, (0..10).map(|i| person(i, "CS")).collect());
    let mut p0 = job(6, Some(10000.0), "11");
    p0.employer_type = Some("state_owned".into());
    p0.industry = Some("i".into());
    (p0.zone, p0.tier) = (Some(Zone::East), Some(CityTier::First));
    (p0.major_match, p0.interest_match, p0.job_satisfaction) =
        (Some(100.0), Some(75.0), Some(75.0));
    let mut p1 = job(8, Some(8000.0), "33");
    p1.employer_type = Some("private".into());
    p1.industry = Some("i".into());
    (p1.zone, p1.tier) = (Some(Zone::East), Some(CityTier::NewFirst));
    (p1.major_match, p1.interest_match, p1.job_satisfaction) = (Some(75.0), Some(50.0), Some(50.0));
    let mut p2 = job(10, Some(6000.0), "42");
    p2.employer_type = Some("private".into());
    p2.industry = Some("j".into());
    (p2.zone, p2.tier) = (Some(Zone::Central), Some(CityTier::Other));
    (p2.major_match, p2.job_satisfaction) = (Some(50.0), Some(100.0));
    let mut p3 = dest(Destination::Flexible, Some((2025, 7)));
    p3.industry = Some("j".into());
    (p3.zone, p3.tier) = (Some(Zone::West), Some(CityTier::County));
    p3.province = Some("51".into());
    p3.major_match = Some(25.0);
    let p4 = dest(Destination::FurtherStudy, Some((2025, 9)));
    let p5 = dest(Destination::StudyAbroad, Some((2025, 8)));
    let mut p6 = dest(Destination::SlowEmployment, None);
    p6.slow_causes = vec!["preparing_exams".into(), "family".into()];
    let mut p7 = dest(Destination::Unemployed, None);
    p7.slow_causes = vec!["no_suitable_job".into(), "family".into()];
    for (i, f) in [p0, p1, p2, p3, p4, p5, p6, p7].into_iter().enumerate() {
        assert!(c.add(i as i32, Stage::Graduation, f));
    }
    // Year 1: p0 and p1 still working (p1 moved to Beijing), p2 unemployed, p3 flexible.
    let mut y0 = job(6, Some(12000.0), "11");
    y0.job_changes = Some(0.0);
    let mut y1 = job(6, Some(8800.0), "11");
    y1.job_changes = Some(2.0);
    y1.leave_reasons = vec!["salary".into(), "development".into()];
    let y2 = dest(Destination::Unemployed, None);
    let mut y3 = dest(Destination::Flexible, Some((2026, 1)));
    y3.salary = Some(5000.0);
    y3.job_changes = Some(1.0);
    y3.leave_reasons = vec!["salary".into()];
    for (i, f) in [y0, y1, y2, y3].into_iter().enumerate() {
        c.add(i as i32, Stage::Year1, f);
    }
    // Year 3.
    let mut t0 = job(6, None, "11");
    (t0.promoted, t0.years_to_promotion, t0.industry_changed) =
        (Some(true), Some(2.0), Some(false));
    (t0.certificates, t0.training, t0.further_degree) =
        (Some(2.0), Some(true), Some("none".into()));
    let mut t1 = job(6, None, "11");
    (t1.promoted, t1.years_to_promotion, t1.industry_changed) = (Some(true), Some(3.0), Some(true));
    t1.leave_reasons = vec!["interest".into()];
    (t1.certificates, t1.further_degree) = (Some(0.0), Some("master".into()));
    let mut t2 = job(6, None, "11");
    (t2.promoted, t2.training) = (Some(false), Some(false));
    for (i, f) in [t0, t1, t2].into_iter().enumerate() {
        c.add(i as i32, Stage::Year3, f);
    }
    c
}

fn one(c: &Cohort, stage: Stage, policy: &Policy) -> StageReport {
    let prices = PriceIndex::shipped().unwrap();
    let mut r = compute(c, By::School, &[stage], policy, &prices);
    assert_eq!(r.len(), 1);
    r.remove(0).stages.remove(0)
}

#[test]
fn employment_rates_and_groups() {
    let r = one(&fixture(), Stage::Graduation, &OPEN);
    assert_eq!(r.coverage.respondents, 8);
    assert_eq!(r.coverage.roster, 10);
    assert_eq!(r.coverage.response_rate, Some(0.8));
    assert!(!r.coverage.low_coverage);
    // 31 Aug: p0 (June), p1 (Aug), p3 (July), p5 (Aug); 31 Dec adds p2 (Oct), p4 (Sep).
    let aug = r.employment_rate_aug31.as_ref().unwrap();
    close(aug, 4.0 / 8.0);
    assert_eq!((aug.numerator(), aug.denominator()), (Some(4.0), Some(8)));
    close(r.employment_rate_dec31.as_ref().unwrap(), 6.0 / 8.0);
    close(r.employment_rate_aug31_roster.as_ref().unwrap(), 4.0 / 10.0);
    close(r.employment_rate_dec31_roster.as_ref().unwrap(), 6.0 / 10.0);
    close(&r.placed_rate, 6.0 / 8.0);
    close(&r.slow_employment, 1.0);
    close(&r.unemployed, 1.0);
    close(&r.slow_employment_share, 1.0 / 8.0);
    close(&r.unemployed_share, 1.0 / 8.0);
    share(&r.not_placed_causes, "family", 1.0);
    share(&r.not_placed_causes, "preparing_exams", 0.5);
    share(&r.not_placed_causes, "no_suitable_job", 0.5);
    assert!(!r.not_placed_causes.exclusive);
}

#[test]
fn destination_structures() {
    let r = one(&fixture(), Stage::Graduation, &OPEN);
    share(&r.destination, "employed", 3.0 / 8.0);
    share(&r.destination, "flexible", 1.0 / 8.0);
    share(&r.destination, "unemployed", 1.0 / 8.0);
    assert_eq!(r.destination.shares.len(), 6);
    // Employer type: the three employed (the flexible worker has none).
    share(&r.employer_type, "private", 2.0 / 3.0);
    share(&r.employer_type, "state_owned", 1.0 / 3.0);
    share(&r.industry, "i", 0.5);
    share(&r.industry, "j", 0.5);
    share(&r.zone, "east", 0.5);
    share(&r.zone, "central", 0.25);
    share(&r.zone, "west", 0.25);
    for t in ["first", "new_first", "other", "county"] {
        share(&r.city_tier, t, 0.25);
    }
}

#[test]
fn salary_with_a_missing_one_and_deflated() {
    let r = one(&fixture(), Stage::Graduation, &OPEN);
    // p3 gave no salary: three salaries 6000, 8000, 10000.
    assert_eq!(r.salary.median.n(), Some(3));
    close(&r.salary.median, 8000.0);
    close(&r.salary.mean, 8000.0);
    close(&r.salary.p25, 7000.0);
    close(&r.salary.p75, 9000.0);
    // Price index: Beijing 118, Zhejiang 110, Hubei 98.
    let d = [
        10000.0 * 100.0 / 118.0,
        8000.0 * 100.0 / 110.0,
        6000.0 * 100.0 / 98.0,
    ];
    close(&r.salary.deflated_median, d[1]);
    close(&r.salary.deflated_mean, (d[0] + d[1] + d[2]) / 3.0);
}

#[test]
fn salary_growth_for_the_same_people() {
    let r = one(&fixture(), Stage::Year1, &OPEN);
    let g = r.salary_growth.as_ref().unwrap();
    // p0 10000 → 12000 (+20%), p1 8000 → 8800 (+10%); p3 had no graduation salary.
    assert_eq!(g.median.n(), Some(2));
    close(&g.median, 0.15);
    close(&g.mean, 0.15);
    // p1 moved from Zhejiang (110) to Beijing (118).
    let p1 = (8800.0 * 100.0 / 118.0) / (8000.0 * 100.0 / 110.0) - 1.0;
    close(&g.deflated_median, (0.2 + p1) / 2.0);
    assert!(
        one(&fixture(), Stage::Graduation, &OPEN)
            .salary_growth
            .is_none()
    );
}

#[test]
fn matches_and_satisfaction() {
    let r = one(&fixture(), Stage::Graduation, &OPEN);
    // Major match of the four working: 100, 75, 50, 25.
    close(&r.major_match, 0.5);
    close(&r.major_match_mean, 62.5);
    close(&r.interest_match, 0.5);
    close(&r.interest_match_mean, 62.5);
    close(&r.job_satisfaction, 2.0 / 3.0);
}

#[test]
fn turnover_and_reasons() {
    let r = one(&fixture(), Stage::Year1, &OPEN);
    close(&r.turnover, 2.0 / 3.0);
    share(&r.leave_reasons, "salary", 1.0);
    share(&r.leave_reasons, "development", 0.5);
    close(&r.placed_rate, 3.0 / 4.0);
    assert!(r.employment_rate_aug31.is_none());
}

#[test]
fn promotion_industry_change_and_education() {
    let r = one(&fixture(), Stage::Year3, &OPEN);
    close(&r.promotion, 2.0 / 3.0);
    close(&r.years_to_first_promotion, 2.5);
    close(&r.industry_change, 0.5);
    share(&r.industry_change_reasons, "interest", 1.0);
    close(&r.certificates, 0.5);
    close(&r.training, 0.5);
    share(&r.further_degree, "none", 0.5);
    share(&r.further_degree, "master", 0.5);
}

#[test]
fn startups_and_innovation() {
    let mut c = Cohort::new(2025, (0..4).map(|i| person(i, "CS")).collect());
    for i in 0..3 {
        let mut f = dest(Destination::SelfEmployed, Some((2025, 7)));
        f.startup_funding = Some(if i == 0 { "angel" } else { "none" }.into());
        c.add(i, Stage::Graduation, f);
    }
    c.add(3, Stage::Graduation, job(7, None, "11"));
    let mut alive = dest(Destination::SelfEmployed, Some((2025, 7)));
    alive.startup_active = Some(true);
    (alive.patents, alive.improvement_proposals) = (Some(2.0), Some(0.0));
    let mut closed = job(3, None, "11");
    closed.startup_active = Some(false);
    (closed.patents, closed.improvement_proposals) = (Some(0.0), Some(3.0));
    c.add(0, Stage::Year5, alive);
    c.add(1, Stage::Year5, closed);
    let g = one(&c, Stage::Graduation, &OPEN);
    share(&g.startup_funding, "angel", 1.0 / 3.0);
    share(&g.startup_funding, "none", 2.0 / 3.0);
    let r = one(&c, Stage::Year5, &OPEN);
    close(&r.startup_survival, 0.5);
    close(&r.patents, 0.5);
    close(&r.patents_mean, 1.0);
    close(&r.improvement_proposals, 0.5);
    close(&r.improvement_proposals_mean, 1.5);
}

#[test]
fn nobody_employed() {
    let mut c = Cohort::new(2025, (0..6).map(|i| person(i, "CS")).collect());
    for i in 0..6 {
        c.add(i, Stage::Graduation, dest(Destination::Unemployed, None));
    }
    let r = one(&c, Stage::Graduation, &STRICT);
    close(r.employment_rate_aug31.as_ref().unwrap(), 0.0);
    close(r.employment_rate_dec31_roster.as_ref().unwrap(), 0.0);
    close(&r.unemployed, 6.0);
    close(&r.unemployed_share, 1.0);
    assert!(r.salary.median.suppressed());
    assert!(r.major_match.suppressed());
    assert!(r.employer_type.suppressed());
}

#[test]
fn one_person() {
    let mut c = Cohort::new(2025, vec![person(0, "CS")]);
    c.add(0, Stage::Graduation, job(7, Some(5000.0), "11"));
    let strict = one(&c, Stage::Graduation, &STRICT);
    assert_eq!(strict.coverage.respondents, 1);
    assert!(strict.employment_rate_aug31.as_ref().unwrap().suppressed());
    assert!(strict.salary.median.suppressed());
    assert_eq!(strict.salary.median.value(), None);
    let open = one(&c, Stage::Graduation, &OPEN);
    close(open.employment_rate_aug31.as_ref().unwrap(), 1.0);
    for f in [
        &open.salary.median,
        &open.salary.p25,
        &open.salary.p75,
        &open.salary.mean,
    ] {
        close(f, 5000.0);
    }
}

#[test]
fn a_later_corrected_start_month_decides_the_cutoffs() {
    // Answered "unemployed" at first; corrected after the wave closed: employed from November.
    let mut c = Cohort::new(2025, (0..5).map(|i| person(i, "CS")).collect());
    for i in 0..4 {
        c.add(i, Stage::Graduation, job(6, Some(5000.0), "11"));
    }
    c.add(4, Stage::Graduation, dest(Destination::Unemployed, None));
    c.add(4, Stage::Graduation, job(11, Some(5000.0), "11"));
    let r = one(&c, Stage::Graduation, &STRICT);
    close(r.employment_rate_aug31.as_ref().unwrap(), 0.8);
    close(r.employment_rate_dec31.as_ref().unwrap(), 1.0);
    close(&r.unemployed, 0.0);
}

#[test]
fn small_cells_are_suppressed_and_show_nothing() {
    let r = one(&fixture(), Stage::Graduation, &STRICT);
    // Eight respondents: rates shown; two not placed: their causes are not.
    assert!(!r.employment_rate_aug31.as_ref().unwrap().suppressed());
    assert!(r.not_placed_causes.suppressed());
    assert!(r.not_placed_causes.shares.is_empty());
    assert!(r.employer_type.suppressed());
    assert!(r.salary.median.suppressed());
    let json = serde_json::to_value(&r.salary.median).unwrap();
    assert_eq!(json, serde_json::json!({"suppressed": true}));
}

#[test]
fn low_coverage_is_flagged() {
    let mut c = Cohort::new(2025, (0..10).map(|i| person(i, "CS")).collect());
    for i in 0..4 {
        c.add(i, Stage::Graduation, job(6, None, "11"));
    }
    let r = one(&c, Stage::Graduation, &STRICT);
    assert!(r.coverage.low_coverage);
    assert_eq!(r.coverage.response_rate, Some(0.4));
    let policy = Policy {
        low_coverage: 0.4,
        ..STRICT
    };
    assert!(!one(&c, Stage::Graduation, &policy).coverage.low_coverage);
}

#[test]
fn grouping_by_major_department_and_degree() {
    let mut roster: Vec<Person> = (0..3).map(|i| person(i, "CS")).collect();
    roster.push(Person {
        degree_level: "master".into(),
        department: "Arts".into(),
        ..person(3, "Music")
    });
    let mut c = Cohort::new(2025, roster);
    for i in 0..4 {
        c.add(i, Stage::Graduation, job(6, None, "11"));
    }
    let prices = PriceIndex::shipped().unwrap();
    let by = |b| compute(&c, b, &[Stage::Graduation], &OPEN, &prices);
    let majors = by(By::Major);
    assert_eq!(majors.len(), 2);
    assert_eq!(majors[0].group.label(), "Arts / Music");
    assert_eq!(majors[1].stages[0].coverage.roster, 3);
    assert_eq!(by(By::Department).len(), 2);
    let degrees = by(By::DegreeLevel);
    assert_eq!(degrees[1].group.degree_level.as_deref(), Some("master"));
    assert_eq!(by(By::School)[0].stages[0].coverage.roster, 4);
    // Facts of someone not on the roster are ignored.
    assert!(!c.add(99, Stage::Graduation, Facts::default()));
}

#[test]
fn employer_satisfaction_on_one_scale() {
    use crate::survey::Qualifier;
    let mut rs = Vec::new();
    // Five employers: junior ethics 5-point 5,4,3,2 → 100,75,50,25; one 100-point rating 90.
    for (i, r) in [100.0, 75.0, 50.0, 25.0, 90.0].into_iter().enumerate() {
        let mut f = EmployerFacts::default();
        f.ratings
            .insert((Dimension::Ethics, Some(Qualifier::Junior)), r);
        f.ratings.insert(
            (Dimension::JobFit, Some(Qualifier::Junior)),
            if i < 2 { 100.0 } else { 50.0 },
        );
        f.rehire = Some(["yes", "yes", "no", "unsure", "yes"][i].into());
        rs.push(f);
    }
    let mm = OPEN.rate(3, 5);
    let r = employer_report(2025, 10, &rs, &mm, &OPEN);
    let ethics = &r.satisfaction["ethics"];
    close(&ethics["junior"].mean, 68.0);
    close(&ethics["all"].mean, 68.0);
    close(&ethics["junior"].satisfied, 3.0 / 5.0);
    assert!(ethics["senior"].mean.value().is_none());
    close(&r.rehire, 3.0 / 5.0);
    // Job fit satisfied 2/5; graduates' major match 3/5: gap +0.2.
    close(&r.match_gap, 0.2);
    assert_eq!(r.coverage.response_rate, Some(0.5));
    let strict = employer_report(2025, 10, &rs[..4], &mm, &STRICT);
    assert!(strict.rehire.suppressed());
    assert!(strict.satisfaction["ethics"]["all"].mean.suppressed());
}

#[test]
fn five_and_hundred_point_ratings_share_a_scale() {
    use crate::survey::Scale;
    assert_eq!(facts::to_common_scale(5.0, Scale::Likert5), 100.0);
    assert_eq!(facts::to_common_scale(1.0, Scale::Likert5), 0.0);
    assert_eq!(facts::to_common_scale(4.0, Scale::Likert5), 75.0);
    assert_eq!(facts::to_common_scale(75.0, Scale::Score100), 75.0);
}

#[test]
fn facts_come_from_tags_in_the_shipped_surveys() {
    use crate::survey::{Answer, Answers, Catalog};
    let catalog = Catalog::load(std::path::Path::new("surveys")).unwrap();
    let grad = catalog.survey_for_stage(Stage::Graduation).unwrap();
    let ex = Extractor::new(grad);
    let answers: Answers = [
        ("destination_type", Answer::choice("employed")),
        (
            "destination_date",
            Answer::YearMonth(YearMonth {
                year: 2025,
                month: 7,
            }),
        ),
        ("employer_type", Answer::choice("private")),
        ("industry", Answer::choice("i")),
        (
            "work_region",
            Answer::Region {
                province: "44".into(),
                city: Some("4403".into()),
                county: false,
            },
        ),
        ("monthly_salary", Answer::Number(9000.0)),
        ("major_match", Answer::Rating(4)),
        ("job_satisfaction", Answer::Skipped),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let f = ex.facts(&answers, catalog.regions());
    assert_eq!(f.destination, Some(Destination::Employed));
    assert_eq!(
        f.start,
        Some(YearMonth {
            year: 2025,
            month: 7
        })
    );
    assert_eq!(f.employer_type.as_deref(), Some("private"));
    assert_eq!((f.zone, f.tier), (Some(Zone::East), Some(CityTier::First)));
    assert_eq!(f.province.as_deref(), Some("44"));
    assert_eq!(f.salary, Some(9000.0));
    assert_eq!(f.major_match, Some(75.0));
    assert_eq!(f.job_satisfaction, None);
    let emp = catalog.survey_for_stage(Stage::Employer).unwrap();
    let ef = Extractor::new(emp).employer_facts(
        &[
            ("junior_ethics".to_string(), Answer::Rating(5)),
            ("rehire_willingness".to_string(), Answer::choice("yes")),
        ]
        .into_iter()
        .collect(),
    );
    use crate::survey::Qualifier;
    assert_eq!(
        ef.ratings
            .get(&(Dimension::Ethics, Some(Qualifier::Junior))),
        Some(&100.0)
    );
    assert_eq!(ef.rehire.as_deref(), Some("yes"));
}

#[test]
fn price_index_is_replaceable_and_checked() {
    let p = PriceIndex::parse("province,name,index\n11,Beijing,120\n").unwrap();
    assert_eq!(p.index(Some("11")), 120.0);
    assert_eq!(p.index(Some("44")), 100.0);
    assert_eq!(p.deflate(1200.0, Some("11")), 1000.0);
    let e = PriceIndex::parse("province,name,index\n11,Beijing,x\n").unwrap_err();
    assert!(e.to_string().contains("line 2"), "{e}");
}

// ---- properties ----

fn arb_facts() -> impl Strategy<Value = Facts> {
    (
        0usize..8,
        prop::option::of(1u32..=12),
        prop::option::of(1000.0f64..50000.0),
        prop::option::of(0usize..3),
        prop::option::of(0usize..4),
        prop::option::of(prop::sample::select(vec![0.0, 25.0, 50.0, 75.0, 100.0])),
        prop::option::of(0.0f64..4.0),
    )
        .prop_map(|(d, m, salary, et, zone, mm, changes)| {
            let destination = Destination::ALL.get(d).copied();
            Facts {
                destination,
                start: m.map(|month| YearMonth { year: 2025, month }),
                salary,
                employer_type: et.map(|i| ["private", "state_owned", "foreign"][i].to_string()),
                zone: zone.map(|i| [Zone::East, Zone::Central, Zone::West, Zone::Other][i]),
                major_match: mm,
                job_changes: changes.map(f64::floor),
                province: Some("11".into()),
                ..Facts::default()
            }
        })
}

/// Walks a report's JSON: every figure object is either suppressed with no numbers, or built
/// from at least `min` people, and its shares are in [0, 1].
fn check_json(v: &serde_json::Value, min: u64, rates_ok: &mut bool) {
    match v {
        serde_json::Value::Object(map) => {
            if let Some(s) = map.get("suppressed").and_then(|s| s.as_bool()) {
                if s {
                    assert!(map.get("value").is_none() && map.get("n").is_none(), "{v}");
                } else {
                    let n = map.get("n").and_then(|n| n.as_u64()).unwrap();
                    assert!(n >= min, "{v}");
                    if let (Some(num), Some(den), Some(val)) = (
                        map.get("numerator").and_then(|x| x.as_f64()),
                        map.get("denominator").and_then(|x| x.as_u64()),
                        map.get("value").and_then(|x| x.as_f64()),
                    ) {
                        let _ = (num, den);
                        *rates_ok &= (0.0..=1.0).contains(&val);
                    }
                }
            }
            for x in map.values() {
                check_json(x, min, rates_ok);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| check_json(x, min, rates_ok)),
        _ => {}
    }
}

proptest! {
    #[test]
    fn rates_in_range_structures_sum_to_one_small_cells_suppressed(
        people in prop::collection::vec((0usize..3, prop::option::of(arb_facts())), 0..40),
        min_cell in 1u64..8,
    ) {
        let roster: Vec<Person> = people
            .iter()
            .enumerate()
            .map(|(i, (m, _))| person(i as i32, ["A", "B", "C"][*m]))
            .collect();
        let mut c = Cohort::new(2025, roster);
        for (i, (_, f)) in people.iter().enumerate() {
            if let Some(f) = f {
                c.add(i as i32, Stage::Graduation, f.clone());
                c.add(i as i32, Stage::Year1, f.clone());
            }
        }
        let policy = Policy { min_cell, low_coverage: 0.5 };
        let prices = PriceIndex::shipped().unwrap();
        for by in [By::School, By::Major] {
            for g in compute(&c, by, &[Stage::Graduation, Stage::Year1], &policy, &prices) {
                for s in &g.stages {
                    for b in [&s.destination, &s.employer_type, &s.zone] {
                        if !b.suppressed() && !b.shares.is_empty() {
                            let sum: f64 = b.shares.values().filter_map(|f| f.value()).sum();
                            prop_assert!((sum - 1.0).abs() < 1e-9, "sum {}", sum);
                        }
                    }
                    let mut ok = true;
                    let json = serde_json::to_value(s).unwrap();
                    check_json(&json, min_cell, &mut ok);
                    prop_assert!(ok, "a rate outside [0, 1]");
                    if s.coverage.respondents < min_cell {
                        prop_assert!(s.placed_rate.suppressed());
                    }
                }
            }
        }
    }
}

// ---- the major warning ----

/// 40 majors of 10 graduates each (plus one of 3); `bad` majors place 5 of 10 with low pay
/// and ratings, the others place 9 of 10.
fn warning_cohort(year: i32, bad: &[usize]) -> Cohort {
    let mut roster = Vec::new();
    for m in 0..40 {
        for k in 0..10 {
            roster.push(person(m * 100 + k, &format!("M{m:02}")));
        }
    }
    for k in 0..3 {
        roster.push(person(9000 + k, "Tiny"));
    }
    let mut c = Cohort::new(year, roster);
    for m in 0..40usize {
        let is_bad = bad.contains(&m);
        for k in 0..10 {
            let placed = if is_bad { k < 5 } else { k < 9 };
            let mut f = if placed {
                job(
                    7,
                    Some(if is_bad {
                        3000.0
                    } else {
                        6000.0 + m as f64 * 10.0
                    }),
                    "11",
                )
            } else {
                dest(Destination::Unemployed, None)
            };
            let r = if is_bad { 25.0 } else { 100.0 };
            (f.major_match, f.job_satisfaction) = (Some(r), Some(r));
            c.add(m as i32 * 100 + k, Stage::Graduation, f);
        }
    }
    for k in 0..3 {
        c.add(
            9000 + k,
            Stage::Graduation,
            dest(Destination::Unemployed, None),
        );
    }
    c
}

#[test]
fn three_cohorts_raise_exactly_the_expected_warnings() {
    let rule = Rule::default();
    let prices = PriceIndex::shipped().unwrap();
    // Bottom 5% of 40 scored majors = 2 per cohort. M01 is in it every year; M02 misses 2024;
    // M03 only in 2024 and 2025; Tiny is too small to be scored.
    let bad: BTreeMap<i32, Vec<usize>> =
        [(2023, vec![1, 2]), (2024, vec![1, 3]), (2025, vec![1, 3])].into();
    let mut by_cohort = BTreeMap::new();
    for (year, majors) in &bad {
        let c = warning_cohort(*year, majors);
        let reports = compute(&c, By::Major, &[Stage::Graduation], &STRICT, &prices);
        let s = warning::scores(&reports, &rule);
        assert_eq!(s.len(), 40, "Tiny is not scored");
        assert_eq!(s.iter().filter(|x| x.bottom).count(), 2);
        by_cohort.insert(*year, s);
    }
    let w = warning::warnings(&by_cohort, 2025, &rule);
    assert_eq!(w.len(), 1, "{w:#?}");
    assert_eq!(w[0].major.major.as_deref(), Some("M01"));
    assert_eq!(w[0].evidence.len(), 3);
    let e = &w[0].evidence[2];
    assert_eq!((e.cohort, e.of), (2025, 40));
    assert!(e.rank <= 2);
    // Score: 0.4·0.5 + 0.2·salary rank (lowest, tied with M03: 0.5/39) + 0.2·0 + 0.2·0.
    let want = 0.4 * 0.5 + 0.2 * (0.5 / 39.0);
    assert!((e.score - want).abs() < 1e-9, "{}", e.score);
    assert_eq!(e.components.major_match, Some(0.0));
    // Only two cohorts of history: no warning yet.
    let two: BTreeMap<i32, Vec<MajorScore>> = by_cohort
        .iter()
        .filter(|(y, _)| **y > 2023)
        .map(|(y, s)| (*y, s.clone()))
        .collect();
    assert!(warning::warnings(&two, 2025, &rule).is_empty());
    // Weights are configurable: with salary only, every bad major ties at the bottom.
    let salary_only = Rule {
        weights: Weights {
            employment: 0.0,
            salary: 1.0,
            major_match: 0.0,
            satisfaction: 0.0,
        },
        ..rule
    };
    let c = warning_cohort(2025, &[1, 3]);
    let reports = compute(&c, By::Major, &[Stage::Graduation], &STRICT, &prices);
    let s = warning::scores(&reports, &salary_only);
    assert_eq!(s.iter().filter(|x| x.bottom).count(), 2);
}

#[test]
fn the_flat_table_keeps_coverage_and_drops_suppressed_numbers() {
    use crate::wave::export::Cell;
    let prices = PriceIndex::shipped().unwrap();
    let reports = compute(
        &fixture(),
        By::Major,
        &[Stage::Graduation],
        &STRICT,
        &prices,
    );
    let t = table::table(&reports);
    let col = |name: &str| t.header.iter().position(|h| h == name).unwrap();
    let find = |indicator: &str, category: Option<&str>| {
        t.rows
            .iter()
            .find(|r| {
                matches!(&r[col("indicator")], Cell::Text(s) if s == indicator)
                    && match (&r[col("category")], category) {
                        (Cell::Text(s), Some(c)) => s == c,
                        (Cell::Empty, None) => true,
                        _ => false,
                    }
            })
            .unwrap_or_else(|| panic!("no row {indicator} {category:?}"))
    };
    let aug = find("employment_rate_aug31", None);
    assert_eq!(aug[col("value")], Cell::Number(0.5));
    assert_eq!(aug[col("denominator")], Cell::Number(8.0));
    assert_eq!(aug[col("response_rate")], Cell::Number(0.8));
    assert_eq!(aug[col("major")], Cell::Text("CS".into()));
    let median = find("salary.median", None);
    assert_eq!(median[col("value")], Cell::Empty);
    assert_eq!(median[col("n")], Cell::Empty);
    assert_eq!(median[col("suppressed")], Cell::Text("suppressed".into()));
    assert_eq!(
        find("destination", Some("employed"))[col("value")],
        Cell::Number(3.0 / 8.0)
    );
    // A suppressed breakdown has its total row only.
    assert!(!t.rows.iter().any(
        |r| matches!(&r[col("indicator")], Cell::Text(s) if s == "employer_type")
            && matches!(&r[col("category")], Cell::Text(c) if c == "private")
    ));
}

// ---- the one-pass computation equals the former one exactly ----

fn pick<T: Clone + std::fmt::Debug + 'static>(
    options: &[T],
) -> impl Strategy<Value = Option<T>> + use<T> {
    prop::option::of(prop::sample::select(options.to_vec()))
}

fn arb_full_facts() -> impl Strategy<Value = Facts> {
    let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let reasons = prop::collection::vec(
        prop::sample::select(words(&["salary", "family", "development", "interest"])),
        0..3,
    );
    (
        (
            0usize..8,
            prop::option::of((2024i32..2027, 1u32..=12)),
            pick(&words(&["private", "state_owned", "foreign"])),
            pick(&words(&["i", "j", "c"])),
            pick(&[Zone::East, Zone::Central, Zone::West, Zone::Other]),
            pick(&[
                CityTier::First,
                CityTier::NewFirst,
                CityTier::Other,
                CityTier::County,
            ]),
            pick(&words(&["11", "44", "51", "99"])),
            prop::option::of(prop_oneof![1000.0f64..50000.0, Just(4000.0)]),
        ),
        (
            pick(&[0.0, 25.0, 50.0, 75.0, 100.0, 62.5]),
            pick(&[0.0, 50.0, 75.0, 100.0]),
            pick(&[0.0, 75.0, 80.5]),
            pick(&[0.0, 1.0, 2.0, 0.5]),
            reasons.clone(),
            pick(&[true, false]),
            pick(&[true, false]),
            pick(&[0.5, 2.0, 3.0]),
        ),
        (
            pick(&words(&["none", "team_lead"])),
            pick(&words(&["none", "master"])),
            pick(&[0.0, 1.0, 3.0]),
            pick(&[true, false]),
            pick(&[true, false]),
            pick(&words(&["angel", "none"])),
            pick(&[0.0, 1.0, 2.0]),
            pick(&[0.0, 3.0]),
            reasons,
        ),
    )
        .prop_map(|(a, b, c)| Facts {
            destination: Destination::ALL.get(a.0).copied(),
            start: a.1.map(|(year, month)| YearMonth { year, month }),
            employer_type: a.2,
            industry: a.3,
            zone: a.4,
            tier: a.5,
            province: a.6,
            salary: a.7,
            major_match: b.0,
            interest_match: b.1,
            job_satisfaction: b.2,
            job_changes: b.3,
            leave_reasons: b.4,
            industry_changed: b.5,
            promoted: b.6,
            years_to_promotion: b.7,
            management_role: c.0,
            further_degree: c.1,
            certificates: c.2,
            training: c.3,
            startup_active: c.4,
            startup_funding: c.5,
            patents: c.6,
            improvement_proposals: c.7,
            slow_causes: c.8,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    #[test]
    fn one_pass_equals_the_former_computation(
        roster in prop::collection::vec((0usize..3, 0usize..2, 0usize..2), 0..30),
        facts in prop::collection::vec((0i32..34, 0usize..4, arb_full_facts()), 0..120),
        min_cell in 1u64..4,
        stages in prop::sample::subsequence(compute::GRADUATE_STAGES.to_vec(), 0..=4),
    ) {
        let people: Vec<Person> = roster
            .iter()
            .enumerate()
            .map(|(i, (m, d, l))| Person {
                graduate_id: i as i32,
                degree_level: ["bachelor", "master"][*l].into(),
                department: ["Arts", "Engineering"][*d].into(),
                major: ["A", "B", "C"][*m].into(),
            })
            .collect();
        let mut c = Cohort::new(2025, people.clone());
        let mut r = reference::Reference::new(2025, people);
        for (id, s, f) in &facts {
            // Ids past the roster are ignored by both; repeated ones replace earlier facts.
            let stage = compute::GRADUATE_STAGES[*s];
            prop_assert_eq!(c.add(*id, stage, f.clone()), r.add(*id, stage, f.clone()));
        }
        let policy = Policy { min_cell, low_coverage: 0.5 };
        let prices = PriceIndex::shipped().unwrap();
        for by in [By::School, By::Department, By::Major, By::DegreeLevel] {
            let new = compute(&c, by, &stages, &policy, &prices);
            let old = reference::compute(&r, by, &stages, &policy, &prices);
            // Debug output tells -0.0 from 0.0 and shows NaN: equal text, identical figures.
            prop_assert_eq!(format!("{new:?}"), format!("{old:?}"));
        }
    }
}

#[test]
fn merged_parts_equal_added_facts() {
    let roster: Vec<Person> = (0..4).map(|i| person(i, "CS")).collect();
    let mut added = Cohort::new(2025, roster.clone());
    let mut merged = Cohort::new(2025, roster);
    let mut part = columns::Part::default();
    let facts = [
        (0, job(6, Some(5000.0), "11")),
        (1, dest(Destination::Unemployed, None)),
        (9, job(7, None, "44")),
        (1, job(11, Some(6000.0), "44")),
    ];
    for (id, f) in &facts {
        added.add(*id, Stage::Graduation, f.clone());
        part.push(*id, f);
    }
    assert_eq!(merged.merge(Stage::Graduation, part), 3);
    let prices = PriceIndex::shipped().unwrap();
    assert_eq!(
        format!("{:?}", compute(&added, By::School, &[], &OPEN, &prices)),
        format!("{:?}", compute(&merged, By::School, &[], &OPEN, &prices))
    );
}
