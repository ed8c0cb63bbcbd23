//! Python keyword options to an [`EnvSpec`], and the ROM: the options mirror `EnvSpec`'s
//! fields (`level` is `start_level`); enum values are spelled as in `EnvSpec`'s serde form
//! ("simple", "board", "pass_through", "after_nmi", …), so this module holds no second table
//! of names.

use crate::errors::{rom_missing, to_py};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use tetris_env::{EnvSpec, Rom};

/// The option names `make` accepts (besides `rom` and `render_mode`).
pub const OPTIONS: &[&str] = &[
    "action_space",
    "observation",
    "level",
    "b_type_height",
    "deterministic",
    "deterministic_seed",
    "seed",
    "max_episode_steps",
    "start_select",
    "frame_timing",
    "reward",
    "placement",
];

fn bad(name: &str, value: &Bound<'_, PyAny>, expected: &str) -> PyErr {
    let shown = value
        .repr()
        .map_or_else(|_| "?".to_string(), |r| r.to_string());
    PyValueError::new_err(format!("invalid option {name} = {shown}: {expected}"))
}

/// An integer option in `0..=max`.
fn int<T: TryFrom<i64>>(name: &str, v: &Bound<'_, PyAny>, range: &str) -> PyResult<T> {
    if v.is_instance_of::<pyo3::types::PyBool>() {
        return Err(bad(name, v, range));
    }
    let i: i64 = v
        .extract()
        .map_err(|_| PyTypeError::new_err(format!("option {name} must be an integer")))?;
    T::try_from(i).map_err(|_| bad(name, v, range))
}

/// An enum option from its serde name (`EnvSpec`'s JSON form), or the command line's
/// spelling ("standard", "simple", "pass-through", "after-nmi").
fn named<T: serde::de::DeserializeOwned>(name: &str, v: &Bound<'_, PyAny>) -> PyResult<T> {
    let s = v
        .cast::<PyString>()
        .map_err(|_| PyTypeError::new_err(format!("option {name} must be a string")))?
        .to_string();
    let canonical = match s.as_str() {
        "standard" => "movement",
        "simple" => "simple_movement",
        other => other,
    }
    .replace('-', "_");
    serde_json::from_value(serde_json::Value::String(canonical)).map_err(|e| {
        // serde says "unknown variant `x`, expected one of `a`, `b`".
        bad(name, v, &e.to_string().replace('`', ""))
    })
}

/// Builds the spec of `id` with the options in `options` (`None` values mean "default").
pub fn spec(id: &str, options: Option<&Bound<'_, PyDict>>) -> PyResult<EnvSpec> {
    let id = id.strip_prefix("tetris_nes/").unwrap_or(id);
    let mut spec = EnvSpec::from_id(id).map_err(to_py)?;
    let Some(options) = options else {
        return finish(spec);
    };
    for (k, v) in options.iter() {
        let key: String = k
            .extract()
            .map_err(|_| PyTypeError::new_err("option names must be strings"))?;
        if v.is_none() && !matches!(key.as_str(), "seed" | "max_episode_steps") {
            continue;
        }
        match key.as_str() {
            "action_space" => spec.action_space = named(&key, &v)?,
            "observation" => spec.observation = named(&key, &v)?,
            "level" => spec.start_level = int(&key, &v, "a start level, 0 to 19")?,
            "b_type_height" => spec.b_type_height = int(&key, &v, "0 to 5")?,
            "deterministic" => {
                spec.deterministic = v
                    .extract()
                    .map_err(|_| PyTypeError::new_err("option deterministic must be a bool"))?;
            }
            "deterministic_seed" => {
                let pair: Vec<Bound<'_, PyAny>> = v.extract().map_err(|_| {
                    PyTypeError::new_err("option deterministic_seed must be two bytes, e.g. (0, 0)")
                })?;
                if pair.len() != 2 {
                    return Err(bad(&key, &v, "two bytes, e.g. (0, 0)"));
                }
                spec.deterministic_seed = [
                    int(&key, &pair[0], "two bytes 0 to 255")?,
                    int(&key, &pair[1], "two bytes 0 to 255")?,
                ];
            }
            "seed" => {
                spec.seed = if v.is_none() {
                    None
                } else {
                    Some(int(&key, &v, "a non-negative integer below 2**64")?)
                };
            }
            "max_episode_steps" => {
                spec.max_episode_steps = if v.is_none() {
                    None
                } else {
                    Some(int(&key, &v, "a positive integer, or None")?)
                };
            }
            "start_select" => spec.start_select = named(&key, &v)?,
            "frame_timing" => spec.frame_timing = named(&key, &v)?,
            "reward" => {
                let d = v.cast::<PyDict>().map_err(|_| {
                    PyTypeError::new_err(
                        "option reward must be a dict with keys score, lines, height_penalty",
                    )
                })?;
                for (wk, wv) in d.iter() {
                    let wk: String = wk.extract()?;
                    let w: f64 = wv.extract().map_err(|_| {
                        PyTypeError::new_err(format!("reward weight {wk} must be a number"))
                    })?;
                    match wk.as_str() {
                        "score" => spec.reward.score = w,
                        "lines" => spec.reward.lines = w,
                        "height_penalty" => spec.reward.height_penalty = w,
                        _ => {
                            return Err(PyValueError::new_err(format!(
                                "unknown reward weight {wk:?}; valid: score, lines, height_penalty"
                            )))
                        }
                    }
                }
            }
            "placement" => {
                // `PlacementOptions` in its serde form (input model, illegal actions).
                let json: String = v
                    .py()
                    .import("json")?
                    .call_method1("dumps", (&v,))?
                    .extract()?;
                let given: serde_json::Value =
                    serde_json::from_str(&json).map_err(|e| bad(&key, &v, &e.to_string()))?;
                // Keys left out keep their defaults (`input` is a struct of its own).
                let mut merged = serde_json::to_value(spec.placement)
                    .map_err(|e| bad(&key, &v, &e.to_string()))?;
                merge(&mut merged, given);
                spec.placement = serde_json::from_value(merged)
                    .map_err(|e| bad(&key, &v, &e.to_string().replace('`', "")))?;
            }
            _ => {
                return Err(PyValueError::new_err(format!(
                    "unknown option {key:?}; valid options: {}, rom, render_mode",
                    OPTIONS.join(", ")
                )))
            }
        }
    }
    finish(spec)
}

/// Overlays `given` on `base`, object by object.
fn merge(base: &mut serde_json::Value, given: serde_json::Value) {
    match (base, given) {
        (serde_json::Value::Object(b), serde_json::Value::Object(g)) => {
            for (k, v) in g {
                match b.get_mut(&k) {
                    Some(slot) if slot.is_object() && v.is_object() => merge(slot, v),
                    _ => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (b, g) => *b = g,
    }
}

/// Validates, naming the Python option (`level`) where the Rust field differs.
fn finish(spec: EnvSpec) -> PyResult<EnvSpec> {
    spec.validate().map_err(|e| match e {
        tetris_env::EnvError::InvalidOption {
            name: "start_level",
            value,
            expected,
        } => PyValueError::new_err(format!("invalid option level = {value}: {expected}")),
        e => to_py(e),
    })?;
    Ok(spec)
}

/// The ROM at `path`, else `$TETRIS_ROM`, else `roms/Tetris.nes`; loaded once per path and
/// shared by every env of the process.
pub fn rom(path: Option<PathBuf>) -> PyResult<Rom> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Rom>>> = OnceLock::new();
    let (path, from_env) = match path {
        Some(p) => (p, false),
        None => match std::env::var_os("TETRIS_ROM") {
            Some(p) => (PathBuf::from(p), true),
            None => (Rom::default_path(), false),
        },
    };
    if !Path::new(&path).is_file() {
        return Err(rom_missing(&path, from_env));
    }
    let key = path.canonicalize().unwrap_or_else(|_| path.clone());
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut cache = cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(r) = cache.get(&key) {
        return Ok(r.clone());
    }
    let r = Rom::from_file(&path).map_err(to_py)?;
    cache.insert(key, r.clone());
    Ok(r)
}
