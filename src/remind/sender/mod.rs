//! The senders of invitations and reminders — e-mail over SMTP, SMS through an HTTP gateway,
//! bot messages through the `bot` adapters — and the choice of channel for a person: the first
//! channel of the wave's order that reaches them (bot if bound, SMS if a phone is known, e-mail
//! if an address is known, by default).
pub mod bot;
pub mod email;
pub mod sms;

use super::Kind;
use super::message::{Content, Recipient};
use crate::wave::plan::ReminderChannel;

/// Why a send did not go out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendError {
    /// Worth trying again later: network trouble, a busy or throttling provider, an SMTP 4xx.
    Retry(String),
    /// Refused for good on this channel (bad address, SMTP 5xx, template refused).
    Permanent(String),
    /// The person stopped this channel (blocked the bot, unsubscribed at the provider).
    Stopped(String),
}

impl SendError {
    pub fn text(&self) -> &str {
        match self {
            SendError::Retry(s) | SendError::Permanent(s) | SendError::Stopped(s) => s,
        }
    }
}

/// The configured senders; a channel without a sender reaches nobody.
#[derive(Default)]
pub struct Senders {
    pub email: Option<email::EmailSender>,
    pub sms: Option<sms::SmsSender>,
    pub bot: Option<bot::BotSender>,
}

impl Senders {
    /// The channels of `order` that reach `r`, in that order.
    pub fn reachable(&self, order: &[ReminderChannel], r: &Recipient) -> Vec<ReminderChannel> {
        order
            .iter()
            .copied()
            .filter(|c| match c {
                ReminderChannel::Bot => self
                    .bot
                    .as_ref()
                    .zip(r.chat.as_ref())
                    .is_some_and(|(b, (platform, _))| b.serves(*platform)),
                ReminderChannel::Sms => self.sms.is_some() && r.phone.is_some(),
                ReminderChannel::Email => self.email.is_some() && r.email.is_some(),
            })
            .collect()
    }

    /// Sends `content` to `r` on `channel`; returns the provider's reply.
    pub async fn send(
        &self,
        channel: ReminderChannel,
        kind: Kind,
        reminder_id: i32,
        content: &Content,
        r: &Recipient,
    ) -> Result<String, SendError> {
        let none = || SendError::Permanent(format!("no {} sender configured", channel.as_str()));
        match channel {
            ReminderChannel::Email => {
                let to = r
                    .email
                    .as_deref()
                    .ok_or_else(|| SendError::Permanent("no e-mail address".into()))?;
                self.email
                    .as_ref()
                    .ok_or_else(none)?
                    .send(to, content, &r.unsubscribe)
                    .await
            }
            ReminderChannel::Sms => {
                let phone = r
                    .phone
                    .as_deref()
                    .ok_or_else(|| SendError::Permanent("no phone number".into()))?;
                self.sms
                    .as_ref()
                    .ok_or_else(none)?
                    .send(reminder_id, phone, &r.code, &r.link)
                    .await
            }
            ReminderChannel::Bot => {
                let (platform, user) = r
                    .chat
                    .as_ref()
                    .ok_or_else(|| SendError::Permanent("not bound to a chat user".into()))?;
                self.bot
                    .as_ref()
                    .ok_or_else(none)?
                    .send(*platform, user, kind, content, r)
                    .await
            }
        }
    }

    /// The channel name stored in the delivery log (`bot:wechat` names the platform).
    pub fn log_name(channel: ReminderChannel, r: &Recipient) -> String {
        match (channel, &r.chat) {
            (ReminderChannel::Bot, Some((p, _))) => format!("bot:{}", p.as_str()),
            _ => channel.as_str().to_string(),
        }
    }
}
