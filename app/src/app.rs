//! The app shell: opens storage, provides the context, starts syncing and
//! routes to the pages. Pages other than sign-in need a known user.

use leptos::prelude::*;
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::path;

use crate::browser::service_worker::{self, reload};
use crate::components::status_bar::StatusBar;
use crate::components::update_banner::UpdateBanner;
use crate::pages::{dashboard::DashboardPage, regulator::RegulatorPage, report::ReportPage};
use crate::pages::{
    incident::IncidentPage, incident_list::IncidentListPage, login::LoginPage,
    new_incident::NewIncidentPage, settings::SettingsPage, sync_centre::SyncCentrePage,
};
use crate::pages::{my_actions::MyActionsPage, problem::ProblemPage, problems::ProblemsPage};
use crate::pages::{setup::SetupPage, users::UsersPage};
use crate::scheduler;
use crate::state::{Booted, Ctx, boot};

#[component]
pub fn App() -> impl IntoView {
    // An older version in another tab holds the database open; this tab's
    // upgrade of it waits until that tab is closed.
    let blocked = RwSignal::new(false);
    let booted = LocalResource::new(move || boot(move || blocked.set(true)));
    view! {
        {move || match booted.get() {
            None if blocked.get() => view! {
                <section class="page page-narrow">
                    <h1>"Finishing the update"</h1>
                    <p class="status-line" role="status">
                        "Outpost is open in another tab or window with the previous version. Close it there, and Outpost opens here by itself; nothing is lost."
                    </p>
                </section>
            }.into_any(),
            None => view! { <p class="loading">"Opening Outpost…"</p> }.into_any(),
            Some(Ok(b)) => view! { <Shell booted=b /> }.into_any(),
            Some(Err(e)) => view! {
                <section class="page page-narrow">
                    <h1>"Outpost cannot start"</h1>
                    <p class="form-error" role="alert">
                        {format!("Outpost keeps your incidents on this tablet, but {e}.")}
                    </p>
                    <button type="button" class="button button-primary" on:click=|_| reload()>
                        "Reload"
                    </button>
                </section>
            }.into_any(),
        }}
    }
}

#[component]
fn Shell(booted: std::rc::Rc<Booted>) -> impl IntoView {
    let ctx = Ctx::provide(&booted);
    scheduler::start(ctx);
    crate::directory::provide(ctx);
    service_worker::register(ctx.update_ready);
    view! {
        <Router>
            <StatusBar />
            <UpdateBanner />
            <main>
                <Routes fallback=|| view! { <p class="empty">"There is no such page."</p> }>
                    <Route path=path!("/login") view=LoginPage />
                    <Route path=path!("/setup") view=SetupPage />
                    <Route path=path!("/users") view=|| view! { <Guarded><UsersPage /></Guarded> } />
                    <Route path=path!("/") view=|| view! { <Guarded><IncidentListPage /></Guarded> } />
                    <Route path=path!("/incidents/new") view=|| view! { <Guarded><NewIncidentPage /></Guarded> } />
                    <Route path=path!("/incidents/:id") view=|| view! { <Guarded><IncidentPage /></Guarded> } />
                    <Route path=path!("/actions") view=|| view! { <Guarded><MyActionsPage /></Guarded> } />
                    <Route path=path!("/problems") view=|| view! { <Guarded><ProblemsPage /></Guarded> } />
                    <Route path=path!("/problems/:id") view=|| view! { <Guarded><ProblemPage /></Guarded> } />
                    <Route path=path!("/sync") view=|| view! { <Guarded><SyncCentrePage /></Guarded> } />
                    <Route path=path!("/dashboard") view=|| view! { <Guarded><DashboardPage /></Guarded> } />
                    <Route path=path!("/report") view=|| view! { <Guarded><ReportPage /></Guarded> } />
                    <Route path=path!("/regulator") view=|| view! { <Guarded><RegulatorPage /></Guarded> } />
                    <Route path=path!("/settings") view=|| view! { <Guarded><SettingsPage /></Guarded> } />
                </Routes>
            </main>
        </Router>
    }
}

/// Shows its children to a known user, and sends everyone else to sign in.
#[component]
fn Guarded(children: ChildrenFn) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    view! {
        <Show
            when=move || ctx.user.with(Option::is_some)
            fallback=|| view! { <Redirect path="/login" /> }
        >
            {children()}
        </Show>
    }
}
