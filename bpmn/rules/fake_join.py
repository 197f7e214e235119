"""Join flows with a gateway, not by pointing several flows at one activity.

Why: an activity with two or more incoming sequence flows runs once per arriving token; it does
not wait for the others. Modellers usually mean a join, which needs a gateway.
How to fix: merge the flows with a gateway (parallel to wait for all, exclusive to pass each
through) in front of the activity.
"""
from ._util import describe, finding

ID = "fake-join"
PRESET = "recommended"
SEVERITY = "warn"


def check(model):
    for node in model.flow_nodes:
        if node.category == "activity" and len(node.incoming) > 1:
            yield finding(ID, node, f"{describe(node)} has {len(node.incoming)} incoming sequence flows and runs "
                                    "once for each; join them with a gateway in front of it")
