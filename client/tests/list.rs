//! The incident list: its query round-trips through the URL, filters pick
//! the right rows, and windowing draws only what is on screen.

use std::collections::HashMap;
use std::sync::Arc;

use outpost_client::list_query::{
    ListQuery, NOBODY, OPEN, Sort, encode, rows, same_rows, select, window,
};
use outpost_client::storage::StoredRecord;
use outpost_model::{Change, Hlc};
use serde_json::{Value, json};

const ME: &str = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c03";

fn incident(id: &str, fields: &[(&str, Value)]) -> StoredRecord {
    let mut r = StoredRecord::new("incidents", id);
    for (f, v) in fields {
        r.apply(&Change {
            collection: "incidents".into(),
            id: id.into(),
            field: (*f).into(),
            value: v.clone(),
            hlc: Hlc::new(1, 0, "n").unwrap(),
        });
    }
    r
}

#[test]
fn a_query_round_trips_through_the_url() {
    let q = ListQuery {
        q: "pump 3 & valve".into(),
        status: OPEN.into(),
        priority: "2".into(),
        mine: true,
        breached: true,
        sort: Sort::Priority,
        ..ListQuery::default()
    };
    let text = q.to_query();
    assert_eq!(
        text,
        "?q=pump%203%20%26%20valve&status=open&priority=2&mine=1&breached=1&sort=priority"
    );
    let pairs: Vec<(String, String)> = q
        .pairs()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    let back = ListQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    assert_eq!(back, q);
    assert_eq!(ListQuery::default().to_query(), "");
    assert_eq!(
        ListQuery::from_pairs([("sort", "nonsense"), ("x", "1")]),
        ListQuery::default()
    );
    assert_eq!(encode("é"), "%C3%A9");
}

#[test]
fn filters_and_search_pick_the_matching_rows() {
    let a = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c01";
    let b = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c02";
    let c = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c04";
    let all = rows(
        &[
            incident(
                a,
                &[
                    ("title", json!("Pump 3 leaking")),
                    ("status", json!("new")),
                    ("impact", json!(1)),
                    ("urgency", json!(1)),
                    ("assignee", json!(ME)),
                ],
            ),
            incident(
                b,
                &[
                    ("title", json!("Gate stuck")),
                    ("description", json!("the PUMP house gate")),
                    ("status", json!("closed")),
                    ("impact", json!(3)),
                    ("urgency", json!(3)),
                ],
            ),
            incident(
                c,
                &[
                    ("title", json!("Fence down")),
                    ("status", json!("on_hold")),
                    ("impact", json!(2)),
                    ("urgency", json!(2)),
                    ("deleted", json!(true)),
                ],
            ),
        ],
        &[],
        Some(HashMap::new()),
    );
    assert_eq!(all.len(), 2, "deleted incidents are not listed");
    let ids = |q: &ListQuery| {
        select(&all, q, ME, 0)
            .into_iter()
            .map(|r| r.id.clone())
            .collect::<Vec<_>>()
    };
    let search = ListQuery {
        q: "pump".into(),
        ..ListQuery::default()
    };
    assert_eq!(
        ids(&search),
        [b, a],
        "newest first, description searched too"
    );
    let open = ListQuery {
        status: OPEN.into(),
        ..ListQuery::default()
    };
    assert_eq!(ids(&open), [a]);
    let p5 = ListQuery {
        priority: "5".into(),
        ..ListQuery::default()
    };
    assert_eq!(ids(&p5), [b]);
    let mine = ListQuery {
        mine: true,
        ..ListQuery::default()
    };
    assert_eq!(ids(&mine), [a]);
    let nobody = ListQuery {
        assignee: NOBODY.into(),
        ..ListQuery::default()
    };
    assert_eq!(ids(&nobody), [b]);
    let by_priority = ListQuery {
        sort: Sort::Priority,
        ..ListQuery::default()
    };
    assert_eq!(ids(&by_priority), [a, b]);
}

#[test]
fn windowing_draws_the_visible_rows_and_a_buffer() {
    // 10,000 rows of 100 px; the viewport shows 10 of them.
    assert_eq!(window(0.0, 1000.0, 100.0, 10_000, 5), 0..15);
    assert_eq!(window(-300.0, 1000.0, 100.0, 10_000, 5), 0..12);
    assert_eq!(window(500_000.0, 1000.0, 100.0, 10_000, 5), 4995..5015);
    assert_eq!(window(999_500.0, 1000.0, 100.0, 10_000, 5), 9990..10_000);
    assert_eq!(
        window(2_000_000.0, 1000.0, 100.0, 10_000, 5),
        10_000..10_000
    );
    assert_eq!(window(0.0, 1000.0, 100.0, 0, 5), 0..0);
}

#[test]
fn selecting_shares_the_rows_instead_of_copying_them() {
    let a = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c01";
    let make = || {
        rows(
            &[incident(a, &[("title", json!("Pump 3 leaking"))])],
            &[],
            Some(HashMap::new()),
        )
    };
    let all = make();
    let picked = select(&all, &ListQuery::default(), ME, 0);
    assert!(Arc::ptr_eq(&picked[0], &all[0]));
    assert!(
        same_rows(Some(&picked), Some(&all)),
        "the list need not redraw"
    );
    let rebuilt = make();
    assert!(
        !same_rows(Some(&rebuilt), Some(&all)),
        "rows read again are new rows"
    );
    assert!(!same_rows(Some(&Vec::new()), Some(&all)));
}

#[test]
fn rows_show_before_their_events_are_read_and_redraw_when_they_come() {
    let a = "0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c01";
    let record = incident(
        a,
        &[
            ("title", json!("Pump 3 leaking")),
            ("status", json!("new")),
            ("impact", json!(1)),
            ("urgency", json!(1)),
        ],
    );
    let early = rows(std::slice::from_ref(&record), &[], None);
    let later = rows(&[record], &[], Some(HashMap::new()));
    assert_eq!(early[0].title, "Pump 3 leaking", "the row is there at once");
    assert!(early[0].events.is_none());
    assert!(
        !early[0].breached(4_000_000_000_000),
        "without its events a row is not counted as breached"
    );
    assert_ne!(
        early[0].key(),
        later[0].key(),
        "the row is redrawn when its events arrive"
    );
}
