//! oxpy's build, test and benchmark driver: `cargo xtask <command>`.

mod bench;
mod build;
mod fuzz;
mod json;
mod pythons;
mod test;
mod util;

use std::os::unix::process::CommandExt;
use std::process::{Command, ExitCode};

use util::{Result, workspace_root};

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  build [--python PY]
      Builds the Rust modules for one CPython (PY, else $OXPY_PYTHON, else
      python3): the overlay directory of extension modules and a python3 linked
      with the modules built in. The last two lines printed are
      `overlay: <dir>` and `interpreter: <path>`.

  python [--python PY] [--] ARGS...
      Builds if needed, then runs the linked interpreter with ARGS.

  test [--skip-cargo] [--diff-time SECONDS] [--fuzz-time SECONDS]
      1. cargo test --workspace --release, cargo clippy (-D warnings), cargo fmt --check,
         and the stable replay of each core's cargo-fuzz findings;
      2. for every installed CPython 3.11-3.13 ($OXPY_PYTHONS, colon-separated,
         overrides the list): build, then run conformance/<module>.txt with the
         Rust module active, in overlay and in interpreter mode;
      3. the differential tests tests/python/diff_<module>.py (C vs Rust on the
         same inputs, SECONDS of random cases each, default 10) per Python;
      4. per module with a fuzz plug-in and Python: the corpus replay, a short
         fuzz run (--fuzz-time, default 7; 0 skips it), leaks, threads.
      Ends with a summary table with one row per suite (each cargo check, each
      build, each module x Python x mode, each differential run) and the line
      `N passed, M failed` counting those rows. Exits non-zero if any failed.

  fuzz [MODULE] [--time S] [--python PY] [--engine auto|atheris|builtin]
       [--native] [--valgrind] [--miri] [--all]
      Differential fuzzing, Rust against C, of each function (default: every
      module with tests/python/fuzz_<module>.py, every installed Python, S
      seconds each, default 60): coverage-guided by atheris (installed into
      target/fuzzdeps/X.Y; else a built-in mutator). Divergences, crashes and
      hangs are minimised and saved to tests/corpus/<module>/, which `test`
      replays. --native: cargo-fuzz (nightly) on the pure-Rust core for S
      seconds, findings to modules/<module>/core/fuzz/regressions/.
      --valgrind: the conformance list and the differential test's fixed
      cases under valgrind memcheck (one Python; errors with a frame in the
      Rust module fail). --miri: the core's tests under Miri. Each of these
      flags runs only itself; --all runs everything.

  bench [MODULE...] [--python PY] [--quick] [--check] [--no-peers] [--no-programs]
      The benchmark suite (default: every module with a case file
      tests/python/bench_<module>.py). Micro-benchmarks: each function at
      several input sizes, the C module against the Rust one (and peers from
      PyPI: pybase64, orjson, ujson, zlib-ng, isal, installed in the venv
      target/bench/venv-X.Y; a missing one is reported) interleaved in one
      process. Whole programs: pyperformance benchmarks on the stock
      interpreter, with the overlay, and on the linked interpreter. Writes
      target/bench/results.md and ratios.png and, unless --quick, bench/ and
      the README's Benchmarks section. --quick: short samples and no whole
      programs. --check: exit non-zero if a function is slower than C beyond
      the 10% noise margin. Takes about 15 minutes (--quick: about a minute).
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<ExitCode> {
    let root = workspace_root();
    let Some((command, rest)) = args.split_first() else {
        eprint!("{USAGE}");
        return Ok(ExitCode::FAILURE);
    };
    match command.as_str() {
        "build" => {
            let opts = Options::parse(rest, &["--python"], &[])?;
            opts.no_positional()?;
            let py = pythons::chosen(opts.value("--python"))?;
            let built = build::build(&root, &py, false)?;
            println!("overlay: {}", built.overlay.display());
            println!("interpreter: {}", built.interpreter.display());
            Ok(ExitCode::SUCCESS)
        }
        "python" => {
            let (ours, python_args) = match rest.iter().position(|a| a == "--") {
                Some(i) => (&rest[..i], &rest[i + 1..]),
                None => split_before_first_positional(rest),
            };
            let opts = Options::parse(ours, &["--python"], &[])?;
            opts.no_positional()?;
            let py = pythons::chosen(opts.value("--python"))?;
            let built = build::build(&root, &py, true)?;
            let err = Command::new(&built.interpreter).args(python_args).exec();
            Err(format!("cannot run {}: {err}", built.interpreter.display()))
        }
        "test" => {
            let opts = Options::parse(rest, &["--diff-time", "--fuzz-time"], &["--skip-cargo"])?;
            opts.no_positional()?;
            let test_opts = test::Options {
                skip_cargo: opts.flag("--skip-cargo"),
                diff_time: opts.seconds("--diff-time", 10)?,
                fuzz_time: opts.seconds("--fuzz-time", 7)?,
            };
            let ok = test::run(&root, &test_opts)?;
            Ok(if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        "fuzz" => {
            let flags = ["--native", "--valgrind", "--miri", "--all"];
            let opts = Options::parse(rest, &["--time", "--python", "--engine"], &flags)?;
            let module = match &opts.positional[..] {
                [] => None,
                [m] => Some(m.clone()),
                _ => return Err("usage: cargo xtask fuzz [MODULE] [--time S] ... (see `cargo xtask help`)".into()),
            };
            let engine = opts.value("--engine").unwrap_or("auto").to_owned();
            if !["auto", "atheris", "builtin"].contains(&engine.as_str()) {
                return Err(format!("--engine: {engine:?} is not auto, atheris or builtin"));
            }
            let all = opts.flag("--all");
            let only = opts.flag("--native") || opts.flag("--valgrind") || opts.flag("--miri");
            let fuzz_opts = fuzz::Options {
                module,
                time: opts.seconds("--time", 60)?,
                python: opts.value("--python").map(str::to_owned),
                engine,
                differential: all || !only,
                native: all || opts.flag("--native"),
                valgrind: all || opts.flag("--valgrind"),
                miri: all || opts.flag("--miri"),
            };
            let ok = fuzz::run(&root, &fuzz_opts)?;
            Ok(if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        "bench" => {
            let flags = ["--quick", "--check", "--no-peers", "--no-programs"];
            let opts = Options::parse(rest, &["--python"], &flags)?;
            let py = pythons::chosen(opts.value("--python"))?;
            let bench_opts = bench::Options {
                modules: opts.positional.clone(),
                quick: opts.flag("--quick"),
                check: opts.flag("--check"),
                peers: !opts.flag("--no-peers"),
                programs: !opts.flag("--no-programs"),
            };
            let ok = bench::run(&root, &py, &bench_opts)?;
            Ok(if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        other => Err(format!("unknown command {other:?}\n\n{USAGE}")),
    }
}

/// `--python X -c 1` -> (`--python X`, `-c 1`): without `--`, the Python
/// arguments start at the first argument that is not one of ours.
fn split_before_first_positional(args: &[String]) -> (&[String], &[String]) {
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--python" => i += 2,
            a if a.starts_with("--python=") => i += 1,
            _ => break,
        }
    }
    let i = i.min(args.len());
    (&args[..i], &args[i..])
}

/// Parsed command options: `--name VALUE` / `--name=VALUE`, flags, positionals.
struct Options {
    values: Vec<(String, String)>,
    flags: Vec<String>,
    positional: Vec<String>,
}

impl Options {
    fn parse(args: &[String], with_value: &[&str], flags: &[&str]) -> Result<Options> {
        let mut opts = Options { values: Vec::new(), flags: Vec::new(), positional: Vec::new() };
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((n, v)) if n.starts_with("--") => (n, Some(v.to_owned())),
                _ => (arg.as_str(), None),
            };
            if with_value.contains(&name) {
                let value = match inline {
                    Some(v) => v,
                    None => iter.next().cloned().ok_or_else(|| format!("{name} needs a value"))?,
                };
                opts.values.push((name.to_owned(), value));
            } else if flags.contains(&name) && inline.is_none() {
                opts.flags.push(name.to_owned());
            } else if arg.starts_with('-') {
                return Err(format!("unknown option {arg:?} (see `cargo xtask help`)"));
            } else {
                opts.positional.push(arg.clone());
            }
        }
        Ok(opts)
    }

    fn value(&self, name: &str) -> Option<&str> {
        self.values.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// A whole number of seconds, `default` if not given.
    fn seconds(&self, name: &str, default: u32) -> Result<u32> {
        match self.value(name) {
            Some(s) => s.parse().map_err(|_| format!("{name}: not a number of seconds: {s:?}")),
            None => Ok(default),
        }
    }

    fn flag(&self, name: &str) -> bool {
        self.flags.iter().any(|f| f == name)
    }

    fn no_positional(&self) -> Result<()> {
        match self.positional.first() {
            Some(arg) => Err(format!("unexpected argument {arg:?} (see `cargo xtask help`)")),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_options() {
        let args = strings(&["binascii", "--python", "/x/python3", "--quick", "--python=/y"]);
        let opts = Options::parse(&args, &["--python"], &["--quick"]).unwrap();
        assert_eq!(opts.value("--python"), Some("/y"));
        assert!(opts.flag("--quick"));
        assert_eq!(opts.positional, ["binascii"]);
        assert!(Options::parse(&strings(&["--nope"]), &[], &[]).is_err());
        assert!(Options::parse(&strings(&["--python"]), &["--python"], &[]).is_err());
    }

    #[test]
    fn splits_python_arguments() {
        let args = strings(&["--python", "p", "-c", "print(1)"]);
        let (ours, theirs) = split_before_first_positional(&args);
        assert_eq!((ours.len(), theirs), (2, &args[2..]));
    }
}
