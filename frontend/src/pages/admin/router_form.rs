//! The router form of `/admin/routers` as plain data: its texts, loaded from a
//! [`RouterView`], turned into the [`RouterInput`] of a create or of a partial update (only the
//! fields that changed), and the per-router schedules. Unit-tested on the host.
//!
//! The checks here are a convenience: host names, CIDRs, fingerprints and certificates are
//! checked by the server, whose message the page shows.

use std::collections::BTreeMap;

use saring_domain::dto::routers::{RouterInput, RouterJobInfo, RouterView};

use super::forms::{FieldProblem, parse_whole};

/// The longest per-router interval the form accepts (a year); the server has the last word.
const MAX_INTERVAL_SECONDS: i64 = 31_536_000;
const INTERVAL_INVALID: &str = "admin-router-interval-invalid";

/// The form's texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouterForm {
    pub name: String,
    pub host: String,
    /// Empty: the default port (8728, 8729 with TLS).
    pub port: String,
    pub use_tls: bool,
    pub tls_insecure: bool,
    pub tls_fingerprint: String,
    /// A new CA certificate; empty keeps the stored one unless `remove_ca`.
    pub tls_ca_pem: String,
    pub remove_ca: bool,
    pub username: String,
    /// Empty on an update: the stored password is kept.
    pub password: String,
    /// Comma or newline separated.
    pub server_names: String,
    /// Comma, space or newline separated.
    pub client_cidrs: String,
    pub is_enabled: bool,
    /// Seconds per job name as typed; empty (or absent): the install's schedule.
    pub intervals: BTreeMap<String, String>,
}

impl Default for RouterForm {
    fn default() -> Self {
        RouterForm {
            name: String::new(),
            host: String::new(),
            port: String::new(),
            use_tls: false,
            tls_insecure: false,
            tls_fingerprint: String::new(),
            tls_ca_pem: String::new(),
            remove_ca: false,
            username: String::new(),
            password: String::new(),
            server_names: String::new(),
            client_cidrs: String::new(),
            is_enabled: true,
            intervals: BTreeMap::new(),
        }
    }
}

/// The non-empty trimmed pieces of `text` split where `sep` says.
fn split_list(text: &str, sep: impl Fn(char) -> bool) -> Vec<String> {
    text.split(sep)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A per-router interval as typed for `job`: `Ok(None)` when empty (the install's schedule),
/// `Ok(Some(0))` to switch the job off on this router, else at least the job's minimum (a
/// cron job can only be switched off); the error is the text key of the problem.
pub fn parse_interval(job: &RouterJobInfo, text: &str) -> Result<Option<u64>, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let seconds = parse_whole(text, MAX_INTERVAL_SECONDS)
        .and_then(|s| u64::try_from(s).ok())
        .ok_or(INTERVAL_INVALID)?;
    match job.min_seconds {
        _ if seconds == 0 => Ok(Some(0)),
        Some(min) if seconds >= min => Ok(Some(seconds)),
        _ => Err(INTERVAL_INVALID),
    }
}

/// `new` when it differs from `old`.
fn changed<T: PartialEq>(new: T, old: &T) -> Option<T> {
    (new != *old).then_some(new)
}

impl RouterForm {
    /// The form of an existing router (no password, no CA text: neither is shown).
    pub fn from_view(r: &RouterView) -> Self {
        RouterForm {
            name: r.name.clone(),
            host: r.host.clone(),
            port: r.port.to_string(),
            use_tls: r.use_tls,
            tls_insecure: r.tls_insecure,
            tls_fingerprint: r.tls_fingerprint_sha256.clone().unwrap_or_default(),
            tls_ca_pem: String::new(),
            remove_ca: false,
            username: r.username.clone(),
            password: String::new(),
            server_names: r.hotspot_server_names.join(", "),
            client_cidrs: r.hotspot_client_cidrs.join("\n"),
            is_enabled: r.is_enabled,
            intervals: r
                .job_intervals
                .iter()
                .map(|(job, s)| (job.clone(), s.to_string()))
                .collect(),
        }
    }

    /// The router's schedules: one entry per job of `jobs` with an interval typed, plus
    /// the entries of `kept` for jobs the page does not list (left as they are).
    fn job_intervals(
        &self,
        jobs: &[RouterJobInfo],
        kept: Option<&BTreeMap<String, u64>>,
        problems: &mut Vec<FieldProblem>,
    ) -> BTreeMap<String, u64> {
        let mut map: BTreeMap<String, u64> = kept
            .into_iter()
            .flatten()
            .filter(|(name, _)| !jobs.iter().any(|j| &j.name == *name))
            .map(|(name, s)| (name.clone(), *s))
            .collect();
        let mut problem = None;
        for job in jobs {
            let text = self.intervals.get(&job.name).map_or("", String::as_str);
            match parse_interval(job, text) {
                Ok(Some(seconds)) => {
                    map.insert(job.name.clone(), seconds);
                }
                Ok(None) => {}
                Err(key) => problem = Some(key),
            }
        }
        problems.extend(problem.map(|key| ("job_intervals", key)));
        map
    }

    /// The request body: everything for a new router (`original` `None`); for an update only
    /// what differs from `original` (a router `MIKROTIK_*` manages: only its schedules). Or
    /// every problem found.
    pub fn to_input(
        &self,
        jobs: &[RouterJobInfo],
        original: Option<&RouterView>,
    ) -> Result<RouterInput, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let intervals = self.job_intervals(jobs, original.map(|r| &r.job_intervals), &mut problems);
        if let Some(r) = original.filter(|r| r.managed_by_env) {
            return if problems.is_empty() {
                Ok(RouterInput {
                    job_intervals: changed(intervals, &r.job_intervals),
                    ..RouterInput::default()
                })
            } else {
                Err(problems)
            };
        }
        let creating = original.is_none();
        let name = self.name.trim();
        if name.is_empty() {
            problems.push(("name", "admin-form-required"));
        }
        let host = self.host.trim();
        if host.is_empty() {
            problems.push(("host", "admin-form-required"));
        }
        let port = match self.port.trim() {
            "" => None,
            p => {
                let port = p.parse::<u16>().ok().filter(|p| *p > 0);
                if port.is_none() {
                    problems.push(("port", "admin-router-port-invalid"));
                }
                port
            }
        };
        let username = self.username.trim();
        if username.is_empty() {
            problems.push(("username", "admin-form-required"));
        }
        let password = crate::format::non_blank(&self.password);
        if creating && password.is_none() {
            problems.push(("password", "admin-form-required"));
        }
        let server_names = split_list(&self.server_names, |c| c == ',' || c == '\n');
        let cidrs = split_list(&self.client_cidrs, |c| c == ',' || c.is_whitespace());
        if creating && cidrs.is_empty() {
            problems.push(("hotspot_client_cidrs", "admin-form-required"));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let ca = self.tls_ca_pem.trim();
        let tls_ca_pem = if !ca.is_empty() {
            Some(ca.to_owned())
        } else {
            (self.remove_ca && !creating).then(String::new)
        };
        let fingerprint = self.tls_fingerprint.trim().to_owned();
        let Some(r) = original else {
            return Ok(RouterInput {
                name: Some(name.to_owned()),
                host: Some(host.to_owned()),
                port,
                use_tls: Some(self.use_tls),
                tls_insecure: Some(self.tls_insecure),
                tls_ca_pem,
                tls_fingerprint_sha256: (!fingerprint.is_empty()).then_some(fingerprint),
                username: Some(username.to_owned()),
                password,
                hotspot_server_names: (!server_names.is_empty()).then_some(server_names),
                hotspot_client_cidrs: Some(cidrs),
                is_enabled: Some(self.is_enabled),
                job_intervals: (!intervals.is_empty()).then_some(intervals),
            });
        };
        Ok(RouterInput {
            name: changed(name.to_owned(), &r.name),
            host: changed(host.to_owned(), &r.host),
            port: port.and_then(|p| changed(p, &r.port)),
            use_tls: changed(self.use_tls, &r.use_tls),
            tls_insecure: changed(self.tls_insecure, &r.tls_insecure),
            tls_ca_pem,
            tls_fingerprint_sha256: changed(
                fingerprint,
                &r.tls_fingerprint_sha256.clone().unwrap_or_default(),
            ),
            username: changed(username.to_owned(), &r.username),
            password,
            hotspot_server_names: changed(server_names, &r.hotspot_server_names),
            hotspot_client_cidrs: changed(cidrs, &r.hotspot_client_cidrs),
            is_enabled: changed(self.is_enabled, &r.is_enabled),
            job_intervals: changed(intervals, &r.job_intervals),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::forms::problem_fields;
    use super::*;

    fn job(name: &str, min: Option<u64>) -> RouterJobInfo {
        RouterJobInfo {
            name: name.into(),
            description: String::new(),
            default_seconds: min.map(|m| m * 5),
            cron: min.is_none().then(|| "0 15 4 * * *".into()),
            min_seconds: min,
            enabled: true,
        }
    }

    fn jobs() -> Vec<RouterJobInfo> {
        vec![job("quota-sync", Some(60)), job("router-audit", None)]
    }

    fn view() -> RouterView {
        RouterView {
            id: "r2".into(),
            name: "site-b".into(),
            host: "127.0.0.1".into(),
            port: 1,
            use_tls: false,
            tls_insecure: false,
            has_tls_ca: true,
            tls_fingerprint_sha256: Some("AB:CD".into()),
            username: "api".into(),
            hotspot_server_names: vec!["hs-user".into()],
            hotspot_client_cidrs: vec!["10.9.0.0/24".into()],
            is_enabled: true,
            is_default: false,
            managed_by_env: false,
            job_intervals: BTreeMap::from([("quota-sync".into(), 120), ("later-job".into(), 0)]),
            online: None,
            last_seen_at: None,
            last_error: None,
            routeros_version: None,
            adopted_at: None,
            user_count: 0,
            device_count: 0,
            setup: None,
        }
    }

    fn new_router() -> RouterForm {
        RouterForm {
            name: " site-b ".into(),
            host: "127.0.0.1".into(),
            port: "1".into(),
            username: "api".into(),
            password: "secret".into(),
            client_cidrs: "10.9.0.0/24, 10.9.1.0/24\n".into(),
            intervals: BTreeMap::from([("quota-sync".into(), "120".into())]),
            ..RouterForm::default()
        }
    }

    #[test]
    fn a_new_router_sends_every_field_it_has() {
        let body = new_router().to_input(&jobs(), None).unwrap();
        assert_eq!(body.name.as_deref(), Some("site-b"));
        assert_eq!(body.port, Some(1));
        assert_eq!(body.password.as_deref(), Some("secret"));
        assert_eq!(
            body.hotspot_client_cidrs,
            Some(vec!["10.9.0.0/24".into(), "10.9.1.0/24".into()])
        );
        assert_eq!(body.hotspot_server_names, None);
        assert_eq!(body.is_enabled, Some(true));
        assert_eq!(body.tls_ca_pem, None);
        assert_eq!(body.tls_fingerprint_sha256, None);
        assert_eq!(
            body.job_intervals,
            Some(BTreeMap::from([("quota-sync".into(), 120)]))
        );
        let json = serde_json::to_value(&body).unwrap();
        assert!(json.get("tls_ca_pem").is_none(), "{json}");
    }

    #[test]
    fn a_new_router_needs_its_connection_and_ranges() {
        let f = RouterForm {
            port: "70000".into(),
            ..RouterForm::default()
        };
        assert_eq!(
            problem_fields(f.to_input(&jobs(), None)),
            [
                "name",
                "host",
                "port",
                "username",
                "password",
                "hotspot_client_cidrs"
            ]
        );
    }

    #[test]
    fn intervals_follow_the_install_or_respect_the_minimum() {
        let (every, cron) = (job("quota-sync", Some(60)), job("router-audit", None));
        assert_eq!(parse_interval(&every, " "), Ok(None));
        assert_eq!(parse_interval(&every, "0"), Ok(Some(0)));
        assert_eq!(parse_interval(&every, "60"), Ok(Some(60)));
        assert_eq!(parse_interval(&every, "1.200"), Ok(Some(1200)));
        assert_eq!(parse_interval(&every, "59"), Err(INTERVAL_INVALID));
        assert_eq!(parse_interval(&every, "-5"), Err(INTERVAL_INVALID));
        assert_eq!(parse_interval(&every, "x"), Err(INTERVAL_INVALID));
        assert_eq!(parse_interval(&cron, "0"), Ok(Some(0)));
        assert_eq!(parse_interval(&cron, "3600"), Err(INTERVAL_INVALID));
        let mut f = new_router();
        f.intervals.insert("quota-sync".into(), "30".into());
        assert_eq!(
            f.to_input(&jobs(), None).unwrap_err(),
            vec![("job_intervals", "admin-router-interval-invalid")]
        );
    }

    #[test]
    fn an_update_sends_only_what_changed() {
        let r = view();
        let f = RouterForm::from_view(&r);
        assert_eq!(
            f.to_input(&jobs(), Some(&r)).unwrap(),
            RouterInput::default()
        );

        let mut f = RouterForm::from_view(&r);
        f.is_enabled = false;
        f.intervals.insert("quota-sync".into(), "600".into());
        f.intervals.insert("router-audit".into(), "0".into());
        f.tls_fingerprint = String::new();
        f.remove_ca = true;
        let body = f.to_input(&jobs(), Some(&r)).unwrap();
        assert_eq!(
            body,
            RouterInput {
                is_enabled: Some(false),
                tls_fingerprint_sha256: Some(String::new()),
                tls_ca_pem: Some(String::new()),
                // The whole map, with the job this page does not know kept as it was.
                job_intervals: Some(BTreeMap::from([
                    ("later-job".into(), 0),
                    ("quota-sync".into(), 600),
                    ("router-audit".into(), 0),
                ])),
                ..RouterInput::default()
            }
        );

        // Emptying a schedule field follows the install again.
        let mut f = RouterForm::from_view(&r);
        f.intervals.insert("quota-sync".into(), String::new());
        f.password = "new-secret".into();
        f.client_cidrs = "10.9.0.0/24 10.10.0.0/16".into();
        let body = f.to_input(&jobs(), Some(&r)).unwrap();
        assert_eq!(
            body.job_intervals,
            Some(BTreeMap::from([("later-job".into(), 0)]))
        );
        assert_eq!(body.password.as_deref(), Some("new-secret"));
        assert_eq!(
            body.hotspot_client_cidrs,
            Some(vec!["10.9.0.0/24".into(), "10.10.0.0/16".into()])
        );
        assert_eq!(body.name, None);
    }

    #[test]
    fn the_env_router_changes_only_its_schedules() {
        let r = RouterView {
            managed_by_env: true,
            is_default: true,
            ..view()
        };
        let mut f = RouterForm::from_view(&r);
        f.name = "renamed".into();
        f.password = "x".into();
        f.intervals.insert("quota-sync".into(), "300".into());
        let body = f.to_input(&jobs(), Some(&r)).unwrap();
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({"job_intervals": {"later-job": 0, "quota-sync": 300}})
        );
    }
}
