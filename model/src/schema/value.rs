//! Checks one value against the kind of its field; the app uses this for its
//! forms, the server for every pushed change.

use serde_json::{Map, Value};

use super::{Field, FieldKind, MAX_NAME_LEN, ValidationError};

/// Checks a value for one field; the app uses this for its forms too.
pub fn validate_value(field: &Field, value: &Value) -> Result<(), ValidationError> {
    let name = field.name.to_owned();
    match field.kind {
        FieldKind::Text { max, required } => {
            let s = value.as_str().ok_or_else(|| ValidationError::BadValue {
                field: name.clone(),
                expected: "text",
            })?;
            if required && s.trim().is_empty() {
                return Err(ValidationError::Empty { field: name });
            }
            if s.chars().count() > max {
                return Err(ValidationError::TooLong { field: name, max });
            }
        }
        FieldKind::Code(choices) => {
            if !value.as_str().is_some_and(|s| choices.contains(&s)) {
                return Err(ValidationError::NotAChoice {
                    field: name,
                    choices: format!("one of {}", choices.join(", ")),
                });
            }
        }
        FieldKind::Int { min, max } => match value.as_i64() {
            Some(n) if (min..=max).contains(&n) => {}
            Some(_) => {
                return Err(ValidationError::OutOfRange {
                    field: name,
                    min,
                    max,
                });
            }
            None => {
                return Err(ValidationError::BadValue {
                    field: name,
                    expected: "a whole number",
                });
            }
        },
        FieldKind::Bool => {
            if !value.is_boolean() {
                return Err(ValidationError::BadValue {
                    field: name,
                    expected: "true or false",
                });
            }
        }
        FieldKind::Ref => {
            let ok = value.is_null()
                || value
                    .as_str()
                    .is_some_and(|s| s.len() <= MAX_NAME_LEN && uuid::Uuid::parse_str(s).is_ok());
            if !ok {
                return Err(ValidationError::BadValue {
                    field: name,
                    expected: "the id of a record, or null",
                });
            }
        }
        FieldKind::Time => {
            let ok = value.is_null()
                || value
                    .as_str()
                    .is_some_and(|s| crate::time::parse_rfc3339_ms(s).is_some());
            if !ok {
                return Err(ValidationError::BadValue {
                    field: name,
                    expected: "an RFC 3339 time such as 2026-11-26T21:38:04.123Z, or null",
                });
            }
        }
        FieldKind::Tags { max_items, max_len } => tags(name, value, max_items, max_len)?,
        FieldKind::Location => location(name, value)?,
        FieldKind::Json { max_bytes } => {
            if !(value.is_null() || value.is_object()) {
                return Err(ValidationError::BadValue {
                    field: name,
                    expected: "a JSON object, or null",
                });
            }
            // Compact JSON text is what travels and what is stored.
            if value.to_string().len() > max_bytes {
                return Err(ValidationError::TooLarge {
                    field: name,
                    max: max_bytes,
                });
            }
        }
        FieldKind::Sha256 => {
            let ok = value.as_str().is_some_and(|s| {
                s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
            });
            if !ok {
                return Err(ValidationError::BadValue {
                    field: name,
                    expected: "a SHA-256 digest of 64 lowercase hexadecimal digits",
                });
            }
        }
    }
    Ok(())
}

fn tags(
    name: String,
    value: &Value,
    max_items: usize,
    max_len: usize,
) -> Result<(), ValidationError> {
    if value.is_null() {
        return Ok(());
    }
    let bad = |name| ValidationError::BadValue {
        field: name,
        expected: "a list of distinct, non-empty words, or null",
    };
    let Some(items) = value.as_array() else {
        return Err(bad(name));
    };
    if items.len() > max_items {
        return Err(ValidationError::TooMany {
            field: name,
            max: max_items,
        });
    }
    for (i, item) in items.iter().enumerate() {
        let Some(tag) = item.as_str().filter(|t| !t.trim().is_empty()) else {
            return Err(bad(name));
        };
        if tag.chars().count() > max_len {
            return Err(ValidationError::TooLong {
                field: name,
                max: max_len,
            });
        }
        if items[..i].contains(item) {
            return Err(bad(name));
        }
    }
    Ok(())
}

fn location(name: String, value: &Value) -> Result<(), ValidationError> {
    if value.is_null() {
        return Ok(());
    }
    let Some(place) = value.as_object() else {
        return Err(ValidationError::BadValue {
            field: name,
            expected: "an object with lat, lon and accuracy_m, or null",
        });
    };
    // Unknown keys are refused so a typo (`lng`) cannot pass as a place.
    if place
        .keys()
        .any(|k| !matches!(k.as_str(), "lat" | "lon" | "accuracy_m"))
    {
        return Err(ValidationError::BadValue {
            field: name,
            expected: "an object with only lat, lon and accuracy_m",
        });
    }
    if !in_range(place, "lat", -90.0, 90.0) {
        return Err(ValidationError::BadValue {
            field: name,
            expected: "a place with a latitude between -90 and 90",
        });
    }
    if !in_range(place, "lon", -180.0, 180.0) {
        return Err(ValidationError::BadValue {
            field: name,
            expected: "a place with a longitude between -180 and 180",
        });
    }
    let accuracy = place.get("accuracy_m").unwrap_or(&Value::Null);
    if !(accuracy.is_null() || in_range(place, "accuracy_m", 0.0, f64::MAX)) {
        return Err(ValidationError::BadValue {
            field: name,
            expected: "a place whose accuracy_m is a number of metres of at least 0, or null",
        });
    }
    Ok(())
}

/// Whether `place[key]` is a number in `min..=max` (JSON numbers are finite).
fn in_range(place: &Map<String, Value>, key: &str, min: f64, max: f64) -> bool {
    place
        .get(key)
        .and_then(Value::as_f64)
        .is_some_and(|n| (min..=max).contains(&n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(kind: FieldKind, value: Value) -> Result<(), &'static str> {
        let field = Field { name: "f", kind };
        validate_value(&field, &value).map_err(|e| e.code())
    }

    const TAGS: FieldKind = FieldKind::Tags {
        max_items: 3,
        max_len: 5,
    };

    #[test]
    fn tags_are_a_short_list_of_distinct_words() {
        assert_eq!(check(TAGS, json!(["pump", "night"])), Ok(()));
        assert_eq!(check(TAGS, json!([])), Ok(()));
        assert_eq!(check(TAGS, json!(null)), Ok(()));
        assert_eq!(check(TAGS, json!(["a", "b", "c", "d"])), Err("too_many"));
        assert_eq!(check(TAGS, json!(["abcdef"])), Err("too_long"));
        assert_eq!(check(TAGS, json!(["a", "a"])), Err("bad_value"));
        assert_eq!(check(TAGS, json!(["a", " "])), Err("bad_value"));
        assert_eq!(check(TAGS, json!(["a", 1])), Err("bad_value"));
        assert_eq!(check(TAGS, json!("pump")), Err("bad_value"));
    }

    #[test]
    fn tag_length_counts_characters_not_bytes() {
        assert_eq!(check(TAGS, json!(["ñandú"])), Ok(()));
    }

    #[test]
    fn locations_are_on_earth() {
        let ok = [
            json!({"lat": 0, "lon": 0, "accuracy_m": 0}),
            json!({"lat": -90, "lon": 180, "accuracy_m": 3.5}),
            json!({"lat": 90.0, "lon": -180.0}),
            json!({"lat": 51.5, "lon": -0.12, "accuracy_m": null}),
            json!(null),
        ];
        for v in ok {
            assert_eq!(check(FieldKind::Location, v.clone()), Ok(()), "{v}");
        }
        let bad = [
            json!({"lat": 90.01, "lon": 0}),
            json!({"lat": -91, "lon": 0}),
            json!({"lat": 0, "lon": 180.5}),
            json!({"lat": 0, "lon": -181}),
            json!({"lat": 0, "lon": 0, "accuracy_m": -1}),
            json!({"lat": "51.5", "lon": 0}),
            json!({"lon": 0}),
            json!({"lat": 0, "lng": 0}),
            json!({"lat": 0, "lon": 0, "altitude": 3}),
            json!([51.5, 0]),
        ];
        for v in bad {
            assert_eq!(
                check(FieldKind::Location, v.clone()),
                Err("bad_value"),
                "{v}"
            );
        }
    }

    #[test]
    fn location_messages_name_the_bad_part() {
        let field = Field {
            name: "location",
            kind: FieldKind::Location,
        };
        let err = validate_value(&field, &json!({"lat": 100, "lon": 0})).unwrap_err();
        assert_eq!(
            err.to_string(),
            "location must be a place with a latitude between -90 and 90"
        );
    }

    #[test]
    fn json_is_an_object_within_its_size() {
        let kind = FieldKind::Json { max_bytes: 20 };
        // {"a":"0123456789"} is 18 bytes of compact JSON; {"a":"0123456789xyz"} is 21.
        assert_eq!(check(kind, json!({"a": "0123456789"})), Ok(()));
        assert_eq!(check(kind, json!({"a": "0123456789xyz"})), Err("too_large"));
        assert_eq!(check(kind, json!(null)), Ok(()));
        assert_eq!(check(kind, json!([1])), Err("bad_value"));
        assert_eq!(check(kind, json!("{}")), Err("bad_value"));
    }

    #[test]
    fn sha256_is_64_lowercase_hex_digits() {
        let digest = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert_eq!(check(FieldKind::Sha256, json!(digest)), Ok(()));
        for bad in [
            json!(digest.to_uppercase()),
            json!(&digest[1..]),
            json!(format!("{digest}0")),
            json!(digest.replace('e', "g")),
            json!(null),
        ] {
            assert_eq!(
                check(FieldKind::Sha256, bad.clone()),
                Err("bad_value"),
                "{bad}"
            );
        }
    }
}
