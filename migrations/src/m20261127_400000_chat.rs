//! The messaging bot's tables: who a chat user is bound to (`chat_binding`), where each chat
//! user's conversation stands (`chat_state`), and the platforms' message ids already handled
//! (`chat_inbound`, kept a day, so a platform's retry is never answered twice).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ChatBinding::Table)
                .if_not_exists()
                .col(pk_auto(ChatBinding::Id))
                .col(string(ChatBinding::Platform))
                .col(string(ChatBinding::UserId))
                .col(integer(ChatBinding::InvitationId))
                .col(integer_null(ChatBinding::GraduateId))
                .col(string(ChatBinding::BoundBy))
                .col(timestamp_with_time_zone(ChatBinding::CreatedAt))
                .col(timestamp_with_time_zone_null(ChatBinding::StoppedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(ChatBinding::Table, ChatBinding::InvitationId)
                        .to(Invitation::Table, Invitation::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // Binding the same invitation twice changes nothing.
        m.create_index(
            Index::create()
                .name("uq_chat_binding_user_invitation")
                .table(ChatBinding::Table)
                .col(ChatBinding::Platform)
                .col(ChatBinding::UserId)
                .col(ChatBinding::InvitationId)
                .unique()
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        // Reminders look bindings up by graduate.
        m.create_index(
            Index::create()
                .name("idx_chat_binding_graduate")
                .table(ChatBinding::Table)
                .col(ChatBinding::GraduateId)
                .if_not_exists()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ChatState::Table)
                .if_not_exists()
                .col(pk_auto(ChatState::Id))
                .col(string(ChatState::Platform))
                .col(string(ChatState::UserId))
                .col(integer_null(ChatState::InvitationId))
                .col(string_null(ChatState::Lang))
                .col(string(ChatState::Step))
                .col(string_null(ChatState::QuestionId))
                .col(string_null(ChatState::Pending))
                .col(boolean(ChatState::Review).default(false))
                .col(big_integer_null(ChatState::LastMessageAt))
                .col(timestamp_with_time_zone(ChatState::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_chat_state_user")
                .table(ChatState::Table)
                .col(ChatState::Platform)
                .col(ChatState::UserId)
                .unique()
                .if_not_exists()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ChatInbound::Table)
                .if_not_exists()
                .col(pk_auto(ChatInbound::Id))
                .col(string(ChatInbound::Platform))
                .col(string(ChatInbound::EventKey))
                .col(timestamp_with_time_zone(ChatInbound::ReceivedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_chat_inbound_event")
                .table(ChatInbound::Table)
                .col(ChatInbound::Platform)
                .col(ChatInbound::EventKey)
                .unique()
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_chat_inbound_received")
                .table(ChatInbound::Table)
                .col(ChatInbound::ReceivedAt)
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            ChatInbound::Table.into_iden(),
            ChatState::Table.into_iden(),
            ChatBinding::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum ChatBinding {
    Table,
    Id,
    Platform,
    UserId,
    InvitationId,
    GraduateId,
    BoundBy,
    CreatedAt,
    StoppedAt,
}

#[derive(DeriveIden)]
enum ChatState {
    Table,
    Id,
    Platform,
    UserId,
    InvitationId,
    Lang,
    Step,
    QuestionId,
    Pending,
    Review,
    LastMessageAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ChatInbound {
    Table,
    Id,
    Platform,
    EventKey,
    ReceivedAt,
}

#[derive(DeriveIden)]
enum Invitation {
    Table,
    Id,
}
