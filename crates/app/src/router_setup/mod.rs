//! Preparing a router for Saring and checking that it is prepared. [`expected`] says what an
//! install needs on one router (hotspot servers and profiles, the login page, status lists
//! and the firewall rules that enforce them, the walled garden, DHCP option 114, a
//! least-privilege API user), from the configuration and the router's settings; [`script`]
//! turns that into commands (rendered as a RouterOS `.rsc` script, or applied over the API);
//! [`verify`] reads the router and reports, item by item, what is there and what is missing.
//! Both sides read the same [`expected::Expected`], so a router the script set up passes.
//! [`live`] shows what the router sees now: its hotspot hosts and sessions with their accounts.

pub mod expected;
pub mod live;
pub mod script;
pub mod verify;

pub use expected::Expected;
pub use script::{SetupOptions, Step};
pub use verify::{cached_reports, verify, verify_router};
