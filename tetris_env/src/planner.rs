//! The placement planner: from the live game state (board, falling piece, its counters,
//! the buttons the game last read, the level), every position where the piece can lock
//! under an input model, each with the frame-by-frame button schedule that gets it there.
//!
//! The input model is data ([`InputModel`]): how fast a player taps (30 Hz by default: a
//! press every other frame; 20, 15, 12 and 10 Hz), or whether sideways moves are made by
//! holding the direction (DAS: 16 frames, then every 6). A placement's inputs are a
//! [`Route`]: rotation presses (none, A, B, A A or B B: A turns clockwise, B
//! counter-clockwise) and sideways presses (0–9, left or right), all from the first frame
//! on, on the model's tap grid, as early as they can come; then the piece drops straight,
//! under gravity, or soft-dropped with Down held (the default). Every route of the model
//! is simulated frame by frame with the game's own rules ([`crate::rules::Falling::tick`]),
//! so a route's lock position is where the ROM locks the piece: tests play every route in
//! the emulator and compare.
//!
//! 95 routes for T, J and L (5 rotation choices × 19 shifts), 38 for I, S and Z, 19 for O,
//! a few frames each: microseconds a piece (see `docs/benchmarks.md`).
//!
//! With [`InputModel::tucks`] the planner also searches tucks and spins: moves made late,
//! after the piece has fallen, to slide or turn it under an overhang. That search is a
//! breadth-first search of the piece's states frame by frame, under the same rules: on
//! every frame of the tap grid (frames 0, p, 2p, … for a tap period p) the player presses
//! any of Left / Right / neither together with any of A / B / neither, and releases on the
//! frames between; after the last press comes the drop (Down held with `soft_drop`). All
//! states alive at one frame share the row, the fall timer and the soft-drop counter
//! (nothing but Down changes them, and Down is only held in the final drop), so a frame's
//! states are at most the piece's orientations × columns, and each lock position keeps the
//! route of the first frame it was reached from: a list of [`Press`]es.

use crate::actions::button;
use crate::ram::{self, Orientation, PieceKind};
use crate::rules::{self, Board, Falling, PiecePosition, Tick};
use crate::spec::FrameTiming;
use crate::{EnvError, Result};
use serde::{Deserialize, Serialize};

/// How sideways moves are made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShiftMode {
    /// One press per column, at the tap rate.
    #[default]
    Tap,
    /// Hold the direction: the first shift at once, then one 16 frames later, then every 6
    /// (the game's DAS).
    Das,
}

/// The player the planner plans for. (Serde: missing fields take the defaults.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct InputModel {
    /// Frames from one press of a button to its next press: 2 (30 Hz, the default), 3 (20
    /// Hz), 4 (15 Hz), 5 (12 Hz) or 6 (10 Hz). A press lasts one frame (the game counts a
    /// press only on the frame a button goes down). Rotations use it in both shift modes.
    pub tap_period: u8,
    pub shift: ShiftMode,
    /// After the last rotation or shift, hold Down (soft drop, a row every 2 frames on top of
    /// gravity) until the piece locks; otherwise let gravity alone bring it down. Either
    /// way the piece drops straight, to the same place; soft drop is faster at low levels
    /// and scores the game's soft-drop points.
    pub soft_drop: bool,
    /// Also search tucks and spins: presses at any frame of the tap grid while the piece
    /// falls, not only the first ones (see the module docs). Off by default; with it the
    /// plan has every lock position the search reaches, the straight routes' too.
    pub tucks: bool,
}

impl Default for InputModel {
    fn default() -> InputModel {
        InputModel {
            tap_period: 2,
            shift: ShiftMode::Tap,
            soft_drop: true,
            tucks: false,
        }
    }
}

/// The tap rates a model can have, in Hz, with their periods in frames.
pub const TAP_RATES: [(u32, u8); 5] = [(30, 2), (20, 3), (15, 4), (12, 5), (10, 6)];

impl InputModel {
    /// Tapping at `hz` presses a second: 30, 20, 15, 12 or 10 (the NES runs ~60 frames a
    /// second; these are the whole divisions of 60 from a press every other frame).
    pub fn tap_hz(hz: u32) -> Result<InputModel> {
        let period = TAP_RATES
            .iter()
            .find(|&&(h, _)| h == hz)
            .map(|&(_, p)| p)
            .ok_or_else(|| EnvError::InvalidOption {
                name: "tap rate",
                value: format!("{hz} Hz"),
                expected: "30, 20, 15, 12 or 10 Hz",
            })?;
        Ok(InputModel {
            tap_period: period,
            ..InputModel::default()
        })
    }

    /// Sideways moves by DAS (hold), rotations tapped at 30 Hz.
    #[must_use]
    pub fn das() -> InputModel {
        InputModel {
            shift: ShiftMode::Das,
            ..InputModel::default()
        }
    }

    /// The same model with tucks and spins searched (or not).
    #[must_use]
    pub fn with_tucks(self, tucks: bool) -> InputModel {
        InputModel { tucks, ..self }
    }

    /// Checks the tap period (2–6 frames).
    pub fn validate(&self) -> Result<()> {
        if !(2..=6).contains(&self.tap_period) {
            return Err(EnvError::InvalidOption {
                name: "tap_period",
                value: self.tap_period.to_string(),
                expected: "2 to 6 frames (30 to 10 Hz)",
            });
        }
        Ok(())
    }

    /// The frame of the `j`-th sideways shift (from 0) of a route.
    fn shift_frame(&self, j: u32) -> u32 {
        match self.shift {
            ShiftMode::Tap => j * u32::from(self.tap_period),
            ShiftMode::Das => {
                if j == 0 {
                    0
                } else {
                    u32::from(rules::DAS_CHARGED) + u32::from(rules::DAS_REPEAT) * (j - 1)
                }
            }
        }
    }
}

/// The rotation presses of a route.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rotation {
    #[default]
    None,
    /// A once: clockwise.
    A,
    /// B once: counter-clockwise.
    B,
    /// A twice (on the first two taps).
    AA,
    /// B twice.
    BB,
}

impl Rotation {
    /// The button pressed and how many times.
    fn presses(self) -> (u8, u32) {
        match self {
            Rotation::None => (0, 0),
            Rotation::A => (button::A, 1),
            Rotation::B => (button::B, 1),
            Rotation::AA => (button::A, 2),
            Rotation::BB => (button::B, 2),
        }
    }

    /// The rotation presses worth trying for a kind: every way to each orientation (two for
    /// the half turn), one for the two-orientation pieces, none for O.
    fn for_kind(kind: PieceKind) -> &'static [Rotation] {
        match kind {
            PieceKind::O => &[Rotation::None],
            PieceKind::I | PieceKind::S | PieceKind::Z => &[Rotation::None, Rotation::A],
            _ => &[
                Rotation::None,
                Rotation::A,
                Rotation::B,
                Rotation::AA,
                Rotation::BB,
            ],
        }
    }
}

/// One press of a tuck-and-spin route: `buttons` (nes-py order) on frame `frame` after the
/// decision point, released on the next frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Press {
    pub frame: u16,
    pub buttons: u8,
}

/// The most presses a route can hold.
pub const MAX_PRESSES: usize = 32;

/// A short list of presses, in frame order (plain data: `Copy`; serde: a list).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Presses {
    len: u8,
    at: [Press; MAX_PRESSES],
}

impl Default for Presses {
    fn default() -> Presses {
        Presses {
            len: 0,
            at: [Press::default(); MAX_PRESSES],
        }
    }
}

impl std::fmt::Debug for Presses {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

impl Presses {
    /// The presses of `list` (`None` if there are more than [`MAX_PRESSES`] or they are not
    /// in increasing frame order).
    #[must_use]
    pub fn new(list: &[Press]) -> Option<Presses> {
        if list.len() > MAX_PRESSES || list.windows(2).any(|w| w[0].frame >= w[1].frame) {
            return None;
        }
        let mut p = Presses::default();
        p.at[..list.len()].copy_from_slice(list);
        p.len = list.len() as u8;
        Some(p)
    }

    #[must_use]
    pub fn as_slice(&self) -> &[Press] {
        &self.at[..usize::from(self.len)]
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The buttons pressed on `frame`.
    fn at_frame(&self, frame: u32) -> u8 {
        self.as_slice()
            .iter()
            .find(|p| u32::from(p.frame) == frame)
            .map_or(0, |p| p.buttons)
    }
}

impl Serialize for Presses {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.as_slice().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Presses {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Presses, D::Error> {
        let list = Vec::<Press>::deserialize(d)?;
        Presses::new(&list).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "at most {MAX_PRESSES} presses, in increasing frame order"
            ))
        })
    }
}

/// A placement's inputs, from the first frame after the decision point: rotation presses
/// on the first taps, `shift` sideways moves (positive right, negative left) from the first
/// frame on, any further `presses` (the routes of tucks and spins have only these), then
/// the straight drop (Down held with `soft_drop`). The frame-by-frame buttons are
/// [`Route::buttons`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Route {
    pub rotation: Rotation,
    pub shift: i8,
    #[serde(default)]
    pub presses: Presses,
}

impl Route {
    /// A route.
    #[must_use]
    pub fn new(rotation: Rotation, shift: i8) -> Route {
        Route {
            rotation,
            shift,
            presses: Presses::default(),
        }
    }

    /// A route of presses only (a tuck or spin route).
    #[must_use]
    pub fn of_presses(presses: Presses) -> Route {
        Route {
            presses,
            ..Route::default()
        }
    }

    /// The last frame with a rotation or sideways press (or hold), if any.
    #[must_use]
    pub fn last_input_frame(&self, model: &InputModel) -> Option<u32> {
        let (_, rotations) = self.rotation.presses();
        let rot = rotations
            .checked_sub(1)
            .map(|j| j * u32::from(model.tap_period));
        let shifts = u32::from(self.shift.unsigned_abs());
        let shift = shifts.checked_sub(1).map(|j| model.shift_frame(j));
        let late = self.presses.as_slice().last().map(|p| u32::from(p.frame));
        rot.max(shift).max(late)
    }

    /// The buttons (nes-py order) to hold on frame `frame` of the route (frame 0 is the
    /// first frame after the decision point). After [`Route::last_input_frame`] it is the
    /// drop: Down with soft drop, nothing without.
    #[must_use]
    pub fn buttons(&self, model: &InputModel, frame: u32) -> u8 {
        let period = u32::from(model.tap_period);
        match self.last_input_frame(model) {
            Some(last) if frame <= last => {}
            _ => return if model.soft_drop { button::DOWN } else { 0 },
        }
        let mut b = 0;
        let (rot_button, rotations) = self.rotation.presses();
        if frame % period == 0 && frame / period < rotations {
            b |= rot_button;
        }
        let shifts = u32::from(self.shift.unsigned_abs());
        if shifts > 0 {
            let dir = if self.shift > 0 {
                button::RIGHT
            } else {
                button::LEFT
            };
            let pressed = match model.shift {
                ShiftMode::Tap => frame % period == 0 && frame / period < shifts,
                ShiftMode::Das => frame <= model.shift_frame(shifts - 1),
            };
            if pressed {
                b |= dir;
            }
        }
        b | self.presses.at_frame(frame)
    }

    /// The schedule as a list: the buttons of every frame up to the last press, then what
    /// to hold until the piece locks.
    #[must_use]
    pub fn schedule(&self, model: &InputModel) -> Schedule {
        let frames = self.last_input_frame(model).map_or(0, |last| last + 1);
        Schedule {
            frames: (0..frames).map(|f| self.buttons(model, f)).collect(),
            then: self.buttons(model, frames),
        }
    }
}

/// A frame-by-frame button schedule (nes-py order): `frames[i]` on frame `i` after the
/// decision point, then `then` held until the piece locks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    pub frames: Vec<u8>,
    pub then: u8,
}

/// The state the planner starts from: a decision point, between two frames, with a piece
/// in play.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlanState {
    pub board: Board,
    pub falling: Falling,
    pub level: u8,
    /// Buttons held at the game's last pad read (nes-py order): a button of the next
    /// schedule frame is newly pressed only if it is not among these.
    pub held: u8,
    /// With [`FrameTiming::AfterNmi`] the game has already read the pad for the next frame
    /// (newly pressed, held): that frame runs with these, and the schedule's frame 0 is
    /// read for the frame after. `None` with [`FrameTiming::Vblank`].
    pub latched: Option<(u8, u8)>,
}

impl PlanState {
    /// The state in the console's RAM at a step boundary of `timing`, if a piece is in play.
    #[must_use]
    pub fn from_ram(ram_bytes: &[u8; 0x800], timing: FrameTiming) -> Option<PlanState> {
        let falling = Falling::from_ram(ram_bytes)?;
        let newly = rules::from_game_buttons(ram_bytes[NEWLY_PRESSED_P1]);
        let held = rules::from_game_buttons(ram_bytes[HELD_P1]);
        Some(PlanState {
            board: Board::from_ram(ram_bytes),
            falling,
            level: ram_bytes[ram::LEVEL],
            held,
            latched: (timing == FrameTiming::AfterNmi).then_some((newly, held)),
        })
    }

    /// The piece's kind.
    #[must_use]
    pub fn kind(&self) -> PieceKind {
        self.falling.pos.orientation.kind()
    }
}

/// The player-1 pad bytes the NMI writes (game bit order).
const NEWLY_PRESSED_P1: usize = 0xF5;
const HELD_P1: usize = 0xF7;

/// One reachable lock position and a route to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placement {
    /// Where the piece locks.
    pub lock: PiecePosition,
    pub route: Route,
    /// Rows the lock clears.
    pub lines: u32,
}

/// Rotation × row × column: an index for a piece's lock positions.
const SLOTS: usize = 4 * rules::ROWS * rules::COLS;

fn slot(pos: PiecePosition) -> Option<usize> {
    let (r, x, y) = (
        usize::from(pos.orientation.rotation()),
        usize::from(pos.x),
        usize::from(pos.y),
    );
    (x < rules::COLS && y < rules::ROWS)
        .then_some(r * rules::ROWS * rules::COLS + y * rules::COLS + x)
}

/// Everything reachable from one state.
#[derive(Clone, Debug)]
pub struct Plan {
    state: Option<PlanState>,
    placements: Vec<Placement>,
    /// Slot → index in `placements` + 1 (0: not reachable).
    index: Box<[u16; SLOTS]>,
}

impl Default for Plan {
    fn default() -> Plan {
        Plan {
            state: None,
            placements: Vec::with_capacity(64),
            index: Box::new([0; SLOTS]),
        }
    }
}

impl Plan {
    /// The state planned from (`None` before the first plan).
    #[must_use]
    pub fn state(&self) -> Option<&PlanState> {
        self.state.as_ref()
    }

    /// Every reachable lock position, once each, with the first route found (fewest
    /// presses first).
    #[must_use]
    pub fn placements(&self) -> &[Placement] {
        &self.placements
    }

    /// The placement that locks at `lock`, if reachable.
    #[must_use]
    pub fn get(&self, lock: PiecePosition) -> Option<&Placement> {
        let i = *self.index.get(slot(lock)?)?;
        self.placements.get(usize::from(i).checked_sub(1)?)
    }

    /// Where a straight drop of the piece in `orientation` with its leftmost cell in
    /// `column` lands, if that is reachable.
    #[must_use]
    pub fn straight_drop(&self, orientation: Orientation, column: u8) -> Option<&Placement> {
        let state = self.state.as_ref()?;
        let x = column as i8 - rules::shape(orientation).min_dx;
        let lock = state.board.straight_drop(orientation, x)?;
        self.get(lock)
    }

    /// Whether `lock` is in the plan.
    fn contains(&self, lock: PiecePosition) -> bool {
        slot(lock).is_some_and(|s| self.index[s] != 0)
    }

    fn clear(&mut self) {
        for p in &self.placements {
            if let Some(s) = slot(p.lock) {
                self.index[s] = 0;
            }
        }
        self.placements.clear();
    }

    fn add(&mut self, lock: PiecePosition, route: Route) {
        let Some(s) = slot(lock) else { return };
        if self.index[s] != 0 {
            return;
        }
        let lines = self.state.as_ref().map_or(0, |st| {
            let mut b = st.board;
            b.lock(lock)
        });
        self.placements.push(Placement { lock, route, lines });
        self.index[s] = self.placements.len() as u16;
    }
}

/// Plans placements under an input model; reuses its buffers from piece to piece.
#[derive(Clone, Debug, Default)]
pub struct Planner {
    model: InputModel,
    plan: Plan,
    tucks: TuckSearch,
}

impl Planner {
    /// A planner for `model` (see [`InputModel::validate`]).
    pub fn new(model: InputModel) -> Result<Planner> {
        model.validate()?;
        Ok(Planner {
            model,
            plan: Plan::default(),
            tucks: TuckSearch::default(),
        })
    }

    #[must_use]
    pub fn model(&self) -> &InputModel {
        &self.model
    }

    /// The last plan.
    #[must_use]
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Finds every lock position reachable from `state` under the model.
    pub fn plan_from(&mut self, state: &PlanState) -> &Plan {
        self.plan.clear();
        self.plan.state = Some(*state);
        let drops = Drops::new(&state.board);
        let kind = state.kind();
        for &rotation in Rotation::for_kind(kind) {
            // Every route of this rotation: [0] no shift, [k] k to the right, [9 + k] k
            // to the left.
            let mut locks = [None; 1 + 2 * MAX_SHIFTS as usize];
            locks[0] = Some(simulate_with(
                state,
                &self.model,
                Route::new(rotation, 0),
                &drops,
            ));
            for dir in [1i8, -1] {
                let at = if dir > 0 { 1 } else { 1 + MAX_SHIFTS as usize };
                shifted_locks(
                    state,
                    &self.model,
                    rotation,
                    dir,
                    &drops,
                    &mut locks[at..at + MAX_SHIFTS as usize],
                );
            }
            // Fewest presses first: a lock position keeps the first route found.
            self.plan.add(
                locks[0].unwrap_or(state.falling.pos),
                Route::new(rotation, 0),
            );
            for k in 1..=MAX_SHIFTS {
                for (shift, i) in [(k, k as usize), (-k, (MAX_SHIFTS + k) as usize)] {
                    if let Some(lock) = locks[i] {
                        self.plan.add(lock, Route::new(rotation, shift));
                    }
                }
            }
        }
        if self.model.tucks {
            self.tucks
                .search(state, &self.model, &drops, &mut self.plan);
        }
        &self.plan
    }
}

/// A state of the tuck search: the piece after a frame, and how it got there.
#[derive(Clone, Copy, Debug)]
struct Node {
    f: Falling,
    /// The node it came from (`NO_PARENT` for the start).
    parent: u32,
    /// The frame whose tick made it, and the buttons held on that frame (for the start:
    /// the buttons the game read last).
    frame: u32,
    buttons: u8,
    /// The next frame runs no tick ([`rules::skips_next_frame`]).
    skip: bool,
}

const NO_PARENT: u32 = u32::MAX;

/// What a press on the tap grid may hold: a direction, a rotation button, or one of each.
const PRESS_CHOICES: [u8; 8] = [
    button::LEFT,
    button::RIGHT,
    button::A,
    button::B,
    button::LEFT | button::A,
    button::LEFT | button::B,
    button::RIGHT | button::A,
    button::RIGHT | button::B,
];

/// A state's (rotation, x), for the record of the presses tried in a row.
fn pressed_key(f: &Falling) -> usize {
    usize::from(f.pos.orientation.rotation()) * rules::COLS + usize::from(f.pos.x)
}

/// The tuck-and-spin search's buffers (see the module docs).
#[derive(Clone, Debug, Default)]
struct TuckSearch {
    /// Every state reached, frame after frame.
    nodes: Vec<Node>,
    /// Per lock slot: the frame (+ 1) that last reached it, and its node.
    seen: Vec<(u32, u32)>,
    presses: Vec<Press>,
}

impl TuckSearch {
    /// Adds to `plan` every lock position reachable by presses on the tap grid.
    fn search(&mut self, state: &PlanState, model: &InputModel, drops: &Drops, plan: &mut Plan) {
        let (board, level) = (&state.board, state.level);
        self.nodes.clear();
        self.seen.clear();
        self.seen.resize(SLOTS, (0, 0));
        let mut f = state.falling;
        let mut prev = state.held;
        let mut skip = false;
        if let Some((newly, held)) = state.latched {
            if f.tick(board, level, newly, held) == Tick::Locked {
                return;
            }
            skip = rules::skips_next_frame(held);
            prev = held;
        }
        self.nodes.push(Node {
            f,
            parent: NO_PARENT,
            frame: 0,
            buttons: prev,
            skip,
        });
        let period = u32::from(model.tap_period);
        let (mut start, mut end) = (0usize, 1usize);
        let mut frame = 0u32;
        // The (rotation, x) whose presses were tried at a grid frame since the row last
        // changed: pressing again from there, before the piece drops, reaches nothing new
        // (each result is still there, and falls as the pressed piece would).
        let mut pressed = [false; 4 * rules::COLS];
        let mut pressed_row = None;
        while start < end {
            let stamp = frame + 1;
            let row = self.nodes[start].f.pos.y;
            if pressed_row != Some(row) {
                pressed = [false; 4 * rules::COLS];
                pressed_row = Some(row);
            }
            let grid = frame % period == 0;
            if frame > 0 && self.idle_frame(start..end, grid, &pressed, board, level) {
                frame += 1;
                continue;
            }
            // Nothing pressed first, so a state that only falls keeps its route; then the
            // presses, on the frames of the tap grid.
            let passes = if grid { 2 } else { 1 };
            for pass in 0..passes {
                let choices: &[u8] = if pass == 0 { &[0] } else { &PRESS_CHOICES };
                for i in start..end {
                    let node = self.nodes[i];
                    if pass == 1 {
                        // Frame 0 does not count: its presses may differ (buttons held
                        // from before, a skipped tick).
                        let k = pressed_key(&node.f);
                        if frame > 0 {
                            if pressed[k] {
                                continue;
                            }
                            pressed[k] = true;
                        }
                    }
                    for &b in choices {
                        let mut g = node.f;
                        let skip = if node.skip {
                            false
                        } else {
                            if g.tick(board, level, b & !node.buttons, b) == Tick::Locked {
                                if !plan.contains(g.pos) {
                                    self.add(plan, g.pos, i as u32, (frame, b));
                                }
                                continue;
                            }
                            rules::skips_next_frame(b)
                        };
                        let Some(s) = slot(g.pos) else { continue };
                        let (seen_at, other) = self.seen[s];
                        if seen_at == stamp {
                            // All states of a frame share the row and the counters.
                            debug_assert_eq!((g.fall_timer, g.drop_repeat), {
                                let o = self.nodes[other as usize].f;
                                (o.fall_timer, o.drop_repeat)
                            });
                            continue;
                        }
                        let id = self.nodes.len() as u32;
                        self.seen[s] = (stamp, id);
                        self.nodes.push(Node {
                            f: g,
                            parent: i as u32,
                            frame,
                            buttons: b,
                            skip,
                        });
                        // Stop pressing here: the piece drops straight.
                        let lock = drops.drop(g.pos);
                        if !plan.contains(lock) {
                            self.add(plan, lock, id, (frame, 0));
                        }
                    }
                }
            }
            (start, end) = (end, self.nodes.len());
            frame += 1;
        }
    }

    /// Plays a frame on which nothing can happen but the counters going on, if this one is
    /// one: the states `range` came by falling (no press to remember), no press is worth
    /// trying (off the grid, or tried in this row already), and the piece does not move
    /// down (all states share the counters, so one tells). Then the states are updated in
    /// place, and true.
    fn idle_frame(
        &mut self,
        range: std::ops::Range<usize>,
        grid: bool,
        pressed: &[bool; 4 * rules::COLS],
        board: &Board,
        level: u8,
    ) -> bool {
        let nodes = &mut self.nodes[range];
        if nodes
            .iter()
            .any(|n| n.buttons != 0 || n.skip || (grid && !pressed[pressed_key(&n.f)]))
        {
            return false;
        }
        let Some(first) = nodes.first() else {
            return false;
        };
        let mut probe = first.f;
        if probe.tick(board, level, 0, 0) == Tick::Locked || probe.pos != first.f.pos {
            return false;
        }
        for n in nodes {
            n.f = Falling {
                pos: n.f.pos,
                das: n.f.das,
                ..probe
            };
        }
        true
    }

    /// Adds `lock` to the plan with the presses that reach node `id`, then `last`'s.
    fn add(&mut self, plan: &mut Plan, lock: PiecePosition, id: u32, last: (u32, u8)) {
        self.presses.clear();
        if last.1 != 0 {
            self.presses.push(Press {
                frame: last.0 as u16,
                buttons: last.1,
            });
        }
        let mut at = id;
        while let Some(n) = self.nodes.get(at as usize) {
            if n.parent == NO_PARENT {
                break;
            }
            if n.buttons != 0 {
                self.presses.push(Press {
                    frame: n.frame as u16,
                    buttons: n.buttons,
                });
            }
            at = n.parent;
        }
        self.presses.reverse();
        if let Some(p) = Presses::new(&self.presses) {
            plan.add(lock, Route::of_presses(p));
        }
    }
}

/// Straight drops on one board in O(1): for every column, its filled rows as bits (row r
/// at bit r + 2, the floor at bit 22).
struct Drops {
    columns: [u32; rules::COLS],
}

impl Drops {
    fn new(board: &Board) -> Drops {
        let mut columns = [1u32 << (rules::ROWS + rules::HIDDEN_ROWS); rules::COLS];
        for r in -(rules::HIDDEN_ROWS as i32)..rules::ROWS as i32 {
            let row = board.row(r);
            for (c, col) in columns.iter_mut().enumerate() {
                *col |= u32::from(row >> c & 1) << (r + rules::HIDDEN_ROWS as i32);
            }
        }
        Drops { columns }
    }

    /// Where a piece at a valid position ends if it only falls (as [`Board::drop_row`]):
    /// each cell can fall as far as the empty rows under it in its column.
    fn drop(&self, pos: PiecePosition) -> PiecePosition {
        let mut fall = u32::MAX;
        for (r, c) in pos.cells() {
            let below = self.columns[c as usize] >> (i32::from(r) + rules::HIDDEN_ROWS as i32 + 1);
            fall = fall.min(below.trailing_zeros());
        }
        PiecePosition {
            y: pos.y + fall as u8,
            ..pos
        }
    }
}

/// The locks of the routes `rotation` with 1..=9 shifts towards `dir`, from one simulation
/// of the longest route: a route that stops shifting after `k` presses is the same as the
/// longer ones up to its last press, and from there (its rotation presses done) the piece
/// only falls, straight down. `out[k - 1]` gets the lock of `k` shifts.
fn shifted_locks(
    state: &PlanState,
    model: &InputModel,
    rotation: Rotation,
    dir: i8,
    drops: &Drops,
    out: &mut [Option<PiecePosition>],
) {
    let longest = Route::new(rotation, dir * MAX_SHIFTS);
    let rotation_done = Route::new(rotation, 0).last_input_frame(model);
    let mut f = state.falling;
    let board = &state.board;
    let mut prev = state.held;
    let mut skip = false;
    if let Some((newly, held)) = state.latched {
        if f.tick(board, state.level, newly, held) == Tick::Locked {
            out.fill(Some(f.pos));
            return;
        }
        skip = rules::skips_next_frame(held);
        prev = held;
    }
    let mut k = 0usize;
    let last = longest.last_input_frame(model).unwrap_or(0);
    for frame in 0..=last {
        let b = longest.buttons(model, frame);
        if skip {
            skip = false;
        } else {
            if f.tick(board, state.level, b & !prev, b) == Tick::Locked {
                out[k..].fill(Some(f.pos));
                return;
            }
            skip = rules::skips_next_frame(b);
        }
        prev = b;
        // The k-th shift press (or hold, for DAS) ends on this frame: the route of k shifts
        // stops here.
        if k < out.len() && frame == model.shift_frame(k as u32) {
            out[k] = Some(if rotation_done.is_some_and(|r| r > frame) {
                // Its rotation presses are not over: play them out from here.
                let route = Route::new(rotation, dir * (k as i8 + 1));
                continue_route(state, model, route, f, prev, skip, frame + 1, drops)
            } else {
                drops.drop(f.pos)
            });
            k += 1;
        }
    }
}

/// Plays the rest of `route` from frame `from` on, the piece being `f`; returns the lock.
#[allow(clippy::too_many_arguments)]
fn continue_route(
    state: &PlanState,
    model: &InputModel,
    route: Route,
    mut f: Falling,
    mut prev: u8,
    mut skip: bool,
    from: u32,
    drops: &Drops,
) -> PiecePosition {
    if let Some(last) = route.last_input_frame(model) {
        for frame in from..=last {
            let b = route.buttons(model, frame);
            if skip {
                skip = false;
            } else {
                if f.tick(&state.board, state.level, b & !prev, b) == Tick::Locked {
                    return f.pos;
                }
                skip = rules::skips_next_frame(b);
            }
            prev = b;
        }
    }
    drops.drop(f.pos)
}

fn simulate_with(
    state: &PlanState,
    model: &InputModel,
    route: Route,
    drops: &Drops,
) -> PiecePosition {
    let mut f = state.falling;
    let mut prev = state.held;
    let mut skip = false;
    if let Some((newly, held)) = state.latched {
        if f.tick(&state.board, state.level, newly, held) == Tick::Locked {
            return f.pos;
        }
        skip = rules::skips_next_frame(held);
        prev = held;
    }
    continue_route(state, model, route, f, prev, skip, 0, drops)
}

/// Sideways presses tried each way: enough to cross the playfield. (Taps that a block
/// stops are wasted, so a route may need more taps than the columns it crosses.)
const MAX_SHIFTS: i8 = 9;

/// Plays `route` from `state` with the game's rules; returns where the piece locks.
#[must_use]
pub fn simulate(state: &PlanState, model: &InputModel, route: Route) -> PiecePosition {
    let mut f = state.falling;
    let board = &state.board;
    let mut prev = state.held;
    // A tick that read Right + Left + Down makes the game skip the next frame's tick.
    let mut skip = false;
    if let Some((newly, held)) = state.latched {
        if f.tick(board, state.level, newly, held) == Tick::Locked {
            return f.pos;
        }
        skip = rules::skips_next_frame(held);
        prev = held;
    }
    if let Some(last) = route.last_input_frame(model) {
        for frame in 0..=last {
            let b = route.buttons(model, frame);
            if skip {
                skip = false;
            } else {
                if f.tick(board, state.level, b & !prev, b) == Tick::Locked {
                    return f.pos;
                }
                skip = rules::skips_next_frame(b);
            }
            prev = b;
        }
    }
    // Only the drop is left: the piece falls straight.
    let y = board.drop_row(f.pos.orientation, f.pos.x as i8, f.pos.y as i8);
    PiecePosition {
        y: y as u8,
        ..f.pos
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plan by brute force over the model's routes, one full simulation each.
    fn naive(state: &PlanState, model: &InputModel) -> Vec<Placement> {
        let mut plan = Plan {
            state: Some(*state),
            ..Plan::default()
        };
        for &rotation in Rotation::for_kind(state.kind()) {
            for k in 0..=MAX_SHIFTS {
                for shift in if k == 0 { vec![0] } else { vec![k, -k] } {
                    let route = Route::new(rotation, shift);
                    plan.add(simulate(state, model, route), route);
                }
            }
        }
        plan.placements
    }

    /// The lock positions of the tuck model by a plain breadth-first search, frame by frame,
    /// every press tried from every state on every grid frame.
    fn naive_tucks(
        state: &PlanState,
        model: &InputModel,
    ) -> std::collections::BTreeSet<PiecePosition> {
        use std::collections::BTreeSet;
        let mut found = BTreeSet::new();
        let mut f = state.falling;
        let mut prev = state.held;
        let mut skip = false;
        if let Some((newly, held)) = state.latched {
            if f.tick(&state.board, state.level, newly, held) == Tick::Locked {
                found.insert(f.pos);
                return found;
            }
            skip = rules::skips_next_frame(held);
            prev = held;
        }
        // (piece, buttons of the last frame, skip the next tick)
        let mut frontier = vec![(f, prev, skip)];
        let mut frame = 0u32;
        while !frontier.is_empty() {
            let mut next: Vec<(Falling, u8, bool)> = Vec::new();
            let mut seen = BTreeSet::new();
            let mut choices = vec![0u8];
            if frame % u32::from(model.tap_period) == 0 {
                choices.extend(PRESS_CHOICES);
            }
            for &(f, prev, skip) in &frontier {
                for &b in &choices {
                    let mut g = f;
                    if !skip && g.tick(&state.board, state.level, b & !prev, b) == Tick::Locked {
                        found.insert(g.pos);
                        continue;
                    }
                    // The drop after the last press: straight down.
                    let y = state
                        .board
                        .drop_row(g.pos.orientation, g.pos.x as i8, g.pos.y as i8);
                    found.insert(PiecePosition {
                        y: y as u8,
                        ..g.pos
                    });
                    let key = (g.pos, g.fall_timer, g.drop_repeat, b);
                    if seen.insert(key) {
                        next.push((g, b, !skip && rules::skips_next_frame(b)));
                    }
                }
            }
            frontier = next;
            frame += 1;
        }
        found
    }

    #[test]
    fn the_tuck_search_equals_a_plain_search_and_its_routes_lock_there() {
        let mut rng = Rng(0x7ACC);
        let mut tucked = 0;
        for n in 0..400 {
            // A random stack with overhangs: rows from a random height down at 60%.
            let held = |r: &mut Rng| [0, button::DOWN, button::LEFT][(r.next() % 3) as usize];
            let Some(state) = random_state(&mut rng, (6, 12, 6), |_| n % 10 == 0, held) else {
                continue;
            };
            let level = state.level;
            let model = [
                InputModel::default(),
                InputModel::tap_hz(15).unwrap_or_default(),
                InputModel::das(),
                InputModel {
                    soft_drop: false,
                    ..InputModel::tap_hz(20).unwrap_or_default()
                },
            ][(rng.next() % 4) as usize]
                .with_tucks(true);
            let mut planner = Planner::new(model).unwrap_or_default();
            let plan = planner.plan_from(&state).clone();
            let locks: std::collections::BTreeSet<_> =
                plan.placements().iter().map(|p| p.lock).collect();
            // The straight routes' locks and the plain search's, together.
            let mut expected = naive_tucks(&state, &model);
            expected.extend(naive(&state, &model).iter().map(|p| p.lock));
            assert_eq!(locks, expected, "{state:?} {model:?}");
            // Every route, played frame by frame, locks where the plan says.
            for p in plan.placements() {
                let mut f = state.falling;
                let mut prev = state.held;
                let mut skip = false;
                let mut locked = None;
                if let Some((newly, held)) = state.latched {
                    if f.tick(&state.board, level, newly, held) == Tick::Locked {
                        locked = Some(f.pos);
                    }
                    skip = rules::skips_next_frame(held);
                    prev = held;
                }
                let mut frame = 0;
                while locked.is_none() {
                    let b = p.route.buttons(&model, frame);
                    if skip {
                        skip = false;
                    } else {
                        if f.tick(&state.board, level, b & !prev, b) == Tick::Locked {
                            locked = Some(f.pos);
                        }
                        skip = rules::skips_next_frame(b);
                    }
                    prev = b;
                    frame += 1;
                    assert!(frame < 5000);
                }
                assert_eq!(locked, Some(p.lock), "{:?}", p.route);
                tucked += usize::from(!p.route.presses.is_empty());
            }
        }
        assert!(tucked > 500, "{tucked}");
    }

    /// A random planning state: a stack filled at `fill` tenths from row `top + rng % span`
    /// down (`(top, span, fill)`), a random piece at spawn with a random DAS charge and
    /// fall timer, soft-dropping (a drop counter at $A0–$FF) if `soft_dropping`, a random
    /// level, the `held` buttons and a random latched frame; `None` if the piece does not
    /// fit. The random numbers are drawn in that order.
    fn random_state(
        rng: &mut Rng,
        (top, span, fill): (i32, u64, u64),
        soft_dropping: impl FnOnce(&mut Rng) -> bool,
        held: impl FnOnce(&mut Rng) -> u8,
    ) -> Option<PlanState> {
        let mut board = Board::empty();
        let top = top + (rng.next() % span) as i32;
        for r in top..20 {
            for c in 0..10 {
                if rng.next() % 10 < fill {
                    board.set(r, c);
                }
            }
        }
        let kind = PieceKind::ALL[(rng.next() % 7) as usize];
        let mut falling = Falling::spawn(kind, (rng.next() % 17) as u8);
        if !board.fits_at(falling.pos) {
            return None;
        }
        falling.fall_timer = (rng.next() % 4) as u8;
        if soft_dropping(rng) {
            falling.drop_repeat = 0xA0 + (rng.next() % 96) as u8;
        }
        let level = [0u8, 9, 18, 19, 29, 40][(rng.next() % 6) as usize];
        Some(PlanState {
            board,
            falling,
            level,
            held: held(rng),
            latched: (rng.next() % 2 == 0).then_some((0, 0)),
        })
    }

    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    #[test]
    fn the_shared_simulation_equals_one_simulation_per_route() {
        let mut rng = Rng(0x1234_5678);
        let models = [
            InputModel::default(),
            InputModel::tap_hz(10).unwrap_or_default(),
            InputModel::tap_hz(20).unwrap_or_default(),
            InputModel::das(),
            InputModel {
                soft_drop: false,
                ..InputModel::default()
            },
        ];
        let mut checked = 0;
        for _ in 0..3000 {
            // A random stack: rows from a random height down, each cell filled at 70%.
            let soft_dropping = |r: &mut Rng| r.next() % 5 == 0;
            let Some(state) = random_state(&mut rng, (4, 16, 7), soft_dropping, |_| 0) else {
                continue;
            };
            let model = models[(rng.next() % models.len() as u64) as usize];
            let mut planner = Planner::new(model).unwrap_or_default();
            let fast = planner.plan_from(&state).placements().to_vec();
            assert_eq!(fast, naive(&state, &model), "{state:?} {model:?}");
            checked += 1;
        }
        assert!(checked > 1000, "{checked}");
    }
}
