"""Are two models versions of one model, or were they made apart?

``decide(a, b, requested)`` looks at the matchable elements (``bpmn.match.matchable``) of both
models and returns the lineage record the diff reports (JSON ``matching``):

- ``mode``: "versions", "independent" or "id" (the mode the matcher used);
- ``requested``: what was asked for ("auto", "versions", "independent", "id");
- ``basis``: why: "requested" (a mode was forced), "ids" (a fair share of the flow nodes keep
  their id), "labels" (a fair share carry an identical label in the same place), "neither" (made
  apart) or "empty" (one side has no flow nodes: nothing to pair, versions by default);
- ``shared_ids``, ``same_place_labels``, ``compared``: the counts behind the decision (flow nodes,
  data and annotations of the smaller model).

A label is "in the same place" when its element's flow neighbours carry a label that also stands
next to the other model's element of that label, when their shapes lie within
``bpmn.match.POSITION_SCALE`` of each other, or when neither has any neighbour. A re-export with
regenerated ids keeps nearly all labels in place; two towns modelling one service rarely agree on
half of their labels and where they stand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from procex.bpmn.text import compact_label

if TYPE_CHECKING:
    from procex.bpmn.match import _Item

SHARED_IDS = 0.3  # share of flow nodes with the same id on both sides: versions
SAME_PLACE_LABELS = 0.5  # share of labelled flow nodes with the same label in the same place: versions


def decide(a: dict[str, _Item], b: dict[str, _Item], requested: str = "auto") -> dict[str, object]:
    """The lineage record for matchable items ``a`` (old) and ``b`` (new); see the module docstring."""
    from procex.bpmn.match import NODE_KINDS, POSITION_SCALE

    nodes_a = [it for it in a.values() if it.type in NODE_KINDS]
    nodes_b = [it for it in b.values() if it.type in NODE_KINDS]
    compared = min(len(nodes_a), len(nodes_b))
    shared = sum(1 for it in nodes_a if it.id in b and b[it.id].category == it.category)
    by_label: dict[str, list[_Item]] = {}
    for it in nodes_b:
        if it.label:
            by_label.setdefault(compact_label(it.label), []).append(it)
    same_place = 0
    for it in nodes_a:
        if not it.label:
            continue
        others = by_label.get(compact_label(it.label), ())
        if any(_same_place(it, other, a, b, POSITION_SCALE) for other in others[:16]):
            same_place += 1
    labelled = min(sum(1 for it in nodes_a if it.label), sum(1 for it in nodes_b if it.label))
    record: dict[str, object] = {
        "mode": requested,
        "requested": requested,
        "basis": "requested",
        "shared_ids": shared,
        "same_place_labels": same_place,
        "compared": compared,
    }
    if requested != "auto":
        return record
    if compared == 0:
        record.update(mode="versions", basis="empty")
    elif shared >= SHARED_IDS * compared:
        record.update(mode="versions", basis="ids")
    elif labelled and same_place >= SAME_PLACE_LABELS * labelled:
        record.update(mode="versions", basis="labels")
    else:
        record.update(mode="independent", basis="neither")
    return record


def _same_place(x: _Item, y: _Item, a: dict[str, _Item], b: dict[str, _Item], scale: float) -> bool:
    if not x.neighbours and not y.neighbours:
        return True
    if x.center is not None and y.center is not None:
        dx, dy = x.center[0] - y.center[0], x.center[1] - y.center[1]
        if dx * dx + dy * dy <= scale * scale:
            return True
    around_x = {_mark(a.get(n)) for n in x.neighbours} - {None}
    around_y = {_mark(b.get(n)) for n in y.neighbours} - {None}
    return bool(around_x & around_y)


def _mark(item: _Item | None) -> str | None:
    if item is None:
        return None
    return compact_label(item.label) if item.label else "~" + item.type
