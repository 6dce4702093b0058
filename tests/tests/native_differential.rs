//! The README's guest (`tests/example-guest`, world `example:kv/app`) run
//! two ways on the same requests: natively, its imports implemented in
//! Rust through the generated `Host` traits (`cargo test`, no wasm), and as
//! a component in wasmtime with host implementations of the same store.
//! Both must answer every request alike and log the same lines.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::rc::Rc;

use wasmtime::component::{HasSelf, Resource};
use witbind_tests::{cargo_for_wasm, ensure_wasm32_wasip2, repo_root, Guest, Run};

/// The store's behaviour, shared by both hosts: entries, the log, and
/// which buckets exist.
#[derive(Default)]
struct Memory {
    entries: BTreeMap<String, Vec<u8>>,
    log: Vec<String>,
}

/// What opening bucket `name` gives: `None` when it is denied.
fn bucket_exists(name: &str) -> bool {
    name == "main"
}

impl Memory {
    fn get(&self, key: &str) -> Option<Vec<u8>> {
        self.entries.get(key).cloned()
    }

    fn set(&mut self, key: &str, value: &[u8]) -> Result<(), u64> {
        const CAPACITY: u64 = 64;
        let used: usize = self.entries.values().map(Vec::len).sum();
        if (used + value.len()) as u64 > CAPACITY {
            return Err(CAPACITY);
        }
        self.entries.insert(key.to_string(), value.to_vec());
        Ok(())
    }

    fn keys(&self, prefix: &str) -> Vec<String> {
        let keys = self.entries.keys().filter(|key| key.starts_with(prefix));
        keys.cloned().collect()
    }
}

/// The requests both runs answer.
const REQUESTS: &[&[u8]] = &[
    b"get greeting",
    b"set greeting hello",
    b"set green #0f0",
    b"get greeting",
    b"keys gree",
    b"keys",
    b"set big 0123456789012345678901234567890123456789012345678901234567890123456789",
    b"frobnicate x",
    b"\xff\xfe",
    b"set empty",
    b"get empty",
];

mod native {
    use super::*;
    use example_guest::example::kv::store::{self, Bucket, Entry, HostBucket, StoreError};
    use example_guest::exports::example::kv::handler::Guest as _;

    #[derive(Clone)]
    struct Shared(Rc<RefCell<Memory>>);

    impl example_guest::Host for Shared {
        fn log(&self, message: &str) {
            self.0.borrow_mut().log.push(message.to_string());
        }
    }

    impl store::Host for Shared {
        fn bucket_open(&self, name: &str) -> Result<Bucket, StoreError> {
            match bucket_exists(name) {
                true => Ok(Bucket::from(self.clone())),
                false => Err(StoreError::AccessDenied),
            }
        }
    }

    impl HostBucket for Shared {
        fn get(&self, key: &str) -> Result<Option<Entry>, StoreError> {
            Ok(self.0.borrow().get(key).map(|value| Entry {
                key: key.to_string(),
                value,
                ttl: None,
            }))
        }
        fn set(&self, entry: &Entry) -> Result<(), StoreError> {
            let mut memory = self.0.borrow_mut();
            memory
                .set(&entry.key, &entry.value)
                .map_err(StoreError::Full)
        }
        fn keys(&self, prefix: &str) -> Vec<String> {
            self.0.borrow().keys(prefix)
        }
    }

    /// The answers and the log of the guest run natively.
    pub fn run() -> (Vec<Result<Vec<u8>, String>>, Vec<String>) {
        let shared = Shared(Rc::default());
        let _store = store::install(shared.clone());
        let _log = example_guest::install(shared.clone());
        let answers = REQUESTS
            .iter()
            .map(|request| example_guest::Handler::handle(request.to_vec()))
            .collect();
        let log = shared.0.borrow().log.clone();
        (answers, log)
    }
}

mod wasm {
    use super::*;

    mod bindings {
        wasmtime::component::bindgen!({ path: "../wit", world: "example:kv/app" });
    }

    use bindings::example::kv::store::{self, Bucket, Entry, StoreError};
    use bindings::App;

    impl store::Host for Memory {}

    impl store::HostBucket for Memory {
        fn open(&mut self, name: String) -> Result<Resource<Bucket>, StoreError> {
            match bucket_exists(&name) {
                true => Ok(Resource::new_own(0)),
                false => Err(StoreError::AccessDenied),
            }
        }
        fn get(&mut self, _: Resource<Bucket>, key: String) -> Result<Option<Entry>, StoreError> {
            Ok(Memory::get(self, &key).map(|value| Entry {
                key,
                value,
                ttl: None,
            }))
        }
        fn set(&mut self, _: Resource<Bucket>, entry: Entry) -> Result<(), StoreError> {
            Memory::set(self, &entry.key, &entry.value).map_err(StoreError::Full)
        }
        fn keys(&mut self, _: Resource<Bucket>, prefix: String) -> Vec<String> {
            Memory::keys(self, &prefix)
        }
        fn drop(&mut self, _: Resource<Bucket>) -> wasmtime::Result<()> {
            Ok(())
        }
    }

    impl bindings::AppImports for Memory {
        fn log(&mut self, message: String) {
            self.log.push(message);
        }
    }

    /// Builds the guest as a component.
    fn build() -> PathBuf {
        ensure_wasm32_wasip2().expect("the wasm32-wasip2 target");
        let target_dir = repo_root().join("target/example-guest");
        let status = cargo_for_wasm()
            .current_dir(repo_root())
            .args(["build", "-p", "example-guest", "--target", "wasm32-wasip2"])
            .arg("--target-dir")
            .arg(&target_dir)
            .status()
            .expect("running cargo");
        assert!(
            status.success(),
            "building example-guest for wasm32-wasip2 failed"
        );
        target_dir.join("wasm32-wasip2/debug/example_guest.wasm")
    }

    /// The answers and the log of the guest run as a component.
    pub fn run() -> (Vec<Result<Vec<u8>, String>>, Vec<String>) {
        let wasm = build();
        let mut guest = Guest::load(&wasm, &Run::new("example-guest"), Memory::default())
            .expect("loading the component");
        App::add_to_linker::<_, HasSelf<Memory>>(&mut guest.linker, |host| &mut host.data)
            .expect("adding the store to the linker");
        let app = App::instantiate(&mut guest.store, &guest.component, &guest.linker)
            .expect("instantiating");
        let answers = REQUESTS
            .iter()
            .map(|request| {
                app.example_kv_handler()
                    .call_handle(&mut guest.store, request)
                    .expect("the call traps")
            })
            .collect();
        let log = guest.store.data().data.log.clone();
        (answers, log)
    }
}

#[test]
fn native_and_component_runs_agree() {
    let (native_answers, native_log) = native::run();
    let (wasm_answers, wasm_log) = wasm::run();
    assert_eq!(native_answers, wasm_answers);
    assert_eq!(native_log, wasm_log);
    // The requests reach every path: answers, errors of the guest and of
    // the store.
    assert!(native_answers.contains(&Ok(b"hello".to_vec())));
    assert!(native_answers.contains(&Err("store full (64 bytes)".to_string())));
    assert!(native_answers.contains(&Err("request is not UTF-8".to_string())));
    assert_eq!(
        native_log.len(),
        REQUESTS.len() - 1,
        "all but the non-UTF-8 request are logged"
    );
}

/// The README shows the example guest and its native test as they are,
/// and the WASI example as it is in `tests/guests/run-export`.
#[test]
fn readme_shows_the_example_guest_and_its_test() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README.md");
    let command_test = repo_root().join("tests/guests/run-export/tests/native.rs");
    let command_test = std::fs::read_to_string(command_test).expect("run-export's native test");
    let example = command_test
        .split("\n\n")
        .find(|block| block.contains("fn greets_and_counts_its_arguments"))
        .expect("the README's WASI example in run-export's native test");
    let example = example.split_once("#[test]\n").map_or(example, |(_, f)| f);
    assert!(
        readme.contains(example),
        "README.md does not show run-export's `greets_and_counts_its_arguments` as it is"
    );
    for file in ["src/lib.rs", "tests/native.rs"] {
        let path = repo_root().join("tests/example-guest").join(file);
        let source = std::fs::read_to_string(&path).expect("the example guest's source");
        assert!(
            readme.contains(&format!("```rust\n{source}```")),
            "README.md does not show tests/example-guest/{file} as it is: copy it there"
        );
    }
}
