"""Layered matching: which element of the old model is which element of the new one.

Used by the adaptation diff (bpmn/diff.py) and the three-way merge. ``match_models(old, new)``
returns a ``Matching`` whose ``pairs`` say, for every paired element, how it was paired and how
sure the pairing is (``score`` in 0..1).

1. **By id**: an element whose id is in both models, with a compatible type (same category:
   activity, event, gateway, data, lane, participant, process, sequenceFlow …), is paired with
   score 1. With ``mode="id"`` matching stops here.
2. **By similarity** (``mode="auto"``), for what is left, one optimal assignment per category
   (``scipy.optimize.linear_sum_assignment`` on a score matrix; never greedy, never file order):
   - processes and pools: name, and how many of their flow nodes are already paired;
   - lanes: name, members (flow nodes already paired) and parent;
   - flow nodes, data, annotations: German-aware label similarity (``bpmn.text``), type, position
     in the flow (predecessors and successors already paired), lane, container (process or
     sub-process) and, when both are drawn, the distance of their shapes;
   these rounds repeat (each round sees the previous round's pairs as context, so an unnamed
   gateway is paired through its neighbours) until nothing changes, at most ``ROUNDS`` times;
   - flows (sequence and message flows, associations) last: their paired ends, name, condition.
   A pair below ``THRESHOLD`` stays unmatched. Inputs are sorted by id, so the result is
   deterministic.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lxml.etree import _Element

from procex.bpmn import kinds
from procex.bpmn.normalize import label_of
from procex.bpmn.text import compact_label, label_similarity, label_tokens, normalize_label
from procex.bpmn.xml import BPMN_NS, DC_NS, local_name

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from procex.bpmn.model import Model

    Floats = NDArray[np.float64]
    Ints = NDArray[np.intp]
    # a dense score matrix, or (rows, cols, values) of candidate pairs
    Scores = Floats | tuple[Ints, Ints, Floats]
# old id -> new id of the pairs so far
IdMap = dict[str, str]
# old id -> (new id, how, score)
Found = dict[str, tuple[str, str, float]]

_B = f"{{{BPMN_NS}}}"
_DC = f"{{{DC_NS}}}"
THRESHOLD = 0.5
ROUNDS = 4
NODE_KINDS = kinds.FLOW_NODES | kinds.DATA_ELEMENTS | {"dataStore", "textAnnotation", "group"}
FLOW_KINDS = frozenset({"sequenceFlow", "messageFlow", "association"})
CONTAINER_KINDS = frozenset({"process", "participant", "lane"})
# Every element kind the diff compares one by one.
MATCHED_KINDS = NODE_KINDS | FLOW_KINDS | CONTAINER_KINDS
# Weights of the evidence for flow nodes; a feature that does not apply to a pair is left out
# and the rest renormalised.
W_LABEL, W_NEIGHBOURS, W_TYPE, W_LANE, W_CONTAINER, W_POSITION = 0.45, 0.2, 0.1, 0.08, 0.1, 0.07
POSITION_SCALE = 400.0  # px: shapes this far apart get no position evidence


def category(kind: str) -> str:
    """Kinds that may be paired with each other share a category (task ~ userTask)."""
    if kind in ("textAnnotation", "group") or kind in FLOW_KINDS or kind in CONTAINER_KINDS:
        return kind
    return kinds.category(kind)


CONFIDENCES = ("certain", "likely", "possible")


@dataclass(frozen=True)
class Pair:
    """One paired element: ``how`` is "id" or "similarity", ``score`` in 0..1, ``confidence``
    "certain" or "likely" (a pair the diff reports on) or "possible" (listed apart only)."""

    old_id: str
    new_id: str
    element_type: str
    how: str
    score: float
    confidence: str = "certain"

    def to_dict(self) -> dict[str, object]:
        return {
            "old_id": self.old_id,
            "new_id": self.new_id,
            "element_type": self.element_type,
            "match": self.how,
            "score": round(self.score, 3),
            "confidence": self.confidence,
        }


@dataclass
class Matching:
    """The correspondence between two models' elements (only MATCHED_KINDS are paired).

    ``pairs`` are the certain and likely pairs (what the diff reports on); ``possible`` are
    possible counterparts of elements left unpaired (models made apart only), never a change;
    ``lineage`` says which mode was used and why (bpmn/lineage.py); ``notes`` say where the
    matcher held back (e.g. the similarity step skipped past MAX_SIMILARITY_ITEMS).
    """

    pairs: list[Pair]
    old_only: list[str] = field(default_factory=list)  # ids of old elements without partner
    new_only: list[str] = field(default_factory=list)  # ids of new elements without partner
    # matchable(old), reused by the diff
    old_items: dict[str, _Item] | None = field(default=None, repr=False, compare=False)
    new_items: dict[str, _Item] | None = field(default=None, repr=False, compare=False)
    lineage: dict[str, object] = field(default_factory=dict)  # bpmn/lineage.py's record (JSON)
    possible: list[Pair] = field(default_factory=list)
    notes: list[dict[str, object]] = field(default_factory=list)  # {"code", ...} for diff_text

    def __post_init__(self) -> None:
        self.old_to_new = {p.old_id: p.new_id for p in self.pairs}
        self.new_to_old = {p.new_id: p.old_id for p in self.pairs}
        self._by_old = {p.old_id: p for p in self.pairs}
        self._by_new = {p.new_id: p for p in self.pairs}

    @property
    def mode(self) -> str:
        return str(self.lineage.get("mode", "versions"))

    def pair_of_old(self, old_id: str) -> Pair | None:
        return self._by_old.get(old_id)

    def pair_of_new(self, new_id: str) -> Pair | None:
        return self._by_new.get(new_id)


@dataclass(slots=True)
class _Item:
    id: str
    el: _Element
    type: str
    category: str
    label: str | None
    container: str | None = None  # id of the process/sub-process it stands in
    lane: str | None = None  # id of the innermost lane listing it
    parent: str | None = None  # lanes: parent lane or process; participants: process
    neighbours: tuple[str, ...] = ()  # ids of nodes connected by any flow or association
    center: tuple[float, float] | None = None  # centre of its first shape
    defs: tuple[str, ...] = ()  # sorted event definition kinds
    source: str | None = None  # flows
    target: str | None = None
    condition: str | None = None


def matchable(model: Model) -> dict[str, _Item]:
    """{id: _Item} of every element the diff compares, in id order (first of duplicated ids).

    One pass per kind; what the elements of one parent share (container, whether they stand inside
    a foreign or diagram element) is looked up once per parent, not walked up per element.
    """
    items: dict[str, _Item] = {}
    lanes_of: dict[str, str | None] = {}
    for lane in model._by_kind.get("lane", ()):
        for ref in lane.iterfind(_B + "flowNodeRef"):
            if ref.text and ref.text.strip():
                lanes_of[ref.text.strip()] = lane.get("id")  # document order: innermost last
    neighbours: dict[str, list[str]] = {}
    duplicated = len(set(model._ids)) != len(model._ids)  # the first in document order wins
    ancestry = _Ancestry()
    for kind in model._by_kind:
        if kind not in MATCHED_KINDS:
            continue
        cat = category(kind)
        is_flow, is_container = kind in FLOW_KINDS, kind in CONTAINER_KINDS
        is_annotation = kind == "textAnnotation"
        for el in model._by_kind[kind]:
            ident = el.get("id")
            if not ident or ident in items or (duplicated and model.element(ident) is not el):
                continue
            parent = el.getparent()
            container, foreign = ancestry.of(parent)
            if kind != "lane" and not is_container and foreign:
                continue
            if is_annotation:
                label = label_of(el)
            else:  # label_of without looking at the tag again
                name = el.get("name")
                label = (" ".join(name.split()) or None) if name is not None else None
            item = _Item(ident, el, kind, cat, label)
            if is_flow:
                item.source = _ref(el, "sourceRef")
                item.target = _ref(el, "targetRef")
                cond = el.find(_B + "conditionExpression")
                item.condition = " ".join("".join(cond.itertext()).split()) if cond is not None else None
                if item.source and item.target:
                    neighbours.setdefault(item.source, []).append(item.target)
                    neighbours.setdefault(item.target, []).append(item.source)
            elif kind == "lane":
                lane_parent = parent.getparent() if parent is not None else None
                item.parent = lane_parent.get("id") if lane_parent is not None else None
                if lane_parent is not None and local_name(lane_parent.tag) != "lane":
                    item.parent = container
            elif kind == "participant":
                item.parent = _ref(el, "processRef")
            else:
                item.lane = lanes_of.get(ident)
                if kind == "boundaryEvent" and el.get("attachedToRef"):
                    host = kinds.local_ref(el.get("attachedToRef"))
                    neighbours.setdefault(ident, []).append(host)
                    neighbours.setdefault(host, []).append(ident)
                # filtered by libxml2: no Python object for the incoming/outgoing children
                item.defs = tuple(sorted(local_name(c.tag) for c in el.iterchildren(*_EVENT_DEFINITION_TAGS)))
            if kind != "participant" and kind != "process":
                item.container = container
            items[ident] = item
    for ident, item in items.items():
        if item.category not in ("sequenceFlow", "messageFlow", "association", "lane", "participant", "process"):
            around = neighbours.get(ident)
            if around:
                item.neighbours = (around[0],) if len(around) == 1 else tuple(sorted(set(around)))
            drawn = model.shape_elements_of(ident)  # the element, not a Shape view: one per node adds up
            if drawn:
                item.center = _shape_center(drawn[0])
    # data associations link data objects to activities: neighbours too
    for kind in ("dataInputAssociation", "dataOutputAssociation"):
        for assoc in model._by_kind.get(kind, ()):
            activity = assoc.getparent()
            ends = [(c.text or "").strip() for c in assoc if local_name(c.tag) in ("sourceRef", "targetRef")]
            for end in ends:
                if end in items and activity.get("id") in items:
                    a, b = items[end], items[activity.get("id")]
                    a.neighbours = tuple(sorted(set(a.neighbours) | {b.id}))
                    b.neighbours = tuple(sorted(set(b.neighbours) | {a.id}))
    return dict(sorted(items.items()))


_EVENT_DEFINITION_TAGS = tuple("{*}" + name for name in sorted(kinds.EVENT_DEFINITIONS))


def _shape_center(shape_el: _Element) -> tuple[float, float] | None:
    """The centre of a BPMNShape's bounds (as ``shape_bounds(el).center``), or None."""
    bounds = shape_el.find(_DC + "Bounds")
    if bounds is None:
        return None
    try:
        x, y = float(bounds.get("x")), float(bounds.get("y"))
        width, height = float(bounds.get("width")), float(bounds.get("height"))
    except (TypeError, ValueError):
        return None
    return (x + width / 2, y + height / 2)


class _Ancestry:
    """Per parent element: (id of the innermost process or sub-process around it, whether it or an
    ancestor is a foreign or diagram element). Siblings share the answer, so each parent is walked
    up once."""

    def __init__(self) -> None:
        self._known: dict[_Element, tuple[str | None, bool]] = {}

    def of(self, el: _Element | None) -> tuple[str | None, bool]:
        if el is None:
            return None, False
        known = self._known.get(el)
        if known is not None:
            return known
        chain: list[_Element] = []  # el and its ancestors up to the first one already known (no recursion: deep files)
        above: tuple[str | None, bool] = (None, False)
        while el is not None:
            known = self._known.get(el)
            if known is not None:
                above = known
                break
            chain.append(el)
            el = el.getparent()
        for el in reversed(chain):
            tag = el.tag
            container, foreign = above
            is_bpmn = isinstance(tag, str) and tag.startswith(_B)
            if is_bpmn and local_name(tag) in kinds.CONTAINERS:
                container = el.get("id")
            above = self._known[el] = (container, foreign or not is_bpmn)
        return above


def _ref(el: _Element, attr: str) -> str | None:
    value = el.get(attr)
    return kinds.local_ref(value) if value else None


# --- the matcher ----------------------------------------------------------------------------------

MODES = ("auto", "versions", "independent", "id")
# Per category, when unpaired old x new elements are at most this many pairs, every pair is scored
# (exhaustive, as for any model a person draws); above it only candidate pairs are (see _Candidates).
DENSE_LIMIT = 10_000
LABEL_CANDIDATES = 8  # per element: the partners that share most label stems
POSITION_CANDIDATES = 4  # per element: the nearest shapes within POSITION_SCALE
STEM_POSTINGS = 64  # a stem more frequent than this among the partners does not block on its own
# Past this many unpaired elements on one side the similarity step is skipped: elements pair by
# id only, and the matching carries a note saying so (keeps time and memory bounded for any input).
MAX_SIMILARITY_ITEMS = 200_000


def match_models(old: Model, new: Model, mode: str = "auto", threshold: float = THRESHOLD) -> Matching:
    """Pair the elements of two Models; see the module docstring.

    ``mode``: "auto" decides whether the models are versions of one model or made apart
    (bpmn/lineage.py) and pairs accordingly; "versions" pairs by id, then by similarity;
    "independent" pairs precision-first by label (bpmn/match_independent.py); "id" by id only.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    a, b = matchable(old), matchable(new)
    from procex.bpmn.lineage import decide

    lineage = decide(a, b, mode)
    possible: list[Pair] = []
    notes: list[dict[str, object]] = []
    if lineage["mode"] == "independent":
        from procex.bpmn.match_independent import match_independent

        result, possible = match_independent(a, b)
    else:
        id_pairs = {}
        for ident, item in a.items():
            other = b.get(ident)
            if other is not None and other.category == item.category:
                id_pairs[ident] = ident
        pairs = {o: (n, "id", 1.0) for o, n in id_pairs.items()}
        if lineage["mode"] == "versions":
            unpaired = max(len(a) - len(id_pairs), len(b) - len(id_pairs))
            if unpaired > MAX_SIMILARITY_ITEMS:
                notes.append({"code": "similarity_skipped", "unpaired": unpaired, "limit": MAX_SIMILARITY_ITEMS})
            else:
                _Similarity(a, b, id_pairs, threshold).run(pairs)
        result = [
            Pair(o, n, b[n].type, how, float(score), _versions_confidence(a[o], b[n], how))
            for o, (n, how, score) in sorted(pairs.items())
        ]
    paired_new = {p.new_id for p in result}
    return Matching(
        result,
        sorted(set(a) - {p.old_id for p in result}),
        sorted(set(b) - paired_new),
        a,
        b,
        lineage=lineage,
        possible=possible,
        notes=notes,
    )


def _versions_confidence(o: _Item, n: _Item, how: str) -> str:
    """Between versions of one model: an id pair, or a pair of the same label and type, is certain."""
    if how == "id" or (o.type == n.type and o.label is not None and compact_label(o.label) == compact_label(n.label)):
        return "certain"
    return "likely"


class _Similarity:
    """The similarity rounds over what the id round left unpaired."""

    def __init__(self, a: dict[str, _Item], b: dict[str, _Item], id_pairs: IdMap, threshold: float) -> None:
        self.a, self.b, self.threshold = a, b, threshold
        self.fixed = dict(id_pairs)
        self.free_a: dict[str, list[_Item]] = {}  # category -> unpaired old items
        self.free_b: dict[str, list[_Item]] = {}
        for ident, item in a.items():
            if ident not in id_pairs:
                self.free_a.setdefault(item.category, []).append(item)
        taken = set(id_pairs.values())
        for ident, item in b.items():
            if ident not in taken:
                self.free_b.setdefault(item.category, []).append(item)
        self._labels: dict[str, Floats] = {}
        self._label_pairs: dict[tuple[str | None, str | None], float] = {}
        self._static: dict[str, set[tuple[int, int]]] = {}

    def anchor(self, pairs: Found) -> None:
        """In a large category, a label and type found exactly once on each side pair at once (an
        assignment would pair them anyway); the rounds then see only the rest and these anchors."""
        for cat in sorted(self.free_a):
            olds, news = self.free_a[cat], self.free_b.get(cat, [])
            if cat in FLOW_KINDS or len(olds) * len(news) <= DENSE_LIMIT:
                continue
            groups: dict[tuple[str, str], tuple[list[_Item], list[_Item]]] = {}
            for side, items in ((0, olds), (1, news)):
                for item in items:
                    if item.label is not None:
                        groups.setdefault((compact_label(item.label), item.type), ([], []))[side].append(item)
            anchored_a: set[str] = set()
            anchored_b: set[str] = set()
            for left, right in groups.values():
                if len(left) == 1 and len(right) == 1:
                    self.fixed[left[0].id] = right[0].id
                    pairs[left[0].id] = (right[0].id, "similarity", 1.0)
                    anchored_a.add(left[0].id)
                    anchored_b.add(right[0].id)
            self.free_a[cat] = [o for o in olds if o.id not in anchored_a]
            self.free_b[cat] = [n for n in news if n.id not in anchored_b]

    def run(self, pairs: Found) -> None:
        self.anchor(pairs)
        flows = [c for c in self.free_a if c in FLOW_KINDS]
        structural = [c for c in ("process", "participant", "lane") if c in self.free_a]
        nodes = [c for c in sorted(self.free_a) if c not in FLOW_KINDS and c not in structural]
        current: Found = {}
        for _ in range(ROUNDS):
            found: Found = {}
            mapping = {**self.fixed, **{o: n for o, (n, _, _) in current.items()}}
            for cat in structural + nodes:
                if cat not in self.free_b:
                    continue
                found.update(self._assign(cat, mapping))
                # later categories in the same round already see these pairs
                mapping.update({o: n for o, (n, _, _) in found.items()})
            if found == current:
                break
            current = found
        mapping = {**self.fixed, **{o: n for o, (n, _, _) in current.items()}}
        for cat in flows:
            if cat in self.free_b:
                current.update(self._anchor_flows(cat, mapping))
                current.update(self._assign(cat, mapping))
        pairs.update(current)

    def _anchor_flows(self, cat: str, mapping: IdMap) -> Found:
        """In a large category, the one flow between two paired ends pairs with the one flow
        between their partners (what the assignment would choose); the rest are assigned."""
        olds, news = self.free_a[cat], self.free_b[cat]
        if len(olds) * len(news) <= DENSE_LIMIT:
            return {}
        by_ends_a: dict[tuple[str, str], list[_Item]] = {}
        by_ends_b: dict[tuple[str | None, str | None], list[_Item]] = {}
        for o in olds:
            if o.source in mapping and o.target in mapping:
                by_ends_a.setdefault((mapping[o.source], mapping[o.target]), []).append(o)
        for n in news:
            by_ends_b.setdefault((n.source, n.target), []).append(n)
        found: Found = {}
        for ends, left in by_ends_a.items():
            right = by_ends_b.get(ends, ())
            if len(left) == 1 and len(right) == 1:
                o, n = left[0], right[0]
                same_label = (o.label is None and n.label is None) or (
                    o.label is not None and n.label is not None and label_similarity(o.label, n.label) == 1.0
                )
                label = 1.0 if same_label else label_similarity(o.label or "", n.label or "")
                score = 0.7 + 0.2 * label + 0.1 * ((o.condition or "") == (n.condition or ""))
                found[o.id] = (n.id, "similarity", round(score, 4))
        taken = {n for n, _, _ in found.values()}
        self.free_a[cat] = [o for o in olds if o.id not in found]
        self.free_b[cat] = [n for n in news if n.id not in taken]
        return found

    def _assign(self, cat: str, mapping: IdMap) -> Found:
        olds, news = self.free_a[cat], self.free_b[cat]
        if not olds or not news:
            return {}
        if cat in FLOW_KINDS:
            score: Scores = self._flow_scores(olds, news, mapping)
        elif cat in ("process", "participant"):
            score = self._pool_scores(olds, news, mapping)
        elif cat == "lane":
            score = self._lane_scores(olds, news, mapping)
        else:
            score = self._node_scores(cat, olds, news, mapping)
        found: Found = {}
        for r, c, value in best_assignment(score, self.threshold):
            found[olds[r].id] = (news[c].id, "similarity", round(float(value), 4))
        return found

    # --- candidates ---------------------------------------------------------------------------
    def _pairs(self, cat: str, olds: list[_Item], news: list[_Item], mapping: IdMap) -> tuple[Ints, Ints, bool]:
        """(rows, cols, dense): the candidate pairs of a category as index arrays."""
        import numpy as np  # imported late: `procex diff` of id-equal models never needs it

        if len(olds) * len(news) <= DENSE_LIMIT:
            rows, cols = np.indices((len(olds), len(news)))
            return rows.ravel(), cols.ravel(), True
        static = self._static.get(cat)
        if static is None:
            static = self._static[cat] = _static_candidates(olds, news)
        found = set(static)
        col_of = {n.id: j for j, n in enumerate(news)}
        for i, o in enumerate(olds):
            for neighbour in o.neighbours:
                partner = mapping.get(neighbour)
                if partner is None:
                    continue
                for around in self.b[partner].neighbours:
                    j = col_of.get(around)
                    if j is not None:
                        found.add((i, j))
        ordered = sorted(found)
        rows = np.fromiter((p[0] for p in ordered), dtype=np.int64, count=len(ordered))
        cols = np.fromiter((p[1] for p in ordered), dtype=np.int64, count=len(ordered))
        return rows, cols, False

    # --- evidence ----------------------------------------------------------------------------
    def _pair_labels(
        self, cat: str, olds: list[_Item], news: list[_Item], rows: Ints, cols: Ints, dense: bool
    ) -> Floats:
        """Label similarity of each candidate pair (as label_matrix would give it)."""
        import numpy as np  # imported late: `procex diff` of id-equal models never needs it

        if dense:
            matrix = self._labels.get(cat)
            if matrix is None:
                matrix = self._labels[cat] = label_matrix([o.label for o in olds], [n.label for n in news])
            return matrix[rows, cols]
        cache = self._label_pairs
        out = np.empty(len(rows))
        for k, (i, j) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True)):
            left, right = olds[i].label, news[j].label
            value = cache.get((left, right))
            if value is None:
                if left is None or right is None:
                    value = 0.5 if left is None and right is None else 0.2
                else:
                    value = label_similarity(left, right)
                cache[(left, right)] = value
            out[k] = value
        return out

    def _key(self, ident: str | None, side_items: dict[str, _Item], mapping: IdMap, reverse: set[str]) -> str | None:
        """A comparable token for a referenced element: its new id when paired, else its name."""
        if ident is None:
            return None
        if side_items is self.a:
            if ident in mapping:
                return mapping[ident]
        elif ident in reverse:
            return ident
        item = side_items.get(ident)
        if item is None:
            return "?" + ident
        return "name:" + normalize_label(item.label or "")

    def _keys(self, idents: list[str | None], side: str, mapping: IdMap, reverse: set[str]) -> list[str | None]:
        items = self.a if side == "a" else self.b
        return [self._key(i, items, mapping, reverse) for i in idents]

    @staticmethod
    def _codes(left: Sequence[Hashable | None], right: Sequence[Hashable | None]) -> tuple[Ints, Ints]:
        """Integer codes of two value lists (-1 for None): equal values share a code."""
        import numpy as np  # imported late: `procex diff` of id-equal models never needs it

        codes: dict[Hashable, int] = {}
        ca = np.array([-1 if v is None else codes.setdefault(v, len(codes)) for v in left], dtype=np.int64)
        cb = np.array([-1 if v is None else codes.setdefault(v, len(codes)) for v in right], dtype=np.int64)
        return ca, cb

    def _equal_pairs(
        self, left: Sequence[Hashable | None], right: Sequence[Hashable | None], rows: Ints, cols: Ints
    ) -> Floats:
        """left[i] == right[j] for each candidate pair (None never equals)."""
        ca, cb = self._codes(left, right)
        x, y = ca[rows], cb[cols]
        equal: Floats = ((x == y) & (x >= 0)).astype(float)
        return equal

    @staticmethod
    def _equal(left: Sequence[Hashable | None], right: Sequence[Hashable | None]) -> Floats:
        """Matrix of left[i] == right[j] (None never equals); for the few processes, pools, lanes."""
        ca, cb = _Similarity._codes(left, right)
        equal: Floats = ((ca[:, None] == cb[None, :]) & (ca[:, None] >= 0)).astype(float)
        return equal

    @staticmethod
    def _neighbour_dice(
        olds: list[_Item], news: list[_Item], mapping: IdMap, reverse: set[str], rows: Ints, cols: Ints
    ) -> tuple[Floats, NDArray[np.bool_]]:
        """Dice overlap of paired neighbours for each candidate pair, and where it applies."""
        import numpy as np  # imported late: `procex diff` of id-equal models never needs it

        sets_a = [{mapping[n] for n in o.neighbours if n in mapping} for o in olds]
        sets_b = [{m for m in n.neighbours if m in reverse} for n in news]
        dice = np.zeros(len(rows))
        mask = np.zeros(len(rows), dtype=bool)
        for k, (i, j) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True)):
            sa, sb = sets_a[i], sets_b[j]
            total = len(sa) + len(sb)
            if total:
                mask[k] = True
                dice[k] = 2 * len(sa & sb) / total
        return dice, mask

    def _node_scores(self, cat: str, olds: list[_Item], news: list[_Item], mapping: IdMap) -> tuple[Ints, Ints, Floats]:
        """(rows, cols, scores) of the candidate pairs of flow nodes, data and annotations."""
        import numpy as np  # imported late: `procex diff` of id-equal models never needs it

        rows, cols, dense = self._pairs(cat, olds, news, mapping)
        reverse = set(mapping.values())
        num = W_LABEL * self._pair_labels(cat, olds, news, rows, cols, dense)
        den = np.full(num.shape, W_LABEL)
        # type and event definitions
        same_type = self._equal_pairs([o.type for o in olds], [n.type for n in news], rows, cols)
        same_defs = self._equal_pairs([o.defs for o in olds], [n.defs for n in news], rows, cols)
        num += W_TYPE * (0.4 + 0.3 * same_type + 0.3 * same_defs)
        den += W_TYPE
        # neighbours
        dice, mask = self._neighbour_dice(olds, news, mapping, reverse, rows, cols)
        num += W_NEIGHBOURS * dice * mask
        den += W_NEIGHBOURS * mask
        # lane and container
        lane_a = self._keys([o.lane for o in olds], "a", mapping, reverse)
        lane_b = self._keys([n.lane for n in news], "b", mapping, reverse)
        laneless_a = np.array([o.lane is None for o in olds], dtype=bool)
        laneless_b = np.array([n.lane is None for n in news], dtype=bool)
        both_laneless = laneless_a[rows] & laneless_b[cols]
        num += W_LANE * np.maximum(self._equal_pairs(lane_a, lane_b, rows, cols), both_laneless)
        den += W_LANE
        cont_a = self._keys([o.container for o in olds], "a", mapping, reverse)
        cont_b = self._keys([n.container for n in news], "b", mapping, reverse)
        num += W_CONTAINER * self._equal_pairs(cont_a, cont_b, rows, cols)
        den += W_CONTAINER
        # position of the shapes
        has_a = np.array([o.center is not None for o in olds])
        has_b = np.array([n.center is not None for n in news])
        if has_a.any() and has_b.any():
            ca = np.array([o.center or (0.0, 0.0) for o in olds])
            cb = np.array([n.center or (0.0, 0.0) for n in news])
            dist = np.sqrt(((ca[rows] - cb[cols]) ** 2).sum(-1))
            pmask = has_a[rows] & has_b[cols]
            num += W_POSITION * np.clip(1 - dist / POSITION_SCALE, 0, 1) * pmask
            den += W_POSITION * pmask
        return rows, cols, num / den

    def _pool_scores(self, olds: list[_Item], news: list[_Item], mapping: IdMap) -> Floats:
        import numpy as np  # imported late: `procex diff` of id-equal models never needs it

        reverse = set(mapping.values())
        label = self._label_matrix(olds[0].category, olds, news)
        if olds[0].category == "participant":
            proc = self._equal(
                self._keys([o.parent for o in olds], "a", mapping, reverse),
                self._keys([n.parent for n in news], "b", mapping, reverse),
            )
            return 0.5 * label + 0.5 * proc
        # processes: of their paired content, the share that is paired into each other (one pass
        # per side). Only paired elements count: what one version added or left out, and the
        # flows not yet paired, say nothing about which process is which.
        row_of = {o.id: i for i, o in enumerate(olds)}
        col_of = {n.id: j for j, n in enumerate(news)}
        content_a: list[set[str]] = [set() for _ in olds]
        content_b: list[set[str]] = [set() for _ in news]
        for ident, item in self.a.items():
            if item.container in row_of and ident in mapping:
                content_a[row_of[item.container]].add(mapping[ident])
        for ident, item in self.b.items():
            if item.container in col_of and ident in reverse:
                content_b[col_of[item.container]].add(ident)
        # a pool already paired vouches for its process
        pools_a = {it.parent: mapping[i] for i, it in self.a.items() if it.type == "participant" and i in mapping}
        pools_b = {i: it.parent for i, it in self.b.items() if it.type == "participant"}
        content = np.zeros((len(olds), len(news)))
        for i, ca in enumerate(content_a):
            for j, cb in enumerate(content_b):
                if ca or cb:
                    content[i, j] = 2 * len(ca & cb) / (len(ca) + len(cb))
                pool = pools_a.get(olds[i].id)
                if pool is not None and pools_b.get(pool) == news[j].id:
                    content[i, j] = max(content[i, j], 1.0)
        return 0.4 * label + 0.6 * content

    def _label_matrix(self, cat: str, olds: list[_Item], news: list[_Item]) -> Floats:
        matrix = self._labels.get(cat)
        if matrix is None:
            matrix = self._labels[cat] = label_matrix([o.label for o in olds], [n.label for n in news])
        return matrix

    def _lane_scores(self, olds: list[_Item], news: list[_Item], mapping: IdMap) -> Floats:
        import numpy as np  # imported late: `procex diff` of id-equal models never needs it

        reverse = set(mapping.values())
        label = self._label_matrix("lane", olds, news)
        members_a = [{mapping[r] for r in _members(o) if r in mapping} for o in olds]
        members_b = [{r for r in _members(n) if r in reverse} for n in news]
        members = np.zeros((len(olds), len(news)))
        any_members = np.zeros((len(olds), len(news)), dtype=bool)
        for i, ma in enumerate(members_a):
            for j, mb in enumerate(members_b):
                if ma or mb:
                    members[i, j] = 2 * len(ma & mb) / (len(ma) + len(mb))
                    any_members[i, j] = True
        parent = self._equal(
            self._keys([o.parent for o in olds], "a", mapping, reverse),
            self._keys([n.parent for n in news], "b", mapping, reverse),
        )
        num = 0.5 * label + 0.1 * parent + 0.4 * members * any_members
        den = 0.6 + 0.4 * any_members
        return num / den

    def _flow_scores(self, olds: list[_Item], news: list[_Item], mapping: IdMap) -> tuple[Ints, Ints, Floats]:
        """(rows, cols, scores): a flow is a candidate only when one of its ends is paired with the
        other's (with neither, the score stays below 0.35 + 0.2 + 0.1 = 0.65 - 0.35 < THRESHOLD)."""
        import numpy as np  # imported late: `procex diff` of id-equal models never needs it

        reverse = set(mapping.values())
        if len(olds) * len(news) <= DENSE_LIMIT:
            rows, cols = np.indices((len(olds), len(news)))
            rows, cols, dense = rows.ravel(), cols.ravel(), True
        else:
            by_source: dict[str | None, list[int]] = {}
            by_target: dict[str | None, list[int]] = {}
            for j, n in enumerate(news):
                by_source.setdefault(n.source, []).append(j)
                by_target.setdefault(n.target, []).append(j)
            found: set[tuple[int, int]] = set()
            for i, o in enumerate(olds):
                for j in by_source.get(mapping.get(o.source, "\x00old") if o.source is not None else "\x00old", ()):
                    found.add((i, j))
                for j in by_target.get(mapping.get(o.target, "\x00old") if o.target is not None else "\x00old", ()):
                    found.add((i, j))
            ordered = sorted(found)
            rows = np.array([p[0] for p in ordered], dtype=np.int64)
            cols = np.array([p[1] for p in ordered], dtype=np.int64)
            dense = False
        src = self._equal_pairs(
            [mapping.get(o.source) if o.source is not None else None for o in olds],
            [n.source if n.source in reverse else None for n in news],
            rows,
            cols,
        )
        tgt = self._equal_pairs(
            [mapping.get(o.target) if o.target is not None else None for o in olds],
            [n.target if n.target in reverse else None for n in news],
            rows,
            cols,
        )
        label = self._pair_labels(olds[0].category, olds, news, rows, cols, dense)
        unnamed = np.array([o.label is None for o in olds])[rows] & np.array([n.label is None for n in news])[cols]
        label = np.where(unnamed, 1.0, label)  # two unnamed flows agree on their name
        cond = self._equal_pairs([o.condition or "" for o in olds], [n.condition or "" for n in news], rows, cols)
        return rows, cols, 0.35 * src + 0.35 * tgt + 0.2 * label + 0.1 * cond


def _static_candidates(olds: list[_Item], news: list[_Item]) -> set[tuple[int, int]]:
    """Candidate pairs that do not depend on the pairing so far: the same label (a group of at most
    STEM_POSTINGS), the LABEL_CANDIDATES partners sharing most label stems (stems shared by more
    than STEM_POSTINGS partners only narrow, never widen) and the POSITION_CANDIDATES nearest shapes."""
    import numpy as np  # imported late: `procex diff` of id-equal models never needs it

    found: set[tuple[int, int]] = set()
    same_label: dict[str, list[int]] = {}
    postings: dict[str, list[int]] = {}
    for j, n in enumerate(news):
        if n.label is not None:
            same_label.setdefault(compact_label(n.label), []).append(j)
            for stem in set(label_tokens(n.label)):
                postings.setdefault(stem, []).append(j)
    for i, o in enumerate(olds):
        if o.label is None:
            continue
        group = same_label.get(compact_label(o.label), ())
        if len(group) <= STEM_POSTINGS:
            found.update((i, j) for j in group)
        stems = sorted(set(label_tokens(o.label)), key=lambda s: (len(postings.get(s, ())), s))
        counts: dict[int, int] = {}
        narrow = [s for s in stems if 0 < len(postings.get(s, ())) <= STEM_POSTINGS]
        if narrow:
            for stem in stems:
                for j in postings.get(stem, ()) if stem in narrow else ():
                    counts[j] = counts.get(j, 0) + 1
        elif stems and all(s in postings for s in stems):
            # only frequent stems: the partners that have all of them (capped)
            common = set(postings[stems[0]])
            for stem in stems[1:]:
                common &= set(postings[stem])
            counts = dict.fromkeys(sorted(common)[: 4 * STEM_POSTINGS], len(stems))
        best = sorted(counts, key=lambda j: (-counts[j], j))[:LABEL_CANDIDATES]
        found.update((i, j) for j in best)
    with_a = [i for i, o in enumerate(olds) if o.center is not None]
    with_b = [j for j, n in enumerate(news) if n.center is not None]
    if with_a and with_b:
        from scipy.spatial import cKDTree

        tree = cKDTree(np.array([news[j].center for j in with_b]))
        k = min(POSITION_CANDIDATES, len(with_b))
        dist, idx = tree.query(np.array([olds[i].center for i in with_a]), k=k, distance_upper_bound=POSITION_SCALE)
        dist, idx = dist.reshape(len(with_a), k), idx.reshape(len(with_a), k)
        for row, i in enumerate(with_a):
            for d, j in zip(dist[row], idx[row], strict=True):
                if np.isfinite(d):
                    found.add((i, with_b[int(j)]))
    return found


def best_assignment(score: Scores, threshold: float) -> list[tuple[int, int, float]]:
    """[(row, col, score)] of the optimal one-to-one assignment of the pairs scoring >= threshold.

    ``score`` is a dense matrix or (rows, cols, values) of candidate pairs. Each connected part of
    the candidate graph is solved on its own: a small one by ``scipy.optimize.linear_sum_assignment``,
    a large one by ``scipy.sparse.csgraph.min_weight_full_bipartite_matching`` on the candidate
    graph, extended so that every element may stay unpaired (a dummy partner per element, and a
    dummy-to-dummy edge mirroring each candidate pair): the same optimum, in memory linear in the
    candidate pairs.
    """
    import numpy as np  # imported late: `procex diff` of id-equal models never needs it

    if isinstance(score, tuple):
        rows, cols, values = score
    else:
        rows, cols = np.nonzero(score >= threshold)
        values = score[rows, cols]
    keep = values >= threshold
    rows, cols, values = rows[keep], cols[keep], values[keep]
    if not len(rows):
        return []
    row_ids, r = np.unique(rows, return_inverse=True)
    col_ids, c = np.unique(cols, return_inverse=True)
    n_r, n_c = len(row_ids), len(col_ids)
    if n_r * n_c <= DENSE_LIMIT:
        return [(int(row_ids[i]), int(col_ids[j]), v) for i, j, v in _dense_assignment(r, c, values, n_r, n_c)]
    # independent parts of the candidate graph are solved one by one (most are small)
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(r)), (r, n_r + c)), shape=(n_r + n_c, n_r + n_c))
    _, label = connected_components(graph, directed=False)
    edge_part = label[r]
    order = np.argsort(edge_part, kind="stable")
    bounds = np.flatnonzero(np.diff(edge_part[order])) + 1
    out: list[tuple[int, int, float]] = []
    for chunk in np.split(order, bounds):
        pr, pc, pv = r[chunk], c[chunk], values[chunk]
        rid, rr = np.unique(pr, return_inverse=True)
        cid, cc = np.unique(pc, return_inverse=True)
        if len(rid) * len(cid) <= DENSE_LIMIT:
            solved = _dense_assignment(rr, cc, pv, len(rid), len(cid))
        else:
            solved = _sparse_assignment(rr, cc, pv, len(rid), len(cid))
        out.extend((int(row_ids[rid[i]]), int(col_ids[cid[j]]), v) for i, j, v in solved)
    return sorted(out)


def _dense_assignment(r: Ints, c: Ints, values: Floats, n_r: int, n_c: int) -> list[tuple[int, int, float]]:
    import numpy as np  # imported late: `procex diff` of id-equal models never needs it
    from scipy.optimize import linear_sum_assignment

    gated = np.zeros((n_r, n_c))
    gated[r, c] = values
    picked_r, picked_c = linear_sum_assignment(gated, maximize=True)
    return [(int(i), int(j), float(gated[i, j])) for i, j in zip(picked_r, picked_c, strict=True) if gated[i, j] > 0]


def _sparse_assignment(r: Ints, c: Ints, values: Floats, n_r: int, n_c: int) -> list[tuple[int, int, float]]:
    """The optimum on the candidate graph, extended so that every element may stay unpaired."""
    import numpy as np  # imported late: `procex diff` of id-equal models never needs it
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    base = 2.0  # every edge weighs base (dummy) or base - score (a real pair): all positive
    n = len(r)
    graph = coo_matrix(
        (
            np.concatenate([base - values, np.full(n_r + n_c + n, base)]),
            (
                np.concatenate([r, np.arange(n_r), n_r + np.arange(n_c), n_r + c]),
                np.concatenate([c, n_c + np.arange(n_r), np.arange(n_c), n_c + r]),
            ),
        ),
        shape=(n_r + n_c, n_c + n_r),
    ).tocsr()
    value_of = dict(zip(zip(r.tolist(), c.tolist(), strict=True), values.tolist(), strict=True))
    picked_r, picked_c = min_weight_full_bipartite_matching(graph)
    return [
        (i, j, value_of[(i, j)])
        for i, j in zip(picked_r.tolist(), picked_c.tolist(), strict=True)
        if i < n_r and j < n_c
    ]


ESTIMATE_FLOOR = 0.3  # below this lower bound a pair's label similarity is not computed exactly


def label_matrix(left: Sequence[str | None], right: Sequence[str | None]) -> Floats:
    """Label similarity of every pair (``bpmn.text.label_similarity``); None is no label.

    Both unnamed: 0.5 (no evidence); one unnamed: 0.2. For speed the exact similarity is computed
    only where a cheap lower bound (0.6 x Dice of shared stems + 0.4 x character similarity of the
    compact labels, the two parts of label_similarity without its partial stem credit) reaches
    ESTIMATE_FLOOR or the characters are alike; elsewhere the bound stands in, which changes no
    pairing (such pairs are far below any partner with a similar label).
    """
    import numpy as np  # imported late: `procex diff` of id-equal models never needs it
    from rapidfuzz.distance import Indel
    from rapidfuzz.process import cdist

    la = sorted({x for x in left if x is not None})
    lb = sorted({x for x in right if x is not None})
    exact = np.zeros((len(la), len(lb)))
    if la and lb:
        char = cdist(
            [compact_label(x) for x in la],
            [compact_label(x) for x in lb],
            scorer=Indel.normalized_similarity,
            dtype=np.float64,
        )
        stems: dict[str, int] = {}
        rows_a = [{stems.setdefault(t, len(stems)) for t in label_tokens(x)} for x in la]
        rows_b = [{stems.setdefault(t, len(stems)) for t in label_tokens(x)} for x in lb]
        stems_a = np.zeros((len(la), max(len(stems), 1)))
        stems_b = np.zeros((len(lb), max(len(stems), 1)))
        for i, row in enumerate(rows_a):
            stems_a[i, list(row)] = 1.0
        for j, row in enumerate(rows_b):
            stems_b[j, list(row)] = 1.0
        size = stems_a.sum(1)[:, None] + stems_b.sum(1)[None, :]
        dice = np.divide(2 * (stems_a @ stems_b.T), size, out=np.zeros_like(char), where=size > 0)
        exact = np.minimum(0.99, 0.6 * dice + 0.4 * char)
        for i, j in zip(*np.nonzero((exact >= ESTIMATE_FLOOR) | (char >= 0.5)), strict=True):
            exact[i, j] = label_similarity(la[i], lb[j])
    ia = {x: i for i, x in enumerate(la)}
    ib = {x: j for j, x in enumerate(lb)}
    rows = np.array([ia.get(x, -1) if x is not None else -1 for x in left])
    cols = np.array([ib.get(x, -1) if x is not None else -1 for x in right])
    out = exact[np.ix_(np.maximum(rows, 0), np.maximum(cols, 0))] if la and lb else np.zeros((len(left), len(right)))
    none_a = (rows < 0)[:, None]
    none_b = (cols < 0)[None, :]
    out = np.where(none_a & none_b, 0.5, np.where(none_a | none_b, 0.2, out))
    return out


def _members(lane_item: _Item) -> list[str]:
    return [(r.text or "").strip() for r in lane_item.el.iterfind(_B + "flowNodeRef")]
