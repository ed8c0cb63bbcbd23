//! `tetris-nes rom info FILE [--json]`: a ROM's header fields, mapper, sizes and checksums, and
//! whether it is the NES Tetris ROM the environment supports.

use crate::CliError;
use nes::cart::hex;
use serde::Serialize;
use std::path::Path;
use std::process::ExitCode;
use tetris_env::rom::{is_supported_tetris, TETRIS_SHA1};

#[derive(Debug, Serialize)]
struct Info<'a> {
    file: String,
    header: &'a nes::cart::Header,
    mapper_name: &'static str,
    sha1: String,
    crc32: String,
    rom_sha1: String,
    rom_crc32: String,
    supported_tetris: bool,
}

/// The board family of a mapper number, for the mappers this emulator runs.
fn mapper_name(mapper: u16) -> &'static str {
    match mapper {
        0 => "NROM",
        1 => "MMC1 (SxROM)",
        2 => "UxROM",
        3 => "CNROM",
        _ => "unsupported",
    }
}

pub fn info(path: &Path, json: bool) -> Result<ExitCode, CliError> {
    let cart = super::load_cart(path)?;
    let h = cart.header();
    let info = Info {
        file: path.display().to_string(),
        header: h,
        mapper_name: mapper_name(h.mapper),
        sha1: hex(&cart.sha1()),
        crc32: format!("{:08X}", cart.crc32()),
        rom_sha1: hex(&cart.rom_sha1()),
        rom_crc32: format!("{:08X}", cart.rom_crc32()),
        supported_tetris: is_supported_tetris(&cart.sha1()),
    };
    if json {
        let text =
            serde_json::to_string_pretty(&info).map_err(|e| CliError::Other(e.to_string()))?;
        println!("{text}");
        return Ok(ExitCode::SUCCESS);
    }
    let kib = |n: u64| format!("{} KiB", n / 1024);
    println!("file:        {}", info.file);
    println!("format:      {:?}", h.format);
    println!(
        "mapper:      {} ({}), submapper {}",
        h.mapper, info.mapper_name, h.submapper
    );
    println!("PRG ROM:     {}", kib(h.prg_rom_size));
    if h.chr_rom_size > 0 {
        println!("CHR ROM:     {}", kib(h.chr_rom_size));
    } else {
        println!("CHR RAM:     {}", kib(h.chr_ram_total()));
    }
    println!(
        "PRG RAM:     {}{}",
        kib(h.prg_ram_total()),
        if h.battery { " (battery)" } else { "" }
    );
    println!("mirroring:   {:?}", h.mirroring);
    println!("trainer:     {}", if h.trainer { "yes" } else { "no" });
    println!("timing:      {:?}", h.timing);
    if h.trailing_bytes > 0 {
        println!("trailing:    {} bytes after the data", h.trailing_bytes);
    }
    println!("SHA-1:       {}", info.sha1);
    println!("CRC32:       {}", info.crc32);
    println!(
        "PRG+CHR:     SHA-1 {}  CRC32 {}",
        info.rom_sha1, info.rom_crc32
    );
    if info.supported_tetris {
        println!("Tetris:      yes, the supported NES Tetris (USA) ROM");
    } else {
        println!(
            "Tetris:      no (the environment needs SHA-1 {})",
            hex(&TETRIS_SHA1)
        );
    }
    Ok(ExitCode::SUCCESS)
}
