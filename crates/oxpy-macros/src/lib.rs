//! Procedural macros of the oxpy API.
//!
//! `#[oxpy::function(text_signature = "($module, data, /, *, newline=True)")]`
//! turns a Rust function into a Python function: the signature (CPython's
//! `__text_signature__` syntax, copied from the C function) gives parameter
//! names, kinds and defaults; the docstring is `name(sig)\n--\n\n` + the doc
//! comment, as Argument Clinic writes it.
//!
//! Parameters convert through `oxpy::args::FromArg`, or as an attribute
//! says: `#[arg(with = f)]` calls `f(arg, ctx)`; `#[arg(slot = T)]` fills
//! a `T::default()` kept in the trampoline's frame with `slot.get(arg,
//! ctx)` and passes what it lends (`oxpy::buffer::BufferSlot` for `&[u8]`
//! buffer arguments); `#[arg(default = expr)]` gives the value when the
//! argument is absent.

use proc_macro::TokenStream;

mod function;

/// Declares a module-level Python function. See the crate docs.
#[proc_macro_attribute]
pub fn function(attr: TokenStream, item: TokenStream) -> TokenStream {
    function::expand(attr.into(), item.into()).unwrap_or_else(syn::Error::into_compile_error).into()
}
