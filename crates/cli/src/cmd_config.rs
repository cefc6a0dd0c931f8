//! `saring config check`: the effective configuration, secrets masked, problems listed.

use clap::{Subcommand, ValueEnum};
use saring_app::config::{Config, Mode, Source};

#[derive(Subcommand)]
pub enum ConfigCommand {
    /// Print the effective configuration (secrets masked) and validate it.
    Check {
        /// Validate for `saring serve` (production) or `saring run` (embedded).
        #[arg(long, value_enum, default_value_t = CheckMode::Production)]
        mode: CheckMode,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum CheckMode {
    Production,
    Embedded,
}

pub fn run(cmd: ConfigCommand) -> anyhow::Result<()> {
    let ConfigCommand::Check { mode, json } = cmd;
    let mode = match mode {
        CheckMode::Production => Mode::Production,
        CheckMode::Embedded => Mode::Embedded,
    };
    let vars = std::env::vars().collect();
    // Read once leniently (embedded) for the listing, then validate for the chosen mode.
    let entries = match Config::from_vars(&vars, Mode::Embedded) {
        Ok((_, entries)) => entries,
        Err(_) => Vec::new(),
    };
    let errors = Config::from_vars(&vars, mode).err().unwrap_or_default();
    if json {
        let items: Vec<_> = entries
            .iter()
            .map(|e| serde_json::json!({"var": e.var, "value": e.value, "source": e.source.to_string(), "from": e.from}))
            .collect();
        let problems: Vec<_> = errors
            .iter()
            .map(|e| serde_json::json!({"var": e.var, "message": e.message}))
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({"ok": errors.is_empty(), "settings": items, "errors": problems})
            )?
        );
    } else {
        let width = entries.iter().map(|e| e.var.len()).max().unwrap_or(10);
        for e in &entries {
            let origin = match (&e.source, &e.from) {
                (Source::Alias, Some(alias)) => format!("from {alias}"),
                (source, _) => source.to_string(),
            };
            println!("{:width$}  {}  [{origin}]", e.var, e.value);
        }
        if errors.is_empty() {
            println!("\nconfiguration OK");
        } else {
            println!();
            for e in &errors {
                println!("error: {e}");
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        anyhow::bail!("{} configuration problem(s)", errors.len())
    }
}
