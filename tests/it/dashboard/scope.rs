//! The scope matrix: for every page, export and API route, each role sees exactly its scope,
//! and gets 403 (or nothing) outside it — guessed ids in URLs included.
use std::collections::BTreeSet;

use axum::http::StatusCode;
use gradtrace::store::entities::{audit_event, contact_note, invitation};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;

use super::world::{CS, ECON, STAFF, World, api, api_token, sign_in};

fn set<T: Ord>(it: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    it.into_iter().collect()
}

/// Student ids in the rows of a CSV export (after the header).
fn csv_keys(body: &str) -> BTreeSet<String> {
    body.trim_start_matches('\u{feff}')
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .map(str::to_string)
        .collect()
}

/// The class names at the leaves of an API rates tree.
fn api_classes(rates: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for d in rates["departments"].as_array().expect("departments") {
        for m in d["majors"].as_array().expect("majors") {
            for c in m["classes"].as_array().expect("classes") {
                out.insert(c["class_name"].as_str().expect("class").to_string());
            }
        }
    }
    out
}

storage_test! {
    async fn every_role_sees_exactly_its_scope_on_pages_exports_and_api(t) {
        let w = World::new(&t).await;
        let app = &w.app;
        let wave_id = w.wave.id;
        for (username, _, _) in STAFF {
            let visible = w.visible(username);
            let chase = w.to_chase(username);
            let mut client = sign_in(app, username).await;
            let token = api_token(app, username).await;

            // Rates page: the departments in scope, and no other.
            let page = client.get(&format!("/staff/waves/{wave_id}")).await;
            assert_eq!(page.status, StatusCode::OK, "{username}: {}", page.body);
            for dept in [CS, ECON] {
                let expected = visible.iter().any(|g| g.department == dept);
                assert_eq!(page.contains(dept), expected, "{username} rates page and {dept}");
            }
            // Drilled into a department outside the scope: an empty table.
            let page = client
                .get(&format!("/staff/waves/{wave_id}?department=%E7%BB%8F%E6%B5%8E%E5%AD%A6%E9%99%A2&major=%E9%87%91%E8%9E%8D%E5%AD%A6"))
                .await;
            assert_eq!(page.status, StatusCode::OK);
            let sees_econ = visible.iter().any(|g| g.department == ECON);
            assert_eq!(page.contains("金融2001"), sees_econ, "{username} drilled into 金融学");

            // Rates API: totals and the class leaves match the scope.
            let (status, rates) = api(app, "GET", &format!("/api/waves/{wave_id}/rates"), Some(&token), None).await;
            assert_eq!(status, StatusCode::OK, "{username}: {rates}");
            assert_eq!(rates["totals"]["invited"], visible.len() as i64, "{username} invited");
            let complete = visible.iter().filter(|g| w.complete.contains(&g.student_id)).count();
            assert_eq!(rates["totals"]["complete"], complete as i64, "{username} complete");
            assert_eq!(api_classes(&rates), set(visible.iter().map(|g| g.class_name.clone())), "{username} classes");

            // Chase list page: exactly the non-responders in scope.
            let page = client.get(&format!("/staff/waves/{wave_id}/chase")).await;
            assert_eq!(page.status, StatusCode::OK);
            for g in &w.cohort {
                let expected = chase.iter().any(|c| c.id == g.id);
                assert_eq!(page.contains(&g.name), expected, "{username} chase page and {}", g.name);
            }
            // …and through the API.
            let (status, list) = api(app, "GET", &format!("/api/waves/{wave_id}/chase?limit=500"), Some(&token), None).await;
            assert_eq!(status, StatusCode::OK, "{list}");
            let keys = set(list["rows"].as_array().expect("rows").iter().map(|r| r["key"].as_str().expect("key").to_string()));
            assert_eq!(keys, set(chase.iter().map(|g| g.student_id.clone())), "{username} chase API");
            assert_eq!(list["total"], chase.len() as i64);

            // CSV export: the same people, audited.
            let before = audit_event::Entity::find()
                .filter(audit_event::Column::Action.eq("chase.export"))
                .filter(audit_event::Column::Actor.eq(username))
                .count(&app.state.db)
                .await
                .expect("audit count");
            let csv = client.get(&format!("/staff/waves/{wave_id}/chase.csv")).await;
            assert_eq!(csv.status, StatusCode::OK);
            assert_eq!(csv_keys(&csv.body), set(chase.iter().map(|g| g.student_id.clone())), "{username} CSV");
            let after = audit_event::Entity::find()
                .filter(audit_event::Column::Action.eq("chase.export"))
                .filter(audit_event::Column::Actor.eq(username))
                .count(&app.state.db)
                .await
                .expect("audit count");
            assert_eq!(after, before + 1, "{username}'s export is audited");

            // Every invitation id, in scope or guessed: the card opens only inside the scope.
            let all = invitation::Entity::find().all(&app.state.db).await.expect("invitations");
            for inv in &all {
                let expected = match (inv.graduate_id, inv.employer_id) {
                    (Some(gid), _) => w.cohort.iter().any(|g| g.id == gid && crate::dashboard::world::in_scope(username, g))
                        || (inv.wave_id == w.last_year.id && matches!(username, "admin1" | "dept1")),
                    (None, Some(_)) => username == "admin1",
                    _ => false,
                };
                let page = client.get(&format!("/staff/invitations/{}", inv.id)).await;
                let want = if expected { StatusCode::OK } else { StatusCode::FORBIDDEN };
                assert_eq!(page.status, want, "{username} opening invitation {}", inv.id);
                let page = client.get(&format!("/staff/invitations/{}?show=link", inv.id)).await;
                assert_eq!(page.status, want, "{username} showing the link of invitation {}", inv.id);
                if expected {
                    assert!(page.contains("<svg"), "a QR code is shown");
                    assert!(page.contains("/s/"), "the personal link is shown");
                }
            }
            for guessed in [0, -1, 999_999] {
                let page = client.get(&format!("/staff/invitations/{guessed}")).await;
                assert_eq!(page.status, StatusCode::FORBIDDEN, "{username} guessing invitation {guessed}");
            }

            // Recording a contact outside the scope is refused and stores nothing.
            let outsider = w.cohort.iter().find(|g| !crate::dashboard::world::in_scope(username, g));
            if let Some(g) = outsider {
                let inv = w.invitation(g.id).await;
                let csrf = client.get("/staff").await.input("_csrf").expect("csrf");
                let notes = contact_note::Entity::find().count(&app.state.db).await.expect("count");
                let resp = client
                    .post(&format!("/staff/invitations/{}/contact", inv.id), &[("_csrf", &csrf), ("kind", "phoned"), ("note", "x")])
                    .await;
                assert_eq!(resp.status, StatusCode::FORBIDDEN, "{username} recording outside the scope");
                let resp = client
                    .post(&format!("/staff/invitations/{}/details", inv.id), &[("_csrf", &csrf), ("phone", "13900000000"), ("email", "")])
                    .await;
                assert_eq!(resp.status, StatusCode::FORBIDDEN, "{username} editing outside the scope");
                assert_eq!(contact_note::Entity::find().count(&app.state.db).await.expect("count"), notes);
            }

            // Employer waves: the employment office only, on every route.
            let e = w.employer_wave.id;
            let admin = username == "admin1";
            for path in [format!("/staff/waves/{e}"), format!("/staff/waves/{e}/chase"), format!("/staff/waves/{e}/chase.csv")] {
                let page = client.get(&path).await;
                assert_eq!(page.status == StatusCode::OK, admin, "{username} {path}: {}", page.status);
                if !admin {
                    assert_eq!(page.status, StatusCode::FORBIDDEN);
                }
            }
            for path in [format!("/api/waves/{e}/rates"), format!("/api/waves/{e}/chase")] {
                let (status, _) = api(app, "GET", &path, Some(&token), None).await;
                assert_eq!(status, if admin { StatusCode::OK } else { StatusCode::FORBIDDEN }, "{username} {path}");
            }
            let (_, waves) = api(app, "GET", "/api/waves", Some(&token), None).await;
            let listed = waves.as_array().expect("waves").iter().any(|x| x["id"] == e);
            assert_eq!(listed, admin, "{username} sees the employer wave listed");

            // Unknown waves look like forbidden ones.
            assert_eq!(client.get("/staff/waves/999999").await.status, StatusCode::FORBIDDEN);
            assert_eq!(client.get("/staff/waves/999999/chase").await.status, StatusCode::FORBIDDEN);
            let (status, _) = api(app, "GET", "/api/waves/999999/rates", Some(&token), None).await;
            assert_eq!(status, StatusCode::FORBIDDEN);
        }
    }
}

storage_test! {
    async fn employer_rates_and_chase_list_for_the_employment_office(t) {
        let w = World::new(&t).await;
        let token = api_token(&w.app, "admin1").await;
        let e = w.employer_wave.id;
        let (status, rates) = api(&w.app, "GET", &format!("/api/waves/{e}/rates"), Some(&token), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(rates["totals"]["invited"], 2);
        let groups = set(rates["employer_types"].as_array().expect("groups").iter().map(|g| g["group"].as_str().expect("group").to_string()));
        assert_eq!(groups, set(["private".to_string(), "state_owned".to_string()]));
        let (_, list) = api(&w.app, "GET", &format!("/api/waves/{e}/chase"), Some(&token), None).await;
        assert_eq!(list["total"], 2);
        let mut client = sign_in(&w.app, "admin1").await;
        let page = client.get(&format!("/staff/waves/{e}/chase")).await;
        assert!(page.contains("用人单位0") && page.contains("用人单位1"), "{}", page.body);
    }
}

storage_test! {
    async fn rates_drill_down_and_chart_compare_with_last_year(t) {
        let w = World::new(&t).await;
        let mut client = sign_in(&w.app, "dept1").await;
        let token = api_token(&w.app, "dept1").await;
        let (_, rates) = api(&w.app, "GET", &format!("/api/waves/{}/rates", w.wave.id), Some(&token), None).await;
        // 7 invited in 计算机学院 2024: 同学01 and 同学04 complete, 同学02 partial, 同学06 opened.
        let totals = &rates["totals"];
        assert_eq!(totals["invited"], 7);
        assert_eq!(totals["complete"], 2);
        assert_eq!(totals["partial"], 1);
        assert_eq!(totals["opened"], 4);
        assert_eq!(totals["consented"], 3);
        let rate = totals["rate"].as_f64().expect("rate");
        assert!((rate - 2.0 / 7.0).abs() < 1e-9, "rate {rate}");
        let dept = &rates["departments"][0];
        assert_eq!(dept["department"], CS);
        let majors: Vec<&str> = dept["majors"].as_array().expect("majors").iter().map(|m| m["major"].as_str().expect("major")).collect();
        assert_eq!(majors, ["网络工程", "软件工程"]);
        // The chart: completions on the day before "now" (day 0 opened yesterday).
        let daily = rates["daily"].as_array().expect("daily");
        assert_eq!(daily.last().expect("a day")["complete"], 2);
        // Last year's year-1 wave, same scope: 2 invited, 1 completed on day 3.
        let ly = &rates["last_year"];
        assert_eq!(ly["wave_id"], w.last_year.id);
        assert_eq!(ly["totals"]["invited"], 2);
        assert_eq!(ly["daily"].as_array().expect("days").iter().find(|d| d["day"] == 3).expect("day 3")["complete"], 1);
        // A class liaison had nobody in last year's wave: no comparison line rather than 0%.
        let class_token = api_token(&w.app, "class1").await;
        let (_, class_rates) = api(&w.app, "GET", &format!("/api/waves/{}/rates", w.wave.id), Some(&class_token), None).await;
        assert!(class_rates["totals"]["invited"].as_i64().expect("invited") > 0);
        assert!(class_rates["last_year"].is_null(), "{}", class_rates["last_year"]);

        // The page drills school → department → major → class, then to the class's chase list.
        let page = client.get(&format!("/staff/waves/{}", w.wave.id)).await;
        assert!(page.contains("<polyline"), "the chart is drawn");
        assert!(page.contains("stroke-dasharray=\"6 4\""), "last year is drawn beside it");
        let page = client.get(&format!("/staff/waves/{}?department={}", w.wave.id, urlencode(CS))).await;
        assert!(page.contains("软件工程") && page.contains("网络工程"));
        let page = client
            .get(&format!("/staff/waves/{}?department={}&major={}", w.wave.id, urlencode(CS), urlencode("软件工程")))
            .await;
        assert!(page.contains("软工2001") && page.contains("软工2002") && !page.contains("网工2001"));
        assert!(page.contains(&format!("/staff/waves/{}/chase?class={}", w.wave.id, urlencode("软工2001"))));
    }
}

pub fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
