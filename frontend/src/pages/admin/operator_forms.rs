//! Pure helpers of the operator console's forms (`saring_domain::dto::operator` requests):
//! what an admin may do to an account, quota inject / unlimited / direct adjust, manual debts
//! and settlements, the quota-history filter, processing a komandan request, the komandan's
//! own request form checked against the caps, and the "add user" form. Each form turns its
//! texts into the request body or every problem found (field as the API names it, text key).
//! Unit-tested on the host.

use chrono::NaiveDate;
use saring_domain::dto::admin::{AdminCreateUser, AdminUserUpdate};
use saring_domain::dto::auth::UserMe;
use saring_domain::dto::operator::{
    AddDebt, DebtItemView, InjectQuota, NewQuotaRequest, ProcessAction, ProcessRequest,
    QuotaAdjust, QuotaHistoryQuery, RequestLimits, RequestType, SetUnlimited, SettleDebt,
};
use saring_domain::{AppTz, Phone, Role};

use super::forms::{
    FieldProblem, Invalid, MAX_DAYS, MAX_QUOTA_CENTI_GB, centi_gb_to_mb, optional_date,
    optional_whole, parse_price, parse_quota_gb, parse_whole,
};
use crate::components::auth::register_form::{name_and_phone, place};
use crate::format::non_blank;

/// The largest quota a form takes: 10.000 GB.
pub const MAX_QUOTA_MB: i64 = MAX_QUOTA_CENTI_GB * 1024 / 100;
/// The shortest reason for refusing a komandan request (the server's rule).
pub const MIN_REJECT_REASON: usize = 5;

// ----- who may do what ----------------------------------------------------------------------

/// What the signed-in administrator may do to one account, as the server decides it: an
/// ADMIN manages USER and KOMANDAN accounts, a SUPER_ADMIN everyone; nobody changes their
/// own role, activation or block; only a SUPER_ADMIN sets the quota counters directly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Powers {
    /// Profile, quota, debts, devices, router fixes.
    pub manage: bool,
    /// The roles that may be chosen (empty: the role cannot be changed).
    pub roles: Vec<Role>,
    /// Block/unblock and delete.
    pub lifecycle: bool,
    /// Quota and debt operations (administrators use no quota).
    pub quota: bool,
    /// `POST …/quota-adjust`.
    pub adjust: bool,
}

pub fn powers(actor: Role, is_self: bool, target: Role) -> Powers {
    let manage = actor == Role::SuperAdmin || (actor == Role::Admin && !target.is_admin());
    let roles = match actor {
        _ if is_self || !manage => Vec::new(),
        Role::SuperAdmin => Role::ALL.to_vec(),
        _ => vec![Role::User, Role::Komandan],
    };
    let quota = manage && !target.is_admin();
    Powers {
        manage,
        roles,
        lifecycle: manage && !is_self,
        quota,
        adjust: quota && actor == Role::SuperAdmin,
    }
}

// ----- amounts ------------------------------------------------------------------------------

/// The unit a quota amount is typed in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Unit {
    Mb,
    #[default]
    Gb,
}

impl Unit {
    pub fn value(self) -> &'static str {
        match self {
            Unit::Mb => "MB",
            Unit::Gb => "GB",
        }
    }

    pub fn from_value(v: &str) -> Unit {
        if v.eq_ignore_ascii_case("MB") {
            Unit::Mb
        } else {
            Unit::Gb
        }
    }

    /// An amount in whole MB (`1.024` MB) or GB with up to two decimals (`1,5` GB → 1536 MB),
    /// at most [`MAX_QUOTA_MB`].
    pub fn to_mb(self, input: &str) -> Option<i64> {
        let mb = match self {
            Unit::Mb => parse_whole(input, MAX_QUOTA_MB)?,
            Unit::Gb => centi_gb_to_mb(parse_quota_gb(input)?),
        };
        (mb <= MAX_QUOTA_MB).then_some(mb)
    }

    /// Blank is `None`.
    pub fn optional_mb(self, input: &str) -> Result<Option<i64>, Invalid> {
        if input.trim().is_empty() {
            Ok(None)
        } else {
            self.to_mb(input).map(Some).ok_or(Invalid)
        }
    }
}

/// Collects problems while a form is read: `check(result, field, key)` keeps the value or
/// records the problem.
#[derive(Debug, Default)]
struct Problems(Vec<FieldProblem>);

impl Problems {
    fn check<T>(&mut self, r: Result<T, Invalid>, field: &'static str, key: &'static str) -> T
    where
        T: Default,
    {
        r.unwrap_or_else(|_| {
            self.0.push((field, key));
            T::default()
        })
    }

    fn add(&mut self, field: &'static str, key: &'static str) {
        self.0.push((field, key));
    }

    fn done<B>(self, body: impl FnOnce() -> B) -> Result<B, Vec<FieldProblem>> {
        if self.0.is_empty() {
            Ok(body())
        } else {
            Err(self.0)
        }
    }
}

/// Days 1–3650, blank is `None`.
fn optional_days(input: &str) -> Result<Option<i64>, Invalid> {
    match optional_whole(input, MAX_DAYS)? {
        Some(0) => Err(Invalid),
        d => Ok(d),
    }
}

fn reason_min(reason: &str, min: usize) -> Option<String> {
    non_blank(reason).filter(|r| r.chars().count() >= min)
}

// ----- quota operations ---------------------------------------------------------------------

/// Inject: MB (or GB) and/or days, with an optional reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InjectForm {
    pub amount: String,
    pub unit: Unit,
    pub days: String,
    pub reason: String,
}

impl InjectForm {
    pub fn to_request(&self) -> Result<InjectQuota, Vec<FieldProblem>> {
        let mut p = Problems::default();
        let mb = p.check(
            self.unit.optional_mb(&self.amount),
            "add_mb",
            "console-amount-invalid",
        );
        let days = p.check(
            optional_whole(&self.days, MAX_DAYS),
            "add_days",
            "admin-form-days-invalid",
        );
        let (mb, days) = (mb.unwrap_or(0), days.unwrap_or(0));
        if p.0.is_empty() && mb == 0 && days == 0 {
            p.add("add_mb", "console-inject-empty");
        }
        p.done(|| InjectQuota {
            add_mb: mb,
            add_gb: 0,
            add_days: days,
            reason: non_blank(&self.reason),
        })
    }
}

/// How long unlimited access lasts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum UnlimitedMode {
    /// Until the end of a local date.
    Until,
    #[default]
    Days,
    NoEnd,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnlimitedForm {
    pub mode: UnlimitedMode,
    pub until: String,
    pub days: String,
    pub reason: String,
}

impl UnlimitedForm {
    /// `until` is the end of the chosen local date in `tz`, which may not be before `today`.
    pub fn to_request(
        &self,
        tz: AppTz,
        today: NaiveDate,
    ) -> Result<SetUnlimited, Vec<FieldProblem>> {
        let mut p = Problems::default();
        let reason = non_blank(&self.reason);
        let (until, days) = match self.mode {
            UnlimitedMode::Until => match optional_date(&self.until) {
                Ok(Some(d)) if d >= today => (Some(tz.end_of_day(d)), None),
                Ok(Some(_)) => {
                    p.add("until", "console-date-past");
                    (None, None)
                }
                _ => {
                    p.add("until", "admin-form-date-invalid");
                    (None, None)
                }
            },
            UnlimitedMode::Days => match optional_days(&self.days) {
                Ok(Some(d)) => (None, Some(d)),
                _ => {
                    p.add("days", "console-days-positive");
                    (None, None)
                }
            },
            UnlimitedMode::NoEnd => (None, None),
        };
        p.done(|| SetUnlimited {
            until,
            days,
            reason,
        })
    }
}

/// The super admin's direct correction of the counters (MB), with a required reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AdjustForm {
    pub purchased: String,
    pub used: String,
    pub reason: String,
}

impl AdjustForm {
    pub fn to_request(&self) -> Result<QuotaAdjust, Vec<FieldProblem>> {
        let mut p = Problems::default();
        let purchased = p.check(
            optional_whole(&self.purchased, MAX_QUOTA_MB),
            "set_purchased_mb",
            "console-mb-invalid",
        );
        let used = p.check(
            optional_whole(&self.used, MAX_QUOTA_MB),
            "set_used_mb",
            "console-mb-invalid",
        );
        if p.0.is_empty() && purchased.is_none() && used.is_none() {
            p.add("set_purchased_mb", "console-adjust-empty");
        }
        let reason = non_blank(&self.reason);
        if reason.is_none() {
            p.add("reason", "console-reason-required");
        }
        p.done(|| QuotaAdjust {
            set_purchased_mb: purchased,
            set_used_mb: used,
            reason: reason.unwrap_or_default(),
        })
    }
}

// ----- debts --------------------------------------------------------------------------------

/// A manual debt is an amount of MB or a package given in advance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DebtBy {
    #[default]
    Amount,
    Package,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DebtForm {
    pub by: DebtBy,
    pub amount: String,
    pub unit: Unit,
    pub package_id: String,
    pub debt_date: String,
    pub due_date: String,
    pub price: String,
    pub note: String,
}

impl DebtForm {
    pub fn to_request(&self) -> Result<AddDebt, Vec<FieldProblem>> {
        let mut p = Problems::default();
        let (amount_mb, package_id, price_rp) = match self.by {
            DebtBy::Amount => {
                let mb = match self.unit.to_mb(&self.amount) {
                    Some(mb) if mb > 0 => Some(mb),
                    _ => {
                        p.add("amount_mb", "console-amount-required");
                        None
                    }
                };
                let price = if self.price.trim().is_empty() {
                    None
                } else {
                    p.check(
                        parse_price(&self.price).ok_or(Invalid).map(Some),
                        "price_rp",
                        "admin-form-price-invalid",
                    )
                };
                (mb, None, price)
            }
            DebtBy::Package => {
                let id = non_blank(&self.package_id);
                if id.is_none() {
                    p.add("package_id", "console-package-required");
                }
                (None, id, None)
            }
        };
        let debt_date = p.check(
            optional_date(&self.debt_date),
            "debt_date",
            "admin-form-date-invalid",
        );
        let due_date = p.check(
            optional_date(&self.due_date),
            "due_date",
            "admin-form-date-invalid",
        );
        if let (Some(d), Some(due)) = (debt_date, due_date)
            && due < d
        {
            p.add("due_date", "console-due-before-debt");
        }
        p.done(|| AddDebt {
            amount_mb,
            package_id,
            debt_date,
            due_date,
            price_rp,
            note: non_blank(&self.note),
        })
    }
}

/// Settling: the money received (optional, for the receipt) and a note.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SettleForm {
    pub amount: String,
    pub note: String,
}

impl SettleForm {
    pub fn to_request(&self) -> Result<SettleDebt, Vec<FieldProblem>> {
        let mut p = Problems::default();
        let amount_rp = if self.amount.trim().is_empty() {
            None
        } else {
            p.check(
                parse_price(&self.amount).ok_or(Invalid).map(Some),
                "amount_rp",
                "admin-form-price-invalid",
            )
        };
        p.done(|| SettleDebt {
            amount_rp,
            note: non_blank(&self.note),
        })
    }
}

/// Where a manual debt item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DebtState {
    Paid,
    Overdue,
    Open,
}

impl DebtState {
    pub fn of(item: &DebtItemView, today: NaiveDate) -> DebtState {
        if item.is_paid {
            DebtState::Paid
        } else if item.due_date.is_some_and(|d| d < today) {
            DebtState::Overdue
        } else {
            DebtState::Open
        }
    }

    /// Text key and badge class.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            DebtState::Paid => ("console-debt-paid", "badge badge-ok"),
            DebtState::Overdue => ("console-debt-overdue", "badge badge-error"),
            DebtState::Open => ("console-debt-open", "badge badge-warn"),
        }
    }
}

// ----- quota history ------------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryFilter {
    pub kind: String,
    pub from: String,
    pub to: String,
}

impl HistoryFilter {
    pub fn to_query(&self) -> Result<QuotaHistoryQuery, Vec<FieldProblem>> {
        let mut p = Problems::default();
        let from = p.check(optional_date(&self.from), "from", "admin-form-date-invalid");
        let to = p.check(optional_date(&self.to), "to", "admin-form-date-invalid");
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            p.add("to", "console-range-invalid");
        }
        p.done(|| QuotaHistoryQuery {
            kind: non_blank(&self.kind),
            from,
            to,
        })
    }
}

// ----- komandan requests --------------------------------------------------------------------

/// An admin's decision on a komandan request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessForm {
    pub action: ProcessAction,
    pub reason: String,
    pub amount: String,
    pub unit: Unit,
    pub days: String,
    pub unlimited_days: String,
}

impl Default for ProcessForm {
    fn default() -> Self {
        ProcessForm {
            action: ProcessAction::Approve,
            reason: String::new(),
            amount: String::new(),
            unit: Unit::Gb,
            days: String::new(),
            unlimited_days: String::new(),
        }
    }
}

impl ProcessForm {
    /// The body for a request of type `kind`: REJECT needs a reason of at least 5 characters,
    /// REJECT_AND_GRANT_QUOTA that reason and some MB or days; approving an UNLIMITED request
    /// may shorten its days (blank: the days asked for).
    pub fn to_request(&self, kind: RequestType) -> Result<ProcessRequest, Vec<FieldProblem>> {
        let mut p = Problems::default();
        let mut body = ProcessRequest {
            action: self.action,
            rejection_reason: None,
            granted_quota_mb: None,
            granted_duration_days: None,
            unlimited_duration_days: None,
        };
        match self.action {
            ProcessAction::Approve => {
                if kind == RequestType::Unlimited {
                    body.unlimited_duration_days = p.check(
                        optional_days(&self.unlimited_days),
                        "unlimited_duration_days",
                        "console-days-positive",
                    );
                }
            }
            ProcessAction::Reject | ProcessAction::RejectAndGrantQuota => {
                body.rejection_reason = reason_min(&self.reason, MIN_REJECT_REASON);
                if body.rejection_reason.is_none() {
                    p.add("rejection_reason", "console-reason-min5");
                }
            }
        }
        if self.action == ProcessAction::RejectAndGrantQuota {
            body.granted_quota_mb = p.check(
                self.unit.optional_mb(&self.amount),
                "granted_quota_mb",
                "console-amount-invalid",
            );
            body.granted_duration_days = p.check(
                optional_whole(&self.days, MAX_DAYS),
                "granted_duration_days",
                "admin-form-days-invalid",
            );
            let some = body.granted_quota_mb.unwrap_or(0) > 0
                || body.granted_duration_days.unwrap_or(0) > 0;
            if p.0.is_empty() && !some {
                p.add("granted_quota_mb", "console-grant-empty");
            }
        }
        p.done(|| body)
    }
}

/// The komandan's request form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KomandanForm {
    pub kind: RequestType,
    pub amount: String,
    pub unit: Unit,
    pub days: String,
}

impl Default for KomandanForm {
    fn default() -> Self {
        KomandanForm {
            kind: RequestType::Quota,
            amount: String::new(),
            unit: Unit::Gb,
            days: String::new(),
        }
    }
}

impl KomandanForm {
    /// The request, checked against the caps in `limits` (the server checks them again).
    pub fn to_request(&self, limits: &RequestLimits) -> Result<NewQuotaRequest, Vec<FieldProblem>> {
        let mut p = Problems::default();
        if limits.next_request_at.is_some() || limits.blocked_reason.is_some() {
            p.add("request_type", "requests-not-now");
        }
        let max_days = match self.kind {
            RequestType::Quota => limits.max_quota_days,
            RequestType::Unlimited => limits.max_unlimited_days,
        };
        let mut mb = None;
        match self.kind {
            RequestType::Quota => match self.unit.to_mb(&self.amount) {
                Some(v) if v > limits.max_quota_mb => p.add("requested_mb", "requests-over-cap"),
                Some(v) if v > 0 => mb = Some(v),
                _ => p.add("requested_mb", "console-amount-required"),
            },
            RequestType::Unlimited if !limits.unlimited_allowed => {
                p.add("request_type", "requests-unlimited-not-allowed")
            }
            RequestType::Unlimited => {}
        }
        let days = match optional_days(&self.days) {
            Ok(Some(d)) if d > max_days => {
                p.add("requested_duration_days", "requests-over-cap");
                None
            }
            Ok(Some(d)) => Some(d),
            Ok(None) if max_days == 0 => None,
            _ => {
                p.add("requested_duration_days", "console-days-positive");
                None
            }
        };
        p.done(|| NewQuotaRequest {
            request_type: self.kind,
            requested_mb: mb,
            requested_duration_days: days,
        })
    }
}

// ----- accounts -----------------------------------------------------------------------------

/// What an added account is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum NewAccount {
    #[default]
    User,
    Tamping,
    Komandan,
    Admin,
}

/// `POST /api/admin/users`: name, number, kind, and blok/kamar or the kind of tamping.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreateUserForm {
    pub name: String,
    pub phone: String,
    pub kind: NewAccount,
    pub blok: String,
    pub kamar: String,
    pub tamping: String,
}

/// The field a registration check's text key is about.
fn field_of(key: &str) -> &'static str {
    match key {
        "register-name-required" => "full_name",
        "auth-phone-invalid" => "phone_number",
        "register-tamping-required" => "tamping_type",
        _ => "blok",
    }
}

impl CreateUserForm {
    /// Only a super admin adds administrators.
    pub fn to_request(&self, actor: Role) -> Result<AdminCreateUser, Vec<FieldProblem>> {
        let mut p = Problems::default();
        let who = name_and_phone(&self.name, &self.phone)
            .map_err(|key| p.add(field_of(key), key))
            .ok();
        // The server asks users and komandan for blok and kamar, tamping for their kind.
        let at = place(
            matches!(self.kind, NewAccount::User | NewAccount::Komandan),
            self.kind == NewAccount::Tamping,
            &self.blok,
            &self.kamar,
            &self.tamping,
        )
        .map_err(|key| p.add(field_of(key), key))
        .ok();
        if self.kind == NewAccount::Admin && actor != Role::SuperAdmin {
            p.add("role", "console-role-not-allowed");
        }
        let role = match self.kind {
            NewAccount::User | NewAccount::Tamping => Role::User,
            NewAccount::Komandan => Role::Komandan,
            NewAccount::Admin => Role::Admin,
        };
        match (who, at) {
            (Some((full_name, phone)), Some(at)) => p.done(|| AdminCreateUser {
                phone_number: phone.as_e164().to_owned(),
                full_name,
                role: Some(role),
                blok: at.blok,
                kamar: at.kamar,
                is_tamping: at.is_tamping,
                tamping_type: at.tamping_type,
            }),
            _ => Err(p.0),
        }
    }
}

/// The profile section: name, number, blok/kamar or the kind of tamping.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileForm {
    pub name: String,
    pub phone: String,
    pub blok: String,
    pub kamar: String,
    pub tamping: String,
}

impl ProfileForm {
    pub fn of(u: &UserMe) -> Self {
        ProfileForm {
            name: u.full_name.clone(),
            phone: crate::format::phone(&u.phone_number),
            blok: u.blok.clone().unwrap_or_default(),
            kamar: u.kamar.clone().unwrap_or_default(),
            tamping: u.tamping_type.clone().unwrap_or_default(),
        }
    }

    /// Whether the account has blok/kamar (users and komandan who are not tamping) and
    /// whether it has a kind of tamping.
    pub fn places(u: &UserMe) -> (bool, bool) {
        (!u.role.is_admin() && !u.is_tamping, u.is_tamping)
    }

    /// Only what differs from `current` is sent (a new number makes every router follow).
    pub fn to_update(&self, current: &UserMe) -> Result<AdminUserUpdate, Vec<FieldProblem>> {
        let mut p = Problems::default();
        let mut body = AdminUserUpdate::default();
        match name_and_phone(&self.name, &self.phone) {
            Ok((name, phone)) => {
                if name != current.full_name {
                    body.full_name = Some(name);
                }
                let before = Phone::parse(&current.phone_number).ok();
                if before.as_ref().map(Phone::as_e164) != Some(phone.as_e164()) {
                    body.phone_number = Some(phone.as_e164().to_owned());
                }
            }
            Err(key) => p.add(field_of(key), key),
        }
        let (address, tamping) = Self::places(current);
        match place(address, tamping, &self.blok, &self.kamar, &self.tamping) {
            Ok(at) => {
                if address && (at.blok != current.blok || at.kamar != current.kamar) {
                    body.blok = at.blok;
                    body.kamar = at.kamar;
                }
                if tamping && at.tamping_type != current.tamping_type {
                    body.tamping_type = at.tamping_type;
                }
            }
            Err(key) => p.add(field_of(key), key),
        }
        if p.0.is_empty() && body == AdminUserUpdate::default() {
            p.add("form", "console-nothing-changed");
        }
        p.done(|| body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::admin::forms::problem_fields;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn powers_follow_the_server() {
        let p = powers(Role::Admin, false, Role::User);
        assert!(p.manage && p.lifecycle && p.quota && !p.adjust);
        assert_eq!(p.roles, [Role::User, Role::Komandan]);
        // An admin does not touch administrators.
        let p = powers(Role::Admin, false, Role::Admin);
        assert!(!p.manage && !p.lifecycle && p.roles.is_empty());
        assert!(!powers(Role::Admin, false, Role::SuperAdmin).manage);
        // A super admin manages everyone and gives every role…
        let p = powers(Role::SuperAdmin, false, Role::Admin);
        assert!(p.manage && p.lifecycle);
        assert_eq!(p.roles, Role::ALL);
        // Administrators use no quota: no quota or debt operations on them.
        assert!(!p.quota && !p.adjust);
        let p = powers(Role::SuperAdmin, false, Role::Komandan);
        assert!(p.quota && p.adjust);
        // …but not their own role, activation or block.
        let p = powers(Role::SuperAdmin, true, Role::SuperAdmin);
        assert!(p.manage && !p.lifecycle && p.roles.is_empty());
        assert!(!powers(Role::User, false, Role::User).manage);
    }

    #[test]
    fn units() {
        assert_eq!(Unit::Gb.to_mb("1,5"), Some(1536));
        assert_eq!(Unit::Mb.to_mb("1.024"), Some(1024));
        assert_eq!(Unit::Mb.to_mb("10.240.001"), None);
        assert_eq!(Unit::Gb.to_mb("x"), None);
        assert_eq!(Unit::Gb.optional_mb(" "), Ok(None));
        assert_eq!(Unit::from_value("MB"), Unit::Mb);
        assert_eq!(Unit::from_value(Unit::Gb.value()), Unit::Gb);
    }

    #[test]
    fn inject() {
        let f = InjectForm {
            amount: "2".into(),
            days: "30".into(),
            reason: " kompensasi ".into(),
            ..Default::default()
        };
        assert_eq!(
            f.to_request().unwrap(),
            InjectQuota {
                add_mb: 2048,
                add_gb: 0,
                add_days: 30,
                reason: Some("kompensasi".into())
            }
        );
        let days_only = InjectForm {
            days: "7".into(),
            ..Default::default()
        };
        assert_eq!(days_only.to_request().unwrap().add_mb, 0);
        assert_eq!(
            InjectForm::default().to_request().unwrap_err(),
            vec![("add_mb", "console-inject-empty")]
        );
        let bad = InjectForm {
            amount: "-1".into(),
            unit: Unit::Mb,
            days: "4000".into(),
            ..Default::default()
        };
        assert_eq!(problem_fields(bad.to_request()), ["add_mb", "add_days"]);
    }

    #[test]
    fn unlimited() {
        let tz = AppTz::default();
        let today = day(2026, 3, 10);
        let until = UnlimitedForm {
            mode: UnlimitedMode::Until,
            until: "2026-03-31".into(),
            ..Default::default()
        }
        .to_request(tz, today)
        .unwrap();
        // The end of 31-03-2026 in Asia/Makassar (UTC+8).
        assert_eq!(
            until.until.unwrap().to_rfc3339(),
            "2026-03-31T15:59:59+00:00"
        );
        assert_eq!(until.days, None);
        let past = UnlimitedForm {
            mode: UnlimitedMode::Until,
            until: "09-03-2026".into(),
            ..Default::default()
        };
        assert_eq!(
            past.to_request(tz, today).unwrap_err(),
            vec![("until", "console-date-past")]
        );
        let days = UnlimitedForm {
            days: "30".into(),
            ..Default::default()
        };
        assert_eq!(days.to_request(tz, today).unwrap().days, Some(30));
        let zero = UnlimitedForm {
            days: "0".into(),
            ..Default::default()
        };
        assert_eq!(problem_fields(zero.to_request(tz, today)), ["days"]);
        let open = UnlimitedForm {
            mode: UnlimitedMode::NoEnd,
            ..Default::default()
        };
        assert_eq!(open.to_request(tz, today).unwrap(), SetUnlimited::default());
    }

    #[test]
    fn adjust() {
        let f = AdjustForm {
            purchased: "10.240".into(),
            used: String::new(),
            reason: "koreksi".into(),
        };
        let body = f.to_request().unwrap();
        assert_eq!(
            (body.set_purchased_mb, body.set_used_mb),
            (Some(10_240), None)
        );
        assert_eq!(
            problem_fields(AdjustForm::default().to_request()),
            ["set_purchased_mb", "reason"]
        );
        let bad = AdjustForm {
            used: "1,5".into(),
            reason: "x".into(),
            ..Default::default()
        };
        assert_eq!(problem_fields(bad.to_request()), ["set_used_mb"]);
    }

    #[test]
    fn debts() {
        let f = DebtForm {
            amount: "500".into(),
            unit: Unit::Mb,
            debt_date: "2026-03-01".into(),
            due_date: "31-03-2026".into(),
            price: "Rp 5.000".into(),
            note: " kasbon ".into(),
            ..Default::default()
        };
        let body = f.to_request().unwrap();
        assert_eq!(body.amount_mb, Some(500));
        assert_eq!(body.price_rp, Some(5000));
        assert_eq!(body.due_date, Some(day(2026, 3, 31)));
        assert_eq!(body.note.as_deref(), Some("kasbon"));
        let package = DebtForm {
            by: DebtBy::Package,
            package_id: "p1".into(),
            amount: "ignored".into(),
            price: "ignored".into(),
            ..Default::default()
        };
        let body = package.to_request().unwrap();
        assert_eq!(
            (body.package_id.as_deref(), body.amount_mb, body.price_rp),
            (Some("p1"), None, None)
        );
        let bad = DebtForm {
            price: "10,5".into(),
            debt_date: "2026-03-10".into(),
            due_date: "2026-03-01".into(),
            ..Default::default()
        };
        assert_eq!(
            problem_fields(bad.to_request()),
            ["amount_mb", "price_rp", "due_date"]
        );
        assert_eq!(
            problem_fields(
                DebtForm {
                    by: DebtBy::Package,
                    ..Default::default()
                }
                .to_request()
            ),
            ["package_id"]
        );
        let settle = SettleForm {
            amount: "20.000".into(),
            note: String::new(),
        };
        assert_eq!(settle.to_request().unwrap().amount_rp, Some(20_000));
        assert_eq!(SettleForm::default().to_request().unwrap().amount_rp, None);
    }

    #[test]
    fn debt_states() {
        let raw = serde_json::json!({"id":"d1","user_id":"u1","user_name":null,"user_phone":null,
            "debt_date":"2026-03-01","due_date":"2026-03-31","amount_mb":500,"paid_mb":0,
            "remaining_mb":500,"is_unlimited":false,"is_paid":false,"paid_at":null,"price_rp":5000,
            "estimated_rp":5000,"last_paid_source":null,"note":null,
            "created_at":"2026-03-01T00:00:00Z"});
        let mut item: DebtItemView = serde_json::from_value(raw).unwrap();
        assert_eq!(DebtState::of(&item, day(2026, 3, 31)), DebtState::Open);
        assert_eq!(DebtState::of(&item, day(2026, 4, 1)), DebtState::Overdue);
        item.is_paid = true;
        assert_eq!(DebtState::of(&item, day(2026, 4, 1)), DebtState::Paid);
    }

    #[test]
    fn history_filter() {
        let q = HistoryFilter {
            kind: "admin".into(),
            from: "2026-03-01".into(),
            to: String::new(),
        }
        .to_query()
        .unwrap();
        assert_eq!(q.kind.as_deref(), Some("admin"));
        assert_eq!(q.from, Some(day(2026, 3, 1)));
        let bad = HistoryFilter {
            from: "2026-03-10".into(),
            to: "2026-03-01".into(),
            ..Default::default()
        };
        assert_eq!(problem_fields(bad.to_query()), ["to"]);
    }

    #[test]
    fn processing_requests() {
        let approve = ProcessForm::default();
        let body = approve.to_request(RequestType::Quota).unwrap();
        assert_eq!(body.action, ProcessAction::Approve);
        assert_eq!(body.rejection_reason, None);
        let shorter = ProcessForm {
            unlimited_days: "14".into(),
            ..Default::default()
        };
        assert_eq!(
            shorter
                .to_request(RequestType::Unlimited)
                .unwrap()
                .unlimited_duration_days,
            Some(14)
        );
        // The days only matter for an UNLIMITED request.
        assert_eq!(
            shorter
                .to_request(RequestType::Quota)
                .unwrap()
                .unlimited_duration_days,
            None
        );
        let reject = ProcessForm {
            action: ProcessAction::Reject,
            reason: " abcd ".into(),
            ..Default::default()
        };
        assert_eq!(
            reject.to_request(RequestType::Quota).unwrap_err(),
            vec![("rejection_reason", "console-reason-min5")]
        );
        let reject = ProcessForm {
            reason: "Kuota bulan ini habis".into(),
            ..reject
        };
        let body = reject.to_request(RequestType::Quota).unwrap();
        assert_eq!(
            body.rejection_reason.as_deref(),
            Some("Kuota bulan ini habis")
        );
        assert_eq!(body.granted_quota_mb, None);
        let partial = ProcessForm {
            action: ProcessAction::RejectAndGrantQuota,
            reason: "Sebagian saja".into(),
            amount: "5".into(),
            days: "15".into(),
            ..Default::default()
        };
        let body = partial.to_request(RequestType::Quota).unwrap();
        assert_eq!(
            (body.granted_quota_mb, body.granted_duration_days),
            (Some(5120), Some(15))
        );
        let nothing = ProcessForm {
            amount: String::new(),
            days: String::new(),
            ..partial
        };
        assert_eq!(
            nothing.to_request(RequestType::Quota).unwrap_err(),
            vec![("granted_quota_mb", "console-grant-empty")]
        );
    }

    fn limits() -> RequestLimits {
        RequestLimits {
            max_quota_mb: 20_480,
            max_quota_days: 30,
            max_unlimited_days: 7,
            unlimited_allowed: true,
            next_request_at: None,
            blocked_reason: None,
        }
    }

    #[test]
    fn komandan_requests_within_the_caps() {
        let f = KomandanForm {
            amount: "20".into(),
            days: "30".into(),
            ..Default::default()
        };
        assert_eq!(
            f.to_request(&limits()).unwrap(),
            NewQuotaRequest {
                request_type: RequestType::Quota,
                requested_mb: Some(20_480),
                requested_duration_days: Some(30)
            }
        );
        let over = KomandanForm {
            amount: "20,01".into(),
            days: "31".into(),
            ..Default::default()
        };
        assert_eq!(
            over.to_request(&limits()).unwrap_err(),
            vec![
                ("requested_mb", "requests-over-cap"),
                ("requested_duration_days", "requests-over-cap")
            ]
        );
        let unlimited = KomandanForm {
            kind: RequestType::Unlimited,
            amount: "999".into(),
            days: "7".into(),
            ..Default::default()
        };
        let body = unlimited.to_request(&limits()).unwrap();
        assert_eq!(
            (body.requested_mb, body.requested_duration_days),
            (None, Some(7))
        );
        let closed = RequestLimits {
            unlimited_allowed: false,
            ..limits()
        };
        assert_eq!(
            problem_fields(unlimited.to_request(&closed)),
            ["request_type"]
        );
        let later = RequestLimits {
            next_request_at: Some(chrono::Utc::now()),
            blocked_reason: Some("Masih ada permintaan yang menunggu.".into()),
            ..limits()
        };
        assert_eq!(problem_fields(f.to_request(&later)), ["request_type"]);
        let empty = KomandanForm::default();
        assert_eq!(
            problem_fields(empty.to_request(&limits())),
            ["requested_mb", "requested_duration_days"]
        );
    }

    #[test]
    fn adding_users() {
        let f = CreateUserForm {
            name: " Budi ".into(),
            phone: "081234567890".into(),
            kind: NewAccount::User,
            blok: "A".into(),
            kamar: "1".into(),
            tamping: "ignored".into(),
        };
        let body = f.to_request(Role::Admin).unwrap();
        assert_eq!(body.phone_number, "+6281234567890");
        assert_eq!(
            (body.full_name.as_str(), body.role),
            ("Budi", Some(Role::User))
        );
        assert_eq!((body.blok.as_deref(), body.tamping_type), (Some("A"), None));
        let tamping = CreateUserForm {
            kind: NewAccount::Tamping,
            tamping: "Dapur".into(),
            ..f.clone()
        };
        let body = tamping.to_request(Role::Admin).unwrap();
        assert!(body.is_tamping && body.blok.is_none());
        let komandan = CreateUserForm {
            kind: NewAccount::Komandan,
            ..f.clone()
        };
        let body = komandan.to_request(Role::Admin).unwrap();
        assert_eq!(
            (body.role, body.blok.as_deref()),
            (Some(Role::Komandan), Some("A"))
        );
        let homeless = CreateUserForm {
            blok: String::new(),
            ..komandan
        };
        assert_eq!(problem_fields(homeless.to_request(Role::Admin)), ["blok"]);
        let admin = CreateUserForm {
            kind: NewAccount::Admin,
            blok: String::new(),
            ..f.clone()
        };
        assert_eq!(problem_fields(admin.to_request(Role::Admin)), ["role"]);
        assert_eq!(
            admin.to_request(Role::SuperAdmin).unwrap().role,
            Some(Role::Admin)
        );
        let bad = CreateUserForm {
            name: "B".into(),
            phone: "12".into(),
            kamar: String::new(),
            ..f
        };
        // The name is checked before the number (one problem from that check), then the place.
        assert_eq!(
            problem_fields(bad.to_request(Role::Admin)),
            ["full_name", "blok"]
        );
    }

    fn user() -> UserMe {
        serde_json::from_value(
            serde_json::json!({"id":"u1","phone_number":"+6281234567890",
            "full_name":"Budi","blok":"A","kamar":"1","is_tamping":false,"tamping_type":null,
            "role":"USER","approval_status":"APPROVED","is_active":true,"is_blocked":false,
            "blocked_reason":null,"is_unlimited_user":false,"total_quota_purchased_mb":0,
            "total_quota_used_mb":0,"remaining_mb":0,"quota_expiry_date":null,
            "quota_debt_auto_mb":0,"quota_debt_manual_mb":0,"quota_debt_total_mb":0,
            "status":"habis","access_status":"habis","hotspot_username":"081234567890",
            "created_at":"2026-03-01T00:00:00Z","updated_at":"2026-03-01T00:00:00Z",
            "approved_at":null,"last_login_at":null}),
        )
        .unwrap()
    }

    #[test]
    fn profile_sends_what_changed() {
        let u = user();
        let f = ProfileForm::of(&u);
        assert_eq!(f.phone, "081234567890");
        assert_eq!(
            f.to_update(&u).unwrap_err(),
            vec![("form", "console-nothing-changed")]
        );
        let moved = ProfileForm {
            kamar: "2".into(),
            phone: "0812 3456 7891".into(),
            ..f.clone()
        };
        let body = moved.to_update(&u).unwrap();
        assert_eq!(body.phone_number.as_deref(), Some("+6281234567891"));
        assert_eq!(
            (body.blok.as_deref(), body.kamar.as_deref()),
            (Some("A"), Some("2"))
        );
        assert_eq!(body.full_name, None);
        let bad = ProfileForm {
            blok: String::new(),
            ..f
        };
        assert_eq!(problem_fields(bad.to_update(&u)), ["blok"]);
    }
}
