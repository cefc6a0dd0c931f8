//! Types on the wire, shared by the API and the SPA: the list envelope and the error
//! envelope with its stable codes.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::access::PageStatus;

/// Every list the API returns: `{items, total, page, per_page}`. A paged list
/// ([`Page::new`]) answers the page asked for; an unpaged one ([`Page::all`]) is page 1 with
/// `per_page` = `total`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Items in the whole list, on every page.
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

/// Where a [`Page`] stands in its list (for a pager).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageMeta {
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

impl PageMeta {
    pub fn total_pages(&self) -> u64 {
        if self.per_page == 0 {
            0
        } else {
            self.total.div_ceil(self.per_page)
        }
    }
}

/// `?page=&per_page=`: [`PageRequest::parse`] checks them as clients send them (the API's
/// paging extractor); [`PageRequest::clamped`] keeps any value safe for a query.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRequest {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// A `page` or `per_page` out of range or not a whole number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageParamError {
    /// `page` or `per_page`.
    pub field: &'static str,
    /// Indonesian, for the client.
    pub message: String,
}

impl PageRequest {
    pub const DEFAULT_PER_PAGE: u64 = 20;
    pub const MAX_PER_PAGE: u64 = 100;
    /// No list is that long; anything beyond is a mistake or a probe.
    pub const MAX_PAGE: u64 = 100_000;

    /// Parses the query parameters as sent: absent or empty means the default; otherwise
    /// `page` must be a whole number 1..=[`Self::MAX_PAGE`] and `per_page` 1..=100.
    pub fn parse(page: Option<&str>, per_page: Option<&str>) -> Result<Self, PageParamError> {
        fn one(
            field: &'static str,
            raw: Option<&str>,
            max: u64,
        ) -> Result<Option<u64>, PageParamError> {
            let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
                return Ok(None);
            };
            match raw.parse::<u64>() {
                Ok(n) if (1..=max).contains(&n) => Ok(Some(n)),
                _ => Err(PageParamError {
                    field,
                    message: format!("{field} harus bilangan bulat 1 sampai {max}."),
                }),
            }
        }
        Ok(PageRequest {
            page: one("page", page, Self::MAX_PAGE)?,
            per_page: one("per_page", per_page, Self::MAX_PER_PAGE)?,
        })
    }

    /// 1 ≤ page ≤ 100 000, 1 ≤ per_page ≤ 100 (default 20).
    pub fn clamped(self) -> (u64, u64) {
        let page = self.page.unwrap_or(1).clamp(1, Self::MAX_PAGE);
        let per_page = self
            .per_page
            .unwrap_or(Self::DEFAULT_PER_PAGE)
            .clamp(1, Self::MAX_PER_PAGE);
        (page, per_page)
    }

    /// Rows to skip for this page.
    pub fn offset(self) -> u64 {
        let (page, per_page) = self.clamped();
        (page - 1).saturating_mul(per_page)
    }
}

impl<T> Page<T> {
    /// One page of a paged list: `request` clamped as the query was, `total` of the whole list.
    pub fn new(items: Vec<T>, request: PageRequest, total: u64) -> Self {
        let (page, per_page) = request.clamped();
        Page {
            items,
            total,
            page,
            per_page,
        }
    }

    /// A whole, unpaged list: page 1, `per_page` = `total`.
    pub fn all(items: Vec<T>) -> Self {
        let total = u64::try_from(items.len()).unwrap_or(u64::MAX);
        Page {
            items,
            total,
            page: 1,
            per_page: total,
        }
    }

    pub fn meta(&self) -> PageMeta {
        PageMeta {
            page: self.page,
            per_page: self.per_page,
            total: self.total,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            page: self.page,
            per_page: self.per_page,
        }
    }
}

macro_rules! error_codes {
    ($($variant:ident = $code:literal, $http:literal;)+) => {
        /// Stable, snake_case error codes. The SPA translates them; integrators match on them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[non_exhaustive]
        pub enum ErrorCode {
            $($variant,)+
        }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)+];

            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code,)+ }
            }

            /// The HTTP status this code is answered with.
            pub fn http_status(self) -> u16 {
                match self { $(ErrorCode::$variant => $http,)+ }
            }
        }
    };
}

error_codes! {
    BadRequest = "bad_request", 400;
    InvalidJson = "invalid_json", 400;
    ValidationFailed = "validation_failed", 422;
    FilterEmpty = "filter_empty", 422;
    PayloadTooLarge = "payload_too_large", 413;
    UnsupportedMediaType = "unsupported_media_type", 415;
    Unauthorized = "unauthorized", 401;
    TokenExpired = "token_expired", 401;
    TokenInvalid = "token_invalid", 401;
    InvalidCredentials = "invalid_credentials", 401;
    Forbidden = "forbidden", 403;
    AdminRequired = "admin_required", 403;
    SuperAdminRequired = "super_admin_required", 403;
    OriginInvalid = "origin_invalid", 403;
    AccessDenied = "access_denied", 403;
    UserInactive = "user_inactive", 403;
    UserUnapproved = "user_unapproved", 403;
    UserBlocked = "user_blocked", 403;
    DeviceLimitReached = "device_limit_reached", 403;
    CaptiveContextInvalid = "captive_context_invalid", 403;
    DevicePresenceRequired = "device_presence_required", 403;
    NotFound = "not_found", 404;
    UserNotFound = "user_not_found", 404;
    MethodNotAllowed = "method_not_allowed", 405;
    Conflict = "conflict", 409;
    PhoneAlreadyRegistered = "phone_already_registered", 409;
    Locked = "locked", 409;
    BackupNotFound = "backup_not_found", 404;
    BackupInvalid = "backup_invalid", 422;
    BackupNewer = "backup_newer", 422;
    BackupBusy = "backup_busy", 409;
    PhoneInvalid = "phone_invalid", 422;
    OtpInvalid = "otp_invalid", 401;
    OtpExpired = "otp_expired", 401;
    DeviceNotDetected = "device_not_detected", 401;
    RateLimited = "rate_limited", 429;
    OtpCooldown = "otp_cooldown", 429;
    OtpTooManyAttempts = "otp_too_many_attempts", 429;
    Maintenance = "maintenance", 503;
    RouterUnavailable = "router_unavailable", 503;
    RouterNotReady = "router_not_ready", 503;
    PaymentUnavailable = "payment_unavailable", 503;
    ServiceUnavailable = "service_unavailable", 503;
    GatewayError = "gateway_error", 502;
    SignatureInvalid = "signature_invalid", 403;
    WebhookReplayed = "webhook_replayed", 409;
    NotificationInconsistent = "notification_inconsistent", 400;
    NotificationUnconfirmed = "notification_unconfirmed", 409;
    Internal = "internal", 500;
    PackageInactive = "package_inactive", 400;
    PackageTooSmall = "package_too_small", 400;
    PaymentMethodUnavailable = "payment_method_unavailable", 422;
    TransactionNotFound = "transaction_not_found", 404;
    TransactionNotCancellable = "transaction_not_cancellable", 409;
    AmountMismatch = "amount_mismatch", 400;
    NoDebt = "no_debt", 400;
    DebtAlreadyPaid = "debt_already_paid", 400;
    InvoiceUnavailable = "invoice_unavailable", 404;
    StatusTokenInvalid = "status_token_invalid", 403;
    LinkExpired = "link_expired", 410;
    LinkInvalid = "link_invalid", 403;
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error envelope: `{code, message, details?, request_id?}`, plus `status` and
/// `status_token` on access-policy 403s so the portal can open the right policy page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<PageStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_token: Option<String>,
}

impl ErrorBody {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ErrorBody {
            code,
            message: message.into(),
            details: None,
            request_id: None,
            status: None,
            status_token: None,
        }
    }

    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = Some(details);
        self
    }

    /// A 403 that names the policy page to show.
    pub fn access_denied(
        status: PageStatus,
        status_token: String,
        message: impl Into<String>,
    ) -> Self {
        ErrorBody {
            status: Some(status),
            status_token: Some(status_token),
            ..ErrorBody::new(ErrorCode::AccessDenied, message)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn page_shape_and_clamping() {
        let page = Page::new(
            vec![1, 2],
            PageRequest {
                page: Some(0),
                per_page: Some(1000),
            },
            250,
        );
        assert_eq!(
            serde_json::to_value(&page).unwrap(),
            json!({"items": [1, 2], "total": 250, "page": 1, "per_page": 100})
        );
        assert_eq!(page.meta().total_pages(), 3);
        let all = Page::all(vec!["a", "b", "c"]);
        assert_eq!(
            serde_json::to_value(&all).unwrap(),
            json!({"items": ["a", "b", "c"], "total": 3, "page": 1, "per_page": 3})
        );
        assert_eq!(all.meta().total_pages(), 1);
        assert_eq!(Page::<u8>::all(Vec::new()).meta().total_pages(), 0);
        assert_eq!(
            PageRequest {
                page: Some(3),
                per_page: None
            }
            .offset(),
            40
        );
        assert_eq!(PageRequest::default().clamped(), (1, 20));
        assert_eq!(
            PageRequest {
                page: Some(u64::MAX),
                per_page: Some(100)
            }
            .offset(),
            (PageRequest::MAX_PAGE - 1) * 100
        );
    }

    #[test]
    fn page_parameters_are_parsed_strictly() {
        assert_eq!(
            PageRequest::parse(None, Some("")),
            Ok(PageRequest::default())
        );
        assert_eq!(
            PageRequest::parse(Some("2"), Some("5")),
            Ok(PageRequest {
                page: Some(2),
                per_page: Some(5)
            })
        );
        assert_eq!(
            PageRequest::parse(Some("100000"), Some("100")).map(PageRequest::clamped),
            Ok((100_000, 100))
        );
        for bad in [
            "0",
            "-1",
            "abc",
            "1.5",
            "9223372036854775807",
            "18446744073709551616",
            "100001",
        ] {
            assert_eq!(
                PageRequest::parse(Some(bad), None).unwrap_err().field,
                "page",
                "{bad}"
            );
        }
        for bad in ["0", "101", "1000000", "x"] {
            assert_eq!(
                PageRequest::parse(None, Some(bad)).unwrap_err().field,
                "per_page",
                "{bad}"
            );
        }
    }

    #[test]
    fn error_envelope_shape() {
        let e = ErrorBody::new(ErrorCode::OtpInvalid, "Kode OTP salah.");
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            json!({"code": "otp_invalid", "message": "Kode OTP salah."})
        );
        let denied = ErrorBody::access_denied(PageStatus::Habis, "tok".into(), "Kuota habis.");
        assert_eq!(
            serde_json::to_value(&denied).unwrap(),
            json!({"code": "access_denied", "message": "Kuota habis.", "status": "habis", "status_token": "tok"})
        );
        let back: ErrorBody = serde_json::from_value(
            json!({"code": "rate_limited", "message": "x", "details": {"retry_after": 5}}),
        )
        .unwrap();
        assert_eq!(back.code, ErrorCode::RateLimited);
    }

    #[test]
    fn codes_are_unique_snake_case_with_error_statuses() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()), "duplicate {code}");
            assert!(
                code.as_str()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_')
            );
            assert_eq!(serde_json::to_value(code).unwrap(), json!(code.as_str()));
            assert!((400..600).contains(&code.http_status()));
        }
    }
}
