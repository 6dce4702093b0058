//! wasmcloud-component 0.2.0's HTTP server example (its README), on
//! witbind.

use wasmcloud_component::http;

struct Component;

http::export!(Component);

impl http::Server for Component {
    fn handle(
        request: http::IncomingRequest,
    ) -> http::Result<http::Response<impl http::OutgoingBody>> {
        Ok(http::Response::new(format!(
            "Hello from wasmCloud, {}",
            request.uri().path()
        )))
    }
}
