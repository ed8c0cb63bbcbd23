//! `tetris-nes train`: learns the weights of the placement agent's feature evaluation with
//! the noisy cross-entropy method ([`tetris_train`]) and keeps the run in a folder
//! ([`crate::run_dir`]): checkpoint, events, curve and policy, rewritten after every
//! iteration, so a run stopped at any point continues with `--resume DIR`.
//!
//! Everything is checked before anything is written: options out of range, an `--out` that
//! already holds a run, a `--resume` folder that is not a run or whose checkpoint is damaged,
//! settings that contradict the resumed run's — each one line and exit code 2.
//!
//! On a terminal a progress bar (games played) runs on stderr; the iteration lines go to
//! stdout (to stderr with `--json`, whose stdout is the one summary object).

use crate::error::path;
use crate::output::{outln, Stdout};
use crate::run_dir::{RunDir, CHECKPOINT, CURVE, EVENTS, POLICY};
use crate::CliError;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tetris_train::{
    Evaluator, FinalEvent, GameResult, Hooks, IterationEvent, Noise, RunState, TrainConfig,
    TrainError, Trainer,
};

/// `tetris-nes train` options. Settings left out take their defaults (a new run) or the
/// run's (with `--resume`).
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct TrainArgs {
    /// The run folder to create (it may exist, but must not hold a run).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Continue the run in DIR from its checkpoint (with its settings; --iterations may
    /// extend it).
    #[arg(long, value_name = "DIR")]
    pub resume: Option<PathBuf>,
    /// Iterations of the cross-entropy method [default: 10].
    #[arg(long, value_name = "N")]
    pub iterations: Option<u32>,
    /// Candidates per iteration [default: 30].
    #[arg(long, value_name = "N")]
    pub population: Option<u32>,
    /// Fraction of the candidates kept as elites, 0 < F < 1 [default: 0.2].
    #[arg(long, value_name = "F")]
    pub elite: Option<f64>,
    /// Variance added after each iteration: none, constant:Z, or linear:START,SLOPE for
    /// max(START − SLOPE·t, 0) [default: linear:4,0.2].
    #[arg(long, value_name = "SCHEDULE", value_parser = parse_noise)]
    pub noise: Option<Noise>,
    /// Standard deviation of every weight at the start (the weights start at zero)
    /// [default: 10].
    #[arg(long, value_name = "S")]
    pub init_std: Option<f64>,
    /// Games per candidate per iteration (all candidates play the same seeds) [default: 1].
    #[arg(long, value_name = "N")]
    pub episodes: Option<u32>,
    /// Start level, 0–29 [default: 18].
    #[arg(long, value_name = "N")]
    pub level: Option<u8>,
    /// The agent's tap rate: 30, 20, 15, 12 or 10 presses per second [default: 30].
    #[arg(long, value_name = "HZ")]
    pub tap_hz: Option<u32>,
    /// A training game stops after this many placements [default: 800].
    #[arg(long, value_name = "N")]
    pub max_placements: Option<u64>,
    /// Run seed: the same seed gives the same run [default: 0].
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Games of the final evaluation, on env seeds 1, 2, … (never trained on) [default: 20].
    #[arg(long, value_name = "N")]
    pub eval_episodes: Option<u32>,
    /// An evaluation game stops after this many placements [default: 10000].
    #[arg(long, value_name = "N")]
    pub eval_max_placements: Option<u64>,
    /// Threads playing games [default: the machine's cores]. Results do not depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Print the summary as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// The Tetris (USA) ROM [default: $TETRIS_ROM, else ./roms/Tetris.nes, else
    /// ../../roms/Tetris.nes next to the executable].
    #[arg(long, value_name = "PATH")]
    pub rom: Option<PathBuf>,
}

const EXAMPLES: &str = "\
Examples:
  tetris-nes train --out runs/l18                       level 18, 30 Hz, the defaults
  tetris-nes train --out runs/l29 --level 29 --tap-hz 15
  tetris-nes train --resume runs/l18 --iterations 30    continue, and train longer
  tetris-nes runs runs                                  list the runs";

fn parse_noise(s: &str) -> Result<Noise, String> {
    s.parse()
}

/// The most threads a run may use.
const MAX_THREADS: usize = 256;

/// What a command line asks for, checked: a new run or a resumed one.
#[derive(Debug)]
struct Plan {
    dir: RunDir,
    config: TrainConfig,
    resume: Option<RunState>,
    threads: usize,
}

fn plan(args: &TrainArgs) -> Result<Plan, CliError> {
    let threads = args.threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    if !(1..=MAX_THREADS).contains(&threads) {
        return Err(CliError::Other(format!(
            "--threads {threads}: expected 1 to {MAX_THREADS}"
        )));
    }
    if let Some(dir) = &args.resume {
        if let Some(out) = &args.out {
            if !same_dir(out, dir) {
                return Err(CliError::Other(format!(
                    "--out {} and --resume {}: a resumed run stays in its folder (leave out --out)",
                    path(out),
                    path(dir)
                )));
            }
        }
        let run = RunDir::new(dir);
        let state = run.load()?;
        check_unchanged(args, &state.config, dir)?;
        return Ok(Plan {
            dir: run,
            config: state.config.clone(),
            resume: Some(state),
            threads,
        });
    }
    let Some(out) = &args.out else {
        return Err(CliError::Other(
            "say where the run goes: --out DIR (or --resume DIR to continue one)".into(),
        ));
    };
    if out.exists() && !out.is_dir() {
        return Err(CliError::Other(format!(
            "--out {}: exists and is not a folder",
            path(out)
        )));
    }
    let run = RunDir::new(out);
    if let Some(file) = run.existing_file() {
        return Err(CliError::Other(format!(
            "--out {}: already holds a training run ({file}); continue it with --resume {}, or choose another folder",
            path(out),
            path(out)
        )));
    }
    let d = TrainConfig::default();
    let config = TrainConfig {
        iterations: args.iterations.unwrap_or(d.iterations),
        population: args.population.unwrap_or(d.population),
        elite: args.elite.unwrap_or(d.elite),
        noise: args.noise.unwrap_or(d.noise),
        init_std: args.init_std.unwrap_or(d.init_std),
        episodes: args.episodes.unwrap_or(d.episodes),
        level: args.level.unwrap_or(d.level),
        tap_hz: args.tap_hz.unwrap_or(d.tap_hz),
        max_placements: args.max_placements.unwrap_or(d.max_placements),
        seed: args.seed.unwrap_or(d.seed),
        eval_episodes: args.eval_episodes.unwrap_or(d.eval_episodes),
        eval_max_placements: args.eval_max_placements.unwrap_or(d.eval_max_placements),
    };
    config
        .validate()
        .map_err(|e| CliError::Other(e.to_string()))?;
    Ok(Plan {
        dir: run,
        config,
        resume: None,
        threads,
    })
}

/// Whether two paths name the same folder (as written, or the same existing folder).
fn same_dir(a: &Path, b: &Path) -> bool {
    a == b
        || matches!(
            (a.canonicalize(), b.canonicalize()),
            (Ok(x), Ok(y)) if x == y
        )
}

/// With `--resume`, a setting on the command line must be the run's (only `--iterations`
/// may change).
fn check_unchanged(args: &TrainArgs, run: &TrainConfig, dir: &Path) -> Result<(), CliError> {
    fn differs<T: PartialEq + std::fmt::Display>(
        name: &str,
        given: Option<T>,
        run: T,
        dir: &Path,
    ) -> Result<(), CliError> {
        match given {
            Some(g) if g != run => Err(CliError::Other(format!(
                "--{name} {g}: the run in {} has {run} (a resumed run keeps its settings; only --iterations can change)",
                path(dir)
            ))),
            _ => Ok(()),
        }
    }
    differs("population", args.population, run.population, dir)?;
    differs("elite", args.elite, run.elite, dir)?;
    differs("noise", args.noise, run.noise, dir)?;
    differs("init-std", args.init_std, run.init_std, dir)?;
    differs("episodes", args.episodes, run.episodes, dir)?;
    differs("level", args.level, run.level, dir)?;
    differs("tap-hz", args.tap_hz, run.tap_hz, dir)?;
    differs(
        "max-placements",
        args.max_placements,
        run.max_placements,
        dir,
    )?;
    differs("seed", args.seed, run.seed, dir)?;
    differs("eval-episodes", args.eval_episodes, run.eval_episodes, dir)?;
    differs(
        "eval-max-placements",
        args.eval_max_placements,
        run.eval_max_placements,
        dir,
    )
}

pub fn run(args: &TrainArgs) -> Result<ExitCode, CliError> {
    let plan = plan(args)?;
    let (rom, rom_file) = crate::rom_path::load_tetris(args.rom.as_deref())?;
    let evaluator = evaluator(&plan.config, &rom, plan.threads)?;
    train(plan, args, evaluator, &[rom_file])
}

/// The games candidates are scored on: the placement env.
fn evaluator(
    config: &TrainConfig,
    rom: &tetris_env::Rom,
    threads: usize,
) -> Result<impl Evaluator, CliError> {
    Ok(tetris_train::placement::PlacementEvaluator::new(
        rom,
        config.level,
        config.tap_hz,
        threads,
    )?)
}

/// Trains (or continues) the planned run with `evaluator` and writes the folder (none of
/// whose files may be one of `inputs`).
fn train<E: Evaluator>(
    plan: Plan,
    args: &TrainArgs,
    evaluator: E,
    inputs: &[PathBuf],
) -> Result<ExitCode, CliError> {
    let err = |e: tetris_train::TrainError| CliError::Other(e.to_string());
    let mut trainer = match plan.resume {
        Some(state) => Trainer::resume(state, evaluator, args.iterations).map_err(err)?,
        None => Trainer::new(plan.config, evaluator).map_err(err)?,
    };
    let dir = plan.dir;
    if trainer.complete() {
        let n = trainer.iterations_done();
        return Err(CliError::Other(format!(
            "{}: the run is complete ({n} iterations); pass --iterations N with N > {n} to train it further",
            path(&dir.dir)
        )));
    }
    for name in [CHECKPOINT, EVENTS, POLICY, CURVE] {
        let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
        crate::output::check_not_input(&dir.file(name), &inputs)?;
    }
    std::fs::create_dir_all(&dir.dir).map_err(CliError::io(&dir.dir))?;
    crate::interrupt::install();
    let c = trainer.state().config.clone();
    let title = format!(
        "level {}, {} Hz; population {}×{}, elite {}, noise {}; games to {} placements; seed {}",
        c.level, c.tap_hz, c.population, c.episodes, c.elite, c.noise, c.max_placements, c.seed
    );
    let mut out = Stdout::new();
    let ui = Ui::new(args.json, &c, trainer.iterations_done());
    let save = |t: &Trainer<E>| -> Result<(), CliError> {
        if !dir.save(t.state(), &t.policy(), &title)? {
            ui.note_no_font();
        }
        Ok(())
    };
    save(&trainer)?;
    let hooks = Hooks {
        stop: &crate::interrupt::interrupted,
        game_done: &|_: &GameResult| ui.game_done(),
    };
    let interrupted = |e: tetris_train::TrainError, ui: &Ui, done: u32| {
        if matches!(e, TrainError::Eval(tetris_train::EvalError::Interrupted)) {
            ui.finish();
            crate::error::report(&format!(
                "interrupted: {done} iterations saved in {}; continue with --resume {}",
                path(&dir.dir),
                path(&dir.dir)
            ));
            Ok(ExitCode::from(crate::error::INTERRUPTED))
        } else {
            Err(err(e))
        }
    };
    while !trainer.trained() {
        match trainer.iterate(hooks) {
            Ok(event) => ui.line(&mut out, &iteration_line(event, c.iterations))?,
            Err(e) => return interrupted(e, &ui, trainer.iterations_done()),
        }
        save(&trainer)?;
    }
    if trainer.state().final_eval.is_none() {
        ui.evaluating(c.eval_episodes);
        match trainer.evaluate(hooks) {
            Ok(event) => ui.line(&mut out, &final_line(event))?,
            Err(e) => return interrupted(e, &ui, trainer.iterations_done()),
        }
        save(&trainer)?;
    }
    ui.finish();
    let state = trainer.state();
    let Some(final_eval) = &state.final_eval else {
        return Err(CliError::Other(
            "the run ended without an evaluation".into(),
        ));
    };
    if args.json {
        let summary = Summary {
            out: &dir.dir,
            iterations: trainer.iterations_done(),
            train_sec: state.train_sec,
            features: &state.features,
            weights: &state.cem.mean,
            final_eval,
        };
        out.json_line("summary", &summary)?;
    } else {
        outln!(
            out,
            "trained {} iterations in {:.1} s (level {}, {} Hz, population {}, seed {})",
            trainer.iterations_done(),
            state.train_sec,
            c.level,
            c.tap_hz,
            c.population,
            c.seed
        )?;
        outln!(
            out,
            "saved in {}: {POLICY}, {EVENTS}, {CURVE}, {CHECKPOINT}",
            dir.dir.display()
        )?;
    }
    out.finish()?;
    Ok(ExitCode::SUCCESS)
}

/// The `--json` summary.
#[derive(Debug, Serialize)]
struct Summary<'a> {
    out: &'a Path,
    iterations: u32,
    train_sec: f64,
    features: &'a [String],
    weights: &'a [f64],
    #[serde(rename = "final")]
    final_eval: &'a FinalEvent,
}

/// One iteration, as a line of the report.
fn iteration_line(e: &IterationEvent, of: u32) -> String {
    format!(
        "iteration {}/{of}: lines per game mean {:.1} (worst {:.1}, best {:.1}), elites {:.1}; score mean {:.0}; {:.1} s, {:.0} placements/s",
        e.iteration,
        e.lines_mean,
        e.lines_min,
        e.lines_max,
        e.elite_lines,
        e.score_mean,
        e.iteration_sec,
        e.placements_per_sec
    )
}

/// The final evaluation, as a line of the report.
fn final_line(f: &FinalEvent) -> String {
    format!(
        "evaluation on seeds 1-{}: {:.1} lines per game (min {}, max {}), score mean {:.0}; {} top-outs, {} crashes, {} at the placement limit{}; {:.1} s",
        f.games.len(),
        f.lines_mean,
        f.lines_min,
        f.lines_max,
        f.score_mean,
        f.top_outs,
        f.crashes,
        f.limits,
        if f.hangs > 0 {
            format!(", {} hangs", f.hangs)
        } else {
            String::new()
        },
        f.eval_sec
    )
}

/// Progress: a bar of games on a terminal, report lines on stdout (stderr with `--json`).
struct Ui {
    bar: ProgressBar,
    json: bool,
    warned_font: std::sync::atomic::AtomicBool,
}

impl Ui {
    fn new(json: bool, c: &TrainConfig, done: u32) -> Ui {
        let games_per_iteration = u64::from(c.population) * u64::from(c.episodes);
        let total = games_per_iteration * u64::from(c.iterations) + u64::from(c.eval_episodes);
        let bar = if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(total);
            if let Ok(style) = ProgressStyle::with_template(
                "{bar:40} {pos}/{len} games  {elapsed_precise}  eta {eta}  {msg}",
            ) {
                bar.set_style(style);
            }
            bar.set_position(games_per_iteration * u64::from(done));
            bar
        } else {
            ProgressBar::hidden()
        };
        Ui {
            bar,
            json,
            warned_font: std::sync::atomic::AtomicBool::new(false),
        }
    }

    fn game_done(&self) {
        self.bar.inc(1);
    }

    fn evaluating(&self, games: u32) {
        self.bar.set_message(format!("evaluating on {games} games"));
    }

    /// A report line: on stdout, or on stderr with `--json`.
    fn line(&self, out: &mut Stdout, s: &str) -> Result<(), CliError> {
        self.bar.suspend(|| {
            if self.json {
                use std::io::Write;
                let _ = writeln!(std::io::stderr(), "{s}");
                Ok(())
            } else {
                outln!(out, "{s}").and_then(|()| out.flush())
            }
        })
    }

    fn note_no_font(&self) {
        if !self
            .warned_font
            .swap(true, std::sync::atomic::Ordering::Relaxed)
        {
            self.bar.suspend(|| {
                crate::error::report(&format!(
                    "no TrueType font found: {CURVE} is drawn without text (set TETRIS_NES_FONT to a .ttf file)"
                ));
            });
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use tetris_train::{End, EvalError, Game};

    /// The command line, parsed as `tetris-nes train ARGS`.
    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        args: TrainArgs,
    }

    fn args(list: &[&str]) -> TrainArgs {
        let mut v = vec!["train"];
        v.extend_from_slice(list);
        Cli::parse_from(v).args
    }

    fn tmp(name: &str) -> PathBuf {
        let d =
            std::env::temp_dir().join(format!("tetris-nes-train-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    /// A stand-in for the placement env in these tests of the folder handling: lines grow as
    /// the weights approach (−3, 1).
    #[derive(Debug)]
    struct Toy;

    impl Evaluator for Toy {
        fn features(&self) -> Vec<String> {
            vec!["a".into(), "b".into()]
        }
        fn agent(&self) -> String {
            "toy".into()
        }
        fn env_spec(&self) -> tetris_env::EnvSpec {
            tetris_env::EnvSpec::from_id("TetrisA-v0").unwrap()
        }
        fn play(
            &mut self,
            weights: &[Vec<f64>],
            games: &[Game],
            _: u64,
            hooks: Hooks<'_>,
        ) -> Result<Vec<GameResult>, EvalError> {
            Ok(games
                .iter()
                .map(|g| {
                    let w = &weights[g.candidate];
                    let d = (w[0] + 3.0).powi(2) + (w[1] - 1.0).powi(2);
                    let r = GameResult {
                        seed: g.seed,
                        lines: (500.0 / (1.0 + d)) as u32,
                        score: 0,
                        level: 18,
                        placements: 10,
                        frames: 400,
                        end: End::TopOut,
                    };
                    (hooks.game_done)(&r);
                    r
                })
                .collect())
        }
    }

    fn err_of(r: Result<Plan, CliError>) -> String {
        r.expect_err("an error").to_string()
    }

    #[test]
    fn a_run_folder_is_written_and_resumed() {
        let dir = tmp("run");
        let d = dir.to_str().unwrap();
        let a = args(&[
            "--out",
            d,
            "--iterations",
            "3",
            "--population",
            "8",
            "--eval-episodes",
            "4",
        ]);
        train(plan(&a).unwrap(), &a, Toy, &[]).unwrap();
        let state = RunDir::new(&dir).load().unwrap();
        assert_eq!(state.history.len(), 3);
        let events = std::fs::read_to_string(dir.join(EVENTS)).unwrap();
        let kinds: Vec<String> = events
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["event"].to_string())
            .collect();
        assert_eq!(
            kinds,
            [
                "\"iteration\"",
                "\"iteration\"",
                "\"iteration\"",
                "\"final\""
            ]
        );
        let policy =
            tetris_train::Policy::from_json(&std::fs::read_to_string(dir.join(POLICY)).unwrap())
                .unwrap();
        assert_eq!(policy.weights, state.cem.mean);
        assert!(std::fs::read(dir.join(CURVE))
            .unwrap()
            .starts_with(b"\x89PNG"));

        // The folder now holds a run: --out refuses it; --resume of a complete run asks for
        // more iterations; with them, it trains on and evaluates again.
        assert!(err_of(plan(&args(&["--out", d]))).contains("already holds a training run"));
        let r = args(&["--resume", d]);
        let e = train(plan(&r).unwrap(), &r, Toy, &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("the run is complete (3 iterations)"), "{e}");
        let before = std::fs::read(dir.join(CHECKPOINT)).unwrap();
        let r = args(&["--resume", d, "--iterations", "5"]);
        train(plan(&r).unwrap(), &r, Toy, &[]).unwrap();
        let after = RunDir::new(&dir).load().unwrap();
        assert_eq!(after.history.len(), 5);
        assert_eq!(after.history[..3], state.history[..]);
        assert_ne!(before, std::fs::read(dir.join(CHECKPOINT)).unwrap());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn bad_requests_are_one_line_errors_that_write_nothing() {
        let dir = tmp("bad");
        let d = dir.to_str().unwrap();
        let cases: [(&[&str], &str); 8] = [
            (&[], "--out DIR"),
            (&["--out", d, "--elite", "1.5"], "--elite 1.5"),
            (&["--out", d, "--population", "1"], "--population 1"),
            (&["--out", d, "--level", "30"], "--level 30"),
            (&["--out", d, "--tap-hz", "60"], "--tap-hz 60"),
            (&["--out", d, "--threads", "0"], "--threads 0"),
            (&["--resume", d], "no such folder"),
            (&["--out", "/x", "--resume", d], "stays in its folder"),
        ];
        for (list, says) in cases {
            let e = err_of(plan(&args(list)));
            assert!(e.contains(says), "{list:?}: {e:?} should say {says:?}");
            assert!(!e.contains('\n'));
        }
        assert!(!dir.exists(), "nothing written");
        // A folder that is not a run, a damaged checkpoint, a changed setting.
        std::fs::create_dir_all(&dir).unwrap();
        assert!(err_of(plan(&args(&["--resume", d]))).contains("is not a training run"));
        let a = args(&[
            "--out",
            d,
            "--iterations",
            "1",
            "--population",
            "4",
            "--eval-episodes",
            "1",
        ]);
        train(plan(&a).unwrap(), &a, Toy, &[]).unwrap();
        let e = err_of(plan(&args(&["--resume", d, "--level", "19"])));
        assert!(
            e.contains("--level 19: the run in") && e.contains("has 18"),
            "{e}"
        );
        let cp = dir.join(CHECKPOINT);
        let text = std::fs::read_to_string(&cp).unwrap();
        std::fs::write(
            &cp,
            text.replacen("\"population\":4", "\"population\":5", 1),
        )
        .unwrap();
        let damaged = std::fs::read(&cp).unwrap();
        let e = err_of(plan(&args(&["--resume", d])));
        assert!(e.contains("checksum"), "{e}");
        std::fs::write(&cp, &text[..text.len() / 3]).unwrap();
        assert!(err_of(plan(&args(&["--resume", d]))).contains("not JSON"));
        std::fs::write(&cp, &damaged).unwrap();
        assert_eq!(std::fs::read(&cp).unwrap(), damaged, "left as it was");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
