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

/// What the function is bound to: the first item of its text signature.
#[derive(Clone, Copy, PartialEq)]
enum Receiver {
    /// `$module`: a module-level function.
    Module,
    /// `$self`: a method (`oxpy::class::Method`).
    Instance,
    /// `$type`: a class's constructor (`oxpy::class::Constructor`).
    Type,
}

/// Parses CPython's `__text_signature__` syntax: `($module, a, /, b=1, *, c=True)`.
fn parse_text_signature(sig: &str, span: Span) -> Result<(Receiver, Vec<Param>)> {
    let inner = sig
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .ok_or_else(|| Error::new(span, "text_signature must be parenthesised"))?;
    let mut items = inner.split(',').map(str::trim).filter(|s| !s.is_empty());
    let receiver = match items.next() {
        Some("$module") => Receiver::Module,
        Some("$self") => Receiver::Instance,
        Some("$type") => Receiver::Type,
        _ => return Err(Error::new(span, "text_signature must start with `$module`, `$self` or `$type`")),
    };
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
    Ok((receiver, params))
}

/// `#[arg(with = path, slot = path, default = expr)]` on a parameter.
#[derive(Default)]
struct ArgAttr {
    with: Option<syn::Path>,
    /// A storage type in the trampoline's frame (`Default`, with `get(&mut
    /// self, arg, ctx)`) that the parameter borrows from.
    slot: Option<syn::Path>,
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
            } else if meta.path.is_ident("slot") {
                out.slot = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("default") {
                out.default = Some(meta.value()?.parse()?);
            } else {
                return Err(meta.error("expected `with = path`, `slot = path` or `default = expr`"));
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

/// The docstring from the doc comments, for Python 3.11 and for 3.12+:
/// lines starting with `@3.12+ ` only appear in the second.
fn doc_text(attrs: &[syn::Attribute]) -> (String, String) {
    let (mut old, mut new) = (Vec::new(), Vec::new());
    for attr in attrs {
        if let Meta::NameValue(nv) = &attr.meta
            && nv.path.is_ident("doc")
            && let Expr::Lit(syn::ExprLit { lit: Lit::Str(s), .. }) = &nv.value
        {
            let v = s.value();
            let line = v.strip_prefix(' ').unwrap_or(&v).to_string();
            match line.strip_prefix("@3.12+ ").or_else(|| (line == "@3.12+").then_some("")) {
                Some(rest) => new.push(rest.to_string()),
                None => {
                    old.push(line.clone());
                    new.push(line);
                }
            }
        }
    }
    (old.join("\n"), new.join("\n"))
}

pub fn expand(attr: TokenStream, item: TokenStream) -> Result<TokenStream> {
    let mut func: ItemFn = syn::parse2(item)?;
    let metas = Punctuated::<Meta, Token![,]>::parse_terminated.parse2(attr)?;
    let mut text_signature = None;
    let mut py_name = func.sig.ident.to_string();
    let mut defining_class = true;
    for meta in &metas {
        if let Meta::NameValue(nv) = meta
            && nv.path.is_ident("defining_class")
        {
            let Expr::Lit(syn::ExprLit { lit: Lit::Bool(b), .. }) = &nv.value else {
                return Err(Error::new(nv.value.span(), "expected `true` or `false`"));
            };
            defining_class = b.value;
            continue;
        }
        let Meta::NameValue(nv) = meta else { return Err(Error::new(meta.span(), "expected `key = \"value\"`")) };
        let Expr::Lit(syn::ExprLit { lit: Lit::Str(s), .. }) = &nv.value else {
            return Err(Error::new(nv.value.span(), "expected a string"));
        };
        if nv.path.is_ident("text_signature") {
            text_signature = Some(s.clone());
        } else if nv.path.is_ident("name") {
            py_name = s.value();
        } else {
            return Err(Error::new(nv.path.span(), "expected `text_signature`, `name` or `defining_class`"));
        }
    }
    let sig_lit = text_signature.ok_or_else(|| Error::new(Span::call_site(), "missing text_signature = \"(...)\""))?;
    let (receiver, params) = parse_text_signature(&sig_lit.value(), sig_lit.span())?;

    // Rust parameters: `py`, the instance for methods, optionally `module`,
    // then one per Python parameter.
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
    let skip_self = usize::from(receiver == Receiver::Instance);
    let self_param = match (receiver, func.sig.inputs.iter().nth(1)) {
        (Receiver::Instance, Some(FnArg::Typed(t))) => Some(SelfParam::new(&t.ty)?),
        (Receiver::Instance, _) => {
            return Err(Error::new(
                func.sig.span(),
                "a method's second parameter is the instance (`&T` or `Borrowed<T>`)",
            ));
        }
        _ => None,
    };
    let takes_module = inputs.get(1 + skip_self) == Some(&Some("module".to_string()));
    let sig_span = func.sig.span();
    let constructed =
        match (receiver, &func.sig.output) {
            (Receiver::Type, syn::ReturnType::Type(_, ty)) => Some(last_generic(ty).ok_or_else(|| {
                Error::new(ty.span(), "a constructor returns `PyResult<T>` with T the class's payload")
            })?),
            (Receiver::Type, _) => return Err(Error::new(sig_span, "a constructor returns `PyResult<T>`")),
            _ => None,
        };
    let mut rust_params: Vec<&mut syn::PatType> = func
        .sig
        .inputs
        .iter_mut()
        .skip(1 + skip_self + usize::from(takes_module))
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
        let slot = format_ident!("__slot{}", i);
        if let Some(path) = &arg_attr.slot {
            if arg_attr.with.is_some() {
                return Err(Error::new(rp.pat.span(), "`slot` and `with` exclude each other"));
            }
            conversions.push(quote!(let mut #slot: #path = ::core::default::Default::default();));
        }
        let convert = |o: TokenStream| match (&arg_attr.with, &arg_attr.slot) {
            (Some(path), _) => quote!(#path(#o, &PARAMS.ctx(#i))?),
            (None, Some(_)) => quote!(#slot.get(#o, &PARAMS.ctx(#i))?),
            (None, None) => quote!(::oxpy::args::FromArg::from_arg(#o, &PARAMS.ctx(#i))?),
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
    let (constructor, unpack) = if receiver == Receiver::Type || (receiver == Receiver::Instance && defining_class) {
        // Clinic's defining-class and __new__ conventions parse every
        // signature with _PyArg_UnpackKeywords (no-parameter methods only
        // check the count).
        if n == 0 {
            (quote!(method), quote!(::oxpy::args::unpack_none(py, &PARAMS, &args)?;))
        } else {
            (quote!(method), quote!(::oxpy::args::unpack_keywords(py, &PARAMS, &args, &mut slots)?;))
        }
    } else if n == 0 {
        (quote!(noargs), quote!())
    } else if posonly == n && n == 1 && minpos == 1 {
        (quote!(o), quote!(::oxpy::args::unpack_exact(&args, &mut slots);))
    } else if posonly == n {
        (quote!(fastcall), quote!(::oxpy::args::unpack_positional(py, &PARAMS, &args, &mut slots)?;))
    } else {
        (quote!(fastcall_kw), quote!(::oxpy::args::unpack_keywords(py, &PARAMS, &args, &mut slots)?;))
    };

    let meth_o = constructor.to_string() == "o";
    let sig_text = sig_lit.value();
    let (doc_311, doc_312) = doc_text(&func.attrs);
    let shown = match receiver {
        Receiver::Type => sig_text.replacen("$type, ", "", 1).replacen("$type", "", 1),
        _ => sig_text.clone(),
    };
    let (doc_311, doc_312) =
        (format!("{py_name}{shown}\n--\n\n{doc_311}\0"), format!("{py_name}{shown}\n--\n\n{doc_312}\0"));
    let doc = if doc_311 == doc_312 {
        quote!(#doc_311)
    } else {
        quote!(if ::oxpy::PY_MINOR_VERSION >= 12 { #doc_312 } else { #doc_311 })
    };
    let name_c = format!("{py_name}\0");
    let fn_ident = &func.sig.ident;
    let vis = &func.vis;
    let call_module = if takes_module { quote!(module,) } else { quote!() };
    let unused_module = if takes_module { quote!() } else { quote!(let _ = module;) };
    let params_static = quote! {
        static PARAMS: ::oxpy::args::Params = ::oxpy::args::Params {
            fname: #py_name,
            names: &[#(#names),*],
            posonly: #posonly,
            minpos: #minpos,
            maxpos: #maxpos,
            minkw: #minkw,
            meth_o: #meth_o,
        };
        let _ = &PARAMS;
        #unused_module
        let mut slots: [::core::option::Option<::oxpy::Borrowed<'a, 'py, ::oxpy::types::PyAny>>; #n] = [::core::option::Option::None; #n];
        let _ = &mut slots;
        #unpack
        #(#conversions)*
    };

    let imp = match receiver {
        Receiver::Module => quote! {
            impl ::oxpy::function::Function for #fn_ident {
                const DEF: ::oxpy::function::MethodDef = ::oxpy::function::MethodDef::#constructor::<Self>(#name_c, #doc);

                #[inline]
                fn call<'a, 'py>(
                    py: ::oxpy::Python<'py>,
                    module: ::oxpy::Borrowed<'a, 'py, ::oxpy::types::PyModule>,
                    args: ::oxpy::function::CallArgs<'a, 'py>,
                ) -> ::oxpy::PyResult<::oxpy::Bound<'py, ::oxpy::types::PyAny>> {
                    #params_static
                    let result = #fn_ident(py, #call_module #(#idents),*)?;
                    ::oxpy::function::IntoPyObject::into_py_object(result, py)
                }
            }
        },
        Receiver::Instance => {
            let SelfParam { class, by_ref } = self_param.expect("checked above");
            let slf = if by_ref { quote!(slf.get()) } else { quote!(slf) };
            // Plain methods take the calling convention clinic gives the
            // signature, as module functions do.
            let def = match (defining_class, constructor.to_string().as_str()) {
                (true, _) => quote!(method),
                (false, "noargs") => quote!(method_plain_noargs),
                (false, "o") => quote!(method_plain_o),
                (false, "fastcall") => quote!(method_plain_fastcall),
                (false, _) => quote!(method_plain),
            };
            quote! {
                impl ::oxpy::class::Method for #fn_ident {
                    type Class = #class;
                    const DEF: ::oxpy::function::MethodDef = ::oxpy::function::MethodDef::#def::<#class, Self>(#name_c, #doc);

                    #[inline]
                    fn call<'a, 'py>(
                        py: ::oxpy::Python<'py>,
                        slf: ::oxpy::Borrowed<'a, 'py, #class>,
                        module: ::oxpy::Borrowed<'a, 'py, ::oxpy::types::PyModule>,
                        args: ::oxpy::function::CallArgs<'a, 'py>,
                    ) -> ::oxpy::PyResult<::oxpy::Bound<'py, ::oxpy::types::PyAny>> {
                        #params_static
                        let result = #fn_ident(py, #slf, #call_module #(#idents),*)?;
                        ::oxpy::function::IntoPyObject::into_py_object(result, py)
                    }
                }
            }
        }
        Receiver::Type => {
            let class = constructed.expect("checked above");
            quote! {
                impl ::oxpy::class::Constructor for #fn_ident {
                    type Class = #class;
                    const DOC: &'static str = #doc;

                    #[inline]
                    fn call<'a, 'py>(
                        py: ::oxpy::Python<'py>,
                        module: ::oxpy::Borrowed<'a, 'py, ::oxpy::types::PyModule>,
                        args: ::oxpy::function::CallArgs<'a, 'py>,
                    ) -> ::oxpy::PyResult<#class> {
                        #params_static
                        #fn_ident(py, #call_module #(#idents),*)
                    }
                }
            }
        }
    };
    let _ = constructor;

    Ok(quote! {
        #func

        #[allow(non_camel_case_types)]
        #[doc(hidden)]
        #vis struct #fn_ident {}

        #imp
    })
}

/// A method's instance parameter: `&T` or `Borrowed<'a, 'py, T>`.
struct SelfParam {
    class: Type,
    by_ref: bool,
}

impl SelfParam {
    fn new(ty: &Type) -> Result<Self> {
        match ty {
            Type::Reference(r) => Ok(SelfParam { class: (*r.elem).clone(), by_ref: true }),
            other => last_generic(other)
                .map(|class| SelfParam { class, by_ref: false })
                .ok_or_else(|| Error::new(other.span(), "expected `&T` or `Borrowed<'a, 'py, T>`")),
        }
    }
}

/// The last generic type argument of a path type (`T` of `PyResult<T>`).
fn last_generic(ty: &Type) -> Option<Type> {
    let Type::Path(p) = ty else { return None };
    let syn::PathArguments::AngleBracketed(args) = &p.path.segments.last()?.arguments else { return None };
    args.args.iter().rev().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    })
}
