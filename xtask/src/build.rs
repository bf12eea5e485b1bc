//! `cargo xtask build`: compiles the Rust modules for one CPython, then makes
//! the two ways to use them: the overlay directory of extension modules and a
//! `python3` linked with the modules as built-ins.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::UNIX_EPOCH;

use crate::json::{self, Json};
use crate::pythons::Python;
use crate::util::{
    Result, cargo, create_dir_all, display_cmd, output_checked, split_flags, tmp_path, write_if_changed,
};

/// The package that compiles every module into one library.
const PACKAGE: &str = "oxpy-modules";
/// Its library target name (the files are `liboxpy_modules.{so,a}`).
const LIB_NAME: &str = "oxpy_modules";

/// The native libraries a Rust staticlib needs on Linux (what
/// `rustc --print native-static-libs` prints for std).
const RUST_STD_LIBS: &[&str] = &["-lgcc_s", "-lutil", "-lrt", "-lpthread", "-lm", "-ldl", "-lc"];

const MARKER_DECLS: &str = "/* -- ADDMODULE MARKER 1 -- */";
const MARKER_TABLE: &str = "/* -- ADDMODULE MARKER 2 -- */";

/// What a build made.
pub struct Built {
    /// The modules (names under `modules/`).
    pub modules: Vec<String>,
    /// The directory to put on `PYTHONPATH`.
    pub overlay: PathBuf,
    /// The linked interpreter.
    pub interpreter: PathBuf,
}

impl Built {
    /// The overlay's extension-module file for `module`.
    pub fn overlay_file(&self, py: &Python, module: &str) -> Result<PathBuf> {
        Ok(self.overlay.join(format!("{module}{}", py.var("EXT_SUFFIX")?)))
    }
}

/// The module names: the directories under `modules/` with a `Cargo.toml`.
pub fn module_names(root: &Path) -> Result<Vec<String>> {
    let dir = root.join("modules");
    let entries = fs::read_dir(&dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut names = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !entry.path().join("Cargo.toml").is_file() {
            continue;
        }
        let valid = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(format!("modules/{name}: not a valid Python module name"));
        }
        names.push(name);
    }
    names.sort();
    if names.is_empty() {
        return Err(format!("no modules found (no {}/*/Cargo.toml)", dir.display()));
    }
    Ok(names)
}

/// Builds everything for `py`. With `quiet`, only errors are shown.
pub fn build(root: &Path, py: &Python, quiet: bool) -> Result<Built> {
    let modules = module_names(root)?;
    let libs = cargo_build(root, py, quiet)?;
    let out = root.join("target/oxpy").join(py.tag());
    let overlay = make_overlay(&out.join("overlay"), &libs.cdylib, &modules, py.var("EXT_SUFFIX")?)?;
    let interpreter = link_interpreter(&out, py, &libs, &modules, quiet)?;
    Ok(Built { modules, overlay, interpreter })
}

/// The outputs of the cargo build.
struct RustLibs {
    cdylib: PathBuf,
    staticlib: PathBuf,
    /// `-L`/`-l` flags from build scripts (native libraries of dependencies).
    link_flags: Vec<String>,
}

/// `cargo build --release -p oxpy-modules` for `py`, in `target/py<X.Y>`.
fn cargo_build(root: &Path, py: &Python, quiet: bool) -> Result<RustLibs> {
    let mut cmd = Command::new(cargo());
    cmd.current_dir(root)
        .args(["build", "--release", "-p", PACKAGE, "--message-format=json-render-diagnostics"])
        .env("PYO3_PYTHON", &py.exe)
        .env("PYO3_BUILD_EXTENSION_MODULE", "1")
        .env("CARGO_TARGET_DIR", root.join("target").join(format!("py{}", py.tag())))
        .stdin(Stdio::null())
        .stderr(Stdio::inherit());
    if quiet {
        cmd.arg("--quiet");
    }
    let out = cmd.output().map_err(|e| format!("cannot run `{}`: {e}", display_cmd(&cmd)))?;
    if !out.status.success() {
        return Err(format!("cargo build failed for Python {} ({})", py.full_version(), out.status));
    }
    parse_cargo_messages(&String::from_utf8_lossy(&out.stdout))
}

/// Finds our library files and the build scripts' native libraries in
/// cargo's JSON messages.
fn parse_cargo_messages(stdout: &str) -> Result<RustLibs> {
    let (mut cdylib, mut staticlib) = (None, None);
    let mut link_flags: Vec<String> = Vec::new();
    let mut add = |flag: String| {
        if !link_flags.contains(&flag) {
            link_flags.push(flag);
        }
    };
    for line in stdout.lines().filter(|l| l.starts_with('{')) {
        let msg = json::parse(line)?;
        match msg.get("reason").and_then(Json::as_str) {
            Some("compiler-artifact") => {
                let name = msg.get("target").and_then(|t| t.get("name")).and_then(Json::as_str);
                if name == Some(LIB_NAME) {
                    for file in msg.get("filenames").map(json::strings).into_iter().flatten() {
                        if file.ends_with(".so") {
                            cdylib = Some(PathBuf::from(file));
                        } else if file.ends_with(".a") {
                            staticlib = Some(PathBuf::from(file));
                        }
                    }
                }
            }
            Some("build-script-executed") => {
                for path in msg.get("linked_paths").map(json::strings).into_iter().flatten() {
                    let (kind, dir) = path.split_once('=').unwrap_or(("all", path));
                    if matches!(kind, "native" | "all") {
                        add(format!("-L{dir}"));
                    }
                }
                for lib in msg.get("linked_libs").map(json::strings).into_iter().flatten() {
                    let (kind, name) = lib.split_once('=').unwrap_or(("dylib", lib));
                    let name = name.split(':').next().unwrap_or(name);
                    // Static libraries are already inside our staticlib; and the
                    // interpreter has libpython itself, so never link it again.
                    if !kind.starts_with("static") && !name.starts_with("python") {
                        add(format!("-l{name}"));
                    }
                }
            }
            _ => {}
        }
    }
    let missing =
        |kind: &str| format!("cargo built no {kind} for {PACKAGE}: its crate-type must include cdylib and staticlib");
    Ok(RustLibs {
        cdylib: cdylib.ok_or_else(|| missing("cdylib"))?,
        staticlib: staticlib.ok_or_else(|| missing("staticlib"))?,
        link_flags,
    })
}

/// Copies the cdylib to `<overlay>/<module><EXT_SUFFIX>` for each module and
/// removes stale extension modules.
fn make_overlay(overlay: &Path, cdylib: &Path, modules: &[String], ext_suffix: &str) -> Result<PathBuf> {
    create_dir_all(overlay)?;
    let wanted: Vec<String> = modules.iter().map(|m| format!("{m}{ext_suffix}")).collect();
    for name in &wanted {
        crate::util::copy_if_changed(cdylib, &overlay.join(name))?;
    }
    for entry in fs::read_dir(overlay).map_err(|e| format!("cannot list {}: {e}", overlay.display()))?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".so") && !wanted.contains(&name) {
            let _ = fs::remove_file(entry.path());
        }
    }
    Ok(overlay.to_path_buf())
}

/// `LIBPL/config.c` with our modules added to the built-in table (replacing
/// a C built-in of the same name).
pub fn patch_config_c(config_c: &str, modules: &[String]) -> Result<String> {
    for marker in [MARKER_DECLS, MARKER_TABLE] {
        if config_c.matches(marker).count() != 1 {
            return Err(format!("config.c does not have exactly one `{marker}`"));
        }
    }
    let mut out = String::with_capacity(config_c.len() + 100 * modules.len());
    for line in config_c.lines() {
        let trimmed = line.trim_start();
        if modules.iter().any(|m| trimmed.starts_with(&format!("{{\"{m}\","))) {
            out.push_str("/* replaced by oxpy: ");
            out.push_str(trimmed);
            out.push_str(" */\n");
            continue;
        }
        if trimmed == MARKER_DECLS {
            for m in modules {
                out.push_str(&format!("extern PyObject* PyInit_{m}(void); /* oxpy */\n"));
            }
        } else if trimmed == MARKER_TABLE {
            for m in modules {
                out.push_str(&format!("    {{\"{m}\", PyInit_{m}}}, /* oxpy */\n"));
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    Ok(out)
}

/// Links `<out>/bin/python3` from the CPython's static library, a patched
/// `config.c` and our staticlib. Skips the work when nothing changed.
fn link_interpreter(out: &Path, py: &Python, libs: &RustLibs, modules: &[String], quiet: bool) -> Result<PathBuf> {
    let libpl = PathBuf::from(py.var("LIBPL")?);
    let need = |path: PathBuf, what: &str| -> Result<PathBuf> {
        if path.is_file() {
            Ok(path)
        } else {
            Err(format!(
                "{} not found: {what}, so oxpy cannot link an interpreter for Python {} ({})",
                path.display(),
                py.full_version(),
                py.exe.display()
            ))
        }
    };
    let no_static = "this CPython was installed without its static library (LIBPL)";
    let python_o = need(libpl.join("python.o"), no_static)?;
    let libpython = need(libpl.join(py.var("LIBRARY")?), no_static)?;
    let config_in = need(libpl.join("config.c"), "this CPython has no LIBPL/config.c (its built-in module table)")?;

    let build = out.join("build");
    let bin = out.join("bin");
    create_dir_all(&build)?;
    create_dir_all(&bin)?;

    // config.c -> config.o
    let text = fs::read_to_string(&config_in).map_err(|e| format!("cannot read {}: {e}", config_in.display()))?;
    let config_c = build.join("config.c");
    let config_o = build.join("config.o");
    write_if_changed(&config_c, patch_config_c(&text, modules)?.as_bytes())?;
    let cc = split_flags(py.var("CC")?);
    let mut compile = Command::new(&cc[0]);
    compile
        .args(&cc[1..])
        .args(split_flags(py.var_or_empty("CFLAGS")))
        .arg(format!("-I{}", py.var("INCLUDEPY")?))
        .arg("-DPy_BUILD_CORE")
        .arg("-c")
        .arg(&config_c)
        .arg("-o")
        .arg(&config_o);
    let stamp = build.join("config.o.stamp");
    run_if_changed(&mut compile, &[&config_c], &config_o, &stamp, "compiling config.c", quiet, || Ok(()))?;

    // libpython without its own config.o (the built-in table ours replaces),
    // so that all of it can be linked in.
    let libpython = libpython_without_config(&build, &libpython, quiet)?;

    // python.o + config.o + Rust + libpython -> python3
    let exe = bin.join("python3");
    let linkcc = split_flags(py.var("LINKCC")?);
    let mut link = Command::new(&linkcc[0]);
    link.args(&linkcc[1..])
        .args(split_flags(py.var_or_empty("PY_LDFLAGS")))
        .args(split_flags(py.var_or_empty("PY_LDFLAGS_NODIST")))
        .args(split_flags(py.var_or_empty("LINKFORSHARED")))
        .arg("-o")
        .arg(tmp_path(&exe))
        .args([&python_o, &config_o, &libs.staticlib])
        // Every object of libpython, as CPython links its own python3: the
        // extension modules in lib-dynload use internal symbols nothing in
        // the interpreter references (e.g. 3.13's _testinternalcapi needs
        // _PyInterpreterConfig_InitFromDict).
        .arg("-Wl,--whole-archive")
        .arg(&libpython)
        .arg("-Wl,--no-whole-archive")
        .args(&libs.link_flags)
        .args(split_flags(py.var_or_empty("LIBS")))
        .args(split_flags(py.var_or_empty("MODLIBS")))
        .args(split_flags(py.var_or_empty("SYSLIBS")))
        .args(RUST_STD_LIBS);
    let inputs = [&python_o, &config_o, &libs.staticlib, &libpython];
    let stamp = build.join("python3.stamp");
    run_if_changed(&mut link, &inputs, &exe, &stamp, "linking the interpreter", quiet, || {
        crate::util::rename(&tmp_path(&exe), &exe)?;
        check_interpreter(&exe, py, modules)
    })?;
    Ok(exe)
}

/// A copy of `libpython` without `config.o` (`ar d`), remade when the
/// original changes (an exact copy next to it tells).
fn libpython_without_config(build: &Path, libpython: &Path, quiet: bool) -> Result<PathBuf> {
    let name = libpython.file_name().ok_or_else(|| format!("{}: no file name", libpython.display()))?;
    let stripped = build.join(name);
    let original = build.join(format!("{}.orig", name.to_string_lossy()));
    if crate::util::copy_if_changed(libpython, &original)? || !stripped.is_file() {
        let tmp = tmp_path(&stripped);
        fs::copy(&original, &tmp).map_err(|e| format!("cannot copy {}: {e}", original.display()))?;
        let mut strip = Command::new("ar");
        strip.arg("d").arg(&tmp).arg("config.o");
        if !quiet {
            eprintln!("xtask: removing config.o from a copy of libpython: {}", display_cmd(&strip));
        }
        output_checked(&mut strip, "removing config.o from a copy of libpython")?;
        crate::util::rename(&tmp, &stripped)?;
    }
    Ok(stripped)
}

/// Runs `cmd` and then `finish` (which together make `output`) unless
/// `stamp_file` shows they already succeeded with the same command on the
/// same inputs (paths, sizes, modification times).
fn run_if_changed(
    cmd: &mut Command,
    inputs: &[&PathBuf],
    output: &Path,
    stamp_file: &Path,
    what: &str,
    quiet: bool,
    finish: impl FnOnce() -> Result<()>,
) -> Result<()> {
    let mut stamp = display_cmd(cmd);
    for input in inputs {
        let meta = fs::metadata(input).map_err(|e| format!("{what}: cannot read {}: {e}", input.display()))?;
        let mtime = meta.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).unwrap_or_default();
        stamp.push_str(&format!("\n{} {} {}", input.display(), meta.len(), mtime.as_nanos()));
    }
    if output.is_file() && fs::read_to_string(stamp_file).is_ok_and(|s| s == stamp) {
        return Ok(());
    }
    if !quiet {
        eprintln!("xtask: {what}: {}", display_cmd(cmd));
    }
    let _ = fs::remove_file(stamp_file);
    output_checked(cmd, what)?;
    finish()?;
    fs::write(stamp_file, stamp).map_err(|e| format!("cannot write {}: {e}", stamp_file.display()))
}

/// Starts the new interpreter once: it must find the installed standard
/// library and have our modules as built-ins.
fn check_interpreter(exe: &Path, py: &Python, modules: &[String]) -> Result<()> {
    let script = format!(
        "import sys, os, json\n\
         names = {modules:?}\n\
         missing = [n for n in names if n not in sys.builtin_module_names]\n\
         print(json.dumps({{'missing': missing, 'version': list(sys.version_info[:3])}}))\n"
    );
    let what = format!("starting the linked interpreter {}", exe.display());
    let text = output_checked(Command::new(exe).args(["-I", "-c", &script]), &what)?;
    let json = json::parse(text.trim()).map_err(|e| format!("{what}: {e}"))?;
    let missing: Vec<&str> = json.get("missing").map(json::strings).into_iter().flatten().collect();
    if !missing.is_empty() {
        return Err(format!("{what}: modules not built in: {}", missing.join(", ")));
    }
    let version: Vec<u64> =
        json.get("version").map(json::array).unwrap_or_default().iter().filter_map(Json::as_u64).collect();
    let expected = [py.version.0, py.version.1, py.version.2].map(u64::from);
    if version != expected {
        return Err(format!("{what}: it reports version {version:?}, expected {expected:?}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG_C: &str = "#include \"Python.h\"\n\
        extern PyObject* PyInit_posix(void);\n\
        extern PyObject* PyInit__sre(void);\n\
        /* -- ADDMODULE MARKER 1 -- */\n\
        struct _inittab _PyImport_Inittab[] = {\n    {\"posix\", PyInit_posix},\n    {\"_sre\", PyInit__sre},\n\
        /* -- ADDMODULE MARKER 2 -- */\n    {0, 0}\n};\n";

    #[test]
    fn adds_modules_at_the_markers() {
        let out = patch_config_c(CONFIG_C, &["binascii".into()]).unwrap();
        let decl = out.find("extern PyObject* PyInit_binascii(void);").unwrap();
        assert!(decl < out.find(MARKER_DECLS).unwrap());
        let entry = out.find("{\"binascii\", PyInit_binascii},").unwrap();
        assert!(entry > out.find("_PyImport_Inittab").unwrap() && entry < out.find(MARKER_TABLE).unwrap());
        assert!(out.contains("    {\"_sre\", PyInit__sre},\n"));
    }

    #[test]
    fn replaces_a_c_builtin() {
        let out = patch_config_c(CONFIG_C, &["_sre".into()]).unwrap();
        assert_eq!(out.matches("{\"_sre\", PyInit__sre},").count(), 2);
        assert!(out.contains("/* replaced by oxpy: {\"_sre\", PyInit__sre}, */"));
    }

    #[test]
    fn needs_the_markers() {
        assert!(patch_config_c("struct _inittab x[] = {{0, 0}};", &["binascii".into()]).is_err());
    }

    #[test]
    fn reads_cargo_messages() {
        let stdout = r#"{"reason":"build-script-executed","package_id":"x","linked_libs":["static=foo","z","dylib=bar:baz","python3.11"],"linked_paths":["native=/opt/lib","dependency=/x"]}
{"reason":"compiler-artifact","target":{"name":"oxpy_modules","kind":["cdylib","staticlib"]},"filenames":["/t/liboxpy_modules.so","/t/liboxpy_modules.a"]}
{"reason":"build-finished","success":true}"#;
        let libs = parse_cargo_messages(stdout).unwrap();
        assert_eq!(libs.cdylib, Path::new("/t/liboxpy_modules.so"));
        assert_eq!(libs.staticlib, Path::new("/t/liboxpy_modules.a"));
        assert_eq!(libs.link_flags, ["-L/opt/lib", "-lz", "-lbar"]);
        assert!(parse_cargo_messages("").is_err());
    }
}
