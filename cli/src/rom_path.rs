//! Where the play commands find the Tetris ROM, and loading it with one-line errors.
//!
//! In order: `--rom PATH`; else `$TETRIS_ROM`; else `roms/Tetris.nes` under the current
//! directory; else `../../roms/Tetris.nes` next to the executable (so `target/release/tetris-nes`
//! finds the ROM of its checkout from any directory). `scripts/fetch-rom.sh` puts the ROM at
//! `roms/Tetris.nes`.

use crate::CliError;
use std::path::{Path, PathBuf};

/// How to get the ROM, appended to every "not found" message.
pub const FETCH_HINT: &str = "run scripts/fetch-rom.sh to fetch it, or pass --rom PATH";

/// The ROM to use: `explicit` if given (it need not exist: loading says so), else the first
/// default place holding a file.
pub fn resolve(explicit: Option<&Path>) -> Result<PathBuf, CliError> {
    if let Some(p) = explicit {
        return Ok(p.to_path_buf());
    }
    if let Some(p) = std::env::var_os("TETRIS_ROM") {
        return Ok(PathBuf::from(p));
    }
    let candidates = candidates();
    if let Some(found) = candidates.iter().find(|p| p.is_file()) {
        return Ok(found.clone());
    }
    let looked: Vec<String> = candidates.iter().map(|p| p.display().to_string()).collect();
    Err(CliError::Other(format!(
        "no Tetris ROM found (looked for {}): {FETCH_HINT}",
        looked.join(", ")
    )))
}

/// The default places after `$TETRIS_ROM`.
fn candidates() -> Vec<PathBuf> {
    let mut out = vec![PathBuf::from("roms/Tetris.nes")];
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
    {
        out.push(dir.join("../../roms/Tetris.nes"));
    }
    out
}

/// The file's bytes; a missing file names the path and says how to fetch the ROM.
pub fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            CliError::Other(format!(
                "ROM {}: file not found: {FETCH_HINT}",
                path.display()
            ))
        } else {
            CliError::Io {
                path: path.to_path_buf(),
                source: e,
            }
        }
    })
}

/// Resolves and loads the Tetris (USA) ROM for the env (any other ROM is an error).
pub fn load_tetris(explicit: Option<&Path>) -> Result<tetris_env::Rom, CliError> {
    let path = resolve(explicit)?;
    let bytes = read(&path)?;
    tetris_env::Rom::from_bytes(&bytes)
        .map_err(|e| CliError::Other(format!("{}: {e}", path.display())))
}

/// Resolves and loads any iNES cartridge (the screenshot command renders any ROM).
pub fn load_cart(explicit: Option<&Path>) -> Result<nes::Cart, CliError> {
    let path = resolve(explicit)?;
    let bytes = read(&path)?;
    nes::Cart::from_bytes(&bytes).map_err(|source| CliError::Rom { path, source })
}
