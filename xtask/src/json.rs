//! JSON helpers over `serde_json` for cargo's `--message-format=json` lines
//! and the one-line results our Python scripts print.

pub use serde_json::Value as Json;

use crate::util::Result;

/// Parses one JSON document.
pub fn parse(text: &str) -> Result<Json> {
    serde_json::from_str(text).map_err(|e| format!("invalid JSON ({e}): {text}"))
}

/// The items of an array (empty for anything else).
pub fn array(value: &Json) -> &[Json] {
    value.as_array().map(Vec::as_slice).unwrap_or_default()
}

/// The strings of an array of strings (others skipped).
pub fn strings(value: &Json) -> impl Iterator<Item = &str> {
    array(value).iter().filter_map(Json::as_str)
}
