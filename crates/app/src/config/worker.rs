//! The worker's schedules, notices and limits, one section per job (`docs/worker.md`).

use super::reader::Reader;

#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// `JOB_MAX_RETRIES`: retries of a job run after a transient (router/network) failure.
    pub job_max_retries: u32,
    /// The outbox (router syncs after logins, purchases and admin changes; messages).
    pub outbox: OutboxConfig,
    /// WhatsApp sending limits and the Telegram chats that get admin alerts.
    pub messages: MessagesConfig,
    /// Low-quota and expiry notices to users.
    pub notices: NoticesConfig,
    pub router_health: RouterHealthConfig,
    /// The end-of-month debt block and the overdue-debt block.
    pub debts: DebtJobsConfig,
    /// Pending or rejected registrations are deleted after `delete_days`.
    pub unapproved: UnapprovedConfig,
    /// Account lifecycle: deactivate after `INACTIVE_DEACTIVATE_DAYS` without activity (when
    /// `INACTIVE_DEACTIVATE_ENABLED`), warn at `INACTIVE_PRE_DELETE_WARNING_DAYS` and delete at
    /// `INACTIVE_DELETE_DAYS` (when `INACTIVE_AUTO_DELETE_ENABLED`), at most
    /// `INACTIVE_DELETE_MAX_PER_RUN` deletions a run.
    pub inactive: InactiveConfig,
    pub retention: RetentionConfig,
    pub walled_garden: WalledGardenConfig,
    pub unauthorized: UnauthorizedConfig,
    /// Banking bypass: bank hosts resolved to IPv4 and kept in an address list the router's
    /// firewall lets through without login (`AKSES_BANKING_*`).
    pub banking: BankingConfig,
    /// Policy parity guard: a read-only DB-vs-router report every
    /// `POLICY_PARITY_GUARD_INTERVAL_SECONDS`, repairing at most
    /// `POLICY_PARITY_AUTO_REMEDIATION_MAX_USERS` users a run when auto-remediation is on.
    pub parity: ParityConfig,
    /// Foreign hotspot host rows (MAC roaming): removed when idle this long.
    pub stale_hosts: StaleHostsConfig,
    /// Waiting DHCP leases we created (comment keyword) unseen this long are removed with
    /// their ARP row.
    pub waiting_dhcp: WaitingDhcpConfig,
    /// What the nightly router audit may remove (`MIKROTIK_AUDIT_AUTO_CLEANUP_*`, all off by
    /// default, and only on routers this install has adopted): otherwise it reports.
    pub audit_cleanup: AuditCleanup,
}

#[derive(Debug, Clone)]
pub struct OutboxConfig {
    pub interval_seconds: u64,
}

#[derive(Debug, Clone)]
pub struct MessagesConfig {
    /// WhatsApp messages to one number per minute.
    pub rate_per_target: u64,
    /// WhatsApp messages in all per minute.
    pub rate_global: u64,
    pub telegram_admin_chat_ids: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct NoticesConfig {
    /// Low-quota notice levels in MB: each level once, lower levels later.
    pub quota_remaining_mb: Vec<i64>,
    /// Days before expiry at which a user is told.
    pub expiry_days: Vec<i64>,
}

#[derive(Debug, Clone)]
pub struct RouterHealthConfig {
    pub interval_seconds: u64,
    /// Minutes a router may be down before admins are alerted.
    pub down_alert_minutes: i64,
}

#[derive(Debug, Clone)]
pub struct DebtJobsConfig {
    /// Local hour on the last day of the month from which the end-of-month block applies.
    pub eom_block_min_hour: u32,
    pub overdue_block_enabled: bool,
    pub overdue_block_hour: u32,
    pub overdue_block_minute: u32,
}

#[derive(Debug, Clone)]
pub struct UnapprovedConfig {
    /// `UNAPPROVED_AUTO_DELETE_DAYS`: pending or rejected registrations older than this are
    /// deleted (0: never).
    pub delete_days: i64,
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
pub struct RetentionConfig {
    pub ledger_days: i64,
    pub job_log_days: i64,
    /// `ACTION_LOG_RETENTION_DAYS`: admin action-log rows older than this are deleted
    /// (0: kept forever).
    pub action_log_days: i64,
}

#[derive(Debug, Clone)]
pub struct WalledGardenConfig {
    pub enabled: bool,
    pub allowed_hosts: Vec<String>,
    pub interval_minutes: u64,
    /// The comment prefix of the router entries this install manages (walled garden and
    /// unauthorized address-list entries).
    pub comment_prefix: String,
}

#[derive(Debug, Clone)]
pub struct UnauthorizedConfig {
    pub enabled: bool,
    pub interval_seconds: u64,
    /// The address-list entries' `timeout` (RouterOS duration).
    pub timeout: String,
}

#[derive(Debug, Clone)]
pub struct BankingConfig {
    pub enabled: bool,
    pub domains: Vec<String>,
    pub list: String,
    pub hour: u32,
    pub minute: u32,
}

#[derive(Debug, Clone)]
pub struct ParityConfig {
    pub enabled: bool,
    pub interval_seconds: u64,
    pub repair_enabled: bool,
    pub repair_max_users: usize,
}

#[derive(Debug, Clone)]
pub struct StaleHostsConfig {
    pub enabled: bool,
    pub interval_seconds: u64,
    pub min_idle_seconds: i64,
}

#[derive(Debug, Clone)]
pub struct WaitingDhcpConfig {
    pub enabled: bool,
    pub interval_seconds: u64,
    /// Lower-cased.
    pub keyword: String,
    pub min_last_seen_seconds: i64,
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

pub(super) fn read(r: &mut Reader<'_>) -> WorkerConfig {
    WorkerConfig {
        job_max_retries: r.int("JOB_MAX_RETRIES", &[], 2, 0, 10),
        messages: MessagesConfig {
            rate_per_target: r.int("WHATSAPP_RATE_LIMIT_PER_TARGET", &[], 3, 1, 1000),
            rate_global: r.int("WHATSAPP_RATE_LIMIT_GLOBAL", &[], 120, 1, 100_000),
            telegram_admin_chat_ids: r.list("TELEGRAM_ADMIN_CHAT_IDS", &[]),
        },
        notices: NoticesConfig {
            quota_remaining_mb: r.int_list("QUOTA_NOTIFY_REMAINING_MB", &[500]),
            expiry_days: r.int_list("QUOTA_EXPIRY_NOTIFY_DAYS", &[7, 3, 1]),
        },
        router_health: RouterHealthConfig {
            interval_seconds: r.int("ROUTER_HEALTH_INTERVAL_SECONDS", &[], 60, 10, 3600),
            down_alert_minutes: r.int("ROUTER_DOWN_ALERT_MINUTES", &[], 10, 1, 1440),
        },
        outbox: OutboxConfig {
            interval_seconds: r.int("OUTBOX_INTERVAL_SECONDS", &[], 2, 1, 60),
        },
        debts: DebtJobsConfig {
            eom_block_min_hour: r.int("DEBT_EOM_BLOCK_MIN_HOUR", &[], 23, 0, 23),
            overdue_block_enabled: r.bool("ENABLE_OVERDUE_DEBT_BLOCK", &[], true),
            overdue_block_hour: r.int("OVERDUE_DEBT_BLOCK_CRON_HOUR", &[], 8, 0, 23),
            overdue_block_minute: r.int("OVERDUE_DEBT_BLOCK_CRON_MINUTE", &[], 0, 0, 59),
        },
        unapproved: UnapprovedConfig {
            delete_days: r.int("UNAPPROVED_AUTO_DELETE_DAYS", &[], 30, 0, 3650),
        },
        inactive: InactiveConfig {
            deactivate_enabled: r.bool("INACTIVE_DEACTIVATE_ENABLED", &[], false),
            deactivate_days: r.int("INACTIVE_DEACTIVATE_DAYS", &[], 45, 1, 3650),
            delete_enabled: r.bool("INACTIVE_AUTO_DELETE_ENABLED", &[], false),
            warning_days: r.int("INACTIVE_PRE_DELETE_WARNING_DAYS", &[], 75, 1, 3650),
            delete_days: r.int("INACTIVE_DELETE_DAYS", &[], 90, 1, 3650),
            delete_max_per_run: r.int("INACTIVE_DELETE_MAX_PER_RUN", &[], 5, 0, 10_000),
        },
        retention: RetentionConfig {
            ledger_days: r.int("QUOTA_MUTATION_LEDGER_RETENTION_DAYS", &[], 90, 30, 90),
            job_log_days: r.int("JOB_LOG_RETENTION_DAYS", &[], 30, 1, 3650),
            action_log_days: r.int("ACTION_LOG_RETENTION_DAYS", &[], 365, 0, 3650),
        },
        walled_garden: WalledGardenConfig {
            enabled: r.bool("WALLED_GARDEN_ENABLED", &[], false),
            allowed_hosts: r.list("WALLED_GARDEN_ALLOWED_HOSTS", &[]),
            interval_minutes: r.int("WALLED_GARDEN_SYNC_INTERVAL_MINUTES", &[], 30, 1, 1440),
            comment_prefix: r.string("WALLED_GARDEN_MANAGED_COMMENT_PREFIX", &[], "lpsaring"),
        },
        unauthorized: UnauthorizedConfig {
            enabled: r.bool("UNAUTHORIZED_SYNC_ENABLED", &[], true),
            interval_seconds: r.int("UNAUTHORIZED_SYNC_INTERVAL_SECONDS", &[], 120, 30, 86_400),
            timeout: r.string("MIKROTIK_ADDRESS_LIST_UNAUTHORIZED_TIMEOUT", &[], "1h"),
        },
        banking: BankingConfig {
            enabled: r.bool("AKSES_BANKING_ENABLED", &[], true),
            domains: r.list(
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
            list: r.string("AKSES_BANKING_LIST_NAME", &[], "Bypass_Server"),
            hour: r.int("AKSES_BANKING_CRON_HOUR", &[], 2, 0, 23),
            minute: r.int("AKSES_BANKING_CRON_MINUTE", &[], 0, 0, 59),
        },
        parity: ParityConfig {
            enabled: r.bool(
                "POLICY_PARITY_GUARD_ENABLED",
                &["ENABLE_POLICY_PARITY_GUARD"],
                true,
            ),
            interval_seconds: r.int("POLICY_PARITY_GUARD_INTERVAL_SECONDS", &[], 600, 60, 86_400),
            repair_enabled: r.bool(
                "POLICY_PARITY_AUTO_REMEDIATION_ENABLED",
                &["ENABLE_POLICY_PARITY_AUTO_REMEDIATION"],
                true,
            ),
            repair_max_users: r.int("POLICY_PARITY_AUTO_REMEDIATION_MAX_USERS", &[], 10, 0, 1000),
        },
        stale_hosts: StaleHostsConfig {
            enabled: r.bool("AUTO_CLEANUP_STALE_HOTSPOT_HOSTS_ENABLED", &[], true),
            interval_seconds: r.int(
                "AUTO_CLEANUP_STALE_HOTSPOT_HOSTS_INTERVAL_SECONDS",
                &[],
                1800,
                300,
                86_400,
            ),
            min_idle_seconds: r.int(
                "AUTO_CLEANUP_STALE_HOTSPOT_HOSTS_MIN_IDLE_SECONDS",
                &[],
                3600,
                300,
                604_800,
            ),
        },
        waiting_dhcp: WaitingDhcpConfig {
            enabled: r.bool("AUTO_CLEANUP_WAITING_DHCP_ARP_ENABLED", &[], false),
            interval_seconds: r.int(
                "AUTO_CLEANUP_WAITING_DHCP_ARP_INTERVAL_SECONDS",
                &[],
                300,
                60,
                86_400,
            ),
            keyword: r
                .string(
                    "AUTO_CLEANUP_WAITING_DHCP_ARP_COMMENT_KEYWORD",
                    &[],
                    "lpsaring|static-dhcp",
                )
                .to_lowercase(),
            min_last_seen_seconds: r.int(
                "AUTO_CLEANUP_WAITING_DHCP_ARP_MIN_LAST_SEEN_SECONDS",
                &[],
                21_600,
                300,
                31_536_000,
            ),
        },
        audit_cleanup: AuditCleanup {
            orphaned_bindings: r.bool("MIKROTIK_AUDIT_AUTO_CLEANUP_ORPHANED_BINDINGS", &[], false),
            orphaned_lists: r.bool("MIKROTIK_AUDIT_AUTO_CLEANUP_ORPHANED_LISTS", &[], false),
            orphaned_users: r.bool("MIKROTIK_AUDIT_AUTO_CLEANUP_ORPHANED_USERS", &[], false),
            stale_blocked: r.bool("MIKROTIK_AUDIT_AUTO_CLEANUP_STALE_BLOCKED", &[], false),
        },
    }
}
