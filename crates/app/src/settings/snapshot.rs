//! The run-time settings in force, as one process holds them between reads (see
//! [`super::current`]). A leaf: the app context stores it without knowing the feature.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use crate::config::{parse_bool, parse_list};

/// How old a process's snapshot may get before it is read again.
pub const RELOAD_AFTER: Duration = Duration::from_secs(2);

/// The settings in force: the page's value, else the environment's.
#[derive(Debug, Default)]
pub struct Current {
    values: HashMap<&'static str, String>,
    overridden: HashSet<&'static str>,
}

impl Current {
    /// The value in force, if any (secrets in clear: never hand them to a client).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }

    /// A boolean setting (`false` when unset or unreadable).
    pub fn flag(&self, key: &str) -> bool {
        self.get(key)
            .and_then(|v| parse_bool(v).ok())
            .unwrap_or(false)
    }

    /// A list setting.
    pub fn list(&self, key: &str) -> Vec<String> {
        self.get(key).map(parse_list).unwrap_or_default()
    }

    /// A text setting, `None` when empty.
    pub fn text(&self, key: &str) -> Option<String> {
        self.get(key)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    }

    pub(super) fn is_overridden(&self, key: &str) -> bool {
        self.overridden.contains(key)
    }
}

impl Current {
    pub(super) fn set(&mut self, key: &'static str, value: String, overridden: bool) {
        if overridden {
            self.overridden.insert(key);
        }
        self.values.insert(key, value);
    }
}
