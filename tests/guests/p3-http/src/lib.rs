//! A WASI 0.3 `wasi:http/service@0.3.0` component with witbind's bindings:
//! the async `handle` export answers with a streamed body written by a task
//! it spawns (tests/tests/p3/mod.rs checks each answer):
//! - `GET` answers 200 with `x-test: yes`, `x-path: <path>` and a short
//!   text body;
//! - `POST` answers 200 with the request body, read from its stream and
//!   written back chunk by chunk;
//! - any other method is the error code `http-request-method-invalid`.

mod bindings {
    witbind::generate!({
        path: "../.wasi-p3-wit",
        world: "wasi:http/service",
    });
}

use bindings::exports::wasi::http::handler::Guest;
use bindings::wasi::http::types::{ErrorCode, Fields, Method, Request, Response};
use bindings::{wit_future, wit_stream};
use witbind::StreamResult;

struct Service;

bindings::export!(Service with_types_in bindings);

impl Guest for Service {
    async fn handle(request: Request) -> Result<Response, ErrorCode> {
        let (mut body, body_reader) = wit_stream::new::<u8>();
        // No trailers: the writer is dropped, so the future has the default.
        let (_, trailers) = wit_future::new(|| Ok(None));
        match request.get_method() {
            Method::Get => {
                let path = request.get_path_with_query().unwrap_or_default();
                let headers = Fields::from_list(&[
                    ("x-test".to_string(), b"yes".to_vec()),
                    ("x-path".to_string(), path.clone().into_bytes()),
                ])
                .map_err(|e| ErrorCode::InternalError(Some(format!("{e:?}"))))?;
                let (response, _) = Response::new(headers, Some(body_reader), trailers);
                witbind::spawn(async move {
                    let text = format!("witbind answers {path} over WASI 0.3\n");
                    let unwritten = body.write_all(text.into_bytes()).await;
                    assert!(unwritten.is_empty(), "the host stopped reading");
                });
                Ok(response)
            }
            Method::Post => {
                let (_, transmitted) = wit_future::new(|| Ok(()));
                let (mut request_body, _) = Request::consume_body(request, transmitted);
                let (response, _) = Response::new(Fields::new(), Some(body_reader), trailers);
                witbind::spawn(async move {
                    loop {
                        let (result, chunk) =
                            request_body.read(Vec::with_capacity(64 * 1024)).await;
                        if !chunk.is_empty() && !body.write_all(chunk).await.is_empty() {
                            break;
                        }
                        if !matches!(result, StreamResult::Complete(_)) {
                            break;
                        }
                    }
                });
                Ok(response)
            }
            _ => Err(ErrorCode::HttpRequestMethodInvalid),
        }
    }
}
