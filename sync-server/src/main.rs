//! `outpost-server`: the command line over the `outpost_sync_server` library.
//! It parses arguments, sets up logging and calls the library; nothing else.

use std::{
    io::{BufRead, IsTerminal, Write},
    net::SocketAddr,
    path::{Path, PathBuf},
};

use anyhow::{Context, bail};
use clap::{Parser, Subcommand, ValueEnum};
use outpost_model::protocol::{Role, User, UserPatch};
use outpost_sync_server::{AppState, Database, serve};

#[derive(Parser)]
#[command(name = "outpost-server", version, about = "Outpost's sync server")]
struct Cli {
    /// A PostgreSQL database instead of SQLite under `--data`, shared by any
    /// number of servers: postgres://USER:PASSWORD@HOST:5432/DB. Prefer the
    /// environment variable: other users can read a command line.
    #[arg(long, global = true, env = "OUTPOST_DATABASE", hide_env_values = true)]
    database: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Directory holding the database.
        #[arg(long, default_value = "./data")]
        data: PathBuf,
        /// Directory of the built app to serve at `/`.
        #[arg(long = "static")]
        static_dir: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = LogFormat::Text)]
        log_format: LogFormat,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Write a consistent copy of the database while the server runs.
    Backup {
        /// Directory holding the database.
        #[arg(long, default_value = "./data")]
        data: PathBuf,
        /// File to write; it must not exist yet.
        #[arg(long)]
        to: PathBuf,
    },
    /// Put a backup in place as the database of a new data directory (with
    /// the server stopped).
    Restore {
        /// The backup file.
        #[arg(long)]
        from: PathBuf,
        /// The new data directory; it must not hold a database yet.
        #[arg(long)]
        data: PathBuf,
    },
    /// Make a realistic, seeded year of incidents, events, actions and
    /// problems across several sites, written as changes tablets will pull.
    DemoData {
        /// Directory holding the database.
        #[arg(long, default_value = "./data")]
        data: PathBuf,
        /// How many incidents to make.
        #[arg(long, default_value_t = 500)]
        incidents: usize,
        /// The same seed makes the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account; the password is read as one line from standard input.
    Add {
        name: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// Directory holding the database.
        #[arg(long, default_value = "./data")]
        data: PathBuf,
    },
    /// List every account.
    List {
        #[arg(long, default_value = "./data")]
        data: PathBuf,
    },
    /// Stop an account from signing in, and sign it out everywhere.
    Disable {
        name: String,
        #[arg(long, default_value = "./data")]
        data: PathBuf,
    },
    /// Let a disabled account sign in again.
    Enable {
        name: String,
        #[arg(long, default_value = "./data")]
        data: PathBuf,
    },
    /// Change an account's role.
    SetRole {
        name: String,
        #[arg(value_enum)]
        role: RoleArg,
        #[arg(long, default_value = "./data")]
        data: PathBuf,
    },
    /// Set a new password, read as one line from standard input; signs the
    /// account out everywhere.
    ResetPassword {
        name: String,
        #[arg(long, default_value = "./data")]
        data: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum RoleArg {
    Reporter,
    Manager,
    Admin,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Self {
        match r {
            RoleArg::Reporter => Role::Reporter,
            RoleArg::Manager => Role::Manager,
            RoleArg::Admin => Role::Admin,
        }
    }
}

fn main() -> std::process::ExitCode {
    // Errors end here as one line of causes for a person, not a backtrace.
    match run(Cli::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let db = cli.database.as_deref();
    match cli.command {
        Command::Serve {
            addr,
            data,
            static_dir,
            log_format,
        } => {
            init_logging(log_format);
            // Before the runtime: the PostgreSQL client must not block a worker.
            let state = open(db, &data, static_dir)?;
            let runtime = tokio::runtime::Runtime::new().context("cannot start the runtime")?;
            runtime.block_on(run_server(addr, state))
        }
        Command::User { command } => {
            init_logging(LogFormat::Text);
            user_command(command, db)
        }
        Command::Backup { data, to } => {
            init_logging(LogFormat::Text);
            // On PostgreSQL the store refuses, naming pg_dump.
            let state = open(db, &data, None)?;
            state
                .backup_to(&to)
                .with_context(|| format!("cannot back up to {}", to.display()))?;
            println!("backed up {} to {}", data.display(), to.display());
            Ok(())
        }
        Command::Restore { from, data } => {
            init_logging(LogFormat::Text);
            if db.is_some() {
                bail!(
                    "restore is for SQLite; restore PostgreSQL with pg_restore (docs/operations.md)"
                );
            }
            outpost_sync_server::restore(&from, &data)
                .with_context(|| format!("cannot restore {}", from.display()))?;
            println!("restored {} into {}", from.display(), data.display());
            Ok(())
        }
        Command::DemoData {
            data,
            incidents,
            seed,
        } => {
            init_logging(LogFormat::Text);
            demo_data(&open(db, &data, None)?, incidents, seed)
        }
    }
}

async fn run_server(addr: SocketAddr, state: AppState) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    serve(listener, state, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

/// The PostgreSQL database `db` when given, else SQLite under `data`.
fn open(db: Option<&str>, data: &Path, static_dir: Option<PathBuf>) -> anyhow::Result<AppState> {
    let database = Database::choose(db, data)?;
    let named = database.to_string();
    AppState::open_database(database, static_dir).with_context(|| format!("cannot open {named}"))
}

fn user_command(command: UserCommand, db: Option<&str>) -> anyhow::Result<()> {
    let patch = |state: &AppState, name: &str, patch: UserPatch| -> anyhow::Result<()> {
        let user = state.find_user(name)?;
        let user = state.update_user(&user.id, patch)?;
        println!("{}", describe(&user));
        Ok(())
    };
    match command {
        UserCommand::Add { name, role, data } => {
            let role = Role::from(role);
            let state = open(db, &data, None)?;
            let password = read_password(&name, || {
                format!(
                    "echo 'a long password' | outpost-server user add {name} --role {} --data {}",
                    role.as_str(),
                    data.display()
                )
            })?;
            let user = state.create_user(&name, role, &password)?;
            println!("created {}", describe(&user));
            Ok(())
        }
        UserCommand::List { data } => {
            for user in open(db, &data, None)?.users()? {
                println!("{}", describe(&user));
            }
            Ok(())
        }
        UserCommand::Disable { name, data } => {
            let disabled = UserPatch {
                disabled: Some(true),
                ..UserPatch::default()
            };
            patch(&open(db, &data, None)?, &name, disabled)
        }
        UserCommand::Enable { name, data } => {
            let enabled = UserPatch {
                disabled: Some(false),
                ..UserPatch::default()
            };
            patch(&open(db, &data, None)?, &name, enabled)
        }
        UserCommand::SetRole { name, role, data } => {
            let role = UserPatch {
                role: Some(role.into()),
                ..UserPatch::default()
            };
            patch(&open(db, &data, None)?, &name, role)
        }
        UserCommand::ResetPassword { name, data } => {
            let state = open(db, &data, None)?;
            let password = read_password(&name, || {
                format!(
                    "echo 'a long password' | outpost-server user reset-password {name} --data {}",
                    data.display()
                )
            })?;
            let reset = UserPatch {
                password: Some(password),
                ..UserPatch::default()
            };
            patch(&state, &name, reset)
        }
    }
}

/// Generates the demo year ending now and writes it, showing progress.
fn demo_data(state: &AppState, incidents: usize, seed: u64) -> anyhow::Result<()> {
    use outpost_sync_server::demo;
    let options = demo::DemoOptions {
        incidents,
        seed,
        now_ms: u64::try_from(chrono_now_ms()).unwrap_or(0),
    };
    let (changes, summary) = demo::generate(&options, &state.users()?);
    eprintln!(
        "made {} incidents, {} events, {} actions, {} problems, {} sites: {} changes",
        summary.incidents,
        summary.events,
        summary.actions,
        summary.problems,
        summary.sites,
        summary.changes
    );
    let outcome = demo::write(state, &changes, |done, total| {
        eprintln!("written {done} of {total} changes");
    })?;
    println!(
        "demo data written: {} changes accepted, {} already there",
        outcome.accepted, outcome.ignored
    );
    Ok(())
}

fn chrono_now_ms() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis())
}

/// `admin alice (id …)`, with `disabled` when it is.
fn describe(user: &User) -> String {
    format!(
        "{} {} (id {}){}",
        user.role.as_str(),
        user.name,
        user.id,
        if user.disabled { " disabled" } else { "" }
    )
}

/// One line from standard input; `example` shows how to pipe one in.
fn read_password(name: &str, example: impl Fn() -> String) -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        // Typed passwords are visible; piping one in avoids that.
        eprint!("password for {name} (at least 8 characters; it will be visible): ");
        std::io::stderr().flush().ok();
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let password = line.strip_suffix('\n').unwrap_or(&line);
    let password = password.strip_suffix('\r').unwrap_or(password);
    if password.is_empty() {
        bail!(
            "no password given: pipe one line to standard input, for example: {}",
            example()
        );
    }
    Ok(password.to_owned())
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.with_ansi(std::io::stderr().is_terminal()).init(),
        LogFormat::Json => builder.json().init(),
    }
}

/// Completes on Ctrl-C or, on Unix, SIGTERM (what service managers send).
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
