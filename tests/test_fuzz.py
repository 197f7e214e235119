"""Property-based damage of real files: procex imports them with findings or raises its own error."""

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from procex.bpmn.model import Model
from procex.bpmn.summary import summarize
from procex.core.errors import ProcexError

from .conftest import IN_CI, SHARED, miwg_reference_files, miwg_roundtrip_files

FILES = miwg_reference_files()[:21] + miwg_roundtrip_files()[::10]
SAMPLES = [p.read_bytes() for p in FILES]


def exercise(data):
    """Import and touch every view; only ProcexError may escape."""
    try:
        model = Model.from_bytes(data, "fuzzed.bpmn")
    except ProcexError as error:
        assert str(error).startswith("fuzzed.bpmn")
        return None
    summary = summarize(model)
    # Every derived property must compute without raising on whatever the reader accepted.
    for node in model.flow_nodes:
        _ = node.lane, node.container, node.incoming, node.outgoing, node.event_definitions
    for flow in model.sequence_flows:
        _ = flow.source, flow.target, flow.condition
    model.to_bytes(plain=True)
    model.to_bytes()
    return summary


if not SAMPLES and IN_CI:  # the corpus must be there in CI: a silent skip would hide the fuzzing
    raise RuntimeError(f"{SHARED} not present; CI needs the shared corpora beside the clone")
pytestmark = pytest.mark.skipif(not SAMPLES, reason=f"{SHARED} not present")
FUZZ = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@FUZZ
@given(st.data())
def test_byte_level_damage(data):
    original = SAMPLES[data.draw(st.integers(0, len(SAMPLES) - 1), label="sample index")]
    raw = bytearray(original)
    for _ in range(data.draw(st.integers(1, 8))):
        op = data.draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        pos = data.draw(st.integers(0, max(0, len(raw) - 1)))
        if op == "flip" and raw:
            raw[pos] = data.draw(st.integers(0, 255))
        elif op == "cut":
            del raw[pos:]
        elif op == "insert":
            raw[pos:pos] = data.draw(st.binary(min_size=1, max_size=20))
        elif op == "delete":
            del raw[pos : pos + data.draw(st.integers(1, 200))]
    exercise(bytes(raw))


@FUZZ
@given(st.data())
def test_tree_level_damage(data):
    original = SAMPLES[data.draw(st.integers(0, len(SAMPLES) - 1), label="sample index")]
    root = etree.fromstring(original, etree.XMLParser(resolve_entities=False, no_network=True))
    elements = [e for e in root.iter() if isinstance(e.tag, str) and e is not root]
    rng = random.Random(data.draw(st.integers(0, 2**32)))
    for _ in range(data.draw(st.integers(1, 10))):
        el = rng.choice(elements)
        op = data.draw(st.sampled_from(["drop-attr", "dup-id", "renest", "remove", "dangle"]))
        if op == "drop-attr" and el.attrib:
            del el.attrib[rng.choice(list(el.attrib))]
        elif op == "dup-id":
            other = rng.choice(elements)
            if other.get("id"):
                el.set("id", other.get("id"))
        elif op == "renest":
            target = rng.choice(elements)
            if target is not el and el not in target.iterancestors() and el.getparent() is not None:
                el.getparent().remove(el)
                target.append(el)
                elements = [e for e in root.iter() if isinstance(e.tag, str) and e is not root]
        elif op == "remove" and el.getparent() is not None:
            el.getparent().remove(el)
            elements = [e for e in root.iter() if isinstance(e.tag, str) and e is not root]
        elif op == "dangle":
            for attr in ("sourceRef", "targetRef", "bpmnElement", "attachedToRef", "processRef", "default"):
                if el.get(attr):
                    el.set(attr, "missing_" + el.get(attr))
        if not elements:
            break
    summary = exercise(etree.tostring(root))
    assert summary is not None  # tree-level damage keeps the XML well-formed: import must succeed
