//! Random mode (`-m random`): uniformly random actions from the chosen action space for
//! `--steps` steps, resetting when an episode ends, then a summary (text, or one JSON object
//! with `--json`). Headless and as fast as the emulator goes, unless `--render` shows it.
//!
//! Episodes in the summary count every episode played, the last one even if the steps ran
//! out before it ended (`episodes_finished` counts the ones that ended); the score and lines
//! statistics are over those episodes, each as it stood when it ended or the run stopped.
//!
//! Ctrl-C stops after the current step: the summary of what was played is printed (with
//! `"interrupted": true` in JSON) and the exit code is 130.

use super::play::PlayArgs;
use crate::error::INTERRUPTED;
use crate::output::{outln, Stdout};
use crate::sdl::Frontend;
use crate::CliError;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Instant;
use tetris_env::seeding::SplitMix64;
use tetris_env::{EnvSpec, Info, ObservationKind, Rom};

/// Steps random mode plays without `--steps`.
const DEFAULT_STEPS: u64 = 500;

/// The run's summary (the `--json` object).
#[derive(Debug, Serialize)]
struct Summary {
    env: String,
    action_space: &'static str,
    seed: Option<u64>,
    steps: u64,
    episodes: u64,
    episodes_finished: u64,
    /// Episodes that ended with the game crashing.
    crashes: u64,
    mean_score: f64,
    max_score: u32,
    mean_lines: f64,
    max_lines: u32,
    total_reward: f64,
    elapsed_sec: f64,
    steps_per_sec: f64,
    /// Stopped by Ctrl-C before `--steps`.
    interrupted: bool,
}

/// Per-episode results so far.
#[derive(Debug, Default)]
struct Tally {
    finished: u64,
    crashes: u64,
    scores: Vec<u32>,
    lines: Vec<u32>,
}

impl Tally {
    fn add(&mut self, info: &Info) {
        self.scores.push(info.score);
        self.lines.push(info.number_of_lines);
    }
}

fn mean(v: &[u32]) -> f64 {
    if v.is_empty() {
        0.0
    } else {
        v.iter().map(|&x| f64::from(x)).sum::<f64>() / v.len() as f64
    }
}

fn progress_bar(steps: u64, show: bool) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(steps);
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} steps  {rate}  eta {eta}")
    {
        pb.set_style(style.with_key(
            "rate",
            |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0} steps/s", s.per_sec());
            },
        ));
    }
    pb
}

pub fn run(args: &PlayArgs, spec: EnvSpec, rom: &Rom) -> Result<ExitCode, CliError> {
    let obs = if args.render {
        ObservationKind::Rgb // the console must draw
    } else {
        ObservationKind::None // the fastest
    };
    let spec = spec.observation(obs);
    let space = spec.action_space;
    let mut env = spec.build(rom)?;
    let mut fe = if args.render {
        Some(Frontend::new(
            &format!("tetris-nes · {} · random", args.env),
            args.scale,
            false,
        )?)
    } else {
        None
    };
    let mut rng = args
        .seed
        .map_or_else(SplitMix64::from_entropy, SplitMix64::new);
    crate::interrupt::install();
    let mut out = Stdout::new();
    let n = env.action_count();
    let max_steps = args.steps.unwrap_or(DEFAULT_STEPS);
    let pb = progress_bar(max_steps, std::io::stderr().is_terminal() && fe.is_none());

    let start = Instant::now();
    env.reset(args.seed)?;
    let mut tally = Tally::default();
    let (mut steps, mut total_reward) = (0u64, 0.0f64);
    let mut in_episode = true;
    while steps < max_steps && !crate::interrupt::interrupted() {
        if !in_episode {
            env.reset(None)?;
            in_episode = true;
        }
        let step = env.step(rng.below(n))?;
        total_reward += step.reward;
        steps += 1;
        if step.terminated || step.truncated {
            let info = step.info;
            tally.add(&info);
            tally.finished += 1;
            if info.crashed {
                tally.crashes += 1;
                if !args.json {
                    outln!(out, "{}", super::play::crash_message(&info))?;
                }
            }
            in_episode = false;
        }
        if let Some(fe) = fe.as_mut() {
            let cmd = fe.poll();
            fe.draw(env.console().frame_buffer())?;
            fe.set_title(&super::play::title(
                &format!("{} · random", args.env),
                env.info(),
                env.info().paused,
            ));
            if cmd.quit || args.max_frames.is_some_and(|m| steps >= m) {
                break;
            }
            fe.wait_frame();
        }
        if steps % 1024 == 0 {
            pb.set_position(steps);
        }
    }
    if in_episode {
        tally.add(env.info());
    }
    let elapsed = start.elapsed().as_secs_f64();
    pb.finish_and_clear();

    let summary = Summary {
        env: args.env.clone(),
        action_space: space.name(),
        seed: args.seed,
        steps,
        episodes: tally.scores.len() as u64,
        episodes_finished: tally.finished,
        crashes: tally.crashes,
        mean_score: mean(&tally.scores),
        max_score: tally.scores.iter().copied().max().unwrap_or(0),
        mean_lines: mean(&tally.lines),
        max_lines: tally.lines.iter().copied().max().unwrap_or(0),
        total_reward,
        elapsed_sec: elapsed,
        steps_per_sec: if elapsed > 0.0 {
            steps as f64 / elapsed
        } else {
            0.0
        },
        interrupted: crate::interrupt::interrupted(),
    };
    if args.json {
        out.json_line("summary", &summary)?;
    } else {
        print_text(&mut out, &summary)?;
    }
    out.finish()?;
    Ok(if summary.interrupted {
        ExitCode::from(INTERRUPTED)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_text(out: &mut Stdout, s: &Summary) -> Result<(), CliError> {
    let seed = s
        .seed
        .map_or_else(|| "random".to_owned(), |v| v.to_string());
    outln!(
        out,
        "random agent on {} ({} actions, seed {seed})",
        s.env,
        s.action_space
    )?;
    outln!(
        out,
        "steps     {}\nepisodes  {} ({} finished, {} crashed)",
        s.steps,
        s.episodes,
        s.episodes_finished,
        s.crashes
    )?;
    outln!(
        out,
        "score     mean {:.1}, max {}",
        s.mean_score,
        s.max_score
    )?;
    outln!(
        out,
        "lines     mean {:.1}, max {}",
        s.mean_lines,
        s.max_lines
    )?;
    outln!(out, "reward    total {}", s.total_reward)?;
    outln!(
        out,
        "speed     {:.0} steps/s ({:.2} s)",
        s.steps_per_sec,
        s.elapsed_sec
    )?;
    if s.interrupted {
        outln!(
            out,
            "interrupted (Ctrl-C) after {} of the steps asked",
            s.steps
        )?;
    }
    Ok(())
}
