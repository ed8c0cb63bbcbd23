//! The learning curve (`curve.png`): lines per game by iteration — the candidates' mean as
//! a line in a band from the worst to the best candidate, the elites' mean, and the final
//! evaluation's mean as a dashed line — drawn with `plotters` into an RGB buffer and encoded
//! with `png`.
//!
//! Text needs a TrueType font: the first of `$TETRIS_NES_FONT` and a few usual system paths
//! (DejaVu, Liberation, FreeFont) that loads. Without one the curve is drawn without text
//! ([`Curve::text`] says which).

use crate::record::{FinalEvent, IterationEvent};
use plotters::prelude::*;
use std::sync::OnceLock;

const WIDTH: u32 = 960;
const HEIGHT: u32 = 540;

/// Fonts tried, in order, after `$TETRIS_NES_FONT`.
const FONT_PATHS: [&str; 5] = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
];

/// Registers the first font that loads as plotters' "sans-serif", once; whether one did.
fn font_available() -> bool {
    static FONT: OnceLock<bool> = OnceLock::new();
    *FONT.get_or_init(|| {
        let env = std::env::var_os("TETRIS_NES_FONT").map(std::path::PathBuf::from);
        let candidates = env
            .into_iter()
            .chain(FONT_PATHS.iter().map(std::path::PathBuf::from));
        for path in candidates {
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            // Registered once for the process: plotters keeps a 'static reference.
            let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
            if plotters::style::register_font("sans-serif", FontStyle::Normal, bytes).is_ok() {
                return true;
            }
        }
        false
    })
}

/// A rendered curve.
#[derive(Debug)]
pub struct Curve {
    /// The PNG file's bytes.
    pub png: Vec<u8>,
    /// Whether it has text (axis labels, legend); false when no font was found.
    pub text: bool,
}

/// Why a curve could not be drawn.
#[derive(Debug, thiserror::Error)]
#[error("curve: {0}")]
pub struct CurveError(String);

fn err<E: std::fmt::Display>(e: E) -> CurveError {
    CurveError(e.to_string())
}

/// Draws the curve of `history` (and the final evaluation, if any). `title` goes on top.
pub fn render(
    history: &[IterationEvent],
    final_eval: Option<&FinalEvent>,
    title: &str,
) -> Result<Curve, CurveError> {
    render_with(history, final_eval, title, font_available())
}

fn render_with(
    history: &[IterationEvent],
    final_eval: Option<&FinalEvent>,
    title: &str,
    text: bool,
) -> Result<Curve, CurveError> {
    let mut rgb = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    draw(&mut rgb, history, final_eval, title, text)?;
    let mut png_bytes = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut png_bytes, WIDTH, HEIGHT);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().map_err(err)?;
        w.write_image_data(&rgb).map_err(err)?;
        w.finish().map_err(err)?;
    }
    Ok(Curve {
        png: png_bytes,
        text,
    })
}

fn draw(
    rgb: &mut [u8],
    history: &[IterationEvent],
    final_eval: Option<&FinalEvent>,
    title: &str,
    text: bool,
) -> Result<(), CurveError> {
    let root = BitMapBackend::with_buffer(rgb, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let n = history.len() as f64;
    let top = history
        .iter()
        .map(|e| e.lines_max)
        .chain(final_eval.map(|f| f.lines_mean))
        .fold(1.0f64, f64::max)
        * 1.05;
    let mut builder = ChartBuilder::on(&root);
    builder.margin(16);
    if text {
        builder
            .caption(title, ("sans-serif", 17))
            .x_label_area_size(44)
            .y_label_area_size(64);
    }
    let mut chart = builder
        .build_cartesian_2d(0.0..n.max(1.0) + 0.5, 0.0..top)
        .map_err(err)?;
    // Iterations are whole: a tick between two is left blank. Lines get a decimal when the
    // axis is short (a run that has not cleared ten lines).
    let x_label = |x: &f64| {
        if (x - x.round()).abs() < 1e-9 {
            format!("{x:.0}")
        } else {
            String::new()
        }
    };
    let y_label = |y: &f64| {
        if top < 10.0 {
            format!("{y:.1}")
        } else {
            format!("{y:.0}")
        }
    };
    let mut mesh = chart.configure_mesh();
    mesh.light_line_style(WHITE.mix(0.0));
    if text {
        mesh.x_desc("iteration")
            .y_desc("lines per game")
            .label_style(("sans-serif", 14))
            .x_label_formatter(&x_label)
            .y_label_formatter(&y_label);
    } else {
        mesh.x_labels(0).y_labels(0);
    }
    mesh.draw().map_err(err)?;

    let blue = RGBColor(31, 90, 180);
    let orange = RGBColor(230, 120, 20);
    let green = RGBColor(30, 150, 60);
    // The band from the worst to the best candidate.
    let band: Vec<(f64, f64)> = history
        .iter()
        .map(|e| (f64::from(e.iteration), e.lines_max))
        .chain(
            history
                .iter()
                .rev()
                .map(|e| (f64::from(e.iteration), e.lines_min)),
        )
        .collect();
    if history.len() > 1 {
        chart
            .draw_series(std::iter::once(Polygon::new(band, blue.mix(0.18))))
            .map_err(err)?;
    }
    let line = |f: fn(&IterationEvent) -> f64| {
        history
            .iter()
            .map(move |e| (f64::from(e.iteration), f(e)))
            .collect::<Vec<_>>()
    };
    let mean = chart
        .draw_series(LineSeries::new(
            line(|e| e.lines_mean),
            blue.stroke_width(2),
        ))
        .map_err(err)?;
    if text {
        mean.label("candidates: mean (band: worst to best)")
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], blue.stroke_width(2)));
    }
    let elite = chart
        .draw_series(LineSeries::new(
            line(|e| e.elite_lines),
            orange.stroke_width(2),
        ))
        .map_err(err)?;
    if text {
        elite
            .label("elites: mean")
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], orange.stroke_width(2)));
    }
    for e in history {
        let (x, y) = (f64::from(e.iteration), e.lines_mean);
        chart
            .draw_series(std::iter::once(Circle::new((x, y), 3, blue.filled())))
            .map_err(err)?;
    }
    if let Some(f) = final_eval {
        let y = f.lines_mean;
        let dashes: Vec<PathElement<(f64, f64)>> = (0..)
            .map(|i| f64::from(i) * 0.4)
            .take_while(|&x| x < n + 0.5)
            .map(|x| {
                PathElement::new(
                    [(x, y), ((x + 0.25).min(n + 0.5), y)],
                    green.stroke_width(2),
                )
            })
            .collect();
        let eval = chart.draw_series(dashes).map_err(err)?;
        if text {
            eval.label(format!(
                "final policy on {} evaluation games: {:.0} lines",
                f.games.len(),
                f.lines_mean
            ))
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], green.stroke_width(2)));
        }
    }
    if text {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.3))
            .label_font(("sans-serif", 14))
            .draw()
            .map_err(err)?;
    }
    root.present().map_err(err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::tests::sample_run;

    fn history(n: u32) -> Vec<IterationEvent> {
        let e = sample_run().history[0].clone();
        (1..=n)
            .map(|i| IterationEvent {
                iteration: i,
                lines_mean: f64::from(i * i),
                lines_min: 0.0,
                lines_max: f64::from(i * i * 2),
                elite_lines: f64::from(i * i) * 1.5,
                ..e.clone()
            })
            .collect()
    }

    fn decode(png_bytes: &[u8]) -> (u32, u32, Vec<u8>) {
        let dec = png::Decoder::new(png_bytes);
        let mut r = dec.read_info().unwrap();
        let mut buf = vec![0; r.output_buffer_size()];
        let info = r.next_frame(&mut buf).unwrap();
        (info.width, info.height, buf)
    }

    fn count(rgb: &[u8], colour: [u8; 3]) -> usize {
        rgb.chunks(3).filter(|p| *p == colour).count()
    }

    #[test]
    fn draws_lines_and_band_with_or_without_text() {
        for text in [false, true] {
            if text && !font_available() {
                eprintln!("no system font: only the text-less curve is checked");
                continue;
            }
            let c = render_with(&history(10), None, "test", text).unwrap();
            assert_eq!(c.text, text);
            let (w, h, rgb) = decode(&c.png);
            assert_eq!((w, h), (WIDTH, HEIGHT));
            assert!(count(&rgb, [31, 90, 180]) > 500, "the mean line is drawn");
            assert!(count(&rgb, [230, 120, 20]) > 500, "the elite line is drawn");
            let white = count(&rgb, [255, 255, 255]);
            assert!(white > (WIDTH * HEIGHT / 2) as usize, "mostly background");
        }
    }

    #[test]
    fn a_single_iteration_and_an_empty_history_draw() {
        for n in [0, 1] {
            let c = render_with(&history(n), None, "t", false).unwrap();
            assert!(c.png.starts_with(b"\x89PNG"));
        }
    }
}
