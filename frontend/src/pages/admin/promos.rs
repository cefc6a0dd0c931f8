//! `/admin/promos`: registration bonuses and announcements with their status and date range;
//! create, edit and delete (the server allows changes to super admins only).

use leptos::prelude::*;
use saring_domain::Role;
use saring_domain::dto::payments::{PromoDto, PromoStatus, PromoType};

use super::forms::{self, PromoForm};
use super::parts::{Editor, EditorTexts, list_table, row_actions, save_button};
use crate::api;
use crate::components::common::{AdminShell, use_title};
use crate::contexts::{use_i18n, use_session, use_settings};
use crate::format;

const STATUSES: [PromoStatus; 5] = [
    PromoStatus::Draft,
    PromoStatus::Active,
    PromoStatus::Scheduled,
    PromoStatus::Expired,
    PromoStatus::Archived,
];

fn status_value(s: PromoStatus) -> &'static str {
    match s {
        PromoStatus::Draft => "DRAFT",
        PromoStatus::Active => "ACTIVE",
        PromoStatus::Scheduled => "SCHEDULED",
        PromoStatus::Expired => "EXPIRED",
        PromoStatus::Archived => "ARCHIVED",
    }
}

fn status_from(value: &str) -> PromoStatus {
    STATUSES
        .into_iter()
        .find(|s| status_value(*s) == value)
        .unwrap_or(PromoStatus::Draft)
}

fn status_key(s: PromoStatus) -> &'static str {
    match s {
        PromoStatus::Draft => "admin-promo-status-draft",
        PromoStatus::Active => "admin-promo-status-active",
        PromoStatus::Scheduled => "admin-promo-status-scheduled",
        PromoStatus::Expired => "admin-promo-status-expired",
        PromoStatus::Archived => "admin-promo-status-archived",
    }
}

fn status_class(s: PromoStatus) -> &'static str {
    match s {
        PromoStatus::Active => "badge badge-ok",
        PromoStatus::Scheduled | PromoStatus::Draft => "badge badge-warn",
        PromoStatus::Expired | PromoStatus::Archived => "badge",
    }
}

fn type_value(t: PromoType) -> &'static str {
    match t {
        PromoType::BonusRegistration => "BONUS_REGISTRATION",
        PromoType::GeneralAnnouncement => "GENERAL_ANNOUNCEMENT",
    }
}

fn type_key(t: PromoType) -> &'static str {
    match t {
        PromoType::BonusRegistration => "admin-promo-type-bonus",
        PromoType::GeneralAnnouncement => "admin-promo-type-announcement",
    }
}

#[derive(Debug, Clone, Copy)]
struct Fields {
    editing: RwSignal<Option<String>>,
    name: RwSignal<String>,
    description: RwSignal<String>,
    event_type: RwSignal<String>,
    status: RwSignal<String>,
    start: RwSignal<String>,
    end: RwSignal<String>,
    bonus_mb: RwSignal<String>,
    bonus_days: RwSignal<String>,
}

impl Fields {
    fn new() -> Self {
        Fields {
            editing: RwSignal::new(None),
            name: RwSignal::new(String::new()),
            description: RwSignal::new(String::new()),
            event_type: RwSignal::new(type_value(PromoType::GeneralAnnouncement).into()),
            status: RwSignal::new(status_value(PromoStatus::Draft).into()),
            start: RwSignal::new(String::new()),
            end: RwSignal::new(String::new()),
            bonus_mb: RwSignal::new(String::new()),
            bonus_days: RwSignal::new(String::new()),
        }
    }

    fn reset(&self) {
        self.editing.set(None);
        self.name.set(String::new());
        self.description.set(String::new());
        self.event_type
            .set(type_value(PromoType::GeneralAnnouncement).into());
        self.status.set(status_value(PromoStatus::Draft).into());
        self.start.set(String::new());
        self.end.set(String::new());
        self.bonus_mb.set(String::new());
        self.bonus_days.set(String::new());
    }

    fn load(&self, p: &PromoDto, tz: saring_domain::AppTz) {
        self.editing.set(Some(p.id.clone()));
        self.name.set(p.name.clone());
        self.description
            .set(p.description.clone().unwrap_or_default());
        self.event_type.set(type_value(p.event_type).into());
        self.status.set(status_value(p.status).into());
        self.start
            .set(forms::local_datetime_input(tz, p.start_date));
        self.end.set(
            p.end_date
                .map(|e| forms::local_datetime_input(tz, e))
                .unwrap_or_default(),
        );
        self.bonus_mb
            .set(p.bonus_value_mb.map(|v| v.to_string()).unwrap_or_default());
        self.bonus_days.set(
            p.bonus_duration_days
                .map(|v| v.to_string())
                .unwrap_or_default(),
        );
    }

    fn is_bonus(&self) -> bool {
        self.event_type.get() == type_value(PromoType::BonusRegistration)
    }

    fn form(&self) -> PromoForm {
        let bonus = self.event_type.get_untracked() == type_value(PromoType::BonusRegistration);
        PromoForm {
            name: self.name.get_untracked(),
            description: self.description.get_untracked(),
            event_type: if bonus {
                PromoType::BonusRegistration
            } else {
                PromoType::GeneralAnnouncement
            },
            status: status_from(&self.status.get_untracked()),
            start: self.start.get_untracked(),
            end: self.end.get_untracked(),
            bonus_mb: if bonus {
                self.bonus_mb.get_untracked()
            } else {
                String::new()
            },
            bonus_days: if bonus {
                self.bonus_days.get_untracked()
            } else {
                String::new()
            },
        }
    }
}

/// What the page says after a save or a delete.
const TEXTS: EditorTexts = EditorTexts {
    created: "admin-promo-created",
    updated: "admin-promo-updated",
    deleted: "admin-promo-deleted",
};

#[component]
pub fn AdminPromosPage() -> impl IntoView {
    let i18n = use_i18n();
    let settings = use_settings();
    let session = use_session();
    use_title("admin-promos-title");
    let can_edit = move || session.role() == Some(Role::SuperAdmin);
    let fields = Fields::new();
    let editor = Editor::new(i18n, fields.editing, TEXTS);
    let promos = LocalResource::new(move || {
        editor.reload.track();
        api::admin::promos()
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        editor.save(
            fields.form().to_upsert(settings.tz()),
            |id, body| async move { api::admin::save_promo(id.as_deref(), &body).await },
            move || fields.reset(),
        );
    };

    let remove = move |id: String| {
        editor.remove(
            id,
            |id| async move { api::admin::delete_promo(&id).await },
            |_| {},
            move || fields.reset(),
        );
    };

    let status_options = move || {
        let creating = fields.editing.get().is_none();
        STATUSES
            .into_iter()
            .filter(|s| {
                !creating
                    || matches!(
                        s,
                        PromoStatus::Draft | PromoStatus::Active | PromoStatus::Scheduled
                    )
            })
            .map(|s| {
                view! {
                    <option value=status_value(s) selected=move || fields.status.get() == status_value(s)>
                        {move || i18n.tr(status_key(s))}
                    </option>
                }
            })
            .collect_view()
    };

    let form = move || {
        view! {
            <section class="panel" data-testid="promo-form-panel">
                <h2>{move || if fields.editing.get().is_some() { i18n.tr("admin-promo-edit") } else { i18n.tr("admin-promo-new") }}</h2>
                {editor.errors.view()}
                <form class="stack" data-testid="promo-form" novalidate on:submit=submit>
                    <label class="field">
                        <span>{move || i18n.tr("admin-promo-name")}</span>
                        <input type="text" data-testid="promo-name" maxlength="150" bind:value=fields.name
                            aria-invalid=move || editor.errors.has("name").to_string()/>
                        {editor.errors.field("name")}
                    </label>
                    <label class="field">
                        <span>{move || i18n.tr("admin-package-description")}</span>
                        <textarea data-testid="promo-description" rows="2"
                            prop:value=move || fields.description.get()
                            on:input=move |ev| fields.description.set(event_target_value(&ev))></textarea>
                    </label>
                    <div class="row">
                        <label class="field">
                            <span>{move || i18n.tr("admin-promo-type")}</span>
                            <select data-testid="promo-type" bind:value=fields.event_type>
                                {[PromoType::GeneralAnnouncement, PromoType::BonusRegistration].into_iter().map(|t| view! {
                                    <option value=type_value(t) selected=move || fields.event_type.get() == type_value(t)>{move || i18n.tr(type_key(t))}</option>
                                }).collect_view()}
                            </select>
                        </label>
                        <label class="field">
                            <span>{move || i18n.tr("admin-status")}</span>
                            {move || view! { <select data-testid="promo-status" bind:value=fields.status>{status_options()}</select> }}
                            {editor.errors.field("status")}
                        </label>
                    </div>
                    <div class="row">
                        <label class="field">
                            <span>{move || i18n.tr("admin-promo-start")}</span>
                            <input type="datetime-local" data-testid="promo-start" bind:value=fields.start
                                aria-invalid=move || editor.errors.has("start_date").to_string()/>
                            {editor.errors.field("start_date")}
                        </label>
                        <label class="field">
                            <span>{move || i18n.tr("admin-promo-end")}</span>
                            <input type="datetime-local" data-testid="promo-end" bind:value=fields.end
                                aria-invalid=move || editor.errors.has("end_date").to_string()/>
                            {editor.errors.field("end_date")}
                        </label>
                    </div>
                    <p class="muted small">{move || i18n.tr_with("admin-promo-tz", &[("tz", settings.tz().name())])}</p>
                    <Show when=move || fields.is_bonus()>
                        <div class="row">
                            <label class="field">
                                <span>{move || i18n.tr("admin-promo-bonus-mb")}</span>
                                <input type="text" inputmode="numeric" data-testid="promo-bonus-mb" placeholder="1.024"
                                    bind:value=fields.bonus_mb/>
                                {editor.errors.field("bonus_value_mb")}
                            </label>
                            <label class="field">
                                <span>{move || i18n.tr("admin-promo-bonus-days")}</span>
                                <input type="text" inputmode="numeric" data-testid="promo-bonus-days"
                                    bind:value=fields.bonus_days/>
                                {editor.errors.field("bonus_duration_days")}
                            </label>
                        </div>
                    </Show>
                    <div class="row">
                        {save_button(i18n, editor, "promo-save")}
                        <Show when=move || fields.editing.get().is_some()>
                            <button type="button" class="btn btn-ghost" data-testid="promo-cancel"
                                on:click=move |_| { fields.reset(); editor.errors.clear(); }>
                                {move || i18n.tr("common-cancel")}
                            </button>
                        </Show>
                    </div>
                </form>
            </section>
        }
    };

    let row = move |p: PromoDto| {
        let tz = settings.tz();
        let l = i18n.get();
        let range = format!(
            "{} – {}",
            format::datetime(tz, Some(p.start_date)),
            p.end_date
                .map(|e| tz.format_datetime(e))
                .unwrap_or_else(|| i18n.tr("admin-promo-open-ended"))
        );
        let bonus = match (p.bonus_value_mb, p.bonus_duration_days) {
            (None, None) => "–".to_owned(),
            (mb, days) => {
                let mut parts = Vec::new();
                if let Some(mb) = mb {
                    parts.push(format::mb(saring_domain::Megabytes::from_whole(mb), l));
                }
                if let Some(d) = days {
                    parts.push(i18n.tr_with("admin-days", &[("days", &d.to_string())]));
                }
                parts.join(" · ")
            }
        };
        let (status, kind) = (p.status, p.event_type);
        let id = p.id.clone();
        let id_row = p.id.clone();
        let name = p.name.clone();
        let description = p.description.clone().unwrap_or_default();
        view! {
            <tr data-testid="promo-row" data-id=id_row data-status=status_value(status)>
                <td><strong>{name}</strong><br/><span class="muted small">{description}</span></td>
                <td>{move || i18n.tr(type_key(kind))}</td>
                <td><span class=status_class(status) data-testid="promo-status-badge">{move || i18n.tr(status_key(status))}</span></td>
                <td class="small" data-testid="promo-range">{range}</td>
                <td>{bonus}</td>
                <td>
                    <Show when=can_edit fallback=|| "–">
                        {row_actions(i18n, editor, id.clone(), "promo",
                            move || i18n.tr("admin-promo-delete-confirm"),
                            { let p = p.clone(); move || fields.load(&p, settings.tz()) }, remove)}
                    </Show>
                </td>
            </tr>
        }
    };

    view! {
        <AdminShell>
            <h1>{move || i18n.tr("admin-promos-title")}</h1>
            {editor.feedback.view()}
            <Show when=can_edit
                fallback=move || view! { <p class="alert alert-info" role="status">{move || i18n.tr("admin-promo-super-only")}</p> }>
                {form()}
            </Show>
            {move || list_table(
                i18n,
                promos.get(),
                ("admin-no-promos", "no-promos"),
                "promos",
                &[
                    "admin-promo-name",
                    "admin-promo-type",
                    "admin-status",
                    "admin-promo-range",
                    "admin-promo-bonus",
                    "admin-actions",
                ],
                row,
            )}
        </AdminShell>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_values_round_trip() {
        for s in STATUSES {
            assert_eq!(status_from(status_value(s)), s);
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", status_value(s)));
        }
        for t in [PromoType::BonusRegistration, PromoType::GeneralAnnouncement] {
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(json, format!("\"{}\"", type_value(t)));
        }
    }
}
