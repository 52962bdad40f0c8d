//! The one response of an invitation, edited by every channel.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "response")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub invitation_id: i32,
    /// The survey definition version the answers were given under.
    pub survey_version: i32,
    /// `opened`, `consented`, `declined`, `partial`, `complete` or `opted_out`.
    pub status: String,
    /// Answers by question id, in the engine's JSON form.
    pub answers: Json,
    /// Channels used, comma-separated (`web`, `wechat`, `telegram`, `whatsapp`).
    pub channels: String,
    /// Bumped on every save; a resent form carrying an old revision changes nothing.
    pub revision: i32,
    pub lang: Option<String>,
    pub opened_at: Option<DateTimeUtc>,
    pub consented_at: Option<DateTimeUtc>,
    pub consent_notice_version: Option<i32>,
    pub consent_channel: Option<String>,
    pub completed_at: Option<DateTimeUtc>,
    pub opted_out_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::invitation::Entity",
        from = "Column::InvitationId",
        to = "super::invitation::Column::Id"
    )]
    Invitation,
}

impl Related<super::invitation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Invitation.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
