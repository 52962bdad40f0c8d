//! The web form in real headless Chromium at a phone viewport: a graduate opens the link, agrees
//! to the privacy notice, answers a whole `year1` questionnaire by tapping and typing (one
//! mistake on purpose), and reaches the thank-you page. Along the way: no sideways scrolling at
//! 360 px, tap targets of at least 44 px, and the script showing and hiding conditional
//! questions. Screenshots of the notice, the validation error and the thank-you page go to
//! `target/screenshots/form-*.png`.
use gradtrace::store::entities::response;
use sea_orm::EntityTrait;

use super::{Browser, NARROW_PHONE, PHONE};
use crate::app::TestApp;
use crate::common::TestDb;

/// Checks what a graduate on a phone would notice on the current page: it fits 360 px without
/// sideways scrolling, every control is big enough to tap and has a name.
async fn check_phone_layout(b: &mut Browser, page: &str) {
    b.set_viewport(NARROW_PHONE).await;
    let overflow = b.horizontal_overflow().await;
    b.set_viewport(PHONE).await;
    assert_eq!(overflow, None, "{page}: scrolls sideways at 360 px");
    let small = b.small_tap_targets().await;
    assert!(
        small.is_empty(),
        "{page}: tap targets under 44 px: {small:#?}"
    );
    let unlabelled = b.unlabelled_controls().await;
    assert!(
        unlabelled.is_empty(),
        "{page}: unlabelled controls: {unlabelled:#?}"
    );
}

fn option(question: &str, value: &str) -> String {
    format!("label.opt:has(input[name={question}][value=\"{value}\"])")
}

#[tokio::test]
async fn graduate_fills_year1_on_a_phone() {
    let t = TestDb::sqlite().await;
    let app = TestApp::new(&t).await;
    let g = app.graduates(2024, 1).await;
    let w = app.wave("year1", 2024).await;
    let link = app.link(&w, g[0].id).await;
    let base = app.serve().await;
    let mut b = Browser::launch(PHONE).await;

    // The privacy notice comes first; its full text opens with one tap.
    b.goto(&format!("{base}{link}")).await;
    assert_eq!(b.path().await, link, "the notice is at the link itself");
    assert_eq!(b.text("#notice-title").await, "个人信息保护说明");
    check_phone_layout(&mut b, "notice").await;
    b.screenshot("form-notice").await;
    assert!(!b.is_visible(".notice .full").await, "full text folded");
    b.tap(".notice summary").await;
    assert!(b.is_visible(".notice .full").await, "full text opens");
    b.screenshot("form-notice-full").await;
    b.tap_and_wait("button[name=consent][value=accept]").await;

    // Page 1. The date question appears only once an answer needs it (the script, no round trip).
    assert!(
        b.path().await.ends_with("/p/destination"),
        "{}",
        b.path().await
    );
    assert!(b.text(".progress").await.contains("第 1 页"));
    assert!(
        !b.is_visible("#q-status_date").await,
        "hidden before any answer"
    );
    b.tap(&option("destination_type", "unemployed")).await;
    assert!(
        !b.is_visible("#q-status_date").await,
        "not asked of the unemployed"
    );
    b.tap(&option("destination_type", "employed")).await;
    assert!(
        b.is_visible("#q-status_date").await,
        "asked of the employed"
    );
    check_phone_layout(&mut b, "destination").await;
    // The mistake: the date left out.
    b.tap_and_wait("button[name=_nav][value=next]").await;
    assert!(
        b.path().await.ends_with("/p/destination"),
        "stays on the page"
    );
    assert!(b.is_visible("#summary").await, "error summary at the top");
    assert!(
        !b.text("#e-status_date").await.is_empty(),
        "message by the field"
    );
    assert!(
        b.client()
            .find(fantoccini::Locator::Css(&format!(
                "{}:has(input:checked)",
                option("destination_type", "employed")
            )))
            .await
            .is_ok(),
        "the choice made is kept"
    );
    check_phone_layout(&mut b, "destination with an error").await;
    b.screenshot("form-validation-error").await;
    b.choose("select[name=status_date__year]", "2024").await;
    b.choose("select[name=status_date__month]", "7").await;
    b.tap_and_wait("button[name=_nav][value=next]").await;

    // Page 2: the job.
    assert!(b.path().await.ends_with("/p/job"), "{}", b.path().await);
    b.type_into("#f-employer_name", "星河科技有限公司").await;
    b.tap(&option("employer_type", "private")).await;
    b.tap(&option("industry", "i")).await;
    b.choose("#f-work_region-p", "44").await;
    b.choose("#f-work_region-c", "4403").await;
    b.type_into("#f-job_title", "后端开发工程师").await;
    b.type_into("#f-monthly_salary", "12000").await;
    check_phone_layout(&mut b, "job").await;
    b.screenshot("form-job").await;
    b.tap_and_wait("button[name=_nav][value=next]").await;

    // Page 3: ratings; the dissatisfied (2 or less) are asked why, and only they.
    assert!(b.path().await.ends_with("/p/fit"), "{}", b.path().await);
    b.tap(&option("major_match", "4")).await;
    b.tap(&option("interest_match", "3")).await;
    b.tap(&option("skills_use", "4")).await;
    assert!(!b.is_visible("#q-dissatisfaction_reasons").await);
    b.tap(&option("job_satisfaction", "2")).await;
    assert!(
        b.is_visible("#q-dissatisfaction_reasons").await,
        "shown when dissatisfied"
    );
    b.tap(&option("job_satisfaction", "4")).await;
    assert!(
        !b.is_visible("#q-dissatisfaction_reasons").await,
        "hidden again"
    );
    b.tap(&option("skills_to_improve", "data_analysis")).await;
    b.tap(&option("skills_to_improve", "communication")).await;
    check_phone_layout(&mut b, "fit").await;
    b.screenshot("form-ratings").await;
    b.tap_and_wait("button[name=_nav][value=next]").await;

    // Page 4 (the start-up and study pages ask nothing of this graduate): job changes.
    assert!(
        b.path().await.ends_with("/p/stability"),
        "{}",
        b.path().await
    );
    b.type_into("#f-job_changes", "1").await;
    assert!(
        b.is_visible("#q-leave_reasons").await,
        "reasons asked after a change"
    );
    b.type_into("#f-job_changes", "0").await;
    assert!(
        !b.is_visible("#q-leave_reasons").await,
        "not asked without one"
    );
    check_phone_layout(&mut b, "stability").await;
    b.tap_and_wait("button[name=_nav][value=next]").await;

    // Last page: free text, then finish.
    assert!(
        b.path().await.ends_with("/p/feedback"),
        "{}",
        b.path().await
    );
    b.type_into("#f-suggestions", "希望学校多组织校友交流活动。")
        .await;
    check_phone_layout(&mut b, "feedback").await;
    b.tap_and_wait("button[name=_nav][value=next]").await;

    assert!(b.path().await.ends_with("/done"), "{}", b.path().await);
    assert_eq!(b.text("h1").await, "感谢您完成问卷！");
    check_phone_layout(&mut b, "thank-you").await;
    b.screenshot("form-thank-you").await;
    b.close().await;

    // What was typed and tapped is what was stored.
    let all = response::Entity::find()
        .all(&app.state.db)
        .await
        .expect("responses");
    assert_eq!(all.len(), 1);
    let r = &all[0];
    assert_eq!(r.status, "complete");
    let a = &r.answers;
    assert_eq!(
        a["destination_type"],
        serde_json::json!({"choice": "employed"})
    );
    assert_eq!(
        a["status_date"],
        serde_json::json!({"year_month": "2024-07"})
    );
    assert_eq!(
        a["employer_name"],
        serde_json::json!({"text": "星河科技有限公司"})
    );
    assert_eq!(
        a["work_region"],
        serde_json::json!({"province": "44", "city": "4403", "county": false})
    );
    assert_eq!(a["monthly_salary"], serde_json::json!({"number": 12000}));
    assert_eq!(a["job_satisfaction"], serde_json::json!({"rating": 4}));
    assert_eq!(
        a["skills_to_improve"],
        serde_json::json!({"choices": ["data_analysis", "communication"]})
    );
    assert_eq!(a["job_changes"], serde_json::json!({"number": 0}));
    assert_eq!(
        a["suggestions"],
        serde_json::json!({"text": "希望学校多组织校友交流活动。"})
    );
    assert!(
        a.get("dissatisfaction_reasons").is_none(),
        "hidden question not stored"
    );
}
