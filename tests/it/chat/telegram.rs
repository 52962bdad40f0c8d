//! Telegram through `/webhooks/telegram`: the secret-token header, a whole questionnaire with
//! `/start CODE`, inline-keyboard presses (answered with answerCallbackQuery) and typed
//! replies, update_id de-duplication; messages go out through sendMessage.
use axum::http::Method;
use serde_json::{Value, json};

use super::support::*;

const CHAT: i64 = 3527065;

async fn post(app: &ChatApp, update: Value, secret: &str) -> (u16, Vec<u8>) {
    app.call(
        Method::POST,
        "/webhooks/telegram",
        &[
            ("content-type", "application/json".into()),
            ("x-telegram-bot-api-secret-token", secret.into()),
        ],
        update.to_string().into_bytes(),
    )
    .await
}

fn message(update_id: i64, text: &str, date: i64) -> Value {
    json!({"update_id": update_id, "message": {"message_id": update_id, "from": {"id": CHAT, "is_bot": false, "first_name": "Nic", "language_code": "zh-hans"}, "chat": {"id": CHAT, "type": "private", "first_name": "Nic"}, "date": date, "text": text}})
}

fn press(update_id: i64, data: &str) -> Value {
    json!({"update_id": update_id, "callback_query": {"id": format!("cb{update_id}"), "from": {"id": CHAT, "is_bot": false, "first_name": "Nic"}, "message": {"message_id": 1, "chat": {"id": CHAT, "type": "private"}, "date": 1, "text": "Q"}, "chat_instance": "-1", "data": data}})
}

fn last_sent(app: &ChatApp) -> Value {
    app.api
        .to("/sendMessage")
        .last()
        .map(|r| r.body.clone())
        .expect("a message sent")
}

storage_test! {
    async fn a_whole_graduation_questionnaire_over_telegram(t) {
        let app = ChatApp::new(&t).await;
        let (invs, _) = app.invited(1).await;
        let date = app.now_ts();
        let mut id = 174114370;
        // A wrong secret header: refused, nothing sent.
        let (status, _) = post(&app, message(id, "/start", date), "wrong").await;
        assert_eq!(status, 403);
        assert!(app.api.to("/sendMessage").is_empty());
        // The deep link carries the invitation code.
        let (status, _) = post(&app, message(id, &format!("/start {}", invs[0].code), date), TG_SECRET).await;
        assert_eq!(status, 200);
        let notice = last_sent(&app);
        assert_eq!(notice["chat_id"], json!(CHAT));
        assert_eq!(notice["reply_markup"]["inline_keyboard"][0][0]["callback_data"], json!("accept"));
        // Telegram's retry of the same update: nothing more is sent.
        post(&app, message(id, &format!("/start {}", invs[0].code), date), TG_SECRET).await;
        assert_eq!(app.api.to("/sendMessage").len(), 1);
        // Accept with the button: the press is acknowledged in the webhook's answer.
        id += 1;
        let (status, body) = post(&app, press(id, "accept"), TG_SECRET).await;
        assert_eq!(status, 200);
        let ack: Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(ack["method"], json!("answerCallbackQuery"));
        assert_eq!(ack["callback_query_id"], json!(format!("cb{id}")));
        let q1 = last_sent(&app);
        let buttons = q1["reply_markup"]["inline_keyboard"].as_array().expect("keyboard").clone();
        assert!(buttons.iter().any(|b| b[0]["callback_data"] == json!("employed")));
        // Pick "employed" by its button, then type the rest.
        id += 1;
        post(&app, press(id, "employed"), TG_SECRET).await;
        for _ in 0..40 {
            let text = last_sent(&app)["text"].as_str().unwrap_or_default().to_string();
            if text.contains("问卷已全部完成") {
                break;
            }
            let st = app.state("telegram", &CHAT.to_string()).await.expect("state");
            id += 1;
            let reply = graduation_reply(st.question_id.as_deref().expect("question"), &st.step);
            let (status, _) = post(&app, message(id, reply, date), TG_SECRET).await;
            assert_eq!(status, 200);
        }
        assert!(last_sent(&app)["text"].as_str().unwrap().contains("问卷已全部完成"));
        assert_graduation_stored(&app.answers(invs[0].id).await);
        let r = app.response(invs[0].id).await.unwrap();
        assert_eq!((r.status.as_str(), r.channels.as_str()), ("complete", "telegram"));
        // Every send went to the bot's token path.
        assert!(app.api.requests().iter().all(|r| r.path.starts_with(&format!("/bot{TG_BOT_TOKEN}/"))));
    }
}
