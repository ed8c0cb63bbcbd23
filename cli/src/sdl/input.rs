//! Keyboard and game controllers to the NES pad.
//!
//! Keys (by position, so Z and X sit under the same fingers on any layout): arrows = the
//! D-pad, Z = B, X = A, Enter = Start, Right Shift = Select. Controllers, through SDL's
//! GameController API (any pad SDL knows, hot-plugged): D-pad or left stick, south/west
//! face buttons (Xbox A/X) = B, east/north (Xbox B/Y) = A, Start, Back = Select — so the
//! NES's B-left, A-right layout keeps its shape.

use nes::Buttons;
use sdl2::controller::{Axis, Button, GameController};
use sdl2::keyboard::{KeyboardState, Scancode};

/// Stick deflection (of ±32 767) that counts as a press.
const STICK_THRESHOLD: i16 = 16_000;

/// The keyboard's buttons.
#[must_use]
pub fn keyboard(keys: &KeyboardState<'_>) -> u8 {
    const MAP: [(Scancode, Buttons); 9] = [
        (Scancode::Right, Buttons::RIGHT),
        (Scancode::Left, Buttons::LEFT),
        (Scancode::Down, Buttons::DOWN),
        (Scancode::Up, Buttons::UP),
        (Scancode::Return, Buttons::START),
        (Scancode::KpEnter, Buttons::START),
        (Scancode::RShift, Buttons::SELECT),
        (Scancode::Z, Buttons::B),
        (Scancode::X, Buttons::A),
    ];
    MAP.iter()
        .filter(|(k, _)| keys.is_scancode_pressed(*k))
        .fold(0, |acc, (_, b)| acc | b.0)
}

/// One controller's buttons.
#[must_use]
pub fn controller(pad: &GameController) -> u8 {
    const MAP: [(Button, Buttons); 10] = [
        (Button::DPadRight, Buttons::RIGHT),
        (Button::DPadLeft, Buttons::LEFT),
        (Button::DPadDown, Buttons::DOWN),
        (Button::DPadUp, Buttons::UP),
        (Button::Start, Buttons::START),
        (Button::Back, Buttons::SELECT),
        (Button::A, Buttons::B),
        (Button::X, Buttons::B),
        (Button::B, Buttons::A),
        (Button::Y, Buttons::A),
    ];
    let mut out = MAP
        .iter()
        .filter(|(b, _)| pad.button(*b))
        .fold(0, |acc, (_, n)| acc | n.0);
    let (x, y) = (pad.axis(Axis::LeftX), pad.axis(Axis::LeftY));
    if x > STICK_THRESHOLD {
        out |= Buttons::RIGHT.0;
    } else if x < -STICK_THRESHOLD {
        out |= Buttons::LEFT.0;
    }
    if y > STICK_THRESHOLD {
        out |= Buttons::DOWN.0;
    } else if y < -STICK_THRESHOLD {
        out |= Buttons::UP.0;
    }
    out
}
