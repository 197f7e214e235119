"""Benchmark of the library server: model download, search and key lookup over a generated library.

The library (N LeiKa-named processes, one version and model each, indexed as the server indexes)
comes from bench/library.py, which generates it once with bulk inserts and keeps it in
~/.cache/procex-bench (and a PostgreSQL database) for later runs. `procex serve` runs on
127.0.0.1 and 8 concurrent keep-alive clients drive it: requests per second and p50/p99 latency
for GET .../model and for search by a common word (in 84 % of processes), a rare word, two words,
a Leistungsschlüssel typed as text, and the key lookup (?leistungsschluessel=), on SQLite and on
PostgreSQL (skipped when 127.0.0.1:5432 is not reachable). As a reference, the same model file is
served by `python -m http.server` in the same run; the ratio says what the library costs over a
plain static file server. Last (up to 100,000 processes), the time to fetch the whole listing the
way `procex suggest` does: GET /api/v1/index against paging search, 100 per page.

    .venv/bin/python bench/server.py [--processes 10000] [--requests 2000] [--workers 1]
        [--backend sqlite|postgresql|both] [--search-only]
"""

import argparse
import http.client
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import library  # bench/library.py: the generated, cached libraries

from procex.exchange.server.storage.store import Store

CLIENTS = 8
SEARCHES = {
    # what people type, by kind; each request picks one of the kind's texts
    "common word": ["prüfen", "pruefen", "Prüfung"],
    "rare word": ["Fischereischein", "Hundesteuer", "Bewohnerparkausweis"],
    "two words": ["Gewerbe anmelden", "Wohnsitz Anmeldung", "Führerschein Ausstellung"],
    "key as text": ["99050012104000", "99115005104000", "99102013000000"],
}
KEY_LOOKUPS = ["99050012104000", "99115005104000", "99102013000000", "99023001012000"]
TASKS = library.TASKS


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def model_bytes(name, tasks):
    return library.model_bytes(name, tasks)


def prepare(backend, count):
    """(db, refs, token): the cached generated library, a sample of its processes, a member's token."""
    db = library.library(backend, count)
    member_list = library.members()
    refs = [
        (member_list[i % library.MEMBERS]["slug"], f"prozess-{i:07d}")
        for i in range(1, count + 1, max(1, count // 2000))
    ]
    store = Store(db)
    try:
        token, _ = store.create_token(member_list[0]["slug"], "bench")
    finally:
        store.close()
    return db, refs, token


def wait_for(port, path, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status in (200, 401, 403):
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"nothing answers on port {port}")


def load(port, paths, headers, total, expect=200):
    """``total`` GETs over CLIENTS keep-alive connections: (requests/s, p50 ms, p99 ms)."""
    latencies, errors = [], []
    lock = threading.Lock()
    per_client = total // CLIENTS

    def client(index):
        rng = random.Random(index)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        for _ in range(per_client):
            path = rng.choice(paths)
            start = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - start)
            if response.status != expect:
                errors.append((path, response.status))
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise RuntimeError(f"{len(errors)} unexpected answers, e.g. {errors[:3]}")
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return len(latencies) / elapsed, statistics.median(latencies) * 1000, p99 * 1000


def run_backend(label, backend, count, total, workers, rows, listings, search_only=False):
    began = time.perf_counter()
    db, refs, token = prepare(backend, count)
    ready = time.perf_counter() - began
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "procex.cli", "serve", "--db", db, "--port", str(port), "--workers", str(workers)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for(port, "/api/v1/health")
        headers = {"Authorization": f"Bearer {token}"}
        sample = random.Random(1).sample(refs, min(2000, len(refs)))
        if not search_only:
            model_paths = [f"/api/v1/processes/{p}/{s}/1.0.0/model" for p, s in sample]
            load(port, model_paths[:50], headers, 200)  # warm-up
            rows.append((label, "model GET", *load(port, model_paths, headers, total)))
        every = []
        for kind, texts in SEARCHES.items():
            paths = [f"/api/v1/processes?q={quote(text)}&per_page=20" for text in texts]
            every += paths
            load(port, paths, headers, CLIENTS * 4)  # warm-up
            rows.append((label, kind, *load(port, paths, headers, total // 2)))
        rows.append((label, "all searches", *load(port, every, headers, total)))
        lookups = [f"/api/v1/processes?leistungsschluessel={key}&per_page=20" for key in KEY_LOOKUPS]
        rows.append((label, "key lookup", *load(port, lookups, headers, total // 2)))
        if not search_only and count <= 100_000:
            listings.append((label, *listing_times(port, token, count)))
        print(f"  {label}: library of {count:,} processes ready in {ready:.1f}s", file=sys.stderr)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    return refs


def listing_times(port, token, count, rounds=3):
    """Seconds to fetch the whole listing as `procex suggest` does: GET /index (one streamed
    answer, gzip as the client asks by default, and uncompressed) against paging search 100 per
    page; medians of ``rounds``, one client, no cache. Also the bytes each encoding puts on the wire."""
    from procex.exchange.library.client import LibraryClient

    client = LibraryClient(f"http://127.0.0.1:{port}", token)
    plain = LibraryClient(f"http://127.0.0.1:{port}", token)
    plain.session.headers["Accept-Encoding"] = "identity"
    timings = {"index": [], "index identity": [], "search": []}
    try:
        for _ in range(rounds):
            for how, fetch in (
                ("index", lambda: client.index()[0]),
                ("index identity", lambda: plain.index()[0]),
                ("search", client.search_all),
            ):
                began = time.perf_counter()
                items = fetch()
                timings[how].append(time.perf_counter() - began)
                if len(items) != count:
                    raise RuntimeError(f"the {how} listing has {len(items)} processes, not {count}")
        sizes = {}
        for encoding in ("gzip", "identity"):
            response = client.session.get(
                f"http://127.0.0.1:{port}/api/v1/index", stream=True, headers={"Accept-Encoding": encoding}
            )
            sizes[encoding] = len(response.raw.read(decode_content=False))
            response.close()
    finally:
        client.close()
        plain.close()
    medians = {how: statistics.median(values) for how, values in timings.items()}
    return (
        medians["index"],
        medians["index identity"],
        medians["search"],
        -(-count // 100),
        sizes["gzip"],
        sizes["identity"],
    )


def run_static(total, rows, tmp):
    model = model_bytes("Abfallgebühr", TASKS[:5])
    (Path(tmp) / "model.bpmn").write_bytes(model)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", tmp],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for(port, "/model.bpmn")
        rows.append(("http.server", "static file", *load(port, ["/model.bpmn"], {}, total)))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)


def postgres_available():
    try:
        import psycopg

        with psycopg.connect(library.PG_ADMIN, connect_timeout=3):
            return True
    except Exception as error:
        print(f"  PostgreSQL skipped: {error.__class__.__name__}", file=sys.stderr)
        return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--processes", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=2_000, help="model GETs per backend (search: half)")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--no-pages", action="store_true", help="skip the web page timing (bench/pages.py)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--search-only", action="store_true", help="only search and key lookup (no model GET, listing or pages)"
    )
    args = parser.parse_args()
    rows, listings = [], []
    with tempfile.TemporaryDirectory() as tmp:
        if not args.search_only:
            run_static(args.requests, rows, tmp)
        for backend, label in (("sqlite", "SQLite"), ("postgresql", "PostgreSQL")):
            if args.backend not in (backend, "both"):
                continue
            if backend == "postgresql" and not postgres_available():
                continue
            run_backend(label, backend, args.processes, args.requests, args.workers, rows, listings, args.search_only)
    print(
        f"library server, {args.processes:,} processes, {CLIENTS} concurrent clients, "
        f"{args.workers} worker(s), {os.cpu_count()} cores"
    )
    print(f"{'backend':<12} {'request':<14} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for backend, what, rate, p50, p99 in rows:
        print(f"{backend:<12} {what:<14} {rate:>8.0f} {p50:>8.2f} {p99:>8.2f}")
    static = rows[0][2] if rows and rows[0][0] == "http.server" else None
    for backend, what, rate, _, _ in rows[1:]:
        if what == "model GET" and static:
            print(
                f"ratio {backend} model GET / static file: {rate / static:.2f} "
                f"(static serves {static / rate:.1f}x as many requests per second)"
            )
    if listings:
        print(f"whole listing of {args.processes:,} processes, one client (procex suggest), median of 3:")
    for backend, index_s, identity_s, search_s, pages, gzip_bytes, identity_bytes in listings:
        print(
            f"{backend:<12} GET /index {index_s:.2f} s (uncompressed {identity_s:.2f} s)   "
            f"paging search ({pages} requests) {search_s:.2f} s   ratio {search_s / index_s:.1f}x"
        )
        print(
            f"{'':<12} on the wire: gzip {gzip_bytes / 1e6:.2f} MB, uncompressed {identity_bytes / 1e6:.2f} MB "
            f"({identity_bytes / gzip_bytes:.1f}x)"
        )
    if not args.no_pages and not args.search_only:
        # Issue 10's page timing (process page with a 500-node model, 8 clients) lives in
        # bench/pages.py; run it as part of the server benchmark so one run gives every figure.
        print()
        subprocess.run([sys.executable, str(Path(__file__).with_name("pages.py"))], check=True)


if __name__ == "__main__":
    main()
