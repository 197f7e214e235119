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

from dataclasses import dataclass, field

from procex.bpmn import kinds
from procex.bpmn.normalize import label_of
from procex.bpmn.text import compact_label, label_similarity, label_tokens, normalize_label
from procex.bpmn.xml import BPMN_NS, local_name

_B = f"{{{BPMN_NS}}}"
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


def category(kind):
    """Kinds that may be paired with each other share a category (task ~ userTask)."""
    if kind in ("textAnnotation", "group") or kind in FLOW_KINDS or kind in CONTAINER_KINDS:
        return kind
    return kinds.category(kind)


@dataclass(frozen=True)
class Pair:
    """One paired element: ``how`` is "id" or "similarity", ``score`` in 0..1."""

    old_id: str
    new_id: str
    element_type: str
    how: str
    score: float

    def to_dict(self):
        return {
            "old_id": self.old_id,
            "new_id": self.new_id,
            "element_type": self.element_type,
            "match": self.how,
            "score": round(self.score, 3),
        }


@dataclass
class Matching:
    """The correspondence between two models' elements (only MATCHED_KINDS are paired)."""

    pairs: list
    old_only: list = field(default_factory=list)  # ids of old elements without partner
    new_only: list = field(default_factory=list)  # ids of new elements without partner
    old_items: dict = field(default=None, repr=False, compare=False)  # matchable(old), reused by the diff
    new_items: dict = field(default=None, repr=False, compare=False)

    def __post_init__(self):
        self.old_to_new = {p.old_id: p.new_id for p in self.pairs}
        self.new_to_old = {p.new_id: p.old_id for p in self.pairs}
        self._by_old = {p.old_id: p for p in self.pairs}
        self._by_new = {p.new_id: p for p in self.pairs}

    def pair_of_old(self, old_id):
        return self._by_old.get(old_id)

    def pair_of_new(self, new_id):
        return self._by_new.get(new_id)


@dataclass
class _Item:
    id: str
    el: object
    type: str
    category: str
    label: object
    container: object = None  # id of the process/sub-process it stands in
    lane: object = None  # id of the innermost lane listing it
    parent: object = None  # lanes: parent lane or process; participants: process
    neighbours: tuple = ()  # ids of nodes connected by any flow or association
    center: object = None  # centre of its first shape
    defs: tuple = ()  # sorted event definition kinds
    source: object = None  # flows
    target: object = None
    condition: object = None


def matchable(model):
    """{id: _Item} of every element the diff compares, in id order (first of duplicated ids)."""
    items = {}
    lanes_of = {}
    for lane in model._by_kind.get("lane", ()):
        for ref in lane.iterfind(_B + "flowNodeRef"):
            if ref.text and ref.text.strip():
                lanes_of[ref.text.strip()] = lane.get("id")  # document order: innermost last
    neighbours = {}
    duplicated = len(set(model._ids)) != len(model._ids)  # the first in document order wins
    for kind in model._by_kind:
        if kind not in MATCHED_KINDS:
            continue
        for el in model._by_kind[kind]:
            ident = el.get("id")
            if not ident or ident in items or (duplicated and model.element(ident) is not el):
                continue
            if kind != "lane" and kind not in CONTAINER_KINDS and _inside_foreign_or_di(el):
                continue
            item = _Item(ident, el, kind, category(kind), label_of(el))
            if kind in FLOW_KINDS:
                item.source = _ref(el, "sourceRef")
                item.target = _ref(el, "targetRef")
                cond = el.find(_B + "conditionExpression")
                item.condition = " ".join("".join(cond.itertext()).split()) if cond is not None else None
                if item.source and item.target:
                    neighbours.setdefault(item.source, []).append(item.target)
                    neighbours.setdefault(item.target, []).append(item.source)
            elif kind == "lane":
                parent = el.getparent().getparent()
                item.parent = parent.get("id") if parent is not None else None
                if parent is not None and local_name(parent.tag) != "lane":
                    item.parent = _container_id(el)
            elif kind == "participant":
                item.parent = _ref(el, "processRef")
            else:
                item.lane = lanes_of.get(ident)
                if kind == "boundaryEvent" and el.get("attachedToRef"):
                    host = kinds.local_ref(el.get("attachedToRef"))
                    neighbours.setdefault(ident, []).append(host)
                    neighbours.setdefault(host, []).append(ident)
                item.defs = tuple(sorted(local_name(c.tag) for c in el if local_name(c.tag) in kinds.EVENT_DEFINITIONS))
            if kind != "participant" and kind != "process":
                item.container = _container_id(el)
            items[ident] = item
    for ident, item in items.items():
        if item.category not in ("sequenceFlow", "messageFlow", "association", "lane", "participant", "process"):
            item.neighbours = tuple(sorted(set(neighbours.get(ident, ()))))
            shapes = model.shapes_of(ident)
            if shapes and shapes[0].bounds is not None:
                item.center = shapes[0].bounds.center
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


def _ref(el, attr):
    value = el.get(attr)
    return kinds.local_ref(value) if value else None


def _container_id(el):
    parent = el.getparent()
    while parent is not None:
        if local_name(parent.tag) in kinds.CONTAINERS and parent.tag.startswith(_B):
            return parent.get("id")
        parent = parent.getparent()
    return None


def _inside_foreign_or_di(el):
    parent = el.getparent()
    while parent is not None:
        if not parent.tag.startswith(_B):
            return True
        parent = parent.getparent()
    return False


# --- the matcher ----------------------------------------------------------------------------------


def match_models(old, new, mode="auto", threshold=THRESHOLD):
    """Pair the elements of two Models; see the module docstring. ``mode`` is "auto" or "id"."""
    if mode not in ("auto", "id"):
        raise ValueError(f"mode must be 'auto' or 'id', not {mode!r}")
    a, b = matchable(old), matchable(new)
    id_pairs = {}
    for ident, item in a.items():
        other = b.get(ident)
        if other is not None and other.category == item.category:
            id_pairs[ident] = ident
    pairs = {o: (n, "id", 1.0) for o, n in id_pairs.items()}
    if mode == "auto":
        _Similarity(a, b, id_pairs, threshold).run(pairs)
    result = [Pair(o, n, b[n].type, how, float(score)) for o, (n, how, score) in sorted(pairs.items())]
    return Matching(result, sorted(set(a) - set(pairs)), sorted(set(b) - {p.new_id for p in result}), a, b)


class _Similarity:
    """The similarity rounds over what the id round left unpaired."""

    def __init__(self, a, b, id_pairs, threshold):
        self.a, self.b, self.threshold = a, b, threshold
        self.fixed = dict(id_pairs)
        self.free_a = {}
        self.free_b = {}
        for ident, item in a.items():
            if ident not in id_pairs:
                self.free_a.setdefault(item.category, []).append(item)
        taken = set(id_pairs.values())
        for ident, item in b.items():
            if ident not in taken:
                self.free_b.setdefault(item.category, []).append(item)
        self._labels = {}

    def run(self, pairs):
        flows = [c for c in self.free_a if c in FLOW_KINDS]
        structural = [c for c in ("process", "participant", "lane") if c in self.free_a]
        nodes = [c for c in sorted(self.free_a) if c not in FLOW_KINDS and c not in structural]
        current = {}
        for _ in range(ROUNDS):
            found = {}
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
                current.update(self._assign(cat, mapping))
        pairs.update(current)

    def _assign(self, cat, mapping):
        import numpy as np  # imported late: `procex diff` of id-equal models never needs it
        from scipy.optimize import linear_sum_assignment

        olds, news = self.free_a[cat], self.free_b[cat]
        if cat in FLOW_KINDS:
            score = self._flow_scores(olds, news, mapping)
        elif cat in ("process", "participant"):
            score = self._pool_scores(olds, news, mapping)
        elif cat == "lane":
            score = self._lane_scores(olds, news, mapping)
        else:
            score = self._node_scores(cat, olds, news, mapping)
        gated = np.where(score >= self.threshold, score, 0.0)
        rows, cols = linear_sum_assignment(gated, maximize=True)
        found = {}
        for r, c in zip(rows, cols, strict=True):
            if gated[r, c] > 0:
                found[olds[r].id] = (news[c].id, "similarity", round(float(score[r, c]), 4))
        return found

    # --- evidence ----------------------------------------------------------------------------
    def _label_matrix(self, cat, olds, news):
        key = (cat, len(olds), len(news))
        cached = self._labels.get(key)
        if cached is None:
            cached = self._labels[key] = label_matrix([o.label for o in olds], [n.label for n in news])
        return cached

    def _key(self, ident, side_items, mapping, other_items, reverse):
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

    def _keys(self, idents, side, mapping, reverse):
        items = self.a if side == "a" else self.b
        return [self._key(i, items, mapping, None, reverse) for i in idents]

    @staticmethod
    def _equal(left, right):
        """Matrix of left[i] == right[j] (None never equals)."""
        import numpy as np  # imported late: `procex diff` of id-equal models never needs it

        codes = {}
        ca = np.array([-1 if v is None else codes.setdefault(v, len(codes)) for v in left], dtype=np.int64)
        cb = np.array([-1 if v is None else codes.setdefault(v, len(codes)) for v in right], dtype=np.int64)
        return ((ca[:, None] == cb[None, :]) & (ca[:, None] >= 0)).astype(float)

    def _neighbour_matrix(self, olds, news, mapping, reverse):
        """Dice overlap of paired neighbours (matrix), and where it applies (mask)."""
        import numpy as np  # imported late: `procex diff` of id-equal models never needs it

        col = {}
        rows_a, rows_b = [], []
        for o in olds:
            rows_a.append({mapping[n] for n in o.neighbours if n in mapping})
        for n in news:
            rows_b.append({m for m in n.neighbours if m in reverse})
        for row in rows_a + rows_b:
            for ident in row:
                col.setdefault(ident, len(col))
        if not col:
            return np.zeros((len(olds), len(news))), np.zeros((len(olds), len(news)), dtype=bool)
        neighbours_a = np.zeros((len(olds), len(col)))
        neighbours_b = np.zeros((len(news), len(col)))
        for i, row in enumerate(rows_a):
            neighbours_a[i, [col[x] for x in row]] = 1.0
        for j, row in enumerate(rows_b):
            neighbours_b[j, [col[x] for x in row]] = 1.0
        common = neighbours_a @ neighbours_b.T
        total = neighbours_a.sum(1)[:, None] + neighbours_b.sum(1)[None, :]
        mask = total > 0
        dice = np.divide(2 * common, total, out=np.zeros_like(common), where=mask)
        return dice, mask

    def _node_scores(self, cat, olds, news, mapping):
        import numpy as np  # imported late: `procex diff` of id-equal models never needs it

        reverse = set(mapping.values())
        num = W_LABEL * self._label_matrix(cat, olds, news)
        den = np.full(num.shape, W_LABEL)
        # type and event definitions
        same_type = self._equal([o.type for o in olds], [n.type for n in news])
        same_defs = self._equal([o.defs for o in olds], [n.defs for n in news])
        num += W_TYPE * (0.4 + 0.3 * same_type + 0.3 * same_defs)
        den += W_TYPE
        # neighbours
        dice, mask = self._neighbour_matrix(olds, news, mapping, reverse)
        num += W_NEIGHBOURS * dice * mask
        den += W_NEIGHBOURS * mask
        # lane and container
        lane_a = self._keys([o.lane for o in olds], "a", mapping, reverse)
        lane_b = self._keys([n.lane for n in news], "b", mapping, reverse)
        both_laneless = (
            np.array([o.lane is None for o in olds])[:, None] & np.array([n.lane is None for n in news])[None, :]
        )
        num += W_LANE * np.maximum(self._equal(lane_a, lane_b), both_laneless)
        den += W_LANE
        cont_a = self._keys([o.container for o in olds], "a", mapping, reverse)
        cont_b = self._keys([n.container for n in news], "b", mapping, reverse)
        num += W_CONTAINER * self._equal(cont_a, cont_b)
        den += W_CONTAINER
        # position of the shapes
        has_a = np.array([o.center is not None for o in olds])
        has_b = np.array([n.center is not None for n in news])
        if has_a.any() and has_b.any():
            ca = np.array([o.center or (0.0, 0.0) for o in olds])
            cb = np.array([n.center or (0.0, 0.0) for n in news])
            dist = np.sqrt(((ca[:, None, :] - cb[None, :, :]) ** 2).sum(-1))
            pmask = has_a[:, None] & has_b[None, :]
            num += W_POSITION * np.clip(1 - dist / POSITION_SCALE, 0, 1) * pmask
            den += W_POSITION * pmask
        return num / den

    def _pool_scores(self, olds, news, mapping):
        import numpy as np  # imported late: `procex diff` of id-equal models never needs it

        reverse = set(mapping.values())
        label = self._label_matrix(olds[0].category, olds, news)
        if olds[0].category == "participant":
            proc = self._equal(
                self._keys([o.parent for o in olds], "a", mapping, reverse),
                self._keys([n.parent for n in news], "b", mapping, reverse),
            )
            return 0.5 * label + 0.5 * proc
        # processes: share of their flow nodes already paired into each other
        content_a = [{mapping[i] for i, it in self.a.items() if it.container == o.id and i in mapping} for o in olds]
        content_b = [{i for i, it in self.b.items() if it.container == n.id} for n in news]
        content = np.zeros((len(olds), len(news)))
        for i, ca in enumerate(content_a):
            for j, cb in enumerate(content_b):
                if ca or cb:
                    content[i, j] = 2 * len(ca & cb) / (len(ca) + len(cb))
        return 0.4 * label + 0.6 * content

    def _lane_scores(self, olds, news, mapping):
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

    def _flow_scores(self, olds, news, mapping):
        import numpy as np  # imported late: `procex diff` of id-equal models never needs it

        reverse = set(mapping.values())
        src = self._equal(
            [mapping.get(o.source) for o in olds], [n.source if n.source in reverse else None for n in news]
        )
        tgt = self._equal(
            [mapping.get(o.target) for o in olds], [n.target if n.target in reverse else None for n in news]
        )
        label = self._label_matrix(olds[0].category, olds, news)
        unnamed = (
            np.array([o.label is None for o in olds])[:, None] & np.array([n.label is None for n in news])[None, :]
        )
        label = np.where(unnamed, 1.0, label)  # two unnamed flows agree on their name
        cond = self._equal([o.condition or "" for o in olds], [n.condition or "" for n in news])
        return 0.35 * src + 0.35 * tgt + 0.2 * label + 0.1 * cond


ESTIMATE_FLOOR = 0.3  # below this lower bound a pair's label similarity is not computed exactly


def label_matrix(left, right):
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
        stems = {}
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
    rows = np.array([ia.get(x, -1) for x in left])
    cols = np.array([ib.get(x, -1) for x in right])
    out = exact[np.ix_(np.maximum(rows, 0), np.maximum(cols, 0))] if la and lb else np.zeros((len(left), len(right)))
    none_a = (rows < 0)[:, None]
    none_b = (cols < 0)[None, :]
    out = np.where(none_a & none_b, 0.5, np.where(none_a | none_b, 0.2, out))
    return out


def _members(lane_item):
    return [(r.text or "").strip() for r in lane_item.el.iterfind(_B + "flowNodeRef")]
