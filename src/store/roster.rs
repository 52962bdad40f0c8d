//! Roster writes: multi-row upserts keyed by each roster's natural key (student id, credit code,
//! username) that count what was new and what was updated, staff passwords, and the audit
//! record of a roster change.
use std::ops::AddAssign;

use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, Set, TransactionTrait,
};

use super::entities::{audit_event, employer, graduate, staff};

/// Rows a write inserted and rows it updated.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub inserted: u64,
    pub updated: u64,
}

impl AddAssign for Written {
    fn add_assign(&mut self, other: Written) {
        self.inserted += other.inserted;
        self.updated += other.updated;
    }
}

/// How many of `keys` (distinct) are already stored; counted in the writing transaction, so the
/// split between inserted and updated is exact.
async fn count_existing<E, C>(conn: &C, column: E::Column, keys: Vec<String>) -> Result<u64, DbErr>
where
    E: EntityTrait,
    E::Model: Sync,
    C: ConnectionTrait,
{
    E::find().filter(column.is_in(keys)).count(conn).await
}

/// `SET col = COALESCE(excluded.col, table.col)`: an empty cell in a re-import keeps what is
/// stored (an e-mail learnt later, an openid bound by the chat-bot).
fn keep_when_empty(table: &str, column: &str) -> Expr {
    Expr::cust(format!(
        r#"COALESCE("excluded"."{column}", "{table}"."{column}")"#
    ))
}

/// Inserts or updates graduates by student id in one statement; `keys` are their distinct ids.
pub async fn upsert_graduates<C: ConnectionTrait>(
    conn: &C,
    keys: Vec<String>,
    models: Vec<graduate::ActiveModel>,
) -> Result<Written, DbErr> {
    use graduate::Column as G;
    let total = models.len() as u64;
    let updated = count_existing::<graduate::Entity, _>(conn, G::StudentId, keys).await?;
    let mut on_conflict = OnConflict::column(G::StudentId);
    on_conflict.update_columns([
        G::Name,
        G::DegreeLevel,
        G::Department,
        G::Major,
        G::ClassName,
        G::GraduationDate,
        G::GraduationYear,
        G::Attributes,
        G::UpdatedAt,
    ]);
    for (column, name) in [
        (G::Email, "email"),
        (G::Phone, "phone"),
        (G::Gender, "gender"),
        (G::WechatOpenid, "wechat_openid"),
    ] {
        on_conflict.value(column, keep_when_empty("graduate", name));
    }
    graduate::Entity::insert_many(models)
        .on_conflict(on_conflict)
        .exec_without_returning(conn)
        .await?;
    Ok(Written {
        inserted: total - updated,
        updated,
    })
}

/// Inserts or updates employers by credit code in one statement; `keys` are their codes.
pub async fn upsert_employers<C: ConnectionTrait>(
    conn: &C,
    keys: Vec<String>,
    models: Vec<employer::ActiveModel>,
) -> Result<Written, DbErr> {
    use employer::Column as E;
    let total = models.len() as u64;
    let updated = count_existing::<employer::Entity, _>(conn, E::Uscc, keys).await?;
    let mut on_conflict = OnConflict::column(E::Uscc);
    on_conflict.update_columns([
        E::Name,
        E::EmployerType,
        E::Industry,
        E::Province,
        E::City,
        E::Attributes,
        E::UpdatedAt,
    ]);
    for (column, name) in [
        (E::ContactName, "contact_name"),
        (E::Email, "email"),
        (E::Phone, "phone"),
    ] {
        on_conflict.value(column, keep_when_empty("employer", name));
    }
    employer::Entity::insert_many(models)
        .on_conflict(on_conflict)
        .exec_without_returning(conn)
        .await?;
    Ok(Written {
        inserted: total - updated,
        updated,
    })
}

/// Inserts or updates staff by username in one statement; passwords are never touched, and a
/// changed role or scope bumps `session_epoch` so sessions signed with the old access end.
pub async fn upsert_staff<C: ConnectionTrait>(
    conn: &C,
    keys: Vec<String>,
    models: Vec<staff::ActiveModel>,
) -> Result<Written, DbErr> {
    use staff::Column as S;
    let total = models.len() as u64;
    let updated = count_existing::<staff::Entity, _>(conn, S::Username, keys).await?;
    let mut on_conflict = OnConflict::column(S::Username);
    on_conflict.update_columns([S::Name, S::Role, S::Scope, S::UpdatedAt]);
    for (column, name) in [(S::Email, "email"), (S::Phone, "phone")] {
        on_conflict.value(column, keep_when_empty("staff", name));
    }
    on_conflict.value(
        S::SessionEpoch,
        Expr::cust(
            r#"CASE WHEN "staff"."role" IS DISTINCT FROM "excluded"."role" OR "staff"."scope" IS DISTINCT FROM "excluded"."scope" THEN "staff"."session_epoch" + 1 ELSE "staff"."session_epoch" END"#,
        ),
    );
    staff::Entity::insert_many(models)
        .on_conflict(on_conflict)
        .exec_without_returning(conn)
        .await?;
    Ok(Written {
        inserted: total - updated,
        updated,
    })
}

/// A staff account with a freshly hashed password.
#[derive(Debug, Clone, Copy)]
pub struct StaffAccount<'a> {
    pub username: &'a str,
    /// `None` keeps the stored name (a new account is named after its username).
    pub name: Option<&'a str>,
    pub role: &'a str,
    pub scope: Option<&'a str>,
    /// `None` keeps the stored e-mail.
    pub email: Option<&'a str>,
    pub password_hash: &'a str,
}

/// Creates the account, or updates its access and password; an update also clears failed
/// sign-ins and a lock-out and bumps `session_epoch`. Returns the id and whether it was created.
pub async fn set_staff_password(
    db: &DatabaseConnection,
    account: StaffAccount<'_>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(i32, bool), DbErr> {
    let txn = db.begin().await?;
    let existing = staff::Entity::find()
        .filter(staff::Column::Username.eq(account.username))
        .one(&txn)
        .await?;
    let result = match existing {
        None => {
            let created = staff::ActiveModel {
                username: Set(account.username.to_string()),
                name: Set(account.name.unwrap_or(account.username).to_string()),
                role: Set(account.role.to_string()),
                scope: Set(account.scope.map(str::to_string)),
                email: Set(account.email.map(str::to_string)),
                password_hash: Set(Some(account.password_hash.to_string())),
                failed_logins: Set(0),
                session_epoch: Set(0),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            (created.id, true)
        }
        Some(old) => {
            let (id, epoch) = (old.id, old.session_epoch);
            let mut m = old.into_active_model();
            if let Some(name) = account.name {
                m.name = Set(name.to_string());
            }
            if let Some(email) = account.email {
                m.email = Set(Some(email.to_string()));
            }
            m.role = Set(account.role.to_string());
            m.scope = Set(account.scope.map(str::to_string));
            m.password_hash = Set(Some(account.password_hash.to_string()));
            m.failed_logins = Set(0);
            m.locked_until = Set(None);
            m.session_epoch = Set(epoch + 1);
            m.updated_at = Set(now);
            m.update(&txn).await?;
            (id, false)
        }
    };
    txn.commit().await?;
    Ok(result)
}

/// Appends to the audit log. `detail` holds ids and counts, never personal data.
pub async fn record_audit<C: ConnectionTrait>(
    conn: &C,
    actor: &str,
    action: &str,
    detail: serde_json::Value,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), DbErr> {
    audit_event::ActiveModel {
        actor: Set(actor.to_string()),
        action: Set(action.to_string()),
        detail: Set(detail),
        at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}
