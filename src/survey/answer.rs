//! Answers as stored: one JSON object per question (`{"choice": "a"}`, `{"number": 8000}`, …,
//! `{"skipped": true}`), and `Answers`, a response's answers by question id.
use std::collections::BTreeMap;
use std::ops::{Deref, DerefMut};

use schemars::JsonSchema;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

use super::def::YearMonth;

/// One answer. Its JSON form is fixed by docs/survey-format.md (stored and exported as is).
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(try_from = "AnswerRepr")]
#[schemars(with = "AnswerRepr")]
pub enum Answer {
    /// An optional question the respondent passed over.
    Skipped,
    /// Single choice; `other` is the "please specify" text when the choice is the other option.
    Choice {
        choice: String,
        other: Option<String>,
    },
    /// Multiple choice.
    Choices {
        choices: Vec<String>,
        other: Option<String>,
    },
    Rating(u32),
    Number(f64),
    Text(String),
    YearMonth(YearMonth),
    /// Province and city codes (GB/T 2260); `county` = county level or below.
    Region {
        province: String,
        city: Option<String>,
        county: bool,
    },
}

impl Answer {
    pub fn choice(choice: &str) -> Answer {
        Answer::Choice {
            choice: choice.to_string(),
            other: None,
        }
    }

    pub fn choices(choices: &[&str]) -> Answer {
        Answer::Choices {
            choices: choices.iter().map(|s| s.to_string()).collect(),
            other: None,
        }
    }

    pub fn text(text: &str) -> Answer {
        Answer::Text(text.to_string())
    }

    pub fn is_skipped(&self) -> bool {
        matches!(self, Answer::Skipped)
    }

    /// The values `in`/`not_in` conditions compare: the choice(s), the text, or the region codes.
    pub fn values(&self) -> Vec<&str> {
        match self {
            Answer::Choice { choice, .. } => vec![choice.as_str()],
            Answer::Choices { choices, .. } => choices.iter().map(String::as_str).collect(),
            Answer::Text(t) => vec![t.trim()],
            Answer::Region { province, city, .. } => {
                let mut v = vec![province.as_str()];
                v.extend(city.as_deref());
                v
            }
            Answer::Skipped | Answer::Rating(_) | Answer::Number(_) | Answer::YearMonth(_) => {
                vec![]
            }
        }
    }

    /// A rating or number as a number.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Answer::Rating(r) => Some(f64::from(*r)),
            Answer::Number(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_year_month(&self) -> Option<YearMonth> {
        match self {
            Answer::YearMonth(m) => Some(*m),
            _ => None,
        }
    }

    /// What kind of answer this is, in words (for messages).
    pub fn shape(&self) -> &'static str {
        match self {
            Answer::Skipped => "skipped",
            Answer::Choice { .. } => "choice",
            Answer::Choices { .. } => "choices",
            Answer::Rating(_) => "rating",
            Answer::Number(_) => "number",
            Answer::Text(_) => "text",
            Answer::YearMonth(_) => "year_month",
            Answer::Region { .. } => "region",
        }
    }
}

impl Serialize for Answer {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        match self {
            Answer::Skipped => map.serialize_entry("skipped", &true)?,
            Answer::Choice { choice, other } => {
                map.serialize_entry("choice", choice)?;
                if let Some(other) = other {
                    map.serialize_entry("other", other)?;
                }
            }
            Answer::Choices { choices, other } => {
                map.serialize_entry("choices", choices)?;
                if let Some(other) = other {
                    map.serialize_entry("other", other)?;
                }
            }
            Answer::Rating(r) => map.serialize_entry("rating", r)?,
            Answer::Number(n) => {
                // Whole numbers are written without a fraction (`8000`, not `8000.0`).
                if n.fract() == 0.0 && n.abs() < 9.0e15 {
                    map.serialize_entry("number", &(*n as i64))?
                } else {
                    map.serialize_entry("number", n)?
                }
            }
            Answer::Text(t) => map.serialize_entry("text", t)?,
            Answer::YearMonth(m) => map.serialize_entry("year_month", m)?,
            Answer::Region {
                province,
                city,
                county,
            } => {
                map.serialize_entry("province", province)?;
                if let Some(city) = city {
                    map.serialize_entry("city", city)?;
                }
                map.serialize_entry("county", county)?;
            }
        }
        map.end()
    }
}

/// An answer as a JSON object: exactly one shape's fields.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename = "Answer")]
pub struct AnswerRepr {
    skipped: Option<bool>,
    choice: Option<String>,
    choices: Option<Vec<String>>,
    other: Option<String>,
    rating: Option<u32>,
    number: Option<f64>,
    text: Option<String>,
    year_month: Option<YearMonth>,
    province: Option<String>,
    city: Option<String>,
    county: Option<bool>,
}

impl TryFrom<AnswerRepr> for Answer {
    type Error = String;

    fn try_from(r: AnswerRepr) -> Result<Self, Self::Error> {
        let shapes = [
            r.skipped.is_some(),
            r.choice.is_some(),
            r.choices.is_some(),
            r.rating.is_some(),
            r.number.is_some(),
            r.text.is_some(),
            r.year_month.is_some(),
            r.province.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if shapes != 1 {
            return Err("an answer has exactly one of: skipped, choice, choices, rating, number, text, year_month, province".into());
        }
        let no_other = r.other.is_none();
        let no_region = r.city.is_none() && r.county.is_none();
        let answer = if let Some(skipped) = r.skipped {
            if !skipped {
                return Err("`skipped` can only be true".into());
            }
            Answer::Skipped
        } else if let Some(choice) = r.choice {
            return no_region
                .then_some(Answer::Choice {
                    choice,
                    other: r.other,
                })
                .ok_or_else(|| "a choice answer has no city/county".into());
        } else if let Some(choices) = r.choices {
            return no_region
                .then_some(Answer::Choices {
                    choices,
                    other: r.other,
                })
                .ok_or_else(|| "a choices answer has no city/county".into());
        } else if let Some(province) = r.province {
            return no_other
                .then_some(Answer::Region {
                    province,
                    city: r.city,
                    county: r.county.unwrap_or(false),
                })
                .ok_or_else(|| "a region answer has no `other`".into());
        } else if let Some(rating) = r.rating {
            Answer::Rating(rating)
        } else if let Some(number) = r.number {
            Answer::Number(number)
        } else if let Some(text) = r.text {
            Answer::Text(text)
        } else if let Some(m) = r.year_month {
            Answer::YearMonth(m)
        } else {
            return Err("empty answer".into());
        };
        if !(no_other && no_region) {
            return Err(format!(
                "a {} answer has no `other`, `city` or `county`",
                answer.shape()
            ));
        }
        Ok(answer)
    }
}

/// A response's answers by question id; a JSON object.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct Answers(pub BTreeMap<String, Answer>);

impl Answers {
    pub fn new() -> Answers {
        Answers::default()
    }

    /// Builder-style insert, handy for tests and callers assembling a page.
    pub fn with(mut self, question: &str, answer: Answer) -> Answers {
        self.0.insert(question.to_string(), answer);
        self
    }
}

impl Deref for Answers {
    type Target = BTreeMap<String, Answer>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl DerefMut for Answers {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl FromIterator<(String, Answer)> for Answers {
    fn from_iter<I: IntoIterator<Item = (String, Answer)>>(iter: I) -> Self {
        Answers(iter.into_iter().collect())
    }
}

impl IntoIterator for Answers {
    type Item = (String, Answer);
    type IntoIter = std::collections::btree_map::IntoIter<String, Answer>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}
