"""procex suggest against a large library, ranked by the server, and a changes-feed catch-up.

The library comes from bench/library.py (generated once, cached in ~/.cache/procex-bench and a
PostgreSQL database); its suggest index is built once on top (timed when it happens). `procex serve
--workers 2` serves it. Then:

- `procex suggest --json` for the Koblenz example catalogue (exchange/examples/koblenz) in a fresh
  workspace, as a separate process: wall time and the client's peak memory (max RSS), median of 3;
- a changes-feed catch-up: the listing's serial is noted, 1,000 new versions are published through
  the store (every index and serial maintained as by the API), and GET /api/v1/changes?since= is
  read as a mirror reads it (gzip): time and bytes on the wire, median of 3 reads.

    .venv/bin/python bench/suggest_server.py [--backend postgresql] [--processes 1000000]
"""

import argparse
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import library  # bench/library.py: the generated, cached libraries
import requests
import sqlalchemy as sa
from server import free_port, wait_for

from procex.exchange.server.storage import suggest_index
from procex.exchange.server.storage.store import Store, suggest_processes

KOBLENZ = REPO / "exchange" / "examples" / "koblenz" / "catalogue.csv"
NEW_VERSIONS = 1000
ROUNDS = 3


def ensure_suggest_index(db):
    store = Store(db)
    try:
        with store.read() as conn:
            indexed = conn.execute(sa.select(sa.func.count()).select_from(suggest_processes)).scalar()
        if indexed:
            return None
        began = time.perf_counter()
        with store.write() as conn:
            suggest_index.rebuild(conn, progress=lambda n: n % 100_000 == 0 and print(f"  {n:,}", file=sys.stderr))
        return time.perf_counter() - began
    finally:
        store.close()


def run_suggest(url, token, folder):
    """One `procex suggest --json` in a fresh workspace: (seconds, peak RSS MB, coverage)."""
    ws = Path(folder) / f"ws-{time.monotonic_ns()}"
    env = dict(os.environ, PROCEX_TOKEN=token)
    subprocess.run(
        [sys.executable, "-m", "procex.cli", "init", "--dir", str(ws), "--municipality", "Stadt Koblenz", "--ags",
         "07111000", "--library", url, "--slug", "koblenz"],
        check=True, capture_output=True, env=env,
    )  # fmt: skip
    (ws / "catalogue.csv").write_bytes(KOBLENZ.read_bytes())
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "procex.cli", "suggest", "--json"], cwd=ws, capture_output=True, env=env, check=True
    )
    elapsed = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if peak <= before:
        peak = before  # ru_maxrss of children is the largest so far: runs are kept in rising order below
    return elapsed, peak / 1024, json.loads(done.stdout)["coverage"]


def publish_new_versions(db, count):
    """``count`` new versions of existing processes, through the store (indexes, serials)."""
    store = Store(db)
    try:
        with store.read() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT v.manifest, m.data, v.task_labels FROM processes p JOIN versions v "
                    "ON v.id = p.latest_version_id JOIN models m ON m.version_id = v.id ORDER BY p.id LIMIT :n"
                ),
                {"n": count},
            ).fetchall()
        stamp = time.strftime("%H%M%S")
        for manifest_text, model, labels in rows:
            manifest = json.loads(manifest_text)
            version = manifest["version"].split("-")[0]
            major, minor, patch = (int(part) for part in version.split("."))
            manifest["version"] = f"{major}.{minor}.{patch + 1 + int(stamp) % 1000}"
            manifest.pop("published_at", None)
            outcome = store.publish(manifest, bytes(model), (labels or "").split("\n"))[0]
            assert outcome == "created", outcome
    finally:
        store.close()


def changes_read(api, headers, since):
    """(seconds, bytes on the wire, processes in the answer) of one gzip read of the feed."""
    began = time.perf_counter()
    response = requests.get(
        f"{api}/changes", params={"since": since, "limit": 20000}, headers=dict(headers, **{"Accept-Encoding": "gzip"}),
        stream=True, timeout=60,
    )  # fmt: skip
    raw = response.raw.read(decode_content=False)
    elapsed = time.perf_counter() - began
    response.raise_for_status()
    import gzip

    body = json.loads(gzip.decompress(raw) if response.headers.get("Content-Encoding") == "gzip" else raw)
    return elapsed, len(raw), len(body["processes"]) + len(body["removed"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--processes", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    db = library.library(args.backend, args.processes)
    built = ensure_suggest_index(db)
    store = Store(db)
    koblenz = library.members()[0]["slug"]  # a member of the generated library asks, as Koblenz would
    token, _ = store.create_token(koblenz, "bench")
    store.close()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "procex.cli", "serve", "--db", db, "--port", str(port), "--workers", str(args.workers)],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    url, headers = f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {token}"}
    try:
        wait_for(port, "/api/v1/health", timeout=120)
        with tempfile.TemporaryDirectory() as folder:
            runs = [run_suggest(url, token, folder) for _ in range(ROUNDS)]
        serial = int(
            requests.get(f"{url}/api/v1/index", headers=headers, stream=True, timeout=60).headers["X-Procex-Serial"]
        )
        began = time.perf_counter()
        publish_new_versions(db, NEW_VERSIONS)
        published = time.perf_counter() - began
        reads = [changes_read(f"{url}/api/v1", headers, serial) for _ in range(ROUNDS)]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(60)
    print(
        f"suggest, server-ranked: {args.processes:,} processes on {args.backend}, "
        f"{args.workers} workers, {os.cpu_count()} cores"
    )
    if built is not None:
        print(f"  suggest index built once in {built:.0f} s")
    print(f"  procex suggest --json, Koblenz catalogue: wall {statistics.median(r[0] for r in runs):.2f} s "
          f"(runs {', '.join(f'{r[0]:.2f}' for r in runs)}), client peak RSS {max(r[1] for r in runs):.0f} MB, "
          f"coverage {runs[0][2]}")  # fmt: skip
    print(f"changes feed after {NEW_VERSIONS:,} new versions (published through the store in {published:.0f} s):")
    print(f"  GET /changes?since= (gzip): {statistics.median(r[0] for r in reads) * 1000:.0f} ms median of {ROUNDS}, "
          f"{reads[0][1] / 1e6:.3f} MB on the wire, {reads[0][2]:,} processes")  # fmt: skip


if __name__ == "__main__":
    main()
