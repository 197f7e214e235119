"""Pairing the lanes of two models made apart (``--match independent``), as a reviewer would.

Two towns rarely name their lanes alike: "Bürgerbüro" and "Servicecenter" take in the same steps,
"Sachbearbeitung" and "Sachbearbeiter/in Gewerbeamt" name one role, while "Gewerbeamt" and
"Ordnungsamt" share only the word for an office. So, after the flow nodes are paired
(``bpmn.match_independent``) and for the lanes the equal-label tier left free, three kinds of
evidence count:

- **members**: of the flow nodes each lane lists that are paired, how many have their partner in
  the other lane (Dice: 2 × shared / (paired members of one + paired members of the other));
- **name**: the distinctive words both names share (compounds split and inflection folded by
  ``bpmn.text``; words that only say what kind of unit it is — Amt, Stelle, Büro, Service,
  Sachgebiet, Office … — and the gender ending "/in" left out), or the same content stems;
- **position**: the lane's place among its sibling lanes, top to bottom; it only breaks ties.

A pair is **likely** with at least ``MIN_SHARED`` shared members making up at least
``LIKELY_MEMBERS`` of both lanes, or with a shared distinctive word when the members do not
speak against it (both lanes hold paired members and none of them correspond). The likely
candidates are paired one-to-one by an optimal assignment. Of the rest, a lane sharing one member
or a similar name is at most a **possible** counterpart, listed apart and never reported as a change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from procex.bpmn.match import Pair, _Item, _members, best_assignment
from procex.bpmn.model import shape_bounds
from procex.bpmn.text import content_stems, label_similarity, label_tokens
from procex.bpmn.xml import BPMNDI_NS

if TYPE_CHECKING:
    from procex.bpmn.match_independent import _State
    from procex.bpmn.model import Bounds

MIN_SHARED = 2  # members alone pair two lanes only when at least this many correspond
LIKELY_MEMBERS = 0.6  # ... and they make up this share (Dice) of both lanes' paired members
# Stems (as bpmn.text.label_tokens gives them) of words that say what kind of unit a lane is, not
# which: two towns' "Gewerbeamt" and "Ordnungsamt" have nothing in common but "amt".
_UNIT_STEMS = frozenset(
    """amt stell behoerd buero servic ervic servicecen cent zentrum dienst abteil bereich fachbereich
    fach sach gebi refera team verwalt stadt gemeind krei land schal offic desk departm unit divisio
    section in inne erin""".split()
)


def lane_words(label: str | None) -> frozenset[str]:
    """The distinctive stems of a lane's name: "Sachbearbeiter/in Gewerbeamt" -> {bearbeit, gewerb}."""
    return frozenset(t for t in label_tokens(label or "") if t not in _UNIT_STEMS)


def pair_lanes(state: _State) -> None:
    """Pair the free lanes of ``state`` (a ``match_independent._State``) that the evidence makes
    likely; the pairs go into ``state.pairs`` like the other tiers'."""
    olds = state.free(state.a, state.pairs, lambda it: it.type == "lane")
    news = state.free(state.b, state.taken, lambda it: it.type == "lane")
    if not olds or not news:
        return
    evidence = _Evidence(state)
    rows: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    scores: dict[tuple[int, int], float] = {}
    for i, o in enumerate(olds):
        for j, n in enumerate(news):
            found = evidence.of(o, n)
            if found["likely"]:
                rows.append(i)
                cols.append(j)
                values.append(found["rank"])
                scores[i, j] = found["score"]
    if not rows:
        return
    import numpy as np  # imported late: most models made apart have few lanes

    for i, j, _ in best_assignment((np.array(rows), np.array(cols), np.array(values)), 0.5):
        state.pairs[olds[i].id] = (news[j].id, scores[i, j], "likely")
        state.taken.add(news[j].id)


def possible_lanes(state: _State, floor: float) -> list[Pair]:
    """One possible counterpart per lane still unpaired (shared members or a similar name)."""
    olds = state.free(state.a, state.pairs, lambda it: it.type == "lane")
    news = state.free(state.b, state.taken, lambda it: it.type == "lane")
    if not olds or not news:
        return []
    evidence = _Evidence(state)
    rows: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    for i, o in enumerate(olds):
        for j, n in enumerate(news):
            value = evidence.of(o, n)["possible"]
            if value >= floor:
                rows.append(i)
                cols.append(j)
                values.append(value)
    if not rows:
        return []
    import numpy as np  # imported late: most models made apart have few lanes

    chosen = best_assignment((np.array(rows), np.array(cols), np.array(values)), floor)
    return [Pair(olds[i].id, news[j].id, news[j].type, "similarity", round(v, 4), "possible") for i, j, v in chosen]


class _LaneEvidence(TypedDict):
    """What _Evidence.of finds for two lanes."""

    likely: bool
    rank: float  # the assignment value
    score: float  # the pair's score
    possible: float


class _Evidence:
    """Members, name and position of two lanes, one from each side of ``state``."""

    def __init__(self, state: _State) -> None:
        self.state = state
        self.paired_new = {n for n, _, _ in state.pairs.values()}
        self.order_a, self.order_b = _positions(state.a), _positions(state.b)

    def of(self, o: _Item, n: _Item) -> _LaneEvidence:
        """{"likely": bool, "rank": assignment value, "score": the names' similarity (what the
        reports show as "ähnlich"), "possible": value}."""
        mine = [self.state.pairs[x][0] for x in _members(o) if x in self.state.pairs]
        theirs = [y for y in _members(n) if y in self.paired_new]
        shared = len(set(mine) & set(theirs))
        dice = 2 * shared / (len(mine) + len(theirs)) if mine or theirs else 0.0
        words_o, words_n = lane_words(o.label), lane_words(n.label)
        common = words_o & words_n
        word_dice = 2 * len(common) / (len(words_o) + len(words_n)) if common else 0.0
        stems = content_stems(o.label or "")
        if stems and stems == content_stems(n.label or ""):
            word_dice = 1.0
        against = bool(mine) and bool(theirs) and not shared  # each holds paired steps, none in common
        by_members = shared >= MIN_SHARED and dice >= LIKELY_MEMBERS
        by_name = word_dice > 0 and not against
        similar = label_similarity(o.label, n.label) if o.label and n.label else 0.0
        place = 1.0 - abs(self.order_a.get(o.id, 0.5) - self.order_b.get(n.id, 0.5))
        possible = max(0.8 * similar, 0.45 + 0.45 * dice if shared else 0.0)
        return {
            "likely": by_members or by_name,
            "rank": 1.0 + dice + 0.5 * word_dice + 0.1 * place,
            "score": round(similar, 4),  # as for other likely pairs: how alike the names are
            "possible": 0.0 if against and not common else min(0.99, possible),
        }


def _positions(items: dict[str, _Item]) -> dict[str, float]:
    """{lane id: place among the lanes of its parent, 0 (top or left) to 1}, from the lanes' shapes
    (document order where a lane has none)."""
    lanes = [it for it in items.values() if it.type == "lane"]
    if not lanes:
        return {}
    wanted = {it.id for it in lanes}
    bounds: dict[str, Bounds | None] = {}
    root = lanes[0].el.getroottree().getroot()
    for shape in root.iter(f"{{{BPMNDI_NS}}}BPMNShape"):
        ident = shape.get("bpmnElement")
        if ident in wanted and ident not in bounds:
            bounds[ident] = shape_bounds(shape)
    siblings: dict[str | None, list[tuple[float, str]]] = {}
    for index, it in enumerate(lanes):
        b = bounds.get(it.id)
        # a horizontal lane is wider than high and its siblings stack downwards
        key = (b.y if b.width >= b.height else b.x) if b is not None else float(index)
        siblings.setdefault(it.parent, []).append((key, it.id))
    out: dict[str, float] = {}
    for group in siblings.values():
        group.sort()
        if len(group) == 1:
            out[group[0][1]] = 0.5  # a lone lane is neither at the top nor at the bottom
            continue
        out.update({ident: k / (len(group) - 1) for k, (_, ident) in enumerate(group)})
    return out
