//! The chase list's actions and one-person-one-plan files, as liaisons use them.
use axum::http::StatusCode;
use gradtrace::store::entities::{
    assistance_plan, audit_event, contact_note, graduate, invitation,
};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use super::world::{World, api, api_token, sign_in};

storage_test! {
    async fn class_liaison_records_a_phone_contact_and_new_details(t) {
        let w = World::new(&t).await;
        let app = &w.app;
        let mut client = sign_in(app, "class1").await;
        let g = w.cohort.iter().find(|g| g.name == "同学03").expect("同学03");
        let inv = w.invitation(g.id).await;
        let card = client.get(&format!("/staff/invitations/{}", inv.id)).await;
        assert_eq!(card.status, StatusCode::OK);
        assert!(card.contains("同学03") && card.contains(g.phone.as_deref().expect("phone")));
        assert!(card.contains("立即提醒") && card.contains(&format!("action=\"/staff/invitations/{}/remind\"", inv.id)), "remind now goes to the scheduler");
        let csrf = card.input("_csrf").expect("csrf");
        let resp = client
            .post(&format!("/staff/invitations/{}/contact", inv.id), &[("_csrf", &csrf), ("kind", "phoned"), ("note", "答应本周内填写")])
            .await;
        assert_eq!(resp.status, StatusCode::SEE_OTHER);
        let card = client.get(&format!("/staff/invitations/{}", inv.id)).await;
        assert!(card.contains("已电话联系") && card.contains("答应本周内填写"), "{}", card.body);
        let stored = invitation::Entity::find_by_id(inv.id).one(&app.state.db).await.expect("q").expect("inv");
        assert_eq!(stored.contact_state.as_deref(), Some("phoned"));
        // The chase list shows the contact and can be sorted by it.
        let list = client.get(&format!("/staff/waves/{}/chase?sort=last_activity", w.wave.id)).await;
        assert!(list.contains("已电话联系"));

        // Wrong number: hidden from the default list, shown on request, and counted as unreachable.
        let other = w.cohort.iter().find(|g| g.name == "同学02").expect("同学02");
        let inv2 = w.invitation(other.id).await;
        client.post(&format!("/staff/invitations/{}/contact", inv2.id), &[("_csrf", &csrf), ("kind", "wrong_number"), ("note", "")]).await;
        let list = client.get(&format!("/staff/waves/{}/chase", w.wave.id)).await;
        assert!(!list.contains("同学02"));
        let list = client.get(&format!("/staff/waves/{}/chase?unreachable=1", w.wave.id)).await;
        assert!(list.contains("同学02") && list.contains("号码错误"));
        let token = api_token(app, "class1").await;
        let (_, rates) = api(app, "GET", &format!("/api/waves/{}/rates", w.wave.id), Some(&token), None).await;
        assert_eq!(rates["totals"]["unreachable"], 1);

        // New contact details: a bad phone is refused and nothing changes; a good one is kept.
        let resp = client
            .post(&format!("/staff/invitations/{}/details", inv2.id), &[("_csrf", &csrf), ("phone", "call me"), ("email", "")])
            .await;
        assert_eq!(resp.status, StatusCode::BAD_REQUEST);
        let kept = graduate::Entity::find_by_id(other.id).one(&app.state.db).await.expect("q").expect("g");
        assert_eq!(kept.phone, other.phone);
        let resp = client
            .post(&format!("/staff/invitations/{}/details", inv2.id), &[("_csrf", &csrf), ("phone", "13912345678"), ("email", "new@example.edu")])
            .await;
        assert_eq!(resp.status, StatusCode::SEE_OTHER);
        let updated = graduate::Entity::find_by_id(other.id).one(&app.state.db).await.expect("q").expect("g");
        assert_eq!(updated.phone.as_deref(), Some("13912345678"));
        assert_eq!(updated.email.as_deref(), Some("new@example.edu"));
        let inv2 = invitation::Entity::find_by_id(inv2.id).one(&app.state.db).await.expect("q").expect("inv");
        assert_eq!(inv2.contact_state, None, "new details are untried");
        assert_eq!(contact_note::Entity::find().count(&app.state.db).await.expect("count"), 3);
        // Audited without personal data.
        let audits = audit_event::Entity::find()
            .filter(audit_event::Column::Actor.eq("class1"))
            .all(&app.state.db)
            .await
            .expect("audit");
        for a in &audits {
            let text = a.detail.to_string();
            assert!(!text.contains("1391234") && !text.contains("答应") && !text.contains("example.edu"), "{text}");
        }
        assert!(audits.iter().any(|a| a.action == "chase.contact"));
        assert!(audits.iter().any(|a| a.action == "chase.update_contact"));
        // A missing CSRF token changes nothing.
        let resp = client.post(&format!("/staff/invitations/{}/contact", inv.id), &[("kind", "unreachable")]).await;
        assert_eq!(resp.status, StatusCode::FORBIDDEN);
    }
}

storage_test! {
    async fn assistance_plans_open_from_answers_and_stay_in_scope(t) {
        let w = World::new(&t).await;
        let app = &w.app;
        // Class liaisons may not read answers, so they cannot open plans from them.
        let mut class = sign_in(app, "class1").await;
        let csrf = class.get("/staff").await.input("_csrf").expect("csrf");
        let resp = class.post(&format!("/staff/waves/{}/plans", w.wave.id), &[("_csrf", &csrf)]).await;
        assert_eq!(resp.status, StatusCode::FORBIDDEN);
        assert_eq!(assistance_plan::Entity::find().count(&app.state.db).await.expect("count"), 0);

        // The employment office opens them: two unemployed graduates, not the employed one.
        let mut admin = sign_in(app, "admin1").await;
        let csrf = admin.get("/staff").await.input("_csrf").expect("csrf");
        let resp = admin.post(&format!("/staff/waves/{}/plans", w.wave.id), &[("_csrf", &csrf)]).await;
        assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
        let plans = assistance_plan::Entity::find().all(&app.state.db).await.expect("plans");
        assert_eq!(plans.len(), 2);
        // Again: nothing new.
        admin.post(&format!("/staff/waves/{}/plans", w.wave.id), &[("_csrf", &csrf)]).await;
        assert_eq!(assistance_plan::Entity::find().count(&app.state.db).await.expect("count"), 2);

        let id_of = |name: &str| w.cohort.iter().find(|g| g.name == name).expect("graduate").id;
        let cs_plan = plans.iter().find(|p| p.graduate_id == id_of("同学01")).expect("plan of 同学01");
        let econ_plan = plans.iter().find(|p| p.graduate_id == id_of("同学08")).expect("plan of 同学08");
        assert_eq!(cs_plan.reasons, serde_json::json!(["destination:unemployed"]));
        assert_eq!(cs_plan.causes, serde_json::json!(["family", "job_search_skills"]));

        // Each liaison sees the plans of their own people.
        for (username, cs, econ) in [("admin1", true, true), ("dept1", true, false), ("econ1", false, true), ("class1", true, false), ("alum1", true, false)] {
            let token = api_token(app, username).await;
            let (_, list) = api(app, "GET", "/api/plans", Some(&token), None).await;
            let ids: Vec<i64> = list.as_array().expect("plans").iter().map(|p| p["id"].as_i64().expect("id")).collect();
            assert_eq!(ids.contains(&i64::from(cs_plan.id)), cs, "{username} and the CS plan");
            assert_eq!(ids.contains(&i64::from(econ_plan.id)), econ, "{username} and the ECON plan");
            let mut client = sign_in(app, username).await;
            for (plan, visible) in [(cs_plan, cs), (econ_plan, econ)] {
                let page = client.get(&format!("/staff/plans/{}", plan.id)).await;
                assert_eq!(page.status, if visible { StatusCode::OK } else { StatusCode::FORBIDDEN }, "{username} plan {}", plan.id);
                let (status, _) = api(app, "GET", &format!("/api/plans/{}", plan.id), Some(&token), None).await;
                assert_eq!(status, if visible { StatusCode::OK } else { StatusCode::FORBIDDEN });
            }
            assert_eq!(client.get("/staff/plans/999999").await.status, StatusCode::FORBIDDEN);
        }
        // Causes come from answers: department officers see them, class liaisons do not.
        let mut dept = sign_in(app, "dept1").await;
        let page = dept.get(&format!("/staff/plans/{}", cs_plan.id)).await;
        assert!(page.contains("家庭原因") && page.contains("求职技巧") && page.contains("尚未落实工作"), "{}", page.body);
        let page = class.get(&format!("/staff/plans/{}", cs_plan.id)).await;
        assert!(!page.contains("家庭原因") && !page.contains("求职技巧") && !page.contains("尚未落实工作"), "{}", page.body);
        let token = api_token(app, "class1").await;
        let (_, card) = api(app, "GET", &format!("/api/plans/{}", cs_plan.id), Some(&token), None).await;
        assert_eq!(card["causes"], serde_json::json!([]));
        assert_eq!(card["answers_withheld"], true);

        // The class liaison plans a follow-up; once its date comes it is listed as due.
        let csrf = page.input("_csrf").expect("csrf");
        let resp = class
            .post(&format!("/staff/plans/{}", cs_plan.id), &[("_csrf", &csrf), ("actions", "推荐参加校园招聘会"), ("owner", "class1"), ("status", "in_progress"), ("next_follow_up", "2025-09-10"), ("follow_up_note", "已电话沟通")])
            .await;
        assert_eq!(resp.status, StatusCode::SEE_OTHER);
        let resp = class
            .post(&format!("/staff/plans/{}", cs_plan.id), &[("_csrf", &csrf), ("actions", "x"), ("owner", "nobody"), ("status", "open"), ("next_follow_up", ""), ("follow_up_note", "")])
            .await;
        assert_eq!(resp.status, StatusCode::BAD_REQUEST, "an unknown owner is refused");
        let page = class.get(&format!("/staff/plans/{}", cs_plan.id)).await;
        assert!(page.contains("推荐参加校园招聘会") && page.contains("已电话沟通"));
        let (_, due) = api(app, "GET", "/api/plans?due=true", Some(&token), None).await;
        assert_eq!(due.as_array().expect("due").len(), 0, "not due yet on 2025-09-01");
        app.clock.advance(chrono::Duration::days(10));
        let token = api_token(app, "class1").await;
        let (_, due) = api(app, "GET", "/api/plans?due=true", Some(&token), None).await;
        assert_eq!(due.as_array().expect("due").len(), 1);
        assert_eq!(due[0]["owner"], "class1");
        // Ten days on, the old session has expired: sign in again.
        let mut class = sign_in(app, "class1").await;
        let home = class.get("/staff").await;
        assert!(home.contains("/staff/plans?due=1"), "the overview points at due follow-ups");
        // Outside the scope, the plan cannot be changed.
        let mut econ = sign_in(app, "econ1").await;
        let csrf = econ.get("/staff").await.input("_csrf").expect("csrf");
        let resp = econ
            .post(&format!("/staff/plans/{}", cs_plan.id), &[("_csrf", &csrf), ("actions", "x"), ("owner", ""), ("status", "closed"), ("next_follow_up", ""), ("follow_up_note", "")])
            .await;
        assert_eq!(resp.status, StatusCode::FORBIDDEN);
    }
}
