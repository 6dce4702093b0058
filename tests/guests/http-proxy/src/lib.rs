//! A `wasi:http/proxy` component written only with witbind's bindings: the
//! host's request reaches `incoming-handler.handle` through witbind's export
//! glue, and the response (status, headers, body) goes back through
//! witbind's `wasi:http/types` imports.
//!
//! What it answers (the test in `tests/tests/http.rs` checks each):
//! - every response echoes the request in `x-method`, `x-path` and
//!   `x-query`, and the request's `x-echo` header values in `x-echoed`;
//! - `?status=NNN` sets the status code (default 200);
//! - `/big` streams [`BIG_LEN`] bytes of [`big_byte`] with `content-length`;
//! - `/echo` answers with the request body;
//! - `/panic` panics (a trap) without answering;
//! - any other path answers with a short text line.

witbind::generate!({
    path: "../.wasi-wit",
    world: "wasi:http/proxy",
    generate_all,
});

use exports::wasi::http::incoming_handler::Guest;
use wasi::http::types::{
    ErrorCode, Fields, IncomingRequest, Method, OutgoingBody, OutgoingResponse, ResponseOutparam,
};
use wasi::io::streams::{OutputStream, StreamError};

/// The length of the `/big` body: more than 1 MiB, not a multiple of the
/// 4096-byte write limit, so the last write is a partial one.
const BIG_LEN: usize = (1 << 20) + 1234;

/// Byte `i` of the `/big` body. 251 is prime, so a chunk written twice,
/// skipped or shifted shows up as a mismatch.
fn big_byte(i: usize) -> u8 {
    (i % 251) as u8
}

/// The most `blocking-write-and-flush` accepts in one call.
const MAX_WRITE: usize = 4096;

struct Proxy;

impl Guest for Proxy {
    fn handle(request: IncomingRequest, response_out: ResponseOutparam) {
        let path_with_query = request.path_with_query().unwrap_or_default();
        let (path, query) = match path_with_query.split_once('?') {
            Some((path, query)) => (path.to_string(), query.to_string()),
            None => (path_with_query.clone(), String::new()),
        };
        let status = query
            .split('&')
            .find_map(|param| param.strip_prefix("status="))
            .and_then(|code| code.parse::<u16>().ok())
            .unwrap_or(200);

        let mut headers = vec![
            header("x-method", method_name(&request.method())),
            header("x-path", &path),
            header("x-query", &query),
            header("content-type", "application/octet-stream"),
        ];
        for value in request.headers().get("x-echo") {
            headers.push(("x-echoed".to_string(), value));
        }
        let body = match path.as_str() {
            "/big" => {
                headers.push(header("content-length", &BIG_LEN.to_string()));
                Body::Big
            }
            "/echo" => Body::Bytes(read_body(&request)),
            "/panic" => panic!("asked to panic before answering"),
            _ => Body::Bytes(format!("witbind answers {path_with_query}\n").into_bytes()),
        };
        if let Err(error) = respond(response_out, status, &headers, body) {
            // `respond` has answered anyway (with an error code when the
            // head was invalid, or with a body cut short): say why.
            log_error(&format!("http-proxy: {error}"));
        }
    }
}

export!(Proxy);

enum Body {
    Bytes(Vec<u8>),
    Big,
}

fn header(name: &str, value: &str) -> (String, Vec<u8>) {
    (name.to_string(), value.as_bytes().to_vec())
}

fn method_name(method: &Method) -> &str {
    match method {
        Method::Get => "GET",
        Method::Head => "HEAD",
        Method::Post => "POST",
        Method::Put => "PUT",
        Method::Delete => "DELETE",
        Method::Connect => "CONNECT",
        Method::Options => "OPTIONS",
        Method::Trace => "TRACE",
        Method::Patch => "PATCH",
        Method::Other(other) => other,
    }
}

/// The whole request body, read with `blocking-read` until the stream
/// closes.
fn read_body(request: &IncomingRequest) -> Vec<u8> {
    let Ok(body) = request.consume() else {
        return Vec::new();
    };
    let mut bytes = Vec::new();
    if let Ok(stream) = body.stream() {
        loop {
            match stream.blocking_read(64 * 1024) {
                Ok(chunk) => bytes.extend_from_slice(&chunk),
                Err(StreamError::Closed) => break,
                Err(StreamError::LastOperationFailed(error)) => {
                    log_error(&format!(
                        "reading the request body: {}",
                        error.to_debug_string()
                    ));
                    break;
                }
            }
        }
    }
    bytes
}

/// Sends the response head through `response_out`, then streams `body`.
fn respond(
    response_out: ResponseOutparam,
    status: u16,
    headers: &[(String, Vec<u8>)],
    body: Body,
) -> Result<(), String> {
    let fields = match Fields::from_list(headers) {
        Ok(fields) => fields,
        Err(error) => return fail(response_out, format!("invalid response headers: {error:?}")),
    };
    let response = OutgoingResponse::new(fields);
    if response.set_status_code(status).is_err() {
        return fail(response_out, format!("invalid status code {status}"));
    }
    let outgoing_body = response
        .body()
        .map_err(|()| "the response body was taken twice".to_string())?;
    // Send the head first: the host reads the body only once it has the
    // response, and a large body does not fit in its buffer.
    ResponseOutparam::set(response_out, Ok(response));
    {
        let stream = outgoing_body
            .write()
            .map_err(|()| "the body stream was taken twice".to_string())?;
        match body {
            Body::Bytes(bytes) => write_all(&stream, &bytes)?,
            Body::Big => {
                let mut chunk = Vec::with_capacity(MAX_WRITE);
                let mut written = 0;
                while written < BIG_LEN {
                    let len = MAX_WRITE.min(BIG_LEN - written);
                    chunk.clear();
                    chunk.extend((written..written + len).map(big_byte));
                    write_all(&stream, &chunk)?;
                    written += len;
                }
            }
        }
        // The stream, a child of the body, must be gone before `finish`.
    }
    OutgoingBody::finish(outgoing_body, None).map_err(|error| format!("finish: {error:?}"))
}

/// Answers with `internal-error(message)`, and returns the message.
fn fail(response_out: ResponseOutparam, message: String) -> Result<(), String> {
    let code = ErrorCode::InternalError(Some(message.clone()));
    ResponseOutparam::set(response_out, Err(code));
    Err(message)
}

fn write_all(stream: &OutputStream, bytes: &[u8]) -> Result<(), String> {
    for chunk in bytes.chunks(MAX_WRITE) {
        stream
            .blocking_write_and_flush(chunk)
            .map_err(|error| format!("writing the body: {error:?}"))?;
    }
    Ok(())
}

fn log_error(line: &str) {
    let stderr = wasi::cli::stderr::get_stderr();
    let mut bytes = line.as_bytes().to_vec();
    bytes.push(b'\n');
    for chunk in bytes.chunks(MAX_WRITE) {
        if stderr.blocking_write_and_flush(chunk).is_err() {
            return;
        }
    }
}
