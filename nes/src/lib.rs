//! A cycle-accurate NES: the 2A03 CPU (6502 core + APU), the 2C02 PPU, controllers and
//! cartridges with mappers 0 (NROM), 1 (MMC1), 2 (UxROM) and 3 (CNROM).
//!
//! The crate is a library only: no files, no window, no threads. [`Nes`] owns a [`Cpu`] and a
//! [`Bus`]; the bus owns every other chip and the master clock (see `docs/architecture.md`).
//!
//! ```no_run
//! use nes::{Cart, Nes};
//! let bytes = std::fs::read("Tetris.nes").unwrap();
//! let mut nes = Nes::new(Cart::from_bytes(&bytes).unwrap());
//! nes.set_buttons(0, nes::Buttons::START);
//! nes.run_frame().unwrap();
//! assert_eq!(nes.frame_buffer().len(), 256 * 240);
//! ```

pub mod apu;
pub mod bus;
pub mod cart;
pub mod console;
pub mod controller;
pub mod cpu;
pub mod fast;
pub mod ppu;
pub mod savestate;
mod serde_arrays;

pub use bus::Bus;
pub use cart::{Cart, CartError, Mirroring};
pub use console::{Nes, NesError};
pub use controller::Buttons;
pub use cpu::{Cpu, CpuBus, Registers};
pub use fast::{FastPaths, FastStats};
