//! spin-sdk 7.0.0's HTTP example, as in its README, on witbind (its
//! `wasip3` and `wit-bindgen` are witbind here).

use spin_sdk::http::{IntoResponse, Request};

/// Answers every request.
#[spin_sdk::http_service]
async fn hello(request: Request) -> impl IntoResponse {
    format!("Hello, Spin, from {}", request.uri().path())
}
