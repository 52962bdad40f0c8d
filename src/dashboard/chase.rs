//! The chase list: who in the viewer's scope has not answered a wave yet, how to reach them and
//! what was already tried; the invitee's card with their personal link and its QR code; and
//! what liaisons record (phone contact, unreachable, wrong number, new contact details). Every
//! read and write goes through the viewer's scope in SQL; exports and link views are audited.
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryResult, Set, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::rates::visible_wave;
use super::scope::{Sql, Viewer};
use crate::error::{Error, Result};
use crate::roster::Lang as CliLang;
use crate::roster::contact::{Email, Phone};
use crate::store::entities::{contact_note, employer, graduate, invitation, wave};
use crate::store::roster::record_audit;
use crate::survey::Audience;
use crate::wave::links::survey_link;
use crate::wave::token::{self, TokenKeys};

/// Statuses of a response that still needs chasing (no response row = never opened).
pub const OPEN_STATUSES: [&str; 4] = ["opened", "consented", "declined", "partial"];

/// Where a non-responder stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChaseStatus {
    NotOpened,
    Opened,
    Consented,
    Declined,
    Partial,
}

impl ChaseStatus {
    pub const ALL: [ChaseStatus; 5] = [
        ChaseStatus::NotOpened,
        ChaseStatus::Opened,
        ChaseStatus::Consented,
        ChaseStatus::Declined,
        ChaseStatus::Partial,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChaseStatus::NotOpened => "not_opened",
            ChaseStatus::Opened => "opened",
            ChaseStatus::Consented => "consented",
            ChaseStatus::Declined => "declined",
            ChaseStatus::Partial => "partial",
        }
    }

    pub fn parse(s: &str) -> Option<ChaseStatus> {
        ChaseStatus::ALL.into_iter().find(|c| c.as_str() == s)
    }

    fn of_stored(status: Option<&str>) -> ChaseStatus {
        status
            .and_then(ChaseStatus::parse)
            .unwrap_or(ChaseStatus::NotOpened)
    }
}

/// How a liaison can reach someone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    Email,
    Phone,
    Wechat,
}

impl Reach {
    pub fn parse(s: &str) -> Option<Reach> {
        match s {
            "email" => Some(Reach::Email),
            "phone" => Some(Reach::Phone),
            "wechat" => Some(Reach::Wechat),
            _ => None,
        }
    }
}

/// Orders of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    #[default]
    Class,
    Name,
    /// Longest untouched first.
    LastActivity,
}

impl Sort {
    pub fn parse(s: &str) -> Option<Sort> {
        match s {
            "class" => Some(Sort::Class),
            "name" => Some(Sort::Name),
            "last_activity" => Some(Sort::LastActivity),
            _ => None,
        }
    }
}

/// What the list is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct ChaseFilter {
    pub status: Option<ChaseStatus>,
    pub class_name: Option<String>,
    pub reach: Option<Reach>,
    /// Whether to list people marked unreachable or with a wrong number (hidden by default).
    pub include_unreachable: bool,
    pub sort: Sort,
}

/// One non-responder.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChaseRow {
    pub invitation_id: i32,
    pub name: String,
    /// Student id (graduates) or USCC (employers).
    pub key: String,
    /// Class (graduates) or employer type (employers).
    pub group: String,
    pub status: ChaseStatus,
    pub reach: Vec<Reach>,
    /// `phoned`, `unreachable`, `wrong_number` or none.
    pub contact_state: Option<String>,
    pub last_activity: Option<DateTime<Utc>>,
    /// How many contact notes liaisons recorded.
    pub notes: i64,
}

/// A page of the list and how many there are in all.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChasePage {
    pub wave_id: i32,
    pub total: i64,
    pub offset: u64,
    pub rows: Vec<ChaseRow>,
}

/// Largest page of the list (the CSV export has no limit).
pub const MAX_PAGE: u64 = 500;

fn from_and_where(sql: &mut Sql, viewer: &Viewer, w: &wave::Model, f: &ChaseFilter) -> Result<()> {
    let audience = crate::wave::audience(w);
    match audience {
        Audience::Graduate => {
            sql.push(" FROM invitation i JOIN graduate g ON g.id = i.graduate_id");
        }
        Audience::Employer => {
            viewer.require_employers()?;
            sql.push(" FROM invitation i JOIN employer e ON e.id = i.employer_id");
        }
    }
    sql.push(" LEFT JOIN response r ON r.invitation_id = i.id WHERE i.wave_id = ")
        .param(w.id)
        .push(" AND (r.id IS NULL OR r.status IN ")
        .list(OPEN_STATUSES)
        .push(")");
    if audience == Audience::Graduate {
        viewer.restrict(sql);
    }
    match f.status {
        Some(ChaseStatus::NotOpened) => {
            sql.push(" AND r.id IS NULL");
        }
        Some(s) => {
            sql.push(" AND r.status = ").param(s.as_str());
        }
        None => {}
    }
    if let Some(c) = &f.class_name {
        match audience {
            Audience::Graduate => sql.push(" AND g.class_name = ").param(c.clone()),
            Audience::Employer => sql.push(" AND e.employer_type = ").param(c.clone()),
        };
    }
    let t = if audience == Audience::Graduate {
        "g"
    } else {
        "e"
    };
    match f.reach {
        Some(Reach::Email) => {
            sql.push(&format!(" AND {t}.email IS NOT NULL"));
        }
        Some(Reach::Phone) => {
            sql.push(&format!(" AND {t}.phone IS NOT NULL"));
        }
        Some(Reach::Wechat) if audience == Audience::Graduate => {
            sql.push(" AND g.wechat_openid IS NOT NULL");
        }
        Some(Reach::Wechat) => {
            sql.push(" AND 1 = 0");
        }
        None => {}
    }
    if !f.include_unreachable {
        sql.push(" AND (i.contact_state IS NULL OR i.contact_state NOT IN ('unreachable', 'wrong_number'))");
    }
    Ok(())
}

fn select_columns(sql: &mut Sql, audience: Audience) {
    match audience {
        Audience::Graduate => sql.push(
            "SELECT i.id AS invitation_id, g.name AS name, g.student_id AS pkey, \
             g.class_name AS grp, \
             CASE WHEN g.email IS NULL THEN 0 ELSE 1 END AS has_email, \
             CASE WHEN g.phone IS NULL THEN 0 ELSE 1 END AS has_phone, \
             CASE WHEN g.wechat_openid IS NULL THEN 0 ELSE 1 END AS has_wechat",
        ),
        Audience::Employer => sql.push(
            "SELECT i.id AS invitation_id, e.name AS name, e.uscc AS pkey, \
             e.employer_type AS grp, \
             CASE WHEN e.email IS NULL THEN 0 ELSE 1 END AS has_email, \
             CASE WHEN e.phone IS NULL THEN 0 ELSE 1 END AS has_phone, 0 AS has_wechat",
        ),
    };
    sql.push(
        ", r.status AS status, i.contact_state AS contact_state, \
         r.updated_at AS response_at, \
         (SELECT MAX(n.at) FROM contact_note n WHERE n.invitation_id = i.id) AS noted_at, \
         (SELECT COUNT(*) FROM contact_note n WHERE n.invitation_id = i.id) AS notes",
    );
}

fn order_by(sql: &mut Sql, audience: Audience, sort: Sort) {
    let (name, grp) = match audience {
        Audience::Graduate => ("g.name", "g.class_name"),
        Audience::Employer => ("e.name", "e.employer_type"),
    };
    match sort {
        Sort::Class => sql.push(&format!(" ORDER BY {grp}, {name}, i.id")),
        Sort::Name => sql.push(&format!(" ORDER BY {name}, i.id")),
        // Never touched first, then the longest untouched.
        Sort::LastActivity => sql.push(
            " ORDER BY COALESCE((SELECT MAX(n.at) FROM contact_note n WHERE n.invitation_id = i.id), \
             r.updated_at) ASC NULLS FIRST, i.id",
        ),
    };
}

fn row_of(r: &QueryResult) -> Result<ChaseRow, sea_orm::DbErr> {
    let mut reach = Vec::new();
    if r.try_get::<i32>("", "has_email")? != 0 {
        reach.push(Reach::Email);
    }
    if r.try_get::<i32>("", "has_phone")? != 0 {
        reach.push(Reach::Phone);
    }
    if r.try_get::<i32>("", "has_wechat")? != 0 {
        reach.push(Reach::Wechat);
    }
    let response_at: Option<DateTime<Utc>> = r.try_get("", "response_at")?;
    let noted_at: Option<DateTime<Utc>> = r.try_get("", "noted_at")?;
    Ok(ChaseRow {
        invitation_id: r.try_get("", "invitation_id")?,
        name: r.try_get("", "name")?,
        key: r.try_get("", "pkey")?,
        group: r.try_get("", "grp")?,
        status: ChaseStatus::of_stored(r.try_get::<Option<String>>("", "status")?.as_deref()),
        reach,
        contact_state: r.try_get("", "contact_state")?,
        last_activity: response_at.max(noted_at),
        notes: r.try_get("", "notes")?,
    })
}

/// A page of the wave's non-responders in the viewer's scope.
pub async fn chase_list<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    wave_id: i32,
    filter: &ChaseFilter,
    offset: u64,
    limit: u64,
) -> Result<ChasePage> {
    let w = visible_wave(db, viewer, wave_id).await?;
    let audience = crate::wave::audience(&w);
    let backend = db.get_database_backend();
    let mut count = Sql::new(backend);
    count.push("SELECT COUNT(*) AS n");
    from_and_where(&mut count, viewer, &w, filter)?;
    let total: i64 = match db.query_one_raw(count.statement()).await? {
        Some(r) => r.try_get("", "n")?,
        None => 0,
    };
    let mut sql = Sql::new(backend);
    select_columns(&mut sql, audience);
    from_and_where(&mut sql, viewer, &w, filter)?;
    order_by(&mut sql, audience, filter.sort);
    sql.push(" LIMIT ")
        .param(limit.min(MAX_PAGE) as i64)
        .push(" OFFSET ")
        .param(offset as i64);
    let rows = db.query_all_raw(sql.statement()).await?;
    let rows = rows.iter().map(row_of).collect::<Result<Vec<_>, _>>()?;
    Ok(ChasePage {
        wave_id,
        total,
        offset,
        rows,
    })
}

/// The whole list as CSV (UTF-8 with BOM so Excel reads Chinese), within the viewer's scope,
/// with contact details for calling; the export is audited (who, which wave, how many rows).
pub async fn export_csv(
    db: &DatabaseConnection,
    viewer: &Viewer,
    wave_id: i32,
    filter: &ChaseFilter,
    now: DateTime<Utc>,
) -> Result<Vec<u8>> {
    let w = visible_wave(db, viewer, wave_id).await?;
    let audience = crate::wave::audience(&w);
    let mut sql = Sql::new(db.get_database_backend());
    select_columns(&mut sql, audience);
    let t = if audience == Audience::Graduate {
        "g"
    } else {
        "e"
    };
    sql.push(&format!(", {t}.email AS email, {t}.phone AS phone"));
    from_and_where(&mut sql, viewer, &w, filter)?;
    order_by(&mut sql, audience, filter.sort);
    let rows = db.query_all_raw(sql.statement()).await?;
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        let head = match audience {
            Audience::Graduate => [
                "student_id",
                "name",
                "class",
                "status",
                "email",
                "phone",
                "contact_state",
                "last_activity",
            ],
            Audience::Employer => [
                "uscc",
                "name",
                "employer_type",
                "status",
                "email",
                "phone",
                "contact_state",
                "last_activity",
            ],
        };
        writer
            .write_record(head)
            .map_err(|e| Error::Other(format!("csv: {e}")))?;
        for r in &rows {
            let row = row_of(r)?;
            let email: Option<String> = r.try_get("", "email")?;
            let phone: Option<String> = r.try_get("", "phone")?;
            writer
                .write_record([
                    row.key.as_str(),
                    row.name.as_str(),
                    row.group.as_str(),
                    row.status.as_str(),
                    email.as_deref().unwrap_or(""),
                    phone.as_deref().unwrap_or(""),
                    row.contact_state.as_deref().unwrap_or(""),
                    &row.last_activity
                        .map(|t| {
                            t.with_timezone(&crate::clock::SCHOOL_TZ)
                                .format("%Y-%m-%d %H:%M")
                                .to_string()
                        })
                        .unwrap_or_default(),
                ])
                .map_err(|e| Error::Other(format!("csv: {e}")))?;
        }
        writer.flush()?;
    }
    record_audit(
        db,
        &viewer.username,
        "chase.export",
        json!({"wave_id": wave_id, "scope": viewer.scope_label(), "rows": rows.len()}),
        now,
    )
    .await?;
    Ok(out)
}

/// An invitee as a liaison sees them (no answers).
#[derive(Debug, Clone)]
pub struct Invitee {
    pub invitation: invitation::Model,
    pub wave: wave::Model,
    pub audience: Audience,
    pub name: String,
    pub key: String,
    /// Class / major / department (graduates) or type / industry (employers).
    pub details: Vec<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub has_wechat: bool,
    pub status: ChaseStatus,
    /// Completed or opted out: no chasing.
    pub done: Option<String>,
    pub notes: Vec<Note>,
}

#[derive(Debug, Clone)]
pub struct Note {
    pub kind: String,
    pub note: Option<String>,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// The invitation `invitation_id` if its person is in the viewer's scope; unknown ids and ids
/// outside the scope look alike (`Forbidden`), so guessing ids reveals nothing.
pub(super) async fn scoped_invitation<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    invitation_id: i32,
) -> Result<(invitation::Model, wave::Model)> {
    let inv = invitation::Entity::find_by_id(invitation_id)
        .one(db)
        .await?
        .ok_or(Error::Forbidden)?;
    let w = visible_wave(db, viewer, inv.wave_id).await?;
    match (inv.graduate_id, inv.employer_id) {
        (Some(_), None) => {
            let mut sql = Sql::new(db.get_database_backend());
            sql.push("SELECT COUNT(*) AS n FROM invitation i JOIN graduate g ON g.id = i.graduate_id WHERE i.id = ")
                .param(invitation_id);
            viewer.restrict(&mut sql);
            let n: i64 = match db.query_one_raw(sql.statement()).await? {
                Some(r) => r.try_get("", "n")?,
                None => 0,
            };
            if n != 1 {
                return Err(Error::Forbidden);
            }
        }
        (None, Some(_)) => viewer.require_employers()?,
        _ => return Err(Error::Forbidden),
    }
    Ok((inv, w))
}

/// The invitee's card: who, how to reach them, status, what was tried.
pub async fn invitee<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    invitation_id: i32,
) -> Result<Invitee> {
    let (inv, w) = scoped_invitation(db, viewer, invitation_id).await?;
    let response = crate::store::responses::find(db, inv.id).await?;
    let stored = response.as_ref().map(|r| r.status.clone());
    let done = stored
        .clone()
        .filter(|s| s == "complete" || s == "opted_out");
    let status = ChaseStatus::of_stored(stored.as_deref());
    let (audience, name, key, details, email, phone, has_wechat) =
        match (inv.graduate_id, inv.employer_id) {
            (Some(gid), _) => {
                let g = graduate::Entity::find_by_id(gid)
                    .one(db)
                    .await?
                    .ok_or(Error::Forbidden)?;
                (
                    Audience::Graduate,
                    g.name,
                    g.student_id,
                    vec![g.class_name, g.major, g.department],
                    g.email,
                    g.phone,
                    g.wechat_openid.is_some(),
                )
            }
            (None, Some(eid)) => {
                let e = employer::Entity::find_by_id(eid)
                    .one(db)
                    .await?
                    .ok_or(Error::Forbidden)?;
                (
                    Audience::Employer,
                    e.name,
                    e.uscc,
                    vec![e.employer_type, e.industry],
                    e.email,
                    e.phone,
                    false,
                )
            }
            _ => return Err(Error::Forbidden),
        };
    let mut sql = Sql::new(db.get_database_backend());
    sql.push(
        "SELECT n.kind AS kind, n.note AS note, s.username AS by_user, n.at AS at \
         FROM contact_note n JOIN staff s ON s.id = n.staff_id WHERE n.invitation_id = ",
    )
    .param(inv.id)
    .push(" ORDER BY n.at DESC, n.id DESC");
    let notes = db
        .query_all_raw(sql.statement())
        .await?
        .iter()
        .map(|r| {
            Ok(Note {
                kind: r.try_get("", "kind")?,
                note: r.try_get("", "note")?,
                by: r.try_get("", "by_user")?,
                at: r.try_get("", "at")?,
            })
        })
        .collect::<Result<Vec<_>, sea_orm::DbErr>>()?;
    Ok(Invitee {
        invitation: inv,
        wave: w,
        audience,
        name,
        key,
        details,
        email,
        phone,
        has_wechat,
        status,
        done,
        notes,
    })
}

/// The personal link of an invitee in scope (built by `wave::links`) and its QR code as SVG.
/// Showing it is audited: the link opens the person's answers.
pub async fn personal_link(
    db: &DatabaseConnection,
    keys: &TokenKeys,
    base_url: &str,
    viewer: &Viewer,
    invitation_id: i32,
    now: DateTime<Utc>,
) -> Result<(String, String)> {
    let (inv, w) = scoped_invitation(db, viewer, invitation_id).await?;
    let token = token::issue(keys, &w, &inv)?;
    let link = survey_link(base_url, &token);
    let svg = qr_svg(&link)?;
    record_audit(
        db,
        &viewer.username,
        "chase.show_link",
        json!({"invitation_id": inv.id, "wave_id": w.id}),
        now,
    )
    .await?;
    Ok((link, svg))
}

/// A QR code of `text`, as an SVG element sized for a phone screen.
pub fn qr_svg(text: &str) -> Result<String> {
    use qrcode::render::svg;
    let code =
        qrcode::QrCode::new(text.as_bytes()).map_err(|e| Error::Other(format!("qr code: {e}")))?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build())
}

/// What a liaison records after trying to reach someone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    /// Reached by phone.
    Phoned,
    Unreachable,
    WrongNumber,
}

impl ContactKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ContactKind::Phoned => "phoned",
            ContactKind::Unreachable => "unreachable",
            ContactKind::WrongNumber => "wrong_number",
        }
    }

    pub fn parse(s: &str) -> Option<ContactKind> {
        match s {
            "phoned" => Some(ContactKind::Phoned),
            "unreachable" => Some(ContactKind::Unreachable),
            "wrong_number" => Some(ContactKind::WrongNumber),
            _ => None,
        }
    }
}

/// Longest contact note, in characters.
pub const MAX_NOTE_CHARS: usize = 1000;

fn clean_note(note: &str) -> Result<Option<String>> {
    let note = note.trim();
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(Error::Invalid(format!(
            "a note may have at most {MAX_NOTE_CHARS} characters"
        )));
    }
    Ok((!note.is_empty()).then(|| note.to_string()))
}

/// Records a contact attempt on an invitee in scope and sets the invitation's contact state.
pub async fn record_contact(
    db: &DatabaseConnection,
    viewer: &Viewer,
    invitation_id: i32,
    kind: ContactKind,
    note: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let note = clean_note(note)?;
    let txn = db.begin().await?;
    let (inv, _) = scoped_invitation(&txn, viewer, invitation_id).await?;
    contact_note::ActiveModel {
        invitation_id: Set(inv.id),
        staff_id: Set(viewer.staff_id),
        kind: Set(kind.as_str().to_string()),
        note: Set(note),
        at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    invitation::Entity::update_many()
        .col_expr(
            invitation::Column::ContactState,
            Expr::value(Some(kind.as_str().to_string())),
        )
        .filter(invitation::Column::Id.eq(inv.id))
        .exec(&txn)
        .await?;
    record_audit(
        &txn,
        &viewer.username,
        "chase.contact",
        json!({"invitation_id": inv.id, "kind": kind.as_str()}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Replaces an invitee's e-mail and phone (empty = none). Bad values are refused with the
/// reason and nothing changes; the contact state is cleared, since the new details are untried.
pub async fn update_contact(
    db: &DatabaseConnection,
    viewer: &Viewer,
    invitation_id: i32,
    email: &str,
    phone: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let email = match email.trim() {
        "" => None,
        e => Some(
            Email::parse(e)
                .map_err(|r| Error::Invalid(format!("e-mail: {}", r.message(CliLang::En))))?
                .into_string(),
        ),
    };
    let phone = match phone.trim() {
        "" => None,
        p => Some(
            Phone::parse(p)
                .map_err(|r| Error::Invalid(format!("phone: {}", r.message(CliLang::En))))?
                .into_string(),
        ),
    };
    let txn = db.begin().await?;
    let (inv, _) = scoped_invitation(&txn, viewer, invitation_id).await?;
    match (inv.graduate_id, inv.employer_id) {
        (Some(gid), _) => {
            graduate::Entity::update_many()
                .col_expr(graduate::Column::Email, Expr::value(email))
                .col_expr(graduate::Column::Phone, Expr::value(phone))
                .col_expr(graduate::Column::UpdatedAt, Expr::value(now))
                .filter(graduate::Column::Id.eq(gid))
                .exec(&txn)
                .await?;
        }
        (None, Some(eid)) => {
            employer::Entity::update_many()
                .col_expr(employer::Column::Email, Expr::value(email))
                .col_expr(employer::Column::Phone, Expr::value(phone))
                .col_expr(employer::Column::UpdatedAt, Expr::value(now))
                .filter(employer::Column::Id.eq(eid))
                .exec(&txn)
                .await?;
        }
        _ => return Err(Error::Forbidden),
    }
    contact_note::ActiveModel {
        invitation_id: Set(inv.id),
        staff_id: Set(viewer.staff_id),
        kind: Set("details_updated".to_string()),
        note: Set(None),
        at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    invitation::Entity::update_many()
        .col_expr(
            invitation::Column::ContactState,
            Expr::value(None::<String>),
        )
        .filter(invitation::Column::Id.eq(inv.id))
        .exec(&txn)
        .await?;
    record_audit(
        &txn,
        &viewer.username,
        "chase.update_contact",
        json!({"invitation_id": inv.id}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
