"""Scoring the matcher against the known-answer set in tests/fixtures/independent (build.py there).

A reported pair counts when it is certain or likely and concerns a flow node, lane, pool or
process (flows follow their ends). It is right when expected.json lists it under ``pairs`` or
``acceptable``. Recall is over ``pairs``. The baseline pairs elements whose normalised labels are
equal and unique on both sides (same category), plus the one process of each model.

Run: .venv/bin/python -m tests.known_answers  (prints the figures per pair and in total)
"""

import json
from pathlib import Path

from procex.bpmn.match import FLOW_KINDS, match_models, matchable
from procex.bpmn.model import read_model
from procex.bpmn.text import normalize_label

FOLDER = Path(__file__).resolve().parent / "fixtures/independent"


def pair_folders():
    return sorted(p for p in FOLDER.iterdir() if (p / "expected.json").is_file())


def baseline(old, new):
    """Plain normalised-label pairing: equal labels, unique on each side, same category."""
    a, b = matchable(old), matchable(new)
    pairs = set()
    index_a, index_b = {}, {}
    for it in a.values():
        if it.label and it.type not in FLOW_KINDS:
            index_a.setdefault((it.category, normalize_label(it.label)), []).append(it.id)
    for it in b.values():
        if it.label and it.type not in FLOW_KINDS:
            index_b.setdefault((it.category, normalize_label(it.label)), []).append(it.id)
    for key, ids in index_a.items():
        if len(ids) == 1 and len(index_b.get(key, ())) == 1:
            pairs.add((ids[0], index_b[key][0]))
    procs_a = [i for i, it in a.items() if it.type == "process"]
    procs_b = [i for i, it in b.items() if it.type == "process"]
    if len(procs_a) == 1 and len(procs_b) == 1:
        pairs.add((procs_a[0], procs_b[0]))
    return pairs


def reported(old, new, mode="auto"):
    """(pairs the diff reports on, the matching) for two models."""
    matching = match_models(old, new, mode)
    pairs = {
        (p.old_id, p.new_id)
        for p in matching.pairs
        if p.confidence in ("certain", "likely") and p.element_type not in FLOW_KINDS
    }
    return pairs, matching


def score(pairs, expected):
    right_set = {tuple(p) for p in expected["pairs"]} | {tuple(p) for p in expected["acceptable"]}
    required = {tuple(p) for p in expected["pairs"]}
    right = len(pairs & right_set)
    found = len(pairs & required)
    return right, len(pairs), found, len(required)


def evaluate(mode="auto", verbose=False):
    """{"matcher": (right, reported, found, required), "baseline": (...), "modes": {pair: mode}}."""
    totals = {"matcher": [0, 0, 0, 0], "baseline": [0, 0, 0, 0]}
    modes, wrong = {}, {}
    for folder in pair_folders():
        expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
        old, new = read_model(folder / "a.bpmn"), read_model(folder / "b.bpmn")
        pairs, matching = reported(old, new, mode)
        modes[folder.name] = matching.mode
        mine, base = score(pairs, expected), score(baseline(old, new), expected)
        right_set = {tuple(p) for p in expected["pairs"]} | {tuple(p) for p in expected["acceptable"]}
        wrong[folder.name] = sorted(
            (matching.old_items[o].label, matching.new_items[n].label) for o, n in pairs - right_set
        )
        for key, figures in (("matcher", mine), ("baseline", base)):
            totals[key] = [t + f for t, f in zip(totals[key], figures, strict=True)]
        if verbose:
            print(
                f"{folder.name:22} mode {matching.mode:11} "
                f"matcher {mine[0]}/{mine[1]} right, {mine[2]}/{mine[3]} found;"
                f" baseline {base[0]}/{base[1]} right, {base[2]}/{base[3]} found"
            )
            for pair in wrong[folder.name]:
                print("    wrong:", pair)
    return {"matcher": tuple(totals["matcher"]), "baseline": tuple(totals["baseline"]), "modes": modes, "wrong": wrong}


def describe(figures):
    right, reported_count, found, required = figures
    return (
        f"precision {right}/{reported_count} = {right / max(reported_count, 1):.1%}, "
        f"recall {found}/{required} = {found / max(required, 1):.1%}"
    )


if __name__ == "__main__":
    result = evaluate(verbose=True)
    print("matcher (auto):", describe(result["matcher"]))
    print("normalised-label baseline:", describe(result["baseline"]))
