//! The admin action log: its filters (who, whom, what, and a range of local days) and the
//! CSV export (`GET /api/admin/action-logs/export`), newest first in keyset batches. The
//! export covers a range of at most 366 days, checked as the transactions export checks it.

use std::collections::HashMap;

use futures::{Stream, TryStreamExt};
use saring_domain::dto::admin::ActionLogItem;
use saring_domain::ids::UserId;
use saring_store::repo::activity::{self, ActionFilter, ActionLog};
use saring_store::repo::users;
use uuid::Uuid;

use super::{BATCH, cell};
use crate::context::App;
use crate::error::AppResult;
use crate::payments::export;

/// The log's filters as the API receives them.
#[derive(Debug, Clone, Default)]
pub struct LogQuery {
    pub action_type: Option<String>,
    pub admin_id: Option<UserId>,
    pub target: Option<UserId>,
    /// `dd-mm-yyyy` or `yyyy-mm-dd`, both days included.
    pub from: Option<String>,
    pub to: Option<String>,
}

/// The action log, newest first, one page with the names of the people involved.
pub async fn list(
    app: &App,
    page: saring_domain::api::PageRequest,
    q: &LogQuery,
) -> AppResult<saring_domain::api::Page<ActionLogItem>> {
    let (_, per_page) = page.clamped();
    let filter = filter(app, q, false)?;
    let (rows, total) = activity::list_actions(app.db(), &filter, page.offset(), per_page).await?;
    Ok(saring_domain::api::Page::new(
        items(app, rows).await?,
        page,
        total,
    ))
}

/// The store's filter. `whole_range`: both days are required (an export), else each is
/// optional (the list).
pub fn filter(app: &App, q: &LogQuery, whole_range: bool) -> AppResult<ActionFilter> {
    let (from, to) = if whole_range {
        let (f, t) = export::range(app, q.from.as_deref(), q.to.as_deref())?.bounds();
        (Some(f), Some(t))
    } else {
        export::optional_bounds(app, q.from.as_deref(), q.to.as_deref())?
    };
    Ok(ActionFilter {
        admin_id: q.admin_id.map(|u| u.0),
        target_user_id: q.target.map(|u| u.0),
        action_type: q
            .action_type
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
        from,
        to,
    })
}

/// Log rows with the names of the people involved (each name read once).
pub async fn items(app: &App, rows: Vec<ActionLog>) -> AppResult<Vec<ActionLogItem>> {
    let mut names: HashMap<Uuid, Option<String>> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        for id in [r.admin_id, r.target_user_id].into_iter().flatten() {
            if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(id) {
                let name = users::find_by_id(app.db(), UserId(id))
                    .await?
                    .map(|u| u.full_name);
                slot.insert(name);
            }
        }
        let name_of = |id: Option<Uuid>| id.and_then(|id| names.get(&id).cloned().flatten());
        out.push(ActionLogItem {
            id: r.id.to_string(),
            admin_id: r.admin_id.map(|u| u.to_string()),
            admin_name: name_of(r.admin_id),
            target_user_id: r.target_user_id.map(|u| u.to_string()),
            target_user_name: name_of(r.target_user_id),
            action_type: r.action_type,
            details: r.details,
            created_at: r.created_at,
        });
    }
    Ok(out)
}

const HEADER: &[&str] = &["Waktu", "Admin", "Aksi", "Target", "Detail"];

fn record(app: &App, i: &ActionLogItem) -> Vec<String> {
    vec![
        app.config().app.timezone.format_datetime(i.created_at),
        cell(i.admin_name.as_deref().unwrap_or("Sistem")),
        i.action_type.clone(),
        cell(i.target_user_name.as_deref().unwrap_or_default()),
        cell(
            &i.details
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
        ),
    ]
}

/// The CSV, newest first, batch by batch.
pub fn csv(app: App, filter: ActionFilter) -> impl Stream<Item = AppResult<Vec<u8>>> + 'static {
    let filter = std::rc::Rc::new(filter);
    let logs = super::batches(
        app.clone(),
        move |app: App, before| {
            let filter = filter.clone();
            async move { Ok(activity::actions_batch(app.db(), &filter, before, BATCH).await?) }
        },
        |r: &ActionLog| (r.created_at, r.id),
    );
    let named = {
        let app = app.clone();
        logs.and_then(move |rows| {
            let app = app.clone();
            async move { items(&app, rows).await }
        })
    };
    super::csv_stream(app, HEADER, named, record)
}

/// `log-aktivitas_01-12-2026_31-12-2026.csv`
pub fn file_name(app: &App, q: &LogQuery) -> AppResult<String> {
    Ok(export::range(app, q.from.as_deref(), q.to.as_deref())?
        .file_name()
        .replacen("transaksi_", "log-aktivitas_", 1))
}
