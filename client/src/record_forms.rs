//! The incident page's smaller forms as writes: a new action, the review,
//! a new problem and its links, hours worked, a typed-in position, tags. Each
//! gives values the schema accepts, or says in words why it cannot.

use outpost_model::schema::{self, SITE_HOURS};
use outpost_model::time::format_rfc3339_ms;
use serde_json::{Value, json};

use crate::edits::Write;
use crate::storage::StoredRecord;

/// The writes of a new action on `incident_id`.
pub fn new_action_writes(
    id: &str,
    incident_id: &str,
    title: &str,
    owner: Option<&str>,
    due_ms: Option<u64>,
) -> Vec<Write> {
    let w = |field, value: serde_json::Value| Write::new(&schema::ACTIONS, id, field, value);
    vec![
        w("incident_id", incident_id.into()),
        w("title", title.trim().into()),
        w("owner", owner.map_or(serde_json::Value::Null, Into::into)),
        w(
            "due",
            due_ms.map_or(serde_json::Value::Null, |ms| format_rfc3339_ms(ms).into()),
        ),
        w("status", "open".into()),
    ]
}

/// The review's fields and their labels, in form order.
pub const REVIEW_FIELDS: [(&str, &str); 3] = [
    ("root_cause", "Root cause"),
    ("contributing_factors", "Contributing factors"),
    ("lessons_learned", "Lessons learned"),
];

/// The writes for the review values in `edits` that differ from the record.
pub fn review_writes(incident: &StoredRecord, edits: &[(&'static str, String)]) -> Vec<Write> {
    edits
        .iter()
        .filter(|(f, v)| incident.str(f).unwrap_or_default() != v.as_str())
        .map(|(f, v)| Write::new(&schema::INCIDENTS, &incident.id, f, Value::from(v.as_str())))
        .collect()
}

/// The writes of a new problem, and of linking `incidents` to it.
pub fn new_problem_writes(
    id: &str,
    title: &str,
    description: &str,
    incidents: &[String],
) -> Vec<Write> {
    let w = |f, v: &str| Write::new(&schema::PROBLEMS, id, f, v);
    let mut writes = vec![w("title", title.trim()), w("status", "open")];
    if !description.trim().is_empty() {
        writes.push(w("description", description.trim()));
    }
    writes.extend(incidents.iter().map(|i| link_write(i, Some(id))));
    writes
}

/// The write that links `incident_id` to `problem_id` (`None`: unlinks).
pub fn link_write(incident_id: &str, problem_id: Option<&str>) -> Write {
    Write::new(
        &schema::INCIDENTS,
        incident_id,
        "problem_id",
        problem_id.map_or(Value::Null, Value::from),
    )
}

/// The writes of one entry, or why the typed hours are not a number of hours.
pub fn hours_writes(
    id: &str,
    site: &str,
    year: i32,
    month: u32,
    hours: &str,
) -> Result<Vec<Write>, String> {
    if site.is_empty() {
        return Err("Choose the site the hours were worked at.".to_owned());
    }
    let hours: i64 = hours
        .trim()
        .replace([',', ' '], "")
        .parse()
        .ok()
        .filter(|h| (0..=100_000_000).contains(h))
        .ok_or("Enter the hours as a whole number, such as 40000.")?;
    Ok(vec![
        Write::new(&SITE_HOURS, id, "site", site),
        Write::new(&SITE_HOURS, id, "year", i64::from(year)),
        Write::new(&SITE_HOURS, id, "month", i64::from(month)),
        Write::new(&SITE_HOURS, id, "hours", hours),
    ])
}

/// The stored `{lat, lon, accuracy_m}` as a fix (accuracy 0 when typed in).
pub fn fix_of(value: &Value) -> Option<(f64, f64, Option<f64>)> {
    Some((
        value.get("lat")?.as_f64()?,
        value.get("lon")?.as_f64()?,
        value.get("accuracy_m").and_then(Value::as_f64),
    ))
}

/// "54.12345° N, 1.23456° W, within about 12 m" (or "typed in by hand").
pub fn in_words(lat: f64, lon: f64, accuracy_m: Option<f64>) -> String {
    let ns = if lat >= 0.0 { "N" } else { "S" };
    let ew = if lon >= 0.0 { "E" } else { "W" };
    let how = match accuracy_m {
        Some(m) => format!("within about {} m", m.round() as i64),
        None => "typed in by hand".to_owned(),
    };
    format!("{:.5}° {ns}, {:.5}° {ew}, {how}", lat.abs(), lon.abs())
}

/// The `location` value for typed-in text, or why it is not a position.
pub fn typed_location(lat: &str, lon: &str) -> Result<Value, String> {
    let lat: f64 = lat
        .trim()
        .parse()
        .map_err(|_| "Latitude must be a number of degrees, such as 54.12345.")?;
    let lon: f64 = lon
        .trim()
        .parse()
        .map_err(|_| "Longitude must be a number of degrees, such as -1.23456.")?;
    if !(-90.0..=90.0).contains(&lat) {
        return Err("Latitude must be between -90 and 90.".into());
    }
    if !(-180.0..=180.0).contains(&lon) {
        return Err("Longitude must be between -180 and 180.".into());
    }
    Ok(json!({"lat": lat, "lon": lon}))
}

/// "pump, night shift" as distinct, trimmed tags.
pub fn parse_tags(text: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in text.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        if !tags.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
            tags.push(tag.to_owned());
        }
    }
    tags
}
