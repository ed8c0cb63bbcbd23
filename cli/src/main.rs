//! The `tetris-nes` command: NES Tetris as a playable game and an RL environment, plus the
//! emulator's tools (CPU trace, test-ROM conformance, ROM info).
//!
//! Every error that input can cause ends the program with exit code 2 and one line on stderr.

mod cmd;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// NES Tetris on a cycle-accurate NES emulator: play it, or use it as an RL environment.
#[derive(Debug, Parser)]
#[command(name = "tetris-nes", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs a ROM and prints a CPU trace in nestest.log format.
    Trace(cmd::trace::TraceArgs),
    /// Runs every .nes test ROM under DIR and prints one verdict per ROM.
    Conformance(cmd::conformance::ConformanceArgs),
    /// Plays an FCEUX .fm2 movie from power-on; with --checks, checks its RAM facts.
    Movie(cmd::movie::MovieArgs),
    /// Replays a list of actions in the environment and writes a JSON-lines trace.
    Replay(cmd::replay::ReplayArgs),
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

/// An error that ends the program: printed as one line, exit code 2 (1 is kept for "ran, and
/// some check failed").
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Rom {
        path: PathBuf,
        source: nes::CartError,
    },
    #[error("{0}")]
    Other(String),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Trace(args) => cmd::trace::run(&args),
        Command::Conformance(args) => cmd::conformance::run(&args),
        Command::Movie(args) => cmd::movie::run(&args),
        Command::Replay(args) => cmd::replay::run(&args),
        Command::Rom {
            command: RomCommand::Info { file, json },
        } => cmd::rom::info(&file, json),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("tetris-nes: {e}");
            ExitCode::from(2)
        }
    }
}
