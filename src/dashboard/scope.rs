//! Who may see whom. A signed-in staff member is a `Viewer` carrying their `Scope`; every query
//! that returns people appends the viewer's restriction to its SQL (`Viewer::restrict`), so a
//! page, export or API call can only ever read rows inside the scope. Deny by default: a staff
//! row whose role or scope cannot be read yields no viewer at all.
use sea_orm::{DbBackend, Statement, Value};

use crate::error::{Error, Result};
use crate::roster::staff::{Role, Scope};
use crate::store::entities::staff;

/// A signed-in staff member and what they look after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    pub staff_id: i32,
    pub username: String,
    pub name: String,
    pub scope: Scope,
}

impl Viewer {
    /// The viewer of a staff row; an unreadable role or scope is `Forbidden` (never "all").
    pub fn from_staff(s: &staff::Model) -> Result<Viewer> {
        let role = Role::parse(&s.role).map_err(|_| Error::Forbidden)?;
        let scope = Scope::parse(role, s.scope.as_deref()).map_err(|_| Error::Forbidden)?;
        Ok(Viewer {
            staff_id: s.id,
            username: s.username.clone(),
            name: s.name.clone(),
            scope,
        })
    }

    pub fn role(&self) -> Role {
        self.scope.role()
    }

    /// Admin and department officers may read answers (for assistance files); class and alumni
    /// liaisons see who has not answered and the contact state, never the answers — the privacy
    /// notice promises this.
    pub fn sees_answers(&self) -> bool {
        matches!(self.role(), Role::Admin | Role::Department)
    }

    /// Employers are not tied to a department in the roster (who hired whom is only in the
    /// answers), so only the employment office sees employer waves.
    pub fn sees_employers(&self) -> bool {
        self.role() == Role::Admin
    }

    /// Appends ` AND (…)` restricting the graduate table aliased `g` to this viewer's scope.
    pub fn restrict(&self, sql: &mut Sql) {
        match &self.scope {
            Scope::All => {}
            Scope::Department(d) => {
                sql.push(" AND g.department = ").param(d.clone());
            }
            Scope::Class(c) => {
                sql.push(" AND g.class_name = ").param(c.clone());
            }
            Scope::Alumni { cohort, major } => {
                match cohort {
                    Some(year) => sql.push(" AND g.graduation_year = ").param(*year),
                    None => sql,
                };
                match major {
                    Some(m) => sql.push(" AND g.major = ").param(m.clone()),
                    None => sql,
                };
                if cohort.is_none() && major.is_none() {
                    // Unreachable through `Scope::parse`; kept so a hand-made scope denies.
                    sql.push(" AND 1 = 0");
                }
            }
        }
    }

    /// Appends ` AND (…)` restricting `rate_rollup` (keys `k1` department, `k2` major, `k3`
    /// class, `cohort` graduation year) to this viewer's scope: the same scopes as `restrict`.
    pub fn restrict_rollup(&self, sql: &mut Sql) {
        match &self.scope {
            Scope::All => {}
            Scope::Department(d) => {
                sql.push(" AND k1 = ").param(d.clone());
            }
            Scope::Class(c) => {
                sql.push(" AND k3 = ").param(c.clone());
            }
            Scope::Alumni { cohort, major } => {
                if let Some(year) = cohort {
                    sql.push(" AND cohort = ").param(*year);
                }
                if let Some(m) = major {
                    sql.push(" AND k2 = ").param(m.clone());
                }
                if cohort.is_none() && major.is_none() {
                    sql.push(" AND 1 = 0");
                }
            }
        }
    }

    /// Appends ` AND (…)` choosing this viewer's series of `rate_daily`: the whole wave
    /// (`all`), their department (`k1`), major (`k2`) or class (`k3`), and cohort.
    pub fn restrict_daily(&self, sql: &mut Sql) {
        match &self.scope {
            Scope::All => {
                sql.push(" AND level = 'all'");
            }
            Scope::Department(d) => {
                sql.push(" AND level = 'k1' AND lkey = ").param(d.clone());
            }
            Scope::Class(c) => {
                sql.push(" AND level = 'k3' AND lkey = ").param(c.clone());
            }
            Scope::Alumni { cohort, major } => {
                match major {
                    Some(m) => sql.push(" AND level = 'k2' AND lkey = ").param(m.clone()),
                    None => sql.push(" AND level = 'all'"),
                };
                if let Some(year) = cohort {
                    sql.push(" AND cohort = ").param(*year);
                }
                if cohort.is_none() && major.is_none() {
                    sql.push(" AND 1 = 0");
                }
            }
        }
    }

    /// Refuses unless the viewer may see employers.
    pub fn require_employers(&self) -> Result<()> {
        if self.sees_employers() {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    }

    /// Refuses unless the viewer may read answers.
    pub fn require_answers(&self) -> Result<()> {
        if self.sees_answers() {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    }

    /// The scope as shown and audited (`department:计算机学院`); never personal data.
    pub fn scope_label(&self) -> String {
        match self.scope.stored() {
            Some(s) => format!("{}:{s}", self.role().as_str()),
            None => self.role().as_str().to_string(),
        }
    }
}

/// A SQL statement built in pieces with bound parameters, written once for both back-ends
/// (`?` on SQLite, `$n` on PostgreSQL).
#[derive(Debug, Clone)]
pub struct Sql {
    backend: DbBackend,
    text: String,
    values: Vec<Value>,
}

impl Sql {
    pub fn new(backend: DbBackend) -> Sql {
        Sql {
            backend,
            text: String::new(),
            values: Vec::new(),
        }
    }

    pub fn backend(&self) -> DbBackend {
        self.backend
    }

    /// Appends SQL text (never user input: that goes through `param`).
    pub fn push(&mut self, text: &str) -> &mut Sql {
        self.text.push_str(text);
        self
    }

    /// Appends a bound parameter.
    pub fn param(&mut self, value: impl Into<Value>) -> &mut Sql {
        self.values.push(value.into());
        match self.backend {
            DbBackend::Postgres => {
                let n = self.values.len();
                self.text.push_str(&format!("${n}"));
            }
            _ => self.text.push('?'),
        }
        self
    }

    /// Appends `(?, ?, …)` of the values.
    pub fn list<V: Into<Value>>(&mut self, values: impl IntoIterator<Item = V>) -> &mut Sql {
        self.push("(");
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.param(v);
        }
        self.push(")")
    }

    pub fn statement(&self) -> Statement {
        Statement::from_sql_and_values(self.backend, self.text.clone(), self.values.clone())
    }

    pub fn text(&self) -> &str {
        &self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer(scope: Scope) -> Viewer {
        Viewer {
            staff_id: 1,
            username: "u".into(),
            name: "n".into(),
            scope,
        }
    }

    #[test]
    fn each_scope_restricts_the_graduate_table() {
        let cases = [
            (Scope::All, ""),
            (
                Scope::Department("计算机学院".into()),
                " AND g.department = $1",
            ),
            (Scope::Class("软工2001".into()), " AND g.class_name = $1"),
            (
                Scope::Alumni {
                    cohort: Some(2020),
                    major: Some("软件工程".into()),
                },
                " AND g.graduation_year = $1 AND g.major = $2",
            ),
            (
                Scope::Alumni {
                    cohort: None,
                    major: None,
                },
                " AND 1 = 0",
            ),
        ];
        for (scope, expected) in cases {
            let mut sql = Sql::new(DbBackend::Postgres);
            viewer(scope.clone()).restrict(&mut sql);
            assert_eq!(sql.text(), expected, "{scope:?}");
        }
    }

    #[test]
    fn each_scope_restricts_the_rollups_alike() {
        let cases = [
            (Scope::All, "", " AND level = 'all'"),
            (
                Scope::Department("计算机学院".into()),
                " AND k1 = $1",
                " AND level = 'k1' AND lkey = $1",
            ),
            (
                Scope::Class("软工2001".into()),
                " AND k3 = $1",
                " AND level = 'k3' AND lkey = $1",
            ),
            (
                Scope::Alumni {
                    cohort: Some(2020),
                    major: Some("软件工程".into()),
                },
                " AND cohort = $1 AND k2 = $2",
                " AND level = 'k2' AND lkey = $1 AND cohort = $2",
            ),
            (
                Scope::Alumni {
                    cohort: Some(2020),
                    major: None,
                },
                " AND cohort = $1",
                " AND level = 'all' AND cohort = $1",
            ),
            (
                Scope::Alumni {
                    cohort: None,
                    major: None,
                },
                " AND 1 = 0",
                " AND level = 'all' AND 1 = 0",
            ),
        ];
        for (scope, rollup, daily) in cases {
            let mut sql = Sql::new(DbBackend::Postgres);
            viewer(scope.clone()).restrict_rollup(&mut sql);
            assert_eq!(sql.text(), rollup, "{scope:?}");
            let mut sql = Sql::new(DbBackend::Postgres);
            viewer(scope.clone()).restrict_daily(&mut sql);
            assert_eq!(sql.text(), daily, "{scope:?}");
        }
    }

    #[test]
    fn sqlite_uses_question_marks() {
        let mut sql = Sql::new(DbBackend::Sqlite);
        sql.push("SELECT 1 WHERE a = ")
            .param(1)
            .push(" AND b IN ")
            .list(["x", "y"]);
        assert_eq!(sql.text(), "SELECT 1 WHERE a = ? AND b IN (?, ?)");
    }

    #[test]
    fn unreadable_staff_rows_are_denied() {
        let now = chrono::Utc::now();
        let row = |role: &str, scope: Option<&str>| staff::Model {
            id: 1,
            username: "x".into(),
            name: "x".into(),
            role: role.into(),
            scope: scope.map(String::from),
            email: None,
            phone: None,
            password_hash: None,
            failed_logins: 0,
            locked_until: None,
            session_epoch: 0,
            created_at: now,
            updated_at: now,
        };
        assert!(matches!(
            Viewer::from_staff(&row("dean", None)),
            Err(Error::Forbidden)
        ));
        assert!(matches!(
            Viewer::from_staff(&row("class", None)),
            Err(Error::Forbidden)
        ));
        assert!(matches!(
            Viewer::from_staff(&row("admin", Some("计算机学院"))),
            Err(Error::Forbidden)
        ));
        let v = Viewer::from_staff(&row("class", Some("软工2001"))).unwrap();
        assert!(!v.sees_answers() && !v.sees_employers());
    }
}
