//! WhatsApp Cloud API: the `hub.challenge` verification, `X-Hub-Signature-256` over the raw
//! body, messages (text, interactive button and list replies, template buttons) and delivery
//! statuses, interactive sends and the template fallback outside the 24-hour window.
use futures::future::BoxFuture;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::Value;
use sha2::Sha256;

use super::{
    Channel, DeliveryStatus, HttpReply, Inbound, InboundKind, InboundRequest, Platform,
    ReplyContext, SendReceipt, json_error, read_json, secret_eq,
};
use crate::bot::outbound::{self, OutboundMessage};
use std::sync::Arc;

use crate::bot::{BotConfig, BotError, Clock, unix_now};

/// The header carrying `sha256=<hex HMAC-SHA256(app secret, raw body)>`.
pub const SIGNATURE_HEADER: &str = "x-hub-signature-256";
/// Free-form messages are allowed for this long after the user's last message.
pub const WINDOW_SECS: i64 = 24 * 3600;
/// Error codes Meta uses for "slow down" (Courier's list).
const THROTTLE_CODES: [i64; 6] = [4, 80007, 130429, 131048, 131056, 133016];
/// Re-engagement: the 24-hour window is closed.
const WINDOW_CLOSED_CODE: i64 = 131047;

/// `sha256=` + hex HMAC-SHA256 of `body` under `app_secret`: the header value Meta sends.
pub fn signature_header(app_secret: &str, body: &[u8]) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(app_secret.as_bytes()) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC accepts keys of any length"),
    };
    mac.update(body);
    format!("sha256={}", super::hex(&mac.finalize().into_bytes()))
}

#[derive(Debug, Deserialize)]
struct Webhook {
    object: String,
    #[serde(default)]
    entry: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
struct Entry {
    #[serde(default)]
    changes: Vec<Change>,
}

#[derive(Debug, Deserialize)]
struct Change {
    field: String,
    value: ChangeValue,
}

#[derive(Debug, Deserialize)]
struct ChangeValue {
    metadata: Option<Metadata>,
    #[serde(default)]
    messages: Vec<WaMessage>,
    #[serde(default)]
    statuses: Vec<WaStatus>,
}

#[derive(Debug, Deserialize)]
struct Metadata {
    phone_number_id: String,
}

#[derive(Debug, Deserialize)]
struct WaMessage {
    from: String,
    id: String,
    timestamp: String,
    #[serde(rename = "type")]
    kind: String,
    text: Option<WaText>,
    interactive: Option<WaInteractive>,
    button: Option<WaButton>,
}

#[derive(Debug, Deserialize)]
struct WaText {
    body: String,
}

#[derive(Debug, Deserialize)]
struct WaInteractive {
    button_reply: Option<WaReply>,
    list_reply: Option<WaReply>,
}

#[derive(Debug, Deserialize)]
struct WaReply {
    id: String,
}

#[derive(Debug, Deserialize)]
struct WaButton {
    text: Option<String>,
    payload: Option<String>,
}

#[derive(Debug, Deserialize)]
struct WaStatus {
    id: String,
    recipient_id: String,
    status: String,
    timestamp: String,
    #[serde(default)]
    errors: Vec<WaError>,
}

#[derive(Debug, Deserialize)]
struct WaError {
    code: Option<i64>,
}

fn parse_ts(s: &str) -> Result<i64, BotError> {
    s.trim()
        .parse()
        .map_err(|_| BotError::Malformed("timestamp is not an integer".into()))
}

fn message_kind(m: WaMessage) -> InboundKind {
    match m.kind.as_str() {
        "text" => match m.text {
            Some(t) => InboundKind::Text(t.body.trim().to_string()),
            None => InboundKind::Other("text without body".into()),
        },
        "interactive" => match m.interactive.and_then(|i| i.button_reply.or(i.list_reply)) {
            Some(r) => InboundKind::Choice(r.id),
            None => InboundKind::Other("interactive".into()),
        },
        // A quick-reply button of a template message.
        "button" => match m.button {
            Some(WaButton {
                payload: Some(p), ..
            }) if !p.is_empty() => InboundKind::Choice(p),
            Some(WaButton { text: Some(t), .. }) => InboundKind::Text(t),
            _ => InboundKind::Other("button".into()),
        },
        other => InboundKind::Other(other.to_string()),
    }
}

/// The WhatsApp Cloud adapter.
pub struct WhatsApp {
    app_secret: String,
    verify_token: Option<String>,
    access_token: Option<String>,
    phone_number_id: Option<String>,
    api_base: String,
    clock: Arc<dyn Clock>,
    http: reqwest::Client,
}

impl WhatsApp {
    pub fn new(
        cfg: &BotConfig,
        clock: Arc<dyn Clock>,
        http: reqwest::Client,
    ) -> Result<WhatsApp, BotError> {
        let app_secret = cfg
            .whatsapp_app_secret
            .clone()
            .filter(|s| !s.is_empty())
            .ok_or(BotError::NotConfigured("WHATSAPP_APP_SECRET"))?;
        Ok(WhatsApp {
            app_secret,
            verify_token: cfg.whatsapp_verify_token.clone(),
            access_token: cfg.whatsapp_token.clone(),
            phone_number_id: cfg.whatsapp_phone_number_id.clone(),
            api_base: cfg.whatsapp_api_base.trim_end_matches('/').to_string(),
            clock,
            http,
        })
    }

    /// Posts one message; returns its `wamid`.
    async fn post(&self, body: &Value) -> Result<Option<String>, BotError> {
        let token = self
            .access_token
            .as_deref()
            .ok_or(BotError::NotConfigured("WHATSAPP_TOKEN"))?;
        let phone = self
            .phone_number_id
            .as_deref()
            .ok_or(BotError::NotConfigured("WHATSAPP_PHONE_NUMBER_ID"))?;
        let resp = self
            .http
            .post(format!("{}/{phone}/messages", self.api_base))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .map_err(BotError::from_http)?;
        let (status, v) = read_json(resp).await?;
        if (200..300).contains(&status) && v.get("error").is_none() {
            return Ok(v["messages"][0]["id"].as_str().map(str::to_string));
        }
        let err = &v["error"];
        let code = err["code"].as_i64().unwrap_or(status as i64);
        let message = err["message"].as_str().unwrap_or("").replace(token, "***");
        Err(if THROTTLE_CODES.contains(&code) {
            BotError::Throttled { retry_after: None }
        } else if code == WINDOW_CLOSED_CODE {
            BotError::WindowClosed(format!("{code}: {message}"))
        } else if code == 131050 || code == 131026 {
            // The user opted out of business messages, or the number cannot receive them.
            BotError::ContactStopped(format!("{code}: {message}"))
        } else if status >= 500 && err.is_null() {
            BotError::Unreachable(format!("HTTP {status}"))
        } else {
            BotError::Platform { code, message }
        })
    }

    /// Whether free-form messages may go to a user who last wrote at `last` (unknown = open;
    /// the platform's 131047 answer then tells).
    pub fn window_open(&self, last: Option<i64>) -> bool {
        last.is_none_or(|t| unix_now(self.clock.as_ref()) - t < WINDOW_SECS)
    }
}

impl Channel for WhatsApp {
    fn platform(&self) -> Platform {
        Platform::WhatsApp
    }

    fn handshake(&self, req: &InboundRequest) -> Result<HttpReply, BotError> {
        let expected = self
            .verify_token
            .as_deref()
            .filter(|t| !t.is_empty())
            .ok_or(BotError::NotConfigured("WHATSAPP_VERIFY_TOKEN"))?;
        if req.query_param("hub.mode") != Some("subscribe") {
            return Err(BotError::BadSignature);
        }
        let given = req.query_param("hub.verify_token").unwrap_or_default();
        if !secret_eq(given.as_bytes(), expected.as_bytes()) {
            return Err(BotError::BadSignature);
        }
        let challenge = req
            .query_param("hub.challenge")
            .ok_or_else(|| BotError::Malformed("hub.challenge missing".into()))?;
        Ok(HttpReply::text(challenge))
    }

    fn verify(&self, req: &InboundRequest) -> Result<(), BotError> {
        req.check_size()?;
        let header = req.header(SIGNATURE_HEADER).ok_or(BotError::BadSignature)?;
        let hex = header
            .strip_prefix("sha256=")
            .filter(|h| h.len() == 64)
            .ok_or(BotError::BadSignature)?;
        let given = decode_hex(hex).ok_or(BotError::BadSignature)?;
        let mut mac = Hmac::<Sha256>::new_from_slice(self.app_secret.as_bytes())
            .map_err(|_| BotError::NotConfigured("WHATSAPP_APP_SECRET"))?;
        mac.update(&req.body);
        // verify_slice compares in constant time.
        mac.verify_slice(&given).map_err(|_| BotError::BadSignature)
    }

    fn parse(&self, req: &InboundRequest) -> Result<Vec<Inbound>, BotError> {
        let hook: Webhook = serde_json::from_slice(&req.body).map_err(|e| json_error(&e))?;
        if hook.object != "whatsapp_business_account" {
            return Err(BotError::Malformed(
                "not a WhatsApp Business webhook".into(),
            ));
        }
        let mut out: Vec<Inbound> = Vec::new();
        for change in hook.entry.into_iter().flat_map(|e| e.changes) {
            if change.field != "messages" {
                continue;
            }
            let phone_number_id = change
                .value
                .metadata
                .map(|m| m.phone_number_id)
                .unwrap_or_default();
            // One app can serve several numbers: keep only ours.
            if let Some(ours) = &self.phone_number_id
                && !phone_number_id.is_empty()
                && &phone_number_id != ours
            {
                continue;
            }
            let reply = ReplyContext::WhatsApp {
                phone_number_id: phone_number_id.clone(),
            };
            for m in change.value.messages {
                let timestamp = parse_ts(&m.timestamp)?;
                out.push(Inbound {
                    platform: Platform::WhatsApp,
                    user_id: m.from.clone(),
                    event_key: m.id.clone(),
                    timestamp,
                    language_hint: None,
                    reply: reply.clone(),
                    kind: message_kind(m),
                });
            }
            for s in change.value.statuses {
                let status = match s.status.as_str() {
                    "sent" => DeliveryStatus::Sent,
                    "delivered" => DeliveryStatus::Delivered,
                    "read" => DeliveryStatus::Read,
                    "failed" => DeliveryStatus::Failed,
                    _ => continue,
                };
                out.push(Inbound {
                    platform: Platform::WhatsApp,
                    user_id: s.recipient_id,
                    event_key: format!("{}:{}", s.id, s.status),
                    timestamp: parse_ts(&s.timestamp)?,
                    language_hint: None,
                    reply: reply.clone(),
                    kind: InboundKind::Delivery {
                        message_id: s.id,
                        status,
                        error_code: s.errors.first().and_then(|e| e.code),
                    },
                });
            }
        }
        // Meta may repeat an event inside one payload.
        let mut seen = std::collections::HashSet::new();
        out.retain(|i| seen.insert(i.event_key.clone()));
        Ok(out)
    }

    fn passive_reply(&self, _inbound: &Inbound, _msg: &OutboundMessage) -> Option<HttpReply> {
        None
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
            let template = |receipt: &mut SendReceipt| {
                msg.template.as_ref().map(|t| {
                    receipt.used_template = true;
                    outbound::whatsapp_template_body(user_id, t)
                })
            };
            if !self.window_open(msg.user_last_message_at) {
                let body = template(&mut receipt).ok_or_else(|| {
                    BotError::WindowClosed("24 h since the user's last message".into())
                })?;
                receipt.message_ids.extend(self.post(&body).await?);
                return Ok(receipt);
            }
            for (i, body) in outbound::whatsapp_bodies(user_id, msg)
                .into_iter()
                .enumerate()
            {
                match self.post(&body).await {
                    Ok(id) => receipt.message_ids.extend(id),
                    Err(BotError::WindowClosed(why)) if i == 0 => {
                        let body = template(&mut receipt).ok_or(BotError::WindowClosed(why))?;
                        receipt.message_ids.extend(self.post(&body).await?);
                        return Ok(receipt);
                    }
                    Err(e) => return Err(e),
                }
            }
            Ok(receipt)
        })
    }
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    s.as_bytes()
        .chunks(2)
        .map(|pair| {
            let h = (pair[0] as char).to_digit(16)?;
            let l = (pair[1] as char).to_digit(16)?;
            Some((h * 16 + l) as u8)
        })
        .collect()
}
