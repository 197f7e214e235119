"""An event has at most one event definition.

Why: an event with several definitions (a "multiple" event) is triggered by any one of them, or
by all of them when parallelMultiple is set; few readers and fewer tools understand it.
How to fix: split it into separate events (an event-based gateway in front of several catch
events), or keep the one trigger that is meant.
"""
from ._util import describe, event_definition_kinds, finding

ID = "single-event-definition"
PRESET = "recommended"
SEVERITY = "error"


def check(model):
    for node in model.flow_nodes:
        if node.category != "event":
            continue
        defs = event_definition_kinds(node)
        if len(defs) > 1:
            names = ", ".join(d.replace("EventDefinition", "") for d in defs)
            yield finding(ID, node, f"{describe(node)} has {len(defs)} event definitions ({names}); "
                                    "use one event per trigger")
