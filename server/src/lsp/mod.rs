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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::json;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    fn frame(msg: serde_json::Value) -> Vec<u8> {
        let body = msg.to_string();
        format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
    }

    /// A client that declares configuration, watched-file registration and
    /// progress but never answers the server's requests, then goes: every
    /// task the session started ends with it. tower-lsp-server waits for an
    /// answer for good, so a task waiting on one lived on with what it held
    /// (the whole server state), once per session of a process serving
    /// many (the fuzz target grew to its 4 GB limit).
    #[test]
    fn no_task_outlives_a_client_that_never_answered() {
        let dir = tempfile::tempdir().unwrap();
        let spec = dir.path().join("openspec/specs/cap/spec.md");
        std::fs::create_dir_all(spec.parent().unwrap()).unwrap();
        std::fs::write(&spec, "# cap\n\n## Requirements\n").unwrap();
        let folder = format!("file://{}", dir.path().display());
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let (mut client, input) = tokio::io::duplex(1 << 16);
            let (output, mut from_server) = tokio::io::duplex(1 << 16);
            let server = tokio::spawn(super::serve(input, output));
            let caps = json!({
                "workspace": {"configuration": true,
                    "didChangeWatchedFiles": {"dynamicRegistration": true}},
                "window": {"workDoneProgress": true},
            });
            client
                .write_all(&frame(
                    json!({"jsonrpc": "2.0", "id": 0, "method": "initialize",
                    "params": {"processId": null, "rootUri": folder, "capabilities": caps,
                        "workspaceFolders": [{"uri": folder, "name": "w"}]}}),
                ))
                .await
                .unwrap();
            let mut seen = Vec::new();
            let mut buf = [0u8; 4096];
            // Notifications before the answer to `initialize` are dropped.
            while !String::from_utf8_lossy(&seen).contains("\"id\":0") {
                let n = from_server.read(&mut buf).await.unwrap();
                assert!(n > 0, "the server ended early");
                seen.extend_from_slice(&buf[..n]);
            }
            client
                .write_all(&frame(
                    json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
                ))
                .await
                .unwrap();
            let asked = [
                "workspace/configuration",
                "client/registerCapability",
                "window/workDoneProgress/create",
            ];
            let all_asked = tokio::time::timeout(Duration::from_secs(10), async {
                while !asked.iter().all(|m| {
                    String::from_utf8_lossy(&seen).contains(&format!("\"method\":\"{m}\""))
                }) {
                    let n = from_server.read(&mut buf).await.unwrap();
                    assert!(n > 0, "the server ended early");
                    seen.extend_from_slice(&buf[..n]);
                }
            })
            .await;
            assert!(
                all_asked.is_ok(),
                "the server did not ask the client all of {asked:?}"
            );
            drop(client);
            let status = tokio::time::timeout(Duration::from_secs(10), server).await;
            assert!(status.is_ok(), "the server did not end with its input");
            drop(from_server);
            // Debounced work may still run briefly; nothing may wait on.
            let metrics = tokio::runtime::Handle::current().metrics();
            for _ in 0..50 {
                if metrics.num_alive_tasks() == 0 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            assert_eq!(metrics.num_alive_tasks(), 0, "tasks outlived the session");
        });
    }
}
