//! oxpy's build, test and benchmark driver: `cargo xtask <command>`.

mod bench;
mod build;
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

  test [--skip-cargo] [--diff-time SECONDS]
      1. cargo test --workspace --release, cargo clippy (-D warnings), cargo fmt --check;
      2. for every installed CPython 3.11-3.13 ($OXPY_PYTHONS, colon-separated,
         overrides the list): build, then run conformance/<module>.txt with the
         Rust module active, in overlay and in interpreter mode;
      3. the differential tests tests/python/diff_<module>.py (C vs Rust on the
         same inputs, SECONDS of random cases each, default 10) per Python.
      Ends with a summary table with one row per suite (each cargo check, each
      build, each module x Python x mode, each differential run) and the line
      `N passed, M failed` counting those rows. Exits non-zero if any failed.

  bench <module> [--python PY] [--quick]
      Times the C module against the Rust one in one process at several input
      sizes and prints a markdown table (also written to target/bench/<module>.md).
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
            let opts = Options::parse(rest, &["--diff-time"], &["--skip-cargo"])?;
            opts.no_positional()?;
            let diff_time = match opts.value("--diff-time") {
                Some(s) => s.parse().map_err(|_| format!("--diff-time: not a number of seconds: {s:?}"))?,
                None => 10,
            };
            let test_opts = test::Options { skip_cargo: opts.flag("--skip-cargo"), diff_time };
            let ok = test::run(&root, &test_opts)?;
            Ok(if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        "bench" => {
            let opts = Options::parse(rest, &["--python"], &["--quick"])?;
            let [module] = &opts.positional[..] else {
                return Err("usage: cargo xtask bench <module> [--python PY] [--quick]".into());
            };
            let py = pythons::chosen(opts.value("--python"))?;
            let code = bench::run(&root, &py, module, opts.flag("--quick"))?;
            Ok(ExitCode::from(u8::try_from(code).unwrap_or(1)))
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
