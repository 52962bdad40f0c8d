//! The survey definition types: what one `surveys/<id>.toml` file holds (structure only; texts
//! are Fluent messages). Deserialised from TOML, serialised to JSON for the stored snapshot, and
//! the source of the JSON Schema editors use (`gradtrace surveys schema`).
use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::condition::{Condition, ContextRef, Operand};
use super::tag::{Qualifier, Tag};

/// The cohort stage a survey belongs to. Ordered in time: a survey may only read the answers of
/// stages before its own.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// T0, the year of graduation.
    Graduation,
    /// T+1.
    Year1,
    /// T+3.
    Year3,
    /// T+5.
    Year5,
    /// Employers' satisfaction survey.
    Employer,
}

impl Stage {
    pub const ALL: [Stage; 5] = [
        Stage::Graduation,
        Stage::Year1,
        Stage::Year3,
        Stage::Year5,
        Stage::Employer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Graduation => "graduation",
            Stage::Year1 => "year1",
            Stage::Year3 => "year3",
            Stage::Year5 => "year5",
            Stage::Employer => "employer",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Stage {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Stage::ALL
            .into_iter()
            .find(|stage| stage.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown stage `{s}` (expected graduation, year1, year3, year5 or employer)"
                )
            })
    }
}

/// Who answers the survey.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Graduate,
    Employer,
}

/// The privacy notice shown (and accepted) before the first question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrivacyNotice {
    /// Fluent message id of the notice text.
    pub message: String,
    /// Bumped when the notice text changes in substance; consent records the version accepted.
    pub version: u32,
}

/// One survey definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Survey {
    /// `[a-z][a-z0-9_]*`, also the file name.
    pub id: String,
    /// Bump on any change; stored answers keep the version they were given under.
    pub version: u32,
    pub stage: Stage,
    pub audience: Audience,
    pub privacy_notice: PrivacyNotice,
    pub pages: Vec<Page>,
}

/// A page: shown together on the web form, one question at a time by the bot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Page {
    /// Unique within the survey; title from message `<survey>-page-<page>`.
    pub id: String,
    pub questions: Vec<Question>,
}

impl Survey {
    /// Every question in document order (pages in order, questions in order within a page).
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.pages.iter().flat_map(|page| page.questions.iter())
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions().find(|q| q.id == id)
    }

    pub fn page(&self, id: &str) -> Option<&Page> {
        self.pages.iter().find(|p| p.id == id)
    }

    /// The page a question sits on.
    pub fn page_of(&self, question_id: &str) -> Option<&Page> {
        self.pages
            .iter()
            .find(|p| p.questions.iter().any(|q| q.id == question_id))
    }

    /// Position of a question in document order.
    pub fn position(&self, question_id: &str) -> Option<usize> {
        self.questions().position(|q| q.id == question_id)
    }

    /// The question carrying an indicator tag (and qualifier, for per-job-level ratings).
    pub fn question_by_tag(&self, tag: Tag, qualifier: Option<Qualifier>) -> Option<&Question> {
        self.questions()
            .find(|q| q.tag == Some(tag) && q.qualifier == qualifier)
    }

    /// Every question carrying a tag, whatever its qualifier.
    pub fn questions_by_tag(&self, tag: Tag) -> impl Iterator<Item = &Question> {
        self.questions().filter(move |q| q.tag == Some(tag))
    }

    /// Stable SHA-256 (hex) of the definition, to catch a changed definition whose version was
    /// not bumped. Hashed through `serde_json::Value` like `store::survey_versions::content_hash`
    /// hashes the stored snapshot, so the two agree.
    pub fn content_hash(&self) -> String {
        // Serialising plain data (string keys only) cannot fail.
        let value = serde_json::to_value(self).unwrap_or_default();
        let json = serde_json::to_vec(&value).unwrap_or_default();
        let digest = Sha256::digest(&json);
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// The kind of a question, without its settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    SingleChoice,
    MultipleChoice,
    Rating,
    Number,
    Text,
    YearMonth,
    Region,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::SingleChoice => "single_choice",
            Kind::MultipleChoice => "multiple_choice",
            Kind::Rating => "rating",
            Kind::Number => "number",
            Kind::Text => "text",
            Kind::YearMonth => "year_month",
            Kind::Region => "region",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a choice question's options come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChoiceSource {
    /// A shared list from `choices.toml`; labels `choice-<list>-<option>`.
    List(String),
    /// Options of this question only; labels `<survey>-<question>-opt-<option>`.
    Inline(Vec<String>),
}

/// A rating scale.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// 1–5, labels `scale-likert5-1` … `scale-likert5-5`.
    Likert5,
    /// 0–100, ends labelled `scale-score100-low` / `-high`.
    Score100,
}

impl Scale {
    /// Lowest and highest rating.
    pub fn range(self) -> (u32, u32) {
        match self {
            Scale::Likert5 => (1, 5),
            Scale::Score100 => (0, 100),
        }
    }
}

/// A calendar month, written `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    pub year: i32,
    pub month: u32,
}

impl YearMonth {
    pub fn new(year: i32, month: u32) -> Option<YearMonth> {
        ((1..=12).contains(&month) && (1900..=2999).contains(&year))
            .then_some(YearMonth { year, month })
    }

    /// The month a date falls in.
    pub fn of(date: chrono::NaiveDate) -> YearMonth {
        use chrono::Datelike;
        YearMonth {
            year: date.year(),
            month: date.month(),
        }
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for YearMonth {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("`{s}` is not a month written YYYY-MM");
        let (y, m) = s.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        YearMonth::new(year, month).ok_or_else(bad)
    }
}

impl Serialize for YearMonth {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for YearMonth {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for YearMonth {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "YearMonth".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[12][0-9]{3}-(0[1-9]|1[0-2])$",
            "description": "A month, YYYY-MM"
        })
    }
}

/// A bound of a year-month question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MonthBound {
    Month(YearMonth),
    /// The roster's graduation month.
    Graduation,
    /// The month of `Context::today`.
    Today,
}

impl FromStr for MonthBound {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "graduation" => Ok(MonthBound::Graduation),
            "today" => Ok(MonthBound::Today),
            _ => s.parse().map(MonthBound::Month).map_err(|_| {
                format!("invalid bound `{s}`: expected YYYY-MM, \"graduation\" or \"today\"")
            }),
        }
    }
}

impl fmt::Display for MonthBound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MonthBound::Month(m) => m.fmt(f),
            MonthBound::Graduation => f.write_str("graduation"),
            MonthBound::Today => f.write_str("today"),
        }
    }
}

/// What a question asks for, with the settings of that kind.
#[derive(Debug, Clone, PartialEq)]
pub enum QuestionKind {
    SingleChoice {
        choices: ChoiceSource,
        /// The option that asks "please specify" (defaults to the shared list's `other`).
        other: Option<String>,
    },
    MultipleChoice {
        choices: ChoiceSource,
        other: Option<String>,
        min_picks: Option<u32>,
        max_picks: Option<u32>,
        /// Options that cannot be combined with any other (e.g. "none").
        exclusive: Vec<String>,
    },
    Rating {
        scale: Scale,
    },
    Number {
        /// Unit label from message `unit-<unit>`.
        unit: Option<String>,
        min: Option<f64>,
        max: Option<f64>,
        integer: bool,
    },
    Text {
        min_length: Option<u32>,
        max_length: Option<u32>,
        /// Long text (a text area).
        multiline: bool,
    },
    YearMonth {
        min: Option<MonthBound>,
        max: Option<MonthBound>,
    },
    /// Province → city from `regions.toml`, plus "county level or below".
    Region,
}

impl QuestionKind {
    pub fn kind(&self) -> Kind {
        match self {
            QuestionKind::SingleChoice { .. } => Kind::SingleChoice,
            QuestionKind::MultipleChoice { .. } => Kind::MultipleChoice,
            QuestionKind::Rating { .. } => Kind::Rating,
            QuestionKind::Number { .. } => Kind::Number,
            QuestionKind::Text { .. } => Kind::Text,
            QuestionKind::YearMonth { .. } => Kind::YearMonth,
            QuestionKind::Region => Kind::Region,
        }
    }

    /// The options source and "other" option of a choice question.
    pub fn choices(&self) -> Option<(&ChoiceSource, Option<&str>)> {
        match self {
            QuestionKind::SingleChoice { choices, other }
            | QuestionKind::MultipleChoice { choices, other, .. } => {
                Some((choices, other.as_deref()))
            }
            _ => None,
        }
    }
}

/// One question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "RawQuestion", into = "RawQuestion")]
pub struct Question {
    pub id: String,
    pub kind: QuestionKind,
    /// Default true. A visible required question must be answered; an optional one may be
    /// passed over (`{"skipped": true}`).
    pub required: bool,
    pub show_if: Option<Condition>,
    pub tag: Option<Tag>,
    /// Job level, for the employer's per-level ratings.
    pub qualifier: Option<Qualifier>,
    pub prefill: Option<ContextRef>,
    /// A help text exists (`<survey>-<question>-help`).
    pub help: bool,
    pub validation: Vec<Rule>,
}

/// An extra validation rule with its own translated message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "rule", rename_all = "snake_case", deny_unknown_fields)]
pub enum Rule {
    /// The answer (a month) is not after the other answer (a month).
    NotAfter { question: Operand, message: String },
    /// The answer (a month) is not before the other answer (a month).
    NotBefore { question: Operand, message: String },
    /// The answer (a number) is at most `ratio` times the other answer (a number).
    MaxRatioTo {
        question: Operand,
        ratio: f64,
        message: String,
    },
}

impl Rule {
    pub fn operand(&self) -> &Operand {
        match self {
            Rule::NotAfter { question, .. }
            | Rule::NotBefore { question, .. }
            | Rule::MaxRatioTo { question, .. } => question,
        }
    }

    pub fn message(&self) -> &str {
        match self {
            Rule::NotAfter { message, .. }
            | Rule::NotBefore { message, .. }
            | Rule::MaxRatioTo { message, .. } => message,
        }
    }
}

/// A bound as written in TOML: a number (number questions) or a month (year-month questions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RawBound {
    Number(f64),
    Month(String),
}

fn yes() -> bool {
    true
}
fn is_true(b: &bool) -> bool {
    *b
}
fn is_false(b: &bool) -> bool {
    !*b
}

/// A question exactly as written in the file: every kind's settings side by side. Turned into a
/// `Question` (and checked that each setting belongs to the question's kind) on load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename = "Question")]
pub struct RawQuestion {
    /// Unique within the survey; `[a-z][a-z0-9_]*`; the column name in exports.
    pub id: String,
    pub kind: Kind,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_if: Option<Condition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<Tag>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualifier: Option<Qualifier>,
    /// `roster.<field>` or `previous.<stage>.<question>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefill: Option<ContextRef>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub help: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub validation: Vec<Rule>,
    /// single/multiple choice: a list from choices.toml.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choices: Option<String>,
    /// single/multiple choice: inline options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<String>>,
    /// single/multiple choice: the option that asks "please specify".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_picks: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_picks: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclusive: Option<Vec<String>>,
    /// rating: `likert5` or `score100`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<Scale>,
    /// number: unit label `unit-<unit>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// number: a number; year_month: `YYYY-MM`, `graduation` or `today`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<RawBound>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<RawBound>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integer: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multiline: Option<bool>,
}

impl TryFrom<RawQuestion> for Question {
    type Error = String;

    fn try_from(raw: RawQuestion) -> Result<Self, Self::Error> {
        let id = raw.id.clone();
        let kind = raw.kind;
        // Settings present in the file, by name, to reject the ones that do not fit the kind.
        let present: Vec<(&str, bool)> = vec![
            ("choices", raw.choices.is_some()),
            ("options", raw.options.is_some()),
            ("other", raw.other.is_some()),
            ("min_picks", raw.min_picks.is_some()),
            ("max_picks", raw.max_picks.is_some()),
            ("exclusive", raw.exclusive.is_some()),
            ("scale", raw.scale.is_some()),
            ("unit", raw.unit.is_some()),
            ("min", raw.min.is_some()),
            ("max", raw.max.is_some()),
            ("integer", raw.integer.is_some()),
            ("min_length", raw.min_length.is_some()),
            ("max_length", raw.max_length.is_some()),
            ("multiline", raw.multiline.is_some()),
        ];
        let allowed: &[&str] = match kind {
            Kind::SingleChoice => &["choices", "options", "other"],
            Kind::MultipleChoice => &[
                "choices",
                "options",
                "other",
                "min_picks",
                "max_picks",
                "exclusive",
            ],
            Kind::Rating => &["scale"],
            Kind::Number => &["unit", "min", "max", "integer"],
            Kind::Text => &["min_length", "max_length", "multiline"],
            Kind::YearMonth => &["min", "max"],
            Kind::Region => &[],
        };
        if let Some((name, _)) = present
            .iter()
            .find(|(name, set)| *set && !allowed.contains(name))
        {
            return Err(format!(
                "question `{id}`: `{name}` does not apply to a {kind} question"
            ));
        }
        let choices = || match (&raw.choices, &raw.options) {
            (Some(list), None) => Ok(ChoiceSource::List(list.clone())),
            (None, Some(options)) => Ok(ChoiceSource::Inline(options.clone())),
            _ => Err(format!(
                "question `{id}`: a {kind} question needs exactly one of `choices = \"<list>\"` or `options = [...]`"
            )),
        };
        let number = |b: &Option<RawBound>, name: &str| match b {
            None => Ok(None),
            Some(RawBound::Number(n)) => Ok(Some(*n)),
            Some(RawBound::Month(s)) => Err(format!(
                "question `{id}`: invalid bound: `{name} = \"{s}\"` must be a number"
            )),
        };
        let month = |b: &Option<RawBound>, name: &str| match b {
            None => Ok(None),
            Some(RawBound::Month(s)) => s
                .parse::<MonthBound>()
                .map(Some)
                .map_err(|e| format!("question `{id}`: `{name}`: {e}")),
            Some(RawBound::Number(n)) => Err(format!(
                "question `{id}`: invalid bound: `{name} = {n}` must be \"YYYY-MM\", \"graduation\" or \"today\""
            )),
        };
        let question_kind = match kind {
            Kind::SingleChoice => QuestionKind::SingleChoice {
                choices: choices()?,
                other: raw.other.clone(),
            },
            Kind::MultipleChoice => QuestionKind::MultipleChoice {
                choices: choices()?,
                other: raw.other.clone(),
                min_picks: raw.min_picks,
                max_picks: raw.max_picks,
                exclusive: raw.exclusive.clone().unwrap_or_default(),
            },
            Kind::Rating => QuestionKind::Rating {
                scale: raw.scale.ok_or_else(|| {
                    format!(
                        "question `{id}`: a rating question needs `scale = \"likert5\"` or `\"score100\"`"
                    )
                })?,
            },
            Kind::Number => QuestionKind::Number {
                unit: raw.unit.clone(),
                min: number(&raw.min, "min")?,
                max: number(&raw.max, "max")?,
                integer: raw.integer.unwrap_or(false),
            },
            Kind::Text => QuestionKind::Text {
                min_length: raw.min_length,
                max_length: raw.max_length,
                multiline: raw.multiline.unwrap_or(false),
            },
            Kind::YearMonth => QuestionKind::YearMonth {
                min: month(&raw.min, "min")?,
                max: month(&raw.max, "max")?,
            },
            Kind::Region => QuestionKind::Region,
        };
        Ok(Question {
            id: raw.id,
            kind: question_kind,
            required: raw.required,
            show_if: raw.show_if,
            tag: raw.tag,
            qualifier: raw.qualifier,
            prefill: raw.prefill,
            help: raw.help,
            validation: raw.validation,
        })
    }
}

impl From<Question> for RawQuestion {
    fn from(q: Question) -> Self {
        let mut raw = RawQuestion {
            id: q.id,
            kind: q.kind.kind(),
            required: q.required,
            show_if: q.show_if,
            tag: q.tag,
            qualifier: q.qualifier,
            prefill: q.prefill,
            help: q.help,
            validation: q.validation,
            choices: None,
            options: None,
            other: None,
            min_picks: None,
            max_picks: None,
            exclusive: None,
            scale: None,
            unit: None,
            min: None,
            max: None,
            integer: None,
            min_length: None,
            max_length: None,
            multiline: None,
        };
        let mut set_choices = |source: ChoiceSource| match source {
            ChoiceSource::List(list) => raw.choices = Some(list),
            ChoiceSource::Inline(options) => raw.options = Some(options),
        };
        match q.kind {
            QuestionKind::SingleChoice { choices, other } => {
                set_choices(choices);
                raw.other = other;
            }
            QuestionKind::MultipleChoice {
                choices,
                other,
                min_picks,
                max_picks,
                exclusive,
            } => {
                set_choices(choices);
                raw.other = other;
                raw.min_picks = min_picks;
                raw.max_picks = max_picks;
                raw.exclusive = (!exclusive.is_empty()).then_some(exclusive);
            }
            QuestionKind::Rating { scale } => raw.scale = Some(scale),
            QuestionKind::Number {
                unit,
                min,
                max,
                integer,
            } => {
                raw.unit = unit;
                raw.min = min.map(RawBound::Number);
                raw.max = max.map(RawBound::Number);
                raw.integer = integer.then_some(true);
            }
            QuestionKind::Text {
                min_length,
                max_length,
                multiline,
            } => {
                raw.min_length = min_length;
                raw.max_length = max_length;
                raw.multiline = multiline.then_some(true);
            }
            QuestionKind::YearMonth { min, max } => {
                raw.min = min.map(|b| RawBound::Month(b.to_string()));
                raw.max = max.map(|b| RawBound::Month(b.to_string()));
            }
            QuestionKind::Region => {}
        }
        raw
    }
}

impl Question {
    pub fn kind(&self) -> Kind {
        self.kind.kind()
    }

    /// Questions and context values this question's condition reads.
    pub fn condition_operands(&self) -> Vec<Operand> {
        let mut out = Vec::new();
        if let Some(cond) = &self.show_if {
            cond.operands(&mut out);
        }
        out
    }
}
