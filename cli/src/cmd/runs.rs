//! `tetris-nes runs DIR [--json]`: the record of training runs. Lists every run folder
//! under DIR (DIR itself and its subfolders, four levels deep, links not followed) with its
//! settings, progress and best results, read from each run's checkpoint. A run whose
//! checkpoint cannot be read is listed with the reason, not skipped.

use crate::error::path;
use crate::output::{outln, Stdout};
use crate::run_dir::{RunDir, CHECKPOINT};
use crate::CliError;
use clap::Args;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tetris_train::{RunState, TrainConfig};

#[derive(Debug, Args)]
pub struct RunsArgs {
    /// The folder to look in.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Print a JSON array instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// How deep under DIR runs are looked for.
const MAX_DEPTH: usize = 4;
/// Folders visited at most (a bound on the work for a huge tree).
const MAX_FOLDERS: usize = 100_000;

/// One run, as listed.
#[derive(Debug, Serialize)]
struct Listed {
    path: PathBuf,
    /// "complete", "training" (iterations left) or "unreadable".
    status: &'static str,
    /// Why the checkpoint could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    run: Option<RunSummary>,
}

#[derive(Debug, Serialize)]
struct RunSummary {
    iterations_done: u32,
    config: TrainConfig,
    features: Vec<String>,
    agent: String,
    commit: String,
    train_sec: f64,
    /// The iteration whose candidates had the best mean lines per game, and that mean.
    best_iteration: Option<u32>,
    best_lines_mean: Option<f64>,
    /// The most lines per game of any candidate of any iteration.
    best_candidate_lines: Option<f64>,
    /// The last iteration's elites' mean lines per game.
    last_elite_lines: Option<f64>,
    /// The final evaluation: mean lines per game, its games, min and max.
    eval_lines_mean: Option<f64>,
    eval_games: Option<usize>,
    eval_lines_min: Option<u32>,
    eval_lines_max: Option<u32>,
}

fn summarize(s: RunState) -> RunSummary {
    let best = s
        .history
        .iter()
        .max_by(|a, b| a.lines_mean.total_cmp(&b.lines_mean));
    let f = s.final_eval.as_ref();
    RunSummary {
        iterations_done: s.cem.iteration,
        best_iteration: best.map(|e| e.iteration),
        best_lines_mean: best.map(|e| e.lines_mean),
        best_candidate_lines: s.history.iter().map(|e| e.lines_max).reduce(f64::max),
        last_elite_lines: s.history.last().map(|e| e.elite_lines),
        eval_lines_mean: f.map(|f| f.lines_mean),
        eval_games: f.map(|f| f.games.len()),
        eval_lines_min: f.map(|f| f.lines_min),
        eval_lines_max: f.map(|f| f.lines_max),
        train_sec: s.train_sec,
        features: s.features,
        agent: s.agent,
        commit: s.commit,
        config: s.config,
    }
}

/// The folders under `dir` holding a checkpoint, sorted.
fn find_runs(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), 0usize)];
    let mut visited = 0;
    while let Some((d, depth)) = stack.pop() {
        visited += 1;
        if visited > MAX_FOLDERS {
            break;
        }
        if d.join(CHECKPOINT).exists() {
            found.push(d.clone());
        }
        if depth == MAX_DEPTH {
            continue;
        }
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            // file_type does not follow links: a link to a folder is not entered.
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push((e.path(), depth + 1));
            }
        }
    }
    found.sort();
    found
}

pub fn run(args: &RunsArgs) -> Result<ExitCode, CliError> {
    if !args.dir.is_dir() {
        return Err(CliError::Other(format!(
            "{}: no such folder",
            path(&args.dir)
        )));
    }
    let listed: Vec<Listed> = find_runs(&args.dir)
        .into_iter()
        .map(|path| match RunDir::new(&path).load() {
            Ok(state) => Listed {
                status: if state.final_eval.is_some() {
                    "complete"
                } else {
                    "training"
                },
                path,
                error: None,
                run: Some(summarize(state)),
            },
            Err(e) => Listed {
                path,
                status: "unreadable",
                error: Some(e.to_string()),
                run: None,
            },
        })
        .collect();
    let mut out = Stdout::new();
    if args.json {
        out.json_line("runs", &listed)?;
    } else if listed.is_empty() {
        outln!(out, "no training runs under {}", args.dir.display())?;
    } else {
        print_table(&mut out, &listed)?;
    }
    out.finish()?;
    Ok(ExitCode::SUCCESS)
}

fn opt(v: Option<f64>, digits: usize) -> String {
    v.map_or_else(|| "-".into(), |x| format!("{x:.digits$}"))
}

fn print_table(out: &mut Stdout, listed: &[Listed]) -> Result<(), CliError> {
    let rows: Vec<[String; 11]> = listed
        .iter()
        .map(|l| match &l.run {
            Some(r) => {
                let c = &r.config;
                [
                    l.path.display().to_string(),
                    format!("{}/{}", r.iterations_done, c.iterations),
                    c.level.to_string(),
                    c.tap_hz.to_string(),
                    format!("{}×{}", c.population, c.episodes),
                    c.elite.to_string(),
                    c.noise.to_string(),
                    c.seed.to_string(),
                    match (r.best_lines_mean, r.best_iteration) {
                        (Some(m), Some(i)) => format!("{m:.1} @{i}"),
                        _ => "-".into(),
                    },
                    opt(r.eval_lines_mean, 1),
                    format!("{:.0}", r.train_sec),
                ]
            }
            None => {
                let mut row: [String; 11] = Default::default();
                row[0] = l.path.display().to_string();
                row[1] = format!("unreadable: {}", l.error.as_deref().unwrap_or(""));
                row
            }
        })
        .collect();
    let header = [
        "run",
        "iter",
        "level",
        "Hz",
        "pop×ep",
        "elite",
        "noise",
        "seed",
        "best mean",
        "eval",
        "train s",
    ];
    let mut width: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows.iter().filter(|r| !r[2].is_empty()) {
        for (w, cell) in width.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, (cell, w)) in cells.iter().zip(&width).enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            s.push_str(cell);
            if i + 1 < cells.len() {
                s.push_str(&" ".repeat(w.saturating_sub(cell.chars().count())));
            }
        }
        s.trim_end().to_owned()
    };
    outln!(out, "{}", line(header.to_vec()))?;
    for r in &rows {
        if r[2].is_empty() {
            outln!(out, "{}  {}", r[0], r[1])?;
        } else {
            outln!(out, "{}", line(r.iter().map(String::as_str).collect()))?;
        }
    }
    outln!(out, "best mean: the best iteration's mean lines per game over its candidates; eval: the final policy's mean lines per game on the evaluation seeds")
}
