//! Load test of the WeChat webhook in safe mode: signed, encrypted text messages from many
//! distinct users at a fixed concurrency; reports messages/s and reply latency p50/p99, and
//! checks every reply (status, MsgSignature, decryption, addressee).
//!
//! Without `--url`, it serves the WeChat adapter itself on 127.0.0.1:0 (verify, decrypt,
//! parse, then an encrypted passive reply carrying a question with choices): the cost of the
//! platform layer alone. With `--url http://127.0.0.1:8080/webhooks/wechat` it drives a running
//! server instead, with the secrets from WECHAT_TOKEN, WECHAT_AES_KEY and WECHAT_APP_ID.
//!
//! cargo bench --bench wechat_webhook -- [--messages N] [--concurrency C] [--url URL]
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::IntoResponse;
use gradtrace::bot::adapters::wechat::{self, AesKey};
use gradtrace::bot::{BotConfig, Channel, Choice, InboundRequest, OutboundMessage};
use gradtrace::clock::SystemClock;

#[path = "../tests/it/serve.rs"]
mod serve;
#[path = "support/timing.rs"]
mod timing;
use timing::percentile;

const TOKEN: &str = "bench-token";
const AES_KEY: &str = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR";
const APP_ID: &str = "wx49f0ab532d5d035a";

struct Options {
    messages: usize,
    concurrency: usize,
    url: Option<String>,
}

fn options() -> Options {
    let mut o = Options {
        messages: 20_000,
        concurrency: 64,
        url: None,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).cloned();
        match (args[i].as_str(), value) {
            ("--messages", Some(v)) => {
                o.messages = v.parse().unwrap_or(o.messages);
                i += 1;
            }
            ("--concurrency", Some(v)) => {
                o.concurrency = v.parse().unwrap_or(o.concurrency);
                i += 1;
            }
            ("--url", Some(v)) => {
                o.url = Some(v);
                i += 1;
            }
            // `cargo bench` passes `--bench`; ignore what we do not know.
            _ => {}
        }
        i += 1;
    }
    // Bounded, whatever was asked: at most 200k messages.
    o.messages = o.messages.clamp(1, 200_000);
    o.concurrency = o.concurrency.clamp(1, 1024);
    o
}

/// The question every reply carries: about the size of a real one.
fn question() -> OutboundMessage {
    OutboundMessage::with_choices(
        "Q1/12 您目前的毕业去向是？（回复数字即可）",
        vec![
            Choice::new("employed", "已就业"),
            Choice::new("flexible", "灵活就业"),
            Choice::new("self_employed", "自主创业"),
            Choice::new("further_study", "国内升学"),
            Choice::new("study_abroad", "出国（境）留学"),
            Choice::new("slow_employment", "慢就业"),
            Choice::new("unemployed", "待就业"),
        ],
    )
}

/// Serves the adapter alone on a loopback port.
async fn serve_adapter(cfg: BotConfig) -> String {
    let wx = Arc::new(
        wechat::WeChat::new(&cfg, Arc::new(SystemClock), reqwest::Client::new()).expect("adapter"),
    );
    let q = Arc::new(question());
    let app = axum::Router::new().route(
        "/webhooks/wechat",
        axum::routing::any(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let wx = wx.clone();
                let q = q.clone();
                async move {
                    let req = InboundRequest::new(method.clone(), uri.query(), headers, body);
                    let reply = if method == Method::GET {
                        wx.handshake(&req)
                    } else {
                        wx.receive(&req).map(|events| {
                            events
                                .first()
                                .and_then(|e| wx.passive_reply(e, &q))
                                .unwrap_or_else(|| wx.ack())
                        })
                    };
                    match reply {
                        Ok(r) => r.into_response(),
                        Err(e) => gradtrace::bot::HttpReply::error(&e).into_response(),
                    }
                }
            },
        ),
    );
    format!("{}/webhooks/wechat", serve::serve_router(app).await)
}

struct Prepared {
    user: String,
    query: String,
    body: String,
}

fn prepare(n: usize, token: &str, key: &AesKey, app_id: &str) -> Vec<Prepared> {
    let ts = chrono::Utc::now().timestamp().to_string();
    (0..n)
        .map(|i| {
            let user = format!("oBENCH{i:022}");
            let xml = format!(
                "<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName><CreateTime>{ts}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{}]]></Content><MsgId>{}</MsgId></xml>",
                1 + i % 7,
                7_000_000_000_000_000u64 + i as u64
            );
            let encrypt = key.encrypt(xml.as_bytes(), app_id, rand::random());
            let nonce = format!("{}", 100_000_000 + i);
            let sig = wechat::signature(&[token, &ts, &nonce]);
            let msg_sig = wechat::signature(&[token, &ts, &nonce, &encrypt]);
            let query = format!(
                "signature={sig}&timestamp={ts}&nonce={nonce}&openid={user}&encrypt_type=aes&msg_signature={msg_sig}"
            );
            let body = format!(
                "<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
            );
            Prepared { user, query, body }
        })
        .collect()
}

fn field<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let start = xml.find(&format!("<{name}>"))? + name.len() + 2;
    let end = xml[start..].find(&format!("</{name}>"))? + start;
    Some(
        xml[start..end]
            .trim_start_matches("<![CDATA[")
            .trim_end_matches("]]>"),
    )
}

/// Whether a reply is a correctly signed, encrypted passive reply to `user`.
fn reply_ok(body: &str, user: &str, token: &str, key: &AesKey, app_id: &str) -> bool {
    let (Some(enc), Some(sig), Some(ts), Some(nonce)) = (
        field(body, "Encrypt"),
        field(body, "MsgSignature"),
        field(body, "TimeStamp"),
        field(body, "Nonce"),
    ) else {
        return false;
    };
    if wechat::signature(&[token, ts, nonce, enc]) != sig {
        return false;
    }
    match key.decrypt(enc, app_id) {
        Ok(d) => String::from_utf8(d.msg)
            .map(|xml| field(&xml, "ToUserName") == Some(user))
            .unwrap_or(false),
        Err(_) => false,
    }
}

fn main() {
    let opts = options();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(run(opts));
}

async fn run(opts: Options) {
    let (url, token, aes, app_id) = match &opts.url {
        Some(u) => (
            u.clone(),
            std::env::var("WECHAT_TOKEN").expect("WECHAT_TOKEN for --url"),
            std::env::var("WECHAT_AES_KEY").expect("WECHAT_AES_KEY for --url"),
            std::env::var("WECHAT_APP_ID").expect("WECHAT_APP_ID for --url"),
        ),
        None => {
            let cfg = BotConfig {
                wechat_token: Some(TOKEN.into()),
                wechat_app_id: Some(APP_ID.into()),
                wechat_aes_key: Some(AES_KEY.into()),
                ..BotConfig::default()
            };
            (
                serve_adapter(cfg).await,
                TOKEN.to_string(),
                AES_KEY.to_string(),
                APP_ID.to_string(),
            )
        }
    };
    let key = AesKey::from_encoding_key(&aes).expect("WECHAT_AES_KEY");
    let prepared = Arc::new(prepare(opts.messages, &token, &key, &app_id));
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(opts.concurrency)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");

    // Warm-up: open the connections.
    for p in prepared.iter().take(opts.concurrency.min(opts.messages)) {
        let _ = client
            .post(format!("{url}?{}", p.query))
            .body(p.body.clone())
            .send()
            .await;
    }

    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..opts.concurrency {
        let (client, prepared, next, url) =
            (client.clone(), prepared.clone(), next.clone(), url.clone());
        let (token, key, app_id) = (token.clone(), key.clone(), app_id.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = 0usize;
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(p) = prepared.get(i) else { break };
                let t0 = Instant::now();
                let resp = client
                    .post(format!("{url}?{}", p.query))
                    .header("content-type", "text/xml")
                    .body(p.body.clone())
                    .send()
                    .await;
                let ok = match resp {
                    Ok(r) if r.status().is_success() => match r.text().await {
                        Ok(body) => {
                            latencies.push(t0.elapsed());
                            reply_ok(&body, &p.user, &token, &key, &app_id)
                        }
                        Err(_) => false,
                    },
                    _ => false,
                };
                if !ok {
                    failures += 1;
                }
            }
            (latencies, failures)
        }));
    }
    let mut latencies = Vec::with_capacity(opts.messages);
    let mut failures = 0;
    for w in workers {
        let (l, f) = w.await.expect("worker");
        latencies.extend(l);
        failures += f;
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    println!(
        "wechat webhook (safe mode, {} users, concurrency {}): {:.0} messages/s, reply latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms, {} failed, {:.2} s total",
        opts.messages,
        opts.concurrency,
        opts.messages as f64 / elapsed.as_secs_f64(),
        percentile(&latencies, 0.50).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
        failures,
        elapsed.as_secs_f64()
    );
    if failures > 0 {
        std::process::exit(1);
    }
}
