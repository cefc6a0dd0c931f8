//! WhatsApp broadcasts: an administrator writes to the approved users and komandan a filter
//! selects (access status, role, blok, debt).
//!
//! * A filter must say who: without any criterion it is refused (`filter_empty`); everybody
//!   takes an explicit `all: true` (alone).
//! * One transaction records the broadcast, one `message_log` row per recipient (with the
//!   broadcast's id) and one outbox item per message, paced: the `n`-th message may go
//!   `n / WHATSAPP_BROADCAST_PER_MINUTE` minutes later, and the outbox's own per-minute
//!   limits still apply. The outbox retries transient failures; a refusal is final.
//! * Each admin may start `WHATSAPP_BROADCAST_ADMIN_PER_HOUR` broadcasts an hour and the
//!   install `WHATSAPP_BROADCAST_PER_DAY` a day (429 `rate_limited` beyond).
//! * A retry with the same `Idempotency-Key` (per admin) or the same client-chosen
//!   `broadcast_id` answers the first broadcast and queues nothing (the key is unique in the
//!   table, so two racing requests cannot both insert); the same key with another message or
//!   filter is a 409 `conflict`.
//! * The broadcast is in the admin action log (`WHATSAPP_BROADCAST`).

use std::collections::{BTreeSet, HashMap};
use std::str::FromStr;

use saring_domain::access::{AccessStatus, Role};
use saring_domain::api::{ErrorCode, Page, PageRequest};
use saring_domain::dto::whatsapp::{
    BROADCAST_MAX_LEN, BroadcastAccepted, BroadcastDetail, BroadcastFilter, BroadcastPreview,
    BroadcastRecipient, BroadcastSummary, DeliveryCounts, PREVIEW_SAMPLE, RecipientSample,
};
use saring_domain::user::User;
use saring_store::db::begin_write;
use saring_store::repo::broadcasts::{self, Broadcast};
use saring_store::repo::{activity, messages, outbox, users};
use serde_json::json;
use uuid::Uuid;

use crate::context::App;
use crate::error::{AppError, AppResult};
use crate::jobs::messaging::{BROADCAST_TEMPLATE, SEND_KIND};
use crate::ratelimit::{check, per_hour, per_minutes};

/// Longest `Idempotency-Key` accepted.
const KEY_MAX_LEN: usize = 100;

/// A checked filter.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Selection {
    statuses: Vec<AccessStatus>,
    roles: Vec<Role>,
    bloks: Vec<String>,
    has_debt: Option<bool>,
}

/// The filter's criteria, or why they are refused (the error names the field).
fn select(f: &BroadcastFilter) -> AppResult<(Selection, BroadcastFilter)> {
    fn items(list: &Option<Vec<String>>) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for i in list.iter().flatten().map(|i| i.trim()) {
            if !i.is_empty() && !out.iter().any(|o| o == i) {
                out.push(i.to_owned());
            }
        }
        out
    }
    let statuses = items(&f.status)
        .iter()
        .map(|s| {
            AccessStatus::from_str(s).map_err(|_| {
                AppError::invalid(
                    "filter.status",
                    format!(
                        "Status {s:?} tidak dikenal (pilihan: {}).",
                        AccessStatus::ALL.map(|a| a.as_str()).join(", ")
                    ),
                )
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    let roles = items(&f.role)
        .iter()
        .map(|r| match r.parse::<Role>() {
            Ok(role @ (Role::User | Role::Komandan)) => Ok(role),
            _ => Err(AppError::invalid(
                "filter.role",
                format!("Peran {r:?} tidak bisa dipilih (USER atau KOMANDAN)."),
            )),
        })
        .collect::<AppResult<Vec<_>>>()?;
    let bloks = items(&f.blok);
    if let Some(b) = bloks.iter().find(|b| b.chars().count() > 40) {
        return Err(AppError::invalid(
            "filter.blok",
            format!("Blok {b:?} terlalu panjang."),
        ));
    }
    let any =
        !statuses.is_empty() || !roles.is_empty() || !bloks.is_empty() || f.has_debt.is_some();
    if f.all && any {
        return Err(AppError::invalid(
            "filter.all",
            "Pilih semua pengguna, atau kriteria penerima — tidak keduanya.",
        ));
    }
    if !f.all && !any {
        return Err(AppError::Rejected(Box::new(
            saring_domain::api::ErrorBody::new(
                ErrorCode::FilterEmpty,
                "Pilih minimal satu kriteria penerima, atau pilih semua pengguna secara tegas.",
            )
            .with_details(json!([{ "loc": ["filter"], "msg": "filter kosong" }])),
        )));
    }
    let normalized = BroadcastFilter {
        all: f.all,
        status: (!statuses.is_empty())
            .then(|| statuses.iter().map(|s| s.as_str().to_owned()).collect()),
        role: (!roles.is_empty()).then(|| roles.iter().map(|r| r.as_str().to_owned()).collect()),
        blok: (!bloks.is_empty()).then(|| bloks.clone()),
        has_debt: f.has_debt,
    };
    Ok((
        Selection {
            statuses,
            roles,
            bloks,
            has_debt: f.has_debt,
        },
        normalized,
    ))
}

/// Whether `u` owes quota debt (auto debt, or manual debt for a role that carries it).
fn owes(u: &User) -> bool {
    u.quota_account().auto_debt().0 > 0 || (!u.role.is_debt_exempt() && u.manual_debt_mb > 0)
}

/// The recipients of `sel`, by name.
async fn recipients(app: &App, sel: &Selection) -> AppResult<Vec<User>> {
    let roles = if sel.roles.is_empty() {
        vec![Role::User, Role::Komandan]
    } else {
        sel.roles.clone()
    };
    let now = app.now();
    let policy = &app.config().policy;
    let statuses: BTreeSet<AccessStatus> = sel.statuses.iter().copied().collect();
    Ok(users::approved_with_roles(app.db(), &roles, &sel.bloks)
        .await?
        .into_iter()
        .filter(|u| {
            statuses.is_empty() || statuses.contains(&policy.status(&u.access_snapshot(), now))
        })
        .filter(|u| sel.has_debt.is_none_or(|d| owes(u) == d))
        .collect())
}

/// `0812****7890`.
fn mask(local: &str) -> String {
    let chars: Vec<char> = local.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 8))
}

/// How many users `filter` selects, and the first few by name.
pub async fn preview(app: &App, filter: &BroadcastFilter) -> AppResult<BroadcastPreview> {
    let (sel, _) = select(filter)?;
    let users = recipients(app, &sel).await?;
    Ok(BroadcastPreview {
        count: users.len() as u64,
        sample: users
            .iter()
            .take(PREVIEW_SAMPLE)
            .map(|u| RecipientSample {
                full_name: u.full_name.clone(),
                phone_masked: mask(&u.phone.local()),
            })
            .collect(),
    })
}

fn check_message(message: &str) -> AppResult<String> {
    let message = message.trim();
    let len = message.chars().count();
    if len == 0 || len > BROADCAST_MAX_LEN {
        return Err(AppError::invalid(
            "message",
            format!("Tulis pesan siaran (1–{BROADCAST_MAX_LEN} karakter)."),
        ));
    }
    if message
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(AppError::invalid(
            "message",
            "Pesan tidak boleh berisi karakter kontrol.",
        ));
    }
    Ok(message.to_owned())
}

fn check_key(key: Option<&str>) -> AppResult<Option<String>> {
    let Some(key) = key.map(str::trim) else {
        return Ok(None);
    };
    if key.is_empty() || key.len() > KEY_MAX_LEN || !key.chars().all(|c| c.is_ascii_graphic()) {
        return Err(AppError::invalid(
            "Idempotency-Key",
            format!("Idempotency-Key: 1–{KEY_MAX_LEN} karakter ASCII tanpa spasi."),
        ));
    }
    Ok(Some(key.to_owned()))
}

/// The answer for an earlier broadcast a retry names: the same one, or a conflict when the
/// retry asks for something else.
fn replay(
    admin: &User,
    found: &Broadcast,
    message: &str,
    filter: &BroadcastFilter,
) -> AppResult<BroadcastAccepted> {
    let same = found.admin_id == Some(admin.id.0)
        && found.message == message
        && serde_json::to_value(filter).ok().as_ref() == Some(&found.filter);
    if !same {
        return Err(AppError::rejected(
            ErrorCode::Conflict,
            "Kunci atau ID siaran ini sudah dipakai untuk siaran lain.",
        ));
    }
    Ok(BroadcastAccepted {
        broadcast_id: found.id.to_string(),
        recipients: u64::try_from(found.recipients).unwrap_or(0),
        replayed: true,
    })
}

/// Queues a broadcast (see the module docs). `idempotency_key` is the request's
/// `Idempotency-Key` header.
pub async fn send(
    app: &App,
    admin: &User,
    filter: &BroadcastFilter,
    message: &str,
    broadcast_id: Option<&str>,
    idempotency_key: Option<&str>,
) -> AppResult<BroadcastAccepted> {
    let message = check_message(message)?;
    let (sel, filter) = select(filter)?;
    let client_id =
        match broadcast_id.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(raw) => Some(Uuid::parse_str(raw).map_err(|_| {
                AppError::invalid("broadcast_id", "broadcast_id harus berupa UUID.")
            })?),
        };
    let key = match (check_key(idempotency_key)?, client_id) {
        (Some(k), _) => Some(format!("{}:key:{k}", admin.id)),
        (None, Some(id)) => Some(format!("{}:id:{id}", admin.id)),
        (None, None) => None,
    };
    if let Some(k) = &key
        && let Some(found) = broadcasts::find_by_key(app.db(), k).await?
    {
        return replay(admin, &found, &message, &filter);
    }
    if let Some(id) = client_id
        && let Some(found) = broadcasts::find(app.db(), id).await?
    {
        return replay(admin, &found, &message, &filter);
    }
    let enabled = crate::settings::current(app)
        .await?
        .flag(crate::settings::keys::ENABLE_WHATSAPP_NOTIFICATIONS);
    if !enabled {
        return Err(AppError::rejected(
            ErrorCode::ServiceUnavailable,
            "Notifikasi WhatsApp sedang dimatikan di Pengaturan; siaran tidak dikirim.",
        ));
    }
    let users = recipients(app, &sel).await?;
    if users.is_empty() {
        return Err(AppError::invalid(
            "filter",
            "Tidak ada pengguna yang cocok dengan filter ini.",
        ));
    }
    let limits = &app.config().whatsapp.broadcast;
    check(
        app,
        "wa-broadcast-admin",
        &admin.id.to_string(),
        &[per_hour(limits.per_admin_per_hour)],
    )
    .await?;
    check(
        app,
        "wa-broadcast-install",
        "all",
        &[per_minutes(24 * 60, limits.per_day)],
    )
    .await?;
    let now = app.now();
    let record = Broadcast {
        id: client_id.unwrap_or_else(Uuid::new_v4),
        admin_id: Some(admin.id.0),
        message: message.clone(),
        filter: serde_json::to_value(&filter)
            .map_err(|e| AppError::Internal(format!("broadcast filter: {e}")))?,
        recipients: i32::try_from(users.len()).unwrap_or(i32::MAX),
        idempotency_key: key.clone(),
        created_at: now,
    };
    let txn = begin_write(app.db()).await?;
    if !broadcasts::insert(&txn, &record).await? {
        // A concurrent request with the same key won the insert.
        drop(txn);
        let found = match &key {
            Some(k) => broadcasts::find_by_key(app.db(), k).await?,
            None => None,
        }
        .ok_or_else(|| AppError::Internal("broadcast key conflict without a row".into()))?;
        return replay(admin, &found, &message, &filter);
    }
    let per_minute = limits.per_minute.max(1);
    for (n, user) in users.iter().enumerate() {
        let to = user.phone.as_e164();
        let Some(message_id) = messages::insert(
            &txn,
            &messages::NewMessage {
                channel: "whatsapp",
                target: to,
                user_id: Some(user.id.0),
                template: Some(BROADCAST_TEMPLATE),
                dedupe_key: Some(&format!("broadcast:{}:{to}", record.id)),
                status: "pending",
                broadcast_id: Some(record.id),
            },
            now,
        )
        .await?
        else {
            continue;
        };
        let wave = i64::try_from(n as u64 / per_minute).unwrap_or(i64::MAX / 120);
        outbox::enqueue(
            &txn,
            SEND_KIND,
            None,
            json!({
                "message_id": message_id.to_string(),
                "to": to,
                "user_id": user.id.to_string(),
                "template": BROADCAST_TEMPLATE,
                "text": message,
                "broadcast_id": record.id.to_string(),
            }),
            now + chrono::Duration::minutes(wave),
        )
        .await?;
    }
    activity::log_action(
        &txn,
        Some(admin.id),
        None,
        "WHATSAPP_BROADCAST",
        json!({
            "broadcast_id": record.id,
            "recipients": users.len(),
            "filter": record.filter,
            "message": message,
        }),
    )
    .await?;
    txn.commit().await.map_err(saring_store::StoreError::from)?;
    tracing::info!(admin_id = %admin.id, broadcast_id = %record.id, recipients = users.len(), "WhatsApp broadcast queued");
    Ok(BroadcastAccepted {
        broadcast_id: record.id.to_string(),
        recipients: users.len() as u64,
        replayed: false,
    })
}

async fn names(app: &App, ids: impl Iterator<Item = Uuid>) -> AppResult<HashMap<Uuid, String>> {
    let ids: BTreeSet<Uuid> = ids.collect();
    Ok(users::names_of(app.db(), &ids.into_iter().collect::<Vec<_>>()).await?)
}

fn summary(
    b: Broadcast,
    counts: DeliveryCounts,
    admins: &HashMap<Uuid, String>,
) -> BroadcastSummary {
    BroadcastSummary {
        id: b.id.to_string(),
        admin_name: b.admin_id.and_then(|a| admins.get(&a).cloned()),
        filter: serde_json::from_value(b.filter).unwrap_or_default(),
        message: b.message,
        recipients: u64::try_from(b.recipients).unwrap_or(0),
        counts,
        created_at: b.created_at,
    }
}

/// The delivery log: broadcasts, newest first, with their messages counted by state.
pub async fn list(app: &App, page: PageRequest) -> AppResult<Page<BroadcastSummary>> {
    let (_, per_page) = page.clamped();
    let (rows, total) = broadcasts::list(app.db(), page.offset(), per_page).await?;
    let ids: Vec<Uuid> = rows.iter().map(|b| b.id).collect();
    let mut counts: HashMap<Uuid, DeliveryCounts> = HashMap::new();
    for (id, status, n) in messages::broadcast_counts(app.db(), &ids).await? {
        counts
            .entry(id)
            .or_default()
            .add(&status, u64::try_from(n).unwrap_or(0));
    }
    let admins = names(app, rows.iter().filter_map(|b| b.admin_id)).await?;
    let items = rows
        .into_iter()
        .map(|b| {
            let c = counts.get(&b.id).copied().unwrap_or_default();
            summary(b, c, &admins)
        })
        .collect();
    Ok(Page::new(items, page, total))
}

/// One broadcast with every recipient's state and error.
pub async fn detail(app: &App, id: &str) -> AppResult<BroadcastDetail> {
    let not_found = || AppError::rejected(ErrorCode::NotFound, "Siaran tidak ditemukan.");
    let id = Uuid::parse_str(id.trim()).map_err(|_| not_found())?;
    let b = broadcasts::find(app.db(), id)
        .await?
        .ok_or_else(not_found)?;
    let log = messages::for_broadcast(app.db(), id).await?;
    let mut counts = DeliveryCounts::default();
    for m in &log {
        counts.add(&m.status, 1);
    }
    let people = names(app, log.iter().filter_map(|m| m.user_id).chain(b.admin_id)).await?;
    let items = log
        .into_iter()
        .map(|m| BroadcastRecipient {
            user_id: m.user_id.map(|u| u.to_string()),
            full_name: m.user_id.and_then(|u| people.get(&u).cloned()),
            phone_number: saring_domain::Phone::parse(&m.target)
                .map(|p| p.local())
                .unwrap_or(m.target),
            status: m.status,
            attempts: m.attempts,
            error: m.error,
            updated_at: m.updated_at,
        })
        .collect();
    Ok(BroadcastDetail {
        summary: summary(b, counts, &people),
        items,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn filters_need_a_criterion_and_name_bad_fields() {
        let empty = select(&BroadcastFilter::default()).unwrap_err();
        assert_eq!(empty.to_body().code, ErrorCode::FilterEmpty);
        let lists_of_nothing = BroadcastFilter {
            status: Some(vec![" ".into()]),
            role: Some(vec![]),
            ..Default::default()
        };
        assert_eq!(
            select(&lists_of_nothing).unwrap_err().to_body().code,
            ErrorCode::FilterEmpty
        );
        let all = BroadcastFilter {
            all: true,
            ..Default::default()
        };
        assert!(select(&all).is_ok());
        for (bad, field) in [
            (
                BroadcastFilter {
                    status: Some(vec!["happy".into()]),
                    ..Default::default()
                },
                "filter.status",
            ),
            (
                BroadcastFilter {
                    role: Some(vec!["ADMIN".into()]),
                    ..Default::default()
                },
                "filter.role",
            ),
            (
                BroadcastFilter {
                    all: true,
                    has_debt: Some(true),
                    ..Default::default()
                },
                "filter.all",
            ),
        ] {
            let body = select(&bad).unwrap_err().to_body();
            assert_eq!(body.details.unwrap()[0]["loc"][0], field);
        }
    }

    #[test]
    fn phones_are_masked() {
        assert_eq!(mask("081234567890"), "0812****7890");
        assert_eq!(mask("0812345"), "*******");
    }
}
