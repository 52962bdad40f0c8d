//! Property tests of the engine: whatever valid answers a respondent gives, in whatever order
//! and with whatever changes of mind, the engine ends complete and never shows a question whose
//! condition is false.
use std::collections::BTreeSet;

use chrono::NaiveDate;
use gradtrace::survey::{
    Answer, Answers, Condition, Context, ContextRef, Engine, MonthBound, Operand, Question,
    QuestionKind, Stage, Test, YearMonth,
};
use proptest::prelude::*;

use super::catalog;

/// A tiny deterministic source of choices from the seeds proptest hands us.
struct Dice {
    seeds: Vec<u32>,
    at: usize,
}

impl Dice {
    fn roll(&mut self, n: usize) -> usize {
        let seed = self.seeds[self.at % self.seeds.len()];
        self.at += 1;
        if n == 0 { 0 } else { seed as usize % n }
    }
}

fn month_index(m: YearMonth) -> i32 {
    m.year * 12 + m.month as i32 - 1
}

fn month_at(i: i32) -> Answer {
    Answer::YearMonth(
        YearMonth::new(i.div_euclid(12), (i.rem_euclid(12) + 1) as u32).expect("month"),
    )
}

/// A valid answer to `q` chosen by the dice: a random candidate, else the lowest valid value
/// (which satisfies the fixture's "not after" and "at most 10×" rules).
fn valid_answer(
    e: &Engine,
    q: &Question,
    ctx: &Context,
    answers: &Answers,
    dice: &mut Dice,
) -> Answer {
    let effective = e.effective_answers(ctx, answers);
    if !q.required && dice.roll(4) == 0 {
        return Answer::Skipped;
    }
    let options: Vec<String> = e.options(q).into_iter().map(|o| o.id).collect();
    let other = e.catalog.other_option(q).map(String::from);
    let specify = |picked: &[String]| {
        other
            .as_ref()
            .filter(|o| picked.contains(o))
            .map(|_| "自填".to_string())
    };
    let candidates: Vec<Answer> = match &q.kind {
        QuestionKind::SingleChoice { .. } => {
            let c = options[dice.roll(options.len())].clone();
            vec![Answer::Choice {
                other: specify(std::slice::from_ref(&c)),
                choice: c,
            }]
        }
        QuestionKind::MultipleChoice {
            min_picks,
            max_picks,
            exclusive,
            ..
        } => {
            let free: Vec<String> = options
                .iter()
                .filter(|o| !exclusive.contains(o))
                .cloned()
                .collect();
            let min = min_picks.unwrap_or(1).max(1) as usize;
            let max = (max_picks.map(|m| m as usize).unwrap_or(free.len())).min(free.len());
            if !exclusive.is_empty() && dice.roll(3) == 0 {
                vec![Answer::choices(&[exclusive[0].as_str()])]
            } else {
                let n = min + dice.roll(max - min + 1);
                let mut pool = free.clone();
                let mut picked = Vec::new();
                for _ in 0..n {
                    picked.push(pool.remove(dice.roll(pool.len())));
                }
                vec![Answer::Choices {
                    other: specify(&picked),
                    choices: picked,
                }]
            }
        }
        QuestionKind::Rating { scale } => {
            let (lo, hi) = scale.range();
            vec![Answer::Rating(
                lo + dice.roll((hi - lo + 1) as usize) as u32,
            )]
        }
        QuestionKind::Number { min, max, .. } => {
            let lo = min.unwrap_or(0.0).ceil() as i64;
            let hi = max.unwrap_or(lo as f64 + 1000.0).floor() as i64;
            let span = (hi - lo + 1).min(1_000_000) as usize;
            vec![
                Answer::Number((lo + dice.roll(span) as i64) as f64),
                Answer::Number(lo as f64),
            ]
        }
        QuestionKind::Text {
            min_length,
            max_length,
            ..
        } => {
            let lo = min_length.unwrap_or(1).max(1) as usize;
            let hi = max_length.unwrap_or(200).min(30) as usize;
            vec![Answer::text(&"测".repeat(lo + dice.roll(hi - lo + 1)))]
        }
        QuestionKind::YearMonth { min, max } => {
            let grad = ctx.graduation_months();
            let resolve = |b: &Option<MonthBound>, lower: bool| match b {
                Some(MonthBound::Month(m)) => Some(*m),
                Some(MonthBound::Today) => Some(YearMonth::of(ctx.today)),
                Some(MonthBound::Graduation) => grad.map(|(a, b)| if lower { a } else { b }),
                None => None,
            };
            let lo = month_index(resolve(min, true).unwrap_or(YearMonth {
                year: 2015,
                month: 1,
            }));
            let hi = month_index(resolve(max, false).unwrap_or(YearMonth::of(ctx.today)));
            vec![
                month_at(lo + dice.roll((hi - lo + 1) as usize) as i32),
                month_at(lo),
            ]
        }
        QuestionKind::Region => {
            let provinces = &e.catalog.regions().provinces;
            let p = &provinces[dice.roll(provinces.len())];
            let city =
                (!p.cities.is_empty()).then(|| p.cities[dice.roll(p.cities.len())].code.clone());
            vec![Answer::Region {
                province: p.code.clone(),
                city,
                county: dice.roll(2) == 0,
            }]
        }
    };
    for c in &candidates {
        if e.validate(q, c, ctx, &effective).is_ok() {
            return c.clone();
        }
    }
    panic!("no valid answer generated for {}: {candidates:?}", q.id);
}

/// The value an operand has for the reference evaluator below.
enum Seen<'a> {
    Answer(&'a Answer),
    Roster(&'a str),
}

/// A condition evaluated straight from the documented rules, independently of the engine: a
/// test on a missing (or skipped) value is false, except `answered = false`.
fn holds<'a>(c: &Condition, get: &dyn Fn(&Operand) -> Option<Seen<'a>>) -> bool {
    match c {
        Condition::All(cs) => cs.iter().all(|c| holds(c, get)),
        Condition::Any(cs) => cs.iter().any(|c| holds(c, get)),
        Condition::Not(c) => !holds(c, get),
        Condition::Test { on, test } => {
            let value = get(on).filter(|v| !matches!(v, Seen::Answer(Answer::Skipped)));
            let picks: Vec<String> = match &value {
                Some(Seen::Answer(Answer::Choice { choice, .. })) => vec![choice.clone()],
                Some(Seen::Answer(Answer::Choices { choices, .. })) => choices.clone(),
                Some(Seen::Answer(Answer::Text(t))) => vec![t.clone()],
                Some(Seen::Roster(r)) => vec![r.to_string()],
                _ => vec![],
            };
            let number = match &value {
                Some(Seen::Answer(Answer::Number(n))) => Some(*n),
                Some(Seen::Answer(Answer::Rating(r))) => Some(f64::from(*r)),
                Some(Seen::Roster(r)) => r.parse().ok(),
                _ => None,
            };
            match test {
                Test::Answered(wanted) => value.is_some() == *wanted,
                _ if value.is_none() => false,
                Test::In(set) => picks.iter().any(|p| set.contains(p)),
                Test::NotIn(set) => !picks.iter().any(|p| set.contains(p)),
                Test::Range { min, max } => {
                    number.is_some_and(|n| min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m))
                }
            }
        }
    }
}

/// Visibility computed independently of the engine, straight from the definition: a question
/// shows when its condition holds over the answers of questions that show.
fn shown_by_definition(e: &Engine, ctx: &Context, answers: &Answers) -> BTreeSet<String> {
    let mut shown = BTreeSet::new();
    for q in e.survey.questions() {
        let visible = q.show_if.as_ref().is_none_or(|c| {
            holds(c, &|op: &Operand| match op {
                Operand::Question(id) if shown.contains(id) => answers.get(id).map(Seen::Answer),
                Operand::Question(_) => None,
                Operand::Context(ContextRef::Roster(f)) => {
                    ctx.roster.get(f).map(|s| Seen::Roster(s.as_str()))
                }
                Operand::Context(ContextRef::Previous { stage, question }) => ctx
                    .previous
                    .get(stage)
                    .and_then(|a| a.get(question))
                    .map(Seen::Answer),
            })
        });
        if visible {
            shown.insert(q.id.clone());
        }
    }
    shown
}

fn context(
    degree: usize,
    exact_date: bool,
    previous_salary: Option<u32>,
    employer: bool,
) -> Context {
    let mut ctx = Context::new(NaiveDate::from_ymd_opt(2026, 3, 15).expect("date"));
    ctx.roster.insert("major".into(), "软件工程".into());
    ctx.roster.insert(
        "degree_level".into(),
        ["bachelor", "master", "doctor"][degree].into(),
    );
    ctx.roster.insert("graduation_year".into(), "2025".into());
    if exact_date {
        ctx.roster
            .insert("graduation_date".into(), "2025-06-30".into());
    }
    let mut previous = Answers::new();
    if let Some(salary) = previous_salary {
        previous.insert("monthly_salary".into(), Answer::Number(f64::from(salary)));
    }
    if employer {
        previous.insert("employer_name".into(), Answer::text("华为"));
    }
    ctx.previous.insert(Stage::Graduation, previous);
    ctx
}

fn check_shown(e: &Engine, ctx: &Context, answers: &Answers) {
    let engine: BTreeSet<String> = e
        .visible_questions(ctx, answers)
        .into_iter()
        .map(|q| q.id.clone())
        .collect();
    assert_eq!(engine, shown_by_definition(e, ctx, answers));
    for id in e.effective_answers(ctx, answers).keys() {
        assert!(engine.contains(id), "answer of hidden {id} counted");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn any_valid_answers_end_complete_and_never_show_a_false_condition(
        survey in prop_oneof![Just("graduation"), Just("year1")],
        degree in 0usize..3,
        exact_date in any::<bool>(),
        previous_salary in proptest::option::of(3000u32..30000),
        employer in any::<bool>(),
        actions in proptest::collection::vec((0u8..6, any::<u32>()), 1..40),
        seeds in proptest::collection::vec(any::<u32>(), 1..64),
    ) {
        let catalog = catalog();
        let e = Engine::new(&catalog, catalog.survey(survey).expect("survey"));
        let ctx = context(degree, exact_date, previous_salary, employer);
        let mut dice = Dice { seeds, at: 0 };
        let mut answers = Answers::new();
        for (action, pick) in actions {
            check_shown(&e, &ctx, &answers);
            let visible = e.visible_questions(&ctx, &answers);
            // Sometimes change one's mind about a question already answered.
            let answered: Vec<&Question> = visible
                .iter()
                .copied()
                .filter(|q| answers.contains_key(&q.id))
                .collect();
            let q = if action == 0 && !answered.is_empty() {
                answered[pick as usize % answered.len()]
            } else {
                match e.next_unanswered(&ctx, &answers) {
                    Some(q) => q,
                    None => break,
                }
            };
            let answer = valid_answer(&e, q, &ctx, &answers, &mut dice);
            answers = match e.answer_question(&ctx, &answers, &q.id, answer.clone()) {
                Ok(a) => a,
                Err(errs) => panic!("valid answer {answer:?} to {} refused: {errs:?}", q.id),
            };
        }
        // Then answer whatever is left, as the bot would.
        let mut steps = 0;
        while let Some(q) = e.next_unanswered(&ctx, &answers) {
            check_shown(&e, &ctx, &answers);
            let answer = valid_answer(&e, q, &ctx, &answers, &mut dice);
            answers = e.answer_question(&ctx, &answers, &q.id, answer).expect("valid answer");
            steps += 1;
            prop_assert!(steps < 100, "the survey never ends");
        }
        check_shown(&e, &ctx, &answers);
        prop_assert!(e.is_complete(&ctx, &answers));
        let (done, total) = e.progress(&ctx, &answers);
        prop_assert_eq!(done, total);
        // What is stored survives its JSON form.
        let json = serde_json::to_string(&answers).expect("serialise");
        prop_assert_eq!(serde_json::from_str::<Answers>(&json).expect("parse"), answers);
    }

    #[test]
    fn a_page_submission_never_stores_answers_of_hidden_questions(
        destination in 0usize..7,
        seeds in proptest::collection::vec(any::<u32>(), 1..64),
    ) {
        let catalog = catalog();
        let survey = catalog.survey("graduation").expect("survey");
        let e = Engine::new(&catalog, survey);
        let ctx = context(0, true, None, false);
        let mut dice = Dice { seeds, at: 0 };
        let dest = gradtrace::survey::tag::DESTINATION_TYPES[destination];
        let saved = Answers::new().with("destination_type", Answer::choice(dest));
        // Fill every question of the job page, shown or not, with an answer valid for it.
        let page = survey.page("job").expect("page");
        let mut sent = Answers::new();
        for q in &page.questions {
            sent.insert(q.id.clone(), valid_answer(&e, q, &ctx, &saved, &mut dice));
        }
        let stored = e.submit_page(&ctx, &saved, "job", sent).expect("valid page");
        let shown = shown_by_definition(&e, &ctx, &stored);
        for q in &page.questions {
            prop_assert_eq!(stored.contains_key(&q.id), shown.contains(&q.id), "{}", q.id);
        }
    }
}
