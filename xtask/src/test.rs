//! `cargo xtask test`: the Rust checks, then for every installed CPython
//! 3.11–3.13 the conformance lists in both modes, the differential tests and
//! the robustness checks of `crate::fuzz` (corpus replay, a short fuzz run,
//! leaks, threads), ending with a summary table.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::build::{self, Built};
use crate::json::{self, Json};
use crate::pythons::{self, Python};
use crate::util::{Result, cargo, fmt_duration, run_tee};

/// The line our Python scripts end with: this prefix, then a JSON object
/// with at least `run`, `failed` and `skipped`.
const RESULT_PREFIX: &str = "OXPY-RESULT ";

const SUITE_TIMEOUT: Duration = Duration::from_secs(30 * 60);

pub struct Options {
    /// Skip `cargo test`, clippy and rustfmt.
    pub skip_cargo: bool,
    /// Seconds of random differential testing per module and Python.
    pub diff_time: u32,
    /// Seconds of differential fuzzing per module and Python (0: none).
    pub fuzz_time: u32,
}

/// One row of the summary: a suite that passed or failed.
pub(crate) struct Row {
    pub(crate) suite: String,
    pub(crate) python: String,
    pub(crate) mode: String,
    pub(crate) counts: Option<Counts>,
    pub(crate) ok: bool,
    pub(crate) time: Duration,
    pub(crate) note: String,
}

#[derive(Default, Clone, Copy)]
pub(crate) struct Counts {
    pub(crate) run: u64,
    pub(crate) failed: u64,
    pub(crate) skipped: u64,
}

/// Runs everything; returns whether all of it passed.
pub fn run(root: &Path, opts: &Options) -> Result<bool> {
    let started = Instant::now();
    let pythons = pythons::discover()?;
    let list: Vec<String> = pythons.iter().map(|p| format!("{} ({})", p.full_version(), p.exe.display())).collect();
    println!("== Pythons: {}", list.join(", "));
    let mut rows = Vec::new();
    if !opts.skip_cargo {
        cargo_checks(root, &pythons[0], &mut rows);
        let modules = build::module_names(root).unwrap_or_default();
        rows.extend(modules.iter().filter_map(|m| crate::fuzz::core_fuzz_replay(root, m)));
    }
    for py in &pythons {
        let Some(built) = build_row(root, py, &mut rows) else { continue };
        let t = Instant::now();
        let deps = match test_deps(root, py) {
            Ok(dir) => {
                rows.push(Row::new("test deps", py, "-", None, true, t, ""));
                Some(dir)
            }
            Err(e) => {
                eprintln!("xtask: error: {e}");
                rows.push(Row::new("test deps", py, "-", None, false, t, &e));
                None
            }
        };
        for module in &built.modules {
            for mode in [Mode::Overlay, Mode::Interpreter] {
                rows.push(conformance(root, py, &built, deps.as_deref(), module, mode));
            }
            if diff_script(root, module).is_file() {
                rows.push(differential(root, py, &built, module, opts.diff_time));
            }
            if behaviour_script(root, module).is_file() {
                rows.push(behaviour(root, py, &built, module));
            }
            rows.extend(crate::fuzz::test_rows(root, py, &built, module, opts.fuzz_time));
        }
    }
    print_summary(&rows, started.elapsed());
    Ok(rows.iter().all(|r| r.ok))
}

impl Row {
    pub(crate) fn new(
        suite: &str,
        py: &Python,
        mode: &str,
        counts: Option<Counts>,
        ok: bool,
        started: Instant,
        note: &str,
    ) -> Row {
        Row {
            suite: suite.to_owned(),
            python: py.tag(),
            mode: mode.to_owned(),
            counts,
            ok,
            time: started.elapsed(),
            note: note.lines().next().unwrap_or_default().to_owned(),
        }
    }
}

/// Builds for `py`, recording a "build" row; `None` when the build failed.
pub(crate) fn build_row(root: &Path, py: &Python, rows: &mut Vec<Row>) -> Option<Built> {
    let t = Instant::now();
    println!("== build for Python {}", py.full_version());
    match build::build(root, py, false) {
        Ok(built) => {
            rows.push(Row::new("build", py, "-", None, true, t, ""));
            Some(built)
        }
        Err(e) => {
            eprintln!("xtask: error: {e}");
            rows.push(Row::new("build", py, "-", None, false, t, &e));
            None
        }
    }
}

/// `cargo test`, `cargo clippy` and `cargo fmt --check` for the workspace.
fn cargo_checks(root: &Path, py: &Python, rows: &mut Vec<Row>) {
    // The API crate's tests may embed Python: link libpython (no
    // PYO3_BUILD_EXTENSION_MODULE) and let the test binaries find it.
    let mut ld_path = py.var_or_empty("LIBDIR").to_owned();
    if let Ok(old) = std::env::var("LD_LIBRARY_PATH") {
        ld_path = format!("{ld_path}:{old}");
    }
    // The patched zlib-rs is outside the workspace: its unit tests (upstream's
    // and those of the changes in vendor/README.md) run with its manifest.
    let zlib_rs_tests = [
        "test",
        "--manifest-path",
        "vendor/zlib-rs/Cargo.toml",
        "--release",
        "--lib",
        "--target-dir",
        "target/zlib-rs-tests",
    ];
    let checks: [(&str, &[&str]); 4] = [
        ("cargo test", &["test", "--workspace", "--release"]),
        ("cargo test zlib-rs", &zlib_rs_tests),
        ("cargo clippy", &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]),
        ("cargo fmt", &["fmt", "--all", "--", "--check"]),
    ];
    for (name, args) in checks {
        println!("== {name}");
        let t = Instant::now();
        let mut cmd = Command::new(cargo());
        cmd.current_dir(root)
            .args(args)
            .env("PYO3_PYTHON", &py.exe)
            .env_remove("PYO3_BUILD_EXTENSION_MODULE")
            .env("LD_LIBRARY_PATH", &ld_path);
        let (ok, counts, note) = match run_tee(&mut cmd, Duration::from_secs(60 * 60)) {
            Ok(out) => {
                let counts = name.starts_with("cargo test").then(|| cargo_test_counts(&out.stdout));
                let ok = out.status.is_some_and(|s| s.success());
                (ok, counts, if ok { String::new() } else { format!("{name} failed") })
            }
            Err(e) => (false, None, e),
        };
        rows.push(Row {
            suite: name.to_owned(),
            python: "-".into(),
            mode: "-".into(),
            counts,
            ok,
            time: t.elapsed(),
            note,
        });
    }
}

/// Adds up cargo test's `test result: ok. 3 passed; 0 failed; 1 ignored; ...` lines.
pub(crate) fn cargo_test_counts(stdout: &str) -> Counts {
    let mut c = Counts::default();
    for line in stdout.lines() {
        let Some(rest) = line.trim().strip_prefix("test result: ") else {
            continue;
        };
        for part in rest.split([';', '.']) {
            let mut words = part.split_whitespace();
            let (Some(n), Some(what)) = (words.next().and_then(|n| n.parse::<u64>().ok()), words.next()) else {
                continue;
            };
            match what {
                "passed" => c.run += n,
                "failed" => {
                    c.run += n;
                    c.failed += n;
                }
                "ignored" => c.skipped += n,
                _ => {}
            }
        }
    }
    c
}

#[derive(Clone, Copy)]
enum Mode {
    Overlay,
    Interpreter,
}

/// Third-party packages that CPython's test files use when present
/// (test_binascii's property tests need hypothesis on 3.13; without it they
/// are skipped). Installed once per Python into `target/pydeps/<tag>`.
const TEST_DEPS: &[&str] = &["hypothesis"];

fn test_deps(root: &Path, py: &Python) -> Result<std::path::PathBuf> {
    let dir = root.join("target/pydeps").join(py.tag());
    let stamp = dir.join(".oxpy-installed");
    if std::fs::read_to_string(&stamp).is_ok_and(|s| s == TEST_DEPS.join(" ")) {
        return Ok(dir);
    }
    println!("== installing test dependencies for Python {}: {}", py.full_version(), TEST_DEPS.join(" "));
    let mut cmd = Command::new(&py.exe);
    cmd.args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--upgrade", "--target"])
        .arg(&dir)
        .args(TEST_DEPS);
    crate::util::output_checked(&mut cmd, "pip install of the test dependencies")?;
    std::fs::write(&stamp, TEST_DEPS.join(" ")).map_err(|e| format!("{}: {e}", stamp.display()))?;
    Ok(dir)
}

/// Runs `conformance/<module>.txt` with the Rust module active (and the test
/// dependencies importable, after it).
fn conformance(root: &Path, py: &Python, built: &Built, deps: Option<&Path>, module: &str, mode: Mode) -> Row {
    let t = Instant::now();
    let mode_name = match mode {
        Mode::Overlay => "overlay",
        Mode::Interpreter => "interpreter",
    };
    println!("== conformance: {module}, Python {}, {mode_name}", py.full_version());
    let row = |counts, ok, note: &str| Row::new(module, py, mode_name, counts, ok, t, note);
    let list_file = root.join("conformance").join(format!("{module}.txt"));
    let tests = match read_list(&list_file) {
        Ok(tests) if !tests.is_empty() => tests,
        Ok(_) => {
            return row(None, false, &format!("{} lists no tests", list_file.display()));
        }
        Err(e) => return row(None, false, &e),
    };
    let exe = match mode {
        Mode::Overlay => &py.exe,
        Mode::Interpreter => &built.interpreter,
    };
    let mut cmd = Command::new(exe);
    cmd.arg(root.join("tests/python/run_conformance.py")).args(["--module", module]);
    let mut path = Vec::new();
    match mode {
        Mode::Overlay => {
            cmd.args(["--mode", "overlay", "--overlay"]).arg(&built.overlay);
            path.push(built.overlay.clone());
        }
        Mode::Interpreter => {
            cmd.args(["--mode", "builtin"]);
        }
    }
    path.extend(deps.map(Path::to_path_buf));
    match std::env::join_paths(&path) {
        Ok(p) if !path.is_empty() => cmd.env("PYTHONPATH", p),
        _ => cmd.env_remove("PYTHONPATH"),
    };
    cmd.arg("--").args(&tests);
    let (ok, counts, note) = run_result_script(&mut cmd, SUITE_TIMEOUT);
    row(counts, ok, &note)
}

fn diff_script(root: &Path, module: &str) -> std::path::PathBuf {
    root.join("tests/python").join(format!("diff_{module}.py"))
}

fn behaviour_script(root: &Path, module: &str) -> std::path::PathBuf {
    root.join("tests/python").join(format!("{module}_behaviour.py"))
}

/// Runs `tests/python/<module>_behaviour.py`: a module's checks that are not
/// C-vs-Rust comparisons of single calls (zlib: the GIL released while
/// compressing, per-object locking, bounded memory on bombs, interop).
fn behaviour(root: &Path, py: &Python, built: &Built, module: &str) -> Row {
    let t = Instant::now();
    println!("== behaviour: {module}, Python {}", py.full_version());
    let rust = match built.overlay_file(py, module) {
        Ok(path) => path,
        Err(e) => return Row::new(module, py, "behaviour", None, false, t, &e),
    };
    let mut cmd = Command::new(&py.exe);
    cmd.arg(behaviour_script(root, module)).arg("--rust").arg(rust).env_remove("PYTHONPATH");
    let (ok, counts, note) = run_result_script(&mut cmd, SUITE_TIMEOUT);
    Row::new(module, py, "behaviour", counts, ok, t, &note)
}

/// Runs `tests/python/diff_<module>.py`, comparing the C and Rust modules.
fn differential(root: &Path, py: &Python, built: &Built, module: &str, seconds: u32) -> Row {
    let t = Instant::now();
    println!("== differential: {module}, Python {}", py.full_version());
    let rust = match built.overlay_file(py, module) {
        Ok(path) => path,
        Err(e) => return Row::new(module, py, "differential", None, false, t, &e),
    };
    let mut cmd = Command::new(&py.exe);
    cmd.arg(diff_script(root, module))
        .arg("--rust")
        .arg(rust)
        .args(["--time", &seconds.to_string()])
        .env_remove("PYTHONPATH");
    let timeout = SUITE_TIMEOUT + Duration::from_secs(seconds.into());
    let (ok, counts, note) = run_result_script(&mut cmd, timeout);
    Row::new(module, py, "differential", counts, ok, t, &note)
}

/// Runs one of our Python scripts and reads its `OXPY-RESULT` line: passed
/// if it exited with 0 and reported no failure.
fn run_result_script(cmd: &mut Command, timeout: Duration) -> (bool, Option<Counts>, String) {
    let (ok, counts, note, _) = run_result_json(cmd, timeout);
    (ok, counts, note)
}

/// [`run_result_script`], also returning the whole `OXPY-RESULT` object.
pub(crate) fn run_result_json(cmd: &mut Command, timeout: Duration) -> (bool, Option<Counts>, String, Option<Json>) {
    let out = match run_tee(cmd, timeout) {
        Ok(out) => out,
        Err(e) => return (false, None, e, None),
    };
    let Some(status) = out.status else {
        return (false, None, format!("killed after {}", fmt_duration(timeout)), None);
    };
    let result = out.stdout.lines().rev().find_map(|l| l.strip_prefix(RESULT_PREFIX)).and_then(|j| json::parse(j).ok());
    let counts = result.as_ref().and_then(|json| {
        let n = |k| json.get(k).and_then(Json::as_u64);
        Some(Counts { run: n("run")?, failed: n("failed")?, skipped: n("skipped")? })
    });
    let (ok, counts, note) = match counts {
        None => (false, None, format!("no result line ({status})")),
        Some(c) if c.failed > 0 => (false, Some(c), String::new()),
        Some(c) if !status.success() => (false, Some(c), status.to_string()),
        Some(c) => (true, Some(c), String::new()),
    };
    (ok, counts, note, result)
}

/// The entries of a list file: one per line, `#` starts a comment.
fn read_list(path: &Path) -> Result<Vec<String>> {
    let text = fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(parse_list(&text))
}

fn parse_list(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or_default().trim())
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

pub(crate) fn print_summary(rows: &[Row], total: Duration) {
    let header = ["suite", "python", "mode", "run", "failed", "skipped", "time", "result"];
    let cells: Vec<[String; 8]> = rows
        .iter()
        .map(|r| {
            let n = |f: fn(&Counts) -> u64| r.counts.as_ref().map_or("-".to_owned(), |c| f(c).to_string());
            [
                r.suite.clone(),
                r.python.clone(),
                r.mode.clone(),
                n(|c| c.run),
                n(|c| c.failed),
                n(|c| c.skipped),
                fmt_duration(r.time),
                if r.ok { "pass".into() } else { format!("FAIL {}", r.note).trim_end().to_owned() },
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.len());
        }
    }
    let line = |row: &[&str]| {
        let parts: Vec<String> = row.iter().zip(widths).map(|(c, w)| format!("{c:<w$}")).collect();
        println!("{}", parts.join("  ").trim_end());
    };
    println!();
    println!("== summary ({} total)", fmt_duration(total));
    line(&header);
    for row in &cells {
        line(&row.iter().map(String::as_str).collect::<Vec<_>>());
    }
    let passed = rows.iter().filter(|r| r.ok).count();
    println!("{passed} passed, {} failed", rows.len() - passed);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_cargo_test_results() {
        let out = "running 3 tests\n\
                   test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s\n\
                   test result: FAILED. 1 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.10s\n";
        let c = cargo_test_counts(out);
        assert_eq!((c.run, c.failed, c.skipped), (6, 2, 1));
    }

    #[test]
    fn parses_lists() {
        let text = "# comment\ntest_binascii\n\n  test_base64  # why\n";
        assert_eq!(parse_list(text), ["test_binascii", "test_base64"]);
    }
}
