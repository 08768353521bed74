//! `outpost-server`: the command line over the `outpost_sync_server` library.
//! It parses arguments, sets up logging and calls the library; nothing else.

use std::{
    io::{BufRead, IsTerminal, Write},
    net::SocketAddr,
    path::PathBuf,
};

use anyhow::{Context, bail};
use clap::{Parser, Subcommand, ValueEnum};
use outpost_model::protocol::Role;
use outpost_sync_server::{AppState, serve};

#[derive(Parser)]
#[command(name = "outpost-server", version, about = "Outpost's sync server")]
struct Cli {
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
    match cli.command {
        Command::Serve {
            addr,
            data,
            static_dir,
            log_format,
        } => {
            init_logging(log_format);
            let runtime = tokio::runtime::Runtime::new().context("cannot start the runtime")?;
            runtime.block_on(run_server(addr, data, static_dir))
        }
        Command::User {
            command: UserCommand::Add { name, role, data },
        } => {
            init_logging(LogFormat::Text);
            add_user(&name, role, data)
        }
    }
}

async fn run_server(
    addr: SocketAddr,
    data: PathBuf,
    static_dir: Option<PathBuf>,
) -> anyhow::Result<()> {
    let state = AppState::open(&data, static_dir)
        .with_context(|| format!("cannot open the data directory {}", data.display()))?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    serve(listener, state, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

fn add_user(name: &str, role: RoleArg, data: PathBuf) -> anyhow::Result<()> {
    let role = Role::from(role);
    let state = AppState::open(&data, None)
        .with_context(|| format!("cannot open the data directory {}", data.display()))?;
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
            "no password given: pipe one line to standard input, for example: \
             echo 'a long password' | outpost-server user add {name} --role {} --data {}",
            role.as_str(),
            data.display()
        );
    }
    let user = state.create_user(name, role, password)?;
    println!(
        "created {} {} (id {})",
        user.role.as_str(),
        user.name,
        user.id
    );
    Ok(())
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
