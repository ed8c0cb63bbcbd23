//! [`VecEnv`]: `n` environments stepped together on threads (the caller's and workers), with
//! batched, preallocated result buffers and Gymnasium's next-step autoreset.
//!
//! - Env `i` is built from the same spec with seed `seed + i` (and `reset(Some(s))` resets
//!   env `i` with `s + i`), so every env plays a different piece sequence.
//! - Autoreset (Gymnasium's default, "next step"): when env `i`'s episode ends at a step,
//!   that step reports it (terminated/truncated, final info); the next `step` ignores the
//!   action for env `i`, resets it and reports the reset observation and info with reward 0
//!   and `autoreset[i] = true`.
//! - Work is shared dynamically: every thread owns a contiguous share of the envs and steps
//!   it first (so a frame-level step, where every env costs the same, keeps each env on one
//!   thread), then takes the envs the other threads have not started yet. Placement steps
//!   take different numbers of frames (a piece locking low at level 0 takes ten times one
//!   locking high at level 29), so a static split would leave threads idle.
//! - Waiting: a worker waiting for the next command, and the caller waiting for the
//!   workers, spin for up to 300 µs before they block (waking a blocked thread costs about
//!   as much as a round of frame steps), unless the vector has more threads than the
//!   machine has cores.
//! - Results are written into buffers the `VecEnv` owns and borrowed by [`VecStep`]; envs
//!   live in per-env slots shared by the threads (no allocation per step).
//! - Placement spaces: every env's legal-action mask is part of each result
//!   ([`VecStep::action_mask`]), and a step whose action is masked for some env is an
//!   `InvalidAction` error before any env steps (unless masked actions terminate,
//!   [`crate::IllegalAction::Terminate`]).

use crate::env::TetrisEnv;
use crate::info::Info;
use crate::observation::ObservationKind;
use crate::placement::{ActionMask, IllegalAction};
use crate::rom::Rom;
use crate::spec::EnvSpec;
use crate::{ActionSpace, EnvError, Result};
use crossbeam_channel::{bounded, Receiver, RecvError, Sender, TryRecvError};
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a thread waiting for its next command, or for the workers to finish, spins
/// before it blocks. A round of frame-level steps takes tens of microseconds, about what a
/// blocked thread takes to be woken on a virtual machine: blocking at once cost a third of
/// the round and left two threads no faster than one. Spinning is bounded, so a vector env
/// waiting on its caller (a policy's forward pass) goes to sleep after this long.
const SPIN: Duration = Duration::from_micros(300);

/// Receives from `rx`, spinning for up to [`SPIN`] first if `spin` (when the vector's
/// threads are no more than the machine's cores: a thread spinning on a core another of
/// them needs would only slow the round down).
fn recv_spinning<T>(rx: &Receiver<T>, spin: bool) -> std::result::Result<T, RecvError> {
    if !spin {
        return rx.recv();
    }
    let start = Instant::now();
    loop {
        for _ in 0..32 {
            match rx.try_recv() {
                Ok(v) => return Ok(v),
                Err(TryRecvError::Disconnected) => return Err(RecvError),
                Err(TryRecvError::Empty) => std::hint::spin_loop(),
            }
        }
        if start.elapsed() >= SPIN {
            return rx.recv();
        }
    }
}

/// One batch of results; slices are indexed by env.
#[derive(Debug)]
#[must_use]
pub struct VecStep<'a> {
    /// `n × obs_len` bytes, env-major.
    pub obs: &'a [u8],
    pub reward: &'a [f64],
    pub terminated: &'a [bool],
    pub truncated: &'a [bool],
    /// The env was reset by this step (its action was ignored).
    pub autoreset: &'a [bool],
    pub info: &'a [Info],
    /// `n × action_count` legal-action flags, env-major: each env's mask for its next
    /// step (all set for the frame-level spaces).
    pub action_mask: &'a [bool],
}

#[derive(Debug, Clone, Copy)]
enum Cmd {
    Reset(Option<u64>),
    Step,
}

/// One env and its latest result.
#[derive(Debug)]
struct Slot {
    env: TetrisEnv,
    /// Its episode ended at the last step: the next step resets it.
    needs_reset: bool,
    action: u32,
    reward: f64,
    terminated: bool,
    truncated: bool,
    autoreset: bool,
    info: Info,
    mask: ActionMask,
    error: Option<EnvError>,
}

impl Slot {
    /// A slot holding `env`, with its mask and nothing stepped yet.
    fn new(env: TetrisEnv) -> Slot {
        Slot {
            mask: env.action_mask(),
            env,
            needs_reset: false,
            action: 0,
            reward: 0.0,
            terminated: false,
            truncated: false,
            autoreset: false,
            info: Info::default(),
            error: None,
        }
    }

    /// Runs `cmd` on the env (env `index` of the vector).
    fn run(&mut self, cmd: Cmd, index: usize) {
        self.error = None;
        let reset_seed = match cmd {
            Cmd::Reset(seed) => Some(seed.map(|s| s.wrapping_add(index as u64))),
            Cmd::Step if self.needs_reset => Some(None),
            Cmd::Step => None,
        };
        let r = match reset_seed {
            Some(seed) => self.env.reset(seed).map(|info| {
                self.reward = 0.0;
                self.terminated = false;
                self.truncated = false;
                self.autoreset = matches!(cmd, Cmd::Step);
                self.info = info;
                self.mask = self.env.action_mask();
                self.needs_reset = false;
            }),
            None => self.env.step(self.action).map(|s| {
                self.reward = s.reward;
                self.terminated = s.terminated;
                self.truncated = s.truncated;
                self.autoreset = false;
                self.info = s.info;
                self.mask = s.action_mask;
                self.needs_reset = s.terminated || s.truncated;
            }),
        };
        if let Err(e) = r {
            self.error = Some(e);
        }
    }
}

/// What the threads share: the slots, each thread's own share, and a cursor per share.
#[derive(Debug)]
struct Shared {
    slots: Vec<Mutex<Slot>>,
    shares: Vec<Range<usize>>,
    /// Next env to take from each share.
    cursors: Vec<AtomicUsize>,
    /// Threads wait for each other spinning first ([`recv_spinning`]).
    spin: bool,
}

fn lock(slot: &Mutex<Slot>) -> MutexGuard<'_, Slot> {
    // A thread that panicked poisons its slot; the slot is still plain data.
    slot.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Shared {
    /// Thread `t`'s part of a command: its own share first, then whatever the others have
    /// not taken.
    fn work(&self, t: usize, cmd: Cmd) {
        let threads = self.shares.len();
        for k in 0..threads {
            let share = (t + k) % threads;
            let end = self.shares[share].end;
            loop {
                let i = self.cursors[share].fetch_add(1, Ordering::Relaxed);
                if i >= end {
                    break;
                }
                lock(&self.slots[i]).run(cmd, i);
            }
        }
    }

    /// Rewinds the cursors for the next command.
    fn rewind(&self) {
        for (c, share) in self.cursors.iter().zip(&self.shares) {
            c.store(share.start, Ordering::Relaxed);
        }
    }
}

#[derive(Debug)]
struct Worker {
    cmd: Sender<Cmd>,
    done: Receiver<()>,
    thread: Option<JoinHandle<()>>,
}

fn worker_loop(shared: &Shared, t: usize, cmd: &Receiver<Cmd>, done: &Sender<()>) {
    while let Ok(c) = recv_spinning(cmd, shared.spin) {
        shared.work(t, c);
        if done.send(()).is_err() {
            return;
        }
    }
}

/// `n` envs on threads.
#[derive(Debug)]
pub struct VecEnv {
    n: usize,
    obs_len: usize,
    space: ActionSpace,
    actions: u32,
    check_masks: bool,
    kind: ObservationKind,
    shared: Arc<Shared>,
    workers: Vec<Worker>,
    obs: Vec<u8>,
    reward: Vec<f64>,
    terminated: Vec<bool>,
    truncated: Vec<bool>,
    autoreset: Vec<bool>,
    info: Vec<Info>,
    mask: Vec<bool>,
}

impl VecEnv {
    /// Builds `n` envs from `spec` (env `i` with seed `spec.seed + i`, seed 0 if none) on
    /// `threads` threads (at least 1, at most `n`): the caller's, which steps too, and
    /// `threads - 1` workers.
    pub fn new(rom: &Rom, spec: &EnvSpec, n: usize, threads: usize) -> Result<VecEnv> {
        spec.validate()?;
        if n == 0 {
            return Err(EnvError::InvalidOption {
                name: "n",
                value: "0".into(),
                expected: "at least one env",
            });
        }
        let threads = threads.clamp(1, n);
        let obs_len = spec.observation.len();
        let actions = spec.action_count();
        let base_seed = spec.seed.unwrap_or(0);
        // The start-up (power-on, menus) is the same for every env: run it once and clone.
        let proto = TetrisEnv::new(rom, spec.clone())?;
        let slots = (0..n)
            .map(|i| Mutex::new(Slot::new(proto.with_seed(base_seed.wrapping_add(i as u64)))))
            .collect();
        let shares: Vec<Range<usize>> = (0..threads)
            .map(|t| n * t / threads..n * (t + 1) / threads)
            .collect();
        let cursors = shares.iter().map(|s| AtomicUsize::new(s.start)).collect();
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        let shared = Arc::new(Shared {
            slots,
            shares,
            cursors,
            spin: threads <= cores,
        });
        let mut workers = Vec::with_capacity(threads - 1);
        for t in 1..threads {
            let (cmd_tx, cmd_rx) = bounded::<Cmd>(1);
            let (done_tx, done_rx) = bounded::<()>(1);
            let sh = Arc::clone(&shared);
            let thread = std::thread::Builder::new()
                .name(format!("tetris-env-{t}"))
                .spawn(move || worker_loop(&sh, t, &cmd_rx, &done_tx))
                .map_err(|e| EnvError::Worker(format!("cannot start a worker thread: {e}")))?;
            workers.push(Worker {
                cmd: cmd_tx,
                done: done_rx,
                thread: Some(thread),
            });
        }
        Ok(VecEnv {
            n,
            obs_len,
            space: spec.action_space,
            actions,
            check_masks: spec.action_space.is_placement()
                && spec.placement.illegal_action == IllegalAction::Error,
            kind: spec.observation,
            shared,
            workers,
            obs: vec![0; n * obs_len],
            reward: vec![0.0; n],
            terminated: vec![false; n],
            truncated: vec![false; n],
            autoreset: vec![false; n],
            info: vec![Info::default(); n],
            mask: vec![true; n * actions as usize],
        })
    }

    /// Number of envs.
    #[must_use]
    pub fn len(&self) -> usize {
        self.n
    }

    /// Always false (a `VecEnv` has at least one env).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Bytes of one env's observation.
    #[must_use]
    pub fn obs_len(&self) -> usize {
        self.obs_len
    }

    /// Actions of each env's space (the length of one env's mask).
    #[must_use]
    pub fn action_count(&self) -> u32 {
        self.actions
    }

    /// The envs' legal-action masks for their next step (`n × action_count`, env-major), as
    /// of the last reset or step.
    #[must_use]
    pub fn action_masks(&self) -> &[bool] {
        &self.mask
    }

    /// Resets every env (env `i` with `seed + i` if a seed is given).
    pub fn reset(&mut self, seed: Option<u64>) -> Result<VecStep<'_>> {
        self.run(Cmd::Reset(seed))
    }

    /// Steps every env with its action (`actions.len()` must be `len()`); envs whose episode
    /// ended at the previous step are reset instead (see the module docs). An action outside
    /// the space, or (placement space) masked for its env, is an error and nothing steps.
    pub fn step(&mut self, actions: &[u32]) -> Result<VecStep<'_>> {
        if actions.len() != self.n {
            return Err(EnvError::InvalidOption {
                name: "actions",
                value: format!("{} actions", actions.len()),
                expected: "one action per env",
            });
        }
        let len = self.actions as usize;
        for (i, &a) in actions.iter().enumerate() {
            if a >= self.actions {
                return Err(EnvError::InvalidAction {
                    action: a,
                    space: self.space,
                    masked: false,
                });
            }
            let pending_reset = self.terminated[i] || self.truncated[i];
            if self.check_masks && !pending_reset && !self.mask[i * len + a as usize] {
                return Err(EnvError::InvalidAction {
                    action: a,
                    space: self.space,
                    masked: true,
                });
            }
        }
        for (slot, &a) in self.shared.slots.iter().zip(actions) {
            lock(slot).action = a;
        }
        self.run(Cmd::Step)
    }

    fn run(&mut self, cmd: Cmd) -> Result<VecStep<'_>> {
        self.shared.rewind();
        for w in &self.workers {
            w.cmd.send(cmd).map_err(|_| worker_died())?;
        }
        self.shared.work(0, cmd);
        for w in &self.workers {
            recv_spinning(&w.done, self.shared.spin).map_err(|_| worker_died())?;
        }
        let mut error = None;
        let (obs_len, len) = (self.obs_len, self.actions as usize);
        let fill_mask = self.space.is_placement();
        for (i, slot) in self.shared.slots.iter().enumerate() {
            let mut s = lock(slot);
            self.obs[i * obs_len..(i + 1) * obs_len].copy_from_slice(s.env.observation().data);
            self.reward[i] = s.reward;
            self.terminated[i] = s.terminated;
            self.truncated[i] = s.truncated;
            self.autoreset[i] = s.autoreset;
            self.info[i] = s.info;
            if fill_mask {
                s.mask
                    .write_to(&mut self.mask[i * len..(i + 1) * len])
                    .unwrap_or_default();
            }
            if let Some(e) = s.error.take() {
                error.get_or_insert(e);
            }
        }
        if let Some(e) = error {
            return Err(e);
        }
        Ok(VecStep {
            obs: &self.obs,
            reward: &self.reward,
            terminated: &self.terminated,
            truncated: &self.truncated,
            autoreset: &self.autoreset,
            info: &self.info,
            action_mask: &self.mask,
        })
    }

    /// The observation kind of every env.
    #[must_use]
    pub fn observation_kind(&self) -> ObservationKind {
        self.kind
    }
}

fn worker_died() -> EnvError {
    EnvError::Worker("a vector env worker thread stopped".into())
}

impl Drop for VecEnv {
    fn drop(&mut self) {
        for w in &mut self.workers {
            // Closing the command channel ends the worker's loop.
            let (tx, _) = bounded(0);
            drop(std::mem::replace(&mut w.cmd, tx));
            if let Some(t) = w.thread.take() {
                let _ = t.join();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::tests::{high_level_line_clear, rom};

    #[test]
    fn a_crashed_episode_is_autoreset_like_any_end() {
        let Some(rom) = rom() else { return };
        let spec = EnvSpec::from_id("TetrisA-v0")
            .expect("id")
            .observation(ObservationKind::None)
            .deterministic(true);
        let env = TetrisEnv::new(&rom, spec).expect("env");
        let mut slot = Slot::new(env);
        let mut seen = false;
        for (level, lines) in [(250, 3), (250, 2), (253, 3)] {
            slot.run(Cmd::Reset(None), 0);
            high_level_line_clear(&mut slot.env, level, lines, 0);
            for _ in 0..300 {
                slot.run(Cmd::Step, 0);
                assert!(slot.error.is_none(), "a crash is no error");
                if slot.terminated {
                    break;
                }
            }
            if !slot.info.crashed {
                continue;
            }
            slot.run(Cmd::Step, 0);
            assert!(slot.error.is_none());
            assert!(slot.autoreset && !slot.terminated && !slot.info.crashed);
            seen = true;
        }
        assert!(seen, "one of the line clears crashes the game");
    }
}
