//! Backups through the API: a super admin makes, downloads, uploads and restores them; a
//! restore brings back exactly the data of the backup (after a safety backup of what it
//! replaced); bad files, bad names and other roles are refused and change nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{Read, Write};

use common::{Spawned, body, code, spawn_with, spawn_with_router};
use reqwest::Method;
use serde_json::{Value, json};

const BACKUPS: &str = "/api/admin/backups";

async fn names(s: &Spawned, sa: &reqwest::Client) -> Vec<String> {
    let (st, list) = s.get(sa, BACKUPS).await;
    assert_eq!(st, 200, "{list}");
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn user_phones(s: &Spawned, sa: &reqwest::Client) -> Vec<String> {
    let (_, list) = s.get(sa, "/api/admin/users?per_page=100").await;
    let mut phones: Vec<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["phone_number"].as_str().unwrap().to_owned())
        .collect();
    phones.sort();
    phones
}

async fn upload(s: &Spawned, sa: &reqwest::Client, bytes: Vec<u8>) -> (reqwest::StatusCode, Value) {
    body(
        sa.post(s.url(&format!("{BACKUPS}/upload")))
            .header("Content-Type", "application/gzip")
            .body(bytes)
            .send()
            .await
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn a_super_admin_backs_up_and_restores_exactly_that_data() {
    let s = spawn_with_router(1).await;
    let sa = s.admin_client(true).await;
    s.approved_user(&sa, "081255600001").await;
    let (st, created) = s.post(&sa, BACKUPS, json!({})).await;
    assert_eq!(st, 201, "{created}");
    let name = created["file"]["name"].as_str().unwrap().to_owned();
    assert_eq!(created["file"]["kind"], "manual");
    assert!(created["rows"].as_u64().unwrap() > 0);
    let before = user_phones(&s, &sa).await;

    // Changes after the backup…
    s.approved_user(&sa, "081255600002").await;
    assert_ne!(user_phones(&s, &sa).await, before);

    // …are kept unless the restore is confirmed.
    let (st, b) = s
        .post(&sa, &format!("{BACKUPS}/restore"), json!({"name": name}))
        .await;
    assert_eq!((st.as_u16(), code(&b)), (422, "validation_failed"), "{b}");
    assert_ne!(user_phones(&s, &sa).await, before);

    let (st, report) = s
        .post(
            &sa,
            &format!("{BACKUPS}/restore"),
            json!({"name": name, "confirm": true}),
        )
        .await;
    assert_eq!(st, 200, "{report}");
    assert_eq!(report["rows"], created["rows"]);
    assert_eq!(user_phones(&s, &sa).await, before);
    // The data it replaced is kept as a pre-restore backup, and the restore is logged.
    let safety = report["safety_backup"].as_str().unwrap().to_owned();
    assert!(safety.ends_with("-pre-restore.backup.gz"), "{safety}");
    assert!(names(&s, &sa).await.contains(&safety));
    let (_, logs) = s.get(&sa, "/api/admin/action-logs").await;
    assert!(
        logs["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["action_type"] == "RESTORE_BACKUP"),
        "{logs}"
    );
    // Sessions are not in backups: the old refresh token no longer works.
    let (st, _) = s.post(&sa, "/api/auth/refresh", json!({})).await;
    assert_eq!(st, 401);
}

#[tokio::test]
async fn downloads_round_trip_through_upload_and_bad_files_are_refused() {
    let s = spawn_with(&[("BACKUP_UPLOAD_MAX_MB", "1")], 1).await;
    let sa = s.admin_client(true).await;
    let (_, created) = s.post(&sa, BACKUPS, json!({})).await;
    let name = created["file"]["name"].as_str().unwrap().to_owned();

    let res = sa
        .get(s.url(&format!("{BACKUPS}/{name}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-disposition"].to_str().unwrap(),
        format!("attachment; filename=\"{name}\"")
    );
    let bytes = res.bytes().await.unwrap().to_vec();
    assert_eq!(&bytes[..2], &[0x1f, 0x8b]);

    let (st, up) = upload(&s, &sa, bytes.clone()).await;
    assert_eq!(st, 201, "{up}");
    assert_eq!(up["kind"], "uploaded");
    let listed = names(&s, &sa).await;
    assert_eq!(listed.len(), 2);

    // A truncated file, a foreign file, a newer version's file, a file over the limit: each
    // refused, and no file is left behind.
    let mut newer = String::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_string(&mut newer)
        .unwrap();
    let newer = newer.replacen(
        "\"migrations\":[",
        "\"migrations\":[\"m20991231_000001_later\",",
        1,
    );
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(newer.as_bytes()).unwrap();
    let newer = gz.finish().unwrap();
    let junk: Vec<u8> = (0..(2 * 1024 * 1024)).map(|i| (i % 251) as u8).collect();
    for (bytes, status, expect) in [
        (bytes[..bytes.len() - 100].to_vec(), 422, "backup_invalid"),
        (
            b"-- MySQL dump\nDROP TABLE users;\n".to_vec(),
            422,
            "backup_invalid",
        ),
        (newer, 422, "backup_newer"),
        (junk, 413, "payload_too_large"),
    ] {
        let (st, b) = upload(&s, &sa, bytes).await;
        assert_eq!((st.as_u16(), code(&b)), (status, expect), "{b}");
    }
    assert_eq!(names(&s, &sa).await, listed);
    let leftovers = std::fs::read_dir(s.app.backup_dir.path()).unwrap().count();
    assert_eq!(leftovers, 2, "no partial files are left");

    // Names that are not ours (paths, other files) are never opened.
    for bad in ["..%2F..%2Fetc%2Fpasswd", "secrets.json", ".partial"] {
        let (st, b) = s.get(&sa, &format!("{BACKUPS}/{bad}")).await;
        assert_eq!(st, 404, "{bad}: {b}");
    }
    let (st, b) = s
        .post(
            &sa,
            &format!("{BACKUPS}/restore"),
            json!({"name": "../data/saring.db", "confirm": true}),
        )
        .await;
    assert_eq!((st.as_u16(), code(&b)), (404, "backup_not_found"));

    let (st, _) = s
        .send(&sa, Method::DELETE, &format!("{BACKUPS}/{name}"), None)
        .await;
    assert_eq!(st, 200);
    assert_eq!(names(&s, &sa).await.len(), 1);
}

#[tokio::test]
async fn plain_admins_cannot_touch_backups() {
    let s = spawn_with_router(1).await;
    let sa = s.admin_client(true).await;
    let admin = s.admin_client(false).await;
    let (_, created) = s.post(&sa, BACKUPS, json!({})).await;
    let name = created["file"]["name"].as_str().unwrap().to_owned();
    for (method, path, json) in [
        (Method::GET, BACKUPS.to_owned(), None),
        (Method::POST, BACKUPS.to_owned(), Some(json!({}))),
        (Method::GET, format!("{BACKUPS}/{name}"), None),
        (Method::DELETE, format!("{BACKUPS}/{name}"), None),
        (
            Method::POST,
            format!("{BACKUPS}/restore"),
            Some(json!({"name": name, "confirm": true})),
        ),
    ] {
        let (st, b) = s.send(&admin, method.clone(), &path, json).await;
        assert_eq!(
            (st.as_u16(), code(&b)),
            (403, "super_admin_required"),
            "{method} {path}"
        );
    }
    let (st, b) = upload(&s, &admin, vec![1, 2, 3]).await;
    assert_eq!((st.as_u16(), code(&b)), (403, "super_admin_required"));
    assert_eq!(names(&s, &sa).await, vec![name.clone()]);

    // While another backup or restore runs (its lock is held), a second one is refused and
    // nothing is written or replaced.
    let held = s
        .app
        .kv()
        .lock("backup:running", std::time::Duration::from_secs(60))
        .await
        .unwrap()
        .unwrap();
    let (st, b) = s.post(&sa, BACKUPS, json!({})).await;
    assert_eq!((st.as_u16(), code(&b)), (409, "backup_busy"), "{b}");
    let (st, b) = s
        .post(
            &sa,
            &format!("{BACKUPS}/restore"),
            json!({"name": name, "confirm": true}),
        )
        .await;
    assert_eq!((st.as_u16(), code(&b)), (409, "backup_busy"), "{b}");
    assert_eq!(names(&s, &sa).await, vec![name]);
    s.app.kv().unlock("backup:running", &held).await.unwrap();
}
