//! A guard in front of the JSON-RPC reader. tower-lsp-server's reader stops
//! for good at the first frame it cannot decode, which would end the
//! server on one malformed message. Frames are checked here first: a body
//! that is not a JSON object becomes a request to `specls/malformed` with a
//! null id, which is answered with the JSON-RPC error the body deserves,
//! and the server reads on.

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

/// Bodies larger than this are skipped with an error (a 64 MiB document
/// is the largest file specls reads; JSON escaping can double it).
const MAX_BODY: usize = 256 * 1024 * 1024;

pub const MALFORMED: &str = "specls/malformed";

/// [`MAX_BODY`], or with `SPECLS_TEST_HOOKS=1` a smaller limit from
/// `SPECLS_TEST_MAX_MESSAGE`, so that tests need not send 256 MiB.
fn max_body() -> usize {
    let test = std::env::var("SPECLS_TEST_HOOKS").as_deref() == Ok("1");
    test.then(|| std::env::var("SPECLS_TEST_MAX_MESSAGE").ok()?.parse().ok())
        .flatten()
        .unwrap_or(MAX_BODY)
}

/// Copies frames from `input` to `output`, replacing malformed ones.
pub async fn guard(input: impl AsyncRead + Unpin, mut output: impl AsyncWrite + Unpin) {
    let mut input = BufReader::new(input);
    let mut line = String::new();
    loop {
        // Headers: up to an empty line; only Content-Length matters.
        let mut length: Option<usize> = None;
        let mut bad_header = false;
        let mut any = false;
        loop {
            line.clear();
            match input.read_line(&mut line).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let l = line.trim_end_matches(['\r', '\n']);
            if l.is_empty() {
                if any {
                    break;
                }
                continue;
            }
            any = true;
            match l.split_once(':') {
                Some((k, v)) if k.trim().eq_ignore_ascii_case("content-length") => {
                    match v.trim().parse() {
                        Ok(n) => length = Some(n),
                        Err(_) => bad_header = true,
                    }
                }
                Some(_) => {}
                None => bad_header = true,
            }
        }
        let Some(n) = length.filter(|_| !bad_header) else {
            if forward(&mut output, &malformed(-32700, "invalid message header")).await {
                continue;
            }
            return;
        };
        let body = if n > max_body() {
            let skipped =
                tokio::io::copy(&mut (&mut input).take(n as u64), &mut tokio::io::sink()).await;
            if skipped.is_err() {
                return;
            }
            malformed(-32600, "message too large")
        } else {
            let mut buf = vec![0u8; n];
            if input.read_exact(&mut buf).await.is_err() {
                return;
            }
            match serde_json::from_slice::<Value>(&buf) {
                Ok(Value::Object(_)) => buf,
                Ok(_) => malformed(-32600, "a message must be a JSON object"),
                Err(_) => malformed(-32700, "the message is not valid JSON"),
            }
        };
        if !forward(&mut output, &body).await {
            return;
        }
    }
}

fn malformed(code: i64, message: &str) -> Vec<u8> {
    json!({"jsonrpc": "2.0", "id": null, "method": MALFORMED, "params": {"code": code, "message": message}})
        .to_string()
        .into_bytes()
}

async fn forward(out: &mut (impl AsyncWrite + Unpin), body: &[u8]) -> bool {
    let header = format!("Content-Length: {}\r\n\r\n", body.len());
    out.write_all(header.as_bytes()).await.is_ok()
        && out.write_all(body).await.is_ok()
        && out.flush().await.is_ok()
}
