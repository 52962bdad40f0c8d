//! The schema migrates and round-trips on both back-ends.
use gradtrace::store::entities::graduate;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

storage_test! {
    async fn migrations_apply_and_a_graduate_round_trips(t) {
        let now = chrono::Utc::now();
        let g = graduate::ActiveModel {
            student_id: Set("2025010001".into()),
            name: Set("王小明".into()),
            degree_level: Set("bachelor".into()),
            department: Set("计算机学院".into()),
            major: Set("软件工程".into()),
            class_name: Set("软工2101".into()),
            graduation_date: Set(chrono::NaiveDate::from_ymd_opt(2025, 6, 30).unwrap()),
            graduation_year: Set(2025),
            attributes: Set(serde_json::json!({})),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&t.db)
        .await
        .expect("insert");
        let back = graduate::Entity::find_by_id(g.id).one(&t.db).await.unwrap().unwrap();
        assert_eq!(back.name, "王小明");
        // Running the migrations again is a no-op, not an error.
        gradtrace::store::migrate(&t.db).await.expect("re-migrate");
    }
}
