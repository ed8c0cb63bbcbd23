//! `tetris-nes bench --json` (short run): the object has every figure the docs quote.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use serde_json::Value;
use std::process::Command;

#[test]
fn bench_json_has_every_figure() {
    let Some(rom) = conformance::tetris_rom() else {
        return;
    };
    let out = Command::new(env!("CARGO_BIN_EXE_tetris-nes"))
        .args([
            "bench",
            "--json",
            "--steps",
            "400",
            "--vec-envs",
            "2",
            "--placements",
            "40",
            "--vec-placement-envs",
            "4",
            "--repeat",
            "2",
            "--rom",
        ])
        .arg(&rom)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    for kind in ["none", "board", "ram", "rgb"] {
        assert!(v["single"][kind].as_f64().unwrap() > 0.0, "single.{kind}");
    }
    for threads in ["1", "2", "4"] {
        assert!(v["vec"][threads].as_f64().unwrap() > 0.0, "vec.{threads}");
    }
    assert!(v["two_free_threads"].as_f64().unwrap() > 0.0);
    assert!(v["snapshot_restore_ns"].as_f64().unwrap() > 0.0);
    for key in [
        "placements_per_sec",
        "planner_us_per_piece",
        "agent_us_per_piece",
        "planner_tucks_us_per_piece",
    ] {
        assert!(v[key].as_f64().unwrap() > 0.0, "{key}");
    }
    for threads in ["1", "2"] {
        assert!(
            v["vec_placements"][threads].as_f64().unwrap() > 0.0,
            "vec_placements.{threads}"
        );
    }
}

#[test]
fn bench_rejects_an_unknown_env_with_exit_code_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_tetris-nes"))
        .args(["bench", "-e", "TetrisC-v9", "--steps", "10"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
}
