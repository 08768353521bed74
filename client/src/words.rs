//! Field names and stored values as a person reads them, shared by the
//! conflict notices, the history and the sync centre.

use outpost_model::priority::level_label;
use outpost_model::schema::label;
use serde_json::Value;

use crate::edits::{FormField, site_name};
use crate::storage::StoredRecord;

/// "Description" for `description`; fields without a form label read as
/// their name with spaces ("root cause").
pub fn field_label(field: &str) -> String {
    FormField::ALL
        .into_iter()
        .find(|f| f.name() == field)
        .map(|f| f.label().to_owned())
        .unwrap_or_else(|| {
            let words = field.replace('_', " ");
            let mut chars = words.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        })
}

/// A field's value in words: codes by their label, levels by their name,
/// sites by their name, nothing as "(empty)".
pub fn value_in_words(field: &str, value: &Value, sites: &[StoredRecord]) -> String {
    match (field, value) {
        (_, Value::Null) => "(empty)".to_owned(),
        ("site", Value::String(id)) => site_name(sites, id),
        ("status" | "category" | "kind", Value::String(code)) => label(code).to_owned(),
        ("impact" | "urgency", Value::Number(n)) => match n.as_i64() {
            Some(level) => format!("{level} {}", level_label(level)),
            None => n.to_string(),
        },
        (_, Value::String(text)) => text.clone(),
        (_, other) => other.to_string(),
    }
}

/// Text cut to `max` characters with an ellipsis, so a long description does
/// not swamp a notice.
pub fn shortened(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

/// `12000` as "12,000".
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "1 change" / "3 changes".
pub fn changes(n: usize) -> String {
    match n {
        1 => "1 change".to_owned(),
        n => format!("{} changes", thousands(n)),
    }
}

/// Progress of a pull in words: "Downloading 3,200 of 12,000 changes" when
/// the server said how many are left, else how many came so far.
pub fn download_progress(pulled: usize, remaining: Option<u64>) -> String {
    match remaining {
        Some(left) => {
            let total = pulled.saturating_add(usize::try_from(left).unwrap_or(usize::MAX));
            format!("Downloading {} of {}", thousands(pulled), changes(total))
        }
        None => format!("Downloaded {} so far", changes(pulled)),
    }
}

/// A wait in words: "45 s", "2 min 5 s".
pub fn wait(ms: u64) -> String {
    let secs = ms.div_ceil(1000);
    match (secs / 60, secs % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) => format!("{m} min {s} s"),
    }
}

/// Ends a message with a full stop if it has none.
pub fn sentence(text: &str) -> String {
    let text = text.trim();
    if text.ends_with(['.', '!', '?']) {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}
