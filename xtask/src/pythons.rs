//! Finding the CPythons to build for, and asking them for their build
//! configuration (`sysconfig`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::json::{self, Json};
use crate::util::{Result, output_checked};

/// The Python versions oxpy supports (major 3).
pub const SUPPORTED_MINORS: [u32; 3] = [11, 12, 13];

/// The sysconfig variables the build uses.
const CONFIG_VARS: &[&str] = &[
    "CC",
    "CFLAGS",
    "EXT_SUFFIX",
    "INCLUDEPY",
    "LDVERSION",
    "LIBDIR",
    "LIBPL",
    "LIBRARY",
    "LIBS",
    "LINKCC",
    "LINKFORSHARED",
    "MODLIBS",
    "PY_LDFLAGS",
    "PY_LDFLAGS_NODIST",
    "Py_ENABLE_SHARED",
    "Py_GIL_DISABLED",
    "SYSLIBS",
];

/// One CPython installation.
#[derive(Debug, Clone)]
pub struct Python {
    /// `sys.executable`: what we run.
    pub exe: PathBuf,
    /// The same with symlinks resolved: what tells two installations apart.
    pub real_exe: PathBuf,
    /// `(major, minor, micro)`.
    pub version: (u32, u32, u32),
    vars: BTreeMap<String, Option<String>>,
}

impl Python {
    /// Asks the interpreter `exe` for its version and build configuration.
    pub fn query(exe: &Path) -> Result<Python> {
        let keys = CONFIG_VARS.iter().map(|k| format!("{k:?}")).collect::<Vec<_>>().join(", ");
        let script = format!(
            "import json, os, sys, sysconfig\n\
             out = {{k: sysconfig.get_config_var(k) for k in [{keys}]}}\n\
             out = {{k: (None if v is None else str(v)) for k, v in out.items()}}\n\
             out['executable'] = sys.executable\n\
             out['real_executable'] = os.path.realpath(sys.executable)\n\
             out['version'] = list(sys.version_info[:3])\n\
             out['implementation'] = sys.implementation.name\n\
             print(json.dumps(out))\n"
        );
        let what = format!("querying the Python `{}`", exe.display());
        let text = output_checked(Command::new(exe).args(["-I", "-S", "-c", &script]), &what)?;
        let json = json::parse(text.trim()).map_err(|e| format!("{what}: {e}"))?;
        let implementation = json.get("implementation").and_then(Json::as_str).unwrap_or("?");
        if implementation != "cpython" {
            return Err(format!("{}: oxpy needs CPython, this is {implementation}", exe.display()));
        }
        let version: Vec<u32> = json
            .get("version")
            .map(json::array)
            .unwrap_or_default()
            .iter()
            .filter_map(|v| v.as_u64().map(|n| n as u32))
            .collect();
        let [major, minor, micro] = version[..] else {
            return Err(format!("{what}: no version in {text}"));
        };
        let path = |key: &str| json.get(key).and_then(Json::as_str).map(PathBuf::from);
        let vars = CONFIG_VARS
            .iter()
            .map(|&k| (k.to_owned(), json.get(k).and_then(Json::as_str).map(str::to_owned)))
            .collect();
        Ok(Python {
            exe: path("executable").unwrap_or_else(|| exe.to_owned()),
            real_exe: path("real_executable").unwrap_or_else(|| exe.to_owned()),
            version: (major, minor, micro),
            vars,
        })
    }

    /// `3.11` (with `t` appended for a free-threaded build): names the
    /// per-version build directories.
    pub fn tag(&self) -> String {
        let t = if self.var_or_empty("Py_GIL_DISABLED") == "1" { "t" } else { "" };
        format!("{}.{}{t}", self.version.0, self.version.1)
    }

    /// `3.11.7`.
    pub fn full_version(&self) -> String {
        format!("{}.{}.{}", self.version.0, self.version.1, self.version.2)
    }

    pub fn is_supported(&self) -> bool {
        self.version.0 == 3 && SUPPORTED_MINORS.contains(&self.version.1)
    }

    /// A sysconfig variable that must be set.
    pub fn var(&self, key: &str) -> Result<&str> {
        match self.vars.get(key) {
            Some(Some(v)) => Ok(v),
            _ => {
                Err(format!("sysconfig variable {key} is not set for {} ({})", self.exe.display(), self.full_version()))
            }
        }
    }

    /// A sysconfig variable, empty if unset.
    pub fn var_or_empty(&self, key: &str) -> &str {
        self.vars.get(key).and_then(Option::as_deref).unwrap_or("")
    }
}

/// The Python a single-Python command uses: `--python`, else `$OXPY_PYTHON`,
/// else `python3`.
pub fn chosen(flag: Option<&str>) -> Result<Python> {
    let exe = match flag {
        Some(exe) => exe.to_owned(),
        None => std::env::var("OXPY_PYTHON").unwrap_or_else(|_| "python3".to_owned()),
    };
    let py = Python::query(Path::new(&exe))?;
    if !py.is_supported() {
        return Err(format!(
            "{} is Python {}; oxpy supports CPython 3.11 to 3.13",
            py.exe.display(),
            py.full_version()
        ));
    }
    Ok(py)
}

/// Every installed CPython 3.11–3.13: `$OXPY_PYTHONS` (colon-separated
/// executables) if set, else `python3` and pyenv's versions, one per
/// minor version (the first found wins).
pub fn discover() -> Result<Vec<Python>> {
    let (candidates, explicit) = match std::env::var("OXPY_PYTHONS") {
        Ok(list) => (list.split(':').filter(|s| !s.is_empty()).map(PathBuf::from).collect(), true),
        Err(_) => {
            let mut c = vec![PathBuf::from("python3")];
            c.extend(pyenv_pythons());
            (c, false)
        }
    };
    let mut found: Vec<Python> = Vec::new();
    for exe in candidates {
        let py = match Python::query(&exe) {
            Ok(py) if py.is_supported() => py,
            Ok(py) if explicit => {
                return Err(format!(
                    "OXPY_PYTHONS names {} which is Python {}; oxpy supports CPython 3.11 to 3.13",
                    exe.display(),
                    py.full_version()
                ));
            }
            Ok(_) => continue,
            Err(e) if explicit => return Err(e),
            Err(e) => {
                eprintln!("xtask: skipping {}: {e}", exe.display());
                continue;
            }
        };
        if let Some(same) = found.iter().find(|f| f.tag() == py.tag()) {
            if same.real_exe != py.real_exe {
                eprintln!(
                    "xtask: skipping {} ({}): already using {} for {}",
                    py.exe.display(),
                    py.full_version(),
                    same.exe.display(),
                    same.tag()
                );
            }
            continue;
        }
        found.push(py);
    }
    if found.is_empty() {
        return Err("no CPython 3.11, 3.12 or 3.13 found (tried python3, pyenv and $OXPY_PYTHONS)".into());
    }
    found.sort_by_key(|p| p.version);
    Ok(found)
}

/// pyenv's CPython 3.11–3.13 executables; none if pyenv is not installed.
fn pyenv_pythons() -> Vec<PathBuf> {
    let Ok(list) = output_checked(Command::new("pyenv").args(["versions", "--bare"]), "pyenv versions") else {
        return Vec::new();
    };
    list.lines()
        .map(str::trim)
        .filter(|v| is_supported_release(v))
        .filter_map(|v| output_checked(Command::new("pyenv").args(["prefix", v]), "pyenv prefix").ok())
        .map(|prefix| Path::new(prefix.trim()).join("bin/python3"))
        .collect()
}

/// `3.12.1` yes; `3.12.1/envs/x`, `3.10.4`, `3.13.0t`, `pypy3.11-7.3` no.
fn is_supported_release(version: &str) -> bool {
    let parts: Vec<&str> = version.split('.').collect();
    parts.len() == 3
        && parts[0] == "3"
        && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && parts[1].parse().is_ok_and(|m: u32| SUPPORTED_MINORS.contains(&m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_pyenv_versions() {
        for yes in ["3.11.7", "3.12.1", "3.13.0"] {
            assert!(is_supported_release(yes), "{yes}");
        }
        for no in ["3.10.13", "3.14.0", "3.13.0t", "3.12.1/envs/x", "system", "pypy3.11-7.3.19", "2.7.18", "3.12"] {
            assert!(!is_supported_release(no), "{no}");
        }
    }
}
