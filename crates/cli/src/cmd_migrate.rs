//! `saring migrate`: applies migrations to `DATABASE_URL` and lists the tables.

use saring_store::db;

pub async fn run() -> anyhow::Result<()> {
    let config = crate::load_config(saring_app::Mode::Embedded)?;
    let url = &config.database_url;
    let conn = db::connect(url).await?;
    db::migrate(&conn).await?;
    let tables = db::table_names(&conn).await?;
    println!("migrated {} ({} tables)", redact(url), tables.len());
    for t in tables {
        println!("  {t}");
    }
    Ok(())
}

/// Hides a password in a database URL.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:****{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn redacts_passwords() {
        assert_eq!(
            super::redact("postgres://u:secret@h/db"),
            "postgres://u:****@h/db"
        );
        assert_eq!(super::redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(
            super::redact("sqlite://./data/x.db?mode=rwc"),
            "sqlite://./data/x.db?mode=rwc"
        );
    }
}
