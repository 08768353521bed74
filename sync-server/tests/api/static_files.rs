//! The built app: SPA fallback, precompressed files and cache headers.

use reqwest::{
    StatusCode,
    header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING},
};

use crate::support::TestServer;

const INDEX: &[u8] = b"<!doctype html><title>Outpost</title>";

fn app_server() -> TestServer {
    TestServer::start_serving(&[
        ("index.html", INDEX),
        ("app.js", b"import init from './app-0123abcd_bg.wasm';"),
        ("app-0123abcd_bg.wasm", b"\0asm plain"),
        ("app-0123abcd_bg.wasm.br", b"brotli bytes"),
        ("icon-192.png", b"png"),
    ])
}

fn cache_control(response: &reqwest::blocking::Response) -> String {
    response
        .headers()
        .get(CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("<none>")
        .to_owned()
}

#[test]
fn spa_fallback_serves_index_html_for_app_routes() {
    let server = app_server();
    for path in [
        "/",
        "/incidents/xyz",
        "/incidents/0190f0e0-0000-7000-8000-000000000001/edit",
    ] {
        let response = server.client.get(server.url(path)).send().expect("request");
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(cache_control(&response), "no-cache", "{path}");
        assert_eq!(response.bytes().expect("body").as_ref(), INDEX, "{path}");
    }
}

#[test]
fn a_missing_asset_is_404_not_the_app() {
    let server = app_server();
    let response = server
        .client
        .get(server.url("/app-deadbeef_bg.wasm"))
        .send()
        .expect("request");
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[test]
fn hashed_assets_are_cached_for_good_and_entry_points_are_revalidated() {
    let server = app_server();
    let cases = [
        (
            "/app-0123abcd_bg.wasm",
            "public, max-age=31536000, immutable",
        ),
        ("/app.js", "no-cache"),
        ("/index.html", "no-cache"),
        ("/icon-192.png", "no-cache"),
    ];
    for (path, expected) in cases {
        let response = server.client.get(server.url(path)).send().expect("request");
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(cache_control(&response), expected, "{path}");
    }
}

#[test]
fn precompressed_brotli_is_served_when_accepted() {
    let server = app_server();
    let response = server
        .client
        .get(server.url("/app-0123abcd_bg.wasm"))
        .header(ACCEPT_ENCODING, "br, gzip")
        .send()
        .expect("request");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response
            .headers()
            .get(CONTENT_ENCODING)
            .and_then(|v| v.to_str().ok()),
        Some("br")
    );
    assert_eq!(response.bytes().expect("body").as_ref(), b"brotli bytes");
}

#[test]
fn without_a_static_directory_other_paths_are_a_json_404() {
    let server = TestServer::start();
    let response = server
        .client
        .get(server.url("/incidents/xyz"))
        .send()
        .expect("request");
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body: serde_json::Value = response.json().expect("JSON");
    assert_eq!(body["error"]["code"], "not_found");
}
