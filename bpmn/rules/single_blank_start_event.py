"""A process or sub-process has at most one blank start event.

Why: blank (untyped) start events cannot be told apart by their trigger, so with two of them it
is unclear which one starts the process, or whether both do.
How to fix: keep one blank start event and give the others a trigger (message, timer, ...), or
merge them.
"""
from ._util import containers, describe_container, event_definition_kinds, finding, flow_nodes_in

ID = "single-blank-start-event"
PRESET = "recommended"
SEVERITY = "error"


def check(model):
    for container in containers(model):
        blank = [n for n in flow_nodes_in(container)
                 if n.type == "startEvent" and not event_definition_kinds(n)]
        if len(blank) > 1:
            ids = ", ".join(n.id or "?" for n in blank)
            yield finding(ID, container, f"{describe_container(container)} has {len(blank)} blank start events "
                                         f"({ids}); keep one and give the others a trigger")
