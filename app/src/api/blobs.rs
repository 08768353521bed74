//! Photo bytes over HTTP (docs/protocol.md): `PUT /api/v1/blobs/{sha256}` with the
//! raw bytes and their type, `GET` to fetch them; the server checks the hash.

use js_sys::Uint8Array;
use outpost_model::protocol::API_PREFIX;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestInit, Response};

use outpost_client::api::{ApiError, BlobTransport, error_from};
use outpost_client::storage::StoredBlob;

use super::Api;

fn js(e: JsValue) -> ApiError {
    ApiError::BadAnswer(format!("{e:?}"))
}

impl Api {
    async fn blob_request(
        &self,
        method: &str,
        sha256: &str,
        token: &str,
        body: Option<&StoredBlob>,
    ) -> Result<Response, ApiError> {
        let url = format!("{}{API_PREFIX}/blobs/{sha256}", self.base);
        let headers = Headers::new().map_err(js)?;
        headers
            .set("Authorization", &format!("Bearer {token}"))
            .map_err(js)?;
        let init = RequestInit::new();
        init.set_method(method);
        if let Some(blob) = body {
            headers.set("Content-Type", &blob.mime).map_err(js)?;
            init.set_body(&Uint8Array::from(blob.bytes.as_slice()));
        }
        init.set_headers(&headers);
        let request = Request::new_with_str_and_init(&url, &init).map_err(js)?;
        let window = web_sys::window().ok_or(ApiError::Offline)?;
        let answer = JsFuture::from(window.fetch_with_request(&request))
            .await
            .map_err(|_| ApiError::Offline)?;
        answer
            .dyn_into()
            .map_err(|_| ApiError::BadAnswer("not an HTTP response".into()))
    }
}

/// The error an answer that is not 2xx stands for, with the server's sentence.
async fn refusal(response: &Response) -> ApiError {
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|t| t.as_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    error_from(response.status(), &text)
}

impl BlobTransport for Api {
    async fn put_blob(&self, token: &str, blob: &StoredBlob) -> Result<(), ApiError> {
        let response = self
            .blob_request("PUT", &blob.sha256, token, Some(blob))
            .await?;
        if response.ok() {
            return Ok(());
        }
        Err(refusal(&response).await)
    }

    async fn get_blob(&self, token: &str, sha256: &str) -> Result<Option<StoredBlob>, ApiError> {
        let response = self.blob_request("GET", sha256, token, None).await?;
        if response.status() == 404 {
            return Ok(None);
        }
        if !response.ok() {
            return Err(refusal(&response).await);
        }
        let mime = response
            .headers()
            .get("Content-Type")
            .ok()
            .flatten()
            .unwrap_or_else(|| "image/jpeg".to_owned());
        let buffer = JsFuture::from(response.array_buffer().map_err(js)?)
            .await
            .map_err(|_| ApiError::Offline)?;
        Ok(Some(StoredBlob {
            sha256: sha256.to_owned(),
            mime,
            bytes: Uint8Array::new(&buffer).to_vec(),
        }))
    }
}
