//! A scripted placement policy for tests: at each new piece it picks the rotation and column
//! that a 4-feature heuristic likes best (aggregate height, lines, holes, bumpiness; the
//! El-Tetris weights), then taps A and Left/Right towards it (one press, one release) and
//! holds Down. It reads only the info and RAM an agent sees, and copes with the one-step
//! input latency by re-reading the piece every step.

use tetris_env::actions::button;
use tetris_env::ram::{GameState, Orientation, PlayState, BOARD_COLS, BOARD_ROWS, EMPTY_CELL};

#[derive(Debug, Default)]
pub struct Placer {
    target: Option<(Orientation, u8)>,
    last: u8,
}

type Grid = [[bool; BOARD_COLS]; BOARD_ROWS];

fn grid(s: &GameState<'_>) -> Grid {
    let mut g = [[false; BOARD_COLS]; BOARD_ROWS];
    for (i, &c) in s.board().iter().enumerate() {
        g[i / BOARD_COLS][i % BOARD_COLS] = c != EMPTY_CELL;
    }
    g
}

fn fits(g: &Grid, o: Orientation, x: i32, y: i32) -> bool {
    o.cells().iter().all(|&(dy, dx)| {
        let (r, c) = (y + i32::from(dy), x + i32::from(dx));
        (0..10).contains(&c) && r < 20 && (r < 0 || !g[r as usize][c as usize])
    })
}

fn evaluate(g: &Grid) -> f64 {
    let mut heights = [0i32; BOARD_COLS];
    let mut holes = 0;
    for c in 0..BOARD_COLS {
        let top = (0..BOARD_ROWS).find(|&r| g[r][c]);
        if let Some(t) = top {
            heights[c] = (BOARD_ROWS - t) as i32;
            holes += (t..BOARD_ROWS).filter(|&r| !g[r][c]).count() as i32;
        }
    }
    let agg: i32 = heights.iter().sum();
    let bump: i32 = heights.windows(2).map(|w| (w[0] - w[1]).abs()).sum();
    -0.51 * f64::from(agg) - 0.36 * f64::from(holes) - 0.18 * f64::from(bump)
}

impl Placer {
    fn plan(s: &GameState<'_>) -> Option<(Orientation, u8)> {
        let g = grid(s);
        let piece = s.piece()?;
        let (x0, y0) = (i32::from(s.piece_x()), i32::from(s.piece_y()));
        let mut best: Option<(f64, Orientation, u8)> = None;
        let mut o = piece;
        for _ in 0..4 {
            if !fits(&g, o, x0, y0) {
                break;
            }
            for x in 0..10 {
                // The path along the spawn row must be free.
                let step = if x >= x0 { 1 } else { -1 };
                let mut cx = x0;
                let mut ok = true;
                while cx != x {
                    cx += step;
                    ok &= fits(&g, o, cx, y0);
                }
                if !ok {
                    continue;
                }
                let mut y = y0;
                while fits(&g, o, x, y + 1) {
                    y += 1;
                }
                let mut after = g;
                for &(dy, dx) in &o.cells() {
                    let r = y + i32::from(dy);
                    if r < 0 {
                        ok = false;
                        break;
                    }
                    after[r as usize][(x + i32::from(dx)) as usize] = true;
                }
                if !ok {
                    continue;
                }
                let full: Vec<usize> = (0..BOARD_ROWS)
                    .filter(|&r| after[r].iter().all(|&c| c))
                    .collect();
                let lines = full.len();
                let mut cleared = [[false; BOARD_COLS]; BOARD_ROWS];
                let mut dst = BOARD_ROWS;
                for r in (0..BOARD_ROWS).rev() {
                    if !full.contains(&r) {
                        dst -= 1;
                        cleared[dst] = after[r];
                    }
                }
                let v = evaluate(&cleared) + 0.76 * lines as f64;
                if best.is_none_or(|(b, _, _)| v > b) {
                    best = Some((v, o, x as u8));
                }
            }
            o = o.rotated_cw();
            if o == piece {
                break;
            }
        }
        best.map(|(_, o, x)| (o, x))
    }

    /// The controller byte (nes-py order) for the state after the previous step.
    pub fn act(&mut self, s: &GameState<'_>) -> u8 {
        if s.play_state() != Some(PlayState::Active) {
            self.target = None;
            self.last = button::NOOP;
            return self.last;
        }
        if self.target.is_none() {
            self.target = Placer::plan(s);
        }
        let press = |want: u8, last: u8| if last == want { button::NOOP } else { want };
        self.last = match (self.target, s.piece()) {
            (Some((o, _)), Some(p)) if p != o => press(button::A, self.last),
            (Some((_, x)), _) if s.piece_x() < x => press(button::RIGHT, self.last),
            (Some((_, x)), _) if s.piece_x() > x => press(button::LEFT, self.last),
            _ => button::DOWN,
        };
        self.last
    }
}
