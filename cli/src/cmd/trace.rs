//! `tetris-nes trace ROM [--start-pc C000] [--lines N]`.

use crate::CliError;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct TraceArgs {
    /// The ROM to run.
    rom: PathBuf,
    /// Start at this PC (hex) instead of the reset vector, as nestest's automation mode does.
    #[arg(long)]
    start_pc: Option<String>,
    /// Instructions to trace.
    #[arg(long, default_value_t = 10_000)]
    lines: u64,
}

pub fn run(args: &TraceArgs) -> Result<ExitCode, CliError> {
    let _cart = super::load_cart(&args.rom)?;
    Err(CliError::Other("trace: not yet implemented".into()))
}
