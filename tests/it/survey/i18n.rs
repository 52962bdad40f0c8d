//! Translations: loading the bundles, negotiation, fallback, and piping into messages.
use gradtrace::i18n::{Lang, Localizer};
use gradtrace::survey::{Answer, Answers, Context, Engine, Stage};

use super::{catalog, fixtures};

fn localizer() -> Localizer {
    match Localizer::load(&fixtures().join("surveys/locales")) {
        Ok(l) => l,
        Err(e) => panic!("fixture locales do not load: {e}"),
    }
}

#[test]
fn both_languages_load_and_the_real_engine_messages_are_complete() {
    let l = localizer();
    assert_eq!(l.langs(), [Lang::ZhCn, Lang::En]);
    // The shipped locales/ hold every engine message in both languages.
    let shipped =
        Localizer::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales"))
            .expect("shipped locales");
    for key in gradtrace::survey::engine::INVALID_MESSAGES {
        for lang in Lang::ALL {
            assert!(shipped.has(lang, key), "{key} missing in {lang}");
        }
    }
}

#[test]
fn accept_language_picks_english_or_falls_back_to_chinese() {
    let l = localizer();
    assert_eq!(l.negotiate(None), Lang::ZhCn);
    assert_eq!(l.negotiate(Some("en-US,en;q=0.9")), Lang::En);
    assert_eq!(l.negotiate(Some("zh-CN,zh;q=0.9,en;q=0.8")), Lang::ZhCn);
    assert_eq!(l.negotiate(Some("zh")), Lang::ZhCn);
    assert_eq!(l.negotiate(Some("fr-FR,en-GB;q=0.5")), Lang::En);
    assert_eq!(l.negotiate(Some("fr-FR")), Lang::ZhCn);
    assert_eq!(l.negotiate(Some("garbage;;;")), Lang::ZhCn);
}

#[test]
fn missing_messages_fall_back_to_chinese_then_to_the_id() {
    let l = Localizer::from_sources(vec![
        (
            Lang::ZhCn,
            "zh.ftl".into(),
            "only-zh = 只有中文\nboth = 中文\n".into(),
        ),
        (Lang::En, "en.ftl".into(), "both = English\n".into()),
    ])
    .expect("bundles");
    assert_eq!(l.format(Lang::En, "both", None), "English");
    assert!(!l.has(Lang::En, "only-zh"));
    assert_eq!(l.format(Lang::En, "only-zh", None), "只有中文");
    assert_eq!(l.format(Lang::En, "nowhere", None), "nowhere");
    // A syntax error is refused with its file and line.
    let err = Localizer::from_sources(vec![(
        Lang::En,
        "bad.ftl".into(),
        "ok = fine\nbad = {\n".into(),
    )])
    .expect_err("syntax error");
    assert!(
        err.to_string().contains("bad.ftl:2: Fluent syntax error"),
        "{err}"
    );
}

#[test]
fn validation_messages_are_formatted_with_plurals_and_no_isolation_marks() {
    let l = localizer();
    let one = [("min".to_string(), "1".to_string())];
    let three = [("min".to_string(), "3".to_string())];
    assert_eq!(
        l.format_with(Lang::En, "invalid-min-picks", &one),
        "Please pick at least one option."
    );
    assert_eq!(
        l.format_with(Lang::En, "invalid-min-picks", &three),
        "Please pick at least 3 options."
    );
    assert_eq!(
        l.format_with(Lang::ZhCn, "invalid-min-picks", &three),
        "请至少选择 3 项。"
    );
    let s = l.format_with(
        Lang::En,
        "invalid-month-min",
        &[("min".into(), "2025-06".into())],
    );
    assert_eq!(s, "The month cannot be before 2025-06.");
    assert!(!s.contains('\u{2068}') && !s.contains('\u{2069}'));
}

#[test]
fn survey_texts_pipe_roster_answers_and_last_stage_in_each_language() {
    let l = localizer();
    let catalog = catalog();
    let e = Engine::new(&catalog, catalog.survey("year1").expect("year1"));
    let mut ctx = Context::new(chrono::NaiveDate::from_ymd_opt(2026, 3, 1).expect("date"));
    ctx.roster.insert("name".into(), "李雷".into());
    ctx.roster.insert("major".into(), "软件工程".into());
    ctx.previous.insert(
        Stage::Graduation,
        Answers::new().with("employer_name", Answer::text("华为")),
    );
    let args = e.message_args(&ctx, &Answers::new());
    assert_eq!(
        l.format_piped(Lang::ZhCn, "year1-still_there", &args),
        "您目前还在华为工作吗？"
    );
    assert_eq!(
        l.format_piped(Lang::En, "year1-still_there", &args),
        "Are you still at 华为?"
    );
    assert_eq!(
        l.format_piped(Lang::ZhCn, "year1-intro", &args),
        "李雷同学，您从软件工程专业毕业已经一年了。"
    );
    // Choice answers are piped as labels in the reader's language; several picks are joined.
    let answers = Answers::new()
        .with("destination_type", Answer::choice("employed"))
        .with(
            "start_month",
            Answer::YearMonth("2025-08".parse().expect("month")),
        )
        .with("employer_name", Answer::text("ACME"))
        .with("job_changes", Answer::Number(1.0))
        .with("leave_reasons", Answer::choices(&["salary", "location"]));
    let args = e.message_args(&ctx, &answers);
    let fluent = l.piped_args(Lang::En, &args);
    assert_eq!(
        fluent.get("destination_type").map(|v| format!("{v:?}")),
        Some(format!(
            "{:?}",
            fluent_bundle::FluentValue::from("Employed")
        ))
    );
    assert_eq!(
        fluent.get("leave_reasons").map(|v| format!("{v:?}")),
        Some(format!(
            "{:?}",
            fluent_bundle::FluentValue::from("Salary, Location")
        ))
    );
    let zh = l.piped_args(Lang::ZhCn, &args);
    assert_eq!(
        zh.get("leave_reasons").map(|v| format!("{v:?}")),
        Some(format!(
            "{:?}",
            fluent_bundle::FluentValue::from("薪酬、工作地点")
        ))
    );
    // A select on an answer: the message changes with the employer's name.
    assert_eq!(
        l.format_piped(Lang::En, "year1-job_changes", &args),
        "How many times have you changed employer before ACME?"
    );
}

#[test]
fn the_localizer_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Localizer>();
    let l = std::sync::Arc::new(localizer());
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let l = l.clone();
            std::thread::spawn(move || l.format(Lang::En, "graduation-title", None))
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().expect("thread"), "Graduation destination survey");
    }
}
