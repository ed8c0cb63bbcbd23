//! Rust errors as Python exceptions, with the Rust message: bad ids, options, actions and
//! ROMs are `ValueError`s (a missing ROM a `FileNotFoundError`), misuse of an episode and
//! emulator failures `RuntimeError`s.

use pyo3::exceptions::{PyFileNotFoundError, PyRuntimeError, PyValueError};
use pyo3::PyErr;
use tetris_env::EnvError;

/// The Python exception for an env error.
pub fn to_py(e: EnvError) -> PyErr {
    let msg = e.to_string();
    match e {
        EnvError::UnknownEnvId { .. }
        | EnvError::InvalidOption { .. }
        | EnvError::InvalidAction { .. }
        | EnvError::Rom(_)
        | EnvError::Snapshot(_) => PyValueError::new_err(msg),
        // Misuse of an episode (stepping after its end or before a reset), the emulator,
        // the menus, a worker thread.
        _ => PyRuntimeError::new_err(msg),
    }
}

/// The missing-ROM error: says where it looked and how to get the ROM.
pub fn rom_missing(path: &std::path::Path, from_env: bool) -> PyErr {
    let origin = if from_env {
        "(from $TETRIS_ROM)"
    } else {
        "(the default; set TETRIS_ROM or pass rom=...)"
    };
    PyFileNotFoundError::new_err(format!(
        "Tetris ROM not found at {} {origin}: set the TETRIS_ROM environment variable to the \
         path of Tetris (USA).nes, pass rom=PATH, or run scripts/fetch-rom.sh in a tetris-nes \
         checkout (it writes roms/Tetris.nes)",
        path.display()
    ))
}
