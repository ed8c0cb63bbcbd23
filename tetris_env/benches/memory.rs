//! Memory per environment: bytes on the heap that one more env (and one snapshot) takes,
//! counted by a counting allocator, plus the env struct itself. The ROM is loaded once and
//! shared. `cargo bench -p tetris_env --bench memory` (needs roms/Tetris.nes or $TETRIS_ROM).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use tetris_env::{EnvSpec, ObservationKind, Rom};

/// Live heap bytes.
static LIVE: AtomicIsize = AtomicIsize::new(0);

struct Counting;

// A global allocator is unsafe by definition; this one only forwards to the system
// allocator and counts.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        System.dealloc(ptr, layout);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn main() {
    let path = std::env::var("TETRIS_ROM").unwrap_or_else(|_| "../roms/Tetris.nes".into());
    let Ok(rom) = Rom::from_file(std::path::Path::new(&path)) else {
        eprintln!("memory bench: no Tetris ROM at {path} (run scripts/fetch-rom.sh)");
        return;
    };
    for kind in [
        ObservationKind::None,
        ObservationKind::Board,
        ObservationKind::Ram,
        ObservationKind::Rgb,
    ] {
        let spec = EnvSpec::from_id("TetrisA-v0")
            .expect("valid id")
            .observation(kind);
        let before = LIVE.load(Ordering::Relaxed);
        let mut env = spec.build(&rom).expect("builds");
        env.reset(Some(0)).expect("resets");
        for a in 0..600 {
            let _ = env.step(a % 6).expect("steps");
        }
        let heap = LIVE.load(Ordering::Relaxed) - before;
        let inline = std::mem::size_of_val(&env);
        let before = LIVE.load(Ordering::Relaxed);
        let snap = env.snapshot();
        let snap_heap = LIVE.load(Ordering::Relaxed) - before;
        println!(
            "{:5}: env {:6} B heap + {:5} B inline = {:5.1} KiB; snapshot {:6} B heap + {} B inline",
            format!("{kind:?}").to_lowercase(),
            heap,
            inline,
            (heap as f64 + inline as f64) / 1024.0,
            snap_heap,
            std::mem::size_of_val(&snap)
        );
        drop(snap);
    }
}
