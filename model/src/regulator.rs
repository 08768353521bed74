//! The regulator log: one row per recordable incident, with the columns of
//! an OSHA 300-style "Log of work-related injuries and illnesses", for the
//! yearly log view and its CSV export.
//!
//! - A case is on the log when its incident is marked `recordable`, is not
//!   deleted or cancelled, and its date of injury or onset of illness
//!   (`occurred_at`, else the time in its UUIDv7 id) falls in the year, UTC.
//! - Rows are in case-number order (so number cases with zero padding,
//!   `2026-007`); cases without a number come last, by date.
//! - **Privacy**: the person's name is shown only to managers. For anyone
//!   else a named case reads "Privacy case", the words OSHA itself uses for
//!   a withheld name, so the log keeps one row per case and shows that a
//!   name exists without saying whose; a case with no name stays blank.
//! - Days away and days restricted are as entered (the schema caps them at
//!   180, as OSHA does); unset counts as 0.

use std::collections::BTreeMap;

use crate::{Record, problems::uuid_v7_ms, schema, time};

/// Who is looking at the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// A manager (or admin): sees the person's name.
    Manager,
    /// Anyone else: sees "Privacy case" instead of a name.
    Other,
}

/// What stands in the name column for someone who may not see the name.
pub const PRIVACY_CASE: &str = "Privacy case";

/// Site id → site name, for the "where" column.
pub type SiteNames = BTreeMap<String, String>;

/// The classification of a case: its most serious outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    Death,
    DaysAway,
    Restricted,
    OtherRecordable,
}

impl Outcome {
    pub const ALL: [Self; 4] = [
        Self::Death,
        Self::DaysAway,
        Self::Restricted,
        Self::OtherRecordable,
    ];

    /// The codes of `schema::OUTCOMES`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Death => "death",
            Self::DaysAway => "days_away",
            Self::Restricted => "restricted",
            Self::OtherRecordable => "other_recordable",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.code() == code)
    }

    pub fn label(self) -> &'static str {
        schema::label(self.code())
    }
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRow {
    pub incident_id: String,
    pub case_number: String,
    /// The name, [`PRIVACY_CASE`] or blank (see the module notes).
    pub name: String,
    pub job_title: String,
    /// Date of injury or onset of illness, milliseconds UTC.
    pub date_ms: u64,
    pub site_id: String,
    /// Where it happened: the site's name, blank when unknown.
    pub place: String,
    /// The title, and the description after it when there is one.
    pub description: String,
    /// `None` until someone classifies the case.
    pub outcome: Option<Outcome>,
    pub days_away: i64,
    pub days_restricted: i64,
    /// A code of `schema::INJURY_TYPES`, or `None`.
    pub injury_type: Option<String>,
}

impl LogRow {
    /// The row for an incident record, or `None` when it is not on any log
    /// (see the module notes).
    pub fn from_record(
        id: &str,
        record: &Record,
        sites: &SiteNames,
        visibility: Visibility,
    ) -> Option<Self> {
        let on_log = record.get("recordable").and_then(|v| v.as_bool()) == Some(true)
            && !record.is_deleted()
            && record.str("status") != Some("cancelled");
        if !on_log {
            return None;
        }
        let text = |f: &str| record.str(f).unwrap_or_default().trim().to_owned();
        let date_ms = record
            .str("occurred_at")
            .and_then(time::parse_rfc3339_ms)
            .or_else(|| uuid_v7_ms(id))?;
        let person = text("person_name");
        let name = match visibility {
            Visibility::Manager => person,
            Visibility::Other if person.is_empty() => String::new(),
            Visibility::Other => PRIVACY_CASE.to_owned(),
        };
        let (title, details) = (text("title"), text("description"));
        let description = if details.is_empty() {
            title
        } else if title.is_empty() {
            details
        } else {
            format!("{title}: {details}")
        };
        let site_id = text("site");
        Some(Self {
            incident_id: id.to_owned(),
            case_number: text("case_number"),
            name,
            job_title: text("job_title"),
            date_ms,
            place: sites.get(&site_id).cloned().unwrap_or_default(),
            site_id,
            description,
            outcome: record.str("outcome").and_then(Outcome::from_code),
            days_away: record.int("days_away").unwrap_or(0),
            days_restricted: record.int("days_restricted").unwrap_or(0),
            injury_type: record
                .str("injury_type")
                .filter(|c| schema::INJURY_TYPES.contains(c))
                .map(str::to_owned),
        })
    }

    /// The column headings, in the order of [`csv_cells`](Self::csv_cells).
    pub fn csv_header() -> [&'static str; 10] {
        [
            "Case number",
            "Employee's name",
            "Job title",
            "Date of injury or onset of illness",
            "Where the event occurred",
            "Description",
            "Classification",
            "Days away from work",
            "Days on job transfer or restriction",
            "Injury or illness type",
        ]
    }

    /// The row as text: the date as `YYYY-MM-DD`, codes in words.
    pub fn csv_cells(&self) -> [String; 10] {
        [
            self.case_number.clone(),
            self.name.clone(),
            self.job_title.clone(),
            self.date(),
            self.place.clone(),
            self.description.clone(),
            self.outcome
                .map_or("Not classified", Outcome::label)
                .to_owned(),
            self.days_away.to_string(),
            self.days_restricted.to_string(),
            self.injury_type
                .as_deref()
                .map(schema::label)
                .unwrap_or_default()
                .to_owned(),
        ]
    }

    /// `2026-11-14`.
    pub fn date(&self) -> String {
        time::format_rfc3339_ms(self.date_ms)[..10].to_owned()
    }
}

/// The log of `year`: every recordable case whose date falls in it, in
/// case-number order, then by date.
pub fn yearly_log<'a>(
    incidents: impl IntoIterator<Item = (&'a str, &'a Record)>,
    sites: &SiteNames,
    year: i32,
    visibility: Visibility,
) -> Vec<LogRow> {
    let year_text = format!("{year:04}-");
    let mut rows: Vec<LogRow> = incidents
        .into_iter()
        .filter_map(|(id, record)| LogRow::from_record(id, record, sites, visibility))
        .filter(|row| row.date().starts_with(&year_text))
        .collect();
    rows.sort_by(|a, b| {
        let key = |r: &LogRow| (r.case_number.is_empty(), r.case_number.clone(), r.date_ms);
        key(a)
            .cmp(&key(b))
            .then_with(|| a.incident_id.cmp(&b.incident_id))
    });
    rows
}

#[cfg(test)]
#[path = "regulator_tests.rs"]
mod tests;
