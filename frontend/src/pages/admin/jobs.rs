//! `/admin/jobs`: the worker's jobs (schedule, router, last start/finish, duration, ok/error
//! with the last error, next run) and the dead letters (runs given up after their retries).

use leptos::prelude::*;

use super::forms::{duration_text, interval_text};
use super::parts::list_table;
use super::transaction_detail::payload_text;
use crate::api;
use crate::components::common::{AdminShell, use_title};
use crate::contexts::{I18n, Settings, use_i18n, use_settings};
use crate::format;
use saring_domain::dto::jobs::{DeadLetterView, JobStatus, When};

fn schedule_text(i18n: I18n, s: &Option<When>) -> String {
    match s {
        Some(When::Every { seconds }) => i18n.tr_with(
            "admin-jobs-every",
            &[("interval", &interval_text(*seconds))],
        ),
        Some(When::Cron { expr }) => format!("cron {expr}"),
        None => i18n.tr("admin-jobs-manual"),
    }
}

fn job_row(i18n: I18n, settings: Settings, j: JobStatus) -> impl IntoView {
    let tz = settings.tz();
    let schedule = schedule_text(i18n, &j.schedule);
    let scope = if j.scope == "global" {
        i18n.tr("admin-jobs-global")
    } else {
        j.scope.clone()
    };
    let result = match j.last_ok {
        Some(true) => view! { <span class="badge badge-ok" data-testid="job-ok">{move || i18n.tr("admin-jobs-ok")}</span> }.into_any(),
        Some(false) => {
            let err = j.last_error.clone().unwrap_or_default();
            view! {
                <span class="badge badge-error" data-testid="job-error">{move || i18n.tr("admin-jobs-error")}</span>
                <br/><span class="small mono" data-testid="job-last-error">{err}</span>
            }
            .into_any()
        }
        None => view! { <span class="muted small">{move || i18n.tr("admin-jobs-never")}</span> }.into_any(),
    };
    let runs = i18n.tr_with(
        "admin-jobs-runs",
        &[
            ("runs", &j.run_count.to_string()),
            ("failures", &j.failure_count.to_string()),
        ],
    );
    let name = j.job.clone();
    let name_attr = j.job.clone();
    let (job_name, server_text) = (j.job.clone(), j.description.clone());
    let description = move || job_description(i18n, &job_name, &server_text);
    view! {
        <tr data-testid="job-row" data-job=name_attr>
            <td><strong class="mono">{name}</strong><br/><span class="muted small">{description}</span></td>
            <td>{scope}</td>
            <td class="small">{schedule}</td>
            <td class="small">{format::datetime(tz, j.last_started_at)}</td>
            <td class="small">{format::datetime(tz, j.last_finished_at)}</td>
            <td class="small">{j.last_duration_ms.map(duration_text).unwrap_or_else(|| "–".into())}</td>
            <td>{result}<br/><span class="muted small">{runs}</span></td>
            <td class="small">{format::datetime(tz, j.next_run_at)}</td>
        </tr>
    }
}

fn dead_letter_row(i18n: I18n, settings: Settings, d: DeadLetterView) -> impl IntoView {
    let tz = settings.tz();
    let payload = payload_text(d.payload.as_ref());
    view! {
        <tr data-testid="dead-letter-row">
            <td class="small">{format::datetime(tz, Some(d.created_at))}</td>
            <td class="mono">{d.job.clone()}</td>
            <td>{d.scope.clone()}</td>
            <td>{d.attempts}</td>
            <td class="small">{d.error.clone()}</td>
            <td>{match payload {
                Some(p) => view! {
                    <details class="details">
                        <summary>{move || i18n.tr("admin-tx-payload")}</summary>
                        <pre class="mono small">{p}</pre>
                    </details>
                }.into_any(),
                None => view! { <span class="muted">"–"</span> }.into_any(),
            }}</td>
        </tr>
    }
}

#[component]
pub fn AdminJobsPage() -> impl IntoView {
    let i18n = use_i18n();
    let settings = use_settings();
    use_title("admin-jobs-title");
    let reload = RwSignal::new(0u32);
    let jobs = LocalResource::new(move || {
        reload.track();
        api::admin::jobs()
    });
    let dead = LocalResource::new(move || {
        reload.track();
        api::admin::dead_letters()
    });
    view! {
        <AdminShell>
            <div class="panel-head">
                <h1>{move || i18n.tr("admin-jobs-title")}</h1>
                <button type="button" class="btn btn-ghost" data-testid="jobs-refresh"
                    on:click=move |_| reload.update(|r| *r += 1)>{move || i18n.tr("admin-refresh")}</button>
            </div>
            <p class="muted small">{move || i18n.tr_with("admin-jobs-tz", &[("tz", settings.tz().name())])}</p>
            {move || list_table(
                i18n,
                jobs.get(),
                ("admin-jobs-none", "no-jobs"),
                "jobs",
                &[
                    "admin-jobs-name",
                    "admin-jobs-router",
                    "admin-jobs-schedule",
                    "admin-jobs-started",
                    "admin-jobs-finished",
                    "admin-jobs-duration",
                    "admin-jobs-result",
                    "admin-jobs-next",
                ],
                |j| job_row(i18n, settings, j),
            )}
            <h2>{move || i18n.tr("admin-dead-letters")}</h2>
            {move || list_table(
                i18n,
                dead.get(),
                ("admin-dead-letters-none", "no-dead-letters"),
                "dead-letters",
                &[
                    "admin-log-time",
                    "admin-jobs-name",
                    "admin-jobs-router",
                    "admin-dead-attempts",
                    "admin-jobs-error",
                    "admin-tx-payload",
                ],
                |d| dead_letter_row(i18n, settings, d),
            )}
        </AdminShell>
    }
}

/// A job's description in the page's language (`job-<name>`); the server's own text for a job
/// this SPA does not know yet.
pub fn job_description(i18n: I18n, name: &str, server_text: &str) -> String {
    crate::i18n::lookup(i18n.locale.get(), &format!("job-{name}"))
        .unwrap_or_else(|| server_text.to_owned())
}
