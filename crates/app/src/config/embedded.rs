//! The embedded mode (`saring run`): its built-in RouterOS simulator and demo administrator
//! (`SARING_SIM_*`, `SARING_DEMO_*`). Read in every mode, used only by `saring run`.

use saring_domain::Phone;
use secrecy::SecretString;

use super::reader::Reader;

/// The demo administrator's phone number when `SARING_DEMO_ADMIN_PHONE` is unset.
pub const DEMO_ADMIN_PHONE: &str = "0811-0000-0001";

#[derive(Debug, Clone)]
pub struct EmbeddedConfig {
    /// `SARING_SIM_PASSWORD`: the simulator's `admin` password (generated when unset).
    pub sim_password: Option<SecretString>,
    /// `SARING_SIM_HOSTS`: hotspot hosts the simulator starts with.
    pub sim_hosts: usize,
    /// `SARING_SIM_LISTEN`: where the simulator's API listens (`127.0.0.1:0`: a free port).
    pub sim_listen: String,
    /// `SARING_SIM_SEED`: the seed of its traffic (the same seed, the same demo).
    pub sim_seed: u64,
    /// `SARING_DEMO_ADMIN_PHONE`: the demo super admin's number (`None`: [`DEMO_ADMIN_PHONE`]).
    pub demo_admin_phone: Option<Phone>,
    /// `SARING_DEMO_ADMIN_PASSWORD`: sets (or resets) the demo admin's password.
    pub demo_admin_password: Option<SecretString>,
}

pub(super) fn read(r: &mut Reader<'_>) -> EmbeddedConfig {
    EmbeddedConfig {
        sim_password: r.secret("SARING_SIM_PASSWORD", &[]),
        sim_hosts: r.int("SARING_SIM_HOSTS", &[], 50, 0, 10_000),
        sim_listen: r.string("SARING_SIM_LISTEN", &[], "127.0.0.1:0"),
        sim_seed: r.int("SARING_SIM_SEED", &[], 42, 0, u64::MAX),
        demo_admin_phone: r.parsed(
            "SARING_DEMO_ADMIN_PHONE",
            &[],
            None,
            |s| Phone::parse(s).map(Some).map_err(|e| e.to_string()),
            |p| {
                p.as_ref()
                    .map_or_else(|| DEMO_ADMIN_PHONE.to_owned(), Phone::local)
            },
        ),
        demo_admin_password: r.secret("SARING_DEMO_ADMIN_PASSWORD", &[]),
    }
}
