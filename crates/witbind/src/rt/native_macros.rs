//! The first statement of every generated import function and imported
//! resource method: natively (off wasm32, outside Miri) it returns what
//! the implementation the test installed gives (`rt::native`); on wasm32
//! it is nothing. Written once here, so that each binding spends one line
//! on it. The module's `__NATIVE` (an [`Interface`](crate::rt::native::Interface),
//! which `native_scope!` writes) names the scope of imports in messages.

/// The items of a scope of imports that its functions' native calls use:
/// `__NATIVE` (the scope for messages: `$wit`, its WIT name, and this
/// module's path) and, given the scope's `Host` trait, the function
/// `$install` that installs an implementation of it.
#[doc(hidden)]
#[macro_export]
macro_rules! __native_scope {
    ($wit:literal $(, $host:ident, $install:ident)?) => {
        #[cfg(not(any(target_arch = "wasm32", miri)))]
        const __NATIVE: $crate::rt::native::Interface = $crate::rt::native::Interface {
            wit: $wit,
            module: ::core::module_path!(),
            install: ::core::concat!($(::core::stringify!($install))?),
        };
        $(
            #[doc = ::core::concat!(
                " Natively: makes `host` this thread's implementation of `", $wit,
                "` until the returned guard is dropped (the one installed before comes back then)."
            )]
            #[cfg(not(any(target_arch = "wasm32", miri)))]
            pub fn $install(host: impl $host) -> $crate::rt::native::Installed {
                $crate::rt::native::install::<dyn $host>($crate::rt::Box::new(host))
            }
        )?
    };
}

/// The default body of `$method` of native trait `$host`: a panic naming
/// it (the test's implementation leaves it out).
#[doc(hidden)]
#[macro_export]
macro_rules! __native_missing {
    ($host:ident, $method:ident) => {
        $crate::rt::native::missing::<dyn $host>(&__NATIVE, ::core::stringify!($method))
    };
}

/// `return Host::f(&installed, args..)` natively: `$host` is the scope's
/// `Host` trait, `$wit` the function's WIT name; `async` awaits the call
/// (an async import).
#[doc(hidden)]
#[macro_export]
macro_rules! __native_import {
    ($host:ident, $wit:literal, $method:ident($($arg:expr),*)) => {
        #[cfg(not(any(target_arch = "wasm32", miri)))]
        if true {
            let host = $crate::rt::native::host::<dyn $host>(&__NATIVE, $wit);
            return $host::$method(&**host $(, $arg)*);
        }
    };
    (async $host:ident, $wit:literal, $method:ident($($arg:expr),*)) => {
        #[cfg(not(any(target_arch = "wasm32", miri)))]
        if true {
            let host = $crate::rt::native::host::<dyn $host>(&__NATIVE, $wit);
            return $host::$method(&**host $(, $arg)*).await;
        }
    };
}

/// `return HostX::f(&object, args..)` natively, for a method of an
/// imported resource: `$this` is the receiver; `=> self` returns the
/// receiver (`chainable_methods`).
#[doc(hidden)]
#[macro_export]
macro_rules! __native_method {
    ($host:ident, $this:tt, $method:ident($($arg:expr),*) $(=> $chain:tt)?) => {
        #[cfg(not(any(target_arch = "wasm32", miri)))]
        if true {
            let handle = $crate::rt::ResourceHandle::handle(&$this.handle);
            let object = $crate::rt::native::resource::<dyn $host>(&__NATIVE, handle);
            return $crate::__native_method!(@return $host::$method(&**object $(, $arg)*) $(=> $chain)?);
        }
    };
    (async $host:ident, $this:tt, $method:ident($($arg:expr),*) $(=> $chain:tt)?) => {
        #[cfg(not(any(target_arch = "wasm32", miri)))]
        if true {
            let handle = $crate::rt::ResourceHandle::handle(&$this.handle);
            let object = $crate::rt::native::resource::<dyn $host>(&__NATIVE, handle);
            return $crate::__native_method!(@return $host::$method(&**object $(, $arg)*).await $(=> $chain)?);
        }
    };
    (@return $call:expr) => {
        $call
    };
    (@return $call:expr => $chain:tt) => {{
        $call;
        $chain
    }};
}

#[doc(hidden)]
pub use crate::__native_import as native_import;
#[doc(hidden)]
pub use crate::__native_method as native_method;
#[doc(hidden)]
pub use crate::__native_missing as native_missing;
#[doc(hidden)]
pub use crate::__native_scope as native_scope;

/// Natively, `impl<T: $host> From<T> for $name`: the test's object `T`
/// behind a new handle of imported resource `$name`.
#[doc(hidden)]
#[macro_export]
macro_rules! __native_resource {
    ($name:ident, $host:ident) => {
        #[cfg(not(any(target_arch = "wasm32", miri)))]
        impl<T: $host> ::core::convert::From<T> for $name {
            fn from(object: T) -> Self {
                let object = $crate::rt::Box::new(object);
                let handle = $crate::rt::native::new_resource::<dyn $host>(object);
                Self {
                    // SAFETY: a new handle of this type in this thread's
                    // table, which nothing else drops.
                    handle: unsafe { $crate::rt::ResourceHandle::from_handle(handle) },
                }
            }
        }
    };
}

#[doc(hidden)]
pub use crate::__native_resource as native_resource;
