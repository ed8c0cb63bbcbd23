//! What a training run leaves behind, as data: the events of `events.jsonl` (one
//! [`IterationEvent`] per iteration, then one [`FinalEvent`]) and the [`Checkpoint`] a run
//! resumes from. Writing them to disk is the caller's (the CLI writes each file whole, by a
//! temporary file and a rename).
//!
//! A checkpoint is JSON: `{"format", "version", "crc32", "run"}`, where `crc32` is the
//! CRC-32 of `run` as this module serializes it. Reading checks the format, the version,
//! the checksum and that the run is consistent (dimensions, iteration numbers, finite
//! numbers), so a damaged or foreign file is an error, not a silently different run.

use crate::cem::Cem;
use crate::config::TrainConfig;
use crate::evaluate::{End, GameResult};
use serde::{Deserialize, Serialize};

/// The `format` of a checkpoint file.
pub const CHECKPOINT_FORMAT: &str = "tetris-nes-checkpoint";
/// The checkpoint version this code reads and writes.
pub const CHECKPOINT_VERSION: u32 = 1;

/// One iteration of the search. Lines and score are per game: each candidate's mean over
/// its games, then the mean, min and max over the candidates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IterationEvent {
    /// 1 for the first.
    pub iteration: u32,
    /// Games played this iteration (population × episodes).
    pub games: u64,
    pub lines_mean: f64,
    pub lines_min: f64,
    pub lines_max: f64,
    pub score_mean: f64,
    pub score_min: f64,
    pub score_max: f64,
    /// The elites' mean lines per game.
    pub elite_lines: f64,
    /// The elites' mean score per game.
    pub elite_score: f64,
    /// The noise added to the variance (`Z_t`).
    pub noise: f64,
    /// The mean standard deviation of the weights after the update.
    pub std_mean: f64,
    /// The mean of the search after the update: the policy at this iteration.
    pub weights: Vec<f64>,
    pub placements: u64,
    pub frames: u64,
    /// Wall time of this iteration.
    pub iteration_sec: f64,
    /// Wall time of the run so far (training only, over every resumed part).
    pub elapsed_sec: f64,
    pub placements_per_sec: f64,
}

/// The closing event: the final policy (the search's mean) on the evaluation seeds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FinalEvent {
    /// Iterations trained.
    pub iterations: u32,
    /// One result per evaluation game, seeds 1, 2, …
    pub games: Vec<GameResult>,
    pub lines_mean: f64,
    pub lines_min: u32,
    pub lines_max: u32,
    pub score_mean: f64,
    /// Games that ended by top-out, crash, the placement limit, or a hang.
    pub top_outs: u32,
    pub crashes: u32,
    pub limits: u32,
    pub hangs: u32,
    pub placements: u64,
    /// Wall time of the evaluation.
    pub eval_sec: f64,
    /// Wall time of training and evaluation.
    pub elapsed_sec: f64,
    pub placements_per_sec: f64,
}

impl FinalEvent {
    /// The summary of `games`.
    #[must_use]
    pub fn new(iterations: u32, games: Vec<GameResult>, eval_sec: f64, train_sec: f64) -> Self {
        let n = games.len().max(1) as f64;
        let placements: u64 = games.iter().map(|g| g.placements).sum();
        let count = |e: End| games.iter().filter(|g| g.end == e).count() as u32;
        FinalEvent {
            iterations,
            lines_mean: games.iter().map(|g| f64::from(g.lines)).sum::<f64>() / n,
            lines_min: games.iter().map(|g| g.lines).min().unwrap_or(0),
            lines_max: games.iter().map(|g| g.lines).max().unwrap_or(0),
            score_mean: games.iter().map(|g| f64::from(g.score)).sum::<f64>() / n,
            top_outs: count(End::TopOut),
            crashes: count(End::Crash),
            limits: count(End::Limit),
            hangs: count(End::Hang),
            placements,
            eval_sec,
            elapsed_sec: train_sec + eval_sec,
            placements_per_sec: rate(placements, eval_sec),
            games,
        }
    }
}

/// `n / sec`, 0 for no time.
#[must_use]
pub fn rate(n: u64, sec: f64) -> f64 {
    if sec > 0.0 {
        n as f64 / sec
    } else {
        0.0
    }
}

/// A line of `events.jsonl`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    Iteration(IterationEvent),
    Final(FinalEvent),
}

/// Everything a run needs to continue: its settings, the search, and its record so far.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunState {
    pub config: TrainConfig,
    /// The features the weights apply to, in order.
    pub features: Vec<String>,
    /// The agent the weights drive ([`crate::Evaluator::agent`]).
    pub agent: String,
    /// The commit of the code that last wrote the run ([`crate::CODE_COMMIT`]).
    pub commit: String,
    pub cem: Cem,
    /// One event per completed iteration.
    pub history: Vec<IterationEvent>,
    /// The final evaluation, once the run is complete.
    pub final_eval: Option<FinalEvent>,
    /// Training wall time so far.
    pub train_sec: f64,
}

impl RunState {
    /// The lines of `events.jsonl`: every iteration, then the closing event if there is one.
    #[must_use]
    pub fn events_jsonl(&self) -> String {
        let mut out = String::new();
        let events = self
            .history
            .iter()
            .cloned()
            .map(Event::Iteration)
            .chain(self.final_eval.clone().map(Event::Final));
        for e in events {
            // Plain data of finite numbers: serializing cannot fail.
            out.push_str(&serde_json::to_string(&e).unwrap_or_default());
            out.push('\n');
        }
        out
    }

    /// Checks that the run is one this code could have written.
    pub fn validate(&self) -> Result<(), String> {
        self.config
            .validate()
            .map_err(|e| format!("settings: {e}"))?;
        let dim = self.features.len();
        if dim == 0 || self.cem.mean.len() != dim || self.cem.variance.len() != dim {
            return Err(format!(
                "{} features but {} means and {} variances",
                dim,
                self.cem.mean.len(),
                self.cem.variance.len()
            ));
        }
        let finite = |v: &[f64]| v.iter().all(|x| x.is_finite());
        if !finite(&self.cem.mean)
            || !finite(&self.cem.variance)
            || self.cem.variance.iter().any(|&v| v < 0.0)
        {
            return Err("the search distribution holds a non-finite or negative number".into());
        }
        if self.cem.iteration as usize != self.history.len() {
            return Err(format!(
                "{} iterations done but {} recorded",
                self.cem.iteration,
                self.history.len()
            ));
        }
        if self.cem.iteration > self.config.iterations {
            return Err(format!(
                "{} iterations done of {}",
                self.cem.iteration, self.config.iterations
            ));
        }
        for (i, e) in self.history.iter().enumerate() {
            if e.iteration as usize != i + 1 || e.weights.len() != dim {
                return Err(format!("iteration record {} is out of place", i + 1));
            }
        }
        if let Some(f) = &self.final_eval {
            if f.iterations != self.cem.iteration || self.cem.iteration != self.config.iterations {
                return Err("the final evaluation does not belong to the last iteration".into());
            }
        }
        if !self.train_sec.is_finite() || self.train_sec < 0.0 {
            return Err("the training time is not a time".into());
        }
        Ok(())
    }
}

/// A damaged, foreign or inconsistent checkpoint.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    #[error("not JSON ({0})")]
    Json(String),
    #[error("not a tetris-nes checkpoint (format {0:?})")]
    Format(String),
    #[error("checkpoint version {found} (this tetris-nes reads version {CHECKPOINT_VERSION})")]
    Version { found: u64 },
    #[error("corrupt: the checksum does not match its content")]
    Checksum,
    #[error("inconsistent: {0}")]
    Invalid(String),
}

/// The checkpoint file: a [`RunState`] with its format, version and checksum.
#[derive(Debug, Serialize, Deserialize)]
struct CheckpointFile {
    format: String,
    version: u32,
    crc32: u32,
    run: RunState,
}

/// Reading and writing checkpoints.
#[derive(Debug)]
pub struct Checkpoint;

impl Checkpoint {
    /// The checkpoint of `run`, as the file's text.
    #[must_use]
    pub fn to_json(run: &RunState) -> String {
        let file = CheckpointFile {
            format: CHECKPOINT_FORMAT.into(),
            version: CHECKPOINT_VERSION,
            crc32: checksum(run),
            run: run.clone(),
        };
        let mut s = serde_json::to_string(&file).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Reads a checkpoint's text: format, version, checksum and consistency checked.
    pub fn from_json(text: &str) -> Result<RunState, CheckpointError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| CheckpointError::Json(e.to_string()))?;
        let format = value.get("format").and_then(|f| f.as_str()).unwrap_or("");
        if format != CHECKPOINT_FORMAT {
            return Err(CheckpointError::Format(format.chars().take(60).collect()));
        }
        match value.get("version").and_then(serde_json::Value::as_u64) {
            Some(v) if v == u64::from(CHECKPOINT_VERSION) => {}
            found => {
                return Err(CheckpointError::Version {
                    found: found.unwrap_or(0),
                })
            }
        }
        let file: CheckpointFile =
            serde_json::from_value(value).map_err(|e| CheckpointError::Json(e.to_string()))?;
        if checksum(&file.run) != file.crc32 {
            return Err(CheckpointError::Checksum);
        }
        file.run.validate().map_err(CheckpointError::Invalid)?;
        Ok(file.run)
    }
}

fn checksum(run: &RunState) -> u32 {
    crc32fast::hash(&serde_json::to_vec(run).unwrap_or_default())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn sample_run() -> RunState {
        let config = TrainConfig {
            iterations: 3,
            ..TrainConfig::default()
        };
        let mut cem = Cem::new(vec![0.1, -0.25], 10.0);
        cem.iteration = 1;
        RunState {
            config,
            features: vec!["holes".into(), "bumpiness".into()],
            agent: "test".into(),
            commit: "0123abc".into(),
            cem,
            history: vec![IterationEvent {
                iteration: 1,
                games: 40,
                lines_mean: 1.0 / 3.0,
                lines_min: 0.0,
                lines_max: 12.0,
                score_mean: 0.1,
                score_min: 0.0,
                score_max: 1e6,
                elite_lines: 7.25,
                elite_score: 100.0,
                noise: 4.0,
                std_mean: 3.3,
                weights: vec![0.1, -0.25],
                placements: 1000,
                frames: 45_000,
                iteration_sec: 0.7,
                elapsed_sec: 0.7,
                placements_per_sec: 1428.57,
            }],
            final_eval: None,
            train_sec: 0.7,
        }
    }

    #[test]
    fn a_checkpoint_reads_back_exactly() {
        let run = sample_run();
        let text = Checkpoint::to_json(&run);
        assert_eq!(Checkpoint::from_json(&text).unwrap(), run);
    }

    #[test]
    fn damage_is_detected() {
        let text = Checkpoint::to_json(&sample_run());
        // A changed digit in a weight: still JSON, wrong checksum.
        let bad = text.replacen("-0.25", "-0.35", 1);
        assert!(matches!(
            Checkpoint::from_json(&bad),
            Err(CheckpointError::Checksum)
        ));
        assert!(matches!(
            Checkpoint::from_json(&text[..text.len() / 2]),
            Err(CheckpointError::Json(_))
        ));
        assert!(matches!(
            Checkpoint::from_json("{\"format\":\"tetris-nes-policy\"}"),
            Err(CheckpointError::Format(_))
        ));
        let v2 = text.replacen("\"version\":1", "\"version\":2", 1);
        assert!(matches!(
            Checkpoint::from_json(&v2),
            Err(CheckpointError::Version { found: 2 })
        ));
    }

    #[test]
    fn inconsistent_runs_are_refused() {
        let mut run = sample_run();
        run.cem.iteration = 2;
        let text = Checkpoint::to_json(&run);
        assert!(matches!(
            Checkpoint::from_json(&text),
            Err(CheckpointError::Invalid(_))
        ));
    }

    #[test]
    fn events_are_one_json_object_a_line() {
        let run = sample_run();
        let jsonl = run.events_jsonl();
        assert_eq!(jsonl.lines().count(), 1);
        let e: Event = serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
        assert!(matches!(e, Event::Iteration(ref i) if i.iteration == 1));
        assert!(jsonl.starts_with("{\"event\":\"iteration\",\"iteration\":1,"));
    }
}
