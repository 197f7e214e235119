"""The adaptation diff: what changed between two BPMN models, element by element.

``diff_models(old, new)`` pairs the elements (bpmn/match.py), compares every pair's normalised
properties (bpmn/normalize.py) and reports ``Change`` objects of these kinds:

- ``added`` / ``removed``: an element without partner;
- ``renamed``: the label (name; text of a text annotation);
- ``retyped``: the kind within its category (task -> userTask, exclusive -> parallel gateway);
- ``changed``: any other property (attributes with schema defaults, event definitions such as
  timer durations, conditions, documentation, loop characteristics, references such as a
  gateway's default flow or a boundary event's host, foreign attributes, extension elements);
- ``moved``: another parent (process/pool or sub-process; for a lane its parent lane);
- ``relaned``: another (innermost) lane;
- ``rewired``: a flow's source or target;
- ``layout``: only bounds or waypoints, beyond ``TOLERANCE`` px. Layout is kept apart from the
  semantic kinds; one pair can give several changes (renamed and relaned, changed and layout …).

A pair matched by similarity may differ in id; that alone is no change. References are compared
through the matching (a default flow whose id was regenerated is the same default flow).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict, cast

from lxml import etree
from lxml.etree import _Element

from procex.bpmn import kinds
from procex.bpmn.match import FLOW_KINDS, NODE_KINDS, Matching, Pair, _Item, match_models
from procex.bpmn.model import shape_bounds, waypoints
from procex.bpmn.normalize import (
    Resolver,
    Value,
    element_properties,
    element_type_name,
    normalize_value,
    schema_attributes,
)
from procex.bpmn.xml import local_name

if TYPE_CHECKING:
    from procex.bpmn.model import Bounds, Model

KINDS = ("added", "removed", "renamed", "retyped", "changed", "moved", "relaned", "rewired", "layout")
SEMANTIC_KINDS = KINDS[:-1]
TOLERANCE = 0.5


class Detail(TypedDict):
    """One changed property of a change: values as JSON (text, numbers, lists of coordinates)."""

    property: str
    old: Any
    new: Any


class ChangeDict(TypedDict):
    """``Change.to_dict()``: one change in the documented JSON."""

    kind: str
    element_type: str
    old_id: str | None
    new_id: str | None
    name: str | None
    details: list[Detail]
    match: str | None
    score: float | None


@dataclass
class Change:
    """One change of one element (or of one pair of elements)."""

    kind: str
    element_type: str
    old_id: str | None
    new_id: str | None
    name: str | None
    details: list[Detail] = field(default_factory=list)
    match: str | None = None  # "id" | "similarity" | None (added/removed)
    score: float | None = None

    @property
    def semantic(self) -> bool:
        return self.kind != "layout"

    def to_dict(self) -> ChangeDict:
        return {
            "kind": self.kind,
            "element_type": self.element_type,
            "old_id": self.old_id,
            "new_id": self.new_id,
            "name": self.name,
            "details": self.details,
            "match": self.match,
            "score": None if self.score is None else round(self.score, 3),
        }


@dataclass
class Diff:
    """All changes between two models, and the matching they rest on."""

    old_path: str | None
    new_path: str | None
    changes: list[Change]
    matching: Matching
    unshared_namespaces: dict[str, list[str]] = field(default_factory=lambda: {"old": [], "new": []})
    old_model: Model | None = field(default=None, repr=False, compare=False)
    new_model: Model | None = field(default=None, repr=False, compare=False)

    @property
    def summary(self) -> dict[str, int]:
        counts = dict.fromkeys(KINDS, 0)
        for change in self.changes:
            counts[change.kind] += 1
        return counts

    @property
    def semantic_changes(self) -> list[Change]:
        return [c for c in self.changes if c.semantic]

    @property
    def layout_changes(self) -> list[Change]:
        return [c for c in self.changes if not c.semantic]

    def changes_of(self, old_id: str | None = None, new_id: str | None = None) -> list[Change]:
        """The changes that concern the old element ``old_id`` or the new element ``new_id``."""
        return [
            c
            for c in self.changes
            if (old_id is not None and c.old_id == old_id) or (new_id is not None and c.new_id == new_id)
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": self.old_path,
            "new": self.new_path,
            "summary": self.summary,
            "changes": [c.to_dict() for c in self.changes],
            "matching": {**self.matching.lineage, "notes": list(self.matching.notes)},
            "matches": [p.to_dict() for p in self.matching.pairs] + [p.to_dict() for p in self.matching.possible],
        }


def diff_files(
    old_path: str | os.PathLike[str], new_path: str | os.PathLike[str], mode: str = "auto", max_bytes: int | None = None
) -> Diff:
    """Read two files and diff them (raises BpmnReadError when one cannot be read)."""
    from procex.bpmn.model import read_model
    from procex.bpmn.xml import DEFAULT_MAX_BYTES

    limit = max_bytes or DEFAULT_MAX_BYTES
    return diff_models(read_model(old_path, limit), read_model(new_path, limit), mode)


# A model with nothing in it: the side of a diff where the file does not exist.
EMPTY_MODEL = (
    b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="empty" targetNamespace="urn:procex:empty"/>'
)


def is_absent(path: str | os.PathLike[str], empty_file: bool = False) -> bool:
    """Whether ``path`` stands for a file that does not exist on its side of a diff: /dev/null
    (git's name for it), or with ``empty_file`` an empty file (what a git difftool may be given)."""
    import os

    name = os.fspath(path)
    if name in ("/dev/null", os.devnull):
        return True
    if empty_file:
        try:
            return os.path.isfile(name) and os.path.getsize(name) == 0
        except OSError:
            return False
    return False


def read_side(
    path: str | os.PathLike[str], max_bytes: int | None = None, empty_file: bool = False
) -> tuple[Model, bool]:
    """(model, absent) for one side of a diff: an empty model for /dev/null (and, with
    ``empty_file``, for an empty file), so that every element of the other side shows as added or
    removed; else the file read as BPMN (raises BpmnReadError when it cannot be)."""
    from procex.bpmn.model import Model, read_model
    from procex.bpmn.xml import DEFAULT_MAX_BYTES

    if is_absent(path, empty_file):
        return Model.from_bytes(EMPTY_MODEL, str(path)), True
    return read_model(path, max_bytes or DEFAULT_MAX_BYTES), False


def diff_models(old: Model, new: Model, mode: str = "auto", extensions: str = "shared") -> Diff:
    """The Diff between two Models.

    ``mode``: "auto" first decides whether the models are versions of one model or made apart
    (bpmn/lineage.py); "versions" pairs by id, then by similarity; "independent" pairs
    precision-first by label, possible counterparts listed apart (bpmn/match_independent.py);
    "id" only by id. Changes rest on certain and likely pairs only. ``extensions``: "shared"
    compares foreign attributes and extension elements of the namespaces both models use (a
    namespace only one side uses is the writing tool's own bookkeeping: Signavio, ADONIS,
    Trisotech … add theirs to every element; it is listed in ``Diff.unshared_namespaces``);
    "all" compares every namespace.
    """
    if extensions not in ("shared", "all"):
        raise ValueError(f"extensions must be 'shared' or 'all', not {extensions!r}")
    with without_cycle_collection():
        return _diff_models(old, new, mode, extensions)


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Python's cycle collector off while a diff runs (and, in the CLI, while its models are read):
    the diff makes hundreds of thousands of small objects (items, pairs, lxml proxies) that live
    until it returns and form no cycles, and each collection walked them all again (a tenth of the
    time at 10,000 flow nodes). Reference counting still frees everything; other threads' cycles
    wait until the diff is done."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _diff_models(old: Model, new: Model, mode: str, extensions: str) -> Diff:
    matching = match_models(old, new, mode)
    # match_models always fills both item tables
    a = cast("dict[str, _Item]", matching.old_items)
    b = cast("dict[str, _Item]", matching.new_items)
    ctx = _Context(old, new, a, b, matching)
    ns_old, ns_new = set(old.vendor_namespaces), set(new.vendor_namespaces)
    shared = ns_old & ns_new
    if extensions == "shared":
        ctx.foreign = shared.__contains__
    changes = []
    for ident in matching.old_only:
        item = a[ident]
        changes.append(Change("removed", item.type, ident, None, item.label))
    for ident in matching.new_only:
        item = b[ident]
        changes.append(Change("added", item.type, None, ident, item.label))
    for pair in matching.pairs:
        changes.extend(_pair_changes(ctx, a[pair.old_id], b[pair.new_id], pair))
    order = {kind: i for i, kind in enumerate(KINDS)}
    changes.sort(key=lambda c: (order[c.kind], c.new_id or c.old_id or "", c.old_id or ""))
    unshared = (
        {"old": sorted(ns_old - shared), "new": sorted(ns_new - shared)}
        if extensions == "shared"
        else {"old": [], "new": []}
    )
    return Diff(old.source, new.source, changes, matching, unshared, old, new)


class _Context:
    def __init__(self, old: Model, new: Model, a: dict[str, _Item], b: dict[str, _Item], matching: Matching) -> None:
        self.old, self.new, self.a, self.b, self.matching = old, new, a, b, matching
        self.foreign: Callable[[str], bool] | None = None
        self._same_diagrams: bool | None = None

    def same_diagrams(self) -> bool:
        """Whether both models' diagrams are byte for byte the same, so that an element under the
        same id is drawn alike on both sides (no layout change). One comparison in C instead of one
        per element; only made when enough pairs keep their id to repay it (it costs about as much
        as checking an eighth of the drawn elements one by one)."""
        if self._same_diagrams is None:
            old_diagrams = self.old._by_kind.get("BPMNDiagram", [])
            new_diagrams = self.new._by_kind.get("BPMNDiagram", [])
            drawn = len(self.old._shape_elements) + len(self.old._edge_elements)
            id_pairs = sum(1 for p in self.matching.pairs if p.old_id == p.new_id)
            self._same_diagrams = (
                8 * id_pairs >= drawn
                and len(old_diagrams) == len(new_diagrams)
                and all(etree.tostring(x) == etree.tostring(y) for x, y in zip(old_diagrams, new_diagrams, strict=True))
            )
        return self._same_diagrams

    def resolver(self, side: str) -> Resolver:
        model, items = (self.old, self.a) if side == "old" else (self.new, self.b)
        to_new = self.matching.old_to_new

        def resolve(ident: str, raw: str) -> Value:
            item = items.get(ident)
            if item is not None:
                if side == "old":
                    token = to_new.get(ident, "old:" + ident)
                else:
                    token = ident if ident in self.matching.new_to_old else "new:" + ident
                return Value(("el", token), self.display(item, side))
            el = model.element(ident)
            if el is None:
                return Value(("raw", raw.strip()), raw.strip())
            text = describe(el, model)
            return Value(("desc", text), text)

        return resolve

    def display(self, item: _Item | None, side: str) -> str | None:
        """How a person recognises an element: its label, for a flow 'source → target'."""
        if item is None:
            return None
        if item.label:
            return item.label
        items = self.a if side == "old" else self.b
        if item.type in FLOW_KINDS:
            ends = [items.get(end) if end is not None else None for end in (item.source, item.target)]
            names = [(e.label or e.id) if e is not None else "?" for e in ends]
            return f"{names[0]} → {names[1]}"
        return item.id

    def parent_display(self, ident: str | None, side: str) -> str | None:
        """A container's name: a process shows as its pool's name when it has one."""
        if ident is None:
            return None
        model, items = (self.old, self.a) if side == "old" else (self.new, self.b)
        item = items.get(ident)
        if item is not None and item.type == "process":
            pool = model._participant_of.get(ident)
            if pool is not None and pool.name:
                return " ".join(pool.name.split())
        return self.display(item, side) if item is not None else ident

    def same(self, old_ref: str | None, new_ref: str | None) -> bool:
        """Do two references name paired elements (or both nothing)?"""
        if old_ref is None or new_ref is None:
            return old_ref is None and new_ref is None
        if old_ref in self.matching.old_to_new:
            return self.matching.old_to_new[old_ref] == new_ref
        if old_ref not in self.a or new_ref not in self.b:
            # one side does not compare it as an element (its id is duplicated there, or it is of
            # a kind not diffed): the same id is the best evidence there is
            return old_ref == new_ref
        return False


def _pair_changes(ctx: _Context, o: _Item, n: _Item, pair: Pair) -> list[Change]:
    base: dict[str, Any] = dict(element_type=n.type, old_id=o.id, new_id=n.id, match=pair.how, score=pair.score)
    name = n.label if n.label is not None else o.label
    out: list[Change] = []
    if o.type != n.type:
        out.append(Change("retyped", name=name, details=[_detail("type", o.type, n.type)], **base))
    if o.label != n.label:
        prop = "text" if n.type == "textAnnotation" else "name"
        out.append(Change("renamed", name=name, details=[_detail(prop, o.label, n.label)], **base))
    is_flow = n.type in FLOW_KINDS
    details = _property_details(ctx, o, n, is_flow)
    if details:
        out.append(Change("changed", name=name, details=details, **base))
    parent_old, parent_new = (o.parent, n.parent) if n.type == "lane" else (o.container, n.container)
    if n.type != "participant" and not ctx.same(parent_old, parent_new):
        out.append(
            Change(
                "moved",
                name=name,
                details=[
                    _ref_detail(
                        "parent",
                        ctx.parent_display(parent_old, "old"),
                        ctx.parent_display(parent_new, "new"),
                        parent_old,
                        parent_new,
                    )
                ],
                **base,
            )
        )
    if n.type in NODE_KINDS and (o.lane or n.lane) and not ctx.same(o.lane, n.lane):
        out.append(
            Change(
                "relaned",
                name=name,
                details=[
                    _ref_detail(
                        "lane",
                        ctx.display(ctx.a.get(o.lane) if o.lane is not None else None, "old"),
                        ctx.display(ctx.b.get(n.lane) if n.lane is not None else None, "new"),
                        o.lane,
                        n.lane,
                    )
                ],
                **base,
            )
        )
    if is_flow:
        wiring: list[Detail] = []
        for prop, old_end, new_end in (("sourceRef", o.source, n.source), ("targetRef", o.target, n.target)):
            if not ctx.same(old_end, new_end):
                wiring.append(
                    _ref_detail(
                        prop,
                        ctx.display(ctx.a.get(old_end) if old_end is not None else None, "old") or old_end,
                        ctx.display(ctx.b.get(new_end) if new_end is not None else None, "new") or new_end,
                        old_end,
                        new_end,
                    )
                )
        if wiring:
            out.append(Change("rewired", name=name, details=wiring, **base))
    layout = _layout_details(ctx, o.id, n.id)
    if layout:
        out.append(Change("layout", name=name, details=layout, **base))
    return out


def _detail(prop: str, old: object, new: object) -> Detail:
    return {"property": prop, "old": old, "new": new}


def _ref_detail(
    prop: str, old_show: str | None, new_show: str | None, old_ref: str | None, new_ref: str | None
) -> Detail:
    """A reference detail; two different elements with the same name are told apart by id."""
    if old_show == new_show:
        old_show, new_show = f"{old_show} [{old_ref}]", f"{new_show} [{new_ref}]"
    return _detail(prop, old_show, new_show)


def _unchanged_copy(ctx: _Context, o: _Item, n: _Item) -> bool:
    """True when ``n`` is byte for byte ``o`` and every reference inside names an element paired
    by the same id, so their properties are equal without normalising (the common case)."""
    if o.id != n.id or o.type in ("process", "subProcess", "adHocSubProcess", "transaction"):
        return False
    if etree.tostring(o.el) != etree.tostring(n.el):
        return False
    to_new = ctx.matching.old_to_new
    for el in o.el.iter():
        tag = el.tag
        if not isinstance(tag, str):
            continue
        for attr, value in el.attrib.items():
            if attr in kinds.REFERENCE_ATTRIBUTES:
                for part in value.split():
                    ref = kinds.local_ref(part)
                    if to_new.get(ref) != ref:
                        return False
        if el is not o.el and _names_reference(tag):
            ref = (el.text or "").strip()
            if to_new.get(ref) != ref:
                return False
    return True


# tag -> whether its text names an element (memo: local_name is slow per element)
_REFERENCE_TEXT_TAGS: dict[str, bool] = {}


def _names_reference(tag: str) -> bool:
    known = _REFERENCE_TEXT_TAGS.get(tag)
    if known is None:
        known = local_name(tag) in kinds.REFERENCE_TEXT_ELEMENTS
        if len(_REFERENCE_TEXT_TAGS) < 4096:  # bounded: tags come from documents (a server diffs many)
            _REFERENCE_TEXT_TAGS[tag] = known
    return known


def _property_details(ctx: _Context, o: _Item, n: _Item, is_flow: bool) -> list[Detail]:
    if _unchanged_copy(ctx, o, n):
        return []
    old = element_properties(o.el, ctx.resolver("old"), is_flow, ctx.foreign)
    new = element_properties(n.el, ctx.resolver("new"), is_flow, ctx.foreign)
    details: list[Detail] = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a is not None and b is not None and a.cmp == b.cmp:
            continue
        if (a is None and b is not None and b.default) or (b is None and a is not None and a.default):
            continue  # a default of the new (or old) type only: part of the retyping
        old_show = None if a is None else _jsonable(a.show)
        new_show = None if b is None else _jsonable(b.show)
        if old_show == new_show and a is not None and b is not None:
            # same words, other element (e.g. a called process that was replaced): say which
            old_show, new_show = f"{old_show} ({_token(a.cmp)})", f"{new_show} ({_token(b.cmp)})"
        details.append(_detail(key, old_show, new_show))
    return details


def _token(cmp: object) -> object:
    return cmp[1] if isinstance(cmp, tuple) and len(cmp) == 2 else cmp


def _jsonable(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value


# --- layout ---------------------------------------------------------------------------------------


def _same_drawing(old_els: Sequence[_Element], new_els: Sequence[_Element]) -> bool:
    """Whether the first drawing of each side is byte for byte the same (no layout change then,
    decided in C; the numbers are read and compared within TOLERANCE only otherwise)."""
    return bool(old_els) and bool(new_els) and etree.tostring(old_els[0]) == etree.tostring(new_els[0])


def _layout_details(ctx: _Context, old_id: str, new_id: str) -> list[Detail]:
    if old_id == new_id and ctx.same_diagrams():
        return []
    details: list[Detail] = []
    # Drawings of two ids differ in their bpmnElement at least: only the same id can be byte for
    # byte the same. The numbers are read from the elements (as the Shape and Edge views read them).
    old_els, new_els = ctx.old.shape_elements_of(old_id), ctx.new.shape_elements_of(new_id)
    if (old_els or new_els) and not (old_id == new_id and _same_drawing(old_els, new_els)):
        ob = shape_bounds(old_els[0]) if old_els else None
        nb = shape_bounds(new_els[0]) if new_els else None
        if (ob is None) != (nb is None) or (
            ob is not None
            and nb is not None
            and not _close((ob.x, ob.y, ob.width, ob.height), (nb.x, nb.y, nb.width, nb.height))
        ):
            details.append(_detail("bounds", _bounds(ob), _bounds(nb)))
    old_els, new_els = ctx.old.edge_elements_of(old_id), ctx.new.edge_elements_of(new_id)
    if (old_els or new_els) and not (old_id == new_id and _same_drawing(old_els, new_els)):
        ow = waypoints(old_els[0]) if old_els else None
        nw = waypoints(new_els[0]) if new_els else None
        if (ow is None) != (nw is None) or (
            ow is not None
            and nw is not None
            and (len(ow) != len(nw) or not _close([c for p in ow for c in p], [c for p in nw for c in p]))
        ):
            details.append(_detail("waypoints", _points(ow), _points(nw)))
    return details


def _close(left: Sequence[float], right: Sequence[float]) -> bool:
    return all(abs(x - y) <= TOLERANCE for x, y in zip(left, right, strict=True))


def _num(value: float) -> float:
    return int(value) if float(value).is_integer() else round(value, 2)


def _bounds(b: Bounds | None) -> dict[str, float] | None:
    return None if b is None else {"x": _num(b.x), "y": _num(b.y), "width": _num(b.width), "height": _num(b.height)}


def _points(points: Sequence[tuple[float, float]] | None) -> list[list[float]] | None:
    return None if points is None else [[_num(x), _num(y)] for x, y in points]


# --- references to elements that are not diffed themselves ---------------------------------------


def describe(el: _Element, model: Model, depth: int = 0) -> str:
    """A comparable description of a non-diffed element (message, signal, error, item definition …):
    its kind and name plus the codes that identify it, never its id."""
    kind = local_name(el.tag)
    name = el.get("name")
    parts = [kind]
    if name and name.strip():
        parts.append(" ".join(name.split()))
    spec = schema_attributes(element_type_name(el) or "")
    for attr in ("errorCode", "escalationCode", "itemKind", "isCollection"):
        if el.get(attr):
            xsd_type, default = spec.get(attr, (None, None))
            value = normalize_value(el.get(attr), xsd_type)
            if default is None or value != normalize_value(default, xsd_type):
                parts.append(f"{attr}={value}")
    if el.get("structureRef"):
        parts.append("structureRef=" + kinds.local_ref(el.get("structureRef")))
    for attr in ("itemRef", "itemSubjectRef", "structureRef"):
        ref = el.get(attr)
        if ref and depth == 0 and attr != "structureRef":
            target = model.element(kinds.local_ref(ref))
            parts.append(f"{attr}=" + (describe(target, model, 1) if target is not None else kinds.local_ref(ref)))
    if kind == "message" and name and name.strip():
        return " ".join(name.split())
    return " ".join(parts)
