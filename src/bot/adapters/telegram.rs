//! Telegram Bot API: the secret-token header, Update JSON (messages, inline-keyboard presses,
//! `/start CODE` deep links, the user blocking the bot), sendMessage with inline keyboards and
//! answerCallbackQuery.
use futures::future::BoxFuture;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    Channel, HttpReply, Inbound, InboundKind, InboundRequest, Platform, ReplyContext, SendReceipt,
    json_error, read_json, secret_eq,
};
use crate::bot::outbound::{self, OutboundMessage};
use std::sync::Arc;

use crate::bot::{BotConfig, BotError, Clock, unix_now};

/// The header Telegram sets to the `secret_token` given in setWebhook.
pub const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

/// Only the fields the bot uses; names, usernames and the like are never read.
#[derive(Debug, Deserialize)]
struct Update {
    update_id: i64,
    message: Option<Message>,
    edited_message: Option<Message>,
    callback_query: Option<CallbackQuery>,
    my_chat_member: Option<ChatMemberUpdated>,
}

#[derive(Debug, Deserialize)]
struct Message {
    from: Option<User>,
    chat: Chat,
    date: i64,
    text: Option<String>,
}

#[derive(Debug, Deserialize)]
struct User {
    id: i64,
    #[serde(default)]
    is_bot: bool,
    language_code: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Chat {
    id: i64,
    #[serde(rename = "type")]
    kind: String,
}

#[derive(Debug, Deserialize)]
struct CallbackQuery {
    id: String,
    from: User,
    message: Option<Message>,
    data: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ChatMemberUpdated {
    chat: Chat,
    date: i64,
    new_chat_member: ChatMember,
}

#[derive(Debug, Deserialize)]
struct ChatMember {
    status: String,
}

/// The Telegram adapter.
pub struct Telegram {
    bot_token: Option<String>,
    secret_token: String,
    api_base: String,
    clock: Arc<dyn Clock>,
    http: reqwest::Client,
}

impl Telegram {
    pub fn new(
        cfg: &BotConfig,
        clock: Arc<dyn Clock>,
        http: reqwest::Client,
    ) -> Result<Telegram, BotError> {
        let secret_token = cfg
            .telegram_secret_token
            .clone()
            .filter(|s| !s.is_empty())
            .ok_or(BotError::NotConfigured("TELEGRAM_SECRET_TOKEN"))?;
        Ok(Telegram {
            bot_token: cfg.telegram_bot_token.clone(),
            secret_token,
            api_base: cfg.telegram_api_base.trim_end_matches('/').to_string(),
            clock,
            http,
        })
    }

    /// Calls a Bot API method; the bot token sits in the path, so errors never carry the URL.
    async fn call(&self, method: &str, body: &Value) -> Result<Value, BotError> {
        let token = self
            .bot_token
            .as_deref()
            .ok_or(BotError::NotConfigured("TELEGRAM_BOT_TOKEN"))?;
        let resp = self
            .http
            .post(format!("{}/bot{token}/{method}", self.api_base))
            .json(body)
            .send()
            .await
            .map_err(BotError::from_http)?;
        let (status, v) = read_json(resp).await?;
        if v["ok"].as_bool() == Some(true) {
            return Ok(v["result"].clone());
        }
        let code = v["error_code"].as_i64().unwrap_or(status as i64);
        let description = v["description"]
            .as_str()
            .unwrap_or("")
            .replace(token, "***");
        Err(match code {
            429 => BotError::Throttled {
                retry_after: v["parameters"]["retry_after"].as_u64(),
            },
            // "bot was blocked by the user", "user is deactivated".
            403 => BotError::ContactStopped(description),
            c if c >= 500 => BotError::Unreachable(format!("HTTP {c}")),
            _ => BotError::Platform {
                code,
                message: description,
            },
        })
    }

    /// Stops the spinner on a pressed inline button, optionally with a short notice.
    pub async fn answer_callback_query(
        &self,
        callback_query_id: &str,
        text: Option<&str>,
    ) -> Result<(), BotError> {
        let mut body = json!({"callback_query_id": callback_query_id});
        if let Some(t) = text {
            body["text"] = Value::from(t);
        }
        self.call("answerCallbackQuery", &body).await.map(|_| ())
    }

    /// Registers `url` as the webhook, with our secret token and the updates the bot reads.
    pub async fn set_webhook(&self, url: &str) -> Result<(), BotError> {
        let body = json!({
            "url": url,
            "secret_token": self.secret_token,
            "allowed_updates": ["message", "callback_query", "my_chat_member"],
            "drop_pending_updates": false,
        });
        self.call("setWebhook", &body).await.map(|_| ())
    }

    fn inbound(&self, update: Update) -> Inbound {
        let event_key = update.update_id.to_string();
        let mut language_hint = None;
        let mut callback_query_id = None;
        let (user_id, kind, timestamp) = if let Some(m) = update.message {
            language_hint = m.from.as_ref().and_then(|u| u.language_code.clone());
            let kind = message_kind(&m);
            (m.chat.id, kind, m.date)
        } else if let Some(q) = update.callback_query {
            language_hint = q.from.language_code.clone();
            callback_query_id = Some(q.id);
            let chat = q
                .message
                .as_ref()
                .map(|m| (m.chat.id, m.chat.kind.as_str()));
            let kind = match (chat, q.data) {
                (Some((_, t)), _) if t != "private" => InboundKind::Other("group chat".into()),
                (_, Some(data)) if !q.from.is_bot => InboundKind::Choice(data),
                _ => InboundKind::Other("callback without data".into()),
            };
            let user = chat.map(|(id, _)| id).unwrap_or(q.from.id);
            // A button press carries no time of its own.
            (user, kind, unix_now(self.clock.as_ref()))
        } else if let Some(m) = update.edited_message {
            (
                m.chat.id,
                InboundKind::Other("edited_message".into()),
                m.date,
            )
        } else if let Some(c) = update.my_chat_member {
            let kind = match c.new_chat_member.status.as_str() {
                "kicked" | "left" if c.chat.kind == "private" => InboundKind::Unsubscribe,
                _ => InboundKind::Other("my_chat_member".into()),
            };
            (c.chat.id, kind, c.date)
        } else {
            (
                0,
                InboundKind::Other("update".into()),
                unix_now(self.clock.as_ref()),
            )
        };
        Inbound {
            platform: Platform::Telegram,
            user_id: user_id.to_string(),
            event_key,
            kind,
            timestamp,
            language_hint,
            reply: ReplyContext::Telegram { callback_query_id },
        }
    }
}

/// What a (non-edited) message means: only private chats with people are conversations.
fn message_kind(m: &Message) -> InboundKind {
    if m.chat.kind != "private" {
        return InboundKind::Other("group chat".into());
    }
    if m.from.as_ref().is_some_and(|u| u.is_bot) {
        return InboundKind::Other("bot".into());
    }
    let Some(text) = m.text.as_deref().map(str::trim) else {
        return InboundKind::Other("non-text message".into());
    };
    // `/start`, `/start CODE`, `/start@OurBot CODE` (but not `/startle`).
    if let Some(rest) = text.strip_prefix("/start") {
        let payload = if let Some(addressed) = rest.strip_prefix('@') {
            Some(
                addressed
                    .split_once(char::is_whitespace)
                    .map_or("", |(_, tail)| tail),
            )
        } else if rest.is_empty() || rest.starts_with(char::is_whitespace) {
            Some(rest)
        } else {
            None
        };
        if let Some(payload) = payload.map(str::trim) {
            return InboundKind::Start {
                payload: (!payload.is_empty()).then(|| payload.to_string()),
            };
        }
    }
    InboundKind::Text(text.to_string())
}

impl Channel for Telegram {
    fn platform(&self) -> Platform {
        Platform::Telegram
    }

    fn handshake(&self, _req: &InboundRequest) -> Result<HttpReply, BotError> {
        // Telegram has no GET handshake: the webhook is registered with setWebhook.
        Err(BotError::MethodNotAllowed)
    }

    fn verify(&self, req: &InboundRequest) -> Result<(), BotError> {
        req.check_size()?;
        let given = req.header(SECRET_HEADER).ok_or(BotError::BadSignature)?;
        if !secret_eq(given.as_bytes(), self.secret_token.as_bytes()) {
            return Err(BotError::BadSignature);
        }
        Ok(())
    }

    fn parse(&self, req: &InboundRequest) -> Result<Vec<Inbound>, BotError> {
        let update: Update = serde_json::from_slice(&req.body).map_err(|e| json_error(&e))?;
        Ok(vec![self.inbound(update)])
    }

    /// A button press is answered inside the webhook response (answerCallbackQuery, which
    /// needs no result); the question itself goes out with `send`.
    fn passive_reply(&self, inbound: &Inbound, _msg: &OutboundMessage) -> Option<HttpReply> {
        let ReplyContext::Telegram {
            callback_query_id: Some(id),
        } = &inbound.reply
        else {
            return None;
        };
        let body = json!({"method": "answerCallbackQuery", "callback_query_id": id});
        Some(HttpReply {
            status: 200,
            content_type: "application/json",
            body: body.to_string().into_bytes(),
            follow_up: None,
        })
    }

    fn ack(&self) -> HttpReply {
        HttpReply::text("")
    }

    fn send<'a>(
        &'a self,
        user_id: &'a str,
        msg: &'a OutboundMessage,
    ) -> BoxFuture<'a, Result<SendReceipt, BotError>> {
        Box::pin(async move {
            let mut receipt = SendReceipt::default();
            for body in outbound::telegram_bodies(user_id, msg) {
                let result = self.call("sendMessage", &body).await?;
                if let Some(id) = result["message_id"].as_i64() {
                    receipt.message_ids.push(id.to_string());
                }
            }
            Ok(receipt)
        })
    }
}
