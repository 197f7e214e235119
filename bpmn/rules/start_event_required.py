"""Every process and sub-process needs a start event.

Why: without a start event a reader cannot tell where the process begins; BPMN then starts every
element without incoming flow at once (an implicit start), which is rarely what was meant.
Ad-hoc sub-processes are exempt (they must not have start events).
How to fix: add a (blank) start event and connect it to the first step.
"""
from ._util import containers, describe_container, finding, flow_nodes_in

ID = "start-event-required"
PRESET = "recommended"
SEVERITY = "error"


def check(model):
    for container in containers(model):
        if container.type == "adHocSubProcess":
            continue
        nodes = flow_nodes_in(container)
        if nodes and not any(n.type == "startEvent" for n in nodes):
            yield finding(ID, container, f"{describe_container(container)} has no start event; "
                                         "add a start event where it begins")
