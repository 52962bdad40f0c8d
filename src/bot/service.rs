//! The bot as the server runs it: the configured platform adapters, the conversations, and the
//! dispatch of a verified webhook's events (answer in the HTTP response where the platform
//! allows it — WeChat's passive reply — else through the platform's send API).
use std::collections::HashMap;
use std::sync::Arc;

use super::adapters::{Telegram, WeChat, WhatsApp, http_client};
use super::conversation::{Conversations, Deps};
use super::region::RegionIndex;
use super::{BotConfig, Channel, HttpReply, Inbound, InboundRequest, Platform};
use crate::clock::Clock;
use crate::error::Result;
use crate::survey::Catalog;

pub struct BotService {
    channels: HashMap<Platform, Arc<dyn Channel>>,
    pub conversations: Conversations,
    pub regions: RegionIndex,
}

impl BotService {
    /// The adapters whose settings are present.
    pub fn from_config(
        cfg: &BotConfig,
        catalog: &Catalog,
        clock: Arc<dyn Clock>,
    ) -> Result<BotService> {
        let http = http_client()?;
        let mut channels: Vec<Arc<dyn Channel>> = Vec::new();
        if cfg.wechat_enabled() {
            channels.push(Arc::new(WeChat::new(cfg, clock.clone(), http.clone())?));
        }
        if cfg.telegram_enabled() {
            channels.push(Arc::new(Telegram::new(cfg, clock.clone(), http.clone())?));
        }
        if cfg.whatsapp_enabled() {
            channels.push(Arc::new(WhatsApp::new(cfg, clock, http)?));
        }
        Ok(BotService::new(channels, catalog))
    }

    pub fn new(channels: Vec<Arc<dyn Channel>>, catalog: &Catalog) -> BotService {
        BotService {
            channels: channels.into_iter().map(|c| (c.platform(), c)).collect(),
            conversations: Conversations::default(),
            regions: RegionIndex::new(catalog.regions()),
        }
    }

    pub fn channel(&self, platform: Platform) -> Option<&Arc<dyn Channel>> {
        self.channels.get(&platform)
    }

    /// Handles a webhook request of `platform`: the GET handshake, or a POST's events.
    pub async fn webhook(
        &self,
        d: &Deps<'_>,
        platform: Platform,
        req: InboundRequest,
    ) -> HttpReply {
        let Some(channel) = self.channel(platform) else {
            return HttpReply {
                status: 404,
                ..HttpReply::text("not configured")
            };
        };
        if req.method == axum::http::Method::GET {
            return channel.handshake(&req).unwrap_or_else(|e| {
                tracing::warn!(%platform, error = %e, "webhook handshake refused");
                HttpReply::error(&e)
            });
        }
        let events = match channel.receive(&req) {
            Ok(events) => events,
            Err(e) => {
                tracing::warn!(%platform, error = %e, "webhook request rejected");
                return HttpReply::error(&e);
            }
        };
        let mut answer: Option<HttpReply> = None;
        for inbound in &events {
            match self.conversations.handle(d, inbound).await {
                Ok(Some(msg)) if !msg.text.trim().is_empty() => {
                    if let Some(r) = self.deliver(channel, inbound, msg).await {
                        answer.get_or_insert(r);
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    // Nothing of this event was kept: the platform's retry handles it afresh.
                    tracing::error!(%platform, error = %e, "chat event failed");
                    return HttpReply {
                        status: 500,
                        ..HttpReply::text("try again")
                    };
                }
            }
        }
        answer.unwrap_or_else(|| channel.ack())
    }

    /// Sends the bot's answer to an event. WeChat's passive reply carries the message itself
    /// (what does not fit follows through the customer-service API); Telegram's carries only
    /// the button press's acknowledgement, and the message goes out through the API.
    async fn deliver(
        &self,
        channel: &Arc<dyn Channel>,
        inbound: &Inbound,
        msg: super::OutboundMessage,
    ) -> Option<HttpReply> {
        let passive = channel.passive_reply(inbound, &msg);
        let carries_message = inbound.platform == Platform::WeChat && passive.is_some();
        let rest = match &passive {
            Some(p) if carries_message => p.follow_up.clone(),
            _ => Some(msg),
        };
        if let Some(rest) = rest
            && let Err(e) = channel.send(&inbound.user_id, &rest).await
        {
            tracing::warn!(platform = %inbound.platform, error = %e, "bot message not sent");
        }
        passive
    }
}
