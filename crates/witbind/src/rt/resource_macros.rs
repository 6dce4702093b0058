//! The plumbing of resource types, written once here rather than in every
//! binding: generated code declares the struct (with its WIT docs) and
//! calls one of these macros for its `impl`s.

/// The drop of an imported resource type `$name` (a struct whose
/// `handle` field is a [`ResourceHandle<$name>`](crate::rt::ResourceHandle)):
/// the core function `$drop` imported from `$module`; and wit-bindgen's
/// raw-handle methods `from_handle`, `take_handle` and `handle`: all three,
/// or those listed (`[take_handle]`; generated code lists those that no
/// WIT function of the resource shadows).
#[doc(hidden)]
#[macro_export]
macro_rules! __resource_handle {
    ($name:ident, $module:literal, $drop:literal) => {
        $crate::__resource_handle!($name, $module, $drop, [from_handle, take_handle, handle]);
    };
    ($name:ident, $module:literal, $drop:literal, [$($helper:ident),*]) => {
        impl $crate::rt::WasmResource for $name {
            // SAFETY: contract: `WasmResource::drop`'s, `handle` is an owned
            // handle of this resource type (or a borrow handle lent to us,
            // which we must drop).
            #[inline]
            unsafe fn drop(handle: u32) {
                // Natively the handle is an entry of the test's table.
                #[cfg(not(any(target_arch = "wasm32", miri)))]
                {
                    $crate::rt::native::drop_resource(handle)
                }
                #[cfg(any(target_arch = "wasm32", miri))]
                {
                    $crate::rt::wit_import!($module, $drop, (i32));
                    // SAFETY: `_wit_import` is this resource's `[resource-drop]`,
                    // declared just above with its core signature; by this
                    // function's contract `handle` is a handle of this type in our
                    // table that is ours to drop, dropped once (`ResourceHandle`
                    // drops it only if not taken).
                    unsafe { _wit_import(handle as i32) }
                }
            }
        }
        impl $name {
            $($crate::__resource_handle!(@$helper);)*
        }
    };
    (@from_handle) => {
        /// Takes ownership of a raw handle.
        ///
        /// # Safety
        /// `handle` must be an owned handle of this resource type that
        /// nothing else drops.
        #[doc(hidden)]
        #[inline]
        pub unsafe fn from_handle(handle: u32) -> Self {
            Self {
                // SAFETY: this function's contract is
                // `ResourceHandle::from_handle`'s.
                handle: unsafe { $crate::rt::ResourceHandle::from_handle(handle) },
            }
        }
    };
    (@take_handle) => {
        /// Moves ownership of the raw handle out of this value.
        #[doc(hidden)]
        #[inline]
        pub fn take_handle(&self) -> u32 {
            $crate::rt::ResourceHandle::take_handle(&self.handle)
        }
    };
    (@handle) => {
        /// The raw handle, still owned by this value.
        #[doc(hidden)]
        #[inline]
        pub fn handle(&self) -> u32 {
            $crate::rt::ResourceHandle::handle(&self.handle)
        }
    };
}

/// An exported resource type `$name` (a struct whose `handle` field is a
/// [`ResourceHandle<$name>`](crate::rt::ResourceHandle)) implemented by
/// the guest through trait `$guest`: `$name::new(value)`, `get`,
/// `get_mut`, `into_inner`, the destructor the host calls, and the borrow
/// type `$borrow<'a>`. `$new`, `$rep` and `$drop` are the resource's core
/// functions imported from `$module`; the raw-handle methods as for
/// [`__resource_handle!`]: all three, or those listed.
#[doc(hidden)]
#[macro_export]
macro_rules! __exported_resource {
    (
        $name:ident, $borrow:ident, $guest:ident,
        $module:literal, $new:literal, $rep:literal, $drop:literal $(, [$($helper:ident),*])?
    ) => {
        $crate::__resource_handle!($name, $module, $drop $(, [$($helper),*])?);

        impl $name {
            /// Creates a resource owning `value`; the host sees a new handle.
            pub fn new<T: $guest>(value: T) -> Self {
                Self::type_guard::<T>();
                // SAFETY: `resource_into_raw_` asks nothing of its caller (its
                // contract binds implementations: the pointer stays valid
                // until `resource_from_raw_`); the value moves in and the
                // pointer becomes the resource's representation below.
                let rep = unsafe { T::resource_into_raw_(::core::option::Option::Some(value)) };
                // Natively the handle is an entry of the test's table, which
                // runs the destructor when it is dropped.
                #[cfg(not(any(target_arch = "wasm32", miri)))]
                {
                    let handle = $crate::rt::native::new_exported(rep.cast(), Self::dtor::<T>);
                    // SAFETY: a new handle of this type in the table,
                    // which nothing else drops.
                    unsafe {
                        Self {
                            handle: $crate::rt::ResourceHandle::from_handle(handle),
                        }
                    }
                }
                #[cfg(any(target_arch = "wasm32", miri))]
                {
                    $crate::rt::wit_import!($module, $new, (ptr), i32);
                    // SAFETY: `_wit_import` is this resource's `[resource-new]`,
                    // declared just above with its core signature; it takes the
                    // representation (kept until the destructor, which
                    // `resource_from_raw_` frees) and returns a new `own` handle,
                    // which nothing else drops: `ResourceHandle::from_handle`'s
                    // contract.
                    unsafe {
                        Self {
                            handle: $crate::rt::ResourceHandle::from_handle(
                                _wit_import(rep.cast()) as u32,
                            ),
                        }
                    }
                }
            }

            /// The value behind this handle.
            pub fn get<T: $guest>(&self) -> &T {
                // SAFETY: `self.rep::<T>()` is the representation of the
                // handle `self` owns, made by `resource_into_raw_` for `T`
                // (the type guard panics for any other type) and live while
                // the handle is; `&self` keeps `get_mut` and `into_inner`
                // away meanwhile. (A borrow the host lends back to an export
                // during an async call of ours could alias it with
                // `mutable_resources`; synchronous calls are not re-entered.)
                unsafe { $crate::rt::rep_ref(self.rep::<T>()) }
            }

            /// The value behind this handle, mutably.
            pub fn get_mut<T: $guest>(&mut self) -> &mut T {
                // SAFETY: as for `get`; and no other reference to the value
                // can exist: those made through this handle are excluded by
                // `&mut self`, and a borrow the host lends to one of our
                // exports needs the host to hold a handle to it, which it
                // only does while we lend it this one, which `&mut self`
                // excludes too.
                unsafe { $crate::rt::rep_mut(self.rep::<T>()) }
            }

            /// Moves the value out; the handle is dropped.
            pub fn into_inner<T: $guest>(self) -> T {
                // SAFETY: as for `get_mut`, with `self` consumed: the value
                // moves out and the slot, now `None`, stays until the host
                // runs the destructor.
                unsafe { $crate::rt::rep_take(self.rep::<T>()) }
            }

            /// Runs when the host drops the last handle.
            ///
            /// # Safety
            /// `rep` must be this resource's representation, created
            /// with `T`.
            #[doc(hidden)]
            pub unsafe fn dtor<T: $guest>(rep: *mut u8) {
                Self::type_guard::<T>();
                // SAFETY: by this function's contract `rep` is this
                // resource's representation, made by `resource_into_raw_`
                // with `T` (checked by the type guard above); the host runs
                // the destructor once, after the last handle is gone:
                // `resource_from_raw_`'s contract.
                drop(unsafe { T::resource_from_raw_(rep.cast()) });
            }

            fn rep<T: $guest>(&self) -> *mut u8 {
                Self::type_guard::<T>();
                #[cfg(not(any(target_arch = "wasm32", miri)))]
                {
                    $crate::rt::native::exported_rep($crate::rt::ResourceHandle::handle(&self.handle))
                }
                #[cfg(any(target_arch = "wasm32", miri))]
                {
                    $crate::rt::wit_import!($module, $rep, (i32), ptr);
                    // SAFETY: `_wit_import` is this resource's `[resource-rep]`,
                    // declared just above with its core signature; it only reads
                    // the handle table (a handle moved out with `take_handle`
                    // makes the host trap).
                    unsafe { _wit_import($crate::rt::ResourceHandle::handle(&self.handle) as i32) }
                }
            }

            fn type_guard<T: 'static>() {
                static GUARD: $crate::rt::TypeGuard = $crate::rt::TypeGuard::new();
                GUARD.check::<T>();
            }
        }

        #[doc = concat!(" A borrow of a [`", stringify!($name), "`], lent to the guest for one call.")]
        #[derive(Debug)]
        #[repr(transparent)]
        pub struct $borrow<'a> {
            rep: *mut u8,
            _marker: ::core::marker::PhantomData<&'a $name>,
        }

        impl<'a> $borrow<'a> {
            /// Wraps a representation received from the host.
            ///
            /// # Safety
            /// `rep` must be a live representation of this resource.
            #[doc(hidden)]
            pub unsafe fn lift(rep: *const u8) -> Self {
                Self {
                    rep: rep.cast_mut(),
                    _marker: ::core::marker::PhantomData,
                }
            }

            /// The value behind this borrow.
            pub fn get<T: $guest>(&self) -> &'a T {
                $name::type_guard::<T>();
                // SAFETY: `self.rep` is a live representation of this
                // resource (`lift`'s contract), which the host keeps alive
                // while it lends it, past `'a`; `T` is the type it was made
                // with (the type guard above panics otherwise).
                unsafe { $crate::rt::rep_ref(self.rep) }
            }

            /// The value behind this borrow, mutably: the `&mut self` of a
            /// method with `mutable_resources`.
            ///
            /// # Safety
            /// Nothing else may use the value while the reference lives
            /// (true for the duration of a synchronous export call).
            #[doc(hidden)]
            pub unsafe fn get_mut<T: $guest>(&self) -> &'a mut T {
                $name::type_guard::<T>();
                // SAFETY: the representation is live and of `T` (as for
                // `get`), and this function's contract gives the reference
                // exclusive use of the value: `rep_mut`'s contract.
                unsafe { $crate::rt::rep_mut(self.rep) }
            }
        }
    };
}

#[doc(hidden)]
pub use crate::__exported_resource as exported_resource;
#[doc(hidden)]
pub use crate::__resource_handle as resource_handle;
