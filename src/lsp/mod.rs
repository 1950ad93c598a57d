//! The only module that knows the Language Server Protocol: lifecycle and dispatch (`server`),
//! one small handler per method or family (`handlers/`), the capabilities, the document store and
//! its snapshots, the diagnostics publisher, and the conversions between protocol positions and
//! byte offsets.

mod capabilities;
mod committed;
mod convert;
mod direct;
mod dispatch;
mod documents;
mod handlers;
mod panic;
mod publisher;
mod server;
mod settings;
mod state;
mod transport;
mod workspace;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tower_lsp_server::{ClientSocket, LspService};

pub use direct::Stdout;
pub use panic::{CatchPanic, panic_message};
pub use server::Server;
pub use settings::Settings;

/// What the start-up analyses: the keys a manifest usually has.
const WARM_UP: &str = "environment:
  - A=1
resources:
  db:
    type: postgres
services:
  web:
    build: .
    port: 3000
    command: bin/web
    environment:
      - B=2
    health:
      path: /health
      interval: 5
    resources:
      - db
    scale:
      count: 1-3
      cpu: 256
      memory: 512
      targets:
        cpu: 70
timers:
  nightly:
    schedule: \"0 3 * * ?\"
    command: bin/job
    service: web
";

/// The service as a transport runs it: the hot requests answered directly, then whatever
/// panics answered as an error ([`CatchPanic`]), then tower-lsp-server.
pub type Service = direct::Direct<CatchPanic<LspService<Server>>>;

/// Builds the service for a transport, its direct answers sent to `frames` (the one queue to the
/// output). `shutdown` turns true when a `shutdown` request arrives.
pub fn service(frames: direct::Frames) -> (Service, ClientSocket, Arc<AtomicBool>) {
    // The knowledge base is read while the client starts up, not when the first document opens;
    // then a small manifest is analysed, so that the code of the analysis is paged in by the time
    // the first document arrives (opening it paid about a millisecond for that).
    std::thread::spawn(|| {
        crate::schema::schema();
        let _ = crate::ide::Analysis::from_text(WARM_UP).diagnostics();
    });
    let shutdown = Arc::new(AtomicBool::new(false));
    let flag = shutdown.clone();
    let (service, socket) = LspService::build(move |client| Server::new(client, flag))
        .custom_method("convox/render", Server::render)
        .custom_method("convox/plan", Server::plan)
        .finish();
    let server = service.inner().clone();
    (direct::Direct { inner: CatchPanic(service), server, frames }, socket, shutdown)
}

/// Serves on any pair of streams until `exit` (or end of input). Returns the process exit code
/// the protocol asks for: 0 when `shutdown` came first, 1 otherwise (`exit` alone, or the input
/// closed without a `shutdown`).
pub async fn serve<I, O>(input: I, output: O) -> i32
where
    I: tokio::io::AsyncRead + Unpin,
    O: tokio::io::AsyncWrite,
{
    // Every frame out goes through one queue: tower-lsp-server's (cut into frames by the gate)
    // and the answers of `direct.rs`.
    let (frames, queued) = tokio::sync::mpsc::channel(direct::QUEUE);
    let (service, socket, shutdown) = service(frames.clone());
    let gate = direct::FrameGate::new(frames);
    // Frames go through `transport::filter`, which answers bad ones instead of ending the input.
    let (filtered, sink) = tokio::io::duplex(8 << 10);
    let filter = transport::filter(input, sink);
    let server = async move {
        let server = tower_lsp_server::Server::new(filtered, gate, socket).serve(service);
        tokio::pin!(filter, server);
        let mut input_done = false;
        loop {
            tokio::select! {
                () = &mut server => break,
                () = &mut filter, if !input_done => input_done = true,
            }
        }
        // Leaving drops the service and the gate: the queue ends once their frames are written.
    };
    tokio::join!(server, direct::write_frames(queued, output));
    if shutdown.load(Ordering::SeqCst) { 0 } else { 1 }
}
