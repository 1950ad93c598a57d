//! The hot requests answered without tower-lsp-server's JSON value round trip.
//!
//! tower-lsp-server turns every result into a `serde_json::Value` (a tree of maps and strings),
//! writes the tree, then frees it. For the requests an editor sends on every cursor move or
//! keystroke (hover, completion) that round trip cost more than the answer itself: a list of 35
//! completion items was 1.4 M instructions, 0.2 M of them finding the items. Here those requests
//! are taken from the service before it sees them (still in the order they arrived, and run as
//! concurrently as any other request), their typed results written straight to JSON, and the
//! frame handed to the one writer of the output ([`Frames`], [`write_frames`]) that also carries
//! everything tower-lsp-server writes ([`FrameGate`]).
//!
//! Only a server that is initialized and not shut down answers here; any other state goes to the
//! service, which answers as the protocol says. A panic is answered as [`super::CatchPanic`]
//! answers it.

use std::future::Future;
use std::io;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures::FutureExt;
use futures::future::Either;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use tokio_util::sync::PollSender;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Id, Request, Response};

use super::handlers as h;
use super::panic::panicked;
use super::server::Server;
use super::transport::{self, frame};

/// Whole frames (headers and body) on their way to the output.
pub type Frames = mpsc::Sender<Vec<u8>>;

/// How many frames may wait for the output before their writers wait too.
pub const QUEUE: usize = 64;

/// The methods answered here.
fn direct(method: &str) -> bool {
    matches!(method, "textDocument/hover" | "textDocument/completion")
}

/// The service with the hot requests taken out (see the module's documentation).
pub struct Direct<S> {
    pub inner: S,
    pub server: Server,
    pub frames: Frames,
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl<S> tower::Service<Request> for Direct<S>
where
    S: tower::Service<Request, Response = Option<Response>>,
    S::Error: Send + 'static,
{
    type Response = Option<Response>;
    type Error = S::Error;
    type Future = Either<S::Future, BoxFuture<Result<Option<Response>, S::Error>>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        if !direct(req.method()) || req.id().is_none() || !self.server.serving() {
            return Either::Left(self.inner.call(req));
        }
        let (method, id, params) = req.into_parts();
        let id = id.unwrap_or(Id::Null);
        let server = self.server.clone();
        let frames = self.frames.clone();
        Either::Right(Box::pin(async move {
            let body = match AssertUnwindSafe(answer(&server, &method, params, &id)).catch_unwind().await {
                Ok(Ok(body)) => body,
                Ok(Err(error)) => error_body(id, error),
                Err(payload) => error_body(id, panicked(&method, payload.as_ref())),
            };
            // The output is gone only when the server is ending: nothing is left to answer to.
            let _ = frames.send(frame(&body)).await;
            Ok(None)
        }))
    }
}

/// The response to a method answered here, as JSON. Each starts with room for a usual answer
/// (growing the buffer while writing was a fifth of writing a completion list).
async fn answer(server: &Server, method: &str, params: Option<Value>, id: &Id) -> Result<Vec<u8>, Error> {
    match method {
        "textDocument/hover" => result_body(id, &h::hover::hover(server, params_of(params)?).await?, 4 << 10),
        "textDocument/completion" => {
            let list = h::completion::completion(server, params_of(params)?).await?;
            Ok(body_with(id, 32 << 10, |out| match &list {
                Some(list) => list.write_json(out),
                None => out.extend_from_slice(b"null"),
            }))
        }
        _ => Err(Error::method_not_found()),
    }
}

/// The params as the service decodes them (the same errors for the same mistakes).
fn params_of<P: DeserializeOwned>(params: Option<Value>) -> Result<P, Error> {
    let params = params.ok_or_else(|| Error::invalid_params("Missing params field"))?;
    serde_json::from_value(params).map_err(|e| Error::invalid_params(e.to_string()))
}

/// `{"jsonrpc":"2.0","result":...,"id":...}`, written in one buffer of `capacity` bytes to start.
fn result_body<T: Serialize>(id: &Id, result: &T, capacity: usize) -> Result<Vec<u8>, Error> {
    let mut failed = None;
    let body = body_with(id, capacity, |out| {
        if let Err(e) = serde_json::to_writer(&mut *out, result) {
            failed = Some(Error { code: ErrorCode::InternalError, message: e.to_string().into(), data: None });
        }
    });
    failed.map_or(Ok(body), Err)
}

/// `{"jsonrpc":"2.0","result":...,"id":...}` with the result written by `result`.
fn body_with(id: &Id, capacity: usize, result: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut body = Vec::with_capacity(capacity);
    body.extend_from_slice(br#"{"jsonrpc":"2.0","result":"#);
    result(&mut body);
    body.extend_from_slice(br#","id":"#);
    serde_json::to_writer(&mut body, id).expect("an id is JSON");
    body.push(b'}');
    body
}

fn error_body(id: Id, error: Error) -> Vec<u8> {
    serde_json::to_vec(&Response::from_error(id, error)).expect("an error response is JSON")
}

/// Writes the frames to `output`, in the order they come, until every sender is gone; flushes
/// when no frame is waiting.
pub async fn write_frames<O: AsyncWrite>(mut frames: mpsc::Receiver<Vec<u8>>, output: O) {
    tokio::pin!(output);
    while let Some(frame) = frames.recv().await {
        if output.write_all(&frame).await.is_err() {
            tracing::error!("the output is closed: no more messages can be written");
            return;
        }
        if frames.is_empty() && output.flush().await.is_err() {
            return;
        }
    }
    let _ = output.flush().await;
}

/// The output tower-lsp-server writes to: the bytes it writes, cut into whole frames and passed
/// on to [`write_frames`], so that its frames and the ones answered here never interleave. A
/// flush waits until every whole frame is passed on (the output's backpressure).
pub struct FrameGate {
    pending: Vec<u8>,
    /// Where the first byte not passed on yet is.
    start: usize,
    frames: PollSender<Vec<u8>>,
}

impl FrameGate {
    pub fn new(frames: Frames) -> Self {
        Self { pending: Vec::new(), start: 0, frames: PollSender::new(frames) }
    }

    /// The length of the whole frame at the start of what is pending, if it is all there.
    fn whole_frame(&self) -> Option<usize> {
        let rest = &self.pending[self.start..];
        let end = rest.windows(4).take(1024).position(|w| w == b"\r\n\r\n")? + 4;
        let headers = std::str::from_utf8(&rest[..end]).ok()?;
        let length = headers.lines().find_map(|line| transport::content_length(line).ok().flatten())?;
        (rest.len() >= end + length).then_some(end + length)
    }

    /// Passes on every whole frame pending; pending while the queue is full.
    fn poll_pass_on(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some(len) = self.whole_frame() {
            ready!(self.frames.poll_reserve(cx)).map_err(|_| io::Error::from(io::ErrorKind::BrokenPipe))?;
            let frame = self.pending[self.start..self.start + len].to_vec();
            self.start += len;
            self.frames.send_item(frame).map_err(|_| io::Error::from(io::ErrorKind::BrokenPipe))?;
        }
        if self.start == self.pending.len() {
            self.pending.clear();
            self.start = 0;
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for FrameGate {
    fn poll_write(self: Pin<&mut Self>, _: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.start > 0 && this.start == this.pending.len() {
            this.pending.clear();
            this.start = 0;
        }
        this.pending.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().poll_pass_on(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

/// Standard output written in place by the one writer ([`write_frames`]): each frame is one
/// `write` system call from the task that writes it. tokio's `Stdout` hands every write to a
/// blocking-pool thread and waits for it to come back: two thread hand-offs per message, about a
/// tenth of a request's round trip. A full pipe (a client that does not read) makes the write
/// wait, as a blocking write does: the server stops there, which is the backpressure it owes.
pub struct Stdout(std::fs::File);

impl Stdout {
    /// A second handle on the process's standard output (the first stays open for the rest).
    pub fn new() -> io::Result<Stdout> {
        #[cfg(unix)]
        let owned = std::os::fd::AsFd::as_fd(&std::io::stdout()).try_clone_to_owned()?;
        #[cfg(windows)]
        let owned = std::os::windows::io::AsHandle::as_handle(&std::io::stdout()).try_clone_to_owned()?;
        Ok(Stdout(std::fs::File::from(owned)))
    }
}

impl AsyncWrite for Stdout {
    fn poll_write(self: Pin<&mut Self>, _: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        use std::io::Write;
        let file = &mut self.get_mut().0;
        loop {
            match file.write(buf) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                // A descriptor the client left non-blocking: wait as a blocking write would.
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    std::thread::sleep(std::time::Duration::from_millis(1))
                }
                done => return Poll::Ready(done),
            }
        }
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_gate_passes_on_whole_frames_only() {
        let (tx, mut rx) = mpsc::channel(QUEUE);
        let mut gate = FrameGate::new(tx);
        let one = frame(br#"{"a":1}"#);
        let two = frame(br#"{"b":"\r\n\r\n"}"#);
        let mut both = one.clone();
        both.extend_from_slice(&two);
        // Written in pieces that cut a header and a body.
        for piece in both.chunks(5) {
            gate.write_all(piece).await.unwrap();
        }
        gate.flush().await.unwrap();
        assert_eq!(rx.recv().await.unwrap(), one);
        assert_eq!(rx.recv().await.unwrap(), two);
        assert!(rx.try_recv().is_err());
        // Half a frame waits for the rest.
        gate.write_all(&one[..10]).await.unwrap();
        gate.flush().await.unwrap();
        assert!(rx.try_recv().is_err());
        gate.write_all(&one[10..]).await.unwrap();
        gate.flush().await.unwrap();
        assert_eq!(rx.recv().await.unwrap(), one);
    }

    #[test]
    fn a_result_is_written_as_a_json_rpc_response() {
        let body = result_body(&Id::Number(7), &serde_json::json!({"x": [1]}), 0).unwrap();
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v, serde_json::json!({"jsonrpc": "2.0", "result": {"x": [1]}, "id": 7}));
        let body = error_body(Id::String("a".into()), Error::invalid_params("no"));
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v, serde_json::json!({"jsonrpc": "2.0", "error": {"code": -32602, "message": "no"}, "id": "a"}));
    }
}
