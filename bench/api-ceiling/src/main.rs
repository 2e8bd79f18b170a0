//! `api-ceiling FILE PORT`: answers every GET with the bytes of FILE as JSON, on 127.0.0.1:PORT.
//! The fastest an axum service can send that response on this machine: what bench/api.sh
//! compares `GET /api/v1/flows/{id}` with.

use axum::Router;
use axum::http::header;
use axum::routing::get;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(file), Some(port)) = (args.next(), args.next()) else {
        eprintln!("usage: api-ceiling FILE PORT");
        std::process::exit(2);
    };
    let body = axum::body::Bytes::from(std::fs::read(&file)?);
    let app = Router::new().fallback(get(move || {
        let body = body.clone();
        async move { ([(header::CONTENT_TYPE, "application/json")], body) }
    }));
    let listener =
        tokio::net::TcpListener::bind(("127.0.0.1", port.parse::<u16>().unwrap_or(0))).await?;
    axum::serve(listener, app).await
}
