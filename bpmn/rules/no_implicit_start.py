"""Every flow node except start and boundary events needs an incoming sequence flow.

Why: an element without incoming flow starts on its own when the process starts (an implicit
start); usually a flow is missing. Exempt: start events, boundary events, link catch events,
event sub-processes, compensation activities, elements of ad-hoc sub-processes. Elements with no
flows at all are reported by no-disconnected instead.
How to fix: connect it from the step before, or make it a start event.
"""

from procex.bpmn.rules._util import has_definition, problem
from procex.bpmn.rules.no_disconnected import exempt

ID = "no-implicit-start"
PRESET = "recommended"
SEVERITY = "error"
DOC_DE = """Jeder Flussknoten außer Start- und angehefteten Ereignissen braucht einen eingehenden Sequenzfluss.

Warum: Ein Element ohne eingehenden Fluss startet von selbst, wenn der Prozess startet (ein
impliziter Start); meist fehlt ein Fluss. Ausgenommen: Startereignisse, angeheftete Ereignisse,
eintretende Link-Ereignisse, Ereignis-Teilprozesse, Kompensationsaktivitäten, Elemente von
Ad-hoc-Teilprozessen. Elemente ganz ohne Flüsse meldet stattdessen no-disconnected.
Abhilfe: Verbinden Sie das Element vom vorigen Schritt aus, oder machen Sie es zu einem
Startereignis.
"""
MESSAGES = {
    "implicit-start": {
        "de": "{node} hat keinen eingehenden Sequenzfluss und startet deshalb von selbst: verbinden Sie das Element "
        "vom vorigen Schritt aus oder verwenden Sie ein Startereignis",
        "en": "{node} has no incoming sequence flow, so it starts on its own; connect it from the step before or "
        "use a start event",
    },
}


def check(model):
    for node in model.flow_nodes:
        if node.type in ("startEvent", "boundaryEvent") or exempt(node):
            continue
        if node.type == "intermediateCatchEvent" and has_definition(node, "linkEventDefinition"):
            continue
        if not node.incoming and node.outgoing:
            yield problem(node, "implicit-start", node=node)
