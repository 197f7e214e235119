"""Benchmark of the library server: model download and search with 10,000 published processes.

Seeds 10,000 processes (one version each, with its own BPMN model) straight through the store,
starts `procex serve` on 127.0.0.1, and drives it with 8 concurrent keep-alive clients: requests
per second and p50/p99 latency for GET .../model and for GET /processes?q=..., on SQLite and on
PostgreSQL (skipped when 127.0.0.1:5432 is not reachable). As a reference, the same model file
is served by `python -m http.server` in the same run; the ratio says what the library costs over
a plain static file server. Last, the time to fetch the whole listing the way `procex suggest`
does: GET /api/v1/index (one streamed answer) against paging search, 100 per page.

    .venv/bin/python bench/server.py [--processes 10000] [--requests 2000] [--workers 1]
"""

import argparse
import csv
import http.client
import json
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
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import sqlalchemy as sa

from procex.exchange.library import package
from procex.exchange.server import admin
from procex.exchange.server.storage.store import (
    Store,
    members,
    models,
    process_search_fields,
    processes,
    versions,
)

LEIKA = REPO.parent / "shared" / "data" / "leika" / "leika_2019.csv"
CLIENTS = 8
TASKS = [
    "Antrag prüfen",
    "Unterlagen anfordern",
    "Gebühr festsetzen",
    "Bescheid erstellen",
    "Akte anlegen",
    "Zahlung verbuchen",
    "Stellungnahme einholen",
    "Vollständigkeit prüfen",
    "Termin vereinbaren",
    "Daten an Register melden",
    "Bescheid versenden",
    "Widerspruch prüfen",
]
WORDS = [
    "gewerbe",
    "hund",
    "anmeldung",
    "bescheid",
    "abfall",
    "pruefen",
    "gebuehr",
    "antrag",
    "wohngeld",
    "fuehrerschein",
    "zahlung",
    "register",
]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def services(count):
    """(leistungsschluessel, name) pairs: LeiKa names when ../shared is there, else made up."""
    rows = []
    if LEIKA.is_file():
        with open(LEIKA, encoding="utf-8") as handle:
            rows = [(row["leistungsschluessel"], row["leistungsbezeichnung"]) for row in csv.DictReader(handle)]
    if not rows:
        rows = [(f"99{i:012d}", f"Leistung {i}") for i in range(1, 1001)]
    return [rows[i % len(rows)] for i in range(count)]


def model_bytes(name, tasks):
    nodes = "".join(f'<bpmn:task id="t{i}" name="{task}"/>' for i, task in enumerate(tasks))
    flows = "".join(
        f'<bpmn:sequenceFlow id="f{i}" sourceRef="t{i}" targetRef="t{i + 1}"/>' for i in range(len(tasks) - 1)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions '
        f'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" '
        f'targetNamespace="http://procex.bench/"><bpmn:process id="p" name="{name}">'
        f"{nodes}{flows}</bpmn:process></bpmn:definitions>\n"
    ).encode()


def seed(db, count):
    """Insert ``count`` processes with one version and model each, in bulk; returns (refs, token)."""
    rng = random.Random(7)
    store = Store(db)
    publishers = [f"gemeinde-{i:03d}" for i in range(50)]
    now = package.utc_now()
    member_rows = [
        {
            "id": i + 1,
            "slug": slug,
            "name": f"Gemeinde {i}",
            "ags": f"07{i:06d}",
            "created_at": now,
            "agreed_at": now,
            "agreement_license": "dl-de/by-2-0",
        }
        for i, slug in enumerate(publishers)
    ]
    process_rows, version_rows, model_rows, refs = [], [], [], []
    for i, (key, name) in enumerate(services(count), start=1):
        publisher, slug = publishers[i % len(publishers)], f"prozess-{i:05d}"
        tasks = rng.sample(TASKS, 5)
        model = model_bytes(name.replace("&", "und").replace("<", ""), tasks)
        manifest = package.build_manifest(
            publisher=publisher,
            slug=slug,
            version="1.0.0",
            name=name,
            model_bytes=model,
            model_file=f"{slug}.bpmn",
            region={"ags": "07211000", "name": "Gemeinde"},
            contact={"office": "Bürgeramt", "mailbox": "buergeramt@gemeinde.example"},
            license="dl-de/by-2-0",
            leistungsschluessel=[key],
            keywords=name.split()[:2],
            description=f"{name}: Referenzprozess",
            published_at=now,
        )
        process_rows.append(
            dict(
                id=i,
                publisher=publisher,
                slug=slug,
                name=name,
                created_at=now,
                latest_version="1.0.0",
                latest_version_id=i,
                updated_at=now,
                **process_search_fields(manifest, tasks),
            )
        )
        version_rows.append(
            dict(
                id=i,
                process_id=i,
                publisher=publisher,
                slug=slug,
                version="1.0.0",
                version_sort=package.version_sort_text("1.0.0"),
                manifest=json.dumps(manifest, ensure_ascii=False, sort_keys=True),
                model_sha256=manifest["model"]["sha256"],
                model_size=len(model),
                published_at=now,
                task_labels="\n".join(tasks),
            )
        )
        model_rows.append({"version_id": i, "data": model})
        refs.append((publisher, slug))
    with store.write() as conn:
        conn.execute(members.insert(), member_rows)
        for table, rows in ((processes, process_rows), (versions, version_rows), (models, model_rows)):
            for start in range(0, len(rows), 2000):
                conn.execute(table.insert(), rows[start : start + 2000])
        if store.dialect == "postgresql":
            for name in ("members", "processes", "versions"):
                conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), {count + 100})"))
    if store.dialect == "postgresql":  # as autovacuum would after a real import
        with store.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    store.close()
    token = admin.seed(db, [{"slug": publishers[0], "name": "Gemeinde 0", "ags": "07000000"}])[publishers[0]]
    return refs, token


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


def run_backend(label, db, count, total, workers, rows, listings):
    began = time.perf_counter()
    refs, token = seed(db, count)
    seeded = time.perf_counter() - began
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
        model_paths = [f"/api/v1/processes/{p}/{s}/1.0.0/model" for p, s in sample]
        search_paths = [f"/api/v1/processes?q={word}&per_page=20" for word in WORDS]
        load(port, model_paths[:50], headers, 200)  # warm-up
        rows.append((label, "model GET", *load(port, model_paths, headers, total)))
        rows.append((label, "search", *load(port, search_paths, headers, total // 2)))
        listings.append((label, *listing_times(port, token, count)))
        print(f"  {label}: seeded {count:,} processes in {seeded:.1f}s", file=sys.stderr)
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


def postgres_url():
    try:
        import psycopg

        with psycopg.connect(
            "host=127.0.0.1 port=5432 user=postgres dbname=test", connect_timeout=3, autocommit=True
        ) as conn:
            name = f"procex_bench_{uuid.uuid4().hex[:10]}"
            conn.execute(f'CREATE DATABASE "{name}"')
        return name
    except Exception as error:
        print(f"  PostgreSQL skipped: {error.__class__.__name__}", file=sys.stderr)
        return None


def drop_postgres(name):
    import psycopg

    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--processes", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=2_000, help="model GETs per backend (search: half)")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--no-pages", action="store_true", help="skip the web page timing (bench/pages.py)")
    args = parser.parse_args()
    rows, listings = [], []
    with tempfile.TemporaryDirectory() as tmp:
        run_static(args.requests, rows, tmp)
        run_backend(
            "SQLite", str(Path(tmp) / "bench.sqlite"), args.processes, args.requests, args.workers, rows, listings
        )
        pg = postgres_url()
        if pg:
            try:
                run_backend(
                    "PostgreSQL",
                    f"postgresql://postgres@127.0.0.1:5432/{pg}",
                    args.processes,
                    args.requests,
                    args.workers,
                    rows,
                    listings,
                )
            finally:
                drop_postgres(pg)
    print(
        f"library server, {args.processes:,} processes, {CLIENTS} concurrent clients, "
        f"{args.workers} worker(s), {os.cpu_count()} cores"
    )
    print(f"{'backend':<12} {'request':<12} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for backend, what, rate, p50, p99 in rows:
        print(f"{backend:<12} {what:<12} {rate:>8.0f} {p50:>8.2f} {p99:>8.2f}")
    static = rows[0][2]
    for backend, what, rate, _, _ in rows[1:]:
        if what == "model GET":
            print(
                f"ratio {backend} model GET / static file: {rate / static:.2f} "
                f"(static serves {static / rate:.1f}x as many requests per second)"
            )
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
    if not args.no_pages:
        # Issue 10's page timing (process page with a 500-node model, 8 clients) lives in
        # bench/pages.py; run it as part of the server benchmark so one run gives every figure.
        print()
        subprocess.run([sys.executable, str(Path(__file__).with_name("pages.py"))], check=True)


if __name__ == "__main__":
    main()
