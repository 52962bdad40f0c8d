//! Roster imports as the employment office lives them: files out of Excel on Chinese Windows
//! (BOM, GBK, XLSX, CRLF), re-imports, bad rows, credit codes, staff and their scopes, and the
//! `gradtrace import` / `gradtrace staff add` commands.
use std::io::Write;
use std::process::{Command, Output, Stdio};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use gradtrace::Error;
use gradtrace::roster::read::{self, Source, Table};
use gradtrace::roster::staff::{NewStaff, add_staff};
use gradtrace::roster::{
    FileProblem, Lang, Problem, Reason, RejectedRow, import_employers, import_graduates,
    import_staff, verify_password,
};
use gradtrace::store::entities::{audit_event, employer, graduate, staff};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait};

use crate::common::TestDb;

const HEADER: &str =
    "student_id,name,degree_level,department,major,class,graduation_date,email,phone";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 9, 1, 8, 0, 0).unwrap()
}

fn csv(bytes: &[u8]) -> Table {
    read::read_bytes(bytes, Some("csv")).expect("readable roster")
}

async fn graduate_by_id(db: &DatabaseConnection, student_id: &str) -> graduate::Model {
    use sea_orm::{ColumnTrait, QueryFilter};
    graduate::Entity::find()
        .filter(graduate::Column::StudentId.eq(student_id))
        .one(db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("graduate {student_id} not stored"))
}

async fn graduates(db: &DatabaseConnection) -> u64 {
    graduate::Entity::find().count(db).await.unwrap()
}

fn rejected(line: usize, problem: Problem) -> RejectedRow {
    RejectedRow { line, problem }
}

fn invalid(column: &str, reason: Reason) -> Problem {
    Problem::Invalid {
        column: column.into(),
        reason,
    }
}

storage_test! {
    async fn utf8_with_bom_crlf_and_quoted_fields_keeps_every_character(t) {
        let text = format!(
            "\u{feff}{HEADER},note\r\n\
             2025010001,王小明,本科,计算机学院,软件工程,软工2101,2025-06-30,wangxm@example.edu.cn,13800138000,\r\n\
             2025010002,欧阳娜娜,bachelor,\"Economics, Finance and Trade\",金融学,金融2102,2025/6/30,,+86 139 0013 9000,\"first line\r\nsecond, line\"\r\n"
        );
        let table = csv(text.as_bytes());
        assert_eq!(table.source, Source::Csv { encoding: "UTF-8" });

        let report = import_graduates(&t.db, &table, "cli", now()).await.unwrap();
        assert_eq!((report.inserted, report.updated), (2, 0));
        assert!(report.rejected.is_empty(), "{:?}", report.rejected);

        let wang = graduate_by_id(&t.db, "2025010001").await;
        assert_eq!(wang.name, "王小明");
        assert_eq!(wang.degree_level, "bachelor");
        assert_eq!(wang.class_name, "软工2101");
        assert_eq!(wang.graduation_date, NaiveDate::from_ymd_opt(2025, 6, 30).unwrap());
        assert_eq!(wang.graduation_year, 2025);
        assert_eq!(wang.phone.as_deref(), Some("13800138000"));
        assert_eq!(wang.attributes, serde_json::json!({}));

        let ouyang = graduate_by_id(&t.db, "2025010002").await;
        assert_eq!(ouyang.name, "欧阳娜娜");
        assert_eq!(ouyang.department, "Economics, Finance and Trade");
        assert_eq!(ouyang.email, None);
        assert_eq!(ouyang.phone.as_deref(), Some("13900139000"));
        assert_eq!(
            ouyang.attributes,
            serde_json::json!({ "note": "first line\r\nsecond, line" })
        );
    }
}

storage_test! {
    async fn a_gbk_roster_saved_by_excel_on_chinese_windows_imports(t) {
        // Excel's plain "CSV" on Chinese Windows writes GBK, often with Chinese headers.
        let text = "学号,姓名,学历,学院,专业,班级,毕业日期,邮箱,手机,性别\r\n\
                    2025020001,张伟,硕士,机械工程学院,机械设计,机设2001,20250630,zw@example.com,13700137000,男\r\n\
                    2025020002,李娜,博士,机械工程学院,车辆工程,车辆1901,2025年6月30日,,,女\r\n";
        let (gbk, _, unmappable) = encoding_rs::GBK.encode(text);
        assert!(!unmappable);
        assert!(std::str::from_utf8(&gbk).is_err(), "the fixture must not be valid UTF-8");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("毕业生名单.csv");
        std::fs::write(&path, &gbk).unwrap();

        let table = read::read_file(&path).unwrap();
        assert_eq!(table.source, Source::Csv { encoding: "GBK" });
        let report = import_graduates(&t.db, &table, "cli", now()).await.unwrap();
        assert_eq!(report.inserted, 2, "{:?}", report.rejected);

        let zhang = graduate_by_id(&t.db, "2025020001").await;
        assert_eq!(zhang.name, "张伟");
        assert_eq!(zhang.degree_level, "master");
        assert_eq!(zhang.department, "机械工程学院");
        assert_eq!(zhang.gender.as_deref(), Some("male"));
        let li = graduate_by_id(&t.db, "2025020002").await;
        assert_eq!(li.degree_level, "doctor");
        assert_eq!(li.graduation_date, NaiveDate::from_ymd_opt(2025, 6, 30).unwrap());
        assert_eq!((li.email, li.phone), (None, None));
    }
}

/// An XLSX roster as Excel keeps it: numeric student ids and phones, real date cells.
fn xlsx_roster() -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (col, name) in HEADER.split(',').chain(["hometown"]).enumerate() {
        sheet.write_string(0, col as u16, name).unwrap();
    }
    // Row 2: a date cell, a hometown; row 3: a date typed as text, no hometown.
    let rows = [
        (
            2025030001.0,
            "陈静",
            "专科",
            "chenjing@example.com",
            13600136000.0,
            "湖南长沙",
        ),
        (
            2025030002.0,
            "Zhou Jie",
            "bachelor",
            "zj@example.com",
            13500135000.0,
            "",
        ),
    ];
    for (r, (id, name, degree, email, phone, hometown)) in (1u32..).zip(rows) {
        sheet.write_number(r, 0, id).unwrap();
        for (col, text) in [
            (1, name),
            (2, degree),
            (3, "医学院"),
            (4, "护理"),
            (5, "护理2201"),
            (7, email),
        ] {
            sheet.write_string(r, col, text).unwrap();
        }
        sheet.write_number(r, 8, phone).unwrap();
        if !hometown.is_empty() {
            sheet.write_string(r, 9, hometown).unwrap();
        }
    }
    let date = ExcelDateTime::from_ymd(2025, 6, 30).unwrap();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    sheet
        .write_datetime_with_format(1, 6, &date, &date_format)
        .unwrap();
    sheet.write_string(2, 6, "2025/7/1").unwrap();
    workbook.save_to_buffer().unwrap()
}

storage_test! {
    async fn an_xlsx_roster_with_date_cells_and_numeric_ids_imports(t) {
        let table = read::read_bytes(&xlsx_roster(), Some("xlsx")).unwrap();
        assert_eq!(table.source, Source::Workbook);
        let report = import_graduates(&t.db, &table, "cli", now()).await.unwrap();
        assert_eq!(report.inserted, 2, "{:?}", report.rejected);

        let chen = graduate_by_id(&t.db, "2025030001").await;
        assert_eq!(chen.name, "陈静");
        assert_eq!(chen.degree_level, "associate");
        assert_eq!(chen.graduation_date, NaiveDate::from_ymd_opt(2025, 6, 30).unwrap());
        assert_eq!(chen.phone.as_deref(), Some("13600136000"));
        assert_eq!(chen.attributes, serde_json::json!({ "hometown": "湖南长沙" }));
        let zhou = graduate_by_id(&t.db, "2025030002").await;
        assert_eq!(zhou.graduation_date, NaiveDate::from_ymd_opt(2025, 7, 1).unwrap());
    }
}

storage_test! {
    async fn reimporting_updates_people_by_student_id_without_duplicates(t) {
        let first = format!(
            "{HEADER},wechat_openid\n\
             2025040001,刘洋,本科,物理学院,物理学,物理2101,2025-06-30,ly@example.com,13800000001,oAbC123\n\
             2025040002,赵敏,本科,物理学院,物理学,物理2101,2025-06-30,zm@example.com,13800000002,\n\
             2025040003,孙莉,本科,物理学院,应用物理,应物2101,2025-06-30,sl@example.com,13800000003,\n"
        );
        let report = import_graduates(&t.db, &csv(first.as_bytes()), "cli", now()).await.unwrap();
        assert_eq!((report.inserted, report.updated), (3, 0));
        let created_at = graduate_by_id(&t.db, "2025040001").await.created_at;

        // The office corrects a major and adds a late graduate; this file has no e-mail or openid
        // for 刘洋, which must not wipe what is stored.
        let second = format!(
            "{HEADER}\n\
             2025040001,刘洋,本科,物理学院,应用物理,应物2101,2025-06-30,,13800000001\n\
             2025040002,赵敏,本科,物理学院,物理学,物理2101,2025-06-30,zm@example.com,13800000002\n\
             2025040003,孙莉,本科,物理学院,应用物理,应物2101,2025-06-30,sl@example.com,13800000003\n\
             2025040004,周杰,本科,物理学院,物理学,物理2101,2025-12-31,zj@example.com,13800000004\n"
        );
        let later = now() + chrono::Duration::days(30);
        let report = import_graduates(&t.db, &csv(second.as_bytes()), "cli", later).await.unwrap();
        assert_eq!((report.inserted, report.updated), (1, 3));
        assert_eq!(graduates(&t.db).await, 4);

        let liu = graduate_by_id(&t.db, "2025040001").await;
        assert_eq!(liu.major, "应用物理");
        assert_eq!(liu.class_name, "应物2101");
        assert_eq!(liu.email.as_deref(), Some("ly@example.com"));
        assert_eq!(liu.wechat_openid.as_deref(), Some("oAbC123"));
        assert_eq!(liu.created_at, created_at);
        assert_eq!(liu.updated_at, later);

        // Every import is in the audit log with its counts and no personal data.
        let audits = audit_event::Entity::find().all(&t.db).await.unwrap();
        assert_eq!(audits.len(), 2);
        assert!(audits.iter().all(|a| a.actor == "cli" && a.action == "import.graduates"));
        let last = &audits[1].detail;
        assert_eq!((last["inserted"].as_u64(), last["updated"].as_u64(), last["rejected"].as_u64()), (Some(1), Some(3), Some(0)));
        let logged = serde_json::to_string(&audits).unwrap();
        assert!(!logged.contains("刘洋") && !logged.contains("2025040001"), "{logged}");
    }
}

/// A roster with one of every kind of bad row between good ones; line numbers are the file's.
fn roster_with_bad_rows() -> String {
    format!(
        "{HEADER}\n\
         2025050001,钱多多,本科,化学学院,化学,化学2101,2025-06-30,qdd@example.com,13800000011\n\
         2025050002,吴用,本科,化学学院,化学,化学2101,2025-06-31,wy@example.com,13800000012\n\
         2025050003,郑爽,本科,化学学院,化学,化学2101,2025-06-30,zheng.example.com,13800000013\n\
         2025050004,冯巩,研究生,化学学院,化学,化学2101,2025-06-30,fg@example.com,13800000014\n\
         2025050005,陈好,学士后,化学学院,化学,化学2101,2025-06-30,ch@example.com,13800000015\n\
         2025050001,钱多多,本科,化学学院,化学,化学2101,2025-06-30,qdd@example.com,13800000011\n\
         2025050006,,本科,化学学院,化学,化学2101,2025-06-30,,\n\
         \n\
         2025050007,褚英,本科,化学学院,化学,化学2101,2025-06-30,cy@example.com,12345\n\
         2025050008,卫青,本科,化学学院,化学,\"化学2101\",2025-06-30,wq@example.com,13800000018,extra\n\
         2025050009,蒋欣,本科,化学学院,\"应用\n化学\",应化2101,2025-06-30,jx@example.com,13800000019\n"
    )
}

storage_test! {
    async fn bad_rows_are_reported_by_line_and_good_rows_land(t) {
        let table = csv(roster_with_bad_rows().as_bytes());
        let report = import_graduates(&t.db, &table, "cli", now()).await.unwrap();
        assert_eq!(report.inserted, 2);
        assert_eq!(
            report.rejected,
            vec![
                rejected(3, invalid("graduation_date", Reason::Date)),
                rejected(4, invalid("email", Reason::Email)),
                rejected(5, invalid("degree_level", Reason::Postgraduate)),
                rejected(6, invalid("degree_level", Reason::DegreeLevel)),
                rejected(7, Problem::Duplicate { column: "student_id".into(), first_line: 2 }),
                rejected(8, Problem::Missing { column: "name".into() }),
                rejected(10, invalid("phone", Reason::Phone)),
                rejected(11, Problem::TooManyFields { found: 10, expected: 9 }),
            ]
        );
        // Only the good rows are stored; a line break inside a quoted major becomes a space.
        assert_eq!(graduates(&t.db).await, 2);
        assert_eq!(graduate_by_id(&t.db, "2025050009").await.major, "应用 化学");
        let lines = report.rejected_lines(Lang::En);
        assert_eq!(lines[0], "line 3: column `graduation_date`: not a date (write 2025-06-30, 2025/6/30 or 20250630)");
        // Reasons name the column, never the value.
        assert!(lines.iter().all(|l| !l.contains("zheng") && !l.contains("吴用")));
        assert_eq!(report.summary(Lang::En), "graduates: 2 inserted, 0 updated, 8 rejected");
        assert_eq!(report.summary(Lang::ZhCn), "毕业生：新增 2 条，更新 0 条，拒绝 8 条");
    }
}

storage_test! {
    async fn a_missing_column_refuses_the_file_before_writing_anything(t) {
        let text = "student_id,name,degree_level,department,major,graduation_date,email,phone\n\
                    2025060001,杨幂,本科,文学院,汉语言文学,2025-06-30,ym@example.com,13800000021\n";
        let result = import_graduates(&t.db, &csv(text.as_bytes()), "cli", now()).await;
        match result {
            Err(Error::Import(FileProblem::MissingColumns { missing, .. })) => {
                assert_eq!(missing, vec!["class".to_string()])
            }
            other => panic!("expected a missing-column refusal, got {other:?}"),
        }
        assert_eq!(graduates(&t.db).await, 0);
        assert_eq!(audit_event::Entity::find().count(&t.db).await.unwrap(), 0);
    }
}

storage_test! {
    async fn a_row_the_database_refuses_is_rejected_alone(t) {
        // A trigger stands in for any database-side refusal (a constraint added later, …).
        let trigger = match t.db.get_database_backend() {
            DbBackend::Sqlite => "CREATE TRIGGER refuse_row BEFORE INSERT ON graduate \
                 WHEN NEW.student_id = 'REFUSED1' BEGIN SELECT RAISE(ABORT, 'refused'); END;",
            _ => "CREATE FUNCTION refuse_row() RETURNS trigger AS $$ BEGIN \
                 IF NEW.student_id = 'REFUSED1' THEN RAISE EXCEPTION 'refused'; END IF; \
                 RETURN NEW; END $$ LANGUAGE plpgsql; \
                 CREATE TRIGGER refuse_row BEFORE INSERT ON graduate \
                 FOR EACH ROW EXECUTE FUNCTION refuse_row();",
        };
        t.db.execute_unprepared(trigger).await.unwrap();
        let text = format!(
            "{HEADER}\n\
             2025070001,韩梅梅,本科,外语学院,英语,英语2101,2025-06-30,hmm@example.com,13800000031\n\
             refused1,李雷,本科,外语学院,英语,英语2101,2025-06-30,ll@example.com,13800000032\n\
             2025070003,林涛,本科,外语学院,英语,英语2101,2025-06-30,lt@example.com,13800000033\n"
        );
        let report = import_graduates(&t.db, &csv(text.as_bytes()), "cli", now()).await.unwrap();
        assert_eq!(report.inserted, 2);
        assert_eq!(report.rejected, vec![rejected(3, Problem::Refused)]);
        assert_eq!(graduates(&t.db).await, 2);
    }
}

storage_test! {
    async fn employers_are_imported_only_with_a_valid_credit_code(t) {
        let header = "uscc,name,employer_type,industry,province,city,contact_name,email,phone";
        let text = format!(
            "{header}\n\
             91330100799655058B,阿里巴巴(中国)有限公司,private,information_technology,浙江省,杭州市,王经理,hr@alibaba.example,13800000041\n\
             914403001922038216,华为技术有限公司,private,information_technology,广东省,深圳市,,,\n\
             9144030071526726xg,腾讯科技(深圳)有限公司,private,information_technology,广东省,深圳市,李经理,,\n\
             91110000802100433B,北京百度网讯科技有限公司,private,information_technology,北京市,北京市,,,\n\
             914403001922038217,仿冒公司,private,information_technology,广东省,深圳市,,,\n\
             91110108551385O82Q,字母O公司,private,manufacturing,北京市,北京市,,,\n\
             9111010855138508,短代码公司,private,manufacturing,北京市,北京市,,,\n"
        );
        let report = import_employers(&t.db, &csv(text.as_bytes()), "cli", now()).await.unwrap();
        assert_eq!(report.inserted, 4);
        assert_eq!(
            report.rejected,
            vec![
                rejected(6, invalid("uscc", Reason::UsccCheck)),
                rejected(7, invalid("uscc", Reason::UsccCharacter)),
                rejected(8, invalid("uscc", Reason::UsccLength)),
            ]
        );
        let stored = employer::Entity::find().all(&t.db).await.unwrap();
        let mut codes: Vec<&str> = stored.iter().map(|e| e.uscc.as_str()).collect();
        codes.sort();
        assert_eq!(
            codes,
            ["91110000802100433B", "91330100799655058B", "914403001922038216", "9144030071526726XG"]
        );

        // Re-importing by credit code updates in place; empty contact cells keep the contact.
        let again = format!(
            "{header}\n91330100799655058B,阿里巴巴(中国)有限公司,private,wholesale_retail,浙江省,杭州市,,,\n"
        );
        let report = import_employers(&t.db, &csv(again.as_bytes()), "cli", now()).await.unwrap();
        assert_eq!((report.inserted, report.updated), (0, 1));
        let ali = employer::Entity::find().all(&t.db).await.unwrap().into_iter()
            .find(|e| e.uscc == "91330100799655058B").unwrap();
        assert_eq!(ali.industry, "wholesale_retail");
        assert_eq!(ali.contact_name.as_deref(), Some("王经理"));
        assert_eq!(employer::Entity::find().count(&t.db).await.unwrap(), 4);
    }
}

async fn staff_member(db: &DatabaseConnection, username: &str) -> staff::Model {
    use sea_orm::{ColumnTrait, QueryFilter};
    staff::Entity::find()
        .filter(staff::Column::Username.eq(username))
        .one(db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("staff {username} not stored"))
}

storage_test! {
    async fn staff_are_imported_with_the_scope_their_role_needs(t) {
        let text = "username,name,role,scope,email,phone\n\
                    office,就业指导中心,admin,,job@example.edu.cn,\n\
                    zhang.cs,张老师,department,计算机学院,zhang@example.edu.cn,13800000051\n\
                    li.se2101,李老师,class,软工2101,,\n\
                    wang.alumni,王校友,alumni,2020/软件工程,,\n\
                    nobody,无范围,class,,,\n\
                    boss,校长,admin,全校,,\n\
                    dean,院长,dean,计算机学院,,\n";
        let report = import_staff(&t.db, &csv(text.as_bytes()), "cli", now()).await.unwrap();
        assert_eq!(report.inserted, 4);
        assert_eq!(
            report.rejected,
            vec![
                rejected(6, invalid("scope", Reason::ScopeRequired)),
                rejected(7, invalid("scope", Reason::ScopeForAdmin)),
                rejected(8, invalid("role", Reason::Role)),
            ]
        );
        let office = staff_member(&t.db, "office").await;
        assert_eq!((office.role.as_str(), office.scope.as_deref()), ("admin", None));
        let alumni = staff_member(&t.db, "wang.alumni").await;
        assert_eq!((alumni.role.as_str(), alumni.scope.as_deref()), ("alumni", Some("2020/软件工程")));
        assert_eq!(alumni.password_hash, None);

        // Moving 李老师 to another class ends their sessions; an unchanged re-import does not.
        let moved = "username,name,role,scope,email,phone\n\
                     li.se2101,李老师,class,软工2102,,\n\
                     zhang.cs,张老师,department,计算机学院,,\n";
        let report = import_staff(&t.db, &csv(moved.as_bytes()), "cli", now()).await.unwrap();
        assert_eq!((report.inserted, report.updated), (0, 2));
        let li = staff_member(&t.db, "li.se2101").await;
        assert_eq!((li.scope.as_deref(), li.session_epoch), (Some("软工2102"), 1));
        let zhang = staff_member(&t.db, "zhang.cs").await;
        assert_eq!((zhang.session_epoch, zhang.email.as_deref()), (0, Some("zhang@example.edu.cn")));
    }
}

storage_test! {
    async fn staff_add_stores_an_argon2id_hash_and_replaces_it_on_update(t) {
        let new = NewStaff::parse("Zhao.CS", "department", Some("计算机学院"), None, Some("zhao@example.edu.cn")).unwrap();
        let added = add_staff(&t.db, &new, "a long enough secret", "cli", now()).await.unwrap();
        assert!(added.created);
        let zhao = staff_member(&t.db, "zhao.cs").await;
        assert_eq!(zhao.name, "zhao.cs");
        assert_eq!(zhao.scope.as_deref(), Some("计算机学院"));
        let hash = zhao.password_hash.clone().unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("a long enough secret", &hash));

        // A short password is refused and changes nothing.
        assert!(matches!(add_staff(&t.db, &new, "too short", "cli", now()).await, Err(Error::Invalid(_))));
        assert_eq!(staff_member(&t.db, "zhao.cs").await.password_hash, Some(hash.clone()));

        let promoted = NewStaff::parse("zhao.cs", "admin", None, Some("赵老师".into()), None).unwrap();
        let again = add_staff(&t.db, &promoted, "another long secret", "cli", now()).await.unwrap();
        assert_eq!(again, gradtrace::roster::staff::StaffAdded { id: added.id, created: false });
        let zhao = staff_member(&t.db, "zhao.cs").await;
        assert_eq!((zhao.role.as_str(), zhao.scope.as_deref(), zhao.name.as_str()), ("admin", None, "赵老师"));
        assert_eq!(zhao.email.as_deref(), Some("zhao@example.edu.cn"));
        assert_eq!(zhao.session_epoch, 1);
        let new_hash = zhao.password_hash.unwrap();
        assert!(verify_password("another long secret", &new_hash));
        assert!(!verify_password("a long enough secret", &new_hash));

        let audits = audit_event::Entity::find().all(&t.db).await.unwrap();
        assert_eq!(audits.len(), 2);
        assert_eq!(audits[0].action, "staff.add");
        assert_eq!(audits[0].detail["staff_id"].as_i64(), Some(i64::from(added.id)));
        assert!(!serde_json::to_string(&audits).unwrap().contains("zhao"));
    }
}

/// The database URL the CLI should use to see this test's database (its own schema on PostgreSQL).
fn cli_database_url(t: &TestDb) -> String {
    t.full_url()
}

fn run_cli(t: &TestDb, args: &[&str], lang: &str, stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gradtrace"))
        .args(args)
        .env("DATABASE_URL", cli_database_url(t))
        .env("LANG", lang)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run gradtrace");
    let mut input = child.stdin.take().unwrap();
    input
        .write_all(stdin.unwrap_or_default().as_bytes())
        .unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

storage_test! {
    async fn the_import_command_reports_bad_rows_and_exits_non_zero(t) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("roster.csv");
        std::fs::write(&path, roster_with_bad_rows()).unwrap();
        let file = path.to_str().unwrap();

        let out = run_cli(&t, &["import", "graduates", file], "en_US.UTF-8", None);
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.status.code(), Some(1), "stdout: {stdout}\nstderr: {stderr}");
        assert!(stderr.contains("line 4: column `email`: not an e-mail address"), "{stderr}");
        assert!(stderr.contains("line 7: column `student_id`: same as line 2, which was kept"), "{stderr}");
        assert_eq!(stderr.lines().filter(|l| l.starts_with("line ")).count(), 8, "{stderr}");
        assert_eq!(stdout.trim(), "graduates: 2 inserted, 0 updated, 8 rejected");
        assert_eq!(graduates(&t.db).await, 2);

        // The same file again, for a Chinese-speaking office: nothing new, the same rows refused.
        let out = run_cli(&t, &["import", "graduates", file], "zh_CN.UTF-8", None);
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr.contains("第 5 行：`degree_level` 列：“研究生”不明确：请写 硕士 或 博士"), "{stderr}");
        assert_eq!(stdout.trim(), "毕业生：新增 0 条，更新 2 条，拒绝 8 条");
        assert_eq!(graduates(&t.db).await, 2);
    }
}

storage_test! {
    async fn the_import_command_refuses_a_file_without_a_required_column(t) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("employers.csv");
        std::fs::write(&path, "uscc,name\n91330100799655058B,阿里巴巴(中国)有限公司\n").unwrap();
        let out = run_cli(&t, &["import", "employers", path.to_str().unwrap()], "en_US.UTF-8", None);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("missing column(s): employer_type, industry, province, city, contact_name, email, phone"), "{stderr}");
        assert_eq!(employer::Entity::find().count(&t.db).await.unwrap(), 0);

        // A file that is not there, bytes that are no text, and a broken workbook: refused whole.
        let absent = dir.path().join("absent.csv");
        let garbage = dir.path().join("garbage.csv");
        std::fs::write(&garbage, b"uscc,name\n\xff\xfe\xff,\x81\n").unwrap();
        let broken = dir.path().join("broken.xlsx");
        std::fs::write(&broken, b"PK\x03\x04 not really a workbook").unwrap();
        for (path, lang, expected) in [
            (&absent, "en_US.UTF-8", "cannot read the file"),
            (&garbage, "zh_CN.UTF-8", "文件既不是 UTF-8 也不是 GBK 编码"),
            (&broken, "en_US.UTF-8", "not a readable spreadsheet"),
        ] {
            let out = run_cli(&t, &["import", "employers", path.to_str().unwrap()], lang, None);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{stderr}");
            assert!(stderr.contains(expected), "{stderr}");
        }

        let good = dir.path().join("good.csv");
        std::fs::write(&good, "uscc,name,employer_type,industry,province,city,contact_name,email,phone\n\
                               91330100799655058B,阿里巴巴(中国)有限公司,private,it,浙江省,杭州市,,,\n").unwrap();
        let out = run_cli(&t, &["import", "employers", good.to_str().unwrap()], "en_US.UTF-8", None);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "employers: 1 inserted, 0 updated, 0 rejected");
    }
}

storage_test! {
    async fn staff_add_reads_the_password_from_stdin(t) {
        let args = ["staff", "add", "office", "--role", "admin", "--name", "就业指导中心", "--password-stdin"];
        let out = run_cli(&t, &args, "en_US.UTF-8", Some("correct horse battery staple\n"));
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "staff office added");
        let office = staff_member(&t.db, "office").await;
        assert_eq!(office.name, "就业指导中心");
        // The line break that ends the piped password is not part of it.
        assert!(verify_password("correct horse battery staple", office.password_hash.as_deref().unwrap()));

        let out = run_cli(&t, &["staff", "add", "li", "--role", "class", "--password-stdin"], "en_US.UTF-8", Some("long enough password\n"));
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("scope: required for a department, class or alumni liaison"));
        let out = run_cli(&t, &["staff", "add", "li", "--role", "class", "--scope", "软工2101", "--password-stdin"], "en_US.UTF-8", Some("short\n"));
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("at least 10 characters"));
        assert_eq!(staff::Entity::find().count(&t.db).await.unwrap(), 1);
    }
}
