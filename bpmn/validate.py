"""Validate a BPMN model: OMG schema, references no schema resolves, and the lint rules.

``validate_file`` / ``validate_bytes`` / ``validate_model`` return a Report of Findings:
- ``xsd``: the OMG BPMN 2.0 XSDs. libxml2 (lxml) is the fast gate, compiled once per process;
  only a file that fails it is read again by xmlschema, whose ``iter_errors`` lists every error
  with its path and line (libxml2 may stop early and does not resolve IDREFs).
- ``reference``: every id reference (attributes and texts of bpmn/kinds.py) resolves to an
  element of the right kind, ids are unique, defaults are outgoing flows, sequence flows stay
  in their (sub-)process, message flows join two pools, and diagram shapes match elements.
- lint rules (bpmn/rules/), chosen by a preset and a ``[lint]`` config table.

A file that cannot be read at all raises BpmnReadError (the CLI exits 2).
"""
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

from lxml import etree

from . import kinds
from .findings import Finding
from .model import Model
from .rules import ConfigError, LintConfig, find_config, load_config  # noqa: F401 - re-exported
from .rules._util import describe, kind_words, nearest_id
from .xml import (BPMN_NS, BPMNDI_NS, DC_NS, DEFAULT_MAX_BYTES, DI_NS, OMG_NAMESPACES, local_name, parse_bytes,
                  parse_file)

XSD_NS = "http://www.w3.org/2001/XMLSchema"
_BPMN = "{%s}" % BPMN_NS
_BPMNDI = "{%s}" % BPMNDI_NS
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


# --- report -------------------------------------------------------------------------------------

@dataclass
class Report:
    """The findings for one file. ``errors``/``warnings`` are counts; ``ok`` means no errors."""

    path: Optional[str]
    findings: list = field(default_factory=list)

    @property
    def errors(self):
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self):
        return sum(1 for f in self.findings if f.severity == "warning")

    @property
    def ok(self):
        return self.errors == 0

    def to_dict(self):
        return {"path": self.path, "ok": self.ok, "errors": self.errors, "warnings": self.warnings,
                "findings": [{"rule": f.code, "severity": f.severity, "message": f.message,
                              "line": f.line, "element": f.element} for f in self.findings]}


def validate_file(path, rules="correctness", config=None, max_bytes=DEFAULT_MAX_BYTES):
    """Validate a BPMN file; raises BpmnReadError when it cannot be read at all."""
    return _validate(parse_file(Path(path), max_bytes), str(path), rules, config)


def validate_bytes(data, source=None, rules="correctness", config=None, max_bytes=DEFAULT_MAX_BYTES):
    """Validate the bytes of a BPMN file (``source`` names it in messages)."""
    return _validate(parse_bytes(data, source, max_bytes), source, rules, config)


def validate_model(model, rules="correctness", config=None):
    """Schema, reference and lint findings for a Model, sorted by line.

    ``rules``: a preset (correctness, recommended, all, none) or None for the config's preset;
    ``config``: None, a LintConfig, the ``[lint]`` table as a dict, or a TOML file path.
    ``none`` runs the schema and reference checks only.
    """
    return _validate(model.tree, model.source, rules, config, model)


def _validate(tree, source, rules, config, model=None):
    from . import rules as lint

    chosen = lint.resolve(rules, config)  # first, so a wrong config fails before any work
    findings = schema_findings(tree)
    findings += reference_findings(tree.getroot())
    if chosen:  # the typed model is only built when lint rules need it
        findings += lint.run(model if model is not None else Model(tree, source), chosen)
    findings.sort(key=lambda f: (f.line or 0, SEVERITY_ORDER.get(f.severity, 3), f.code))
    return Report(source, findings)


# --- schema -------------------------------------------------------------------------------------

_lxml_lock = threading.Lock()
_xmlschema_lock = threading.Lock()
_MAX_XSD_FINDINGS = 200


@lru_cache(maxsize=1)
def lxml_schema():
    """The OMG BPMN 2.0 schema for libxml2, compiled once per process."""
    from schemas import BPMN_XSD

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(str(BPMN_XSD), parser))


@lru_cache(maxsize=1)
def xmlschema_schema():
    """The same schema for xmlschema (built once, only when a file fails the lxml gate)."""
    import xmlschema

    from schemas import BPMN_XSD

    return xmlschema.XMLSchema(str(BPMN_XSD), allow="local")


def schema_findings(tree):
    """``xsd`` findings for an lxml tree; [] when the OMG schema accepts it."""
    schema = lxml_schema()
    with _lxml_lock:  # the compiled schema and its error log are shared by all threads
        if schema.validate(tree):
            return []
        gate_log = [(entry.line, entry.message) for entry in schema.error_log]
    try:
        with _xmlschema_lock:
            errors = list(_iter_xmlschema_errors(tree))
    except Exception as crash:  # noqa: BLE001 - xmlschema raises on input it cannot handle
        return _crash_findings(tree, crash, gate_log)
    if not errors:  # the two validators disagree; keep libxml2's word
        return [Finding("xsd", _tidy(message), "error", line or None, None) for line, message in gate_log]
    return errors


def _iter_xmlschema_errors(tree):
    count = 0
    for error in xmlschema_schema().iter_errors(tree, use_location_hints=False):
        reason = error.reason or error.message or "invalid"
        if reason.startswith("IDREF "):
            continue  # dangling IDREFs: the reference checks report them at their element
        count += 1
        if count > _MAX_XSD_FINDINGS:
            yield Finding("xsd", f"more than {_MAX_XSD_FINDINGS} schema errors; the rest are not listed",
                          "error", None, None)
            return
        yield _xsd_finding(error, reason)


_CLARK = re.compile(r"\{([^}]*)\}([\w.-]+)")
_PREFIX_OF = {BPMN_NS: "bpmn", BPMNDI_NS: "bpmndi", DI_NS: "di", DC_NS: "dc", XSD_NS: "xsd"}


def _tidy(text):
    """Clark names as prefixed names, and no libxml2 noise."""
    text = _CLARK.sub(lambda m: f"{_PREFIX_OF.get(m.group(1), '{' + m.group(1) + '}')}:{m.group(2)}"
                      if m.group(1) in _PREFIX_OF else m.group(0), text)
    return text.strip().rstrip(".")


def _xsd_finding(error, reason):
    elem = error.elem
    target = elem
    index = getattr(error, "index", None)
    unexpected = reason.startswith("Unexpected child")
    if unexpected and elem is not None and isinstance(index, int) and 0 <= index < len(elem):
        target = elem[index]
    if target is None or not hasattr(target, "sourceline"):
        return Finding("xsd", f"{_tidy(reason)} (at {error.path})", "error", None, None)
    where = _where(target)
    hint = _xsd_hint(reason, elem, target)
    return Finding("xsd", f"{where}: {_tidy(reason)}; {hint}", "error", target.sourceline, nearest_id(target))


def _where(el):
    """'<bpmn:dataOutputAssociation> in user task 'X' (id)' or "user task 'X' (id)"."""
    if el.get("id"):
        return describe(el)
    owner = el.getparent()
    while owner is not None and not owner.get("id"):
        owner = owner.getparent()
    tag = f"<{_tidy(el.tag) if el.tag.startswith('{') else el.tag}>"
    return f"{tag} in {describe(owner)}" if owner is not None else tag


def _xsd_hint(reason, parent, target):
    if "duplicated xs:ID" in reason:
        return "ids must be unique in a file: give one of the elements another id"
    if reason.startswith("Unexpected child"):
        if local_name(parent.tag) == "extensionElements" and target.tag.startswith(_BPMN):
            return ("extensionElements may only hold elements of a vendor's own namespace: move it into "
                    "a vendor namespace or remove it (procex export --plain removes extensions)")
        if local_name(target.tag) == "BPMNPlane":
            return "a diagram has exactly one plane: put the second plane into a BPMNDiagram of its own"
        return "remove it, or move it to where the schema allows it (the order of children matters)"
    if "not complete" in reason:
        missing = re.search(r"Tag '([^']+)' expected", reason)
        what = f"<{_tidy(missing.group(1))}>" if missing else "the missing child element"
        if local_name(parent.tag) == "BPMNEdge":
            return "an edge needs at least two di:waypoint elements: redraw the connection or remove the edge"
        return f"add {what}, or remove the incomplete element"
    if "missing required attribute" in reason or "missing required" in reason:
        return "add the attribute"
    if "not an element of the schema" in reason or "is not an element" in reason:
        return "this is not a BPMN 2.0 element: remove it or move it into extensionElements under a vendor namespace"
    return "correct it so that the file matches the BPMN 2.0 schema"


def _crash_findings(tree, crash, gate_log):
    """xmlschema could not process the file (e.g. an xsi:type with an undeclared prefix): report
    the cause in words and fall back to libxml2's error list."""
    text = str(crash).strip().strip('"')
    findings = []
    undeclared = _undeclared_xsi_types(tree)
    for el, value in undeclared:
        findings.append(Finding(
            "xsd", f"{_where(el)}: xsi:type={value!r} uses a namespace prefix that is not declared; declare "
            f"the prefix (xmlns:{value.split(':', 1)[0]}=\"{BPMN_NS}\") or write the type without it",
            "error", el.sourceline, nearest_id(el)))
    if not undeclared:
        findings.append(Finding(
            "xsd", f"the detailed schema check could not process this file ({type(crash).__name__}: {text}); "
            "the errors below come from the fast check only", "error", None, None))
    seen = {(f.line, "xsi:type") for f in findings}
    for line, message in gate_log:
        if "xsi" in message and "no corresponding namespace declaration" in message and (line, "xsi:type") in seen:
            continue
        findings.append(Finding("xsd", _tidy(message), "error", line or None, None))
    return findings


_XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"


def _undeclared_xsi_types(tree):
    found = []
    for el in tree.getroot().iter():
        value = el.get(_XSI_TYPE) if isinstance(el.tag, str) else None
        if value and ":" in value and value.split(":", 1)[0] not in el.nsmap:
            found.append((el, value))
    return found


# --- references ---------------------------------------------------------------------------------

# A call activity may call a process of another file (by id or an engine's key): information.
_MAY_BE_EXTERNAL = frozenset({"calledElement", "calledChoreographyRef"})
# Names of data types (an XSD type, a Java class, a FEEL type), not of BPMN elements: not checked.
_TYPE_NAMES = frozenset({"structureRef", "implementationRef", "evaluatesToTypeRef"})
_ATTRIBUTES = kinds.REFERENCE_ATTRIBUTES - _TYPE_NAMES
_TEXT_REFS = kinds.REFERENCE_TEXT_ELEMENTS
_EXTENSION_TAGS = frozenset({_BPMN + "extensionElements", "{%s}extension" % DI_NS})
_INTERACTION_NODES = kinds.FLOW_NODES | {"participant", "conversation", "subConversation", "callConversation"}
_CALLABLE = frozenset({"process", "globalTask", "globalUserTask", "globalManualTask", "globalScriptTask",
                       "globalBusinessRuleTask"})
# (element kind or None for any, reference) -> kinds the referenced element may have.
_EXPECTED = {
    ("sequenceFlow", "sourceRef"): kinds.FLOW_NODES,
    ("sequenceFlow", "targetRef"): kinds.FLOW_NODES,
    ("messageFlow", "sourceRef"): _INTERACTION_NODES,
    ("messageFlow", "targetRef"): _INTERACTION_NODES,
    ("participant", "processRef"): frozenset({"process"}),
    ("boundaryEvent", "attachedToRef"): kinds.ACTIVITIES,
    ("callActivity", "calledElement"): _CALLABLE,
    ("lane", "flowNodeRef"): kinds.FLOW_NODES,
    (None, "default"): frozenset({"sequenceFlow"}),
    (None, "dataObjectRef"): frozenset({"dataObject"}),
    (None, "dataStoreRef"): frozenset({"dataStore"}),
    (None, "messageRef"): frozenset({"message"}),
    (None, "errorRef"): frozenset({"error"}),
    (None, "signalRef"): frozenset({"signal"}),
    (None, "escalationRef"): frozenset({"escalation"}),
    (None, "categoryValueRef"): frozenset({"categoryValue"}),
    (None, "incoming"): kinds.FLOWS,
    (None, "outgoing"): kinds.FLOWS,
}
_EXPECTED_BY_TAG = {(_BPMN + kind, name): allowed for (kind, name), allowed in _EXPECTED.items() if kind}
_EXPECTED_ANY = {name: allowed for (kind, name), allowed in _EXPECTED.items() if kind is None}
_FIX = {
    "sourceRef": "connect the flow to an existing element or remove it",
    "targetRef": "connect the flow to an existing element or remove it",
    "bpmnElement": "remove the shape or edge, or point it to an existing element",
    "flowNodeRef": "remove the entry from the lane",
    "processRef": "point the pool to an existing process or remove the attribute (a black-box pool)",
    "default": "choose one of the element's outgoing sequence flows as default, or remove the attribute",
    "attachedToRef": "attach the boundary event to an existing activity or remove it",
    "incoming": "remove the <incoming> entry (sequence flows are read from their sourceRef/targetRef)",
    "outgoing": "remove the <outgoing> entry (sequence flows are read from their sourceRef/targetRef)",
}


class _Index:
    """What the reference checks need, gathered in one pass over the BPMN and BPMN DI elements
    (vendor elements, dc:Bounds and di:waypoint are skipped by the tag filter). Cheaper than the
    model's lazy indexes, which build views, bounds and buckets the checks do not need;
    bench/validate.py measures it."""

    def __init__(self, root):
        self.by_id, self.duplicates = {}, []
        self.refs, self.texts = [], []  # (element, attribute, value); elements whose text is a reference
        self.sequence_flows, self.message_flows, self.processes, self.defaults = [], [], [], []
        self.drawn, self.planes, self.pool_of_process = set(), set(), {}
        by_id, refs, texts, attributes, text_tags = self.by_id, self.refs, self.texts, _ATTRIBUTES, _TEXT_TAGS
        lists = {_SEQUENCE_FLOW: self.sequence_flows, _MESSAGE_FLOW: self.message_flows, _PROCESS: self.processes}
        for el in root.iter(_BPMN + "*", _BPMNDI + "*"):
            tag = el.tag
            for key, value in el.items():
                if key == "id":
                    if value in by_id:
                        self.duplicates.append(el)
                    else:
                        by_id[value] = el
                elif key in attributes:
                    refs.append((el, key, value))
                    if key == "bpmnElement":
                        (self.planes if tag == _PLANE else self.drawn).add(kinds.local_ref(value))
                    elif key == "default":
                        self.defaults.append(el)
                    elif key == "processRef" and tag == _PARTICIPANT:
                        self.pool_of_process.setdefault(kinds.local_ref(value), el)
            if tag in text_tags:
                texts.append(el)
            else:
                bucket = lists.get(tag)
                if bucket is not None:
                    bucket.append(el)

    def get(self, ref):
        return self.by_id.get(kinds.local_ref(ref)) if ref else None


_SEQUENCE_FLOW, _MESSAGE_FLOW = _BPMN + "sequenceFlow", _BPMN + "messageFlow"
_PROCESS, _PARTICIPANT = _BPMN + "process", _BPMN + "participant"
_PLANE = _BPMNDI + "BPMNPlane"
_TEXT_TAGS = frozenset(_BPMN + name for name in _TEXT_REFS)


def reference_findings(root):
    """``reference`` findings: dangling or ill-typed references, duplicate ids, flows across
    boundaries, message flows within one pool, diagram elements without model element, and
    (when the file has diagrams) flow elements without any shape."""
    if isinstance(root, Model):
        root = root.root
    index = _Index(root)
    found = _duplicate_ids(index)
    by_id = index.by_id
    tns = root.get("targetNamespace")
    by_tag, by_name = _EXPECTED_BY_TAG, _EXPECTED_ANY
    for el, name, value in index.refs:
        target = by_id.get(value)
        if target is not None:  # the common case, decided here without a call
            expected = by_tag.get((el.tag, name)) or by_name.get(name)
            if expected is None or target.tag.rsplit("}", 1)[-1] in expected:
                continue
        result = _check_ref(by_id, tns, el, el.tag, name, value)
        if result and not _in_extension(el):
            found.append(result)
    for el in index.texts:
        kind = local_name(el.tag)
        parent = el.getparent()
        text = (el.text or "").strip()
        if not text:
            if kind in ("flowNodeRef", "sourceRef", "targetRef", "incoming", "outgoing") and not _in_extension(el):
                found.append(Finding("reference", f"{describe(parent)} has an empty <{kind}>; "
                                     "remove it or name an element", "error", el.sourceline, nearest_id(parent)))
            continue
        result = _check_ref(by_id, tns, el, parent.tag, kind, text, owner=parent)
        if result and not _in_extension(el):
            found.append(result)
    found += _default_flows(index)
    found += _crossing_sequence_flows(index)
    found += _message_flows_in_one_pool(index)
    found += _elements_without_shape(index)
    return found


def _in_extension(el):
    """Inside extensionElements or di:extension, where vendors may reuse BPMN names freely."""
    parent = el.getparent()
    while parent is not None:
        if parent.tag in _EXTENSION_TAGS:
            return True
        parent = parent.getparent()
    return False


def _check_ref(by_id, tns, el, owner_tag, name, value, owner=None):
    """None when ``value`` resolves to an element of an expected kind; else a Finding."""
    owner = owner if owner is not None else el
    value = value.strip()
    if ":" in value:
        prefix, local = value.split(":", 1)[0], value.rsplit(":", 1)[1]
        target = by_id.get(local)
        if target is None:
            target = by_id.get(value)  # an id with a colon in it
    else:
        prefix, local = None, value
        target = by_id.get(value)
    if target is not None:
        expected = _EXPECTED_BY_TAG.get((owner_tag, name)) or _EXPECTED_ANY.get(name)
        if expected is None:
            return None
        kind = local_name(target.tag)
        if kind not in expected:
            if name == "flowNodeRef":
                return Finding(  # common in exports (data objects in lanes); harmless to the flow
                    "reference", f"{describe(owner)} lists {describe(target)}, which is not a flow node; lanes "
                    "hold activities, events and gateways only: remove the entry", "warning",
                    el.sourceline, nearest_id(owner))
            allowed = ", ".join(sorted(kind_words(k) for k in expected)) if len(expected) <= 4 else \
                _group_words(expected)
            return Finding(
                "reference", f"{describe(owner)}: {name} names {describe(target)}, but it must name "
                f"{allowed}; {_FIX.get(name, 'point it to an element of the right kind')}",
                "error", el.sourceline, nearest_id(owner))
        return None
    namespace = el.nsmap.get(prefix) if prefix is not None else None
    external = prefix is not None and namespace is not None and namespace != tns and namespace not in OMG_NAMESPACES
    if name in _MAY_BE_EXTERNAL:
        return Finding(
            "reference", f"{describe(owner)}: {name}={value!r} is not defined in this file; it is assumed to be "
            "another file's process (not checked)", "info", el.sourceline, nearest_id(owner))
    if external:
        return None  # a QName of an imported document: nothing here to check it against
    undeclared = prefix is not None and namespace is None
    extra = f" (and the prefix {prefix!r} is not declared)" if undeclared else ""
    return Finding(
        "reference", f"{describe(owner)}: {name} {value!r} names no element in this file{extra}; "
        f"{_FIX.get(name, 'point it to an existing element or remove it')}",
        "error", el.sourceline, nearest_id(owner))


def _group_words(expected):
    if expected <= _INTERACTION_NODES and "participant" in expected:
        return "a pool or a flow node (activity, event)"
    if expected <= kinds.FLOW_NODES:
        return "a flow node (activity, event or gateway)" if expected == kinds.FLOW_NODES else "an activity"
    if expected <= _CALLABLE:
        return "a process or a global task"
    return "an element of another kind"


def _duplicate_ids(index):
    found = []
    for el in index.duplicates:
        ident = el.get("id")
        first = index.by_id[ident]
        found.append(Finding(
            "reference", f"id {ident!r} of {describe(el)} is already used by "
            f"{kind_words(local_name(first.tag))} on line {first.sourceline}; ids must be "
            "unique: give one of them another id", "error", el.sourceline, ident))
    return found


def _default_flows(index):
    found = []
    for node in index.defaults:
        flow = index.get(node.get("default"))
        if flow is None or flow.tag != _SEQUENCE_FLOW:
            continue  # reported as a dangling or ill-typed reference
        source = flow.get("sourceRef")
        if source is None or kinds.local_ref(source) != node.get("id"):
            found.append(Finding(
                "reference", f"{describe(node)}: its default flow {describe(flow, kind=False)} does not leave it "
                f"(it starts at {source!r}); choose one of its own outgoing sequence flows as default",
                "error", node.sourceline, node.get("id")))
    return found


def _crossing_sequence_flows(index):
    found = []
    for flow in index.sequence_flows:
        container = flow.getparent()
        for end in ("sourceRef", "targetRef"):
            node = index.get(flow.get(end))
            if node is None or local_name(node.tag) not in kinds.FLOW_NODES:
                continue
            if node.getparent() is not container:
                inner = node.getparent()
                found.append(Finding(
                    "reference", f"sequence flow {describe(flow, kind=False)} in {describe(container)} connects "
                    f"{describe(node)}, which is in {describe(inner)}; a sequence flow cannot cross a process or "
                    "sub-process boundary: connect elements of the same (sub-)process, or use a message flow "
                    "between pools", "error", flow.sourceline, flow.get("id")))
                break
    return found


def _pool_of(index, el):
    if el.tag == _PARTICIPANT:
        return el
    process = el
    while process is not None and process.tag != _PROCESS:
        process = process.getparent()
    return None if process is None else index.pool_of_process.get(process.get("id"))


def _message_flows_in_one_pool(index):
    found = []
    for flow in index.message_flows:
        ends = [index.get(flow.get(e)) for e in ("sourceRef", "targetRef")]
        if None in ends:
            continue
        pools = [_pool_of(index, e) for e in ends]
        if pools[0] is not None and pools[0] is pools[1]:
            found.append(Finding(
                "reference", f"message flow {describe(flow, kind=False)} connects {describe(ends[0])} and "
                f"{describe(ends[1])}, both in {describe(pools[0])}; message flows connect different pools: "
                "use a sequence flow inside a pool", "error", flow.sourceline, flow.get("id")))
    return found


_DRAWN = kinds.FLOW_NODES | {"sequenceFlow", "dataObjectReference", "dataStoreReference"}


def _elements_without_shape(index):
    """Warnings for flow elements no diagram draws (only when the file has a diagram).

    Children of a sub-process none of whose children is drawn are left alone: many tools draw
    a collapsed sub-process as a box only."""
    if not index.drawn:
        return []
    found = []
    for process in index.processes:
        for el in _walk_drawn(process, index.drawn, index.planes):
            ident = el.get("id")
            if ident and ident not in index.drawn and local_name(el.tag) in _DRAWN:
                found.append(Finding(
                    "reference", f"{describe(el)} is in no diagram; draw it (or remove it if it is left over)",
                    "warning", el.sourceline, ident))
    return found


def _walk_drawn(container, drawn, planes):
    for child in container:
        if not isinstance(child.tag, str) or not child.tag.startswith(_BPMN):
            continue
        yield child
        if local_name(child.tag) in kinds.SUB_PROCESSES:
            # Drawn inside (expanded, or on a plane of its own) when any direct child is drawn.
            if child.get("id") in planes or any(c.get("id") in drawn for c in child):
                yield from _walk_drawn(child, drawn, planes)


# --- several files and the report formats (text, JSON, SARIF 2.1.0) ----------------------------

XSD_HELP = ("The file does not match the OMG BPMN 2.0 XML Schema (BPMN20.xsd). Tools that validate on "
            "import may refuse it. How to fix: correct the element named in the message; "
            "`procex export --plain` removes misplaced vendor extensions.")
REFERENCE_HELP = ("A reference names no element, or an element of the wrong kind; ids are not unique; a "
                  "sequence flow crosses a (sub-)process boundary; a message flow stays inside one pool; or "
                  "a diagram does not match the model. How to fix: point the reference to the right "
                  "element or remove it, as the message says.")


def config_for(config=None):
    """A LintConfig: ``config`` as given (a LintConfig or a TOML path), else procex.toml in the
    current directory or its nearest parent, else the empty config."""
    if isinstance(config, LintConfig):
        return config
    if config is None:
        found = find_config()
        return load_config(found) if found else LintConfig()
    return load_config(config)


def validate_paths(paths, rules=None, config=None, max_bytes=DEFAULT_MAX_BYTES):
    """(reports, read errors) for several files, with one configuration.

    ``config`` None means: procex.toml in the current directory or a parent, if any. A file that
    cannot be read gives a BpmnReadError in the second list; the others are still validated."""
    from . import rules as lint
    from .errors import BpmnReadError

    config = config_for(config)
    lint.resolve(rules, config)  # a wrong preset or config fails before any file is read
    reports, unreadable = [], []
    for path in paths:
        try:
            reports.append(validate_file(path, rules, config, max_bytes))
        except BpmnReadError as error:
            unreadable.append(error)
    return reports, unreadable


def exit_status(reports, unreadable):
    """0 without errors, 1 with errors, 2 when a file could not be read."""
    if unreadable:
        return 2
    return 1 if any(not r.ok for r in reports) else 0


def _plural(n, word):
    return f"{n} {word}{'' if n == 1 else 's'}"


def format_text(reports, unreadable=()):
    """A table (file, line, element, severity, rule, message) and a total line."""
    rows = [(r.path or "-", str(f.line or "-"), f.element or "-", f.severity, f.code, f.message)
            for r in reports for f in r.findings]
    lines = []
    if rows:
        header = ("FILE", "LINE", "ELEMENT", "SEVERITY", "RULE", "MESSAGE")
        widths = [max(len(row[i]) for row in rows + [header]) for i in range(5)]
        for row in [header] + rows:
            lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[5])
    errors = sum(r.errors for r in reports)
    warnings = sum(r.warnings for r in reports)
    infos = sum(1 for r in reports for f in r.findings if f.severity == "info")
    failed = sum(1 for r in reports if not r.ok)
    total = (f"{_plural(len(reports), 'file')} checked: {_plural(errors, 'error')}, "
             f"{_plural(warnings, 'warning')}, {infos} info")
    if failed:
        total += f" ({_plural(failed, 'file')} with errors)"
    if unreadable:
        total += f"; {_plural(len(unreadable), 'file')} could not be read"
    lines.append(total)
    return "\n".join(lines)


def to_json(reports):
    return {"files": [r.to_dict() for r in reports]}


def _rule_descriptor(rule_id, rules_used):
    from . import rules as lint

    if rule_id == "xsd":
        short, full, level = "Schema (OMG BPMN 2.0 XSD)", XSD_HELP, "error"
    elif rule_id == "reference":
        short, full, level = "References and structure", REFERENCE_HELP, "error"
    else:
        rule = lint.registry()[rule_id]
        short, full = rule.summary, rule.doc
        level = "error" if rules_used.get(rule_id, rule.severity) == "error" else "warning"
    return {"id": rule_id, "name": "".join(part.capitalize() for part in rule_id.split("-")),
            "shortDescription": {"text": short}, "fullDescription": {"text": full},
            "help": {"text": full}, "defaultConfiguration": {"level": level}}


def _artifact_uri(path):
    if not path:
        return "unknown"
    p = Path(path)
    return p.as_uri() if p.is_absolute() else p.as_posix()


def to_sarif(reports, rules=None, config=None):
    """A SARIF 2.1.0 log: one run, the rules that were applied (with help texts), one result per
    finding with its file and line, and the element id as logical location."""
    from importlib import metadata

    from . import rules as lint

    try:
        version = metadata.version("procex")
    except metadata.PackageNotFoundError:
        version = "0"
    used = lint.resolve(rules, config) if rules != "none" else {}
    rule_ids = ["xsd", "reference"] + list(used)
    for report in reports:
        for f in report.findings:
            if f.code not in rule_ids:
                rule_ids.append(f.code)
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    artifacts = [{"location": {"uri": _artifact_uri(r.path)}} for r in reports]
    results = []
    for i, report in enumerate(reports):
        for f in report.findings:
            physical = {"artifactLocation": {"uri": _artifact_uri(report.path), "index": i}}
            if f.line:
                physical["region"] = {"startLine": f.line}
            location = {"physicalLocation": physical}
            if f.element:
                location["logicalLocations"] = [{"name": f.element, "kind": "element"}]
            results.append({"ruleId": f.code, "ruleIndex": index[f.code],
                            "level": {"error": "error", "warning": "warning"}.get(f.severity, "note"),
                            "message": {"text": f.message}, "locations": [location]})
    return {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
            "runs": [{"tool": {"driver": {"name": "procex", "version": version,
                                          "rules": [_rule_descriptor(r, used) for r in rule_ids]}},
                      "artifacts": artifacts, "results": results}]}
