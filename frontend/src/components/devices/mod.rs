//! The user's devices: list, rename, remove, and the "private Wi-Fi address" help.

pub mod device_list;
pub mod private_mac_hint;

pub use device_list::DeviceList;
pub use private_mac_hint::PrivateMacHint;
