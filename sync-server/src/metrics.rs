//! `GET /metrics` in the Prometheus text format: requests by route template
//! and status, a latency histogram, what pushes did with their changes, the
//! blobs uploaded, the devices seen lately and the size of the database.
//!
//! Hand-rolled rather than a metrics crate: five series do not need one, and
//! the rendering below is the whole exposition format we use. Routes are
//! labelled by template (`/api/v1/records/{collection}/{id}/history`), never by
//! the path a client sent, so a scanner cannot blow up the number of series.

use std::{
    collections::{BTreeMap, HashMap},
    fmt::Write,
    sync::{Mutex, MutexGuard},
    time::Instant,
};

use axum::{
    extract::{MatchedPath, Request, State},
    http::{HeaderValue, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::{AppState, clock::now_ms, error::AppError};

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// A device that synced within this window counts as connected.
pub const CONNECTED_WINDOW_MS: u64 = 5 * 60 * 1000;

#[derive(Debug, Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    requests: BTreeMap<(String, String, u16), u64>,
    latency: BTreeMap<String, Histogram>,
    accepted: u64,
    ignored: u64,
    refused: u64,
    blobs_new: u64,
    blobs_existing: u64,
    devices: HashMap<String, u64>,
}

#[derive(Debug, Default)]
struct Histogram {
    /// Count per bucket of [`BUCKETS`], not cumulative; the last is `+Inf`.
    counts: Vec<u64>,
    sum: f64,
    count: u64,
}

impl Metrics {
    // Every update leaves the maps consistent, so a poisoned lock is usable.
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn request(&self, route: &str, method: &str, status: u16, seconds: f64) {
        let mut inner = self.lock();
        *inner
            .requests
            .entry((route.to_owned(), method.to_owned(), status))
            .or_default() += 1;
        let h = inner.latency.entry(route.to_owned()).or_default();
        if h.counts.is_empty() {
            h.counts = vec![0; BUCKETS.len() + 1];
        }
        let slot = BUCKETS
            .iter()
            .position(|b| seconds <= *b)
            .unwrap_or(BUCKETS.len());
        h.counts[slot] += 1;
        h.sum += seconds;
        h.count += 1;
    }

    pub fn changes(&self, accepted: u64, ignored: u64, refused: u64) {
        let mut inner = self.lock();
        inner.accepted += accepted;
        inner.ignored += ignored;
        inner.refused += refused;
    }

    /// One blob upload that was stored: `new`, or already there.
    pub fn blob_stored(&self, new: bool) {
        let mut inner = self.lock();
        if new {
            inner.blobs_new += 1;
        } else {
            inner.blobs_existing += 1;
        }
    }

    pub fn device_seen(&self, device_id: &str, now_ms: u64) {
        let mut inner = self.lock();
        inner.devices.insert(device_id.to_owned(), now_ms);
        // Bounded by the devices seen in one window, not by all ever seen.
        if inner.devices.len() > 10_000 {
            inner
                .devices
                .retain(|_, seen| seen.saturating_add(CONNECTED_WINDOW_MS) > now_ms);
        }
    }

    /// The exposition text; `db_bytes` is read by the caller from the store.
    pub fn render(&self, now_ms: u64, db_bytes: u64) -> String {
        let inner = self.lock();
        let mut out = String::new();
        // Writing to a String cannot fail; the results are ignored on purpose.
        let _ = writeln!(
            out,
            "# HELP outpost_http_requests_total HTTP requests answered, by route template, method and status.\n\
             # TYPE outpost_http_requests_total counter"
        );
        for ((route, method, status), n) in &inner.requests {
            let _ = writeln!(
                out,
                "outpost_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{status}\"}} {n}",
                escape(route),
                escape(method)
            );
        }
        let _ = writeln!(
            out,
            "# HELP outpost_http_request_duration_seconds Time to answer a request, by route template.\n\
             # TYPE outpost_http_request_duration_seconds histogram"
        );
        for (route, h) in &inner.latency {
            let route = escape(route);
            let mut cumulative = 0;
            for (i, n) in h.counts.iter().enumerate() {
                cumulative += n;
                let le = BUCKETS.get(i).map_or("+Inf".to_owned(), |b| b.to_string());
                let _ = writeln!(
                    out,
                    "outpost_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{le}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "outpost_http_request_duration_seconds_sum{{route=\"{route}\"}} {}\n\
                 outpost_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.sum, h.count
            );
        }
        let connected = inner
            .devices
            .values()
            .filter(|seen| seen.saturating_add(CONNECTED_WINDOW_MS) > now_ms)
            .count();
        let _ = write!(
            out,
            "# HELP outpost_changes_total Pushed changes: accepted as current values, ignored (known or older), refused (not allowed).\n\
             # TYPE outpost_changes_total counter\n\
             outpost_changes_total{{outcome=\"accepted\"}} {}\n\
             outpost_changes_total{{outcome=\"ignored\"}} {}\n\
             outpost_changes_total{{outcome=\"refused\"}} {}\n\
             # HELP outpost_blobs_stored_total Attachment blobs uploaded and stored: new, or already stored (a retried upload).\n\
             # TYPE outpost_blobs_stored_total counter\n\
             outpost_blobs_stored_total{{outcome=\"new\"}} {}\n\
             outpost_blobs_stored_total{{outcome=\"existing\"}} {}\n\
             # HELP outpost_connected_devices Devices that synced in the last 5 minutes.\n\
             # TYPE outpost_connected_devices gauge\n\
             outpost_connected_devices {connected}\n\
             # HELP outpost_database_size_bytes Size of the database.\n\
             # TYPE outpost_database_size_bytes gauge\n\
             outpost_database_size_bytes {db_bytes}\n",
            inner.accepted, inner.ignored, inner.refused, inner.blobs_new, inner.blobs_existing
        );
        out
    }
}

fn escape(label: &str) -> String {
    label
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Counts and times every request under the route template it matched.
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    // Requests that match no route (the app's files) share one label.
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("static", MatchedPath::as_str)
        .to_owned();
    let method = req.method().as_str().to_owned();
    let response = next.run(req).await;
    state.metrics().request(
        &route,
        &method,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// `GET /metrics`.
pub async fn serve(State(state): State<AppState>) -> Result<Response, AppError> {
    let db_bytes = state.run(|store| store.size_bytes()).await?;
    let text = state.metrics().render(now_ms(), db_bytes);
    let mut response = text.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_histogram_is_cumulative_and_ends_with_inf() {
        let m = Metrics::default();
        m.request("/a", "GET", 200, 0.001);
        m.request("/a", "GET", 200, 0.2);
        m.request("/a", "GET", 500, 60.0);
        let text = m.render(0, 0);
        assert!(text.contains("le=\"0.005\"} 1\n"), "{text}");
        assert!(text.contains("le=\"0.25\"} 2\n"), "{text}");
        assert!(text.contains("le=\"+Inf\"} 3\n"), "{text}");
        assert!(
            text.contains(
                "outpost_http_requests_total{route=\"/a\",method=\"GET\",status=\"500\"} 1"
            )
        );
    }

    #[test]
    fn devices_count_as_connected_for_five_minutes() {
        let m = Metrics::default();
        m.device_seen("a", 0);
        m.device_seen("b", CONNECTED_WINDOW_MS);
        assert!(
            m.render(CONNECTED_WINDOW_MS, 0)
                .contains("outpost_connected_devices 1\n")
        );
    }
}
