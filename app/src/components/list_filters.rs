//! The incident list's search box, filters and sort. Each change is handed
//! back as a new [`ListQuery`], which the page puts in the URL.

use leptos::prelude::*;
use outpost_model::schema::{CATEGORIES, STATUSES, label};

use outpost_client::list_query::{ListQuery, NOBODY, OPEN, Sort};

/// A labelled select over `(value, text)` pairs with "Any" first.
#[component]
fn Filter(
    label: &'static str,
    id: &'static str,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    #[prop(into)] value: Signal<String>,
    on_change: Callback<String>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id on:change=move |ev| on_change.run(event_target_value(&ev))>
                <option value="" prop:selected=move || value.with(String::is_empty)>"Any"</option>
                {move || options.get().into_iter().map(|(v, text)| {
                    let selected = value.get() == v;
                    view! { <option value=v prop:selected=selected>{text}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

#[component]
pub fn ListFilters(
    #[prop(into)] query: Signal<ListQuery>,
    set: Callback<ListQuery>,
    /// `(id, name)` of the known sites.
    #[prop(into)]
    sites: Signal<Vec<(String, String)>>,
    /// `(id, name)` of the people in the directory.
    #[prop(into)]
    people: Signal<Vec<(String, String)>>,
) -> impl IntoView {
    let change = move |f: fn(&mut ListQuery, String)| {
        Callback::new(move |v: String| {
            let mut q = query.get_untracked();
            f(&mut q, v);
            set.run(q);
        })
    };
    let statuses = Signal::derive(|| {
        std::iter::once((OPEN.to_owned(), "Open (not resolved)".to_owned()))
            .chain(
                STATUSES
                    .iter()
                    .map(|s| ((*s).to_owned(), label(s).to_owned())),
            )
            .collect::<Vec<_>>()
    });
    let priorities = Signal::derive(|| {
        (1..=5)
            .map(|n| (n.to_string(), format!("P{n}")))
            .collect::<Vec<_>>()
    });
    let categories = Signal::derive(|| {
        CATEGORIES
            .iter()
            .map(|c| ((*c).to_owned(), label(c).to_owned()))
            .collect::<Vec<_>>()
    });
    let assignees = Signal::derive(move || {
        std::iter::once((NOBODY.to_owned(), "Nobody".to_owned()))
            .chain(people.get())
            .collect::<Vec<_>>()
    });
    let field = move |f: fn(&ListQuery) -> String| Signal::derive(move || query.with(f));
    view! {
        <div class="list-filters" role="search">
            <div class="field field-search">
                <label for="search">"Search titles and descriptions"</label>
                <input id="search" type="search" autocomplete="off"
                    prop:value=move || query.with(|q| q.q.clone())
                    on:input=move |ev| change(|q, v| q.q = v).run(event_target_value(&ev)) />
            </div>
            <div class="filter-grid">
                <Filter label="Status" id="filter-status" options=statuses value=field(|q| q.status.clone()) on_change=change(|q, v| q.status = v) />
                <Filter label="Priority" id="filter-priority" options=priorities value=field(|q| q.priority.clone()) on_change=change(|q, v| q.priority = v) />
                <Filter label="Category" id="filter-category" options=categories value=field(|q| q.category.clone()) on_change=change(|q, v| q.category = v) />
                <Filter label="Site" id="filter-site" options=sites value=field(|q| q.site.clone()) on_change=change(|q, v| q.site = v) />
                <Filter label="Assignee" id="filter-assignee" options=assignees value=field(|q| q.assignee.clone()) on_change=change(|q, v| q.assignee = v) />
                <div class="field">
                    <label for="sort">"Sort"</label>
                    <select id="sort" on:change=move |ev| change(|q, v| q.sort = Sort::from_code(&v)).run(event_target_value(&ev))>
                        {Sort::ALL.into_iter().map(|s| view! {
                            <option value=s.code() prop:selected=move || query.with(|q| q.sort == s)>{s.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
            </div>
            <div class="button-row">
                <div class="field-check">
                    <input id="filter-mine" type="checkbox" prop:checked=move || query.with(|q| q.mine)
                        on:change=move |ev| { let mut q = query.get_untracked(); q.mine = event_target_checked(&ev); set.run(q); } />
                    <label for="filter-mine">"Mine"</label>
                </div>
                <div class="field-check">
                    <input id="filter-breached" type="checkbox" prop:checked=move || query.with(|q| q.breached)
                        on:change=move |ev| { let mut q = query.get_untracked(); q.breached = event_target_checked(&ev); set.run(q); } />
                    <label for="filter-breached">"SLA breached"</label>
                </div>
                <Show when=move || query.with(|q| *q != ListQuery::default())>
                    <button type="button" class="button button-quiet" on:click=move |_| set.run(ListQuery::default())>
                        "Clear filters"
                    </button>
                </Show>
            </div>
        </div>
    }
}
