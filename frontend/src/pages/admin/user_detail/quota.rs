//! The quota tab: the account's quota now; **inject** MB/GB and/or days (MB pays debts
//! first); **unlimited** until a date, for some days or without end, and **revoke**; and the
//! super admin's **direct adjust** of the purchased/used MB (reason required).

use leptos::prelude::*;
use saring_domain::dto::operator::QuotaState;
use saring_domain::{AppTz, Megabytes};

use super::{Console, QUOTA_PARTS, use_console};
use crate::api::{self, ApiError};
use crate::contexts::{I18n, Settings, use_i18n, use_settings};
use crate::format;
use crate::pages::admin::forms::FieldProblem;
use crate::pages::admin::operator_forms::{
    AdjustForm, InjectForm, Unit, UnlimitedForm, UnlimitedMode,
};
use crate::pages::admin::parts::{
    Action, ActionPanel, ConfirmButton, Kind, input, radio, submit_button, unit_select,
};

/// What a quota operation left, in words: quota or unlimited access, debt paid, whether the
/// router follows now or later, whether WhatsApp was queued.
pub fn state_text(i18n: I18n, tz: AppTz, s: &QuotaState) -> String {
    let l = i18n.locale.get_untracked();
    let mut parts = vec![if s.is_unlimited_user {
        match s.quota_expiry_date {
            Some(until) => i18n.text_with(
                "console-state-unlimited",
                &[("until", &tz.format_datetime(until))],
            ),
            None => i18n.text("console-state-unlimited-open"),
        }
    } else {
        i18n.text_with(
            "console-state-quota",
            &[
                ("remaining", &format::mb(s.remaining_mb, l)),
                ("total", &format::mb(s.total_quota_purchased_mb, l)),
                ("used", &format::mb(s.total_quota_used_mb, l)),
                ("expiry", &format::date(tz, s.quota_expiry_date)),
            ],
        )
    }];
    if s.paid_debt_mb > 0 {
        parts.push(i18n.text_with(
            "console-state-paid-debt",
            &[("mb", &format::whole_mb(s.paid_debt_mb, l))],
        ));
    }
    parts.push(i18n.text(if s.router_synced {
        "console-state-router-synced"
    } else {
        "console-state-router-queued"
    }));
    if s.whatsapp_queued {
        parts.push(i18n.text("console-state-whatsapp"));
    }
    parts.join(" ")
}

/// One quota operation of a section: on success its text and the new state in words, and
/// every quota part of the page reloads.
#[derive(Debug, Clone, Copy)]
struct QuotaCall {
    i18n: I18n,
    settings: Settings,
    console: Console,
    action: Action,
}

impl QuotaCall {
    fn new() -> Self {
        let i18n = use_i18n();
        QuotaCall {
            i18n,
            settings: use_settings(),
            console: use_console(),
            action: Action::new(i18n),
        }
    }

    fn run<B, F>(
        self,
        body: Result<B, Vec<FieldProblem>>,
        send: impl FnOnce(String, B) -> F + 'static,
        key: &'static str,
    ) where
        B: 'static,
        F: std::future::Future<Output = Result<QuotaState, ApiError>> + 'static,
    {
        let QuotaCall {
            i18n,
            settings,
            console,
            action,
        } = self;
        let (id, tz) = (console.id(), settings.tz());
        action.run(
            body,
            move |b| send(id, b),
            move |state| {
                console.changed(QUOTA_PARTS);
                format!("{} {}", i18n.text(key), state_text(i18n, tz, &state))
            },
        );
    }
}

#[component]
fn Summary() -> impl IntoView {
    let i18n = use_i18n();
    let settings = use_settings();
    let console = use_console();
    move || {
        let u = console.me()?;
        let l = i18n.get();
        let tz = settings.tz();
        let rows = [
            ("dashboard-remaining", format::mb(u.remaining_mb, l)),
            ("dashboard-used", format::mb(u.total_quota_used_mb, l)),
            ("dashboard-total", format::mb(u.total_quota_purchased_mb, l)),
            ("dashboard-expiry", format::date(tz, u.quota_expiry_date)),
            (
                "admin-filter-unlimited",
                i18n.tr(if u.is_unlimited_user {
                    "admin-yes"
                } else {
                    "admin-no"
                }),
            ),
            ("dashboard-debt-total", format::mb(u.quota_debt_total_mb, l)),
        ];
        Some(view! {
            <div class="stats" data-testid="quota-summary">
                {rows.into_iter().map(|(k, v)| view! {
                    <div class="stat"><span class="muted small">{i18n.tr(k)}</span><strong>{v}</strong></div>
                }).collect_view()}
            </div>
        })
    }
}

#[component]
fn InjectSection() -> impl IntoView {
    let call = QuotaCall::new();
    let (i18n, action) = (call.i18n, call.action);
    let amount = RwSignal::new(String::new());
    let unit = RwSignal::new(Unit::Gb);
    let days = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let preview = move || {
        unit.get()
            .to_mb(&amount.get())
            .filter(|mb| *mb > 0 && unit.get() == Unit::Gb)
            .map(|mb| format!("= {} MB", i18n.get().integer(mb)))
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = InjectForm {
            amount: amount.get_untracked(),
            unit: unit.get_untracked(),
            days: days.get_untracked(),
            reason: reason.get_untracked(),
        };
        call.run(
            form.to_request(),
            |id, b| async move { api::operator::inject(&id, &b).await },
            "console-injected",
        );
    };
    view! {
        <ActionPanel title="console-inject-title" help="console-inject-help" testid="inject-section" action=action>
            <form class="stack" novalidate on:submit=submit>
                <div class="row">
                    {input(i18n, action.errors, "console-amount", "add_mb", "inject-amount", Kind::Decimal, amount)}
                    {unit_select(i18n, unit, "inject-unit")}
                    {input(i18n, action.errors, "console-days", "add_days", "inject-days", Kind::Whole, days)}
                </div>
                <small class="muted">{preview}</small>
                {input(i18n, action.errors, "common-reason", "reason", "inject-reason", Kind::Text, reason)}
                {submit_button(i18n, action.busy, "console-inject-submit", "inject-submit")}
            </form>
        </ActionPanel>
    }
}

#[component]
fn UnlimitedSection() -> impl IntoView {
    let call = QuotaCall::new();
    let QuotaCall {
        i18n,
        settings,
        console,
        action,
    } = call;
    let mode = RwSignal::new(UnlimitedMode::Days);
    let until = RwSignal::new(String::new());
    let days = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let unlimited = move || console.me().is_some_and(|u| u.is_unlimited_user);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let tz = settings.tz();
        let form = UnlimitedForm {
            mode: mode.get_untracked(),
            until: until.get_untracked(),
            days: days.get_untracked(),
            reason: reason.get_untracked(),
        };
        call.run(
            form.to_request(tz, tz.date(crate::browser::now())),
            |id, b| async move { api::operator::set_unlimited(&id, &b).await },
            "console-unlimited-set",
        );
    };
    let revoke = move |_: String| {
        call.run(
            Ok(()),
            |id, _| async move { api::operator::revoke_unlimited(&id).await },
            "console-unlimited-revoked",
        );
    };
    view! {
        <ActionPanel title="console-unlimited-title" testid="unlimited-section" action=action>
            <Show when=unlimited>
                <p class="alert alert-info" data-testid="unlimited-now">
                    {move || {
                        let tz = settings.tz();
                        match console.me().and_then(|u| u.quota_expiry_date) {
                            Some(t) => i18n.tr_with("console-state-unlimited", &[("until", &tz.format_datetime(t))]),
                            None => i18n.tr("console-state-unlimited-open"),
                        }
                    }}
                </p>
                <ConfirmButton label="console-unlimited-revoke" message="console-unlimited-revoke-confirm"
                    testid="unlimited-revoke" danger=true on_confirm=Callback::new(revoke)/>
            </Show>
            <form class="stack" novalidate on:submit=submit>
                <div class="radios" role="radiogroup">
                    {radio(i18n, mode, UnlimitedMode::Days, "unlimited-mode", "console-unlimited-days", "unlimited-mode-days")}
                    {radio(i18n, mode, UnlimitedMode::Until, "unlimited-mode", "console-unlimited-until", "unlimited-mode-until")}
                    {radio(i18n, mode, UnlimitedMode::NoEnd, "unlimited-mode", "console-unlimited-no-end", "unlimited-mode-open")}
                </div>
                <Show when=move || mode.get() == UnlimitedMode::Days>
                    {input(i18n, action.errors, "console-days", "days", "unlimited-days", Kind::Whole, days)}
                </Show>
                <Show when=move || mode.get() == UnlimitedMode::Until>
                    {input(i18n, action.errors, "console-until-date", "until", "unlimited-until", Kind::Date, until)}
                </Show>
                {input(i18n, action.errors, "common-reason", "reason", "unlimited-reason", Kind::Text, reason)}
                {submit_button(i18n, action.busy, "console-unlimited-submit", "unlimited-submit")}
            </form>
        </ActionPanel>
    }
}

#[component]
fn AdjustSection() -> impl IntoView {
    let call = QuotaCall::new();
    let (i18n, console, action) = (call.i18n, call.console, call.action);
    let purchased = RwSignal::new(String::new());
    let used = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let now = move |pick: fn(&saring_domain::dto::auth::UserMe) -> Megabytes| {
        console
            .me()
            .map(|u| {
                i18n.tr_with(
                    "console-adjust-now",
                    &[("mb", &format::mb(pick(&u), i18n.get()))],
                )
            })
            .unwrap_or_default()
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = AdjustForm {
            purchased: purchased.get_untracked(),
            used: used.get_untracked(),
            reason: reason.get_untracked(),
        };
        call.run(
            form.to_request(),
            |id, b| async move { api::operator::adjust_quota(&id, &b).await },
            "console-adjusted",
        );
    };
    view! {
        <ActionPanel title="console-adjust-title" help="console-adjust-help" testid="adjust-section" action=action class="panel-warn">
            <form class="stack" novalidate on:submit=submit>
                <div class="row">
                    <div class="field">
                        {input(i18n, action.errors, "console-adjust-purchased", "set_purchased_mb", "adjust-purchased", Kind::Whole, purchased)}
                        <small class="muted">{move || now(|u| u.total_quota_purchased_mb)}</small>
                    </div>
                    <div class="field">
                        {input(i18n, action.errors, "console-adjust-used", "set_used_mb", "adjust-used", Kind::Whole, used)}
                        <small class="muted">{move || now(|u| u.total_quota_used_mb)}</small>
                    </div>
                </div>
                {input(i18n, action.errors, "console-reason-required-label", "reason", "adjust-reason", Kind::Text, reason)}
                {submit_button(i18n, action.busy, "console-adjust-submit", "adjust-submit")}
            </form>
        </ActionPanel>
    }
}

#[component]
pub fn QuotaTab() -> impl IntoView {
    let i18n = use_i18n();
    let console = use_console();
    let powers = move || console.powers.get();
    view! {
        <Summary/>
        {move || {
            let p = powers();
            if !p.quota {
                return p.manage.then(|| view! {
                    <p class="muted" data-testid="no-quota-admin">{move || i18n.tr("console-no-quota-admin")}</p>
                }.into_any());
            }
            Some(view! {
                <div class="grid">
                    <InjectSection/>
                    <UnlimitedSection/>
                </div>
                {if p.adjust {
                    view! { <AdjustSection/> }.into_any()
                } else {
                    view! { <p class="muted small" data-testid="adjust-super-only">{move || i18n.tr("console-adjust-super-only")}</p> }.into_any()
                }}
            }.into_any())
        }}
    }
}
