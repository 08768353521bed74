//! The OpenAPI document describes exactly what the router serves.

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::support::TestServer;

fn document(server: &TestServer) -> Value {
    let response = server
        .client
        .get(server.url("/api/v1/openapi.json"))
        .send()
        .expect("request");
    assert_eq!(response.status(), StatusCode::OK);
    response.json().expect("the document is JSON")
}

/// `(METHOD, path template)` of every operation in the document.
fn operations(doc: &Value) -> BTreeSet<(String, String)> {
    let paths = doc["paths"].as_object().expect("paths");
    paths
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("path item")
                .keys()
                .filter(|k| ["get", "post", "put", "patch", "delete"].contains(&k.as_str()))
                .map(move |m| (m.to_uppercase(), path.clone()))
        })
        .collect()
}

#[test]
fn the_document_is_openapi_3_and_lists_every_api_route() {
    let server = TestServer::start();
    let doc = document(&server);
    assert!(
        doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
        "{}",
        doc["openapi"]
    );
    let expected: BTreeSet<(String, String)> = [
        ("POST", "/api/v1/auth/login"),
        ("POST", "/api/v1/auth/logout"),
        ("GET", "/api/v1/setup"),
        ("POST", "/api/v1/setup"),
        ("POST", "/api/v1/sync"),
        ("GET", "/api/v1/users"),
        ("POST", "/api/v1/users"),
        ("PATCH", "/api/v1/users/{id}"),
        ("GET", "/api/v1/records/{collection}/{id}/history"),
        ("PUT", "/api/v1/blobs/{sha256}"),
        ("GET", "/api/v1/blobs/{sha256}"),
        ("GET", "/api/v1/openapi.json"),
    ]
    .into_iter()
    .map(|(m, p)| (m.to_owned(), p.to_owned()))
    .collect();
    assert_eq!(operations(&doc), expected);
}

#[test]
fn every_operation_in_the_document_is_served_by_the_router() {
    let server = TestServer::start();
    for (method, template) in operations(&document(&server)) {
        let path = template
            .replace("{collection}", "incidents")
            .replace("{id}", "00000000-0000-7000-8000-000000000001");
        let method = Method::from_bytes(method.as_bytes()).expect("method");
        let response = server
            .client
            .request(method.clone(), server.url(&path))
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .expect("request");
        let status = response.status();
        let body = response.text().expect("body");
        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        assert!(
            !body.contains("there is nothing at this address"),
            "{method} {path} is not routed: {body}"
        );
    }
}

#[test]
fn every_schema_the_document_refers_to_is_defined() {
    let server = TestServer::start();
    let doc = document(&server);
    let text = doc.to_string();
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    for reference in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = reference.split('"').next().unwrap_or("");
        assert!(
            schemas.contains_key(name),
            "{name} is referred to but not defined"
        );
    }
    for name in [
        "SyncRequest",
        "SyncResponse",
        "ErrorResponse",
        "ChangeProblem",
        "WireChange",
    ] {
        assert!(schemas.contains_key(name), "{name} is missing");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[test]
fn the_wire_change_schema_has_exactly_the_fields_of_a_change() {
    let server = TestServer::start();
    let doc = document(&server);
    let described: BTreeSet<&str> = doc["components"]["schemas"]["WireChange"]["properties"]
        .as_object()
        .expect("properties")
        .keys()
        .map(String::as_str)
        .collect();
    let change = outpost_model::Change {
        collection: "incidents".into(),
        id: "00000000-0000-7000-8000-000000000001".into(),
        field: "title".into(),
        value: Value::from("t"),
        hlc: outpost_model::Hlc::new(1, 0, "d").expect("stamp"),
    };
    let sent = serde_json::to_value(&change).expect("serialise");
    let sent: BTreeSet<&str> = sent
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(described, sent);
}
