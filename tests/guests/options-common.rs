//! The guest of the options runtime test (tests/tests/options_runtime) for
//! `wit/fixtures/options-runtime.wit`, generated with many options at once
//! (see the crates' `generate!`): maps are `HashMap`s (`map_type`), flags
//! come from the `bitflags` crate (`bitflags_path`), extra derives on all
//! but `entry`, `tally`'s methods chain (`chainable_methods`), the two
//! `entry` records are one type (`merge_structurally_equal_types`), extra
//! attributes on `entry` and `level`, `unused` left out (`skip`), and the
//! export macro renamed (`export_macro_name`, `default_bindings_module`).
//!
//! Compiled against `bindings` from witbind (`options-witbind`) and from
//! wit-bindgen 0.63 (`options-wit-bindgen`), and from witbind with
//! `raw_strings` as well (`options-witbind-raw`, where `crate::Text` is
//! `Vec<u8>` instead of `String`: wit-bindgen 0.63's `raw_strings` output
//! does not compile for exports that return strings); all must behave the
//! same.

use std::collections::HashMap;

use crate::bindings::exports::witbind_fixtures::options_runtime::api::Guest;
use crate::bindings::witbind_fixtures::options_runtime::host::{self, Entry, Level, Mode, Tally};
use crate::bindings::witbind_fixtures::options_runtime::mirror;
use crate::Text;

struct Component;

// `export_macro_name` and `default_bindings_module`.
crate::bindings::export_options!(Component);

impl Guest for Component {
    fn shout(s: Text) -> Text {
        let mut reversed = host::reverse(&s);
        reversed.make_ascii_uppercase();
        reversed
    }

    fn entries(entries: Vec<Entry>) -> Vec<Entry> {
        entries
            .into_iter()
            .map(|mut entry| {
                entry.tags.push(entry.key.clone());
                entry
            })
            .collect()
    }

    fn modes(mode: Mode) -> Mode {
        mode ^ Mode::LOUD
    }

    fn tally(words: Vec<Text>) -> HashMap<Text, u32> {
        let mut counts: HashMap<Text, u32> = HashMap::new();
        for word in words {
            *counts.entry(word).or_default() += 1;
        }
        host::double(&counts)
    }

    fn count(words: Vec<Text>) -> u32 {
        // `add` and `clear` return `&Self` (`chainable_methods`).
        let tally = Tally::new();
        tally.add(&words[0]).clear();
        words
            .iter()
            .fold(&tally, |tally, word| tally.add(word))
            .total()
    }

    fn reflect(entries: Vec<Entry>) -> Vec<Entry> {
        // `host::Entry` is `mirror::Entry` (`merge_structurally_equal_types`).
        mirror::reflect(&entries)
    }

    fn check(level: Level) -> Result<u32, Level> {
        // `Entry` derives `Default`, `Level` has a `#[default]` case
        // (`additional_type_attributes`, `additional_member_attributes`).
        assert!(Entry::default().key.is_empty() && Level::default() == Level::Low);
        // `Level` derives `Hash` (an additional derive) and is an error type.
        let mut set = std::collections::HashSet::new();
        set.insert(level);
        match level {
            Level::Low => Ok(set.len() as u32),
            Level::High => Err(level),
        }
    }
}
