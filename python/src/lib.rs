//! `tetris_nes._core`, the Rust half of the `tetris_nes` Python package: [`env::Env`] (one
//! environment) and [`vector::VecEnv`] (many, on threads) over `tetris_env`, with Rust
//! errors raised as Python exceptions. The gymnasium classes (`tetris_nes.TetrisEnv`,
//! `tetris_nes.VectorEnv`) and the registration are Python, in `python/tetris_nes/`.

pub mod adapter;
pub mod env;
pub mod errors;
pub mod info;
pub mod options;
pub mod vector;

use pyo3::prelude::*;

/// The extension module.
#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<env::Env>()?;
    m.add_class::<vector::VecEnv>()?;
    m.add("INFO_KEYS", info::KEYS.to_vec())?;
    m.add("OPTIONS", options::OPTIONS.to_vec())?;
    m.add("ENV_IDS", tetris_env::EnvId::all_names())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
