//! A graduate on the roster.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "graduate")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub student_id: String,
    pub name: String,
    /// `associate`, `bachelor`, `master` or `doctor`.
    pub degree_level: String,
    pub department: String,
    pub major: String,
    pub class_name: String,
    pub graduation_date: Date,
    /// Derived from `graduation_date`; the cohort a wave addresses.
    pub graduation_year: i32,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub gender: Option<String>,
    pub wechat_openid: Option<String>,
    /// Preferred language (`zh-CN`, `en`) once known.
    pub lang: Option<String>,
    /// Extra roster columns, kept as given.
    pub attributes: Json,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
