#!/usr/bin/env python3
"""Kill kickoff with SIGKILL at random moments and check that nothing was lost.

Each round starts a fresh session in a temporary directory and either
- types an answer into the interview (in a pseudo-terminal) and kills it mid-typing, or
- runs `kickoff critique` against a local server that streams an OpenAI-style answer, and
  kills it while it streams or saves.
Afterwards the session file must parse as TOML; in the interview, every character typed at
least 500 ms before the kill must be in the saved answer; the answers must be unchanged by a
killed critique; and no temporary file of the save may be left beside the session.

Usage: scripts/soak.py N [--bin target/release/kickoff]
"""

import argparse
import fcntl
import http.server
import json
import os
import pty
import random
import select
import signal
import socketserver
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import tomllib

SESSION = """questionnaire = "ml-experiment"
questionnaire_version = "1"
created = "2026-01-01T00:00:00Z"
updated = "2026-01-01T00:00:00Z"

[answers]
project_name = "Soak"
"""


class Stream(http.server.BaseHTTPRequestHandler):
    """An OpenAI-compatible chat endpoint that streams a few hundred small deltas."""

    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.end_headers()
        try:
            for i in range(200):
                delta = {"choices": [{"delta": {"content": f"point {i}. "}}]}
                self.wfile.write(f"data: {json.dumps(delta)}\n\n".encode())
                self.wfile.flush()
                time.sleep(0.001)
            self.wfile.write(b"data: [DONE]\n\n")
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


def leftovers(d):
    return [n for n in os.listdir(d) if n.endswith(".tmp")]


def parses(path):
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except Exception:
        return None


def wait_for_screen(fd, needle, timeout=10.0):
    seen = b""
    end = time.time() + timeout
    while time.time() < end:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return False
        if not chunk:
            return False
        seen += chunk
        if needle in seen:
            return True
    return False


def drain(fd, stop):
    while not stop.is_set():
        ready, _, _ = select.select([fd], [], [], 0.1)
        if not ready:
            continue
        try:
            if not os.read(fd, 65536):
                return
        except OSError:
            return


def round_interview(binary, rng):
    d = tempfile.mkdtemp(prefix="kickoff-soak-")
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(d)
        os.environ["TERM"] = "xterm-256color"
        os.environ["NO_COLOR"] = "1"
        os.execv(binary, [binary, "new", "s.toml"])
    # A real terminal's size, so the first question is drawn in full.
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    if not wait_for_screen(fd, b"project called"):
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        return {"skipped": 1}
    stop = threading.Event()
    reader = threading.Thread(target=drain, args=(fd, stop), daemon=True)
    reader.start()
    typed = []  # (time sent, character)
    kill_at = time.time() + rng.uniform(0.05, 1.5)
    alphabet = "abcdefghijklmnopqrstuvwxyz "
    while time.time() < kill_at:
        c = rng.choice(alphabet)
        os.write(fd, c.encode())
        typed.append((time.time(), c))
        time.sleep(rng.uniform(0.0, 0.03))
    os.kill(pid, signal.SIGKILL)
    killed = time.time()
    os.waitpid(pid, 0)
    stop.set()
    reader.join()
    os.close(fd)
    data = parses(os.path.join(d, "s.toml"))
    result = {"broken": 0, "lost": 0, "temp": len(leftovers(d))}
    if data is None:
        result["broken"] = 1
        return result
    saved = data.get("answers", {}).get("project_name", "")
    text = "".join(c for _, c in typed)
    old_enough = "".join(c for t, c in typed if killed - t >= 0.5)
    # An answer is stored trimmed of nothing; what was typed early must be there, in order.
    if not text.startswith(saved) or len(saved) < len(old_enough.rstrip()):
        result["lost"] = 1
    return result


def round_critique(binary, rng, url):
    d = tempfile.mkdtemp(prefix="kickoff-soak-")
    path = os.path.join(d, "s.toml")
    with open(path, "w") as f:
        f.write(SESSION)
    env = dict(os.environ, OPENAI_API_KEY="sk-soak", OPENAI_BASE_URL=url,
               XDG_CONFIG_HOME=os.path.join(d, "no-config"))
    env.pop("KICKOFF_CONFIG", None)
    p = subprocess.Popen([binary, "critique", "s.toml", "--fresh"], cwd=d, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(rng.uniform(0.0, 0.8))
    p.kill()
    p.wait()
    data = parses(path)
    result = {"broken": 0, "lost": 0, "temp": len(leftovers(d))}
    if data is None:
        result["broken"] = 1
    elif data.get("answers") != {"project_name": "Soak"}:
        result["lost"] = 1
    else:
        result["saved critiques"] = len(data.get("critiques", []))
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("--bin", default="target/release/kickoff")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    args.bin = os.path.abspath(args.bin)
    rng = random.Random(args.seed)
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Stream)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    totals = {"interview": {}, "critique": {}}
    for i in range(args.n):
        kind = "critique" if i % 4 == 3 else "interview"
        r = round_critique(args.bin, rng, url) if kind == "critique" else round_interview(args.bin, rng)
        for k, v in r.items():
            totals[kind][k] = totals[kind].get(k, 0) + v
        totals[kind]["runs"] = totals[kind].get("runs", 0) + 1
    bad = 0
    for kind, t in totals.items():
        print(f"{kind}: {t.get('runs', 0)} kills: {t.get('broken', 0)} broken files, "
              f"{t.get('lost', 0)} lost answers, {t.get('temp', 0)} leftover temporary files"
              + (f", {t['skipped']} skipped (no first frame)" if t.get("skipped") else "")
              + (f" ({t['saved critiques']} critiques saved before the kill)"
                 if "saved critiques" in t else ""))
        bad += t.get("broken", 0) + t.get("lost", 0) + t.get("temp", 0)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
