//! FCEUX input movies (`.fm2`, text form) and the frame-exact checks of `checks.json`.
//!
//! An fm2 file is a header of `key value` lines followed by one input record per frame,
//! `|commands|port0|port1|port2|`, where a port field of a standard pad is eight characters in
//! the order Right, Left, Down, Up, Start, Select, B, A — a letter (or any non-space, non-`.`
//! character) when the button is held, `.` or space when not. Command bit 1 is a soft reset
//! and bit 2 a power cycle, both done before the frame is emulated.
//! <https://fceux.com/web/help/fm2.html>

use crate::error::excerpt;
use nes::Buttons;
use std::fmt;
use std::ops::ControlFlow;

/// Why a movie could not be read. Line numbers are 1-based, as an editor shows them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MovieError {
    #[error("line {line}: {msg}")]
    Malformed { line: usize, msg: String },
    #[error("binary fm2 movies are not supported (header says `binary 1`)")]
    Binary,
    #[error("the movie has no input records")]
    Empty,
}

/// One frame of input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FrameInput {
    /// Controller 1 and 2.
    pub pads: [Buttons; 2],
    /// Press the reset button before this frame.
    pub soft_reset: bool,
    /// Power-cycle the console before this frame.
    pub power_cycle: bool,
}

/// A parsed movie.
#[derive(Clone, PartialEq, Eq)]
pub struct Movie {
    /// Header lines as `(key, value)`, in file order.
    pub header: Vec<(String, String)>,
    pub frames: Vec<FrameInput>,
}

impl fmt::Debug for Movie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Movie")
            .field("header", &self.header)
            .field("frames", &self.frames.len())
            .finish()
    }
}

impl Movie {
    /// Parses an fm2 movie in text form.
    pub fn parse(text: &str) -> Result<Movie, MovieError> {
        let mut header = Vec::new();
        let mut frames = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line_no = i + 1;
            let line = raw.trim_end_matches('\r');
            if line.trim().is_empty() {
                continue;
            }
            if line.starts_with('|') {
                frames.push(
                    parse_record(line)
                        .map_err(|msg| MovieError::Malformed { line: line_no, msg })?,
                );
                continue;
            }
            if !frames.is_empty() {
                return Err(MovieError::Malformed {
                    line: line_no,
                    msg: "header line after the input records began".into(),
                });
            }
            let (key, value) = line.split_once(' ').unwrap_or((line, ""));
            if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(MovieError::Malformed {
                    line: line_no,
                    msg: format!(
                        "expected `key value` or an input record, got {}",
                        excerpt(line)
                    ),
                });
            }
            if key == "binary" && value.trim() == "1" {
                return Err(MovieError::Binary);
            }
            header.push((key.to_string(), value.to_string()));
        }
        if frames.is_empty() {
            return Err(MovieError::Empty);
        }
        Ok(Movie { header, frames })
    }

    /// The value of a header key.
    #[must_use]
    pub fn header_value(&self, key: &str) -> Option<&str> {
        self.header
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The input of frame `n` (1-based); after the last record, no buttons.
    #[must_use]
    pub fn frame(&self, n: usize) -> FrameInput {
        n.checked_sub(1)
            .and_then(|i| self.frames.get(i))
            .copied()
            .unwrap_or_default()
    }
}

fn parse_record(line: &str) -> Result<FrameInput, String> {
    let fields: Vec<&str> = line.split('|').collect();
    // "|c|p0|p1|p2|" splits into ["", c, p0, p1, p2, ""].
    if fields.len() < 4 {
        return Err(format!(
            "input record needs `|commands|port0|port1|...`, got {}",
            excerpt(line)
        ));
    }
    let cmd: u32 = fields[1]
        .trim()
        .parse()
        .map_err(|_| format!("command field {} is not a number", excerpt(fields[1])))?;
    let mut pads = [Buttons::NONE; 2];
    for (port, pad) in pads.iter_mut().enumerate() {
        *pad = parse_pad(fields[2 + port]).map_err(|e| format!("port {port}: {e}"))?;
    }
    Ok(FrameInput {
        pads,
        soft_reset: cmd & 1 != 0,
        power_cycle: cmd & 2 != 0,
    })
}

fn parse_pad(field: &str) -> Result<Buttons, String> {
    if field.is_empty() {
        return Ok(Buttons::NONE);
    }
    let chars: Vec<char> = field.chars().collect();
    if chars.len() != 8 {
        return Err(format!(
            "a pad field has 8 characters (RLDUTSBA), got {}",
            excerpt(field)
        ));
    }
    // Order in the file: Right, Left, Down, Up, Start, Select, B, A.
    const ORDER: [Buttons; 8] = [
        Buttons::RIGHT,
        Buttons::LEFT,
        Buttons::DOWN,
        Buttons::UP,
        Buttons::START,
        Buttons::SELECT,
        Buttons::B,
        Buttons::A,
    ];
    let mut b = Buttons::NONE;
    for (c, button) in chars.iter().zip(ORDER) {
        if *c != '.' && *c != ' ' {
            b = b | button;
        }
    }
    Ok(b)
}

/// Plays `movie` from power-on on a console with `cart`, for `frames` frames; after frame `n`
/// (1-based) calls `after_frame(n, &nes)`. A power-cycle command rebuilds the console, a soft
/// reset presses reset, both before their frame.
///
/// Frame numbering is FCEUX's: the console powers on with FCEUX's dead first frame
/// ([`nes::ppu::POWER_ON`]), so frame `n` here is FCEUX's frame `n`.
pub fn play(
    cart: &nes::Cart,
    movie: &Movie,
    frames: usize,
    after_frame: impl FnMut(usize, &nes::Nes),
) -> Result<(), nes::NesError> {
    play_with(cart, movie, frames, nes::FastPaths::ALL, after_frame)
}

/// [`play`] on a console taking the exact shortcuts `paths` (the results are the same with
/// any; tests compare them).
pub fn play_with(
    cart: &nes::Cart,
    movie: &Movie,
    frames: usize,
    paths: nes::FastPaths,
    mut after_frame: impl FnMut(usize, &nes::Nes),
) -> Result<(), nes::NesError> {
    play_until_with(cart, movie, frames, paths, |n, nes| {
        after_frame(n, nes);
        ControlFlow::Continue(())
    })
    .map(|_| ())
}

/// [`play`], stopping early when `after_frame` says so (an interrupted run, a reader gone);
/// returns the number of frames played.
pub fn play_until(
    cart: &nes::Cart,
    movie: &Movie,
    frames: usize,
    after_frame: impl FnMut(usize, &nes::Nes) -> ControlFlow<()>,
) -> Result<usize, nes::NesError> {
    play_until_with(cart, movie, frames, nes::FastPaths::ALL, after_frame)
}

/// [`play_until`] on a console taking the exact shortcuts `paths`.
pub fn play_until_with(
    cart: &nes::Cart,
    movie: &Movie,
    frames: usize,
    paths: nes::FastPaths,
    mut after_frame: impl FnMut(usize, &nes::Nes) -> ControlFlow<()>,
) -> Result<usize, nes::NesError> {
    let power_on = || {
        let mut console = nes::Nes::new(cart.clone());
        console.set_headless(true);
        console.set_fast_paths(paths);
        console
    };
    let mut console = power_on();
    for n in 1..=frames {
        let input = movie.frame(n);
        if input.power_cycle {
            console = power_on();
        }
        if input.soft_reset {
            console.reset();
        }
        console.set_buttons(0, input.pads[0]);
        console.set_buttons(1, input.pads[1]);
        console.run_frame()?;
        if after_frame(n, &console).is_break() {
            return Ok(n);
        }
    }
    Ok(frames)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_header_and_records() {
        let m =
            Movie::parse("version 3\nport0 1\n|0|........|........||\n|2|R..UT..A|||\n").unwrap();
        assert_eq!(m.header_value("version"), Some("3"));
        assert_eq!(m.frames.len(), 2);
        assert_eq!(m.frame(1), FrameInput::default());
        let f = m.frame(2);
        assert!(f.power_cycle && !f.soft_reset);
        assert_eq!(
            f.pads[0],
            Buttons::RIGHT | Buttons::UP | Buttons::START | Buttons::A
        );
        assert_eq!(m.frame(3), FrameInput::default(), "after the end: no input");
    }

    #[test]
    fn malformed_lines_are_named() {
        let err = Movie::parse("version 3\n|0|........|||\n|x|........|||\n").unwrap_err();
        assert_eq!(
            err,
            MovieError::Malformed {
                line: 3,
                msg: "command field \"x\" is not a number".into()
            }
        );
        let err = Movie::parse("|0|....|||\n").unwrap_err();
        assert!(
            matches!(err, MovieError::Malformed { line: 1, .. }),
            "{err}"
        );
        assert_eq!(Movie::parse("version 3\n").unwrap_err(), MovieError::Empty);
        assert_eq!(
            Movie::parse("binary 1\n|0|||\n").unwrap_err(),
            MovieError::Binary
        );
        assert!(Movie::parse("version 3\n|0|........|||\nfoo bar\n").is_err());
    }
}
