#!/usr/bin/env python3
"""The YAML reader and the commands that stand on it, before and after, side by side.

Usage: bench/reader.py

A Gateway file of GATEWAYS gateways (default 1000) is written and rendered (`shgw render`, the
production profile) into a fleet stream (about 9 MB and 7,000 objects at 1,000 gateways). Then:

- the reader alone: `crates/shgw-yaml/examples/read.rs` parses the fleet into placed nodes RUNS
  times (built with `cargo build --release -p shgw-yaml --example read`); MB/s of the median;
- `shgw review FLEET` and `shgw render -f GATEWAYS.yaml` with each binary, RUNS times each: the
  median wall-clock time (minimum in brackets), the median CPU time (user + system) and the
  largest maximum resident set size (the child's own, from wait4). On a shared machine CPU
  time is the steadier figure.

Environment:
  BEFORE=path    the binary to compare against (default: ../main/target/release/shgw, the lead's
                 checkout of `main`); skipped when missing
  SHGW=path      the binary under test (default: target/release/shgw, built with
                 `cargo build --release -p shgw-cli` when missing)
  RUNS=k         runs per measurement (default 7)
  GATEWAYS=n     gateways in the fleet (default 1000)
  BENCH_KEEP=1   keep the generated files (their folder is printed)

Python 3.11 standard library only. Measure on an idle machine; the header records the load.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def gateway(i: int) -> str:
    """One Gateway document that renders under the production profile, with a few settings."""
    name = f"gw-{i:04d}"
    return f"""apiVersion: shgw.dev/v1alpha1
kind: Gateway
metadata:
  name: {name}
  namespace: {name}
  labels: {{team: t{i % 7}}}
spec:
  endpoint: {name}.configuration.azure-api.net
  replicas: 3
  image: {{tag: "2.12.1"}}
  resources:
    requests: {{cpu: 500m, memory: 1Gi}}
    limits: {{memory: 2Gi}}
  backup: {{storageClassName: azurefile-csi}}
  settings:
    net.server.http.forwarded.proto.enabled: true
    x.team.cost-center: "4291"
    x.rollout.wave: 1.10
"""


def run(cmd: list[str], ok: tuple[int, ...] = (0,)) -> tuple[float, float, int, bytes]:
    """Runs `cmd`; returns wall and CPU seconds, max RSS in bytes and stdout. Exits on other
    exit codes than `ok`."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(cmd, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if code not in ok:
            sys.exit(f"{' '.join(cmd)} failed ({code}):\n{err.read().decode()[:2000]}")
        cpu = usage.ru_utime + usage.ru_stime
        return wall, cpu, usage.ru_maxrss * 1024, out.read()


def measure(cmd: list[str], runs: int, ok: tuple[int, ...] = (0,)) -> str:
    walls, cpus, peak = [], [], 0
    for _ in range(runs):
        wall, cpu, rss, _ = run(cmd, ok)
        walls.append(wall)
        cpus.append(cpu)
        peak = max(peak, rss)
    return (
        f"{statistics.median(walls):.3f} ({min(walls):.3f}) | {statistics.median(cpus):.3f}"
        f" | {peak / 1e6:.0f}"
    )


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    runs = int(os.environ.get("RUNS", "7"))
    count = int(os.environ.get("GATEWAYS", "1000"))
    after = os.environ.get("SHGW") or str(ROOT / "target/release/shgw")
    before = os.environ.get("BEFORE") or str(ROOT.parent / "main/target/release/shgw")
    if not os.environ.get("SHGW") and not Path(after).is_file():
        print("building: cargo build --release -p shgw-cli", file=sys.stderr)
        subprocess.run(["cargo", "build", "--release", "-p", "shgw-cli"], cwd=ROOT, check=True)
    subprocess.run(
        ["cargo", "build", "--release", "-q", "-p", "shgw-yaml", "--example", "read"],
        cwd=ROOT,
        check=True,
    )
    reader = ROOT / "target/release/examples/read"
    binaries = [("after", after)]
    if Path(before).is_file():
        binaries.insert(0, ("before", before))
    else:
        print(f"note: {before} not found; measuring {after} only", file=sys.stderr)

    work = Path(tempfile.mkdtemp(prefix="shgw-reader-"))
    try:
        gateways = work / "fleet-gateways.yaml"
        gateways.write_text("---\n".join(gateway(i) for i in range(count)))
        _, _, _, rendered = run([after, "render", "-f", str(gateways)])
        # A config hash made only of digits around one `e` (83966092e4424376) is written plain:
        # go-yaml, kubectl and shgw-yaml read it as a string (a float out of range is no float
        # to them), while serde-saphyr (the reader of `main`) refuses the whole stream. Quote
        # it, so that both binaries read the same bytes.
        rendered = re.sub(
            rb"(?m)^(\s*[^\s:#]+: )([0-9]+[eE][0-9]+)$", rb'\1"\2"', rendered
        )
        fleet = work / "fleet.yaml"
        fleet.write_bytes(rendered)
        objects = rendered.count(b"\n---\n") + 1
        _, reader_cpu, _, line = run([str(reader), str(fleet), str(runs)])
        fields = dict(kv.split("=") for kv in line.decode().split())
        # CPU time of all the runs (reading the file once is noise beside them).
        cpu_rate = len(rendered) * runs / 1e6 / reader_cpu

        print(f"# shgw's YAML reader, {count} gateways ({len(rendered) / 1e6:.1f} MB, {objects} objects)")
        print()
        print(f"{os.cpu_count()} CPUs, load {load()} at the start; median of {runs} runs (minimum in brackets)")
        print()
        print(
            f"reader alone (parse into placed nodes, {fields['documents']} documents): "
            f"{cpu_rate:.1f} MB per CPU second; {fields['mb_per_s']} MB/s by the wall clock "
            f"(median run {fields['median_s']} s)"
        )
        print()
        print("| command | binary | wall (s) | CPU (s) | max RSS (MB) |")
        print("|---|---|---:|---:|---:|")
        for label, binary in binaries:
            # review exits 1 when it finds errors; the time is what counts here.
            row = measure([binary, "review", str(fleet)], runs, ok=(0, 1))
            print(f"| `shgw review` fleet | {label} | {row} |")
        for label, binary in binaries:
            row = measure([binary, "render", "-f", str(gateways)], runs)
            print(f"| `shgw render` {count} gateways | {label} | {row} |")
        print()
        print(f"load {load()} at the end")
    finally:
        if os.environ.get("BENCH_KEEP") == "1":
            print(f"files kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
