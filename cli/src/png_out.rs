//! Writing pictures as PNG files: the NES screen (256×240) as 8-bit RGB.

use crate::CliError;
use std::path::Path;

/// NES screen size.
pub const WIDTH: u32 = 256;
pub const HEIGHT: u32 = 240;

/// A frame buffer as RGB bytes, 256×240×3, with the console's own palette.
#[must_use]
pub fn screen_rgb(frame: &[u16]) -> Vec<u8> {
    let mut rgb = vec![0; (WIDTH * HEIGHT * 3) as usize];
    nes::ppu::to_rgb(frame, &mut rgb);
    rgb
}

/// Writes `rgb` (`width`×`height`×3 bytes, row by row) to `path`, scaled up `scale` times
/// (nearest neighbour): whole or not at all, and never over one of `inputs` (see
/// [`crate::output::AtomicFile`]).
pub fn write_rgb(
    path: &Path,
    inputs: &[&Path],
    width: u32,
    height: u32,
    rgb: &[u8],
    scale: u32,
) -> Result<(), CliError> {
    let enc = |e: png::EncodingError| CliError::Other(format!("{}: {e}", crate::error::path(path)));
    let scale = scale.max(1);
    let (w, h) = (width * scale, height * scale);
    let scaled;
    let data = if scale == 1 {
        rgb
    } else {
        let (src_w, s) = (width as usize, scale as usize);
        let mut out = Vec::with_capacity((w * h * 3) as usize);
        for row in rgb.chunks_exact(src_w * 3) {
            let mut line = Vec::with_capacity(src_w * s * 3);
            for px in row.chunks_exact(3) {
                for _ in 0..s {
                    line.extend_from_slice(px);
                }
            }
            for _ in 0..s {
                out.extend_from_slice(&line);
            }
        }
        scaled = out;
        &scaled
    };
    let mut file = crate::output::AtomicFile::create(path, inputs)?;
    let mut encoder = png::Encoder::new(&mut file, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(enc)?;
    writer.write_image_data(data).map_err(enc)?;
    writer.finish().map_err(enc)?;
    file.commit()
}
