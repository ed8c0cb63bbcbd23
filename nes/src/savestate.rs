//! Save states of the whole console as bytes, for files: the magic `TNES`, a format version
//! (u16, little-endian), the SHA-1 of the ROM file the state belongs to, the CRC-32 of the
//! payload (u32, little-endian), then the payload: the postcard-encoded state of the CPU and
//! the bus (RAM, PPU, APU, controllers, the cartridge's mutable part). The ROM itself is not
//! stored: a state is restored into a console running the same ROM.
//!
//! Loading checks, in order, and stops at the first failure with an error naming it: the
//! magic, the length, the version, the ROM, the checksum (a corrupt file), the decoding, and
//! then every field against the range the hardware can hold ([`StateError`]; each chip's
//! state has its own `validate`, called from [`Nes::load_state`] through the bus), so that a
//! state that loads can never make the console panic, wrap or hang later. On any error the
//! console is unchanged. Derived state (the bus's cached event times, the PPU's sprite-range
//! and colour caches) is rebuilt after loading; audio output is output, not state: a state
//! carries none, and the console keeps its own sample rate across a load.
//!
//! For in-memory snapshots, `Nes` is `Clone` (the ROM data is shared).

use crate::bus::BusState;
use crate::cart::hex;
use crate::cpu::Cpu;
use crate::Nes;
use serde::{Deserialize, Serialize};

/// The magic at the start of a save state.
pub const MAGIC: [u8; 4] = *b"TNES";
/// The format version this build writes and reads (2: the payload checksum, no audio).
pub const VERSION: u16 = 2;
/// Magic, version, ROM SHA-1, payload CRC-32.
pub const HEADER_LEN: usize = 4 + 2 + 20 + 4;

/// Upper bound of the CPU cycle count a state may hold: 2^52 cycles are 80 years of emulated
/// time, and every clock of the console (PPU master ticks are 12 per cycle) stays far from
/// overflowing `u64`.
pub const MAX_CYCLES: u64 = 1 << 52;

/// A field of a decoded save state outside the range its hardware can hold (or, for clocks,
/// out of step with the rest of the console).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field} = {value} is out of range (expected {expected})")]
pub struct StateError {
    /// The field, as `chip.field` (e.g. `apu.dmc.rate_index`).
    pub field: String,
    /// Its value in the state.
    pub value: String,
    /// What the hardware allows.
    pub expected: String,
}

/// `Ok` if `ok`, else a [`StateError`] for `field`: the check every `validate` is made of.
pub(crate) fn ensure(
    ok: bool,
    field: impl std::fmt::Display,
    value: impl std::fmt::Display,
    expected: impl std::fmt::Display,
) -> Result<(), StateError> {
    if ok {
        Ok(())
    } else {
        Err(StateError {
            field: field.to_string(),
            value: value.to_string(),
            expected: expected.to_string(),
        })
    }
}

/// `Ok` if `value` is at most `max`.
pub(crate) fn ensure_max<T: PartialOrd + std::fmt::Display>(
    value: T,
    max: T,
    field: impl std::fmt::Display,
) -> Result<(), StateError> {
    let ok = value <= max;
    ensure(ok, field, &value, format_args!("at most {max}"))
}

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
    #[error("save state is corrupt: its payload's CRC-32 is {computed:08x}, the header says {stored:08x}")]
    Checksum { stored: u32, computed: u32 },
    #[error("save state does not decode: {0}")]
    Decode(String),
    #[error("save state is invalid: {0}")]
    Invalid(#[from] StateError),
    #[error("save state does not fit this cartridge: {0}")]
    Cart(#[from] crate::cart::CartError),
}

#[derive(Serialize, Deserialize)]
struct ConsoleState {
    cpu: Cpu,
    bus: BusState,
}

impl ConsoleState {
    /// Every field against its hardware range (see [`StateError`]).
    fn validate(&self) -> Result<(), StateError> {
        self.cpu.validate()?;
        self.bus.validate()
    }
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
        let body = postcard::to_allocvec(&state).unwrap_or_default();
        out.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
        out.extend_from_slice(&body);
        out
    }

    /// Restores a state written by [`Nes::save_state`] on a console running the same ROM.
    /// Every check of the module docs comes first: on error the console is unchanged.
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
        if bytes[6..26] != expected {
            return Err(SaveStateError::RomMismatch {
                expected: hex(&expected),
                found: hex(&bytes[6..26]),
            });
        }
        let stored = u32::from_le_bytes([bytes[26], bytes[27], bytes[28], bytes[29]]);
        let body = &bytes[HEADER_LEN..];
        let computed = crc32fast::hash(body);
        if stored != computed {
            return Err(SaveStateError::Checksum { stored, computed });
        }
        let state: ConsoleState =
            postcard::from_bytes(body).map_err(|e| SaveStateError::Decode(e.to_string()))?;
        state.validate()?;
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
            Err(SaveStateError::Checksum { .. })
        ));
    }

    /// Rewrites the payload's checksum after an edit (a state edited on purpose, not a
    /// corrupt one: the field checks must catch it).
    fn reseal(state: &mut [u8]) {
        let crc = crc32fast::hash(&state[HEADER_LEN..]).to_le_bytes();
        state[26..30].copy_from_slice(&crc);
    }

    /// The payload's decoded form, edited and re-encoded with a valid checksum.
    fn edited(nes: &Nes, edit: impl FnOnce(&mut ConsoleState)) -> Vec<u8> {
        let saved = nes.save_state();
        let mut state: ConsoleState = postcard::from_bytes(&saved[HEADER_LEN..]).unwrap();
        edit(&mut state);
        let mut out = saved[..HEADER_LEN].to_vec();
        out.extend_from_slice(&postcard::to_allocvec(&state).unwrap());
        reseal(&mut out);
        out
    }

    /// Before the checksum, 96.6% of single-byte corruptions loaded; now every one is an
    /// error naming the checksum, and the console is unchanged.
    #[test]
    fn every_single_byte_corruption_is_refused() {
        let mut nes = Nes::new(Cart::from_bytes(&counter_rom(1)).unwrap());
        for _ in 0..500 {
            nes.step().unwrap();
        }
        let saved = nes.save_state();
        let before = nes.save_state();
        for i in HEADER_LEN..saved.len() {
            let mut bad = saved.clone();
            bad[i] ^= 0x41;
            let e = nes.load_state(&bad).unwrap_err();
            assert!(
                matches!(e, SaveStateError::Checksum { .. }),
                "byte {i}: {e}"
            );
            assert!(e.to_string().contains("corrupt"), "{e}");
        }
        assert_eq!(nes.save_state(), before, "unchanged");
    }

    /// States edited on purpose (valid checksum) with a field out of its hardware range: an
    /// error naming the field, never a later panic. Before the checks, the DMC rate and frame
    /// counter index made the next step panic, and the PPU position made the load itself
    /// overflow.
    #[test]
    fn out_of_range_fields_are_named() {
        let mut nes = Nes::new(Cart::from_bytes(&counter_rom(1)).unwrap());
        for _ in 0..500 {
            nes.step().unwrap();
        }
        let before = nes.save_state();
        let cases: Vec<(&str, Vec<u8>)> = vec![
            (
                "apu.dmc.rate_index",
                edited(&nes, |s| s.bus.set_dmc_rate_index_for_test(16)),
            ),
            (
                "apu.frame_counter.index",
                edited(&nes, |s| s.bus.set_frame_index_for_test(7)),
            ),
            (
                "ppu.scanline",
                edited(&nes, |s| s.bus.set_ppu_position_for_test(300, 0)),
            ),
            (
                "ppu.dot",
                edited(&nes, |s| s.bus.set_ppu_position_for_test(0, 400)),
            ),
            (
                "bus.cycles",
                edited(&nes, |s| s.bus.set_cycles_for_test(u64::MAX)),
            ),
            (
                "ppu.master",
                edited(&nes, |s| s.bus.set_cycles_for_test(1 << 40)),
            ),
        ];
        for (field, bytes) in cases {
            let e = nes.load_state(&bytes).unwrap_err();
            assert!(matches!(e, SaveStateError::Invalid(_)), "{field}: {e}");
            assert!(e.to_string().contains(field), "{field}: {e}");
        }
        assert_eq!(nes.save_state(), before, "unchanged");
        nes.load_state(&before).unwrap();
    }
}
