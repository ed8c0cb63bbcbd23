//! The `tetris-nes` command.

fn main() {}
