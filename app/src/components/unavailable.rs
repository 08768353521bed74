//! A read that failed, carried to an `<ErrorBoundary>` as the sentence the
//! person should see, and the words its fallback shows.

use leptos::prelude::*;

use crate::state::storage_problem;
use outpost_client::storage::StoreError;

/// Why something could not be read, already in words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Unavailable(pub String);

impl From<StoreError> for Unavailable {
    fn from(e: StoreError) -> Self {
        Self(storage_problem(&e))
    }
}

/// The sentences of an `<ErrorBoundary>`'s errors, one after the other.
pub fn sentences(errors: &ArcRwSignal<Errors>) -> String {
    errors.with(|all| {
        all.iter()
            .map(|(_, e)| e.to_string())
            .collect::<Vec<_>>()
            .join(" ")
    })
}
