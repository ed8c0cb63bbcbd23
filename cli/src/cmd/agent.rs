//! Agent mode (`-m agent`): the built-in heuristic placement agent
//! (`tetris_env::HeuristicAgent` with its default weights, or a saved policy's with
//! `--policy`; with `--avoid-crash` it passes over placements that crash the game, see
//! `tetris_train::placement::step`) plays `--episodes` games with
//! seeds S, S+1, … in the placement action space, headless and as fast as the emulator goes
//! (or shown at the NES's pace with `--render`), then reports each game (text, or one JSON
//! object with `--json`).
//!
//! A game ends by top-out, the game's crash ("the game crashed at level N"), a B-type win,
//! or `-s` placements ("limit"). With `--tucks` the agent also tucks and spins (the
//! `placement_tucks` action space).

use super::play::PlayArgs;
use crate::output::{outln, Stdout};
use crate::sdl::Frontend;
use crate::CliError;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Instant;
use tetris_env::{
    ActionSpace, EnvSpec, HeuristicAgent, Info, InputModel, ObservationKind, Rom, Weights,
};
use tetris_train::placement;
use tetris_train::Policy;

/// The agent's input model from `--tap-hz`: 30, 20, 15, 12, 10 or `das`.
pub fn input_model(tap_hz: &str) -> Result<InputModel, CliError> {
    if tap_hz.eq_ignore_ascii_case("das") {
        return Ok(InputModel::das());
    }
    let hz: u32 = tap_hz.parse().map_err(|_| {
        CliError::Other(format!(
            "--tap-hz {tap_hz:?}: expected 30, 20, 15, 12, 10 or das"
        ))
    })?;
    Ok(InputModel::tap_hz(hz)?)
}

/// How a game ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum End {
    TopOut,
    Crash,
    Won,
    Limit,
}

/// One game's result (an element of the JSON `episodes`).
#[derive(Debug, Serialize)]
struct Episode {
    seed: u64,
    lines: u32,
    score: u32,
    level: u8,
    pieces: u32,
    frames: u64,
    end: End,
    /// Where the CPU was when the game crashed.
    #[serde(skip_serializing_if = "Option::is_none")]
    crash_pc: Option<u16>,
}

/// The run's summary (the `--json` object).
#[derive(Debug, Serialize)]
struct Summary {
    env: String,
    start_level: u8,
    tap_hz: String,
    tucks: bool,
    episodes: Vec<Episode>,
    placements: u64,
    elapsed_sec: f64,
    placements_per_sec: f64,
    placement_mismatches: u64,
    /// The policy file played (none: the built-in weights).
    policy: Option<String>,
    avoid_crash: bool,
    /// Placements passed over because the game crashed when they were tried.
    avoided_crashes: u64,
}

fn end_of(info: &Info) -> End {
    if info.crashed {
        End::Crash
    } else if info.won {
        End::Won
    } else if info.top_out {
        End::TopOut
    } else {
        End::Limit
    }
}

fn describe(e: &Episode) -> String {
    match e.end {
        End::Crash => format!("the game crashed at level {}", e.level),
        End::TopOut => "top-out".into(),
        End::Won => "won (B-type goal)".into(),
        End::Limit => "placement limit".into(),
    }
}

/// Reads a saved policy and checks that this agent can play it (its agent and feature
/// list); each problem is one line naming the file.
pub fn load_policy(file: &std::path::Path) -> Result<Policy, CliError> {
    let text = crate::rom_path::read_text(file, "policy")?;
    let features: Vec<String> = placement::FEATURES.iter().map(|&f| f.to_owned()).collect();
    Policy::from_json(&text)
        .and_then(|p| p.check_agent(placement::AGENT, &features).map(|()| p))
        .map_err(|e| CliError::Other(format!("policy {}: {e}", crate::error::path(file))))
}

pub fn run(
    args: &PlayArgs,
    spec: EnvSpec,
    (tap_hz, model): (&str, InputModel),
    policy: Option<&Policy>,
    rom: &Rom,
) -> Result<ExitCode, CliError> {
    let obs = if args.render {
        ObservationKind::Rgb // the console must draw
    } else {
        ObservationKind::None
    };
    let space = if args.tucks {
        ActionSpace::PlacementTucks
    } else {
        ActionSpace::Placement
    };
    let spec = spec
        .action_space(space)
        .observation(obs)
        .input_model(model)
        .max_episode_steps(args.steps);
    let mut env = spec.build(rom)?;
    let weights = policy.map_or_else(Weights::default, |p| {
        placement::weights_from_vec(&p.weights)
    });
    let mut agent = HeuristicAgent::new(weights, spec.planner_model())?;
    let mut fe = if args.render {
        Some(Frontend::new(
            &format!("tetris-nes · {} · agent", args.env),
            args.scale,
            false,
        )?)
    } else {
        None
    };
    let base_seed = args
        .seed
        .unwrap_or_else(|| tetris_env::seeding::SplitMix64::from_entropy().next_u64() >> 16);
    let pb = if std::io::stderr().is_terminal() && fe.is_none() && !args.json {
        let pb = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
            pb.set_style(style);
        }
        pb
    } else {
        ProgressBar::hidden()
    };

    let mut out = Stdout::new();
    crate::interrupt::install();
    let start = Instant::now();
    let (mut placements, mut mismatches, mut avoided) = (0u64, 0u64, 0u64);
    let mut episodes = Vec::new();
    let mut quit = false;
    for game in 0..args.episodes {
        let seed = base_seed.wrapping_add(game);
        env.reset(Some(seed))?;
        let info = loop {
            let no_placement =
                || CliError::Other("the agent found no legal placement in a running game".into());
            let step = match fe.as_mut() {
                None => {
                    let placed = placement::step(&mut env, &mut agent, args.avoid_crash)?
                        .ok_or_else(no_placement)?;
                    avoided += u64::from(placed.avoided);
                    placed.step
                }
                Some(fe) => {
                    // With crash avoidance the placement is chosen in a copy first, then
                    // played here frame by frame on screen.
                    let (action, skipped) =
                        placement::choose(&mut env, &mut agent, args.avoid_crash)?
                            .ok_or_else(no_placement)?;
                    avoided += u64::from(skipped);
                    env.step_with(action, |nes| {
                        let cmd = fe.poll();
                        quit |= cmd.quit;
                        if !quit {
                            let _ = fe.draw(nes.frame_buffer());
                            fe.wait_frame();
                        }
                    })?
                }
            };
            placements += 1;
            if let Some(fe) = fe.as_mut() {
                fe.set_title(&super::play::title(
                    &format!("{} · agent", args.env),
                    &step.info,
                    false,
                ));
            }
            if placements % 256 == 0 {
                pb.set_message(format!(
                    "game {}: {} lines, level {}",
                    game + 1,
                    step.info.lines,
                    step.info.level
                ));
                pb.tick();
            }
            quit |= crate::interrupt::interrupted();
            if step.terminated || step.truncated || quit {
                break step.info;
            }
        };
        mismatches += u64::from(info.placement_mismatches);
        let e = Episode {
            seed,
            lines: info.lines,
            score: info.score,
            level: info.level,
            pieces: info.pieces,
            frames: info.episode_frames,
            end: end_of(&info),
            crash_pc: info.crash_pc,
        };
        if !args.json {
            pb.suspend(|| {
                outln!(
                    out,
                    "game {} (seed {seed}): {} lines, score {}, level {}, {} pieces, {} frames: {}",
                    game + 1,
                    e.lines,
                    e.score,
                    e.level,
                    e.pieces,
                    e.frames,
                    describe(&e)
                )
                .and_then(|()| out.flush())
            })?;
        }
        episodes.push(e);
        if quit {
            break;
        }
    }
    pb.finish_and_clear();
    let elapsed = start.elapsed().as_secs_f64();
    let summary = Summary {
        env: args.env.clone(),
        start_level: args.level,
        tap_hz: tap_hz.to_owned(),
        tucks: args.tucks,
        policy: args.policy.as_ref().map(|p| p.display().to_string()),
        avoid_crash: args.avoid_crash,
        avoided_crashes: avoided,
        episodes,
        placements,
        elapsed_sec: elapsed,
        placements_per_sec: if elapsed > 0.0 {
            placements as f64 / elapsed
        } else {
            0.0
        },
        placement_mismatches: mismatches,
    };
    if args.json {
        out.json_line("summary", &summary)?;
    } else {
        outln!(
            out,
            "{} placements in {:.1} s ({:.0} placements/s), {} placement mismatches",
            summary.placements,
            summary.elapsed_sec,
            summary.placements_per_sec,
            summary.placement_mismatches
        )?;
        if args.avoid_crash {
            outln!(
                out,
                "crash avoidance: {} placements passed over because the game crashed when they were tried",
                summary.avoided_crashes
            )?;
        }
    }
    out.finish()?;
    if crate::interrupt::interrupted() {
        return Ok(ExitCode::from(crate::error::INTERRUPTED));
    }
    Ok(ExitCode::SUCCESS)
}
