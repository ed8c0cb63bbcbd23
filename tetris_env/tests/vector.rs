//! The vector env: per-env seeds, equality with single envs, next-step autoreset, errors.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

mod common;

use tetris_env::{ActionSpace, EnvError, EnvSpec, ObservationKind, VecEnv};

#[test]
fn vector_env_matches_single_envs_and_autoresets() {
    let Some(rom) = common::rom() else { return };
    let spec = EnvSpec::from_id("TetrisA-v2")
        .unwrap()
        .action_space(ActionSpace::SimpleMovement)
        .observation(ObservationKind::Board)
        .max_episode_steps(Some(150))
        .seed(10);
    let n = 3;
    let mut v = VecEnv::new(&rom, &spec, n, 2).unwrap();
    assert_eq!((v.len(), v.obs_len()), (3, 200));
    let mut singles: Vec<_> = (0..n)
        .map(|i| spec.clone().seed(10 + i as u64).build(&rom).unwrap())
        .collect();
    let r = v.reset(None).unwrap();
    let seeds: Vec<[u8; 2]> = r.info.iter().map(|i| i.seed_bytes).collect();
    assert!(
        seeds[0] != seeds[1] && seeds[1] != seeds[2],
        "per-env seeds: {seeds:?}"
    );
    for (i, s) in singles.iter_mut().enumerate() {
        let info = s.reset(None).unwrap();
        assert_eq!(info, r.info[i]);
        assert_eq!(s.observation().data, &r.obs[i * 200..(i + 1) * 200]);
    }
    let mut saw_autoreset = false;
    for t in 0..200u32 {
        let actions: Vec<u32> = (0..n as u32).map(|i| (t + i) % 6).collect();
        let step = v.step(&actions).unwrap();
        for (i, s) in singles.iter_mut().enumerate() {
            if step.autoreset[i] {
                // The previous step ended env i's episode; this one reset it.
                saw_autoreset = true;
                assert_eq!(step.reward[i], 0.0);
                assert_eq!(step.info[i].episode_step, 0);
                let info = s.reset(None).unwrap();
                assert_eq!(info, step.info[i]);
                continue;
            }
            let one = s.step(actions[i]).unwrap();
            assert_eq!(one.info, step.info[i], "env {i} step {t}");
            assert_eq!(one.reward, step.reward[i]);
            assert_eq!(s.observation().data, &step.obs[i * 200..(i + 1) * 200]);
            assert_eq!(
                (one.terminated, one.truncated),
                (step.terminated[i], step.truncated[i])
            );
        }
    }
    assert!(saw_autoreset, "150-step episodes end within 200 steps");
    assert!(matches!(
        v.step(&[0, 0]),
        Err(EnvError::InvalidOption { .. })
    ));
    assert!(matches!(
        v.step(&[0, 6, 0]),
        Err(EnvError::InvalidAction { action: 6, .. })
    ));
    // reset(seed) seeds env i with seed + i.
    let r = v.reset(Some(100)).unwrap();
    let bytes = r.info[2].seed_bytes;
    let mut s = spec.clone().build(&rom).unwrap();
    assert_eq!(s.reset(Some(102)).unwrap().seed_bytes, bytes);
}

#[test]
fn vector_env_steps_placements_with_masks() {
    let Some(rom) = common::rom() else { return };
    let spec = EnvSpec::from_id("TetrisA-v0")
        .unwrap()
        .action_space(ActionSpace::Placement)
        .observation(ObservationKind::Features)
        .start_level(19)
        .max_episode_steps(Some(25))
        .seed(20);
    let n = 4;
    let mut v = VecEnv::new(&rom, &spec, n, 2).unwrap();
    assert_eq!((v.action_count(), v.obs_len()), (40, 34 * 4));
    let mut singles: Vec<_> = (0..n)
        .map(|i| spec.clone().seed(20 + i as u64).build(&rom).unwrap())
        .collect();
    let r = v.reset(None).unwrap();
    let masks = r.action_mask.to_vec();
    for (i, s) in singles.iter_mut().enumerate() {
        s.reset(None).unwrap();
        assert_eq!(s.action_mask().to_vec(), &masks[i * 40..(i + 1) * 40]);
    }
    // A masked action for one env: an error, and nothing steps.
    let first_masked = (0..40).find(|&a| !masks[a]).unwrap() as u32;
    let mut actions = vec![0u32; n];
    for (i, a) in actions.iter_mut().enumerate() {
        *a = (0..40).find(|&a| masks[i * 40 + a]).unwrap() as u32;
    }
    let mut bad = actions.clone();
    bad[0] = first_masked;
    assert!(matches!(
        v.step(&bad),
        Err(EnvError::InvalidAction { masked: true, .. })
    ));
    assert_eq!(v.action_masks(), &masks[..], "nothing stepped");

    let mut saw_autoreset = false;
    for t in 0..60 {
        let masks = v.action_masks().to_vec();
        let actions: Vec<u32> = (0..n)
            .map(|i| {
                let legal: Vec<u32> = (0..40).filter(|&a| masks[i * 40 + a as usize]).collect();
                legal
                    .get((t * 7 + i) % legal.len().max(1))
                    .copied()
                    .unwrap_or(0)
            })
            .collect();
        let step = v.step(&actions).unwrap();
        for (i, s) in singles.iter_mut().enumerate() {
            if step.autoreset[i] {
                saw_autoreset = true;
                assert_eq!(s.reset(None).unwrap(), step.info[i]);
            } else {
                let one = s.step(actions[i]).unwrap();
                assert_eq!(one.info, step.info[i], "env {i} step {t}");
                assert_eq!(one.reward, step.reward[i]);
                assert_eq!(
                    (one.terminated, one.truncated),
                    (step.terminated[i], step.truncated[i])
                );
            }
            assert_eq!(s.observation().data, &step.obs[i * 136..(i + 1) * 136]);
            assert_eq!(
                s.action_mask().to_vec(),
                &step.action_mask[i * 40..(i + 1) * 40]
            );
        }
    }
    assert!(saw_autoreset, "25-placement episodes end within 60 steps");
}
