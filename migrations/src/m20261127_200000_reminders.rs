//! Reminders and their delivery log: every planned send (`reminder`), each attempt to deliver
//! it (`delivery`). The database is the truth the Redis scheduler is rebuilt from.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Reminder::Table)
                .if_not_exists()
                .col(pk_auto(Reminder::Id))
                .col(integer(Reminder::InvitationId))
                .col(integer(Reminder::WaveId))
                .col(string(Reminder::Kind))
                .col(integer(Reminder::Seq))
                .col(timestamp_with_time_zone(Reminder::PlannedAt))
                .col(timestamp_with_time_zone(Reminder::DueAt))
                .col(string(Reminder::State))
                .col(integer(Reminder::Attempts).default(0))
                .col(string_null(Reminder::Channel))
                .col(string_null(Reminder::ClaimToken))
                .col(timestamp_with_time_zone_null(Reminder::LeaseUntil))
                .col(string_null(Reminder::LastError))
                .col(string_null(Reminder::Actor))
                .col(timestamp_with_time_zone_null(Reminder::SentAt))
                .col(timestamp_with_time_zone(Reminder::CreatedAt))
                .col(timestamp_with_time_zone(Reminder::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Reminder::Table, Reminder::InvitationId)
                        .to(Invitation::Table, Invitation::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // One row per planned send of an invitation: planning twice changes nothing.
        m.create_index(
            Index::create()
                .name("uq_reminder_invitation_kind_seq")
                .table(Reminder::Table)
                .col(Reminder::InvitationId)
                .col(Reminder::Kind)
                .col(Reminder::Seq)
                .unique()
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        // Rebuilding Redis, the embedded scheduler and closing a wave read by state and time.
        m.create_index(
            Index::create()
                .name("idx_reminder_state_due")
                .table(Reminder::Table)
                .col(Reminder::State)
                .col(Reminder::DueAt)
                .if_not_exists()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Delivery::Table)
                .if_not_exists()
                .col(pk_auto(Delivery::Id))
                .col(integer(Delivery::ReminderId))
                .col(integer(Delivery::InvitationId))
                .col(integer(Delivery::Attempt))
                .col(string(Delivery::Channel))
                .col(string(Delivery::Outcome))
                .col(text_null(Delivery::ProviderReply))
                .col(timestamp_with_time_zone(Delivery::At))
                .foreign_key(
                    ForeignKey::create()
                        .from(Delivery::Table, Delivery::ReminderId)
                        .to(Reminder::Table, Reminder::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_delivery_invitation")
                .table(Delivery::Table)
                .col(Delivery::InvitationId)
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [Delivery::Table.into_iden(), Reminder::Table.into_iden()] {
            m.drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Reminder {
    Table,
    Id,
    InvitationId,
    WaveId,
    Kind,
    Seq,
    PlannedAt,
    DueAt,
    State,
    Attempts,
    Channel,
    ClaimToken,
    LeaseUntil,
    LastError,
    Actor,
    SentAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Delivery {
    Table,
    Id,
    ReminderId,
    InvitationId,
    Attempt,
    Channel,
    Outcome,
    ProviderReply,
    At,
}

#[derive(DeriveIden)]
enum Invitation {
    Table,
    Id,
}
