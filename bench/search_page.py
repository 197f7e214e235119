"""Benchmark of the search page against the API's search on a generated library (bench/library.py).

The page asks the store what the API asks, plus the facets (one sample of at most 1,000 matches and
five GROUP BYs over it) and renders HTML. For each query this prints, with one client in turn, the
p50 and p99 of: the API without facets, the API with facets, the page; then the page's throughput
with 8 keep-alive clients, and the server process's CPU seconds per request (from /proc), so the
figures can be compared on a loaded machine. Reuses the cached library of bench/server.py.

    .venv/bin/python bench/search_page.py [--backend sqlite] [--processes 10000] [--requests 60]
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import server as server_bench  # bench/server.py: the cached library, the load driver

QUERIES = {
    "common word": {"q": "prüfen"},
    "two words": {"q": "Antrag Bescheid"},
    "key prefix": {"leistungsschluessel": "99050"},
    "word + Land + sort": {"q": "Gebühr", "land": "07", "sort": "adoptions"},
    "no words (browse)": {},
}


def cpu_seconds(pid):
    """User + system CPU seconds of process ``pid`` so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(port, path, headers, count):
    """``count`` GETs of ``path`` in turn on one connection: (p50 ms, p99 ms)."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    times = []
    for _ in range(count):
        began = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        times.append(time.perf_counter() - began)
        if response.status != 200:
            raise RuntimeError(f"{path}: {response.status}")
    conn.close()
    times.sort()
    return statistics.median(times) * 1000, times[min(len(times) - 1, int(len(times) * 0.99))] * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--processes", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    db, _refs, token = server_bench.prepare(args.backend, args.processes)
    port = server_bench.free_port()
    serve = [sys.executable, "-m", "procex.cli", "serve", "--db", str(db), "--port", str(port), "--workers", "1"]
    process = subprocess.Popen(serve, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    headers = {"Authorization": f"Bearer {token}"}
    try:
        server_bench.wait_for(port, "/api/v1/health")
        print(f"{args.processes:,} processes on {args.backend}, load average {os.getloadavg()[0]:.1f}")
        print(f"{'query':<22} {'API p50/p99 ms':>16} {'+facets p50/p99':>16} {'page p50/p99':>16} {'page CPU ms':>12}")
        for label, params in QUERIES.items():
            api = "/api/v1/processes?" + urlencode(params)
            page = "/?" + urlencode(params)
            timed(port, page, headers, 3)  # warm the caches
            plain = timed(port, api, headers, args.requests)
            faceted = timed(port, api + "&facets=true", headers, args.requests)
            cpu = cpu_seconds(process.pid)
            shown = timed(port, page, headers, args.requests)
            cpu = (cpu_seconds(process.pid) - cpu) / args.requests * 1000
            print(
                f"{label:<22} {plain[0]:>7.1f} /{plain[1]:>7.1f} {faceted[0]:>7.1f} /{faceted[1]:>7.1f}"
                f" {shown[0]:>7.1f} /{shown[1]:>7.1f} {cpu:>12.1f}"
            )
        paths = ["/?" + urlencode(params) for params in QUERIES.values()]
        rate, p50, p99 = server_bench.load(port, paths, headers, args.requests * 8)
        print(f"page, 8 clients: {rate:.1f} req/s, p50 {p50:.0f} ms, p99 {p99:.0f} ms")
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    finally:
        process.terminate()
        process.wait(timeout=30)


if __name__ == "__main__":
    main()
