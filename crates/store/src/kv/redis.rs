//! Redis KV through a deadpool connection pool. Compound operations are Lua scripts, so each is
//! atomic on the server.

use std::time::Duration;

use deadpool_redis::redis::{self, RedisError, Script};
use deadpool_redis::{Config, Connection, PoolConfig, Runtime, Timeouts};

use super::{KvError, ttl_millis};

/// How long to wait for a pooled connection, a new connection, or a health check before
/// reporting the store unavailable (callers must not hang when Redis is down).
const POOL_TIMEOUT: Duration = Duration::from_secs(3);
const POOL_SIZE: usize = 16;

/// Keys deleted per `DEL` when clearing a prefix.
const CLEAR_BATCH: usize = 500;

const UNLOCK: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0";

const EXTEND: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0";

// The expiry is set when the key is created, and repaired if the key somehow has none (e.g. it
// was written by a plain SET), so a counter can never live forever.
const INCR_WINDOW: &str = r"
local count = redis.call('INCR', KEYS[1])
if count == 1 or redis.call('PTTL', KEYS[1]) == -1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return count";

/// The Redis-backed store. Cheap to clone (the pool is shared). Needs Redis 6.2 or newer
/// (`GETDEL`).
#[derive(Clone)]
pub struct RedisKv {
    pool: deadpool_redis::Pool,
    prefix: String,
}

impl std::fmt::Debug for RedisKv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may hold a password: never print it.
        f.debug_struct("RedisKv")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

fn map_err(err: RedisError) -> KvError {
    if err.is_io_error()
        || err.is_connection_refusal()
        || err.is_connection_dropped()
        || err.is_timeout()
    {
        KvError::Unavailable(err.to_string())
    } else {
        KvError::Command(err.to_string())
    }
}

fn map_pool_err(err: deadpool_redis::PoolError) -> KvError {
    match err {
        deadpool_redis::PoolError::Backend(err) => map_err(err),
        other => KvError::Unavailable(other.to_string()),
    }
}

/// Escapes glob metacharacters for `SCAN … MATCH`.
fn glob_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl RedisKv {
    /// A pool for `url`; every key gets `prefix` in front. No connection is made yet.
    pub fn new(url: &str, prefix: &str) -> Result<Self, KvError> {
        let mut config = Config::from_url(url);
        let mut pool = PoolConfig::new(POOL_SIZE);
        pool.timeouts = Timeouts {
            wait: Some(POOL_TIMEOUT),
            create: Some(POOL_TIMEOUT),
            recycle: Some(POOL_TIMEOUT),
        };
        config.pool = Some(pool);
        let pool = config
            .create_pool(Some(Runtime::Tokio1))
            .map_err(|e| KvError::Config(format!("Redis: {e}")))?;
        Ok(Self {
            pool,
            prefix: prefix.to_owned(),
        })
    }

    /// The key prefix.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    async fn conn(&self) -> Result<Connection, KvError> {
        self.pool.get().await.map_err(map_pool_err)
    }

    async fn query<T: redis::FromRedisValue>(&self, cmd: &redis::Cmd) -> Result<T, KvError> {
        let mut conn = self.conn().await?;
        cmd.query_async(&mut conn).await.map_err(map_err)
    }

    async fn script<T: redis::FromRedisValue>(
        &self,
        source: &str,
        key: &str,
        args: &[&str],
    ) -> Result<T, KvError> {
        let mut conn = self.conn().await?;
        let script = Script::new(source);
        let mut invocation = script.key(self.key(key));
        for arg in args {
            invocation.arg(*arg);
        }
        invocation.invoke_async(&mut conn).await.map_err(map_err)
    }

    pub(super) async fn ping(&self) -> Result<(), KvError> {
        self.query::<String>(&redis::cmd("PING")).await.map(|_| ())
    }

    pub(super) async fn get(&self, key: &str) -> Result<Option<String>, KvError> {
        self.query(redis::cmd("GET").arg(self.key(key))).await
    }

    fn set_cmd(&self, key: &str, value: &str, ttl: Option<Duration>) -> redis::Cmd {
        let mut cmd = redis::cmd("SET");
        cmd.arg(self.key(key)).arg(value);
        if let Some(ttl) = ttl {
            cmd.arg("PX").arg(ttl_millis(ttl));
        }
        cmd
    }

    pub(super) async fn set(
        &self,
        key: &str,
        value: &str,
        ttl: Option<Duration>,
    ) -> Result<(), KvError> {
        self.query::<()>(&self.set_cmd(key, value, ttl)).await
    }

    pub(super) async fn set_nx(
        &self,
        key: &str,
        value: &str,
        ttl: Option<Duration>,
    ) -> Result<bool, KvError> {
        let mut cmd = self.set_cmd(key, value, ttl);
        cmd.arg("NX");
        // `OK` when stored, nil when the key exists.
        Ok(self.query::<Option<String>>(&cmd).await?.is_some())
    }

    pub(super) async fn del(&self, key: &str) -> Result<bool, KvError> {
        Ok(self
            .query::<u64>(redis::cmd("DEL").arg(self.key(key)))
            .await?
            > 0)
    }

    pub(super) async fn get_del(&self, key: &str) -> Result<Option<String>, KvError> {
        self.query(redis::cmd("GETDEL").arg(self.key(key))).await
    }

    pub(super) async fn incr_window(&self, key: &str, window: Duration) -> Result<u64, KvError> {
        let window = ttl_millis(window).to_string();
        self.script(INCR_WINDOW, key, &[&window]).await
    }

    pub(super) async fn ttl(&self, key: &str) -> Result<Option<Duration>, KvError> {
        let millis: i64 = self.query(redis::cmd("PTTL").arg(self.key(key))).await?;
        // -2: no such key; -1: no expiry.
        Ok(u64::try_from(millis).ok().map(Duration::from_millis))
    }

    pub(super) async fn unlock(&self, key: &str, token: &str) -> Result<bool, KvError> {
        Ok(self.script::<u64>(UNLOCK, key, &[token]).await? > 0)
    }

    pub(super) async fn extend(
        &self,
        key: &str,
        token: &str,
        ttl: Duration,
    ) -> Result<bool, KvError> {
        let ttl = ttl_millis(ttl).to_string();
        Ok(self.script::<u64>(EXTEND, key, &[token, &ttl]).await? > 0)
    }

    pub(super) async fn clear(&self) -> Result<u64, KvError> {
        if self.prefix.is_empty() {
            return Err(KvError::Command(
                "refusing to clear a Redis store without a key prefix".into(),
            ));
        }
        let pattern = format!("{}*", glob_escape(&self.prefix));
        let mut conn = self.conn().await?;
        let mut cursor: u64 = 0;
        let mut deleted = 0;
        loop {
            let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(&pattern)
                .arg("COUNT")
                .arg(CLEAR_BATCH)
                .query_async(&mut conn)
                .await
                .map_err(map_err)?;
            for chunk in keys.chunks(CLEAR_BATCH) {
                let n: u64 = redis::cmd("DEL")
                    .arg(chunk)
                    .query_async(&mut conn)
                    .await
                    .map_err(map_err)?;
                deleted += n;
            }
            if next == 0 {
                return Ok(deleted);
            }
            cursor = next;
        }
    }
}
