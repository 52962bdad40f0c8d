//! The one-click unsubscribe link of every e-mail (`/u/{token}`, RFC 8058): the token names the
//! invitation and carries an HMAC made with a key derived from `GRADTRACE_SECRET`, so it cannot
//! be forged or moved to another invitation. It does not expire: an old e-mail's link must still
//! stop the messages.
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Path prefix of the unsubscribe route.
pub const PATH: &str = "/u/";

/// Bytes of the HMAC kept in the token (128 bits: unguessable, short link).
const MAC_LEN: usize = 16;

/// The key of unsubscribe tokens, derived from the service secret.
#[derive(Clone)]
pub struct UnsubscribeKey(Vec<u8>);

impl UnsubscribeKey {
    pub fn from_secret(secret: &str) -> UnsubscribeKey {
        UnsubscribeKey(
            Sha256::digest(format!("gradtrace-unsubscribe:{secret}").as_bytes()).to_vec(),
        )
    }

    fn mac(&self, invitation_id: i32) -> Vec<u8> {
        // HMAC accepts keys of any length, so this cannot fail; an empty MAC would never verify.
        match Hmac::<Sha256>::new_from_slice(&self.0) {
            Ok(mut mac) => {
                mac.update(b"unsubscribe\0");
                mac.update(invitation_id.to_string().as_bytes());
                mac.finalize().into_bytes()[..MAC_LEN].to_vec()
            }
            Err(_) => Vec::new(),
        }
    }

    /// The token of an invitation: `{id}.{mac}`.
    pub fn token(&self, invitation_id: i32) -> String {
        format!(
            "{invitation_id}.{}",
            URL_SAFE_NO_PAD.encode(self.mac(invitation_id))
        )
    }

    /// The invitation a token names, if its MAC is right.
    pub fn verify(&self, token: &str) -> Result<i32> {
        let (id, mac) = token.trim().split_once('.').ok_or(Error::Unauthorized)?;
        let id: i32 = id.parse().map_err(|_| Error::Unauthorized)?;
        let given = URL_SAFE_NO_PAD
            .decode(mac)
            .map_err(|_| Error::Unauthorized)?;
        let expected = self.mac(id);
        if expected.is_empty() || !crate::bot::adapters::secret_eq(&given, &expected) {
            return Err(Error::Unauthorized);
        }
        Ok(id)
    }
}

impl std::fmt::Debug for UnsubscribeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UnsubscribeKey(..)")
    }
}

/// The unsubscribe link of an invitation.
pub fn link(base_url: &str, key: &UnsubscribeKey, invitation_id: i32) -> String {
    format!(
        "{}{PATH}{}",
        base_url.trim_end_matches('/'),
        key.token(invitation_id)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_and_cannot_be_moved_or_forged() {
        let key = UnsubscribeKey::from_secret("s3cret-s3cret-s3cret-s3cret-s3cret");
        let t = key.token(42);
        assert_eq!(key.verify(&t).unwrap(), 42);
        let (_, mac) = t.split_once('.').unwrap();
        assert!(key.verify(&format!("43.{mac}")).is_err());
        assert!(key.verify("42.AAAAAAAAAAAAAAAAAAAAAA").is_err());
        assert!(key.verify("garbage").is_err());
        let other = UnsubscribeKey::from_secret("another-secret-another-secret-xx");
        assert!(other.verify(&t).is_err());
        assert_eq!(
            link("https://x.edu/", &key, 42),
            format!("https://x.edu/u/{t}")
        );
    }
}
