//! The store behind the server: users, sessions, the audit log of every change
//! received, the current value of every field, and attachment blobs.
//!
//! Handlers talk to a [`Store`] trait object, so SQLite (one server) and
//! PostgreSQL (stateless servers sharing one database) are interchangeable. The trait is
//! synchronous: every implementation is called from `spawn_blocking`, which keeps
//! blocking database work off the async workers.

mod account_rules;
mod migrations;
pub mod postgres;
mod postgres_accounts;
mod postgres_blobs;
mod postgres_migrations;
mod postgres_push;
mod push;
pub mod sqlite;
mod sqlite_accounts;
pub(crate) mod sqlite_backup;
mod sqlite_blobs;
mod sqlite_checkpoint;
mod sqlite_facts;
mod sqlite_push;

use outpost_model::{
    Change,
    protocol::{HistoryEntry, Role, User},
};

pub use self::postgres::PostgresStore;
/// The facts the role rules read are the model's, so the tablet and the
/// server decide with one type.
pub use outpost_model::roles::RecordFacts;
pub use sqlite::SqliteStore;

/// Why the store could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("a user called {0:?} already exists")]
    DuplicateUser(String),
    #[error("that would leave no active admin")]
    LastAdmin,
    #[error("the first admin has already been created")]
    AlreadySetUp,
    #[error("the setup code is wrong or has been used")]
    BadSetupCode,
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
    #[error("the database URL is not valid: {0}")]
    BadDatabaseUrl(String),
    #[error("{0}")]
    Unsupported(&'static str),
    #[error("database error")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A user as stored, with the password hash that never leaves the server.
#[derive(Debug, Clone)]
pub struct StoredUser {
    pub user: User,
    pub password_hash: String,
}

/// A signed-in device: who it is and which device the token was issued to.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub device_id: String,
    pub expires_at_ms: u64,
}

/// Where a pushed batch came from, recorded with every change in the log.
#[derive(Debug, Clone)]
pub struct Origin {
    pub user_id: String,
    pub device_id: String,
    /// RFC 3339, the server's clock.
    pub received_at: String,
}

/// What a push did: `accepted` changes became current values; `ignored` ones
/// were already in the log or lost to a newer value (they are still logged);
/// `refused` are the indexes of changes the pusher may not make, each with
/// the reason `permit` gave.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushOutcome {
    pub accepted: u64,
    pub ignored: u64,
    pub refused: Vec<(usize, String)>,
}

/// Decides whether a change may be made, given its record's facts and a way
/// to look up another record's (the incident an event points to); `Err` says
/// why not, in a sentence for a person.
pub type Permit = dyn Fn(&Change, &RecordFacts, &Lookup) -> Result<(), String> + Send + Sync;

/// The role rules' look-up of another record's facts (`outpost_model::roles`).
pub use outpost_model::roles::Lookup;

/// One current field value and the log sequence number that set it; the
/// sequence number is the pull cursor. The value and stamp are the text
/// they are stored as (written by a push, so valid), which the answer copies
/// rather than parsing and printing again.
#[derive(Debug, Clone)]
pub struct Pulled {
    pub seq: u64,
    pub collection: String,
    pub id: String,
    pub field: String,
    /// The value's JSON text.
    pub value: String,
    /// The stamp's text form, which sorts like the clock.
    pub hlc: String,
}

/// An attachment's bytes, named by their SHA-256 (64 lowercase hex digits)
/// and kept with the `Content-Type` they were uploaded with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    pub sha256: String,
    pub mime: String,
    pub bytes: Vec<u8>,
}

/// What an admin changes about an account; `None` leaves it as it is.
#[derive(Debug, Clone, Default)]
pub struct UserUpdate {
    pub role: Option<Role>,
    pub disabled: Option<bool>,
    pub password_hash: Option<String>,
}

pub trait Store: Send + Sync + 'static {
    fn user_count(&self) -> StoreResult<u64>;
    /// Adds a user; names are unique regardless of letter case.
    fn add_user(&self, user: &User, password_hash: &str, created_at: &str) -> StoreResult<()>;
    /// Looks a user up by name, ignoring letter case.
    fn user_by_name(&self, name: &str) -> StoreResult<Option<StoredUser>>;
    fn user_by_id(&self, id: &str) -> StoreResult<Option<User>>;
    fn users(&self) -> StoreResult<Vec<User>>;
    /// Changes an account in one transaction; `None` when there is no such
    /// user. Refuses ([`StoreError::LastAdmin`]) to leave no enabled admin.
    /// Disabling an account or setting its password removes its tokens.
    fn update_user(&self, id: &str, update: &UserUpdate) -> StoreResult<Option<User>>;

    /// Keeps the hash of a new one-time setup code, replacing any earlier one.
    fn set_setup_code(&self, code_hash: &str) -> StoreResult<()>;
    /// Whether `code_hash` is the current setup code's hash.
    fn setup_code_matches(&self, code_hash: &str) -> StoreResult<bool>;
    /// Creates the first admin with the setup code, in one transaction: fails
    /// with [`StoreError::AlreadySetUp`] once any account exists, and with
    /// [`StoreError::BadSetupCode`] unless the code matches; the code is used
    /// up either way it succeeds.
    fn finish_setup(
        &self,
        code_hash: &str,
        admin: &User,
        password_hash: &str,
        created_at: &str,
    ) -> StoreResult<()>;

    /// Keeps a token's hash (never the token) bound to a user and a device,
    /// ending any other session on that device.
    fn add_token(
        &self,
        token_hash: &str,
        user_id: &str,
        device_id: &str,
        expires_at_ms: u64,
    ) -> StoreResult<()>;
    /// The session of an unexpired token. When less than `extend_to_ms` is
    /// left, the expiry slides forward to it, so a device in daily use is never
    /// signed out.
    fn session(
        &self,
        token_hash: &str,
        now_ms: u64,
        extend_to_ms: u64,
    ) -> StoreResult<Option<Session>>;
    fn remove_token(&self, token_hash: &str) -> StoreResult<()>;

    /// Logs every change and applies the winners, all in one durable
    /// transaction: when this returns `Ok`, the changes survive a crash.
    ///
    /// A change already in the log is ignored. Any other change is first put
    /// to `permit` with the facts of its record as they were before this push
    /// (read inside the transaction, so no other push can slip in between);
    /// a change it refuses is neither logged nor applied, and its index is
    /// listed in [`PushOutcome::refused`].
    fn push(
        &self,
        changes: &[Change],
        origin: &Origin,
        permit: &Permit,
    ) -> StoreResult<PushOutcome>;
    /// Current values set after log sequence `after`, oldest first, at most
    /// `limit` of them.
    fn pull(&self, after: u64, limit: u32) -> StoreResult<Vec<Pulled>>;
    /// How many current values changed after log position `after`: what a
    /// pull from there would still bring.
    fn count_after(&self, after: u64) -> StoreResult<u64>;
    /// Every change ever received for one record, in clock order.
    fn history(&self, collection: &str, id: &str) -> StoreResult<Vec<HistoryEntry>>;
    /// One field's current value and stamp, if the server has one.
    fn current_field(
        &self,
        collection: &str,
        id: &str,
        field: &str,
    ) -> StoreResult<Option<outpost_model::FieldState>>;
    /// Keeps a blob, in one durable transaction, unless one with the same
    /// hash is already stored (the caller has checked that the hash is the
    /// bytes'). `true` when it was new; `false` leaves the stored one as it
    /// was. `received_at` is RFC 3339.
    fn put_blob(&self, blob: &Blob, uploaded_by: &str, received_at: &str) -> StoreResult<bool>;
    /// The blob with this hash, if one is stored.
    fn blob(&self, sha256: &str) -> StoreResult<Option<Blob>>;
    /// The database's size on disk, in bytes.
    fn size_bytes(&self) -> StoreResult<u64>;
    /// A consistent copy of the live database, written to `to`.
    fn backup_to(&self, to: &std::path::Path) -> StoreResult<()>;
    /// The setting that makes a push's commit durable, `name=value`, read
    /// from the connection (and, where it is per transaction, the kind of
    /// transaction) that commits pushes.
    fn commit_durability(&self) -> StoreResult<String>;
}

/// Roles are stored as their wire names.
pub(crate) fn role_from_db(s: &str) -> StoreResult<Role> {
    Role::parse(s).ok_or_else(|| StoreError::Corrupt(format!("unknown role {s:?}")))
}
