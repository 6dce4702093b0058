//! The guest of the README: serves `get KEY`, `set KEY VALUE` and
//! `keys PREFIX` requests from the host's key-value store (`wit/`,
//! world `example:kv/app`), logging each request.

witbind::generate!({ path: "../../wit", world: "example:kv/app" });

use example::kv::store::{Bucket, Entry, StoreError};
use exports::example::kv::handler::Guest;

/// The component.
pub struct Handler;

impl Guest for Handler {
    fn handle(request: Vec<u8>) -> Result<Vec<u8>, String> {
        let request = String::from_utf8(request).map_err(|_| "request is not UTF-8")?;
        log(&format!("request: {request}"));
        let bucket = Bucket::open("main").map_err(describe)?;
        let (verb, rest) = request.split_once(' ').unwrap_or((&request, ""));
        match verb {
            "get" => match bucket.get(rest).map_err(describe)? {
                Some(entry) => Ok(entry.value),
                None => Err(format!("no entry `{rest}`")),
            },
            "set" => {
                let (key, value) = rest.split_once(' ').unwrap_or((rest, ""));
                let entry = Entry {
                    key: key.to_string(),
                    value: value.as_bytes().to_vec(),
                    ttl: None,
                };
                bucket.set(&entry).map_err(describe)?;
                Ok(b"ok".to_vec())
            }
            "keys" => Ok(bucket.keys(rest).join(",").into_bytes()),
            _ => Err(format!("unknown request `{verb}`")),
        }
    }
}

fn describe(error: StoreError) -> String {
    match error {
        StoreError::AccessDenied => "access denied".to_string(),
        StoreError::Full(capacity) => format!("store full ({capacity} bytes)"),
        StoreError::Other(message) => message,
    }
}

export!(Handler);
