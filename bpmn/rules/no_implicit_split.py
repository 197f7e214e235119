"""Split the flow with a gateway, not with several unconditional flows out of an activity or event.

Why: two or more plain sequence flows leaving an activity or event all run in parallel (an
implicit parallel split). Readers often take them for a decision. A gateway says which it is.
How to fix: add a parallel gateway (all branches) or an exclusive gateway (one branch) after the
element, or give the flows conditions.
"""
from ._util import describe, finding, is_conditional, is_default

ID = "no-implicit-split"
PRESET = "recommended"
SEVERITY = "error"


def check(model):
    for node in model.flow_nodes:
        if node.category == "gateway":
            continue
        plain = [f for f in node.outgoing if not is_conditional(f) and not is_default(f)]
        if len(plain) > 1:
            yield finding(ID, node, f"{describe(node)} has {len(plain)} outgoing sequence flows without "
                                    "conditions, which all run at once; split with a gateway instead")
