//! RAM decoding facts checked against the running game and its ROM.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

mod common;

use tetris_env::ram::{Orientation, PieceKind};
use tetris_env::{EnvSpec, GameType, ObservationKind};

/// The orientation cells and rotations of `ram` are the game's own tables
/// (`orientationTable` at $8A9C: 19 × 4 × (row, tile, column); `rotationTable` at $88EE:
/// 19 × (B, A)).
#[test]
fn piece_tables_match_the_rom() {
    let Some(rom) = common::rom() else { return };
    let env = EnvSpec::from_id("TetrisA-v0")
        .unwrap()
        .observation(ObservationKind::None)
        .build(&rom)
        .unwrap();
    let nes = env.console();
    for o in Orientation::ALL {
        let base = 0x8A9C + 12 * u16::from(o.id());
        let cells: Vec<(i8, i8)> = (0..4)
            .map(|k| {
                let at = base + 3 * k;
                (nes.peek(at) as i8, nes.peek(at + 2) as i8)
            })
            .collect();
        assert_eq!(cells, o.cells(), "{}", o.name());
        let a = nes.peek(0x88EE + 2 * u16::from(o.id()) + 1);
        assert_eq!(a, o.rotated_cw().id(), "A rotates {}", o.name());
        let b = nes.peek(0x88EE + 2 * u16::from(o.id()));
        assert_eq!(b, o.rotated_ccw().id(), "B rotates {}", o.name());
    }
}

#[test]
fn game_state_decodes_a_running_game() {
    let Some(rom) = common::rom() else { return };
    let mut env = EnvSpec::from_id("TetrisA-v0")
        .unwrap()
        .observation(ObservationKind::None)
        .start_level(12)
        .deterministic(true)
        .build(&rom)
        .unwrap();
    env.reset(None).unwrap();
    let s = env.state();
    assert!(s.in_play());
    assert_eq!(s.game_type(), Some(GameType::A));
    assert_eq!(s.level(), 12);
    assert_eq!((s.lines(), s.score()), (Some(0), Some(0)));
    let piece = s.piece().unwrap();
    assert_eq!(piece, piece.kind().spawn_orientation());
    assert_eq!((s.piece_x(), s.piece_y()), (5, 0));
    assert_eq!(s.statistics().unwrap().counts().iter().sum::<u32>(), 1);
    assert_eq!(s.line_clears(), Some([0; 4]));
    assert_eq!(s.board_height(), 0);
    assert!(PieceKind::ALL.contains(&s.next_piece().unwrap().kind()));
}
