//! Where NES Tetris (USA) keeps its state in the console's 2 KiB of RAM, and how to decode it.
//! See `../shared/docs/tetris-ram-map.md` and `docs/ram-map.md`.

/// RNG state, 16-bit LFSR ($0017–$0018).
pub const RNG: usize = 0x17;
/// Active piece orientation id ($00–$12, $13 = none).
pub const PIECE: usize = 0x42;
/// Level (binary).
pub const LEVEL: usize = 0x44;
/// playState: 1 piece active … $0A top-out curtain.
pub const PLAY_STATE: usize = 0x48;
/// Lines, 2 bytes BCD little-endian.
pub const LINES: usize = 0x50;
/// Score, 3 bytes BCD little-endian.
pub const SCORE: usize = 0x53;
/// Top-out curtain row.
pub const CURTAIN_ROW: usize = 0x58;
/// Next piece orientation id.
pub const NEXT_PIECE: usize = 0xBF;
/// gameMode: 0 legal, 1 title, 2 game-type menu, 3 level menu, 4 play, 5 demo.
pub const GAME_MODE: usize = 0xC0;
/// Game type: 0 = A, 1 = B.
pub const GAME_TYPE: usize = 0xC1;
/// Piece statistics, 7 × 2 bytes BCD LE in the order T J Z O S L I.
pub const STATISTICS: usize = 0x3F0;
/// The playfield, 20 rows × 10 columns; $EF is an empty cell.
pub const BOARD: usize = 0x400;
pub const BOARD_LEN: usize = 200;
pub const EMPTY_CELL: u8 = 0xEF;

/// gameMode value of a game in play.
pub const MODE_PLAY: u8 = 4;
/// playState value of the top-out curtain.
pub const STATE_TOP_OUT: u8 = 0x0A;

/// Decodes `bytes` as little-endian packed BCD (two digits a byte). `None` if a nibble is
/// not a decimal digit.
#[must_use]
pub fn bcd_le(bytes: &[u8]) -> Option<u32> {
    let mut value = 0u32;
    for &b in bytes.iter().rev() {
        let (hi, lo) = (u32::from(b >> 4), u32::from(b & 0xF));
        if hi > 9 || lo > 9 {
            return None;
        }
        value = value * 100 + hi * 10 + lo;
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bcd() {
        assert_eq!(bcd_le(&[0x42, 0x84, 0x01]), Some(18442));
        assert_eq!(bcd_le(&[0x25, 0x00]), Some(25));
        assert_eq!(bcd_le(&[0x4A]), None);
        assert_eq!(bcd_le(&[]), Some(0));
    }
}
