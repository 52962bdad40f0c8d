//! One planned send to an invitee: the invitation, a reminder, or a liaison's "remind now".
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "reminder")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub invitation_id: i32,
    pub wave_id: i32,
    /// `invitation`, `reminder` or `manual` (see `remind::Kind`).
    pub kind: String,
    /// 0 for the invitation, n for the plan's n-th reminder, a counter for manual ones.
    pub seq: i32,
    /// When the plan meant it to go out (out of quiet hours).
    pub planned_at: DateTimeUtc,
    /// When it is next tried: the plan's time, or a retry's.
    pub due_at: DateTimeUtc,
    /// `pending`, `sending`, `sent`, `skipped`, `cancelled`, `failed` or `dead`.
    pub state: String,
    pub attempts: i32,
    /// The channel of the last attempt (`email`, `sms`, `bot`).
    pub channel: Option<String>,
    /// Which worker claim is sending it (the fence that stops a second sender).
    pub claim_token: Option<String>,
    pub lease_until: Option<DateTimeUtc>,
    /// Why the last attempt failed or why it was skipped — never personal data.
    pub last_error: Option<String>,
    /// Who asked for a manual reminder (a staff username).
    pub actor: Option<String>,
    pub sent_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
