//! The dashboard's headline numbers as large tiles, each with the previous
//! period's value beneath it for comparison.

use leptos::prelude::*;
use outpost_model::kpi::{DurationStats, KpiReport};
use outpost_model::time::human_duration;

use crate::kpi::{Measure, percent, share_text};

/// The mean alone, for a tile; the median goes beneath the tiles.
fn mean_text(stats: &DurationStats) -> String {
    stats
        .mean_ms
        .map_or("—".to_owned(), |m| human_duration(m as u64))
}

fn median_text(stats: &DurationStats) -> String {
    stats
        .median_ms
        .map_or("—".to_owned(), |m| human_duration(m as u64))
}

/// `(label, this period, previous period)` for each tile.
pub fn tiles(
    this: &KpiReport,
    previous: Option<&KpiReport>,
) -> Vec<(&'static str, String, String)> {
    let list: [(&'static str, Measure); 8] = [
        ("Opened", |r| r.opened.to_string()),
        ("Resolved", |r| r.resolved.to_string()),
        ("Backlog", |r| r.backlog.open.to_string()),
        ("MTTA", |r| mean_text(&r.mtta)),
        ("MTTR", |r| mean_text(&r.mttr)),
        ("Resolution SLA met", |r| {
            r.sla
                .resolution
                .rate
                .map_or("—".to_owned(), |x| format!("{}%", percent(x)))
        }),
        ("Overdue actions", |r| {
            format!("{} of {} open", r.actions.overdue, r.actions.open)
        }),
        ("Recordable cases", |r| r.recordables.to_string()),
    ];
    list.into_iter()
        .map(|(label, value)| (label, value(this), previous.map(value).unwrap_or_default()))
        .collect()
}

#[component]
pub fn KpiTiles(
    this: KpiReport,
    previous: Option<KpiReport>,
    previous_label: String,
) -> impl IntoView {
    let foot = format!(
        "Medians: MTTA {}, MTTR {}. Resolution SLA met {}.",
        median_text(&this.mtta),
        median_text(&this.mttr),
        share_text(&this.sla.resolution)
    );
    let items = tiles(&this, previous.as_ref())
        .into_iter()
        .map(|(label, value, before)| {
            let before = (!before.is_empty()).then(|| format!("{previous_label}: {before}"));
            view! {
                <li class="tile">
                    <span class="tile-label">{label}</span>
                    <span class="tile-value">{value}</span>
                    {before.map(|b| view! { <span class="tile-note">{b}</span> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <ul class="tiles" aria-label="Headline figures">{items}</ul>
        <p class="tile-foot">{foot}</p>
    }
}
