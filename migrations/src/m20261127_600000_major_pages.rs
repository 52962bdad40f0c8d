//! What a major's indicator page needs to be quick at a large school: the major warning's
//! scores as last computed, one row per cohort (every major's composite score of that cohort as
//! JSON, the settings it was computed with, and when), which a major's or a department's page
//! reads instead of recomputing every major of three cohorts (`store::indicators`); and an
//! index that finds a cohort's graduates of one major (in one department) directly. And the fact
//! table keeps rows only for responses whose answers count (partial or complete), so the
//! indicators read it without the responses: rows of declined or opted-out responses go.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared(
                "DELETE FROM response_fact WHERE response_id IN \
                 (SELECT id FROM response WHERE status NOT IN ('partial', 'complete'))",
            )
            .await?;
        m.create_table(
            Table::create()
                .table(MajorScore::Table)
                .if_not_exists()
                .col(integer(MajorScore::Cohort).primary_key())
                .col(text(MajorScore::Settings))
                .col(json(MajorScore::Scores))
                .col(timestamp_with_time_zone(MajorScore::ComputedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_graduate_year_major")
                .table(Graduate::Table)
                .col(Graduate::GraduationYear)
                .col(Graduate::Major)
                .col(Graduate::Department)
                .if_not_exists()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_graduate_year_major")
                .table(Graduate::Table)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(MajorScore::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum MajorScore {
    Table,
    Cohort,
    Settings,
    Scores,
    ComputedAt,
}

#[derive(DeriveIden)]
enum Graduate {
    Table,
    GraduationYear,
    Major,
    Department,
}
