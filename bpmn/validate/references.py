"""The ``reference`` findings: what no schema resolves.

Every id reference (attributes and texts of bpmn/kinds.py) resolves to an element of the right
kind, ids are unique, defaults are outgoing flows, sequence flows stay in their (sub-)process,
message flows join two pools, and diagram shapes match elements (when the file has diagrams,
flow elements without any shape are warned about).
"""

from collections.abc import Iterator
from typing import Any

from lxml.etree import _Element

from procex.bpmn import kinds
from procex.bpmn.findings import Finding
from procex.bpmn.model import Model
from procex.bpmn.rules._util import Words, kind_words, nearest_id
from procex.bpmn.validate.messages import FIX_KEYS, GROUP_WORDS, named, say
from procex.bpmn.validate.reference_index import PARTICIPANT, PROCESS, SEQUENCE_FLOW, ReferenceIndex
from procex.bpmn.xml import BPMN_NS, DI_NS, OMG_NAMESPACES, local_name

_BPMN = f"{{{BPMN_NS}}}"
# A call activity may call a process of another file (by id or an engine's key): information.
_MAY_BE_EXTERNAL = frozenset({"calledElement", "calledChoreographyRef"})
_EXTENSION_TAGS = frozenset({_BPMN + "extensionElements", f"{{{DI_NS}}}extension"})
_INTERACTION_NODES = kinds.FLOW_NODES | {"participant", "conversation", "subConversation", "callConversation"}
_CALLABLE = frozenset(
    {"process", "globalTask", "globalUserTask", "globalManualTask", "globalScriptTask", "globalBusinessRuleTask"}
)
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


def reference_findings(root: Any, lang: str = "de") -> list[Finding]:
    """``reference`` findings: dangling or ill-typed references, duplicate ids, flows across
    boundaries, message flows within one pool, diagram elements without model element, and
    (when the file has diagrams) flow elements without any shape."""
    if isinstance(root, Model):
        root = root.root
    index = ReferenceIndex(root)
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
                found.append(
                    Finding(
                        "reference",
                        say("empty-ref", lang, owner=named(parent), kind=kind),
                        "error",
                        el.sourceline,
                        nearest_id(parent),
                    )
                )
            continue
        result = _check_ref(by_id, tns, el, parent.tag, kind, text, owner=parent, lang=lang)
        if result and not _in_extension(el):
            found.append(result)
    found += _default_flows(index, lang)
    found += _crossing_sequence_flows(index, lang)
    found += _message_flows_in_one_pool(index, lang)
    found += _elements_without_shape(index, lang)
    return found


def _in_extension(el: _Element) -> bool:
    """Inside extensionElements or di:extension, where vendors may reuse BPMN names freely."""
    parent = el.getparent()
    while parent is not None:
        if parent.tag in _EXTENSION_TAGS:
            return True
        parent = parent.getparent()
    return False


def _fix(name: str, fallback: str, lang: str) -> str:
    return say(FIX_KEYS.get(name, fallback), lang, name=name)


def _check_ref(
    by_id: dict[str, _Element],
    tns: str | None,
    el: _Element,
    owner_tag: str,
    name: str,
    value: str,
    owner: _Element | None = None,
    lang: str = "de",
) -> Finding | None:
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
                    "reference",
                    say("lane-lists-non-node", lang, owner=named(owner), target=target),
                    "warning",
                    el.sourceline,
                    nearest_id(owner),
                )
            if len(expected) <= 4:
                allowed = Words(**{lg: ", ".join(sorted(kind_words(k, lg) for k in expected)) for lg in ("de", "en")})
            else:
                allowed = GROUP_WORDS[_group(expected)]
            return Finding(
                "reference",
                say(
                    "wrong-kind",
                    lang,
                    owner=named(owner),
                    name=name,
                    target=target,
                    allowed=allowed,
                    fix=_fix(name, "fix-wrong-kind", lang),
                ),
                "error",
                el.sourceline,
                nearest_id(owner),
            )
        return None
    namespace = el.nsmap.get(prefix) if prefix is not None else None
    external = prefix is not None and namespace is not None and namespace != tns and namespace not in OMG_NAMESPACES
    if name in _MAY_BE_EXTERNAL:
        return Finding(
            "reference",
            say("external", lang, owner=named(owner), name=name, value=value),
            "info",
            el.sourceline,
            nearest_id(owner),
        )
    if external:
        return None  # a QName of an imported document: nothing here to check it against
    undeclared = prefix is not None and namespace is None
    extra = say("undeclared-prefix", lang, prefix=prefix) if undeclared else ""
    return Finding(
        "reference",
        say(
            "dangling",
            lang,
            owner=named(owner),
            name=name,
            value=value,
            extra=extra,
            fix=_fix(name, "fix-dangling", lang),
        ),
        "error",
        el.sourceline,
        nearest_id(owner),
    )


def _group(expected: frozenset[str]) -> str:
    if expected <= _INTERACTION_NODES and "participant" in expected:
        return "interaction"
    if expected <= kinds.FLOW_NODES:
        return "flow-node" if expected == kinds.FLOW_NODES else "activity"
    if expected <= _CALLABLE:
        return "callable"
    return "other"


def _duplicate_ids(index: ReferenceIndex, lang: str) -> list[Finding]:
    found: list[Finding] = []
    for el in index.duplicates:
        ident = el.get("id")
        first = index.by_id[ident]
        found.append(
            Finding(
                "reference",
                say("duplicate-id", lang, ident=ident, el=named(el), first=first, line=first.sourceline),
                "error",
                el.sourceline,
                ident,
            )
        )
    return found


def _default_flows(index: ReferenceIndex, lang: str) -> list[Finding]:
    found: list[Finding] = []
    for node in index.defaults:
        flow = index.get(node.get("default"))
        if flow is None or flow.tag != SEQUENCE_FLOW:
            continue  # reported as a dangling or ill-typed reference
        source = flow.get("sourceRef")
        if source is None or kinds.local_ref(source) != node.get("id"):
            found.append(
                Finding(
                    "reference",
                    say("default-not-outgoing", lang, node=node, flow=flow, source=source),
                    "error",
                    node.sourceline,
                    node.get("id"),
                )
            )
    return found


def _crossing_sequence_flows(index: ReferenceIndex, lang: str) -> list[Finding]:
    found: list[Finding] = []
    for flow in index.sequence_flows:
        container = flow.getparent()
        for end in ("sourceRef", "targetRef"):
            node = index.get(flow.get(end))
            if node is None or local_name(node.tag) not in kinds.FLOW_NODES:
                continue
            if node.getparent() is not container:
                inner = node.getparent()
                found.append(
                    Finding(
                        "reference",
                        say("crossing", lang, flow=flow, container=container, node=node, inner=inner),
                        "error",
                        flow.sourceline,
                        flow.get("id"),
                    )
                )
                break
    return found


def _pool_of(index: ReferenceIndex, el: _Element) -> _Element | None:
    if el.tag == PARTICIPANT:
        return el
    process = el
    while process is not None and process.tag != PROCESS:
        process = process.getparent()
    return None if process is None else index.pool_of_process.get(process.get("id"))


def _message_flows_in_one_pool(index: ReferenceIndex, lang: str) -> list[Finding]:
    found: list[Finding] = []
    for flow in index.message_flows:
        ends = [index.get(flow.get(e)) for e in ("sourceRef", "targetRef")]
        if None in ends:
            continue
        pools = [_pool_of(index, e) for e in ends]
        if pools[0] is not None and pools[0] is pools[1]:
            found.append(
                Finding(
                    "reference",
                    say("message-flow-one-pool", lang, flow=flow, source=ends[0], target=ends[1], pool=pools[0]),
                    "error",
                    flow.sourceline,
                    flow.get("id"),
                )
            )
    return found


_DRAWN = kinds.FLOW_NODES | {"sequenceFlow", "dataObjectReference", "dataStoreReference"}


def _elements_without_shape(index: ReferenceIndex, lang: str) -> list[Finding]:
    """Warnings for flow elements no diagram draws (only when the file has a diagram).

    Children of a sub-process none of whose children is drawn are left alone: many tools draw
    a collapsed sub-process as a box only."""
    if not index.drawn:
        return []
    found: list[Finding] = []
    for process in index.processes:
        for el in _walk_drawn(process, index.drawn, index.planes):
            ident = el.get("id")
            if ident and ident not in index.drawn and local_name(el.tag) in _DRAWN:
                found.append(Finding("reference", say("no-shape", lang, el=el), "warning", el.sourceline, ident))
    return found


def _walk_drawn(container: _Element, drawn: set[str], planes: set[str]) -> Iterator[_Element]:
    for child in container:
        if not isinstance(child.tag, str) or not child.tag.startswith(_BPMN):
            continue
        yield child
        if local_name(child.tag) in kinds.SUB_PROCESSES:
            # Drawn inside (expanded, or on a plane of its own) when any direct child is drawn.
            if child.get("id") in planes or any(c.get("id") in drawn for c in child):
                yield from _walk_drawn(child, drawn, planes)
