//! `gradtrace surveys check`: every mistake a definition folder and its translations can hold,
//! each reported as `FILE:LINE: message` (the line found in the source where possible).
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::condition::{ContextRef, Operand, Test, is_identifier};
use super::def::{
    Audience, ChoiceSource, Kind, MonthBound, Question, QuestionKind, Rule, Scale, Stage, Survey,
};
use super::engine::{EMPLOYER_ROSTER_FIELDS, GRADUATE_ROSTER_FIELDS, INVALID_MESSAGES};
use super::load::{CHOICES_FILE, Catalog, Problem, REGIONS_FILE, SourceFile, read_dir};
use super::tag::{OptionsRule, REQUIRED_LISTS};
use crate::i18n::{Lang, entries, parse_ftl, read_lang_dir};

/// The outcome of checking a folder: the problems, and what was checked.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub problems: Vec<Problem>,
    /// Survey ids with their number of questions.
    pub surveys: Vec<(String, usize)>,
    pub locales: Vec<Lang>,
}

impl Report {
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }

    /// One line: what was checked.
    pub fn summary(&self) -> String {
        let surveys: Vec<String> = self
            .surveys
            .iter()
            .map(|(id, n)| format!("{id} ({n} questions)"))
            .collect();
        let locales: Vec<&str> = self.locales.iter().map(|l| l.as_str()).collect();
        format!(
            "{} surveys: {}; locales: {}",
            self.surveys.len(),
            surveys.join(", "),
            locales.join(", ")
        )
    }
}

/// Checks a surveys folder and the translations in `locales_dir`.
pub fn check_dir(surveys_dir: &Path, locales_dir: &Path) -> Report {
    let (catalog, files, mut problems) = read_dir(surveys_dir);
    problems.extend(structure(&catalog, &files));
    problems.extend(translations(&catalog, &files, locales_dir));
    problems.sort();
    problems.dedup();
    Report {
        problems,
        surveys: catalog
            .surveys()
            .map(|s| (s.id.clone(), s.questions().count()))
            .collect(),
        locales: Lang::ALL.to_vec(),
    }
}

/// Where things sit in a survey file: the lines of its pages and questions.
struct Layout<'t> {
    lines: Vec<&'t str>,
    privacy: Option<usize>,
    pages: Vec<Block>,
    questions: Vec<Block>,
}

/// A `[[pages]]` or `[[pages.questions]]` table: its id and 1-based line range.
struct Block {
    id: Option<String>,
    start: usize,
    end: usize,
}

/// `key = "value"` → (key, value) for a line (value unquoted when it is a string).
fn key_value(line: &str) -> Option<(&str, &str)> {
    let (key, rest) = line.trim().split_once('=')?;
    Some((key.trim(), rest.trim().trim_matches('"')))
}

impl<'t> Layout<'t> {
    fn of(text: &'t str) -> Layout<'t> {
        let lines: Vec<&str> = text.lines().collect();
        let mut layout = Layout {
            lines: lines.clone(),
            privacy: None,
            pages: Vec::new(),
            questions: Vec::new(),
        };
        // Which table a line belongs to: 0 top level, 1 page, 2 question.
        let mut current = 0;
        for (i, raw) in lines.iter().enumerate() {
            let n = i + 1;
            let line = raw.trim();
            if line.starts_with('[') {
                let header: String = line.chars().filter(|c| !c.is_whitespace()).collect();
                let close = |blocks: &mut Vec<Block>| {
                    if let Some(b) = blocks.last_mut() {
                        b.end = b.end.min(n);
                    }
                };
                if header == "[[pages]]" {
                    close(&mut layout.questions);
                    close(&mut layout.pages);
                    layout.pages.push(Block {
                        id: None,
                        start: n,
                        end: usize::MAX,
                    });
                    current = 1;
                } else if header == "[[pages.questions]]" {
                    close(&mut layout.questions);
                    layout.questions.push(Block {
                        id: None,
                        start: n,
                        end: usize::MAX,
                    });
                    current = 2;
                } else if header.starts_with("[privacy_notice]") {
                    layout.privacy = Some(n);
                }
                continue;
            }
            if let Some((key, value)) = key_value(line) {
                let block = match current {
                    1 => layout.pages.last_mut(),
                    2 => layout.questions.last_mut(),
                    _ => {
                        if key == "privacy_notice" {
                            layout.privacy = Some(n);
                        }
                        None
                    }
                };
                if let Some(b) = block.filter(|b| key == "id" && b.id.is_none()) {
                    b.id = Some(value.to_string());
                }
            }
        }
        layout
    }

    /// The block of the `index`-th question (document order), checked by id.
    fn question(&self, index: usize, id: &str) -> Option<&Block> {
        self.questions
            .get(index)
            .filter(|b| b.id.as_deref() == Some(id))
            .or_else(|| self.questions.iter().find(|b| b.id.as_deref() == Some(id)))
    }

    fn page(&self, index: usize, id: &str) -> Option<&Block> {
        self.pages
            .get(index)
            .filter(|b| b.id.as_deref() == Some(id))
            .or_else(|| self.pages.iter().find(|b| b.id.as_deref() == Some(id)))
    }

    /// Line of `key = …` inside a block, else the block's first line.
    fn field(&self, block: Option<&Block>, key: &str) -> Option<usize> {
        let b = block?;
        let end = b.end.min(self.lines.len() + 1);
        (b.start..end)
            .find(|n| key_value(self.lines[n - 1]).is_some_and(|(k, _)| k == key))
            .or(Some(b.start))
    }

    /// Line of `key = …` inside a block, if written there.
    fn field_exact(&self, b: &Block, key: &str) -> Option<usize> {
        let end = b.end.min(self.lines.len() + 1);
        (b.start..end).find(|n| key_value(self.lines[n - 1]).is_some_and(|(k, _)| k == key))
    }

    /// Line of a top-level `key = …`.
    fn top(&self, key: &str) -> Option<usize> {
        let end = self
            .pages
            .first()
            .map(|b| b.start)
            .unwrap_or(self.lines.len() + 1);
        (1..end).find(|n| key_value(self.lines[n - 1]).is_some_and(|(k, _)| k == key))
    }
}

/// The line a message about "question `ID`: … `field` …" refers to: the field's line inside that
/// question, else the question's `id` line.
pub fn locate_question_message(text: &str, message: &str) -> Option<usize> {
    let rest = message.strip_prefix("question `")?;
    let (id, rest) = rest.split_once('`')?;
    let layout = Layout::of(text);
    let block = layout
        .questions
        .iter()
        .find(|b| b.id.as_deref() == Some(id))?;
    let fields = rest.split('`').skip(1).step_by(2);
    for field in fields {
        let key = field.split([' ', '=']).next().unwrap_or(field);
        if let Some(line) = layout.field_exact(block, key) {
            return Some(line);
        }
    }
    layout.field(Some(block), "id")
}

/// Structural problems of a parsed folder: everything that does not need the translations.
pub fn structure(catalog: &Catalog, files: &[SourceFile]) -> Vec<Problem> {
    let mut problems = Vec::new();
    for file in files {
        let name = file.path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name == CHOICES_FILE {
            check_lists(catalog, file, &mut problems);
        } else if name == REGIONS_FILE {
            check_regions(catalog, file, &mut problems);
        } else if let Some(survey) = catalog.survey(name.trim_end_matches(".toml")) {
            check_survey(catalog, survey, file, &mut problems);
        }
    }
    problems
}

fn list_line(text: &str, list: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let h: String = l.chars().filter(|c| !c.is_whitespace()).collect();
            h == format!("[lists.{list}]")
        })
        .map(|i| i + 1)
}

fn check_lists(catalog: &Catalog, file: &SourceFile, problems: &mut Vec<Problem>) {
    let mut push = |line, msg: String| problems.push(Problem::new(&file.path, line, msg));
    for (id, list) in catalog.lists() {
        let line = list_line(&file.text, id);
        if !is_identifier(id) {
            push(
                line,
                format!("list id `{id}` must be lowercase letters, digits and _"),
            );
        }
        if list.options.is_empty() {
            push(line, format!("list `{id}` has no options"));
        }
        let mut seen = BTreeSet::new();
        for o in &list.options {
            if !is_identifier(o) {
                push(
                    line,
                    format!("list `{id}`: option `{o}` must be lowercase letters, digits and _"),
                );
            }
            if !seen.insert(o) {
                push(line, format!("list `{id}`: option `{o}` appears twice"));
            }
        }
        if let Some(other) = list.other.as_ref().filter(|o| !list.options.contains(o)) {
            push(
                line,
                format!("list `{id}`: `other = \"{other}\"` is not one of its options"),
            );
        }
    }
    for (id, required) in REQUIRED_LISTS {
        let Some(list) = catalog.list(id) else {
            push(
                None,
                format!(
                    "list `{id}` is missing; the indicators need it with options {}",
                    required.join(", ")
                ),
            );
            continue;
        };
        let have: BTreeSet<&str> = list.options.iter().map(String::as_str).collect();
        let want: BTreeSet<&str> = required.iter().copied().collect();
        if have != want {
            let missing: Vec<&str> = want.difference(&have).copied().collect();
            let extra: Vec<&str> = have.difference(&want).copied().collect();
            let mut what = Vec::new();
            if !missing.is_empty() {
                what.push(format!("missing {}", missing.join(", ")));
            }
            if !extra.is_empty() {
                what.push(format!("unexpected {}", extra.join(", ")));
            }
            push(
                list_line(&file.text, id),
                format!(
                    "list `{id}` must have exactly the options the indicators read ({}): {}",
                    required.join(", "),
                    what.join("; ")
                ),
            );
        }
    }
}

fn check_regions(catalog: &Catalog, file: &SourceFile, problems: &mut Vec<Problem>) {
    let line_of_code = |code: &str| super::load::find_key_line(&file.text, "code", code, 0);
    let mut provinces = BTreeSet::new();
    let mut cities = BTreeSet::new();
    for p in &catalog.regions().provinces {
        if !provinces.insert(&p.code) {
            problems.push(Problem::new(
                &file.path,
                line_of_code(&p.code),
                format!("province code `{}` appears twice", p.code),
            ));
        }
        for c in &p.cities {
            if !cities.insert(&c.code) {
                problems.push(Problem::new(
                    &file.path,
                    line_of_code(&c.code),
                    format!("city code `{}` appears twice", c.code),
                ));
            }
        }
    }
}

/// What a reference to an earlier stage or the roster may name, for this survey.
fn check_context_ref(
    catalog: &Catalog,
    survey: &Survey,
    r: &ContextRef,
    what: &str,
) -> Result<Option<(Stage, Question)>, String> {
    match r {
        ContextRef::Roster(field) => {
            let known: &[&str] = match survey.audience {
                Audience::Graduate => &GRADUATE_ROSTER_FIELDS,
                Audience::Employer => &EMPLOYER_ROSTER_FIELDS,
            };
            if known.contains(&field.as_str()) {
                Ok(None)
            } else {
                Err(format!(
                    "{what} `roster.{field}`: unknown roster field (known: {})",
                    known.join(", ")
                ))
            }
        }
        ContextRef::Previous { stage, question } => {
            if *stage >= survey.stage
                || *stage == Stage::Employer
                || survey.stage == Stage::Employer
            {
                return Err(format!(
                    "{what} `{r}`: the {} survey can only read earlier graduate stages",
                    survey.stage
                ));
            }
            match catalog.survey_for_stage(*stage) {
                // The earlier stage's survey is elsewhere: nothing more to check.
                None => Ok(None),
                Some(earlier) => match earlier.question(question) {
                    Some(q) => Ok(Some((*stage, q.clone()))),
                    None => Err(format!(
                        "{what} `{r}`: the {stage} survey has no question `{question}`"
                    )),
                },
            }
        }
    }
}

fn check_survey(
    catalog: &Catalog,
    survey: &Survey,
    file: &SourceFile,
    problems: &mut Vec<Problem>,
) {
    let layout = Layout::of(&file.text);
    let mut push =
        |line: Option<usize>, msg: String| problems.push(Problem::new(&file.path, line, msg));
    if !is_identifier(&survey.id) {
        push(
            layout.top("id"),
            format!(
                "survey id `{}` must be lowercase letters, digits and _",
                survey.id
            ),
        );
    }
    match (survey.stage, survey.audience) {
        (Stage::Employer, Audience::Graduate)
        | (Stage::Graduation | Stage::Year1 | Stage::Year3 | Stage::Year5, Audience::Employer) => {
            push(
                layout.top("audience"),
                format!(
                    "stage `{}` does not go with audience `{:?}`",
                    survey.stage, survey.audience
                )
                .to_lowercase(),
            )
        }
        _ => {}
    }
    if !is_fluent_id(&survey.privacy_notice.message) {
        push(
            layout.privacy.or(layout.top("privacy_notice")),
            format!(
                "privacy notice message `{}` is not a Fluent message id",
                survey.privacy_notice.message
            ),
        );
    }
    if survey.pages.is_empty() {
        push(None, "the survey has no pages".into());
    }

    // Ids: unique pages, unique questions, valid names.
    let mut pages = BTreeSet::new();
    for (i, page) in survey.pages.iter().enumerate() {
        let line = layout.page(i, &page.id).map(|b| b.start);
        if !is_identifier(&page.id) {
            push(
                line,
                format!(
                    "page id `{}` must be lowercase letters, digits and _",
                    page.id
                ),
            );
        }
        if !pages.insert(page.id.as_str()) {
            let line = layout
                .pages
                .iter()
                .filter(|b| b.id.as_deref() == Some(&page.id))
                .nth(1)
                .map(|b| b.start)
                .or(line);
            push(line, format!("duplicate page id `{}`", page.id));
        }
        if page.questions.is_empty() {
            push(line, format!("page `{}` has no questions", page.id));
        }
    }
    let questions: Vec<&Question> = survey.questions().collect();
    let mut position: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, q) in questions.iter().enumerate() {
        if position.contains_key(q.id.as_str()) {
            let line = layout
                .questions
                .iter()
                .filter(|b| b.id.as_deref() == Some(&q.id))
                .nth(1)
                .map(|b| b.start);
            push(line, format!("duplicate question id `{}`", q.id));
        } else {
            position.insert(&q.id, i);
        }
    }

    let mut tags: BTreeMap<(super::tag::Tag, Option<super::tag::Qualifier>), &str> =
        BTreeMap::new();
    for (i, q) in questions.iter().enumerate() {
        let block = layout.question(i, &q.id);
        let at = |key: &str| layout.field(block, key);
        let qid = &q.id;
        if !is_identifier(qid) {
            push(
                at("id"),
                format!("question id `{qid}` must be lowercase letters, digits and _"),
            );
        }

        // Options of choice questions.
        let options: Option<Vec<String>> = match q.kind.choices() {
            Some((ChoiceSource::List(list), _)) => match catalog.list(list) {
                Some(l) => Some(l.options.clone()),
                None => {
                    let known: Vec<&str> = catalog.lists().keys().map(String::as_str).collect();
                    push(
                        at("choices"),
                        format!(
                            "question `{qid}`: unknown choice list `{list}` (lists: {})",
                            known.join(", ")
                        ),
                    );
                    None
                }
            },
            Some((ChoiceSource::Inline(options), _)) => {
                if options.is_empty() {
                    push(at("options"), format!("question `{qid}` has no options"));
                }
                let mut seen = BTreeSet::new();
                for o in options {
                    if !is_identifier(o) {
                        push(
                            at("options"),
                            format!(
                                "question `{qid}`: option `{o}` must be lowercase letters, digits and _"
                            ),
                        );
                    }
                    if !seen.insert(o) {
                        push(
                            at("options"),
                            format!("question `{qid}`: option `{o}` appears twice"),
                        );
                    }
                }
                Some(options.clone())
            }
            None => None,
        };
        if let (Some(options), Some((_, Some(other)))) = (&options, q.kind.choices()) {
            if !options.contains(&other.to_string()) {
                push(
                    at("other"),
                    format!("question `{qid}`: `other = \"{other}\"` is not one of its options"),
                );
            }
        }

        // Bounds.
        match &q.kind {
            QuestionKind::MultipleChoice {
                min_picks,
                max_picks,
                exclusive,
                ..
            } => {
                if let (Some(lo), Some(hi)) = (min_picks, max_picks) {
                    if lo > hi {
                        push(
                            at("min_picks"),
                            format!(
                                "question `{qid}`: invalid bound: min_picks {lo} > max_picks {hi}"
                            ),
                        );
                    }
                }
                if max_picks == &Some(0) {
                    push(
                        at("max_picks"),
                        format!("question `{qid}`: invalid bound: max_picks must be at least 1"),
                    );
                }
                if let Some(options) = &options {
                    let n = options.len() as u32;
                    if let Some(hi) = max_picks.filter(|m| *m > n) {
                        push(
                            at("max_picks"),
                            format!(
                                "question `{qid}`: invalid bound: max_picks {hi} > {n} options"
                            ),
                        );
                    }
                    if let Some(lo) = min_picks.filter(|m| *m > n) {
                        push(
                            at("min_picks"),
                            format!(
                                "question `{qid}`: invalid bound: min_picks {lo} > {n} options"
                            ),
                        );
                    }
                    for x in exclusive.iter().filter(|x| !options.contains(x)) {
                        push(
                            at("exclusive"),
                            format!(
                                "question `{qid}`: exclusive option `{x}` is not one of its options"
                            ),
                        );
                    }
                }
            }
            QuestionKind::Number {
                min: Some(lo),
                max: Some(hi),
                ..
            } if lo > hi => {
                push(
                    at("min"),
                    format!("question `{qid}`: invalid bound: min {lo} > max {hi}"),
                );
            }
            QuestionKind::Number {
                unit: Some(unit), ..
            } if !is_identifier(unit) => {
                push(
                    at("unit"),
                    format!(
                        "question `{qid}`: unit `{unit}` must be lowercase letters, digits and _"
                    ),
                );
            }
            QuestionKind::Text {
                min_length,
                max_length,
                ..
            } => {
                if let (Some(lo), Some(hi)) = (min_length, max_length) {
                    if lo > hi {
                        push(
                            at("min_length"),
                            format!(
                                "question `{qid}`: invalid bound: min_length {lo} > max_length {hi}"
                            ),
                        );
                    }
                }
                if max_length == &Some(0) {
                    push(
                        at("max_length"),
                        format!("question `{qid}`: invalid bound: max_length must be at least 1"),
                    );
                }
            }
            QuestionKind::YearMonth {
                min: Some(MonthBound::Month(lo)),
                max: Some(MonthBound::Month(hi)),
            } if lo > hi => {
                push(
                    at("min"),
                    format!("question `{qid}`: invalid bound: min {lo} is after max {hi}"),
                );
            }
            QuestionKind::YearMonth {
                min: Some(MonthBound::Today),
                max: Some(MonthBound::Graduation | MonthBound::Month(_)),
            } => {
                push(
                    at("min"),
                    format!(
                        "question `{qid}`: invalid bound: min \"today\" with a fixed or graduation max"
                    ),
                );
            }
            _ => {}
        }

        // Conditions: look back only, at real questions and options.
        if let Some(cond) = &q.show_if {
            let line = at("show_if");
            for op in q.condition_operands() {
                match &op {
                    Operand::Question(id) if id == qid => {
                        push(
                            line,
                            format!("question `{qid}`: condition on itself (a cycle)"),
                        );
                    }
                    Operand::Question(id) => match position.get(id.as_str()) {
                        None => push(
                            line,
                            format!("question `{qid}`: condition on unknown question `{id}`"),
                        ),
                        Some(p) if *p > i => push(
                            line,
                            format!(
                                "question `{qid}`: condition on later question `{id}` (conditions may only refer to earlier questions)"
                            ),
                        ),
                        Some(_) => {}
                    },
                    Operand::Context(r) => {
                        if let Err(e) = check_context_ref(
                            catalog,
                            survey,
                            r,
                            &format!("question `{qid}`: condition on"),
                        ) {
                            push(line, e);
                        }
                    }
                }
            }
            let mut tests = Vec::new();
            cond.option_tests(&mut tests);
            for (op, values) in tests {
                let target: Option<Question> = match op {
                    Operand::Question(id) => survey.question(id).cloned(),
                    Operand::Context(r) => check_context_ref(catalog, survey, r, "")
                        .ok()
                        .flatten()
                        .map(|(_, q)| q),
                };
                let Some(target) = target else { continue };
                let source = match op {
                    Operand::Question(_) => survey,
                    Operand::Context(ContextRef::Previous { stage, .. }) => {
                        match catalog.survey_for_stage(*stage) {
                            Some(s) => s,
                            None => continue,
                        }
                    }
                    Operand::Context(ContextRef::Roster(_)) => continue,
                };
                if target.kind.choices().is_none() {
                    continue;
                }
                let known: Vec<String> = catalog
                    .options(source, &target)
                    .into_iter()
                    .map(|o| o.id)
                    .collect();
                if known.is_empty() {
                    continue; // unknown list, reported on its own question
                }
                for v in values.iter().filter(|v| !known.contains(v)) {
                    push(
                        line,
                        format!(
                            "question `{qid}`: condition on `{op}` names unknown option `{v}` (options: {})",
                            known.join(", ")
                        ),
                    );
                }
            }
            range_tests(cond, &mut |op: &Operand| {
                if let Operand::Question(id) = op {
                    if let Some(target) = survey.question(id) {
                        if !matches!(target.kind(), Kind::Number | Kind::Rating) {
                            return Some(format!("question `{qid}`: condition `min`/`max` on `{id}`, a {} question (needs number or rating)", target.kind()));
                        }
                    }
                }
                None
            }).into_iter().for_each(|m| push(line, m));
        }

        // Prefill.
        if let Some(r) = &q.prefill {
            if let Err(e) = check_context_ref(
                catalog,
                survey,
                r,
                &format!("question `{qid}`: unknown prefill source"),
            ) {
                push(at("prefill"), e);
            }
        }

        // Extra validation rules.
        for rule in &q.validation {
            let line = at("validation");
            let wanted = match rule {
                Rule::NotAfter { .. } | Rule::NotBefore { .. } => Kind::YearMonth,
                Rule::MaxRatioTo { ratio, .. } => {
                    if *ratio <= 0.0 {
                        push(
                            line,
                            format!("question `{qid}`: invalid bound: ratio must be positive"),
                        );
                    }
                    Kind::Number
                }
            };
            if q.kind() != wanted {
                push(
                    line,
                    format!("question `{qid}`: this validation rule needs a {wanted} question"),
                );
            }
            if !is_fluent_id(rule.message()) {
                push(
                    line,
                    format!(
                        "question `{qid}`: rule message `{}` is not a Fluent message id",
                        rule.message()
                    ),
                );
            }
            let target = match rule.operand() {
                Operand::Question(id) => match position.get(id.as_str()) {
                    None => {
                        push(
                            line,
                            format!(
                                "question `{qid}`: validation rule compares with unknown question `{id}`"
                            ),
                        );
                        None
                    }
                    Some(_) => survey.question(id).cloned(),
                },
                Operand::Context(r) => match check_context_ref(
                    catalog,
                    survey,
                    r,
                    &format!("question `{qid}`: validation rule compares with"),
                ) {
                    Ok(t) => t.map(|(_, q)| q),
                    Err(e) => {
                        push(line, e);
                        None
                    }
                },
            };
            if let Some(t) = target.filter(|t| {
                t.kind() != wanted && !(wanted == Kind::Number && t.kind() == Kind::Rating)
            }) {
                push(
                    line,
                    format!(
                        "question `{qid}`: validation rule compares with `{}`, a {} question (needs {wanted})",
                        t.id,
                        t.kind()
                    ),
                );
            }
        }

        // Indicator tags.
        if let Some(tag) = q.tag {
            let line = at("tag");
            if !tag.allowed_kinds().contains(&q.kind()) {
                let allowed: Vec<&str> = tag.allowed_kinds().iter().map(|k| k.as_str()).collect();
                push(
                    line,
                    format!(
                        "question `{qid}`: tag `{tag}` cannot sit on a {} question (needs {})",
                        q.kind(),
                        allowed.join(" or ")
                    ),
                );
            } else if let Some(list) = tag.required_list() {
                let uses =
                    matches!(q.kind.choices(), Some((ChoiceSource::List(l), _)) if l == list);
                if !uses {
                    push(
                        line,
                        format!(
                            "question `{qid}`: tag `{tag}` needs the shared list: choices = \"{list}\""
                        ),
                    );
                }
            }
            if let (OptionsRule::Include(needed), Some(options)) = (tag.options_rule(), &options) {
                let missing: Vec<&str> = needed
                    .iter()
                    .copied()
                    .filter(|n| !options.iter().any(|o| o == n))
                    .collect();
                if !missing.is_empty() {
                    push(
                        line,
                        format!(
                            "question `{qid}`: tag `{tag}` needs options {} (missing {})",
                            needed.join(", "),
                            missing.join(", ")
                        ),
                    );
                }
            }
            if tag.employer_only() != (survey.audience == Audience::Employer) {
                push(
                    line,
                    format!(
                        "question `{qid}`: tag `{tag}` does not belong in a {:?} survey",
                        survey.audience
                    )
                    .to_lowercase(),
                );
            }
            if tag.unique() {
                if let Some(first) = tags.insert((tag, q.qualifier), qid) {
                    let per = q
                        .qualifier
                        .map(|l| format!(" with qualifier `{}`", l.as_str()))
                        .unwrap_or_default();
                    push(
                        line,
                        format!(
                            "question `{qid}`: tag `{tag}`{per} is already on question `{first}`; it must be unique"
                        ),
                    );
                }
            }
            if q.qualifier.is_some() && !tag.takes_qualifier() {
                push(
                    at("qualifier"),
                    format!("question `{qid}`: tag `{tag}` takes no qualifier"),
                );
            }
        } else if q.qualifier.is_some() {
            push(
                at("qualifier"),
                format!("question `{qid}`: a qualifier needs a tag"),
            );
        }
    }
}

/// Runs `f` on the operand of every `min`/`max` test, collecting its complaints.
fn range_tests(
    cond: &super::condition::Condition,
    f: &mut dyn FnMut(&Operand) -> Option<String>,
) -> Vec<String> {
    use super::condition::Condition;
    let mut out = Vec::new();
    match cond {
        Condition::All(cs) | Condition::Any(cs) => {
            cs.iter().for_each(|c| out.extend(range_tests(c, f)))
        }
        Condition::Not(c) => out.extend(range_tests(c, f)),
        Condition::Test {
            on,
            test: Test::Range { .. },
        } => out.extend(f(on)),
        Condition::Test { .. } => {}
    }
    out
}

/// Fluent message ids: `[a-zA-Z][a-zA-Z0-9_-]*`.
fn is_fluent_id(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// A message every locale must have, and where its need comes from.
struct Needed {
    key: String,
    /// The definition file that needs it; `None` for the engine's own messages (survey.ftl).
    file: Option<PathBuf>,
    line: Option<usize>,
    /// Variables the message may use (None: not checked).
    variables: Option<BTreeSet<String>>,
}

/// Translation problems: syntax errors, messages defined twice, messages missing in a locale,
/// and variables no one provides.
pub fn translations(catalog: &Catalog, files: &[SourceFile], locales_dir: &Path) -> Vec<Problem> {
    let mut problems = Vec::new();
    let needed = needed_messages(catalog, files);
    for lang in Lang::ALL {
        let dir = locales_dir.join(lang.as_str());
        let sources = match read_lang_dir(&dir) {
            Ok(s) => s,
            Err(e) => {
                problems.push(Problem::new(
                    &dir,
                    None,
                    format!("cannot read locale {lang}: {e}"),
                ));
                continue;
            }
        };
        // id → (file, line, variables)
        let mut defined: BTreeMap<String, (PathBuf, usize, Vec<String>)> = BTreeMap::new();
        for (path, text) in sources {
            let (resource, errors) = parse_ftl(text);
            for e in errors {
                problems.push(Problem::new(&path, Some(e.line), e.message));
            }
            for entry in entries(&resource) {
                if let Some((first, line, _)) = defined.get(&entry.id) {
                    problems.push(Problem::new(
                        &path,
                        Some(entry.line),
                        format!(
                            "message `{}` is already defined at {}:{line} (locale {lang})",
                            entry.id,
                            first.display()
                        ),
                    ));
                } else {
                    defined.insert(entry.id, (path.clone(), entry.line, entry.variables));
                }
            }
        }
        for n in &needed {
            match defined.get(&n.key) {
                None => problems.push(Problem::new(
                    &n.file.clone().unwrap_or_else(|| dir.join("survey.ftl")),
                    n.line,
                    format!(
                        "message `{}` is missing in locale {lang} ({})",
                        n.key,
                        dir.display()
                    ),
                )),
                Some((path, line, vars)) => {
                    if let Some(allowed) = &n.variables {
                        for v in vars.iter().filter(|v| !allowed.contains(*v)) {
                            problems.push(Problem::new(
                                path,
                                Some(*line),
                                format!("message `{}` uses `${v}`, which is not a roster field, an answer or an earlier stage's answer (locale {lang})", n.key),
                            ));
                        }
                    }
                }
            }
        }
    }
    problems
}

/// Every message the definitions need, each with the line that needs it.
fn needed_messages(catalog: &Catalog, files: &[SourceFile]) -> Vec<Needed> {
    let mut out = Vec::new();
    let file_of = |name: &str| {
        files
            .iter()
            .find(|f| f.path.file_name().and_then(|n| n.to_str()) == Some(name))
    };
    let mut need =
        |key: String, file: &Path, line: Option<usize>, variables: Option<BTreeSet<String>>| {
            out.push(Needed {
                key,
                file: Some(file.to_path_buf()),
                line,
                variables,
            });
        };
    let mut units = BTreeMap::new();
    let mut scales = BTreeMap::new();
    for survey in catalog.surveys() {
        let Some(file) = file_of(&format!("{}.toml", survey.id)) else {
            continue;
        };
        let layout = Layout::of(&file.text);
        let vars = survey_variables(catalog, survey);
        let id_line = layout.top("id");
        need(survey.title_key(), &file.path, id_line, Some(vars.clone()));
        need(survey.intro_key(), &file.path, id_line, Some(vars.clone()));
        need(
            survey.privacy_notice.message.clone(),
            &file.path,
            layout.privacy.or(layout.top("privacy_notice")),
            Some(vars.clone()),
        );
        for (i, page) in survey.pages.iter().enumerate() {
            need(
                survey.page_key(page),
                &file.path,
                layout.page(i, &page.id).map(|b| b.start),
                Some(vars.clone()),
            );
        }
        for (i, q) in survey.questions().enumerate() {
            let block = layout.question(i, &q.id);
            let line = layout.field(block, "id");
            need(survey.question_key(q), &file.path, line, Some(vars.clone()));
            if q.help {
                need(
                    survey.help_key(q),
                    &file.path,
                    layout.field(block, "help"),
                    Some(vars.clone()),
                );
            }
            if let Some((ChoiceSource::Inline(options), _)) = q.kind.choices() {
                for o in options {
                    need(
                        format!("{}-{}-opt-{o}", survey.id, q.id),
                        &file.path,
                        layout.field(block, "options"),
                        Some(vars.clone()),
                    );
                }
            }
            match &q.kind {
                QuestionKind::Number {
                    unit: Some(unit), ..
                } => {
                    units
                        .entry(unit.clone())
                        .or_insert((file.path.clone(), layout.field(block, "unit")));
                }
                QuestionKind::Rating { scale } => {
                    scales
                        .entry(*scale)
                        .or_insert((file.path.clone(), layout.field(block, "scale")));
                }
                _ => {}
            }
            for rule in &q.validation {
                let mut rule_vars = vars.clone();
                rule_vars.insert("other".into());
                need(
                    rule.message().to_string(),
                    &file.path,
                    layout.field(block, "validation"),
                    Some(rule_vars),
                );
            }
        }
    }
    if let Some(file) = file_of(CHOICES_FILE) {
        for (id, list) in catalog.lists() {
            for o in &list.options {
                need(
                    format!("choice-{id}-{o}"),
                    &file.path,
                    list_line(&file.text, id),
                    Some(BTreeSet::new()),
                );
            }
        }
    }
    for (unit, (file, line)) in units {
        need(format!("unit-{unit}"), &file, line, Some(BTreeSet::new()));
    }
    for (scale, (file, line)) in scales {
        let keys: Vec<String> = match scale {
            Scale::Likert5 => (1..=5).map(|n| format!("scale-likert5-{n}")).collect(),
            Scale::Score100 => vec!["scale-score100-low".into(), "scale-score100-high".into()],
        };
        for k in keys {
            need(k, &file, line, Some(BTreeSet::new()));
        }
    }
    // The engine's own messages: attributed to the engine file they belong in.
    for key in INVALID_MESSAGES {
        out.push(Needed {
            key: key.to_string(),
            file: None,
            line: None,
            variables: None,
        });
    }
    out
}

/// The Fluent variables a survey's messages can use: roster fields, its questions, and the
/// questions of earlier stages as `<stage>_<question>`.
fn survey_variables(catalog: &Catalog, survey: &Survey) -> BTreeSet<String> {
    let roster: &[&str] = match survey.audience {
        Audience::Graduate => &GRADUATE_ROSTER_FIELDS,
        Audience::Employer => &EMPLOYER_ROSTER_FIELDS,
    };
    let mut vars: BTreeSet<String> = roster.iter().map(|s| s.to_string()).collect();
    vars.extend(survey.questions().map(|q| q.id.clone()));
    if survey.audience == Audience::Graduate {
        for earlier in catalog
            .surveys()
            .filter(|s| s.stage < survey.stage && s.audience == Audience::Graduate)
        {
            vars.extend(
                earlier
                    .questions()
                    .map(|q| format!("{}_{}", earlier.stage, q.id)),
            );
        }
    }
    vars
}

/// The JSON Schema of a survey definition file, pretty-printed (`gradtrace surveys schema`).
pub fn schema_json() -> String {
    let schema = schemars::schema_for!(Survey);
    // Serialising a schema (plain JSON values) cannot fail.
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}
