//! Accounts as the library offers them to the command line, the tests and the
//! HTTP handlers: creating, listing and changing users, the one-time setup
//! code, and backups. Blocking: hashing a password takes a moment on purpose,
//! so async callers run these on the blocking pool.

use std::path::Path;

use outpost_model::protocol::{Role, User, UserPatch};
use sha2::{Digest, Sha256};

use crate::{
    AppState, Error, MAX_PASSWORD_LEN, MAX_USER_NAME_LEN, MIN_PASSWORD_LEN, auth, clock,
    store::{StoreError, UserUpdate},
};

/// The setup code's alphabet: Crockford's base32, without letters that read
/// like digits (I, L, O, U), so it can be typed from a console without doubt.
const CODE_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// 12 characters of 5 bits: 60 bits, far beyond guessing at 10 tries per
/// quarter of an hour.
const CODE_LEN: usize = 12;

/// A fresh setup code, `XXXX-XXXX-XXXX`.
fn new_code() -> String {
    let mut code = String::with_capacity(CODE_LEN + 2);
    for (i, byte) in rand::random::<[u8; CODE_LEN]>().iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            code.push('-');
        }
        code.push(char::from(CODE_ALPHABET[usize::from(byte % 32)]));
    }
    code
}

/// What the store keeps of a setup code. Typing is forgiving: letter case,
/// dashes and spaces do not matter.
pub(crate) fn setup_code_hash(code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    hex::encode(Sha256::digest(normal.as_bytes()))
}

pub(crate) fn check_user_name(name: &str) -> Result<(), Error> {
    if name.is_empty()
        || name.chars().count() > MAX_USER_NAME_LEN
        || name.trim() != name
        || name.chars().any(char::is_control)
    {
        return Err(Error::BadUserName);
    }
    Ok(())
}

pub(crate) fn check_password(password: &str) -> Result<(), Error> {
    let len = password.chars().count();
    if password.is_empty() {
        Err(Error::EmptyPassword)
    } else if len < MIN_PASSWORD_LEN {
        Err(Error::PasswordTooShort)
    } else if len > MAX_PASSWORD_LEN {
        Err(Error::PasswordTooLong)
    } else {
        Ok(())
    }
}

pub(crate) fn hash(password: &str) -> Result<String, Error> {
    auth::hash_password(password).map_err(|e| Error::Hash(e.to_string()))
}

pub(crate) fn now_rfc3339() -> String {
    outpost_model::time::format_rfc3339_ms(clock::now_ms())
}

impl AppState {
    /// Creates an account. Blocking: hashing the password takes a moment on
    /// purpose.
    pub fn create_user(&self, name: &str, role: Role, password: &str) -> Result<User, Error> {
        check_user_name(name)?;
        check_password(password)?;
        let store = self.store();
        // Checked before the slow hash so a duplicate is refused at once; the
        // unique index still decides if two processes race.
        if store.user_by_name(name)?.is_some() {
            return Err(StoreError::DuplicateUser(name.to_owned()).into());
        }
        let user = User {
            id: uuid::Uuid::now_v7().to_string(),
            name: name.to_owned(),
            role,
            disabled: false,
        };
        store.add_user(&user, &hash(password)?, &now_rfc3339())?;
        Ok(user)
    }

    /// How many accounts exist.
    pub fn user_count(&self) -> Result<u64, Error> {
        Ok(self.store().user_count()?)
    }

    /// Every account, disabled ones too, by name.
    pub fn users(&self) -> Result<Vec<User>, Error> {
        Ok(self.store().users()?)
    }

    /// The account called `name` (letter case does not matter).
    pub fn find_user(&self, name: &str) -> Result<User, Error> {
        self.store()
            .user_by_name(name)?
            .map(|s| s.user)
            .ok_or_else(|| Error::NoSuchUser(name.chars().take(MAX_USER_NAME_LEN).collect()))
    }

    /// Changes an account's role, whether it is disabled, or its password.
    /// Disabling an account or setting its password signs it out on every
    /// device; the last enabled admin cannot be disabled or demoted.
    pub fn update_user(&self, id: &str, patch: UserPatch) -> Result<User, Error> {
        let password_hash = match &patch.password {
            Some(password) => {
                check_password(password)?;
                Some(hash(password)?)
            }
            None => None,
        };
        let update = UserUpdate {
            role: patch.role,
            disabled: patch.disabled,
            password_hash,
        };
        self.store()
            .update_user(id, &update)?
            .ok_or_else(|| Error::NoSuchUser(id.chars().take(MAX_USER_NAME_LEN).collect()))
    }

    /// While there are no accounts, makes a new one-time setup code, keeps its
    /// hash and returns it to be shown to the operator; `None` once someone
    /// has an account. Each call replaces the previous code.
    pub fn new_setup_code(&self) -> Result<Option<String>, Error> {
        let store = self.store();
        if store.user_count()? > 0 {
            return Ok(None);
        }
        let code = new_code();
        store.set_setup_code(&setup_code_hash(&code))?;
        Ok(Some(code))
    }

    /// Writes a consistent copy of the live database to `to`, which must not
    /// exist yet. [`restore`](crate::restore) puts it back.
    pub fn backup_to(&self, to: &Path) -> Result<(), Error> {
        if to.exists() {
            return Err(Error::BackupExists(to.to_owned()));
        }
        Ok(self.store().backup_to(to)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setup_codes_are_three_groups_of_four_unambiguous_characters() {
        let code = new_code();
        assert_eq!(code.len(), 14, "{code}");
        let groups: Vec<&str> = code.split('-').collect();
        assert_eq!(groups.len(), 3, "{code}");
        assert!(
            code.chars()
                .all(|c| c == '-' || CODE_ALPHABET.contains(&(c as u8)))
        );
        assert_ne!(new_code(), code);
    }

    #[test]
    fn a_setup_code_matches_however_it_is_typed() {
        assert_eq!(
            setup_code_hash("ab12-cd34-ef56"),
            setup_code_hash(" AB12 CD34EF56 ")
        );
        assert_ne!(setup_code_hash("AB12"), setup_code_hash("AB13"));
    }
}
