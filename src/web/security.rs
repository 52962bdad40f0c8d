//! Security for every page: strict headers, and CSRF tokens bound to a per-browser cookie.
use axum::http::{HeaderName, HeaderValue, header};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tower_http::set_header::SetResponseHeaderLayer;

/// The response headers every page carries. Scripts and styles come only from our own origin
/// (no inline script), nobody may frame us, and nothing is sniffed.
pub fn header_layers() -> Vec<SetResponseHeaderLayer<HeaderValue>> {
    let pairs: [(HeaderName, &'static str); 6] = [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=()",
        ),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    pairs
        .into_iter()
        .map(|(name, value)| {
            SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
        })
        .collect()
}

/// Name of the cookie holding the browser's random CSRF nonce.
pub const CSRF_COOKIE: &str = "gt_csrf";

/// The CSRF token for a form: an HMAC of the browser's nonce and what the form acts on, so a
/// token from one browser or one invitation is worthless for another.
pub fn csrf_token(secret: &[u8], nonce: &str, subject: &str) -> String {
    use base64::Engine;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(b"csrf\0");
    mac.update(nonce.as_bytes());
    mac.update(b"\0");
    mac.update(subject.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// Checks a submitted CSRF token in constant time.
pub fn csrf_ok(secret: &[u8], nonce: &str, subject: &str, submitted: &str) -> bool {
    use subtle::ConstantTimeEq;
    if nonce.is_empty() {
        return false;
    }
    let expected = csrf_token(secret, nonce, subject);
    expected.as_bytes().ct_eq(submitted.as_bytes()).into()
}

/// A fresh random nonce for the CSRF cookie.
pub fn new_nonce() -> String {
    use base64::Engine;
    let bytes: [u8; 18] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_token_is_bound_to_nonce_and_subject() {
        let t = csrf_token(b"k", "n1", "inv:1");
        assert!(csrf_ok(b"k", "n1", "inv:1", &t));
        assert!(!csrf_ok(b"k", "n2", "inv:1", &t));
        assert!(!csrf_ok(b"k", "n1", "inv:2", &t));
        assert!(!csrf_ok(b"other", "n1", "inv:1", &t));
        assert!(!csrf_ok(b"k", "", "inv:1", &csrf_token(b"k", "", "inv:1")));
    }
}
