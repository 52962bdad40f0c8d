//! The indicators' compact fact table: one row per graduate response with the typed facts the
//! indicators need (`indicators::Facts`), written in the same transaction as the answers
//! (`store::responses::save_answers`) and rebuildable (`gradtrace indicators rebuild-facts`),
//! so computing indicators never parses answer JSON.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ResponseFact::Table)
                .if_not_exists()
                .col(integer(ResponseFact::ResponseId).primary_key())
                .col(integer(ResponseFact::WaveId))
                .col(integer(ResponseFact::GraduateId))
                .col(small_integer_null(ResponseFact::Destination))
                .col(integer_null(ResponseFact::StartMonth))
                .col(string_null(ResponseFact::EmployerType))
                .col(string_null(ResponseFact::Industry))
                .col(string_null(ResponseFact::Province))
                .col(string_null(ResponseFact::City))
                .col(boolean_null(ResponseFact::County))
                .col(double_null(ResponseFact::Salary))
                .col(double_null(ResponseFact::MajorMatch))
                .col(double_null(ResponseFact::InterestMatch))
                .col(double_null(ResponseFact::JobSatisfaction))
                .col(double_null(ResponseFact::JobChanges))
                .col(string_null(ResponseFact::LeaveReasons))
                .col(boolean_null(ResponseFact::IndustryChanged))
                .col(boolean_null(ResponseFact::Promoted))
                .col(double_null(ResponseFact::YearsToPromotion))
                .col(string_null(ResponseFact::ManagementRole))
                .col(string_null(ResponseFact::FurtherDegree))
                .col(double_null(ResponseFact::Certificates))
                .col(boolean_null(ResponseFact::Training))
                .col(boolean_null(ResponseFact::StartupActive))
                .col(string_null(ResponseFact::StartupFunding))
                .col(double_null(ResponseFact::Patents))
                .col(double_null(ResponseFact::ImprovementProposals))
                .col(string_null(ResponseFact::SlowCauses))
                .foreign_key(
                    ForeignKey::create()
                        .from(ResponseFact::Table, ResponseFact::ResponseId)
                        .to(Response::Table, Response::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_response_fact_wave")
                .table(ResponseFact::Table)
                .col(ResponseFact::WaveId)
                .col(ResponseFact::GraduateId)
                .if_not_exists()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ResponseFact::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Response {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ResponseFact {
    Table,
    ResponseId,
    WaveId,
    GraduateId,
    Destination,
    StartMonth,
    EmployerType,
    Industry,
    Province,
    City,
    County,
    Salary,
    MajorMatch,
    InterestMatch,
    JobSatisfaction,
    JobChanges,
    LeaveReasons,
    IndustryChanged,
    Promoted,
    YearsToPromotion,
    ManagementRole,
    FurtherDegree,
    Certificates,
    Training,
    StartupActive,
    StartupFunding,
    Patents,
    ImprovementProposals,
    SlowCauses,
}
