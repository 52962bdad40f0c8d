//! Test doubles on loopback: an SMTP server that records what it is sent (and can refuse
//! service or stall), and an HTTP API that records requests (SMS gateway, WeChat API).
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// How the SMTP server behaves towards new connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Accept = 0,
    /// Answers the greeting with 421 and hangs up (server down for maintenance).
    Down = 1,
    /// Accepts the connection and never says a word (a hung server).
    Stall = 2,
}

/// One message received.
#[derive(Clone, Debug)]
pub struct Mail {
    pub to: Vec<String>,
    pub raw: String,
}

impl Mail {
    /// A top-level header's value (unfolded; RFC 2047 words decoded).
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.raw.split("\r\n\r\n").next()?;
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        unfolded.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| decode_words(v.trim()))
        })
    }

    /// The decoded body of the part of this content type (`text/plain`, `text/html`).
    pub fn part(&self, content_type: &str) -> Option<String> {
        for chunk in self.raw.split("\r\n--") {
            let Some((head, body)) = chunk.split_once("\r\n\r\n") else {
                continue;
            };
            let head_l = head.to_ascii_lowercase();
            if !head_l.contains(&format!("content-type: {content_type}")) {
                continue;
            }
            let body = body.trim_end_matches("\r\n");
            return Some(if head_l.contains("content-transfer-encoding: base64") {
                let compact: String = body.split_whitespace().collect();
                String::from_utf8_lossy(
                    &base64::engine::general_purpose::STANDARD
                        .decode(compact)
                        .unwrap_or_default(),
                )
                .into_owned()
            } else if head_l.contains("content-transfer-encoding: quoted-printable") {
                quoted_printable(body)
            } else {
                body.to_string()
            });
        }
        None
    }
}

fn quoted_printable(s: &str) -> String {
    let s = s.replace("=\r\n", "");
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Decodes `=?utf-8?b?…?=` and `=?utf-8?q?…?=` words.
fn decode_words(v: &str) -> String {
    let mut out = String::new();
    for word in v.split(' ') {
        let lower = word.to_ascii_lowercase();
        if lower.starts_with("=?utf-8?b?") && word.ends_with("?=") {
            let b = &word[10..word.len() - 2];
            out.push_str(&String::from_utf8_lossy(
                &base64::engine::general_purpose::STANDARD
                    .decode(b)
                    .unwrap_or_default(),
            ));
        } else if lower.starts_with("=?utf-8?q?") && word.ends_with("?=") {
            out.push_str(&quoted_printable(
                &word[10..word.len() - 2].replace('_', " "),
            ));
        } else {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    out
}

/// An SMTP server on 127.0.0.1, port 0.
#[derive(Clone)]
pub struct SmtpSink {
    pub addr: SocketAddr,
    mails: Arc<Mutex<Vec<Mail>>>,
    mode: Arc<AtomicU8>,
}

impl SmtpSink {
    pub async fn start(mode: Mode) -> SmtpSink {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind smtp");
        let sink = SmtpSink {
            addr: listener.local_addr().expect("addr"),
            mails: Arc::default(),
            mode: Arc::new(AtomicU8::new(mode as u8)),
        };
        let s = sink.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let s = s.clone();
                tokio::spawn(async move {
                    let _ = s.session(socket).await;
                });
            }
        });
        sink
    }

    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    pub fn set_mode(&self, mode: Mode) {
        self.mode.store(mode as u8, Ordering::SeqCst);
    }

    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().expect("mails").clone()
    }

    /// The mails sent to `address`.
    pub fn to(&self, address: &str) -> Vec<Mail> {
        self.mails()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t == address))
            .collect()
    }

    async fn session(&self, socket: tokio::net::TcpStream) -> std::io::Result<()> {
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read);
        match self.mode.load(Ordering::SeqCst) {
            1 => {
                write
                    .write_all(b"421 4.3.2 Service not available\r\n")
                    .await?;
                return Ok(());
            }
            2 => {
                // Hold the connection open without a word until the client gives up.
                let mut buf = String::new();
                let _ = lines.read_line(&mut buf).await;
                return Ok(());
            }
            _ => {}
        }
        write.write_all(b"220 sink ESMTP\r\n").await?;
        let mut to = Vec::new();
        loop {
            let mut line = String::new();
            if lines.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let cmd = line.trim_end().to_ascii_uppercase();
            if cmd.starts_with("EHLO") || cmd.starts_with("HELO") {
                write.write_all(b"250-sink\r\n250 PIPELINING\r\n").await?;
            } else if cmd.starts_with("MAIL FROM") {
                to.clear();
                write.write_all(b"250 2.1.0 OK\r\n").await?;
            } else if cmd.starts_with("RCPT TO") {
                let addr = line
                    .split_once('<')
                    .and_then(|(_, r)| r.split_once('>'))
                    .map(|(a, _)| a.to_string())
                    .unwrap_or_default();
                to.push(addr);
                write.write_all(b"250 2.1.5 OK\r\n").await?;
            } else if cmd == "DATA" {
                write.write_all(b"354 go ahead\r\n").await?;
                let mut raw = String::new();
                loop {
                    let mut l = String::new();
                    if lines.read_line(&mut l).await? == 0 {
                        return Ok(());
                    }
                    if l == ".\r\n" {
                        break;
                    }
                    raw.push_str(l.strip_prefix('.').unwrap_or(&l));
                }
                let n = {
                    let mut mails = self.mails.lock().expect("mails");
                    mails.push(Mail {
                        to: std::mem::take(&mut to),
                        raw,
                    });
                    mails.len()
                };
                write
                    .write_all(format!("250 2.0.0 queued as M{n}\r\n").as_bytes())
                    .await?;
            } else if cmd == "QUIT" {
                write.write_all(b"221 bye\r\n").await?;
                return Ok(());
            } else {
                write.write_all(b"250 OK\r\n").await?;
            }
        }
    }
}

/// One request an HTTP API double received.
#[derive(Clone, Debug)]
pub struct Request {
    pub path: String,
    pub query: String,
    pub body: Value,
}

/// An HTTP API on 127.0.0.1 that records requests and answers 200 JSON (or `status`).
#[derive(Clone)]
pub struct HttpApi {
    pub base: String,
    log: Arc<Mutex<Vec<Request>>>,
}

impl HttpApi {
    pub async fn start() -> HttpApi {
        let log: Arc<Mutex<Vec<Request>>> = Arc::default();
        let l = log.clone();
        let app =
            axum::Router::new().fallback(move |uri: axum::http::Uri, body: axum::body::Bytes| {
                let l = l.clone();
                async move {
                    let path = uri.path().to_string();
                    l.lock().expect("log").push(Request {
                        path: path.clone(),
                        query: uri.query().unwrap_or("").to_string(),
                        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
                    });
                    let answer = if path.ends_with("/token") {
                        json!({"access_token": "AT", "expires_in": 7200})
                    } else if path.contains("/cgi-bin/") {
                        json!({"errcode": 0, "errmsg": "ok"})
                    } else {
                        json!({"code": "OK", "biz_id": "B1"})
                    };
                    axum::Json(answer)
                }
            });
        HttpApi {
            base: crate::serve::serve_router(app).await,
            log,
        }
    }

    pub fn requests(&self, path_part: &str) -> Vec<Request> {
        self.log
            .lock()
            .expect("log")
            .iter()
            .filter(|r| r.path.contains(path_part))
            .cloned()
            .collect()
    }
}
