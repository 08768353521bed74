//! Local edits: turning what a person typed into validated field values, and
//! those into stamped changes written to the tablet in one transaction.

use outpost_model::schema::{self, Collection, ValidationError};
use outpost_model::{Change, Priority};
use serde_json::Value;

use std::cell::RefCell;

use crate::clock::DeviceClock;
use crate::storage::{LocalStore, StoreError, StoredBlob, StoredRecord};

/// The incident fields the forms edit, as the text the controls hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IncidentForm {
    pub title: String,
    pub description: String,
    pub category: String,
    pub site: String,
    pub impact: String,
    pub urgency: String,
    pub status: String,
}

/// A form field: its name in the schema and its label on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormField {
    Title,
    Description,
    Category,
    Site,
    Impact,
    Urgency,
    Status,
}

impl FormField {
    pub const ALL: [FormField; 7] = [
        Self::Title,
        Self::Description,
        Self::Category,
        Self::Site,
        Self::Impact,
        Self::Urgency,
        Self::Status,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Title => "title",
            Self::Description => "description",
            Self::Category => "category",
            Self::Site => "site",
            Self::Impact => "impact",
            Self::Urgency => "urgency",
            Self::Status => "status",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Title => "Title",
            Self::Description => "Description",
            Self::Category => "Category",
            Self::Site => "Site",
            Self::Impact => "Impact",
            Self::Urgency => "Urgency",
            Self::Status => "Status",
        }
    }

    pub fn get(self, form: &IncidentForm) -> &str {
        match self {
            Self::Title => &form.title,
            Self::Description => &form.description,
            Self::Category => &form.category,
            Self::Site => &form.site,
            Self::Impact => &form.impact,
            Self::Urgency => &form.urgency,
            Self::Status => &form.status,
        }
    }

    pub fn set(self, form: &mut IncidentForm, value: String) {
        match self {
            Self::Title => form.title = value,
            Self::Description => form.description = value,
            Self::Category => form.category = value,
            Self::Site => form.site = value,
            Self::Impact => form.impact = value,
            Self::Urgency => form.urgency = value,
            Self::Status => form.status = value,
        }
    }
}

impl IncidentForm {
    /// A new incident's defaults: medium impact and urgency (P3), status new.
    pub fn blank() -> Self {
        Self {
            impact: "2".into(),
            urgency: "2".into(),
            status: "new".into(),
            ..Self::default()
        }
    }

    /// The form as stored: `sites` maps the incident's site id to its name.
    pub fn from_record(record: &StoredRecord, sites: &[StoredRecord]) -> Self {
        let text = |f: &str| record.str(f).unwrap_or_default().to_owned();
        let level = |f: &str| record.int(f).map(|n| n.to_string()).unwrap_or_default();
        Self {
            title: text("title"),
            description: text("description"),
            category: text("category"),
            site: record
                .str("site")
                .map(|id| site_name(sites, id))
                .unwrap_or_default(),
            impact: level("impact"),
            urgency: level("urgency"),
            status: text("status"),
        }
    }

    /// The priority the impact and urgency give, if both are set.
    pub fn priority(&self) -> Option<Priority> {
        let impact = self.impact.parse().ok()?;
        let urgency = self.urgency.parse().ok()?;
        Priority::from_impact_urgency(impact, urgency)
    }

    /// Checks every field; returns the problems, each a sentence, by field.
    pub fn problems(&self) -> Vec<(FormField, String)> {
        FormField::ALL
            .into_iter()
            .filter(|f| *f != FormField::Site)
            .filter_map(|f| {
                let value = field_value(f, f.get(self))?;
                let field = schema::INCIDENTS.field(f.name())?;
                schema::validate_value(field, &value)
                    .err()
                    .map(|e| (f, in_words(f, &e)))
            })
            .collect()
    }
}

/// The JSON value a control's text stands for; `None` for the site, whose
/// value is a record id found or made on save.
pub fn field_value(field: FormField, text: &str) -> Option<Value> {
    match field {
        FormField::Site => None,
        FormField::Impact | FormField::Urgency => Some(
            text.trim()
                .parse::<i64>()
                .map(Value::from)
                .unwrap_or_else(|_| Value::from(text)),
        ),
        FormField::Title => Some(Value::from(text.trim())),
        _ => Some(Value::from(text)),
    }
}

/// A validation problem as a sentence naming the field the way the form does.
pub fn in_words(field: FormField, error: &ValidationError) -> String {
    let label = field.label();
    match error {
        ValidationError::Empty { .. } => format!("{label} is needed."),
        ValidationError::TooLong { max, .. } => {
            format!("{label} must be at most {max} characters.")
        }
        ValidationError::NotAChoice { .. } => {
            format!("Choose a {} from the list.", label.to_lowercase())
        }
        ValidationError::OutOfRange { .. } | ValidationError::BadValue { .. } => {
            format!("Choose {} High, Medium or Low.", label.to_lowercase())
        }
        other => format!("{label}: {other}."),
    }
}

/// The name of the site with this id, or the id itself if it is not known yet.
pub fn site_name(sites: &[StoredRecord], id: &str) -> String {
    sites
        .iter()
        .find(|s| s.id == id)
        .and_then(|s| s.str("name"))
        .unwrap_or(id)
        .to_owned()
}

/// Which site record a typed name means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SiteChoice {
    /// No site given.
    None,
    /// An existing site record with that name (case-insensitive).
    Existing(String),
    /// A new site record to create with this id and name.
    New { id: String, name: String },
}

impl SiteChoice {
    pub fn resolve(sites: &[StoredRecord], typed: &str, new_id: impl FnOnce() -> String) -> Self {
        let typed = typed.trim();
        if typed.is_empty() {
            return Self::None;
        }
        let wanted = typed.to_lowercase();
        match sites.iter().filter(|s| !s.is_deleted()).find(|s| {
            s.str("name")
                .is_some_and(|n| n.trim().to_lowercase() == wanted)
        }) {
            Some(site) => Self::Existing(site.id.clone()),
            None => Self::New {
                id: new_id(),
                name: typed.to_owned(),
            },
        }
    }

    /// The value of the incident's `site` field.
    pub fn value(&self) -> Value {
        match self {
            Self::None => Value::Null,
            Self::Existing(id) | Self::New { id, .. } => Value::from(id.as_str()),
        }
    }

    /// The writes that create the site record, if it is new.
    pub fn writes(&self) -> Vec<Write> {
        match self {
            Self::New { id, name } => vec![Write::new(&schema::SITES, id, "name", name.as_str())],
            _ => Vec::new(),
        }
    }
}

/// One field to write, before it is stamped.
#[derive(Debug, Clone, PartialEq)]
pub struct Write {
    pub collection: &'static str,
    pub id: String,
    pub field: &'static str,
    pub value: Value,
}

impl Write {
    pub fn new(
        collection: &Collection,
        id: &str,
        field: &'static str,
        value: impl Into<Value>,
    ) -> Self {
        Self {
            collection: collection.name,
            id: id.to_owned(),
            field,
            value: value.into(),
        }
    }
}

/// Every write of a new incident: the form's fields plus kind, status,
/// reporter and time of occurrence.
pub fn new_incident_writes(
    form: &IncidentForm,
    id: &str,
    site: &SiteChoice,
    user_id: &str,
    occurred_at: &str,
) -> Vec<Write> {
    let mut writes = site.writes();
    let inc = |field, value: Value| Write::new(&schema::INCIDENTS, id, field, value);
    writes.push(inc("kind", Value::from("incident")));
    for f in FormField::ALL {
        match f {
            FormField::Site => writes.push(inc("site", site.value())),
            FormField::Status => writes.push(inc("status", Value::from("new"))),
            FormField::Description if form.description.trim().is_empty() => {}
            _ => {
                if let Some(value) = field_value(f, f.get(form)) {
                    writes.push(inc(f.name(), value));
                }
            }
        }
    }
    writes.push(inc("reported_by", Value::from(user_id)));
    writes.push(inc("occurred_at", Value::from(occurred_at)));
    writes
}

/// The writes for the fields of `edited` that differ from `stored`.
pub fn changed_writes(
    stored: &IncidentForm,
    edited: &IncidentForm,
    id: &str,
    site: &SiteChoice,
) -> Vec<Write> {
    let mut writes = Vec::new();
    for f in FormField::ALL {
        if f.get(stored) == f.get(edited) {
            continue;
        }
        if f == FormField::Site {
            writes.extend(site.writes());
            writes.push(Write::new(&schema::INCIDENTS, id, "site", site.value()));
        } else if let Some(value) = field_value(f, f.get(edited)) {
            writes.push(Write::new(&schema::INCIDENTS, id, f.name(), value));
        }
    }
    writes
}

/// Stamps writes in order with the device clock.
pub fn stamp(writes: Vec<Write>, mut next_hlc: impl FnMut() -> outpost_model::Hlc) -> Vec<Change> {
    writes
        .into_iter()
        .map(|w| Change {
            collection: w.collection.to_owned(),
            id: w.id,
            field: w.field.to_owned(),
            value: w.value,
            hlc: next_hlc(),
        })
        .collect()
}

/// A local edit from start to end, as every tablet makes it: stamps `writes`
/// in order with the device clock at `tablet_ms`, then saves them, with any
/// photo bytes, in one store transaction together with the clock. Gives back
/// the stamped changes.
pub async fn save_local<S: LocalStore>(
    store: &S,
    clock: &RefCell<DeviceClock>,
    writes: Vec<Write>,
    blobs: &[StoredBlob],
    tablet_ms: u64,
) -> Result<Vec<Change>, StoreError> {
    // The clock is stamped and copied before the store is awaited, so no
    // borrow is held while another task may stamp.
    let (changes, snapshot) = {
        let mut clock = clock.borrow_mut();
        let changes = stamp(writes, || clock.stamp(tablet_ms));
        (changes, clock.clock.clone())
    };
    store
        .save_local_with_blobs(&changes, &snapshot, blobs)
        .await?;
    Ok(changes)
}
