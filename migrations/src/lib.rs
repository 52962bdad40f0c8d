//! Database migrations, applied by `gradtrace migrate` and at `gradtrace serve` start.
//! Every migration runs on SQLite (embedded default) and PostgreSQL (production).
pub use sea_orm_migration::prelude::*;

mod m20261127_000001_core;
mod m20261127_100000_dashboard;
mod m20261127_200000_reminders;
mod m20261127_210000_reminder_fk;
mod m20261127_300000_rate_rollup;

pub use m20261127_300000_rate_rollup::rebuild_statements as rate_rollup_rebuild;
mod m20261127_400000_chat;
mod m20261127_500000_response_fact;
mod m20261127_600000_major_pages;
mod m20261127_700000_chat_state_revision;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_core::Migration),
            Box::new(m20261127_100000_dashboard::Migration),
            Box::new(m20261127_200000_reminders::Migration),
            Box::new(m20261127_210000_reminder_fk::Migration),
            Box::new(m20261127_300000_rate_rollup::Migration),
            Box::new(m20261127_400000_chat::Migration),
            Box::new(m20261127_500000_response_fact::Migration),
            Box::new(m20261127_600000_major_pages::Migration),
            Box::new(m20261127_700000_chat_state_revision::Migration),
        ]
    }
}
