//! `saring policy eval`: answers "why is this user blocked?" for snapshots on stdin.

use std::io::Read;

use anyhow::Context;
use chrono::{DateTime, Utc};
use clap::Subcommand;
use saring_domain::access::{AccessDecision, ReferenceUser, parse_instant};

#[derive(Subcommand)]
pub enum PolicyCommand {
    /// Read a JSON array of user snapshots from stdin and print each one's status and router
    /// artefacts (`status`, `detail`, `address_list`, `profile`, `binding_type`), same order.
    Eval {
        /// Evaluate at this instant (RFC 3339) instead of now.
        #[arg(long)]
        now: Option<String>,
        /// Override QUOTA_FUP_THRESHOLD_MB.
        #[arg(long)]
        fup_threshold_mb: Option<i64>,
    },
}

pub fn run(cmd: PolicyCommand) -> anyhow::Result<()> {
    let PolicyCommand::Eval {
        now,
        fup_threshold_mb,
    } = cmd;
    let now: DateTime<Utc> = match now {
        Some(text) => parse_instant(&text)
            .with_context(|| format!("--now {text:?} is not an RFC 3339 time"))?,
        None => Utc::now(),
    };
    let config = crate::load_config(saring_app::Mode::Embedded)?;
    let mut policy = config.policy;
    if let Some(mb) = fup_threshold_mb {
        anyhow::ensure!(mb >= 0, "--fup-threshold-mb must not be negative");
        policy.fup_threshold_mb = mb;
    }
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("reading stdin")?;
    let users: Vec<serde_json::Value> =
        serde_json::from_str(&input).context("stdin must be a JSON array of user snapshots")?;
    let mut out: Vec<AccessDecision> = Vec::with_capacity(users.len());
    for (i, value) in users.into_iter().enumerate() {
        let user: ReferenceUser = serde_json::from_value(value)
            .with_context(|| format!("user #{i}: wrong field type"))?;
        let snapshot = user.to_snapshot().with_context(|| format!("user #{i}"))?;
        out.push(policy.decide(&snapshot, now));
    }
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}
