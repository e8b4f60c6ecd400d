"""Time ``csmetrics report`` as whole processes on a workbook of a whole year.

Usage: python benchmarks/bench_report.py [--runs N]

The workbook is the README's example team (scripts/example.py) with all twelve
months, every input, the Agents sheet and notes filled. Each command runs once
to warm up, then N times (as bench_generate.py does). Targets: the HTML report
under 2 s; the PDF, which starts Chromium, is reported beside it.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_generate import Result, console_script, measure

ROOT = Path(__file__).resolve().parent.parent
HTML_TARGET = 2.0  # seconds, the whole process
FULL_YEAR = f"""
import sys
sys.path.insert(0, {str(ROOT / "scripts")!r})
from example import example_config, example_data
from csmetrics.xlsx.writer import write_workbook
write_workbook(sys.argv[1], example_config(), example_data(months=12))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="timed runs per command (default 10)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    script = console_script()
    csmetrics = [script] if script else [sys.executable, "-m", "csmetrics"]
    with tempfile.TemporaryDirectory(prefix="csmetrics-bench-") as scratch:
        cwd = Path(scratch)
        workbook, html, pdf = cwd / "full-year.xlsx", cwd / "report.html", cwd / "report.pdf"
        subprocess.run([sys.executable, "-c", FULL_YEAR, str(workbook)], check=True)
        commands = [("`csmetrics --version` (start-up)", cwd / "full-year.xlsx",
                     [*csmetrics, "--version"]),
                    ("`csmetrics report` to HTML", html,
                     [*csmetrics, "report", str(workbook), "--out", str(html)])]
        if shutil.which("chromium") or shutil.which("google-chrome"):
            commands.append(("`csmetrics report` to PDF (Chromium)", pdf,
                             [*csmetrics, "report", str(workbook), "--out", str(pdf)]))
        results = [measure(label, command, out, args.runs, cwd) for label, out, command in commands]

    print(f"Python {sys.version.split()[0]}, {args.runs} runs after 1 warm-up, {' '.join(csmetrics)}")
    print()
    print("| command | median ms | min ms | max ms | peak RSS MB | output KB |")
    print("|---|---:|---:|---:|---:|---:|")
    for result in results:
        print(f"| {result.label} | {result.median * 1e3:.0f} | {result.best * 1e3:.0f} "
              f"| {max(result.times) * 1e3:.0f} | {result.peak_mb:.0f} | {size(result)} |")
    html_result = results[1]
    verdict = "met" if html_result.median < HTML_TARGET else "NOT met"
    print()
    print(f"HTML report: median {html_result.median:.2f} s (target < {HTML_TARGET:g} s: {verdict}); "
          f"spread {statistics.pstdev(html_result.times) * 1e3:.0f} ms")
    return 0 if html_result.median < HTML_TARGET else 1


def size(result: Result) -> str:
    return "" if result.label.startswith("`csmetrics --version`") else f"{result.size_kb:.0f}"


if __name__ == "__main__":
    sys.exit(main())
