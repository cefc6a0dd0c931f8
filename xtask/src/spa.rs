//! `cargo xtask spa`: builds the browser SPA (`frontend/`, package `saring-web`) into
//! `frontend/dist/` without trunk:
//!
//! 1. `cargo build -p saring-web --target wasm32-unknown-unknown --profile wasm-release`
//!    (`--dev`: the dev profile, for quick iterations);
//! 2. the JS glue from the `wasm-bindgen-cli-support` library (same version as the
//!    `wasm-bindgen` crate in Cargo.lock, so no CLI tool has to match);
//! 3. `wasm-opt -Oz` when binaryen ≥ 116 is installed (skipped with a notice if it is missing
//!    or older: Debian 12's binaryen 108 breaks wasm-bindgen's externref tables;
//!    `SARING_SPA_WASM_OPT=0` skips it too);
//! 4. content-hashed file names under `dist/assets/`, `index.html` filled in, and a `.gz`
//!    next to every file (served precompressed by `crates/api/src/spa.rs`).
//!
//! The texts (`frontend/locales/*.ftl`) are compiled into the wasm, so no locale files are
//! copied. Nothing is downloaded. When the set of files in `dist/` changes, the modification
//! time of `crates/api/src/spa.rs` is bumped so a release build embeds the new files
//! (rust-embed does not watch the folder itself).

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Instant, SystemTime};

use anyhow::{Context, Result, bail};
use flate2::Compression;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};

use crate::{cargo, ensure_wasm_target, root, step};

const PACKAGE: &str = "saring-web";
const CRATE_FILE: &str = "saring_web";
/// Older binaryen turns wasm-bindgen's externref table into an invalid module (seen with
/// Debian 12's binaryen 108: "WebAssembly.Table.set(): Argument 1 is invalid").
const MIN_BINARYEN: u32 = 116;
/// Time zones compiled into the SPA (see `frontend/Cargo.toml`).
const TIMEZONES: &str = "(Asia/(Jakarta|Pontianak|Makassar|Jayapura|Ujung_Pandang)|UTC|Etc/UTC)";

pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| if p.is_absolute() { p } else { root().join(p) })
        .unwrap_or_else(|| root().join("target"))
}

pub fn dist_dir() -> PathBuf {
    root().join("frontend/dist")
}

fn short_hash(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    hex_prefix(&h.finalize(), 8)
}

fn hex_prefix(bytes: &[u8], chars: usize) -> String {
    bytes
        .iter()
        .flat_map(|b| [b >> 4, b & 0xf])
        .take(chars)
        .map(|n| char::from_digit(u32::from(n), 16).unwrap_or('0'))
        .collect()
}

fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::best());
    enc.write_all(bytes)?;
    Ok(enc.finish()?)
}

/// Writes `path` and `path.gz`; returns (raw, gzip) sizes.
fn write_with_gz(path: &Path, bytes: &[u8]) -> Result<(u64, u64)> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))?;
    let gz = gzip(bytes)?;
    let mut gz_path = path.as_os_str().to_owned();
    gz_path.push(".gz");
    fs::write(PathBuf::from(gz_path), &gz)?;
    Ok((bytes.len() as u64, gz.len() as u64))
}

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// binaryen's version number (`wasm-opt version 108 (version_108)` → 108).
fn binaryen_version() -> Option<u32> {
    let out = Command::new("wasm-opt").arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.split_whitespace()
        .skip_while(|w| *w != "version")
        .nth(1)
        .and_then(|v| v.parse().ok())
}

fn files_under(dir: &Path) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(rel) = p.strip_prefix(dir) {
                out.insert(rel.to_path_buf());
            }
        }
    }
    out
}

/// Builds the SPA into `frontend/dist/`.
pub fn build(dev: bool) -> Result<()> {
    let started = Instant::now();
    ensure_wasm_target()?;
    let profile = if dev { "dev" } else { "wasm-release" };
    let mut c = cargo();
    c.args([
        "build",
        "-p",
        PACKAGE,
        "--lib",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        profile,
    ])
    // Keep the `target_features` section for wasm-bindgen; names and debug info are
    // removed by wasm-bindgen and wasm-opt instead.
    .env("CARGO_PROFILE_WASM_RELEASE_STRIP", "false")
    // The SPA shows dates in the operator's zone: Indonesian zones and UTC suffice
    // (another zone falls back to WITA, the default).
    .env("CHRONO_TZ_TIMEZONE_FILTER", TIMEZONES);
    // Leptos' type-erased components: about 10 % less wasm (and quicker builds).
    if std::env::var_os("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS").is_none()
        && std::env::var_os("RUSTFLAGS").is_none()
    {
        c.env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
            "--cfg erase_components",
        );
    }
    step(&format!("cargo build -p {PACKAGE} (wasm32, {profile})"), c)?;

    let profile_dir = if dev { "debug" } else { "wasm-release" };
    let input = target_dir()
        .join("wasm32-unknown-unknown")
        .join(profile_dir)
        .join(format!("{CRATE_FILE}.wasm"));
    if !input.exists() {
        bail!("{} was not produced", input.display());
    }

    // wasm-bindgen (library) into a scratch folder.
    let scratch = target_dir().join("spa-bindgen");
    let _ = fs::remove_dir_all(&scratch);
    fs::create_dir_all(&scratch)?;
    let t = Instant::now();
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&input)
        .out_name(CRATE_FILE)
        .web(true)?
        .typescript(false)
        .debug(dev)
        .remove_name_section(!dev)
        .remove_producers_section(!dev)
        .generate(&scratch)
        .map_err(|e| anyhow::anyhow!("wasm-bindgen: {e:#}"))?;
    println!("    wasm-bindgen: {:.1}s", t.elapsed().as_secs_f64());

    let bg = scratch.join(format!("{CRATE_FILE}_bg.wasm"));
    let mut wasm_opt = false;
    if dev {
        println!("    (dev build: wasm-opt skipped)");
    } else if std::env::var("SARING_SPA_WASM_OPT").is_ok_and(|v| v == "0") {
        println!("    (SARING_SPA_WASM_OPT=0: wasm-opt skipped)");
    } else if let Some(v) = binaryen_version().filter(|v| *v < MIN_BINARYEN) {
        println!(
            "    notice: wasm-opt {v} is older than binaryen {MIN_BINARYEN} and breaks the \
             reference-types output of wasm-bindgen (externref tables): wasm-opt skipped"
        );
    } else if have("wasm-opt") {
        let optimised = scratch.join("opt.wasm");
        let mut c = Command::new("wasm-opt");
        c.arg("-Oz")
            .args([
                "--enable-bulk-memory",
                "--enable-mutable-globals",
                "--enable-nontrapping-float-to-int",
                "--enable-sign-ext",
                "--enable-reference-types",
                "--enable-multivalue",
            ])
            .arg(&bg)
            .arg("-o")
            .arg(&optimised);
        step("wasm-opt -Oz", c)?;
        fs::rename(&optimised, &bg)?;
        wasm_opt = true;
    } else {
        println!(
            "    notice: wasm-opt not found (Debian package `binaryen`): the wasm is not size-optimised"
        );
    }

    let wasm = fs::read(&bg)?;
    let js = fs::read(scratch.join(format!("{CRATE_FILE}.js")))?;
    let frontend = root().join("frontend");
    let css = fs::read(frontend.join("style.css"))?;
    let html = fs::read_to_string(frontend.join("index.html"))?;

    let dist = dist_dir();
    let before = files_under(&dist);
    let _ = fs::remove_dir_all(&dist);
    let assets = dist.join("assets");
    fs::create_dir_all(&assets)?;

    let code_hash = short_hash(&[&js, &wasm]);
    let js_name = format!("{PACKAGE}-{code_hash}.js");
    let wasm_name = format!("{PACKAGE}-{code_hash}.wasm");
    let css_name = format!("style-{}.css", short_hash(&[&css]));
    let (js_raw, js_gz) = write_with_gz(&assets.join(&js_name), &js)?;
    let (wasm_raw, wasm_gz) = write_with_gz(&assets.join(&wasm_name), &wasm)?;
    write_with_gz(&assets.join(&css_name), &css)?;
    // Inline JS snippets (if any crate has them) keep their path relative to the glue.
    let snippets = scratch.join("snippets");
    if snippets.is_dir() {
        for rel in files_under(&snippets) {
            let bytes = fs::read(snippets.join(&rel))?;
            write_with_gz(&assets.join("snippets").join(rel), &bytes)?;
        }
    }
    let index = html
        .replace("{{style}}", &format!("/assets/{css_name}"))
        .replace("{{js}}", &format!("/assets/{js_name}"))
        .replace("{{wasm}}", &format!("/assets/{wasm_name}"));
    if index.contains("{{") {
        bail!("frontend/index.html has an unknown {{{{placeholder}}}}");
    }
    write_with_gz(&dist.join("index.html"), index.as_bytes())?;

    if files_under(&dist) != before {
        touch(&root().join("crates/api/src/spa.rs"));
    }
    println!(
        "\nSPA built in {:.1}s → {}\n  wasm {} KB raw / {} KB gzip{}; js {} KB raw / {} KB gzip",
        started.elapsed().as_secs_f64(),
        dist.display(),
        wasm_raw / 1024,
        wasm_gz / 1024,
        if wasm_opt { " (wasm-opt -Oz)" } else { "" },
        js_raw / 1024,
        js_gz / 1024,
    );
    Ok(())
}

/// Bumps a file's modification time so cargo rebuilds the crate that embeds `dist/`.
fn touch(path: &Path) {
    if let Ok(f) = fs::File::options().append(true).open(path) {
        let _ = f.set_modified(SystemTime::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_short_hex() {
        let h = short_hash(&[b"abc"]);
        assert_eq!(h, "ba7816bf");
        assert_eq!(hex_prefix(&[0x0f, 0xa0], 3), "0fa");
    }
}
