//! Running programs: show the command line, stream the output, capture it when
//! a step's results have to be counted, and stop a program that runs too long.

use std::{
    env,
    ffi::OsStr,
    io::{self, BufRead, BufReader, Read, Write},
    path::{Path, PathBuf},
    process::{Child, Command, ExitStatus, Stdio},
    sync::mpsc,
    thread,
    time::{Duration, Instant},
};

use anyhow::{Context, Result, bail};

/// The workspace root: xtask lives one level below it.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits inside the workspace")
        .to_path_buf()
}

/// Cargo's target directory, honouring `CARGO_TARGET_DIR` as cargo does.
pub fn target_dir() -> PathBuf {
    match env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root().join(dir),
        _ => root().join("target"),
    }
}

/// `cargo`, the same one that runs xtask (so a pinned toolchain stays pinned).
pub fn cargo() -> Command {
    let mut cmd = Command::new(env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(root());
    cmd
}

/// The program's full path if it is on `PATH`.
pub fn which(program: &str) -> Option<PathBuf> {
    let path = env::var_os("PATH")?;
    env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// A command line as a person would type it, for the log.
pub fn display(cmd: &Command) -> String {
    let mut parts: Vec<String> = cmd
        .get_envs()
        .filter_map(|(k, v)| Some(format!("{}={}", k.to_string_lossy(), v?.to_string_lossy())))
        .collect();
    let program = Path::new(cmd.get_program());
    // Show `cargo`, not the long path cargo hands us in `$CARGO`.
    let name = if program.file_name() == Some(OsStr::new("cargo")) {
        "cargo".into()
    } else {
        program.to_string_lossy().into_owned()
    };
    parts.push(name);
    parts.extend(cmd.get_args().map(|a| quote(&a.to_string_lossy())));
    parts.join(" ")
}

fn quote(arg: &str) -> String {
    let plain = !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=,@+".contains(c));
    if plain {
        arg.to_owned()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

/// Runs a command with inherited output and fails unless it succeeds.
pub fn run(cmd: &mut Command) -> Result<()> {
    println!("$ {}", display(cmd));
    let status = cmd
        .status()
        .with_context(|| format!("could not start `{}`", display(cmd)))?;
    if !status.success() {
        bail!("`{}` failed ({status})", display(cmd));
    }
    Ok(())
}

/// The trimmed standard output of a quick probe such as `tool --version`, or
/// `None` when the program is missing or fails.
pub fn probe(cmd: &mut Command) -> Option<String> {
    let out = cmd
        .stderr(Stdio::null())
        .stdin(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// What a streamed command printed and how it ended.
#[derive(Debug)]
pub struct Captured {
    /// False when it failed, could not start, or was stopped at the deadline.
    pub success: bool,
    /// Standard output and standard error, interleaved as they arrived.
    pub text: String,
}

/// Runs a command, copying its output to ours line by line as it comes while
/// keeping a copy, and kills it if it outlives `timeout`.
pub fn tee(cmd: &mut Command, timeout: Duration) -> Captured {
    println!("$ {}", display(cmd));
    let mut child = match cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => {
            let text = format!("could not start `{}`: {e}\n", display(cmd));
            eprint!("{text}");
            return Captured {
                success: false,
                text,
            };
        }
    };
    let (tx, rx) = mpsc::channel::<(bool, Vec<u8>)>();
    let out = child.stdout.take().map(|s| forward(s, false, tx.clone()));
    let err = child.stderr.take().map(|s| forward(s, true, tx));
    let mut text = Vec::new();
    let deadline = Instant::now() + timeout;
    let mut status: Option<ExitStatus> = None;
    let mut timed_out = false;
    // Collect output until both pipes close; a grandchild that keeps a pipe
    // open after the child exits is given a short grace period, not forever.
    let mut grace: Option<Instant> = None;
    loop {
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok((is_err, line)) => {
                write_through(is_err, &line);
                text.extend_from_slice(&line);
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        if status.is_none() {
            if let Ok(Some(s)) = child.try_wait() {
                status = Some(s);
                grace = Some(Instant::now() + Duration::from_secs(3));
            } else if Instant::now() > deadline {
                eprintln!(
                    "xtask: `{}` ran past {timeout:?}; stopping it",
                    display(cmd)
                );
                timed_out = true;
                let _ = child.kill();
                status = child.wait().ok();
                grace = Some(Instant::now() + Duration::from_secs(3));
            }
        }
        if grace.is_some_and(|g| Instant::now() > g) {
            break;
        }
    }
    if status.is_none() {
        status = child.wait().ok();
    }
    // The readers have finished (or are stuck on a pipe held by a stray
    // grandchild); either way they are not needed any more.
    drop((out, err));
    Captured {
        success: !timed_out && status.is_some_and(|s| s.success()),
        text: String::from_utf8_lossy(&text).into_owned(),
    }
}

fn forward(
    stream: impl Read + Send + 'static,
    is_err: bool,
    tx: mpsc::Sender<(bool, Vec<u8>)>,
) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        loop {
            let mut line = Vec::new();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    if tx.send((is_err, line)).is_err() {
                        break;
                    }
                }
            }
        }
    })
}

fn write_through(is_err: bool, bytes: &[u8]) {
    // Losing a line of log output is better than failing the step over it.
    if is_err {
        let mut e = io::stderr().lock();
        let _ = e.write_all(bytes);
        let _ = e.flush();
    } else {
        let mut o = io::stdout().lock();
        let _ = o.write_all(bytes);
        let _ = o.flush();
    }
}

/// Stops a child politely (SIGTERM, through `kill(1)` since xtask has no
/// unsafe code), then forcefully if it has not gone within `patience`.
pub fn terminate(child: &mut Child, patience: Duration) {
    if let Ok(Some(_)) = child.try_wait() {
        return;
    }
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .stderr(Stdio::null())
        .status();
    let deadline = Instant::now() + patience;
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// A directory under the system temp dir that is removed when dropped.
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(prefix: &str) -> Result<Self> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir = env::temp_dir().join(format!("{prefix}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        Ok(Self(dir))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
