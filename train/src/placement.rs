//! The placement env as an [`Evaluator`]: candidates are weights of the built-in heuristic
//! agent (`tetris_env::agent::HeuristicAgent`, one-piece lookahead) and play NES Tetris in
//! the placement action space on the real ROM.
//!
//! - [`FEATURES`]: the agent's [`Weights`] as a vector, one name per number, and
//!   [`weights_from_vec`] / [`weights_to_vec`] between the two;
//! - [`PlacementEvaluator`]: plays a batch of games on threads, each thread with its own env
//!   and agent, taking the next game when it finishes one (games take from a few dozen to
//!   thousands of placements, so the work is shared game by game, dynamically); results do
//!   not depend on the number of threads;
//! - [`step`]: one placement of the agent, optionally avoiding the game's crash: the chosen
//!   placement is played from a snapshot of the console, and if the game crashes during it
//!   the console is restored and the next best placement is tried.

use crate::evaluate::{End, EvalError, Evaluator, Game, GameResult, Hooks};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use tetris_env::agent::{HeuristicAgent, Weights};
use tetris_env::rules;
use tetris_env::{
    ActionSpace, EnvError, EnvSpec, InputModel, ObservationKind, Rom, Step, TetrisEnv,
};

/// The agent the weights drive: the built-in heuristic agent with one-piece lookahead. The
/// number changes when what the weights mean changes (features, lookahead).
pub const AGENT: &str = "tetris_env::HeuristicAgent/lookahead-1/v1";

/// The names of the weights, in vector order (the fields of [`Weights`]; `lines_k` is the
/// value of a placement clearing k rows).
pub const FEATURES: [&str; 17] = [
    "holes",
    "rows_with_holes",
    "bumpiness",
    "aggregate_height",
    "max_height",
    "row_transitions",
    "column_transitions",
    "cumulative_wells",
    "landing_height",
    "eroded_cells",
    "lines_0",
    "lines_1",
    "lines_2",
    "lines_3",
    "lines_4",
    "danger_height",
    "danger",
];

/// The agent's weights from a vector in [`FEATURES`] order (missing entries are 0).
#[must_use]
pub fn weights_from_vec(v: &[f64]) -> Weights {
    let at = |i: usize| v.get(i).copied().unwrap_or(0.0);
    Weights {
        holes: at(0),
        rows_with_holes: at(1),
        bumpiness: at(2),
        aggregate_height: at(3),
        max_height: at(4),
        row_transitions: at(5),
        column_transitions: at(6),
        cumulative_wells: at(7),
        landing_height: at(8),
        eroded_cells: at(9),
        lines: [at(10), at(11), at(12), at(13), at(14)],
        danger_height: at(15),
        danger: at(16),
    }
}

/// The agent's weights as a vector in [`FEATURES`] order.
#[must_use]
pub fn weights_to_vec(w: &Weights) -> Vec<f64> {
    let mut v = vec![
        w.holes,
        w.rows_with_holes,
        w.bumpiness,
        w.aggregate_height,
        w.max_height,
        w.row_transitions,
        w.column_transitions,
        w.cumulative_wells,
        w.landing_height,
        w.eroded_cells,
    ];
    v.extend_from_slice(&w.lines);
    v.extend_from_slice(&[w.danger_height, w.danger]);
    v
}

/// The env spec the agent plays in: A-type, start `level`, the placement space with the
/// tap rate's input model, no observation (the agent reads the env's plan and state).
pub fn env_spec(level: u8, tap_hz: u32) -> Result<EnvSpec, EnvError> {
    let spec = EnvSpec::from_id("TetrisA-v0")?
        .start_level(level)
        .action_space(ActionSpace::Placement)
        .input_model(InputModel::tap_hz(tap_hz)?)
        .observation(ObservationKind::None);
    spec.validate()?;
    Ok(spec)
}

/// How a game's last step ended it (`None`: it did not end).
#[must_use]
pub fn end_of(step: &Step) -> Option<End> {
    let info = &step.info;
    Some(if info.crashed {
        End::Crash
    } else if info.won {
        End::Won
    } else if step.terminated {
        End::TopOut
    } else if step.truncated {
        // The env's spec sets no step limit: only the frame limit of a placement step
        // truncates, when the game deals no next piece.
        End::Hang
    } else {
        return None;
    })
}

/// Frames a placement may take in [`step`]'s look-ahead before the game counts as hung:
/// the piece falling from above the playfield to the floor by gravity at `level` (slower
/// than any route, which taps and soft-drops), the line clear, the entry delay, and a
/// margin of 300 frames for lag. 1,490 frames at level 0, 362 from level 29 on; a
/// hang found at the env's own limit (200,000 frames) would cost seconds per candidate.
#[must_use]
pub fn lookahead_frame_limit(level: u8) -> u32 {
    const ROWS_TO_FALL: u32 = (rules::ROWS + rules::HIDDEN_ROWS + 2) as u32;
    const CLEAR_AND_ENTRY: u32 = 20 + 18;
    u32::from(rules::frames_per_row(level)) * ROWS_TO_FALL + CLEAR_AND_ENTRY + 300
}

/// What [`step`] did.
#[derive(Clone, Copy, Debug)]
pub struct Placed {
    /// The action played.
    pub action: u32,
    pub step: Step,
    /// Placements tried first and found to crash the game (with `avoid_crash`).
    pub avoided: u32,
}

/// One placement by `agent` in `env` (a placement env in play). With `avoid_crash`, the
/// placement is played from a snapshot of the console: if the game crashes during it (or
/// hangs: no next piece within [`lookahead_frame_limit`]), the console is restored and the agent's next best placement is tried, until one survives
/// (if every legal placement crashes, the game crashes on the best one). `None` when the
/// agent has no legal placement.
pub fn step(
    env: &mut TetrisEnv,
    agent: &mut HeuristicAgent,
    avoid_crash: bool,
) -> Result<Option<Placed>, EnvError> {
    if !avoid_crash {
        let Some(action) = agent.act(env) else {
            return Ok(None);
        };
        let step = env.step(action)?;
        return Ok(Some(Placed {
            action,
            step,
            avoided: 0,
        }));
    }
    let mut allowed = env.action_mask();
    let mut best = None;
    let mut avoided = 0;
    loop {
        let Some(action) = agent.act_among(env, &allowed) else {
            // Every placement crashes: play the best one.
            return match best {
                Some(action) => Ok(Some(Placed {
                    action,
                    step: env.step(action)?,
                    avoided,
                })),
                None => Ok(None),
            };
        };
        best.get_or_insert(action);
        let before = env.snapshot();
        let step = env.step_within(action, lookahead_frame_limit(env.info().level))?;
        // A game that crashed, or that never dealt the next piece (the step ran into the
        // look-ahead's frame limit: the game hangs), did not survive.
        if !step.info.crashed && !step.truncated {
            return Ok(Some(Placed {
                action,
                step,
                avoided,
            }));
        }
        env.restore(&before)?;
        allowed.set(action, false);
        avoided += 1;
    }
}

/// The action [`step`] would play, and the crashing placements it passed over; the env is
/// left as it was (for callers that play the action themselves, e.g. frame by frame on
/// screen).
pub fn choose(
    env: &mut TetrisEnv,
    agent: &mut HeuristicAgent,
    avoid_crash: bool,
) -> Result<Option<(u32, u32)>, EnvError> {
    if !avoid_crash {
        return Ok(agent.act(env).map(|a| (a, 0)));
    }
    let before = env.snapshot();
    let placed = step(env, agent, true)?;
    env.restore(&before)?;
    Ok(placed.map(|p| (p.action, p.avoided)))
}

/// Plays one game from `reset(Some(seed))` until it ends or after `max_placements`.
pub fn play_game(
    env: &mut TetrisEnv,
    agent: &mut HeuristicAgent,
    seed: u64,
    max_placements: u64,
    avoid_crash: bool,
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<GameResult, EvalError> {
    let mut info = env.reset(Some(seed))?;
    let mut placements = 0u64;
    let mut end = End::Limit;
    while placements < max_placements {
        if stop() {
            return Err(EvalError::Interrupted);
        }
        let Some(Placed { step: s, .. }) = step(env, agent, avoid_crash)? else {
            return Err(EvalError::Env(EnvError::InvalidOption {
                name: "placement",
                value: format!("seed {seed}, after {placements} placements"),
                expected: "a running game has a legal placement",
            }));
        };
        placements += 1;
        info = s.info;
        if let Some(e) = end_of(&s) {
            end = e;
            break;
        }
    }
    Ok(GameResult {
        seed,
        lines: info.lines,
        score: info.score,
        level: info.level,
        placements,
        frames: info.episode_frames,
        end,
    })
}

/// Candidates play in the placement env, on threads.
#[derive(Debug)]
pub struct PlacementEvaluator {
    /// A started env (power-on and menus done), cloned for every thread.
    proto: TetrisEnv,
    model: InputModel,
    threads: usize,
    avoid_crash: bool,
}

impl PlacementEvaluator {
    /// Games from start `level` with the agent tapping at `tap_hz`, on `threads` threads.
    pub fn new(
        rom: &Rom,
        level: u8,
        tap_hz: u32,
        threads: usize,
    ) -> Result<PlacementEvaluator, EnvError> {
        let spec = env_spec(level, tap_hz)?;
        let model = spec.placement.input;
        Ok(PlacementEvaluator {
            proto: spec.build(rom)?,
            model,
            threads: threads.max(1),
            avoid_crash: false,
        })
    }

    /// Plays with crash avoidance ([`step`]).
    #[must_use]
    pub fn avoid_crash(mut self, on: bool) -> PlacementEvaluator {
        self.avoid_crash = on;
        self
    }
}

impl Evaluator for PlacementEvaluator {
    fn features(&self) -> Vec<String> {
        FEATURES.iter().map(|&s| s.to_owned()).collect()
    }

    fn agent(&self) -> String {
        AGENT.to_owned()
    }

    fn env_spec(&self) -> EnvSpec {
        self.proto.spec().clone()
    }

    fn play(
        &mut self,
        weights: &[Vec<f64>],
        games: &[Game],
        max_placements: u64,
        hooks: Hooks<'_>,
    ) -> Result<Vec<GameResult>, EvalError> {
        let next = AtomicUsize::new(0);
        let failed = AtomicBool::new(false);
        let results: Mutex<Vec<Option<GameResult>>> = Mutex::new(vec![None; games.len()]);
        let error: Mutex<Option<EvalError>> = Mutex::new(None);
        let stop = || failed.load(Ordering::Relaxed) || (hooks.stop)();
        let threads = self.threads.min(games.len()).max(1);
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| {
                    let mut env = self.proto.clone();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(g) = games.get(i) else { break };
                        let w = weights_from_vec(&weights[g.candidate]);
                        let played = HeuristicAgent::new(w, self.model)
                            .map_err(EvalError::from)
                            .and_then(|mut agent| {
                                play_game(
                                    &mut env,
                                    &mut agent,
                                    g.seed,
                                    max_placements,
                                    self.avoid_crash,
                                    &stop,
                                )
                            });
                        match played {
                            Ok(r) => {
                                (hooks.game_done)(&r);
                                results
                                    .lock()
                                    .unwrap_or_else(std::sync::PoisonError::into_inner)[i] =
                                    Some(r);
                            }
                            Err(e) => {
                                failed.store(true, Ordering::Relaxed);
                                error
                                    .lock()
                                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                                    .get_or_insert(e);
                                break;
                            }
                        }
                    }
                });
            }
        });
        if let Some(e) = error
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
        {
            return Err(e);
        }
        let results = results
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Every game was played (no error): every slot is filled.
        Ok(results.into_iter().flatten().collect())
    }
}
