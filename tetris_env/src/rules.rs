//! NES Tetris's rules as data and functions: where a piece is, how it moves, falls, locks
//! and spawns, each with the routine of the game that it models (names from the
//! TetrisNESDisasm disassembly; facts in `../shared/docs/tetris-ram-map.md`). Tests check
//! every fact against the running ROM.

use crate::ram::{Orientation, ORIENTATION_NAMES};
use serde::{Deserialize, Serialize};

/// A piece's place: its orientation and the playfield cell of its origin ($0040 tetriminoX =
/// column, $0041 tetriminoY = row, $0042 the orientation id). The four cells are the
/// origin plus [`Orientation::cells`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PiecePosition {
    #[serde(with = "orientation_name")]
    pub orientation: Orientation,
    pub x: u8,
    pub y: u8,
}

impl PiecePosition {
    /// The four cells as (row, column), rows from the top (may be -1 or -2 above the
    /// playfield), columns from the left.
    #[must_use]
    pub fn cells(self) -> [(i8, i8); 4] {
        self.orientation.cells().map(|(dy, dx)| {
            (
                (self.y as i8).wrapping_add(dy),
                (self.x as i8).wrapping_add(dx),
            )
        })
    }
}

/// Serializes an orientation as its name ("Tu" … "Ih").
mod orientation_name {
    use super::{Orientation, ORIENTATION_NAMES};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(o: &Orientation, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(o.name())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Orientation, D::Error> {
        let name = String::deserialize(d)?;
        ORIENTATION_NAMES
            .iter()
            .position(|&x| x == name)
            .and_then(|i| Orientation::from_id(i as u8))
            .ok_or_else(|| serde::de::Error::custom(format!("unknown orientation {name:?}")))
    }
}
