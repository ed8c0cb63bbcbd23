//! One module per subcommand.

pub mod agent;
pub mod bench;
pub mod conformance;
pub mod movie;
pub mod play;
pub mod random;
pub mod replay;
pub mod rom;
pub mod screenshot;
pub mod trace;

use crate::CliError;
use std::path::Path;

/// Reads a file, naming it in the error.
pub fn read_file(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|source| CliError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Reads and parses a ROM, naming the file in the error.
pub fn load_cart(path: &Path) -> Result<nes::Cart, CliError> {
    let bytes = read_file(path)?;
    nes::Cart::from_bytes(&bytes).map_err(|source| CliError::Rom {
        path: path.to_path_buf(),
        source,
    })
}

/// Loads the Tetris ROM from `path`, else `$TETRIS_ROM`, else `roms/Tetris.nes`; a missing
/// file is one line saying how to fetch it.
pub fn load_rom(path: Option<&Path>) -> Result<tetris_env::Rom, CliError> {
    let path = path
        .map(Path::to_path_buf)
        .unwrap_or_else(tetris_env::Rom::default_path);
    if !path.exists() {
        return Err(CliError::Other(format!(
            "no Tetris ROM at {} (run scripts/fetch-rom.sh, or pass --rom PATH)",
            path.display()
        )));
    }
    tetris_env::Rom::from_file(&path)
        .map_err(|e| CliError::Other(format!("{}: {e}", path.display())))
}
