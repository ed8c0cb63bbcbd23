//! Snapshot integrity (issue 14): a corrupt byte form is an error naming the checksum, a
//! state edited out of range is an error naming the field, a snapshot of another spec is
//! refused unless the caller allows it, and every error leaves the env as it was.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use tetris_env::snapshot::HEADER_LEN;
use tetris_env::{EnvSpec, ObservationKind, SpecCheck, TetrisEnv};

fn playing(rom: &tetris_env::Rom, spec: EnvSpec) -> TetrisEnv {
    let mut e = spec.build(rom).unwrap();
    e.reset(Some(3)).unwrap();
    for t in 0..120u32 {
        let _ = e.step([0x20, 0x01, 0x40, 0x00][(t % 4) as usize]).unwrap();
    }
    e
}

fn a0() -> EnvSpec {
    EnvSpec::from_id("TetrisA-v0").unwrap()
}

/// Rewrites the payload checksum, as someone editing a file on purpose would.
fn reseal(bytes: &mut [u8]) {
    let crc = crc32fast_hash(&bytes[HEADER_LEN..]);
    bytes[6..10].copy_from_slice(&crc.to_le_bytes());
}

/// CRC-32 (IEEE), bit by bit: the test does not trust the code under test for it.
fn crc32fast_hash(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn varint(mut v: u64) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let b = (v & 0x7F) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return out;
        }
        out.push(b | 0x80);
    }
}

#[test]
fn corrupt_bytes_name_the_checksum_and_change_nothing() {
    let Some(rom) = common::rom() else { return };
    let e = playing(&rom, a0());
    let bytes = e.snapshot().to_bytes();
    let mut f = playing(&rom, a0());
    let before = f.snapshot().to_bytes();
    // Every 97th byte of the payload, flipped: each is refused as corrupt.
    for i in (HEADER_LEN..bytes.len()).step_by(97) {
        let mut bad = bytes.clone();
        bad[i] ^= 0x10;
        let err = f.restore_bytes(&bad).unwrap_err().to_string();
        assert!(
            err.contains("corrupt") && err.contains("CRC-32"),
            "byte {i}: {err}"
        );
    }
    assert!(f
        .restore_bytes(&bytes[..7])
        .unwrap_err()
        .to_string()
        .contains("truncated"));
    assert_eq!(f.snapshot().to_bytes(), before, "the env is unchanged");
    f.restore_bytes(&bytes).unwrap();
}

#[test]
fn an_episode_longer_than_its_console_is_refused() {
    let Some(rom) = common::rom() else { return };
    let e = playing(&rom, a0());
    let bytes = e.snapshot().to_bytes();
    // The episode follows the console's state: find the console's TNES magic, skip its
    // length, and the episode's status and step count come next.
    let body = &bytes[HEADER_LEN..];
    let tnes = body.windows(4).position(|w| w == b"TNES").unwrap();
    let console_len = nes_state_len(&e);
    let episode = HEADER_LEN + tnes + console_len;
    let steps_at = episode + 1;
    assert_eq!(
        bytes[steps_at..steps_at + 1],
        varint(120)[..],
        "steps at {steps_at}"
    );
    let mut edited = bytes[..steps_at].to_vec();
    edited.extend_from_slice(&varint(1 << 40));
    edited.extend_from_slice(&bytes[steps_at + 1..]);
    reseal(&mut edited);
    let mut f = playing(&rom, a0());
    let before = f.snapshot().to_bytes();
    let err = f.restore_bytes(&edited).unwrap_err().to_string();
    assert!(err.contains("steps") && err.contains("frames"), "{err}");
    assert_eq!(f.snapshot().to_bytes(), before, "the env is unchanged");
}

fn nes_state_len(e: &TetrisEnv) -> usize {
    e.console().save_state().len()
}

#[test]
fn another_spec_is_refused_unless_allowed() {
    let Some(rom) = common::rom() else { return };
    let snap = playing(&rom, a0().start_level(5)).snapshot();
    let bytes = snap.to_bytes();
    for other in [
        a0(),
        a0().start_level(5).observation(ObservationKind::Board),
        EnvSpec::from_id("TetrisA-v2").unwrap().start_level(5),
        EnvSpec::from_id("TetrisB-v0").unwrap().start_level(5),
    ] {
        let mut f = playing(&rom, other.clone());
        let before = f.snapshot().to_bytes();
        for err in [
            f.restore(&snap).unwrap_err().to_string(),
            f.restore_bytes(&bytes).unwrap_err().to_string(),
        ] {
            assert!(err.contains("another spec"), "{other:?}: {err}");
        }
        assert_eq!(f.snapshot().to_bytes(), before, "the env is unchanged");
        f.restore_with(&snap, SpecCheck::AllowDifferent).unwrap();
        f.restore_bytes_with(&bytes, SpecCheck::AllowDifferent)
            .unwrap();
        assert_eq!(f.episode_steps(), 120);
        let _ = f.step(0).unwrap();
    }
    let err = playing(&rom, a0()).restore(&snap).unwrap_err().to_string();
    assert!(err.contains("level 5 vs 0"), "names the field: {err}");
    // The same spec with another generator seed restores.
    let mut same = playing(&rom, a0().start_level(5).seed(99));
    same.restore(&snap).unwrap();
}
