//! `#[oxpy::function]`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Error, Expr, FnArg, ItemFn, Lit, Meta, Pat, Result, Token, Type};

/// A parameter of the Python signature.
struct Param {
    name: String,
    kind: Kind,
    default: Option<String>,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    PositionalOnly,
    PositionalOrKeyword,
    KeywordOnly,
}

/// Parses CPython's `__text_signature__` syntax: `($module, a, /, b=1, *, c=True)`.
fn parse_text_signature(sig: &str, span: Span) -> Result<Vec<Param>> {
    let inner = sig
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .ok_or_else(|| Error::new(span, "text_signature must be parenthesised"))?;
    let mut items = inner.split(',').map(str::trim).filter(|s| !s.is_empty());
    if items.next() != Some("$module") {
        return Err(Error::new(span, "text_signature must start with `$module`"));
    }
    let mut params: Vec<Param> = Vec::new();
    let mut kind = Kind::PositionalOrKeyword;
    for item in items {
        match item {
            "/" => params.iter_mut().for_each(|p| p.kind = Kind::PositionalOnly),
            "*" => kind = Kind::KeywordOnly,
            _ => {
                let (name, default) = match item.split_once('=') {
                    Some((n, d)) => (n.trim(), Some(d.trim().to_string())),
                    None => (item, None),
                };
                params.push(Param { name: name.to_string(), kind, default });
            }
        }
    }
    Ok(params)
}

/// `#[arg(with = path, default = expr)]` on a parameter.
#[derive(Default)]
struct ArgAttr {
    with: Option<syn::Path>,
    default: Option<Expr>,
}

fn take_arg_attr(attrs: &mut Vec<syn::Attribute>) -> Result<ArgAttr> {
    let mut out = ArgAttr::default();
    let mut kept = Vec::new();
    for attr in attrs.drain(..) {
        if !attr.path().is_ident("arg") {
            kept.push(attr);
            continue;
        }
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("with") {
                out.with = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("default") {
                out.default = Some(meta.value()?.parse()?);
            } else {
                return Err(meta.error("expected `with = path` or `default = expr`"));
            }
            Ok(())
        })?;
    }
    *attrs = kept;
    Ok(out)
}

fn is_option(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

/// The Rust expression for a text-signature default.
fn default_expr(text: &str, span: Span) -> Result<TokenStream> {
    match text {
        "True" => Ok(quote!(true)),
        "False" => Ok(quote!(false)),
        t if t.parse::<i64>().is_ok() => {
            let lit: syn::LitInt = syn::parse_str(t)?;
            Ok(quote!(#lit))
        }
        t => Err(Error::new(
            span,
            format!("default `{t}` has no Rust equivalent: use an Option parameter or #[arg(default = expr)]"),
        )),
    }
}

fn doc_text(attrs: &[syn::Attribute]) -> String {
    let mut lines = Vec::new();
    for attr in attrs {
        if let Meta::NameValue(nv) = &attr.meta
            && nv.path.is_ident("doc")
            && let Expr::Lit(syn::ExprLit { lit: Lit::Str(s), .. }) = &nv.value
        {
            let v = s.value();
            lines.push(v.strip_prefix(' ').unwrap_or(&v).to_string());
        }
    }
    lines.join("\n")
}

pub fn expand(attr: TokenStream, item: TokenStream) -> Result<TokenStream> {
    let mut func: ItemFn = syn::parse2(item)?;
    let metas = Punctuated::<Meta, Token![,]>::parse_terminated.parse2(attr)?;
    let mut text_signature = None;
    let mut py_name = func.sig.ident.to_string();
    for meta in &metas {
        let Meta::NameValue(nv) = meta else { return Err(Error::new(meta.span(), "expected `key = \"value\"`")) };
        let Expr::Lit(syn::ExprLit { lit: Lit::Str(s), .. }) = &nv.value else {
            return Err(Error::new(nv.value.span(), "expected a string"));
        };
        if nv.path.is_ident("text_signature") {
            text_signature = Some(s.clone());
        } else if nv.path.is_ident("name") {
            py_name = s.value();
        } else {
            return Err(Error::new(nv.path.span(), "expected `text_signature` or `name`"));
        }
    }
    let sig_lit = text_signature.ok_or_else(|| Error::new(Span::call_site(), "missing text_signature = \"(...)\""))?;
    let params = parse_text_signature(&sig_lit.value(), sig_lit.span())?;

    // Rust parameters: `py`, optionally `module`, then one per Python parameter.
    let arg_name = |a: &FnArg| match a {
        FnArg::Typed(t) => match &*t.pat {
            Pat::Ident(i) => Some(i.ident.to_string()),
            _ => None,
        },
        FnArg::Receiver(_) => None,
    };
    let inputs: Vec<Option<String>> = func.sig.inputs.iter().map(arg_name).collect();
    if inputs.first() != Some(&Some("py".to_string())) {
        return Err(Error::new(func.sig.span(), "the first parameter must be `py: Python<'py>`"));
    }
    let takes_module = inputs.get(1) == Some(&Some("module".to_string()));
    let sig_span = func.sig.span();
    let mut rust_params: Vec<&mut syn::PatType> = func
        .sig
        .inputs
        .iter_mut()
        .skip(1 + usize::from(takes_module))
        .map(|a| match a {
            FnArg::Typed(t) => Ok(t),
            FnArg::Receiver(r) => Err(Error::new(r.span(), "no self parameter")),
        })
        .collect::<Result<_>>()?;
    if rust_params.len() != params.len() {
        return Err(Error::new(
            sig_span,
            format!("the text signature has {} parameters, the function {}", params.len(), rust_params.len()),
        ));
    }

    let n = params.len();
    let posonly = params.iter().filter(|p| p.kind == Kind::PositionalOnly).count();
    let maxpos = params.iter().filter(|p| p.kind != Kind::KeywordOnly).count();
    let minpos = params.iter().take_while(|p| p.kind != Kind::KeywordOnly && p.default.is_none()).count();
    let minkw = params.iter().filter(|p| p.kind == Kind::KeywordOnly && p.default.is_none()).count();

    let mut conversions = Vec::new();
    let mut idents = Vec::new();
    for (i, (p, rp)) in params.iter().zip(rust_params.iter_mut()).enumerate() {
        let rust_name = match &*rp.pat {
            Pat::Ident(id) => id.ident.to_string(),
            other => return Err(Error::new(other.span(), "parameters must be plain identifiers")),
        };
        if rust_name.trim_start_matches('_') != p.name {
            return Err(Error::new(
                rp.pat.span(),
                format!("parameter `{rust_name}` should be named `{}` as in the text signature", p.name),
            ));
        }
        let arg_attr = take_arg_attr(&mut rp.attrs)?;
        let ident = format_ident!("__arg{}", i);
        let convert = |o: TokenStream| match &arg_attr.with {
            Some(path) => quote!(#path(#o, &PARAMS.ctx(#i))?),
            None => quote!(::oxpy::args::FromArg::from_arg(#o, &PARAMS.ctx(#i))?),
        };
        let conversion = if is_option(&rp.ty) {
            let c = convert(quote!(o));
            quote!(let #ident = match slots[#i] { ::core::option::Option::Some(o) => ::core::option::Option::Some(#c), ::core::option::Option::None => ::core::option::Option::None };)
        } else if let Some(default) = arg_attr
            .default
            .as_ref()
            .map(|d| quote!(#d))
            .map(Ok)
            .or_else(|| p.default.as_ref().map(|d| default_expr(d, sig_lit.span())))
        {
            let default = default?;
            let c = convert(quote!(o));
            quote!(let #ident = match slots[#i] { ::core::option::Option::Some(o) => #c, ::core::option::Option::None => #default };)
        } else {
            let c = convert(quote!(::oxpy::args::required(py, slots[#i])?));
            quote!(let #ident = #c;)
        };
        conversions.push(conversion);
        idents.push(ident);
    }

    let names: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
    let (constructor, unpack) = if n == 0 {
        (quote!(noargs), quote!())
    } else if posonly == n && n == 1 && minpos == 1 {
        (quote!(o), quote!(::oxpy::args::unpack_exact(&args, &mut slots);))
    } else if posonly == n {
        (quote!(fastcall), quote!(::oxpy::args::unpack_positional(py, &PARAMS, &args, &mut slots)?;))
    } else {
        (quote!(fastcall_kw), quote!(::oxpy::args::unpack_keywords(py, &PARAMS, &args, &mut slots)?;))
    };

    let doc = format!("{py_name}{}\n--\n\n{}\0", sig_lit.value(), doc_text(&func.attrs));
    let name_c = format!("{py_name}\0");
    let fn_ident = &func.sig.ident;
    let vis = &func.vis;
    let call_module = if takes_module { quote!(module,) } else { quote!() };
    let unused_module = if takes_module { quote!() } else { quote!(let _ = module;) };

    Ok(quote! {
        #func

        #[allow(non_camel_case_types)]
        #[doc(hidden)]
        #vis struct #fn_ident {}

        impl ::oxpy::function::Function for #fn_ident {
            const DEF: ::oxpy::function::MethodDef = ::oxpy::function::MethodDef::#constructor::<Self>(#name_c, #doc);

            #[inline]
            fn call<'a, 'py>(
                py: ::oxpy::Python<'py>,
                module: ::oxpy::Borrowed<'a, 'py, ::oxpy::types::PyModule>,
                args: ::oxpy::function::CallArgs<'a, 'py>,
            ) -> ::oxpy::PyResult<::oxpy::Bound<'py, ::oxpy::types::PyAny>> {
                static PARAMS: ::oxpy::args::Params = ::oxpy::args::Params {
                    fname: #py_name,
                    names: &[#(#names),*],
                    posonly: #posonly,
                    minpos: #minpos,
                    maxpos: #maxpos,
                    minkw: #minkw,
                };
                let _ = &PARAMS;
                #unused_module
                let mut slots: [::core::option::Option<::oxpy::Borrowed<'a, 'py, ::oxpy::types::PyAny>>; #n] = [::core::option::Option::None; #n];
                let _ = &mut slots;
                #unpack
                #(#conversions)*
                let result = #fn_ident(py, #call_module #(#idents),*)?;
                ::oxpy::function::IntoPyObject::into_py_object(result, py)
            }
        }
    })
}
