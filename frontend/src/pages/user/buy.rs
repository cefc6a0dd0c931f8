//! `/beli`: the package catalogue; buying starts a payment (Snap's page, or our status page
//! in Core API mode). Closed while the gateway's circuit breaker is open.

use leptos::prelude::*;
use leptos::task::spawn_local;
use saring_domain::Megabytes;
use saring_domain::dto::payments::{InitiateRequest, PackageDto};

use crate::api;
use crate::components::common::{Alert, AlertKind, PortalShell, use_go, use_title};
use crate::components::payments::{
    MethodChoice, MethodPicker, closed_banner, follow, payments_open,
};
use crate::contexts::{I18n, use_i18n};
use crate::format;

/// `10 GB`, or "Unlimited".
pub fn quota_text(i18n: I18n, p: &PackageDto) -> String {
    if p.is_unlimited || p.data_quota_mb <= 0 {
        i18n.tr("buy-unlimited")
    } else {
        format::mb(Megabytes::from_whole(p.data_quota_mb), i18n.get())
    }
}

#[component]
pub fn BuyPage() -> impl IntoView {
    let i18n = use_i18n();
    let go = use_go();
    use_title("nav-buy");
    let packages = LocalResource::new(api::payments::packages);
    let availability = LocalResource::new(api::payments::availability);
    let options = LocalResource::new(api::payments::options);
    let availability = Signal::derive(move || availability.get().and_then(Result::ok));
    let options = Signal::derive(move || options.get().and_then(Result::ok));
    let choice = MethodChoice::new();
    let busy: RwSignal<Option<String>> = RwSignal::new(None);
    let error: RwSignal<Option<String>> = RwSignal::new(None);
    let open = Signal::derive(move || payments_open(availability.get().as_ref()));

    let buy = move |package_id: String| {
        if busy.get_untracked().is_some() {
            return;
        }
        error.set(None);
        let (payment_method, va_bank) = choice.request(options.get_untracked().as_ref());
        let body = InitiateRequest {
            package_id: package_id.clone(),
            payment_method,
            va_bank,
        };
        busy.set(Some(package_id));
        spawn_local(async move {
            match api::payments::initiate(&body).await {
                Ok(r) => follow(&r, go),
                Err(e) => {
                    let _ = error.try_set(Some(e.text(i18n.locale.get_untracked())));
                    let _ = busy.try_set(None);
                }
            }
        });
    };

    let card = move |p: PackageDto| {
        let id = p.id.clone();
        let id_busy = p.id.clone();
        let quota = quota_text(i18n, &p);
        let price = p.price.to_string();
        let days = p.duration_days.to_string();
        let is_busy = move || busy.get().as_deref() == Some(id_busy.as_str());
        view! {
            <section class="panel stack" data-testid="package-card" data-package-id=p.id.clone()>
                <div class="panel-head">
                    <h2 data-testid="package-name">{p.name.clone()}</h2>
                    {(p.is_unlimited || p.data_quota_mb <= 0).then(|| view! { <span class="badge badge-ok">{move || i18n.tr("buy-unlimited")}</span> })}
                </div>
                <div class="stats">
                    <div class="stat"><span class="muted">{move || i18n.tr("buy-price")}</span><strong data-testid="package-price">{price}</strong></div>
                    <div class="stat"><span class="muted">{move || i18n.tr("buy-quota")}</span><strong data-testid="package-quota">{quota}</strong></div>
                    <div class="stat"><span class="muted">{move || i18n.tr("buy-duration")}</span>
                        <strong data-testid="package-days">{move || i18n.tr_with("buy-days", &[("days", &days)])}</strong></div>
                </div>
                {p.description.clone().filter(|d| !d.trim().is_empty()).map(|d| view! { <p class="muted small">{d}</p> })}
                <button type="button" class="btn btn-primary" data-testid="buy"
                    disabled=move || !open.get() || busy.get().is_some()
                    on:click=move |_| buy(id.clone())>
                    {move || if is_busy() { i18n.tr("common-processing") } else { i18n.tr("buy-button") }}
                </button>
            </section>
        }
    };

    view! {
        <PortalShell>
            <h1>{move || i18n.tr("nav-buy")}</h1>
            <p class="muted">{move || i18n.tr("buy-intro")}</p>
            {closed_banner(i18n, availability)}
            <Alert kind=AlertKind::Error text=error/>
            <MethodPicker options=options choice=choice/>
            {move || match packages.get() {
                None => view! { <p class="muted skeleton">{move || i18n.tr("common-loading")}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="alert alert-error" role="alert">{e.text(i18n.locale.get())}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="muted" data-testid="no-packages">{move || i18n.tr("buy-empty")}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <div class="grid" data-testid="packages">
                        {list.into_iter().map(card).collect_view()}
                    </div>
                }.into_any(),
            }}
        </PortalShell>
    }
}
