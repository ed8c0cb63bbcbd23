//! NES Tetris's rules as data and functions: where a piece is, how it moves, falls, locks
//! and spawns, and how levels go up. Each item names the routine of the game it models
//! (names from the TetrisNESDisasm disassembly; facts in
//! `../shared/docs/tetris-ram-map.md`), and `tests/rules.rs` checks every fact against the
//! running ROM (the emulator is the judge).
//!
//! One frame of a falling piece is [`Falling::tick`]: the game's
//! `playState_playerControlsActiveTetrimino`, which runs `shift_tetrimino`,
//! `rotate_tetrimino` and `drop_tetrimino` in that order, after the frame's
//! `gameModeState_updateCountersAndNonPlayerState` has incremented the fall timer.
//!
//! Buttons are controller bytes in nes-py's bit order ([`crate::actions::button`]): the
//! game keeps them in the reverse order in RAM ($00F5 newly pressed, $00F7 held, A = $80),
//! [`from_game_buttons`] converts.

use crate::actions::button;
use crate::ram::{self, Orientation, PieceKind, ORIENTATION_CELLS, ORIENTATION_NAMES};
use serde::{Deserialize, Serialize};

/// Where a piece spawns (`playState_spawnNextTetrimino`: tetriminoX = 5, tetriminoY = 0),
/// in its kind's spawn orientation ([`PieceKind::spawn_orientation`]).
pub const SPAWN_X: u8 = 5;
pub const SPAWN_Y: u8 = 0;

/// DAS: a held Left/Right shifts once its counter (autorepeatX, $0046) reaches 16
/// (`DAS_RESET`); a new press zeroes the counter and shifts at once; after an auto-shift
/// the counter is set to 10 (`DAS_DELAY`), so held shifts come 16 frames after the press,
/// then every 6. A shift into a wall or a block leaves the counter at 16 (charged).
pub const DAS_CHARGED: u8 = 16;
pub const DAS_AFTER_SHIFT: u8 = 10;
/// Frames between auto-shifts once DAS is charged.
pub const DAS_REPEAT: u8 = DAS_CHARGED - DAS_AFTER_SHIFT;

/// The first piece of a game hangs: `gameModeState_initGameState` sets autorepeatY
/// ($004E) to -96 (`INITIAL_AUTOREPEAT_Y` = $A0), and `drop_tetrimino` applies no gravity
/// while it is negative, counting it up every frame, unless Down is newly pressed.
pub const FIRST_PIECE_HANG: u8 = 96;

/// Soft drop (Down held alone on the d-pad): `drop_tetrimino` counts autorepeatY 1, 2,
/// 3 and drops a row at 3 (then back to 1): a row every 2 frames, the first on the third
/// frame Down is held. Gravity keeps running meanwhile.
pub const SOFT_DROP_FRAMES: u8 = 2;

/// Gravity, frames per row for levels 0–28 (`framesPerDropTable`, NTSC). Level 29 and every
/// level above (up to 255) skip the table: 1 frame per row (`drop_tetrimino`'s
/// `cpx #$1D; bcs @noTableLookup`).
pub const FRAMES_PER_ROW: [u8; 29] = [
    48, 43, 38, 33, 28, 23, 18, 13, 8, 6, 5, 5, 5, 4, 4, 4, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
];

/// Frames per row at `level` (any level 0–255).
#[must_use]
pub fn frames_per_row(level: u8) -> u8 {
    FRAMES_PER_ROW.get(usize::from(level)).copied().unwrap_or(1)
}

/// Rows of the playfield, and the two rows above it where a piece may stick out (rows -1
/// and -2: `isPositionValid` accepts rows -2 to 19).
pub const ROWS: usize = 20;
pub const COLS: usize = 10;
pub const HIDDEN_ROWS: usize = 2;

/// Holding exactly Right + Left + Down (nothing else) loses every other frame: the game
/// runs its frame as a chain of states, and its main loop waits for the next frame whenever
/// a state returns with A equal to the next state number. `gameModeState_checkForResetKeyCombo`
/// (state 6) returns with the held buttons in A, and in the game's bit order Right + Left +
/// Down is $07, the next state: the loop waits, the next frame runs only states 7 and 8, and
/// its tick (gravity, moves, the fall timer) never happens. (A standard pad cannot press
/// Left and Right together; an emulator can.)
pub const FRAME_SKIPPING_BUTTONS: u8 = button::RIGHT | button::LEFT | button::DOWN;

/// Whether the frame after a tick that read `held` runs no tick ([`FRAME_SKIPPING_BUTTONS`]).
#[must_use]
pub fn skips_next_frame(held: u8) -> bool {
    held == FRAME_SKIPPING_BUTTONS
}

/// Game-order button byte (RAM $00F5/$00F7: A $80 … Right $01) to nes-py order.
#[must_use]
pub fn from_game_buttons(game: u8) -> u8 {
    game.reverse_bits()
}

/// The d-pad in nes-py order.
const DPAD: u8 = button::RIGHT | button::LEFT | button::DOWN | button::UP;

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
    /// A kind's spawn position.
    #[must_use]
    pub fn spawn(kind: PieceKind) -> PiecePosition {
        PiecePosition {
            orientation: kind.spawn_orientation(),
            x: SPAWN_X,
            y: SPAWN_Y,
        }
    }

    /// The four cells as (row, column), rows from the top (-1 and -2 above the playfield),
    /// columns from the left.
    #[must_use]
    pub fn cells(self) -> [(i8, i8); 4] {
        self.orientation.cells().map(|(dy, dx)| {
            (
                (self.y as i8).wrapping_add(dy),
                (self.x as i8).wrapping_add(dx),
            )
        })
    }

    /// The leftmost cell's column (the placement actions' column).
    #[must_use]
    pub fn left_column(self) -> i8 {
        self.x as i8 + shape(self.orientation).min_dx
    }

    /// The lowest cell's row.
    #[must_use]
    pub fn bottom_row(self) -> i8 {
        self.y as i8 + shape(self.orientation).max_dy
    }
}

/// An orientation's cells as row masks, for fast collision tests.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Shape {
    /// (row offset, cells of that row as bits `dx + 2`), for the rows the piece occupies.
    rows: [(i8, u16); 4],
    n: usize,
    pub(crate) min_dx: i8,
    pub(crate) max_dx: i8,
    pub(crate) min_dy: i8,
    pub(crate) max_dy: i8,
}

const fn make_shape(cells: [(i8, i8); 4]) -> Shape {
    let mut s = Shape {
        rows: [(0, 0); 4],
        n: 0,
        min_dx: 127,
        max_dx: -128,
        min_dy: 127,
        max_dy: -128,
    };
    let mut dy = -2;
    while dy <= 1 {
        let mut bits = 0u16;
        let mut k = 0;
        while k < 4 {
            let (cy, cx) = cells[k];
            if cy == dy {
                bits |= 1 << (cx + 2);
            }
            k += 1;
        }
        if bits != 0 {
            s.rows[s.n] = (dy, bits);
            s.n += 1;
        }
        dy += 1;
    }
    let mut k = 0;
    while k < 4 {
        let (cy, cx) = cells[k];
        if cx < s.min_dx {
            s.min_dx = cx;
        }
        if cx > s.max_dx {
            s.max_dx = cx;
        }
        if cy < s.min_dy {
            s.min_dy = cy;
        }
        if cy > s.max_dy {
            s.max_dy = cy;
        }
        k += 1;
    }
    s
}

static SHAPES: [Shape; 19] = {
    let mut out = [make_shape(ORIENTATION_CELLS[0]); 19];
    let mut i = 1;
    while i < 19 {
        out[i] = make_shape(ORIENTATION_CELLS[i]);
        i += 1;
    }
    out
};

pub(crate) fn shape(o: Orientation) -> &'static Shape {
    &SHAPES[usize::from(o.id())]
}

/// The cells a falling piece collides with: the 20 playfield rows and the two rows above
/// (one bit a column, bit 0 = the left column). As `isPositionValid` reads them: the
/// playfield page $0400–$04FF, with a cell empty when its byte is ≥ $EF, rows -1 and -2 at
/// the page's wrapped-around offsets 246–255 and 236–245 (where the game also writes the
/// cells of a piece that locks sticking out of the top).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Board {
    /// Row `r` (-2..=19) at index `r + 2`.
    rows: [u16; ROWS + HIDDEN_ROWS],
}

/// The cells of a full row.
const FULL_ROW: u16 = (1 << COLS) - 1;

impl Board {
    /// An empty playfield.
    #[must_use]
    pub fn empty() -> Board {
        Board::default()
    }

    /// The playfield in the console's RAM.
    #[must_use]
    pub fn from_ram(ram_bytes: &[u8; 0x800]) -> Board {
        let page = &ram_bytes[ram::BOARD..ram::BOARD + 0x100];
        let mut b = Board::default();
        for r in -(HIDDEN_ROWS as i32)..ROWS as i32 {
            let mut bits = 0u16;
            for c in 0..COLS as i32 {
                let at = ((r * 10 + c) & 0xFF) as usize;
                if page[at] < ram::EMPTY_CELL {
                    bits |= 1 << c;
                }
            }
            b.rows[(r + HIDDEN_ROWS as i32) as usize] = bits;
        }
        b
    }

    /// From 20 rows of 10 cells (top row first, non-zero = filled), e.g. a `Board`
    /// observation; the rows above are empty.
    #[must_use]
    pub fn from_cells(cells: &[u8; ROWS * COLS]) -> Board {
        let mut b = Board::default();
        for (r, row) in cells.chunks_exact(COLS).enumerate() {
            b.rows[r + HIDDEN_ROWS] = row
                .iter()
                .enumerate()
                .filter(|(_, &c)| c != 0)
                .fold(0, |m, (c, _)| m | 1 << c);
        }
        b
    }

    /// Row `row` (-2..=19) as bits (bit `c` = column `c`); rows outside are 0.
    #[must_use]
    pub fn row(&self, row: i32) -> u16 {
        usize::try_from(row + HIDDEN_ROWS as i32)
            .ok()
            .and_then(|i| self.rows.get(i).copied())
            .unwrap_or(0)
    }

    /// The 20 playfield rows, top first.
    #[must_use]
    pub fn visible_rows(&self) -> &[u16; ROWS] {
        self.rows[HIDDEN_ROWS..].try_into().unwrap_or(&[0; ROWS])
    }

    /// Whether a cell is filled (rows -2..=19, columns 0..=9; anything outside is not).
    #[must_use]
    pub fn filled(&self, row: i32, col: i32) -> bool {
        (0..COLS as i32).contains(&col) && self.row(row) >> col & 1 != 0
    }

    /// Fills a cell (ignored outside rows -2..=19, columns 0..=9).
    pub fn set(&mut self, row: i32, col: i32) {
        if (0..COLS as i32).contains(&col) {
            if let Some(r) = usize::try_from(row + HIDDEN_ROWS as i32)
                .ok()
                .and_then(|i| self.rows.get_mut(i))
            {
                *r |= 1 << col;
            }
        }
    }

    /// `isPositionValid`: the piece is inside rows -2..=19 and columns 0..=9 and on empty
    /// cells only.
    #[must_use]
    pub fn fits(&self, o: Orientation, x: i8, y: i8) -> bool {
        let s = shape(o);
        if x + s.min_dx < 0
            || x + s.max_dx > COLS as i8 - 1
            || y + s.min_dy < -(HIDDEN_ROWS as i8)
            || y + s.max_dy > ROWS as i8 - 1
        {
            return false;
        }
        for &(dy, bits) in &s.rows[..s.n] {
            let mask = (bits << x) >> 2;
            if self.rows[(y + dy + HIDDEN_ROWS as i8) as usize] & mask != 0 {
                return false;
            }
        }
        true
    }

    /// Whether `pos` is a valid place for its piece.
    #[must_use]
    pub fn fits_at(&self, pos: PiecePosition) -> bool {
        self.fits(pos.orientation, pos.x as i8, pos.y as i8)
    }

    /// Where a piece at (`x`, `y`) ends if it only falls: the last row it fits in going
    /// down (`y` itself if it cannot fall).
    #[must_use]
    pub fn drop_row(&self, o: Orientation, x: i8, y: i8) -> i8 {
        let mut y = y;
        while self.fits(o, x, y + 1) {
            y += 1;
        }
        y
    }

    /// Where a straight drop from the top (row [`SPAWN_Y`]) in column `x` lands, if the
    /// piece fits there at the top at all.
    #[must_use]
    pub fn straight_drop(&self, o: Orientation, x: i8) -> Option<PiecePosition> {
        if !self.fits(o, x, SPAWN_Y as i8) {
            return None;
        }
        let y = self.drop_row(o, x, SPAWN_Y as i8);
        Some(PiecePosition {
            orientation: o,
            x: x as u8,
            y: y as u8,
        })
    }

    /// Locks a piece (`playState_lockTetrimino` writes its cells) and clears the full rows
    /// (`playState_checkForCompletedRows` and the line-clear that follows: the rows above
    /// move down, empty rows come in at the top). Returns the rows cleared, 0–4. The rows
    /// above the playfield are left as they are (the game's own clear never reads them).
    pub fn lock(&mut self, pos: PiecePosition) -> u32 {
        for (r, c) in pos.cells() {
            self.set(i32::from(r), i32::from(c));
        }
        self.clear_full_rows()
    }

    /// Removes full playfield rows; returns how many.
    pub fn clear_full_rows(&mut self) -> u32 {
        let visible = &mut self.rows[HIDDEN_ROWS..];
        let mut dst = ROWS;
        for src in (0..ROWS).rev() {
            let row = visible[src];
            if row != FULL_ROW {
                dst -= 1;
                visible[dst] = row;
            }
        }
        let cleared = dst;
        visible[..dst].fill(0);
        cleared as u32
    }

    /// Filled cells of the playfield (rows 0–19).
    #[must_use]
    pub fn count(&self) -> u32 {
        self.visible_rows().iter().map(|r| r.count_ones()).sum()
    }
}

/// A falling piece and the counters that move it (the active player's $0040–$004F).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Falling {
    pub pos: PiecePosition,
    /// fallTimer ($0045): frames since the last drop (incremented before the drop test).
    pub fall_timer: u8,
    /// autorepeatX ($0046): the DAS counter.
    pub das: u8,
    /// autorepeatY ($004E): soft-drop counter; negative during the first-piece hang.
    pub drop_repeat: u8,
    /// holdDownPoints ($004F): rows soft-dropped (added to the score at the lock).
    pub hold_down_points: u8,
}

/// What a frame did to a falling piece.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tick {
    /// Still falling.
    Falling,
    /// The piece could not move down and locked where it is (playState becomes 2). There is
    /// no lock delay: the first frame a drop fails locks the piece.
    Locked,
}

impl Falling {
    /// The piece of a fresh spawn (`playState_spawnNextTetrimino`: position, fall timer 0,
    /// autorepeatY 0; the DAS counter carries over from the last piece).
    #[must_use]
    pub fn spawn(kind: PieceKind, das: u8) -> Falling {
        Falling {
            pos: PiecePosition::spawn(kind),
            fall_timer: 0,
            das,
            drop_repeat: 0,
            hold_down_points: 0,
        }
    }

    /// The active piece in RAM (the player-1 copy at $0060–$006F, which equals the working
    /// copy at $0040 between frames); `None` unless a piece is active (playState 1).
    #[must_use]
    pub fn from_ram(ram_bytes: &[u8; 0x800]) -> Option<Falling> {
        let pos = crate::GameState::new(ram_bytes).falling_piece()?;
        Some(Falling {
            pos,
            fall_timer: ram_bytes[0x45],
            das: ram_bytes[0x46],
            drop_repeat: ram_bytes[0x4E],
            hold_down_points: ram_bytes[0x4F],
        })
    }

    /// One frame of the game for the falling piece, with `newly` the buttons newly pressed
    /// this frame and `held` those held (nes-py order; the game reads the pad once a frame,
    /// in the NMI, and a button is newly pressed when it is held now and was not at the last
    /// read):
    /// - the fall timer counts up;
    /// - `shift_tetrimino`: nothing while Down is held; a newly pressed Left/Right zeroes
    ///   the DAS counter and shifts; a held one counts it up and shifts at 16, setting it to
    ///   10; Right wins when both are held; a blocked shift sets the counter to 16;
    /// - `rotate_tetrimino`: a newly pressed A turns clockwise, else a newly pressed B
    ///   counter-clockwise; a turn into a wall or a block is undone (no kicks);
    /// - `drop_tetrimino`: the first-piece hang, soft drop, then gravity: a drop when the
    ///   fall timer reaches [`frames_per_row`] (a signed 8-bit compare, as the game's
    ///   `bpl`), zeroing the timer; a drop that does not fit locks the piece.
    pub fn tick(&mut self, board: &Board, level: u8, newly: u8, held: u8) -> Tick {
        self.fall_timer = self.fall_timer.wrapping_add(1);
        self.shift(board, newly, held);
        self.rotate(board, newly);
        self.drop(board, level, newly, held)
    }

    fn fits(&self, board: &Board, o: Orientation, x: u8) -> bool {
        board.fits(o, x as i8, self.pos.y as i8)
    }

    fn shift(&mut self, board: &Board, newly: u8, held: u8) {
        if held & button::DOWN != 0 {
            return;
        }
        if newly & (button::LEFT | button::RIGHT) != 0 {
            self.das = 0;
        } else if held & (button::LEFT | button::RIGHT) != 0 {
            self.das = self.das.wrapping_add(1);
            // cmp #DAS_RESET; bmi @ret
            if self.das.wrapping_sub(DAS_CHARGED) & 0x80 != 0 {
                return;
            }
            self.das = DAS_AFTER_SHIFT;
        } else {
            return;
        }
        let x = if held & button::RIGHT != 0 {
            self.pos.x.wrapping_add(1)
        } else if held & button::LEFT != 0 {
            self.pos.x.wrapping_sub(1)
        } else {
            return;
        };
        if self.fits(board, self.pos.orientation, x) {
            self.pos.x = x;
        } else {
            self.das = DAS_CHARGED;
        }
    }

    fn rotate(&mut self, board: &Board, newly: u8) {
        let o = if newly & button::A != 0 {
            self.pos.orientation.rotated_cw()
        } else if newly & button::B != 0 {
            self.pos.orientation.rotated_ccw()
        } else {
            return;
        };
        if self.fits(board, o, self.pos.x) {
            self.pos.orientation = o;
        }
    }

    fn drop(&mut self, board: &Board, level: u8, newly: u8, held: u8) -> Tick {
        if self.drop_repeat & 0x80 != 0 {
            // The first-piece hang: no gravity until it counts up to 0 or Down is pressed.
            if newly & button::DOWN == 0 {
                self.drop_repeat = self.drop_repeat.wrapping_add(1);
                return Tick::Falling;
            }
            self.drop_repeat = 0;
        }
        let soft_drop = if self.drop_repeat == 0 {
            if held & (button::LEFT | button::RIGHT) == 0 && newly & DPAD == button::DOWN {
                self.drop_repeat = 1;
            }
            false
        } else if held & DPAD == button::DOWN {
            self.drop_repeat = self.drop_repeat.wrapping_add(1);
            if self.drop_repeat >= 3 {
                self.drop_repeat = 1;
                self.hold_down_points = self.hold_down_points.wrapping_add(1);
                true
            } else {
                false
            }
        } else {
            self.drop_repeat = 0;
            self.hold_down_points = 0;
            false
        };
        // lda fallTimer; cmp dropSpeed; bpl @drop
        let gravity = self.fall_timer.wrapping_sub(frames_per_row(level)) & 0x80 == 0;
        if !(soft_drop || gravity) {
            return Tick::Falling;
        }
        self.fall_timer = 0;
        let y = self.pos.y.wrapping_add(1);
        if board.fits(self.pos.orientation, self.pos.x as i8, y as i8) {
            self.pos.y = y;
            Tick::Falling
        } else {
            Tick::Locked
        }
    }
}

/// Whether the game raises the level when its lines counter reaches `lines` (A-type,
/// `incrementLines`): only at a multiple of 10, and only if the level is below the lines
/// counter read the game's way, the tens and the hundreds digits as one hexadecimal byte
/// (the hundreds counted in binary past 9), compared signed. So a start level of 10 or more
/// waits for its first level-up (130 lines from level 18, 200 from 29) and then goes up every
/// 10 lines: level 155 at 1,490 lines from 18.
#[must_use]
pub fn level_goes_up(level: u8, lines: u32) -> bool {
    if lines % 10 != 0 {
        return false;
    }
    let tens = (lines / 10) % 10;
    let hundreds = lines / 100;
    let read = ((hundreds & 0x0F) << 4 | tens) as u8;
    level.wrapping_sub(read) & 0x80 != 0
}

/// Points of a line clear of `lines` rows (1–4) at `level` (`pointsTable` × (level + 1),
/// added level + 1 times by `addLineClearPoints`); the score is capped at 999,999.
#[must_use]
pub fn line_clear_points(lines: u32, level: u8) -> u32 {
    const POINTS: [u32; 5] = [0, 40, 100, 300, 1200];
    POINTS.get(lines as usize).copied().unwrap_or(0) * (u32::from(level) + 1)
}

/// Entry delay: frames from the frame a piece locks to the frame the next one spawns,
/// when the lock clears no row. The game writes the piece into the playfield and spawns
/// the next one only once the NMI has copied the playfield rows from two above the piece's
/// row down to the bottom to the screen, four rows a frame (`vramRow`): 10 frames for a
/// piece locked with `y` 18 or 19, 2 more for every 4 rows higher, 18 at the top.
#[must_use]
pub fn entry_delay(y: u8) -> u32 {
    let first_row = u32::from(y.saturating_sub(2)).min(ROWS as u32);
    // Rows still to copy, four a frame, then the lock, row check and spawn states.
    let rows = ROWS as u32 - first_row;
    10 + 2 * ((rows.saturating_sub(1)) / 4)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_and_collisions() {
        let b = Board::empty();
        let ih = PieceKind::I.spawn_orientation();
        assert!(b.fits(ih, 5, 0));
        assert!(b.fits(ih, 2, 0) && !b.fits(ih, 1, 0), "Ih spans x-2..x+1");
        assert!(b.fits(ih, 8, 19) && !b.fits(ih, 9, 19) && !b.fits(ih, 8, 20));
        let iv = ih.rotated_cw();
        assert!(b.fits(iv, 0, 0), "Iv sticks out two rows above at y 0");
        assert!(!b.fits(iv, 0, -1));
        assert_eq!(b.drop_row(iv, 0, 0), 18);
        let mut b2 = b;
        b2.set(-1, 5);
        assert!(!b2.fits(iv, 5, 0) && b2.fits(iv, 5, 2));
        let p = PiecePosition {
            orientation: ih,
            x: 5,
            y: 0,
        };
        assert_eq!((p.left_column(), p.bottom_row()), (3, 0));
        for o in Orientation::ALL {
            let s = shape(o);
            let n: u32 = s.rows[..s.n].iter().map(|r| r.1.count_ones()).sum();
            assert_eq!(n, 4, "{}", o.name());
        }
    }

    #[test]
    fn lock_clears_rows() {
        let mut b = Board::empty();
        for c in 0..9 {
            for r in 16..20 {
                b.set(r, c);
            }
        }
        b.set(15, 0);
        let iv = PieceKind::I.spawn_orientation().rotated_cw();
        let pos = b.straight_drop(iv, 9).unwrap();
        assert_eq!(pos.y, 18);
        assert_eq!(b.lock(pos), 4);
        assert_eq!(b.count(), 1);
        assert!(b.filled(19, 0));
    }

    #[test]
    fn gravity_table_and_levels() {
        assert_eq!(frames_per_row(0), 48);
        assert_eq!(frames_per_row(18), 3);
        assert_eq!(frames_per_row(28), 2);
        assert_eq!(frames_per_row(29), 1);
        assert_eq!(frames_per_row(255), 1);
        assert!(level_goes_up(0, 10) && !level_goes_up(0, 11));
        assert!(!level_goes_up(18, 120) && level_goes_up(18, 130));
        assert!(!level_goes_up(29, 190) && level_goes_up(29, 200));
        // From 18: one level every 10 lines after 130; 155 at 1,490.
        let mut level = 18u8;
        for lines in 1..=1490 {
            if level_goes_up(level, lines) {
                level += 1;
            }
        }
        assert_eq!(level, 155);
        assert_eq!(from_game_buttons(0x80), button::A);
        assert_eq!(from_game_buttons(0x01), button::RIGHT);
    }
}
