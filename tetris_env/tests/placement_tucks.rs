//! Tucks and spins ([`ActionSpace::PlacementTucks`]) against the emulator: placements that
//! use them (random legal ones, tuck actions preferred, and the heuristic agent's) lock
//! where the planner said at start levels 0, 9, 18, 19 and 29; and for states sampled from
//! those games (each with at least one lock position only a tuck or spin reaches), a
//! breadth-first search of the emulator itself, frame by frame over every input sequence
//! of the model from a save state, reaches exactly the lock positions the planner finds,
//! and the 840-action mask allows exactly those.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

mod common;

use common::{judge, Rng};
use std::collections::{BTreeMap, BTreeSet};
use tetris_env::actions::button;
use tetris_env::placement::{tuck_target, PLACEMENT_ACTIONS, PLACEMENT_TUCK_ACTIONS};
use tetris_env::rules::{Board, PiecePosition};
use tetris_env::{
    ActionSpace, EnvSpec, FrameTiming, HeuristicAgent, InputModel, ObservationKind, Rom, Snapshot,
    SpecCheck, TetrisEnv, Weights,
};

fn spec(level: u8, timing: FrameTiming, model: InputModel, seed: u64) -> EnvSpec {
    EnvSpec::from_id("TetrisA-v0")
        .unwrap()
        .observation(ObservationKind::None)
        .action_space(ActionSpace::PlacementTucks)
        .start_level(level)
        .frame_timing(timing)
        .input_model(model)
        .seed(seed)
}

/// What a run of placements did.
#[derive(Debug, Default)]
struct Played {
    placements: u32,
    /// Placements by a tuck action (40 and up).
    tucked: u32,
    mismatches: u32,
}

/// Plays `n` placements (resetting at episode ends) chosen by `choose`, checking each
/// against its plan; returns what it played.
fn play(env: &mut TetrisEnv, n: u32, mut choose: impl FnMut(&TetrisEnv) -> u32) -> Played {
    env.reset(None).unwrap();
    let mut out = Played::default();
    while out.placements < n {
        let a = choose(env);
        let planned = *tetris_env::placement::placement_for(env.plan().unwrap(), a).unwrap();
        let s = env.step(a).unwrap();
        out.placements += 1;
        if a >= PLACEMENT_ACTIONS {
            out.tucked += 1;
        }
        if !s.info.crashed {
            assert_eq!(s.info.locked, Some(planned.lock), "action {a}: {planned:?}");
        }
        if s.terminated || s.truncated {
            out.mismatches += s.info.placement_mismatches;
            env.reset(None).unwrap();
        } else {
            assert_eq!(s.action_mask, env.action_mask());
            assert_eq!(s.action_mask.len(), PLACEMENT_TUCK_ACTIONS as usize);
        }
    }
    out.mismatches += env.info().placement_mismatches;
    out
}

/// A random legal action, a tuck action when there is one (half the time).
fn random_tucker(rng: &mut Rng) -> impl FnMut(&TetrisEnv) -> u32 + '_ {
    move |env| {
        let legal: Vec<u32> = env.action_mask().iter().collect();
        let tucks: Vec<u32> = legal
            .iter()
            .copied()
            .filter(|&a| a >= PLACEMENT_ACTIONS)
            .collect();
        if !tucks.is_empty() && rng.next() % 2 == 0 {
            rng.pick(&tucks)
        } else {
            rng.pick(&legal)
        }
    }
}

#[test]
fn tucks_and_spins_lock_where_planned() {
    let Some(rom) = common::rom() else { return };
    // (level, timing, model, placements, agent?)
    let cases: Vec<(u8, FrameTiming, InputModel, u32, bool)> = vec![
        (0, FrameTiming::AfterNmi, InputModel::default(), 300, false),
        (9, FrameTiming::AfterNmi, InputModel::default(), 500, false),
        (18, FrameTiming::AfterNmi, InputModel::default(), 800, false),
        (19, FrameTiming::Vblank, InputModel::default(), 600, false),
        (29, FrameTiming::AfterNmi, InputModel::default(), 800, false),
        (
            18,
            FrameTiming::AfterNmi,
            InputModel::tap_hz(15).unwrap(),
            500,
            false,
        ),
        (
            29,
            FrameTiming::AfterNmi,
            InputModel::tap_hz(20).unwrap(),
            500,
            false,
        ),
        (9, FrameTiming::AfterNmi, InputModel::das(), 400, false),
        (
            19,
            FrameTiming::AfterNmi,
            InputModel {
                soft_drop: false,
                ..InputModel::default()
            },
            500,
            false,
        ),
        (0, FrameTiming::AfterNmi, InputModel::default(), 100, true),
        (18, FrameTiming::AfterNmi, InputModel::default(), 400, true),
        (29, FrameTiming::AfterNmi, InputModel::default(), 400, true),
    ];
    let results: Vec<Played> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|t| {
                let (rom, cases) = (&rom, &cases);
                s.spawn(move || {
                    cases
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| i % 2 == t)
                        .map(|(i, &(level, timing, model, n, agent))| {
                            let sp = spec(level, timing, model, 300 + i as u64);
                            let mut env = sp.build(rom).unwrap();
                            let played = if agent {
                                let mut agent =
                                    HeuristicAgent::new(Weights::default(), sp.planner_model())
                                        .unwrap();
                                play(&mut env, n, |e| agent.act(e).unwrap())
                            } else {
                                let mut rng = Rng(0x7C5 + i as u64);
                                play(&mut env, n, random_tucker(&mut rng))
                            };
                            eprintln!("level {level} {model:?} agent {agent}: {played:?}");
                            played
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
    let placements: u32 = results.iter().map(|r| r.placements).sum();
    let tucked: u32 = results.iter().map(|r| r.tucked).sum();
    let mismatches: u32 = results.iter().map(|r| r.mismatches).sum();
    assert_eq!(mismatches, 0, "over {placements} placements");
    assert!(tucked >= 1000, "{tucked} tucks and spins played");
}

/// Every press of the model on a frame of the tap grid: a direction, a rotation button,
/// or one of each (written out here, independently of the planner).
const PRESSES: [u8; 8] = [
    button::LEFT,
    button::RIGHT,
    button::A,
    button::B,
    button::LEFT | button::A,
    button::LEFT | button::B,
    button::RIGHT | button::A,
    button::RIGHT | button::B,
];

/// A state of the emulator search.
struct Node {
    snap: Snapshot,
    /// In the final drop (the tail held until the lock).
    tail: bool,
    /// The frame before was a press (or this is the start): the drop may begin now.
    pressed: bool,
}

/// Every lock position the model's input sequences reach, found by playing them in the
/// emulator (`frames`, a frame-level env) from `snap`: on each frame of the tap grid
/// (frames 0, p, 2p, …) nothing or one of [`PRESSES`], nothing on the frames between, and
/// from the frame after the last press (or frame 0) the tail, Down with soft drop, held
/// until the piece locks. Breadth-first, frame by frame; emulator states whose piece bytes
/// ($0040–$004F) and pad bytes ($00F5, $00F7) are equal, at the same stage of the
/// sequence, are explored once (the rest of the game's state does not depend on the input,
/// but for the sound).
fn brute_force(
    frames: &mut TetrisEnv,
    snap: &Snapshot,
    model: &InputModel,
) -> BTreeSet<PiecePosition> {
    let p = u32::from(model.tap_period);
    let mut found = BTreeSet::new();
    let mut frontier = vec![Node {
        snap: snap.clone(),
        tail: false,
        pressed: true,
    }];
    let mut frame = 0u32;
    while !frontier.is_empty() {
        let mut next: BTreeMap<(Vec<u8>, bool, bool), Node> = BTreeMap::new();
        for node in &frontier {
            // (buttons, the tail, a press)
            let mut choices: Vec<(u8, bool, bool)> = Vec::new();
            if node.tail {
                choices.push((button::DOWN, true, false));
            } else {
                choices.push((0, false, false));
                if frame % p == 0 {
                    choices.extend(PRESSES.iter().map(|&b| (b, false, true)));
                }
                if node.pressed && model.soft_drop {
                    choices.push((button::DOWN, true, false));
                }
            }
            for (b, tail, pressed) in choices {
                frames
                    .restore_with(&node.snap, SpecCheck::AllowDifferent)
                    .unwrap();
                let s = frames.step(u32::from(b)).unwrap();
                if let Some(lock) = s.info.locked {
                    // A sequence of the model ends here if this frame is its tail, its
                    // last press, or (without soft drop, whose tail is no input) any frame.
                    if tail || pressed || !model.soft_drop {
                        found.insert(lock);
                    }
                    continue;
                }
                assert!(!s.terminated, "the piece locks before the game ends");
                let ram = frames.console().ram();
                let mut key = ram[0x40..0x50].to_vec();
                key.extend([ram[0xF5], ram[0xF7]]);
                next.entry((key, tail, pressed)).or_insert_with(|| Node {
                    snap: frames.snapshot(),
                    tail,
                    pressed,
                });
            }
        }
        frontier = next.into_values().collect();
        frame += 1;
        assert!(frame < 3000, "the search ends");
    }
    found
}

/// Decision points with at least one tuck-only lock position, from games of random legal
/// placements (tucks preferred): (level, timing, model, snapshot).
fn sample_states(
    rom: &Rom,
    setups: &[(u8, FrameTiming, InputModel, usize)],
) -> Vec<(u8, FrameTiming, InputModel, Snapshot)> {
    let mut out = Vec::new();
    let mut rng = Rng(0x70C5);
    for (i, &(level, timing, model, n)) in setups.iter().enumerate() {
        let mut env = spec(level, timing, model, 700 + i as u64)
            .build(rom)
            .unwrap();
        env.reset(None).unwrap();
        let mut taken = 0;
        let mut pick = Rng(0xA11 + i as u64);
        while taken < n {
            let tucks = env
                .action_mask()
                .iter()
                .filter(|&a| a >= PLACEMENT_ACTIONS)
                .count();
            if tucks > 0 && rng.next() % 4 == 0 {
                out.push((level, timing, model, env.snapshot()));
                taken += 1;
            }
            let a = random_tucker(&mut pick)(&env);
            let s = env.step(a).unwrap();
            if s.terminated || s.truncated {
                env.reset(None).unwrap();
            }
        }
    }
    out
}

#[test]
fn the_tuck_mask_is_what_a_brute_force_search_of_the_emulator_reaches() {
    let Some(rom) = common::rom() else { return };
    let setups: Vec<(u8, FrameTiming, InputModel, usize)> = vec![
        (18, FrameTiming::AfterNmi, InputModel::default(), 8),
        (19, FrameTiming::Vblank, InputModel::default(), 6),
        (29, FrameTiming::AfterNmi, InputModel::default(), 12),
        (29, FrameTiming::Vblank, InputModel::tap_hz(15).unwrap(), 6),
        (
            19,
            FrameTiming::AfterNmi,
            InputModel {
                soft_drop: false,
                ..InputModel::tap_hz(20).unwrap()
            },
            4,
        ),
        (18, FrameTiming::AfterNmi, InputModel::das(), 4),
    ];
    let states = sample_states(&rom, &setups);
    let (checked, tuck_only): (usize, usize) = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|t| {
                let (rom, states) = (&rom, &states);
                s.spawn(move || {
                    let (mut checked, mut tuck_only) = (0, 0);
                    for (level, timing, model, snap) in states.iter().skip(t).step_by(2) {
                        let mut env = spec(*level, *timing, *model, 0).build(rom).unwrap();
                        env.restore_with(snap, SpecCheck::AllowDifferent).unwrap();
                        let plan = env.plan().unwrap();
                        let planned: BTreeSet<PiecePosition> =
                            plan.placements().iter().map(|p| p.lock).collect();
                        let mask = env.action_mask();
                        let mut frames = judge::frame_env(rom, *timing, snap);
                        let kind = frames.info().falling.unwrap().orientation.kind();
                        let reached = brute_force(&mut frames, snap, model);
                        assert_eq!(
                            planned, reached,
                            "level {level} {timing:?} {model:?}: planner vs emulator"
                        );
                        // The mask: the straight drops reached, and every other lock
                        // position reached by its tuck action.
                        let board = Board::from_ram(frames.console().ram());
                        let mut straight = BTreeSet::new();
                        for a in 0..PLACEMENT_ACTIONS {
                            let target = judge::straight_target(&board, kind, a);
                            let legal = target.is_some_and(|t| reached.contains(&t));
                            assert_eq!(mask.get(a), legal, "action {a} level {level}");
                            straight.extend(target);
                        }
                        for a in PLACEMENT_ACTIONS..PLACEMENT_TUCK_ACTIONS {
                            let target = tuck_target(kind, a);
                            let legal = target
                                .is_some_and(|t| reached.contains(&t) && !straight.contains(&t));
                            assert_eq!(mask.get(a), legal, "tuck action {a} level {level}");
                            tuck_only += usize::from(legal);
                        }
                        checked += 1;
                    }
                    (checked, tuck_only)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap())
            .fold((0, 0), |(a, b), (c, d)| (a + c, b + d))
    });
    assert!(checked >= 40, "{checked} states");
    assert!(tuck_only >= checked, "{tuck_only} tuck-only lock positions");
}

#[test]
fn a_tuck_env_saves_and_restores_through_bytes() {
    let Some(rom) = common::rom() else { return };
    let sp = spec(18, FrameTiming::AfterNmi, InputModel::default(), 9);
    let mut env = sp.build(&rom).unwrap();
    env.reset(None).unwrap();
    let mut rng = Rng(0xB17E5);
    // Play until a tuck action is legal, then save, restore into another env from the
    // bytes, and play it in both.
    for _ in 0..500 {
        if env.action_mask().iter().any(|a| a >= PLACEMENT_ACTIONS) {
            break;
        }
        let s = env.step(random_tucker(&mut rng)(&env)).unwrap();
        if s.terminated || s.truncated {
            env.reset(None).unwrap();
        }
    }
    let tuck = env
        .action_mask()
        .iter()
        .find(|&a| a >= PLACEMENT_ACTIONS)
        .expect("a tuck action within 500 placements");
    let bytes = env.snapshot().to_bytes();
    let mut again = sp.clone().seed(1).build(&rom).unwrap();
    again.restore_bytes(&bytes).unwrap();
    assert_eq!(again.action_mask(), env.action_mask());
    let (a, b) = (env.step(tuck).unwrap(), again.step(tuck).unwrap());
    assert_eq!(a.info, b.info);
    assert!(a.info.locked.is_some() && a.info.placement_mismatches == 0);
}
