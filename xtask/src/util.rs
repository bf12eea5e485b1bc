//! Small helpers shared by the commands: running processes, files, flags.

use std::ffi::OsString;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// Every expected failure is a message for the user; there are no panics.
pub type Result<T, E = String> = std::result::Result<T, E>;

/// The workspace root: the parent of this crate's directory.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// The cargo that runs us (`$CARGO`), else `cargo` from PATH.
pub fn cargo() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// A command line for messages, e.g. `gcc -c config.c -o config.o`
/// (multi-line arguments such as `-c` scripts are cut to their first line).
pub fn display_cmd(cmd: &Command) -> String {
    let mut parts = vec![cmd.get_program().to_string_lossy().into_owned()];
    for arg in cmd.get_args() {
        let arg = arg.to_string_lossy();
        parts.push(match arg.split_once('\n') {
            Some((first, _)) => format!("'{first} ...'"),
            None => arg.into_owned(),
        });
    }
    parts.join(" ")
}

/// Runs `cmd` and returns its stdout; stderr is shown in the error if it fails.
pub fn output_checked(cmd: &mut Command, what: &str) -> Result<String> {
    let out =
        cmd.stdin(Stdio::null()).output().map_err(|e| format!("{what}: cannot run `{}`: {e}", display_cmd(cmd)))?;
    if !out.status.success() {
        return Err(format!(
            "{what} failed ({}): {}\n{}",
            out.status,
            display_cmd(cmd),
            String::from_utf8_lossy(&out.stderr).trim_end()
        ));
    }
    String::from_utf8(out.stdout).map_err(|_| format!("{what}: output is not UTF-8"))
}

/// What [`run_tee`] saw.
pub struct Captured {
    /// `None` if the process was killed at the time limit.
    pub status: Option<ExitStatus>,
    /// Everything the process wrote to stdout.
    pub stdout: String,
}

/// Runs `cmd`, copying its stdout to ours line by line while also keeping it,
/// and kills it after `timeout`. Stderr and stdin are inherited.
pub fn run_tee(cmd: &mut Command, timeout: Duration) -> Result<Captured> {
    let mut child =
        cmd.stdout(Stdio::piped()).spawn().map_err(|e| format!("cannot run `{}`: {e}", display_cmd(cmd)))?;
    let stdout = child.stdout.take();
    let reader = thread::spawn(move || {
        let mut kept = String::new();
        let Some(stdout) = stdout else { return kept };
        let mut lines = BufReader::new(stdout);
        let mut line = Vec::new();
        loop {
            line.clear();
            match lines.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let mut out = std::io::stdout().lock();
                    let _ = out.write_all(&line);
                    let _ = out.flush();
                    kept.push_str(&String::from_utf8_lossy(&line));
                }
            }
        }
        kept
    });
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() >= deadline => {
                eprintln!("xtask: time limit ({timeout:?}) reached, killing `{}`", display_cmd(cmd));
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(format!("waiting for `{}`: {e}", display_cmd(cmd))),
        }
    };
    let stdout = reader.join().unwrap_or_default();
    Ok(Captured { status, stdout })
}

/// Writes `contents` unless the file already holds exactly that (keeps its
/// modification time, so later steps can tell nothing changed). Returns
/// whether it wrote.
pub fn write_if_changed(path: &Path, contents: &[u8]) -> Result<bool> {
    if fs::read(path).is_ok_and(|old| old == contents) {
        return Ok(false);
    }
    write_atomic(path, contents)?;
    Ok(true)
}

/// Replaces `path` by writing a temporary file and renaming it over, so a
/// process that has the old file open or mapped is not disturbed.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    let tmp = tmp_path(path);
    fs::write(&tmp, contents).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    rename(&tmp, path)
}

/// Copies `src` to `dst` (atomically, see [`write_atomic`]) unless `dst`
/// already has the same contents. Returns whether it copied.
pub fn copy_if_changed(src: &Path, dst: &Path) -> Result<bool> {
    let new = fs::read(src).map_err(|e| format!("cannot read {}: {e}", src.display()))?;
    if fs::read(dst).is_ok_and(|old| old == new) {
        return Ok(false);
    }
    let tmp = tmp_path(dst);
    fs::copy(src, &tmp).map_err(|e| format!("cannot copy {} to {}: {e}", src.display(), tmp.display()))?;
    rename(&tmp, dst)?;
    Ok(true)
}

/// `path` with `.tmp` appended to the file name.
pub fn tmp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    path.with_file_name(name)
}

pub fn rename(from: &Path, to: &Path) -> Result<()> {
    fs::rename(from, to).map_err(|e| format!("cannot rename {} to {}: {e}", from.display(), to.display()))
}

pub fn create_dir_all(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))
}

/// Splits a compiler/linker flag string from sysconfig (they hold no quotes).
pub fn split_flags(flags: &str) -> Vec<String> {
    flags.split_whitespace().map(str::to_owned).collect()
}

/// "1m 05s" / "12.3s".
pub fn fmt_duration(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs < 60.0 { format!("{secs:.1}s") } else { format!("{}m {:02}s", d.as_secs() / 60, d.as_secs() % 60) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_flags() {
        assert_eq!(split_flags("  -O3 -Wall\t-g "), ["-O3", "-Wall", "-g"]);
        assert!(split_flags("").is_empty());
    }

    #[test]
    fn formats_durations() {
        assert_eq!(fmt_duration(Duration::from_millis(12_340)), "12.3s");
        assert_eq!(fmt_duration(Duration::from_secs(65)), "1m 05s");
    }
}
