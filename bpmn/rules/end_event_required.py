"""Every process and sub-process needs an end event.

Why: an end event shows where and with which result the process is done; without one the reader
has to guess which step is the last (an implicit end).
Ad-hoc sub-processes are exempt (they must not have end events).
How to fix: add an end event after the last step, named after the result ("Bescheid versandt").
"""
from ._util import containers, describe_container, finding, flow_nodes_in

ID = "end-event-required"
PRESET = "recommended"
SEVERITY = "error"


def check(model):
    for container in containers(model):
        if container.type == "adHocSubProcess":
            continue
        nodes = flow_nodes_in(container)
        if nodes and not any(n.type == "endEvent" for n in nodes):
            yield finding(ID, container, f"{describe_container(container)} has no end event; "
                                         "add an end event after the last step")
