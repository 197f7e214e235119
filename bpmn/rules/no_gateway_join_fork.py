"""A gateway either joins or splits, not both.

Why: a gateway with several incoming and several outgoing flows hides two decisions in one
symbol; its behaviour (wait for whom, then go where) is hard to read and easy to get wrong.
How to fix: use two gateways, one that joins and one after it that splits.
"""
from ._util import describe, finding

ID = "no-gateway-join-fork"
PRESET = "recommended"
SEVERITY = "error"


def check(model):
    for node in model.flow_nodes:
        if node.category == "gateway" and len(node.incoming) > 1 and len(node.outgoing) > 1:
            yield finding(ID, node, f"{describe(node)} both joins ({len(node.incoming)} incoming) and splits "
                                    f"({len(node.outgoing)} outgoing); use one gateway to join and another to split")
