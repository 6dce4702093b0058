//! Natively, the implementations of the common WASI 0.2 imports by the
//! runtime's `rt::native::wasi::TestWasi`: for each WASI
//! interface of the world it knows, `impl Host for TestWasi` (arguments,
//! environment, stdio, clocks, random, exit, poll) and the stream and
//! pollable resources (`impl HostOutputStream for Pipe`, ...), each method
//! a call of `TestWasi`'s; and at the root `install_test_wasi`, which
//! installs it for all of them. Functions it does not know keep the
//! default body that panics naming them. (Plain items, not behind a
//! feature of the runtime: a macro that kept or dropped them would leave
//! them unformatted in vendored bindings, and natively they cost little.)

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use wit_bindgen_core::wit_parser::{Function, TypeId};

use crate::context::{takes_self, Cx};
use crate::ident::snake;
use crate::names::{ModulePath, Scope, Side};
use crate::native::{host_method, method_signature, native_cfg, native_imports};

/// The WASI 0.2 interfaces `TestWasi` implements.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Known {
    Environment,
    Exit,
    Stdin,
    Stdout,
    Stderr,
    WallClock,
    MonotonicClock,
    Random,
    InsecureRandom,
    InsecureSeed,
    Streams,
    Poll,
}

/// The WASI 0.2 interface imports `scope` are, if `TestWasi` implements it.
fn known(cx: &Cx, scope: Scope) -> Option<Known> {
    let Scope::Module(module) = scope else {
        return None;
    };
    let module = cx.names.module(module);
    if module.side != Side::Import || module.remapped.is_some() {
        return None;
    }
    let iface = &cx.resolve.interfaces[module.interface];
    let package = &cx.resolve.packages[iface.package?].name;
    let version = package.version.as_ref()?;
    if package.namespace != "wasi" || version.major != 0 || version.minor != 2 {
        return None;
    }
    let known = match (package.name.as_str(), iface.name.as_deref()?) {
        ("cli", "environment") => Known::Environment,
        ("cli", "exit") => Known::Exit,
        ("cli", "stdin") => Known::Stdin,
        ("cli", "stdout") => Known::Stdout,
        ("cli", "stderr") => Known::Stderr,
        ("clocks", "wall-clock") => Known::WallClock,
        ("clocks", "monotonic-clock") => Known::MonotonicClock,
        ("random", "random") => Known::Random,
        ("random", "insecure") => Known::InsecureRandom,
        ("random", "insecure-seed") => Known::InsecureSeed,
        ("io", "streams") => Known::Streams,
        ("io", "poll") => Known::Poll,
        _ => return None,
    };
    Some(known)
}

/// The body of `func` of interface `known` in `TestWasi`'s (or `Pipe`'s,
/// `Ready`'s) implementation, if it has one.
fn body(cx: &Cx, scope: Scope, known: Known, func: &Function) -> Option<TokenStream> {
    let rt = &cx.rt;
    let wasi = quote!(#rt::native::wasi);
    let skip = usize::from(takes_self(func));
    let params: Vec<Ident> = func
        .params
        .iter()
        .skip(skip)
        .map(|p| snake(&p.name))
        .collect();
    let first = params.first();
    let ready = quote!(::core::convert::From::from(#wasi::Ready));
    let type_named = |name: &str| type_ident(cx, scope, name);
    // A read or skip of stdin: `answer` of the bytes taken; none at all
    // (of more than none asked for) is the end of the stream.
    let take = |answer: TokenStream| {
        let error = type_named("stream-error")?;
        Some(quote! {
            let bytes = #wasi::Pipe::take(self, #first);
            if bytes.is_empty() && #first > 0 {
                Err(#error::Closed)
            } else {
                Ok(#answer)
            }
        })
    };
    let body = match (known, func.name.as_str()) {
        (Known::Environment, "get-environment") => quote!(self.environment()),
        (Known::Environment, "get-arguments") => quote!(self.arguments()),
        (Known::Environment, "initial-cwd") => quote!(self.initial_cwd()),
        (Known::Exit, "exit") => quote!(#wasi::exit(if #first.is_ok() { 0 } else { 1 })),
        (Known::Exit, "exit-with-code") => quote!(#wasi::exit(i32::from(#first))),
        (Known::Stdin, "get-stdin") => quote!(::core::convert::From::from(self.stdin_pipe())),
        (Known::Stdout, "get-stdout") => quote!(::core::convert::From::from(self.stdout_pipe())),
        (Known::Stderr, "get-stderr") => quote!(::core::convert::From::from(self.stderr_pipe())),
        (Known::WallClock, "now") => {
            let datetime = type_named("datetime")?;
            quote! {
                let (seconds, nanoseconds) = self.wall_clock();
                #datetime { seconds, nanoseconds }
            }
        }
        (Known::WallClock, "resolution") => {
            let datetime = type_named("datetime")?;
            quote!(#datetime { seconds: 0, nanoseconds: 1 })
        }
        (Known::MonotonicClock, "now") => quote!(self.monotonic_clock()),
        (Known::MonotonicClock, "resolution") => quote!(1),
        (Known::MonotonicClock, "subscribe-instant" | "subscribe-duration") => ready,
        (Known::Random, "get-random-bytes")
        | (Known::InsecureRandom, "get-insecure-random-bytes") => {
            quote!(self.random_bytes(#first))
        }
        (Known::Random, "get-random-u64") | (Known::InsecureRandom, "get-insecure-random-u64") => {
            quote!(self.random_u64())
        }
        (Known::InsecureSeed, "insecure-seed") => quote!(self.insecure_seed()),
        (Known::Poll, "poll") => quote!((0..).take(#first.len()).collect()),
        (Known::Poll, "[method]pollable.ready") => quote!(true),
        (Known::Poll, "[method]pollable.block") => TokenStream::new(),
        (Known::Streams, "[method]output-stream.check-write") => quote!(Ok(4096)),
        (
            Known::Streams,
            "[method]output-stream.write" | "[method]output-stream.blocking-write-and-flush",
        ) => quote! {
            #wasi::Pipe::append(self, #first);
            Ok(())
        },
        (
            Known::Streams,
            "[method]output-stream.write-zeroes"
            | "[method]output-stream.blocking-write-zeroes-and-flush",
        ) => quote! {
            let zeroes: #rt::Vec<u8> = ::core::iter::repeat_n(0, #first as usize).collect();
            #wasi::Pipe::append(self, zeroes);
            Ok(())
        },
        (
            Known::Streams,
            "[method]output-stream.flush" | "[method]output-stream.blocking-flush",
        ) => quote!(Ok(())),
        (Known::Streams, "[method]output-stream.subscribe" | "[method]input-stream.subscribe") => {
            ready
        }
        (Known::Streams, "[method]input-stream.read" | "[method]input-stream.blocking-read") => {
            take(quote!(bytes))?
        }
        (Known::Streams, "[method]input-stream.skip" | "[method]input-stream.blocking-skip") => {
            take(quote!(bytes.len() as u64))?
        }
        _ => return None,
    };
    Some(body)
}

/// The Rust name of the type the interface of `scope` defines as `name`.
fn type_ident<'a>(cx: &'a Cx, scope: Scope, name: &str) -> Option<&'a Ident> {
    type_id(cx, scope, name).map(|id| cx.names.type_ident(scope, id))
}

fn type_id(cx: &Cx, scope: Scope, name: &str) -> Option<TypeId> {
    let Scope::Module(module) = scope else {
        return None;
    };
    let iface = &cx.resolve.interfaces[cx.names.module(module).interface];
    iface.types.get(name).copied()
}

/// The implementations of imports `scope`'s native traits by the
/// runtime's test WASI, if it is a WASI interface it knows.
pub(crate) fn expand_impls(cx: &Cx, scope: Scope) -> TokenStream {
    let Some(known) = known(cx, scope) else {
        return TokenStream::new();
    };
    let rt = &cx.rt;
    let native = native_cfg();
    let names = cx.names.native(scope);
    let (functions, resources) = native_imports(cx, scope);
    let mut impls = TokenStream::new();
    let host_fns: Vec<&Function> = functions
        .iter()
        .copied()
        .filter(|f| !takes_self(f))
        .collect();
    if !host_fns.is_empty() {
        let methods = host_fns.iter().filter_map(|func| {
            let body = body(cx, scope, known, func)?;
            let method = host_method(cx, scope, func);
            let signature = method_signature(cx, scope, func, method, &quote!(Self));
            Some(quote!(#signature { #body }))
        });
        let host = &names.host;
        impls.extend(quote! {
            #[cfg(#native)]
            #[allow(unused_variables)]
            impl #host for #rt::native::wasi::TestWasi {
                #(#methods)*
            }
        });
    }
    for resource in resources {
        let object = match cx.resolve.types[resource].name.as_deref() {
            Some("input-stream" | "output-stream") => quote!(Pipe),
            Some("pollable") => quote!(Ready),
            _ => continue,
        };
        let methods = functions
            .iter()
            .filter(|func| takes_self(func) && func.kind.resource() == Some(resource))
            .filter_map(|func| {
                let body = body(cx, scope, known, func)?;
                let method = cx.names.function(scope, func);
                let signature = method_signature(cx, scope, func, method, &quote!(Self));
                Some(quote!(#signature { #body }))
            });
        let host = names.resource(resource);
        impls.extend(quote! {
            #[cfg(#native)]
            #[allow(unused_variables)]
            impl #host for #rt::native::wasi::#object {
                #(#methods)*
            }
        });
    }
    impls
}

/// `install_test_wasi` at the root: installs the test WASI for every WASI
/// interface of the world it implements functions of.
pub(crate) fn expand_install(cx: &Cx) -> TokenStream {
    if cx.opts.disable_native {
        return TokenStream::new();
    }
    let root = ModulePath::root();
    let installs: Vec<TokenStream> = (0..cx.names.modules.len())
        .map(Scope::Module)
        .filter(|scope| known(cx, *scope).is_some())
        .filter(|scope| {
            let (functions, _) = native_imports(cx, *scope);
            functions.iter().any(|func| !takes_self(func))
        })
        .map(|scope| {
            let install = root.path_to(&cx.names.path(scope), &cx.names.native(scope).install);
            quote!(#install(::core::clone::Clone::clone(wasi)))
        })
        .collect();
    if installs.is_empty() {
        return TokenStream::new();
    }
    let rt = &cx.rt;
    let native = native_cfg();
    let name = &cx.names.native(Scope::Root).test_wasi;
    quote! {
        /// Natively: makes `wasi` this thread's implementation of the WASI
        /// 0.2 interfaces the world imports (those it implements:
        /// arguments, environment, stdio, clocks, random, exit, poll) until
        /// the guard is dropped.
        #[cfg(#native)]
        pub fn #name(wasi: &#rt::native::wasi::TestWasi) -> #rt::native::Installed {
            #rt::native::Installed::all([#(#installs),*])
        }
    }
}
