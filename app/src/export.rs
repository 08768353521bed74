//! CSV exports of the KPI pages (the incident list, actions, the KPI table,
//! the regulator log), written by `outpost_model::csv`, and the download
//! that hands one to the person as a file: a Blob behind an `<a download>`
//! object URL, so it works with no network.

use outpost_model::kpi::{Filter, Period};
use outpost_model::regulator::LogRow;
use outpost_model::time::format_rfc3339_ms;
use outpost_model::{Record, actions, csv, schema::label};
use wasm_bindgen::{JsCast, JsValue};

use crate::kpi::{KpiData, KpiRow};

/// `2026-11-14` of a time in milliseconds.
pub fn day(ms: u64) -> String {
    format_rfc3339_ms(ms)[..10].to_owned()
}

/// The filtered incident list of a period (see [`KpiData::incidents_in`]).
pub fn incidents_csv(
    data: &KpiData,
    period: &Period,
    filter: &Filter,
    now_ms: u64,
    bom: bool,
) -> String {
    let header = [
        "Id",
        "Logged",
        "Title",
        "Kind",
        "Category",
        "Site",
        "Priority",
        "Status",
        "Recordable",
        "Root cause",
        "Lessons learned",
    ]
    .map(str::to_owned);
    let rows = data
        .incidents_in(period, filter, now_ms)
        .into_iter()
        .map(|i| {
            [
                i.id.clone(),
                day(i.created_ms),
                data.text(&i.id, "title"),
                label(&i.kind).to_owned(),
                i.category
                    .as_deref()
                    .map(label)
                    .unwrap_or_default()
                    .to_owned(),
                data.site_name(i.site.as_deref().unwrap_or_default()),
                i.priority.map(|p| p.to_string()).unwrap_or_default(),
                data.status(&i.id)
                    .map(|s| s.label().to_owned())
                    .unwrap_or_default(),
                if i.recordable { "Yes" } else { "No" }.to_owned(),
                data.text(&i.id, "root_cause"),
                data.text(&i.id, "lessons_learned"),
            ]
        });
    csv::write(std::iter::once(header).chain(rows), bom)
}

/// One outstanding action, ready to list or export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionLine {
    pub id: String,
    pub incident_id: String,
    pub incident_title: String,
    pub title: String,
    pub owner: String,
    /// `YYYY-MM-DD`, blank when it has no due date.
    pub due: String,
    pub status: String,
    pub overdue: bool,
}

/// Actions still to do now, of the incidents passing `filter` (every action
/// when no filter is set), overdue first, then by due date.
pub fn outstanding_actions(data: &KpiData, filter: &Filter, now_ms: u64) -> Vec<ActionLine> {
    let everything = *filter == Filter::default();
    let ours = |record: &Record| {
        everything
            || record.str("incident_id").is_some_and(|id| {
                data.incidents
                    .iter()
                    .any(|i| i.id == id && filter.passes_now(i))
            })
    };
    let mut lines: Vec<ActionLine> = data
        .action_records
        .iter()
        .filter(|(_, r)| actions::is_outstanding(r) && ours(r))
        .map(|(id, r)| {
            let incident_id = r.str("incident_id").unwrap_or_default().to_owned();
            ActionLine {
                id: id.clone(),
                incident_title: data.text(&incident_id, "title"),
                incident_id,
                title: r.str("title").unwrap_or_default().to_owned(),
                owner: r.str("owner").unwrap_or_default().to_owned(),
                due: r
                    .str("due")
                    .map(|d| d.chars().take(10).collect())
                    .unwrap_or_default(),
                status: label(r.str("status").unwrap_or("open")).to_owned(),
                overdue: actions::is_overdue(r, now_ms),
            }
        })
        .collect();
    lines.sort_by(|a, b| {
        (!a.overdue, a.due.is_empty(), &a.due).cmp(&(!b.overdue, b.due.is_empty(), &b.due))
    });
    lines
}

pub fn actions_csv(lines: &[ActionLine], bom: bool) -> String {
    let header = [
        "Action id",
        "Incident id",
        "Incident",
        "Action",
        "Owner",
        "Due",
        "Status",
        "Overdue",
    ]
    .map(str::to_owned);
    let rows = lines.iter().map(|a| {
        [
            a.id.clone(),
            a.incident_id.clone(),
            a.incident_title.clone(),
            a.title.clone(),
            a.owner.clone(),
            a.due.clone(),
            a.status.clone(),
            if a.overdue { "Yes" } else { "No" }.to_owned(),
        ]
    });
    csv::write(std::iter::once(header).chain(rows), bom)
}

/// The KPI table with its two period headings.
pub fn kpi_csv(rows: &[KpiRow], this_label: &str, previous_label: &str, bom: bool) -> String {
    let header = [
        "Measure".to_owned(),
        this_label.to_owned(),
        previous_label.to_owned(),
    ];
    let body = rows
        .iter()
        .map(|r| [r.measure.to_owned(), r.this.clone(), r.previous.clone()]);
    csv::write(std::iter::once(header).chain(body), bom)
}

pub fn regulator_csv(rows: &[LogRow], bom: bool) -> String {
    let header = LogRow::csv_header().map(str::to_owned);
    csv::write(
        std::iter::once(header).chain(rows.iter().map(LogRow::csv_cells)),
        bom,
    )
}

/// Hands `text` to the person as a file called `name`. Returns a sentence
/// when the browser refuses.
pub fn download(name: &str, text: &str) -> Result<(), String> {
    let failed = |e: JsValue| {
        format!(
            "The file could not be made on this tablet ({}). Try again, or use another browser.",
            e.as_string().unwrap_or_else(|| format!("{e:?}"))
        )
    };
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    let blob =
        web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(failed)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(failed)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| failed(JsValue::from_str("no document")))?;
    let link: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(failed)?
        .dyn_into()
        .map_err(|_| failed(JsValue::from_str("not a link")))?;
    link.set_href(&url);
    link.set_download(name);
    link.click();
    // Chromium reads the Blob after the click returns, so let it go a little
    // later; the timer runs once and frees itself.
    gloo_timers::callback::Timeout::new(10_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}
