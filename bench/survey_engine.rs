//! Timing of the survey layer: loading a definitions folder, checking it, and the engine's step
//! (next question + answer) and completion check over whole responses. Run with
//! `cargo bench --bench survey_engine --profile dev -- [SURVEYS_DIR] [LOCALES_DIR]`
//! (defaults: `surveys` and `locales`, else the test fixtures).
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use gradtrace::survey::{
    Answer, Answers, Catalog, Context, Engine, MonthBound, Question, QuestionKind, Stage,
    YearMonth, check::check_dir,
};

/// The first of a few simple candidates that is a valid answer (enough to walk any survey).
fn first_valid(e: &Engine, q: &Question, ctx: &Context, answers: &Answers) -> Option<Answer> {
    let effective = e.effective_answers(ctx, answers);
    let options: Vec<String> = e.options(q).into_iter().map(|o| o.id).collect();
    let candidates: Vec<Answer> = match &q.kind {
        QuestionKind::SingleChoice { .. } => options
            .iter()
            .map(|o| Answer::Choice {
                choice: o.clone(),
                other: Some("x".into()),
            })
            .collect(),
        QuestionKind::MultipleChoice { min_picks, .. } => {
            let n = min_picks.unwrap_or(1).max(1) as usize;
            vec![Answer::Choices {
                choices: options.iter().take(n).cloned().collect(),
                other: Some("x".into()),
            }]
        }
        QuestionKind::Rating { scale } => vec![Answer::Rating(scale.range().1)],
        QuestionKind::Number { min, .. } => vec![Answer::Number(min.unwrap_or(0.0).ceil())],
        QuestionKind::Text { min_length, .. } => {
            vec![Answer::Text(
                "测".repeat(min_length.unwrap_or(1).max(4) as usize),
            )]
        }
        QuestionKind::YearMonth { min, .. } => {
            let lo = match min {
                Some(MonthBound::Month(m)) => *m,
                Some(MonthBound::Graduation) => ctx.graduation_months()?.0,
                Some(MonthBound::Today) => YearMonth::of(ctx.today),
                None => YearMonth::of(ctx.today),
            };
            vec![Answer::YearMonth(lo)]
        }
        QuestionKind::Region => {
            let p = e.catalog.regions().provinces.first()?;
            vec![Answer::Region {
                province: p.code.clone(),
                city: p.cities.first().map(|c| c.code.clone()),
                county: false,
            }]
        }
    };
    candidates
        .into_iter()
        .map(|a| e.normalize(q, a))
        .find(|a| e.validate(q, a, ctx, &effective).is_ok())
}

fn per(d: Duration, n: u32) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6 / f64::from(n))
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/surveys");
    let (surveys, locales) = match (args.first(), args.get(1)) {
        (Some(s), Some(l)) => (PathBuf::from(s), PathBuf::from(l)),
        _ if Path::new("surveys").is_dir() => ("surveys".into(), "locales".into()),
        _ => (fixtures.clone(), fixtures.join("locales")),
    };
    println!(
        "surveys: {}  locales: {}",
        surveys.display(),
        locales.display()
    );

    let runs = 20;
    let t = Instant::now();
    for _ in 0..runs {
        Catalog::load(&surveys).expect("definitions load");
    }
    println!("Catalog::load: {} per load", per(t.elapsed(), runs));
    let t = Instant::now();
    for _ in 0..runs {
        check_dir(&surveys, &locales);
    }
    println!(
        "surveys check (definitions + translations): {} per run",
        per(t.elapsed(), runs)
    );

    let catalog = Catalog::load(&surveys).expect("definitions load");
    let mut ctx = Context::new(NaiveDate::from_ymd_opt(2026, 3, 15).expect("date"));
    for (k, v) in [
        ("name", "李雷"),
        ("major", "软件工程"),
        ("degree_level", "master"),
        ("graduation_date", "2025-06-30"),
        ("graduation_year", "2025"),
        ("employer_name", "ACME"),
    ] {
        ctx.roster.insert(k.into(), v.into());
    }
    for survey in catalog.surveys() {
        let e = Engine::new(&catalog, survey);
        let walks = 50;
        let mut steps = 0u32;
        let t = Instant::now();
        let mut answers = Answers::new();
        for _ in 0..walks {
            answers = Answers::new();
            while let Some(q) = e.next_unanswered(&ctx, &answers) {
                let Some(a) = first_valid(&e, q, &ctx, &answers) else {
                    panic!("no simple valid answer for {}", q.id);
                };
                answers = e.answer_question(&ctx, &answers, &q.id, a).expect("valid");
                steps += 1;
            }
        }
        let walk = t.elapsed();
        assert!(e.is_complete(&ctx, &answers));
        let t = Instant::now();
        for _ in 0..runs * 10 {
            std::hint::black_box(e.is_complete(&ctx, &answers));
        }
        let complete = t.elapsed();
        let t = Instant::now();
        for _ in 0..runs * 10 {
            std::hint::black_box(e.message_args(&ctx, &answers));
        }
        let args = t.elapsed();
        println!(
            "{:<11} {:>3} questions, {:>3} answered: step (validate + next + answer) {}, is_complete {}, message_args {}",
            survey.id,
            survey.questions().count(),
            steps / walks,
            per(walk, steps),
            per(complete, runs * 10),
            per(args, runs * 10),
        );
        // Keep previous stages' answers for the later stages' piping and prefill.
        if survey.stage != Stage::Employer {
            ctx.previous.insert(survey.stage, answers);
        }
    }
}
