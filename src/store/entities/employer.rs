//! An employer of our graduates, surveyed for satisfaction.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "employer")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Unified social credit code (18 characters, check character validated on import).
    #[sea_orm(unique)]
    pub uscc: String,
    pub name: String,
    pub employer_type: String,
    pub industry: String,
    pub province: String,
    pub city: String,
    pub contact_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub lang: Option<String>,
    pub attributes: Json,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
