//! The built-in heuristic agent on the real ROM: a game from level 18 to the game's crash
//! (the crash reproduced from a save state made by playing there), and games from levels
//! 0, 9, 19 and 29; along the way every placement locks where the planner said, the level
//! follows the rules' level-up rule, and the placement features match the game's counters.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

mod common;

use tetris_env::rules;
use tetris_env::{
    ActionSpace, EnvError, EnvSpec, HeuristicAgent, InputModel, ObservationKind, Rom, Snapshot,
    Step, TetrisEnv, Weights,
};

fn placement_env(rom: &Rom, level: u8, seed: u64) -> TetrisEnv {
    let mut env = EnvSpec::from_id("TetrisA-v0")
        .unwrap()
        .observation(ObservationKind::None)
        .action_space(ActionSpace::Placement)
        .start_level(level)
        .seed(seed)
        .build(rom)
        .unwrap();
    env.reset(None).unwrap();
    env
}

/// One agent step with the checks every placement must pass.
fn checked_step(env: &mut TetrisEnv, agent: &mut HeuristicAgent, level: &mut u8) -> (u32, Step) {
    let action = agent.act(env).expect("a legal placement");
    let plan = env.plan().unwrap();
    let planned = *tetris_env::placement::placement_for(plan, action).unwrap();
    let lines_before = env.info().number_of_lines;
    let s = env.step(action).unwrap();
    if !s.info.crashed {
        assert_eq!(s.info.locked, Some(planned.lock), "locked where planned");
        assert_eq!(s.info.placement_mismatches, 0);
        // The rules' line clear and level-up against the game's counters.
        let lines = s.info.number_of_lines;
        assert_eq!(lines - lines_before, planned.lines, "rows cleared");
        assert_eq!(
            env.features().get("lines_cleared"),
            Some(planned.lines as f32)
        );
        for l in lines_before + 1..=lines {
            if rules::level_goes_up(*level, l) {
                *level += 1;
            }
        }
        assert_eq!(s.info.level, *level, "level at {lines} lines");
    }
    (action, s)
}

#[test]
fn the_agent_plays_from_level_18_to_the_crash_and_the_crash_replays_from_a_save_state() {
    let Some(rom) = common::rom() else { return };
    let mut env = placement_env(&rom, 18, 2);
    let mut agent = HeuristicAgent::new(Weights::default(), InputModel::default()).unwrap();
    let mut level = 18;
    let (snap, action, crash): (Snapshot, u32, Step) = loop {
        let snap = env.snapshot();
        let (action, s) = checked_step(&mut env, &mut agent, &mut level);
        assert!(
            !s.info.top_out,
            "topped out at {} lines",
            s.info.number_of_lines
        );
        if s.info.crashed {
            break (snap, action, s);
        }
        assert!(s.info.number_of_lines < 2500, "no crash by 2,500 lines");
    };
    // The crash: an episode end at level 155 or above (the first crash level), after
    // 1,490 lines or more, never an error.
    assert!(crash.terminated && !crash.truncated);
    assert!(crash.info.level >= 155, "{:?}", crash.info);
    assert!(crash.info.number_of_lines >= 1490);
    let pc = crash.info.crash_pc.unwrap();
    assert!(pc < 0x8000, "the CPU ran into RAM");
    assert_eq!(
        env.state().level(),
        crash.info.level,
        "the console is inspectable"
    );
    assert!(matches!(env.step(0), Err(EnvError::EpisodeEnded)));
    assert_eq!(crash.action_mask.count(), 0);

    // The save state made by playing there: the same placement crashes the same way.
    let bytes = snap.to_bytes();
    let mut again = placement_env(&rom, 18, 99);
    again.restore_bytes(&bytes).unwrap();
    assert!(!again.is_done());
    let s = again.step(action).unwrap();
    assert!(s.terminated && s.info.crashed);
    assert_eq!(
        (s.info.level, s.info.crash_pc),
        (crash.info.level, Some(pc))
    );
    assert_eq!(s.info.number_of_lines, crash.info.number_of_lines);
}

#[test]
fn the_agent_places_where_planned_from_levels_0_9_19_and_29() {
    let Some(rom) = common::rom() else { return };
    let played: u32 = std::thread::scope(|scope| {
        let handles: Vec<_> = [(0u8, 1u64), (9, 2), (19, 3), (29, 4)]
            .into_iter()
            .map(|(start, seed)| {
                let rom = &rom;
                scope.spawn(move || {
                    let mut env = placement_env(rom, start, seed);
                    let model = env.spec().placement.input;
                    let mut agent = HeuristicAgent::new(Weights::default(), model).unwrap();
                    let mut level = start;
                    let mut n = 0;
                    while n < 1_500 {
                        let (_, s) = checked_step(&mut env, &mut agent, &mut level);
                        n += 1;
                        assert!(
                            !s.terminated,
                            "level {start}: game over after {n} placements"
                        );
                    }
                    n
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    assert_eq!(played, 6_000);
}

#[test]
fn weights_are_data() {
    let w = Weights::default();
    let json = serde_json::to_string(&w).unwrap();
    let back: Weights = serde_json::from_str(&json).unwrap();
    assert_eq!(back, w);
    // Missing fields take the defaults.
    let partial: Weights = serde_json::from_str(r#"{"holes": -1.0}"#).unwrap();
    assert_eq!(partial.holes, -1.0);
    assert_eq!(partial.bumpiness, w.bumpiness);
}
