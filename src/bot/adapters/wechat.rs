//! WeChat Official Account: URL verification, SHA1 signatures on every request, plaintext and
//! safe mode (AES-256-CBC with 32-byte PKCS#7, AppID check, current and previous key), XML in
//! and out, passive replies, and the customer-service API with a cached access token.
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit, block_padding::NoPadding};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use futures::future::BoxFuture;
use serde::Deserialize;
use serde_json::{Value, json};
use sha1::{Digest, Sha1};

use super::{
    Channel, HttpReply, Inbound, InboundKind, InboundRequest, Platform, ReplyContext, SendReceipt,
    read_json, secret_eq,
};
use crate::bot::outbound::{self, OutboundMessage};
use std::sync::Arc;

use crate::bot::{BotConfig, BotError, Clock, unix_now};

type Aes256CbcEnc = cbc::Encryptor<aes::Aes256>;
type Aes256CbcDec = cbc::Decryptor<aes::Aes256>;

/// WeChat pads to 32-byte blocks (PKCS#7 with K = 32), not AES's 16.
const PAD_BLOCK: usize = 32;
/// Error codes that mean "this access token is no longer valid": refresh once and retry.
const TOKEN_EXPIRED_CODES: [i64; 3] = [40001, 40014, 42001];

/// `hex_lower(SHA1(concat(sort(parts))))`: the `signature` (token, timestamp, nonce) and the
/// `msg_signature` (the same plus the `Encrypt` text).
pub fn signature(parts: &[&str]) -> String {
    let mut sorted: Vec<&str> = parts.to_vec();
    sorted.sort_unstable();
    let mut h = Sha1::new();
    for p in sorted {
        h.update(p.as_bytes());
    }
    super::hex(&h.finalize())
}

/// EncodingAESKeys are generated with arbitrary bits in their last character, which a strict
/// Base64 decoder refuses; WeChat's own SDKs ignore them.
const KEY_B64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// An AES-256 key from a 43-character EncodingAESKey.
#[derive(Clone)]
pub struct AesKey([u8; 32]);

/// A decrypted safe-mode payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decrypted {
    pub random: [u8; 16],
    pub msg: Vec<u8>,
    pub pad: u8,
}

impl AesKey {
    /// Decodes an EncodingAESKey (Base64 without its trailing `=`).
    pub fn from_encoding_key(encoding_aes_key: &str) -> Result<AesKey, BotError> {
        let k = encoding_aes_key.trim();
        if k.len() != 43 || !k.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(BotError::NotConfigured(
                "a valid WECHAT_AES_KEY (43 letters and digits)",
            ));
        }
        let bytes = KEY_B64
            .decode(k)
            .map_err(|_| BotError::NotConfigured("a valid WECHAT_AES_KEY (Base64)"))?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| BotError::NotConfigured("a valid WECHAT_AES_KEY (32 bytes)"))?;
        Ok(AesKey(key))
    }

    /// The raw 32 bytes (the IV is the first 16).
    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// `random || len(msg) as u32 BE || msg || receive_id`, padded to 32, AES-256-CBC, Base64.
    pub fn encrypt(&self, msg: &[u8], receive_id: &str, random: [u8; 16]) -> String {
        let mut buf = Vec::with_capacity(20 + msg.len() + receive_id.len() + PAD_BLOCK);
        buf.extend_from_slice(&random);
        buf.extend_from_slice(&(msg.len() as u32).to_be_bytes());
        buf.extend_from_slice(msg);
        buf.extend_from_slice(receive_id.as_bytes());
        let pad = PAD_BLOCK - buf.len() % PAD_BLOCK;
        buf.extend(std::iter::repeat_n(pad as u8, pad));
        let len = buf.len();
        // The key is 32 bytes and the IV 16 by construction, and the buffer is block-aligned,
        // so neither call can fail.
        let enc = match Aes256CbcEnc::new_from_slices(&self.0, &self.0[..16]) {
            Ok(enc) => enc,
            Err(_) => unreachable!("AES-256 key and IV have fixed sizes"),
        };
        match enc.encrypt_padded_mut::<NoPadding>(&mut buf, len) {
            Ok(ct) => B64.encode(ct),
            Err(_) => unreachable!("buffer is padded to the block size"),
        }
    }

    /// Reverses `encrypt` and checks that the payload is addressed to `receive_id`.
    pub fn decrypt(&self, encrypted: &str, receive_id: &str) -> Result<Decrypted, BotError> {
        let mut buf = B64
            .decode(encrypted.trim())
            .map_err(|_| BotError::Decrypt("not Base64"))?;
        if buf.is_empty() || buf.len() % 16 != 0 {
            return Err(BotError::Decrypt("ciphertext is not whole AES blocks"));
        }
        let dec = Aes256CbcDec::new_from_slices(&self.0, &self.0[..16])
            .map_err(|_| BotError::Decrypt("key"))?;
        let pt = dec
            .decrypt_padded_mut::<NoPadding>(&mut buf)
            .map_err(|_| BotError::Decrypt("ciphertext is not whole AES blocks"))?;
        let pad = *pt.last().ok_or(BotError::Decrypt("empty"))?;
        let p = pad as usize;
        if p == 0 || p > PAD_BLOCK || p > pt.len() || pt[pt.len() - p..].iter().any(|&b| b != pad) {
            return Err(BotError::Decrypt("bad padding (wrong key?)"));
        }
        let pt = &pt[..pt.len() - p];
        if pt.len() < 20 {
            return Err(BotError::Decrypt("payload too short"));
        }
        let n = u32::from_be_bytes([pt[16], pt[17], pt[18], pt[19]]) as usize;
        if 20 + n > pt.len() {
            return Err(BotError::Decrypt("length field beyond payload"));
        }
        if &pt[20 + n..] != receive_id.as_bytes() {
            return Err(BotError::WrongApp);
        }
        let mut random = [0u8; 16];
        random.copy_from_slice(&pt[..16]);
        Ok(Decrypted {
            random,
            msg: pt[20..20 + n].to_vec(),
            pad,
        })
    }
}

/// The encrypted passive-reply envelope for `xml`, signed over token, timestamp, nonce and the
/// new `Encrypt`.
pub fn encrypted_reply(
    token: &str,
    key: &AesKey,
    app_id: &str,
    xml: &str,
    timestamp: i64,
    nonce: &str,
    random: [u8; 16],
) -> String {
    let encrypt = key.encrypt(xml.as_bytes(), app_id, random);
    let ts = timestamp.to_string();
    let sig = signature(&[token, &ts, nonce, &encrypt]);
    format!(
        "<xml>\n<Encrypt>{}</Encrypt>\n<MsgSignature>{}</MsgSignature>\n<TimeStamp>{ts}</TimeStamp>\n<Nonce>{}</Nonce>\n</xml>",
        cdata(&encrypt),
        cdata(&sig),
        cdata(nonce)
    )
}

/// A passive text reply (plaintext XML), addresses swapped relative to the inbound message.
/// Written by hand rather than with quick-xml's serializer: WeChat's documented form wraps
/// strings in CDATA, which the serializer does not produce (it escapes entities instead).
pub fn text_reply_xml(
    to_user: &str,
    from_account: &str,
    create_time: i64,
    content: &str,
) -> String {
    format!(
        "<xml><ToUserName>{}</ToUserName><FromUserName>{}</FromUserName><CreateTime>{create_time}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content>{}</Content></xml>",
        cdata(to_user),
        cdata(from_account),
        cdata(content)
    )
}

/// Wraps text in CDATA; a `]]>` inside is split across two sections.
fn cdata(s: &str) -> String {
    format!("<![CDATA[{}]]>", s.replace("]]>", "]]]]><![CDATA[>"))
}

/// The elements of a pushed message or event we read (everything else is ignored).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WxXml {
    #[serde(rename = "ToUserName")]
    to_user_name: Option<String>,
    #[serde(rename = "FromUserName")]
    from_user_name: Option<String>,
    #[serde(rename = "CreateTime")]
    create_time: Option<String>,
    #[serde(rename = "MsgType")]
    msg_type: Option<String>,
    #[serde(rename = "Content")]
    content: Option<String>,
    #[serde(rename = "MsgId")]
    msg_id: Option<String>,
    #[serde(rename = "Event")]
    event: Option<String>,
    #[serde(rename = "EventKey")]
    event_key: Option<String>,
    #[serde(rename = "Recognition")]
    recognition: Option<String>,
    #[serde(rename = "bizmsgmenuid")]
    bizmsgmenuid: Option<String>,
    #[serde(rename = "Encrypt")]
    encrypt: Option<String>,
}

fn parse_xml(xml: &str) -> Result<WxXml, BotError> {
    // The error text of the XML parser may quote the input; say only that it is not valid.
    quick_xml::de::from_str::<WxXml>(xml)
        .map_err(|_| BotError::Malformed("invalid XML message".to_string()))
}

/// Empty strings are absent values (WeChat sends empty CDATA for unset fields).
fn non_empty(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Turns one pushed XML message into an inbound event.
fn inbound_from_xml(xml: WxXml, key_index: Option<usize>) -> Result<Inbound, BotError> {
    let from = non_empty(xml.from_user_name)
        .ok_or_else(|| BotError::Malformed("FromUserName missing".into()))?;
    let account = non_empty(xml.to_user_name)
        .ok_or_else(|| BotError::Malformed("ToUserName missing".into()))?;
    let create_time: i64 = non_empty(xml.create_time)
        .ok_or_else(|| BotError::Malformed("CreateTime missing".into()))?
        .parse()
        .map_err(|_| BotError::Malformed("CreateTime is not an integer".into()))?;
    let msg_type =
        non_empty(xml.msg_type).ok_or_else(|| BotError::Malformed("MsgType missing".into()))?;
    let msg_id = non_empty(xml.msg_id);

    let (kind, event_key) = if msg_type == "event" {
        let event = non_empty(xml.event)
            .ok_or_else(|| BotError::Malformed("event without Event".into()))?;
        let key = non_empty(xml.event_key);
        let kind = match event.to_ascii_lowercase().as_str() {
            "subscribe" => InboundKind::Subscribe {
                scene: key
                    .map(|k| k.strip_prefix("qrscene_").unwrap_or(&k).to_string())
                    .filter(|s| !s.is_empty()),
            },
            "scan" => InboundKind::Subscribe { scene: key },
            "unsubscribe" => InboundKind::Unsubscribe,
            "click" => match key {
                Some(k) => InboundKind::Menu(k),
                None => InboundKind::Other("event:CLICK".into()),
            },
            _ => InboundKind::Other(format!("event:{event}")),
        };
        // Events have no MsgId: FromUserName + CreateTime (+ the event, so a subscribe and a
        // SCAN in the same second stay apart) is the documented de-duplication key.
        (kind, format!("{from}:{create_time}:{event}"))
    } else {
        let kind = match msg_type.as_str() {
            "text" => {
                let content = xml.content.unwrap_or_default();
                match non_empty(xml.bizmsgmenuid).filter(|id| id != "0") {
                    Some(id) => InboundKind::Choice(id),
                    None => InboundKind::Text(content.trim().to_string()),
                }
            }
            "voice" => match non_empty(xml.recognition) {
                Some(text) => InboundKind::Text(text),
                None => InboundKind::Other("voice".into()),
            },
            other => InboundKind::Other(other.to_string()),
        };
        let key = msg_id.unwrap_or_else(|| format!("{from}:{create_time}:{msg_type}"));
        (kind, key)
    };
    Ok(Inbound {
        platform: Platform::WeChat,
        user_id: from,
        event_key,
        kind,
        timestamp: create_time,
        language_hint: None,
        reply: ReplyContext::WeChat { account, key_index },
    })
}

/// Which endpoint gives access tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokenEndpoint {
    Classic,
    Stable,
}

struct CachedToken {
    token: String,
    expires_at: i64,
}

/// The WeChat Official Account adapter.
pub struct WeChat {
    token: String,
    app_id: Option<String>,
    app_secret: Option<String>,
    /// Current key first, then the previous one.
    keys: Vec<AesKey>,
    max_skew: i64,
    menu_messages: bool,
    api_base: String,
    token_endpoint: TokenEndpoint,
    clock: Arc<dyn Clock>,
    http: reqwest::Client,
    access: tokio::sync::Mutex<Option<CachedToken>>,
}

impl WeChat {
    pub fn new(
        cfg: &BotConfig,
        clock: Arc<dyn Clock>,
        http: reqwest::Client,
    ) -> Result<WeChat, BotError> {
        let token = cfg
            .wechat_token
            .clone()
            .ok_or(BotError::NotConfigured("WECHAT_TOKEN"))?;
        let mut keys = Vec::new();
        if let Some(k) = &cfg.wechat_aes_key {
            keys.push(AesKey::from_encoding_key(k)?);
            if let Some(prev) = &cfg.wechat_aes_key_previous {
                keys.push(AesKey::from_encoding_key(prev)?);
            }
            if cfg.wechat_app_id.is_none() {
                return Err(BotError::NotConfigured(
                    "WECHAT_APP_ID (needed in safe mode)",
                ));
            }
        }
        let token_endpoint = match cfg.wechat_token_endpoint.as_str() {
            "token" => TokenEndpoint::Classic,
            "stable_token" => TokenEndpoint::Stable,
            _ => {
                return Err(BotError::NotConfigured(
                    "WECHAT_TOKEN_ENDPOINT as `token` or `stable_token`",
                ));
            }
        };
        Ok(WeChat {
            token,
            app_id: cfg.wechat_app_id.clone(),
            app_secret: cfg.wechat_app_secret.clone(),
            keys,
            max_skew: cfg.wechat_max_skew_secs,
            menu_messages: cfg.wechat_menu_messages,
            api_base: cfg.wechat_api_base.trim_end_matches('/').to_string(),
            token_endpoint,
            clock,
            http,
            access: tokio::sync::Mutex::new(None),
        })
    }

    /// Whether POSTs must be encrypted (an EncodingAESKey is configured).
    pub fn safe_mode(&self) -> bool {
        !self.keys.is_empty()
    }

    /// Checks `signature` over token, timestamp and nonce, and the timestamp's freshness.
    /// Returns the timestamp and nonce.
    fn check_signature<'r>(&self, req: &'r InboundRequest) -> Result<(&'r str, &'r str), BotError> {
        let (Some(sig), Some(ts), Some(nonce)) = (
            req.query_param("signature"),
            req.query_param("timestamp"),
            req.query_param("nonce"),
        ) else {
            return Err(BotError::BadSignature);
        };
        let t: i64 = ts
            .parse()
            .map_err(|_| BotError::Malformed("timestamp is not an integer".into()))?;
        let age = unix_now(self.clock.as_ref()) - t;
        if age.abs() > self.max_skew {
            return Err(BotError::Stale { age_secs: age });
        }
        let expected = signature(&[&self.token, ts, nonce]);
        if !secret_eq(expected.as_bytes(), sig.to_ascii_lowercase().as_bytes()) {
            return Err(BotError::BadSignature);
        }
        Ok((ts, nonce))
    }

    fn encrypted(req: &InboundRequest) -> Result<bool, BotError> {
        match req.query_param("encrypt_type") {
            None | Some("") | Some("raw") => Ok(false),
            Some("aes") => Ok(true),
            Some(_) => Err(BotError::Malformed("unknown encrypt_type".into())),
        }
    }

    fn body_str(req: &InboundRequest) -> Result<&str, BotError> {
        std::str::from_utf8(&req.body).map_err(|_| BotError::Malformed("body is not UTF-8".into()))
    }

    /// The `Encrypt` element of a safe-mode body.
    fn envelope_encrypt(req: &InboundRequest) -> Result<String, BotError> {
        non_empty(parse_xml(Self::body_str(req)?)?.encrypt)
            .ok_or_else(|| BotError::Malformed("Encrypt missing".into()))
    }

    /// Decrypts with the current key, then the previous one; returns the XML and the key used.
    pub fn decrypt_message(&self, encrypted: &str) -> Result<(String, usize), BotError> {
        let app_id = self
            .app_id
            .as_deref()
            .ok_or(BotError::NotConfigured("WECHAT_APP_ID"))?;
        let mut last = BotError::Decrypt("no EncodingAESKey configured");
        for (i, key) in self.keys.iter().enumerate() {
            match key.decrypt(encrypted, app_id) {
                Ok(d) => {
                    let xml = String::from_utf8(d.msg).map_err(|_| {
                        BotError::Malformed("decrypted message is not UTF-8".into())
                    })?;
                    return Ok((xml, i));
                }
                // A wrong AppID under the right key is the more telling error: keep it.
                Err(e @ BotError::WrongApp) => last = e,
                Err(e) if !matches!(last, BotError::WrongApp) => last = e,
                Err(_) => {}
            }
        }
        Err(last)
    }

    /// The access token for the API, fetched once and cached until shortly before it expires.
    /// One fetch at a time: concurrent senders wait for it instead of invalidating each other.
    async fn access_token(&self, force: bool) -> Result<String, BotError> {
        let mut cached = self.access.lock().await;
        let now = unix_now(self.clock.as_ref());
        if let Some(c) = cached.as_ref().filter(|c| !force && c.expires_at > now) {
            return Ok(c.token.clone());
        }
        let app_id = self
            .app_id
            .as_deref()
            .ok_or(BotError::NotConfigured("WECHAT_APP_ID"))?;
        let secret = self
            .app_secret
            .as_deref()
            .ok_or(BotError::NotConfigured("WECHAT_APP_SECRET"))?;
        let request = match self.token_endpoint {
            TokenEndpoint::Classic => self
                .http
                .get(format!("{}/cgi-bin/token", self.api_base))
                .query(&[
                    ("grant_type", "client_credential"),
                    ("appid", app_id),
                    ("secret", secret),
                ]),
            TokenEndpoint::Stable => self
                .http
                .post(format!("{}/cgi-bin/stable_token", self.api_base))
                .json(&json!({
                    "grant_type": "client_credential",
                    "appid": app_id,
                    "secret": secret,
                    "force_refresh": force,
                })),
        };
        let resp = request.send().await.map_err(BotError::from_http)?;
        let (_, v) = read_json(resp).await?;
        if let Some(token) = v["access_token"].as_str().filter(|t| !t.is_empty()) {
            let expires_in = v["expires_in"].as_i64().unwrap_or(7200);
            // Renew five minutes early (but keep at least a minute) so no call races expiry.
            let margin = if expires_in > 600 {
                300
            } else {
                expires_in / 2
            };
            *cached = Some(CachedToken {
                token: token.to_string(),
                expires_at: now + expires_in - margin,
            });
            return Ok(token.to_string());
        }
        Err(wechat_error(&v, secret))
    }

    /// Forgets the cached token if it is still the one that failed (another task may already
    /// have fetched a fresh one).
    async fn invalidate(&self, failed: &str) {
        let mut cached = self.access.lock().await;
        if cached.as_ref().is_some_and(|c| c.token == failed) {
            *cached = None;
        }
    }

    /// Posts one customer-service message; an expired token is refreshed once and the call
    /// retried.
    async fn post_custom(&self, body: &Value) -> Result<Option<String>, BotError> {
        let mut force = false;
        for attempt in 0..2 {
            let token = self.access_token(force).await?;
            let resp = self
                .http
                .post(format!("{}/cgi-bin/message/custom/send", self.api_base))
                .query(&[("access_token", token.as_str())])
                .json(body)
                .send()
                .await
                .map_err(BotError::from_http)?;
            let (status, v) = read_json(resp).await?;
            let code = v["errcode"].as_i64().unwrap_or(0);
            if code == 0 && status < 300 {
                return Ok(v["msgid"].as_i64().map(|id| id.to_string()));
            }
            if attempt == 0 && TOKEN_EXPIRED_CODES.contains(&code) {
                self.invalidate(&token).await;
                force = true;
                continue;
            }
            if code == 0 {
                return Err(BotError::UnexpectedResponse(format!("HTTP {status}")));
            }
            return Err(wechat_error(&v, &token));
        }
        Err(BotError::UnexpectedResponse(
            "access token refused twice".into(),
        ))
    }

    /// The passive reply for `inbound`, split off at the WeChat text limit.
    fn reply_for(&self, inbound: &Inbound, msg: &OutboundMessage) -> Option<HttpReply> {
        let ReplyContext::WeChat { account, key_index } = &inbound.reply else {
            return None;
        };
        let mut parts = outbound::wechat_texts(msg).into_iter();
        // Nothing to say: the caller answers with `ack` (an empty Content is an error to WeChat).
        let first = parts.next()?;
        let rest: Vec<String> = parts.collect();
        let now = unix_now(self.clock.as_ref());
        let xml = text_reply_xml(&inbound.user_id, account, now, &first);
        let body = match key_index.and_then(|i| self.keys.get(i)) {
            Some(key) => {
                let app_id = self.app_id.as_deref().unwrap_or_default();
                let nonce = rand::random_range(100_000_000u32..4_000_000_000).to_string();
                encrypted_reply(&self.token, key, app_id, &xml, now, &nonce, rand::random())
            }
            None => xml,
        };
        Some(HttpReply {
            status: 200,
            content_type: "application/xml; charset=utf-8",
            body: body.into_bytes(),
            follow_up: (!rest.is_empty()).then(|| OutboundMessage::text(rest.join("\n"))),
        })
    }
}

/// A WeChat `errcode` answer as a typed error; `secret` is masked should it be echoed back.
fn wechat_error(v: &Value, secret: &str) -> BotError {
    let code = v["errcode"].as_i64().unwrap_or(-1);
    let mut message = v["errmsg"].as_str().unwrap_or("").to_string();
    if !secret.is_empty() {
        message = message.replace(secret, "***");
    }
    match code {
        45015 => BotError::WindowClosed("45015: no message from the user within 48 h".into()),
        45047 => BotError::WindowClosed("45047: customer-service quota used up".into()),
        45009 | 45011 => BotError::Throttled { retry_after: None },
        43004 | 43019 => BotError::ContactStopped(format!("{code}: {message}")),
        -1 if v.get("errcode").is_none() => {
            BotError::UnexpectedResponse("neither access_token nor errcode".into())
        }
        _ => BotError::Platform { code, message },
    }
}

impl Channel for WeChat {
    fn platform(&self) -> Platform {
        Platform::WeChat
    }

    fn handshake(&self, req: &InboundRequest) -> Result<HttpReply, BotError> {
        self.check_signature(req)?;
        let echostr = req
            .query_param("echostr")
            .ok_or_else(|| BotError::Malformed("echostr missing".into()))?;
        Ok(HttpReply::text(echostr))
    }

    fn verify(&self, req: &InboundRequest) -> Result<(), BotError> {
        req.check_size()?;
        let (ts, nonce) = self.check_signature(req)?;
        if Self::encrypted(req)? {
            let msg_sig = req
                .query_param("msg_signature")
                .ok_or(BotError::BadSignature)?;
            let encrypt = Self::envelope_encrypt(req)?;
            let expected = signature(&[&self.token, ts, nonce, &encrypt]);
            if !secret_eq(expected.as_bytes(), msg_sig.to_ascii_lowercase().as_bytes()) {
                return Err(BotError::BadSignature);
            }
        } else if self.safe_mode() {
            // The plain signature does not cover the body: in safe mode only the encrypted,
            // msg_signature-covered form is trusted.
            return Err(BotError::EncryptionRequired);
        }
        Ok(())
    }

    fn parse(&self, req: &InboundRequest) -> Result<Vec<Inbound>, BotError> {
        let (xml, key_index) = if Self::encrypted(req)? {
            let encrypt = Self::envelope_encrypt(req)?;
            let (xml, i) = self.decrypt_message(&encrypt)?;
            (xml, Some(i))
        } else {
            (Self::body_str(req)?.to_string(), None)
        };
        let parsed = parse_xml(&xml)?;
        Ok(vec![inbound_from_xml(parsed, key_index)?])
    }

    fn passive_reply(&self, inbound: &Inbound, msg: &OutboundMessage) -> Option<HttpReply> {
        self.reply_for(inbound, msg)
    }

    fn ack(&self) -> HttpReply {
        HttpReply::text("success")
    }

    fn send<'a>(
        &'a self,
        user_id: &'a str,
        msg: &'a OutboundMessage,
    ) -> BoxFuture<'a, Result<SendReceipt, BotError>> {
        Box::pin(async move {
            let mut receipt = SendReceipt::default();
            let bodies = outbound::wechat_custom_bodies(user_id, msg, self.menu_messages);
            for body in &bodies {
                match self.post_custom(body).await {
                    Ok(id) => receipt.message_ids.extend(id),
                    // Menu messages need a verified service account: fall back to text.
                    Err(BotError::Platform { code: 40200, .. }) if body["msgtype"] == "msgmenu" => {
                        for text in outbound::wechat_custom_bodies(user_id, msg, false) {
                            receipt.message_ids.extend(self.post_custom(&text).await?);
                        }
                    }
                    Err(e) => return Err(e),
                }
            }
            Ok(receipt)
        })
    }
}
