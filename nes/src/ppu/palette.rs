//! The NTSC 2C02 palette and the conversion of frame buffers to RGB.
//!
//! [`NTSC_PALETTE`] is the 64-entry RGB table of the 2C02 published on the nesdev wiki's
//! "PPU palettes" page (the palette generated from the 2C02's NTSC signal levels and standard
//! YIQ decoding, as also shipped as the default in many emulators). Entries $0D/$1D/$xE/$xF
//! are black; $0D is "blacker than black" on a real TV and shown as black here.
//!
//! Emphasis ($2001 bits 5–7: red, green, blue) darkens the two other colour components: on
//! the real PPU it attenuates the signal by about 0.746 during the phases of the other two
//! colours; applied here to RGB as a factor of 0.746 on the non-emphasized channels, a
//! common approximation. <https://www.nesdev.org/wiki/PPU_palettes>,
//! <https://www.nesdev.org/wiki/NTSC_video>

/// The 2C02's 64 colours as 0xRRGGBB.
pub const NTSC_PALETTE: [u32; 64] = [
    0x666666, 0x002A88, 0x1412A7, 0x3B00A4, 0x5C007E, 0x6E0040, 0x6C0600, 0x561D00, //
    0x333500, 0x0B4800, 0x005200, 0x004F08, 0x00404D, 0x000000, 0x000000, 0x000000, //
    0xADADAD, 0x155FD9, 0x4240FF, 0x7527FE, 0xA01ACC, 0xB71E7B, 0xB53120, 0x994E00, //
    0x6B6D00, 0x388700, 0x0C9300, 0x008F32, 0x007C8D, 0x000000, 0x000000, 0x000000, //
    0xFFFEFF, 0x64B0FF, 0x9290FF, 0xC676FF, 0xF36AFF, 0xFE6ECC, 0xFE8170, 0xEA9E22, //
    0xBCBE00, 0x88D800, 0x5CE430, 0x45E082, 0x48CDDE, 0x4F4F4F, 0x000000, 0x000000, //
    0xFFFEFF, 0xC0DFFF, 0xD3D2FF, 0xE8C8FF, 0xFBC2FF, 0xFEC4EA, 0xFECCC5, 0xF7D8A5, //
    0xE4E594, 0xCFEF96, 0xBDF4AB, 0xB3F3CC, 0xB5EBF2, 0xB8B8B8, 0x000000, 0x000000, //
];

/// Attenuation of a non-emphasized channel, in thousandths.
const ATTENUATION: u32 = 746;

/// RGB for every (emphasis << 6 | colour) frame buffer value.
static RGB: [[u8; 3]; 512] = build_rgb();

const fn build_rgb() -> [[u8; 3]; 512] {
    let mut out = [[0u8; 3]; 512];
    let mut i = 0;
    while i < 512 {
        let rgb = NTSC_PALETTE[i & 63];
        let emph = (i >> 6) as u32;
        let mut ch = 0;
        while ch < 3 {
            // Channel 0 = red (emphasis bit 0), 1 = green (bit 1), 2 = blue (bit 2).
            let mut c = (rgb >> (16 - 8 * ch)) & 0xFF;
            // Every emphasis bit other than this channel's own darkens it.
            let others = emph & !(1 << ch);
            let mut b = 0;
            while b < 3 {
                if others & (1 << b) != 0 {
                    c = c * ATTENUATION / 1000;
                }
                b += 1;
            }
            out[i][ch] = c as u8;
            ch += 1;
        }
        i += 1;
    }
    out
}

/// Converts a frame buffer (see `Ppu::frame_buffer`) to 8-bit RGB, 3 bytes per pixel, row by
/// row. Converts `min(frame.len(), out.len() / 3)` pixels.
pub fn to_rgb(frame: &[u16], out: &mut [u8]) {
    for (px, o) in frame.iter().zip(out.chunks_exact_mut(3)) {
        o.copy_from_slice(&RGB[usize::from(*px & 0x1FF)]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_colours_and_emphasis() {
        let mut out = [0u8; 9];
        // $30 white, $0F black, $30 with red emphasis.
        to_rgb(&[0x30, 0x0F, 0x30 | 1 << 6], &mut out);
        assert_eq!(out[0..3], [0xFF, 0xFE, 0xFF]);
        assert_eq!(out[3..6], [0, 0, 0]);
        assert_eq!(out[6], 0xFF, "red channel kept");
        assert_eq!(out[7], (0xFE * 746 / 1000) as u8, "green attenuated");
        assert_eq!(out[8], (0xFF * 746 / 1000) as u8, "blue attenuated");
    }
}
