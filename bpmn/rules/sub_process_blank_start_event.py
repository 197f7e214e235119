"""The start event of an embedded sub-process must be blank.

Why: BPMN 2.0 (10.5.2) starts an embedded sub-process when the flow reaches it; its start event
cannot have a trigger (message, timer, ...). A typed start event belongs in an event
sub-process or in the parent process.
How to fix: remove the event definition, or model the trigger as an intermediate event before
the sub-process.
"""
from ._util import describe, event_definition_kinds, finding, flow_nodes_in, is_true

ID = "sub-process-blank-start-event"
PRESET = "correctness"
SEVERITY = "error"


def check(model):
    for sub in model.of_kind("subProcess", "transaction"):
        if is_true(sub, "triggeredByEvent"):
            continue
        for node in flow_nodes_in(sub):
            defs = event_definition_kinds(node)
            if node.type == "startEvent" and defs:
                yield finding(ID, node, f"{describe(node)} in {describe(sub)} has a trigger "
                                        f"({defs[0].replace('EventDefinition', '')}); a sub-process's start event "
                                        "must be blank: remove the trigger or move it before the sub-process")
