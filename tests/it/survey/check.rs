//! `gradtrace surveys check`: one broken fixture folder per kind of mistake, each failing with
//! the expected `FILE:LINE: message`; the valid fixtures pass; the command's exit status.
use std::path::Path;
use std::process::Command;

use gradtrace::survey::check::{check_dir, schema_json};

use super::fixtures;

/// Problems of `tests/fixtures/broken/<case>`, paths relative to that folder. A case with its
/// own `locales/` is checked against it, the others against the shared `broken/locales`.
fn problems(case: &str) -> Vec<String> {
    let broken = fixtures().join("broken");
    let dir = broken.join(case);
    let own = dir.join("locales");
    let locales = if own.is_dir() {
        own
    } else {
        broken.join("locales")
    };
    let report = check_dir(&dir, &locales);
    assert!(!report.is_ok(), "{case} should fail");
    report
        .problems
        .iter()
        .map(|p| {
            p.to_string()
                .replace(&format!("{}/", dir.display()), "")
                .replace(&format!("{}/", broken.display()), "")
        })
        .collect()
}

#[test]
fn the_valid_fixtures_pass() {
    let dir = fixtures().join("surveys");
    let report = check_dir(&dir, &dir.join("locales"));
    assert!(report.is_ok(), "{:#?}", report.problems);
    assert_eq!(
        report.summary(),
        "2 surveys: graduation (12 questions), year1 (12 questions); locales: zh-CN, en"
    );
}

#[test]
fn toml_syntax_error_names_the_line() {
    assert_eq!(
        problems("toml_syntax"),
        ["mini.toml:28: TOML syntax error: key with no value, expected `=`"]
    );
}

#[test]
fn unknown_field() {
    let p = problems("unknown_field");
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].starts_with("mini.toml:36: unknown field `colour`, expected one of `id`, `kind`"),
        "{p:?}"
    );
}

#[test]
fn unknown_choice_list() {
    assert_eq!(
        problems("unknown_choice_list"),
        [
            "mini.toml:13: question `destination_type`: unknown choice list `destinations` (lists: destination_type, job_level)",
            "mini.toml:14: question `destination_type`: tag `destination_type` needs the shared list: choices = \"destination_type\"",
        ]
    );
}

#[test]
fn unknown_option_in_a_condition() {
    assert_eq!(
        problems("unknown_option_in_condition"),
        [
            "mini.toml:23: question `monthly_salary`: condition on `destination_type` names unknown option `hired` (options: employed, flexible, self_employed, further_study, study_abroad, slow_employment, unemployed)"
        ]
    );
}

#[test]
fn condition_on_an_unknown_question() {
    assert_eq!(
        problems("condition_unknown_question"),
        ["mini.toml:23: question `monthly_salary`: condition on unknown question `destiny`"]
    );
}

#[test]
fn condition_on_a_later_question() {
    assert_eq!(
        problems("condition_later_question"),
        [
            "mini.toml:23: question `monthly_salary`: condition on later question `satisfaction` (conditions may only refer to earlier questions)"
        ]
    );
}

#[test]
fn condition_on_itself_is_a_cycle() {
    assert_eq!(
        problems("condition_cycle"),
        ["mini.toml:23: question `monthly_salary`: condition on itself (a cycle)"]
    );
}

#[test]
fn duplicate_page_and_question_ids() {
    assert_eq!(
        problems("duplicate_ids"),
        [
            "mini.toml:44: duplicate page id `main`",
            "mini.toml:47: duplicate question id `start`",
        ]
    );
}

#[test]
fn a_message_missing_in_one_locale_names_locale_and_key() {
    let p = problems("missing_message");
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].starts_with("mini.toml:26: message `mini-satisfaction` is missing in locale en ("),
        "{p:?}"
    );
}

#[test]
fn fluent_syntax_error() {
    assert_eq!(
        problems("fluent_syntax"),
        [
            "locales/zh-CN/survey-mini.ftl:15: Fluent syntax error: Expected a token starting with \"}\""
        ]
    );
}

#[test]
fn a_misspelt_variable_in_a_message() {
    assert_eq!(
        problems("unknown_variable"),
        [
            "locales/en/survey-mini.ftl:3: message `mini-intro` uses `$nmae`, which is not a roster field, an answer or an earlier stage's answer (locale en)"
        ]
    );
}

#[test]
fn tag_on_the_wrong_kind_of_question() {
    assert_eq!(
        problems("tag_wrong_kind"),
        [
            "mini.toml:29: question `satisfaction`: tag `employer_name` cannot sit on a rating question (needs text)"
        ]
    );
}

#[test]
fn unique_tag_used_twice() {
    assert_eq!(
        problems("unique_tag_twice"),
        [
            "mini.toml:48: question `happiness`: tag `job_satisfaction` is already on question `satisfaction`; it must be unique"
        ]
    );
}

#[test]
fn invalid_bounds() {
    assert_eq!(
        problems("invalid_bound"),
        [
            "mini.toml:20: question `monthly_salary`: invalid bound: min 300001 > max 300000",
            "mini.toml:42: question `channels`: invalid bound: max_picks 4 > 3 options",
        ]
    );
}

#[test]
fn a_month_bound_that_is_not_yyyy_mm() {
    assert_eq!(
        problems("bad_year_month"),
        [
            "mini.toml:34: question `start`: `min`: invalid bound `2025-13`: expected YYYY-MM, \"graduation\" or \"today\""
        ]
    );
}

#[test]
fn lists_the_indicators_read_must_have_their_exact_options() {
    assert_eq!(
        problems("list_options_differ"),
        [
            "choices.toml:2: list `destination_type` must have exactly the options the indicators read (employed, flexible, self_employed, further_study, study_abroad, slow_employment, unemployed): missing unemployed; unexpected retired",
            "choices.toml:5: list `job_level` must have exactly the options the indicators read (junior, middle, senior): missing junior; unexpected entry",
        ]
    );
}

#[test]
fn unknown_prefill_source() {
    let p = problems("unknown_prefill_source");
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].starts_with(
            "mini.toml:47: question `employer_name`: unknown prefill source `roster.majr`: unknown roster field (known: name,"
        ),
        "{p:?}"
    );
    assert_eq!(
        problems("malformed_prefill_source"),
        [
            "mini.toml:47: unknown source `rooster.major`: expected `roster.<field>` or `previous.<stage>.<question>`"
        ]
    );
}

#[test]
fn loading_a_broken_folder_fails_with_every_problem() {
    let err = gradtrace::survey::Catalog::load(&fixtures().join("broken/invalid_bound"))
        .expect_err("broken");
    assert_eq!(err.problems.len(), 2);
    assert!(
        err.to_string()
            .contains("invalid bound: min 300001 > max 300000")
    );
}

fn gradtrace(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gradtrace"))
        .args(args)
        .output()
        .expect("run gradtrace")
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn the_command_exits_zero_with_a_summary_on_good_definitions() {
    let dir = fixtures().join("surveys");
    let out = gradtrace(&[
        "surveys",
        "check",
        path(&dir),
        "--locales-dir",
        path(&dir.join("locales")),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert_eq!(
        stdout.trim(),
        "ok: 2 surveys: graduation (12 questions), year1 (12 questions); locales: zh-CN, en"
    );
}

#[test]
fn the_command_exits_non_zero_with_one_line_per_problem() {
    let broken = fixtures().join("broken");
    let dir = broken.join("duplicate_ids");
    let out = gradtrace(&[
        "surveys",
        "check",
        path(&dir),
        "--locales-dir",
        path(&broken.join("locales")),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        [
            format!(
                "{}:44: duplicate page id `main`",
                dir.join("mini.toml").display()
            ),
            format!(
                "{}:47: duplicate question id `start`",
                dir.join("mini.toml").display()
            ),
        ]
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 problem(s) found"));
}

#[test]
fn the_committed_schema_is_the_generated_one() {
    let committed = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/survey.schema.json"),
    )
    .expect("docs/survey.schema.json");
    assert_eq!(committed.trim_end(), schema_json());
    let out = gradtrace(&["surveys", "schema"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim_end(),
        schema_json()
    );
    // The schema knows the kinds and the tag vocabulary, for editors' completion.
    assert!(committed.contains("\"multiple_choice\""));
    assert!(committed.contains("\"employer_satisfaction_teamwork\""));
}
