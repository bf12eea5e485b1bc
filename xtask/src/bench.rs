//! `cargo xtask bench <module>`: times the C module against the Rust one in
//! one process (tests/python/bench_<module>.py) and writes the table to
//! target/bench/<module>.md.

use std::path::Path;
use std::process::Command;

use crate::build;
use crate::pythons::Python;
use crate::util::{Result, create_dir_all, display_cmd};

/// Returns the benchmark script's exit code.
pub fn run(root: &Path, py: &Python, module: &str, quick: bool) -> Result<i32> {
    let modules = build::module_names(root)?;
    if !modules.iter().any(|m| m == module) {
        return Err(format!("no module {module:?} (modules: {})", modules.join(", ")));
    }
    let script = root.join("tests/python").join(format!("bench_{module}.py"));
    if !script.is_file() {
        return Err(format!("{} not found: no benchmarks for {module}", script.display()));
    }
    let built = build::build(root, py, false)?;
    let out_dir = root.join("target/bench");
    create_dir_all(&out_dir)?;
    let mut cmd = Command::new(&py.exe);
    cmd.arg(&script)
        .arg("--rust")
        .arg(built.overlay_file(py, module)?)
        .arg("--out")
        .arg(out_dir.join(format!("{module}.md")))
        .env_remove("PYTHONPATH");
    if quick {
        cmd.arg("--quick");
    }
    let status = cmd.status().map_err(|e| format!("cannot run `{}`: {e}", display_cmd(&cmd)))?;
    Ok(status.code().unwrap_or(1))
}
