//! Serving `wasi:http` guests in-process with `wasmtime-wasi-http`, as
//! `wasmtime serve` does (no sockets): [`serve_p2`] for a
//! `wasi:http/proxy` (0.2) guest, [`serve_p3`] for a `wasi:http/service`
//! (0.3.0) guest. Each serves one request with a fresh instance and reads
//! the response's whole body.

use std::path::Path;
use std::thread;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{HeaderMap, Request};
use tokio::sync::oneshot;
use wasmtime_wasi_http::WasiHttpView;

use crate::{Guest, Run};

/// What a guest answered.
#[derive(Debug)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The headers.
    pub headers: HeaderMap,
    /// The whole body.
    pub body: Vec<u8>,
}

impl Answer {
    /// The values of header `name`, as UTF-8.
    pub fn header(&self, name: &str) -> Vec<&str> {
        self.headers
            .get_all(name)
            .iter()
            .map(|value| value.to_str().expect("a UTF-8 header value"))
            .collect()
    }

    /// The body, as UTF-8.
    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("a UTF-8 body")
    }
}

/// A request to `http://witbind.test{uri}`.
pub fn request(method: &str, uri: &str, body: Vec<u8>) -> Request<Full<Bytes>> {
    Request::builder()
        .method(method)
        .uri(format!("http://witbind.test{uri}"))
        .body(Full::new(Bytes::from(body)))
        .expect("a valid request")
}

/// Serves `request` with a fresh instance of the `wasi:http/proxy` guest
/// `wasm` in a fresh store. The guest runs on its own thread (its body
/// writes wait until the host takes the data) while this one reads the
/// response and its whole body. The store is dropped when `handle` returns
/// or traps, which closes the response-outparam and the body if the guest
/// left them open, so nothing waits forever.
pub fn serve_p2(wasm: &Path, name: &str, request: Request<Full<Bytes>>) -> Result<Answer, String> {
    use wasmtime_wasi_http::p2::bindings::http::types::Scheme;
    use wasmtime_wasi_http::p2::bindings::sync::ProxyPre;

    let mut guest =
        Guest::load(wasm, &Run::new(name), ()).unwrap_or_else(|e| panic!("loading {name}: {e:?}"));
    let instance_pre = guest
        .linker
        .instantiate_pre(&guest.component)
        .unwrap_or_else(|e| panic!("linking {name}: {e:?}"));
    let pre = ProxyPre::new(instance_pre)
        .unwrap_or_else(|e| panic!("{name} is not a wasi:http/proxy: {e:?}"));
    let (sender, receiver) = oneshot::channel();
    let mut http = guest.store.data_mut().http();
    let request = http
        .new_incoming_request(Scheme::Http, request)
        .expect("creating the incoming-request");
    let response_out = http
        .new_response_outparam(sender)
        .expect("creating the response-outparam");

    let handler = thread::spawn(move || {
        let handled = pre.instantiate(&mut guest.store).and_then(|proxy| {
            proxy
                .wasi_http_incoming_handler()
                .call_handle(&mut guest.store, request, response_out)
        });
        (handled, guest.stderr())
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("building a tokio runtime");
    let answer = runtime.block_on(read_p2_answer(receiver));
    let (handled, stderr) = handler.join().expect("the handler thread panicked");
    match (answer, handled) {
        (Ok(answer), Ok(())) => Ok(answer),
        (answer, handled) => Err(format!(
            "serving the request failed: {}; `handle` returned {handled:?}\n\
             --- guest stderr ---\n{stderr}",
            answer.map_or_else(|error| error, |_| "the response was read".to_string())
        )),
    }
}

type P2Response = hyper::Response<wasmtime_wasi_http::p2::body::HyperOutgoingBody>;
type P2ErrorCode = wasmtime_wasi_http::p2::bindings::http::types::ErrorCode;

/// The response a p2 guest sets, with its body read to the end.
async fn read_p2_answer(
    receiver: oneshot::Receiver<Result<P2Response, P2ErrorCode>>,
) -> Result<Answer, String> {
    let response = match receiver.await {
        Ok(Ok(response)) => response,
        Ok(Err(code)) => return Err(format!("the guest answered {code:?}")),
        Err(_) => return Err("the guest never set the response".to_string()),
    };
    let (head, body) = response.into_parts();
    let body = body
        .collect()
        .await
        .map_err(|e| format!("reading the response body: {e}"))?
        .to_bytes();
    Ok(Answer {
        status: head.status.as_u16(),
        headers: head.headers,
        body: body.to_vec(),
    })
}

/// The error code a p3 guest may answer with.
pub type P3ErrorCode = wasmtime_wasi_http::p3::bindings::http::types::ErrorCode;

/// Serves `request` with a fresh instance of the `wasi:http/service@0.3.0`
/// guest `wasm` in wasmtime's p3 `wasi:http`: the handler is called, and
/// the response body read to its end, inside the store's event loop, while
/// the request body is sent. Panics (with the guest's stderr) if serving
/// fails otherwise than by the guest answering an error code.
pub fn serve_p3(
    wasm: &Path,
    name: &str,
    request: Request<Full<Bytes>>,
) -> Result<Answer, P3ErrorCode> {
    use wasmtime_wasi_http::p3::bindings::Service;
    use wasmtime_wasi_http::p3::Request;

    let mut guest = Guest::load_async(wasm, &Run::new(name), ())
        .unwrap_or_else(|e| panic!("loading {name}: {e:?}"));
    wasmtime_wasi_http::p3::add_to_linker(&mut guest.linker).expect("adding wasi:http");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("building a tokio runtime");
    let served = runtime.block_on(async {
        let service = Service::instantiate_async(&mut guest.store, &guest.component, &guest.linker)
            .await
            .unwrap_or_else(|e| panic!("instantiating {name}: {e:?}"));
        let (request, sent) = Request::from_http(guest.store.data_mut().http().hooks, request);
        guest
            .store
            .run_concurrent(async |accessor| {
                let answer = async {
                    let response = match service.handle(accessor, request).await? {
                        Ok(response) => response,
                        Err(code) => return Ok(Err(code)),
                    };
                    let response =
                        accessor.with(|access| response.into_http(access, async { Ok(()) }))?;
                    let (head, body) = response.into_parts();
                    let body = body
                        .collect()
                        .await
                        .map_err(|e| wasmtime::format_err!("reading the response body: {e:?}"))?;
                    Ok(Ok(Answer {
                        status: head.status.as_u16(),
                        headers: head.headers,
                        body: body.to_bytes().to_vec(),
                    }))
                };
                let sent = async {
                    sent.await
                        .map_err(|e| wasmtime::format_err!("sending the request body: {e:?}"))
                };
                let (answer, ()) = futures::future::try_join(answer, sent).await?;
                wasmtime::Result::Ok(answer)
            })
            .await
    });
    match served {
        Ok(Ok(answer)) => answer,
        Ok(Err(e)) | Err(e) => panic!(
            "serving with {name}: {e:?}\n--- stderr ---\n{}",
            guest.stderr()
        ),
    }
}
