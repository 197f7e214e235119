"""Every process and sub-process needs a start event.

Why: without a start event a reader cannot tell where the process begins; BPMN then starts every
element without incoming flow at once (an implicit start), which is rarely what was meant.
Ad-hoc sub-processes are exempt (they must not have start events).
How to fix: add a (blank) start event and connect it to the first step.
"""

from procex.bpmn.rules._util import containers, flow_nodes_in, problem

ID = "start-event-required"
PRESET = "recommended"
SEVERITY = "error"
DOC_DE = """Jeder Prozess und Teilprozess braucht ein Startereignis.

Warum: Ohne Startereignis sehen Lesende nicht, wo der Prozess beginnt; BPMN startet dann jedes
Element ohne eingehenden Fluss gleichzeitig (ein impliziter Start), was selten gemeint ist.
Ad-hoc-Teilprozesse sind ausgenommen (sie dürfen keine Startereignisse haben).
Abhilfe: Fügen Sie ein Startereignis (ohne Auslöser) ein und verbinden Sie es mit dem ersten
Schritt.
"""
MESSAGES = {
    "no-start": {
        "de": "{container:container} hat kein Startereignis: fügen Sie eines ein und verbinden Sie es mit dem "
        "ersten Schritt",
        "en": "{container:container} has no start event; add a start event where it begins",
    },
}


def check(model):
    for container in containers(model):
        if container.type == "adHocSubProcess":
            continue
        nodes = flow_nodes_in(container)
        if nodes and not any(n.type == "startEvent" for n in nodes):
            yield problem(container, "no-start", container=container)
