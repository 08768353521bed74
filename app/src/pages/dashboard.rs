//! `/dashboard`: the KPIs of a month or quarter for the chosen site,
//! category, priority and kind (all in the URL), computed from the records
//! on this tablet so it works with no network; CSV exports of what it shows.

use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use outpost_model::kpi::{Filter, KpiReport, Period};
use outpost_model::schema::{CATEGORIES, KINDS, label};

use crate::components::chart::{BarChart, TrendChart};
use crate::components::csv_download::{BomChoice, DownloadButton};
use crate::components::kpi_tiles::KpiTiles;
use crate::export::{actions_csv, incidents_csv, kpi_csv, outstanding_actions};
use crate::kpi::{
    ALL_PRIORITIES, KpiData, breakdowns, kpi_rows, parse_query, period_choices, period_param,
    query_string,
};
use crate::state::{Ctx, storage_problem};

/// The tablet's clock corrected by the server offset.
pub fn now_ms(ctx: &Ctx) -> u64 {
    ctx.services()
        .clock
        .borrow()
        .wall_ms(crate::browser::tablet_now_ms())
}

/// The records of this tablet, re-read whenever they change.
pub fn kpi_data(ctx: Ctx) -> LocalResource<Result<Arc<KpiData>, String>> {
    LocalResource::new(move || {
        ctx.track("incidents");
        ctx.track("events");
        ctx.track("actions");
        ctx.track("sites");
        ctx.track("problems");
        ctx.track("site_hours");
        let services = ctx.services();
        async move {
            KpiData::load(&services.store)
                .await
                .map(Arc::new)
                .map_err(|e| storage_problem(&e))
        }
    })
}

/// What the page shows for one selection.
#[derive(Clone)]
struct Shown {
    data: Arc<KpiData>,
    period: Period,
    filter: Filter,
    this: KpiReport,
    previous: Option<KpiReport>,
}

impl PartialEq for Shown {
    /// The same records (not a re-read) and the same selection: the reports
    /// follow from those, so comparing them again would only cost time.
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.data, &other.data)
            && self.period == other.period
            && self.filter == other.filter
    }
}

/// An empty choice means "any".
fn none(value: String) -> Option<String> {
    (!value.is_empty()).then_some(value)
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let now = now_ms(&ctx);
    let query = use_query_map();
    let selection = Memo::new(move |_| query.with(|q| parse_query(|k| q.get(k), now)));
    let data = kpi_data(ctx);
    let shown = Memo::new(move |_| {
        let data = data.get()?.ok()?;
        let (period, filter) = selection.get();
        let this = data.report(period, &filter, now);
        let previous = period.previous().map(|p| data.report(p, &filter, now));
        Some(Shown {
            data,
            period,
            filter,
            this,
            previous,
        })
    });
    let problem = move || data.get().and_then(Result::err);
    let bom = RwSignal::new(false);
    let download_problem = RwSignal::new(None::<String>);

    let file = move |what: &str| {
        let s = shown.get_untracked()?;
        let name = format!("outpost-{what}-{}.csv", period_param(&s.period));
        Some((s, name))
    };
    let incidents = Callback::new(move |()| {
        let (s, name) = file("incidents")?;
        Some((
            name,
            incidents_csv(&s.data, &s.period, &s.filter, now, bom.get_untracked()),
        ))
    });
    let actions = Callback::new(move |()| {
        let (s, name) = file("actions")?;
        let lines = outstanding_actions(&s.data, &s.filter, now);
        Some((name, actions_csv(&lines, bom.get_untracked())))
    });
    let kpis = Callback::new(move |()| {
        let (s, name) = file("kpis")?;
        let rows = kpi_rows(&s.this, s.previous.as_ref());
        let before = s.previous.map(|p| p.period.label()).unwrap_or_default();
        Some((
            name,
            kpi_csv(&rows, &s.period.label(), &before, bom.get_untracked()),
        ))
    });

    view! {
        <section class="page kpi-page">
            <div class="page-head">
                <h1>"Dashboard"</h1>
            </div>
            <Filters selection=selection now=now data=data />
            {move || problem().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
            {move || match shown.get() {
                None => view! { <p class="loading">"Counting…"</p> }.into_any(),
                Some(s) => {
                    let previous_label = s.previous.as_ref().map(|p| p.period.label()).unwrap_or_default();
                    let charts = breakdowns(&s.data, &s.this)
                        .into_iter()
                        .map(|(title, rows)| view! { <BarChart title=title rows=rows /> })
                        .collect_view();
                    view! {
                        <h2>{s.period.label()}</h2>
                        <KpiTiles this=s.this.clone() previous=s.previous.clone() previous_label=previous_label />
                        <h2>"Last 12 months"</h2>
                        <TrendChart points=s.this.trend.clone() />
                        <h2>"Breakdowns"</h2>
                        <div class="chart-grid-2">{charts}</div>
                    }.into_any()
                }
            }}
            <h2>"Export"</h2>
            <div class="export-bar">
                <BomChoice bom=bom />
                <DownloadButton label="Download incidents CSV" make=incidents problem=download_problem />
                <DownloadButton label="Download actions CSV" make=actions problem=download_problem />
                <DownloadButton label="Download KPI table CSV" make=kpis problem=download_problem />
            </div>
            {move || download_problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
        </section>
    }
}

/// The period and filter pickers; each choice replaces the URL's query.
#[component]
fn Filters(
    selection: Memo<(Period, Filter)>,
    now: u64,
    data: LocalResource<Result<Arc<KpiData>, String>>,
) -> impl IntoView {
    let navigate = use_navigate();
    let go = move |change: &dyn Fn(&mut Period, &mut Filter)| {
        let (mut period, mut filter) = selection.get_untracked();
        change(&mut period, &mut filter);
        let options = NavigateOptions {
            replace: true,
            ..NavigateOptions::default()
        };
        navigate(
            &format!("/dashboard{}", query_string(&period, &filter)),
            options,
        );
    };
    let go = Rc::new(go);
    let pick = move |f: fn(&mut Period, &mut Filter, String)| {
        let go = go.clone();
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            go(&|p: &mut Period, fl: &mut Filter| f(p, fl, value.clone()));
        }
    };
    let periods = period_choices(now);
    let sites = move || {
        data.get()
            .and_then(Result::ok)
            .map(|d| d.site_choices())
            .unwrap_or_default()
    };
    let chosen = move |f: fn(&(Period, Filter)) -> String| move || selection.with(f);
    let option = move |value: String, words: String, current: fn(&(Period, Filter)) -> String| {
        let v = value.clone();
        view! { <option value=value selected=move || chosen(current)() == v>{words}</option> }
    };
    view! {
        <form class="filters" aria-label="Filters">
            <div class="field">
                <label for="f-period">"Period"</label>
                <select id="f-period" on:change=pick(|p, _, v| {
                    if let Some(q) = crate::kpi::parse_period(&v) { *p = q }
                })>
                    {periods.into_iter().map(|(v, w)| option(v, w, |s| period_param(&s.0))).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-site">"Site"</label>
                <select id="f-site" on:change=pick(|_, f, v| f.site = none(v))>
                    {option(String::new(), "All sites".into(), |s| s.1.site.clone().unwrap_or_default())}
                    {move || sites().into_iter().map(|(id, name)| option(id, name, |s| s.1.site.clone().unwrap_or_default())).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-category">"Category"</label>
                <select id="f-category" on:change=pick(|_, f, v| f.category = none(v))>
                    {option(String::new(), "All categories".into(), |s| s.1.category.clone().unwrap_or_default())}
                    {CATEGORIES.iter().map(|c| option((*c).into(), label(c).into(), |s| s.1.category.clone().unwrap_or_default())).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-priority">"Priority"</label>
                <select id="f-priority" on:change=pick(|_, f, v| {
                    f.priority = ALL_PRIORITIES.into_iter().find(|p| p.to_string() == v)
                })>
                    {option(String::new(), "All priorities".into(), |s| s.1.priority.map(|p| p.to_string()).unwrap_or_default())}
                    {ALL_PRIORITIES.iter().map(|p| option(p.to_string(), p.to_string(), |s| s.1.priority.map(|p| p.to_string()).unwrap_or_default())).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-kind">"Kind"</label>
                <select id="f-kind" on:change=pick(|_, f, v| f.kind = none(v))>
                    {option(String::new(), "Incidents and requests".into(), |s| s.1.kind.clone().unwrap_or_default())}
                    {KINDS.iter().map(|k| option((*k).into(), label(k).into(), |s| s.1.kind.clone().unwrap_or_default())).collect_view()}
                </select>
            </div>
        </form>
    }
}
