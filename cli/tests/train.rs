//! `tetris-nes train`, `tetris-nes runs` and `-m agent --policy`, run as the binary on the
//! ROM: a short training run leaves its events, curve, policy and checkpoint; a run stopped
//! and resumed is the run done in one go (on another number of threads too); the policy
//! plays; bad requests are one line and exit code 2, and change nothing.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tetris-nes"))
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tetris-nes-train-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A tiny run: four candidates, games of at most 15 placements, two evaluation games.
const SMALL: [&str; 14] = [
    "--level",
    "18",
    "--population",
    "4",
    "--elite",
    "0.5",
    "--max-placements",
    "15",
    "--eval-episodes",
    "2",
    "--eval-max-placements",
    "20",
    "--seed",
    "3",
];

fn run(rom: &Path, args: &[&str]) -> Output {
    bin().args(args).arg("--rom").arg(rom).output().unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// The error line of a failed run (exit code 2, one line).
fn error_line(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("tetris-nes: "));
    err
}

/// The events of a run folder without the timings (which differ from run to run).
fn events(dir: &Path) -> Vec<Value> {
    std::fs::read_to_string(dir.join("events.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            let mut v: Value = serde_json::from_str(l).unwrap();
            for k in [
                "iteration_sec",
                "elapsed_sec",
                "eval_sec",
                "placements_per_sec",
            ] {
                v.as_object_mut().unwrap().remove(k);
            }
            v
        })
        .collect()
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_short_run_leaves_its_record_resumes_exactly_and_plays() {
    let Some(rom) = conformance::tetris_rom() else {
        return;
    };
    let (a, b) = (tmp("whole"), tmp("parts"));
    let (a_s, b_s) = (a.to_str().unwrap(), b.to_str().unwrap());
    let mut args = vec![
        "train",
        "--out",
        a_s,
        "--iterations",
        "3",
        "--threads",
        "2",
        "--json",
    ];
    args.extend(SMALL);
    let summary: Value = serde_json::from_str(&ok(&run(&rom, &args))).unwrap();
    assert_eq!(summary["iterations"], 3);
    assert_eq!(summary["final"]["games"].as_array().unwrap().len(), 2);

    // The record: three iterations and the closing event, each with its fields.
    let ev = events(&a);
    assert_eq!(ev.len(), 4);
    for (i, e) in ev[..3].iter().enumerate() {
        assert_eq!(e["event"], "iteration");
        assert_eq!(e["iteration"], i + 1);
        assert_eq!(e["games"], 4);
        for k in [
            "lines_mean",
            "lines_min",
            "lines_max",
            "score_mean",
            "elite_lines",
            "noise",
        ] {
            assert!(e[k].is_number(), "{k} in {e}");
        }
        assert_eq!(e["weights"].as_array().unwrap().len(), 17);
    }
    assert_eq!(ev[3]["event"], "final");
    let seeds: Vec<u64> = ev[3]["games"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["seed"].as_u64().unwrap())
        .collect();
    assert_eq!(seeds, [1, 2]);
    let png = std::fs::read(a.join("curve.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert_eq!(&png[16..24], &[0, 0, 3, 0xC0, 0, 0, 2, 0x1C], "960 × 540");
    let policy: Value =
        serde_json::from_str(&std::fs::read_to_string(a.join("policy.json")).unwrap()).unwrap();
    assert_eq!(policy["format"], "tetris-nes-policy");
    assert_eq!(policy["weights"], summary["weights"]);
    assert_eq!(policy["training"]["eval_games"], 2);

    // One iteration, then resumed to three on one thread: the same run.
    let mut args = vec!["train", "--out", b_s, "--iterations", "1", "--threads", "1"];
    args.extend(SMALL);
    let text = ok(&run(&rom, &args));
    assert!(text.contains("iteration 1/1:"), "{text}");
    assert_eq!(events(&b).len(), 2);
    ok(&run(
        &rom,
        &[
            "train",
            "--resume",
            b_s,
            "--iterations",
            "3",
            "--threads",
            "1",
        ],
    ));
    assert_eq!(events(&b), ev);
    let resumed: Value =
        serde_json::from_str(&std::fs::read_to_string(b.join("policy.json")).unwrap()).unwrap();
    assert_eq!(resumed["weights"], policy["weights"]);

    // The record of runs lists both.
    let parent = a.parent().unwrap();
    let listed: Value = serde_json::from_str(&ok(&bin()
        .args(["runs", "--json"])
        .arg(parent)
        .output()
        .unwrap()))
    .unwrap();
    let ours: Vec<&Value> = listed
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            let p = r["path"].as_str().unwrap();
            p == a_s || p == b_s
        })
        .collect();
    assert_eq!(ours.len(), 2);
    for r in ours {
        assert_eq!(r["status"], "complete");
        assert_eq!(r["iterations_done"], 3);
        assert_eq!(r["config"]["population"], 4);
        assert!(r["eval_lines_mean"].is_number());
    }
    let table = ok(&bin().arg("runs").arg(&a).output().unwrap());
    assert!(table.starts_with("run ") && table.contains(a_s), "{table}");

    // The policy plays, as trained (its tap rate) or with crash avoidance.
    let p = a.join("policy.json");
    let played: Value = serde_json::from_str(&ok(&run(
        &rom,
        &[
            "-m",
            "agent",
            "--policy",
            p.to_str().unwrap(),
            "--level",
            "18",
            "-S",
            "1",
            "-s",
            "12",
            "--avoid-crash",
            "--json",
        ],
    )))
    .unwrap();
    assert_eq!(played["tap_hz"], "30");
    assert_eq!(played["avoid_crash"], true);
    assert_eq!(played["placements"], 12);
    std::fs::remove_dir_all(&a).unwrap();
    std::fs::remove_dir_all(&b).unwrap();
}

#[test]
fn bad_requests_are_one_line_and_change_nothing() {
    let Some(rom) = conformance::tetris_rom() else {
        return;
    };
    let dir = tmp("bad");
    let d = dir.to_str().unwrap();
    let mut args = vec!["train", "--out", d, "--iterations", "1"];
    args.extend(SMALL);
    ok(&run(&rom, &args));
    let before = files(&dir);

    // An --out that holds a run, options out of range, a folder that is no run.
    let e = error_line(&run(&rom, &args));
    assert!(e.contains("already holds a training run"), "{e}");
    for (bad, says) in [
        (
            vec!["train", "--out", "/nonexistent/x", "--elite", "2"],
            "--elite 2",
        ),
        (
            vec!["train", "--out", "/nonexistent/x", "--noise", "exp:1"],
            "noise",
        ),
        (
            vec!["train", "--out", "/nonexistent/x", "--tap-hz", "25"],
            "--tap-hz 25",
        ),
        (
            vec!["train", "--out", "/nonexistent/x", "--level", "40"],
            "--level 40",
        ),
        (vec!["train", "--resume", "/"], "is not a training run"),
        (vec!["train", "--resume", d, "--seed", "4"], "--seed 4"),
        (vec!["train", "--resume", d], "the run is complete"),
    ] {
        let e = error_line(&run(&rom, &bad));
        assert!(e.contains(says), "{bad:?}: {e}");
    }
    assert!(!Path::new("/nonexistent/x").exists());

    // A damaged checkpoint: one line naming it, and the folder as it was.
    let cp = dir.join("checkpoint.json");
    let good = std::fs::read_to_string(&cp).unwrap();
    for (damaged, says) in [
        (good.replacen("\"seed\":3", "\"seed\":4", 1), "checksum"),
        (good[..good.len() / 2].to_owned(), "not JSON"),
        ("{}".to_owned(), "not a tetris-nes checkpoint"),
    ] {
        std::fs::write(&cp, &damaged).unwrap();
        let snapshot = files(&dir);
        let e = error_line(&run(&rom, &["train", "--resume", d, "--iterations", "2"]));
        assert!(e.contains(says) && e.contains("checkpoint.json"), "{e}");
        assert_eq!(files(&dir), snapshot, "nothing changed");
        let listed = ok(&bin().args(["runs"]).arg(&dir).output().unwrap());
        assert!(listed.contains("unreadable"), "{listed}");
    }
    std::fs::write(&cp, &good).unwrap();
    assert_eq!(files(&dir), before);

    // A checkpoint is not a policy; a policy for other features is refused.
    let e = error_line(&run(
        &rom,
        &["-m", "agent", "--policy", cp.to_str().unwrap()],
    ));
    assert!(e.contains("not a tetris-nes policy"), "{e}");
    let policy = std::fs::read_to_string(dir.join("policy.json")).unwrap();
    let other = dir.join("other.json");
    std::fs::write(&other, policy.replacen("\"holes\"", "\"wells\"", 1)).unwrap();
    let e = error_line(&run(
        &rom,
        &["-m", "agent", "--policy", other.to_str().unwrap()],
    ));
    assert!(e.contains("feature 1 is \"wells\" in the policy"), "{e}");
    let e = error_line(&run(&rom, &["-m", "random", "--avoid-crash"]));
    assert!(e.contains("agent mode"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}
