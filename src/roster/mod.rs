//! Rosters: importing graduates, employers and staff from the CSV/XLSX files the office keeps.
//! Every row is checked into a domain type first; good rows are written in batches, each row all
//! or nothing; every bad row is reported with its line number and a reason free of personal data.
pub mod contact;
pub mod employer;
pub mod graduate;
pub mod read;
pub mod staff;
pub mod uscc;

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::future::Future;
use std::path::Path;

use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};
use serde_json::json;

use crate::error::Result;
pub use crate::i18n::Lang;
use crate::store::roster::{Written, record_audit};
use read::{Cell, Row, Source, Table};

pub use employer::import_employers;
pub use graduate::import_graduates;
pub use staff::{hash_password, import_staff, verify_password};

/// Rows written per statement: large enough to amortise round trips, small enough to stay under
/// SQLite's and PostgreSQL's bound-parameter limits (16 columns × 500 rows = 8,000).
pub const CHUNK_ROWS: usize = 500;

/// The language of the CLI's messages: Chinese when the locale (`LC_ALL`, then `LC_MESSAGES`,
/// then `LANG`) starts with `zh`, else English.
pub fn lang_from_env() -> Lang {
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|var| std::env::var(var).ok())
        .find(|v| !v.is_empty());
    match locale {
        Some(v) if v.starts_with("zh") => Lang::ZhCn,
        _ => Lang::En,
    }
}

/// Which roster a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RosterKind {
    Graduates,
    Employers,
    Staff,
}

impl RosterKind {
    fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (RosterKind::Graduates, Lang::En) => "graduates",
            (RosterKind::Employers, Lang::En) => "employers",
            (RosterKind::Staff, Lang::En) => "staff",
            (RosterKind::Graduates, Lang::ZhCn) => "毕业生",
            (RosterKind::Employers, Lang::ZhCn) => "用人单位",
            (RosterKind::Staff, Lang::ZhCn) => "工作人员",
        }
    }
}

/// Why a whole file was refused before anything was written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileProblem {
    #[error("cannot read the file: {reason}")]
    Unreadable { reason: String },
    #[error(
        "the file is neither UTF-8 nor GBK text; save it from Excel as \"CSV UTF-8\" or as .xlsx"
    )]
    Encoding,
    #[error("the file has no header row")]
    NoHeader,
    #[error("missing column(s): {} (the header has: {})", .missing.join(", "), .found.join(", "))]
    MissingColumns {
        missing: Vec<String>,
        found: Vec<String>,
    },
    #[error("column `{0}` appears more than once in the header")]
    DuplicateColumn(String),
    /// A response file's column is neither `student_id` nor a question of the survey.
    #[error("column(s) {} are not questions of survey `{survey}`", .unknown.join(", "))]
    UnknownQuestions {
        unknown: Vec<String>,
        survey: String,
    },
}

impl FileProblem {
    /// The message in the user's language.
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::ZhCn => match self {
                FileProblem::Unreadable { reason } => format!("无法读取文件：{reason}"),
                FileProblem::Encoding => {
                    "文件既不是 UTF-8 也不是 GBK 编码；请在 Excel 中另存为“CSV UTF-8”或 .xlsx"
                        .to_string()
                }
                FileProblem::NoHeader => "文件没有表头行".to_string(),
                FileProblem::MissingColumns { missing, found } => format!(
                    "缺少列：{}（表头中有：{}）",
                    missing.join("、"),
                    found.join("、")
                ),
                FileProblem::DuplicateColumn(c) => format!("表头中 `{c}` 列出现了不止一次"),
                FileProblem::UnknownQuestions { unknown, survey } => {
                    format!("列 {} 不是问卷 `{survey}` 的题目编号", unknown.join("、"))
                }
            },
        }
    }
}

/// What is wrong with a value; never carries the value itself (it may be personal data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Date,
    Email,
    Phone,
    DegreeLevel,
    /// 研究生 (postgraduate) names two degree levels.
    Postgraduate,
    StudentId,
    Gender,
    OpenId,
    UsccLength,
    UsccCharacter,
    UsccCheck,
    Role,
    Username,
    ScopeRequired,
    ScopeForAdmin,
    AlumniScope,
}

impl Reason {
    pub fn message(self, lang: Lang) -> &'static str {
        use Reason::*;
        match lang {
            Lang::En => match self {
                Date => "not a date (write 2025-06-30, 2025/6/30 or 20250630)",
                Email => "not an e-mail address",
                Phone => "not a mobile number (11 digits, or + and the country code)",
                DegreeLevel => {
                    "unknown degree level (use associate, bachelor, master, doctor or 专科, 本科, 硕士, 博士)"
                }
                Postgraduate => "研究生 is ambiguous: write 硕士 (master) or 博士 (doctor)",
                StudentId => "not a student id (letters, digits, - and _, at most 32)",
                Gender => "unknown gender (use male, female, 男 or 女)",
                OpenId => "not a WeChat openid",
                UsccLength => "a unified social credit code has 18 characters",
                UsccCharacter => {
                    "a unified social credit code uses digits and capital letters except I, O, S, V, Z"
                }
                UsccCheck => "wrong check character (is there a typo in the credit code?)",
                Role => "unknown role (use admin, department, class or alumni)",
                Username => {
                    "not a username (2 to 64 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit)"
                }
                ScopeRequired => "required for a department, class or alumni liaison",
                ScopeForAdmin => "must be empty for an admin (an admin sees everything)",
                AlumniScope => {
                    "an alumni scope is COHORT, MAJOR or COHORT/MAJOR (e.g. 2020/软件工程)"
                }
            },
            Lang::ZhCn => match self {
                Date => "不是有效日期（请写成 2025-06-30、2025/6/30 或 20250630）",
                Email => "不是有效的电子邮箱地址",
                Phone => "不是有效的手机号（11 位数字，或以 + 和国家代码开头）",
                DegreeLevel => "无法识别的学历层次（请用 专科、本科、硕士、博士）",
                Postgraduate => "“研究生”不明确：请写 硕士 或 博士",
                StudentId => "学号格式不对（只能含字母、数字、- 和 _，最长 32 位）",
                Gender => "无法识别的性别（请用 男 或 女）",
                OpenId => "不是有效的微信 openid",
                UsccLength => "统一社会信用代码应为 18 位",
                UsccCharacter => "统一社会信用代码只含数字和大写字母（不用 I、O、S、V、Z）",
                UsccCheck => "统一社会信用代码校验位不符（是否有输入错误？）",
                Role => "无法识别的角色（请用 admin、department、class 或 alumni）",
                Username => {
                    "用户名格式不对（2 到 64 位小写字母、数字、'.'、'_' 或 '-'，以字母或数字开头）"
                }
                ScopeRequired => "院系、班级和校友联络人必须填写负责范围",
                ScopeForAdmin => "管理员不填负责范围（管理员可查看全部）",
                AlumniScope => "校友范围写作 届别、专业 或 届别/专业（如 2020/软件工程）",
            },
        }
    }
}

/// Why one row was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Missing {
        column: String,
    },
    Invalid {
        column: String,
        reason: Reason,
    },
    Duplicate {
        column: String,
        first_line: usize,
    },
    TooManyFields {
        found: usize,
        expected: usize,
    },
    ControlCharacter {
        column: String,
    },
    TooLong {
        column: String,
        max: usize,
    },
    SpreadsheetError {
        column: String,
    },
    /// The database refused the row (the error text may quote the row, so it is not shown).
    Refused,
}

impl Problem {
    fn invalid(column: &str, reason: Reason) -> Problem {
        Problem::Invalid {
            column: column.to_string(),
            reason,
        }
    }

    /// The message in the user's language.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Problem::Missing { column }, Lang::En) => {
                format!("column `{column}`: required value is missing")
            }
            (Problem::Missing { column }, Lang::ZhCn) => format!("`{column}` 列：缺少必填值"),
            (Problem::Invalid { column, reason }, Lang::En) => {
                format!("column `{column}`: {}", reason.message(lang))
            }
            (Problem::Invalid { column, reason }, Lang::ZhCn) => {
                format!("`{column}` 列：{}", reason.message(lang))
            }
            (Problem::Duplicate { column, first_line }, Lang::En) => {
                format!("column `{column}`: same as line {first_line}, which was kept")
            }
            (Problem::Duplicate { column, first_line }, Lang::ZhCn) => {
                format!("`{column}` 列：与第 {first_line} 行重复（已保留第 {first_line} 行）")
            }
            (Problem::TooManyFields { found, expected }, Lang::En) => format!(
                "the row has {found} fields but the header has {expected} (an unquoted comma?)"
            ),
            (Problem::TooManyFields { found, expected }, Lang::ZhCn) => {
                format!("该行有 {found} 个字段，表头只有 {expected} 个（是否有未加引号的逗号？）")
            }
            (Problem::ControlCharacter { column }, Lang::En) => {
                format!("column `{column}`: contains a control character")
            }
            (Problem::ControlCharacter { column }, Lang::ZhCn) => {
                format!("`{column}` 列：含有控制字符")
            }
            (Problem::TooLong { column, max }, Lang::En) => {
                format!("column `{column}`: longer than {max} characters")
            }
            (Problem::TooLong { column, max }, Lang::ZhCn) => {
                format!("`{column}` 列：超过 {max} 个字符")
            }
            (Problem::SpreadsheetError { column }, Lang::En) => {
                format!("column `{column}`: the cell holds a spreadsheet error such as #N/A")
            }
            (Problem::SpreadsheetError { column }, Lang::ZhCn) => {
                format!("`{column}` 列：单元格是表格错误值（如 #N/A）")
            }
            (Problem::Refused, Lang::En) => "the database refused this row".to_string(),
            (Problem::Refused, Lang::ZhCn) => "数据库拒绝了该行".to_string(),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

/// A rejected row: its line in the file and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    pub line: usize,
    pub problem: Problem,
}

/// The outcome of one import.
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub kind: RosterKind,
    pub source: Source,
    pub inserted: u64,
    pub updated: u64,
    /// Sorted by line.
    pub rejected: Vec<RejectedRow>,
}

impl ImportReport {
    /// One line per rejected row (`line N: reason`), in the user's language.
    pub fn rejected_lines(&self, lang: Lang) -> Vec<String> {
        self.rejected
            .iter()
            .map(|r| match lang {
                Lang::En => format!("line {}: {}", r.line, r.problem.message(lang)),
                Lang::ZhCn => format!("第 {} 行：{}", r.line, r.problem.message(lang)),
            })
            .collect()
    }

    /// The one-line summary: inserted, updated, rejected.
    pub fn summary(&self, lang: Lang) -> String {
        let kind = self.kind.label(lang);
        let (inserted, updated, rejected) = (self.inserted, self.updated, self.rejected.len());
        match lang {
            Lang::En => {
                format!("{kind}: {inserted} inserted, {updated} updated, {rejected} rejected")
            }
            Lang::ZhCn => {
                format!("{kind}：新增 {inserted} 条，更新 {updated} 条，拒绝 {rejected} 条")
            }
        }
    }
}

/// Reads `path` and imports it as the given roster.
pub async fn import_file(
    db: &DatabaseConnection,
    kind: RosterKind,
    path: &Path,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<ImportReport> {
    let table = read::read_file(path)?;
    import_table(db, kind, &table, actor, now).await
}

/// Imports a file already read as the given roster.
pub async fn import_table(
    db: &DatabaseConnection,
    kind: RosterKind,
    table: &Table,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<ImportReport> {
    match kind {
        RosterKind::Graduates => import_graduates(db, table, actor, now).await,
        RosterKind::Employers => import_employers(db, table, actor, now).await,
        RosterKind::Staff => import_staff(db, table, actor, now).await,
    }
}

/// The columns a roster expects, and other names users write them under.
pub(crate) struct Spec {
    pub required: &'static [&'static str],
    pub optional: &'static [&'static str],
    /// `(alias, column)`: headers from Chinese spreadsheets (`学号` → `student_id`).
    pub aliases: &'static [(&'static str, &'static str)],
}

/// Header positions: the known columns and the extra ones (kept as attributes).
pub(crate) struct Columns {
    known: HashMap<&'static str, usize>,
    extras: Vec<(String, usize)>,
    width: usize,
}

/// `" Student ID "` → `student_id`: case, surrounding spaces, inner spaces and dashes ignored.
fn normalize_header(h: &str) -> String {
    h.trim()
        .to_lowercase()
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

impl Columns {
    pub(crate) fn map(header: &[String], spec: &Spec) -> Result<Columns, FileProblem> {
        let mut known: HashMap<&'static str, usize> = HashMap::new();
        let mut extras: Vec<(String, usize)> = Vec::new();
        for (i, name) in header.iter().enumerate() {
            let key = normalize_header(name);
            let column = spec
                .required
                .iter()
                .chain(spec.optional)
                .find(|c| **c == key)
                .copied()
                .or_else(|| {
                    spec.aliases
                        .iter()
                        .find(|(alias, _)| *alias == key)
                        .map(|(_, c)| *c)
                });
            match column {
                Some(c) => {
                    if known.insert(c, i).is_some() {
                        return Err(FileProblem::DuplicateColumn(c.to_string()));
                    }
                }
                None => {
                    let label = if name.is_empty() {
                        format!("column_{}", i + 1)
                    } else {
                        name.clone()
                    };
                    if extras.iter().any(|(l, _)| *l == label) {
                        return Err(FileProblem::DuplicateColumn(label));
                    }
                    extras.push((label, i));
                }
            }
        }
        let missing: Vec<String> = spec
            .required
            .iter()
            .filter(|c| !known.contains_key(*c))
            .map(|c| c.to_string())
            .collect();
        if !missing.is_empty() {
            return Err(FileProblem::MissingColumns {
                missing,
                found: header.iter().filter(|h| !h.is_empty()).cloned().collect(),
            });
        }
        Ok(Columns {
            known,
            extras,
            width: header.len(),
        })
    }

    /// A CSV row with more non-empty fields than the header has columns is shifted data.
    fn check_width(&self, row: &Row) -> Result<(), Problem> {
        let overflow = row.cells.iter().skip(self.width).any(|c| !c.is_blank());
        if overflow {
            let found =
                row.cells.len() - row.cells.iter().rev().take_while(|c| c.is_blank()).count();
            return Err(Problem::TooManyFields {
                found,
                expected: self.width,
            });
        }
        Ok(())
    }
}

/// Longest single-line value (names, departments, …) and longest extra-column value.
const MAX_LINE_CHARS: usize = 200;
const MAX_ATTRIBUTE_CHARS: usize = 2000;

/// One row seen through the header: typed access to its columns.
pub(crate) struct Fields<'a> {
    columns: &'a Columns,
    row: &'a Row,
}

static EMPTY: Cell = Cell::Empty;

impl<'a> Fields<'a> {
    pub(crate) fn cell(&self, column: &str) -> &'a Cell {
        self.columns
            .known
            .get(column)
            .and_then(|i| self.row.cells.get(*i))
            .unwrap_or(&EMPTY)
    }

    /// A single-line value: trimmed, runs of white space (line breaks too) made one space;
    /// `None` when empty.
    pub(crate) fn text(&self, column: &str) -> Result<Option<String>, Problem> {
        match self.cell(column) {
            Cell::Empty => Ok(None),
            Cell::Date(d) => Ok(Some(d.to_string())),
            Cell::Error(_) => Err(Problem::SpreadsheetError {
                column: column.to_string(),
            }),
            Cell::Text(s) => {
                reject_control_characters(column, s)?;
                let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
                if joined.chars().count() > MAX_LINE_CHARS {
                    return Err(Problem::TooLong {
                        column: column.to_string(),
                        max: MAX_LINE_CHARS,
                    });
                }
                Ok((!joined.is_empty()).then_some(joined))
            }
        }
    }

    pub(crate) fn required(&self, column: &str) -> Result<String, Problem> {
        self.text(column)?.ok_or_else(|| Problem::Missing {
            column: column.to_string(),
        })
    }

    /// A required value checked by `parse`.
    pub(crate) fn parse_required<T>(
        &self,
        column: &str,
        parse: impl FnOnce(&str) -> Result<T, Reason>,
    ) -> Result<T, Problem> {
        let value = self.required(column)?;
        parse(&value).map_err(|reason| Problem::invalid(column, reason))
    }

    /// A required value checked by `parse` on the cell itself (for Excel date cells).
    pub(crate) fn parse_required_cell<T>(
        &self,
        column: &str,
        parse: impl FnOnce(&Cell) -> Result<T, Reason>,
    ) -> Result<T, Problem> {
        match self.cell(column) {
            cell if cell.is_blank() => Err(Problem::Missing {
                column: column.to_string(),
            }),
            Cell::Error(_) => Err(Problem::SpreadsheetError {
                column: column.to_string(),
            }),
            cell => parse(cell).map_err(|reason| Problem::invalid(column, reason)),
        }
    }

    /// An optional value checked by `parse` when present.
    pub(crate) fn parse_optional<T>(
        &self,
        column: &str,
        parse: impl FnOnce(&str) -> Result<T, Reason>,
    ) -> Result<Option<T>, Problem> {
        match self.text(column)? {
            None => Ok(None),
            Some(value) => parse(&value)
                .map(Some)
                .map_err(|reason| Problem::invalid(column, reason)),
        }
    }

    /// The extra columns as a JSON object (empty cells left out; line breaks kept).
    pub(crate) fn attributes(&self) -> Result<serde_json::Value, Problem> {
        let mut map = serde_json::Map::new();
        for (label, i) in &self.columns.extras {
            let value = match self.row.cells.get(*i) {
                None | Some(Cell::Empty) | Some(Cell::Error(_)) => continue,
                Some(Cell::Date(d)) => d.to_string(),
                Some(Cell::Text(s)) => {
                    reject_control_characters(label, s)?;
                    let s = s.trim();
                    if s.chars().count() > MAX_ATTRIBUTE_CHARS {
                        return Err(Problem::TooLong {
                            column: label.clone(),
                            max: MAX_ATTRIBUTE_CHARS,
                        });
                    }
                    s.to_string()
                }
            };
            if !value.is_empty() {
                map.insert(label.clone(), serde_json::Value::String(value));
            }
        }
        Ok(serde_json::Value::Object(map))
    }
}

/// NUL and other control characters (tabs and line breaks aside) break PostgreSQL text or are
/// invisible garbage from a broken export.
fn reject_control_characters(column: &str, s: &str) -> Result<(), Problem> {
    if s.chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return Err(Problem::ControlCharacter {
            column: column.to_string(),
        });
    }
    Ok(())
}

/// One roster: how a row becomes a record, its key, and how records are written.
pub(crate) trait Roster {
    const KIND: RosterKind;
    /// The audit action (`import.graduates`).
    const ACTION: &'static str;
    /// The column whose value identifies a record (re-imports update by it).
    const KEY: &'static str;
    const SPEC: Spec;
    type Record: Send + Sync;

    fn parse(fields: &Fields<'_>) -> Result<Self::Record, Problem>;
    fn key(record: &Self::Record) -> &str;
    /// Upserts the records in one statement inside `txn`.
    fn write(
        txn: &DatabaseTransaction,
        records: &[&Self::Record],
        now: chrono::DateTime<chrono::Utc>,
    ) -> impl Future<Output = Result<Written, DbErr>> + Send;
}

/// Checks every row, writes the good ones in chunks (one transaction each), falls back to
/// row-by-row for a chunk the database refuses, and records the import in the audit log.
pub(crate) async fn import<R: Roster>(
    db: &DatabaseConnection,
    table: &Table,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<ImportReport> {
    let columns = Columns::map(&table.header, &R::SPEC)?;
    let mut rejected = Vec::new();
    let mut good: Vec<(usize, R::Record)> = Vec::with_capacity(table.rows.len());
    let mut first_seen: HashMap<String, usize> = HashMap::with_capacity(table.rows.len());
    for row in &table.rows {
        let fields = Fields {
            columns: &columns,
            row,
        };
        let record = columns.check_width(row).and_then(|()| R::parse(&fields));
        match record {
            Ok(record) => match first_seen.entry(R::key(&record).to_string()) {
                Entry::Occupied(first) => rejected.push(RejectedRow {
                    line: row.line,
                    problem: Problem::Duplicate {
                        column: R::KEY.to_string(),
                        first_line: *first.get(),
                    },
                }),
                Entry::Vacant(slot) => {
                    slot.insert(row.line);
                    good.push((row.line, record));
                }
            },
            Err(problem) => rejected.push(RejectedRow {
                line: row.line,
                problem,
            }),
        }
    }

    let mut written = Written::default();
    for chunk in good.chunks(CHUNK_ROWS) {
        let records: Vec<&R::Record> = chunk.iter().map(|(_, r)| r).collect();
        match write_chunk::<R>(db, &records, now).await {
            Ok(w) => written += w,
            Err(e) if is_connection_error(&e) => return Err(e.into()),
            Err(_) => {
                // Some row broke the statement: write the rows one by one to find it.
                for (line, record) in chunk {
                    match write_chunk::<R>(db, &[record], now).await {
                        Ok(w) => written += w,
                        Err(e) if is_connection_error(&e) => return Err(e.into()),
                        Err(_) => {
                            // The error text may quote the row's values: log only where it is.
                            tracing::warn!(roster = R::ACTION, line, "row refused by the database");
                            rejected.push(RejectedRow {
                                line: *line,
                                problem: Problem::Refused,
                            });
                        }
                    }
                }
            }
        }
    }
    rejected.sort_by_key(|r| r.line);

    let report = ImportReport {
        kind: R::KIND,
        source: table.source,
        inserted: written.inserted,
        updated: written.updated,
        rejected,
    };
    let source = match table.source {
        Source::Csv { encoding } => format!("csv ({encoding})"),
        Source::Workbook => "workbook".to_string(),
    };
    record_audit(
        db,
        actor,
        R::ACTION,
        json!({
            "source": source,
            "rows": table.rows.len(),
            "inserted": report.inserted,
            "updated": report.updated,
            "rejected": report.rejected.len(),
        }),
        now,
    )
    .await?;
    tracing::info!(
        roster = R::ACTION,
        inserted = report.inserted,
        updated = report.updated,
        rejected = report.rejected.len(),
        "roster imported"
    );
    Ok(report)
}

async fn write_chunk<R: Roster>(
    db: &DatabaseConnection,
    records: &[&R::Record],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Written, DbErr> {
    let txn = db.begin().await?;
    match R::write(&txn, records, now).await {
        Ok(written) => {
            txn.commit().await?;
            Ok(written)
        }
        Err(e) => {
            // The statement's error is the one worth reporting; a failed rollback adds nothing.
            let _ = txn.rollback().await;
            Err(e)
        }
    }
}

/// Errors that say "the database is gone", not "this row is wrong": retrying row by row would
/// only reject every row.
fn is_connection_error(e: &DbErr) -> bool {
    matches!(e, DbErr::Conn(_) | DbErr::ConnectionAcquire(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: Spec = Spec {
        required: &["student_id", "name"],
        optional: &["gender"],
        aliases: &[("学号", "student_id")],
    };

    fn header(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn headers_ignore_case_spaces_and_order_and_keep_extras() {
        let columns = Columns::map(&header(&[" Name ", "Hometown", "学号"]), &SPEC).unwrap();
        assert_eq!(columns.known["name"], 0);
        assert_eq!(columns.known["student_id"], 2);
        assert_eq!(columns.extras, vec![("Hometown".to_string(), 1)]);
    }

    #[test]
    fn a_missing_column_names_what_is_missing_and_what_was_found() {
        let Err(problem) = Columns::map(&header(&["name", "email"]), &SPEC) else {
            panic!("accepted a header without student_id");
        };
        assert_eq!(
            problem,
            FileProblem::MissingColumns {
                missing: vec!["student_id".into()],
                found: vec!["name".into(), "email".into()],
            }
        );
        assert!(
            problem
                .message(Lang::ZhCn)
                .starts_with("缺少列：student_id")
        );
    }

    #[test]
    fn a_column_given_twice_is_refused() {
        let result = Columns::map(&header(&["student_id", "学号", "name"]), &SPEC);
        assert!(matches!(result, Err(FileProblem::DuplicateColumn(c)) if c == "student_id"));
    }

    #[test]
    fn text_collapses_line_breaks_and_refuses_control_characters() {
        let columns = Columns::map(&header(&["student_id", "name"]), &SPEC).unwrap();
        let row = Row {
            line: 2,
            cells: vec![
                Cell::Text("1\u{0}".into()),
                Cell::Text(" 王\r\n 小明 ".into()),
            ],
        };
        let fields = Fields {
            columns: &columns,
            row: &row,
        };
        assert_eq!(fields.text("name").unwrap().as_deref(), Some("王 小明"));
        assert!(matches!(
            fields.text("student_id"),
            Err(Problem::ControlCharacter { .. })
        ));
        assert_eq!(fields.text("gender").unwrap(), None);
    }

    #[test]
    fn messages_never_quote_the_value() {
        let p = Problem::invalid("email", Reason::Email);
        assert_eq!(p.to_string(), "column `email`: not an e-mail address");
        assert_eq!(p.message(Lang::ZhCn), "`email` 列：不是有效的电子邮箱地址");
    }
}
