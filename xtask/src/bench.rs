//! `cargo xtask bench [module...]`: the side-by-side benchmark suite.
//!
//! 1. Builds the overlay and the linked interpreter for the chosen Python, and
//!    copies them to `target/bench/build-X.Y` (other builds may replace the
//!    originals during the run).
//! 2. Makes a venv of that Python (`target/bench/venv-X.Y`) with the peers
//!    from PyPI (pybase64, orjson, ujson, zlib-ng, isal), matplotlib and
//!    pyperformance. A package that does not install is reported, never fatal.
//! 3. Micro-benchmarks: `tests/python/bench_<module>.py` for each module
//!    (C vs Rust vs peers, interleaved in one process; see `bench.py`), run
//!    with the venv's Python and the overlay on `PYTHONPATH`; results as JSON
//!    in `target/bench/<module>.json`. A case's size is in bytes or in items
//!    (a list's or heap's length, a struct format's fields): the summary has
//!    one table per unit.
//! 4. Whole programs: the pyperformance benchmarks that the case files name
//!    (plus json_dumps and json_loads) on the stock interpreter, the stock
//!    interpreter with the overlay, and the linked interpreter.
//! 5. Report: `target/bench/results.md` and `ratios.png`; unless `--quick`,
//!    also `bench/results.md`, `bench/ratios.png` and the README's
//!    Benchmarks section (between its markers, nothing else).
//!
//! `--check` fails the run when a Rust function is slower than C beyond
//! [`MARGIN`]; a result that differs between C and Rust always fails it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crate::build::{self, Built};
use crate::json::{self, Json};
use crate::pythons::Python;
use crate::util::{Result, copy_if_changed, create_dir_all, display_cmd, fmt_duration, output_checked, write_atomic};

/// The noise margin of `--check`: a function fails when its median C time /
/// Rust time is below 1 / (1 + MARGIN), i.e. Rust is more than 10% slower.
pub const MARGIN: f64 = 0.10;

const README_START: &str = "<!-- bench:start -->";
const README_END: &str = "<!-- bench:end -->";
/// Where the Benchmarks section goes when the README has no markers yet.
const README_BEFORE: &str = "## Layout";

/// pyperformance benchmarks that always run as whole programs: they use
/// `_json`, which is to be replaced; until then they are controls (any
/// difference is the interpreter build or noise). Modules add theirs with
/// `PROGRAMS` in their case file.
const BASELINE_PROGRAMS: &[&str] = &["json_dumps", "json_loads"];

/// Whole programs run in this many rounds of `pyperformance run --fast`
/// (10 processes, 20 values each), the configurations interleaved, so that
/// the load of the shared machine changing over the minutes affects them
/// alike; 2 rounds are 2/3 of pyperformance's default number of values.
const PROGRAM_ROUNDS: usize = 2;

/// What a package in the bench's venv is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Purpose {
    /// Timed beside the modules (a case file names it in `PEERS`).
    Peer,
    /// Draws `ratios.png`.
    Plot,
    /// Runs the whole programs (`pyperf compare_to` too).
    Programs,
}

/// The packages the bench installs into its venv. A module whose peers are
/// not here adds them here.
const PACKAGES: &[(&str, Purpose)] = &[
    ("pybase64", Purpose::Peer),
    ("orjson", Purpose::Peer),
    ("ujson", Purpose::Peer),
    ("zlib-ng", Purpose::Peer),
    ("isal", Purpose::Peer),
    ("matplotlib", Purpose::Plot),
    ("pyperf", Purpose::Programs),
    ("pyperformance", Purpose::Programs),
];

/// The command's options.
pub struct Options {
    /// Modules to benchmark; empty: all that have a case file.
    pub modules: Vec<String>,
    pub quick: bool,
    pub check: bool,
    pub peers: bool,
    pub programs: bool,
}

/// Runs the suite. Returns false if a result differs between C and Rust,
/// or with `--check` if a function is slower than C beyond the margin.
pub fn run(root: &Path, py: &Python, opts: &Options) -> Result<bool> {
    let started = Instant::now();
    let date = utc_now();
    let load_before = load_average();
    let source = source_version(root);
    let (modules, unbenched) = select_modules(root, &opts.modules)?;
    let out = root.join("target/bench");
    create_dir_all(&out)?;
    let steps = 5;
    eprintln!(
        "xtask bench: {} on Python {} ({}); {}",
        modules.join(", "),
        py.full_version(),
        py.exe.display(),
        if opts.quick {
            "--quick: about a minute"
        } else if opts.programs {
            "this takes about 15 minutes (--quick: about a minute)"
        } else {
            "this takes a few minutes"
        }
    );
    for (module, why) in &unbenched {
        eprintln!("xtask bench: warning: {module} not benchmarked: {why}");
    }

    progress(1, steps, "building the modules and the linked interpreter");
    let built = snapshot(&build::build(root, py, false)?, &out, py)?;

    progress(2, steps, &format!("venv {} with the peers, matplotlib and pyperformance", venv_dir(&out, py).display()));
    let wanted: Vec<&str> = PACKAGES
        .iter()
        .filter(|(_, purpose)| match purpose {
            Purpose::Peer => opts.peers,
            Purpose::Plot => true,
            Purpose::Programs => opts.programs && !opts.quick,
        })
        .map(|(name, _)| *name)
        .collect();
    let venv = Venv::ensure(root, &out, py, &wanted);
    for (package, status) in &venv.packages {
        match status {
            Ok(version) => eprintln!("  {package} {version}"),
            Err(why) => eprintln!("  {package}: {why}"),
        }
    }

    progress(3, steps, "micro-benchmarks (C vs Rust vs peers, interleaved in one process)");
    let mut results = Vec::new();
    for module in &modules {
        results.push(run_module(root, &out, py, &built, &venv, module, opts)?);
    }

    let programs = if opts.programs && !opts.quick {
        progress(4, steps, "whole programs (pyperformance): stock vs stock + overlay vs linked interpreter");
        Some(run_programs(&out, py, &built, &venv, &results))
    } else {
        let why = if opts.quick { "--quick" } else { "--no-programs" };
        progress(4, steps, &format!("whole programs: skipped ({why})"));
        None
    };

    progress(5, steps, "report");
    let slow = slow_rows(&results);
    let run = RunInfo {
        date,
        source,
        took: fmt_duration(started.elapsed()),
        command: command_line(opts),
        machine: Machine::describe(root, py, &built, load_before, load_average()),
        unbenched,
    };
    let results_md = render_results(&run, &results, programs.as_ref(), &venv, &slow);
    let results_file = out.join("results.md");
    write_atomic(&results_file, results_md.as_bytes())?;
    let png = out.join("ratios.png");
    let plotted = plot(root, &venv, &results, &png, &run);
    if let Err(e) = &plotted {
        eprintln!("xtask bench: no plot: {e}");
    }

    println!("{}", render_summary(&results));
    if let Some(programs) = &programs {
        println!("{}", render_programs_summary(programs));
    }
    if opts.quick {
        println!("results: {} (--quick: bench/ and the README are left as they are)", results_file.display());
    } else {
        publish(root, &results_md, plotted.is_ok().then_some(png.as_path()), &run, &results, programs.as_ref())?;
        println!("results: bench/results.md, bench/ratios.png and the README's Benchmarks section");
    }

    let mismatches: u64 = results.iter().map(|r| r.mismatches).sum();
    if mismatches > 0 {
        eprintln!("xtask bench: FAILED: {mismatches} cases where the C and Rust results differ (MISMATCH rows)");
    }
    let threshold = 1.0 / (1.0 + MARGIN);
    if slow.is_empty() {
        println!("check: no function is slower than C beyond the {:.0}% noise margin", MARGIN * 100.0);
    } else {
        let verdict = if opts.check { "FAILED" } else { "note" };
        println!(
            "check {verdict}: {} cases slower than C beyond the {:.0}% noise margin (C/Rust < {threshold:.3}):",
            slow.len(),
            MARGIN * 100.0
        );
        for row in &slow {
            println!("  {row}");
        }
    }
    Ok(mismatches == 0 && (!opts.check || slow.is_empty()))
}

/// Copies the overlay and the linked interpreter to `target/bench/build-X.Y`
/// and returns the copies: other builds in the same work tree (a test or
/// fuzz run, another engineer) replace `target/oxpy` while the benchmarks,
/// which take minutes, start new processes that must all run the same code.
fn snapshot(built: &Built, out: &Path, py: &Python) -> Result<Built> {
    let dir = out.join(format!("build-{}", py.tag()));
    let overlay = dir.join("overlay");
    let bin = dir.join("bin");
    create_dir_all(&overlay)?;
    create_dir_all(&bin)?;
    let mut wanted = Vec::new();
    for module in &built.modules {
        let file = built.overlay_file(py, module)?;
        let name = file.file_name().unwrap_or_default().to_owned();
        copy_if_changed(&file, &overlay.join(&name))?;
        wanted.push(name);
    }
    for entry in fs::read_dir(&overlay).map_err(|e| format!("cannot list {}: {e}", overlay.display()))?.flatten() {
        if !wanted.contains(&entry.file_name()) {
            let _ = fs::remove_file(entry.path());
        }
    }
    // The copy finds the installed standard library through its compiled-in
    // prefix, as the original does; make sure it starts.
    let interpreter = bin.join("python3");
    copy_if_changed(&built.interpreter, &interpreter)?;
    let script = format!("import sys; assert all(m in sys.builtin_module_names for m in {:?})", built.modules);
    output_checked(Command::new(&interpreter).args(["-c", &script]), "starting the copy of the linked interpreter")?;
    Ok(Built { modules: built.modules.clone(), overlay, interpreter })
}

fn progress(step: usize, steps: usize, what: &str) {
    eprintln!("xtask bench [{step}/{steps}] {what}");
}

/// The modules to benchmark, and the ones left out with the reason. Without
/// names: every module that has a case file. Named: each must have one.
/// (module, why it is not benchmarked).
type Unbenched = Vec<(String, String)>;

fn select_modules(root: &Path, names: &[String]) -> Result<(Vec<String>, Unbenched)> {
    let all = build::module_names(root)?;
    let case_file = |m: &str| root.join("tests/python").join(format!("bench_{m}.py"));
    if names.is_empty() {
        let (with, without): (Vec<String>, Vec<String>) = all.into_iter().partition(|m| case_file(m).is_file());
        if with.is_empty() {
            return Err("no module has a case file tests/python/bench_<module>.py".into());
        }
        let why = |m: String| (m.clone(), format!("no case file tests/python/bench_{m}.py"));
        return Ok((with, without.into_iter().map(why).collect()));
    }
    for name in names {
        if !all.contains(name) {
            return Err(format!("no module {name:?} (modules: {})", all.join(", ")));
        }
        if !case_file(name).is_file() {
            return Err(format!("{} not found: no benchmarks for {name}", case_file(name).display()));
        }
    }
    let mut modules = names.to_vec();
    modules.dedup();
    Ok((modules, Vec::new()))
}

fn command_line(opts: &Options) -> String {
    let mut cmd = String::from("cargo xtask bench");
    for m in &opts.modules {
        cmd.push(' ');
        cmd.push_str(m);
    }
    for (on, flag) in [
        (opts.quick, "--quick"),
        (opts.check, "--check"),
        (!opts.peers, "--no-peers"),
        (!opts.programs, "--no-programs"),
    ] {
        if on {
            cmd.push(' ');
            cmd.push_str(flag);
        }
    }
    cmd
}

// ---------------------------------------------------------------------------
// The venv

fn venv_dir(out: &Path, py: &Python) -> PathBuf {
    out.join(format!("venv-{}", py.tag()))
}

/// The bench's venv: its Python (None if it could not be made) and what
/// became of each package (its version, or why it is missing).
struct Venv {
    python: Option<PathBuf>,
    packages: Vec<(String, Result<String>)>,
}

impl Venv {
    /// Makes (or reuses) the venv of `py` and installs `packages`; failures
    /// are recorded, not returned. pip's output goes to `target/bench/pip.log`.
    fn ensure(root: &Path, out: &Path, py: &Python, packages: &[&str]) -> Venv {
        let log = out.join("pip.log");
        let log_shown = relative(root, &log);
        let _ = fs::remove_file(&log);
        let dir = venv_dir(out, py);
        let python = dir.join("bin/python");
        let missing = |why: &str| packages.iter().map(|p| (p.to_string(), Err(why.to_owned()))).collect();
        if !venv_matches(&python, py) {
            let mut cmd = Command::new(&py.exe);
            cmd.args(["-m", "venv", "--clear"]).arg(&dir).env_remove("PYTHONPATH");
            if let Err(e) = run_logged(&mut cmd, &log) {
                eprintln!("xtask bench: cannot make the venv: {e}");
                return Venv { python: None, packages: missing("not installed: the venv could not be made") };
            }
        }
        let install = |names: &[&str]| {
            let mut cmd = Command::new(&python);
            cmd.args(["-m", "pip", "install", "--disable-pip-version-check"]).args(names).env_remove("PYTHONPATH");
            run_logged(&mut cmd, &log)
        };
        // All at once; if that fails, one by one so one bad package costs only itself.
        if !packages.is_empty() && install(packages).is_err() {
            for package in packages {
                if let Err(e) = install(&[package]) {
                    eprintln!("xtask bench: pip could not install {package}: {e}");
                }
            }
        }
        let versions = installed_versions(&python, packages).unwrap_or_default();
        let packages = packages
            .iter()
            .map(|&p| {
                let status = match versions.get(p).and_then(Json::as_str) {
                    Some(v) => Ok(v.to_owned()),
                    None => Err(format!("not installed (pip failed: see {log_shown})")),
                };
                (p.to_owned(), status)
            })
            .collect();
        Venv { python: Some(python), packages }
    }

    /// Whether `package` is installed.
    fn has(&self, package: &str) -> bool {
        self.packages.iter().any(|(p, status)| p == package && status.is_ok())
    }

    /// Why `package` is missing, for messages.
    fn why_missing(&self, package: &str) -> String {
        match self.packages.iter().find(|(p, _)| p == package) {
            Some((_, Err(why))) => format!("{package}: {why}"),
            _ => format!("{package}: not installed"),
        }
    }
}

/// Whether `venv_python` exists and is a venv of `py` (same version, same
/// base executable).
fn venv_matches(venv_python: &Path, py: &Python) -> bool {
    let script = "import json, os, platform, sys\n\
                  print(json.dumps([platform.python_version(), os.path.realpath(sys._base_executable)]))";
    let Ok(text) = output_checked(Command::new(venv_python).args(["-c", script]), "checking the venv") else {
        return false;
    };
    let expected = Json::from(vec![py.full_version(), py.real_exe.display().to_string()]);
    json::parse(text.trim()).is_ok_and(|found| found == expected)
}

/// `{package: version or null}` from importlib.metadata in the venv.
fn installed_versions(python: &Path, packages: &[&str]) -> Result<serde_json::Map<String, Json>> {
    let script = format!(
        "import importlib.metadata as m, json\n\
         def version(p):\n    try:\n        return m.version(p)\n    except m.PackageNotFoundError:\n        return None\n\
         print(json.dumps({{p: version(p) for p in {packages:?}}}))"
    );
    let text = output_checked(Command::new(python).args(["-c", &script]), "listing the venv's packages")?;
    match json::parse(text.trim())? {
        Json::Object(map) => Ok(map),
        other => Err(format!("unexpected package list {other}")),
    }
}

/// Runs `cmd` with its output appended to `log`.
fn run_logged(cmd: &mut Command, log: &Path) -> Result<()> {
    let file = File::options().create(true).append(true).open(log).map_err(|e| format!("{}: {e}", log.display()))?;
    let err = file.try_clone().map_err(|e| format!("{}: {e}", log.display()))?;
    let status = cmd
        .stdin(Stdio::null())
        .stdout(file)
        .stderr(err)
        .status()
        .map_err(|e| format!("cannot run `{}`: {e}", display_cmd(cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status}): see {}", display_cmd(cmd), log.display()))
    }
}

// ---------------------------------------------------------------------------
// Micro-benchmarks

/// One module's micro-benchmark results (what bench.py writes).
struct ModuleResult {
    module: String,
    reps: u64,
    target_ms: f64,
    json_file: PathBuf,
    peers: Vec<PeerStatus>,
    /// (pyperformance benchmark, its pyperf benchmarks that use the module;
    /// empty: all).
    programs: Vec<(String, Vec<String>)>,
    /// What the sizes and rows mean, for the table's caption (the case
    /// file's `cases_note`; None: sizes of the decoded data, in bytes).
    cases_note: Option<String>,
    cases: Vec<CaseResult>,
    mismatches: u64,
}

struct PeerStatus {
    name: String,
    package: String,
    /// "ok", "not installed" or "skipped (--no-peers)".
    status: String,
    version: Option<String>,
    note: String,
}

struct CaseResult {
    function: String,
    size: u64,
    unit: Unit,
    /// By contender: "C", "Rust" and the peers' names.
    timings: BTreeMap<String, Timing>,
    /// Compressors: the output size by contender (empty otherwise).
    compressed_size: BTreeMap<String, f64>,
}

struct Timing {
    min: f64,
    median: f64,
    /// Whether the contender returned what C returned.
    same_output: bool,
}

/// What a case's size counts (bench.py's `UNITS`), in the order the
/// summary lists its tables.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Unit {
    /// The input's size (binascii, zlib, csv): "16 B", "1 MiB".
    Bytes,
    /// A count: a list's or a heap's length, a struct format's fields.
    Items,
}

impl Unit {
    fn parse(name: &str) -> Result<Unit> {
        match name {
            "bytes" => Ok(Unit::Bytes),
            "items" => Ok(Unit::Items),
            other => Err(format!("unknown size unit {other:?} (bytes or items)")),
        }
    }

    /// `n` in this unit, for tables: "45 B", "1 KiB"; "1 item", "100,000 items".
    fn fmt(self, n: u64) -> String {
        match self {
            Unit::Bytes => fmt_size(n),
            Unit::Items => format!("{} item{}", fmt_count(n), if n == 1 { "" } else { "s" }),
        }
    }
}

impl CaseResult {
    /// The case's size with its unit.
    fn size_label(&self) -> String {
        self.unit.fmt(self.size)
    }

    fn c(&self) -> &Timing {
        &self.timings["C"]
    }

    fn rust(&self) -> &Timing {
        &self.timings["Rust"]
    }

    /// C time / Rust time (median): above 1 means Rust is faster.
    fn ratio(&self) -> f64 {
        self.c().median / self.rust().median
    }

    fn mismatch(&self) -> bool {
        !self.rust().same_output
    }
}

fn run_module(
    root: &Path,
    out: &Path,
    py: &Python,
    built: &Built,
    venv: &Venv,
    module: &str,
    opts: &Options,
) -> Result<ModuleResult> {
    let json_file = out.join(format!("{module}.json"));
    let _ = fs::remove_file(&json_file);
    let python = venv.python.clone().unwrap_or_else(|| py.exe.clone());
    let mut cmd = Command::new(&python);
    cmd.arg(root.join("tests/python").join(format!("bench_{module}.py")))
        .arg("--rust")
        .arg(built.overlay_file(py, module)?)
        .arg("--json")
        .arg(&json_file)
        .env("PYTHONPATH", &built.overlay)
        .stdin(Stdio::null());
    if opts.quick {
        cmd.arg("--quick");
    }
    if !opts.peers {
        cmd.arg("--no-peers");
    }
    eprintln!("{module}: {}", display_cmd(&cmd));
    let status = cmd.status().map_err(|e| format!("cannot run `{}`: {e}", display_cmd(&cmd)))?;
    let text = fs::read_to_string(&json_file)
        .map_err(|_| format!("{module}: the benchmark wrote no results ({status}): `{}`", display_cmd(&cmd)))?;
    parse_module_result(&json::parse(&text)?, json_file)
}

fn parse_module_result(j: &Json, json_file: PathBuf) -> Result<ModuleResult> {
    let string = |v: &Json, key: &str| v.get(key).and_then(Json::as_str).unwrap_or_default().to_owned();
    let number = |v: &Json, key: &str| v.get(key).and_then(Json::as_f64).ok_or_else(|| format!("no {key} in {v}"));
    let peers = json::array(j.get("peers").unwrap_or(&Json::Null))
        .iter()
        .map(|p| PeerStatus {
            name: string(p, "name"),
            package: string(p, "package"),
            status: string(p, "status"),
            version: p.get("version").and_then(Json::as_str).map(str::to_owned),
            note: string(p, "note"),
        })
        .collect();
    let mut cases = Vec::new();
    for c in json::array(j.get("cases").unwrap_or(&Json::Null)) {
        let mut timings = BTreeMap::new();
        for (label, t) in c.get("timings").and_then(Json::as_object).into_iter().flatten() {
            let same_output = t.get("same_output").and_then(Json::as_bool).unwrap_or(false);
            timings.insert(label.clone(), Timing { min: number(t, "min")?, median: number(t, "median")?, same_output });
        }
        if !timings.contains_key("C") || !timings.contains_key("Rust") {
            return Err(format!("{}: a case without C or Rust timings", json_file.display()));
        }
        let compressed_size = c
            .get("compressed_size")
            .and_then(Json::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(label, n)| Some((label.clone(), n.as_f64()?)))
            .collect();
        let unit = c.get("unit").and_then(Json::as_str).map_or(Ok(Unit::Bytes), Unit::parse);
        cases.push(CaseResult {
            function: string(c, "function"),
            size: number(c, "size")? as u64,
            unit: unit.map_err(|e| format!("{}: {e}", json_file.display()))?,
            timings,
            compressed_size,
        });
    }
    Ok(ModuleResult {
        module: string(j, "module"),
        reps: j.get("reps").and_then(Json::as_u64).unwrap_or(0),
        target_ms: j.get("target_ms").and_then(Json::as_f64).unwrap_or(0.0),
        peers,
        programs: j
            .get("programs")
            .and_then(Json::as_object)
            .into_iter()
            .flatten()
            .map(|(bench, names)| (bench.clone(), json::strings(names).map(str::to_owned).collect()))
            .collect(),
        cases_note: j.get("cases_note").and_then(Json::as_str).map(str::to_owned),
        cases,
        mismatches: j.get("mismatches").and_then(Json::as_u64).unwrap_or(0),
        json_file,
    })
}

/// The cases slower than C beyond the margin, one line each.
fn slow_rows(results: &[ModuleResult]) -> Vec<String> {
    let threshold = 1.0 / (1.0 + MARGIN);
    let mut rows = Vec::new();
    for r in results {
        for case in r.cases.iter().filter(|c| c.ratio() < threshold) {
            rows.push(format!(
                "{}.{} {}: C {}, Rust {} (median), C/Rust {:.2}",
                r.module,
                case.function,
                case.size_label(),
                fmt_time(case.c().median),
                fmt_time(case.rust().median),
                case.ratio()
            ));
        }
    }
    rows
}

// ---------------------------------------------------------------------------
// Whole programs

/// One way to run a program: an interpreter, maybe with the overlay.
struct Config {
    /// File stem of its results (`pyperf compare_to` shows it as the column name).
    key: &'static str,
    label: &'static str,
    python: PathBuf,
    overlay: Option<PathBuf>,
}

/// The whole-program results.
struct Programs {
    /// The pyperformance benchmarks run.
    benchmarks: Vec<String>,
    /// (pyperformance benchmark, its pyperf benchmarks whose hot path uses
    /// the module (empty: all), module), from the case files.
    claims: Vec<(String, Vec<String>, String)>,
    configs: Vec<Config>,
    /// Per pyperformance benchmark and config key: its pyperf benchmarks'
    /// statistics in file order, or why there are none.
    runs: BTreeMap<(String, &'static str), Result<RunStats>>,
    /// Per pyperformance benchmark: `pyperf compare_to`'s table.
    compare_to: Vec<(String, String)>,
    /// Problems worth a line in the results.
    notes: Vec<String>,
}

/// The statistics of each pyperf benchmark in one results file, in order.
type RunStats = Vec<(String, Stats)>;

/// Statistics of one pyperf benchmark's values (seconds).
#[derive(Clone, Copy)]
struct Stats {
    mean: f64,
    stdev: f64,
    n: usize,
}

fn run_programs(out: &Path, py: &Python, built: &Built, venv: &Venv, results: &[ModuleResult]) -> Programs {
    // Which benchmarks, and which replaced modules each exercises.
    let mut benchmarks: Vec<String> = BASELINE_PROGRAMS.iter().map(|b| b.to_string()).collect();
    let mut claims = Vec::new();
    for r in results {
        for (program, names) in &r.programs {
            if !benchmarks.contains(program) {
                benchmarks.push(program.clone());
            }
            claims.push((program.clone(), names.clone(), r.module.clone()));
        }
    }
    let configs = vec![
        Config { key: "stock", label: "stock", python: py.exe.clone(), overlay: None },
        Config {
            key: "overlay",
            label: "stock + overlay",
            python: py.exe.clone(),
            overlay: Some(built.overlay.clone()),
        },
        Config { key: "linked", label: "linked interpreter", python: built.interpreter.clone(), overlay: None },
    ];
    let mut programs =
        Programs { benchmarks, claims, configs, runs: BTreeMap::new(), compare_to: Vec::new(), notes: Vec::new() };
    let Some(python) = venv.python.as_ref().filter(|_| venv.has("pyperformance")) else {
        programs.notes.push(format!("not run: {}", venv.why_missing("pyperformance")));
        eprintln!("xtask bench: whole programs {}", programs.notes[0]);
        return programs;
    };
    let pyperformance = python.with_file_name("pyperformance");
    if let Some(note) = check_overlay(py, built) {
        eprintln!("xtask bench: {note}");
        programs.notes.push(note);
    }

    let dir = out.join("programs");
    let total = programs.benchmarks.len() * programs.configs.len() * PROGRAM_ROUNDS;
    let mut n = 0;
    for bench in &programs.benchmarks {
        let bench_dir = dir.join(bench);
        if let Err(e) = create_dir_all(&bench_dir) {
            programs.notes.push(e);
            continue;
        }
        let file = |config: &Config| bench_dir.join(format!("{}.json", config.key));
        let log = |config: &Config| bench_dir.join(format!("{}.log", config.key));
        for config in &programs.configs {
            let _ = fs::remove_file(file(config));
            let _ = fs::remove_file(log(config));
        }
        let mut failed: BTreeMap<&str, String> = BTreeMap::new();
        for round in 0..PROGRAM_ROUNDS {
            // Every other round in reverse order, so that a steady drift of
            // the machine's load weighs on each configuration alike.
            let mut order: Vec<&Config> = programs.configs.iter().collect();
            if round % 2 == 1 {
                order.reverse();
            }
            for config in order {
                n += 1;
                if failed.contains_key(config.key) {
                    continue;
                }
                // pyperformance makes its venvs (one per interpreter) in its working
                // directory; --append adds this round's runs to the file.
                let mut cmd = Command::new(&pyperformance);
                cmd.current_dir(&dir)
                    .args(["run", "--fast", "-b", bench, "-p"])
                    .arg(&config.python)
                    .arg("--append")
                    .arg(file(config))
                    .env_remove("PYTHONPATH");
                if let Some(overlay) = &config.overlay {
                    cmd.env("PYTHONPATH", overlay).args(["--inherit-environ", "PYTHONPATH"]);
                }
                eprint!("  [{n}/{total}] {bench} on {} (round {}/{PROGRAM_ROUNDS}) ... ", config.label, round + 1);
                let t0 = Instant::now();
                match run_logged(&mut cmd, &log(config)) {
                    Ok(()) => eprintln!("{}", fmt_duration(t0.elapsed())),
                    Err(e) => {
                        eprintln!("FAILED ({}): {e}", fmt_duration(t0.elapsed()));
                        failed.insert(config.key, e);
                    }
                }
            }
        }
        for config in &programs.configs {
            let outcome = match failed.remove(config.key) {
                Some(e) => Err(e),
                None => read_pyperf(&file(config)),
            };
            if let Ok(stats) = &outcome {
                let summary: Vec<String> = stats
                    .iter()
                    .map(|(name, s)| format!("{name} {} ± {}", fmt_time(s.mean), fmt_time(s.stdev)))
                    .collect();
                eprintln!("    {}: {}", config.label, summary.join(", "));
            }
            programs.runs.insert((bench.clone(), config.key), outcome);
        }
        // pyperf's own comparison (with its significance test), file stems as column names.
        let files: Vec<String> = programs
            .configs
            .iter()
            .filter(|c| matches!(programs.runs.get(&(bench.clone(), c.key)), Some(Ok(_))))
            .map(|c| format!("{}.json", c.key))
            .collect();
        if files.len() >= 2 {
            let mut cmd = Command::new(python);
            cmd.current_dir(&bench_dir).args(["-m", "pyperf", "compare_to"]).args(&files).args([
                "--table",
                "--table-format",
                "md",
            ]);
            match output_checked(&mut cmd, "pyperf compare_to") {
                Ok(text) => {
                    programs.compare_to.push((bench.clone(), all_benchmarks_table(&text)));
                }
                Err(e) => programs.notes.push(e),
            }
        }
    }
    programs
}

/// Checks that the stock interpreter with the overlay on PYTHONPATH imports
/// our modules; returns a note naming those it does not (a module compiled
/// into the stock interpreter cannot be overlaid).
fn check_overlay(py: &Python, built: &Built) -> Option<String> {
    let script = format!(
        "import importlib, json, os, sys\n\
         files = {{}}\n\
         for m in {:?}:\n    files[m] = getattr(importlib.import_module(m), '__file__', None)\n\
         print(json.dumps(files))",
        built.modules
    );
    let mut cmd = Command::new(&py.exe);
    cmd.args(["-c", &script]).env("PYTHONPATH", &built.overlay);
    let files = match output_checked(&mut cmd, "checking the overlay").and_then(|t| json::parse(t.trim())) {
        Ok(files) => files,
        Err(e) => return Some(format!("stock + overlay: could not check which modules it imports: {e}")),
    };
    let not_ours: Vec<&str> = built
        .modules
        .iter()
        .filter(|m| {
            let file = files.get(m.as_str()).and_then(Json::as_str).map(Path::new);
            !file.is_some_and(|f| f.starts_with(&built.overlay))
        })
        .map(String::as_str)
        .collect();
    (!not_ours.is_empty()).then(|| {
        format!("stock + overlay does not use the Rust {} (built into the stock interpreter)", not_ours.join(", "))
    })
}

/// The statistics of every benchmark in a pyperf JSON file, in file order.
fn read_pyperf(file: &Path) -> Result<RunStats> {
    let text = fs::read_to_string(file).map_err(|e| format!("no results in {}: {e}", file.display()))?;
    parse_pyperf(&json::parse(&text)?)
}

fn parse_pyperf(suite: &Json) -> Result<RunStats> {
    let common_name = suite.get("metadata").and_then(|m| m.get("name")).and_then(Json::as_str);
    let mut out = Vec::new();
    for bench in json::array(suite.get("benchmarks").unwrap_or(&Json::Null)) {
        let name = bench.get("metadata").and_then(|m| m.get("name")).and_then(Json::as_str).or(common_name);
        let values: Vec<f64> = json::array(bench.get("runs").unwrap_or(&Json::Null))
            .iter()
            .flat_map(|run| json::array(run.get("values").unwrap_or(&Json::Null)))
            .filter_map(Json::as_f64)
            .collect();
        if let (Some(name), Some(stats)) = (name, Stats::of(&values)) {
            out.push((name.to_owned(), stats));
        }
    }
    if out.is_empty() {
        return Err("no benchmark values in the pyperf results".into());
    }
    Ok(out)
}

impl Stats {
    fn of(values: &[f64]) -> Option<Stats> {
        let n = values.len();
        if n == 0 {
            return None;
        }
        let mean = values.iter().sum::<f64>() / n as f64;
        let var = if n > 1 { values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64 } else { 0.0 };
        Some(Stats { mean, stdev: var.sqrt(), n })
    }
}

/// compare_to prints one table per tag and then "All benchmarks:"; keep that one.
fn all_benchmarks_table(text: &str) -> String {
    let table = match text.split_once("All benchmarks:") {
        Some((_, rest)) => rest.trim_start().trim_start_matches('=').trim(),
        None => text.trim(),
    };
    table.to_owned()
}

// ---------------------------------------------------------------------------
// The machine

struct Machine {
    cpu: String,
    cpus: usize,
    simd: String,
    memory: String,
    os: String,
    python: String,
    interpreter: String,
    rustc: String,
    load_before: String,
    load_after: String,
}

impl Machine {
    fn describe(root: &Path, py: &Python, built: &Built, load_before: String, load_after: String) -> Machine {
        let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let field = |name: &str| {
            cpuinfo
                .lines()
                .find_map(|l| l.split_once(':').filter(|(k, _)| k.trim() == name).map(|(_, v)| v.trim().to_owned()))
        };
        let cpus = cpuinfo.lines().filter(|l| l.starts_with("processor")).count();
        let flags = field("flags").unwrap_or_default();
        let simd: Vec<&str> = ["sse4_2", "avx2", "avx512bw", "avx512vbmi", "pclmulqdq", "vpclmulqdq"]
            .into_iter()
            .filter(|f| flags.split_whitespace().any(|x| x == *f))
            .collect();
        let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let mem_kib: Option<f64> = meminfo
            .lines()
            .find(|l| l.starts_with("MemTotal:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|n| n.parse().ok());
        let os_release = fs::read_to_string("/etc/os-release").unwrap_or_default();
        let os = os_release
            .lines()
            .find_map(|l| l.strip_prefix("PRETTY_NAME="))
            .map(|v| v.trim_matches('"').to_owned())
            .unwrap_or_else(|| "unknown OS".into());
        let kernel = fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
        let shared = if py.var_or_empty("Py_ENABLE_SHARED") == "1" {
            "its executable uses the shared libpython (--enable-shared)"
        } else {
            "libpython linked statically"
        };
        Machine {
            cpu: field("model name").unwrap_or_else(|| "unknown CPU".into()),
            cpus: if cpus > 0 { cpus } else { std::thread::available_parallelism().map_or(0, |n| n.get()) },
            simd: simd.join(" "),
            memory: mem_kib.map_or_else(|| "?".into(), |k| format!("{:.1} GiB", k / (1024.0 * 1024.0))),
            os: format!("{os}, Linux {}", kernel.trim()),
            python: format!("CPython {} ({}; {shared})", py.full_version(), py.exe.display()),
            interpreter: format!(
                "{} (python.o + static libpython + the Rust modules as built-ins)",
                relative(root, &built.interpreter)
            ),
            rustc: output_checked(Command::new("rustc").arg("-V"), "rustc -V")
                .map(|s| s.trim().to_owned())
                .unwrap_or_else(|_| "?".into()),
            load_before,
            load_after,
        }
    }
}

/// "commit 1234abc" (+ "with uncommitted changes" if crates/ or modules/ have some).
fn source_version(root: &Path) -> String {
    let git = |args: &[&str]| output_checked(Command::new("git").arg("-C").arg(root).args(args), "git");
    match git(&["rev-parse", "--short", "HEAD"]) {
        Ok(commit) => {
            let dirty = git(&["status", "--porcelain", "--", "crates", "modules"]).is_ok_and(|s| !s.trim().is_empty());
            let suffix = if dirty { " with uncommitted changes in crates/ or modules/" } else { "" };
            format!("commit {}{suffix}", commit.trim())
        }
        Err(_) => "unknown commit".into(),
    }
}

/// `path` relative to the workspace root if it is inside, for the results
/// file (which is committed).
fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}

/// The 1-, 5- and 15-minute load averages.
fn load_average() -> String {
    let text = fs::read_to_string("/proc/loadavg").unwrap_or_default();
    text.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
}

/// "2026-11-24 21:05 UTC".
fn utc_now() -> String {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02} UTC", rem / 3600, rem % 3600 / 60)
}

/// (year, month, day) of a count of days since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

// ---------------------------------------------------------------------------
// Report

struct RunInfo {
    date: String,
    /// The code measured: commit, and whether the modules had uncommitted changes.
    source: String,
    took: String,
    command: String,
    machine: Machine,
    unbenched: Unbenched,
}

/// "1.2 µs": three significant digits.
fn fmt_time(seconds: f64) -> String {
    let (value, unit) = if seconds >= 1.0 {
        (seconds, "s")
    } else if seconds >= 1e-3 {
        (seconds * 1e3, "ms")
    } else if seconds >= 1e-6 {
        (seconds * 1e6, "µs")
    } else {
        (seconds * 1e9, "ns")
    };
    let decimals = if value >= 100.0 {
        0
    } else if value >= 10.0 {
        1
    } else {
        2
    };
    format!("{value:.decimals$} {unit}")
}

/// "0 B", "45 B", "1 KiB", "64 KiB", "1 MiB".
fn fmt_size(n: u64) -> String {
    if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 && n.is_multiple_of(1 << 10) {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} B")
    }
}

/// "100,000": `n` with thousands separators.
fn fmt_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// A C/Rust ratio for a table: bold when slower than C beyond the margin.
fn fmt_ratio(ratio: f64) -> String {
    if ratio < 1.0 / (1.0 + MARGIN) { format!("**{ratio:.2}**") } else { format!("{ratio:.2}") }
}

fn table_header(out: &mut String, columns: &[&str], left: usize) {
    let _ = writeln!(out, "| {} |", columns.join(" | "));
    let aligns: Vec<&str> = (0..columns.len()).map(|i| if i < left { "---" } else { "---:" }).collect();
    let _ = writeln!(out, "|{}|", aligns.join("|"));
}

/// One row per function, one column per size: C time / Rust time (median).
/// One table per unit (bytes, then items), so that sizes in bytes and
/// counts of items do not share columns; a module with sizes of its own
/// (`OWN_SIZES` or more that no other module uses, as _json's documents)
/// gets a table of its own.
fn render_summary(results: &[ModuleResult]) -> String {
    const OWN_SIZES: usize = 3;
    let mut units: Vec<Unit> = results.iter().flat_map(|r| r.cases.iter().map(|c| c.unit)).collect();
    units.sort_unstable();
    units.dedup();
    let mut tables = Vec::new();
    for unit in units {
        let sizes_of = |r: &ModuleResult| -> Vec<u64> {
            let mut v: Vec<u64> = r.cases.iter().filter(|c| c.unit == unit).map(|c| c.size).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        let own = |r: &ModuleResult| {
            let others: Vec<u64> = results.iter().filter(|o| o.module != r.module).flat_map(&sizes_of).collect();
            sizes_of(r).iter().filter(|s| !others.contains(s)).count() >= OWN_SIZES
        };
        let (alone, shared): (Vec<&ModuleResult>, Vec<&ModuleResult>) =
            results.iter().filter(|r| !sizes_of(r).is_empty()).partition(|r| own(r));
        if !shared.is_empty() {
            tables.push(render_summary_table(&shared, unit));
        }
        tables.extend(alone.into_iter().map(|r| render_summary_table(&[r], unit)));
    }
    tables.join("\n")
}

/// The summary table of the cases of `results` whose sizes are in `unit`.
fn render_summary_table(results: &[&ModuleResult], unit: Unit) -> String {
    let modules: Vec<(&str, Vec<&CaseResult>)> =
        results.iter().map(|r| (r.module.as_str(), r.cases.iter().filter(|c| c.unit == unit).collect())).collect();
    let mut sizes: Vec<u64> = modules.iter().flat_map(|(_, cases)| cases.iter().map(|c| c.size)).collect();
    sizes.sort_unstable();
    sizes.dedup();
    let mut out = String::new();
    let labels: Vec<String> = sizes.iter().map(|&s| unit.fmt(s)).collect();
    let mut columns = vec!["function"];
    columns.extend(labels.iter().map(String::as_str));
    table_header(&mut out, &columns, 1);
    for (module, cases) in &modules {
        let mut functions: Vec<&str> = cases.iter().map(|c| c.function.as_str()).collect();
        functions.dedup();
        for function in functions {
            let cells: Vec<String> = sizes
                .iter()
                .map(|&size| match cases.iter().find(|c| c.function == function && c.size == size) {
                    Some(c) if c.mismatch() => "MISMATCH".into(),
                    Some(c) => fmt_ratio(c.ratio()),
                    None => "".into(),
                })
                .collect();
            let _ = writeln!(out, "| `{module}.{function}` | {} |", cells.join(" | "));
        }
    }
    out
}

/// A module's full table: min and median per contender, ratios, peers.
fn render_module(r: &ModuleResult) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## {}\n", r.module);
    let _ = writeln!(
        out,
        "Time per call: min and median of {} interleaved samples of ~{:.0} ms per contender. \
         C/Rust = C time / Rust time (above 1: Rust is faster; **bold**: slower than C beyond the noise margin). \
         {}\n",
        r.reps,
        r.target_ms,
        r.cases_note.as_deref().unwrap_or("Size is that of the decoded data (decoders get its encoding).")
    );
    let measured: Vec<&PeerStatus> = r.peers.iter().filter(|p| !p.status.starts_with("skipped")).collect();
    let mut columns: Vec<String> =
        ["function", "size", "C min", "C median", "Rust min", "Rust median", "C/Rust (min)", "C/Rust (median)"]
            .map(String::from)
            .to_vec();
    for p in &measured {
        columns.push(format!("{} median", p.name));
        columns.push(format!("C/{} (median)", p.name));
    }
    // Compressors: output size relative to C's (below 1: smaller).
    let sizes = r.cases.iter().any(|c| !c.compressed_size.is_empty());
    if sizes {
        columns.push("size Rust/C".into());
        columns.extend(measured.iter().map(|p| format!("size {}/C", p.name)));
    }
    table_header(&mut out, &columns.iter().map(String::as_str).collect::<Vec<_>>(), 2);
    let mut differs = false;
    for case in &r.cases {
        let (c, rust) = (case.c(), case.rust());
        let (ratio_min, ratio_median) = if case.mismatch() {
            ("MISMATCH".into(), "MISMATCH".into())
        } else {
            (format!("{:.2}", c.min / rust.min), fmt_ratio(case.ratio()))
        };
        let mut cells = vec![
            format!("`{}`", case.function),
            case.size_label(),
            fmt_time(c.min),
            fmt_time(c.median),
            fmt_time(rust.min),
            fmt_time(rust.median),
            ratio_min,
            ratio_median,
        ];
        for p in &measured {
            match case.timings.get(&p.name) {
                Some(t) => {
                    let mark = if t.same_output { "" } else { " †" };
                    differs |= !t.same_output;
                    cells.push(fmt_time(t.median));
                    cells.push(format!("{:.2}{mark}", c.median / t.median));
                }
                None if p.status != "ok" => cells.extend([p.status.clone(), p.status.clone()]),
                None => cells.extend(["–".into(), "–".into()]),
            }
        }
        if sizes {
            let relative = |who: &str| match (case.compressed_size.get(who), case.compressed_size.get("C")) {
                (Some(n), Some(c)) if *c > 0.0 => format!("{:.3}", n / c),
                _ => "–".into(),
            };
            cells.push(relative("Rust"));
            cells.extend(measured.iter().map(|p| relative(&p.name)));
        }
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    if !r.peers.is_empty() {
        let _ = writeln!(out, "\nPeers (the closest equivalent call, timed in the same loop; – : no equivalent):\n");
        for p in &r.peers {
            let version = p.version.as_deref().map(|v| format!(" {v}")).unwrap_or_default();
            let status = if p.status == "ok" { String::new() } else { format!(" ({})", p.status) };
            let _ = writeln!(out, "- {} (PyPI `{}`{version}){status}: {}", p.name, p.package, p.note);
        }
        if differs {
            let _ = writeln!(out, "\n† the peer's output is not byte-identical to C's (see its note).");
        }
    }
    if r.mismatches > 0 {
        let _ = writeln!(out, "\n**{} cases where the C and Rust results differ (MISMATCH).**", r.mismatches);
    }
    let _ = writeln!(out, "\nRaw samples: `{}`.", r.json_file.file_name().unwrap_or_default().to_string_lossy());
    out
}

impl Programs {
    /// The replaced modules whose code pyperf benchmark `name` of
    /// pyperformance benchmark `bench` exercises (any of `bench`'s if no
    /// name), for a table cell.
    fn uses(&self, bench: &str, name: Option<&str>) -> String {
        let mut modules: Vec<&str> = self
            .claims
            .iter()
            .filter(|(b, names, _)| {
                b == bench && (names.is_empty() || name.is_none_or(|n| names.iter().any(|x| x == n)))
            })
            .map(|(_, _, module)| module.as_str())
            .collect();
        modules.dedup();
        if modules.is_empty() { "control (no replaced module)".into() } else { modules.join(", ") }
    }
}

/// One row per pyperf benchmark: mean ± stdev per config, and stock / config.
fn render_programs(p: &Programs) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Whole programs (pyperformance)\n");
    let _ = writeln!(
        out,
        "pyperformance benchmarks, each run by pyperformance in its own venv of each interpreter: \
         **stock** = the installed CPython; **stock + overlay** = the same with the Rust modules' overlay on \
         PYTHONPATH (the modules' effect alone); **linked interpreter** = the `python3` linked by \
         `cargo xtask build` (the Rust modules built in, and libpython linked statically, which by itself \
         changes the speed of everything when the stock executable uses a shared libpython: the control \
         benchmarks show that part). Mean ± standard deviation of pyperf's values; the ratio is stock time / \
         that time (above 1: faster than stock). Each configuration ran {PROGRAM_ROUNDS} rounds of \
         `pyperformance run --fast`, the configurations taking turns (order reversed every other round), \
         so that changes of the machine's load over the minutes weigh on all alike; what noise is left \
         shows in the controls, which should be at 1.00 for stock + overlay.\n"
    );
    let mut columns = vec!["benchmark", "pyperformance", "uses"];
    columns.extend(p.configs.iter().map(|c| c.label));
    table_header(&mut out, &columns, 3);
    for bench in &p.benchmarks {
        let runs: Vec<Option<&RunStats>> =
            p.configs.iter().map(|c| p.runs.get(&(bench.clone(), c.key)).and_then(|r| r.as_ref().ok())).collect();
        let names: Vec<&String> =
            runs.iter().flatten().flat_map(|r| r.iter().map(|(n, _)| n)).fold(Vec::new(), |mut v, n| {
                if !v.contains(&n) {
                    v.push(n);
                }
                v
            });
        if names.is_empty() {
            let why: Vec<String> = p
                .configs
                .iter()
                .filter_map(|c| match p.runs.get(&(bench.clone(), c.key)) {
                    Some(Err(e)) => Some(format!("{}: {}", c.label, e.lines().next().unwrap_or(""))),
                    _ => None,
                })
                .collect();
            let _ = writeln!(out, "| {bench} | {bench} | {} | failed: {} |", p.uses(bench, None), why.join("; "));
            continue;
        }
        let stock = runs[0];
        for name in names {
            let base = stock.and_then(|r| r.iter().find(|(n, _)| n == name)).map(|(_, s)| *s);
            let mut cells = vec![name.clone(), bench.clone(), p.uses(bench, Some(name))];
            for (i, run) in runs.iter().enumerate() {
                let stats = run.and_then(|r| r.iter().find(|(n, _)| n == name)).map(|(_, s)| *s);
                cells.push(match (stats, base) {
                    (None, _) => "failed".into(),
                    (Some(s), Some(b)) if i > 0 => {
                        format!("{} ± {} ({:.2}×)", fmt_time(s.mean), fmt_time(s.stdev), b.mean / s.mean)
                    }
                    (Some(s), _) => format!("{} ± {} (n={})", fmt_time(s.mean), fmt_time(s.stdev), s.n),
                });
            }
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
    }
    for note in &p.notes {
        let _ = writeln!(out, "\nNote: {note}");
    }
    if !p.compare_to.is_empty() {
        let _ = writeln!(
            out,
            "\n`pyperf compare_to` (its significance test; columns: stock, overlay = stock + overlay, \
             linked = linked interpreter):\n"
        );
        for (bench, table) in &p.compare_to {
            let _ = writeln!(out, "{bench}:\n\n{table}\n");
        }
    }
    out
}

/// The README's short form: stock / config per benchmark.
fn render_programs_summary(p: &Programs) -> String {
    let mut out = String::new();
    let mut columns = vec!["program", "uses"];
    let others: Vec<&Config> = p.configs.iter().skip(1).collect();
    columns.extend(others.iter().map(|c| c.label));
    table_header(&mut out, &columns, 2);
    for bench in &p.benchmarks {
        let stock = p.runs.get(&(bench.clone(), "stock")).and_then(|r| r.as_ref().ok());
        for (name, base) in stock.into_iter().flatten() {
            let mut cells = vec![name.clone(), p.uses(bench, Some(name))];
            for c in &others {
                let run = p.runs.get(&(bench.clone(), c.key)).and_then(|r| r.as_ref().ok());
                let stats = run.and_then(|r| r.iter().find(|(n, _)| n == name)).map(|(_, s)| *s);
                cells.push(stats.map_or_else(|| "failed".into(), |s| format!("{:.2}", base.mean / s.mean)));
            }
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
        if stock.is_none() {
            let _ = writeln!(out, "| {bench} | {} | failed | failed |", p.uses(bench, None));
        }
    }
    out
}

fn render_results(
    run: &RunInfo,
    results: &[ModuleResult],
    programs: Option<&Programs>,
    venv: &Venv,
    slow: &[String],
) -> String {
    let m = &run.machine;
    let mut out = String::new();
    let _ = writeln!(out, "# oxpy benchmarks\n");
    let _ = writeln!(
        out,
        "Written by `{}` on {} (took {}), measuring {}. Regenerate with `cargo xtask bench`; \
         do not edit by hand.\n",
        run.command, run.date, run.took, run.source
    );
    let _ = writeln!(out, "## Machine\n");
    table_header(&mut out, &["", ""], 2);
    let cpu = if m.simd.is_empty() { m.cpu.clone() } else { format!("{} (SIMD: {})", m.cpu, m.simd) };
    for (k, v) in [
        ("CPU", cpu),
        ("logical CPUs", m.cpus.to_string()),
        ("memory", m.memory.clone()),
        ("OS", m.os.clone()),
        ("Python", m.python.clone()),
        ("linked interpreter", m.interpreter.clone()),
        ("Rust", m.rustc.clone()),
        ("load average (1, 5, 15 min)", format!("{} before, {} after", m.load_before, m.load_after)),
    ] {
        let _ = writeln!(out, "| {k} | {v} |");
    }
    let _ = writeln!(
        out,
        "\nThe machine is shared (other builds and benchmarks run on its {} CPUs), so absolute times \
         are noisy; the ratios, measured interleaved in one process, much less so.\n",
        m.cpus
    );

    let _ = writeln!(out, "## Method\n");
    let _ = writeln!(
        out,
        "- Micro-benchmarks (`tests/python/bench.py`, cases in `tests/python/bench_<module>.py`): the C \
         module (from lib-dynload) and the Rust module (from the overlay) are loaded side by side in one \
         process, with the peers. For each function and input size, each contender's loop count is \
         calibrated so that one sample lasts ~the target time, then the contenders take turns (the order \
         rotating) for the stated number of repetitions; min and median of the per-call times are kept. \
         This is pyperf's method (calibrated loops, several samples, min/median) without its worker \
         processes, so that C and Rust are interleaved under the same conditions. Every case also \
         checks that C and Rust return the same result.\n\
         - Check: `cargo xtask bench --check` fails when a function's median C time / Rust time is below \
         1/(1 + {margin}) = {threshold:.3}, i.e. Rust more than {pct:.0}% slower than C ({pct:.0}% is the \
         noise margin on this shared machine; it is not part of CI).\n\
         - Whole programs: see below.\n",
        margin = MARGIN,
        threshold = 1.0 / (1.0 + MARGIN),
        pct = MARGIN * 100.0
    );
    for (module, why) in &run.unbenched {
        let _ = writeln!(out, "Not benchmarked: {module} ({why}).\n");
    }

    let _ = writeln!(out, "## Summary: C time / Rust time (median; above 1: Rust is faster)\n");
    out.push_str(&render_summary(results));
    let _ = writeln!(out, "\n![C time / Rust time per function and size](ratios.png)\n");
    for r in results {
        out.push_str(&render_module(r));
        out.push('\n');
    }
    match programs {
        Some(p) => out.push_str(&render_programs(p)),
        None => {
            let why = if run.command.contains("--quick") { "--quick" } else { "--no-programs" };
            let _ = writeln!(out, "## Whole programs (pyperformance)\n\nNot run ({why}).");
        }
    }
    let _ = writeln!(out, "\n## Check (noise margin {:.0}%)\n", MARGIN * 100.0);
    if slow.is_empty() {
        let _ = writeln!(out, "No function is slower than C beyond the margin.");
    } else {
        let _ = writeln!(out, "Slower than C beyond the margin ({}):\n", slow.len());
        for row in slow {
            let _ = writeln!(out, "- {row}");
        }
    }
    let _ = writeln!(out, "\n## The bench's venv\n");
    if venv.packages.is_empty() {
        let _ = writeln!(out, "No packages.");
    }
    for (package, status) in &venv.packages {
        let _ = match status {
            Ok(version) => writeln!(out, "- {package} {version}"),
            Err(why) => writeln!(out, "- {package}: {why}"),
        };
    }
    out
}

/// The README's Benchmarks section (between the markers).
fn render_readme_section(run: &RunInfo, results: &[ModuleResult], programs: Option<&Programs>) -> String {
    let m = &run.machine;
    let mut out = String::new();
    let _ = writeln!(out, "## Benchmarks\n");
    let _ = writeln!(
        out,
        "Latest run: `{}` on {}; {} on {}, {}, {} CPUs shared with other jobs (load average {} → {}). \
         C time / Rust time per call (median of interleaved samples in one process; above 1: the Rust \
         module is faster; **bold**: slower than C beyond the {:.0}% noise margin of `--check`). \
         Full tables (min/median times, peers such as pybase64, zlib-ng and isal, method, machine): \
         [bench/results.md](bench/results.md); plot: [bench/ratios.png](bench/ratios.png).\n",
        run.command,
        run.date.split(' ').next().unwrap_or(&run.date),
        m.python.split(" (").next().unwrap_or(&m.python),
        m.os.split(',').next().unwrap_or(&m.os),
        m.cpu,
        m.cpus,
        m.load_before.split(' ').next().unwrap_or("?"),
        m.load_after.split(' ').next().unwrap_or("?"),
        MARGIN * 100.0
    );
    out.push_str(&render_summary(results));
    if let Some(p) = programs {
        let _ = writeln!(
            out,
            "\nWhole programs (pyperformance): stock time / time with oxpy, as the Rust modules' overlay on the \
             stock interpreter and as the linked interpreter (which also links libpython statically: \
             compare with the controls).\n"
        );
        out.push_str(&render_programs_summary(p));
    }
    let _ = writeln!(
        out,
        "\nRun: `cargo xtask bench [module...] [--python PY] [--quick] [--check] [--no-peers] [--no-programs]`."
    );
    out
}

/// `readme` with the text between the bench markers replaced by `section`;
/// without markers, the section (with its markers) goes before
/// [`README_BEFORE`], else at the end. Nothing outside the markers changes.
fn replace_readme_section(readme: &str, section: &str) -> Result<String> {
    let block = format!("{README_START}\n{}\n{README_END}", section.trim_end());
    match (readme.find(README_START), readme.find(README_END)) {
        (Some(start), Some(end)) if start < end => {
            if readme.matches(README_START).count() != 1 || readme.matches(README_END).count() != 1 {
                return Err(format!("README.md has more than one {README_START} or {README_END}"));
            }
            Ok(format!("{}{block}{}", &readme[..start], &readme[end + README_END.len()..]))
        }
        (None, None) => {
            let at = readme
                .match_indices(README_BEFORE)
                .find(|&(i, _)| {
                    (i == 0 || readme[..i].ends_with('\n')) && readme[i..].lines().next() == Some(README_BEFORE)
                })
                .map(|(i, _)| i);
            Ok(match at {
                Some(i) => format!("{}{block}\n\n{}", &readme[..i], &readme[i..]),
                None => format!("{}\n\n{block}\n", readme.trim_end()),
            })
        }
        _ => Err(format!("README.md has {README_START} and {README_END} out of order or only one of them")),
    }
}

/// Draws `png` with the venv's matplotlib.
fn plot(root: &Path, venv: &Venv, results: &[ModuleResult], png: &Path, run: &RunInfo) -> Result<()> {
    let Some(python) = venv.python.as_ref().filter(|_| venv.has("matplotlib")) else {
        return Err(venv.why_missing("matplotlib"));
    };
    let title = format!(
        "oxpy: C time / Rust time, median (CPython {}, {}, {})",
        run.machine.python.split(' ').nth(1).unwrap_or("?"),
        run.machine.cpu,
        run.date.split(' ').next().unwrap_or("")
    );
    let mut cmd = Command::new(python);
    cmd.arg(root.join("tests/python/bench_plot.py"))
        .arg("--out")
        .arg(png)
        .arg("--margin")
        .arg(MARGIN.to_string())
        .arg("--title")
        .arg(title)
        .args(results.iter().map(|r| &r.json_file))
        .env_remove("PYTHONPATH");
    output_checked(&mut cmd, "drawing the plot").map(drop)
}

/// Writes bench/results.md, bench/ratios.png and the README section.
fn publish(
    root: &Path,
    results_md: &str,
    png: Option<&Path>,
    run: &RunInfo,
    results: &[ModuleResult],
    programs: Option<&Programs>,
) -> Result<()> {
    let dir = root.join("bench");
    create_dir_all(&dir)?;
    write_atomic(&dir.join("results.md"), results_md.as_bytes())?;
    if let Some(png) = png {
        let bytes = fs::read(png).map_err(|e| format!("cannot read {}: {e}", png.display()))?;
        write_atomic(&dir.join("ratios.png"), &bytes)?;
    }
    let readme_file = root.join("README.md");
    let readme = fs::read_to_string(&readme_file).map_err(|e| format!("cannot read {}: {e}", readme_file.display()))?;
    let updated = replace_readme_section(&readme, &render_readme_section(run, results, programs))?;
    write_atomic(&readme_file, updated.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readme_section_replaces_only_between_markers() {
        let readme = "# x\n\nintro\n<!-- bench:start -->\nold\n<!-- bench:end -->\n\n## Layout\nrest\n";
        let out = replace_readme_section(readme, "## Benchmarks\n\nnew\n").unwrap();
        assert_eq!(
            out,
            "# x\n\nintro\n<!-- bench:start -->\n## Benchmarks\n\nnew\n<!-- bench:end -->\n\n## Layout\nrest\n"
        );
        assert_eq!(replace_readme_section(&out, "## Benchmarks\n\nnew\n").unwrap(), out);
    }

    #[test]
    fn readme_section_is_created_before_layout() {
        let readme = "# x\n\nsee ## Layout below\n\n## Layout\n\nrest\n";
        let out = replace_readme_section(readme, "S\n").unwrap();
        assert_eq!(
            out,
            "# x\n\nsee ## Layout below\n\n<!-- bench:start -->\nS\n<!-- bench:end -->\n\n## Layout\n\nrest\n"
        );
        let out = replace_readme_section("# x\n", "S").unwrap();
        assert_eq!(out, "# x\n\n<!-- bench:start -->\nS\n<!-- bench:end -->\n");
    }

    #[test]
    fn readme_with_broken_markers_is_left_alone() {
        assert!(replace_readme_section("<!-- bench:end -->\n<!-- bench:start -->\n", "S").is_err());
        assert!(replace_readme_section("<!-- bench:start -->\n", "S").is_err());
        let twice = "<!-- bench:start -->\n<!-- bench:end -->\n<!-- bench:start -->\n<!-- bench:end -->\n";
        assert!(replace_readme_section(twice, "S").is_err());
    }

    #[test]
    fn formats_times_and_sizes() {
        assert_eq!(fmt_time(1.234e-6), "1.23 µs");
        assert_eq!(fmt_time(22.1e-9), "22.1 ns");
        assert_eq!(fmt_time(0.1505), "150 ms");
        assert_eq!(fmt_time(2.0), "2.00 s");
        assert_eq!(fmt_size(0), "0 B");
        assert_eq!(fmt_size(45), "45 B");
        assert_eq!(fmt_size(1024), "1 KiB");
        assert_eq!(fmt_size(1 << 20), "1 MiB");
        assert_eq!(fmt_ratio(0.5), "**0.50**");
        assert_eq!(fmt_ratio(0.95), "0.95");
    }

    #[test]
    fn converts_days_to_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(20_416), (2025, 11, 24));
    }

    fn module_json() -> Json {
        json::parse(
            r#"{"module": "m", "reps": 5, "target_ms": 5, "mismatches": 0, "programs": {"p": ["p_fast"]},
                "peers": [{"name": "peer", "package": "peer-pkg", "status": "ok", "version": "1.0", "note": "n"}],
                "cases": [
                  {"function": "f", "size": 16, "timings": {
                    "C": {"min": 1e-6, "median": 2e-6, "same_output": true},
                    "Rust": {"min": 1e-6, "median": 4e-6, "same_output": true}}},
                  {"function": "f", "size": 1024, "timings": {
                    "C": {"min": 1e-5, "median": 2e-5, "same_output": true},
                    "Rust": {"min": 1e-6, "median": 2e-6, "same_output": true},
                    "peer": {"min": 1e-6, "median": 1e-6, "same_output": false}}}]}"#,
        )
        .unwrap()
    }

    #[test]
    fn reports_module_results() {
        let r = parse_module_result(&module_json(), PathBuf::from("m.json")).unwrap();
        assert_eq!(r.cases.len(), 2);
        assert_eq!(r.programs, [("p".to_owned(), vec!["p_fast".to_owned()])]);
        let slow = slow_rows(std::slice::from_ref(&r));
        assert_eq!(slow, ["m.f 16 B: C 2.00 µs, Rust 4.00 µs (median), C/Rust 0.50"]);
        let summary = render_summary(std::slice::from_ref(&r));
        assert!(summary.contains("| function | 16 B | 1 KiB |"), "{summary}");
        assert!(summary.contains("| `m.f` | **0.50** | 10.00 |"), "{summary}");
        let table = render_module(&r);
        assert!(table.contains("| peer median | C/peer (median) |"), "{table}");
        assert!(table.contains("| `f` | 16 B | 1.00 µs | 2.00 µs | 1.00 µs | 4.00 µs | 1.00 | **0.50** | – | – |"));
        assert!(table.contains("| 1.00 µs | 20.00 † |"), "{table}");
    }

    #[test]
    fn formats_item_counts() {
        assert_eq!(fmt_count(0), "0");
        assert_eq!(fmt_count(999), "999");
        assert_eq!(fmt_count(1000), "1,000");
        assert_eq!(Unit::Items.fmt(1), "1 item");
        assert_eq!(Unit::Items.fmt(10), "10 items");
        assert_eq!(Unit::Items.fmt(100_000), "100,000 items");
        assert_eq!(Unit::Items.fmt(1_000_000), "1,000,000 items");
        assert_eq!(Unit::Bytes.fmt(1 << 20), "1 MiB");
    }

    fn items_json(unit: &str) -> Json {
        json::parse(&format!(
            r#"{{"module": "_m", "reps": 5, "target_ms": 5, "mismatches": 0, "cases_note": "Size is the list's length.",
                "cases": [
                  {{"function": "g", "size": 10, "unit": "{unit}", "timings": {{
                    "C": {{"min": 1e-7, "median": 1e-7, "same_output": true}},
                    "Rust": {{"min": 1e-7, "median": 2e-7, "same_output": true}}}}}},
                  {{"function": "g", "size": 1000000, "unit": "{unit}", "timings": {{
                    "C": {{"min": 2e-7, "median": 2e-7, "same_output": true}},
                    "Rust": {{"min": 1e-7, "median": 1e-7, "same_output": true}}}}}}]}}"#
        ))
        .unwrap()
    }

    #[test]
    fn reports_item_sizes_in_their_own_table() {
        let bytes = parse_module_result(&module_json(), PathBuf::from("m.json")).unwrap();
        let items = parse_module_result(&items_json("items"), PathBuf::from("_m.json")).unwrap();
        assert_eq!(items.cases[1].size_label(), "1,000,000 items");
        let results = [bytes, items];
        let summary = render_summary(&results);
        assert_eq!(
            summary,
            "| function | 16 B | 1 KiB |\n|---|---:|---:|\n| `m.f` | **0.50** | 10.00 |\n\n\
             | function | 10 items | 1,000,000 items |\n|---|---:|---:|\n| `_m.g` | **0.50** | 2.00 |\n"
        );
        assert_eq!(slow_rows(&results)[1], "_m.g 10 items: C 100 ns, Rust 200 ns (median), C/Rust 0.50");
        let table = render_module(&results[1]);
        assert!(table.contains("beyond the noise margin). Size is the list's length.\n"), "{table}");
        assert!(table.contains("| `g` | 1,000,000 items | 200 ns |"), "{table}");
        // Without a unit, sizes are bytes (bench_zlib.py's JSON, older files); an unknown unit is an error.
        assert_eq!(parse_module_result(&module_json(), PathBuf::new()).unwrap().cases[0].unit, Unit::Bytes);
        assert!(parse_module_result(&items_json("calls"), PathBuf::from("_m.json")).is_err());
    }

    /// A module with three or more byte sizes no other module has.
    fn documents_json() -> Json {
        let case = |size: u64| {
            format!(
                r#"{{"function": "loads", "size": {size}, "timings": {{
                    "C": {{"min": 2e-7, "median": 2e-7, "same_output": true}},
                    "Rust": {{"min": 1e-7, "median": 1e-7, "same_output": true}}}}}}"#
            )
        };
        let cases: Vec<String> = [2, 75, 1024, 3807].into_iter().map(case).collect();
        json::parse(&format!(
            r#"{{"module": "_j", "reps": 5, "target_ms": 5, "mismatches": 0, "cases": [{}]}}"#,
            cases.join(", ")
        ))
        .unwrap()
    }

    #[test]
    fn gives_a_module_with_sizes_of_its_own_its_own_table() {
        let bytes = parse_module_result(&module_json(), PathBuf::from("m.json")).unwrap();
        let docs = parse_module_result(&documents_json(), PathBuf::from("_j.json")).unwrap();
        let results = [bytes, docs];
        let summary = render_summary(&results);
        assert_eq!(
            summary,
            "| function | 16 B | 1 KiB |\n|---|---:|---:|\n| `m.f` | **0.50** | 10.00 |\n\n\
             | function | 2 B | 75 B | 1 KiB | 3807 B |\n|---|---:|---:|---:|---:|\n\
             | `_j.loads` | 2.00 | 2.00 | 2.00 | 2.00 |\n"
        );
        // Alone, a module's sizes are its own and it has the one table.
        assert_eq!(render_summary(&results[1..]).matches("| function |").count(), 1);
    }

    #[test]
    fn reads_pyperf_results() {
        let suite = json::parse(
            r#"{"benchmarks": [{"metadata": {"name": "a"}, "runs": [{"warmups": [[1, 9.0]]},
                 {"values": [1.0, 2.0]}, {"values": [3.0]}]}], "metadata": {}}"#,
        )
        .unwrap();
        let stats = parse_pyperf(&suite).unwrap();
        assert_eq!(stats.len(), 1);
        assert_eq!(stats[0].0, "a");
        assert_eq!((stats[0].1.mean, stats[0].1.stdev, stats[0].1.n), (2.0, 1.0, 3));
        assert!(parse_pyperf(&json::parse(r#"{"benchmarks": []}"#).unwrap()).is_err());
    }

    #[test]
    fn keeps_compare_to_all_benchmarks_table() {
        let text = "Benchmarks with tag 'x':\n=====\n\n| a |\n\nAll benchmarks:\n===============\n\n| b |\n";
        assert_eq!(all_benchmarks_table(text), "| b |");
        assert_eq!(all_benchmarks_table("| c |\n"), "| c |");
    }
}
