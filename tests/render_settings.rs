//! The rack settings that change what Convox renders (`convox.router`, `convox.provider`) reach the
//! model through the server: a contour router's render has HTTPProxies, not Ingresses.

mod common;

use common::TestClient;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_router_setting_changes_the_render() {
    let (client_out, server_in) = tokio::io::duplex(64 * 1024);
    let (server_out, client_in) = tokio::io::duplex(64 * 1024);
    let server = tokio::spawn(convox_lsp::lsp::serve(server_in, server_out));
    let mut client = TestClient::new(client_out, client_in);
    let options = json!({"convox": {"rack": "acme", "app": "shop", "router": "contour", "provider": "local"}});
    client.request_ok("initialize", json!({"capabilities": {}, "initializationOptions": options})).await;
    client.notify("initialized", json!({})).await;
    let uri = "untitled:convox.yml";
    client.did_open(uri, 1, "services:\n  web:\n    port: 3000\n").await;
    let yaml = client.request_ok("convox/render", json!({"uri": uri})).await["yaml"].as_str().unwrap().to_string();
    // provider/k8s/release.go:505: on contour, app/httpproxy.yml.tmpl instead of app/ingress.yml.tmpl.
    assert!(yaml.contains("kind: HTTPProxy") && !yaml.contains("kind: Ingress"), "{yaml}");
    // Back to the default router.
    client
        .notify("workspace/didChangeConfiguration", json!({"settings": {"convox": {"rack": "acme", "app": "shop"}}}))
        .await;
    let yaml = client.request_ok("convox/render", json!({"uri": uri})).await["yaml"].as_str().unwrap().to_string();
    assert!(yaml.contains("kind: Ingress") && yaml.contains("cert-manager.io/cluster-issuer: letsencrypt"), "{yaml}");
    client.shutdown_and_exit().await;
    assert_eq!(server.await.unwrap(), 0);
}
