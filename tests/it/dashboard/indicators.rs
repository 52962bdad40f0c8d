//! `/api/indicators`: scoped like the dashboard, deny by default, suppressed cells empty.
use axum::http::StatusCode;

use super::world::{CS, ECON, World, api, api_token};

storage_test! {
    async fn indicators_api_is_scoped(t) {
        let w = World::new(&t).await;
        let get = |token: Option<String>, q: &str| {
            let q = q.to_string();
            let app = &w.app;
            async move { api(app, "GET", &format!("/api/indicators?{q}"), token.as_deref(), None).await }
        };
        let (status, _) = get(None, "cohort=2024").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);

        let admin = api_token(&w.app, "admin1").await;
        let (status, body) = get(Some(admin.clone()), "cohort=2024&stage=year1").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let s = &body["groups"][0]["stages"][0];
        assert_eq!(s["stage"], "year1");
        // Nine graduates of 2024; four answered (one partial), so every figure is suppressed.
        assert_eq!(s["coverage"]["roster"], 9);
        assert_eq!(s["coverage"]["respondents"], 4);
        assert_eq!(s["coverage"]["low_coverage"], true);
        assert_eq!(s["placed_rate"], serde_json::json!({"suppressed": true}));
        assert_eq!(s["unemployed_share"], serde_json::json!({"suppressed": true}));

        let dept = api_token(&w.app, "dept1").await;
        let (status, body) = get(Some(dept.clone()), "cohort=2024&stage=year1&by=major").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let groups = body["groups"].as_array().expect("groups");
        assert_eq!(groups.len(), 2, "two CS majors only: {body}");
        assert!(groups.iter().all(|g| g["group"]["department"] == CS));
        let (status, _) = get(Some(dept), &format!("cohort=2024&department={ECON}")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        let class = api_token(&w.app, "class1").await;
        let (status, _) = get(Some(class), "cohort=2024").await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        let alum = api_token(&w.app, "alum1").await;
        let (status, body) = get(Some(alum.clone()), "cohort=2024&stage=year1").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["groups"][0]["stages"][0]["coverage"]["roster"], 5);
        assert!(body.get("employer").is_none());
        let (status, _) = get(Some(alum), "cohort=2023").await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        let (status, body) = get(Some(admin), "cohort=2024&by=class").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    }
}
