"""Every flow node except start and boundary events needs an incoming sequence flow.

Why: an element without incoming flow starts on its own when the process starts (an implicit
start); usually a flow is missing. Exempt: start events, boundary events, link catch events,
event sub-processes, compensation activities, elements of ad-hoc sub-processes. Elements with no
flows at all are reported by no-disconnected instead.
How to fix: connect it from the step before, or make it a start event.
"""
from ._util import describe, finding, has_definition
from .no_disconnected import exempt

ID = "no-implicit-start"
PRESET = "recommended"
SEVERITY = "error"


def check(model):
    for node in model.flow_nodes:
        if node.type in ("startEvent", "boundaryEvent") or exempt(node):
            continue
        if node.type == "intermediateCatchEvent" and has_definition(node, "linkEventDefinition"):
            continue
        if not node.incoming and node.outgoing:
            yield finding(ID, node, f"{describe(node)} has no incoming sequence flow, so it starts on its own; "
                                    "connect it from the step before or use a start event")
