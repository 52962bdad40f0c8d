//! The core schema: people (graduates, employers, staff), survey versions, waves, invitations,
//! responses with their consent records, and the audit log.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Graduate::Table)
                .if_not_exists()
                .col(pk_auto(Graduate::Id))
                .col(string_uniq(Graduate::StudentId))
                .col(string(Graduate::Name))
                .col(string(Graduate::DegreeLevel))
                .col(string(Graduate::Department))
                .col(string(Graduate::Major))
                .col(string(Graduate::ClassName))
                .col(date(Graduate::GraduationDate))
                .col(integer(Graduate::GraduationYear))
                .col(string_null(Graduate::Email))
                .col(string_null(Graduate::Phone))
                .col(string_null(Graduate::Gender))
                .col(string_null(Graduate::WechatOpenid))
                .col(string_null(Graduate::Lang))
                .col(json(Graduate::Attributes))
                .col(timestamp_with_time_zone(Graduate::CreatedAt))
                .col(timestamp_with_time_zone(Graduate::UpdatedAt))
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            (
                "idx_graduate_year_dept",
                vec![Graduate::GraduationYear, Graduate::Department],
            ),
            ("idx_graduate_major", vec![Graduate::Major]),
            ("idx_graduate_class", vec![Graduate::ClassName]),
            ("idx_graduate_openid", vec![Graduate::WechatOpenid]),
        ] {
            let mut idx = Index::create();
            idx.name(name).table(Graduate::Table).if_not_exists();
            for c in cols {
                idx.col(c);
            }
            m.create_index(idx.to_owned()).await?;
        }

        m.create_table(
            Table::create()
                .table(Employer::Table)
                .if_not_exists()
                .col(pk_auto(Employer::Id))
                .col(string_uniq(Employer::Uscc))
                .col(string(Employer::Name))
                .col(string(Employer::EmployerType))
                .col(string(Employer::Industry))
                .col(string(Employer::Province))
                .col(string(Employer::City))
                .col(string_null(Employer::ContactName))
                .col(string_null(Employer::Email))
                .col(string_null(Employer::Phone))
                .col(string_null(Employer::Lang))
                .col(json(Employer::Attributes))
                .col(timestamp_with_time_zone(Employer::CreatedAt))
                .col(timestamp_with_time_zone(Employer::UpdatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Staff::Table)
                .if_not_exists()
                .col(pk_auto(Staff::Id))
                .col(string_uniq(Staff::Username))
                .col(string(Staff::Name))
                .col(string(Staff::Role))
                .col(string_null(Staff::Scope))
                .col(string_null(Staff::Email))
                .col(string_null(Staff::Phone))
                .col(string_null(Staff::PasswordHash))
                .col(integer(Staff::FailedLogins).default(0))
                .col(timestamp_with_time_zone_null(Staff::LockedUntil))
                .col(integer(Staff::SessionEpoch).default(0))
                .col(timestamp_with_time_zone(Staff::CreatedAt))
                .col(timestamp_with_time_zone(Staff::UpdatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(SurveyVersion::Table)
                .if_not_exists()
                .col(pk_auto(SurveyVersion::Id))
                .col(string(SurveyVersion::SurveyId))
                .col(integer(SurveyVersion::Version))
                .col(string(SurveyVersion::ContentHash))
                .col(json(SurveyVersion::Definition))
                .col(timestamp_with_time_zone(SurveyVersion::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_survey_version")
                .table(SurveyVersion::Table)
                .col(SurveyVersion::SurveyId)
                .col(SurveyVersion::Version)
                .unique()
                .if_not_exists()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Wave::Table)
                .if_not_exists()
                .col(pk_auto(Wave::Id))
                .col(string(Wave::SurveyId))
                .col(integer(Wave::SurveyVersion))
                .col(string(Wave::Stage))
                .col(integer(Wave::CohortYear))
                .col(timestamp_with_time_zone(Wave::OpensAt))
                .col(timestamp_with_time_zone_null(Wave::ClosesAt))
                .col(json(Wave::ReminderPlan))
                .col(timestamp_with_time_zone(Wave::CreatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Invitation::Table)
                .if_not_exists()
                .col(pk_auto(Invitation::Id))
                .col(integer(Invitation::WaveId))
                .col(integer_null(Invitation::GraduateId))
                .col(integer_null(Invitation::EmployerId))
                .col(string_uniq(Invitation::Code))
                .col(string_null(Invitation::ContactState))
                .col(timestamp_with_time_zone(Invitation::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Invitation::Table, Invitation::WaveId)
                        .to(Wave::Table, Wave::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Invitation::Table, Invitation::GraduateId)
                        .to(Graduate::Table, Graduate::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Invitation::Table, Invitation::EmployerId)
                        .to(Employer::Table, Employer::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_invitation_wave_graduate")
                .table(Invitation::Table)
                .col(Invitation::WaveId)
                .col(Invitation::GraduateId)
                .unique()
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_invitation_wave_employer")
                .table(Invitation::Table)
                .col(Invitation::WaveId)
                .col(Invitation::EmployerId)
                .unique()
                .if_not_exists()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Response::Table)
                .if_not_exists()
                .col(pk_auto(Response::Id))
                .col(integer_uniq(Response::InvitationId))
                .col(integer(Response::SurveyVersion))
                .col(string(Response::Status))
                .col(json(Response::Answers))
                .col(string(Response::Channels))
                .col(integer(Response::Revision).default(0))
                .col(string_null(Response::Lang))
                .col(timestamp_with_time_zone_null(Response::OpenedAt))
                .col(timestamp_with_time_zone_null(Response::ConsentedAt))
                .col(integer_null(Response::ConsentNoticeVersion))
                .col(string_null(Response::ConsentChannel))
                .col(timestamp_with_time_zone_null(Response::CompletedAt))
                .col(timestamp_with_time_zone_null(Response::OptedOutAt))
                .col(timestamp_with_time_zone(Response::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Response::Table, Response::InvitationId)
                        .to(Invitation::Table, Invitation::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_response_status")
                .table(Response::Table)
                .col(Response::Status)
                .if_not_exists()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ConsentEvent::Table)
                .if_not_exists()
                .col(pk_auto(ConsentEvent::Id))
                .col(integer(ConsentEvent::ResponseId))
                .col(integer(ConsentEvent::NoticeVersion))
                .col(boolean(ConsentEvent::Accepted))
                .col(string(ConsentEvent::Channel))
                .col(timestamp_with_time_zone(ConsentEvent::At))
                .foreign_key(
                    ForeignKey::create()
                        .from(ConsentEvent::Table, ConsentEvent::ResponseId)
                        .to(Response::Table, Response::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AuditEvent::Table)
                .if_not_exists()
                .col(pk_auto(AuditEvent::Id))
                .col(string(AuditEvent::Actor))
                .col(string(AuditEvent::Action))
                .col(json(AuditEvent::Detail))
                .col(timestamp_with_time_zone(AuditEvent::At))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            AuditEvent::Table.into_iden(),
            ConsentEvent::Table.into_iden(),
            Response::Table.into_iden(),
            Invitation::Table.into_iden(),
            Wave::Table.into_iden(),
            SurveyVersion::Table.into_iden(),
            Staff::Table.into_iden(),
            Employer::Table.into_iden(),
            Graduate::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Graduate {
    Table,
    Id,
    StudentId,
    Name,
    DegreeLevel,
    Department,
    Major,
    ClassName,
    GraduationDate,
    GraduationYear,
    Email,
    Phone,
    Gender,
    WechatOpenid,
    Lang,
    Attributes,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Employer {
    Table,
    Id,
    Uscc,
    Name,
    EmployerType,
    Industry,
    Province,
    City,
    ContactName,
    Email,
    Phone,
    Lang,
    Attributes,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Staff {
    Table,
    Id,
    Username,
    Name,
    Role,
    Scope,
    Email,
    Phone,
    PasswordHash,
    FailedLogins,
    LockedUntil,
    SessionEpoch,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SurveyVersion {
    Table,
    Id,
    SurveyId,
    Version,
    ContentHash,
    Definition,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Wave {
    Table,
    Id,
    SurveyId,
    SurveyVersion,
    Stage,
    CohortYear,
    OpensAt,
    ClosesAt,
    ReminderPlan,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Invitation {
    Table,
    Id,
    WaveId,
    GraduateId,
    EmployerId,
    Code,
    ContactState,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Response {
    Table,
    Id,
    InvitationId,
    SurveyVersion,
    Status,
    Answers,
    Channels,
    Revision,
    Lang,
    OpenedAt,
    ConsentedAt,
    ConsentNoticeVersion,
    ConsentChannel,
    CompletedAt,
    OptedOutAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ConsentEvent {
    Table,
    Id,
    ResponseId,
    NoticeVersion,
    Accepted,
    Channel,
    At,
}

#[derive(DeriveIden)]
enum AuditEvent {
    Table,
    Id,
    Actor,
    Action,
    Detail,
    At,
}
