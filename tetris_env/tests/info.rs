//! The info agents rely on, checked against the running game: the piece count and the
//! `new_piece` flag, the falling piece, frames since spawn, and what `current_piece` really
//! holds between pieces.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

mod common;

use common::placer::Placer;
use tetris_env::ram::{PieceKind, PlayState, PIECE};
use tetris_env::{EnvSpec, FrameTiming, ObservationKind, PiecePosition};

/// fallTimer ($0045): zeroed when a piece spawns, incremented every frame.
const FALL_TIMER: usize = 0x45;

#[test]
fn piece_info_follows_the_game() {
    let Some(rom) = common::rom() else { return };
    for timing in [FrameTiming::AfterNmi, FrameTiming::Vblank] {
        let mut env = EnvSpec::from_id("TetrisA-v0")
            .unwrap()
            .observation(ObservationKind::None)
            .frame_timing(timing)
            .seed(3)
            .build(&rom)
            .unwrap();
        let info = env.reset(None).unwrap();
        assert!(info.new_piece && info.pieces == 1, "{info:?}");
        let first = info.falling.expect("the first piece is in play at reset");
        assert_eq!((first.x, first.y), (5, 0), "spawn at x 5, y 0");
        assert_eq!(
            first.orientation,
            first.orientation.kind().spawn_orientation()
        );
        // The first piece hangs (no gravity): its fall timer counts the frames since spawn.
        assert_eq!(
            info.frames_since_spawn,
            u32::from(env.console().ram()[FALL_TIMER])
        );

        let mut placer = Placer::default();
        let (mut prev, mut spawns, mut hidden_after_clear) = (info, 1, 0);
        let mut last_falling: Option<PiecePosition> = info.falling;
        for _ in 0..12_000 {
            let byte = placer.act(&env.state());
            let s = env.step(u32::from(byte)).unwrap();
            let i = s.info;
            assert_eq!((i.frames, i.episode_frames), (1, prev.episode_frames + 1));
            assert_eq!(i.falling.is_some(), i.play_state == Some(PlayState::Active));
            if i.new_piece {
                spawns += 1;
                assert_eq!(i.pieces, prev.pieces + 1);
                assert_eq!(i.frames_since_spawn, 0);
                let f = i.falling.expect("a spawned piece falls");
                assert_eq!((f.x, f.y), (5, 0));
                assert_eq!(f.orientation, f.orientation.kind().spawn_orientation());
                assert_eq!(
                    Some(f.orientation),
                    prev.next_piece.map(|n| n.kind().spawn_orientation())
                );
                assert_eq!(u32::from(env.console().ram()[FALL_TIMER]), 0);
            } else {
                assert_eq!(i.pieces, prev.pieces);
                assert_eq!(i.frames_since_spawn, prev.frames_since_spawn + 1);
            }
            if let Some(f) = i.falling {
                assert_eq!(i.current_piece, Some(f.orientation));
                assert_eq!((i.piece_x, i.piece_y), (f.x, f.y));
                last_falling = Some(f);
            } else if i.play_state != Some(PlayState::TopOut) {
                // Between pieces: the locked piece, or hidden ($13) after a line clear.
                match i.current_piece {
                    Some(o) => assert_eq!(Some(o), last_falling.map(|f| f.orientation)),
                    None => {
                        assert_eq!(env.console().ram()[PIECE], 0x13);
                        hidden_after_clear += 1;
                    }
                }
            }
            prev = i;
            if s.terminated {
                break;
            }
        }
        assert!(spawns > 100, "{spawns} pieces");
        assert!(hidden_after_clear > 0, "lines were cleared");
        // The statistics by kind add up to the count.
        let counts = prev.statistics.counts();
        assert_eq!(counts.iter().sum::<u32>(), prev.pieces);
        assert_eq!(PieceKind::ALL.len(), counts.len());
    }
}
