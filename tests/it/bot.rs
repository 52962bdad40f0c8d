//! The messaging adapters against the platforms' published test vectors and real payload
//! shapes, `send` against a local server speaking each platform's API, and the reply parser.
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::http::{HeaderMap, HeaderName, HeaderValue, Method};
use gradtrace::bot::adapters::DeliveryStatus;
use gradtrace::bot::adapters::wechat::{self, AesKey};
use gradtrace::bot::adapters::whatsapp::signature_header;

use crate::chat::support::{MockPlatform, Recorded};
use gradtrace::bot::adapters::{Telegram, WeChat, WhatsApp, http_client};
use gradtrace::bot::commands::{Command, parse_command};
use gradtrace::bot::outbound::{self, Template};
use gradtrace::bot::parse::{
    Expect, Interpretation, LabelledOption, Reason, Reply, interpret, parse_number, parse_payload,
    parse_reply, parse_year_month,
};
use gradtrace::bot::region::RegionIndex;
use gradtrace::bot::{
    BotConfig, BotError, Channel, Choice, HttpReply, Inbound, InboundKind, InboundRequest,
    OutboundMessage, Platform, ReplyContext,
};
use gradtrace::clock::ManualClock;
use gradtrace::i18n::Lang;
use gradtrace::survey::def::YearMonth;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// Shared fixtures

/// wechatpy's safe-mode parameters (MESSAGING.md §1.4).
const WX_TOKEN: &str = "123456";
const WX_AES_KEY: &str = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR";
const WX_APP_ID: &str = "wx49f0ab532d5d035a";
const W1_ECHOSTR: &str =
    "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q==";
const W2_ENCRYPT: &str = "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=";
const W2_XML: &str = "<xml><ToUserName><![CDATA[wx49f0ab532d5d035a]]></ToUserName>\n<FromUserName><![CDATA[messense]]></FromUserName>\n<CreateTime>1411525903</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n<MsgId>4363689963896700987</MsgId>\n<AgentID>1</AgentID>\n</xml>";
const W3_XML: &str = "<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>\n<ToUserName><![CDATA[messense]]></ToUserName>\n<AgentID>1</AgentID>\n<CreateTime>1411525903</CreateTime>\n</xml>";
const W3_ENCRYPT: &str = "9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3";
const RANDOM_1234: [u8; 16] = *b"1234567890123456";

/// The 407-byte WhatsApp payload of MESSAGING.md §4.2.
const WA_BODY: &str = r#"{"object":"whatsapp_business_account","entry":[{"id":"WABA_ID","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001234","phone_number_id":"PHONE_NUMBER_ID"},"contacts":[{"profile":{"name":"Li Lei"},"wa_id":"8613800138000"}],"messages":[{"from":"8613800138000","id":"wamid.TEST","timestamp":"1700000000","type":"text","text":{"body":"A"}}]},"field":"messages"}]}]}"#;
const WA_SECRET: &str = "app_secret_123";

/// The clock standing at `unix_secs` (the vectors carry old timestamps).
fn clock_at(unix_secs: i64) -> Arc<ManualClock> {
    Arc::new(ManualClock::at(
        chrono::DateTime::from_timestamp(unix_secs, 0).expect("timestamp"),
    ))
}

fn set(clock: &ManualClock, unix_secs: i64) {
    clock.set(chrono::DateTime::from_timestamp(unix_secs, 0).expect("timestamp"));
}

fn request(method: Method, query: &str, headers: &[(&str, &str)], body: &[u8]) -> InboundRequest {
    let mut map = HeaderMap::new();
    for (k, v) in headers {
        map.insert(
            HeaderName::from_bytes(k.as_bytes()).expect("header name"),
            HeaderValue::from_str(v).expect("header value"),
        );
    }
    InboundRequest::new(method, Some(query), map, body.to_vec())
}

fn post(query: &str, headers: &[(&str, &str)], body: &[u8]) -> InboundRequest {
    request(Method::POST, query, headers, body)
}

fn client() -> reqwest::Client {
    http_client().expect("http client")
}

fn wechat_config(base: &str) -> BotConfig {
    BotConfig {
        wechat_token: Some(WX_TOKEN.into()),
        wechat_app_id: Some(WX_APP_ID.into()),
        wechat_app_secret: Some("APP-SECRET-xyz".into()),
        wechat_api_base: base.into(),
        ..BotConfig::default()
    }
}

fn wechat_safe_config(base: &str) -> BotConfig {
    BotConfig {
        wechat_aes_key: Some(WX_AES_KEY.into()),
        ..wechat_config(base)
    }
}

fn wechat(cfg: &BotConfig, now: i64) -> WeChat {
    WeChat::new(cfg, clock_at(now), client()).expect("wechat adapter")
}

/// A plaintext-mode POST signed with `token` at `ts`.
fn wechat_plain_post(token: &str, ts: i64, xml: &str) -> InboundRequest {
    let ts = ts.to_string();
    let sig = wechat::signature(&[token, &ts, "nonce42"]);
    post(
        &format!("signature={sig}&timestamp={ts}&nonce=nonce42&openid=oUSER"),
        &[],
        xml.as_bytes(),
    )
}

/// A safe-mode POST: the inner XML encrypted with `key` and both signatures set.
fn wechat_safe_post(key: &AesKey, ts: i64, nonce: &str, xml: &str) -> InboundRequest {
    let encrypt = key.encrypt(xml.as_bytes(), WX_APP_ID, rand::random());
    wechat_envelope_post(ts, nonce, &encrypt)
}

fn wechat_envelope_post(ts: i64, nonce: &str, encrypt: &str) -> InboundRequest {
    let ts = ts.to_string();
    let sig = wechat::signature(&[WX_TOKEN, &ts, nonce]);
    let msg_sig = wechat::signature(&[WX_TOKEN, &ts, nonce, encrypt]);
    let body = format!(
        "<xml>\n  <ToUserName><![CDATA[gh_b1eb3f8bd6c6]]></ToUserName>\n  <Encrypt><![CDATA[{encrypt}]]></Encrypt>\n</xml>"
    );
    post(
        &format!(
            "signature={sig}&timestamp={ts}&nonce={nonce}&openid=oUSER&encrypt_type=aes&msg_signature={msg_sig}"
        ),
        &[],
        body.as_bytes(),
    )
}

fn wx_text(from: &str, content: &str, msg_id: u64, ts: i64) -> String {
    format!(
        "<xml>\n  <ToUserName><![CDATA[gh_b1eb3f8bd6c6]]></ToUserName>\n  <FromUserName><![CDATA[{from}]]></FromUserName>\n  <CreateTime>{ts}</CreateTime>\n  <MsgType><![CDATA[text]]></MsgType>\n  <Content><![CDATA[{content}]]></Content>\n  <MsgId>{msg_id}</MsgId>\n</xml>"
    )
}

fn wx_event(from: &str, event: &str, key: Option<&str>, ts: i64) -> String {
    let key = key
        .map(|k| format!("<EventKey><![CDATA[{k}]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket>"))
        .unwrap_or_default();
    format!(
        "<xml><ToUserName><![CDATA[gh_b1eb3f8bd6c6]]></ToUserName><FromUserName><![CDATA[{from}]]></FromUserName><CreateTime>{ts}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{event}]]></Event>{key}</xml>"
    )
}

/// Reads an element's text (CDATA or plain) out of a reply.
fn xml_field(xml: &str, name: &str) -> Option<String> {
    let start = xml.find(&format!("<{name}>"))? + name.len() + 2;
    let end = xml[start..].find(&format!("</{name}>"))? + start;
    let raw = &xml[start..end];
    Some(if raw.starts_with("<![CDATA[") {
        raw.trim_start_matches("<![CDATA[")
            .trim_end_matches("]]>")
            .replace("]]]]><![CDATA[>", "]]>")
    } else {
        raw.to_string()
    })
}

fn body_str(reply: &HttpReply) -> String {
    String::from_utf8(reply.body.clone()).expect("utf-8 reply")
}

// ---------------------------------------------------------------------------------------------
// WeChat: signatures and safe-mode crypto against the published vectors

#[test]
fn wechat_signature_vectors() {
    assert_eq!(
        wechat::signature(&["AAAAA", "1714036504", "1514711492"]),
        "f464b24fc39322e44b38aa78f5edd27bd1441696"
    );
    assert_eq!(
        wechat::signature(&["AAAAA", "1714037059", "486452656"]),
        "899cf89e464efb63f54ddac96b0a0a235f53aa78"
    );
    assert_eq!(
        wechat::signature(&["test", "1410685589", "test"]),
        "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff"
    );
    // The order of the parts does not matter: they are sorted first.
    assert_eq!(
        wechat::signature(&["1410685589", "test", "test"]),
        "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff"
    );
}

#[test]
fn wechat_url_verification_echoes_echostr() {
    let cfg = BotConfig {
        wechat_token: Some("AAAAA".into()),
        ..BotConfig::default()
    };
    let wx = WeChat::new(&cfg, clock_at(1714036504 + 30), client()).expect("adapter");
    let get = request(
        Method::GET,
        "signature=f464b24fc39322e44b38aa78f5edd27bd1441696&echostr=4375120948345356249&timestamp=1714036504&nonce=1514711492",
        &[],
        b"",
    );
    let reply = wx.handshake(&get).expect("verified");
    assert_eq!(reply.status, 200);
    assert_eq!(body_str(&reply), "4375120948345356249");

    // wechatpy's negative vector: last hex digit changed.
    let cfg = BotConfig {
        wechat_token: Some("test".into()),
        ..BotConfig::default()
    };
    let wx = WeChat::new(&cfg, clock_at(1410685589), client()).expect("adapter");
    let good = "signature=f21891de399b4e33a1a93c9a7b8a8fffb5a443ff&timestamp=1410685589&nonce=test&echostr=abc";
    assert!(wx.handshake(&request(Method::GET, good, &[], b"")).is_ok());
    let bad = good.replace("a443ff", "a443fe");
    let err = wx
        .handshake(&request(Method::GET, &bad, &[], b""))
        .expect_err("must reject");
    assert!(matches!(err, BotError::BadSignature));
    assert_eq!(err.status(), 403);
}

#[test]
fn wechat_stale_timestamp_is_rejected_with_configurable_window() {
    let query = "signature=f21891de399b4e33a1a93c9a7b8a8fffb5a443ff&timestamp=1410685589&nonce=test&echostr=abc";
    let cfg = BotConfig {
        wechat_token: Some("test".into()),
        ..BotConfig::default()
    };
    let clock = clock_at(1410685589 + 301);
    let wx = WeChat::new(&cfg, clock.clone(), client()).expect("adapter");
    let err = wx
        .handshake(&request(Method::GET, query, &[], b""))
        .expect_err("stale");
    assert!(matches!(err, BotError::Stale { age_secs: 301 }), "{err:?}");
    assert_eq!(err.status(), 403);
    // From the future too.
    set(&clock, 1410685589 - 301);
    assert!(matches!(
        wx.handshake(&request(Method::GET, query, &[], b"")),
        Err(BotError::Stale { .. })
    ));
    // Inside the window.
    set(&clock, 1410685589 + 299);
    assert!(wx.handshake(&request(Method::GET, query, &[], b"")).is_ok());
    // A wider window accepts what the default refused.
    let wide = BotConfig {
        wechat_max_skew_secs: 3600,
        ..cfg
    };
    let wx = WeChat::new(&wide, clock_at(1410685589 + 1800), client()).expect("adapter");
    assert!(wx.handshake(&request(Method::GET, query, &[], b"")).is_ok());
}

#[test]
fn wechat_aes_key_decodes_to_the_published_bytes() {
    let key = AesKey::from_encoding_key(WX_AES_KEY).expect("key");
    let hex: String = key.bytes().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(
        hex,
        "916c4f115d94103cb15a998f74a0b71787603c398ebdf297d471a71140d2d5a4"
    );
    assert!(AesKey::from_encoding_key("too-short").is_err());
    assert!(AesKey::from_encoding_key(&format!("{}=", &WX_AES_KEY[..42])).is_err());
}

#[test]
fn wechat_w1_echostr_signature_and_decrypt() {
    assert_eq!(
        wechat::signature(&[WX_TOKEN, "1411443780", "437374425", W1_ECHOSTR]),
        "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96"
    );
    // Negative: another nonce with the same signature.
    assert_ne!(
        wechat::signature(&[WX_TOKEN, "1411443780", "437374424", W1_ECHOSTR]),
        "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96"
    );
    let key = AesKey::from_encoding_key(WX_AES_KEY).expect("key");
    let d = key.decrypt(W1_ECHOSTR, WX_APP_ID).expect("decrypts");
    assert_eq!(&d.random, b"2304fc2fe146f1f8");
    assert_eq!(d.msg, b"5927782489442352469");
    assert_eq!(d.pad, 7);
}

#[test]
fn wechat_w2_inbound_message_decrypts_to_the_exact_xml() {
    assert_eq!(
        wechat::signature(&[WX_TOKEN, "1411525903", "461056294", W2_ENCRYPT]),
        "74d92dfeb87ba7c714f89d98870ae5eb62dff26d"
    );
    let key = AesKey::from_encoding_key(WX_AES_KEY).expect("key");
    let d = key.decrypt(W2_ENCRYPT, WX_APP_ID).expect("decrypts");
    assert_eq!(&d.random, b"ec90b1530358d4d3");
    assert_eq!(String::from_utf8(d.msg).expect("utf-8"), W2_XML);
    assert_eq!(d.pad, 1);
}

#[test]
fn wechat_w3_reply_encrypts_to_the_published_envelope() {
    let key = AesKey::from_encoding_key(WX_AES_KEY).expect("key");
    assert_eq!(
        key.encrypt(W3_XML.as_bytes(), WX_APP_ID, RANDOM_1234),
        W3_ENCRYPT
    );
    let envelope = wechat::encrypted_reply(
        WX_TOKEN,
        &key,
        WX_APP_ID,
        W3_XML,
        1411525903,
        "461056294",
        RANDOM_1234,
    );
    assert_eq!(xml_field(&envelope, "Encrypt").as_deref(), Some(W3_ENCRYPT));
    assert_eq!(
        xml_field(&envelope, "MsgSignature").as_deref(),
        Some("407518b7649e86ef23978113f92d27afa9296533")
    );
    assert_eq!(
        xml_field(&envelope, "TimeStamp").as_deref(),
        Some("1411525903")
    );
    assert_eq!(xml_field(&envelope, "Nonce").as_deref(), Some("461056294"));
}

#[test]
fn wechat_w3b_short_encrypt_and_signature() {
    let key = AesKey::from_encoding_key(WX_AES_KEY).expect("key");
    let e = key.encrypt(b"test", "rust", RANDOM_1234);
    assert_eq!(e, "9s4gMv99m88kKTh/H8IdkNiFGeG9pd7vNWl50fGRWXY=");
    let d = key.decrypt(&e, "rust").expect("round trip");
    assert_eq!((d.msg.as_slice(), d.pad), (&b"test"[..], 4));
    assert_eq!(
        wechat::signature(&["test", "123456", "test", "rust"]),
        "d6056f2bb3ad3e30f4afa5ef90cc9ddcdc7b7b27"
    );
}

#[test]
fn wechat_w4_pad_over_16_round_trips() {
    let key = AesKey::from_encoding_key(WX_AES_KEY).expect("key");
    let e = key.encrypt(b"hello", WX_APP_ID, RANDOM_1234);
    assert_eq!(
        e,
        "9s4gMv99m88kKTh/H8IdkJN9xF/QdvbddW8Spx+wj5lJ4A86FShJ5R2sCJYpu9XLgY22oBfdEhrJ1qLZ1dPuyQ=="
    );
    let d = key
        .decrypt(&e, WX_APP_ID)
        .expect("a 16-byte PKCS#7 unpadder would fail here");
    assert_eq!(d.msg, b"hello");
    assert_eq!(d.pad, 21);
    assert_eq!(
        wechat::signature(&[WX_TOKEN, "1700000000", "nonce123", &e]),
        "ae51f8b15d10ee2ac3db8d4d185a52c2b7abd32b"
    );
}

#[test]
fn wechat_decrypt_negative_vectors() {
    let key = AesKey::from_encoding_key(WX_AES_KEY).expect("key");
    // Addressed to another app.
    assert!(matches!(
        key.decrypt(W1_ECHOSTR, "wx0000000000000000"),
        Err(BotError::WrongApp)
    ));
    // Another key: the padding does not check out.
    let other =
        AesKey::from_encoding_key("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG").expect("key");
    assert!(matches!(
        other.decrypt(W1_ECHOSTR, WX_APP_ID),
        Err(BotError::Decrypt(_))
    ));
    // Not Base64, not whole blocks, empty.
    assert!(matches!(
        key.decrypt("%%%", WX_APP_ID),
        Err(BotError::Decrypt(_))
    ));
    assert!(matches!(
        key.decrypt("AAAA", WX_APP_ID),
        Err(BotError::Decrypt(_))
    ));
    assert!(matches!(
        key.decrypt("", WX_APP_ID),
        Err(BotError::Decrypt(_))
    ));
    // A flipped bit in the last block breaks the padding.
    use base64::Engine as _;
    let mut raw = base64::engine::general_purpose::STANDARD
        .decode(W1_ECHOSTR)
        .expect("b64");
    let n = raw.len();
    raw[n - 1] ^= 0x55;
    let tampered = base64::engine::general_purpose::STANDARD.encode(raw);
    assert!(key.decrypt(&tampered, WX_APP_ID).is_err());
}

// ---------------------------------------------------------------------------------------------
// WeChat: the adapter over real payloads

#[test]
fn wechat_plaintext_text_message() {
    let wx = wechat(&wechat_config("http://unused"), 1348831860);
    let xml = wx_text(
        "oXXXX_openid",
        "this is a test",
        1234567890123456,
        1348831860,
    );
    let req = wechat_plain_post(WX_TOKEN, 1348831860, &xml);
    let got = wx.receive(&req).expect("accepted");
    assert_eq!(
        got,
        vec![Inbound {
            platform: Platform::WeChat,
            user_id: "oXXXX_openid".into(),
            event_key: "1234567890123456".into(),
            kind: InboundKind::Text("this is a test".into()),
            timestamp: 1348831860,
            language_hint: None,
            reply: ReplyContext::WeChat {
                account: "gh_b1eb3f8bd6c6".into(),
                key_index: None
            },
        }]
    );
}

#[test]
fn wechat_plaintext_post_with_wrong_signature_is_rejected() {
    let wx = wechat(&wechat_config("http://unused"), 1700000000);
    let xml = wx_text("oUSER", "2", 1, 1700000000);
    let req = wechat_plain_post("not-our-token", 1700000000, &xml);
    let err = wx.receive(&req).expect_err("bad signature");
    assert!(matches!(err, BotError::BadSignature));
    // No signature at all.
    let req = post("timestamp=1700000000&nonce=1", &[], xml.as_bytes());
    assert!(matches!(wx.receive(&req), Err(BotError::BadSignature)));
    // A replay from an hour ago.
    let req = wechat_plain_post(WX_TOKEN, 1700000000 - 3600, &xml);
    assert!(matches!(wx.receive(&req), Err(BotError::Stale { .. })));
}

#[test]
fn wechat_events_subscribe_scan_unsubscribe_click() {
    let ts = 1700000000;
    let wx = wechat(&wechat_config("http://unused"), ts);
    let kind = |xml: String| -> Inbound {
        wx.receive(&wechat_plain_post(WX_TOKEN, ts, &xml))
            .expect("accepted")
            .remove(0)
    };
    let sub = kind(wx_event("oA", "subscribe", Some("qrscene_INV7Q2"), ts));
    assert_eq!(
        sub.kind,
        InboundKind::Subscribe {
            scene: Some("INV7Q2".into())
        }
    );
    assert_eq!(sub.event_key, format!("oA:{ts}:subscribe"));
    assert_eq!(
        kind(wx_event("oA", "subscribe", None, ts)).kind,
        InboundKind::Subscribe { scene: None }
    );
    assert_eq!(
        kind(wx_event("oA", "subscribe", Some(""), ts)).kind,
        InboundKind::Subscribe { scene: None }
    );
    let scan = kind(wx_event("oA", "SCAN", Some("INV7Q2"), ts));
    assert_eq!(
        scan.kind,
        InboundKind::Subscribe {
            scene: Some("INV7Q2".into())
        }
    );
    assert_ne!(scan.event_key, sub.event_key);
    assert_eq!(
        kind(wx_event("oA", "unsubscribe", None, ts)).kind,
        InboundKind::Unsubscribe
    );
    assert_eq!(
        kind(wx_event("oA", "CLICK", Some("START_SURVEY"), ts)).kind,
        InboundKind::Menu("START_SURVEY".into())
    );
    assert_eq!(
        kind(wx_event("oA", "VIEW", Some("https://example.edu/"), ts)).kind,
        InboundKind::Other("event:VIEW".into())
    );
    // The official sample shape, verbatim.
    let official = "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[FromUser]]></FromUserName>\n<CreateTime>123456789</CreateTime><MsgType><![CDATA[event]]></MsgType>\n<Event><![CDATA[subscribe]]></Event></xml>";
    let wx_old = wechat(&wechat_config("http://unused"), 123456789);
    let got = wx_old
        .receive(&wechat_plain_post(WX_TOKEN, 123456789, official))
        .expect("accepted")
        .remove(0);
    assert_eq!(got.user_id, "FromUser");
    assert_eq!(got.event_key, "FromUser:123456789:subscribe");
    assert_eq!(got.kind, InboundKind::Subscribe { scene: None });
}

#[test]
fn wechat_menu_message_click_voice_and_media() {
    let ts = 1700000000;
    let wx = wechat(&wechat_config("http://unused"), ts);
    let one = |xml: &str| -> InboundKind {
        wx.receive(&wechat_plain_post(WX_TOKEN, ts, xml))
            .expect("accepted")
            .remove(0)
            .kind
    };
    let menu = |id: &str| {
        format!(
            "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oB]]></FromUserName><CreateTime>{ts}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[满意]]></Content><MsgId>77</MsgId><bizmsgmenuid>{id}</bizmsgmenuid></xml>"
        )
    };
    assert_eq!(
        one(&menu("employed")),
        InboundKind::Choice("employed".into())
    );
    // A reported "0" menu id: fall back to the option text.
    assert_eq!(one(&menu("0")), InboundKind::Text("满意".into()));
    let voice = format!(
        "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oB]]></FromUserName><CreateTime>{ts}</CreateTime><MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[m]]></MediaId><Format><![CDATA[amr]]></Format><Recognition><![CDATA[八千]]></Recognition><MsgId>78</MsgId></xml>"
    );
    assert_eq!(one(&voice), InboundKind::Text("八千".into()));
    let image = format!(
        "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oB]]></FromUserName><CreateTime>{ts}</CreateTime><MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://x/y.jpg]]></PicUrl><MediaId><![CDATA[m]]></MediaId><MsgId>79</MsgId></xml>"
    );
    assert_eq!(one(&image), InboundKind::Other("image".into()));
}

#[test]
fn wechat_malformed_bodies_are_rejected_with_400() {
    let ts = 1700000000;
    let wx = wechat(&wechat_config("http://unused"), ts);
    let cases: Vec<Vec<u8>> = vec![
        b"<xml><ToUserName>".to_vec(),
        b"{\"json\": true}".to_vec(),
        b"".to_vec(),
        // No FromUserName.
        format!("<xml><ToUserName><![CDATA[gh]]></ToUserName><CreateTime>{ts}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[x]]></Content><MsgId>1</MsgId></xml>").into_bytes(),
        // CreateTime not a number.
        "<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>soon</CreateTime><MsgType>text</MsgType></xml>".as_bytes().to_vec(),
        // Not UTF-8.
        vec![0xff, 0xfe, 0x3c, 0x78],
    ];
    for body in cases {
        let ts_s = ts.to_string();
        let sig = wechat::signature(&[WX_TOKEN, &ts_s, "n"]);
        let req = post(
            &format!("signature={sig}&timestamp={ts}&nonce=n"),
            &[],
            &body,
        );
        let err = wx.receive(&req).expect_err("malformed");
        assert_eq!(
            err.status(),
            400,
            "{err:?} for {:?}",
            String::from_utf8_lossy(&body)
        );
        assert!(matches!(err, BotError::Malformed(_)));
    }
    // Oversized.
    let big = vec![b'a'; 1_048_577];
    let err = wx
        .receive(&wechat_plain_post(
            WX_TOKEN,
            ts,
            std::str::from_utf8(&big).expect("ascii"),
        ))
        .expect_err("too large");
    assert!(matches!(err, BotError::TooLarge(1_048_577)));
    assert_eq!(err.status(), 413);
    // GET is not a message.
    assert!(matches!(
        wx.receive(&request(Method::GET, "", &[], b"")),
        Err(BotError::MethodNotAllowed)
    ));
}

#[test]
fn wechat_malformed_xml_error_does_not_quote_personal_data() {
    let ts = 1700000000;
    let wx = wechat(&wechat_config("http://unused"), ts);
    let xml = "<xml><FromUserName>张三 13800138000</FromUserName><CreateTime>张三</CreateTime>";
    let err = wx
        .receive(&wechat_plain_post(WX_TOKEN, ts, xml))
        .expect_err("malformed");
    let shown = err.to_string();
    assert!(
        !shown.contains("张三") && !shown.contains("13800138000"),
        "{shown}"
    );
}

#[test]
fn wechat_safe_mode_w2_request_verifies_and_parses() {
    let wx = wechat(&wechat_safe_config("http://unused"), 1411525903 + 2);
    let req = wechat_envelope_post(1411525903, "461056294", W2_ENCRYPT);
    assert_eq!(
        req.query_param("msg_signature"),
        Some("74d92dfeb87ba7c714f89d98870ae5eb62dff26d")
    );
    let got = wx.receive(&req).expect("accepted").remove(0);
    assert_eq!(got.user_id, "messense");
    assert_eq!(got.event_key, "4363689963896700987");
    assert_eq!(got.kind, InboundKind::Text("test".into()));
    assert_eq!(got.timestamp, 1411525903);
    assert_eq!(
        got.reply,
        ReplyContext::WeChat {
            account: WX_APP_ID.into(),
            key_index: Some(0)
        }
    );
}

#[test]
fn wechat_safe_mode_rejects_plaintext_and_bad_msg_signature() {
    let ts = 1700000000;
    let wx = wechat(&wechat_safe_config("http://unused"), ts);
    assert!(wx.safe_mode());
    // Plaintext with a valid plain signature: the body is not covered, so refused.
    let plain = wechat_plain_post(WX_TOKEN, ts, &wx_text("oA", "1", 5, ts));
    let err = wx.receive(&plain).expect_err("plaintext refused");
    assert!(matches!(err, BotError::EncryptionRequired));
    assert_eq!(err.status(), 403);
    // Encrypted, but the msg_signature is for another Encrypt.
    let key = AesKey::from_encoding_key(WX_AES_KEY).expect("key");
    let good = wechat_safe_post(&key, ts, "n1", &wx_text("oA", "1", 5, ts));
    let mut bad = good.clone();
    for (k, v) in bad.query.iter_mut() {
        if k == "msg_signature" {
            *v = wechat::signature(&[WX_TOKEN, "x"]);
        }
    }
    assert!(matches!(wx.receive(&bad), Err(BotError::BadSignature)));
    // No msg_signature at all.
    let mut missing = good.clone();
    missing.query.retain(|(k, _)| k != "msg_signature");
    assert!(matches!(wx.receive(&missing), Err(BotError::BadSignature)));
    // The untouched request passes.
    assert!(wx.receive(&good).is_ok());
    // Encrypted for another app (right key, right signatures).
    let foreign = key.encrypt(
        wx_text("oA", "1", 6, ts).as_bytes(),
        "wxOTHERAPP",
        RANDOM_1234,
    );
    let err = wx
        .receive(&wechat_envelope_post(ts, "n2", &foreign))
        .expect_err("wrong app");
    assert!(matches!(err, BotError::WrongApp));
}

#[test]
fn wechat_encrypted_round_trip_with_passive_reply() {
    let ts = 1700000000;
    let wx = wechat(&wechat_safe_config("http://unused"), ts + 1);
    let key = AesKey::from_encoding_key(WX_AES_KEY).expect("key");
    let req = wechat_safe_post(&key, ts, "98765", &wx_text("oUSER1", "2", 42, ts));
    let inbound = wx.receive(&req).expect("accepted").remove(0);
    assert_eq!(inbound.kind, InboundKind::Text("2".into()));

    let question = OutboundMessage::with_choices(
        "Q2/10: 您毕业后的工作城市是？",
        vec![
            Choice::new("bj", "北京"),
            Choice::new("sh", "上海 ]]> & <x>"),
        ],
    );
    let reply = wx
        .passive_reply(&inbound, &question)
        .expect("a passive reply");
    assert_eq!(reply.status, 200);
    assert!(reply.follow_up.is_none());
    let envelope = body_str(&reply);
    let encrypt = xml_field(&envelope, "Encrypt").expect("Encrypt");
    let stamp = xml_field(&envelope, "TimeStamp").expect("TimeStamp");
    let nonce = xml_field(&envelope, "Nonce").expect("Nonce");
    assert_eq!(stamp, (ts + 1).to_string());
    assert_eq!(
        xml_field(&envelope, "MsgSignature").expect("MsgSignature"),
        wechat::signature(&[WX_TOKEN, &stamp, &nonce, &encrypt])
    );
    let inner =
        String::from_utf8(key.decrypt(&encrypt, WX_APP_ID).expect("decrypts").msg).expect("utf-8");
    assert_eq!(xml_field(&inner, "ToUserName").as_deref(), Some("oUSER1"));
    assert_eq!(
        xml_field(&inner, "FromUserName").as_deref(),
        Some("gh_b1eb3f8bd6c6")
    );
    assert_eq!(xml_field(&inner, "MsgType").as_deref(), Some("text"));
    assert_eq!(
        xml_field(&inner, "Content").as_deref(),
        Some("Q2/10: 您毕业后的工作城市是？\n\n1. 北京\n2. 上海 ]]> & <x>")
    );
    // Two replies never share a nonce and random prefix.
    let again = body_str(&wx.passive_reply(&inbound, &question).expect("reply"));
    assert_ne!(xml_field(&again, "Encrypt"), Some(encrypt));
}

#[test]
fn wechat_previous_key_still_accepted_and_used_for_the_reply() {
    let ts = 1700000000;
    let cfg = BotConfig {
        wechat_aes_key: Some("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG".into()),
        wechat_aes_key_previous: Some(WX_AES_KEY.into()),
        ..wechat_config("http://unused")
    };
    let wx = wechat(&cfg, ts);
    let old = AesKey::from_encoding_key(WX_AES_KEY).expect("key");
    let inbound = wx
        .receive(&wechat_safe_post(
            &old,
            ts,
            "1",
            &wx_text("oC", "是", 9, ts),
        ))
        .expect("old key accepted")
        .remove(0);
    assert_eq!(
        inbound.reply,
        ReplyContext::WeChat {
            account: "gh_b1eb3f8bd6c6".into(),
            key_index: Some(1)
        }
    );
    let reply = body_str(
        &wx.passive_reply(&inbound, &OutboundMessage::text("ok"))
            .expect("reply"),
    );
    let encrypt = xml_field(&reply, "Encrypt").expect("Encrypt");
    assert!(
        old.decrypt(&encrypt, WX_APP_ID).is_ok(),
        "reply must use the key that worked"
    );
    // A key neither current nor previous is refused.
    let stranger =
        AesKey::from_encoding_key("ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut").expect("key");
    let err = wx
        .receive(&wechat_safe_post(
            &stranger,
            ts,
            "2",
            &wx_text("oC", "是", 10, ts),
        ))
        .expect_err("unknown key");
    assert!(matches!(err, BotError::Decrypt(_)));
    assert_eq!(err.status(), 400);
}

#[test]
fn wechat_plain_passive_reply_and_long_text_follow_up() {
    let ts = 1700000000;
    let wx = wechat(&wechat_config("http://unused"), ts);
    let inbound = wx
        .receive(&wechat_plain_post(
            WX_TOKEN,
            ts,
            &wx_text("oD", "hi", 1, ts),
        ))
        .expect("ok")
        .remove(0);
    let reply = wx
        .passive_reply(&inbound, &OutboundMessage::text("你好"))
        .expect("reply");
    let xml = body_str(&reply);
    assert_eq!(xml_field(&xml, "ToUserName").as_deref(), Some("oD"));
    assert_eq!(
        xml_field(&xml, "FromUserName").as_deref(),
        Some("gh_b1eb3f8bd6c6")
    );
    assert_eq!(xml_field(&xml, "CreateTime").as_deref(), Some("1700000000"));
    assert_eq!(xml_field(&xml, "Content").as_deref(), Some("你好"));
    assert!(reply.content_type.starts_with("application/xml"));

    // 40 lines of 60 CJK characters: over 2048 bytes, so the rest follows by the API.
    let line = "选".repeat(60);
    let long = (0..40).map(|_| line.clone()).collect::<Vec<_>>().join("\n");
    let reply = wx
        .passive_reply(&inbound, &OutboundMessage::text(long.clone()))
        .expect("reply");
    let first = xml_field(&body_str(&reply), "Content").expect("content");
    assert!(first.len() <= 2048, "{} bytes", first.len());
    let rest = reply.follow_up.expect("follow-up").text;
    assert_eq!(format!("{first}\n{rest}"), long);
    assert_eq!(wx.ack(), HttpReply::text("success"));
    // Nothing to say gives no passive reply (the caller acknowledges instead).
    assert!(
        wx.passive_reply(&inbound, &OutboundMessage::text("  \n "))
            .is_none()
    );
    assert!(outbound::split_text("", 2048, outbound::bytes_len).is_empty());
}

// ---------------------------------------------------------------------------------------------
// Telegram

fn telegram(base: &str, now: i64) -> Telegram {
    let cfg = BotConfig {
        telegram_bot_token: Some("123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11".into()),
        telegram_secret_token: Some("s3cr3t_T0ken-for-webhook".into()),
        telegram_api_base: base.into(),
        ..BotConfig::default()
    };
    Telegram::new(&cfg, clock_at(now), client()).expect("telegram adapter")
}

fn tg_post(body: &str) -> InboundRequest {
    post(
        "",
        &[
            (
                "x-telegram-bot-api-secret-token",
                "s3cr3t_T0ken-for-webhook",
            ),
            ("content-type", "application/json"),
        ],
        body.as_bytes(),
    )
}

const TG_MESSAGE: &str = r#"{"update_id":174114370,
 "message":{"message_id":41,
   "from":{"id":3527065,"is_bot":false,"first_name":"Nic","username":"nicpottier","language_code":"en"},
   "chat":{"id":3527065,"type":"private","first_name":"Nic"},
   "date":1454119029,
   "text":"Hello World"}}"#;

const TG_CALLBACK: &str = r#"{"update_id":174114371,
 "callback_query":{"id":"4382bfdwdsb323b2d9",
   "from":{"id":3527065,"is_bot":false,"first_name":"Nic"},
   "message":{"message_id":42,"chat":{"id":3527065,"type":"private"},"date":1454119030,"text":"Q1 …"},
   "chat_instance":"-1234567890",
   "data":"s=42;q=1;a=yes"}}"#;

#[test]
fn telegram_secret_header_is_checked() {
    let tg = telegram("http://unused", 1454119029);
    assert!(tg.verify(&tg_post(TG_MESSAGE)).is_ok());
    let wrong = post(
        "",
        &[(
            "x-telegram-bot-api-secret-token",
            "s3cr3t_T0ken-for-webhooK",
        )],
        TG_MESSAGE.as_bytes(),
    );
    assert!(matches!(tg.receive(&wrong), Err(BotError::BadSignature)));
    let missing = post("", &[], TG_MESSAGE.as_bytes());
    let err = tg.receive(&missing).expect_err("no header");
    assert!(matches!(err, BotError::BadSignature));
    assert_eq!(err.status(), 403);
    // Telegram has no GET handshake.
    assert!(matches!(
        tg.handshake(&request(Method::GET, "", &[], b"")),
        Err(BotError::MethodNotAllowed)
    ));
}

#[test]
fn telegram_message_and_callback_query() {
    let tg = telegram("http://unused", 1454119100);
    let m = tg.receive(&tg_post(TG_MESSAGE)).expect("ok").remove(0);
    assert_eq!(
        m,
        Inbound {
            platform: Platform::Telegram,
            user_id: "3527065".into(),
            event_key: "174114370".into(),
            kind: InboundKind::Text("Hello World".into()),
            timestamp: 1454119029,
            language_hint: Some("en".into()),
            reply: ReplyContext::Telegram {
                callback_query_id: None
            },
        }
    );
    assert!(tg.passive_reply(&m, &OutboundMessage::text("x")).is_none());

    let c = tg.receive(&tg_post(TG_CALLBACK)).expect("ok").remove(0);
    assert_eq!(c.user_id, "3527065");
    assert_eq!(c.event_key, "174114371");
    assert_eq!(c.kind, InboundKind::Choice("s=42;q=1;a=yes".into()));
    assert_eq!(c.timestamp, 1454119100);
    // The button press is acknowledged inside the webhook response.
    let ack = tg
        .passive_reply(&c, &OutboundMessage::text("next"))
        .expect("answerCallbackQuery");
    let body: Value = serde_json::from_slice(&ack.body).expect("json");
    assert_eq!(
        body,
        json!({"method": "answerCallbackQuery", "callback_query_id": "4382bfdwdsb323b2d9"})
    );
    assert_eq!(ack.content_type, "application/json");
}

#[test]
fn telegram_start_deep_link_and_other_updates() {
    let tg = telegram("http://unused", 1454119100);
    let text_update = |id: i64, chat_type: &str, text: &str| {
        json!({"update_id": id, "message": {"message_id": 1,
            "from": {"id": 99, "is_bot": false, "first_name": "A"},
            "chat": {"id": 99, "type": chat_type}, "date": 1454119000, "text": text}})
        .to_string()
    };
    let kind = |body: String| tg.receive(&tg_post(&body)).expect("ok").remove(0).kind;
    assert_eq!(
        kind(text_update(1, "private", "/start K7Q2MZ")),
        InboundKind::Start {
            payload: Some("K7Q2MZ".into())
        }
    );
    assert_eq!(
        kind(text_update(2, "private", "/start@GradTraceBot K7Q2MZ")),
        InboundKind::Start {
            payload: Some("K7Q2MZ".into())
        }
    );
    assert_eq!(
        kind(text_update(3, "private", "/start")),
        InboundKind::Start { payload: None }
    );
    assert_eq!(
        kind(text_update(4, "private", "/startle")),
        InboundKind::Text("/startle".into())
    );
    assert_eq!(
        kind(text_update(5, "group", "2")),
        InboundKind::Other("group chat".into())
    );
    let photo = json!({"update_id": 6, "message": {"message_id": 2,
        "from": {"id": 99, "is_bot": false, "first_name": "A"},
        "chat": {"id": 99, "type": "private"}, "date": 1454119000,
        "photo": [{"file_id": "x", "file_unique_id": "y", "width": 1, "height": 1}], "caption": "hi"}});
    assert_eq!(
        kind(photo.to_string()),
        InboundKind::Other("non-text message".into())
    );
    let blocked = json!({"update_id": 7, "my_chat_member": {
        "chat": {"id": 99, "type": "private"}, "from": {"id": 99, "is_bot": false, "first_name": "A"},
        "date": 1454119050,
        "old_chat_member": {"status": "member", "user": {"id": 1, "is_bot": true, "first_name": "Bot"}},
        "new_chat_member": {"status": "kicked", "user": {"id": 1, "is_bot": true, "first_name": "Bot"}, "until_date": 0}}});
    let b = tg
        .receive(&tg_post(&blocked.to_string()))
        .expect("ok")
        .remove(0);
    assert_eq!(
        (b.user_id.as_str(), b.kind),
        ("99", InboundKind::Unsubscribe)
    );
}

#[test]
fn telegram_malformed_updates_are_rejected_without_quoting_them() {
    let tg = telegram("http://unused", 1454119100);
    for body in [
        "not json",
        "{\"update_id\": 1, \"message\": {\"chat\": {}}}",
        "{\"message\": {}}",
        "{\"update_id\":\"张三 13800138000\"}",
        "",
    ] {
        let err = tg.receive(&tg_post(body)).expect_err(body);
        assert!(matches!(err, BotError::Malformed(_)), "{body}: {err:?}");
        assert_eq!(err.status(), 400);
        let shown = err.to_string();
        assert!(
            !shown.contains("张三") && !shown.contains("13800138000"),
            "{shown}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// WhatsApp

fn whatsapp(base: &str, now: i64, phone_number_id: Option<&str>) -> WhatsApp {
    let cfg = BotConfig {
        whatsapp_token: Some("EAAG-whatsapp-token".into()),
        whatsapp_app_secret: Some(WA_SECRET.into()),
        whatsapp_verify_token: Some("verify-me".into()),
        whatsapp_phone_number_id: phone_number_id.map(str::to_string),
        whatsapp_api_base: base.into(),
        ..BotConfig::default()
    };
    WhatsApp::new(&cfg, clock_at(now), client()).expect("whatsapp adapter")
}

fn wa_post(body: &str) -> InboundRequest {
    let sig = signature_header(WA_SECRET, body.as_bytes());
    post("", &[("x-hub-signature-256", &sig)], body.as_bytes())
}

#[test]
fn whatsapp_signature_vectors() {
    assert_eq!(
        signature_header("secret", b"test"),
        "sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914"
    );
    assert_eq!(WA_BODY.len(), 407);
    assert_eq!(
        signature_header(WA_SECRET, WA_BODY.as_bytes()),
        "sha256=d1612d06682bc5d61207307083d12b4050bfcbdfe21a96f22f19c7f9d7f9a56c"
    );
}

#[test]
fn whatsapp_signed_text_message() {
    let wa = whatsapp("http://unused", 1700000000, Some("PHONE_NUMBER_ID"));
    let req = post(
        "",
        &[(
            "x-hub-signature-256",
            "sha256=d1612d06682bc5d61207307083d12b4050bfcbdfe21a96f22f19c7f9d7f9a56c",
        )],
        WA_BODY.as_bytes(),
    );
    let got = wa.receive(&req).expect("accepted");
    assert_eq!(
        got,
        vec![Inbound {
            platform: Platform::WhatsApp,
            user_id: "8613800138000".into(),
            event_key: "wamid.TEST".into(),
            kind: InboundKind::Text("A".into()),
            timestamp: 1700000000,
            language_hint: None,
            reply: ReplyContext::WhatsApp {
                phone_number_id: "PHONE_NUMBER_ID".into()
            },
        }]
    );
    assert!(
        wa.passive_reply(&got[0], &OutboundMessage::text("x"))
            .is_none()
    );
}

#[test]
fn whatsapp_signature_rejections() {
    let wa = whatsapp("http://unused", 1700000000, None);
    let good = signature_header(WA_SECRET, WA_BODY.as_bytes());
    // One byte of the body changed (re-serialised JSON would do the same).
    let tampered = WA_BODY.replace("\"A\"", "\"B\"");
    let cases: Vec<(String, Vec<u8>)> = vec![
        (good.clone(), tampered.into_bytes()),
        (
            good.replace("sha256=", "sha1="),
            WA_BODY.as_bytes().to_vec(),
        ),
        (
            good[..good.len() - 2].to_string(),
            WA_BODY.as_bytes().to_vec(),
        ),
        (
            format!("{}zz", &good[..good.len() - 2]),
            WA_BODY.as_bytes().to_vec(),
        ),
        (
            good.to_uppercase().replace("SHA256=", "sha256="),
            b"{}".to_vec(),
        ),
        (
            signature_header("another secret", WA_BODY.as_bytes()),
            WA_BODY.as_bytes().to_vec(),
        ),
    ];
    for (header, body) in cases {
        let req = post("", &[("x-hub-signature-256", &header)], &body);
        assert!(
            matches!(wa.receive(&req), Err(BotError::BadSignature)),
            "{header}"
        );
    }
    let req = post("", &[], WA_BODY.as_bytes());
    assert!(matches!(wa.receive(&req), Err(BotError::BadSignature)));
}

#[test]
fn whatsapp_verification_challenge() {
    let wa = whatsapp("http://unused", 1700000000, None);
    let get = |q: &str| wa.handshake(&request(Method::GET, q, &[], b""));
    let ok = get("hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444")
        .expect("verified");
    assert_eq!(body_str(&ok), "1158201444");
    assert!(matches!(
        get("hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1"),
        Err(BotError::BadSignature)
    ));
    assert!(matches!(
        get("hub.mode=unsubscribe&hub.verify_token=verify-me&hub.challenge=1"),
        Err(BotError::BadSignature)
    ));
    assert!(matches!(
        get("hub.mode=subscribe&hub.verify_token=verify-me"),
        Err(BotError::Malformed(_))
    ));
}

#[test]
fn whatsapp_button_list_replies_and_statuses() {
    let wa = whatsapp("http://unused", 1454119029, None);
    let button = r#"{"object":"whatsapp_business_account","entry":[{"id":"8856996819413533","changes":[{"value":{
  "messaging_product":"whatsapp",
  "metadata":{"display_phone_number":"+250 788 123 200","phone_number_id":"12345"},
  "contacts":[{"profile":{"name":"Kerry Fisher"},"wa_id":"250788123123"}],
  "messages":[{"from":"250788123123","id":"external_id","timestamp":"1454119029","type":"interactive",
    "interactive":{"type":"button_reply","button_reply":{"id":"id_button_reply","title":"Yes"}}}]},
  "field":"messages"}]}]}"#;
    let got = wa.receive(&wa_post(button)).expect("ok").remove(0);
    assert_eq!(got.kind, InboundKind::Choice("id_button_reply".into()));
    assert_eq!(
        (got.user_id.as_str(), got.event_key.as_str()),
        ("250788123123", "external_id")
    );
    assert_eq!(
        got.reply,
        ReplyContext::WhatsApp {
            phone_number_id: "12345".into()
        }
    );

    let list = button
        .replace(
            "\"type\":\"button_reply\",\"button_reply\"",
            "\"type\":\"list_reply\",\"list_reply\"",
        )
        .replace("id_button_reply", "id_list_reply");
    let got = wa.receive(&wa_post(&list)).expect("ok").remove(0);
    assert_eq!(got.kind, InboundKind::Choice("id_list_reply".into()));

    let status = r#"{"object":"whatsapp_business_account","entry":[{"id":"8856996819413533","changes":[{"value":{
  "messaging_product":"whatsapp","metadata":{"display_phone_number":"+250 788 123 200","phone_number_id":"12345"},
  "statuses":[{"id":"external_id","recipient_id":"250788123123","status":"sent","timestamp":"1454119029",
     "type":"message",
     "conversation":{"id":"CONVERSATION_ID","expiration_timestamp":1454119029,"origin":{"type":"referral_conversion"}},
     "pricing":{"pricing_model":"CBP","billable":false,"category":"referral_conversion"}}]},
  "field":"messages"}]}]}"#;
    let got = wa.receive(&wa_post(status)).expect("ok").remove(0);
    assert_eq!(
        got.kind,
        InboundKind::Delivery {
            message_id: "external_id".into(),
            status: DeliveryStatus::Sent,
            error_code: None,
        }
    );
    assert_eq!(got.event_key, "external_id:sent");
    let failed = status
        .replace("\"status\":\"sent\"", "\"status\":\"failed\"")
        .replace(
            "\"type\":\"message\",",
            "\"type\":\"message\",\"errors\":[{\"code\":131026,\"title\":\"Message undeliverable\"}],",
        );
    let got = wa.receive(&wa_post(&failed)).expect("ok").remove(0);
    assert_eq!(
        got.kind,
        InboundKind::Delivery {
            message_id: "external_id".into(),
            status: DeliveryStatus::Failed,
            error_code: Some(131026),
        }
    );
    assert_eq!(got.event_key, "external_id:failed");
    assert!(DeliveryStatus::Read > DeliveryStatus::Delivered);
}

#[test]
fn whatsapp_payload_edge_cases() {
    let wa = whatsapp("http://unused", 1700000000, Some("PHONE_NUMBER_ID"));
    // Another number of the same app: nothing for us.
    let other = WA_BODY.replace(
        "\"phone_number_id\":\"PHONE_NUMBER_ID\"",
        "\"phone_number_id\":\"999\"",
    );
    assert!(wa.receive(&wa_post(&other)).expect("ok").is_empty());
    // The same message twice in one payload counts once.
    let msg = r#"{"from":"8613800138000","id":"wamid.TEST","timestamp":"1700000000","type":"text","text":{"body":"A"}}"#;
    let doubled = WA_BODY.replace(msg, &format!("{msg},{msg}"));
    assert_eq!(wa.receive(&wa_post(&doubled)).expect("ok").len(), 1);
    // Template quick-reply button and an image.
    let templ = WA_BODY.replace(
        r#""type":"text","text":{"body":"A"}"#,
        r#""type":"button","button":{"text":"开始","payload":"START_SURVEY"}"#,
    );
    assert_eq!(
        wa.receive(&wa_post(&templ)).expect("ok")[0].kind,
        InboundKind::Choice("START_SURVEY".into())
    );
    let image = WA_BODY.replace(
        r#""type":"text","text":{"body":"A"}"#,
        r#""type":"image","image":{"id":"m1","mime_type":"image/jpeg"}"#,
    );
    assert_eq!(
        wa.receive(&wa_post(&image)).expect("ok")[0].kind,
        InboundKind::Other("image".into())
    );
    // Not a WhatsApp Business payload, bad timestamp, not JSON.
    for bad in [
        WA_BODY.replace("whatsapp_business_account", "page"),
        WA_BODY.replace(
            "\"timestamp\":\"1700000000\"",
            "\"timestamp\":\"yesterday\"",
        ),
        "{".to_string(),
    ] {
        let err = wa.receive(&wa_post(&bad)).expect_err("malformed");
        assert!(matches!(err, BotError::Malformed(_)), "{err:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Outbound rendering

fn three() -> Vec<Choice> {
    vec![
        Choice::new("employed", "已就业"),
        Choice::new("further_study", "继续深造"),
        Choice::new("slow_employment", "慢就业（暂不就业）"),
    ]
}

#[test]
fn outbound_numbered_list_is_always_in_the_text() {
    let msg = OutboundMessage::with_choices("Q1/10 您目前的去向是？", three());
    assert_eq!(
        msg.rendered_text(),
        "Q1/10 您目前的去向是？\n\n1. 已就业\n2. 继续深造\n3. 慢就业（暂不就业）"
    );
    assert_eq!(OutboundMessage::text("hi").rendered_text(), "hi");
}

#[test]
fn outbound_split_respects_limits_and_lines() {
    let text = (1..=300)
        .map(|i| format!("{i}. 选项内容{i}"))
        .collect::<Vec<_>>()
        .join("\n");
    let parts = outbound::split_text(&text, 2048, outbound::bytes_len);
    assert!(parts.len() > 1);
    assert!(parts.iter().all(|p| p.len() <= 2048));
    // Nothing lost, lines not cut.
    assert_eq!(parts.join("\n"), text);
    // One line longer than the limit is cut between characters, never inside one.
    let long = "好".repeat(1000);
    let parts = outbound::split_text(&long, 2048, outbound::bytes_len);
    assert_eq!(parts.concat(), long);
    assert!(parts.iter().all(|p| p.len() <= 2048));
    let words = "word ".repeat(1000);
    let parts = outbound::split_text(&words, 4096, outbound::chars_len);
    assert_eq!(parts.len(), 2);
    assert!(parts[0].ends_with(' '), "cut at a space");
}

#[test]
fn outbound_telegram_inline_keyboard() {
    let mut choices = three();
    choices.push(Choice::new("x".repeat(65), "其他"));
    let msg = OutboundMessage::with_choices("Q1", choices);
    let bodies = outbound::telegram_bodies("3527065", &msg);
    assert_eq!(bodies.len(), 1);
    assert_eq!(bodies[0]["chat_id"], json!(3527065));
    let kb = bodies[0]["reply_markup"]["inline_keyboard"]
        .as_array()
        .expect("keyboard");
    assert_eq!(kb.len(), 4);
    assert_eq!(
        kb[0],
        json!([{"text": "1. 已就业", "callback_data": "employed"}])
    );
    // An id over 64 bytes travels as the option's number.
    assert_eq!(kb[3][0]["callback_data"], json!("4"));
    // Several picks: no buttons.
    let multi = OutboundMessage {
        multiple: true,
        ..OutboundMessage::with_choices("Q", three())
    };
    assert!(
        outbound::telegram_bodies("1", &multi)[0]
            .get("reply_markup")
            .is_none()
    );
}

#[test]
fn outbound_whatsapp_buttons_lists_and_text() {
    let buttons = outbound::whatsapp_bodies(
        "8613800138000",
        &OutboundMessage::with_choices("Q", three()),
    );
    assert_eq!(buttons.len(), 1);
    let b = &buttons[0];
    assert_eq!(b["type"], "interactive");
    assert_eq!(b["interactive"]["type"], "button");
    assert_eq!(
        b["interactive"]["action"]["buttons"][2],
        json!({"type": "reply", "reply": {"id": "slow_employment", "title": "3. 慢就业（暂不就业）"}})
    );
    let long = OutboundMessage::with_choices(
        "Which city?",
        vec![
            Choice::new("a", "A very long option label indeed"),
            Choice::new("b", "B"),
        ],
    );
    let title = outbound::whatsapp_bodies("1", &long)[0]["interactive"]["action"]["buttons"][0]["reply"]["title"]
        .as_str()
        .expect("title")
        .to_string();
    assert_eq!(title.chars().count(), 20);
    assert!(title.ends_with('…'));

    let seven: Vec<Choice> = (1..=7)
        .map(|i| Choice::new(format!("c{i}"), format!("City number {i} with a long name")))
        .collect();
    let list = outbound::whatsapp_bodies("1", &OutboundMessage::with_choices("Q", seven));
    let action = &list[0]["interactive"]["action"];
    assert_eq!(list[0]["interactive"]["type"], "list");
    let rows = action["sections"][0]["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 7);
    assert!(
        rows.iter()
            .all(|r| r["title"].as_str().expect("t").chars().count() <= 24)
    );
    assert_eq!(rows[0]["description"], "City number 1 with a long name");
    assert!(action["button"].as_str().expect("button").chars().count() <= 20);

    let eleven: Vec<Choice> = (1..=11)
        .map(|i| Choice::new(format!("c{i}"), format!("{i}")))
        .collect();
    let text = outbound::whatsapp_bodies("1", &OutboundMessage::with_choices("Q", eleven));
    assert_eq!(text[0]["type"], "text");
    assert!(
        text[0]["text"]["body"]
            .as_str()
            .expect("body")
            .contains("11. 11")
    );

    let t = outbound::whatsapp_template_body(
        "1",
        &Template {
            name: "survey_invite".into(),
            language: "zh_CN".into(),
            parameters: vec!["李雷".into()],
        },
    );
    assert_eq!(
        t,
        json!({"messaging_product": "whatsapp", "to": "1", "type": "template",
               "template": {"name": "survey_invite", "language": {"code": "zh_CN"},
                 "components": [{"type": "body", "parameters": [{"type": "text", "text": "李雷"}]}]}})
    );
}

// ---------------------------------------------------------------------------------------------
// `send` against a local server speaking each platform's API

/// A WeChat API: tokens T1, T2, … from /cgi-bin/token; `bad_tokens` are refused with `code`.
async fn wechat_api(bad_tokens: &'static [&'static str], code: i64) -> MockPlatform {
    let issued = Arc::new(AtomicUsize::new(0));
    MockPlatform::start(move |r| match r.path.as_str() {
        "/cgi-bin/token" | "/cgi-bin/stable_token" => {
            let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
            (200, json!({"access_token": format!("T{n}"), "expires_in": 7200}))
        }
        "/cgi-bin/message/custom/send" => {
            let token = r.q("access_token").unwrap_or_default();
            if bad_tokens.contains(&token) {
                (200, json!({"errcode": code, "errmsg": "invalid credential, access_token is invalid or not latest rid: 1"}))
            } else {
                (200, json!({"errcode": 0, "errmsg": "ok"}))
            }
        }
        _ => (404, json!({"errcode": 404})),
    })
    .await
}

#[tokio::test]
async fn wechat_send_fetches_token_once_and_posts_customer_service_text() {
    let api = wechat_api(&[], 0).await;
    let wx = wechat(&wechat_config(&api.base), 1700000000);
    let msg = OutboundMessage::with_choices("Q3/10 月薪（税前）是多少？", vec![]);
    wx.send("oUSER1", &msg).await.expect("sent");
    wx.send("oUSER2", &OutboundMessage::text("第二条"))
        .await
        .expect("sent");

    let tokens = api.to("/cgi-bin/token");
    assert_eq!(tokens.len(), 1, "the token is cached");
    assert_eq!(tokens[0].method, "GET");
    assert_eq!(tokens[0].q("grant_type"), Some("client_credential"));
    assert_eq!(tokens[0].q("appid"), Some(WX_APP_ID));
    assert_eq!(tokens[0].q("secret"), Some("APP-SECRET-xyz"));
    let sends = api.to("/cgi-bin/message/custom/send");
    assert_eq!(sends.len(), 2);
    assert_eq!(sends[0].method, "POST");
    assert_eq!(sends[0].q("access_token"), Some("T1"));
    assert_eq!(sends[1].q("access_token"), Some("T1"));
    assert_eq!(
        sends[0].body,
        json!({"touser": "oUSER1", "msgtype": "text", "text": {"content": "Q3/10 月薪（税前）是多少？"}})
    );
    assert_eq!(sends[1].body["touser"], "oUSER2");
}

#[tokio::test]
async fn wechat_token_is_refetched_after_expiry_time() {
    let api = wechat_api(&[], 0).await;
    let clock = clock_at(1700000000);
    let wx = WeChat::new(&wechat_config(&api.base), clock.clone(), client()).expect("adapter");
    wx.send("oA", &OutboundMessage::text("1"))
        .await
        .expect("sent");
    set(&clock, 1700000000 + 7200 - 301);
    wx.send("oA", &OutboundMessage::text("2"))
        .await
        .expect("sent");
    assert_eq!(api.to("/cgi-bin/token").len(), 1);
    set(&clock, 1700000000 + 7200 - 299);
    wx.send("oA", &OutboundMessage::text("3"))
        .await
        .expect("sent");
    assert_eq!(
        api.to("/cgi-bin/token").len(),
        2,
        "renewed five minutes before expiry"
    );
    assert_eq!(
        api.to("/cgi-bin/message/custom/send")[2].q("access_token"),
        Some("T2")
    );
}

#[tokio::test]
async fn wechat_expired_token_answer_triggers_one_refresh_and_retry() {
    for code in [40001, 42001] {
        let api = wechat_api(&["T1"], code).await;
        let wx = wechat(&wechat_config(&api.base), 1700000000);
        wx.send("oA", &OutboundMessage::text("hello"))
            .await
            .expect("sent after refresh");
        let tokens = api.to("/cgi-bin/token");
        assert_eq!(tokens.len(), 2, "one refresh for {code}");
        let sends = api.to("/cgi-bin/message/custom/send");
        assert_eq!(sends.len(), 2, "one retry for {code}");
        assert_eq!(sends[0].q("access_token"), Some("T1"));
        assert_eq!(sends[1].q("access_token"), Some("T2"));
        assert_eq!(sends[0].body, sends[1].body);
        // The fresh token is cached for the next message.
        wx.send("oA", &OutboundMessage::text("again"))
            .await
            .expect("sent");
        assert_eq!(api.to("/cgi-bin/token").len(), 2);
    }
}

#[tokio::test]
async fn wechat_token_refused_twice_gives_up_without_leaking_secrets() {
    let api = wechat_api(&["T1", "T2", "T3"], 40001).await;
    let wx = wechat(&wechat_config(&api.base), 1700000000);
    let err = wx
        .send("oA", &OutboundMessage::text("hello"))
        .await
        .expect_err("gives up");
    assert!(
        matches!(err, BotError::Platform { code: 40001, .. }),
        "{err:?}"
    );
    assert_eq!(
        api.to("/cgi-bin/message/custom/send").len(),
        2,
        "one retry only"
    );
    let shown = format!("{err} {err:?}");
    assert!(
        !shown.contains("T2") && !shown.contains("APP-SECRET"),
        "{shown}"
    );
}

#[tokio::test]
async fn wechat_concurrent_sends_share_one_token_fetch() {
    let api = wechat_api(&[], 0).await;
    let wx = Arc::new(wechat(&wechat_config(&api.base), 1700000000));
    let mut tasks = Vec::new();
    for i in 0..16 {
        let wx = wx.clone();
        tasks.push(tokio::spawn(async move {
            wx.send(&format!("o{i}"), &OutboundMessage::text("hi"))
                .await
        }));
    }
    for t in tasks {
        t.await.expect("task").expect("sent");
    }
    assert_eq!(api.to("/cgi-bin/token").len(), 1);
    assert_eq!(api.to("/cgi-bin/message/custom/send").len(), 16);
}

#[tokio::test]
async fn wechat_stable_token_window_closed_and_menu_fallback() {
    let issued = Arc::new(AtomicUsize::new(0));
    let api = MockPlatform::start(move |r| match r.path.as_str() {
        "/cgi-bin/stable_token" => {
            let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
            (200, json!({"access_token": format!("S{n}"), "expires_in": 7200}))
        }
        "/cgi-bin/message/custom/send" => match (r.body["touser"].as_str(), r.body["msgtype"].as_str()) {
            (Some("oLATE"), _) => (200, json!({"errcode": 45015, "errmsg": "response out of time limit or subscription is canceled"})),
            (_, Some("msgmenu")) => (200, json!({"errcode": 40200, "errmsg": "invalid account type"})),
            _ => (200, json!({"errcode": 0, "errmsg": "ok"})),
        },
        _ => (404, json!({})),
    })
    .await;
    let cfg = BotConfig {
        wechat_token_endpoint: "stable_token".into(),
        wechat_menu_messages: true,
        ..wechat_config(&api.base)
    };
    let wx = wechat(&cfg, 1700000000);
    let err = wx
        .send("oLATE", &OutboundMessage::text("reminder"))
        .await
        .expect_err("window closed");
    assert!(matches!(err, BotError::WindowClosed(_)), "{err:?}");
    let stable = api.to("/cgi-bin/stable_token");
    assert_eq!(stable.len(), 1);
    assert_eq!(stable[0].method, "POST");
    assert_eq!(
        stable[0].body,
        json!({"grant_type": "client_credential", "appid": WX_APP_ID, "secret": "APP-SECRET-xyz", "force_refresh": false})
    );

    wx.send("oB", &OutboundMessage::with_choices("Q1", three()))
        .await
        .expect("sent as text after the menu was refused");
    let sends = api.to("/cgi-bin/message/custom/send");
    let menu = &sends[1].body;
    assert_eq!(menu["msgtype"], "msgmenu");
    assert_eq!(menu["msgmenu"]["head_content"], "Q1");
    assert_eq!(
        menu["msgmenu"]["list"][0],
        json!({"id": "employed", "content": "1. 已就业"})
    );
    assert_eq!(sends[2].body["msgtype"], "text");
    assert_eq!(
        sends[2].body["text"]["content"],
        "Q1\n\n1. 已就业\n2. 继续深造\n3. 慢就业（暂不就业）"
    );
}

#[tokio::test]
async fn telegram_send_message_with_inline_keyboard() {
    let api = MockPlatform::start(|r| match r.path.as_str() {
        p if p.ends_with("/sendMessage") && r.body["chat_id"] == json!(666) => (
            403,
            json!({"ok": false, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}),
        ),
        p if p.ends_with("/sendMessage") && r.body["chat_id"] == json!(429) => (
            429,
            json!({"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 3", "parameters": {"retry_after": 3}}),
        ),
        p if p.ends_with("/sendMessage") => (
            200,
            json!({"ok": true, "result": {"message_id": 43, "chat": {"id": r.body["chat_id"], "type": "private"}, "date": 1454119031, "text": r.body["text"]}}),
        ),
        p if p.ends_with("/answerCallbackQuery") || p.ends_with("/setWebhook") => {
            (200, json!({"ok": true, "result": true}))
        }
        _ => (404, json!({"ok": false, "error_code": 404, "description": "Not Found"})),
    })
    .await;
    let tg = telegram(&api.base, 1454119100);
    let receipt = tg
        .send(
            "3527065",
            &OutboundMessage::with_choices("Q1/10 您目前是否在就业？", three()),
        )
        .await
        .expect("sent");
    assert_eq!(receipt.message_ids, vec!["43".to_string()]);
    let sent = api.requests();
    assert_eq!(
        sent[0].path,
        "/bot123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11/sendMessage"
    );
    assert_eq!(sent[0].body["chat_id"], json!(3527065));
    assert_eq!(
        sent[0].body["text"],
        "Q1/10 您目前是否在就业？\n\n1. 已就业\n2. 继续深造\n3. 慢就业（暂不就业）"
    );
    assert_eq!(
        sent[0].body["reply_markup"]["inline_keyboard"][1],
        json!([{"text": "2. 继续深造", "callback_data": "further_study"}])
    );

    tg.answer_callback_query("4382bfdwdsb323b2d9", Some("已记录"))
        .await
        .expect("answered");
    let answered = api.requests().pop().expect("request");
    assert!(answered.path.ends_with("/answerCallbackQuery"));
    assert_eq!(
        answered.body,
        json!({"callback_query_id": "4382bfdwdsb323b2d9", "text": "已记录"})
    );

    tg.set_webhook("https://bot.example.edu/webhooks/telegram")
        .await
        .expect("registered");
    let hook = api.requests().pop().expect("request");
    assert!(hook.path.ends_with("/setWebhook"));
    assert_eq!(
        hook.body["url"],
        "https://bot.example.edu/webhooks/telegram"
    );
    assert_eq!(hook.body["secret_token"], "s3cr3t_T0ken-for-webhook");
    assert_eq!(
        hook.body["allowed_updates"],
        json!(["message", "callback_query", "my_chat_member"])
    );

    // An empty message sends nothing.
    let before = api.requests().len();
    let r = tg
        .send("1", &OutboundMessage::text(""))
        .await
        .expect("nothing to send");
    assert!(r.message_ids.is_empty());
    assert_eq!(api.requests().len(), before);

    let blocked = tg
        .send("666", &OutboundMessage::text("hi"))
        .await
        .expect_err("blocked");
    assert!(
        matches!(blocked, BotError::ContactStopped(_)),
        "{blocked:?}"
    );
    let slow = tg
        .send("429", &OutboundMessage::text("hi"))
        .await
        .expect_err("throttled");
    assert!(matches!(
        slow,
        BotError::Throttled {
            retry_after: Some(3)
        }
    ));
    assert!(slow.is_retryable());

    // A long text goes out in parts; only the last carries the keyboard.
    let long = OutboundMessage::with_choices("长".repeat(5000), three());
    let r = tg.send("1", &long).await.expect("sent");
    assert_eq!(r.message_ids.len(), 2);
    let parts: Vec<Recorded> = api.requests().into_iter().rev().take(2).collect();
    assert!(parts[0].body.get("reply_markup").is_some());
    assert!(parts[1].body.get("reply_markup").is_none());
}

#[tokio::test]
async fn send_errors_never_show_tokens() {
    // Nothing listens on port 9 of the loopback: a connection error whose URL held the token.
    let tg = telegram("http://127.0.0.1:9", 0);
    let err = tg
        .send("1", &OutboundMessage::text("hi"))
        .await
        .expect_err("unreachable");
    assert!(matches!(err, BotError::Unreachable(_)), "{err:?}");
    assert!(err.is_retryable());
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("ABC-DEF1234"), "{shown}");

    let wx = wechat(&wechat_config("http://127.0.0.1:9"), 0);
    let err = wx
        .send("oA", &OutboundMessage::text("hi"))
        .await
        .expect_err("unreachable");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("APP-SECRET"), "{shown}");

    let wa = whatsapp("http://127.0.0.1:9", 0, Some("PHONE"));
    let err = wa
        .send("1", &OutboundMessage::text("hi"))
        .await
        .expect_err("unreachable");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("EAAG-whatsapp-token"), "{shown}");

    // The settings' Debug shows secrets only as set/unset.
    let cfg = wechat_safe_config("x");
    let shown = format!("{cfg:?}");
    assert!(
        !shown.contains("APP-SECRET") && !shown.contains(WX_AES_KEY) && !shown.contains(WX_TOKEN)
    );
}

#[tokio::test]
async fn whatsapp_send_interactive_and_template_outside_the_window() {
    let api = MockPlatform::start(|r| {
        if r.body["to"] == "8613800000047" && r.body["type"] != "template" {
            return (
                400,
                json!({"error": {"message": "Re-engagement message", "type": "OAuthException", "code": 131047, "fbtrace_id": "A"}}),
            );
        }
        (
            200,
            json!({"messaging_product": "whatsapp", "contacts": [{"input": r.body["to"], "wa_id": r.body["to"]}],
                   "messages": [{"id": format!("wamid.{}", r.body["type"].as_str().unwrap_or(""))}]}),
        )
    })
    .await;
    let now = 1700000000;
    let wa = whatsapp(&api.base, now, Some("106540352242922"));
    let template = Template {
        name: "survey_reminder".into(),
        language: "zh_CN".into(),
        parameters: vec!["毕业生跟踪调查".into()],
    };
    let question = OutboundMessage {
        template: Some(template.clone()),
        user_last_message_at: Some(now - 3600),
        ..OutboundMessage::with_choices("Q1/10 Are you currently employed?", three())
    };
    let r = wa.send("8613800138000", &question).await.expect("sent");
    assert_eq!(r.message_ids, vec!["wamid.interactive".to_string()]);
    assert!(!r.used_template);
    let first = &api.requests()[0];
    assert_eq!(first.path, "/106540352242922/messages");
    assert_eq!(
        first.authorization.as_deref(),
        Some("Bearer EAAG-whatsapp-token")
    );
    assert_eq!(first.body["messaging_product"], "whatsapp");
    assert_eq!(first.body["to"], "8613800138000");
    assert_eq!(first.body["interactive"]["type"], "button");
    assert_eq!(
        first.body["interactive"]["action"]["buttons"][0]["reply"],
        json!({"id": "employed", "title": "1. 已就业"})
    );

    // 25 hours since the user wrote: the template goes instead.
    let late = OutboundMessage {
        user_last_message_at: Some(now - 25 * 3600),
        ..question.clone()
    };
    let r = wa
        .send("8613800138000", &late)
        .await
        .expect("template sent");
    assert!(r.used_template);
    let sent = api.requests().pop().expect("request");
    assert_eq!(sent.body["type"], "template");
    assert_eq!(sent.body["template"]["name"], "survey_reminder");

    // Without a template, a closed window is an error and nothing is sent.
    let before = api.requests().len();
    let bare = OutboundMessage {
        template: None,
        ..late.clone()
    };
    assert!(matches!(
        wa.send("8613800138000", &bare).await,
        Err(BotError::WindowClosed(_))
    ));
    assert_eq!(api.requests().len(), before);

    // The window looked open but the platform says 131047: fall back to the template.
    let unknown = OutboundMessage {
        user_last_message_at: None,
        ..question.clone()
    };
    let r = wa
        .send("8613800000047", &unknown)
        .await
        .expect("template after 131047");
    assert!(r.used_template);
    let last_two: Vec<Recorded> = api.requests().into_iter().rev().take(2).collect();
    assert_eq!(last_two[1].body["type"], "interactive");
    assert_eq!(last_two[0].body["type"], "template");
}

// ---------------------------------------------------------------------------------------------
// The forgiving reply parser

fn destinations() -> Vec<LabelledOption> {
    vec![
        LabelledOption::new("employed", &["已就业", "Employed"]),
        LabelledOption::new("flexible", &["灵活就业", "Flexible employment"]),
        LabelledOption::new("self_employed", &["自主创业", "Self-employed / start-up"]),
        LabelledOption::new("further_study", &["国内升学", "Further study at home"]),
        LabelledOption::new("study_abroad", &["出国（境）留学", "Study abroad"]),
        LabelledOption::new(
            "slow_employment",
            &["慢就业", "Not yet employed (slow employment)"],
        ),
        LabelledOption::new("unemployed", &["待就业", "Unemployed"]),
    ]
}

#[test]
fn parser_single_choice_table() {
    let opts = destinations();
    let one = |s: &str| parse_reply(s, Expect::Single(&opts));
    let cases: &[(&str, &str)] = &[
        ("2", "flexible"),
        (" 2 ", "flexible"),
        ("２", "flexible"),
        ("2.", "flexible"),
        ("(3)", "self_employed"),
        ("第4个", "further_study"),
        ("选5", "study_abroad"),
        ("二", "flexible"),
        ("B", "flexible"),
        ("b", "flexible"),
        ("Ｃ", "self_employed"),
        ("已就业", "employed"),
        ("灵活就业", "flexible"),
        ("自主", "self_employed"),
        ("employed", "employed"),
        ("EMPLOYED", "employed"),
        ("Study abroad", "study_abroad"),
        ("留学", "study_abroad"),
        ("创业", "self_employed"),
        ("我现在是慢就业", "slow_employment"),
        ("Self-employed/start-up", "self_employed"),
        ("unemployed", "unemployed"),
    ];
    for (input, want) in cases {
        assert_eq!(one(input), Ok(Reply::choice(want)), "input {input:?}");
    }
    assert_eq!(one("9"), Err(Reason::NoSuchOption { given: 9, count: 7 }));
    assert_eq!(one("0"), Err(Reason::NoSuchOption { given: 0, count: 7 }));
    assert_eq!(
        one("z"),
        Err(Reason::NoSuchOption {
            given: 26,
            count: 7
        })
    );
    assert_eq!(one("2,5"), Err(Reason::OnlyOne));
    assert_eq!(one("2 5"), Err(Reason::OnlyOne));
    assert_eq!(one(""), Err(Reason::Empty));
    assert_eq!(one("火星"), Err(Reason::NoMatch));
    assert_eq!(
        one("study"),
        Err(Reason::Ambiguous(vec![
            "further_study".into(),
            "study_abroad".into()
        ]))
    );
    match one("就业") {
        Err(Reason::Ambiguous(ids)) => assert!(ids.len() >= 3, "{ids:?}"),
        other => panic!("就业 should be ambiguous: {other:?}"),
    }
}

#[test]
fn parser_single_choice_prefers_a_label_that_is_a_number() {
    let opts = vec![
        LabelledOption::new("none", &["0"]),
        LabelledOption::new("one", &["1"]),
        LabelledOption::new("more", &["2次及以上"]),
    ];
    assert_eq!(
        parse_reply("0", Expect::Single(&opts)),
        Ok(Reply::choice("none"))
    );
    assert_eq!(
        parse_reply("1", Expect::Single(&opts)),
        Ok(Reply::choice("one"))
    );
    assert_eq!(
        parse_reply("3", Expect::Single(&opts)),
        Ok(Reply::choice("more"))
    );
}

#[test]
fn parser_multiple_choice_table() {
    let opts = destinations();
    let many = |s: &str| parse_reply(s, Expect::Multiple(&opts));
    let ids = |v: &[&str]| Ok(Reply::choices(v));
    assert_eq!(many("2,5"), ids(&["flexible", "study_abroad"]));
    assert_eq!(many("2 5"), ids(&["flexible", "study_abroad"]));
    assert_eq!(many("2、5"), ids(&["flexible", "study_abroad"]));
    assert_eq!(many("2，5"), ids(&["flexible", "study_abroad"]));
    assert_eq!(many("2;5;2"), ids(&["flexible", "study_abroad"]));
    assert_eq!(many("B, E"), ids(&["flexible", "study_abroad"]));
    assert_eq!(many("be"), ids(&["flexible", "study_abroad"]));
    assert_eq!(
        many("2-4"),
        ids(&["flexible", "self_employed", "further_study"])
    );
    assert_eq!(many("已就业和留学"), ids(&["employed", "study_abroad"]));
    assert_eq!(
        many("Study abroad, Unemployed"),
        ids(&["study_abroad", "unemployed"])
    );
    assert_eq!(many("Self-employed / start-up"), ids(&["self_employed"]));
    assert_eq!(many("3"), ids(&["self_employed"]));
    assert_eq!(
        many("2,9"),
        Err(Reason::NoSuchOption { given: 9, count: 7 })
    );
    assert_eq!(
        many("2-9"),
        Err(Reason::NoSuchOption { given: 9, count: 7 })
    );
    assert_eq!(many("，、"), Err(Reason::NoMatch));
}

#[test]
fn parser_number_table() {
    let cases: &[(&str, f64)] = &[
        ("8000", 8000.0),
        ("8k", 8000.0),
        ("8K", 8000.0),
        ("8.5k", 8500.0),
        ("8,000", 8000.0),
        ("1,200,000", 1_200_000.0),
        ("8000元", 8000.0),
        ("¥8000", 8000.0),
        ("8000元/月", 8000.0),
        ("税前8000左右", 8000.0),
        ("8千", 8000.0),
        ("八千", 8000.0),
        ("八千五", 8500.0),
        ("1.2万", 12000.0),
        ("一万二", 12000.0),
        ("1万2", 12000.0),
        ("1w", 10000.0),
        ("1.5w", 15000.0),
        ("两万三千五百", 23500.0),
        ("三万五", 35000.0),
        ("十万", 100000.0),
        ("十二", 12.0),
        ("二十", 20.0),
        ("三十五", 35.0),
        ("一百零五", 105.0),
        ("一千零五十", 1050.0),
        ("1万20", 10020.0),
        ("八零零零", 8000.0),
        ("１２０００", 12000.0),
        ("0.5", 0.5),
        ("-5", -5.0),
        ("8千多", 8000.0),
        ("约1.2万", 12000.0),
        ("2亿", 200_000_000.0),
    ];
    for (input, want) in cases {
        assert_eq!(parse_number(input), Ok(*want), "input {input:?}");
        assert_eq!(
            parse_reply(input, Expect::Number),
            Ok(Reply::Number(*want)),
            "input {input:?}"
        );
    }
    for bad in ["abc", "8,5", "万", "8000$", "1.2.3", "八八万万"] {
        assert_eq!(parse_number(bad), Err(Reason::NotANumber), "input {bad:?}");
    }
    assert_eq!(parse_number("8000-10000"), Err(Reason::Range));
    assert_eq!(parse_number("8千到1万"), Err(Reason::Range));
    assert_eq!(parse_number(""), Err(Reason::Empty));
    let stored =
        |r: Reply| serde_json::to_value(r.into_answer().expect("an answer")).expect("json");
    assert_eq!(stored(Reply::Number(12000.0)), json!({"number": 12000}));
    assert_eq!(stored(Reply::Number(0.5)), json!({"number": 0.5}));
}

#[test]
fn parser_year_month_table() {
    let cases: &[(&str, (i32, u32))] = &[
        ("2025-07", (2025, 7)),
        ("2025-7", (2025, 7)),
        ("2025.7", (2025, 7)),
        ("2025/07", (2025, 7)),
        ("2025年7月", (2025, 7)),
        ("2025 年 12 月", (2025, 12)),
        ("202507", (2025, 7)),
        ("07/2025", (2025, 7)),
        ("2025-07-15", (2025, 7)),
        ("25年7月", (2025, 7)),
        ("二〇二五年七月", (2025, 7)),
        ("二〇二四年十二月", (2024, 12)),
        ("２０２５－０７", (2025, 7)),
    ];
    for (input, want) in cases {
        let (year, month) = *want;
        assert_eq!(
            parse_year_month(input),
            Ok(YearMonth { year, month }),
            "input {input:?}"
        );
    }
    for bad in ["2025-13", "2025", "7月", "1800-01", "next year", "2025-00"] {
        assert_eq!(
            parse_year_month(bad),
            Err(Reason::NotAYearMonth),
            "input {bad:?}"
        );
    }
    assert_eq!(
        parse_reply("2025.7", Expect::YearMonth)
            .map(|r| serde_json::to_value(r.into_answer()).expect("json")),
        Ok(json!({"year_month": "2025-07"}))
    );
}

#[test]
fn parser_yes_no_rating_and_text() {
    for yes in ["是", "是的", "对", "yes", "Y", "y", "OK", "好的！", "YES."] {
        assert_eq!(
            parse_reply(yes, Expect::YesNo),
            Ok(Reply::YesNo(true)),
            "{yes}"
        );
    }
    for no in ["否", "不是", "no", "N", "n", "没有", "不对"] {
        assert_eq!(
            parse_reply(no, Expect::YesNo),
            Ok(Reply::YesNo(false)),
            "{no}"
        );
    }
    assert_eq!(parse_reply("maybe", Expect::YesNo), Err(Reason::NotYesNo));

    let likert = Expect::Rating { min: 1, max: 5 };
    for (input, want) in [("4", 4), ("4分", 4), ("五", 5), ("★★★", 3), ("5 stars", 5)] {
        assert_eq!(
            parse_reply(input, likert),
            Ok(Reply::Rating(want)),
            "{input}"
        );
    }
    assert_eq!(
        parse_reply("6", likert),
        Err(Reason::OutOfScale { min: 1, max: 5 })
    );
    assert_eq!(
        parse_reply("3.5", likert),
        Err(Reason::OutOfScale { min: 1, max: 5 })
    );
    assert_eq!(
        parse_reply("good", likert),
        Err(Reason::OutOfScale { min: 1, max: 5 })
    );
    let score = Expect::Rating { min: 0, max: 100 };
    assert_eq!(parse_reply("八十五", score), Ok(Reply::Rating(85)));
    assert_eq!(parse_reply("0", score), Ok(Reply::Rating(0)));

    assert_eq!(
        parse_reply("  希望多开实践课  ", Expect::Text),
        Ok(Reply::Text("希望多开实践课".into()))
    );
    assert_eq!(parse_reply("   ", Expect::Text), Err(Reason::Empty));
}

#[test]
fn parser_button_payloads() {
    let opts = destinations();
    assert_eq!(
        parse_payload("study_abroad", Expect::Single(&opts)),
        Ok(Reply::choice("study_abroad"))
    );
    // Over-long ids travel as the option's number.
    assert_eq!(
        parse_payload("4", Expect::Single(&opts)),
        Ok(Reply::choice("further_study"))
    );
    assert_eq!(
        parse_payload("unemployed", Expect::Multiple(&opts)),
        Ok(Reply::choices(&["unemployed"]))
    );
}

// ---------------------------------------------------------------------------------------------
// Commands

#[test]
fn commands_in_both_languages() {
    let cases: &[(&str, Command)] = &[
        ("help", Command::Help),
        ("HELP", Command::Help),
        ("/help", Command::Help),
        ("/help@GradTraceBot", Command::Help),
        ("帮助", Command::Help),
        ("？", Command::Help),
        ("?", Command::Help),
        ("back", Command::Back),
        ("返回", Command::Back),
        ("上一题", Command::Back),
        ("skip", Command::Skip),
        ("跳过", Command::Skip),
        ("language", Command::Language(None)),
        ("语言", Command::Language(None)),
        ("English", Command::Language(Some(Lang::En))),
        ("中文", Command::Language(Some(Lang::ZhCn))),
        ("web", Command::Web),
        ("网页", Command::Web),
        ("stop", Command::Stop),
        ("STOP", Command::Stop),
        ("退订", Command::Stop),
        ("unsubscribe", Command::Stop),
        ("TD", Command::Stop),
        ("restart", Command::Restart),
        ("重新开始", Command::Restart),
        ("  跳过！ ", Command::Skip),
    ];
    for (input, want) in cases {
        let m = parse_command(input).unwrap_or_else(|| panic!("{input:?} is a command"));
        assert_eq!(m.command, *want, "{input:?}");
        assert!(!m.weak, "{input:?}");
    }
    for weak in ["T", "N", "R", "n"] {
        let m = parse_command(weak).expect("weak opt-out");
        assert_eq!((m.command, m.weak), (Command::Stop, true), "{weak}");
    }
    for not in ["2", "已就业", "helpful", "stop it now", "8000"] {
        assert!(parse_command(not).is_none(), "{not:?}");
    }
}

#[test]
fn weak_opt_out_letters_yield_to_valid_answers() {
    let opts = destinations();
    // "n" answers a yes/no question…
    assert_eq!(
        interpret("n", Some(Expect::YesNo)),
        Interpretation::Answer(Reply::YesNo(false))
    );
    // …but is an opt-out (to be confirmed) where it answers nothing.
    assert_eq!(
        interpret("N", Some(Expect::Single(&opts))),
        Interpretation::Command(Command::Stop)
    );
    assert_eq!(
        interpret("R", Some(Expect::Number)),
        Interpretation::Command(Command::Stop)
    );
    assert_eq!(interpret("T", None), Interpretation::Command(Command::Stop));
    // Full-word commands win over answers.
    assert_eq!(
        interpret("跳过", Some(Expect::Text)),
        Interpretation::Command(Command::Skip)
    );
    assert_eq!(
        interpret("2", Some(Expect::Single(&opts))),
        Interpretation::Answer(Reply::choice("flexible"))
    );
    assert_eq!(
        interpret("9", Some(Expect::Single(&opts))),
        Interpretation::Invalid(Reason::NoSuchOption { given: 9, count: 7 })
    );
    assert_eq!(Reason::NotANumber.message_id(), "bot-invalid-number");
}

// ---------------------------------------------------------------------------------------------
// The parser over the real survey engine (fixture `graduation` survey, zh-CN and en labels)

#[test]
fn typed_chat_replies_complete_the_graduation_survey_through_the_engine() {
    use gradtrace::i18n::Localizer;
    use gradtrace::survey::{Answers, Context, Engine};

    let catalog = super::survey::catalog();
    let localizer = Localizer::load(&super::survey::fixtures().join("surveys/locales"))
        .expect("fixture locales");
    let survey = catalog.survey("graduation").expect("graduation survey");
    let engine = Engine::new(&catalog, survey);
    let ctx = Context::new(chrono::NaiveDate::from_ymd_opt(2026, 3, 15).expect("date"));
    let mut answers = Answers::default();
    let regions = RegionIndex::new(catalog.regions());

    // What a graduate types, question by question, in the order the engine asks.
    let script: &[(&str, &str)] = &[
        ("destination_type", "单位就业"),
        ("status_date", "2025年7月"),
        ("agreement", "1"),
        ("employer_name", "深圳某科技有限公司"),
        ("employer_type", "其他：律师事务所"),
        ("region", "广东深圳"),
        ("monthly_salary", "1.2万"),
        ("job_search_months", "三"),
        ("channels", "校园招聘会、Online、其他：学长内推"),
        ("comments", "希望多组织校园招聘会"),
    ];
    let mut script = script.iter();
    while let Some(q) = engine.next_unanswered(&ctx, &answers) {
        let options = LabelledOption::from_survey(
            &engine.options(q),
            &localizer,
            &[Lang::ZhCn, Lang::En],
            catalog.other_option(q),
        );
        let expect = Expect::for_question(q, &options, &regions);
        let (qid, typed) = script.next().expect("a scripted reply");
        assert_eq!(*qid, q.id, "the engine asks in order");
        let answer = match interpret(typed, Some(expect)) {
            Interpretation::Answer(reply) => reply.into_answer().expect("an answer"),
            other => panic!("{typed:?} for {qid}: {other:?}"),
        };
        answers = engine
            .answer_question(&ctx, &answers, &q.id, answer)
            .unwrap_or_else(|e| panic!("{} refused: {e:?}", q.id));
    }
    assert!(script.next().is_none(), "every scripted reply was used");
    let stored = serde_json::to_value(&answers).expect("json");
    assert_eq!(stored["destination_type"], json!({"choice": "employed"}));
    assert_eq!(stored["status_date"], json!({"year_month": "2025-07"}));
    assert_eq!(stored["agreement"], json!({"choice": "yes"}));
    assert_eq!(
        stored["employer_type"],
        json!({"choice": "other", "other": "律师事务所"})
    );
    assert_eq!(
        stored["region"],
        json!({"province": "44", "city": "4403", "county": false})
    );
    assert_eq!(stored["monthly_salary"], json!({"number": 12000}));
    assert_eq!(stored["job_search_months"], json!({"number": 3}));
    assert_eq!(
        stored["channels"],
        json!({"choices": ["campus_fair", "online", "other"], "other": "学长内推"})
    );

    // A parsed reply the engine refuses (below the salary minimum) is not merged.
    let salary = interpret("八十", Some(Expect::Number));
    let Interpretation::Answer(reply) = salary else {
        panic!("八十 is a number: {salary:?}")
    };
    let refused = engine.answer_question(
        &ctx,
        &answers,
        "monthly_salary",
        reply.into_answer().expect("answer"),
    );
    assert!(refused.is_err());
}

#[test]
fn every_parser_reason_has_its_message_in_both_languages() {
    use gradtrace::i18n::Localizer;
    let localizer =
        Localizer::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales"))
            .expect("locales");
    let reasons = [
        Reason::Empty,
        Reason::NoSuchOption { given: 9, count: 7 },
        Reason::NoMatch,
        Reason::Ambiguous(vec!["a".into(), "b".into()]),
        Reason::OnlyOne,
        Reason::NotANumber,
        Reason::Range,
        Reason::OutOfScale { min: 1, max: 5 },
        Reason::NotAYearMonth,
        Reason::NotYesNo,
        Reason::NoPlace,
        Reason::AmbiguousPlace(vec!["44".into(), "45".into()]),
    ];
    for lang in Lang::ALL {
        for r in &reasons {
            assert!(
                localizer.has(lang, r.message_id()),
                "{lang} {}",
                r.message_id()
            );
            let text = localizer.format_with(lang, r.message_id(), &r.args());
            assert!(
                !text.contains("{$") && !text.contains("{ $"),
                "{lang}: {text}"
            );
        }
    }
    let zh = localizer.format_with(
        Lang::ZhCn,
        "bot-invalid-no-such-option",
        &Reason::NoSuchOption { given: 9, count: 7 }.args(),
    );
    assert!(zh.contains('9') && zh.contains('7'), "{zh}");
}

// ---------------------------------------------------------------------------------------------
// Properties: crypto round trips, number formats, and no panic on any input

mod props {
    use super::*;
    use proptest::prelude::*;

    fn key() -> AesKey {
        AesKey::from_encoding_key(WX_AES_KEY).expect("key")
    }

    /// Groups digits by thousands: 1234567 → "1,234,567".
    fn with_commas(n: u64) -> String {
        let digits = n.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Every message length (so every pad from 1 to 32) decrypts to itself.
        #[test]
        fn wechat_encrypt_decrypt_round_trip(
            msg in proptest::collection::vec(any::<u8>(), 0..200),
            random in any::<[u8; 16]>(),
            app in "[a-z0-9]{1,20}",
        ) {
            let k = key();
            let d = k.decrypt(&k.encrypt(&msg, &app, random), &app).expect("round trip");
            prop_assert_eq!(&d.msg, &msg);
            prop_assert_eq!(d.random, random);
            prop_assert_eq!(d.pad as usize, 32 - (20 + msg.len() + app.len()) % 32);
        }

        #[test]
        fn wechat_decrypt_never_panics(s in ".{0,300}") {
            let _ = key().decrypt(&s, WX_APP_ID);
        }

        #[test]
        fn whole_numbers_in_usual_forms(n in 0u64..10_000_000_000) {
            let want = n as f64;
            prop_assert_eq!(parse_number(&n.to_string()), Ok(want));
            prop_assert_eq!(parse_number(&with_commas(n)), Ok(want));
            prop_assert_eq!(parse_number(&format!("{n}元")), Ok(want));
            prop_assert_eq!(parse_number(&format!("¥{}", with_commas(n))), Ok(want));
            if n % 1000 == 0 && n > 0 {
                prop_assert_eq!(parse_number(&format!("{}k", n / 1000)), Ok(want));
                prop_assert_eq!(parse_number(&format!("{}千", n / 1000)), Ok(want));
            }
            if n % 1000 == 0 && (10_000..100_000_000).contains(&n) {
                // 12000 → "1.2万"
                let wan = format!("{}", n as f64 / 10_000.0);
                prop_assert_eq!(parse_number(&format!("{wan}万")), Ok(want), "{}万", wan);
            }
        }

        #[test]
        fn every_listed_position_picks_its_option(k in 1usize..=7, letter in any::<bool>()) {
            let opts = destinations();
            let typed = if letter {
                ((b'A' + k as u8 - 1) as char).to_string()
            } else {
                k.to_string()
            };
            prop_assert_eq!(
                parse_reply(&typed, Expect::Single(&opts)),
                Ok(Reply::choice(&opts[k - 1].id))
            );
        }

        #[test]
        fn year_months_in_usual_forms(year in 1950i32..=2100, month in 1u32..=12) {
            let want = YearMonth { year, month };
            prop_assert_eq!(parse_year_month(&format!("{year}-{month:02}")), Ok(want));
            prop_assert_eq!(parse_year_month(&format!("{year}.{month}")), Ok(want));
            prop_assert_eq!(parse_year_month(&format!("{year}年{month}月")), Ok(want));
            prop_assert_eq!(parse_year_month(&format!("{year}{month:02}")), Ok(want));
        }

        /// The other option's text comes back exactly as typed.
        #[test]
        fn other_text_is_kept_as_typed(text in "[a-zA-Z0-9\u{4e00}-\u{9fa5}][a-zA-Z0-9 \u{4e00}-\u{9fa5}]{0,19}") {
            let mut opts = destinations();
            opts.push(LabelledOption::new("other", &["其他", "Other"]).as_other());
            let want = Reply::Choice { choice: "other".into(), other: Some(text.trim().to_string()) };
            prop_assert_eq!(parse_reply(&format!("其他：{text}"), Expect::Single(&opts)), Ok(want.clone()));
            prop_assert_eq!(parse_reply(&format!("Other ({text})"), Expect::Single(&opts)), Ok(want));
        }

        /// Whatever arrives, the parser answers with a reply or a reason, never a panic.
        #[test]
        fn parser_never_panics(s in ".{0,40}") {
            static INDEX: std::sync::OnceLock<RegionIndex> = std::sync::OnceLock::new();
            let index = INDEX.get_or_init(|| RegionIndex::new(super::super::survey::catalog().regions()));
            let mut opts = destinations();
            opts.push(LabelledOption::new("other", &["其他", "Other"]).as_other());
            for e in [
                Expect::Single(&opts), Expect::Multiple(&opts), Expect::Number, Expect::YearMonth,
                Expect::YesNo, Expect::Text, Expect::Rating { min: 0, max: 100 },
                Expect::Region(index),
            ] {
                let _ = interpret(&s, Some(e));
                let _ = parse_payload(&s, e);
            }
        }

        /// Arbitrary bodies, signed correctly, are parsed or refused, never a panic; and a
        /// refusal is a client error.
        #[test]
        fn adapters_never_panic_on_signed_garbage(body in proptest::collection::vec(any::<u8>(), 0..400)) {
            let ts = 1700000000;
            let wx = wechat(&wechat_config("http://unused"), ts);
            let ts_s = ts.to_string();
            let sig = wechat::signature(&[WX_TOKEN, &ts_s, "n"]);
            let req = post(&format!("signature={sig}&timestamp={ts}&nonce=n"), &[], &body);
            if let Err(e) = wx.receive(&req) {
                prop_assert_eq!(e.status(), 400);
            }
            let tg = telegram("http://unused", ts);
            if let Err(e) = tg.receive(&post(
                "",
                &[("x-telegram-bot-api-secret-token", "s3cr3t_T0ken-for-webhook")],
                &body,
            )) {
                prop_assert_eq!(e.status(), 400);
            }
            let wa = whatsapp("http://unused", ts, None);
            let sig = signature_header(WA_SECRET, &body);
            if let Err(e) = wa.receive(&post("", &[("x-hub-signature-256", &sig)], &body)) {
                prop_assert_eq!(e.status(), 400);
            }
        }

        /// Structurally valid JSON with arbitrary values: still no panic.
        #[test]
        fn telegram_and_whatsapp_never_panic_on_odd_values(
            id in any::<i64>(), text in ".{0,30}", chat_type in "[a-z]{0,8}", ts in ".{0,12}",
        ) {
            let tg = telegram("http://unused", 0);
            let update = json!({"update_id": id, "message": {"message_id": 1, "chat": {"id": id, "type": chat_type},
                "date": id, "text": text}});
            let _ = tg.receive(&tg_post(&update.to_string()));
            let wa = whatsapp("http://unused", 0, None);
            let body = WA_BODY.replace("1700000000", &ts.replace(['"', '\\'], "")).replace("\"A\"", &serde_json::to_string(&text).expect("json"));
            let _ = wa.receive(&wa_post(&body));
        }
    }
}

#[test]
fn bot_settings_are_part_of_the_main_config_and_read_flags() {
    use clap::Parser;
    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        config: gradtrace::config::Config,
    }
    let cli = Cli::try_parse_from([
        "gradtrace",
        "--wechat-token",
        "tok",
        "--wechat-app-id",
        WX_APP_ID,
        "--wechat-aes-key",
        WX_AES_KEY,
        "--telegram-secret-token",
        "sec",
        "--wechat-max-skew-secs",
        "60",
    ])
    .expect("the bot settings are part of the one Config");
    let bot = cli.config.bot;
    assert!(bot.wechat_enabled() && bot.telegram_enabled() && !bot.whatsapp_enabled());
    assert_eq!(bot.wechat_max_skew_secs, 60);
    assert_eq!(bot.wechat_api_base, "https://api.weixin.qq.com");
    assert_eq!(bot.telegram_api_base, "https://api.telegram.org");
    assert!(
        bot.whatsapp_api_base
            .starts_with("https://graph.facebook.com/v")
    );
    assert_eq!(bot.wechat_token_endpoint, "token");
    // The adapters accept these settings; a bad key or endpoint is a configuration error.
    assert!(WeChat::new(&bot, clock_at(0), client()).is_ok_and(|w| w.safe_mode()));
    let bad = BotConfig {
        wechat_token_endpoint: "other".into(),
        ..bot.clone()
    };
    assert!(matches!(
        WeChat::new(&bad, clock_at(0), client()),
        Err(BotError::NotConfigured(_))
    ));
    let no_app = BotConfig {
        wechat_app_id: None,
        ..bot.clone()
    };
    assert!(matches!(
        WeChat::new(&no_app, clock_at(0), client()),
        Err(BotError::NotConfigured(_))
    ));
    assert!(matches!(
        WhatsApp::new(&bot, clock_at(0), client()),
        Err(BotError::NotConfigured("WHATSAPP_APP_SECRET"))
    ));
}

#[tokio::test]
async fn wechat_stable_token_is_force_refreshed_after_an_invalid_token() {
    let api = wechat_api(&["T1"], 40001).await;
    let cfg = BotConfig {
        wechat_token_endpoint: "stable_token".into(),
        ..wechat_config(&api.base)
    };
    wechat(&cfg, 1700000000)
        .send("oA", &OutboundMessage::text("hello"))
        .await
        .expect("sent after refresh");
    let fetches = api.to("/cgi-bin/stable_token");
    assert_eq!(fetches.len(), 2);
    assert_eq!(fetches[0].body["force_refresh"], json!(false));
    assert_eq!(fetches[1].body["force_refresh"], json!(true));
    assert!(api.to("/cgi-bin/token").is_empty());
}

// ---------------------------------------------------------------------------------------------
// Region replies, against the real regions.toml (34 provinces, 333 prefecture-level divisions)

fn real_catalog() -> gradtrace::survey::Catalog {
    gradtrace::survey::Catalog::load(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("surveys"),
    )
    .expect("surveys/ loads")
}

#[test]
fn every_city_is_found_by_its_names() {
    use gradtrace::bot::region::{RegionIndex, RegionReply, parse_region};
    use gradtrace::survey::Answer;
    let catalog = real_catalog();
    let index = RegionIndex::new(catalog.regions());
    let regions = catalog.regions();
    let mut checked = 0;
    let mut wrong = Vec::new();
    for p in &regions.provinces {
        for c in &p.cities {
            let short = c.zh.trim_end_matches('市').to_string();
            for typed in [
                c.zh.clone(),
                c.en.clone(),
                format!("{}{}", p.zh, c.zh),
                format!("{}, {}", c.en, p.en),
                short,
            ] {
                checked += 1;
                let got = parse_region(&typed, &index);
                // Counties the province administers directly are county level by themselves.
                let is_county = c.zh.ends_with('县');
                let ok = matches!(&got, Ok(RegionReply::Answer(Answer::Region { province, city: Some(city), county }))
                    if *province == p.code && *city == c.code && *county == is_county);
                // "吉林" alone is the province as much as the city: the city list follows.
                let jilin = typed == "吉林"
                    && got
                        == Ok(RegionReply::Province {
                            province: "22".into(),
                            county: false,
                        });
                if !ok && !jilin {
                    wrong.push(format!("{typed}: {got:?}"));
                }
            }
        }
    }
    assert!(checked > 1600, "{checked}");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn region_reply_table() {
    use gradtrace::bot::region::{RegionIndex, RegionReply, parse_region};
    use gradtrace::survey::Answer;
    let catalog = real_catalog();
    let regions = &RegionIndex::new(catalog.regions());
    let full = |p: &str, c: Option<&str>, county: bool| {
        Ok(RegionReply::Answer(Answer::Region {
            province: p.into(),
            city: c.map(str::to_string),
            county,
        }))
    };
    let province = |p: &str| {
        Ok(RegionReply::Province {
            province: p.into(),
            county: false,
        })
    };
    let cases = [
        ("深圳", full("44", Some("4403"), false)),
        ("广东深圳", full("44", Some("4403"), false)),
        ("广东省深圳市南山区", full("44", Some("4403"), false)),
        ("我在深圳工作", full("44", Some("4403"), false)),
        ("shenzhen, guangdong", full("44", Some("4403"), false)),
        ("ＳＨＥＮＺＨＥＮ", full("44", Some("4403"), false)),
        ("北京", full("11", Some("1101"), false)),
        ("北京朝阳", full("11", Some("1101"), false)),
        ("上海市", full("31", Some("3101"), false)),
        ("吉林", province("22")),
        ("吉林市", full("22", Some("2202"), false)),
        ("吉林省长春市", full("22", Some("2201"), false)),
        ("广东", province("44")),
        ("Guangdong", province("44")),
        ("海南", province("46")),
        ("青海海南藏族自治州", full("63", Some("6325"), false)),
        ("梅州五华县", full("44", Some("4414"), true)),
        ("广东 梅州 县城", full("44", Some("4414"), true)),
        ("镇江", full("32", Some("3211"), false)),
        ("延边", full("22", Some("2224"), false)),
        ("Xi'an", full("61", Some("6101"), false)),
        ("Xianyang", full("61", Some("6104"), false)),
        ("国外", full("99", None, false)),
        ("abroad", full("99", None, false)),
        ("在国外工作", full("99", None, false)),
        ("上海的外国公司", full("31", Some("3101"), false)),
        (
            "广东的县城",
            Ok(RegionReply::Province {
                province: "44".into(),
                county: true,
            }),
        ),
    ];
    for (typed, want) in cases {
        assert_eq!(parse_region(typed, regions), want, "{typed:?}");
    }
    let hk = parse_region("香港", regions);
    assert!(
        matches!(
            &hk,
            Ok(RegionReply::Answer(Answer::Region { city: None, .. }))
        ),
        "{hk:?}"
    );
    assert_eq!(parse_region("火星", regions), Err(Reason::NoPlace));
    assert_eq!(parse_region("在县城工作", regions), Err(Reason::NoPlace));
    assert_eq!(parse_region("", regions), Err(Reason::Empty));
    match parse_region("苏州还是无锡", regions) {
        Err(Reason::AmbiguousPlace(codes)) => assert_eq!(codes.len(), 2, "{codes:?}"),
        other => panic!("two cities: {other:?}"),
    }
    // Through `interpret`: a province only is not yet an answer.
    let reply = interpret("广东", Some(Expect::Region(regions)));
    let Interpretation::Answer(reply) = reply else {
        panic!("{reply:?}")
    };
    assert!(reply.into_answer().is_none());
}

#[test]
fn parser_other_option_with_its_text() {
    let opts = vec![
        LabelledOption::new("government", &["党政机关", "Government organ"]),
        LabelledOption::new("state_owned", &["国有企业", "State-owned enterprise"]),
        LabelledOption::new("private", &["民营企业", "Private enterprise"]),
        LabelledOption::new("other", &["其他", "Other"]).as_other(),
    ];
    let other = |text: &str| {
        Ok(Reply::Choice {
            choice: "other".into(),
            other: Some(text.into()),
        })
    };
    let one = |s: &str| parse_reply(s, Expect::Single(&opts));
    assert_eq!(one("其他"), Ok(Reply::choice("other")));
    assert_eq!(one("其他：律师事务所"), other("律师事务所"));
    assert_eq!(one("其他（律所）"), other("律所"));
    assert_eq!(one("其他 律所"), other("律所"));
    assert_eq!(one("4 律所"), other("律所"));
    assert_eq!(one("4：律所"), other("律所"));
    assert_eq!(one("Other: Law Firm"), other("Law Firm"));
    assert_eq!(one("OTHER - NGO"), other("NGO"));
    assert_eq!(one("4 2"), Err(Reason::OnlyOne));
    assert_eq!(one("2"), Ok(Reply::choice("state_owned")));
    // Without the mark no option takes free text.
    let plain: Vec<LabelledOption> = opts
        .iter()
        .map(|o| LabelledOption {
            other: false,
            ..o.clone()
        })
        .collect();
    assert_ne!(
        parse_reply("其他：律师事务所", Expect::Single(&plain)),
        other("律师事务所")
    );

    let many = |s: &str| parse_reply(s, Expect::Multiple(&opts));
    let picks = |ids: &[&str], text: Option<&str>| {
        Ok(Reply::Choices {
            choices: ids.iter().map(|s| s.to_string()).collect(),
            other: text.map(str::to_string),
        })
    };
    assert_eq!(
        many("1、其他：律所"),
        picks(&["government", "other"], Some("律所"))
    );
    assert_eq!(many("其他：律所"), picks(&["other"], Some("律所")));
    assert_eq!(
        many("1 其他 律所"),
        picks(&["government", "other"], Some("律所"))
    );
    assert_eq!(many("1,3"), picks(&["government", "private"], None));
    assert_eq!(many("1、其他"), picks(&["government", "other"], None));
    let stored = serde_json::to_value(
        many("2、Other: 社会组织")
            .expect("ok")
            .into_answer()
            .expect("answer"),
    )
    .expect("json");
    assert_eq!(
        stored,
        json!({"choices": ["state_owned", "other"], "other": "社会组织"})
    );
}
