//! What the dashboard, the monthly report and the regulator log share: the
//! records they read from the tablet, the period and filter in the URL, and
//! the KPI table in words (the report prints it, the CSV exports it).
//! Every number comes from `outpost_model::kpi`; this file only reads and
//! words them.

use std::collections::BTreeMap;

use outpost_model::kpi::{
    self, ActionItem, DurationStats, Filter, HoursWorked, Incident, KpiInput, KpiReport, Period,
    PeriodKind, Share,
};
use outpost_model::time::human_duration;
use outpost_model::{Priority, Record};

use outpost_client::edits::site_name;
use outpost_client::storage::{LocalStore, StoreError, StoredRecord};

/// The records the KPI pages read, taken from the tablet once per change.
#[derive(Debug, Clone, Default)]
pub struct KpiData {
    /// Every incident record that is not deleted, by id.
    pub records: BTreeMap<String, Record>,
    pub incidents: Vec<Incident>,
    pub actions: Vec<ActionItem>,
    /// Action records (titles and owners for the lists), by id.
    pub action_records: BTreeMap<String, Record>,
    pub sites: Vec<StoredRecord>,
    pub problems: Vec<StoredRecord>,
    /// Hours worked per site and month, from the `site_hours` records.
    pub hours: HoursWorked,
}

/// One bar of a breakdown: its label and the counts behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarRow {
    pub label: String,
    pub opened: usize,
    pub resolved: usize,
    pub backlog: usize,
}

impl KpiData {
    /// Builds the data from the records of each collection.
    pub fn from_records(
        incidents: &[StoredRecord],
        events: &[StoredRecord],
        actions: &[StoredRecord],
        sites: Vec<StoredRecord>,
        problems: Vec<StoredRecord>,
        site_hours: &[StoredRecord],
    ) -> Self {
        let records: BTreeMap<String, Record> = incidents
            .iter()
            .filter(|r| !r.is_deleted())
            .map(|r| (r.id.clone(), r.record()))
            .collect();
        let events: Vec<Record> = events.iter().map(StoredRecord::record).collect();
        let gathered = kpi::gather(records.iter().map(|(id, r)| (id.as_str(), r)), &events);
        let action_records: BTreeMap<String, Record> = actions
            .iter()
            .filter(|r| !r.is_deleted())
            .map(|r| (r.id.clone(), r.record()))
            .collect();
        let actions = action_records
            .iter()
            .filter_map(|(id, r)| ActionItem::from_record(id, r))
            .collect();
        let hour_records: Vec<Record> = site_hours.iter().map(StoredRecord::record).collect();
        Self {
            records,
            incidents: gathered,
            actions,
            action_records,
            sites,
            problems,
            hours: kpi::hours_worked(&hour_records),
        }
    }

    /// Reads everything from the tablet's store.
    pub async fn load(store: &impl LocalStore) -> Result<Self, StoreError> {
        let incidents = store.records("incidents").await?;
        let events = store.records("events").await?;
        let actions = store.records("actions").await?;
        let sites = store.records("sites").await?;
        let problems = store.records("problems").await?;
        let hours = store.records("site_hours").await?;
        let data = Self::from_records(&incidents, &events, &actions, sites, problems, &hours);
        Ok(data)
    }

    /// The KPIs of `period` under `filter`, standing at `now_ms`.
    pub fn report(&self, period: Period, filter: &Filter, now_ms: u64) -> KpiReport {
        let input = KpiInput {
            incidents: &self.incidents,
            actions: &self.actions,
            hours: &self.hours,
        };
        kpi::report(&input, period, filter, now_ms)
    }

    pub fn site_name(&self, id: &str) -> String {
        if id.is_empty() {
            "No site".to_owned()
        } else {
            site_name(&self.sites, id)
        }
    }

    /// Site ids and names, by name, for the site filter.
    pub fn site_choices(&self) -> Vec<(String, String)> {
        let mut sites: Vec<(String, String)> = self
            .sites
            .iter()
            .filter(|s| !s.is_deleted())
            .map(|s| (s.id.clone(), self.site_name(&s.id)))
            .collect();
        sites.sort_by(|a, b| a.1.cmp(&b.1));
        sites
    }
}

/// `2026-11` → November 2026, `2026-Q4` → the fourth quarter.
pub fn parse_period(text: &str) -> Option<Period> {
    let (year, rest) = text.trim().split_once('-')?;
    let year: i32 = year.parse().ok()?;
    match rest.strip_prefix(['Q', 'q']) {
        Some(q) => Period::quarter(year, q.parse().ok()?),
        None => Period::month(year, rest.parse().ok()?),
    }
}

/// The URL form of a month or quarter (the inverse of [`parse_period`]).
pub fn period_param(period: &Period) -> String {
    match period.kind {
        PeriodKind::Month { year, month } => format!("{year:04}-{month:02}"),
        PeriodKind::Quarter { year, quarter } => format!("{year:04}-Q{quarter}"),
        PeriodKind::Custom => String::new(),
    }
}

/// The period and filter of a dashboard URL; `get` reads one query
/// parameter. Unknown or empty values mean "any"; no period means the month
/// that contains `now_ms`.
pub fn parse_query(get: impl Fn(&str) -> Option<String>, now_ms: u64) -> (Period, Filter) {
    let period = get("period")
        .and_then(|p| parse_period(&p))
        .or_else(|| Period::month_of(now_ms))
        .unwrap_or(Period {
            start_ms: 0,
            end_ms: 1,
            kind: PeriodKind::Custom,
        });
    let some = |key: &str| get(key).filter(|v| !v.is_empty());
    let code = |key: &str, codes: &[&str]| some(key).filter(|v| codes.contains(&v.as_str()));
    use outpost_model::schema::{CATEGORIES, KINDS};
    let filter = Filter {
        site: some("site"),
        category: code("category", CATEGORIES),
        priority: some("priority").and_then(|p| parse_priority(&p)),
        kind: code("kind", KINDS),
    };
    (period, filter)
}

fn parse_priority(text: &str) -> Option<Priority> {
    ALL_PRIORITIES.into_iter().find(|p| p.to_string() == text)
}

pub const ALL_PRIORITIES: [Priority; 5] = [
    Priority::P1,
    Priority::P2,
    Priority::P3,
    Priority::P4,
    Priority::P5,
];

/// The query string (with its `?`) for a period and filter, leaving out
/// what is unset, so a shared link shows the same dashboard.
pub fn query_string(period: &Period, filter: &Filter) -> String {
    let mut parts = vec![("period", period_param(period))];
    let mut add = |key, value: Option<String>| {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            parts.push((key, v));
        }
    };
    add("site", filter.site.clone());
    add("category", filter.category.clone());
    add("priority", filter.priority.map(|p| p.to_string()));
    add("kind", filter.kind.clone());
    let query: Vec<String> = parts
        .into_iter()
        .map(|(k, v)| format!("{k}={}", String::from(js_sys::encode_uri_component(&v))))
        .collect();
    format!("?{}", query.join("&"))
}

/// The periods the dashboard offers: the last 24 months and the last 8
/// quarters up to the one containing `now_ms`, newest first, as
/// `(URL value, words)`.
pub fn period_choices(now_ms: u64) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Some(mut month) = Period::month_of(now_ms) else {
        return out;
    };
    let mut quarters = Vec::new();
    for _ in 0..24 {
        if let PeriodKind::Month { year, month: m } = month.kind {
            let q = Period::quarter(year, (m - 1) / 3 + 1);
            if let Some(q) = q.filter(|q| !quarters.contains(q) && quarters.len() < 8) {
                quarters.push(q);
            }
        }
        out.push((period_param(&month), month.label()));
        match month.previous() {
            Some(p) => month = p,
            None => break,
        }
    }
    out.extend(quarters.iter().map(|q| (period_param(q), q.label())));
    out
}

/// A duration KPI in words: the mean, and the median beside it.
pub fn duration_text(stats: &DurationStats) -> String {
    match (stats.mean_ms, stats.median_ms) {
        (Some(mean), Some(median)) => format!(
            "{} (median {})",
            human_duration(mean as u64),
            human_duration(median as u64)
        ),
        _ => "—".to_owned(),
    }
}

/// A share as "75% (3 of 4)", or "—" with nothing to divide.
pub fn share_text(share: &Share) -> String {
    match share.rate {
        Some(rate) => format!("{}% ({} of {})", percent(rate), share.count, share.of),
        None => "—".to_owned(),
    }
}

/// A fraction 0–1 as a whole percentage, rounded half up.
pub fn percent(rate: f64) -> String {
    format!("{}", (rate * 100.0).round() as i64)
}

/// One line of the KPI table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpiRow {
    pub measure: &'static str,
    pub this: String,
    /// The same measure for the previous period, or blank.
    pub previous: String,
}

/// How one measure of a report reads in words.
pub type Measure = fn(&KpiReport) -> String;

/// The KPI table: every headline number, with the previous period beside it.
pub fn kpi_rows(this: &KpiReport, previous: Option<&KpiReport>) -> Vec<KpiRow> {
    let lines: Vec<(&'static str, Measure)> = vec![
        ("Opened", |r| r.opened.to_string()),
        ("Resolved", |r| r.resolved.to_string()),
        ("Closed", |r| r.closed.to_string()),
        ("Cancelled", |r| r.cancelled.to_string()),
        ("Backlog at period end", |r| r.backlog.open.to_string()),
        ("Backlog aged 0–2 days", |r| {
            r.backlog.days_0_2.to_string()
        }),
        ("Backlog aged 3–7 days", |r| {
            r.backlog.days_3_7.to_string()
        }),
        ("Backlog aged 8–30 days", |r| {
            r.backlog.days_8_30.to_string()
        }),
        ("Backlog aged over 30 days", |r| {
            r.backlog.over_30_days.to_string()
        }),
        ("Mean time to acknowledge (MTTA)", |r| {
            duration_text(&r.mtta)
        }),
        ("Mean time to resolve (MTTR)", |r| duration_text(&r.mttr)),
        ("Response SLA met", |r| share_text(&r.sla.response)),
        ("Update SLA met", |r| share_text(&r.sla.update)),
        ("Resolution SLA met", |r| share_text(&r.sla.resolution)),
        ("Reopen rate", |r| share_text(&r.reopen_rate)),
        ("Open actions", |r| r.actions.open.to_string()),
        ("Overdue actions", |r| r.actions.overdue.to_string()),
        ("Recordable cases", |r| r.recordables.to_string()),
        ("Incident rate (per 200,000 h)", |r| match r.incident_rate {
            Some(rate) => format!("{rate:.2}"),
            None => "No hours entered".to_owned(),
        }),
    ];
    lines
        .into_iter()
        .map(|(measure, value)| KpiRow {
            measure,
            this: value(this),
            previous: previous.map(value).unwrap_or_default(),
        })
        .collect()
}

impl KpiData {
    /// The incidents a period's lists show: passing `filter`, logged before
    /// the cut, and opened in the period, touched in it (any timeline entry)
    /// or still open. Oldest first.
    pub fn incidents_in(&self, period: &Period, filter: &Filter, now_ms: u64) -> Vec<&Incident> {
        let cut = kpi::cut_of(period, now_ms);
        let active = |i: &Incident| {
            (period.start_ms..cut).contains(&i.created_ms)
                || i.events
                    .iter()
                    .any(|e| (period.start_ms..cut).contains(&e.at_ms))
                || self
                    .status(&i.id)
                    .is_some_and(outpost_model::Status::is_open)
        };
        let mut list: Vec<&Incident> = self
            .incidents
            .iter()
            .filter(|i| i.created_ms < cut && filter.passes_now(i) && active(i))
            .collect();
        list.sort_by_key(|i| (i.created_ms, i.id.clone()));
        list
    }

    /// The current status of an incident.
    pub fn status(&self, id: &str) -> Option<outpost_model::Status> {
        self.records
            .get(id)
            .and_then(|r| r.str("status"))
            .and_then(outpost_model::Status::from_code)
    }

    /// A text field of an incident, blank when unset.
    pub fn text(&self, id: &str, field: &str) -> String {
        self.records
            .get(id)
            .and_then(|r| r.str(field))
            .unwrap_or_default()
            .to_owned()
    }
}

/// Chart rows from a breakdown, each key in words.
pub fn bar_rows(rows: &[kpi::Breakdown], words: impl Fn(&str) -> String) -> Vec<BarRow> {
    rows.iter()
        .map(|r| BarRow {
            label: words(&r.key),
            opened: r.opened,
            resolved: r.resolved,
            backlog: r.backlog,
        })
        .collect()
}

/// Rows in the order of their labels (site ids are not an order anyone reads).
fn by_name(mut rows: Vec<BarRow>) -> Vec<BarRow> {
    rows.sort_by(|a, b| a.label.cmp(&b.label));
    rows
}

/// The three breakdowns of a report, keys in words: priority, category, site.
pub fn breakdowns(data: &KpiData, report: &KpiReport) -> [(&'static str, Vec<BarRow>); 3] {
    let code = |k: &str| {
        if k.is_empty() {
            "None".to_owned()
        } else {
            outpost_model::schema::label(k).to_owned()
        }
    };
    [
        ("By priority", bar_rows(&report.by_priority, code)),
        ("By category", bar_rows(&report.by_category, code)),
        (
            "By site",
            by_name(bar_rows(&report.by_site, |k| data.site_name(k))),
        ),
    ]
}
