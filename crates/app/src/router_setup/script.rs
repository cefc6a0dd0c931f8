//! The router setup as data: a list of [`Step`]s built from [`Expected`], rendered as a
//! RouterOS `.rsc` script for the operator ([`render`]) or applied over the API ([`apply`],
//! which the tests use on the simulator). Every step is idempotent: a row is added only when
//! none matches its key, else the step's values are set on it, so the script can run again
//! after a change of configuration.

use saring_routeros::{Api, Command};

use super::expected::{
    self, ANCHOR_ADDRESS, API_GROUP, CAPTIVE_OPTION_CODE, DHCP_OPTION, Expected, SERVER_PROFILE,
};
use crate::context::App;
use crate::error::{AppError, AppResult};

/// What the operator may choose when generating the script.
#[derive(Debug, Clone)]
pub struct SetupOptions {
    /// The interface a hotspot server is created on when the router does not have it yet.
    pub interface: String,
    /// The HTML directory of Saring's hotspot server profile (e.g. `flash/saring` on routers
    /// with a `flash` disk).
    pub html_directory: String,
    /// The API user's password; `None` writes [`PASSWORD_PLACEHOLDER`] and a guard that stops
    /// the import until the operator replaces it.
    pub api_password: Option<String>,
}

impl Default for SetupOptions {
    fn default() -> Self {
        SetupOptions {
            interface: "bridge-hotspot".into(),
            html_directory: "saring".into(),
            api_password: None,
        }
    }
}

/// Written instead of the API user's password when none was given.
pub const PASSWORD_PLACEHOLDER: &str = "GANTI-SANDI-API";

/// What a step does on its menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A row matching `key` exists with `attrs`: added (with `key`, `attrs` and `add_only`)
    /// when none matches, else `attrs` are set on the matching rows.
    Ensure {
        key: Vec<(&'static str, String)>,
        attrs: Vec<(&'static str, String)>,
        add_only: Vec<(&'static str, String)>,
    },
    /// `attrs` set on every row matching `key` (none matching: nothing happens).
    SetWhere {
        key: Vec<(&'static str, String)>,
        attrs: Vec<(&'static str, String)>,
    },
    /// `enable` of the row called `name` (fixed rows such as `/ip/service`).
    Enable { name: String },
}

/// One command of the setup, on one menu (`/ip/hotspot/profile`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The section heading it appears under in the script.
    pub section: &'static str,
    pub menu: &'static str,
    pub action: Action,
}

fn pairs(items: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    items.iter().map(|(k, v)| (*k, (*v).to_owned())).collect()
}

fn ensure(
    section: &'static str,
    menu: &'static str,
    key: &[(&'static str, &str)],
    attrs: &[(&'static str, &str)],
) -> Step {
    Step {
        section,
        menu,
        action: Action::Ensure {
            key: pairs(key),
            attrs: pairs(attrs),
            add_only: Vec::new(),
        },
    }
}

/// The steps that make a router hold everything [`Expected`] names. Refused when the
/// portal's public URL is unknown (the login page and DHCP option 114 need it).
pub fn steps(expected: &Expected, options: &SetupOptions) -> AppResult<Vec<Step>> {
    let (Some(login_page), Some(option_value)) =
        (expected.login_page(), expected.dhcp_option_value())
    else {
        return Err(AppError::invalid(
            "APP_PUBLIC_BASE_URL",
            "Alamat publik portal belum diatur (APP_PUBLIC_BASE_URL): halaman login hotspot dan opsi DHCP 114 membutuhkannya.",
        ));
    };
    for (field, value) in [
        ("interface", options.interface.as_str()),
        ("html_directory", options.html_directory.as_str()),
    ] {
        if value.trim().is_empty() || value.chars().any(|c| c.is_control() || c == '"') {
            return Err(AppError::invalid(
                field,
                format!("{field} tidak boleh kosong atau berisi tanda kutip: {value:?}."),
            ));
        }
    }
    let mut out = Vec::new();
    let html_dir = options.html_directory.trim_end_matches('/');

    out.push(ensure(
        "Hotspot server profile",
        "/ip/hotspot/profile",
        &[("name", SERVER_PROFILE)],
        &[
            ("html-directory", html_dir),
            ("login-by", "http-chap,http-pap,mac-cookie"),
        ],
    ));
    out.push(ensure(
        "Hotspot server profile",
        "/file",
        &[("name", &Expected::login_file(html_dir))],
        &[("contents", &login_page)],
    ));
    for server in &expected.servers {
        out.push(Step {
            section: "Hotspot servers",
            menu: "/ip/hotspot",
            action: Action::Ensure {
                key: pairs(&[("name", server)]),
                attrs: pairs(&[("profile", SERVER_PROFILE)]),
                add_only: pairs(&[("interface", &options.interface)]),
            },
        });
    }
    for profile in &expected.user_profiles {
        out.push(ensure(
            "Hotspot user profiles",
            "/ip/hotspot/user/profile",
            &[("name", profile)],
            &[],
        ));
    }
    let anchor = expected.comment("list-anchor");
    for list in &expected.lists {
        out.push(ensure(
            "Status address lists",
            "/ip/firewall/address-list",
            &[("list", list), ("address", ANCHOR_ADDRESS)],
            &[("disabled", "yes"), ("comment", &anchor)],
        ));
    }
    for rule in &expected.rules {
        let mut key = vec![("chain", rule.chain), ("action", rule.action)];
        if let Some(l) = &rule.src_list {
            key.push(("src-address-list", l));
        }
        if let Some(l) = &rule.dst_list {
            key.push(("dst-address-list", l));
        }
        let comment = expected.comment(rule.tag);
        out.push(ensure(
            "Firewall rules",
            rule.table.path(),
            &key,
            &[("disabled", "no"), ("comment", &comment)],
        ));
    }
    let wg_comment = expected.walled_garden_comment();
    for host in &expected.walled_garden {
        out.push(ensure(
            "Walled garden",
            "/ip/hotspot/walled-garden",
            &[("dst-host", host)],
            &[("action", "allow"), ("comment", &wg_comment)],
        ));
    }
    out.push(ensure(
        "DHCP option 114 (RFC 8908 captive portal)",
        "/ip/dhcp-server/option",
        &[("name", DHCP_OPTION)],
        &[
            ("code", &CAPTIVE_OPTION_CODE.to_string()),
            ("value", &option_value),
        ],
    ));
    for network in &expected.networks {
        out.push(Step {
            section: "DHCP option 114 (RFC 8908 captive portal)",
            menu: "/ip/dhcp-server/network",
            action: Action::SetWhere {
                key: pairs(&[("address", network)]),
                attrs: pairs(&[("dhcp-option", DHCP_OPTION)]),
            },
        });
    }
    let policy = expected::REQUIRED_RIGHTS.join(",");
    out.push(ensure(
        "API user (least privilege)",
        "/user/group",
        &[("name", API_GROUP)],
        &[("policy", &policy)],
    ));
    let password = options
        .api_password
        .clone()
        .unwrap_or_else(|| PASSWORD_PLACEHOLDER.to_owned());
    out.push(Step {
        section: "API user (least privilege)",
        menu: "/user",
        // An existing user keeps its group and password (it may be the operator's own
        // account): verify-rules then reports its rights.
        action: Action::Ensure {
            key: pairs(&[("name", &expected.api_user)]),
            attrs: Vec::new(),
            add_only: pairs(&[("group", API_GROUP), ("password", &password)]),
        },
    });
    out.push(Step {
        section: "API over TLS",
        menu: "/ip/service",
        action: Action::Enable {
            name: "api-ssl".into(),
        },
    });
    Ok(out)
}

/// The setup script of the router called `name` (the CLI's handle): 404 when there is none,
/// a validation error when the portal's public URL is unknown.
pub async fn for_router(app: &App, name: &str, options: &SetupOptions) -> AppResult<String> {
    let router = saring_store::repo::routers::find_by_name(app.db(), app.cipher(), name)
        .await?
        .ok_or_else(|| {
            AppError::rejected(
                saring_domain::api::ErrorCode::NotFound,
                format!("Router {name:?} tidak ada."),
            )
        })?;
    let expected = Expected::new(app.config(), app.mode(), &router.spec);
    let steps = steps(&expected, options)?;
    Ok(render(&expected, &steps))
}

/// A RouterOS string literal: `"…"` with `\`, `"`, `$` and `?` escaped (so `$(ip)` in the
/// login page reaches the file as written) and control characters as `\NN`.
fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '\\' | '"' | '$' | '?' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\{:02X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `/ip/hotspot/profile` → `/ip hotspot profile`.
fn console_menu(menu: &str) -> String {
    format!("/{}", menu.trim_start_matches('/').replace('/', " "))
}

fn words(items: &[(&'static str, String)]) -> String {
    items
        .iter()
        .map(|(k, v)| format!("{k}={}", quote(v)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `name="x" and list="y"`.
fn condition(key: &[(&'static str, String)]) -> String {
    key.iter()
        .map(|(k, v)| format!("{k}={}", quote(v)))
        .collect::<Vec<_>>()
        .join(" and ")
}

fn find(key: &[(&'static str, String)]) -> String {
    format!("[find where {}]", condition(key))
}

/// The `.rsc` script: a header naming the router and portal, a guard against the password
/// placeholder, then one line per step under its section heading.
pub fn render(expected: &Expected, steps: &[Step]) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "# Saring: router setup for {:?}\n# Portal: {}\n",
        expected.router,
        expected.portal.as_deref().unwrap_or("-")
    ));
    out.push_str(
        "# Creates what `saring router check` and verify-rules look for. Safe to run again:\n\
         # each item is added when missing and updated when present.\n\
         # Apply: upload this file to the router (Files) and run  /import file-name=<file>.rsc\n\
         # Needs RouterOS 7.9 or later (/file add).\n",
    );
    let placeholder = steps.iter().any(|s| {
        matches!(&s.action, Action::Ensure { add_only, .. }
            if add_only.iter().any(|(k, v)| *k == "password" && v == PASSWORD_PLACEHOLDER))
    });
    if placeholder {
        out.push_str(&format!(
            "#\n# Replace {PASSWORD_PLACEHOLDER} below with the API user's password (the one Saring\n\
             # is configured with) before importing; the next line stops the import until then.\n\
             :if ([:find {} \"GANTI-SANDI\"] = 0) do={{ :error \"Saring: replace {PASSWORD_PLACEHOLDER} with the API password first\" }}\n",
            quote(PASSWORD_PLACEHOLDER)
        ));
    }
    let mut section = "";
    for step in steps {
        if step.section != section {
            section = step.section;
            out.push_str(&format!("\n# --- {section} ---\n"));
        }
        let menu = console_menu(step.menu);
        let line = match &step.action {
            Action::Ensure {
                key,
                attrs,
                add_only,
            } => {
                let mut all = key.clone();
                all.extend(attrs.iter().cloned());
                all.extend(add_only.iter().cloned());
                let set = if attrs.is_empty() {
                    String::new()
                } else {
                    format!(" else={{ {menu} set {} {} }}", find(key), words(attrs))
                };
                format!(
                    ":if ([:len [{menu} find where {}]] = 0) do={{ {menu} add {} }}{set}",
                    condition(key),
                    words(&all)
                )
            }
            Action::SetWhere { key, attrs } => {
                format!("{menu} set {} {}", find(key), words(attrs))
            }
            Action::Enable { name } => format!("{menu} enable {}", find(&[("name", name.clone())])),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// Applies the steps over the RouterOS API, in order; the first refusal stops it.
pub async fn apply(api: &impl Api, steps: &[Step]) -> saring_routeros::Result<()> {
    for step in steps {
        match &step.action {
            Action::Ensure {
                key,
                attrs,
                add_only,
            } => {
                let ids = matching(api, step.menu, key).await?;
                if ids.is_empty() {
                    let mut all: Vec<(&str, &str)> =
                        key.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    all.extend(attrs.iter().map(|(k, v)| (*k, v.as_str())));
                    all.extend(add_only.iter().map(|(k, v)| (*k, v.as_str())));
                    api.add(step.menu, &all).await?;
                } else if !attrs.is_empty() {
                    let attrs: Vec<(&str, &str)> =
                        attrs.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    api.set(step.menu, &ids.join(","), &attrs).await?;
                }
            }
            Action::SetWhere { key, attrs } => {
                let ids = matching(api, step.menu, key).await?;
                if !ids.is_empty() {
                    let attrs: Vec<(&str, &str)> =
                        attrs.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    api.set(step.menu, &ids.join(","), &attrs).await?;
                }
            }
            Action::Enable { name } => {
                let cmd = Command::verb(step.menu, "enable").attr("numbers", name);
                api.execute(cmd).await?;
            }
        }
    }
    Ok(())
}

/// The ids of the rows matching every `key` pair.
async fn matching(
    api: &impl Api,
    menu: &str,
    key: &[(&'static str, String)],
) -> saring_routeros::Result<Vec<String>> {
    let mut cmd = Command::print(menu).proplist(&[".id"]);
    for (k, v) in key {
        cmd = cmd.query(k, v);
    }
    Ok(api
        .print(cmd)
        .await?
        .iter()
        .filter_map(|row| row.get(".id").map(|id| id.to_string()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_keeps_hotspot_variables_literal() {
        assert_eq!(quote("a\"b$(ip)?\\"), "\"a\\\"b\\$(ip)\\?\\\\\"");
        assert_eq!(quote("x\ny"), "\"x\\ny\"");
        assert_eq!(
            console_menu("/ip/hotspot/walled-garden"),
            "/ip hotspot walled-garden"
        );
    }
}
