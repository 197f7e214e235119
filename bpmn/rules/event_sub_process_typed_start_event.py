"""The start event of an event sub-process must have a trigger.

Why: BPMN 2.0 (10.2.5) starts an event sub-process only by its start event's trigger (message,
timer, error, signal, ...); a blank start event would never fire.
How to fix: give the start event the trigger the event sub-process reacts to.
"""
from ._util import describe, event_definition_kinds, finding, flow_nodes_in, is_true

ID = "event-sub-process-typed-start-event"
PRESET = "correctness"
SEVERITY = "error"


def check(model):
    for sub in model.of_kind("subProcess", "adHocSubProcess", "transaction"):
        if not is_true(sub, "triggeredByEvent"):
            continue
        for node in flow_nodes_in(sub):
            if node.type == "startEvent" and not event_definition_kinds(node):
                yield finding(ID, node, f"{describe(node)} starts event sub-process {describe(sub, kind=False)} but "
                                        "has no trigger; give it the message, timer, error or signal it reacts to")
