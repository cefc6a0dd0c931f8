//! Manual debts by an operator: adding one (by MB, or by package: the package is granted now
//! and owed), settling one item or everything (each settlement with a receipt number and a
//! PDF), the user's and the install's debt lists, and the debt report by WhatsApp.
//!
//! A debt block is lifted in the same transaction as the settlement that leaves nothing
//! owed. Settling is serialised per user by the user's row lock, so an item is settled once
//! however many operators click at the same moment.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use saring_domain::Locale;
use saring_domain::access::{BlockKind, Role};
use saring_domain::api::{ErrorCode, Page, PageRequest};
use saring_domain::debt::{DebtItem, DebtScope};
use saring_domain::dto::operator::{
    AddDebt, DebtItemView, DebtListQuery, DebtReportSent, DebtSettlement, DebtSummary, SettleDebt,
    UserDebts,
};
use saring_domain::ids::UserId;
use saring_domain::ledger::{BlockState, QuotaChange};
use saring_domain::money::Rupiah;
use saring_domain::quota::{Grant, apply_grant};
use saring_domain::time::last_day_of_month;
use saring_domain::units::Megabytes;
use saring_domain::user::User;
use saring_store::StoreError;
use saring_store::repo::debt_settlements::{self, Settlement};
use saring_store::repo::debts::{self, DebtFilter, NewDebt};
use saring_store::repo::{activity, packages, users};
use uuid::Uuid;

use super::{after_change, base_vars, begin, lock_target, notice, record_change};
use crate::context::App;
use crate::error::{AppError, AppResult};
use crate::payments::debt as pricing;
use crate::payments::pdf::Page as PdfPage;
use crate::tokens;

const MAX_DEBT_MB: i64 = 1_048_576;
const RECEIPT_PURPOSE: &str = "debt-receipt";
const REPORT_PURPOSE: &str = "debt-report";
/// How long a receipt or report link sent by WhatsApp stays valid.
const LINK_HOURS: i64 = 72;

fn refuse_exempt(target: &User) -> AppResult<()> {
    if target.role != Role::User {
        return Err(AppError::rejected(
            ErrorCode::Conflict,
            "Komandan dan admin tidak memiliki tunggakan.",
        ));
    }
    Ok(())
}

/// How a debt is shown: "Unlimited" for an unlimited advance, else MB/GB.
fn amount_text(item: &DebtItem, mb: i64) -> String {
    if item.is_unlimited {
        "Unlimited".into()
    } else {
        Megabytes::from_whole(mb).display(Locale::Id)
    }
}

/// Adds a manual debt.
pub async fn add(app: &App, admin: &User, id: UserId, req: &AddDebt) -> AppResult<DebtItemView> {
    let now = app.now();
    let tz = app.config().app.timezone;
    let today = tz.date(now);
    let debt_date = req.debt_date.unwrap_or(today);
    let due_date = req.due_date.unwrap_or_else(|| last_day_of_month(debt_date));
    if due_date < debt_date {
        return Err(AppError::invalid(
            "due_date",
            "Jatuh tempo tidak boleh sebelum tanggal tunggakan.",
        ));
    }
    if req
        .price_rp
        .is_some_and(|p| !(0..=100_000_000).contains(&p))
    {
        return Err(AppError::invalid(
            "price_rp",
            "Harga Rp 0 sampai Rp 100.000.000.",
        ));
    }
    let note = req
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| n.chars().take(500).collect::<String>());
    let package = match (&req.amount_mb, &req.package_id) {
        (Some(_), Some(_)) | (None, None) => {
            return Err(AppError::invalid(
                "amount_mb",
                "Isi jumlah MB atau pilih paket, salah satu.",
            ));
        }
        (Some(mb), None) if !(1..=MAX_DEBT_MB).contains(mb) => {
            return Err(AppError::invalid(
                "amount_mb",
                format!("Jumlah tunggakan 1–{MAX_DEBT_MB} MB."),
            ));
        }
        (Some(_), None) => None,
        (None, Some(pid)) => {
            let pid = Uuid::parse_str(pid.trim())
                .map_err(|_| AppError::invalid("package_id", "Paket tidak dikenal."))?;
            Some(
                packages::find(app.db(), pid)
                    .await?
                    .ok_or_else(|| AppError::invalid("package_id", "Paket tidak dikenal."))?,
            )
        }
    };
    let txn = begin(app).await?;
    let target = lock_target(&txn, admin, id).await?;
    refuse_exempt(&target)?;
    let before = target.quota_account();
    // A package debt is an advance: its quota (or unlimited access) and days now.
    let (account, amount_mb, is_unlimited, price) = match &package {
        Some(p) => {
            let days = i64::from(p.duration_days);
            let grant = Grant {
                pay_manual_debts: false,
                ..if p.is_unlimited() {
                    Grant::unlimited(days)
                } else {
                    Grant::quota(p.quota_mb, days)
                }
            };
            let outcome = apply_grant(&before, grant, &[], now, app.config().quota.expiry_strategy);
            let mb = if p.is_unlimited() { 1 } else { p.quota_mb };
            (outcome.account, mb, p.is_unlimited(), Some(p.price))
        }
        None => (
            before.clone(),
            req.amount_mb.unwrap_or(0),
            false,
            req.price_rp,
        ),
    };
    let item = debts::insert(
        &txn,
        &NewDebt {
            user_id: target.id,
            amount_mb,
            price_rp: price,
            debt_date: Some(debt_date),
            due_date: Some(due_date),
            is_unlimited,
            package_id: package.as_ref().map(|p| p.id),
            note: note.clone(),
            created_by: Some(admin.id),
        },
        now,
    )
    .await?;
    let details = serde_json::json!({
        "debt_id": item.id, "amount_mb": amount_mb, "unlimited": is_unlimited,
        "package_id": package.as_ref().map(|p| p.id), "package_name": package.as_ref().map(|p| p.name.clone()),
        "price_rp": price, "debt_date": debt_date, "due_date": due_date, "note": note,
    });
    let change = QuotaChange::quota("admin.debt_add", format!("debt-add:{}", item.id), account)
        .with_details(details);
    let updated = record_change(&txn, admin, &target, change, "ADD_DEBT", now).await?;
    txn.commit().await.map_err(StoreError::from)?;

    let mut vars = base_vars(app, &updated);
    vars.push(("amount", amount_text(&item, amount_mb)));
    vars.push((
        "price_line",
        price.map_or_else(String::new, |p| format!(" ({})", Rupiah(p))),
    ));
    vars.push(("due_date", tz.format_date(tz.start_of_day(due_date))));
    vars.push((
        "note_line",
        note.map_or_else(String::new, |n| format!("\nCatatan: {n}")),
    ));
    let n = notice(&updated, "user_debt_added", vars, None);
    after_change(app, &updated, "debt-add", Some(n)).await;
    let catalog = pricing::catalog(app.db()).await?;
    Ok(view(&item, &catalog, None))
}

fn view(
    d: &DebtItem,
    catalog: &[saring_domain::quota::PackagePrice],
    user: Option<&User>,
) -> DebtItemView {
    let estimated = (d.remaining_mb() > 0).then(|| match d.price_rp {
        Some(p) if p > 0 => Some(saring_domain::quota::manual_debt_price_due(
            Rupiah(p),
            d.amount_mb,
            d.remaining_mb(),
        )),
        _ => pricing::estimate_mb(d.remaining_mb(), catalog),
    });
    DebtItemView {
        id: d.id.to_string(),
        user_id: d.user_id.to_string(),
        user_name: user.map(|u| u.full_name.clone()),
        user_phone: user.map(|u| u.phone.local()),
        debt_date: d.debt_date,
        due_date: d.due_date,
        amount_mb: d.amount_mb,
        paid_mb: d.paid_mb,
        remaining_mb: d.remaining_mb(),
        is_unlimited: d.is_unlimited,
        is_paid: d.is_paid,
        paid_at: d.paid_at,
        price_rp: d.price_rp.map(Rupiah),
        estimated_rp: estimated.flatten(),
        last_paid_source: d.last_paid_source.clone(),
        note: d.note.clone(),
        created_at: d.created_at,
    }
}

/// One user's items (newest first) with the summary.
pub async fn for_user(app: &App, id: UserId) -> AppResult<UserDebts> {
    let user = crate::admin_users::get_user(app, id).await?;
    let items = debts::list_for_user(app.db(), user.id, false).await?;
    let catalog = pricing::catalog(app.db()).await?;
    let quote = pricing::quote_from(
        &user.quota_account(),
        items.iter().filter(|d| !d.is_paid).cloned().collect(),
        DebtScope::Total,
        &catalog,
    );
    let open = items.iter().filter(|d| d.remaining_mb() > 0).count();
    Ok(UserDebts {
        summary: DebtSummary {
            auto_debt_mb: quote.auto_mb,
            manual_debt_mb: quote.manual_mb(),
            open_items: open,
            paid_items: items.len() - open,
            total_items: items.len(),
            estimated_total_rp: (quote.total_mb() > 0).then(|| quote.total_rp()),
        },
        items: items.iter().map(|d| view(d, &catalog, None)).collect(),
    })
}

/// Every user's items, newest first.
pub async fn list_all(
    app: &App,
    q: &DebtListQuery,
    page: PageRequest,
) -> AppResult<Page<DebtItemView>> {
    let today = app.config().app.timezone.date(app.now());
    let filter = match q.status.as_deref().map(str::trim).unwrap_or("open") {
        "" | "open" => DebtFilter::Open,
        "paid" => DebtFilter::Paid,
        "overdue" => DebtFilter::Overdue(today),
        "all" => DebtFilter::All,
        _ => {
            return Err(AppError::invalid(
                "status",
                "Status: open, paid, overdue atau all.",
            ));
        }
    };
    let who = match q.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(search) => {
            let filter = users::UserFilter {
                search: Some(search.to_owned()),
                ..Default::default()
            };
            let (found, _) = users::list(app.db(), &filter, 0, 1000).await?;
            Some(found.into_iter().map(|u| u.id).collect::<Vec<_>>())
        }
        None => None,
    };
    let (_, per_page) = page.clamped();
    let (rows, total) =
        debts::page(app.db(), filter, who.as_deref(), page.offset(), per_page).await?;
    let catalog = pricing::catalog(app.db()).await?;
    let mut out = Vec::with_capacity(rows.len());
    for d in &rows {
        let owner = users::find_by_id(app.db(), d.user_id).await?;
        out.push(view(d, &catalog, owner.as_ref()));
    }
    Ok(Page::new(out, page, total))
}

fn receipt_number(now: DateTime<Utc>) -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    let tail: String = (0..6)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect();
    format!("LNS-{}-{tail}", now.format("%Y%m%d"))
}

/// A signed temporary link to a settlement's receipt.
pub fn receipt_link(app: &App, receipt: &str) -> String {
    let token = tokens::sign(app, RECEIPT_PURPOSE, receipt, Duration::hours(LINK_HOURS));
    format!(
        "{}/api/users/debt-settlements/temp/{token}.pdf",
        app.config().public_base_url(app.mode())
    )
}

/// Settles one item (`Some`) or every debt the user owes (`None`).
pub async fn settle(
    app: &App,
    admin: &User,
    id: UserId,
    item: Option<Uuid>,
    req: &SettleDebt,
) -> AppResult<DebtSettlement> {
    if req
        .amount_rp
        .is_some_and(|a| !(0..=100_000_000).contains(&a))
    {
        return Err(AppError::invalid(
            "amount_rp",
            "Jumlah Rp 0 sampai Rp 100.000.000.",
        ));
    }
    let now = app.now();
    let txn = begin(app).await?;
    let target = lock_target(&txn, admin, id).await?;
    let open = debts::open_for_user(&txn, target.id).await?;
    let manual_before: i64 = open.iter().map(DebtItem::remaining_mb).sum();
    let mut account = target.quota_account();
    let auto_before = account.auto_debt().ceil_mb();
    let (to_pay, paid_auto) = match item {
        Some(debt_id) => {
            let Some(d) = debts::find_for_user(&txn, target.id, debt_id).await? else {
                return Err(AppError::rejected(
                    ErrorCode::NotFound,
                    "Tunggakan tidak ditemukan.",
                ));
            };
            if d.remaining_mb() == 0 {
                return Err(AppError::rejected(
                    ErrorCode::DebtAlreadyPaid,
                    "Tunggakan ini sudah lunas.",
                ));
            }
            (vec![d], 0)
        }
        None => {
            if manual_before == 0 && auto_before == 0 {
                return Err(AppError::rejected(
                    ErrorCode::NoDebt,
                    "Pengguna ini tidak punya tunggakan.",
                ));
            }
            (open.clone(), auto_before)
        }
    };
    account.auto_debt_offset_mb = account.auto_debt_offset_mb.saturating_add(paid_auto);
    let paid_manual: i64 = to_pay.iter().map(DebtItem::remaining_mb).sum();
    let manual_left = manual_before - paid_manual;
    let auto_left = account.auto_debt().ceil_mb();
    let debt_block =
        target.is_blocked && BlockKind::of_reason(target.blocked_reason.as_deref()).is_debt();
    let unblocked = debt_block && manual_left == 0 && auto_left == 0;
    let receipt = receipt_number(now);
    let note = req
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| n.chars().take(500).collect::<String>());
    let details = serde_json::json!({
        "receipt_number": receipt, "debt_id": item, "paid_auto_mb": paid_auto,
        "paid_manual_mb": paid_manual, "amount_rp": req.amount_rp, "note": note,
    });
    let mut change = QuotaChange::quota("admin.debt_settle", format!("settle:{receipt}"), account)
        .by(Some(admin.id))
        .with_details(details.clone());
    if unblocked {
        change = change.and_block(BlockState::unblocked());
    }
    crate::ledger::apply(&txn, &target, &change, Default::default(), now)
        .await?
        .ok_or_else(|| AppError::Internal("a new receipt number was taken".into()))?;
    for d in &to_pay {
        debts::record_payment(&txn, d.id, d.remaining_mb(), "admin_settle", now).await?;
    }
    debts::refresh_cached_total(&txn, target.id, now).await?;
    let settlement = debt_settlements::insert(
        &txn,
        &Settlement {
            id: Uuid::nil(),
            receipt_number: receipt.clone(),
            user_id: target.id,
            admin_id: Some(admin.id),
            debt_id: item,
            paid_auto_mb: paid_auto,
            paid_manual_mb: paid_manual,
            debt_auto_before_mb: auto_before,
            debt_manual_before_mb: manual_before,
            amount_rp: req.amount_rp,
            unblocked,
            note,
            created_at: now,
        },
    )
    .await?;
    activity::log_action(
        &txn,
        Some(admin.id),
        Some(target.id),
        if item.is_some() {
            "SETTLE_DEBT"
        } else {
            "SETTLE_ALL_DEBTS"
        },
        details,
    )
    .await?;
    txn.commit().await.map_err(StoreError::from)?;
    let updated = crate::admin_users::get_user(app, target.id).await?;
    let url = receipt_link(app, &settlement.receipt_number);
    let mut vars = base_vars(app, &updated);
    vars.push((
        "paid",
        Megabytes::from_whole(paid_auto + paid_manual).display(Locale::Id),
    ));
    vars.push(("receipt_number", settlement.receipt_number.clone()));
    vars.push((
        "remaining_line",
        if manual_left + auto_left > 0 {
            format!(
                "\nSisa tunggakan: {}.",
                Megabytes::from_whole(manual_left + auto_left).display(Locale::Id)
            )
        } else {
            String::new()
        },
    ));
    let template = if unblocked {
        "user_debt_cleared_unblock"
    } else {
        "user_debt_cleared"
    };
    let n = notice(&updated, template, vars, Some(format!("settle:{receipt}")));
    after_change(app, &updated, "debt-settle", Some(n)).await;
    Ok(DebtSettlement {
        receipt_number: settlement.receipt_number,
        paid_auto_mb: paid_auto,
        paid_manual_mb: paid_manual,
        debt_auto_before_mb: auto_before,
        debt_manual_before_mb: manual_before,
        unblocked,
        receipt_url: url,
    })
}

/// The receipt of a settlement as a PDF.
pub async fn receipt_pdf(app: &App, receipt: &str) -> AppResult<Vec<u8>> {
    let s = debt_settlements::find_by_receipt(app.db(), receipt)
        .await?
        .ok_or_else(|| AppError::rejected(ErrorCode::NotFound, "Kuitansi tidak ditemukan."))?;
    let user = users::find_by_id(app.db(), s.user_id).await?;
    let admin = match s.admin_id {
        Some(a) => users::find_by_id(app.db(), a).await?,
        None => None,
    };
    let tz = app.config().app.timezone;
    let mut page = PdfPage::new();
    page.line(&app.config().app.name, 14.0, true);
    page.gap(12.0);
    page.heading("Kuitansi pelunasan tunggakan", &s.receipt_number);
    page.stamp("LUNAS", (0.09, 0.5, 0.22));
    page.gap(18.0);
    if let Some(u) = &user {
        page.line(&u.full_name, 11.0, true);
        page.line(&u.phone.local(), 10.0, false);
    }
    page.gap(6.0);
    page.rule();
    page.row("Nomor kuitansi", &s.receipt_number, true);
    page.row("Tanggal", &tz.format_datetime(s.created_at), false);
    let mb = |v: i64| Megabytes::from_whole(v).display(Locale::Id);
    page.row(
        "Tunggakan otomatis sebelum",
        &mb(s.debt_auto_before_mb),
        false,
    );
    page.row(
        "Tunggakan manual sebelum",
        &mb(s.debt_manual_before_mb),
        false,
    );
    page.row("Dilunasi (otomatis)", &mb(s.paid_auto_mb), false);
    page.row("Dilunasi (manual)", &mb(s.paid_manual_mb), false);
    if let Some(rp) = s.amount_rp {
        page.row("Diterima", &Rupiah(rp).to_string(), true);
    }
    if s.unblocked {
        page.row("Akses", "Dibuka kembali", false);
    }
    if let Some(a) = &admin {
        page.row("Petugas", &a.full_name, false);
    }
    if let Some(n) = &s.note {
        page.row("Catatan", n, false);
    }
    page.rule();
    page.footer(&format!(
        "Dokumen ini dibuat otomatis oleh {} dan sah tanpa tanda tangan.",
        app.config().app.name
    ));
    Ok(page.into_pdf(&format!("Kuitansi {}", s.receipt_number)))
}

/// The receipt a temporary link opens.
pub async fn receipt_by_token(app: &App, token: &str) -> AppResult<Vec<u8>> {
    let token = token.trim_end_matches(".pdf");
    let receipt = tokens::verify_signed(app, RECEIPT_PURPOSE, token).ok_or_else(|| {
        AppError::rejected(
            ErrorCode::NotFound,
            "Tautan kuitansi tidak valid atau sudah kedaluwarsa.",
        )
    })?;
    receipt_pdf(app, &receipt).await
}

/// A user's debt report as a PDF: totals and every open item.
pub async fn report_pdf(app: &App, id: UserId) -> AppResult<Vec<u8>> {
    let user = crate::admin_users::get_user(app, id).await?;
    let list = for_user(app, id).await?;
    let tz = app.config().app.timezone;
    let mut page = PdfPage::new();
    page.line(&app.config().app.name, 14.0, true);
    page.gap(12.0);
    page.heading("Laporan tunggakan", &tz.format_date(app.now()));
    page.gap(12.0);
    page.line(&user.full_name, 11.0, true);
    page.line(&user.phone.local(), 10.0, false);
    page.gap(6.0);
    page.rule();
    let mb = |v: i64| Megabytes::from_whole(v).display(Locale::Id);
    page.row("Tunggakan otomatis", &mb(list.summary.auto_debt_mb), false);
    page.row("Tunggakan manual", &mb(list.summary.manual_debt_mb), false);
    if let Some(rp) = list.summary.estimated_total_rp {
        page.total("Perkiraan total", &rp.to_string());
    }
    page.rule();
    let open: Vec<&DebtItemView> = list.items.iter().filter(|d| d.remaining_mb > 0).collect();
    for d in open.iter().take(25) {
        let date = |x: Option<NaiveDate>| {
            x.map_or_else(|| "-".into(), |d| tz.format_date(tz.start_of_day(d)))
        };
        let amount = if d.is_unlimited {
            "Unlimited".to_owned()
        } else {
            mb(d.remaining_mb)
        };
        page.row(
            &format!("{} (jatuh tempo {})", date(d.debt_date), date(d.due_date)),
            &format!(
                "{amount}{}",
                d.estimated_rp
                    .map_or_else(String::new, |r| format!(" · {r}"))
            ),
            false,
        );
    }
    if open.len() > 25 {
        page.line(
            &format!("… dan {} tunggakan lain", open.len() - 25),
            9.0,
            false,
        );
    }
    page.footer(&format!(
        "Dokumen ini dibuat otomatis oleh {}.",
        app.config().app.name
    ));
    Ok(page.into_pdf(&format!("Laporan tunggakan {}", user.phone.local())))
}

/// A signed temporary link to a user's debt report.
pub fn report_link(app: &App, id: UserId) -> String {
    let token = tokens::sign(
        app,
        REPORT_PURPOSE,
        &id.to_string(),
        Duration::hours(LINK_HOURS),
    );
    format!(
        "{}/api/users/debts/temp/{token}.pdf",
        app.config().public_base_url(app.mode())
    )
}

/// The report a temporary link opens.
pub async fn report_by_token(app: &App, token: &str) -> AppResult<Vec<u8>> {
    let token = token.trim_end_matches(".pdf");
    let id = tokens::verify_signed(app, REPORT_PURPOSE, token)
        .and_then(|s| UserId::parse(&s))
        .ok_or_else(|| {
            AppError::rejected(
                ErrorCode::NotFound,
                "Tautan laporan tidak valid atau sudah kedaluwarsa.",
            )
        })?;
    report_pdf(app, id).await
}

/// Sends the user their debt report by WhatsApp (a signed PDF link).
pub async fn send_report(app: &App, admin: &User, id: UserId) -> AppResult<DebtReportSent> {
    let user = crate::admin_users::get_user(app, id).await?;
    crate::admin_users::check_may_manage(admin, &user)?;
    let list = for_user(app, id).await?;
    let total = list.summary.auto_debt_mb + list.summary.manual_debt_mb;
    if total == 0 {
        return Err(AppError::rejected(
            ErrorCode::NoDebt,
            "Pengguna ini tidak punya tunggakan.",
        ));
    }
    let url = report_link(app, id);
    let mut vars = base_vars(app, &user);
    vars.push(("total", Megabytes::from_whole(total).display(Locale::Id)));
    vars.push((
        "estimated",
        list.summary
            .estimated_total_rp
            .map_or_else(|| "-".into(), |r| r.to_string()),
    ));
    vars.push(("valid_hours", LINK_HOURS.to_string()));
    vars.push(("report_url", url.clone()));
    let queued = crate::jobs::messaging::queue_logged(
        app,
        notice(&user, "user_debt_report_with_pdf", vars, None),
    )
    .await;
    activity::log_action(
        app.db(),
        Some(admin.id),
        Some(user.id),
        "SEND_DEBT_REPORT",
        serde_json::json!({ "whatsapp_queued": queued }),
    )
    .await?;
    Ok(DebtReportSent {
        whatsapp_queued: queued,
        report_url: url,
    })
}
