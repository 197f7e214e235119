"""Every process and sub-process needs an end event.

Why: an end event shows where and with which result the process is done; without one the reader
has to guess which step is the last (an implicit end).
Ad-hoc sub-processes are exempt (they must not have end events).
How to fix: add an end event after the last step, named after the result ("Bescheid versandt").
"""

from procex.bpmn.rules._util import containers, flow_nodes_in, problem

ID = "end-event-required"
PRESET = "recommended"
SEVERITY = "error"
DOC_DE = """Jeder Prozess und Teilprozess braucht ein Endereignis.

Warum: Ein Endereignis zeigt, wo und mit welchem Ergebnis der Prozess fertig ist; ohne eines
müssen Lesende raten, welcher Schritt der letzte ist (ein implizites Ende).
Ad-hoc-Teilprozesse sind ausgenommen (sie dürfen keine Endereignisse haben).
Abhilfe: Fügen Sie nach dem letzten Schritt ein Endereignis ein, benannt nach dem Ergebnis
("Bescheid versandt").
"""
MESSAGES = {
    "no-end": {
        "de": "{container:container} hat kein Endereignis: fügen Sie nach dem letzten Schritt ein Endereignis ein, "
        "benannt nach dem Ergebnis",
        "en": "{container:container} has no end event; add an end event after the last step",
    },
}


def check(model):
    for container in containers(model):
        if container.type == "adHocSubProcess":
            continue
        nodes = flow_nodes_in(container)
        if nodes and not any(n.type == "endEvent" for n in nodes):
            yield problem(container, "no-end", container=container)
