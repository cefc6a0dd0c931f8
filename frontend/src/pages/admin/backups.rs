//! `/admin/backup` (super admins): the backups on the server, making one now, uploading one,
//! downloading, deleting and restoring. A restore asks first, says that it replaces all data,
//! and afterwards names the safety backup of what it replaced.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use saring_domain::dto::backups::{BackupFile, BackupKind, BackupList};
use saring_domain::{Bytes, Megabytes};
use wasm_bindgen::JsCast;

use super::parts::{Action, ConfirmButton, items_of, list_table};
use crate::api;
use crate::components::common::{AdminShell, use_title};
use crate::contexts::{I18n, use_i18n, use_settings};
use crate::format;

fn kind_key(kind: BackupKind) -> &'static str {
    match kind {
        BackupKind::Manual => "admin-backup-kind-manual",
        BackupKind::Scheduled => "admin-backup-kind-scheduled",
        BackupKind::PreRestore => "admin-backup-kind-pre-restore",
        BackupKind::Uploaded => "admin-backup-kind-uploaded",
    }
}

/// Where backups are kept and when the nightly one runs.
fn where_they_are(i18n: I18n, list: &BackupList) -> impl IntoView + use<> {
    let schedule = match &list.schedule {
        Some(at) => i18n.text_with(
            "admin-backup-schedule",
            &[("time", at.as_str()), ("keep", &list.keep.to_string())],
        ),
        None => i18n.text("admin-backup-schedule-off"),
    };
    let copy = list.copy_dir.clone().map(|d| {
        view! { <p class="small">{i18n.text("admin-backup-copy-dir")}" "<span class="mono">{d}</span></p> }
    });
    view! {
        <p class="small">{i18n.text("admin-backup-dir")}" "<span class="mono">{list.dir.clone()}</span></p>
        {copy}
        <p class="small" data-testid="backup-schedule">{schedule}</p>
    }
}

#[component]
pub fn AdminBackupsPage() -> impl IntoView {
    let i18n = use_i18n();
    use_title("admin-backup-title");
    let tz = use_settings().tz();
    let reload = RwSignal::new(0u32);
    let list = LocalResource::new(move || {
        reload.get();
        api::backups::list()
    });
    let refresh = move || reload.update(|r| *r += 1);
    let (make, send, restore, remove) = (
        Action::new(i18n),
        Action::new(i18n),
        Action::new(i18n),
        Action::new(i18n),
    );
    let picked: RwSignal<Option<String>> = RwSignal::new(None);
    let file_input = NodeRef::<leptos::html::Input>::new();

    let create = move |_| {
        make.run(
            Ok(()),
            |()| api::backups::create(),
            move |c| {
                refresh();
                match c.copy_error {
                    Some(e) => i18n.text_with("admin-backup-made-no-copy", &[("error", &e)]),
                    None => i18n.text_with(
                        "admin-backup-made",
                        &[("name", &c.file.name), ("rows", &c.rows.to_string())],
                    ),
                }
            },
        );
    };
    let upload = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let file = file_input
            .get_untracked()
            .and_then(|el| el.files())
            .and_then(|files| files.get(0));
        let Some(file) = file else {
            return;
        };
        send.run(
            Ok(file),
            |f| async move { api::backups::upload(&f).await },
            move |b| {
                refresh();
                picked.set(None);
                if let Some(el) = file_input.get_untracked() {
                    el.set_value("");
                }
                i18n.text_with("admin-backup-uploaded", &[("name", &b.name)])
            },
        );
    };
    let on_pick = move |ev: leptos::ev::Event| {
        let name = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|el| el.files())
            .and_then(|files| files.get(0))
            .map(|f| f.name());
        picked.set(name);
    };

    let row = move |f: BackupFile| {
        let created = DateTime::parse_from_rfc3339(&f.created_at)
            .ok()
            .map(|t| t.with_timezone(&Utc));
        let size = Megabytes::from_bytes(Bytes(i64::try_from(f.size).unwrap_or(i64::MAX)));
        let (name_r, name_d) = (f.name.clone(), f.name.clone());
        let usable = f.problem.is_none();
        view! {
            <tr data-testid="backup-row" data-name=f.name.clone()>
                <td class="mono small">{f.name.clone()}
                    {f.problem.clone().map(|p| view! { <div class="error small">{p}</div> })}
                </td>
                <td>{move || i18n.tr(kind_key(f.kind))}</td>
                <td>{move || format::mb(size, i18n.locale.get())}</td>
                <td class="small">{format::datetime(tz, created)}</td>
                <td class="row">
                    <a class="btn btn-ghost" href=api::backups::download_url(&f.name) download=f.name.clone()
                        data-testid="backup-download">{move || i18n.tr("admin-backup-download")}</a>
                    {usable.then(|| view! {
                        <ConfirmButton label="admin-backup-restore" message="admin-backup-restore-confirm"
                            testid="backup-restore" danger=true
                            on_confirm=Callback::new(move |_: String| {
                                restore.run(
                                    Ok(name_r.clone()),
                                    api::backups::restore,
                                    move |r| {
                                        refresh();
                                        i18n.text_with("admin-backup-restored", &[
                                            ("rows", &r.rows.to_string()),
                                            ("safety", &r.safety_backup.unwrap_or_default()),
                                        ])
                                    },
                                );
                            })/>
                    })}
                    <ConfirmButton label="admin-delete" message="admin-backup-delete-confirm"
                        testid="backup-delete"
                        on_confirm=Callback::new(move |_: String| {
                            remove.run(
                                Ok(name_d.clone()),
                                |n| async move { api::backups::remove(&n).await },
                                move |m| {
                                    refresh();
                                    m.message
                                },
                            );
                        })/>
                </td>
            </tr>
        }
    };

    view! {
        <AdminShell>
            <div class="panel-head">
                <h1>{move || i18n.tr("admin-backup-title")}</h1>
                <button type="button" class="btn btn-primary" data-testid="backup-create"
                    disabled=move || make.busy.get() on:click=create>
                    {move || if make.busy.get() { i18n.tr("common-processing") } else { i18n.tr("admin-backup-create") }}
                </button>
            </div>
            <section class="panel stack" data-testid="backup-feedback">
                <p class="muted small">{move || i18n.tr("admin-backup-help")}</p>
                {move || list.get().and_then(Result::ok).map(|l| where_they_are(i18n, &l))}
                {make.view()}
                {restore.view()}
                {remove.view()}
            </section>
            <section class="panel stack">
                <h2>{move || i18n.tr("admin-backup-upload-title")}</h2>
                <form class="row" on:submit=upload>
                    <input type="file" accept=".gz,application/gzip" node_ref=file_input
                        data-testid="backup-file" on:change=on_pick/>
                    <button type="submit" class="btn btn-ghost" data-testid="backup-upload"
                        disabled=move || send.busy.get() || picked.get().is_none()>
                        {move || i18n.tr("admin-backup-upload")}
                    </button>
                </form>
                {send.view()}
            </section>
            <section class="panel">
                {move || list_table(
                    i18n,
                    items_of(list.get(), |l| l.items),
                    ("admin-backup-empty", "backups-empty"),
                    "backups",
                    &["admin-backup-col-name", "admin-backup-col-kind", "admin-backup-col-size",
                      "admin-backup-col-created", "admin-backup-col-actions"],
                    row,
                )}
            </section>
        </AdminShell>
    }
}
