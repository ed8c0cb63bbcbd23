//! nestest in automation mode (start at $C000), compared line by line with nestest.log:
//! every register, the disassembly and the cycle count of all 8,991 instructions.
//!
//! The ROM is found through `NES_TEST_ROMS` or a `shared/test-roms` directory above the
//! workspace. A flat 64 KiB bus stands in for the console (no cartridge crate needed): the
//! 16 KiB PRG is mirrored at $8000 and $C000, and the PPU column is derived from the cycle
//! count (3 dots per cycle, 341 dots per scanline; nestest never turns rendering on).
//! <https://www.nesdev.org/wiki/Emulator_tests>

mod common;

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

    fn dmc_dma_fetch(&mut self, addr: u16, _cpu_addr: u16, _oam_running: bool) -> u8 {
        self.read(addr)
    }
}

#[test]
fn nestest_matches_log() {
    let (Some(rom), Some(log)) = (
        common::read_test_file("nestest/nestest.nes"),
        common::read_test_file("nestest/nestest.log"),
    ) else {
        return;
    };
    let log = String::from_utf8_lossy(&log);
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
        let line = cpu.trace_line(&bus, (dots / 341) as i32, (dots % 341) as u32);
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
