//! The account half of the PostgreSQL store: users, tokens and the one-time
//! setup code, with the same meaning as `sqlite_accounts.rs`.
//!
//! SQLite runs one write transaction at a time, which the account rules lean
//! on ("never leave no admin", "one session per device", "the setup code works
//! once"). PostgreSQL runs them side by side, so every transaction that
//! checks such a rule first takes the accounts lock (an advisory lock held to
//! commit); only these rare transactions wait for each other. The rules
//! themselves are in `account_rules.rs`; this file gives their SQL
//! ([`Accounts`]).

use outpost_model::protocol::{Role, User};
use postgres::{Client, GenericClient, Row, Transaction, error::SqlState};

use super::{
    Session, StoreError, StoreResult, StoredUser, UserUpdate,
    account_rules::{self, AccountsTx, to_i64, to_u64},
    postgres::ACCOUNTS_LOCK,
    role_from_db,
};

const USER_COLUMNS: &str = "id, name, role, disabled, password_hash";

fn stored_user(row: &Row) -> StoreResult<StoredUser> {
    let role: String = row.try_get(2)?;
    Ok(StoredUser {
        user: User {
            id: row.try_get(0)?,
            name: row.try_get(1)?,
            role: role_from_db(&role)?,
            disabled: row.try_get(3)?,
        },
        password_hash: row.try_get(4)?,
    })
}

fn lock_accounts(tx: &mut impl GenericClient) -> StoreResult<()> {
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&ACCOUNTS_LOCK])?;
    Ok(())
}

pub fn user_count(conn: &mut impl GenericClient) -> StoreResult<u64> {
    let n: i64 = conn
        .query_one("SELECT COUNT(*) FROM users", &[])?
        .try_get(0)?;
    Ok(to_u64(n))
}

pub fn add_user(
    conn: &mut impl GenericClient,
    user: &User,
    password_hash: &str,
    created_at: &str,
) -> StoreResult<()> {
    let result = conn.execute(
        "INSERT INTO users (id, name, role, password_hash, created_at, disabled)
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            &user.id,
            &user.name,
            &user.role.as_str(),
            &password_hash,
            &created_at,
            &user.disabled,
        ],
    );
    match result {
        Ok(_) => Ok(()),
        Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => {
            Err(StoreError::DuplicateUser(user.name.clone()))
        }
        Err(e) => Err(e.into()),
    }
}

pub fn user_by_name(conn: &mut impl GenericClient, name: &str) -> StoreResult<Option<StoredUser>> {
    conn.query_opt(
        &format!("SELECT {USER_COLUMNS} FROM users WHERE lower(name) = lower($1)"),
        &[&name],
    )?
    .map(|row| stored_user(&row))
    .transpose()
}

pub fn user_by_id(conn: &mut impl GenericClient, id: &str) -> StoreResult<Option<User>> {
    conn.query_opt(
        &format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"),
        &[&id],
    )?
    .map(|row| stored_user(&row).map(|s| s.user))
    .transpose()
}

pub fn users(conn: &mut impl GenericClient) -> StoreResult<Vec<User>> {
    // The order SQLite's case-insensitive name column gives.
    conn.query(
        &format!("SELECT {USER_COLUMNS} FROM users ORDER BY lower(name), name"),
        &[],
    )?
    .iter()
    .map(|row| stored_user(row).map(|s| s.user))
    .collect()
}

pub fn update_user(conn: &mut Client, id: &str, update: &UserUpdate) -> StoreResult<Option<User>> {
    let mut tx = conn.transaction()?;
    // Two admins demoting each other at once must not both succeed.
    lock_accounts(&mut tx)?;
    let after = account_rules::update_user(&mut Accounts(&mut tx), id, update)?;
    tx.commit()?;
    Ok(after)
}

pub fn add_token(
    conn: &mut Client,
    token_hash: &str,
    user_id: &str,
    device_id: &str,
    expires_at_ms: u64,
) -> StoreResult<()> {
    let mut tx = conn.transaction()?;
    // Two sign-ins on one device at once must leave one session, not two.
    lock_accounts(&mut tx)?;
    account_rules::add_token(
        &mut Accounts(&mut tx),
        token_hash,
        user_id,
        device_id,
        expires_at_ms,
    )?;
    tx.commit()?;
    Ok(())
}

/// The session of an unexpired token of an enabled account, sliding its
/// expiry forward to `extend_to_ms` when less than that is left (at most once
/// a day, so signed-in reads do not each turn into a write).
pub fn session(
    conn: &mut Client,
    token_hash: &str,
    now_ms: u64,
    extend_to_ms: u64,
) -> StoreResult<Option<Session>> {
    let row = conn.query_opt(
        "SELECT u.id, u.name, u.role, t.device_id, t.expires_at_ms
         FROM tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = $1 AND NOT u.disabled",
        &[&token_hash],
    )?;
    let Some(row) = row else {
        return Ok(None);
    };
    let Some((expires_at_ms, slide)) =
        account_rules::session_expiry(to_u64(row.try_get(4)?), now_ms, extend_to_ms)
    else {
        return Ok(None);
    };
    if slide {
        conn.execute(
            "UPDATE tokens SET expires_at_ms = $2 WHERE token_hash = $1",
            &[&token_hash, &to_i64(expires_at_ms)],
        )?;
    }
    let role: String = row.try_get(2)?;
    Ok(Some(Session {
        user: User {
            id: row.try_get(0)?,
            name: row.try_get(1)?,
            role: role_from_db(&role)?,
            disabled: false,
        },
        device_id: row.try_get(3)?,
        expires_at_ms,
    }))
}

pub fn set_setup_code(conn: &mut Client, code_hash: &str) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO setup_code (one, code_hash) VALUES (1, $1)
         ON CONFLICT (one) DO UPDATE SET code_hash = excluded.code_hash",
        &[&code_hash],
    )?;
    Ok(())
}

pub fn setup_code_matches(conn: &mut Client, code_hash: &str) -> StoreResult<bool> {
    let found = conn.query_opt(
        "SELECT 1 FROM setup_code WHERE code_hash = $1",
        &[&code_hash],
    )?;
    Ok(found.is_some())
}

pub fn finish_setup(
    conn: &mut Client,
    code_hash: &str,
    admin: &User,
    password_hash: &str,
    created_at: &str,
) -> StoreResult<()> {
    let mut tx = conn.transaction()?;
    // Two first admins racing each other: one wins, the other is told the
    // server is already set up.
    lock_accounts(&mut tx)?;
    account_rules::finish_setup(
        &mut Accounts(&mut tx),
        code_hash,
        admin,
        password_hash,
        created_at,
    )?;
    tx.commit()?;
    Ok(())
}

/// The account rules' steps on one PostgreSQL transaction that holds the
/// accounts lock.
struct Accounts<'t, 'c>(&'t mut Transaction<'c>);

impl AccountsTx for Accounts<'_, '_> {
    fn user_count(&mut self) -> StoreResult<u64> {
        user_count(self.0)
    }

    fn user_by_id(&mut self, id: &str) -> StoreResult<Option<User>> {
        user_by_id(self.0, id)
    }

    fn add_user(&mut self, user: &User, password_hash: &str, created_at: &str) -> StoreResult<()> {
        add_user(self.0, user, password_hash, created_at)
    }

    fn set_role(&mut self, id: &str, role: Role) -> StoreResult<()> {
        self.0.execute(
            "UPDATE users SET role = $2 WHERE id = $1",
            &[&id, &role.as_str()],
        )?;
        Ok(())
    }

    fn set_disabled(&mut self, id: &str, disabled: bool) -> StoreResult<()> {
        self.0.execute(
            "UPDATE users SET disabled = $2 WHERE id = $1",
            &[&id, &disabled],
        )?;
        Ok(())
    }

    fn set_password_hash(&mut self, id: &str, hash: &str) -> StoreResult<()> {
        self.0.execute(
            "UPDATE users SET password_hash = $2 WHERE id = $1",
            &[&id, &hash],
        )?;
        Ok(())
    }

    fn enabled_admins(&mut self) -> StoreResult<u64> {
        let n: i64 = self
            .0
            .query_one(
                "SELECT COUNT(*) FROM users WHERE role = $1 AND NOT disabled",
                &[&Role::Admin.as_str()],
            )?
            .try_get(0)?;
        Ok(to_u64(n))
    }

    fn remove_tokens_of_user(&mut self, user_id: &str) -> StoreResult<()> {
        self.0
            .execute("DELETE FROM tokens WHERE user_id = $1", &[&user_id])?;
        Ok(())
    }

    fn remove_tokens_of_device(&mut self, device_id: &str) -> StoreResult<()> {
        self.0
            .execute("DELETE FROM tokens WHERE device_id = $1", &[&device_id])?;
        Ok(())
    }

    fn remove_tokens_expired_before(&mut self, ms: u64) -> StoreResult<()> {
        self.0.execute(
            "DELETE FROM tokens WHERE expires_at_ms < $1",
            &[&to_i64(ms)],
        )?;
        Ok(())
    }

    fn insert_token(
        &mut self,
        token_hash: &str,
        user_id: &str,
        device_id: &str,
        expires_at_ms: u64,
    ) -> StoreResult<()> {
        self.0.execute(
            "INSERT INTO tokens (token_hash, user_id, device_id, expires_at_ms)
             VALUES ($1, $2, $3, $4)",
            &[&token_hash, &user_id, &device_id, &to_i64(expires_at_ms)],
        )?;
        Ok(())
    }

    fn use_setup_code(&mut self, code_hash: &str) -> StoreResult<bool> {
        let used = self
            .0
            .execute("DELETE FROM setup_code WHERE code_hash = $1", &[&code_hash])?;
        Ok(used > 0)
    }
}
