//! Work-done progress that never holds up the work it reports on.
//!
//! Progress needs the client to answer `window/workDoneProgress/create`
//! first; a client that declares the capability but never answers must
//! still get its workspace read. So the work only queues its steps here,
//! and a task of its own sends them once (and if ever) the token exists.

use tokio::sync::mpsc;
use tower_lsp_server::ls_types::NumberOrString;
use tower_lsp_server::Client;

enum Step {
    Report(String),
    Finish(String),
}

pub struct Reporter {
    tx: mpsc::UnboundedSender<Step>,
}

impl Reporter {
    /// Asks for the token and begins the progress with `title` and
    /// `message`, in the background.
    pub fn start(
        client: Client,
        end: tokio::sync::watch::Receiver<bool>,
        token: &str,
        title: &str,
        message: &str,
    ) -> Reporter {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let token = NumberOrString::String(token.to_string());
        let (title, message) = (title.to_string(), message.to_string());
        tokio::spawn(async move {
            let asked = client.create_work_done_progress(token.clone());
            if !matches!(super::server::unless_ended(end, asked).await, Some(Ok(()))) {
                return;
            }
            let p = client
                .progress(token, title)
                .with_message(message)
                .begin()
                .await;
            while let Some(step) = rx.recv().await {
                match step {
                    Step::Report(m) => p.report(m).await,
                    Step::Finish(m) => {
                        p.finish_with_message(m).await;
                        return;
                    }
                }
            }
        });
        Reporter { tx }
    }

    pub fn report(&self, message: String) {
        let _ = self.tx.send(Step::Report(message));
    }

    pub fn finish(self, message: &str) {
        let _ = self.tx.send(Step::Finish(message.to_string()));
    }
}
