//! Reads a roster file — CSV (UTF-8 with or without BOM, GBK, UTF-16) or a workbook (XLSX, XLS,
//! ODS) — into a header and rows of cells, each row with the 1-based line number the user sees in
//! their editor or spreadsheet.
use std::borrow::Cow;
use std::path::Path;

use chrono::NaiveDate;

use super::FileProblem;

/// One cell as read: workbooks give real dates; everything else is text.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// An Excel date cell (a date-formatted serial number).
    Date(NaiveDate),
    /// An Excel error value such as `#N/A`.
    Error(String),
}

impl Cell {
    pub(crate) fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            Cell::Date(_) | Cell::Error(_) => false,
        }
    }
}

/// A data row and the line (CSV: the line the record starts on; workbook: the row number) it
/// came from.
#[derive(Debug, Clone)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<Cell>,
}

/// What the file turned out to be, for the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// CSV, with the encoding it was decoded from (`UTF-8`, `GBK`, `UTF-16LE`, …).
    Csv {
        encoding: &'static str,
    },
    Workbook,
}

/// A roster file: its header cells (as written, trimmed) and its non-empty data rows.
#[derive(Debug, Clone)]
pub struct Table {
    pub source: Source,
    pub header: Vec<String>,
    pub rows: Vec<Row>,
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const WORKBOOK_EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xlsb", "xls", "ods"];

/// Reads a roster file; its content decides CSV or workbook (the extension only breaks ties).
pub fn read_file(path: &Path) -> Result<Table, FileProblem> {
    let bytes = std::fs::read(path).map_err(|e| FileProblem::Unreadable {
        reason: e.to_string(),
    })?;
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    read_bytes(&bytes, extension.as_deref())
}

/// Reads a roster from memory; `extension` (lower case, no dot) is a hint when the content is
/// not recognisably a workbook.
pub fn read_bytes(bytes: &[u8], extension: Option<&str>) -> Result<Table, FileProblem> {
    let looks_like_workbook = bytes.starts_with(ZIP_MAGIC) || bytes.starts_with(OLE_MAGIC);
    if looks_like_workbook || extension.is_some_and(|e| WORKBOOK_EXTENSIONS.contains(&e)) {
        read_workbook(bytes)
    } else {
        let (text, encoding) = decode(bytes)?;
        read_csv(&text, encoding)
    }
}

/// Decodes CSV bytes: a BOM decides; else valid UTF-8 is UTF-8; else it must be GBK (what Excel
/// on Chinese Windows writes), read as GB 18030, its superset.
fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, &'static str), FileProblem> {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        return encoding
            .decode_without_bom_handling_and_without_replacement(&bytes[bom_len..])
            .map(|text| (text, encoding.name()))
            .ok_or(FileProblem::Encoding);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((Cow::Borrowed(text), "UTF-8"));
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| (text, "GBK"))
        .ok_or(FileProblem::Encoding)
}

/// The delimiter used by the header line: comma, or semicolon (European Excel), or tab (Excel's
/// "Unicode text").
fn sniff_delimiter(text: &str) -> u8 {
    let first = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let count = |c: char| first.matches(c).count();
    let (commas, semicolons, tabs) = (count(','), count(';'), count('\t'));
    if tabs > commas && tabs >= semicolons {
        b'\t'
    } else if semicolons > commas {
        b';'
    } else {
        b','
    }
}

/// Parses decoded CSV text (CRLF or LF; quoted fields may hold delimiters, quotes and newlines).
pub fn read_csv(text: &str, encoding: &'static str) -> Result<Table, FileProblem> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(text))
        .from_reader(text.as_bytes());
    let mut header: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    // csv's own line numbers skip blank lines, so count line breaks up to each record's start.
    let bytes = text.as_bytes();
    let (mut line, mut counted) = (1, 0);
    for record in reader.records() {
        let record = record.map_err(|e| FileProblem::Unreadable {
            reason: match e.position() {
                Some(p) => format!("CSV error near line {}", p.line()),
                None => "CSV error".to_string(),
            },
        })?;
        // A record's position is where the previous one ended: step over blank lines.
        let mut start = record.position().map_or(counted, |p| p.byte() as usize);
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        line += bytes[counted..start]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        counted = start;
        let cells: Vec<Cell> = record
            .iter()
            .map(|s| {
                if s.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(s.to_string())
                }
            })
            .collect();
        if cells.iter().all(Cell::is_blank) {
            continue;
        }
        match header {
            None => header = Some(header_names(&cells)),
            Some(_) => rows.push(Row { line, cells }),
        }
    }
    Ok(Table {
        source: Source::Csv { encoding },
        header: header.ok_or(FileProblem::NoHeader)?,
        rows,
    })
}

fn header_names(cells: &[Cell]) -> Vec<String> {
    cells
        .iter()
        .map(|c| match c {
            Cell::Text(s) => s.trim().trim_start_matches('\u{feff}').trim().to_string(),
            Cell::Date(d) => d.to_string(),
            Cell::Error(e) => e.clone(),
            Cell::Empty => String::new(),
        })
        .collect()
}

/// Reads the first sheet of a workbook.
fn read_workbook(bytes: &[u8]) -> Result<Table, FileProblem> {
    use calamine::Reader;
    let mut workbook =
        calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).map_err(|e| {
            FileProblem::Unreadable {
                reason: format!("not a readable spreadsheet ({e})"),
            }
        })?;
    let first = workbook
        .sheet_names()
        .into_iter()
        .next()
        .ok_or(FileProblem::NoHeader)?;
    let range = workbook
        .worksheet_range(&first)
        .map_err(|e| FileProblem::Unreadable {
            reason: format!("cannot read sheet 1 ({e})"),
        })?;
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    let mut header = None;
    let mut rows = Vec::new();
    for (i, data) in range.rows().enumerate() {
        let cells: Vec<Cell> = data.iter().map(workbook_cell).collect();
        if cells.iter().all(Cell::is_blank) {
            continue;
        }
        match header {
            None => header = Some(header_names(&cells)),
            Some(_) => rows.push(Row {
                line: first_row + i + 1,
                cells,
            }),
        }
    }
    Ok(Table {
        source: Source::Workbook,
        header: header.ok_or(FileProblem::NoHeader)?,
        rows,
    })
}

fn workbook_cell(data: &calamine::Data) -> Cell {
    use calamine::Data;
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Text(i.to_string()),
        // Student ids and phone numbers typed into Excel become floats: give them back their
        // digits, not "13800138000.0".
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
            Cell::Text(format!("{}", *f as i64))
        }
        Data::Float(f) => Cell::Text(f.to_string()),
        Data::Bool(b) => Cell::Text(b.to_string()),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            match NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d)) {
                Some(date) => Cell::Date(date),
                None => Cell::Error(format!("date serial {}", dt.as_f64())),
            }
        }
        Data::DateTime(dt) => Cell::Text(dt.as_f64().to_string()),
        Data::Error(e) => Cell::Error(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiter_follows_the_header_line() {
        assert_eq!(sniff_delimiter("a,b,c\n1;2;3;4;5"), b',');
        assert_eq!(sniff_delimiter("a;b;c\n"), b';');
        assert_eq!(sniff_delimiter("\n\na\tb\tc\n"), b'\t');
    }

    #[test]
    fn gbk_bytes_are_decoded_and_named() {
        let (bytes, _, _) = encoding_rs::GBK.encode("学号,姓名\n1,王小明\n");
        let (text, encoding) = decode(&bytes).unwrap();
        assert_eq!(encoding, "GBK");
        assert!(text.contains("王小明"));
    }

    #[test]
    fn excel_unicode_text_is_utf16_with_tabs() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "学号\t姓名\r\n1\t王小明\r\n".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let table = read_bytes(&bytes, Some("txt")).unwrap();
        assert_eq!(
            table.source,
            Source::Csv {
                encoding: "UTF-16LE"
            }
        );
        assert_eq!(table.header, vec!["学号", "姓名"]);
        assert_eq!(table.rows[0].cells[1], Cell::Text("王小明".into()));
    }

    #[test]
    fn bytes_that_are_neither_utf8_nor_gbk_are_refused() {
        // 0xFF never starts a GB 18030 sequence.
        assert!(matches!(
            decode(b"a,b\n\xff\xff,1\n"),
            Err(FileProblem::Encoding)
        ));
    }

    #[test]
    fn blank_lines_are_skipped_and_lines_counted_from_one() {
        let table = read_csv("\r\nname,x\r\n\r\n\"a\nb\",1\r\nc,2\r\n", "UTF-8").unwrap();
        assert_eq!(table.header, vec!["name", "x"]);
        let lines: Vec<usize> = table.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![4, 6]);
        assert_eq!(table.rows[0].cells[0], Cell::Text("a\nb".into()));
    }
}
