//! The scheduler of due sends. With Redis (`REDIS_URL`): a sorted set of reminder ids scored by
//! due time; workers claim due ids atomically (a Lua script moves them into a processing set
//! scored by the claim's lease expiry), so any number of workers run side by side; a claim not
//! acknowledged before its lease runs out (a killed worker) goes back to the due set. Token
//! buckets per channel (Lua, Redis time) keep to provider limits; sends that keep failing land
//! in a dead-letter list. A marker key tells a worker that Redis lost its data (flushed, or
//! restarted without persistence), and the schedule is rebuilt from the database, which stays
//! the truth. Without Redis the same interface runs in process from the database (one instance).
//!
//! Keys, under the configurable prefix P: `P:remind:due` (zset), `P:remind:processing` (zset),
//! `P:remind:claims` (hash id → claim token), `P:remind:bucket:<channel>` (hash),
//! `P:remind:dead` (list of JSON ids, newest first), `P:remind:built` (marker),
//! `P:remind:rebuild-lock`.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use redis::aio::ConnectionManager;
use sea_orm::sea_query::Condition;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::State;
use super::plan::Due;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::entities::reminder;
use crate::wave::plan::ReminderChannel;

/// Members per ZADD when scheduling many sends.
const ZADD_CHUNK: usize = 5_000;
/// ZADDs sent in one pipeline.
const ZADDS_PER_PIPELINE: usize = 10;
/// Dead letters kept in Redis (the database keeps all of them).
const DEAD_KEPT: isize = 10_000;

/// A claimed send: the reminder and the claim that holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    pub reminder_id: i32,
    /// Unique per claim batch; the database fence and the acknowledgement check it.
    pub token: String,
}

/// Timing and limits of the scheduler.
#[derive(Clone, Debug)]
pub struct Settings {
    pub lease: chrono::Duration,
    /// Sends per second per channel.
    pub rates: HashMap<ReminderChannel, u32>,
    pub max_attempts: u32,
    pub retry_base: chrono::Duration,
    pub cooldown: chrono::Duration,
}

impl Settings {
    pub fn from_config(c: &super::config::RemindConfig) -> Settings {
        Settings {
            lease: chrono::Duration::seconds(
                i64::try_from(c.remind_lease_secs.max(1)).unwrap_or(300),
            ),
            rates: HashMap::from([
                (ReminderChannel::Email, c.rate_email.max(1)),
                (ReminderChannel::Sms, c.rate_sms.max(1)),
                (ReminderChannel::Bot, c.rate_bot.max(1)),
            ]),
            max_attempts: c.remind_max_attempts.max(1),
            retry_base: chrono::Duration::seconds(
                i64::try_from(c.remind_retry_secs.max(1)).unwrap_or(60),
            ),
            cooldown: chrono::Duration::hours(i64::from(c.remind_cooldown_hours)),
        }
    }

    /// Wait before retry number `attempt` (1-based): base × 2^(attempt−1), at most 6 hours.
    pub fn backoff(&self, attempt: u32) -> chrono::Duration {
        let factor = 1i64 << attempt.saturating_sub(1).min(20);
        let wait = self.retry_base.num_seconds().saturating_mul(factor);
        chrono::Duration::seconds(wait.min(6 * 3600))
    }

    fn rate(&self, channel: ReminderChannel) -> u32 {
        self.rates.get(&channel).copied().unwrap_or(10).max(1)
    }
}

impl Default for Settings {
    fn default() -> Settings {
        Settings::from_config(&super::config::RemindConfig::default())
    }
}

/// The scheduler, shared by workers, the planner and "remind now". Cheap to clone.
#[derive(Clone)]
pub struct Scheduler {
    backend: Backend,
    pub db: DatabaseConnection,
    pub clock: Arc<dyn Clock>,
    pub settings: Settings,
}

#[derive(Clone)]
enum Backend {
    Redis(RedisQueue),
    Embedded(Arc<Mutex<HashMap<ReminderChannel, LocalBucket>>>),
}

#[derive(Clone)]
struct RedisQueue {
    conn: ConnectionManager,
    prefix: String,
    scripts: Arc<Scripts>,
}

struct Scripts {
    claim: redis::Script,
    ack: redis::Script,
    reschedule: redis::Script,
    bucket: redis::Script,
}

/// What the scheduler holds now (for tests, monitoring and the CLI).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueueStats {
    pub due: u64,
    pub processing: u64,
    pub dead: u64,
}

const CLAIM_LUA: &str = r#"
-- KEYS: due, processing, claims. ARGV: now_ms, lease_ms, limit, token.
local now = tonumber(ARGV[1])
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 1000)
for _, id in ipairs(expired) do
  redis.call('ZREM', KEYS[2], id)
  redis.call('HDEL', KEYS[3], id)
  redis.call('ZADD', KEYS[1], now, id)
end
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  -- Already held by a live claim (a rebuild re-added it): leave it to its holder.
  if not redis.call('ZSCORE', KEYS[2], id) then
    redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), id)
    redis.call('HSET', KEYS[3], id, ARGV[4])
    table.insert(out, id)
  end
end
return out
"#;

const ACK_LUA: &str = r#"
-- KEYS: processing, claims. ARGV: token, ids...
local n = 0
for i = 2, #ARGV do
  local id = ARGV[i]
  if redis.call('HGET', KEYS[2], id) == ARGV[1] then
    redis.call('ZREM', KEYS[1], id)
    redis.call('HDEL', KEYS[2], id)
    n = n + 1
  end
end
return n
"#;

const RESCHEDULE_LUA: &str = r#"
-- KEYS: due, processing, claims. ARGV: token, id, due_ms.
if redis.call('HGET', KEYS[3], ARGV[2]) == ARGV[1] then
  redis.call('ZREM', KEYS[2], ARGV[2])
  redis.call('HDEL', KEYS[3], ARGV[2])
  redis.call('ZADD', KEYS[1], tonumber(ARGV[3]), ARGV[2])
  return 1
end
return 0
"#;

const BUCKET_LUA: &str = r#"
-- KEYS: bucket. ARGV: rate per second, capacity, wanted. Returns {granted, wait_ms}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate = tonumber(ARGV[1])
local cap = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(b[1])
local ts = tonumber(b[2])
if tokens == nil or ts == nil then tokens = cap; ts = now end
tokens = math.min(cap, tokens + math.max(0, now - ts) * rate / 1000)
local granted = math.min(want, math.floor(tokens))
tokens = tokens - granted
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(cap * 1000 / rate) + 1000)
local wait = 0
if granted < want then wait = math.ceil((1 - (tokens - math.floor(tokens))) * 1000 / rate) end
return {granted, wait}
"#;

/// An in-process token bucket (embedded scheduler).
#[derive(Clone, Copy, Debug)]
struct LocalBucket {
    tokens: f64,
    at: Instant,
}

fn millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

impl Scheduler {
    /// The scheduler this deployment runs: Redis when `redis_url` is set, else embedded.
    pub async fn connect(
        redis_url: Option<&str>,
        config: &super::config::RemindConfig,
        db: DatabaseConnection,
        clock: Arc<dyn Clock>,
    ) -> Result<Scheduler> {
        let settings = Settings::from_config(config);
        match redis_url {
            Some(url) => {
                let client = redis::Client::open(url)?;
                let conn = client.get_connection_manager().await?;
                Ok(Scheduler::redis(
                    conn,
                    &config.redis_prefix,
                    db,
                    clock,
                    settings,
                ))
            }
            None => {
                tracing::info!(
                    "no REDIS_URL: reminders are scheduled in process from the database \
                     (embedded scheduler, single instance — run one worker or one server only)"
                );
                Ok(Scheduler::embedded(db, clock, settings))
            }
        }
    }

    pub fn redis(
        conn: ConnectionManager,
        prefix: &str,
        db: DatabaseConnection,
        clock: Arc<dyn Clock>,
        settings: Settings,
    ) -> Scheduler {
        Scheduler {
            backend: Backend::Redis(RedisQueue {
                conn,
                prefix: prefix.to_string(),
                scripts: Arc::new(Scripts {
                    claim: redis::Script::new(CLAIM_LUA),
                    ack: redis::Script::new(ACK_LUA),
                    reschedule: redis::Script::new(RESCHEDULE_LUA),
                    bucket: redis::Script::new(BUCKET_LUA),
                }),
            }),
            db,
            clock,
            settings,
        }
    }

    pub fn embedded(
        db: DatabaseConnection,
        clock: Arc<dyn Clock>,
        settings: Settings,
    ) -> Scheduler {
        Scheduler {
            backend: Backend::Embedded(Arc::default()),
            db,
            clock,
            settings,
        }
    }

    pub fn is_redis(&self) -> bool {
        matches!(self.backend, Backend::Redis(_))
    }

    /// Puts sends into the schedule (a send already there just gets the new time).
    pub async fn schedule(&self, items: &[Due]) -> Result<()> {
        let Backend::Redis(q) = &self.backend else {
            // Embedded: the database rows are the schedule.
            return Ok(());
        };
        let mut conn = q.conn.clone();
        let key = q.key("due");
        // Several ZADDs per round trip.
        for group in items.chunks(ZADD_CHUNK * ZADDS_PER_PIPELINE) {
            let mut pipe = redis::pipe();
            for chunk in group.chunks(ZADD_CHUNK) {
                let members: Vec<(i64, i32)> =
                    chunk.iter().map(|(id, t)| (millis(*t), *id)).collect();
                pipe.zadd_multiple(&key, &members).ignore();
            }
            let _: () = pipe.query_async(&mut conn).await?;
        }
        Ok(())
    }

    /// Claims up to `limit` sends due by now. Each is held for the lease; a claim that is
    /// neither acknowledged nor rescheduled in time becomes due again.
    pub async fn claim(&self, limit: usize) -> Result<Vec<Claim>> {
        let now = self.clock.now();
        let token = uuid::Uuid::new_v4().simple().to_string();
        match &self.backend {
            Backend::Redis(q) => {
                let mut conn = q.conn.clone();
                let ids: Vec<i32> = q
                    .scripts
                    .claim
                    .key(q.key("due"))
                    .key(q.key("processing"))
                    .key(q.key("claims"))
                    .arg(millis(now))
                    .arg(self.settings.lease.num_milliseconds())
                    .arg(limit)
                    .arg(&token)
                    .invoke_async(&mut conn)
                    .await?;
                Ok(ids
                    .into_iter()
                    .map(|reminder_id| Claim {
                        reminder_id,
                        token: token.clone(),
                    })
                    .collect())
            }
            Backend::Embedded(_) => {
                // The database fence in the worker makes the claim; this only finds candidates.
                let ids: Vec<i32> = reminder::Entity::find()
                    .select_only()
                    .column(reminder::Column::Id)
                    .filter(
                        Condition::any()
                            .add(
                                Condition::all()
                                    .add(reminder::Column::State.eq(State::Pending.as_str()))
                                    .add(reminder::Column::DueAt.lte(now)),
                            )
                            .add(
                                Condition::all()
                                    .add(reminder::Column::State.eq(State::Sending.as_str()))
                                    .add(reminder::Column::LeaseUntil.lt(now)),
                            ),
                    )
                    .order_by_asc(reminder::Column::DueAt)
                    .limit(limit as u64)
                    .into_tuple()
                    .all(&self.db)
                    .await?;
                Ok(ids
                    .into_iter()
                    .map(|reminder_id| Claim {
                        reminder_id,
                        token: token.clone(),
                    })
                    .collect())
            }
        }
    }

    /// Done with these claims (sent, skipped, or handed to the dead-letter list).
    pub async fn ack(&self, claims: &[Claim]) -> Result<()> {
        let Backend::Redis(q) = &self.backend else {
            return Ok(());
        };
        let mut by_token: HashMap<&str, Vec<i32>> = HashMap::new();
        for c in claims {
            by_token.entry(&c.token).or_default().push(c.reminder_id);
        }
        let mut conn = q.conn.clone();
        for (token, ids) in by_token {
            let mut inv = q.scripts.ack.prepare_invoke();
            inv.key(q.key("processing")).key(q.key("claims")).arg(token);
            for id in ids {
                inv.arg(id);
            }
            let _: i64 = inv.invoke_async(&mut conn).await?;
        }
        Ok(())
    }

    /// Gives a claim back, due again at `at` (a retry, or a wait for the rate limit).
    pub async fn reschedule(&self, claim: &Claim, at: DateTime<Utc>) -> Result<()> {
        let Backend::Redis(q) = &self.backend else {
            return Ok(());
        };
        let mut conn = q.conn.clone();
        let _: i64 = q
            .scripts
            .reschedule
            .key(q.key("due"))
            .key(q.key("processing"))
            .key(q.key("claims"))
            .arg(&claim.token)
            .arg(claim.reminder_id)
            .arg(millis(at))
            .invoke_async(&mut conn)
            .await?;
        Ok(())
    }

    /// Acknowledges a claim that failed for good and lists it among the dead letters. The
    /// entry holds ids and the channel only; details stay in the database's delivery log.
    pub async fn bury(&self, claim: &Claim, entry: &serde_json::Value) -> Result<()> {
        self.ack(std::slice::from_ref(claim)).await?;
        let Backend::Redis(q) = &self.backend else {
            return Ok(());
        };
        let mut conn = q.conn.clone();
        let _: () = redis::pipe()
            .lpush(q.key("dead"), entry.to_string())
            .ignore()
            .ltrim(q.key("dead"), 0, DEAD_KEPT - 1)
            .ignore()
            .query_async(&mut conn)
            .await?;
        Ok(())
    }

    /// Takes up to `wanted` send permits of `channel`; returns how many were granted and, when
    /// fewer, how long until the next one.
    pub async fn take_permits(
        &self,
        channel: ReminderChannel,
        wanted: usize,
    ) -> Result<(usize, Duration)> {
        if wanted == 0 {
            return Ok((0, Duration::ZERO));
        }
        let rate = self.settings.rate(channel);
        match &self.backend {
            Backend::Redis(q) => {
                let mut conn = q.conn.clone();
                let (granted, wait_ms): (i64, i64) = q
                    .scripts
                    .bucket
                    .key(q.key(&format!("bucket:{}", channel.as_str())))
                    .arg(rate)
                    .arg(rate)
                    .arg(wanted)
                    .invoke_async(&mut conn)
                    .await?;
                Ok((
                    usize::try_from(granted).unwrap_or(0),
                    Duration::from_millis(u64::try_from(wait_ms).unwrap_or(0)),
                ))
            }
            Backend::Embedded(buckets) => {
                let mut buckets = buckets.lock().unwrap_or_else(|p| p.into_inner());
                let now = Instant::now();
                let cap = f64::from(rate);
                let b = buckets.entry(channel).or_insert(LocalBucket {
                    tokens: cap,
                    at: now,
                });
                b.tokens =
                    (b.tokens + now.duration_since(b.at).as_secs_f64() * f64::from(rate)).min(cap);
                b.at = now;
                let granted = (b.tokens.floor() as usize).min(wanted);
                b.tokens -= granted as f64;
                let wait = if granted < wanted {
                    Duration::from_secs_f64((1.0 - b.tokens.fract()) / f64::from(rate))
                } else {
                    Duration::ZERO
                };
                Ok((granted, wait))
            }
        }
    }

    /// Rebuilds the schedule from the database when Redis has lost it (the marker key is
    /// gone: flushed, or restarted without persistence). Returns the sends put back, if any.
    pub async fn ensure_built(&self) -> Result<Option<usize>> {
        let Backend::Redis(q) = &self.backend else {
            return Ok(None);
        };
        let mut conn = q.conn.clone();
        let built: bool = redis::cmd("EXISTS")
            .arg(q.key("built"))
            .query_async(&mut conn)
            .await?;
        if built {
            return Ok(None);
        }
        tracing::warn!(
            "the reminder schedule is missing from Redis; rebuilding it from the database"
        );
        self.rebuild().await.map(Some)
    }

    /// Puts every open send of the database back into Redis and sets the marker. Safe while
    /// workers run: a send already claimed is left to its claim, and the database fence stops
    /// any second sender.
    pub async fn rebuild(&self) -> Result<usize> {
        let Backend::Redis(q) = &self.backend else {
            return Ok(0);
        };
        let mut conn = q.conn.clone();
        let lock = q.key("rebuild-lock");
        let lock_token = uuid::Uuid::new_v4().simple().to_string();
        let got: Option<String> = redis::cmd("SET")
            .arg(&lock)
            .arg(&lock_token)
            .arg("NX")
            .arg("PX")
            .arg(600_000)
            .query_async(&mut conn)
            .await?;
        if got.is_none() {
            // Another worker is rebuilding; its marker will appear when it is done.
            return Ok(0);
        }
        let result = self.rebuild_locked(q).await;
        let _: i64 = redis::cmd("DEL").arg(&lock).query_async(&mut conn).await?;
        result
    }

    async fn rebuild_locked(&self, q: &RedisQueue) -> Result<usize> {
        let now = self.clock.now();
        let mut last = 0;
        let mut total = 0;
        loop {
            let page: Vec<(i32, String, DateTime<Utc>, Option<DateTime<Utc>>)> =
                reminder::Entity::find()
                    .select_only()
                    .column(reminder::Column::Id)
                    .column(reminder::Column::State)
                    .column(reminder::Column::DueAt)
                    .column(reminder::Column::LeaseUntil)
                    .filter(reminder::Column::Id.gt(last))
                    .filter(
                        reminder::Column::State
                            .is_in([State::Pending.as_str(), State::Sending.as_str()]),
                    )
                    .order_by_asc(reminder::Column::Id)
                    .limit(50_000)
                    .into_tuple()
                    .all(&self.db)
                    .await?;
            let Some((id, ..)) = page.last() else { break };
            last = *id;
            let due: Vec<Due> = page
                .iter()
                .map(|(id, state, due, lease)| {
                    // A send caught mid-flight is due when its lease runs out.
                    let at = if state == State::Sending.as_str() {
                        lease.unwrap_or(now).max(now)
                    } else {
                        *due
                    };
                    (*id, at)
                })
                .collect();
            total += due.len();
            self.schedule(&due).await?;
        }
        let mut conn = q.conn.clone();
        let _: () = redis::cmd("SET")
            .arg(q.key("built"))
            .arg(now.to_rfc3339())
            .query_async(&mut conn)
            .await?;
        tracing::info!(sends = total, "reminder schedule rebuilt from the database");
        Ok(total)
    }

    /// Takes a named lock for `ttl` if nobody holds it (embedded: always granted — there is
    /// one instance). Used so that only one of several workers runs maintenance at a time.
    pub async fn try_lock(&self, name: &str, ttl: Duration) -> Result<bool> {
        let Backend::Redis(q) = &self.backend else {
            return Ok(true);
        };
        let mut conn = q.conn.clone();
        let got: Option<String> = redis::cmd("SET")
            .arg(q.key(&format!("lock:{name}")))
            .arg(uuid::Uuid::new_v4().simple().to_string())
            .arg("NX")
            .arg("PX")
            .arg(u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX))
            .query_async(&mut conn)
            .await?;
        Ok(got.is_some())
    }

    /// Counts of what the scheduler holds (embedded: from the database).
    pub async fn stats(&self) -> Result<QueueStats> {
        match &self.backend {
            Backend::Redis(q) => {
                let mut conn = q.conn.clone();
                let (due, processing, dead): (u64, u64, u64) = redis::pipe()
                    .zcard(q.key("due"))
                    .zcard(q.key("processing"))
                    .llen(q.key("dead"))
                    .query_async(&mut conn)
                    .await?;
                Ok(QueueStats {
                    due,
                    processing,
                    dead,
                })
            }
            Backend::Embedded(_) => {
                use sea_orm::PaginatorTrait;
                let count = |s: State| {
                    reminder::Entity::find()
                        .filter(reminder::Column::State.eq(s.as_str()))
                        .count(&self.db)
                };
                Ok(QueueStats {
                    due: count(State::Pending).await?,
                    processing: count(State::Sending).await?,
                    dead: count(State::Dead).await?,
                })
            }
        }
    }

    /// The dead letters kept in Redis, newest first (ids and channel; see `log::dead_letters`
    /// for the full record).
    pub async fn dead_list(&self, limit: usize) -> Result<Vec<serde_json::Value>> {
        let Backend::Redis(q) = &self.backend else {
            return Ok(Vec::new());
        };
        let mut conn = q.conn.clone();
        let raw: Vec<String> = redis::cmd("LRANGE")
            .arg(q.key("dead"))
            .arg(0)
            .arg(isize::try_from(limit).unwrap_or(isize::MAX) - 1)
            .query_async(&mut conn)
            .await?;
        raw.iter()
            .map(|s| {
                serde_json::from_str(s)
                    .map_err(|e| Error::Other(format!("unreadable dead letter in Redis: {e}")))
            })
            .collect()
    }

    /// A key under this deployment's prefix (tests read the schedule through it).
    pub fn redis_key(&self, name: &str) -> Option<String> {
        match &self.backend {
            Backend::Redis(q) => Some(q.key(name)),
            Backend::Embedded(_) => None,
        }
    }
}

impl RedisQueue {
    fn key(&self, name: &str) -> String {
        format!("{}:remind:{name}", self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let s = Settings {
            retry_base: chrono::Duration::seconds(30),
            ..Settings::default()
        };
        assert_eq!(s.backoff(1).num_seconds(), 30);
        assert_eq!(s.backoff(2).num_seconds(), 60);
        assert_eq!(s.backoff(4).num_seconds(), 240);
        assert_eq!(s.backoff(40).num_seconds(), 6 * 3600);
    }
}
