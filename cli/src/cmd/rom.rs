//! `tetris-nes rom info FILE`.

use crate::CliError;
use std::path::Path;
use std::process::ExitCode;

pub fn info(path: &Path) -> Result<ExitCode, CliError> {
    let _cart = super::load_cart(path)?;
    Err(CliError::Other("rom info: not yet implemented".into()))
}
