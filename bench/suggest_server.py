"""procex suggest against a large library, ranked by the server, and a changes-feed catch-up.

The library comes from bench/library.py (generated once, cached in ~/.cache/procex-bench and a
PostgreSQL database). The bench never writes into it: it works on a copy (PostgreSQL: a database
made from it as a template, ``<library>_suggest``; SQLite: a copy of the file), made once and kept
with its suggest index, which bench/library.py does not build (the build is timed when it
happens). `procex serve --workers 2` serves the copy. Then:

- `procex suggest --json` for the Koblenz example catalogue (exchange/examples/koblenz, 148 waiting
  entries) in a fresh workspace, as a separate process: wall time and the client's peak memory
  (max RSS), median of 3;
- the server's own time for those entries: POST /api/v1/suggest with the same body, median of 3;
- a changes-feed catch-up: the listing's serial is noted, 1,000 new versions are published through
  the store (every index and serial maintained as by the API), and GET /api/v1/changes?since= is
  read as a mirror reads it (gzip): time and bytes on the wire, median of 3 reads. The copy keeps
  those versions: each run adds 1,000.

    .venv/bin/python bench/suggest_server.py --backend postgresql --processes 1000000
    .venv/bin/python bench/suggest_server.py --db postgresql://…/a_copy   # a library to write into
"""

import argparse
import json
import os
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

from procex.exchange.catalogue import entries as catalogue
from procex.exchange.catalogue.suggest import waiting_entries
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


def working_copy(backend, count):
    """A copy of the generated library that this bench may write into (made once, then kept)."""
    source = library.library(backend, count)
    marker = library.cache_dir() / f"suggest-{backend}-{Path(source).name.rsplit('/', 1)[-1]}.done"
    if backend == "sqlite":
        target = Path(source).with_name(Path(source).stem + "-suggest.sqlite")
        if not marker.exists():
            import sqlite3

            target.unlink(missing_ok=True)
            with sqlite3.connect(source) as original, sqlite3.connect(target) as copy:
                original.backup(copy)
            marker.write_text(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()) + "\n")
        return str(target)
    import psycopg

    name = source.rsplit("/", 1)[-1]
    copy = f"{name}_suggest"
    if not marker.exists():
        with psycopg.connect(library.PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
            for attempt in range(120):  # a template must have no other session: wait for them
                try:
                    conn.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
                    break
                except psycopg.errors.ObjectInUse:
                    if attempt == 119:
                        raise
                    time.sleep(5)
        marker.write_text(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()) + "\n")
    return library.PG_URL.format(name=copy)


def server_suggest(api, headers, entries):
    """Seconds of one POST /api/v1/suggest for ``entries`` (what the client sends, in parts of 200)."""
    began = time.perf_counter()
    for start in range(0, len(entries), 200):
        response = requests.post(f"{api}/suggest", json={"entries": entries[start : start + 200], "limit": 5},
                                 headers=headers, timeout=600)  # fmt: skip
        response.raise_for_status()
    return time.perf_counter() - began


def run_suggest(url, token, folder):
    """One `procex suggest --json` in a fresh workspace: (seconds, peak RSS MB, CPU seconds, coverage).

    The client runs as an installed procex does, with its bytecode cached (the first, warming run
    writes it even where PYTHONDONTWRITEBYTECODE is set); its own rusage is read with wait4."""
    ws = Path(folder) / f"ws-{time.monotonic_ns()}"
    env = dict(os.environ, PROCEX_TOKEN=token)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run(
        [sys.executable, "-m", "procex.cli", "init", "--dir", str(ws), "--municipality", "Stadt Koblenz", "--ags",
         "07111000", "--library", url, "--slug", "koblenz"],
        check=True, capture_output=True, env=env,
    )  # fmt: skip
    (ws / "catalogue.csv").write_bytes(KOBLENZ.read_bytes())
    out = ws / "suggest.json"
    with open(out, "wb") as stdout:
        began = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", "procex.cli", "suggest", "--json"], cwd=ws, env=env,
                                 stdout=stdout, stderr=subprocess.DEVNULL)  # fmt: skip
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - began
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"procex suggest failed with exit status {child.returncode}")
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, usage.ru_maxrss / 1024, cpu, json.loads(out.read_bytes())["coverage"]


def group_cpu(pid):
    """CPU seconds used so far by the processes of ``pid``'s process group (the server and its workers)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pid:  # the process group id
            total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


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
    parser.add_argument("--db", help="use this library database as it is (the bench writes into it)")
    args = parser.parse_args()
    db = args.db or working_copy(args.backend, args.processes)
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
            run_suggest(url, token, folder)  # warming: bytecode, the server's caches
            runs = [run_suggest(url, token, folder) for _ in range(ROUNDS)]
        entries = [
            {"leistungsschluessel": e.leistungsschluessel, "title": e.title}
            for e in waiting_entries(catalogue.read_catalogue(KOBLENZ))
        ]
        answered = []
        for _ in range(ROUNDS):
            cpu = group_cpu(server.pid)
            answered.append((server_suggest(f"{url}/api/v1", headers, entries), group_cpu(server.pid) - cpu))
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
    listed = len(entries)
    print(
        f"suggest, server-ranked: {args.processes:,} processes on {args.backend} ({db.rsplit('/', 1)[-1]}), "
        f"{args.workers} workers, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
    )
    if built is not None:
        print(f"  suggest index built once in {built:.0f} s")
    print(f"  procex suggest --json, Koblenz catalogue: wall {statistics.median(r[0] for r in runs):.2f} s "
          f"(runs {', '.join(f'{r[0]:.2f}' for r in runs)}), client CPU {statistics.median(r[2] for r in runs):.2f} s, "
          f"client peak RSS {max(r[1] for r in runs):.0f} MB, coverage {runs[0][3]}")  # fmt: skip
    print(f"  POST /api/v1/suggest, {listed} entries: server wall {statistics.median(a[0] for a in answered):.2f} s, "
          f"server CPU {statistics.median(a[1] for a in answered):.2f} s, median of {ROUNDS} "
          f"(walls {', '.join(f'{a[0]:.2f}' for a in answered)})")  # fmt: skip
    print(f"changes feed after {NEW_VERSIONS:,} new versions (published through the store in {published:.0f} s):")
    print(f"  GET /changes?since= (gzip): {statistics.median(r[0] for r in reads) * 1000:.0f} ms median of {ROUNDS}, "
          f"{reads[0][1] / 1e6:.3f} MB on the wire, {reads[0][2]:,} processes")  # fmt: skip


if __name__ == "__main__":
    main()
