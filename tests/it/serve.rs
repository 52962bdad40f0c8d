//! A stand-in HTTP API for the tests (and for the reminder and WeChat webhook benches, which
//! include this file).

/// Serves `app` on a free loopback port for as long as the test runs; its base URL
/// (`http://127.0.0.1:PORT`). The stand-in platform and gateway APIs tests point the
/// outbound base URLs at.
pub async fn serve_router(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        axum::serve(listener, app).await.ok();
    });
    format!("http://{addr}")
}
