//! Reminders as bot messages, through the `bot` platform adapters (WeChat customer-service
//! message, Telegram sendMessage, WhatsApp — a template outside the 24-hour window). Who is
//! reachable comes from `Bindings`: the bot's binding table (`bot::store::ChatBindings`), and
//! else a graduate's roster `wechat_openid`.
use std::collections::HashMap;
use std::sync::Arc;

use futures::future::BoxFuture;
use sea_orm::DatabaseConnection;

use super::SendError;
use crate::bot::outbound::Template;
use crate::bot::{BotConfig, BotError, Channel, OutboundMessage, Platform};
use crate::clock::Clock;
use crate::error::Result;
use crate::remind::Kind;
use crate::remind::message::{Content, Recipient};

/// The chat users people are bound to. The bot's binding table plugs in here.
pub trait Bindings: Send + Sync {
    /// Platform and user id by graduate id, for those of `graduate_ids` who are bound.
    fn bound<'a>(
        &'a self,
        db: &'a DatabaseConnection,
        graduate_ids: &'a [i32],
    ) -> BoxFuture<'a, Result<HashMap<i32, (Platform, String)>>>;
}

/// No bindings beyond the roster's `wechat_openid`.
pub struct RosterOnly;

impl Bindings for RosterOnly {
    fn bound<'a>(
        &'a self,
        _db: &'a DatabaseConnection,
        _graduate_ids: &'a [i32],
    ) -> BoxFuture<'a, Result<HashMap<i32, (Platform, String)>>> {
        Box::pin(std::future::ready(Ok(HashMap::new())))
    }
}

/// Name of the approved WhatsApp template used outside the 24-hour window; its body takes the
/// person's name and the link.
pub const WHATSAPP_TEMPLATE: &str = "survey_reminder";

pub struct BotSender {
    channels: HashMap<Platform, Arc<dyn Channel>>,
    pub bindings: Arc<dyn Bindings>,
}

impl BotSender {
    pub fn new(channels: Vec<Arc<dyn Channel>>, bindings: Arc<dyn Bindings>) -> BotSender {
        BotSender {
            channels: channels.into_iter().map(|c| (c.platform(), c)).collect(),
            bindings,
        }
    }

    /// The adapters whose settings are present (WeChat needs its AppSecret to send); None when
    /// no platform can send.
    pub fn from_config(cfg: &BotConfig, clock: Arc<dyn Clock>) -> Result<Option<BotSender>> {
        let http = crate::bot::adapters::http_client()?;
        let mut channels: Vec<Arc<dyn Channel>> = Vec::new();
        if cfg.wechat_enabled() && cfg.wechat_app_secret.is_some() {
            channels.push(Arc::new(crate::bot::adapters::WeChat::new(
                cfg,
                clock.clone(),
                http.clone(),
            )?));
        }
        if cfg.telegram_enabled() && cfg.telegram_bot_token.is_some() {
            channels.push(Arc::new(crate::bot::adapters::Telegram::new(
                cfg,
                clock.clone(),
                http.clone(),
            )?));
        }
        if cfg.whatsapp_enabled() && cfg.whatsapp_token.is_some() {
            channels.push(Arc::new(crate::bot::adapters::WhatsApp::new(
                cfg,
                clock.clone(),
                http.clone(),
            )?));
        }
        if channels.is_empty() {
            return Ok(None);
        }
        Ok(Some(BotSender::new(
            channels,
            Arc::new(crate::bot::store::ChatBindings),
        )))
    }

    /// Whether a platform's adapter is configured.
    pub fn serves(&self, platform: Platform) -> bool {
        self.channels.contains_key(&platform)
    }

    pub async fn send(
        &self,
        platform: Platform,
        user_id: &str,
        _kind: Kind,
        content: &Content,
        r: &Recipient,
    ) -> Result<String, SendError> {
        let channel = self
            .channels
            .get(&platform)
            .ok_or_else(|| SendError::Permanent(format!("{platform} is not configured")))?;
        let msg = OutboundMessage {
            text: content.chat.clone(),
            template: Some(Template {
                name: WHATSAPP_TEMPLATE.to_string(),
                language: match r.lang {
                    crate::i18n::Lang::ZhCn => "zh_CN".to_string(),
                    crate::i18n::Lang::En => "en".to_string(),
                },
                parameters: vec![r.name.clone(), r.link.clone()],
            }),
            ..OutboundMessage::default()
        };
        match channel.send(user_id, &msg).await {
            Ok(receipt) => Ok(format!(
                "{platform} ok{}{}",
                if receipt.used_template {
                    " (template)"
                } else {
                    ""
                },
                if receipt.message_ids.is_empty() {
                    String::new()
                } else {
                    format!(" ids={}", receipt.message_ids.join(","))
                }
            )),
            Err(e) => Err(classify(&e)),
        }
    }
}

fn classify(e: &BotError) -> SendError {
    match e {
        e if e.is_retryable() => SendError::Retry(e.to_string()),
        BotError::ContactStopped(_) => SendError::Stopped(e.to_string()),
        _ => SendError::Permanent(e.to_string()),
    }
}
