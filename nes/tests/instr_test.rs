//! blargg's instr_test-v5 singles (every opcode's result, official and unofficial) on the
//! CPU alone: a flat NROM-like bus with RAM at $6000 where the ROMs report their result.
//!
//! The ROMs only need the PPU to say "in vblank" ($2002 bit 7) while they set up; nothing
//! else of the console is involved, so a CPU bug cannot hide behind another chip's.
//! Result protocol: $6001-$6003 = DE B0 61 once running, $6000 = $80 while running, then the
//! result code (0 = passed) and a text report at $6004.
//! <https://github.com/christopherpow/nes-test-roms/tree/master/instr_test-v5>

mod common;

use nes::cpu::{Cpu, CpuBus};

struct NromBus {
    ram: [u8; 0x800],
    sram: Vec<u8>,
    prg: Vec<u8>,
    cycles: u64,
}

impl NromBus {
    fn get(&self, addr: u16) -> u8 {
        match addr {
            0x0000..=0x1FFF => self.ram[usize::from(addr & 0x7FF)],
            // Always "in vblank": the shell's waits for vblank return at once.
            0x2000..=0x3FFF => 0x80,
            0x6000..=0x7FFF => self.sram[usize::from(addr - 0x6000)],
            0x8000..=0xFFFF => self.prg[usize::from(addr - 0x8000) % self.prg.len()],
            _ => 0,
        }
    }
}

impl CpuBus for NromBus {
    fn read(&mut self, addr: u16) -> u8 {
        self.cycles += 1;
        self.get(addr)
    }

    fn write(&mut self, addr: u16, val: u8) {
        self.cycles += 1;
        match addr {
            0x0000..=0x1FFF => self.ram[usize::from(addr & 0x7FF)] = val,
            0x6000..=0x7FFF => self.sram[usize::from(addr - 0x6000)] = val,
            _ => {}
        }
    }

    fn peek(&self, addr: u16) -> u8 {
        self.get(addr)
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

fn run(name: &str) {
    let Some(rom) = common::read_test_file(&format!("instr_test-v5/rom_singles/{name}")) else {
        return;
    };
    let prg_len = usize::from(rom[4]) * 0x4000;
    let mut bus = NromBus {
        ram: [0; 0x800],
        sram: vec![0; 0x2000],
        prg: rom[16..16 + prg_len].to_vec(),
        cycles: 0,
    };
    let mut cpu = Cpu::new();
    cpu.power_on(&mut bus);
    let running = |bus: &NromBus| bus.sram[1..4] == [0xDE, 0xB0, 0x61];
    while bus.cycles < 200_000_000 {
        if let Err(jam) = cpu.step(&mut bus) {
            panic!("{name}: {jam}");
        }
        if running(&bus) && bus.sram[0] < 0x80 {
            break;
        }
    }
    let text: String = bus.sram[4..]
        .iter()
        .take_while(|&&b| b != 0)
        .map(|&b| char::from(b))
        .collect();
    assert!(
        running(&bus) && bus.sram[0] < 0x80,
        "{name}: did not finish\n{text}"
    );
    assert_eq!(bus.sram[0], 0, "{name} failed:\n{text}");
}

macro_rules! instr_tests {
    ($($test:ident => $rom:literal,)*) => {
        $(
            #[test]
            fn $test() {
                run($rom);
            }
        )*
    };
}

instr_tests! {
    basics => "01-basics.nes",
    implied => "02-implied.nes",
    immediate => "03-immediate.nes",
    zero_page => "04-zero_page.nes",
    zp_xy => "05-zp_xy.nes",
    absolute => "06-absolute.nes",
    abs_xy => "07-abs_xy.nes",
    ind_x => "08-ind_x.nes",
    ind_y => "09-ind_y.nes",
    branches => "10-branches.nes",
    stack => "11-stack.nes",
    jmp_jsr => "12-jmp_jsr.nes",
    rts => "13-rts.nes",
    rti => "14-rti.nes",
    brk => "15-brk.nes",
    special => "16-special.nes",
}
