//! Helpers of the performance benchmark (`tests/benches/perf.rs`, run with
//! `cargo bench -p witbind-tests --bench perf`): the wasmtime host of
//! `wit/perf/perf.wit` ([`host`]), the generators' CLIs and the throwaway
//! guest crates it builds ([`builds`]), and its figures and report
//! ([`report`]).

pub mod builds;
pub mod host;
pub mod report;
