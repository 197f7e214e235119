"""Flows out of a splitting exclusive, inclusive or complex gateway need conditions.

Why: after a decision every outgoing sequence flow except the default one must say when it is
taken; without a condition the split cannot be carried out and readers must guess. The same
holds for an activity or event where some outgoing flows are conditional: then all must be
(or be the default).
How to fix: give each such flow a condition (conditionExpression) and name it ("ja", "nein"),
or mark one flow as the default.
"""
from ._util import describe, finding, is_conditional, is_default

ID = "conditional-flows"
PRESET = "recommended"
SEVERITY = "error"
_DECIDING = ("exclusiveGateway", "inclusiveGateway", "complexGateway")


def check(model):
    for node in model.flow_nodes:
        outgoing = node.outgoing
        if len(outgoing) < 2:
            continue
        if node.type in _DECIDING:
            need = True
        elif node.category != "gateway":
            need = any(is_conditional(f) for f in outgoing)
        else:
            need = False
        if not need:
            continue
        for flow in outgoing:
            if not is_conditional(flow) and not is_default(flow):
                yield finding(ID, flow, f"sequence flow {describe(flow, kind=False)} out of {describe(node)} has "
                                        "no condition; add a condition or make it the default flow")
