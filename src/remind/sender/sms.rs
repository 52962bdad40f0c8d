//! SMS through an HTTP gateway. Mainland-China SMS is template-only (`../shared/MESSAGING.md`
//! §5): the gateway gets an approved template id, the sign name, the phone number and the
//! variables — the invitation code and, where the provider allows it, the personal link.
//!
//! `POST {SMS_API_BASE}` with JSON `{"template_id", "sign_name", "phone", "variables": {…},
//! "out_id": "reminder-ID"}` and `Authorization: Bearer SMS_API_KEY` when set. 2xx = accepted;
//! 429 and 5xx = try again later; any other status = refused.
use std::time::Duration;

use serde_json::{Map, Value, json};

use super::SendError;
use crate::error::{Error, Result};
use crate::remind::config::RemindConfig;

pub struct SmsSender {
    http: reqwest::Client,
    url: String,
    api_key: Option<String>,
    template_id: String,
    sign_name: String,
    with_code: bool,
    with_link: bool,
}

impl SmsSender {
    /// The sender of `SMS_API_BASE`, or None when no gateway is configured.
    pub fn from_config(c: &RemindConfig) -> Result<Option<SmsSender>> {
        let Some(url) = c.sms_api_base.clone().filter(|u| !u.trim().is_empty()) else {
            return Ok(None);
        };
        let mut with_code = false;
        let mut with_link = false;
        for v in c
            .sms_variables
            .split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty())
        {
            match v {
                "code" => with_code = true,
                "link" => with_link = true,
                other => {
                    return Err(Error::Config(format!(
                        "SMS_VARIABLES: unknown variable '{other}' (code, link)"
                    )));
                }
            }
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .connect_timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| Error::Config(format!("cannot build the SMS client: {e}")))?;
        Ok(Some(SmsSender {
            http,
            url,
            api_key: c.sms_api_key.clone(),
            template_id: c.sms_template_id.clone(),
            sign_name: c.sms_sign_name.clone(),
            with_code,
            with_link,
        }))
    }

    /// The gateway request body.
    pub fn body(&self, reminder_id: i32, phone: &str, code: &str, link: &str) -> Value {
        let mut vars = Map::new();
        if self.with_code {
            vars.insert("code".into(), json!(code));
        }
        if self.with_link {
            vars.insert("link".into(), json!(link));
        }
        json!({
            "template_id": self.template_id,
            "sign_name": self.sign_name,
            "phone": phone,
            "variables": vars,
            // Our own id, so a provider's receipt (or a duplicate check) can name the send.
            "out_id": format!("reminder-{reminder_id}"),
        })
    }

    pub async fn send(
        &self,
        reminder_id: i32,
        phone: &str,
        code: &str,
        link: &str,
    ) -> Result<String, SendError> {
        let mut req = self
            .http
            .post(&self.url)
            .json(&self.body(reminder_id, phone, code, link));
        if let Some(key) = &self.api_key {
            req = req.bearer_auth(key);
        }
        let resp = req.send().await.map_err(|e| {
            let e = e.without_url();
            SendError::Retry(if e.is_timeout() {
                "sms gateway timeout".into()
            } else {
                "sms gateway unreachable".into()
            })
        })?;
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap_or_default();
        let reply = format!("{status} {}", crate::remind::shorten(text.trim(), 300));
        match status {
            200..=299 => Ok(reply),
            429 | 500..=599 => Err(SendError::Retry(reply)),
            _ => Err(SendError::Permanent(reply)),
        }
    }
}
