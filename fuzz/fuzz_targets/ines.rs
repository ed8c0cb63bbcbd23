//! Fuzz target `ines`: see `conformance::fuzz::ines`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| conformance::fuzz::ines(data));
