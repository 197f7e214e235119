"""Hostile models against the library's review (exchange.server.checks.review_model) and `procex validate`.

Prints seconds per case; it is a benchmark, not a test (tests/test_xml_safety.py asserts the
refusals). Each case runs in a child process with a deadline, so a case that hangs is reported as
"> deadline" and the next one runs. "review" is review_model(data) timed inside the child (what a
PUT of the model costs the server's worker); "validate" is `procex validate FILE` timed from
outside (interpreter start and imports included, about 1 s).

Then the structural maxima of the MIWG corpus (and the FIM Stammprozess), against which the limits
in bpmn/xml.py were set.

    python bench/hostile.py                      # this checkout
    python bench/hostile.py --root OTHER_CHECKOUT  # e.g. an export of an older commit, for "before"
    python bench/hostile.py --cases attrs-40k,tasks-100k --deadline 60
"""

import argparse
import io
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
SHARED = HERE.parent / "shared" / "corpora"

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'id="D" targetNamespace="http://example.org/x"{attrs}>\n'
    '<bpmn:process id="P" isExecutable="false">{body}</bpmn:process>\n</bpmn:definitions>\n'
)


def model(attrs="", body='<bpmn:startEvent id="S"/>'):
    return HEAD.format(attrs=attrs, body=body).encode()


def attributes_on_definitions(n):
    return model(attrs="".join(f' a{i}="x"' for i in range(n)))


def tasks(n, extra="", tail=""):
    return model(body="".join(f'<bpmn:task id="T{i}" name="Aufgabe {i}"{extra}/>' for i in range(n)) + tail)


def spread(per, total):
    one = "".join(f' a{i}="x"' for i in range(per))
    return model(body="".join(f'<bpmn:task id="T{j}"{one}/>' for j in range(total // per)))


def namespaces_on_definitions(n):
    return model(attrs="".join(f' xmlns:p{i}="urn:x:{i}"' for i in range(n)))


def nested_namespaces(depth, per, leaves):
    opening = "".join(
        f'<bpmn:subProcess id="S{d}"' + "".join(f' xmlns:q{i}="urn:q:{d}:{i}"' for i in range(per)) + ">"
        for d in range(depth)
    )
    return model(
        body=opening + "".join(f'<bpmn:task id="L{i}"/>' for i in range(leaves)) + "</bpmn:subProcess>" * depth
    )


CASES = {
    "attrs-10k": lambda: attributes_on_definitions(10_000),
    "attrs-20k": lambda: attributes_on_definitions(20_000),
    "attrs-40k": lambda: attributes_on_definitions(40_000),
    "attrs-200k": lambda: attributes_on_definitions(200_000),  # the review's upload: 2.3 MB
    "tasks-100k": lambda: tasks(100_000),
    "tasks-99k": lambda: tasks(99_990),  # the most elements still read
    "tasks-99k-invalid": lambda: tasks(99_990, tail="<bpmn:bogus/>"),
    "tasks-30k-unknown-attr": lambda: tasks(30_000, extra=' a="x"'),  # one libxml2 error per task
    "spread-510x780": lambda: spread(510, 397_800),  # attributes at the limits, none of them allowed
    "namespaces-200k": lambda: namespaces_on_definitions(200_000),
    "namespaces-20k-invalid": lambda: model(
        attrs="".join(f' xmlns:p{i}="urn:x:{i}"' for i in range(20_000)),
        body="".join(f'<bpmn:task id="T{i}"/>' for i in range(1000)) + "<bpmn:bogus/>",
    ),  # xmlschema maps all of them on every element
    "nested-namespaces": lambda: nested_namespaces(20, 20, 20_000),  # 400 declarations in scope
}

CHILD = """
import sys, time
from procex.exchange.server import checks
checks.review_model(b'<x/>')  # imports and schemas before the clock starts
try:
    from procex.bpmn.validate import lxml_schema, xmlschema_schema
    lxml_schema(); xmlschema_schema()
except ImportError:
    pass
data = open({path!r}, 'rb').read()
start = time.perf_counter()
findings, summary = checks.review_model(data, 'hostile.bpmn')
print(f'{{time.perf_counter() - start:.2f}}', len(findings), (findings[0].message if findings else '')[:110])
"""


def run_case(root, name, data, deadline):
    with tempfile.NamedTemporaryFile(suffix=".bpmn", delete=False) as handle:
        handle.write(data)
        path = handle.name
    try:
        review = _child([sys.executable, "-c", CHILD.format(root=str(root), path=path)], root, deadline)
        cli = (
            "import sys; from procex.cli import main; "
            f"sys.argv = ['procex', 'validate', '--lang', 'en', {path!r}]; main()"
        )
        start = time.perf_counter()
        validate = _child([sys.executable, "-c", cli], root, deadline)
        seconds = time.perf_counter() - start
    finally:
        Path(path).unlink()
    if review is None:
        review_text = f"> {deadline:.0f} s (stopped)"
    else:
        elapsed, count, first = (review.split(" ", 2) + ["", ""])[:3]
        try:
            review_text = f"{float(elapsed):7.2f} s  {count:>3} findings  {first}"
        except ValueError:  # the child failed: its last line
            review_text = review
    validate_text = f"> {deadline:.0f} s (stopped)" if validate is None else f"{seconds:6.2f} s"
    print(f"{name:24s} {len(data) / 1e6:5.1f} MB  validate {validate_text:18s} review {review_text}", flush=True)


def _child(argv, root, deadline):
    try:
        done = subprocess.run(argv, cwd=root, capture_output=True, text=True, timeout=deadline)
    except subprocess.TimeoutExpired:
        return None
    lines = done.stdout.strip().splitlines()
    return lines[-1] if lines else (done.stderr.strip().splitlines() or [""])[-1]


def corpus_maxima():
    """The largest counts any corpus file has: attributes and namespace declarations on one
    element, declarations in scope (a redeclared prefix counted again), elements and attributes
    in a document."""
    from lxml import etree

    files = sorted(SHARED.glob("miwg/**/*.bpmn")) + sorted(SHARED.glob("fim/*.bpmn"))
    best = {}
    for path in files:
        counts = {
            "attributes on one element": 0,
            "namespace declarations on one element": 0,
            "namespace declarations in scope": 0,
            "elements in a document": 0,
            "attributes in a document": 0,
        }
        declared = in_scope = 0
        events = etree.iterparse(
            io.BytesIO(path.read_bytes()),
            events=("start", "start-ns", "end-ns"),
            resolve_entities=False,
            no_network=True,
        )
        for event, item in events:
            if event == "start-ns":
                declared += 1
                in_scope += 1
            elif event == "end-ns":
                in_scope -= 1
            else:
                attributes = len(item.attrib)
                counts["elements in a document"] += 1
                counts["attributes in a document"] += attributes
                for key, value in (
                    ("attributes on one element", attributes),
                    ("namespace declarations on one element", declared),
                    ("namespace declarations in scope", in_scope),
                ):
                    counts[key] = max(counts[key], value)
                declared = 0
        for key, value in counts.items():
            if value > best.get(key, (0, ""))[0]:
                best[key] = (value, f"{path.parent.name}/{path.name}")
    print(f"corpus: {len(files)} BPMN files (MIWG reference and round-trip, FIM); largest counts:")
    for key, (value, where) in best.items():
        print(f"  {key:40s} {value:>7,}  {where}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=HERE, help="checkout to measure (default: this one)")
    parser.add_argument("--deadline", type=float, default=120.0, help="seconds per case and tool")
    parser.add_argument("--cases", default=",".join(CASES), help="comma-separated names: " + ", ".join(CASES))
    args = parser.parse_args()
    print(f"checkout: {args.root}; deadline {args.deadline:.0f} s per case and tool")
    for name in args.cases.split(","):
        run_case(args.root.resolve(), name, CASES[name](), args.deadline)
    if SHARED.is_dir():
        corpus_maxima()


if __name__ == "__main__":
    main()
