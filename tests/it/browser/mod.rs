//! A small headless-Chromium harness for end-to-end tests, driven over WebDriver: Debian's
//! `chromium` with its `chromedriver` (package `chromium-driver`), both installed by `.ci/run`.
//!
//! `Browser::launch(PHONE)` starts a phone-sized browser (touch, device metrics); `goto`, `tap`
//! (a real touch tap on an element's centre), `type_into`, `choose`, `text`, `screenshot` (whole
//! page, to `target/screenshots/NAME.png`) and `set_viewport` (e.g. to 360 px wide) are what tests
//! need. `TestApp::serve` puts the app on a local port through the same code as `gradtrace serve`.
//! A missing browser is a test failure with a clear message, never a skip.
pub mod dashboard;
pub mod form;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, PointerAction, TouchActions};
use fantoccini::elements::Element;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use crate::app::TestApp;

/// A CSS viewport in pixels.
#[derive(Debug, Clone, Copy)]
pub struct Viewport {
    pub width: u32,
    pub height: u32,
}

/// A mainstream phone (390 × 844 CSS pixels).
pub const PHONE: Viewport = Viewport {
    width: 390,
    height: 844,
};
/// The narrowest phone the form must fit (360 px wide).
pub const NARROW_PHONE: Viewport = Viewport {
    width: 360,
    height: 740,
};

/// How long to wait for a page or an element before failing.
const WAIT: Duration = Duration::from_secs(15);
const PHONE_UA: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 \
    (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36";

fn chromium_path() -> PathBuf {
    std::env::var_os("GRADTRACE_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

fn chromedriver_path() -> PathBuf {
    std::env::var_os("GRADTRACE_CHROMEDRIVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromedriver"))
}

/// Where screenshots go: `<target dir>/screenshots/`.
pub fn screenshot_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).join("screenshots")
}

impl TestApp {
    /// Serves the app on a free local port, through the same code as `gradtrace serve`;
    /// returns its base URL (`http://127.0.0.1:PORT`). The server lives as long as the test.
    pub async fn serve(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a local port");
        let addr = listener.local_addr().expect("local address");
        tokio::spawn(gradtrace::app::serve_on(listener, self.state.clone()));
        format!("http://{addr}")
    }
}

/// A Chrome DevTools command sent through chromedriver (`goog/cdp/execute`).
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (axum::http::Method::POST, Some(body.to_string()))
    }
}

/// A headless Chromium at a phone viewport. Dropping it ends chromedriver and the browser.
pub struct Browser {
    client: Client,
    driver: Child,
    viewport: Viewport,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium emulating a phone at `viewport`
    /// (touch, device pixel ratio 2, `Accept-Language: zh-CN`).
    pub async fn launch(viewport: Viewport) -> Browser {
        Self::launch_with(viewport, "zh-CN").await
    }

    /// As `launch`, with the browser's language list (e.g. `"en-US,en"`).
    pub async fn launch_with(viewport: Viewport, languages: &str) -> Browser {
        let chromium = chromium_path();
        let chromedriver = chromedriver_path();
        for (what, path, package) in [
            ("Chromium", &chromium, "chromium"),
            ("chromedriver", &chromedriver, "chromium-driver"),
        ] {
            assert!(
                path.exists(),
                "browser tests need {what} at {} — install Debian's `{package}` package \
                 (`apt-get install chromium chromium-driver`; .ci/run does) or point \
                 GRADTRACE_CHROMIUM / GRADTRACE_CHROMEDRIVER at it",
                path.display()
            );
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut command = Command::new(&chromedriver);
        command
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // Its own process group, so that dropping the browser ends Chromium with it.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let driver = command.spawn().unwrap_or_else(|e| {
            panic!("cannot start {}: {e}", chromedriver.display());
        });

        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--hide-scrollbars", "--no-first-run", "--disable-extensions",
                    format!("--lang={}", languages.split(',').next().unwrap_or("zh-CN")),
                ],
                "prefs": { "intl.accept_languages": languages },
                "mobileEmulation": {
                    "deviceMetrics": {
                        "width": viewport.width, "height": viewport.height,
                        "pixelRatio": 2.0, "touch": true, "mobile": true
                    },
                    "userAgent": PHONE_UA
                }
            }),
        );
        let url = format!("http://127.0.0.1:{port}/");
        let start = Instant::now();
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(c) => break c,
                Err(e) if start.elapsed() < Duration::from_secs(20) => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("chromedriver did not start a Chromium session: {e}"),
            }
        };
        Browser {
            client,
            driver,
            viewport,
        }
    }

    /// The underlying WebDriver client, for anything the harness does not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Opens a URL and waits for the page to load.
    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
        self.wait_loaded().await;
    }

    /// The page's current path (and query).
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("current url");
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        }
    }

    /// Runs JavaScript (`arguments[i]` are `args`) and returns its result.
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Sends a Chrome DevTools Protocol command.
    pub async fn cdp(&self, cmd: &'static str, params: Value) -> Value {
        self.client
            .issue_cmd(Cdp { cmd, params })
            .await
            .unwrap_or_else(|e| panic!("CDP {cmd}: {e}"))
    }

    /// Changes the emulated phone's viewport (the page re-lays out in place).
    pub async fn set_viewport(&mut self, viewport: Viewport) {
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": viewport.width, "height": viewport.height,
                   "deviceScaleFactor": 2, "mobile": true}),
        )
        .await;
        self.viewport = viewport;
    }

    /// The first element matching a CSS selector, waiting for it to appear.
    pub async fn find(&self, selector: &str) -> Element {
        let start = Instant::now();
        loop {
            match self.client.find(Locator::Css(selector)).await {
                Ok(e) => return e,
                Err(e) if e.to_string().contains("invalid selector") => {
                    panic!("invalid CSS selector {selector}: {e}")
                }
                Err(_) if start.elapsed() < WAIT => {
                    tokio::time::sleep(Duration::from_millis(50)).await
                }
                Err(e) => panic!("no element {selector} on {}: {e}", self.path().await),
            }
        }
    }

    /// Whether an element matching the selector exists and is displayed.
    pub async fn is_visible(&self, selector: &str) -> bool {
        match self.client.find(Locator::Css(selector)).await {
            Ok(e) => e.is_displayed().await.unwrap_or(false),
            Err(_) => false,
        }
    }

    /// The visible text of the first element matching the selector.
    pub async fn text(&self, selector: &str) -> String {
        self.find(selector)
            .await
            .text()
            .await
            .unwrap_or_else(|e| panic!("text of {selector}: {e}"))
    }

    /// Taps an element with a finger: scrolls it to the middle of the screen, checks that
    /// nothing covers its centre, then touches down and up there.
    pub async fn tap(&self, selector: &str) {
        let el = self.find(selector).await;
        let covered = self
            .js(
                "const el = arguments[0]; el.scrollIntoView({block: 'center'});
                 const r = el.getBoundingClientRect();
                 if (r.width === 0 || r.height === 0) return 'not displayed';
                 const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
                 if (!at || !(el === at || el.contains(at) || at.contains(el)
                     || (el.labels && [...el.labels].some(l => l.contains(at)))))
                   return 'covered by ' + (at ? at.outerHTML.slice(0, 120) : 'nothing');
                 return null;",
                vec![json!(el)],
            )
            .await;
        if let Some(why) = covered.as_str() {
            panic!("cannot tap {selector} on {}: {why}", self.path().await);
        }
        let finger = TouchActions::new("finger".into())
            .then(PointerAction::MoveToElement {
                element: el,
                duration: None,
                x: 0.0,
                y: 0.0,
            })
            .then(PointerAction::Down { button: 0 })
            .then(PointerAction::Up { button: 0 });
        self.client
            .perform_actions(finger)
            .await
            .unwrap_or_else(|e| panic!("tap {selector}: {e}"));
        self.client.release_actions().await.ok();
    }

    /// Taps something that loads a new page (a submit button, a link) and waits for it.
    pub async fn tap_and_wait(&self, selector: &str) {
        self.js("window.__harnessOldPage = true;", vec![]).await;
        self.tap(selector).await;
        let start = Instant::now();
        loop {
            let fresh = self
                .client
                .execute(
                    "return window.__harnessOldPage === undefined \
                     && document.readyState === 'complete';",
                    vec![],
                )
                .await
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            if fresh {
                return;
            }
            assert!(
                start.elapsed() < WAIT,
                "tapping {selector} did not load a new page"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Taps a text field and types into it (after clearing what was there).
    pub async fn type_into(&self, selector: &str, text: &str) {
        self.tap(selector).await;
        let el = self.find(selector).await;
        el.clear()
            .await
            .unwrap_or_else(|e| panic!("clear {selector}: {e}"));
        el.send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {selector}: {e}"));
    }

    /// Picks an option of a `<select>` by value (as the phone's picker would).
    pub async fn choose(&self, selector: &str, value: &str) {
        let el = self.find(selector).await;
        self.js(
            "arguments[0].scrollIntoView({block: 'center'});",
            vec![json!(el)],
        )
        .await;
        el.select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("choose {value} in {selector}: {e}"));
    }

    /// Whether the page is wider than the viewport (the reader would have to scroll sideways).
    pub async fn horizontal_overflow(&self) -> Option<String> {
        let v = self
            .js(
                "const w = document.documentElement.clientWidth;
                 const sw = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
                 if (sw <= w) return null;
                 const wide = [...document.querySelectorAll('body *')]
                   .filter(e => e.getBoundingClientRect().right > w + 0.5)
                   .slice(0, 3).map(e => e.outerHTML.slice(0, 100));
                 return 'page is ' + sw + ' px wide in a ' + w + ' px viewport: ' + wide.join(' | ');",
                vec![],
            )
            .await;
        v.as_str().map(str::to_string)
    }

    /// Tap targets smaller than 44 × 44 CSS px among the visible controls (buttons, fields,
    /// option rows, language links, disclosure summaries). Returns a description of each.
    pub async fn small_tap_targets(&self) -> Vec<String> {
        let v = self
            .js(
                "const sel = 'button, select, textarea, summary, .lang a, a.button, label.opt, \
                   input:not([type=hidden]):not([type=radio]):not([type=checkbox])';
                 return [...document.querySelectorAll(sel)].filter(e => {
                   if (e.closest('label.opt') && e.tagName === 'INPUT') return false;
                   const r = e.getBoundingClientRect();
                   return r.width > 0 && r.height > 0 && (r.height < 44 || r.width < 44);
                 }).map(e => { const r = e.getBoundingClientRect();
                   return Math.round(r.width) + 'x' + Math.round(r.height) + ' ' + e.outerHTML.slice(0, 100); });",
                vec![],
            )
            .await;
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Visible form controls that assistive technology could not name (no label, no
    /// `aria-label`), and radio buttons or checkboxes outside a fieldset with a legend.
    pub async fn unlabelled_controls(&self) -> Vec<String> {
        let v = self
            .js(
                "return [...document.querySelectorAll('input, select, textarea')].filter(e => {
                   if (e.type === 'hidden' || e.type === 'submit' || e.closest('[hidden]')) return false;
                   const named = (e.labels && e.labels.length > 0) || e.getAttribute('aria-label')
                     || e.getAttribute('aria-labelledby');
                   const grouped = !(e.type === 'radio' || e.type === 'checkbox')
                     || (e.closest('fieldset') && e.closest('fieldset').querySelector('legend'));
                   return !named || !grouped;
                 }).map(e => e.outerHTML.slice(0, 100));",
                vec![],
            )
            .await;
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Saves a screenshot of the whole page to `target/screenshots/NAME.png`; returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let metrics = self.cdp("Page.getLayoutMetrics", json!({})).await;
        let size = &metrics["cssContentSize"];
        let width = size["width"]
            .as_f64()
            .unwrap_or(f64::from(self.viewport.width));
        let height = size["height"]
            .as_f64()
            .unwrap_or(f64::from(self.viewport.height))
            .max(f64::from(self.viewport.height));
        let shot = self
            .cdp(
                "Page.captureScreenshot",
                json!({"format": "png", "captureBeyondViewport": true,
                       "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}}),
            )
            .await;
        let data = shot["data"].as_str().expect("screenshot data");
        use base64::Engine;
        let png = base64::engine::general_purpose::STANDARD
            .decode(data)
            .expect("screenshot is base64");
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("screenshot folder");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write screenshot");
        path
    }

    async fn wait_loaded(&self) {
        let start = Instant::now();
        while self
            .client
            .execute("return document.readyState;", vec![])
            .await
            .ok()
            .as_ref()
            .and_then(Value::as_str)
            != Some("complete")
        {
            assert!(start.elapsed() < WAIT, "page did not finish loading");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Ends the WebDriver session politely (Chromium exits), then chromedriver.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // The whole process group: chromedriver and the Chromium it started.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.driver.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.driver.wait();
    }
}
