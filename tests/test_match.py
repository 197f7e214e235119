"""Layered matching: ids first, then one optimal assignment per category on similarity."""

import itertools
from pathlib import Path

import numpy as np
import pytest

from procex.bpmn import edit
from procex.bpmn.match import THRESHOLD, _Similarity, match_models, matchable
from procex.bpmn.model import Model, read_model
from tests.conftest import miwg_reference_files, need_shared
from tests.models import MODEL

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="http://x">
<process id="p" isExecutable="false">"""


def flat(nodes, flows=()):
    """A process of tasks ``[(id, name)]`` and flows ``[(id, source, target)]``, without DI."""
    body = "".join(f'<task id="{i}" name="{n}"/>' for i, n in nodes)
    body += "".join(f'<sequenceFlow id="{i}" sourceRef="{s}" targetRef="{t}"/>' for i, s, t in flows)
    return Model.from_bytes((HEAD + body + "</process></definitions>").encode(), "m.bpmn")


def test_german_labels_pair_across_compounds_and_inflection():
    old = flat([("a", "Antrag prüfen"), ("b", "Gebühr erheben"), ("c", "Bescheid versenden")])
    new = flat([("x", "Bescheid\nversenden"), ("y", "Antragsprüfung"), ("z", "Erhebung der Gebühr")])
    m = match_models(old, new)
    assert {p.old_id: p.new_id for p in m.pairs if p.element_type == "task"} == {"a": "y", "b": "z", "c": "x"}
    assert all(p.how == "similarity" and THRESHOLD <= p.score <= 1 for p in m.pairs if p.element_type == "task")


def test_unrelated_elements_stay_unmatched():
    old = flat([("a", "Antrag prüfen")])
    new = flat([("x", "Hundesteuer festsetzen")])
    m = match_models(old, new)
    assert m.old_only == ["a"] and m.new_only == ["x"]


def test_id_pairs_need_a_compatible_category():
    old = flat([("a", "Antrag prüfen")])
    text = (HEAD + '<exclusiveGateway id="a" name="Antrag prüfen"/></process></definitions>').encode()
    m = match_models(old, Model.from_bytes(text, "g.bpmn"), mode="id")
    assert m.pairs == [] or all(p.old_id != "a" for p in m.pairs)


def test_unnamed_gateways_are_paired_through_their_neighbours():
    """Two unnamed gateways look alike; only their paired neighbours tell them apart."""

    def model(prefix, order):
        nodes = [
            (prefix + "s", "Antrag eingegangen"),
            (prefix + "t1", "Antrag prüfen"),
            (prefix + "t2", "Gebühr erheben"),
            (prefix + "e1", "Ablehnung versenden"),
            (prefix + "e2", "Bescheid versenden"),
        ]
        gws = [f'<exclusiveGateway id="{prefix}g{k}"/>' for k in order]
        flows = [
            (prefix + "f1", prefix + "t1", prefix + "g1"),
            (prefix + "f2", prefix + "g1", prefix + "e1"),
            (prefix + "f3", prefix + "t2", prefix + "g2"),
            (prefix + "f4", prefix + "g2", prefix + "e2"),
        ]
        body = "".join(f'<task id="{i}" name="{n}"/>' for i, n in nodes) + "".join(gws)
        body += "".join(f'<sequenceFlow id="{i}" sourceRef="{s}" targetRef="{t}"/>' for i, s, t in flows)
        return Model.from_bytes((HEAD + body + "</process></definitions>").encode(), prefix)

    m = match_models(model("o", (1, 2)), model("n", (2, 1)))
    assert m.old_to_new["og1"] == "ng1" and m.old_to_new["og2"] == "ng2"
    assert m.old_to_new["of3"] == "nf3"
    assert not m.old_only and not m.new_only


def test_assignment_is_optimal_not_greedy():
    """The chosen pairs reach the best total score (checked by brute force on small random cases)."""
    rng = np.random.default_rng(7)
    for _ in range(30):
        n_old, n_new = int(rng.integers(1, 6)), int(rng.integers(1, 6))
        score = rng.random((n_old, n_new))
        sim = _Similarity.__new__(_Similarity)
        sim.threshold = THRESHOLD
        sim.free_a = {"x": [type("I", (), {"id": f"o{i}"}) for i in range(n_old)]}
        sim.free_b = {"x": [type("I", (), {"id": f"n{j}"}) for j in range(n_new)]}
        sim._node_scores = lambda cat, olds, news, mapping, score=score: score
        found = sim._assign("x", {})
        total = sum(score[int(o[1:]), int(n[1:])] for o, (n, _, _) in found.items())
        gated = np.where(score >= THRESHOLD, score, 0)
        best = 0.0
        if n_old <= n_new:
            for perm in itertools.permutations(range(n_new), n_old):
                best = max(best, sum(gated[i, j] for i, j in enumerate(perm)))
        else:
            for perm in itertools.permutations(range(n_old), n_new):
                best = max(best, sum(gated[i, j] for j, i in enumerate(perm)))
        assert total == pytest.approx(best)
        assert all(score[int(o[1:]), int(n[1:])] >= THRESHOLD for o, (n, _, _) in found.items())


def test_greedy_in_file_order_would_fail_here():
    # "Antrag prüfen" would grab "Antrag genau prüfen" first in file order and leave
    # "Antrag genau prüfen und erfassen" without a good partner; the optimum pairs both well.
    old = flat([("a", "Antrag prüfen"), ("b", "Antrag genau prüfen")])
    new = flat([("y", "Antrag genau prüfen"), ("x", "Antrag prüfen lassen")])
    m = match_models(old, new)
    assert m.old_to_new == {"a": "x", "b": "y", "p": "p"}


def test_matching_is_deterministic_and_independent_of_file_order():
    base = Model.from_bytes(MODEL.encode(), "a.bpmn")
    other = base.copy()
    edit.regenerate_ids(other, seed=3)
    # reverse the order of the process's children in a third copy
    shuffled = other.copy()
    proc = shuffled.processes[0].el
    children = list(proc)
    for child in children:
        proc.remove(child)
    for child in reversed(children):
        proc.append(child)
    shuffled.reindex()
    first = match_models(base, other).pairs
    assert match_models(base, other).pairs == first
    assert [(p.old_id, p.new_id) for p in match_models(base, shuffled).pairs] == [(p.old_id, p.new_id) for p in first]


def test_matchable_covers_lanes_pools_flows_data_and_annotations(shared):
    model = read_model(Path(shared) / "corpora/miwg/reference/A.4.1.bpmn")
    types = {item.type for item in matchable(model).values()}
    assert {"lane", "participant", "process", "sequenceFlow"} <= types


@pytest.mark.parametrize("path", miwg_reference_files() or [None], ids=lambda p: p.name if p else "none")
def test_regenerated_ids_on_miwg_reference_models(path):
    """Every MIWG reference model, all ids regenerated: every element paired right, no change."""
    need_shared()
    if path is None:
        pytest.fail("no MIWG reference models found")
    from procex.bpmn.diff import diff_models

    old = read_model(path)
    new = old.copy()
    mapping = edit.regenerate_ids(new)
    d = diff_models(old, new)
    assert d.changes == []
    assert d.matching.pairs and not d.matching.old_only and not d.matching.new_only
    assert all(p.how == "similarity" and mapping[p.old_id] == p.new_id for p in d.matching.pairs)


def test_process_and_pool_pair_when_a_reexported_version_grew():
    """All ids regenerated and 30 tasks added: still one process, no processRef change (issue 14)."""
    from procex.bpmn.diff import diff_models

    old = read_model(Path(__file__).parent / "fixtures/independent/hundesteuer/a.bpmn")
    new = old.copy()
    process = new.processes[0].id
    for k in range(30):
        edit.add_flow_node(new, process, "task", f"Zusätzlicher Schritt {k}")
    mapping = edit.regenerate_ids(new)
    d = diff_models(old, new, "versions")
    containers = [c for c in d.changes if c.element_type in ("process", "participant", "lane")]
    assert containers == []
    assert d.matching.old_to_new[old.processes[0].id] == mapping[old.processes[0].id]
    assert d.summary["added"] == 30 and d.summary["removed"] == 0
