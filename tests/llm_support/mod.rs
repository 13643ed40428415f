//! A scripted HTTP server on 127.0.0.1 for the LLM tests, and a session to critique.
//!
//! Each accepted connection gets the next scripted [`Reply`]: a status, headers and a body sent
//! in steps (bytes, pauses, an abrupt close), so that every wire format and fault can be played.
//! The server stops accepting when its script is used up, so an unexpected extra request gets
//! "connection refused" and fails the test.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const KEY: &str = "sk-test-secret-key-0123456789";

pub enum Step {
    Send(Vec<u8>),
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
                let ok = if chunked {
                    w.write_all(format!("{:x}\r\n", bytes.len()).as_bytes())
                        .is_ok()
                        && w.write_all(&bytes).is_ok()
                        && w.write_all(b"\r\n").is_ok()
                } else {
                    w.write_all(&bytes).is_ok()
                };
                let _ = w.flush();
                if !ok {
                    return;
                }
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

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// OpenAI chat-completion chunks for `texts`, then a finish reason, usage and `[DONE]`.
pub fn openai_stream(texts: &[&str], usage: (u64, u64)) -> Vec<Step> {
    let mut steps: Vec<Step> = texts
        .iter()
        .map(|t| Step::Send(format!("data: {{\"choices\":[{{\"index\":0,\"delta\":{{\"content\":{}}},\"finish_reason\":null}}]}}\n\n", json_str(t)).into_bytes()))
        .collect();
    steps.push(Step::Send(
        b"data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n".to_vec(),
    ));
    steps.push(Step::Send(
        format!("data: {{\"choices\":[],\"usage\":{{\"prompt_tokens\":{},\"completion_tokens\":{},\"total_tokens\":{}}}}}\n\n", usage.0, usage.1, usage.0 + usage.1)
            .into_bytes(),
    ));
    steps.push(Step::Send(b"data: [DONE]\n\n".to_vec()));
    steps
}

pub fn openai_delta(text: &str) -> Step {
    Step::Send(
        format!(
            "data: {{\"choices\":[{{\"index\":0,\"delta\":{{\"content\":{}}}}}]}}\n\n",
            json_str(text)
        )
        .into_bytes(),
    )
}

pub fn anthropic_event(name: &str, data: &str) -> Step {
    Step::Send(format!("event: {name}\ndata: {data}\n\n").into_bytes())
}

pub fn anthropic_start(input: u64) -> Step {
    anthropic_event(
        "message_start",
        &format!(
            "{{\"type\":\"message_start\",\"message\":{{\"id\":\"msg_1\",\"usage\":{{\"input_tokens\":{input},\"output_tokens\":1}}}}}}"
        ),
    )
}

pub fn anthropic_delta(text: &str) -> Step {
    anthropic_event(
        "content_block_delta",
        &format!(
            "{{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{{\"type\":\"text_delta\",\"text\":{}}}}}",
            json_str(text)
        ),
    )
}

/// A whole Anthropic stream for `texts`.
pub fn anthropic_stream(texts: &[&str], usage: (u64, u64)) -> Vec<Step> {
    let mut steps = vec![
        anthropic_start(usage.0),
        anthropic_event(
            "content_block_start",
            "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
        ),
        anthropic_event("ping", "{\"type\":\"ping\"}"),
    ];
    steps.extend(texts.iter().map(|t| anthropic_delta(t)));
    steps.push(anthropic_event(
        "content_block_stop",
        "{\"type\":\"content_block_stop\",\"index\":0}",
    ));
    steps.push(anthropic_event(
        "message_delta",
        &format!("{{\"type\":\"message_delta\",\"delta\":{{\"stop_reason\":\"end_turn\"}},\"usage\":{{\"output_tokens\":{}}}}}", usage.1),
    ));
    steps.push(anthropic_event(
        "message_stop",
        "{\"type\":\"message_stop\"}",
    ));
    steps
}

pub fn ollama_line(text: &str) -> Step {
    Step::Send(format!("{{\"model\":\"m\",\"message\":{{\"role\":\"assistant\",\"content\":{}}},\"done\":false}}\n", json_str(text)).into_bytes())
}

/// A whole Ollama stream for `texts`.
pub fn ollama_stream(texts: &[&str], usage: (u64, u64)) -> Vec<Step> {
    let mut steps: Vec<Step> = texts.iter().map(|t| ollama_line(t)).collect();
    steps.push(Step::Send(
        format!("{{\"model\":\"m\",\"message\":{{\"role\":\"assistant\",\"content\":\"\"}},\"done\":true,\"done_reason\":\"stop\",\"prompt_eval_count\":{},\"eval_count\":{}}}\n", usage.0, usage.1)
            .into_bytes(),
    ));
    steps
}

/// A temporary directory with the mini questionnaire, its rules, a session whose answers set
/// off a blocker, and a config file with small timeouts and quick retries.
pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub session: PathBuf,
    pub config: PathBuf,
}

pub const CONFIG: &str = "[timeouts]\nconnect_secs = 2\nread_secs = 1\n\n[retry]\nbase_delay_ms = 50\nmax_retries = 3\n\n\
                          [prices.\"test-model\"]\ninput = 2.0\noutput = 10.0\n";

impl Fixture {
    pub fn new() -> Fixture {
        Self::with_config(CONFIG)
    }

    pub fn with_config(config_source: &str) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        for f in ["mini.toml", "mini.rules.toml"] {
            std::fs::copy(fixtures.join(f), dir.path().join(f)).unwrap();
        }
        let session = dir.path().join("session.toml");
        std::fs::write(
            &session,
            "questionnaire = \"mini\"\nquestionnaire_version = \"2\"\nquestionnaire_path = \"mini.toml\"\n\
             created = \"2026-01-01T00:00:00Z\"\nupdated = \"2026-01-01T00:00:00Z\"\n\n[answers]\n\
             name = \"Churn radar\"\ntask = \"classification\"\npositive_rate = 0.02\nmetrics = [\"accuracy\"]\n\
             notes = \"We will try a transformer first.\"\n",
        )
        .unwrap();
        let config = dir.path().join("config.toml");
        std::fs::write(&config, config_source).unwrap();
        Fixture {
            dir,
            session,
            config,
        }
    }

    pub fn session_text(&self) -> String {
        std::fs::read_to_string(&self.session).unwrap()
    }

    pub fn critiques(&self) -> Vec<kickoff::Critique> {
        kickoff::Session::load(&self.session).unwrap().critiques
    }
}

/// The real binary, with the environment cleared of anything that could reach a real provider.
pub fn kickoff(fx: &Fixture, env: &[(&str, String)], args: &[&str]) -> (Output, Duration) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kickoff"));
    cmd.arg("critique").arg(&fx.session).args(args);
    for var in [
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_BASE_URL",
        "OLLAMA_HOST",
        "OLLAMA_API_KEY",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("KICKOFF_CONFIG", &fx.config)
        .env("HOME", fx.dir.path())
        .env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let start = Instant::now();
    let out = cmd.output().expect("run kickoff");
    (out, start.elapsed())
}

pub fn openai_env(server: &Server) -> Vec<(&'static str, String)> {
    vec![
        ("OPENAI_BASE_URL", server.url("/v1")),
        ("OPENAI_API_KEY", KEY.to_string()),
    ]
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Nothing the user sees or the file holds may contain the key.
pub fn assert_no_key(fx: &Fixture, o: &Output) {
    assert!(!stdout(o).contains(KEY), "key on stdout");
    assert!(!stderr(o).contains(KEY), "key on stderr: {}", stderr(o));
    assert!(!fx.session_text().contains(KEY), "key in the session file");
}
