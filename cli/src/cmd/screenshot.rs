//! `tetris-nes screenshot`: powers a console on, runs it for some frames with an optional
//! button schedule (see [`crate::schedule`]), and saves the last picture the PPU finished as a
//! PNG, with the console's own palette. No env and no menu skip: frame 0 is the first frame
//! after power-on, so the schedule navigates the menus as a player would.

use crate::schedule::Schedule;
use crate::CliError;
use clap::{value_parser, Args};
use nes::Nes;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  tetris-nes screenshot --frames 60 -o legal.png
  tetris-nes screenshot --frames 330 --buttons 268:start -o title.png
  tetris-nes screenshot --frames 600 --buttons 268:start,273:start,277:start,282:start,300-340:down -o game.png")]
pub struct ScreenshotArgs {
    /// The ROM (any iNES file) [default: as play mode: $TETRIS_ROM, else roms/Tetris.nes …].
    #[arg(long, value_name = "PATH")]
    rom: Option<PathBuf>,
    /// Frames to run from power-on.
    #[arg(long, value_name = "N", value_parser = value_parser!(u64).range(1..))]
    frames: u64,
    /// Buttons to press: `FRAME:BUTTONS` or `FIRST-LAST:BUTTONS`, comma-separated; BUTTONS
    /// joins a, b, select, start, up, down, left, right with `+`.
    #[arg(long, value_name = "SCHEDULE")]
    buttons: Option<String>,
    /// The PNG file to write.
    #[arg(short, long, value_name = "OUT.png")]
    output: PathBuf,
    /// Scale the 256×240 picture up this many times (nearest neighbour).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = value_parser!(u32).range(1..=8))]
    scale: u32,
}

pub fn run(args: &ScreenshotArgs) -> Result<ExitCode, CliError> {
    let schedule = match &args.buttons {
        Some(s) => Schedule::parse(s).map_err(CliError::Other)?,
        None => Schedule::default(),
    };
    let (cart, rom) = crate::rom_path::load_cart(args.rom.as_deref())?;
    crate::output::check_not_input(&args.output, &[&rom])?;
    let mut nes = Nes::new(cart);
    for frame in 0..args.frames {
        nes.set_buttons(0, schedule.at(frame));
        nes.run_frame()
            .map_err(|e| CliError::Other(format!("emulator stopped at frame {frame}: {e}")))?;
    }
    let rgb = crate::png_out::screen_rgb(nes.frame_buffer());
    crate::png_out::write_rgb(
        &args.output,
        &[&rom],
        crate::png_out::WIDTH,
        crate::png_out::HEIGHT,
        &rgb,
        args.scale,
    )?;
    Ok(ExitCode::SUCCESS)
}
