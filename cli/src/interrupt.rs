//! Ctrl-C (SIGINT): the first one sets a flag that long-running commands poll
//! ([`interrupted`]) to stop at a clean point — a whole trace line, a finished step — report
//! what was done and exit with [`crate::error::INTERRUPTED`]; a second one ends the program
//! at once. Commands that run a long time call [`install`] first (random mode, `movie`,
//! `replay`, `trace`, `screenshot`, `bench`, `conformance`).

use std::sync::atomic::{AtomicBool, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Installs the handler (once; later calls do nothing). Without one (the platform refused)
/// Ctrl-C keeps its default effect.
pub fn install() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = ctrlc::set_handler(|| {
            if INTERRUPTED.swap(true, Ordering::SeqCst) {
                std::process::exit(i32::from(crate::error::INTERRUPTED));
            }
        });
    });
}

/// Whether Ctrl-C was pressed since [`install`].
#[must_use]
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::Relaxed)
}
