"""Flow nodes must be connected by sequence flows.

Why: an activity, event or gateway with neither incoming nor outgoing sequence flow is never
reached and leads nowhere; usually a flow was deleted by mistake or the element is left over.
Exempt: event sub-processes, compensation activities, boundary events of compensation, and
elements of ad-hoc sub-processes (they need no flows). Connections are read from the sequence
flows' sourceRef/targetRef only.
How to fix: connect the element with sequence flows, or remove it.
"""
from ._util import describe, finding, has_definition, in_ad_hoc, is_compensation, is_true

ID = "no-disconnected"
PRESET = "recommended"
SEVERITY = "error"


def exempt(node):
    if node.type == "subProcess" and is_true(node, "triggeredByEvent"):
        return True
    if node.type == "boundaryEvent" and has_definition(node, "compensateEventDefinition"):
        return True
    return is_compensation(node) or in_ad_hoc(node)


def check(model):
    for node in model.flow_nodes:
        if exempt(node):
            continue
        if node.type == "boundaryEvent":
            continue  # a boundary event has no incoming flow; no-implicit-end reports it without outgoing
        if not node.incoming and not node.outgoing:
            yield finding(ID, node, f"{describe(node)} is not connected to any sequence flow; "
                                    "connect it or remove it")
