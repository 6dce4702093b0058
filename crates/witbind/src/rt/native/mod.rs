//! Imports implemented in Rust, for testing a guest natively (`cargo test`
//! on the host, no wasm, no wasmtime).
//!
//! Off wasm32 (and outside Miri, which tests the canonical ABI glue
//! itself) the generated import functions do not call a core wasm import:
//! they call the implementation of the interface's `Host` trait that the
//! test installed on the current thread, and imported resources are
//! entries of a per-thread table that hold the test's objects (`HostX`
//! traits). Exported resources created by the guest natively are entries
//! of the same table, so `X::new(value)`, `get` and drops work too.
//!
//! Everything here is per thread: tests run in parallel, each with its own
//! implementations and handles. A handle is only meaningful on the thread
//! that created it.
//!
//! [`wasi::TestWasi`] implements the common WASI 0.2 imports.

use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::vec::Vec;
use core::any::{Any, TypeId};
use core::cell::{Cell, RefCell};
use core::marker::PhantomData;
use std::thread_local;

pub mod wasi;

/// What a native trait's method for an async import returns: the test's
/// future, which the import function awaits.
pub type BoxFuture<'a, T> = core::pin::Pin<Box<dyn core::future::Future<Output = T> + 'a>>;

/// An installed implementation: the trait object type (`dyn Host` of one
/// interface), the number of its guard, the object (an `Rc<Box<dyn Host>>`).
type Hosted = (TypeId, u64, Rc<dyn Any>);

thread_local! {
    /// The installed implementations, newest last.
    static HOSTS: RefCell<Vec<Hosted>> = const { RefCell::new(Vec::new()) };
    static NEXT_GUARD: Cell<u64> = const { Cell::new(0) };
    /// The resources: slot `handle - 1` (handles start at 1, as in a
    /// component's table).
    static RESOURCES: RefCell<Table> = const { RefCell::new(Table { slots: Vec::new(), free: Vec::new() }) };
}

/// An implementation of an imported interface installed on this thread by
/// the generated `install` function; dropping it uninstalls it (and
/// brings back the one installed before, if any).
#[must_use = "the implementation is uninstalled when this guard is dropped"]
pub struct Installed {
    ids: Vec<u64>,
    // Installed for this thread: the guard stays on it.
    _not_send: PhantomData<*const ()>,
}

impl core::fmt::Debug for Installed {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Installed").field("ids", &self.ids).finish()
    }
}

impl Drop for Installed {
    fn drop(&mut self) {
        let removed = HOSTS.with(|hosts| {
            let mut hosts = hosts.borrow_mut();
            let mut removed = Vec::new();
            for id in &self.ids {
                let index = hosts.iter().position(|(_, hosted, _)| hosted == id);
                removed.extend(index.map(|index| hosts.remove(index)));
            }
            removed
        });
        // Dropped outside the borrow: the implementation's drop may use
        // imports.
        drop(removed);
    }
}

/// Installs `host`, an implementation of the trait object type `H` (the
/// `dyn Host` of one interface), for this thread.
pub fn install<H: ?Sized + 'static>(host: Box<H>) -> Installed {
    let id = NEXT_GUARD.with(|next| {
        let id = next.get();
        next.set(id + 1);
        id
    });
    let host: Rc<dyn Any> = Rc::new(host);
    HOSTS.with(|hosts| hosts.borrow_mut().push((TypeId::of::<H>(), id, host)));
    Installed {
        ids: alloc::vec![id],
        _not_send: PhantomData,
    }
}

impl Installed {
    /// One guard for several installations (`install_test_wasi`).
    pub fn all(guards: impl IntoIterator<Item = Installed>) -> Installed {
        let mut ids = Vec::new();
        for mut guard in guards {
            ids.append(&mut guard.ids);
        }
        Installed {
            ids,
            _not_send: PhantomData,
        }
    }
}

/// What the generated code of one scope of imports tells the runtime
/// about itself, for messages: its WIT name, its module and the name of
/// its `install` function (the runtime's `native_scope!` writes it).
#[derive(Debug)]
pub struct Interface {
    /// `wasi:cli/environment@0.2.12`, or the world for its own imports.
    pub wit: &'static str,
    /// The module's path (`module_path!()`:
    /// `my_guest::bindings::wasi::cli::environment`).
    pub module: &'static str,
    /// `install` (empty when the scope has only resources' methods).
    pub install: &'static str,
}

impl Interface {
    /// `item` of this module, by its full path.
    fn path(&self, item: &str) -> std::string::String {
        std::format!("{}::{item}", self.module)
    }
}

/// The implementation of `H` (the `dyn Host` of `interface`) installed on
/// this thread, for a call of its import `function`. Panics naming the
/// import, the trait to implement and the function that installs it when
/// there is none.
pub fn host<H: ?Sized + 'static>(interface: &Interface, function: &str) -> Rc<Box<H>> {
    let found = HOSTS.with(|hosts| {
        let hosts = hosts.borrow();
        let found = hosts
            .iter()
            .rev()
            .find(|(ty, _, _)| *ty == TypeId::of::<H>());
        found.map(|(_, _, host)| host.clone())
    });
    match found.map(Rc::downcast::<Box<H>>) {
        Some(Ok(host)) => host,
        Some(Err(_)) | None => {
            std::panic!(
                "`{wit}#{function}` was called natively, but no implementation of `{wit}` \
                 is installed on this thread: implement `{trait_path}` and install it first \
                 with `{install}(..)` (see \"Testing your component natively\" in witbind's \
                 README)",
                wit = interface.wit,
                trait_path = interface.path(trait_name::<H>()),
                install = interface.path(interface.install),
            )
        }
    }
}

/// The default body of `method` of native trait `T` (`dyn HostX` of
/// `interface`), which the test did not implement.
#[cold]
pub fn missing<T: ?Sized>(interface: &Interface, method: &str) -> ! {
    std::panic!(
        "`{trait_name}::{method}` (an import of `{wit}`) was called natively, but the \
         installed implementation leaves it out: implement `{method}` in your impl of \
         `{trait_path}`",
        trait_name = trait_name::<T>(),
        wit = interface.wit,
        trait_path = interface.path(trait_name::<T>()),
    )
}

/// The name of trait `T` (`dyn wasi::cli::environment::Host`): `Host`.
fn trait_name<T: ?Sized>() -> &'static str {
    let name = core::any::type_name::<T>();
    name.rsplit("::").next().unwrap_or(name)
}

/// What a slot of the resource table holds.
enum Entry {
    /// An imported resource: the test's object, as `Rc<Box<dyn HostX>>`.
    Imported(Rc<dyn Any>),
    /// A resource the guest exports and created natively: its
    /// representation and the destructor to run when the handle is dropped.
    Exported {
        rep: *mut u8,
        dtor: unsafe fn(*mut u8),
    },
}

struct Table {
    slots: Vec<Option<Entry>>,
    free: Vec<usize>,
}

impl Table {
    fn insert(&mut self, entry: Entry) -> u32 {
        let index = match self.free.pop() {
            Some(index) => {
                self.slots[index] = Some(entry);
                index
            }
            None => {
                self.slots.push(Some(entry));
                self.slots.len() - 1
            }
        };
        u32::try_from(index + 1).unwrap_or_else(|_| std::panic!("too many native resources"))
    }

    fn get(&self, handle: u32) -> Option<&Entry> {
        let index = usize::try_from(handle).ok()?.checked_sub(1)?;
        self.slots.get(index)?.as_ref()
    }

    fn remove(&mut self, handle: u32) -> Option<Entry> {
        let index = usize::try_from(handle).ok()?.checked_sub(1)?;
        let entry = self.slots.get_mut(index)?.take();
        if entry.is_some() {
            self.free.push(index);
        }
        entry
    }
}

/// A new handle to `value`, the test's object behind an imported resource
/// (`R` is the resource's `dyn HostX`).
pub fn new_resource<R: ?Sized + 'static>(value: Box<R>) -> u32 {
    let value: Rc<dyn Any> = Rc::new(value);
    RESOURCES.with(|table| table.borrow_mut().insert(Entry::Imported(value)))
}

/// The test's object behind `handle`, an imported resource of
/// `interface` (`R` is the resource's `dyn HostX`).
pub fn resource<R: ?Sized + 'static>(interface: &Interface, handle: u32) -> Rc<Box<R>> {
    let found = RESOURCES.with(|table| match table.borrow().get(handle) {
        Some(Entry::Imported(value)) => Some(value.clone()),
        Some(Entry::Exported { .. }) | None => None,
    });
    match found.map(Rc::downcast::<Box<R>>) {
        Some(Ok(value)) => value,
        Some(Err(_)) | None => std::panic!(
            "handle {handle} is not a live resource of `{wit}` implemented by `{object}` on \
             this thread (natively, a resource lives on the thread that created it)",
            wit = interface.wit,
            object = core::any::type_name::<R>(),
        ),
    }
}

/// A new handle to a resource the guest exports, created natively by
/// `X::new`: `dtor` runs with `rep` when the handle is dropped.
pub fn new_exported(rep: *mut u8, dtor: unsafe fn(*mut u8)) -> u32 {
    RESOURCES.with(|table| table.borrow_mut().insert(Entry::Exported { rep, dtor }))
}

/// The representation of `handle`, a resource the guest exports.
pub fn exported_rep(handle: u32) -> *mut u8 {
    let rep = RESOURCES.with(|table| match table.borrow().get(handle) {
        Some(Entry::Exported { rep, .. }) => Some(*rep),
        Some(Entry::Imported(_)) | None => None,
    });
    rep.unwrap_or_else(|| {
        std::panic!("handle {handle} is not a live exported resource on this thread")
    })
}

/// Drops `handle`: the test's object of an imported resource, or the
/// value of an exported one (its destructor runs). A handle that is not in
/// this thread's table (dropped on another thread) is ignored.
pub fn drop_resource(handle: u32) {
    let entry = RESOURCES.with(|table| table.borrow_mut().remove(handle));
    // Dropped outside the borrow: a destructor may create or drop
    // resources.
    match entry {
        Some(Entry::Exported { rep, dtor }) => {
            // SAFETY: `rep` and `dtor` were registered together by
            // `new_exported` (the generated `X::new::<T>` passes its
            // `dtor::<T>` with the representation it made for `T`), and the
            // entry is removed here, so the destructor runs once.
            unsafe { dtor(rep) }
        }
        Some(Entry::Imported(value)) => drop(value),
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    trait Greeter {
        fn greet(&self) -> u32;
    }

    struct Fixed(u32);

    impl Greeter for Fixed {
        fn greet(&self) -> u32 {
            self.0
        }
    }

    const IFACE: Interface = Interface {
        wit: "a:b/c",
        module: "a::b::c",
        install: "install",
    };

    /// The text of a panic of `f`.
    fn panic_message(f: impl FnOnce() + std::panic::UnwindSafe) -> std::string::String {
        let payload = std::panic::catch_unwind(f).expect_err("a panic");
        match payload.downcast::<std::string::String>() {
            Ok(message) => *message,
            Err(_) => std::string::String::new(),
        }
    }

    #[test]
    fn newest_installation_wins_and_dropping_restores_the_previous() {
        let first = install::<dyn Greeter>(Box::new(Fixed(1)));
        assert_eq!(host::<dyn Greeter>(&IFACE, "f").greet(), 1);
        let second = install::<dyn Greeter>(Box::new(Fixed(2)));
        assert_eq!(host::<dyn Greeter>(&IFACE, "f").greet(), 2);
        let both = Installed::all([install::<dyn Greeter>(Box::new(Fixed(3)))]);
        assert_eq!(host::<dyn Greeter>(&IFACE, "f").greet(), 3);
        drop(both);
        drop(second);
        assert_eq!(host::<dyn Greeter>(&IFACE, "f").greet(), 1);
        drop(first);
        let message = panic_message(|| {
            host::<dyn Greeter>(&IFACE, "f").greet();
        });
        assert!(
            message.contains("`a:b/c#f` was called natively"),
            "{message}"
        );
        assert!(
            message.contains("implement `a::b::c::Greeter`"),
            "{message}"
        );
        assert!(message.contains("`a::b::c::install(..)`"), "{message}");
    }

    #[test]
    fn a_missing_method_names_its_trait() {
        let message = panic_message(|| missing::<dyn Greeter>(&IFACE, "greet"));
        assert!(
            message.contains("`Greeter::greet` (an import of `a:b/c`) was called"),
            "{message}"
        );
        assert!(
            message.contains("implement `greet` in your impl of `a::b::c::Greeter`"),
            "{message}"
        );
    }

    #[test]
    fn resources_are_per_handle_and_reused_after_drop() {
        let a = new_resource::<dyn Greeter>(Box::new(Fixed(7)));
        let b = new_resource::<dyn Greeter>(Box::new(Fixed(8)));
        assert_ne!(a, b);
        assert_eq!(resource::<dyn Greeter>(&IFACE, a).greet(), 7);
        assert_eq!(resource::<dyn Greeter>(&IFACE, b).greet(), 8);
        drop_resource(a);
        assert!(std::panic::catch_unwind(|| resource::<dyn Greeter>(&IFACE, a).greet()).is_err());
        let c = new_resource::<dyn Greeter>(Box::new(Fixed(9)));
        assert_eq!(c, a, "the freed slot is reused");
        drop_resource(b);
        drop_resource(c);
    }
}
