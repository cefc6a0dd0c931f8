//! The verify-rules checklist of one router on `/admin/routers`: every item Saring needs on
//! the router, found (✓) or missing (✗) with the server's hint, and the command that prints
//! the setup script creating what is missing.

use leptos::prelude::*;
use saring_domain::dto::routers::RouterRulesReport;

use crate::contexts::I18n;

/// The checklist panel; `on_close` hides it.
pub fn rules_panel(
    i18n: I18n,
    report: RouterRulesReport,
    on_close: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let summary = if report.all_found {
        view! {
            <p class="alert alert-ok" role="status" data-testid="router-rules-summary" data-all-found="true">
                {move || i18n.tr("admin-router-rules-all")}
            </p>
        }
        .into_any()
    } else {
        let missing = report.missing.to_string();
        view! {
            <p class="alert alert-error" role="status" data-testid="router-rules-summary" data-all-found="false">
                {move || i18n.tr_with("admin-router-rules-missing", &[("count", &missing)])}
            </p>
        }
        .into_any()
    };
    let items = report
        .checks
        .iter()
        .map(|c| {
            let (mark, class) = if c.found { ("✓", "badge badge-ok") } else { ("✗", "badge badge-error") };
            let kind = serde_json::to_value(c.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            let hint = c
                .hint
                .clone()
                .map(|h| view! { <br/><small class="muted" data-testid="router-rule-hint">{h}</small> });
            view! {
                <li data-testid="router-rule" data-found=c.found.to_string() data-kind=kind>
                    <span class=class aria-label=if c.found { "ok" } else { "missing" }>{mark}</span>" "
                    <span class="mono small">{c.label.clone()}</span>
                    {hint}
                </li>
            }
        })
        .collect_view();
    let command = report.setup_command.clone();
    let fix = (!report.all_found).then(|| {
        view! {
            <p class="small" data-testid="router-rules-fix">
                {move || i18n.tr("admin-router-rules-fix")}" "
                <code class="mono">{command.clone()}</code>
            </p>
        }
    });
    let router = report.router.clone();
    view! {
        <section class="panel" data-testid="router-rules" data-router=report.router.clone()>
            <div class="panel-head">
                <h2>{move || i18n.tr_with("admin-router-rules-title", &[("name", &router)])}</h2>
                <button type="button" class="btn btn-ghost" data-testid="router-rules-close"
                    on:click=move |_| on_close()>{move || i18n.tr("common-close")}</button>
            </div>
            {summary}
            <ul class="stack" data-testid="router-rules-list">{items}</ul>
            {fix}
        </section>
    }
}
