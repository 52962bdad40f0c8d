//! A staff member (liaison or admin) who signs in to the dashboards.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "staff")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub username: String,
    pub name: String,
    /// `admin`, `department`, `class` or `alumni`.
    pub role: String,
    /// The department, class, or cohort/major the liaison looks after (none for admin).
    pub scope: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Argon2 PHC string; none until a password is set.
    pub password_hash: Option<String>,
    pub failed_logins: i32,
    pub locked_until: Option<DateTimeUtc>,
    /// Bumped on logout/password change so older sessions stop working.
    pub session_epoch: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
