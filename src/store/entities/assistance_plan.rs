//! A one-person-one-plan (一人一策) assistance file: why a graduate needs help, what is planned,
//! who owns it, when to follow up, and where it stands.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "assistance_plan")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub graduate_id: i32,
    /// The wave whose answers opened the file.
    pub wave_id: i32,
    /// Which rules matched (`destination:unemployed`, `job_satisfaction`, `salary`).
    pub reasons: Json,
    /// The graduate's stated causes (options of `slow_cause`), from their answers.
    pub causes: Json,
    /// Planned actions, written by the liaisons.
    pub actions: String,
    pub owner_staff_id: Option<i32>,
    pub next_follow_up: Option<Date>,
    /// `open`, `in_progress` or `closed`.
    pub status: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
