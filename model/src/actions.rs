//! Remediation actions: when one is overdue (so the app can make it stand
//! out) and what changing its status writes.

use serde_json::Value;

use crate::{Record, time};

/// Whether the action still needs doing: open or in progress (a new action
/// with no status yet counts as open), and not deleted.
pub fn is_outstanding(action: &Record) -> bool {
    !action.is_deleted() && matches!(action.str("status"), None | Some("open" | "in_progress"))
}

/// Outstanding and past its due time at `now_ms`. An action without a due
/// time is never overdue.
pub fn is_overdue(action: &Record, now_ms: u64) -> bool {
    is_outstanding(action)
        && action
            .str("due")
            .and_then(time::parse_rfc3339_ms)
            .is_some_and(|due| due < now_ms)
}

/// The writes that set an action's status (a code of
/// `schema::ACTION_STATUSES`): `done_at` is stamped when it becomes done and
/// cleared otherwise, so reopening an action does not leave a stale date.
pub fn status_writes(status: &str, now_ms: u64) -> Vec<(&'static str, Value)> {
    let done_at = if status == "done" {
        Value::from(time::format_rfc3339_ms(now_ms))
    } else {
        Value::Null
    };
    vec![("status", Value::from(status)), ("done_at", done_at)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Hlc;
    use serde_json::json;

    const NOON: u64 = 1_793_620_800_000; // 2026-11-02T12:00:00Z

    fn action(fields: &[(&str, Value)]) -> Record {
        let mut r = Record::default();
        let hlc = Hlc::new(1, 0, "t").unwrap();
        for (f, v) in fields {
            r.apply(f, v, &hlc);
        }
        r
    }

    #[test]
    fn an_open_action_past_its_due_time_is_overdue() {
        let due = ("due", json!("2026-11-02T11:59:59.999Z"));
        assert!(is_overdue(&action(std::slice::from_ref(&due)), NOON));
        assert!(is_overdue(
            &action(&[due.clone(), ("status", json!("in_progress"))]),
            NOON
        ));
        let at_noon = ("due", json!("2026-11-02T12:00:00.000Z"));
        assert!(!is_overdue(&action(&[at_noon]), NOON));
    }

    #[test]
    fn finished_deleted_or_undated_actions_are_never_overdue() {
        let due = ("due", json!("2026-11-01T00:00:00.000Z"));
        for extra in [
            ("status", json!("done")),
            ("status", json!("cancelled")),
            ("deleted", json!(true)),
        ] {
            assert!(
                !is_overdue(&action(&[due.clone(), extra.clone()]), NOON),
                "{extra:?}"
            );
        }
        assert!(!is_overdue(&action(&[("due", json!(null))]), NOON));
    }

    #[test]
    fn done_stamps_done_at_and_anything_else_clears_it() {
        assert_eq!(
            status_writes("done", NOON),
            [
                ("status", json!("done")),
                ("done_at", json!("2026-11-02T12:00:00.000Z"))
            ]
        );
        assert_eq!(
            status_writes("open", NOON),
            [("status", json!("open")), ("done_at", Value::Null)]
        );
    }
}
