//! Every version of every survey definition that answers were given under.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "survey_version")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub survey_id: String,
    pub version: i32,
    /// Hash of the definition, to catch a changed definition whose version was not bumped.
    pub content_hash: String,
    /// The definition as it was, so old responses keep theirs.
    pub definition: Json,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
