//! Promo events: registration bonuses (granted on approval, see `registration`) and portal
//! announcements. Lifecycle: DRAFT → ACTIVE or SCHEDULED → EXPIRED, and ARCHIVED from any
//! state; SCHEDULED becomes ACTIVE at its start and ACTIVE/SCHEDULED become EXPIRED after
//! their end (applied whenever promos are read).

use saring_domain::api::ErrorCode;
use saring_domain::dto::payments::{PromoDto, PromoStatus, PromoType, PromoUpsert};
use saring_domain::user::User;
use saring_store::entities::enums::{PromoEventStatus, PromoEventType};
use saring_store::repo::activity;
use saring_store::repo::promos::{self, Promo, PromoFields};
use uuid::Uuid;

use crate::context::App;
use crate::error::{AppError, AppResult};

fn status_in(s: PromoStatus) -> PromoEventStatus {
    match s {
        PromoStatus::Draft => PromoEventStatus::Draft,
        PromoStatus::Active => PromoEventStatus::Active,
        PromoStatus::Scheduled => PromoEventStatus::Scheduled,
        PromoStatus::Expired => PromoEventStatus::Expired,
        PromoStatus::Archived => PromoEventStatus::Archived,
    }
}

fn status_out(s: PromoEventStatus) -> PromoStatus {
    match s {
        PromoEventStatus::Draft => PromoStatus::Draft,
        PromoEventStatus::Active => PromoStatus::Active,
        PromoEventStatus::Scheduled => PromoStatus::Scheduled,
        PromoEventStatus::Expired => PromoStatus::Expired,
        PromoEventStatus::Archived => PromoStatus::Archived,
    }
}

fn type_in(t: PromoType) -> PromoEventType {
    match t {
        PromoType::BonusRegistration => PromoEventType::BonusRegistration,
        PromoType::GeneralAnnouncement => PromoEventType::GeneralAnnouncement,
    }
}

fn type_out(t: PromoEventType) -> PromoType {
    match t {
        PromoEventType::BonusRegistration => PromoType::BonusRegistration,
        PromoEventType::GeneralAnnouncement => PromoType::GeneralAnnouncement,
    }
}

fn to_dto(p: Promo) -> PromoDto {
    PromoDto {
        id: p.id.to_string(),
        name: p.name,
        description: p.description,
        event_type: type_out(p.event_type),
        status: status_out(p.status),
        start_date: p.start_date,
        end_date: p.end_date,
        bonus_value_mb: p.bonus_value_mb,
        bonus_duration_days: p.bonus_duration_days,
        created_by_id: p.created_by_id.map(|u| u.to_string()),
        created_at: p.created_at,
    }
}

/// Whether a promo may move from `from` to `to`.
pub fn may_move(from: PromoStatus, to: PromoStatus) -> bool {
    use PromoStatus as S;
    from == to
        || matches!(
            (from, to),
            (S::Draft, S::Active | S::Scheduled)
                | (S::Scheduled, S::Active | S::Draft | S::Expired)
                | (S::Active, S::Expired)
                | (
                    S::Draft | S::Scheduled | S::Active | S::Expired,
                    S::Archived
                )
        )
}

fn not_found() -> AppError {
    AppError::rejected(ErrorCode::NotFound, "Promo tidak ditemukan.")
}

fn parse_id(raw: &str) -> AppResult<Uuid> {
    Uuid::parse_str(raw.trim()).map_err(|_| not_found())
}

/// `GET /api/public/promos/active`
pub async fn active(app: &App) -> AppResult<Vec<PromoDto>> {
    promos::advance_lifecycle(app.db(), app.now()).await?;
    Ok(promos::running(app.db(), app.now())
        .await?
        .into_iter()
        .map(to_dto)
        .collect())
}

pub async fn list(app: &App) -> AppResult<Vec<PromoDto>> {
    promos::advance_lifecycle(app.db(), app.now()).await?;
    Ok(promos::list(app.db())
        .await?
        .into_iter()
        .map(to_dto)
        .collect())
}

pub async fn get(app: &App, id: &str) -> AppResult<PromoDto> {
    promos::find(app.db(), parse_id(id)?)
        .await?
        .map(to_dto)
        .ok_or_else(not_found)
}

fn merge(app: &App, base: Option<&Promo>, req: &PromoUpsert) -> AppResult<PromoFields> {
    let name = req
        .name
        .clone()
        .or_else(|| base.map(|b| b.name.clone()))
        .unwrap_or_default();
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 150 {
        return Err(AppError::invalid(
            "name",
            "Nama promo wajib diisi (maksimal 150 karakter).",
        ));
    }
    let event_type = req
        .event_type
        .map(type_in)
        .or(base.map(|b| b.event_type))
        .unwrap_or(PromoEventType::GeneralAnnouncement);
    let status = req
        .status
        .or(base.map(|b| status_out(b.status)))
        .unwrap_or(PromoStatus::Draft);
    if base.is_none()
        && !matches!(
            status,
            PromoStatus::Draft | PromoStatus::Active | PromoStatus::Scheduled
        )
    {
        return Err(AppError::invalid(
            "status",
            "Promo baru berstatus DRAFT, ACTIVE atau SCHEDULED.",
        ));
    }
    if let Some(b) = base
        && !may_move(status_out(b.status), status)
    {
        return Err(AppError::rejected(
            ErrorCode::Conflict,
            format!(
                "Status promo tidak dapat diubah dari {:?} ke {:?}.",
                status_out(b.status),
                status
            ),
        ));
    }
    let start_date = req
        .start_date
        .or(base.map(|b| b.start_date))
        .unwrap_or_else(|| app.now());
    let end_date = if req.end_date.is_some() {
        req.end_date
    } else {
        base.and_then(|b| b.end_date)
    };
    if end_date.is_some_and(|e| e <= start_date) {
        return Err(AppError::invalid(
            "end_date",
            "Tanggal selesai harus setelah tanggal mulai.",
        ));
    }
    let bonus_value_mb = req.bonus_value_mb.or(base.and_then(|b| b.bonus_value_mb));
    let bonus_duration_days = req
        .bonus_duration_days
        .or(base.and_then(|b| b.bonus_duration_days));
    if bonus_value_mb.is_some_and(|v| !(0..=10_240_000).contains(&v)) {
        return Err(AppError::invalid(
            "bonus_value_mb",
            "Bonus kuota 0 sampai 10.240.000 MB.",
        ));
    }
    if bonus_duration_days.is_some_and(|v| !(0..=3650).contains(&v)) {
        return Err(AppError::invalid(
            "bonus_duration_days",
            "Bonus masa aktif 0 sampai 3650 hari.",
        ));
    }
    if status == PromoStatus::Scheduled && start_date <= app.now() {
        return Err(AppError::invalid(
            "start_date",
            "Promo terjadwal harus mulai di masa depan.",
        ));
    }
    Ok(PromoFields {
        name: name.to_owned(),
        description: req
            .description
            .clone()
            .or_else(|| base.and_then(|b| b.description.clone())),
        event_type,
        status: status_in(status),
        start_date,
        end_date,
        bonus_value_mb,
        bonus_duration_days,
    })
}

/// Creates (`id: None`) or updates a promo (SUPER_ADMIN).
pub async fn save(
    app: &App,
    admin: &User,
    id: Option<&str>,
    req: &PromoUpsert,
) -> AppResult<PromoDto> {
    let id = id.map(parse_id).transpose()?;
    let base = match id {
        Some(id) => Some(promos::find(app.db(), id).await?.ok_or_else(not_found)?),
        None => None,
    };
    let fields = merge(app, base.as_ref(), req)?;
    let saved = promos::save(app.db(), id, &fields, Some(admin.id.0)).await?;
    activity::log_action(
        app.db(),
        Some(admin.id),
        None,
        "ADMIN_API_MUTATION",
        serde_json::json!({"resource": "promo", "action": if id.is_some() { "update" } else { "create" }, "id": saved.id, "name": saved.name}),
    )
    .await?;
    Ok(to_dto(saved))
}

pub async fn delete(app: &App, admin: &User, id: &str) -> AppResult<()> {
    let id = parse_id(id)?;
    if !promos::delete(app.db(), id).await? {
        return Err(not_found());
    }
    activity::log_action(
        app.db(),
        Some(admin.id),
        None,
        "ADMIN_API_MUTATION",
        serde_json::json!({"resource": "promo", "action": "delete", "id": id}),
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use PromoStatus as S;

    #[test]
    fn lifecycle() {
        assert!(may_move(S::Draft, S::Active));
        assert!(may_move(S::Draft, S::Scheduled));
        assert!(may_move(S::Scheduled, S::Active));
        assert!(may_move(S::Active, S::Expired));
        assert!(may_move(S::Expired, S::Archived));
        assert!(!may_move(S::Archived, S::Active));
        assert!(!may_move(S::Expired, S::Active));
        assert!(!may_move(S::Active, S::Draft));
    }
}
