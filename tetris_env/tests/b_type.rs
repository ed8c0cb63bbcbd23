//! B-type done right: a real 25-line game (garbage per the height setting), won when the
//! lines counter reaches 0, with positive line rewards.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

mod common;

use common::placer::Placer;
use tetris_env::{ActionSpace, EnvSpec, ObservationKind};

#[test]
fn b_type_can_be_won() {
    let Some(rom) = common::rom() else { return };
    let mut env = EnvSpec::from_id("TetrisB-v1")
        .unwrap()
        .action_space(ActionSpace::Nes)
        .observation(ObservationKind::None)
        .deterministic(true)
        .max_episode_steps(Some(30_000))
        .build(&rom)
        .unwrap();
    let info = env.reset(None).unwrap();
    assert_eq!(info.number_of_lines, 25);
    assert_eq!(info.game_type, Some(tetris_env::GameType::B));
    let mut placer = Placer::default();
    let (mut total, mut cleared) = (0.0, 0i64);
    loop {
        let byte = placer.act(&env.state());
        let s = env.step(u32::from(byte)).unwrap();
        total += s.reward;
        cleared += s.info.lines_cleared;
        assert!(s.reward >= 0.0, "B-type line rewards are positive");
        if s.terminated || s.truncated {
            assert!(s.terminated && !s.truncated, "ended by {:?}", s.info);
            assert!(s.info.won && !s.info.top_out, "{:?}", s.info);
            assert_eq!(s.info.number_of_lines, 0);
            eprintln!("B-type won in {} steps", s.info.episode_step);
            break;
        }
    }
    assert!(cleared >= 25, "lines cleared {cleared}");
    assert_eq!(total, cleared as f64, "TetrisB-v1 rewards lines");
    assert!(env.step(0).is_err(), "a finished episode cannot be stepped");
}

#[test]
fn b_type_height_and_level_options() {
    let Some(rom) = common::rom() else { return };
    // Height setting 0–5 gives 0, 3, 5, 8, 10, 12 garbage rows.
    for (height, rows) in [(0u8, 0u32), (3, 8), (5, 12)] {
        let mut env = EnvSpec::from_id("TetrisB-v0")
            .unwrap()
            .observation(ObservationKind::None)
            .b_type_height(height)
            .start_level(7)
            .deterministic(true)
            .deterministic_seed([0x12, 0x34])
            .build(&rom)
            .unwrap();
        let info = env.reset(None).unwrap();
        assert_eq!(
            (info.number_of_lines, info.level),
            (25, 7),
            "height {height}"
        );
        assert_eq!(info.board_height, rows, "height {height}");
        assert_eq!(env.state().b_type_height(), Some(height));
    }
}

#[test]
fn deterministic_zero_seed_with_garbage_is_rejected() {
    let spec = EnvSpec::from_id("TetrisB-v0")
        .unwrap()
        .b_type_height(2)
        .deterministic(true);
    let err = spec.validate().unwrap_err().to_string();
    assert!(err.contains("deterministic_seed"), "{err}");
    assert!(spec.deterministic_seed([1, 0]).validate().is_ok());
}

/// PassThrough: a soft reset out of a B-type game and a new A-type game from the menus (lines
/// 0) is not a B-type win.
#[test]
fn a_new_a_type_game_after_a_soft_reset_is_not_a_win() {
    use tetris_env::actions::button::{A, B, LEFT, SELECT, START};
    let Some(rom) = common::rom() else { return };
    let mut env = EnvSpec::from_id("TetrisB-v1")
        .unwrap()
        .observation(ObservationKind::None)
        .start_select(tetris_env::StartSelect::PassThrough)
        .deterministic(true)
        .build(&rom)
        .unwrap();
    env.reset(None).unwrap();
    let mut left = false;
    let mut check = |s: tetris_env::Step| {
        left |= s.info.left_play;
        assert!(!s.info.won && !s.terminated, "{:?}", s.info);
        s.info
    };
    for _ in 0..3 {
        check(env.step(u32::from(A | B | SELECT | START)).unwrap());
    }
    // Through the menus: Left on the game-type menu (A-type), Start elsewhere; one press,
    // then a few released frames.
    for t in 0..3000u32 {
        let info = *env.info();
        if info.game_mode == 4 && !info.left_play {
            break;
        }
        let press = if t % 8 != 0 {
            0
        } else if info.game_mode == 2 && info.game_type != Some(tetris_env::GameType::A) {
            LEFT
        } else {
            START
        };
        check(env.step(u32::from(press)).unwrap());
    }
    for _ in 0..60 {
        check(env.step(0).unwrap());
    }
    let info = env.info();
    assert!(left, "the soft reset left play");
    assert_eq!(info.game_mode, 4, "a new game is in play: {info:?}");
    assert_eq!(info.game_type, Some(tetris_env::GameType::A));
    assert_eq!(info.number_of_lines, 0);
}
