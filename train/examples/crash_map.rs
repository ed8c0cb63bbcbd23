//! The crash map of NES Tetris's high levels as the built-in agent meets them: from start
//! level 18 the agent plays with crash avoidance, and from `FROM_LEVEL` on, before every
//! placement, each legal placement that clears lines is tried in a copy of the console.
//! Printed per level: how many of those clears the game survived, how many crashed it
//! (the CPU jammed or ran into RAM) and how many hung it (no next piece within
//! `lookahead_frame_limit`).
//!
//! `cargo run --release -p tetris_train --example crash_map -- [SEEDS] [FROM_LEVEL]`
//! (defaults 3 and 145; needs the ROM: `scripts/fetch-rom.sh`, or `$TETRIS_ROM`). About a
//! minute for three games. The results are in docs/agents.md.

use std::collections::BTreeMap;
use tetris_env::agent::{HeuristicAgent, Weights};
use tetris_env::Rom;
use tetris_train::placement;

/// Clears tried at one level: survived, crashed, hung.
type Tally = [u32; 3];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let seeds: u64 = args.next().map_or(Ok(3), |a| a.parse())?;
    let from_level: u8 = args.next().map_or(Ok(145), |a| a.parse())?;
    let rom = Rom::from_file(&Rom::default_path())?;
    let spec = placement::env_spec(18, 30)?;
    let mut env = spec.build(&rom)?;
    let mut agent = HeuristicAgent::new(Weights::default(), spec.planner_model())?;
    let mut map: BTreeMap<u8, Tally> = BTreeMap::new();
    for seed in 1..=seeds {
        env.reset(Some(seed))?;
        loop {
            let level = env.info().level;
            if level >= from_level {
                let before = env.snapshot();
                let limit = placement::lookahead_frame_limit(level);
                for action in env.action_mask().iter().collect::<Vec<u32>>() {
                    let s = env.step_within(action, limit)?;
                    let tally = map.entry(level).or_default();
                    if s.info.crashed {
                        tally[1] += 1;
                    } else if s.truncated {
                        tally[2] += 1;
                    } else if s.info.lines_cleared > 0 {
                        tally[0] += 1;
                    }
                    env.restore(&before)?;
                }
            }
            let Some(placed) = placement::step(&mut env, &mut agent, true)? else {
                break;
            };
            if placed.step.terminated || placed.step.truncated {
                println!(
                    "seed {seed}: level {}, {} lines, {:?}",
                    placed.step.info.level,
                    placed.step.info.lines,
                    placement::end_of(&placed.step)
                );
                break;
            }
        }
    }
    println!("level  clears  survived  crashed  hung");
    for (level, [ok, crashed, hung]) in &map {
        let tried = ok + crashed + hung;
        if tried > 0 {
            println!("{level:5}  {tried:6}  {ok:8}  {crashed:7}  {hung:4}");
        }
    }
    Ok(())
}
