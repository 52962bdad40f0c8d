//! One round of one survey for one cohort stage.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "wave")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub survey_id: String,
    pub survey_version: i32,
    /// `graduation`, `year1`, `year3`, `year5` or `employer`.
    pub stage: String,
    /// Graduation year of the cohort (for employer waves: the survey year).
    pub cohort_year: i32,
    pub opens_at: DateTimeUtc,
    pub closes_at: Option<DateTimeUtc>,
    /// Reminder offsets, quiet hours, channel order (see `remind`).
    pub reminder_plan: Json,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
