//! Staff sign-in: passwords checked against argon2 hashes, a lock-out after repeated failures,
//! signed sessions (HS256 JWTs carrying the staff member's session epoch, so logging out or a
//! password change ends every session), API tokens, and password reset by a signed one-time
//! link sent by e-mail.
use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::scope::Viewer;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::roster::staff::{hash_password, verify_password};
use crate::store::entities::staff;
use crate::store::roster::record_audit;

/// Failed sign-ins in a row that lock an account.
pub const MAX_FAILED_LOGINS: i32 = 5;
/// How long a locked account stays locked.
pub const LOCK_OUT: Duration = Duration::minutes(15);
/// How long a session or API token lives without use.
pub const SESSION_TTL: Duration = Duration::hours(8);
/// A session older than this is re-issued on the next page (sliding expiry).
pub const RENEW_AFTER: Duration = Duration::minutes(10);
/// How long a password-reset link works.
pub const RESET_TTL: Duration = Duration::hours(1);

/// What a token is for; a token of one kind never works as another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// The dashboard's cookie.
    Session,
    /// `Authorization: Bearer` for the JSON API.
    Api,
    /// A password-reset link.
    Reset,
}

/// What a staff token says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Staff id.
    pub sub: i32,
    /// The staff member's session epoch when signed.
    pub ep: i32,
    pub kind: TokenKind,
    pub iat: i64,
    pub exp: i64,
    /// Reset links: a fingerprint of the password hash, so a link works once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ph: Option<String>,
}

/// Keys of staff tokens, derived from `GRADTRACE_SECRET` apart from the invitation-link keys
/// (a leaked link token can never be replayed as a session).
#[derive(Clone)]
pub struct StaffKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl std::fmt::Debug for StaffKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StaffKeys(..)")
    }
}

impl StaffKeys {
    pub fn from_config(config: &Config) -> Result<StaffKeys> {
        let secret = config
            .secret
            .as_deref()
            .ok_or_else(|| Error::Config("GRADTRACE_SECRET is not set".into()))?;
        Ok(StaffKeys::from_secret(secret))
    }

    pub fn from_secret(secret: &str) -> StaffKeys {
        let key = Sha256::digest(format!("gradtrace-staff\0{secret}").as_bytes());
        StaffKeys {
            encoding: EncodingKey::from_secret(&key),
            decoding: DecodingKey::from_secret(&key),
        }
    }
}

fn password_fingerprint(s: &staff::Model) -> String {
    let digest = Sha256::digest(
        format!(
            "{}\0{}",
            s.password_hash.as_deref().unwrap_or(""),
            s.session_epoch
        )
        .as_bytes(),
    );
    digest.iter().take(12).map(|b| format!("{b:02x}")).collect()
}

/// Signs a token of `kind` for `s`.
pub fn issue(
    keys: &StaffKeys,
    s: &staff::Model,
    kind: TokenKind,
    now: DateTime<Utc>,
) -> Result<String> {
    let ttl = match kind {
        TokenKind::Session | TokenKind::Api => SESSION_TTL,
        TokenKind::Reset => RESET_TTL,
    };
    let claims = Claims {
        sub: s.id,
        ep: s.session_epoch,
        kind,
        iat: now.timestamp(),
        exp: (now + ttl).timestamp(),
        ph: (kind == TokenKind::Reset).then(|| password_fingerprint(s)),
    };
    sign(keys, &claims)
}

/// Signs arbitrary claims (tests forge expired or foreign ones with it).
pub fn sign(keys: &StaffKeys, claims: &Claims) -> Result<String> {
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &keys.encoding)
        .map_err(|e| Error::Other(format!("cannot sign staff token: {e}")))
}

/// Checks signature, kind and expiry (against our clock). Anything wrong is `Unauthorized`.
pub fn verify(
    keys: &StaffKeys,
    token: &str,
    kind: TokenKind,
    now: DateTime<Utc>,
) -> Result<Claims> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.validate_exp = false;
    validation.set_required_spec_claims(&["exp"]);
    let claims = jsonwebtoken::decode::<Claims>(token.trim(), &keys.decoding, &validation)
        .map_err(|_| Error::Unauthorized)?
        .claims;
    if claims.kind != kind || claims.exp <= now.timestamp() {
        return Err(Error::Unauthorized);
    }
    Ok(claims)
}

/// The viewer a session or API token stands for: the staff row must exist, its epoch must
/// match (logout and password changes bump it), and its scope must be readable.
pub async fn viewer_for<C: ConnectionTrait>(
    db: &C,
    keys: &StaffKeys,
    token: &str,
    kind: TokenKind,
    now: DateTime<Utc>,
) -> Result<(Viewer, staff::Model, Claims)> {
    let claims = verify(keys, token, kind, now)?;
    let s = staff::Entity::find_by_id(claims.sub)
        .one(db)
        .await?
        .ok_or(Error::Unauthorized)?;
    if s.session_epoch != claims.ep || s.password_hash.is_none() {
        return Err(Error::Unauthorized);
    }
    let viewer = Viewer::from_staff(&s)?;
    Ok((viewer, s, claims))
}

/// Why a sign-in was refused (the same words for an unknown user and a wrong password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInError {
    WrongCredentials,
    /// Locked until then, after too many failures.
    Locked(DateTime<Utc>),
}

/// A hash to verify against when the username is unknown, so both cases take as long.
static DUMMY_HASH: std::sync::LazyLock<Option<String>> =
    std::sync::LazyLock::new(|| hash_password("no such user, no such password").ok());

/// Checks a username and password. Five failures in a row lock the account for 15 minutes;
/// while locked even the right password is refused. Success clears the count.
pub async fn sign_in(
    db: &DatabaseConnection,
    username: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<std::result::Result<staff::Model, SignInError>> {
    let username = username.trim().to_ascii_lowercase();
    let found = staff::Entity::find()
        .filter(staff::Column::Username.eq(username))
        .one(db)
        .await?;
    let Some(s) = found else {
        if let Some(h) = DUMMY_HASH.as_deref() {
            let _ = verify_password(password, h);
        }
        return Ok(Err(SignInError::WrongCredentials));
    };
    if let Some(until) = s.locked_until
        && until > now
    {
        return Ok(Err(SignInError::Locked(until)));
    }
    let ok = s
        .password_hash
        .as_deref()
        .is_some_and(|h| verify_password(password, h));
    if ok {
        let s = staff::Entity::update(staff::ActiveModel {
            id: Set(s.id),
            failed_logins: Set(0),
            locked_until: Set(None),
            ..Default::default()
        })
        .exec(db)
        .await?;
        record_audit(
            db,
            &s.username,
            "staff.sign_in",
            json!({"staff_id": s.id}),
            now,
        )
        .await?;
        return Ok(Ok(s));
    }
    // Counted in the database, so parallel guesses cannot slip past the limit.
    staff::Entity::update_many()
        .col_expr(
            staff::Column::FailedLogins,
            Expr::col(staff::Column::FailedLogins).add(1),
        )
        .filter(staff::Column::Id.eq(s.id))
        .exec(db)
        .await?;
    let failed = staff::Entity::find_by_id(s.id)
        .one(db)
        .await?
        .map(|s| s.failed_logins)
        .unwrap_or(MAX_FAILED_LOGINS);
    if failed >= MAX_FAILED_LOGINS {
        let until = now + LOCK_OUT;
        staff::Entity::update_many()
            .col_expr(staff::Column::FailedLogins, Expr::value(0))
            .col_expr(staff::Column::LockedUntil, Expr::value(Some(until)))
            .filter(staff::Column::Id.eq(s.id))
            .exec(db)
            .await?;
        record_audit(
            db,
            &s.username,
            "staff.locked",
            json!({"staff_id": s.id, "minutes": LOCK_OUT.num_minutes()}),
            now,
        )
        .await?;
        return Ok(Err(SignInError::Locked(until)));
    }
    Ok(Err(SignInError::WrongCredentials))
}

/// Ends every session and API token of a staff member.
pub async fn sign_out(db: &DatabaseConnection, viewer: &Viewer, now: DateTime<Utc>) -> Result<()> {
    staff::Entity::update_many()
        .col_expr(
            staff::Column::SessionEpoch,
            Expr::col(staff::Column::SessionEpoch).add(1),
        )
        .col_expr(staff::Column::UpdatedAt, Expr::value(now))
        .filter(staff::Column::Id.eq(viewer.staff_id))
        .exec(db)
        .await?;
    record_audit(
        db,
        &viewer.username,
        "staff.sign_out",
        json!({"staff_id": viewer.staff_id}),
        now,
    )
    .await?;
    Ok(())
}

/// A reset mail to send: the address and the link (kept apart from logs).
pub struct ResetMail {
    pub to: String,
    pub link: String,
    pub username: String,
}

/// Finds the account by username or e-mail and prepares its reset link. `None` when there is
/// no such account or it has no e-mail address: the page says the same either way, so the
/// form tells nobody which accounts exist.
pub async fn prepare_reset(
    db: &DatabaseConnection,
    keys: &StaffKeys,
    base_url: &str,
    who: &str,
    now: DateTime<Utc>,
) -> Result<Option<ResetMail>> {
    let who = who.trim();
    if who.is_empty() {
        return Ok(None);
    }
    let found = staff::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(staff::Column::Username.eq(who.to_ascii_lowercase()))
                .add(staff::Column::Email.eq(who)),
        )
        .one(db)
        .await?;
    let Some(s) = found else { return Ok(None) };
    let Some(to) = s.email.clone() else {
        return Ok(None);
    };
    let token = issue(keys, &s, TokenKind::Reset, now)?;
    record_audit(
        db,
        &s.username,
        "staff.reset_requested",
        json!({"staff_id": s.id}),
        now,
    )
    .await?;
    Ok(Some(ResetMail {
        to,
        link: format!("{}/staff/reset/{token}", base_url.trim_end_matches('/')),
        username: s.username,
    }))
}

/// The account a reset link is for, if the link is genuine, unexpired and unused.
pub async fn reset_target(
    db: &DatabaseConnection,
    keys: &StaffKeys,
    token: &str,
    now: DateTime<Utc>,
) -> Result<staff::Model> {
    let claims = verify(keys, token, TokenKind::Reset, now)?;
    let s = staff::Entity::find_by_id(claims.sub)
        .one(db)
        .await?
        .ok_or(Error::Unauthorized)?;
    if s.session_epoch != claims.ep || claims.ph.as_deref() != Some(&password_fingerprint(&s)) {
        return Err(Error::Unauthorized);
    }
    Ok(s)
}

/// Sets a new password through a reset link: the link stops working, every session ends and a
/// lock-out is lifted.
pub async fn reset_password(
    db: &DatabaseConnection,
    keys: &StaffKeys,
    token: &str,
    new_password: &str,
    now: DateTime<Utc>,
) -> Result<staff::Model> {
    let s = reset_target(db, keys, token, now).await?;
    let hash = hash_password(new_password)?;
    let updated = staff::Entity::update(staff::ActiveModel {
        id: Set(s.id),
        password_hash: Set(Some(hash)),
        session_epoch: Set(s.session_epoch + 1),
        failed_logins: Set(0),
        locked_until: Set(None),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?;
    record_audit(
        db,
        &s.username,
        "staff.password_reset",
        json!({"staff_id": s.id}),
        now,
    )
    .await?;
    Ok(updated)
}

/// Sends the reset link by e-mail through `SMTP_URL` from `MAIL_FROM`.
pub async fn send_reset_mail(
    config: &Config,
    mail: &ResetMail,
    subject: &str,
    body: &str,
) -> Result<()> {
    use lettre::message::header::ContentType;
    use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
    let url = config.smtp_url.as_deref().ok_or_else(|| {
        Error::Config("SMTP_URL is not set: password reset mails cannot be sent".into())
    })?;
    let message = Message::builder()
        .from(
            config
                .mail_from
                .parse()
                .map_err(|e| Error::Config(format!("MAIL_FROM: {e}")))?,
        )
        .to(mail
            .to
            .parse()
            .map_err(|_| Error::Invalid("the account's e-mail address is not valid".into()))?)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN)
        .body(body.to_string())
        .map_err(|e| Error::Mail(format!("cannot build the message: {e}")))?;
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map_err(|e| Error::Config(format!("SMTP_URL: {e}")))?
        .build();
    transport
        .send(message)
        .await
        .map_err(|e| Error::Mail(format!("sending failed: {e}")))?;
    Ok(())
}
