//! Fuzz target `cpu`: see `conformance::fuzz::cpu`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| conformance::fuzz::cpu(data));
