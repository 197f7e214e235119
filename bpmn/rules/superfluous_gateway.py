"""A gateway with one incoming and one outgoing flow does nothing.

Why: it neither decides nor joins; it only adds a symbol the reader has to interpret.
How to fix: remove the gateway and connect its neighbours directly.
"""
from ._util import describe, finding

ID = "superfluous-gateway"
PRESET = "recommended"
SEVERITY = "warn"


def check(model):
    for node in model.flow_nodes:
        if node.category == "gateway" and len(node.incoming) == 1 and len(node.outgoing) == 1:
            yield finding(ID, node, f"{describe(node)} has only one incoming and one outgoing flow and does "
                                    "nothing; remove it and connect its neighbours directly")
