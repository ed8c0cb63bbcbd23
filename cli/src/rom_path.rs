//! The CLI's one way in: where every command finds the Tetris ROM, and reading any input file
//! with a size bound and one-line errors.
//!
//! The ROM, in order: `--rom PATH`; else [`tetris_env::Rom::default_path`] (`$TETRIS_ROM`,
//! else `roms/Tetris.nes` under the current directory) if that file exists; else
//! `../../roms/Tetris.nes` next to the executable (so `target/release/tetris-nes` finds the
//! ROM of its checkout from any directory). `scripts/fetch-rom.sh` puts the ROM at
//! `roms/Tetris.nes`. Commands that take a ROM call [`load_tetris`] (the env's ROM) or
//! [`load_cart`] (any iNES file); other input files go through [`read_input`].

use crate::error::{path, CliError};
use std::io::Read;
use std::path::{Path, PathBuf};

/// How to get the ROM, appended to every "not found" message.
pub const FETCH_HINT: &str = "run scripts/fetch-rom.sh to fetch it, or pass --rom PATH";

/// Largest ROM file read: far above any real NES image (the biggest are a few MiB), and a
/// bound on the memory a mistaken path (a disk image, a video) can take.
pub const MAX_ROM_BYTES: u64 = 64 << 20;

/// Largest movie, checks or actions file read.
pub const MAX_TEXT_BYTES: u64 = 256 << 20;

/// The ROM to use: `explicit` if given (it need not exist: loading says so), else the first
/// default place holding a file.
pub fn resolve(explicit: Option<&Path>) -> Result<PathBuf, CliError> {
    if let Some(p) = explicit {
        return Ok(p.to_path_buf());
    }
    let default = tetris_env::Rom::default_path();
    if std::env::var_os("TETRIS_ROM").is_some() {
        return Ok(default);
    }
    let candidates = candidates(default);
    if let Some(found) = candidates.iter().find(|p| p.is_file()) {
        return Ok(found.clone());
    }
    let looked: Vec<String> = candidates.iter().map(|p| path(p)).collect();
    Err(CliError::Other(format!(
        "no Tetris ROM found (looked for {}): {FETCH_HINT}",
        looked.join(", ")
    )))
}

/// The default places: the library's, then next to the executable.
fn candidates(default: PathBuf) -> Vec<PathBuf> {
    let mut out = vec![default];
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
    {
        out.push(dir.join("../../roms/Tetris.nes"));
    }
    out
}

/// Reads `file` (a `what`, for messages) whole, refusing one larger than `max` bytes before
/// reading it.
pub fn read_input(file: &Path, max: u64, what: &str) -> Result<Vec<u8>, CliError> {
    let f = std::fs::File::open(file).map_err(CliError::io(file))?;
    let meta = f.metadata().map_err(CliError::io(file))?;
    if meta.is_dir() {
        return Err(CliError::Other(format!("{}: is a directory", path(file))));
    }
    let too_big = || {
        CliError::Other(format!(
            "{}: larger than {} MiB: not a {what}",
            path(file),
            max >> 20
        ))
    };
    if meta.len() > max {
        return Err(too_big());
    }
    let mut bytes = Vec::new();
    f.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(CliError::io(file))?;
    if bytes.len() as u64 > max {
        return Err(too_big());
    }
    Ok(bytes)
}

/// A text input (movie, checks, actions) as a string (invalid UTF-8 replaced).
pub fn read_text(file: &Path, what: &str) -> Result<String, CliError> {
    let bytes = read_input(file, MAX_TEXT_BYTES, what)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The ROM file's bytes; a missing file names the path and says how to fetch the ROM.
pub fn read_rom(file: &Path) -> Result<Vec<u8>, CliError> {
    read_input(file, MAX_ROM_BYTES, "NES ROM").map_err(|e| match e {
        CliError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            CliError::Other(format!("ROM {}: file not found: {FETCH_HINT}", path(file)))
        }
        other => other,
    })
}

/// Resolves and loads the Tetris (USA) ROM for the env (any other ROM is an error); returns
/// its path too (an input no output may overwrite).
pub fn load_tetris(explicit: Option<&Path>) -> Result<(tetris_env::Rom, PathBuf), CliError> {
    let file = resolve(explicit)?;
    let bytes = read_rom(&file)?;
    let rom = tetris_env::Rom::from_bytes(&bytes)
        .map_err(|e| CliError::Other(format!("{}: {e}", path(&file))))?;
    Ok((rom, file))
}

/// Loads any iNES cartridge from `file`.
pub fn load_cart_file(file: &Path) -> Result<nes::Cart, CliError> {
    let bytes = read_rom(file)?;
    nes::Cart::from_bytes(&bytes).map_err(|source| CliError::Rom {
        path: file.to_path_buf(),
        source,
    })
}

/// Resolves and loads any iNES cartridge (the screenshot command renders any ROM); returns
/// its path too.
pub fn load_cart(explicit: Option<&Path>) -> Result<(nes::Cart, PathBuf), CliError> {
    let file = resolve(explicit)?;
    Ok((load_cart_file(&file)?, file))
}
