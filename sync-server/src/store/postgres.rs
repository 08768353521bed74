//! The PostgreSQL store, for scale-out: several stateless servers sharing one
//! database. Same tables and meaning as the SQLite store; the schema comes
//! from numbered migrations (`postgres_migrations.rs`).
//!
//! **The cursor rule.** A tablet pulls "every field whose log sequence is
//! greater than my cursor". That is only safe if sequence numbers become
//! visible in order. PostgreSQL hands out identity (sequence) values when a
//! row is inserted, not when its transaction commits: push A may take seq 10,
//! push B seq 11, B commit first, and a tablet pull in between would see 11,
//! move its cursor past 10, and never pull A's change. So every push starts
//! by taking one transaction-level advisory lock ([`PUSH_LOCK`], released at
//! commit or rollback) *before* it takes any sequence number. Pushes from all
//! servers on the database then run one at a time, as SQLite's single writer
//! does, and a push's numbers are all greater than those of every push that
//! committed before it. PostgreSQL makes a commit visible before it releases
//! the transaction's locks, so the next push (and any pull after it) sees
//! everything the previous one wrote. A rolled-back push leaves a gap in the
//! numbers, which is harmless. Pulls take no lock.
//!
//! The connections use `NoTls`: the server is meant to reach PostgreSQL on
//! the same machine or a private link (the CI runs it on 127.0.0.1). Reaching
//! a database across an untrusted network would need a TLS connector (for
//! example `postgres-native-tls`) in place of `NoTls`; until then a warning is
//! logged when the URL names a host other than loopback.

use std::time::Duration;

use outpost_model::{
    Change,
    protocol::{HistoryEntry, User},
};
use postgres::{Config, NoTls, config::Host};
use r2d2_postgres::{
    PostgresConnectionManager,
    r2d2::{Pool, PooledConnection},
};

use super::{
    Blob, Origin, Permit, Pulled, PushOutcome, Session, Store, StoreError, StoreResult, StoredUser,
    UserUpdate,
    account_rules::{to_i64, to_u64},
    postgres_accounts as accounts, postgres_blobs, postgres_migrations,
    push::{parse_hlc, parse_value},
};

/// Advisory lock keys; any fixed numbers will do, and they only need to
/// differ from each other (advisory locks are per database).
/// Held by every push from its start to its commit: see the file header.
pub(super) const PUSH_LOCK: i64 = 0x4f55_5450_4f53_5401;
/// Held by account transactions that check a rule across rows.
pub(super) const ACCOUNTS_LOCK: i64 = 0x4f55_5450_4f53_5402;
/// Held while the schema is brought up to date.
pub(super) const MIGRATION_LOCK: i64 = 0x4f55_5450_4f53_5403;

/// Connections per server: pushes run one at a time anyway, and a few more
/// serve pulls and sign-ins side by side.
const POOL_SIZE: u32 = 8;
/// How long a request waits for a free connection (or a new one) before it
/// fails.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

type Manager = PostgresConnectionManager<NoTls>;

pub struct PostgresStore {
    /// Always `Some` until the store is dropped; see the `Drop` impl.
    pool: Option<Pool<Manager>>,
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        StoreError::Backend(Box::new(e))
    }
}

impl From<r2d2_postgres::r2d2::Error> for StoreError {
    fn from(e: r2d2_postgres::r2d2::Error) -> Self {
        StoreError::Backend(Box::new(e))
    }
}

/// Whether `url` names a PostgreSQL database rather than something else.
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// `url` with its password replaced by `***`, fit for logs and messages.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "***".to_owned();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
            let hidden = if userinfo.contains(':') { ":***" } else { "" };
            format!("{scheme}://{user}{hidden}@{host}{path}")
        }
        None => url.to_owned(),
    }
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user:password@host:port/db`)
    /// and brings its schema up to date. Call it off the async workers: the
    /// client blocks.
    pub fn open(url: &str) -> StoreResult<Self> {
        let mut config: Config = url
            .parse()
            .map_err(|e: postgres::Error| StoreError::BadDatabaseUrl(e.to_string()))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        warn_if_remote(&config);
        // One connection of its own first: a wrong password or an unknown
        // database fails at once, with PostgreSQL's own words, instead of
        // after the pool's retries.
        let mut first = config.connect(NoTls)?;
        postgres_migrations::run(&mut first)?;
        drop(first);
        let pool = Pool::builder()
            .max_size(POOL_SIZE)
            .min_idle(Some(1))
            .connection_timeout(CONNECT_TIMEOUT)
            .build_unchecked(PostgresConnectionManager::new(config, NoTls));
        Ok(Self { pool: Some(pool) })
    }

    fn conn(&self) -> StoreResult<PooledConnection<Manager>> {
        let pool = self
            .pool
            .as_ref()
            .ok_or_else(|| StoreError::Corrupt("the store is closed".to_owned()))?;
        Ok(pool.get()?)
    }
}

impl Drop for PostgresStore {
    fn drop(&mut self) {
        // A `postgres::Client` closes its connection by blocking on its own
        // runtime, which panics on a thread that drives async tasks (the
        // server drops its state at the end of `serve`). Closing them on a
        // thread of their own is safe wherever the store is dropped.
        if let Some(pool) = self.pool.take() {
            let closing = std::thread::spawn(move || drop(pool));
            if closing.join().is_err() {
                tracing::warn!("closing the database connections failed");
            }
        }
    }
}

fn warn_if_remote(config: &Config) {
    let remote = config.get_hosts().iter().any(|host| match host {
        Host::Tcp(name) => {
            name != "localhost"
                && !name
                    .trim_matches(['[', ']'])
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
        Host::Unix(_) => false,
    });
    if remote {
        tracing::warn!(
            "the database is not on this machine, and connections to it are not encrypted \
             (no TLS): reach it only over a private network"
        );
    }
}

impl Store for PostgresStore {
    fn user_count(&self) -> StoreResult<u64> {
        accounts::user_count(&mut *self.conn()?)
    }

    fn add_user(&self, user: &User, password_hash: &str, created_at: &str) -> StoreResult<()> {
        accounts::add_user(&mut *self.conn()?, user, password_hash, created_at)
    }

    fn user_by_name(&self, name: &str) -> StoreResult<Option<StoredUser>> {
        accounts::user_by_name(&mut *self.conn()?, name)
    }

    fn user_by_id(&self, id: &str) -> StoreResult<Option<User>> {
        accounts::user_by_id(&mut *self.conn()?, id)
    }

    fn users(&self) -> StoreResult<Vec<User>> {
        accounts::users(&mut *self.conn()?)
    }

    fn update_user(&self, id: &str, update: &UserUpdate) -> StoreResult<Option<User>> {
        accounts::update_user(&mut *self.conn()?, id, update)
    }

    fn set_setup_code(&self, code_hash: &str) -> StoreResult<()> {
        accounts::set_setup_code(&mut *self.conn()?, code_hash)
    }

    fn setup_code_matches(&self, code_hash: &str) -> StoreResult<bool> {
        accounts::setup_code_matches(&mut *self.conn()?, code_hash)
    }

    fn finish_setup(
        &self,
        code_hash: &str,
        admin: &User,
        password_hash: &str,
        created_at: &str,
    ) -> StoreResult<()> {
        accounts::finish_setup(
            &mut *self.conn()?,
            code_hash,
            admin,
            password_hash,
            created_at,
        )
    }

    fn add_token(
        &self,
        token_hash: &str,
        user_id: &str,
        device_id: &str,
        expires_at_ms: u64,
    ) -> StoreResult<()> {
        accounts::add_token(
            &mut *self.conn()?,
            token_hash,
            user_id,
            device_id,
            expires_at_ms,
        )
    }

    fn session(
        &self,
        token_hash: &str,
        now_ms: u64,
        extend_to_ms: u64,
    ) -> StoreResult<Option<Session>> {
        accounts::session(&mut *self.conn()?, token_hash, now_ms, extend_to_ms)
    }

    fn remove_token(&self, token_hash: &str) -> StoreResult<()> {
        self.conn()?
            .execute("DELETE FROM tokens WHERE token_hash = $1", &[&token_hash])?;
        Ok(())
    }

    fn push(
        &self,
        changes: &[Change],
        origin: &Origin,
        permit: &Permit,
    ) -> StoreResult<PushOutcome> {
        super::postgres_push::push(&mut *self.conn()?, changes, origin, permit)
    }

    fn pull(&self, after: u64, limit: u32) -> StoreResult<Vec<Pulled>> {
        let rows = self.conn()?.query(
            "SELECT collection, record_id, field, value, hlc, seq FROM fields
             WHERE seq > $1 ORDER BY seq LIMIT $2",
            &[&to_i64(after), &i64::from(limit)],
        )?;
        rows.iter()
            .map(|row| {
                Ok(Pulled {
                    seq: to_u64(row.try_get(5)?),
                    collection: row.try_get(0)?,
                    id: row.try_get(1)?,
                    field: row.try_get(2)?,
                    value: row.try_get(3)?,
                    hlc: row.try_get(4)?,
                })
            })
            .collect()
    }

    fn count_after(&self, after: u64) -> StoreResult<u64> {
        let row = self.conn()?.query_one(
            "SELECT COUNT(*) FROM fields WHERE seq > $1",
            &[&to_i64(after)],
        )?;
        Ok(to_u64(row.try_get(0)?))
    }

    fn current_field(
        &self,
        collection: &str,
        id: &str,
        field: &str,
    ) -> StoreResult<Option<outpost_model::FieldState>> {
        let row = self.conn()?.query_opt(
            "SELECT value, hlc FROM fields
             WHERE collection = $1 AND record_id = $2 AND field = $3",
            &[&collection, &id, &field],
        )?;
        let Some(row) = row else { return Ok(None) };
        let (value, hlc): (String, String) = (row.try_get(0)?, row.try_get(1)?);
        Ok(Some(outpost_model::FieldState {
            value: parse_value(&value)?,
            hlc: parse_hlc(&hlc)?,
        }))
    }

    fn history(&self, collection: &str, id: &str) -> StoreResult<Vec<HistoryEntry>> {
        // A log entry is current when it is the one that set the field.
        let rows = self.conn()?.query(
            "SELECT c.field, c.value, c.hlc, c.user_id, c.device_id, c.received_at,
                    f.seq IS NOT NULL
             FROM changes c
             LEFT JOIN fields f
               ON f.collection = c.collection AND f.record_id = c.record_id
              AND f.field = c.field AND f.seq = c.seq
             WHERE c.collection = $1 AND c.record_id = $2
             ORDER BY c.hlc, c.seq",
            &[&collection, &id],
        )?;
        rows.iter()
            .map(|row| {
                Ok(HistoryEntry {
                    field: row.try_get(0)?,
                    value: parse_value(row.try_get(1)?)?,
                    hlc: parse_hlc(row.try_get(2)?)?,
                    user: row.try_get(3)?,
                    device: row.try_get(4)?,
                    received_at: row.try_get(5)?,
                    current: row.try_get(6)?,
                })
            })
            .collect()
    }

    fn put_blob(&self, blob: &Blob, uploaded_by: &str, received_at: &str) -> StoreResult<bool> {
        postgres_blobs::put(&mut *self.conn()?, blob, uploaded_by, received_at)
    }

    fn blob(&self, sha256: &str) -> StoreResult<Option<Blob>> {
        postgres_blobs::get(&mut *self.conn()?, sha256)
    }

    fn size_bytes(&self) -> StoreResult<u64> {
        let size: i64 = self
            .conn()?
            .query_one("SELECT pg_database_size(current_database())", &[])?
            .try_get(0)?;
        Ok(to_u64(size))
    }

    fn backup_to(&self, _to: &std::path::Path) -> StoreResult<()> {
        Err(StoreError::Unsupported(
            "outpost-server backup copies SQLite databases only; back up PostgreSQL with pg_dump \
             (docs/operations.md)",
        ))
    }

    fn commit_durability(&self) -> StoreResult<String> {
        super::postgres_push::commit_durability(&mut *self.conn()?)
    }
}

#[cfg(test)]
mod tests {
    use super::{is_postgres_url, redact};

    #[test]
    fn a_url_is_shown_without_its_password() {
        assert_eq!(
            redact("postgres://outpost:s3cret@127.0.0.1:5432/outpost"),
            "postgres://outpost:***@127.0.0.1:5432/outpost"
        );
        assert_eq!(
            redact("postgres://outpost@db/outpost?sslmode=disable"),
            "postgres://outpost@db/outpost?sslmode=disable"
        );
        assert_eq!(redact("postgresql://db"), "postgresql://db");
        assert_eq!(redact("host=db password=x"), "***");
    }

    #[test]
    fn only_postgres_schemes_are_postgres_urls() {
        assert!(is_postgres_url("postgres://u@h/d"));
        assert!(is_postgres_url("postgresql://u@h/d"));
        assert!(!is_postgres_url("./data"));
        assert!(!is_postgres_url("sqlite://x"));
    }
}
