//! The rate rollups (kept by the database in the same transaction as each change) always
//! agree with a count from the raw rows, whichever path changed what: invitations, responses
//! opening, consenting, completing, contact states, a graduate moving class, reminder sends.
use chrono::Duration;
use gradtrace::clock::Clock;
use gradtrace::dashboard::Viewer;
use gradtrace::dashboard::rates::{self, Counts};
use gradtrace::store::entities::{graduate, reminder, staff};
use gradtrace::store::responses::{self, Channel, Status};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;

use super::world::World;
use crate::app::test_now;

async fn viewer(w: &World, username: &str) -> Viewer {
    let s = staff::Entity::find()
        .filter(staff::Column::Username.eq(username))
        .one(&w.app.state.db)
        .await
        .expect("query")
        .expect("staff");
    Viewer::from_staff(&s).expect("viewer")
}

/// The rollup's view (as the employment office sees it) against the raw count.
async fn assert_agrees(w: &World, wave_id: i32, when: &str) {
    let db = &w.app.state.db;
    let admin = viewer(w, "admin1").await;
    let raw = rates::recount(db, wave_id).await.expect("recount");
    let got = rates::wave_rates(db, &admin, wave_id, w.app.clock.now())
        .await
        .expect("rates");
    let mut classes = std::collections::BTreeMap::new();
    for d in &got.departments {
        for m in &d.majors {
            for c in &m.classes {
                classes.insert(
                    (d.department.clone(), m.major.clone(), c.class_name.clone()),
                    c.counts,
                );
            }
        }
    }
    for g in &got.employer_types {
        // Employer waves are grouped by type only on the page; compare totals below.
        assert!(g.counts.invited > 0);
    }
    if got.employer_types.is_empty() {
        assert_eq!(classes, raw.classes, "{when}: per-class counts");
    }
    let mut total = Counts::default();
    for c in raw.classes.values() {
        total.invited += c.invited;
        total.complete += c.complete;
        total.opened += c.opened;
        total.unreachable += c.unreachable;
    }
    assert_eq!(got.totals.invited, total.invited, "{when}: invited");
    assert_eq!(got.totals.complete, total.complete, "{when}: complete");
    assert_eq!(got.totals.opened, total.opened, "{when}: opened");
    assert_eq!(
        got.totals.unreachable, total.unreachable,
        "{when}: unreachable"
    );
    let mut cumulative = 0;
    for p in &got.daily {
        cumulative += raw.completions_by_day.get(&p.day).copied().unwrap_or(0);
        assert_eq!(
            p.complete, cumulative,
            "{when}: completions up to day {}",
            p.day
        );
    }
}

storage_test! {
    async fn rollups_agree_with_the_raw_rows_after_every_kind_of_change(t) {
        let w = World::new(&t).await;
        let db = &w.app.state.db;
        let now = test_now();
        assert_agrees(&w, w.wave.id, "seeded").await;
        assert_agrees(&w, w.last_year.id, "last year seeded").await;
        assert_agrees(&w, w.employer_wave.id, "employer wave seeded").await;

        // A liaison marks someone unreachable, then somebody else answers fully.
        let admin = viewer(&w, "admin1").await;
        let g3 = w.cohort.iter().find(|g| g.name == "同学03").expect("同学03").clone();
        let inv3 = w.invitation(g3.id).await;
        gradtrace::dashboard::chase::record_contact(db, &admin, inv3.id, gradtrace::dashboard::chase::ContactKind::Unreachable, "", now)
            .await
            .expect("contact");
        assert_agrees(&w, w.wave.id, "after marking unreachable").await;
        let rates_before = rates::wave_rates(db, &admin, w.wave.id, now).await.expect("rates");
        assert_eq!(rates_before.totals.unreachable, 1);

        // The unreachable person answers after all: no longer counted unreachable.
        let r = responses::open(db, inv3.id, Channel::Web, now - Duration::hours(1)).await.expect("open");
        assert_agrees(&w, w.wave.id, "after opening").await;
        let r = responses::record_consent(db, r.id, 1, true, Channel::Web, now - Duration::hours(1)).await.expect("consent");
        assert_agrees(&w, w.wave.id, "after consent").await;
        responses::save_answers(db, r.id, r.revision, &json!({"destination_type": {"choice": "employed"}}), Status::Complete, Channel::Web, now)
            .await
            .expect("complete");
        assert_agrees(&w, w.wave.id, "after completing").await;
        let after = rates::wave_rates(db, &admin, w.wave.id, now).await.expect("rates");
        assert_eq!(after.totals.unreachable, 0);
        assert_eq!(after.totals.complete, rates_before.totals.complete + 1);

        // A graduate moves to another class (roster correction): both classes follow.
        let mut moved: graduate::ActiveModel = g3.clone().into();
        moved.class_name = Set("软工2002".into());
        moved.update(db).await.expect("move class");
        assert_agrees(&w, w.wave.id, "after a class move").await;

        // Reminder sends are counted per day for the chart, in scope.
        let g5 = w.cohort.iter().find(|g| g.name == "同学05").expect("同学05").clone();
        let inv5 = w.invitation(g5.id).await;
        let sent = w.wave.opens_at + Duration::hours(30);
        let row = reminder::ActiveModel {
            invitation_id: Set(inv5.id),
            wave_id: Set(w.wave.id),
            kind: Set("reminder".into()),
            seq: Set(1),
            planned_at: Set(sent),
            due_at: Set(sent),
            state: Set("pending".into()),
            attempts: Set(0),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await
        .expect("reminder");
        let reminded = |r: &rates::WaveRates| r.daily.iter().map(|p| p.reminders).sum::<i64>();
        assert_eq!(reminded(&rates::wave_rates(db, &admin, w.wave.id, now).await.expect("rates")), 0);
        let mut s: reminder::ActiveModel = row.into();
        s.state = Set("sent".into());
        s.sent_at = Set(Some(sent));
        s.update(db).await.expect("sent");
        let r = rates::wave_rates(db, &admin, w.wave.id, now).await.expect("rates");
        assert_eq!(r.daily.iter().find(|p| p.day == 1).expect("day 1").reminders, 1);
        let class1 = viewer(&w, "class1").await;
        let econ = viewer(&w, "econ1").await;
        let in_class = g5.class_name == "软工2001";
        assert_eq!(reminded(&rates::wave_rates(db, &class1, w.wave.id, now).await.expect("rates")), i64::from(in_class));
        assert_eq!(reminded(&rates::wave_rates(db, &econ, w.wave.id, now).await.expect("rates")), 0);
    }
}
