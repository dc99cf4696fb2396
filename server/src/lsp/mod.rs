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
mod completion;
mod convert;
mod features;
mod lens;
mod rename;
mod server;
mod state;
mod transport;
mod watch;

use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::{LspService, Server};

/// Serves LSP on stdin/stdout until the client says `exit`. Returns the
/// process status: 0 after a `shutdown`, 1 without one (as the protocol
/// asks).
pub fn run() -> i32 {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
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
        .custom_method(transport::MALFORMED, server::Backend::malformed)
        .finish();
    let backend = service.inner().clone();
    let (checked, reader) = tokio::io::duplex(1 << 16);
    tokio::spawn(transport::guard(input, checked));
    Server::new(reader, output, socket).serve(service).await;
    if backend.shut_down() {
        0
    } else {
        1
    }
}
