//! `tetris-nes trace ROM [--start-pc C000] [--lines N]`: a CPU trace of the whole console in
//! nestest.log's format (PC, bytes, disassembly, A X Y P SP, PPU scanline/dot, CYC).

use crate::CliError;
use nes::Nes;
use std::io::Write;
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
    u16::from_str_radix(digits, 16).map_err(|_| format!("{s:?} is not a 16-bit hex address"))
}

pub fn run(args: &TraceArgs) -> Result<ExitCode, CliError> {
    let mut nes = Nes::new(super::load_cart(&args.rom)?);
    if let Some(pc) = args.start_pc {
        let regs = conformance::trace::automation_start(&nes, pc);
        nes.cpu_mut().set_registers(regs);
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut write_error = None;
    let result = conformance::trace::trace(&mut nes, args.lines, |line| {
        if write_error.is_none() {
            if let Err(e) = writeln!(out, "{line}") {
                write_error = Some(e);
            }
        }
    });
    // A closed pipe (e.g. `| head`) ends the trace quietly.
    if let Some(e) = write_error.or_else(|| out.flush().err()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Ok(ExitCode::SUCCESS);
        }
        return Err(CliError::Other(format!("writing the trace: {e}")));
    }
    match result {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => {
            eprintln!("tetris-nes: trace stopped: {e}");
            Ok(ExitCode::from(1))
        }
    }
}
