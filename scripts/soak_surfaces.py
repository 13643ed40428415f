#!/usr/bin/env python3
"""Hostile inputs on the surfaces of the third hardening pass, each run classified.

- bidi: every bidi control in answers, through check (text, GitHub, SARIF, JSON), diff,
  render and plain: none may reach the output.
- names: file names with ESC[31m, a newline, a carriage return, a bell, a bidi control or a
  byte that is not UTF-8, through every command that names a file in an error: the name is
  shown with its escapes visible, never raw.
- proxy: unusable and usable HTTPS_PROXY / HTTP_PROXY / ALL_PROXY values (both cases) against
  a local server: one that cannot be used is an error naming it, with nothing sent.
- init: `kickoff init` with every write past N bytes failing as on a full disk
  (RLIMIT_FSIZE), and a file where a directory is needed: nothing half-written is left, and
  a run after it works.
- sarif: `check DIR --format sarif` over many plans: valid JSON, every result there, and
  the peak RSS.

Each run counts as one of: clear (an error that names what is wrong), handled (done right),
panic, hang (past the time limit), silent (a wrong result without a word) or lost (a file
destroyed or left half-written).

Usage: scripts/soak_surfaces.py [--bin target/release/kickoff] [--plans 5000]
"""

import argparse
import http.server
import json
import os
import resource
import shutil
import signal
import socketserver
import subprocess
import sys
import tempfile
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
        "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u061c"]
KINDS = ["clear", "handled", "panic", "hang", "silent", "lost"]
LIMIT = 60


class Tally:
    def __init__(self):
        self.by = {}
        self.notes = []

    def add(self, surface, kind, note=None):
        t = self.by.setdefault(surface, dict.fromkeys(KINDS, 0))
        t[kind] += 1
        if note and kind not in ("clear", "handled"):
            self.notes.append(f"{surface}: {kind}: {note}")


def run(binary, args, cwd, env=None, stdin=None, preexec=None):
    e = dict(os.environ, NO_COLOR="1", XDG_CONFIG_HOME=os.path.join(cwd, ".no-config"),
             XDG_STATE_HOME=os.path.join(cwd, ".state"))
    for k in ["KICKOFF_CONFIG", "OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY",
              "OLLAMA_HOST", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy",
              "https_proxy", "all_proxy", "NO_PROXY", "no_proxy"]:
        e.pop(k, None)
    e.update(env or {})
    try:
        p = subprocess.run([binary] + args, cwd=cwd, env=e, input=stdin, capture_output=True,
                           timeout=LIMIT, preexec_fn=preexec)
    except subprocess.TimeoutExpired:
        return None
    out = p.stdout.decode("utf-8", "replace") + p.stderr.decode("utf-8", "replace")
    return p.returncode, out


def panicked(r):
    return r[0] in (101, -6, 134) or "panicked" in r[1]


SESSION = open(os.path.join(ROOT, "examples", "fraud-flawed.toml"), encoding="utf-8").read()


def bidi_surface(binary, tally):
    for c in BIDI:
        d = tempfile.mkdtemp(prefix="kickoff-soak-bidi-")
        text = SESSION.replace("[answers]\n", f'[answers]\nnotes = "a {c}b{c} c"\n', 1)
        # The same control as a TOML escape in another answer.
        text = text.replace('project_name = "', f'project_name = "\\u{ord(c):04X}', 1)
        with open(os.path.join(d, "plan.toml"), "w", encoding="utf-8") as f:
            f.write(text)
        with open(os.path.join(d, "other.toml"), "w", encoding="utf-8") as f:
            f.write(text.replace("a ", "z ", 1))
        for args, stdin in [
            (["check", "plan.toml", "--lenient"], None),
            (["check", "plan.toml", "--lenient", "--format", "github"], None),
            (["check", "plan.toml", "--lenient", "--format", "sarif"], None),
            (["check", "plan.toml", "--lenient", "--format", "json"], None),
            (["diff", "plan.toml", "other.toml"], None),
            (["diff", "--textconv", "plan.toml"], None),
            (["render", "plan.toml", "--lenient"], None),
            (["render", "plan.toml", "--lenient", "--template", "brief"], None),
            (["plain", "plan.toml"], f"{c}typed{c}\n:q\n".encode()),
        ]:
            r = run(binary, args, d, stdin=stdin)
            if r is None:
                tally.add("bidi", "hang", args)
            elif panicked(r):
                tally.add("bidi", "panic", args)
            elif any(b in r[1] for b in BIDI):
                tally.add("bidi", "silent", f"U+{ord(c):04X} in {args}")
            else:
                tally.add("bidi", "handled")
        shutil.rmtree(d, ignore_errors=True)


NAMES = [b"\x1b[31mred.toml", b"new\nline.toml", b"car\rriage.toml", b"bell\x07.toml",
         "bidi\u202eevil.toml".encode(), b"latin\xff1.toml", b"\x1b]0;title\x07.toml"]


def names_surface(binary, tally):
    for name in NAMES:
        d = tempfile.mkdtemp(prefix="kickoff-soak-names-")
        db = d.encode()
        with open(os.path.join(db, name), "wb") as f:
            f.write(b"questionnaire_version = [\n")
        os.mkdir(os.path.join(d, "plans"))
        with open(os.path.join(db, b"plans", name), "wb") as f:
            f.write(b"questionnaire_version = [\n")
        shown = name.decode("utf-8", "surrogateescape")
        for args in [["check", name], ["check", name, "--format", "json"], ["check", b"plans"],
                     ["check", b"plans", "--format", "sarif"], ["render", name],
                     ["diff", name, name], ["plain", name], ["critique", name, "--dry-run"],
                     ["respond", name, b"no-baseline", b"fixed"], ["freeze", name],
                     ["init", name]]:
            r = run(binary, args, d)
            label = [a if isinstance(a, str) else a.decode("utf-8", "replace") for a in args]
            if r is None:
                tally.add("names", "hang", label)
                continue
            raw = [ch for ch in "\x1b\r\x07\u202e" if ch in r[1]] + (
                ["newline"] if "new\nline" in r[1] else [])
            if panicked(r):
                tally.add("names", "panic", label)
            elif raw:
                tally.add("names", "silent", f"{raw} raw in {label}: {r[1][:200]!r}")
            elif r[0] == 2:
                tally.add("names", "clear")
            else:
                tally.add("names", "silent", f"exit {r[0]} for {label}")
        del shown
        shutil.rmtree(d, ignore_errors=True)


class Counter(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_POST(self):
        Counter.hits += 1
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.end_headers()
        delta = {"choices": [{"delta": {"content": "ok"}}]}
        self.wfile.write(f"data: {json.dumps(delta)}\n\ndata: [DONE]\n\n".encode())

    def log_message(self, *args):
        pass


def proxy_surface(binary, tally):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Counter)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    url = f"http://127.0.0.1:{port}/v1"
    bad = ["http://[::1", "::", "ftp://proxy:21", "socks5://127.0.0.1:1080", "http://",
           "http://u:pw@", "http:// spaced:1", "\x1b[31mhttp://x", "http://x:99999999"]
    good = [f"http://127.0.0.1:{port}", f"127.0.0.1:{port}"]
    # Usable but not there: the error names the proxy, not only the server.
    gone = ["http://no-such-proxy.invalid:3128", "http://127.0.0.1:9"]
    for var in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]:
        for value in bad + good + gone:
            d = tempfile.mkdtemp(prefix="kickoff-soak-proxy-")
            with open(os.path.join(d, "s.toml"), "w", encoding="utf-8") as f:
                f.write(SESSION)
            before = Counter.hits
            r = run(binary, ["critique", "s.toml", "--fresh"], d,
                    env={"OPENAI_API_KEY": "sk-soak", "OPENAI_BASE_URL": url, var: value})
            sent = Counter.hits - before
            if r is None:
                tally.add("proxy", "hang", f"{var}={value!r}")
            elif panicked(r):
                tally.add("proxy", "panic", f"{var}={value!r}")
            elif value in gone:
                ok = r[0] != 0 and sent == 0 and f"through the proxy {value}" in r[1]
                tally.add("proxy", "clear" if ok else "silent",
                          f"{var}={value!r}: exit {r[0]}, {sent} sent: {r[1][-300:]!r}")
            elif value in good:
                ok = r[0] == 0 and sent == 1
                tally.add("proxy", "handled" if ok else "silent",
                          f"{var}={value!r}: exit {r[0]}, {sent} sent: {r[1][-300:]!r}")
            elif sent == 0 and r[0] == 2 and f"{var} is set to" in r[1] and "pw" not in r[1] \
                    and "\x1b" not in r[1]:
                tally.add("proxy", "clear")
            else:
                tally.add("proxy", "silent",
                          f"{var}={value!r}: exit {r[0]}, {sent} sent: {r[1][-300:]!r}")
            shutil.rmtree(d, ignore_errors=True)
    server.shutdown()


EXPECTED = ["kickoff.toml", "kickoff/config.toml", "kickoff/team.rules.toml",
            "kickoff/design-doc.md.j2", ".gitattributes", ".github/workflows/kickoff.yml"]


def tree(d):
    out = []
    for base, dirs, files in os.walk(d):
        out += [os.path.relpath(os.path.join(base, f), d) for f in files]
    return sorted(out)


def init_surface(binary, tally):
    def limited(n):
        def pre():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (n, n))
        return pre

    cases = [("fsize", n) for n in [0, 1, 10, 50, 100, 200, 400, 800, 1600, 3200, 6400,
                                    12800, 25600, 51200, 10 ** 7]]
    cases += [("dir-is-a-file", p) for p in [".github", ".github/workflows", "kickoff"]]
    for kind, arg in cases:
        d = tempfile.mkdtemp(prefix="kickoff-soak-init-")
        repo = os.path.join(d, "repo")
        pre = None
        if kind == "fsize":
            pre = limited(arg)
        else:
            os.makedirs(os.path.dirname(os.path.join(repo, arg)), exist_ok=True)
            with open(os.path.join(repo, arg), "w") as f:
                f.write("in the way\n")
        r = run(binary, ["init", "repo"], d, preexec=pre)
        label = f"{kind} {arg}"
        if r is None:
            tally.add("init", "hang", label)
        elif panicked(r):
            tally.add("init", "panic", label)
        elif r[0] == 0:
            ok = tree(repo) == sorted(EXPECTED) and all(
                os.path.getsize(os.path.join(repo, f)) > 0 for f in EXPECTED)
            tally.add("init", "handled" if ok else "lost", f"{label}: {tree(repo)}")
        else:
            left = [f for f in tree(repo) if f != arg]
            if left:
                tally.add("init", "lost", f"{label}: left {left}")
            else:
                if kind != "fsize":
                    os.remove(os.path.join(repo, arg))
                again = run(binary, ["init", "repo"], d)
                if again and again[0] == 0 and tree(repo) == sorted(EXPECTED) \
                        and "cannot write" in r[1]:
                    tally.add("init", "clear")
                else:
                    tally.add("init", "silent", f"{label}: the second run: {again}")
        shutil.rmtree(d, ignore_errors=True)


def sarif_surface(binary, tally, plans):
    d = tempfile.mkdtemp(prefix="kickoff-soak-sarif-")
    examples = sorted(f for f in os.listdir(os.path.join(ROOT, "examples")) if f.endswith(".toml"))
    for i in range(plans):
        sub = os.path.join(d, "plans", f"d{i // 100:03d}")
        os.makedirs(sub, exist_ok=True)
        shutil.copy(os.path.join(ROOT, "examples", examples[i % len(examples)]),
                    os.path.join(sub, f"p{i:05d}.toml"))
    env = dict(os.environ, NO_COLOR="1", XDG_CONFIG_HOME=os.path.join(d, ".no-config"))
    env.pop("KICKOFF_CONFIG", None)
    with open(os.path.join(d, "out.sarif"), "wb") as out:
        p = subprocess.Popen([binary, "check", "plans", "--format", "sarif"], cwd=d, env=env,
                             stdout=out, stderr=subprocess.PIPE)
        try:
            _, err = p.communicate(timeout=3600)
        except subprocess.TimeoutExpired:
            p.kill()
            tally.add("sarif", "hang", f"{plans} plans")
            return None
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    try:
        with open(os.path.join(d, "out.sarif"), encoding="utf-8") as f:
            doc = json.load(f)
        results = doc["runs"][0]["results"]
        rules = doc["runs"][0]["tool"]["driver"]["rules"]
        ok = len(results) > 0 and all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
        tally.add("sarif", "handled" if ok else "silent", "a ruleIndex names another rule")
    except Exception as e:  # noqa: BLE001
        tally.add("sarif", "panic" if b"panicked" in err else "silent", f"not valid: {e}")
        results = []
    shutil.rmtree(d, ignore_errors=True)
    return plans, len(results), peak_kb


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/kickoff")
    ap.add_argument("--plans", type=int, default=5000)
    args = ap.parse_args()
    binary = os.path.abspath(args.bin)
    tally = Tally()
    bidi_surface(binary, tally)
    names_surface(binary, tally)
    proxy_surface(binary, tally)
    init_surface(binary, tally)
    # Last: the peak RSS of the children is the largest of all runs so far, and SARIF's is.
    sarif = sarif_surface(binary, tally, args.plans) if args.plans else None
    total = dict.fromkeys(KINDS, 0)
    print(f"{'surface':<8} {'tried':>5} " + " ".join(f"{k:>7}" for k in KINDS))
    for surface, t in tally.by.items():
        for k in KINDS:
            total[k] += t[k]
        print(f"{surface:<8} {sum(t.values()):>5} " + " ".join(f"{t[k]:>7}" for k in KINDS))
    print(f"{'all':<8} {sum(total.values()):>5} " + " ".join(f"{total[k]:>7}" for k in KINDS))
    if sarif:
        n, results, kb = sarif
        print(f"sarif: {n} plans, {results} results, peak RSS of any run so far {kb / 1024:.0f} MB")
    for note in tally.notes[:40]:
        print(note)
    bad = sum(total[k] for k in ["panic", "hang", "silent", "lost"])
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
