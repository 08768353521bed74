//! A bounded fuzz run over the sync request decoder and validator, through the
//! real router (`oneshot`, no socket): random JSON, random bytes and mutated
//! valid bodies must never panic the server or earn a 5xx, and every refusal
//! must be the JSON error shape. A few hundred cases, a few seconds.

use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode, header},
};
use outpost_model::protocol::{Role, SyncResponse};
use outpost_sync_server::{AppState, app};
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use tempfile::TempDir;
use tower::ServiceExt;

const DEVICE: &str = "fuzz-dev";

struct Harness {
    /// How many answers had each status, to show the run reached past the
    /// decoder into the validator and the store.
    seen: std::cell::RefCell<std::collections::BTreeMap<u16, u32>>,
    runtime: tokio::runtime::Runtime,
    router: Router,
    token: String,
    _data: TempDir,
}

impl Harness {
    fn new() -> Self {
        let data = tempfile::tempdir().expect("data dir");
        let state = AppState::open(data.path(), None).expect("open");
        state
            .create_user("fuzzer", Role::Reporter, "fuzzing password")
            .expect("user");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let router = app(state);
        let login =
            json!({"username": "fuzzer", "password": "fuzzing password", "device_id": DEVICE});
        let (status, body) = runtime.block_on(send(
            &router,
            "/api/v1/auth/login",
            None,
            login.to_string().into_bytes(),
        ));
        assert_eq!(status, StatusCode::OK, "{body}");
        let token = body["token"].as_str().expect("token").to_owned();
        Self {
            seen: Default::default(),
            runtime,
            router,
            token,
            _data: data,
        }
    }

    /// Posts `body` to the sync endpoint and checks the answer's shape.
    fn sync(&self, body: Vec<u8>) -> Result<(), TestCaseError> {
        let (status, answer) =
            self.runtime
                .block_on(send(&self.router, "/api/v1/sync", Some(&self.token), body));
        *self.seen.borrow_mut().entry(status.as_u16()).or_default() += 1;
        prop_assert!(!status.is_server_error(), "{status}: {answer}");
        if status == StatusCode::OK {
            prop_assert!(
                serde_json::from_value::<SyncResponse>(answer.clone()).is_ok(),
                "{answer}"
            );
        } else {
            prop_assert!(
                answer["error"]["code"]
                    .as_str()
                    .is_some_and(|c| !c.is_empty()),
                "{status}: {answer}"
            );
            prop_assert!(
                answer["error"]["message"]
                    .as_str()
                    .is_some_and(|m| !m.is_empty()),
                "{answer}"
            );
        }
        Ok(())
    }
}

async fn send(
    router: &Router,
    path: &str,
    token: Option<&str>,
    body: Vec<u8>,
) -> (StatusCode, Value) {
    let mut request = Request::post(path).header(header::CONTENT_TYPE, "application/json");
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let response = router
        .clone()
        .oneshot(request.body(Body::from(body)).expect("request"))
        .await
        .expect("the router always answers");
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    let value = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| json!({"not_json": String::from_utf8_lossy(&bytes)}));
    (status, value)
}

/// Keys a sync body and its changes use, so random objects often hit them.
const KEYS: &[&str] = &[
    "device_id",
    "cursor",
    "changes",
    "limit",
    "collection",
    "id",
    "field",
    "value",
    "hlc",
];

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,40}".prop_map(Value::from),
        Just(json!("0193f3a2-6c1e-7cc0-8a55-2f6e2b1d9c01")),
        Just(json!(u64::MAX)),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![prop::sample::select(KEYS).prop_map(str::to_owned), ".{0,8}"],
                    inner
                ),
                0..6
            )
            .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn valid_change() -> impl Strategy<Value = Value> {
    let collection =
        prop::sample::select(&["incidents", "sites", "events", "actions", "problems"][..]);
    let field = prop::sample::select(
        &[
            "title",
            "impact",
            "status",
            "name",
            "reported_by",
            "deleted",
            "tags",
            "body",
        ][..],
    );
    let value = prop_oneof![
        Just(json!("Pump leaking")),
        Just(json!(2)),
        Just(json!(true)),
        Just(json!("new")),
        any_json()
    ];
    (collection, 1u32..4, field, value, 0u64..2_000_000_000_000, 0u32..3)
        .prop_map(|(collection, n, field, value, wall, counter)| {
            json!({"collection": collection, "id": format!("00000000-0000-7000-8000-{n:012}"), "field": field,
                   "value": value, "hlc": format!("{wall:015}-{counter:05}-{DEVICE}")})
        })
}

fn valid_body() -> impl Strategy<Value = Value> {
    let cursor = prop_oneof![
        Just(Value::Null),
        Just(json!("0")),
        (0u64..1000).prop_map(|n| json!(n.to_string()))
    ];
    (prop::collection::vec(valid_change(), 0..5), cursor, prop::option::of(1u32..10))
        .prop_map(|(changes, cursor, limit)| json!({"device_id": DEVICE, "cursor": cursor, "changes": changes, "limit": limit}))
}

/// A valid body with one to three parts replaced by random JSON or removed.
fn mutated_body() -> impl Strategy<Value = Value> {
    let edit = (0usize..9, 0usize..5, any_json(), any::<bool>());
    (valid_body(), prop::collection::vec(edit, 1..4)).prop_map(|(mut body, edits)| {
        for (key, index, replacement, remove) in edits {
            let target = if key < 4 {
                body.as_object_mut()
            } else {
                body["changes"].as_array_mut().and_then(|list| {
                    let len = list.len();
                    list.get_mut(index % len.max(1))
                        .and_then(Value::as_object_mut)
                })
            };
            if let Some(object) = target {
                let name = KEYS[key].to_owned();
                if remove {
                    object.remove(&name);
                } else {
                    object.insert(name, replacement);
                }
            }
        }
        body
    })
}

/// A few hundred cases in every test run; `cargo xtask fuzz` sets
/// `OUTPOST_FUZZ_CASES` for a longer hunt.
fn config() -> ProptestConfig {
    let cases = std::env::var("OUTPOST_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(300);
    ProptestConfig {
        cases,
        // No regression files in the source tree; a failure prints its case.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

#[test]
fn random_json_bodies_never_earn_a_5xx() {
    let harness = Harness::new();
    proptest!(config(), |(body in any_json())| {
        harness.sync(body.to_string().into_bytes())?;
    });
}

#[test]
fn random_bytes_never_earn_a_5xx() {
    let harness = Harness::new();
    proptest!(config(), |(body in prop::collection::vec(any::<u8>(), 0..300))| {
        harness.sync(body)?;
    });
}

#[test]
fn mutated_valid_sync_bodies_never_earn_a_5xx() {
    let harness = Harness::new();
    proptest!(config(), |(body in mutated_body())| {
        harness.sync(body.to_string().into_bytes())?;
    });
    let seen = harness.seen.borrow();
    for status in [200, 400, 422] {
        assert!(seen.contains_key(&status), "no {status} in {seen:?}");
    }
}
