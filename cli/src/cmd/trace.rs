//! `tetris-nes trace ROM [--start-pc C000] [--lines N]`: a CPU trace of the whole console in
//! nestest.log's format (PC, bytes, disassembly, A X Y P SP, PPU scanline/dot, CYC).
//!
//! The trace stops at once when its reader is gone (a closed pipe: quietly, exit 0) or on
//! another write error (exit 2), on Ctrl-C (after a whole line, exit 130), and on a CPU jam
//! (the lines so far, then one error line and exit 2, as every command that runs the
//! console).

use crate::error::{CliError, INTERRUPTED};
use crate::output::{outln, Stdout};
use nes::Nes;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct TraceArgs {
    /// The ROM to run.
    rom: PathBuf,
    /// Start at this PC (hex, e.g. C000) with P=$24 SP=$FD, as nestest's automation mode does;
    /// otherwise the trace starts at the reset vector.
    #[arg(long, value_parser = parse_hex_u16)]
    start_pc: Option<u16>,
    /// Instructions to trace.
    #[arg(long, default_value_t = 10_000)]
    lines: u64,
}

fn parse_hex_u16(s: &str) -> Result<u16, String> {
    let digits = s.trim_start_matches('$').trim_start_matches("0x");
    u16::from_str_radix(digits, 16).map_err(|_| {
        format!(
            "{} is not a 16-bit hex address",
            tetris_env::error::excerpt(s)
        )
    })
}

pub fn run(args: &TraceArgs) -> Result<ExitCode, CliError> {
    let mut nes = Nes::new(crate::rom_path::load_cart_file(&args.rom)?);
    if let Some(pc) = args.start_pc {
        let regs = conformance::trace::automation_start(&nes, pc);
        nes.cpu_mut().set_registers(regs);
    }
    crate::interrupt::install();
    let mut out = Stdout::new();
    let mut write_error = None;
    let result = conformance::trace::trace(&mut nes, args.lines, |line| {
        if crate::interrupt::interrupted() {
            return ControlFlow::Break(());
        }
        match outln!(out, "{line}") {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => {
                write_error = Some(e);
                ControlFlow::Break(())
            }
        }
    });
    if let Some(e) = write_error {
        return Err(e);
    }
    out.finish()?;
    match result {
        Ok(()) if crate::interrupt::interrupted() => Ok(ExitCode::from(INTERRUPTED)),
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => Err(CliError::Other(format!("trace stopped: {e}"))),
    }
}
