//! `cargo xtask fuzz`: robustness of the Rust modules beyond the conformance
//! tests, and the pieces of it that `cargo xtask test` runs briefly.
//!
//! - Differential fuzzing, per module and Python:
//!   `tests/python/fuzz_engine.py fuzz` calls the Rust and the C module on the
//!   same inputs (atheris/libFuzzer when it installs, else a built-in mutator)
//!   and saves every divergence, crash or hang, minimised, to
//!   `tests/corpus/<module>/`. The module's plug-in is
//!   `tests/python/fuzz_<module>.py`; atheris goes to `target/fuzzdeps/X.Y`.
//! - The corpus replay (`fuzz_engine.py replay`), the leak check
//!   (`leaks_check.py`) and the threaded stress test (`stress_threads.py`).
//! - `--native`: cargo-fuzz on the pure-Rust core
//!   (`modules/<module>/core/fuzz`, nightly); findings are minimised with
//!   `cargo fuzz tmin` into its `regressions/<target>/`, which its stable
//!   `cargo test --no-default-features` replays.
//! - `--valgrind`: the conformance list and the differential test's fixed
//!   cases under memcheck (`fuzz_valgrind.py`).
//! - `--miri`: the core's tests and the native fuzz checks under Miri.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::build::{self, Built};
use crate::json::Json;
use crate::pythons::{self, Python};
use crate::test::{self, Counts, Row};
use crate::util::{Result, cargo, create_dir_all, display_cmd, output_checked, run_tee};

/// Third-party packages of the fuzzing (coverage-guided mutation).
const FUZZ_DEPS: &[&str] = &["atheris"];

pub struct Options {
    /// Only this module (default: all).
    pub module: Option<String>,
    /// Seconds of fuzzing per module and Python (native: per module, split
    /// among its targets).
    pub time: u32,
    /// Only this Python (default: every installed 3.11-3.13; valgrind: the
    /// first of them).
    pub python: Option<String>,
    /// `auto`, `atheris` or `builtin`.
    pub engine: String,
    pub differential: bool,
    pub native: bool,
    pub valgrind: bool,
    pub miri: bool,
}

/// Runs what `opts` asks for; returns whether all of it passed.
pub fn run(root: &Path, opts: &Options) -> Result<bool> {
    let started = Instant::now();
    let mut modules = build::module_names(root)?;
    if let Some(m) = &opts.module {
        if !modules.contains(m) {
            return Err(format!("no module {m:?} (modules: {})", modules.join(", ")));
        }
        modules = vec![m.clone()];
    }
    let mut pythons = match &opts.python {
        Some(exe) => vec![pythons::chosen(Some(exe))?],
        None if opts.differential => pythons::discover()?,
        None => vec![pythons::chosen(None)?],
    };
    if !opts.differential {
        pythons.truncate(1);
    }
    let mut rows = Vec::new();
    if opts.differential || opts.valgrind {
        for py in &pythons {
            let Some(built) = crate::test::build_row(root, py, &mut rows) else { continue };
            for module in &modules {
                if opts.differential && !has_plugin(root, module) {
                    println!("== fuzz: {module} has no tests/python/fuzz_{module}.py: skipped");
                } else if opts.differential {
                    let deps = match fuzz_deps(root, py) {
                        Ok(dir) => Some(dir),
                        Err(e) => {
                            eprintln!("xtask: {e}\nxtask: fuzzing with the built-in engine");
                            None
                        }
                    };
                    rows.push(python_fuzz(root, py, &built, deps.as_deref(), module, "run", opts.time, &opts.engine));
                }
                if opts.valgrind {
                    rows.push(valgrind(root, py, &built, module));
                }
            }
        }
    }
    for module in &modules {
        if opts.native {
            rows.extend(native(root, module, opts.time));
        }
        if opts.miri {
            rows.extend(miri(root, module));
        }
    }
    test::print_summary(&rows, started.elapsed());
    Ok(rows.iter().all(|r| r.ok))
}

fn script(root: &Path, name: &str) -> PathBuf {
    root.join("tests/python").join(name)
}

/// Whether the module has a fuzz plug-in (`tests/python/fuzz_<module>.py`).
pub fn has_plugin(root: &Path, module: &str) -> bool {
    script(root, &format!("fuzz_{module}.py")).is_file()
}

fn corpus_dir(root: &Path, module: &str) -> PathBuf {
    root.join("tests/corpus").join(module)
}

/// Installs atheris into `target/fuzzdeps/<tag>` (once).
pub fn fuzz_deps(root: &Path, py: &Python) -> Result<PathBuf> {
    let dir = root.join("target/fuzzdeps").join(py.tag());
    let stamp = dir.join(".oxpy-installed");
    if fs::read_to_string(&stamp).is_ok_and(|s| s == FUZZ_DEPS.join(" ")) {
        return Ok(dir);
    }
    println!("== installing fuzzing dependencies for Python {}: {}", py.full_version(), FUZZ_DEPS.join(" "));
    let mut cmd = Command::new(&py.exe);
    cmd.args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--upgrade", "--target"])
        .arg(&dir)
        .args(FUZZ_DEPS)
        .env("PIP_ROOT_USER_ACTION", "ignore");
    output_checked(&mut cmd, "pip install of the fuzzing dependencies (atheris)")?;
    fs::write(&stamp, FUZZ_DEPS.join(" ")).map_err(|e| format!("{}: {e}", stamp.display()))?;
    Ok(dir)
}

/// A Python script of ours with the Rust module file as `--rust`.
fn python_cmd(py: &Python, built: &Built, module: &str, name: &str, root: &Path) -> Result<Command> {
    let rust = built.overlay_file(py, module)?;
    let mut cmd = Command::new(&py.exe);
    cmd.arg(script(root, name)).args(["--module", module, "--rust"]).arg(rust).env_remove("PYTHONPATH");
    Ok(cmd)
}

fn row_from(module: &str, py: &Python, mode: &str, t: Instant, r: Result<(bool, Option<Counts>, String)>) -> Row {
    match r {
        Ok((ok, counts, note)) => Row::new(module, py, mode, counts, ok, t, &note),
        Err(e) => Row::new(module, py, mode, None, false, t, &e),
    }
}

/// Differential fuzzing of `module` on `py` for `seconds`; `name` is the
/// work directory's (`target/fuzz/<module>/<X.Y>/<name>`).
#[allow(clippy::too_many_arguments)]
pub fn python_fuzz(
    root: &Path,
    py: &Python,
    built: &Built,
    deps: Option<&Path>,
    module: &str,
    name: &str,
    seconds: u32,
    engine: &str,
) -> Row {
    let t = Instant::now();
    let mode = if name == "run" { "fuzz".to_owned() } else { format!("fuzz-{name}") };
    println!("== fuzz: {module}, Python {}, {seconds}s", py.full_version());
    let r = python_cmd(py, built, module, "fuzz_engine.py", root).map(|mut cmd| {
        let workdir = root.join("target/fuzz").join(module).join(py.tag()).join(name);
        cmd.arg("fuzz")
            .args(["--time", &seconds.to_string(), "--engine", engine, "--workdir"])
            .arg(workdir)
            .arg("--corpus")
            .arg(corpus_dir(root, module));
        match deps {
            Some(dir) => cmd.env("PYTHONPATH", dir),
            None => cmd.env_remove("PYTHONPATH"),
        };
        let timeout = Duration::from_secs(u64::from(seconds) + 900);
        let (ok, counts, mut note, json) = test::run_result_json(&mut cmd, timeout);
        let engine = json.as_ref().and_then(|j| j.get("engine")).and_then(Json::as_str).unwrap_or("?").to_owned();
        if let Some(j) = &json {
            let list = |k: &str| j.get(k).and_then(Json::as_array).map_or(0, Vec::len);
            let (new, crashes) = (list("new_divergences"), list("crashes"));
            if new + crashes > 0 {
                note = format!("{new} new divergences, {crashes} crashes/hangs (saved to tests/corpus/{module})");
            }
        }
        (ok, counts, engine, note)
    });
    // The engine is worth seeing on passing rows too: it goes in the mode.
    match r {
        Ok((ok, counts, engine, note)) => Row::new(module, py, &format!("{mode} ({engine})"), counts, ok, t, &note),
        Err(e) => Row::new(module, py, &mode, None, false, t, &e),
    }
}

/// Replays `tests/corpus/<module>/`.
pub fn corpus_replay(root: &Path, py: &Python, built: &Built, module: &str) -> Row {
    let t = Instant::now();
    println!("== corpus: {module}, Python {}", py.full_version());
    let r = python_cmd(py, built, module, "fuzz_engine.py", root).map(|mut cmd| {
        cmd.arg("replay").arg("--corpus").arg(corpus_dir(root, module));
        cmd.arg("--workdir").arg(root.join("target/fuzz").join(module).join(py.tag()).join("replay"));
        let (ok, counts, note, _) = test::run_result_json(&mut cmd, Duration::from_secs(30 * 60));
        (ok, counts, note)
    });
    row_from(module, py, "corpus", t, r)
}

/// The leak check: `calls` per round for every success and error path.
pub fn leaks(root: &Path, py: &Python, built: &Built, module: &str, calls: u32) -> Row {
    let t = Instant::now();
    println!("== leaks: {module}, Python {}", py.full_version());
    let r = python_cmd(py, built, module, "leaks_check.py", root).and_then(|mut cmd| {
        cmd.args(["--calls", &calls.to_string(), "--tests"]).args(conformance_list(root, module)?);
        let (ok, counts, note, _) = test::run_result_json(&mut cmd, Duration::from_secs(30 * 60));
        Ok((ok, counts, note))
    });
    row_from(module, py, "leaks", t, r)
}

/// Threads sharing the module and its inputs, against sequential outcomes.
pub fn stress(root: &Path, py: &Python, built: &Built, module: &str, seconds: u32) -> Row {
    let t = Instant::now();
    println!("== stress: {module}, Python {}", py.full_version());
    let r = python_cmd(py, built, module, "stress_threads.py", root).map(|mut cmd| {
        cmd.args(["--time", &seconds.to_string(), "--threads", "8"]);
        let timeout = Duration::from_secs(u64::from(seconds) + 600);
        let (ok, counts, note, _) = test::run_result_json(&mut cmd, timeout);
        (ok, counts, note)
    });
    row_from(module, py, "stress", t, r)
}

fn conformance_list(root: &Path, module: &str) -> Result<Vec<String>> {
    let path = root.join("conformance").join(format!("{module}.txt"));
    let text = fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(text
        .lines()
        .map(|l| l.split('#').next().unwrap_or_default().trim())
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect())
}

fn valgrind(root: &Path, py: &Python, built: &Built, module: &str) -> Row {
    let t = Instant::now();
    println!("== valgrind: {module}, Python {} (takes a while)", py.full_version());
    let r = python_cmd(py, built, module, "fuzz_valgrind.py", root).and_then(|mut cmd| {
        let out = root.join("target/fuzz").join(module).join(py.tag()).join("valgrind");
        cmd.arg("--out").arg(out).arg("--tests").args(conformance_list(root, module)?);
        let (ok, counts, note, _) = test::run_result_json(&mut cmd, Duration::from_secs(4 * 3600));
        Ok((ok, counts, note))
    });
    row_from(module, py, "valgrind", t, r)
}

/// A row without a Python (the cargo-side checks).
fn cargo_row(suite: &str, mode: &str, counts: Option<Counts>, ok: bool, t: Instant, note: &str) -> Row {
    Row {
        suite: suite.to_owned(),
        python: "-".into(),
        mode: mode.to_owned(),
        counts,
        ok,
        time: t.elapsed(),
        note: note.lines().next().unwrap_or_default().to_owned(),
    }
}

fn core_fuzz_dir(root: &Path, module: &str) -> PathBuf {
    root.join("modules").join(module).join("core/fuzz")
}

/// Stable `cargo test` of the core's fuzz crate: replays its regressions and
/// runs the checks on generated inputs. `None` if the module has none.
pub fn core_fuzz_replay(root: &Path, module: &str) -> Option<Row> {
    let dir = core_fuzz_dir(root, module);
    if !dir.join("Cargo.toml").is_file() {
        return None;
    }
    let t = Instant::now();
    println!("== core fuzz checks: {module} (stable, regressions + generated inputs)");
    let mut cmd = Command::new(cargo());
    cmd.current_dir(&dir)
        .args(["test", "--no-default-features"])
        .env("CARGO_TARGET_DIR", root.join("target/core-fuzz"))
        .env_remove("RUSTUP_TOOLCHAIN");
    let (ok, counts, note) = match run_tee(&mut cmd, Duration::from_secs(30 * 60)) {
        Ok(out) => {
            let ok = out.status.is_some_and(|s| s.success());
            (
                ok,
                Some(test::cargo_test_counts(&out.stdout)),
                if ok { String::new() } else { "cargo test failed".into() },
            )
        }
        Err(e) => (false, None, e),
    };
    Some(cargo_row(module, "core-fuzz replay", counts, ok, t, &note))
}

fn nightly_cargo() -> Command {
    let mut cmd = Command::new("cargo");
    cmd.arg("+nightly").env_remove("RUSTUP_TOOLCHAIN").env_remove("CARGO");
    cmd
}

fn ensure_cargo_fuzz() -> Result<()> {
    if nightly_cargo()
        .args(["fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
    {
        return Ok(());
    }
    println!("== installing cargo-fuzz (cargo install cargo-fuzz --locked)");
    output_checked(Command::new("cargo").args(["install", "cargo-fuzz", "--locked"]), "cargo install cargo-fuzz")
        .map(drop)
}

/// The fuzz targets of the core: `fuzz_targets/<name>.rs`.
fn native_targets(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir.join("fuzz_targets"))
        .map(|rd| {
            rd.flatten()
                .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_suffix(".rs")).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// cargo-fuzz on each target of the core for `seconds / targets` each.
fn native(root: &Path, module: &str, seconds: u32) -> Vec<Row> {
    let dir = core_fuzz_dir(root, module);
    let t = Instant::now();
    if !dir.join("Cargo.toml").is_file() {
        return vec![cargo_row(module, "native fuzz", None, true, t, "")];
    }
    if let Err(e) = ensure_cargo_fuzz() {
        return vec![cargo_row(module, "native fuzz", None, false, t, &e)];
    }
    let targets = native_targets(&dir);
    let each = (seconds / targets.len().max(1) as u32).max(5);
    let core = dir.parent().unwrap_or(&dir).to_path_buf();
    let target_dir = root.join("target/cargo-fuzz");
    let mut rows = Vec::new();
    for target in targets {
        let t = Instant::now();
        println!("== native fuzz: {module} core, target {target}, {each}s (cargo +nightly fuzz)");
        let work = root.join("target/fuzz").join(module).join("native").join(&target);
        let (corpus, artifacts) = (work.join("corpus"), work.join("artifacts"));
        let _ = fs::remove_dir_all(&artifacts);
        if let Err(e) = create_dir_all(&corpus).and_then(|()| create_dir_all(&artifacts)) {
            rows.push(cargo_row(module, &format!("native {target}"), None, false, t, &e));
            continue;
        }
        let log = work.join("fuzz.log");
        let mut cmd = nightly_cargo();
        cmd.current_dir(&core)
            .args(["fuzz", "run", "--target-dir"])
            .arg(&target_dir)
            .arg(&target)
            .arg(&corpus)
            .arg("--")
            .arg(format!("-max_total_time={each}"))
            .arg(format!("-artifact_prefix={}/", artifacts.display()))
            .arg("-print_final_stats=1");
        let status = fs::File::create(&log).map_err(|e| e.to_string()).and_then(|f| {
            let err = f.try_clone().map_err(|e| e.to_string())?;
            println!("   {} (log: {})", display_cmd(&cmd), log.display());
            cmd.stdout(f).stderr(err).stdin(Stdio::null()).status().map_err(|e| e.to_string())
        });
        let text = fs::read_to_string(&log).unwrap_or_default();
        let stat =
            |key: &str| text.lines().find_map(|l| l.strip_prefix(key)).and_then(|v| v.trim().parse::<u64>().ok());
        let runs = stat("stat::number_of_executed_units:");
        let counts = runs.map(|run| Counts { run, failed: 0, skipped: 0 });
        let (ok, note) = match status {
            Ok(s) if s.success() => {
                let rate = stat("stat::average_exec_per_sec:").unwrap_or(0);
                println!("   {} executions ({rate}/s), no crash", runs.unwrap_or(0));
                (true, String::new())
            }
            Ok(s) => {
                let tail: Vec<&str> = text.lines().rev().take(30).collect::<Vec<_>>().into_iter().rev().collect();
                println!("{}", tail.join("\n"));
                (false, save_native_findings(&core, &target_dir, &dir, &target, &artifacts, s.to_string()))
            }
            Err(e) => (false, e),
        };
        let counts = counts.map(|c| Counts { failed: u64::from(!ok), ..c });
        rows.push(cargo_row(module, &format!("native {target}"), counts, ok, t, &note));
    }
    rows
}

/// Copies each crash artifact to `regressions/<target>/` and minimises it
/// there with `cargo fuzz tmin`. Returns the row's note.
fn save_native_findings(
    core: &Path,
    target_dir: &Path,
    fuzz_dir: &Path,
    target: &str,
    artifacts: &Path,
    status: String,
) -> String {
    let found: Vec<PathBuf> = fs::read_dir(artifacts)
        .map(|rd| rd.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect())
        .unwrap_or_default();
    if found.is_empty() {
        return format!("cargo fuzz failed ({status}) without an artifact");
    }
    let regressions = fuzz_dir.join("regressions").join(target);
    let _ = create_dir_all(&regressions);
    let mut saved = Vec::new();
    for artifact in found {
        let name = artifact.file_name().and_then(|n| n.to_str()).unwrap_or("crash").to_owned();
        let dest = regressions.join(&name);
        if fs::copy(&artifact, &dest).is_err() {
            continue;
        }
        // libFuzzer's crash minimisation writes each smaller crashing input
        // to the exact path: the copy above is replaced by the minimised one.
        let mut tmin = nightly_cargo();
        tmin.current_dir(core)
            .args(["fuzz", "tmin", "--target-dir"])
            .arg(target_dir)
            .arg(target)
            .arg(&artifact)
            .arg("--")
            .arg("-runs=2000")
            .arg(format!("-exact_artifact_path={}", dest.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let _ = tmin.status();
        saved.push(dest.display().to_string());
    }
    format!("crash ({status}); saved {}", saved.join(", "))
}

/// `cargo +nightly miri test` of the core crate and of its fuzz checks.
fn miri(root: &Path, module: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    let core_manifest = root.join("modules").join(module).join("core/Cargo.toml");
    let fuzz_manifest = core_fuzz_dir(root, module).join("Cargo.toml");
    // The core's property tests (proptest, up to 2000 cases of inputs up to
    // 3000 bytes each) would take hours under Miri: its unit tests and the C
    // vectors run, and the same properties run through the fuzz crate's
    // checks on generated inputs (fewer under cfg(miri)).
    let runs: [(&str, &Path, &[&str]); 2] = [
        ("miri core", &core_manifest, &["--lib", "--test", "vectors"]),
        ("miri core-fuzz checks", &fuzz_manifest, &["--no-default-features"]),
    ];
    for (mode, manifest, extra) in runs {
        if !manifest.is_file() {
            continue;
        }
        let t = Instant::now();
        println!(
            "== {mode}: {module} (cargo +nightly miri test; under Miri no CPU feature is detected, so the SIMD crates take their portable paths)"
        );
        let mut cmd = nightly_cargo();
        cmd.args(["miri", "test", "--manifest-path"])
            .arg(manifest)
            .args(extra)
            .env("CARGO_TARGET_DIR", root.join("target/miri"))
            .env("MIRIFLAGS", std::env::var("MIRIFLAGS").unwrap_or_else(|_| "-Zmiri-disable-isolation".into()));
        let (ok, counts, note) = match run_tee(&mut cmd, Duration::from_secs(3 * 3600)) {
            Ok(out) => {
                let ok = out.status.is_some_and(|s| s.success());
                let note = if ok { String::new() } else { "miri test failed (see above)".into() };
                (ok, Some(test::cargo_test_counts(&out.stdout)), note)
            }
            Err(e) => (false, None, e),
        };
        rows.push(cargo_row(module, mode, counts, ok, t, &note));
    }
    rows
}

/// The fuzz rows of `cargo xtask test` for one module and Python: corpus
/// replay, a short fuzz run, leaks, stress.
pub fn test_rows(root: &Path, py: &Python, built: &Built, module: &str, fuzz_seconds: u32) -> Vec<Row> {
    if !has_plugin(root, module) {
        return Vec::new();
    }
    let mut rows = vec![corpus_replay(root, py, built, module)];
    if fuzz_seconds > 0 {
        let deps = match fuzz_deps(root, py) {
            Ok(dir) => Some(dir),
            Err(e) => {
                eprintln!("xtask: {e}\nxtask: fuzzing with the built-in engine");
                None
            }
        };
        rows.push(python_fuzz(root, py, built, deps.as_deref(), module, "smoke", fuzz_seconds, "auto"));
    }
    rows.push(leaks(root, py, built, module, 300));
    rows.push(stress(root, py, built, module, 2));
    rows
}
