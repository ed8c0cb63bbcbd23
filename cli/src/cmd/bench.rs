//! `tetris-nes bench [--json]`: environment throughput on this machine — steps/s of one env for
//! each observation kind, a `VecEnv` on 1, 2 and 4 worker threads, two independent envs on
//! two threads (the machine's own ceiling for 2-thread scaling), and the time of a
//! snapshot + restore. The rates are the best of `--repeat` short runs taken in turn. Random actions (SIMPLE_MOVEMENT, a fixed SplitMix64 stream), resets
//! when an episode ends. Then placements: placements/s of one env at level 18 played by the
//! heuristic agent, the planner's mean time per piece (the plan and its 40-entry mask) and
//! the agent's, and a `VecEnv` of placement envs (random legal placements) on 1 and 2
//! threads. `--vec-envs` is at most 1024, `--steps` at most 10^9 and `--placements` at most
//! 10^7: bounded memory and time. Figures go to docs/benchmarks.md with the command that
//! produced them.

use crate::output::{outln, Stdout};
use crate::CliError;
use clap::value_parser;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;
use tetris_env::placement::mask_of;
use tetris_env::seeding::SplitMix64;
use tetris_env::{
    ActionSpace, EnvSpec, HeuristicAgent, ObservationKind, Planner, Rom, VecEnv, Weights,
};

#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// The Tetris ROM [default: $TETRIS_ROM, else ./roms/Tetris.nes, else
    /// ../../roms/Tetris.nes next to the executable].
    #[arg(long)]
    rom: Option<PathBuf>,
    /// Environment id.
    #[arg(short = 'e', long = "env", default_value = "TetrisA-v0")]
    env: String,
    /// Steps per single-env measurement, shared out over the --repeat runs (RGB uses a
    /// fifth of it).
    #[arg(long, default_value_t = 50_000, value_parser = value_parser!(u64).range(1..=1_000_000_000))]
    steps: u64,
    /// Runs of each steps/s measurement, taken in turn; the best of each is reported. 1-100.
    #[arg(long, default_value_t = 5, value_parser = value_parser!(u16).range(1..=100))]
    repeat: u16,
    /// Envs in the vector env, 1-1024.
    #[arg(long, default_value_t = 8, value_parser = value_parser!(u16).range(1..=1024))]
    vec_envs: u16,
    /// Placements for the placement measurements, 1-10^7.
    #[arg(long, default_value_t = 3_000, value_parser = value_parser!(u64).range(1..=10_000_000))]
    placements: u64,
    /// Envs in the placement vector env (placements take different numbers of frames: more
    /// envs a batch keep the threads evenly busy).
    /// 1-1024.
    #[arg(long, default_value_t = 16, value_parser = value_parser!(u16).range(1..=1024))]
    vec_placement_envs: u16,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Serialize)]
struct Report {
    env: String,
    single: BTreeMap<&'static str, f64>,
    vec: BTreeMap<String, f64>,
    /// Two board envs stepped at once by two threads that share nothing (steps/s, both
    /// together): what the machine gives two independent workloads, the ceiling for the
    /// `VecEnv`'s 2-thread scaling.
    two_free_threads: f64,
    snapshot_restore_ns: f64,
    /// One placement env at level 18, the heuristic agent choosing (its time included).
    placements_per_sec: f64,
    /// The planner's mean time per piece: every reachable lock position and the mask.
    planner_us_per_piece: f64,
    /// The heuristic agent's mean time per decision (with its next-piece lookahead).
    agent_us_per_piece: f64,
    /// The planner's mean time per piece searching tucks and spins too (the
    /// `placement_tucks` mask), on the same states.
    planner_tucks_us_per_piece: f64,
    /// Placements/s of a `VecEnv` of placement envs (random legal placements), by threads.
    vec_placements: BTreeMap<String, f64>,
}

pub fn run(args: &BenchArgs) -> Result<ExitCode, CliError> {
    let base = EnvSpec::from_id(&args.env)?.action_space(ActionSpace::SimpleMovement);
    let (rom, _) = crate::rom_path::load_tetris(args.rom.as_deref())?;
    let mut out = Stdout::new();
    let vec_envs = usize::from(args.vec_envs);
    let repeat = u64::from(args.repeat);
    let steps = (args.steps / repeat).max(1);
    // The rates, measured in short runs taken in turn, `repeat` rounds, the best run of
    // each kept: the speed of a virtual machine's cores drifts over seconds and
    // interference only slows a run down, so the best of short interleaved runs is the
    // figure closest to the code's own speed, and ratios (2 threads against 1) compare
    // runs made under the same conditions.
    type Run<'a> = Box<dyn Fn() -> Result<f64, CliError> + 'a>;
    let mut runs: Vec<(String, Run<'_>)> = Vec::new();
    let kinds = [
        ("none", ObservationKind::None),
        ("board", ObservationKind::Board),
        ("ram", ObservationKind::Ram),
        ("rgb", ObservationKind::Rgb),
    ];
    for (name, kind) in kinds {
        let n = if kind == ObservationKind::Rgb {
            (steps / 5).max(1)
        } else {
            steps
        };
        let spec = base.clone().observation(kind);
        let rom = &rom;
        runs.push((
            format!("single/{name}"),
            Box::new(move || single_env(rom, &spec, n)),
        ));
    }
    let board = base.clone().observation(ObservationKind::Board);
    for threads in [1usize, 2, 4] {
        let (rom, spec) = (&rom, board.clone());
        runs.push((
            format!("vec/{threads}"),
            Box::new(move || vec_env(rom, &spec, vec_envs, threads, steps)),
        ));
    }
    {
        let (rom, spec) = (&rom, board.clone());
        runs.push((
            "free".into(),
            Box::new(move || free_threads(rom, &spec, steps)),
        ));
    }
    let mut best: BTreeMap<String, f64> = BTreeMap::new();
    for _ in 0..repeat {
        for (name, run) in &runs {
            let rate = run()?;
            let b = best.entry(name.clone()).or_insert(0.0);
            *b = b.max(rate);
        }
    }
    let rate = |name: &str| best.get(name).copied().unwrap_or(0.0);
    let mut single = BTreeMap::new();
    for (name, _) in kinds {
        let r = rate(&format!("single/{name}"));
        if !args.json {
            outln!(out, "single env, {name:5} observation: {r:>10.0} steps/s")?;
        }
        single.insert(name, r);
    }
    let mut vec = BTreeMap::new();
    for threads in [1usize, 2, 4] {
        let r = rate(&format!("vec/{threads}"));
        if !args.json {
            outln!(
                out,
                "VecEnv {vec_envs} envs, {threads} thread(s): {r:>10.0} steps/s"
            )?;
        }
        vec.insert(threads.to_string(), r);
    }
    let two_free_threads = rate("free");
    if !args.json {
        outln!(
            out,
            "two independent envs, 2 threads: {two_free_threads:>10.0} steps/s"
        )?;
        out.flush()?;
    }
    let snapshot_restore_ns = snapshot_restore(&rom, &base)?;
    let placement = base
        .clone()
        .action_space(ActionSpace::Placement)
        .observation(ObservationKind::None)
        .start_level(18);
    let p = agent_placements(&rom, &placement, args.placements)?;
    if !args.json {
        outln!(
            out,
            "placements, level 18, heuristic agent: {:>10.0} placements/s (planner {:.1} µs/piece, with tucks {:.0} µs/piece, agent {:.0} µs/piece)",
            p.per_sec,
            p.planner_us,
            p.planner_tucks_us,
            p.agent_us
        )?;
        out.flush()?;
    }
    // The placement VecEnv on 1 and 2 threads, interleaved and best-of like the rates.
    let n = usize::from(args.vec_placement_envs);
    let per_run = (args.placements / repeat).max(1);
    let mut vec_placements: BTreeMap<String, f64> = BTreeMap::new();
    for _ in 0..repeat {
        for threads in [1usize, 2] {
            let rate = vec_placement_env(&rom, &placement, n, threads, per_run)?;
            let b = vec_placements.entry(threads.to_string()).or_insert(0.0);
            *b = b.max(rate);
        }
    }
    if !args.json {
        for (threads, rate) in &vec_placements {
            outln!(
                out,
                "VecEnv {n} placement envs, {threads} thread(s): {rate:>10.0} placements/s"
            )?;
        }
        out.flush()?;
    }
    let report = Report {
        env: args.env.clone(),
        single,
        vec,
        two_free_threads,
        snapshot_restore_ns,
        placements_per_sec: p.per_sec,
        planner_us_per_piece: p.planner_us,
        agent_us_per_piece: p.agent_us,
        planner_tucks_us_per_piece: p.planner_tucks_us,
        vec_placements,
    };
    if args.json {
        out.json_line("report", &report)?;
    } else {
        outln!(out, "snapshot + restore: {snapshot_restore_ns:.0} ns")?;
        if let (Some(one), Some(two)) = (report.vec.get("1"), report.vec.get("2")) {
            outln!(out, "VecEnv scaling 1 -> 2 threads: {:.2}x", two / one)?;
        }
        if let Some(one) = report.single.get("board") {
            outln!(
                out,
                "machine's 2-thread ceiling (two independent envs vs one): {:.2}x",
                report.two_free_threads / one
            )?;
        }
        if let (Some(one), Some(two)) = (
            report.vec_placements.get("1"),
            report.vec_placements.get("2"),
        ) {
            outln!(
                out,
                "VecEnv placements scaling 1 -> 2 threads: {:.2}x",
                two / one
            )?;
        }
    }
    out.finish()?;
    Ok(ExitCode::SUCCESS)
}

fn single_env(rom: &Rom, spec: &EnvSpec, steps: u64) -> Result<f64, CliError> {
    let mut env = spec.build(rom)?;
    let n = env.action_count();
    let mut actions = SplitMix64::new(0x9E37_79B9_7F4A_7C15);
    env.reset(Some(0))?;
    let t = Instant::now();
    for _ in 0..steps {
        let done = {
            let s = env.step(actions.below(n))?;
            s.terminated || s.truncated
        };
        if done {
            env.reset(None)?;
        }
    }
    Ok(steps as f64 / t.elapsed().as_secs_f64())
}

/// [`single_env`] on two threads at once, each with its own env: the sum of their rates.
fn free_threads(rom: &Rom, spec: &EnvSpec, steps: u64) -> Result<f64, CliError> {
    let rates: Vec<Result<f64, CliError>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|_| s.spawn(|| single_env(rom, spec, steps)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(CliError::Other("a bench thread panicked".into())))
            })
            .collect()
    });
    rates.into_iter().sum()
}

fn vec_env(
    rom: &Rom,
    spec: &EnvSpec,
    n: usize,
    threads: usize,
    steps: u64,
) -> Result<f64, CliError> {
    let mut venv = VecEnv::new(rom, spec, n, threads)?;
    let count = spec.action_space.n();
    let mut actions = SplitMix64::new(0x2545_F491_4F6C_DD1D);
    let mut batch = vec![0u32; n];
    let _ = venv.reset(Some(0))?;
    let rounds = (steps / n as u64).max(1);
    let t = Instant::now();
    for _ in 0..rounds {
        for a in &mut batch {
            *a = actions.below(count);
        }
        let _ = venv.step(&batch)?;
    }
    Ok((rounds * n as u64) as f64 / t.elapsed().as_secs_f64())
}

fn snapshot_restore(rom: &Rom, spec: &EnvSpec) -> Result<f64, CliError> {
    let mut env = spec.clone().observation(ObservationKind::None).build(rom)?;
    env.reset(Some(0))?;
    for _ in 0..300 {
        let _ = env.step(0)?;
    }
    const N: u32 = 20_000;
    let t = Instant::now();
    for _ in 0..N {
        let snap = env.snapshot();
        env.restore(&snap)?;
    }
    Ok(t.elapsed().as_nanos() as f64 / f64::from(N))
}

/// The placement figures of one env.
struct PlacementFigures {
    per_sec: f64,
    planner_us: f64,
    agent_us: f64,
    planner_tucks_us: f64,
}

/// The heuristic agent plays `placements` placements (resetting at game ends); then the
/// planner and the agent are timed alone on the states met.
fn agent_placements(
    rom: &Rom,
    spec: &EnvSpec,
    placements: u64,
) -> Result<PlacementFigures, CliError> {
    let mut env = spec.build(rom)?;
    let model = spec.placement.input;
    let mut agent = HeuristicAgent::new(Weights::default(), model)?;
    env.reset(Some(1))?;
    let mut states = Vec::new();
    let t = Instant::now();
    for _ in 0..placements {
        if states.len() < 2_000 {
            if let Some(s) = env.plan().and_then(|p| p.state()) {
                states.push((
                    *s,
                    env.state().next_piece(),
                    env.state().lines().unwrap_or(0),
                ));
            }
        }
        let action = agent
            .act(&env)
            .ok_or_else(|| CliError::Other("the agent found no placement".into()))?;
        let s = env.step(action)?;
        if s.terminated || s.truncated {
            env.reset(None)?;
        }
    }
    let per_sec = placements as f64 / t.elapsed().as_secs_f64();
    let mut planner = Planner::new(model)?;
    let rounds = 20usize;
    let mut legal = 0usize;
    let t = Instant::now();
    for _ in 0..rounds {
        for (state, _, _) in &states {
            legal += mask_of(planner.plan_from(state), spec.action_space).count();
        }
    }
    let planner_us = t.elapsed().as_secs_f64() * 1e6 / (rounds * states.len().max(1)) as f64;
    let mut tucks = Planner::new(model.with_tucks(true))?;
    let t = Instant::now();
    for (state, _, _) in &states {
        legal += mask_of(tucks.plan_from(state), ActionSpace::PlacementTucks).count();
    }
    let planner_tucks_us = t.elapsed().as_secs_f64() * 1e6 / states.len().max(1) as f64;
    let t = Instant::now();
    let mut chosen = 0usize;
    for (state, next, lines) in &states {
        let plan = planner.plan_from(state).clone();
        chosen += usize::from(
            agent
                .choose(&plan, next.map(|o| o.kind()), *lines)
                .is_some(),
        );
    }
    let agent_us = t.elapsed().as_secs_f64() * 1e6 / states.len().max(1) as f64;
    std::hint::black_box((legal, chosen));
    Ok(PlacementFigures {
        per_sec,
        planner_us,
        agent_us,
        planner_tucks_us,
    })
}

/// A `VecEnv` of placement envs stepping random legal placements.
fn vec_placement_env(
    rom: &Rom,
    spec: &EnvSpec,
    n: usize,
    threads: usize,
    placements: u64,
) -> Result<f64, CliError> {
    let mut venv = VecEnv::new(rom, spec, n, threads)?;
    let count = venv.action_count() as usize;
    let mut rng = SplitMix64::new(0x2545_F491_4F6C_DD1D);
    let mut batch = vec![0u32; n];
    let _ = venv.reset(Some(0))?;
    let rounds = (placements / n as u64).max(1);
    let t = Instant::now();
    for _ in 0..rounds {
        let masks = venv.action_masks();
        for (i, a) in batch.iter_mut().enumerate() {
            let legal: Vec<u32> = (0..count as u32)
                .filter(|&x| masks[i * count + x as usize])
                .collect();
            *a = legal
                .get(rng.below(legal.len().max(1) as u32) as usize)
                .copied()
                .unwrap_or(0);
        }
        let _ = venv.step(&batch)?;
    }
    Ok((rounds * n as u64) as f64 / t.elapsed().as_secs_f64())
}
