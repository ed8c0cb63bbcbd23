//! DMA as the 2A03 performs it: the DMA unit halts the CPU on a read cycle and takes the bus.
//!
//! - OAM DMA (a write to $4014): one halt cycle, an alignment cycle if needed, then 256
//!   get/put pairs copying `page:00..page:FF` to $2004 — 513 or 514 cycles.
//! - DMC DMA (a sample fetch): halt, dummy, an alignment cycle if needed, then the get —
//!   3 or 4 cycles on its own. During an OAM DMA it steals a get cycle; the OAM cycles count
//!   as its halt and dummy cycles.
//!
//! Cycles alternate get/put; a get cycle is one that starts with `bus.cycles()` even. Every
//! cycle the DMA does not use for itself repeats the read the CPU was about to do (the
//! halted CPU keeps driving that address), so a DMA during a `$2007` or `$4016` read has
//! visible side effects. The interrupt lines are sampled after every DMA cycle too.
//! The CPU only halts on a read: a DMA requested during write cycles waits for the next
//! read. The DMC can withdraw its request at any cycle (the channel disabled by `$4015`, a
//! one-cycle "implicit abort" DMA): the DMC part then stops where it is. The DMA unit's own
//! reads go through [`CpuBus::dma_read`] with the CPU's address, which decides whether the
//! APU registers answer them.
//! <https://www.nesdev.org/wiki/DMA>, <https://www.nesdev.org/wiki/PPU_registers#OAMDMA>

use super::{Cpu, CpuBus};

/// Where OAM DMA writes.
const OAMDATA: u16 = 0x2004;

impl Cpu {
    /// Runs every pending DMA before the CPU's read cycle at `cpu_addr`.
    #[cold]
    #[inline(never)]
    pub(super) fn run_dma<B: CpuBus>(&mut self, bus: &mut B, cpu_addr: u16) {
        let oam_page = bus.take_oam_dma();
        let mut oam_running = oam_page.is_some();
        let oam_page_num = oam_page.unwrap_or(0);
        let oam_base = u16::from(oam_page_num) << 8;
        // OAM transfer progress: even = next is a read, odd = next is the write of `latch`.
        let mut oam_step: u16 = 0;
        let mut latch = 0u8;

        let mut dmc_running = bus.dmc_dma_request().is_some();
        // The DMC needs a halt and a dummy cycle before its get; any DMA cycle counts.
        let mut dmc_waits: u8 = if dmc_running { 2 } else { 0 };

        // The halt cycle: the CPU's read happens and is thrown away.
        bus.read(cpu_addr);
        self.poll(bus);
        dmc_waits = dmc_waits.saturating_sub(1);

        while dmc_running || oam_running {
            // The DMC may raise a request during an OAM DMA, or drop one ($4015 write).
            match (dmc_running, bus.dmc_dma_request().is_some()) {
                (false, true) => {
                    dmc_running = true;
                    dmc_waits = 2;
                }
                (true, false) => {
                    dmc_running = false;
                    dmc_waits = 0;
                    if !oam_running {
                        break;
                    }
                }
                _ => {}
            }
            let get = bus.cycles() & 1 == 0;
            // The whole-transfer shortcut knows nothing of APU register conflicts.
            if get
                && oam_running
                && oam_step == 0
                && !dmc_running
                && !(0x4000..=0x401F).contains(&cpu_addr)
                && bus.oam_dma_burst(oam_page_num)
            {
                // The lines did not move during the burst: two polls leave the latches
                // (and their previous values) as 512 would have.
                self.poll(bus);
                self.poll(bus);
                break;
            }
            let dmc_ready = dmc_running && dmc_waits == 0;
            dmc_waits = dmc_waits.saturating_sub(1);
            if get && dmc_ready {
                let addr = bus.dmc_dma_request().unwrap_or(cpu_addr);
                bus.dmc_dma_fetch(addr, cpu_addr, oam_running);
                self.poll(bus);
                dmc_running = false;
            } else if get && oam_running && oam_step & 1 == 0 {
                latch = bus.dma_read(oam_base | (oam_step >> 1), cpu_addr, true);
                self.poll(bus);
                oam_step += 1;
            } else if !get && oam_running && oam_step & 1 == 1 {
                bus.write(OAMDATA, latch);
                self.poll(bus);
                oam_step += 1;
                if oam_step == 512 {
                    oam_running = false;
                }
            } else {
                // Alignment or DMC halt/dummy cycle: the CPU's pending read repeats.
                bus.read(cpu_addr);
                self.poll(bus);
            }
        }
    }
}
