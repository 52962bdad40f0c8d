//! `gradtrace import responses WAVE FILE`: answers collected outside the form (paper, phone,
//! a partner's system) in a CSV/XLSX with one `student_id` column and one column per question
//! id. The file is read like a roster (`roster::read`: encodings, workbooks, line numbers);
//! each row goes through the survey engine question by question in survey order, exactly as
//! the bot's answers do, and is saved in its own transaction (all or nothing per row). A
//! person who already has a response has it updated (revision bump), never duplicated; the
//! file's answers replace that person's stored answers to the same questions.
use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, TransactionTrait,
};

use crate::error::{Error, Result};
use crate::i18n::{Lang, Localizer};
use crate::respond::{answers_of, context_for, survey_at};
use crate::roster::FileProblem;
use crate::roster::read::{Cell, Row, Table, read_file};
use crate::store::entities::{graduate, invitation, wave};
use crate::store::responses::{self, Channel, Status};
use crate::survey::{Answer, Catalog, Engine, Invalid, Question, QuestionKind, Survey, YearMonth};

/// Why one row was not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowProblem {
    MissingStudentId,
    /// No graduate of the wave's cohort has this student id, or they were not invited.
    NotInvited,
    Duplicate {
        first_line: usize,
    },
    /// The person refused the privacy notice or opted out: nothing is saved for them.
    Declined,
    /// A cell could not be read as an answer to its question, or the engine refused it.
    Answer {
        question: String,
        invalid: Invalid,
    },
    /// Someone saved an answer for this person while the import ran.
    Conflict,
}

impl RowProblem {
    /// The message in `lang` (engine messages through the survey's translations).
    pub fn message(&self, i18n: &Localizer, lang: Lang) -> String {
        let t = |key: &str| i18n.format(lang, key, None);
        match self {
            RowProblem::MissingStudentId => t("import-no-student-id"),
            RowProblem::NotInvited => t("import-not-invited"),
            RowProblem::Duplicate { first_line } => i18n.format_with(
                lang,
                "import-duplicate",
                &[("line".into(), first_line.to_string())],
            ),
            RowProblem::Declined => t("import-declined"),
            RowProblem::Conflict => t("import-conflict"),
            RowProblem::Answer { question, invalid } => i18n.format_with(
                lang,
                "import-column",
                &[
                    ("column".into(), question.clone()),
                    (
                        "reason".into(),
                        i18n.format_with(lang, &invalid.message, &invalid.args),
                    ),
                ],
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    pub line: usize,
    pub problem: RowProblem,
}

/// The outcome of one import.
#[derive(Debug, Clone, Default)]
pub struct ResponseImport {
    /// People who had no answers before.
    pub inserted: u64,
    /// People whose stored answers were updated.
    pub updated: u64,
    /// Sorted by line.
    pub rejected: Vec<RejectedRow>,
}

impl ResponseImport {
    /// `line N: reason`, one per rejected row, in `lang`.
    pub fn rejected_lines(&self, i18n: &Localizer, lang: Lang) -> Vec<String> {
        self.rejected
            .iter()
            .map(|r| {
                i18n.format_with(
                    lang,
                    "import-line",
                    &[
                        ("line".into(), r.line.to_string()),
                        ("reason".into(), r.problem.message(i18n, lang)),
                    ],
                )
            })
            .collect()
    }

    pub fn summary(&self, i18n: &Localizer, lang: Lang) -> String {
        i18n.format_with(
            lang,
            "import-responses-summary",
            &[
                ("inserted".into(), self.inserted.to_string()),
                ("updated".into(), self.updated.to_string()),
                ("rejected".into(), self.rejected.len().to_string()),
            ],
        )
    }
}

const STUDENT_ID: [&str; 3] = ["student_id", "学号", "student id"];

/// Header positions: the student id and each question column.
fn columns(
    table: &Table,
    survey: &Survey,
) -> std::result::Result<(usize, Vec<(usize, String)>), FileProblem> {
    let mut student = None;
    let mut questions: Vec<(usize, String)> = Vec::new();
    let mut unknown = Vec::new();
    for (i, h) in table.header.iter().enumerate() {
        let name = h.trim();
        if name.is_empty() {
            continue;
        }
        if STUDENT_ID.contains(&name.to_lowercase().as_str()) {
            if student.replace(i).is_some() {
                return Err(FileProblem::DuplicateColumn("student_id".into()));
            }
        } else if survey.question(name).is_some() {
            if questions.iter().any(|(_, q)| q == name) {
                return Err(FileProblem::DuplicateColumn(name.to_string()));
            }
            questions.push((i, name.to_string()));
        } else {
            unknown.push(name.to_string());
        }
    }
    let Some(student) = student else {
        return Err(FileProblem::MissingColumns {
            missing: vec!["student_id".into()],
            found: table
                .header
                .iter()
                .filter(|h| !h.is_empty())
                .cloned()
                .collect(),
        });
    };
    if !unknown.is_empty() {
        return Err(FileProblem::UnknownQuestions {
            unknown,
            survey: survey.id.clone(),
        });
    }
    // Survey order: visibility of a question depends on the answers before it.
    questions.sort_by_key(|(_, q)| survey.position(q).unwrap_or(usize::MAX));
    Ok((student, questions))
}

fn cell_text(c: &Cell) -> Option<String> {
    match c {
        Cell::Empty => None,
        Cell::Text(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Cell::Date(d) => Some(d.format("%Y-%m").to_string()),
        Cell::Error(e) => Some(e.clone()),
    }
}

fn kind_error() -> Invalid {
    Invalid::new("invalid-answer-kind")
}

/// Reads a cell as an answer to `q`: option ids (several separated by `;`, `,` or `、`; the
/// "other" option may carry its text as `other:…`), numbers, ratings, `YYYY-MM` months,
/// regions as `province/city[/county]` codes, or the stored JSON form of an answer.
/// Whether the answer is acceptable is the engine's call, not this function's.
pub fn parse_cell(q: &Question, text: &str) -> std::result::Result<Answer, Invalid> {
    if text.starts_with('{') {
        return serde_json::from_str(text).map_err(|_| kind_error());
    }
    let choice = |s: &str| match s.split_once(':').or_else(|| s.split_once('：')) {
        Some((c, other)) => (c.trim().to_string(), Some(other.trim().to_string())),
        None => (s.trim().to_string(), None),
    };
    Ok(match &q.kind {
        QuestionKind::SingleChoice { .. } => {
            let (choice, other) = choice(text);
            Answer::Choice { choice, other }
        }
        QuestionKind::MultipleChoice { .. } => {
            let mut choices = Vec::new();
            let mut other = None;
            for part in text.split([';', ',', '、', '；', '，']) {
                if part.trim().is_empty() {
                    continue;
                }
                let (c, o) = choice(part);
                other = other.or(o);
                choices.push(c);
            }
            Answer::Choices { choices, other }
        }
        QuestionKind::Rating { .. } => Answer::Rating(
            text.parse::<u32>()
                .map_err(|_| Invalid::new("invalid-integer"))?,
        ),
        QuestionKind::Number { .. } => Answer::Number(
            text.replace([',', '，'], "")
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| Invalid::new("invalid-number"))?,
        ),
        QuestionKind::Text { .. } => Answer::Text(text.to_string()),
        QuestionKind::YearMonth { .. } => {
            let norm = text.replace(['/', '.'], "-");
            let ym = match norm.split_once('-') {
                Some((y, m)) if m.len() == 1 => format!("{y}-0{m}"),
                _ => norm.clone(),
            };
            Answer::YearMonth(
                ym.parse::<YearMonth>()
                    .map_err(|_| Invalid::new("import-month"))?,
            )
        }
        QuestionKind::Region { .. } => {
            let parts: Vec<&str> = text.split(['/', ' ']).filter(|p| !p.is_empty()).collect();
            let county = parts.get(2).is_some_and(|c| {
                matches!(
                    c.to_lowercase().as_str(),
                    "county" | "1" | "yes" | "是" | "县"
                )
            });
            match parts.as_slice() {
                [p, rest @ ..] if rest.len() <= 2 => Answer::Region {
                    province: p.to_string(),
                    city: rest.first().map(|c| c.to_string()),
                    county,
                },
                _ => return Err(Invalid::new("import-region")),
            }
        }
    })
}

/// One row's parsed answers in survey order, or the first cell that cannot be read.
fn row_answers(
    row: &Row,
    survey: &Survey,
    questions: &[(usize, String)],
) -> std::result::Result<Vec<(String, Answer)>, RowProblem> {
    let mut out = Vec::new();
    for (i, qid) in questions {
        let Some(text) = row.cells.get(*i).and_then(cell_text) else {
            continue;
        };
        let Some(q) = survey.question(qid) else {
            continue;
        };
        let answer = parse_cell(q, &text).map_err(|invalid| RowProblem::Answer {
            question: qid.clone(),
            invalid,
        })?;
        out.push((qid.clone(), answer));
    }
    Ok(out)
}

/// Reads `path` and imports it into wave `wave_id`.
pub async fn import_file(
    db: &DatabaseConnection,
    catalog: &Catalog,
    wave_id: i32,
    path: &Path,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<ResponseImport> {
    let table = read_file(path)?;
    import_table(db, catalog, wave_id, &table, now, today).await
}

/// Imports a file already read into wave `wave_id`.
pub async fn import_table(
    db: &DatabaseConnection,
    catalog: &Catalog,
    wave_id: i32,
    table: &Table,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<ResponseImport> {
    let w = wave::Entity::find_by_id(wave_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::NotFound(format!("wave {wave_id}")))?;
    let survey = survey_at(db, catalog, &w.survey_id, w.survey_version).await?;
    let (student_col, questions) = columns(table, &survey)?;
    // Invitations of this wave by student id.
    let mut by_graduate: HashMap<i32, invitation::Model> = invitation::Entity::find()
        .filter(invitation::Column::WaveId.eq(wave_id))
        .filter(invitation::Column::GraduateId.is_not_null())
        .all(db)
        .await?
        .into_iter()
        .filter_map(|inv| Some((inv.graduate_id?, inv)))
        .collect();
    let invited: HashMap<String, invitation::Model> = graduate::Entity::find()
        .filter(graduate::Column::GraduationYear.eq(w.cohort_year))
        .select_only()
        .columns([graduate::Column::Id, graduate::Column::StudentId])
        .into_tuple::<(i32, String)>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(id, sid)| Some((sid, by_graduate.remove(&id)?)))
        .collect();
    let mut report = ResponseImport::default();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for row in &table.rows {
        let reject = |problem| RejectedRow {
            line: row.line,
            problem,
        };
        let Some(sid) = row.cells.get(student_col).and_then(cell_text) else {
            report.rejected.push(reject(RowProblem::MissingStudentId));
            continue;
        };
        if let Some(first_line) = seen.get(&sid) {
            let first_line = *first_line;
            report
                .rejected
                .push(reject(RowProblem::Duplicate { first_line }));
            continue;
        }
        seen.insert(sid.clone(), row.line);
        let Some(inv) = invited.get(&sid) else {
            report.rejected.push(reject(RowProblem::NotInvited));
            continue;
        };
        let answers = match row_answers(row, &survey, &questions) {
            Ok(a) => a,
            Err(p) => {
                report.rejected.push(reject(p));
                continue;
            }
        };
        match import_row(db, catalog, &w.survey_id, inv, &answers, now, today).await? {
            Ok(true) => report.inserted += 1,
            Ok(false) => report.updated += 1,
            Err(p) => report.rejected.push(reject(p)),
        }
    }
    report.rejected.sort_by_key(|r| r.line);
    Ok(report)
}

/// One person's answers, all or nothing: `Ok(Ok(true))` when they had no answers before.
async fn import_row(
    db: &DatabaseConnection,
    catalog: &Catalog,
    survey_id: &str,
    inv: &invitation::Model,
    answers: &[(String, Answer)],
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<std::result::Result<bool, RowProblem>> {
    let txn = db.begin().await?;
    let result = async {
        let existing = responses::find(&txn, inv.id).await?;
        let fresh = existing
            .as_ref()
            .is_none_or(|r| answers_of(r).is_ok_and(|a| a.is_empty()));
        let mut r = match existing {
            Some(r) => r,
            None => responses::open(&txn, inv.id, Channel::Staff, now).await?,
        };
        match responses::status_of(&r)? {
            Status::Declined | Status::OptedOut => return Ok(Err(RowProblem::Declined)),
            Status::Opened => {
                let survey = survey_at(&txn, catalog, survey_id, r.survey_version).await?;
                let version = i32::try_from(survey.privacy_notice.version).unwrap_or(i32::MAX);
                r = responses::record_consent(&txn, r.id, version, true, Channel::Staff, now)
                    .await?;
            }
            _ => {}
        }
        let survey = survey_at(&txn, catalog, survey_id, r.survey_version).await?;
        let ctx = context_for(&txn, inv, &survey, today).await?;
        let engine = Engine::new(catalog, &survey);
        let mut merged = answers_of(&r)?;
        for (qid, answer) in answers {
            match engine.answer_question(&ctx, &merged, qid, answer.clone()) {
                Ok(m) => merged = m,
                Err(mut errors) => {
                    let invalid = errors.pop().unwrap_or_else(kind_error);
                    return Ok(Err(RowProblem::Answer {
                        question: qid.clone(),
                        invalid,
                    }));
                }
            }
        }
        let status = if engine.is_complete(&ctx, &merged) {
            Status::Complete
        } else {
            Status::Partial
        };
        match responses::save_answers(&txn, r.id, r.revision, &merged, status, Channel::Staff, now)
            .await
        {
            Ok(_) => Ok(Ok(fresh)),
            Err(Error::Conflict(_)) => Ok(Err(RowProblem::Conflict)),
            Err(e) => Err(e),
        }
    }
    .await;
    match result {
        // A refused row writes nothing, not even the opening or the consent.
        Ok(Err(problem)) => {
            txn.rollback().await?;
            Ok(Err(problem))
        }
        other => crate::store::finish(txn, other).await,
    }
}
