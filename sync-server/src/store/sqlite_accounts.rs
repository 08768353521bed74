//! The account half of the SQLite store: users, tokens and the one-time
//! setup code. Plain functions over a connection; `sqlite.rs` decides which
//! connection (reader or writer) each one gets. The rules that span rows are
//! in `account_rules.rs`; this file gives their SQL ([`Accounts`]) and runs
//! them in an immediate transaction, as SQLite's one writer.

use outpost_model::protocol::{Role, User};
use rusqlite::{Connection, ErrorCode, OptionalExtension, TransactionBehavior, params};

use super::{
    Session, StoreError, StoreResult, StoredUser, UserUpdate,
    account_rules::{self, AccountsTx, to_i64, to_u64},
    role_from_db,
};

const USER_COLUMNS: &str = "id, name, role, disabled, password_hash";

fn user_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, String, String, bool, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn stored_user(row: (String, String, String, bool, String)) -> StoreResult<StoredUser> {
    let (id, name, role, disabled, password_hash) = row;
    Ok(StoredUser {
        user: User {
            id,
            name,
            role: role_from_db(&role)?,
            disabled,
        },
        password_hash,
    })
}

pub fn user_count(conn: &Connection) -> StoreResult<u64> {
    let n: i64 = conn.query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))?;
    Ok(to_u64(n))
}

pub fn add_user(
    conn: &Connection,
    user: &User,
    password_hash: &str,
    created_at: &str,
) -> StoreResult<()> {
    let result = conn.execute(
        "INSERT INTO users (id, name, role, password_hash, created_at, disabled)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            user.id,
            user.name,
            user.role.as_str(),
            password_hash,
            created_at,
            user.disabled
        ],
    );
    match result {
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == ErrorCode::ConstraintViolation => {
            Err(StoreError::DuplicateUser(user.name.clone()))
        }
        Err(e) => Err(e.into()),
    }
}

pub fn user_by_name(conn: &Connection, name: &str) -> StoreResult<Option<StoredUser>> {
    conn.query_row(
        &format!("SELECT {USER_COLUMNS} FROM users WHERE name = ?1"),
        params![name],
        user_row,
    )
    .optional()?
    .map(stored_user)
    .transpose()
}

pub fn user_by_id(conn: &Connection, id: &str) -> StoreResult<Option<User>> {
    conn.query_row(
        &format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"),
        params![id],
        user_row,
    )
    .optional()?
    .map(|row| stored_user(row).map(|s| s.user))
    .transpose()
}

pub fn users(conn: &Connection) -> StoreResult<Vec<User>> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY name"))?;
    let rows = stmt.query_map([], user_row)?;
    rows.map(|row| stored_user(row?).map(|s| s.user)).collect()
}

pub fn update_user(
    conn: &mut Connection,
    id: &str,
    update: &UserUpdate,
) -> StoreResult<Option<User>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let after = account_rules::update_user(&mut Accounts(&tx), id, update)?;
    tx.commit()?;
    Ok(after)
}

pub fn add_token(
    conn: &mut Connection,
    token_hash: &str,
    user_id: &str,
    device_id: &str,
    expires_at_ms: u64,
) -> StoreResult<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    account_rules::add_token(
        &mut Accounts(&tx),
        token_hash,
        user_id,
        device_id,
        expires_at_ms,
    )?;
    tx.commit()?;
    Ok(())
}

/// The session of an unexpired token of an enabled account, and whether its
/// expiry should slide forward (done by the caller on the writer).
pub fn session(
    conn: &Connection,
    token_hash: &str,
    now_ms: u64,
    extend_to_ms: u64,
) -> StoreResult<Option<(Session, bool)>> {
    let row = conn
        .query_row(
            "SELECT u.id, u.name, u.role, t.device_id, t.expires_at_ms
             FROM tokens t JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = ?1 AND u.disabled = 0",
            params![token_hash],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, i64>(4)?,
                ))
            },
        )
        .optional()?;
    let Some((id, name, role, device_id, expires_at)) = row else {
        return Ok(None);
    };
    let Some((expires_at_ms, slide)) =
        account_rules::session_expiry(to_u64(expires_at), now_ms, extend_to_ms)
    else {
        return Ok(None);
    };
    let user = User {
        id,
        name,
        role: role_from_db(&role)?,
        disabled: false,
    };
    Ok(Some((
        Session {
            user,
            device_id,
            expires_at_ms,
        },
        slide,
    )))
}

pub fn set_setup_code(conn: &Connection, code_hash: &str) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO setup_code (only, code_hash) VALUES (1, ?1)
         ON CONFLICT (only) DO UPDATE SET code_hash = excluded.code_hash",
        params![code_hash],
    )?;
    Ok(())
}

pub fn setup_code_matches(conn: &Connection, code_hash: &str) -> StoreResult<bool> {
    let found: Option<i64> = conn
        .query_row(
            "SELECT 1 FROM setup_code WHERE code_hash = ?1",
            params![code_hash],
            |r| r.get(0),
        )
        .optional()?;
    Ok(found.is_some())
}

pub fn finish_setup(
    conn: &mut Connection,
    code_hash: &str,
    admin: &User,
    password_hash: &str,
    created_at: &str,
) -> StoreResult<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    account_rules::finish_setup(
        &mut Accounts(&tx),
        code_hash,
        admin,
        password_hash,
        created_at,
    )?;
    tx.commit()?;
    Ok(())
}

/// The account rules' steps on one SQLite transaction.
struct Accounts<'c>(&'c Connection);

impl AccountsTx for Accounts<'_> {
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
            "UPDATE users SET role = ?2 WHERE id = ?1",
            params![id, role.as_str()],
        )?;
        Ok(())
    }

    fn set_disabled(&mut self, id: &str, disabled: bool) -> StoreResult<()> {
        self.0.execute(
            "UPDATE users SET disabled = ?2 WHERE id = ?1",
            params![id, disabled],
        )?;
        Ok(())
    }

    fn set_password_hash(&mut self, id: &str, hash: &str) -> StoreResult<()> {
        self.0.execute(
            "UPDATE users SET password_hash = ?2 WHERE id = ?1",
            params![id, hash],
        )?;
        Ok(())
    }

    fn enabled_admins(&mut self) -> StoreResult<u64> {
        let n: i64 = self.0.query_row(
            "SELECT COUNT(*) FROM users WHERE role = ?1 AND disabled = 0",
            params![Role::Admin.as_str()],
            |r| r.get(0),
        )?;
        Ok(to_u64(n))
    }

    fn remove_tokens_of_user(&mut self, user_id: &str) -> StoreResult<()> {
        self.0
            .execute("DELETE FROM tokens WHERE user_id = ?1", params![user_id])?;
        Ok(())
    }

    fn remove_tokens_of_device(&mut self, device_id: &str) -> StoreResult<()> {
        self.0.execute(
            "DELETE FROM tokens WHERE device_id = ?1",
            params![device_id],
        )?;
        Ok(())
    }

    fn remove_tokens_expired_before(&mut self, ms: u64) -> StoreResult<()> {
        self.0.execute(
            "DELETE FROM tokens WHERE expires_at_ms < ?1",
            params![to_i64(ms)],
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
             VALUES (?1, ?2, ?3, ?4)",
            params![token_hash, user_id, device_id, to_i64(expires_at_ms)],
        )?;
        Ok(())
    }

    fn use_setup_code(&mut self, code_hash: &str) -> StoreResult<bool> {
        let used = self.0.execute(
            "DELETE FROM setup_code WHERE code_hash = ?1",
            params![code_hash],
        )?;
        Ok(used > 0)
    }
}
