"""An event-based gateway waits for events: two or more outgoing flows to catch events or receive tasks.

Why: BPMN 2.0 (10.6.6) requires that every flow out of an event-based gateway leads to an
intermediate catch event (message, timer, signal, conditional) or a receive task, that there
are at least two of them, and that the flows carry no conditions: the first event to happen
chooses the path.
How to fix: put a catch event (e.g. "Antwort eingegangen", "Frist abgelaufen") right after the
gateway on each path, or use an exclusive gateway for a decision on data.
"""
from ._util import describe, event_definition_kinds, finding, is_conditional

ID = "event-based-gateway"
PRESET = "correctness"
SEVERITY = "error"
_CATCHABLE = {"messageEventDefinition", "timerEventDefinition", "signalEventDefinition",
              "conditionalEventDefinition"}


def _waits(target):
    if target is None:
        return True  # a dangling flow is a reference error
    if target.type == "receiveTask":
        return True
    return target.type == "intermediateCatchEvent" and bool(set(event_definition_kinds(target)) & _CATCHABLE)


def check(model):
    for gateway in model.of_kind("eventBasedGateway"):
        outgoing = gateway.outgoing
        if len(outgoing) < 2:
            yield finding(ID, gateway, f"{describe(gateway)} has {len(outgoing)} outgoing flow(s); an event-based "
                                       "gateway chooses between at least two events")
        for flow in outgoing:
            target = flow.target
            if not _waits(target):
                yield finding(ID, flow, f"sequence flow {describe(flow, kind=False)} leads from {describe(gateway)} "
                                        f"to {describe(target)}; after an event-based gateway each path must start "
                                        "with a catch event (message, timer, signal, condition) or a receive task")
            elif is_conditional(flow):
                yield finding(ID, flow, f"sequence flow {describe(flow, kind=False)} out of {describe(gateway)} has a "
                                        "condition; the event decides the path: remove the condition")
