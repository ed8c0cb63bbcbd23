//! The CPU's address space and the master clock.
//!
//! The bus owns every chip but the CPU core. Time is kept in CPU cycles; the master clock is
//! `12 × cycles` (NTSC: the CPU divides the 21.477 MHz crystal by 12, the PPU by 4, so one PPU
//! dot is 4 ticks). Within a CPU cycle a read reaches the bus 5 ticks in and a write 7 ticks in
//! (the φ1/φ2 split Mesen2 models), which is what the VBL/NMI race tests observe.
//!
//! Nothing is stepped in lock-step with the CPU. The PPU and APU run ahead lazily: they are
//! caught up to the present only when something could observe them — a register access, a
//! mapper write that can change what the PPU fetches, or an event they scheduled themselves
//! (the NMI line changing at vblank, the end of a frame, an APU IRQ or DMC fetch). Between
//! those, a CPU cycle costs a counter increment and two comparisons.
//! <https://www.nesdev.org/wiki/CPU_memory_map>

use crate::apu::Apu;
use crate::cart::Cart;
use crate::controller::{Buttons, Controllers};
use crate::cpu::CpuBus;
use crate::fast::FastPaths;
use crate::ppu::Ppu;

/// Master-clock ticks per CPU cycle (NTSC).
pub const MASTER_PER_CPU: u64 = 12;
/// Ticks into a CPU cycle at which a read samples the bus.
const READ_PHASE: u64 = 5;
/// Ticks into a CPU cycle at which a write drives the bus.
pub(crate) const WRITE_PHASE: u64 = 7;
/// Ticks from the start of a read to the moment M2 falls (M2 is high for 7.5 of the 12
/// ticks of a cycle on a 2A03G), when $2002's sprite flags and $2004 are latched.
const M2_LOW: u64 = 7;
/// How far the PPU lags the CPU's master clock (the CPU/PPU alignment at power-on).
pub const PPU_OFFSET: u64 = 1;

/// The bus's state as plain data, for save states ([`crate::savestate`]): everything but
/// the ROM, with the cartridge's mutable part as [`crate::cart::CartState`].
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct BusState {
    ram: Vec<u8>,
    ppu: Ppu,
    apu: Apu,
    cart: crate::cart::CartState,
    pads: Controllers,
    cycles: u64,
    open_bus: u8,
    oam_dma_page: Option<u8>,
}

#[cfg(test)]
impl BusState {
    pub(crate) fn set_dmc_rate_index_for_test(&mut self, v: u8) {
        self.apu.dmc_mut_for_test().set_rate_index_for_test(v);
    }
    pub(crate) fn set_frame_index_for_test(&mut self, v: usize) {
        self.apu.frame_mut_for_test().set_index_for_test(v);
    }
    pub(crate) fn set_ppu_position_for_test(&mut self, scanline: u16, dot: u16) {
        self.ppu.set_position_for_test(scanline, dot);
    }
    pub(crate) fn set_cycles_for_test(&mut self, cycles: u64) {
        self.cycles = cycles;
    }
}

impl BusState {
    /// Checks a loaded state (see [`crate::savestate`]): the clock, then each chip's fields
    /// (each chip's `validate`, next to its state), with the PPU's and APU's clocks within
    /// what lazy catch-up can leave between them and the CPU's.
    pub(crate) fn validate(&self) -> Result<(), crate::savestate::StateError> {
        use crate::savestate::{ensure, ensure_max, MAX_CYCLES};
        ensure(
            self.ram.len() == 0x800,
            "bus.ram.len",
            self.ram.len(),
            "2048 bytes",
        )?;
        ensure_max(self.cycles, MAX_CYCLES, "bus.cycles")?;
        self.ppu.validate(self.cycles * MASTER_PER_CPU)?;
        self.apu.validate(self.cycles)?;
        self.cart.validate(self.cycles)?;
        self.pads.validate(self.cycles)
    }
}

/// Everything on the CPU's side of the console except the CPU core itself.
#[derive(Debug)]
pub struct Bus {
    ram: [u8; 0x800],
    pub(crate) ppu: Ppu,
    pub(crate) apu: Apu,
    pub(crate) cart: Cart,
    pads: Controllers,
    /// CPU cycles completed since power-on.
    cycles: u64,
    /// The last value driven on the CPU data bus (what unmapped reads return).
    open_bus: u8,
    /// The exact shortcuts in use (see [`crate::fast`]); the bus itself takes the whole-
    /// transfer OAM DMA and the catch-up-free mapper writes.
    fast: FastPaths,
    /// Page of an OAM DMA requested by a $4014 write and not yet started.
    oam_dma_page: Option<u8>,
    /// Cached `ppu.next_event()`: catch the PPU up once the clock reaches it.
    ppu_event: u64,
    /// Cached `apu.next_event()`, in CPU cycles.
    apu_event: u64,
    /// The first cycle count at which a PPU or APU event is due (the one comparison the hot
    /// path makes per cycle), and the line levels and DMA request as of the last time any
    /// chip was touched: between events they cannot change.
    event_cycle: u64,
    nmi: bool,
    irq: bool,
    dma: bool,
}

/// A clone copies every chip's state (the PPU's pictures excepted, see `ppu::Picture`);
/// `clone_from` reuses the destination's buffers, so restoring a snapshot allocates nothing.
impl Clone for Bus {
    fn clone(&self) -> Bus {
        Bus {
            ppu: self.ppu.clone(),
            apu: self.apu.clone(),
            cart: self.cart.clone(),
            pads: self.pads.clone(),
            ..*self
        }
    }

    fn clone_from(&mut self, src: &Bus) {
        self.ram = src.ram;
        self.ppu.restore_from(&src.ppu);
        self.apu.clone_from(&src.apu);
        self.cart.clone_from(&src.cart);
        self.pads.clone_from(&src.pads);
        self.copy_scalars(src);
    }
}

impl Bus {
    /// Copies the clock, bus latch and cached event state (listed exhaustively, so a new
    /// field cannot be forgotten here).
    fn copy_scalars(&mut self, src: &Bus) {
        let Bus {
            ram: _,
            ppu: _,
            apu: _,
            cart: _,
            pads: _,
            cycles,
            open_bus,
            oam_dma_page,
            ppu_event,
            apu_event,
            event_cycle,
            nmi,
            irq,
            dma,
            fast,
        } = src;
        self.cycles = *cycles;
        self.open_bus = *open_bus;
        self.oam_dma_page = *oam_dma_page;
        self.ppu_event = *ppu_event;
        self.apu_event = *apu_event;
        self.event_cycle = *event_cycle;
        self.nmi = *nmi;
        self.irq = *irq;
        self.dma = *dma;
        self.fast = *fast;
    }

    /// A console at power-on with `cart` inserted.
    #[must_use]
    pub fn new(cart: Cart) -> Bus {
        let mut bus = Bus {
            ram: [0; 0x800],
            ppu: Ppu::new(),
            apu: Apu::new(),
            cart,
            pads: Controllers::default(),
            cycles: 0,
            open_bus: 0,
            fast: FastPaths::ALL,
            oam_dma_page: None,
            ppu_event: 0,
            apu_event: 0,
            event_cycle: 0,
            nmi: false,
            irq: false,
            dma: false,
        };
        bus.refresh_events();
        bus
    }

    /// The state as plain data (see [`BusState`]).
    #[must_use]
    pub fn save_state(&self) -> BusState {
        BusState {
            ram: self.ram.to_vec(),
            ppu: self.ppu.clone(),
            apu: self.apu.clone(),
            cart: self.cart.state(),
            pads: self.pads.clone(),
            cycles: self.cycles,
            open_bus: self.open_bus,
            oam_dma_page: self.oam_dma_page,
        }
    }

    /// Restores a state saved from a bus with the same cartridge board (checked with
    /// `BusState::validate` first, see [`crate::savestate`]); the cached event times are
    /// recomputed, and the console keeps its own output settings (headless, audio rate).
    pub fn load_state(&mut self, state: BusState) -> Result<(), crate::cart::CartError> {
        if state.ram.len() != self.ram.len() {
            return Err(crate::cart::CartError::StateSize {
                what: "console RAM",
                expected: self.ram.len(),
                actual: state.ram.len(),
            });
        }
        self.cart.set_state(&state.cart)?;
        self.ram.copy_from_slice(&state.ram);
        let mut ppu = state.ppu;
        ppu.after_load(&self.ppu);
        self.ppu = ppu;
        let audio = self.apu.audio_rate();
        self.apu = state.apu;
        self.apu.set_audio(audio);
        self.pads = state.pads;
        self.cycles = state.cycles;
        self.open_bus = state.open_bus;
        self.oam_dma_page = state.oam_dma_page;
        self.refresh_events();
        Ok(())
    }

    /// The cartridge.
    #[must_use]
    pub fn cartridge(&self) -> &Cart {
        &self.cart
    }

    /// The console's reset button: the PPU and APU reset; RAM, the cartridge and the clock
    /// carry on.
    pub fn reset(&mut self) {
        self.sync();
        self.ppu.reset();
        self.apu.reset();
        self.cart.reset();
        self.oam_dma_page = None;
        self.refresh_events();
    }

    /// The 2 KiB of internal RAM.
    #[must_use]
    pub fn ram(&self) -> &[u8; 0x800] {
        &self.ram
    }

    /// The internal RAM, writable (tools and environments poke game state).
    pub fn ram_mut(&mut self) -> &mut [u8; 0x800] {
        &mut self.ram
    }

    #[must_use]
    pub fn ppu(&self) -> &Ppu {
        &self.ppu
    }

    pub fn ppu_mut(&mut self) -> &mut Ppu {
        // Whatever the caller changes, the cached lines and events are rebuilt at the end of
        // the next cycle.
        self.event_cycle = 0;
        &mut self.ppu
    }

    #[must_use]
    pub fn apu(&self) -> &Apu {
        &self.apu
    }

    pub fn apu_mut(&mut self) -> &mut Apu {
        self.event_cycle = 0;
        &mut self.apu
    }

    pub fn set_buttons(&mut self, port: usize, buttons: Buttons) {
        self.pads.set_buttons(port, buttons);
    }

    #[must_use]
    pub fn buttons(&self, port: usize) -> Buttons {
        self.pads.buttons(port)
    }

    /// The first CPU cycle at whose end the bus would catch a chip up on its own (a PPU or APU
    /// event falls due), or now if a DMA is waiting. Until then nothing the CPU cannot see
    /// itself changes: no interrupt line moves, no DMA starts.
    #[must_use]
    pub(crate) fn next_event_cycle(&self) -> u64 {
        if self.dma {
            return self.cycles;
        }
        self.event_cycle
    }

    /// The first CPU cycle at whose end a PPU or APU event falls due (a pending DMA aside).
    #[inline]
    pub(crate) fn event_cycle(&self) -> u64 {
        self.event_cycle
    }

    /// The NMI line, the IRQ line and whether a DMA is waiting, as of the end of the last
    /// cycle (they change only at the next event or a register access).
    #[inline]
    pub(crate) fn lines(&self) -> (bool, bool, bool) {
        (self.nmi, self.irq, self.dma)
    }

    /// Lets `cycles` CPU cycles pass in which the CPU only touches internal RAM and ROM and
    /// no event falls (see [`crate::fast`]): the PPU and APU, which run lazily, catch up
    /// when next observed.
    pub(crate) fn skip_cycles(&mut self, cycles: u64) {
        self.cycles += cycles;
    }

    /// The value left on the data bus by the last cycle.
    #[inline]
    pub(crate) fn open_bus(&self) -> u8 {
        self.open_bus
    }

    /// Sets the clock and the bus latch after cycles run elsewhere that touched only RAM and
    /// ROM and passed no event (see `fast/quiet.rs`).
    #[inline]
    pub(crate) fn set_clock(&mut self, cycles: u64, open_bus: u8) {
        self.cycles = cycles;
        self.open_bus = open_bus;
    }

    /// Internal RAM and the cartridge, borrowed apart (for `fast/quiet.rs`).
    #[inline]
    pub(crate) fn ram_and_cart(&mut self) -> (&mut [u8; 0x800], &Cart) {
        (&mut self.ram, &self.cart)
    }

    /// The exact shortcuts in use.
    #[must_use]
    pub fn fast_paths(&self) -> FastPaths {
        self.fast
    }

    /// Sets the exact shortcuts to use (results are identical; see [`crate::fast`]).
    pub(crate) fn set_fast_paths(&mut self, fast: FastPaths) {
        self.fast = fast;
    }

    /// Sets the value left on the data bus (after a fast-forward, see [`crate::fast`]).
    pub(crate) fn set_open_bus(&mut self, val: u8) {
        self.open_bus = val;
    }

    /// Brings the PPU and APU up to the present (end of the last CPU cycle), e.g. before a
    /// frame buffer is read.
    pub fn sync(&mut self) {
        let now = self.cycles * MASTER_PER_CPU;
        self.ppu
            .run_to(now.saturating_sub(PPU_OFFSET), &mut self.cart);
        self.apu.run_to(self.cycles);
        self.refresh_events();
    }

    #[inline]
    fn catch_up_ppu(&mut self, master: u64) {
        let target = master.saturating_sub(PPU_OFFSET);
        self.ppu.run_to(target, &mut self.cart);
        self.after_ppu();
    }

    #[inline]
    fn catch_up_apu(&mut self) {
        self.apu.run_to(self.cycles);
        self.after_apu();
    }

    /// After anything touched the PPU: its next event, its NMI output.
    #[inline]
    pub(crate) fn after_ppu(&mut self) {
        self.ppu_event = self.ppu.next_event();
        self.nmi = self.ppu.nmi_line();
        self.update_event_cycle();
    }

    /// After anything touched the APU (or the mapper): its next event, the IRQ line, DMC DMA.
    #[inline]
    fn after_apu(&mut self) {
        self.apu_event = self.apu.next_event();
        self.irq = self.apu.irq_line() || self.cart.irq_line();
        self.dma = self.oam_dma_page.is_some() || self.apu.dmc_dma_request().is_some();
        self.update_event_cycle();
    }

    #[inline]
    fn update_event_cycle(&mut self) {
        // The PPU is caught up at the first cycle end n with 12n − offset ≥ its event.
        let ppu = self
            .ppu_event
            .saturating_add(PPU_OFFSET)
            .div_ceil(MASTER_PER_CPU);
        self.event_cycle = ppu.min(self.apu_event);
    }

    /// Ends a CPU cycle: one comparison, unless a scheduled event is due. Chips are caught up
    /// here as soon as their event is due, so the NMI/IRQ levels the CPU samples right after
    /// and a DMC DMA request (seen before the next read cycle) are exact.
    #[inline(always)]
    fn end_cycle(&mut self) {
        self.cycles += 1;
        if self.cycles >= self.event_cycle {
            self.service_events();
        }
    }

    #[cold]
    #[inline(never)]
    fn service_events(&mut self) {
        if self.cycles >= self.apu_event {
            self.apu.run_to(self.cycles);
        }
        let now = self.cycles * MASTER_PER_CPU;
        if now.saturating_sub(PPU_OFFSET) >= self.ppu_event {
            self.ppu.run_to(now - PPU_OFFSET, &mut self.cart);
        }
        self.refresh_events();
    }

    fn refresh_events(&mut self) {
        self.ppu_event = self.ppu.next_event();
        self.nmi = self.ppu.nmi_line();
        self.after_apu();
    }

    #[inline]
    fn read_ppu_register(&mut self, addr: u16) -> u8 {
        let start = self.cycles * MASTER_PER_CPU + READ_PHASE;
        self.catch_up_ppu(start);
        let v = match addr & 7 {
            2 => {
                // $2002 latches the vblank flag when M2 rises and the sprite flags when it
                // falls, about 1.9 dots later (AccuracyCoin "$2002 flag clear timing").
                let early = self.ppu.read_status_start();
                self.catch_up_ppu(start + M2_LOW);
                self.ppu.read_status_end(early)
            }
            4 => {
                // OAMDATA is what the OAM bus holds when M2 falls (AccuracyCoin "$2004
                // stress test").
                self.catch_up_ppu(start + M2_LOW);
                self.ppu.read_register(4, &mut self.cart)
            }
            reg => self.ppu.read_register(reg, &mut self.cart),
        };
        self.after_ppu();
        v
    }

    #[inline]
    fn write_ppu_register(&mut self, addr: u16, val: u8) {
        self.catch_up_ppu(self.cycles * MASTER_PER_CPU + WRITE_PHASE);
        self.ppu.write_register(addr & 7, val, &mut self.cart);
        self.after_ppu();
    }
}

impl Bus {
    /// A read of $2000–$7FFF (registers, expansion, PRG RAM), off the hot path.
    #[inline(never)]
    fn read_io(&mut self, addr: u16) -> u8 {
        let val = match addr {
            0x2000..=0x3FFF => self.read_ppu_register(addr),
            0x4015 => {
                self.catch_up_apu();
                let status = self.apu.read_status();
                self.after_apu();
                // $4015 is read inside the 2A03: it does not drive the external data bus,
                // so bit 5 is open bus and the bus keeps its old value.
                let v = (status & !0x20) | (self.open_bus & 0x20);
                self.end_cycle();
                return v;
            }
            0x4016 => self.pads.read(0, self.cycles) | (self.open_bus & 0xE0),
            0x4017 => self.pads.read(1, self.cycles) | (self.open_bus & 0xE0),
            0x4000..=0x401F => self.open_bus,
            _ => self.cart.cpu_read(addr).unwrap_or(self.open_bus),
        };
        self.open_bus = val;
        self.end_cycle();
        val
    }

    /// What a DMA read of `addr` returns while the halted CPU holds `cpu_addr` on its address
    /// bus, with every side effect, without ending the cycle.
    ///
    /// The APU's registers ($4015–$4017 and their mirrors) only answer while the CPU's
    /// address bus is in $4000–$401F, and then for every address the DMA reads, by its low
    /// five bits: a DMA reading $4015 with the CPU elsewhere gets open bus (and clears no
    /// flag), while a DMC fetch from $FFD6 with the CPU halted on `LDA $4016` also reads the
    /// joypad. Such a conflict puts the pad's bit 0 under the fetched byte's upper three bits
    /// (an OAM DMA reading from driven memory sees the memory's byte; the pad is clocked
    /// all the same); a $4015 conflict returns the status (bit 5 from the internal bus)
    /// while the external byte stays on the data bus.
    /// <https://www.nesdev.org/wiki/DMA#Register_conflicts>
    fn dma_value(&mut self, addr: u16, cpu_addr: u16, oam_running: bool) -> u8 {
        let before = self.open_bus;
        let (external, driven) = match addr {
            0x0000..=0x1FFF => (self.ram[usize::from(addr & 0x7FF)], true),
            0x2000..=0x3FFF => (self.read_ppu_register(addr), true),
            0x4000..=0x401F => (self.open_bus, false),
            _ => match self.cart.cpu_read(addr) {
                Some(v) => (v, true),
                None => (self.open_bus, false),
            },
        };
        self.open_bus = external;
        if !(0x4000..=0x401F).contains(&cpu_addr) {
            return external;
        }
        match addr & 0x1F {
            0x15 => {
                self.catch_up_apu();
                let status = self.apu.read_status();
                self.after_apu();
                (status & !0x20) | (before & 0x20)
            }
            reg @ (0x16 | 0x17) => {
                let bit = self.pads.read(usize::from(reg & 1), self.cycles);
                let val = if oam_running && driven {
                    external
                } else {
                    bit | (external & 0xE0)
                };
                self.open_bus = val;
                val
            }
            _ => external,
        }
    }

    /// A write of $2000 and up, off the hot path.
    #[inline(never)]
    fn write_io(&mut self, addr: u16, val: u8) {
        self.open_bus = val;
        match addr {
            0x2000..=0x3FFF => self.write_ppu_register(addr, val),
            0x4014 => {
                self.oam_dma_page = Some(val);
                self.dma = true;
            }
            0x4016 => self.pads.write_strobe(val, self.cycles),
            0x4000..=0x4013 | 0x4015 | 0x4017 => {
                self.catch_up_apu();
                self.apu.write_register(addr, val);
                self.after_apu();
            }
            0x4018..=0x401F => {}
            _ => {
                // A mapper write can switch CHR banks or mirroring: the PPU must have drawn
                // everything before this moment with the old ones. Writes that change
                // neither need no catch-up (see `fast/mapper.rs`).
                let cycle = self.cycles;
                if !(self.fast.unseen_mapper_writes
                    && crate::fast::mapper::write_unseen_by_ppu(&mut self.cart, addr, val, cycle))
                {
                    self.catch_up_ppu(self.cycles * MASTER_PER_CPU + WRITE_PHASE);
                    self.cart.cpu_write(addr, val, cycle);
                }
                self.after_apu();
            }
        }
        self.end_cycle();
    }
}

impl CpuBus for Bus {
    /// Internal RAM and cartridge ROM (every opcode fetch) inline; the rest out of line.
    #[inline(always)]
    fn read(&mut self, addr: u16) -> u8 {
        let val = if addr < 0x2000 {
            self.ram[usize::from(addr & 0x7FF)]
        } else if addr >= 0x8000 {
            self.cart.prg_rom_read(addr)
        } else {
            return self.read_io(addr);
        };
        self.open_bus = val;
        self.end_cycle();
        val
    }

    #[inline(always)]
    fn write(&mut self, addr: u16, val: u8) {
        if addr < 0x2000 {
            self.open_bus = val;
            self.ram[usize::from(addr & 0x7FF)] = val;
            self.end_cycle();
        } else {
            self.write_io(addr, val);
        }
    }

    fn peek(&self, addr: u16) -> u8 {
        match addr {
            0x0000..=0x1FFF => self.ram[usize::from(addr & 0x7FF)],
            0x2000..=0x3FFF => self.ppu.peek_register(addr & 7, &self.cart),
            0x4015 => (self.apu.peek_status() & !0x20) | (self.open_bus & 0x20),
            0x4016 => self.pads.peek(0) | (self.open_bus & 0xE0),
            0x4017 => self.pads.peek(1) | (self.open_bus & 0xE0),
            0x4000..=0x401F => self.open_bus,
            _ => self.cart.cpu_read(addr).unwrap_or(self.open_bus),
        }
    }

    /// The PPU was caught up to any event due by `end_cycle`.
    #[inline(always)]
    fn nmi_line(&mut self) -> bool {
        self.nmi
    }

    #[inline(always)]
    fn irq_line(&mut self) -> bool {
        self.irq
    }

    #[inline]
    fn cycles(&self) -> u64 {
        self.cycles
    }

    #[inline(always)]
    fn dma_pending(&self) -> bool {
        self.dma
    }

    fn take_oam_dma(&mut self) -> Option<u8> {
        let page = self.oam_dma_page.take();
        self.dma = self.apu.dmc_dma_request().is_some();
        page
    }

    fn dmc_dma_request(&self) -> Option<u16> {
        self.apu.dmc_dma_request()
    }

    fn dma_read(&mut self, addr: u16, cpu_addr: u16, oam_running: bool) -> u8 {
        let val = self.dma_value(addr, cpu_addr, oam_running);
        self.end_cycle();
        val
    }

    /// The fetch reaches the DMC within the cycle, before that cycle's APU work (an output
    /// cycle ending on it sees the fetch).
    fn dmc_dma_fetch(&mut self, addr: u16, cpu_addr: u16, oam_running: bool) -> u8 {
        let val = self.dma_value(addr, cpu_addr, oam_running);
        self.catch_up_apu();
        self.apu.dmc_dma_complete(val);
        self.after_apu();
        self.end_cycle();
        val
    }

    /// The whole transfer at once when that is exact (see `fast/oam_dma.rs`).
    fn oam_dma_burst(&mut self, page: u8) -> bool {
        self.fast.oam_dma_burst && crate::fast::oam_dma::burst(self, page)
    }
}
