//! wstd 0.6.8's HTTP server example on witbind (wstd's bindings are the
//! `wasip2` crate's, which wit-bindgen generated; its `wit-bindgen` is
//! witbind here).

use wstd::http::body::Body;
use wstd::http::{Error, Request, Response};

#[wstd::http_server]
async fn main(request: Request<Body>) -> Result<Response<Body>, Error> {
    let answer = format!("Hello from wstd, {}\n", request.uri().path());
    Ok(Response::new(answer.into()))
}
