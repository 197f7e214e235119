"""A terminate end event is superfluous where nothing runs in parallel.

Why: a terminate end event stops every other path still running in its (sub-)process. Where
nothing can run in parallel (no parallel or inclusive split, no implicit split, no
non-interrupting event) a plain end event does the same and does not alarm the reader.
How to fix: use a plain end event.
"""
from ._util import containers, describe, event_definition_kinds, finding, flow_nodes_in, is_conditional, \
    is_default, is_true

ID = "superfluous-termination"
PRESET = "recommended"
SEVERITY = "warn"


def _concurrent(container):
    for node in flow_nodes_in(container):
        if node.type in ("parallelGateway", "inclusiveGateway", "complexGateway") and len(node.outgoing) > 1:
            return True
        if node.category != "gateway":
            plain = [f for f in node.outgoing if not is_conditional(f) and not is_default(f)]
            if len(plain) > 1:
                return True
        if node.type == "boundaryEvent" and node.el.get("cancelActivity", "true").strip() == "false":
            return True
        if node.type == "subProcess" and is_true(node, "triggeredByEvent"):
            starts = [n for n in flow_nodes_in(node) if n.type == "startEvent"]
            if any(s.el.get("isInterrupting", "true").strip() == "false" for s in starts):
                return True
    return False


def check(model):
    for container in containers(model):
        terminates = [n for n in flow_nodes_in(container)
                      if n.type == "endEvent" and "terminateEventDefinition" in event_definition_kinds(n)]
        if terminates and not _concurrent(container):
            for node in terminates:
                yield finding(ID, node, f"{describe(node)} terminates, but nothing else can be running in "
                                        f"{describe(container)}; use a plain end event")
