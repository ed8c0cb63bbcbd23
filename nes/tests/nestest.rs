//! nestest in automation mode (start at $C000), compared line by line with nestest.log:
//! every register, the disassembly and the cycle count of all 8,991 instructions.
//!
//! The ROM is found through `NES_TEST_ROMS` or a `shared/test-roms` directory above the
//! workspace. A flat 64 KiB bus stands in for the console (no cartridge crate needed): the
//! 16 KiB PRG is mirrored at $8000 and $C000, and the PPU column is derived from the cycle
//! count (3 dots per cycle, 341 dots per scanline; nestest never turns rendering on).
//! <https://www.nesdev.org/wiki/Emulator_tests>

use std::path::{Path, PathBuf};

use nes::cpu::trace::nestest_line;
use nes::cpu::{Cpu, CpuBus, Registers};

/// 64 KiB of RAM that counts cycles.
struct FlatBus {
    mem: Vec<u8>,
    cycles: u64,
}

impl CpuBus for FlatBus {
    fn read(&mut self, addr: u16) -> u8 {
        self.cycles += 1;
        self.mem[usize::from(addr)]
    }

    fn write(&mut self, addr: u16, val: u8) {
        self.cycles += 1;
        self.mem[usize::from(addr)] = val;
    }

    fn peek(&self, addr: u16) -> u8 {
        // The log was made on a machine where the APU/IO registers read back $FF.
        if (0x4000..=0x401F).contains(&addr) {
            0xFF
        } else {
            self.mem[usize::from(addr)]
        }
    }

    fn nmi_line(&mut self) -> bool {
        false
    }

    fn irq_line(&mut self) -> bool {
        false
    }

    fn cycles(&self) -> u64 {
        self.cycles
    }

    fn dma_pending(&self) -> bool {
        false
    }

    fn take_oam_dma(&mut self) -> Option<u8> {
        None
    }

    fn dmc_dma_request(&self) -> Option<u16> {
        None
    }

    fn dmc_dma_complete(&mut self, _val: u8) {}
}

/// `NES_TEST_ROMS`, else the first `shared/test-roms` above the workspace root.
fn test_roms_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("NES_TEST_ROMS") {
        return Some(PathBuf::from(dir));
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent()?;
    workspace
        .parent()?
        .ancestors()
        .map(|dir| dir.join("shared").join("test-roms"))
        .find(|dir| dir.is_dir())
}

/// The nestest files, or `None` after a loud skip message (a failure under `CI=true`).
fn nestest_files() -> Option<(Vec<u8>, String)> {
    let dir = test_roms_dir().unwrap_or_else(|| PathBuf::from("<no shared/test-roms found>"));
    let rom = std::fs::read(dir.join("nestest/nestest.nes"));
    let log = std::fs::read_to_string(dir.join("nestest/nestest.log"));
    match (rom, log) {
        (Ok(rom), Ok(log)) => Some((rom, log)),
        _ => {
            let msg = format!(
                "nestest ROM/log not found under {} (set NES_TEST_ROMS)",
                dir.display()
            );
            assert!(std::env::var("CI").as_deref() != Ok("true"), "{msg}");
            eprintln!("\n*** SKIPPED nestest: {msg} ***\n");
            None
        }
    }
}

#[test]
fn nestest_matches_log() {
    let Some((rom, log)) = nestest_files() else {
        return;
    };
    assert_eq!(&rom[..4], b"NES\x1A", "nestest.nes is not an iNES file");
    let prg = &rom[16..16 + 0x4000];
    let mut bus = FlatBus {
        mem: vec![0; 0x10000],
        cycles: 7,
    };
    bus.mem[0x8000..0xC000].copy_from_slice(prg);
    bus.mem[0xC000..].copy_from_slice(prg);

    let mut cpu = Cpu::new();
    cpu.set_registers(Registers {
        pc: 0xC000,
        a: 0,
        x: 0,
        y: 0,
        p: 0x24,
        sp: 0xFD,
    });

    let expected: Vec<&str> = log.lines().collect();
    assert_eq!(expected.len(), 8991, "nestest.log should have 8,991 lines");
    let mut got: Vec<String> = Vec::with_capacity(expected.len());
    for (i, want) in expected.iter().enumerate() {
        let dots = bus.cycles * 3;
        let line = nestest_line(
            &cpu.registers(),
            |a| bus.peek(a),
            (dots / 341) as i32,
            (dots % 341) as u32,
            bus.cycles,
        );
        if line != *want {
            let from = i.saturating_sub(5);
            let mut context = String::new();
            for (n, prev) in got.iter().enumerate().skip(from) {
                context.push_str(&format!("  {:>5}: {prev}\n", n + 1));
            }
            panic!(
                "nestest.log line {} differs\n{context}expected {want}\n     got {line}",
                i + 1
            );
        }
        got.push(line);
        if let Err(jam) = cpu.step(&mut bus) {
            panic!("line {}: {jam}", i + 1);
        }
    }
    // nestest reports failures in $02 (official) and $03 (unofficial).
    assert_eq!((bus.mem[2], bus.mem[3]), (0, 0), "nestest error codes");
}
