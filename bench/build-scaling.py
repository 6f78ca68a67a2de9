#!/usr/bin/env python3
"""How `shgw build`'s CPU time and memory grow with the size of the tree.

Usage: bench/build-scaling.py [N ...]     (default sizes: 1000 2000 4000 8000 16000)

For each N, bench/gen-tree.py writes a tree that builds to about N resources (the `per-file`
layout by default: one ConfigMap/Deployment/Service app per base file, so the base lists about
N/3 files), `shgw build overlay` runs RUNS times (default 5), and the median CPU time
(user + system, from the kernel's accounting of the child, microsecond resolution) and the
largest maximum resident set size of the runs go into a Markdown table with the factor each doubling of N costs. A linear build costs 2x per doubling;
the last line is the average factor per doubling from the first size to the last (the
geometric mean: (T_last / T_first) ** (1 / doublings)).

Environment:
  SHGW=path      the shgw binary (default: target/release/shgw, built with
                 `cargo build --release -p shgw-cli` when missing)
  RUNS=k         runs per size (default 5)
  LAYOUT=name    per-file (default) or chunked (see bench/gen-tree.py)
  BENCH_KEEP=1   keep the generated trees (their directory is printed)

Python 3.11 standard library only. Measure on an idle machine: CPU time is less sensitive to
load than wall-clock time, but caches and frequency scaling are shared.
"""

from __future__ import annotations

import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def cpu_of(cmd: list[str]) -> tuple[float, int, bytes]:
    """Runs `cmd`, returns its CPU seconds (user + system), its maximum resident set size in
    bytes and its stdout."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(cmd, stdout=out, stderr=err)
        # wait4 gives this child's own accounting (RUSAGE_CHILDREN would mix in the generator).
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed ({child.returncode}):\n{err.read().decode()}")
        # ru_maxrss is in kilobytes on Linux.
        return usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, out.read()


def main() -> int:
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 2000, 4000, 8000, 16000]
    runs = int(os.environ.get("RUNS", "5"))
    layout = os.environ.get("LAYOUT", "per-file")
    shgw = os.environ.get("SHGW") or str(ROOT / "target/release/shgw")
    if not os.environ.get("SHGW") and not Path(shgw).is_file():
        print("building: cargo build --release -p shgw-cli", file=sys.stderr)
        subprocess.run(["cargo", "build", "--release", "-p", "shgw-cli"], cwd=ROOT, check=True)
    work = Path(tempfile.mkdtemp(prefix="shgw-scaling-"))
    rows = []
    try:
        for n in sizes:
            tree = work / f"n{n}"
            subprocess.run(
                [sys.executable, str(HERE / "gen-tree.py"), str(n), str(tree), layout],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            times = []
            docs = 0
            rss = 0
            for _ in range(runs):
                cpu, peak, out = cpu_of([shgw, "build", str(tree / "overlay")])
                times.append(cpu)
                rss = max(rss, peak)
                docs = out.count(b"\n---\n") + 1
            rows.append((n, docs, statistics.median(times), min(times), rss))
            print(f"  N={n}: median {statistics.median(times):.3f}s", file=sys.stderr)
    finally:
        if os.environ.get("BENCH_KEEP") == "1":
            print(f"trees kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)

    print(f"shgw build, {layout} layout, CPU time (user+sys), median of {runs} runs")
    print()
    print("| N | resources | CPU (s) | min (s) | x previous | us per resource | max RSS (MB) |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    prev = None
    for n, docs, med, low, rss in rows:
        factor = f"{med / prev:.2f}" if prev else "-"
        print(
            f"| {n} | {docs} | {med:.3f} | {low:.3f} | {factor} | {med / docs * 1e6:.0f}"
            f" | {rss / 1e6:.1f} |"
        )
        prev = med
    if len(rows) > 1:
        doublings = math.log2(rows[-1][0] / rows[0][0])
        mean = (rows[-1][2] / rows[0][2]) ** (1 / doublings)
        print()
        print(f"average factor per doubling, {rows[0][0]} to {rows[-1][0]}: {mean:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
