//! What the placement tests judge the planner by, written apart from the library's own
//! mapping: a frame-level env restored from a state a placement env saved (the emulator's
//! view of it), and the straight drop each of the 40 placement actions names.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use tetris_env::ram::PieceKind;
use tetris_env::rules::{Board, PiecePosition};
use tetris_env::{EnvSpec, FrameTiming, ObservationKind, Rom, Snapshot, SpecCheck, TetrisEnv};

/// A frame-level env (no observation, frame timing `timing`) restored from `snap`.
pub fn frame_env(rom: &Rom, timing: FrameTiming, snap: &Snapshot) -> TetrisEnv {
    let mut frames = EnvSpec::from_id("TetrisA-v0")
        .unwrap()
        .observation(ObservationKind::None)
        .frame_timing(timing)
        .build(rom)
        .unwrap();
    frames
        .restore_with(snap, SpecCheck::AllowDifferent)
        .unwrap();
    frames
}

/// Where placement action `a` (0–39: `a % 4` clockwise turns from the spawn orientation,
/// the piece's leftmost cell in column `a / 4`) drops `kind` straight down on `board`;
/// `None` if those turns repeat an orientation fewer turns reach, or the piece does not fit
/// there.
pub fn straight_target(board: &Board, kind: PieceKind, a: u32) -> Option<PiecePosition> {
    let (r, col) = (a % 4, a / 4);
    let mut o = kind.spawn_orientation();
    for _ in 0..r {
        o = o.rotated_cw();
    }
    let distinct = u32::from(o.rotation()) == r;
    let x = col as i8 - o.cells().iter().map(|c| c.1).min().unwrap();
    board.straight_drop(o, x).filter(|_| distinct)
}
