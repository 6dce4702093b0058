//! The `wasi:http/proxy` guest (`tests/guests/http-proxy`, written only with
//! witbind's bindings) answers requests served in-process by
//! `wasmtime-wasi-http`: no sockets, a `hyper::Request` goes in through
//! `incoming-handler.handle` and the response comes back through the
//! `response-outparam`, its body streamed while the guest writes it.

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::Request;
use witbind_tests::build_guests;
use witbind_tests::http::{serve_p2, Answer};

/// Serves `request` with the `http-proxy` guest (see [`try_serve`]);
/// panics with the guest's stderr if that fails.
fn serve(request: Request<Full<Bytes>>) -> Answer {
    try_serve(request).unwrap_or_else(|failure| panic!("{failure}"))
}

/// Serves `request` with a fresh instance of the `http-proxy` guest.
fn try_serve(request: Request<Full<Bytes>>) -> Result<Answer, String> {
    serve_p2(build_guests().wasm("http_proxy"), "http-proxy", request)
}

fn request(method: &str, uri: &str) -> hyper::http::request::Builder {
    Request::builder()
        .method(method)
        .uri(format!("http://witbind.test{uri}"))
}

fn empty(builder: hyper::http::request::Builder) -> Request<Full<Bytes>> {
    builder
        .body(Full::new(Bytes::new()))
        .expect("a valid request")
}

/// The method, path and query come back in headers, `?status=` sets the
/// status, and the body is the guest's text line.
#[test]
fn answers_with_chosen_status_echoed_headers_and_body() {
    for (method, uri, status) in [
        ("GET", "/hello?status=201", 201),
        ("GET", "/", 200),
        ("DELETE", "/items/7?x=1&status=404", 404),
        ("PURGE", "/cache/%C3%BCn%C3%AF?status=299", 299),
    ] {
        let answer = serve(empty(request(method, uri)));
        let uri = hyper::Uri::try_from(format!("http://witbind.test{uri}")).expect("a valid URI");
        let what = format!("{method} {uri}");
        assert_eq!(answer.status, status, "{what}");
        assert_eq!(answer.header("x-method"), [method], "{what}");
        assert_eq!(answer.header("x-path"), [uri.path()], "{what}");
        assert_eq!(
            answer.header("x-query"),
            [uri.query().unwrap_or_default()],
            "{what}"
        );
        assert_eq!(
            answer.header("content-type"),
            ["application/octet-stream"],
            "{what}"
        );
        assert!(answer.header("x-echoed").is_empty(), "{what}");
        let path_with_query = uri.path_and_query().expect("a path").as_str();
        assert_eq!(
            String::from_utf8_lossy(&answer.body),
            format!("witbind answers {path_with_query}\n"),
            "{what}"
        );
    }
}

/// Repeated request header values reach the guest (a `list<list<u8>>`
/// from `fields.get`) and come back in order, bytes unchanged.
#[test]
fn echoes_repeated_request_header_values() {
    let answer = serve(empty(
        request("GET", "/headers")
            .header("x-echo", "first")
            .header("x-echo", "")
            .header("x-echo", "third, with comma"),
    ));
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.header("x-echoed"),
        ["first", "", "third, with comma"]
    );
}

/// A request body of 300 000 bytes (every byte value) goes to the guest
/// through `incoming-body` and `blocking-read`, and comes back unchanged.
#[test]
fn echoes_the_request_body() {
    let sent: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 256) as u8).collect();
    let answer = serve(
        request("POST", "/echo?status=202")
            .body(Full::new(Bytes::from(sent.clone())))
            .expect("a valid request"),
    );
    assert_eq!(answer.status, 202);
    assert_eq!(answer.header("x-method"), ["POST"]);
    assert_body_eq(&answer.body, &sent);
}

/// `/big`: more than 1 MiB, streamed by the guest in 4096-byte
/// `blocking-write-and-flush` calls, arrives complete and in order.
#[test]
fn streams_a_body_of_more_than_one_mebibyte() {
    // The guest's `BIG_LEN` and `big_byte`.
    const BIG_LEN: usize = (1 << 20) + 1234;
    let expected: Vec<u8> = (0..BIG_LEN).map(|i| (i % 251) as u8).collect();

    let answer = serve(empty(request("GET", "/big")));
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("x-path"), ["/big"]);
    assert_eq!(answer.header("content-length"), [BIG_LEN.to_string()]);
    assert!(answer.body.len() >= 1 << 20, "{} bytes", answer.body.len());
    assert_body_eq(&answer.body, &expected);
}

/// An invalid status makes `set-status-code` fail; the guest then answers
/// with an `error-code` (a variant with an `option<string>` payload,
/// lowered by witbind) instead of a response.
#[test]
fn an_invalid_status_is_answered_with_an_error_code() {
    let failure = try_serve(empty(request("GET", "/?status=99")))
        .map(|answer| format!("answered {answer:?}"))
        .unwrap_err();
    assert!(
        failure.contains(
            r#"the guest answered ErrorCode::InternalError(Some("invalid status code 99"))"#
        ),
        "{failure}"
    );
}

/// A guest that traps before answering is reported, not waited for: the
/// dropped store closes the response-outparam.
#[test]
fn a_guest_trapping_before_answering_is_reported() {
    let failure = try_serve(empty(request("GET", "/panic")))
        .map(|answer| format!("answered {answer:?}"))
        .unwrap_err();
    assert!(
        failure.contains("the guest never set the response"),
        "{failure}"
    );
    assert!(
        failure.contains("asked to panic before answering"),
        "{failure}"
    );
}

/// `assert_eq!` on two bodies, reporting the first difference instead of
/// printing megabytes.
fn assert_body_eq(actual: &[u8], expected: &[u8]) {
    if let Some(at) = actual.iter().zip(expected).position(|(a, e)| a != e) {
        panic!(
            "the bodies differ first at byte {at}: got {:?}, expected {:?}",
            &actual[at..actual.len().min(at + 16)],
            &expected[at..expected.len().min(at + 16)]
        );
    }
    assert_eq!(
        actual.len(),
        expected.len(),
        "the body has the wrong length"
    );
}
