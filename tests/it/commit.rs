//! The group committer (`store::commit`): jobs applied together, a failed guard failing only
//! its own job, and values written as sqlx writes them.
use futures::future::join_all;
use gradtrace::bot::Platform;
use gradtrace::bot::store as chat;
use gradtrace::error::Error;
use gradtrace::store::commit::{Committer, Write};
use gradtrace::store::entities::chat_inbound;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder, Statement, Value};

storage_test! {
    async fn a_failed_guard_fails_its_own_job_and_no_other(t) {
        let committer = Committer::start(t.db.clone(), &t.full_url()).await.expect("committer");
        let backend = t.db.get_database_backend();
        let now = chrono::Utc::now();
        let jobs = (0..40).map(|i| {
            let mut writes =
                vec![chat::plan_sighting(backend, Platform::WeChat, &format!("k{i:02}"), now)];
            if i == 7 {
                // A guarded update of a row that is not there: must touch one row, touches none.
                let q = Query::update()
                    .table(chat_inbound::Entity)
                    .value(chat_inbound::Column::EventKey, "never")
                    .and_where(Expr::col(chat_inbound::Column::Id).eq(-1))
                    .to_owned();
                writes.push(Write::new(backend, &q).expecting(1));
            }
            writes
        });
        // Submitted at once, so that they share transactions.
        let results = join_all(jobs.map(|w| committer.commit(w))).await;
        for (i, r) in results.iter().enumerate() {
            match i {
                7 => assert!(matches!(r, Err(Error::Conflict(_))), "{r:?}"),
                _ => assert!(r.is_ok(), "job {i}: {r:?}"),
            }
        }
        let keys: Vec<String> = chat_inbound::Entity::find()
            .order_by_asc(chat_inbound::Column::EventKey)
            .all(&t.db)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.event_key)
            .collect();
        let expected: Vec<String> =
            (0..40).filter(|i| *i != 7).map(|i| format!("k{i:02}")).collect();
        assert_eq!(keys, expected);
        // The same event again (a platform's retry): its sighting must insert, and cannot.
        let again = committer
            .commit(vec![chat::plan_sighting(backend, Platform::WeChat, "k03", now)])
            .await;
        assert!(matches!(again, Err(Error::Conflict(_))), "{again:?}");
    }
}

storage_test! {
    async fn a_state_saved_over_one_it_did_not_see_is_refused(t) {
        let now = chrono::Utc::now();
        let fresh = chat::load_state(&t.db, Platform::Telegram, "u1", now).await.unwrap();
        let stored = chat::save_state(&t.db, &fresh, now).await.unwrap();
        let newer = chat::save_state(&t.db, &stored, now).await.unwrap();
        assert_eq!(newer.revision, stored.revision + 1);
        // `stored` is out of date now: directly or planned, the save is refused.
        let stale = chat::save_state(&t.db, &stored, now).await;
        assert!(matches!(stale, Err(Error::Conflict(_))), "{stale:?}");
        let committer = Committer::start(t.db.clone(), &t.full_url()).await.expect("committer");
        let (write, _) = chat::plan_state(t.db.get_database_backend(), &stored, now);
        let planned = committer.commit(vec![write]).await;
        assert!(matches!(planned, Err(Error::Conflict(_))), "{planned:?}");
        // Planned from what is stored, it lands, and reads back as planned.
        let (write, after) = chat::plan_state(t.db.get_database_backend(), &newer, now);
        committer.commit(vec![write]).await.unwrap();
        let back = chat::load_state(&t.db, Platform::Telegram, "u1", now).await.unwrap();
        assert_eq!(back.revision, after.revision);
        assert_eq!(back.step, after.step);
        // A first state planned twice (two servers at once): the second insert is a conflict.
        let first = chat::load_state(&t.db, Platform::Telegram, "u2", now).await.unwrap();
        assert_eq!(first.id, 0);
        let (insert, _) = chat::plan_state(t.db.get_database_backend(), &first, now);
        committer.commit(vec![insert.clone()]).await.unwrap();
        let twice = committer.commit(vec![insert]).await;
        assert!(matches!(twice, Err(Error::Conflict(_))), "{twice:?}");
        let stored = chat::load_state(&t.db, Platform::Telegram, "u2", now).await.unwrap();
        assert!(stored.id > 0);
    }
}

/// On SQLite the committer writes through rusqlite: every kind of value must be stored exactly
/// as sqlx stores it (the same text for a time, JSON as text, a UUID as 16 bytes…), or reads
/// and comparisons of the column would differ by who wrote it.
#[tokio::test]
async fn sqlite_values_are_stored_as_sqlx_stores_them() {
    let t = crate::common::TestDb::sqlite().await;
    t.db.execute_unprepared(
        "CREATE TABLE scratch (who TEXT, b, i, big, d, s, j, day, at, naive, u, blob, absent)",
    )
    .await
    .unwrap();
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-27T18:30:05.123456789+00:00")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let values = |who: &str| -> Vec<Value> {
        vec![
            who.into(),
            true.into(),
            42i32.into(),
            (i64::MAX - 1).into(),
            1.25f64.into(),
            "王小明 'quoted'".into(),
            serde_json::json!({"a": [1, "二"], "b": null}).into(),
            chrono::NaiveDate::from_ymd_opt(2025, 6, 30).unwrap().into(),
            at.into(),
            at.naive_utc().into(),
            uuid::Uuid::from_u128(0x1234_5678_9abc_def0_1234_5678_9abc_def0).into(),
            vec![0u8, 1, 2, 255].into(),
            Value::String(None),
        ]
    };
    let sql = "INSERT INTO scratch VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    let backend = t.db.get_database_backend();
    t.db.execute_raw(Statement::from_sql_and_values(backend, sql, values("sqlx")))
        .await
        .unwrap();
    let committer = Committer::start(t.db.clone(), &t.full_url())
        .await
        .expect("committer");
    let write = Write {
        statement: Statement::from_sql_and_values(backend, sql, values("rusqlite")),
        expect: Some(1),
    };
    committer.commit(vec![write]).await.unwrap();
    let rows =
        t.db.query_all_raw(Statement::from_string(
            backend,
            "SELECT who, quote(b) || typeof(b), quote(i), quote(big), quote(d), quote(s), \
             quote(j), quote(day), quote(at), quote(naive), quote(u), quote(blob), \
             quote(absent) FROM scratch ORDER BY who DESC",
        ))
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    let cells = |r: &sea_orm::QueryResult| -> Vec<String> {
        (1..13)
            .map(|i| r.try_get_by_index::<String>(i).unwrap())
            .collect()
    };
    let (sqlx, ours) = (cells(&rows[0]), cells(&rows[1]));
    assert_eq!(sqlx, ours);
    assert_eq!(sqlx[7], "'2026-11-27T18:30:05.123456789+00:00'", "{sqlx:?}");
}
