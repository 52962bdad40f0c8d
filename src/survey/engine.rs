//! The answer engine: pure functions over a definition, the context (roster, earlier stages,
//! today) and the answers so far. The web form and the bot both go through it, so they never
//! disagree about what is shown, what is valid and when a response is complete. No I/O, no clock.
use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::answer::{Answer, Answers};
use super::choices::ChoiceOption;
use super::condition::{ContextRef, Operand, Value};
use super::def::{MonthBound, Page, Question, QuestionKind, Rule, Stage, Survey, YearMonth};
use super::load::Catalog;

/// Longest text accepted when a text question sets no `max_length` (single line / multiline).
pub const DEFAULT_MAX_LENGTH: u32 = 200;
pub const DEFAULT_MAX_LENGTH_MULTILINE: u32 = 2000;
/// Longest "please specify" text.
pub const OTHER_MAX_LENGTH: usize = 200;

/// Every built-in validation message (`locales/<lang>/survey.ftl`); the checker requires each in
/// every locale.
pub const INVALID_MESSAGES: [&str; 22] = [
    "invalid-required",
    "invalid-unknown-page",
    "invalid-unknown-question",
    "invalid-hidden",
    "invalid-answer-kind",
    "invalid-option",
    "invalid-other-missing",
    "invalid-other-too-long",
    "invalid-exclusive",
    "invalid-min-picks",
    "invalid-max-picks",
    "invalid-rating",
    "invalid-number",
    "invalid-integer",
    "invalid-number-min",
    "invalid-number-max",
    "invalid-text-short",
    "invalid-text-long",
    "invalid-month-min",
    "invalid-month-max",
    "invalid-region-province",
    "invalid-region-city",
];

/// Roster fields of a graduate, as the front doors put them in `Context::roster` (and as
/// definitions may name them: `roster.<field>`, `$<field>`).
pub const GRADUATE_ROSTER_FIELDS: [&str; 9] = [
    "name",
    "student_id",
    "degree_level",
    "department",
    "major",
    "class",
    "graduation_year",
    "graduation_date",
    "gender",
];

/// Roster fields of an employer contact.
pub const EMPLOYER_ROSTER_FIELDS: [&str; 7] = [
    "employer_name",
    "uscc",
    "employer_type",
    "industry",
    "province",
    "city",
    "contact_name",
];

/// What the engine is given besides the definition and the answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Context {
    /// Roster fields by the names in `GRADUATE_ROSTER_FIELDS` / `EMPLOYER_ROSTER_FIELDS`
    /// (`class` is the roster's class name; `graduation_date` is `YYYY-MM-DD`).
    pub roster: BTreeMap<String, String>,
    /// The same person's answers to earlier stages.
    pub previous: BTreeMap<Stage, Answers>,
    /// So the engine never reads the clock.
    pub today: NaiveDate,
}

impl Context {
    pub fn new(today: NaiveDate) -> Context {
        Context {
            roster: BTreeMap::new(),
            previous: BTreeMap::new(),
            today,
        }
    }

    /// The earliest and latest month "graduation" can mean: the month of the roster's
    /// `graduation_date` (`YYYY-MM-DD` or `YYYY-MM`), else the whole of `graduation_year`
    /// (January as a lower bound, December as an upper one, so no valid answer is refused).
    pub fn graduation_months(&self) -> Option<(YearMonth, YearMonth)> {
        if let Some(date) = self.roster.get("graduation_date") {
            if let Some(m) = date.get(..7).and_then(|s| s.parse::<YearMonth>().ok()) {
                return Some((m, m));
            }
        }
        let year: i32 = self.roster.get("graduation_year")?.trim().parse().ok()?;
        Some((YearMonth::new(year, 1)?, YearMonth::new(year, 12)?))
    }

    pub fn lookup(&self, r: &ContextRef) -> Option<Value<'_>> {
        match r {
            ContextRef::Roster(field) => self.roster.get(field).map(|s| Value::Text(s)),
            ContextRef::Previous { stage, question } => self
                .previous
                .get(stage)
                .and_then(|a| a.get(question))
                .map(Value::Answer),
        }
    }
}

/// A validation problem: a Fluent message id and its arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invalid {
    pub message: String,
    pub args: Vec<(String, String)>,
}

impl Invalid {
    pub fn new(message: &str) -> Invalid {
        Invalid {
            message: message.to_string(),
            args: Vec::new(),
        }
    }

    pub fn with(mut self, name: &str, value: impl ToString) -> Invalid {
        self.args.push((name.to_string(), value.to_string()));
        self
    }
}

/// Why a page was refused: problems of the page itself, and of each question by id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageErrors {
    pub page: Vec<Invalid>,
    pub questions: BTreeMap<String, Vec<Invalid>>,
}

impl PageErrors {
    pub fn is_empty(&self) -> bool {
        self.page.is_empty() && self.questions.is_empty()
    }
}

/// A value piped into message texts as a Fluent variable.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum PipeValue {
    Text(String),
    Number(f64),
    /// A message id to localise (a choice's label).
    Message(String),
    /// Several labels (multiple choice), joined by the front door.
    Messages(Vec<String>),
    /// A place, named in Chinese and English (from regions.toml).
    Names {
        zh: String,
        en: String,
    },
}

/// The engine for one survey of a catalog.
#[derive(Debug, Clone, Copy)]
pub struct Engine<'a> {
    pub catalog: &'a Catalog,
    pub survey: &'a Survey,
}

impl<'a> Engine<'a> {
    pub fn new(catalog: &'a Catalog, survey: &'a Survey) -> Engine<'a> {
        Engine { catalog, survey }
    }

    /// Visibility of every question in document order, and the answers that count (those of
    /// visible questions). A condition reads only earlier questions, so one pass suffices; a
    /// hidden question's answer never makes a later question visible.
    fn walk(&self, ctx: &Context, answers: &Answers) -> (Vec<(&'a Question, bool)>, Answers) {
        let mut effective = Answers::new();
        let mut out = Vec::new();
        for q in self.survey.questions() {
            let visible = match &q.show_if {
                None => true,
                Some(cond) => cond.eval(&|op: &Operand| match op {
                    Operand::Question(id) => effective.get(id).map(Value::Answer),
                    Operand::Context(r) => ctx.lookup(r),
                }),
            };
            if visible {
                if let Some(a) = answers.get(&q.id) {
                    effective.insert(q.id.clone(), a.clone());
                }
            }
            out.push((q, visible));
        }
        (out, effective)
    }

    /// Whether a question is done: answered validly, or an optional question passed over. An
    /// answer made invalid by a later change (a date rule, say) is not done: it is asked again.
    fn is_done(&self, q: &Question, ctx: &Context, effective: &Answers) -> bool {
        match effective.get(&q.id) {
            None => false,
            Some(Answer::Skipped) => !q.required,
            Some(a) => self.validate(q, a, ctx, effective).is_ok(),
        }
    }

    pub fn is_visible(&self, q: &Question, ctx: &Context, answers: &Answers) -> bool {
        self.walk(ctx, answers)
            .0
            .iter()
            .any(|(x, visible)| *visible && x.id == q.id)
    }

    /// The questions shown, in order.
    pub fn visible_questions(&self, ctx: &Context, answers: &Answers) -> Vec<&'a Question> {
        self.walk(ctx, answers)
            .0
            .into_iter()
            .filter_map(|(q, visible)| visible.then_some(q))
            .collect()
    }

    /// The pages with at least one visible question, in order.
    pub fn visible_pages(&self, ctx: &Context, answers: &Answers) -> Vec<&'a Page> {
        let visible: BTreeSet<&str> = self
            .visible_questions(ctx, answers)
            .into_iter()
            .map(|q| q.id.as_str())
            .collect();
        self.survey
            .pages
            .iter()
            .filter(|p| p.questions.iter().any(|q| visible.contains(q.id.as_str())))
            .collect()
    }

    /// The visible questions of one page, in order.
    pub fn visible_on_page(
        &self,
        ctx: &Context,
        answers: &Answers,
        page: &Page,
    ) -> Vec<&'a Question> {
        self.visible_questions(ctx, answers)
            .into_iter()
            .filter(|q| page.questions.iter().any(|p| p.id == q.id))
            .collect()
    }

    /// The first visible question without a valid answer (an optional one passed over counts
    /// as answered): what the bot asks next.
    pub fn next_unanswered(&self, ctx: &Context, answers: &Answers) -> Option<&'a Question> {
        let (walk, effective) = self.walk(ctx, answers);
        walk.into_iter()
            .find(|(q, visible)| *visible && !self.is_done(q, ctx, &effective))
            .map(|(q, _)| q)
    }

    /// Index into `visible_pages` of the first page with a question still to answer.
    pub fn current_page(&self, ctx: &Context, answers: &Answers) -> Option<usize> {
        let next = self.next_unanswered(ctx, answers)?;
        self.visible_pages(ctx, answers)
            .iter()
            .position(|p| p.questions.iter().any(|q| q.id == next.id))
    }

    /// Answers of visible questions only: what completion, exports and indicators read.
    pub fn effective_answers(&self, ctx: &Context, answers: &Answers) -> Answers {
        self.walk(ctx, answers).1
    }

    /// Complete when every visible required question has a valid answer and every other visible
    /// answer is valid too (an earlier change can invalidate a later answer, e.g. a date rule).
    pub fn is_complete(&self, ctx: &Context, answers: &Answers) -> bool {
        let (walk, effective) = self.walk(ctx, answers);
        walk.into_iter()
            .filter(|(_, v)| *v)
            .all(|(q, _)| match effective.get(&q.id) {
                None => !q.required,
                Some(a) => self.validate(q, a, ctx, &effective).is_ok(),
            })
    }

    /// (answered, total) over the visible questions.
    pub fn progress(&self, ctx: &Context, answers: &Answers) -> (usize, usize) {
        let (walk, effective) = self.walk(ctx, answers);
        let visible: Vec<&Question> = walk
            .into_iter()
            .filter(|(_, v)| *v)
            .map(|(q, _)| q)
            .collect();
        let done = visible
            .iter()
            .filter(|q| self.is_done(q, ctx, &effective))
            .count();
        (done, visible.len())
    }

    /// The options of a choice question with their label messages.
    pub fn options(&self, q: &Question) -> Vec<ChoiceOption> {
        self.catalog.options(self.survey, q)
    }

    fn option_ids(&self, q: &Question) -> Vec<String> {
        self.options(q).into_iter().map(|o| o.id).collect()
    }

    /// Tidies an answer as the respondent gave it: trims texts, drops an empty or unused
    /// "please specify", drops repeated picks, and turns an empty optional text or an optional
    /// multiple choice with no pick into "skipped".
    pub fn normalize(&self, q: &Question, answer: Answer) -> Answer {
        let other_option = self.catalog.other_option(q);
        let tidy_other = |other: Option<String>, chosen: bool| {
            other
                .map(|o| o.trim().to_string())
                .filter(|o| chosen && !o.is_empty())
        };
        match answer {
            Answer::Choice { choice, other } => {
                let chosen = other_option == Some(choice.as_str());
                Answer::Choice {
                    other: tidy_other(other, chosen),
                    choice,
                }
            }
            Answer::Choices { choices, other } => {
                let mut seen = BTreeSet::new();
                let choices: Vec<String> = choices
                    .into_iter()
                    .filter(|c| seen.insert(c.clone()))
                    .collect();
                let chosen = other_option.is_some_and(|o| choices.iter().any(|c| c == o));
                if choices.is_empty() && !q.required {
                    Answer::Skipped
                } else {
                    Answer::Choices {
                        other: tidy_other(other, chosen),
                        choices,
                    }
                }
            }
            Answer::Text(t) => {
                let t = t.trim().to_string();
                if t.is_empty() && !q.required {
                    Answer::Skipped
                } else {
                    Answer::Text(t)
                }
            }
            other => other,
        }
    }

    /// Checks one answer against its question (kind, options, bounds, extra rules). `answers` are
    /// the response's other answers, for rules comparing with them.
    pub fn validate(
        &self,
        q: &Question,
        answer: &Answer,
        ctx: &Context,
        answers: &Answers,
    ) -> Result<(), Vec<Invalid>> {
        let mut errs = Vec::new();
        if matches!(answer, Answer::Skipped) {
            return if q.required {
                Err(vec![Invalid::new("invalid-required")])
            } else {
                Ok(())
            };
        }
        let other_option = self.catalog.other_option(q);
        let check_other = |chosen: bool, other: &Option<String>, errs: &mut Vec<Invalid>| {
            if chosen {
                match other.as_deref().map(str::trim) {
                    None | Some("") => errs.push(Invalid::new("invalid-other-missing")),
                    Some(text) if text.chars().count() > OTHER_MAX_LENGTH => errs
                        .push(Invalid::new("invalid-other-too-long").with("max", OTHER_MAX_LENGTH)),
                    Some(_) => {}
                }
            }
        };
        match (&q.kind, answer) {
            (QuestionKind::SingleChoice { .. }, Answer::Choice { choice, other }) => {
                if !self.option_ids(q).contains(choice) {
                    errs.push(Invalid::new("invalid-option").with("option", choice));
                } else {
                    check_other(other_option == Some(choice.as_str()), other, &mut errs);
                }
            }
            (
                QuestionKind::MultipleChoice {
                    min_picks,
                    max_picks,
                    exclusive,
                    ..
                },
                Answer::Choices { choices, other },
            ) => {
                let ids = self.option_ids(q);
                if let Some(bad) = choices.iter().find(|c| !ids.contains(c)) {
                    errs.push(Invalid::new("invalid-option").with("option", bad));
                }
                let distinct: BTreeSet<&String> = choices.iter().collect();
                let picks = distinct.len() as u32;
                if picks == 0 && q.required && min_picks.is_none() {
                    errs.push(Invalid::new("invalid-required"));
                }
                if let Some(min) = min_picks.filter(|m| picks < *m) {
                    errs.push(Invalid::new("invalid-min-picks").with("min", min));
                }
                if let Some(max) = max_picks.filter(|m| picks > *m) {
                    errs.push(Invalid::new("invalid-max-picks").with("max", max));
                }
                if picks > 1 {
                    if let Some(x) = exclusive.iter().find(|x| distinct.contains(x)) {
                        let label = self.catalog.option_label_key(self.survey, q, x);
                        errs.push(Invalid::new("invalid-exclusive").with("option", label));
                    }
                }
                let chosen = other_option.is_some_and(|o| choices.iter().any(|c| c == o));
                check_other(chosen, other, &mut errs);
            }
            (QuestionKind::Rating { scale }, Answer::Rating(r)) => {
                let (min, max) = scale.range();
                if !(min..=max).contains(r) {
                    errs.push(
                        Invalid::new("invalid-rating")
                            .with("min", min)
                            .with("max", max),
                    );
                }
            }
            (
                QuestionKind::Number {
                    min, max, integer, ..
                },
                Answer::Number(n),
            ) => {
                if !n.is_finite() {
                    errs.push(Invalid::new("invalid-number"));
                } else {
                    if *integer && n.fract() != 0.0 {
                        errs.push(Invalid::new("invalid-integer"));
                    }
                    if let Some(min) = min.filter(|m| n < m) {
                        errs.push(Invalid::new("invalid-number-min").with("min", min));
                    }
                    if let Some(max) = max.filter(|m| n > m) {
                        errs.push(Invalid::new("invalid-number-max").with("max", max));
                    }
                }
            }
            (
                QuestionKind::Text {
                    min_length,
                    max_length,
                    multiline,
                },
                Answer::Text(t),
            ) => {
                let len = t.trim().chars().count() as u32;
                let max = max_length.unwrap_or(if *multiline {
                    DEFAULT_MAX_LENGTH_MULTILINE
                } else {
                    DEFAULT_MAX_LENGTH
                });
                if len == 0 {
                    if q.required {
                        errs.push(Invalid::new("invalid-required"));
                    }
                } else if let Some(min) = min_length.filter(|m| len < *m) {
                    errs.push(Invalid::new("invalid-text-short").with("min", min));
                }
                if len > max {
                    errs.push(Invalid::new("invalid-text-long").with("max", max));
                }
            }
            (QuestionKind::YearMonth { min, max }, Answer::YearMonth(m)) => {
                let grad = ctx.graduation_months();
                let resolve = |b: &MonthBound, lower: bool| match b {
                    MonthBound::Month(m) => Some(*m),
                    MonthBound::Today => Some(YearMonth::of(ctx.today)),
                    MonthBound::Graduation => grad.map(|(lo, hi)| if lower { lo } else { hi }),
                };
                if let Some(lo) = min.as_ref().and_then(|b| resolve(b, true)) {
                    if *m < lo {
                        errs.push(Invalid::new("invalid-month-min").with("min", lo));
                    }
                }
                if let Some(hi) = max.as_ref().and_then(|b| resolve(b, false)) {
                    if *m > hi {
                        errs.push(Invalid::new("invalid-month-max").with("max", hi));
                    }
                }
            }
            (QuestionKind::Region, Answer::Region { province, city, .. }) => {
                match self.catalog.regions().province(province) {
                    None => errs.push(Invalid::new("invalid-region-province")),
                    Some(p) => {
                        let ok = match city {
                            Some(c) => p.cities.iter().any(|x| &x.code == c),
                            None => p.cities.is_empty(),
                        };
                        if !ok {
                            errs.push(Invalid::new("invalid-region-city"));
                        }
                    }
                }
            }
            _ => errs.push(Invalid::new("invalid-answer-kind")),
        }
        if errs.is_empty() {
            for rule in &q.validation {
                if let Some(e) = self.check_rule(rule, answer, ctx, answers) {
                    errs.push(e);
                }
            }
        }
        if errs.is_empty() { Ok(()) } else { Err(errs) }
    }

    /// An extra rule; passes when the value it compares with is missing.
    fn check_rule(
        &self,
        rule: &Rule,
        answer: &Answer,
        ctx: &Context,
        answers: &Answers,
    ) -> Option<Invalid> {
        let other = match rule.operand() {
            Operand::Question(id) => answers.get(id),
            Operand::Context(r) => match ctx.lookup(r) {
                Some(Value::Answer(a)) => Some(a),
                // Roster values are text; rules compare answers.
                _ => None,
            },
        }?;
        let fail = match rule {
            Rule::NotAfter { .. } => {
                let (a, b) = (answer.as_year_month()?, other.as_year_month()?);
                (a > b).then(|| b.to_string())
            }
            Rule::NotBefore { .. } => {
                let (a, b) = (answer.as_year_month()?, other.as_year_month()?);
                (a < b).then(|| b.to_string())
            }
            Rule::MaxRatioTo { ratio, .. } => {
                let (a, b) = (answer.as_number()?, other.as_number()?);
                (b > 0.0 && a > ratio * b).then(|| b.to_string())
            }
        }?;
        Some(Invalid::new(rule.message()).with("other", fail))
    }

    /// Answers one question (the bot's step): it must exist and be visible now, and the answer
    /// must be valid. Returns the answers with this one merged; the input is left as it was.
    pub fn answer_question(
        &self,
        ctx: &Context,
        answers: &Answers,
        question_id: &str,
        answer: Answer,
    ) -> Result<Answers, Vec<Invalid>> {
        let Some(q) = self.survey.question(question_id) else {
            return Err(vec![Invalid::new("invalid-unknown-question")]);
        };
        let (walk, effective) = self.walk(ctx, answers);
        if !walk.iter().any(|(x, v)| *v && x.id == q.id) {
            return Err(vec![Invalid::new("invalid-hidden")]);
        }
        let answer = self.normalize(q, answer);
        self.validate(q, &answer, ctx, &effective)?;
        let mut merged = answers.clone();
        merged.insert(q.id.clone(), answer);
        Ok(merged)
    }

    /// Submits a whole page (the web form's step): `page_answers` is the page as submitted, so a
    /// visible question left out is unanswered (an error when required, stored as skipped when
    /// optional) — an unticked set of checkboxes sends nothing, and that must clear the old
    /// picks. Every visible question of the page is checked after merging (visibility can
    /// depend on answers given on the same page); values sent for questions this submission
    /// hides are dropped, and whatever was stored for them before is kept (it is ignored while
    /// they are hidden). On any error nothing is merged.
    pub fn submit_page(
        &self,
        ctx: &Context,
        answers: &Answers,
        page_id: &str,
        page_answers: Answers,
    ) -> Result<Answers, PageErrors> {
        let mut errors = PageErrors::default();
        let Some(page) = self.survey.page(page_id) else {
            errors.page.push(Invalid::new("invalid-unknown-page"));
            return Err(errors);
        };
        let mut merged = answers.clone();
        for q in &page.questions {
            merged.remove(&q.id);
        }
        for (id, answer) in page_answers {
            match page.questions.iter().find(|q| q.id == id) {
                Some(q) => {
                    merged.insert(id, self.normalize(q, answer));
                }
                None => {
                    errors
                        .questions
                        .insert(id, vec![Invalid::new("invalid-unknown-question")]);
                }
            }
        }
        let (walk, effective) = self.walk(ctx, &merged);
        for (q, visible) in walk {
            if !page.questions.iter().any(|p| p.id == q.id) {
                continue;
            }
            if !visible {
                match answers.get(&q.id) {
                    Some(old) => merged.insert(q.id.clone(), old.clone()),
                    None => merged.remove(&q.id),
                };
                continue;
            }
            match merged.get(&q.id) {
                Some(a) => {
                    if let Err(e) = self.validate(q, a, ctx, &effective) {
                        errors.questions.insert(q.id.clone(), e);
                    }
                }
                None if q.required => {
                    errors
                        .questions
                        .insert(q.id.clone(), vec![Invalid::new("invalid-required")]);
                }
                None => {
                    merged.insert(q.id.clone(), Answer::Skipped);
                }
            }
        }
        if errors.is_empty() {
            Ok(merged)
        } else {
            Err(errors)
        }
    }

    /// The suggested answer of a question with `prefill` (never saved until confirmed): only
    /// offered when it is a valid answer to this question.
    pub fn prefill(&self, q: &Question, ctx: &Context) -> Option<Answer> {
        let suggestion = match q.prefill.as_ref()? {
            ContextRef::Previous { stage, question } => {
                ctx.previous.get(stage)?.get(question)?.clone()
            }
            ContextRef::Roster(field) => {
                let value = ctx.roster.get(field)?.trim();
                match &q.kind {
                    QuestionKind::Text { .. } => Answer::Text(value.to_string()),
                    QuestionKind::Number { .. } => Answer::Number(value.parse().ok()?),
                    QuestionKind::Rating { .. } => Answer::Rating(value.parse().ok()?),
                    QuestionKind::YearMonth { .. } => {
                        Answer::YearMonth(value.get(..7)?.parse().ok()?)
                    }
                    QuestionKind::SingleChoice { .. } => Answer::choice(value),
                    QuestionKind::MultipleChoice { .. } => Answer::Choices {
                        choices: vec![value.to_string()],
                        other: None,
                    },
                    QuestionKind::Region => return None,
                }
            }
        };
        if suggestion.is_skipped() {
            return None;
        }
        self.validate(q, &suggestion, ctx, &Answers::new())
            .ok()
            .map(|_| suggestion)
    }

    /// Fluent variables for this survey's messages: roster fields, the same person's earlier
    /// stages as `<stage>_<question>`, then this response's (effective) answers by question id —
    /// later entries win when names collide. Choice answers are piped as label messages.
    pub fn message_args(&self, ctx: &Context, answers: &Answers) -> Vec<(String, PipeValue)> {
        let mut args: Vec<(String, PipeValue)> = ctx
            .roster
            .iter()
            .map(|(k, v)| (k.clone(), PipeValue::Text(v.clone())))
            .collect();
        for (stage, previous) in &ctx.previous {
            let survey = self.catalog.survey_for_stage(*stage);
            for (id, answer) in previous.iter() {
                let q = survey.and_then(|s| s.question(id).map(|q| (s, q)));
                if let Some(v) = self.pipe(q, answer) {
                    args.push((format!("{stage}_{id}"), v));
                }
            }
        }
        for (id, answer) in self.effective_answers(ctx, answers).iter() {
            let q = self.survey.question(id).map(|q| (self.survey, q));
            if let Some(v) = self.pipe(q, answer) {
                args.push((id.clone(), v));
            }
        }
        args
    }

    fn pipe(&self, q: Option<(&Survey, &Question)>, answer: &Answer) -> Option<PipeValue> {
        let label = |option: &str| match q {
            Some((s, q)) => PipeValue::Message(self.catalog.option_label_key(s, q, option)),
            // The definition is gone: the option id is all there is.
            None => PipeValue::Text(option.to_string()),
        };
        let other_option = q.and_then(|(_, q)| self.catalog.other_option(q));
        Some(match answer {
            Answer::Skipped => return None,
            Answer::Choice { choice, other } => match other {
                Some(text) if other_option == Some(choice.as_str()) => {
                    PipeValue::Text(text.clone())
                }
                _ => label(choice),
            },
            Answer::Choices { choices, other } => PipeValue::Messages(
                choices
                    .iter()
                    .map(|c| match (other, label(c)) {
                        (Some(text), _) if other_option == Some(c.as_str()) => text.clone(),
                        (_, PipeValue::Message(key) | PipeValue::Text(key)) => key,
                        _ => c.clone(),
                    })
                    .collect(),
            ),
            Answer::Rating(r) => PipeValue::Number(f64::from(*r)),
            Answer::Number(n) => PipeValue::Number(*n),
            Answer::Text(t) => PipeValue::Text(t.clone()),
            Answer::YearMonth(m) => PipeValue::Text(m.to_string()),
            Answer::Region { .. } => {
                let (zh, en) = self.catalog.regions().names(answer)?;
                PipeValue::Names { zh, en }
            }
        })
    }
}

impl Survey {
    pub fn title_key(&self) -> String {
        format!("{}-title", self.id)
    }
    pub fn intro_key(&self) -> String {
        format!("{}-intro", self.id)
    }
    pub fn page_key(&self, page: &Page) -> String {
        format!("{}-page-{}", self.id, page.id)
    }
    pub fn question_key(&self, q: &Question) -> String {
        format!("{}-{}", self.id, q.id)
    }
    pub fn help_key(&self, q: &Question) -> String {
        format!("{}-{}-help", self.id, q.id)
    }
}
