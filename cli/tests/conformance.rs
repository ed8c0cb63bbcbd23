//! The `conformance` command, run as the binary: AccuracyCoin reported per test (JSON and
//! Markdown), and the exit codes.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tetris-nes"))
}

/// A folder holding only AccuracyCoin (shared lookup: fails under `CI=true` when missing,
/// skips loudly elsewhere).
fn accuracycoin_dir() -> Option<PathBuf> {
    let rom = conformance::require_data(
        &conformance::find_accuracycoin(),
        "set NES_ACCURACYCOIN or provide ../shared/accuracycoin",
    )?;
    let dir = std::env::temp_dir().join(format!("tetris-nes-conformance-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(&rom, dir.join("AccuracyCoin.nes")).unwrap();
    Some(dir)
}

#[test]
fn accuracycoin_is_reported_per_test() {
    let Some(dir) = accuracycoin_dir() else {
        return;
    };
    let out = bin()
        .arg("conformance")
        .arg(&dir)
        .arg("--json")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 136);
    assert!(rows
        .iter()
        .all(|r| r["rom"] == "AccuracyCoin.nes" && r["status"] == "pass"));
    let dma = rows
        .iter()
        .find(|r| r["test"] == "DMA + $2002 Read")
        .unwrap();
    assert_eq!(dma["page"], 13);

    // The same run as the Markdown rows of docs/conformance.md.
    let out = bin()
        .arg("conformance")
        .arg(&dir)
        .args(["--markdown", "--max-frames", "12000"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 136);
    assert!(text.contains("| 13 | DMA + $2002 Read | pass | PASS (behaviour 1) |"));
    // Too few frames to reach the summary: one failed row, exit 1.
    let out = bin()
        .arg("conformance")
        .arg(&dir)
        .args(["--max-frames", "100"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_arguments_are_one_line_errors() {
    let out = bin()
        .args(["conformance", "/nonexistent-dir", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
    let out = bin()
        .args(["conformance", ".", "--json", "--markdown"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
