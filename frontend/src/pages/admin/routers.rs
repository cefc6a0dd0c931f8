//! `/admin/routers`: the MikroTik routers of the install (one per site). A table with each
//! router's address, last check (online, RouterOS version, last error, last seen), its users
//! and devices, hotspot ranges and its own job schedules; **Periksa** connects to a router
//! now (any admin); **Periksa aturan** runs verify-rules and shows the router's checklist
//! (`router_rules`). Super admins add, change and delete routers: the form holds the
//! connection (TLS with fingerprint or CA), the hotspot server names and client ranges, and
//! a schedule per job (empty: the install's, `0`: off on this router). The router `MIKROTIK_*`
//! configures is read-only here except for its schedules.

use leptos::prelude::*;
use leptos::task::spawn_local;
use saring_domain::Role;
use saring_domain::dto::health::SetupState;
use saring_domain::dto::routers::{RouterJobInfo, RouterLive, RouterRulesReport, RouterView};

use super::forms::interval_text;
use super::parts::{Editor, EditorTexts, list_table, row_actions, save_button};
use super::router_form::{RouterForm, parse_interval};
use super::router_live::live_panel;
use super::router_rules::rules_panel;
use crate::api;
use crate::components::common::{AdminShell, ConfirmBox, use_title};
use crate::contexts::{I18n, use_i18n, use_session, use_settings};
use crate::format;

/// The form's fields as signals, and the router being changed (`None`: a new one).
#[derive(Debug, Clone, Copy)]
struct Fields {
    open: RwSignal<bool>,
    editing: RwSignal<Option<String>>,
    original: RwSignal<Option<RouterView>>,
    name: RwSignal<String>,
    host: RwSignal<String>,
    port: RwSignal<String>,
    use_tls: RwSignal<bool>,
    tls_insecure: RwSignal<bool>,
    tls_fingerprint: RwSignal<String>,
    tls_ca_pem: RwSignal<String>,
    remove_ca: RwSignal<bool>,
    username: RwSignal<String>,
    password: RwSignal<String>,
    server_names: RwSignal<String>,
    client_cidrs: RwSignal<String>,
    is_enabled: RwSignal<bool>,
    intervals: RwSignal<std::collections::BTreeMap<String, String>>,
}

impl Fields {
    fn new() -> Self {
        let f = RouterForm::default();
        Fields {
            open: RwSignal::new(false),
            editing: RwSignal::new(None),
            original: RwSignal::new(None),
            name: RwSignal::new(f.name),
            host: RwSignal::new(f.host),
            port: RwSignal::new(f.port),
            use_tls: RwSignal::new(f.use_tls),
            tls_insecure: RwSignal::new(f.tls_insecure),
            tls_fingerprint: RwSignal::new(f.tls_fingerprint),
            tls_ca_pem: RwSignal::new(f.tls_ca_pem),
            remove_ca: RwSignal::new(f.remove_ca),
            username: RwSignal::new(f.username),
            password: RwSignal::new(f.password),
            server_names: RwSignal::new(f.server_names),
            client_cidrs: RwSignal::new(f.client_cidrs),
            is_enabled: RwSignal::new(f.is_enabled),
            intervals: RwSignal::new(f.intervals),
        }
    }

    /// Opens the form on `router` (`None`: a new one).
    fn open(&self, router: Option<RouterView>) {
        let f = router
            .as_ref()
            .map_or_else(RouterForm::default, RouterForm::from_view);
        self.name.set(f.name);
        self.host.set(f.host);
        self.port.set(f.port);
        self.use_tls.set(f.use_tls);
        self.tls_insecure.set(f.tls_insecure);
        self.tls_fingerprint.set(f.tls_fingerprint);
        self.tls_ca_pem.set(f.tls_ca_pem);
        self.remove_ca.set(f.remove_ca);
        self.username.set(f.username);
        self.password.set(f.password);
        self.server_names.set(f.server_names);
        self.client_cidrs.set(f.client_cidrs);
        self.is_enabled.set(f.is_enabled);
        self.intervals.set(f.intervals);
        self.editing.set(router.as_ref().map(|r| r.id.clone()));
        self.original.set(router);
        self.open.set(true);
    }

    fn close(&self) {
        self.open.set(false);
        self.editing.set(None);
        self.original.set(None);
        self.password.set(String::new());
    }

    fn form(&self) -> RouterForm {
        RouterForm {
            name: self.name.get_untracked(),
            host: self.host.get_untracked(),
            port: self.port.get_untracked(),
            use_tls: self.use_tls.get_untracked(),
            tls_insecure: self.tls_insecure.get_untracked(),
            tls_fingerprint: self.tls_fingerprint.get_untracked(),
            tls_ca_pem: self.tls_ca_pem.get_untracked(),
            remove_ca: self.remove_ca.get_untracked(),
            username: self.username.get_untracked(),
            password: self.password.get_untracked(),
            server_names: self.server_names.get_untracked(),
            client_cidrs: self.client_cidrs.get_untracked(),
            is_enabled: self.is_enabled.get_untracked(),
            intervals: self.intervals.get_untracked(),
        }
    }

    /// The router `MIKROTIK_*` configures is open: only its schedules can change.
    fn managed_by_env(&self) -> bool {
        self.original
            .with(|o| o.as_ref().is_some_and(|r| r.managed_by_env))
    }

    /// The schedule typed for `job` (reactive).
    fn interval(&self, job: &str) -> String {
        self.intervals
            .with(|m| m.get(job).cloned().unwrap_or_default())
    }

    fn set_interval(&self, job: &str, text: String) {
        self.intervals.update(|m| {
            m.insert(job.to_owned(), text);
        });
    }
}

/// What the page says after a save or a delete.
const TEXTS: EditorTexts = EditorTexts {
    created: "admin-router-created",
    updated: "admin-router-updated",
    deleted: "admin-router-deleted",
};

/// An interval in seconds with its short form: `300 dtk (5 min)`.
fn seconds_text(i18n: I18n, seconds: u64) -> String {
    i18n.tr_with(
        "admin-router-seconds",
        &[
            ("seconds", &seconds.to_string()),
            ("interval", &interval_text(seconds)),
        ],
    )
}

/// The install's schedule of a job: `setiap 300 dtk (5 min)`, its cron text, or "mati".
fn install_schedule(i18n: I18n, job: &RouterJobInfo) -> String {
    match (job.enabled, job.default_seconds, &job.cron) {
        (false, _, _) => i18n.tr("admin-router-job-off-install"),
        (true, Some(s), _) => i18n.tr_with(
            "admin-router-job-every",
            &[("interval", &seconds_text(i18n, s))],
        ),
        (true, None, Some(cron)) => i18n.tr_with("admin-router-job-cron", &[("cron", cron)]),
        (true, None, None) => i18n.tr("admin-router-job-off-install"),
    }
}

/// One row of the schedules section: the job, the install's schedule and this router's.
fn job_row(i18n: I18n, fields: Fields, job: RouterJobInfo) -> impl IntoView {
    let name = job.name.clone();
    let install = install_schedule(i18n, &job);
    let control = if job.min_seconds.is_none() {
        // A cron job (or one without an interval): it can only be switched off here.
        let (n1, n2) = (name.clone(), name.clone());
        view! {
            <label class="inline">
                <input type="checkbox" data-testid="router-job-off" data-job=name.clone()
                    disabled=!job.enabled
                    prop:checked=move || fields.interval(&n1).trim() == "0"
                    on:change=move |ev| {
                        let off = event_target_checked(&ev);
                        fields.set_interval(&n2, if off { "0".into() } else { String::new() });
                    }/>
                <span>{move || i18n.tr("admin-router-job-off-here")}</span>
            </label>
        }
        .into_any()
    } else {
        let (n1, n2, n3) = (name.clone(), name.clone(), name.clone());
        let hint = i18n.tr_with(
            "admin-router-job-min",
            &[("min", &job.min_seconds.unwrap_or_default().to_string())],
        );
        let check = job.clone();
        let invalid = move || parse_interval(&check, &fields.interval(&n3)).is_err();
        view! {
            <label class="field">
                <span class="small">{move || i18n.tr("admin-router-job-seconds")}</span>
                <input type="text" inputmode="numeric" data-testid="router-job-seconds" data-job=name.clone()
                    disabled=!job.enabled
                    placeholder=job.default_seconds.map(|s| s.to_string()).unwrap_or_default()
                    aria-invalid=move || invalid().to_string()
                    prop:value=move || fields.interval(&n1)
                    on:input=move |ev| fields.set_interval(&n2, event_target_value(&ev))/>
                <small class="muted">{hint}</small>
            </label>
        }
        .into_any()
    };
    let (job_name, server_text) = (name.clone(), job.description.clone());
    let description = move || super::jobs::job_description(i18n, &job_name, &server_text);
    view! {
        <div class="row router-job" data-testid="router-job" data-job=name.clone()>
            <div class="router-job-info">
                <strong class="mono">{name.clone()}</strong>
                <span class="muted small">{description}</span>
                <span class="small" data-testid="router-job-install">{install}</span>
            </div>
            {control}
        </div>
    }
}

/// The add/change form.
fn router_form(
    i18n: I18n,
    fields: Fields,
    editor: Editor,
    jobs: Memo<Vec<RouterJobInfo>>,
) -> impl IntoView {
    let locked = move || fields.managed_by_env();
    let editing = move || fields.editing.get().is_some();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = fields.form().to_input(
            &jobs.get_untracked(),
            fields.original.get_untracked().as_ref(),
        );
        editor.save(
            body,
            |id, body| async move { api::admin::save_router(id.as_deref(), &body).await },
            move || fields.close(),
        );
    };
    let has_ca = move || {
        fields
            .original
            .with(|o| o.as_ref().is_some_and(|r| r.has_tls_ca))
    };
    let port_placeholder = move || if fields.use_tls.get() { "8729" } else { "8728" };
    let text_field = move |key: &'static str,
                           field: &'static str,
                           testid: &'static str,
                           value: RwSignal<String>| {
        view! {
            <label class="field">
                <span>{move || i18n.tr(key)}</span>
                <input type="text" data-testid=testid bind:value=value readonly=locked
                    aria-invalid=move || editor.errors.has(field).to_string()/>
                {editor.errors.field(field)}
            </label>
        }
    };
    let text_area = move |field: &'static str,
                          testid: &'static str,
                          rows: &'static str,
                          placeholder: &'static str,
                          value: RwSignal<String>| {
        view! {
            <textarea data-testid=testid rows=rows class="mono" readonly=locked placeholder=placeholder
                aria-invalid=move || editor.errors.has(field).to_string()
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))></textarea>
        }
    };
    view! {
        <section class="panel" data-testid="router-form-panel">
            <h2>{move || if editing() { i18n.tr("admin-router-edit") } else { i18n.tr("admin-router-new") }}</h2>
            {editor.errors.view()}
            <Show when=locked>
                <p class="alert alert-info" role="status" data-testid="router-env-note">
                    {move || i18n.tr("admin-router-env-note")}
                </p>
            </Show>
            <form class="stack" data-testid="router-form" novalidate on:submit=submit>
                <div class="row">
                    {text_field("admin-router-name", "name", "router-name", fields.name)}
                    {text_field("admin-router-host", "host", "router-host", fields.host)}
                    <label class="field">
                        <span>{move || i18n.tr("admin-router-port")}</span>
                        <input type="text" inputmode="numeric" data-testid="router-port" bind:value=fields.port
                            readonly=locked placeholder=port_placeholder
                            aria-invalid=move || editor.errors.has("port").to_string()/>
                        {editor.errors.field("port")}
                    </label>
                </div>
                <label class="inline">
                    <input type="checkbox" data-testid="router-tls" bind:checked=fields.use_tls disabled=locked/>
                    <span>{move || i18n.tr("admin-router-tls")}</span>
                </label>
                <Show when=move || fields.use_tls.get()>
                    <div class="stack">
                        <label class="inline">
                            <input type="checkbox" data-testid="router-tls-insecure" bind:checked=fields.tls_insecure disabled=locked/>
                            <span>{move || i18n.tr("admin-router-tls-insecure")}</span>
                        </label>
                        {text_field("admin-router-fingerprint", "tls_fingerprint_sha256", "router-fingerprint", fields.tls_fingerprint)}
                        <label class="field">
                            <span>{move || i18n.tr("admin-router-ca")}</span>
                            {text_area("tls_ca_pem", "router-ca", "4", "-----BEGIN CERTIFICATE-----", fields.tls_ca_pem)}
                            <Show when=has_ca>
                                <small class="muted">{move || i18n.tr("admin-router-ca-stored")}</small>
                                <label class="inline">
                                    <input type="checkbox" data-testid="router-ca-remove" bind:checked=fields.remove_ca disabled=locked/>
                                    <span>{move || i18n.tr("admin-router-ca-remove")}</span>
                                </label>
                            </Show>
                            {editor.errors.field("tls_ca_pem")}
                        </label>
                    </div>
                </Show>
                <div class="row">
                    {text_field("admin-router-username", "username", "router-username", fields.username)}
                    <label class="field">
                        <span>{move || i18n.tr("admin-router-password")}</span>
                        <input type="password" autocomplete="new-password" data-testid="router-password"
                            bind:value=fields.password readonly=locked
                            aria-invalid=move || editor.errors.has("password").to_string()/>
                        <Show when=move || editing() && !locked()>
                            <small class="muted" data-testid="router-password-keep">{move || i18n.tr("admin-router-password-keep")}</small>
                        </Show>
                        {editor.errors.field("password")}
                    </label>
                </div>
                {text_field("admin-router-server-names", "hotspot_server_names", "router-server-names", fields.server_names)}
                <label class="field">
                    <span>{move || i18n.tr("admin-router-cidrs")}</span>
                    {text_area("hotspot_client_cidrs", "router-cidrs", "2", "172.16.0.0/16", fields.client_cidrs)}
                    <small class="muted">{move || i18n.tr("admin-router-cidrs-help")}</small>
                    {editor.errors.field("hotspot_client_cidrs")}
                </label>
                <label class="inline">
                    <input type="checkbox" data-testid="router-enabled" bind:checked=fields.is_enabled disabled=locked/>
                    <span>{move || i18n.tr("admin-router-enabled")}</span>
                </label>
                <fieldset class="field" data-testid="router-jobs">
                    <legend>{move || i18n.tr("admin-router-schedules")}</legend>
                    <p class="muted small">{move || i18n.tr("admin-router-schedules-help")}</p>
                    {move || jobs.get().into_iter().map(|job| job_row(i18n, fields, job)).collect_view()}
                    {editor.errors.field("job_intervals")}
                </fieldset>
                <div class="row">
                    {save_button(i18n, editor, "router-save")}
                    <button type="button" class="btn btn-ghost" data-testid="router-cancel"
                        on:click=move |_| { fields.close(); editor.errors.clear(); }>
                        {move || i18n.tr("common-cancel")}
                    </button>
                </div>
            </form>
        </section>
    }
}

/// Whether this install owns the router's entries, and (super admins) adopt or release it.
/// Adopting asks first: it lets cleanup jobs remove entries lpsaring could have written.
fn ownership_cell<F>(
    i18n: I18n,
    r: &RouterView,
    can_edit: Signal<bool>,
    adopting: RwSignal<Option<String>>,
    set_adopted: F,
) -> impl IntoView + use<F>
where
    F: Fn(String, bool) + Clone + Send + Sync + 'static,
{
    let id = r.id.clone();
    let name = r.name.clone();
    let tz = use_settings().tz();
    let badge = match r.adopted_at {
        Some(at) => view! {
            <span class="badge badge-ok" data-testid="router-adopted" title=format::datetime(tz, Some(at))>
                {move || i18n.tr("admin-router-adopted")}
            </span>
        }
        .into_any(),
        None => view! {
            <span class="badge badge-warn" data-testid="router-not-adopted">{move || i18n.tr("admin-router-not-adopted")}</span>
        }
        .into_any(),
    };
    let adopted = r.adopted_at.is_some();
    let action = move || {
        if !can_edit.get() {
            return None;
        }
        let (id, name, go) = (id.clone(), name.clone(), set_adopted.clone());
        Some(if adopting.get().as_deref() == Some(id.as_str()) {
            let confirm = go.clone();
            view! {
                <div data-testid="router-adopt-confirm">
                    <ConfirmBox
                        message=Signal::derive(move || i18n.tr_with("admin-router-adopt-confirm", &[("name", &name)]))
                        confirm_label=Signal::derive(move || i18n.tr("admin-router-adopt"))
                        on_confirm=Callback::new(move |_: String| confirm(id.clone(), true))
                        on_cancel=Callback::new(move |_| adopting.set(None))/>
                </div>
            }
            .into_any()
        } else if adopted {
            view! {
                <button type="button" class="btn btn-ghost" data-testid="router-release"
                    on:click=move |_| go(id.clone(), false)>{move || i18n.tr("admin-router-release")}</button>
            }
            .into_any()
        } else {
            view! {
                <button type="button" class="btn btn-ghost" data-testid="router-adopt"
                    on:click=move |_| adopting.set(Some(id.clone()))>{move || i18n.tr("admin-router-adopt")}</button>
            }
            .into_any()
        })
    };
    view! { <div class="stack">{badge}{action}</div> }
}

/// The status cell: online, offline with the last error, or never checked.
fn status_cell(i18n: I18n, r: &RouterView) -> impl IntoView + use<> {
    let (state, class, key) = match r.online {
        Some(true) => ("online", "badge badge-ok", "admin-router-online"),
        Some(false) => ("offline", "badge badge-error", "admin-router-offline"),
        None => ("unknown", "badge", "admin-router-unchecked"),
    };
    let error = r.last_error.clone().filter(|_| r.online != Some(true));
    let setup = r.setup.clone().map(|setup| {
        let (class, key) = match setup.setup {
            SetupState::Complete => ("badge badge-ok", "admin-router-setup-complete"),
            SetupState::Incomplete => ("badge badge-error", "admin-router-setup-incomplete"),
            SetupState::Unchecked => ("badge", "admin-router-setup-unchecked"),
        };
        let state = serde_json::to_value(setup.setup)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let missing = setup.missing.join(", ");
        let fix = setup
            .fix
            .map(|f| view! { <br/><code class="mono small" data-testid="router-setup-fix">{f}</code> });
        let missing = (!missing.is_empty())
            .then(|| view! { <br/><span class="small muted" data-testid="router-setup-missing">{missing}</span> });
        view! {
            <br/><span class=class data-testid="router-setup" data-state=state>{move || i18n.tr(key)}</span>
            {missing}{fix}
        }
    });
    view! {
        <span class=class data-testid="router-status" data-state=state>{move || i18n.tr(key)}</span>
        {error.map(|e| view! { <br/><span class="small mono" data-testid="router-last-error">{e}</span> })}
        {setup}
    }
}

/// This router's own schedules, or "as the install".
fn schedules_cell(i18n: I18n, r: &RouterView) -> impl IntoView + use<> {
    if r.job_intervals.is_empty() {
        return view! { <span class="muted small" data-testid="router-schedules">{move || i18n.tr("admin-router-schedules-install")}</span> }.into_any();
    }
    let chips = r
        .job_intervals
        .iter()
        .map(|(job, &seconds)| {
            let value = if seconds == 0 {
                i18n.tr("admin-router-job-off")
            } else {
                seconds_text(i18n, seconds)
            };
            view! {
                <span class="chip" data-testid="router-schedule" data-job=job.clone()
                    data-seconds=seconds.to_string()>{format!("{job}: {value}")}</span>
            }
        })
        .collect_view();
    view! { <div class="chips" data-testid="router-schedules">{chips}</div> }.into_any()
}

#[component]
pub fn AdminRoutersPage() -> impl IntoView {
    let i18n = use_i18n();
    let settings = use_settings();
    let session = use_session();
    use_title("admin-routers-title");
    let can_edit = Signal::derive(move || session.role() == Some(Role::SuperAdmin));
    let fields = Fields::new();
    let editor = Editor::new(i18n, fields.editing, TEXTS);
    let routers = LocalResource::new(move || {
        editor.reload.track();
        api::admin::routers()
    });
    let jobs = Memo::new(move |_| {
        routers
            .get()
            .and_then(Result::ok)
            .map(|l| l.jobs)
            .unwrap_or_default()
    });
    // The router being checked (its button waits).
    let checking = RwSignal::new(None::<String>);

    let check = move |id: String| {
        editor.feedback.clear();
        checking.set(Some(id.clone()));
        spawn_local(async move {
            match api::admin::check_router(&id).await {
                // Reached: a success; not reached: the error the check ran into.
                Ok(r) if r.online == Some(true) => editor.feedback.ok.set(Some(i18n.tr_with(
                    "admin-router-check-online",
                    &[
                        ("name", &r.name),
                        ("version", r.routeros_version.as_deref().unwrap_or("?")),
                    ],
                ))),
                Ok(r) => editor.feedback.error.set(Some(i18n.tr_with(
                    "admin-router-check-offline",
                    &[
                        ("name", &r.name),
                        ("error", r.last_error.as_deref().unwrap_or("–")),
                    ],
                ))),
                Err(e) => editor.feedback.fail(&e),
            }
            checking.set(None);
            editor.refresh();
        });
    };

    // verify-rules: the router being read, and the last checklist shown.
    let verifying = RwSignal::new(None::<String>);
    let rules = RwSignal::new(None::<RouterRulesReport>);
    let verify = move |id: String| {
        editor.feedback.clear();
        rules.set(None);
        verifying.set(Some(id.clone()));
        spawn_local(async move {
            match api::admin::verify_router_rules(&id).await {
                Ok(report) => rules.set(Some(report)),
                Err(e) => editor.feedback.fail(&e),
            }
            verifying.set(None);
        });
    };

    // The live view: the router being read, and the last reading shown.
    let reading = RwSignal::new(None::<String>);
    let live = RwSignal::new(None::<(String, RouterLive)>);
    let read_live = move |id: String| {
        editor.feedback.clear();
        reading.set(Some(id.clone()));
        spawn_local(async move {
            match api::admin::router_live(&id).await {
                Ok(l) => live.set(Some((id, l))),
                Err(e) => editor.feedback.fail(&e),
            }
            reading.set(None);
        });
    };

    // The router whose adoption waits for confirmation.
    let adopting = RwSignal::new(None::<String>);
    let set_adopted = move |id: String, adopt: bool| {
        editor.feedback.clear();
        adopting.set(None);
        spawn_local(async move {
            let done = if adopt {
                api::admin::adopt_router(&id).await.map(|_| ())
            } else {
                api::admin::release_router(&id).await.map(|_| ())
            };
            match done {
                Ok(()) => editor.feedback.ok.set(Some(i18n.tr(if adopt {
                    "admin-router-adopted-ok"
                } else {
                    "admin-router-released-ok"
                }))),
                Err(e) => editor.feedback.fail(&e),
            }
            editor.refresh();
        });
    };

    let remove = move |id: String| {
        editor.remove(
            id,
            |id| async move { api::admin::delete_router(&id).await },
            |_| {},
            move || fields.close(),
        );
    };

    let row = move |r: RouterView| {
        let tz = settings.tz();
        let id = r.id.clone();
        let address = format!("{}:{}", r.host, r.port);
        let tls = r
            .use_tls
            .then(|| view! { <span class="badge" data-testid="router-tls-badge">"TLS"</span> });
        let default_badge = r.is_default.then(|| view! {
            <span class="badge badge-warn" data-testid="router-default">{move || i18n.tr("admin-router-default")}</span>
        });
        let env_badge = r.managed_by_env.then(|| {
            view! {
                <span class="badge" data-testid="router-env">".env"</span>
            }
        });
        let counts = i18n.tr_with(
            "admin-router-counts",
            &[
                ("users", &r.user_count.to_string()),
                ("devices", &r.device_count.to_string()),
            ],
        );
        let enabled = if r.is_enabled {
            view! { <span class="badge badge-ok" data-testid="router-enabled-badge">{move || i18n.tr("admin-active")}</span> }.into_any()
        } else {
            view! { <span class="badge badge-error" data-testid="router-enabled-badge">{move || i18n.tr("admin-inactive")}</span> }.into_any()
        };
        let ranges = r.hotspot_client_cidrs.join(", ");
        let servers = r.hotspot_server_names.join(", ");
        let check_id = id.clone();
        let busy_id = id.clone();
        let is_checking = move || checking.get().as_deref() == Some(busy_id.as_str());
        let check_disabled = is_checking.clone();
        let verify_id = id.clone();
        let verify_busy = id.clone();
        let is_verifying = move || verifying.get().as_deref() == Some(verify_busy.as_str());
        let verify_disabled = is_verifying.clone();
        let live_id = id.clone();
        let live_busy = id.clone();
        let is_reading = move || reading.get().as_deref() == Some(live_busy.as_str());
        let live_disabled = is_reading.clone();
        let actions_id = id.clone();
        let name = r.name.clone();
        let name_attr = r.name.clone();
        let confirm = {
            let name = name.clone();
            move || i18n.tr_with("admin-router-delete-confirm", &[("name", &name)])
        };
        let edit = {
            let r = r.clone();
            move || fields.open(Some(r.clone()))
        };
        let ownership = ownership_cell(i18n, &r, can_edit, adopting, set_adopted);
        view! {
            <tr data-testid="router-row" data-id=id data-name=name_attr
                data-default=r.is_default.to_string() data-enabled=r.is_enabled.to_string()>
                <td><strong data-testid="router-name-cell">{name}</strong>" "{default_badge}" "{env_badge}</td>
                <td><span class="mono" data-testid="router-address">{address}</span>" "{tls}</td>
                <td>{status_cell(i18n, &r)}</td>
                <td class="mono small" data-testid="router-version">{r.routeros_version.clone().unwrap_or_else(|| "–".into())}</td>
                <td class="small" data-testid="router-last-seen">{format::datetime(tz, r.last_seen_at)}</td>
                <td class="small" data-testid="router-counts">{counts}</td>
                <td>{enabled}</td>
                <td><span class="mono small" data-testid="router-cidrs-cell">{ranges}</span><br/>
                    <span class="muted small">{servers}</span></td>
                <td>{schedules_cell(i18n, &r)}</td>
                <td>{ownership}</td>
                <td>
                    <div class="row">
                        <button type="button" class="btn btn-ghost" data-testid="router-check"
                            disabled=check_disabled on:click=move |_| check(check_id.clone())>
                            {move || if is_checking() { i18n.tr("common-processing") } else { i18n.tr("admin-router-check") }}
                        </button>
                        <button type="button" class="btn btn-ghost" data-testid="router-verify-rules"
                            disabled=verify_disabled on:click=move |_| verify(verify_id.clone())>
                            {move || if is_verifying() { i18n.tr("common-processing") } else { i18n.tr("admin-router-rules") }}
                        </button>
                        <button type="button" class="btn btn-ghost" data-testid="router-live"
                            disabled=live_disabled on:click=move |_| read_live(live_id.clone())>
                            {move || if is_reading() { i18n.tr("common-processing") } else { i18n.tr("admin-router-live") }}
                        </button>
                        <Show when=move || can_edit.get()>
                            {row_actions(i18n, editor, actions_id.clone(), "router", confirm.clone(), edit.clone(), remove)}
                        </Show>
                    </div>
                </td>
            </tr>
        }
    };

    view! {
        <AdminShell>
            <div class="panel-head">
                <h1>{move || i18n.tr("admin-routers-title")}</h1>
                <Show when=move || can_edit.get() && !fields.open.get()>
                    <button type="button" class="btn btn-primary" data-testid="router-add"
                        on:click=move |_| { editor.errors.clear(); editor.feedback.clear(); fields.open(None); }>
                        {move || i18n.tr("admin-router-add")}
                    </button>
                </Show>
            </div>
            <p class="muted">{move || i18n.tr("admin-routers-help")}</p>
            <Show when=move || !can_edit.get()>
                <p class="alert alert-info" role="status" data-testid="routers-read-only">
                    {move || i18n.tr("admin-routers-super-only")}
                </p>
            </Show>
            <div data-testid="routers-feedback">{editor.feedback.view()}</div>
            <Show when=move || fields.open.get()>
                {router_form(i18n, fields, editor, jobs)}
            </Show>
            {move || rules.get().map(|report| rules_panel(i18n, report, move || rules.set(None)))}
            {move || live.get().map(|(id, l)| live_panel(
                i18n,
                l,
                move || read_live(id.clone()),
                move || live.set(None),
            ))}
            {move || list_table(
                i18n,
                match routers.get() {
                    Some(Ok(list)) => Some(Ok(list.routers.items)),
                    Some(Err(e)) => Some(Err(e)),
                    None => None,
                },
                ("admin-routers-none", "no-routers"),
                "routers",
                &[
                    "admin-router-name",
                    "admin-router-address",
                    "admin-status",
                    "admin-router-version",
                    "admin-router-last-seen",
                    "admin-router-users-devices",
                    "admin-router-enabled-col",
                    "admin-router-ranges",
                    "admin-router-schedules-col",
                    "admin-router-ownership",
                    "admin-actions",
                ],
                row,
            )}
        </AdminShell>
    }
}
