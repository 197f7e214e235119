"""No two sequence flows may connect the same two elements with the same condition.

Why: a duplicated flow sends two tokens along the same path, so the next step runs twice; it is
nearly always a leftover of editing (often drawn on top of the first, invisible).
How to fix: delete one of the two flows.
"""
from ._util import describe, finding

ID = "no-duplicate-sequence-flows"
PRESET = "recommended"
SEVERITY = "error"


def check(model):
    seen = {}
    for flow in model.sequence_flows:
        key = (flow.el.get("sourceRef"), flow.el.get("targetRef"), flow.condition)
        if None in key[:2]:
            continue
        first = seen.setdefault(key, flow)
        if first is not flow:
            yield finding(ID, flow, f"sequence flow {describe(flow, kind=False)} duplicates {describe(first, kind=False)} "
                                    f"from {key[0]} to {key[1]}; delete one of them")
