//! A small wrapper over `navigator.geolocation.getCurrentPosition`: one fix
//! as a future, or why there is none in words.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// One position: degrees (WGS 84) and the accuracy radius in metres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fix {
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: f64,
}

fn number(object: &JsValue, key: &str) -> Option<f64> {
    js_sys::Reflect::get(object, &JsValue::from_str(key))
        .ok()?
        .as_f64()
}

/// Asks the browser for a fresh position (at most 20 s). No cached fix: a
/// person pressing *Use my location* wants where they stand now, not where
/// they stood a minute ago. The error is a sentence; callers say what to do
/// instead.
pub async fn current_position() -> Result<Fix, String> {
    let geolocation = web_sys::window()
        .and_then(|w| w.navigator().geolocation().ok())
        .ok_or("This browser cannot tell where the tablet is.")?;
    let result: Rc<RefCell<Option<Result<Fix, String>>>> = Rc::default();
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let (ok_slot, err_slot) = (result.clone(), result.clone());
        let (ok_resolve, err_resolve) = (resolve.clone(), resolve.clone());
        let ok = Closure::once_into_js(move |position: JsValue| {
            let fix = js_sys::Reflect::get(&position, &JsValue::from_str("coords"))
                .ok()
                .and_then(|coords| {
                    Some(Fix {
                        lat: number(&coords, "latitude")?,
                        lon: number(&coords, "longitude")?,
                        accuracy_m: number(&coords, "accuracy").unwrap_or(0.0),
                    })
                });
            *ok_slot.borrow_mut() =
                Some(fix.ok_or_else(|| "The position could not be read.".to_owned()));
            let _ = ok_resolve.call0(&JsValue::NULL);
        });
        let err = Closure::once_into_js(move |error: JsValue| {
            let why = match number(&error, "code").map(|c| c as u16) {
                Some(1) => {
                    "Location is not allowed for Outpost on this tablet; allow it in the browser's settings."
                }
                Some(3) => "No position fix in time; try again in the open.",
                _ => "The tablet has no position fix.",
            };
            *err_slot.borrow_mut() = Some(Err(why.to_owned()));
            let _ = err_resolve.call0(&JsValue::NULL);
        });
        let options = web_sys::PositionOptions::new();
        options.set_enable_high_accuracy(true);
        options.set_timeout(20_000);
        options.set_maximum_age(0);
        if geolocation
            .get_current_position_with_error_callback_and_options(
                ok.unchecked_ref(),
                Some(err.unchecked_ref()),
                &options,
            )
            .is_err()
        {
            *result.borrow_mut() =
                Some(Err("This browser refused to look up the position.".into()));
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    let answer = result.borrow_mut().take();
    answer.unwrap_or_else(|| Err("The tablet has no position fix.".into()))
}
