//! `saring user …` and `saring debt …`: the operator console from a shell, through the same
//! operations (and so the same rules, transactions, action log and router sync) as the admin
//! API. Each change is made in the name of an administrator: `--as PHONE`, or the oldest
//! active super admin.

use clap::{Args, Subcommand};
use saring_app::operator::{debts, lifecycle, quota};
use saring_app::{App, admin_users, registration};
use saring_domain::access::Role;
use saring_domain::api::PageRequest;
use saring_domain::dto::admin::{AdminCreateUser, AdminUserQuery, AdminUserUpdate};
use saring_domain::dto::operator::{AddDebt, DebtListQuery, InjectQuota, SetUnlimited, SettleDebt};
use saring_domain::user::User;
use saring_domain::{Locale, Megabytes, Phone};
use saring_store::repo::users::{self, SortBy, UserFilter, UserSort};
use serde::Serialize;

/// The administrator a command acts as.
#[derive(Args)]
pub struct Actor {
    /// Act as this administrator (phone number); default: the oldest active super admin.
    #[arg(long = "as", global = true)]
    actor: Option<String>,
    /// Print the result as JSON.
    #[arg(long, global = true)]
    json: bool,
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Users, pending registrations first, then newest.
    List {
        /// Name or phone number contains.
        #[arg(long)]
        search: Option<String>,
        /// USER, KOMANDAN, ADMIN or SUPER_ADMIN.
        #[arg(long)]
        role: Option<String>,
        /// The admin list's status filter: pending, active, inactive, blocked, unlimited,
        /// debt, expired, fup, habis, no_quota, tamping, …
        #[arg(long)]
        status: Option<String>,
        #[arg(long, default_value_t = 1)]
        page: u64,
        #[arg(long, default_value_t = 50)]
        per_page: u64,
    },
    /// Add an account, approved at once (initial quota, hotspot user, WhatsApp message).
    Add {
        phone: String,
        #[arg(long)]
        name: String,
        /// USER (default) or KOMANDAN (ADMIN and SUPER_ADMIN: `saring admin create`).
        #[arg(long, default_value = "USER")]
        role: String,
        #[arg(long)]
        blok: Option<String>,
        #[arg(long)]
        kamar: Option<String>,
        /// A tamping (worker) account of this kind instead of a room.
        #[arg(long)]
        tamping: Option<String>,
    },
    /// One user: account, quota, debts and devices.
    Show { phone: String },
    /// Approve a pending registration (initial quota, hotspot user, WhatsApp message).
    Approve { phone: String },
    /// Reject a pending registration.
    Reject {
        phone: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Change the role (USER, KOMANDAN; ADMIN and SUPER_ADMIN need a super admin).
    SetRole { phone: String, role: String },
    /// A user's new hotspot password (generated, on every router, sent by WhatsApp); an
    /// administrator's portal password (`--password-stdin`, their sessions end).
    SetPassword {
        phone: String,
        /// Read an administrator's new password from the first line of stdin.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Block access (the router follows).
    Block {
        phone: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Lift a block.
    Unblock { phone: String },
    /// Add quota and/or days; the MB pays open debts first.
    Inject {
        phone: String,
        #[arg(long, default_value_t = 0)]
        mb: i64,
        #[arg(long, default_value_t = 0)]
        gb: i64,
        #[arg(long, default_value_t = 0)]
        days: i64,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Unlimited access (for `--days`, or with no end), or `--off` to end it.
    Unlimited {
        phone: String,
        #[arg(long, conflicts_with = "off")]
        days: Option<i64>,
        #[arg(long)]
        off: bool,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Delete the account (or deactivate it when it has payments or hard deletes are off).
    Delete {
        phone: String,
        /// Required: deleting is not undone.
        #[arg(long, required = true)]
        yes: bool,
    },
}

#[derive(Subcommand)]
pub enum DebtCommand {
    /// Every user's manual debts (`--phone`: one user's, with the summary).
    List {
        #[arg(long)]
        phone: Option<String>,
        /// open (default), paid, overdue or all.
        #[arg(long)]
        status: Option<String>,
    },
    /// A manual debt: MB (`--mb`) or a package advance (`--package NAME`).
    Add {
        phone: String,
        #[arg(long, conflicts_with = "package", required_unless_present = "package")]
        mb: Option<i64>,
        #[arg(long)]
        package: Option<String>,
        /// The price owed for an MB debt.
        #[arg(long)]
        price: Option<i64>,
        #[arg(long)]
        note: Option<String>,
    },
    /// Settle one debt (`--debt ID`) or everything the user owes (`--all`).
    Settle {
        phone: String,
        #[arg(long, conflicts_with = "all", required_unless_present = "all")]
        debt: Option<String>,
        #[arg(long)]
        all: bool,
        /// Money received, for the receipt.
        #[arg(long)]
        amount: Option<i64>,
        #[arg(long)]
        note: Option<String>,
    },
}

async fn user_by_phone(app: &App, raw: &str) -> anyhow::Result<User> {
    let phone = Phone::parse(raw).map_err(|e| anyhow::anyhow!("{raw:?}: {e}"))?;
    users::find_by_phone(app.db(), &phone)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no account with phone number {}", phone.local()))
}

impl Actor {
    async fn resolve(&self, app: &App) -> anyhow::Result<User> {
        if let Some(raw) = &self.actor {
            let admin = user_by_phone(app, raw).await?;
            anyhow::ensure!(
                admin.role.is_admin() && admin.is_active,
                "--as {raw}: not an active administrator"
            );
            return Ok(admin);
        }
        let filter = UserFilter {
            role: Some(Role::SuperAdmin),
            is_active: Some(true),
            sort: UserSort {
                by: SortBy::CreatedAt,
                descending: false,
            },
            ..UserFilter::default()
        };
        let (mut rows, _) = users::list(app.db(), &filter, 0, 1).await?;
        rows.pop().ok_or_else(|| {
            anyhow::anyhow!(
                "no active super admin to act as: create one with `saring admin create --super`, or pass --as PHONE"
            )
        })
    }

    fn print<T: Serialize>(
        &self,
        value: &T,
        text: impl FnOnce(&T) -> String,
    ) -> anyhow::Result<()> {
        if self.json {
            println!("{}", serde_json::to_string_pretty(value)?);
        } else {
            println!("{}", text(value));
        }
        Ok(())
    }
}

fn parse_role(raw: &str) -> anyhow::Result<Role> {
    raw.trim()
        .to_ascii_uppercase()
        .parse()
        .map_err(|_| anyhow::anyhow!("{raw:?}: USER, KOMANDAN, ADMIN or SUPER_ADMIN"))
}

fn mb(v: Megabytes) -> String {
    v.display(Locale::Id)
}

fn mb_whole(v: i64) -> String {
    mb(Megabytes::from_whole(v))
}

pub async fn run_user(cmd: UserCommand, actor: Actor) -> anyhow::Result<()> {
    let app = crate::cmd_job::connect().await?;
    match cmd {
        UserCommand::List {
            search,
            role,
            status,
            page,
            per_page,
        } => {
            let q = AdminUserQuery {
                search,
                role,
                status,
                ..AdminUserQuery::default()
            };
            let list = admin_users::list(
                &app,
                &q,
                PageRequest {
                    page: Some(page),
                    per_page: Some(per_page),
                },
            )
            .await?;
            actor.print(&list, |l| {
                let mut out = format!(
                    "{} users (page {} of {}, {} per page)\n",
                    l.total,
                    l.page,
                    l.total.div_ceil(l.per_page.max(1)).max(1),
                    l.per_page
                );
                for u in &l.items {
                    out.push_str(&format!(
                        "{:<14} {:<28} {:<11} {:<10} {:>11}  {}\n",
                        u.phone_number,
                        u.full_name,
                        u.role.as_str(),
                        u.status.as_str(),
                        if u.role.is_admin() {
                            "-".to_owned()
                        } else if u.is_unlimited_user {
                            "unlimited".to_owned()
                        } else {
                            mb(u.remaining_mb)
                        },
                        u.quota_expiry_date
                            .map(|d| app.config().app.timezone.format_date(d))
                            .unwrap_or_default()
                    ));
                }
                out.trim_end().to_owned()
            })
        }
        UserCommand::Add {
            phone,
            name,
            role,
            blok,
            kamar,
            tamping,
        } => {
            let role = parse_role(&role)?;
            anyhow::ensure!(
                !role.is_admin(),
                "administrators are made with `saring admin create`"
            );
            let admin = actor.resolve(&app).await?;
            let req = AdminCreateUser {
                phone_number: phone,
                full_name: name,
                role: Some(role),
                blok,
                kamar,
                is_tamping: tamping.is_some(),
                tamping_type: tamping,
            };
            let user = admin_users::create_user(&app, &admin, &req).await?;
            let detail = admin_users::detail(&app, user.id).await?;
            actor.print(&detail, |d| {
                format!(
                    "added {} ({}), {}: {} until {}",
                    d.user.full_name,
                    d.user.phone_number,
                    d.user.role.as_str(),
                    mb(d.user.remaining_mb),
                    d.user
                        .quota_expiry_date
                        .map(|e| app.config().app.timezone.format_date(e))
                        .unwrap_or_else(|| "-".to_owned())
                )
            })
        }
        UserCommand::Show { phone } => {
            let user = user_by_phone(&app, &phone).await?;
            let detail = admin_users::detail(&app, user.id).await?;
            let owed = debts::for_user(&app, user.id).await?;
            #[derive(Serialize)]
            struct Shown {
                #[serde(flatten)]
                detail: saring_domain::dto::admin::AdminUserDetail,
                debts: saring_domain::dto::operator::UserDebts,
            }
            let tz = app.config().app.timezone;
            actor.print(
                &Shown {
                    detail,
                    debts: owed,
                },
                |s| {
                    let u = &s.detail.user;
                    let mut out = format!(
                        "{} ({}), {}, {}\nstatus: {}{}\nquota: {} used of {}, {} left{}\n",
                        u.full_name,
                        u.phone_number,
                        u.role.as_str(),
                        u.approval_status.as_str(),
                        u.status.as_str(),
                        u.blocked_reason
                            .as_deref()
                            .map(|r| format!(" (blocked: {r})"))
                            .unwrap_or_default(),
                        mb(u.total_quota_used_mb),
                        mb(u.total_quota_purchased_mb),
                        mb(u.remaining_mb),
                        u.quota_expiry_date
                            .map(|d| format!(", until {}", tz.format_date(d)))
                            .unwrap_or_default(),
                    );
                    out.push_str(&format!(
                        "debt: {} automatic, {} manual; open items: {}\n",
                        mb(u.quota_debt_auto_mb),
                        mb(u.quota_debt_manual_mb),
                        s.debts.summary.open_items
                    ));
                    for d in s.debts.items.iter().filter(|d| !d.is_paid) {
                        out.push_str(&format!(
                            "  debt {} {} left{}\n",
                            d.id,
                            mb_whole(d.remaining_mb),
                            d.note
                                .as_deref()
                                .map(|n| format!(" ({n})"))
                                .unwrap_or_default()
                        ));
                    }
                    out.push_str(&format!("devices: {}\n", s.detail.devices.len()));
                    for d in &s.detail.devices {
                        out.push_str(&format!(
                            "  {} {} {}{}\n",
                            d.mac_address,
                            d.ip_address.as_deref().unwrap_or("-"),
                            if d.is_authorized {
                                "authorized"
                            } else {
                                "not authorized"
                            },
                            d.label
                                .as_deref()
                                .map(|l| format!(" ({l})"))
                                .unwrap_or_default()
                        ));
                    }
                    out.trim_end().to_owned()
                },
            )
        }
        UserCommand::Approve { phone } => {
            let admin = actor.resolve(&app).await?;
            let target = user_by_phone(&app, &phone).await?;
            let a = registration::approve(&app, &admin, target.id).await?;
            println!(
                "approved {} ({}): {} and {} days granted; router {}, WhatsApp {}",
                a.user.full_name,
                a.user.phone.local(),
                mb_whole(a.granted_mb),
                a.granted_days,
                if a.router_synced { "updated" } else { "queued" },
                if a.whatsapp_sent { "sent" } else { "not sent" }
            );
            Ok(())
        }
        UserCommand::Reject { phone, reason } => {
            let admin = actor.resolve(&app).await?;
            let target = user_by_phone(&app, &phone).await?;
            let u = registration::reject(&app, &admin, target.id, reason.as_deref()).await?;
            println!("rejected {} ({})", u.full_name, u.phone.local());
            Ok(())
        }
        UserCommand::SetRole { phone, role } => {
            let role = parse_role(&role)?;
            let req = AdminUserUpdate {
                role: Some(role),
                ..AdminUserUpdate::default()
            };
            update(&app, &actor, &phone, &req).await
        }
        UserCommand::SetPassword {
            phone,
            password_stdin,
        } => {
            let target = user_by_phone(&app, &phone).await?;
            if target.role.is_admin() {
                anyhow::ensure!(
                    password_stdin,
                    "{phone}: an administrator's password is read from stdin: add --password-stdin"
                );
                let password = secrecy::SecretString::from(crate::read_stdin_line("the password")?);
                saring_app::accounts::set_admin_password(&app, target.id, &password).await?;
                println!(
                    "password of {} ({}) set; their sessions have ended",
                    target.full_name,
                    target.phone.local()
                );
                return Ok(());
            }
            anyhow::ensure!(
                !password_stdin,
                "{phone}: users log in with OTP; their hotspot password is generated and sent by WhatsApp (drop --password-stdin)"
            );
            let admin = actor.resolve(&app).await?;
            let done = lifecycle::reset_hotspot_password(&app, &admin, target.id).await?;
            actor.print(&done, |r| {
                format!(
                    "{} ({}): new hotspot password; router {}, WhatsApp {}",
                    target.full_name,
                    target.phone.local(),
                    if r.router_updated {
                        "updated"
                    } else {
                        "queued"
                    },
                    if r.whatsapp_queued {
                        "queued"
                    } else {
                        "not sent"
                    }
                )
            })
        }
        UserCommand::Block { phone, reason } => {
            let req = AdminUserUpdate {
                is_blocked: Some(true),
                blocked_reason: reason,
                ..AdminUserUpdate::default()
            };
            update(&app, &actor, &phone, &req).await
        }
        UserCommand::Unblock { phone } => {
            let req = AdminUserUpdate {
                is_blocked: Some(false),
                ..AdminUserUpdate::default()
            };
            update(&app, &actor, &phone, &req).await
        }
        UserCommand::Inject {
            phone,
            mb: add_mb,
            gb,
            days,
            reason,
        } => {
            let admin = actor.resolve(&app).await?;
            let target = user_by_phone(&app, &phone).await?;
            let req = InjectQuota {
                add_mb,
                add_gb: gb,
                add_days: days,
                reason,
            };
            let state = quota::inject(&app, &admin, target.id, &req).await?;
            print_quota(&app, &actor, &target, &state)
        }
        UserCommand::Unlimited {
            phone,
            days,
            off,
            reason,
        } => {
            let admin = actor.resolve(&app).await?;
            let target = user_by_phone(&app, &phone).await?;
            let state = if off {
                quota::revoke_unlimited(&app, &admin, target.id).await?
            } else {
                let req = SetUnlimited {
                    until: None,
                    days,
                    reason,
                };
                quota::set_unlimited(&app, &admin, target.id, &req).await?
            };
            print_quota(&app, &actor, &target, &state)
        }
        UserCommand::Delete { phone, yes: _ } => {
            let admin = actor.resolve(&app).await?;
            let target = user_by_phone(&app, &phone).await?;
            let removed = lifecycle::remove(&app, &admin, target.id).await?;
            actor.print(&removed, |r| {
                format!(
                    "{} ({}): {}{}",
                    target.full_name,
                    target.phone.local(),
                    r.outcome,
                    if r.router_failures > 0 {
                        format!(
                            "; {} router entries left (router unreachable)",
                            r.router_failures
                        )
                    } else {
                        String::new()
                    }
                )
            })
        }
    }
}

async fn update(
    app: &App,
    actor: &Actor,
    phone: &str,
    req: &AdminUserUpdate,
) -> anyhow::Result<()> {
    let admin = actor.resolve(app).await?;
    let target = user_by_phone(app, phone).await?;
    let done = saring_app::operator::update_user(app, &admin, target.id, req).await?;
    let detail = admin_users::detail(app, done.user.id).await?;
    actor.print(&detail, |d| {
        format!(
            "{} ({}): {} {}, status {}; router {}",
            d.user.full_name,
            d.user.phone_number,
            d.user.role.as_str(),
            d.user.approval_status.as_str(),
            d.user.status.as_str(),
            if done.router_synced {
                "updated"
            } else {
                "queued"
            }
        )
    })
}

fn print_quota(
    app: &App,
    actor: &Actor,
    target: &User,
    state: &saring_domain::dto::operator::QuotaState,
) -> anyhow::Result<()> {
    let tz = app.config().app.timezone;
    actor.print(state, |s| {
        format!(
            "{} ({}): {}{} left{}{}; router {}",
            target.full_name,
            target.phone.local(),
            if s.is_unlimited_user {
                "unlimited, "
            } else {
                ""
            },
            mb(s.remaining_mb),
            s.quota_expiry_date
                .map(|d| format!(" until {}", tz.format_date(d)))
                .unwrap_or_default(),
            if s.paid_debt_mb > 0 {
                format!(" ({} paid debt)", mb_whole(s.paid_debt_mb))
            } else {
                String::new()
            },
            if s.router_synced { "updated" } else { "queued" }
        )
    })
}

pub async fn run_debt(cmd: DebtCommand, actor: Actor) -> anyhow::Result<()> {
    let app = crate::cmd_job::connect().await?;
    match cmd {
        DebtCommand::List {
            phone: Some(phone),
            status: _,
        } => {
            let user = user_by_phone(&app, &phone).await?;
            let owed = debts::for_user(&app, user.id).await?;
            actor.print(&owed, |o| {
                let mut out = format!(
                    "{} ({}): {} automatic, {} manual debt; items open: {} of {}\n",
                    user.full_name,
                    user.phone.local(),
                    mb_whole(o.summary.auto_debt_mb),
                    mb_whole(o.summary.manual_debt_mb),
                    o.summary.open_items,
                    o.summary.total_items
                );
                for d in &o.items {
                    out.push_str(&debt_line(d));
                }
                out.trim_end().to_owned()
            })
        }
        DebtCommand::List {
            phone: None,
            status,
        } => {
            let q = DebtListQuery {
                status,
                search: None,
            };
            let page = debts::list_all(
                &app,
                &q,
                PageRequest {
                    page: Some(1),
                    per_page: Some(PageRequest::MAX_PER_PAGE),
                },
            )
            .await?;
            actor.print(&page, |p| {
                let mut out = format!("{} debts\n", p.total);
                for d in &p.items {
                    out.push_str(&format!(
                        "{:<14} {:<24} ",
                        d.user_phone.as_deref().unwrap_or("-"),
                        d.user_name.as_deref().unwrap_or("-")
                    ));
                    out.push_str(&debt_line(d));
                }
                out.trim_end().to_owned()
            })
        }
        DebtCommand::Add {
            phone,
            mb: amount,
            package,
            price,
            note,
        } => {
            let admin = actor.resolve(&app).await?;
            let target = user_by_phone(&app, &phone).await?;
            let package_id = match package {
                None => None,
                Some(name) => Some(package_id(&app, &name).await?),
            };
            let req = AddDebt {
                amount_mb: amount,
                package_id,
                price_rp: price,
                note,
                ..AddDebt::default()
            };
            let item = debts::add(&app, &admin, target.id, &req).await?;
            actor.print(&item, |d| format!("added: {}", debt_line(d).trim_end()))
        }
        DebtCommand::Settle {
            phone,
            debt,
            all: _,
            amount,
            note,
        } => {
            let admin = actor.resolve(&app).await?;
            let target = user_by_phone(&app, &phone).await?;
            let item = match debt {
                None => None,
                Some(raw) => Some(
                    uuid::Uuid::parse_str(&raw)
                        .map_err(|_| anyhow::anyhow!("--debt {raw:?}: not a debt id"))?,
                ),
            };
            let req = SettleDebt {
                amount_rp: amount,
                note,
            };
            let done = debts::settle(&app, &admin, target.id, item, &req).await?;
            actor.print(&done, |s| {
                format!(
                    "receipt {}: {} automatic and {} manual debt settled{}\n{}",
                    s.receipt_number,
                    mb_whole(s.paid_auto_mb),
                    mb_whole(s.paid_manual_mb),
                    if s.unblocked {
                        "; the debt block is lifted"
                    } else {
                        ""
                    },
                    s.receipt_url
                )
            })
        }
    }
}

fn debt_line(d: &saring_domain::dto::operator::DebtItemView) -> String {
    format!(
        "{} {} {:>11} of {:>11}{}{}\n",
        d.id,
        d.due_date
            .map(|v| v.format("%d-%m-%Y").to_string())
            .unwrap_or_default(),
        mb_whole(d.remaining_mb),
        mb_whole(d.amount_mb),
        if d.is_paid { " paid" } else { "" },
        d.note
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default()
    )
}

async fn package_id(app: &App, name: &str) -> anyhow::Result<String> {
    let all = saring_store::repo::packages::list(app.db(), false).await?;
    all.iter()
        .find(|p| p.name.eq_ignore_ascii_case(name.trim()) || p.id.to_string() == name.trim())
        .map(|p| p.id.to_string())
        .ok_or_else(|| anyhow::anyhow!("no package named {name:?}"))
}
