//! Large answers serialised off the server's loop.
//!
//! tower-lsp-server runs every handler's future, turns each answer into a
//! `serde_json::Value`, writes it out as JSON and drops it, all inside the
//! one task that also reads the client's messages. An outline of a
//! 16,000-requirement spec is a 6 MB answer: building, writing and freeing
//! that tree took the loop long enough that a hover on another file waited
//! for it (p99 150 ms while outlines ran). So each request's handler runs
//! in a task of its own ([`spawn_answer`]), which also writes a large answer
//! to JSON there and hands the loop a short placeholder string in its
//! place; the output ([`Splice`]) puts the JSON back where the placeholder
//! is when the frame goes out. The placeholder holds a number drawn when
//! the process starts, so a string in a document can not pass for one.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use serde_json::Value;
use tokio::io::AsyncWrite;
use tower_lsp_server::jsonrpc::{Error, Response};

/// Answers this large, written as JSON, are serialised in their own task.
pub const LARGE: usize = 64 * 1024;

/// Output buffers grown past this are freed once empty.
const RELEASE: usize = 1 << 20;

/// Serialised answers waiting for their frame, by placeholder number.
#[derive(Default)]
pub struct Stash {
    nonce: u64,
    next: AtomicU64,
    waiting: Mutex<HashMap<u64, String>>,
}

impl Stash {
    pub fn new() -> Arc<Stash> {
        // Not secret, only unguessable by a document written beforehand:
        // the standard library's random hash keys.
        use std::hash::{BuildHasher, Hasher};
        let nonce = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        Arc::new(Stash {
            nonce,
            ..Stash::default()
        })
    }

    /// The placeholder's text as it appears in a frame: a JSON string
    /// starting with a NUL character (`\u0000`), which serde_json escapes.
    fn prefix(&self) -> String {
        format!("\"\\u0000specls-answer:{:x}:", self.nonce)
    }

    /// Keeps `json` and returns the string that stands for it, and the
    /// ticket that takes it back unless handed over.
    fn put(self: &Arc<Self>, json: String) -> (Value, Ticket) {
        let k = self.next.fetch_add(1, Ordering::Relaxed);
        self.waiting
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(k, json);
        let placeholder = Value::String(format!("\u{0}specls-answer:{:x}:{k}", self.nonce));
        let ticket = Ticket {
            stash: self.clone(),
            key: Some(k),
        };
        (placeholder, ticket)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.waiting.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    fn take(&self, k: u64) -> Option<String> {
        self.waiting
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&k)
    }
}

/// Runs `answer` (a handler's future) in a task of its own, and writes its
/// result to JSON there when it is large, leaving a placeholder for
/// [`Splice`]. The first poll stays in the caller's task: handlers read
/// the state before their first `.await`, in the order the messages came,
/// and a later notification must not get in before that. A panic outside
/// the handler's own guard becomes an internal error for request `id`.
pub async fn spawn_answer<F, E>(
    stash: Arc<Stash>,
    id: Option<tower_lsp_server::jsonrpc::Id>,
    answer: F,
) -> Result<Option<Response>, E>
where
    F: Future<Output = Result<Option<Response>, E>> + Send + 'static,
    E: Send + 'static,
{
    let mut answer = Box::pin(answer);
    let first = std::future::poll_fn(|cx| Poll::Ready(answer.as_mut().poll(cx))).await;
    if let Poll::Ready(done) = first {
        return done;
    }
    let task = tokio::spawn(async move {
        let response = answer.await?;
        let mut ticket = None;
        let response = response.map(|r| {
            let (id, body) = r.into_parts();
            let body = body.map(|value| match &value {
                Value::Array(_) | Value::Object(_) => match serde_json::to_string(&value) {
                    Ok(json) if json.len() >= LARGE => {
                        let (placeholder, t) = stash.put(json);
                        ticket = Some(t);
                        drop(value);
                        placeholder
                    }
                    _ => value,
                },
                _ => value,
            });
            Response::from_parts(id, body)
        });
        Ok((response, ticket))
    });
    // A request cancelled (or ended by `exit`) drops this future: the task
    // is aborted with it, and an answer it already stashed is dropped
    // from the stash with its ticket rather than kept for a frame that
    // never comes.
    let mut task = AbortOnDrop(task);
    match (&mut task.0).await {
        Ok(Ok((response, ticket))) => {
            if let Some(t) = ticket {
                t.handed_over();
            }
            Ok(response)
        }
        Ok(Err(e)) => Err(e),
        // The runtime is going down, or a panic outside the handlers'
        // guard: an answer all the same.
        Err(_) => Ok(id.map(|id| Response::from_error(id, Error::internal_error()))),
    }
}

struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A stashed answer not yet handed to the server's loop: dropped, it
/// takes the answer out of the stash.
struct Ticket {
    stash: Arc<Stash>,
    key: Option<u64>,
}

impl Ticket {
    /// The placeholder is on its way to the output, which takes the answer.
    fn handed_over(mut self) {
        self.key = None;
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if let Some(k) = self.key {
            self.stash.take(k);
        }
    }
}

/// The server's output: frames pass through as they are, except that a
/// placeholder of [`Stash`] is replaced by the JSON it stands for (and the
/// frame's `Content-Length` by the new length).
pub struct Splice<W> {
    inner: W,
    stash: Arc<Stash>,
    prefix: String,
    /// Bytes written to us that do not make a whole frame yet.
    pending: Vec<u8>,
    /// Bytes to write to `inner`, from `sent` on.
    out: Vec<u8>,
    sent: usize,
}

impl<W: AsyncWrite + Unpin> Splice<W> {
    pub fn new(inner: W, stash: Arc<Stash>) -> Splice<W> {
        Splice {
            prefix: stash.prefix(),
            inner,
            stash,
            pending: Vec::new(),
            out: Vec::new(),
            sent: 0,
        }
    }

    /// Moves every whole frame of `pending` to `out`, spliced.
    fn frames(&mut self) {
        loop {
            let Some(head_end) = memchr::memmem::find(&self.pending, b"\r\n\r\n") else {
                return;
            };
            let len = std::str::from_utf8(&self.pending[..head_end])
                .ok()
                .and_then(|h| {
                    h.lines().find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.trim()
                            .eq_ignore_ascii_case("content-length")
                            .then(|| v.trim().parse::<usize>().ok())?
                    })
                });
            let Some(len) = len else {
                // Not a frame we wrote: pass it on as it is.
                self.out.append(&mut self.pending);
                return;
            };
            let body_start = head_end + 4;
            if self.pending.len() < body_start + len {
                return;
            }
            let body = &self.pending[body_start..body_start + len];
            match self.splice(body) {
                Some(body) => {
                    self.out.extend_from_slice(
                        format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes(),
                    );
                    self.out.extend_from_slice(&body);
                }
                None => self
                    .out
                    .extend_from_slice(&self.pending[..body_start + len]),
            }
            self.pending.drain(..body_start + len);
        }
    }

    /// `body` with its placeholder replaced, if it holds one. Placeholders
    /// stand for whole answers, so only short frames are looked at.
    fn splice(&self, body: &[u8]) -> Option<Vec<u8>> {
        if body.len() > 512 {
            return None;
        }
        let at = memchr::memmem::find(body, self.prefix.as_bytes())?;
        let digits_at = at + self.prefix.len();
        let digits = body[digits_at..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let end = digits_at + digits;
        if body.get(end) != Some(&b'"') {
            return None;
        }
        let k: u64 = std::str::from_utf8(&body[digits_at..end])
            .ok()?
            .parse()
            .ok()?;
        let json = self.stash.take(k)?;
        let mut out = Vec::with_capacity(body.len() + json.len());
        out.extend_from_slice(&body[..at]);
        out.extend_from_slice(json.as_bytes());
        out.extend_from_slice(&body[end + 1..]);
        Some(out)
    }

    /// Writes what `out` holds; `Pending` while the output is full.
    fn poll_out(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.sent < self.out.len() {
            match Pin::new(&mut self.inner).poll_write(cx, &self.out[self.sent..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => self.sent += n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        self.out.clear();
        self.sent = 0;
        // A large answer went out: its buffer goes too, rather than
        // keeping tens of megabytes for frames of a few hundred bytes.
        if self.out.capacity() > RELEASE {
            self.out = Vec::new();
        }
        if self.pending.is_empty() && self.pending.capacity() > RELEASE {
            self.pending = Vec::new();
        }
        Poll::Ready(Ok(()))
    }
}

impl<W: AsyncWrite + Unpin> AsyncWrite for Splice<W> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        // What was taken before goes out first: a full output holds the
        // writer back, as it would without this layer.
        match self.poll_out(cx) {
            Poll::Ready(Ok(())) => {}
            Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
            Poll::Pending => return Poll::Pending,
        }
        self.pending.extend_from_slice(buf);
        self.frames();
        // Start writing now; what is left goes out on the next write or
        // flush.
        if let Poll::Ready(Err(e)) = self.poll_out(cx) {
            return Poll::Ready(Err(e));
        }
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.poll_out(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut self.inner).poll_flush(cx),
            other => other,
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.poll_out(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut self.inner).poll_shutdown(cx),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    fn frame(body: &str) -> Vec<u8> {
        format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
    }

    /// Frames written in pieces come out whole; a placeholder is replaced
    /// by its JSON and the length follows; a placeholder of another
    /// process, or one already used, is left as it is.
    #[tokio::test]
    async fn placeholders_are_replaced_and_other_frames_pass() {
        let stash = Stash::new();
        let big = "[1,{\"a\":[2]},3]".to_string();
        let (Value::String(placeholder), ticket) = stash.put(big.clone()) else {
            unreachable!()
        };
        ticket.handed_over();
        let answer = serde_json::to_string(
            &serde_json::json!({"jsonrpc": "2.0", "result": placeholder, "id": 7}),
        )
        .unwrap();
        let other = r#"{"jsonrpc":"2.0","result":"\u0000specls-answer:0:0","id":8}"#;
        let mut input = frame(r#"{"jsonrpc":"2.0","method":"x"}"#);
        input.extend(frame(&answer));
        input.extend(frame(other));
        input.extend(frame(&answer));
        let mut out = Vec::new();
        {
            let mut w = Splice::new(&mut out, stash.clone());
            for piece in input.chunks(7) {
                w.write_all(piece).await.unwrap();
            }
            w.flush().await.unwrap();
        }
        let mut want = frame(r#"{"jsonrpc":"2.0","method":"x"}"#);
        let quoted = format!("\"{}\"", placeholder.replace('\0', "\\u0000"));
        let spliced = answer.replace(&quoted, &big);
        assert_ne!(spliced, answer, "the placeholder is not in the frame");
        want.extend(frame(&spliced));
        want.extend(frame(other));
        want.extend(frame(&answer));
        assert_eq!(
            String::from_utf8(out).unwrap(),
            String::from_utf8(want).unwrap()
        );
    }

    /// A large answer whose request is dropped (cancelled) before its
    /// placeholder reaches the output does not stay in the stash.
    #[tokio::test]
    async fn a_dropped_large_answer_leaves_the_stash() {
        let stash = Stash::new();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let answer = async move {
            let _ = rx.await;
            let big = Value::Array(vec![Value::from("x".repeat(LARGE)); 1]);
            Ok::<_, ()>(Some(Response::from_ok(
                tower_lsp_server::jsonrpc::Id::Number(1),
                big,
            )))
        };
        let fut = Box::pin(spawn_answer(stash.clone(), None, answer));
        // First poll: the handler waits, and moves to a task of its own.
        let mut fut = fut;
        assert!(futures_poll(&mut fut).await.is_none());
        tx.send(()).unwrap();
        // The answer is written and stashed while nobody awaits it.
        for _ in 0..100 {
            tokio::task::yield_now().await;
        }
        drop(fut);
        for _ in 0..100 {
            tokio::task::yield_now().await;
        }
        assert_eq!(stash.len(), 0, "the cancelled answer is still stashed");
    }

    async fn futures_poll<F: Future + Unpin>(f: &mut F) -> Option<F::Output> {
        std::future::poll_fn(|cx| {
            Poll::Ready(match Pin::new(&mut *f).poll(cx) {
                Poll::Ready(v) => Some(v),
                Poll::Pending => None,
            })
        })
        .await
    }
}
