//! A PostgreSQL database of its own for each test, for both test binaries
//! (`tests/api` runs the shared protocol cases on it, `tests/postgres` the
//! PostgreSQL-only ones).
//!
//! Finding PostgreSQL: the tests read `OUTPOST_TEST_POSTGRES`, a URL of a role
//! that may create databases, e.g.
//! `postgres://outpost:outpost-test@127.0.0.1:5432/postgres`.
//! `cargo xtask test` always sets it, after starting PostgreSQL on 127.0.0.1
//! and creating that role; then a PostgreSQL that cannot be reached fails the
//! test. When it is unset:
//! - in CI (`CI` is set), a test fails, saying so: a CI run that skipped the
//!   PostgreSQL store would pass without testing it;
//! - elsewhere (a plain `cargo test` on a laptop without PostgreSQL), a test
//!   prints `skipped: PostgreSQL tests need OUTPOST_TEST_POSTGRES` and
//!   returns, so the skip is said out loud rather than passing silently; the
//!   README's test command never takes this path.

use std::io::Write;

use postgres::NoTls;

pub const ENV: &str = "OUTPOST_TEST_POSTGRES";

/// The URL of the PostgreSQL server to test against; `None` (after a notice)
/// when there is none outside CI. See the file header.
pub fn admin_url() -> Option<String> {
    match std::env::var(ENV) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => panic!(
            "{ENV} is not set, so the PostgreSQL store cannot be tested; \
             run the tests through `cargo xtask test`, which starts PostgreSQL and sets it"
        ),
        _ => {
            // Straight to the process's stderr: the test harness captures
            // `eprintln!` of a passing test, and this line must be seen.
            let test = std::thread::current()
                .name()
                .unwrap_or("a PostgreSQL test")
                .to_owned();
            let _ = writeln!(
                std::io::stderr(),
                "skipped: PostgreSQL tests need {ENV}; {test} checked nothing. \
                 Run `cargo xtask test test`, or set {ENV} to a URL of a role that may \
                 create databases (postgres://user:password@127.0.0.1:5432/postgres)."
            );
            None
        }
    }
}

/// A database of its own, `outpost_test_<random>`, dropped when this is.
pub struct TestDb {
    admin_url: String,
    name: String,
    pub url: String,
}

impl TestDb {
    pub fn create(admin_url: &str) -> Self {
        Self::create_with(admin_url, "")
    }

    /// A database made with `options` after `CREATE DATABASE name` (a fixed
    /// string in a test, such as a template and collation).
    pub fn create_with(admin_url: &str, options: &str) -> Self {
        let name = format!("outpost_test_{:016x}", rand::random::<u64>());
        let mut admin = postgres::Client::connect(admin_url, NoTls)
            .unwrap_or_else(|e| panic!("cannot connect to {ENV}: {e}"));
        // A database name cannot be a query parameter; this one is made of
        // letters, digits and underscores only, right here.
        admin
            .batch_execute(&format!("CREATE DATABASE {name} {options}"))
            .expect("create a test database");
        Self {
            admin_url: admin_url.to_owned(),
            url: with_database(admin_url, &name),
            name,
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        // FORCE ends any connection a server left open.
        let dropped = postgres::Client::connect(&self.admin_url, NoTls).and_then(|mut admin| {
            admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
        });
        if let Err(e) = dropped {
            eprintln!("could not drop the test database {}: {e}", self.name);
        }
    }
}

/// `url` pointing at database `name` instead of the one it names.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{name}", &base[..host_end]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

#[test]
fn a_test_database_url_keeps_everything_but_the_database_name() {
    assert_eq!(
        with_database("postgres://u:p@127.0.0.1:5432/postgres", "t1"),
        "postgres://u:p@127.0.0.1:5432/t1"
    );
    assert_eq!(
        with_database("postgres://u@localhost?connect_timeout=5", "t2"),
        "postgres://u@localhost/t2?connect_timeout=5"
    );
}
