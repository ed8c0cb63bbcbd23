//! The frame-exact RAM checks of `checks.json` (see `../shared/docs/movies.md`): for each movie,
//! facts about the game's RAM that must hold after a given number of frames from power-on.

use crate::ram;
use serde::Deserialize;
use std::collections::BTreeMap;

/// One entry of `checks.json`: a movie (path relative to the movies folder) and its checks by
/// frame count.
#[derive(Clone, Debug, Deserialize)]
pub struct MovieChecks {
    pub file: String,
    pub checks: BTreeMap<String, Expect>,
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
        assert!(evaluate(&checks[0].checks["10"], &ram).is_empty());
        assert_eq!(evaluate(&checks[0].checks["3"], &ram).len(), 1);
        ram[ram::LINES] = 0x04;
        assert_eq!(evaluate(&checks[0].checks["10"], &ram).len(), 1);
        assert!(parse_checks(r#"[{"file": "a", "checks": {"1": {"bogus": 1}}}]"#).is_err());
    }
}
