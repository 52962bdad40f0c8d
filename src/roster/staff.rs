//! Staff who sign in to the dashboards — the employment office (admin) and department, class and
//! alumni liaisons — with the scope each looks after; their import
//! (`gradtrace import staff FILE`), `gradtrace staff add`, and password hashing (argon2id), shared
//! with the dashboard sign-in.
use std::fmt;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr, Set};
use serde_json::json;

use super::contact::{Email, Phone};
use super::read::Table;
use super::{Fields, ImportReport, Problem, Reason, Roster, RosterKind, Spec};
use crate::error::{Error, Result};
use crate::store::entities::staff;
use crate::store::roster::{StaffAccount, Written, record_audit, set_staff_password, upsert_staff};

/// A sign-in name: 2–64 of `a-z 0-9 . _ -`, starting with a letter or digit (stored lower case).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    pub fn parse(s: &str) -> Result<Username, Reason> {
        let s = s.trim().to_ascii_lowercase();
        let ok = (2..=64).contains(&s.len())
            && s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
            && s.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
            });
        if ok {
            Ok(Username(s))
        } else {
            Err(Reason::Username)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The four levels of the chain school → department → class → alumni.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The school employment office: sees everything.
    Admin,
    /// A department's employment-quality officer.
    Department,
    /// A class liaison.
    Class,
    /// An alumni liaison for a cohort and/or major.
    Alumni,
}

impl Role {
    pub fn parse(s: &str) -> Result<Role, Reason> {
        match s.trim().to_lowercase().as_str() {
            "admin" | "管理员" => Ok(Role::Admin),
            "department" | "院系" | "学院" => Ok(Role::Department),
            "class" | "班级" => Ok(Role::Class),
            "alumni" | "校友" => Ok(Role::Alumni),
            _ => Err(Reason::Role),
        }
    }

    /// The stored form (`admin`, `department`, `class`, `alumni`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Department => "department",
            Role::Class => "class",
            Role::Alumni => "alumni",
        }
    }
}

/// What a staff member looks after; the variant fixes the role, so an admin cannot carry a
/// department and a class liaison cannot lack a class.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Admin: the whole school.
    All,
    /// A department, by the name graduates' rosters use.
    Department(String),
    /// A class, by the name graduates' rosters use.
    Class(String),
    /// An alumni cohort (graduation year), a major, or both.
    Alumni {
        cohort: Option<i32>,
        major: Option<String>,
    },
}

fn parse_cohort(s: &str) -> Option<i32> {
    let s = s.trim();
    (s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
        .filter(|y| (1949..=2100).contains(y))
}

impl Scope {
    /// Reads the scope written for a role (`None`/empty for an admin; `2020/软件工程`, `2020`
    /// or `软件工程` for an alumni liaison).
    pub fn parse(role: Role, scope: Option<&str>) -> Result<Scope, Reason> {
        let scope = scope.map(str::trim).filter(|s| !s.is_empty());
        match (role, scope) {
            (Role::Admin, None) => Ok(Scope::All),
            (Role::Admin, Some(_)) => Err(Reason::ScopeForAdmin),
            (_, None) => Err(Reason::ScopeRequired),
            (Role::Department, Some(s)) => Ok(Scope::Department(s.to_string())),
            (Role::Class, Some(s)) => Ok(Scope::Class(s.to_string())),
            (Role::Alumni, Some(s)) => {
                if let Some(cohort) = parse_cohort(s) {
                    return Ok(Scope::Alumni {
                        cohort: Some(cohort),
                        major: None,
                    });
                }
                match s.split_once('/') {
                    Some((year, major)) if parse_cohort(year).is_some() => {
                        let major = major.trim();
                        if major.is_empty() {
                            return Err(Reason::AlumniScope);
                        }
                        Ok(Scope::Alumni {
                            cohort: parse_cohort(year),
                            major: Some(major.to_string()),
                        })
                    }
                    // A major may itself hold a slash ("计算机/人工智能").
                    _ => Ok(Scope::Alumni {
                        cohort: None,
                        major: Some(s.to_string()),
                    }),
                }
            }
        }
    }

    pub fn role(&self) -> Role {
        match self {
            Scope::All => Role::Admin,
            Scope::Department(_) => Role::Department,
            Scope::Class(_) => Role::Class,
            Scope::Alumni { .. } => Role::Alumni,
        }
    }

    /// The stored `staff.scope` text (`None` for an admin); `parse` reads it back.
    pub fn stored(&self) -> Option<String> {
        match self {
            Scope::All => None,
            Scope::Department(s) | Scope::Class(s) => Some(s.clone()),
            Scope::Alumni {
                cohort: Some(c),
                major: Some(m),
            } => Some(format!("{c}/{m}")),
            Scope::Alumni {
                cohort: Some(c),
                major: None,
            } => Some(c.to_string()),
            Scope::Alumni {
                cohort: None,
                major: Some(m),
            } => Some(m.clone()),
            Scope::Alumni {
                cohort: None,
                major: None,
            } => None,
        }
    }
}

/// Shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longest password hashed, in bytes: hashing is deliberately slow, so bound the work.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Hashes a new password with argon2id (the crate's defaults: 19 MiB, 2 passes) into a PHC
/// string; refuses one shorter than `MIN_PASSWORD_CHARS`.
pub fn hash_password(password: &str) -> Result<String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(Error::Invalid(format!(
            "a password needs at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(Error::Invalid(format!(
            "a password may have at most {MAX_PASSWORD_BYTES} bytes"
        )));
    }
    let salt_bytes: [u8; 16] = rand::random();
    let salt = SaltString::encode_b64(&salt_bytes)
        .map_err(|e| Error::Other(format!("password salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| Error::Other(format!("password hashing: {e}")))
}

/// Whether `password` matches a PHC string made by `hash_password` (false for a malformed hash).
pub fn verify_password(password: &str, stored_hash: &str) -> bool {
    if password.len() > MAX_PASSWORD_BYTES {
        return false;
    }
    match PasswordHash::new(stored_hash) {
        Ok(hash) => Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok(),
        Err(_) => false,
    }
}

/// One checked row of a staff list.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffMember {
    pub username: Username,
    pub name: String,
    pub scope: Scope,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
}

impl StaffMember {
    fn to_active_model(&self, now: chrono::DateTime<chrono::Utc>) -> staff::ActiveModel {
        staff::ActiveModel {
            username: Set(self.username.as_str().to_string()),
            name: Set(self.name.clone()),
            role: Set(self.scope.role().as_str().to_string()),
            scope: Set(self.scope.stored()),
            email: Set(self.email.as_ref().map(|e| e.as_str().to_string())),
            phone: Set(self.phone.as_ref().map(|p| p.as_str().to_string())),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
    }
}

pub(crate) struct StaffList;

impl Roster for StaffList {
    const KIND: RosterKind = RosterKind::Staff;
    const ACTION: &'static str = "import.staff";
    const KEY: &'static str = "username";
    const SPEC: Spec = Spec {
        required: &["username", "name", "role", "scope", "email", "phone"],
        optional: &[],
        aliases: &[
            ("用户名", "username"),
            ("姓名", "name"),
            ("角色", "role"),
            ("负责范围", "scope"),
            ("范围", "scope"),
            ("邮箱", "email"),
            ("电子邮箱", "email"),
            ("手机", "phone"),
            ("手机号", "phone"),
        ],
    };
    type Record = StaffMember;

    fn parse(f: &Fields<'_>) -> Result<StaffMember, Problem> {
        let role = f.parse_required("role", Role::parse)?;
        let scope_text = f.text("scope")?;
        let scope =
            Scope::parse(role, scope_text.as_deref()).map_err(|reason| Problem::Invalid {
                column: "scope".into(),
                reason,
            })?;
        Ok(StaffMember {
            username: f.parse_required("username", Username::parse)?,
            name: f.required("name")?,
            scope,
            email: f.parse_optional("email", Email::parse)?,
            phone: f.parse_optional("phone", Phone::parse)?,
        })
    }

    fn key(record: &StaffMember) -> &str {
        record.username.as_str()
    }

    async fn write(
        txn: &DatabaseTransaction,
        records: &[&StaffMember],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Written, DbErr> {
        let models = records.iter().map(|s| s.to_active_model(now)).collect();
        let keys = records
            .iter()
            .map(|s| s.username.as_str().to_string())
            .collect();
        upsert_staff(txn, keys, models).await
    }
}

/// Imports a staff list: new usernames are inserted without a password, known ones updated
/// (passwords untouched; a changed role or scope ends the person's open sessions).
pub async fn import_staff(
    db: &DatabaseConnection,
    table: &Table,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<ImportReport> {
    super::import::<StaffList>(db, table, actor, now).await
}

/// `gradtrace staff add`: who to add (or update) and with what access.
#[derive(Debug, Clone)]
pub struct NewStaff {
    pub username: Username,
    /// Defaults to the username for a new person; kept as stored when updating.
    pub name: Option<String>,
    pub scope: Scope,
    pub email: Option<Email>,
}

impl NewStaff {
    /// Checks the arguments of `gradtrace staff add`.
    pub fn parse(
        username: &str,
        role: &str,
        scope: Option<&str>,
        name: Option<String>,
        email: Option<&str>,
    ) -> Result<NewStaff> {
        let invalid = |what: &str, reason: Reason| {
            Error::Invalid(format!("{what}: {}", reason.message(super::Lang::En)))
        };
        let role = Role::parse(role).map_err(|r| invalid("role", r))?;
        let name = name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
        Ok(NewStaff {
            username: Username::parse(username).map_err(|r| invalid("username", r))?,
            name,
            scope: Scope::parse(role, scope).map_err(|r| invalid("scope", r))?,
            email: email
                .map(Email::parse)
                .transpose()
                .map_err(|r| invalid("email", r))?,
        })
    }
}

/// What `add_staff` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaffAdded {
    pub id: i32,
    /// False when the username existed and was updated (password replaced, sessions ended).
    pub created: bool,
}

/// Adds a staff member with a password, or updates an existing one's access and password
/// (which also clears a lock-out and ends their sessions). Audited without personal data.
pub async fn add_staff(
    db: &DatabaseConnection,
    new: &NewStaff,
    password: &str,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<StaffAdded> {
    let hash = hash_password(password)?;
    let scope = new.scope.stored();
    let (id, created) = set_staff_password(
        db,
        StaffAccount {
            username: new.username.as_str(),
            name: new.name.as_deref(),
            role: new.scope.role().as_str(),
            scope: scope.as_deref(),
            email: new.email.as_ref().map(Email::as_str),
            password_hash: &hash,
        },
        now,
    )
    .await?;
    record_audit(
        db,
        actor,
        "staff.add",
        json!({ "staff_id": id, "role": new.scope.role().as_str(), "created": created }),
        now,
    )
    .await?;
    Ok(StaffAdded { id, created })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_follow_their_role() {
        assert_eq!(Scope::parse(Role::Admin, None), Ok(Scope::All));
        assert_eq!(Scope::parse(Role::Admin, Some(" ")), Ok(Scope::All));
        assert_eq!(
            Scope::parse(Role::Admin, Some("计算机学院")),
            Err(Reason::ScopeForAdmin)
        );
        assert_eq!(Scope::parse(Role::Class, None), Err(Reason::ScopeRequired));
        assert_eq!(
            Scope::parse(Role::Department, Some("计算机学院")),
            Ok(Scope::Department("计算机学院".into()))
        );
    }

    #[test]
    fn alumni_scopes_are_cohort_major_or_both_and_round_trip() {
        for (text, cohort, major) in [
            ("2020/软件工程", Some(2020), Some("软件工程")),
            ("2020", Some(2020), None),
            ("软件工程", None, Some("软件工程")),
            ("计算机/人工智能", None, Some("计算机/人工智能")),
        ] {
            let scope = Scope::parse(Role::Alumni, Some(text)).unwrap();
            assert_eq!(
                scope,
                Scope::Alumni {
                    cohort,
                    major: major.map(String::from)
                }
            );
            assert_eq!(scope.stored().as_deref(), Some(text));
            assert_eq!(scope.role(), Role::Alumni);
        }
        assert_eq!(
            Scope::parse(Role::Alumni, Some("2020/ ")),
            Err(Reason::AlumniScope)
        );
    }

    #[test]
    fn roles_in_english_and_chinese() {
        assert_eq!(Role::parse("Admin"), Ok(Role::Admin));
        assert_eq!(Role::parse("班级"), Ok(Role::Class));
        assert_eq!(Role::parse("dean"), Err(Reason::Role));
    }

    #[test]
    fn usernames_are_lower_cased_and_checked() {
        assert_eq!(Username::parse(" Wang.Li ").unwrap().as_str(), "wang.li");
        for bad in ["a", ".hidden", "wang li", "王老师", &"a".repeat(65)] {
            assert_eq!(Username::parse(bad), Err(Reason::Username), "{bad:?}");
        }
    }

    #[test]
    fn a_password_hash_verifies_only_its_password() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse battery!", &hash));
        assert!(!verify_password("correct horse battery", "not a hash"));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(matches!(hash_password("short pw1"), Err(Error::Invalid(_))));
        // Ten characters counted as characters, not bytes.
        assert!(hash_password("密码密码密码密码密码").is_ok());
    }
}
