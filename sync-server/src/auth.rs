//! Passwords, tokens and the `Auth` extractor that turns a bearer token into
//! a signed-in user on a known device.
//!
//! Passwords are kept as argon2id hashes. A token is 32 random bytes shown to
//! the client once; the server keeps only its SHA-256, so a copy of the
//! database cannot be used to sign in.

use std::sync::OnceLock;

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier, password_hash::SaltString};
use axum::{extract::FromRequestParts, http::request::Parts};
use outpost_model::protocol::User;
use sha2::{Digest, Sha256};

use crate::{AppState, error::AppError};

/// Tokens expire after 30 days without use; each use slides the expiry.
pub const TOKEN_LIFETIME_MS: u64 = 30 * 24 * 60 * 60 * 1000;

pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Checks a password against a stored hash. An unreadable hash matches
/// nothing.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Spends the same work as a real check, so that a sign-in for a name that
/// does not exist takes as long as one with a wrong password.
pub fn verify_against_nobody(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let hash = DUMMY.get_or_init(|| hash_password("not anyone's password").unwrap_or_default());
    let _ = verify_password(password, hash);
}

/// A fresh token: 256 random bits as 64 hex digits.
pub fn new_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// What the store keeps instead of the token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A request signed in with `Authorization: Bearer <token>`.
#[derive(Debug, Clone)]
pub struct Auth {
    pub user: User,
    /// The device the token was issued to at sign-in.
    pub device_id: String,
    pub token_hash: String,
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                let (scheme, token) = v.trim().split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            })
            .filter(|t| !t.is_empty() && t.len() <= 256)
            .ok_or(AppError::Unauthorized)?;
        let hash = token_hash(token);
        let now = state.now_ms();
        let lookup = hash.clone();
        let session = state
            .run(move |store| store.session(&lookup, now, now.saturating_add(TOKEN_LIFETIME_MS)))
            .await?
            .ok_or(AppError::Unauthorized)?;
        Ok(Auth {
            user: session.user,
            device_id: session.device_id,
            token_hash: hash,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hash_verifies_only_the_right_password() {
        let hash = hash_password("correct horse").expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong horse", &hash));
        assert!(!verify_password("correct horse", "not a hash"));
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }
}
