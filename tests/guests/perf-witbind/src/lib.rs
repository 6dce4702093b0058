//! The benchmark guest with witbind's bindings.

mod bindings {
    witbind::generate!({
        path: "../../../wit/perf/perf.wit",
    });
}

#[path = "../../perf-common.rs"]
mod common;
