//! A save as an `Action`: one runs at a time, and its pending state disables
//! the button that sent it, so a second tap cannot write the same edit twice.

use leptos::prelude::*;

use crate::state::Ctx;
use outpost_client::edits::Write;
use outpost_client::storage::StoreError;

/// A form's save of its writes through [`Ctx::save`].
#[derive(Clone, Copy)]
pub struct Saving {
    action: Action<Vec<Write>, ()>,
    pending: Memo<bool>,
}

impl std::fmt::Debug for Saving {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Saving")
            .field("pending", &self.pending.try_get_untracked())
            .finish_non_exhaustive()
    }
}

impl Saving {
    /// `done` hears how each save went, so the form can say so where the
    /// person saved.
    pub fn new(ctx: Ctx, done: impl Fn(Result<(), StoreError>) + Copy + 'static) -> Self {
        let action = Action::new_local(move |writes: &Vec<Write>| {
            let writes = writes.clone();
            async move { done(ctx.save(writes).await) }
        });
        Self {
            action,
            pending: action.pending(),
        }
    }

    /// Saves `writes`, unless a save is still being written: then the tap
    /// does nothing, and `false` says so.
    pub fn save(&self, writes: Vec<Write>) -> bool {
        if self.pending.get_untracked() {
            return false;
        }
        self.action.dispatch_local(writes);
        true
    }

    /// Whether a save is being written (for `disabled` and `aria-busy`).
    pub fn busy(&self) -> bool {
        self.pending.get()
    }

    /// [`Saving::busy`] as untracked, for event handlers.
    pub fn busy_now(&self) -> bool {
        self.pending.get_untracked()
    }
}
