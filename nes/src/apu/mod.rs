//! The 2A03's audio processing unit.
//!
//! STUB: the APU helper replaces this; the public API below is the contract with the bus.
//! Time is measured in CPU cycles since power-on.
//! <https://www.nesdev.org/wiki/APU>

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Apu {}

impl Apu {
    #[must_use]
    pub fn new() -> Apu {
        Apu {}
    }
    /// The console's reset button.
    pub fn reset(&mut self) {}
    /// Catches up to the start of CPU cycle `cycle`.
    pub fn run_to(&mut self, _cycle: u64) {}
    /// CPU cycle at or after which the APU next changes, on its own, the IRQ line or wants a
    /// DMC DMA; `u64::MAX` if nothing is due.
    #[must_use]
    pub fn next_event(&self) -> u64 {
        u64::MAX
    }
    /// A CPU read of $4015 (the bus has caught up first).
    pub fn read_status(&mut self) -> u8 {
        0
    }
    #[must_use]
    pub fn peek_status(&self) -> u8 {
        0
    }
    /// A CPU write of $4000–$4013, $4015 or $4017.
    pub fn write_register(&mut self, _addr: u16, _val: u8) {}
    #[must_use]
    pub fn irq_line(&self) -> bool {
        false
    }
    /// The address of the sample byte the DMC wants fetched now, if any.
    #[must_use]
    pub fn dmc_dma_request(&self) -> Option<u16> {
        None
    }
    pub fn dmc_dma_complete(&mut self, _val: u8) {}
}
