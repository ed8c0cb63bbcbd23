//! A saved policy (`policy.json`): the weights of the placement agent's feature evaluation,
//! with everything needed to play them as they were trained — the feature list and the
//! agent they belong to, the env spec, the tap rate — and where they came from (the code's
//! commit, the run's settings and evaluation).
//!
//! Reading checks the format and its version, then that the policy is for the agent and
//! the feature list of the code reading it ([`Policy::check_agent`]): weights are only
//! meaningful for the features they were learned on.

use serde::{Deserialize, Serialize};
use tetris_env::EnvSpec;

/// The `format` of a policy file.
pub const POLICY_FORMAT: &str = "tetris-nes-policy";
/// The policy version this code reads and writes.
pub const POLICY_VERSION: u32 = 1;

/// Where a trained policy came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// Iterations trained.
    pub iterations: u32,
    /// The run's settings.
    pub config: crate::TrainConfig,
    /// Mean lines per game on the evaluation seeds, once evaluated.
    pub eval_lines_mean: Option<f64>,
    /// Games of that evaluation.
    pub eval_games: Option<u32>,
}

/// A policy: weights for the agent's features.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Policy {
    /// [`POLICY_FORMAT`].
    pub format: String,
    /// [`POLICY_VERSION`].
    pub version: u32,
    /// The agent the weights drive (its name and version).
    pub agent: String,
    /// The features, in the order of the weights.
    pub features: Vec<String>,
    pub weights: Vec<f64>,
    /// The env it was trained in (start level, game type, reward).
    pub env: EnvSpec,
    /// The agent's tap rate, presses per second.
    pub tap_hz: u32,
    /// The commit of the code that wrote it.
    pub commit: String,
    /// How it was trained (absent for a hand-written policy).
    pub training: Option<Provenance>,
}

/// A policy file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("not JSON ({0})")]
    Json(String),
    #[error("not a tetris-nes policy (format {0:?})")]
    Format(String),
    #[error("policy version {found}, but this tetris-nes reads version {POLICY_VERSION}")]
    Version { found: u64 },
    #[error("a policy for the agent {found:?}, but this tetris-nes plays {expected:?}")]
    Agent { found: String, expected: String },
    #[error("a policy for other features than this agent's: {0}")]
    Features(String),
    #[error("invalid: {0}")]
    Invalid(String),
}

impl Policy {
    /// The file's text (pretty JSON).
    #[must_use]
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Reads a policy file's text; checks its format, version and numbers (not yet the
    /// agent: see [`Policy::check_agent`]).
    pub fn from_json(text: &str) -> Result<Policy, PolicyError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| PolicyError::Json(e.to_string()))?;
        let format = value.get("format").and_then(|f| f.as_str()).unwrap_or("");
        if format != POLICY_FORMAT {
            return Err(PolicyError::Format(format.chars().take(60).collect()));
        }
        match value.get("version").and_then(serde_json::Value::as_u64) {
            Some(v) if v == u64::from(POLICY_VERSION) => {}
            found => {
                return Err(PolicyError::Version {
                    found: found.unwrap_or(0),
                })
            }
        }
        let p: Policy =
            serde_json::from_value(value).map_err(|e| PolicyError::Json(e.to_string()))?;
        if p.weights.len() != p.features.len() {
            return Err(PolicyError::Invalid(format!(
                "{} weights for {} features",
                p.weights.len(),
                p.features.len()
            )));
        }
        if let Some(w) = p.weights.iter().find(|w| !w.is_finite()) {
            return Err(PolicyError::Invalid(format!("weight {w} is not a number")));
        }
        if !crate::config::tap_rate_ok(p.tap_hz) {
            return Err(PolicyError::Invalid(format!(
                "tap rate {} Hz (expected 30, 20, 15, 12 or 10)",
                p.tap_hz
            )));
        }
        p.env
            .validate()
            .map_err(|e| PolicyError::Invalid(format!("env: {e}")))?;
        Ok(p)
    }

    /// Checks that the policy drives `agent` with exactly `features`, in order.
    pub fn check_agent(&self, agent: &str, features: &[String]) -> Result<(), PolicyError> {
        if self.agent != agent {
            return Err(PolicyError::Agent {
                found: self.agent.clone(),
                expected: agent.to_owned(),
            });
        }
        if self.features != features {
            let differs = self.features.iter().zip(features).position(|(a, b)| a != b);
            let what = match differs {
                Some(i) => format!(
                    "feature {} is {:?} in the policy, {:?} here",
                    i + 1,
                    self.features[i],
                    features[i]
                ),
                None => format!(
                    "{} features in the policy, {} here",
                    self.features.len(),
                    features.len()
                ),
            };
            return Err(PolicyError::Features(what));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        Policy {
            format: POLICY_FORMAT.into(),
            version: POLICY_VERSION,
            agent: "heuristic-v1".into(),
            features: vec!["holes".into(), "bumpiness".into()],
            weights: vec![-3.5, -0.125],
            env: EnvSpec::from_id("TetrisA-v0").unwrap().start_level(18),
            tap_hz: 30,
            commit: "abc".into(),
            training: None,
        }
    }

    #[test]
    fn round_trip_and_agent_check() {
        let p = policy();
        let q = Policy::from_json(&p.to_json()).unwrap();
        assert_eq!(p, q);
        let features = vec!["holes".to_owned(), "bumpiness".to_owned()];
        q.check_agent("heuristic-v1", &features).unwrap();
        let e = q.check_agent("heuristic-v2", &features).unwrap_err();
        assert!(e.to_string().contains("heuristic-v2"), "{e}");
        let e = q
            .check_agent("heuristic-v1", &["holes".to_owned()])
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "a policy for other features than this agent's: 2 features in the policy, 1 here"
        );
        let e = q
            .check_agent("heuristic-v1", &["holes".to_owned(), "wells".to_owned()])
            .unwrap_err();
        assert!(
            e.to_string()
                .ends_with("feature 2 is \"bumpiness\" in the policy, \"wells\" here"),
            "{e}"
        );
    }

    #[test]
    fn bad_files_are_errors() {
        let text = policy().to_json();
        let cases = [
            ("", "not JSON"),
            ("[1, 2]", "format"),
            (
                &text.replace("\"version\": 1", "\"version\": 7"),
                "version 7",
            ),
            (&text.replace("-0.125", "1e999"), "not JSON"),
            (
                &text.replace("\"tap_hz\": 30", "\"tap_hz\": 31"),
                "tap rate 31",
            ),
            (
                &text.replace("\"start_level\": 18", "\"start_level\": 300"),
                "not JSON",
            ),
            (
                &text.replace("    -0.125\n", "").replace("-3.5,", "-3.5"),
                "1 weights for 2",
            ),
        ];
        for (bad, says) in cases {
            let e = Policy::from_json(bad).expect_err(says).to_string();
            assert!(e.contains(says), "{e:?} should say {says:?}");
            assert!(!e.contains('\n'));
        }
    }
}
