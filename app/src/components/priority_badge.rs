//! The priority badge: colour-coded, and always with the priority in text.

use leptos::prelude::*;
use outpost_model::Priority;

/// `P2 high` on a coloured badge; its accessible name is "Priority P2 high".
#[component]
pub fn PriorityBadge(#[prop(into)] priority: Signal<Option<Priority>>) -> impl IntoView {
    let class = move || match priority.get() {
        Some(p) => format!("badge badge-p{}", p.number()),
        None => "badge badge-none".to_owned(),
    };
    let name = move || match priority.get() {
        Some(p) => format!("Priority {}", p.description()),
        None => "Priority not set".to_owned(),
    };
    let words = move || {
        priority
            .get()
            .map(|p| p.description().to_owned())
            .unwrap_or_else(|| "No priority".to_owned())
    };
    view! {
        <span class=class role="img" aria-label=name>
            {words}
        </span>
    }
}
