//! Which language a page speaks: `?lang=` (the switch on every page, remembered in a cookie),
//! else the cookie, else `Accept-Language`, else Simplified Chinese.
use axum::http::HeaderMap;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

use crate::i18n::{Lang, Localizer};

pub const LANG_COOKIE: &str = "gt_lang";

/// The language, and the cookie jar with the choice remembered when it came from `?lang=`.
pub fn resolve(
    i18n: &Localizer,
    headers: &HeaderMap,
    query_lang: Option<&str>,
    jar: CookieJar,
    secure: bool,
) -> (Lang, CookieJar) {
    if let Some(lang) = query_lang.and_then(|l| l.parse::<Lang>().ok()) {
        let cookie = Cookie::build((LANG_COOKIE, lang.as_str()))
            .path("/")
            .http_only(true)
            .secure(secure)
            .same_site(SameSite::Lax)
            .max_age(time::Duration::days(365));
        return (lang, jar.add(cookie));
    }
    if let Some(lang) = jar
        .get(LANG_COOKIE)
        .and_then(|c| c.value().parse::<Lang>().ok())
    {
        return (lang, jar);
    }
    let accept = headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    (i18n.negotiate(accept), jar)
}
