//! The incident list's search, filters and sort as a value that lives in the
//! URL query (so a reload or a shared link shows the same list), the rows it
//! picks, and the windowing maths that draws only the rows on screen.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use outpost_model::schema::label;
use outpost_model::{Event, Priority};

use crate::edits::site_name;
use crate::storage::StoredRecord;
use crate::workflow::{priority_of, sla_report, status_of};

/// How the list is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Newest,
    Oldest,
    Priority,
    Title,
}

impl Sort {
    pub const ALL: [Self; 4] = [Self::Newest, Self::Oldest, Self::Priority, Self::Title];

    pub fn code(self) -> &'static str {
        match self {
            Self::Newest => "newest",
            Self::Oldest => "oldest",
            Self::Priority => "priority",
            Self::Title => "title",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Newest => "Newest first",
            Self::Oldest => "Oldest first",
            Self::Priority => "Highest priority first",
            Self::Title => "Title A–Z",
        }
    }

    pub fn from_code(code: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|s| s.code() == code)
            .unwrap_or_default()
    }
}

/// Status filter value meaning every status that still needs work.
pub const OPEN: &str = "open";
/// Assignee filter value meaning nobody is assigned.
pub const NOBODY: &str = "none";

/// Search, filters and sort; empty strings mean "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    pub q: String,
    /// A status code, or [`OPEN`].
    pub status: String,
    /// "1" to "5".
    pub priority: String,
    pub category: String,
    /// A site id.
    pub site: String,
    /// A user id, or [`NOBODY`].
    pub assignee: String,
    /// Assigned to or reported by the signed-in person.
    pub mine: bool,
    pub breached: bool,
    pub sort: Sort,
}

impl ListQuery {
    /// Reads the URL query's pairs (already decoded); unknown keys are ignored.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut q = Self::default();
        for (key, value) in pairs {
            let value = value.to_owned();
            match key {
                "q" => q.q = value,
                "status" => q.status = value,
                "priority" => q.priority = value,
                "category" => q.category = value,
                "site" => q.site = value,
                "assignee" => q.assignee = value,
                "mine" => q.mine = value == "1",
                "breached" => q.breached = value == "1",
                "sort" => q.sort = Sort::from_code(&value),
                _ => {}
            }
        }
        q
    }

    /// The pairs that differ from the defaults, in a fixed order.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let flag = |b: bool| b.then(|| "1".to_owned());
        [
            ("q", Some(self.q.clone()).filter(|s| !s.trim().is_empty())),
            ("status", Some(self.status.clone())),
            ("priority", Some(self.priority.clone())),
            ("category", Some(self.category.clone())),
            ("site", Some(self.site.clone())),
            ("assignee", Some(self.assignee.clone())),
            ("mine", flag(self.mine)),
            ("breached", flag(self.breached)),
            (
                "sort",
                Some(self.sort.code().to_owned()).filter(|_| self.sort != Sort::Newest),
            ),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (k, v)))
        .collect()
    }

    /// `?q=pump&status=open`, percent-encoded; empty for the defaults.
    pub fn to_query(&self) -> String {
        let pairs = self.pairs();
        if pairs.is_empty() {
            return String::new();
        }
        let encoded: Vec<String> = pairs
            .into_iter()
            .map(|(k, v)| format!("{k}={}", encode(&v)))
            .collect();
        format!("?{}", encoded.join("&"))
    }
}

/// Percent-encodes a query value (RFC 3986 unreserved characters kept).
pub fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// One row of the list, ready to filter and show.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub id: String,
    /// Changes whenever any field does, so the keyed list redraws the row.
    pub version: String,
    pub title: String,
    /// Lowercased title and description, for the search.
    pub haystack: String,
    pub priority: Option<Priority>,
    pub status_code: String,
    pub status: String,
    pub category_code: String,
    pub category: String,
    pub site_id: String,
    pub site: String,
    pub assignee: String,
    pub reported_by: String,
    /// Shared, so filtering and sorting ten thousand rows copies pointers.
    pub record: Arc<StoredRecord>,
    /// `None` until the events have been read: the list shows first and the
    /// SLA chips follow, since a year of events takes longest to read.
    pub events: Option<Arc<[Event]>>,
}

/// Every incident that is not deleted, as rows (unsorted). Shared, so that
/// filtering and sorting ten thousand of them on a keystroke copies pointers.
pub fn rows(
    incidents: &[StoredRecord],
    sites: &[StoredRecord],
    mut events: Option<HashMap<String, Vec<Event>>>,
) -> Vec<Arc<Row>> {
    incidents
        .iter()
        .filter(|r| !r.is_deleted())
        .map(|r| {
            let text = |f: &str| r.str(f).unwrap_or_default().to_owned();
            let title = r
                .str("title")
                .filter(|t| !t.is_empty())
                .unwrap_or("(no title)")
                .to_owned();
            Arc::new(Row {
                id: r.id.clone(),
                version: r
                    .record()
                    .latest_hlc()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                haystack: format!("{title}\n{}", text("description")).to_lowercase(),
                title,
                priority: priority_of(r),
                status_code: status_of(r).code().to_owned(),
                status: status_of(r).label().to_owned(),
                category_code: text("category"),
                category: r.str("category").map(label).unwrap_or_default().to_owned(),
                site_id: text("site"),
                site: r
                    .str("site")
                    .map(|id| site_name(sites, id))
                    .unwrap_or_default(),
                assignee: text("assignee"),
                reported_by: text("reported_by"),
                events: events
                    .as_mut()
                    .map(|e| e.remove(&r.id).unwrap_or_default().into()),
                record: Arc::new(r.clone()),
            })
        })
        .collect()
}

/// Whether two row lists hold the very same rows, by pointer: what a list
/// memo needs to know, without comparing ten thousand rows field by field.
pub fn same_rows(a: Option<&Vec<Arc<Row>>>, b: Option<&Vec<Arc<Row>>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| Arc::ptr_eq(x, y)),
        (None, None) => true,
        _ => false,
    }
}

impl Row {
    /// Whether any SLA target is missed at `now_ms`.
    pub fn breached(&self, now_ms: u64) -> bool {
        self.events.as_ref().is_some_and(|events| {
            sla_report(&self.record, events, now_ms).is_some_and(|r| r.any_breached())
        })
    }

    /// What the keyed list redraws a row on: any field, or its events (a
    /// requestor update changes the SLA chips without touching the record).
    pub fn key(&self) -> (String, String, Option<usize>) {
        (
            self.id.clone(),
            self.version.clone(),
            self.events.as_ref().map(|e| e.len()),
        )
    }
}

/// Whether `row` passes every filter and the search.
pub fn matches(row: &Row, q: &ListQuery, me: &str, now_ms: u64) -> bool {
    let words = search_words(q);
    passes(row, q, &words, me, now_ms)
}

/// The search box's words, lowercased once per query rather than per row.
fn search_words(q: &ListQuery) -> Vec<String> {
    q.q.to_lowercase()
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

fn passes(row: &Row, q: &ListQuery, words: &[String], me: &str, now_ms: u64) -> bool {
    let search = words.iter().all(|w| row.haystack.contains(w.as_str()));
    let status = match q.status.as_str() {
        "" => true,
        OPEN => outpost_model::Status::from_code(&row.status_code).is_some_and(|s| s.is_open()),
        code => row.status_code == code,
    };
    let priority = q.priority.is_empty()
        || row
            .priority
            .is_some_and(|p| q.priority.parse::<u8>().ok() == Some(p.number()));
    let category = q.category.is_empty() || row.category_code == q.category;
    let site = q.site.is_empty() || row.site_id == q.site;
    let assignee = match q.assignee.as_str() {
        "" => true,
        NOBODY => row.assignee.is_empty(),
        id => row.assignee == id,
    };
    let mine = !q.mine || row.assignee == me || row.reported_by == me;
    search
        && status
        && priority
        && category
        && site
        && assignee
        && mine
        && (!q.breached || row.breached(now_ms))
}

/// The rows that pass, in the asked order (ids are UUIDv7: by id is by age).
pub fn select(all: &[Arc<Row>], q: &ListQuery, me: &str, now_ms: u64) -> Vec<Arc<Row>> {
    let words = search_words(q);
    let mut picked: Vec<Arc<Row>> = all
        .iter()
        .filter(|r| passes(r, q, &words, me, now_ms))
        .cloned()
        .collect();
    match q.sort {
        Sort::Newest => picked.sort_by(|a, b| b.id.cmp(&a.id)),
        Sort::Oldest => picked.sort_by(|a, b| a.id.cmp(&b.id)),
        Sort::Priority => picked.sort_by(|a, b| {
            let p = |r: &Row| r.priority.map_or(9, |p| p.number());
            p(a).cmp(&p(b)).then_with(|| b.id.cmp(&a.id))
        }),
        Sort::Title => picked.sort_by_cached_key(|r| r.title.to_lowercase()),
    }
    picked
}

/// The rows to draw: those within the visible part of the list plus
/// `buffer` rows either side. `offset` is how far the list's top has
/// scrolled above the viewport's top (negative: the list starts lower).
pub fn window(
    offset: f64,
    viewport: f64,
    row_height: f64,
    total: usize,
    buffer: usize,
) -> Range<usize> {
    if total == 0 || row_height <= 0.0 {
        return 0..0;
    }
    let top = offset.max(0.0);
    let bottom = (offset + viewport).max(0.0);
    let first = (top / row_height).floor() as usize;
    let last = (bottom / row_height).ceil() as usize;
    let start = first.saturating_sub(buffer).min(total);
    let end = (last + buffer).min(total).max(start);
    start..end
}
