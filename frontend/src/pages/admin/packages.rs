//! `/admin/packages`: the package catalog: list, create/edit form (name, description, price,
//! quota in GB with 0 = unlimited, days, hotspot profile, active), delete with confirmation.

use leptos::prelude::*;
use saring_domain::Megabytes;
use saring_domain::dto::payments::{PackageDto, PackageRemoval};

use super::forms::{self, PackageForm};
use super::parts::{Editor, EditorTexts, list_table, row_actions, save_button};
use crate::api;
use crate::components::common::{AdminShell, use_title};
use crate::contexts::use_i18n;
use crate::format;

/// The form's fields as signals.
#[derive(Debug, Clone, Copy)]
struct Fields {
    editing: RwSignal<Option<String>>,
    name: RwSignal<String>,
    description: RwSignal<String>,
    price: RwSignal<String>,
    quota_gb: RwSignal<String>,
    days: RwSignal<String>,
    profile_id: RwSignal<String>,
    is_active: RwSignal<bool>,
}

impl Fields {
    fn new() -> Self {
        Fields {
            editing: RwSignal::new(None),
            name: RwSignal::new(String::new()),
            description: RwSignal::new(String::new()),
            price: RwSignal::new(String::new()),
            quota_gb: RwSignal::new(String::new()),
            days: RwSignal::new("30".into()),
            profile_id: RwSignal::new(String::new()),
            is_active: RwSignal::new(true),
        }
    }

    fn reset(&self) {
        self.editing.set(None);
        self.name.set(String::new());
        self.description.set(String::new());
        self.price.set(String::new());
        self.quota_gb.set(String::new());
        self.days.set("30".into());
        self.is_active.set(true);
    }

    fn load(&self, p: &PackageDto) {
        self.editing.set(Some(p.id.clone()));
        self.name.set(p.name.clone());
        self.description
            .set(p.description.clone().unwrap_or_default());
        self.price.set(forms::price_input(p.price.amount()));
        self.quota_gb.set(forms::gb_input(p.data_quota_gb));
        self.days.set(p.duration_days.to_string());
        self.profile_id.set(p.profile_id.clone());
        self.is_active.set(p.is_active);
    }

    fn form(&self) -> PackageForm {
        PackageForm {
            name: self.name.get_untracked(),
            description: self.description.get_untracked(),
            price: self.price.get_untracked(),
            quota_gb: self.quota_gb.get_untracked(),
            days: self.days.get_untracked(),
            profile_id: self.profile_id.get_untracked(),
            is_active: self.is_active.get_untracked(),
        }
    }
}

/// What the page says after a save or a delete.
const TEXTS: EditorTexts = EditorTexts {
    created: "admin-package-created",
    updated: "admin-package-updated",
    deleted: "admin-package-deleted",
};

#[component]
pub fn AdminPackagesPage() -> impl IntoView {
    let i18n = use_i18n();
    use_title("admin-packages-title");
    let fields = Fields::new();
    let editor = Editor::new(i18n, fields.editing, TEXTS);
    let packages = LocalResource::new(move || {
        editor.reload.track();
        api::admin::packages()
    });
    let profiles = LocalResource::new(api::admin::profiles);

    // The first profile is preselected for a new package.
    Effect::new(move |_| {
        if let Some(Ok(list)) = profiles.get()
            && fields.profile_id.get_untracked().is_empty()
            && let Some(first) = list.first()
        {
            fields.profile_id.set(first.id.clone());
        }
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        editor.save(
            fields.form().to_upsert(),
            |id, body| async move { api::admin::save_package(id.as_deref(), &body).await },
            move || fields.reset(),
        );
    };

    let remove = move |id: String| {
        editor.remove(
            id,
            |id| async move { api::admin::delete_package(&id).await },
            move |r: PackageRemoval| {
                if r.deactivated {
                    editor.feedback.success("admin-package-deactivated");
                }
            },
            move || fields.reset(),
        );
    };

    let quota_hint = move || {
        let l = i18n.get();
        match forms::parse_quota_gb(&fields.quota_gb.get()) {
            Some(0) => i18n.tr("admin-package-unlimited"),
            Some(centi) => format!("= {} MB", l.integer(forms::centi_gb_to_mb(centi))),
            None => String::new(),
        }
    };
    let price_hint = move || {
        forms::parse_price(&fields.price.get())
            .map(|p| saring_domain::Rupiah(p).to_string())
            .unwrap_or_default()
    };

    let form = view! {
        <section class="panel" data-testid="package-form-panel">
            <h2>{move || if fields.editing.get().is_some() { i18n.tr("admin-package-edit") } else { i18n.tr("admin-package-new") }}</h2>
            {editor.errors.view()}
            <form class="stack" data-testid="package-form" novalidate on:submit=submit>
                <label class="field">
                    <span>{move || i18n.tr("admin-package-name")}</span>
                    <input type="text" data-testid="package-name" maxlength="100" bind:value=fields.name
                        aria-invalid=move || editor.errors.has("name").to_string()/>
                    {editor.errors.field("name")}
                </label>
                <label class="field">
                    <span>{move || i18n.tr("admin-package-description")}</span>
                    <textarea data-testid="package-description" rows="2" maxlength="2000"
                        prop:value=move || fields.description.get()
                        on:input=move |ev| fields.description.set(event_target_value(&ev))></textarea>
                </label>
                <div class="row">
                    <label class="field">
                        <span>{move || i18n.tr("admin-package-price")}</span>
                        <input type="text" inputmode="numeric" data-testid="package-price" placeholder="10.000"
                            bind:value=fields.price aria-invalid=move || editor.errors.has("price").to_string()/>
                        <small class="muted">{price_hint}</small>
                        {editor.errors.field("price")}
                    </label>
                    <label class="field">
                        <span>{move || i18n.tr("admin-package-quota")}</span>
                        <input type="text" inputmode="decimal" data-testid="package-quota" placeholder="1,5"
                            bind:value=fields.quota_gb aria-invalid=move || editor.errors.has("data_quota_gb").to_string()/>
                        <small class="muted" data-testid="package-quota-hint">{quota_hint}</small>
                        {editor.errors.field("data_quota_gb")}
                    </label>
                    <label class="field">
                        <span>{move || i18n.tr("admin-package-days")}</span>
                        <input type="text" inputmode="numeric" data-testid="package-days"
                            bind:value=fields.days aria-invalid=move || editor.errors.has("duration_days").to_string()/>
                        {editor.errors.field("duration_days")}
                    </label>
                </div>
                <label class="field">
                    <span>{move || i18n.tr("admin-package-profile")}</span>
                    {move || match profiles.get() {
                        Some(Ok(list)) => view! {
                            <select data-testid="package-profile" bind:value=fields.profile_id>
                                <option value="">{move || i18n.tr("common-choose")}</option>
                                {list.into_iter().map(|p| {
                                    let id = p.id.clone();
                                    let selected = move || fields.profile_id.get() == id;
                                    view! { <option value=p.id.clone() selected=selected>{p.profile_name.clone()}</option> }
                                }).collect_view()}
                            </select>
                        }.into_any(),
                        Some(Err(e)) => view! { <span class="alert alert-error">{e.text(i18n.get())}</span> }.into_any(),
                        None => view! { <span class="muted">{move || i18n.tr("common-loading")}</span> }.into_any(),
                    }}
                    {editor.errors.field("profile_id")}
                </label>
                <label class="inline">
                    <input type="checkbox" data-testid="package-active" bind:checked=fields.is_active/>
                    <span>{move || i18n.tr("admin-package-active")}</span>
                </label>
                <div class="row">
                    {save_button(i18n, editor, "package-save")}
                    <Show when=move || fields.editing.get().is_some()>
                        <button type="button" class="btn btn-ghost" data-testid="package-cancel"
                            on:click=move |_| { fields.reset(); editor.errors.clear(); }>
                            {move || i18n.tr("common-cancel")}
                        </button>
                    </Show>
                </div>
            </form>
        </section>
    };

    let row = move |p: PackageDto| {
        let l = i18n.get();
        let id = p.id.clone();
        let id_row = p.id.clone();
        let quota = if p.is_unlimited {
            i18n.tr("admin-package-unlimited")
        } else {
            format::mb(Megabytes::from_whole(p.data_quota_mb), l)
        };
        let active = p.is_active;
        let profile = p.profile_name.clone().unwrap_or_else(|| "–".into());
        let days = i18n.tr_with("admin-days", &[("days", &p.duration_days.to_string())]);
        let name = p.name.clone();
        let description = p.description.clone().unwrap_or_default();
        let price = p.price_display.clone();
        view! {
            <tr data-testid="package-row" data-id=id_row>
                <td><strong>{name}</strong><br/><span class="muted small">{description}</span></td>
                <td>{price}</td>
                <td>{quota}</td>
                <td>{days}</td>
                <td>{profile}</td>
                <td>{if active {
                    view! { <span class="badge badge-ok">{move || i18n.tr("admin-active")}</span> }.into_any()
                } else {
                    view! { <span class="badge badge-error">{move || i18n.tr("admin-inactive")}</span> }.into_any()
                }}</td>
                <td>{row_actions(i18n, editor, id, "package",
                    move || i18n.tr("admin-package-delete-confirm"),
                    move || fields.load(&p), remove)}</td>
            </tr>
        }
    };

    view! {
        <AdminShell>
            <h1>{move || i18n.tr("admin-packages-title")}</h1>
            {editor.feedback.view()}
            {form}
            {move || list_table(
                i18n,
                packages.get(),
                ("admin-no-packages", "no-packages"),
                "packages",
                &[
                    "admin-package-name",
                    "admin-package-price",
                    "admin-package-quota-col",
                    "admin-package-days",
                    "admin-package-profile",
                    "admin-status",
                    "admin-actions",
                ],
                row,
            )}
        </AdminShell>
    }
}
