//! The simulated router's state: configurable menus as schema-driven tables, and a
//! hotspot world (devices, host rows, active sessions, dynamic leases and ARP) driven by
//! a deterministic clock and a seeded RNG.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::Ipv4Addr;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::duration::{format_duration, parse_duration};
use crate::sim::query::{Query, matches, parse_query};
use crate::sim::schema::{self, Kind, Menu, Unique, normalize, normalize_mac, parse_ip};

/// One output row: property name and value, in print order.
pub(crate) type OutRow = Vec<(&'static str, String)>;

/// A parsed request.
#[derive(Debug, Default, Clone)]
pub(crate) struct Request {
    pub path: String,
    pub args: Vec<(String, String)>,
    pub queries: Vec<String>,
}

impl Request {
    fn arg(&self, name: &str) -> Option<&str> {
        self.args
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What a command produced.
#[derive(Debug)]
pub(crate) enum Outcome {
    Done {
        rows: Vec<OutRow>,
        ret: Option<String>,
        listing: bool,
    },
    Trap {
        message: String,
        category: Option<u8>,
    },
}

fn trap(message: impl Into<String>) -> Outcome {
    Outcome::Trap {
        message: message.into(),
        category: None,
    }
}

fn trap_cat(category: u8, message: impl Into<String>) -> Outcome {
    Outcome::Trap {
        message: message.into(),
        category: Some(category),
    }
}

fn done() -> Outcome {
    Outcome::Done {
        rows: Vec::new(),
        ret: None,
        listing: false,
    }
}

type Res<T> = Result<T, Outcome>;

/// Simulator settings (see `SimulatorBuilder`).
#[derive(Debug, Clone)]
pub(crate) struct WorldConfig {
    pub hosts: usize,
    pub seed: u64,
    pub version_7_18: bool,
    pub cidr: (Ipv4Addr, u8),
    pub identity: String,
    pub randomized_mac_fraction: f64,
    pub duplicate_row_fraction: f64,
    pub ip_binding_duplicates: bool,
    pub profiles: Vec<(String, Option<String>)>,
    /// Hotspot servers (`/ip/hotspot` names); hosts join the first one.
    pub servers: Vec<String>,
    /// Router users (`/user`, group `full`): name and password.
    pub users: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub(crate) struct Item {
    pub id: u32,
    pub fields: Vec<(&'static str, String)>,
    pub created_ms: u64,
    pub expires_at: Option<u64>,
}

impl Item {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    fn set(&mut self, name: &'static str, value: String) {
        match self.fields.iter_mut().find(|(k, _)| *k == name) {
            Some(slot) => slot.1 = value,
            None => self.fields.push((name, value)),
        }
    }

    fn unset(&mut self, name: &str) {
        self.fields.retain(|(k, _)| *k != name);
    }

    fn flag(&self, name: &str) -> bool {
        self.get(name) == Some("true")
    }

    fn enabled(&self) -> bool {
        !self.flag("disabled")
    }
}

#[derive(Debug)]
pub(crate) struct Table {
    pub items: BTreeMap<u32, Item>,
    next_id: u32,
    /// Uniqueness keys of enabled items → ids; rebuilt lazily after any change other
    /// than an add (see `World::table_mut`).
    index: Option<HashMap<String, Vec<u32>>>,
}

impl Table {
    fn new() -> Self {
        Self {
            items: BTreeMap::new(),
            next_id: 1,
            index: None,
        }
    }

    fn alloc(&mut self) -> u32 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    fn insert(&mut self, fields: Vec<(&'static str, String)>, now: u64) -> u32 {
        let id = self.alloc();
        self.items.insert(
            id,
            Item {
                id,
                fields,
                created_ms: now,
                expires_at: None,
            },
        );
        id
    }
}

/// Facts a joining device needs, computed once per bulk join.
pub(crate) struct JoinContext {
    blocked: HashSet<String>,
    leased: HashSet<String>,
}

/// A simulated client device.
#[derive(Debug, Clone)]
pub(crate) struct Device {
    pub mac: String,
    pub ip: Ipv4Addr,
    pub rate_in: u64,
    pub rate_out: u64,
    pub online: bool,
    /// When the device was last on the network (the simulated clock, ms).
    pub seen_ms: u64,
    pub host_name: String,
    /// How many host rows this device has now.
    pub host_rows: u32,
}

/// One `/ip/hotspot/host` row.
#[derive(Debug, Clone)]
pub(crate) struct HostRow {
    pub id: u32,
    pub device: usize,
    pub address: Ipv4Addr,
    pub created_ms: u64,
    pub last_active_ms: u64,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub packets_in: u64,
    pub packets_out: u64,
    /// bytes-in + bytes-out when a print last returned this row.
    pub read_total: u64,
    pub primary: bool,
}

impl HostRow {
    fn total(&self) -> u64 {
        self.bytes_in + self.bytes_out
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Active {
    pub id: u32,
    pub user: String,
    pub mac: String,
    pub address: Ipv4Addr,
    pub login_ms: u64,
    pub bytes_in: u64,
    pub bytes_out: u64,
}

const HOST: &str = "/ip/hotspot/host";
const ACTIVE: &str = "/ip/hotspot/active";
const BINDING: &str = "/ip/hotspot/ip-binding";
const USER: &str = "/ip/hotspot/user";
const LEASE: &str = "/ip/dhcp-server/lease";
const ARP: &str = "/ip/arp";
const ADDRESS_LIST: &str = "/ip/firewall/address-list";
const ROUTER_USER: &str = "/user";
const ROUTER_GROUP: &str = "/user/group";
const FILE: &str = "/file";
const IDLE_TIMEOUT_MS: u64 = 5 * 60 * 1000;
/// 2025-01-01 00:00:00 UTC: the simulated clock's zero.
const EPOCH_DAYS: i64 = 20_089;

pub(crate) fn format_id(id: u32) -> String {
    format!("*{id:X}")
}

fn parse_id(text: &str) -> Option<u32> {
    u32::from_str_radix(text.strip_prefix('*')?, 16).ok()
}

/// `YYYY-MM-DD HH:MM:SS` of a simulated-clock instant.
fn format_time(ms: u64) -> String {
    let secs = ms / 1000;
    let days = EPOCH_DAYS + i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

fn dur(ms: u64) -> String {
    format_duration(Duration::from_secs(ms / 1000))
}

/// The whole simulated router.
#[derive(Debug)]
pub(crate) struct World {
    pub cfg: WorldConfig,
    pub tables: HashMap<&'static str, Table>,
    pub hosts: BTreeMap<u32, HostRow>,
    next_host_id: u32,
    pub devices: Vec<Device>,
    by_mac: HashMap<String, usize>,
    pub active: BTreeMap<u32, Active>,
    next_active_id: u32,
    pub now_ms: u64,
    boot_ms: u64,
    rng: StdRng,
    pub lost_by_mac: HashMap<String, u64>,
    identity: String,
    next_ip: u32,
    next_expiry: Option<u64>,
    /// An ip-binding changed since hosts were last re-evaluated (see [`World::settle`]).
    bindings_dirty: bool,
}

/// What a RouterOS router has before anyone configures it for Saring: the default hotspot
/// server profiles and pages, the DHCP network of the client range, the built-in user
/// groups, the API users (group `full`) and the IP services.
fn seed_defaults(tables: &mut HashMap<&'static str, Table>, cfg: &WorldConfig) {
    let mut seed = |path: &str, fields: Vec<(&'static str, String)>| {
        if let Some(t) = tables.get_mut(path) {
            t.insert(fields, 0);
        }
    };
    seed(
        "/ip/hotspot/profile",
        vec![("name", "default".into()), ("default", "true".into())],
    );
    seed(
        "/ip/hotspot/profile",
        vec![
            ("name", "hsprof1".into()),
            ("hotspot-address", cfg.cidr.0.to_string()),
        ],
    );
    seed(
        FILE,
        vec![("name", "hotspot".into()), ("type", "directory".into())],
    );
    seed(
        FILE,
        vec![
            ("name", "hotspot/login.html".into()),
            ("contents", DEFAULT_LOGIN_PAGE.into()),
        ],
    );
    let (net, prefix) = cfg.cidr;
    let gateway = Ipv4Addr::from(u32::from(net).wrapping_add(1));
    seed(
        "/ip/dhcp-server/network",
        vec![
            ("address", format!("{net}/{prefix}")),
            ("gateway", gateway.to_string()),
            ("dns-server", gateway.to_string()),
        ],
    );
    let rights = |names: &[&str]| {
        schema::POLICIES
            .iter()
            .map(|p| {
                if names.contains(p) {
                    (*p).to_owned()
                } else {
                    format!("!{p}")
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    let read = [
        "local",
        "telnet",
        "ssh",
        "reboot",
        "read",
        "test",
        "winbox",
        "password",
        "web",
        "sniff",
        "sensitive",
        "api",
        "romon",
        "rest-api",
    ];
    let mut write = read.to_vec();
    write.push("write");
    for (name, policy) in [
        ("read", rights(&read)),
        ("write", rights(&write)),
        ("full", rights(schema::POLICIES)),
    ] {
        seed(
            ROUTER_GROUP,
            vec![("name", name.into()), ("policy", policy)],
        );
    }
    for (name, password) in &cfg.users {
        seed(
            ROUTER_USER,
            vec![
                ("name", name.clone()),
                ("group", "full".into()),
                ("password", password.clone()),
            ],
        );
    }
    for (name, port, disabled) in [
        ("telnet", "23", false),
        ("ftp", "21", false),
        ("www", "80", false),
        ("ssh", "22", false),
        ("www-ssl", "443", true),
        ("api", "8728", false),
        ("winbox", "8291", false),
        ("api-ssl", "8729", false),
    ] {
        seed(
            "/ip/service",
            vec![
                ("name", name.into()),
                ("port", port.into()),
                ("disabled", disabled.to_string()),
            ],
        );
    }
}

/// The hotspot's stock login page (abridged): a form posting to the router itself.
const DEFAULT_LOGIN_PAGE: &str = "<html><body><form name=\"login\" action=\"$(link-login-only)\" method=\"post\"><input name=\"username\"/><input name=\"password\" type=\"password\"/></form></body></html>";

impl World {
    pub fn new(cfg: WorldConfig) -> Self {
        let mut tables: HashMap<&'static str, Table> = schema::MENUS
            .iter()
            .map(|m| (m.path, Table::new()))
            .collect();
        let seed_row = |tables: &mut HashMap<&'static str, Table>,
                        path: &str,
                        fields: Vec<(&'static str, String)>| {
            if let Some(t) = tables.get_mut(path) {
                t.insert(fields, 0);
            }
        };
        for server in &cfg.servers {
            seed_row(&mut tables, "/ip/hotspot", vec![("name", server.clone())]);
        }
        seed_row(
            &mut tables,
            "/ip/dhcp-server",
            vec![("name", "dhcp1".into())],
        );
        seed_defaults(&mut tables, &cfg);
        seed_row(
            &mut tables,
            "/ip/hotspot/user/profile",
            vec![("name", "default".into()), ("default", "true".into())],
        );
        for (name, rate) in &cfg.profiles {
            let mut fields = vec![("name", name.clone())];
            if let Some(rate) = rate {
                fields.push(("rate-limit", rate.clone()));
            }
            seed_row(&mut tables, "/ip/hotspot/user/profile", fields);
        }
        let mut world = Self {
            rng: StdRng::seed_from_u64(cfg.seed),
            identity: cfg.identity.clone(),
            next_ip: 10,
            next_expiry: None,
            bindings_dirty: false,
            cfg,
            tables,
            hosts: BTreeMap::new(),
            next_host_id: 1,
            devices: Vec::new(),
            by_mac: HashMap::new(),
            active: BTreeMap::new(),
            next_active_id: 1,
            now_ms: 0,
            boot_ms: 0,
            lost_by_mac: HashMap::new(),
        };
        world.widen_cidr_for(world.cfg.hosts);
        // New MACs are unique and nothing is bound yet: one context for all.
        let ctx = world.join_context();
        for _ in 0..world.cfg.hosts {
            world.generate_device(&ctx);
        }
        world
    }

    fn widen_cidr_for(&mut self, hosts: usize) {
        let (net, mut prefix) = self.cfg.cidr;
        while prefix > 8 && (1u64 << (32 - prefix)) < hosts as u64 + 20 {
            prefix -= 1;
        }
        if prefix != self.cfg.cidr.1 {
            tracing::warn!(
                hosts,
                from = self.cfg.cidr.1,
                to = prefix,
                "hotspot CIDR too small for the hosts; widened"
            );
        }
        let mask = u32::MAX << (32 - prefix);
        self.cfg.cidr = (Ipv4Addr::from(u32::from(net) & mask), prefix);
    }

    fn next_free_ip(&mut self) -> Ipv4Addr {
        let (net, prefix) = self.cfg.cidr;
        let size = 1u32 << (32 - prefix);
        let ip = u32::from(net) + (self.next_ip % size.max(2));
        self.next_ip += 1;
        Ipv4Addr::from(ip)
    }

    fn random_mac(&mut self) -> String {
        loop {
            let mut bytes: [u8; 6] = self.rng.random();
            if self
                .rng
                .random_bool(self.cfg.randomized_mac_fraction.clamp(0.0, 1.0))
            {
                bytes[0] = (bytes[0] & 0xFC) | 0x02;
            } else {
                const OUIS: [[u8; 3]; 6] = [
                    [0x3C, 0x28, 0x6D],
                    [0xA4, 0xC3, 0xF0],
                    [0xDC, 0xA6, 0x32],
                    [0x84, 0x38, 0x35],
                    [0x9C, 0xB6, 0xD0],
                    [0x00, 0x1A, 0x11],
                ];
                let oui = OUIS[self.rng.random_range(0..OUIS.len())];
                bytes[..3].copy_from_slice(&oui);
            }
            let mac = bytes
                .iter()
                .map(|b| format!("{b:02X}"))
                .collect::<Vec<_>>()
                .join(":");
            if !self.by_mac.contains_key(&mac) {
                return mac;
            }
        }
    }

    fn generate_device(&mut self, ctx: &JoinContext) {
        let mac = self.random_mac();
        let ip = self.next_free_ip();
        let idx = self.add_device_with(mac, ip, ctx);
        if self
            .rng
            .random_bool(self.cfg.duplicate_row_fraction.clamp(0.0, 1.0))
        {
            let stray = Ipv4Addr::new(100, 64, self.rng.random(), self.rng.random_range(1..255));
            self.new_host_row(idx, stray, false);
        }
    }

    /// Adds a device that comes online at once (host row, dynamic lease, ARP entry).
    pub fn add_device(&mut self, mac: String, ip: Ipv4Addr) -> usize {
        let ctx = self.join_context();
        self.add_device_with(mac, ip, &ctx)
    }

    fn add_device_with(&mut self, mac: String, ip: Ipv4Addr, ctx: &JoinContext) -> usize {
        let names = [
            "android",
            "iPhone",
            "Galaxy-A15",
            "Redmi-Note",
            "LAPTOP",
            "OPPO-A58",
            "vivo-Y17",
        ];
        let host_name = format!(
            "{}-{:04x}",
            names[self.rng.random_range(0..names.len())],
            self.rng.random::<u16>()
        );
        let rate_out = self.rng.random_range(2_000..200_000);
        let rate_in = rate_out / self.rng.random_range(5..12);
        let idx = self.devices.len();
        self.devices.push(Device {
            mac: mac.clone(),
            ip,
            rate_in,
            rate_out,
            online: true,
            host_name,
            host_rows: 0,
            seen_ms: self.now_ms,
        });
        self.by_mac.insert(mac, idx);
        self.join_with(idx, ctx);
        idx
    }

    pub fn device_index(&self, mac: &str) -> Option<usize> {
        normalize_mac(mac).and_then(|m| self.by_mac.get(&m).copied())
    }

    /// What joining devices must know: MACs blocked by a binding, MACs with a lease.
    fn join_context(&self) -> JoinContext {
        JoinContext {
            blocked: self.blocked_macs(),
            leased: self
                .table(LEASE)
                .items
                .values()
                .filter_map(|l| l.get("mac-address").map(str::to_owned))
                .collect(),
        }
    }

    /// Creates the device's host row, dynamic lease and ARP entry (as when it appears).
    fn join(&mut self, idx: usize) {
        let ctx = self.join_context();
        self.join_with(idx, &ctx);
    }

    fn join_with(&mut self, idx: usize, ctx: &JoinContext) {
        if ctx.blocked.contains(&self.devices[idx].mac) {
            return;
        }
        let ip = self.devices[idx].ip;
        self.new_host_row(idx, ip, true);
        let device = self.devices[idx].clone();
        let now = self.now_ms;
        if !ctx.leased.contains(&device.mac) {
            self.table_mut(LEASE).insert(
                vec![
                    ("address", device.ip.to_string()),
                    ("mac-address", device.mac.clone()),
                    ("server", "dhcp1".into()),
                    ("dynamic", "true".into()),
                    ("status", "bound".into()),
                    ("host-name", device.host_name.clone()),
                    ("active-address", device.ip.to_string()),
                    ("active-mac-address", device.mac.clone()),
                    ("expires-after", "10m".into()),
                    ("last-seen", "0s".into()),
                ],
                now,
            );
        }
        self.table_mut(ARP).insert(
            vec![
                ("address", device.ip.to_string()),
                ("mac-address", device.mac),
                ("dynamic", "true".into()),
                ("DHCP", "true".into()),
            ],
            now,
        );
    }

    pub fn new_host_row(&mut self, device: usize, address: Ipv4Addr, primary: bool) -> u32 {
        let id = self.next_host_id;
        self.next_host_id += 1;
        self.hosts.insert(
            id,
            HostRow {
                id,
                device,
                address,
                created_ms: self.now_ms,
                last_active_ms: self.now_ms,
                bytes_in: 0,
                bytes_out: 0,
                packets_in: 0,
                packets_out: 0,
                read_total: 0,
                primary,
            },
        );
        self.devices[device].host_rows += 1;
        id
    }

    /// Removes a host row, counting the bytes nobody read before the reset.
    fn drop_host(&mut self, id: u32) {
        if let Some(row) = self.hosts.remove(&id) {
            self.devices[row.device].host_rows -= 1;
            let lost = row.total().saturating_sub(row.read_total);
            if lost > 0 {
                let mac = self.devices[row.device].mac.clone();
                *self.lost_by_mac.entry(mac).or_default() += lost;
            }
        }
    }

    fn drop_device_rows(&mut self, device: usize) {
        let ids: Vec<u32> = self
            .hosts
            .values()
            .filter(|h| h.device == device)
            .map(|h| h.id)
            .collect();
        for id in ids {
            self.drop_host(id);
        }
        let mac = self.devices[device].mac.clone();
        self.active.retain(|_, a| a.mac != mac);
    }

    /// Recreates the device's host row (new id, counters 0). Returns the new id.
    pub fn recreate_host(&mut self, device: usize) -> Option<u32> {
        self.drop_device_rows(device);
        let ip = self.devices[device].ip;
        (!self.blocked_macs().contains(&self.devices[device].mac))
            .then(|| self.new_host_row(device, ip, true))
    }

    pub fn set_online(&mut self, device: usize, online: bool) {
        self.devices[device].online = online;
        self.devices[device].seen_ms = self.now_ms;
        if online && self.devices[device].host_rows == 0 {
            self.join(device);
        }
    }

    /// Every online, unblocked device without a host row gets one (its lease and ARP entry
    /// are still there): what the device's next packet does on a router.
    fn return_hosts(&mut self) {
        let missing: Vec<usize> = (0..self.devices.len())
            .filter(|&i| self.devices[i].online && self.devices[i].host_rows == 0)
            .collect();
        if missing.is_empty() {
            return;
        }
        let blocked = self.blocked_macs();
        for idx in missing {
            if !blocked.contains(&self.devices[idx].mac) {
                let ip = self.devices[idx].ip;
                self.new_host_row(idx, ip, true);
            }
        }
    }

    fn table(&self, path: &str) -> &Table {
        // Every schema menu has a table (created in `new`).
        &self.tables[path]
    }

    /// Mutable access; drops the table's uniqueness index (rebuilt when next needed).
    fn table_mut(&mut self, path: &str) -> &mut Table {
        let table = self
            .tables
            .get_mut(path)
            .unwrap_or_else(|| unreachable!("table {path} exists"));
        table.index = None;
        table
    }

    fn binding_types(&self) -> HashMap<&str, &str> {
        let mut map = HashMap::new();
        for item in self.table(BINDING).items.values().filter(|i| i.enabled()) {
            if let (Some(mac), Some(kind)) = (item.get("mac-address"), item.get("type")) {
                map.insert(mac, kind);
            }
        }
        map
    }

    fn blocked_macs(&self) -> HashSet<String> {
        self.binding_types()
            .into_iter()
            .filter(|(_, t)| *t == "blocked")
            .map(|(m, _)| m.to_owned())
            .collect()
    }

    /// Re-evaluates hosts after ip-binding changes: blocked devices lose their rows,
    /// unblocked online devices get a fresh one. Deferred until something could observe
    /// hosts (any command outside ip-binding, the clock, the test handle), so a burst of
    /// binding writes costs one pass, not one pass each.
    pub fn settle(&mut self) {
        if !std::mem::take(&mut self.bindings_dirty) {
            return;
        }
        let blocked = self.blocked_macs();
        for idx in 0..self.devices.len() {
            let is_blocked = blocked.contains(&self.devices[idx].mac);
            let has_row = self.devices[idx].host_rows > 0;
            if is_blocked && has_row {
                self.drop_device_rows(idx);
            } else if !is_blocked && !has_row && self.devices[idx].online {
                let ip = self.devices[idx].ip;
                self.new_host_row(idx, ip, true);
            }
        }
    }

    /// Advances the simulated clock, generating traffic on every online host. An online
    /// device whose host row was removed (by a sync re-evaluating its binding, by an operator)
    /// gets a new one first, with a new `.id` and counters from zero, as a router does on the
    /// device's next packet.
    pub fn tick(&mut self, dt: Duration) {
        self.settle();
        self.return_hosts();
        let dt_ms = u64::try_from(dt.as_millis()).unwrap_or(u64::MAX);
        self.now_ms = self.now_ms.saturating_add(dt_ms);
        let now = self.now_ms;
        for device in self.devices.iter_mut().filter(|d| d.online) {
            device.seen_ms = now;
        }
        let secs = dt.as_secs_f64();
        let bindings: HashMap<String, String> = self
            .binding_types()
            .into_iter()
            .map(|(m, t)| (m.to_owned(), t.to_owned()))
            .collect();
        let active_by_mac: HashMap<String, u32> = self
            .active
            .values()
            .map(|a| (a.mac.clone(), a.id))
            .collect();
        let mut session_bytes: Vec<(u32, u64, u64)> = Vec::new();
        for host in self.hosts.values_mut() {
            let device = &self.devices[host.device];
            if !device.online {
                continue;
            }
            let bypassed = bindings.get(&device.mac).is_some_and(|t| t == "bypassed");
            let session = active_by_mac.get(&device.mac).copied();
            let mut factor = if bypassed || session.is_some() {
                1.0
            } else {
                0.05
            };
            if !host.primary {
                factor *= 0.02;
            }
            let jitter: f64 = self.rng.random_range(0.5..1.5);
            let scale = secs * factor * jitter;
            let bin = (device.rate_in as f64 * scale) as u64;
            let bout = (device.rate_out as f64 * scale) as u64;
            host.bytes_in += bin;
            host.bytes_out += bout;
            host.packets_in += bin / 600 + u64::from(bin > 0);
            host.packets_out += bout / 1200 + u64::from(bout > 0);
            if bin + bout > 0 {
                host.last_active_ms = now;
            }
            if let Some(sid) = session.filter(|_| host.primary) {
                session_bytes.push((sid, bin, bout));
            }
        }
        for (sid, bin, bout) in session_bytes {
            self.account_session(sid, bin, bout);
        }
        // Offline devices' rows go away after the idle timeout.
        let idle: Vec<u32> = self
            .hosts
            .values()
            .filter(|h| !self.devices[h.device].online && now - h.last_active_ms >= IDLE_TIMEOUT_MS)
            .map(|h| h.id)
            .collect();
        for id in idle {
            self.drop_host(id);
        }
        self.expire();
    }

    fn account_session(&mut self, sid: u32, bin: u64, bout: u64) {
        let Some(session) = self.active.get_mut(&sid) else {
            return;
        };
        session.bytes_in += bin;
        session.bytes_out += bout;
        let user = session.user.clone();
        let mut logout = false;
        if let Some(item) = self
            .table_mut(USER)
            .items
            .values_mut()
            .find(|i| i.get("name") == Some(user.as_str()))
        {
            let read =
                |i: &Item, k: &str| i.get(k).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
            let total_in = read(item, "bytes-in") + bin;
            let total_out = read(item, "bytes-out") + bout;
            item.set("bytes-in", total_in.to_string());
            item.set("bytes-out", total_out.to_string());
            let limit = read(item, "limit-bytes-total");
            logout = limit > 0 && total_in + total_out >= limit;
        }
        if logout {
            self.active.remove(&sid);
        }
    }

    /// Removes dynamic address-list entries whose timeout passed.
    pub fn expire(&mut self) {
        let now = self.now_ms;
        if self.next_expiry.is_none_or(|t| t > now) {
            return;
        }
        let table = self.table_mut(ADDRESS_LIST);
        table
            .items
            .retain(|_, i| i.expires_at.is_none_or(|t| t > now));
        self.next_expiry = table.items.values().filter_map(|i| i.expires_at).min();
    }

    fn note_expiry(&mut self, item: &Item) {
        if let Some(at) = item.expires_at {
            self.next_expiry = Some(self.next_expiry.map_or(at, |t| t.min(at)));
        }
    }

    /// A router reboot: every host row, session, dynamic lease/ARP and dynamic
    /// address-list entry is gone; devices come back with new rows and zero counters.
    pub fn reboot(&mut self) {
        let ids: Vec<u32> = self.hosts.keys().copied().collect();
        for id in ids {
            self.drop_host(id);
        }
        self.active.clear();
        for path in [ADDRESS_LIST, LEASE, ARP] {
            self.table_mut(path)
                .items
                .retain(|_, i| !i.flag("dynamic") && i.expires_at.is_none());
        }
        self.boot_ms = self.now_ms;
        let ctx = self.join_context();
        for idx in 0..self.devices.len() {
            if self.devices[idx].online {
                self.join_with(idx, &ctx);
            }
        }
    }

    pub fn bytes_lost(&self) -> u64 {
        self.lost_by_mac.values().sum()
    }

    /// The password of a router user allowed to use the API (enabled, its group grants
    /// `api`), for the login.
    pub fn api_password(&self, name: &str) -> Option<String> {
        let user = self
            .table(ROUTER_USER)
            .items
            .values()
            .find(|u| u.get("name") == Some(name) && u.enabled())?;
        let group = user.get("group")?;
        let grants_api = self
            .table(ROUTER_GROUP)
            .items
            .values()
            .find(|g| g.get("name") == Some(group))
            .and_then(|g| g.get("policy"))
            .is_some_and(|p| p.split(',').any(|r| r == "api"));
        grants_api.then(|| user.get("password").unwrap_or_default().to_owned())
    }

    // ----- commands -----

    pub fn execute(&mut self, req: &Request) -> Outcome {
        self.expire();
        let Some((menu, verb)) = req.path.rsplit_once('/') else {
            return trap_cat(0, "no such command prefix");
        };
        if menu != BINDING {
            self.settle();
        }
        let result = match menu {
            "/system/resource" => self.system_resource(verb, req),
            "/system/identity" => self.system_identity(verb, req),
            HOST => self.host_command(verb, req),
            ACTIVE => self.active_command(verb, req),
            _ => match schema::menu(menu) {
                Some(m) => self.generic(m, verb, req),
                None => Err(trap_cat(0, "no such command prefix")),
            },
        };
        result.unwrap_or_else(|o| o)
    }

    fn no_such_command(verb: &str) -> Outcome {
        trap_cat(0, format!("no such command or directory ({verb})"))
    }

    fn system_resource(&mut self, verb: &str, req: &Request) -> Res<Outcome> {
        if !matches!(verb, "print" | "getall") {
            return Err(Self::no_such_command(verb));
        }
        let version = if self.cfg.version_7_18 {
            "7.19.4 (stable)"
        } else {
            "7.16.2 (stable)"
        };
        let load = 3 + (self.hosts.len() / 500).min(90);
        let row: OutRow = vec![
            ("uptime", dur(self.now_ms - self.boot_ms)),
            ("version", version.into()),
            ("build-time", "2025-07-23 09:56:33".into()),
            ("factory-software", "7.4".into()),
            ("free-memory", "186384384".into()),
            ("total-memory", "268435456".into()),
            ("cpu", "ARMv7".into()),
            ("cpu-count", "4".into()),
            ("cpu-frequency", "716".into()),
            ("cpu-load", load.to_string()),
            ("free-hdd-space", "3362816".into()),
            ("total-hdd-space", "16777216".into()),
            ("architecture-name", "arm".into()),
            ("board-name", "hAP ac^2".into()),
            ("platform", "MikroTik".into()),
        ];
        self.listing(vec![row], req)
    }

    fn system_identity(&mut self, verb: &str, req: &Request) -> Res<Outcome> {
        match verb {
            "print" | "getall" => self.listing(vec![vec![("name", self.identity.clone())]], req),
            "set" => {
                check_args(req, &["name"])?;
                if let Some(name) = req.arg("name") {
                    self.identity = name.to_owned();
                }
                Ok(done())
            }
            _ => Err(Self::no_such_command(verb)),
        }
    }

    /// Applies queries, `.proplist` and `count-only` to rendered rows.
    fn listing(&self, rows: Vec<OutRow>, req: &Request) -> Res<Outcome> {
        let (rows, _) = self.select(rows, req)?;
        Ok(self.finish_listing(rows, req))
    }

    fn finish_listing(&self, rows: Vec<OutRow>, req: &Request) -> Outcome {
        if req.arg("count-only").is_some() {
            return Outcome::Done {
                rows: Vec::new(),
                ret: Some(rows.len().to_string()),
                listing: false,
            };
        }
        let rows = match req.arg(".proplist") {
            Some(list) => {
                let props: Vec<&str> = list
                    .split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .collect();
                rows.into_iter()
                    .map(|mut row| {
                        props
                            .iter()
                            .filter_map(|p| {
                                let slot = row.iter_mut().find(|(k, _)| k == p)?;
                                Some((slot.0, std::mem::take(&mut slot.1)))
                            })
                            .collect()
                    })
                    .collect()
            }
            None => rows,
        };
        Outcome::Done {
            rows,
            ret: None,
            listing: true,
        }
    }

    /// Filters rendered rows by the query words; returns the kept rows and their
    /// positions in the input.
    fn select(&self, rows: Vec<OutRow>, req: &Request) -> Res<(Vec<OutRow>, Vec<usize>)> {
        for (k, _) in &req.args {
            if !PRINT_ARGS.contains(&k.as_str()) {
                return Err(trap(format!("unknown parameter {k}")));
            }
        }
        let queries: Vec<Query> = req
            .queries
            .iter()
            .map(|q| parse_query(q).map_err(trap))
            .collect::<Res<_>>()?;
        let mut kept = Vec::new();
        let mut positions = Vec::new();
        for (i, row) in rows.into_iter().enumerate() {
            if matches(&queries, |k| {
                row.iter().find(|(n, _)| *n == k).map(|(_, v)| v.as_str())
            }) {
                kept.push(row);
                positions.push(i);
            }
        }
        Ok((kept, positions))
    }

    // ----- /ip/hotspot/host -----

    fn render_host(
        &self,
        h: &HostRow,
        bindings: &HashMap<&str, &str>,
        active: &HashSet<&str>,
    ) -> OutRow {
        let device = &self.devices[h.device];
        let bypassed = bindings.get(device.mac.as_str()) == Some(&"bypassed");
        let authorized = bypassed || active.contains(device.mac.as_str());
        vec![
            (".id", format_id(h.id)),
            ("mac-address", device.mac.clone()),
            ("address", h.address.to_string()),
            ("to-address", h.address.to_string()),
            (
                "server",
                self.cfg
                    .servers
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "hotspot1".into()),
            ),
            ("bridge-port", "wlan1".into()),
            ("uptime", dur(self.now_ms - h.created_ms)),
            ("idle-time", dur(self.now_ms - h.last_active_ms)),
            (
                "idle-timeout",
                if authorized {
                    "none".into()
                } else {
                    "5m".into()
                },
            ),
            ("keepalive-timeout", "2m".into()),
            ("host-dead-time", dur(self.now_ms - h.last_active_ms)),
            ("bytes-in", h.bytes_in.to_string()),
            ("bytes-out", h.bytes_out.to_string()),
            ("packets-in", h.packets_in.to_string()),
            ("packets-out", h.packets_out.to_string()),
            ("found-by", format!("DHCP {}", h.address)),
            ("authorized", authorized.to_string()),
            ("bypassed", bypassed.to_string()),
            ("dynamic", "true".into()),
            ("DHCP", h.primary.to_string()),
        ]
    }

    /// Every host row rendered, in id order (with the row ids).
    fn host_rows(&self) -> (Vec<OutRow>, Vec<u32>) {
        let bindings = self.binding_types();
        let active: HashSet<&str> = self.active.values().map(|a| a.mac.as_str()).collect();
        self.hosts
            .values()
            .map(|h| (self.render_host(h, &bindings, &active), h.id))
            .unzip()
    }

    fn host_command(&mut self, verb: &str, req: &Request) -> Res<Outcome> {
        match verb {
            "print" | "getall" => {
                let (rows, ids) = self.host_rows();
                let (rows, positions) = self.select(rows, req)?;
                for p in positions {
                    if let Some(h) = ids.get(p).and_then(|id| self.hosts.get_mut(id)) {
                        h.read_total = h.total();
                    }
                }
                Ok(self.finish_listing(rows, req))
            }
            "remove" => {
                check_args(req, &[".id", "numbers"])?;
                let ids = resolve_ids(req, |id| self.hosts.contains_key(&id).then_some(id))?;
                for id in ids {
                    self.drop_host(id);
                }
                Ok(done())
            }
            "make-binding" => {
                check_args(req, &[".id", "numbers", "type", "comment"])?;
                let ids = resolve_ids(req, |id| self.hosts.contains_key(&id).then_some(id))?;
                let kind = req
                    .arg("type")
                    .ok_or_else(|| trap("failure: type must be specified"))?;
                let mut bindings = Vec::new();
                for id in ids {
                    let h = &self.hosts[&id];
                    let mut args = vec![
                        ("mac-address".to_owned(), self.devices[h.device].mac.clone()),
                        ("address".to_owned(), h.address.to_string()),
                        ("type".to_owned(), kind.to_owned()),
                    ];
                    if let Some(c) = req.arg("comment") {
                        args.push(("comment".into(), c.to_owned()));
                    }
                    bindings.push(args);
                }
                for args in bindings {
                    let add = Request {
                        path: format!("{BINDING}/add"),
                        args,
                        queries: Vec::new(),
                    };
                    self.add(menu_of(BINDING)?, &add)?;
                    self.bindings_dirty = true;
                }
                Ok(done())
            }
            _ => Err(Self::no_such_command(verb)),
        }
    }

    // ----- /ip/hotspot/active -----

    fn active_command(&mut self, verb: &str, req: &Request) -> Res<Outcome> {
        match verb {
            "print" | "getall" => {
                let rows = self
                    .active
                    .values()
                    .map(|a| self.render_active(a))
                    .collect();
                self.listing(rows, req)
            }
            "remove" => {
                check_args(req, &[".id", "numbers"])?;
                let ids = resolve_ids(req, |id| self.active.contains_key(&id).then_some(id))?;
                for id in ids {
                    self.active.remove(&id);
                }
                Ok(done())
            }
            "login" => self.active_login(req),
            _ => Err(Self::no_such_command(verb)),
        }
    }

    fn render_active(&self, a: &Active) -> OutRow {
        vec![
            (".id", format_id(a.id)),
            (
                "server",
                self.cfg
                    .servers
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "hotspot1".into()),
            ),
            ("user", a.user.clone()),
            ("domain", String::new()),
            ("address", a.address.to_string()),
            ("mac-address", a.mac.clone()),
            ("login-by", "api".into()),
            ("uptime", dur(self.now_ms - a.login_ms)),
            ("idle-time", "0s".into()),
            ("keepalive-timeout", "2m".into()),
            ("bytes-in", a.bytes_in.to_string()),
            ("bytes-out", a.bytes_out.to_string()),
            ("packets-in", (a.bytes_in / 600).to_string()),
            ("packets-out", (a.bytes_out / 1200).to_string()),
            ("radius", "false".into()),
            ("blocked", "false".into()),
        ]
    }

    fn active_login(&mut self, req: &Request) -> Res<Outcome> {
        check_args(req, &["user", "password", "mac-address", "ip", "domain"])?;
        let user = req
            .arg("user")
            .ok_or_else(|| trap("failure: user must be specified"))?;
        let password = req.arg("password").unwrap_or_default();
        let known = self
            .table(USER)
            .items
            .values()
            .find(|i| i.get("name") == Some(user) && i.enabled());
        let Some(item) = known else {
            return Err(trap("invalid username or password"));
        };
        if item.get("password").unwrap_or_default() != password {
            return Err(trap("invalid username or password"));
        }
        let mac = match req.arg("mac-address") {
            Some(m) => Some(
                normalize_mac(m)
                    .ok_or_else(|| trap("invalid value of mac-address, mac address required"))?,
            ),
            None => None,
        };
        let ip = req.arg("ip").and_then(parse_ip);
        let host = self.hosts.values().find(|h| {
            mac.as_deref()
                .is_none_or(|m| self.devices[h.device].mac == m)
                && ip.is_none_or(|ip| h.address == ip)
        });
        let Some(host) = host.filter(|_| mac.is_some() || ip.is_some()) else {
            return Err(trap("host not found"));
        };
        let (mac, address) = (self.devices[host.device].mac.clone(), host.address);
        if self.active.values().any(|a| a.mac == mac) {
            return Err(trap("already logged in"));
        }
        let id = self.next_active_id;
        self.next_active_id += 1;
        self.active.insert(
            id,
            Active {
                id,
                user: user.to_owned(),
                mac,
                address,
                login_ms: self.now_ms,
                bytes_in: 0,
                bytes_out: 0,
            },
        );
        Ok(done())
    }

    // ----- schema-driven menus -----

    fn render_item(&self, menu: &Menu, item: &Item) -> OutRow {
        let mut row: OutRow = Vec::with_capacity(menu.fields.len() + menu.readonly.len() + 3);
        row.push((".id", format_id(item.id)));
        for field in menu.fields {
            // RouterOS never prints a router user's password.
            if menu.path == ROUTER_USER && field.name == "password" {
                continue;
            }
            let value = item.get(field.name).or(field.default);
            match value {
                Some(v) if !v.is_empty() => {
                    if menu.path == LEASE && field.name == "server" && v == "all" {
                        continue;
                    }
                    row.push((field.name, v.to_owned()));
                }
                _ => {}
            }
        }
        for (name, default) in menu.readonly {
            row.push((name, item.get(name).unwrap_or(default).to_owned()));
        }
        // Dynamic properties some menus show.
        for (k, v) in &item.fields {
            if !row.iter().any(|(n, _)| n == k) && !menu.fields.iter().any(|f| f.name == *k) {
                row.push((k, v.clone()));
            }
        }
        match menu.path {
            FILE => {
                let size = item.get("contents").map_or(0, str::len);
                row.push(("size", size.to_string()));
                row.push(("last-modified", format_time(item.created_ms)));
            }
            ADDRESS_LIST => {
                row.push(("creation-time", format_time(item.created_ms)));
                row.push(("dynamic", item.expires_at.is_some().to_string()));
                if let Some(at) = item.expires_at {
                    row.retain(|(k, _)| *k != "timeout");
                    row.push(("timeout", dur(at.saturating_sub(self.now_ms))));
                }
            }
            // A static lease follows its device: bound while it is on the network, waiting
            // (last seen when it left) after, as a router's lease does on its own.
            LEASE if !item.flag("dynamic") => {
                let device = item
                    .get("mac-address")
                    .and_then(|m| self.by_mac.get(m))
                    .map(|&d| &self.devices[d]);
                let state = device.map(|d| {
                    if d.online {
                        ("bound", "0s".to_owned())
                    } else {
                        ("waiting", dur(self.now_ms.saturating_sub(d.seen_ms)))
                    }
                });
                if let Some((status, seen)) = state {
                    for (k, v) in [("status", status.to_owned()), ("last-seen", seen)] {
                        match row.iter_mut().find(|(n, _)| *n == k) {
                            Some(slot) => slot.1 = v,
                            None => row.push((k, v)),
                        }
                    }
                }
            }
            _ => {}
        }
        row
    }

    fn generic(&mut self, menu: &'static Menu, verb: &str, req: &Request) -> Res<Outcome> {
        if schema::FIXED_MENUS.contains(&menu.path) && matches!(verb, "add" | "remove") {
            return Err(Self::no_such_command(verb));
        }
        let outcome = match verb {
            "print" | "getall" => {
                let rows = self
                    .table(menu.path)
                    .items
                    .values()
                    .map(|i| self.render_item(menu, i))
                    .collect();
                return self.listing(rows, req);
            }
            "add" => self.add(menu, req),
            "set" => self.set(menu, req),
            "remove" => self.remove(menu, req),
            "enable" | "disable" => {
                check_args(req, &[".id", "numbers"])?;
                let value = if verb == "disable" { "true" } else { "false" };
                let args = vec![("disabled".to_owned(), value.to_owned())];
                let ids = self.ids_of(menu, req)?;
                self.update(menu, &ids, &args, &[])
            }
            "unset" => {
                check_args(req, &[".id", "numbers", "value-name"])?;
                let name = req.arg("value-name").unwrap_or_default();
                let field = menu
                    .field(name)
                    .ok_or_else(|| trap(format!("unknown parameter {name}")))?;
                if field.required {
                    return Err(trap(format!("failure: can not unset {name}")));
                }
                let ids = self.ids_of(menu, req)?;
                self.update(menu, &ids, &[], &[field.name])
            }
            "make-static" if menu.path == LEASE => self.make_static(req),
            "reset-counters" if menu.path == USER => {
                check_args(req, &[".id", "numbers"])?;
                let ids = self.ids_of(menu, req)?;
                for id in ids {
                    if let Some(item) = self.table_mut(USER).items.get_mut(&id) {
                        for k in ["bytes-in", "bytes-out", "packets-in", "packets-out"] {
                            item.set(k, "0".into());
                        }
                        item.set("uptime", "0s".into());
                    }
                }
                Ok(done())
            }
            _ => Err(Self::no_such_command(verb)),
        }?;
        if menu.path == BINDING && !matches!(verb, "print" | "getall") {
            self.bindings_dirty = true;
        }
        Ok(outcome)
    }

    fn ids_of(&self, menu: &Menu, req: &Request) -> Res<Vec<u32>> {
        let table = self.table(menu.path);
        resolve_ids(req, |id| table.items.contains_key(&id).then_some(id)).or_else(|e| {
            // Items with a name can also be addressed by it.
            let list = req
                .arg(".id")
                .or_else(|| req.arg("numbers"))
                .unwrap_or_default();
            if !menu.has_name() || list.starts_with('*') {
                return Err(e);
            }
            list.split(',')
                .map(|name| {
                    table
                        .items
                        .values()
                        .find(|i| i.get("name") == Some(name))
                        .map(|i| i.id)
                        .ok_or_else(|| trap("no such item"))
                })
                .collect()
        })
    }

    /// Validates `=name=value` arguments against the schema (skipping `skip`).
    fn validate(
        &self,
        menu: &Menu,
        req: &Request,
        skip: &[&str],
    ) -> Res<Vec<(&'static str, String)>> {
        let mut out = Vec::new();
        for (k, v) in &req.args {
            if skip.contains(&k.as_str()) {
                continue;
            }
            let field = menu
                .field(k)
                .ok_or_else(|| trap(format!("unknown parameter {k}")))?;
            let value = normalize(field, v).map_err(trap)?;
            if let Kind::RefList { menu: target } = field.kind {
                let known = |name: &str| {
                    self.table(target)
                        .items
                        .values()
                        .any(|i| i.get("name") == Some(name))
                };
                if !value.split(',').filter(|n| !n.is_empty()).all(known) {
                    return Err(trap(format!("input does not match any value of {k}")));
                }
            }
            if let Kind::Ref {
                menu: target,
                extra,
            } = field.kind
            {
                let exists = extra.contains(&value.as_str())
                    || self.table(target).items.values().any(|i| {
                        i.get("name")
                            .is_some_and(|n| n.eq_ignore_ascii_case(&value))
                    });
                if !exists {
                    return Err(trap(format!("input does not match any value of {k}")));
                }
            }
            out.push((field.name, value));
        }
        Ok(out)
    }

    pub fn add(&mut self, menu: &'static Menu, req: &Request) -> Res<Outcome> {
        let values = self.validate(menu, req, &[])?;
        for field in menu.fields.iter().filter(|f| f.required) {
            if !values.iter().any(|(k, _)| *k == field.name) {
                return Err(trap(format!("failure: {} must be specified", field.name)));
            }
        }
        let now = self.now_ms;
        let mut item = Item {
            id: 0,
            fields: values,
            created_ms: now,
            expires_at: None,
        };
        if menu.path == ADDRESS_LIST {
            if let Some(t) = item
                .get("timeout")
                .filter(|t| *t != "none")
                .and_then(parse_duration)
            {
                item.expires_at = Some(now + u64::try_from(t.as_millis()).unwrap_or(u64::MAX));
            } else {
                item.unset("timeout");
            }
        }
        if menu.path == LEASE {
            item.set("dynamic", "false".into());
        }
        let keys = self.check_unique(menu, &item, None)?;
        self.note_expiry(&item);
        let Some(table) = self.tables.get_mut(menu.path) else {
            return Err(trap_cat(0, "no such command prefix"));
        };
        item.id = table.alloc();
        let id = item.id;
        table.items.insert(id, item);
        if let Some(index) = table.index.as_mut() {
            for (_, key) in keys {
                index.entry(key).or_default().push(id);
            }
        }
        Ok(Outcome::Done {
            rows: Vec::new(),
            ret: Some(format_id(id)),
            listing: false,
        })
    }

    fn set(&mut self, menu: &'static Menu, req: &Request) -> Res<Outcome> {
        let ids = self.ids_of(menu, req)?;
        let values = self.validate(menu, req, &[".id", "numbers"])?;
        let args: Vec<(String, String)> =
            values.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        self.update(menu, &ids, &args, &[])
    }

    /// Applies already validated values (and unsets) to items, all or nothing.
    fn update(
        &mut self,
        menu: &'static Menu,
        ids: &[u32],
        args: &[(String, String)],
        unset: &[&str],
    ) -> Res<Outcome> {
        let now = self.now_ms;
        let mut changed = Vec::new();
        for id in ids {
            let mut item = self
                .table(menu.path)
                .items
                .get(id)
                .cloned()
                .ok_or_else(|| trap("no such item"))?;
            for (k, v) in args {
                if let Some(field) = menu.field(k) {
                    item.set(field.name, v.clone());
                }
            }
            for k in unset {
                item.unset(k);
            }
            if menu.path == ADDRESS_LIST && args.iter().any(|(k, _)| k == "timeout") {
                item.expires_at = item
                    .get("timeout")
                    .and_then(parse_duration)
                    .map(|t| now + u64::try_from(t.as_millis()).unwrap_or(u64::MAX));
                item.unset("timeout");
            }
            self.check_unique(menu, &item, Some(&changed))?;
            self.note_expiry(&item);
            changed.push(item);
        }
        let table = self.table_mut(menu.path);
        for item in changed {
            table.items.insert(item.id, item);
        }
        Ok(done())
    }

    fn remove(&mut self, menu: &'static Menu, req: &Request) -> Res<Outcome> {
        check_args(req, &[".id", "numbers"])?;
        let ids = self.ids_of(menu, req)?;
        let table = self.table_mut(menu.path);
        if ids
            .iter()
            .any(|id| table.items.get(id).is_some_and(|i| i.flag("default")))
        {
            return Err(trap("failure: can not remove default profile"));
        }
        for id in ids {
            table.items.remove(&id);
        }
        Ok(done())
    }

    fn make_static(&mut self, req: &Request) -> Res<Outcome> {
        check_args(req, &[".id", "numbers"])?;
        let menu = menu_of(LEASE)?;
        let ids = self.ids_of(menu, req)?;
        for id in &ids {
            let mut item = self.table(LEASE).items[id].clone();
            if !item.flag("dynamic") {
                continue;
            }
            item.set("dynamic", "false".into());
            for k in ["expires-after", "active-address", "active-mac-address"] {
                item.unset(k);
            }
            self.check_unique(menu, &item, None)?;
            self.table_mut(LEASE).items.insert(*id, item);
        }
        Ok(done())
    }

    /// The uniqueness keys of an enabled item, each with its trap message. Values are
    /// normalized on write (MACs uppercase, `/32` stripped), so keys compare exactly.
    fn unique_keys(&self, menu: &Menu, item: &Item) -> Vec<(&'static str, String)> {
        if !item.enabled() {
            return Vec::new();
        }
        let get = |k: &str| item.get(k).unwrap_or_default();
        let server = item.get("server").unwrap_or("all");
        match menu.unique {
            Unique::None => Vec::new(),
            Unique::Name => vec![("failure: already have such name", get("name").to_owned())],
            Unique::AddressList => {
                vec![(
                    "failure: already have such entry",
                    format!("{}\0{}", get("list"), get("address")),
                )]
            }
            Unique::HotspotUser => vec![(
                "failure: already have user with this name for this server",
                format!("{}\0{server}", get("name")),
            )],
            Unique::StaticLease if item.flag("dynamic") => Vec::new(),
            Unique::StaticLease => vec![
                (
                    "failure: already have static lease for this client",
                    format!("m\0{}\0{server}", get("mac-address")),
                ),
                (
                    "failure: already have static lease with this IP address",
                    format!("i\0{}", get("address")),
                ),
            ],
            Unique::Binding if self.cfg.ip_binding_duplicates || get("mac-address").is_empty() => {
                Vec::new()
            }
            Unique::Binding => vec![(
                "failure: already have such entry",
                get("mac-address").to_owned(),
            )],
        }
    }

    /// Uniqueness among enabled rows. The candidate replaces its stored version;
    /// `pending` are other items being changed in the same command.
    /// Returns the candidate's keys.
    fn check_unique(
        &mut self,
        menu: &Menu,
        candidate: &Item,
        pending: Option<&[Item]>,
    ) -> Res<Vec<(&'static str, String)>> {
        let keys = self.unique_keys(menu, candidate);
        if keys.is_empty() {
            return Ok(keys);
        }
        let pending = pending.unwrap_or_default();
        let pending_keys: Vec<(u32, Vec<(&'static str, String)>)> = pending
            .iter()
            .map(|p| (p.id, self.unique_keys(menu, p)))
            .collect();
        if self.table(menu.path).index.is_none() {
            let mut index: HashMap<String, Vec<u32>> = HashMap::new();
            for item in self.table(menu.path).items.values() {
                for (_, key) in self.unique_keys(menu, item) {
                    index.entry(key).or_default().push(item.id);
                }
            }
            if let Some(table) = self.tables.get_mut(menu.path) {
                table.index = Some(index);
            }
        }
        let index = self.table(menu.path).index.as_ref();
        for (message, key) in &keys {
            let stored = index.and_then(|i| i.get(key)).is_some_and(|ids| {
                ids.iter()
                    .any(|id| *id != candidate.id && !pending.iter().any(|p| p.id == *id))
            });
            let in_pending = pending_keys
                .iter()
                .any(|(id, ks)| *id != candidate.id && ks.iter().any(|(_, k)| k == key));
            if stored || in_pending {
                return Err(trap(*message));
            }
        }
        Ok(keys)
    }

    /// Rendered rows of any printable menu (for assertions; does not count as a read).
    pub fn snapshot(&mut self, path: &str) -> Vec<OutRow> {
        self.settle();
        match path {
            HOST => self.host_rows().0,
            ACTIVE => self
                .active
                .values()
                .map(|a| self.render_active(a))
                .collect(),
            _ => match schema::menu(path) {
                Some(menu) => self
                    .table(path)
                    .items
                    .values()
                    .map(|i| self.render_item(menu, i))
                    .collect(),
                None => Vec::new(),
            },
        }
    }

    /// Removes an item directly (e.g. to expire an entry between a print and a set).
    /// Makes a host row idle for `idle_ms` (no traffic since): a row left behind by a
    /// client that roamed away. Its next traffic (a tick) makes it active again.
    pub fn backdate_host(&mut self, id: &str, idle_ms: u64) -> bool {
        let now = self.now_ms;
        parse_id(id)
            .and_then(|id| self.hosts.get_mut(&id))
            .map(|h| h.last_active_ms = now.saturating_sub(idle_ms))
            .is_some()
    }

    /// Marks a MAC's DHCP leases `waiting`, last seen `ago_ms` ago, for a MAC that is not a
    /// simulated device (a lease left by a client from before the simulator started); a
    /// simulated device's static leases follow the device (offline: waiting since it left).
    /// Returns how many leases changed.
    pub fn age_leases(&mut self, mac: &str, ago_ms: u64) -> usize {
        let Some(mac) = normalize_mac(mac) else {
            return 0;
        };
        if self.by_mac.contains_key(&mac) {
            return 0;
        }
        let mut n = 0;
        for item in self.table_mut(LEASE).items.values_mut() {
            if item.get("mac-address") == Some(mac.as_str()) {
                item.set("status", "waiting".into());
                item.set("last-seen", dur(ago_ms));
                n += 1;
            }
        }
        n
    }

    pub fn remove_item(&mut self, path: &str, id: &str) -> bool {
        let Some(id) = parse_id(id) else { return false };
        match path {
            HOST => {
                let found = self.hosts.contains_key(&id);
                self.drop_host(id);
                found
            }
            ACTIVE => self.active.remove(&id).is_some(),
            _ if self.tables.contains_key(path) => {
                let removed = self.table_mut(path).items.remove(&id).is_some();
                if path == BINDING {
                    self.bindings_dirty = true;
                }
                removed
            }
            _ => false,
        }
    }
}

const PRINT_ARGS: &[&str] = &[
    ".proplist",
    "count-only",
    "detail",
    "stats",
    "without-paging",
    "terse",
    "brief",
    "as-value",
    "follow",
    "follow-only",
    "where",
    "interval",
    "value-list",
    "show-ids",
];

fn menu_of(path: &str) -> Res<&'static Menu> {
    schema::menu(path).ok_or_else(|| trap_cat(0, "no such command prefix"))
}

fn check_args(req: &Request, allowed: &[&str]) -> Res<()> {
    match req
        .args
        .iter()
        .find(|(k, _)| !allowed.contains(&k.as_str()))
    {
        Some((k, _)) => Err(trap(format!("unknown parameter {k}"))),
        None => Ok(()),
    }
}

/// Resolves `=.id=` / `=numbers=` (comma list of `*hex` ids) with `lookup`.
fn resolve_ids(req: &Request, lookup: impl Fn(u32) -> Option<u32>) -> Res<Vec<u32>> {
    let list = req
        .arg(".id")
        .or_else(|| req.arg("numbers"))
        .ok_or_else(|| trap("failure: .id or numbers must be specified"))?;
    list.split(',')
        .map(|t| {
            parse_id(t.trim())
                .and_then(&lookup)
                .ok_or_else(|| trap("no such item"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world(hosts: usize) -> World {
        World::new(WorldConfig {
            hosts,
            seed: 7,
            version_7_18: true,
            cidr: (Ipv4Addr::new(172, 16, 2, 0), 23),
            identity: "sim".into(),
            randomized_mac_fraction: 0.3,
            duplicate_row_fraction: 0.0,
            ip_binding_duplicates: true,
            profiles: vec![],
            servers: vec!["hotspot1".into()],
            users: vec![("admin".into(), "pw".into())],
        })
    }

    fn req(path: &str, args: &[(&str, &str)]) -> Request {
        Request {
            path: path.into(),
            args: args
                .iter()
                .map(|(k, v)| ((*k).into(), (*v).into()))
                .collect(),
            queries: vec![],
        }
    }

    fn trap_text(o: Outcome) -> String {
        match o {
            Outcome::Trap { message, .. } => message,
            Outcome::Done { .. } => panic!("expected trap"),
        }
    }

    #[test]
    fn router_users_groups_services_and_dhcp_options() {
        let mut w = world(0);
        assert_eq!(w.api_password("admin").as_deref(), Some("pw"));
        assert_eq!(w.api_password("nobody"), None);
        // A least-privilege group: its user may use the API; its password is never printed.
        let o = w.execute(&req(
            "/user/group/add",
            &[("name", "api-only"), ("policy", "read,write,api")],
        ));
        assert!(matches!(o, Outcome::Done { .. }), "{o:?}");
        let o = w.execute(&req(
            "/user/add",
            &[("name", "svc"), ("group", "api-only"), ("password", "s3")],
        ));
        assert!(matches!(o, Outcome::Done { .. }), "{o:?}");
        assert_eq!(w.api_password("svc").as_deref(), Some("s3"));
        let users = w.snapshot("/user");
        assert!(
            users
                .iter()
                .all(|r| r.iter().all(|(k, _)| *k != "password"))
        );
        let groups = w.snapshot("/user/group");
        let policy = groups
            .iter()
            .find(|r| r.iter().any(|(k, v)| *k == "name" && v == "api-only"))
            .and_then(|r| r.iter().find(|(k, _)| *k == "policy"))
            .map(|(_, v)| v.clone())
            .unwrap();
        assert!(policy.contains("!sensitive") && policy.contains(",api,"));
        // Without `api` in its group a user cannot log in to the API.
        w.execute(&req(
            "/user/group/add",
            &[("name", "web-only"), ("policy", "read,web")],
        ));
        w.execute(&req(
            "/user/add",
            &[("name", "web"), ("group", "web-only"), ("password", "x")],
        ));
        assert_eq!(w.api_password("web"), None);
        assert_eq!(
            trap_text(w.execute(&req("/user/add", &[("name", "x"), ("group", "root")]))),
            "input does not match any value of group"
        );
        assert_eq!(
            trap_text(w.execute(&req(
                "/user/group/add",
                &[("name", "bad"), ("policy", "read,root")]
            ))),
            "input does not match any value of policy"
        );
        // Services are fixed rows: enable by name, never add or remove.
        let o = w.execute(&req("/ip/service/enable", &[("numbers", "api-ssl")]));
        assert!(matches!(o, Outcome::Done { .. }), "{o:?}");
        assert_eq!(
            trap_text(w.execute(&req("/ip/service/add", &[("name", "x"), ("port", "1")]))),
            "no such command or directory (add)"
        );
        // A network's DHCP options must exist.
        assert_eq!(
            trap_text(w.execute(&req(
                "/ip/dhcp-server/network/set",
                &[("numbers", "*1"), ("dhcp-option", "captive")]
            ))),
            "input does not match any value of dhcp-option"
        );
        w.execute(&req(
            "/ip/dhcp-server/option/add",
            &[
                ("name", "captive"),
                ("code", "114"),
                ("value", "'https://p/api/captive'"),
            ],
        ));
        let o = w.execute(&req(
            "/ip/dhcp-server/network/set",
            &[("numbers", "*1"), ("dhcp-option", "captive")],
        ));
        assert!(matches!(o, Outcome::Done { .. }), "{o:?}");
        // Unknown menus answer as a router does.
        assert_eq!(
            trap_text(w.execute(&req("/ip/hotspot/nothing/print", &[]))),
            "no such command prefix"
        );
    }

    #[test]
    fn time_format() {
        assert_eq!(format_time(0), "2025-01-01 00:00:00");
        assert_eq!(
            format_time((31 + 28) * 86_400_000 + 3_723_000),
            "2025-03-01 01:02:03"
        );
    }

    #[test]
    fn ids_are_hex_and_never_reused() {
        let mut w = world(0);
        let mut ids = Vec::new();
        for i in 0..30 {
            let o = w.execute(&req(
                "/ip/firewall/address-list/add",
                &[("list", "x"), ("address", &format!("10.0.0.{i}"))],
            ));
            let Outcome::Done { ret: Some(id), .. } = o else {
                panic!()
            };
            ids.push(id);
        }
        assert_eq!(ids[0], "*1");
        assert_eq!(ids[25], "*1A");
        w.execute(&req("/ip/firewall/address-list/remove", &[(".id", "*1E")]));
        let Outcome::Done { ret: Some(id), .. } = w.execute(&req(
            "/ip/firewall/address-list/add",
            &[("list", "x"), ("address", "10.9.9.9")],
        )) else {
            panic!()
        };
        assert_eq!(id, "*1F");
    }

    #[test]
    fn address_list_duplicate_only_among_enabled() {
        let mut w = world(0);
        let add = req(
            "/ip/firewall/address-list/add",
            &[("list", "a"), ("address", "10.1.1.1")],
        );
        assert!(matches!(w.execute(&add), Outcome::Done { .. }));
        let dup = req(
            "/ip/firewall/address-list/add",
            &[("list", "a"), ("address", "10.1.1.1/32"), ("comment", "x")],
        );
        assert_eq!(
            trap_text(w.execute(&dup)),
            "failure: already have such entry"
        );
        let disabled = req(
            "/ip/firewall/address-list/add",
            &[("list", "a"), ("address", "10.1.1.1"), ("disabled", "yes")],
        );
        assert!(matches!(w.execute(&disabled), Outcome::Done { .. }));
        assert_eq!(
            trap_text(w.execute(&req(
                "/ip/firewall/address-list/enable",
                &[("numbers", "*2")]
            ))),
            "failure: already have such entry"
        );
    }

    #[test]
    fn timed_entries_expire_on_the_clock() {
        let mut w = world(0);
        w.execute(&req(
            "/ip/firewall/address-list/add",
            &[("list", "a"), ("address", "10.1.1.1"), ("timeout", "1m")],
        ));
        let rows = w.snapshot(ADDRESS_LIST);
        assert!(rows[0].contains(&("dynamic", "true".into())));
        assert!(rows[0].contains(&("timeout", "1m".into())));
        w.tick(Duration::from_secs(30));
        assert!(w.snapshot(ADDRESS_LIST)[0].contains(&("timeout", "30s".into())));
        w.tick(Duration::from_secs(30));
        assert!(w.snapshot(ADDRESS_LIST).is_empty());
    }

    #[test]
    fn bindings_drive_host_flags() {
        let mut w = world(3);
        let mac = w.devices[0].mac.clone();
        let flag = |w: &mut World, k: &str| {
            w.snapshot(HOST)
                .into_iter()
                .find(|r| r.contains(&("mac-address", mac.clone())))
                .map(|r| {
                    r.iter()
                        .find(|(n, _)| *n == k)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                })
        };
        assert_eq!(flag(&mut w, "bypassed").as_deref(), Some("false"));
        w.execute(&req(
            "/ip/hotspot/ip-binding/add",
            &[("mac-address", &mac.to_lowercase()), ("type", "bypassed")],
        ));
        assert_eq!(flag(&mut w, "bypassed").as_deref(), Some("true"));
        assert_eq!(flag(&mut w, "authorized").as_deref(), Some("true"));
        w.execute(&req(
            "/ip/hotspot/ip-binding/set",
            &[(".id", "*1"), ("type", "blocked")],
        ));
        assert_eq!(
            flag(&mut w, "bypassed"),
            None,
            "blocked host row is dropped"
        );
        w.execute(&req("/ip/hotspot/ip-binding/remove", &[(".id", "*1")]));
        assert_eq!(flag(&mut w, "authorized").as_deref(), Some("false"));
    }

    #[test]
    fn lease_rules() {
        let mut w = world(0);
        let add = |w: &mut World, mac: &str, ip: &str| {
            w.execute(&req(
                "/ip/dhcp-server/lease/add",
                &[("mac-address", mac), ("address", ip), ("server", "dhcp1")],
            ))
        };
        assert!(matches!(
            add(&mut w, "AA:BB:CC:00:00:01", "172.16.2.50"),
            Outcome::Done { .. }
        ));
        assert_eq!(
            trap_text(add(&mut w, "aa:bb:cc:00:00:01", "172.16.2.51")),
            "failure: already have static lease for this client"
        );
        assert_eq!(
            trap_text(add(&mut w, "AA:BB:CC:00:00:02", "172.16.2.50")),
            "failure: already have static lease with this IP address"
        );
        assert_eq!(
            trap_text(add(&mut w, "nope", "172.16.2.52")),
            "invalid value of mac-address, mac address required"
        );
        let rows = w.snapshot(LEASE);
        assert!(rows[0].contains(&("status", "waiting".into())));
    }
}
