//! Employers of our graduates, surveyed for satisfaction: the checked fields of one employer and
//! the import of an employer list (`gradtrace import employers FILE`), keyed by credit code.
use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr, Set};

use super::contact::{Email, Phone};
use super::read::Table;
use super::uscc::Uscc;
use super::{Fields, ImportReport, Problem, Roster, RosterKind, Spec};
use crate::error::Result;
use crate::store::entities::employer;
use crate::store::roster::{Written, upsert_employers};

/// One checked row of an employer list.
#[derive(Debug, Clone, PartialEq)]
pub struct Employer {
    pub uscc: Uscc,
    pub name: String,
    pub employer_type: String,
    pub industry: String,
    pub province: String,
    pub city: String,
    pub contact_name: Option<String>,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub attributes: serde_json::Value,
}

impl Employer {
    fn to_active_model(&self, now: chrono::DateTime<chrono::Utc>) -> employer::ActiveModel {
        employer::ActiveModel {
            uscc: Set(self.uscc.as_str().to_string()),
            name: Set(self.name.clone()),
            employer_type: Set(self.employer_type.clone()),
            industry: Set(self.industry.clone()),
            province: Set(self.province.clone()),
            city: Set(self.city.clone()),
            contact_name: Set(self.contact_name.clone()),
            email: Set(self.email.as_ref().map(|e| e.as_str().to_string())),
            phone: Set(self.phone.as_ref().map(|p| p.as_str().to_string())),
            attributes: Set(self.attributes.clone()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
    }
}

pub(crate) struct Employers;

impl Roster for Employers {
    const KIND: RosterKind = RosterKind::Employers;
    const ACTION: &'static str = "import.employers";
    const KEY: &'static str = "uscc";
    const SPEC: Spec = Spec {
        required: &[
            "uscc",
            "name",
            "employer_type",
            "industry",
            "province",
            "city",
            "contact_name",
            "email",
            "phone",
        ],
        optional: &[],
        aliases: &[
            ("统一社会信用代码", "uscc"),
            ("信用代码", "uscc"),
            ("单位名称", "name"),
            ("单位性质", "employer_type"),
            ("行业", "industry"),
            ("所属行业", "industry"),
            ("省份", "province"),
            ("城市", "city"),
            ("联系人", "contact_name"),
            ("邮箱", "email"),
            ("电子邮箱", "email"),
            ("手机", "phone"),
            ("联系电话", "phone"),
        ],
    };
    type Record = Employer;

    fn parse(f: &Fields<'_>) -> Result<Employer, Problem> {
        Ok(Employer {
            uscc: f.parse_required("uscc", Uscc::parse)?,
            name: f.required("name")?,
            employer_type: f.required("employer_type")?,
            industry: f.required("industry")?,
            province: f.required("province")?,
            city: f.required("city")?,
            contact_name: f.text("contact_name")?,
            email: f.parse_optional("email", Email::parse)?,
            phone: f.parse_optional("phone", Phone::parse)?,
            attributes: f.attributes()?,
        })
    }

    fn key(record: &Employer) -> &str {
        record.uscc.as_str()
    }

    async fn write(
        txn: &DatabaseTransaction,
        records: &[&Employer],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Written, DbErr> {
        let models = records.iter().map(|e| e.to_active_model(now)).collect();
        let keys = records
            .iter()
            .map(|e| e.uscc.as_str().to_string())
            .collect();
        upsert_employers(txn, keys, models).await
    }
}

/// Imports an employer list: new credit codes are inserted, known ones updated (empty contact
/// cells keep what is stored); rows with a wrong check character are reported, not written.
pub async fn import_employers(
    db: &DatabaseConnection,
    table: &Table,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<ImportReport> {
    super::import::<Employers>(db, table, actor, now).await
}
