//! Pieces the purchase, payment-status and history pages share: the payment-method picker
//! (Core API mode), the "payments closed" banner, status texts and what to do after an
//! order was created.

use leptos::prelude::*;
use saring_domain::PaymentStatus;
use saring_domain::dto::payments::{InitiateResponse, PaymentAvailability, PaymentOptions};

use crate::api;
use crate::contexts::{I18n, use_i18n};

/// The i18n key of a transaction status.
pub fn status_key(status: PaymentStatus) -> &'static str {
    match status {
        PaymentStatus::Pending => "pay-status-pending",
        PaymentStatus::Unknown => "pay-status-unknown",
        PaymentStatus::Success => "pay-status-success",
        PaymentStatus::Failed => "pay-status-failed",
        PaymentStatus::Expired => "pay-status-expired",
        PaymentStatus::Cancelled => "pay-status-cancelled",
        PaymentStatus::Refunded => "pay-status-refunded",
    }
}

/// The badge class of a transaction status.
pub fn status_class(status: PaymentStatus) -> &'static str {
    match status {
        PaymentStatus::Success => "badge badge-ok",
        PaymentStatus::Pending | PaymentStatus::Unknown => "badge badge-warn",
        _ => "badge badge-error",
    }
}

/// The i18n key of a Core API payment method (`qris`, `gopay`, `shopeepay`, `va`).
pub fn method_key(method: &str) -> &'static str {
    match method {
        "qris" => "pay-method-qris",
        "gopay" => "pay-method-gopay",
        "shopeepay" => "pay-method-shopeepay",
        "va" | "bank_transfer" => "pay-method-va",
        "echannel" => "pay-method-echannel",
        _ => "pay-method-other",
    }
}

/// A bank code as shown (`bca` → `BCA`).
pub fn bank_label(bank: &str) -> String {
    bank.to_ascii_uppercase()
}

/// `/payment/status?order_id=…[&t=…]`
pub fn status_path(order_id: &str, token: Option<&str>) -> String {
    format!(
        "/payment/status{}",
        api::query_string(&[
            ("order_id", Some(order_id.to_owned())),
            ("t", token.map(str::to_owned)),
        ])
    )
}

/// Where to go once an order exists: Snap's hosted page (a full page load), or our status
/// page for Core API orders (VA number, QR code, deeplink).
pub enum NextStep {
    External(String),
    Status(String),
}

pub fn next_step(r: &InitiateResponse) -> NextStep {
    match r.redirect_url.as_deref().filter(|u| !u.is_empty()) {
        Some(url) if r.provider_mode == "snap" => NextStep::External(url.to_owned()),
        _ => NextStep::Status(status_path(&r.order_id, None)),
    }
}

/// Follows [`next_step`].
pub fn follow(r: &InitiateResponse, go: Callback<String>) {
    match next_step(r) {
        NextStep::External(url) => crate::browser::go_external(&url),
        NextStep::Status(path) => go.run(path),
    }
}

/// The method and bank the user picked (Core API mode); empty when Snap chooses.
#[derive(Debug, Clone, Copy)]
pub struct MethodChoice {
    pub method: RwSignal<String>,
    pub bank: RwSignal<String>,
}

impl MethodChoice {
    pub fn new() -> Self {
        MethodChoice {
            method: RwSignal::new(String::new()),
            bank: RwSignal::new(String::new()),
        }
    }

    /// `(payment_method, va_bank)` for an initiation in `options`' mode.
    pub fn request(&self, options: Option<&PaymentOptions>) -> (Option<String>, Option<String>) {
        let Some(o) = options.filter(|o| o.provider_mode == "core_api") else {
            return (None, None);
        };
        let method = self.method.get_untracked();
        let method = if method.is_empty() {
            o.payment_methods.first().cloned().unwrap_or_default()
        } else {
            method
        };
        let bank = (method == "va").then(|| {
            let b = self.bank.get_untracked();
            if b.is_empty() {
                o.va_banks.first().cloned().unwrap_or_default()
            } else {
                b
            }
        });
        (
            crate::format::non_blank(&method),
            bank.filter(|b| !b.is_empty()),
        )
    }
}

impl Default for MethodChoice {
    fn default() -> Self {
        Self::new()
    }
}

/// The method (and bank) picker, shown in Core API mode only.
#[component]
pub fn MethodPicker(
    #[prop(into)] options: Signal<Option<PaymentOptions>>,
    choice: MethodChoice,
) -> impl IntoView {
    let i18n = use_i18n();
    // Preselect the first method and bank once the options arrive.
    Effect::new(move |_| {
        if let Some(o) = options.get() {
            if choice.method.get_untracked().is_empty()
                && let Some(m) = o.payment_methods.first()
            {
                choice.method.set(m.clone());
            }
            if choice.bank.get_untracked().is_empty()
                && let Some(b) = o.va_banks.first()
            {
                choice.bank.set(b.clone());
            }
        }
    });
    move || {
        let o = options.get().filter(|o| o.provider_mode == "core_api")?;
        let banks = o.va_banks.clone();
        Some(view! {
            <div class="panel stack" data-testid="method-picker">
                <label class="field">
                    <span>{move || i18n.tr("pay-method")}</span>
                    <select data-testid="pay-method" prop:value=move || choice.method.get()
                        on:change=move |ev| choice.method.set(event_target_value(&ev))>
                        {o.payment_methods.iter().map(|m| {
                            let key = method_key(m);
                            view! { <option value=m.clone()>{move || i18n.tr(key)}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <Show when=move || choice.method.get() == "va">
                    <label class="field">
                        <span>{move || i18n.tr("pay-bank")}</span>
                        <select data-testid="pay-bank" prop:value=move || choice.bank.get()
                            on:change=move |ev| choice.bank.set(event_target_value(&ev))>
                            {banks.iter().map(|b| view! { <option value=b.clone()>{bank_label(b)}</option> }).collect_view()}
                        </select>
                    </label>
                </Show>
            </div>
        })
    }
}

/// Whether payments may be started now (unknown counts as open: the server decides).
pub fn payments_open(a: Option<&PaymentAvailability>) -> bool {
    a.is_none_or(|a| a.available)
}

/// The "payments closed" banner while the gateway's circuit breaker is open.
pub fn closed_banner(
    i18n: I18n,
    availability: Signal<Option<PaymentAvailability>>,
) -> impl IntoView {
    move || {
        let a = availability.get().filter(|a| !a.available)?;
        let detail = a.message.clone().filter(|m| !m.trim().is_empty());
        let retry = a.retry_after_seconds.map(|s| {
            i18n.tr_with(
                "pay-closed-retry",
                &[("minutes", &s.div_ceil(60).max(1).to_string())],
            )
        });
        Some(view! {
            <div class="alert alert-warn" role="status" data-testid="payments-closed">
                <strong>{i18n.tr("pay-closed")}</strong>
                {detail.map(|m| view! { <p>{m}</p> })}
                {retry.map(|r| view! { <p class="small">{r}</p> })}
            </div>
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use saring_domain::Locale;

    #[test]
    fn statuses() {
        for s in PaymentStatus::ALL {
            for l in [Locale::Id, Locale::En] {
                assert!(crate::i18n::lookup(l, status_key(s)).is_some(), "{s}");
            }
        }
        for m in ["qris", "gopay", "shopeepay", "va", "echannel", "x"] {
            assert!(
                crate::i18n::lookup(Locale::Id, method_key(m)).is_some(),
                "{m}"
            );
        }
    }

    #[test]
    fn status_paths() {
        assert_eq!(status_path("BD-1", None), "/payment/status?order_id=BD-1");
        assert_eq!(
            status_path("BD-1", Some("x y")),
            "/payment/status?order_id=BD-1&t=x%20y"
        );
    }
}
