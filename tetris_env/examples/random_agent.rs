//! A random agent: plays episodes of TetrisA-v0 with uniformly random SIMPLE_MOVEMENT
//! actions and prints each episode's result.
//!
//! `cargo run --release -p tetris_env --example random_agent -- [EPISODES] [SEED]`
//! (needs the ROM: `scripts/fetch-rom.sh`, or `$TETRIS_ROM`). `cargo test` runs it briefly.

use std::time::Instant;
use tetris_env::seeding::SplitMix64;
use tetris_env::{ActionSpace, EnvSpec, ObservationKind, Rom};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let episodes: u32 = args.next().map_or(Ok(3), |a| a.parse())?;
    let seed: u64 = args.next().map_or(Ok(1), |a| a.parse())?;
    let rom = Rom::from_file(&Rom::default_path())?;
    run(&rom, episodes, seed, 20_000)
}

/// Plays `episodes` episodes of at most `max_steps` steps.
fn run(
    rom: &Rom,
    episodes: u32,
    seed: u64,
    max_steps: u64,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut env = EnvSpec::from_id("TetrisA-v0")?
        .action_space(ActionSpace::SimpleMovement)
        .observation(ObservationKind::Board)
        .max_episode_steps(Some(max_steps))
        .seed(seed)
        .build(rom)?;
    let mut rng = SplitMix64::new(seed);
    let (mut total_steps, start) = (0u64, Instant::now());
    for episode in 0..episodes {
        env.reset(None)?;
        let mut ret = 0.0;
        loop {
            let action = rng.below(env.action_count());
            let step = env.step(action)?;
            ret += step.reward;
            total_steps += 1;
            if step.terminated || step.truncated {
                let i = step.info;
                println!(
                    "episode {episode}: {} steps, return {ret}, score {}, lines {}, {}",
                    i.episode_step,
                    i.score,
                    i.number_of_lines,
                    if step.terminated {
                        "top-out"
                    } else {
                        "step limit"
                    }
                );
                break;
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{total_steps} steps in {secs:.2} s ({:.0} steps/s)",
        total_steps as f64 / secs
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn random_agent_runs() {
        let path = std::env::var_os("TETRIS_ROM").map_or_else(
            || std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../roms/Tetris.nes"),
            std::path::PathBuf::from,
        );
        if !path.exists() {
            assert!(
                std::env::var("CI").map_or(true, |v| v != "true"),
                "no ROM at {path:?}"
            );
            eprintln!(
                "*** SKIP: no ROM at {} (scripts/fetch-rom.sh) ***",
                path.display()
            );
            return;
        }
        let rom = tetris_env::Rom::from_file(&path).expect("ROM");
        super::run(&rom, 1, 1, 1_500).expect("the agent runs");
    }
}
