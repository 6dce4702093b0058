//! Uses two instances of one interface, `primary` and `secondary`: each
//! call must reach its own instance in the host, with its own types and
//! resources.

witbind::generate!({ path: "../../../wit/fixtures/named-imports.wit" });

struct Component;

impl Guest for Component {
    fn copy(key: String) -> Vec<String> {
        let from = primary::Bucket::new("main");
        let to = secondary::Bucket::new("backup");
        let mut report = vec![primary::describe(), secondary::describe()];
        report.push(format!("{}->{}", from.name(), to.name()));
        let entry: primary::Entry = match from.get(&key) {
            Ok(entry) => entry,
            Err(e) => return vec![format!("primary: {}", e.name())],
        };
        // The two instances have distinct Rust types for the same WIT type.
        let copied = secondary::Entry {
            key: entry.key,
            value: entry.value,
        };
        match secondary::set(&copied) {
            Some(previous) => report.push(format!("replaced {}={}", previous.key, previous.value)),
            None => report.push(format!("stored {}={}", copied.key, copied.value)),
        }
        match to.get(&key) {
            Ok(entry) => report.push(format!("backup has {}={}", entry.key, entry.value)),
            Err(e) => report.push(format!("backup: {}", e.name())),
        }
        report
    }
}

export!(Component);
