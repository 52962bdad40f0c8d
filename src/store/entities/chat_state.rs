//! Where one chat user's conversation stands.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "chat_state")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub platform: String,
    pub user_id: String,
    /// The invitation being answered now (one at a time).
    pub invitation_id: Option<i32>,
    /// `zh-CN` or `en`; None = not chosen yet.
    pub lang: Option<String>,
    /// `start`, `survey`, `city`, `confirm_stop`.
    pub step: String,
    /// The question last asked.
    pub question_id: Option<String>,
    /// Step data: the province whose cities were offered.
    pub pending: Option<String>,
    /// Walking through answered questions again (after `back` or `restart`).
    pub review: bool,
    /// When the user last wrote (Unix seconds, the platform's clock).
    pub last_message_at: Option<i64>,
    pub updated_at: DateTimeUtc,
    /// Bumped by every save, which checks it (`bot::store::save_state`).
    pub revision: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
