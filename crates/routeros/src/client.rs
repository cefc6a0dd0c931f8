//! One API connection: login, tagged multiplexing, `/cancel`, timeouts.
//!
//! A writer task sends sentences (batching what is queued), a single reader task decodes
//! replies and dispatches them by `.tag` to the command waiting for them, so many
//! commands can be in flight on one connection. `!fatal`, EOF or a malformed reply fail
//! every pending command and mark the connection dead.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use bytes::{BufMut, Bytes, BytesMut};
use md5::{Digest, Md5};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::command::{Command, Response};
use crate::error::{Error, Result};
use crate::proto::{Decoder, encode_length, encode_word};
use crate::reply::{Reply, ReplyKind};
use crate::tls::{TlsOptions, client_config, server_name};

/// Default plain API port.
pub const DEFAULT_PORT: u16 = 8728;
/// Default API-SSL port.
pub const DEFAULT_TLS_PORT: u16 = 8729;

/// How to log in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LoginMethod {
    /// Send `/login =name= =password=` (RouterOS ≥ 6.43); if the router answers with a
    /// challenge (`=ret=`), continue with the pre-6.43 MD5 response.
    #[default]
    Auto,
    /// Only the modern plain login.
    Modern,
    /// Only the pre-6.43 challenge/response login.
    Legacy,
}

/// Where and how to connect to one router.
#[derive(Clone, PartialEq, Eq)]
pub struct ConnectOptions {
    /// Host name or IP address.
    pub host: String,
    /// Port; `None` = 8728, or 8729 with TLS.
    pub port: Option<u16>,
    /// API user.
    pub username: String,
    /// API password (never printed by `Debug`).
    pub password: String,
    /// TLS (API-SSL) settings; `None` = plain API.
    pub tls: Option<TlsOptions>,
    /// Limit for TCP connect + TLS handshake + login.
    pub connect_timeout: Duration,
    /// Default limit for one command.
    pub command_timeout: Duration,
    /// Login method.
    pub login: LoginMethod,
}

impl fmt::Debug for ConnectOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectOptions")
            .field("host", &self.host)
            .field("port", &self.effective_port())
            .field("username", &self.username)
            .field("password", &"***")
            .field("tls", &self.tls)
            .field("connect_timeout", &self.connect_timeout)
            .field("command_timeout", &self.command_timeout)
            .field("login", &self.login)
            .finish()
    }
}

impl ConnectOptions {
    /// Plain API on the default port, 10 s connect timeout, 30 s command timeout.
    #[must_use]
    pub fn new(
        host: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        Self {
            host: host.into(),
            port: None,
            username: username.into(),
            password: password.into(),
            tls: None,
            connect_timeout: Duration::from_secs(10),
            command_timeout: Duration::from_secs(30),
            login: LoginMethod::Auto,
        }
    }

    /// Options for `addr` (e.g. a simulator's `SocketAddr`).
    #[must_use]
    pub fn for_addr(addr: std::net::SocketAddr, username: &str, password: &str) -> Self {
        Self::new(addr.ip().to_string(), username, password).port(addr.port())
    }

    /// Sets the port.
    #[must_use]
    pub fn port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }

    /// Enables TLS.
    #[must_use]
    pub fn tls(mut self, tls: TlsOptions) -> Self {
        self.tls = Some(tls);
        self
    }

    /// Sets the connect timeout.
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the default per-command timeout.
    #[must_use]
    pub fn command_timeout(mut self, timeout: Duration) -> Self {
        self.command_timeout = timeout;
        self
    }

    /// Sets the login method.
    #[must_use]
    pub fn login_method(mut self, login: LoginMethod) -> Self {
        self.login = login;
        self
    }

    /// The effective port.
    #[must_use]
    pub fn effective_port(&self) -> u16 {
        self.port.unwrap_or(if self.tls.is_some() {
            DEFAULT_TLS_PORT
        } else {
            DEFAULT_PORT
        })
    }

    /// `host:port` for messages.
    #[must_use]
    pub fn endpoint(&self) -> String {
        format!("{}:{}", self.host, self.effective_port())
    }
}

/// The pre-6.43 login response: `00` + hex(MD5(0x00 ‖ password ‖ challenge)).
pub fn legacy_login_response(password: &str, challenge_hex: &str) -> Result<String> {
    let challenge = hex::decode(challenge_hex.trim())
        .map_err(|e| Error::Protocol(format!("bad login challenge: {e}")))?;
    let mut md5 = Md5::new();
    md5.update([0u8]);
    md5.update(password.as_bytes());
    md5.update(&challenge);
    Ok(format!("00{}", hex::encode(md5.finalize())))
}

struct Pending {
    rows: Vec<crate::reply::Row>,
    empty: bool,
    trap: Option<Error>,
    cancel_requested: bool,
    done: oneshot::Sender<Result<Response>>,
}

/// Tags are sequential numbers: a multiplicative hash is plenty (SipHash costs more
/// than the rest of dispatch).
#[derive(Default)]
struct TagHasher(u64);

impl std::hash::Hasher for TagHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01B3);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// The ASCII decimal digits of `n` (no allocation).
fn decimal(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[i..];
        }
    }
}

#[derive(Default)]
struct State {
    pending: HashMap<u64, Pending, std::hash::BuildHasherDefault<TagHasher>>,
    dead: Option<Error>,
}

struct Shared {
    state: Mutex<State>,
    next_tag: AtomicU64,
    tx: mpsc::UnboundedSender<Bytes>,
    endpoint: String,
    shutdown: tokio::sync::Notify,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A poisoned lock only means another task panicked mid-update; the map is still
        // consistent enough to fail everything.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn fail_all(&self, err: Error) {
        let drained: Vec<Pending> = {
            let mut state = self.lock();
            if state.dead.is_none() {
                state.dead = Some(err.clone());
            }
            state.pending.drain().map(|(_, p)| p).collect()
        };
        self.shutdown.notify_one();
        if !drained.is_empty() {
            tracing::debug!(endpoint = %self.endpoint, error = %err, pending = drained.len(), "failing pending router commands");
        }
        for p in drained {
            let _ = p.done.send(Err(err.clone()));
        }
    }

    fn dispatch(&self, reply: Reply) -> Result<()> {
        if reply.kind == ReplyKind::Fatal {
            let reason = reply.reason.unwrap_or_default();
            return Err(Error::Fatal { reason });
        }
        let mut state = self.lock();
        let tag = match &reply.tag {
            Some(raw) => std::str::from_utf8(raw)
                .ok()
                .and_then(|t| t.parse::<u64>().ok())
                .ok_or_else(|| {
                    Error::Protocol(format!("unexpected tag {:?}", String::from_utf8_lossy(raw)))
                })?,
            None if state.pending.len() == 1 => {
                state.pending.keys().next().copied().unwrap_or_default()
            }
            None => {
                return Err(Error::Protocol(format!(
                    "untagged {} reply",
                    reply.kind.word()
                )));
            }
        };
        let Some(pending) = state.pending.get_mut(&tag) else {
            // A command we gave up on (timeout) still finishing: ignore.
            tracing::trace!(tag, "reply for an abandoned command");
            return Ok(());
        };
        match reply.kind {
            ReplyKind::Re => pending.rows.push(reply.row),
            ReplyKind::Empty => pending.empty = true,
            ReplyKind::Trap => {
                if pending.trap.is_none() {
                    let err = reply.trap_error();
                    pending.trap = Some(match err {
                        Error::Trap {
                            category: Some(2), ..
                        } if pending.cancel_requested => Error::Cancelled,
                        other => other,
                    });
                }
            }
            ReplyKind::Done => {
                if let Some(p) = state.pending.remove(&tag) {
                    drop(state);
                    let result = match p.trap {
                        Some(err) => Err(err),
                        None => Ok(Response {
                            rows: p.rows,
                            done: reply.row,
                            empty: p.empty,
                        }),
                    };
                    let _ = p.done.send(result);
                }
            }
            ReplyKind::Fatal => {}
        }
        Ok(())
    }
}

struct Tasks {
    reader: JoinHandle<()>,
    writer: JoinHandle<()>,
}

impl Drop for Tasks {
    fn drop(&mut self) {
        self.reader.abort();
        self.writer.abort();
    }
}

/// One logged-in API connection. Cheap to clone (clones share the connection); the
/// connection closes when the last clone is dropped.
#[derive(Clone)]
pub struct Connection {
    shared: Arc<Shared>,
    _tasks: Arc<Tasks>,
    command_timeout: Duration,
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("endpoint", &self.shared.endpoint)
            .field("alive", &self.is_alive())
            .finish()
    }
}

/// A command that has been sent and not yet finished.
#[derive(Debug)]
pub struct InFlight {
    tag: u64,
    rx: oneshot::Receiver<Result<Response>>,
}

impl InFlight {
    /// The command's `.tag`.
    #[must_use]
    pub fn tag(&self) -> u64 {
        self.tag
    }

    /// Waits for the command's `!done` (or its failure).
    pub async fn wait(self) -> Result<Response> {
        self.rx.await.unwrap_or(Err(Error::ConnectionClosed))
    }
}

impl Connection {
    /// Connects (TCP, optional TLS) and logs in, all within `connect_timeout`.
    pub async fn connect(options: &ConnectOptions) -> Result<Self> {
        let limit = options.connect_timeout;
        match tokio::time::timeout(limit, Self::connect_inner(options)).await {
            Ok(result) => result,
            Err(_) => Err(Error::Timeout(limit)),
        }
    }

    async fn connect_inner(options: &ConnectOptions) -> Result<Self> {
        let stream = TcpStream::connect((options.host.as_str(), options.effective_port()))
            .await
            .map_err(|e| Error::Io(format!("connect to {}: {e}", options.endpoint())))?;
        let _ = stream.set_nodelay(true);
        let conn = match &options.tls {
            None => Self::from_stream(stream, options.endpoint(), options.command_timeout),
            Some(tls) => {
                let connector = tokio_rustls::TlsConnector::from(Arc::new(client_config(tls)?));
                let name = server_name(tls, &options.host)?;
                let stream = connector.connect(name, stream).await.map_err(|e| {
                    Error::Tls(format!("handshake with {}: {e}", options.endpoint()))
                })?;
                Self::from_stream(stream, options.endpoint(), options.command_timeout)
            }
        };
        conn.login(&options.username, &options.password, options.login)
            .await?;
        tracing::debug!(endpoint = %options.endpoint(), "router connection ready");
        Ok(conn)
    }

    /// Wraps an already connected stream (not logged in yet) and starts the reader and
    /// writer tasks.
    pub fn from_stream<S>(stream: S, endpoint: String, command_timeout: Duration) -> Self
    where
        S: AsyncRead + AsyncWrite + Send + Unpin + 'static,
    {
        let (read, write) = tokio::io::split(stream);
        let (tx, rx) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            next_tag: AtomicU64::new(1),
            tx,
            endpoint,
            shutdown: tokio::sync::Notify::new(),
        });
        let reader = tokio::spawn(read_loop(read, shared.clone()));
        let writer = tokio::spawn(write_loop(write, rx, shared.clone()));
        Self {
            shared,
            _tasks: Arc::new(Tasks { reader, writer }),
            command_timeout,
        }
    }

    /// Logs in with `method` (see [`LoginMethod`]). A refused login is [`Error::Login`].
    pub async fn login(&self, username: &str, password: &str, method: LoginMethod) -> Result<()> {
        let challenge = match method {
            LoginMethod::Legacy => self.login_step(Command::new("/login")).await?.ret(),
            LoginMethod::Auto | LoginMethod::Modern => {
                let modern = Command::new("/login")
                    .attr("name", username)
                    .attr("password", password);
                let ret = self.login_step(modern).await?.ret();
                if method == LoginMethod::Modern {
                    return Ok(());
                }
                ret
            }
        };
        let Some(challenge) = challenge else {
            return if method == LoginMethod::Legacy {
                Err(Error::Login {
                    message: "router sent no login challenge".into(),
                })
            } else {
                Ok(())
            };
        };
        let response = legacy_login_response(password, &challenge)?;
        self.login_step(
            Command::new("/login")
                .attr("name", username)
                .attr("response", response),
        )
        .await
        .map(drop)
    }

    async fn login_step(&self, cmd: Command) -> Result<Response> {
        self.execute(&cmd).await.map_err(|e| match e {
            Error::Trap { message, .. } => Error::Login { message },
            other => other,
        })
    }

    /// Whether the connection can still carry commands.
    #[must_use]
    pub fn is_alive(&self) -> bool {
        self.shared.lock().dead.is_none() && !self.shared.tx.is_closed()
    }

    /// Number of commands waiting for their `!done`.
    #[must_use]
    pub fn in_flight(&self) -> usize {
        self.shared.lock().pending.len()
    }

    /// `host:port` of the router.
    #[must_use]
    pub fn endpoint(&self) -> &str {
        &self.shared.endpoint
    }

    /// The default per-command timeout.
    #[must_use]
    pub fn command_timeout(&self) -> Duration {
        self.command_timeout
    }

    /// Sends a command without waiting; returns a handle to wait on or cancel by tag.
    pub fn start(&self, cmd: &Command) -> Result<InFlight> {
        let (done, rx) = oneshot::channel();
        let tag = self.shared.next_tag.fetch_add(1, Ordering::Relaxed);
        {
            let mut state = self.shared.lock();
            if let Some(err) = &state.dead {
                return Err(dead_error(err));
            }
            state.pending.insert(
                tag,
                Pending {
                    rows: Vec::new(),
                    empty: false,
                    trap: None,
                    cancel_requested: false,
                    done,
                },
            );
        }
        let mut buf =
            BytesMut::with_capacity(cmd.words().iter().map(|w| w.len() + 2).sum::<usize>() + 32);
        for word in cmd.words() {
            encode_word(word, &mut buf);
        }
        let mut digits = [0u8; 20];
        let digits = decimal(tag, &mut digits);
        encode_length(
            u32::try_from(digits.len() + 5).unwrap_or(u32::MAX),
            &mut buf,
        );
        buf.put_slice(b".tag=");
        buf.put_slice(digits);
        buf.put_u8(0);
        if self.shared.tx.send(buf.freeze()).is_err() {
            self.shared.lock().pending.remove(&tag);
            return Err(Error::ConnectionClosed);
        }
        Ok(InFlight { tag, rx })
    }

    /// Runs a command with the default timeout.
    pub async fn execute(&self, cmd: &Command) -> Result<Response> {
        self.execute_timeout(cmd, self.command_timeout).await
    }

    /// Runs a command with an explicit timeout. On timeout the command is cancelled on
    /// the router (best effort) and [`Error::Timeout`] returned; the connection stays
    /// usable.
    pub async fn execute_timeout(&self, cmd: &Command, limit: Duration) -> Result<Response> {
        let started = Instant::now();
        let result = match self.start(cmd) {
            Err(e) => Err(e),
            Ok(flight) => self.wait_for(flight, limit).await,
        };
        record_metrics(&cmd.path(), started.elapsed(), result.as_ref().err());
        result
    }

    /// Waits for a started command at most `limit`; on timeout cancels it on the router.
    pub async fn wait_for(&self, flight: InFlight, limit: Duration) -> Result<Response> {
        let tag = flight.tag;
        match tokio::time::timeout(limit, flight.wait()).await {
            Ok(result) => result,
            Err(_) => {
                self.abandon(tag);
                Err(Error::Timeout(limit))
            }
        }
    }

    /// Forgets a command and asks the router to cancel it, without waiting.
    fn abandon(&self, tag: u64) {
        self.shared.lock().pending.remove(&tag);
        let _ = self.start(&Command::new("/cancel").attr("tag", tag.to_string()));
    }

    /// Cancels the command with `tag` (`/cancel =tag=`). Its waiter then gets
    /// [`Error::Cancelled`]. Returns when the router acknowledged the cancel.
    pub async fn cancel(&self, tag: u64) -> Result<()> {
        if let Some(p) = self.shared.lock().pending.get_mut(&tag) {
            p.cancel_requested = true;
        }
        self.execute(&Command::new("/cancel").attr("tag", tag.to_string()))
            .await
            .map(drop)
    }

    /// Sends `/quit` and closes the connection.
    pub async fn close(&self) {
        let _ = self.start(&Command::new("/quit"));
        let _ = tokio::time::timeout(Duration::from_millis(200), async {
            while self.is_alive() {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
        .await;
        self.shared.fail_all(Error::ConnectionClosed);
    }
}

fn dead_error(err: &Error) -> Error {
    match err {
        Error::Fatal { .. } | Error::Protocol(_) => err.clone(),
        _ => Error::ConnectionClosed,
    }
}

pub(crate) fn record_metrics(path: &str, elapsed: Duration, error: Option<&Error>) {
    let command = metrics::Label::new("command", path.to_owned());
    if let Some(err) = error {
        let labels = vec![command.clone(), metrics::Label::new("kind", err.kind())];
        metrics::counter!("routeros_command_errors_total", labels).increment(1);
        tracing::debug!(command = path, error = %err, elapsed_ms = elapsed.as_millis(), "router command failed");
    }
    metrics::histogram!("routeros_command_duration_seconds", vec![command])
        .record(elapsed.as_secs_f64());
}

async fn read_loop<R: AsyncRead + Unpin>(mut read: R, shared: Arc<Shared>) {
    let mut buf = BytesMut::with_capacity(64 * 1024);
    let mut decoder = Decoder::new();
    let err = loop {
        match decoder.decode(&mut buf) {
            Ok(Some(sentence)) => {
                if let Err(e) = Reply::parse(sentence).and_then(|r| shared.dispatch(r)) {
                    break e;
                }
                continue;
            }
            Ok(None) => {}
            Err(e) => break e.into(),
        }
        if buf.capacity() - buf.len() < 4096 {
            buf.reserve(64 * 1024);
        }
        match read.read_buf(&mut buf).await {
            Ok(0) => break Error::ConnectionClosed,
            Ok(_) => {}
            Err(e) => break e.into(),
        }
    };
    match &err {
        Error::Protocol(msg) => {
            tracing::warn!(endpoint = %shared.endpoint, error = %msg, "malformed router reply; dropping connection")
        }
        Error::Fatal { reason } => {
            tracing::debug!(endpoint = %shared.endpoint, reason = %reason, "router sent !fatal")
        }
        _ => tracing::debug!(endpoint = %shared.endpoint, error = %err, "router connection closed"),
    }
    shared.fail_all(err);
}

async fn write_loop<W: AsyncWrite + Unpin>(
    mut write: W,
    mut rx: mpsc::UnboundedReceiver<Bytes>,
    shared: Arc<Shared>,
) {
    let mut batch = BytesMut::new();
    loop {
        let first = tokio::select! {
            next = rx.recv() => match next {
                Some(bytes) => bytes,
                None => break,
            },
            () = shared.shutdown.notified() => break,
        };
        batch.extend_from_slice(&first);
        while batch.len() < 256 * 1024 {
            match rx.try_recv() {
                Ok(more) => batch.extend_from_slice(&more),
                Err(_) => break,
            }
        }
        let result = async {
            write.write_all(&batch).await?;
            write.flush().await
        }
        .await;
        batch.clear();
        if let Err(e) = result {
            shared.fail_all(e.into());
            break;
        }
    }
    rx.close();
    let _ = write.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_digits() {
        let mut buf = [0u8; 20];
        assert_eq!(decimal(0, &mut buf), b"0");
        assert_eq!(decimal(1207, &mut buf), b"1207");
        assert_eq!(decimal(u64::MAX, &mut buf), u64::MAX.to_string().as_bytes());
    }

    #[test]
    fn legacy_response_vector() {
        assert_eq!(
            legacy_login_response("passTest", "abc123").unwrap(),
            "0021277bff9ac7caf06aa608e46616d47f"
        );
    }

    #[test]
    fn options_debug_hides_password() {
        let o = ConnectOptions::new("10.0.0.1", "admin", "s3cret");
        assert!(!format!("{o:?}").contains("s3cret"));
        assert_eq!(o.effective_port(), 8728);
        assert_eq!(o.tls(TlsOptions::insecure()).effective_port(), 8729);
    }
}
