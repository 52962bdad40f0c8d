//! Reminders as a person's liaisons see them: "remind now" through the reminder scheduler (with
//! its per-person cool-down), the person's planned and sent reminders with every delivery
//! attempt and its outcome, and the dead-letter list of a wave — each limited to the viewer's
//! scope in the query, like everything else on the dashboard.
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::Serialize;
use utoipa::ToSchema;

use super::chase::scoped_invitation;
use super::rates::visible_wave;
use super::scope::{Sql, Viewer};
use crate::error::Result;
use crate::remind::Scheduler;
use crate::store::entities::{contact_note, reminder};
use crate::survey::Audience;

/// The contact-note kind recorded when a liaison asks for a reminder.
pub const REMINDED: &str = "reminded";

/// A reminder queued by "remind now".
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Queued {
    pub reminder_id: i32,
    /// When it goes out (now, or when the wave's quiet hours end).
    pub due_at: DateTime<Utc>,
}

/// One planned send to the person: the invitation, the plan's reminders, liaisons' extra ones.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReminderRow {
    pub reminder_id: i32,
    /// `invitation`, `reminder` or `manual` (remind now).
    pub kind: String,
    pub due_at: DateTime<Utc>,
    /// `pending`, `sending`, `sent`, `skipped`, `cancelled`, `failed`, `dead`.
    pub state: String,
    pub attempts: i32,
    pub channel: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    /// The staff account that asked for it (remind now).
    pub requested_by: Option<String>,
}

/// One attempt to deliver a reminder.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Attempt {
    pub at: DateTime<Utc>,
    pub reminder_id: i32,
    pub kind: String,
    pub attempt: i32,
    pub channel: String,
    /// `sent`, `retry`, `failed`, `dead`, `unreachable`.
    pub outcome: String,
    pub provider_reply: Option<String>,
}

/// What was sent to a person in a wave, and how it went.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Outreach {
    pub invitation_id: i32,
    pub reminders: Vec<ReminderRow>,
    pub attempts: Vec<Attempt>,
    /// Hours between two reminders to one person (remind now is refused within them).
    pub cooldown_hours: i64,
}

/// A send that failed on every attempt, for the liaisons of its person.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeadLetterRow {
    pub reminder_id: i32,
    pub invitation_id: i32,
    pub name: String,
    /// Class (graduates) or employer type.
    pub group: String,
    pub kind: String,
    pub channel: Option<String>,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub at: DateTime<Utc>,
}

/// "Remind now" for an invitee in the viewer's scope: one more reminder through the scheduler
/// (refused within the cool-down, after an answer or opt-out, or once the wave closed), and a
/// note on the person's card so the chase list shows it was tried.
pub async fn remind_now(
    db: &DatabaseConnection,
    scheduler: &Scheduler,
    viewer: &Viewer,
    invitation_id: i32,
) -> Result<Queued> {
    let (inv, _) = scoped_invitation(db, viewer, invitation_id).await?;
    let row = crate::remind::remind_now(db, scheduler, inv.id, &viewer.username).await?;
    contact_note::ActiveModel {
        invitation_id: Set(inv.id),
        staff_id: Set(viewer.staff_id),
        kind: Set(REMINDED.to_string()),
        note: Set(None),
        at: Set(row.created_at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(Queued {
        reminder_id: row.id,
        due_at: row.due_at,
    })
}

/// The reminders and delivery attempts of an invitee in the viewer's scope.
pub async fn outreach<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    invitation_id: i32,
    cooldown: chrono::Duration,
) -> Result<Outreach> {
    let (inv, _) = scoped_invitation(db, viewer, invitation_id).await?;
    let reminders = reminder::Entity::find()
        .filter(reminder::Column::InvitationId.eq(inv.id))
        .order_by_asc(reminder::Column::DueAt)
        .order_by_asc(reminder::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|r| ReminderRow {
            reminder_id: r.id,
            kind: r.kind,
            due_at: r.due_at,
            state: r.state,
            attempts: r.attempts,
            channel: r.channel,
            sent_at: r.sent_at,
            requested_by: r.actor,
        })
        .collect();
    let attempts = crate::remind::deliveries_of(db, inv.id)
        .await?
        .into_iter()
        .map(|d| Attempt {
            at: d.at,
            reminder_id: d.reminder_id,
            kind: d.kind,
            attempt: d.attempt,
            channel: d.channel,
            outcome: d.outcome,
            provider_reply: d.provider_reply,
        })
        .collect();
    Ok(Outreach {
        invitation_id: inv.id,
        reminders,
        attempts,
        cooldown_hours: cooldown.num_hours(),
    })
}

/// Largest dead-letter list returned.
pub const MAX_DEAD: i64 = 500;

/// The dead letters of a wave whose people are in the viewer's scope, newest first.
pub async fn dead_letters<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    wave_id: i32,
) -> Result<Vec<DeadLetterRow>> {
    let w = visible_wave(db, viewer, wave_id).await?;
    let mut sql = Sql::new(db.get_database_backend());
    let audience = crate::wave::audience(&w);
    match audience {
        Audience::Graduate => sql.push(
            "SELECT m.id AS reminder_id, m.invitation_id AS invitation_id, g.name AS name, \
             g.class_name AS grp",
        ),
        Audience::Employer => {
            viewer.require_employers()?;
            sql.push(
                "SELECT m.id AS reminder_id, m.invitation_id AS invitation_id, e.name AS name, \
                 e.employer_type AS grp",
            )
        }
    };
    sql.push(
        ", m.kind AS kind, m.channel AS channel, m.attempts AS attempts, \
         m.last_error AS last_error, m.updated_at AS at \
         FROM reminder m JOIN invitation i ON i.id = m.invitation_id",
    );
    match audience {
        Audience::Graduate => sql.push(" JOIN graduate g ON g.id = i.graduate_id"),
        Audience::Employer => sql.push(" JOIN employer e ON e.id = i.employer_id"),
    };
    sql.push(" WHERE m.state = 'dead' AND m.wave_id = ")
        .param(w.id);
    if audience == Audience::Graduate {
        viewer.restrict(&mut sql);
    }
    sql.push(" ORDER BY m.updated_at DESC, m.id DESC LIMIT ")
        .param(MAX_DEAD);
    let rows = db.query_all_raw(sql.statement()).await?;
    Ok(rows
        .iter()
        .map(|r| {
            Ok(DeadLetterRow {
                reminder_id: r.try_get("", "reminder_id")?,
                invitation_id: r.try_get("", "invitation_id")?,
                name: r.try_get("", "name")?,
                group: r.try_get("", "grp")?,
                kind: r.try_get("", "kind")?,
                channel: r.try_get("", "channel")?,
                attempts: r.try_get("", "attempts")?,
                last_error: r.try_get("", "last_error")?,
                at: r.try_get("", "at")?,
            })
        })
        .collect::<Result<Vec<_>, sea_orm::DbErr>>()?)
}
