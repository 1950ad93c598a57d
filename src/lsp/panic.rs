//! Every request and notification runs under `catch_unwind`: a panic in a handler becomes an
//! `InternalError` response (or, for a notification, a logged error) and the server goes on. It
//! also answers the stand-ins for bad frames (`transport::BAD_FRAME`), before the service sees them.

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::FutureExt;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Request, Response};

pub struct CatchPanic<S>(pub S);

pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

/// The error a request whose handler panicked is answered with (the panic logged).
pub(super) fn panicked(method: &str, payload: &(dyn Any + Send)) -> Error {
    let msg = panic_message(payload);
    tracing::error!(method = %method, "handler panicked: {msg}");
    Error {
        code: ErrorCode::InternalError,
        message: format!("convox-lsp: internal error in {method}: {msg}").into(),
        data: None,
    }
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl<S> tower::Service<Request> for CatchPanic<S>
where
    S: tower::Service<Request, Response = Option<Response>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = Option<Response>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Option<Response>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        if req.method() == super::transport::BAD_FRAME {
            // Whatever the server's state, a bad frame gets its error answer.
            let (_, _, params) = req.into_parts();
            let answer = super::transport::answer(params.as_ref());
            return Box::pin(async move { Ok(Some(answer)) });
        }
        let id = req.id().cloned();
        let method = req.method().to_string();
        let answer = move |payload: Box<dyn Any + Send>| {
            let error = panicked(&method, payload.as_ref());
            Ok(id.map(|id| Response::from_error(id, error)))
        };
        match std::panic::catch_unwind(AssertUnwindSafe(|| self.0.call(req))) {
            Ok(fut) => Box::pin(async move {
                match AssertUnwindSafe(fut).catch_unwind().await {
                    Ok(result) => result,
                    Err(payload) => answer(payload),
                }
            }),
            Err(payload) => Box::pin(async move { answer(payload) }),
        }
    }
}
