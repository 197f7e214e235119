"""Validate a BPMN model: OMG schema, references no schema resolves, and the lint rules.

``validate_file`` / ``validate_bytes`` / ``validate_model`` return a Report of Findings:
- ``xsd``: the OMG BPMN 2.0 XSDs. libxml2 (lxml) is the fast gate, compiled once per process;
  only a file that fails it is read again by xmlschema, whose ``iter_errors`` lists every error
  with its path and line (libxml2 may stop early and does not resolve IDREFs).
- ``reference``: every id reference (attributes and texts of bpmn/kinds.py) resolves to an
  element of the right kind, ids are unique, defaults are outgoing flows, sequence flows stay
  in their (sub-)process, message flows join two pools, and diagram shapes match elements.
- lint rules (bpmn/rules/), chosen by a preset and a ``[lint]`` config table.

Messages are German by default (``lang="de"``; councils and reviewers read them) or English
(``lang="en"``); the templates of the schema and reference findings are in ``MESSAGES`` below,
each rule's in its module. xmlschema's and libxml2's own reasons are quoted as they come.
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
from .rules._util import Words, check_messages, describe, kind_words, nearest_id, say
from .xml import (BPMN_NS, BPMNDI_NS, DC_NS, DEFAULT_MAX_BYTES, DI_NS, OMG_NAMESPACES, local_name, parse_bytes,
                  parse_file)

XSD_NS = "http://www.w3.org/2001/XMLSchema"
_BPMN = "{%s}" % BPMN_NS
_BPMNDI = "{%s}" % BPMNDI_NS
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}

# The words of the schema and reference findings: key -> German and English template (see
# bpmn/rules/_util.py for how parameters are named).
MESSAGES = {
    # schema (xsd): "{where}: {reason}; {hint}", reason as xmlschema gives it
    "xsd": {"de": "{where}: {reason}; {hint}", "en": "{where}: {reason}; {hint}"},
    "xsd-at-path": {"de": "{reason} (bei {path})", "en": "{reason} (at {path})"},
    "xsd-inside": {"de": "{owner}, Kindelement {tag}", "en": "{tag} in {owner}"},
    "xsd-too-many": {"de": "mehr als {count} Schemafehler; die übrigen sind nicht aufgeführt",
                     "en": "more than {count} schema errors; the rest are not listed"},
    "hint-duplicate-id": {"de": "Ids müssen in einer Datei eindeutig sein: geben Sie einem der Elemente eine "
                                "andere Id",
                          "en": "ids must be unique in a file: give one of the elements another id"},
    "hint-extension": {"de": "extensionElements darf nur Elemente eines herstellereigenen Namensraums enthalten: "
                             "verschieben Sie das Element in einen Hersteller-Namensraum oder entfernen Sie es "
                             "(procex export --plain entfernt Erweiterungen)",
                       "en": "extensionElements may only hold elements of a vendor's own namespace: move it into "
                             "a vendor namespace or remove it (procex export --plain removes extensions)"},
    "hint-plane": {"de": "ein Diagramm hat genau eine Ebene: legen Sie die zweite Ebene in ein eigenes BPMNDiagram",
                   "en": "a diagram has exactly one plane: put the second plane into a BPMNDiagram of its own"},
    "hint-unexpected": {"de": "entfernen Sie das Element oder verschieben Sie es dorthin, wo das Schema es "
                              "erlaubt (die Reihenfolge der Kindelemente zählt)",
                        "en": "remove it, or move it to where the schema allows it (the order of children "
                              "matters)"},
    "hint-edge": {"de": "eine Kante braucht mindestens zwei di:waypoint-Elemente: zeichnen Sie die Verbindung "
                        "neu oder entfernen Sie die Kante",
                  "en": "an edge needs at least two di:waypoint elements: redraw the connection or remove the edge"},
    "hint-incomplete": {"de": "ergänzen Sie {what} oder entfernen Sie das unvollständige Element",
                        "en": "add {what}, or remove the incomplete element"},
    "hint-attribute": {"de": "ergänzen Sie das Attribut", "en": "add the attribute"},
    "hint-not-bpmn": {"de": "dies ist kein BPMN-2.0-Element: entfernen Sie es oder verschieben Sie es in "
                            "extensionElements unter einem Hersteller-Namensraum",
                      "en": "this is not a BPMN 2.0 element: remove it or move it into extensionElements under a "
                            "vendor namespace"},
    "hint-other": {"de": "korrigieren Sie es so, dass die Datei dem BPMN-2.0-Schema entspricht",
                   "en": "correct it so that the file matches the BPMN 2.0 schema"},
    "xsi-type": {"de": "{where}: xsi:type=„{value}“ verwendet ein Namensraum-Präfix, das nicht deklariert ist: "
                       "deklarieren Sie das Präfix (xmlns:{prefix}=\"{namespace}\") oder schreiben Sie den Typ "
                       "ohne Präfix",
                 "en": "{where}: xsi:type='{value}' uses a namespace prefix that is not declared; declare the "
                       "prefix (xmlns:{prefix}=\"{namespace}\") or write the type without it"},
    "xsd-crash": {"de": "die genaue Schemaprüfung konnte diese Datei nicht verarbeiten ({crash}); die folgenden "
                        "Fehler stammen nur aus der schnellen Prüfung",
                  "en": "the detailed schema check could not process this file ({crash}); the errors below come "
                        "from the fast check only"},
    # references
    "empty-ref": {"de": "{owner} hat ein leeres <{kind}>: entfernen Sie es oder nennen Sie ein Element",
                  "en": "{owner} has an empty <{kind}>; remove it or name an element"},
    "lane-lists-non-node": {"de": "{owner} führt {target} auf, aber das ist kein Flussknoten; Lanes enthalten nur "
                                  "Aktivitäten, Ereignisse und Gateways: entfernen Sie den Eintrag",
                            "en": "{owner} lists {target}, which is not a flow node; lanes hold activities, events "
                                  "and gateways only: remove the entry"},
    "wrong-kind": {"de": "{owner}: {name} verweist auf {target}, muss aber auf {allowed} verweisen; {fix}",
                   "en": "{owner}: {name} names {target}, but it must name {allowed}; {fix}"},
    "external": {"de": "{owner}: {name}=„{value}“ ist in dieser Datei nicht definiert; es wird als Prozess einer "
                       "anderen Datei angenommen (nicht geprüft)",
                 "en": "{owner}: {name}='{value}' is not defined in this file; it is assumed to be another file's "
                       "process (not checked)"},
    "dangling": {"de": "{owner}: {name} „{value}“ verweist auf kein Element dieser Datei{extra}; {fix}",
                 "en": "{owner}: {name} '{value}' names no element in this file{extra}; {fix}"},
    "undeclared-prefix": {"de": " (und das Präfix „{prefix}“ ist nicht deklariert)",
                          "en": " (and the prefix '{prefix}' is not declared)"},
    "duplicate-id": {"de": "{el}: die Id „{ident}“ ist schon vergeben (Zeile {line}: {first:kind}); Ids müssen "
                           "eindeutig sein: geben Sie einem der beiden Elemente eine andere Id",
                     "en": "id '{ident}' of {el} is already used by {first:kind} on line {line}; ids must be "
                           "unique: give one of them another id"},
    "default-not-outgoing": {"de": "{node}: der Standardfluss {flow:bare} verlässt das Element nicht (er beginnt "
                                   "bei „{source}“): wählen Sie einen seiner eigenen ausgehenden Sequenzflüsse als "
                                   "Standardfluss",
                             "en": "{node}: its default flow {flow:bare} does not leave it (it starts at "
                                   "'{source}'); choose one of its own outgoing sequence flows as default"},
    "crossing": {"de": "Sequenzfluss {flow:bare} in {container} verbindet {node}, aber dieses Element liegt in {inner}; ein "
                       "Sequenzfluss kann die Grenze eines Prozesses oder Teilprozesses nicht überqueren: "
                       "verbinden Sie Elemente desselben (Teil-)Prozesses oder verwenden Sie zwischen Pools einen "
                       "Nachrichtenfluss",
                 "en": "sequence flow {flow:bare} in {container} connects {node}, which is in {inner}; a sequence "
                       "flow cannot cross a process or sub-process boundary: connect elements of the same "
                       "(sub-)process, or use a message flow between pools"},
    "message-flow-one-pool": {"de": "Nachrichtenfluss {flow:bare} verbindet {source} und {target}, beide in "
                                    "{pool}; Nachrichtenflüsse verbinden verschiedene Pools: verwenden Sie innerhalb "
                                    "eines Pools einen Sequenzfluss",
                              "en": "message flow {flow:bare} connects {source} and {target}, both in {pool}; "
                                    "message flows connect different pools: use a sequence flow inside a pool"},
    "no-shape": {"de": "{el} ist in keinem Diagramm gezeichnet: zeichnen Sie das Element (oder entfernen Sie es, "
                       "wenn es übrig geblieben ist)",
                 "en": "{el} is in no diagram; draw it (or remove it if it is left over)"},
    # what to do about a reference that names nothing, or the wrong kind
    "fix-flow-end": {"de": "verbinden Sie den Fluss mit einem vorhandenen Element oder entfernen Sie ihn",
                     "en": "connect the flow to an existing element or remove it"},
    "fix-bpmnElement": {"de": "entfernen Sie die Form oder Kante, oder lassen Sie sie auf ein vorhandenes Element "
                              "zeigen",
                        "en": "remove the shape or edge, or point it to an existing element"},
    "fix-flowNodeRef": {"de": "entfernen Sie den Eintrag aus der Lane", "en": "remove the entry from the lane"},
    "fix-processRef": {"de": "lassen Sie den Pool auf einen vorhandenen Prozess zeigen oder entfernen Sie das "
                             "Attribut (ein Pool ohne Inhalt)",
                       "en": "point the pool to an existing process or remove the attribute (a black-box pool)"},
    "fix-default": {"de": "wählen Sie einen der ausgehenden Sequenzflüsse des Elements als Standardfluss, oder "
                          "entfernen Sie das Attribut",
                    "en": "choose one of the element's outgoing sequence flows as default, or remove the "
                          "attribute"},
    "fix-attachedToRef": {"de": "heften Sie das Ereignis an eine vorhandene Aktivität oder entfernen Sie es",
                          "en": "attach the boundary event to an existing activity or remove it"},
    "fix-incoming-outgoing": {"de": "entfernen Sie den Eintrag <{name}> (Sequenzflüsse werden aus ihrem "
                                    "sourceRef/targetRef gelesen)",
                              "en": "remove the <{name}> entry (sequence flows are read from their "
                                    "sourceRef/targetRef)"},
    "fix-wrong-kind": {"de": "lassen Sie den Verweis auf ein Element der richtigen Art zeigen",
                       "en": "point it to an element of the right kind"},
    "fix-dangling": {"de": "lassen Sie den Verweis auf ein vorhandenes Element zeigen oder entfernen Sie ihn",
                     "en": "point it to an existing element or remove it"},
}
check_messages(MESSAGES, "bpmn.validate")
_FIX_KEYS = {"sourceRef": "fix-flow-end", "targetRef": "fix-flow-end", "bpmnElement": "fix-bpmnElement",
             "flowNodeRef": "fix-flowNodeRef", "processRef": "fix-processRef", "default": "fix-default",
             "attachedToRef": "fix-attachedToRef", "incoming": "fix-incoming-outgoing",
             "outgoing": "fix-incoming-outgoing"}
# What a reference of the wrong kind must name, for groups too big to list kind by kind.
_GROUP_WORDS = {
    "interaction": Words(de="einen Pool oder einen Flussknoten (Aktivität, Ereignis)",
                         en="a pool or a flow node (activity, event)"),
    "flow-node": Words(de="einen Flussknoten (Aktivität, Ereignis oder Gateway)",
                       en="a flow node (activity, event or gateway)"),
    "activity": Words(de="eine Aktivität", en="an activity"),
    "callable": Words(de="einen Prozess oder eine globale Aufgabe", en="a process or a global task"),
    "other": Words(de="ein Element einer anderen Art", en="an element of another kind"),
}


def _say(key, lang, /, **params):
    return say(MESSAGES, key, lang, **params)


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


def validate_file(path, rules="correctness", config=None, max_bytes=DEFAULT_MAX_BYTES, lang="de"):
    """Validate a BPMN file; raises BpmnReadError when it cannot be read at all."""
    return _validate(parse_file(Path(path), max_bytes), str(path), rules, config, lang)


def validate_bytes(data, source=None, rules="correctness", config=None, max_bytes=DEFAULT_MAX_BYTES, lang="de"):
    """Validate the bytes of a BPMN file (``source`` names it in messages)."""
    return _validate(parse_bytes(data, source, max_bytes), source, rules, config, lang)


def validate_model(model, rules="correctness", config=None, lang="de"):
    """Schema, reference and lint findings for a Model, sorted by line.

    ``rules``: a preset (correctness, recommended, all, none) or None for the config's preset;
    ``config``: None, a LintConfig, the ``[lint]`` table as a dict, or a TOML file path.
    ``none`` runs the schema and reference checks only. ``lang``: messages in German (de, the
    default) or English (en).
    """
    return _validate(model.tree, model.source, rules, config, lang, model)


def _validate(tree, source, rules, config, lang="de", model=None):
    from . import rules as lint

    if lang not in ("de", "en"):
        raise ValueError(f"unknown language {lang!r}; use de or en")
    chosen = lint.resolve(rules, config)  # first, so a wrong config fails before any work
    findings = schema_findings(tree, lang)
    findings += reference_findings(tree.getroot(), lang)
    if chosen:  # the typed model is only built when lint rules need it
        findings += lint.run(model if model is not None else Model(tree, source), chosen, lang)
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


def schema_findings(tree, lang="de"):
    """``xsd`` findings for an lxml tree; [] when the OMG schema accepts it."""
    schema = lxml_schema()
    with _lxml_lock:  # the compiled schema and its error log are shared by all threads
        if schema.validate(tree):
            return []
        gate_log = [(entry.line, entry.message) for entry in schema.error_log]
    try:
        with _xmlschema_lock:
            errors = list(_iter_xmlschema_errors(tree, lang))
    except Exception as crash:  # noqa: BLE001 - xmlschema raises on input it cannot handle
        return _crash_findings(tree, crash, gate_log, lang)
    if not errors:  # the two validators disagree; keep libxml2's word
        return [Finding("xsd", _tidy(message), "error", line or None, None) for line, message in gate_log]
    return errors


def _iter_xmlschema_errors(tree, lang):
    count = 0
    for error in xmlschema_schema().iter_errors(tree, use_location_hints=False):
        reason = error.reason or error.message or "invalid"
        if reason.startswith("IDREF "):
            continue  # dangling IDREFs: the reference checks report them at their element
        count += 1
        if count > _MAX_XSD_FINDINGS:
            yield Finding("xsd", _say("xsd-too-many", lang, count=_MAX_XSD_FINDINGS), "error", None, None)
            return
        yield _xsd_finding(error, reason, lang)


_CLARK = re.compile(r"\{([^}]*)\}([\w.-]+)")
_PREFIX_OF = {BPMN_NS: "bpmn", BPMNDI_NS: "bpmndi", DI_NS: "di", DC_NS: "dc", XSD_NS: "xsd"}


def _tidy(text):
    """Clark names as prefixed names, and no libxml2 noise."""
    text = _CLARK.sub(lambda m: f"{_PREFIX_OF.get(m.group(1), '{' + m.group(1) + '}')}:{m.group(2)}"
                      if m.group(1) in _PREFIX_OF else m.group(0), text)
    return text.strip().rstrip(".")


def _xsd_finding(error, reason, lang):
    elem = error.elem
    target = elem
    index = getattr(error, "index", None)
    unexpected = reason.startswith("Unexpected child")
    if unexpected and elem is not None and isinstance(index, int) and 0 <= index < len(elem):
        target = elem[index]
    if target is None or not hasattr(target, "sourceline"):
        return Finding("xsd", _say("xsd-at-path", lang, reason=_tidy(reason), path=error.path), "error", None, None)
    text = _say("xsd", lang, where=_where(target, lang), reason=_tidy(reason),
                hint=_say(_xsd_hint(reason, elem, target), lang, what=_missing_child(reason)))
    return Finding("xsd", text, "error", target.sourceline, nearest_id(target))


def _where(el, lang):
    """'<bpmn:dataOutputAssociation> in user task 'X' (id)' or "user task 'X' (id)"."""
    if el.get("id"):
        return describe(el, lang=lang)
    owner = el.getparent()
    while owner is not None and not owner.get("id"):
        owner = owner.getparent()
    tag = f"<{_tidy(el.tag) if el.tag.startswith('{') else el.tag}>"
    return _say("xsd-inside", lang, tag=tag, owner=owner) if owner is not None else tag


def _xsd_hint(reason, parent, target):
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


def _missing_child(reason):
    missing = re.search(r"Tag '([^']+)' expected", reason)
    if missing:
        return f"<{_tidy(missing.group(1))}>"
    return Words(de="das fehlende Kindelement", en="the missing child element")


def _crash_findings(tree, crash, gate_log, lang):
    """xmlschema could not process the file (e.g. an xsi:type with an undeclared prefix): report
    the cause in words and fall back to libxml2's error list."""
    text = str(crash).strip().strip('"')
    findings = []
    undeclared = _undeclared_xsi_types(tree)
    for el, value in undeclared:
        findings.append(Finding(
            "xsd", _say("xsi-type", lang, where=_where(el, lang), value=value, prefix=value.split(":", 1)[0],
                        namespace=BPMN_NS), "error", el.sourceline, nearest_id(el)))
    if not undeclared:
        findings.append(Finding(
            "xsd", _say("xsd-crash", lang, crash=f"{type(crash).__name__}: {text}"), "error", None, None))
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


def reference_findings(root, lang="de"):
    """``reference`` findings: dangling or ill-typed references, duplicate ids, flows across
    boundaries, message flows within one pool, diagram elements without model element, and
    (when the file has diagrams) flow elements without any shape."""
    if isinstance(root, Model):
        root = root.root
    index = _Index(root)
    found = _duplicate_ids(index, lang)
    by_id = index.by_id
    tns = root.get("targetNamespace")
    by_tag, by_name = _EXPECTED_BY_TAG, _EXPECTED_ANY
    for el, name, value in index.refs:
        target = by_id.get(value)
        if target is not None:  # the common case, decided here without a call
            expected = by_tag.get((el.tag, name)) or by_name.get(name)
            if expected is None or target.tag.rsplit("}", 1)[-1] in expected:
                continue
        result = _check_ref(by_id, tns, el, el.tag, name, value, lang=lang)
        if result and not _in_extension(el):
            found.append(result)
    for el in index.texts:
        kind = local_name(el.tag)
        parent = el.getparent()
        text = (el.text or "").strip()
        if not text:
            if kind in ("flowNodeRef", "sourceRef", "targetRef", "incoming", "outgoing") and not _in_extension(el):
                found.append(Finding("reference", _say("empty-ref", lang, owner=parent, kind=kind), "error",
                                     el.sourceline, nearest_id(parent)))
            continue
        result = _check_ref(by_id, tns, el, parent.tag, kind, text, owner=parent, lang=lang)
        if result and not _in_extension(el):
            found.append(result)
    found += _default_flows(index, lang)
    found += _crossing_sequence_flows(index, lang)
    found += _message_flows_in_one_pool(index, lang)
    found += _elements_without_shape(index, lang)
    return found


def _in_extension(el):
    """Inside extensionElements or di:extension, where vendors may reuse BPMN names freely."""
    parent = el.getparent()
    while parent is not None:
        if parent.tag in _EXTENSION_TAGS:
            return True
        parent = parent.getparent()
    return False


def _fix(name, fallback, lang):
    return _say(_FIX_KEYS.get(name, fallback), lang, name=name)


def _check_ref(by_id, tns, el, owner_tag, name, value, owner=None, lang="de"):
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
                    "reference", _say("lane-lists-non-node", lang, owner=owner, target=target), "warning",
                    el.sourceline, nearest_id(owner))
            if len(expected) <= 4:
                allowed = Words(**{lg: ", ".join(sorted(kind_words(k, lg) for k in expected)) for lg in ("de", "en")})
            else:
                allowed = _GROUP_WORDS[_group(expected)]
            return Finding(
                "reference", _say("wrong-kind", lang, owner=owner, name=name, target=target, allowed=allowed,
                                  fix=_fix(name, "fix-wrong-kind", lang)),
                "error", el.sourceline, nearest_id(owner))
        return None
    namespace = el.nsmap.get(prefix) if prefix is not None else None
    external = prefix is not None and namespace is not None and namespace != tns and namespace not in OMG_NAMESPACES
    if name in _MAY_BE_EXTERNAL:
        return Finding("reference", _say("external", lang, owner=owner, name=name, value=value), "info",
                       el.sourceline, nearest_id(owner))
    if external:
        return None  # a QName of an imported document: nothing here to check it against
    undeclared = prefix is not None and namespace is None
    extra = _say("undeclared-prefix", lang, prefix=prefix) if undeclared else ""
    return Finding(
        "reference", _say("dangling", lang, owner=owner, name=name, value=value, extra=extra,
                          fix=_fix(name, "fix-dangling", lang)),
        "error", el.sourceline, nearest_id(owner))


def _group(expected):
    if expected <= _INTERACTION_NODES and "participant" in expected:
        return "interaction"
    if expected <= kinds.FLOW_NODES:
        return "flow-node" if expected == kinds.FLOW_NODES else "activity"
    if expected <= _CALLABLE:
        return "callable"
    return "other"


def _duplicate_ids(index, lang):
    found = []
    for el in index.duplicates:
        ident = el.get("id")
        first = index.by_id[ident]
        found.append(Finding(
            "reference", _say("duplicate-id", lang, ident=ident, el=el, first=first, line=first.sourceline),
            "error", el.sourceline, ident))
    return found


def _default_flows(index, lang):
    found = []
    for node in index.defaults:
        flow = index.get(node.get("default"))
        if flow is None or flow.tag != _SEQUENCE_FLOW:
            continue  # reported as a dangling or ill-typed reference
        source = flow.get("sourceRef")
        if source is None or kinds.local_ref(source) != node.get("id"):
            found.append(Finding(
                "reference", _say("default-not-outgoing", lang, node=node, flow=flow, source=source),
                "error", node.sourceline, node.get("id")))
    return found


def _crossing_sequence_flows(index, lang):
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
                    "reference", _say("crossing", lang, flow=flow, container=container, node=node, inner=inner),
                    "error", flow.sourceline, flow.get("id")))
                break
    return found


def _pool_of(index, el):
    if el.tag == _PARTICIPANT:
        return el
    process = el
    while process is not None and process.tag != _PROCESS:
        process = process.getparent()
    return None if process is None else index.pool_of_process.get(process.get("id"))


def _message_flows_in_one_pool(index, lang):
    found = []
    for flow in index.message_flows:
        ends = [index.get(flow.get(e)) for e in ("sourceRef", "targetRef")]
        if None in ends:
            continue
        pools = [_pool_of(index, e) for e in ends]
        if pools[0] is not None and pools[0] is pools[1]:
            found.append(Finding(
                "reference", _say("message-flow-one-pool", lang, flow=flow, source=ends[0], target=ends[1],
                                  pool=pools[0]),
                "error", flow.sourceline, flow.get("id")))
    return found


_DRAWN = kinds.FLOW_NODES | {"sequenceFlow", "dataObjectReference", "dataStoreReference"}


def _elements_without_shape(index, lang):
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
                found.append(Finding("reference", _say("no-shape", lang, el=el), "warning", el.sourceline, ident))
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
XSD_HELP_DE = ("Die Datei entspricht nicht dem XML-Schema von OMG BPMN 2.0 (BPMN20.xsd). Werkzeuge, die beim "
               "Import prüfen, können sie ablehnen. Abhilfe: Korrigieren Sie das in der Meldung genannte "
               "Element; `procex export --plain` entfernt falsch platzierte Hersteller-Erweiterungen.")
REFERENCE_HELP_DE = ("Ein Verweis zeigt auf kein Element oder auf ein Element der falschen Art; Ids sind nicht "
                     "eindeutig; ein Sequenzfluss überquert die Grenze eines (Teil-)Prozesses; ein "
                     "Nachrichtenfluss bleibt in einem Pool; oder ein Diagramm passt nicht zum Modell. Abhilfe: "
                     "Lassen Sie den Verweis auf das richtige Element zeigen oder entfernen Sie ihn, wie die "
                     "Meldung sagt.")
# Text report words: table header, severities, the total line.
_TEXT = {
    "de": {"header": ("DATEI", "ZEILE", "ELEMENT", "SCHWERE", "REGEL", "MELDUNG"),
           "severity": {"error": "Fehler", "warning": "Warnung", "info": "Hinweis"},
           "file": ("Datei", "Dateien"), "error": ("Fehler", "Fehler"), "warning": ("Warnung", "Warnungen"),
           "info": ("Hinweis", "Hinweise"), "checked": "{files} geprüft: {errors}, {warnings}, {infos}",
           "failed": " ({files} mit Fehlern)", "unreadable": "; {files} nicht lesbar"},
    "en": {"header": ("FILE", "LINE", "ELEMENT", "SEVERITY", "RULE", "MESSAGE"),
           "severity": {"error": "error", "warning": "warning", "info": "info"},
           "file": ("file", "files"), "error": ("error", "errors"), "warning": ("warning", "warnings"),
           "info": ("info", "info"), "checked": "{files} checked: {errors}, {warnings}, {infos}",
           "failed": " ({files} with errors)", "unreadable": "; {files} could not be read"},
}


def config_for(config=None):
    """A LintConfig: ``config`` as given (a LintConfig or a TOML path), else procex.toml in the
    current directory or its nearest parent, else the empty config."""
    if isinstance(config, LintConfig):
        return config
    if config is None:
        found = find_config()
        return load_config(found) if found else LintConfig()
    return load_config(config)


def validate_paths(paths, rules=None, config=None, max_bytes=DEFAULT_MAX_BYTES, lang="de"):
    """(reports, read errors) for several files, with one configuration.

    ``paths`` is any iterable of paths (the CLI passes a progress bar over them). ``config`` None
    means: procex.toml in the current directory or a parent, if any. A file that cannot be read
    gives a BpmnReadError in the second list; the others are still validated."""
    from . import rules as lint
    from .errors import BpmnReadError

    config = config_for(config)
    lint.resolve(rules, config)  # a wrong preset or config fails before any file is read
    reports, unreadable = [], []
    for path in paths:
        try:
            reports.append(validate_file(path, rules, config, max_bytes, lang))
        except BpmnReadError as error:
            unreadable.append(error)
    return reports, unreadable


def exit_status(reports, unreadable):
    """0 without errors, 1 with errors, 2 when a file could not be read."""
    if unreadable:
        return 2
    return 1 if any(not r.ok for r in reports) else 0


def format_text(reports, unreadable=(), lang="de"):
    """A table (file, line, element, severity, rule, message) and a total line, in German or English."""
    words = _TEXT[lang]

    def count(n, word):
        return f"{n} {words[word][0 if n == 1 else 1]}"

    rows = [(r.path or "-", str(f.line or "-"), f.element or "-", words["severity"].get(f.severity, f.severity),
             f.code, f.message) for r in reports for f in r.findings]
    lines = []
    if rows:
        header = words["header"]
        widths = [max(len(row[i]) for row in rows + [header]) for i in range(5)]
        for row in [header] + rows:
            lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[5])
    errors = sum(r.errors for r in reports)
    warnings = sum(r.warnings for r in reports)
    infos = sum(1 for r in reports for f in r.findings if f.severity == "info")
    failed = sum(1 for r in reports if not r.ok)
    total = words["checked"].format(files=count(len(reports), "file"), errors=count(errors, "error"),
                                    warnings=count(warnings, "warning"), infos=count(infos, "info"))
    if failed:
        total += words["failed"].format(files=count(failed, "file"))
    if unreadable:
        total += words["unreadable"].format(files=count(len(unreadable), "file"))
    lines.append(total)
    return "\n".join(lines)


def to_json(reports):
    return {"files": [r.to_dict() for r in reports]}


def _rule_descriptor(rule_id, rules_used, lang="de"):
    from . import rules as lint

    de = lang == "de"
    if rule_id == "xsd":
        short, full, level = "Schema (OMG BPMN 2.0 XSD)", XSD_HELP_DE if de else XSD_HELP, "error"
    elif rule_id == "reference":
        short = "Verweise und Struktur" if de else "References and structure"
        full, level = REFERENCE_HELP_DE if de else REFERENCE_HELP, "error"
    else:
        rule = lint.registry()[rule_id]
        short, full = rule.title(lang), rule.help(lang)
        level = "error" if rules_used.get(rule_id, rule.severity) == "error" else "warning"
    return {"id": rule_id, "name": "".join(part.capitalize() for part in rule_id.split("-")),
            "shortDescription": {"text": short}, "fullDescription": {"text": full},
            "help": {"text": full}, "defaultConfiguration": {"level": level}}


def _artifact_uri(path):
    if not path:
        return "unknown"
    p = Path(path)
    return p.as_uri() if p.is_absolute() else p.as_posix()


def to_sarif(reports, rules=None, config=None, lang="de"):
    """A SARIF 2.1.0 log: one run, the rules that were applied (with help texts in ``lang``; the
    results' messages are the findings' own), one result per finding with its file and line, and
    the element id as logical location."""
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
                                          "rules": [_rule_descriptor(r, used, lang) for r in rule_ids]}},
                      "language": lang, "artifacts": artifacts, "results": results}]}
