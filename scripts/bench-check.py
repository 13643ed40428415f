#!/usr/bin/env python3
"""Benchmarks of `kickoff check` and `render` as whole processes (release build).

1. One `kickoff check DIR` over 1,000 session files: copies of examples/*.toml and
   tests/corpus/*.toml, each with varied answers (the project name, and a number answer nudged),
   so no two files are the same. Wall time, and peak memory from /usr/bin/time -v.
2. The median wall time of one `kickoff check` and one `kickoff render` of a full session
   (examples/churn-done-well.toml), and `kickoff --version` (process start alone).
3. With --copier PATH_TO_COPIER: copier rendering a 60-question template from an answers file,
   timed in the same loop, and the ratio.

    cargo build --release
    scripts/bench-check.py [--bin target/release/kickoff] [--runs 50] [--copier .venv/bin/copier]
"""

import argparse
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def make_plans(dest: pathlib.Path, count: int) -> None:
    sources = sorted((ROOT / "examples").glob("*.toml")) + sorted(
        (ROOT / "tests/corpus").glob("*.toml")
    )
    texts = [s.read_text() for s in sources]
    for i in range(count):
        text = texts[i % len(texts)]
        # A different project name in each, and a number answer changed where there is one.
        text = re.sub(
            r'^project_name = "(.*)"$',
            lambda m: f'project_name = "{m.group(1)} #{i}"',
            text,
            count=1,
            flags=re.M,
        )
        text = re.sub(
            r"^(positive_rate|expected_lift|ab_mde) = ([0-9.]+)$",
            lambda m: f"{m.group(1)} = {float(m.group(2)) * (1 + (i % 7) / 100):.4f}",
            text,
            flags=re.M,
        )
        sub = dest / f"team{i % 10}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"plan-{i:04}.toml").write_text(text)


def median_ms(cmd, runs, cwd=None) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def copier_template(dest: pathlib.Path, questions: int = 60) -> pathlib.Path:
    """A copier template of `questions` questions rendering one markdown doc, and its answers."""
    tpl = dest / "template"
    tpl.mkdir()
    lines = ["_templates_suffix: .jinja", "_answers_file: .copier-answers.yml"]
    answers = []
    for n in range(questions):
        kind = ["str", "int", "bool"][n % 3]
        lines += [f"q{n}:", f"  type: {kind}", f"  help: Question {n}?"]
        default = {"str": f'"answer {n}"', "int": str(n), "bool": "true"}[kind]
        lines.append(f"  default: {default}")
        answers.append(f"q{n}: {default}")
    (tpl / "copier.yml").write_text("\n".join(lines) + "\n")
    body = ["# Design doc\n"] + [
        f"## Question {n}\n\n{{{{ q{n} }}}}\n{{% if q{n} %}}answered{{% endif %}}\n"
        for n in range(questions)
    ]
    (tpl / "doc.md.jinja").write_text("\n".join(body))
    (tpl / "{{_copier_conf.answers_file}}.jinja").write_text(
        "{{ _copier_answers|to_nice_yaml -}}\n"
    )
    data = dest / "answers.yml"
    data.write_text("\n".join(answers) + "\n")
    subprocess.run(["git", "init", "-q", str(tpl)], check=True)
    return tpl


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(ROOT / "target/release/kickoff"))
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--plans", type=int, default=1000)
    ap.add_argument("--copier", help="a copier executable (9.19) to compare with")
    args = ap.parse_args()
    kickoff = pathlib.Path(args.bin).resolve()
    if not kickoff.exists():
        sys.exit(f"{kickoff}: build it first (cargo build --release)")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        plans = tmp / "plans"
        make_plans(plans, args.plans)
        # --fail-on never: every plan is reviewed and reported the same, failing or not.
        cmd = ["/usr/bin/time", "-v", str(kickoff), "check", str(plans), "--fail-on", "never"]
        t = time.perf_counter()
        run = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.perf_counter() - t
        peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr)
        user = re.search(r"User time \(seconds\): ([0-9.]+)", run.stderr)
        system = re.search(r"System time \(seconds\): ([0-9.]+)", run.stderr)
        summary = [l for l in run.stdout.splitlines() if l.startswith("kickoff check:")]
        cpu = float(user.group(1)) + float(system.group(1))
        print(f"check of {args.plans} plans: {wall:.3f} s wall, {cpu:.2f} s CPU, peak RSS "
              f"{int(peak.group(1)) / 1024:.1f} MiB ({summary[-1] if summary else run.stderr[-300:]})")
        full = ROOT / "examples/churn-done-well.toml"
        start = median_ms([str(kickoff), "--version"], args.runs)
        check = median_ms([str(kickoff), "check", str(full)], args.runs)
        render = median_ms([str(kickoff), "render", str(full)], args.runs)
        print(f"median of {args.runs}: --version {start:.2f} ms, check {check:.2f} ms, "
              f"render {render:.2f} ms")
        if args.copier:
            tpl = copier_template(tmp)
            runs = max(5, args.runs // 5)
            out = tmp / "out"

            def copier_once():
                shutil.rmtree(out, ignore_errors=True)
                subprocess.run(
                    [args.copier, "copy", "--force", "--quiet", "--data-file",
                     str(tmp / "answers.yml"), str(tpl), str(out)],
                    check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )

            times = []
            for _ in range(runs):
                t = time.perf_counter()
                copier_once()
                times.append(time.perf_counter() - t)
            assert (out / "doc.md").exists(), "copier rendered the doc"
            cop = statistics.median(times) * 1000
            # kickoff again, interleaved in time with copier's runs, for a fair ratio.
            render = median_ms([str(kickoff), "render", str(full)], args.runs)
            print(f"copier copy (60 questions, answers file): median of {runs}: {cop:.1f} ms; "
                  f"kickoff render {render:.2f} ms; ratio {cop / render:.0f}x")


if __name__ == "__main__":
    main()
