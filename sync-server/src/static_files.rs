//! Serves the built app from `--static`: precompressed files when the browser
//! accepts them, `index.html` for the app's own routes (SPA fallback), and
//! cache headers that let hashed assets be cached for good while the entry
//! points are always revalidated.

use std::convert::Infallible;

use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use crate::{AppState, error::AppError};

const NO_CACHE: &str = "no-cache";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Files that keep their name across releases; they must be revalidated or a
/// tablet would keep running an old app.
const ENTRY_POINTS: &[&str] = &["", "index.html", "app.js", "sw.js"];

pub async fn serve(State(state): State<AppState>, req: Request) -> Response {
    let Some(dir) = state.static_dir() else {
        return AppError::not_found(
            "not_found",
            "this server does not serve the app; start it with --static DIR",
        )
        .into_response();
    };
    let name = req.uri().path().rsplit('/').next().unwrap_or("").to_owned();
    let files = ServeDir::new(dir).precompressed_br().precompressed_gzip();
    // A path without a file extension is one of the app's own routes
    // (`/incidents/…`): answer with the app. A missing asset stays a 404, so
    // a broken bundle is not masked by an HTML page.
    let result: Result<Response, Infallible> = if name.contains('.') {
        files.oneshot(req).await.map(|r| r.map(Body::new))
    } else {
        let index = ServeFile::new(dir.join("index.html"))
            .precompressed_br()
            .precompressed_gzip();
        files
            .fallback(index)
            .oneshot(req)
            .await
            .map(|r| r.map(Body::new))
    };
    let mut response = match result {
        Ok(response) => response,
        Err(never) => match never {},
    };
    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        let is_html = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        let policy = if is_html || ENTRY_POINTS.contains(&name.as_str()) || !is_hashed(&name) {
            NO_CACHE
        } else {
            IMMUTABLE
        };
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
    }
    response
}

/// Whether a file name carries a content hash (`app-3fa6e8e0b6f23a1b_bg.wasm`):
/// only then may it be cached forever. An unhashed name (`icon-192.png`) can
/// change content under the same name.
fn is_hashed(name: &str) -> bool {
    name.split(['.', '-', '_'])
        .any(|part| part.len() >= 8 && part.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::is_hashed;

    #[test]
    fn only_names_with_a_content_hash_count_as_hashed() {
        assert!(is_hashed("app-3fa6e8e0b6f23a1b_bg.wasm"));
        assert!(is_hashed("style.0123abcd.css"));
        assert!(!is_hashed("icon-192.png"));
        assert!(!is_hashed("manifest.webmanifest"));
        assert!(!is_hashed("app_bg.wasm"));
    }
}
