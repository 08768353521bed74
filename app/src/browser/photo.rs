//! A chosen or captured photo made ready to keep: decoded by the
//! browser (`createImageBitmap`, turned upright from its EXIF orientation),
//! drawn on an `OffscreenCanvas` with its longest side at most 1600 px,
//! encoded as JPEG, and named by its SHA-256 (`crypto.subtle`). Either the
//! whole photo comes out, or a sentence saying why not.

use js_sys::{Array, ArrayBuffer, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, BlobPropertyBag, File, ImageBitmap, ImageBitmapOptions, ImageEncodeOptions,
    ImageOrientation, OffscreenCanvas, OffscreenCanvasRenderingContext2d, Url,
};

use outpost_client::storage::StoredBlob;

/// Longest side of a stored photo, in pixels.
pub const LONGEST_SIDE: u32 = 1600;
/// JPEG quality: sharp enough to read a gauge, about 200–400 KB a photo.
pub const JPEG_QUALITY: f64 = 0.82;
/// Largest file accepted before shrinking; camera photos are 2–15 MB.
pub const MAX_INPUT_BYTES: f64 = 40.0 * 1024.0 * 1024.0;
pub const JPEG: &str = "image/jpeg";

/// The size to draw a `width` × `height` image at so that its longest side is
/// at most `longest`, keeping the proportions; never enlarged, never 0.
pub fn fit(width: u32, height: u32, longest: u32) -> (u32, u32) {
    let side = width.max(height);
    if side <= longest || side == 0 {
        return (width.max(1), height.max(1));
    }
    let scale = f64::from(longest) / f64::from(side);
    let shrink = |n: u32| ((f64::from(n) * scale).round() as u32).clamp(1, longest);
    (shrink(width), shrink(height))
}

/// The stored name: the chosen file's name with `.jpg`, as the bytes are JPEG.
pub fn jpeg_name(original: &str) -> String {
    let base = original.trim();
    let stem = match base.rfind('.') {
        Some(dot) if dot > 0 => &base[..dot],
        _ => base,
    };
    let stem = if stem.is_empty() { "photo" } else { stem };
    let stem: String = stem.chars().take(250).collect();
    format!("{stem}.jpg")
}

/// "2.4 MB", "310 KB": a size in words.
pub fn size_in_words(bytes: f64) -> String {
    if bytes >= 1024.0 * 1024.0 {
        format!("{:.1} MB", bytes / (1024.0 * 1024.0))
    } else {
        format!("{} KB", (bytes / 1024.0).ceil() as u64)
    }
}

/// The file shrunk to a JPEG and hashed, ready to store; or why not.
pub async fn prepare(file: &File) -> Result<StoredBlob, String> {
    let name = file.name();
    if file.size() > MAX_INPUT_BYTES {
        return Err(format!(
            "“{name}” is too large ({}); the largest photo this tablet takes is {}. Nothing was saved.",
            size_in_words(file.size()),
            size_in_words(MAX_INPUT_BYTES)
        ));
    }
    let not_image = || {
        format!(
            "“{name}” is not a photo this tablet can read. Choose a JPEG, PNG or WebP image. Nothing was saved."
        )
    };
    let bitmap = decode(file).await.map_err(|_| not_image())?;
    let jpeg = shrink(&bitmap).await;
    bitmap.close();
    let bytes = jpeg.map_err(|_| {
        "This browser could not shrink the photo. Nothing was saved; try again, or restart the browser."
            .to_owned()
    })?;
    let sha256 = sha256_hex(&bytes)
        .await
        .map_err(|_| "This browser could not check the photo. Nothing was saved.".to_owned())?;
    Ok(StoredBlob {
        sha256,
        mime: JPEG.to_owned(),
        bytes,
    })
}

async fn decode(file: &File) -> Result<ImageBitmap, JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let options = ImageBitmapOptions::new();
    options.set_image_orientation(ImageOrientation::FromImage);
    let promise = window.create_image_bitmap_with_blob_and_image_bitmap_options(file, &options)?;
    JsFuture::from(promise).await?.dyn_into()
}

async fn shrink(bitmap: &ImageBitmap) -> Result<Vec<u8>, JsValue> {
    let (width, height) = fit(bitmap.width(), bitmap.height(), LONGEST_SIDE);
    let canvas = OffscreenCanvas::new(width, height)?;
    let context: OffscreenCanvasRenderingContext2d =
        canvas.get_context("2d")?.ok_or(JsValue::NULL)?.dyn_into()?;
    // A large step down aliases with the default (low) smoothing.
    js_sys::Reflect::set(
        &context,
        &JsValue::from_str("imageSmoothingQuality"),
        &JsValue::from_str("high"),
    )?;
    context.draw_image_with_image_bitmap_and_dw_and_dh(
        bitmap,
        0.0,
        0.0,
        f64::from(width),
        f64::from(height),
    )?;
    let options = ImageEncodeOptions::new();
    options.set_type(JPEG);
    options.set_quality(JPEG_QUALITY);
    let blob: Blob = JsFuture::from(canvas.convert_to_blob_with_options(&options)?)
        .await?
        .dyn_into()?;
    if blob.type_() != JPEG {
        return Err(JsValue::NULL);
    }
    let buffer: ArrayBuffer = JsFuture::from(blob.array_buffer()).await?.dyn_into()?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// SHA-256 of `bytes` as 64 lowercase hexadecimal digits.
pub async fn sha256_hex(bytes: &[u8]) -> Result<String, JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let subtle = window.crypto()?.subtle();
    let data = Uint8Array::from(bytes);
    let digest = JsFuture::from(subtle.digest_with_str_and_js_u8_array("SHA-256", &data)?).await?;
    let digest = Uint8Array::new(&digest).to_vec();
    Ok(digest.iter().map(|b| format!("{b:02x}")).collect())
}

/// An object URL showing `blob`'s bytes; the caller revokes it.
pub fn object_url(blob: &StoredBlob) -> Result<String, JsValue> {
    let parts = Array::of1(&Uint8Array::from(blob.bytes.as_slice()));
    let options = BlobPropertyBag::new();
    options.set_type(&blob.mime);
    let js_blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
    Url::create_object_url_with_blob(&js_blob)
}

pub fn revoke(url: &str) {
    let _ = Url::revoke_object_url(url);
}
