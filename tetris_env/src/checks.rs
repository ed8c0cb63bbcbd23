//! The frame-exact RAM checks of `checks.json` (see `../shared/docs/movies.md`): for each movie,
//! facts about the game's RAM that must hold after a given number of frames from power-on.
//!
//! Parsing rejects, for every entry (not only the one a caller will use), anything that
//! would otherwise be silently skipped or overwritten: a frame key that is not a number from
//! 1 up (frames count from power-on, the first frame is 1), the same frame twice (also as
//! `"010"` and `"10"`), an entry with no checks, and a check with no facts. Errors quote the
//! offending key cut to a few dozen characters ([`crate::error::excerpt`]).
//! [`MovieChecks::check_frames`] bounds the frames by the movie they belong to.

use crate::error::excerpt;
use crate::ram;
use serde::de::{Error as _, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::fmt;

/// How far past a movie's last input record a check may lie: one minute of frames. The
/// shared movies check at most 55 frames past their end; a frame key of 10^9 would make a
/// movie run for hours.
pub const MAX_FRAMES_PAST_END: u64 = 3600;

/// One entry of `checks.json`: a movie (path relative to the movies folder) and its checks by
/// frame count (1 = the first frame after power-on).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MovieChecks {
    pub file: String,
    #[serde(deserialize_with = "frames")]
    pub checks: BTreeMap<u64, Expect>,
}

impl MovieChecks {
    /// The checks must lie within `movie_frames` frames plus [`MAX_FRAMES_PAST_END`].
    pub fn check_frames(&self, movie_frames: u64) -> Result<(), String> {
        let limit = movie_frames.saturating_add(MAX_FRAMES_PAST_END);
        match self.checks.keys().next_back() {
            Some(&last) if last > limit => Err(format!(
                "checks for {}: frame {last} is more than {MAX_FRAMES_PAST_END} frames past the \
                 movie's last frame ({movie_frames})",
                excerpt(&self.file)
            )),
            _ => Ok(()),
        }
    }
}

/// The `checks` object: frame keys parsed, each once, each check with a fact, not empty.
fn frames<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<u64, Expect>, D::Error> {
    struct Frames;
    impl<'de> Visitor<'de> for Frames {
        type Value = BTreeMap<u64, Expect>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object of checks by frame number")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some(key) = map.next_key::<String>()? {
                let frame = key
                    .parse::<u64>()
                    .ok()
                    .filter(|f| *f >= 1 && key.bytes().all(|b| b.is_ascii_digit()))
                    .ok_or_else(|| {
                        A::Error::custom(format!(
                            "frame {} is not a frame number (1, 2, …: frames count from \
                             power-on)",
                            excerpt(&key)
                        ))
                    })?;
                let expect: Expect = map.next_value()?;
                if expect == Expect::default() {
                    return Err(A::Error::custom(format!(
                        "the check at frame {frame} has no facts (it would always pass)"
                    )));
                }
                if out.insert(frame, expect).is_some() {
                    return Err(A::Error::custom(format!(
                        "frame {frame} is checked twice (key {})",
                        excerpt(&key)
                    )));
                }
            }
            if out.is_empty() {
                return Err(A::Error::custom(
                    "an entry has no checks (it would always pass)",
                ));
            }
            Ok(out)
        }
    }
    d.deserialize_map(Frames)
}

/// The facts checked after one frame. Every field present must hold.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    pub menu_mode: Option<MenuMode>,
    pub is_gameplay_state: Option<bool>,
    pub score: Option<u32>,
    pub line_count: Option<u32>,
    pub dead: Option<bool>,
}

/// The menu screens (gameMode 0–3).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
pub enum MenuMode {
    CopyrightScreen,
    TitleScreen,
    GameTypeSelect,
    LevelSelect,
}

impl MenuMode {
    fn game_mode(self) -> u8 {
        match self {
            MenuMode::CopyrightScreen => 0,
            MenuMode::TitleScreen => 1,
            MenuMode::GameTypeSelect => 2,
            MenuMode::LevelSelect => 3,
        }
    }
}

/// Parses a `checks.json` document.
pub fn parse_checks(json: &str) -> Result<Vec<MovieChecks>, serde_json::Error> {
    serde_json::from_str(json)
}

/// Evaluates `expect` against `ram`; returns a description of each fact that does not hold.
#[must_use]
pub fn evaluate(expect: &Expect, ram: &[u8; 0x800]) -> Vec<String> {
    let mut failures = Vec::new();
    let mode = ram[ram::GAME_MODE];
    let in_play = mode == ram::MODE_PLAY;
    if let Some(menu) = expect.menu_mode {
        if mode != menu.game_mode() {
            failures.push(format!("menu_mode {menu:?}: gameMode is {mode}"));
        }
    }
    if let Some(want) = expect.is_gameplay_state {
        if in_play != want {
            failures.push(format!("is_gameplay_state {want}: gameMode is {mode}"));
        }
    }
    let needs_play = expect.score.is_some() || expect.line_count.is_some() || expect.dead.is_some();
    if needs_play && !in_play {
        failures.push(format!("score/lines/dead imply play: gameMode is {mode}"));
    }
    if let Some(want) = expect.score {
        let got = ram::bcd_le(&ram[ram::SCORE..ram::SCORE + 3]);
        if got != Some(want) {
            failures.push(format!("score {want}: RAM has {got:?}"));
        }
    }
    if let Some(want) = expect.line_count {
        let got = ram::bcd_le(&ram[ram::LINES..ram::LINES + 2]);
        if got != Some(want) {
            failures.push(format!("line_count {want}: RAM has {got:?}"));
        }
    }
    if let Some(want) = expect.dead {
        let state = ram[ram::PLAY_STATE];
        let dead = in_play && state == ram::STATE_TOP_OUT;
        if dead != want {
            failures.push(format!("dead {want}: playState is ${state:02X}"));
        }
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_evaluates() {
        let checks = parse_checks(
            r#"[{"file": "a.fm2", "checks": {"10": {"score": 18442, "line_count": 3}, "3": {"menu_mode": "TitleScreen"}}}]"#,
        )
        .unwrap();
        assert_eq!(checks.len(), 1);
        let mut ram = [0u8; 0x800];
        ram[ram::GAME_MODE] = 4;
        ram[ram::SCORE..ram::SCORE + 3].copy_from_slice(&[0x42, 0x84, 0x01]);
        ram[ram::LINES] = 0x03;
        assert!(evaluate(&checks[0].checks[&10], &ram).is_empty());
        assert_eq!(evaluate(&checks[0].checks[&3], &ram).len(), 1);
        ram[ram::LINES] = 0x04;
        assert_eq!(evaluate(&checks[0].checks[&10], &ram).len(), 1);
        assert!(parse_checks(r#"[{"file": "a", "checks": {"1": {"bogus": 1}}}]"#).is_err());
    }

    /// Each case was accepted before: skipped (frame 0), overwritten (duplicates), not
    /// looked at (another entry's keys), or vacuously passed (no checks, no facts).
    #[test]
    fn rejects_what_would_pass_silently() {
        let ok = r#"{"file": "a.fm2", "checks": {"5": {"score": 0}}}"#;
        for (bad, needle) in [
            (
                r#"{"file": "b", "checks": {"0": {"score": 0}}}"#,
                "frame \"0\"",
            ),
            (
                r#"{"file": "b", "checks": {"5": {"score": 0}, "5": {"dead": true}}}"#,
                "checked twice",
            ),
            (
                r#"{"file": "b", "checks": {"5": {"score": 0}, "005": {"dead": true}}}"#,
                "checked twice",
            ),
            (
                r#"{"file": "b", "checks": {"x5": {"score": 0}}}"#,
                "not a frame",
            ),
            (
                r#"{"file": "b", "checks": {"-5": {"score": 0}}}"#,
                "not a frame",
            ),
            (
                r#"{"file": "b", "checks": {"99999999999999999999999": {"score": 0}}}"#,
                "not a frame",
            ),
            (r#"{"file": "b", "checks": {}}"#, "no checks"),
            (r#"{"file": "b", "checks": {"5": {}}}"#, "no facts"),
        ] {
            let doc = format!("[{ok}, {bad}]");
            let e = parse_checks(&doc).unwrap_err().to_string();
            assert!(e.contains(needle), "{bad}: {e}");
        }
        assert!(parse_checks(&format!("[{ok}]")).is_ok());
    }

    #[test]
    fn frames_are_bounded_by_the_movie_and_keys_are_cut() {
        let c = parse_checks(r#"[{"file": "a", "checks": {"1000000000": {"score": 0}}}]"#).unwrap();
        let e = c[0].check_frames(300).unwrap_err();
        assert!(e.contains("more than 3600 frames past"), "{e}");
        assert!(c[0].check_frames(1_000_000_000).is_ok());
        let long = "9".repeat(100_000) + "x";
        let e = parse_checks(&format!(
            r#"[{{"file": "a", "checks": {{"{long}": {{}}}}}}]"#
        ))
        .unwrap_err()
        .to_string();
        assert!(e.len() < 300, "{} bytes", e.len());
    }
}
