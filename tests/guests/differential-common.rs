//! The differential guest: one program, compiled twice. `diff-wit-bindgen`
//! gets its `bindings` module from wit-bindgen 0.63, `diff-witbind` from
//! witbind; this file must compile against both unchanged (witbind is a
//! drop-in replacement) and both builds must print the same lines when run
//! with the same, deterministic host (see tests/tests/differential.rs).
//!
//! The crate has two binding modules: `bindings` (world `wasi:cli/imports`)
//! and `http_bindings` (world `wasi:http/imports`).
//!
//! Each section calls WASI imports of a different shape (strings, lists of
//! tuples, options, records, variants with payloads, enums, flags, owned and
//! borrowed resources) and prints what came back, so a lifting or lowering
//! difference shows up as a differing line. Only the generated API is used
//! for printing results: no `Debug` output of generated types.

use crate::bindings::wasi::cli::{environment, stdin, stdout, terminal_stdin, terminal_stdout};
use crate::bindings::wasi::clocks::{monotonic_clock, wall_clock};
use crate::bindings::wasi::filesystem::preopens;
use crate::bindings::wasi::filesystem::types::{
    Descriptor, DescriptorFlags, DescriptorType, ErrorCode, OpenFlags, PathFlags,
};
use crate::bindings::wasi::io::poll;
use crate::bindings::wasi::io::streams::{OutputStream, StreamError};
use crate::bindings::wasi::random::{insecure, insecure_seed, random};
use crate::bindings::wasi::sockets::network::{
    ErrorCode as SocketErrorCode, IpAddressFamily, IpSocketAddress, Ipv4SocketAddress,
};
use crate::bindings::wasi::sockets::{instance_network, tcp_create_socket};
use crate::http_bindings::wasi::http::types::{
    Fields, HeaderError, Method, OutgoingRequest, OutgoingResponse, RequestOptions, Scheme,
};

/// Runs every section, printing `key=value` lines to stdout.
pub fn run() {
    let out = Out(stdout::get_stdout());
    cli(&out);
    randomness(&out);
    clocks(&out);
    polling(&out);
    standard_input(&out);
    filesystem(&out);
    sockets(&out);
    http(&out);
    out.line("done=true");
}

/// Writes lines through the generated `wasi:io/streams` bindings.
struct Out(OutputStream);

impl Out {
    fn line(&self, line: &str) {
        let mut bytes = line.as_bytes().to_vec();
        bytes.push(b'\n');
        // `blocking-write-and-flush` accepts at most 4096 bytes per call.
        for chunk in bytes.chunks(4096) {
            if self.0.blocking_write_and_flush(chunk).is_err() {
                panic!("writing to stdout failed");
            }
        }
    }

    fn kv(&self, key: &str, value: impl std::fmt::Display) {
        self.line(&format!("{key}={value}"));
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `list<string>`, `list<tuple<string, string>>`, `option<string>`,
/// `option<resource>`.
fn cli(out: &Out) {
    for (i, arg) in environment::get_arguments().iter().enumerate() {
        out.kv(&format!("arg[{i}]"), arg);
    }
    for (key, value) in environment::get_environment() {
        out.kv(&format!("env[{key}]"), value);
    }
    match environment::initial_cwd() {
        Some(cwd) => out.kv("initial-cwd", cwd),
        None => out.kv("initial-cwd", "none"),
    }
    out.kv(
        "terminal-stdin",
        terminal_stdin::get_terminal_stdin().is_some(),
    );
    out.kv(
        "terminal-stdout",
        terminal_stdout::get_terminal_stdout().is_some(),
    );
}

/// `list<u8>` of a requested length, `u64`, `tuple<u64, u64>`.
fn randomness(out: &Out) {
    out.kv("random-bytes", hex(&random::get_random_bytes(16)));
    out.kv("random-bytes-empty", random::get_random_bytes(0).len());
    out.kv("random-u64", random::get_random_u64());
    out.kv(
        "insecure-bytes",
        hex(&insecure::get_insecure_random_bytes(5)),
    );
    out.kv("insecure-u64", insecure::get_insecure_random_u64());
    let (low, high) = insecure_seed::insecure_seed();
    out.kv("insecure-seed", format!("{low},{high}"));
}

/// Records (`datetime`) and plain integers.
fn clocks(out: &Out) {
    let now = wall_clock::now();
    out.kv(
        "wall-now",
        format!("{}.{:09}", now.seconds, now.nanoseconds),
    );
    let resolution = wall_clock::resolution();
    out.kv(
        "wall-resolution",
        format!("{}.{:09}", resolution.seconds, resolution.nanoseconds),
    );
    out.kv("monotonic-now", monotonic_clock::now());
    out.kv("monotonic-resolution", monotonic_clock::resolution());
}

/// Owned pollables, `list<borrow<pollable>>` in, `list<u32>` out.
fn polling(out: &Out) {
    let elapsed = monotonic_clock::subscribe_duration(0);
    let also_elapsed = monotonic_clock::subscribe_instant(0);
    elapsed.block();
    out.kv("pollable-ready", elapsed.ready());
    let ready = poll::poll(&[&elapsed, &also_elapsed]);
    let ready: Vec<String> = ready.iter().map(u32::to_string).collect();
    out.kv("poll-ready", ready.join(","));
}

/// `result<list<u8>, stream-error>` until the stream reports `closed`.
fn standard_input(out: &Out) {
    let input = stdin::get_stdin();
    let mut received = Vec::new();
    loop {
        match input.blocking_read(7) {
            Ok(chunk) => received.extend(chunk),
            Err(StreamError::Closed) => break,
            Err(StreamError::LastOperationFailed(error)) => {
                out.kv("stdin-error", error.to_debug_string());
                break;
            }
        }
    }
    out.kv("stdin", String::from_utf8_lossy(&received));
}

/// `list<tuple<descriptor, string>>`, flags, enums, records with options,
/// `result<tuple<list<u8>, bool>, error-code>`, borrowed handles as
/// arguments, streams from methods.
fn filesystem(out: &Out) {
    let preopens = preopens::get_directories();
    out.kv("preopens", preopens.len());
    let Some((dir, name)) = preopens.first() else {
        return;
    };
    out.kv("preopen-name", name);
    out.kv("preopen-type", type_name(&dir.get_type()));

    let file = dir
        .open_at(
            PathFlags::empty(),
            "notes.txt",
            OpenFlags::CREATE | OpenFlags::TRUNCATE,
            DescriptorFlags::READ | DescriptorFlags::WRITE,
        )
        .expect("open_at(notes.txt)");
    out.kv("write", written(file.write(b"hello, world", 0)));
    out.kv("write-at-offset", written(file.write(b"WORLD", 7)));
    match file.read(100, 0) {
        Ok((bytes, end)) => out.kv(
            "read",
            format!("{}|end={end}", String::from_utf8_lossy(&bytes)),
        ),
        Err(code) => out.kv("read", error_name(code)),
    }
    match file.stat() {
        Ok(stat) => {
            out.kv("stat-type", type_name(&Ok(stat.type_)));
            out.kv("stat-size", stat.size);
            out.kv("stat-has-mtime", stat.data_modification_timestamp.is_some());
        }
        Err(code) => out.kv("stat", error_name(code)),
    }
    match file.get_flags() {
        Ok(flags) => {
            out.kv("flags-read", flags.contains(DescriptorFlags::READ));
            out.kv("flags-write", flags.contains(DescriptorFlags::WRITE));
            out.kv(
                "flags-sync",
                flags.contains(DescriptorFlags::FILE_INTEGRITY_SYNC),
            );
        }
        Err(code) => out.kv("flags", error_name(code)),
    }
    read_via_stream(out, &file);
    out.kv("same-object", file.is_same_object(&file));
    out.kv("dir-is-file", dir.is_same_object(&file));

    let missing = dir.open_at(
        PathFlags::SYMLINK_FOLLOW,
        "missing.txt",
        OpenFlags::empty(),
        DescriptorFlags::READ,
    );
    out.kv("open-missing", missing.err().map_or("ok", error_name));
    out.kv("mkdir", unit(dir.create_directory_at("sub")));
    out.kv("mkdir-again", unit(dir.create_directory_at("sub")));
    list_directory(out, dir);
}

fn read_via_stream(out: &Out, file: &Descriptor) {
    let stream = file.read_via_stream(0).expect("read_via_stream");
    let mut bytes = Vec::new();
    loop {
        match stream.blocking_read(5) {
            Ok(chunk) => bytes.extend(chunk),
            Err(StreamError::Closed) => break,
            Err(StreamError::LastOperationFailed(error)) => {
                out.kv("stream-error", error.to_debug_string());
                break;
            }
        }
    }
    out.kv("read-via-stream", String::from_utf8_lossy(&bytes));
}

fn list_directory(out: &Out, dir: &Descriptor) {
    let entries = dir.read_directory().expect("read_directory");
    let mut names = Vec::new();
    while let Ok(Some(entry)) = entries.read_directory_entry() {
        names.push(format!("{}:{}", entry.name, type_name(&Ok(entry.type_))));
    }
    names.sort();
    out.kv("entries", names.join(","));
}

fn written(result: Result<u64, ErrorCode>) -> String {
    match result {
        Ok(n) => n.to_string(),
        Err(code) => error_name(code).to_string(),
    }
}

fn unit(result: Result<(), ErrorCode>) -> &'static str {
    match result {
        Ok(()) => "ok",
        Err(code) => error_name(code),
    }
}

fn type_name(ty: &Result<DescriptorType, ErrorCode>) -> &'static str {
    match ty {
        Ok(DescriptorType::Directory) => "directory",
        Ok(DescriptorType::RegularFile) => "regular-file",
        Ok(DescriptorType::SymbolicLink) => "symbolic-link",
        Ok(_) => "other",
        Err(code) => error_name(*code),
    }
}

fn error_name(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::NoEntry => "no-entry",
        ErrorCode::Exist => "exist",
        ErrorCode::Access => "access",
        ErrorCode::NotPermitted => "not-permitted",
        ErrorCode::IsDirectory => "is-directory",
        ErrorCode::NotDirectory => "not-directory",
        ErrorCode::BadDescriptor => "bad-descriptor",
        ErrorCode::Invalid => "invalid",
        _ => "other-error",
    }
}

/// Variants with record and tuple payloads going in (`ip-socket-address`),
/// enums and resources coming out.
fn sockets(out: &Out) {
    let network = instance_network::instance_network();
    let socket = match tcp_create_socket::create_tcp_socket(IpAddressFamily::Ipv4) {
        Ok(socket) => socket,
        Err(code) => {
            out.kv("tcp-create", socket_error_name(code));
            return;
        }
    };
    let family = match socket.address_family() {
        IpAddressFamily::Ipv4 => "ipv4",
        IpAddressFamily::Ipv6 => "ipv6",
    };
    out.kv("tcp-family", family);
    let address = IpSocketAddress::Ipv4(Ipv4SocketAddress {
        port: 0,
        address: (127, 0, 0, 1),
    });
    let bind = match socket.start_bind(&network, address) {
        Ok(()) => "ok",
        Err(code) => socket_error_name(code),
    };
    out.kv("tcp-bind", bind);
    out.kv("tcp-listening", socket.is_listening());
}

fn socket_error_name(code: SocketErrorCode) -> &'static str {
    match code {
        SocketErrorCode::AccessDenied => "access-denied",
        SocketErrorCode::NotSupported => "not-supported",
        SocketErrorCode::InvalidArgument => "invalid-argument",
        SocketErrorCode::InvalidState => "invalid-state",
        SocketErrorCode::AddressInUse => "address-in-use",
        _ => "other-error",
    }
}

/// `wasi:http/types` without the network: `list<tuple<string, list<u8>>>`,
/// `list<list<u8>>`, owned handles passed to constructors, variants with
/// string payloads in and out, `option<variant>`, `result<_, _>`.
fn http(out: &Out) {
    let headers = Fields::new();
    out.kv(
        "fields-append",
        header_result(headers.append("x-one", b"1")),
    );
    out.kv(
        "fields-append-2",
        header_result(headers.append("x-one", b"uno")),
    );
    out.kv(
        "fields-append-bad",
        header_result(headers.append("bad name", b"1")),
    );
    let values = vec![b"a".to_vec(), Vec::new(), b"c".to_vec()];
    out.kv("fields-set", header_result(headers.set("x-many", &values)));
    out.kv("fields-has", headers.has("x-many"));
    out.kv("fields-get", joined_values(headers.get("x-one")));
    out.kv("fields-get-many", joined_values(headers.get("x-many")));
    out.kv("fields-get-none", headers.get("x-none").len());
    out.kv("fields-delete", header_result(headers.delete("x-many")));
    out.kv("fields-entries", entries(&headers));
    let copy = headers.clone();
    out.kv("fields-clone", entries(&copy));

    let from_list = Fields::from_list(&[
        ("content-type".to_string(), b"text/plain".to_vec()),
        ("x-bytes".to_string(), vec![b'v', 0xff, b'!']),
    ]);
    match from_list {
        Ok(fields) => out.kv("from-list", entries(&fields)),
        Err(error) => out.kv("from-list", header_error_name(&error)),
    }
    let invalid = Fields::from_list(&[("no spaces".to_string(), Vec::new())]);
    out.kv(
        "from-list-invalid",
        invalid.err().map_or("ok", |e| header_error_name(&e)),
    );

    let request = OutgoingRequest::new(headers);
    out.kv("request-method", method_name(&request.method()));
    let purge = Method::Other("PURGE".to_string());
    out.kv("set-method", request.set_method(&purge).is_ok());
    out.kv("request-method-2", method_name(&request.method()));
    out.kv(
        "set-path",
        request.set_path_with_query(Some("/a/b?c=d")).is_ok(),
    );
    out.kv(
        "request-path",
        request.path_with_query().unwrap_or_else(|| "none".into()),
    );
    out.kv(
        "set-scheme",
        request.set_scheme(Some(&Scheme::Https)).is_ok(),
    );
    out.kv("request-scheme", scheme_name(request.scheme()));
    let custom = Scheme::Other("gopher".to_string());
    out.kv("set-scheme-2", request.set_scheme(Some(&custom)).is_ok());
    out.kv("request-scheme-2", scheme_name(request.scheme()));
    out.kv(
        "set-authority",
        request.set_authority(Some("example.com:80")).is_ok(),
    );
    out.kv(
        "request-authority",
        request.authority().unwrap_or_else(|| "none".into()),
    );
    out.kv("request-headers", entries(&request.headers()));

    let response = OutgoingResponse::new(Fields::new());
    out.kv("response-status", response.status_code());
    out.kv("set-status", response.set_status_code(404).is_ok());
    out.kv("set-status-bad", response.set_status_code(1000).is_ok());
    out.kv("response-status-2", response.status_code());

    let options = RequestOptions::new();
    out.kv("timeout-none", options.connect_timeout().is_none());
    out.kv(
        "set-timeout",
        options.set_connect_timeout(Some(1_500_000_000)).is_ok(),
    );
    out.kv("timeout", options.connect_timeout().unwrap_or(0));
}

fn header_result(result: Result<(), HeaderError>) -> &'static str {
    match result {
        Ok(()) => "ok",
        Err(error) => header_error_name(&error),
    }
}

fn header_error_name(error: &HeaderError) -> &'static str {
    match error {
        HeaderError::InvalidSyntax => "invalid-syntax",
        HeaderError::Forbidden => "forbidden",
        HeaderError::Immutable => "immutable",
    }
}

fn joined_values(values: Vec<Vec<u8>>) -> String {
    let values: Vec<String> = values.iter().map(|v| hex(v)).collect();
    values.join(",")
}

fn entries(fields: &Fields) -> String {
    let entries: Vec<String> = fields
        .entries()
        .into_iter()
        .map(|(name, value)| format!("{name}:{}", hex(&value)))
        .collect();
    entries.join(",")
}

fn method_name(method: &Method) -> String {
    match method {
        Method::Get => "GET".into(),
        Method::Post => "POST".into(),
        Method::Other(name) => format!("other({name})"),
        _ => "another".into(),
    }
}

fn scheme_name(scheme: Option<Scheme>) -> String {
    match scheme {
        None => "none".into(),
        Some(Scheme::Http) => "http".into(),
        Some(Scheme::Https) => "https".into(),
        Some(Scheme::Other(name)) => format!("other({name})"),
    }
}
