//! Show-if conditions and references to the context (roster fields, earlier stages' answers):
//! how they are written in TOML and how they are evaluated.
use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::answer::Answer;
use super::def::Stage;

/// A value from outside the current response: `roster.<field>` or
/// `previous.<stage>.<question>`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum ContextRef {
    Roster(String),
    Previous { stage: Stage, question: String },
}

impl FromStr for ContextRef {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            format!(
                "unknown source `{s}`: expected `roster.<field>` or `previous.<stage>.<question>`"
            )
        };
        let parts: Vec<&str> = s.split('.').collect();
        match parts.as_slice() {
            ["roster", field] if is_identifier(field) => Ok(ContextRef::Roster(field.to_string())),
            ["previous", stage, question] if is_identifier(question) => Ok(ContextRef::Previous {
                stage: stage
                    .parse()
                    .map_err(|e| format!("unknown source `{s}`: {e}"))?,
                question: question.to_string(),
            }),
            _ => Err(bad()),
        }
    }
}

impl TryFrom<String> for ContextRef {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<ContextRef> for String {
    fn from(r: ContextRef) -> String {
        r.to_string()
    }
}

impl fmt::Display for ContextRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ContextRef::Roster(field) => write!(f, "roster.{field}"),
            ContextRef::Previous { stage, question } => write!(f, "previous.{stage}.{question}"),
        }
    }
}

impl JsonSchema for ContextRef {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ContextRef".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^(roster\\.[a-z_][a-z0-9_]*|previous\\.(graduation|year1|year3|year5|employer)\\.[a-z_][a-z0-9_]*)$",
            "description": "roster.<field> or previous.<stage>.<question>"
        })
    }
}

/// `[a-z_][a-z0-9_]*`: ids of surveys, pages, questions, options and roster fields.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('a'..='z' | '_'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

/// What a condition or rule reads: an answer of this response, or a context value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Operand {
    Question(String),
    Context(ContextRef),
}

impl FromStr for Operand {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.contains('.') {
            s.parse().map(Operand::Context)
        } else {
            Ok(Operand::Question(s.to_string()))
        }
    }
}

impl TryFrom<String> for Operand {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Operand> for String {
    fn from(o: Operand) -> String {
        o.to_string()
    }
}

impl fmt::Display for Operand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operand::Question(q) => f.write_str(q),
            Operand::Context(c) => c.fmt(f),
        }
    }
}

impl JsonSchema for Operand {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Operand".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "a question id of this survey, roster.<field> or previous.<stage>.<question>"
        })
    }
}

/// The test a simple condition applies to its operand.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// Single choice: the choice is one of; multiple choice: any pick is one of; text or roster
    /// field: equals one of.
    In(Vec<String>),
    /// Answered, and (single) the choice is none of / (multiple) no pick is one of.
    NotIn(Vec<String>),
    /// `answered = true`: has an answer that is not "skipped"; `false`: the opposite.
    Answered(bool),
    /// A number or rating within the bounds (inclusive).
    Range { min: Option<f64>, max: Option<f64> },
}

/// A show-if condition. A test on an operand without an answer (unanswered, skipped, or hidden)
/// is false, except `answered = false`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "RawCondition", into = "RawCondition")]
pub enum Condition {
    Test { on: Operand, test: Test },
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
}

/// A condition as written in TOML: exactly one form (see docs/survey-format.md).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename = "Condition")]
pub struct RawCondition {
    /// An earlier question of this survey.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// `roster.<field>` or `previous.<stage>.<question>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<ContextRef>,
    #[serde(default, rename = "in", skip_serializing_if = "Option::is_none")]
    pub in_: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_in: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all: Option<Vec<Condition>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any: Option<Vec<Condition>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not: Option<Box<Condition>>,
}

impl TryFrom<RawCondition> for Condition {
    type Error = String;

    fn try_from(raw: RawCondition) -> Result<Self, Self::Error> {
        let combinators = [raw.all.is_some(), raw.any.is_some(), raw.not.is_some()]
            .iter()
            .filter(|b| **b)
            .count();
        let simple = raw.question.is_some()
            || raw.context.is_some()
            || raw.in_.is_some()
            || raw.not_in.is_some()
            || raw.answered.is_some()
            || raw.min.is_some()
            || raw.max.is_some();
        if combinators > 1 || (combinators == 1 && simple) {
            return Err(
                "a condition has exactly one form: `all`, `any`, `not`, or a test on `question`/`context`"
                    .into(),
            );
        }
        if let Some(all) = raw.all {
            return Ok(Condition::All(all));
        }
        if let Some(any) = raw.any {
            return Ok(Condition::Any(any));
        }
        if let Some(not) = raw.not {
            return Ok(Condition::Not(not));
        }
        let on = match (raw.question, raw.context) {
            (Some(q), None) => Operand::Question(q),
            (None, Some(c)) => Operand::Context(c),
            _ => {
                return Err(
                    "a condition names exactly one of `question = \"<id>\"` or `context = \"roster.<field>\"`"
                        .into(),
                );
            }
        };
        let tests = [
            raw.in_.is_some(),
            raw.not_in.is_some(),
            raw.answered.is_some(),
            raw.min.is_some() || raw.max.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if tests != 1 {
            return Err(format!(
                "the condition on `{on}` needs exactly one test: `in`, `not_in`, `answered`, or `min`/`max`"
            ));
        }
        let test = if let Some(values) = raw.in_ {
            Test::In(values)
        } else if let Some(values) = raw.not_in {
            Test::NotIn(values)
        } else if let Some(answered) = raw.answered {
            Test::Answered(answered)
        } else {
            Test::Range {
                min: raw.min,
                max: raw.max,
            }
        };
        Ok(Condition::Test { on, test })
    }
}

impl From<Condition> for RawCondition {
    fn from(c: Condition) -> Self {
        let mut raw = RawCondition::default();
        match c {
            Condition::All(all) => raw.all = Some(all),
            Condition::Any(any) => raw.any = Some(any),
            Condition::Not(not) => raw.not = Some(not),
            Condition::Test { on, test } => {
                match on {
                    Operand::Question(q) => raw.question = Some(q),
                    Operand::Context(c) => raw.context = Some(c),
                }
                match test {
                    Test::In(v) => raw.in_ = Some(v),
                    Test::NotIn(v) => raw.not_in = Some(v),
                    Test::Answered(b) => raw.answered = Some(b),
                    Test::Range { min, max } => {
                        raw.min = min;
                        raw.max = max;
                    }
                }
            }
        }
        raw
    }
}

/// What an operand resolves to when a condition is evaluated.
#[derive(Debug, Clone, Copy)]
pub enum Value<'a> {
    Answer(&'a Answer),
    /// A roster field.
    Text(&'a str),
}

impl Value<'_> {
    fn is_answered(&self) -> bool {
        match self {
            Value::Answer(a) => !a.is_skipped(),
            Value::Text(t) => !t.trim().is_empty(),
        }
    }

    fn values(&self) -> Vec<&str> {
        match self {
            Value::Answer(a) => a.values(),
            Value::Text(t) => vec![t.trim()],
        }
    }

    fn number(&self) -> Option<f64> {
        match self {
            Value::Answer(a) => a.as_number(),
            Value::Text(t) => t.trim().parse().ok(),
        }
    }
}

impl Condition {
    /// Evaluates the condition; `lookup` gives an operand's value, `None` when there is none
    /// (unanswered, skipped or hidden question; missing roster field).
    pub fn eval<'a>(&self, lookup: &dyn Fn(&Operand) -> Option<Value<'a>>) -> bool {
        match self {
            Condition::All(all) => all.iter().all(|c| c.eval(lookup)),
            Condition::Any(any) => any.iter().any(|c| c.eval(lookup)),
            Condition::Not(not) => !not.eval(lookup),
            Condition::Test { on, test } => {
                let value = lookup(on).filter(|v| v.is_answered());
                match (test, value) {
                    (Test::Answered(wanted), v) => v.is_some() == *wanted,
                    (_, None) => false,
                    (Test::In(set), Some(v)) => {
                        v.values().iter().any(|x| set.iter().any(|s| s == x))
                    }
                    (Test::NotIn(set), Some(v)) => {
                        !v.values().iter().any(|x| set.iter().any(|s| s == x))
                    }
                    (Test::Range { min, max }, Some(v)) => match v.number() {
                        Some(n) => min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m),
                        None => false,
                    },
                }
            }
        }
    }

    /// Collects every operand the condition reads.
    pub fn operands(&self, out: &mut Vec<Operand>) {
        match self {
            Condition::All(cs) | Condition::Any(cs) => cs.iter().for_each(|c| c.operands(out)),
            Condition::Not(c) => c.operands(out),
            Condition::Test { on, .. } => out.push(on.clone()),
        }
    }

    /// Collects every (operand, option values) pair of `in`/`not_in` tests, to check the values
    /// name real options.
    pub fn option_tests<'a>(&'a self, out: &mut Vec<(&'a Operand, &'a [String])>) {
        match self {
            Condition::All(cs) | Condition::Any(cs) => cs.iter().for_each(|c| c.option_tests(out)),
            Condition::Not(c) => c.option_tests(out),
            Condition::Test {
                on,
                test: Test::In(v) | Test::NotIn(v),
            } => out.push((on, v)),
            Condition::Test { .. } => {}
        }
    }
}
