//! The simulator's API server: sessions, login, tags, `/cancel`, `/quit`, fault
//! injection and reply encoding.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::{BufMut, Bytes, BytesMut};
use md5::{Digest, Md5};
use rand::Rng;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use tokio::task::AbortHandle;

use crate::proto::{Decoder, Sentence, encode_length, encode_word, lossy};
use crate::sim::world::{Outcome, Request};
use crate::sim::{Malformed, Shared, lock};

/// Fault switches (set through `SimHandle`).
#[derive(Debug, Default)]
pub(crate) struct Faults {
    pub delay: Duration,
    pub delay_by_prefix: Vec<(String, Duration)>,
    /// (commands left before the failing one, trap message)
    pub fail_nth: Option<(u64, String)>,
    /// commands left before the connection is dropped without a reply
    pub drop_nth: Option<u64>,
    pub malformed_next: Option<Malformed>,
    /// Router unreachable: new connections are closed at once (see `SimHandle::set_down`).
    pub down: bool,
}

enum Step {
    Continue,
    /// Flush what is queued, then close.
    Close,
    /// Close at once without flushing (router gone).
    Abort,
}

enum FaultAction {
    None,
    Fail(String),
    Drop,
    Malformed(Malformed),
}

impl Faults {
    fn on_command(&mut self, path: &str) -> (FaultAction, Duration) {
        let delay = self
            .delay_by_prefix
            .iter()
            .find(|(prefix, _)| path.starts_with(prefix.as_str()))
            .map_or(self.delay, |(_, d)| *d);
        let countdown = |slot: &mut Option<u64>| match slot {
            Some(0) | Some(1) => {
                *slot = None;
                true
            }
            Some(n) => {
                *n -= 1;
                false
            }
            None => false,
        };
        if countdown(&mut self.drop_nth) {
            return (FaultAction::Drop, delay);
        }
        let mut nth = self.fail_nth.as_ref().map(|(n, _)| *n);
        if countdown(&mut nth) {
            let message = self.fail_nth.take().map(|(_, m)| m).unwrap_or_default();
            return (FaultAction::Fail(message), delay);
        }
        if let (Some(n), Some((slot, _))) = (nth, self.fail_nth.as_mut()) {
            *slot = n;
        }
        if let Some(kind) = self.malformed_next.take() {
            return (FaultAction::Malformed(kind), delay);
        }
        (FaultAction::None, delay)
    }
}

/// Appends the word `=k=v` without building it first.
fn put_attr(out: &mut BytesMut, k: &[u8], v: &[u8]) {
    encode_length(
        u32::try_from(k.len() + v.len() + 2).unwrap_or(u32::MAX),
        out,
    );
    out.put_u8(b'=');
    out.put_slice(k);
    out.put_u8(b'=');
    out.put_slice(v);
}

/// Appends one reply sentence: reply word, `=k=v` attributes, optional `.tag`.
fn put_sentence<'a>(
    out: &mut BytesMut,
    reply: &str,
    attrs: impl IntoIterator<Item = (&'a str, &'a str)>,
    tag: Option<&[u8]>,
) {
    encode_word(reply.as_bytes(), out);
    for (k, v) in attrs {
        put_attr(out, k.as_bytes(), v.as_bytes());
    }
    if let Some(tag) = tag {
        encode_length(u32::try_from(tag.len() + 5).unwrap_or(u32::MAX), out);
        out.put_slice(b".tag=");
        out.put_slice(tag);
    }
    out.put_u8(0);
}

fn put_trap(out: &mut BytesMut, message: &str, category: Option<u8>, tag: Option<&[u8]>) {
    let category = category.map(|c| c.to_string());
    let attrs = category
        .iter()
        .map(|c| ("category", c.as_str()))
        .chain([("message", message)]);
    put_sentence(out, "!trap", attrs, tag);
    put_sentence(out, "!done", [], tag);
}

fn trap_bytes(message: &str, category: Option<u8>, tag: Option<&[u8]>) -> BytesMut {
    let mut out = BytesMut::new();
    put_trap(&mut out, message, category, tag);
    out
}

fn done_bytes(ret: Option<&str>, tag: Option<&[u8]>) -> BytesMut {
    let mut out = BytesMut::new();
    put_sentence(&mut out, "!done", ret.map(|r| ("ret", r)), tag);
    out
}

fn fatal_bytes(reason: &str) -> BytesMut {
    let mut out = BytesMut::new();
    encode_word(b"!fatal", &mut out);
    encode_word(reason.as_bytes(), &mut out);
    out.put_u8(0);
    out
}

/// Appends a command's outcome to `out`.
fn put_outcome(out: &mut BytesMut, outcome: &Outcome, tag: Option<&[u8]>, send_empty: bool) {
    match outcome {
        Outcome::Trap { message, category } => put_trap(out, message, *category, tag),
        Outcome::Done { rows, ret, listing } => {
            let size: usize = rows
                .iter()
                .flat_map(|r| r.iter())
                .map(|(k, v)| k.len() + v.len() + 4)
                .sum();
            out.reserve(size + rows.len() * 16 + 32);
            for row in rows {
                put_sentence(out, "!re", row.iter().map(|(k, v)| (*k, v.as_str())), tag);
            }
            if *listing && rows.is_empty() && send_empty {
                put_sentence(out, "!empty", [], tag);
            }
            put_sentence(out, "!done", ret.as_deref().map(|r| ("ret", r)), tag);
        }
    }
}

fn malformed_bytes(kind: Malformed, tag: Option<&[u8]>) -> BytesMut {
    let mut out = BytesMut::new();
    match kind {
        Malformed::UnknownReplyWord => put_sentence(&mut out, "!bogus", [], tag),
        Malformed::GarbageWord => {
            encode_word(b"!re", &mut out);
            encode_word(b"\x01garbage-without-equals", &mut out);
            out.put_u8(0);
        }
        Malformed::ControlByte => out.put_slice(&[0xF8, 0x00]),
    }
    out
}

type InFlightMap = Arc<Mutex<HashMap<Vec<u8>, AbortHandle>>>;

struct Session {
    shared: Arc<Shared>,
    tx: mpsc::UnboundedSender<Bytes>,
    /// Replies of the sentences handled since the last read, sent as one chunk.
    out: BytesMut,
    logged_in: bool,
    challenge: Option<[u8; 16]>,
    in_flight: InFlightMap,
}

/// Runs one client connection until it ends, the client quits, or faults drop it.
pub(crate) async fn run_session<S>(stream: S, shared: Arc<Shared>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    shared.sessions.fetch_add(1, Ordering::SeqCst);
    let mut drops = shared.drop_tx.subscribe();
    let (mut read, mut write) = tokio::io::split(stream);
    let (tx, mut rx) = mpsc::unbounded_channel::<Bytes>();
    let writer = tokio::spawn(async move {
        let mut batch = BytesMut::new();
        while let Some(first) = rx.recv().await {
            let result = match rx.try_recv() {
                // A lone reply (e.g. a big print) is written without copying.
                Err(_) => write.write_all(&first).await,
                Ok(second) => {
                    batch.extend_from_slice(&first);
                    batch.extend_from_slice(&second);
                    while let Ok(more) = rx.try_recv() {
                        batch.extend_from_slice(&more);
                        if batch.len() >= 1 << 20 {
                            break;
                        }
                    }
                    let written = write.write_all(&batch).await;
                    batch.clear();
                    written
                }
            };
            if result.is_err() || write.flush().await.is_err() {
                return;
            }
        }
        let _ = write.shutdown().await;
    });
    let mut session = Session {
        shared: shared.clone(),
        tx,
        out: BytesMut::new(),
        logged_in: false,
        challenge: None,
        in_flight: Arc::default(),
    };
    let mut buf = BytesMut::with_capacity(16 * 1024);
    let mut decoder = Decoder::new();
    let step = 'outer: loop {
        loop {
            match decoder.decode(&mut buf) {
                Ok(Some(sentence)) => match session.handle(sentence) {
                    Step::Continue => {}
                    other => break 'outer other,
                },
                Ok(None) => break,
                // A client sending control bytes or oversized words: RouterOS hangs up.
                Err(_) => break 'outer Step::Abort,
            }
        }
        session.flush();
        tokio::select! {
            read = read.read_buf(&mut buf) => match read {
                Ok(0) | Err(_) => break Step::Close,
                Ok(_) => {}
            },
            _ = drops.changed() => break Step::Abort,
        }
    };
    session.flush();
    for (_, handle) in lock(&session.in_flight).drain() {
        handle.abort();
    }
    drop(session);
    match step {
        Step::Abort => writer.abort(),
        Step::Close | Step::Continue => {
            let _ = tokio::time::timeout(Duration::from_secs(2), writer).await;
        }
    }
    shared.sessions.fetch_sub(1, Ordering::SeqCst);
}

fn parse_request(sentence: Sentence) -> (Request, Option<Vec<u8>>) {
    let mut words = sentence.into_iter();
    let path = words
        .next()
        .map(|w| lossy(&w).into_owned())
        .unwrap_or_default();
    let mut req = Request {
        path,
        ..Request::default()
    };
    let mut tag = None;
    for word in words {
        if let Some(rest) = word.strip_prefix(b"=") {
            let text = lossy(rest);
            let (k, v) = text.split_once('=').unwrap_or((&text, ""));
            req.args.push((k.to_owned(), v.to_owned()));
        } else if let Some(t) = word.strip_prefix(b".tag=") {
            tag = Some(t.to_vec());
        } else if let Some(q) = word.strip_prefix(b"?") {
            req.queries.push(lossy(q).into_owned());
        } else if let Some(rest) = word.strip_prefix(b".") {
            // API attribute words such as `.proplist=` sent bare.
            let text = lossy(rest);
            if let Some((k, v)) = text.split_once('=') {
                req.args.push((format!(".{k}"), v.to_owned()));
            }
        }
    }
    (req, tag)
}

impl Session {
    fn send(&mut self, bytes: BytesMut) {
        if self.out.is_empty() {
            self.out = bytes;
        } else {
            self.out.extend_from_slice(&bytes);
        }
    }

    fn flush(&mut self) {
        if !self.out.is_empty() {
            let _ = self.tx.send(self.out.split().freeze());
        }
    }

    fn handle(&mut self, sentence: Sentence) -> Step {
        let (req, tag) = parse_request(sentence);
        let tag = tag.as_deref();
        self.shared.record(&req, tag);
        match req.path.as_str() {
            "/quit" => {
                self.send(fatal_bytes("session terminated on request"));
                return Step::Close;
            }
            "/login" => {
                self.login(&req, tag);
                return Step::Continue;
            }
            _ if !self.logged_in => {
                self.send(fatal_bytes("not logged in"));
                return Step::Close;
            }
            "/cancel" => {
                self.cancel(&req, tag);
                return Step::Continue;
            }
            _ => {}
        }
        self.shared.commands.fetch_add(1, Ordering::SeqCst);
        let (action, delay) = lock(&self.shared.faults).on_command(&req.path);
        let bytes = match action {
            FaultAction::Drop => return Step::Abort,
            FaultAction::Fail(message) => trap_bytes(&message, None, tag),
            FaultAction::Malformed(kind) => malformed_bytes(kind, tag),
            FaultAction::None => {
                let outcome = lock(&self.shared.world).execute(&req);
                if delay.is_zero() {
                    // The common case: straight into the pending output.
                    put_outcome(&mut self.out, &outcome, tag, self.shared.version_7_18);
                    return Step::Continue;
                }
                let mut bytes = BytesMut::new();
                put_outcome(&mut bytes, &outcome, tag, self.shared.version_7_18);
                bytes
            }
        };
        if delay.is_zero() {
            self.send(bytes);
        } else {
            self.send_later(bytes, tag.map(<[u8]>::to_vec).unwrap_or_default(), delay);
        }
        Step::Continue
    }

    /// Sends the reply after `delay` unless the command is cancelled first.
    fn send_later(&self, bytes: BytesMut, key: Vec<u8>, delay: Duration) {
        let tx = self.tx.clone();
        let map = self.in_flight.clone();
        let task_key = key.clone();
        let mut guard = lock(&self.in_flight);
        let handle = tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            if lock(&map).remove(&task_key).is_some() {
                let _ = tx.send(bytes.freeze());
            }
        });
        guard.insert(key, handle.abort_handle());
    }

    fn cancel(&mut self, req: &Request, tag: Option<&[u8]>) {
        let targets: Vec<(Vec<u8>, AbortHandle)> = {
            let mut map = lock(&self.in_flight);
            match req.args.iter().find(|(k, _)| k == "tag") {
                Some((_, target)) => map
                    .remove(target.as_bytes())
                    .map(|h| (target.as_bytes().to_vec(), h))
                    .into_iter()
                    .collect(),
                None => map.drain().collect(),
            }
        };
        for (target, handle) in targets {
            handle.abort();
            let target = (!target.is_empty()).then_some(target);
            self.send(trap_bytes("interrupted", Some(2), target.as_deref()));
        }
        self.send(done_bytes(None, tag));
    }

    fn login(&mut self, req: &Request, tag: Option<&[u8]>) {
        let arg = |name: &str| {
            req.args
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let name = arg("name");
        // Router users live in `/user`: one added over the API can log in at once.
        let password = name.and_then(|n| lock(&self.shared.world).api_password(n));
        let ok = match (name, arg("password"), arg("response")) {
            (Some(_), _, Some(response)) if self.shared.legacy_login => {
                self.challenge.take().is_some_and(|challenge| {
                    password.as_ref().is_some_and(|pw| {
                        let mut md5 = Md5::new();
                        md5.update([0u8]);
                        md5.update(pw.as_bytes());
                        md5.update(challenge);
                        response.eq_ignore_ascii_case(&format!("00{}", hex::encode(md5.finalize())))
                    })
                })
            }
            // Pre-6.43 routers answer any other /login with a challenge.
            _ if self.shared.legacy_login => {
                let challenge: [u8; 16] = rand::rng().random();
                self.challenge = Some(challenge);
                self.send(done_bytes(Some(&hex::encode(challenge)), tag));
                return;
            }
            (Some(_), Some(given), None) => password.as_deref() == Some(given),
            _ => false,
        };
        if ok {
            self.logged_in = true;
            self.send(done_bytes(None, tag));
        } else {
            tracing::debug!(user = name.unwrap_or_default(), "simulator: login refused");
            self.send(trap_bytes("invalid user name or password (6)", None, tag));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fail_nth_counts_down() {
        let mut f = Faults {
            fail_nth: Some((3, "boom".into())),
            ..Faults::default()
        };
        assert!(matches!(f.on_command("/a").0, FaultAction::None));
        assert!(matches!(f.on_command("/a").0, FaultAction::None));
        assert!(matches!(f.on_command("/a").0, FaultAction::Fail(m) if m == "boom"));
        assert!(matches!(f.on_command("/a").0, FaultAction::None));
    }

    #[test]
    fn delay_by_prefix_wins() {
        let mut f = Faults {
            delay: Duration::from_millis(1),
            delay_by_prefix: vec![("/system".into(), Duration::from_millis(50))],
            ..Faults::default()
        };
        assert_eq!(
            f.on_command("/system/resource/print").1,
            Duration::from_millis(50)
        );
        assert_eq!(f.on_command("/ip/arp/print").1, Duration::from_millis(1));
    }
}
