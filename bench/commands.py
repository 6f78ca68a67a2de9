#!/usr/bin/env python3
"""What the everyday commands cost: `render` of one gateway and of a fleet, `review` of a
fleet's manifests, next to `shgw --version` (the cost of starting the binary at all).

Usage: bench/commands.py [GATEWAYS]          (default: a fleet of 1000 gateways)

It writes a fleet Gateway file of GATEWAYS gateways (every one in its own namespace, with its
own endpoint, replicas, resources and a setting or two, as a platform team's fleet file looks),
renders it once to get the manifests `review` reads (about 10 MB and 7 objects per gateway at
1000), then runs each command RUNS times (default 9) and prints a Markdown table: median
wall-clock time (minimum in brackets), median CPU time, peak memory (max RSS of the child)
and, where valgrind is installed, the instructions of one run (`valgrind --tool=callgrind`,
which does not depend on the machine's load).

Environment:
  SHGW=path      the shgw binary (default target/release/shgw, built when missing)
  BASE=path      a second binary to measure side by side (an older build, say)
  RUNS=k         runs per command (default 9)
  NO_CALLGRIND=1 skip the instruction counts (they take a minute for the fleet commands)
  BENCH_KEEP=1   keep the generated files

Python 3.11 standard library only. Measure on an idle machine.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

GATEWAY = """apiVersion: shgw.dev/v1alpha1
kind: Gateway
metadata: {{name: gw-{i:04d}, namespace: apim-{ns:03d}}}
spec:
  endpoint: tenant-{i:04d}.configuration.azure-api.net
  image: {{tag: "2.12.1"}}
  replicas: {replicas}
  resources:
    requests: {{cpu: "1", memory: 1Gi}}
    limits: {{cpu: "2", memory: 2Gi}}
  backup: {{storageClassName: azurefile-csi}}
  settings:
    net.server.http.forwarded.proto.enabled: "true"
    net.server.tls.ciphers.allowed-suites: TLS_AES_256_GCM_SHA384
"""


def fleet(n: int) -> str:
    return "---\n".join(
        GATEWAY.format(i=i, ns=i % 100, replicas=3 + i % 3) for i in range(n)
    )


def measure(cmd: list[str], runs: int) -> tuple[float, float, float, int]:
    """Median wall seconds, minimum wall seconds, median CPU seconds, peak RSS in KiB."""
    walls, cpus, peak = [], [], 0
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr.decode()}")
        cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
        # ru_maxrss of RUSAGE_CHILDREN is the largest child so far: measured alone below.
    peak = peak_rss(cmd)
    return statistics.median(walls), min(walls), statistics.median(cpus), peak


def peak_rss(cmd: list[str]) -> int:
    """Max RSS of one run of `cmd` in KiB (through a fresh Python child, so earlier, larger
    children do not count)."""
    probe = (
        "import resource,subprocess,sys;"
        "subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", probe, *cmd], capture_output=True, check=True)
    return int(out.stdout)


def instructions(cmd: list[str]) -> int | None:
    if os.environ.get("NO_CALLGRIND") == "1" or not shutil.which("valgrind"):
        return None
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    for line in done.stderr.decode(errors="replace").splitlines():
        if "Collected :" in line:
            return int(line.rsplit(":", 1)[1].strip())
    return None


def binary() -> str:
    shgw = os.environ.get("SHGW") or str(ROOT / "target/release/shgw")
    if not os.environ.get("SHGW") and not Path(shgw).is_file():
        print("building: cargo build --release -p shgw-cli", file=sys.stderr)
        subprocess.run(["cargo", "build", "--release", "-p", "shgw-cli"], cwd=ROOT, check=True)
    return shgw


def commands(shgw: str, work: Path) -> list[tuple[str, list[str]]]:
    return [
        ("shgw --version", [shgw, "--version"]),
        ("render one gateway (embedded)", [shgw, "render"]),
        ("render the fleet", [shgw, "render", "-f", str(work / "fleet.yaml")]),
        (
            "review the fleet's manifests",
            [shgw, "review", str(work / "rendered.yaml"), "--fail-on", "never"],
        ),
    ]


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    runs = int(os.environ.get("RUNS", "9"))
    tools = [("shgw", binary())]
    if os.environ.get("BASE"):
        tools.append(("base", os.environ["BASE"]))
    work = Path(tempfile.mkdtemp(prefix="shgw-commands-"))
    try:
        (work / "fleet.yaml").write_text(fleet(n))
        rendered = subprocess.run(
            [tools[0][1], "render", "-f", str(work / "fleet.yaml")],
            capture_output=True,
            check=True,
        ).stdout
        (work / "rendered.yaml").write_bytes(rendered)
        objects = rendered.count(b"\n---\n") + 1
        print(f"fleet: {n} gateways; manifests: {len(rendered) / 1e6:.1f} MB, {objects} objects")
        print(f"cpus: {os.cpu_count()}, load: {os.getloadavg()[0]:.2f}, runs: {runs}\n")
        print("| command | binary | wall median (min) | CPU median | max RSS | instructions |")
        print("|---|---|---|---|---|---|")
        for label, _ in commands("", work):
            for name, path in tools:
                cmd = dict(commands(path, work))[label]
                wall, best, cpu, rss = measure(cmd, runs)
                ins = instructions(cmd)
                ins_text = f"{ins / 1e6:,.1f} M" if ins else "-"
                print(
                    f"| {label} | {name} | {wall * 1000:.1f} ms ({best * 1000:.1f}) "
                    f"| {cpu * 1000:.1f} ms | {rss / 1024:.1f} MB | {ins_text} |"
                )
    finally:
        if os.environ.get("BENCH_KEEP") == "1":
            print(f"\nfiles kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
