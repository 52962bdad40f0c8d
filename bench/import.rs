//! Import benchmark: generates 100,000 realistic graduates into a CSV file, imports it into a
//! fresh SQLite file and a fresh PostgreSQL schema (first import, then a re-import that updates
//! everyone), and prints seconds and rows per second.
//!
//! Run: `cargo bench --bench import` (`GRADTRACE_BENCH_ROWS` changes the row count;
//! `TEST_POSTGRES_URL` the PostgreSQL server, default `postgres://postgres@127.0.0.1:5432/test`).
use std::error::Error;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use chrono::Utc;
use gradtrace::roster::{import_graduates, read};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// splitmix64: a small deterministic generator, so every run imports the same roster.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "欧阳",
    "司马",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀英", "霞", "平", "刚", "桂英", "子涵", "梓萱", "浩然", "一诺", "欣怡", "宇轩", "思远",
];
const PROVINCES: &[&str] = &[
    "北京", "河北", "山西", "辽宁", "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北",
    "湖南", "广东", "广西", "四川", "贵州", "云南", "陕西", "甘肃", "新疆",
];
/// (department, majors, class prefix per major)
const DEPARTMENTS: &[(&str, &[(&str, &str)])] = &[
    (
        "计算机学院",
        &[
            ("软件工程", "软工"),
            ("计算机科学与技术", "计科"),
            ("人工智能", "智能"),
        ],
    ),
    (
        "经济管理学院",
        &[
            ("金融学", "金融"),
            ("会计学", "会计"),
            ("国际经济与贸易", "国贸"),
        ],
    ),
    (
        "机械工程学院",
        &[("机械设计制造及其自动化", "机设"), ("车辆工程", "车辆")],
    ),
    (
        "外国语学院",
        &[("英语", "英语"), ("日语", "日语"), ("翻译", "翻译")],
    ),
    (
        "化学化工学院",
        &[
            ("化学", "化学"),
            ("应用化学", "应化"),
            ("化学工程与工艺", "化工"),
        ],
    ),
    (
        "医学院",
        &[("护理学", "护理"), ("临床医学", "临床"), ("药学", "药学")],
    ),
    ("文学院", &[("汉语言文学", "汉语言"), ("新闻学", "新闻")]),
    ("物理学院", &[("物理学", "物理"), ("应用物理学", "应物")]),
];

/// Writes `rows` graduates of the 2025 cohort: mostly bachelors, some associates, masters and
/// doctors; dates in the three spellings rosters use; a few without e-mail or phone; one extra
/// column (生源地) kept as an attribute.
fn generate(path: &Path, rows: usize) -> Result<u64> {
    let mut rng = Random(2025);
    let mut out = String::with_capacity(rows * 160);
    out.push_str("student_id,name,degree_level,department,major,class,graduation_date,email,phone,gender,生源地\n");
    for i in 0..rows {
        let (department, majors) = DEPARTMENTS[rng.below(DEPARTMENTS.len())];
        let (major, prefix) = majors[rng.below(majors.len())];
        let degree = match rng.below(100) {
            0..=14 => "专科",
            15..=79 => "本科",
            80..=94 => "硕士",
            _ => "博士",
        };
        let date = match rng.below(3) {
            0 => "2025-06-30",
            1 => "2025/6/30",
            _ => "20250630",
        };
        let student_id = format!("2025{:06}", i + 1);
        let email = if rng.below(20) == 0 {
            String::new()
        } else {
            format!("s{student_id}@stu.example.edu.cn")
        };
        let phone = if rng.below(25) == 0 {
            String::new()
        } else {
            format!("1{}{:09}", 3 + rng.below(7), rng.below(1_000_000_000))
        };
        let name = format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN));
        let _ = writeln!(
            out,
            "{student_id},{name},{degree},{department},{major},{prefix}21{:02},{date},{email},{phone},{},{}",
            1 + rng.below(4),
            rng.pick(&["男", "女"]),
            rng.pick(PROVINCES),
        );
    }
    std::fs::write(path, &out)?;
    Ok(out.len() as u64)
}

/// CPU seconds this process has used (all threads, SQLite's included), from `/proc/self/stat`;
/// wall time on a shared machine says more about the neighbours than about the import.
fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start at field 3; utime and stime
    // are fields 14 and 15, in clock ticks of 1/100 s (USER_HZ on Linux).
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// The 1-minute load average, to read the figures against.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".to_string())
}

/// Reads and imports the file, timing the reading and the whole.
async fn run(db: &DatabaseConnection, backend: &str, label: &str, path: &Path) -> Result<()> {
    let cpu_before = process_cpu_seconds();
    let started = Instant::now();
    let table = read::read_file(path)?;
    let read_secs = started.elapsed().as_secs_f64();
    let report = import_graduates(db, &table, "bench", Utc::now()).await?;
    let secs = started.elapsed().as_secs_f64();
    let rows = report.inserted + report.updated;
    if !report.rejected.is_empty() {
        return Err(format!(
            "{} rows rejected: {:?}",
            report.rejected.len(),
            &report.rejected[..1]
        )
        .into());
    }
    let cpu = match (cpu_before, process_cpu_seconds()) {
        (Some(before), Some(after)) => format!("{:.2} s", after - before),
        _ => "?".to_string(),
    };
    println!(
        "{backend:<8} {label:<12} {rows:>6} rows ({} new, {} updated)  {secs:5.2} s  {:>6.0} rows/s  (reading {read_secs:.2} s; client CPU {cpu}; load {})",
        report.inserted,
        report.updated,
        rows as f64 / secs,
        load_average(),
    );
    Ok(())
}

async fn bench(db: &DatabaseConnection, backend: &str, path: &Path, rows: usize) -> Result<()> {
    gradtrace::store::migrate(db).await?;
    run(db, backend, "first import", path).await?;
    run(db, backend, "re-import", path).await?;
    let stored = gradtrace::store::entities::graduate::Entity::find()
        .count(db)
        .await?;
    if stored != rows as u64 {
        return Err(format!("{backend}: {stored} graduates stored, {rows} expected").into());
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    let rows: usize = match std::env::var("GRADTRACE_BENCH_ROWS") {
        Ok(n) => n.parse()?,
        Err(_) => 100_000,
    };
    let dir = tempfile::tempdir()?;
    let csv = dir.path().join("graduates.csv");
    let started = Instant::now();
    let bytes = generate(&csv, rows)?;
    println!(
        "generated {rows} graduates ({:.1} MB CSV) in {:.2} s",
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );

    let sqlite_url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let db = gradtrace::store::connect(&sqlite_url).await?;
    bench(&db, "sqlite", &csv, rows).await?;
    db.close().await?;

    let pg_url = std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
    let admin = match gradtrace::store::connect(&pg_url).await {
        Ok(db) => db,
        Err(e) => {
            println!("postgres   skipped: {e}");
            return Ok(());
        }
    };
    let schema = format!("bench_{}", uuid::Uuid::new_v4().simple());
    admin
        .execute_unprepared(&format!("CREATE SCHEMA {schema}"))
        .await?;
    let outcome = async {
        let db = gradtrace::store::connect_in_schema(&pg_url, Some(&schema)).await?;
        let result = bench(&db, "postgres", &csv, rows).await;
        db.close().await?;
        result
    }
    .await;
    admin
        .execute_unprepared(&format!("DROP SCHEMA {schema} CASCADE"))
        .await?;
    outcome
}
