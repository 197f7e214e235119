"""Benchmark of the library server: model download, search and key lookup over a generated library.

The library (N LeiKa-named processes, one version and model each, indexed as the server indexes)
comes from bench/library.py, which generates it once with bulk inserts and keeps it in
~/.cache/procex-bench (and a PostgreSQL database) for later runs. `procex serve` runs on
127.0.0.1 and 8 concurrent keep-alive clients drive it: requests per second and p50/p99 latency
for GET .../model and for search by a common word (in 84 % of processes), a rare word, two words,
a Leistungsschlüssel typed as text, and the key lookup (?leistungsschluessel=), on SQLite and on
PostgreSQL (skipped when 127.0.0.1:5432 is not reachable). Beside each latency, the CPU the
request cost the server (uvicorn workers, and on PostgreSQL the database backends serving them),
read from /proc: on a machine that other work shares, latency measures the contention, CPU per
request does not. With --search-only, the store alone (Store.search_page in this process, one
caller) is timed too: median CPU ms of this process (Python, and SQLite itself) and of its
PostgreSQL backend per search. As a reference, the same model file is
served by `python -m http.server` in the same run; the ratio says what the library costs over a
plain static file server. Last (up to 100,000 processes), the time to fetch the whole listing the
way `procex suggest` does: GET /api/v1/index against paging search, 100 per page.

    .venv/bin/python bench/server.py [--processes 10000] [--requests 2000] [--workers 1]
        [--backend sqlite|postgresql|both] [--search-only] [--rate 100]

The clients run closed loop (each sends again as soon as it is answered: the saturated
throughput, at which p50 is about 8 / throughput) and, with --rate R, also open loop (requests
due at R per second in all, latency counted from when each was due: latency at that load). The
key lookup is also timed with one client, the latency of a lookup on a server that is not busy.
The "clients" column is this process's CPU per request: the client threads share the cores.

The target of issue 13 (1,000,000 processes on PostgreSQL, 100,000 on SQLite, 2 workers; 100
req/s the throughput asked for):

    .venv/bin/python bench/server.py --search-only --requests 800 --workers 2 --rate 100 \
        --processes 1000000 --backend postgresql
    .venv/bin/python bench/server.py --search-only --requests 800 --workers 2 --rate 100 \
        --processes 100000 --backend sqlite
"""

import argparse
import hashlib
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
MID_WORDS = ["Gewerbe", "Steuer", "Antrag"]  # store alone only: 2-5 % of processes
FALLBACKS = {
    # store alone only: searches that find nothing as typed, and what the fallbacks cost them
    "typo": ["Gewerbeanmledung", "Hundesteur", "Fischereischien"],
    "fewer words": ["Führerschein verloren", "Auto anmelden", "Hundesteuer abmelden"],
    "nothing found": ["Raumfahrtbehörde", "xyzzy qwert asdfg zxcvb"],
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
    """(db, refs, token): the cached generated library, a sample of its processes, a member's token.

    The token is kept in the cache folder beside the library, so that later runs read the library
    without writing to it (one token row, the first time)."""
    db = library.library(backend, count)
    member_list = library.members()
    refs = [
        (member_list[i % library.MEMBERS]["slug"], f"prozess-{i:07d}")
        for i in range(1, count + 1, max(1, count // 2000))
    ]
    kept = library.cache_dir() / f"token-{hashlib.sha256(db.encode()).hexdigest()[:16]}"
    store = Store(db)
    try:
        token = kept.read_text().strip() if kept.exists() else None
        if not token or store.member_for_token(token) is None:
            token, _ = store.create_token(member_list[0]["slug"], "bench")
            kept.write_text(token + "\n")
            kept.chmod(0o600)
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


TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid):
    """The fields of /proc/PID/stat after the command name, or None when the process is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def cpu_by_pid(pids):
    """{pid: CPU seconds (user + system) so far} of the processes that still run."""
    found = {}
    for pid in pids:
        fields = _stat(pid)
        if fields:
            found[pid] = (int(fields[11]) + int(fields[12])) / TICK
    return found


def group_pids(pgid):
    """The processes of process group ``pgid`` (the server and its workers)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(entry.name)
            if fields and int(fields[2]) == pgid:
                pids.append(int(entry.name))
    return pids


def backend_pids(application_name):
    """The PostgreSQL backends serving connections named ``application_name`` (PGAPPNAME)."""
    import psycopg

    with psycopg.connect(library.PG_ADMIN) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", (application_name,))
        return [row[0] for row in rows]


class Meter:
    """CPU seconds spent by the server's processes and, on PostgreSQL, by the backends serving it.
    Processes that start during a measurement count from zero."""

    def __init__(self, pgid=None, application_name=None):
        self.pgid = pgid
        self.application_name = application_name

    def read(self):
        server = cpu_by_pid(group_pids(self.pgid)) if self.pgid else {}
        database = cpu_by_pid(backend_pids(self.application_name)) if self.application_name else {}
        return server, database

    @staticmethod
    def spent(before, after):
        """(server seconds, database seconds) between two read()s."""
        return tuple(
            sum(seconds - earlier.get(pid, 0.0) for pid, seconds in later.items())
            for earlier, later in zip(before, after, strict=True)
        )


def load(port, paths, headers, total, expect=200, meter=None, rate=None, clients=CLIENTS):
    """``total`` GETs over ``clients`` keep-alive connections: (requests/s, p50 ms, p99 ms, server
    CPU ms per request, database CPU ms per request, this process's CPU ms per request: the
    clients' own cost on the same cores); the server and database figures are None without a meter.

    Without ``rate``, closed loop: each client sends its next request as soon as the last one is
    answered, which gives the saturated throughput (and p50 about clients / throughput). With
    ``rate``, open loop: request i is due ``i / rate`` seconds after the start, whichever client
    is free sends it, and its latency counts from when it was due, so a request that waited for a
    free client (the server being behind) counts its wait too: latency at that load."""
    latencies, errors = [], []
    lock = threading.Lock()
    per_client = total // clients
    count = per_client * clients
    due = iter(range(count))

    def client(index):
        rng = random.Random(index)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        for _ in range(per_client):
            path = rng.choice(paths)
            if rate:
                with lock:
                    start = began + next(due) / rate
                time.sleep(max(0.0, start - time.perf_counter()))
            else:
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

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    before = meter.read() if meter else None
    own_before = time.process_time()
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    own = (time.process_time() - own_before) * 1000 / len(latencies)
    cpu = (None, None)
    if meter:
        server_s, database_s = Meter.spent(before, meter.read())
        cpu = (server_s * 1000 / len(latencies), database_s * 1000 / len(latencies) if meter.application_name else None)
    if errors:
        raise RuntimeError(f"{len(errors)} unexpected answers, e.g. {errors[:3]}")
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return len(latencies) / elapsed, statistics.median(latencies) * 1000, p99 * 1000, *cpu, own


def run_backend(
    label, backend, count, total, workers, rows, listings, search_only=False, alone=None, rate=None, paced=None
):
    began = time.perf_counter()
    db, refs, token = prepare(backend, count)
    ready = time.perf_counter() - began
    port = free_port()
    application_name = f"procex-bench-{port}" if backend == "postgresql" else None
    env = dict(os.environ, **({"PGAPPNAME": application_name} if application_name else {}))
    server = subprocess.Popen(
        [sys.executable, "-m", "procex.cli", "serve", "--db", db, "--port", str(port), "--workers", str(workers)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env=env,
    )
    try:
        wait_for(port, "/api/v1/health")
        meter = Meter(server.pid, application_name)
        headers = {"Authorization": f"Bearer {token}"}
        sample = random.Random(1).sample(refs, min(2000, len(refs)))
        if not search_only:
            model_paths = [f"/api/v1/processes/{p}/{s}/1.0.0/model" for p, s in sample]
            load(port, model_paths[:50], headers, 200)  # warm-up
            rows.append((label, "model GET", *load(port, model_paths, headers, total, meter=meter)))
        kinds = {
            kind: [f"/api/v1/processes?q={quote(text)}&per_page=20" for text in texts]
            for kind, texts in SEARCHES.items()
        }
        kinds["all searches"] = [path for paths in kinds.values() for path in paths]
        kinds["key lookup"] = [f"/api/v1/processes?leistungsschluessel={key}&per_page=20" for key in KEY_LOOKUPS]
        for kind, paths in kinds.items():
            load(port, paths, headers, CLIENTS * 4)  # warm-up
            requests = total if kind == "all searches" else total // 2
            rows.append((label, kind, *load(port, paths, headers, requests, meter=meter)))
            if rate:
                paced.append((label, kind, *load(port, paths, headers, requests, meter=meter, rate=rate)))
        # a lookup's latency when the server is not saturated: one client, one request at a time
        rows.append((label, "key lookup, 1 client", *load(port, kinds["key lookup"], headers, total // 4, clients=1)))
        if not search_only and count <= 100_000:
            listings.append((label, *listing_times(port, token, count)))
        print(f"  {label}: library of {count:,} processes ready in {ready:.1f}s", file=sys.stderr)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    if alone is not None:
        alone.extend((label, *figures) for figures in store_alone(db, backend))
    return refs


def store_alone(db, backend, rounds=7):
    """Store.search_page in this process, one caller, for each kind: (kind, median CPU ms of this
    process, CPU ms of the PostgreSQL backend per search or None, median wall ms), twice: as a
    repeated search (totals kept per library state, storage/search.CountCache) and counted anew
    (the cache emptied before each call). "mid word" (Gewerbe, Steuer, Antrag: 2-5 % of processes,
    the costliest to count) and the searches that find nothing as typed (FALLBACKS: a typo, a word
    no process holds, nothing at all; storage/search_fallback.py) are timed here only, not over HTTP."""
    from procex.exchange.server.storage.search import SearchQuery

    application_name = f"procex-bench-alone-{os.getpid()}"
    if backend == "postgresql":
        os.environ["PGAPPNAME"] = application_name
    store = Store(db)
    meter = Meter(None, application_name if backend == "postgresql" else None)
    kinds = {kind: [SearchQuery(text=text) for text in texts] for kind, texts in SEARCHES.items()}
    kinds["mid word"] = [SearchQuery(text=text) for text in MID_WORDS]
    kinds["key lookup"] = [SearchQuery(keys=(key,)) for key in KEY_LOOKUPS]
    kinds.update({kind: [SearchQuery(text=text) for text in texts] for kind, texts in FALLBACKS.items()})
    figures = []
    try:
        for queries in kinds.values():
            for query in queries:
                store.search_page(query)  # warm-up: caches, the pool's connection
        for anew in (False, True):
            for kind, queries in kinds.items():
                cpu, wall = [], []
                before = meter.read()
                for _ in range(rounds):
                    for query in queries:
                        if anew:
                            store._counts.clear()  # the bench times the uncached path
                        cpu_began, wall_began = time.process_time(), time.perf_counter()
                        store.search_page(query)
                        cpu.append(time.process_time() - cpu_began)
                        wall.append(time.perf_counter() - wall_began)
                database = None
                if backend == "postgresql":
                    database = Meter.spent(before, meter.read())[1] * 1000 / len(cpu)
                label = f"{kind}, anew" if anew else kind
                figures.append((label, statistics.median(cpu) * 1000, database, statistics.median(wall) * 1000))
    finally:
        store.close()
        os.environ.pop("PGAPPNAME", None)
    return figures


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


def print_rows(title, rows):
    print(title)
    print(
        f"{'backend':<12} {'request':<20} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/req':>11} "
        f"{'of it db':>9} {'clients':>8}"
    )
    for backend, what, rate, p50, p99, server_cpu, database_cpu, own in rows:
        cpu = f"{'':>11}" if server_cpu is None else f"{server_cpu + (database_cpu or 0):>11.2f}"
        database = f"{'':>9}" if database_cpu is None else f"{database_cpu:>9.2f}"
        print(f"{backend:<12} {what:<20} {rate:>8.0f} {p50:>8.2f} {p99:>8.2f} {cpu} {database} {own:>8.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--processes", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=2_000, help="model GETs per backend (search: half)")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--no-pages", action="store_true", help="skip the web page timing (bench/pages.py)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--rate",
        type=float,
        help="also send the searches open loop at this rate (requests/s, all 8 clients): latency at that load",
    )
    parser.add_argument(
        "--search-only", action="store_true", help="only search and key lookup (no model GET, listing or pages)"
    )
    args = parser.parse_args()
    rows, listings, paced = [], [], []
    alone = [] if args.search_only else None
    with tempfile.TemporaryDirectory() as tmp:
        if not args.search_only:
            run_static(args.requests, rows, tmp)
        for backend, label in (("sqlite", "SQLite"), ("postgresql", "PostgreSQL")):
            if args.backend not in (backend, "both"):
                continue
            if backend == "postgresql" and not postgres_available():
                continue
            run_backend(
                label,
                backend,
                args.processes,
                args.requests,
                args.workers,
                rows,
                listings,
                args.search_only,
                alone,
                args.rate,
                paced,
            )
    load_average = "/".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"library server, {args.processes:,} processes, {CLIENTS} concurrent clients, "
        f"{args.workers} worker(s), {os.cpu_count()} cores, load average {load_average} (1/5/15 min) at the end"
    )
    print(
        "CPU ms/req: the server's processes (and the PostgreSQL backends serving them) per request; "
        "clients: this benchmark's client threads, on the same cores"
    )
    print_rows("closed loop (each client sends again when answered): saturated throughput", rows)
    if paced:
        print_rows(f"open loop at {args.rate:g} req/s (latency from when each request was due)", paced)
    if alone:
        print(
            f"store alone (Store.search_page, one caller, median of {7 * 3} or more calls per kind; "
            "'anew': totals counted again each time, not kept per library state):"
        )
        print(f"{'backend':<12} {'request':<21} {'CPU ms':>8} {'db CPU ms':>10} {'wall ms':>8}")
        for backend, what, cpu, database, wall in alone:
            database = "" if database is None else f"{database:>10.2f}"
            print(f"{backend:<12} {what:<21} {cpu:>8.2f} {database:>10} {wall:>8.2f}")
    static = rows[0][2] if rows and rows[0][0] == "http.server" else None
    for backend, what, rate, *_ in rows[1:]:
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
