//! The `tetris-nes` command: NES Tetris as a playable game and an RL environment, plus the
//! emulator's tools (CPU trace, test-ROM conformance, ROM info).
//!
//! Every error that input can cause ends the program with exit code 2 and one line on stderr.
//!
//! Shared input/output path, for every command (new ones too): [`rom_path`] (the one ROM
//! lookup, bounded input reads), [`output`] (pipe-aware stdout, atomic output files that are
//! never an input), [`error`] (the one error type, its one-line message, exit codes),
//! [`interrupt`] (Ctrl-C), and `tetris_env::seeding::SplitMix64` (the one generator).

mod cmd;
mod error;
mod interrupt;
mod output;
mod png_out;
mod rom_path;
mod schedule;
mod sdl;

pub use error::CliError;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// NES Tetris on a cycle-accurate NES emulator: play it, or use it as an RL environment.
///
/// With no subcommand, plays: a window for a human (default) or a random agent (`-m random`).
#[derive(Debug, Parser)]
#[command(
    name = "tetris-nes",
    version,
    about,
    after_help = cmd::play::EXAMPLES,
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    play: cmd::play::PlayArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs a ROM and prints a CPU trace in nestest.log format.
    Trace(cmd::trace::TraceArgs),
    /// Measures environment throughput (steps/s per observation kind, VecEnv scaling,
    /// snapshot + restore time).
    Bench(cmd::bench::BenchArgs),
    /// Runs every .nes test ROM under DIR and prints one verdict per ROM.
    Conformance(cmd::conformance::ConformanceArgs),
    /// Plays an FCEUX .fm2 movie from power-on; with --checks, checks its RAM facts.
    Movie(cmd::movie::MovieArgs),
    /// Replays a list of actions in the environment and writes a JSON-lines trace.
    Replay(cmd::replay::ReplayArgs),
    /// Runs a ROM from power-on for some frames and saves the last picture as a PNG.
    Screenshot(cmd::screenshot::ScreenshotArgs),
    /// ROM tools.
    Rom {
        #[command(subcommand)]
        command: RomCommand,
    },
}

#[derive(Debug, Subcommand)]
enum RomCommand {
    /// Prints a ROM's header fields, mapper, sizes and checksums.
    Info {
        /// The .nes file.
        file: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    let result = match cli.command {
        None => cmd::play::run(&cli.play),
        Some(Command::Screenshot(args)) => cmd::screenshot::run(&args),
        Some(Command::Trace(args)) => cmd::trace::run(&args),
        Some(Command::Conformance(args)) => cmd::conformance::run(&args),
        Some(Command::Bench(args)) => cmd::bench::run(&args),
        Some(Command::Movie(args)) => cmd::movie::run(&args),
        Some(Command::Replay(args)) => cmd::replay::run(&args),
        Some(Command::Rom {
            command: RomCommand::Info { file, json },
        }) => cmd::rom::info(&file, json),
    };
    error::finish(result)
}

/// Help and version go to stdout (exit 0); any other parse error is one line on stderr and
/// exit code 2, like every other error.
fn usage_error(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        // A closed pipe or a full disk: help is not worth a panic or an error.
        use std::io::Write;
        let mut out = std::io::stdout();
        let _ = write!(out, "{}", e.render()).and_then(|()| out.flush());
        return ExitCode::SUCCESS;
    }
    // The message is its first paragraph (clap adds a tip and the usage after a blank line).
    let text = e.render().to_string();
    let message: Vec<&str> = text
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect();
    let message = message.join(" ");
    let message = message.strip_prefix("error: ").unwrap_or(&message);
    error::report(&format!("{message} (see --help)"));
    ExitCode::from(error::ERROR)
}
