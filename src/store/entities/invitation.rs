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
    #[sea_orm(
        belongs_to = "super::wave::Entity",
        from = "Column::WaveId",
        to = "super::wave::Column::Id"
    )]
    Wave,
    #[sea_orm(
        belongs_to = "super::graduate::Entity",
        from = "Column::GraduateId",
        to = "super::graduate::Column::Id"
    )]
    Graduate,
}

impl Related<super::response::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Response.def()
    }
}

impl Related<super::wave::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Wave.def()
    }
}

impl Related<super::graduate::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Graduate.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
