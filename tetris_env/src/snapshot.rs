//! Save states of a [`crate::TetrisEnv`]: the whole console plus the episode's bookkeeping
//! (step count, reward baselines, flags), tagged with the ROM's SHA-1 so that a snapshot
//! cannot be restored into a console running another ROM.
//!
//! In memory a snapshot is a clone of the console (the ROM data is shared, so a snapshot
//! costs the console's mutable state: RAM, VRAM, chip registers). `reset` uses one.
//!
//! The byte form (for files) is the magic `TENV`, a version (u16 LE), then the postcard
//! encoding of the console's save state ([`nes::savestate`]: `TNES` magic, its version, the
//! ROM's SHA-1, every chip) and of the episode. Reading bytes of another ROM or version is
//! an error.

use crate::env::Episode;
use serde::{Deserialize, Serialize};

/// The byte form's magic.
pub const MAGIC: [u8; 4] = *b"TENV";
/// The byte form's version.
pub const VERSION: u16 = 4;

/// Why a snapshot cannot be restored.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("not a tetris-nes env snapshot (bad magic)")]
    BadMagic,
    #[error("env snapshot version {found} is not supported (this build reads version {VERSION})")]
    Version { found: u16 },
    #[error("snapshot is of another ROM (SHA-1 {found}), this env runs {expected}")]
    RomMismatch { expected: String, found: String },
    #[error("snapshot does not decode: {0}")]
    Decode(String),
    #[error(transparent)]
    Console(#[from] nes::savestate::SaveStateError),
}

/// A saved env: console and episode, and the observation it showed. (A console's state
/// carries no picture, see `nes::ppu::Picture`; the observation keeps an RGB env's picture
/// across a restore. The byte form leaves it out: after `restore_bytes` an RGB observation is
/// the console's picture again from the next step on.)
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub(crate) rom_sha1: [u8; 20],
    pub(crate) nes: nes::Nes,
    pub(crate) episode: Episode,
    pub(crate) obs: Option<Vec<u8>>,
}

#[derive(Serialize, Deserialize)]
struct File {
    console: Vec<u8>,
    episode: Episode,
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

    /// The byte form (see the module docs).
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&VERSION.to_le_bytes());
        let file = File {
            console: self.nes.save_state(),
            episode: self.episode,
        };
        // Encoding plain data into a Vec cannot fail.
        if let Ok(body) = postcard::to_allocvec(&file) {
            out.extend_from_slice(&body);
        }
        out
    }

    /// Reads the byte form into a console like `template` (same ROM; its state is replaced).
    pub(crate) fn from_bytes(bytes: &[u8], template: &nes::Nes) -> Result<Snapshot, SnapshotError> {
        if bytes.len() < 4 || bytes[..4] != MAGIC {
            return Err(SnapshotError::BadMagic);
        }
        let found = match bytes.get(4..6) {
            Some(v) => u16::from_le_bytes([v[0], v[1]]),
            None => return Err(SnapshotError::Decode("truncated header".into())),
        };
        if found != VERSION {
            return Err(SnapshotError::Version { found });
        }
        let file: File =
            postcard::from_bytes(&bytes[6..]).map_err(|e| SnapshotError::Decode(e.to_string()))?;
        let mut nes = template.clone();
        nes.load_state(&file.console)?;
        Ok(Snapshot {
            rom_sha1: nes.bus().cartridge().sha1(),
            nes,
            episode: file.episode,
            obs: None,
        })
    }
}
