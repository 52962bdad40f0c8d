//! Signed invitation tokens (the secret part of a personal link): HS256 over the wave, the
//! invitation and the audience, valid until the wave's access deadline. A token only opens the
//! invitation it names, and only in the wave it names.
use chrono::{DateTime, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};

use super::{audience, audience_str, invites};
use crate::error::{Error, Result};
use crate::store::entities::{invitation, wave};

/// Shortest accepted `GRADTRACE_SECRET`: 32 characters ≥ 256 bits for random printable keys.
pub const MIN_SECRET_LEN: usize = 32;

/// The signing keys, made once from `GRADTRACE_SECRET`.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl TokenKeys {
    /// Refuses short secrets: an HS256 key that can be brute-forced lets anyone forge links.
    pub fn from_secret(secret: &str) -> Result<TokenKeys> {
        if secret.chars().count() < MIN_SECRET_LEN {
            return Err(Error::Config(format!(
                "GRADTRACE_SECRET must be at least {MIN_SECRET_LEN} characters"
            )));
        }
        Ok(TokenKeys {
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
        })
    }
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKeys(..)")
    }
}

/// What a token says. Short claim names keep links short enough for an SMS.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Wave id.
    pub w: i32,
    /// Invitation id.
    pub i: i32,
    /// `graduate` or `employer`.
    pub aud: String,
    /// Expiry, seconds since the epoch.
    pub exp: i64,
}

fn header() -> Header {
    // No `typ`: it says nothing we check and lengthens every link.
    Header {
        typ: None,
        ..Header::new(Algorithm::HS256)
    }
}

/// Signs the token of `invitation` (which must belong to `wave`). The same invitation always
/// gets the same token, so re-running `wave links` hands out the same links.
pub fn issue(
    keys: &TokenKeys,
    wave: &wave::Model,
    invitation: &invitation::Model,
) -> Result<String> {
    if invitation.wave_id != wave.id {
        return Err(Error::Other(format!(
            "invitation {} is not part of wave {}",
            invitation.id, wave.id
        )));
    }
    let claims = Claims {
        w: wave.id,
        i: invitation.id,
        aud: audience_str(audience(wave)).to_string(),
        exp: super::access_until(wave).timestamp(),
    };
    sign(keys, &claims)
}

/// Signs arbitrary claims; `issue` is the way to make a real invitation's token.
pub fn sign(keys: &TokenKeys, claims: &Claims) -> Result<String> {
    jsonwebtoken::encode(&header(), claims, &keys.encoding)
        .map_err(|e| Error::Other(format!("cannot sign token: {e}")))
}

/// Checks signature, algorithm and expiry (against `now`, the injectable clock) and returns the
/// claims. Forged, garbled and expired tokens are errors: `Unauthorized` or `LinkExpired`.
pub fn verify(keys: &TokenKeys, token: &str, now: DateTime<Utc>) -> Result<Claims> {
    let mut validation = Validation::new(Algorithm::HS256);
    // Expiry and audience are checked below, against our clock and our audiences.
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.set_required_spec_claims(&["exp", "aud"]);
    let data =
        jsonwebtoken::decode::<Claims>(token.trim(), &keys.decoding, &validation).map_err(|e| {
            match e.kind() {
                ErrorKind::ExpiredSignature => Error::LinkExpired,
                _ => Error::Unauthorized,
            }
        })?;
    let claims = data.claims;
    if !matches!(claims.aud.as_str(), "graduate" | "employer") {
        return Err(Error::Unauthorized);
    }
    if claims.exp <= now.timestamp() {
        return Err(Error::LinkExpired);
    }
    Ok(claims)
}

/// Verifies `token` and loads what it opens, checking that the invitation really belongs to the
/// wave and audience the token names (a token cannot be moved to another wave).
pub async fn resolve<C: ConnectionTrait>(
    db: &C,
    keys: &TokenKeys,
    token: &str,
    now: DateTime<Utc>,
) -> Result<(invitation::Model, wave::Model)> {
    let found = crate::store::responses::by_token(db, keys, token, now).await?;
    Ok((found.invitation, found.wave))
}

/// Whether verified `claims` open `invitation` of `wave` as stored now: the invitation is the
/// token's, part of the token's wave and audience (a token cannot be moved to another wave),
/// and the wave still accepts its links.
pub fn admits(
    claims: &Claims,
    invitation: &invitation::Model,
    wave: &wave::Model,
    now: DateTime<Utc>,
) -> Result<()> {
    if invitation.id != claims.i || invitation.wave_id != claims.w || wave.id != claims.w {
        return Err(Error::Unauthorized);
    }
    let audience = audience(wave);
    if audience_str(audience) != claims.aud || !invites(audience, invitation) {
        return Err(Error::Unauthorized);
    }
    // The wave's dates may have moved since the token was signed; the stored wave wins.
    if super::access_until(wave) <= now {
        return Err(Error::LinkExpired);
    }
    Ok(())
}
