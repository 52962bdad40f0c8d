//! `export responses`: one row per invitation of a wave — the person's roster key, status,
//! channels and timestamps, then one column per question id in definition order — as CSV or
//! XLSX, the layout LimeSurvey and KoboToolbox users expect. Only effective answers (those of
//! questions the respondent was shown) are written; every export is recorded in the audit log.
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::str::FromStr;

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::Serialize;

use super::plan::ReminderPlan;
use super::{audience, invite, key_column};
use crate::error::{Error, Result};
use crate::store::entities::{audit_event, employer, graduate, invitation, response, wave};
use crate::store::responses::Status;
use crate::store::survey_versions;
use crate::survey::{
    Answer, Answers, Audience, Catalog, Context, ContextRef, Engine, Operand, Question,
    QuestionKind, Stage, Survey,
};

/// Rows per `IN (…)` query.
const CHUNK: usize = 500;

/// The file formats of an export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }
}

impl FromStr for Format {
    type Err = Error;
    fn from_str(s: &str) -> Result<Format> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(Format::Csv),
            "xlsx" => Ok(Format::Xlsx),
            other => Err(Error::Invalid(format!(
                "unknown export format '{other}' (csv or xlsx)"
            ))),
        }
    }
}

/// One cell: numbers stay numbers in XLSX.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
}

impl Cell {
    fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    fn opt_time(t: Option<DateTime<Utc>>, tz: Tz) -> Cell {
        t.map_or(Cell::Empty, |t| {
            Cell::Text(
                t.with_timezone(&tz)
                    .to_rfc3339_opts(SecondsFormat::Secs, false),
            )
        })
    }

    /// The cell as CSV text. Text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`)
    /// gets a leading `'`: free-text answers come from outside and must stay text.
    fn csv_text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Number(n) => format_number(*n),
            Cell::Text(t) if t.starts_with(['=', '+', '-', '@', '\t', '\r']) => format!("'{t}"),
            Cell::Text(t) => t.clone(),
        }
    }
}

fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// The export as a table: a header and one row per invitation.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// The fixed columns after the roster key, before the questions. The leading `_` (as in
/// KoboToolbox exports) keeps them apart from question ids, which start with a letter.
pub const LEAD_COLUMNS: [&str; 6] = [
    "_status",
    "_channels",
    "_opened_at",
    "_consented_at",
    "_completed_at",
    "_updated_at",
];

/// Status of an invitation nobody has opened yet.
pub const NOT_OPENED: &str = "invited";

/// What one question contributes to the header and to each row.
enum Columns<'q> {
    /// The answer; for a choice question with a "please specify" option, also `<id>_other`.
    Choice {
        q: &'q Question,
        other: bool,
    },
    /// `province/city` and `<id>_county` (1 = county level or below).
    Region {
        q: &'q Question,
    },
    Plain {
        q: &'q Question,
    },
}

impl<'q> Columns<'q> {
    fn of(catalog: &Catalog, q: &'q Question) -> Columns<'q> {
        match &q.kind {
            QuestionKind::SingleChoice { .. } | QuestionKind::MultipleChoice { .. } => {
                Columns::Choice {
                    q,
                    other: catalog.other_option(q).is_some(),
                }
            }
            QuestionKind::Region => Columns::Region { q },
            _ => Columns::Plain { q },
        }
    }

    fn header(&self, out: &mut Vec<String>) {
        match self {
            Columns::Choice { q, other } => {
                out.push(q.id.clone());
                if *other {
                    out.push(format!("{}_other", q.id));
                }
            }
            Columns::Region { q } => {
                out.push(q.id.clone());
                out.push(format!("{}_county", q.id));
            }
            Columns::Plain { q } => out.push(q.id.clone()),
        }
    }

    fn cells(&self, answers: Option<&Answers>, out: &mut Vec<Cell>) {
        let id = match self {
            Columns::Choice { q, .. } | Columns::Region { q } | Columns::Plain { q } => &q.id,
        };
        let answer = answers.and_then(|a| a.get(id));
        match (self, answer) {
            (Columns::Choice { other, .. }, a) => {
                let (value, other_text) = match a {
                    Some(Answer::Choice { choice, other }) => {
                        (Cell::text(choice), other.as_deref())
                    }
                    Some(Answer::Choices { choices, other }) => {
                        (Cell::text(choices.join(";")), other.as_deref())
                    }
                    _ => (Cell::Empty, None),
                };
                out.push(value);
                if *other {
                    out.push(other_text.map_or(Cell::Empty, Cell::text));
                }
            }
            (
                Columns::Region { .. },
                Some(Answer::Region {
                    province,
                    city,
                    county,
                }),
            ) => {
                let place = match city {
                    Some(city) => format!("{province}/{city}"),
                    None => province.clone(),
                };
                out.push(Cell::Text(place));
                out.push(Cell::Number(if *county { 1.0 } else { 0.0 }));
            }
            (Columns::Region { .. }, _) => {
                out.push(Cell::Empty);
                out.push(Cell::Empty);
            }
            (Columns::Plain { .. }, a) => out.push(match a {
                Some(Answer::Rating(r)) => Cell::Number(f64::from(*r)),
                Some(Answer::Number(n)) => Cell::Number(*n),
                Some(Answer::Text(t)) => Cell::text(t),
                Some(Answer::YearMonth(m)) => Cell::Text(m.to_string()),
                // Skipped, or a shape this kind never stores.
                _ => Cell::Empty,
            }),
        }
    }
}

/// Reads stored answers one question at a time, so a single unreadable entry (written by an
/// older version, say) loses only itself. Returns the answers and how many were unreadable.
fn parse_answers(json: &serde_json::Value) -> (Answers, usize) {
    let mut answers = Answers::new();
    let mut unreadable = 0;
    if let Some(map) = json.as_object() {
        for (qid, v) in map {
            match <Answer as serde::Deserialize>::deserialize(v) {
                Ok(a) => {
                    answers.insert(qid.clone(), a);
                }
                Err(_) => unreadable += 1,
            }
        }
    }
    (answers, unreadable)
}

/// id, student id, degree level, department, major, class, graduation date and year, gender.
type RosterRow = (
    i32,
    String,
    String,
    String,
    String,
    String,
    chrono::NaiveDate,
    i32,
    Option<String>,
);

/// The roster fields `roster.<field>` conditions can read.
fn graduate_roster(g: &RosterRow) -> BTreeMap<String, String> {
    let (_, student_id, degree_level, department, major, class, date, year, gender) = g;
    let mut m = BTreeMap::new();
    m.insert("student_id".into(), student_id.clone());
    m.insert("degree_level".into(), degree_level.clone());
    m.insert("department".into(), department.clone());
    m.insert("major".into(), major.clone());
    m.insert("class".into(), class.clone());
    m.insert("graduation_date".into(), date.to_string());
    m.insert("graduation_year".into(), year.to_string());
    if let Some(gender) = gender {
        m.insert("gender".into(), gender.clone());
    }
    m
}

fn employer_roster(e: &employer::Model) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    m.insert("uscc".into(), e.uscc.clone());
    m.insert("employer_name".into(), e.name.clone());
    m.insert("employer_type".into(), e.employer_type.clone());
    m.insert("industry".into(), e.industry.clone());
    m.insert("province".into(), e.province.clone());
    m.insert("city".into(), e.city.clone());
    m
}

/// Which context the survey's conditions read: (roster fields, earlier stages). Most surveys
/// read neither, and then no per-row context is built at all.
fn context_needs(survey: &Survey) -> (bool, bool) {
    let mut roster = false;
    let mut previous = false;
    for q in survey.questions() {
        for op in q.condition_operands() {
            match op {
                Operand::Context(ContextRef::Roster(_)) => roster = true,
                Operand::Context(ContextRef::Previous { .. }) => previous = true,
                Operand::Question(_) => {}
            }
        }
    }
    (roster, previous)
}

/// The same graduates' answers in the cohort's earlier-stage waves (the latest wave of each
/// stage), for conditions on `previous.<stage>.<question>`.
async fn previous_answers<C: ConnectionTrait>(
    db: &C,
    w: &wave::Model,
    graduate_ids: &[i32],
) -> Result<HashMap<i32, BTreeMap<Stage, Answers>>> {
    let this_stage: Stage = w.stage.parse().map_err(Error::Invalid)?;
    let mut latest: BTreeMap<Stage, wave::Model> = BTreeMap::new();
    for other in wave::Entity::find()
        .filter(wave::Column::CohortYear.eq(w.cohort_year))
        .order_by_asc(wave::Column::Id)
        .all(db)
        .await?
    {
        if let Ok(stage) = other.stage.parse::<Stage>()
            && stage < this_stage
            && stage != Stage::Employer
        {
            latest.insert(stage, other);
        }
    }
    let mut out: HashMap<i32, BTreeMap<Stage, Answers>> = HashMap::new();
    for (stage, earlier) in latest {
        for ids in graduate_ids.chunks(CHUNK) {
            let invs = invitation::Entity::find()
                .filter(invitation::Column::WaveId.eq(earlier.id))
                .filter(invitation::Column::GraduateId.is_in(ids.iter().copied()))
                .all(db)
                .await?;
            let by_inv: HashMap<i32, i32> = invs
                .iter()
                .filter_map(|i| i.graduate_id.map(|g| (i.id, g)))
                .collect();
            let responses = response::Entity::find()
                .filter(response::Column::InvitationId.is_in(by_inv.keys().copied()))
                .all(db)
                .await?;
            for r in responses {
                if let Some(g) = by_inv.get(&r.invitation_id) {
                    out.entry(*g)
                        .or_default()
                        .insert(stage, parse_answers(&r.answers).0);
                }
            }
        }
    }
    Ok(out)
}

/// What an export wrote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExportReport {
    pub rows: usize,
    /// Stored answers that could not be read (left empty in the export).
    pub unreadable_answers: usize,
}

/// Builds the export table of a wave. The questions come from the survey snapshot the wave's
/// answers were given under; `catalog` supplies shared choice lists.
pub async fn responses_table<C: ConnectionTrait>(
    db: &C,
    catalog: &Catalog,
    wave_id: i32,
    now: DateTime<Utc>,
) -> Result<(Table, ExportReport)> {
    let w = super::find(db, wave_id).await?;
    let survey = survey_versions::load(db, &w.survey_id, w.survey_version).await?;
    let tz = ReminderPlan::from_json(&w.reminder_plan)
        .map(|p| p.time_zone)
        .unwrap_or(chrono_tz::Asia::Shanghai);
    let aud = audience(&w);
    let engine = Engine::new(catalog, &survey);
    let columns: Vec<Columns> = survey
        .questions()
        .map(|q| Columns::of(catalog, q))
        .collect();
    let mut header: Vec<String> = vec![key_column(aud).to_string()];
    header.extend(LEAD_COLUMNS.iter().map(|c| c.to_string()));
    for c in &columns {
        c.header(&mut header);
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(clash) = header.iter().find(|h| !seen.insert(h.as_str())) {
        return Err(Error::Invalid(format!(
            "survey {} v{} yields the export column '{clash}' twice (a question id clashes \
             with a column made for another question); rename the question in a new version",
            survey.id, survey.version
        )));
    }

    let invitations = invitation::Entity::find()
        .filter(invitation::Column::WaveId.eq(wave_id))
        .order_by_asc(invitation::Column::Id)
        .all(db)
        .await?;
    let keys = invite::person_keys(db, aud, &invitations).await?;
    let (needs_roster, needs_previous) = context_needs(&survey);
    // One query per table (invitations of this wave as a subquery) rather than one per chunk.
    let of_wave = || {
        sea_orm::sea_query::Query::select()
            .column(invitation::Column::Id)
            .from(invitation::Entity)
            .and_where(invitation::Column::WaveId.eq(wave_id))
            .to_owned()
    };
    let responses: HashMap<i32, response::Model> = response::Entity::find()
        .filter(response::Column::InvitationId.in_subquery(of_wave()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.invitation_id, r))
        .collect();
    let mut rosters: HashMap<i32, BTreeMap<String, String>> = HashMap::new();
    if needs_roster {
        let people = || {
            sea_orm::sea_query::Query::select()
                .column(match aud {
                    Audience::Graduate => invitation::Column::GraduateId,
                    Audience::Employer => invitation::Column::EmployerId,
                })
                .from(invitation::Entity)
                .and_where(invitation::Column::WaveId.eq(wave_id))
                .to_owned()
        };
        match aud {
            Audience::Graduate => {
                // Only the fields conditions read: whole rows (names, contacts, attributes)
                // would cost time and pull personal data the export does not need.
                let rows: Vec<RosterRow> = graduate::Entity::find()
                    .select_only()
                    .columns([
                        graduate::Column::Id,
                        graduate::Column::StudentId,
                        graduate::Column::DegreeLevel,
                        graduate::Column::Department,
                        graduate::Column::Major,
                        graduate::Column::ClassName,
                        graduate::Column::GraduationDate,
                        graduate::Column::GraduationYear,
                        graduate::Column::Gender,
                    ])
                    .filter(graduate::Column::Id.in_subquery(people()))
                    .into_tuple()
                    .all(db)
                    .await?;
                for row in &rows {
                    rosters.insert(row.0, graduate_roster(row));
                }
            }
            Audience::Employer => {
                for e in employer::Entity::find()
                    .filter(employer::Column::Id.in_subquery(people()))
                    .all(db)
                    .await?
                {
                    rosters.insert(e.id, employer_roster(&e));
                }
            }
        }
    }
    let previous = if aud == Audience::Graduate && needs_previous {
        let ids: Vec<i32> = invitations.iter().filter_map(|i| i.graduate_id).collect();
        previous_answers(db, &w, &ids).await?
    } else {
        HashMap::new()
    };
    let empty_context = Context::new(now.date_naive());
    let mut unreadable = 0;
    let mut rows: Vec<(String, Vec<Cell>)> = Vec::with_capacity(invitations.len());
    for inv in &invitations {
        let key = keys.get(&inv.id).cloned().unwrap_or_default();
        let person = inv.graduate_id.or(inv.employer_id).unwrap_or_default();
        let mut row = vec![Cell::text(key.clone())];
        let r = responses.get(&inv.id);
        match r {
            None => {
                row.push(Cell::text(NOT_OPENED));
                row.extend(std::iter::repeat_n(Cell::Empty, LEAD_COLUMNS.len() - 1));
            }
            Some(r) => {
                row.push(Cell::text(r.status.clone()));
                row.push(Cell::text(r.channels.clone()));
                row.push(Cell::opt_time(r.opened_at, tz));
                row.push(Cell::opt_time(r.consented_at, tz));
                row.push(Cell::opt_time(r.completed_at, tz));
                row.push(Cell::opt_time(Some(r.updated_at), tz));
            }
        }
        // Answers of people who declined the notice or opted out are not handed on.
        let effective = match r {
            Some(r)
                if r.status
                    .parse::<Status>()
                    .is_ok_and(Status::accepts_answers) =>
            {
                let (answers, bad) = parse_answers(&r.answers);
                unreadable += bad;
                let roster = rosters.get(&person);
                let earlier = previous.get(&person);
                if roster.is_none() && earlier.is_none() {
                    Some(engine.effective_answers(&empty_context, &answers))
                } else {
                    let ctx = Context {
                        roster: roster.cloned().unwrap_or_default(),
                        previous: earlier.cloned().unwrap_or_default(),
                        today: now.date_naive(),
                    };
                    Some(engine.effective_answers(&ctx, &answers))
                }
            }
            _ => None,
        };
        for c in &columns {
            c.cells(effective.as_ref(), &mut row);
        }
        rows.push((key, row));
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    let report = ExportReport {
        rows: rows.len(),
        unreadable_answers: unreadable,
    };
    Ok((
        Table {
            header,
            rows: rows.into_iter().map(|(_, r)| r).collect(),
        },
        report,
    ))
}

/// Writes CSV with a UTF-8 byte-order mark, without which Excel on Chinese Windows reads the
/// file as GBK and garbles every Chinese answer.
pub fn write_csv<W: Write>(mut out: W, table: &Table) -> Result<()> {
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = csv::Writer::from_writer(out);
    let csv_err = |e: csv::Error| Error::Other(format!("writing CSV: {e}"));
    w.write_record(&table.header).map_err(csv_err)?;
    for row in &table.rows {
        w.write_record(row.iter().map(Cell::csv_text))
            .map_err(csv_err)?;
    }
    w.flush()?;
    Ok(())
}

/// The table as an XLSX workbook (one sheet, bold frozen header, numbers as numbers).
pub fn xlsx_bytes(table: &Table, sheet_name: &str) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format as XFormat, Workbook};
    let xerr = |e: rust_xlsxwriter::XlsxError| Error::Other(format!("writing XLSX: {e}"));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name).map_err(xerr)?;
    let bold = XFormat::new().set_bold();
    for (c, name) in table.header.iter().enumerate() {
        sheet
            .write_string_with_format(0, col(c)?, name, &bold)
            .map_err(xerr)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = u32::try_from(r + 1)
            .map_err(|_| Error::Invalid("too many rows for one XLSX sheet".into()))?;
        for (c, cell) in row.iter().enumerate() {
            match cell {
                Cell::Empty => {}
                Cell::Text(t) => {
                    sheet.write_string(r, col(c)?, t).map_err(xerr)?;
                }
                Cell::Number(n) => {
                    sheet.write_number(r, col(c)?, *n).map_err(xerr)?;
                }
            }
        }
    }
    sheet.set_freeze_panes(1, 1).map_err(xerr)?;
    book.save_to_buffer().map_err(xerr)
}

fn col(c: usize) -> Result<u16> {
    u16::try_from(c).map_err(|_| Error::Invalid("too many columns for one XLSX sheet".into()))
}

/// Exports the responses of a wave to `out` and records who exported what (ids and counts
/// only, never personal data) in the audit log.
pub async fn export_responses<C: ConnectionTrait, W: Write>(
    db: &C,
    catalog: &Catalog,
    wave_id: i32,
    format: Format,
    out: W,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<ExportReport> {
    let (table, report) = responses_table(db, catalog, wave_id, now).await?;
    match format {
        Format::Csv => write_csv(out, &table)?,
        Format::Xlsx => {
            let mut out = out;
            out.write_all(&xlsx_bytes(&table, &format!("wave {wave_id}"))?)?;
            out.flush()?;
        }
    }
    audit_event::ActiveModel {
        actor: Set(actor.to_string()),
        action: Set("export_responses".to_string()),
        detail: Set(serde_json::json!({
            "wave": wave_id,
            "format": format.as_str(),
            "rows": report.rows,
        })),
        at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(report)
}
