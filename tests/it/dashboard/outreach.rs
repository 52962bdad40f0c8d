//! Remind now (through the reminder scheduler, with its cool-down), the delivery log on the
//! invitee's card, the dead-letter list — each in the viewer's scope on pages and API — and
//! the OpenAPI document covering every API route.
use std::collections::BTreeSet;

use axum::http::StatusCode;
use chrono::Duration;
use gradtrace::store::entities::{contact_note, delivery, reminder};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::json;

use super::world::{STAFF, World, api, api_token, in_scope, sign_in};
use crate::app::test_now;

async fn manual_reminders(w: &World, invitation_id: i32) -> Vec<reminder::Model> {
    reminder::Entity::find()
        .filter(reminder::Column::InvitationId.eq(invitation_id))
        .filter(reminder::Column::Kind.eq("manual"))
        .all(&w.app.state.db)
        .await
        .expect("reminders")
}

storage_test! {
    async fn remind_now_goes_through_the_scheduler_once_per_cool_down(t) {
        let w = World::new(&t).await;
        let app = &w.app;
        let mut client = sign_in(app, "class1").await;
        let g = w.cohort.iter().find(|g| g.name == "同学03").expect("同学03");
        let inv = w.invitation(g.id).await;
        let chase = format!("/staff/waves/{}/chase", w.wave.id);
        let list = client.get(&chase).await;
        assert!(list.contains(&format!("action=\"/staff/invitations/{}/remind\"", inv.id)), "one tap from the list");
        let csrf = list.input("_csrf").expect("csrf");
        let back = format!("{chase}?sort=class&page=0");

        // From the chase list: queued, and back on the list with the result beside the person.
        let resp = client
            .post(&format!("/staff/invitations/{}/remind", inv.id), &[("_csrf", &csrf), ("back", &back)])
            .await;
        assert_eq!(resp.status, StatusCode::SEE_OTHER);
        let to = resp.location.clone().expect("redirect");
        assert!(to.starts_with(&back) && to.contains("remind=queued"), "{to}");
        let rows = manual_reminders(&w, inv.id).await;
        assert_eq!(rows.len(), 1, "one manual reminder row");
        assert_eq!(rows[0].state, "pending");
        assert_eq!(rows[0].actor.as_deref(), Some("class1"));
        let list = client.get(&to).await;
        assert!(list.contains("已加入提醒队列"), "{}", list.body);
        // The attempt is recorded on the card and counts as activity on the list.
        let notes = contact_note::Entity::find()
            .filter(contact_note::Column::InvitationId.eq(inv.id))
            .all(&app.state.db)
            .await
            .expect("notes");
        assert_eq!(notes.iter().filter(|n| n.kind == "reminded").count(), 1);
        let card = client.get(&format!("/staff/invitations/{}", inv.id)).await;
        assert!(card.contains("已请求提醒") && card.contains("立即提醒") && card.contains("等待发送"), "{}", card.body);

        // Again within the cool-down: refused, nothing queued, the reason shown.
        let resp = client
            .post(&format!("/staff/invitations/{}/remind", inv.id), &[("_csrf", &csrf)])
            .await;
        let to = resp.location.clone().expect("redirect");
        assert!(to.contains("remind=cooldown"), "{to}");
        assert_eq!(manual_reminders(&w, inv.id).await.len(), 1);
        let card = client.get(&to).await;
        assert!(card.contains("小时内已被提醒过"), "{}", card.body);

        // After the cool-down it works again.
        let cooldown = app.state.scheduler.settings.cooldown;
        app.clock.advance(cooldown + Duration::minutes(1));
        // (A fresh session: the cool-down may outlast the old one.)
        let mut client = sign_in(app, "class1").await;
        let csrf = client.get("/staff").await.input("_csrf").expect("csrf");
        let resp = client
            .post(&format!("/staff/invitations/{}/remind", inv.id), &[("_csrf", &csrf)])
            .await;
        assert!(resp.location.expect("redirect").contains("remind=queued"));
        assert_eq!(manual_reminders(&w, inv.id).await.len(), 2);

        // The API: 202, then 409 within the cool-down; 400 for someone who answered.
        let token = api_token(app, "class1").await;
        let g5 = w.cohort.iter().find(|g| g.name == "同学05" && in_scope("class1", g));
        let g1 = w.cohort.iter().find(|g| g.name == "同学01").expect("同学01");
        let target = g5.unwrap_or(g1);
        let inv5 = w.invitation(target.id).await;
        let (status, body) = api(app, "POST", &format!("/api/invitations/{}/remind", inv5.id), Some(&token), None).await;
        if w.complete.contains(&target.student_id) {
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        } else {
            assert_eq!(status, StatusCode::ACCEPTED, "{body}");
            assert!(body["reminder_id"].as_i64().is_some());
            let (status, _) = api(app, "POST", &format!("/api/invitations/{}/remind", inv5.id), Some(&token), None).await;
            assert_eq!(status, StatusCode::CONFLICT);
        }
        let inv1 = w.invitation(g1.id).await;
        let (status, body) = api(app, "POST", &format!("/api/invitations/{}/remind", inv1.id), Some(&token), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "同学01 completed: {body}");
        assert!(manual_reminders(&w, inv1.id).await.is_empty());
        // Without the CSRF token the page refuses.
        let resp = client.post(&format!("/staff/invitations/{}/remind", inv.id), &[]).await;
        assert_eq!(resp.status, StatusCode::FORBIDDEN);
    }
}

storage_test! {
    async fn remind_now_and_the_logs_stay_inside_the_scope(t) {
        let w = World::new(&t).await;
        let app = &w.app;
        let db = &app.state.db;
        let now = test_now();
        // A plan reminder to every 2024 graduate: delivered to the first, dead for the rest.
        for (n, g) in w.cohort.iter().enumerate() {
            let inv = w.invitation(g.id).await;
            let dead = n > 0;
            let r = reminder::ActiveModel {
                invitation_id: Set(inv.id),
                wave_id: Set(w.wave.id),
                kind: Set("reminder".into()),
                seq: Set(1),
                planned_at: Set(now - Duration::hours(3)),
                due_at: Set(now - Duration::hours(3)),
                state: Set(if dead { "dead" } else { "sent" }.into()),
                attempts: Set(if dead { 3 } else { 1 }),
                channel: Set(Some("email".into())),
                last_error: Set(dead.then(|| "550 mailbox unavailable".to_string())),
                sent_at: Set((!dead).then_some(now - Duration::hours(3))),
                created_at: Set(now - Duration::days(1)),
                updated_at: Set(now - Duration::hours(3)),
                ..Default::default()
            }
            .insert(db)
            .await
            .expect("reminder");
            delivery::ActiveModel {
                reminder_id: Set(r.id),
                invitation_id: Set(inv.id),
                attempt: Set(1),
                channel: Set("email".into()),
                outcome: Set(if dead { "dead" } else { "sent" }.into()),
                provider_reply: Set(Some(if dead { "550 mailbox unavailable" } else { "250 OK" }.into())),
                at: Set(now - Duration::hours(3)),
                ..Default::default()
            }
            .insert(db)
            .await
            .expect("delivery");
        }
        let dead_people: Vec<_> = w.cohort.iter().skip(1).collect();
        for (username, _, _) in STAFF {
            let mut client = sign_in(app, username).await;
            let token = api_token(app, username).await;
            // Dead letters: exactly the people in scope, on the page and through the API.
            let page = client.get(&format!("/staff/waves/{}/dead", w.wave.id)).await;
            assert_eq!(page.status, StatusCode::OK, "{username}");
            for g in &dead_people {
                assert_eq!(page.contains(&g.name), in_scope(username, g), "{username} dead list and {}", g.name);
            }
            let (status, list) = api(app, "GET", &format!("/api/waves/{}/dead-letters", w.wave.id), Some(&token), None).await;
            assert_eq!(status, StatusCode::OK, "{list}");
            let names: BTreeSet<String> = list.as_array().expect("rows").iter().map(|r| r["name"].as_str().expect("name").to_string()).collect();
            let expected: BTreeSet<String> = dead_people.iter().filter(|g| in_scope(username, g)).map(|g| g.name.clone()).collect();
            assert_eq!(names, expected, "{username} dead letters API");
            // Employer waves: the employment office only.
            let e = w.employer_wave.id;
            let admin = username == "admin1";
            let page = client.get(&format!("/staff/waves/{e}/dead")).await;
            assert_eq!(page.status, if admin { StatusCode::OK } else { StatusCode::FORBIDDEN }, "{username}");
            let (status, _) = api(app, "GET", &format!("/api/waves/{e}/dead-letters"), Some(&token), None).await;
            assert_eq!(status, if admin { StatusCode::OK } else { StatusCode::FORBIDDEN }, "{username}");
            let (status, _) = api(app, "GET", "/api/waves/999999/dead-letters", Some(&token), None).await;
            assert_eq!(status, StatusCode::FORBIDDEN);

            // Every person's card, log, link and actions through the API: in scope only.
            for g in &w.cohort {
                let inv = w.invitation(g.id).await;
                let inside = in_scope(username, g);
                let want = if inside { StatusCode::OK } else { StatusCode::FORBIDDEN };
                let (status, card) = api(app, "GET", &format!("/api/invitations/{}", inv.id), Some(&token), None).await;
                assert_eq!(status, want, "{username} card of {}", g.name);
                if inside {
                    assert_eq!(card["name"], g.name.as_str());
                }
                let (status, log) = api(app, "GET", &format!("/api/invitations/{}/reminders", inv.id), Some(&token), None).await;
                assert_eq!(status, want, "{username} log of {}", g.name);
                if inside {
                    let outcome = log["attempts"][0]["outcome"].as_str().expect("outcome");
                    assert!(outcome == "sent" || outcome == "dead");
                    let page = client.get(&format!("/staff/invitations/{}", inv.id)).await;
                    assert!(page.contains("已送达") || page.contains("最终失败"), "{}", page.body);
                }
                let (status, link) = api(app, "GET", &format!("/api/invitations/{}/link", inv.id), Some(&token), None).await;
                assert_eq!(status, want, "{username} link of {}", g.name);
                if inside {
                    assert!(link["qr_svg"].as_str().expect("svg").contains("<svg"));
                    assert!(link["link"].as_str().expect("link").contains("/s/"));
                }
                if !inside {
                    let before = reminder::Entity::find().count(db).await.expect("count");
                    let (status, _) = api(app, "POST", &format!("/api/invitations/{}/remind", inv.id), Some(&token), None).await;
                    assert_eq!(status, StatusCode::FORBIDDEN, "{username} reminding {}", g.name);
                    let csrf = client.get("/staff").await.input("_csrf").expect("csrf");
                    let page = client.post(&format!("/staff/invitations/{}/remind", inv.id), &[("_csrf", &csrf)]).await;
                    assert_eq!(page.status, StatusCode::FORBIDDEN, "{username} reminding {} on the page", g.name);
                    let (status, _) = api(app, "POST", &format!("/api/invitations/{}/contact", inv.id), Some(&token), Some(json!({"kind": "phoned", "note": "x"}))).await;
                    assert_eq!(status, StatusCode::FORBIDDEN, "{username} recording for {}", g.name);
                    assert_eq!(reminder::Entity::find().count(db).await.expect("count"), before, "nothing queued");
                }
            }
            for guessed in [0, -1, 999_999] {
                for path in [format!("/api/invitations/{guessed}"), format!("/api/invitations/{guessed}/reminders"), format!("/api/invitations/{guessed}/link")] {
                    let (status, _) = api(app, "GET", &path, Some(&token), None).await;
                    assert_eq!(status, StatusCode::FORBIDDEN, "{username} {path}");
                }
                let (status, _) = api(app, "POST", &format!("/api/invitations/{guessed}/remind"), Some(&token), None).await;
                assert_eq!(status, StatusCode::FORBIDDEN, "{username} guessing {guessed}");
            }
        }
        // A contact through the API, in scope: recorded.
        let token = api_token(app, "class1").await;
        let g = w.cohort.iter().find(|g| in_scope("class1", g) && !w.complete.contains(&g.student_id)).expect("someone to chase");
        let inv = w.invitation(g.id).await;
        let (status, _) = api(app, "POST", &format!("/api/invitations/{}/contact", inv.id), Some(&token), Some(json!({"kind": "phoned", "note": "下午回电"}))).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, card) = api(app, "GET", &format!("/api/invitations/{}", inv.id), Some(&token), None).await;
        assert_eq!(card["contact_state"], "phoned");
        assert_eq!(card["notes"][0]["note"], "下午回电");
        let (status, _) = api(app, "POST", &format!("/api/invitations/{}/contact", inv.id), Some(&token), Some(json!({"kind": "shouted"}))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
}

storage_test! {
    async fn the_openapi_document_covers_every_api_route(t) {
        let w = World::new(&t).await;
        let (status, doc) = api(&w.app, "GET", "/api/openapi.json", None, None).await;
        assert_eq!(status, StatusCode::OK);
        let paths = doc["paths"].as_object().expect("paths");
        for (method, path) in gradtrace::dashboard::api::ROUTES {
            assert!(paths.get(path).and_then(|p| p.get(method)).is_some(), "{method} {path} is documented");
            // …and really served: without a token it asks for one (never 404 or 405).
            let concrete = path.replace("{id}", "1");
            let (status, _) = api(&w.app, &method.to_uppercase(), &concrete, None, if method == "post" { Some(json!({})) } else { None }).await;
            let expected = if path == "/api/login" { StatusCode::BAD_REQUEST } else { StatusCode::UNAUTHORIZED };
            assert_eq!(status, expected, "{method} {path}");
        }
        let documented: usize = paths.values().map(|p| p.as_object().expect("ops").len()).sum();
        assert_eq!(documented, gradtrace::dashboard::api::ROUTES.len(), "no undocumented extras either way");
        // The API CSV export: the class liaison's non-responders, as on the page.
        let token = api_token(&w.app, "class1").await;
        let req = axum::http::Request::get(format!("/api/waves/{}/chase.csv", w.wave.id))
            .header(axum::http::header::AUTHORIZATION, format!("Bearer {token}"))
            .body(axum::body::Body::empty())
            .expect("request");
        use tower::ServiceExt;
        let resp = w.app.router.clone().oneshot(req).await.expect("response");
        assert_eq!(resp.status(), StatusCode::OK);
        let body = http_body_util::BodyExt::collect(resp.into_body()).await.expect("body").to_bytes();
        let text = String::from_utf8_lossy(&body).to_string();
        for g in &w.cohort {
            let expected = in_scope("class1", g) && !w.complete.contains(&g.student_id);
            assert_eq!(text.contains(&g.student_id), expected, "{} in the class1 CSV", g.name);
        }
    }
}
