//! Turning host-row counters into usage, exactly.
//!
//! RouterOS keeps `bytes-in`/`bytes-out` per `/ip/hotspot/host` row. A row's counters only
//! grow while the row lives, and start at zero when a row is born (a device appears, the
//! hotspot re-creates the row, the router reboots). So the bytes a MAC used are the sum, over
//! every row it ever had, of each row's final counter. We keep one baseline per row (router,
//! MAC, `.id`) and credit, at each poll:
//!
//! * a row we know (same `.id`, same birth on the router's clock, same boot, counter not
//!   lower): `total − baseline`;
//! * any other row — never seen, or an `.id` reused after a reboot, or a counter that went
//!   down — was born after our last look at its predecessor, so its whole counter is new
//!   traffic: `total`.
//!
//! Duplicate rows of one MAC each keep their own baseline, so a MAC flipping between rows is
//! neither lost nor counted twice (the reference kept one baseline per MAC and had to choose
//! between the two). The only bytes no poller can see are those a row counted between the
//! last poll and its reset: the simulator reports exactly those (`bytes_lost_to_resets`), and
//! the tests check that credited + lost = generated.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use ipnet::IpNet;
use saring_domain::mac::Mac;
use saring_routeros::menus::HotspotHost;
use saring_store::repo::sync::Counter;

/// How far two estimates of a row's birth (router uptime − row uptime, from two polls) may
/// differ and still be the same row: covers the time a large print takes on a slow router.
pub const BIRTH_TOLERANCE_SECONDS: i64 = 30;

/// How much less the router's clock may advance than ours between two polls before we call
/// it a reboot (clock drift, slow prints).
pub const REBOOT_TOLERANCE_SECONDS: i64 = 120;

/// One host row as polled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostObs {
    pub host_id: String,
    pub mac: Mac,
    pub total: i64,
    pub uptime_seconds: i64,
    pub idle_seconds: i64,
    /// The client's address in the hotspot ranges (`address`, else `to-address`).
    pub address: Option<IpAddr>,
    pub in_hotspot: bool,
    pub to_address_in_hotspot: bool,
    pub bypassed: bool,
    pub authorized: bool,
}

impl HostObs {
    /// Reads a row; `None` for a row without a valid MAC.
    pub fn from_row(h: &HotspotHost, cidrs: &[IpNet]) -> Option<HostObs> {
        let mac = Mac::parse(&h.mac_address).ok()?;
        let in_cidrs = |ip: Option<IpAddr>| {
            ip.is_some_and(|ip| cidrs.is_empty() || cidrs.iter().any(|n| n.contains(&ip)))
        };
        let address: Option<IpAddr> = h.address.as_deref().and_then(|a| a.parse().ok());
        let to_address: Option<IpAddr> = h.to_address.as_deref().and_then(|a| a.parse().ok());
        let in_hotspot = in_cidrs(address);
        let to_in = in_cidrs(to_address);
        let chosen = if in_hotspot {
            address
        } else if to_in {
            to_address
        } else {
            None
        };
        Some(HostObs {
            host_id: h.id.clone(),
            mac,
            total: i64::try_from(h.total_bytes()).unwrap_or(i64::MAX),
            uptime_seconds: i64::try_from(h.uptime.as_secs()).unwrap_or(i64::MAX),
            idle_seconds: i64::try_from(h.idle_time.as_secs()).unwrap_or(i64::MAX),
            address: chosen,
            in_hotspot,
            to_address_in_hotspot: to_in,
            bypassed: h.bypassed,
            authorized: h.authorized,
        })
    }

    /// The reference's preference among several rows of one MAC: in the hotspot ranges,
    /// translated into them, authorised, least idle, longest up, most bytes.
    pub fn preference(&self) -> (bool, bool, bool, i64, i64, i64) {
        (
            self.in_hotspot,
            self.to_address_in_hotspot,
            self.bypassed || self.authorized,
            -self.idle_seconds,
            self.uptime_seconds,
            self.total,
        )
    }
}

/// Why a row's credit is what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Known row: `total − baseline`.
    Continued,
    /// No baseline for this row: its whole counter.
    NewRow,
    /// Same `.id` but born at another time (reused id): its whole counter.
    RowReplaced,
    /// Counter went down: a new row under the same id; its whole counter.
    CounterRegressed,
    /// The router rebooted since the baseline: every row is new.
    RouterRebooted,
}

/// The outcome for one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credit {
    pub delta: i64,
    pub reason: Reason,
    /// The baseline to store, when it differs from the stored one.
    pub write: Option<Counter>,
}

/// Credits one polled row against its stored baseline.
pub fn credit(
    obs: &HostObs,
    prev: Option<&Counter>,
    router_uptime_seconds: i64,
    rebooted: bool,
    poll_at: DateTime<Utc>,
) -> Credit {
    let born_rel = router_uptime_seconds - obs.uptime_seconds;
    let next = Counter {
        mac: obs.mac.to_string(),
        host_id: obs.host_id.clone(),
        bytes_total: obs.total,
        uptime_seconds: obs.uptime_seconds,
        born_rel_seconds: born_rel,
        seen_at: poll_at,
    };
    let (delta, reason) = match prev {
        _ if rebooted => (obs.total, Reason::RouterRebooted),
        None => (obs.total, Reason::NewRow),
        Some(p) if (p.born_rel_seconds - born_rel).abs() > BIRTH_TOLERANCE_SECONDS => {
            (obs.total, Reason::RowReplaced)
        }
        Some(p) if obs.total < p.bytes_total => (obs.total, Reason::CounterRegressed),
        Some(p) => (obs.total - p.bytes_total, Reason::Continued),
    };
    let unchanged = prev.is_some_and(|p| p.bytes_total == obs.total) && reason == Reason::Continued;
    // A new row with nothing on it needs no baseline: next time its whole counter is new.
    let nothing_to_remember = prev.is_none() && obs.total == 0;
    Credit {
        delta: delta.max(0),
        reason,
        write: (!unchanged && !nothing_to_remember).then_some(next),
    }
}

/// Whether the router rebooted between the last poll and this one: its uptime went down, or
/// advanced clearly less than our clock did.
pub fn rebooted(
    last_uptime: Option<i64>,
    last_poll_at: Option<DateTime<Utc>>,
    uptime: i64,
    poll_at: DateTime<Utc>,
) -> bool {
    let (Some(last_uptime), Some(last_poll)) = (last_uptime, last_poll_at) else {
        return false;
    };
    let router_elapsed = uptime - last_uptime;
    let our_elapsed = (poll_at - last_poll).num_seconds();
    router_elapsed < 0 || router_elapsed + REBOOT_TOLERANCE_SECONDS < our_elapsed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obs(id: &str, total: i64, uptime: i64) -> HostObs {
        HostObs {
            host_id: id.into(),
            mac: Mac::parse("AA:BB:CC:00:00:01").unwrap(),
            total,
            uptime_seconds: uptime,
            idle_seconds: 0,
            address: None,
            in_hotspot: true,
            to_address_in_hotspot: true,
            bypassed: true,
            authorized: true,
        }
    }

    fn base(id: &str, total: i64, born_rel: i64) -> Counter {
        Counter {
            mac: "AA:BB:CC:00:00:01".into(),
            host_id: id.into(),
            bytes_total: total,
            uptime_seconds: 0,
            born_rel_seconds: born_rel,
            seen_at: Utc::now(),
        }
    }

    #[test]
    fn continued_rows_credit_the_difference_and_unchanged_rows_write_nothing() {
        let now = Utc::now();
        // Router up 1000 s, row up 400 s: born at 600.
        let c = credit(
            &obs("*1", 500, 400),
            Some(&base("*1", 200, 600)),
            1000,
            false,
            now,
        );
        assert_eq!((c.delta, c.reason), (300, Reason::Continued));
        assert!(c.write.is_some());
        let c = credit(
            &obs("*1", 200, 410),
            Some(&base("*1", 200, 605)),
            1015,
            false,
            now,
        );
        assert_eq!((c.delta, c.reason, c.write), (0, Reason::Continued, None));
    }

    #[test]
    fn new_replaced_and_regressed_rows_credit_their_whole_counter() {
        let now = Utc::now();
        let c = credit(&obs("*2", 700, 10), None, 1000, false, now);
        assert_eq!((c.delta, c.reason), (700, Reason::NewRow));
        let c = credit(
            &obs("*1", 900, 10),
            Some(&base("*1", 200, 600)),
            1000,
            false,
            now,
        );
        assert_eq!((c.delta, c.reason), (900, Reason::RowReplaced));
        let c = credit(
            &obs("*1", 100, 400),
            Some(&base("*1", 200, 600)),
            1000,
            false,
            now,
        );
        assert_eq!((c.delta, c.reason), (100, Reason::CounterRegressed));
        let c = credit(
            &obs("*1", 900, 400),
            Some(&base("*1", 200, 600)),
            1000,
            true,
            now,
        );
        assert_eq!((c.delta, c.reason), (900, Reason::RouterRebooted));
        // An empty new row is not remembered.
        assert_eq!(credit(&obs("*3", 0, 1), None, 1000, false, now).write, None);
    }

    #[test]
    fn reboots_are_seen_by_uptime() {
        let t0 = Utc::now();
        let t1 = t0 + chrono::Duration::seconds(300);
        assert!(!rebooted(None, None, 10, t1));
        assert!(!rebooted(Some(1000), Some(t0), 1300, t1));
        assert!(rebooted(Some(1000), Some(t0), 50, t1));
        // Uptime went up, but far less than our clock: rebooted long ago in between.
        let t2 = t0 + chrono::Duration::seconds(3600);
        assert!(rebooted(Some(100), Some(t0), 1500, t2));
    }
}
