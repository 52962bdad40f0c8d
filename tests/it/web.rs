//! The web form, driven over HTTP as a graduate on a phone would: notice, pages, resume,
//! double taps, bad links. Runs on SQLite and PostgreSQL.
use std::collections::BTreeMap;

use axum::http::StatusCode;
use gradtrace::store::entities::{consent_event, response};
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::app::{Client, Page, TestApp};

pub(crate) type Plan = BTreeMap<&'static str, Vec<(&'static str, &'static str)>>;

/// Answers every page shown with the plan's fields, until the thank-you page.
/// Returns the ids of the questions shown along the way.
async fn fill(client: &mut Client, link: &str, plan: &Plan) -> (Page, Vec<String>) {
    let (mut path, mut page) = client.open(link).await;
    if page.contains("name=\"consent\"") {
        let csrf = page.input("_csrf").expect("csrf on notice");
        let resp = client
            .post(
                &format!("{link}/consent"),
                &[("_csrf", &csrf), ("consent", "accept")],
            )
            .await;
        assert_eq!(resp.status, StatusCode::SEE_OTHER);
        (path, page) = client.open(link).await;
    }
    let mut shown = Vec::new();
    for _ in 0..20 {
        if path.ends_with("/done") {
            return (page, shown);
        }
        assert_eq!(page.status, StatusCode::OK, "page {path}: {}", page.body);
        let ids = page.question_ids();
        let csrf = page.input("_csrf").expect("csrf");
        let rev = page.input("_rev").expect("revision");
        let mut fields: Vec<(&str, &str)> =
            vec![("_csrf", &csrf), ("_rev", &rev), ("_nav", "next")];
        for id in &ids {
            if let Some(values) = plan.get(id.as_str()) {
                fields.extend(values.iter().copied());
            }
        }
        shown.extend(ids);
        let resp = client.post(&path, &fields).await;
        assert_eq!(
            resp.status,
            StatusCode::SEE_OTHER,
            "submit {path} refused: {}",
            resp.body
        );
        (path, page) = client
            .open(resp.location.as_deref().expect("redirect"))
            .await;
    }
    panic!("never reached the thank-you page");
}

pub(crate) fn employed_plan() -> Plan {
    BTreeMap::from([
        ("destination_type", vec![("destination_type", "employed")]),
        (
            "status_date",
            vec![("status_date__year", "2024"), ("status_date__month", "7")],
        ),
        ("employer_name", vec![("employer_name", "星河科技有限公司")]),
        ("employer_type", vec![("employer_type", "private")]),
        ("industry", vec![("industry", "i")]),
        (
            "work_region",
            vec![
                ("work_region__province", "44"),
                ("work_region__city", "4403"),
            ],
        ),
        ("monthly_salary", vec![("monthly_salary", "12,000")]),
        ("major_match", vec![("major_match", "4")]),
        ("interest_match", vec![("interest_match", "3")]),
        ("skills_use", vec![("skills_use", "4")]),
        ("job_satisfaction", vec![("job_satisfaction", "4")]),
        (
            "skills_to_improve",
            vec![
                ("skills_to_improve", "data_analysis"),
                ("skills_to_improve", "communication"),
            ],
        ),
        ("job_changes", vec![("job_changes", "0")]),
    ])
}

fn study_plan() -> Plan {
    BTreeMap::from([
        (
            "destination_type",
            vec![("destination_type", "further_study")],
        ),
        (
            "status_date",
            vec![("status_date__year", "2024"), ("status_date__month", "9")],
        ),
        ("study_institution", vec![("study_institution", "浙江大学")]),
        ("study_level", vec![("study_level", "master")]),
        ("study_field_match", vec![("study_field_match", "5")]),
        ("job_changes", vec![("job_changes", "0")]),
    ])
}

async fn stored(app: &TestApp) -> response::Model {
    let all = response::Entity::find()
        .all(&app.state.db)
        .await
        .expect("responses");
    assert_eq!(all.len(), 1, "exactly one response");
    all.into_iter().next().expect("one")
}

storage_test! {
    async fn year1_employed_branch_completes_and_stores_typed_answers(t) {
        let app = TestApp::new(&t).await;
        let g = app.graduates(2024, 1).await;
        let w = app.wave("year1", 2024).await;
        let link = app.link(&w, g[0].id).await;
        let mut client = app.client();
        let (done, shown) = fill(&mut client, &link, &employed_plan()).await;
        assert!(done.contains("感谢您完成问卷"), "thank-you page: {}", done.body);
        // Branching: the job questions were asked, the study and support ones were not.
        assert!(shown.contains(&"monthly_salary".to_string()));
        assert!(!shown.iter().any(|q| q == "study_institution" || q == "slow_employment_causes"));
        let r = stored(&app).await;
        assert_eq!(r.status, "complete");
        assert_eq!(r.consent_channel.as_deref(), Some("web"));
        assert_eq!(r.consent_notice_version, Some(1));
        let a = &r.answers;
        assert_eq!(a["destination_type"], serde_json::json!({"choice": "employed"}));
        assert_eq!(a["monthly_salary"], serde_json::json!({"number": 12000}));
        assert_eq!(a["status_date"], serde_json::json!({"year_month": "2024-07"}));
        assert_eq!(a["work_region"], serde_json::json!({"province": "44", "city": "4403", "county": false}));
        assert_eq!(a["skills_to_improve"], serde_json::json!({"choices": ["data_analysis", "communication"]}));
        assert_eq!(a["employer_name"], serde_json::json!({"text": "星河科技有限公司"}));
        assert!(a.get("study_institution").is_none());
        // The optional question left blank is recorded as passed over.
        assert_eq!(a["job_title"], serde_json::json!({"skipped": true}));
    }
}

storage_test! {
    async fn year1_further_study_branch_skips_the_job_pages(t) {
        let app = TestApp::new(&t).await;
        let g = app.graduates(2024, 1).await;
        let w = app.wave("year1", 2024).await;
        let link = app.link(&w, g[0].id).await;
        let mut client = app.client();
        client.accept_language = "en-US,en;q=0.9".into();
        let (done, shown) = fill(&mut client, &link, &study_plan()).await;
        assert!(done.contains("Thank you for completing the survey"), "{}", done.body);
        assert!(shown.contains(&"study_institution".to_string()));
        assert!(!shown.iter().any(|q| q == "monthly_salary" || q == "employer_name"));
        let r = stored(&app).await;
        assert_eq!(r.status, "complete");
        assert_eq!(r.answers["study_level"], serde_json::json!({"choice": "master"}));
        assert!(r.answers.get("monthly_salary").is_none());
    }
}

storage_test! {
    async fn graduate_resumes_on_another_phone_where_they_stopped(t) {
        let app = TestApp::new(&t).await;
        let g = app.graduates(2024, 1).await;
        let w = app.wave("year1", 2024).await;
        let link = app.link(&w, g[0].id).await;
        let mut phone = app.client();
        let (_, notice) = phone.open(&link).await;
        let csrf = notice.input("_csrf").expect("csrf");
        phone.post(&format!("{link}/consent"), &[("_csrf", &csrf), ("consent", "accept")]).await;
        let (path, first) = phone.open(&link).await;
        assert!(path.ends_with("/p/destination"), "{path}");
        let csrf = first.input("_csrf").expect("csrf");
        let rev = first.input("_rev").expect("rev");
        let resp = phone
            .post(&path, &[("_csrf", &csrf), ("_rev", &rev), ("_nav", "next"), ("destination_type", "employed"),
                ("status_date__year", "2024"), ("status_date__month", "8")])
            .await;
        assert_eq!(resp.status, StatusCode::SEE_OTHER);

        // Days later, on another phone (no cookies): straight to the second page.
        app.clock.advance(chrono::Duration::days(3));
        let mut other = app.client();
        let (path, page) = other.open(&link).await;
        assert!(path.ends_with("/p/job"), "resumed at {path}");
        assert!(page.contains("第 2 页"), "progress shown");
        // Going back shows what was answered on the first phone.
        let (_, first_again) = other.open(&format!("{link}/p/destination")).await;
        assert!(first_again.body.contains("value=\"employed\" checked"), "earlier answer shown");
        // A page beyond the first unfinished one cannot be skipped to.
        let (path, _) = other.open(&format!("{link}/p/stability")).await;
        assert!(path.ends_with("/p/job"), "{path}");
    }
}

storage_test! {
    async fn a_double_tapped_submit_saves_once_and_skips_nothing(t) {
        let app = TestApp::new(&t).await;
        let g = app.graduates(2024, 1).await;
        let w = app.wave("year1", 2024).await;
        let link = app.link(&w, g[0].id).await;
        let mut client = app.client();
        let (_, notice) = client.open(&link).await;
        let csrf = notice.input("_csrf").expect("csrf");
        client.post(&format!("{link}/consent"), &[("_csrf", &csrf), ("consent", "accept")]).await;
        let (path, page) = client.open(&link).await;
        let csrf = page.input("_csrf").expect("csrf");
        let rev = page.input("_rev").expect("rev");
        let fields = [("_csrf", csrf.as_str()), ("_rev", rev.as_str()), ("_nav", "next"), ("destination_type", "unemployed")];
        let first = client.post(&path, &fields).await;
        let second = client.post(&path, &fields).await;
        assert_eq!(first.status, StatusCode::SEE_OTHER);
        assert_eq!(second.status, StatusCode::SEE_OTHER);
        assert_eq!(first.location, second.location, "both taps lead to the same next page");
        let r = stored(&app).await;
        assert_eq!(r.revision, rev.parse::<i32>().expect("int") + 1, "saved exactly once");
        assert_eq!(r.answers["destination_type"], serde_json::json!({"choice": "unemployed"}));
        // A stale page with *different* answers does not overwrite: it is shown again, stored.
        let third = client.post(&path, &[("_csrf", &csrf), ("_rev", &rev), ("_nav", "next"), ("destination_type", "slow_employment")]).await;
        assert_eq!(third.status, StatusCode::SEE_OTHER);
        assert!(third.location.as_deref().unwrap_or("").ends_with("/p/destination"));
        assert_eq!(stored(&app).await.answers["destination_type"], serde_json::json!({"choice": "unemployed"}));
    }
}

storage_test! {
    async fn refusing_consent_saves_nothing_and_can_be_undone(t) {
        let app = TestApp::new(&t).await;
        let g = app.graduates(2024, 1).await;
        let w = app.wave("year1", 2024).await;
        let link = app.link(&w, g[0].id).await;
        let mut client = app.client();
        let (_, notice) = client.open(&link).await;
        assert!(notice.contains("个人信息"), "privacy notice first: {}", notice.body);
        assert!(!notice.contains("name=\"destination_type\""), "no question before consent");
        let csrf = notice.input("_csrf").expect("csrf");
        let declined = client.post(&format!("{link}/consent"), &[("_csrf", &csrf), ("consent", "decline")]).await;
        assert_eq!(declined.status, StatusCode::OK);
        assert!(declined.contains("不会收集"), "{}", declined.body);
        let r = stored(&app).await;
        assert_eq!(r.status, "declined");
        assert_eq!(r.answers, serde_json::json!({}));
        // Pages stay closed: straight back to the notice.
        let (path, page) = client.open(&format!("{link}/p/destination")).await;
        assert_eq!(path, link);
        assert!(page.contains("name=\"consent\""));
        // Posting answers anyway changes nothing.
        let sneaky = client.post(&format!("{link}/p/destination"), &[("_csrf", &csrf), ("_rev", "1"), ("destination_type", "employed")]).await;
        assert_eq!(sneaky.status, StatusCode::SEE_OTHER);
        assert_eq!(stored(&app).await.answers, serde_json::json!({}));
        // Changing one's mind works, and both decisions are on record.
        client.post(&format!("{link}/consent"), &[("_csrf", &csrf), ("consent", "accept")]).await;
        assert_eq!(stored(&app).await.status, "consented");
        assert_eq!(consent_event::Entity::find().count(&app.state.db).await.expect("count"), 2);
    }
}

storage_test! {
    async fn bad_links_get_a_clear_page_in_the_respondents_language(t) {
        let app = TestApp::new(&t).await;
        let g = app.graduates(2024, 2).await;
        let w = app.wave("year1", 2024).await;
        let link = app.link(&w, g[0].id).await;
        let mut client = app.client();

        let garbage = client.get("/s/not-a-token").await;
        assert_eq!(garbage.status, StatusCode::NOT_FOUND);
        assert!(garbage.contains("链接无效") && garbage.contains("联系"), "{}", garbage.body);

        // Signed with another key.
        let other = gradtrace::wave::token::TokenKeys::from_secret("another-secret-another-secret-another-1").expect("keys");
        let inv = gradtrace::store::entities::invitation::Entity::find().all(&app.state.db).await.expect("invs");
        let forged = gradtrace::wave::token::issue(&other, &w, &inv[0]).expect("sign");
        let resp = client.get(&format!("/s/{forged}")).await;
        assert_eq!(resp.status, StatusCode::NOT_FOUND);

        // A real token whose claims were edited (tampered payload, original signature).
        let token = link.trim_start_matches("/s/");
        let parts: Vec<&str> = token.split('.').collect();
        let tampered = format!("{}.{}x.{}", parts[0], parts[1], parts[2]);
        assert_eq!(client.get(&format!("/s/{tampered}")).await.status, StatusCode::NOT_FOUND);

        // Claims pointing at this wave with another wave's invitation.
        let w2 = app.wave("graduation", 2024).await;
        let inv2 = gradtrace::store::entities::invitation::Entity::find_by_id(inv.last().expect("inv").id + 1).one(&app.state.db).await.expect("q").expect("w2 invitation");
        assert_eq!(inv2.wave_id, w2.id);
        let moved = gradtrace::wave::token::sign(&app.state.keys, &gradtrace::wave::token::Claims {
            w: w.id, i: inv2.id, aud: "graduate".into(), exp: (crate::app::test_now() + chrono::Duration::days(60)).timestamp(),
        }).expect("sign");
        assert_eq!(client.get(&format!("/s/{moved}")).await.status, StatusCode::NOT_FOUND);

        // English speakers read it in English.
        client.accept_language = "en".into();
        let en = client.get("/s/not-a-token").await;
        assert!(en.contains("This link is not valid"), "{}", en.body);

        // After the wave closes the link says so; 30 days later it has expired.
        app.clock.advance(chrono::Duration::days(31));
        let (_, closed) = client.open(&link).await;
        assert!(closed.contains("The survey is closed"), "{}", closed.body);
        app.clock.advance(chrono::Duration::days(31));
        let expired = client.get(&link).await;
        assert_eq!(expired.status, StatusCode::GONE);
        assert!(expired.contains("expired"));
        // Nothing about the error leaks internals.
        assert!(!expired.contains("Unauthorized") && !expired.contains("panicked"));
    }
}

storage_test! {
    async fn guessing_links_is_locked_out(t) {
        let app = TestApp::new(&t).await;
        let mut client = app.client();
        let mut last = StatusCode::OK;
        for i in 0..12 {
            last = client.get(&format!("/s/guess-{i}")).await.status;
        }
        assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    }
}

storage_test! {
    async fn input_is_escaped_validated_and_protected(t) {
        let app = TestApp::new(&t).await;
        let g = app.graduates(2024, 1).await;
        let w = app.wave("year1", 2024).await;
        let link = app.link(&w, g[0].id).await;
        let mut client = app.client();
        let (_, notice) = client.open(&link).await;
        // Security headers on every page.
        let csp = notice.headers.get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or("");
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"), "{csp}");
        assert_eq!(notice.headers.get("x-frame-options").and_then(|v| v.to_str().ok()), Some("DENY"));
        let csrf = notice.input("_csrf").expect("csrf");
        // No CSRF token, no consent.
        let forged = client.post(&format!("{link}/consent"), &[("consent", "accept")]).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        client.post(&format!("{link}/consent"), &[("_csrf", &csrf), ("consent", "accept")]).await;
        let (path, page) = client.open(&link).await;
        let rev = page.input("_rev").expect("rev");
        client.post(&path, &[("_csrf", &csrf), ("_rev", &rev), ("_nav", "next"), ("destination_type", "employed"),
            ("status_date__year", "2024"), ("status_date__month", "7")]).await;
        let (path, page) = client.open(&link).await;
        assert!(path.ends_with("/p/job"));
        let rev = page.input("_rev").expect("rev");
        // A script in a text box comes back as text; a word in a number box is an inline error.
        let resp = client.post(&path, &[("_csrf", &csrf), ("_rev", &rev), ("_nav", "next"),
            ("employer_name", "<script>alert(1)</script>"), ("monthly_salary", "很多")]).await;
        assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(!resp.body.contains("<script>alert(1)</script>"));
        let at = resp.body.find("name=\"employer_name\"").expect("employer field");
        assert!(resp.body.contains("&#60;script&#62;alert(1)&#60;/script&#62;"), "{}", &resp.body[at..at + 200]);
        assert!(resp.contains("class=\"summary\"") && resp.contains("请填写一个数字"), "{}", resp.body);
        // An absurd salary is refused with the bound, and nothing of the page is saved.
        let resp = client.post(&path, &[("_csrf", &csrf), ("_rev", &rev), ("_nav", "next"),
            ("employer_name", "某公司"), ("employer_type", "private"), ("industry", "i"),
            ("work_region__province", "44"), ("work_region__city", "4403"), ("monthly_salary", "99999999")]).await;
        assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(resp.contains("不能大于"), "{}", resp.body);
        assert!(stored(&app).await.answers.get("employer_name").is_none());
        // Oversized bodies are refused.
        let big = "x".repeat(100_000);
        let resp = client.post(&path, &[("_csrf", &csrf), ("employer_name", &big)]).await;
        assert_eq!(resp.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", resp.body);
    }
}
