//! Photo bytes over HTTP (docs/protocol.md): `PUT /api/v1/blobs/{sha256}` with the
//! raw bytes and their type, `GET` to fetch them; the server checks the hash.

use gloo_net::http::{Method, RequestBuilder, Response};
use js_sys::Uint8Array;
use outpost_model::protocol::API_PREFIX;

use outpost_client::api::{ApiError, BlobTransport, error_from};
use outpost_client::storage::StoredBlob;

use super::Api;

impl Api {
    async fn blob_request(
        &self,
        method: Method,
        sha256: &str,
        token: &str,
        body: Option<&StoredBlob>,
    ) -> Result<Response, ApiError> {
        let url = format!("{}{API_PREFIX}/blobs/{sha256}", self.base);
        let request = RequestBuilder::new(&url)
            .method(method)
            .header("Authorization", &format!("Bearer {token}"));
        let request = match body {
            Some(blob) => request
                .header("Content-Type", &blob.mime)
                .body(Uint8Array::from(blob.bytes.as_slice())),
            None => request.build(),
        }
        .map_err(|e| ApiError::BadAnswer(e.to_string()))?;
        request.send().await.map_err(|_| ApiError::Offline)
    }
}

/// The error an answer that is not 2xx stands for, with the server's sentence.
async fn refusal(response: &Response) -> ApiError {
    let text = response.text().await.unwrap_or_default();
    error_from(response.status(), &text)
}

impl BlobTransport for Api {
    async fn put_blob(&self, token: &str, blob: &StoredBlob) -> Result<(), ApiError> {
        let response = self
            .blob_request(Method::PUT, &blob.sha256, token, Some(blob))
            .await?;
        if response.ok() {
            return Ok(());
        }
        Err(refusal(&response).await)
    }

    async fn get_blob(&self, token: &str, sha256: &str) -> Result<Option<StoredBlob>, ApiError> {
        let response = self.blob_request(Method::GET, sha256, token, None).await?;
        if response.status() == 404 {
            return Ok(None);
        }
        if !response.ok() {
            return Err(refusal(&response).await);
        }
        let mime = response
            .headers()
            .get("Content-Type")
            .unwrap_or_else(|| "image/jpeg".to_owned());
        let bytes = response.binary().await.map_err(|_| ApiError::Offline)?;
        Ok(Some(StoredBlob {
            sha256: sha256.to_owned(),
            mime,
            bytes,
        }))
    }
}
