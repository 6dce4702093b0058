//! The command run natively (`cargo test`, no wasm): witbind's test WASI
//! gives it arguments and environment, captures its stdout and turns
//! `wasi:cli/exit` into an exit code.

use run_export::exports::wasi::cli::run::Guest;
use run_export::{install_test_wasi, Command};
use witbind::native::wasi::TestWasi;

/// Runs the command with `args` (after `argv[0]`) and `env`: its exit code
/// and stdout.
fn run(args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let argv = std::iter::once("run-export").chain(args.iter().copied());
    let wasi = TestWasi::new().args(argv).env(env.iter().copied());
    let _wasi = install_test_wasi(&wasi);
    let code = wasi.run(Command::run);
    (code, wasi.stdout_string())
}

#[test]
fn arguments_in_stdout_and_exit_code_out() {
    assert_eq!(
        run(&["a", "b"], &[]),
        (0, "run called with 3 argument(s)\n".into())
    );
    assert_eq!(run(&["fail"], &[]).0, 1);
    let greeted = run(&[], &[("GREET", "native")]);
    assert_eq!(greeted.1, "hello, native\nrun called with 1 argument(s)\n");
    let (code, stdout) = run(&["exit=7", "never"], &[]);
    assert_eq!(code, 7);
    assert!(stdout.ends_with("exiting with code 7\n"), "{stdout}");
    assert!(
        !stdout.contains("returned"),
        "exit returned to the guest: {stdout}"
    );
    assert_eq!(run(&["exit-err"], &[]).0, 1);
}

/// For `tests/tests/native_wasi.rs`, which runs the same cases as a
/// component in wasmtime: each case of `WITBIND_NATIVE_CASES` (one per
/// line: `+KEY=VALUE` environment entries and arguments, separated by
/// spaces) written to `WITBIND_NATIVE_OUT` as `<exit code>\t<stdout as a
/// Rust string literal>`.
#[test]
fn cases_for_the_differential_test() {
    let (Ok(cases), Ok(out)) = (
        std::env::var("WITBIND_NATIVE_CASES"),
        std::env::var("WITBIND_NATIVE_OUT"),
    ) else {
        return;
    };
    let mut results = String::new();
    for case in cases.lines() {
        let words: Vec<&str> = case.split(' ').filter(|w| !w.is_empty()).collect();
        let (env, args): (Vec<&str>, Vec<&str>) = words.iter().partition(|w| w.starts_with('+'));
        let env: Vec<(&str, &str)> = env.iter().filter_map(|e| e[1..].split_once('=')).collect();
        let (code, stdout) = run(&args, &env);
        results.push_str(&format!("{code}\t{stdout:?}\n"));
    }
    std::fs::write(out, results).expect("writing the results");
}

/// The rest of the test WASI, through the bindings: clocks the test sets,
/// seeded random numbers, stdin fed by the test, stderr captured, and
/// pollables that are always ready.
#[test]
fn clocks_random_stdin_and_stderr() {
    use run_export::wasi::cli::{stderr, stdin};
    use run_export::wasi::clocks::{monotonic_clock, wall_clock};
    use run_export::wasi::io::streams::StreamError;
    use run_export::wasi::random::random;

    let random_with_seed = |seed| {
        let wasi = TestWasi::new().seed(seed);
        let _wasi = install_test_wasi(&wasi);
        (random::get_random_bytes(16), random::get_random_u64())
    };
    assert_eq!(random_with_seed(5), random_with_seed(5));
    assert_ne!(random_with_seed(5), random_with_seed(6));
    assert_eq!(random_with_seed(5).0.len(), 16);

    let wasi = TestWasi::new().stdin("line one\n");
    let _wasi = install_test_wasi(&wasi);
    wasi.set_wall_clock(1_700_000_000, 5);
    let now = wall_clock::now();
    assert_eq!((now.seconds, now.nanoseconds), (1_700_000_000, 5));
    wasi.advance(1_000_000_000);
    assert_eq!(wall_clock::now().seconds, 1_700_000_001);
    assert_eq!(monotonic_clock::now(), 1_000_000_000);
    let pollable = monotonic_clock::subscribe_duration(10);
    assert!(pollable.ready());
    pollable.block();

    let input = stdin::get_stdin();
    assert_eq!(input.blocking_read(5).ok(), Some(b"line ".to_vec()));
    assert_eq!(input.blocking_read(100).ok(), Some(b"one\n".to_vec()));
    assert!(matches!(input.blocking_read(1), Err(StreamError::Closed)));
    let output = stderr::get_stderr();
    output.blocking_write_and_flush(b"oops").expect("writes");
    output.write_zeroes(2).expect("writes");
    assert_eq!(wasi.stderr(), b"oops\0\0");
}

/// The README's example, as it is there.
#[test]
fn greets_and_counts_its_arguments() {
    let wasi = TestWasi::new()
        .args(["run-export", "a"])
        .env([("GREET", "you")]);
    let _wasi = install_test_wasi(&wasi);
    assert_eq!(wasi.run(Command::run), 0); // `Err` is 1, `exit(n)` is n
    assert_eq!(
        wasi.stdout_string(),
        "hello, you\nrun called with 2 argument(s)\n"
    );
}
