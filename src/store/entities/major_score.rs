//! The major warning's scores of one cohort as last computed (migration `m20261127_600000`).
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "major_score")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub cohort: i32,
    /// The warning rule and suppression policy the scores were computed with (JSON text): a
    /// snapshot computed with other settings is not used.
    pub settings: String,
    /// `Vec<indicators::MajorScore>`.
    pub scores: Json,
    pub computed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
