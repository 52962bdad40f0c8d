//! `/staff/indicators`: the scope matrix (the same narrowing as the API, deny by default, on
//! guessed parameters too), suppressed cells shown as suppressed and never as a number, every
//! figure with its response rate and low-coverage flag.
use axum::http::StatusCode;
use gradtrace::store::responses::Status;
use serde_json::json;

use super::world::{CS, ECON, World, sign_in};
use crate::indicators::{catalog, employed, new_wave, respond};

/// A graduation wave for 2024 with six answers: four CS graduates (three employed by August,
/// one unemployed) and both economics graduates (employed in October). Whole school: six
/// respondents of nine, so figures are shown; each department alone is below five, so its
/// figures are suppressed.
async fn graduation_answers(w: &World) {
    let db = &w.app.state.db;
    let wave = new_wave(db, &catalog(), "graduation", 2024).await;
    let cs: Vec<_> = w
        .cohort
        .iter()
        .filter(|g| g.department == CS)
        .take(4)
        .collect();
    let econ: Vec<_> = w.cohort.iter().filter(|g| g.department == ECON).collect();
    assert_eq!((cs.len(), econ.len()), (4, 2));
    for g in &cs[..3] {
        respond(
            db,
            &wave,
            g.id,
            employed("2024-07", 8123.0, "11", "1101"),
            Status::Complete,
        )
        .await;
    }
    let unemployed = json!({"destination_type": {"choice": "unemployed"}});
    respond(db, &wave, cs[3].id, unemployed, Status::Complete).await;
    for g in &econ {
        respond(
            db,
            &wave,
            g.id,
            employed("2024-10", 9100.0, "31", "3101"),
            Status::Complete,
        )
        .await;
    }
}

storage_test! {
    async fn indicator_pages_are_scoped(t) {
        let w = World::new(&t).await;
        graduation_answers(&w).await;

        // Not signed in: to the sign-in page.
        let page = w.app.client().get("/staff/indicators").await;
        assert!(page.status.is_redirection(), "{}", page.status);
        assert_eq!(page.location.as_deref(), Some("/staff/login"));

        // The employment office: every department, and the figures.
        let mut admin = sign_in(&w.app, "admin1").await;
        let page = admin.get("/staff/indicators?cohort=2024&stage=graduation&by=department&lang=en").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.contains(CS) && page.contains(ECON));
        let page = admin.get("/staff/indicators?cohort=2024&stage=graduation&lang=en").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.contains("6 answered of 9 on the roster, response rate 66.7%"), "{}", page.body);
        // Employed by 31 Aug: three of six; by 31 Dec: five of six.
        assert!(page.contains("50.0%<small>3 / 6</small>"), "{}", page.body);
        assert!(page.contains("83.3%<small>5 / 6</small>"), "{}", page.body);
        // Over the roster: five of nine.
        assert!(page.contains("55.6%<small>5 / 9</small>"), "{}", page.body);
        // The median salary of five (8123 ×3, 9100 ×2).
        assert!(page.contains("¥8,123"), "{}", page.body);

        // A department officer: their department only, by major; a guessed department is 403.
        let mut dept = sign_in(&w.app, "dept1").await;
        let page = dept.get("/staff/indicators?cohort=2024&stage=graduation&by=major").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.contains("软件工程") && page.contains("网络工程"));
        assert!(!page.contains(ECON) && !page.contains("金融学"), "{}", page.body);
        let page = dept.get(&format!("/staff/indicators?cohort=2024&department={}", enc(ECON))).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        let page = dept.get("/staff/indicators?cohort=2024&major=%E9%87%91%E8%9E%8D%E5%AD%A6").await;
        assert_eq!(page.status, StatusCode::OK, "a major of another department narrows to nothing");
        assert!(!page.contains("¥") && !page.contains("元<"), "{}", page.body);

        // A class liaison sees no answers, so no indicators.
        let mut class = sign_in(&w.app, "class1").await;
        let page = class.get("/staff/indicators?cohort=2024").await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        let page = class.get("/staff/indicators").await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);

        // An alumni liaison: their cohort and major only.
        let mut alum = sign_in(&w.app, "alum1").await;
        let page = alum.get("/staff/indicators?lang=en").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.contains("of 5 on the roster"), "{}", page.body);
        assert!(!page.contains("Employer evaluation"));
        for guessed in ["cohort=2023", "cohort=2024&major=%E9%87%91%E8%9E%8D%E5%AD%A6"] {
            let page = alum.get(&format!("/staff/indicators?{guessed}")).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{guessed}");
        }

        // Nonsense parameters are a clear 400, not a crash.
        for bad in ["cohort=abc", "cohort=2024&by=class", "cohort=2024&stage=employer"] {
            let page = admin.get(&format!("/staff/indicators?{bad}")).await;
            assert_eq!(page.status, StatusCode::BAD_REQUEST, "{bad}");
        }
    }
}

storage_test! {
    async fn suppressed_cells_show_as_suppressed(t) {
        let w = World::new(&t).await;
        graduation_answers(&w).await;
        let mut admin = sign_in(&w.app, "admin1").await;
        // By department: four CS respondents and two in economics, both below five.
        let page = admin.get("/staff/indicators?cohort=2024&stage=graduation&by=department").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.contains("不公布"), "{}", page.body);
        assert!(page.contains("少于 5 人"));
        // No salary, rate or count of a suppressed group reaches the page.
        for leaked in ["8,123", "9,100", "3 / 4", "2 / 2", "75.0%"] {
            assert!(!page.contains(leaked), "{leaked} leaked: {}", page.body);
        }
        // Coverage is not suppressed and sits beside every figure, with the low-coverage flag
        // for economics (2 of 2 answered: not low) and CS (4 of 7: not low either).
        assert!(page.contains("回应 4 人 / 名单 7 人，回应率 57.1%"), "{}", page.body);
        assert!(page.contains("回应 2 人 / 名单 2 人，回应率 100.0%"));
        // Year 1 (four of nine answered): every figure suppressed, coverage flagged as low.
        let page = admin.get("/staff/indicators?cohort=2024&stage=year1").await;
        assert!(page.contains("回应率 44.4%"), "{}", page.body);
        assert!(page.contains("覆盖低"));
        assert!(!page.contains("12,000"), "{}", page.body);
        let rows = page.body.matches("<tr class=\"sup\">").count();
        let shown = page.body.matches("<td class=\"v\">").count();
        assert!(rows > 20 && rows == shown, "{rows} suppressed of {shown}");
    }
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The page in headless Chromium: it fits a 390 px phone without sideways scrolling, and
/// screenshots at phone and desktop width go to `target/screenshots/indicators-*.png`.
#[tokio::test]
async fn indicator_page_reads_on_a_phone_and_a_desktop() {
    use crate::browser::{Browser, PHONE, Viewport};
    let t = crate::common::TestDb::sqlite().await;
    let w = World::new(&t).await;
    graduation_answers(&w).await;
    let base = w.app.serve().await;
    let mut b = Browser::launch(PHONE).await;
    b.goto(&format!("{base}/staff/login")).await;
    b.type_into("#username", "admin1").await;
    b.type_into("#password", super::world::PASSWORD).await;
    b.tap_and_wait("button[type=submit]").await;
    b.goto(&format!(
        "{base}/staff/indicators?cohort=2024&stage=graduation"
    ))
    .await;
    assert_eq!(b.text("h1").await, "就业质量指标");
    assert_eq!(
        b.horizontal_overflow().await,
        None,
        "scrolls sideways at 390 px"
    );
    b.screenshot("indicators-phone").await;
    b.goto(&format!(
        "{base}/staff/indicators?cohort=2024&stage=graduation&by=department&lang=en"
    ))
    .await;
    assert_eq!(
        b.horizontal_overflow().await,
        None,
        "by department, en: sideways at 390 px"
    );
    b.screenshot("indicators-phone-departments-en").await;
    b.set_viewport(Viewport {
        width: 1280,
        height: 900,
    })
    .await;
    b.goto(&format!(
        "{base}/staff/indicators?cohort=2024&stage=graduation&lang=zh-CN"
    ))
    .await;
    b.screenshot("indicators-desktop").await;
    b.close().await;
}
