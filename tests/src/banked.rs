//! Small bank-switching test ROMs, assembled here byte by byte (nothing binary is committed),
//! for checking that the console's fast paths follow the code a PRG bank switch puts under
//! the CPU.
//!
//! Every ROM has 128 KiB of PRG ROM (eight 16 KiB banks) and 8 KiB of CHR RAM, and runs the
//! same program: each frame it maps the next of four banks and calls the routine it holds at
//! one and the same address `P`; all four routines are loops that a fast path could take for
//! another:
//! 0. `LDA $10 / BEQ P / RTS` — an idle loop until the NMI sets $10;
//! 1. `INC $20 / LDA $10 / BEQ P / RTS` — counts in RAM until the NMI (not idle);
//! 2. `STA ($00),Y / DEY / BNE P / RTS` — fills $0300–$03FF with the frame number;
//! 3. `STA ($02),Y / DEY / BNE P / RTS` — fills $0400–$04FF.
//!
//! Then it waits for the NMI in the fixed code (`LDA $10 / BEQ`), and the NMI handler counts
//! frames at $22. A console that remembered a loop by its address alone would run bank 0's
//! idle loop in place of bank 1's counter, or fill through the wrong pointer.
//!
//! Boards: UxROM (mapper 2, `P` = $8000 in the switchable bank, the program in the fixed last
//! bank) and MMC1 (mapper 1) in its three PRG modes, see [`Board`].

use std::collections::HashMap;

/// The board and, for MMC1, the PRG banking mode the program sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Board {
    /// Mapper 2: 16 KiB at $8000 switched, the last bank fixed at $C000.
    Uxrom,
    /// MMC1 PRG mode 3: 16 KiB at $8000 switched, the last bank fixed at $C000.
    Mmc1SwitchLow,
    /// MMC1 PRG mode 2: the first bank fixed at $8000, 16 KiB at $C000 switched (the routines
    /// run at $C000, the program from $B000).
    Mmc1SwitchHigh,
    /// MMC1 PRG mode 0: all 32 KiB switched at once (the program is in every bank).
    Mmc1Switch32k,
}

impl Board {
    /// Every board, for tests that run them all.
    pub const ALL: [Board; 4] = [
        Board::Uxrom,
        Board::Mmc1SwitchLow,
        Board::Mmc1SwitchHigh,
        Board::Mmc1Switch32k,
    ];
}

const BANK: usize = 0x4000;
const BANKS: usize = 8;
/// Offset, in each 16 KiB bank, of the program (and of the vectors at its end).
const PROGRAM_OFFSET: usize = 0x3000;

/// The iNES file of the bank-switching program on `board`.
#[must_use]
pub fn rom(board: Board) -> Vec<u8> {
    // Where the routines run, which banks hold them (bank-register values), and where the
    // program is assembled.
    let (routine_at, routine_banks, program_at): (u16, [u8; 4], u16) = match board {
        Board::Uxrom | Board::Mmc1SwitchLow => (0x8000, [0, 1, 2, 3], 0xF000),
        Board::Mmc1SwitchHigh => (0xC000, [1, 2, 3, 4], 0xB000),
        // 32 KiB banks: register value 2k maps banks 2k and 2k + 1.
        Board::Mmc1Switch32k => (0x8000, [0, 2, 4, 6], 0xF000),
    };
    let program = program(board, routine_at, routine_banks, program_at);
    let mut prg = vec![0xEA; BANK * BANKS];
    for bank in 0..BANKS {
        let base = bank * BANK + PROGRAM_OFFSET;
        prg[base..base + program.len()].copy_from_slice(&program);
    }
    for (kind, &reg) in routine_banks.iter().enumerate() {
        // The 16 KiB bank that appears at `routine_at` for this register value.
        let base = usize::from(reg) * BANK + usize::from(routine_at) % BANK;
        let code = routine(kind, routine_at);
        prg[base..base + code.len()].copy_from_slice(&code);
    }
    let mapper: u8 = if board == Board::Uxrom { 2 } else { 1 };
    // iNES: PRG in 16 KiB units, no CHR ROM (8 KiB CHR RAM), vertical mirroring.
    let mut file = vec![b'N', b'E', b'S', 0x1A, BANKS as u8, 0, (mapper << 4) | 1, 0];
    file.resize(16, 0);
    file.extend_from_slice(&prg);
    file
}

/// Routine `kind` (see the module docs), assembled at `at`.
fn routine(kind: usize, at: u16) -> Vec<u8> {
    let mut a = Asm::new(at);
    a.label("top");
    match kind {
        0 => {
            a.bytes(&[0xA5, 0x10]); // LDA $10
            a.branch(0xF0, "top"); // BEQ top
        }
        1 => {
            a.bytes(&[0xE6, 0x20, 0xA5, 0x10]); // INC $20 / LDA $10
            a.branch(0xF0, "top");
        }
        _ => {
            let zp = if kind == 2 { 0x00 } else { 0x02 };
            a.bytes(&[0x91, zp, 0x88]); // STA (zp),Y / DEY
            a.branch(0xD0, "top"); // BNE top
        }
    }
    a.bytes(&[0x60]); // RTS
    a.finish()
}

/// The program (reset, main loop, NMI handler, bank selection, vectors' targets), assembled
/// at `at`; the vectors go at the end of the bank.
fn program(board: Board, routine_at: u16, routine_banks: [u8; 4], at: u16) -> Vec<u8> {
    let mut a = Asm::new(at);
    a.label("reset");
    a.bytes(&[0x78, 0xD8, 0xA2, 0xFF, 0x9A]); // SEI / CLD / LDX #$FF / TXS
    if board != Board::Uxrom {
        let control: u8 = match board {
            Board::Mmc1SwitchHigh => 0x08,
            Board::Mmc1Switch32k => 0x00,
            _ => 0x0C,
        } | 0x02; // vertical mirroring
        a.bytes(&[0xA9, 0x80, 0x8D, 0x00, 0x80]); // LDA #$80 / STA $8000: reset the MMC1
        a.bytes(&[0xA9, control]);
        a.serial_write(0x8000);
    }
    // PPU off; two vblanks (the PPU ignores $2000 until then); pointers $00 = $0300,
    // $02 = $0400; routine index $21 = 0; NMI on.
    a.bytes(&[0xA9, 0x00, 0x8D, 0x00, 0x20, 0x8D, 0x01, 0x20]);
    for name in ["vblank1", "vblank2"] {
        a.label(name);
        a.bytes(&[0x2C, 0x02, 0x20]); // BIT $2002
        a.branch(0x10, name); // BPL
    }
    a.bytes(&[0xA9, 0x00]);
    a.bytes(&[
        0x85, 0x00, 0x85, 0x02, 0x85, 0x21, 0xA9, 0x03, 0x85, 0x01, 0xA9, 0x04, 0x85, 0x03,
    ]);
    a.bytes(&[0xA9, 0x80, 0x8D, 0x00, 0x20]);
    a.label("main");
    a.bytes(&[0xA9, 0x00, 0x85, 0x10]); // LDA #0 / STA $10
    a.bytes(&[0xA6, 0x21]); // LDX $21
    a.absolute(0xBD, "banks"); // LDA banks,X
    if board == Board::Uxrom {
        a.bytes(&[0x8D, 0x00, 0xC0]); // STA $C000 (any $8000-$FFFF address)
    } else {
        a.serial_write(0xE000);
    }
    a.bytes(&[0xA0, 0x00, 0xA5, 0x22]); // LDY #0 / LDA $22
    a.bytes(&[0x20]); // JSR routine
    a.word(routine_at);
    a.label("wait");
    a.bytes(&[0xA5, 0x10]); // LDA $10
    a.branch(0xF0, "wait"); // BEQ wait
                            // $21 = ($21 + 1) & 3
    a.bytes(&[0xA5, 0x21, 0x18, 0x69, 0x01, 0x29, 0x03, 0x85, 0x21]);
    a.absolute(0x4C, "main"); // JMP main
    a.label("nmi");
    // PHA / INC $22 / LDA #1 / STA $10 / PLA / RTI
    a.bytes(&[0x48, 0xE6, 0x22, 0xA9, 0x01, 0x85, 0x10, 0x68, 0x40]);
    a.label("banks");
    a.bytes(&routine_banks);
    let vectors_at = at - PROGRAM_OFFSET as u16 + (BANK as u16 - 6);
    a.pad_to(vectors_at);
    a.absolute_word("nmi");
    a.absolute_word("reset");
    a.absolute_word("nmi");
    a.finish()
}

/// A minimal assembler: raw bytes, labels, and label fixups for absolute and relative
/// operands.
struct Asm {
    org: u16,
    out: Vec<u8>,
    labels: HashMap<&'static str, u16>,
    /// (offset of the operand, label, relative?)
    fixups: Vec<(usize, &'static str, bool)>,
}

impl Asm {
    fn new(org: u16) -> Asm {
        Asm {
            org,
            out: Vec::new(),
            labels: HashMap::new(),
            fixups: Vec::new(),
        }
    }

    fn here(&self) -> u16 {
        self.org + self.out.len() as u16
    }

    fn label(&mut self, name: &'static str) {
        self.labels.insert(name, self.here());
    }

    fn bytes(&mut self, b: &[u8]) {
        self.out.extend_from_slice(b);
    }

    fn word(&mut self, w: u16) {
        self.out.extend_from_slice(&w.to_le_bytes());
    }

    /// An instruction with an absolute operand that is a label.
    fn absolute(&mut self, opcode: u8, label: &'static str) {
        self.out.push(opcode);
        self.absolute_word(label);
    }

    fn absolute_word(&mut self, label: &'static str) {
        self.fixups.push((self.out.len(), label, false));
        self.out.extend_from_slice(&[0, 0]);
    }

    fn branch(&mut self, opcode: u8, label: &'static str) {
        self.out.push(opcode);
        self.fixups.push((self.out.len(), label, true));
        self.out.push(0);
    }

    /// Writes A to an MMC1 register one bit at a time (STA addr / LSR A, five times).
    fn serial_write(&mut self, addr: u16) {
        for i in 0..5 {
            self.out.push(0x8D);
            self.word(addr);
            if i < 4 {
                self.out.push(0x4A);
            }
        }
    }

    fn pad_to(&mut self, addr: u16) {
        assert!(self.here() <= addr, "program too long");
        self.out.resize(usize::from(addr - self.org), 0xEA);
    }

    fn finish(mut self) -> Vec<u8> {
        for (at, label, relative) in std::mem::take(&mut self.fixups) {
            let target = self.labels[label];
            if relative {
                let next = i32::from(self.org) + at as i32 + 1;
                let offset = i32::from(target) - next;
                let offset = i8::try_from(offset).expect("branch in range");
                self.out[at] = offset as u8;
            } else {
                self.out[at..at + 2].copy_from_slice(&target.to_le_bytes());
            }
        }
        self.out
    }
}
