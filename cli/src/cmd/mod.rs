//! One module per subcommand.

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
