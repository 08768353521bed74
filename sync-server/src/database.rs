//! Which database a server keeps its data in: SQLite under a data directory
//! (one server), or PostgreSQL at a URL (any number of stateless servers).

use std::{
    fmt,
    path::{Path, PathBuf},
};

use crate::{Error, store::postgres};

/// Where the server keeps its data.
#[derive(Debug, Clone)]
pub enum Database {
    /// SQLite: one file ([`crate::DB_FILE`]) in this data directory, one server.
    Sqlite(PathBuf),
    /// PostgreSQL at this URL, shared by any number of stateless servers.
    Postgres(String),
}

impl Database {
    /// The command line's choice: the PostgreSQL database at `url` when one
    /// is given, else SQLite in `data_dir`.
    pub fn choose(url: Option<&str>, data_dir: &Path) -> Result<Database, Error> {
        match url {
            Some(url) if postgres::is_postgres_url(url) => Ok(Database::Postgres(url.to_owned())),
            Some(_) => Err(Error::NotPostgresUrl),
            None => Ok(Database::Sqlite(data_dir.to_owned())),
        }
    }

    /// The command-line option that names this database (`--data DIR` or
    /// `--database URL`), with any password hidden.
    pub fn as_argument(&self) -> String {
        match self {
            Database::Sqlite(dir) => format!("--data {}", dir.display()),
            Database::Postgres(url) => format!("--database {}", postgres::redact(url)),
        }
    }
}

/// "the data directory DIR" or "the database URL", with any password hidden.
impl fmt::Display for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Database::Sqlite(dir) => write!(f, "the data directory {}", dir.display()),
            Database::Postgres(url) => write!(f, "the database {}", postgres::redact(url)),
        }
    }
}
