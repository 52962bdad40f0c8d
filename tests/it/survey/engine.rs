//! The answer engine on the fixture surveys: branching, validation of every kind, piping,
//! prefill, completion and pruning of hidden answers.
use chrono::NaiveDate;
use gradtrace::survey::{Answer, Answers, Catalog, Context, Engine, Invalid, PipeValue, Stage};

use super::catalog;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 15).expect("date")
}

/// A bachelor who graduated in June 2025.
fn graduate() -> Context {
    let mut ctx = Context::new(today());
    for (k, v) in [
        ("name", "李雷"),
        ("major", "软件工程"),
        ("degree_level", "bachelor"),
        ("graduation_date", "2025-06-30"),
        ("graduation_year", "2025"),
    ] {
        ctx.roster.insert(k.into(), v.into());
    }
    ctx
}

fn month(s: &str) -> Answer {
    Answer::YearMonth(s.parse().expect("month"))
}

fn messages(errs: Result<impl std::fmt::Debug, Vec<Invalid>>) -> Vec<String> {
    match errs {
        Ok(v) => panic!("expected invalid, got {v:?}"),
        Err(e) => e.into_iter().map(|i| i.message).collect(),
    }
}

fn ids(qs: Vec<&gradtrace::survey::Question>) -> Vec<&str> {
    qs.into_iter().map(|q| q.id.as_str()).collect()
}

struct Fixture {
    catalog: Catalog,
}

impl Fixture {
    fn new() -> Fixture {
        Fixture { catalog: catalog() }
    }
    fn engine(&self, id: &str) -> Engine<'_> {
        let survey = self.catalog.survey(id).expect("survey");
        Engine::new(&self.catalog, survey)
    }
}

#[test]
fn salary_is_asked_of_the_employed_and_not_of_the_unemployed() {
    let f = Fixture::new();
    let e = f.engine("graduation");
    let ctx = graduate();
    let employed = Answers::new().with("destination_type", Answer::choice("employed"));
    assert_eq!(
        ids(e.visible_questions(&ctx, &employed)),
        [
            "destination_type",
            "status_date",
            "agreement",
            "employer_name",
            "employer_type",
            "region",
            "monthly_salary",
            "job_search_months",
            "channels",
            "comments"
        ]
    );
    let unemployed = Answers::new().with("destination_type", Answer::choice("unemployed"));
    let visible = ids(e.visible_questions(&ctx, &unemployed));
    assert!(!visible.contains(&"monthly_salary"));
    assert!(!visible.contains(&"status_date"));
    assert!(visible.contains(&"slow_causes"));
    let pages: Vec<&str> = e
        .visible_pages(&ctx, &unemployed)
        .iter()
        .map(|p| p.id.as_str())
        .collect();
    // The job page still shows the job-search question (unconditional); study shows causes.
    assert_eq!(pages, ["destination", "job", "study", "feedback"]);
    // Before anything is answered, only unconditional questions show.
    assert_eq!(
        ids(e.visible_questions(&ctx, &Answers::new())),
        [
            "destination_type",
            "job_search_months",
            "channels",
            "comments"
        ]
    );
    // `any` of two conditions: further study shows the region, not the salary.
    let studying = Answers::new().with("destination_type", Answer::choice("further_study"));
    let visible = ids(e.visible_questions(&ctx, &studying));
    assert!(visible.contains(&"region") && visible.contains(&"school"));
    assert!(!visible.contains(&"monthly_salary"));
}

#[test]
fn context_conditions_read_the_roster_and_earlier_stages() {
    let f = Fixture::new();
    let e = f.engine("year1");
    let mut ctx = graduate();
    let visible = ids(e.visible_questions(&ctx, &Answers::new()));
    assert!(
        !visible.contains(&"still_there"),
        "no earlier employer known"
    );
    assert!(
        !visible.contains(&"papers"),
        "bachelors are not asked about papers"
    );
    ctx.roster.insert("degree_level".into(), "master".into());
    ctx.previous.insert(
        Stage::Graduation,
        Answers::new().with("employer_name", Answer::text("华为技术有限公司")),
    );
    let visible = ids(e.visible_questions(&ctx, &Answers::new()));
    assert!(visible.contains(&"still_there"));
    assert!(visible.contains(&"papers"));
    // A skipped earlier answer is not an answer.
    ctx.previous.insert(
        Stage::Graduation,
        Answers::new().with("employer_name", Answer::Skipped),
    );
    assert!(!ids(e.visible_questions(&ctx, &Answers::new())).contains(&"still_there"));
}

#[test]
fn a_page_is_checked_with_the_answers_given_on_that_page() {
    let f = Fixture::new();
    let e = f.engine("graduation");
    let ctx = graduate();
    // Employed on this very page: the agreement question appears and is required.
    let page = Answers::new()
        .with("destination_type", Answer::choice("employed"))
        .with("status_date", month("2025-07"));
    let errs = e
        .submit_page(&ctx, &Answers::new(), "destination", page)
        .expect_err("agreement missing");
    assert_eq!(
        errs.questions.keys().collect::<Vec<_>>(),
        ["agreement"],
        "{errs:?}"
    );
    assert_eq!(errs.questions["agreement"][0].message, "invalid-required");
    // Unemployed: the date and agreement are hidden, and values sent for them are dropped.
    let page = Answers::new()
        .with("destination_type", Answer::choice("unemployed"))
        .with("status_date", month("2025-07"))
        .with("agreement", Answer::choice("yes"));
    let saved = e
        .submit_page(&ctx, &Answers::new(), "destination", page)
        .expect("valid page");
    assert_eq!(
        saved,
        Answers::new().with("destination_type", Answer::choice("unemployed"))
    );
    // What was stored earlier for a question now hidden stays stored, but does not count.
    let before = Answers::new()
        .with("destination_type", Answer::choice("employed"))
        .with("status_date", month("2025-07"))
        .with("agreement", Answer::choice("yes"));
    let page = Answers::new().with("destination_type", Answer::choice("unemployed"));
    let saved = e
        .submit_page(&ctx, &before, "destination", page)
        .expect("valid page");
    assert_eq!(saved["agreement"], Answer::choice("yes"));
    assert_eq!(
        e.effective_answers(&ctx, &saved),
        Answers::new().with("destination_type", Answer::choice("unemployed"))
    );
}

#[test]
fn a_refused_page_loses_nothing_already_saved() {
    let f = Fixture::new();
    let e = f.engine("graduation");
    let ctx = graduate();
    let saved = Answers::new()
        .with("destination_type", Answer::choice("employed"))
        .with("status_date", month("2025-07"))
        .with("agreement", Answer::choice("yes"));
    let bad = Answers::new()
        .with("employer_name", Answer::text("ACME"))
        .with("employer_type", Answer::choice("state_owned"))
        .with(
            "region",
            Answer::Region {
                province: "44".into(),
                city: Some("4403".into()),
                county: false,
            },
        )
        .with("monthly_salary", Answer::Number(100.0))
        .with("shoe_size", Answer::Number(42.0));
    let errs = e
        .submit_page(&ctx, &saved, "job", bad)
        .expect_err("salary too low");
    assert_eq!(
        errs.questions["monthly_salary"],
        [Invalid::new("invalid-number-min").with("min", 500)]
    );
    assert_eq!(
        errs.questions["shoe_size"][0].message,
        "invalid-unknown-question"
    );
    // The caller still holds `saved`, untouched; an unknown page is refused as such.
    assert_eq!(saved.len(), 3);
    let errs = e
        .submit_page(&ctx, &saved, "nowhere", Answers::new())
        .expect_err("unknown page");
    assert_eq!(errs.page[0].message, "invalid-unknown-page");
}

#[test]
fn optional_questions_left_blank_are_stored_as_skipped() {
    let f = Fixture::new();
    let e = f.engine("graduation");
    let ctx = graduate();
    let page = Answers::new()
        .with("channels", Answer::choices(&[]))
        .with("comments", Answer::text("   "));
    // No pick on an optional multiple choice and blank text both become skipped.
    let saved = e
        .submit_page(&ctx, &Answers::new(), "feedback", page)
        .expect("optional page");
    assert_eq!(saved["channels"], Answer::Skipped);
    assert_eq!(saved["comments"], Answer::Skipped);
    // Unticking every box sends nothing: the old picks are cleared, not kept.
    let before = Answers::new()
        .with("channels", Answer::choices(&["online"]))
        .with("comments", Answer::text("thanks"));
    let saved = e
        .submit_page(
            &ctx,
            &before,
            "feedback",
            Answers::new().with("comments", Answer::text("thanks")),
        )
        .expect("optional page");
    assert_eq!(saved["channels"], Answer::Skipped);
    assert_eq!(saved["comments"], Answer::text("thanks"));
}

#[test]
fn choice_answers_are_checked_against_their_options() {
    let f = Fixture::new();
    let e = f.engine("graduation");
    let ctx = graduate();
    let s = f.catalog.survey("graduation").expect("survey");
    let none = Answers::new();
    let dest = s.question("destination_type").expect("q");
    assert!(
        e.validate(dest, &Answer::choice("employed"), &ctx, &none)
            .is_ok()
    );
    assert_eq!(
        e.validate(dest, &Answer::choice("astronaut"), &ctx, &none),
        Err(vec![
            Invalid::new("invalid-option").with("option", "astronaut")
        ])
    );
    assert_eq!(
        messages(e.validate(dest, &Answer::Rating(3), &ctx, &none)),
        ["invalid-answer-kind"]
    );
    assert_eq!(
        messages(e.validate(dest, &Answer::Skipped, &ctx, &none)),
        ["invalid-required"]
    );
    // "Other, please specify" (from the shared list's `other`).
    let etype = s.question("employer_type").expect("q");
    let other = |text: Option<&str>| Answer::Choice {
        choice: "other".into(),
        other: text.map(String::from),
    };
    assert_eq!(
        messages(e.validate(etype, &other(None), &ctx, &none)),
        ["invalid-other-missing"]
    );
    assert_eq!(
        messages(e.validate(etype, &other(Some("  ")), &ctx, &none)),
        ["invalid-other-missing"]
    );
    assert!(
        e.validate(etype, &other(Some("社会组织")), &ctx, &none)
            .is_ok()
    );
    assert_eq!(
        messages(e.validate(etype, &other(Some(&"长".repeat(201))), &ctx, &none)),
        ["invalid-other-too-long"]
    );
}

#[test]
fn multiple_choice_counts_picks_and_keeps_exclusive_options_alone() {
    let f = Fixture::new();
    let e = f.engine("graduation");
    let ctx = graduate();
    let s = f.catalog.survey("graduation").expect("survey");
    let none = Answers::new();
    let channels = s.question("channels").expect("q");
    assert_eq!(
        e.validate(channels, &Answer::choices(&["online", "none"]), &ctx, &none),
        Err(vec![
            Invalid::new("invalid-exclusive").with("option", "graduation-channels-opt-none")
        ])
    );
    assert!(
        e.validate(channels, &Answer::choices(&["none"]), &ctx, &none)
            .is_ok()
    );
    assert_eq!(
        messages(e.validate(
            channels,
            &Answer::choices(&["campus_fair", "online", "referral", "other"]),
            &ctx,
            &none
        )),
        ["invalid-max-picks", "invalid-other-missing"]
    );
    let with_other = Answer::Choices {
        choices: vec!["online".into(), "other".into()],
        other: Some("校友推荐".into()),
    };
    assert!(e.validate(channels, &with_other, &ctx, &none).is_ok());
    let causes = s.question("slow_causes").expect("q");
    assert_eq!(
        e.validate(causes, &Answer::choices(&[]), &ctx, &none),
        Err(vec![Invalid::new("invalid-min-picks").with("min", 1)])
    );
    assert_eq!(
        messages(e.validate(causes, &Answer::choices(&["exams", "golf"]), &ctx, &none)),
        ["invalid-option"]
    );
    // Repeated picks are folded by normalisation before they are counted.
    let tidy = e.normalize(causes, Answer::choices(&["exams", "exams", "health"]));
    assert_eq!(tidy, Answer::choices(&["exams", "health"]));
}

#[test]
fn ratings_numbers_and_texts_respect_their_bounds() {
    let f = Fixture::new();
    let e = f.engine("year1");
    let ctx = graduate();
    let s = f.catalog.survey("year1").expect("survey");
    let none = Answers::new();
    let likert = s.question("major_match").expect("q");
    assert!(e.validate(likert, &Answer::Rating(5), &ctx, &none).is_ok());
    assert_eq!(
        e.validate(likert, &Answer::Rating(0), &ctx, &none),
        Err(vec![
            Invalid::new("invalid-rating").with("min", 1).with("max", 5)
        ])
    );
    let score = s.question("satisfaction").expect("q");
    assert!(e.validate(score, &Answer::Rating(0), &ctx, &none).is_ok());
    assert!(e.validate(score, &Answer::Rating(100), &ctx, &none).is_ok());
    assert_eq!(
        messages(e.validate(score, &Answer::Rating(101), &ctx, &none)),
        ["invalid-rating"]
    );
    assert!(
        e.validate(score, &Answer::Skipped, &ctx, &none).is_ok(),
        "optional"
    );
    let salary = s.question("monthly_salary").expect("q");
    assert!(
        e.validate(salary, &Answer::Number(8000.0), &ctx, &none)
            .is_ok()
    );
    assert_eq!(
        messages(e.validate(salary, &Answer::Number(8000.5), &ctx, &none)),
        ["invalid-integer"]
    );
    assert_eq!(
        e.validate(salary, &Answer::Number(300001.0), &ctx, &none),
        Err(vec![Invalid::new("invalid-number-max").with("max", 300000)])
    );
    assert_eq!(
        messages(e.validate(salary, &Answer::Number(f64::NAN), &ctx, &none)),
        ["invalid-number"]
    );
    let g = f.catalog.survey("graduation").expect("survey");
    let eg = f.engine("graduation");
    let school = g.question("school").expect("q");
    assert_eq!(
        eg.validate(school, &Answer::text("清"), &ctx, &none),
        Err(vec![Invalid::new("invalid-text-short").with("min", 2)])
    );
    // Lengths count characters, not bytes: 80 Chinese characters fit.
    assert!(
        eg.validate(school, &Answer::text(&"清".repeat(80)), &ctx, &none)
            .is_ok()
    );
    assert_eq!(
        messages(eg.validate(school, &Answer::text(&"清".repeat(81)), &ctx, &none)),
        ["invalid-text-long"]
    );
    assert_eq!(
        messages(eg.validate(school, &Answer::text("  "), &ctx, &none)),
        ["invalid-required"]
    );
    // Multiline text without max_length is capped by the default of 2000 characters… here 500.
    let comments = g.question("comments").expect("q");
    assert_eq!(
        eg.validate(comments, &Answer::text(&"a".repeat(501)), &ctx, &none),
        Err(vec![Invalid::new("invalid-text-long").with("max", 500)])
    );
}

#[test]
fn year_month_ranges_follow_graduation_and_today() {
    let f = Fixture::new();
    let e = f.engine("year1");
    let mut ctx = graduate();
    let s = f.catalog.survey("year1").expect("survey");
    let none = Answers::new();
    let start = s.question("start_month").expect("q"); // min graduation, max today
    assert!(e.validate(start, &month("2025-06"), &ctx, &none).is_ok());
    assert!(e.validate(start, &month("2026-03"), &ctx, &none).is_ok());
    assert_eq!(
        e.validate(start, &month("2025-05"), &ctx, &none),
        Err(vec![
            Invalid::new("invalid-month-min").with("min", "2025-06")
        ])
    );
    assert_eq!(
        e.validate(start, &month("2026-04"), &ctx, &none),
        Err(vec![
            Invalid::new("invalid-month-max").with("max", "2026-03")
        ])
    );
    // Only the graduation year known: the whole year is allowed as the lower bound.
    ctx.roster.remove("graduation_date");
    assert!(e.validate(start, &month("2025-01"), &ctx, &none).is_ok());
    assert_eq!(
        messages(e.validate(start, &month("2024-12"), &ctx, &none)),
        ["invalid-month-min"]
    );
    // A fixed bound.
    let g = f.catalog.survey("graduation").expect("survey");
    let status = g.question("status_date").expect("q");
    assert_eq!(
        f.engine("graduation")
            .validate(status, &month("2019-12"), &ctx, &none),
        Err(vec![
            Invalid::new("invalid-month-min").with("min", "2020-01")
        ])
    );
}

#[test]
fn regions_must_name_a_city_of_the_province() {
    let f = Fixture::new();
    let e = f.engine("graduation");
    let ctx = graduate();
    let s = f.catalog.survey("graduation").expect("survey");
    let q = s.question("region").expect("q");
    let none = Answers::new();
    let region = |p: &str, c: Option<&str>| Answer::Region {
        province: p.into(),
        city: c.map(String::from),
        county: true,
    };
    assert!(
        e.validate(q, &region("51", Some("5107")), &ctx, &none)
            .is_ok()
    );
    assert!(e.validate(q, &region("81", None), &ctx, &none).is_ok());
    assert_eq!(
        messages(e.validate(q, &region("99", None), &ctx, &none)),
        ["invalid-region-province"]
    );
    assert_eq!(
        messages(e.validate(q, &region("51", Some("4403")), &ctx, &none)),
        ["invalid-region-city"]
    );
    assert_eq!(
        messages(e.validate(q, &region("44", None), &ctx, &none)),
        ["invalid-region-city"]
    );
}

#[test]
fn extra_rules_compare_with_other_answers_and_earlier_stages() {
    let f = Fixture::new();
    let e = f.engine("year1");
    let mut ctx = graduate();
    ctx.previous.insert(
        Stage::Graduation,
        Answers::new().with("monthly_salary", Answer::Number(6000.0)),
    );
    let mut answers = Answers::new()
        .with("destination_type", Answer::choice("employed"))
        .with("start_month", month("2025-10"))
        .with("employer_name", Answer::text("ACME"));
    // Salary at most 10× last year's.
    assert_eq!(
        e.answer_question(&ctx, &answers, "monthly_salary", Answer::Number(60001.0)),
        Err(vec![
            Invalid::new("year1-salary-implausible").with("other", 6000)
        ])
    );
    answers = e
        .answer_question(&ctx, &answers, "monthly_salary", Answer::Number(9000.0))
        .expect("plausible");
    answers = e
        .answer_question(&ctx, &answers, "job_changes", Answer::Number(1.0))
        .expect("one change");
    // Left the first job after starting the current one: refused with the rule's message.
    assert_eq!(
        e.answer_question(&ctx, &answers, "left_first_job", month("2025-11")),
        Err(vec![
            Invalid::new("year1-left-after-start").with("other", "2025-10")
        ])
    );
    assert!(
        e.answer_question(&ctx, &answers, "left_first_job", month("2025-09"))
            .is_ok()
    );
    // Without last year's salary the ratio rule has nothing to compare with.
    ctx.previous.clear();
    assert!(
        e.answer_question(&ctx, &answers, "monthly_salary", Answer::Number(90000.0))
            .is_ok()
    );
}

#[test]
fn the_bot_cannot_answer_hidden_or_unknown_questions() {
    let f = Fixture::new();
    let e = f.engine("graduation");
    let ctx = graduate();
    let answers = Answers::new().with("destination_type", Answer::choice("unemployed"));
    assert_eq!(
        messages(e.answer_question(&ctx, &answers, "monthly_salary", Answer::Number(8000.0))),
        ["invalid-hidden"]
    );
    assert_eq!(
        messages(e.answer_question(&ctx, &answers, "favourite_colour", Answer::text("red"))),
        ["invalid-unknown-question"]
    );
}

#[test]
fn answering_in_order_ends_complete_with_progress_and_pages() {
    let f = Fixture::new();
    let e = f.engine("graduation");
    let ctx = graduate();
    let mut answers = Answers::new();
    assert_eq!(e.current_page(&ctx, &answers), Some(0));
    assert_eq!(e.progress(&ctx, &answers), (0, 4));
    let steps = [
        ("destination_type", Answer::choice("further_study")),
        ("status_date", month("2025-09")),
        (
            "region",
            Answer::Region {
                province: "11".into(),
                city: Some("1101".into()),
                county: false,
            },
        ),
        ("job_search_months", Answer::Skipped),
        ("school", Answer::text("北京大学")),
        ("channels", Answer::choices(&["online"])),
    ];
    for (i, (id, answer)) in steps.into_iter().enumerate() {
        // Complete as soon as the last required question (the school) is answered.
        assert_eq!(e.is_complete(&ctx, &answers), i >= 5, "before step {i}");
        let next = e.next_unanswered(&ctx, &answers).expect("a question");
        assert_eq!(next.id, id);
        answers = e
            .answer_question(&ctx, &answers, id, answer)
            .expect("valid");
    }
    // Only the optional comment is left: complete already, yet the bot may still offer it.
    assert!(e.is_complete(&ctx, &answers));
    assert_eq!(
        e.next_unanswered(&ctx, &answers).map(|q| q.id.as_str()),
        Some("comments")
    );
    assert_eq!(e.current_page(&ctx, &answers), Some(3));
    assert_eq!(e.progress(&ctx, &answers), (6, 7));
    answers = e
        .answer_question(&ctx, &answers, "comments", Answer::Skipped)
        .expect("skip");
    assert_eq!(e.next_unanswered(&ctx, &answers), None);
    assert_eq!(e.current_page(&ctx, &answers), None);
    assert_eq!(e.progress(&ctx, &answers), (7, 7));
    // A required question cannot be skipped.
    assert_eq!(
        messages(e.answer_question(&ctx, &answers, "school", Answer::Skipped)),
        ["invalid-required"]
    );
}

#[test]
fn changing_an_earlier_answer_hides_and_ignores_later_ones() {
    let f = Fixture::new();
    let e = f.engine("graduation");
    let ctx = graduate();
    let mut answers = Answers::new();
    for (id, answer) in [
        ("destination_type", Answer::choice("employed")),
        ("status_date", month("2025-07")),
        ("agreement", Answer::choice("yes")),
        ("employer_name", Answer::text("ACME")),
        ("employer_type", Answer::choice("private")),
        (
            "region",
            Answer::Region {
                province: "44".into(),
                city: Some("4403".into()),
                county: false,
            },
        ),
        ("monthly_salary", Answer::Number(12000.0)),
        ("job_search_months", Answer::Number(3.0)),
        ("channels", Answer::choices(&["campus_fair"])),
        ("comments", Answer::Skipped),
    ] {
        answers = e
            .answer_question(&ctx, &answers, id, answer)
            .expect("valid");
    }
    assert!(e.is_complete(&ctx, &answers));
    // Now unemployed: the job answers stay stored but no longer count; causes are needed.
    answers = e
        .answer_question(
            &ctx,
            &answers,
            "destination_type",
            Answer::choice("unemployed"),
        )
        .expect("valid");
    assert_eq!(answers["monthly_salary"], Answer::Number(12000.0));
    let effective = e.effective_answers(&ctx, &answers);
    assert!(!effective.contains_key("monthly_salary"));
    assert!(!effective.contains_key("employer_name"));
    assert!(!effective.contains_key("status_date"));
    assert!(effective.contains_key("job_search_months"));
    assert!(!e.is_complete(&ctx, &answers));
    assert_eq!(
        e.next_unanswered(&ctx, &answers).map(|q| q.id.as_str()),
        Some("slow_causes")
    );
}

#[test]
fn an_answer_made_invalid_by_a_later_change_blocks_completion() {
    let f = Fixture::new();
    let e = f.engine("year1");
    let ctx = graduate();
    let answers = Answers::new()
        .with("destination_type", Answer::choice("employed"))
        .with("start_month", month("2025-08"))
        .with("employer_name", Answer::text("ACME"))
        .with("monthly_salary", Answer::Number(9000.0))
        .with("major_match", Answer::Rating(4))
        .with("satisfaction", Answer::Rating(70))
        .with("job_changes", Answer::Number(1.0))
        .with("leave_reasons", Answer::choices(&["salary"]))
        .with("left_first_job", month("2025-07"))
        .with("major_now", Answer::Skipped);
    assert!(e.is_complete(&ctx, &answers));
    // The current job now starts before the first one ended.
    let answers = e
        .answer_question(&ctx, &answers, "start_month", month("2025-06"))
        .expect("valid on its own");
    assert!(!e.is_complete(&ctx, &answers));
    // …and the now-invalid answer is asked again.
    assert_eq!(
        e.next_unanswered(&ctx, &answers).map(|q| q.id.as_str()),
        Some("left_first_job")
    );
}

#[test]
fn prefill_suggests_roster_fields_and_last_stage_answers() {
    let f = Fixture::new();
    let e = f.engine("year1");
    let s = f.catalog.survey("year1").expect("survey");
    let mut ctx = graduate();
    let employer = s.question("employer_name").expect("q");
    let major = s.question("major_now").expect("q");
    assert_eq!(e.prefill(employer, &ctx), None);
    assert_eq!(e.prefill(major, &ctx), Some(Answer::text("软件工程")));
    ctx.previous.insert(
        Stage::Graduation,
        Answers::new().with("employer_name", Answer::text("华为技术有限公司")),
    );
    assert_eq!(
        e.prefill(employer, &ctx),
        Some(Answer::text("华为技术有限公司"))
    );
    // A suggestion that would not be a valid answer is not offered.
    ctx.previous.insert(
        Stage::Graduation,
        Answers::new().with("employer_name", Answer::text(&"x".repeat(101))),
    );
    assert_eq!(e.prefill(employer, &ctx), None);
    // Questions without prefill suggest nothing.
    let salary = s.question("monthly_salary").expect("q");
    assert_eq!(e.prefill(salary, &ctx), None);
}

#[test]
fn messages_are_piped_roster_fields_answers_and_earlier_stages() {
    let f = Fixture::new();
    let e = f.engine("year1");
    let mut ctx = graduate();
    ctx.previous.insert(
        Stage::Graduation,
        Answers::new()
            .with("employer_name", Answer::text("华为"))
            .with("destination_type", Answer::choice("employed"))
            .with(
                "employer_type",
                Answer::Choice {
                    choice: "other".into(),
                    other: Some("社会组织".into()),
                },
            )
            .with(
                "region",
                Answer::Region {
                    province: "44".into(),
                    city: Some("4403".into()),
                    county: false,
                },
            )
            .with("monthly_salary", Answer::Number(8000.0)),
    );
    let answers = Answers::new()
        .with("destination_type", Answer::choice("further_study"))
        // Hidden (not employed): never piped.
        .with("employer_name", Answer::text("ACME"));
    let args = e.message_args(&ctx, &answers);
    let get = |name: &str| {
        args.iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(get("name"), Some(PipeValue::Text("李雷".into())));
    assert_eq!(get("graduation_year"), Some(PipeValue::Text("2025".into())));
    assert_eq!(
        get("graduation_employer_name"),
        Some(PipeValue::Text("华为".into()))
    );
    assert_eq!(
        get("graduation_destination_type"),
        Some(PipeValue::Message(
            "choice-destination_type-employed".into()
        ))
    );
    assert_eq!(
        get("graduation_employer_type"),
        Some(PipeValue::Text("社会组织".into()))
    );
    assert_eq!(
        get("graduation_region"),
        Some(PipeValue::Names {
            zh: "深圳".into(),
            en: "Shenzhen".into()
        })
    );
    assert_eq!(
        get("graduation_monthly_salary"),
        Some(PipeValue::Number(8000.0))
    );
    assert_eq!(
        get("destination_type"),
        Some(PipeValue::Message(
            "choice-destination_type-further_study".into()
        ))
    );
    assert_eq!(get("employer_name"), None);
}
