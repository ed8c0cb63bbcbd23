//! Save states of the whole console as bytes, for files: the magic `TNES`, a format version
//! (u16, little-endian), the SHA-1 of the ROM file the state belongs to, then the
//! postcard-encoded state of the CPU and the bus (RAM, PPU, APU, controllers, the
//! cartridge's mutable part). The ROM itself is not stored: a state is restored into a
//! console running the same ROM, and restoring a state of another ROM or format version is
//! an error. Derived state (the bus's cached event times) is rebuilt after loading.
//!
//! For in-memory snapshots, `Nes` is `Clone` (the ROM data is shared).

use crate::bus::BusState;
use crate::cpu::Cpu;
use crate::Nes;
use serde::{Deserialize, Serialize};

/// The magic at the start of a save state.
pub const MAGIC: [u8; 4] = *b"TNES";
/// The format version this build writes and reads.
pub const VERSION: u16 = 1;
/// Magic, version, ROM SHA-1.
pub const HEADER_LEN: usize = 4 + 2 + 20;

/// Why a save state cannot be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SaveStateError {
    #[error("not a tetris-nes save state (bad magic)")]
    BadMagic,
    #[error("save state is truncated")]
    Truncated,
    #[error("save state format version {found} is not supported (this build reads {VERSION})")]
    Version { found: u16 },
    #[error("save state is of another ROM (SHA-1 {found}), this console runs {expected}")]
    RomMismatch { expected: String, found: String },
    #[error("save state does not decode: {0}")]
    Decode(String),
    #[error("save state does not fit this cartridge: {0}")]
    Cart(#[from] crate::cart::CartError),
}

#[derive(Serialize, Deserialize)]
struct ConsoleState {
    cpu: Cpu,
    bus: BusState,
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

impl Nes {
    /// The console's state as bytes (see the module docs).
    #[must_use]
    pub fn save_state(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER_LEN + 0x50000);
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&self.bus().cartridge().sha1());
        let state = ConsoleState {
            cpu: self.cpu().clone(),
            bus: self.bus().save_state(),
        };
        // Encoding plain structs into a Vec cannot fail.
        if let Ok(body) = postcard::to_allocvec(&state) {
            out.extend_from_slice(&body);
        }
        out
    }

    /// Restores a state written by [`Nes::save_state`] on a console running the same ROM.
    /// On error the console is unchanged.
    pub fn load_state(&mut self, bytes: &[u8]) -> Result<(), SaveStateError> {
        if bytes.len() < 4 || bytes[..4] != MAGIC {
            return Err(SaveStateError::BadMagic);
        }
        if bytes.len() < HEADER_LEN {
            return Err(SaveStateError::Truncated);
        }
        let found = u16::from_le_bytes([bytes[4], bytes[5]]);
        if found != VERSION {
            return Err(SaveStateError::Version { found });
        }
        let expected = self.bus().cartridge().sha1();
        if bytes[6..HEADER_LEN] != expected {
            return Err(SaveStateError::RomMismatch {
                expected: hex(&expected),
                found: hex(&bytes[6..HEADER_LEN]),
            });
        }
        let state: ConsoleState = postcard::from_bytes(&bytes[HEADER_LEN..])
            .map_err(|e| SaveStateError::Decode(e.to_string()))?;
        let mut bus = self.bus().clone();
        bus.load_state(state.bus)?;
        *self.bus_mut() = bus;
        *self.cpu_mut() = state.cpu;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Cart, Nes};

    /// A 16 KiB NROM program that counts in RAM forever: `INC $10 / JMP $8000`.
    fn counter_rom(tag: u8) -> Vec<u8> {
        let mut rom = vec![0x4E, 0x45, 0x53, 0x1A, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        let mut prg = vec![0xEAu8; 0x4000];
        prg[..6].copy_from_slice(&[0xE6, 0x10, 0x4C, 0x00, 0x80, tag]);
        prg[0x3FFC] = 0x00; // reset vector $8000
        prg[0x3FFD] = 0x80;
        rom.extend_from_slice(&prg);
        rom.extend_from_slice(&[0u8; 0x2000]);
        rom
    }

    #[test]
    fn round_trip_and_errors() {
        let mut nes = Nes::new(Cart::from_bytes(&counter_rom(1)).unwrap());
        for _ in 0..1000 {
            nes.step().unwrap();
        }
        let saved = nes.save_state();
        assert_eq!(&saved[..4], b"TNES");
        for _ in 0..777 {
            nes.step().unwrap();
        }
        let (ram, cycles) = (nes.ram()[0x10], nes.cycles());
        nes.load_state(&saved).unwrap();
        for _ in 0..777 {
            nes.step().unwrap();
        }
        assert_eq!(
            (nes.ram()[0x10], nes.cycles()),
            (ram, cycles),
            "replays identically"
        );

        let mut other = Nes::new(Cart::from_bytes(&counter_rom(2)).unwrap());
        assert!(matches!(
            other.load_state(&saved),
            Err(SaveStateError::RomMismatch { .. })
        ));
        let mut old = saved.clone();
        old[4] = 0;
        assert!(matches!(
            nes.load_state(&old),
            Err(SaveStateError::Version { found: 0 })
        ));
        assert!(matches!(
            nes.load_state(b"NES\x1a"),
            Err(SaveStateError::BadMagic)
        ));
        assert!(matches!(
            nes.load_state(&saved[..10]),
            Err(SaveStateError::Truncated)
        ));
        assert!(matches!(
            nes.load_state(&saved[..saved.len() / 2]),
            Err(SaveStateError::Decode(_))
        ));
    }
}
