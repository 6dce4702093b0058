//! The guest's logic tested natively, with `cargo test`: the imports are
//! implemented here, in memory; no wasm, no host.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use example_guest::example::kv::store::{self, Bucket, Entry, HostBucket, StoreError};
use example_guest::exports::example::kv::handler::Guest;
use example_guest::Handler;

/// An in-memory store (one map, shared by the buckets it opens) and log.
#[derive(Clone, Default)]
struct Memory {
    entries: Rc<RefCell<BTreeMap<String, Vec<u8>>>>,
    log: Rc<RefCell<Vec<String>>>,
}

/// The world's own import, `log`.
impl example_guest::Host for Memory {
    fn log(&self, message: &str) {
        self.log.borrow_mut().push(message.to_string());
    }
}

/// The `store` interface: its functions (here `bucket.open`, a static).
impl store::Host for Memory {
    fn bucket_open(&self, name: &str) -> Result<Bucket, StoreError> {
        match name {
            "main" => Ok(Bucket::from(self.clone())),
            _ => Err(StoreError::AccessDenied),
        }
    }
}

/// The `bucket` resource: the object behind each `Bucket` handle.
impl HostBucket for Memory {
    fn get(&self, key: &str) -> Result<Option<Entry>, StoreError> {
        Ok(self.entries.borrow().get(key).map(|value| Entry {
            key: key.to_string(),
            value: value.clone(),
            ttl: None,
        }))
    }

    fn set(&self, entry: &Entry) -> Result<(), StoreError> {
        let mut entries = self.entries.borrow_mut();
        entries.insert(entry.key.clone(), entry.value.clone());
        Ok(())
    }

    fn keys(&self, prefix: &str) -> Vec<String> {
        let entries = self.entries.borrow();
        entries
            .keys()
            .filter(|key| key.starts_with(prefix))
            .cloned()
            .collect()
    }
}

#[test]
fn serves_requests_from_the_store() {
    let memory = Memory::default();
    let _store = store::install(memory.clone());
    let _log = example_guest::install(memory.clone());

    assert_eq!(
        Handler::handle(b"set greeting hello".to_vec()),
        Ok(b"ok".to_vec())
    );
    assert_eq!(
        Handler::handle(b"set green #0f0".to_vec()),
        Ok(b"ok".to_vec())
    );
    assert_eq!(
        Handler::handle(b"get greeting".to_vec()),
        Ok(b"hello".to_vec())
    );
    assert_eq!(
        Handler::handle(b"keys gree".to_vec()),
        Ok(b"green,greeting".to_vec())
    );
    assert_eq!(
        Handler::handle(b"get nothing".to_vec()),
        Err("no entry `nothing`".into())
    );
    assert_eq!(memory.log.borrow().len(), 5);
    assert_eq!(memory.log.borrow()[0], "request: set greeting hello");
}

#[test]
fn reports_store_errors() {
    /// A store that refuses every bucket.
    struct Locked;
    impl store::Host for Locked {
        fn bucket_open(&self, _name: &str) -> Result<Bucket, StoreError> {
            Err(StoreError::AccessDenied)
        }
    }
    let _store = store::install(Locked);
    let _log = example_guest::install(Memory::default());
    assert_eq!(
        Handler::handle(b"get x".to_vec()),
        Err("access denied".into())
    );
}
