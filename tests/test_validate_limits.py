"""The schema check under load: xmlschema stops at the cap, large files skip it, and one validation
stuck in libxml2 does not hold up another thread's (bpmn/validate/schema.py)."""

import threading

import pytest

from procex.bpmn.validate import schema as xsd
from procex.bpmn.validate import validate_bytes
from procex.bpmn.xml import parse_bytes
from tests.models import in_process


def doc(body):
    return in_process(body).encode()


def xsd_messages(data, lang="en"):
    return [
        (f.severity, f.line, f.message)
        for f in validate_bytes(data, "m.bpmn", rules="none", lang=lang).findings
        if f.code == "xsd"
    ]


class CountingSchema:
    """xmlschema's schema, counting how many errors the check reads from it."""

    def __init__(self, real):
        self.real, self.read = real, 0

    def iter_errors(self, *args, **kwargs):
        for error in self.real.iter_errors(*args, **kwargs):
            self.read += 1
            yield error


def test_xmlschema_is_read_only_up_to_the_cap(monkeypatch):
    """1,000 refused attributes: 200 findings and a note; xmlschema is not asked for the other 800."""
    counting = CountingSchema(xsd.xmlschema_schema())
    monkeypatch.setattr(xsd, "xmlschema_schema", lambda: counting)
    found = xsd_messages(doc("".join(f'<bpmn:task id="T{i}" a="x"/>' for i in range(1000))))
    assert len(found) == 201
    assert ("error", None, "more than 200 schema errors; the rest are not listed") in found
    assert sum("attribute 'a' not allowed" in message for _, _, message in found) == 200
    assert 201 <= counting.read <= 210


def test_one_per_cause_yields_as_it_reads():
    class Error:
        reason = message = "Unexpected child with tag 'bpmn:x'"
        obj = None

        def __init__(self, n):
            self.elem, self.index = object(), n

    read = []

    def errors():
        for n in range(100_000):
            read.append(n)
            yield Error(n)

    first = next(xsd._one_per_cause(errors()))
    assert first.index == 0 and len(read) == 2  # held until the next error concerns another element


def test_a_large_invalid_model_gets_libxml2s_list_without_xmlschema(monkeypatch):
    def refuse():
        raise AssertionError("xmlschema must not run on a model this large")

    monkeypatch.setattr(xsd, "xmlschema_schema", refuse)
    big = doc("".join(f'<bpmn:task id="T{i}"/>' for i in range(10_000)) + "<bpmn:bogus/>")
    found = xsd_messages(big)
    assert (
        "info",
        None,
        "the detailed schema check could not process this file (10,003 elements and 10,003 "
        "attributes; it takes at most 10,000 and 20,000); the errors below come from the fast "
        "check only",
    ) in found
    [error] = [finding for finding in found if finding[0] == "error"]
    assert error[1] is None and "Element 'bpmn:bogus': This element is not expected" in error[2]  # reparsed: no line
    german = [message for _, _, message in xsd_messages(big, lang="de")]
    assert any("(10.003 Elemente und 10.003 Attribute; sie prüft höchstens 10.000 und 20.000)" in m for m in german)
    monkeypatch.setattr(xsd, "GATE_MAX_WORK", 10**12)  # libxml2 on the tree: its error has a line
    assert [line for severity, line, _ in xsd_messages(big) if severity == "error"] == [3]


def test_the_gate_reparses_when_errors_among_siblings_would_cost_too_much(monkeypatch):
    """Above GATE_MAX_WORK libxml2 validates the serialised model while parsing it: the same verdict
    (the lines come from xmlschema, which still runs on a model of this size)."""
    monkeypatch.setattr(xsd, "GATE_MAX_WORK", 0)
    assert xsd_messages(doc('<bpmn:task id="T"/>')) == []
    [(severity, line, message)] = xsd_messages(doc('<bpmn:task id="T"/><bpmn:bogus/>'))
    assert severity == "error" and line == 3 and "bogus" in message
    assert xsd._gate(parse_bytes(doc("<bpmn:bogus/>")), reparse=True)[0][0] is None


class StuckSchema:
    """A compiled libxml2 schema whose validation of one marked tree waits until released."""

    def __init__(self, real, stuck_tree, release):
        self.real, self.stuck_tree, self.release = real, stuck_tree, release

    def validate(self, tree):
        if tree is self.stuck_tree:
            assert self.release.wait(10)
        return self.real.validate(tree)

    @property
    def error_log(self):
        return self.real.error_log


def test_a_validation_stuck_in_libxml2_does_not_hold_up_another(monkeypatch):
    slow = parse_bytes(doc('<bpmn:task id="T"/>'), "slow.bpmn")
    fast = parse_bytes(doc('<bpmn:task id="U"/>'), "fast.bpmn")
    release, real = threading.Event(), xsd.lxml_schema()

    def stuck():
        return StuckSchema(real, slow, release)

    monkeypatch.setattr(xsd, "_compile_lxml_schema", stuck, raising=False)
    monkeypatch.setattr(xsd, "lxml_schema", stuck)  # whichever the module asks for
    if hasattr(xsd, "_lxml_schemas"):
        monkeypatch.setattr(xsd, "_lxml_schemas", type(xsd._lxml_schemas)())
    results = {}
    slow_thread = threading.Thread(target=lambda: results.setdefault("slow", xsd.schema_findings(slow)))
    slow_thread.start()
    try:
        fast_thread = threading.Thread(target=lambda: results.setdefault("fast", xsd.schema_findings(fast)))
        fast_thread.start()
        fast_thread.join(5)
        assert results.get("fast") == [], "the second validation waited for the first"
    finally:
        release.set()
        slow_thread.join(10)
    assert results["slow"] == []


@pytest.mark.parametrize("per_element", [1, 510])
def test_attributes_are_indexed_once_each(per_element):
    """reference_index reads only the attributes it needs, by name (lxml's items() is quadratic)."""
    from procex.bpmn.validate.reference_index import ReferenceIndex

    extra = "".join(f' a{i}="x"' for i in range(per_element))
    root = parse_bytes(
        doc(f'<bpmn:task id="T"{extra} default="F"/><bpmn:sequenceFlow id="F" sourceRef="T" targetRef="T"/>')
    ).getroot()
    index = ReferenceIndex(root)
    assert sorted(index.by_id) == ["D", "F", "P", "T"]
    assert [(el.get("id"), key, value) for el, key, value in index.refs] == [
        ("T", "default", "F"),
        ("F", "sourceRef", "T"),
        ("F", "targetRef", "T"),
    ]
    assert index.defaults == [index.by_id["T"]]
