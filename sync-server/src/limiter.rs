//! Slows down password guessing: after too many failed sign-ins for one user
//! name, or from one address, within a window, further attempts are refused
//! with 429 until the window ends. Only failures count, so people who type
//! their password right are never the ones who fill the window.
//!
//! Kept in memory: a restart forgets it, which costs an attacker a restart of
//! our server, not a way in.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Mutex, MutexGuard},
};

/// How long failures are remembered.
pub const WINDOW_MS: u64 = 15 * 60 * 1000;
/// Failed attempts allowed per user name per window.
pub const PER_USER: u32 = 10;
/// Failed attempts allowed per client address per window; higher, as a site's
/// tablets may share one address.
pub const PER_ADDRESS: u32 = 50;
/// Past this many tracked keys, windows that have ended are dropped.
const PRUNE_AT: usize = 10_000;

#[derive(Debug, Default)]
pub struct SignInLimiter {
    windows: Mutex<HashMap<String, Window>>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started_ms: u64,
    failures: u32,
}

impl SignInLimiter {
    /// `Err(ms)` when attempts are held back, with how long until they are not.
    pub fn check(&self, user: &str, addr: Option<IpAddr>, now_ms: u64) -> Result<(), u64> {
        let windows = self.lock();
        let wait = keys(user, addr)
            .filter_map(|(key, limit)| {
                let w = windows.get(&key)?;
                let ends = w.started_ms.saturating_add(WINDOW_MS);
                (now_ms < ends && w.failures >= limit).then(|| ends - now_ms)
            })
            .max();
        wait.map_or(Ok(()), Err)
    }

    pub fn record_failure(&self, user: &str, addr: Option<IpAddr>, now_ms: u64) {
        let mut windows = self.lock();
        if windows.len() > PRUNE_AT {
            windows.retain(|_, w| now_ms < w.started_ms.saturating_add(WINDOW_MS));
        }
        for (key, _) in keys(user, addr) {
            let w = windows.entry(key).or_insert(Window {
                started_ms: now_ms,
                failures: 0,
            });
            if now_ms >= w.started_ms.saturating_add(WINDOW_MS) {
                *w = Window {
                    started_ms: now_ms,
                    failures: 0,
                };
            }
            w.failures = w.failures.saturating_add(1);
        }
    }

    // The map is always left consistent, so a poisoned lock is still usable.
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Window>> {
        self.windows.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn keys(user: &str, addr: Option<IpAddr>) -> impl Iterator<Item = (String, u32)> {
    // User names are matched regardless of case, so their limit is too.
    let user = (format!("user:{}", user.to_lowercase()), PER_USER);
    let addr = addr.map(|a| (format!("addr:{a}"), PER_ADDRESS));
    std::iter::once(user).chain(addr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_is_held_back_after_too_many_failures_until_the_window_ends() {
        let limiter = SignInLimiter::default();
        for _ in 0..PER_USER {
            assert_eq!(limiter.check("Sam", None, 1_000), Ok(()));
            limiter.record_failure("Sam", None, 1_000);
        }
        assert_eq!(limiter.check("sam", None, 2_000), Err(WINDOW_MS - 1_000));
        assert_eq!(limiter.check("alex", None, 2_000), Ok(()));
        assert_eq!(limiter.check("sam", None, 1_000 + WINDOW_MS), Ok(()));
    }

    #[test]
    fn an_address_is_held_back_across_user_names() {
        let limiter = SignInLimiter::default();
        let addr = Some(IpAddr::from([10, 0, 0, 7]));
        for n in 0..PER_ADDRESS {
            limiter.record_failure(&format!("user{n}"), addr, 0);
        }
        assert!(limiter.check("someone-new", addr, 1).is_err());
        assert_eq!(
            limiter.check("someone-new", Some(IpAddr::from([10, 0, 0, 8])), 1),
            Ok(())
        );
    }
}
