//! The account rules, written once for every store: never leave no enabled
//! admin, one session per device, a setup code that works once, sessions
//! that slide forward at most once a day. Each store gives the SQL through
//! [`AccountsTx`] (`sqlite_accounts.rs`, `postgres_accounts.rs`) and opens,
//! locks and commits the transaction around these functions, so each rule
//! is checked inside the transaction that acts on it.

use outpost_model::protocol::{Role, User};

use super::{StoreError, StoreResult, UserUpdate};

/// The session expiry moves forward at most once a day, so signed-in reads do
/// not each turn into a write.
pub const SLIDE_STEP_MS: u64 = 24 * 60 * 60 * 1000;

/// Expired tokens are kept this long past their expiry before a sign-in
/// clears them.
const EXPIRED_KEPT_MS: u64 = 60 * SLIDE_STEP_MS;

/// Milliseconds and counts as the databases store them (signed).
pub fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

pub fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// The steps of the account rules inside one store's open transaction.
pub(super) trait AccountsTx {
    fn user_count(&mut self) -> StoreResult<u64>;
    fn user_by_id(&mut self, id: &str) -> StoreResult<Option<User>>;
    /// Fails with [`StoreError::DuplicateUser`] when the name is taken.
    fn add_user(&mut self, user: &User, password_hash: &str, created_at: &str) -> StoreResult<()>;
    fn set_role(&mut self, id: &str, role: Role) -> StoreResult<()>;
    fn set_disabled(&mut self, id: &str, disabled: bool) -> StoreResult<()>;
    fn set_password_hash(&mut self, id: &str, hash: &str) -> StoreResult<()>;
    /// How many accounts are admins and not disabled.
    fn enabled_admins(&mut self) -> StoreResult<u64>;
    fn remove_tokens_of_user(&mut self, user_id: &str) -> StoreResult<()>;
    fn remove_tokens_of_device(&mut self, device_id: &str) -> StoreResult<()>;
    fn remove_tokens_expired_before(&mut self, ms: u64) -> StoreResult<()>;
    fn insert_token(
        &mut self,
        token_hash: &str,
        user_id: &str,
        device_id: &str,
        expires_at_ms: u64,
    ) -> StoreResult<()>;
    /// Removes the setup code if its hash is `code_hash`; whether it was.
    fn use_setup_code(&mut self, code_hash: &str) -> StoreResult<bool>;
}

/// Changes an account; `None` when there is no such user. Refuses
/// ([`StoreError::LastAdmin`]) to leave no enabled admin; the caller rolls
/// back on any error.
pub(super) fn update_user(
    tx: &mut impl AccountsTx,
    id: &str,
    update: &UserUpdate,
) -> StoreResult<Option<User>> {
    let Some(before) = tx.user_by_id(id)? else {
        return Ok(None);
    };
    if let Some(role) = update.role {
        tx.set_role(id, role)?;
    }
    if let Some(disabled) = update.disabled {
        tx.set_disabled(id, disabled)?;
    }
    if let Some(hash) = &update.password_hash {
        tx.set_password_hash(id, hash)?;
    }
    // Counted inside the transaction, so two admins demoting each other at
    // once cannot both succeed.
    if before.role == Role::Admin && !before.disabled && tx.enabled_admins()? == 0 {
        return Err(StoreError::LastAdmin);
    }
    // A disabled account or a new password ends every session of the account.
    if update.disabled == Some(true) || update.password_hash.is_some() {
        tx.remove_tokens_of_user(id)?;
    }
    tx.user_by_id(id)
}

/// Keeps a new token, ending any other session on the same device.
pub(super) fn add_token(
    tx: &mut impl AccountsTx,
    token_hash: &str,
    user_id: &str,
    device_id: &str,
    expires_at_ms: u64,
) -> StoreResult<()> {
    // Expired tokens are useless; clearing them here keeps the table small
    // without a background job.
    tx.remove_tokens_expired_before(expires_at_ms.saturating_sub(EXPIRED_KEPT_MS))?;
    // One session per device: a device id is bound to the session that
    // signed it in last, so whoever signs in on a device (or claims its id)
    // ends the session that was there instead of sharing it.
    tx.remove_tokens_of_device(device_id)?;
    tx.insert_token(token_hash, user_id, device_id, expires_at_ms)
}

/// Creates the first admin with the setup code: fails with
/// [`StoreError::AlreadySetUp`] once any account exists, and with
/// [`StoreError::BadSetupCode`] unless the code matches; the caller rolls
/// back on any error, so the code is used up only when this succeeds.
pub(super) fn finish_setup(
    tx: &mut impl AccountsTx,
    code_hash: &str,
    admin: &User,
    password_hash: &str,
    created_at: &str,
) -> StoreResult<()> {
    if tx.user_count()? > 0 {
        return Err(StoreError::AlreadySetUp);
    }
    if !tx.use_setup_code(code_hash)? {
        return Err(StoreError::BadSetupCode);
    }
    tx.add_user(admin, password_hash, created_at)
}

/// A stored token's expiry as of `now_ms`: `None` once it has expired,
/// otherwise the expiry to report and whether it should be stored (it
/// slides forward to `extend_to_ms` when less than that is left, at most
/// once a day).
pub(super) fn session_expiry(
    expires_at_ms: u64,
    now_ms: u64,
    extend_to_ms: u64,
) -> Option<(u64, bool)> {
    if expires_at_ms <= now_ms {
        return None;
    }
    if expires_at_ms.saturating_add(SLIDE_STEP_MS) < extend_to_ms {
        Some((extend_to_ms, true))
    } else {
        Some((expires_at_ms, false))
    }
}
