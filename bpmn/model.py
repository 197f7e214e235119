"""The typed view over a BPMN 2.0 lxml tree.

The tree stays the source of truth: the view indexes it (ids, kinds, lanes, diagrams) and answers
questions, and edits (bpmn/edit.py) change the tree and then call ``reindex()``. What procex does
not understand is never dropped, so writing the tree back loses nothing.

Import is tolerant: duplicate ids, dangling references and unknown elements become findings
(``model.findings``), not exceptions.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from lxml import etree
from lxml.etree import _Element, _ElementTree

if TYPE_CHECKING:  # networkx is imported when a graph is asked for: it costs start-up time
    from networkx import DiGraph

from procex.bpmn import kinds
from procex.bpmn.findings import Finding
from procex.bpmn.xml import (
    BPMN_NS,
    BPMNDI_NS,
    DC_NS,
    DEFAULT_MAX_BYTES,
    DI_NS,
    OMG_NAMESPACES,
    XML_NS,
    XSI_NS,
    canonical,
    local_name,
    parse_bytes,
    parse_file,
    serialize,
)

_BPMN = f"{{{BPMN_NS}}}"
_BPMNDI = f"{{{BPMNDI_NS}}}"
_DC = f"{{{DC_NS}}}"
_DI = f"{{{DI_NS}}}"
_STANDARD_NAMESPACES = OMG_NAMESPACES | {XSI_NS, XML_NS}
# Only ids of OMG-namespace elements are BPMN ids; vendor extensions use "id" for their own ends.
_OMG_PREFIXES = {"b": BPMN_NS, "bd": BPMNDI_NS, "dc": DC_NS, "di": DI_NS}
_OMG_WILDCARDS = tuple(f"{{{ns}}}*" for ns in _OMG_PREFIXES.values())
_INDEXED = (_BPMN, _BPMNDI)  # namespaces whose elements _by_kind lists
# Counting in XPath is linear; returning a large node set from "//*[...]" is not (libxml2 merges
# node sets pairwise: 60 s for 65,000 elements), so these only count.
_COUNT_ELEMENTS = etree.XPath("count(//*)")
_COUNT_NAMESPACED_ATTRIBUTES = etree.XPath(
    f"count(//@*[namespace-uri() != '' and namespace-uri() != '{XSI_NS}' and namespace-uri() != '{XML_NS}'])"
)
_COUNT_ATTRIBUTES_IN = etree.XPath("count(//@*[namespace-uri() = $uri])")
T = TypeVar("T")
_CACHED = (
    "_index",
    "_ids",
    "_by_id",
    "_by_kind",
    "findings",
    "lanes",
    "processes",
    "participants",
    "flow_nodes",
    "sequence_flows",
    "message_flows",
    "diagrams",
    "_di_elements",
    "_shape_elements",
    "_edge_elements",
    "vendor_namespaces",
    "_lanes_of",
    "_participant_of",
    "_incoming",
    "_outgoing",
)
# References checked on import (the validator checks all of kinds.REFERENCE_ATTRIBUTES).
_IMPORT_CHECKED = {
    "sequenceFlow": ("sourceRef", "targetRef"),
    "messageFlow": ("sourceRef", "targetRef"),
    "association": ("sourceRef", "targetRef"),
    "participant": ("processRef",),
    "BPMNShape": ("bpmnElement",),
    "BPMNEdge": ("bpmnElement",),
    "BPMNPlane": ("bpmnElement",),
    "boundaryEvent": ("attachedToRef",),
    "dataObjectReference": ("dataObjectRef",),
    "dataStoreReference": ("dataStoreRef",),
    **{kind: ("default",) for kind in {"exclusiveGateway", "inclusiveGateway", "complexGateway"} | kinds.ACTIVITIES},
}


@dataclass(frozen=True)
class Bounds:
    x: float
    y: float
    width: float
    height: float

    @property
    def center(self) -> tuple[float, float]:
        return (self.x + self.width / 2, self.y + self.height / 2)

    def contains(self, other: Bounds) -> bool:
        return (
            self.x <= other.x
            and self.y <= other.y
            and other.x + other.width <= self.x + self.width
            and other.y + other.height <= self.y + self.height
        )

    def overlaps(self, other: Bounds) -> bool:
        return not (
            other.x >= self.x + self.width
            or other.x + other.width <= self.x
            or other.y >= self.y + self.height
            or other.y + other.height <= self.y
        )


def parse_bounds(el: _Element | None) -> Bounds | None:
    """A dc:Bounds element as Bounds, or None when missing or not numeric."""
    if el is None:
        return None
    try:
        return Bounds(float(el.get("x")), float(el.get("y")), float(el.get("width")), float(el.get("height")))
    except (TypeError, ValueError):
        return None


def shape_bounds(shape_el: _Element | None) -> Bounds | None:
    """The bounds of a BPMNShape (or BPMNLabel) element, or None."""
    return parse_bounds(shape_el.find(_DC + "Bounds")) if shape_el is not None else None


def waypoints(edge_el: _Element) -> list[tuple[float, float]]:
    """The numeric waypoints of a BPMNEdge element as (x, y) tuples (others are left out)."""
    points: list[tuple[float, float]] = []
    for wp in edge_el.iterfind(_DI + "waypoint"):
        try:
            points.append((float(wp.get("x")), float(wp.get("y"))))
        except (TypeError, ValueError):
            pass
    return points


class _Lazy:
    """A view of one diagram element whose properties are read from the tree when first asked for:
    a diff of two large models reads the shapes it compares, not a Python object per shape."""

    __slots__ = ("el", "_cache")

    def __init__(self, el: _Element) -> None:
        self.el = el
        self._cache: dict[str, Any] = {}

    def _get(self, name: str, compute: Callable[[], T]) -> T:
        try:
            value: T = self._cache[name]  # stored below from compute, so of its type
            return value
        except KeyError:
            computed = self._cache[name] = compute()
            return computed

    @property
    def id(self) -> str | None:
        return _text(self.el.get("id"))

    @property
    def bpmn_element(self) -> str | None:
        ref = self.el.get("bpmnElement")
        return kinds.local_ref(ref) if ref else None

    @property
    def label_bounds(self) -> Bounds | None:
        return self._get("label_bounds", lambda: shape_bounds(self.el.find(_BPMNDI + "BPMNLabel")))

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and isinstance(other, _Lazy) and other.el is self.el

    def __hash__(self) -> int:
        return hash(id(self.el))


class Shape(_Lazy):
    """A BPMNShape: where an element is drawn in one diagram."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Shape(id={self.id!r}, bpmn_element={self.bpmn_element!r}, bounds={self.bounds!r})"

    @property
    def bounds(self) -> Bounds | None:
        return self._get("bounds", lambda: shape_bounds(self.el))

    @property
    def is_horizontal(self) -> bool | None:
        return _opt_bool(self.el.get("isHorizontal"))

    @property
    def is_expanded(self) -> bool | None:
        return _opt_bool(self.el.get("isExpanded"))

    @property
    def is_marker_visible(self) -> bool | None:
        return _opt_bool(self.el.get("isMarkerVisible"))


class Edge(_Lazy):
    """A BPMNEdge: the route of a flow or association in one diagram."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Edge(id={self.id!r}, bpmn_element={self.bpmn_element!r}, waypoints={self.waypoints!r})"

    @property
    def waypoints(self) -> list[tuple[float, float]]:
        return self._get("waypoints", lambda: waypoints(self.el))


@dataclass
class Diagram:
    el: _Element
    id: str | None
    name: str | None
    plane_element: str | None
    shapes: list[Shape] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)


def _inside_foreign(el: _Element) -> bool:
    parent = el.getparent()
    while parent is not None:
        tag = parent.tag
        if isinstance(tag, str) and (tag[0] != "{" or tag[1 : tag.index("}")] not in OMG_NAMESPACES):
            return True
        parent = parent.getparent()
    return False


def _text(value: Any) -> str | None:
    """An attribute value from lxml (untyped here) as the str it is, or None."""
    return None if value is None else str(value)


def _line(el: _Element) -> int | None:
    line = el.sourceline
    return int(line) if line is not None else None


def _opt_bool(value: str | None) -> bool | None:
    if value is None:
        return None
    return value.strip() in ("true", "1")


class Element:
    """A view of one BPMN element; properties that do not apply to its kind are None or empty."""

    __slots__ = ("model", "el")

    def __init__(self, model: Model, el: _Element) -> None:
        self.model = model
        self.el = el

    def __repr__(self) -> str:
        return f"<{self.type} id={self.id!r} name={self.name!r}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Element) and other.el is self.el

    def __hash__(self) -> int:
        return hash(id(self.el))

    @property
    def id(self) -> str | None:
        return _text(self.el.get("id"))

    @property
    def type(self) -> str:
        return local_name(self.el.tag)

    @property
    def category(self) -> str:
        return kinds.category(self.type)

    @property
    def name(self) -> str | None:
        return _text(self.el.get("name"))

    @property
    def line(self) -> int | None:
        return _line(self.el)

    @property
    def attributes(self) -> dict[str, str]:
        return dict(self.el.attrib)

    @property
    def documentation(self) -> list[str]:
        return ["".join(d.itertext()) for d in self.el.findall(_BPMN + "documentation")]

    @property
    def container(self) -> Element | None:
        """The process or sub-process this element stands in (None for root elements)."""
        parent = self.el.getparent()
        while parent is not None:
            if local_name(parent.tag) in kinds.CONTAINERS:
                return self.model.view(parent)
            parent = parent.getparent()
        return None

    @property
    def process(self) -> Element | None:
        """The top-level process this element belongs to."""
        parent = self.el
        while parent is not None:
            if parent.tag == _BPMN + "process":
                return self.model.view(parent)
            parent = parent.getparent()
        return None

    @property
    def lanes(self) -> list[Element]:
        """Lanes that list this flow node, innermost last."""
        return [self.model.view(lane) for lane in self.model._lanes_of.get(self.id or "", ())]

    @property
    def lane(self) -> Element | None:
        """The innermost lane holding this node, or None."""
        lanes = self.model._lanes_of.get(self.id or "")
        return self.model.view(lanes[-1]) if lanes else None

    # --- flows -------------------------------------------------------------------------------
    @property
    def source(self) -> Element | None:
        ref = self.el.get("sourceRef")
        return self.model.get(kinds.local_ref(ref)) if ref else None

    @property
    def target(self) -> Element | None:
        ref = self.el.get("targetRef")
        return self.model.get(kinds.local_ref(ref)) if ref else None

    @property
    def condition(self) -> str | None:
        cond = self.el.find(_BPMN + "conditionExpression")
        return None if cond is None else "".join(cond.itertext()).strip()

    @property
    def incoming(self) -> list[Element]:
        return [self.model.view(f) for f in self.model._incoming.get(self.id or "", ())]

    @property
    def outgoing(self) -> list[Element]:
        return [self.model.view(f) for f in self.model._outgoing.get(self.id or "", ())]

    # --- events, gateways, activities ---------------------------------------------------------
    @property
    def event_definitions(self) -> list[Element]:
        """The event's definitions: its own children, and global ones named by eventDefinitionRef."""
        found: list[Element] = []
        for child in self.el:
            kind = local_name(child.tag)
            if kind in kinds.EVENT_DEFINITIONS:
                found.append(self.model.view(child))
            elif kind == "eventDefinitionRef":
                target = self.model.get(kinds.local_ref(child.text or ""))
                if target is not None:
                    found.append(target)
        return found

    @property
    def attached_to(self) -> Element | None:
        ref = self.el.get("attachedToRef")
        return self.model.get(kinds.local_ref(ref)) if ref else None

    @property
    def default_flow(self) -> Element | None:
        ref = self.el.get("default")
        return self.model.get(kinds.local_ref(ref)) if ref else None

    @property
    def children(self) -> list[Element]:
        """Flow elements directly inside a process or sub-process."""
        return [self.model.view(c) for c in self.el if local_name(c.tag) in kinds.FLOW_ELEMENTS]

    # --- lanes, pools -------------------------------------------------------------------------
    @property
    def flow_node_refs(self) -> list[str]:
        return [(r.text or "").strip() for r in self.el.findall(_BPMN + "flowNodeRef")]

    @property
    def child_lanes(self) -> list[Element]:
        return [self.model.view(lane) for lane in self.el.iterfind(f"{_BPMN}childLaneSet/{_BPMN}lane")]

    @property
    def parent_lane(self) -> Element | None:
        parent = self.el.getparent()
        parent = parent.getparent() if parent is not None else None
        return self.model.view(parent) if parent is not None and parent.tag == _BPMN + "lane" else None

    @property
    def process_ref(self) -> Element | None:
        ref = self.el.get("processRef")
        return self.model.get(kinds.local_ref(ref)) if ref else None

    @property
    def participant(self) -> Element | None:
        """The pool (participant) whose processRef names this process."""
        return self.model._participant_of.get(self.id or "")

    @property
    def shapes(self) -> list[Shape]:
        return self.model.shapes_of(self.id) if self.id is not None else []


class Model:
    """A BPMN document: its lxml tree, an index over it, and tolerant-import findings."""

    def __init__(self, tree: _ElementTree, source: str | None = None) -> None:
        self.tree = tree
        self.root = tree.getroot()
        self.source = source
        self.reindex()

    # --- construction -------------------------------------------------------------------------
    @classmethod
    def from_bytes(cls, data: bytes, source: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Model:
        return cls(parse_bytes(data, source, max_bytes), source)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> Model:
        return cls(parse_file(path, max_bytes), str(path))

    def copy(self) -> Model:
        from copy import deepcopy

        return Model(deepcopy(self.tree), self.source)

    # --- index --------------------------------------------------------------------------------
    def reindex(self) -> None:
        """Forget every index; edits call this after changing the tree.

        The indexes are built on first use, all in one walk over the tree (``_index``), so
        reading a model costs lxml's parse plus that walk, linear in the size of the document
        (bench/parse.py and bench/diff.py (d) measure it).
        """
        for name in _CACHED:
            self.__dict__.pop(name, None)
        self._views: dict[_Element, Element] = {}
        self._di_views: dict[_Element, Shape | Edge] = {}

    @cached_property
    def _index(self) -> tuple[list[str], dict[str, _Element], dict[str, list[_Element]], int]:
        """(ids in document order, id -> first element with it, BPMN/BPMNDI local name -> elements,
        how many elements are in an OMG namespace).

        One pass over the OMG elements, filtered by libxml2 (an XPath union over the namespaces
        was quadratic: libxml2 merges node sets pairwise, 64 s at 50,000 flow nodes).
        """
        ids: list[str] = []
        by_id: dict[str, _Element] = {}
        by_tag: dict[str, list[_Element]] = {}
        # Bounds and waypoints (a third of a drawn model's elements) are only counted, unless one
        # of them carries an id: then every OMG element is walked, for the ids in document order.
        drawn = 0
        for el in self.root.iter(_DC + "*", _DI + "*"):
            if el.get("id") is not None:
                walked = _OMG_WILDCARDS
                drawn = 0
                break
            drawn += 1
        else:
            walked = (_BPMN + "*", _BPMNDI + "*")
        for el in self.root.iter(*walked):
            tag = el.tag
            bucket = by_tag.get(tag)
            if bucket is None:
                by_tag[tag] = bucket = []
            bucket.append(el)
            ident = el.get("id")
            if ident is not None:
                ids.append(ident)
                if ident not in by_id:  # a duplicated id names the first in document order
                    by_id[ident] = el
        by_kind: dict[str, list[_Element]] = {}
        for tag, els in by_tag.items():
            ns, kind = tag[1:].split("}", 1)
            if f"{{{ns}}}" in _INDEXED:
                by_kind.setdefault(kind, []).extend(els)
        return ids, by_id, by_kind, sum(map(len, by_tag.values())) + drawn

    @cached_property
    def _ids(self) -> list[str]:
        return self._index[0]

    @cached_property
    def _by_id(self) -> dict[str, _Element]:
        return self._index[1]

    @cached_property
    def _by_kind(self) -> dict[str, list[_Element]]:
        """BPMN and BPMNDI local name -> elements, for every element (with or without id)."""
        return self._index[2]

    @cached_property
    def findings(self) -> list[Finding]:
        """Tolerant-import findings: duplicate ids, unresolved references, unknown elements."""
        findings: list[Finding] = []
        if len(set(self._ids)) != len(self._ids):
            seen: dict[str, _Element] = {}
            for el in self.root.iter(*_OMG_WILDCARDS):
                ident = el.get("id")
                if ident is None:
                    continue
                first = seen.setdefault(ident, el)
                if first is not el:
                    findings.append(
                        Finding(
                            "duplicate-id",
                            f"id {ident!r} is used again by <{local_name(el.tag)}> (first on line "
                            f"{first.sourceline}); ids must be unique: give one of them another id",
                            "error",
                            el.sourceline,
                            ident,
                        )
                    )
        known = kinds.known_element_names()
        for kind, els in self._by_kind.items():
            if kind in known or not els[0].tag.startswith(_BPMN):
                continue
            # Inside a vendor's extension anything goes; only BPMN's own structure is checked.
            outside = [el for el in els if not _inside_foreign(el)]
            if outside:
                findings.append(
                    Finding(
                        "unknown-element",
                        f"<{kind}> is not a BPMN 2.0 element; it is kept but ignored",
                        "warning",
                        outside[0].sourceline,
                        outside[0].get("id"),
                    )
                )
        findings.extend(self._reference_findings())
        findings.sort(key=lambda f: (f.line or 0, f.code))
        return findings

    def _reference_findings(self) -> list[Finding]:
        found: list[Finding] = []
        by_id = self._by_id
        for kind, attrs in _IMPORT_CHECKED.items():
            for el in self._by_kind.get(kind, ()):
                for attr in attrs:
                    value = el.get(attr)
                    if value is not None and kinds.local_ref(value) not in by_id:
                        found.append(
                            Finding(
                                "unresolved-reference",
                                f"{attr}={value!r} on <{kind}> names no element in this file",
                                "error",
                                el.sourceline,
                                el.get("id"),
                            )
                        )
        for ref in self._by_kind.get("flowNodeRef", ()):
            value = (ref.text or "").strip()
            if value not in by_id:
                lane = ref.getparent()
                found.append(
                    Finding(
                        "unresolved-reference",
                        f"lane {lane.get('name') or lane.get('id')!r} lists flow node {value!r}, which does not exist",
                        "error",
                        ref.sourceline,
                        lane.get("id"),
                    )
                )
        return found

    # --- look-up ------------------------------------------------------------------------------
    def element(self, ident: str | None) -> _Element | None:
        """The lxml element with this id (first one when duplicated), or None (also for None)."""
        return None if ident is None else self._by_id.get(ident)

    def view(self, el: _Element) -> Element:
        view = self._views.get(el)
        if view is None:
            view = self._views[el] = Element(self, el)
        return view

    def get(self, ident: str | None) -> Element | None:
        el = None if ident is None else self._by_id.get(ident)
        return None if el is None else self.view(el)

    def __getitem__(self, ident: str) -> Element:
        el = self._by_id.get(ident)
        if el is None:
            raise KeyError(ident)
        return self.view(el)

    def __contains__(self, ident: str) -> bool:
        return ident in self._by_id

    @property
    def ids(self) -> list[str]:
        """Every id in the file, in document order (duplicates repeated)."""
        return list(self._ids)

    def of_kind(self, *kind_names: str) -> list[Element]:
        """Views of every BPMN element of the given local names, in document order."""
        if len(kind_names) == 1:
            return [self.view(el) for el in self._by_kind.get(kind_names[0], ())]
        els = [el for k in kind_names for el in self._by_kind.get(k, ())]
        order = {el: i for i, el in enumerate(self.root.iter())} if len(els) > 1 else {}
        return [self.view(el) for el in sorted(els, key=order.__getitem__)] if order else [self.view(e) for e in els]

    def counts(self) -> dict[str, int]:
        """How many elements of each BPMN/BPMNDI kind the file holds (as stored, duplicates included)."""
        return {kind: len(els) for kind, els in sorted(self._by_kind.items())}

    # --- definitions-level --------------------------------------------------------------------
    @property
    def definitions(self) -> Element:
        return self.view(self.root)

    @property
    def target_namespace(self) -> str | None:
        return _text(self.root.get("targetNamespace"))

    @property
    def imports(self) -> list[dict[str, str]]:
        return [dict(el.attrib) for el in self._by_kind.get("import", ())]

    @cached_property
    def processes(self) -> list[Element]:
        return [self.view(el) for el in self._by_kind.get("process", ())]

    @property
    def collaborations(self) -> list[Element]:
        return [self.view(el) for el in self._by_kind.get("collaboration", ())]

    @cached_property
    def participants(self) -> list[Element]:
        return [self.view(el) for el in self._by_kind.get("participant", ())]

    @cached_property
    def _participant_of(self) -> dict[str, Element]:
        result: dict[str, Element] = {}
        for part in self.participants:
            ref = part.el.get("processRef")
            if ref:
                result.setdefault(kinds.local_ref(ref), part)
        return result

    @cached_property
    def lanes(self) -> list[Element]:
        return [self.view(el) for el in self._by_kind.get("lane", ())]

    @cached_property
    def _lanes_of(self) -> dict[str, list[_Element]]:
        """flow node id -> lane elements that list it, outermost first."""
        result: dict[str, list[_Element]] = {}
        for lane in self._by_kind.get("lane", ()):
            for ref in lane.iterfind(_BPMN + "flowNodeRef"):
                node = (ref.text or "").strip()
                if node:
                    result.setdefault(node, []).append(lane)
        # outermost first: document order already visits parent lanes before their children
        return result

    @cached_property
    def flow_nodes(self) -> list[Element]:
        return [self.view(el) for kind in kinds.FLOW_NODES for el in self._by_kind.get(kind, ())]

    @cached_property
    def sequence_flows(self) -> list[Element]:
        return [self.view(el) for el in self._by_kind.get("sequenceFlow", ())]

    @cached_property
    def message_flows(self) -> list[Element]:
        return [self.view(el) for el in self._by_kind.get("messageFlow", ())]

    @property
    def associations(self) -> list[Element]:
        return self.of_kind("association")

    @property
    def data_objects(self) -> list[Element]:
        return self.of_kind("dataObject", "dataObjectReference")

    @property
    def data_stores(self) -> list[Element]:
        return self.of_kind("dataStore", "dataStoreReference")

    @cached_property
    def _incoming(self) -> dict[str, list[_Element]]:
        result: dict[str, list[_Element]] = {}
        for flow in self._by_kind.get("sequenceFlow", ()):
            target = flow.get("targetRef")
            if target:
                result.setdefault(kinds.local_ref(target), []).append(flow)
        return result

    @cached_property
    def _outgoing(self) -> dict[str, list[_Element]]:
        result: dict[str, list[_Element]] = {}
        for flow in self._by_kind.get("sequenceFlow", ()):
            source = flow.get("sourceRef")
            if source:
                result.setdefault(kinds.local_ref(source), []).append(flow)
        return result

    # --- diagrams -----------------------------------------------------------------------------
    @cached_property
    def diagrams(self) -> list[Diagram]:
        result: list[Diagram] = []
        for diagram_el, plane in self._planes():
            diagram = Diagram(
                diagram_el,
                diagram_el.get("id"),
                diagram_el.get("name"),
                kinds.local_ref(plane.get("bpmnElement")) if plane is not None and plane.get("bpmnElement") else None,
            )
            if plane is not None:
                for el in plane.iter(_BPMNDI + "BPMNShape", _BPMNDI + "BPMNEdge"):
                    if el.tag == _BPMNDI + "BPMNShape":
                        diagram.shapes.append(self._shape(el))
                    else:
                        diagram.edges.append(self._edge(el))
            result.append(diagram)
        return result

    def _planes(self) -> Iterator[tuple[_Element, _Element | None]]:
        for diagram_el in self._by_kind.get("BPMNDiagram", ()):
            yield diagram_el, diagram_el.find(_BPMNDI + "BPMNPlane")

    @cached_property
    def _di_elements(self) -> tuple[dict[str | None, list[_Element]], dict[str | None, list[_Element]]]:
        """(bpmnElement id -> its BPMNShape elements, bpmnElement id -> its BPMNEdge elements),
        each in diagram order.

        Only the lxml elements are indexed; their Shape and Edge views are made when asked for
        (``shapes_of``) and read their numbers when those are asked for.
        """
        shapes: dict[str | None, list[_Element]] = {}
        edges: dict[str | None, list[_Element]] = {}
        shape_tag = _BPMNDI + "BPMNShape"
        for _, plane in self._planes():
            if plane is None:
                continue
            for el in plane.iter(shape_tag, _BPMNDI + "BPMNEdge"):
                ref = el.get("bpmnElement")
                key = kinds.local_ref(ref) if ref else None
                index = shapes if el.tag == shape_tag else edges
                bucket = index.get(key)
                if bucket is None:
                    index[key] = [el]
                else:
                    bucket.append(el)
        return shapes, edges

    @cached_property
    def _shape_elements(self) -> dict[str | None, list[_Element]]:
        return self._di_elements[0]

    @cached_property
    def _edge_elements(self) -> dict[str | None, list[_Element]]:
        return self._di_elements[1]

    def _shape(self, el: _Element) -> Shape:
        shape = self._di_views.get(el)
        if not isinstance(shape, Shape):
            shape = self._di_views[el] = Shape(el)
        return shape

    def _edge(self, el: _Element) -> Edge:
        edge = self._di_views.get(el)
        if not isinstance(edge, Edge):
            edge = self._di_views[el] = Edge(el)
        return edge

    def shape_elements_of(self, ident: str | None) -> Sequence[_Element]:
        """The BPMNShape lxml elements that draw ``ident`` (no views made)."""
        return self._shape_elements.get(ident, ())

    def edge_elements_of(self, ident: str | None) -> Sequence[_Element]:
        """The BPMNEdge lxml elements that draw ``ident`` (no views made)."""
        return self._edge_elements.get(ident, ())

    def shapes_of(self, ident: str | None) -> list[Shape]:
        return [self._shape(el) for el in self.shape_elements_of(ident)]

    def edges_of(self, ident: str | None) -> list[Edge]:
        return [self._edge(el) for el in self.edge_elements_of(ident)]

    # --- namespaces ---------------------------------------------------------------------------
    @cached_property
    def vendor_namespaces(self) -> dict[str, list[str]]:
        """Non-OMG namespaces used by elements or attributes: {uri: sorted prefixes declared for it}.

        Counted by XPath in libxml2 (a Python walk over every element and attribute took longer
        than the parse); a namespace is looked for one by one only when something is foreign.
        """
        used = set()
        # only a declared namespace can be used: most files declare none but the standard ones, and
        # listing the declarations is cheaper than counting the foreign attributes
        declared = {uri for _, (_, uri) in etree.iterwalk(self.root, events=("start-ns",))}
        candidates = declared - _STANDARD_NAMESPACES - {""}  # xmlns="" undeclares
        foreign_elements = bool(candidates) and _COUNT_ELEMENTS(self.root) > self._index[3]
        foreign_attributes = bool(candidates) and _COUNT_NAMESPACED_ATTRIBUTES(self.root) > 0
        if foreign_elements or foreign_attributes:
            for uri in candidates:
                if (foreign_elements and next(self.root.iter(f"{{{uri}}}*"), None) is not None) or (
                    foreign_attributes and _COUNT_ATTRIBUTES_IN(self.root, uri=uri) > 0
                ):
                    used.add(uri)
        prefixes: dict[str, set[str]] = {}
        for el in self.root.iter():
            if not isinstance(el.tag, str):
                continue
            for prefix, uri in el.nsmap.items():
                if uri in used:
                    prefixes.setdefault(uri, set()).add(prefix or "")
            if el is self.root:
                break  # declarations are almost always on the root; deeper ones are found below
        for uri in used - prefixes.keys():
            prefixes[uri] = set()
        return {uri: sorted(p) for uri, p in sorted(prefixes.items())}

    # --- graph --------------------------------------------------------------------------------
    def graph(self, process_id: str | None = None) -> DiGraph:
        """Control flow as a networkx DiGraph, built from sequenceFlow sourceRef/targetRef only.

        With ``process_id``, only that process (its sub-processes at any depth included);
        without, every process. Nodes carry ``type``, ``name`` and ``container``; edges ``id``.
        """
        import networkx as nx  # imported here: it costs ~0.1 s of start-up that most commands never need

        graph = nx.DiGraph()
        roots = [self.element(process_id)] if process_id else [p.el for p in self.processes]
        for root in roots:
            if root is None:
                continue
            for el in root.iter():
                kind = local_name(el.tag)
                if kind in kinds.FLOW_NODES and el.get("id"):
                    container = el.getparent()
                    graph.add_node(
                        el.get("id"),
                        type=kind,
                        name=el.get("name"),
                        container=container.get("id") if container is not None else None,
                    )
            for flow in root.iter(_BPMN + "sequenceFlow"):
                source, target = flow.get("sourceRef"), flow.get("targetRef")
                if source and target:
                    graph.add_edge(
                        kinds.local_ref(source), kinds.local_ref(target), id=flow.get("id"), name=flow.get("name")
                    )
        return graph

    # --- writing ------------------------------------------------------------------------------
    def to_bytes(self, plain: bool = False) -> bytes:
        """The document as bytes; ``plain`` removes vendor extensions (see bpmn.plain)."""
        if plain:
            from procex.bpmn.plain import plain_tree

            return serialize(plain_tree(self.tree))
        return serialize(self.tree)

    def canonical(self) -> bytes:
        return canonical(self.tree)


def read_model(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> Model:
    """Read a BPMN file into a Model (raises BpmnReadError when it cannot be read at all)."""
    return Model.from_file(Path(path), max_bytes)
