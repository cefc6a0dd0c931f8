//! Configuration from environment variables.
//!
//! Names follow the reference's `.env` wherever it has one (`DATABASE_URL`, `JWT_SECRET_KEY`,
//! `APP_TIMEZONE`, `MIKROTIK_*`, `MIDTRANS_*`…), and its alternative spellings are accepted
//! as aliases (`MIKROTIK_USER` for `MIKROTIK_USERNAME`, `MIKROTIK_PROFILE_*` for
//! `MIKROTIK_*_PROFILE`…). Every variable is declared once, here, with its default; the same
//! declarations produce `saring config check`'s report, and a test keeps
//! `docs/configuration.md` and `.env.example` in step with them.
//!
//! Booleans accept `true/false/1/0/yes/no/on/off` (any case); lists accept CSV or the
//! reference's Python-style `['a', 'b']`. Every problem is reported at once, naming the
//! variable.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::net::SocketAddr;
use std::str::FromStr;

use ipnet::IpNet;
use saring_domain::AppTz;
use saring_domain::access::{PolicySettings, ProfileNames, StatusNames, parse_status_set};
use saring_domain::quota::ExpiryStrategy;
use secrecy::{ExposeSecret, SecretString};

/// `DATABASE_URL` when unset: the embedded demo's SQLite file.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://./data/saring.db?mode=rwc";

/// 32 random bytes, hex: a secret nobody else knows. The embedded mode's stand-in for an
/// unset secret (`saring run` keeps its own in `<data dir>/secrets.json`, see
/// [`crate::embedded::secrets`]); there is no built-in default secret any more.
pub fn random_secret() -> SecretString {
    let bytes: [u8; 32] = rand::random();
    SecretString::from(hex::encode(bytes))
}

/// How the process runs; production refuses unsafe defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `saring run`: one process, SQLite, simulator, console messenger, simulated payments.
    Embedded,
    /// `saring serve` / `saring worker`: real router, Redis, WhatsApp and Midtrans.
    Production,
}

/// Which payment gateway to talk to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentGatewayKind {
    Midtrans,
    Simulated,
}

/// Midtrans Snap (hosted page) or Core API (our own QR/VA page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderMode {
    Snap,
    CoreApi,
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
    pub komandan: KomandanConfig,
    pub portal: PortalConfig,
    pub telegram: TelegramConfig,
    pub worker: WorkerConfig,
}

/// What a komandan may request, and how often (`KOMANDAN_*`).
#[derive(Debug, Clone)]
pub struct KomandanConfig {
    pub max_quota_mb: i64,
    pub max_quota_days: i64,
    pub max_unlimited_days: i64,
    pub allow_unlimited_request: bool,
    /// At most `max_per_window` requests in `window_hours`…
    pub window_hours: i64,
    pub max_per_window: u64,
    /// …and none within `cooldown_hours` of the last.
    pub cooldown_hours: i64,
}

#[derive(Debug, Clone)]
pub struct OtpConfig {
    pub expire_seconds: u64,
    pub cooldown_seconds: u64,
    pub verify_max_attempts: u64,
    pub verify_window_seconds: u64,
    /// A code accepted for every user — honoured only by `saring run` (embedded mode).
    pub bypass_code: Option<SecretString>,
    pub session_token_seconds: u64,
    pub status_token_seconds: i64,
    /// OTP requests one address may make across all numbers (`OTP_REQUEST_PER_IP_PER_*`).
    pub request_per_ip_per_minute: u64,
    pub request_per_ip_per_hour: u64,
    /// OTP messages the whole install may send (`OTP_GLOBAL_SENDS_PER_*`): a budget that keeps
    /// the WhatsApp sender from being used as a spam cannon.
    pub global_sends_per_minute: u64,
    pub global_sends_per_hour: u64,
    /// Wrong codes for one number, from all sources together, after which the code is void
    /// (`OTP_CODE_MAX_FAILURES`). Each source also has its own limit (`OTP_VERIFY_MAX_ATTEMPTS`
    /// per `OTP_VERIFY_WINDOW_SECONDS`), so a stranger cannot lock someone else out.
    pub code_max_failures: u64,
}

#[derive(Debug, Clone)]
pub struct DeviceConfig {
    pub max_per_user: u32,
    /// The quota sync enrols a MAC whose ip-binding comment names an account (`uid=<id>`,
    /// e.g. written by the reference or by an admin on the router) as that account's device,
    /// within `max_per_user`.
    pub auto_enroll_from_bindings: bool,
    /// Minimum minutes between two replacements of a randomized-MAC device (0 = no limit).
    pub change_cooldown_minutes: i64,
    /// Hosts the hotspot's `link_login_only` may point at.
    pub trusted_login_hosts: Vec<String>,
    /// `DEVICE_STALE_DAYS`: devices unseen this long are removed (0: never).
    pub stale_days: i64,
    /// `DEVICE_CREDENTIAL_DAYS`: how long a browser may log in again from its device without a
    /// code (the device credential issued at an OTP login).
    pub credential_days: i64,
    /// `CAPTIVE_ADDRESS_CHECK`: whether a captive context must name the caller's own address.
    pub address_check: AddressCheck,
}

/// How the address a captive context names is checked against the caller's own address
/// (`docs/security.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressCheck {
    /// A caller inside a hotspot range must name its own address; callers from elsewhere (the
    /// portal behind the router's NAT) are believed only for what needs no proof.
    Auto,
    /// Every captive context must name the caller's own address (the portal sees each
    /// device's address directly).
    Strict,
}

/// Quota and days granted when an account is approved.
#[derive(Debug, Clone)]
pub struct GrantConfig {
    pub user_initial_quota_mb: i64,
    pub user_initial_days: i64,
    pub komandan_initial_quota_mb: i64,
    pub komandan_initial_days: i64,
    pub admin_initial_days: i64,
}

#[derive(Debug, Clone)]
pub struct PortalConfig {
    pub admin_whatsapp: Option<String>,
    pub blok_options: Vec<String>,
    pub kamar_options: Vec<String>,
    pub tamping_options: Vec<String>,
    pub maintenance_message: String,
    /// Origins allowed to send cookie-authenticated writes (besides the portal's own).
    pub csrf_trusted_origins: Vec<String>,
    /// `Secure` flag on auth cookies (default: on for `saring serve`).
    pub cookie_secure: bool,
    /// Reverse proxies whose `X-Forwarded-For` is believed (loopback always is).
    pub trusted_proxies: Vec<IpNet>,
}

#[derive(Debug, Clone)]
pub struct TelegramConfig {
    pub bot_token: Option<SecretString>,
    pub bot_username: Option<String>,
    pub webhook_secret: Option<SecretString>,
    pub api_base_url: String,
}

/// The worker's schedules, notices and limits (`docs/worker.md`).
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// `JOB_MAX_RETRIES`: retries of a job run after a transient (router/network) failure.
    pub job_max_retries: u32,
    pub whatsapp_rate_per_target: u64,
    pub whatsapp_rate_global: u64,
    pub quota_notify_remaining_mb: Vec<i64>,
    pub quota_expiry_notify_days: Vec<i64>,
    pub telegram_admin_chat_ids: Vec<String>,
    pub router_health_interval_seconds: u64,
    pub router_down_alert_minutes: i64,
    pub outbox_interval_seconds: u64,
    pub debt_eom_block_min_hour: u32,
    /// `UNAPPROVED_AUTO_DELETE_DAYS`: pending or rejected registrations older than this are
    /// deleted (0: never).
    pub unapproved_delete_days: i64,
    /// Account lifecycle: deactivate after `INACTIVE_DEACTIVATE_DAYS` without activity (when
    /// `INACTIVE_DEACTIVATE_ENABLED`), warn at `INACTIVE_PRE_DELETE_WARNING_DAYS` and delete at
    /// `INACTIVE_DELETE_DAYS` (when `INACTIVE_AUTO_DELETE_ENABLED`), at most
    /// `INACTIVE_DELETE_MAX_PER_RUN` deletions a run.
    pub inactive: InactiveConfig,
    pub overdue_debt_block_enabled: bool,
    pub overdue_debt_block_hour: u32,
    pub overdue_debt_block_minute: u32,
    pub ledger_retention_days: i64,
    pub job_log_retention_days: i64,
    pub walled_garden_enabled: bool,
    pub walled_garden_allowed_hosts: Vec<String>,
    pub walled_garden_interval_minutes: u64,
    pub walled_garden_comment_prefix: String,
    pub unauthorized_sync_enabled: bool,
    pub unauthorized_sync_interval_seconds: u64,
    pub unauthorized_timeout: String,
    /// Banking bypass: bank hosts resolved to IPv4 and kept in an address list the router's
    /// firewall lets through without login (`AKSES_BANKING_*`).
    pub banking_enabled: bool,
    pub banking_domains: Vec<String>,
    pub banking_list: String,
    pub banking_hour: u32,
    pub banking_minute: u32,
    /// Policy parity guard: a read-only DB-vs-router report every
    /// `POLICY_PARITY_GUARD_INTERVAL_SECONDS`, repairing at most
    /// `POLICY_PARITY_AUTO_REMEDIATION_MAX_USERS` users a run when auto-remediation is on.
    pub parity_enabled: bool,
    pub parity_interval_seconds: u64,
    pub parity_repair_enabled: bool,
    pub parity_repair_max_users: usize,
    /// Foreign hotspot host rows (MAC roaming): removed when idle this long.
    pub stale_hosts_enabled: bool,
    pub stale_hosts_interval_seconds: u64,
    pub stale_hosts_min_idle_seconds: i64,
    /// Waiting DHCP leases we created (comment keyword) unseen this long are removed with
    /// their ARP row.
    pub waiting_dhcp_enabled: bool,
    pub waiting_dhcp_interval_seconds: u64,
    pub waiting_dhcp_keyword: String,
    pub waiting_dhcp_min_last_seen_seconds: i64,
    /// What the nightly router audit may remove (`MIKROTIK_AUDIT_AUTO_CLEANUP_*`, all off by
    /// default, and only on routers this install has adopted): otherwise it reports.
    pub audit_cleanup: AuditCleanup,
}

/// The nightly audit's removal switches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AuditCleanup {
    /// ip-bindings whose `uid=` names no account.
    pub orphaned_bindings: bool,
    /// status-list entries whose `uid=` names no account (the reference's name).
    pub orphaned_lists: bool,
    /// hotspot users whose `uid=` names no account.
    pub orphaned_users: bool,
    /// blocked-list entries of accounts no longer blocked (the reference's name).
    pub stale_blocked: bool,
}

#[derive(Debug, Clone)]
pub struct InactiveConfig {
    pub deactivate_enabled: bool,
    pub deactivate_days: i64,
    pub delete_enabled: bool,
    pub warning_days: i64,
    pub delete_days: i64,
    pub delete_max_per_run: usize,
}

#[derive(Debug, Clone)]
pub struct LogConfig {
    pub level: String,
    pub json: bool,
}

#[derive(Debug, Clone)]
pub struct Secrets {
    /// Signs status-page and temporary-link tokens.
    pub secret_key: SecretString,
    /// Signs access JWTs (HS256).
    pub jwt_secret_key: SecretString,
    /// Encrypts secret settings and router passwords at rest.
    pub encryption_key: SecretString,
}

#[derive(Debug, Clone)]
pub struct AuthConfig {
    pub access_token_minutes: i64,
    pub refresh_token_days: i64,
    pub refresh_reuse_grace_seconds: i64,
}

#[derive(Debug, Clone)]
pub struct AppConfig {
    /// `ALLOW_USER_HARD_DELETE`: deleting an account removes it (when it has no payments);
    /// otherwise it is deactivated.
    pub allow_user_hard_delete: bool,
    pub name: String,
    pub timezone: AppTz,
    pub public_base_url: Option<String>,
    pub frontend_url: Option<String>,
    pub demo_admin_password: Option<SecretString>,
}

/// The router named by `MIKROTIK_*` (upserted as the router called `default` at start).
#[derive(Debug, Clone)]
pub struct RouterEnv {
    pub host: Option<String>,
    pub port: u16,
    pub username: String,
    pub password: SecretString,
    pub use_tls: bool,
    pub tls_verify: bool,
    /// PEM file of the CA that signed the router's certificate.
    pub tls_ca_file: Option<String>,
    /// SHA-256 of the router's certificate (hex, colons allowed), to pin it.
    pub tls_fingerprint: Option<String>,
    pub connect_timeout_seconds: u64,
    pub operations_enabled: bool,
    pub server_user: String,
    pub server_komandan: String,
    pub hotspot_cidrs: Vec<IpNet>,
    pub send_limit_bytes_total: bool,
    pub send_session_timeout: bool,
    pub dhcp_static_lease_enabled: bool,
    pub dhcp_lease_server_name: Option<String>,
}

#[derive(Debug, Clone)]
pub struct QuotaConfig {
    pub expiry_strategy: ExpiryStrategy,
    pub debt_limit_mb: i64,
    pub sync_interval_seconds: u64,
}

#[derive(Debug, Clone)]
pub struct PaymentConfig {
    pub gateway: Option<PaymentGatewayKind>,
    pub provider_mode: ProviderMode,
    pub server_key: Option<SecretString>,
    pub client_key: Option<String>,
    pub is_production: bool,
    /// `MIDTRANS_DEFAULT_EXPIRY_MINUTES`: the payment window of a new order.
    pub expiry_minutes: u32,
    /// Core API methods offered (`qris`, `gopay`, `shopeepay`, `va`).
    pub enabled_methods: Vec<String>,
    /// Core API VA banks offered (`bca`, `bni`, `bri`, `mandiri`, `permata`, `cimb`).
    pub enabled_va_banks: Vec<String>,
    pub order_id_prefix: String,
    pub debt_order_id_prefix: String,
    pub admin_bill_order_id_prefix: String,
    /// How long a public status link (`?t=`) stays valid.
    pub status_token_max_age_seconds: i64,
    /// How long the temporary invoice link sent by WhatsApp stays valid.
    pub invoice_link_max_age_seconds: i64,
    /// Minutes after its expiry time before an unpaid order is expired locally.
    pub expire_grace_minutes: i64,
    pub http_timeout_seconds: u64,
    /// `X-Override-Notification` on every charge (tunnels, staging).
    pub notification_url_override: Option<String>,
    /// Shown when payments are closed (circuit open).
    pub unavailable_message: String,
    /// `MIDTRANS_CONFIRM_NOTIFICATIONS`: a webhook that would mark an order paid is applied
    /// only as Midtrans' status API confirms it (the signature does not cover the status).
    pub confirm_notifications: bool,
    /// The key of the simulated gateway when `MIDTRANS_SERVER_KEY` is unset: not a variable;
    /// `saring run` sets it from its data directory's secrets. `None`: a random key for this
    /// process.
    pub simulator_server_key: Option<SecretString>,
}

#[derive(Debug, Clone)]
pub struct WhatsAppConfig {
    pub enabled: bool,
    pub api_url: String,
    pub api_key: Option<SecretString>,
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

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Source::Env => "env",
            Source::Alias => "alias",
            Source::Default => "default",
        })
    }
}

/// Reads typed values and remembers what it read.
struct Reader<'a> {
    vars: &'a HashMap<String, String>,
    entries: Vec<Entry>,
    errors: Vec<ConfigError>,
}

impl<'a> Reader<'a> {
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

    fn error(&mut self, var: &str, message: impl Into<String>) {
        self.errors.push(ConfigError {
            var: var.to_owned(),
            message: message.into(),
        });
    }

    fn parsed<T>(
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

    fn string(&mut self, var: &'static str, aliases: &[&'static str], default: &str) -> String {
        self.parsed(
            var,
            aliases,
            default.to_owned(),
            |s| Ok(s.to_owned()),
            Clone::clone,
        )
    }

    fn opt_string(&mut self, var: &'static str, aliases: &[&'static str]) -> Option<String> {
        self.parsed(
            var,
            aliases,
            None,
            |s| Ok(Some(s.to_owned())),
            |v| v.clone().unwrap_or_else(|| "(unset)".into()),
        )
    }

    fn secret(&mut self, var: &'static str, aliases: &[&'static str]) -> Option<SecretString> {
        self.parsed(
            var,
            aliases,
            None,
            |s| Ok(Some(SecretString::from(s.to_owned()))),
            |v| mask(v.as_ref()),
        )
    }

    fn bool(&mut self, var: &'static str, aliases: &[&'static str], default: bool) -> bool {
        self.parsed(var, aliases, default, parse_bool, |b| b.to_string())
    }

    fn list(&mut self, var: &'static str, default: &[&str]) -> Vec<String> {
        let default = default.iter().map(|s| (*s).to_owned()).collect();
        self.parsed(
            var,
            &[],
            default,
            |s| Ok(parse_list(s)),
            |v: &Vec<String>| v.join(","),
        )
    }

    fn int<T: FromStr + fmt::Display + PartialOrd + Copy>(
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

fn parse_cidrs(s: &str) -> Result<Vec<IpNet>, String> {
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

fn show_list<T: fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// The hotspot range of the embedded simulator, also the default `HOTSPOT_CLIENT_IP_CIDRS`.
pub const DEFAULT_HOTSPOT_CIDR: &str = "172.16.2.0/23";

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
        let mut r = Reader {
            vars,
            entries: Vec::new(),
            errors: Vec::new(),
        };
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
    let log = LogConfig {
        level: r.string("LOG_LEVEL", &["RUST_LOG"], "info"),
        json: r.bool("LOG_FORMAT_JSON", &[], mode == Mode::Production),
    };

    // Unset secrets: refused in production (`production_checks`); in the embedded mode a
    // random one for this process (`saring run` passes its data directory's own).
    let secret_key = r.secret("SECRET_KEY", &[]);
    let jwt_secret_key = r.secret("JWT_SECRET_KEY", &[]);
    let encryption_key = r.secret("ENCRYPTION_KEY", &[]);
    if mode == Mode::Production && secret_key.is_none() {
        r.error("SECRET_KEY", "must be set in production");
    }
    let secret_key = secret_key.unwrap_or_else(random_secret);
    let secrets = Secrets {
        jwt_secret_key: jwt_secret_key.unwrap_or_else(|| secret_key.clone()),
        encryption_key: encryption_key.unwrap_or_else(|| secret_key.clone()),
        secret_key,
    };
    let auth = AuthConfig {
        access_token_minutes: r.int("JWT_ACCESS_TOKEN_EXPIRES_MINUTES", &[], 30, 1, 24 * 60),
        refresh_token_days: r.int("REFRESH_TOKEN_EXPIRES_DAYS", &[], 30, 1, 365),
        refresh_reuse_grace_seconds: r.int("REFRESH_TOKEN_REUSE_GRACE_SECONDS", &[], 5, 0, 60),
    };
    let app = AppConfig {
        allow_user_hard_delete: r.bool("ALLOW_USER_HARD_DELETE", &[], false),
        name: r.string("APP_NAME", &[], "Saring Hotspot"),
        timezone: r.parsed(
            "APP_TIMEZONE",
            &[],
            AppTz::default(),
            |s| {
                s.parse()
                    .map_err(|e: saring_domain::time::UnknownTimezone| e.to_string())
            },
            ToString::to_string,
        ),
        public_base_url: r.opt_string("APP_PUBLIC_BASE_URL", &[]),
        frontend_url: r.opt_string("FRONTEND_URL", &["APP_LINK_USER"]),
        demo_admin_password: r.secret("SARING_DEMO_ADMIN_PASSWORD", &[]),
    };
    let default_cidrs = parse_cidrs(DEFAULT_HOTSPOT_CIDR).unwrap_or_default();
    let router = RouterEnv {
        host: r.opt_string("MIKROTIK_HOST", &[]),
        port: r.parsed(
            "MIKROTIK_PORT",
            &[],
            0u16,
            |s| {
                s.parse::<u16>()
                    .ok()
                    .filter(|p| *p > 0)
                    .ok_or_else(|| format!("{s:?} is not a port (1-65535)"))
            },
            |p| {
                if *p == 0 {
                    "8728 (8729 with MIKROTIK_USE_SSL)".into()
                } else {
                    p.to_string()
                }
            },
        ),
        username: r.string("MIKROTIK_USERNAME", &["MIKROTIK_USER"], "admin"),
        password: r
            .secret("MIKROTIK_PASSWORD", &[])
            .unwrap_or_else(|| SecretString::from(String::new())),
        use_tls: r.bool("MIKROTIK_USE_SSL", &["MIKROTIK_USE_TLS"], false),
        tls_verify: r.bool("MIKROTIK_SSL_VERIFY", &[], true),
        tls_ca_file: r.opt_string("MIKROTIK_SSL_CA_FILE", &[]),
        tls_fingerprint: r.opt_string("MIKROTIK_SSL_FINGERPRINT", &[]),
        connect_timeout_seconds: r.int("MIKROTIK_CONNECT_TIMEOUT_SECONDS", &[], 10, 1, 120),
        operations_enabled: r.bool("ENABLE_MIKROTIK_OPERATIONS", &[], true),
        server_user: r.string("MIKROTIK_DEFAULT_SERVER_USER", &[], "srv-user"),
        server_komandan: r.string("MIKROTIK_DEFAULT_SERVER_KOMANDAN", &[], "srv-komandan"),
        hotspot_cidrs: r.parsed(
            "HOTSPOT_CLIENT_IP_CIDRS",
            &["MIKROTIK_UNAUTHORIZED_CIDRS"],
            default_cidrs,
            parse_cidrs,
            |v| show_list(v),
        ),
        send_limit_bytes_total: r.bool("MIKROTIK_SEND_LIMIT_BYTES_TOTAL", &[], true),
        send_session_timeout: r.bool("MIKROTIK_SEND_SESSION_TIMEOUT", &[], true),
        dhcp_static_lease_enabled: r.bool("MIKROTIK_DHCP_STATIC_LEASE_ENABLED", &[], false),
        dhcp_lease_server_name: r.opt_string("MIKROTIK_DHCP_LEASE_SERVER_NAME", &[]),
    };
    let router = RouterEnv {
        port: if router.port == 0 {
            if router.use_tls { 8729 } else { 8728 }
        } else {
            router.port
        },
        ..router
    };

    let lists = StatusNames::default();
    let profiles = ProfileNames::default();
    let policy = PolicySettings {
        fup_threshold_mb: r.int("QUOTA_FUP_THRESHOLD_MB", &[], 3072, 0, 10_000_000),
        lists: StatusNames {
            active: r.string("MIKROTIK_ADDRESS_LIST_ACTIVE", &[], &lists.active),
            fup: r.string("MIKROTIK_ADDRESS_LIST_FUP", &[], &lists.fup),
            habis: r.string("MIKROTIK_ADDRESS_LIST_HABIS", &[], &lists.habis),
            expired: r.string("MIKROTIK_ADDRESS_LIST_EXPIRED", &[], &lists.expired),
            inactive: r.string("MIKROTIK_ADDRESS_LIST_INACTIVE", &[], &lists.inactive),
            blocked: r.string("MIKROTIK_ADDRESS_LIST_BLOCKED", &[], &lists.blocked),
            unauthorized: r.string(
                "MIKROTIK_ADDRESS_LIST_UNAUTHORIZED",
                &[],
                &lists.unauthorized,
            ),
        },
        profiles: ProfileNames {
            active: r.string(
                "MIKROTIK_ACTIVE_PROFILE",
                &["MIKROTIK_PROFILE_ACTIVE", "MIKROTIK_DEFAULT_PROFILE"],
                &profiles.active,
            ),
            fup: r.string(
                "MIKROTIK_FUP_PROFILE",
                &["MIKROTIK_PROFILE_FUP"],
                &profiles.fup,
            ),
            habis: r.string(
                "MIKROTIK_HABIS_PROFILE",
                &["MIKROTIK_PROFILE_HABIS"],
                &profiles.habis,
            ),
            expired: r.string(
                "MIKROTIK_EXPIRED_PROFILE",
                &["MIKROTIK_PROFILE_EXPIRED"],
                &profiles.expired,
            ),
            unlimited: r.string(
                "MIKROTIK_UNLIMITED_PROFILE",
                &["MIKROTIK_PROFILE_UNLIMITED"],
                &profiles.unlimited,
            ),
            blocked: r.string(
                "MIKROTIK_BLOCKED_PROFILE",
                &["MIKROTIK_PROFILE_BLOCKED"],
                &profiles.blocked,
            ),
            inactive: r.string(
                "MIKROTIK_INACTIVE_PROFILE",
                &["MIKROTIK_PROFILE_INACTIVE", "MIKROTIK_BLOCKED_PROFILE"],
                &profiles.inactive,
            ),
        },
        bypass_statuses: r.parsed(
            "HOTSPOT_BYPASS_STATUSES",
            &[],
            saring_domain::access::default_bypass_statuses(),
            |s| parse_status_set(s).map_err(|e| e.to_string()),
            |set: &BTreeSet<_>| show_list(&set.iter().collect::<Vec<_>>()),
        ),
    };
    let quota = QuotaConfig {
        expiry_strategy: r.parsed(
            "QUOTA_EXPIRY_STRATEGY",
            &[],
            ExpiryStrategy::default(),
            |s| {
                s.parse()
                    .map_err(|e: saring_domain::quota::UnknownStrategy| e.to_string())
            },
            ToString::to_string,
        ),
        debt_limit_mb: r.int("QUOTA_DEBT_LIMIT_MB", &[], 0, 0, 10_000_000),
        sync_interval_seconds: r.int("QUOTA_SYNC_INTERVAL_SECONDS", &[], 300, 60, 86_400),
    };
    let payments = PaymentConfig {
        gateway: r.parsed(
            "PAYMENT_GATEWAY",
            &[],
            None,
            |s| match s.to_ascii_lowercase().as_str() {
                "midtrans" => Ok(Some(PaymentGatewayKind::Midtrans)),
                "simulated" => Ok(Some(PaymentGatewayKind::Simulated)),
                _ => Err(format!("{s:?}: use midtrans or simulated")),
            },
            |v| match v {
                None => "(simulated for `saring run`, midtrans for `saring serve`)".into(),
                Some(PaymentGatewayKind::Midtrans) => "midtrans".into(),
                Some(PaymentGatewayKind::Simulated) => "simulated".into(),
            },
        ),
        provider_mode: r.parsed(
            "PAYMENT_PROVIDER_MODE",
            &[],
            ProviderMode::Snap,
            |s| match s.to_ascii_lowercase().as_str() {
                "snap" => Ok(ProviderMode::Snap),
                "core_api" | "core" => Ok(ProviderMode::CoreApi),
                _ => Err(format!("{s:?}: use snap or core_api")),
            },
            |m| {
                if *m == ProviderMode::Snap {
                    "snap".into()
                } else {
                    "core_api".into()
                }
            },
        ),
        server_key: r.secret("MIDTRANS_SERVER_KEY", &[]),
        client_key: r.opt_string("MIDTRANS_CLIENT_KEY", &[]),
        is_production: r.bool("MIDTRANS_IS_PRODUCTION", &[], false),
        expiry_minutes: r.int("MIDTRANS_DEFAULT_EXPIRY_MINUTES", &[], 15, 5, 24 * 60),
        enabled_methods: r.list(
            "CORE_API_ENABLED_PAYMENT_METHODS",
            &["qris", "gopay", "shopeepay", "va"],
        ),
        enabled_va_banks: r.list(
            "CORE_API_ENABLED_VA_BANKS",
            &["bca", "bni", "bri", "mandiri", "permata", "cimb"],
        ),
        order_id_prefix: r.string("MIDTRANS_ORDER_ID_PREFIX", &[], "BD-LPSR"),
        debt_order_id_prefix: r.string("DEBT_ORDER_ID_PREFIX", &[], "DEBT"),
        admin_bill_order_id_prefix: r.string("ADMIN_BILL_ORDER_ID_PREFIX", &[], "BD-LPSR"),
        status_token_max_age_seconds: r.int(
            "TRANSACTION_STATUS_TOKEN_MAX_AGE_SECONDS",
            &[],
            7 * 24 * 3600,
            300,
            30 * 24 * 3600,
        ),
        invoice_link_max_age_seconds: r.int(
            "INVOICE_LINK_MAX_AGE_SECONDS",
            &[],
            7 * 24 * 3600,
            300,
            90 * 24 * 3600,
        ),
        expire_grace_minutes: r.int("TRANSACTION_EXPIRE_GRACE_MINUTES", &[], 5, 0, 24 * 60),
        http_timeout_seconds: r.int("MIDTRANS_HTTP_TIMEOUT_SECONDS", &[], 15, 1, 120),
        notification_url_override: r.opt_string("MIDTRANS_NOTIFICATION_URL_OVERRIDE", &[]),
        confirm_notifications: r.bool("MIDTRANS_CONFIRM_NOTIFICATIONS", &[], true),
        simulator_server_key: None,
        unavailable_message: r.string(
            "PAYMENT_GATEWAY_UNAVAILABLE_MESSAGE",
            &[],
            "Pembayaran sedang tidak tersedia karena gangguan di penyedia pembayaran. Silakan coba beberapa saat lagi.",
        ),
    };
    let whatsapp = WhatsAppConfig {
        enabled: r.bool("ENABLE_WHATSAPP_NOTIFICATIONS", &[], true),
        api_url: r.string("WHATSAPP_API_URL", &[], "https://api.fonnte.com/send"),
        api_key: r.secret("WHATSAPP_API_KEY", &[]),
    };
    let otp = OtpConfig {
        expire_seconds: r.int("OTP_EXPIRE_SECONDS", &[], 300, 60, 3600),
        cooldown_seconds: r.int("OTP_REQUEST_COOLDOWN_SECONDS", &[], 60, 0, 3600),
        verify_max_attempts: r.int("OTP_VERIFY_MAX_ATTEMPTS", &[], 5, 1, 100),
        verify_window_seconds: r.int("OTP_VERIFY_WINDOW_SECONDS", &[], 300, 60, 86_400),
        bypass_code: r.secret("OTP_BYPASS_CODE", &[]),
        session_token_seconds: r.int("SESSION_TOKEN_EXPIRE_SECONDS", &[], 120, 10, 3600),
        status_token_seconds: r.int("STATUS_PAGE_TOKEN_MAX_AGE_SECONDS", &[], 300, 30, 86_400),
        request_per_ip_per_minute: r.int("OTP_REQUEST_PER_IP_PER_MINUTE", &[], 20, 1, 100_000),
        request_per_ip_per_hour: r.int("OTP_REQUEST_PER_IP_PER_HOUR", &[], 200, 1, 1_000_000),
        global_sends_per_minute: r.int("OTP_GLOBAL_SENDS_PER_MINUTE", &[], 60, 1, 100_000),
        global_sends_per_hour: r.int("OTP_GLOBAL_SENDS_PER_HOUR", &[], 1000, 1, 1_000_000),
        code_max_failures: r.int("OTP_CODE_MAX_FAILURES", &[], 20, 1, 1000),
    };
    let devices = DeviceConfig {
        max_per_user: r.int("MAX_DEVICES_PER_USER", &[], 3, 1, 50),
        auto_enroll_from_bindings: r.bool("AUTO_ENROLL_DEVICES_FROM_IP_BINDING", &[], true),
        change_cooldown_minutes: r.int("DEVICE_CHANGE_COOLDOWN_MINUTES", &[], 0, 0, 7 * 24 * 60),
        stale_days: r.int("DEVICE_STALE_DAYS", &[], 30, 0, 3650),
        credential_days: r.int("DEVICE_CREDENTIAL_DAYS", &[], 90, 1, 365),
        address_check: r.parsed(
            "CAPTIVE_ADDRESS_CHECK",
            &[],
            AddressCheck::Auto,
            |s| match s.trim().to_ascii_lowercase().as_str() {
                "auto" => Ok(AddressCheck::Auto),
                "strict" => Ok(AddressCheck::Strict),
                other => Err(format!("{other:?}: expected auto or strict")),
            },
            |v| match v {
                AddressCheck::Auto => "auto".into(),
                AddressCheck::Strict => "strict".into(),
            },
        ),
        trusted_login_hosts: r.parsed(
            "HOTSPOT_TRUSTED_LOGIN_HOSTS",
            &[],
            vec!["login.home.arpa".to_owned()],
            |s| {
                Ok(parse_list(s)
                    .into_iter()
                    .map(|h| h.to_ascii_lowercase())
                    .collect())
            },
            |v| v.join(","),
        ),
    };
    let komandan = KomandanConfig {
        max_quota_mb: r.int("KOMANDAN_MAX_QUOTA_MB", &[], 51_200, 1, 10_000_000),
        max_quota_days: r.int("KOMANDAN_MAX_QUOTA_DAYS", &[], 30, 1, 3650),
        max_unlimited_days: r.int("KOMANDAN_MAX_UNLIMITED_DAYS", &[], 30, 1, 3650),
        allow_unlimited_request: r.bool("KOMANDAN_ALLOW_UNLIMITED_REQUEST", &[], true),
        window_hours: r.int("KOMANDAN_REQUEST_WINDOW_HOURS", &[], 24, 1, 24 * 31),
        max_per_window: r.int("KOMANDAN_REQUEST_MAX_PER_WINDOW", &[], 1, 1, 100),
        cooldown_hours: r.int("KOMANDAN_REQUEST_COOLDOWN_HOURS", &[], 6, 0, 24 * 31),
    };
    let grants = GrantConfig {
        user_initial_quota_mb: r.int("USER_INITIAL_QUOTA_MB", &[], 0, 0, 10_000_000),
        user_initial_days: r.int("USER_INITIAL_DURATION_DAYS", &[], 30, 0, 3650),
        komandan_initial_quota_mb: r.int("KOMANDAN_INITIAL_QUOTA_MB", &[], 5120, 0, 10_000_000),
        komandan_initial_days: r.int("KOMANDAN_INITIAL_DURATION_DAYS", &[], 30, 0, 3650),
        admin_initial_days: r.int("ADMIN_INITIAL_DURATION_DAYS", &[], 365, 0, 36_500),
    };
    let portal = PortalConfig {
        admin_whatsapp: r.opt_string("ADMIN_WHATSAPP", &["NUXT_PUBLIC_ADMIN_WHATSAPP"]),
        blok_options: r.list("BLOK_OPTIONS", &["A", "B", "C", "D", "E", "F"]),
        kamar_options: r.list(
            "KAMAR_OPTIONS",
            &[
                "Kamar_1", "Kamar_2", "Kamar_3", "Kamar_4", "Kamar_5", "Kamar_6",
            ],
        ),
        tamping_options: r.list(
            "TAMPING_OPTIONS",
            &[
                "Tamping Dapur",
                "Tamping Kebersihan",
                "Tamping Kantor",
                "Tamping Masjid",
                "Tamping Perpustakaan",
                "Tamping Lainnya",
            ],
        ),
        maintenance_message: r.string(
            "MAINTENANCE_MODE_MESSAGE",
            &[],
            "Layanan sedang dalam pemeliharaan dan akan kembali sebentar lagi.",
        ),
        csrf_trusted_origins: r.list("CSRF_TRUSTED_ORIGINS", &[]),
        cookie_secure: r.bool("AUTH_COOKIE_SECURE", &[], mode == Mode::Production),
        trusted_proxies: r.parsed("TRUSTED_PROXY_CIDRS", &[], Vec::new(), parse_cidrs, |v| {
            show_list(v)
        }),
    };
    let telegram = TelegramConfig {
        bot_token: r.secret("TELEGRAM_BOT_TOKEN", &[]),
        bot_username: r.opt_string("TELEGRAM_BOT_USERNAME", &[]),
        webhook_secret: r.secret("TELEGRAM_WEBHOOK_SECRET", &[]),
        api_base_url: r.string("TELEGRAM_API_BASE_URL", &[], "https://api.telegram.org"),
    };
    let int_list = |r: &mut Reader<'_>, var: &'static str, default: &[i64]| {
        r.parsed(
            var,
            &[],
            default.to_vec(),
            parse_int_list,
            |v: &Vec<i64>| show_list(v),
        )
    };
    let worker = WorkerConfig {
        job_max_retries: r.int("JOB_MAX_RETRIES", &[], 2, 0, 10),
        whatsapp_rate_per_target: r.int("WHATSAPP_RATE_LIMIT_PER_TARGET", &[], 3, 1, 1000),
        whatsapp_rate_global: r.int("WHATSAPP_RATE_LIMIT_GLOBAL", &[], 120, 1, 100_000),
        quota_notify_remaining_mb: int_list(r, "QUOTA_NOTIFY_REMAINING_MB", &[500]),
        quota_expiry_notify_days: int_list(r, "QUOTA_EXPIRY_NOTIFY_DAYS", &[7, 3, 1]),
        telegram_admin_chat_ids: r.list("TELEGRAM_ADMIN_CHAT_IDS", &[]),
        router_health_interval_seconds: r.int("ROUTER_HEALTH_INTERVAL_SECONDS", &[], 60, 10, 3600),
        router_down_alert_minutes: r.int("ROUTER_DOWN_ALERT_MINUTES", &[], 10, 1, 1440),
        outbox_interval_seconds: r.int("OUTBOX_INTERVAL_SECONDS", &[], 2, 1, 60),
        debt_eom_block_min_hour: r.int("DEBT_EOM_BLOCK_MIN_HOUR", &[], 23, 0, 23),
        unapproved_delete_days: r.int("UNAPPROVED_AUTO_DELETE_DAYS", &[], 30, 0, 3650),
        inactive: InactiveConfig {
            deactivate_enabled: r.bool("INACTIVE_DEACTIVATE_ENABLED", &[], false),
            deactivate_days: r.int("INACTIVE_DEACTIVATE_DAYS", &[], 45, 1, 3650),
            delete_enabled: r.bool("INACTIVE_AUTO_DELETE_ENABLED", &[], false),
            warning_days: r.int("INACTIVE_PRE_DELETE_WARNING_DAYS", &[], 75, 1, 3650),
            delete_days: r.int("INACTIVE_DELETE_DAYS", &[], 90, 1, 3650),
            delete_max_per_run: r.int("INACTIVE_DELETE_MAX_PER_RUN", &[], 5, 0, 10_000),
        },
        overdue_debt_block_enabled: r.bool("ENABLE_OVERDUE_DEBT_BLOCK", &[], true),
        overdue_debt_block_hour: r.int("OVERDUE_DEBT_BLOCK_CRON_HOUR", &[], 8, 0, 23),
        overdue_debt_block_minute: r.int("OVERDUE_DEBT_BLOCK_CRON_MINUTE", &[], 0, 0, 59),
        ledger_retention_days: r.int("QUOTA_MUTATION_LEDGER_RETENTION_DAYS", &[], 90, 30, 90),
        job_log_retention_days: r.int("JOB_LOG_RETENTION_DAYS", &[], 30, 1, 3650),
        walled_garden_enabled: r.bool("WALLED_GARDEN_ENABLED", &[], false),
        walled_garden_allowed_hosts: r.list("WALLED_GARDEN_ALLOWED_HOSTS", &[]),
        walled_garden_interval_minutes: r.int(
            "WALLED_GARDEN_SYNC_INTERVAL_MINUTES",
            &[],
            30,
            1,
            1440,
        ),
        walled_garden_comment_prefix: r.string(
            "WALLED_GARDEN_MANAGED_COMMENT_PREFIX",
            &[],
            "lpsaring",
        ),
        unauthorized_sync_enabled: r.bool("UNAUTHORIZED_SYNC_ENABLED", &[], true),
        unauthorized_sync_interval_seconds: r.int(
            "UNAUTHORIZED_SYNC_INTERVAL_SECONDS",
            &[],
            120,
            30,
            86_400,
        ),
        unauthorized_timeout: r.string("MIKROTIK_ADDRESS_LIST_UNAUTHORIZED_TIMEOUT", &[], "1h"),
        banking_enabled: r.bool("AKSES_BANKING_ENABLED", &[], true),
        banking_domains: r.list(
            "AKSES_BANKING_DOMAINS",
            &[
                "klikbca.com",
                "m.klikbca.com",
                "ibank.bni.co.id",
                "ib.bri.co.id",
                "bankmandiri.co.id",
                "livin.bankmandiri.co.id",
                "bsi.co.id",
                "ibank.btn.co.id",
            ],
        ),
        banking_list: r.string("AKSES_BANKING_LIST_NAME", &[], "Bypass_Server"),
        banking_hour: r.int("AKSES_BANKING_CRON_HOUR", &[], 2, 0, 23),
        banking_minute: r.int("AKSES_BANKING_CRON_MINUTE", &[], 0, 0, 59),
        parity_enabled: r.bool(
            "POLICY_PARITY_GUARD_ENABLED",
            &["ENABLE_POLICY_PARITY_GUARD"],
            true,
        ),
        parity_interval_seconds: r.int(
            "POLICY_PARITY_GUARD_INTERVAL_SECONDS",
            &[],
            600,
            60,
            86_400,
        ),
        parity_repair_enabled: r.bool(
            "POLICY_PARITY_AUTO_REMEDIATION_ENABLED",
            &["ENABLE_POLICY_PARITY_AUTO_REMEDIATION"],
            true,
        ),
        parity_repair_max_users: r.int(
            "POLICY_PARITY_AUTO_REMEDIATION_MAX_USERS",
            &[],
            10,
            0,
            1000,
        ),
        stale_hosts_enabled: r.bool("AUTO_CLEANUP_STALE_HOTSPOT_HOSTS_ENABLED", &[], true),
        stale_hosts_interval_seconds: r.int(
            "AUTO_CLEANUP_STALE_HOTSPOT_HOSTS_INTERVAL_SECONDS",
            &[],
            1800,
            300,
            86_400,
        ),
        stale_hosts_min_idle_seconds: r.int(
            "AUTO_CLEANUP_STALE_HOTSPOT_HOSTS_MIN_IDLE_SECONDS",
            &[],
            3600,
            300,
            604_800,
        ),
        waiting_dhcp_enabled: r.bool("AUTO_CLEANUP_WAITING_DHCP_ARP_ENABLED", &[], false),
        waiting_dhcp_interval_seconds: r.int(
            "AUTO_CLEANUP_WAITING_DHCP_ARP_INTERVAL_SECONDS",
            &[],
            300,
            60,
            86_400,
        ),
        waiting_dhcp_keyword: r
            .string(
                "AUTO_CLEANUP_WAITING_DHCP_ARP_COMMENT_KEYWORD",
                &[],
                "lpsaring|static-dhcp",
            )
            .to_lowercase(),
        waiting_dhcp_min_last_seen_seconds: r.int(
            "AUTO_CLEANUP_WAITING_DHCP_ARP_MIN_LAST_SEEN_SECONDS",
            &[],
            21_600,
            300,
            31_536_000,
        ),
        audit_cleanup: AuditCleanup {
            orphaned_bindings: r.bool("MIKROTIK_AUDIT_AUTO_CLEANUP_ORPHANED_BINDINGS", &[], false),
            orphaned_lists: r.bool("MIKROTIK_AUDIT_AUTO_CLEANUP_ORPHANED_LISTS", &[], false),
            orphaned_users: r.bool("MIKROTIK_AUDIT_AUTO_CLEANUP_ORPHANED_USERS", &[], false),
            stale_blocked: r.bool("MIKROTIK_AUDIT_AUTO_CLEANUP_STALE_BLOCKED", &[], false),
        },
    };
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
        komandan,
        portal,
        telegram,
        worker,
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
        assert!(known_variables().contains(&"MIKROTIK_HOST"));
    }
}
