//! Reading a submitted page: HTML form fields → the engine's typed answers. Field names are the
//! question id, plus `<id>__other` (please specify), `<id>__year`/`__month` (year-month) and
//! `<id>__province`/`__city`/`__county` (region). Only malformed input is caught here (a word in
//! a number box); everything else — required, bounds, picks — is the engine's to judge.
use std::collections::BTreeMap;

use crate::survey::{Answer, Answers, Page, Question, QuestionKind, YearMonth};

/// A field the form could not read, keyed by question id, as a Fluent message key.
pub type InputErrors = BTreeMap<String, &'static str>;

/// Values of a submitted form by field name (repeated keys kept in order).
#[derive(Debug, Default)]
pub struct Fields(BTreeMap<String, Vec<String>>);

impl Fields {
    pub fn parse(body: &[u8]) -> Fields {
        let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (k, v) in form_urlencoded::parse(body) {
            map.entry(k.into_owned()).or_default().push(v.into_owned());
        }
        Fields(map)
    }

    /// The first value of a field, trimmed; `None` when missing or blank.
    pub fn one(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .and_then(|v| v.first())
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .get(name)
            .map(|v| {
                v.iter()
                    .map(|s| s.trim())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Reads the answers of one page. A question left blank gets no answer (the engine then says
/// whether it was required); an optional blank question is stored as skipped.
pub fn read_page(page: &Page, fields: &Fields) -> (Answers, InputErrors) {
    let mut answers = Answers::default();
    let mut errors = InputErrors::new();
    for q in &page.questions {
        match read_question(q, fields) {
            Ok(Some(a)) => {
                answers.insert(q.id.clone(), a);
            }
            Ok(None) if !q.required => {
                answers.insert(q.id.clone(), Answer::Skipped);
            }
            Ok(None) => {}
            Err(key) => {
                errors.insert(q.id.clone(), key);
            }
        }
    }
    (answers, errors)
}

fn read_question(q: &Question, f: &Fields) -> Result<Option<Answer>, &'static str> {
    let id = q.id.as_str();
    let other_text = || f.one(&format!("{id}__other")).map(str::to_string);
    Ok(match &q.kind {
        QuestionKind::SingleChoice { .. } => f.one(id).map(|choice| Answer::Choice {
            choice: choice.to_string(),
            other: other_text(),
        }),
        QuestionKind::MultipleChoice { .. } => {
            let picks = f.all(id);
            (!picks.is_empty()).then(|| Answer::Choices {
                choices: picks.into_iter().map(str::to_string).collect(),
                other: other_text(),
            })
        }
        QuestionKind::Rating { .. } => match f.one(id) {
            None => None,
            Some(v) => Some(Answer::Rating(
                v.parse::<u32>().map_err(|_| "invalid-answer-kind")?,
            )),
        },
        QuestionKind::Number { .. } => match f.one(id) {
            None => None,
            Some(v) => Some(Answer::Number(parse_number(v).ok_or("invalid-number")?)),
        },
        QuestionKind::Text { .. } => f.one(id).map(|t| Answer::Text(t.to_string())),
        QuestionKind::YearMonth { .. } => {
            match (
                f.one(&format!("{id}__year")),
                f.one(&format!("{id}__month")),
            ) {
                (None, None) => None,
                (Some(y), Some(m)) => {
                    let ym = y
                        .parse()
                        .ok()
                        .zip(m.parse().ok())
                        .and_then(|(y, m)| YearMonth::new(y, m))
                        .ok_or("web-invalid-month")?;
                    Some(Answer::YearMonth(ym))
                }
                _ => return Err("web-invalid-month"),
            }
        }
        QuestionKind::Region => match f.one(&format!("{id}__province")) {
            None => None,
            Some(p) => Some(Answer::Region {
                province: p.to_string(),
                city: f.one(&format!("{id}__city")).map(str::to_string),
                county: f.one(&format!("{id}__county")).is_some(),
            }),
        },
    })
}

/// Numbers as people type them on a phone: `8000`, `8,000`, `8 000`, `８０００`, `8000.5`.
fn parse_number(s: &str) -> Option<f64> {
    let cleaned: String = s
        .chars()
        .filter_map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
            '．' => Some('.'),
            ',' | '，' | ' ' | '\u{a0}' | '_' => None,
            c => Some(c),
        })
        .collect();
    cleaned.parse::<f64>().ok().filter(|n| n.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_typed_on_phones_are_read() {
        assert_eq!(parse_number("8,000"), Some(8000.0));
        assert_eq!(parse_number("８０００"), Some(8000.0));
        assert_eq!(parse_number("8 000.5"), Some(8000.5));
        assert_eq!(parse_number("eight"), None);
        assert_eq!(parse_number("inf"), None);
    }
}
