//! Sound through the env (for front-ends): about one frame of samples a step, kept on across
//! resets and restores, and no effect on what the game does.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use tetris_env::{EnvSpec, ObservationKind};

#[test]
fn audio_survives_reset_and_changes_nothing() {
    let Some(rom) = common::rom() else { return };
    let spec = EnvSpec::from_id("TetrisA-v0")
        .unwrap()
        .observation(ObservationKind::Board)
        .seed(5);
    let mut quiet = spec.build(&rom).unwrap();
    let mut loud = spec.build(&rom).unwrap();
    loud.set_audio(Some(44_100));
    let mut samples = Vec::new();
    let mut loudest = 0.0f32;
    for episode in 0..2 {
        quiet.reset(None).unwrap();
        loud.reset(None).unwrap();
        loud.take_samples(&mut samples); // the reset's frames
        for t in 0..120u32 {
            let a = ((t * 37) % 256) & !0x0C; // no Start/Select: stay in play
            let q = quiet.step(a).unwrap().info;
            let l = loud.step(a).unwrap().info;
            assert_eq!(q, l, "episode {episode} step {t}");
            samples.clear();
            loud.take_samples(&mut samples);
            assert!(
                (700..=770).contains(&samples.len()),
                "episode {episode} step {t}: {} samples",
                samples.len()
            );
            loudest = samples.iter().fold(loudest, |m, s| m.max(s.abs()));
        }
    }
    assert!(
        loudest > 0.01,
        "the game's music is audible: peak {loudest}"
    );
    assert!(samples.iter().all(|s| s.is_finite() && s.abs() <= 1.0));
    // A snapshot restored keeps the sound on.
    let snap = loud.snapshot();
    loud.restore(&snap).unwrap();
    let _ = loud.step(0).unwrap();
    samples.clear();
    loud.take_samples(&mut samples);
    assert!(
        samples.len() >= 700,
        "{} samples after restore",
        samples.len()
    );
}
