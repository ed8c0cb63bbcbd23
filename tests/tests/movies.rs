//! Plays every FCEUX movie of `../shared/movies` (or `$TETRIS_MOVIES`) on NES Tetris from
//! power-on and checks every entry of its `checks.json`: menus, gameplay start, score, lines
//! and the exact frame of each top-out; then plays it again without the console's exact
//! shortcuts (`nes::FastPaths::NONE`) and checks that cycles, registers and RAM are the same
//! after every frame. Needs the Tetris ROM (`scripts/fetch-rom.sh`, or
//! `$TETRIS_ROM`).

use conformance::{require_data, tetris_rom};
use nes::FastPaths;
use std::path::PathBuf;
use tetris_env::checks::{evaluate, parse_checks};
use tetris_env::movie::{play, play_with, Movie};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn movies_dir() -> PathBuf {
    std::env::var_os("TETRIS_MOVIES").map_or_else(|| root().join("../shared/movies"), PathBuf::from)
}

fn run_movie(file: &str) {
    let Some(rom) = tetris_rom() else {
        return;
    };
    let dir = movies_dir();
    let Some(checks_path) = require_data(&dir.join("checks.json"), "set TETRIS_MOVIES") else {
        return;
    };
    let all = parse_checks(&std::fs::read_to_string(checks_path).expect("read checks.json"))
        .expect("checks.json parses");
    let entry = all
        .iter()
        .find(|e| e.file == file)
        .unwrap_or_else(|| panic!("no checks for {file}"));
    let movie = Movie::parse(&std::fs::read_to_string(dir.join(file)).expect("read movie"))
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    let cart = nes::Cart::from_bytes(&std::fs::read(rom).expect("read ROM")).expect("ROM loads");
    entry
        .check_frames(movie.frames.len() as u64)
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    let checks: Vec<(usize, _)> = entry
        .checks
        .iter()
        .map(|(k, v)| (usize::try_from(*k).expect("frame number"), v))
        .collect();
    let last = checks.iter().map(|(f, _)| *f).max().unwrap_or(0);
    let mut failures = Vec::new();
    // The console's state after every frame, for the run without shortcuts below.
    let mut states = Vec::with_capacity(last);
    play(&cart, &movie, last, |n, nes| {
        for (_, expect) in checks.iter().filter(|(f, _)| *f == n) {
            for f in evaluate(expect, nes.ram()) {
                failures.push(format!("frame {n}: {f}"));
            }
        }
        states.push(digest(nes));
    })
    .unwrap_or_else(|e| panic!("{file}: {e}"));
    assert!(failures.is_empty(), "{file}:\n{}", failures.join("\n"));
    // Without the exact shortcuts: the same state after every frame.
    play_with(&cart, &movie, last, FastPaths::NONE, |n, nes| {
        assert!(
            states[n - 1] == digest(nes),
            "{file}: frame {n} differs without the shortcuts"
        );
    })
    .unwrap_or_else(|e| panic!("{file}: {e}"));
}

/// Cycle count, registers and RAM after a frame (the RAM is where the checks look).
fn digest(nes: &nes::Nes) -> (u64, nes::Registers, Vec<u8>) {
    (nes.cycles(), nes.registers(), nes.ram().to_vec())
}

macro_rules! movies {
    ($($name:ident => $file:literal,)*) => {
        $( #[test] fn $name() { run_movie($file); } )*
        const MOVIES: &[&str] = &[$($file),*];
    };
}

movies! {
    copyright_next_early => "menuing/copyright_next_early.fm2",
    title_next_early => "menuing/title_next_early.fm2",
    title_next_early_after_timeout => "menuing/title_next_early_after_timeout.fm2",
    title_backtrack => "menuing/title_backtrack.fm2",
    title_random_input => "menuing/title_random_input.fm2",
    game_type_next_early => "menuing/game_type_next_early.fm2",
    game_type_previous_early => "menuing/game_type_previous_early.fm2",
    game_type_random_input => "menuing/game_type_random_input.fm2",
    level_select_next_early => "menuing/level_select_next_early.fm2",
    level_select_previous_early => "menuing/level_select_previous_early.fm2",
    level_select_random_input => "menuing/level_select_random_input.fm2",
    gameplay => "menuing/gameplay.fm2",
    gameplay_with_timeout => "menuing/gameplay_with_timeout.fm2",
    gameplay_with_backtrack => "menuing/gameplay_with_backtrack.fm2",
    b_type_clear_tasvideos_920m => "b_type_clear/tasvideos_920m.fm2",
    death_no_input => "death/no_input.fm2",
    death_normal_play => "death/normal_play.fm2",
    death_random_input_0 => "death/random_input_0.fm2",
    death_random_input_1 => "death/random_input_1.fm2",
}

/// Every movie named in checks.json has a test above.
#[test]
fn every_checked_movie_has_a_test() {
    let Some(p) = require_data(&movies_dir().join("checks.json"), "set TETRIS_MOVIES") else {
        return;
    };
    let all = parse_checks(&std::fs::read_to_string(p).expect("read")).expect("parses");
    for e in &all {
        assert!(
            MOVIES.contains(&e.file.as_str()),
            "checks.json names {} but no test plays it",
            e.file
        );
    }
}
