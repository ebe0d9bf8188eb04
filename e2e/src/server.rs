//! The fake model: an HTTP/1.1 server on 127.0.0.1 that answers a harness's model requests
//! from a script, and logs every request it was sent.
//!
//! Written on the standard library because it needs very little of HTTP: one request per
//! connection (every answer says `Connection: close`), bodies by `Content-Length` or chunked,
//! and answers that are either one JSON body or a server-sent event stream ending with the
//! connection. Nothing here is reachable from outside the loopback interface.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::Value;

use crate::Script;
use crate::wire::{Api, Reply};

/// The largest request body read (a harness's first request carries its whole system prompt
/// and tool list: a few hundred kilobytes).
const MAX_BODY: usize = 64 * 1024 * 1024;

/// One request the harness sent, and whether it was the agent's main loop (it carried tools)
/// or a side call (a title, a router, a token count).
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The request path with its query.
    pub path: String,
    /// The request body (`Value::Null` when it was empty or not JSON).
    pub body: Value,
    /// Whether the request was answered from the script.
    pub main: bool,
    /// Which conversation a scripted request belonged to: 0 the main one, n the n-th
    /// subagent of the script.
    pub conversation: usize,
}

/// A running fake model. Dropping it stops the server.
#[derive(Debug)]
pub struct FakeModel {
    addr: SocketAddr,
    log: Arc<Mutex<Vec<Exchange>>>,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

impl FakeModel {
    /// Starts a server speaking `api` that plays `script`.
    ///
    /// # Errors
    /// When no loopback port can be bound.
    pub fn start(api: Api, script: Script) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let script = Arc::new(script);
        let accept = {
            let (log, stop) = (Arc::clone(&log), Arc::clone(&stop));
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (log, script) = (Arc::clone(&log), Arc::clone(&script));
                    std::thread::spawn(move || {
                        if let Err(err) = serve(stream, api, &script, &log) {
                            eprintln!("fake model: {err}");
                        }
                    });
                }
            })
        };
        Ok(Self {
            addr,
            log,
            stop,
            accept: Some(accept),
        })
    }

    /// `http://127.0.0.1:PORT`.
    #[must_use]
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far, in order of arrival.
    #[must_use]
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.log.lock().map(|log| log.clone()).unwrap_or_default()
    }
}

impl Drop for FakeModel {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

fn serve(
    stream: TcpStream,
    api: Api,
    script: &Script,
    log: &Mutex<Vec<Exchange>>,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line)? == 0 {
        return Ok(()); // the wake-up connection of Drop, or a client that gave up
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_owned();
    let mut length = 0usize;
    let mut chunked = false;
    let mut encoding = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            break;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => length = value.parse().unwrap_or(0),
            "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
            "content-encoding" if !value.eq_ignore_ascii_case("identity") => {
                encoding = Some(value.to_owned());
            }
            _ => {}
        }
    }
    let body = if chunked {
        read_chunked(&mut reader)?
    } else {
        let mut body = vec![0; length.min(MAX_BODY)];
        reader.read_exact(&mut body)?;
        body
    };
    let mut stream = stream;
    if let Some(encoding) = encoding {
        let message = format!("the fake model cannot read a `{encoding}` request body");
        return respond(&mut stream, &Reply::Error(415, message));
    }
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let main = api.is_main(&path, &body);
    let (conversation, script) = script.for_conversation(&api.first_prompt(&body));
    let reply = if main {
        api.reply(&body, conversation, script)
    } else {
        api.side_reply(&path, &body)
    };
    if let Ok(mut log) = log.lock() {
        log.push(Exchange {
            path,
            body,
            main,
            conversation,
        });
    }
    respond(&mut stream, &reply)
}

fn read_chunked(reader: &mut impl BufRead) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut size = String::new();
        reader.read_line(&mut size)?;
        let size = usize::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        if size == 0 {
            let mut trailer = String::new();
            while reader.read_line(&mut trailer)? > 2 {
                trailer.clear();
            }
            return Ok(body);
        }
        if body.len() + size > MAX_BODY {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "request body too large",
            ));
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(body.get_mut(start..).unwrap_or_default())?;
        let mut crlf = [0; 2];
        reader.read_exact(&mut crlf)?;
    }
}

fn respond(stream: &mut TcpStream, reply: &Reply) -> std::io::Result<()> {
    let (status, kind, body) = match reply {
        Reply::Json(value) => (200, "application/json", value.to_string().into_bytes()),
        Reply::Events(events) => (200, "text/event-stream", events.clone().into_bytes()),
        Reply::Error(status, message) => {
            let body =
                serde_json::json!({"error": {"type": "invalid_request_error", "message": message}});
            (*status, "application/json", body.to_string().into_bytes())
        }
    };
    let head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n",
        if status == 200 { "OK" } else { "Error" },
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(&body)?;
    stream.flush()
}
