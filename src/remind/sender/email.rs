//! E-mail over SMTP (lettre, pooled connections): a plain-text and an HTML part, the personal
//! link, and the one-click unsubscribe headers (`List-Unsubscribe`, `List-Unsubscribe-Post`,
//! RFC 8058). TLS from the `SMTP_URL` scheme: `smtp://` plain, `smtp+starttls://` STARTTLS
//! required, `smtps://` implicit TLS; user and password in the URL.
use std::time::Duration;

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::SendError;
use crate::error::{Error, Result};
use crate::remind::message::Content;

/// How long one SMTP conversation may take before the send is retried later.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

pub struct EmailSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// Maps our URL schemes onto lettre's (`smtp+starttls://` is `smtp://…?tls=required`).
pub fn lettre_url(smtp_url: &str) -> Result<String> {
    let bad = |why: &str| Error::Config(format!("SMTP_URL: {why}"));
    let (scheme, rest) = smtp_url
        .split_once("://")
        .ok_or_else(|| bad("expected smtp://, smtp+starttls:// or smtps://"))?;
    let tls_param = |rest: &str| {
        let sep = if rest.contains('?') { '&' } else { '?' };
        format!("smtp://{rest}{sep}tls=required")
    };
    match scheme {
        "smtp" | "smtps" => Ok(smtp_url.to_string()),
        "smtp+starttls" => Ok(tls_param(rest)),
        other => Err(bad(&format!(
            "unknown scheme '{other}' (smtp, smtp+starttls or smtps)"
        ))),
    }
}

impl EmailSender {
    /// A pooled sender of `pool_size` connections from `MAIL_FROM`.
    pub fn new(smtp_url: &str, from: &str, pool_size: u32) -> Result<EmailSender> {
        let url = lettre_url(smtp_url)?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
            .map_err(|e| Error::Config(format!("SMTP_URL: {e}")))?
            .timeout(Some(SMTP_TIMEOUT))
            .pool_config(PoolConfig::new().max_size(pool_size.max(1)))
            .build();
        let from: Mailbox = from
            .parse()
            .map_err(|e| Error::Config(format!("MAIL_FROM is not an address: {e}")))?;
        Ok(EmailSender { transport, from })
    }

    /// Sends one message; the reply is the server's final answer (`250 …`).
    pub async fn send(
        &self,
        to: &str,
        content: &Content,
        unsubscribe: &str,
    ) -> Result<String, SendError> {
        // The address itself never goes into the error: it is personal data.
        let to: Mailbox = to
            .parse()
            .map_err(|_| SendError::Permanent("the e-mail address is malformed".into()))?;
        let message = build(&self.from, to, content, unsubscribe)
            .map_err(|e| SendError::Permanent(format!("cannot build the e-mail: {e}")))?;
        match self.transport.send(message).await {
            Ok(resp) => Ok(format!(
                "{} {}",
                resp.code(),
                resp.message().collect::<Vec<_>>().join(" ")
            )),
            Err(e) if e.is_permanent() => Err(SendError::Permanent(smtp_error(&e))),
            Err(e) => Err(SendError::Retry(smtp_error(&e))),
        }
    }
}

/// An SMTP error as logged: its kind and status, not the server's text (which may quote the
/// recipient's address).
fn smtp_error(e: &lettre::transport::smtp::Error) -> String {
    let kind = if e.is_permanent() {
        "permanent"
    } else if e.is_transient() {
        "transient"
    } else if e.is_timeout() {
        "timeout"
    } else if e.is_client() {
        "client"
    } else {
        "connection"
    };
    match e.status() {
        Some(code) => format!("smtp {kind} error {code}"),
        None => format!("smtp {kind} error"),
    }
}

/// The message: multipart/alternative (text, then HTML) with the unsubscribe headers.
pub fn build(
    from: &Mailbox,
    to: Mailbox,
    content: &Content,
    unsubscribe: &str,
) -> std::result::Result<Message, lettre::error::Error> {
    let mut message = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(content.subject.clone())
        .message_id(None)
        .multipart(MultiPart::alternative_plain_html(
            content.text.clone(),
            content.html.clone(),
        ))?;
    let headers = message.headers_mut();
    headers.insert_raw(HeaderValue::new(
        HeaderName::new_from_ascii_str("List-Unsubscribe"),
        format!("<{unsubscribe}>"),
    ));
    headers.insert_raw(HeaderValue::new(
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
        "List-Unsubscribe=One-Click".to_string(),
    ));
    Ok(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    // The pooled transport starts a tokio task, hence the runtime.
    #[tokio::test]
    async fn url_schemes_map_to_tls_modes() {
        assert_eq!(lettre_url("smtp://h:25").unwrap(), "smtp://h:25");
        assert_eq!(
            lettre_url("smtp+starttls://u:p@h:587").unwrap(),
            "smtp://u:p@h:587?tls=required"
        );
        assert_eq!(lettre_url("smtps://h").unwrap(), "smtps://h");
        assert!(lettre_url("http://h").is_err());
        assert!(lettre_url("h:25").is_err());
        assert!(
            EmailSender::new("smtps://mail.example.edu", "gradtrace <noreply@x.edu>", 2).is_ok()
        );
        assert!(EmailSender::new("smtp://127.0.0.1:2525", "not an address", 2).is_err());
    }

    #[test]
    fn message_has_both_parts_and_one_click_headers() {
        let content = Content {
            subject: "提醒：调查".into(),
            text: "plain body".into(),
            html: "<p>html body</p>".into(),
            chat: String::new(),
        };
        let m = build(
            &"gradtrace <noreply@x.edu>".parse().unwrap(),
            "a@b.edu".parse().unwrap(),
            &content,
            "https://x.edu/u/1.abc",
        )
        .unwrap();
        let raw = String::from_utf8(m.formatted()).unwrap();
        assert!(raw.contains("List-Unsubscribe: <https://x.edu/u/1.abc>"));
        assert!(raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
        assert!(raw.contains("multipart/alternative"));
        assert!(raw.contains("text/plain") && raw.contains("text/html"));
        assert!(raw.contains("Message-ID:"));
    }
}
