//! `specls lsp`: the language server, a tower-lsp-server adapter over the
//! engine. Only this module knows LSP types.
//!
//! Ordering. tower-lsp-server runs up to four handlers at once, but it
//! creates their futures in the order messages arrive and polls each new
//! one first in that order. Every document notification applies its change
//! under the state lock before its first `.await`, so changes land in the
//! order the client sent them; a `didChange` whose version does not
//! increase is refused and logged rather than applied to the wrong text.
//! Diagnostics are computed by a debounced task that takes the same lock,
//! so they always describe the latest text, and publishing is serialised so
//! that an older result never arrives after a newer one.

mod actions;
mod capabilities;
mod code_lens;
mod commands;
mod completion;
mod convert;
mod features;
mod inlay;
mod memory;
mod progress;
mod rename;
mod semantic;
mod server;
mod splice;
mod state;
mod transport;
mod watch;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::jsonrpc::{Request, Response};
use tower_lsp_server::{ExitedError, LspService, Server};
use tower_service::Service;

/// Serves LSP on stdin/stdout until the client says `exit`. Returns the
/// process status: 0 after a `shutdown`, 1 without one (as the protocol
/// asks).
pub fn run() -> i32 {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        // Where workers give memory back after a large document (see
        // `memory`): a parked worker has nothing else to do.
        .on_thread_park(memory::on_park)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("specls: cannot start the async runtime: {e}");
            return 2;
        }
    };
    let status = runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
    // The stdin reader may still be blocked in a read of its own thread;
    // waiting for it would keep the process alive after `exit`.
    runtime.shutdown_background();
    status
}

/// Serves LSP on `input` and `output` until the client says `exit` or the
/// input ends; returns the status [`run`] exits with. Fuzz targets drive
/// the server in-process through this.
pub async fn serve(
    input: impl AsyncRead + Unpin + Send + 'static,
    output: impl AsyncWrite + Unpin,
) -> i32 {
    let (service, socket) = LspService::build(server::Backend::new)
        .custom_method("specls/testPanic", server::Backend::test_panic)
        .custom_method("specls/testCounters", server::Backend::test_counters)
        .custom_method("specls/testText", server::Backend::test_text)
        .custom_method(transport::MALFORMED, server::Backend::malformed)
        .custom_method(transport::LARGE_TEXT, server::Backend::large_text)
        .finish();
    let backend = service.inner().clone();
    let (checked, reader) = tokio::io::duplex(1 << 16);
    tokio::spawn(transport::guard(input, checked));
    let order = Order::new(service);
    let shut_down = order.shut_down.clone();
    let output = splice::Splice::new(output, order.stash.clone());
    Server::new(reader, output, socket).serve(order).await;
    backend.end();
    if shut_down.load(Ordering::SeqCst) || backend.shut_down() {
        0
    } else {
        1
    }
}

/// A layer over the service that decides, in the order messages arrive,
/// what tower-lsp-server only decides once a handler runs:
///
/// - whether `shutdown` came before `exit`. tower-lsp-server cancels every
///   pending handler on `exit`, so a `shutdown` sent right before it may
///   never run its handler, and the exit status would say it never came.
/// - that `initialized` is taken once: a second one would read the
///   workspace again, with a second progress stream on the same token.
struct Order<S> {
    inner: S,
    initialized: Arc<AtomicBool>,
    shut_down: Arc<AtomicBool>,
    seen_initialized: bool,
    /// Large answers, written to JSON off the server's loop.
    stash: Arc<splice::Stash>,
}

type Answer = Pin<Box<dyn Future<Output = Result<Option<Response>, ExitedError>> + Send>>;

impl<S> Order<S> {
    fn new(inner: S) -> Order<S> {
        Order {
            inner,
            initialized: Arc::new(AtomicBool::new(false)),
            shut_down: Arc::new(AtomicBool::new(false)),
            seen_initialized: false,
            stash: splice::Stash::new(),
        }
    }
}

impl<S> Service<Request> for Order<S>
where
    S: Service<Request, Response = Option<Response>, Error = ExitedError>,
    S::Future: Send + 'static,
{
    type Response = Option<Response>;
    type Error = ExitedError;
    type Future = Answer;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), ExitedError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Answer {
        let initialized = self.initialized.load(Ordering::SeqCst);
        match (req.method(), req.id().is_some()) {
            ("initialize", true) if !initialized => {
                let flag = self.initialized.clone();
                let answer = self.inner.call(req);
                return Box::pin(async move {
                    let response = answer.await?;
                    if response.as_ref().is_some_and(Response::is_ok) {
                        flag.store(true, Ordering::SeqCst);
                    }
                    Ok(response)
                });
            }
            // tower-lsp-server accepts a shutdown once initialized.
            ("shutdown", true) if initialized => self.shut_down.store(true, Ordering::SeqCst),
            ("initialized", false) if initialized => {
                if self.seen_initialized {
                    eprintln!("specls: ignored a second \"initialized\"");
                    return Box::pin(async { Ok(None) });
                }
                self.seen_initialized = true;
            }
            // Every other request runs in a task of its own, where a large
            // answer is also written to JSON (see `splice`).
            (_, true) => {
                let id = req.id().cloned();
                let answer = self.inner.call(req);
                return Box::pin(splice::spawn_answer(self.stash.clone(), id, answer));
            }
            _ => {}
        }
        Box::pin(self.inner.call(req))
    }
}
