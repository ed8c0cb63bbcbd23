//! Mapper writes the PPU cannot see, without the PPU catch-up.
//!
//! A CPU write to the cartridge can switch CHR banks or mirroring, so by the book the bus
//! first brings the PPU up to that moment (it must fetch everything before it through the
//! old mapping). The boards here have no PPU-side state but those windows: a write that
//! leaves them as they are (a PRG bank switch, one bit into the MMC1's shift register, a
//! PRG RAM store) changes nothing the PPU sees, and the catch-up can wait for the next
//! event. NES Tetris writes the MMC1 about 38 times a frame, during rendering: each write
//! caught the PPU up mid-line, which then ran that line dot by dot (~45,000 instructions a
//! frame, callgrind), though only the shift register changed. Without those catch-ups the
//! `FRAMES_DIV=10` frames bench ran 2,547.4 M → 2,367.0 M instructions (−7.1%).

use crate::cart::Cart;

/// Performs the CPU write `addr` ← `val` on cycle `cycle` if it leaves what the PPU sees as
/// it is, and returns `true`; otherwise changes nothing and returns `false`, so the caller
/// catches the PPU up first and then writes.
pub(crate) fn write_unseen_by_ppu(cart: &mut Cart, addr: u16, val: u8, cycle: u64) -> bool {
    if addr < 0x8000 {
        cart.cpu_write(addr, val, cycle);
        return true;
    }
    let registers = cart.mapper_registers();
    let view = cart.ppu_view();
    cart.cpu_write(addr, val, cycle);
    if cart.ppu_view() == view {
        return true;
    }
    cart.restore_mapper_registers(registers);
    false
}
