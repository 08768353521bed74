//! Starting `outpost-server` for e2e tests, `run` and benchmarks: users added
//! through its CLI, a free loopback port, a health wait with a deadline, and a
//! guard that always stops the server.

use std::{
    io::Write,
    net::{Ipv4Addr, SocketAddr, TcpListener},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    thread,
    time::{Duration, Instant},
};

use anyhow::{Context, Result, bail};

use crate::{
    cmd::{self, target_dir},
    http,
};

pub const PACKAGE: &str = "outpost-sync-server";
pub const BINARY: &str = "outpost-server";

/// `target/<profile>/outpost-server`, where `profile` is `debug` or `release`.
pub fn binary(profile: &str) -> PathBuf {
    target_dir().join(profile).join(BINARY)
}

/// `outpost-server user add NAME --role ROLE --data DIR`, password on stdin.
pub fn add_user(bin: &Path, data: &Path, name: &str, role: &str, password: &str) -> Result<()> {
    let mut cmd = Command::new(bin);
    cmd.args(["user", "add", name, "--role", role, "--data"])
        .arg(data)
        .stdin(Stdio::piped());
    println!("$ printf '<password>\\n' | {}", cmd::display(&cmd));
    let mut child = cmd
        .spawn()
        .with_context(|| format!("starting {}", bin.display()))?;
    let mut stdin = child.stdin.take().context("no stdin")?;
    stdin.write_all(format!("{password}\n").as_bytes())?;
    drop(stdin);
    let status = child.wait()?;
    if !status.success() {
        bail!("adding user {name} failed ({status})");
    }
    Ok(())
}

/// A loopback port that was free a moment ago.
pub fn free_port() -> Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(listener.local_addr()?.port())
}

/// A running server, stopped when dropped.
#[derive(Debug)]
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
}

impl Server {
    /// Starts `serve` and waits until `/healthz` answers 200.
    pub fn start(bin: &Path, data: &Path, static_dir: &Path) -> Result<Self> {
        Self::start_logged(bin, data, static_dir, None)
    }

    /// Like `start`, with the server's log written to `log` instead of ours
    /// (the bench's 50 devices would otherwise print 15,000 lines a run).
    pub fn start_logged(
        bin: &Path,
        data: &Path,
        static_dir: &Path,
        log: Option<&Path>,
    ) -> Result<Self> {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, free_port()?));
        let mut cmd = Command::new(bin);
        cmd.args(["serve", "--addr", &addr.to_string(), "--data"])
            .arg(data)
            .arg("--static")
            .arg(static_dir)
            .stdin(Stdio::null());
        if let Some(log) = log {
            let file = std::fs::File::create(log)
                .with_context(|| format!("creating {}", log.display()))?;
            cmd.stdout(file.try_clone()?).stderr(file);
        }
        println!("$ {}", cmd::display(&cmd));
        let child = cmd
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let mut server = Self { child, addr };
        server.wait_healthy(Duration::from_secs(30))?;
        Ok(server)
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn wait_healthy(&mut self, patience: Duration) -> Result<()> {
        let deadline = Instant::now() + patience;
        loop {
            if let Some(status) = self.child.try_wait()? {
                bail!("the server exited before it was healthy ({status})");
            }
            match http::get(self.addr, "/healthz") {
                Ok(r) if r.status == 200 => {
                    println!("server: healthy at {}", self.url());
                    return Ok(());
                }
                Ok(r) if Instant::now() > deadline => {
                    bail!("GET /healthz still answers {} after {patience:?}", r.status)
                }
                Err(e) if Instant::now() > deadline => {
                    bail!("the server did not answer within {patience:?}: {e}")
                }
                _ => thread::sleep(Duration::from_millis(100)),
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        cmd::terminate(&mut self.child, Duration::from_secs(10));
    }
}
