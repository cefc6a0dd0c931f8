//! Every message template has a caller, and every caller names an existing template.
//!
//! Callers are string literals passed as a template key anywhere in the workspace's server
//! crates (`send_template(…, "key", …)`, `template: "key"`, `alert_admins(…, "key", …)`…).
//! Templates of the reference whose feature is still being built are listed in
//! `AWAITING_CALLER`; the list may only shrink (a listed key that gained a caller fails too).
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::Path;

use saring_app::templates::TEMPLATES;

/// Templates whose feature has no caller yet (none today).
const AWAITING_CALLER: &[&str] = &[];

fn sources(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("templates.rs") {
            out.push(std::fs::read_to_string(&path).unwrap());
        }
    }
}

fn literals(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(start) = rest.find('"') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('"') else { break };
        let lit = &after[..end];
        if !lit.is_empty()
            && lit.len() < 80
            && lit
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && lit.contains('_')
        {
            out.insert(lit.to_owned());
        }
        rest = &after[end + 1..];
    }
    out
}

#[test]
fn every_template_has_a_caller_and_every_caller_a_template() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut texts = Vec::new();
    for krate in ["app", "api", "worker", "cli"] {
        sources(&root.join(krate).join("src"), &mut texts);
    }
    let used: BTreeSet<String> = texts.iter().flat_map(|t| literals(t)).collect();
    let keys: BTreeSet<&str> = TEMPLATES.iter().map(|(k, _)| *k).collect();
    assert_eq!(keys.len(), TEMPLATES.len(), "duplicate template keys");
    let mut missing_caller = Vec::new();
    for key in &keys {
        let called = used.contains(*key);
        let waiting = AWAITING_CALLER.contains(key);
        if called && waiting {
            panic!("{key} has a caller now: remove it from AWAITING_CALLER");
        }
        if !called && !waiting {
            missing_caller.push(*key);
        }
    }
    assert!(
        missing_caller.is_empty(),
        "templates without a caller: {missing_caller:?}"
    );
    // Callers naming a template that does not exist: literals in template positions.
    for text in &texts {
        for pattern in ["send_template(", "template: \"", "alert_admins("] {
            for (i, _) in text.match_indices(pattern) {
                let window: String = text[i..].chars().take(300).collect();
                if let Some(lit) = literals(&window).into_iter().find(|l| {
                    l.starts_with("user_")
                        || l.starts_with("admin_")
                        || l.starts_with("komandan_")
                        || l.starts_with("auth_")
                        || l.starts_with("new_")
                        || l.starts_with("purchase_")
                        || l.starts_with("password_")
                }) {
                    assert!(
                        keys.contains(lit.as_str()),
                        "caller names a missing template {lit}"
                    );
                }
            }
        }
    }
}
