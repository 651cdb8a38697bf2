"""Scaling past one portal server, for benchmarks/load.py: the same requests spread over several gunicorns (as a
load balancer would spread them over machines) with every answer still checked, and peak memory per process.

Spreading keeps what makes the answers checkable (benchmarks/wrk/replay.lua): wrk thread t of N sends lines t,
t+N, ... of a request file, and load_sessions.py gives each thread parents of its own. With K servers, server i
gets its own wrk with N/K threads and a file of thread i*N/K .. (i+1)*N/K - 1's lines, in their order, so every
thread sends what it would have sent to one server.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def measured(command: list[str], env: dict) -> tuple[str, float, float]:
    """Run `command` from the repository with `env`: its output, seconds on the wall clock and peak resident
    memory in MB (its own, from wait4); exits with its last output on failure, as common.call."""
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as errors_file:
        process = subprocess.Popen(command, env=env, cwd=Path(__file__).resolve().parent.parent, text=True,
                                   stdout=subprocess.PIPE, stderr=errors_file)
        output = process.stdout.read()  # to the end: the child has exited or closed it
        _, status, usage = os.wait4(process.pid, 0)  # not Popen.wait: this one gives the child's own rusage
        process.stdout.close()
        errors_file.seek(0)
        errors = errors_file.read()
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.stderr.write(output[-4000:] + errors[-4000:])
        raise SystemExit(f"benchmark: {' '.join(command[:6])} ... failed (exit {process.returncode})")
    return output, seconds, usage.ru_maxrss / 1024  # Linux gives kilobytes


def _peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def gunicorn_peaks(master: subprocess.Popen) -> dict:
    """Peak resident memory (VmHWM) of a gunicorn master and of each of its workers, in MB, read while running."""
    try:
        children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
        return {"master": round(_peak_mb(master.pid), 1),
                "workers": [round(_peak_mb(int(pid)), 1) for pid in children]}
    except OSError:
        return {"master": 0.0, "workers": []}


def split(requests: Path, parts: int, connections: int) -> list[Path]:
    """The request file cut into `parts` files, one per server (see the module's docstring)."""
    share = connections // parts
    lines = requests.read_text().splitlines(keepends=True)
    files = []
    for part in range(parts):
        mine = [line for index, line in enumerate(lines) if (index % connections) // share == part]
        path = requests.with_name(f"{requests.stem}.part{part + 1}of{parts}{requests.suffix}")
        path.write_text("".join(mine or lines[:1]))
        files.append(path)
    return files


def spread(servers: list[str], requests: Path, seconds: int, args, wrk) -> dict:
    """One wrk run per server at the same time, --connections shared out between them, added up: requests and
    throughput summed, latency percentiles the worst server's, every error and unexpected answer counted."""
    if len(servers) == 1:
        return wrk(servers[0], requests, seconds, args)
    share = argparse_copy(args, connections=args.connections // len(servers))
    files = split(requests, len(servers), args.connections)
    from concurrent.futures import ThreadPoolExecutor  # each wrk is a process: threads only wait for them

    with ThreadPoolExecutor(len(servers)) as pool:
        runs = list(pool.map(lambda pair: wrk(pair[0], pair[1], seconds, share), zip(servers, files)))
    total = dict(runs[0])
    total.update(
        requests=sum(r["requests"] for r in runs), req_per_s=sum(r["req_per_s"] for r in runs),
        latency_ms={k: max(r["latency_ms"][k] for r in runs) for k in runs[0]["latency_ms"]},
        errors={k: sum(r["errors"].get(k, 0) for r in runs) for k in runs[0]["errors"]},
        unexpected=sum(r["unexpected"] for r in runs), failures=sum(r["failures"] for r in runs),
        examples=" | ".join(r["examples"] for r in runs if r.get("examples")), file=requests.name,
        servers=[{"url": url, "req_per_s": r["req_per_s"], "requests": r["requests"], "failures": r["failures"]}
                 for url, r in zip(servers, runs)])
    return total


def argparse_copy(args, **changes):
    copy = type(args)(**vars(args))
    for name, value in changes.items():
        setattr(copy, name, value)
    return copy


def spread_pages(servers: list[str], pages, requests: Path, bare_url: str, bare_file: Path, bare_seconds: int,
                 args, wrk, show) -> dict:
    """Each page again across every server, each beside a bare run after it (the same bare endpoint)."""
    runs = {}
    for key, label, filename in pages:
        if args.warmup > 0:
            spread(servers, requests / filename, args.warmup, args, wrk)
        runs[key] = spread(servers, requests / filename, args.duration, args, wrk)
        show(f"{label} [{len(servers)} servers]", runs[key])
        runs[key]["bare_after"] = wrk(bare_url, bare_file, bare_seconds, args)
        show("bare Flask endpoint", runs[key]["bare_after"])
    return runs


def print_spread(result: dict, args) -> None:
    spread_runs = result.get("spread")
    if not spread_runs:
        return
    print(f"the same pages on {args.instances} portal servers (gunicorns of {args.workers} workers each, one "
          "database), the clients spread across them:")
    for key, run in spread_runs.items():
        one = result["runs"].get(key)
        versus = f"{run['req_per_s'] / one['req_per_s']:.2f}x one server's" if one and one["req_per_s"] else ""
        per = ", ".join(f"{s['req_per_s']:,.1f}" for s in run.get("servers", []))
        print(f"  {key:<20} {run['req_per_s']:>9,.1f} req/s (per server {per}) p95 {run['latency_ms']['p95']:,.1f} "
              f"ms; {versus}; {run['failures']} failed answers")
