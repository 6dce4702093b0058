//! waki 0.5.1's HTTP handler example (its README), on witbind.

use waki::{handler, ErrorCode, Request, Response};

#[handler]
fn hello(request: Request) -> Result<Response, ErrorCode> {
    let answer = format!("Hello from waki, {}", request.path());
    Response::builder().body(answer.into_bytes()).build()
}
