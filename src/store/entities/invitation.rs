//! An invitation of one person (graduate or employer) to one wave.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "invitation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub wave_id: i32,
    pub graduate_id: Option<i32>,
    pub employer_id: Option<i32>,
    /// Short human-typable code for binding the chat-bot (no ambiguous characters).
    #[sea_orm(unique)]
    pub code: String,
    /// What liaisons learned when chasing (`unreachable`, `wrong_number`, …).
    pub contact_state: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_one = "super::response::Entity")]
    Response,
}

impl Related<super::response::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Response.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
