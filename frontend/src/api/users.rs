//! `/api/users/me/*`: the signed-in user's own data.

use saring_domain::dto::auth::DeviceContextRequest;
use saring_domain::dto::users::{
    BindResult, DeviceLabelRequest, DevicesResponse, MonthlyUsageResponse, QuotaSummary,
    WeeklyUsage,
};

use super::{ApiError, encode_component, get, post, put};

pub async fn quota() -> Result<QuotaSummary, ApiError> {
    get("/api/users/me/quota").await
}

pub async fn weekly_usage() -> Result<WeeklyUsage, ApiError> {
    get("/api/users/me/weekly-usage").await
}

pub async fn monthly_usage() -> Result<MonthlyUsageResponse, ApiError> {
    get("/api/users/me/monthly-usage").await
}

pub async fn devices() -> Result<DevicesResponse, ApiError> {
    get("/api/users/me/devices").await
}

pub async fn bind_current(body: &DeviceContextRequest) -> Result<BindResult, ApiError> {
    post("/api/users/me/devices/bind-current", body).await
}

pub async fn rename_device(id: &str, label: &str) -> Result<serde_json::Value, ApiError> {
    let path = format!("/api/users/me/devices/{}/label", encode_component(id));
    put(
        &path,
        &DeviceLabelRequest {
            label: label.to_owned(),
        },
    )
    .await
}

pub async fn remove_device(id: &str) -> Result<serde_json::Value, ApiError> {
    super::delete(&format!("/api/users/me/devices/{}", encode_component(id))).await
}
