//! The [`Reader`]: typed values from a variable map, remembering every value it read (for
//! `saring config check` and [`super::known_variables`]) and every problem it found (all
//! reported at once, naming the variable). Also the parsers the sections share.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use ipnet::IpNet;
use secrecy::{ExposeSecret, SecretString};

use super::{ConfigError, Entry, Source};

/// Reads typed values and remembers what it read.
pub(super) struct Reader<'a> {
    vars: &'a HashMap<String, String>,
    pub(super) entries: Vec<Entry>,
    pub(super) errors: Vec<ConfigError>,
}

impl<'a> Reader<'a> {
    pub(super) fn new(vars: &'a HashMap<String, String>) -> Self {
        Reader {
            vars,
            entries: Vec::new(),
            errors: Vec::new(),
        }
    }

    fn raw(
        &mut self,
        var: &'static str,
        aliases: &[&'static str],
    ) -> Option<(String, Source, Option<String>)> {
        let non_empty = |name: &str| {
            self.vars
                .get(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        if let Some(v) = non_empty(var) {
            return Some((v, Source::Env, None));
        }
        aliases
            .iter()
            .find_map(|a| non_empty(a).map(|v| (v, Source::Alias, Some((*a).to_owned()))))
    }

    fn record(&mut self, var: &'static str, value: String, source: Source, from: Option<String>) {
        self.entries.push(Entry {
            var,
            value,
            source,
            from,
        });
    }

    pub(super) fn error(&mut self, var: &str, message: impl Into<String>) {
        self.errors.push(ConfigError {
            var: var.to_owned(),
            message: message.into(),
        });
    }

    /// The value of `var` (or its first alias that is set) through `parse`; `default` when
    /// unset or invalid (then the problem is recorded). `show` prints it for the report.
    pub(super) fn parsed<T>(
        &mut self,
        var: &'static str,
        aliases: &[&'static str],
        default: T,
        parse: impl Fn(&str) -> Result<T, String>,
        show: impl Fn(&T) -> String,
    ) -> T {
        match self.raw(var, aliases) {
            Some((raw, source, from)) => match parse(&raw) {
                Ok(v) => {
                    self.record(var, show(&v), source, from);
                    v
                }
                Err(message) => {
                    self.error(var, message);
                    default
                }
            },
            None => {
                self.record(var, show(&default), Source::Default, None);
                default
            }
        }
    }

    pub(super) fn string(
        &mut self,
        var: &'static str,
        aliases: &[&'static str],
        default: &str,
    ) -> String {
        self.parsed(
            var,
            aliases,
            default.to_owned(),
            |s| Ok(s.to_owned()),
            Clone::clone,
        )
    }

    pub(super) fn opt_string(
        &mut self,
        var: &'static str,
        aliases: &[&'static str],
    ) -> Option<String> {
        self.parsed(
            var,
            aliases,
            None,
            |s| Ok(Some(s.to_owned())),
            |v| v.clone().unwrap_or_else(|| "(unset)".into()),
        )
    }

    pub(super) fn secret(
        &mut self,
        var: &'static str,
        aliases: &[&'static str],
    ) -> Option<SecretString> {
        self.parsed(
            var,
            aliases,
            None,
            |s| Ok(Some(SecretString::from(s.to_owned()))),
            |v| mask(v.as_ref()),
        )
    }

    pub(super) fn bool(
        &mut self,
        var: &'static str,
        aliases: &[&'static str],
        default: bool,
    ) -> bool {
        self.parsed(var, aliases, default, parse_bool, |b| b.to_string())
    }

    pub(super) fn list(&mut self, var: &'static str, default: &[&str]) -> Vec<String> {
        let default = default.iter().map(|s| (*s).to_owned()).collect();
        self.parsed(
            var,
            &[],
            default,
            |s| Ok(parse_list(s)),
            |v: &Vec<String>| v.join(","),
        )
    }

    pub(super) fn int_list(&mut self, var: &'static str, default: &[i64]) -> Vec<i64> {
        self.parsed(
            var,
            &[],
            default.to_vec(),
            parse_int_list,
            |v: &Vec<i64>| show_list(v),
        )
    }

    pub(super) fn int<T: FromStr + fmt::Display + PartialOrd + Copy>(
        &mut self,
        var: &'static str,
        aliases: &[&'static str],
        default: T,
        min: T,
        max: T,
    ) -> T {
        self.parsed(
            var,
            aliases,
            default,
            |s| match s.parse::<T>() {
                Ok(v) if v >= min && v <= max => Ok(v),
                Ok(_) => Err(format!("must be between {min} and {max}")),
                Err(_) => Err(format!("{s:?} is not a whole number")),
            },
            |v| v.to_string(),
        )
    }
}

fn mask(secret: Option<&SecretString>) -> String {
    match secret {
        None => "(unset)".into(),
        Some(s) => format!("******** ({} chars)", s.expose_secret().chars().count()),
    }
}

/// `true/false/1/0/yes/no/on/off`, any case.
pub fn parse_bool(s: &str) -> Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "y" | "on" => Ok(true),
        "false" | "0" | "no" | "n" | "off" => Ok(false),
        _ => Err(format!("{s:?} is not a boolean (true/false)")),
    }
}

/// CSV or the reference's `['a', "b"]` list syntax.
pub fn parse_list(s: &str) -> Vec<String> {
    let inner = s.trim().trim_start_matches('[').trim_end_matches(']');
    inner
        .split(',')
        .map(|p| p.trim().trim_matches(['"', '\'']).trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

pub(super) fn parse_cidrs(s: &str) -> Result<Vec<IpNet>, String> {
    parse_list(s)
        .iter()
        .map(|c| {
            IpNet::from_str(c)
                .or_else(|_| c.parse::<std::net::IpAddr>().map(IpNet::from))
                .map(|n| n.trunc())
                .map_err(|_| format!("{c:?} is not an IP network like 172.16.2.0/23"))
        })
        .collect()
}

fn parse_int_list(s: &str) -> Result<Vec<i64>, String> {
    parse_list(s)
        .iter()
        .map(|v| {
            v.parse::<i64>()
                .map_err(|_| format!("{v:?} is not a whole number"))
        })
        .collect()
}

pub(super) fn show_list<T: fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_and_lists() {
        for t in ["true", "TRUE", "1", "yes", "On"] {
            assert_eq!(parse_bool(t), Ok(true));
        }
        for f in ["False", "0", "no", "off"] {
            assert_eq!(parse_bool(f), Ok(false));
        }
        assert!(parse_bool("2").is_err());
        assert_eq!(parse_list("['a', \"b\" ,c]"), ["a", "b", "c"]);
        assert!(parse_list("[]").is_empty());
    }
}
