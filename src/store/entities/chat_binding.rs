//! A chat user bound to an invitation (by code, deep link or the roster's WeChat OpenID).
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "chat_binding")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `wechat`, `telegram` or `whatsapp`.
    pub platform: String,
    /// WeChat OpenID, Telegram chat id, WhatsApp `wa_id`.
    pub user_id: String,
    pub invitation_id: i32,
    pub graduate_id: Option<i32>,
    /// `code`, `link` (deep link / QR scene) or `roster` (known OpenID).
    pub bound_by: String,
    pub created_at: DateTimeUtc,
    /// Set when the person opted out through the bot or unfollowed: no bot reminders.
    pub stopped_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
