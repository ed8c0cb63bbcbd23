//! The exact shortcuts, gathered: ways of running the console that skip work whose outcome is
//! known, and give the same state, cycle for cycle, as running every cycle by the book.
//!
//! | shortcut ([`FastPaths`] field) | what it skips | where |
//! |---|---|---|
//! | `quiet_instructions` | the per-cycle interrupt poll, event compare and DMA check of instructions that end before the next event and touch only RAM and ROM | `quiet.rs` |
//! | `idle_loops` | iterations of a load-and-branch loop waiting for an interrupt | `idle.rs` |
//! | `fill_loops` | iterations of a `STA (zp),Y / DEY / BNE` RAM fill, stores done at once | `fill.rs` |
//! | `copy_loops` | iterations of a `LDA src,X / STA dst,X / DEX / CPX / BNE` RAM copy, done at once | `copy.rs` |
//! | `oam_dma_burst` | the 512 cycles of an OAM DMA from RAM, copied at once | `oam_dma.rs` |
//! | `unseen_mapper_writes` | the PPU catch-up before a mapper write that changes nothing the PPU sees | `mapper.rs` |
//!
//! `fast::run` is the one place that decides, before each instruction, how the CPU goes on:
//! a loop it has just closed is fast-forwarded; otherwise, if nothing observable can happen
//! within the next instruction (it starts at least 8 cycles, the longest instruction, before
//! the bus's next PPU or APU event; no DMA is pending; the IRQ line is low and the CPU's
//! interrupt latches are at rest), instructions run quietly up to that horizon; otherwise one
//! instruction runs
//! cycle by cycle through [`crate::cpu::Cpu::step`], the plain path. Everything that
//! depends on fine timing — DMA, interrupts, register accesses, mapper writes — therefore
//! happens on the plain path. `tests/tests/fast_paths.rs` checks each shortcut against
//! the plain path (RAM, registers, cycle count, picture and the whole save state after
//! every frame), on NES Tetris, on bank-switching ROMs and on the test ROMs.

mod copy;
mod fill;
mod idle;
pub(crate) mod mapper;
pub(crate) mod oam_dma;
mod quiet;

use crate::bus::Bus;
use crate::cpu::{Cpu, CpuBus, Jammed};
use copy::CopyLoop;
use fill::FillLoop;
use idle::IdleLoop;

/// Which exact shortcuts the console takes (all of them by default). Each gives the same
/// results as running without it, only slower without; turning them off is for checking
/// exactly that. See the module docs for what each one skips.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FastPaths {
    /// Instructions below the event horizon that touch only RAM and ROM run without the
    /// per-cycle bookkeeping.
    pub quiet_instructions: bool,
    /// Idle loops (`LDA $33 / BEQ`) are fast-forwarded to just before the next event.
    pub idle_loops: bool,
    /// RAM fill loops (`STA (zp),Y / DEY / BNE`) store their bytes at once.
    pub fill_loops: bool,
    /// RAM copy loops (`LDA src,X / STA dst,X / DEX / CPX #n / BNE`) copy at once.
    pub copy_loops: bool,
    /// An OAM DMA from RAM that no event can interrupt is copied at once.
    pub oam_dma_burst: bool,
    /// Mapper writes that change no CHR bank or mirroring skip the PPU catch-up.
    pub unseen_mapper_writes: bool,
}

impl FastPaths {
    /// Every shortcut (the default).
    pub const ALL: FastPaths = FastPaths {
        quiet_instructions: true,
        idle_loops: true,
        fill_loops: true,
        copy_loops: true,
        oam_dma_burst: true,
        unseen_mapper_writes: true,
    };
    /// None: every cycle by the book (the reference the shortcuts are tested against).
    pub const NONE: FastPaths = FastPaths {
        quiet_instructions: false,
        idle_loops: false,
        fill_loops: false,
        copy_loops: false,
        oam_dma_burst: false,
        unseen_mapper_writes: false,
    };
}

impl Default for FastPaths {
    fn default() -> FastPaths {
        FastPaths::ALL
    }
}

/// How many CPU cycles the shortcuts covered since power-on (diagnostics: they are part of
/// [`crate::Nes::cycles`] all the same).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FastStats {
    /// Cycles of idle-loop iterations skipped.
    pub idle_loop_cycles: u64,
    /// Cycles of fill-loop iterations done at once.
    pub fill_loop_cycles: u64,
    /// Cycles of copy-loop iterations done at once.
    pub copy_loop_cycles: u64,
    /// Cycles run by quiet instructions (see [`FastPaths::quiet_instructions`]).
    pub quiet_cycles: u64,
}

impl FastStats {
    /// The cycles not emulated one by one: idle, fill and copy loops.
    #[must_use]
    pub fn skipped_cycles(&self) -> u64 {
        self.idle_loop_cycles + self.fill_loop_cycles + self.copy_loop_cycles
    }
}

/// What the executor remembers between runs: the tops of the last few short backward jumps
/// that were no loop it knows (by address and PRG bank), so that it does not stop to look
/// at them again. Only a hint: a stale entry (RAM code rewritten, say) costs a missed
/// shortcut, never a difference, since a loop is only ever taken after reading its code
/// afresh.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Memo {
    /// Keys ([`Memo::key`]) of addresses known not to start a loop (0 = empty), by
    /// `pc % 8`.
    not_loops: [u64; 8],
}

impl Memo {
    /// `pc` with the offset in PRG ROM of the 8 KiB window it is in (`rom_offset`, 0 for
    /// RAM), plus one so that no key is 0.
    #[inline(always)]
    fn key(pc: u16, rom_offset: usize) -> u64 {
        ((rom_offset as u64) << 16 | u64::from(pc)) + 1
    }

    /// Whether `pc`, in the PRG window at `rom_offset`, was found not to start a loop.
    #[inline(always)]
    pub(crate) fn not_a_loop(&self, pc: u16, rom_offset: usize) -> bool {
        self.not_loops[usize::from(pc & 7)] == Self::key(pc, rom_offset)
    }

    fn remember_not_a_loop(&mut self, pc: u16, rom_offset: usize) {
        self.not_loops[usize::from(pc & 7)] = Self::key(pc, rom_offset);
    }
}

/// Where a run stops.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Stop {
    /// Once the PPU's frame counter has moved past this value (vblank started).
    FrameAfter(u64),
    /// At the first instruction boundary at or after this many CPU cycles.
    Cycle(u64),
    /// Right after the instruction at `pc` (and the interrupt sequence it lets in), or once
    /// the frame counter has moved past `frame`, whichever comes first.
    Through { pc: u16, frame: u64 },
}

/// "No instruction address" for [`Stop::through`]: far above every `u16`.
const NO_PC: u32 = u32::MAX;

impl Stop {
    #[inline]
    fn reached(self, bus: &Bus) -> bool {
        match self {
            Stop::FrameAfter(frame) | Stop::Through { frame, .. } => bus.ppu.frame_count() != frame,
            Stop::Cycle(c) => bus.cycles() >= c,
        }
    }

    /// No shortcut may carry the clock past this cycle count.
    fn limit(self) -> u64 {
        match self {
            Stop::FrameAfter(_) | Stop::Through { .. } => u64::MAX,
            Stop::Cycle(c) => c,
        }
    }

    /// The address of [`Stop::Through`], or [`NO_PC`].
    fn through(self) -> u32 {
        match self {
            Stop::Through { pc, .. } => u32::from(pc),
            _ => NO_PC,
        }
    }
}

/// Runs instructions until `stop`, taking the shortcuts the bus's [`FastPaths`] allow.
/// Returns whether it stopped after the instruction of a [`Stop::Through`].
///
/// A frame ends at vblank, a PPU event, so a quiet run (which stays below the next event)
/// never passes it.
pub(crate) fn run(
    cpu: &mut Cpu,
    bus: &mut Bus,
    stats: &mut FastStats,
    memo: &mut Memo,
    stop: Stop,
) -> Result<bool, Jammed> {
    let paths = bus.fast_paths();
    let limit = stop.limit();
    let through = stop.through();
    while !stop.reached(bus) {
        if paths.quiet_instructions {
            let end = quiet::end(cpu, bus).min(limit);
            if bus.cycles() < end {
                let start = bus.cycles();
                let exit = quiet::run(cpu, bus, end, through, memo);
                stats.quiet_cycles += bus.cycles() - start;
                match exit? {
                    quiet::Exit::Through => return Ok(true),
                    quiet::Exit::JumpedBack => {
                        take_loop(cpu, bus, paths, stats, memo, limit, through);
                        continue;
                    }
                    quiet::Exit::Stopped => continue,
                    // The instruction runs by the book, below.
                    quiet::Exit::Aborted => {}
                }
            }
        }
        let pc = cpu.registers().pc;
        cpu.step(bus)?;
        if u32::from(pc) == through {
            return Ok(true);
        }
        let next = cpu.registers().pc;
        // An instruction by the book may have run into the frame's end (vblank): a loop
        // fast-forward from there would carry the frame on to the next event.
        if closes_loop(pc, next)
            && !stop.reached(bus)
            && !memo.not_a_loop(next, bus.cart.prg_window_offset(next))
        {
            take_loop(cpu, bus, paths, stats, memo, limit, through);
        }
    }
    Ok(false)
}

/// A jump from `pc` back to `next` that may close an idle, fill or copy loop (at most 9
/// bytes back: the loops here are up to four instructions and a branch).
#[inline(always)]
fn closes_loop(pc: u16, next: u16) -> bool {
    // next < pc && pc - next <= 9, in one compare.
    pc.wrapping_sub(next).wrapping_sub(1) < 9
}

/// At the top of a loop the CPU just closed: recognises it from the code there now (never
/// from memory of an address: a bank switch or a RAM write may have put other code there)
/// and fast-forwards it when it is an idle or fill loop.
fn take_loop(
    cpu: &mut Cpu,
    bus: &mut Bus,
    paths: FastPaths,
    stats: &mut FastStats,
    memo: &mut Memo,
    limit: u64,
    through: u32,
) {
    let pc = cpu.registers().pc;
    // A loop (at most 11 bytes) holding the instruction a run stops after runs by the book.
    if through.wrapping_sub(u32::from(pc)) < 11 {
        return;
    }
    // Loop code is read where it runs: RAM or (fill and copy loops) ROM.
    let code = |a: u16| {
        if a >= 0x8000 {
            bus.cart.prg_rom_read(a)
        } else {
            bus.peek(a)
        }
    };
    if paths.idle_loops {
        if let Some(idle) = IdleLoop::detect(pc, code) {
            stats.idle_loop_cycles += skip_idle_loop(cpu, bus, idle, limit);
            return;
        }
    }
    if paths.fill_loops {
        if let Some(fill) = FillLoop::detect(pc, code) {
            stats.fill_loop_cycles += skip_fill_loop(cpu, bus, fill, limit);
            return;
        }
    }
    if paths.copy_loops {
        if let Some(copy) = CopyLoop::detect(pc, code) {
            stats.copy_loop_cycles += skip_copy_loop(cpu, bus, copy, limit);
            return;
        }
    }
    memo.remember_not_a_loop(pc, bus.cart.prg_window_offset(pc));
}

/// At the top of `copy` with no interrupt latched: performs whole iterations (their copies,
/// A, the index, flags, cycles and open bus) up to two of the longest before the next event
/// or `limit`, and never the last one, whose branch is not taken. Returns the cycles done.
fn skip_copy_loop(cpu: &mut Cpu, bus: &mut Bus, copy: CopyLoop, limit: u64) -> u64 {
    if cpu.interrupt_pending() {
        return 0;
    }
    let Some(last) = bus.cartridge().cpu_read(copy.last_read) else {
        return 0;
    };
    let now = bus.cycles();
    let horizon = bus.next_event_cycle().min(limit);
    let keep = 2 * copy.max_cycles();
    if horizon <= now + keep + copy.max_cycles() {
        return 0;
    }
    let (regs, spent) = copy.run(cpu.registers(), bus.ram_mut(), horizon - now - keep);
    if spent == 0 {
        return 0;
    }
    bus.skip_cycles(spent);
    bus.set_open_bus(last);
    cpu.set_registers(regs);
    spent
}

/// At the top of `idle`, with its branch about to be taken and no interrupt latched:
/// advances whole iterations up to two before the next event or `limit`. Returns the
/// cycles skipped.
fn skip_idle_loop(cpu: &mut Cpu, bus: &mut Bus, idle: IdleLoop, limit: u64) -> u64 {
    // An interrupt already latched by the CPU (an NMI edge seen at the end of the last
    // cycle) is taken after the next instruction: the loop is about to end.
    if cpu.interrupt_pending() {
        return 0;
    }
    let value = bus.ram()[idle.ram_index()];
    let Some(regs) = idle.iterate(cpu.registers(), value) else {
        return 0;
    };
    let now = bus.cycles();
    let horizon = bus.next_event_cycle().min(limit);
    let keep = 2 * idle.cycles;
    if horizon <= now + keep + idle.cycles {
        return 0;
    }
    let skipped = (horizon - now - keep) / idle.cycles * idle.cycles;
    bus.skip_cycles(skipped);
    cpu.set_registers(regs);
    skipped
}

/// At the top of `fill` with no interrupt latched: performs whole iterations (their stores,
/// Y, N/Z, cycles and open bus) up to two before the next event or `limit`, and never the
/// last one, whose branch is not taken. Returns the cycles done.
fn skip_fill_loop(cpu: &mut Cpu, bus: &mut Bus, fill: FillLoop, limit: u64) -> u64 {
    if cpu.interrupt_pending() {
        return 0;
    }
    let Some(last) = bus.cartridge().cpu_read(fill.last_read) else {
        return 0;
    };
    let regs = cpu.registers();
    let (lo, hi) = fill.pointer();
    let base = u16::from_le_bytes([bus.ram()[lo], bus.ram()[hi]]);
    let Some(taken) = fill.taken_iterations(&regs, base) else {
        return 0;
    };
    let now = bus.cycles();
    let horizon = bus.next_event_cycle().min(limit);
    let keep = 2 * fill.cycles;
    if horizon <= now + keep + fill.cycles {
        return 0;
    }
    let k = ((horizon - now - keep) / fill.cycles).min(taken);
    if k == 0 {
        return 0;
    }
    let ram = bus.ram_mut();
    for i in 0..k {
        let y = regs.y.wrapping_sub(i as u8);
        ram[usize::from(base + u16::from(y)) & 0x7FF] = regs.a;
    }
    bus.skip_cycles(k * fill.cycles);
    bus.set_open_bus(last);
    cpu.set_registers(FillLoop::after(regs, k));
    k * fill.cycles
}
