//! The `Channel` trait every messaging platform implements, and the normalized shapes that cross
//! it: the raw webhook request in, `Inbound` events out, `HttpReply` back to the platform.
//! Adding a channel is adding a module here.
pub mod telegram;
pub mod wechat;
pub mod whatsapp;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method};
use futures::future::BoxFuture;
use subtle::ConstantTimeEq;

use super::BotError;
use super::outbound::OutboundMessage;

pub use telegram::Telegram;
pub use wechat::WeChat;
pub use whatsapp::WhatsApp;

/// Largest webhook body we read (Meta's payloads are the biggest; 1 MiB as Courier does).
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// The messaging platforms the bot speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Platform {
    WeChat,
    Telegram,
    WhatsApp,
}

impl Platform {
    /// The name stored as a response's channel and in consent events.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::WeChat => "wechat",
            Platform::Telegram => "telegram",
            Platform::WhatsApp => "whatsapp",
        }
    }

    /// The platform of a stored name (`as_str`).
    pub fn parse(name: &str) -> Option<Platform> {
        [Platform::WeChat, Platform::Telegram, Platform::WhatsApp]
            .into_iter()
            .find(|p| p.as_str() == name)
    }
}

impl From<Platform> for crate::store::responses::Channel {
    fn from(p: Platform) -> Self {
        match p {
            Platform::WeChat => crate::store::responses::Channel::Wechat,
            Platform::Telegram => crate::store::responses::Channel::Telegram,
            Platform::WhatsApp => crate::store::responses::Channel::Whatsapp,
        }
    }
}

impl std::fmt::Display for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A webhook request as received, before anything is trusted: the raw body is kept because
/// signatures are computed over the exact bytes.
#[derive(Debug, Clone)]
pub struct InboundRequest {
    pub method: Method,
    /// Query parameters, percent-decoded, in order.
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl InboundRequest {
    /// Builds a request from its parts; `raw_query` is the URI's query string (without `?`).
    pub fn new(
        method: Method,
        raw_query: Option<&str>,
        headers: HeaderMap,
        body: impl Into<Bytes>,
    ) -> InboundRequest {
        InboundRequest {
            method,
            query: raw_query.map(parse_query).unwrap_or_default(),
            headers,
            body: body.into(),
        }
    }

    /// The first value of a query parameter.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A header's value, when it is valid visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Rejects bodies no platform would send.
    pub fn check_size(&self) -> Result<(), BotError> {
        if self.body.len() > MAX_BODY_BYTES {
            return Err(BotError::TooLarge(self.body.len()));
        }
        Ok(())
    }
}

/// Decodes an `application/x-www-form-urlencoded` query string (`+` is a space).
pub fn parse_query(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match (hex_value(bytes[i + 1]), hex_value(bytes[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push(h << 4 | l);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Constant-time equality of two secrets (the lengths may leak, the contents do not).
pub fn secret_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 0xf) as usize] as char);
    }
    s
}

/// One thing a user did, in the platform's terms normalized for the conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct Inbound {
    pub platform: Platform,
    /// Who is talking: WeChat OpenID, Telegram chat id, WhatsApp `wa_id`.
    pub user_id: String,
    /// Idempotency key, unique per platform: WeChat `MsgId` (or `FromUserName:CreateTime` for
    /// events), Telegram `update_id`, WhatsApp message id (`id:status` for statuses).
    pub event_key: String,
    pub kind: InboundKind,
    /// When the user acted, Unix seconds (the platform's own timestamp).
    pub timestamp: i64,
    /// The language the user's app reports, when the platform tells (Telegram).
    pub language_hint: Option<String>,
    /// What the adapter needs to answer this event.
    pub reply: ReplyContext,
}

/// What the user did.
#[derive(Debug, Clone, PartialEq)]
pub enum InboundKind {
    /// Typed text (or a WeChat voice message's recognized text).
    Text(String),
    /// A tapped button or menu item: its payload (the choice id we sent).
    Choice(String),
    /// Followed the account (WeChat), possibly through a parametrised QR code; or scanned one
    /// while already following (`SCAN`).
    Subscribe { scene: Option<String> },
    /// Unfollowed the account.
    Unsubscribe,
    /// Telegram `/start`, with the deep-link payload (an invitation code).
    Start { payload: Option<String> },
    /// A custom-menu button (WeChat CLICK event): the key configured for it.
    Menu(String),
    /// A delivery receipt for a message we sent (WhatsApp statuses).
    Delivery {
        message_id: String,
        status: DeliveryStatus,
        /// The platform's error code of a failed delivery (e.g. WhatsApp 131026 undeliverable,
        /// 131050 user stopped business messages).
        error_code: Option<i64>,
    },
    /// Anything else (image, sticker, location…): the platform's type name.
    Other(String),
}

/// The state of a message we sent, as the platform reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DeliveryStatus {
    Sent,
    Delivered,
    Read,
    Failed,
}

/// Platform details needed to answer an inbound event.
#[derive(Debug, Clone, PartialEq)]
pub enum ReplyContext {
    WeChat {
        /// The account's original id (`gh_…`), the sender of our passive reply.
        account: String,
        /// Which EncodingAESKey decrypted the message (0 current, 1 previous); None = plaintext.
        key_index: Option<usize>,
    },
    Telegram {
        /// Present for inline-keyboard presses, which must be answered.
        callback_query_id: Option<String>,
    },
    WhatsApp {
        phone_number_id: String,
    },
}

/// An HTTP answer to the platform's webhook call.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpReply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// What did not fit into this passive reply (WeChat's text limit): the caller sends it
    /// with `Channel::send`.
    pub follow_up: Option<OutboundMessage>,
}

impl HttpReply {
    /// A plain-text answer with status 200.
    pub fn text(body: impl Into<Vec<u8>>) -> HttpReply {
        HttpReply {
            status: 200,
            content_type: "text/plain; charset=utf-8",
            body: body.into(),
            follow_up: None,
        }
    }

    /// An answer for an error that stopped the request; the body says only what kind of error.
    pub fn error(e: &BotError) -> HttpReply {
        HttpReply {
            status: e.status(),
            content_type: "text/plain; charset=utf-8",
            body: e.to_string().into_bytes(),
            follow_up: None,
        }
    }
}

impl axum::response::IntoResponse for HttpReply {
    fn into_response(self) -> axum::response::Response {
        let status = axum::http::StatusCode::from_u16(self.status)
            .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
        (
            status,
            [(axum::http::header::CONTENT_TYPE, self.content_type)],
            self.body,
        )
            .into_response()
    }
}

/// What a platform said about a message we sent on our own.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SendReceipt {
    /// The platform's ids of the messages sent (several when a long text was split); WeChat's
    /// customer-service API gives none.
    pub message_ids: Vec<String>,
    /// Whether a template message replaced the free-form one (WhatsApp outside the window).
    pub used_template: bool,
}

/// One messaging platform.
pub trait Channel: Send + Sync {
    fn platform(&self) -> Platform;

    /// The GET handshake that proves we own the webhook URL (WeChat `echostr`, WhatsApp
    /// `hub.challenge`).
    fn handshake(&self, req: &InboundRequest) -> Result<HttpReply, BotError>;

    /// Checks that a POST comes from the platform: size, signature or secret, freshness.
    fn verify(&self, req: &InboundRequest) -> Result<(), BotError>;

    /// Reads the events of a verified POST (decrypting it where the platform encrypts).
    fn parse(&self, req: &InboundRequest) -> Result<Vec<Inbound>, BotError>;

    /// `verify`, then `parse`.
    fn receive(&self, req: &InboundRequest) -> Result<Vec<Inbound>, BotError> {
        if req.method != Method::POST {
            return Err(BotError::MethodNotAllowed);
        }
        self.verify(req)?;
        self.parse(req)
    }

    /// The answer carried in the webhook's HTTP response, where the platform allows one
    /// (WeChat's passive XML reply; Telegram's answerCallbackQuery for button presses).
    /// None: answer with `ack` and `send` the message.
    fn passive_reply(&self, inbound: &Inbound, msg: &OutboundMessage) -> Option<HttpReply>;

    /// The answer to a POST that needs no reply ("success" for WeChat, an empty 200 elsewhere).
    fn ack(&self) -> HttpReply;

    /// Sends a message on the bot's own initiative.
    fn send<'a>(
        &'a self,
        user_id: &'a str,
        msg: &'a OutboundMessage,
    ) -> BoxFuture<'a, Result<SendReceipt, BotError>>;
}

/// The HTTP client the adapters send with: short timeouts, since a stuck platform must not
/// hold a conversation.
pub fn http_client() -> Result<reqwest::Client, BotError> {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .connect_timeout(std::time::Duration::from_secs(5))
        .build()
        .map_err(BotError::from_http)
}

/// Reads a platform's JSON answer, whatever its HTTP status (WeChat answers errors with 200,
/// Telegram and Meta with 4xx and a JSON body).
pub(crate) async fn read_json(
    resp: reqwest::Response,
) -> Result<(u16, serde_json::Value), BotError> {
    let status = resp.status().as_u16();
    let bytes = resp.bytes().await.map_err(BotError::from_http)?;
    match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(v) => Ok((status, v)),
        Err(_) if status >= 500 || status == 429 => {
            Err(BotError::Unreachable(format!("HTTP {status}")))
        }
        Err(_) => Err(BotError::UnexpectedResponse(format!(
            "HTTP {status}, body is not JSON"
        ))),
    }
}

/// A JSON parse error described without quoting the input (which may hold personal data).
pub(crate) fn json_error(e: &serde_json::Error) -> BotError {
    let what = match e.classify() {
        serde_json::error::Category::Io => "unreadable",
        serde_json::error::Category::Syntax => "invalid JSON",
        serde_json::error::Category::Data => "unexpected JSON shape",
        serde_json::error::Category::Eof => "truncated JSON",
    };
    BotError::Malformed(format!("{what} at line {} column {}", e.line(), e.column()))
}
