//! The placement action space: one action places the falling piece, and the env plays it
//! through the emulator frame by frame.
//!
//! Action `a` = rotation + 4 × column (40 actions): rotation = clockwise turns from the
//! piece's spawn orientation (0–3), column = the piece's leftmost cell (0–9), landing
//! where a straight drop from the top of that column ends. Orientations that repeat (O
//! turned any way, I, S and Z turned twice) keep only the first rotation: the repeats are
//! always masked. An action is legal (its mask bit set) when the planner
//! ([`crate::planner`]) finds a route that locks the piece exactly there under the env's
//! input model; the mask is [`ActionMask`].
//!
//! [`crate::ActionSpace::PlacementTucks`] adds the lock positions reachable only by tucks
//! and spins ([`crate::planner::InputModel::tucks`], which that space turns on): 800 more
//! actions, indexed by lock position, `40 + rotation + 4 × column + 40 × row` (rotation
//! and column as above, row = the piece's lowest cell, 0–19 from the top; 840 in all).
//! Such an action is legal when the planner reaches that lock position and it is not the
//! straight drop of its rotation and column (that one is the first 40's): every reachable
//! lock position has exactly one action.

use crate::planner::{InputModel, Placement, Plan};
use crate::ram::{Orientation, PieceKind};
use crate::rules::{self, PiecePosition};
use crate::{ActionSpace, EnvError, Result};
use serde::{Deserialize, Serialize};

/// Actions of the placement space: 4 rotations × 10 columns.
pub const PLACEMENT_ACTIONS: u32 = 40;

/// Actions of the tuck-and-spin space: the 40, then one per lock position (4 rotations × 10
/// columns × 20 rows).
pub const PLACEMENT_TUCK_ACTIONS: u32 = PLACEMENT_ACTIONS + 4 * 10 * 20;

/// The largest action space, in actions (a multiple of 64, above the tuck space's 840).
pub const MAX_ACTIONS: usize = 1024;

/// Which actions are legal now: one bit per action of the env's space (all set for the
/// frame-level spaces). Plain data (`Copy`).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ActionMask {
    bits: [u64; MAX_ACTIONS / 64],
    len: u16,
}

impl std::fmt::Debug for ActionMask {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActionMask")
            .field("len", &self.len)
            .field("legal", &self.iter().collect::<Vec<_>>())
            .finish()
    }
}

impl Default for ActionMask {
    fn default() -> ActionMask {
        ActionMask::none(0)
    }
}

impl ActionMask {
    /// `n` actions, none legal.
    #[must_use]
    pub fn none(n: u32) -> ActionMask {
        ActionMask {
            bits: [0; MAX_ACTIONS / 64],
            len: n.min(MAX_ACTIONS as u32) as u16,
        }
    }

    /// `n` actions, all legal.
    #[must_use]
    pub fn all(n: u32) -> ActionMask {
        let mut m = ActionMask::none(n);
        for a in 0..u32::from(m.len) {
            m.set(a, true);
        }
        m
    }

    /// Number of actions.
    #[must_use]
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    /// True for a mask of no actions.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether `action` is legal (false outside the space).
    #[must_use]
    pub fn get(&self, action: u32) -> bool {
        action < u32::from(self.len) && self.bits[action as usize / 64] >> (action % 64) & 1 != 0
    }

    /// Sets an action's bit (ignored outside the space).
    pub fn set(&mut self, action: u32, legal: bool) {
        if action < u32::from(self.len) {
            let (w, b) = (action as usize / 64, action % 64);
            if legal {
                self.bits[w] |= 1 << b;
            } else {
                self.bits[w] &= !(1 << b);
            }
        }
    }

    /// Legal actions.
    #[must_use]
    pub fn count(&self) -> usize {
        self.bits.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// The legal actions, in order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        (0..u32::from(self.len)).filter(|&a| self.get(a))
    }

    /// Writes one bool per action into `out` (exactly `len()` long; an error otherwise).
    pub fn write_to(&self, out: &mut [bool]) -> Result<()> {
        if out.len() != self.len() {
            return Err(EnvError::InvalidOption {
                name: "action mask buffer",
                value: format!("{} entries", out.len()),
                expected: "one per action",
            });
        }
        for (a, o) in out.iter_mut().enumerate() {
            *o = self.get(a as u32);
        }
        Ok(())
    }

    /// One bool per action.
    #[must_use]
    pub fn to_vec(&self) -> Vec<bool> {
        (0..u32::from(self.len)).map(|a| self.get(a)).collect()
    }
}

/// What a masked (illegal) placement action does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IllegalAction {
    /// An `InvalidAction` error; the env is left unchanged.
    #[default]
    Error,
    /// The episode ends (`terminated`, `info.illegal_action`) with reward `-penalty`
    /// (Tetris-Gymnasium's `terminate_on_illegal_action`).
    Terminate { penalty: f64 },
}

/// The placement space's options (`EnvSpec::placement`; serde: missing fields take the
/// defaults).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlacementOptions {
    /// The player the planner plans for (tap rate, DAS, soft drop).
    pub input: InputModel,
    /// What a masked action does.
    pub illegal_action: IllegalAction,
}

/// The orientation and leftmost column of placement action `action` for a piece of `kind`,
/// or `None` if the action is outside the space or repeats an orientation.
#[must_use]
pub fn action_target(kind: PieceKind, action: u32) -> Option<(Orientation, u8)> {
    if action >= PLACEMENT_ACTIONS {
        return None;
    }
    let (rotation, column) = (action % 4, (action / 4) as u8);
    let mut o = kind.spawn_orientation();
    for _ in 0..rotation {
        o = o.rotated_cw();
    }
    (u32::from(o.rotation()) == rotation).then_some((o, column))
}

/// The placement action whose straight drop is `placement`'s lock position, if it is one.
#[must_use]
pub fn action_of(plan: &Plan, placement: &Placement) -> Option<u32> {
    let lock = placement.lock;
    let column = u8::try_from(lock.left_column()).ok()?;
    let action = u32::from(lock.orientation.rotation()) + 4 * u32::from(column);
    let p = plan.straight_drop(lock.orientation, column)?;
    (p.lock == lock).then_some(action)
}

/// The tuck-space index of a lock position: `40 + rotation + 4 × column + 40 × row` (the
/// leftmost cell's column, the lowest cell's row), whether or not it is a straight drop.
#[must_use]
pub fn tuck_action(lock: PiecePosition) -> Option<u32> {
    let column = u32::try_from(lock.left_column()).ok()?;
    let row = u32::try_from(lock.bottom_row()).ok()?;
    (column < rules::COLS as u32 && row < rules::ROWS as u32)
        .then(|| PLACEMENT_ACTIONS + u32::from(lock.orientation.rotation()) + 4 * column + 40 * row)
}

/// The lock position of tuck-space action `action` (40–839) for a piece of `kind`, if the
/// action names one (not a repeated orientation, the piece inside the playfield).
#[must_use]
pub fn tuck_target(kind: PieceKind, action: u32) -> Option<PiecePosition> {
    let i = action.checked_sub(PLACEMENT_ACTIONS)?;
    if action >= PLACEMENT_TUCK_ACTIONS {
        return None;
    }
    let (o, column) = action_target(kind, i % 40)?;
    let row = (i / 40) as i8;
    let shape = rules::shape(o);
    let (x, y) = (column as i8 - shape.min_dx, row - shape.max_dy);
    let pos = PiecePosition {
        orientation: o,
        x: u8::try_from(x).ok()?,
        y: u8::try_from(y).ok()?,
    };
    (tuck_action(pos) == Some(action)).then_some(pos)
}

/// The action of `placement` in `space`: its straight-drop action, else (in the tuck space)
/// its lock position's.
#[must_use]
pub fn action_in(plan: &Plan, placement: &Placement, space: ActionSpace) -> Option<u32> {
    action_of(plan, placement).or_else(|| {
        (space == ActionSpace::PlacementTucks)
            .then(|| tuck_action(placement.lock))
            .flatten()
    })
}

/// The placement action `action` in `plan`: where it locks and how, if legal (actions 40
/// and up are the tuck space's, legal only for a lock position that is no straight drop).
#[must_use]
pub fn placement_for(plan: &Plan, action: u32) -> Option<&Placement> {
    let kind = plan.state()?.kind();
    if action < PLACEMENT_ACTIONS {
        let (o, column) = action_target(kind, action)?;
        return plan.straight_drop(o, column);
    }
    let p = plan.get(tuck_target(kind, action)?)?;
    action_of(plan, p).is_none().then_some(p)
}

/// The mask of a plan in `space` (40 actions, or 840 for the tuck space; none for the
/// frame-level spaces).
#[must_use]
pub fn mask_of(plan: &Plan, space: ActionSpace) -> ActionMask {
    let mut mask = ActionMask::none(space.n());
    if !space.is_placement() {
        return mask;
    }
    for a in 0..PLACEMENT_ACTIONS {
        mask.set(a, placement_for(plan, a).is_some());
    }
    if space == ActionSpace::PlacementTucks {
        for p in plan.placements() {
            if action_of(plan, p).is_none() {
                if let Some(a) = tuck_action(p.lock) {
                    mask.set(a, true);
                }
            }
        }
    }
    mask
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_and_targets() {
        let mut m = ActionMask::none(40);
        m.set(3, true);
        m.set(39, true);
        m.set(40, true);
        assert_eq!(m.iter().collect::<Vec<_>>(), [3, 39]);
        assert!(!m.get(40) && m.count() == 2);
        let mut out = vec![false; 40];
        m.write_to(&mut out).unwrap();
        assert!(out[3] && out[39] && !out[0]);
        assert!(m.write_to(&mut [false; 3]).is_err());
        assert_eq!(ActionMask::all(256).count(), 256);

        // Duplicate orientations are never targets.
        let o = PieceKind::O;
        assert!(action_target(o, 0).is_some() && action_target(o, 1).is_none());
        assert!(
            action_target(PieceKind::I, 1).is_some() && action_target(PieceKind::I, 2).is_none()
        );
        assert!(action_target(PieceKind::T, 3).is_some());
        assert_eq!(action_target(PieceKind::T, 4 * 9 + 2).map(|t| t.1), Some(9));
        assert!(action_target(PieceKind::T, 40).is_none());

        // Tuck actions name lock positions, and back.
        let mut n = 0;
        for kind in PieceKind::ALL {
            for a in PLACEMENT_ACTIONS..PLACEMENT_TUCK_ACTIONS {
                if let Some(pos) = tuck_target(kind, a) {
                    assert_eq!(tuck_action(pos), Some(a));
                    assert_eq!(pos.bottom_row() as u32, (a - 40) / 40);
                    n += 1;
                }
            }
        }
        // Per kind: distinct orientations × the columns it fits in × 20 rows, less the
        // rows where it would stick out above the top.
        assert!(n > 2000, "{n}");
        assert!(
            tuck_target(PieceKind::T, 840).is_none() && tuck_target(PieceKind::T, 39).is_none()
        );
    }
}
