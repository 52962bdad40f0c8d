//! A revision on each chat user's conversation state, bumped by every save and checked by it:
//! the bot's writes are applied by a writer of their own after the event was worked out
//! (`store::commit`), so a save must not land over one it did not see.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(ChatState::Table)
                .add_column(integer(ChatState::Revision).default(0))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(ChatState::Table)
                .drop_column(ChatState::Revision)
                .to_owned(),
        )
        .await
    }
}

#[derive(DeriveIden)]
enum ChatState {
    Table,
    Revision,
}
