//! `/admin/settings` (super admins): the run-time settings, one section per group (general,
//! maintenance, payments, WhatsApp, Telegram, registration, branding). Each section saves only
//! what changed in it; the server checks every value and names the key it refuses. Secrets are
//! write-only: the field is empty, says whether a value is stored, and sends only a new one.
//! A value set here can be handed back to the environment ("Pakai bawaan"). Below: who
//! receives the administrator alerts, and the WhatsApp and Telegram test sends.

use std::collections::BTreeMap;

use leptos::prelude::*;
use saring_domain::dto::settings::{SettingKind, SettingView, SettingsSaved, SettingsUpdate};
use serde_json::Value;

use super::parts::{Action, loaded};
use super::settings_alerts::{AlertRecipients, TestSends};
use crate::api;
use crate::components::common::{AdminShell, use_title};
use crate::contexts::{I18n, use_i18n, use_settings};

/// The sections, in page order.
const GROUPS: &[&str] = &[
    "maintenance",
    "general",
    "payments",
    "whatsapp",
    "telegram",
    "registration",
    "branding",
];

/// The page's state: the settings as last read, and the drafts of the fields (the text form
/// of each value; empty for secrets).
#[derive(Debug, Clone, Copy)]
struct Page {
    items: RwSignal<Vec<SettingView>>,
    drafts: RwSignal<BTreeMap<String, String>>,
    i18n: I18n,
}

impl Page {
    fn set(&self, items: Vec<SettingView>) {
        self.drafts
            .set(items.iter().map(|i| (i.key.clone(), draft_of(i))).collect());
        self.items.set(items);
    }

    fn draft(&self, key: &str) -> String {
        self.drafts
            .with(|d| d.get(key).cloned())
            .unwrap_or_default()
    }

    fn set_draft(&self, key: &str, value: String) {
        self.drafts.update(|d| {
            d.insert(key.to_owned(), value);
        });
    }

    /// What changed in `group`: the keys and their new values.
    fn changes(&self, group: &str) -> BTreeMap<String, Value> {
        self.items.with_untracked(|items| {
            items
                .iter()
                .filter(|i| i.group == group)
                .filter_map(|i| {
                    let draft = self.draft(&i.key);
                    let value = match i.kind {
                        SettingKind::Secret if draft.trim().is_empty() => return None,
                        SettingKind::Secret => Value::String(draft),
                        _ if draft == draft_of(i) => return None,
                        SettingKind::Bool => Value::Bool(draft == "True"),
                        _ => Value::String(draft),
                    };
                    Some((i.key.clone(), value))
                })
                .collect()
        })
    }

    fn save(self, action: Action, settings: BTreeMap<String, Value>) {
        let i18n = self.i18n;
        if settings.is_empty() {
            action.errors.clear();
            action.feedback.say(i18n.tr("admin-settings-unchanged"));
            return;
        }
        let public = use_settings();
        action.run(
            Ok(SettingsUpdate { settings }),
            |body| async move { api::admin::save_settings(&body).await },
            move |saved: SettingsSaved| {
                self.set(saved.items);
                public.reload();
                i18n.tr("admin-settings-saved")
            },
        );
    }

    /// One field, by its kind.
    fn field(self, item: SettingView, action: Action) -> impl IntoView {
        let i18n = self.i18n;
        let key = item.key.clone();
        let testid = format!("setting-{key}");
        let k = key.clone();
        let value = Signal::derive(move || self.draft(&k));
        let k = key.clone();
        let on_input = Callback::new(move |v: String| self.set_draft(&k, v));
        let invalid = {
            let key = key.clone();
            move || action.errors.has(&key).to_string()
        };
        let max_len = item.max_len.map(|n| n.to_string());
        let input = match item.kind {
            SettingKind::Bool => view! {
                <label class="switch">
                    <input type="checkbox" data-testid=testid
                        prop:checked=move || value.get() == "True"
                        on:change=move |ev| on_input.run(if event_target_checked(&ev) { "True".into() } else { "False".into() })/>
                    <span>{move || if value.get() == "True" { i18n.tr("admin-settings-on") } else { i18n.tr("admin-settings-off") }}</span>
                </label>
            }
            .into_any(),
            SettingKind::LongText => view! {
                <textarea rows="3" data-testid=testid maxlength=max_len aria-invalid=invalid
                    prop:value=move || value.get()
                    on:input=move |ev| on_input.run(event_target_value(&ev))></textarea>
            }
            .into_any(),
            SettingKind::Choice => {
                let options = item.options.clone();
                view! {
                    <select data-testid=testid aria-invalid=invalid prop:value=move || value.get()
                        on:change=move |ev| on_input.run(event_target_value(&ev))>
                        {options.into_iter().map(|o| view! { <option value=o.clone()>{o.clone()}</option> }).collect_view()}
                    </select>
                }
                .into_any()
            }
            SettingKind::List if !item.options.is_empty() => {
                let options = item.options.clone();
                view! {
                    <div class="chips" data-testid=testid>
                        {options.into_iter().map(|o| {
                            let (o2, o3) = (o.clone(), o.clone());
                            view! {
                                <label class="chip">
                                    <input type="checkbox" value=o.clone()
                                        prop:checked=move || has_item(&value.get(), &o2)
                                        on:change=move |ev| on_input.run(toggle_item(&value.get_untracked(), &o3, event_target_checked(&ev)))/>
                                    {o}
                                </label>
                            }
                        }).collect_view()}
                    </div>
                }
                .into_any()
            }
            SettingKind::Secret => {
                let stored = item.value.is_some();
                view! {
                    <input type="password" autocomplete="new-password" data-testid=testid maxlength=max_len
                        aria-invalid=invalid
                        placeholder=move || if stored { i18n.tr("admin-settings-secret-stored") } else { i18n.tr("admin-settings-secret-empty") }
                        prop:value=move || value.get()
                        on:input=move |ev| on_input.run(event_target_value(&ev))/>
                }
                .into_any()
            }
            SettingKind::Int => view! {
                <input type="number" data-testid=testid aria-invalid=invalid
                    min=item.min.map(|n| n.to_string()) max=item.max.map(|n| n.to_string())
                    prop:value=move || value.get()
                    on:input=move |ev| on_input.run(event_target_value(&ev))/>
            }
            .into_any(),
            SettingKind::Text | SettingKind::List => view! {
                <input type="text" data-testid=testid maxlength=max_len aria-invalid=invalid
                    prop:value=move || value.get()
                    on:input=move |ev| on_input.run(event_target_value(&ev))/>
            }
            .into_any(),
        };
        let hint = (item.kind == SettingKind::List && item.options.is_empty()).then(
            || view! { <small class="muted">{move || i18n.tr("admin-settings-list-hint")}</small> },
        );
        let reset = item.overridden.then(|| {
            let key = key.clone();
            view! {
                <button type="button" class="btn btn-ghost btn-small" data-testid=format!("setting-reset-{key}")
                    on:click=move |_| self.save(action, BTreeMap::from([(key.clone(), Value::Null)]))>
                    {move || i18n.tr("admin-settings-reset")}
                </button>
            }
        });
        let label_key = format!("setting-{}", key.to_ascii_lowercase().replace('_', "-"));
        let label =
            move || crate::i18n::lookup(i18n.get(), &label_key).unwrap_or_else(|| key.clone());
        view! {
            <div class="field setting" data-key=item.key.clone()>
                <span class="setting-label">{label}
                    {item.overridden.then(|| view! { " "<span class="badge">{move || i18n.tr("admin-settings-overridden")}</span> })}
                </span>
                {input}
                {hint}
                <small class="muted">{item.description.clone()}</small>
                {action.errors.field(&item.key)}
                {reset}
            </div>
        }
    }

    fn section(self, group: &'static str) -> impl IntoView {
        let i18n = self.i18n;
        let action = Action::new(i18n);
        let fields = move || {
            self.items
                .get()
                .into_iter()
                .filter(|i| i.group == group)
                .map(|i| self.field(i, action))
                .collect_view()
        };
        view! {
            <section class="panel stack" data-testid=format!("settings-{group}")>
                <h2>{move || i18n.tr(&format!("admin-settings-group-{group}"))}</h2>
                {action.view()}
                <form class="stack" on:submit=move |ev| {
                    ev.prevent_default();
                    self.save(action, self.changes(group));
                }>
                    {fields}
                    <div class="row">
                        <button type="submit" class="btn btn-primary" data-testid=format!("settings-save-{group}")
                            disabled=move || action.busy.get()>
                            {move || if action.busy.get() { i18n.tr("common-processing") } else { i18n.tr("common-save") }}
                        </button>
                    </div>
                </form>
            </section>
        }
    }
}

/// The text form of a value: `True`/`False`, the list as `a,b`, nothing for a secret.
fn draft_of(item: &SettingView) -> String {
    match item.kind {
        SettingKind::Secret => String::new(),
        _ => item.value.clone().unwrap_or_default(),
    }
}

fn has_item(list: &str, item: &str) -> bool {
    list.split(',').any(|i| i.trim() == item)
}

/// `list` with `item` added or removed, in the order given.
fn toggle_item(list: &str, item: &str, on: bool) -> String {
    let mut items: Vec<&str> = list
        .split(',')
        .map(str::trim)
        .filter(|i| !i.is_empty() && *i != item)
        .collect();
    if on {
        items.push(item);
    }
    items.join(",")
}

#[component]
pub fn AdminSettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    use_title("admin-settings-title");
    let page = Page {
        items: RwSignal::new(Vec::new()),
        drafts: RwSignal::new(BTreeMap::new()),
        i18n,
    };
    let list = LocalResource::new(api::admin::settings);
    Effect::new(move |_| {
        if let Some(Ok(l)) = list.get() {
            page.set(l.items);
        }
    });
    view! {
        <AdminShell>
            <div class="panel-head">
                <h1>{move || i18n.tr("admin-settings-title")}</h1>
            </div>
            <p class="muted">{move || i18n.tr("admin-settings-help")}</p>
            {move || loaded(i18n, list.get(), move |_| view! {
                <div class="stack" data-testid="settings">
                    {GROUPS.iter().map(|g| page.section(g)).collect_view()}
                    <AlertRecipients i18n=i18n/>
                    <TestSends i18n=i18n/>
                </div>
            }.into_any())}
        </AdminShell>
    }
}

#[cfg(test)]
mod tests {
    use super::{has_item, toggle_item};

    #[test]
    fn list_checkboxes_edit_the_comma_list() {
        assert_eq!(toggle_item("qris,va", "gopay", true), "qris,va,gopay");
        assert_eq!(toggle_item("qris, gopay ,va", "gopay", false), "qris,va");
        assert_eq!(toggle_item("", "va", true), "va");
        assert!(has_item("qris, va", "va"));
        assert!(!has_item("qris,va", "v"));
    }
}
