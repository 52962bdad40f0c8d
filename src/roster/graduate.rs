//! Graduates on the roster: the checked fields of one graduate and the import of a roster file
//! (`gradtrace import graduates FILE`), keyed by student id.
use std::fmt;

use chrono::{Datelike, NaiveDate};
use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr, Set};

use super::contact::{Email, Phone};
use super::read::{Cell, Table};
use super::{Fields, ImportReport, Problem, Reason, Roster, RosterKind, Spec};
use crate::error::Result;
use crate::store::entities::graduate;
use crate::store::roster::{Written, upsert_graduates};

/// A student id: 1–32 letters, digits, `-` or `_`; letters kept in upper case so `s2025a01` and
/// `S2025A01` are one person.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StudentId(String);

impl StudentId {
    pub fn parse(s: &str) -> Result<StudentId, Reason> {
        let s = s.trim();
        let ok = !s.is_empty()
            && s.len() <= 32
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !ok {
            return Err(Reason::StudentId);
        }
        Ok(StudentId(s.to_ascii_uppercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StudentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The degree level a graduate left with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DegreeLevel {
    /// 专科
    Associate,
    /// 本科
    Bachelor,
    /// 硕士
    Master,
    /// 博士
    Doctor,
}

impl DegreeLevel {
    /// Accepts the stored English words in any case and the Chinese terms rosters use.
    /// 研究生 alone is refused: it covers both master and doctor.
    pub fn parse(s: &str) -> Result<DegreeLevel, Reason> {
        let s = s.trim();
        match s.to_lowercase().as_str() {
            "associate" | "专科" | "专科生" | "大专" | "高职" => {
                Ok(DegreeLevel::Associate)
            }
            "bachelor" | "本科" | "本科生" => Ok(DegreeLevel::Bachelor),
            "master" | "硕士" | "硕士研究生" => Ok(DegreeLevel::Master),
            "doctor" | "博士" | "博士研究生" => Ok(DegreeLevel::Doctor),
            "研究生" | "postgraduate" => Err(Reason::Postgraduate),
            _ => Err(Reason::DegreeLevel),
        }
    }

    /// The stored form (`associate`, `bachelor`, `master`, `doctor`).
    pub fn as_str(self) -> &'static str {
        match self {
            DegreeLevel::Associate => "associate",
            DegreeLevel::Bachelor => "bachelor",
            DegreeLevel::Master => "master",
            DegreeLevel::Doctor => "doctor",
        }
    }
}

/// Gender as rosters record it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    pub fn parse(s: &str) -> Result<Gender, Reason> {
        match s.trim().to_lowercase().as_str() {
            "male" | "m" | "男" => Ok(Gender::Male),
            "female" | "f" | "女" => Ok(Gender::Female),
            _ => Err(Reason::Gender),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
        }
    }
}

/// Graduation dates a person can mean: 1949 to 2100.
const YEARS: std::ops::RangeInclusive<i32> = 1949..=2100;

/// Reads a date the ways rosters write it: `2025-06-30`, `2025/6/30`, `2025.6.30`, `20250630`,
/// `2025年6月30日`, an ISO date-time at midnight, or an Excel date cell.
pub fn parse_date(cell: &Cell) -> Result<NaiveDate, Reason> {
    let date = match cell {
        Cell::Date(d) => Some(*d),
        Cell::Text(s) => parse_date_text(s),
        Cell::Empty | Cell::Error(_) => None,
    };
    date.filter(|d| YEARS.contains(&d.year()))
        .ok_or(Reason::Date)
}

fn parse_date_text(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    // "2025-06-30 00:00:00" and "2025-06-30T00:00:00": the day is what counts.
    let day = s.split([' ', 'T']).next().unwrap_or(s);
    let number = |p: &str| -> Option<u32> {
        (!p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let parts: Vec<&str> = if day.len() == 8 && day.bytes().all(|b| b.is_ascii_digit()) {
        vec![&day[..4], &day[4..6], &day[6..]]
    } else if let Some(rest) = day.strip_suffix('日') {
        rest.split(['年', '月']).collect()
    } else {
        day.split(['-', '/', '.']).collect()
    };
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 => {
            NaiveDate::from_ymd_opt(i32::try_from(number(y)?).ok()?, number(m)?, number(d)?)
        }
        _ => None,
    }
}

/// A WeChat openid: 1–64 of letters, digits, `-` and `_`.
fn parse_openid(s: &str) -> Result<String, Reason> {
    let ok = !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ok.then(|| s.to_string()).ok_or(Reason::OpenId)
}

/// One checked roster row.
#[derive(Debug, Clone, PartialEq)]
pub struct Graduate {
    pub student_id: StudentId,
    pub name: String,
    pub degree_level: DegreeLevel,
    pub department: String,
    pub major: String,
    pub class_name: String,
    pub graduation_date: NaiveDate,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub gender: Option<Gender>,
    pub wechat_openid: Option<String>,
    /// The file's extra columns.
    pub attributes: serde_json::Value,
}

impl Graduate {
    fn to_active_model(&self, now: chrono::DateTime<chrono::Utc>) -> graduate::ActiveModel {
        graduate::ActiveModel {
            student_id: Set(self.student_id.as_str().to_string()),
            name: Set(self.name.clone()),
            degree_level: Set(self.degree_level.as_str().to_string()),
            department: Set(self.department.clone()),
            major: Set(self.major.clone()),
            class_name: Set(self.class_name.clone()),
            graduation_date: Set(self.graduation_date),
            graduation_year: Set(self.graduation_date.year()),
            email: Set(self.email.as_ref().map(|e| e.as_str().to_string())),
            phone: Set(self.phone.as_ref().map(|p| p.as_str().to_string())),
            gender: Set(self.gender.map(|g| g.as_str().to_string())),
            wechat_openid: Set(self.wechat_openid.clone()),
            attributes: Set(self.attributes.clone()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
    }
}

pub(crate) struct Graduates;

impl Roster for Graduates {
    const KIND: RosterKind = RosterKind::Graduates;
    const ACTION: &'static str = "import.graduates";
    const KEY: &'static str = "student_id";
    const SPEC: Spec = Spec {
        required: &[
            "student_id",
            "name",
            "degree_level",
            "department",
            "major",
            "class",
            "graduation_date",
            "email",
            "phone",
        ],
        optional: &["gender", "wechat_openid"],
        aliases: &[
            ("学号", "student_id"),
            ("姓名", "name"),
            ("学历", "degree_level"),
            ("学历层次", "degree_level"),
            ("培养层次", "degree_level"),
            ("院系", "department"),
            ("学院", "department"),
            ("专业", "major"),
            ("班级", "class"),
            ("class_name", "class"),
            ("毕业日期", "graduation_date"),
            ("毕业时间", "graduation_date"),
            ("邮箱", "email"),
            ("电子邮箱", "email"),
            ("手机", "phone"),
            ("手机号", "phone"),
            ("手机号码", "phone"),
            ("性别", "gender"),
            ("openid", "wechat_openid"),
        ],
    };
    type Record = Graduate;

    fn parse(f: &Fields<'_>) -> Result<Graduate, Problem> {
        Ok(Graduate {
            student_id: f.parse_required("student_id", StudentId::parse)?,
            name: f.required("name")?,
            degree_level: f.parse_required("degree_level", DegreeLevel::parse)?,
            department: f.required("department")?,
            major: f.required("major")?,
            class_name: f.required("class")?,
            graduation_date: f.parse_required_cell("graduation_date", parse_date)?,
            email: f.parse_optional("email", Email::parse)?,
            phone: f.parse_optional("phone", Phone::parse)?,
            gender: f.parse_optional("gender", Gender::parse)?,
            wechat_openid: f.parse_optional("wechat_openid", parse_openid)?,
            attributes: f.attributes()?,
        })
    }

    fn key(record: &Graduate) -> &str {
        record.student_id.as_str()
    }

    async fn write(
        txn: &DatabaseTransaction,
        records: &[&Graduate],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Written, DbErr> {
        let models = records.iter().map(|g| g.to_active_model(now)).collect();
        let keys = records
            .iter()
            .map(|g| g.student_id.as_str().to_string())
            .collect();
        upsert_graduates(txn, keys, models).await
    }
}

/// Imports a graduate roster: new student ids are inserted, known ones updated (an empty e-mail,
/// phone, gender or openid cell keeps what is stored); bad rows are reported, not written.
pub async fn import_graduates(
    db: &DatabaseConnection,
    table: &Table,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<ImportReport> {
    super::import::<Graduates>(db, table, actor, now).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn dates_in_the_ways_rosters_write_them() {
        for text in [
            "2025-06-30",
            "2025/6/30",
            "2025/06/30",
            "2025.6.30",
            "20250630",
            "2025年6月30日",
            "2025-06-30 00:00:00",
            "2025-06-30T00:00:00",
            " 2025-6-30 ",
        ] {
            assert_eq!(
                parse_date(&Cell::Text(text.into())),
                Ok(date(2025, 6, 30)),
                "{text:?}"
            );
        }
        assert_eq!(
            parse_date(&Cell::Date(date(2024, 7, 1))),
            Ok(date(2024, 7, 1))
        );
    }

    #[test]
    fn impossible_or_unclear_dates_are_refused() {
        for text in [
            "2025-02-30",
            "30/06/2025",
            "6/30/2025",
            "2025-06",
            "45838",
            "0025-06-30",
            "2025-13-01",
            "next june",
            "2025-06-30-01",
        ] {
            assert_eq!(
                parse_date(&Cell::Text(text.into())),
                Err(Reason::Date),
                "{text:?}"
            );
        }
    }

    #[test]
    fn degree_levels_in_english_and_chinese() {
        assert_eq!(DegreeLevel::parse("Bachelor"), Ok(DegreeLevel::Bachelor));
        assert_eq!(DegreeLevel::parse("专科"), Ok(DegreeLevel::Associate));
        assert_eq!(DegreeLevel::parse("硕士"), Ok(DegreeLevel::Master));
        assert_eq!(DegreeLevel::parse(" 博士 "), Ok(DegreeLevel::Doctor));
        assert_eq!(DegreeLevel::parse("研究生"), Err(Reason::Postgraduate));
        assert_eq!(DegreeLevel::parse("学士后"), Err(Reason::DegreeLevel));
    }

    #[test]
    fn student_ids_are_upper_cased_and_checked() {
        assert_eq!(StudentId::parse(" s2025a01 ").unwrap().as_str(), "S2025A01");
        assert_eq!(StudentId::parse("2025 01"), Err(Reason::StudentId));
        assert_eq!(StudentId::parse("学号1"), Err(Reason::StudentId));
        assert_eq!(StudentId::parse(&"1".repeat(33)), Err(Reason::StudentId));
    }
}
