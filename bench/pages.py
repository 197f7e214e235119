"""Benchmark of the library's web pages: the process page of a 500-node model.

Publishes a generated model with 500 flow nodes (5 lanes, 100 columns, full diagram interchange)
to a `procex serve` on 127.0.0.1 (SQLite), signs in, and drives GET /p/<publisher>/<slug> with 8
concurrent keep-alive clients: requests per second, p50 and p99 latency. Reported separately:
the first view (the page renders the SVG and validates the model, then caches both by the model's
sha256), steady state, the compare page of two versions of that model (diffs and renders both,
not cached), and render_svg alone in-process.

    .venv/bin/python bench/pages.py [--requests 800] [--nodes 500] [--workers 1]
"""

import argparse
import http.client
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from procex.exchange.library import package
from procex.exchange.server import admin
from tests.libserver import LibraryServer

CLIENTS = 8
LANES = 5
KINDS = [
    "userTask",
    "serviceTask",
    "task",
    "exclusiveGateway",
    "sendTask",
    "manualTask",
    "parallelGateway",
    "businessRuleTask",
    "intermediateCatchEvent",
    "receiveTask",
]
LABELS = [
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
]


def big_model(nodes, renamed=False):
    """A pool with LANES lanes and ``nodes`` flow nodes in columns, each flowing to the next."""
    columns = (nodes + LANES - 1) // LANES
    lane_h, col_w = 140, 150
    width = 40 + columns * col_w
    sem, di, refs = [], [], {i: [] for i in range(LANES)}
    ids = []
    for n in range(nodes):
        col, lane = divmod(n, LANES)
        kind = "startEvent" if n == 0 else "endEvent" if n == nodes - 1 else KINDS[n % len(KINDS)]
        ident = f"N{n}"
        name = LABELS[n % len(LABELS)] + f" {n}"
        if renamed and n % 50 == 7:
            name += " (geändert)"
        sem.append(f'<bpmn:{kind} id="{ident}" name="{name}"/>')
        refs[lane].append(ident)
        ids.append(ident)
        if kind.endswith("Event"):
            w = h = 36
        elif kind.endswith("Gateway"):
            w = h = 50
        else:
            w, h = 100, 80
        x = 80 + col * col_w + (100 - w) / 2
        y = 20 + lane * lane_h + (lane_h - h) / 2
        di.append(
            f'<bpmndi:BPMNShape id="{ident}_di" bpmnElement="{ident}"><dc:Bounds x="{x}" y="{y}" '
            f'width="{w}" height="{h}"/></bpmndi:BPMNShape>'
        )
    for n in range(nodes - 1):
        a, b = n, n + 1
        flow = f"F{n}"
        sem.append(f'<bpmn:sequenceFlow id="{flow}" sourceRef="N{a}" targetRef="N{b}"/>')
        ca, la = divmod(a, LANES)
        cb, lb = divmod(b, LANES)
        x1, y1 = 80 + ca * col_w + 50, 20 + la * lane_h + lane_h / 2
        x2, y2 = 80 + cb * col_w + 50, 20 + lb * lane_h + lane_h / 2
        di.append(
            f'<bpmndi:BPMNEdge id="{flow}_di" bpmnElement="{flow}"><di:waypoint x="{x1}" y="{y1}"/>'
            f'<di:waypoint x="{x1 + 25}" y="{y1}"/><di:waypoint x="{x1 + 25}" y="{y2}"/>'
            f'<di:waypoint x="{x2}" y="{y2}"/></bpmndi:BPMNEdge>'
        )
    lanes = "".join(
        f'<bpmn:lane id="L{i}" name="Amt {i}">'
        + "".join(f"<bpmn:flowNodeRef>{r}</bpmn:flowNodeRef>" for r in refs[i])
        + "</bpmn:lane>"
        for i in range(LANES)
    )
    lane_di = "".join(
        f'<bpmndi:BPMNShape id="L{i}_di" bpmnElement="L{i}" isHorizontal="true"><dc:Bounds x="30" '
        f'y="{20 + i * lane_h}" width="{width}" height="{lane_h}"/></bpmndi:BPMNShape>'
        for i in range(LANES)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="Defs" targetNamespace="urn:bench">
  <bpmn:collaboration id="C"><bpmn:participant id="P" name="Stadt Bench" processRef="Proc"/></bpmn:collaboration>
  <bpmn:process id="Proc" isExecutable="false"><bpmn:laneSet id="LS">{lanes}</bpmn:laneSet>{"".join(sem)}</bpmn:process>
  <bpmndi:BPMNDiagram id="D"><bpmndi:BPMNPlane id="PL" bpmnElement="C">
    <bpmndi:BPMNShape id="P_di" bpmnElement="P" isHorizontal="true">
      <dc:Bounds x="0" y="20" width="{width + 30}" height="{LANES * lane_h}"/></bpmndi:BPMNShape>
    {lane_di}{"".join(di)}
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>
""".encode()


def sign_in(lib, token):
    conn = http.client.HTTPConnection("127.0.0.1", lib.port, timeout=60)
    conn.request(
        "POST",
        "/signin",
        urlencode({"token": token, "next": "/"}),
        {"Content-Type": "application/x-www-form-urlencoded", "Origin": lib.url},
    )
    response = conn.getresponse()
    response.read()
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    conn.close()
    return cookie


def timed_get(conn, path, cookie):
    start = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": cookie})
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - start
    if response.status != 200:
        raise RuntimeError(f"GET {path}: {response.status} {body[:200]!r}")
    return elapsed, len(body)


def drive(lib, path, cookie, total):
    """``total`` GETs of ``path`` from CLIENTS keep-alive clients: (seconds, [latencies])."""
    latencies, lock = [], threading.Lock()
    per_client = total // CLIENTS

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", lib.port, timeout=120)
        mine = [timed_get(conn, path, cookie)[0] for _ in range(per_client)]
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, latencies


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def report(label, seconds, latencies):
    print(
        f"{label:<44} {len(latencies) / seconds:8.1f} req/s   p50 {pct(latencies, 50) * 1000:7.1f} ms"
        f"   p99 {pct(latencies, 99) * 1000:7.1f} ms"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=800)
    parser.add_argument("--nodes", type=int, default=500)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()

    model = big_model(args.nodes)
    model2 = big_model(args.nodes, renamed=True)
    from procex.bpmn.model import Model
    from procex.bpmn.render import render_svg

    parsed = Model.from_bytes(model, "bench.bpmn")
    runs = []
    for _ in range(7):
        start = time.perf_counter()
        svg = render_svg(parsed)
        runs.append(time.perf_counter() - start)
    print(
        f"model: {args.nodes} flow nodes, {args.nodes - 1} flows, {len(model) // 1024} KiB; "
        f"SVG {len(svg) // 1024} KiB; render_svg median {statistics.median(runs) * 1000:.1f} ms (in-process)"
    )

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "pages.sqlite")
        lib = LibraryServer(db, workers=args.workers, log_dir=tmp).start()
        try:
            token = admin.seed(
                db, [{"slug": "bench", "name": "Stadt Bench", "ags": "07211000", "license": "dl-de/by-2-0"}]
            )["bench"]

            class Member:
                slug, headers = "bench", {"Authorization": f"Bearer {token}"}

            for version, data in (("1.0.0", model), ("1.1.0", model2)):
                manifest = package.build_manifest(
                    publisher="bench",
                    slug="gross",
                    version=version,
                    name="Großer Prozess",
                    model_bytes=data,
                    model_file="gross.bpmn",
                    region={"ags": "07211000", "name": "Stadt Bench"},
                    contact={"office": "Hauptamt", "mailbox": "prozesse@bench.example"},
                    license="dl-de/by-2-0",
                    leistungsschluessel=["99050012104000"],
                )
                response = lib.put_package(Member, manifest, data)
                if response.status_code != 201:
                    raise SystemExit(f"publish failed: {response.status_code} {response.text[:300]}")
            cookie = sign_in(lib, token)
            conn = http.client.HTTPConnection("127.0.0.1", lib.port, timeout=120)
            first, size = timed_get(conn, "/p/bench/gross", cookie)
            print(
                f"process page, first view (render + validate, then cached): {first * 1000:.0f} ms, "
                f"{size // 1024} KiB HTML"
            )
            compare_runs = [timed_get(conn, "/p/bench/gross/1.0.0/compare?to=1.1.0", cookie)[0] for _ in range(5)]
            conn.close()
            print(
                f"compare page, two {args.nodes}-node versions (diff + 2 renders, uncached): median "
                f"{statistics.median(compare_runs) * 1000:.0f} ms"
            )
            drive(lib, "/p/bench/gross", cookie, CLIENTS * 5)  # warm-up
            seconds, latencies = drive(lib, "/p/bench/gross", cookie, args.requests)
            report(f"process page, {CLIENTS} clients, workers={args.workers}", seconds, latencies)
            seconds, latencies = drive(lib, "/?q=antrag", cookie, args.requests)
            report(f"start page with search, {CLIENTS} clients", seconds, latencies)
        finally:
            lib.stop()


if __name__ == "__main__":
    main()
