//! Signing in and out: wrong passwords, the lock-out, expired and tampered sessions, sliding
//! renewal, logout ending every session, API tokens, and password reset through a real SMTP
//! conversation with a sink on loopback.
use axum::http::StatusCode;
use chrono::Duration;
use gradtrace::dashboard::auth::{self, Claims, StaffKeys, TokenKind};
use gradtrace::store::entities::staff;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use super::world::{PASSWORD, World, api, api_token, app_with_smtp, sign_in};
use crate::app::{Client, SECRET, TestApp};

async fn try_sign_in(app: &TestApp, username: &str, password: &str) -> (Client, crate::app::Page) {
    let mut client = app.client();
    let csrf = client
        .get("/staff/login")
        .await
        .input("_csrf")
        .expect("csrf");
    let resp = client
        .post(
            "/staff/login",
            &[
                ("_csrf", &csrf),
                ("username", username),
                ("password", password),
            ],
        )
        .await;
    (client, resp)
}

/// GETs `path` with only a session cookie.
async fn get_with_session(app: &TestApp, path: &str, token: &str) -> StatusCode {
    use tower::ServiceExt;
    let req = axum::http::Request::get(path)
        .header(axum::http::header::COOKIE, format!("gt_staff={token}"))
        .body(axum::body::Body::empty())
        .expect("request");
    app.router
        .clone()
        .oneshot(req)
        .await
        .expect("response")
        .status()
}

async fn staff_row(app: &TestApp, username: &str) -> staff::Model {
    staff::Entity::find()
        .filter(staff::Column::Username.eq(username))
        .one(&app.state.db)
        .await
        .expect("query")
        .expect("staff")
}

storage_test! {
    async fn wrong_password_is_refused_without_a_session(t) {
        let w = World::new(&t).await;
        let (mut client, resp) = try_sign_in(&w.app, "class1", "not the password").await;
        assert_eq!(resp.status, StatusCode::UNAUTHORIZED);
        assert!(resp.contains("用户名或密码错误"), "{}", resp.body);
        assert!(resp.headers.get_all("set-cookie").iter().all(|c| !c.to_str().unwrap_or("").starts_with("gt_staff=")));
        // Unknown users get the same answer.
        let (_, resp) = try_sign_in(&w.app, "nobody", PASSWORD).await;
        assert_eq!(resp.status, StatusCode::UNAUTHORIZED);
        // No session: the dashboard sends to the sign-in page.
        let page = client.get("/staff").await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        assert_eq!(page.location.as_deref(), Some("/staff/login"));
        // A form posted without its CSRF token is refused even with the right password.
        let resp = client.post("/staff/login", &[("username", "class1"), ("password", PASSWORD)]).await;
        assert_eq!(resp.status, StatusCode::FORBIDDEN);
    }
}

storage_test! {
    async fn five_failures_lock_the_account_for_fifteen_minutes(t) {
        let w = World::new(&t).await;
        for attempt in 1..=4 {
            let (_, resp) = try_sign_in(&w.app, "dept1", "wrong password!").await;
            assert_eq!(resp.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
        }
        let (_, resp) = try_sign_in(&w.app, "dept1", "wrong password!").await;
        assert_eq!(resp.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(resp.contains("已锁定"), "{}", resp.body);
        // Locked: even the right password, on the page and the API.
        let (_, resp) = try_sign_in(&w.app, "dept1", PASSWORD).await;
        assert_eq!(resp.status, StatusCode::TOO_MANY_REQUESTS);
        let (status, _) = api(&w.app, "POST", "/api/login", None, Some(json!({"username": "dept1", "password": PASSWORD}))).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert!(staff_row(&w.app, "dept1").await.locked_until.is_some());
        // Other accounts are not affected.
        sign_in(&w.app, "class1").await;
        // Fifteen minutes later the right password works and clears the lock.
        w.app.clock.advance(Duration::minutes(15) + Duration::seconds(1));
        sign_in(&w.app, "dept1").await;
        let row = staff_row(&w.app, "dept1").await;
        assert_eq!(row.failed_logins, 0);
        assert_eq!(row.locked_until, None);
    }
}

storage_test! {
    async fn sessions_expire_slide_and_refuse_tampering(t) {
        let w = World::new(&t).await;
        let app = &w.app;
        let mut client = sign_in(app, "class1").await;
        let login = client.get("/staff").await;
        assert_eq!(login.status, StatusCode::OK);
        // The cookie is HttpOnly, SameSite=Strict, limited to /staff, with an expiry.
        let (_, resp) = try_sign_in(app, "class1", PASSWORD).await;
        let cookie = resp
            .headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|c| c.to_str().ok())
            .find(|c| c.starts_with("gt_staff="))
            .expect("session cookie")
            .to_string();
        for part in ["HttpOnly", "SameSite=Strict", "Path=/staff", "Max-Age=28800"] {
            assert!(cookie.contains(part), "{cookie} lacks {part}");
        }
        assert!(!cookie.contains("Secure"), "plain http base URL: not Secure");

        // Used within 8 hours, the session is renewed, so activity keeps it alive.
        app.clock.advance(Duration::hours(7));
        let page = client.get("/staff").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.headers.get_all("set-cookie").iter().any(|c| c.to_str().unwrap_or("").starts_with("gt_staff=")), "renewed");
        app.clock.advance(Duration::hours(7));
        assert_eq!(client.get("/staff").await.status, StatusCode::OK, "still signed in 14 h after sign-in");
        // Unused for more than 8 hours: expired.
        app.clock.advance(Duration::hours(8) + Duration::minutes(1));
        let page = client.get("/staff").await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        assert_eq!(page.location.as_deref(), Some("/staff/login"));

        // Forged and altered tokens are refused.
        let s = staff_row(app, "class1").await;
        let now = gradtrace::clock::Clock::now(&app.clock);
        let good = auth::issue(&StaffKeys::from_secret(SECRET), &s, TokenKind::Session, now).expect("token");
        let foreign = auth::issue(&StaffKeys::from_secret("another-secret-another-secret-0123456"), &s, TokenKind::Session, now).expect("token");
        let api_kind = auth::issue(&StaffKeys::from_secret(SECRET), &s, TokenKind::Api, now).expect("token");
        let mut tampered = good.clone();
        let last = tampered.pop().expect("char");
        tampered.push(if last == 'A' { 'B' } else { 'A' });
        let admin_claims = {
            // A token naming another account, signed with the wrong key.
            let claims = Claims { sub: staff_row(app, "admin1").await.id, ep: 0, kind: TokenKind::Session, iat: now.timestamp(), exp: now.timestamp() + 3600, ph: None };
            auth::sign(&StaffKeys::from_secret("another-secret-another-secret-0123456"), &claims).expect("sign")
        };
        let expired = {
            let claims = Claims { sub: s.id, ep: s.session_epoch, kind: TokenKind::Session, iat: now.timestamp() - 9 * 3600, exp: now.timestamp() - 3600, ph: None };
            auth::sign(&StaffKeys::from_secret(SECRET), &claims).expect("sign")
        };
        for (what, token, ok) in [("good", &good, true), ("foreign key", &foreign, false), ("api token as cookie", &api_kind, false), ("tampered", &tampered, false), ("other account", &admin_claims, false), ("expired", &expired, false)] {
            let status = get_with_session(app, "/staff", token).await;
            assert_eq!(status == StatusCode::OK, ok, "{what}: {status}");
            let (status, _) = api(app, "GET", "/api/waves", Some(token), None).await;
            // Only (genuine) API tokens open the API; session tokens do not.
            let api_ok = what == "api token as cookie";
            assert_eq!(status == StatusCode::OK, api_ok, "{what} on the API: {status}");
        }
        let (status, _) = api(app, "GET", "/api/waves", Some(&api_kind), None).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = api(app, "GET", "/api/waves", None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}

storage_test! {
    async fn logout_ends_every_session_and_api_token(t) {
        let w = World::new(&t).await;
        let app = &w.app;
        let mut phone = sign_in(app, "alum1").await;
        let mut desktop = sign_in(app, "alum1").await;
        let token = api_token(app, "alum1").await;
        let csrf = phone.get("/staff").await.input("_csrf").expect("csrf");
        // Without the CSRF token, logging out is refused.
        let resp = phone.post("/staff/logout", &[]).await;
        assert_eq!(resp.status, StatusCode::FORBIDDEN);
        let resp = phone.post("/staff/logout", &[("_csrf", &csrf)]).await;
        assert_eq!(resp.status, StatusCode::SEE_OTHER);
        assert_eq!(resp.location.as_deref(), Some("/staff/login"));
        assert_eq!(phone.get("/staff").await.status, StatusCode::SEE_OTHER);
        assert_eq!(desktop.get("/staff").await.status, StatusCode::SEE_OTHER, "the other browser is signed out too");
        let (status, _) = api(app, "GET", "/api/waves", Some(&token), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "and the API token");
        // Signing in again works.
        sign_in(app, "alum1").await;
    }
}

storage_test! {
    async fn api_login_and_openapi_document(t) {
        let w = World::new(&t).await;
        let (status, body) = api(&w.app, "POST", "/api/login", None, Some(json!({"username": "admin1", "password": "nope nope nope"}))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(body["error"].is_string());
        let (status, _) = api(&w.app, "POST", "/api/login", None, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, doc) = api(&w.app, "GET", "/api/openapi.json", None, None).await;
        assert_eq!(status, StatusCode::OK);
        for path in ["/api/login", "/api/waves", "/api/waves/{id}/rates", "/api/waves/{id}/chase", "/api/plans", "/api/plans/{id}"] {
            assert!(doc["paths"][path].is_object(), "{path} documented");
        }
        assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
        for schema in ["WaveRates", "DepartmentRates", "MajorRates", "ClassRates", "Counts", "ChasePage"] {
            assert!(doc["components"]["schemas"][schema].is_object(), "{schema} described");
        }
    }
}

/// A minimal SMTP server on loopback that hands every message it receives to the test.
async fn smtp_sink() -> (String, tokio::sync::mpsc::UnboundedReceiver<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut lines = BufReader::new(r).lines();
                let _ = w.write_all(b"220 sink ESMTP\r\n").await;
                let (mut data, mut in_data) = (String::new(), false);
                while let Ok(Some(line)) = lines.next_line().await {
                    if in_data {
                        if line == "." {
                            let _ = tx.send(std::mem::take(&mut data));
                            in_data = false;
                            let _ = w.write_all(b"250 queued\r\n").await;
                        } else {
                            data.push_str(line.strip_prefix('.').unwrap_or(&line));
                            data.push('\n');
                        }
                        continue;
                    }
                    let upper = line.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") {
                        b"250-sink\r\n250 8BITMIME\r\n"
                    } else if upper == "DATA" {
                        in_data = true;
                        b"354 go ahead\r\n"
                    } else if upper.starts_with("QUIT") {
                        let _ = w.write_all(b"221 bye\r\n").await;
                        break;
                    } else {
                        b"250 ok\r\n"
                    };
                    let _ = w.write_all(reply).await;
                }
            });
        }
    });
    (format!("smtp://127.0.0.1:{port}"), rx)
}

/// The reset link in a received mail (quoted-printable soft breaks undone).
fn reset_link(mail: &str) -> String {
    let unfolded = mail.replace("=\n", "").replace("=3D", "=");
    let start = unfolded.find("http://").expect("a link in the mail");
    let link: String = unfolded[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    link
}

storage_test! {
    async fn password_reset_by_email_link_works_once(t) {
        let (smtp, mut inbox) = smtp_sink().await;
        let w = World::with_app(app_with_smtp(&t, Some(smtp)).await).await;
        let app = &w.app;
        let mut client = app.client();
        client.accept_language = "en".into();
        let csrf = client.get("/staff/reset").await.input("_csrf").expect("csrf");
        let resp = client.post("/staff/reset", &[("_csrf", &csrf), ("who", "class1")]).await;
        assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
        assert!(resp.contains("Check your e-mail"));
        let mail = tokio::time::timeout(std::time::Duration::from_secs(10), inbox.recv())
            .await
            .expect("mail in time")
            .expect("a mail");
        assert!(mail.contains("class1@example.edu"), "sent to the account's address");
        let link = reset_link(&mail);
        assert!(link.contains("/staff/reset/"), "{link}");
        let path = &link[link.find("/staff/reset/").expect("path")..];

        // An unknown account gets the same page and no mail.
        let resp = client.post("/staff/reset", &[("_csrf", &csrf), ("who", "nobody")]).await;
        assert_eq!(resp.status, StatusCode::OK);
        assert!(tokio::time::timeout(std::time::Duration::from_millis(300), inbox.recv()).await.is_err(), "no mail for unknown accounts");

        let mut phone = sign_in(app, "class1").await;
        let form = client.get(path).await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.body);
        let csrf = form.input("_csrf").expect("csrf");
        let resp = client.post(path, &[("_csrf", &csrf), ("password", "new password 2025"), ("password_again", "different")]).await;
        assert_eq!(resp.status, StatusCode::BAD_REQUEST, "mismatch refused");
        let resp = client.post(path, &[("_csrf", &csrf), ("password", "short"), ("password_again", "short")]).await;
        assert_eq!(resp.status, StatusCode::BAD_REQUEST, "too short refused");
        let resp = client.post(path, &[("_csrf", &csrf), ("password", "new password 2025"), ("password_again", "new password 2025")]).await;
        assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
        // The old password and the open session are gone; the new password works.
        assert_eq!(phone.get("/staff").await.status, StatusCode::SEE_OTHER);
        let (_, resp) = try_sign_in(app, "class1", PASSWORD).await;
        assert_eq!(resp.status, StatusCode::UNAUTHORIZED);
        let (_, resp) = try_sign_in(app, "class1", "new password 2025").await;
        assert_eq!(resp.status, StatusCode::SEE_OTHER);
        // The link worked once.
        assert_eq!(client.get(path).await.status, StatusCode::NOT_FOUND);
        let resp = client.post(path, &[("_csrf", &csrf), ("password", "another pass 2025"), ("password_again", "another pass 2025")]).await;
        assert_eq!(resp.status, StatusCode::NOT_FOUND);
        // An expired link (over an hour) is refused too.
        let csrf = client.get("/staff/reset").await.input("_csrf").expect("csrf");
        client.post("/staff/reset", &[("_csrf", &csrf), ("who", "class1@example.edu")]).await;
        let mail = tokio::time::timeout(std::time::Duration::from_secs(10), inbox.recv()).await.expect("mail").expect("mail");
        let link = reset_link(&mail);
        app.clock.advance(Duration::minutes(61));
        assert_eq!(client.get(&link[link.find("/staff/reset/").expect("path")..]).await.status, StatusCode::NOT_FOUND);
    }
}
