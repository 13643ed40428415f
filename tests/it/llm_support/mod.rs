//! A scripted HTTP server on 127.0.0.1 for the LLM tests, and a session to critique.
//!
//! Each accepted connection gets the next scripted [`Reply`]: a status, headers and a body sent
//! in steps (bytes, pauses, an abrupt close), so that every wire format and fault can be played.
//! The server stops accepting when its script is used up, so an unexpected extra request gets
//! "connection refused" and fails the test.
#![allow(dead_code)]

mod fixture;
mod formats;

pub use fixture::*;
pub use formats::*;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const KEY: &str = "sk-test-secret-key-0123456789";

pub enum Step {
    Send(Vec<u8>),
    /// Send these bytes again and again until the client goes away.
    Forever(Vec<u8>),
    Sleep(Duration),
    /// Close the connection without ending the body.
    Drop,
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub steps: Vec<Step>,
    /// Silence before the status line.
    pub head_delay: Duration,
}

impl Reply {
    /// A complete JSON body with a content length.
    pub fn json(status: u16, body: &str) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            steps: vec![Step::Send(body.as_bytes().to_vec())],
            head_delay: Duration::ZERO,
        }
        .sized()
    }

    /// A 200 stream in chunked encoding.
    pub fn stream(content_type: &str, steps: Vec<Step>) -> Reply {
        Reply {
            status: 200,
            headers: vec![
                ("content-type".into(), content_type.into()),
                ("transfer-encoding".into(), "chunked".into()),
            ],
            steps,
            head_delay: Duration::ZERO,
        }
    }

    pub fn sse(steps: Vec<Step>) -> Reply {
        Reply::stream("text/event-stream", steps)
    }

    /// Says nothing for `d` after reading the request.
    pub fn after(mut self, d: Duration) -> Reply {
        self.head_delay = d;
        self
    }

    /// A redirect with an empty body.
    pub fn redirect(status: u16, location: &str) -> Reply {
        Reply {
            status,
            headers: vec![("location".into(), location.into())],
            steps: Vec::new(),
            head_delay: Duration::ZERO,
        }
        .sized()
    }

    /// A 200 with a whole body of any type.
    pub fn body(content_type: &str, body: &[u8]) -> Reply {
        Reply {
            status: 200,
            headers: vec![("content-type".into(), content_type.into())],
            steps: vec![Step::Send(body.to_vec())],
            head_delay: Duration::ZERO,
        }
        .sized()
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }

    fn sized(mut self) -> Reply {
        let len: usize = self
            .steps
            .iter()
            .map(|s| if let Step::Send(b) = s { b.len() } else { 0 })
            .sum();
        self.headers
            .push(("content-length".into(), len.to_string()));
        self
    }

    fn is_chunked(&self) -> bool {
        self.headers
            .iter()
            .any(|(k, v)| k == "transfer-encoding" && v == "chunked")
    }
}

#[derive(Debug, Clone)]
pub struct Request {
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub struct Server {
    pub port: u16,
    pub requests: Arc<Mutex<Vec<Request>>>,
    /// When the last byte of the last reply was written.
    pub last_byte: Arc<Mutex<Option<Instant>>>,
}

impl Server {
    pub fn start(replies: Vec<Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let last_byte = Arc::new(Mutex::new(None));
        let (reqs, last) = (requests.clone(), last_byte.clone());
        std::thread::spawn(move || {
            let mut handles = Vec::new();
            for reply in replies {
                let Ok((stream, _)) = listener.accept() else {
                    break;
                };
                let (reqs, last) = (reqs.clone(), last.clone());
                handles.push(std::thread::spawn(move || {
                    serve(stream, reply, &reqs, &last)
                }));
            }
            drop(listener);
            for h in handles {
                let _ = h.join();
            }
        });
        Server {
            port,
            requests,
            last_byte,
        }
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

/// Reads one request: its path, headers and body.
fn read_request(stream: &TcpStream) -> Request {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let len = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).unwrap();
    Request {
        path,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

fn serve(
    stream: TcpStream,
    reply: Reply,
    reqs: &Mutex<Vec<Request>>,
    last: &Mutex<Option<Instant>>,
) {
    reqs.lock().unwrap().push(read_request(&stream));
    let mut w = stream;
    std::thread::sleep(reply.head_delay);
    let chunked = reply.is_chunked();
    let mut head = format!("HTTP/1.1 {} Test\r\nconnection: close\r\n", reply.status);
    for (k, v) in &reply.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    if w.write_all(head.as_bytes()).is_err() {
        return;
    }
    for step in reply.steps {
        match step {
            Step::Send(bytes) => {
                if !send(&mut w, &bytes, chunked) {
                    return;
                }
            }
            Step::Forever(bytes) => {
                while send(&mut w, &bytes, chunked) {}
                *last.lock().unwrap() = Some(Instant::now());
                return;
            }
            Step::Sleep(d) => std::thread::sleep(d),
            Step::Drop => {
                *last.lock().unwrap() = Some(Instant::now());
                let _ = w.shutdown(Shutdown::Both);
                return;
            }
        }
    }
    if chunked {
        let _ = w.write_all(b"0\r\n\r\n");
    }
    let _ = w.flush();
    *last.lock().unwrap() = Some(Instant::now());
    // Let the client close first, like a keep-alive server would.
    let _ = w.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = w.read(&mut [0; 1]);
}

/// Writes one piece of the body (a chunk, if chunked); false once the client is gone.
fn send(w: &mut TcpStream, bytes: &[u8], chunked: bool) -> bool {
    let ok = if chunked {
        w.write_all(format!("{:x}\r\n", bytes.len()).as_bytes())
            .is_ok()
            && w.write_all(bytes).is_ok()
            && w.write_all(b"\r\n").is_ok()
    } else {
        w.write_all(bytes).is_ok()
    };
    let _ = w.flush();
    ok
}
