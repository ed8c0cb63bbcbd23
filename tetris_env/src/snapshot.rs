//! Save states of a [`crate::TetrisEnv`]: the whole console plus the episode's bookkeeping
//! (step count, reward baselines, flags), tagged with the ROM's SHA-1 and the env's spec, so
//! that a snapshot cannot be restored into a console running another ROM, nor silently run
//! on under another spec (level, game type, reward, observation, …).
//!
//! In memory a snapshot is a clone of the console (the ROM data is shared, so a snapshot
//! costs the console's mutable state: RAM, VRAM, chip registers). `reset` uses one.
//!
//! The byte form (for files) is the magic `TENV`, a version (u16 LE), the CRC-32 of the
//! payload (u32 LE), then the payload: the postcard encoding of the spec, the console's save
//! state ([`nes::savestate`]: `TNES` magic, its version, the ROM's SHA-1, its own checksum,
//! every chip) and the episode. Reading checks, in order, and names the first failure:
//! magic, length, version, checksum (a corrupt file), decoding, the console's own checks
//! (ROM, every chip's fields against their hardware ranges), and the episode against its
//! console (step count, reward baselines, the info's RAM-derived values).
//!
//! Restoring then compares the snapshot's spec with the env's: a difference is an error
//! ([`SnapshotError::SpecMismatch`], naming the fields) unless the caller allows it with
//! [`SpecCheck::AllowDifferent`] (`restore_with` / `restore_bytes_with`); the env's
//! generator seed is not compared (it only draws the next episodes' seeds). Every error
//! leaves the env unchanged.

use crate::env::Episode;
use crate::info::Info;
use crate::reward::RewardTracker;
use crate::spec::EnvSpec;
use serde::{Deserialize, Serialize};

/// The byte form's magic.
pub const MAGIC: [u8; 4] = *b"TENV";
/// The byte form's version (5: payload checksum and spec, and the info for agents; 6: the
/// input model's `tucks`; 7: `Info::lines`).
pub const VERSION: u16 = 7;
/// Magic, version, payload CRC-32.
pub const HEADER_LEN: usize = 4 + 2 + 4;

/// Why a snapshot cannot be restored.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("not a tetris-nes env snapshot (bad magic)")]
    BadMagic,
    #[error("env snapshot is truncated ({len} bytes, the header alone is {HEADER_LEN})")]
    Truncated { len: usize },
    #[error("env snapshot version {found} is not supported (this build reads version {VERSION})")]
    Version { found: u16 },
    #[error("env snapshot is corrupt: its payload's CRC-32 is {computed:08x}, the header says {stored:08x}")]
    Checksum { stored: u32, computed: u32 },
    #[error("snapshot is of another ROM (SHA-1 {found}), this env runs {expected}")]
    RomMismatch { expected: String, found: String },
    #[error("snapshot was taken under another spec ({0}); restore it with SpecCheck::AllowDifferent to run it under this env's")]
    SpecMismatch(String),
    #[error("snapshot does not decode: {0}")]
    Decode(String),
    #[error("snapshot's episode is invalid: {0}")]
    Invalid(String),
    #[error(transparent)]
    Console(#[from] nes::savestate::SaveStateError),
}

/// Whether a snapshot taken under another [`EnvSpec`] may be restored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SpecCheck {
    /// The spec must be the same (the generator seed aside): otherwise an error.
    #[default]
    Same,
    /// Restore anyway: the game goes on under this env's spec (its reward, observation,
    /// time limit, Start/Select policy; the level and B-type height only matter at the next
    /// reset, which uses this env's start state).
    AllowDifferent,
}

/// A saved env: console and episode, and the observation it showed. (A console's state
/// carries no picture, see `nes::ppu::Picture`; the observation keeps an RGB env's picture
/// across a restore. The byte form leaves it out: after `restore_bytes` an RGB observation is
/// the console's picture again from the next step on.)
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub(crate) rom_sha1: [u8; 20],
    pub(crate) spec: EnvSpec,
    pub(crate) nes: nes::Nes,
    pub(crate) episode: Episode,
    pub(crate) obs: Option<Vec<u8>>,
}

#[derive(Serialize, Deserialize)]
struct File {
    spec: EnvSpec,
    console: Vec<u8>,
    episode: Episode,
}

impl Snapshot {
    /// SHA-1 of the ROM this snapshot was taken on.
    #[must_use]
    pub fn rom_sha1(&self) -> [u8; 20] {
        self.rom_sha1
    }

    /// The spec of the env this snapshot was taken on.
    #[must_use]
    pub fn spec(&self) -> &EnvSpec {
        &self.spec
    }

    /// The console at the time of the snapshot.
    #[must_use]
    pub fn console(&self) -> &nes::Nes {
        &self.nes
    }

    /// The console, to edit before restoring (a position written into RAM, for a test or an
    /// experiment; the game runs on from whatever it finds there).
    pub fn console_mut(&mut self) -> &mut nes::Nes {
        &mut self.nes
    }

    /// The byte form (see the module docs).
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let file = File {
            spec: self.spec.clone(),
            console: self.nes.save_state(),
            episode: self.episode,
        };
        // Encoding plain data into a Vec cannot fail.
        let body = postcard::to_allocvec(&file).unwrap_or_default();
        let mut out = Vec::with_capacity(HEADER_LEN + body.len());
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
        out.extend_from_slice(&body);
        out
    }

    /// Reads the byte form into a console like `template` (same ROM; its state is replaced).
    pub(crate) fn from_bytes(bytes: &[u8], template: &nes::Nes) -> Result<Snapshot, SnapshotError> {
        if bytes.len() < 4 || bytes[..4] != MAGIC {
            return Err(SnapshotError::BadMagic);
        }
        if bytes.len() < HEADER_LEN {
            return Err(SnapshotError::Truncated { len: bytes.len() });
        }
        let found = u16::from_le_bytes([bytes[4], bytes[5]]);
        if found != VERSION {
            return Err(SnapshotError::Version { found });
        }
        let stored = u32::from_le_bytes([bytes[6], bytes[7], bytes[8], bytes[9]]);
        let body = &bytes[HEADER_LEN..];
        let computed = crc32fast::hash(body);
        if stored != computed {
            return Err(SnapshotError::Checksum { stored, computed });
        }
        let file: File =
            postcard::from_bytes(body).map_err(|e| SnapshotError::Decode(e.to_string()))?;
        let mut nes = template.clone();
        nes.load_state(&file.console)?;
        file.episode
            .validate(&nes)
            .map_err(SnapshotError::Invalid)?;
        Ok(Snapshot {
            rom_sha1: nes.bus().cartridge().sha1(),
            spec: file.spec,
            nes,
            episode: file.episode,
            obs: None,
        })
    }

    /// Whether this snapshot may be restored into an env on ROM `rom_sha1` with `spec`.
    pub(crate) fn check(
        &self,
        rom_sha1: &[u8; 20],
        spec: &EnvSpec,
        check: SpecCheck,
    ) -> Result<(), SnapshotError> {
        if self.rom_sha1 != *rom_sha1 {
            return Err(SnapshotError::RomMismatch {
                expected: nes::cart::hex(rom_sha1),
                found: nes::cart::hex(&self.rom_sha1),
            });
        }
        if check == SpecCheck::AllowDifferent {
            return Ok(());
        }
        // Restores are on hot paths (a planner's lookahead, episode resets): the names of the
        // differences are only worked out when there are some. The generator seed is not
        // compared.
        let mut unseeded = spec.clone();
        unseeded.seed = self.spec.seed;
        if unseeded == self.spec {
            return Ok(());
        }
        let differences = spec_differences(&self.spec, spec);
        if differences.is_empty() {
            Ok(())
        } else {
            Err(SnapshotError::SpecMismatch(differences.join(", ")))
        }
    }
}

/// The fields in which two specs differ, as `name: snapshot's vs env's` (the generator seed
/// is not compared). The destructuring is exhaustive: a new spec field must be listed here.
fn spec_differences(snap: &EnvSpec, env: &EnvSpec) -> Vec<String> {
    let EnvSpec {
        id,
        game_type,
        reward,
        start_level,
        b_type_height,
        action_space,
        observation,
        deterministic,
        deterministic_seed,
        seed: _,
        max_episode_steps,
        start_select,
        frame_timing,
        placement,
    } = snap;
    let mut out = Vec::new();
    let mut cmp = |name: &str, a: String, b: String| {
        if a != b {
            out.push(format!("{name} {a} vs {b}"));
        }
    };
    cmp("id", format!("{id:?}"), format!("{:?}", env.id));
    cmp(
        "game type",
        format!("{game_type:?}"),
        format!("{:?}", env.game_type),
    );
    cmp("reward", format!("{reward:?}"), format!("{:?}", env.reward));
    cmp(
        "level",
        start_level.to_string(),
        env.start_level.to_string(),
    );
    cmp(
        "B-type height",
        b_type_height.to_string(),
        env.b_type_height.to_string(),
    );
    cmp(
        "action space",
        format!("{action_space:?}"),
        format!("{:?}", env.action_space),
    );
    cmp(
        "observation",
        format!("{observation:?}"),
        format!("{:?}", env.observation),
    );
    cmp(
        "deterministic",
        format!("{deterministic} {deterministic_seed:?}"),
        format!("{} {:?}", env.deterministic, env.deterministic_seed),
    );
    cmp(
        "placement options",
        format!("{placement:?}"),
        format!("{:?}", env.placement),
    );
    cmp(
        "max episode steps",
        format!("{max_episode_steps:?}"),
        format!("{:?}", env.max_episode_steps),
    );
    cmp(
        "Start/Select",
        format!("{start_select:?}"),
        format!("{:?}", env.start_select),
    );
    cmp(
        "frame timing",
        format!("{frame_timing:?}"),
        format!("{:?}", env.frame_timing),
    );
    out
}

/// The episode of a loaded snapshot against its console: no more steps than the console has
/// run frames, reward baselines the game's RAM can hold, and (once reset) the info's values
/// read from RAM equal to what the console's RAM says now.
pub(crate) fn validate_episode(
    never_reset: bool,
    steps: u64,
    tracker: &RewardTracker,
    info: &Info,
    nes: &nes::Nes,
) -> Result<(), String> {
    let frames = nes.frame_count();
    if steps > frames {
        return Err(format!(
            "{steps} steps, but the console has run only {frames} frames"
        ));
    }
    tracker.validate()?;
    if never_reset {
        return Ok(());
    }
    if info.episode_step != steps {
        return Err(format!(
            "info.episode_step {} differs from the step count {steps}",
            info.episode_step
        ));
    }
    let ram = Info::from_ram(nes.ram());
    let pairs = [
        ("score", info.score, ram.score),
        ("number_of_lines", info.number_of_lines, ram.number_of_lines),
        ("lines", info.lines, ram.lines),
        ("level", u32::from(info.level), u32::from(ram.level)),
        ("board_height", info.board_height, ram.board_height),
        (
            "game_mode",
            u32::from(info.game_mode),
            u32::from(ram.game_mode),
        ),
        ("piece_x", u32::from(info.piece_x), u32::from(ram.piece_x)),
        ("piece_y", u32::from(info.piece_y), u32::from(ram.piece_y)),
    ];
    for (name, saved, now) in pairs {
        if saved != now {
            return Err(format!(
                "info.{name} = {saved}, but the console's RAM says {now}"
            ));
        }
    }
    if info.current_piece != ram.current_piece || info.next_piece != ram.next_piece {
        return Err("info's pieces differ from the console's RAM".into());
    }
    Ok(())
}
