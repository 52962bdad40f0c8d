//! `import responses`: rows checked by the survey engine, all or nothing per row, existing
//! responses updated (revision bump) not duplicated, bad rows reported by line in both
//! languages; CSV and XLSX; both back-ends.
use gradtrace::i18n::{Lang, Localizer};
use gradtrace::roster::FileProblem;
use gradtrace::roster::read::{read_bytes, read_csv};
use gradtrace::store::entities::{invitation, response};
use gradtrace::store::responses::Status;
use gradtrace::wave::import::{ResponseImport, RowProblem, import_table};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

use crate::app::test_now;
use crate::indicators::{add_graduate, catalog, new_wave, respond};

fn i18n() -> Localizer {
    Localizer::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales"))
        .expect("locales")
}

async fn response_of(
    db: &DatabaseConnection,
    wave_id: i32,
    graduate_id: i32,
) -> Option<response::Model> {
    let inv = invitation::Entity::find()
        .filter(invitation::Column::WaveId.eq(wave_id))
        .filter(invitation::Column::GraduateId.eq(graduate_id))
        .one(db)
        .await
        .expect("query")
        .expect("invited");
    let rows = response::Entity::find()
        .filter(response::Column::InvitationId.eq(inv.id))
        .all(db)
        .await
        .expect("responses");
    assert!(rows.len() <= 1, "one response per invitation");
    rows.into_iter().next()
}

const GOOD_AND_BAD: &str =
    "\u{feff}学号,destination_type,destination_date,industry,work_region,monthly_salary,major_match
20240001,employed,2024-07,i,11/1101,\"8,000\",4
20240002,unemployed,,,,,
20240003,employed,2024-07,i,11/1101,100,4
20249999,employed,2024-07,i,11/1101,9000,4
20240004,unemployed,,,,,5
20240001,employed,2024-07,i,11/1101,9000,4
20240005,employed,2024/7,i,31/3101,9500,5
20240006,astronaut,,,,,
20240007,employed,July,i,11/1101,9000,4
";

storage_test! {
    async fn responses_import_row_by_row(t) {
        let db = &t.db;
        let mut ids = Vec::new();
        for n in 1..=7 {
            ids.push(add_graduate(db, n, 2024, "计算机学院", "软件工程").await);
        }
        let wave = new_wave(db, &catalog(), "graduation", 2024).await;
        // Graduate 5 answered on the web already (unemployed); the file corrects it.
        respond(db, &wave, ids[4], json!({"destination_type": {"choice": "unemployed"}}), Status::Partial).await;
        let before = response_of(db, wave.id, ids[4]).await.expect("response");

        let table = read_csv(GOOD_AND_BAD, "UTF-8").expect("csv");
        let now = test_now();
        let today = now.date_naive();
        let report = import_table(db, &catalog(), wave.id, &table, now, today).await.expect("import");
        let lines: Vec<usize> = report.rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, [4, 5, 6, 7, 9, 10], "{:?}", report.rejected);
        assert_eq!((report.inserted, report.updated), (2, 1));
        assert_eq!(report.rejected[1].problem, RowProblem::NotInvited);

        let i18n = i18n();
        let en = report.rejected_lines(&i18n, Lang::En);
        let zh = report.rejected_lines(&i18n, Lang::ZhCn);
        assert_eq!(en[0], "line 4: column `monthly_salary`: The lowest accepted value is 500.", "{en:?}");
        assert!(en[1].starts_with("line 5: this student id is not invited"), "{en:?}");
        assert_eq!(en[2], "line 6: column `major_match`: Given your earlier answers, this question does not apply.");
        assert_eq!(en[3], "line 7: same student id as line 2, which was imported");
        assert!(en[4].starts_with("line 9: column `destination_type`: "), "{en:?}");
        assert!(en[5].starts_with("line 10: column `destination_date`: write the month as YYYY-MM"), "{en:?}");
        assert!(zh[0].starts_with("第 4 行：`monthly_salary` 列："), "{zh:?}");
        assert!(report.summary(&i18n, Lang::ZhCn).contains("新增 2 份，更新 1 份，拒绝 6 行"));

        // Good rows are saved through the engine (normalised, status judged by the engine).
        let r1 = response_of(db, wave.id, ids[0]).await.expect("row 2 saved");
        assert_eq!(r1.answers["monthly_salary"]["number"].as_f64(), Some(8000.0));
        assert_eq!(r1.answers["work_region"]["province"], "11");
        assert_eq!(r1.status, "partial", "employer name and others not given");
        assert_eq!(r1.channels, "staff");
        assert!(r1.consented_at.is_some());
        // Bad rows wrote nothing, not even an opened response.
        for bad in [2, 3, 5, 6] {
            assert!(response_of(db, wave.id, ids[bad]).await.is_none(), "graduate {}", bad + 1);
        }
        // The existing response was updated in place, its revision bumped.
        let after = response_of(db, wave.id, ids[4]).await.expect("response");
        assert_eq!(after.id, before.id);
        assert!(after.revision > before.revision);
        assert_eq!(after.answers["destination_type"], json!({"choice": "employed"}));
        assert_eq!(after.answers["destination_date"], json!({"year_month": "2024-07"}));

        // Importing the same good row again updates, never duplicates.
        let again = read_csv("student_id,destination_type\n20240001,unemployed\n", "UTF-8").expect("csv");
        let report = import_table(db, &catalog(), wave.id, &again, now, today).await.expect("import");
        assert_eq!((report.inserted, report.updated, report.rejected.len()), (0, 1, 0));
        let r1b = response_of(db, wave.id, ids[0]).await.expect("response");
        assert_eq!((r1b.id, r1b.answers["destination_type"].clone()), (r1.id, json!({"choice": "unemployed"})));
        let total = response::Entity::find().count(db).await.expect("count");
        assert_eq!(total, 3);
    }
}

storage_test! {
    async fn responses_import_refuses_bad_files_and_reads_xlsx(t) {
        let db = &t.db;
        let g = add_graduate(db, 1, 2024, "计算机学院", "软件工程").await;
        let wave = new_wave(db, &catalog(), "graduation", 2024).await;
        let now = test_now();
        let import = |csv: &'static str| {
            let table = read_csv(csv, "UTF-8").expect("csv");
            let wave_id = wave.id;
            async move { import_table(db, &catalog(), wave_id, &table, now, now.date_naive()).await }
        };
        match import("student_id,destination_type,favourite_colour\n20240001,employed,red\n").await {
            Err(gradtrace::Error::Import(FileProblem::UnknownQuestions { unknown, .. })) => {
                assert_eq!(unknown, ["favourite_colour"]);
            }
            other => panic!("unknown column accepted: {other:?}"),
        }
        match import("name,destination_type\n张三,employed\n").await {
            Err(gradtrace::Error::Import(FileProblem::MissingColumns { missing, .. })) => {
                assert_eq!(missing, ["student_id"]);
            }
            other => panic!("missing student_id accepted: {other:?}"),
        }
        assert_eq!(response::Entity::find().count(db).await.expect("count"), 0);

        // XLSX as Excel keeps it: a numeric student id, a real date cell for the month.
        use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in ["student_id", "destination_type", "destination_date"].iter().enumerate() {
            sheet.write_string(0, c as u16, *h).expect("header");
        }
        sheet.write_number(1, 0, 20240001.0).expect("id");
        sheet.write_string(1, 1, "further_study").expect("choice");
        let date = ExcelDateTime::from_ymd(2024, 9, 1).expect("date");
        sheet
            .write_datetime_with_format(1, 2, &date, &Format::new().set_num_format("yyyy-mm-dd"))
            .expect("date cell");
        let bytes = book.save_to_buffer().expect("xlsx");
        let table = read_bytes(&bytes, Some("xlsx")).expect("read xlsx");
        let report: ResponseImport = import_table(db, &catalog(), wave.id, &table, now, now.date_naive())
            .await
            .expect("import");
        assert!(report.rejected.is_empty(), "{:?}", report.rejected);
        assert_eq!(report.inserted, 1);
        let r = response_of(db, wave.id, g).await.expect("saved");
        assert_eq!(r.answers["destination_date"], json!({"year_month": "2024-09"}));
    }
}
