//! Save states of a [`crate::TetrisEnv`]: the whole console plus the episode's bookkeeping
//! (step count, reward baselines, flags), tagged with the ROM's SHA-1 so that a snapshot
//! cannot be restored into a console running another ROM.
//!
//! In memory a snapshot is a clone of the console (the ROM data is shared, so a snapshot
//! costs the console's mutable state: RAM, VRAM, chip registers). `reset` uses one.
//!
//! The byte form (for files) is `TNES` magic, a version, the ROM's SHA-1, then the state.

use crate::env::Episode;
use serde::{Deserialize, Serialize};

/// The byte form's magic.
pub const MAGIC: [u8; 4] = *b"TNES";
/// The byte form's version.
pub const VERSION: u16 = 1;

/// Why a snapshot cannot be restored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotError {
    #[error("not a tetris-nes save state (bad magic)")]
    BadMagic,
    #[error("save state version {found} is not supported (this build reads version {supported})")]
    Version { found: u16, supported: u16 },
    #[error("save state is of another ROM (SHA-1 {found}, this console runs {expected})")]
    RomMismatch { expected: String, found: String },
    #[error("save state is truncated")]
    Truncated,
    #[error("save state does not decode: {0}")]
    Decode(String),
    #[error("the console's state cannot be serialized yet: {0}")]
    Unsupported(&'static str),
}

/// A saved env: console and episode.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub(crate) rom_sha1: [u8; 20],
    pub(crate) nes: nes::Nes,
    pub(crate) episode: Episode,
}

impl Snapshot {
    /// SHA-1 of the ROM this snapshot was taken on.
    #[must_use]
    pub fn rom_sha1(&self) -> [u8; 20] {
        self.rom_sha1
    }

    /// The console at the time of the snapshot.
    #[must_use]
    pub fn console(&self) -> &nes::Nes {
        &self.nes
    }
}

/// The header of the byte form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub version: u16,
    pub rom_sha1: [u8; 20],
}

/// Header length in bytes: magic, version (LE), SHA-1.
pub const HEADER_LEN: usize = 4 + 2 + 20;

impl Header {
    /// Writes the header.
    pub fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&self.version.to_le_bytes());
        out.extend_from_slice(&self.rom_sha1);
    }

    /// Reads and checks a header against the ROM `expected_sha1`; returns the rest.
    pub fn read<'a>(
        bytes: &'a [u8],
        expected_sha1: &[u8; 20],
    ) -> Result<(Header, &'a [u8]), SnapshotError> {
        if bytes.len() < 4 || bytes[..4] != MAGIC {
            return Err(SnapshotError::BadMagic);
        }
        if bytes.len() < HEADER_LEN {
            return Err(SnapshotError::Truncated);
        }
        let version = u16::from_le_bytes([bytes[4], bytes[5]]);
        if version != VERSION {
            return Err(SnapshotError::Version {
                found: version,
                supported: VERSION,
            });
        }
        let mut rom_sha1 = [0u8; 20];
        rom_sha1.copy_from_slice(&bytes[6..HEADER_LEN]);
        if &rom_sha1 != expected_sha1 {
            return Err(SnapshotError::RomMismatch {
                expected: crate::rom::hex(expected_sha1),
                found: crate::rom::hex(&rom_sha1),
            });
        }
        Ok((Header { version, rom_sha1 }, &bytes[HEADER_LEN..]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_checks() {
        let mut v = Vec::new();
        Header {
            version: VERSION,
            rom_sha1: [7; 20],
        }
        .write(&mut v);
        v.push(42);
        let (h, rest) = Header::read(&v, &[7; 20]).unwrap();
        assert_eq!((h.version, rest), (VERSION, &[42u8][..]));
        assert!(matches!(
            Header::read(&v, &[8; 20]),
            Err(SnapshotError::RomMismatch { .. })
        ));
        assert_eq!(
            Header::read(b"NES\x1a", &[7; 20]).unwrap_err(),
            SnapshotError::BadMagic
        );
        assert_eq!(
            Header::read(&v[..10], &[7; 20]).unwrap_err(),
            SnapshotError::Truncated
        );
        let mut old = v.clone();
        old[4] = 9;
        assert!(matches!(
            Header::read(&old, &[7; 20]),
            Err(SnapshotError::Version { found: 9, .. })
        ));
    }
}
