//! The create-bill dialog (`POST /api/admin/transactions/bill`): package, and in Core API
//! mode the payment method and VA bank; the answer shows the order and whether WhatsApp went
//! out.

use leptos::prelude::*;
use leptos_router::components::A;
use saring_domain::dto::payments::{AdminBillRequest, AdminBillResponse};

use super::use_console;
use crate::api;
use crate::components::common::Modal;
use crate::components::payments::{MethodChoice, MethodPicker, status_class, status_key};
use crate::contexts::use_i18n;
use crate::format::non_blank;
use crate::pages::admin::parts::{Action, package_select, submit_button};
use crate::pages::admin::transactions::detail_path;

#[component]
pub fn BillDialog(open: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let console = use_console();
    let action = Action::new(i18n);
    let packages = LocalResource::new(api::admin::packages);
    let options = LocalResource::new(api::payments::options);
    let options = Signal::derive(move || options.get().and_then(Result::ok));
    let choice = MethodChoice::new();
    let package = RwSignal::new(String::new());
    let created = RwSignal::new(None::<AdminBillResponse>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        created.set(None);
        let (payment_method, va_bank) = choice.request(options.get_untracked().as_ref());
        let body = match non_blank(&package.get_untracked()) {
            Some(package_id) => Ok(AdminBillRequest {
                user_id: console.id(),
                package_id,
                payment_method,
                va_bank,
            }),
            None => Err(vec![("package_id", "console-package-required")]),
        };
        action.run(
            body,
            |b| async move { api::operator::create_bill(&b).await },
            move |r| {
                let text = i18n.text_with("console-bill-created", &[("order", &r.order_id)]);
                created.set(Some(r));
                text
            },
        );
    };

    let result = move || {
        created.get().map(|r| {
            let status = r.status;
            let sent = if r.whatsapp_sent {
                "console-bill-whatsapp-sent"
            } else {
                "console-bill-whatsapp-not-sent"
            };
            let (order_attr, href, order) = (r.order_id.clone(), detail_path(&r.order_id), r.order_id.clone());
            view! {
                <dl class="facts" data-testid="bill-result" data-order-id=order_attr>
                    <dt>{move || i18n.tr("admin-tx-order")}</dt>
                    <dd class="mono"><A href=href>{order}</A></dd>
                    <dt>{move || i18n.tr("admin-tx-amount")}</dt>
                    <dd>{r.payment.amount.to_string()}</dd>
                    <dt>{move || i18n.tr("admin-status")}</dt>
                    <dd><span class=status_class(status)>{i18n.tr(status_key(status))}</span></dd>
                    <dt>"WhatsApp"</dt>
                    <dd data-testid="bill-whatsapp">{move || i18n.tr(sent)}</dd>
                    <dt>{move || i18n.tr("console-bill-link")}</dt>
                    <dd><a href=r.status_url.clone() target="_blank" rel="noopener">{r.status_url.clone()}</a></dd>
                </dl>
            }
        })
    };

    view! {
        <Modal title="console-bill" open=open testid="bill-dialog">
            <form class="stack" novalidate on:submit=submit>
                {action.view()}
                {package_select(i18n, action.errors, packages, package, "bill-package", true)}
                <MethodPicker options=options choice=choice/>
                {submit_button(i18n, action.busy, "console-bill-create", "bill-submit")}
            </form>
            {result}
        </Modal>
    }
}
