//! The dashboard's schema: what liaisons record while chasing (`contact_note`), one-person-one-plan
//! assistance files (`assistance_plan`, `plan_follow_up`), and the indexes the response-rate and
//! chase-list queries read through.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ContactNote::Table)
                .if_not_exists()
                .col(pk_auto(ContactNote::Id))
                .col(integer(ContactNote::InvitationId))
                .col(integer(ContactNote::StaffId))
                .col(string(ContactNote::Kind))
                .col(text_null(ContactNote::Note))
                .col(timestamp_with_time_zone(ContactNote::At))
                .foreign_key(
                    ForeignKey::create()
                        .from(ContactNote::Table, ContactNote::InvitationId)
                        .to(Invitation::Table, Invitation::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ContactNote::Table, ContactNote::StaffId)
                        .to(Staff::Table, Staff::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_contact_note_invitation")
                .table(ContactNote::Table)
                .col(ContactNote::InvitationId)
                .col(ContactNote::At)
                .if_not_exists()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AssistancePlan::Table)
                .if_not_exists()
                .col(pk_auto(AssistancePlan::Id))
                .col(integer(AssistancePlan::GraduateId))
                .col(integer(AssistancePlan::WaveId))
                .col(json(AssistancePlan::Reasons))
                .col(json(AssistancePlan::Causes))
                .col(text(AssistancePlan::Actions))
                .col(integer_null(AssistancePlan::OwnerStaffId))
                .col(date_null(AssistancePlan::NextFollowUp))
                .col(string(AssistancePlan::Status))
                .col(timestamp_with_time_zone(AssistancePlan::CreatedAt))
                .col(timestamp_with_time_zone(AssistancePlan::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(AssistancePlan::Table, AssistancePlan::GraduateId)
                        .to(Graduate::Table, Graduate::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(AssistancePlan::Table, AssistancePlan::WaveId)
                        .to(Wave::Table, Wave::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(AssistancePlan::Table, AssistancePlan::OwnerStaffId)
                        .to(Staff::Table, Staff::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_assistance_plan_graduate_wave")
                .table(AssistancePlan::Table)
                .col(AssistancePlan::GraduateId)
                .col(AssistancePlan::WaveId)
                .unique()
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_assistance_plan_follow_up")
                .table(AssistancePlan::Table)
                .col(AssistancePlan::Status)
                .col(AssistancePlan::NextFollowUp)
                .if_not_exists()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(PlanFollowUp::Table)
                .if_not_exists()
                .col(pk_auto(PlanFollowUp::Id))
                .col(integer(PlanFollowUp::PlanId))
                .col(integer(PlanFollowUp::StaffId))
                .col(text(PlanFollowUp::Note))
                .col(timestamp_with_time_zone(PlanFollowUp::At))
                .foreign_key(
                    ForeignKey::create()
                        .from(PlanFollowUp::Table, PlanFollowUp::PlanId)
                        .to(AssistancePlan::Table, AssistancePlan::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(PlanFollowUp::Table, PlanFollowUp::StaffId)
                        .to(Staff::Table, Staff::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_plan_follow_up_plan")
                .table(PlanFollowUp::Table)
                .col(PlanFollowUp::PlanId)
                .if_not_exists()
                .to_owned(),
        )
        .await?;

        // The rate and chase queries join a wave's invitations to their responses: covering
        // the status and dates lets them read the index instead of every response row.
        m.create_index(
            Index::create()
                .name("idx_response_invitation_status")
                .table(Response::Table)
                .col(Response::InvitationId)
                .col(Response::Status)
                .col(Response::CompletedAt)
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_invitation_wave")
                .table(Invitation::Table)
                .col(Invitation::WaveId)
                .col(Invitation::ContactState)
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_graduate_department_major_class")
                .table(Graduate::Table)
                .col(Graduate::Department)
                .col(Graduate::Major)
                .col(Graduate::ClassName)
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [
            (
                "idx_response_invitation_status",
                Response::Table.into_iden(),
            ),
            ("idx_invitation_wave", Invitation::Table.into_iden()),
            (
                "idx_graduate_department_major_class",
                Graduate::Table.into_iden(),
            ),
        ] {
            m.drop_index(Index::drop().name(name).table(table).if_exists().to_owned())
                .await?;
        }
        for t in [
            PlanFollowUp::Table.into_iden(),
            AssistancePlan::Table.into_iden(),
            ContactNote::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum ContactNote {
    Table,
    Id,
    InvitationId,
    StaffId,
    Kind,
    Note,
    At,
}

#[derive(DeriveIden)]
enum AssistancePlan {
    Table,
    Id,
    GraduateId,
    WaveId,
    Reasons,
    Causes,
    Actions,
    OwnerStaffId,
    NextFollowUp,
    Status,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PlanFollowUp {
    Table,
    Id,
    PlanId,
    StaffId,
    Note,
    At,
}

#[derive(DeriveIden)]
enum Invitation {
    Table,
    Id,
    WaveId,
    ContactState,
}

#[derive(DeriveIden)]
enum Staff {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Graduate {
    Table,
    Id,
    Department,
    Major,
    ClassName,
}

#[derive(DeriveIden)]
enum Wave {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Response {
    Table,
    InvitationId,
    Status,
    CompletedAt,
}
