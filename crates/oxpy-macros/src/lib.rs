//! Procedural macros of the oxpy API.
//!
//! `#[oxpy::function(text_signature = "($module, data, /, *, newline=True)")]`
//! turns a Rust function into a Python function: the signature (CPython's
//! `__text_signature__` syntax, copied from the C function) gives parameter
//! names, kinds and defaults; the docstring is `name(sig)\n--\n\n` + the doc
//! comment, as Argument Clinic writes it.

use proc_macro::TokenStream;

mod function;

/// Declares a module-level Python function. See the crate docs.
#[proc_macro_attribute]
pub fn function(attr: TokenStream, item: TokenStream) -> TokenStream {
    function::expand(attr.into(), item.into()).unwrap_or_else(syn::Error::into_compile_error).into()
}
