"""A terminate end event is superfluous where nothing runs in parallel.

Why: a terminate end event stops every other path still running in its (sub-)process. Where
nothing can run in parallel (no parallel or inclusive split, no implicit split, no
non-interrupting event) a plain end event does the same and does not alarm the reader.
How to fix: use a plain end event.
"""

from procex.bpmn.rules._util import (
    containers,
    event_definition_kinds,
    flow_nodes_in,
    is_conditional,
    is_default,
    is_true,
    problem,
)

ID = "superfluous-termination"
PRESET = "recommended"
SEVERITY = "warn"
DOC_DE = """Ein Terminierungs-Endereignis ist überflüssig, wo nichts parallel läuft.

Warum: Ein Terminierungs-Endereignis beendet jeden anderen Weg, der in seinem (Teil-)Prozess
noch läuft. Wo nichts parallel laufen kann (keine parallele oder inklusive Verzweigung, keine
implizite Verzweigung, kein nicht unterbrechendes Ereignis), tut ein einfaches Endereignis
dasselbe und beunruhigt Lesende nicht.
Abhilfe: Verwenden Sie ein einfaches Endereignis.
"""
MESSAGES = {
    "superfluous": {
        "de": "{node} terminiert, aber in {container} kann sonst nichts laufen: verwenden Sie ein einfaches "
        "Endereignis",
        "en": "{node} terminates, but nothing else can be running in {container}; use a plain end event",
    },
}


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
        terminates = [
            n
            for n in flow_nodes_in(container)
            if n.type == "endEvent" and "terminateEventDefinition" in event_definition_kinds(n)
        ]
        if terminates and not _concurrent(container):
            for node in terminates:
                yield problem(node, "superfluous", node=node, container=container)
