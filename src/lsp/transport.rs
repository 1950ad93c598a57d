//! The transport edge: a framing-aware filter between the client's stream and tower-lsp-server.
//!
//! tower-lsp-server's codec ends the whole input on the first frame it cannot decode (a body that
//! is not JSON, not UTF-8, nested deeper than `serde_json` allows, or not a JSON-RPC message), so
//! one bad frame would stop the server. Here every frame whose framing is intact (a valid
//! `Content-Length`) is checked first; a bad one is logged, dropped, and replaced by a request of
//! the internal method [`BAD_FRAME`] with `id: null`, which `CatchPanic` answers with the JSON-RPC
//! error (`-32700` parse error, `-32600` invalid request). Only broken framing (no
//! `Content-Length`, a header line without end) ends the input, as it must: the next frame
//! cannot be found.

use std::borrow::Cow;

use serde::Deserialize;
use serde::de::IgnoredAny;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tower_lsp_server::jsonrpc::{Id, Response};

/// The method of the stand-in request for a bad frame (`params`: `code` and `message`).
pub const BAD_FRAME: &str = "$/convox/badFrame";

/// Bodies larger than this are skipped (and answered) without being held in memory.
const MAX_BODY: usize = 256 << 20;
/// A header line longer than this is broken framing.
const MAX_HEADER_LINE: u64 = 8 << 10;
/// Deeper JSON is refused before `serde_json` (whose recursion limit is 128) would refuse it.
const MAX_DEPTH: usize = 120;

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;

/// Copies frames from `input` to `output` until the input ends or its framing breaks, replacing
/// each bad frame by a [`BAD_FRAME`] request.
pub async fn filter<I, O>(input: I, mut output: O)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    let mut input = BufReader::new(input);
    loop {
        let length = match header(&mut input).await {
            Ok(Some(length)) => length,
            Ok(None) => return,
            Err(why) => {
                tracing::error!("the input's framing is broken ({why}): no more messages can be read");
                let _ = output.write_all(&stand_in(PARSE_ERROR, &why)).await;
                return;
            }
        };
        let frame = match body(&mut input, length).await {
            Ok(Ok(body)) => frame(&body),
            Ok(Err((code, why))) => {
                tracing::warn!("dropped a frame of {length} bytes: {why}");
                stand_in(code, &why)
            }
            Err(_) => return,
        };
        if output.write_all(&frame).await.is_err() || output.flush().await.is_err() {
            return;
        }
    }
}

/// The headers of the next frame: its `Content-Length`, `None` at the end of the input.
async fn header<I: AsyncRead + Unpin>(input: &mut BufReader<I>) -> Result<Option<usize>, String> {
    let mut length = None;
    let mut seen = false;
    loop {
        let mut line = Vec::new();
        let n = (&mut *input).take(MAX_HEADER_LINE).read_until(b'\n', &mut line).await.map_err(|e| e.to_string())?;
        if n == 0 {
            return if seen { Err("the input ended inside a header".into()) } else { Ok(None) };
        }
        if !line.ends_with(b"\n") {
            return Err("a header line without its end".into());
        }
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if !seen {
                continue;
            }
            return length.map(Some).ok_or_else(|| "a frame without Content-Length".to_string());
        }
        seen = true;
        if let Some(n) = content_length(line)? {
            length = Some(n);
        }
    }
}

/// The length a header line gives: `None` for a header other than `Content-Length`, an error for
/// a line that is no header or a length that is no number. (The output's gate reads the server's
/// own frames with it too: `direct::FrameGate`.)
pub(super) fn content_length(line: &str) -> Result<Option<usize>, String> {
    let (name, value) = line.split_once(':').ok_or_else(|| format!("not a header: {line:?}"))?;
    if !name.trim().eq_ignore_ascii_case("content-length") {
        return Ok(None);
    }
    value.trim().parse().map(Some).map_err(|_| format!("a bad Content-Length: {value:?}"))
}

type Checked = Result<Vec<u8>, (i64, String)>;

/// The body of `length` bytes, checked; an I/O error ends the input.
async fn body<I: AsyncRead + Unpin>(input: &mut BufReader<I>, length: usize) -> std::io::Result<Checked> {
    if length > MAX_BODY {
        tokio::io::copy(&mut (&mut *input).take(length as u64), &mut tokio::io::sink()).await?;
        return Ok(Err((PARSE_ERROR, format!("a body of {length} bytes (more than {MAX_BODY})"))));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body).await?;
    Ok(check(&body).map(|()| body))
}

/// What tower-lsp-server's codec would refuse, with the error code of the answer.
pub fn check(body: &[u8]) -> Result<(), (i64, String)> {
    let text = std::str::from_utf8(body).map_err(|e| (PARSE_ERROR, format!("not UTF-8 ({e})")))?;
    if depth(text.as_bytes()) > MAX_DEPTH {
        return Err((PARSE_ERROR, format!("JSON nested deeper than {MAX_DEPTH}")));
    }
    let probe: Probe = serde_json::from_str(text).map_err(|e| {
        let code = if e.is_data() { INVALID_REQUEST } else { PARSE_ERROR };
        (code, format!("{} ({e})", if e.is_data() { "not a JSON-RPC message" } else { "not JSON" }))
    })?;
    // Every number and string as the codec reads them: one out of range (`1e400`) or a lone
    // surrogate (`"\ud800"`, which JavaScript's `JSON.stringify` writes) anywhere in the message
    // would end its input.
    serde_json::from_str::<Valid>(text).map_err(|e| (PARSE_ERROR, format!("not JSON the server can read ({e})")))?;
    if probe.jsonrpc != "2.0" {
        return Err((INVALID_REQUEST, format!("jsonrpc is {:?}, not \"2.0\"", probe.jsonrpc)));
    }
    if probe.method.is_none() {
        // A response to one of the server's requests: small, decoded exactly as the codec will.
        serde_json::from_str::<Response>(text)
            .map_err(|e| (INVALID_REQUEST, format!("neither a request nor a response ({e})")))?;
    }
    Ok(())
}

/// The fields tower-lsp-server's `Request` decodes, the rest skipped without being built.
#[derive(Deserialize)]
struct Probe<'a> {
    #[serde(borrow)]
    jsonrpc: Cow<'a, str>,
    #[serde(borrow, default)]
    method: Option<Cow<'a, str>>,
    #[serde(default)]
    #[allow(dead_code)]
    id: Option<Id>,
    #[serde(default)]
    #[allow(dead_code)]
    params: Option<IgnoredAny>,
}

/// Any JSON value, read the way building a `serde_json::Value` reads it (numbers in range,
/// escapes decoded) without building it.
struct Valid;

impl<'de> Deserialize<'de> for Valid {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Valid, D::Error> {
        d.deserialize_any(ValidVisitor)
    }
}

struct ValidVisitor;

impl<'de> serde::de::Visitor<'de> for ValidVisitor {
    type Value = Valid;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_str<E>(self, _: &str) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_unit<E>(self) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Valid, A::Error> {
        while seq.next_element::<Valid>()?.is_some() {}
        Ok(Valid)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Valid, A::Error> {
        while map.next_entry::<Valid, Valid>()?.is_some() {}
        Ok(Valid)
    }
}

/// The deepest nesting of arrays and objects in a JSON text (strings skipped), in one pass.
fn depth(json: &[u8]) -> usize {
    let (mut depth, mut max, mut i) = (0usize, 0usize, 0usize);
    while let Some(&b) = json.get(i) {
        i += 1;
        match b {
            // A string: skipped to its closing quote (most of a document's text is one string).
            b'"' => loop {
                let Some(at) = json.get(i..).and_then(|rest| memchr::memchr2(b'"', b'\\', rest)) else { return max };
                i += at + 1;
                if json[i - 1] == b'"' {
                    break;
                }
                i += 1; // the escaped character
            },
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// A frame: the `Content-Length` header, then the body (in one buffer of their size).
pub(super) fn frame(body: &[u8]) -> Vec<u8> {
    let header = format!("Content-Length: {}\r\n\r\n", body.len());
    let mut out = Vec::with_capacity(header.len() + body.len());
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(body);
    out
}

/// The request standing in for a bad frame.
fn stand_in(code: i64, message: &str) -> Vec<u8> {
    let request = serde_json::json!({
        "jsonrpc": "2.0",
        "id": null,
        "method": BAD_FRAME,
        "params": {"code": code, "message": message},
    });
    frame(request.to_string().as_bytes())
}

/// The answer to a [`BAD_FRAME`] request: the error it stands for, `id: null`.
pub fn answer(params: Option<&serde_json::Value>) -> Response {
    let field = |k: &str| params.and_then(|p| p.get(k));
    let code = field("code").and_then(|c| c.as_i64()).unwrap_or(PARSE_ERROR);
    let message = field("message").and_then(|m| m.as_str()).unwrap_or("bad frame");
    let error = tower_lsp_server::jsonrpc::Error {
        code: code.into(),
        message: format!("convox-lsp dropped a message: {message}").into(),
        data: None,
    };
    Response::from_error(Id::Null, error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_skips_strings_and_escapes() {
        assert_eq!(depth(br#"{"a": "[[[{{\"[", "b": [[1]]}"#), 3);
        assert_eq!(depth(b"1"), 0);
        assert_eq!(depth(br#"["a\"#), 1, "a text ending in an escape");
        assert_eq!(depth(br#"[["\\", {"\"": [1]}]]"#), 4);
    }

    #[test]
    fn check_sorts_bad_bodies() {
        assert!(check(br#"{"jsonrpc":"2.0","method":"x","params":{"a":[1]}}"#).is_ok());
        assert!(check(br#"{"jsonrpc":"2.0","id":3,"result":null}"#).is_ok());
        assert_eq!(check(b"{not json").unwrap_err().0, PARSE_ERROR);
        assert_eq!(check(b"\xff\xfe").unwrap_err().0, PARSE_ERROR);
        assert_eq!(check(&[b'['; 200]).unwrap_err().0, PARSE_ERROR);
        assert_eq!(check(b"[]").unwrap_err().0, INVALID_REQUEST);
        assert_eq!(check(br#"{"jsonrpc":"1.0","method":"x"}"#).unwrap_err().0, INVALID_REQUEST);
        assert_eq!(check(br#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#).unwrap_err().0, INVALID_REQUEST);
        // What serde_json refuses to build a `Value` of, anywhere in the message.
        assert_eq!(check(br#"{"jsonrpc":"2.0","id":5,"method":"x","params":[1e400]}"#).unwrap_err().0, PARSE_ERROR);
        assert_eq!(check(br#"{"jsonrpc":"2.0","method":"x","params":{"a":"\ud800"}}"#).unwrap_err().0, PARSE_ERROR);
        assert_eq!(check(br#"{"jsonrpc":"2.0","method":"x","extra":-1e999}"#).unwrap_err().0, PARSE_ERROR);
        assert!(check(br#"{"jsonrpc":"2.0","method":"x","params":{"a":"\ud83d\ude00","n":1e300}}"#).is_ok());
    }
}
