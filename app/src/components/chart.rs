//! Charts drawn as plain SVG (no chart library: the bundle stays small and
//! the drawing prints crisply): the 12-month trend and a horizontal bar chart
//! for breakdowns. Each has an accessible name and a data table beside it,
//! visually hidden on the dashboard and shown on the printed report.

use crate::kpi::BarRow;
use leptos::prelude::*;
use outpost_model::kpi::TrendPoint;

/// The top of a chart's scale: `max` rounded up to 1, 2 or 5 × 10ⁿ (at
/// least 1), so the gridlines fall on round numbers.
pub fn nice_max(max: usize) -> usize {
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if m * step >= max.max(1) {
                return m * step;
            }
        }
        step *= 10;
    }
}

/// How long a bar for `value` is on an axis `length` long whose top is `top`.
pub fn scale(value: usize, top: usize, length: f64) -> f64 {
    if top == 0 {
        0.0
    } else {
        value.min(top) as f64 / top as f64 * length
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// "Nov" for month 11.
pub fn month_abbrev(month: u32) -> &'static str {
    MONTHS[(month.clamp(1, 12) - 1) as usize]
}

/// The trend in one sentence, for the chart's accessible name.
pub fn trend_summary(points: &[TrendPoint]) -> String {
    match (points.first(), points.last()) {
        (Some(first), Some(last)) => format!(
            "Incidents opened and resolved each month and backlog at month end, {} {} to {} {}; the table that follows has every number.",
            month_abbrev(first.month),
            first.year,
            month_abbrev(last.month),
            last.year
        ),
        _ => "No months to show.".to_owned(),
    }
}

const W: f64 = 720.0;
const H: f64 = 260.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 34.0;

/// Opened and resolved as paired bars and the backlog as a line, per month.
#[component]
pub fn TrendChart(points: Vec<TrendPoint>, #[prop(optional)] show_table: bool) -> impl IntoView {
    let top = nice_max(
        points
            .iter()
            .map(|p| p.opened.max(p.resolved).max(p.backlog))
            .max()
            .unwrap_or(0),
    );
    let plot_h = H - TOP - BOTTOM;
    let slot = (W - LEFT - RIGHT) / points.len().max(1) as f64;
    let bar = slot * 0.34;
    let y = move |v: usize| TOP + plot_h - scale(v, top, plot_h);
    let grid = [0, top / 2, top]
        .into_iter()
        .map(|v| {
            view! {
                <line class="chart-grid" x1=LEFT x2=W - RIGHT y1=y(v) y2=y(v) />
                <text class="chart-axis" x=LEFT - 6.0 y=y(v) + 5.0 text-anchor="end">{v}</text>
            }
        })
        .collect_view();
    let bars = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let x0 = LEFT + slot * i as f64 + slot * 0.14;
            let label = month_abbrev(p.month);
            view! {
                <rect class="chart-opened" x=x0 y=y(p.opened) width=bar height=scale(p.opened, top, plot_h) />
                <rect class="chart-resolved" x=x0 + bar y=y(p.resolved) width=bar height=scale(p.resolved, top, plot_h) />
                <text class="chart-axis" x=x0 + bar y=H - BOTTOM + 20.0 text-anchor="middle">{label}</text>
            }
        })
        .collect_view();
    let line: String = points
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{:.1},{:.1}", LEFT + slot * (i as f64 + 0.5), y(p.backlog)))
        .collect::<Vec<_>>()
        .join(" ");
    let summary = trend_summary(&points);
    let rows = points
        .iter()
        .map(|p| {
            view! {
                <tr>
                    <th scope="row">{format!("{} {}", month_abbrev(p.month), p.year)}</th>
                    <td>{p.opened}</td>
                    <td>{p.resolved}</td>
                    <td>{p.backlog}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <svg class="chart-svg" viewBox=format!("0 0 {W} {H}") role="img" aria-label=summary>
                {grid}
                {bars}
                <polyline class="chart-backlog" points=line fill="none" />
            </svg>
            <figcaption class="chart-legend">
                <span class="swatch swatch-opened"></span>"Opened "
                <span class="swatch swatch-resolved"></span>"Resolved "
                <span class="swatch swatch-backlog"></span>"Backlog at month end"
            </figcaption>
            <table class=if show_table { "data-table" } else { "visually-hidden" }>
                <caption>"Trend by month"</caption>
                <thead><tr><th scope="col">"Month"</th><th scope="col">"Opened"</th><th scope="col">"Resolved"</th><th scope="col">"Backlog"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </figure>
    }
}

const ROW_H: f64 = 30.0;
/// Breakdowns sit two to a row on wide screens: a narrower drawing keeps
/// their text as large as the trend's.
const BAR_W: f64 = 480.0;
const LABEL_W: f64 = 160.0;

/// Opened per group as horizontal bars, with the full counts in its table.
#[component]
pub fn BarChart(
    title: &'static str,
    rows: Vec<BarRow>,
    #[prop(optional)] show_table: bool,
) -> impl IntoView {
    let top = nice_max(rows.iter().map(|r| r.opened).max().unwrap_or(0));
    let height = ROW_H * rows.len().max(1) as f64 + 8.0;
    let length = BAR_W - LABEL_W - 40.0;
    let bars = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let y = 4.0 + ROW_H * i as f64;
            let w = scale(r.opened, top, length);
            view! {
                <text class="chart-label" x=LABEL_W - 8.0 y=y + 20.0 text-anchor="end">{r.label.clone()}</text>
                <rect class="chart-opened" x=LABEL_W y=y + 4.0 width=w height=ROW_H - 8.0 />
                <text class="chart-axis" x=LABEL_W + w + 6.0 y=y + 20.0>{r.opened}</text>
            }
        })
        .collect_view();
    let summary = format!(
        "{title}: incidents opened in the period per group; the table that follows has opened, resolved and backlog."
    );
    let table_rows = rows
        .iter()
        .map(|r| {
            view! {
                <tr>
                    <th scope="row">{r.label.clone()}</th>
                    <td>{r.opened}</td>
                    <td>{r.resolved}</td>
                    <td>{r.backlog}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <figcaption class="chart-title">{title}</figcaption>
            <svg class="chart-svg" viewBox=format!("0 0 {BAR_W} {height}") role="img" aria-label=summary>
                {bars}
            </svg>
            <table class=if show_table { "data-table" } else { "visually-hidden" }>
                // The figure's caption already says what this is.
                <caption class="visually-hidden">{title}</caption>
                <thead><tr><th scope="col">"Group"</th><th scope="col">"Opened"</th><th scope="col">"Resolved"</th><th scope="col">"Backlog"</th></tr></thead>
                <tbody>{table_rows}</tbody>
            </table>
        </figure>
    }
}
