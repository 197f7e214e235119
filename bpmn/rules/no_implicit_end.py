"""Every flow node except end events needs an outgoing sequence flow.

Why: a path that stops at an activity or gateway ends silently (an implicit end); the reader
cannot see whether the process is done there or a flow is missing. Exempt: end events, link
throw events, event sub-processes, compensation activities and boundary events, elements of
ad-hoc sub-processes. Elements with no flows at all are reported by no-disconnected instead.
How to fix: connect it to the next step, or add an end event after it.
"""
from ._util import describe, finding, has_definition
from .no_disconnected import exempt

ID = "no-implicit-end"
PRESET = "recommended"
SEVERITY = "error"


def check(model):
    for node in model.flow_nodes:
        if node.type == "endEvent" or exempt(node):
            continue
        if node.type == "intermediateThrowEvent" and has_definition(node, "linkEventDefinition"):
            continue
        if node.outgoing:
            continue
        if node.type == "boundaryEvent" or node.incoming:
            yield finding(ID, node, f"{describe(node)} has no outgoing sequence flow, so the path ends there "
                                    "silently; connect it to the next step or add an end event")
