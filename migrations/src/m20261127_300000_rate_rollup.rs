//! Response-rate rollups, so a rates request reads a few thousand rows instead of every
//! invitation of the wave:
//!
//! - `rate_rollup`: per wave and (department, major, class, cohort) — for employer waves
//!   (employer type, industry, province, 0) — how many were invited, opened, consented, are
//!   partial, complete, declined, opted out, and unreachable (not complete and marked
//!   unreachable or wrong number). One row per class and wave.
//! - `rate_daily`: per wave, day since the wave opened, level (`all`, `k1` department, `k2`
//!   major, `k3` class) and key: completions and reminder sends. The levels let every scope read
//!   one short series (the employment office `all`, a department officer `k1`, …).
//!
//! Both are maintained by triggers in the same transaction as the change they count, whichever
//! code path writes: invitations (insert, contact state), responses (insert, status and
//! timestamps), reminders (sent), and graduates/employers moving class or department. On
//! PostgreSQL they are statement-level triggers over transition tables (a bulk invite is one
//! grouped upsert); on SQLite row-level triggers. Each change adds the new contribution and
//! subtracts the old one; rows that net to nothing are not written.
//! Existing data is counted once when the migration runs.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const COUNTS: [&str; 8] = [
    "invited",
    "opened",
    "consented",
    "partial",
    "complete",
    "declined",
    "opted_out",
    "unreachable",
];

/// Where the invitation, graduate, employer and response of a contribution come from: the
/// table itself, or the rows a trigger sees (`NEW`/`OLD` on SQLite, transition tables on
/// PostgreSQL), written as a derived table.
#[derive(Clone, Copy)]
enum Part<'a> {
    Table,
    Rows(&'a str),
}

#[derive(Clone, Copy)]
enum Resp<'a> {
    Table,
    Rows(&'a str),
    /// No response (yet), for the invitations of these response rows.
    NoneFor(&'a str),
}

#[derive(Clone)]
struct Source<'a> {
    inv: Part<'a>,
    grad: Part<'a>,
    emp: Part<'a>,
    resp: Resp<'a>,
    /// SQLite row triggers: the invitation(s) concerned, as a condition on `i` (so the
    /// planner looks them up by key instead of scanning).
    filter: Option<String>,
}

impl<'a> Source<'a> {
    fn tables() -> Source<'static> {
        Source {
            inv: Part::Table,
            grad: Part::Table,
            emp: Part::Table,
            resp: Resp::Table,
            filter: None,
        }
    }

    fn only(mut self, filter: Option<String>) -> Self {
        self.filter = filter;
        self
    }

    /// `FROM … WHERE true` with aliases i, w, g, e, r.
    fn from(&self) -> String {
        let part = |p: Part<'_>, table: &str| match p {
            Part::Table => table.to_string(),
            Part::Rows(rows) => rows.to_string(),
        };
        let join = |p: Part<'_>| match p {
            Part::Table => "LEFT JOIN",
            Part::Rows(_) => "JOIN",
        };
        let mut s = format!(
            "FROM {} i JOIN wave w ON w.id = i.wave_id {} {} g ON g.id = i.graduate_id {} {} e ON e.id = i.employer_id ",
            part(self.inv, "invitation"),
            join(self.grad),
            part(self.grad, "graduate"),
            join(self.emp),
            part(self.emp, "employer"),
        );
        match self.resp {
            Resp::Table => s.push_str("LEFT JOIN response r ON r.invitation_id = i.id"),
            Resp::Rows(rows) => s.push_str(&format!("JOIN {rows} r ON r.invitation_id = i.id")),
            Resp::NoneFor(rows) => s.push_str(&format!(
                "JOIN {rows} rr ON rr.invitation_id = i.id \
                 LEFT JOIN response r ON r.invitation_id = rr.invitation_id AND 1 = 0"
            )),
        }
        s.push_str(" WHERE 1 = 1");
        if let Some(f) = &self.filter {
            s.push_str(" AND ");
            s.push_str(f);
        }
        s
    }
}

const K1: &str = "COALESCE(g.department, e.employer_type, '')";
const K2: &str = "COALESCE(g.major, e.industry, '')";
const K3: &str = "COALESCE(g.class_name, e.province, '')";
const COHORT: &str = "COALESCE(g.graduation_year, 0)";
const LEVELS: &str =
    "(SELECT 'all' AS level UNION ALL SELECT 'k1' UNION ALL SELECT 'k2' UNION ALL SELECT 'k3') lv";

fn level_key() -> String {
    format!(
        "CASE lv.level WHEN 'all' THEN '' WHEN 'k1' THEN {K1} WHEN 'k2' THEN {K2} ELSE {K3} END"
    )
}

fn day(backend: DbBackend, at: &str) -> String {
    match backend {
        DbBackend::Postgres => format!(
            "GREATEST(0, CAST(FLOOR(EXTRACT(EPOCH FROM ({at} - w.opens_at)) / 86400) AS BIGINT))"
        ),
        // Whole seconds first: a difference of exactly n days must not come out as n - ε.
        _ => format!(
            "MAX(0, CAST(ROUND((julianday({at}) - julianday(w.opens_at)) * 86400) AS INTEGER) / 86400)"
        ),
    }
}

/// The per-class counts a source contributes, times `sign`.
fn rollup_rows(src: &Source<'_>, sign: i32) -> String {
    let flag = |cond: &str| format!("{sign} * (CASE WHEN {cond} THEN 1 ELSE 0 END)");
    format!(
        "SELECT i.wave_id AS wave_id, {K1} AS k1, {K2} AS k2, {K3} AS k3, {COHORT} AS cohort, \
         {sign} AS invited, {} AS opened, {} AS consented, {} AS partial, {} AS complete, \
         {} AS declined, {} AS opted_out, {} AS unreachable {}",
        flag("r.opened_at IS NOT NULL"),
        flag("r.consented_at IS NOT NULL"),
        flag("r.status = 'partial'"),
        flag("r.status = 'complete'"),
        flag("r.status = 'declined'"),
        flag("r.status = 'opted_out'"),
        flag(
            "(r.status IS NULL OR r.status <> 'complete') \
             AND i.contact_state IN ('unreachable', 'wrong_number')"
        ),
        src.from(),
    )
}

/// The completions per day and level a source contributes, times `sign`. (`r.status || ''`
/// keeps SQLite from scanning every complete response by the status index instead of
/// reaching the few invitations concerned by key.)
fn completion_rows(backend: DbBackend, src: &Source<'_>, sign: i32) -> String {
    let from = src
        .from()
        .replacen(" WHERE ", &format!(" CROSS JOIN {LEVELS} WHERE "), 1);
    format!(
        "SELECT i.wave_id AS wave_id, lv.level AS level, {} AS lkey, {COHORT} AS cohort, \
         {} AS day, {sign} AS complete, 0 AS reminded {from} \
         AND (r.status || '') = 'complete' AND r.completed_at IS NOT NULL",
        level_key(),
        day(backend, "r.completed_at"),
    )
}

/// The reminder sends per day and level of reminder rows `rem` (a table or trigger rows),
/// with graduates and employers from `grad`/`emp`, times `sign`. The first invitation message
/// is not a reminder.
fn reminder_rows(
    backend: DbBackend,
    rem: &str,
    grad: Part<'_>,
    emp: Part<'_>,
    filter: Option<String>,
    sign: i32,
) -> String {
    let src = Source {
        inv: Part::Table,
        grad,
        emp,
        resp: Resp::Table,
        filter,
    };
    let from = src
        .from()
        .replacen(
            "FROM invitation i",
            &format!("FROM {rem} m JOIN invitation i ON i.id = m.invitation_id"),
            1,
        )
        .replace(" LEFT JOIN response r ON r.invitation_id = i.id", "")
        .replacen(" WHERE ", &format!(" CROSS JOIN {LEVELS} WHERE "), 1);
    format!(
        "SELECT i.wave_id AS wave_id, lv.level AS level, {} AS lkey, {COHORT} AS cohort, \
         {} AS day, 0 AS complete, {sign} AS reminded {from} \
         AND m.sent_at IS NOT NULL AND m.kind <> 'invitation'",
        level_key(),
        day(backend, "m.sent_at"),
    )
}

fn upsert_rollup(parts: &[String]) -> String {
    let sums: Vec<String> = COUNTS.iter().map(|c| format!("SUM({c})")).collect();
    let nonzero: Vec<String> = COUNTS.iter().map(|c| format!("SUM({c}) <> 0")).collect();
    let set: Vec<String> = COUNTS
        .iter()
        .map(|c| format!("{c} = rate_rollup.{c} + excluded.{c}"))
        .collect();
    format!(
        "INSERT INTO rate_rollup (wave_id, k1, k2, k3, cohort, {}) \
         SELECT wave_id, k1, k2, k3, cohort, {} FROM ({}) d WHERE 1 = 1 \
         GROUP BY wave_id, k1, k2, k3, cohort HAVING {} \
         ON CONFLICT (wave_id, k1, k2, k3, cohort) DO UPDATE SET {}",
        COUNTS.join(", "),
        sums.join(", "),
        parts.join(" UNION ALL "),
        nonzero.join(" OR "),
        set.join(", "),
    )
}

fn upsert_daily(parts: &[String]) -> String {
    format!(
        "INSERT INTO rate_daily (wave_id, level, lkey, cohort, day, complete, reminded) \
         SELECT wave_id, level, lkey, cohort, day, SUM(complete), SUM(reminded) FROM ({}) d \
         WHERE 1 = 1 GROUP BY wave_id, level, lkey, cohort, day \
         HAVING SUM(complete) <> 0 OR SUM(reminded) <> 0 \
         ON CONFLICT (wave_id, level, lkey, cohort, day) DO UPDATE SET \
         complete = rate_daily.complete + excluded.complete, \
         reminded = rate_daily.reminded + excluded.reminded",
        parts.join(" UNION ALL "),
    )
}

/// The statements that keep the rollups right after a change: the new state added, the old
/// state subtracted.
fn apply(backend: DbBackend, new: &Source<'_>, old: Option<&Source<'_>>) -> Vec<String> {
    let mut roll = vec![rollup_rows(new, 1)];
    let mut daily = vec![completion_rows(backend, new, 1)];
    if let Some(old) = old {
        roll.push(rollup_rows(old, -1));
        // No response completes nothing.
        if !matches!(old.resp, Resp::NoneFor(_)) {
            daily.push(completion_rows(backend, old, -1));
        }
    }
    vec![upsert_rollup(&roll), upsert_daily(&daily)]
}

/// A trigger's view of its rows as a derived table.
struct Rows {
    /// SQLite: `(SELECT NEW.a AS a, …)`; PostgreSQL: the transition table.
    new: String,
    old: String,
}

fn rows(backend: DbBackend, columns: &[&str]) -> Rows {
    match backend {
        DbBackend::Postgres => Rows {
            new: "new_rows".into(),
            old: "old_rows".into(),
        },
        _ => {
            let of = |which: &str| {
                let cols: Vec<String> = columns
                    .iter()
                    .map(|c| format!("{which}.{c} AS {c}"))
                    .collect();
                format!("(SELECT {})", cols.join(", "))
            };
            Rows {
                new: of("NEW"),
                old: of("OLD"),
            }
        }
    }
}

const INVITATION_COLS: [&str; 5] = [
    "id",
    "wave_id",
    "graduate_id",
    "employer_id",
    "contact_state",
];
const RESPONSE_COLS: [&str; 5] = [
    "invitation_id",
    "status",
    "opened_at",
    "consented_at",
    "completed_at",
];
const REMINDER_COLS: [&str; 4] = ["invitation_id", "kind", "sent_at", "id"];
const GRADUATE_COLS: [&str; 5] = ["id", "department", "major", "class_name", "graduation_year"];
const EMPLOYER_COLS: [&str; 4] = ["id", "employer_type", "industry", "province"];

/// One trigger: its name, table, event (`INSERT` or `UPDATE`), the columns whose update
/// matters (SQLite `UPDATE OF`), and its statements.
struct Trigger {
    name: &'static str,
    table: &'static str,
    event: &'static str,
    watched: &'static [&'static str],
    /// SQLite: only when this holds (updates: when a watched column really changed).
    when: Option<&'static str>,
    body: Vec<String>,
}

fn triggers(backend: DbBackend) -> Vec<Trigger> {
    let inv = rows(backend, &INVITATION_COLS);
    let resp = rows(backend, &RESPONSE_COLS);
    let rem = rows(backend, &REMINDER_COLS);
    let grad = rows(backend, &GRADUATE_COLS);
    let emp = rows(backend, &EMPLOYER_COLS);
    // SQLite row triggers name the invitation(s) concerned so they are looked up by key.
    let sqlite = backend != DbBackend::Postgres;
    let only = |cond: &str| sqlite.then(|| cond.to_string());
    fn with_inv(r: &str) -> Source<'_> {
        Source {
            inv: Part::Rows(r),
            ..Source::tables()
        }
    }
    fn with_resp(r: Resp<'_>) -> Source<'_> {
        Source {
            resp: r,
            ..Source::tables()
        }
    }
    fn with_grad(r: &str) -> Source<'_> {
        Source {
            grad: Part::Rows(r),
            ..Source::tables()
        }
    }
    fn with_emp(r: &str) -> Source<'_> {
        Source {
            emp: Part::Rows(r),
            ..Source::tables()
        }
    }
    let daily_reminders = |parts: Vec<String>| upsert_daily(&parts);
    vec![
        Trigger {
            name: "rate_invitation_insert",
            table: "invitation",
            event: "INSERT",
            watched: &[],
            when: None,
            body: apply(backend, &with_inv(&inv.new), None),
        },
        Trigger {
            name: "rate_invitation_update",
            table: "invitation",
            event: "UPDATE",
            watched: &["wave_id", "graduate_id", "employer_id", "contact_state"],
            when: None,
            body: apply(backend, &with_inv(&inv.new), Some(&with_inv(&inv.old))),
        },
        Trigger {
            name: "rate_response_insert",
            table: "response",
            event: "INSERT",
            watched: &[],
            when: None,
            body: apply(
                backend,
                &with_resp(Resp::Rows(&resp.new)).only(only("i.id = NEW.invitation_id")),
                Some(&with_resp(Resp::NoneFor(&resp.new)).only(only("i.id = NEW.invitation_id"))),
            ),
        },
        Trigger {
            name: "rate_response_update",
            table: "response",
            event: "UPDATE",
            watched: &[
                "invitation_id",
                "status",
                "opened_at",
                "consented_at",
                "completed_at",
            ],
            when: None,
            body: apply(
                backend,
                &with_resp(Resp::Rows(&resp.new)).only(only("i.id = NEW.invitation_id")),
                Some(&with_resp(Resp::Rows(&resp.old)).only(only("i.id = OLD.invitation_id"))),
            ),
        },
        Trigger {
            name: "rate_reminder_insert",
            table: "reminder",
            event: "INSERT",
            watched: &[],
            // Planning a wave inserts a pending row per invitation: those cost nothing here.
            when: Some("NEW.sent_at IS NOT NULL AND NEW.kind <> 'invitation'"),
            body: vec![daily_reminders(vec![reminder_rows(
                backend,
                &rem.new,
                Part::Table,
                Part::Table,
                only("i.id = NEW.invitation_id"),
                1,
            )])],
        },
        Trigger {
            name: "rate_reminder_update",
            table: "reminder",
            event: "UPDATE",
            watched: &["invitation_id", "kind", "sent_at"],
            when: None,
            body: vec![daily_reminders(vec![
                reminder_rows(
                    backend,
                    &rem.new,
                    Part::Table,
                    Part::Table,
                    only("i.id = NEW.invitation_id"),
                    1,
                ),
                reminder_rows(
                    backend,
                    &rem.old,
                    Part::Table,
                    Part::Table,
                    only("i.id = OLD.invitation_id"),
                    -1,
                ),
            ])],
        },
        Trigger {
            name: "rate_graduate_update",
            table: "graduate",
            event: "UPDATE",
            watched: &["department", "major", "class_name", "graduation_year"],
            when: None,
            body: {
                let (n, o) = (
                    only("i.graduate_id = NEW.id"),
                    only("i.graduate_id = OLD.id"),
                );
                let mut b = apply(
                    backend,
                    &with_grad(&grad.new).only(n.clone()),
                    Some(&with_grad(&grad.old).only(o.clone())),
                );
                b.push(daily_reminders(vec![
                    reminder_rows(
                        backend,
                        "reminder",
                        Part::Rows(&grad.new),
                        Part::Table,
                        n,
                        1,
                    ),
                    reminder_rows(
                        backend,
                        "reminder",
                        Part::Rows(&grad.old),
                        Part::Table,
                        o,
                        -1,
                    ),
                ]));
                b
            },
        },
        Trigger {
            name: "rate_employer_update",
            table: "employer",
            event: "UPDATE",
            watched: &["employer_type", "industry", "province"],
            when: None,
            body: {
                let (n, o) = (
                    only("i.employer_id = NEW.id"),
                    only("i.employer_id = OLD.id"),
                );
                let mut b = apply(
                    backend,
                    &with_emp(&emp.new).only(n.clone()),
                    Some(&with_emp(&emp.old).only(o.clone())),
                );
                b.push(daily_reminders(vec![
                    reminder_rows(backend, "reminder", Part::Table, Part::Rows(&emp.new), n, 1),
                    reminder_rows(
                        backend,
                        "reminder",
                        Part::Table,
                        Part::Rows(&emp.old),
                        o,
                        -1,
                    ),
                ]));
                b
            },
        },
    ]
}

fn create_trigger(backend: DbBackend, t: &Trigger) -> Vec<String> {
    match backend {
        DbBackend::Postgres => {
            let referencing = match t.event {
                "INSERT" => "REFERENCING NEW TABLE AS new_rows",
                _ => "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
            };
            vec![
                format!(
                    "CREATE OR REPLACE FUNCTION {name}_fn() RETURNS trigger LANGUAGE plpgsql AS $body$ \
                     BEGIN {stmts}; RETURN NULL; END $body$",
                    name = t.name,
                    stmts = t.body.join("; "),
                ),
                format!(
                    "CREATE TRIGGER {name} AFTER {event} ON {table} {referencing} \
                     FOR EACH STATEMENT EXECUTE FUNCTION {name}_fn()",
                    name = t.name,
                    event = t.event,
                    table = t.table,
                ),
            ]
        }
        _ => {
            let event = if t.watched.is_empty() {
                t.event.to_string()
            } else {
                format!("{} OF {}", t.event, t.watched.join(", "))
            };
            let when = match t.when {
                Some(w) => format!(" WHEN {w}"),
                // An update that rewrites a watched column with the same value is no change.
                None if !t.watched.is_empty() => {
                    let changed: Vec<String> = t
                        .watched
                        .iter()
                        .map(|c| format!("OLD.{c} IS NOT NEW.{c}"))
                        .collect();
                    format!(" WHEN {}", changed.join(" OR "))
                }
                None => String::new(),
            };
            vec![format!(
                "CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{when} BEGIN {stmts}; END",
                name = t.name,
                table = t.table,
                stmts = t.body.join("; "),
            )]
        }
    }
}

/// Recounts both rollups from the tables (used once when the migration runs; also what the
/// triggers must always agree with).
pub fn rebuild_statements(backend: DbBackend) -> Vec<String> {
    let t = Source::tables();
    let mut out = vec![
        "DELETE FROM rate_rollup".to_string(),
        "DELETE FROM rate_daily".to_string(),
    ];
    out.extend(apply(backend, &t, None));
    out.push(upsert_daily(&[reminder_rows(
        backend,
        "reminder",
        Part::Table,
        Part::Table,
        None,
        1,
    )]));
    out
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut rollup = Table::create();
        rollup
            .table(Alias::new("rate_rollup"))
            .if_not_exists()
            .col(ColumnDef::new(Alias::new("wave_id")).integer().not_null())
            .col(ColumnDef::new(Alias::new("k1")).string().not_null())
            .col(ColumnDef::new(Alias::new("k2")).string().not_null())
            .col(ColumnDef::new(Alias::new("k3")).string().not_null())
            .col(ColumnDef::new(Alias::new("cohort")).integer().not_null());
        for c in COUNTS {
            rollup.col(
                ColumnDef::new(Alias::new(c))
                    .big_integer()
                    .not_null()
                    .default(0),
            );
        }
        m.create_table(
            rollup
                .primary_key(
                    Index::create()
                        .col(Alias::new("wave_id"))
                        .col(Alias::new("k1"))
                        .col(Alias::new("k2"))
                        .col(Alias::new("k3"))
                        .col(Alias::new("cohort")),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Alias::new("rate_daily"))
                .if_not_exists()
                .col(ColumnDef::new(Alias::new("wave_id")).integer().not_null())
                .col(ColumnDef::new(Alias::new("level")).string().not_null())
                .col(ColumnDef::new(Alias::new("lkey")).string().not_null())
                .col(ColumnDef::new(Alias::new("cohort")).integer().not_null())
                .col(ColumnDef::new(Alias::new("day")).big_integer().not_null())
                .col(
                    ColumnDef::new(Alias::new("complete"))
                        .big_integer()
                        .not_null()
                        .default(0),
                )
                .col(
                    ColumnDef::new(Alias::new("reminded"))
                        .big_integer()
                        .not_null()
                        .default(0),
                )
                .primary_key(
                    Index::create()
                        .col(Alias::new("wave_id"))
                        .col(Alias::new("level"))
                        .col(Alias::new("lkey"))
                        .col(Alias::new("cohort"))
                        .col(Alias::new("day")),
                )
                .to_owned(),
        )
        .await?;
        // A graduate or employer moving class or type finds their invitations by key.
        for (name, col) in [
            ("idx_invitation_graduate", "graduate_id"),
            ("idx_invitation_employer", "employer_id"),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(Alias::new("invitation"))
                    .col(Alias::new(col))
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        }
        let db = m.get_connection();
        let backend = db.get_database_backend();
        for t in triggers(backend) {
            for stmt in create_trigger(backend, &t) {
                db.execute_unprepared(&stmt).await?;
            }
        }
        for stmt in rebuild_statements(backend) {
            db.execute_unprepared(&stmt).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let backend = db.get_database_backend();
        for t in triggers(backend) {
            let drop = match backend {
                DbBackend::Postgres => format!(
                    "DROP TRIGGER IF EXISTS {name} ON {table}; DROP FUNCTION IF EXISTS {name}_fn()",
                    name = t.name,
                    table = t.table
                ),
                _ => format!("DROP TRIGGER IF EXISTS {}", t.name),
            };
            db.execute_unprepared(&drop).await?;
        }
        for name in ["idx_invitation_graduate", "idx_invitation_employer"] {
            m.drop_index(
                Index::drop()
                    .name(name)
                    .table(Alias::new("invitation"))
                    .to_owned(),
            )
            .await?;
        }
        m.drop_table(Table::drop().table(Alias::new("rate_daily")).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Alias::new("rate_rollup")).to_owned())
            .await?;
        Ok(())
    }
}
