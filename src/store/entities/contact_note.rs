//! What a liaison recorded about reaching an invitee: a phone contact, an unreachable or wrong
//! number, updated contact details. The note is free text: shown to liaisons, never logged.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "contact_note")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub invitation_id: i32,
    pub staff_id: i32,
    /// `phoned`, `unreachable`, `wrong_number` or `details_updated`.
    pub kind: String,
    pub note: Option<String>,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
