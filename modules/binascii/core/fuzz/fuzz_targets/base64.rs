//! cargo-fuzz target: see `oxpy_binascii_core_fuzz::base64`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| oxpy_binascii_core_fuzz::base64(data));
