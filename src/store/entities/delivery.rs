//! One attempt to deliver a reminder: when, on which channel, what happened, what the provider said.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "delivery")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub reminder_id: i32,
    pub invitation_id: i32,
    /// 1 for the first attempt of the reminder.
    pub attempt: i32,
    /// `email`, `sms`, `bot:wechat`, … or `none` when no channel reaches the person.
    pub channel: String,
    /// `sent`, `retry`, `failed`, `dead`, `skipped` or `unreachable`.
    pub outcome: String,
    /// The provider's answer (SMTP reply, gateway body), shortened.
    pub provider_reply: Option<String>,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
