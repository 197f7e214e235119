"""Flows out of a splitting exclusive, inclusive or complex gateway need conditions.

Why: after a decision every outgoing sequence flow except the default one must say when it is
taken; without a condition the split cannot be carried out and readers must guess. The same
holds for an activity or event where some outgoing flows are conditional: then all must be
(or be the default). In a process that is not executable (isExecutable is not "true"; most
municipal models document work for people) the flow's label ("ja", "nein", "unvollständig")
is the condition; an executable process needs a conditionExpression.
How to fix: label each such flow with its condition (and, for an executable process, give it a
conditionExpression), or mark one flow as the default.
"""
from ._util import describe, finding, is_conditional, is_default, is_true, label

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
        process = node.process
        executable = process is not None and is_true(process, "isExecutable")
        for flow in outgoing:
            if is_conditional(flow) or is_default(flow) or (not executable and label(flow.el)):
                continue
            what = "no condition expression (the process is executable)" if executable else "no condition"
            yield finding(ID, flow, f"sequence flow {describe(flow, kind=False)} out of {describe(node)} has "
                                    f"{what}; {'add a conditionExpression' if executable else 'label it with its condition'} "
                                    "or make it the default flow")
