//! The PostgreSQL server that the store's PostgreSQL tests run against:
//! installed from Debian's packages when missing, made to listen on
//! 127.0.0.1 only, started (CI starts with no services running), and given a
//! password-login role `outpost` that may create databases (each test makes
//! and drops its own). Every step checks first and prints one line.
//!
//! The role's password is no secret: the server answers only on loopback,
//! and the role owns nothing but throwaway test databases.

use std::{fs, path::PathBuf, process::Command};

use anyhow::{Context, Result, bail};

use crate::{
    cmd::{probe, run, which},
    setup::apt,
};

/// The variable the tests read to find PostgreSQL.
pub const ENV: &str = "OUTPOST_TEST_POSTGRES";
const ROLE: &str = "outpost";
const PASSWORD: &str = "outpost-test";
const PORT: &str = "5432";
/// A drop-in that the cluster's `postgresql.conf` includes last (Debian's
/// `include_dir = 'conf.d'`), so it wins over the file's own settings.
const DROP_IN: &str = "outpost-test.conf";
const LISTEN: &str = "listen_addresses = '127.0.0.1'\n";

/// Where the tests find PostgreSQL: `OUTPOST_TEST_POSTGRES` when it is set
/// (someone's own server), else the one [`setup`] prepares.
pub fn test_url() -> String {
    match std::env::var(ENV) {
        Ok(url) if !url.is_empty() => url,
        _ => format!("postgres://{ROLE}:{PASSWORD}@127.0.0.1:{PORT}/postgres"),
    }
}

/// One cluster as `pg_lsclusters` lists it.
struct Cluster {
    version: String,
    name: String,
    online: bool,
}

impl Cluster {
    fn conf_dir(&self) -> PathBuf {
        PathBuf::from("/etc/postgresql")
            .join(&self.version)
            .join(&self.name)
    }
}

/// Installs, configures and starts PostgreSQL, and makes the test role.
pub fn setup() -> Result<()> {
    if std::env::var(ENV).is_ok_and(|url| !url.is_empty()) {
        println!("setup: {ENV} is set; using that PostgreSQL server as it is; skipped");
        return Ok(());
    }
    install()?;
    let cluster = cluster()?;
    let changed = listen_on_loopback_only(&cluster)?;
    if cluster.online && changed {
        run(Command::new("pg_ctlcluster").args([&cluster.version, &cluster.name, "restart"]))?;
        println!(
            "setup: restarted PostgreSQL {} to apply it",
            cluster.version
        );
    } else if cluster.online {
        println!(
            "setup: PostgreSQL {} already running; skipped",
            cluster.version
        );
    } else {
        start(&cluster)?;
    }
    check_listen_addresses()?;
    role()
}

fn install() -> Result<()> {
    if which("pg_ctlcluster").is_some() && which("psql").is_some() && !clusters().is_empty() {
        println!("setup: PostgreSQL server package present; skipped");
        return Ok(());
    }
    run(&mut apt(&["update"]))?;
    run(&mut apt(&["install", "-y", "postgresql"]))?;
    println!("setup: installed postgresql");
    Ok(())
}

fn clusters() -> Vec<Cluster> {
    let Some(list) = probe(Command::new("pg_lsclusters").arg("--no-header")) else {
        return Vec::new();
    };
    // `15  main  5432  down  postgres  /var/lib/…  /var/log/…`
    list.lines()
        .filter_map(|line| {
            let cols: Vec<&str> = line.split_whitespace().collect();
            (cols.len() >= 4 && cols[2] == PORT).then(|| Cluster {
                version: cols[0].to_owned(),
                name: cols[1].to_owned(),
                online: cols[3].starts_with("online"),
            })
        })
        .collect()
}

/// The cluster on the tests' port, made if the package left none.
fn cluster() -> Result<Cluster> {
    if let Some(found) = clusters().into_iter().next() {
        return Ok(found);
    }
    let version = installed_version()?;
    run(Command::new("pg_createcluster").args([&version, "main", "--port", PORT]))?;
    println!("setup: created PostgreSQL {version} cluster main on port {PORT}");
    clusters()
        .into_iter()
        .next()
        .context("pg_createcluster made no cluster on port 5432")
}

/// The newest server version under /usr/lib/postgresql.
fn installed_version() -> Result<String> {
    let mut versions: Vec<u32> = fs::read_dir("/usr/lib/postgresql")
        .context("reading /usr/lib/postgresql (is the postgresql package installed?)")?
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    versions.sort_unstable();
    match versions.pop() {
        Some(v) => Ok(v.to_string()),
        None => bail!("no PostgreSQL server version under /usr/lib/postgresql"),
    }
}

/// Writes the drop-in unless it is already there; whether it wrote it.
fn listen_on_loopback_only(cluster: &Cluster) -> Result<bool> {
    let dir = cluster.conf_dir().join("conf.d");
    let file = dir.join(DROP_IN);
    if fs::read_to_string(&file).is_ok_and(|text| text == LISTEN) {
        println!("setup: PostgreSQL set to listen on 127.0.0.1 only; skipped");
        return Ok(false);
    }
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    fs::write(&file, LISTEN).with_context(|| format!("writing {}", file.display()))?;
    println!(
        "setup: PostgreSQL set to listen on 127.0.0.1 only ({})",
        file.display()
    );
    Ok(true)
}

fn start(cluster: &Cluster) -> Result<()> {
    let started =
        run(Command::new("pg_ctlcluster").args([&cluster.version, &cluster.name, "start"]));
    if let Err(e) = started {
        // Some machines manage the clusters through the service wrapper.
        eprintln!("setup: {e:#}; trying `service postgresql start`");
        run(Command::new("service").args(["postgresql", "start"]))?;
    }
    println!(
        "setup: started PostgreSQL {} cluster {}",
        cluster.version, cluster.name
    );
    Ok(())
}

/// `psql` as the `postgres` superuser over the local socket: one query, its
/// trimmed output.
fn psql_as_postgres(sql: &str) -> Result<String> {
    let root = probe(Command::new("id").arg("-u")).as_deref() == Some("0");
    let mut cmd = if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]);
        c
    } else {
        let mut c = Command::new("sudo");
        c.args(["-u", "postgres"]);
        c
    };
    cmd.args([
        "psql",
        "-X",
        "-A",
        "-t",
        "-q",
        "-v",
        "ON_ERROR_STOP=1",
        "-p",
        PORT,
        "-c",
        sql,
    ])
    // The postgres user may not be able to read the caller's directory.
    .current_dir("/");
    let out = cmd
        .output()
        .with_context(|| format!("could not run psql as postgres for {sql:?}"))?;
    if !out.status.success() {
        bail!(
            "psql as postgres failed for {sql:?}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Refuses to go on if the running server listens beyond loopback.
fn check_listen_addresses() -> Result<()> {
    let listen = psql_as_postgres("SHOW listen_addresses")?;
    if listen != "127.0.0.1" && listen != "localhost" {
        bail!(
            "PostgreSQL listens on {listen:?}, not only on loopback; something overrides \
             conf.d/{DROP_IN} (ALTER SYSTEM?)"
        );
    }
    println!("setup: PostgreSQL listens on {listen} only; checked");
    Ok(())
}

fn role() -> Result<()> {
    let exists = psql_as_postgres(&format!(
        "SELECT rolcanlogin AND rolcreatedb FROM pg_roles WHERE rolname = '{ROLE}'"
    ))?;
    if exists == "t" && can_sign_in() {
        println!("setup: PostgreSQL role {ROLE} exists and signs in; skipped");
        return Ok(());
    }
    let (verb, done) = if exists.is_empty() {
        ("CREATE", "created")
    } else {
        ("ALTER", "updated")
    };
    psql_as_postgres(&format!(
        "{verb} ROLE {ROLE} LOGIN CREATEDB PASSWORD '{PASSWORD}'"
    ))?;
    if !can_sign_in() {
        bail!(
            "PostgreSQL role {ROLE} cannot sign in over 127.0.0.1 with its password; check pg_hba.conf"
        );
    }
    println!("setup: PostgreSQL role {ROLE} {done} (password login, CREATEDB)");
    Ok(())
}

/// Whether the test URL signs in, over TCP with the password, as the tests do.
fn can_sign_in() -> bool {
    probe(
        Command::new("psql")
            .args(["-X", "-A", "-t", "-q", &test_url(), "-c", "SELECT 1"])
            .env("PGCONNECT_TIMEOUT", "5"),
    )
    .as_deref()
        == Some("1")
}
