fn main() {
    let rom = std::fs::read("roms/Tetris.nes").unwrap();
    let cart = nes::Cart::from_bytes(&rom).unwrap();
    let mut a = nes::Nes::new(cart.clone());
    let mut b = nes::Nes::new(cart);
    b.set_skip_idle(false);
    for f in 1..=12u64 {
        a.run_until_cycle(f * 29781).unwrap();
        b.run_until_cycle(f * 29781).unwrap();
        println!("step {f}: fast cyc {} pc {:04X} | slow cyc {} pc {:04X} | frames {} {} | sl/dot {} {} vs {} {}", a.cycles(), a.registers().pc, b.cycles(), b.registers().pc, a.frame_count(), b.frame_count(),
          a.bus().ppu().scanline(), a.bus().ppu().dot(), b.bus().ppu().scanline(), b.bus().ppu().dot());
    }
}
