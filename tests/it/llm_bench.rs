//! Streaming overhead of `kickoff critique`, measured, not asserted: run by
//! `scripts/bench-stream.sh` (`cargo test --release --test it llm_bench -- --ignored --nocapture`).
//!
//! - latency: from the test server's last byte to the exit of the `kickoff` process (parsing
//!   the end, saving the session file atomically with fsync, exiting);
//! - CPU: the client's user + system time per 1,000 streamed tokens, from a server sending
//!   10,000 one-token chunks with no delay (getrusage of the waited-for child): short words
//!   (under the 64 KiB a critique may hold), and a structured critique's JSON cut into as many
//!   pieces, read into findings as it arrives.

use crate::llm_support;

use std::process::Command;
use std::time::{Duration, Instant};

use llm_support::*;

/// User + system CPU time of the children waited for so far.
fn children_cpu() -> Duration {
    use nix::sys::resource::{UsageWho, getrusage};
    use nix::sys::time::TimeValLike;
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).expect("getrusage of the children");
    let micros = usage.user_time().num_microseconds() + usage.system_time().num_microseconds();
    Duration::from_micros(micros as u64)
}

struct Run {
    tail: Duration,
    cpu: Duration,
    wall: Duration,
}

/// A structured critique of about `bytes` bytes: a verdict and as many findings as fit.
fn critique_json(bytes: usize) -> String {
    let mut doc = String::from("{\"verdict\": \"Not ready.\", \"findings\": [");
    let mut n = 0;
    while doc.len() + 200 < bytes {
        if n > 0 {
            doc.push_str(", ");
        }
        doc.push_str(&format!(
            "{{\"question\": \"task\", \"severity\": \"warning\", \"message\": \"Point {n}: the \\\"metric\\\" hides the minority class.\", \"evidence\": \"accuracy\"}}"
        ));
        n += 1;
    }
    doc.push_str("], \"follow_up_questions\": []}");
    doc
}

/// `tokens` pieces of model text: short words, or (`structured`) a critique's JSON cut into
/// as many pieces. Either stays under the 64 KiB a critique may hold.
fn pieces(tokens: usize, structured: bool) -> Vec<String> {
    if !structured {
        return (0..tokens).map(|i| format!("t{i} ")).collect();
    }
    let doc = critique_json(tokens * 6);
    let size = doc.len().div_ceil(tokens);
    doc.as_bytes()
        .chunks(size)
        .map(|c| String::from_utf8(c.to_vec()).unwrap())
        .collect()
}

fn one_run(tokens: usize, structured: bool) -> Run {
    let fx = Fixture::new();
    let texts = pieces(tokens, structured);
    let tokens = texts.len();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let server = Server::start(vec![Reply::sse(openai_stream(&refs, (500, tokens as u64)))]);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kickoff"));
    cmd.arg("critique")
        .arg(&fx.session)
        .args(["--provider", "openai", "--model", "test-model", "--fresh"])
        .env("KICKOFF_CONFIG", &fx.config)
        .env("HOME", fx.dir.path())
        .env_remove("ANTHROPIC_API_KEY")
        .env_remove("OLLAMA_HOST")
        .envs(openai_env(&server))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let cpu_before = children_cpu();
    let start = Instant::now();
    let status = cmd.spawn().unwrap().wait().unwrap();
    let exited = Instant::now();
    assert!(status.success());
    let last = server
        .last_byte
        .lock()
        .unwrap()
        .expect("the server finished");
    let c = &fx.critiques()[0];
    assert_eq!(c.output_tokens, Some(tokens as u64));
    assert!(!structured || (c.findings.len() > 100 && c.note.is_none()));
    Run {
        tail: exited.saturating_duration_since(last),
        cpu: children_cpu() - cpu_before,
        wall: exited - start,
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[test]
#[ignore = "a measurement: run by scripts/bench-stream.sh"]
fn bench_stream_overhead() {
    const RUNS: usize = 11;
    let mut cpu_of = Vec::new();
    for (tokens, structured) in [(20, false), (10_000, false), (10_000, true)] {
        let runs: Vec<Run> = (0..RUNS).map(|_| one_run(tokens, structured)).collect();
        let tails: Vec<Duration> = runs.iter().map(|r| r.tail).collect();
        let cpu = median(runs.iter().map(|r| r.cpu).collect());
        let wall = median(runs.iter().map(|r| r.wall).collect());
        let what = if structured { " (JSON)" } else { "" };
        println!(
            "{tokens:>6} tokens{what}: last byte -> exit {:.2} ms (median of {RUNS}; min {:.2}, max {:.2}); \
             client CPU {:.1} ms; wall {:.1} ms",
            median(tails.clone()).as_secs_f64() * 1e3,
            tails.iter().min().unwrap().as_secs_f64() * 1e3,
            tails.iter().max().unwrap().as_secs_f64() * 1e3,
            cpu.as_secs_f64() * 1e3,
            wall.as_secs_f64() * 1e3,
        );
        cpu_of.push((tokens, cpu));
    }
    // The fixed cost (start, prompts, connection, save) cancels out in the difference.
    let (t0, c0) = cpu_of[0];
    for ((t1, c1), what) in cpu_of[1..].iter().zip(["text", "a structured critique"]) {
        let per_1000 = (c1.as_secs_f64() - c0.as_secs_f64()) / (t1 - t0) as f64 * 1000.0;
        println!(
            "client CPU per 1,000 streamed tokens of {what}: {:.2} ms (10,000-token run minus 20-token run)",
            per_1000 * 1e3
        );
    }
}
