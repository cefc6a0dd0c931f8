//! `/policy/{blocked,inactive,expired,habis,fup}`.

pub mod policy_status;

pub use policy_status::PolicyPage;
