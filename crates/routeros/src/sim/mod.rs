//! A protocol-faithful RouterOS API simulator.
//!
//! It speaks the real wire protocol (plain TCP, optionally TLS), so any RouterOS client
//! can use it, and keeps an in-memory model of the menus Saring uses: schema-validated
//! tables with RouterOS's ids, uniqueness rules and trap texts, full query semantics,
//! `!empty` (7.18+, switchable), `/cancel`, `/quit`, and a hotspot world of devices whose
//! host rows carry growing traffic counters on a deterministic clock.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use saring_routeros::sim::Simulator;
//! let sim = Simulator::builder().user("admin", "pw").hosts(50).seed(42).build();
//! let handle = sim.start("127.0.0.1:0").await?;
//! println!("simulator on {}", handle.addr());
//! handle.tick(std::time::Duration::from_secs(60)); // one minute of traffic
//! # Ok(()) }
//! ```

mod query;
mod schema;
mod server;
mod world;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::net::{TcpListener, ToSocketAddrs};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::error::{Error, Result};
use crate::menus::{
    AddressListEntry, DhcpLease, FromRow, HotspotActive, HotspotHost, HotspotUser, IpBinding,
};
use crate::reply::Row;
use server::Faults;
use world::{Request, World, WorldConfig};

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Kinds of malformed reply the simulator can send (fault injection).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malformed {
    /// A sentence starting with an unknown reply word (`!bogus`).
    UnknownReplyWord,
    /// A `!re` with a word that is neither an attribute nor an API word.
    GarbageWord,
    /// A reserved control byte (0xF8) where a length should be.
    ControlByte,
}

/// State shared by the listeners, the sessions and the handle.
#[derive(Debug)]
pub(crate) struct Shared {
    world: Mutex<World>,
    faults: Mutex<Faults>,
    legacy_login: bool,
    version_7_18: bool,
    drop_tx: watch::Sender<u64>,
    sessions: AtomicUsize,
    commands: AtomicU64,
    recording: Mutex<Option<Vec<Vec<String>>>>,
}

impl Shared {
    fn record(&self, req: &Request, tag: Option<&[u8]>) {
        let mut recording = lock(&self.recording);
        if let Some(log) = recording.as_mut() {
            if log.len() >= 100_000 {
                return;
            }
            let mut words = vec![req.path.clone()];
            words.extend(req.args.iter().map(|(k, v)| {
                if k == "password" {
                    format!("={k}=***")
                } else {
                    format!("={k}={v}")
                }
            }));
            words.extend(req.queries.iter().map(|q| format!("?{q}")));
            if let Some(tag) = tag {
                words.push(format!(".tag={}", String::from_utf8_lossy(tag)));
            }
            log.push(words);
        }
    }
}

/// Builds a [`Simulator`].
#[derive(Debug, Clone)]
pub struct SimulatorBuilder {
    users: Vec<(String, String)>,
    legacy_login: bool,
    world: WorldConfig,
}

impl Default for SimulatorBuilder {
    fn default() -> Self {
        Self {
            users: Vec::new(),
            legacy_login: false,
            world: WorldConfig {
                hosts: 0,
                seed: 42,
                version_7_18: true,
                cidr: (Ipv4Addr::new(172, 16, 2, 0), 23),
                identity: "saring-sim".into(),
                randomized_mac_fraction: 0.3,
                duplicate_row_fraction: 0.0,
                ip_binding_duplicates: true,
                profiles: Vec::new(),
                servers: vec!["hotspot1".into()],
                users: Vec::new(),
            },
        }
    }
}

impl SimulatorBuilder {
    /// Adds an API user (without any user, `admin` with an empty password exists).
    #[must_use]
    pub fn user(mut self, name: &str, password: &str) -> Self {
        self.users.push((name.to_owned(), password.to_owned()));
        self
    }

    /// Number of generated client devices (default 0).
    #[must_use]
    pub fn hosts(mut self, n: usize) -> Self {
        self.world.hosts = n;
        self
    }

    /// RNG seed for devices and traffic (default 42).
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.world.seed = seed;
        self
    }

    /// RouterOS 7.18+ behaviour (`!empty` on empty prints); default on.
    #[must_use]
    pub fn version_7_18(mut self, on: bool) -> Self {
        self.world.version_7_18 = on;
        self
    }

    /// Pre-6.43 challenge login only (default off = modern login).
    #[must_use]
    pub fn legacy_login(mut self, on: bool) -> Self {
        self.legacy_login = on;
        self
    }

    /// Hotspot client network (default 172.16.2.0/23; widened when too small for the
    /// number of hosts).
    #[must_use]
    pub fn cidr(mut self, network: Ipv4Addr, prefix: u8) -> Self {
        self.world.cidr = (network, prefix.clamp(8, 30));
        self
    }

    /// `/system/identity` name (default `saring-sim`).
    #[must_use]
    pub fn identity(mut self, name: &str) -> Self {
        name.clone_into(&mut self.world.identity);
        self
    }

    /// Share of generated MACs that are locally administered (randomized); default 0.3.
    #[must_use]
    pub fn randomized_mac_fraction(mut self, fraction: f64) -> Self {
        self.world.randomized_mac_fraction = fraction;
        self
    }

    /// Share of generated devices that also get a second host row with a stray
    /// (non-hotspot) address; default 0.
    #[must_use]
    pub fn duplicate_row_fraction(mut self, fraction: f64) -> Self {
        self.world.duplicate_row_fraction = fraction;
        self
    }

    /// Whether several ip-bindings may share a MAC (default true, like RouterOS).
    #[must_use]
    pub fn ip_binding_duplicates(mut self, allowed: bool) -> Self {
        self.world.ip_binding_duplicates = allowed;
        self
    }

    /// Adds a hotspot user profile (besides `default`).
    #[must_use]
    pub fn profile(mut self, name: &str, rate_limit: Option<&str>) -> Self {
        self.world
            .profiles
            .push((name.to_owned(), rate_limit.map(str::to_owned)));
        self
    }

    /// Adds a hotspot server (`/ip/hotspot` name). The first call replaces the default
    /// `hotspot1`; generated hosts join the first server.
    #[must_use]
    pub fn server(mut self, name: &str) -> Self {
        if self.world.servers == ["hotspot1"] {
            self.world.servers.clear();
        }
        self.world.servers.push(name.to_owned());
        self
    }

    /// Builds the simulator (devices are generated now).
    #[must_use]
    pub fn build(mut self) -> Simulator {
        self.world.users = if self.users.is_empty() {
            vec![("admin".into(), String::new())]
        } else {
            self.users
        };
        let (drop_tx, _) = watch::channel(0);
        Simulator {
            shared: Arc::new(Shared {
                version_7_18: self.world.version_7_18,
                world: Mutex::new(World::new(self.world)),
                faults: Mutex::new(Faults::default()),
                legacy_login: self.legacy_login,
                drop_tx,
                sessions: AtomicUsize::new(0),
                commands: AtomicU64::new(0),
                recording: Mutex::new(None),
            }),
        }
    }
}

/// A configured simulator, not yet listening.
#[derive(Debug, Clone)]
pub struct Simulator {
    shared: Arc<Shared>,
}

impl Simulator {
    /// A builder with defaults.
    #[must_use]
    pub fn builder() -> SimulatorBuilder {
        SimulatorBuilder::default()
    }

    /// Binds `addr` (e.g. `127.0.0.1:0`) and serves plain API there.
    pub async fn start(self, addr: impl ToSocketAddrs) -> std::io::Result<SimHandle> {
        let listener = TcpListener::bind(addr).await?;
        self.serve(listener)
    }

    /// Serves plain API on an already bound listener.
    pub fn serve(self, listener: TcpListener) -> std::io::Result<SimHandle> {
        let addr = listener.local_addr()?;
        let shared = self.shared;
        let task = tokio::spawn(accept_loop(listener, shared.clone(), None));
        Ok(SimHandle {
            shared,
            addr,
            tasks: Mutex::new(vec![task]),
        })
    }
}

async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    tls: Option<tokio_rustls::TlsAcceptor>,
) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        if lock(&shared.faults).down {
            drop(stream);
            continue;
        }
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        match &tls {
            None => {
                tokio::spawn(server::run_session(stream, shared));
            }
            Some(acceptor) => {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    match acceptor.accept(stream).await {
                        Ok(stream) => server::run_session(stream, shared).await,
                        Err(e) => tracing::debug!(error = %e, "simulator: TLS handshake failed"),
                    }
                });
            }
        }
    }
}

/// A device of the simulated hotspot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimDevice {
    /// Uppercase MAC.
    pub mac: String,
    /// Its hotspot IP.
    pub ip: Ipv4Addr,
    /// Whether the MAC is locally administered (randomized).
    pub randomized: bool,
    /// Whether it is online (generating traffic).
    pub online: bool,
}

/// A running simulator: its address, state for assertions, traffic and fault controls.
/// Dropping the handle stops the listeners and closes every session.
#[derive(Debug)]
pub struct SimHandle {
    shared: Arc<Shared>,
    addr: SocketAddr,
    tasks: Mutex<Vec<JoinHandle<()>>>,
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        for task in lock(&self.tasks).drain(..) {
            task.abort();
        }
        self.drop_connections();
    }
}

fn parse_mac(mac: &str) -> Result<String> {
    schema::normalize_mac(mac).ok_or_else(|| Error::Invalid(format!("bad MAC {mac:?}")))
}

impl SimHandle {
    /// The plain API listen address.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Also serves API-SSL on `addr` with this certificate chain and key (PEM); returns
    /// the bound address.
    pub async fn listen_tls(
        &self,
        addr: impl ToSocketAddrs,
        cert_pem: &[u8],
        key_pem: &[u8],
    ) -> Result<SocketAddr> {
        let config = crate::tls::server_config(cert_pem, key_pem)?;
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind(addr).await?;
        let bound = listener.local_addr()?;
        let task = tokio::spawn(accept_loop(listener, self.shared.clone(), Some(acceptor)));
        lock(&self.tasks).push(task);
        Ok(bound)
    }

    /// Runs `f` on the world under its lock, pending binding effects applied first.
    fn world<T>(&self, f: impl FnOnce(&mut World) -> T) -> T {
        let mut w = lock(&self.shared.world);
        w.settle();
        f(&mut w)
    }

    // ----- state for assertions -----

    /// Rows of any menu as a client would print them (all properties). Does not count
    /// as a read for [`SimHandle::bytes_lost_to_resets`].
    #[must_use]
    pub fn rows(&self, path: &str) -> Vec<Row> {
        self.world(|w| w.snapshot(path))
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .fold(Row::new(), |row, (k, v)| row.with(k, &v))
            })
            .collect()
    }

    /// Typed rows of a menu.
    pub fn typed<T: FromRow>(&self) -> Result<Vec<T>> {
        self.rows(T::PATH).iter().map(T::from_row).collect()
    }

    /// `/ip/firewall/address-list` rows.
    #[must_use]
    pub fn address_list(&self) -> Vec<AddressListEntry> {
        self.typed().unwrap_or_default()
    }

    /// `/ip/hotspot/ip-binding` rows.
    #[must_use]
    pub fn ip_bindings(&self) -> Vec<IpBinding> {
        self.typed().unwrap_or_default()
    }

    /// `/ip/hotspot/host` rows.
    #[must_use]
    pub fn hosts(&self) -> Vec<HotspotHost> {
        self.typed().unwrap_or_default()
    }

    /// The primary host row of a MAC.
    #[must_use]
    pub fn host(&self, mac: &str) -> Option<HotspotHost> {
        let mac = schema::normalize_mac(mac)?;
        let hosts = self.hosts();
        let ip = self
            .devices()
            .into_iter()
            .find(|d| d.mac == mac)?
            .ip
            .to_string();
        hosts
            .into_iter()
            .find(|h| h.mac_address == mac && h.address.as_deref() == Some(ip.as_str()))
    }

    /// `/ip/hotspot/user` rows.
    #[must_use]
    pub fn users(&self) -> Vec<HotspotUser> {
        self.typed().unwrap_or_default()
    }

    /// `/ip/hotspot/active` rows.
    #[must_use]
    pub fn active(&self) -> Vec<HotspotActive> {
        self.typed().unwrap_or_default()
    }

    /// `/ip/dhcp-server/lease` rows.
    #[must_use]
    pub fn leases(&self) -> Vec<DhcpLease> {
        self.typed().unwrap_or_default()
    }

    /// The simulated devices.
    #[must_use]
    pub fn devices(&self) -> Vec<SimDevice> {
        self.world(|w| {
            w.devices
                .iter()
                .map(|d| SimDevice {
                    mac: d.mac.clone(),
                    ip: d.ip,
                    randomized: u8::from_str_radix(&d.mac[..2], 16).is_ok_and(|b| b & 0x02 != 0),
                    online: d.online,
                })
                .collect()
        })
    }

    /// Runs a command on the world directly (no network), returning rows or the trap
    /// as an error. Handy to set up state in tests.
    pub fn exec(&self, path: &str, args: &[(&str, &str)]) -> Result<Vec<Row>> {
        let req = Request {
            path: path.to_owned(),
            args: args
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            queries: Vec::new(),
        };
        match self.world(|w| w.execute(&req)) {
            world::Outcome::Trap { message, category } => Err(Error::Trap { message, category }),
            world::Outcome::Done { rows, ret, .. } => {
                let mut out: Vec<Row> = rows
                    .into_iter()
                    .map(|r| {
                        r.into_iter()
                            .fold(Row::new(), |row, (k, v)| row.with(k, &v))
                    })
                    .collect();
                if let Some(ret) = ret {
                    out.push(Row::new().with("ret", &ret));
                }
                Ok(out)
            }
        }
    }

    /// Removes an item behind the clients' backs (e.g. an address-list entry expiring
    /// between a print and a set). Returns whether it existed.
    pub fn remove_item(&self, path: &str, id: &str) -> bool {
        self.world(|w| w.remove_item(path, id))
    }

    /// Number of open API sessions.
    #[must_use]
    pub fn sessions(&self) -> usize {
        self.shared.sessions.load(Ordering::SeqCst)
    }

    /// Number of commands received after login (excluding `/login`, `/cancel`, `/quit`).
    #[must_use]
    pub fn command_count(&self) -> u64 {
        self.shared.commands.load(Ordering::SeqCst)
    }

    /// Starts (or stops) recording every received sentence (passwords masked).
    pub fn record(&self, on: bool) {
        *lock(&self.shared.recording) = on.then(Vec::new);
    }

    /// The recorded sentences.
    #[must_use]
    pub fn recorded(&self) -> Vec<Vec<String>> {
        lock(&self.shared.recording).clone().unwrap_or_default()
    }

    /// The recorded commands that change something (all but `print` / `getall`).
    #[must_use]
    pub fn recorded_writes(&self) -> Vec<Vec<String>> {
        self.recorded()
            .into_iter()
            .filter(|s| {
                s.first()
                    .is_some_and(|w| !w.ends_with("/print") && !w.ends_with("/getall"))
            })
            .collect()
    }

    // ----- traffic and the clock -----

    /// Advances the simulated clock by `dt`; online devices generate traffic, timed
    /// address-list entries expire, idle offline hosts vanish.
    pub fn tick(&self, dt: Duration) {
        self.world(|w| w.tick(dt));
    }

    /// Time on the simulated clock.
    #[must_use]
    pub fn now(&self) -> Duration {
        Duration::from_millis(self.world(|w| w.now_ms))
    }

    /// Ticks `interval` every `interval` of real time until the handle is dropped (for
    /// the demo: live traffic).
    pub fn auto_traffic(&self, interval: Duration) {
        let shared = Arc::downgrade(&self.shared);
        let interval = interval.max(Duration::from_millis(10));
        let task = tokio::spawn(async move {
            let mut ticker = tokio::time::interval(interval);
            ticker.tick().await;
            loop {
                ticker.tick().await;
                let Some(shared) = shared.upgrade() else {
                    return;
                };
                lock(&shared.world).tick(interval);
            }
        });
        lock(&self.tasks).push(task);
    }

    /// Adds a device (MAC, IP) that appears at once with a new host row; if the MAC is
    /// already known, adds a second (duplicate) host row with that IP. Returns the
    /// host row's `.id`.
    pub fn add_host(&self, mac: &str, ip: Ipv4Addr) -> Result<String> {
        let mac = parse_mac(mac)?;
        Ok(world::format_id(self.world(
            |w| match w.device_index(&mac) {
                Some(idx) => w.new_host_row(idx, ip, false),
                None => {
                    let idx = w.add_device(mac, ip);
                    w.hosts
                        .values()
                        .filter(|h| h.device == idx)
                        .map(|h| h.id)
                        .max()
                        .unwrap_or_default()
                }
            },
        )))
    }

    /// Recreates the host row of a MAC (new `.id`, counters and uptime reset), as after
    /// a hotspot re-evaluation. Returns the new id (`None` if blocked by a binding).
    pub fn recreate_host(&self, mac: &str) -> Result<Option<String>> {
        let mac = parse_mac(mac)?;
        self.world(|w| {
            let idx = w
                .device_index(&mac)
                .ok_or_else(|| Error::Invalid(format!("unknown device {mac}")))?;
            Ok(w.recreate_host(idx).map(world::format_id))
        })
    }

    /// Takes a device off-line (no traffic; its row goes after the 5 min idle timeout)
    /// or back on-line (a new row if it had none).
    pub fn set_online(&self, mac: &str, online: bool) -> Result<()> {
        let mac = parse_mac(mac)?;
        self.world(|w| {
            let idx = w
                .device_index(&mac)
                .ok_or_else(|| Error::Invalid(format!("unknown device {mac}")))?;
            w.set_online(idx, online);
            Ok(())
        })
    }

    /// Makes a host row (by `.id`) idle for `idle`, as one left behind by a client that
    /// roamed away; `false` if there is no such row.
    pub fn backdate_host(&self, id: &str, idle: Duration) -> bool {
        let ms = u64::try_from(idle.as_millis()).unwrap_or(u64::MAX);
        self.world(|w| w.backdate_host(id, ms))
    }

    /// Marks a MAC's DHCP leases `waiting`, last seen `ago` (the client left); returns how
    /// many changed.
    pub fn age_leases(&self, mac: &str, ago: Duration) -> usize {
        let ms = u64::try_from(ago.as_millis()).unwrap_or(u64::MAX);
        self.world(|w| w.age_leases(mac, ms))
    }

    /// Bytes counted on host rows that no print returned before the row was reset
    /// (removed, recreated, rebooted): the most a quota sync could have lost.
    #[must_use]
    pub fn bytes_lost_to_resets(&self) -> u64 {
        self.world(|w| w.bytes_lost())
    }

    /// [`SimHandle::bytes_lost_to_resets`] for one MAC.
    #[must_use]
    pub fn bytes_lost_for(&self, mac: &str) -> u64 {
        let mac = schema::normalize_mac(mac).unwrap_or_default();
        self.world(|w| w.lost_by_mac.get(&mac).copied().unwrap_or_default())
    }

    // ----- faults -----

    /// Closes every open session at once, without replies (router gone).
    pub fn drop_connections(&self) {
        self.shared.drop_tx.send_modify(|g| *g += 1);
    }

    /// Takes the router off the network (`true`): open sessions drop and new connections
    /// are closed at once, as when the router is switched off; `false` brings it back.
    pub fn set_down(&self, down: bool) {
        lock(&self.shared.faults).down = down;
        if down {
            self.drop_connections();
        }
    }

    /// Delays every reply by `delay` (zero = off).
    pub fn delay_replies(&self, delay: Duration) {
        lock(&self.shared.faults).delay = delay;
    }

    /// Delays replies to commands whose path starts with `prefix`.
    pub fn delay_command(&self, prefix: &str, delay: Duration) {
        lock(&self.shared.faults)
            .delay_by_prefix
            .push((prefix.to_owned(), delay));
    }

    /// The `n`-th command from now (1 = the next) gets `!trap =message=<message>`.
    pub fn fail_nth_command(&self, n: u64, message: &str) {
        lock(&self.shared.faults).fail_nth = Some((n.max(1), message.to_owned()));
    }

    /// The `n`-th command from now (1 = the next) makes the router drop that
    /// connection without replying.
    pub fn drop_on_nth_command(&self, n: u64) {
        lock(&self.shared.faults).drop_nth = Some(n.max(1));
    }

    /// The next command gets a malformed reply.
    pub fn malformed_next_reply(&self, kind: Malformed) {
        lock(&self.shared.faults).malformed_next = Some(kind);
    }

    /// Clears every fault switch.
    pub fn clear_faults(&self) {
        *lock(&self.shared.faults) = Faults::default();
    }

    /// Reboots the router: connections drop, host rows and sessions and dynamic entries
    /// vanish, devices reappear with new ids and zeroed counters, uptime restarts.
    pub fn reboot(&self) {
        self.world(World::reboot);
        self.drop_connections();
    }
}
