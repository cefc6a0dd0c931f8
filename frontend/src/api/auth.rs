//! `/api/auth/*`, `/api/settings/public`, `/api/health`.

use saring_domain::dto::MessageResponse;
use saring_domain::dto::auth::{
    AdminLoginRequest, ChangePasswordRequest, DeviceContextRequest, LoginResponse,
    ProfileUpdateRequest, PublicSettings, RegisterRequest, RegisterResponse, RequestOtpRequest,
    SessionConsumeRequest, StatusTokenVerifyRequest, StatusTokenVerifyResponse, UserMe,
    VerifyOtpRequest,
};
use saring_domain::dto::health::Health;

use super::{ApiError, get, post, put};

pub async fn register(body: &RegisterRequest) -> Result<RegisterResponse, ApiError> {
    post("/api/auth/register", body).await
}

pub async fn request_otp(phone_number: &str) -> Result<MessageResponse, ApiError> {
    let body = RequestOtpRequest {
        phone_number: phone_number.to_owned(),
    };
    post("/api/auth/request-otp", &body).await
}

pub async fn verify_otp(body: &VerifyOtpRequest) -> Result<LoginResponse, ApiError> {
    post("/api/auth/verify-otp", body).await
}

pub async fn auto_login(body: &DeviceContextRequest) -> Result<LoginResponse, ApiError> {
    post("/api/auth/auto-login", body).await
}

pub async fn consume_session(token: &str) -> Result<LoginResponse, ApiError> {
    post(
        "/api/auth/session/consume",
        &SessionConsumeRequest {
            token: token.to_owned(),
        },
    )
    .await
}

pub async fn verify_status_token(status: &str, token: &str) -> Result<bool, ApiError> {
    let body = StatusTokenVerifyRequest {
        status: status.to_owned(),
        token: token.to_owned(),
    };
    post::<_, StatusTokenVerifyResponse>("/api/auth/status-token/verify", &body)
        .await
        .map(|r| r.valid)
}

pub async fn me() -> Result<UserMe, ApiError> {
    get("/api/auth/me").await
}

pub async fn update_profile(body: &ProfileUpdateRequest) -> Result<serde_json::Value, ApiError> {
    put("/api/auth/me/profile", body).await
}

pub async fn logout() -> Result<serde_json::Value, ApiError> {
    post("/api/auth/logout", &serde_json::json!({})).await
}

pub async fn reset_login() -> Result<serde_json::Value, ApiError> {
    post("/api/auth/reset-login", &serde_json::json!({})).await
}

pub async fn change_password(body: &ChangePasswordRequest) -> Result<serde_json::Value, ApiError> {
    post("/api/auth/me/change-password", body).await
}

pub async fn admin_login(body: &AdminLoginRequest) -> Result<LoginResponse, ApiError> {
    post("/api/auth/admin/login", body).await
}

pub async fn public_settings() -> Result<PublicSettings, ApiError> {
    get("/api/settings/public").await
}

pub async fn health() -> Result<Health, ApiError> {
    get("/api/health").await
}
