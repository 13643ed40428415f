#!/usr/bin/env python3
"""Whole-process time from starting `kickoff resume FILE` in a pseudo-terminal (120x40) to its
first frame on screen (the header's text in the output), over several runs.

Usage: scripts/first-frame.py [KICKOFF_BINARY] [SESSION] [RUNS]"""
import fcntl, os, pty, select, shutil, statistics, struct, subprocess, sys, tempfile, termios, time

binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "target/release/kickoff")
session = sys.argv[2] if len(sys.argv) > 2 else "examples/churn-done-well.toml"
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 20
times = []
for _ in range(runs):
    work = tempfile.mkdtemp()
    copy = os.path.join(work, "s.toml")
    shutil.copy(session, copy)
    fd, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    start = time.perf_counter()
    child = subprocess.Popen([binary, "resume", copy], stdin=slave, stdout=slave, stderr=slave,
                             start_new_session=True, cwd=work)
    os.close(slave)
    seen = b""
    while b"answered" not in seen:
        r, _, _ = select.select([fd], [], [], 5)
        if not r:
            sys.exit("no frame within 5 s")
        seen += os.read(fd, 65536)
    times.append((time.perf_counter() - start) * 1000)
    child.kill()
    child.wait()
    os.close(fd)
    shutil.rmtree(work)
print(f"first frame: median {statistics.median(times):.1f} ms, min {min(times):.1f} ms, max {max(times):.1f} ms over {runs} runs")
