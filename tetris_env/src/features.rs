//! Board features for agents: the observation [`crate::ObservationKind::Features`] and what
//! the built-in heuristic agent weighs. Tetris-Gymnasium's feature vector (column heights,
//! holes, bumpiness, heights) and the El-Tetris / Dellacherie set (landing height, eroded
//! piece cells, row and column transitions, holes, cumulative wells), all computed on the
//! locked cells of the playfield (never the falling piece).
//!
//! Definitions (rows from the top, a column's height = 20 − its highest filled row):
//! - holes: empty cells with a filled cell above them in the same column;
//! - bumpiness: Σ |height(c) − height(c + 1)| over neighbouring columns;
//! - row transitions: along each row, filled/empty changes between neighbouring cells,
//!   the walls counting as filled (a row's transitions, Dellacherie's definition);
//! - column transitions: down each column, filled/empty changes, the floor counting as
//!   filled and the space above the playfield as empty;
//! - cumulative wells: for every well cell (empty, with filled cells or walls left and
//!   right) the depth of the well down to it, summed (a well of depth d adds 1 + … + d);
//! - landing height: the mean height of the last placed piece's cells, a cell in the bottom
//!   row having height 1;
//! - eroded piece cells: rows cleared by the last placement × its cells in those rows.

use crate::ram::PieceKind;
use crate::rules::{Board, PiecePosition, COLS, ROWS};

/// Entries of the feature vector.
pub const FEATURE_COUNT: usize = 34;

/// The names of the features, in the vector's order.
pub const FEATURE_NAMES: [&str; FEATURE_COUNT] = [
    "height_0",
    "height_1",
    "height_2",
    "height_3",
    "height_4",
    "height_5",
    "height_6",
    "height_7",
    "height_8",
    "height_9",
    "holes",
    "bumpiness",
    "max_height",
    "aggregate_height",
    "row_transitions",
    "column_transitions",
    "cumulative_wells",
    "lines_cleared",
    "landing_height",
    "eroded_piece_cells",
    "current_T",
    "current_J",
    "current_Z",
    "current_O",
    "current_S",
    "current_L",
    "current_I",
    "next_T",
    "next_J",
    "next_Z",
    "next_O",
    "next_S",
    "next_L",
    "next_I",
];

/// The features of a board (integers; see the module docs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BoardFeatures {
    pub heights: [u8; COLS],
    pub holes: u32,
    pub bumpiness: u32,
    pub max_height: u32,
    pub aggregate_height: u32,
    pub row_transitions: u32,
    pub column_transitions: u32,
    pub cumulative_wells: u32,
    /// Rows holding at least one hole.
    pub rows_with_holes: u32,
}

const FULL: u16 = (1 << COLS) - 1;

impl BoardFeatures {
    /// Computes the features of the playfield rows of `board`.
    #[must_use]
    pub fn of(board: &Board) -> BoardFeatures {
        let rows = board.visible_rows();
        let mut f = BoardFeatures::default();
        // Heights and holes, column-parallel: `above` has a bit for every column with a
        // filled cell in a row above the current one.
        let mut above = 0u16;
        for (r, &row) in rows.iter().enumerate() {
            let new = row & !above;
            for c in 0..COLS {
                if new >> c & 1 != 0 {
                    f.heights[c] = (ROWS - r) as u8;
                }
            }
            let holes = above & !row & FULL;
            f.holes += holes.count_ones();
            f.rows_with_holes += u32::from(holes != 0);
            above |= row;
            // Row transitions with the walls filled: bits 0 and 11 around the row.
            let walled = (u32::from(row) << 1) | 1 | (1 << (COLS + 1));
            f.row_transitions += ((walled ^ (walled >> 1)) & ((1 << (COLS + 1)) - 1)).count_ones();
        }
        // Column transitions: between consecutive rows, the top (empty above) and the floor.
        let mut prev = 0u16;
        for &row in rows {
            f.column_transitions += (row ^ prev).count_ones();
            prev = row;
        }
        f.column_transitions += (prev ^ FULL).count_ones();
        for c in 0..COLS {
            let h = u32::from(f.heights[c]);
            f.aggregate_height += h;
            f.max_height = f.max_height.max(h);
            if c + 1 < COLS {
                f.bumpiness += h.abs_diff(u32::from(f.heights[c + 1]));
            }
        }
        // Wells: empty cells whose left and right neighbours are filled (walls count).
        for c in 0..COLS {
            let mut depth = 0;
            for &row in rows {
                let walled = (u32::from(row) << 1) | 1 | (1 << (COLS + 1));
                let col = c + 1;
                let well = walled >> col & 1 == 0
                    && walled >> (col - 1) & 1 != 0
                    && walled >> (col + 1) & 1 != 0;
                if well {
                    depth += 1;
                    f.cumulative_wells += depth;
                } else {
                    depth = 0;
                }
            }
        }
        f
    }
}

/// What the last placement did, for the placement features.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LastPlacement {
    /// Rows it cleared.
    pub lines: u32,
    /// Mean height of its cells (bottom row = 1).
    pub landing_height: f32,
    /// Rows cleared × its cells in them.
    pub eroded_cells: u32,
}

impl LastPlacement {
    /// Locks `pos` on `board` (a copy) and measures it.
    #[must_use]
    pub fn measure(board: &Board, pos: PiecePosition) -> LastPlacement {
        let mut after = *board;
        for (r, c) in pos.cells() {
            after.set(i32::from(r), i32::from(c));
        }
        let mut in_full = 0;
        let mut height = 0.0;
        for (r, _) in pos.cells() {
            height += (ROWS as i32 - i32::from(r)) as f32;
            if after.row(i32::from(r)) == FULL && r >= 0 {
                in_full += 1;
            }
        }
        let lines = after.clear_full_rows();
        LastPlacement {
            lines,
            landing_height: height / 4.0,
            eroded_cells: lines * in_full,
        }
    }
}

/// The feature vector (float32, in [`FEATURE_NAMES`]' order).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Features(pub [f32; FEATURE_COUNT]);

impl Features {
    /// The features of `board` (locked cells), the last placement, and the current and
    /// next pieces (one-hot in the order T J Z O S L I; all zero when unknown).
    #[must_use]
    pub fn new(
        board: &Board,
        last: Option<LastPlacement>,
        current: Option<PieceKind>,
        next: Option<PieceKind>,
    ) -> Features {
        let b = BoardFeatures::of(board);
        let last = last.unwrap_or_default();
        let mut v = [0f32; FEATURE_COUNT];
        for (dst, &h) in v.iter_mut().zip(&b.heights) {
            *dst = f32::from(h);
        }
        let rest = [
            b.holes as f32,
            b.bumpiness as f32,
            b.max_height as f32,
            b.aggregate_height as f32,
            b.row_transitions as f32,
            b.column_transitions as f32,
            b.cumulative_wells as f32,
            last.lines as f32,
            last.landing_height,
            last.eroded_cells as f32,
        ];
        v[COLS..COLS + rest.len()].copy_from_slice(&rest);
        let one_hot = COLS + rest.len();
        for (offset, kind) in [(0, current), (7, next)] {
            if let Some(k) = kind {
                if let Some(i) = PieceKind::ALL.iter().position(|&x| x == k) {
                    v[one_hot + offset + i] = 1.0;
                }
            }
        }
        Features(v)
    }

    /// The vector.
    #[must_use]
    pub fn as_array(&self) -> &[f32; FEATURE_COUNT] {
        &self.0
    }

    /// A feature by name.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<f32> {
        FEATURE_NAMES
            .iter()
            .position(|&n| n == name)
            .map(|i| self.0[i])
    }

    /// Writes the vector as little-endian float32 bytes (4 × [`FEATURE_COUNT`]).
    pub fn write_le_bytes(&self, out: &mut [u8]) {
        for (chunk, x) in out.chunks_exact_mut(4).zip(self.0) {
            chunk.copy_from_slice(&x.to_le_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn board(rows: &[&str]) -> Board {
        // Rows given bottom-aligned, '#' filled.
        let mut b = Board::empty();
        let top = ROWS - rows.len();
        for (i, row) in rows.iter().enumerate() {
            for (c, ch) in row.chars().enumerate() {
                if ch == '#' {
                    b.set((top + i) as i32, c as i32);
                }
            }
        }
        b
    }

    #[test]
    fn features_of_a_small_board() {
        let b = board(&["#.........", "#.#......#", "##..#...##"]);
        let f = BoardFeatures::of(&b);
        assert_eq!(f.heights, [3, 1, 2, 0, 1, 0, 0, 0, 1, 2]);
        assert_eq!(
            (f.holes, f.rows_with_holes),
            (1, 1),
            "under column 2's block"
        );
        assert_eq!(f.aggregate_height, 10);
        assert_eq!(f.max_height, 3);
        assert_eq!(f.bumpiness, 9, "2 + 1 + 2 + 1 + 1 + 0 + 0 + 1 + 1");
        // Row transitions: top row "#........." walled: #|#.........|# -> 2;
        // middle "#.#......#": #|#.#......#|# -> 4; bottom "###.#...##": -> 4;
        // empty rows: 2 each (17 of them).
        assert_eq!(f.row_transitions, 2 + 4 + 4 + 17 * 2);
        let empty = BoardFeatures::of(&Board::empty());
        assert_eq!(empty.column_transitions, 10, "the floor under every column");
        assert_eq!(empty.cumulative_wells, 0);
        assert_eq!(empty.row_transitions, 40);
    }

    #[test]
    fn vector_layout() {
        let b = board(&["#########."]);
        let iv = PieceKind::I.spawn_orientation().rotated_cw();
        let pos = PiecePosition {
            orientation: iv,
            x: 9,
            y: 18,
        };
        let last = LastPlacement::measure(&b, pos);
        assert_eq!((last.lines, last.eroded_cells), (1, 1));
        assert_eq!(last.landing_height, (1.0 + 2.0 + 3.0 + 4.0) / 4.0);
        let f = Features::new(&b, Some(last), Some(PieceKind::T), Some(PieceKind::I));
        assert_eq!(f.get("lines_cleared"), Some(1.0));
        assert_eq!(f.get("current_T"), Some(1.0));
        assert_eq!(f.get("next_I"), Some(1.0));
        assert_eq!(f.get("height_9"), Some(0.0));
        assert!(f.as_array().iter().sum::<f32>() > 0.0);
        let mut bytes = [0u8; FEATURE_COUNT * 4];
        f.write_le_bytes(&mut bytes);
        assert_eq!(f32::from_le_bytes(bytes[68..72].try_into().unwrap()), 1.0);
        // Wells: column 9 is a well of depth 1 next to the wall.
        assert_eq!(BoardFeatures::of(&b).cumulative_wells, 1);
    }
}
