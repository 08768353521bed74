//! The three SLA chips (response, updates, resolution): the model's state in
//! words on a colour that says the same, so colour is never the only signal.

use leptos::prelude::*;
use outpost_model::sla::{SlaReport, SlaState};

/// The chip's class: met, running, paused, breached or not applicable.
pub fn chip_class(state: &SlaState) -> &'static str {
    match state {
        SlaState::Met { .. } => "chip chip-met",
        SlaState::MetLate { .. } | SlaState::Breached { .. } => "chip chip-breached",
        SlaState::Pending { .. } => "chip chip-running",
        SlaState::Paused { .. } => "chip chip-paused",
        SlaState::NotApplicable => "chip chip-none",
    }
}

/// "Response: due in 2 h", for each target.
pub fn chips(report: &SlaReport) -> [(&'static str, String, &'static str); 3] {
    [
        ("Response", report.response),
        ("Updates", report.update),
        ("Resolution", report.resolution),
    ]
    .map(|(name, state)| (name, state.text(), chip_class(&state)))
}

/// The chips of one incident; nothing while its priority is unknown.
#[component]
pub fn SlaChips(#[prop(into)] report: Signal<Option<SlaReport>>) -> impl IntoView {
    move || {
        report.get().map(|r| {
            chips(&r)
                .into_iter()
                .map(|(name, text, class)| {
                    view! {
                        <span class=class>
                            <span class="chip-name">{name}": "</span>
                            {text}
                        </span>
                    }
                })
                .collect_view()
        })
    }
}
