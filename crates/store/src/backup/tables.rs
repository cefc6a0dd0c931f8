//! Which tables a backup holds, and the entity of each.

use saring_migration::TABLES;

/// Sessions are not backed up: a restore signs everybody out rather than bringing back refresh
/// tokens that were revoked since the backup was made.
pub const NOT_BACKED_UP: &[&str] = &["refresh_tokens"];

/// The tables a backup holds, parents before children (the migrations' creation order).
pub fn backed_up() -> impl Iterator<Item = &'static str> {
    TABLES
        .iter()
        .copied()
        .filter(|t| !NOT_BACKED_UP.contains(t))
}

/// Runs `$body` with `$E` the entity of table `$table`, or evaluates `$unknown` when no
/// entity backs a table of that name.
macro_rules! with_entity {
    ($table:expr, $E:ident => $body:expr, _ => $unknown:expr) => {{
        use $crate::entities as en;
        match $table {
            "routers" => {
                type $E = en::routers::Entity;
                $body
            }
            "users" => {
                type $E = en::users::Entity;
                $body
            }
            "user_devices" => {
                type $E = en::user_devices::Entity;
                $body
            }
            "refresh_tokens" => {
                type $E = en::refresh_tokens::Entity;
                $body
            }
            "user_login_history" => {
                type $E = en::user_login_history::Entity;
                $body
            }
            "application_settings" => {
                type $E = en::application_settings::Entity;
                $body
            }
            "package_profiles" => {
                type $E = en::package_profiles::Entity;
                $body
            }
            "packages" => {
                type $E = en::packages::Entity;
                $body
            }
            "user_quota_debts" => {
                type $E = en::user_quota_debts::Entity;
                $body
            }
            "transactions" => {
                type $E = en::transactions::Entity;
                $body
            }
            "transaction_events" => {
                type $E = en::transaction_events::Entity;
                $body
            }
            "daily_usage_logs" => {
                type $E = en::daily_usage_logs::Entity;
                $body
            }
            "quota_mutation_ledger" => {
                type $E = en::quota_mutation_ledger::Entity;
                $body
            }
            "quota_requests" => {
                type $E = en::quota_requests::Entity;
                $body
            }
            "promo_events" => {
                type $E = en::promo_events::Entity;
                $body
            }
            "admin_action_logs" => {
                type $E = en::admin_action_logs::Entity;
                $body
            }
            "notification_recipients" => {
                type $E = en::notification_recipients::Entity;
                $body
            }
            "outbox" => {
                type $E = en::outbox::Entity;
                $body
            }
            "job_runs" => {
                type $E = en::job_runs::Entity;
                $body
            }
            "host_counters" => {
                type $E = en::host_counters::Entity;
                $body
            }
            "router_sync_state" => {
                type $E = en::router_sync_state::Entity;
                $body
            }
            "job_run_log" => {
                type $E = en::job_run_log::Entity;
                $body
            }
            "job_dead_letters" => {
                type $E = en::job_dead_letters::Entity;
                $body
            }
            "message_log" => {
                type $E = en::message_log::Entity;
                $body
            }
            "message_templates" => {
                type $E = en::message_templates::Entity;
                $body
            }
            "device_credentials" => {
                type $E = en::device_credentials::Entity;
                $body
            }
            "debt_settlements" => {
                type $E = en::debt_settlements::Entity;
                $body
            }
            "whatsapp_broadcasts" => {
                type $E = en::whatsapp_broadcasts::Entity;
                $body
            }
            _ => $unknown,
        }
    }};
}
pub(crate) use with_entity;

#[cfg(test)]
mod tests {
    use sea_orm::EntityName;

    use super::*;

    #[test]
    fn every_table_of_the_schema_has_its_entity() {
        for table in TABLES {
            let name = with_entity!(*table, E => Some(E::default().table_name()), _ => None);
            assert_eq!(name, Some(*table), "no entity arm for {table}");
        }
    }
}
