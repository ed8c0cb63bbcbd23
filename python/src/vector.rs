//! `tetris_nes._core.VecEnv`: a [`tetris_env::VecEnv`] for Python. Its results go into numpy
//! arrays allocated once at construction (observations `(n, *shape)` uint8, rewards
//! float64, flags bool, info arrays); `tetris_nes.VectorEnv` (the
//! `gymnasium.vector.VectorEnv`) hands those arrays out without copying. The envs step on
//! Rust threads with the GIL released.

use crate::adapter;
use crate::errors::to_py;
use crate::info::{Batch, Strings};
use crate::options;
use numpy::{PyArray1, PyArray2, PyArrayDyn, PyArrayMethods};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::path::PathBuf;
use tetris_env::{ActionSpace, ObservationKind, VecStep};

/// `n` envs stepped together (see `tetris_nes.VectorEnv`).
#[pyclass(module = "tetris_nes._core", name = "VecEnv")]
#[derive(Debug)]
pub struct VecEnv {
    inner: tetris_env::VecEnv,
    n: usize,
    space: ActionSpace,
    kind: ObservationKind,
    actions: Vec<u32>,
    out: Buffers,
}

/// The observation array: uint8, or float32 for the features.
#[derive(Debug)]
enum Obs {
    U8(Py<PyArrayDyn<u8>>),
    F32(Py<PyArrayDyn<f32>>),
}

/// The numpy arrays results are written into.
#[derive(Debug)]
struct Buffers {
    obs: Obs,
    /// `(n, action_count)` legal-action flags for the next step.
    masks: Py<PyArray2<bool>>,
    reward: Py<PyArray1<f64>>,
    terminated: Py<PyArray1<bool>>,
    truncated: Py<PyArray1<bool>>,
    autoreset: Py<PyArray1<bool>>,
    info: Batch,
}

impl Buffers {
    /// Copies a batch into the numpy arrays.
    fn publish(&mut self, py: Python<'_>, s: &VecStep<'_>) -> PyResult<()> {
        match &self.obs {
            Obs::U8(a) => a
                .bind(py)
                .try_readwrite()?
                .as_slice_mut()?
                .copy_from_slice(s.obs),
            Obs::F32(a) => {
                let mut a = a.bind(py).try_readwrite()?;
                for (dst, x) in a.as_slice_mut()?.iter_mut().zip(crate::env::f32s(s.obs)) {
                    *dst = x;
                }
            }
        }
        self.masks
            .bind(py)
            .try_readwrite()?
            .as_slice_mut()?
            .copy_from_slice(s.action_mask);
        self.reward
            .bind(py)
            .try_readwrite()?
            .as_slice_mut()?
            .copy_from_slice(s.reward);
        for (a, src) in [
            (&self.terminated, s.terminated),
            (&self.truncated, s.truncated),
            (&self.autoreset, s.autoreset),
        ] {
            a.bind(py)
                .try_readwrite()?
                .as_slice_mut()?
                .copy_from_slice(src);
        }
        self.info.fill(py, s.info)
    }
}

#[pymethods]
impl VecEnv {
    /// `VecEnv(id, num_envs, num_threads, options=None, rom=None)`.
    #[new]
    #[pyo3(signature = (id, num_envs, num_threads, options=None, rom=None))]
    fn new(
        py: Python<'_>,
        id: &str,
        num_envs: usize,
        num_threads: usize,
        options: Option<&Bound<'_, PyDict>>,
        rom: Option<PathBuf>,
    ) -> PyResult<VecEnv> {
        if num_envs == 0 {
            return Err(PyValueError::new_err("num_envs must be at least 1"));
        }
        if num_threads == 0 {
            return Err(PyValueError::new_err("num_threads must be at least 1"));
        }
        let spec = options::spec(id, options)?;
        let rom = options::rom(rom)?;
        let (kind, space) = (spec.observation, spec.action_space);
        let inner = py
            .detach(|| tetris_env::VecEnv::new(&rom, &spec, num_envs, num_threads))
            .map_err(to_py)?;
        let mut shape = vec![num_envs];
        shape.extend_from_slice(kind.shape());
        let strings = Strings::new(py)?;
        Ok(VecEnv {
            inner,
            n: num_envs,
            space,
            kind,
            actions: vec![0; num_envs],
            out: Buffers {
                obs: if kind.element_size() == 4 {
                    Obs::F32(PyArrayDyn::<f32>::zeros(py, shape, false).unbind())
                } else {
                    Obs::U8(PyArrayDyn::<u8>::zeros(py, shape, false).unbind())
                },
                masks: PyArray2::<bool>::zeros(py, [num_envs, space.n() as usize], false).unbind(),
                reward: PyArray1::<f64>::zeros(py, num_envs, false).unbind(),
                terminated: PyArray1::<bool>::zeros(py, num_envs, false).unbind(),
                truncated: PyArray1::<bool>::zeros(py, num_envs, false).unbind(),
                autoreset: PyArray1::<bool>::zeros(py, num_envs, false).unbind(),
                info: Batch::new(py, strings, num_envs)?,
            },
        })
    }

    /// Resets every env (env `i` with `seed + i`); the results are in the arrays.
    #[pyo3(signature = (seed=None))]
    fn reset(&mut self, py: Python<'_>, seed: Option<u64>) -> PyResult<()> {
        let inner = &mut self.inner;
        let s = py
            .detach(|| adapter::vec_reset(inner, seed))
            .map_err(to_py)?;
        self.out.publish(py, &s)
    }

    /// Steps every env with its action (a sequence of `num_envs` integers); envs whose
    /// episode ended at the previous step are reset instead (next-step autoreset).
    fn step(&mut self, py: Python<'_>, actions: &Bound<'_, PyAny>) -> PyResult<()> {
        // A numpy int64 array (what a policy hands over) is read in place; any other
        // sequence of integers element by element.
        let fast = actions
            .cast::<PyArray1<i64>>()
            .ok()
            .and_then(|a| a.try_readonly().ok());
        let acts: Vec<i64> = match fast.as_ref().and_then(|a| a.as_slice().ok()) {
            Some(a) => a.to_vec(),
            None => actions.extract().map_err(|_| {
                PyTypeError::new_err(format!(
                    "actions must be a sequence of {} integers (e.g. a numpy int array)",
                    self.n
                ))
            })?,
        };
        if acts.len() != self.n {
            return Err(PyValueError::new_err(format!(
                "got {} actions for {} envs",
                acts.len(),
                self.n
            )));
        }
        for (dst, &a) in self.actions.iter_mut().zip(&acts) {
            *dst = match u32::try_from(a) {
                Ok(u) if u < self.space.n() => u,
                _ => {
                    return Err(PyValueError::new_err(format!(
                        "action {a} is outside the {} action space (0..{})",
                        self.space.name(),
                        self.space.n()
                    )))
                }
            };
        }
        let (inner, actions) = (&mut self.inner, &self.actions);
        let s = py
            .detach(|| adapter::vec_step(inner, actions))
            .map_err(to_py)?;
        self.out.publish(py, &s)
    }

    /// The observations, `(num_envs, *shape)` uint8, or float32 for the features
    /// (overwritten by every step).
    #[getter]
    fn obs<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        match &self.out.obs {
            Obs::U8(a) => a.bind(py).clone().into_any(),
            Obs::F32(a) => a.bind(py).clone().into_any(),
        }
    }

    /// `(num_envs, action_count)` bools: each env's legal actions for its next step.
    #[getter]
    fn action_masks<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray2<bool>> {
        self.out.masks.bind(py).clone()
    }

    /// The observation kind's name ("rgb", "board", "features", ...).
    #[getter]
    fn observation_kind(&self) -> String {
        crate::env::kind_name(self.kind)
    }

    #[getter]
    fn reward<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        self.out.reward.bind(py).clone()
    }

    #[getter]
    fn terminated<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<bool>> {
        self.out.terminated.bind(py).clone()
    }

    #[getter]
    fn truncated<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<bool>> {
        self.out.truncated.bind(py).clone()
    }

    /// Which envs the last step reset (their action was ignored).
    #[getter]
    fn autoreset<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<bool>> {
        self.out.autoreset.bind(py).clone()
    }

    /// The info of the last batch: a dict of arrays (a fresh dict; shared arrays).
    fn info<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = self.out.info.dict(py)?;
        if self.space.is_placement() {
            d.set_item("action_mask", self.out.masks.bind(py))?;
            d.set_item("_action_mask", PyArray1::from_vec(py, vec![true; self.n]))?;
        }
        Ok(d)
    }

    #[getter]
    fn num_envs(&self) -> usize {
        self.n
    }

    #[getter]
    fn action_count(&self) -> u32 {
        self.space.n()
    }

    #[getter]
    fn observation_shape(&self) -> Vec<usize> {
        self.kind.shape().to_vec()
    }
}
