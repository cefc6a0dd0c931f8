//! The komandan requests waiting for an admin: the admin navigation shows their count, and
//! processing one asks it to count again.

use leptos::prelude::*;

#[derive(Debug, Clone, Copy)]
pub struct PendingRequests {
    version: RwSignal<u32>,
}

impl PendingRequests {
    pub fn new() -> Self {
        PendingRequests {
            version: RwSignal::new(0),
        }
    }

    /// Subscribes the caller to [`PendingRequests::changed`].
    pub fn track(&self) {
        self.version.track();
    }

    /// A request was processed: count again.
    pub fn changed(&self) {
        self.version.update(|v| *v += 1);
    }
}

impl Default for PendingRequests {
    fn default() -> Self {
        Self::new()
    }
}

pub fn use_pending_requests() -> PendingRequests {
    use_context::<PendingRequests>().unwrap_or_default()
}
