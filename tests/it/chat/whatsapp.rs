//! WhatsApp Cloud through `/webhooks/whatsapp`: the GET challenge, X-Hub-Signature-256 over the
//! raw body, a whole questionnaire with reply buttons, list replies and typed text, message-id
//! de-duplication; messages go out to /{phone_number_id}/messages.
use axum::http::Method;
use gradtrace::bot::adapters::whatsapp::signature_header;
use serde_json::{Value, json};

use super::support::*;

const WA_ID: &str = "8613800138000";

async fn post(app: &ChatApp, body: &str, secret: &str) -> u16 {
    app.call(
        Method::POST,
        "/webhooks/whatsapp",
        &[
            ("content-type", "application/json".into()),
            (
                "x-hub-signature-256",
                signature_header(secret, body.as_bytes()),
            ),
        ],
        body.as_bytes().to_vec(),
    )
    .await
    .0
}

fn envelope(message: Value) -> String {
    json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA_ID", "changes": [{"value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550001234", "phone_number_id": WA_PHONE_ID},
        "contacts": [{"profile": {"name": "Li Lei"}, "wa_id": WA_ID}],
        "messages": [message]}, "field": "messages"}]}]})
    .to_string()
}

fn text(id: &str, body: &str, ts: i64) -> String {
    envelope(
        json!({"from": WA_ID, "id": id, "timestamp": ts.to_string(), "type": "text", "text": {"body": body}}),
    )
}

fn button(id: &str, reply_id: &str, ts: i64) -> String {
    envelope(
        json!({"from": WA_ID, "id": id, "timestamp": ts.to_string(), "type": "interactive",
        "interactive": {"type": "button_reply", "button_reply": {"id": reply_id, "title": "x"}}}),
    )
}

fn list(id: &str, reply_id: &str, ts: i64) -> String {
    envelope(
        json!({"from": WA_ID, "id": id, "timestamp": ts.to_string(), "type": "interactive",
        "interactive": {"type": "list_reply", "list_reply": {"id": reply_id, "title": "x"}}}),
    )
}

fn last_sent(app: &ChatApp) -> Value {
    app.api
        .to("/messages")
        .last()
        .map(|r| r.body.clone())
        .expect("a message sent")
}

fn sent_text(v: &Value) -> String {
    v["text"]["body"]
        .as_str()
        .or_else(|| v["interactive"]["body"]["text"].as_str())
        .unwrap_or_default()
        .to_string()
}

storage_test! {
    async fn a_whole_graduation_questionnaire_over_whatsapp(t) {
        let app = ChatApp::new(&t).await;
        let (invs, _) = app.invited(1).await;
        let ts = app.now_ts();
        // Verification challenge.
        let (status, body) = app.call(Method::GET, &format!("/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token={WA_VERIFY}&hub.challenge=1158201444"), &[], vec![]).await;
        assert_eq!((status, body.as_slice()), (200, b"1158201444".as_slice()));
        let (status, _) = app.call(Method::GET, "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1", &[], vec![]).await;
        assert_eq!(status, 403);
        // A body signed with another secret: refused, nothing sent.
        assert_eq!(post(&app, &text("wamid.0", &invs[0].code, ts), "other").await, 403);
        assert!(app.api.to("/messages").is_empty());
        // The code, typed.
        assert_eq!(post(&app, &text("wamid.1", &invs[0].code, ts), WA_SECRET).await, 200);
        let notice = last_sent(&app);
        assert_eq!(notice["to"], json!(WA_ID));
        assert_eq!(notice["type"], json!("interactive"));
        assert_eq!(notice["interactive"]["type"], json!("button"));
        assert_eq!(notice["interactive"]["action"]["buttons"][0]["reply"]["id"], json!("accept"));
        // Meta's retry of the same message id: nothing more.
        post(&app, &text("wamid.1", &invs[0].code, ts), WA_SECRET).await;
        assert_eq!(app.api.to("/messages").len(), 1);
        post(&app, &button("wamid.2", "accept", ts), WA_SECRET).await;
        let q1 = last_sent(&app);
        assert_eq!(q1["interactive"]["type"], json!("list"), "{q1}");
        post(&app, &list("wamid.3", "employed", ts), WA_SECRET).await;
        let mut n = 4;
        for _ in 0..40 {
            if sent_text(&last_sent(&app)).contains("问卷已全部完成") {
                break;
            }
            let st = app.state("whatsapp", WA_ID).await.expect("state");
            let reply = graduation_reply(st.question_id.as_deref().expect("question"), &st.step);
            assert_eq!(post(&app, &text(&format!("wamid.{n}"), reply, ts), WA_SECRET).await, 200);
            n += 1;
        }
        assert!(sent_text(&last_sent(&app)).contains("问卷已全部完成"));
        assert_graduation_stored(&app.answers(invs[0].id).await);
        let r = app.response(invs[0].id).await.unwrap();
        assert_eq!((r.status.as_str(), r.channels.as_str()), ("complete", "whatsapp"));
        assert!(app.api.to("/messages").iter().all(|r| r.path == format!("/{WA_PHONE_ID}/messages")));
    }
}
