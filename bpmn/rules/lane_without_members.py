"""A lane holds at least one flow node.

Why: lanes are how a model says who does what (office, role, IT system); an empty lane is a role
with no work in it, often left over when steps were moved, and it misleads whoever adapts the
model to their own offices. Lanes that only hold child lanes are not checked themselves.
How to fix: move the steps of that role into the lane (flowNodeRef), or delete the lane.
"""
from ._util import describe, finding

ID = "lane-without-members"
PRESET = "recommended"
SEVERITY = "warn"


def check(model):
    for lane in model.lanes:
        if lane.child_lanes:
            continue
        if not any(ref for ref in lane.flow_node_refs):
            yield finding(ID, lane, f"{describe(lane)} holds no activity, event or gateway; move the role's "
                                    "steps into it or delete it")
