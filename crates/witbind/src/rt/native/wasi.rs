//! Ready-made implementations of the common WASI 0.2 imports, for testing
//! a guest natively: arguments, environment and
//! working directory; stdin fed by the test, stdout and stderr captured;
//! wall and monotonic clocks the test sets; random numbers from a seed;
//! `exit` ending [`TestWasi::run`] with a code. The bindings implement
//! their WASI `Host` traits for [`TestWasi`] and install it with the
//! generated `install_test_wasi`.

use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};

/// The WASI 0.2 world of a native test: what the guest reads (arguments,
/// environment, stdin, clocks, random numbers) and what it wrote (stdout,
/// stderr). Cloning gives another handle to the same state.
///
/// ```ignore
/// let wasi = TestWasi::new().args(["app", "--verbose"]).env([("HOME", "/home/me")]);
/// let _wasi = bindings::install_test_wasi(&wasi);
/// assert_eq!(wasi.run(|| Component::run()), 0);
/// assert_eq!(wasi.stdout_string(), "hello\n");
/// ```
#[derive(Clone, Default)]
pub struct TestWasi(Rc<State>);

#[derive(Default)]
struct State {
    args: RefCell<Vec<String>>,
    env: RefCell<Vec<(String, String)>>,
    cwd: RefCell<Option<String>>,
    stdin: Pipe,
    stdout: Pipe,
    stderr: Pipe,
    /// Seconds and nanoseconds since the Unix epoch.
    wall: Cell<(u64, u32)>,
    /// Nanoseconds.
    monotonic: Cell<u64>,
    rng: Cell<u64>,
}

impl TestWasi {
    /// No arguments, no environment, empty stdin, both clocks at zero,
    /// random numbers from seed 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// The arguments (`argv[0]` first).
    pub fn args<S: Into<String>>(self, args: impl IntoIterator<Item = S>) -> Self {
        *self.0.args.borrow_mut() = args.into_iter().map(Into::into).collect();
        self
    }

    /// The environment variables.
    pub fn env<K: Into<String>, V: Into<String>>(
        self,
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let vars = vars.into_iter().map(|(k, v)| (k.into(), v.into()));
        *self.0.env.borrow_mut() = vars.collect();
        self
    }

    /// The initial working directory.
    pub fn cwd(self, cwd: impl Into<String>) -> Self {
        *self.0.cwd.borrow_mut() = Some(cwd.into());
        self
    }

    /// What the guest reads from stdin.
    pub fn stdin(self, bytes: impl AsRef<[u8]>) -> Self {
        self.0.stdin.append(bytes.as_ref());
        self
    }

    /// The seed of the random numbers.
    pub fn seed(self, seed: u64) -> Self {
        self.0.rng.set(seed);
        self
    }

    /// Sets the wall clock.
    pub fn set_wall_clock(&self, seconds: u64, nanoseconds: u32) {
        self.0.wall.set((seconds, nanoseconds));
    }

    /// Sets the monotonic clock, in nanoseconds.
    pub fn set_monotonic_clock(&self, nanoseconds: u64) {
        self.0.monotonic.set(nanoseconds);
    }

    /// Moves both clocks forward.
    pub fn advance(&self, nanoseconds: u64) {
        let (seconds, nanos) = self.0.wall.get();
        let total =
            u128::from(seconds) * 1_000_000_000 + u128::from(nanos) + u128::from(nanoseconds);
        let seconds = u64::try_from(total / 1_000_000_000).unwrap_or(u64::MAX);
        self.0.wall.set((seconds, (total % 1_000_000_000) as u32));
        let monotonic = self.0.monotonic.get().saturating_add(nanoseconds);
        self.0.monotonic.set(monotonic);
    }

    /// What the guest wrote to stdout so far.
    pub fn stdout(&self) -> Vec<u8> {
        self.0.stdout.contents()
    }

    /// What the guest wrote to stdout so far, as text (lossy UTF-8).
    pub fn stdout_string(&self) -> String {
        String::from_utf8_lossy(&self.stdout()).into_owned()
    }

    /// What the guest wrote to stderr so far.
    pub fn stderr(&self) -> Vec<u8> {
        self.0.stderr.contents()
    }

    /// What the guest wrote to stderr so far, as text (lossy UTF-8).
    pub fn stderr_string(&self) -> String {
        String::from_utf8_lossy(&self.stderr()).into_owned()
    }

    /// Runs `run` (a `wasi:cli/run` export, say) and returns its exit code:
    /// 0 for `Ok`, 1 for `Err`, or the status the guest passed to
    /// `wasi:cli/exit`. Other panics go on.
    pub fn run(&self, run: impl FnOnce() -> Result<(), ()>) -> i32 {
        match catch_unwind(AssertUnwindSafe(run)) {
            Ok(Ok(())) => 0,
            Ok(Err(())) => 1,
            Err(payload) => match payload.downcast::<Exit>() {
                Ok(exit) => exit.0,
                Err(payload) => resume_unwind(payload),
            },
        }
    }

    /// `wasi:cli/environment#get-arguments`.
    #[doc(hidden)]
    pub fn arguments(&self) -> Vec<String> {
        self.0.args.borrow().clone()
    }

    /// `wasi:cli/environment#get-environment`.
    #[doc(hidden)]
    pub fn environment(&self) -> Vec<(String, String)> {
        self.0.env.borrow().clone()
    }

    /// `wasi:cli/environment#initial-cwd`.
    #[doc(hidden)]
    pub fn initial_cwd(&self) -> Option<String> {
        self.0.cwd.borrow().clone()
    }

    /// The stream behind `wasi:cli/stdin#get-stdin`.
    #[doc(hidden)]
    pub fn stdin_pipe(&self) -> Pipe {
        self.0.stdin.clone()
    }

    /// The stream behind `wasi:cli/stdout#get-stdout`.
    #[doc(hidden)]
    pub fn stdout_pipe(&self) -> Pipe {
        self.0.stdout.clone()
    }

    /// The stream behind `wasi:cli/stderr#get-stderr`.
    #[doc(hidden)]
    pub fn stderr_pipe(&self) -> Pipe {
        self.0.stderr.clone()
    }

    /// `wasi:clocks/wall-clock#now`: seconds and nanoseconds.
    #[doc(hidden)]
    pub fn wall_clock(&self) -> (u64, u32) {
        self.0.wall.get()
    }

    /// `wasi:clocks/monotonic-clock#now`.
    #[doc(hidden)]
    pub fn monotonic_clock(&self) -> u64 {
        self.0.monotonic.get()
    }

    /// `wasi:random/random#get-random-u64` (and the insecure one): the
    /// next number of a splitmix64 sequence from the seed.
    #[doc(hidden)]
    pub fn random_u64(&self) -> u64 {
        let state = self.0.rng.get().wrapping_add(0x9e37_79b9_7f4a_7c15);
        self.0.rng.set(state);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// `wasi:random/random#get-random-bytes` (and the insecure one).
    #[doc(hidden)]
    pub fn random_bytes(&self, len: u64) -> Vec<u8> {
        let len = usize::try_from(len).unwrap_or(usize::MAX);
        let mut bytes = Vec::with_capacity(len);
        while bytes.len() < len {
            let word = self.random_u64().to_le_bytes();
            let take = word.len().min(len - bytes.len());
            bytes.extend_from_slice(&word[..take]);
        }
        bytes
    }

    /// `wasi:random/insecure-seed#insecure-seed`.
    #[doc(hidden)]
    pub fn insecure_seed(&self) -> (u64, u64) {
        (self.random_u64(), self.random_u64())
    }
}

impl core::fmt::Debug for TestWasi {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TestWasi")
            .field("args", &self.0.args.borrow())
            .field("stdout", &self.stdout_string())
            .field("stderr", &self.stderr_string())
            .finish_non_exhaustive()
    }
}

/// A byte stream in memory: stdin the test fills, stdout and stderr the
/// guest writes. Cloning gives another handle to the same bytes.
#[derive(Clone, Default)]
pub struct Pipe(Rc<RefCell<Pipes>>);

#[derive(Default)]
struct Pipes {
    unread: VecDeque<u8>,
    written: Vec<u8>,
}

impl Pipe {
    /// Writes `bytes` (`write`, `blocking-write-and-flush`).
    #[doc(hidden)]
    pub fn append(&self, bytes: impl AsRef<[u8]>) {
        let bytes = bytes.as_ref();
        let mut pipe = self.0.borrow_mut();
        pipe.unread.extend(bytes);
        pipe.written.extend_from_slice(bytes);
    }

    /// Reads up to `len` bytes (`read`, `blocking-read`); none left is the
    /// end of the stream.
    #[doc(hidden)]
    pub fn take(&self, len: u64) -> Vec<u8> {
        let mut pipe = self.0.borrow_mut();
        let len = usize::try_from(len)
            .unwrap_or(usize::MAX)
            .min(pipe.unread.len());
        pipe.unread.drain(..len).collect()
    }

    /// Everything written so far.
    fn contents(&self) -> Vec<u8> {
        self.0.borrow().written.clone()
    }
}

/// A pollable that is always ready (the test's streams never block).
#[derive(Clone, Copy, Debug, Default)]
pub struct Ready;

/// The panic payload of `wasi:cli/exit`, caught by [`TestWasi::run`].
#[derive(Debug)]
struct Exit(i32);

/// `wasi:cli/exit#exit`: unwinds to [`TestWasi::run`] with `code`
/// (without the panic hook's message).
#[doc(hidden)]
pub fn exit(code: i32) -> ! {
    resume_unwind(Box::new(Exit(code)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_decides_the_random_numbers() {
        let a = TestWasi::new().seed(7);
        let b = TestWasi::new().seed(7);
        let c = TestWasi::new().seed(8);
        assert_eq!(a.random_bytes(20), b.random_bytes(20));
        assert_ne!(a.random_u64(), c.random_u64());
        assert_eq!(a.random_bytes(3).len(), 3);
    }

    #[test]
    fn exit_ends_the_run_with_its_code() {
        let wasi = TestWasi::new();
        assert_eq!(wasi.run(|| exit(42)), 42);
        assert_eq!(wasi.run(|| Ok(())), 0);
        assert_eq!(wasi.run(|| Err(())), 1);
    }

    #[test]
    fn clocks_advance_together() {
        let wasi = TestWasi::new();
        wasi.set_wall_clock(10, 999_999_999);
        wasi.advance(2);
        assert_eq!(wasi.wall_clock(), (11, 1));
        assert_eq!(wasi.monotonic_clock(), 2);
    }
}
