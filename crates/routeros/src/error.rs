//! The crate's one error type.

use std::time::Duration;

/// Everything that can go wrong talking to a router.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Connecting, reading or writing failed.
    #[error("router I/O error: {0}")]
    Io(String),
    /// The TLS handshake or TLS configuration failed (wrong CA, pin mismatch, bad PEM…).
    #[error("router TLS error: {0}")]
    Tls(String),
    /// The router refused the login (wrong user name or password).
    #[error("router login failed: {message}")]
    Login {
        /// The router's message, e.g. `invalid user name or password (6)`.
        message: String,
    },
    /// The router answered the command with `!trap`.
    #[error("router error: {message}")]
    Trap {
        /// The `=message=` text, e.g. `failure: already have such entry`.
        message: String,
        /// The `=category=` number, when the router sent one.
        category: Option<u8>,
    },
    /// The router sent `!fatal` and closed the connection.
    #[error("router closed the session: {reason}")]
    Fatal {
        /// The plain reason string, e.g. `session terminated on request`.
        reason: String,
    },
    /// The connection closed (EOF, reset, or closed by us) before the command finished.
    #[error("router connection closed")]
    ConnectionClosed,
    /// The command (or the connect) took longer than its timeout.
    #[error("router command timed out after {0:?}")]
    Timeout(Duration),
    /// The router sent something this client cannot understand; the connection is dead.
    #[error("router protocol error: {0}")]
    Protocol(String),
    /// The command was cancelled with `/cancel` before it finished.
    #[error("router command cancelled")]
    Cancelled,
    /// The pool is backing off after failed connects; try again later.
    #[error("router unavailable (retry in {retry_in:?}): {last_error}")]
    Unavailable {
        /// How long until the pool tries to connect again.
        retry_in: Duration,
        /// Why the last connect failed.
        last_error: String,
    },
    /// A row could not be read into a typed struct (e.g. a counter that is not a number).
    #[error("unexpected value for {field}: {value:?}")]
    BadValue {
        /// The attribute name.
        field: String,
        /// The raw value (lossy text).
        value: String,
    },
    /// The client was asked to do something invalid (bad option, bad argument).
    #[error("invalid router request: {0}")]
    Invalid(String),
}

impl Error {
    /// Whether retrying later may succeed: network trouble, timeouts, a router that went
    /// away. A trap, a refused login or a bad request will fail the same way again.
    #[must_use]
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Io(_)
            | Self::ConnectionClosed
            | Self::Timeout(_)
            | Self::Fatal { .. }
            | Self::Unavailable { .. }
            | Self::Protocol(_) => true,
            // Category 2 = "execution of command interrupted".
            Self::Trap { category, .. } => *category == Some(2),
            Self::Tls(_)
            | Self::Login { .. }
            | Self::Cancelled
            | Self::BadValue { .. }
            | Self::Invalid(_) => false,
        }
    }

    /// The trap message, when this is a trap.
    #[must_use]
    pub fn trap_message(&self) -> Option<&str> {
        match self {
            Self::Trap { message, .. } => Some(message),
            _ => None,
        }
    }

    /// Whether this is a trap whose message contains `needle` (case-insensitive), e.g.
    /// `already have such entry` or `no such item`.
    #[must_use]
    pub fn is_trap_containing(&self, needle: &str) -> bool {
        self.trap_message().is_some_and(|m| {
            m.to_ascii_lowercase()
                .contains(&needle.to_ascii_lowercase())
        })
    }

    /// `no such item`: the id vanished between print and set/remove.
    #[must_use]
    pub fn is_no_such_item(&self) -> bool {
        self.is_trap_containing("no such item")
    }

    /// `failure: already have …`: a uniqueness rule refused an add.
    #[must_use]
    pub fn is_duplicate(&self) -> bool {
        self.is_trap_containing("already have")
    }

    /// A short stable name for metrics and logs.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Io(_) => "io",
            Self::Tls(_) => "tls",
            Self::Login { .. } => "login",
            Self::Trap { .. } => "trap",
            Self::Fatal { .. } => "fatal",
            Self::ConnectionClosed => "connection_closed",
            Self::Timeout(_) => "timeout",
            Self::Protocol(_) => "protocol",
            Self::Cancelled => "cancelled",
            Self::Unavailable { .. } => "unavailable",
            Self::BadValue { .. } => "bad_value",
            Self::Invalid(_) => "invalid",
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        match err.kind() {
            std::io::ErrorKind::UnexpectedEof
            | std::io::ErrorKind::ConnectionReset
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::BrokenPipe => Self::ConnectionClosed,
            _ => Self::Io(err.to_string()),
        }
    }
}

impl From<crate::proto::DecodeError> for Error {
    fn from(err: crate::proto::DecodeError) -> Self {
        Self::Protocol(err.to_string())
    }
}

/// Result with the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transient_classification() {
        assert!(Error::ConnectionClosed.is_transient());
        assert!(Error::Timeout(Duration::from_secs(1)).is_transient());
        assert!(
            !Error::Login {
                message: "x".into()
            }
            .is_transient()
        );
        let dup = Error::Trap {
            message: "failure: already have such entry".into(),
            category: None,
        };
        assert!(!dup.is_transient());
        assert!(dup.is_duplicate());
        assert!(!dup.is_no_such_item());
    }
}
