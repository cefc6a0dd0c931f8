//! The router side, in one place: which router serves an address or a user ([`select`]),
//! the connections to each router ([`hub`]), the per-user plan of ip-bindings, status lists,
//! hotspot users and leases ([`plan`]) and its execution ([`apply`]), the writes that make a
//! router reflect one user or device ([`writes`]), binding a device at login
//! ([`devices`]), and bringing a user's router state in line now or through the outbox
//! ([`user_sync`]).
//!
//! A captive login, a payment's effect (through the outbox) and the quota sync all reach the
//! router through this folder; the worker's cycles over every user live in `crate::sync`.

pub mod apply;
pub mod devices;
pub mod hub;
pub mod plan;
pub mod select;
pub mod user_sync;
pub mod writes;

pub use hub::{RouterHandle, RouterHub, router_error};
pub(crate) use select::cidrs;
pub use select::{
    connect_options, enabled_routers, existing_router, in_hotspot, options_by_name, router_by_id,
    router_for_ip, router_for_user, spec_from_env, sync_default_router,
};
pub use writes::{
    BindingChange, apply_device, comment_owned_by, lease_target, limit_bytes_total, mac_for_ip,
    remove_device, remove_host_rows, remove_hotspot_user, server_for, set_status_list, stamp,
    upsert_hotspot_user,
};
