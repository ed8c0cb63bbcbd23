//! CPU traces of the whole console in nestest.log's format, one line per instruction.

use nes::{Nes, NesError, Registers};

/// nestest's automation start: PC $C000, P $24, SP $FD (the state its log begins in).
#[must_use]
pub fn automation_start(nes: &Nes, pc: u16) -> Registers {
    Registers {
        pc,
        p: 0x24,
        sp: 0xFD,
        ..nes.registers()
    }
}

/// Runs `lines` instructions, handing each trace line (taken before the instruction runs) to
/// `out`, which may stop the trace early (its reader is gone, Ctrl-C). The PPU column is the
/// PPU's own position at that moment.
pub fn trace(
    nes: &mut Nes,
    lines: u64,
    mut out: impl FnMut(&str) -> std::ops::ControlFlow<()>,
) -> Result<(), NesError> {
    for _ in 0..lines {
        nes.bus_mut().sync();
        let (scanline, dot) = (nes.bus().ppu().scanline(), nes.bus().ppu().dot());
        // nestest.log numbers the pre-render line -1.
        let scanline = if scanline == 261 {
            -1
        } else {
            i32::from(scanline)
        };
        let line = nes.cpu().trace_line(nes.bus(), scanline, u32::from(dot));
        if out(&line).is_break() {
            break;
        }
        nes.step()?;
    }
    Ok(())
}

/// The fields of a nestest.log line that a trace must reproduce: PC, A, X, Y, P, SP, CYC.
#[must_use]
pub fn registers_and_cycles(line: &str) -> Option<(String, String, String)> {
    let pc = line.get(0..4)?.to_string();
    let regs = line
        .find("A:")
        .and_then(|i| line.get(i..i + 25))?
        .to_string();
    let cyc = line.rsplit_once("CYC:")?.1.trim().to_string();
    Some((pc, regs, cyc))
}
