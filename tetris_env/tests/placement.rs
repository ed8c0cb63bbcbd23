//! The placement action space against the emulator: every placement locks where the
//! planner said (zero mismatches over thousands of placements at start levels 0, 9, 18, 19
//! and 29), and for hundreds of sampled states a brute-force search of the emulator itself
//! (every input sequence of the model, played from a save state) reaches exactly the lock
//! positions the planner finds, so the mask allows exactly the straight drops the emulator
//! can reach. Also: masked actions, the terminate-on-illegal option, rewards and frames.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

mod common;

use common::{judge, Rng};
use std::collections::BTreeSet;
use tetris_env::actions::button;
use tetris_env::ram::PieceKind;
use tetris_env::rules::{Board, PiecePosition};
use tetris_env::{
    ActionSpace, EnvError, EnvSpec, FrameTiming, IllegalAction, InputModel, ObservationKind,
    PlacementOptions, Rom, ShiftMode, Snapshot, SpecCheck, TetrisEnv,
};

fn spec(level: u8, timing: FrameTiming, model: InputModel, seed: u64) -> EnvSpec {
    EnvSpec::from_id("TetrisA-v0")
        .unwrap()
        .observation(ObservationKind::None)
        .action_space(ActionSpace::Placement)
        .start_level(level)
        .frame_timing(timing)
        .input_model(model)
        .seed(seed)
}

/// Plays `placements` random legal placements (resetting at episode ends); returns the
/// mismatches and the placements played.
fn play_random(rom: &Rom, spec: &EnvSpec, placements: u32, seed: u64) -> (u32, u32) {
    let mut env = spec.build(rom).unwrap();
    env.reset(None).unwrap();
    let mut rng = Rng(seed | 1);
    let (mut mismatches, mut played) = (0, 0);
    while played < placements {
        let legal: Vec<u32> = env.action_mask().iter().collect();
        assert!(!legal.is_empty(), "a decision point has a legal placement");
        let a = rng.pick(&legal);
        let planned = env.plan().unwrap().placements().to_vec();
        let s = env.step(a).unwrap();
        played += 1;
        if let Some(lock) = s.info.locked {
            assert!(
                planned.iter().any(|p| p.lock == lock),
                "{lock:?} was planned"
            );
        }
        if s.terminated || s.truncated {
            mismatches += s.info.placement_mismatches;
            env.reset(None).unwrap();
        } else {
            assert!(s.info.new_piece && s.info.falling.is_some());
            assert_eq!(s.action_mask, env.action_mask());
        }
    }
    mismatches += env.info().placement_mismatches;
    (mismatches, played)
}

#[test]
fn random_legal_placements_lock_where_planned() {
    let Some(rom) = common::rom() else { return };
    let cases: Vec<(u8, FrameTiming, InputModel)> = vec![
        (0, FrameTiming::AfterNmi, InputModel::default()),
        (9, FrameTiming::AfterNmi, InputModel::default()),
        (18, FrameTiming::AfterNmi, InputModel::default()),
        (19, FrameTiming::Vblank, InputModel::default()),
        (29, FrameTiming::AfterNmi, InputModel::default()),
        (18, FrameTiming::AfterNmi, InputModel::tap_hz(10).unwrap()),
        (19, FrameTiming::AfterNmi, InputModel::tap_hz(15).unwrap()),
        (9, FrameTiming::Vblank, InputModel::das()),
        (
            29,
            FrameTiming::AfterNmi,
            InputModel {
                soft_drop: false,
                ..InputModel::tap_hz(20).unwrap()
            },
        ),
    ];
    let results: Vec<(u32, u32)> = std::thread::scope(|s| {
        let handles: Vec<_> = cases
            .chunks(cases.len().div_ceil(2))
            .map(|chunk| {
                let rom = &rom;
                s.spawn(move || {
                    chunk
                        .iter()
                        .enumerate()
                        .map(|(i, &(level, timing, model))| {
                            let sp = spec(level, timing, model, 100 + i as u64);
                            play_random(rom, &sp, 1200, 7 + u64::from(level))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let played: u32 = results.iter().map(|r| r.1).sum();
    let mismatches: u32 = results.iter().map(|r| r.0).sum();
    assert_eq!(mismatches, 0, "over {played} placements");
    assert!(played >= 10_000);
}

/// The input sequences of a model, written out from its definition (independently of the
/// planner): rotation presses (none, A, B, A A, B B; for I, S, Z none or A; for O none) on
/// the first taps, 0–9 sideways moves either way from the first frame (tapped on the grid,
/// or held for DAS), then Down (soft drop) or nothing until the lock.
fn model_sequences(kind: PieceKind, model: &InputModel) -> Vec<(Vec<u8>, u8)> {
    let p = u32::from(model.tap_period);
    let rotations: &[(u8, u32)] = match kind {
        PieceKind::O => &[(0, 0)],
        PieceKind::I | PieceKind::S | PieceKind::Z => &[(0, 0), (button::A, 1)],
        _ => &[
            (0, 0),
            (button::A, 1),
            (button::B, 1),
            (button::A, 2),
            (button::B, 2),
        ],
    };
    let tail = if model.soft_drop { button::DOWN } else { 0 };
    let mut out = Vec::new();
    for &(rot, presses) in rotations {
        for shift in -9i32..=9 {
            let dir = if shift > 0 {
                button::RIGHT
            } else {
                button::LEFT
            };
            let n = shift.unsigned_abs();
            // Frames of the sideways presses.
            let shift_frames: Vec<u32> = match model.shift {
                ShiftMode::Tap => (0..n).map(|j| j * p).collect(),
                ShiftMode::Das => {
                    let last = if n == 0 {
                        None
                    } else if n == 1 {
                        Some(0)
                    } else {
                        Some(16 + 6 * (n - 2))
                    };
                    last.map_or(vec![], |l| (0..=l).collect())
                }
            };
            let rot_frames: Vec<u32> = (0..presses).map(|j| j * p).collect();
            let len = shift_frames
                .iter()
                .chain(&rot_frames)
                .max()
                .map_or(0, |&m| m + 1);
            let frames = (0..len)
                .map(|f| {
                    let mut b = 0;
                    if shift_frames.contains(&f) {
                        b |= dir;
                    }
                    if rot_frames.contains(&f) {
                        b |= rot;
                    }
                    b
                })
                .collect();
            out.push((frames, tail));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Plays every sequence in the emulator from `snap` (a frame-level env restored from it),
/// sharing common prefixes (a save state per branch point); returns the lock positions.
fn brute_force(
    frame_env: &mut TetrisEnv,
    snap: &Snapshot,
    seqs: &[(Vec<u8>, u8)],
) -> BTreeSet<PiecePosition> {
    let mut found = BTreeSet::new();
    explore(frame_env, snap, seqs, 0, &mut found);
    found
}

fn explore(
    env: &mut TetrisEnv,
    node: &Snapshot,
    seqs: &[(Vec<u8>, u8)],
    depth: usize,
    found: &mut BTreeSet<PiecePosition>,
) {
    // Sequences whose presses are over: the tail, held until the lock.
    let (ended, going): (Vec<_>, Vec<_>) = seqs.iter().partition(|(f, _)| f.len() <= depth);
    for tail in ended.iter().map(|s| s.1).collect::<BTreeSet<u8>>() {
        env.restore_with(node, SpecCheck::AllowDifferent).unwrap();
        for _ in 0..5000 {
            let s = env.step(u32::from(tail)).unwrap();
            if let Some(lock) = s.info.locked {
                found.insert(lock);
                break;
            }
            assert!(!s.terminated, "the piece locks before the game ends");
        }
    }
    let buttons: BTreeSet<u8> = going.iter().map(|(f, _)| f[depth]).collect();
    for b in buttons {
        env.restore_with(node, SpecCheck::AllowDifferent).unwrap();
        let s = env.step(u32::from(b)).unwrap();
        if let Some(lock) = s.info.locked {
            found.insert(lock);
            continue;
        }
        let child = env.snapshot();
        let sub: Vec<(Vec<u8>, u8)> = going
            .iter()
            .filter(|(f, _)| f[depth] == b)
            .map(|&(f, t)| (f.clone(), *t))
            .collect();
        explore(env, &child, &sub, depth + 1, found);
    }
}

/// Decision points of random games: (level, timing, model, snapshot).
fn sample_states(rom: &Rom, n: usize) -> Vec<(u8, FrameTiming, InputModel, Snapshot)> {
    let setups: Vec<(u8, FrameTiming, InputModel)> = vec![
        (0, FrameTiming::AfterNmi, InputModel::default()),
        (9, FrameTiming::AfterNmi, InputModel::default()),
        (18, FrameTiming::AfterNmi, InputModel::default()),
        (19, FrameTiming::Vblank, InputModel::default()),
        (29, FrameTiming::AfterNmi, InputModel::default()),
        (29, FrameTiming::Vblank, InputModel::default()),
        (18, FrameTiming::AfterNmi, InputModel::tap_hz(20).unwrap()),
        (19, FrameTiming::AfterNmi, InputModel::tap_hz(15).unwrap()),
        (29, FrameTiming::AfterNmi, InputModel::tap_hz(12).unwrap()),
        (9, FrameTiming::AfterNmi, InputModel::tap_hz(10).unwrap()),
        (9, FrameTiming::AfterNmi, InputModel::das()),
        (
            19,
            FrameTiming::AfterNmi,
            InputModel {
                soft_drop: false,
                ..InputModel::default()
            },
        ),
    ];
    let mut out = Vec::new();
    let mut rng = Rng(0x5EED);
    let per = n.div_ceil(setups.len());
    for (i, &(level, timing, model)) in setups.iter().enumerate() {
        let mut env = spec(level, timing, model, 50 + i as u64)
            .build(rom)
            .unwrap();
        env.reset(None).unwrap();
        let mut taken = 0;
        while taken < per {
            if rng.next() % 3 == 0 {
                out.push((level, timing, model, env.snapshot()));
                taken += 1;
            }
            let legal: Vec<u32> = env.action_mask().iter().collect();
            let s = env.step(rng.pick(&legal)).unwrap();
            if s.terminated || s.truncated {
                env.reset(None).unwrap();
            }
        }
    }
    out
}

#[test]
fn the_mask_is_what_a_brute_force_search_of_the_emulator_reaches() {
    let Some(rom) = common::rom() else { return };
    let states = sample_states(&rom, 216);
    let checked: usize = std::thread::scope(|s| {
        let handles: Vec<_> = states
            .chunks(states.len().div_ceil(2))
            .map(|chunk| {
                let rom = &rom;
                s.spawn(move || {
                    for (level, timing, model, snap) in chunk {
                        // The planner's view, restored into a placement env.
                        let mut env = spec(*level, *timing, *model, 0).build(rom).unwrap();
                        env.restore_with(snap, SpecCheck::AllowDifferent).unwrap();
                        let planned: BTreeSet<PiecePosition> = env
                            .plan()
                            .unwrap()
                            .placements()
                            .iter()
                            .map(|p| p.lock)
                            .collect();
                        let mask = env.action_mask();
                        // The emulator's: a frame-level env restored from the same state.
                        let mut frames = judge::frame_env(rom, *timing, snap);
                        let falling = frames.info().falling.unwrap();
                        let seqs = model_sequences(falling.orientation.kind(), model);
                        let reached = brute_force(&mut frames, snap, &seqs);
                        assert_eq!(
                            planned, reached,
                            "level {level} {timing:?} {model:?}: planner vs emulator"
                        );
                        // The mask: exactly the straight drops the emulator reached.
                        let board = Board::from_ram(frames.console().ram());
                        let kind = falling.orientation.kind();
                        for a in 0..40u32 {
                            let target = judge::straight_target(&board, kind, a);
                            let legal = target.is_some_and(|t| reached.contains(&t));
                            assert_eq!(mask.get(a), legal, "action {a} level {level}");
                        }
                    }
                    chunk.len()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    assert!(checked >= 200, "{checked} states");
}

#[test]
fn masked_actions_and_the_terminate_option() {
    let Some(rom) = common::rom() else { return };
    let mut env = spec(18, FrameTiming::AfterNmi, InputModel::default(), 3)
        .build(&rom)
        .unwrap();
    let info = env.reset(None).unwrap();
    let mask = env.action_mask();
    assert!(mask.count() > 0 && mask.len() == 40);
    let masked = (0..40).find(|&a| !mask.get(a)).unwrap();
    let before = env.snapshot().to_bytes();
    let err = env.step(masked).unwrap_err();
    assert!(
        matches!(err, EnvError::InvalidAction { masked: true, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("masked"), "{err}");
    assert!(matches!(
        env.step(40),
        Err(EnvError::InvalidAction { masked: false, .. })
    ));
    assert_eq!(
        env.snapshot().to_bytes(),
        before,
        "a masked action changes nothing"
    );
    assert_eq!(*env.info(), info);

    // A legal step: the reward is the step's score gain, frames are counted, the mask is
    // the new piece's.
    let a = mask.iter().next().unwrap();
    let s = env.step(a).unwrap();
    assert!(s.info.new_piece && s.info.frames > 10 && s.info.locked.is_some());
    assert_eq!(s.reward, f64::from(s.info.score - info.score));
    assert_eq!(
        s.info.episode_frames,
        info.episode_frames + u64::from(s.info.frames)
    );
    assert_eq!(s.action_mask, env.action_mask());
    assert_eq!(s.info.placement_mismatches, 0);

    // A state saved between two pieces (a frame-level env after a lock) has no piece to
    // place: the mask is empty and a step waits for the next piece.
    let mut frames = EnvSpec::from_id("TetrisA-v0")
        .unwrap()
        .observation(ObservationKind::None)
        .start_level(18)
        .build(&rom)
        .unwrap();
    frames.reset(Some(3)).unwrap();
    while frames
        .step(u32::from(button::DOWN))
        .unwrap()
        .info
        .locked
        .is_none()
    {}
    env.restore_with(&frames.snapshot(), SpecCheck::AllowDifferent)
        .unwrap();
    assert_eq!(env.action_mask().count(), 0);
    let s = env.step(7).unwrap();
    assert!(s.info.new_piece && s.info.falling.is_some() && s.action_mask.count() > 0);
    assert_eq!(s.info.placement_mismatches, 0);

    // Terminate with a penalty instead.
    let mut t = spec(18, FrameTiming::AfterNmi, InputModel::default(), 3)
        .placement(PlacementOptions {
            illegal_action: IllegalAction::Terminate { penalty: 10.0 },
            ..PlacementOptions::default()
        })
        .build(&rom)
        .unwrap();
    t.reset(None).unwrap();
    let masked = (0..40).find(|&a| !t.action_mask().get(a)).unwrap();
    let s = t.step(masked).unwrap();
    assert!(s.terminated && s.info.illegal_action && s.reward == -10.0);
    assert_eq!(s.action_mask.count(), 0);
    assert!(matches!(t.step(0), Err(EnvError::EpisodeEnded)));
}
