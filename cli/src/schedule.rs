//! Button schedules: scripted controller input given on the command line.
//!
//! A schedule is a comma-separated list of `FRAME:BUTTONS` (held during that one frame) or
//! `FIRST-LAST:BUTTONS` (held from frame FIRST through LAST), where BUTTONS joins button names
//! with `+`: `a`, `b`, `select`, `start`, `up`, `down`, `left`, `right`. Frames count from 0.
//! Example: `268:start,273:start,277:start,282:start,400-420:left,430:a`.

use nes::Buttons;

/// One entry: buttons held over an inclusive frame range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Entry {
    first: u64,
    last: u64,
    buttons: u8,
}

/// A parsed schedule.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schedule {
    entries: Vec<Entry>,
}

impl Schedule {
    /// Parses a schedule; the error names the entry at fault.
    pub fn parse(text: &str) -> Result<Schedule, String> {
        let mut entries = Vec::new();
        for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let bad = |why: &str| format!("button schedule entry {item:?}: {why}");
            let (frames, names) = item
                .split_once(':')
                .ok_or_else(|| bad("expected FRAME:BUTTONS or FIRST-LAST:BUTTONS"))?;
            let frame = |s: &str| {
                s.trim()
                    .parse::<u64>()
                    .map_err(|_| bad(&format!("{s:?} is not a frame number")))
            };
            let (first, last) = match frames.split_once('-') {
                Some((a, b)) => (frame(a)?, frame(b)?),
                None => {
                    let f = frame(frames)?;
                    (f, f)
                }
            };
            if last < first {
                return Err(bad("the range ends before it starts"));
            }
            let mut buttons = 0u8;
            for name in names.split('+').map(str::trim) {
                buttons |= button(name).ok_or_else(|| {
                    bad(&format!(
                        "unknown button {name:?} (a, b, select, start, up, down, left, right)"
                    ))
                })?;
            }
            entries.push(Entry {
                first,
                last,
                buttons,
            });
        }
        Ok(Schedule { entries })
    }

    /// The buttons held at `frame`.
    #[must_use]
    pub fn at(&self, frame: u64) -> Buttons {
        Buttons(
            self.entries
                .iter()
                .filter(|e| (e.first..=e.last).contains(&frame))
                .fold(0, |acc, e| acc | e.buttons),
        )
    }
}

/// The controller bit of a button name.
fn button(name: &str) -> Option<u8> {
    Some(
        match name.to_ascii_lowercase().as_str() {
            "a" => Buttons::A,
            "b" => Buttons::B,
            "select" => Buttons::SELECT,
            "start" => Buttons::START,
            "up" => Buttons::UP,
            "down" => Buttons::DOWN,
            "left" => Buttons::LEFT,
            "right" => Buttons::RIGHT,
            _ => return None,
        }
        .0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_ranges_and_combinations() {
        let s = Schedule::parse("268:start, 300-302:left+a,301:b").unwrap();
        assert_eq!(s.at(267), Buttons::NONE);
        assert_eq!(s.at(268), Buttons::START);
        assert_eq!(s.at(300).0, Buttons::LEFT.0 | Buttons::A.0);
        assert_eq!(s.at(301).0, Buttons::LEFT.0 | Buttons::A.0 | Buttons::B.0);
        assert_eq!(s.at(303), Buttons::NONE);
        assert_eq!(Schedule::parse("").unwrap().at(0), Buttons::NONE);
    }

    #[test]
    fn errors_name_the_entry() {
        for bad in ["start", "x:start", "5:jump", "9-3:a", "1-x:a"] {
            let e = Schedule::parse(bad).unwrap_err();
            assert!(e.contains(bad), "{e}");
        }
    }
}
