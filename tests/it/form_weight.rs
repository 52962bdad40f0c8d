//! Every page of the web form — notice, each kind of question page, a page with errors, the
//! thank-you page, the declined page and the error pages — weighs under 30 KB as a phone fetches
//! it (HTML + stylesheet + script, compressed), and is accessible as markup: every control has a
//! label, every radio and checkbox group is a fieldset with a legend.
use axum::http::{StatusCode, header};

use crate::app::{Client, Page, TestApp};
use crate::common::TestDb;
use crate::web::employed_plan;

/// What a page may weigh, transferred (issue #4).
const BUDGET: usize = 30 * 1024;
/// What phones send.
const PHONE_ENCODING: &str = "gzip, deflate, br";

/// The value of an attribute in a start tag (`<input type="radio" …>`).
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = tag[start..].find('"')?;
    Some(&tag[start..start + end])
}

/// Accessibility problems in a page's markup: controls without a label (a `<label for>`, a
/// wrapping `<label>` or `aria-label`), radio buttons and checkboxes outside a fieldset with a
/// legend, a fieldset without a legend, a page without a language or title.
fn accessibility_problems(html: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let labelled: Vec<&str> = html
        .match_indices("<label")
        .filter_map(|(i, _)| {
            let tag = &html[i..i + html[i..].find('>').unwrap_or(0)];
            attr(tag, "for")
        })
        .collect();
    if !html.contains("<html lang=\"") {
        problems.push("no <html lang>".into());
    }
    if html.contains("<title></title>") {
        problems.push("empty <title>".into());
    }
    // Open fieldsets (has a legend?) and wrapping labels, as the tags come.
    let mut fieldsets: Vec<bool> = Vec::new();
    let mut labels = 0usize;
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        let after = &rest[open..];
        let end = after.find('>').map_or(after.len(), |e| e + 1);
        let tag = &after[..end];
        let name: String = tag[1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '/')
            .collect();
        match name.as_str() {
            "fieldset" => fieldsets.push(false),
            "/fieldset" => {
                if fieldsets.pop() == Some(false) {
                    problems.push("a fieldset without a legend".into());
                }
            }
            "legend" => {
                if let Some(top) = fieldsets.last_mut() {
                    *top = true;
                }
            }
            "label" => labels += 1,
            "/label" => labels = labels.saturating_sub(1),
            "input" | "select" | "textarea" => {
                let kind = attr(tag, "type").unwrap_or("text");
                if !matches!(kind, "hidden" | "submit" | "button") {
                    let has_label = labels > 0
                        || attr(tag, "id").is_some_and(|id| labelled.contains(&id))
                        || attr(tag, "aria-label").is_some_and(|l| !l.trim().is_empty())
                        || attr(tag, "aria-labelledby").is_some();
                    if !has_label {
                        problems.push(format!("no label: {tag}"));
                    }
                    if matches!(kind, "radio" | "checkbox") && fieldsets.last() != Some(&true) {
                        problems.push(format!("not in a fieldset with a legend: {tag}"));
                    }
                }
            }
            _ => {}
        }
        rest = &after[end..];
    }
    problems
}

/// The stylesheet and script a page loads.
fn assets(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in html.match_indices("<link rel=\"stylesheet\"") {
        let tag = &html[i..i + html[i..].find('>').unwrap_or(0)];
        out.extend(attr(tag, "href").map(str::to_string));
    }
    for (i, _) in html.match_indices("<script") {
        let tag = &html[i..i + html[i..].find('>').unwrap_or(0)];
        out.extend(attr(tag, "src").map(str::to_string));
    }
    out
}

/// Weighs a page: `plain` is the page as read (uncompressed), `compressed` the same response
/// fetched with the phone's Accept-Encoding. Checks the budget and the markup; returns the total.
async fn weigh(client: &mut Client, name: &str, plain: &Page, compressed: &Page) -> usize {
    let problems = accessibility_problems(&plain.body);
    assert!(problems.is_empty(), "{name}: {problems:#?}");
    let encoding = compressed
        .headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok());
    assert!(
        matches!(encoding, Some("br" | "gzip")),
        "{name}: sent uncompressed ({encoding:?})"
    );
    let mut total = compressed.transferred;
    let mut parts = vec![format!("html {}", compressed.transferred)];
    client.accept_encoding = Some(PHONE_ENCODING.into());
    for asset in assets(&plain.body) {
        let a = client.get(&asset).await;
        assert_eq!(a.status, StatusCode::OK, "{name}: {asset}");
        total += a.transferred;
        parts.push(format!("{asset} {}", a.transferred));
    }
    client.accept_encoding = None;
    println!("{name}: {total} bytes ({})", parts.join(", "));
    assert!(
        total < BUDGET,
        "{name} weighs {total} bytes compressed ({}), over {BUDGET}",
        parts.join(", ")
    );
    total
}

async fn weigh_get(client: &mut Client, name: &str, path: &str) -> Page {
    let plain = client.get(path).await;
    client.accept_encoding = Some(PHONE_ENCODING.into());
    let compressed = client.get(path).await;
    client.accept_encoding = None;
    assert_eq!(plain.status, compressed.status, "{name}");
    weigh(client, name, &plain, &compressed).await;
    plain
}

async fn weigh_post(client: &mut Client, name: &str, path: &str, fields: &[(&str, &str)]) -> Page {
    let plain = client.post(path, fields).await;
    client.accept_encoding = Some(PHONE_ENCODING.into());
    let compressed = client.post(path, fields).await;
    client.accept_encoding = None;
    assert_eq!(plain.status, compressed.status, "{name}");
    weigh(client, name, &plain, &compressed).await;
    plain
}

#[tokio::test]
async fn every_form_page_is_light_and_labelled() {
    let t = TestDb::sqlite().await;
    let app = TestApp::new(&t).await;
    let g = app.graduates(2024, 2).await;
    let w = app.wave("year1", 2024).await;
    let link = app.link(&w, g[0].id).await;
    let mut client = app.client();

    // The privacy notice, in both languages.
    let (notice_path, _) = client.open(&link).await;
    let notice = weigh_get(&mut client, "notice", &notice_path).await;
    client.accept_language = "en".into();
    weigh_get(&mut client, "notice (en)", &notice_path).await;
    client.accept_language = "zh-CN".into();
    let csrf = notice.input("_csrf").expect("csrf");

    // A forged POST gets the error page.
    let forbidden = weigh_post(
        &mut client,
        "forbidden",
        &format!("{link}/consent"),
        &[("consent", "accept")],
    )
    .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);

    let resp = client
        .post(
            &format!("{link}/consent"),
            &[("_csrf", &csrf), ("consent", "accept")],
        )
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);

    // Every page of the employed branch, and the first one with errors.
    let plan = employed_plan();
    let (mut path, _) = client.open(&link).await;
    let mut pages = Vec::new();
    for _ in 0..12 {
        if path.ends_with("/done") {
            break;
        }
        let name = path.rsplit('/').next().unwrap_or("page").to_string();
        let page = weigh_get(&mut client, &format!("page {name}"), &path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let csrf = page.input("_csrf").expect("csrf");
        let rev = page.input("_rev").expect("rev");
        let base: Vec<(&str, &str)> = vec![("_csrf", &csrf), ("_rev", &rev), ("_nav", "next")];
        if pages.is_empty() {
            let errors = weigh_post(&mut client, "page with errors", &path, &base).await;
            assert_eq!(errors.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(errors.contains("class=\"summary\""), "{}", errors.body);
        }
        let mut fields = base.clone();
        for id in page.question_ids() {
            fields.extend(plan.get(id.as_str()).into_iter().flatten().copied());
        }
        let resp = client.post(&path, &fields).await;
        assert_eq!(resp.status, StatusCode::SEE_OTHER, "{path}: {}", resp.body);
        pages.push(name);
        (path, _) = client
            .open(resp.location.as_deref().expect("redirect"))
            .await;
    }
    assert_eq!(
        pages,
        ["destination", "job", "fit", "stability", "feedback"],
        "the employed branch"
    );
    let done = weigh_get(&mut client, "thank-you", &path).await;
    assert!(done.contains("感谢您完成问卷"));

    // Declining the notice.
    let other = app.link(&w, g[1].id).await;
    let mut decliner = app.client();
    let (_, notice) = decliner.open(&other).await;
    let csrf = notice.input("_csrf").expect("csrf");
    let declined = weigh_post(
        &mut decliner,
        "declined",
        &format!("{other}/consent"),
        &[("_csrf", &csrf), ("consent", "decline")],
    )
    .await;
    assert!(declined.contains("已记录您的选择"), "{}", declined.body);
    assert_eq!(declined.status, StatusCode::OK);

    // Error pages: a bad link, a closed wave, an expired link, too many guesses.
    let bad = weigh_get(&mut client, "bad link", "/s/not-a-token").await;
    assert_eq!(bad.status, StatusCode::NOT_FOUND);
    app.clock.advance(chrono::Duration::days(31));
    let closed = weigh_get(&mut decliner, "closed", &other).await;
    assert!(closed.contains("调查已结束"), "{}", closed.body);
    app.clock.advance(chrono::Duration::days(31));
    let expired = weigh_get(&mut client, "expired", &link).await;
    assert_eq!(expired.status, StatusCode::GONE);
    let mut guesser = app.client();
    for i in 0..12 {
        guesser.get(&format!("/s/guess-{i}")).await;
    }
    let locked = weigh_get(&mut guesser, "too many attempts", "/s/guess-x").await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
}

#[test]
fn the_markup_check_catches_what_it_should() {
    assert!(
        accessibility_problems(
            "<html lang=\"en\"><label for=\"a\">A</label><input type=\"text\" id=\"a\"></html>"
        )
        .is_empty()
    );
    let unlabelled = accessibility_problems("<html lang=\"en\"><input type=\"text\" id=\"b\">");
    assert_eq!(unlabelled.len(), 1, "{unlabelled:?}");
    let loose_radio = accessibility_problems(
        "<html lang=\"en\"><label><input type=\"radio\" name=\"x\">X</label>",
    );
    assert_eq!(loose_radio.len(), 1, "{loose_radio:?}");
    let no_legend = accessibility_problems(
        "<html lang=\"en\"><fieldset><label><input type=\"checkbox\" name=\"x\">X</label></fieldset>",
    );
    assert_eq!(no_legend.len(), 2, "{no_legend:?}");
}
