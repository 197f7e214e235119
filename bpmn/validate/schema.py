"""The ``xsd`` findings: the OMG BPMN 2.0 XSDs.

libxml2 (lxml) is the fast gate; only a file that fails it is read again by xmlschema, whose
``iter_errors`` lists every error with its path and line (libxml2 may stop early and does not
resolve IDREFs). When xmlschema cannot process a file at all (e.g. an xsi:type with an undeclared
prefix) the cause is put into words and libxml2's list is kept; a file too large for xmlschema
(XMLSCHEMA_MAX_ELEMENTS, XMLSCHEMA_MAX_ATTRIBUTES) gets libxml2's list with a note.

Threads: each validation takes a compiled libxml2 schema of its own from a pool (a schema's error
log belongs to the object, so one shared schema needed a lock, and one long validation held up
every other); libxml2 validates without the GIL. xmlschema runs under one lock: its schema loads
namespaces into its global maps while it validates (XsdGlobals.load_namespace), so one schema
must not validate two documents at once. The time that lock is held is bounded by the size
limits and by stopping after _MAX_XSD_FINDINGS errors.
"""

from __future__ import annotations

import queue
import re
import threading
from collections.abc import Generator, Iterable, Iterator
from functools import lru_cache
from itertools import islice
from typing import TYPE_CHECKING, Any, cast

from lxml import etree
from lxml.etree import _Element, _ElementTree

if TYPE_CHECKING:
    from xmlschema import XMLSchema, XMLSchemaValidationError

from procex.bpmn.findings import Finding
from procex.bpmn.rules._util import Words, describe, nearest_id
from procex.bpmn.validate.messages import named, owner_of, say
from procex.bpmn.xml import BPMN_NS, BPMNDI_NS, DC_NS, DI_NS, local_name

XSD_NS = "http://www.w3.org/2001/XMLSchema"
_BPMN = f"{{{BPMN_NS}}}"

# Compiled schemas not in use; one more is compiled when empty.
_lxml_schemas: queue.SimpleQueue[etree.XMLSchema] = queue.SimpleQueue()
_xmlschema_lock = threading.Lock()
_MAX_XSD_FINDINGS = 200
# xmlschema takes about 0.2-0.3 ms per element and up to 0.07 ms per attribute that falls to a
# wildcard; above these sizes (1.4x and 1.7x the largest model of the MIWG corpus: 6,907 elements,
# 11,441 attributes) it would hold the lock for seconds (100,000 tasks: 50 s), and libxml2's list
# is reported instead.
XMLSCHEMA_MAX_ELEMENTS = 10_000
XMLSCHEMA_MAX_ATTRIBUTES = 20_000
# libxml2's errors each carry the element's path, which lxml builds by counting the element's
# earlier siblings (xmlGetNodePath), so many errors among many siblings cost errors x siblings
# (20,000 tasks with an unknown attribute each: 5.5 s; 100,000: minutes). Where the bound
# (2 x elements + attributes) x (most children of one element) exceeds this, the gate parses the
# document's serialisation again with the schema attached instead: linear, but its errors have
# neither path nor line, and it does not check that xs:ID values are unique (the reference checks
# do). MIWG corpus maximum: 4.7 million (B.2.0: 6,907 elements, 11,441 attributes, 195 children).
GATE_MAX_WORK = 50_000_000
_COUNT_ELEMENTS = etree.XPath("count(//*)")
_COUNT_ATTRIBUTES = etree.XPath("count(//@*)")


def _compile_lxml_schema() -> etree.XMLSchema:
    from procex.schemas import BPMN_XSD

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(str(BPMN_XSD), parser))


@lru_cache(maxsize=1)
def lxml_schema() -> etree.XMLSchema:
    """The OMG BPMN 2.0 schema for libxml2, compiled once per process (about 25 ms), for a caller
    that validates in one thread; schema_findings takes its own from a pool."""
    return _compile_lxml_schema()


@lru_cache(maxsize=1)
def xmlschema_schema() -> XMLSchema:
    """The same schema for xmlschema (built once, only when a file fails the lxml gate)."""
    import xmlschema

    from procex.schemas import BPMN_XSD

    return xmlschema.XMLSchema(str(BPMN_XSD), allow="local")


def _size(tree: _ElementTree) -> tuple[int, int, int]:
    """(elements, attributes, most children of one element) of ``tree``."""
    return (
        int(_COUNT_ELEMENTS(tree)),
        int(_COUNT_ATTRIBUTES(tree)),
        max(map(len, tree.getroot().iter(etree.Element)), default=0),
    )


def _gate(tree: _ElementTree, reparse: bool = False) -> list[tuple[int | None, str]]:
    """libxml2's verdict: [] when the schema accepts ``tree``, else [(line, message)]."""
    try:
        schema = _lxml_schemas.get_nowait()
    except queue.Empty:
        schema = _compile_lxml_schema()
    try:
        if not reparse:
            if schema.validate(tree):
                return []
            return [(entry.line, entry.message) for entry in schema.error_log]
        parser = etree.XMLParser(
            schema=schema, resolve_entities=False, load_dtd=False, no_network=True, collect_ids=False, huge_tree=True
        )
        try:
            etree.fromstring(etree.tostring(tree.getroot()), parser)
            return []
        except etree.XMLSyntaxError:
            return [
                (None, entry.message) for entry in parser.error_log if entry.domain == etree.ErrorDomains.SCHEMASV
            ] or [(None, "invalid")]
    finally:
        _lxml_schemas.put(schema)


def schema_findings(tree: Any, lang: str = "de") -> list[Finding]:
    """``xsd`` findings for an lxml tree; [] when the OMG schema accepts it."""
    elements, attributes, widest = _size(tree)
    gate_log = _gate(tree, reparse=(2 * elements + attributes) * widest > GATE_MAX_WORK)
    if not gate_log:
        return []
    if elements > XMLSCHEMA_MAX_ELEMENTS or attributes > XMLSCHEMA_MAX_ATTRIBUTES:
        size = Words(
            de=_de(
                f"{elements:,} Elemente und {attributes:,} Attribute; sie prüft höchstens "
                f"{XMLSCHEMA_MAX_ELEMENTS:,} und {XMLSCHEMA_MAX_ATTRIBUTES:,}"
            ),
            en=f"{elements:,} elements and {attributes:,} attributes; it takes at most "
            f"{XMLSCHEMA_MAX_ELEMENTS:,} and {XMLSCHEMA_MAX_ATTRIBUTES:,}",
        )
        note = Finding("xsd", say("xsd-crash", lang, crash=size), "info", None, None)
        return [note] + _gate_findings(gate_log, lang)
    try:
        with _xmlschema_lock:
            errors = list(_iter_xmlschema_errors(tree, lang))
    except Exception as crash:
        return _crash_findings(tree, crash, gate_log, lang)
    if not errors:  # the two validators disagree; keep libxml2's word
        return _gate_findings(gate_log, lang)
    return errors


def _de(text: str) -> str:
    return text.replace(",", ".")  # 12.345: German digit grouping


def _gate_findings(gate_log: list[tuple[int | None, str]], lang: str) -> list[Finding]:
    findings = [
        Finding("xsd", _tidy(message), "error", line or None, None) for line, message in gate_log[:_MAX_XSD_FINDINGS]
    ]
    if len(gate_log) > _MAX_XSD_FINDINGS:
        findings.append(Finding("xsd", say("xsd-too-many", lang, count=_MAX_XSD_FINDINGS), "error", None, None))
    return findings


def _iter_xmlschema_errors(tree: _ElementTree, lang: str) -> Iterator[Finding]:
    """Findings for xmlschema's first _MAX_XSD_FINDINGS errors (one per cause), and a note if there
    are more; xmlschema stops there (its errors are read lazily)."""
    # iter_errors is a generator (typed as an Iterator): closed so xmlschema stops reading
    raw = cast(
        "Generator[XMLSchemaValidationError, None, None]",
        xmlschema_schema().iter_errors(tree, use_location_hints=False),
    )
    try:
        errors = list(islice(_one_per_cause(raw), _MAX_XSD_FINDINGS + 1))
    finally:
        raw.close()
    for error in errors[:_MAX_XSD_FINDINGS]:
        yield _xsd_finding(error, _reason(error), lang)
    if len(errors) > _MAX_XSD_FINDINGS:
        yield Finding("xsd", say("xsd-too-many", lang, count=_MAX_XSD_FINDINGS), "error", None, None)


def _reason(error: XMLSchemaValidationError) -> str:
    return error.reason or error.message or "invalid"


_ATTRIBUTE = re.compile(r"attribute ([^\s=]+)=")


def _one_per_cause(errors: Iterable[XMLSchemaValidationError]) -> Iterator[XMLSchemaValidationError]:
    """xmlschema's errors without dangling IDREFs (the reference checks report those at their
    element), one per element or attribute and cause, in document order; lazily, so that reading
    stops when the caller has enough.

    A value the schema refuses is reported once per attribute (or element text): xmlschema
    reports a number such as x='abc' twice, as a pattern mismatch and as a failed conversion; the
    conversion ("could not convert string to float: 'abc'") is kept, the pattern listing dropped.
    Other causes stay apart; the same reason twice at one element is reported once. An element's
    errors are held back until xmlschema moves on to another element (xmlschema reports the two
    causes of one value together).
    """
    where: dict[tuple[object, ...], tuple[list[XMLSchemaValidationError], int]] = {}
    held: list[XMLSchemaValidationError] = []
    current = None
    for error in errors:
        reason = _reason(error)
        if reason.startswith("IDREF "):
            continue
        elem = error.elem  # the element itself in the keys: it stays alive, so its id is not reused
        if elem is not current:
            yield from held
            held, current = [], elem
        if isinstance(getattr(error, "obj", None), str):  # a refused value: one finding per attribute/text
            attribute = _ATTRIBUTE.match(reason)
            key = ("value", elem, attribute.group(1) if attribute else None, error.obj)
        else:
            key = ("other", elem, getattr(error, "index", None), reason)
        if key not in where:
            where[key] = (held, len(held))
            held.append(error)
            continue
        group, index = where[key]
        if group is held and "match any pattern" in _reason(held[index]) and "match any pattern" not in reason:
            held[index] = error  # the type's own words say more than a regular expression
    yield from held


_CLARK = re.compile(r"\{([^}]*)\}([\w.-]+)")
_PREFIX_OF = {BPMN_NS: "bpmn", BPMNDI_NS: "bpmndi", DI_NS: "di", DC_NS: "dc", XSD_NS: "xsd"}


def _tidy(text: str) -> str:
    """Clark names as prefixed names, and no libxml2 noise."""
    text = _CLARK.sub(
        lambda m: (
            f"{_PREFIX_OF.get(m.group(1), '{' + m.group(1) + '}')}:{m.group(2)}"
            if m.group(1) in _PREFIX_OF
            else m.group(0)
        ),
        text,
    )
    return text.strip().rstrip(".")


def _xsd_finding(error: XMLSchemaValidationError, reason: str, lang: str) -> Finding:
    elem = error.elem
    target = elem
    index = getattr(error, "index", None)
    unexpected = reason.startswith("Unexpected child")
    if unexpected and elem is not None and isinstance(index, int) and 0 <= index < len(elem):
        target = elem[index]
    if target is None or not hasattr(target, "sourceline"):
        return Finding("xsd", say("xsd-at-path", lang, reason=_tidy(reason), path=error.path), "error", None, None)
    text = say(
        "xsd",
        lang,
        where=_where(target, lang),
        reason=_tidy(reason),
        hint=say(_xsd_hint(reason, elem, target), lang, what=_missing_child(reason)),
    )
    return Finding("xsd", text, "error", target.sourceline, nearest_id(target))


def _where(el: _Element, lang: str) -> str:
    """How an xsd finding names where it is: the element itself when it names itself ("user task
    'X' (id)"); an event definition or other child with an id together with its flow element
    ("timer event definition (T1) in boundary event 'Frist' (B1)"); an element without id by its
    tag in its flow element ("<bpmn:timeDuration> in boundary event 'Frist' (B1)")."""
    if el.get("id"):
        value = named(el)
        return getattr(value, lang) if isinstance(value, Words) else describe(value, lang=lang)
    owner = owner_of(el)
    tag = f"<{_tidy(el.tag) if el.tag.startswith('{') else el.tag}>"
    return say("xsd-inside", lang, tag=tag, owner=owner) if owner is not None else tag


def _xsd_hint(reason: str, parent: _Element, target: _Element) -> str:
    """The key of the hint for an xmlschema reason."""
    if "duplicated xs:ID" in reason:
        return "hint-duplicate-id"
    if reason.startswith("Unexpected child"):
        if local_name(parent.tag) == "extensionElements" and target.tag.startswith(_BPMN):
            return "hint-extension"
        if local_name(target.tag) == "BPMNPlane":
            return "hint-plane"
        return "hint-unexpected"
    if "not complete" in reason:
        return "hint-edge" if local_name(parent.tag) == "BPMNEdge" else "hint-incomplete"
    if "missing required attribute" in reason or "missing required" in reason:
        return "hint-attribute"
    if "not an element of the schema" in reason or "is not an element" in reason:
        return "hint-not-bpmn"
    return "hint-other"


def _missing_child(reason: str) -> str | Words:
    missing = re.search(r"Tag '([^']+)' expected", reason)
    if missing:
        return f"<{_tidy(missing.group(1))}>"
    return Words(de="das fehlende Kindelement", en="the missing child element")


def _crash_findings(
    tree: _ElementTree, crash: Exception, gate_log: list[tuple[int | None, str]], lang: str
) -> list[Finding]:
    """xmlschema could not process the file (e.g. an xsi:type with an undeclared prefix): report
    the cause in words and fall back to libxml2's error list."""
    text = str(crash).strip().strip('"')
    findings: list[Finding] = []
    undeclared = _undeclared_xsi_types(tree)
    for el, value in undeclared:
        findings.append(
            Finding(
                "xsd",
                say(
                    "xsi-type",
                    lang,
                    where=_where(el, lang),
                    value=value,
                    prefix=value.split(":", 1)[0],
                    namespace=BPMN_NS,
                ),
                "error",
                el.sourceline,
                nearest_id(el),
            )
        )
    if not undeclared:
        findings.append(
            Finding("xsd", say("xsd-crash", lang, crash=f"{type(crash).__name__}: {text}"), "error", None, None)
        )
    seen = {(f.line, "xsi:type") for f in findings}
    for line, message in gate_log:
        if "xsi" in message and "no corresponding namespace declaration" in message and (line, "xsi:type") in seen:
            continue
        findings.append(Finding("xsd", _tidy(message), "error", line or None, None))
    return findings


_XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"


def _undeclared_xsi_types(tree: _ElementTree) -> list[tuple[_Element, str]]:
    found: list[tuple[_Element, str]] = []
    for el in tree.getroot().iter():
        value = el.get(_XSI_TYPE) if isinstance(el.tag, str) else None
        if value and ":" in value and value.split(":", 1)[0] not in el.nsmap:
            found.append((el, value))
    return found
