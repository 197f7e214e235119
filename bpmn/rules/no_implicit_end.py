"""Every flow node except end events needs an outgoing sequence flow.

Why: a path that stops at an activity or gateway ends silently (an implicit end); the reader
cannot see whether the process is done there or a flow is missing. Exempt: end events, link
throw events, event sub-processes, compensation activities and boundary events, elements of
ad-hoc sub-processes. Elements with no flows at all are reported by no-disconnected instead.
How to fix: connect it to the next step, or add an end event after it.
"""

from procex.bpmn.rules._util import has_definition, problem
from procex.bpmn.rules.no_disconnected import exempt

ID = "no-implicit-end"
PRESET = "recommended"
SEVERITY = "error"
DOC_DE = """Jeder Flussknoten außer Endereignissen braucht einen ausgehenden Sequenzfluss.

Warum: Ein Weg, der an einer Aktivität oder einem Gateway aufhört, endet stillschweigend (ein
implizites Ende); Lesende können nicht sehen, ob der Prozess dort fertig ist oder ein Fluss
fehlt. Ausgenommen: Endereignisse, auslösende Link-Ereignisse, Ereignis-Teilprozesse,
Kompensationsaktivitäten und -ereignisse, Elemente von Ad-hoc-Teilprozessen. Elemente ganz ohne
Flüsse meldet stattdessen no-disconnected.
Abhilfe: Verbinden Sie das Element mit dem nächsten Schritt oder setzen Sie ein Endereignis
dahinter.
"""
MESSAGES = {
    "implicit-end": {
        "de": "{node} hat keinen ausgehenden Sequenzfluss, der Weg endet dort stillschweigend: verbinden Sie das "
        "Element mit dem nächsten Schritt oder einem Endereignis",
        "en": "{node} has no outgoing sequence flow, so the path ends there silently; connect it to the next step "
        "or add an end event",
    },
}


def check(model):
    for node in model.flow_nodes:
        if node.type == "endEvent" or exempt(node):
            continue
        if node.type == "intermediateThrowEvent" and has_definition(node, "linkEventDefinition"):
            continue
        if node.outgoing:
            continue
        if node.type == "boundaryEvent" or node.incoming:
            yield problem(node, "implicit-end", node=node)
