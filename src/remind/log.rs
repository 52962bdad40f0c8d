//! What liaisons see of reminders: a person's delivery log (every attempt: time, channel,
//! outcome, provider reply), the dead-letter list, and "remind now" — an extra reminder through
//! the same scheduler, at most once per cool-down per person. Scope checks (which liaison may
//! see whom) are the dashboard's; these functions take ids it has already allowed.
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Serialize;

use super::plan::new_row;
use super::{Kind, Scheduler, State};
use crate::error::{Error, Result};
use crate::store::entities::{audit_event, delivery, invitation, reminder};
use crate::store::responses::{self, Status};

/// One attempt to reach a person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DeliveryEntry {
    pub at: DateTime<Utc>,
    pub reminder_id: i32,
    pub wave_id: i32,
    /// `invitation`, `reminder` or `manual`.
    pub kind: String,
    pub attempt: i32,
    pub channel: String,
    /// `sent`, `retry`, `failed`, `dead`, `unreachable`.
    pub outcome: String,
    pub provider_reply: Option<String>,
}

/// Every attempt to reach the invitee of `invitation_id`, oldest first.
pub async fn deliveries_of<C: sea_orm::ConnectionTrait>(
    db: &C,
    invitation_id: i32,
) -> Result<Vec<DeliveryEntry>> {
    let rows = delivery::Entity::find()
        .filter(delivery::Column::InvitationId.eq(invitation_id))
        .order_by_asc(delivery::Column::At)
        .order_by_asc(delivery::Column::Id)
        .all(db)
        .await?;
    let reminders: std::collections::HashMap<i32, reminder::Model> = reminder::Entity::find()
        .filter(reminder::Column::InvitationId.eq(invitation_id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    Ok(rows
        .into_iter()
        .map(|d| {
            let r = reminders.get(&d.reminder_id);
            DeliveryEntry {
                at: d.at,
                reminder_id: d.reminder_id,
                wave_id: r.map_or(0, |r| r.wave_id),
                kind: r.map_or_else(String::new, |r| r.kind.clone()),
                attempt: d.attempt,
                channel: d.channel,
                outcome: d.outcome,
                provider_reply: d.provider_reply,
            }
        })
        .collect())
}

/// Every attempt to reach a graduate, in all waves (a person's liaisons see this).
pub async fn deliveries_of_graduate<C: sea_orm::ConnectionTrait>(
    db: &C,
    graduate_id: i32,
) -> Result<Vec<DeliveryEntry>> {
    let invitations: Vec<i32> = invitation::Entity::find()
        .select_only()
        .column(invitation::Column::Id)
        .filter(invitation::Column::GraduateId.eq(graduate_id))
        .into_tuple()
        .all(db)
        .await?;
    let mut out = Vec::new();
    for id in invitations {
        out.extend(deliveries_of(db, id).await?);
    }
    out.sort_by_key(|d| d.at);
    Ok(out)
}

/// A send that failed on every attempt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DeadLetter {
    pub reminder_id: i32,
    pub invitation_id: i32,
    pub wave_id: i32,
    pub kind: String,
    pub channel: Option<String>,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub at: DateTime<Utc>,
}

/// The dead letters, newest first, of one wave or all.
pub async fn dead_letters<C: sea_orm::ConnectionTrait>(
    db: &C,
    wave_id: Option<i32>,
) -> Result<Vec<DeadLetter>> {
    let mut q = reminder::Entity::find().filter(reminder::Column::State.eq(State::Dead.as_str()));
    if let Some(w) = wave_id {
        q = q.filter(reminder::Column::WaveId.eq(w));
    }
    Ok(q.order_by_desc(reminder::Column::UpdatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|r| DeadLetter {
            reminder_id: r.id,
            invitation_id: r.invitation_id,
            wave_id: r.wave_id,
            kind: r.kind,
            channel: r.channel,
            attempts: r.attempts,
            last_error: r.last_error,
            at: r.updated_at,
        })
        .collect())
}

/// A liaison's "remind now": one more reminder to the invitee, as soon as quiet hours allow,
/// through the same scheduler (so it is rate-limited, retried and logged like the others).
/// Refused when the person has answered or opted out, when the wave is closed, and within the
/// cool-down after their last reminder of any kind. Recorded in the audit log.
pub async fn remind_now(
    db: &sea_orm::DatabaseConnection,
    scheduler: &Scheduler,
    invitation_id: i32,
    actor: &str,
) -> Result<reminder::Model> {
    let now = scheduler.clock.now();
    let inv = invitation::Entity::find_by_id(invitation_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::NotFound(format!("invitation {invitation_id}")))?;
    let w = crate::wave::find(db, inv.wave_id).await?;
    if w.closes_at.is_some_and(|c| c <= now) {
        return Err(Error::Invalid("the wave is closed".into()));
    }
    if let Some(r) = responses::find(db, invitation_id).await? {
        match responses::status_of(&r)? {
            Status::Complete => return Err(Error::Invalid("this person has answered".into())),
            Status::OptedOut => return Err(Error::Invalid("this person opted out".into())),
            _ => {}
        }
    }
    let cooldown = scheduler.settings.cooldown;
    let recent = reminder::Entity::find()
        .filter(reminder::Column::InvitationId.eq(invitation_id))
        .filter(
            sea_orm::sea_query::Condition::any()
                .add(reminder::Column::SentAt.gt(now - cooldown))
                .add(
                    sea_orm::sea_query::Condition::all()
                        .add(reminder::Column::Kind.eq(Kind::Manual.as_str()))
                        .add(reminder::Column::CreatedAt.gt(now - cooldown)),
                ),
        )
        .order_by_desc(reminder::Column::UpdatedAt)
        .one(db)
        .await?;
    if let Some(r) = recent {
        let last = match r.sent_at {
            Some(sent) if sent > now - cooldown => sent,
            _ => r.created_at,
        };
        let next = last + cooldown;
        return Err(Error::Conflict(format!(
            "this person was reminded less than {} h ago; the next reminder is possible after {}",
            cooldown.num_hours(),
            next.with_timezone(&crate::clock::SCHOOL_TZ)
                .format("%Y-%m-%d %H:%M")
        )));
    }
    let plan = crate::wave::plan::ReminderPlan::from_json(&w.reminder_plan)?;
    let due = plan.out_of_quiet_hours(now);
    let seq = i32::try_from(
        reminder::Entity::find()
            .filter(reminder::Column::InvitationId.eq(invitation_id))
            .filter(reminder::Column::Kind.eq(Kind::Manual.as_str()))
            .all(db)
            .await?
            .len(),
    )
    .unwrap_or(i32::MAX)
        + 1;
    let row = new_row(
        invitation_id,
        w.id,
        Kind::Manual,
        seq,
        due,
        Some(actor.to_string()),
        now,
    )
    .insert(db)
    .await
    .map_err(|e| match e {
        // The unique (invitation, kind, seq) index: another liaison just did the same.
        sea_orm::DbErr::Exec(_) | sea_orm::DbErr::Query(_) => {
            Error::Conflict("a reminder was just requested for this person".into())
        }
        other => Error::Db(other),
    })?;
    audit_event::ActiveModel {
        actor: Set(actor.to_string()),
        action: Set("remind_now".into()),
        detail: Set(serde_json::json!({"invitation_id": invitation_id, "reminder_id": row.id})),
        at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    scheduler.schedule(&[(row.id, row.due_at)]).await?;
    Ok(row)
}
