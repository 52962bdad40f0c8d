//! A keyed limiter of failed code and token lookups, so invitation codes cannot be guessed by
//! trying many: after `max_failures` failures a key (a bot user, an IP address) is refused for a
//! while. One instance: in process (governor). Several instances: shared through Redis.
use std::collections::HashMap;
use std::future::Future;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures::future::BoxFuture;
use governor::clock::{Clock, DefaultClock, Reference};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DashMapStateStore;
use governor::{Quota, RateLimiter};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Failures allowed per key and window before the key is refused.
pub const DEFAULT_MAX_FAILURES: u32 = 10;
/// The window those failures are counted over.
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Counts failed lookups per key and refuses keys that failed too often.
pub trait AttemptLimiter: Send + Sync {
    /// `Err(Error::TooManyAttempts)` while `key` is refused; call before every lookup.
    fn check<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<()>>;
    /// Counts one failed lookup of `key`.
    fn record_failure<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<()>>;
}

/// Runs `lookup` under the limiter: refused while `key` is locked, and a lookup that finds
/// nothing (unknown or malformed code, forged token) counts as a failure. An expired link is
/// not a guess and is not counted.
pub async fn guarded<T, Fut>(
    limiter: &dyn AttemptLimiter,
    key: &str,
    lookup: impl FnOnce() -> Fut,
) -> Result<T>
where
    Fut: Future<Output = Result<T>>,
{
    limiter.check(key).await?;
    match lookup().await {
        Err(e @ (Error::NotFound(_) | Error::Unauthorized | Error::Invalid(_))) => {
            limiter.record_failure(key).await?;
            Err(e)
        }
        other => other,
    }
}

/// The limiter for this deployment: shared through Redis when `redis_url` is set (several
/// instances must count together), else in process.
pub async fn for_deployment(
    redis_url: Option<&str>,
    redis_prefix: &str,
) -> Result<std::sync::Arc<dyn AttemptLimiter>> {
    Ok(match redis_url {
        Some(url) => std::sync::Arc::new(
            RedisLimiter::connect(url, redis_prefix, DEFAULT_MAX_FAILURES, DEFAULT_WINDOW).await?,
        ),
        None => std::sync::Arc::new(MemoryLimiter::new(DEFAULT_MAX_FAILURES, DEFAULT_WINDOW)?),
    })
}

type Governor<C> = RateLimiter<String, DashMapStateStore<String>, C, StateInformationMiddleware>;

/// In-process limiter: a governor GCRA bucket of `max_failures` per key, refilled evenly over
/// the window (10 per 15 minutes = one more try every 90 s once used up).
pub struct MemoryLimiter<C: Clock = DefaultClock> {
    governor: Governor<C>,
    clock: C,
    /// Keys whose bucket is empty, and when its next failure is allowed again. Governor cannot
    /// be asked "would this key be refused?" without spending a try, so the answer is kept here.
    locked: Mutex<HashMap<String, C::Instant>>,
    failures_since_cleanup: AtomicU64,
}

impl MemoryLimiter<DefaultClock> {
    pub fn new(max_failures: u32, window: Duration) -> Result<Self> {
        Self::with_clock(max_failures, window, DefaultClock::default())
    }
}

impl<C: Clock + Clone> MemoryLimiter<C> {
    /// With an injected clock (governor's `FakeRelativeClock` in tests).
    pub fn with_clock(max_failures: u32, window: Duration, clock: C) -> Result<Self> {
        let quota = quota(max_failures, window)?;
        let governor = RateLimiter::dashmap_with_clock(quota, clock.clone())
            .with_middleware::<StateInformationMiddleware>();
        Ok(MemoryLimiter {
            governor,
            clock,
            locked: Mutex::new(HashMap::new()),
            failures_since_cleanup: AtomicU64::new(0),
        })
    }

    fn locked_until(&self, key: &str) -> Option<Duration> {
        let now = self.clock.now();
        let mut locked = self.locked.lock().unwrap_or_else(|p| p.into_inner());
        match locked.get(key) {
            Some(until) if *until > now => Some(until.duration_since(now).into()),
            Some(_) => {
                locked.remove(key);
                None
            }
            None => None,
        }
    }

    fn lock(&self, key: &str, until: C::Instant) {
        let mut locked = self.locked.lock().unwrap_or_else(|p| p.into_inner());
        locked.insert(key.to_string(), until);
    }

    /// Forgets keys with nothing left to remember, so memory stays bounded.
    fn cleanup(&self) {
        self.governor.retain_recent();
        let now = self.clock.now();
        let mut locked = self.locked.lock().unwrap_or_else(|p| p.into_inner());
        locked.retain(|_, until| *until > now);
    }

    fn fail(&self, key: &str) {
        if self.failures_since_cleanup.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            self.cleanup();
        }
        let key = key.to_string();
        match self.governor.check_key(&key) {
            Ok(snapshot) if snapshot.remaining_burst_capacity() > 0 => {}
            // That was the last failure allowed. A refused check changes nothing in governor,
            // so asking again tells exactly when the next one will be allowed.
            Ok(_) => {
                if let Err(not_until) = self.governor.check_key(&key) {
                    self.lock(&key, not_until.earliest_possible());
                }
            }
            Err(not_until) => self.lock(&key, not_until.earliest_possible()),
        }
    }
}

fn quota(max_failures: u32, window: Duration) -> Result<Quota> {
    let burst = NonZeroU32::new(max_failures)
        .ok_or_else(|| Error::Config("the attempt limit must allow at least one failure".into()))?;
    Quota::with_period(window / max_failures)
        .map(|q| q.allow_burst(burst))
        .ok_or_else(|| Error::Config("the attempt window must be longer than zero".into()))
}

impl<C: Clock + Clone + Send + Sync> AttemptLimiter for MemoryLimiter<C> {
    fn check<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<()>> {
        let r = match self.locked_until(key) {
            Some(retry_after) => Err(Error::TooManyAttempts { retry_after }),
            None => Ok(()),
        };
        Box::pin(std::future::ready(r))
    }

    fn record_failure<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<()>> {
        self.fail(key);
        Box::pin(std::future::ready(Ok(())))
    }
}

/// Limiter shared by several instances: a counter per key in Redis (`PREFIX:limit:KEY`),
/// incremented on each failure and expiring `window` after the first one (a fixed window).
#[derive(Clone)]
pub struct RedisLimiter {
    conn: redis::aio::ConnectionManager,
    prefix: String,
    max_failures: u32,
    window: Duration,
}

impl RedisLimiter {
    pub async fn connect(
        url: &str,
        prefix: &str,
        max_failures: u32,
        window: Duration,
    ) -> Result<Self> {
        let client = redis::Client::open(url)?;
        let conn = client.get_connection_manager().await?;
        Self::new(conn, prefix, max_failures, window)
    }

    pub fn new(
        conn: redis::aio::ConnectionManager,
        prefix: &str,
        max_failures: u32,
        window: Duration,
    ) -> Result<Self> {
        if max_failures == 0 {
            return Err(Error::Config(
                "the attempt limit must allow at least one failure".into(),
            ));
        }
        if window.as_millis() == 0 {
            return Err(Error::Config(
                "the attempt window must be longer than zero".into(),
            ));
        }
        Ok(RedisLimiter {
            conn,
            prefix: prefix.to_string(),
            max_failures,
            window,
        })
    }

    /// The Redis key of `key`. Keys are IP addresses or messenger ids — personal data — so
    /// Redis only sees a digest of them.
    pub fn redis_key(&self, key: &str) -> String {
        let digest = Sha256::digest(key.as_bytes());
        let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        format!("{}:limit:{hex}", self.prefix)
    }

    async fn check_key(&self, key: &str) -> Result<()> {
        let k = self.redis_key(key);
        let mut conn = self.conn.clone();
        let (count, ttl_ms): (Option<u32>, i64) = redis::pipe()
            .cmd("GET")
            .arg(&k)
            .cmd("PTTL")
            .arg(&k)
            .query_async(&mut conn)
            .await?;
        match count {
            Some(n) if n >= self.max_failures => Err(Error::TooManyAttempts {
                // PTTL is -1/-2 only if the key just vanished; then a short wait is right.
                retry_after: Duration::from_millis(u64::try_from(ttl_ms).unwrap_or(1).max(1)),
            }),
            _ => Ok(()),
        }
    }

    async fn fail(&self, key: &str) -> Result<()> {
        let k = self.redis_key(key);
        let ms = u64::try_from(self.window.as_millis()).unwrap_or(u64::MAX);
        let mut conn = self.conn.clone();
        // One transaction: the counter never lives without its expiry. NX keeps the window
        // fixed from the first failure instead of sliding with every new one.
        let _: (i64, i64) = redis::pipe()
            .atomic()
            .cmd("INCR")
            .arg(&k)
            .cmd("PEXPIRE")
            .arg(&k)
            .arg(ms)
            .arg("NX")
            .query_async(&mut conn)
            .await?;
        Ok(())
    }
}

impl AttemptLimiter for RedisLimiter {
    fn check<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<()>> {
        Box::pin(self.check_key(key))
    }

    fn record_failure<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<()>> {
        Box::pin(self.fail(key))
    }
}
