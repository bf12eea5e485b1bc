//! Emits pyo3's version cfgs (`Py_3_12`, `Py_3_13`, ...) for the target
//! interpreter (chosen with `PYO3_PYTHON`), so version differences are
//! handled here with `cfg`s and never in module code.
fn main() {
    pyo3_build_config::use_pyo3_cfgs();
}
