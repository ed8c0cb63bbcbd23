//! The training loop: the cross-entropy method ([`crate::cem`]) over the weights an
//! [`Evaluator`] plays with.
//!
//! An iteration draws the population, has every candidate play the iteration's games (the
//! same seeds for all, [`TrainConfig::training_seeds`]), scores each candidate by its mean
//! lines per game, refits the search to the elites and records an [`IterationEvent`]. When
//! the iterations are done, [`Trainer::evaluate`] plays the search's mean on the evaluation
//! seeds, which training never plays, and records the [`FinalEvent`].
//!
//! The state after any iteration is a [`RunState`]: saved as a checkpoint, it resumes the
//! run exactly where it was (the same seed gives the same run, interrupted or not).

use crate::cem::Cem;
use crate::config::TrainConfig;
use crate::evaluate::{EvalError, Evaluator, Game, GameResult, Hooks};
use crate::policy::{Policy, Provenance, POLICY_FORMAT, POLICY_VERSION};
use crate::record::{rate, FinalEvent, IterationEvent, RunState};
use std::time::Instant;

/// Why training stopped.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    Eval(#[from] EvalError),
    /// A run resumed with an evaluator of other features or another agent.
    #[error("the run was trained for {run}, but this evaluator is {evaluator}")]
    Mismatch { run: String, evaluator: String },
    #[error("the run is complete ({0} iterations): nothing to train")]
    Complete(u32),
}

/// A run in progress.
#[derive(Debug)]
pub struct Trainer<E> {
    evaluator: E,
    state: RunState,
}

impl<E: Evaluator> Trainer<E> {
    /// A new run: the search starts at zero weights with `config.init_std`.
    pub fn new(config: TrainConfig, evaluator: E) -> Result<Trainer<E>, TrainError> {
        config.validate()?;
        let features = evaluator.features();
        let cem = Cem::new(vec![0.0; features.len()], config.init_std);
        let state = RunState {
            config,
            agent: evaluator.agent(),
            features,
            commit: crate::CODE_COMMIT.to_owned(),
            cem,
            history: Vec::new(),
            final_eval: None,
            train_sec: 0.0,
        };
        Ok(Trainer { evaluator, state })
    }

    /// Continues a saved run (its settings; `iterations`, if given, extends or confirms
    /// the number of iterations, which may not be less than those done).
    pub fn resume(
        mut state: RunState,
        evaluator: E,
        iterations: Option<u32>,
    ) -> Result<Trainer<E>, TrainError> {
        let (features, agent) = (evaluator.features(), evaluator.agent());
        if state.features != features || state.agent != agent {
            return Err(TrainError::Mismatch {
                run: format!("{} [{}]", state.agent, state.features.join(", ")),
                evaluator: format!("{agent} [{}]", features.join(", ")),
            });
        }
        if let Some(n) = iterations {
            let done = state.cem.iteration;
            if n < done {
                return Err(crate::config::ConfigError {
                    name: "iterations",
                    value: n.to_string(),
                    expected: format!("the run has done {done} already"),
                }
                .into());
            }
            if n != state.config.iterations {
                state.config.iterations = n;
                state.final_eval = None; // a longer run ends with a new evaluation
            }
        }
        state.config.validate()?;
        state.commit = crate::CODE_COMMIT.to_owned();
        Ok(Trainer { evaluator, state })
    }

    /// The run as it stands (what a checkpoint saves).
    #[must_use]
    pub fn state(&self) -> &RunState {
        &self.state
    }

    /// The evaluator.
    pub fn evaluator_mut(&mut self) -> &mut E {
        &mut self.evaluator
    }

    /// Iterations done.
    #[must_use]
    pub fn iterations_done(&self) -> u32 {
        self.state.cem.iteration
    }

    /// Whether every iteration is done.
    #[must_use]
    pub fn trained(&self) -> bool {
        self.iterations_done() >= self.state.config.iterations
    }

    /// Whether the run is complete (trained and evaluated).
    #[must_use]
    pub fn complete(&self) -> bool {
        self.trained() && self.state.final_eval.is_some()
    }

    /// Runs the next iteration. An interrupted iteration changes nothing.
    pub fn iterate(&mut self, hooks: Hooks<'_>) -> Result<&IterationEvent, TrainError> {
        if self.trained() {
            return Err(TrainError::Complete(self.state.config.iterations));
        }
        let start = Instant::now();
        let c = &self.state.config;
        let t = self.state.cem.iteration;
        let candidates = self.state.cem.sample(c.population as usize, c.seed);
        let seeds = c.training_seeds(t);
        let games: Vec<Game> = (0..candidates.len())
            .flat_map(|candidate| seeds.iter().map(move |&seed| Game { candidate, seed }))
            .collect();
        let results = self
            .evaluator
            .play(&candidates, &games, c.max_placements, hooks)?;
        // Each candidate's mean lines and score per game.
        let per = seeds.len() as f64;
        let mut lines = vec![0.0; candidates.len()];
        let mut score = vec![0.0; candidates.len()];
        for (g, r) in games.iter().zip(&results) {
            lines[g.candidate] += f64::from(r.lines) / per;
            score[g.candidate] += f64::from(r.score) / per;
        }
        let (elite, noise) = (c.elite_count(), c.noise);
        let update = self.state.cem.update(&candidates, &lines, elite, noise);
        let elite_mean = |v: &[f64]| {
            update.elites.iter().map(|&i| v[i]).sum::<f64>() / update.elites.len() as f64
        };
        let std = self.state.cem.std();
        let placements = results.iter().map(|r| r.placements).sum();
        let sec = start.elapsed().as_secs_f64();
        self.state.train_sec += sec;
        let (lines_mean, lines_min, lines_max) = stats(&lines);
        let (score_mean, score_min, score_max) = stats(&score);
        self.state.history.push(IterationEvent {
            iteration: t + 1,
            games: games.len() as u64,
            lines_mean,
            lines_min,
            lines_max,
            score_mean,
            score_min,
            score_max,
            elite_lines: elite_mean(&lines),
            elite_score: elite_mean(&score),
            noise: update.noise,
            std_mean: std.iter().sum::<f64>() / std.len().max(1) as f64,
            weights: self.state.cem.mean.clone(),
            placements,
            frames: results.iter().map(|r| r.frames).sum(),
            iteration_sec: sec,
            elapsed_sec: self.state.train_sec,
            placements_per_sec: rate(placements, sec),
        });
        Ok(self.state.history.last().expect("just pushed"))
    }

    /// Plays the search's mean on the evaluation seeds and records the closing event.
    pub fn evaluate(&mut self, hooks: Hooks<'_>) -> Result<&FinalEvent, TrainError> {
        let start = Instant::now();
        let results = self.play_mean(
            &self.state.config.evaluation_seeds(),
            self.state.config.eval_max_placements,
            hooks,
        )?;
        let ev = FinalEvent::new(
            self.state.cem.iteration,
            results,
            start.elapsed().as_secs_f64(),
            self.state.train_sec,
        );
        Ok(self.state.final_eval.insert(ev))
    }

    /// Plays the search's current mean on `seeds`.
    pub fn play_mean(
        &mut self,
        seeds: &[u64],
        max_placements: u64,
        hooks: Hooks<'_>,
    ) -> Result<Vec<GameResult>, TrainError> {
        let games: Vec<Game> = seeds
            .iter()
            .map(|&seed| Game { candidate: 0, seed })
            .collect();
        let mean = [self.state.cem.mean.clone()];
        Ok(self.evaluator.play(&mean, &games, max_placements, hooks)?)
    }

    /// The policy: the search's mean, with the run's provenance.
    #[must_use]
    pub fn policy(&self) -> Policy {
        let s = &self.state;
        Policy {
            format: POLICY_FORMAT.into(),
            version: POLICY_VERSION,
            agent: s.agent.clone(),
            features: s.features.clone(),
            weights: s.cem.mean.clone(),
            env: self.evaluator.env_spec(),
            tap_hz: s.config.tap_hz,
            commit: crate::CODE_COMMIT.to_owned(),
            training: Some(Provenance {
                iterations: s.cem.iteration,
                config: s.config.clone(),
                eval_lines_mean: s.final_eval.as_ref().map(|f| f.lines_mean),
                eval_games: s.final_eval.as_ref().map(|f| f.games.len() as u32),
            }),
        }
    }
}

/// Mean, min and max.
fn stats(v: &[f64]) -> (f64, f64, f64) {
    let n = v.len().max(1) as f64;
    let min = v.iter().copied().fold(f64::INFINITY, f64::min);
    let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (v.iter().sum::<f64>() / n, min, max)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::evaluate::End;
    use crate::record::Checkpoint;

    /// A stand-in game for testing the loop without the ROM: a candidate clears more lines
    /// the closer its weights are to a target, with a little seed-dependent luck, in a
    /// number of "placements" that grows with the lines.
    #[derive(Debug)]
    pub struct Quadratic {
        pub target: Vec<f64>,
        pub played: u64,
    }

    impl Evaluator for Quadratic {
        fn features(&self) -> Vec<String> {
            (0..self.target.len()).map(|i| format!("f{i}")).collect()
        }
        fn agent(&self) -> String {
            "quadratic".into()
        }
        fn env_spec(&self) -> tetris_env::EnvSpec {
            tetris_env::EnvSpec::from_id("TetrisA-v0").expect("id")
        }
        fn play(
            &mut self,
            weights: &[Vec<f64>],
            games: &[Game],
            max_placements: u64,
            hooks: Hooks<'_>,
        ) -> Result<Vec<GameResult>, EvalError> {
            games
                .iter()
                .map(|g| {
                    if (hooks.stop)() {
                        return Err(EvalError::Interrupted);
                    }
                    self.played += 1;
                    let d: f64 = weights[g.candidate]
                        .iter()
                        .zip(&self.target)
                        .map(|(a, b)| (a - b).powi(2))
                        .sum();
                    let luck = (g.seed % 7) as f64;
                    let lines = (1000.0 / (1.0 + d) + luck) as u32;
                    let placements = (u64::from(lines) * 5 / 2 + 10).min(max_placements);
                    let r = GameResult {
                        seed: g.seed,
                        lines,
                        score: lines * 40,
                        level: 18,
                        placements,
                        frames: placements * 40,
                        end: if placements == max_placements {
                            End::Limit
                        } else {
                            End::TopOut
                        },
                    };
                    (hooks.game_done)(&r);
                    Ok(r)
                })
                .collect()
        }
    }

    pub fn quadratic() -> Quadratic {
        Quadratic {
            target: vec![-4.0, 2.5, -0.5],
            played: 0,
        }
    }

    pub fn config() -> TrainConfig {
        TrainConfig {
            iterations: 20,
            population: 20,
            elite: 0.2,
            episodes: 2,
            eval_episodes: 5,
            max_placements: 100_000,
            ..TrainConfig::default()
        }
    }

    /// Training without the timings (which differ from run to run).
    fn untimed(s: &RunState) -> RunState {
        let mut s = s.clone();
        s.train_sec = 0.0;
        for e in &mut s.history {
            e.iteration_sec = 0.0;
            e.elapsed_sec = 0.0;
            e.placements_per_sec = 0.0;
        }
        if let Some(f) = &mut s.final_eval {
            f.eval_sec = 0.0;
            f.elapsed_sec = 0.0;
            f.placements_per_sec = 0.0;
        }
        s
    }

    #[test]
    fn the_search_learns_and_is_reproducible() {
        let run = || {
            let mut t = Trainer::new(config(), quadratic()).unwrap();
            while !t.trained() {
                t.iterate(Hooks::none()).unwrap();
            }
            t.evaluate(Hooks::none()).unwrap();
            t
        };
        let a = run();
        let first = &a.state().history[0];
        let last = a.state().history.last().unwrap();
        assert!(
            last.elite_lines > 3.0 * first.lines_mean,
            "{first:?} → {last:?}"
        );
        let f = a.state().final_eval.as_ref().unwrap();
        assert!(f.lines_mean > 400.0, "{f:?}");
        assert_eq!(
            f.games.iter().map(|g| g.seed).collect::<Vec<_>>(),
            vec![1, 2, 3, 4, 5]
        );
        assert_eq!(untimed(a.state()), untimed(run().state()));
        let p = a.policy();
        assert_eq!(p.weights, a.state().cem.mean);
        assert_eq!(p.training.unwrap().eval_lines_mean, Some(f.lines_mean));
    }

    #[test]
    fn a_resumed_run_is_the_uninterrupted_run() {
        let mut whole = Trainer::new(config(), quadratic()).unwrap();
        while !whole.trained() {
            whole.iterate(Hooks::none()).unwrap();
        }
        let mut part = Trainer::new(config(), quadratic()).unwrap();
        for _ in 0..5 {
            part.iterate(Hooks::none()).unwrap();
        }
        // Stopped half-way through the sixth: nothing of it is kept.
        let stop_at = std::sync::atomic::AtomicU64::new(0);
        let hooks = Hooks {
            stop: &|| stop_at.fetch_add(1, std::sync::atomic::Ordering::Relaxed) > 10,
            game_done: &|_| {},
        };
        assert!(matches!(
            part.iterate(hooks),
            Err(TrainError::Eval(EvalError::Interrupted))
        ));
        assert_eq!(part.iterations_done(), 5);
        let saved = Checkpoint::to_json(part.state());
        let state = Checkpoint::from_json(&saved).unwrap();
        let mut resumed = Trainer::resume(state, quadratic(), None).unwrap();
        while !resumed.trained() {
            resumed.iterate(Hooks::none()).unwrap();
        }
        assert_eq!(untimed(resumed.state()), untimed(whole.state()));
    }

    #[test]
    fn resuming_checks_the_evaluator_and_the_iterations() {
        let mut t = Trainer::new(config(), quadratic()).unwrap();
        t.iterate(Hooks::none()).unwrap();
        t.iterate(Hooks::none()).unwrap();
        let other = Quadratic {
            target: vec![1.0],
            played: 0,
        };
        let e = Trainer::resume(t.state().clone(), other, None).unwrap_err();
        assert!(e.to_string().contains("[f0, f1, f2]"), "{e}");
        let e = Trainer::resume(t.state().clone(), quadratic(), Some(1)).unwrap_err();
        assert!(e.to_string().contains("done 2 already"), "{e}");
        let longer = Trainer::resume(t.state().clone(), quadratic(), Some(40)).unwrap();
        assert_eq!(longer.state().config.iterations, 40);
    }
}
