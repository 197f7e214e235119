"""Precision-first pairing of two models made apart (``--match independent``).

Two towns modelling one service agree on some steps and word them differently; a wrong pairing
reads as "renamed" and misleads the reviewer more than a missing one. So only strong evidence
pairs, in tiers, each over what the tiers before left:

1. **certain**: the same label after normalisation (case, umlauts, hyphens, line breaks), within
   one family (activities, events, gateways, data, annotations, lanes, pools);
2. **likely**: the same content stems (``bpmn.text.content_stems``: compounds split, inflection
   and nominalisation folded, light verbs left out): "Antrag prüfen" = "Prüfung des Antrags" =
   "Antragsprüfung";
3. **likely**: a catch event and a task that receive the same thing
   (``bpmn.text.received_thing``): "Unterlagen eingegangen" = "Unterlagen entgegennehmen";
4. **likely**: the one start event of each model (and the one end event), when their event
   definitions agree; the one process (and the one pool) of each model;
5. **likely**: lanes by the paired flow nodes they hold and the distinctive words of their names
   (``bpmn.match_lanes``: "Bürgerbüro" = "Servicecenter" when they take in the same steps);
6. flows whose both ends are paired, at the weaker confidence of their ends.

When a tier offers several partners of the same label, position in the flow breaks the tie
(paired neighbours, then rank along the flow); it never creates a pair by itself. Everything else
is at most a **possible** counterpart: label similarity (or, for unnamed gateways and events,
paired neighbours) of at least ``POSSIBLE_FLOOR``, one partner each, listed apart and never
reported as a change.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable

from procex.bpmn import kinds
from procex.bpmn.match import FLOW_KINDS, Pair, _Item, best_assignment
from procex.bpmn.match_lanes import pair_lanes, possible_lanes
from procex.bpmn.text import compact_label, content_stems, label_similarity, received_thing

POSSIBLE_FLOOR = 0.5
_CATCH = frozenset({"startEvent", "intermediateCatchEvent", "boundaryEvent"})
_RANK = {"certain": 2, "likely": 1}
Items = dict[str, _Item]
# which items a step looks at: called with one _Item (lambdas bind loop variables as defaults)
Test = Callable[..., object]


def family(item: _Item) -> str:
    """Which elements may stand for each other across two independent models."""
    if item.type in kinds.DATA_ELEMENTS or item.type == "dataStore":
        return "data"
    if item.category == "event":
        # a start event is no end event, whatever their labels say ("Hund angemeldet")
        return "event:" + {"startEvent": "start", "endEvent": "end"}.get(item.type, "intermediate")
    return item.category  # activity, gateway, lane, participant, process, textAnnotation, flows


def match_independent(a: Items, b: Items) -> tuple[list[Pair], list[Pair]]:
    """(pairs, possible): certain and likely Pairs, and possible counterparts, of items a and b."""
    state = _State(a, b)
    labelled: tuple[str, ...] = (
        "activity",
        "event:start",
        "event:intermediate",
        "event:end",
        "gateway",
        "data",
        "textAnnotation",
    )
    labelled += ("lane", "participant")
    for fam in labelled:
        state.tier(fam, lambda it: compact_label(it.label) if it.label else None, "certain")
    for fam in labelled:
        if fam not in ("textAnnotation", "lane"):  # lanes: by members and name, below
            state.tier(fam, lambda it: content_stems(it.label) or None if it.label else None, "likely")
    state.receiving()
    for kind in ("startEvent", "endEvent"):
        state.single(lambda it, kind=kind: it.type == kind and state.top_level(it), "likely", defs=True)
    state.single(lambda it: it.type == "process", "likely")
    state.single(lambda it: it.type == "participant", "likely")
    pair_lanes(state)
    state.flows()
    return state.result(), state.possible()


class _State:
    def __init__(self, a: Items, b: Items) -> None:
        self.a, self.b = a, b
        self.pairs: dict[str, tuple[str, float, str]] = {}  # old id -> (new id, score, confidence)
        self.taken: set[str] = set()

    def free(self, items: Items, side_taken: Collection[str], test: Test) -> list[_Item]:
        return [it for it in items.values() if it.id not in side_taken and test(it)]

    def add(self, o: _Item, n: _Item, confidence: str) -> None:
        score = 1.0 if confidence == "certain" else (label_similarity(o.label, n.label) if o.label and n.label else 0.0)
        self.pairs[o.id] = (n.id, score, confidence)
        self.taken.add(n.id)

    def top_level(self, item: _Item) -> bool:
        items = self.a if item.id in self.a and self.a[item.id] is item else self.b
        container = items.get(item.container) if item.container is not None else None
        return container is not None and container.type == "process"

    # --- tiers ----------------------------------------------------------------------------------
    def tier(self, fam: str, key: Callable[[_Item], Hashable | None], confidence: str) -> None:
        olds = self.free(self.a, self.pairs, lambda it: family(it) == fam)
        news = self.free(self.b, self.taken, lambda it: family(it) == fam)
        groups: dict[Hashable, tuple[list[_Item], list[_Item]]] = {}
        for side, items in ((0, olds), (1, news)):
            for it in items:
                k = key(it)
                if k:
                    groups.setdefault(k, ([], []))[side].append(it)
        for k in sorted(groups, key=repr):
            left, right = groups[k]
            if left and right:
                self.pair_group(left, right, confidence)

    def pair_group(self, left: list[_Item], right: list[_Item], confidence: str) -> None:
        """Pair a group of equally labelled elements; several: position in the flow decides."""
        if len(left) == 1 and len(right) == 1:
            self.add(left[0], right[0], confidence)
            return
        import numpy as np  # imported late: most models have no repeated labels

        score = np.zeros((len(left), len(right)))
        rank_a, rank_b = self.ranks(self.a), self.ranks(self.b)
        for i, o in enumerate(left):
            mapped = {self.pairs[x][0] for x in o.neighbours if x in self.pairs}
            for j, n in enumerate(right):
                around = set(n.neighbours)
                dice = 2 * len(mapped & around) / (len(mapped) + len(around)) if mapped or around else 0.0
                order = 1.0 - abs(rank_a.get(o.id, 0.5) - rank_b.get(n.id, 0.5))
                score[i, j] = 1.0 + dice + 0.1 * order  # any pair of the group beats none
        for i, j, _ in best_assignment(score, 0.5):
            self.add(left[i], right[j], confidence)

    def ranks(self, items: Items) -> dict[str, float]:
        """Relative position of each flow node along the flow (0 at the start, 1 at the end)."""
        cache: dict[int, dict[str, float]] = self.__dict__.setdefault("_ranks", {})
        if id(items) in cache:
            return cache[id(items)]
        succ: dict[str, list[str]] = {}
        indegree: dict[str, int] = {}
        for it in items.values():
            if it.type == "sequenceFlow" and it.source and it.target:
                succ.setdefault(it.source, []).append(it.target)
                indegree[it.target] = indegree.get(it.target, 0) + 1
        starts = sorted(i for i, it in items.items() if it.category == "event" and not indegree.get(i))
        depth = {s: 0 for s in starts}
        queue = list(starts)
        while queue:  # breadth-first: the first visit is the shortest distance, loops end
            current = queue.pop(0)
            for nxt in succ.get(current, ()):
                if nxt not in depth:
                    depth[nxt] = depth[current] + 1
                    queue.append(nxt)
        top = max(depth.values(), default=0) or 1
        cache[id(items)] = {i: d / top for i, d in depth.items()}
        return cache[id(items)]

    def receiving(self) -> None:
        """A catch event pairs with a task that receives the same thing (likely)."""
        olds = self.free(self.a, self.pairs, lambda it: it.label and it.category in ("event", "activity"))
        news = self.free(self.b, self.taken, lambda it: it.label and it.category in ("event", "activity"))
        for o in olds:
            if o.id in self.pairs:
                continue
            candidates = [n for n in news if n.id not in self.taken and _receive_pair(o, n)]
            if len(candidates) == 1:
                self.add(o, candidates[0], "likely")
            elif candidates:
                self.pair_group([o], candidates, "likely")

    def single(self, test: Test, confidence: str, defs: bool = False) -> None:
        """The one element passing ``test`` on each side (and still free) pairs."""
        left = [it for it in self.a.values() if test(it)]
        right = [it for it in self.b.values() if test(it)]
        if len(left) != 1 or len(right) != 1:
            return
        o, n = left[0], right[0]
        if o.id in self.pairs or n.id in self.taken or (defs and o.defs != n.defs):
            return
        self.add(o, n, confidence)

    def flows(self) -> None:
        """Flows whose both ends are paired pair with the flow between the partners."""
        by_ends: dict[tuple[str, str | None, str | None], list[_Item]] = {}
        for n in self.b.values():
            if n.type in FLOW_KINDS:
                by_ends.setdefault((n.category, n.source, n.target), []).append(n)
        for o in sorted((it for it in self.a.values() if it.type in FLOW_KINDS), key=lambda it: it.id):
            source = self.pairs.get(o.source) if o.source is not None else None
            target = self.pairs.get(o.target) if o.target is not None else None
            if source is None or target is None:
                continue
            options = [n for n in by_ends.get((o.category, source[0], target[0]), ()) if n.id not in self.taken]
            if len(options) > 1:
                same = [n for n in options if compact_label(n.label or "") == compact_label(o.label or "")]
                options = same or options
            if not options:
                continue
            weaker = min((source[2], target[2]), key=lambda confidence: _RANK[confidence])
            self.pairs[o.id] = (options[0].id, 1.0 if weaker == "certain" else 0.9, weaker)
            self.taken.add(options[0].id)

    # --- results --------------------------------------------------------------------------------
    def result(self) -> list[Pair]:
        return [
            Pair(o, n, self.b[n].type, "similarity", float(score), confidence)
            for o, (n, score, confidence) in sorted(self.pairs.items())
        ]

    def possible(self) -> list[Pair]:
        """One possible counterpart per unpaired element (label similarity, or paired neighbours
        for unnamed ones), by one optimal assignment per family; never a pair the diff reports."""
        from procex.bpmn.match import _static_candidates

        out = possible_lanes(self, POSSIBLE_FLOOR)
        for fam in ("activity", "event:start", "event:intermediate", "event:end", "gateway", "data"):
            olds = self.free(self.a, self.pairs, lambda it, fam=fam: family(it) == fam)
            news = self.free(self.b, self.taken, lambda it, fam=fam: family(it) == fam)
            if not olds or not news:
                continue
            col_of = {n.id: j for j, n in enumerate(news)}
            candidates = set(_static_candidates(olds, news))
            for i, o in enumerate(olds):
                for x in o.neighbours:
                    partner = self.pairs.get(x)
                    if partner is not None:
                        for y in self.b[partner[0]].neighbours:
                            if y in col_of:
                                candidates.add((i, col_of[y]))
            rows: list[int] = []
            cols: list[int] = []
            values: list[float] = []
            for i, j in sorted(candidates):
                value = self.possible_score(olds[i], news[j])
                if value >= POSSIBLE_FLOOR:
                    rows.append(i)
                    cols.append(j)
                    values.append(value)
            if not rows:
                continue
            import numpy as np  # imported late: most diffs have no possible counterparts

            chosen = best_assignment((np.array(rows), np.array(cols), np.array(values)), POSSIBLE_FLOOR)
            for i, j, value in chosen:
                out.append(Pair(olds[i].id, news[j].id, news[j].type, "similarity", round(value, 4), "possible"))
        return sorted(out, key=lambda p: (p.old_id, p.new_id))

    def possible_score(self, o: _Item, n: _Item) -> float:
        mapped = {self.pairs[x][0] for x in o.neighbours if x in self.pairs}
        around = {y for y in n.neighbours if y in self.taken}
        dice = 2 * len(mapped & around) / (len(mapped) + len(around)) if mapped or around else 0.0
        if o.label and n.label:
            return min(0.99, 0.8 * label_similarity(o.label, n.label) + 0.2 * dice)
        if not o.label and not n.label:
            return 0.9 * dice
        return 0.0


def _receive_pair(x: _Item, y: _Item) -> bool:
    """A catch event and a task (either side) that receive the same thing."""
    if x.category == y.category:
        return False
    event, task = (x, y) if x.category == "event" else (y, x)
    if event.type not in _CATCH or task.category != "activity":
        return False
    # both carry labels: only labelled elements are offered
    event_label, task_label = event.label or "", task.label or ""
    thing_event = received_thing(event_label)
    thing_task = received_thing(task_label) if task.type != "receiveTask" else content_stems(task_label)
    if not thing_event or not thing_task:
        return False
    if task.type == "receiveTask":
        received = received_thing(task_label)
        if received:
            thing_task = received
    small, large = sorted((thing_event, thing_task), key=len)
    return small <= large and len(large - small) <= 1
