//! A request that stalls is answered, in JSON, when its time is up. Tokio's
//! paused clock jumps ahead while everything waits, so this takes no time.

use axum::{
    body::{Body, Bytes},
    http::{Request, StatusCode, header},
};
use outpost_sync_server::{AppState, app};
use serde_json::Value;
use tower::ServiceExt;

#[tokio::test(start_paused = true)]
async fn a_request_whose_body_never_arrives_is_503_timeout_after_60_s() {
    let data = tempfile::tempdir().expect("data dir");
    let state = AppState::open(data.path(), None).expect("open");
    let never = futures_util::stream::pending::<Result<Bytes, std::io::Error>>();
    let request = Request::post("/api/v1/auth/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from_stream(never))
        .expect("request");
    let started = tokio::time::Instant::now();
    let response = app(state).oneshot(request).await.expect("an answer");
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(started.elapsed().as_secs(), 60);
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    let body: Value = serde_json::from_slice(&bytes).expect("JSON");
    assert_eq!(body["error"]["code"], "timeout");
}
