"""Time ``csmetrics generate`` as whole processes against a bare xlsxwriter baseline.

Usage: python benchmarks/bench_generate.py [--runs N]

Each command runs once to warm up, then N times; the wall time of every
``subprocess.run`` is taken with ``time.perf_counter``. Peak memory is the
``ru_maxrss`` of one extra run made from a fresh helper process, so that no other
child's peak is mixed in. Target: ``generate`` within 2x the bare baseline.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

TARGET_RATIO = 2.0
REGENERATE_TARGET = 1.0  # seconds, generate --from on five years of monthly data
# A workbook holding five fiscal years of monthly data, every input filled.
FIVE_YEARS = """
import random, sys
from csmetrics.model.catalog import ENTERED_INPUTS
from csmetrics.config.settings import Config
from csmetrics.model.data import WorkbookData
from csmetrics.config.resolve import resolve_config
from csmetrics.xlsx.writer import write_workbook
config = resolve_config(Config(years=5))
rng = random.Random(5)
months = config.periods.count
series = lambda: [float(rng.randint(0, 2000)) for _ in range(months)]
data = WorkbookData(inputs={i.id: series() for i in ENTERED_INPUTS},
                    volume={n: series() for n in config.categories},
                    channels={n: series() for n in config.channels})
write_workbook(sys.argv[1], config, data)
"""
PEAK_HELPER = (
    "import resource, subprocess, sys; "
    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


@dataclass
class Result:
    label: str
    times: list[float]
    peak_mb: float
    size_kb: float

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def best(self) -> float:
        return min(self.times)


def run_once(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=cwd, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def peak_mb(command: list[str], cwd: Path) -> float:
    helper = subprocess.run([sys.executable, "-c", PEAK_HELPER, *command], check=True, cwd=cwd,
                            capture_output=True, text=True)
    maxrss = int(helper.stdout.split()[-1])  # kilobytes on Linux, bytes on macOS
    return maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)


def measure(label: str, command: list[str], out: Path, runs: int, cwd: Path) -> Result:
    run_once(command, cwd)  # warm-up: page cache, bytecode caches
    times = [run_once(command, cwd) for _ in range(runs)]
    return Result(label, times, peak_mb(command, cwd), out.stat().st_size / 1024)


def console_script() -> str | None:
    """``csmetrics`` beside this interpreter first, then anywhere on PATH."""
    search = os.pathsep.join([sysconfig.get_path("scripts"), os.environ.get("PATH", "")])
    return shutil.which("csmetrics", path=search)


def table(results: list[Result], baseline: Result) -> str:
    lines = [
        "| command | median ms | min ms | × baseline (median) | peak RSS MB | output KB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(f"| {r.label} | {r.median * 1e3:.0f} | {r.best * 1e3:.0f} "
                     f"| {r.median / baseline.median:.2f} | {r.peak_mb:.1f} | {r.size_kb:.1f} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs per command (default 15)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="csmetrics-bench-") as scratch:
        cwd = Path(scratch)
        base_out, gen_out, cli_out = cwd / "baseline.xlsx", cwd / "module.xlsx", cwd / "script.xlsx"
        commands = [
            ("bare baseline: `import xlsxwriter; Workbook().close()`", base_out,
             [python, "-c", f"import xlsxwriter; xlsxwriter.Workbook({str(base_out)!r}).close()"]),
            ("`python -m csmetrics generate`", gen_out,
             [python, "-m", "csmetrics", "generate", "--out", str(gen_out)]),
        ]
        script = console_script()
        if script:
            commands.append(("`csmetrics generate`", cli_out, [script, "generate", "--out", str(cli_out)]))
        five_years, regen_out = cwd / "five-years.xlsx", cwd / "regenerated.xlsx"
        subprocess.run([python, "-c", FIVE_YEARS, str(five_years)], check=True)
        commands.append(("`generate --from` (five years of monthly data, to Russian)", regen_out,
                         [python, "-m", "csmetrics", "generate", "--from", str(five_years),
                          "--lang", "ru", "--out", str(regen_out)]))
        results = [measure(label, command, out, args.runs, cwd) for label, out, command in commands]

    baseline, generate = results[0], results[1]
    ratio = generate.median / baseline.median
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    print(f"Python {sys.version.split()[0]} ({python}), {args.runs} runs after 1 warm-up"
          + (f", console script {script}" if script else ", no console script found"))
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print("PYTHONDONTWRITEBYTECODE is set: modules without a cached .pyc are compiled on every run.")
    print()
    print(table(results, baseline))
    print()
    regenerate = results[-1]
    print(f"Target: `generate --from` on five years under {REGENERATE_TARGET:g} s — "
          f"{'met' if regenerate.median <= REGENERATE_TARGET else 'NOT met'}: "
          f"{regenerate.median:.2f} s.")
    print(f"Target: generate within {TARGET_RATIO:g}× the bare baseline "
          f"({TARGET_RATIO * baseline.median * 1e3:.0f} ms) — {verdict}: {ratio:.2f}× "
          f"(min/min {generate.best / baseline.best:.2f}×).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
