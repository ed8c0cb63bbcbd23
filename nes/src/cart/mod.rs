//! Cartridges: iNES / NES 2.0 parsing and the boards (mappers) this emulator supports.
//!
//! A cartridge is the game's ROM chips plus whatever sits between them and the console's
//! buses: the mapper, PRG RAM at $6000–$7FFF, CHR RAM, and the wiring of the nametable
//! address lines. The console sees it through two windows:
//! - the CPU's $4020–$FFFF ([`Cart::cpu_read`], [`Cart::cpu_write`]);
//! - the PPU's pattern tables $0000–$1FFF ([`Cart::chr_read`], [`Cart::chr_write`]) and the
//!   choice of which 1 KiB of the console's nametable RAM (CIRAM) answers each nametable
//!   address ([`Cart::nametable_offset`]).
//!
//! Speed: the PPU reads CHR for every tile fetch and the CPU reads PRG for every opcode, so
//! no read looks at the mapper. Each board turns its registers into a `Windows` table on
//! register writes — PRG as four 8 KiB windows, CHR as eight 1 KiB windows, nametables as
//! four 1 KiB offsets — and a read is one table lookup plus an index. Measured on the
//! 2-core dev box (release, loop over the Tetris ROM, other builds running): about 2 ns per
//! `chr_read` or `cpu_read` against 0.7 ns for indexing a bare `Vec<u8>`; the remaining cost
//! is the bounds check and, for CHR, the ROM/RAM branch, which predicts perfectly.
//!
//! Sharing: ROM contents are `Arc<[u8]>`, so `Cart::clone()` (save states, vector envs)
//! copies only PRG RAM, CHR RAM and a few registers. [`CartState`] is that mutable part as
//! plain serde data.
//!
//! Supported: mapper 0 (NROM), 1 (MMC1 / SxROM), 2 (UxROM), 3 (CNROM).
//! <https://www.nesdev.org/wiki/Mapper>, <https://www.nesdev.org/wiki/INES>,
//! <https://www.nesdev.org/wiki/NES_2.0>

mod error;
mod header;
mod m000_nrom;
mod m001_mmc1;
mod m002_uxrom;
mod m003_cnrom;
#[cfg(test)]
mod tests;

pub use error::{CartError, Result, Section};
pub use header::{Header, HeaderFormat, Timing, HEADER_LEN, TRAINER_LEN};

use m000_nrom::Nrom;
use m001_mmc1::Mmc1;
use m002_uxrom::Uxrom;
use m003_cnrom::Cnrom;
use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};
use std::fmt;
use std::sync::Arc;

/// Nametable mirroring as the PPU sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Mirroring {
    /// $2000 = $2400, $2800 = $2C00 (vertical arrangement; games that scroll vertically).
    Horizontal,
    /// $2000 = $2800, $2400 = $2C00.
    Vertical,
    /// All four nametables are the first 1 KiB of CIRAM.
    SingleScreenLower,
    /// All four nametables are the second 1 KiB of CIRAM.
    SingleScreenUpper,
    /// Four distinct nametables: the board adds 2 KiB of VRAM (see [`NAMETABLE_RAM_SIZE`]).
    FourScreen,
}

/// How much nametable RAM the PPU must allocate so that every offset
/// [`Cart::nametable_offset`] returns is in range: the console's 2 KiB CIRAM plus the 2 KiB
/// a four-screen board adds. The PPU owns all of it; the cartridge only maps addresses.
pub const NAMETABLE_RAM_SIZE: usize = 4096;

const KIB: usize = 1024;

/// Lower-case hex of a digest, for printing [`Cart::sha1`] and friends: the one hex
/// formatter of the workspace (save-state errors, `tetris_env`'s ROM checks, `rom info`).
#[must_use]
pub fn hex(bytes: &[u8]) -> String {
    use fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The fixed facts about a cartridge that the boards bank against. Lengths are powers of
/// two, at least 8 KiB (ROMs are mirrored up to that when loaded).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Layout {
    prg_len: usize,
    chr_len: usize,
    /// 0 when the board has no PRG RAM.
    prg_ram_len: usize,
    chr_is_ram: bool,
    /// The header's soldered mirroring.
    mirroring: Mirroring,
    submapper: u8,
}

/// Where every CPU and PPU window points, as offsets into the cartridge's memories. The
/// board rebuilds it after each register write; reads only index through it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Windows {
    /// PRG ROM offsets of $8000, $A000, $C000, $E000 (8 KiB each).
    prg: [usize; 4],
    /// CHR offsets of the eight 1 KiB windows at PPU $0000–$1FFF.
    chr: [usize; 8],
    /// CIRAM offsets of the four nametables.
    nt: [usize; 4],
    /// PRG RAM offset of the $6000 window; `None` when absent or disabled.
    prg_ram: Option<usize>,
    /// Mask applied to a $6000–$7FFF address (RAM smaller than 8 KiB repeats).
    prg_ram_mask: usize,
    mirroring: Mirroring,
}

impl Windows {
    fn new(layout: &Layout) -> Windows {
        let mut w = Windows {
            prg: [0; 4],
            chr: [0; 8],
            nt: [0; 4],
            prg_ram: None,
            prg_ram_mask: layout.prg_ram_len.clamp(1, 8 * KIB) - 1,
            mirroring: layout.mirroring,
        };
        w.set_mirroring(layout.mirroring);
        w
    }

    /// Maps 8 KiB bank `bank` (counted in 8 KiB units, wrapped to the ROM size) at window
    /// `slot` (0 = $8000 … 3 = $E000).
    fn map_prg_8k(&mut self, layout: &Layout, slot: usize, bank: usize) {
        self.prg[slot & 3] = (bank << 13) & (layout.prg_len - 1);
    }

    /// Maps 16 KiB bank `bank` at $8000 (`half` 0) or $C000 (`half` 1). `usize::MAX`
    /// selects the last bank.
    fn map_prg_16k(&mut self, layout: &Layout, half: usize, bank: usize) {
        let slot = half * 2;
        self.map_prg_8k(layout, slot, bank.wrapping_mul(2));
        self.map_prg_8k(layout, slot + 1, bank.wrapping_mul(2) | 1);
    }

    /// Maps 32 KiB bank `bank` at $8000–$FFFF.
    fn map_prg_32k(&mut self, layout: &Layout, bank: usize) {
        for slot in 0..4 {
            self.map_prg_8k(layout, slot, bank.wrapping_mul(4) | slot);
        }
    }

    /// Maps 4 KiB CHR bank `bank` at PPU $0000 (`half` 0) or $1000 (`half` 1).
    fn map_chr_4k(&mut self, layout: &Layout, half: usize, bank: usize) {
        for i in 0..4 {
            self.chr[(half & 1) * 4 + i] = ((bank << 12) | (i << 10)) & (layout.chr_len - 1);
        }
    }

    /// Maps 8 KiB CHR bank `bank` at PPU $0000–$1FFF.
    fn map_chr_8k(&mut self, layout: &Layout, bank: usize) {
        self.map_chr_4k(layout, 0, bank.wrapping_mul(2));
        self.map_chr_4k(layout, 1, bank.wrapping_mul(2) | 1);
    }

    /// Maps the 8 KiB PRG RAM bank `bank` at $6000 (`None` = nothing answers there).
    fn map_prg_ram(&mut self, layout: &Layout, bank: Option<usize>) {
        self.prg_ram = match bank {
            Some(bank) if layout.prg_ram_len > 0 => {
                Some((bank << 13) & (layout.prg_ram_len - 1) & !self.prg_ram_mask)
            }
            _ => None,
        };
    }

    fn set_mirroring(&mut self, mirroring: Mirroring) {
        self.mirroring = mirroring;
        self.nt = match mirroring {
            Mirroring::Horizontal => [0, 0, 0x400, 0x400],
            Mirroring::Vertical => [0, 0x400, 0, 0x400],
            Mirroring::SingleScreenLower => [0; 4],
            Mirroring::SingleScreenUpper => [0x400; 4],
            Mirroring::FourScreen => [0, 0x400, 0x800, 0xC00],
        };
    }
}

/// What every board does; the [`Mapper`] enum dispatches to it with a `match` (no vtable on
/// the CPU's write path).
pub(crate) trait Board {
    /// A CPU write to $8000–$FFFF on CPU cycle `cycle`.
    fn write_register(&mut self, _addr: u16, _val: u8, _cycle: u64) {}
    /// Points every window at what the registers select.
    fn map(&self, layout: &Layout, w: &mut Windows);
    /// The console's reset button (the boards here have no reset input).
    fn reset(&mut self) {}
}

/// The supported boards and their registers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Mapper {
    Nrom(Nrom),
    Mmc1(Mmc1),
    Uxrom(Uxrom),
    Cnrom(Cnrom),
}

impl Mapper {
    fn number(&self) -> u16 {
        match self {
            Mapper::Nrom(_) => 0,
            Mapper::Mmc1(_) => 1,
            Mapper::Uxrom(_) => 2,
            Mapper::Cnrom(_) => 3,
        }
    }

    fn write_register(&mut self, addr: u16, val: u8, cycle: u64) {
        match self {
            Mapper::Nrom(b) => b.write_register(addr, val, cycle),
            Mapper::Mmc1(b) => b.write_register(addr, val, cycle),
            Mapper::Uxrom(b) => b.write_register(addr, val, cycle),
            Mapper::Cnrom(b) => b.write_register(addr, val, cycle),
        }
    }

    fn map(&self, layout: &Layout, w: &mut Windows) {
        match self {
            Mapper::Nrom(b) => b.map(layout, w),
            Mapper::Mmc1(b) => b.map(layout, w),
            Mapper::Uxrom(b) => b.map(layout, w),
            Mapper::Cnrom(b) => b.map(layout, w),
        }
    }

    fn reset(&mut self) {
        match self {
            Mapper::Nrom(b) => b.reset(),
            Mapper::Mmc1(b) => b.reset(),
            Mapper::Uxrom(b) => b.reset(),
            Mapper::Cnrom(b) => b.reset(),
        }
    }
}

/// The immutable part of a cartridge, shared by every clone.
struct RomInfo {
    header: Header,
    sha1: [u8; 20],
    crc32: u32,
    rom_sha1: [u8; 20],
    rom_crc32: u32,
}

/// Everything a cartridge can change: the mapper's registers, PRG RAM and CHR RAM. Plain
/// data for save states; restore it with [`Cart::set_state`].
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartState {
    mapper: Mapper,
    prg_ram: Vec<u8>,
    chr_ram: Vec<u8>,
}

impl CartState {
    /// Checks a loaded state (see [`crate::savestate`]) against the CPU's cycle count: the
    /// board's registers (NROM has none; UxROM's and CNROM's bank latches take any byte, the
    /// bank number wraps to the ROM's size). The memory sizes are checked against the
    /// cartridge by [`Cart::set_state`].
    pub(crate) fn validate(&self, cycles: u64) -> Result<(), crate::savestate::StateError> {
        match &self.mapper {
            Mapper::Mmc1(m) => m.validate(cycles),
            Mapper::Nrom(_) | Mapper::Uxrom(_) | Mapper::Cnrom(_) => Ok(()),
        }
    }
}

/// A cartridge: ROM (shared), RAM and mapper registers.
impl Clone for CartState {
    fn clone(&self) -> CartState {
        let CartState {
            mapper,
            prg_ram,
            chr_ram,
        } = self;
        CartState {
            mapper: mapper.clone(),
            prg_ram: prg_ram.clone(),
            chr_ram: chr_ram.clone(),
        }
    }

    /// Reuses the RAM buffers (restoring a snapshot allocates nothing).
    fn clone_from(&mut self, src: &CartState) {
        let CartState {
            mapper,
            prg_ram,
            chr_ram,
        } = src;
        self.mapper.clone_from(mapper);
        self.prg_ram.clone_from(prg_ram);
        self.chr_ram.clone_from(chr_ram);
    }
}

/// A clone shares the ROM (`Arc`) and copies the mutable state; `clone_from` reuses the
/// destination's buffers.
pub struct Cart {
    info: Arc<RomInfo>,
    /// PRG ROM, mirrored up to a power of two of at least 8 KiB.
    prg: Arc<[u8]>,
    /// CHR ROM, mirrored up to a power of two of at least 8 KiB; empty with CHR RAM.
    chr_rom: Arc<[u8]>,
    layout: Layout,
    win: Windows,
    /// Registers, PRG RAM and CHR RAM (`state.chr_ram` is empty with CHR ROM).
    state: CartState,
}

impl Clone for Cart {
    fn clone(&self) -> Cart {
        let Cart {
            info,
            prg,
            chr_rom,
            layout,
            win,
            state,
        } = self;
        Cart {
            info: info.clone(),
            prg: prg.clone(),
            chr_rom: chr_rom.clone(),
            layout: *layout,
            win: win.clone(),
            state: state.clone(),
        }
    }

    fn clone_from(&mut self, src: &Cart) {
        let Cart {
            info,
            prg,
            chr_rom,
            layout,
            win,
            state,
        } = src;
        self.info.clone_from(info);
        self.prg.clone_from(prg);
        self.chr_rom.clone_from(chr_rom);
        self.layout = *layout;
        self.win.clone_from(win);
        self.state.clone_from(state);
    }
}

impl fmt::Debug for Cart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cart")
            .field("header", &self.info.header)
            .field("sha1", &hex(&self.info.sha1))
            .field("layout", &self.layout)
            .field("windows", &self.win)
            .field("mapper", &self.state.mapper)
            .finish_non_exhaustive()
    }
}

/// `data` repeated up to a power-of-two length of at least `min` bytes (how a smaller or
/// odd-sized ROM appears when the board decodes more address lines than the chip has).
fn mirror_to_pow2(data: &[u8], min: usize) -> Arc<[u8]> {
    let len = data.len().max(min).next_power_of_two();
    if data.is_empty() {
        return vec![0; len].into();
    }
    data.iter().copied().cycle().take(len).collect()
}

fn to_usize(v: u64) -> usize {
    // Sizes were checked against the file or come from 4-bit shift counts.
    usize::try_from(v).unwrap_or(usize::MAX)
}

impl Cart {
    /// Loads a `.nes` file (iNES or NES 2.0).
    pub fn from_bytes(bytes: &[u8]) -> Result<Cart> {
        let header = Header::parse(bytes)?;
        if header.prg_rom_size == 0 {
            return Err(CartError::ZeroPrg);
        }
        let (mapper, submapper) = (header.mapper, header.submapper);
        let unsupported = CartError::UnsupportedMapper { mapper, submapper };
        let board = match (mapper, submapper) {
            (0, 0) => Mapper::Nrom(Nrom),
            // Submapper 5: SEROM/SHROM/SH1ROM, PRG wired as a fixed 32 KiB.
            (1, 0 | 5) => Mapper::Mmc1(Mmc1::new()),
            // Submappers 1/2 only say whether there are bus conflicts; not modelled.
            (2, 0..=2) => Mapper::Uxrom(Uxrom::default()),
            (3, 0..=2) => Mapper::Cnrom(Cnrom::default()),
            _ => return Err(unsupported),
        };

        let prg_start = header.prg_offset();
        let prg_end = prg_start + to_usize(header.prg_rom_size);
        let chr_end = prg_end + to_usize(header.chr_rom_size);
        let prg_data = &bytes[prg_start..prg_end];
        let chr_data = &bytes[prg_end..chr_end];

        let chr_is_ram = chr_data.is_empty();
        let chr_rom = if chr_is_ram {
            Arc::from(Vec::new())
        } else {
            mirror_to_pow2(chr_data, 8 * KIB)
        };
        // Boards without CHR ROM get at least 8 KiB of CHR RAM, even when a NES 2.0 header
        // declares less (or none, which would leave the pattern tables unconnected).
        let chr_ram_len = if chr_is_ram {
            to_usize(header.chr_ram_total())
                .max(8 * KIB)
                .next_power_of_two()
        } else {
            0
        };
        // An iNES 1.0 header cannot say "no PRG RAM" (byte 8 = 0 means 8 KiB), so every board
        // loaded from one gets 8 KiB at $6000–$7FFF, as common emulators give it; test ROMs on
        // NROM (blargg's) report their results there. A NES 2.0 header is taken at its word,
        // except that MMC1 boards keep the RAM unless the header says none.
        let wants_prg_ram = match board {
            Mapper::Mmc1(_) => true,
            _ => header.format != HeaderFormat::Nes2 || header.prg_ram_declared,
        };
        let mut prg_ram_len = if wants_prg_ram {
            to_usize(header.prg_ram_total())
        } else {
            0
        };
        // A trainer is loaded at $7000, so there is RAM there.
        if header.trainer {
            prg_ram_len = prg_ram_len.max(8 * KIB);
        }
        let prg_ram_len = if prg_ram_len == 0 {
            0
        } else {
            prg_ram_len.next_power_of_two()
        };
        let mut prg_ram = vec![0u8; prg_ram_len];
        if header.trainer {
            prg_ram[0x1000..0x1000 + TRAINER_LEN]
                .copy_from_slice(&bytes[HEADER_LEN..HEADER_LEN + TRAINER_LEN]);
        }

        let prg = mirror_to_pow2(prg_data, 8 * KIB);
        let layout = Layout {
            prg_len: prg.len(),
            chr_len: if chr_is_ram {
                chr_ram_len
            } else {
                chr_rom.len()
            },
            prg_ram_len,
            chr_is_ram,
            mirroring: header.mirroring,
            submapper,
        };

        let rom = &bytes[prg_start..chr_end];
        let info = RomInfo {
            sha1: Sha1::digest(bytes).into(),
            crc32: crc32fast::hash(bytes),
            rom_sha1: Sha1::digest(rom).into(),
            rom_crc32: crc32fast::hash(rom),
            header,
        };
        let mut cart = Cart {
            info: Arc::new(info),
            prg,
            chr_rom,
            layout,
            win: Windows::new(&layout),
            state: CartState {
                mapper: board,
                prg_ram,
                chr_ram: vec![0; chr_ram_len],
            },
        };
        cart.remap();
        Ok(cart)
    }

    /// Rebuilds the windows from the registers.
    #[inline]
    fn remap(&mut self) {
        self.state.mapper.map(&self.layout, &mut self.win);
    }

    /// A CPU read of PRG ROM, $8000–$FFFF (`addr` must be ≥ $8000): every opcode fetch, so
    /// always inlined (as a call, `cpu_read` was 8% of the headless frames bench's
    /// instructions under callgrind; inlined, the `FRAMES_DIV=10` bench runs 2,367.0 M →
    /// 2,281.8 M instructions, −3.6%).
    #[must_use]
    #[inline(always)]
    pub(crate) fn prg_rom_read(&self, addr: u16) -> u8 {
        let a = usize::from(addr);
        self.prg[self.win.prg[(a >> 13) & 3] | (a & 0x1FFF)]
    }

    /// PRG ROM and the offsets into it of the four 8 KiB windows at $8000, $A000, $C000 and
    /// $E000, as [`Cart::prg_rom_read`] reads them (for `fast/quiet.rs`).
    #[inline]
    pub(crate) fn prg_rom_windows(&self) -> (&[u8], &[usize; 4]) {
        (&self.prg, &self.win.prg)
    }

    /// The offset in PRG ROM of the 8 KiB window `addr` is in ($8000 and up; 0 below): with
    /// the address, what says which code is there.
    #[inline]
    pub(crate) fn prg_window_offset(&self, addr: u16) -> usize {
        if addr >= 0x8000 {
            self.win.prg[usize::from(addr >> 13) & 3]
        } else {
            0
        }
    }

    /// A CPU read of $4020–$FFFF; `None` = nothing drives the bus (open bus).
    #[must_use]
    #[inline]
    pub fn cpu_read(&self, addr: u16) -> Option<u8> {
        let a = usize::from(addr);
        if a >= 0x8000 {
            Some(self.prg[self.win.prg[(a >> 13) & 3] | (a & 0x1FFF)])
        } else if a >= 0x6000 {
            let base = self.win.prg_ram?;
            Some(self.state.prg_ram[base | (a & self.win.prg_ram_mask)])
        } else {
            None
        }
    }

    /// A CPU write of $4020–$FFFF on CPU cycle `cycle` (MMC1 ignores a serial write on the
    /// cycle right after another).
    #[inline]
    pub fn cpu_write(&mut self, addr: u16, val: u8, cycle: u64) {
        let a = usize::from(addr);
        if a >= 0x8000 {
            self.state.mapper.write_register(addr, val, cycle);
            self.remap();
        } else if a >= 0x6000 {
            if let Some(base) = self.win.prg_ram {
                self.state.prg_ram[base | (a & self.win.prg_ram_mask)] = val;
            }
        }
    }

    /// What the PPU sees of the board's registers: the CHR windows and the nametable
    /// mapping (see `fast::mapper`).
    pub(crate) fn ppu_view(&self) -> ([usize; 8], [usize; 4], Mirroring) {
        (self.win.chr, self.win.nt, self.win.mirroring)
    }

    /// A copy of the mapper's registers, for [`Cart::restore_mapper_registers`].
    pub(crate) fn mapper_registers(&self) -> Mapper {
        self.state.mapper.clone()
    }

    /// Puts back registers taken by [`Cart::mapper_registers`] (and the windows they map).
    pub(crate) fn restore_mapper_registers(&mut self, registers: Mapper) {
        self.state.mapper = registers;
        self.remap();
    }

    /// A PPU read of pattern memory $0000–$1FFF (higher bits are ignored).
    #[must_use]
    #[inline]
    pub fn chr_read(&self, addr: u16) -> u8 {
        let a = usize::from(addr);
        let i = self.win.chr[(a >> 10) & 7] | (a & 0x3FF);
        if self.layout.chr_is_ram {
            self.state.chr_ram[i]
        } else {
            self.chr_rom[i]
        }
    }

    /// A PPU write of pattern memory (CHR RAM only; ignored for CHR ROM).
    #[inline]
    pub fn chr_write(&mut self, addr: u16, val: u8) {
        if self.layout.chr_is_ram {
            let a = usize::from(addr);
            self.state.chr_ram[self.win.chr[(a >> 10) & 7] | (a & 0x3FF)] = val;
        }
    }

    /// Maps a nametable address $2000–$3EFF (any address: only bits 0–11 count) to an offset
    /// into the PPU's nametable RAM: 0..2048 (the console's CIRAM), or 0..4096 with
    /// [`Mirroring::FourScreen`], the upper 2 KiB being the board's extra VRAM. The PPU
    /// allocates [`NAMETABLE_RAM_SIZE`] bytes for both.
    #[must_use]
    #[inline]
    pub fn nametable_offset(&self, addr: u16) -> usize {
        let a = usize::from(addr);
        self.win.nt[(a >> 10) & 3] | (a & 0x3FF)
    }

    /// The mapper's IRQ output (none of the supported boards has one).
    #[must_use]
    #[inline]
    pub fn irq_line(&self) -> bool {
        false
    }

    /// The console's reset button (mapper registers keep their values on the boards here).
    pub fn reset(&mut self) {
        self.state.mapper.reset();
        self.remap();
    }

    /// The parsed header.
    #[must_use]
    pub fn header(&self) -> &Header {
        &self.info.header
    }

    /// iNES mapper number.
    #[must_use]
    pub fn mapper_number(&self) -> u16 {
        self.state.mapper.number()
    }

    /// The mirroring in effect now (MMC1 switches it).
    #[must_use]
    pub fn mirroring(&self) -> Mirroring {
        self.win.mirroring
    }

    /// SHA-1 of the whole file as loaded.
    #[must_use]
    pub fn sha1(&self) -> [u8; 20] {
        self.info.sha1
    }

    /// CRC-32 of the whole file as loaded.
    #[must_use]
    pub fn crc32(&self) -> u32 {
        self.info.crc32
    }

    /// SHA-1 of PRG ROM followed by CHR ROM (header, trainer and trailing bytes excluded:
    /// the checksum ROM databases use).
    #[must_use]
    pub fn rom_sha1(&self) -> [u8; 20] {
        self.info.rom_sha1
    }

    /// CRC-32 of PRG ROM followed by CHR ROM.
    #[must_use]
    pub fn rom_crc32(&self) -> u32 {
        self.info.rom_crc32
    }

    /// PRG RAM ($6000–$7FFF, all banks; empty if the board has none), e.g. for battery saves.
    #[must_use]
    pub fn prg_ram(&self) -> &[u8] {
        &self.state.prg_ram
    }

    /// PRG RAM, writable (loading a battery save).
    pub fn prg_ram_mut(&mut self) -> &mut [u8] {
        &mut self.state.prg_ram
    }

    /// Whether the header says PRG RAM is battery-backed.
    #[must_use]
    pub fn has_battery(&self) -> bool {
        self.info.header.battery
    }

    /// A copy of the mutable state (registers, PRG RAM, CHR RAM).
    #[must_use]
    pub fn state(&self) -> CartState {
        self.state.clone()
    }

    /// Copies the mutable state into `out`, reusing its allocations.
    pub fn save_state_into(&self, out: &mut CartState) {
        out.clone_from(&self.state);
    }

    /// Restores a state taken from a cartridge with the same board and memory sizes
    /// (reusing this cartridge's allocations).
    pub fn set_state(&mut self, state: &CartState) -> Result<()> {
        let (cart, saved) = (self.state.mapper.number(), state.mapper.number());
        if cart != saved {
            return Err(CartError::StateMapper { state: saved, cart });
        }
        for (what, expected, actual) in [
            ("PRG RAM", self.state.prg_ram.len(), state.prg_ram.len()),
            ("CHR RAM", self.state.chr_ram.len(), state.chr_ram.len()),
        ] {
            if expected != actual {
                return Err(CartError::StateSize {
                    what,
                    expected,
                    actual,
                });
            }
        }
        self.state.mapper.clone_from(&state.mapper);
        self.state.prg_ram.copy_from_slice(&state.prg_ram);
        self.state.chr_ram.copy_from_slice(&state.chr_ram);
        self.remap();
        Ok(())
    }
}
