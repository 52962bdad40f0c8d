//! The indicators' facts of one graduate response (migration `m20261127_500000`), kept in step
//! with the answers by `store::responses::save_answers`.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "response_fact")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub response_id: i32,
    pub wave_id: i32,
    pub graduate_id: i32,
    /// `indicators::Destination` as its position.
    pub destination: Option<i16>,
    /// Start month as `year * 12 + month - 1`.
    pub start_month: Option<i32>,
    pub employer_type: Option<String>,
    pub industry: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub county: Option<bool>,
    pub salary: Option<f64>,
    pub major_match: Option<f64>,
    pub interest_match: Option<f64>,
    pub job_satisfaction: Option<f64>,
    pub job_changes: Option<f64>,
    /// Comma-separated option ids.
    pub leave_reasons: Option<String>,
    pub industry_changed: Option<bool>,
    pub promoted: Option<bool>,
    pub years_to_promotion: Option<f64>,
    pub management_role: Option<String>,
    pub further_degree: Option<String>,
    pub certificates: Option<f64>,
    pub training: Option<bool>,
    pub startup_active: Option<bool>,
    pub startup_funding: Option<String>,
    pub patents: Option<f64>,
    pub improvement_proposals: Option<f64>,
    /// Comma-separated option ids.
    pub slow_causes: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
