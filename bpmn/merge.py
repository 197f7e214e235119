"""Three-way diff and merge: take a peer's new version into a local adaptation, as git merges code.

BASE is the peer's version that was imported, LOCAL the local adaptation of it, UPSTREAM the
peer's new version. Library API (all arguments are ``bpmn.model.Model`` objects):

``diff3(base, local, upstream, mode="auto") -> ThreeWay``
    Diffs BASE->LOCAL and BASE->UPSTREAM with the adaptation diff (bpmn/diff.py), so both change
    sets speak of BASE's elements through one shared matching, and classifies every change:
    ``three.applicable`` (upstream-only changes the merge applies), ``three.local`` (local changes
    the merge keeps), ``three.pseudo`` (the same change on both sides, applied once; listed as the
    local change), ``three.conflicts`` (``Conflict(kind, element, local, upstream, blocking)``;
    ``three.blocking`` are those a person must decide). Changes are the diff's JSON dicts, one
    property per change. ``three.to_dict()`` is the documented JSON:
    ``{"applicable": [...], "local": [...], "pseudo": [...], "conflicts": [{"kind", "element",
    "local", "upstream"}]}``.

``merge(base, local, upstream, prefer=None, mode="auto") -> MergeResult``
    ``result.ok`` is True when a merged model was made: ``result.model`` (a new Model; LOCAL is
    not changed) and ``result.data`` (its bytes, ready for ``bpmn.fileio.atomic_write``);
    ``result.applied`` the upstream changes applied, ``result.resolved`` the blocking conflicts
    that ``prefer`` ("local" or "upstream") decided. With blocking conflicts and no ``prefer``,
    ``result.ok`` is False, ``result.model``/``data`` are None and ``result.conflicts`` lists them.
    ``result.threeway`` is the classification; ``result.skipped`` lists (id, reason) for
    upstream sides of conflicts that ``prefer="upstream"`` could not take into LOCAL.

``merge_files(base, local, upstream, out, prefer=None)`` reads three files and writes OUT
atomically only when the merge succeeded.

Conflict kinds: ``label``, ``type``, ``condition``, ``timer``, ``property``, ``lane``, ``parent``
(the same property changed to different values), ``rewire`` (the same end of a flow rewired
differently), ``removed-changed`` (removed on one side, changed on the other),
``moved-changed`` (UPSTREAM moved an element into another sub-process or pool that LOCAL changed
or connected new flows to), ``removed-referenced`` (one side's change needs an element the other
side removed: a new flow's end, a lane, a container), ``added`` (both sides added elements that
pair by similarity but differ) and ``layout`` (both sides moved the same shape, or one side
redrew what the other removed or moved: reported, never blocking; LOCAL's drawing is kept unless
``prefer="upstream"``, and a removal or move wins over a redraw).
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

from procex.bpmn import kinds
from procex.bpmn.diff import ChangeDict, Diff, describe, diff_models
from procex.bpmn.errors import EditError
from procex.bpmn.match import FLOW_KINDS, MATCHED_KINDS, match_models
from procex.bpmn.merge_apply import Applier, MergeApplyError
from procex.bpmn.model import Model
from procex.bpmn.normalize import Value, element_properties, label_of
from procex.bpmn.xml import BPMN_NS, local_name
from procex.core.errors import ProcexError

_B = f"{{{BPMN_NS}}}"
NON_BLOCKING = frozenset({"layout"})
CONFLICT_KINDS = (
    "label",
    "type",
    "condition",
    "timer",
    "property",
    "lane",
    "parent",
    "rewire",
    "removed-changed",
    "moved-changed",
    "removed-referenced",
    "added",
    "layout",
)
PREFER = ("local", "upstream")


class MergeConflictError(ProcexError):
    """A merge was asked to write its result, but conflicts remain that a person must decide."""

    exit_code = 1


@dataclass
class Item:
    """One change of one side, narrowed to one aspect (one property of one element)."""

    side: str  # "local" | "upstream"
    change: ChangeDict  # the diff's change JSON (details: the one property)
    aspect: str  # name|type|lane|parent|sourceRef|targetRef|layout|added|removed|prop:<key>
    base_id: str | None  # the BASE element concerned (None for additions)
    own_id: str | None  # the element in LOCAL resp. UPSTREAM (None for removals)


@dataclass
class Conflict:
    kind: str
    element: str  # BASE id (for "added": the LOCAL id)
    local: Item
    upstream: Item
    blocking: bool = True

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "element": self.element,
            "local": self.local.change,
            "upstream": self.upstream.change,
        }


class ThreeWayDict(TypedDict):
    """``ThreeWay.to_dict()``: the documented JSON of a three-way diff."""

    applicable: list[ChangeDict]
    local: list[ChangeDict]
    pseudo: list[ChangeDict]
    conflicts: list[dict[str, object]]


@dataclass
class ThreeWay:
    applicable: list[Item]
    local: list[Item]
    pseudo: list[Item]
    conflicts: list[Conflict]
    base: Model
    local_model: Model
    upstream_model: Model
    local_diff: Diff
    upstream_diff: Diff
    pairs: dict[str, str] = field(default_factory=dict)  # upstream id -> local id of paired additions
    lost: list[Item] = field(default_factory=list)  # upstream items a non-blocking conflict dropped

    @property
    def blocking(self) -> list[Conflict]:
        return [c for c in self.conflicts if c.blocking]

    def to_dict(self) -> ThreeWayDict:
        return {
            "applicable": [i.change for i in self.applicable],
            "local": [i.change for i in self.local],
            "pseudo": [i.change for i in self.pseudo],
            "conflicts": [c.to_dict() for c in self.conflicts],
        }

    def upstream_to_local(self) -> dict[str, str]:
        """UPSTREAM id -> LOCAL id for every element both have (through BASE, or added on both)."""
        to_base = self.upstream_diff.matching.new_to_old
        to_local = self.local_diff.matching.old_to_new
        ids: dict[str, str] = {}
        for up_id, base_id in to_base.items():
            local_id = to_local.get(base_id)
            if local_id is not None:
                ids[up_id] = local_id
        ids.update(self.pairs)
        return ids


@dataclass
class MergeResult:
    threeway: ThreeWay
    model: Model | None = None
    data: bytes | None = None
    conflicts: list[Conflict] = field(default_factory=list)  # blocking conflicts left undecided
    applied: list[Item] = field(default_factory=list)  # upstream Items applied
    resolved: list[Conflict] = field(default_factory=list)  # blocking conflicts decided by prefer
    # (id, reason): upstream wins that LOCAL cannot take
    skipped: list[tuple[str | None, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.model is not None


# --- classification ----------------------------------------------------------------------------

_SIMPLE_ASPECTS = {
    "renamed": "name",
    "retyped": "type",
    "relaned": "lane",
    "moved": "parent",
    "layout": "layout",
    "added": "added",
    "removed": "removed",
}


def _split(diff: Diff, side: str) -> list[Item]:
    """The diff's changes as Items of one aspect each (a "changed" with three properties: three)."""
    items: list[Item] = []
    for change in diff.changes:
        data = change.to_dict()
        if change.kind in ("changed", "rewired"):
            for detail in change.details:
                one: ChangeDict = {**data, "details": [detail]}
                aspect = detail["property"] if change.kind == "rewired" else "prop:" + detail["property"]
                items.append(Item(side, one, aspect, change.old_id, change.new_id))
        else:
            items.append(Item(side, data, _SIMPLE_ASPECTS[change.kind], change.old_id, change.new_id))
    return items


def _conflict_kind(aspect: str) -> str:
    if aspect == "name":
        return "label"
    if aspect in ("type", "lane", "parent", "layout"):
        return aspect
    if aspect in ("sourceRef", "targetRef"):
        return "rewire"
    prop = aspect[5:]
    if prop.startswith("conditionExpression") or prop.startswith("conditionalEventDefinition"):
        return "condition"
    if prop.startswith("timerEventDefinition"):
        return "timer"
    return "property"


class _Classifier:
    def __init__(self, base: Model, local: Model, upstream: Model, mode: str) -> None:
        self.base, self.local, self.upstream = base, local, upstream
        # three versions of one model: "auto" needs no guess whether they were made apart
        mode = "versions" if mode == "auto" else mode
        self.dl = diff_models(base, local, mode)
        self.du = diff_models(base, upstream, mode)
        self.ml, self.mu = self.dl.matching, self.du.matching
        self.items_l = _split(self.dl, "local")
        self.items_u = _split(self.du, "upstream")
        self.pair_ul: dict[str, str] = {}
        self.pair_lu: dict[str, str] = {}
        added_l = {i.own_id for i in self.items_l if i.aspect == "added"}
        added_u = {i.own_id for i in self.items_u if i.aspect == "added"}
        if added_l and added_u:
            # Both sides added something: do any of these additions pair with each other?
            for pair in match_models(local, upstream, mode).pairs:
                if pair.old_id in added_l and pair.new_id in added_u:
                    self.pair_lu[pair.old_id] = pair.new_id
                    self.pair_ul[pair.new_id] = pair.old_id
        self._props: dict[tuple[str, str | None], dict[str, Value]] = {}

    # --- comparable values, with ids of all three models in one vocabulary ----------------------
    def model(self, side: str) -> Model:
        return self.local if side == "local" else self.upstream

    def canon(self, side: str, ident: str | None) -> str | None:
        """A token naming an element the same way in LOCAL and UPSTREAM."""
        if ident is None:
            return None
        matching = self.ml if side == "local" else self.mu
        base_id = matching.new_to_old.get(ident)
        if base_id is not None:
            return "b:" + base_id
        if side == "local" and ident in self.pair_lu:
            return "a:" + ident
        if side == "upstream" and ident in self.pair_ul:
            return "a:" + self.pair_ul[ident]
        model = self.model(side)
        el = model.element(ident)
        if el is None:
            return "?:" + ident
        if local_name(el.tag) in MATCHED_KINDS:
            return side[0] + ":" + ident
        return "d:" + describe(el, model)

    def resolver(self, side: str) -> Callable[[str, str], Value]:
        def resolve(ident: str, raw: str) -> Value:
            token = self.canon(side, ident)
            if token is None or token.startswith("?:"):
                return Value(("raw", raw.strip()), raw.strip())
            return Value(("el", token), raw.strip())

        return resolve

    def props(self, side: str, ident: str | None) -> dict[str, Value]:
        key = (side, ident)
        if key not in self._props:
            el = self.model(side).element(ident)
            self._props[key] = (
                {} if el is None else element_properties(el, self.resolver(side), local_name(el.tag) in FLOW_KINDS)
            )
        return self._props[key]

    def parent_of(self, side: str, ident: str | None) -> str | None:
        view = self.model(side).get(ident)
        if view is None:
            return None
        if view.type == "lane":
            parent = view.parent_lane
            return parent.id if parent is not None else (view.process.id if view.process is not None else None)
        return view.container.id if view.container is not None else None

    def value(self, item: Item) -> object:
        side, ident, aspect = item.side, item.own_id, item.aspect
        view = self.model(side).get(ident) if ident else None
        if aspect == "removed":
            return None
        if view is None:
            return ("?", ident)
        if aspect == "name":
            return label_of(view.el)
        if aspect == "type":
            return view.type
        if aspect == "lane":
            return self.canon(side, view.lane.id) if view.lane is not None else None
        if aspect == "parent":
            return self.canon(side, self.parent_of(side, ident))
        if aspect in ("sourceRef", "targetRef"):
            return self.canon(side, kinds.local_ref(view.el.get(aspect, "")))
        if aspect.startswith("prop:"):
            found = self.props(side, ident).get(aspect[5:])
            return None if found is None else found.cmp
        if aspect == "layout":
            return repr([d["new"] for d in item.change["details"]])
        if aspect == "added":
            return self.fingerprint(side, ident)
        return None

    def fingerprint(self, side: str, ident: str | None) -> tuple[object, ...]:
        """What an added element is, apart from its id: compared for additions on both sides."""
        view = self.model(side).get(ident)
        assert view is not None  # an added element is in its own model
        props = {k: v.cmp for k, v in self.props(side, ident).items()}
        ends = tuple(
            self.canon(side, kinds.local_ref(view.el.get(a))) if view.el.get(a) else None
            for a in ("sourceRef", "targetRef")
        )
        lane = self.canon(side, view.lane.id) if view.type != "lane" and view.lane is not None else None
        return (
            view.type,
            label_of(view.el),
            lane,
            self.canon(side, self.parent_of(side, ident)),
            ends,
            tuple(sorted((k, repr(v)) for k, v in props.items())),
        )

    def refs(self, item: Item) -> list[str]:
        """BASE ids of the elements a change needs on the other side (ends, lane, container, host)."""
        view = self.model(item.side).get(item.own_id) if item.own_id else None
        if view is None:
            return []
        tokens: list[object] = []
        if item.aspect == "added":
            tokens.append(self.canon(item.side, self.parent_of(item.side, item.own_id)))
            if view.type != "lane" and view.lane is not None:
                tokens.append(self.canon(item.side, view.lane.id))
            for attr in ("sourceRef", "targetRef", "attachedToRef", "processRef"):
                if view.el.get(attr):
                    tokens.append(self.canon(item.side, kinds.local_ref(view.el.get(attr))))
        elif item.aspect in ("sourceRef", "targetRef"):
            # A rewired flow needs both of its ends, the one it kept as well.
            for attr in ("sourceRef", "targetRef"):
                if view.el.get(attr):
                    tokens.append(self.canon(item.side, kinds.local_ref(view.el.get(attr))))
        elif item.aspect in ("lane", "parent"):
            tokens.append(self.value(item))
        return [t[2:] for t in tokens if isinstance(t, str) and t.startswith("b:")]

    # --- the classification ------------------------------------------------------------------------
    def run(self) -> ThreeWay:
        by_l: defaultdict[str, list[Item]] = defaultdict(list)
        removed_l: dict[str | None, Item] = {}
        added_l: dict[str | None, Item] = {}
        referencing_l: defaultdict[str, list[Item]] = defaultdict(list)  # BASE id -> LOCAL items that need it
        for item in self.items_l:
            if item.aspect == "removed":
                removed_l[item.base_id] = item
            elif item.aspect == "added":
                added_l[item.own_id] = item
            if item.base_id is not None:
                by_l[item.base_id].append(item)
            for ref in self.refs(item):
                if ref != item.base_id:
                    referencing_l[ref].append(item)
        applicable: list[Item] = []
        pseudo: list[Item] = []
        conflicts: list[Conflict] = []
        lost: list[Item] = []
        gone_l: set[int] = set()  # ids of LOCAL items that do not survive as they are (pseudo, blocked, dropped)

        def conflict(kind: str, element: str, l_item: Item, u_item: Item) -> None:
            blocking = kind not in NON_BLOCKING
            conflicts.append(Conflict(kind, element, l_item, u_item, blocking))
            if blocking:
                gone_l.add(id(l_item))

        def twin(l_item: Item) -> None:
            pseudo.append(l_item)
            gone_l.add(id(l_item))

        def needs_removed(u_item: Item) -> str | None:
            for ref in self.refs(u_item):
                if ref in removed_l:
                    return ref
            return None

        for u in self.items_u:
            b = u.base_id
            locals_ = by_l.get(b, []) if b is not None else []
            if u.aspect == "added":
                partner = self.pair_ul.get(u.own_id) if u.own_id is not None else None
                if partner is not None and partner in added_l:
                    l_item = added_l[partner]
                    if self.value(l_item) == self.value(u):
                        twin(l_item)
                    else:
                        conflict("added", partner, l_item, u)
                    continue
                missing = needs_removed(u)
                if missing is not None:
                    conflict("removed-referenced", missing, removed_l[missing], u)
                    continue
                applicable.append(u)
                continue
            assert b is not None  # every change but an addition names its BASE element
            if u.aspect == "removed":
                if b in removed_l:
                    twin(removed_l[b])
                    continue
                semantic = [c for c in locals_ if c.aspect != "layout"]
                for l_item in semantic:
                    conflict("removed-changed", b, l_item, u)
                users = referencing_l.get(b, [])
                for l_item in users:
                    conflict("removed-referenced", b, l_item, u)
                if semantic or users:
                    continue
                for l_item in locals_:  # local redraws of what upstream removes
                    conflict("layout", b, l_item, u)
                    gone_l.add(id(l_item))
                applicable.append(u)
                continue
            if b in removed_l:
                if u.aspect == "layout":
                    conflict("layout", b, removed_l[b], u)
                    lost.append(u)
                else:
                    conflict("removed-changed", b, removed_l[b], u)
                continue
            same = [c for c in locals_ if c.aspect == u.aspect]
            if u.aspect == "layout":
                moved = [c for c in locals_ if c.aspect == "parent"]
                if same and self.value(same[0]) == self.value(u):
                    twin(same[0])
                elif same or moved:
                    conflict("layout", b, (same or moved)[0], u)
                    lost.append(u)
                else:
                    applicable.append(u)
                continue
            if same:
                if self.value(same[0]) == self.value(u):
                    twin(same[0])
                else:
                    conflict(_conflict_kind(u.aspect), b, same[0], u)
                continue
            if u.aspect == "parent":
                touched = [c for c in locals_ if c.aspect != "layout"] + referencing_l.get(b, [])
                if touched:
                    for l_item in touched:
                        conflict("moved-changed", b, l_item, u)
                    continue
            missing = needs_removed(u)
            if missing is not None:
                conflict("removed-referenced", missing, removed_l[missing], u)
                continue
            if u.aspect == "parent":
                for l_item in locals_:  # a local redraw of what upstream moves elsewhere
                    conflict("layout", b, l_item, u)
                    gone_l.add(id(l_item))
            applicable.append(u)
        # An attribute that only exists because of the new type (userTask's implementation) is
        # part of the type conflict, not a property conflict of its own.
        typed = {c.element for c in conflicts if c.kind == "type"}
        for c in conflicts:
            if (
                c.kind == "property"
                and c.element in typed
                and all(i.change["details"][0]["old"] is None for i in (c.local, c.upstream))
            ):
                c.kind = "type"
        kept = [i for i in self.items_l if id(i) not in gone_l]
        return ThreeWay(
            applicable,
            kept,
            pseudo,
            conflicts,
            self.base,
            self.local,
            self.upstream,
            self.dl,
            self.du,
            dict(self.pair_ul),
            lost,
        )


def diff3(base: Model, local: Model, upstream: Model, mode: str = "auto") -> ThreeWay:
    """Classify LOCAL's and UPSTREAM's changes against BASE (see the module docstring)."""
    return _Classifier(base, local, upstream, mode).run()


# --- merging -----------------------------------------------------------------------------------

# Order in which upstream changes are applied: UPSTREAM's redrawing first (it makes room for what
# it adds), then additions, moves and property changes, rewiring, and removals last, so that a
# removed node does not take along a flow UPSTREAM kept and rewired. Additions keep clear of the
# shapes that are about to go.
_PHASES = {
    "restore": 0,
    "layout": 1,
    "added": 2,
    "parent": 3,
    "name": 4,
    "type": 4,
    "prop": 4,
    "lane": 5,
    "sourceRef": 6,
    "targetRef": 6,
    "removed": 7,
    "adopt": 8,
}
_ADD_ORDER = {
    "process": 0,
    "participant": 1,
    "lane": 2,
    "boundaryEvent": 4,
    "dataObject": 4,
    "dataObjectReference": 4,
    "dataStoreReference": 4,
    "textAnnotation": 5,
    "group": 5,
    "sequenceFlow": 6,
    "messageFlow": 7,
    "association": 8,
}


def merge(base: Model, local: Model, upstream: Model, prefer: str | None = None, mode: str = "auto") -> MergeResult:
    """Merge UPSTREAM's changes since BASE into LOCAL (see the module docstring)."""
    if prefer not in (None,) + PREFER:
        raise ValueError(f"prefer must be None, 'local' or 'upstream', not {prefer!r}")
    three = diff3(base, local, upstream, mode)
    blocking = three.blocking
    if blocking and prefer is None:
        return MergeResult(three, conflicts=blocking)
    actions = [(i.aspect if not i.aspect.startswith("prop:") else "prop", i) for i in three.applicable]
    resolved = list(blocking)
    if prefer == "upstream":
        actions += _upstream_wins(three)
    merged = local.copy()
    applier = Applier(merged, upstream, three.upstream_to_local())
    to_local = three.local_diff.matching.old_to_new
    applier.doomed = {
        to_local[b] for w, i in actions if w == "removed" and (b := i.base_id) is not None and b in to_local
    }
    doc_order = {el: n for n, el in enumerate(upstream.root.iter())}

    def order(action: tuple[str, Item]) -> tuple[int, int, int]:
        what, item = action
        phase = _PHASES.get(what, 5)
        rank = 0
        if what in ("added", "restore", "parent"):
            view = upstream.get(item.own_id)
            rank = _ADD_ORDER.get(view.type, 3) if view is not None else 9
        el = upstream.element(item.own_id) if item.own_id else None
        return (phase, rank, doc_order.get(el, -1))

    chosen = {id(item) for _, item in actions[len(three.applicable) :]}
    applied: list[Item] = []
    done: set[tuple[str, str | None, str]] = set()
    for what, item in sorted(actions, key=order):
        key = (what, item.own_id or item.base_id, item.aspect)
        if key in done:
            continue
        done.add(key)
        if id(item) in chosen:
            # A conflict decided for UPSTREAM: what cannot be done in LOCAL any more is reported.
            try:
                _apply(applier, what, item, three)
            except EditError as error:
                applier.skipped.append((item.own_id or item.base_id, str(error)))
                continue
        else:
            _apply(applier, what, item, three)
        if what not in ("restore", "adopt"):
            applied.append(item)
    merged.reindex()
    return MergeResult(three, merged, merged.to_bytes(), [], applied, resolved if prefer else [], list(applier.skipped))


def _upstream_wins(three: ThreeWay) -> list[tuple[str, Item]]:
    """Actions that make UPSTREAM's side of each conflict win (``prefer="upstream"``)."""
    actions: list[tuple[str, Item]] = []
    for conflict in three.conflicts:
        u, l_item = conflict.upstream, conflict.local
        if conflict.kind == "added":
            actions.append(("adopt", u))
        elif conflict.kind == "layout":
            if u.aspect == "layout" and l_item.aspect == "layout":
                actions.append(("layout", u))
        elif conflict.kind in ("removed-changed", "removed-referenced") and u.aspect != "removed":
            # LOCAL removed what UPSTREAM changed or needs: bring UPSTREAM's element back.
            base_id = conflict.element
            up_id = three.upstream_diff.matching.old_to_new.get(base_id)
            if up_id is not None:
                actions.append(("restore", Item("upstream", u.change, "restore", base_id, up_id)))
            if conflict.kind == "removed-referenced":
                actions.append((u.aspect if not u.aspect.startswith("prop:") else "prop", u))
        else:
            actions.append((u.aspect if not u.aspect.startswith("prop:") else "prop", u))
    return actions


def _apply(applier: Applier, what: str, item: Item, three: ThreeWay) -> None:
    if what == "removed":
        local_id = three.local_diff.matching.old_to_new.get(item.base_id) if item.base_id is not None else None
        if local_id is not None:
            applier.remove(local_id)
        return
    up_id = item.own_id
    if up_id is None:  # every upstream change but a removal names its UPSTREAM element
        raise MergeApplyError(f"an upstream {what} change names no upstream element")
    if what == "layout":
        applier.layout(up_id)
    elif what == "added":
        if applier.loc(up_id) is None:  # a restored flow may have brought it already
            applier.add(up_id)
    elif what == "restore":
        if applier.loc(up_id) is None:
            applier.restore(up_id)
    elif what == "parent":
        applier.move(up_id)
    elif what == "name":
        applier.rename(up_id)
    elif what == "type":
        applier.retype(up_id)
    elif what == "lane":
        applier.relane(up_id)
    elif what in ("sourceRef", "targetRef"):
        applier.rewire(up_id, what)
    elif what == "prop":
        applier.set_property(up_id, item.aspect[5:])
    elif what == "adopt":
        local_id = three.pairs.get(up_id)
        if local_id is not None:
            applier.adopt(up_id, local_id)


def read_three(
    base_path: str | os.PathLike[str],
    local_path: str | os.PathLike[str],
    upstream_path: str | os.PathLike[str],
    max_bytes: int | None = None,
) -> tuple[Model, Model, Model]:
    """Read BASE, LOCAL and UPSTREAM files as Models (BpmnReadError names the file that fails)."""
    from procex.bpmn.model import read_model
    from procex.bpmn.xml import DEFAULT_MAX_BYTES

    limit = max_bytes or DEFAULT_MAX_BYTES
    return read_model(base_path, limit), read_model(local_path, limit), read_model(upstream_path, limit)


def merge_files(
    base_path: str | os.PathLike[str],
    local_path: str | os.PathLike[str],
    upstream_path: str | os.PathLike[str],
    out_path: str | os.PathLike[str],
    prefer: str | None = None,
    mode: str = "auto",
    max_bytes: int | None = None,
) -> MergeResult:
    """Merge three files and write OUT atomically; with blocking conflicts (and no ``prefer``)
    nothing is written and the result lists them."""
    from procex.core.files import atomic_write

    base, local, upstream = read_three(base_path, local_path, upstream_path, max_bytes)
    result = merge(base, local, upstream, prefer, mode)
    if result.ok and result.data is not None:
        atomic_write(Path(out_path), result.data)
    return result
