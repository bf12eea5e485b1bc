"""Load the C and the Rust build of one extension module side by side.

Both are loaded from their files with ExtensionFileLoader under the module's
real name (`binascii`), without touching sys.modules, so one process can
call both on the same inputs.
"""

import importlib
import importlib.machinery
import importlib.util
import os
import sys
import sysconfig


def c_module_path(name):
    """The running CPython's own extension module file for `name` (lib-dynload)."""
    filename = name + sysconfig.get_config_var("EXT_SUFFIX")
    dirs = [sysconfig.get_config_var("DESTSHARED")]
    dirs += [p for p in sys.path if os.path.basename(p) == "lib-dynload"]
    for d in dirs:
        if d and os.path.isfile(os.path.join(d, filename)):
            return os.path.join(d, filename)
    raise SystemExit(f"cannot find CPython's {filename} (looked in {dirs})")


def load_extension(name, path):
    """Loads the extension module file `path` as module `name` (not put in sys.modules)."""
    loader = importlib.machinery.ExtensionFileLoader(name, path)
    spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def load_pair(name, rust_path, c_path=None):
    """Returns (C module, Rust module)."""
    rust_path = os.path.abspath(rust_path)
    if not os.path.isfile(rust_path):
        raise SystemExit(f"no Rust module at {rust_path} (run `cargo xtask build`)")
    if c_path is None and name in sys.builtin_module_names:
        c = importlib.import_module(name)  # compiled into this CPython
    else:
        c = load_extension(name, c_path or c_module_path(name))
    rust = load_extension(name, rust_path)
    if getattr(c, "__file__", None) == rust.__file__ or rust.__file__ != rust_path:
        raise SystemExit(f"loading went wrong: C {getattr(c, '__file__', 'built-in')}, Rust {rust.__file__}")
    return c, rust
