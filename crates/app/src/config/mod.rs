//! Configuration from environment variables.
//!
//! Names follow the reference's `.env` wherever it has one (`DATABASE_URL`, `JWT_SECRET_KEY`,
//! `APP_TIMEZONE`, `MIKROTIK_*`, `MIDTRANS_*`…), and its alternative spellings are accepted
//! as aliases (`MIKROTIK_USER` for `MIKROTIK_USERNAME`, `MIKROTIK_PROFILE_*` for
//! `MIKROTIK_*_PROFILE`…). Every variable the code reads is declared once, in this folder,
//! with its default: one file per section declares its struct and the function that reads it
//! ([`app`], [`auth`] (secrets, sessions, OTP), [`router`], [`policy`] (and quota),
//! [`payments`], [`messaging`] (WhatsApp, Telegram), [`devices`], [`portal`] (and the grants
//! of an approval), [`accounts`] (komandan requests, deletion), [`worker`] (one section per job), [`backup`], [`embedded`] (`saring run`'s simulator
//! and demo admin)), through the `Reader` of `reader.rs`. The same declarations produce
//! `saring config check`'s report, and a test keeps `docs/configuration.md` and
//! `.env.example` in step with them; code reads the [`Config`], never the environment.
//!
//! Booleans accept `true/false/1/0/yes/no/on/off` (any case); lists accept CSV or the
//! reference's Python-style `['a', 'b']`. Every problem is reported at once, naming the
//! variable.

use std::collections::HashMap;
use std::net::SocketAddr;

use saring_domain::access::PolicySettings;
use secrecy::{ExposeSecret, SecretString};

pub mod accounts;
pub mod app;
pub mod auth;
pub mod backup;
pub mod devices;
pub mod embedded;
pub mod messaging;
pub mod payments;
pub mod policy;
pub mod portal;
mod reader;
pub mod router;
pub mod worker;

pub use accounts::KomandanConfig;
pub use app::{AppConfig, LogConfig};
pub use auth::{AuthConfig, OtpConfig, Secrets, random_secret};
pub use backup::BackupConfig;
pub use devices::{AddressCheck, DeviceConfig};
pub use embedded::{DEMO_ADMIN_PHONE, EmbeddedConfig};
pub use messaging::{TelegramConfig, WhatsAppConfig};
pub use payments::{PaymentConfig, PaymentGatewayKind, ProviderMode};
pub use policy::QuotaConfig;
pub use portal::{GrantConfig, PortalConfig};
pub use reader::{parse_bool, parse_list};
pub use router::{DEFAULT_HOTSPOT_CIDR, RouterEnv};
pub use worker::{
    AuditCleanup, BankingConfig, DebtJobsConfig, InactiveConfig, MessagesConfig, NoticesConfig,
    OutboxConfig, ParityConfig, RetentionConfig, RouterHealthConfig, StaleHostsConfig,
    UnapprovedConfig, UnauthorizedConfig, WaitingDhcpConfig, WalledGardenConfig, WorkerConfig,
};

use reader::Reader;

/// `DATABASE_URL` when unset: the embedded demo's SQLite file.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://./data/saring.db?mode=rwc";

/// How the process runs; production refuses unsafe defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `saring run`: one process, SQLite, simulator, console messenger, simulated payments.
    Embedded,
    /// `saring serve` / `saring worker`: real router, Redis, WhatsApp and Midtrans.
    Production,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub database_url: String,
    pub redis_url: Option<SecretString>,
    pub log: LogConfig,
    pub secrets: Secrets,
    pub auth: AuthConfig,
    pub app: AppConfig,
    pub router: RouterEnv,
    pub policy: PolicySettings,
    pub quota: QuotaConfig,
    pub payments: PaymentConfig,
    pub whatsapp: WhatsAppConfig,
    pub otp: OtpConfig,
    pub devices: DeviceConfig,
    pub grants: GrantConfig,
    /// The operator's account rules (komandan requests, deletion).
    pub accounts: KomandanConfig,
    pub portal: PortalConfig,
    pub telegram: TelegramConfig,
    pub worker: WorkerConfig,
    pub backup: BackupConfig,
    pub embedded: EmbeddedConfig,
}

/// One configuration problem, naming the variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{var}: {message}")]
pub struct ConfigError {
    pub var: String,
    pub message: String,
}

/// Where an effective value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Env,
    Alias,
    Default,
}

/// One line of `saring config check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub var: &'static str,
    /// The effective value; secrets are masked.
    pub value: String,
    pub source: Source,
    /// The alias the value was read from, if any.
    pub from: Option<String>,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Source::Env => "env",
            Source::Alias => "alias",
            Source::Default => "default",
        })
    }
}

impl Config {
    /// Reads the process environment.
    pub fn from_process_env(mode: Mode) -> Result<(Config, Vec<Entry>), Vec<ConfigError>> {
        Self::from_vars(&std::env::vars().collect(), mode)
    }

    /// Reads a variable map (tests pass their own).
    pub fn from_vars(
        vars: &HashMap<String, String>,
        mode: Mode,
    ) -> Result<(Config, Vec<Entry>), Vec<ConfigError>> {
        let mut r = Reader::new(vars);
        let config = read(&mut r, mode);
        if mode == Mode::Production {
            production_checks(&config, &mut r);
        }
        if r.errors.is_empty() {
            Ok((config, r.entries))
        } else {
            Err(r.errors)
        }
    }
}

/// Every section, in the order `saring config check` lists them.
fn read(r: &mut Reader<'_>, mode: Mode) -> Config {
    let listen = r.parsed(
        "SARING_LISTEN",
        &[],
        SocketAddr::from(([127, 0, 0, 1], 8080)),
        |s| s.parse().map_err(|_| format!("{s:?} is not host:port")),
        ToString::to_string,
    );
    let database_url = r.string("DATABASE_URL", &[], DEFAULT_DATABASE_URL);
    let redis_url = r.secret("REDIS_URL", &[]);
    let log = app::read_log(r, mode);
    let secrets = auth::read_secrets(r, mode);
    let auth = auth::read_sessions(r);
    let app = app::read(r);
    let router = router::read(r);
    let policy = policy::read_policy(r);
    let quota = policy::read_quota(r);
    let payments = payments::read(r);
    let whatsapp = messaging::read_whatsapp(r);
    let otp = auth::read_otp(r);
    let devices = devices::read(r);
    let grants = portal::read_grants(r);
    let accounts = accounts::read(r);
    let portal = portal::read(r, mode);
    let telegram = messaging::read_telegram(r);
    let worker = worker::read(r);
    let backup = backup::read(r);
    let embedded = embedded::read(r);
    Config {
        listen,
        database_url,
        redis_url,
        log,
        secrets,
        auth,
        app,
        router,
        policy,
        quota,
        payments,
        whatsapp,
        otp,
        devices,
        grants,
        accounts,
        portal,
        telegram,
        worker,
        backup,
        embedded,
    }
}

fn production_checks(c: &Config, r: &mut Reader<'_>) {
    for (var, secret) in [
        ("SECRET_KEY", &c.secrets.secret_key),
        ("JWT_SECRET_KEY", &c.secrets.jwt_secret_key),
        ("ENCRYPTION_KEY", &c.secrets.encryption_key),
    ] {
        let s = secret.expose_secret();
        if s.len() < 32 {
            r.error(var, "must be at least 32 characters in production");
        }
    }
    if c.payments.gateway == Some(PaymentGatewayKind::Simulated) {
        tracing::warn!("PAYMENT_GATEWAY=simulated in production: payments are not real");
    }
}

impl Config {
    /// The one public base URL every link is built on — payment status pages, Snap's finish
    /// page, invoice and WhatsApp links, the session hand-over URL, RFC 8908's
    /// `user-portal-url`: `APP_PUBLIC_BASE_URL`, else `FRONTEND_URL`, else in the embedded
    /// mode this server (`http://<listen address>`; `saring run` sets the address it really
    /// bound). In production without either it is empty, so links are relative
    /// (`/session/consume?…`; `saring serve` warns at start). Never taken from a request's
    /// `Host` or `X-Forwarded-Host`. No trailing slash.
    pub fn public_base_url(&self, mode: Mode) -> String {
        let configured = self
            .app
            .public_base_url
            .as_deref()
            .or(self.app.frontend_url.as_deref())
            .map(|u| u.trim().trim_end_matches('/').to_owned())
            .filter(|u| !u.is_empty());
        match (configured, mode) {
            (Some(url), _) => url,
            (None, Mode::Embedded) => format!("http://{}", self.listen),
            (None, Mode::Production) => String::new(),
        }
    }

    /// The payment gateway this process uses: the simulated one in the embedded mode unless
    /// `PAYMENT_GATEWAY` says otherwise; Midtrans in production.
    pub fn payment_gateway(&self, mode: Mode) -> PaymentGatewayKind {
        self.payments.gateway.unwrap_or(match mode {
            Mode::Embedded => PaymentGatewayKind::Simulated,
            Mode::Production => PaymentGatewayKind::Midtrans,
        })
    }
}

/// Every variable `Config` reads, with its aliases: the source of truth for the docs test.
pub fn known_variables() -> Vec<&'static str> {
    let (_, entries) = match Config::from_vars(&HashMap::new(), Mode::Embedded) {
        Ok(ok) => ok,
        Err(_) => return Vec::new(),
    };
    entries.into_iter().map(|e| e.var).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use saring_domain::quota::ExpiryStrategy;

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn defaults_are_the_reference_deployment_names() {
        let (c, entries) = Config::from_vars(&HashMap::new(), Mode::Embedded).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(c.policy.lists.active, "klient_aktif");
        assert_eq!(c.policy.profiles.blocked, "profile-blokir");
        assert_eq!(c.router.server_user, "srv-user");
        assert_eq!(c.router.port, 8728);
        assert_eq!(c.app.timezone.name(), "Asia/Makassar");
        assert_eq!(
            c.router
                .hotspot_cidrs
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            vec!["172.16.2.0/23"]
        );
        assert!(entries.iter().all(|e| e.source == Source::Default));
        assert_eq!(
            c.payment_gateway(Mode::Embedded),
            PaymentGatewayKind::Simulated
        );
        assert_eq!(
            c.payment_gateway(Mode::Production),
            PaymentGatewayKind::Midtrans
        );
    }

    #[test]
    fn aliases_and_reference_syntax() {
        let (c, entries) = Config::from_vars(
            &vars(&[
                ("MIKROTIK_USER", "api"),
                ("MIKROTIK_USE_SSL", "True"),
                ("MIKROTIK_PROFILE_FUP", "lambat"),
                (
                    "MIKROTIK_UNAUTHORIZED_CIDRS",
                    "['10.5.50.0/24', '10.6.0.9']",
                ),
                ("HOTSPOT_BYPASS_STATUSES", "[]"),
                ("QUOTA_EXPIRY_STRATEGY", "reset_from_now"),
                ("APP_TIMEZONE", "Asia/Jakarta"),
            ]),
            Mode::Embedded,
        )
        .unwrap();
        assert_eq!(c.router.username, "api");
        assert!(c.router.use_tls);
        assert_eq!(c.router.port, 8729);
        assert_eq!(c.policy.profiles.fup, "lambat");
        assert_eq!(
            c.router
                .hotspot_cidrs
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            vec!["10.5.50.0/24", "10.6.0.9/32"]
        );
        assert!(c.policy.bypass_statuses.is_empty());
        assert_eq!(c.quota.expiry_strategy, ExpiryStrategy::ResetFromNow);
        let user = entries
            .iter()
            .find(|e| e.var == "MIKROTIK_USERNAME")
            .unwrap();
        assert_eq!(
            (user.source, user.from.as_deref()),
            (Source::Alias, Some("MIKROTIK_USER"))
        );
    }

    #[test]
    fn every_problem_is_reported_with_its_variable() {
        let errors = Config::from_vars(
            &vars(&[
                ("MIKROTIK_PORT", "eighty"),
                ("MIKROTIK_USE_SSL", "maybe"),
                ("QUOTA_SYNC_INTERVAL_SECONDS", "5"),
                ("HOTSPOT_CLIENT_IP_CIDRS", "10.0.0.0/33"),
                ("APP_TIMEZONE", "Mars/Base"),
            ]),
            Mode::Embedded,
        )
        .unwrap_err();
        let names: Vec<&str> = errors.iter().map(|e| e.var.as_str()).collect();
        assert_eq!(
            names,
            [
                "APP_TIMEZONE",
                "MIKROTIK_PORT",
                "MIKROTIK_USE_SSL",
                "HOTSPOT_CLIENT_IP_CIDRS",
                "QUOTA_SYNC_INTERVAL_SECONDS"
            ]
        );
    }

    #[test]
    fn secrets_are_masked_and_production_refuses_defaults() {
        let (_, entries) = Config::from_vars(
            &vars(&[("MIKROTIK_PASSWORD", "hunter2-router")]),
            Mode::Embedded,
        )
        .unwrap();
        let printed = format!("{entries:?}");
        assert!(!printed.contains("hunter2"));
        let errors = Config::from_vars(&HashMap::new(), Mode::Production).unwrap_err();
        assert!(errors.iter().any(|e| e.var == "SECRET_KEY"));
        let strong = "x".repeat(40);
        assert!(Config::from_vars(&vars(&[("SECRET_KEY", &strong)]), Mode::Production).is_ok());
        assert!(
            Config::from_vars(
                &vars(&[("SECRET_KEY", &strong), ("JWT_SECRET_KEY", "short")]),
                Mode::Production
            )
            .is_err()
        );
        // No built-in secret: an embedded config without them gets random ones of its own.
        let a = Config::from_vars(&HashMap::new(), Mode::Embedded)
            .unwrap()
            .0;
        let b = Config::from_vars(&HashMap::new(), Mode::Embedded)
            .unwrap()
            .0;
        let key = |c: &Config| c.secrets.jwt_secret_key.expose_secret().to_owned();
        assert_ne!(key(&a), key(&b));
        assert_eq!(key(&a).len(), 64);
        assert_ne!(key(&a), "saring-dev-secret-change-me");
    }

    #[test]
    fn one_public_base_url() {
        let base = |pairs: &[(&str, &str)], mode| {
            let mut v = vars(pairs);
            v.insert("SECRET_KEY".into(), "s".repeat(40));
            Config::from_vars(&v, mode).unwrap().0.public_base_url(mode)
        };
        let both = [
            ("APP_PUBLIC_BASE_URL", "https://portal.example.net/"),
            ("FRONTEND_URL", "https://wifi.example.org"),
        ];
        for mode in [Mode::Embedded, Mode::Production] {
            assert_eq!(base(&both, mode), "https://portal.example.net");
            assert_eq!(base(&both[1..], mode), "https://wifi.example.org");
        }
        assert_eq!(
            base(&[("SARING_LISTEN", "127.0.0.1:9000")], Mode::Embedded),
            "http://127.0.0.1:9000"
        );
        assert_eq!(base(&[], Mode::Production), "", "relative links");
    }

    #[test]
    fn every_variable_the_code_reads_is_known() {
        let known = known_variables();
        for var in [
            "MIKROTIK_HOST",
            "SARING_LISTEN",
            "SARING_SIM_PASSWORD",
            "SARING_SIM_HOSTS",
            "SARING_SIM_LISTEN",
            "SARING_SIM_SEED",
            "SARING_DEMO_ADMIN_PHONE",
            "SARING_DEMO_ADMIN_PASSWORD",
            "SARING_PAY_SIM_LISTEN",
        ] {
            assert!(known.contains(&var), "{var}");
        }
    }

    #[test]
    fn the_embedded_section_parses_its_values() {
        let (c, _) = Config::from_vars(
            &vars(&[
                ("SARING_SIM_HOSTS", "7"),
                ("SARING_SIM_SEED", "9"),
                ("SARING_DEMO_ADMIN_PHONE", "0812-3456-7890"),
            ]),
            Mode::Embedded,
        )
        .unwrap();
        assert_eq!((c.embedded.sim_hosts, c.embedded.sim_seed), (7, 9));
        assert_eq!(c.embedded.sim_listen, "127.0.0.1:0");
        assert_eq!(c.payments.simulator_listen, "127.0.0.1:0");
        assert_eq!(
            c.embedded.demo_admin_phone.map(|p| p.local()).as_deref(),
            Some("081234567890")
        );
        let errors = Config::from_vars(
            &vars(&[
                ("SARING_SIM_HOSTS", "many"),
                ("SARING_DEMO_ADMIN_PHONE", "x"),
            ]),
            Mode::Embedded,
        )
        .unwrap_err();
        let names: Vec<&str> = errors.iter().map(|e| e.var.as_str()).collect();
        assert_eq!(names, ["SARING_SIM_HOSTS", "SARING_DEMO_ADMIN_PHONE"]);
    }
}
