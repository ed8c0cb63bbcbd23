//! Frame pacing at the NES's rate, kept in step with the sound.
//!
//! With a sound device, the game's samples go to an SDL audio queue and the next frame starts
//! only when the queue holds less than [`QUEUED_FRAMES`] frames of sound: the sound card's
//! clock paces the emulator, so video and sound never drift apart (the console makes
//! 44 100 / 60.0988 ≈ 733.8 samples a frame, exactly what the card plays in a frame's time).
//! Without one (no device, SDL's dummy driver, or a queue that stops draining), a timer
//! paces frames at 60.0988 Hz.

use sdl2::audio::{AudioQueue, AudioSpecDesired};
use sdl2::AudioSubsystem;
use std::time::{Duration, Instant};

/// The NTSC NES's frame rate: 1 789 772.7 CPU cycles a second / 29 780.5 cycles a frame.
pub const NES_FPS: f64 = 60.098_8;

/// The sample rate asked of the sound device.
pub const SAMPLE_RATE: i32 = 44_100;

/// Frames of sound kept queued: enough to ride out a late frame, short enough not to lag.
pub const QUEUED_FRAMES: f64 = 3.0;

/// A queue that has not drained for this long is not being played (dummy driver).
const STALL: Duration = Duration::from_millis(300);

/// Paces frames by the audio queue or, without one, by a timer.
pub struct Pacer {
    queue: Option<AudioQueue<f32>>,
    /// Bytes of sound queued at most before a new frame may start.
    target_bytes: u32,
    period: Duration,
    next: Instant,
}

impl std::fmt::Debug for Pacer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pacer")
            .field("audio", &self.queue.is_some())
            .field("target_bytes", &self.target_bytes)
            .finish_non_exhaustive()
    }
}

impl Pacer {
    /// Opens the sound device if `audio` and one is available; a timer otherwise.
    pub fn new(audio: Option<&AudioSubsystem>) -> Pacer {
        let queue = audio.and_then(|a| {
            let desired = AudioSpecDesired {
                freq: Some(SAMPLE_RATE),
                channels: Some(1),
                samples: Some(512),
            };
            let q: AudioQueue<f32> = a.open_queue(None, &desired).ok()?;
            q.resume();
            Some(q)
        });
        let rate = queue.as_ref().map_or(SAMPLE_RATE, |q| q.spec().freq);
        let target_bytes = (f64::from(rate) / NES_FPS * QUEUED_FRAMES) as u32 * 4;
        Pacer {
            queue,
            target_bytes,
            period: Duration::from_secs_f64(1.0 / NES_FPS),
            next: Instant::now(),
        }
    }

    /// The rate the console should produce samples at, if sound is on.
    #[must_use]
    pub fn sample_rate(&self) -> Option<u32> {
        self.queue.as_ref().map(|q| q.spec().freq.unsigned_abs())
    }

    /// Queues one frame's sound (ignored without a device).
    pub fn push(&mut self, samples: &[f32]) {
        if let Some(q) = &self.queue {
            if q.queue_audio(samples).is_err() {
                self.queue = None;
            }
        }
    }

    /// Queues a frame of silence (while paused, so the pace stays the same).
    pub fn push_silence(&mut self) {
        let n = (f64::from(self.target_bytes) / 4.0 / QUEUED_FRAMES) as usize;
        self.push(&vec![0.0; n]);
    }

    /// Waits until the next frame is due.
    pub fn wait(&mut self) {
        if let Some(q) = &self.queue {
            let mut last = q.size();
            let mut since = Instant::now();
            while q.size() > self.target_bytes {
                std::thread::sleep(Duration::from_millis(1));
                let size = q.size();
                if size != last {
                    last = size;
                    since = Instant::now();
                } else if since.elapsed() > STALL {
                    // Nobody plays the queue: pace by the clock from now on.
                    q.pause();
                    q.clear();
                    self.queue = None;
                    self.next = Instant::now();
                    return;
                }
            }
            return;
        }
        let now = Instant::now();
        if self.next > now {
            std::thread::sleep(self.next - now);
        } else if now - self.next > self.period * 4 {
            // Far behind (a slow machine, a stalled window): start counting afresh.
            self.next = now;
        }
        self.next += self.period;
    }
}
