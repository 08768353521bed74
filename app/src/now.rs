//! Time on screen: the corrected wall clock, a ticking "now" that keeps SLA
//! countdowns moving offline, and times and dates as people read them.

use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::browser::tablet_now_ms;
use crate::state::Ctx;

/// How often countdowns move on.
pub const TICK: Duration = Duration::from_secs(30);

/// Now by the tablet's clock corrected with the server's offset, Unix ms.
pub fn wall_now(ctx: Ctx) -> u64 {
    ctx.services().clock.borrow().wall_ms(tablet_now_ms())
}

/// A signal holding [`wall_now`], moved on every [`TICK`] while the view lives.
pub fn use_now(ctx: Ctx) -> Signal<u64> {
    let now = RwSignal::new(wall_now(ctx));
    if let Ok(handle) = set_interval_with_handle(move || now.set(wall_now(ctx)), TICK) {
        on_cleanup(move || handle.clear());
    }
    now.into()
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn date(unix_ms: u64) -> js_sys::Date {
    js_sys::Date::new(&JsValue::from_f64(unix_ms as f64))
}

/// "26 Nov 2026, 21:38" in the tablet's local time.
pub fn day_time(unix_ms: u64) -> String {
    let d = date(unix_ms);
    format!(
        "{} {} {}, {:02}:{:02}",
        d.get_date(),
        MONTHS[d.get_month() as usize % 12],
        d.get_full_year(),
        d.get_hours(),
        d.get_minutes()
    )
}

/// "26 Nov 2026" in the tablet's local time.
pub fn day(unix_ms: u64) -> String {
    let d = date(unix_ms);
    format!(
        "{} {} {}",
        d.get_date(),
        MONTHS[d.get_month() as usize % 12],
        d.get_full_year()
    )
}

/// The value of an `<input type="datetime-local">` for a time: "2026-11-26T21:38".
pub fn to_local_input(unix_ms: u64) -> String {
    let d = date(unix_ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

/// The value of an `<input type="date">`: "2026-11-26".
pub fn to_date_input(unix_ms: u64) -> String {
    to_local_input(unix_ms)[..10].to_owned()
}

/// A `datetime-local` value ("2026-11-26T21:38") as Unix ms, in local time.
pub fn from_local_input(text: &str) -> Option<u64> {
    let text = text.trim();
    if text.len() < 16 {
        return None;
    }
    let ms = date_parts(&text[..10], &text[11..16])?;
    Some(ms)
}

/// A `date` value ("2026-11-26") as the end of that day in local time, the
/// moment something due that day becomes overdue.
pub fn from_date_input(text: &str) -> Option<u64> {
    date_parts(text.trim(), "23:59").map(|ms| ms + 59_999)
}

fn date_parts(day: &str, time: &str) -> Option<u64> {
    let mut ymd = day.split('-').map(|p| p.parse::<i32>().ok());
    let (y, m, d) = (ymd.next()??, ymd.next()??, ymd.next()??);
    let mut hm = time.split(':').map(|p| p.parse::<i32>().ok());
    let (h, min) = (hm.next()??, hm.next()??);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || !(0..24).contains(&h) {
        return None;
    }
    let date = js_sys::Date::new_with_year_month_day_hr_min(y as u32, m - 1, d, h, min);
    let ms = date.get_time();
    (ms.is_finite() && ms >= 0.0).then_some(ms as u64)
}
