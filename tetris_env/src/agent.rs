//! The built-in heuristic placement agent: it scores every legal placement of the falling
//! piece by a weighted sum of board features ([`crate::features`]) after it, looking one
//! piece ahead: for each placement it plans the next piece (the preview) on the board that
//! placement leaves, from the state the game will give it (spawn, fresh counters, the
//! level after the placement's lines), and takes the best of those. A placement after which
//! the next piece has no legal placement scores as a loss.
//!
//! The weights are data ([`Weights`], serde); [`Weights::default`] is what the CLI's
//! `-m agent` plays with (tuned for survival at killscreen speed with 30 Hz tapping; see
//! `docs/agents.md` for how and the results).
//!
//! With a model that searches tucks and spins ([`InputModel::tucks`]) in the
//! [`ActionSpace::PlacementTucks`] space, the agent weighs every reachable lock position,
//! the tucked and spun ones too, for both pieces.

use crate::features::{BoardFeatures, LastPlacement};
use crate::placement::{self, ActionMask, PLACEMENT_ACTIONS};
use crate::planner::{InputModel, Placement, Plan, PlanState, Planner};
use crate::ram::PieceKind;
use crate::rules::{self, Board, Falling};
use crate::ActionSpace;
use crate::{Result, TetrisEnv};
use serde::{Deserialize, Serialize};

/// Weights of the evaluation: the value of a board after a placement is the sum of each
/// feature times its weight (negative weights for what is bad), plus the placement terms.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Weights {
    pub holes: f64,
    pub rows_with_holes: f64,
    pub bumpiness: f64,
    pub aggregate_height: f64,
    pub max_height: f64,
    pub row_transitions: f64,
    pub column_transitions: f64,
    pub cumulative_wells: f64,
    /// Per placement: the mean height of its cells.
    pub landing_height: f64,
    /// Per placement: rows cleared × its cells in them.
    pub eroded_cells: f64,
    /// Per placement, by rows cleared (0–4).
    pub lines: [f64; 5],
    /// Height above which each further row of the highest column costs `danger` (a
    /// piecewise-linear penalty: tall stacks block the paths to the sides at high speed).
    pub danger_height: f64,
    pub danger: f64,
}

impl Default for Weights {
    fn default() -> Weights {
        Weights {
            holes: -7.9,
            rows_with_holes: -4.0,
            bumpiness: -0.8,
            aggregate_height: -0.3,
            max_height: -0.5,
            row_transitions: -3.2,
            column_transitions: -9.3,
            cumulative_wells: -3.4,
            landing_height: -4.5,
            eroded_cells: 3.4,
            lines: [0.0, 2.0, 4.0, 6.0, 10.0],
            danger_height: 10.0,
            danger: -30.0,
        }
    }
}

impl Weights {
    /// The value of a board.
    #[must_use]
    pub fn board_value(&self, f: &BoardFeatures) -> f64 {
        let over = (f64::from(f.max_height) - self.danger_height).max(0.0);
        self.holes * f64::from(f.holes)
            + self.rows_with_holes * f64::from(f.rows_with_holes)
            + self.bumpiness * f64::from(f.bumpiness)
            + self.aggregate_height * f64::from(f.aggregate_height)
            + self.max_height * f64::from(f.max_height)
            + self.row_transitions * f64::from(f.row_transitions)
            + self.column_transitions * f64::from(f.column_transitions)
            + self.cumulative_wells * f64::from(f.cumulative_wells)
            + self.danger * over
    }

    /// The value of a placement itself.
    #[must_use]
    pub fn placement_value(&self, p: &LastPlacement) -> f64 {
        self.landing_height * f64::from(p.landing_height)
            + self.eroded_cells * f64::from(p.eroded_cells)
            + self.lines.get(p.lines as usize).copied().unwrap_or(0.0)
    }
}

/// The value of a placement that loses the game.
const LOSS: f64 = -1e12;

/// The heuristic agent. Reuses its buffers from decision to decision.
#[derive(Clone, Debug)]
pub struct HeuristicAgent {
    weights: Weights,
    planner: Planner,
    lookahead: bool,
}

/// A decision and its value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Choice {
    /// The placement action.
    pub action: u32,
    pub value: f64,
}

impl HeuristicAgent {
    /// An agent with `weights`, planning the next piece under `model` (use the env's).
    pub fn new(weights: Weights, model: InputModel) -> Result<HeuristicAgent> {
        Ok(HeuristicAgent {
            weights,
            planner: Planner::new(model)?,
            lookahead: true,
        })
    }

    /// Turns the next-piece lookahead off (or on): without it, a placement is scored on
    /// the board it leaves.
    #[must_use]
    pub fn with_lookahead(mut self, on: bool) -> HeuristicAgent {
        self.lookahead = on;
        self
    }

    #[must_use]
    pub fn weights(&self) -> &Weights {
        &self.weights
    }

    /// The action for the env's falling piece (placement space): `None` when the episode
    /// has ended (or never started), no placement is legal, or the env is not a placement
    /// env.
    pub fn act(&mut self, env: &TetrisEnv) -> Option<u32> {
        if env.is_done() || env.action_mask().count() == 0 {
            return None;
        }
        self.act_in(env, None)
    }

    /// The best action for the env's falling piece among the `allowed` ones (e.g. the
    /// env's mask without placements found to crash the game), `None` if none is legal.
    pub fn act_among(&mut self, env: &TetrisEnv, allowed: &ActionMask) -> Option<u32> {
        self.act_in(env, Some(allowed))
    }

    /// [`HeuristicAgent::act`] among `allowed` (all if `None`).
    fn act_in(&mut self, env: &TetrisEnv, allowed: Option<&ActionMask>) -> Option<u32> {
        let plan = env.plan()?;
        let state = env.state();
        let next = state.next_piece().map(|o| o.kind());
        let lines = state.lines().unwrap_or(0);
        let tucks =
            self.planner.model().tucks && env.spec().action_space == ActionSpace::PlacementTucks;
        self.choose_in(plan, next, lines, tucks, allowed)
            .map(|c| c.action)
    }

    /// The best legal action of `plan` given the next piece and the lines so far (for the
    /// level-ups the lookahead predicts): an action of the tuck space
    /// ([`ActionSpace::PlacementTucks`]) if the agent's model searches tucks, else of the
    /// 40-action space.
    pub fn choose(&mut self, plan: &Plan, next: Option<PieceKind>, lines: u32) -> Option<Choice> {
        let tucks = self.planner.model().tucks;
        self.choose_in(plan, next, lines, tucks, None)
    }

    /// [`HeuristicAgent::choose`] among the `allowed` actions only (of the 40-action space,
    /// or of the tuck space if the agent's model searches tucks).
    pub fn choose_among(
        &mut self,
        plan: &Plan,
        next: Option<PieceKind>,
        lines: u32,
        allowed: &ActionMask,
    ) -> Option<Choice> {
        let tucks = self.planner.model().tucks;
        self.choose_in(plan, next, lines, tucks, Some(allowed))
    }

    /// [`HeuristicAgent::choose`], with tuck actions or without, among `allowed` (all if
    /// `None`).
    fn choose_in(
        &mut self,
        plan: &Plan,
        next: Option<PieceKind>,
        lines: u32,
        tucks: bool,
        allowed: Option<&ActionMask>,
    ) -> Option<Choice> {
        let state = *plan.state()?;
        let mut best: Option<Choice> = None;
        for (action, p) in candidates(plan, tucks) {
            if allowed.is_some_and(|m| !m.get(action)) {
                continue;
            }
            let first = LastPlacement::measure(&state.board, p.lock);
            let mut board = state.board;
            board.lock(p.lock);
            let mut value = self.weights.placement_value(&first);
            value += match next.filter(|_| self.lookahead) {
                Some(kind) => self.best_next(&state, &board, kind, lines, first.lines, tucks),
                None => self.weights.board_value(&BoardFeatures::of(&board)),
            };
            if best.is_none_or(|b| value > b.value) {
                best = Some(Choice { action, value });
            }
        }
        best
    }

    /// The best value of the next piece's placements on `board`.
    fn best_next(
        &mut self,
        now: &PlanState,
        board: &Board,
        kind: PieceKind,
        lines: u32,
        cleared: u32,
        tucks: bool,
    ) -> f64 {
        let mut level = now.level;
        for l in lines + 1..=lines + cleared {
            if rules::level_goes_up(level, l) {
                level = level.wrapping_add(1);
            }
        }
        let falling = Falling::spawn(kind, now.falling.das);
        if !board.fits_at(falling.pos) {
            return LOSS;
        }
        let next = PlanState {
            board: *board,
            falling,
            level,
            held: 0,
            latched: now.latched.map(|_| (0, 0)),
        };
        let plan = self.planner.plan_from(&next);
        let mut best = LOSS;
        for (_, p) in candidates(plan, tucks) {
            let second = LastPlacement::measure(board, p.lock);
            let mut after = *board;
            after.lock(p.lock);
            let v = self.weights.placement_value(&second)
                + self.weights.board_value(&BoardFeatures::of(&after));
            best = best.max(v);
        }
        best
    }
}

/// The legal actions of a plan with their placements: the 40 straight drops in action
/// order, then (with `tucks`) the other reachable lock positions with their tuck actions.
fn candidates(plan: &Plan, tucks: bool) -> impl Iterator<Item = (u32, &Placement)> + '_ {
    let straight = (0..PLACEMENT_ACTIONS)
        .filter_map(move |a| placement::placement_for(plan, a).map(|p| (a, p)));
    let tucked = plan
        .placements()
        .iter()
        .filter(move |p| tucks && placement::action_of(plan, p).is_none())
        .filter_map(|p| placement::tuck_action(p.lock).map(|a| (a, p)));
    straight.chain(tucked)
}
