"""Schema + reference checks over the shared corpora, against a bare lxml parse of the same bytes.

Target (issue 3): at most 3x a bare parse for the XSD-valid files. One run, interleaved rounds
(bare, validate, bare, validate ...) so machine noise hits both alike; medians are printed.
"validate" is bpmn.validate.validate_bytes(..., rules="none"): hardened parse, model index, the
lxml XSD gate and the reference checks. The invalid files also pay for xmlschema's full error
list and are timed apart. The schemas are compiled once before timing (as in a running process).
"""

import statistics
import sys
import time
from pathlib import Path

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from procex.bpmn.validate import lxml_schema, validate_bytes, xmlschema_schema

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "miwg"
ROUNDS = 11
TARGET = 3.0


def main():
    files = sorted(SHARED.glob("**/*.bpmn"))
    if not files:
        sys.exit(f"no corpus at {SHARED}")
    schema = lxml_schema()
    xmlschema_schema()
    blobs = [p.read_bytes() for p in files]
    valid = [b for b in blobs if schema.validate(etree.fromstring(b))]
    invalid = [b for b in blobs if not schema.validate(etree.fromstring(b))]

    def bare(group):
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        return [etree.fromstring(b, parser) for b in group]

    def check(group):
        return [validate_bytes(b, rules="none") for b in group]

    def lint_all(group):
        return [validate_bytes(b, rules="all") for b in group]

    jobs = {
        "valid: bare lxml parse": lambda: bare(valid),
        "valid: schema + references": lambda: check(valid),
        "valid: schema + references + all rules": lambda: lint_all(valid),
        "invalid: bare lxml parse": lambda: bare(invalid),
        "invalid: schema (+xmlschema) + references": lambda: check(invalid),
    }
    timings = {name: [] for name in jobs}
    for _ in range(ROUNDS):
        for name, job in jobs.items():
            start = time.perf_counter()
            job()
            timings[name].append(time.perf_counter() - start)
    med = {name: statistics.median(values) for name, values in timings.items()}
    print(
        f"corpus: {len(files)} files ({len(valid)} XSD-valid, {len(invalid)} invalid), "
        f"{sum(map(len, blobs)) / 1e6:.1f} MB; {ROUNDS} interleaved rounds, medians"
    )
    for name, value in med.items():
        base = med["valid: bare lxml parse"] if name.startswith("valid") else med["invalid: bare lxml parse"]
        print(f"  {name:44s} {value * 1000:8.1f} ms  {value / base:5.2f}x")
    ratio = med["valid: schema + references"] / med["valid: bare lxml parse"]
    print(
        f"ratio schema+references / bare parse (valid files): {ratio:.2f}x "
        f"(target <= {TARGET:.0f}x): {'OK' if ratio <= TARGET else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
