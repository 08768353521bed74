//! `/report?month=2026-11`: the monthly management report, laid out for A4
//! portrait print (see the print rules in style/main.css): scope, the KPI
//! table beside the previous month, charts, every P1/P2 incident with its
//! review, open and overdue actions, and recurring problems.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use outpost_model::Priority;
use outpost_model::kpi::{Filter, KpiReport, Period, PeriodKind};
use outpost_model::schema::label;

use crate::components::chart::{BarChart, TrendChart};
use crate::components::csv_download::{BomChoice, DownloadButton};
use crate::components::hours_form::HoursForm;
use crate::export::{ActionLine, actions_csv, day, incidents_csv, kpi_csv, outstanding_actions};
use crate::kpi::{KpiData, breakdowns, kpi_rows, parse_period, period_param};
use crate::pages::dashboard::{kpi_data, now_ms};
use crate::state::Ctx;

/// The month of `?month=`, else the month before the one containing `now_ms`
/// (a report is made once the month is over).
pub fn report_month(param: Option<&str>, now_ms: u64) -> Option<Period> {
    param
        .and_then(parse_period)
        .filter(|p| matches!(p.kind, PeriodKind::Month { .. }))
        .or_else(|| Period::month_of(now_ms)?.previous())
}

/// The last 24 months up to the one containing `now_ms`, newest first.
fn month_choices(now_ms: u64) -> Vec<Period> {
    std::iter::successors(Period::month_of(now_ms), Period::previous)
        .take(24)
        .collect()
}

#[component]
pub fn ReportPage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let now = now_ms(&ctx);
    let query = use_query_map();
    let month = Memo::new(move |_| query.with(|q| report_month(q.get("month").as_deref(), now)));
    let data = kpi_data(ctx);
    let shown = move || {
        let data = data.get()?.ok()?;
        let period = month.get()?;
        let this = data.report(period, &Filter::default(), now);
        let previous = period
            .previous()
            .map(|p| data.report(p, &Filter::default(), now));
        Some((data, period, this, previous))
    };
    let problem = move || data.get().and_then(Result::err);
    let bom = RwSignal::new(false);
    let download_problem = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    let choose = move |ev: leptos::ev::Event| {
        let options = NavigateOptions {
            replace: true,
            ..NavigateOptions::default()
        };
        navigate(
            &format!("/report?month={}", event_target_value(&ev)),
            options,
        );
    };
    let loaded = move || Some((data.get()?.ok()?, month.get()?));
    let file = move |what: &str| {
        let (data, period) = loaded()?;
        Some((
            data,
            period,
            format!("outpost-{what}-{}.csv", period_param(&period)),
        ))
    };
    let incidents = Callback::new(move |()| {
        let (d, p, name) = file("incidents")?;
        Some((
            name,
            incidents_csv(&d, &p, &Filter::default(), now, bom.get_untracked()),
        ))
    });
    let actions = Callback::new(move |()| {
        let (d, _, name) = file("actions")?;
        let lines = outstanding_actions(&d, &Filter::default(), now);
        Some((name, actions_csv(&lines, bom.get_untracked())))
    });
    let kpis = Callback::new(move |()| {
        let (d, p, name) = file("kpis")?;
        let this = d.report(p, &Filter::default(), now);
        let previous = p.previous().map(|q| d.report(q, &Filter::default(), now));
        let rows = kpi_rows(&this, previous.as_ref());
        let before = previous.map(|q| q.period.label()).unwrap_or_default();
        Some((
            name,
            kpi_csv(&rows, &p.label(), &before, bom.get_untracked()),
        ))
    });

    view! {
        <section class="page report">
            <div class="page-head no-print">
                <h1 class="visually-hidden">"Monthly report"</h1>
                <div class="field">
                    <label for="r-month">"Month"</label>
                    <select id="r-month" on:change=choose>
                        {month_choices(now).into_iter().map(|p| {
                            let value = period_param(&p);
                            let v = value.clone();
                            let selected = move || month.get().is_some_and(|m| period_param(&m) == v);
                            view! { <option value=value selected=selected>{p.label()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <button type="button" class="button button-primary" on:click=|_| print()>
                    "Print / Save as PDF"
                </button>
            </div>
            {move || problem().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
            {move || match shown() {
                None => view! { <p class="loading">"Counting…"</p> }.into_any(),
                Some((data, period, this, previous)) => {
                    let hours = match period.kind {
                        PeriodKind::Month { year, month } => Some(view! {
                            <HoursForm sites=data.site_choices() year=year month=month label=period.label() />
                        }),
                        _ => None,
                    };
                    view! {
                        <Report data=data period=period this=this previous=previous now=now />
                        {hours}
                    }.into_any()
                }
            }}
            <div class="export-bar no-print">
                <BomChoice bom=bom />
                <DownloadButton label="Download incidents CSV" make=incidents problem=download_problem />
                <DownloadButton label="Download actions CSV" make=actions problem=download_problem />
                <DownloadButton label="Download KPI table CSV" make=kpis problem=download_problem />
            </div>
            {move || download_problem.get().map(|p| view! { <p class="form-error no-print" role="alert">{p}</p> })}
        </section>
    }
}

fn print() {
    if let Some(w) = web_sys::window() {
        // A refused print dialog leaves the page as it was; nothing to report.
        let _ = w.print();
    }
}

#[component]
fn Report(
    data: Arc<KpiData>,
    period: Period,
    this: KpiReport,
    previous: Option<KpiReport>,
    now: u64,
) -> impl IntoView {
    let previous_label = previous
        .as_ref()
        .map(|p| p.period.label())
        .unwrap_or_default();
    let rows = kpi_rows(&this, previous.as_ref())
        .into_iter()
        .map(|r| {
            view! {
                <tr><th scope="row">{r.measure}</th><td>{r.this}</td><td>{r.previous}</td></tr>
            }
        })
        .collect_view();
    let as_of = if this.as_of_ms < period.end_ms {
        format!("so far, as of {}", day(this.as_of_ms))
    } else {
        "the whole month".to_owned()
    };
    let charts = breakdowns(&data, &this)
        .into_iter()
        .map(|(title, rows)| view! { <BarChart title=title rows=rows show_table=true /> })
        .collect_view();
    view! {
        <header class="report-head">
            <p class="report-kicker">"Outpost monthly report"</p>
            <h2 class="report-title">{period.label()}</h2>
            <p>{format!(
                "Scope: all sites, all categories and priorities, incidents and service requests; {as_of}. Times in UTC."
            )}</p>
        </header>
        <h3>"Key figures"</h3>
        <table class="data-table kpi-table">
            <thead><tr>
                <th scope="col">"Measure"</th>
                <th scope="col">{period.label()}</th>
                <th scope="col">{previous_label}</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
        <h3>"Last 12 months"</h3>
        <TrendChart points=this.trend.clone() />
        <h3>"Breakdowns"</h3>
        <div class="chart-grid-2">{charts}</div>
        <SeriousIncidents data=data.clone() period=period now=now />
        <ActionList lines=outstanding_actions(&data, &Filter::default(), now) />
        <Recurring data=data this=this />
    }
}

/// Every P1 and P2 incident of the month, with its review.
#[component]
fn SeriousIncidents(data: Arc<KpiData>, period: Period, now: u64) -> impl IntoView {
    let serious: Vec<_> = data
        .incidents_in(&period, &Filter::default(), now)
        .into_iter()
        .filter(|i| matches!(i.priority, Some(Priority::P1 | Priority::P2)))
        .map(|i| {
            let id = i.id.clone();
            let not_yet = |t: String| {
                if t.is_empty() {
                    "Not recorded yet".to_owned()
                } else {
                    t
                }
            };
            let status = data.status(&id).map(|s| s.label()).unwrap_or_default();
            let title = data.text(&id, "title");
            let (cause, lessons) = (
                not_yet(data.text(&id, "root_cause")),
                not_yet(data.text(&id, "lessons_learned")),
            );
            view! {
                <article class="serious">
                    <h4><A href=format!("/incidents/{id}")>{title}</A></h4>
                    <p class="list-detail">{format!(
                        "{} · {} · {} · logged {}",
                        i.priority.map(|p| p.to_string()).unwrap_or_default(),
                        status,
                        data.site_name(i.site.as_deref().unwrap_or_default()),
                        day(i.created_ms)
                    )}</p>
                    <dl class="review">
                        <dt>"Root cause"</dt><dd>{cause}</dd>
                        <dt>"Lessons learned"</dt><dd>{lessons}</dd>
                    </dl>
                </article>
            }
        })
        .collect();
    view! {
        <h3>"P1 and P2 incidents"</h3>
        {if serious.is_empty() {
            view! { <p class="empty">"None this month."</p> }.into_any()
        } else {
            serious.collect_view().into_any()
        }}
    }
}

#[component]
fn ActionList(lines: Vec<ActionLine>) -> impl IntoView {
    let overdue = lines.iter().filter(|a| a.overdue).count();
    let summary = format!("{} open, {overdue} overdue.", lines.len());
    let rows = lines
        .into_iter()
        .map(|a| {
            view! {
                <tr>
                    <td>{a.title}</td>
                    <td>{a.incident_title}</td>
                    <td>{if a.due.is_empty() { "No due date".to_owned() } else { a.due }}</td>
                    <td>{if a.overdue { format!("{} (overdue)", a.status) } else { a.status }}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h3>"Open and overdue actions"</h3>
        <p>{summary}</p>
        <table class="data-table">
            <thead><tr>
                <th scope="col">"Action"</th><th scope="col">"Incident"</th>
                <th scope="col">"Due"</th><th scope="col">"Status"</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// Category and site pairs that came back this month, and open problems.
#[component]
fn Recurring(data: Arc<KpiData>, this: KpiReport) -> impl IntoView {
    let pairs = this
        .recurring
        .iter()
        .map(|r| {
            view! {
                <li>{format!(
                    "{} at {}: {} incidents",
                    label(&r.category),
                    data.site_name(&r.site),
                    r.count
                )}</li>
            }
        })
        .collect::<Vec<_>>();
    let problems = data
        .problems
        .iter()
        .filter(|p| {
            !p.is_deleted() && matches!(p.str("status"), None | Some("open" | "known_error"))
        })
        .map(|p| {
            let linked = data
                .records
                .values()
                .filter(|r| r.str("problem_id") == Some(p.id.as_str()))
                .count();
            view! {
                <li>{format!(
                    "{} ({}, {linked} incidents linked)",
                    p.str("title").unwrap_or("(no title)"),
                    label(p.str("status").unwrap_or("open"))
                )}</li>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <h3>"Recurring problems"</h3>
        {if pairs.is_empty() && problems.is_empty() {
            view! { <p class="empty">"Nothing recurred this month and no problem is open."</p> }.into_any()
        } else {
            view! { <ul class="report-list">{pairs}{problems}</ul> }.into_any()
        }}
    }
}
