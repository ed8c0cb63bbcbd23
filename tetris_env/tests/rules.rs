//! Every fact of `tetris_env::rules` checked against the running ROM: the game's tables,
//! gravity per level, DAS, tapping, Down against shifting, soft drop, rotation without
//! kicks, spawn, the first-piece hang, lock and entry delay, level-ups; and the frame model
//! (`Falling::tick`) against the emulator, frame by frame, under random input.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

mod common;

use tetris_env::actions::button;
use tetris_env::ram::{Orientation, PieceKind, PlayState};
use tetris_env::rules::{self, Board, Falling, Tick};
use tetris_env::{EnvSpec, FrameTiming, ObservationKind, Rom, TetrisEnv};

fn env(rom: &Rom, level: u8, timing: FrameTiming, seed: u64) -> TetrisEnv {
    let mut e = EnvSpec::from_id("TetrisA-v0")
        .unwrap()
        .observation(ObservationKind::None)
        .start_level(level)
        .frame_timing(timing)
        .seed(seed)
        .build(rom)
        .unwrap();
    e.reset(None).unwrap();
    e
}

/// Steps with `byte` held until a new piece spawns (the first step's piece is then fresh:
/// no first-piece hang).
fn next_piece(e: &mut TetrisEnv, byte: u8) {
    for _ in 0..5000 {
        if e.step(u32::from(byte)).unwrap().info.new_piece {
            return;
        }
    }
    panic!("no new piece");
}

#[test]
fn gravity_table_is_the_roms_and_the_game_falls_at_it() {
    let Some(rom) = common::rom() else { return };
    // framesPerDropTable: the 29 entries for levels 0–28, then the unused 30th (1).
    let e = env(&rom, 0, FrameTiming::Vblank, 1);
    let want: Vec<u8> = rules::FRAMES_PER_ROW.iter().copied().chain([1]).collect();
    let found: Vec<u16> = (0x8000u16..=0xFFE0)
        .filter(|&a| (0..want.len()).all(|i| e.console().peek(a + i as u16) == want[i]))
        .collect();
    assert_eq!(found.len(), 1, "the table is in the ROM once: {found:x?}");

    for level in 0..=29u8 {
        let mut e = env(&rom, level, FrameTiming::Vblank, 1);
        next_piece(&mut e, button::DOWN); // fast drops; then a fresh piece
        let mut drops = Vec::new();
        let mut y = e.info().falling.unwrap().y;
        for t in 0..200u32 {
            let s = e.step(0).unwrap();
            let Some(f) = s.info.falling else { break };
            if f.y != y {
                drops.push(t + 1);
                y = f.y;
            }
            if drops.len() == 3 {
                break;
            }
        }
        let speed = u32::from(rules::frames_per_row(level));
        assert_eq!(drops, [speed, 2 * speed, 3 * speed], "level {level}");
    }
}

#[test]
fn das_16_then_6_and_down_blocks_shifting() {
    let Some(rom) = common::rom() else { return };
    let mut e = env(&rom, 0, FrameTiming::Vblank, 2);
    next_piece(&mut e, button::DOWN);
    next_piece(&mut e, 0);
    // Hold Right from a fresh press: shifts on frames 0, 16, 22, 28, … until the wall.
    let x0 = e.info().falling.unwrap().x;
    let mut shifts = Vec::new();
    for t in 0..40u32 {
        let s = e.step(u32::from(button::RIGHT)).unwrap();
        if s.info.falling.unwrap().x != x0 + shifts.len() as u8 {
            shifts.push(t);
        }
    }
    let wall = shifts.len();
    assert!(wall >= 3, "{shifts:?}");
    assert_eq!(
        &shifts[..3],
        &[0, 16, 22],
        "DAS: at once, after 16, then every 6"
    );
    // Against the wall the counter stays charged (16): a new hold after a release shifts at
    // once, then the held counter starts from 0 again.
    assert_eq!(e.console().ram()[0x46], rules::DAS_CHARGED);
    // Down held: no shift, newly pressed or held.
    next_piece(&mut e, 0);
    let x = e.info().falling.unwrap().x;
    for _ in 0..30 {
        let s = e.step(u32::from(button::DOWN | button::LEFT)).unwrap();
        if let Some(f) = s.info.falling {
            assert_eq!(f.x, x, "Down blocks shifting");
        }
    }
}

#[test]
fn tapping_rotation_spawn_and_the_first_piece_hang() {
    let Some(rom) = common::rom() else { return };
    let mut e = env(&rom, 0, FrameTiming::AfterNmi, 3);
    // The first piece: spawned at x 5, y 0, hanging (no gravity) for 96 frames after its
    // spawn unless Down is pressed: autorepeatY counts up from -96.
    let info = *e.info();
    let f = info.falling.unwrap();
    assert_eq!((f.x, f.y), (rules::SPAWN_X, rules::SPAWN_Y));
    let remaining = u32::from((e.console().ram()[0x4E] as i8).unsigned_abs());
    assert_eq!(
        remaining + info.frames_since_spawn,
        u32::from(rules::FIRST_PIECE_HANG)
    );
    for t in 0..remaining + 2 {
        let y = e.step(0).unwrap().info.falling.unwrap().y;
        assert_eq!(y, u8::from(t >= remaining), "frame {t} of the hang");
    }
    // Tapping: A held rotates once; released and pressed again, once more; B turns back.
    // (Vblank timing: a step's buttons act in the same step.)
    let mut e = env(&rom, 0, FrameTiming::Vblank, 3);
    next_piece(&mut e, button::DOWN);
    let turns_of = |e: &mut TetrisEnv, bytes: &[u8]| {
        let o0 = e.info().falling.unwrap().orientation;
        let mut o = o0;
        for &b in bytes {
            o = e
                .step(u32::from(b))
                .unwrap()
                .info
                .falling
                .unwrap()
                .orientation;
        }
        (o0, o)
    };
    let (o0, o) = turns_of(&mut e, &[button::A; 5]);
    assert_eq!(o, o0.rotated_cw(), "a held A counts once");
    let (o0, o) = turns_of(&mut e, &[0, button::A]);
    assert_eq!(o, o0.rotated_cw(), "A again after a release");
    let (o0, o) = turns_of(&mut e, &[0, button::B]);
    assert_eq!(o, o0.rotated_ccw(), "B turns counter-clockwise");
    let (o0, o) = turns_of(&mut e, &[0, button::A | button::B]);
    assert_eq!(o, o0.rotated_cw(), "A wins over B");
}

#[test]
fn no_kicks_entry_delay_and_level_ups() {
    let Some(rom) = common::rom() else { return };
    // An I turned vertical at the left wall cannot turn back (no kick): the turn is undone.
    let mut e = env(&rom, 9, FrameTiming::Vblank, 4);
    let mut saw_blocked_turn = false;
    let mut delays = 0;
    let mut level_checks = 0;
    for episode in 0..12u64 {
        e.reset(Some(episode)).unwrap();
        let mut lock: Option<(u8, u64, u32)> = None;
        let mut lines = 0u32;
        let mut level = e.info().level;
        for t in 0..2500u64 {
            let f = e.info().falling;
            // Vertical I: to the left wall, then try to turn.
            let byte = match f {
                Some(p) if p.orientation.kind() == PieceKind::I => {
                    if p.orientation == PieceKind::I.spawn_orientation() {
                        if t % 2 == 0 {
                            button::A
                        } else {
                            0
                        }
                    } else if p.x > 0 {
                        if t % 2 == 0 {
                            button::LEFT
                        } else {
                            0
                        }
                    } else if t % 2 == 0 {
                        button::B
                    } else {
                        0
                    }
                }
                Some(_) => {
                    [button::LEFT, 0, button::RIGHT, 0, 0, button::A][(t / 3 % 6) as usize]
                        | if t % 9 == 0 { button::DOWN } else { 0 }
                }
                None => 0,
            };
            let before = e.info().falling;
            let s = e.step(u32::from(byte)).unwrap();
            if let (Some(b), Some(a)) = (before, s.info.falling) {
                if b.orientation == Orientation::from_id(0x11).unwrap()
                    && b.x == 0
                    && byte == button::B
                {
                    assert_eq!(a.orientation, b.orientation, "no kick off the wall");
                    saw_blocked_turn = true;
                }
            }
            if let Some(l) = s.info.locked {
                lock = Some((l.y, s.info.episode_frames, s.info.number_of_lines));
            }
            if s.info.new_piece {
                if let Some((y, at, lines_then)) = lock.take() {
                    if s.info.number_of_lines == lines_then {
                        assert_eq!(
                            s.info.episode_frames - at,
                            u64::from(rules::entry_delay(y)),
                            "entry delay after a lock at y {y}"
                        );
                        delays += 1;
                    }
                }
            }
            // Level-ups: the game's rule, line by line.
            for l in lines + 1..=s.info.number_of_lines {
                if rules::level_goes_up(level, l) {
                    level += 1;
                    level_checks += 1;
                }
            }
            lines = s.info.number_of_lines;
            assert_eq!(s.info.level, level, "level after {lines} lines");
            if s.terminated {
                break;
            }
        }
    }
    assert!(
        saw_blocked_turn && delays > 60,
        "{saw_blocked_turn} {delays}"
    );
    let _ = level_checks; // level-ups are checked over long games in tests/agent.rs
}

/// A random button stream that holds, taps and mixes Left, Right, Down, Up, A and B.
struct Inputs {
    state: u64,
    held: u8,
    left: u32,
}

impl Inputs {
    fn next_u64(&mut self) -> u64 {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        self.state
    }

    fn next(&mut self) -> u8 {
        if self.left == 0 {
            let r = self.next_u64();
            let mut b = 0;
            for (bit, chance) in [
                (button::LEFT, 4),
                (button::RIGHT, 4),
                (button::DOWN, 5),
                (button::UP, 1),
                (button::A, 4),
                (button::B, 4),
            ] {
                if (r >> (8 * bit.trailing_zeros())) % 16 < chance {
                    b |= bit;
                }
            }
            self.held = b;
            self.left = [1, 1, 1, 2, 3, 5, 8, 17, 20, 30][(r >> 60) as usize % 10];
        }
        self.left -= 1;
        self.held
    }
}

/// `Falling::tick` against the emulator, frame by frame, under random input, at several
/// levels and with both frame timings (with `AfterNmi` a frame's tick uses the buttons
/// read at the previous step's end).
#[test]
fn the_frame_model_is_the_games_under_random_input() {
    let Some(rom) = common::rom() else { return };
    let mut frames_checked = 0u32;
    let (mut locks, mut skipped) = (0u32, 0u32);
    for timing in [FrameTiming::AfterNmi, FrameTiming::Vblank] {
        for (level, seed) in [(0u8, 11u64), (9, 12), (18, 13), (19, 14), (29, 15)] {
            let mut e = env(&rom, level, timing, seed);
            let mut inputs = Inputs {
                state: seed * 0x9E37_79B9 + 1,
                held: 0,
                left: 0,
            };
            let ram = e.console().ram();
            let mut prev_held = rules::from_game_buttons(ram[0xF7]);
            let mut latched = (rules::from_game_buttons(ram[0xF5]), prev_held);
            let mut skip = false;
            for _ in 0..4000 {
                let before = *e.console().ram();
                let model = Falling::from_ram(&before);
                let board = Board::from_ram(&before);
                let byte = inputs.next();
                let s = e.step(u32::from(byte)).unwrap();
                let read = (byte & !prev_held, byte);
                prev_held = byte;
                let (newly, held) = match timing {
                    FrameTiming::Vblank => read,
                    FrameTiming::AfterNmi => std::mem::replace(&mut latched, read),
                };
                if std::mem::take(&mut skip) {
                    // No tick this frame (Right + Left + Down held at the last one).
                    assert_eq!(Falling::from_ram(e.console().ram()), model);
                    skipped += 1;
                    continue;
                }
                skip = rules::skips_next_frame(held);
                if let Some(mut m) = model {
                    let after = Falling::from_ram(e.console().ram());
                    match m.tick(&board, before[0x44], newly, held) {
                        Tick::Falling => assert_eq!(
                            after,
                            Some(m),
                            "{timing:?} level {level} frame {frames_checked}: from {model:?} with {newly:02x} {held:02x} ps {:?} fsp {} fc {} -> {} gms {} -> {} pc {:04x}",
                            s.info.play_state, s.info.frames_since_spawn, before[0xB1], e.console().ram()[0xB1], before[0xA7], e.console().ram()[0xA7], e.console().registers().pc
                        ),
                        Tick::Locked => {
                            locks += 1;
                            assert_eq!(s.info.play_state, Some(PlayState::Lock));
                            assert_eq!(s.info.locked, Some(m.pos));
                        }
                    }
                    frames_checked += 1;
                }
                if s.terminated {
                    e.reset(None).unwrap();
                    let ram = e.console().ram();
                    prev_held = rules::from_game_buttons(ram[0xF7]);
                    latched = (rules::from_game_buttons(ram[0xF5]), prev_held);
                }
            }
        }
    }
    assert!(
        frames_checked > 20_000 && locks > 300 && skipped > 10,
        "{frames_checked} {locks} {skipped}"
    );
}
