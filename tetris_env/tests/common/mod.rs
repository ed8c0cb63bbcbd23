//! Shared by the integration tests: finding the ROM and test data.

#![allow(dead_code)]

pub mod judge;
pub mod placer;

use std::path::PathBuf;
use tetris_env::Rom;

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `path` if it exists; else fails under `CI=true` and skips loudly otherwise.
pub fn require_data(path: PathBuf, hint: &str) -> Option<PathBuf> {
    if path.exists() {
        return Some(path);
    }
    let msg = format!("test data missing: {} ({hint})", path.display());
    assert!(std::env::var("CI").map_or(true, |v| v != "true"), "{msg}");
    eprintln!("\n*** SKIP: {msg} ***\n");
    None
}

/// The Tetris ROM ($TETRIS_ROM or roms/Tetris.nes), or `None` (skip).
pub fn rom() -> Option<Rom> {
    let path = std::env::var_os("TETRIS_ROM")
        .map_or_else(|| root().join("roms/Tetris.nes"), PathBuf::from);
    let path = require_data(path, "run scripts/fetch-rom.sh or set TETRIS_ROM")?;
    Some(Rom::from_file(&path).expect("the ROM loads"))
}

/// xorshift64: the tests' seeded random numbers.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// One of `legal`, uniformly.
    pub fn pick(&mut self, legal: &[u32]) -> u32 {
        legal[(self.next() % legal.len() as u64) as usize]
    }
}
