//! `/regulator?year=2026`: the yearly OSHA 300-style log of recordable
//! cases, from the records on this tablet, with its CSV export. Names are
//! shown only to managers and admins.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use outpost_model::protocol::Role;
use outpost_model::regulator::{LogRow, SiteNames, Visibility, yearly_log};

use crate::components::csv_download::{BomChoice, DownloadButton};
use crate::export::regulator_csv;
use crate::kpi::KpiData;
use crate::pages::dashboard::{kpi_data, now_ms};
use crate::state::Ctx;

/// Who may see names: managers and admins.
pub fn visibility(role: Option<Role>) -> Visibility {
    match role {
        Some(Role::Manager | Role::Admin) => Visibility::Manager,
        _ => Visibility::Other,
    }
}

/// The year of `?year=`, else the current one.
pub fn log_year(param: Option<&str>, now_ms: u64) -> i32 {
    let this_year = outpost_model::time::format_rfc3339_ms(now_ms)[..4]
        .parse()
        .unwrap_or(1970);
    param
        .and_then(|p| p.trim().parse().ok())
        .filter(|y| (1970..=this_year + 1).contains(y))
        .unwrap_or(this_year)
}

/// The log rows of `year` from the tablet's records.
pub fn rows(data: &KpiData, year: i32, visibility: Visibility) -> Vec<LogRow> {
    let sites: SiteNames = data
        .sites
        .iter()
        .map(|s| (s.id.clone(), data.site_name(&s.id)))
        .collect();
    yearly_log(
        data.records.iter().map(|(id, r)| (id.as_str(), r)),
        &sites,
        year,
        visibility,
    )
}

#[component]
pub fn RegulatorPage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let now = now_ms(&ctx);
    let query = use_query_map();
    let year = Memo::new(move |_| query.with(|q| log_year(q.get("year").as_deref(), now)));
    let seen_as = move || visibility(ctx.user.with(|u| u.as_ref().map(|u| u.role)));
    let data = kpi_data(ctx);
    let log = move || {
        let data = data.get()?.ok()?;
        Some(rows(&data, year.get(), seen_as()))
    };
    let problem = move || data.get().and_then(Result::err);
    let bom = RwSignal::new(false);
    let download_problem = RwSignal::new(None::<String>);
    let csv = Callback::new(move |()| {
        let y = year.get_untracked();
        let data = data.get_untracked()?.ok()?;
        let rows = rows(&data, y, seen_as());
        Some((
            format!("outpost-regulator-log-{y}.csv"),
            regulator_csv(&rows, bom.get_untracked()),
        ))
    });
    let navigate = use_navigate();
    let choose = move |ev: leptos::ev::Event| {
        let options = NavigateOptions {
            replace: true,
            ..NavigateOptions::default()
        };
        navigate(
            &format!("/regulator?year={}", event_target_value(&ev)),
            options,
        );
    };
    let this_year = log_year(None, now);
    let years = (this_year - 4..=this_year).rev().map(move |y| {
        view! { <option value=y.to_string() selected=move || year.get() == y>{y}</option> }
    });
    let privacy = move || {
        (seen_as() == Visibility::Other).then(|| {
            view! { <p class="notice">"Names are shown to managers only; a named case reads “Privacy case”."</p> }
        })
    };
    let header = LogRow::csv_header()
        .into_iter()
        .map(|h| view! { <th scope="col">{h}</th> })
        .collect_view();

    view! {
        <section class="page regulator">
            <div class="page-head">
                <h1>"Regulator log"</h1>
                <div class="field">
                    <label for="g-year">"Year"</label>
                    <select id="g-year" on:change=choose>{years.collect_view()}</select>
                </div>
            </div>
            {privacy}
            {move || problem().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
            {move || match log() {
                None => view! { <p class="loading">"Reading the log…"</p> }.into_any(),
                Some(rows) if rows.is_empty() => view! {
                    <p class="empty">{format!("No recordable cases in {}.", year.get())}</p>
                }.into_any(),
                Some(rows) => view! {
                    <div class="table-scroll">
                        <table class="data-table log-table">
                            <caption>{format!("Log of work-related injuries and illnesses, {}", year.get())}</caption>
                            <thead><tr>{header.clone()}</tr></thead>
                            <tbody>{rows.into_iter().map(|r| {
                                let cells = r.csv_cells();
                                let href = format!("/incidents/{}", r.incident_id);
                                let [case, rest @ ..] = cells;
                                let case = if case.is_empty() { "(no number)".to_owned() } else { case };
                                view! {
                                    <tr>
                                        <th scope="row"><A href=href>{case}</A></th>
                                        {rest.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}
                                    </tr>
                                }
                            }).collect_view()}</tbody>
                        </table>
                    </div>
                }.into_any(),
            }}
            <div class="export-bar">
                <BomChoice bom=bom />
                <DownloadButton label="Download log CSV" make=csv problem=download_problem />
            </div>
            {move || download_problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
        </section>
    }
}
