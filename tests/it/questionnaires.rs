//! The real questionnaires in `surveys/` and `locales/`: every branch can be finished, stays
//! short enough for a phone, pipes and prefills what it promises, and reads in both languages.
use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use gradtrace::i18n::{Lang, Localizer};
use gradtrace::survey::{
    Answer, Answers, Catalog, CityTier, Context, Engine, Qualifier, Question, QuestionKind, Stage,
    Tag, YearMonth, Zone,
};

const GRADUATE_STAGES: [(Stage, &str, i32); 4] = [
    (Stage::Graduation, "graduation", 0),
    (Stage::Year1, "year1", 1),
    (Stage::Year3, "year3", 3),
    (Stage::Year5, "year5", 5),
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn catalog() -> Catalog {
    match Catalog::load(&root().join("surveys")) {
        Ok(catalog) => catalog,
        Err(e) => panic!("surveys/ does not load:\n{e}"),
    }
}

fn localizer() -> Localizer {
    match Localizer::load(&root().join("locales")) {
        Ok(l10n) => l10n,
        Err(e) => panic!("locales/ does not load:\n{e}"),
    }
}

/// A survey text as the respondent reads it, with the engine's piped values. The message must
/// exist in that language itself (no fallback) and every variable must have been given (the
/// localizer shows a missing one as `{$name}`).
fn text(
    l10n: &Localizer,
    lang: Lang,
    engine: &Engine,
    ctx: &Context,
    answers: &Answers,
    key: &str,
) -> String {
    assert!(l10n.has(lang, key), "{key} missing in {}", lang.as_str());
    let text = l10n.format_piped(lang, key, &engine.message_args(ctx, answers));
    assert!(
        !text.contains("{$"),
        "{}: {key} lacks a variable: {text}",
        lang.as_str()
    );
    assert!(!text.trim().is_empty(), "{}: {key} is empty", lang.as_str());
    text
}

/// A small deterministic generator, so a failing walk can be replayed from its seed.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

/// A random answer the respondent could give; the engine decides whether it is valid.
fn answer(engine: &Engine, q: &Question, ctx: &Context, dice: &mut Dice) -> Answer {
    if !q.required && dice.roll(5) == 0 {
        return Answer::Skipped;
    }
    let options: Vec<String> = engine.options(q).into_iter().map(|o| o.id).collect();
    let other = engine.catalog.other_option(q).map(str::to_string);
    let specify = |picked: &[String]| {
        other
            .as_ref()
            .filter(|o| picked.contains(o))
            .map(|_| "自填说明".to_string())
    };
    match &q.kind {
        QuestionKind::SingleChoice { .. } => {
            let choice = options[dice.roll(options.len())].clone();
            let other = specify(std::slice::from_ref(&choice));
            Answer::Choice { choice, other }
        }
        QuestionKind::MultipleChoice {
            min_picks,
            max_picks,
            exclusive,
            ..
        } => {
            if !exclusive.is_empty() && dice.roll(4) == 0 {
                return Answer::Choices {
                    choices: vec![exclusive[0].clone()],
                    other: None,
                };
            }
            let open: Vec<&String> = options.iter().filter(|o| !exclusive.contains(o)).collect();
            let low = min_picks.unwrap_or(1) as usize;
            let high = max_picks.map_or(open.len(), |m| m as usize).min(open.len());
            let wanted = low + dice.roll(high - low + 1);
            let mut picks: Vec<String> = vec![];
            while picks.len() < wanted {
                let pick = open[dice.roll(open.len())].clone();
                if !picks.contains(&pick) {
                    picks.push(pick);
                }
            }
            let other = specify(&picks);
            Answer::Choices {
                choices: picks,
                other,
            }
        }
        QuestionKind::Rating { scale } => {
            let (low, high) = scale.range();
            Answer::Rating(low + dice.roll((high - low + 1) as usize) as u32)
        }
        QuestionKind::Number {
            min, max, integer, ..
        } => {
            let (low, high) = (min.unwrap_or(0.0), max.unwrap_or(100.0));
            // Half the time a small value, so "0" and "1" branches (job changes) both occur.
            let value = if dice.roll(2) == 0 {
                low + dice.roll(4) as f64
            } else {
                low + (high - low) * dice.roll(1000) as f64 / 1000.0
            };
            let value = if *integer {
                value.round()
            } else {
                value.floor() + 0.5
            };
            Answer::Number(value.clamp(low, high))
        }
        QuestionKind::Text { .. } => Answer::Text("星海电子科技有限公司".into()),
        QuestionKind::YearMonth { .. } => {
            let (graduation, _) = ctx.graduation_months().expect("graduation month");
            let today = YearMonth::of(ctx.today);
            let first = graduation.year * 12 + graduation.month as i32 - 1;
            let last = today.year * 12 + today.month as i32 - 1;
            let m = first + dice.roll((last - first + 1) as usize) as i32;
            Answer::YearMonth(YearMonth::new(m / 12, (m % 12 + 1) as u32).expect("month"))
        }
        QuestionKind::Region => {
            let provinces = &engine.catalog.regions().provinces;
            let p = &provinces[dice.roll(provinces.len())];
            let city =
                (!p.cities.is_empty()).then(|| p.cities[dice.roll(p.cities.len())].code.clone());
            Answer::Region {
                province: p.code.clone(),
                city,
                county: dice.roll(3) == 0,
            }
        }
    }
}

fn person(graduated: i32, years_after: i32) -> Context {
    let mut ctx =
        Context::new(NaiveDate::from_ymd_opt(graduated + years_after, 11, 20).expect("date"));
    for (field, value) in [
        ("name", "王小明"),
        ("major", "软件工程"),
        ("degree_level", "bachelor"),
        ("graduation_year", "2022"),
        ("graduation_date", "2022-06-30"),
    ] {
        ctx.roster.insert(field.into(), value.into());
    }
    ctx
}

/// Answers one question after another until the engine says the response is complete; an
/// answer the engine refuses is replaced by another draw (refusals are part of the walk).
fn walk(engine: &Engine, ctx: &Context, dice: &mut Dice) -> Answers {
    let mut answers = Answers::new();
    let mut steps = 0;
    while let Some(q) = engine.next_unanswered(ctx, &answers) {
        steps += 1;
        assert!(steps < 100, "{}: no progress at {}", engine.survey.id, q.id);
        let mut tries = 0;
        answers = loop {
            tries += 1;
            let a = answer(engine, q, ctx, dice);
            match engine.answer_question(ctx, &answers, &q.id, a.clone()) {
                Ok(next) => break next,
                Err(errors) => {
                    // Only the plausibility check against an earlier stage may refuse a draw.
                    assert!(
                        errors
                            .iter()
                            .all(|e| e.message.ends_with("salary-implausible")),
                        "{}.{}: {a:?} refused: {errors:?}",
                        engine.survey.id,
                        q.id
                    );
                    assert!(tries < 20, "{}.{}: no valid answer", engine.survey.id, q.id);
                }
            }
        };
    }
    assert!(engine.is_complete(ctx, &answers));
    answers
}

/// Seconds on a phone: ~12 s per choice or rating, ~25 s per number, text, month or region.
fn seconds(questions: &[&Question]) -> u32 {
    questions
        .iter()
        .map(|q| match q.kind {
            QuestionKind::SingleChoice { .. }
            | QuestionKind::MultipleChoice { .. }
            | QuestionKind::Rating { .. } => 12,
            _ => 25,
        })
        .sum()
}

#[test]
fn the_five_questionnaires_load_with_their_stage_and_audience() {
    let catalog = catalog();
    for (id, stage) in [
        ("graduation", Stage::Graduation),
        ("year1", Stage::Year1),
        ("year3", Stage::Year3),
        ("year5", Stage::Year5),
        ("employer", Stage::Employer),
    ] {
        let survey = catalog
            .survey(id)
            .unwrap_or_else(|| panic!("no survey {id}"));
        assert_eq!(survey.stage, stage);
        assert_eq!(
            survey.privacy_notice.message,
            if id == "employer" {
                "privacy-employer"
            } else {
                "privacy-graduate"
            }
        );
    }
}

#[test]
fn a_graduate_followed_for_five_years_finishes_every_stage_on_a_phone_in_both_languages() {
    let catalog = catalog();
    let l10n = localizer();
    let mut longest: BTreeMap<&str, (usize, u32)> = BTreeMap::new();
    let mut destinations = BTreeMap::<String, usize>::new();
    for seed in 1..=150u64 {
        let mut dice = Dice(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let mut previous = BTreeMap::new();
        for (stage, id, years) in GRADUATE_STAGES {
            let survey = catalog.survey(id).expect("survey");
            let engine = Engine::new(&catalog, survey);
            let mut ctx = person(2022, years);
            ctx.previous = previous.clone();
            let answers = walk(&engine, &ctx, &mut dice);
            let visible = engine.visible_questions(&ctx, &answers);
            let entry = longest.entry(id).or_default();
            *entry = (entry.0.max(visible.len()), entry.1.max(seconds(&visible)));
            if let Some(Answer::Choice { choice, .. }) = answers.get("destination_type") {
                *destinations.entry(format!("{id}:{choice}")).or_default() += 1;
            }
            for lang in Lang::ALL {
                let mut keys = vec![survey.title_key(), survey.intro_key()];
                for q in &visible {
                    keys.push(survey.question_key(q));
                    if q.help {
                        keys.push(survey.help_key(q));
                    }
                    keys.extend(engine.options(q).into_iter().map(|o| o.label_key));
                }
                for key in keys {
                    text(&l10n, lang, &engine, &ctx, &answers, &key);
                }
            }
            previous.insert(stage, engine.effective_answers(&ctx, &answers));
        }
    }
    for (id, (questions, secs)) in &longest {
        assert!(
            *questions <= 25,
            "{id}: {questions} questions on one branch"
        );
        assert!(*secs <= 8 * 60, "{id}: {secs} s on one branch");
    }
    // The walks went down every destination branch of every stage.
    assert_eq!(destinations.len(), 4 * 7, "{destinations:?}");
}

#[test]
fn year3_asks_by_name_whether_the_graduate_is_still_at_the_year1_employer() {
    let catalog = catalog();
    let survey = catalog.survey("year3").expect("year3");
    let engine = Engine::new(&catalog, survey);
    let mut ctx = person(2022, 3);
    ctx.previous.insert(
        Stage::Year1,
        Answers::new().with("employer_name", Answer::text("星海电子科技有限公司")),
    );
    let answers = Answers::new().with("destination_type", Answer::choice("employed"));
    let still = survey
        .question("still_at_year1_employer")
        .expect("question");
    assert!(engine.is_visible(still, &ctx, &answers));
    let l10n = localizer();
    for lang in Lang::ALL {
        let asked = text(
            &l10n,
            lang,
            &engine,
            &ctx,
            &answers,
            &survey.question_key(still),
        );
        assert!(asked.contains("星海电子科技有限公司"), "{asked}");
    }
    let name = survey.question("employer_name").expect("employer name");
    assert_eq!(
        engine.prefill(name, &ctx),
        Some(Answer::text("星海电子科技有限公司"))
    );
    // Without a year-1 answer there is nobody to ask about.
    let fresh = person(2022, 3);
    assert!(!engine.is_visible(still, &fresh, &answers));
}

#[test]
fn salary_only_for_those_with_income_and_implausible_jumps_are_refused() {
    let catalog = catalog();
    for (_, id, years) in GRADUATE_STAGES {
        let survey = catalog.survey(id).expect("survey");
        let engine = Engine::new(&catalog, survey);
        let salary = survey
            .question_by_tag(Tag::MonthlySalary, None)
            .expect("salary question");
        let ctx = person(2022, years);
        for destination in ["employed", "flexible", "self_employed"] {
            let a = Answers::new().with("destination_type", Answer::choice(destination));
            assert!(engine.is_visible(salary, &ctx, &a), "{id}: {destination}");
        }
        for destination in [
            "further_study",
            "study_abroad",
            "slow_employment",
            "unemployed",
        ] {
            let a = Answers::new().with("destination_type", Answer::choice(destination));
            assert!(!engine.is_visible(salary, &ctx, &a), "{id}: {destination}");
        }
    }
    let survey = catalog.survey("year3").expect("year3");
    let engine = Engine::new(&catalog, survey);
    let mut ctx = person(2022, 3);
    ctx.previous.insert(
        Stage::Year1,
        Answers::new().with("monthly_salary", Answer::Number(6000.0)),
    );
    let employed = Answers::new().with("destination_type", Answer::choice("employed"));
    let refused = engine
        .answer_question(&ctx, &employed, "monthly_salary", Answer::Number(150_000.0))
        .expect_err("twenty-five times the year-1 salary");
    assert_eq!(refused[0].message, "year3-salary-implausible");
    assert!(
        engine
            .answer_question(&ctx, &employed, "monthly_salary", Answer::Number(12_000.0))
            .is_ok()
    );
    assert!(
        engine
            .answer_question(&ctx, &employed, "monthly_salary", Answer::Number(300.0))
            .is_err()
    );
}

#[test]
fn employers_rate_only_the_job_levels_where_our_graduates_work() {
    let catalog = catalog();
    let survey = catalog.survey("employer").expect("employer");
    let engine = Engine::new(&catalog, survey);
    let mut ctx = Context::new(NaiveDate::from_ymd_opt(2026, 11, 20).expect("date"));
    ctx.roster
        .insert("employer_name".into(), "星海电子科技有限公司".into());
    let answers = Answers::new()
        .with("respondent_role", Answer::choice("hr"))
        .with("graduates_hired", Answer::Number(12.0))
        .with("job_levels", Answer::choices(&["junior", "senior"]));
    let rated: Vec<(Tag, Option<Qualifier>)> = engine
        .visible_questions(&ctx, &answers)
        .into_iter()
        .filter(|q| q.qualifier.is_some())
        .map(|q| (q.tag.expect("tagged"), q.qualifier))
        .collect();
    assert_eq!(rated.len(), 12);
    assert!(rated.iter().all(|(_, q)| *q != Some(Qualifier::Middle)));
    for tag in [
        Tag::EmployerSatisfactionEthics,
        Tag::EmployerSatisfactionSkill,
        Tag::EmployerSatisfactionTeamwork,
        Tag::EmployerSatisfactionLearning,
        Tag::EmployerSatisfactionOverall,
        Tag::EmployerJobFit,
    ] {
        for level in [Qualifier::Junior, Qualifier::Senior] {
            assert!(rated.contains(&(tag, Some(level))), "{tag} {level:?}");
        }
    }
    // An employer in the industry-wide round that has hired none of our graduates rates nothing.
    let none = Answers::new().with("graduates_hired", Answer::Number(0.0));
    assert!(
        engine
            .visible_questions(&ctx, &none)
            .iter()
            .all(|q| q.qualifier.is_none() && q.tag != Some(Tag::SkillGaps))
    );
    let l10n = localizer();
    let levels = survey.question("job_levels").expect("levels");
    let asked = text(
        &l10n,
        Lang::En,
        &engine,
        &ctx,
        &answers,
        &survey.question_key(levels),
    );
    assert!(asked.contains("the 12 graduates you hired"), "{asked}");
    let one = answers.with("graduates_hired", Answer::Number(1.0));
    let asked = text(
        &l10n,
        Lang::En,
        &engine,
        &ctx,
        &one,
        &survey.question_key(levels),
    );
    assert!(asked.contains("the graduate you hired"), "{asked}");
}

#[test]
fn regions_hold_every_province_and_prefecture_with_zone_and_tier() {
    let catalog = catalog();
    let regions = catalog.regions();
    let gb: Vec<_> = regions
        .provinces
        .iter()
        .filter(|p| p.code != "99")
        .collect();
    assert_eq!(gb.len(), 34);
    let zone = |z: Zone| gb.iter().filter(|p| p.zone == z).count();
    assert_eq!(
        (
            zone(Zone::East),
            zone(Zone::Central),
            zone(Zone::West),
            zone(Zone::Other)
        ),
        (11, 8, 12, 3)
    );
    let cities: Vec<_> = gb.iter().flat_map(|p| p.cities.iter()).collect();
    // 333 prefecture-level divisions plus the four municipalities, then the county-level units
    // administered by a province, which carry six-digit codes.
    assert_eq!(cities.iter().filter(|c| c.code.len() == 4).count(), 337);
    for p in &gb {
        for c in &p.cities {
            assert!(c.code.starts_with(&p.code), "{} in {}", c.code, p.code);
        }
    }
    let tier = |t: CityTier| cities.iter().filter(|c| c.tier == t).count();
    assert_eq!((tier(CityTier::First), tier(CityTier::NewFirst)), (4, 15));
    let shenzhen = regions.city("44", "4403").expect("Shenzhen");
    assert_eq!(
        (shenzhen.zh.as_str(), shenzhen.tier),
        ("深圳市", CityTier::First)
    );
    let region = Answer::Region {
        province: "51".into(),
        city: Some("5101".into()),
        county: false,
    };
    assert_eq!(
        catalog.region_class(&region),
        Some((Zone::West, CityTier::NewFirst))
    );
}

#[test]
fn every_indicator_input_is_carried_by_the_stage_that_measures_it() {
    use Tag::*;
    // From the stage table and the indicators of BRIEF.md: what each stage must feed.
    let graduate_core = [
        DestinationType,
        EmploymentStatusDate,
        EmployerName,
        EmployerType,
        Industry,
        Region,
        MonthlySalary,
        JobSatisfaction,
        SlowEmploymentCauses,
        StartupFunding,
        StartupEmployees,
    ];
    let stages: [(&str, &[Tag]); 4] = [
        (
            "graduation",
            &[AgreementSigned, JobSearchMonths, JobOffers, MajorMatch],
        ),
        (
            "year1",
            &[
                MajorMatch,
                InterestMatch,
                SkillsUse,
                JobChanges,
                LeaveReasons,
                StartupActive,
            ],
        ),
        (
            "year3",
            &[
                Promoted,
                YearsToPromotion,
                Certificates,
                Training,
                FurtherDegree,
                IndustryChanged,
                JobChanges,
                LeaveReasons,
                MajorMatch,
                StartupActive,
            ],
        ),
        (
            "year5",
            &[
                ManagementRole,
                Promoted,
                YearsToPromotion,
                TechnicalAchievements,
                Patents,
                ImprovementProposals,
                Influence,
                FurtherDegree,
                Certificates,
                JobChanges,
                LeaveReasons,
                StartupActive,
            ],
        ),
    ];
    let catalog = catalog();
    for (id, extra) in stages {
        let survey = catalog.survey(id).expect("survey");
        for tag in graduate_core.iter().chain(extra) {
            assert!(
                survey.questions_by_tag(*tag).next().is_some(),
                "{id} carries no `{tag}`"
            );
        }
    }
    let employer = catalog.survey("employer").expect("employer");
    for tag in [
        EmployerGraduatesHired,
        JobLevel,
        SkillGaps,
        RehireWillingness,
    ] {
        assert!(
            employer.question_by_tag(tag, None).is_some(),
            "employer: `{tag}`"
        );
    }
    for tag in [
        EmployerSatisfactionEthics,
        EmployerSatisfactionSkill,
        EmployerSatisfactionTeamwork,
        EmployerSatisfactionLearning,
        EmployerSatisfactionOverall,
        EmployerJobFit,
    ] {
        for level in [Qualifier::Junior, Qualifier::Middle, Qualifier::Senior] {
            assert!(
                employer.question_by_tag(tag, Some(level)).is_some(),
                "employer: `{tag}` for {level:?}"
            );
        }
    }
}
