"""Read and index the shared corpora, against a bare lxml parse of the same bytes, in one run.

Target (issue 2): reading and indexing costs at most 1.5x a bare lxml parse.
Runs are interleaved (bare, procex, bare, procex ...) so machine noise hits both alike;
medians are printed. "index" is what Model() builds eagerly (the id list); the id->element
map and import findings are built on first use and are timed separately.
"""

import statistics
import sys
import time
from pathlib import Path

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from procex.bpmn.model import Model

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "miwg"
ROUNDS = 15


def main():
    files = sorted(SHARED.glob("**/*.bpmn"))
    if not files:
        sys.exit(f"no corpus at {SHARED}")
    blobs = [p.read_bytes() for p in files]
    size = sum(map(len, blobs))

    def bare():
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        return [etree.fromstring(b, parser) for b in blobs]

    def procex_read():
        return [Model.from_bytes(b) for b in blobs]

    def procex_full():
        models = [Model.from_bytes(b) for b in blobs]
        for m in models:
            m.get("x"), m.findings
        return models

    timings = {"bare lxml parse": [], "procex read+index": [], "procex read+index+id map+findings": []}
    for _ in range(ROUNDS):
        for name, fn in zip(timings, (bare, procex_read, procex_full), strict=True):
            start = time.perf_counter()
            fn()
            timings[name].append(time.perf_counter() - start)
    base = statistics.median(timings["bare lxml parse"])
    print(f"corpus: {len(files)} files, {size / 1e6:.1f} MB; {ROUNDS} interleaved rounds, medians")
    for name, values in timings.items():
        med = statistics.median(values)
        print(f"  {name:38s} {med * 1000:8.1f} ms  {med / base:5.2f}x  ({size / med / 1e6:.0f} MB/s)")
    ratio = statistics.median(timings["procex read+index"]) / base
    print(f"ratio read+index / bare parse: {ratio:.2f}x (target <= 1.5x): {'OK' if ratio <= 1.5 else 'MISSED'}")


if __name__ == "__main__":
    main()
