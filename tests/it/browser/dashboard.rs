//! The dashboard in real headless Chromium, on the demo data: a class liaison signs in, opens
//! the chase list of an open wave, sends a reminder with one tap and records a phone contact on
//! the person's card — on a phone, with the desktop layout checked too. Screenshots go to
//! `target/screenshots/dashboard-*.png` (desktop 1280 × 800, phone 390 × 844).
use gradtrace::demo;
use gradtrace::store::entities::{contact_note, invitation, reminder};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use super::{Browser, PHONE};
use crate::app::TestApp;
use crate::common::TestDb;

async fn desktop(b: &Browser) {
    b.cdp(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": false}),
    )
    .await;
}

#[tokio::test]
async fn class_liaison_chases_from_a_phone() {
    let t = TestDb::sqlite().await;
    let app = TestApp::new(&t).await;
    let seeded = demo::seed(&app.state.db, &app.state.catalog, app.state.clock.as_ref())
        .await
        .expect("demo seeds");
    let wave = seeded
        .open_waves
        .iter()
        .find(|w| gradtrace::wave::audience(w) == gradtrace::survey::Audience::Graduate)
        .expect("an open graduate wave")
        .clone();
    // A class liaison whose class has someone to chase in that wave.
    let mut chosen = None;
    for s in seeded.staff.iter().filter(|s| s.role == "class") {
        let staff = gradtrace::store::entities::staff::Entity::find()
            .filter(gradtrace::store::entities::staff::Column::Username.eq(s.username.as_str()))
            .one(&app.state.db)
            .await
            .expect("query")
            .expect("staff");
        let viewer = gradtrace::dashboard::Viewer::from_staff(&staff).expect("viewer");
        let list = gradtrace::dashboard::chase::chase_list(
            &app.state.db,
            &viewer,
            wave.id,
            &Default::default(),
            0,
            10,
        )
        .await
        .expect("chase list");
        if let Some(first) = list.rows.first() {
            chosen = Some((s.username.clone(), first.clone()));
            break;
        }
    }
    let (username, first) = chosen.expect("a class with non-responders");
    let base = app.serve().await;
    let mut b = Browser::launch(PHONE).await;

    // Sign in on the phone.
    b.goto(&format!("{base}/staff/login")).await;
    b.type_into("input[name=username]", &username).await;
    b.type_into("input[name=password]", demo::PASSWORD).await;
    b.screenshot("dashboard-login-phone").await;
    b.tap_and_wait("form button[type=submit]").await;
    assert_eq!(b.path().await, "/staff", "signed in");

    // The rates page, then the chase list: at desktop width and on the phone.
    b.goto(&format!("{base}/staff/waves/{}", wave.id)).await;
    assert!(b.is_visible("svg.rate-chart").await, "the chart is drawn");
    b.screenshot("dashboard-rates-phone").await;
    assert_eq!(
        b.horizontal_overflow().await,
        None,
        "rates page fits the phone"
    );
    desktop(&b).await;
    b.screenshot("dashboard-rates-desktop").await;
    b.goto(&format!("{base}/staff/waves/{}/chase", wave.id))
        .await;
    b.screenshot("dashboard-chase-desktop").await;
    b.set_viewport(PHONE).await;
    b.screenshot("dashboard-chase-phone").await;
    assert_eq!(
        b.horizontal_overflow().await,
        None,
        "chase list fits the phone"
    );
    assert!(b.text("table.chase").await.contains(&first.name));

    // One tap: remind now, through the scheduler; the result shows beside the person.
    let row = format!("tr#i{}", first.invitation_id);
    b.tap_and_wait(&format!("{row} td.act button")).await;
    assert!(
        b.path().await.contains("remind=queued"),
        "{}",
        b.path().await
    );
    assert!(
        b.text(&row).await.contains("已加入提醒队列"),
        "{}",
        b.text(&row).await
    );
    b.screenshot("dashboard-reminded-phone").await;
    let queued = reminder::Entity::find()
        .filter(reminder::Column::InvitationId.eq(first.invitation_id))
        .filter(reminder::Column::Kind.eq("manual"))
        .all(&app.state.db)
        .await
        .expect("reminders");
    assert_eq!(queued.len(), 1, "one reminder queued");
    assert_eq!(queued[0].actor.as_deref(), Some(username.as_str()));

    // Record a phone contact on the card.
    b.tap_and_wait(&format!("{row} td.act a.button")).await;
    assert!(
        b.path()
            .await
            .starts_with(&format!("/staff/invitations/{}", first.invitation_id))
    );
    assert!(
        b.text("#remind").await.contains("立即提醒"),
        "the reminder is in the log"
    );
    b.type_into("#note", "电话已接通，答应今晚填写").await;
    b.tap_and_wait("#contact button[type=submit]").await;
    assert!(b.text("ul.notes").await.contains("答应今晚填写"));
    assert_eq!(b.horizontal_overflow().await, None, "card fits the phone");
    b.screenshot("dashboard-card-phone").await;
    desktop(&b).await;
    b.screenshot("dashboard-card-desktop").await;
    let stored = invitation::Entity::find_by_id(first.invitation_id)
        .one(&app.state.db)
        .await
        .expect("query")
        .expect("invitation");
    assert_eq!(stored.contact_state.as_deref(), Some("phoned"));
    let notes = contact_note::Entity::find()
        .filter(contact_note::Column::InvitationId.eq(first.invitation_id))
        .all(&app.state.db)
        .await
        .expect("notes");
    assert!(notes.iter().any(|n| n.kind == "phoned"));
    assert!(notes.iter().any(|n| n.kind == "reminded"));
    b.close().await;
}
