//! A wave's reminder plan expanded into planned sends: the invitation when the wave opens (or
//! when a late-added person is invited), then the plan's reminders at their offsets, each moved
//! out of the quiet hours, none after the wave closes. A person's sends are planned one after
//! the other — the next when the previous is done — so answering, opting out or a changed plan
//! stop or reshape what follows without touching rows planned in advance.
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, FromQueryResult,
    QueryFilter, QuerySelect, Set, Statement, Value,
};

use super::{Kind, State};
use crate::error::Result;
use crate::store::entities::{invitation, reminder, wave};
use crate::wave::plan::ReminderPlan;

/// Rows per multi-row INSERT: well under both back-ends' bound-parameter limits.
const BATCH: usize = 1000;

/// A send to put in the scheduler: reminder id and when it is due.
pub type Due = (i32, DateTime<Utc>);

/// The moment a person's sends are counted from: the opening, or their invitation if later.
pub fn base(w: &wave::Model, invitation_created: DateTime<Utc>) -> DateTime<Utc> {
    w.opens_at.max(invitation_created)
}

/// When the invitation goes out: at the base, out of quiet hours.
pub fn invitation_due(plan: &ReminderPlan, base: DateTime<Utc>) -> DateTime<Utc> {
    plan.out_of_quiet_hours(base)
}

/// The reminder that follows reminder `after` (0 = after the invitation): its number and due
/// time, or None when the plan has no more or the wave closes first. Reminders whose successor
/// is also already past are skipped, so a worker that was down for days sends one catch-up
/// reminder, not a burst.
pub fn next_reminder(
    plan: &ReminderPlan,
    w: &wave::Model,
    base: DateTime<Utc>,
    after: i32,
    now: DateTime<Utc>,
) -> Option<(i32, DateTime<Utc>)> {
    let planned: Vec<DateTime<Utc>> = plan.schedule(base);
    let first = usize::try_from(after).ok()?;
    let mut k = first;
    if k >= planned.len() {
        return None;
    }
    while k + 1 < planned.len() && planned[k + 1] <= now {
        k += 1;
    }
    let due = planned[k];
    if let Some(closes) = w.closes_at
        && due >= closes
    {
        return None;
    }
    Some((i32::try_from(k + 1).ok()?, due))
}

/// What planning a wave did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Planned {
    /// Invitation sends created by this run.
    pub created: usize,
    /// The new sends, for the scheduler.
    pub due: Vec<Due>,
}

#[derive(FromQueryResult)]
struct Inserted {
    id: i32,
}

/// Builds a statement from SQL written with `?` placeholders (PostgreSQL wants `$1`, `$2`, …).
pub(crate) fn stmt(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = if backend == DbBackend::Postgres {
        let mut out = String::with_capacity(sql.len() + 16);
        let mut n = 0;
        for ch in sql.chars() {
            if ch == '?' {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
            } else {
                out.push(ch);
            }
        }
        out
    } else {
        sql.to_string()
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// Plans the invitation send of every invitee of the wave who has none yet (planning again adds
/// only newly invited people). Nothing is planned for a closed wave. Invitations that exist at
/// the opening are planned in one statement in the database; later ones row by row.
pub async fn plan_wave(
    db: &DatabaseConnection,
    w: &wave::Model,
    now: DateTime<Utc>,
) -> Result<Planned> {
    if w.closes_at.is_some_and(|c| c <= now) {
        return Ok(Planned::default());
    }
    let plan = ReminderPlan::from_json(&w.reminder_plan)?;
    let backend = db.get_database_backend();
    let at_opening = invitation_due(&plan, w.opens_at);
    // Only the ids come back: every row of this statement is due at the same moment.
    let bulk = Inserted::find_by_statement(stmt(
        backend,
        "INSERT INTO reminder (invitation_id, wave_id, kind, seq, planned_at, due_at, state, \
         attempts, created_at, updated_at) \
         SELECT i.id, i.wave_id, ?, 0, ?, ?, ?, 0, ?, ? FROM invitation i \
         WHERE i.wave_id = ? AND i.created_at <= ? AND NOT EXISTS (SELECT 1 FROM reminder r \
         WHERE r.invitation_id = i.id AND r.kind <> 'manual') RETURNING id",
        vec![
            Kind::Invitation.as_str().into(),
            at_opening.into(),
            at_opening.into(),
            State::Pending.as_str().into(),
            now.into(),
            now.into(),
            w.id.into(),
            w.opens_at.into(),
        ],
    ))
    .all(db)
    .await?;
    let mut due: Vec<Due> = bulk.into_iter().map(|r| (r.id, at_opening)).collect();

    // Invited after the opening: each one's sends count from their own invitation.
    let late: Vec<(i32, DateTime<Utc>)> = invitation::Entity::find()
        .select_only()
        .column(invitation::Column::Id)
        .column(invitation::Column::CreatedAt)
        .filter(invitation::Column::WaveId.eq(w.id))
        .filter(invitation::Column::CreatedAt.gt(w.opens_at))
        .filter(sea_orm::sea_query::Expr::cust(
            "NOT EXISTS (SELECT 1 FROM reminder r WHERE r.invitation_id = invitation.id \
             AND r.kind <> 'manual')",
        ))
        .into_tuple()
        .all(db)
        .await?;
    for chunk in late.chunks(BATCH) {
        let rows = chunk.iter().map(|(id, created)| {
            let due = invitation_due(&plan, base(w, *created));
            new_row(*id, w.id, Kind::Invitation, 0, due, None, now)
        });
        let inserted = reminder::Entity::insert_many(rows)
            .exec_with_returning(db)
            .await?;
        due.extend(inserted.into_iter().map(|r| (r.id, r.due_at)));
    }
    Ok(Planned {
        created: due.len(),
        due,
    })
}

/// A new pending send.
pub(crate) fn new_row(
    invitation_id: i32,
    wave_id: i32,
    kind: Kind,
    seq: i32,
    due: DateTime<Utc>,
    actor: Option<String>,
    now: DateTime<Utc>,
) -> reminder::ActiveModel {
    reminder::ActiveModel {
        invitation_id: Set(invitation_id),
        wave_id: Set(wave_id),
        kind: Set(kind.as_str().to_string()),
        seq: Set(seq),
        planned_at: Set(due),
        due_at: Set(due),
        state: Set(State::Pending.as_str().to_string()),
        attempts: Set(0),
        channel: Set(None),
        claim_token: Set(None),
        lease_until: Set(None),
        last_error: Set(None),
        actor: Set(actor),
        sent_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// Cancels every pending send of waves closed by `now` ("for everyone when the wave closes").
pub async fn cancel_closed(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64> {
    let backend = db.get_database_backend();
    let done = db
        .execute_raw(stmt(
            backend,
            "UPDATE reminder SET state = ?, last_error = ?, updated_at = ? \
             WHERE state = ? AND wave_id IN (SELECT id FROM wave WHERE closes_at <= ?)",
            vec![
                State::Cancelled.as_str().into(),
                "wave closed".into(),
                now.into(),
                State::Pending.as_str().into(),
                now.into(),
            ],
        ))
        .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wave::plan::PlanOptions;
    use chrono::TimeZone;

    fn shanghai(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        chrono_tz::Asia::Shanghai
            .with_ymd_and_hms(2025, 7, d, h, m, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn wave(opens: DateTime<Utc>, closes: Option<DateTime<Utc>>) -> wave::Model {
        wave::Model {
            id: 1,
            survey_id: "year1".into(),
            survey_version: 1,
            stage: "year1".into(),
            cohort_year: 2024,
            opens_at: opens,
            closes_at: closes,
            reminder_plan: serde_json::Value::Null,
            created_at: opens,
        }
    }

    fn plan(offsets: &str, max: u32) -> ReminderPlan {
        ReminderPlan::from_options(&PlanOptions {
            offsets: Some(offsets.into()),
            max_reminders: Some(max),
            ..Default::default()
        })
        .unwrap()
    }

    #[test]
    fn invitation_waits_for_the_morning() {
        let p = plan("1d", 1);
        // Opens at 22:30: the invitation goes at 08:00 the next day.
        assert_eq!(invitation_due(&p, shanghai(1, 22, 30)), shanghai(2, 8, 0));
        assert_eq!(invitation_due(&p, shanghai(1, 10, 0)), shanghai(1, 10, 0));
        // A person invited after the opening counts from their invitation.
        let w = wave(shanghai(1, 10, 0), None);
        assert_eq!(base(&w, shanghai(3, 9, 0)), shanghai(3, 9, 0));
        assert_eq!(base(&w, shanghai(1, 9, 0)), shanghai(1, 10, 0));
    }

    #[test]
    fn reminders_follow_the_offsets_up_to_the_maximum() {
        let opens = shanghai(1, 10, 0);
        let w = wave(opens, None);
        let p = plan("3d,7d,14d", 2);
        assert_eq!(
            next_reminder(&p, &w, opens, 0, opens),
            Some((1, shanghai(4, 10, 0)))
        );
        assert_eq!(
            next_reminder(&p, &w, opens, 1, shanghai(4, 10, 0)),
            Some((2, shanghai(8, 10, 0)))
        );
        assert_eq!(next_reminder(&p, &w, opens, 2, shanghai(8, 10, 0)), None);
    }

    #[test]
    fn no_reminder_after_the_wave_closes_and_stale_ones_are_skipped() {
        let opens = shanghai(1, 10, 0);
        let p = plan("3d,7d,14d", 3);
        let closing = wave(opens, Some(shanghai(6, 0, 0)));
        assert_eq!(
            next_reminder(&p, &closing, opens, 0, opens),
            Some((1, shanghai(4, 10, 0)))
        );
        assert_eq!(next_reminder(&p, &closing, opens, 1, opens), None);
        // Back after 10 days: reminder 1 (day 3) is stale, reminder 2 (day 7) is sent at once,
        // and 3 keeps its date.
        let w = wave(opens, None);
        assert_eq!(
            next_reminder(&p, &w, opens, 0, shanghai(11, 10, 0)),
            Some((2, shanghai(8, 10, 0)))
        );
    }

    #[test]
    fn postgres_placeholders_are_numbered() {
        let s = stmt(
            DbBackend::Postgres,
            "a = ? AND b = ?",
            vec![1.into(), 2.into()],
        );
        assert_eq!(s.sql, "a = $1 AND b = $2");
        let s = stmt(DbBackend::Sqlite, "a = ?", vec![1.into()]);
        assert_eq!(s.sql, "a = ?");
    }
}
