//! The embedded mode's own secrets: generated once per data directory and kept in
//! `<data dir>/secrets.json` (mode 0600), so sessions, signed links and encrypted settings
//! survive a restart — and no install shares a key with any other. There is no built-in
//! default secret: one that is public (in the source) lets anyone sign a super admin's JWT.
//!
//! The data directory is the directory of the SQLite database file (`DATABASE_URL`), or
//! `./data` for any other database. Variables that are set (`SECRET_KEY`,
//! `JWT_SECRET_KEY`, `ENCRYPTION_KEY`, `MIDTRANS_SERVER_KEY`) win over the file.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::config::random_secret;
use crate::error::{AppError, AppResult};

/// The file's name in the data directory.
pub const FILE_NAME: &str = "secrets.json";

/// What `secrets.json` holds: 32 random bytes each, hex.
#[derive(Clone, Serialize, Deserialize)]
pub struct EmbeddedSecrets {
    secret_key: String,
    jwt_secret_key: String,
    encryption_key: String,
    /// Signs the simulated Midtrans' notifications (and authenticates the app to it).
    midtrans_server_key: String,
}

impl std::fmt::Debug for EmbeddedSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EmbeddedSecrets(****)")
    }
}

/// Half-written or hand-edited files: every key present, long enough.
#[derive(Deserialize)]
struct Stored {
    secret_key: Option<String>,
    jwt_secret_key: Option<String>,
    encryption_key: Option<String>,
    midtrans_server_key: Option<String>,
}

fn fresh() -> String {
    random_secret().expose_secret().to_owned()
}

fn usable(v: Option<String>) -> Option<String> {
    v.filter(|s| s.trim().len() >= 32)
}

impl EmbeddedSecrets {
    fn generate() -> Self {
        EmbeddedSecrets {
            secret_key: fresh(),
            jwt_secret_key: fresh(),
            encryption_key: fresh(),
            midtrans_server_key: format!("SB-Mid-server-{}", fresh()),
        }
    }

    /// Fills the secret variables that are unset (or empty) in `vars` from this file. When
    /// `SECRET_KEY` is set, `JWT_SECRET_KEY` and `ENCRYPTION_KEY` keep defaulting to it (as
    /// documented), so an install that set only `SECRET_KEY` reads what it wrote before.
    pub fn fill(&self, vars: &mut HashMap<String, String>) {
        let unset = |vars: &HashMap<String, String>, k: &str| {
            vars.get(k).is_none_or(|v| v.trim().is_empty())
        };
        if !unset(vars, "SECRET_KEY") {
            return;
        }
        for (var, value) in [
            ("SECRET_KEY", &self.secret_key),
            ("JWT_SECRET_KEY", &self.jwt_secret_key),
            ("ENCRYPTION_KEY", &self.encryption_key),
        ] {
            if unset(vars, var) {
                vars.insert(var.to_owned(), value.clone());
            }
        }
    }

    /// The simulated gateway's key (used when `MIDTRANS_SERVER_KEY` is unset).
    pub fn simulator_server_key(&self) -> SecretString {
        SecretString::from(self.midtrans_server_key.clone())
    }
}

/// Where `saring run` keeps its data for `database_url`: the SQLite file's directory, else
/// `./data`.
pub fn data_dir(database_url: &str) -> PathBuf {
    let path = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
        .map(|rest| rest.split('?').next().unwrap_or_default())
        .filter(|p| !p.is_empty() && !p.starts_with(":memory:"));
    match path {
        Some(file) => Path::new(file)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        None => PathBuf::from("./data"),
    }
}

fn io_error(path: &Path, e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("{}: {e}", path.display()))
}

/// Reads `<dir>/secrets.json`, creating it (and `dir`) with fresh secrets the first time.
/// Missing or short entries are generated and written back; the file's mode is kept 0600.
pub fn load_or_create(dir: &Path) -> AppResult<EmbeddedSecrets> {
    let path = dir.join(FILE_NAME);
    std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
    let existing = match std::fs::read(&path) {
        Ok(bytes) => Some(serde_json::from_slice::<Stored>(&bytes).map_err(|e| {
            io_error(
                &path,
                format!("not a secrets file ({e}); move it away to start over"),
            )
        })?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io_error(&path, e)),
    };
    let generated = EmbeddedSecrets::generate();
    let Some(stored) = existing else {
        write_private(&path, &generated)?;
        tracing::info!(path = %path.display(), "generated this install's secrets");
        return Ok(generated);
    };
    let complete = EmbeddedSecrets {
        secret_key: usable(stored.secret_key.clone()).unwrap_or(generated.secret_key),
        jwt_secret_key: usable(stored.jwt_secret_key.clone()).unwrap_or(generated.jwt_secret_key),
        encryption_key: usable(stored.encryption_key.clone()).unwrap_or(generated.encryption_key),
        midtrans_server_key: usable(stored.midtrans_server_key.clone())
            .unwrap_or(generated.midtrans_server_key),
    };
    let changed = usable(stored.secret_key).is_none()
        || usable(stored.jwt_secret_key).is_none()
        || usable(stored.encryption_key).is_none()
        || usable(stored.midtrans_server_key).is_none();
    if changed {
        tracing::warn!(path = %path.display(), "secrets file incomplete: missing keys generated");
        write_private(&path, &complete)?;
    } else {
        restrict(&path)?;
    }
    Ok(complete)
}

/// Writes the file readable by its owner only (through a temporary file and a rename, so a
/// crash never leaves half a file).
fn write_private(path: &Path, secrets: &EmbeddedSecrets) -> AppResult<()> {
    let text = serde_json::to_vec_pretty(secrets).map_err(|e| io_error(path, e))?;
    let tmp = path.with_extension("json.tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&tmp).map_err(|e| io_error(&tmp, e))?;
    file.write_all(&text)
        .and_then(|()| file.sync_all())
        .map_err(|e| io_error(&tmp, e))?;
    drop(file);
    restrict(&tmp)?;
    std::fs::rename(&tmp, path).map_err(|e| io_error(path, e))
}

/// Mode 0600 (a file copied in with looser permissions is tightened).
fn restrict(path: &Path) -> AppResult<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(|e| io_error(path, e))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            tracing::warn!(path = %path.display(), "secrets file was readable by others: now 0600");
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
                .map_err(|e| io_error(path, e))?;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// For `saring run` and the embedded-mode subcommands: when `SECRET_KEY` is unset, fills
/// the secret variables from the data directory's `secrets.json` (created on first use).
/// With `simulator` (`saring run`), also returns the simulated gateway's key unless
/// `MIDTRANS_SERVER_KEY` is set. When nothing is needed, no file is read or written.
pub fn fill_from_data_dir(
    vars: &mut HashMap<String, String>,
    simulator: bool,
) -> AppResult<Option<SecretString>> {
    let set = |k: &str| vars.get(k).is_some_and(|v| !v.trim().is_empty());
    if set("SECRET_KEY") && (!simulator || set("MIDTRANS_SERVER_KEY")) {
        return Ok(None);
    }
    let url = vars
        .get("DATABASE_URL")
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| crate::config::DEFAULT_DATABASE_URL.to_owned());
    let secrets = load_or_create(&data_dir(&url))?;
    secrets.fill(vars);
    Ok(simulator.then(|| secrets.simulator_server_key()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_dirs() {
        assert_eq!(
            data_dir("sqlite://./data/saring.db?mode=rwc"),
            PathBuf::from("./data")
        );
        assert_eq!(
            data_dir("sqlite:///var/lib/saring/s.db"),
            PathBuf::from("/var/lib/saring")
        );
        assert_eq!(data_dir("sqlite://saring.db"), PathBuf::from("."));
        assert_eq!(data_dir("sqlite::memory:"), PathBuf::from("./data"));
        assert_eq!(data_dir("postgres://u@h/db"), PathBuf::from("./data"));
    }

    #[test]
    fn created_once_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let first = load_or_create(dir.path()).unwrap();
        let again = load_or_create(dir.path()).unwrap();
        assert_eq!(first.jwt_secret_key, again.jwt_secret_key);
        assert_eq!(first.midtrans_server_key, again.midtrans_server_key);
        assert_ne!(first.secret_key, first.jwt_secret_key);
        assert!(first.encryption_key.len() >= 64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(FILE_NAME))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // Set variables win; JWT/ENCRYPTION follow a set SECRET_KEY as documented.
        let mut vars = HashMap::from([("JWT_SECRET_KEY".to_owned(), "mine".repeat(10))]);
        first.fill(&mut vars);
        assert_eq!(vars["JWT_SECRET_KEY"], "mine".repeat(10));
        assert_eq!(vars["SECRET_KEY"], first.secret_key);
        assert_eq!(vars["ENCRYPTION_KEY"], first.encryption_key);
        let mut vars = HashMap::from([("SECRET_KEY".to_owned(), "k".repeat(40))]);
        first.fill(&mut vars);
        assert_eq!(vars.len(), 1);
        // A damaged entry is regenerated, the rest kept.
        std::fs::write(
            dir.path().join(FILE_NAME),
            format!(
                r#"{{"secret_key": "{}", "jwt_secret_key": "short"}}"#,
                first.secret_key
            ),
        )
        .unwrap();
        let mended = load_or_create(dir.path()).unwrap();
        assert_eq!(mended.secret_key, first.secret_key);
        assert_ne!(mended.jwt_secret_key, "short");
        assert_eq!(
            load_or_create(dir.path()).unwrap().jwt_secret_key,
            mended.jwt_secret_key
        );
    }
}
