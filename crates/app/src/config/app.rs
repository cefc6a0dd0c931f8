//! The application itself: name, time zone, public URLs (`APP_*`, `FRONTEND_URL`) and logging.

use saring_domain::AppTz;

use super::Mode;
use super::reader::Reader;

#[derive(Debug, Clone)]
pub struct AppConfig {
    pub name: String,
    pub timezone: AppTz,
    pub public_base_url: Option<String>,
    pub frontend_url: Option<String>,
}

#[derive(Debug, Clone)]
pub struct LogConfig {
    pub level: String,
    pub json: bool,
}

pub(super) fn read_log(r: &mut Reader<'_>, mode: Mode) -> LogConfig {
    LogConfig {
        level: r.string("LOG_LEVEL", &["RUST_LOG"], "info"),
        json: r.bool("LOG_FORMAT_JSON", &[], mode == Mode::Production),
    }
}

pub(super) fn read(r: &mut Reader<'_>) -> AppConfig {
    AppConfig {
        name: r.string("APP_NAME", &[], "Saring Hotspot"),
        timezone: r.parsed(
            "APP_TIMEZONE",
            &[],
            AppTz::default(),
            |s| {
                s.parse()
                    .map_err(|e: saring_domain::time::UnknownTimezone| e.to_string())
            },
            ToString::to_string,
        ),
        public_base_url: r.opt_string("APP_PUBLIC_BASE_URL", &[]),
        frontend_url: r.opt_string("FRONTEND_URL", &["APP_LINK_USER"]),
    }
}
