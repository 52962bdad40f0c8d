//! Planning a wave inserts one `reminder` row per invitation in a single statement. On
//! PostgreSQL the foreign key to `invitation` costs a per-row trigger on that insert — 15 of the
//! 26 seconds a million-invitation wave took (docs/benchmarks.md). The rows are only ever
//! inserted by `INSERT … SELECT … FROM invitation` (or for one invitation read just before), so
//! the check on insert proves nothing; what the key gave us that matters is the cascade when an
//! invitation is deleted. On PostgreSQL this migration replaces the key by a delete trigger that
//! keeps that cascade; SQLite keeps its foreign key (cheap there, and it cannot drop one).
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = r#"
DO $$
DECLARE c text;
BEGIN
  SELECT conname INTO c FROM pg_constraint
   WHERE conrelid = 'reminder'::regclass AND confrelid = 'invitation'::regclass AND contype = 'f';
  IF c IS NOT NULL THEN
    EXECUTE format('ALTER TABLE reminder DROP CONSTRAINT %I', c);
  END IF;
END $$;
CREATE OR REPLACE FUNCTION reminder_follows_invitation() RETURNS trigger AS $$
BEGIN
  DELETE FROM reminder WHERE invitation_id = OLD.id;
  RETURN OLD;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER invitation_deletes_reminders AFTER DELETE ON invitation
  FOR EACH ROW EXECUTE FUNCTION reminder_follows_invitation();
"#;

const DOWN: &str = r#"
DROP TRIGGER IF EXISTS invitation_deletes_reminders ON invitation;
DROP FUNCTION IF EXISTS reminder_follows_invitation();
ALTER TABLE reminder ADD FOREIGN KEY (invitation_id) REFERENCES invitation (id) ON DELETE CASCADE;
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            m.get_connection().execute_unprepared(UP).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            m.get_connection().execute_unprepared(DOWN).await?;
        }
        Ok(())
    }
}
