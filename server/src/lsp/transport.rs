//! A guard in front of the JSON-RPC reader. tower-lsp-server's reader stops
//! for good at the first frame it cannot decode (a body that is not a
//! JSON-RPC message it can deserialize, invalid UTF-8, a bad header), which
//! would end the server on one malformed message. So frames are cut and
//! checked here first, and only messages tower-lsp-server accepts reach it:
//!
//! - A header block that is not well formed (junk between frames, a header
//!   without its blank line, no or a bad `Content-Length`) is answered with
//!   one `-32700` error, and reading resynchronises on the next
//!   `Content-Length` header rather than reading the rest of the stream out
//!   of step.
//! - A body that is not a message becomes a request to `specls/malformed`
//!   carrying the error it deserves: with the request's own id when it has
//!   a usable one, else with a null id. An invalid notification or response
//!   is dropped (nobody waits for an answer to it).
//! - A request whose method starts with `$/` gets `-32601`: tower-lsp-server
//!   drops such requests silently, and the protocol only allows ignoring
//!   `$/` notifications.
//!
//! Every frame is written out again with a `Content-Length` header alone,
//! so a `Content-Type` the reader would refuse never reaches it either.
//!
//! A `didOpen` or `didChange` of [`BYPASS`] bytes or more does not go
//! through tower-lsp-server's reader: its read buffer grows to the largest
//! message and keeps that capacity for good (20 MB and more after one
//! large document). The body is set aside ([`take_large`]) and a short
//! `specls/largeText` notification naming it takes its place, in order.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tower_lsp_server::jsonrpc::{Id, Request, Response};

/// Bodies larger than this are skipped with an error (a 64 MiB document
/// is the largest file specls reads; JSON escaping can double it).
const MAX_BODY: usize = 256 * 1024 * 1024;

/// A header block longer than this is junk, not a header.
const MAX_HEADER: usize = 8 * 1024;

/// What resynchronisation looks for.
const MARK: &[u8] = b"content-length";

pub const MALFORMED: &str = "specls/malformed";

/// Stands for a large `didOpen` or `didChange` set aside.
pub const LARGE_TEXT: &str = "specls/largeText";

/// Text notifications this large bypass tower-lsp-server's reader.
const BYPASS: usize = 1 << 20;

/// Bodies set aside, by key: one table for the process, whose keys never
/// repeat, so that servers run in one process (tests, fuzzing) do not mix.
static ASIDE: Mutex<Option<HashMap<u64, Vec<u8>>>> = Mutex::new(None);
static NEXT: AtomicU64 = AtomicU64::new(0);

fn set_aside(body: Vec<u8>) -> u64 {
    let k = NEXT.fetch_add(1, Ordering::Relaxed);
    ASIDE
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get_or_insert_with(HashMap::new)
        .insert(k, body);
    k
}

/// The body set aside under `key`, once.
pub fn take_large(key: u64) -> Option<Vec<u8>> {
    ASIDE
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_mut()?
        .remove(&key)
}

/// The method of a notification body (a request has an id), read without
/// building its parameters.
pub fn notification_method(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Head {
        method: Option<String>,
        id: Option<serde::de::IgnoredAny>,
    }
    let head: Head = serde_json::from_slice(body).ok()?;
    if head.id.is_some() {
        return None;
    }
    head.method
}

/// [`MAX_BODY`], or with `SPECLS_TEST_HOOKS=1` a smaller limit from
/// `SPECLS_TEST_MAX_MESSAGE`, so that tests need not send 256 MiB.
fn max_body() -> usize {
    let test = std::env::var("SPECLS_TEST_HOOKS").as_deref() == Ok("1");
    test.then(|| std::env::var("SPECLS_TEST_MAX_MESSAGE").ok()?.parse().ok())
        .flatten()
        .unwrap_or(MAX_BODY)
}

/// What the bytes at the start of the buffer are.
#[derive(Debug, PartialEq, Eq)]
enum Header {
    /// Not decided yet: more bytes are needed.
    Partial,
    /// Line breaks between frames, to drop silently.
    Blank(usize),
    /// A well-formed header block of this many bytes, announcing a body of
    /// `length` bytes.
    Frame { len: usize, length: usize },
    /// Not a header: resynchronise from this offset on.
    Bad(usize),
}

/// Header field names: RFC 9110 tokens.
fn is_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn is_value(b: u8) -> bool {
    b == b'\t' || (0x20..0x7f).contains(&b)
}

/// Whether `line` (without its line break) is a header line so far; a
/// `partial` line may still lack its colon.
fn header_line(line: &[u8], partial: bool) -> bool {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    match line.iter().position(|&b| b == b':') {
        Some(colon) => {
            colon > 0
                && line[..colon].iter().all(|&b| is_token(b))
                && line[colon + 1..].iter().all(|&b| is_value(b))
        }
        None => partial && line.iter().all(|&b| is_token(b)),
    }
}

/// A `Content-Length` value: decimal digits that fit in a `usize`.
fn length_value(v: &[u8]) -> Option<usize> {
    let v = std::str::from_utf8(v).ok()?.trim_matches([' ', '\t']);
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    v.parse().ok()
}

fn parse_header(buf: &[u8]) -> Header {
    let blank = buf
        .iter()
        .take_while(|&&b| b == b'\r' || b == b'\n')
        .count();
    if blank > 0 {
        return Header::Blank(blank);
    }
    let mut length: Option<Option<usize>> = None;
    let mut at = 0;
    loop {
        let rest = &buf[at..];
        let Some(nl) = rest.iter().position(|&b| b == b'\n') else {
            let too_long = buf.len() > MAX_HEADER;
            return if too_long || !header_line(rest, true) {
                Header::Bad(at.max(1))
            } else {
                Header::Partial
            };
        };
        let line = &rest[..nl];
        let end = at + nl + 1;
        if line.is_empty() || line == b"\r" {
            // The blank line: the end of the block.
            return match length {
                Some(Some(length)) => Header::Frame { len: end, length },
                _ => Header::Bad(end),
            };
        }
        if end > MAX_HEADER || !header_line(line, false) {
            return Header::Bad(at.max(1));
        }
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let colon = line.iter().position(|&b| b == b':').unwrap_or(0);
        if line[..colon].eq_ignore_ascii_case(b"content-length") {
            // A second Content-Length, or one that is not a length, spoils
            // the block.
            length = match length {
                None => Some(length_value(&line[colon + 1..])),
                Some(_) => Some(None),
            };
        }
        at = end;
    }
}

/// Where the next header may start in `buf` (searching from `from`): the
/// next `Content-Length`, or, when there is none, the longest tail that may
/// be the start of one.
fn resync_point(buf: &[u8], from: usize) -> usize {
    let lower: Vec<u8> = buf[from..].iter().map(u8::to_ascii_lowercase).collect();
    if let Some(i) = lower.windows(MARK.len()).position(|w| w == MARK) {
        return from + i;
    }
    let keep = (1..MARK.len())
        .rev()
        .find(|&k| k <= lower.len() && MARK.starts_with(&lower[lower.len() - k..]))
        .unwrap_or(0);
    buf.len() - keep
}

/// What becomes of one body.
#[derive(Debug, PartialEq)]
enum Verdict {
    /// A message tower-lsp-server reads: passed on as it is.
    Pass,
    /// Answered with an error to this id.
    Answer {
        id: Value,
        code: i64,
        message: String,
    },
    /// An invalid notification or response: nobody waits for an answer.
    Drop(String),
}

fn check(body: &[u8]) -> Verdict {
    // What tower-lsp-server's reader does with the body: UTF-8, then
    // `Response` or else `Request` (its `Message` is their untagged union).
    if std::str::from_utf8(body).is_ok() {
        if let Ok(req) = serde_json::from_slice::<Request>(body) {
            return match req.id() {
                Some(id) if req.method().starts_with("$/") => Verdict::Answer {
                    id: serde_json::to_value(id).unwrap_or(Value::Null),
                    code: -32601,
                    message: format!("method not found: {}", req.method()),
                },
                _ => Verdict::Pass,
            };
        }
        if serde_json::from_slice::<Response>(body).is_ok() {
            return Verdict::Pass;
        }
    }
    let answer = |id: Value, code, message: &str| Verdict::Answer {
        id,
        code,
        message: message.to_string(),
    };
    let value = match serde_json::from_slice::<Value>(body) {
        Ok(v) => v,
        Err(_) => return answer(Value::Null, -32700, "the message is not valid JSON"),
    };
    let Value::Object(obj) = value else {
        return answer(Value::Null, -32600, "a message must be a JSON object");
    };
    let why = match (obj.get("jsonrpc"), obj.get("method")) {
        (v, _) if v != Some(&json!("2.0")) => "\"jsonrpc\" must be \"2.0\"",
        (_, Some(m)) if !m.is_string() => "\"method\" must be a string",
        _ => "invalid request",
    };
    match obj.get("id") {
        None => Verdict::Drop(format!("an invalid notification ({why})")),
        Some(_) if obj.get("method").is_none() => {
            Verdict::Drop(format!("an invalid response ({why})"))
        }
        Some(id) => match serde_json::from_value::<Id>(id.clone()) {
            Ok(_) => answer(id.clone(), -32600, why),
            Err(_) => answer(
                Value::Null,
                -32600,
                "\"id\" must be an integer, a string or null",
            ),
        },
    }
}

fn malformed(id: &Value, code: i64, message: &str) -> Vec<u8> {
    json!({"jsonrpc": "2.0", "id": id, "method": MALFORMED, "params": {"code": code, "message": message}})
        .to_string()
        .into_bytes()
}

fn header_error() -> Vec<u8> {
    malformed(&Value::Null, -32700, "invalid message header")
}

/// Copies frames from `input` to `output`, replacing malformed ones.
pub async fn guard(mut input: impl AsyncRead + Unpin, mut output: impl AsyncWrite + Unpin) {
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 16);
    let mut chunk = vec![0u8; 1 << 16];
    // Whether the input ended; what is buffered is still handled.
    let mut eof = false;
    macro_rules! fill {
        () => {
            match input.read(&mut chunk).await {
                Ok(0) | Err(_) => eof = true,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
    }
    loop {
        let (len, length) = match parse_header(&buf) {
            Header::Partial => {
                if eof {
                    return;
                }
                fill!();
                continue;
            }
            Header::Blank(n) => {
                buf.drain(..n);
                continue;
            }
            Header::Bad(from) => {
                if !forward(&mut output, &header_error()).await {
                    return;
                }
                // One error for a run of junk, however it arrives: skip to
                // the next mark, reading on while none is in sight.
                let mut from = from;
                loop {
                    let to = resync_point(&buf, from);
                    buf.drain(..to);
                    from = 0;
                    if buf.len() >= MARK.len() || eof {
                        break;
                    }
                    fill!();
                }
                continue;
            }
            Header::Frame { len, length } => (len, length),
        };
        buf.drain(..len);
        let body = if length > max_body() {
            let mut left = length;
            let here = left.min(buf.len());
            buf.drain(..here);
            left -= here;
            while left > 0 && !eof {
                fill!();
                let here = left.min(buf.len());
                buf.drain(..here);
                left -= here;
            }
            if left > 0 {
                return;
            }
            malformed(&Value::Null, -32600, "message too large")
        } else {
            while buf.len() < length && !eof {
                fill!();
            }
            if buf.len() < length {
                return;
            }
            let verdict = check(&buf[..length]);
            // The body moves out without a copy; only what follows it does.
            let rest = buf.split_off(length);
            let whole = std::mem::replace(&mut buf, rest);
            let body = match verdict {
                Verdict::Pass
                    if whole.len() >= BYPASS
                        && matches!(
                            notification_method(&whole).as_deref(),
                            Some("textDocument/didOpen" | "textDocument/didChange")
                        ) =>
                {
                    let key = set_aside(whole);
                    Some(
                        json!({"jsonrpc": "2.0", "method": LARGE_TEXT, "params": {"key": key}})
                            .to_string()
                            .into_bytes(),
                    )
                }
                Verdict::Pass => Some(whole),
                Verdict::Answer { id, code, message } => Some(malformed(&id, code, &message)),
                Verdict::Drop(why) => {
                    eprintln!("specls: ignored {why}");
                    None
                }
            };
            match body {
                Some(b) => b,
                None => continue,
            }
        };
        if !forward(&mut output, &body).await {
            return;
        }
    }
}

async fn forward(out: &mut (impl AsyncWrite + Unpin), body: &[u8]) -> bool {
    let header = format!("Content-Length: {}\r\n\r\n", body.len());
    out.write_all(header.as_bytes()).await.is_ok()
        && out.write_all(body).await.is_ok()
        && out.flush().await.is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The frames the guard passes on for `input`, as JSON.
    fn through(input: &[u8]) -> Vec<Value> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let mut out = Vec::new();
        rt.block_on(guard(input, &mut out));
        let mut frames = Vec::new();
        let mut rest = &out[..];
        while !rest.is_empty() {
            let Header::Frame { len, length } = parse_header(rest) else {
                panic!(
                    "the guard wrote a bad frame: {:?}",
                    String::from_utf8_lossy(rest)
                );
            };
            frames.push(serde_json::from_slice(&rest[len..len + length]).unwrap());
            rest = &rest[len + length..];
        }
        frames
    }

    fn frame(body: &str) -> Vec<u8> {
        format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
    }

    const PING: &str = r#"{"jsonrpc":"2.0","id":7,"method":"textDocument/hover"}"#;

    fn errors(frames: &[Value]) -> Vec<(Value, i64)> {
        frames
            .iter()
            .filter(|f| f["method"] == MALFORMED)
            .map(|f| (f["id"].clone(), f["params"]["code"].as_i64().unwrap()))
            .collect()
    }

    #[test]
    fn junk_between_frames_costs_one_error_and_the_next_frame_is_read() {
        let cases: Vec<Vec<u8>> = vec![
            vec![0u8; 64],
            b"Content-Length: 10\r\n{\"a\":1234}".to_vec(),
            b"Content-Type: text/plain\r\n\r\n{}".to_vec(),
            b"Content-Length: -5\r\n\r\n".to_vec(),
            b"Content-Length: abc\r\n\r\n".to_vec(),
            b"Content-Length: 1180591620717411303424\r\n\r\n".to_vec(),
            b"Content-Length: 1\r\nContent-Length: 2\r\n\r\n{}".to_vec(),
            b"hello world\n".to_vec(),
        ];
        for junk in cases {
            let mut input = frame(PING);
            input.extend_from_slice(&junk);
            input.extend(frame(PING));
            let frames = through(&input);
            let name = String::from_utf8_lossy(&junk).into_owned();
            assert_eq!(
                errors(&frames),
                [(Value::Null, -32700)],
                "{name:?}: {frames:?}"
            );
            let pings = frames.iter().filter(|f| f["id"] == 7).count();
            assert_eq!(pings, 2, "{name:?}: {frames:?}");
        }
    }

    #[test]
    fn a_length_shorter_than_the_body_loses_that_body_only() {
        let mut input = b"Content-Length: 5\r\n\r\n".to_vec();
        input.extend_from_slice(PING.as_bytes());
        input.extend(frame(PING));
        let frames = through(&input);
        assert_eq!(
            frames.iter().filter(|f| f["id"] == 7).count(),
            1,
            "{frames:?}"
        );
        assert!(frames.last().unwrap()["id"] == 7, "{frames:?}");
    }

    #[test]
    fn bodies_tower_lsp_server_would_refuse_are_answered_or_dropped() {
        let cases: &[(&str, Option<(Value, i64)>)] = &[
            (
                r#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#,
                Some((Value::Null, -32600)),
            ),
            (
                r#"{"jsonrpc":"2.0","id":{},"method":"x"}"#,
                Some((Value::Null, -32600)),
            ),
            (
                r#"{"jsonrpc":"2.0","id":[1],"method":"x"}"#,
                Some((Value::Null, -32600)),
            ),
            (
                r#"{"jsonrpc":"2.0","id":true,"method":"x"}"#,
                Some((Value::Null, -32600)),
            ),
            (
                r#"{"jsonrpc":"2.0","id":18446744073709551615,"method":"x"}"#,
                Some((Value::Null, -32600)),
            ),
            (
                r#"{"jsonrpc":"1.0","id":3,"method":"x"}"#,
                Some((json!(3), -32600)),
            ),
            (
                r#"{"jsonrpc":2,"id":"a","method":"x"}"#,
                Some((json!("a"), -32600)),
            ),
            (r#"{"id":4,"method":"x"}"#, Some((json!(4), -32600))),
            (
                r#"{"jsonrpc":"2.0","id":5,"method":5}"#,
                Some((json!(5), -32600)),
            ),
            (
                r#"{"jsonrpc":"2.0","id":6,"method":"$/x"}"#,
                Some((json!(6), -32601)),
            ),
            (r#"[1]"#, Some((Value::Null, -32600))),
            ("\u{1}\u{2}not json", Some((Value::Null, -32700))),
            (r#"{"jsonrpc":"1.0","method":"x"}"#, None),
            (r#"{"jsonrpc":"2.0","method":5}"#, None),
            (r#"{"jsonrpc":"1.0","id":1,"result":null}"#, None),
        ];
        for (body, want) in cases {
            let mut input = frame(body);
            input.extend(frame(PING));
            let frames = through(&input);
            let got = errors(&frames);
            assert_eq!(got, want.iter().cloned().collect::<Vec<_>>(), "{body}");
            assert_eq!(frames.last().unwrap()["id"], 7, "{body}");
        }
        let mut binary: Vec<u8> = (0..1024u32).map(|i| (i * 151 % 256) as u8).collect();
        binary.splice(0..0, b"Content-Length: 1024\r\n\r\n".iter().copied());
        binary.extend(frame(PING));
        let frames = through(&binary);
        assert_eq!(errors(&frames), [(Value::Null, -32700)]);
    }

    #[test]
    fn valid_messages_pass_unchanged_whatever_their_headers() {
        let mut input = b"\r\n".to_vec();
        let body = r#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":1}}"#;
        input.extend(
            format!(
                "Content-Type: application/vscode-jsonrpc\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            )
            .into_bytes(),
        );
        input.extend(frame(r#"{"jsonrpc":"2.0","id":1,"result":null}"#));
        input.extend(frame(PING));
        let frames = through(&input);
        assert_eq!(errors(&frames), []);
        assert_eq!(frames.len(), 3, "{frames:?}");
    }
}
